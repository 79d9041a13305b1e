/*
 * pcapng writer suite: exact bytes of each block kind, block lengths and
 * padding over every remainder, string options cut at a character
 * boundary, range checks, and files read back by the project's own
 * readers (libpcap and the fallback in pcapng.c).
 */
#include <pcap/dlt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "pcapng.h"
#include "pcapng_write.h"
#include "pcapng_walk.h"
#include "testutil.h"

START_TEST(test_shb_bytes)
{
	static const uint8_t want[] = {
	    0x0A, 0x0D, 0x0D, 0x0A, 48,   0,    0,    0,    /* SHB, 48 bytes */
	    0x4D, 0x3C, 0x2B, 0x1A, 1,    0,    0,    0,    /* byte-order magic, version 1.0 */
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* section length -1 */
	    1,    0,    3,    0,    'x',  'y',  'z',  0,    /* opt_comment "xyz", 1 byte pad */
	    4,    0,    2,    0,    'a',  'b',  0,    0,    /* shb_userappl "ab", 2 bytes pad */
	    0,    0,    0,    0,    48,   0,    0,    0,    /* opt_endofopt, trailing length */
	};
	uint8_t buf[128];

	ck_assert_uint_eq(pcapng_encode_shb(buf, sizeof(buf), "ab", "xyz"), sizeof(want));
	ck_assert_mem_eq(buf, want, sizeof(want));
	/* No options: no opt_endofopt either. */
	ck_assert_uint_eq(pcapng_encode_shb(buf, sizeof(buf), NULL, ""), 28);
	ck_assert_uint_eq(buf[4], 28);
	ck_assert_uint_eq(walk_u32(buf + 24), 28);
	/* One byte short of room: nothing. */
	ck_assert_uint_eq(pcapng_encode_shb(buf, sizeof(want) - 1, "ab", "xyz"), 0);
}
END_TEST

START_TEST(test_idb_bytes)
{
	static const uint8_t want[] = {
	    1,   0, 0, 0, 48,  0,   0,   0,   /* IDB, 48 bytes */
	    101, 0, 0, 0, 0,   0,   0,   0,   /* LINKTYPE_RAW, reserved, snaplen 0 */
	    2,   0, 4, 0, 'w', 'a', 'n', '0', /* if_name "wan0", no pad */
	    3,   0, 1, 0, 'd', 0,   0,   0,   /* if_description "d", 3 bytes pad */
	    9,   0, 1, 0, 9,   0,   0,   0,   /* if_tsresol 9 (nanoseconds) */
	    0,   0, 0, 0, 48,  0,   0,   0,   /* opt_endofopt, trailing length */
	};
	uint8_t buf[128];

	ck_assert_uint_eq(pcapng_encode_idb(buf, sizeof(buf), DLT_RAW, 0, "wan0", "d"),
	                  sizeof(want));
	ck_assert_mem_eq(buf, want, sizeof(want));
	ck_assert_uint_eq(pcapng_encode_idb(buf, sizeof(buf), -1, 0, NULL, NULL), 0);
	ck_assert_uint_eq(pcapng_encode_idb(buf, sizeof(buf), 70000, 0, NULL, NULL), 0);
}
END_TEST

START_TEST(test_epb_bytes)
{
	static const uint8_t data[5] = {1, 2, 3, 4, 5};
	static const uint8_t want[] = {
	    6, 0, 0, 0, 52,   0,    0,    0,    /* EPB, 52 bytes */
	    1, 0, 0, 0,                         /* interface 1 */
	    0, 0, 0, 0, 0x15, 0xcd, 0x5b, 0x07, /* 123456789 ns: high 0, low */
	    5, 0, 0, 0, 60,   0,    0,    0,    /* caplen 5, wirelen 60 */
	    1, 2, 3, 4, 5,    0,    0,    0,    /* data, 3 bytes pad */
	    1, 0, 1, 0, 'c',  0,    0,    0,    /* opt_comment "c" */
	    0, 0, 0, 0, 52,   0,    0,    0,    /* opt_endofopt, trailing length */
	};
	uint8_t buf[128];

	ck_assert_uint_eq(pcapng_encode_epb(buf, sizeof(buf), 1, 123456789, data, 5, 60, "c"),
	                  sizeof(want));
	ck_assert_mem_eq(buf, want, sizeof(want));
}
END_TEST

/* Every caplen and comment length remainder mod 4: lengths add up, the walker agrees. */
START_TEST(test_epb_lengths)
{
	uint8_t data[16], buf[256], file[512];
	char comment[16];
	unsigned caplen = (unsigned)_i / 9, clen = (unsigned)_i % 9;
	size_t shb, idb, epb, want;
	struct walked *w = calloc(1, sizeof(*w));

	ck_assert_ptr_nonnull(w);
	memset(data, 0xAB, sizeof(data));
	memset(comment, 'k', sizeof(comment));
	comment[clen] = 0;
	want = 32 + ((caplen + 3) & ~3u) + (clen > 0 ? 4 + ((clen + 3) & ~3u) + 4 : 0);
	epb = pcapng_encode_epb(buf, sizeof(buf), 0, 1, data, caplen, caplen, comment);
	ck_assert_uint_eq(epb, want);
	ck_assert_uint_eq(walk_u32(buf + 4), want);
	ck_assert_uint_eq(walk_u32(buf + want - 4), want);
	/* As a file: SHB, IDB, this EPB. */
	shb = pcapng_encode_shb(file, sizeof(file), NULL, NULL);
	idb = pcapng_encode_idb(file + shb, sizeof(file) - shb, DLT_EN10MB, 0, "x", NULL);
	ck_assert_uint_gt(shb, 0);
	ck_assert_uint_gt(idb, 0);
	memcpy(file + shb + idb, buf, epb);
	w->file = file;
	w->size = shb + idb + epb;
	ck_assert_msg(walk_buffer(w), "%s", w->error);
	ck_assert_uint_eq(w->npackets, 1);
	ck_assert_uint_eq(w->packets[0].caplen, caplen);
	ck_assert_str_eq(w->packets[0].comment, comment);
	ck_assert_mem_eq(file + w->packets[0].data_at, data, caplen);
	free(w);
}
END_TEST

START_TEST(test_epb_range)
{
	static uint8_t big[PCAPNG_WRITE_MAX_CAPLEN + 1];
	uint8_t buf[64];
	uint8_t *whole = malloc(PCAPNG_MAX_BLOCK);

	ck_assert_ptr_nonnull(whole);
	/* caplen above wirelen, data missing, too big, no room. */
	ck_assert_uint_eq(pcapng_encode_epb(buf, sizeof(buf), 0, 0, big, 10, 9, NULL), 0);
	ck_assert_uint_eq(pcapng_encode_epb(buf, sizeof(buf), 0, 0, NULL, 4, 4, NULL), 0);
	ck_assert_uint_eq(pcapng_encode_epb(whole, PCAPNG_MAX_BLOCK, 0, 0, big,
	                                    PCAPNG_WRITE_MAX_CAPLEN + 1,
	                                    PCAPNG_WRITE_MAX_CAPLEN + 1, NULL),
	                  0);
	ck_assert_uint_eq(pcapng_encode_epb(buf, sizeof(buf), 0, 0, big, 40, 40, NULL), 0);
	/* A time before 1970 is written as 0; caplen 0 is a valid packet. */
	ck_assert_uint_eq(pcapng_encode_epb(buf, sizeof(buf), 0, -5, NULL, 0, 0, NULL), 32);
	ck_assert_uint_eq(walk_u32(buf + 12) | walk_u32(buf + 16), 0);
	free(whole);
}
END_TEST

/* A long comment is cut at PCAPNG_WRITE_MAX_STRING, never inside a UTF-8 character. */
START_TEST(test_string_cut)
{
	char s[PCAPNG_WRITE_MAX_STRING + 8];
	uint8_t buf[PCAPNG_WRITE_MAX_STRING + 64];
	size_t n;

	memset(s, 'a', sizeof(s));
	s[PCAPNG_WRITE_MAX_STRING - 1] = (char)0xC3; /* é straddles the limit */
	s[PCAPNG_WRITE_MAX_STRING] = (char)0xA9;
	s[sizeof(s) - 1] = 0;
	ck_assert_uint_eq(pcapng_option_size(s), 4 + PCAPNG_WRITE_MAX_STRING);
	n = pcapng_encode_epb(buf, sizeof(buf), 0, 0, NULL, 0, 0, s);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_eq(walk_u16(buf + 30), PCAPNG_WRITE_MAX_STRING - 1);
	ck_assert_uint_eq(buf[28 + 4 + PCAPNG_WRITE_MAX_STRING - 2], 'a');
	ck_assert_uint_eq(buf[28 + 4 + PCAPNG_WRITE_MAX_STRING - 1], 0); /* padding */
	/* Exactly at the limit: kept whole. */
	memset(s, 'b', PCAPNG_WRITE_MAX_STRING);
	s[PCAPNG_WRITE_MAX_STRING] = 0;
	ck_assert_uint_eq(pcapng_option_size(s), 4 + PCAPNG_WRITE_MAX_STRING);
	ck_assert_uint_eq(pcapng_option_size(""), 0);
	ck_assert_uint_eq(pcapng_option_size(NULL), 0);
}
END_TEST

START_TEST(test_linktype_map)
{
	ck_assert_uint_eq(pcapng_dlt_to_linktype(DLT_EN10MB), 1);
	ck_assert_uint_eq(pcapng_dlt_to_linktype(DLT_RAW), 101);
	ck_assert_uint_eq(pcapng_dlt_to_linktype(DLT_LINUX_SLL), 113);
	ck_assert_uint_eq(pcapng_dlt_to_linktype(DLT_LINUX_SLL2), 276);
}
END_TEST

/* ---- files read back ------------------------------------------------------ */

struct pkt {
	uint32_t iface;
	ts_ns_t ts;
	uint32_t caplen, wirelen;
	uint8_t byte;
};

/* Write a file of two interfaces (dlts) and the packets, with the writer. */
static void
write_file(FILE *fp, const int dlts[2], const struct pkt *p, size_t n)
{
	struct pcapng_writer w;
	char err[128], comment[64];
	uint32_t id;
	uint8_t data[2000];
	size_t i;

	ck_assert(pcapng_writer_open(&w, fp, "test", "section", err, sizeof(err)));
	ck_assert(
	    pcapng_writer_interface(&w, dlts[0], 0, "inside", "first", &id, err, sizeof(err)));
	ck_assert_uint_eq(id, 0);
	ck_assert(
	    pcapng_writer_interface(&w, dlts[1], 0, "outside", "second", &id, err, sizeof(err)));
	ck_assert_uint_eq(id, 1);
	for (i = 0; i < n; i++) {
		memset(data, p[i].byte, p[i].caplen);
		snprintf(comment, sizeof(comment), "packet %zu", i + 1);
		ck_assert_msg(pcapng_writer_packet(&w, p[i].iface, p[i].ts, data, p[i].caplen,
		                                   p[i].wirelen, comment, err, sizeof(err)),
		              "%s", err);
	}
	ck_assert_uint_eq(w.packets, n);
	/* An undeclared interface is refused, and nothing is written for it. */
	ck_assert(!pcapng_writer_packet(&w, 2, 0, data, 1, 1, NULL, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "undeclared"));
	pcapng_writer_close(&w);
	ck_assert_int_eq(fflush(fp), 0);
}

static const struct pkt round_pkts[] = {
    {0, INT64_C(1795599214573066123), 60, 60, 0x11},
    {1, INT64_C(1795599214573066124), 61, 1514, 0x22},
    {0, INT64_C(1795602814000000001), 1500, 1500, 0x33},
    {1, INT64_C(1795602814000000002), 0, 0, 0x44},
};

/* Through capture_open: libpcap reads one link type, the fallback takes over for two. */
START_TEST(test_read_back)
{
	static const int dlt_pairs[2][2] = {{DLT_EN10MB, DLT_EN10MB}, {DLT_EN10MB, DLT_RAW}};
	char path[] = "/tmp/pcapng-write-XXXXXX";
	int fd = mkstemp(path);
	FILE *fp;
	struct capture *cap;
	struct capture_frame fr;
	char err[CAPTURE_ERRBUF_SIZE];
	struct walked *w;
	size_t i, k;

	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "wb");
	ck_assert_ptr_nonnull(fp);
	write_file(fp, dlt_pairs[_i], round_pkts, ARRAY_LEN(round_pkts));
	fclose(fp);

	cap = capture_open(path, err);
	ck_assert_msg(cap != NULL, "%s", err);
	ck_assert_int_eq(strncmp(capture_format(cap), "pcapng", 6), 0);
	for (i = 0; i < ARRAY_LEN(round_pkts); i++) {
		const struct pkt *p = &round_pkts[i];

		ck_assert_int_eq(capture_next(cap, &fr, err), CAPTURE_FRAME);
		ck_assert_uint_eq(fr.number, i + 1);
		ck_assert_int_eq(fr.ts, p->ts);
		ck_assert_uint_eq(fr.caplen, p->caplen);
		ck_assert_uint_eq(fr.wirelen, p->wirelen);
		ck_assert_int_eq(fr.linktype, dlt_pairs[_i][p->iface]);
		for (k = 0; k < fr.caplen; k++)
			ck_assert_uint_eq(fr.data[k], p->byte);
	}
	ck_assert_int_eq(capture_next(cap, &fr, err), CAPTURE_END);
	capture_close(cap);

	w = walk_file(path);
	ck_assert_msg(w->error[0] == 0, "%s", w->error);
	ck_assert_str_eq(w->shb_comment, "section");
	ck_assert_str_eq(w->shb_userappl, "test");
	ck_assert_uint_eq(w->nifaces, 2);
	ck_assert_str_eq(w->if_name[0], "inside");
	ck_assert_str_eq(w->if_name[1], "outside");
	ck_assert_str_eq(w->if_desc[1], "second");
	ck_assert_uint_eq(w->tsresol[0], 9);
	ck_assert_uint_eq(w->linktype[1], pcapng_dlt_to_linktype(dlt_pairs[_i][1]));
	ck_assert_uint_eq(w->npackets, ARRAY_LEN(round_pkts));
	ck_assert_str_eq(w->packets[3].comment, "packet 4");
	walk_free(w);
	unlink(path);
}
END_TEST

/* The largest packet with the longest comment: the fallback reader accepts the block. */
START_TEST(test_biggest_block)
{
	FILE *fp = tmpfile();
	struct pcapng_writer w;
	struct pcapng_reader *r;
	struct capture_frame fr;
	char err[CAPTURE_ERRBUF_SIZE], comment[PCAPNG_WRITE_MAX_STRING + 100];
	uint8_t *data = calloc(1, PCAPNG_WRITE_MAX_CAPLEN);
	uint32_t id;

	ck_assert_ptr_nonnull(fp);
	ck_assert_ptr_nonnull(data);
	memset(comment, 'c', sizeof(comment) - 1);
	comment[sizeof(comment) - 1] = 0;
	data[PCAPNG_WRITE_MAX_CAPLEN - 1] = 0x5A;
	ck_assert(pcapng_writer_open(&w, fp, NULL, comment, err, sizeof(err)));
	ck_assert(
	    pcapng_writer_interface(&w, DLT_EN10MB, 0, comment, comment, &id, err, sizeof(err)));
	ck_assert(pcapng_writer_packet(&w, id, 1, data, PCAPNG_WRITE_MAX_CAPLEN,
	                               PCAPNG_WRITE_MAX_CAPLEN, comment, err, sizeof(err)));
	pcapng_writer_close(&w);
	rewind(fp);
	r = pcapng_open(fp, err);
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_int_eq(pcapng_next(r, &fr, err), CAPTURE_FRAME);
	ck_assert_uint_eq(fr.caplen, PCAPNG_WRITE_MAX_CAPLEN);
	ck_assert_uint_eq(fr.data[PCAPNG_WRITE_MAX_CAPLEN - 1], 0x5A);
	ck_assert_int_eq(pcapng_next(r, &fr, err), CAPTURE_END);
	pcapng_close(r);
	fclose(fp);
	free(data);
}
END_TEST

/* A full disk: the writer says so instead of claiming success. */
START_TEST(test_write_error)
{
	FILE *fp = fopen("/dev/full", "wb");
	struct pcapng_writer w;
	char err[128] = "";
	uint8_t data[64] = {0};
	uint32_t id;
	bool ok = true;
	int i;

	if (fp == NULL)
		return; /* no /dev/full: nothing to test */
	setvbuf(fp, NULL, _IONBF, 0);
	ok = pcapng_writer_open(&w, fp, NULL, NULL, err, sizeof(err));
	if (ok)
		ok = pcapng_writer_interface(&w, DLT_EN10MB, 0, NULL, NULL, &id, err, sizeof(err));
	for (i = 0; ok && i < 10; i++)
		ok = pcapng_writer_packet(&w, id, 0, data, sizeof(data), sizeof(data), NULL, err,
		                          sizeof(err));
	ck_assert(!ok);
	ck_assert_ptr_nonnull(strstr(err, "write error"));
	pcapng_writer_close(&w);
	fclose(fp);
}
END_TEST

static Suite *
pcapng_write_suite(void)
{
	Suite *s = suite_create("pcapng_write");
	TCase *tc = tcase_create("encode");

	tcase_add_test(tc, test_shb_bytes);
	tcase_add_test(tc, test_idb_bytes);
	tcase_add_test(tc, test_epb_bytes);
	tcase_add_loop_test(tc, test_epb_lengths, 0, 9 * 9);
	tcase_add_test(tc, test_epb_range);
	tcase_add_test(tc, test_string_cut);
	tcase_add_test(tc, test_linktype_map);
	suite_add_tcase(s, tc);
	tc = tcase_create("files");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_read_back, 0, 2);
	tcase_add_test(tc, test_biggest_block);
	tcase_add_test(tc, test_write_error);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(pcapng_write_suite)
