/* Tests for the fallback pcapng reader: IDB/EPB parsers, time stamps, block framing. */
#include <pcap/dlt.h>
#include <stdio.h>
#include <string.h>

#include "pcapng.h"
#include "bytebuf.h"
#include "testutil.h"

/* ---- pure parsers ------------------------------------------------------- */

/* IDB body, little-endian: Ethernet, snaplen 65535, if_name "eth0", if_tsresol 9. */
static const uint8_t idb_le[] = {
    0x01, 0x00,             /* link type 1 (Ethernet) */
    0x00, 0x00,             /* reserved */
    0xff, 0xff, 0x00, 0x00, /* snaplen 65535 */
    0x02, 0x00, 0x04, 0x00, /* option if_name, length 4 */
    'e',  't',  'h',  '0',  /* "eth0" */
    0x09, 0x00, 0x01, 0x00, /* option if_tsresol, length 1 */
    0x09, 0x00, 0x00, 0x00, /* 10^-9, 3 bytes of padding */
    0x00, 0x00, 0x00, 0x00, /* opt_endofopt */
};

/* The same IDB, big-endian. */
static const uint8_t idb_be[] = {
    0x00, 0x01,             /* link type 1 (Ethernet) */
    0x00, 0x00,             /* reserved */
    0x00, 0x00, 0xff, 0xff, /* snaplen 65535 */
    0x00, 0x02, 0x00, 0x04, /* option if_name, length 4 */
    'e',  't',  'h',  '0',  /* "eth0" */
    0x00, 0x09, 0x00, 0x01, /* option if_tsresol, length 1 */
    0x09, 0x00, 0x00, 0x00, /* 10^-9, 3 bytes of padding */
    0x00, 0x00, 0x00, 0x00, /* opt_endofopt */
};

START_TEST(test_idb_le)
{
	struct pcapng_idb idb;

	ck_assert_int_eq(pcapng_parse_idb(idb_le, sizeof(idb_le), false, &idb), PARSE_OK);
	ck_assert_uint_eq(idb.linktype, 1);
	ck_assert_uint_eq(idb.snaplen, 65535);
	ck_assert_uint_eq(idb.tsresol_exp, 9);
	ck_assert_int_eq(idb.tsoffset, 0);
}
END_TEST

START_TEST(test_idb_be)
{
	struct pcapng_idb idb;

	ck_assert_int_eq(pcapng_parse_idb(idb_be, sizeof(idb_be), true, &idb), PARSE_OK);
	ck_assert_uint_eq(idb.linktype, 1);
	ck_assert_uint_eq(idb.snaplen, 65535);
	ck_assert_uint_eq(idb.tsresol_exp, 9);
}
END_TEST

START_TEST(test_idb_if_name)
{
	/* if_name "wan0" padded to 8 with NULs (as some writers do), then if_tsresol. */
	static const uint8_t named[] = {1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 8, 0, 'w', 'a', 'n', '0',
	                                0, 0, 0, 0, 9, 0, 1, 0, 9, 0, 0, 0, 0,   0,   0,   0};
	/* A name with a blank is dropped (reports print it bare). */
	static const uint8_t blank[] = {1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 3, 0, 'a', ' ', 'b', 0};
	/* A name too long for the report is dropped, the block still parses. */
	uint8_t longname[8 + 4 + 40];
	struct pcapng_idb idb;

	ck_assert_int_eq(pcapng_parse_idb(named, sizeof(named), false, &idb), PARSE_OK);
	ck_assert_str_eq(idb.name, "wan0");
	ck_assert_uint_eq(idb.tsresol_exp, 9);
	ck_assert_int_eq(pcapng_parse_idb(blank, sizeof(blank), false, &idb), PARSE_OK);
	ck_assert_str_eq(idb.name, "");
	memset(longname, 'x', sizeof(longname));
	memcpy(longname, named, 8);
	longname[8] = 2;
	longname[9] = 0;
	longname[10] = 40;
	longname[11] = 0;
	ck_assert_int_eq(pcapng_parse_idb(longname, sizeof(longname), false, &idb), PARSE_OK);
	ck_assert_str_eq(idb.name, "");
	ck_assert_int_eq(pcapng_parse_idb(idb_le, 8, false, &idb), PARSE_OK);
	ck_assert_str_eq(idb.name, "");
}
END_TEST
START_TEST(test_idb_default_tsresol)
{
	/* Only the fixed part: no options, so microseconds. */
	struct pcapng_idb idb;

	ck_assert_int_eq(pcapng_parse_idb(idb_le, 8, false, &idb), PARSE_OK);
	ck_assert_uint_eq(idb.tsresol_exp, 6);
}
END_TEST

/* Every prefix: shorter than the fixed part is TRUNCATED; cut inside an option too. */
START_TEST(test_idb_prefix)
{
	struct pcapng_idb idb;
	size_t n = (size_t)_i;
	enum parse_status st = pcapng_parse_idb(idb_le, n, false, &idb);

	/*
	 * Option boundaries: 8 (fixed part), 16 (after if_name), 21 to 24 (after
	 * if_tsresol: its missing padding is forgiven), 28 (after opt_endofopt).
	 */
	if (n == 8 || n == 16 || (n >= 21 && n <= 24) || n == 28)
		ck_assert_int_eq(st, PARSE_OK);
	else
		ck_assert_int_eq(st, PARSE_TRUNCATED);
}
END_TEST

START_TEST(test_idb_endofopt_stops)
{
	/* Bytes after opt_endofopt are not options: a bad if_tsresol there is ignored. */
	static const uint8_t p[] = {
	    0x01, 0x00, 0x00, 0x00, /* link type 1, reserved */
	    0x00, 0x00, 0x00, 0x00, /* snaplen 0 (no limit) */
	    0x00, 0x00, 0x00, 0x00, /* opt_endofopt */
	    0x09, 0x00, 0x02, 0x00, /* if_tsresol, length 2: invalid, but after the end */
	    0x09, 0x09, 0x00, 0x00,
	};
	struct pcapng_idb idb;

	ck_assert_int_eq(pcapng_parse_idb(p, sizeof(p), false, &idb), PARSE_OK);
	ck_assert_uint_eq(idb.snaplen, 0);
	ck_assert_uint_eq(idb.tsresol_exp, 6);
}
END_TEST

/* IDBs whose options contradict the specification: all INVALID. */
static const struct bad_idb {
	const char *name;
	uint8_t bytes[24];
	size_t len;
} bad_idbs[] = {
    {"if_tsresol of length 2",
     {0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00,  /* Ethernet, snaplen 65535 */
      0x09, 0x00, 0x02, 0x00, 0x09, 0x09, 0x00, 0x00}, /* if_tsresol, length 2 */
     16},
    {"if_tsresol 10^-20",
     {0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x09, 0x00, 0x01, 0x00, 20, 0, 0, 0},
     16},
    {"if_tsresol 2^-64",
     {0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x09, 0x00, 0x01, 0x00, 0xc0, 0, 0, 0},
     16},
    {"two if_tsresol",
     {0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x09, 0x00, 0x01, 0x00,
      6,    0,    0,    0,    0x09, 0x00, 0x01, 0x00, 9,    0,    0,    0},
     24},
    {"if_tsoffset of length 4",
     {0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00,  /* Ethernet, snaplen 65535 */
      0x0e, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00}, /* if_tsoffset, length 4 */
     16},
};

START_TEST(test_idb_invalid)
{
	const struct bad_idb *b = &bad_idbs[_i];
	struct pcapng_idb idb;

	ck_assert_msg(pcapng_parse_idb(b->bytes, b->len, false, &idb) == PARSE_INVALID, "%s",
	              b->name);
}
END_TEST

START_TEST(test_idb_tsresol_limits)
{
	/* The finest resolutions that still fit: 10^-19 and 2^-63. */
	uint8_t p[16] = {0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, /* Ethernet */
	                 0x09, 0x00, 0x01, 0x00, 19,   0,    0,    0};   /* if_tsresol 19 */
	struct pcapng_idb idb;

	ck_assert_int_eq(pcapng_parse_idb(p, sizeof(p), false, &idb), PARSE_OK);
	ck_assert_uint_eq(idb.tsresol_exp, 19);
	p[12] = 0x80 | 63;
	ck_assert_int_eq(pcapng_parse_idb(p, sizeof(p), false, &idb), PARSE_OK);
	ck_assert_uint_eq(idb.tsresol_exp, 0x80 | 63);
}
END_TEST

START_TEST(test_idb_tsoffset)
{
	static const uint8_t le[] = {
	    0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, /* Ethernet, snaplen 65535 */
	    0x0e, 0x00, 0x08, 0x00,                         /* if_tsoffset, length 8 */
	    0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* -2 seconds */
	};
	static const uint8_t be[] = {
	    0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, /* Ethernet, snaplen 65535 */
	    0x00, 0x0e, 0x00, 0x08,                         /* if_tsoffset, length 8 */
	    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, /* 2^32 + 2 seconds */
	};
	struct pcapng_idb idb;

	ck_assert_int_eq(pcapng_parse_idb(le, sizeof(le), false, &idb), PARSE_OK);
	ck_assert_int_eq(idb.tsoffset, -2);
	ck_assert_int_eq(pcapng_parse_idb(be, sizeof(be), true, &idb), PARSE_OK);
	ck_assert_int_eq(idb.tsoffset, INT64_C(0x100000002));
}
END_TEST

/* EPB body, little-endian: interface 0, time stamp 0x00000001_00000002, 5 of 60 bytes. */
static const uint8_t epb_le[] = {
    0x00, 0x00, 0x00, 0x00, /* interface id 0 */
    0x01, 0x00, 0x00, 0x00, /* time stamp, high 32 bits */
    0x02, 0x00, 0x00, 0x00, /* time stamp, low 32 bits */
    0x05, 0x00, 0x00, 0x00, /* captured length 5 */
    0x3c, 0x00, 0x00, 0x00, /* original length 60 */
    0xaa, 0xbb, 0xcc, 0xdd, /* packet data */
    0xee, 0x00, 0x00, 0x00, /* last data byte, 3 bytes of padding */
};

static const uint8_t epb_be[] = {
    0x00, 0x00, 0x00, 0x03, /* interface id 3 */
    0x00, 0x00, 0x00, 0x01, /* time stamp, high 32 bits */
    0x00, 0x00, 0x00, 0x02, /* time stamp, low 32 bits */
    0x00, 0x00, 0x00, 0x05, /* captured length 5 */
    0x00, 0x00, 0x00, 0x3c, /* original length 60 */
    0xaa, 0xbb, 0xcc, 0xdd, /* packet data */
    0xee, 0x00, 0x00, 0x00, /* last data byte, 3 bytes of padding */
};

START_TEST(test_epb_le)
{
	struct pcapng_epb epb;

	ck_assert_int_eq(pcapng_parse_epb(epb_le, sizeof(epb_le), false, &epb), PARSE_OK);
	ck_assert_uint_eq(epb.interface_id, 0);
	ck_assert_uint_eq(epb.ts_units, UINT64_C(0x100000002));
	ck_assert_uint_eq(epb.caplen, 5);
	ck_assert_uint_eq(epb.wirelen, 60);
	ck_assert_ptr_eq(epb.data, epb_le + 20);
}
END_TEST

START_TEST(test_epb_be)
{
	struct pcapng_epb epb;

	ck_assert_int_eq(pcapng_parse_epb(epb_be, sizeof(epb_be), true, &epb), PARSE_OK);
	ck_assert_uint_eq(epb.interface_id, 3);
	ck_assert_uint_eq(epb.ts_units, UINT64_C(0x100000002));
	ck_assert_uint_eq(epb.caplen, 5);
	ck_assert_uint_eq(epb.wirelen, 60);
}
END_TEST

START_TEST(test_epb_prefix)
{
	struct pcapng_epb epb;
	size_t n = (size_t)_i;
	enum parse_status st = pcapng_parse_epb(epb_le, n, false, &epb);

	/* 20 fixed bytes + 5 data bytes; the padding may be missing. */
	ck_assert_int_eq(st, n >= 25 ? PARSE_OK : PARSE_TRUNCATED);
}
END_TEST

START_TEST(test_epb_caplen_lies)
{
	uint8_t p[sizeof(epb_le)];
	struct pcapng_epb epb;

	memcpy(p, epb_le, sizeof(p));
	p[12] = 0xff; /* captured length 0x000000ff: past the body */
	ck_assert_int_eq(pcapng_parse_epb(p, sizeof(p), false, &epb), PARSE_TRUNCATED);
	p[12] = 0xff, p[13] = 0xff, p[14] = 0xff, p[15] = 0xff; /* 0xffffffff */
	ck_assert_int_eq(pcapng_parse_epb(p, sizeof(p), false, &epb), PARSE_TRUNCATED);
}
END_TEST

/* ---- time stamps -------------------------------------------------------- */

static const struct ts_case {
	uint8_t tsresol;
	int64_t tsoffset;
	uint64_t units;
	ts_ns_t ns;
} ts_cases[] = {
    {6, 0, UINT64_C(1700000000123456), INT64_C(1700000000123456000)}, /* default: us */
    {9, 0, UINT64_C(1700000000123456789), INT64_C(1700000000123456789)},
    {0, 0, 5, 5 * NS_PER_SEC},                                   /* seconds */
    {3, 0, 1500, INT64_C(1500000000)},                           /* milliseconds */
    {12, 0, UINT64_C(1000000000001500), INT64_C(1000000000001)}, /* picoseconds */
    {19, 0, UINT64_C(10000000000000000000), NS_PER_SEC},         /* 10^-19 */
    {0x80 | 10, 0, 1024 + 512, INT64_C(1500000000)},             /* 2^-10 */
    {0x80 | 30, 0, (UINT64_C(3) << 30) | (UINT64_C(1) << 29), INT64_C(3500000000)},
    {0x80 | 40, 0, (UINT64_C(7) << 40) | (UINT64_C(1) << 38), INT64_C(7250000000)},
    {0x80 | 63, 0, UINT64_C(1) << 63, NS_PER_SEC}, /* 2^-63 */
    {6, 10, 0, 10 * NS_PER_SEC},                   /* if_tsoffset */
    {6, -5, 1500000, -INT64_C(3500000000)},
    {0, 0, UINT64_MAX, INT64_MAX}, /* saturates */
    {6, INT64_MAX, 0, INT64_MAX},
    {6, INT64_MIN, 0, INT64_MIN},
};

START_TEST(test_timestamp)
{
	const struct ts_case *t = &ts_cases[_i];
	struct pcapng_idb idb = {.linktype = 1, .tsresol_exp = t->tsresol, .tsoffset = t->tsoffset};

	ck_assert_int_eq(pcapng_timestamp_ns(&idb, t->units), t->ns);
}
END_TEST

/* ---- the reader, over files built in memory ---------------------------- */

/* Start a block: type and a length patched by bb_end. */
static size_t
bb_begin(struct bb *b, uint32_t type)
{
	size_t at = b->n;

	bb_u32(b, type);
	bb_u32(b, 0);
	return at;
}

static void
bb_end(struct bb *b, size_t at)
{
	while (b->n % 4 != 0)
		bb_u8(b, 0);
	bb_put32_at(b, at + 4, (uint32_t)(b->n - at + 4));
	bb_u32(b, (uint32_t)(b->n - at + 4));
}

static void
bb_shb(struct bb *b, bool be)
{
	size_t at;

	b->be = be;
	at = bb_begin(b, 0x0A0D0D0A);
	bb_u32(b, 0x1A2B3C4D); /* byte-order magic, in the section's order */
	bb_u16(b, 1);          /* major version */
	bb_u16(b, 0);          /* minor version */
	bb_u32(b, 0xffffffff); /* section length: unknown */
	bb_u32(b, 0xffffffff);
	bb_end(b, at);
}

/* IDB; tsresol < 0 leaves the option out. */
static void
bb_idb(struct bb *b, uint16_t linktype, uint32_t snaplen, int tsresol)
{
	size_t at = bb_begin(b, 1);

	bb_u16(b, linktype);
	bb_u16(b, 0);
	bb_u32(b, snaplen);
	if (tsresol >= 0) {
		bb_u16(b, 9);
		bb_u16(b, 1);
		bb_u8(b, (uint8_t)tsresol);
		bb_u8(b, 0), bb_u8(b, 0), bb_u8(b, 0);
		bb_u32(b, 0); /* opt_endofopt */
	}
	bb_end(b, at);
}

static void
bb_epb(struct bb *b, uint32_t iface, uint64_t ts, const void *data, uint32_t caplen,
       uint32_t wirelen)
{
	size_t at = bb_begin(b, 6);

	bb_u32(b, iface);
	bb_u32(b, (uint32_t)(ts >> 32));
	bb_u32(b, (uint32_t)ts);
	bb_u32(b, caplen);
	bb_u32(b, wirelen);
	bb_bytes(b, data, caplen);
	bb_end(b, at);
}

static void
bb_spb(struct bb *b, uint32_t wirelen, const void *data, size_t room)
{
	size_t at = bb_begin(b, 3);

	bb_u32(b, wirelen);
	bb_bytes(b, data, room);
	bb_end(b, at);
}

/* A block of any other type, with a 4-byte body. */
static void
bb_other(struct bb *b, uint32_t type)
{
	size_t at = bb_begin(b, type);

	bb_u32(b, 0x12345678);
	bb_end(b, at);
}

static const uint8_t frame60[60] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};

/* The reader keeps borrowing fp; both are released by ng_close. */
struct ng {
	FILE *fp;
	struct pcapng_reader *r;
	char err[CAPTURE_ERRBUF_SIZE];
};

static bool
ng_open(struct ng *ng, const uint8_t *p, size_t n)
{
	static const uint8_t none[1];

	memset(ng, 0, sizeof(*ng));
	/* fmemopen of size 0 is not portable; an empty stream reads nothing anyway. */
	ng->fp = fmemopen((void *)(n > 0 ? p : none), n > 0 ? n : 1, "rb");
	ck_assert_ptr_nonnull(ng->fp);
	if (n == 0)
		fseek(ng->fp, 1, SEEK_SET);
	ng->r = pcapng_open(ng->fp, ng->err);
	return ng->r != NULL;
}

static void
ng_close(struct ng *ng)
{
	pcapng_close(ng->r);
	fclose(ng->fp);
}

/* Read to the end: frames counted, final status returned. */
static enum capture_status
ng_drain(struct ng *ng, unsigned *frames)
{
	struct capture_frame f;
	enum capture_status st;

	*frames = 0;
	while ((st = pcapng_next(ng->r, &f, ng->err)) == CAPTURE_FRAME)
		(*frames)++;
	return st;
}

START_TEST(test_reader_two_linktypes)
{
	struct bb b = {.n = 0};
	struct ng ng;
	struct capture_frame f;
	int lt[4];

	bb_shb(&b, false);
	bb_idb(&b, 1, 65535, -1);  /* Ethernet */
	bb_idb(&b, 101, 1500, 9);  /* LINKTYPE_RAW, nanoseconds */
	bb_idb(&b, 1, 262144, -1); /* Ethernet again: listed once */
	bb_idb(&b, 105, 2346, -1); /* 802.11, never used: not listed */
	bb_epb(&b, 1, UINT64_C(1700000000123456789), frame60, 20, 20);
	bb_epb(&b, 2, UINT64_C(1700000000123456), frame60, 60, 60);
	bb_epb(&b, 0, 0, frame60, 60, 60);
	ck_assert(ng_open(&ng, b.p, b.n));
	/* Right after open the look-ahead has read the IDBs and the first frame. */
	ck_assert_uint_eq(pcapng_interface_count(ng.r), 4);
	ck_assert_uint_eq(pcapng_interface(ng.r, 1)->snaplen, 1500);
	ck_assert_uint_eq(pcapng_interface(ng.r, 2)->snaplen, 262144);
	ck_assert_ptr_null(pcapng_interface(ng.r, 4));
	ck_assert_uint_eq(pcapng_linktypes(ng.r, lt, 4), 1);
	ck_assert_int_eq(lt[0], DLT_RAW);
	ck_assert_int_eq(pcapng_next(ng.r, &f, ng.err), CAPTURE_FRAME);
	ck_assert_int_eq(f.linktype, DLT_RAW);
	ck_assert_int_eq(f.ts, INT64_C(1700000000123456789));
	ck_assert_uint_eq(f.caplen, 20);
	ck_assert_mem_eq(f.data, frame60, 20);
	ck_assert_int_eq(pcapng_next(ng.r, &f, ng.err), CAPTURE_FRAME);
	ck_assert_int_eq(f.linktype, DLT_EN10MB);
	ck_assert_int_eq(f.ts, INT64_C(1700000000123456000));
	ck_assert_uint_eq(f.caplen, 60);
	ck_assert_int_eq(pcapng_next(ng.r, &f, ng.err), CAPTURE_FRAME);
	ck_assert_int_eq(pcapng_next(ng.r, &f, ng.err), CAPTURE_END);
	ck_assert_uint_eq(pcapng_linktypes(ng.r, lt, 4), 2);
	ck_assert_int_eq(lt[0], DLT_RAW);
	ck_assert_int_eq(lt[1], DLT_EN10MB);
	ck_assert_uint_eq(pcapng_linktypes(ng.r, lt, 1), 1);
	ck_assert_uint_eq(pcapng_offset(ng.r), b.n);
	ng_close(&ng);
}
END_TEST

START_TEST(test_reader_public_mixed_snaplen)
{
	/* 2 Ethernet interfaces, snaplens 262144 and 65535; 7 frames (tshark -r FILE | wc -l). */
	FILE *fp = fopen(TESTDATA "/public/PcapPlusPlus__GrePackets.pcap", "rb");
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct pcapng_reader *r;
	struct capture_frame f;
	unsigned frames = 0;
	int lt[4];

	ck_assert_ptr_nonnull(fp);
	r = pcapng_open(fp, err);
	ck_assert_msg(r != NULL, "%s", err);
	while (pcapng_next(r, &f, err) == CAPTURE_FRAME) {
		frames++;
		ck_assert_int_eq(f.linktype, DLT_EN10MB);
	}
	ck_assert_uint_eq(frames, 7);
	ck_assert_uint_eq(f.caplen, 96); /* frame 7, on interface 1 */
	ck_assert_int_eq(f.ts, INT64_C(1605124619087414000));
	ck_assert_uint_eq(pcapng_interface_count(r), 2);
	ck_assert_uint_eq(pcapng_interface(r, 0)->snaplen, 262144);
	ck_assert_uint_eq(pcapng_interface(r, 1)->snaplen, 65535);
	ck_assert_uint_eq(pcapng_linktypes(r, lt, 4), 1);
	ck_assert_int_eq(lt[0], DLT_EN10MB);
	pcapng_close(r);
	fclose(fp);
}
END_TEST

START_TEST(test_reader_sections)
{
	/* A little-endian section, then a big-endian one with its own interfaces. */
	struct bb b = {.n = 0};
	struct ng ng;
	struct capture_frame f;

	bb_shb(&b, false);
	bb_idb(&b, 1, 0, -1);
	bb_idb(&b, 1, 0, -1);
	bb_epb(&b, 1, 1000000, frame60, 14, 14);
	bb_shb(&b, true);
	bb_idb(&b, 101, 0, 9);
	bb_epb(&b, 0, 5, frame60, 8, 8);
	bb_epb(&b, 1, 5, frame60, 8, 8); /* interface 1 was the old section's */
	ck_assert(ng_open(&ng, b.p, b.n));
	ck_assert_int_eq(pcapng_next(ng.r, &f, ng.err), CAPTURE_FRAME);
	ck_assert_int_eq(f.ts, NS_PER_SEC);
	ck_assert_int_eq(pcapng_next(ng.r, &f, ng.err), CAPTURE_FRAME);
	ck_assert_int_eq(f.linktype, DLT_RAW);
	ck_assert_int_eq(f.ts, 5);
	ck_assert_uint_eq(f.caplen, 8);
	ck_assert_uint_eq(pcapng_interface_count(ng.r), 1);
	ck_assert_int_eq(pcapng_next(ng.r, &f, ng.err), CAPTURE_ERROR);
	ck_assert_ptr_nonnull(strstr(ng.err, "packet on interface 1, but the section declares 1"));
	ng_close(&ng);
}
END_TEST

START_TEST(test_reader_skips_other_blocks)
{
	struct bb b = {.n = 0};
	struct ng ng;
	unsigned frames;

	bb_shb(&b, false);
	bb_other(&b, 4); /* Name Resolution Block */
	bb_idb(&b, 1, 0, -1);
	bb_other(&b, 5); /* Interface Statistics Block */
	bb_epb(&b, 0, 0, frame60, 60, 60);
	bb_other(&b, 0x0000000A); /* Decryption Secrets Block */
	bb_other(&b, 0x00000BAD); /* custom block */
	bb_other(&b, 0x40000BAD); /* custom block, not to be copied */
	bb_other(&b, 0x7fffffff); /* unknown */
	bb_epb(&b, 0, 0, frame60, 60, 60);
	ck_assert(ng_open(&ng, b.p, b.n));
	ck_assert_int_eq(ng_drain(&ng, &frames), CAPTURE_END);
	ck_assert_uint_eq(frames, 2);
	ng_close(&ng);
}
END_TEST

/* SPB captured length = min(original length, room in the block, snaplen). */
static const struct spb_case {
	uint32_t snaplen, wirelen, room, caplen;
} spb_cases[] = {
    {0, 60, 60, 60},   /* whole packet */
    {0, 100, 60, 60},  /* cut by the block */
    {0, 10, 12, 10},   /* padding is not data */
    {32, 100, 60, 32}, /* cut by the snaplen */
    {100, 60, 60, 60},
};

START_TEST(test_reader_spb)
{
	const struct spb_case *t = &spb_cases[_i];
	struct bb b = {.n = 0};
	struct ng ng;
	struct capture_frame f;

	bb_shb(&b, false);
	bb_idb(&b, 1, t->snaplen, -1);
	bb_spb(&b, t->wirelen, frame60, t->room);
	ck_assert(ng_open(&ng, b.p, b.n));
	ck_assert_int_eq(pcapng_next(ng.r, &f, ng.err), CAPTURE_FRAME);
	ck_assert_uint_eq(f.caplen, t->caplen);
	ck_assert_uint_eq(f.wirelen, t->wirelen);
	ck_assert_int_eq(f.ts, 0);
	ng_close(&ng);
}
END_TEST

START_TEST(test_reader_spb_without_interface)
{
	struct bb b = {.n = 0};
	struct ng ng;
	struct capture_frame f;

	bb_shb(&b, false);
	bb_spb(&b, 60, frame60, 60);
	ck_assert(ng_open(&ng, b.p, b.n));
	ck_assert_int_eq(pcapng_next(ng.r, &f, ng.err), CAPTURE_ERROR);
	ck_assert_ptr_nonnull(strstr(ng.err, "block at byte 28: simple packet block"));
	ng_close(&ng);
}
END_TEST

START_TEST(test_reader_obsolete_pb)
{
	struct bb b = {.n = 0};
	struct ng ng;
	struct capture_frame f;
	size_t at;

	bb_shb(&b, true);
	bb_idb(&b, 1, 0, -1);
	bb_idb(&b, 1, 0, 0); /* seconds */
	at = bb_begin(&b, 2);
	bb_u16(&b, 1);  /* interface id */
	bb_u16(&b, 7);  /* drops count */
	bb_u32(&b, 0);  /* time stamp high */
	bb_u32(&b, 42); /* time stamp low */
	bb_u32(&b, 4);  /* captured length */
	bb_u32(&b, 60); /* original length */
	bb_bytes(&b, frame60, 4);
	bb_end(&b, at);
	ck_assert(ng_open(&ng, b.p, b.n));
	ck_assert_int_eq(pcapng_next(ng.r, &f, ng.err), CAPTURE_FRAME);
	ck_assert_int_eq(f.ts, 42 * NS_PER_SEC);
	ck_assert_uint_eq(f.caplen, 4);
	ck_assert_uint_eq(f.wirelen, 60);
	ng_close(&ng);
}
END_TEST

START_TEST(test_reader_caplen_over_snaplen)
{
	/* libpcap stops here; the bytes are in the block, so we read them. */
	struct bb b = {.n = 0};
	struct ng ng;
	struct capture_frame f;

	bb_shb(&b, false);
	bb_idb(&b, 1, 16, -1);
	bb_epb(&b, 0, 0, frame60, 60, 60);
	ck_assert(ng_open(&ng, b.p, b.n));
	ck_assert_int_eq(pcapng_next(ng.r, &f, ng.err), CAPTURE_FRAME);
	ck_assert_uint_eq(f.caplen, 60);
	ng_close(&ng);
}
END_TEST

START_TEST(test_reader_big_packet)
{
	/* Bigger than the first buffer: it grows; the data comes through whole. */
	static uint8_t big[60000];
	static struct bb b;
	struct ng ng;
	struct capture_frame f;
	size_t i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7);
	b.n = 0;
	bb_shb(&b, false);
	bb_idb(&b, 1, 0, -1);
	bb_epb(&b, 0, 0, frame60, 60, 60);
	bb_epb(&b, 0, 0, big, sizeof(big), sizeof(big));
	ck_assert(ng_open(&ng, b.p, b.n));
	ck_assert_int_eq(pcapng_next(ng.r, &f, ng.err), CAPTURE_FRAME);
	ck_assert_int_eq(pcapng_next(ng.r, &f, ng.err), CAPTURE_FRAME);
	ck_assert_uint_eq(f.caplen, sizeof(big));
	ck_assert_mem_eq(f.data, big, sizeof(big));
	ng_close(&ng);
}
END_TEST

/*
 * Broken framing after a good SHB (28 bytes) and IDB (20 bytes): the block
 * at byte 48.  Each row patches one 32-bit field of the EPB that follows.
 */
static const struct bad_block {
	const char *name;
	size_t patch_at; /* offset in the EPB block */
	uint32_t value;
	enum capture_status status;
	const char *err;
} bad_blocks[] = {
    {"length 8", 4, 8, CAPTURE_ERROR, "block at byte 48: length 8 is below 12"},
    {"length 0", 4, 0, CAPTURE_ERROR, "block at byte 48: length 0 is below 12"},
    {"length not a multiple of 4", 4, 97, CAPTURE_ERROR,
     "block at byte 48: length 97 is not a multiple of 4"},
    {"length beyond the limit", 4, 0x7ffffffc, CAPTURE_ERROR,
     "block at byte 48: length 2147483644 exceeds the limit"},
    {"length beyond the file", 4, 1000, CAPTURE_TRUNCATED, "file ends inside the block at byte 48"},
    {"trailer differs", 88, 100, CAPTURE_ERROR,
     "block at byte 48: trailing length 100 differs from leading length 92"},
    {"shorter, so the trailer is data", 4, 88, CAPTURE_ERROR,
     "block at byte 48: trailing length 0 differs from leading length 88"},
    {"caplen past the block", 20, 61, CAPTURE_ERROR,
     "block at byte 48: captured length runs past the end"},
    {"interface that does not exist", 8, 5, CAPTURE_ERROR,
     "block at byte 48: packet on interface 5, but the section declares 1"},
};

START_TEST(test_reader_bad_block)
{
	const struct bad_block *t = &bad_blocks[_i];
	struct bb b = {.n = 0};
	struct ng ng;
	unsigned frames;
	size_t epb;

	bb_shb(&b, false);
	bb_idb(&b, 1, 0, -1);
	epb = b.n;
	ck_assert_uint_eq(epb, 48);
	bb_epb(&b, 0, 0, frame60, 60, 60); /* 8 + 20 + 60 + 4 = 92 bytes; trailer at +88 */
	bb_epb(&b, 0, 0, frame60, 60, 60);
	bb_put32_at(&b, epb + t->patch_at, t->value);
	ck_assert(ng_open(&ng, b.p, b.n));
	ck_assert_msg(ng_drain(&ng, &frames) == t->status, "%s: %s", t->name, ng.err);
	ck_assert_uint_eq(frames, 0);
	ck_assert_msg(strstr(ng.err, t->err) != NULL, "%s: got \"%s\"", t->name, ng.err);
	ng_close(&ng);
}
END_TEST

START_TEST(test_reader_sticky_error)
{
	struct bb b = {.n = 0};
	struct ng ng;
	struct capture_frame f;

	bb_shb(&b, false);
	bb_idb(&b, 1, 0, -1);
	bb_epb(&b, 3, 0, frame60, 60, 60);
	ck_assert(ng_open(&ng, b.p, b.n));
	ck_assert_int_eq(pcapng_next(ng.r, &f, ng.err), CAPTURE_ERROR);
	ng.err[0] = '\0';
	ck_assert_int_eq(pcapng_next(ng.r, &f, ng.err), CAPTURE_ERROR);
	ck_assert_ptr_nonnull(strstr(ng.err, "interface 3"));
	ng_close(&ng);
}
END_TEST

START_TEST(test_reader_bad_shb)
{
	struct bb b = {.n = 0};
	struct ng ng;

	/* Bad byte-order magic. */
	bb_shb(&b, false);
	b.p[8] = 0x00;
	ck_assert(!ng_open(&ng, b.p, b.n));
	ck_assert_str_eq(ng.err,
	                 "block at byte 0: section header block has a bad byte-order magic");
	ng_close(&ng);
	/* Major version 2. */
	b.n = 0;
	bb_shb(&b, true);
	b.p[13] = 2;
	ck_assert(!ng_open(&ng, b.p, b.n));
	ck_assert_str_eq(ng.err, "block at byte 0: pcapng version 2.0 is not supported");
	ng_close(&ng);
	/* An SHB of 24 bytes cannot hold its fixed fields. */
	b.n = 0;
	bb_shb(&b, false);
	bb_put32_at(&b, 4, 24);
	ck_assert(!ng_open(&ng, b.p, b.n));
	ck_assert_str_eq(ng.err, "block at byte 0: length 24 is below 28");
	ng_close(&ng);
}
END_TEST

START_TEST(test_reader_not_pcapng)
{
	static const uint8_t pcap_header[] = {
	    0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00, /* pcap magic, version 2.4 */
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* thiszone, sigfigs */
	    0xff, 0xff, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, /* snaplen, Ethernet */
	};
	struct ng ng;

	ck_assert(!ng_open(&ng, pcap_header, sizeof(pcap_header)));
	ck_assert_str_eq(ng.err, "not a pcapng file: no section header block at byte 0");
	ng_close(&ng);
	ck_assert(!ng_open(&ng, pcap_header, 0));
	ck_assert_str_eq(ng.err, "file is empty");
	ng_close(&ng);
}
END_TEST

START_TEST(test_reader_too_many_interfaces)
{
	static struct bb b;
	struct ng ng;
	unsigned i, frames;

	b.n = 0;
	bb_shb(&b, false);
	for (i = 0; i < PCAPNG_MAX_INTERFACES + 1; i++)
		bb_idb(&b, 1, 0, -1);
	ck_assert(ng_open(&ng, b.p, b.n));
	ck_assert_int_eq(ng_drain(&ng, &frames), CAPTURE_ERROR);
	ck_assert_ptr_nonnull(strstr(ng.err, "more than 256 interfaces in one section"));
	ng_close(&ng);
}
END_TEST

START_TEST(test_reader_blocks_without_packet)
{
	/* One block more than the cap, all 12-byte custom blocks: a bounded loop says so. */
	size_t n = 28 + ((size_t)(1u << 20) + 1) * 12, i;
	uint8_t *p = malloc(n);
	struct bb *b = malloc(sizeof(*b));
	struct ng ng;
	unsigned frames;

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(b);
	b->n = 0;
	bb_shb(b, false);
	memcpy(p, b->p, 28);
	for (i = 28; i < n; i += 12) {
		static const uint8_t empty[12] = {0xad, 0x0b, 0, 0, 12, 0, 0, 0, 12, 0, 0, 0};

		memcpy(p + i, empty, sizeof(empty));
	}
	ck_assert(ng_open(&ng, p, n));
	ck_assert_int_eq(ng_drain(&ng, &frames), CAPTURE_ERROR);
	ck_assert_ptr_nonnull(strstr(ng.err, "blocks in a row without a packet"));
	ng_close(&ng);
	free(b);
	free(p);
}
END_TEST

/* A valid file cut at every length: END exactly at block boundaries, else TRUNCATED. */
static struct bb prefix_file;
static size_t prefix_bounds[8];
static size_t prefix_nbounds;

static void
build_prefix_file(void)
{
	struct bb *b = &prefix_file;

	b->n = 0;
	prefix_nbounds = 0;
	bb_shb(b, false);
	prefix_bounds[prefix_nbounds++] = b->n;
	bb_idb(b, 1, 0, 9);
	prefix_bounds[prefix_nbounds++] = b->n;
	bb_epb(b, 0, 1, frame60, 60, 60);
	prefix_bounds[prefix_nbounds++] = b->n;
	bb_spb(b, 10, frame60, 10);
	prefix_bounds[prefix_nbounds++] = b->n;
}

START_TEST(test_reader_prefix)
{
	size_t n = (size_t)_i, i;
	bool boundary = false;
	struct ng ng;
	unsigned frames;
	enum capture_status st;

	build_prefix_file();
	for (i = 0; i < prefix_nbounds; i++)
		boundary = boundary || prefix_bounds[i] == n;
	if (!ng_open(&ng, prefix_file.p, n)) {
		/* Only an incomplete SHB fails at open. */
		ck_assert_uint_lt(n, prefix_bounds[0]);
		ck_assert_ptr_nonnull(strstr(
		    ng.err, n == 0 ? "file is empty" : "file ends inside the block at byte 0"));
		ng_close(&ng);
		return;
	}
	st = ng_drain(&ng, &frames);
	if (boundary) {
		ck_assert_int_eq(st, CAPTURE_END);
	} else {
		ck_assert_int_eq(st, CAPTURE_TRUNCATED);
		ck_assert_ptr_nonnull(strstr(ng.err, "file ends inside the block at byte"));
	}
	ng_close(&ng);
}
END_TEST

static Suite *
pcapng_suite(void)
{
	Suite *s = suite_create("pcapng");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_idb_le);
	tcase_add_test(tc, test_idb_be);
	tcase_add_test(tc, test_idb_default_tsresol);
	tcase_add_test(tc, test_idb_if_name);
	tcase_add_loop_test(tc, test_idb_prefix, 0, sizeof(idb_le) + 1);
	tcase_add_test(tc, test_idb_endofopt_stops);
	tcase_add_loop_test(tc, test_idb_invalid, 0, ARRAY_LEN(bad_idbs));
	tcase_add_test(tc, test_idb_tsresol_limits);
	tcase_add_test(tc, test_idb_tsoffset);
	tcase_add_test(tc, test_epb_le);
	tcase_add_test(tc, test_epb_be);
	tcase_add_loop_test(tc, test_epb_prefix, 0, sizeof(epb_le) + 1);
	tcase_add_test(tc, test_epb_caplen_lies);
	tcase_add_loop_test(tc, test_timestamp, 0, ARRAY_LEN(ts_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("reader");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_reader_two_linktypes);
	tcase_add_test(tc, test_reader_public_mixed_snaplen);
	tcase_add_test(tc, test_reader_sections);
	tcase_add_test(tc, test_reader_skips_other_blocks);
	tcase_add_loop_test(tc, test_reader_spb, 0, ARRAY_LEN(spb_cases));
	tcase_add_test(tc, test_reader_spb_without_interface);
	tcase_add_test(tc, test_reader_obsolete_pb);
	tcase_add_test(tc, test_reader_caplen_over_snaplen);
	tcase_add_test(tc, test_reader_big_packet);
	tcase_add_loop_test(tc, test_reader_bad_block, 0, ARRAY_LEN(bad_blocks));
	tcase_add_test(tc, test_reader_sticky_error);
	tcase_add_test(tc, test_reader_bad_shb);
	tcase_add_test(tc, test_reader_not_pcapng);
	tcase_add_test(tc, test_reader_too_many_interfaces);
	tcase_add_test(tc, test_reader_blocks_without_packet);
	build_prefix_file();
	tcase_add_loop_test(tc, test_reader_prefix, 0, (int)prefix_file.n + 1);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(pcapng_suite)
