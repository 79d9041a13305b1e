/*
 * Tests for capture.c: public captures, crafted pcap and pcapng files (built
 * here and written to temporary files, pipes or memory streams), the switch
 * to the fallback pcapng reader, and the error messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "bytebuf.h"
#include "testutil.h"

/* ---- building files ----------------------------------------------------- */

/* Classic pcap file header; magic 0xa1b2c3d4 (us) or 0xa1b23c4d (ns), in b->be order. */
static void
pcap_header(struct bb *b, uint32_t magic, uint32_t snaplen, uint32_t linktype)
{
	bb_u32(b, magic);
	bb_u16(b, 2); /* version 2.4 */
	bb_u16(b, 4);
	bb_u32(b, 0); /* thiszone */
	bb_u32(b, 0); /* sigfigs */
	bb_u32(b, snaplen);
	bb_u32(b, linktype);
}

static void
pcap_record(struct bb *b, uint32_t sec, uint32_t frac, uint32_t caplen, uint32_t wirelen,
            const void *data, size_t present)
{
	bb_u32(b, sec);
	bb_u32(b, frac);
	bb_u32(b, caplen);
	bb_u32(b, wirelen);
	bb_bytes(b, data, present);
}

static size_t
ng_begin(struct bb *b, uint32_t type)
{
	size_t at = b->n;

	bb_u32(b, type);
	bb_u32(b, 0);
	return at;
}

static void
ng_end(struct bb *b, size_t at)
{
	size_t save;

	while (b->n % 4 != 0)
		bb_u8(b, 0);
	save = b->n;
	b->n = at + 4;
	bb_u32(b, (uint32_t)(save - at + 4));
	b->n = save;
	bb_u32(b, (uint32_t)(save - at + 4));
}

static void
ng_shb(struct bb *b, bool be)
{
	size_t at;

	b->be = be;
	at = ng_begin(b, 0x0A0D0D0A);
	bb_u32(b, 0x1A2B3C4D); /* byte-order magic */
	bb_u16(b, 1);          /* version 1.0 */
	bb_u16(b, 0);
	bb_u32(b, 0xffffffff); /* section length unknown */
	bb_u32(b, 0xffffffff);
	ng_end(b, at);
}

/* IDB; tsresol < 0 leaves the if_tsresol option out. */
static void
ng_idb(struct bb *b, uint16_t linktype, uint32_t snaplen, int tsresol)
{
	size_t at = ng_begin(b, 1);

	bb_u16(b, linktype);
	bb_u16(b, 0);
	bb_u32(b, snaplen);
	if (tsresol >= 0) {
		bb_u16(b, 9); /* if_tsresol */
		bb_u16(b, 1);
		bb_u32(b, b->be ? (uint32_t)tsresol << 24 : (uint32_t)tsresol);
		bb_u32(b, 0); /* opt_endofopt */
	}
	ng_end(b, at);
}

static void
ng_epb(struct bb *b, uint32_t iface, uint64_t ts, const void *data, uint32_t caplen)
{
	size_t at = ng_begin(b, 6);

	bb_u32(b, iface);
	bb_u32(b, (uint32_t)(ts >> 32));
	bb_u32(b, (uint32_t)ts);
	bb_u32(b, caplen);
	bb_u32(b, caplen);
	bb_bytes(b, data, caplen);
	ng_end(b, at);
}

static const uint8_t frame60[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00,
                                    0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x45};

/* ---- opening ------------------------------------------------------------ */

static void
temp_path(char *path, size_t size)
{
	const char *dir = getenv("TMPDIR");

	snprintf(path, size, "%s/check_capture.XXXXXX", dir != NULL ? dir : "/tmp");
}

/* Write bytes to a temporary file, open it by path, and unlink it (still open). */
static struct capture *
open_file(const void *p, size_t n, char *errbuf)
{
	char path[256];
	struct capture *c;
	int fd;

	temp_path(path, sizeof(path));
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, p, n), (ssize_t)n);
	close(fd);
	c = capture_open(path, errbuf);
	unlink(path);
	return c;
}

static struct capture *
open_mem(const void *p, size_t n, char *errbuf)
{
	/* A private copy: fmemopen wants a writable buffer, and the capture outlives p. */
	static uint8_t copy[1 << 14];
	FILE *fp;

	ck_assert_uint_gt(n, 0);
	ck_assert_uint_le(n, sizeof(copy));
	memcpy(copy, p, n);
	fp = fmemopen(copy, n, "rb");
	ck_assert_ptr_nonnull(fp);
	return capture_open_stream(fp, "memory", errbuf);
}

/* A pipe holding the bytes (all fit in the pipe buffer), write end closed. */
static int
pipe_with(const void *p, size_t n)
{
	int fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], p, n), (ssize_t)n);
	close(fds[1]);
	return fds[0];
}

static struct capture *
open_pipe(const void *p, size_t n, char *errbuf)
{
	FILE *fp = fdopen(pipe_with(p, n), "rb");

	ck_assert_ptr_nonnull(fp);
	return capture_open_stream(fp, "pipe", errbuf);
}

/* Read every frame; numbers must run 1, 2, 3... */
static enum capture_status
drain(struct capture *c, uint64_t *frames, char *errbuf)
{
	struct capture_frame f;
	enum capture_status st;

	*frames = 0;
	while ((st = capture_next(c, &f, errbuf)) == CAPTURE_FRAME) {
		ck_assert_uint_eq(f.number, *frames + 1);
		ck_assert_uint_le(f.caplen, 262144);
		*frames = f.number;
	}
	return st;
}

#define ASSERT_HAS(haystack, needle)                                                               \
	ck_assert_msg(strstr((haystack), (needle)) != NULL, "\"%s\" lacks \"%s\"", (haystack),     \
	              (needle))

/* ---- public captures ---------------------------------------------------- */

/*
 * Frame counts from `tshark -r FILE | wc -l` (tshark 4.0, same as capinfos -c);
 * every file is Ethernet only.
 */
static const struct public_case {
	const char *file;
	uint64_t frames;
	const char *format; /* after the last frame */
} public_cases[] = {
    {"tcpdump__pptp.pcap", 23, "pcap"},
    {"nDPI__pptp.pcap", 24, "pcap"},
    /* It declares several interfaces: read by pcapng.c for their IDs. */
    {"nDPI__gre.pcapng", 1, "pcapng-fallback"},
    {"PcapPlusPlus__GrePackets-PPTP_negotiation.cap", 28, "pcap"},
    {"zeek__gre-pptp.pcap", 2, "pcap"},
    {"PcapPlusPlus__GrePackets.pcap", 7, "pcapng-fallback"},
    {"suricata-verify__eth-ip-gre-ppp-max-ip-packet.pcap", 1024, "pcap"},
};

START_TEST(test_public)
{
	const struct public_case *t = &public_cases[_i];
	char path[512], err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	struct capture_frame f;
	struct stat st;
	uint64_t frames = 0;
	int lt[4];

	snprintf(path, sizeof(path), "%s/public/%s", TESTDATA, t->file);
	ck_assert_int_eq(stat(path, &st), 0);
	c = capture_open(path, err);
	ck_assert_msg(c != NULL, "%s: %s", t->file, err);
	ck_assert_uint_eq(capture_size(c), (uint64_t)st.st_size);
	while (capture_next(c, &f, err) == CAPTURE_FRAME) {
		ck_assert_uint_eq(f.number, ++frames);
		ck_assert_int_eq(f.linktype, DLT_EN10MB);
		ck_assert_uint_le(f.caplen, f.wirelen);
	}
	ck_assert_msg(capture_next(c, &f, err) == CAPTURE_END, "%s: %s", t->file, err);
	ck_assert_uint_eq(frames, t->frames);
	ck_assert_str_eq(capture_format(c), t->format);
	ck_assert_uint_eq(capture_linktypes(c, lt, 4), 1);
	ck_assert_int_eq(lt[0], DLT_EN10MB);
	ck_assert_uint_eq(capture_offset(c), (uint64_t)st.st_size);
	capture_close(c);
}
END_TEST

START_TEST(test_public_fallback_switch)
{
	/*
	 * Both IDBs come before the first packet (snaplen 65535 and 262144,
	 * which libpcap 1.10 would refuse on the first read): a file that
	 * declares several interfaces is read by the fallback from the open,
	 * so each frame says its interface.  Time stamps from tshark -T fields
	 * -e frame.time_epoch, interfaces from -e frame.interface_id.
	 */
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c = capture_open(TESTDATA "/public/PcapPlusPlus__GrePackets.pcap", err);
	struct capture_frame f;
	int i;

	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_str_eq(capture_format(c), "pcapng-fallback");
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_FRAME);
	ck_assert_uint_eq(f.number, 1);
	ck_assert_uint_eq(f.interface, 0);
	ck_assert_int_eq(f.ts, INT64_C(1150344981941650000));
	ck_assert_uint_eq(f.caplen, 58);
	for (i = 2; i <= 6; i++)
		ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_FRAME);
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_FRAME);
	ck_assert_uint_eq(f.number, 7);
	ck_assert_uint_eq(f.interface, 1);
	ck_assert_uint_eq(f.caplen, 96);
	ck_assert_uint_eq(f.wirelen, 96);
	ck_assert_int_eq(f.ts, INT64_C(1605124619087414000));
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_END);
	capture_close(c);
}
END_TEST

START_TEST(test_public_pipe_pcapng)
{
	/* From a pipe, pcapng goes to the fallback from the start: same 7 frames. */
	static uint8_t bytes[4096];
	char err[CAPTURE_ERRBUF_SIZE] = "";
	FILE *fp = fopen(TESTDATA "/public/PcapPlusPlus__GrePackets.pcap", "rb");
	size_t n;
	struct capture *c;
	uint64_t frames;

	ck_assert_ptr_nonnull(fp);
	n = fread(bytes, 1, sizeof(bytes), fp);
	fclose(fp);
	c = open_pipe(bytes, n, err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_str_eq(capture_format(c), "pcapng-fallback");
	ck_assert_int_eq(drain(c, &frames, err), CAPTURE_END);
	ck_assert_uint_eq(frames, 7);
	ck_assert_uint_eq(capture_offset(c), n);
	ck_assert_uint_eq(capture_size(c), 0);
	capture_close(c);
}
END_TEST

/* ---- classic pcap ------------------------------------------------------- */

START_TEST(test_pcap_us)
{
	struct bb b = {.be = false};
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	struct capture_frame f;

	pcap_header(&b, 0xa1b2c3d4, 65535, 1);
	pcap_record(&b, 1700000000, 123456, 60, 60, frame60, 60);
	c = open_file(b.p, b.n, err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_str_eq(capture_format(c), "pcap");
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_FRAME);
	ck_assert_int_eq(f.ts, INT64_C(1700000000123456000));
	ck_assert_uint_eq(f.number, 1);
	ck_assert_uint_eq(f.caplen, 60);
	ck_assert_mem_eq(f.data, frame60, 60);
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_END);
	capture_close(c);
}
END_TEST

START_TEST(test_pcap_ns_exact)
{
	struct bb b = {.be = false};
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	struct capture_frame f;

	pcap_header(&b, 0xa1b23c4d, 65535, 1);
	pcap_record(&b, 1700000000, 123456789, 60, 60, frame60, 60);
	pcap_record(&b, 1700000001, 999999999, 60, 60, frame60, 60);
	c = open_file(b.p, b.n, err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_str_eq(capture_format(c), "pcap-ns");
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_FRAME);
	ck_assert_int_eq(f.ts, INT64_C(1700000000123456789));
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_FRAME);
	ck_assert_int_eq(f.ts, INT64_C(1700000001999999999));
	capture_close(c);
}
END_TEST

START_TEST(test_pcap_big_endian_ns)
{
	struct bb b = {.be = true};
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	struct capture_frame f;

	pcap_header(&b, 0xa1b23c4d, 65535, 1);
	pcap_record(&b, 1700000000, 5, 60, 1514, frame60, 60);
	c = open_file(b.p, b.n, err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_str_eq(capture_format(c), "pcap-ns");
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_FRAME);
	ck_assert_int_eq(f.ts, INT64_C(1700000000000000005));
	ck_assert_uint_eq(f.wirelen, 1514);
	capture_close(c);
}
END_TEST

START_TEST(test_pcap_linktype_raw)
{
	/* LINKTYPE_RAW (101) on disk is DLT_RAW (12 on Linux) in frames. */
	struct bb b = {.be = false};
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	struct capture_frame f;
	int lt[2];

	pcap_header(&b, 0xa1b2c3d4, 65535, 101);
	pcap_record(&b, 0, 0, 20, 20, frame60, 20);
	c = open_file(b.p, b.n, err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_uint_eq(capture_linktypes(c, lt, 2), 1);
	ck_assert_int_eq(lt[0], DLT_RAW);
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_FRAME);
	ck_assert_int_eq(f.linktype, DLT_RAW);
	capture_close(c);
}
END_TEST

START_TEST(test_pcap_truncated_record)
{
	/* The record claims 60 bytes; the file holds 10 of them. */
	struct bb b = {.be = false};
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	struct capture_frame f;

	pcap_header(&b, 0xa1b2c3d4, 65535, 1);
	pcap_record(&b, 0, 0, 60, 60, frame60, 60);
	pcap_record(&b, 0, 0, 60, 60, frame60, 10);
	c = open_file(b.p, b.n, err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_FRAME);
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_TRUNCATED);
	/* The torn record starts after the 24-byte file header and one 16 + 60 record. */
	ck_assert_str_eq(err, "frame 2: the file ends inside the record at byte 100 (truncated "
	                      "dump file; tried to read 60 captured bytes, only got 10)");
	/* It stays that way. */
	err[0] = '\0';
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_TRUNCATED);
	ASSERT_HAS(err, "frame 2: the file ends inside the record at byte 100");
	capture_close(c);
}
END_TEST

START_TEST(test_pcap_truncated_record_header)
{
	struct bb b = {.be = false};
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	uint64_t frames;

	pcap_header(&b, 0xa1b2c3d4, 65535, 1);
	pcap_record(&b, 0, 0, 60, 60, frame60, 60);
	bb_u32(&b, 0); /* half a record header */
	bb_u32(&b, 0);
	c = open_file(b.p, b.n, err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_int_eq(drain(c, &frames, err), CAPTURE_TRUNCATED);
	ck_assert_uint_eq(frames, 1);
	ck_assert_str_eq(err, "frame 2: the file ends inside the record at byte 100 (truncated "
	                      "dump file; tried to read 16 header bytes, only got 8)");
	capture_close(c);
}
END_TEST

START_TEST(test_pcap_caplen_over_snaplen)
{
	/*
	 * caplen 100 > snaplen 64, but below libpcap's sanity limit (262144):
	 * libpcap 1.10 keeps the first 64 bytes and skips the rest, as for old
	 * Solaris files; the next record still reads.
	 */
	static const uint8_t data[100] = {1, 2, 3};
	struct bb b = {.be = false};
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	struct capture_frame f;

	pcap_header(&b, 0xa1b2c3d4, 64, 1);
	pcap_record(&b, 0, 0, 100, 100, data, 100);
	pcap_record(&b, 0, 0, 60, 60, frame60, 60);
	c = open_file(b.p, b.n, err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_FRAME);
	ck_assert_uint_eq(f.caplen, 64);
	ck_assert_mem_eq(f.data, data, 64);
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_FRAME);
	ck_assert_uint_eq(f.caplen, 60);
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_END);
	capture_close(c);
}
END_TEST

START_TEST(test_pcap_absurd_caplen)
{
	struct bb b = {.be = false};
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	struct capture_frame f;

	pcap_header(&b, 0xa1b2c3d4, 65535, 1);
	pcap_record(&b, 0, 0, 0x7fffffff, 60, frame60, 60);
	c = open_file(b.p, b.n, err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_ERROR);
	ck_assert_str_eq(err, "frame 1: invalid packet capture length 2147483647, bigger than "
	                      "snaplen of 65535");
	capture_close(c);
}
END_TEST

/* ---- files that do not open --------------------------------------------- */

static const struct bad_open {
	const char *name;
	uint8_t bytes[16];
	size_t len;
	const char *err; /* substring of the message */
} bad_opens[] = {
    {"empty", {0}, 0, "file is empty"},
    {"three bytes", {0xd4, 0xc3, 0xb2}, 3, "not a pcap or pcapng file (only 3 bytes)"},
    {"ten bytes of pcap",
     {0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00}, /* magic, version, ... */
     10,
     "truncated dump file; tried to read 24 file header bytes, only got 6"},
    {"ten bytes of pcapng",
     {0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0x00, 0x00, 0x00, 0x4d, 0x3c}, /* SHB type, length, ... */
     10,
     "file ends inside the block at byte 0"},
    {"wrong magic",
     {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '\n'},
     12,
     "not a pcap or pcapng file"},
    {"gzip",
     {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00},
     8,
     "not a pcap or pcapng file (gzip-compressed: decompress it first)"},
    {"xz", /* stream header magic, flags */
     {0xfd, '7', 'z', 'X', 'Z', 0x00, 0x00, 0x04},
     8,
     "not a pcap or pcapng file (xz-compressed: decompress it first)"},
    {"zstd", /* frame magic, frame header descriptor */
     {0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x00},
     6,
     "not a pcap or pcapng file (zstd-compressed: decompress it first)"},
    {"bzip2", /* "BZh", block size, block magic */
     {'B', 'Z', 'h', '9', 0x31, 0x41, 0x59, 0x26},
     8,
     "not a pcap or pcapng file (bzip2-compressed: decompress it first)"},
    {"pcap version 9",
     {0xd4, 0xc3, 0xb2, 0xa1, 0x09, 0x00, 0x04, 0x00, 0, 0, 0, 0, 0, 0, 0, 0},
     16,
     "truncated dump file"},
};

START_TEST(test_bad_open)
{
	const struct bad_open *t = &bad_opens[_i];
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c = open_file(t->bytes, t->len, err);

	ck_assert_msg(c == NULL, "%s opened", t->name);
	ASSERT_HAS(err, t->err);
}
END_TEST

START_TEST(test_bad_open_stream)
{
	/* The same through a memory stream (not empty: fmemopen wants a size) and a pipe. */
	const struct bad_open *t = &bad_opens[_i];
	char err[CAPTURE_ERRBUF_SIZE] = "";

	if (t->len > 0) {
		ck_assert_ptr_null(open_mem(t->bytes, t->len, err));
		ASSERT_HAS(err, t->err);
	}
	err[0] = '\0';
	ck_assert_ptr_null(open_pipe(t->bytes, t->len, err));
	ASSERT_HAS(err, t->err);
}
END_TEST

START_TEST(test_directory)
{
	char err[CAPTURE_ERRBUF_SIZE] = "";

	ck_assert_ptr_null(capture_open(TESTDATA, err));
	ck_assert_str_eq(err, "is a directory");
}
END_TEST

START_TEST(test_nonexistent)
{
	char err[CAPTURE_ERRBUF_SIZE] = "";

	ck_assert_ptr_null(capture_open(TESTDATA "/no/such/file.pcap", err));
	ck_assert_str_eq(err, "no such file or directory");
}
END_TEST

START_TEST(test_permission_denied)
{
	/* Registered only when not root: root reads anything. */
	char path[256], err[CAPTURE_ERRBUF_SIZE] = "";
	int fd;

	temp_path(path, sizeof(path));
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(chmod(path, 0), 0);
	ck_assert_ptr_null(capture_open(path, err));
	unlink(path);
	ck_assert_str_eq(err, "permission denied");
}
END_TEST

/* ---- pcapng ------------------------------------------------------------- */

START_TEST(test_pcapng_tsresol_9)
{
	/* One interface: libpcap reads it; nanosecond units come out exact. */
	struct bb b = {.n = 0};
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	struct capture_frame f;

	ng_shb(&b, false);
	ng_idb(&b, 1, 0, 9);
	ng_epb(&b, 0, UINT64_C(1700000000123456789), frame60, 60);
	c = open_file(b.p, b.n, err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_str_eq(capture_format(c), "pcapng");
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_FRAME);
	ck_assert_int_eq(f.ts, INT64_C(1700000000123456789));
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_END);
	capture_close(c);
}
END_TEST

START_TEST(test_pcapng_big_endian)
{
	struct bb b = {.n = 0};
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	struct capture_frame f;

	ng_shb(&b, true);
	ng_idb(&b, 1, 65535, -1);
	ng_epb(&b, 0, UINT64_C(1700000000123456), frame60, 60);
	c = open_file(b.p, b.n, err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_str_eq(capture_format(c), "pcapng");
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_FRAME);
	ck_assert_int_eq(f.ts, INT64_C(1700000000123456000));
	ck_assert_mem_eq(f.data, frame60, 60);
	capture_close(c);
}
END_TEST

START_TEST(test_pcapng_mixed_byte_order)
{
	/* libpcap refuses a second section in the other byte order; the fallback reads it. */
	struct bb b = {.n = 0};
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	struct capture_frame f;
	uint64_t frames;

	ng_shb(&b, false);
	ng_idb(&b, 1, 65535, -1);
	ng_epb(&b, 0, 1000000, frame60, 60);
	ng_shb(&b, true);
	ng_idb(&b, 1, 65535, 9);
	ng_epb(&b, 0, 7, frame60, 30);
	c = open_file(b.p, b.n, err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_FRAME);
	ck_assert_int_eq(f.ts, NS_PER_SEC);
	ck_assert_str_eq(capture_format(c), "pcapng");
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_FRAME);
	ck_assert_str_eq(capture_format(c), "pcapng-fallback");
	ck_assert_uint_eq(f.number, 2);
	ck_assert_uint_eq(f.caplen, 30);
	ck_assert_int_eq(f.ts, 7);
	ck_assert_mem_eq(f.data, frame60, 30);
	ck_assert_int_eq(drain(c, &frames, err), CAPTURE_END);
	capture_close(c);
}
END_TEST

START_TEST(test_pcapng_mixed_linktypes)
{
	struct bb b = {.n = 0};
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	struct capture_frame f;
	int lt[4];

	ng_shb(&b, false);
	ng_idb(&b, 1, 65535, -1);
	ng_epb(&b, 0, 0, frame60, 60);
	ng_idb(&b, 101, 65535, -1); /* LINKTYPE_RAW */
	ng_epb(&b, 1, 0, frame60 + 14, 40);
	ng_epb(&b, 0, 0, frame60, 60);
	c = open_file(b.p, b.n, err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_uint_eq(capture_linktypes(c, lt, 4), 1);
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_FRAME);
	ck_assert_int_eq(f.linktype, DLT_EN10MB);
	/* Frame 1 came from libpcap; the switch (rereading and skipping it) comes next. */
	ck_assert_str_eq(capture_format(c), "pcapng");
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_FRAME);
	ck_assert_int_eq(f.linktype, DLT_RAW);
	ck_assert_uint_eq(f.caplen, 40);
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_FRAME);
	ck_assert_uint_eq(f.number, 3);
	ck_assert_int_eq(f.linktype, DLT_EN10MB);
	ck_assert_str_eq(capture_format(c), "pcapng-fallback");
	ck_assert_uint_eq(capture_linktypes(c, lt, 4), 2);
	ck_assert_int_eq(lt[0], DLT_EN10MB);
	ck_assert_int_eq(lt[1], DLT_RAW);
	ck_assert_uint_eq(capture_linktypes(c, lt, 1), 1);
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_END);
	capture_close(c);
}
END_TEST

/* An IDB with an if_name option (Ethernet, no snaplen limit). */
static void
ng_idb_named(struct bb *b, const char *name, size_t len)
{
	size_t at = ng_begin(b, 1);
	static const uint8_t zero[4];

	bb_u16(b, 1);
	bb_u16(b, 0);
	bb_u32(b, 0);
	bb_u16(b, 2); /* if_name */
	bb_u16(b, (uint16_t)len);
	bb_bytes(b, name, len);
	bb_bytes(b, zero, (4 - len % 4) % 4);
	bb_u32(b, 0); /* opt_endofopt */
	ng_end(b, at);
}

START_TEST(test_pcapng_interfaces_named)
{
	/* dumpcap -i lan0 -i wan0: two interfaces declared up front, so the
	 * fallback reads from the start and every frame says its interface. */
	struct bb b = {.n = 0};
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	struct capture_frame f;

	ng_shb(&b, false);
	ng_idb_named(&b, "lan0", 4);
	ng_idb_named(&b, "wan\x01", 4); /* not printable: no name */
	ng_epb(&b, 1, 5, frame60, 60);
	ng_epb(&b, 0, 6, frame60, 60);
	c = open_file(b.p, b.n, err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_str_eq(capture_format(c), "pcapng-fallback");
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_FRAME);
	ck_assert_uint_eq(f.interface, 1);
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_FRAME);
	ck_assert_uint_eq(f.interface, 0);
	ck_assert_uint_eq(f.number, 2);
	ck_assert_str_eq(capture_interface_name(c, 0), "lan0");
	ck_assert_ptr_null(capture_interface_name(c, 1));
	ck_assert_ptr_null(capture_interface_name(c, 2));
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_END);
	capture_close(c);
}
END_TEST

START_TEST(test_pcapng_one_interface_libpcap)
{
	/* One interface: libpcap reads it, every frame is interface 0, no names. */
	struct bb b = {.n = 0};
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	struct capture_frame f;

	ng_shb(&b, false);
	ng_idb_named(&b, "eth0", 4);
	ng_epb(&b, 0, 5, frame60, 60);
	c = open_file(b.p, b.n, err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_FRAME);
	ck_assert_str_eq(capture_format(c), "pcapng");
	ck_assert_uint_eq(f.interface, 0);
	ck_assert_ptr_null(capture_interface_name(c, 0));
	capture_close(c);
}
END_TEST

START_TEST(test_pcapng_no_interfaces)
{
	/* libpcap refuses a file without an IDB at open; the fallback finds no frame. */
	struct bb b = {.n = 0};
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	uint64_t frames;

	ng_shb(&b, false);
	c = open_file(b.p, b.n, err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_str_eq(capture_format(c), "pcapng-fallback");
	ck_assert_int_eq(drain(c, &frames, err), CAPTURE_END);
	ck_assert_uint_eq(frames, 0);
	capture_close(c);
}
END_TEST

/*
 * Broken pcapng after one good frame: SHB (28 bytes), IDB (20), EPB (92),
 * then the broken block at byte 140.  Each row patches one 32-bit field of
 * that second EPB.  libpcap reads frame 1 and fails; the fallback rereads,
 * and its message says where.
 */
static const struct bad_ng {
	const char *name;
	size_t patch_at;
	uint32_t value;
	enum capture_status status;
	const char *err;
} bad_ngs[] = {
    {"block length 8", 4, 8, CAPTURE_ERROR, "frame 2: block at byte 140: length 8 is below 12"},
    {"block length not a multiple of 4", 4, 90, CAPTURE_ERROR,
     "frame 2: block at byte 140: length 90 is not a multiple of 4"},
    {"leading and trailing lengths disagree", 88, 96, CAPTURE_ERROR,
     "frame 2: block at byte 140: trailing length 96 differs from leading length 92"},
    {"interface that does not exist", 8, 1, CAPTURE_ERROR,
     "frame 2: block at byte 140: packet on interface 1, but the section declares 1"},
    {"file ends inside the block", 4, 1000, CAPTURE_TRUNCATED,
     "frame 2: file ends inside the block at byte 140"},
};

START_TEST(test_pcapng_bad_block)
{
	const struct bad_ng *t = &bad_ngs[_i];
	struct bb b = {.n = 0};
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	uint64_t frames;
	size_t at, save;

	ng_shb(&b, false);
	ng_idb(&b, 1, 0, -1);
	ng_epb(&b, 0, 0, frame60, 60);
	at = b.n;
	ck_assert_uint_eq(at, 140);
	ng_epb(&b, 0, 0, frame60, 60);
	save = b.n;
	b.n = at + t->patch_at;
	bb_u32(&b, t->value);
	b.n = save;
	c = open_file(b.p, b.n, err);
	ck_assert_msg(c != NULL, "%s: %s", t->name, err);
	ck_assert_msg(drain(c, &frames, err) == t->status, "%s: %s", t->name, err);
	ck_assert_uint_eq(frames, 1);
	ASSERT_HAS(err, t->err);
	capture_close(c);
}
END_TEST

START_TEST(test_pcapng_bad_first_block)
{
	/* The EPB right after the SHB names interface 0, which no IDB declared. */
	struct bb b = {.n = 0};
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	uint64_t frames;

	ng_shb(&b, false);
	ng_epb(&b, 0, 0, frame60, 60);
	c = open_file(b.p, b.n, err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_int_eq(drain(c, &frames, err), CAPTURE_ERROR);
	ck_assert_str_eq(err, "frame 1: block at byte 28: packet on interface 0, but the section "
	                      "declares 0");
	capture_close(c);
}
END_TEST

/* ---- streams ------------------------------------------------------------ */

static void
build_pcap(struct bb *b)
{
	b->n = 0;
	b->be = false;
	pcap_header(b, 0xa1b2c3d4, 65535, 1);
	pcap_record(b, 1, 0, 60, 60, frame60, 60);
	pcap_record(b, 2, 0, 60, 60, frame60, 60);
	pcap_record(b, 3, 0, 60, 60, frame60, 60);
}

START_TEST(test_stream_memory)
{
	struct bb b;
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	uint64_t frames;

	build_pcap(&b);
	c = open_mem(b.p, b.n, err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_str_eq(capture_format(c), "pcap");
	ck_assert_int_eq(drain(c, &frames, err), CAPTURE_END);
	ck_assert_uint_eq(frames, 3);
	ck_assert_uint_eq(capture_offset(c), b.n);
	ck_assert_uint_eq(capture_size(c), 0); /* no file behind it */
	capture_close(c);
}
END_TEST

START_TEST(test_stream_pipe_pcap)
{
	struct bb b;
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	uint64_t frames;

	build_pcap(&b);
	c = open_pipe(b.p, b.n, err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_str_eq(capture_format(c), "pcap");
	ck_assert_int_eq(drain(c, &frames, err), CAPTURE_END);
	ck_assert_uint_eq(frames, 3);
	ck_assert_uint_eq(capture_offset(c), b.n);
	capture_close(c);
}
END_TEST

START_TEST(test_stream_pipe_truncated)
{
	/* Truncation through a pipe is the same message as from a file. */
	struct bb b;
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	uint64_t frames;

	build_pcap(&b);
	b.n -= 20;
	c = open_pipe(b.p, b.n, err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_int_eq(drain(c, &frames, err), CAPTURE_TRUNCATED);
	ck_assert_uint_eq(frames, 2);
	ck_assert_str_eq(err, "frame 3: the file ends inside the record at byte 176 (truncated "
	                      "dump file; tried to read 60 captured bytes, only got 40)");
	capture_close(c);
}
END_TEST

START_TEST(test_stdin)
{
	/* "-" reads standard input (this test runs in its own process under CK_FORK). */
	struct bb b;
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	uint64_t frames;
	int fd;

	build_pcap(&b);
	fd = pipe_with(b.p, b.n);
	ck_assert_int_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	c = capture_open("-", err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_int_eq(drain(c, &frames, err), CAPTURE_END);
	ck_assert_uint_eq(frames, 3);
	capture_close(c);
	/* Standard input is left open. */
	ck_assert_int_ne(fcntl(STDIN_FILENO, F_GETFD), -1);
}
END_TEST

START_TEST(test_offset_progress)
{
	struct bb b;
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c;
	struct capture_frame f;

	build_pcap(&b);
	c = open_file(b.p, b.n, err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_uint_eq(capture_size(c), b.n);
	ck_assert_uint_le(capture_offset(c), b.n);
	ck_assert_int_eq(capture_next(c, &f, err), CAPTURE_FRAME);
	ck_assert_uint_eq(capture_offset(c), 24 + 16 + 60);
	capture_close(c);
}
END_TEST

START_TEST(test_close_null)
{
	capture_close(NULL);
}
END_TEST

/* ---- every prefix of a valid file --------------------------------------- */

static struct bb prefix_pcap, prefix_ng;

static void
build_prefixes(void)
{
	build_pcap(&prefix_pcap);
	prefix_ng.n = 0;
	ng_shb(&prefix_ng, false);
	ng_idb(&prefix_ng, 1, 0, 9);
	ng_epb(&prefix_ng, 0, 5, frame60, 60);
	ng_idb(&prefix_ng, 1, 1500, 9); /* a different snaplen: the switch happens too */
	ng_epb(&prefix_ng, 1, 6, frame60, 40);
}

/* Cut anywhere: never a crash; a cut file never reads as the whole one. */
static void
check_prefix(const struct bb *whole, size_t n, uint64_t whole_frames)
{
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c = open_file(whole->p, n, err);
	enum capture_status st;
	uint64_t frames;

	if (c == NULL) {
		ck_assert_msg(err[0] != '\0', "no message for a prefix of %zu", n);
		return;
	}
	st = drain(c, &frames, err);
	if (n == whole->n) {
		ck_assert_int_eq(st, CAPTURE_END);
		ck_assert_uint_eq(frames, whole_frames);
	} else {
		ck_assert(st == CAPTURE_END ? frames < whole_frames : err[0] != '\0');
	}
	capture_close(c);
}

START_TEST(test_prefix_pcap)
{
	check_prefix(&prefix_pcap, (size_t)_i, 3);
}
END_TEST

START_TEST(test_prefix_pcapng)
{
	check_prefix(&prefix_ng, (size_t)_i, 2);
}
END_TEST

static Suite *
capture_suite(void)
{
	Suite *s = suite_create("capture");
	TCase *tc = tcase_create("public");

	tcase_add_loop_test(tc, test_public, 0, ARRAY_LEN(public_cases));
	tcase_add_test(tc, test_public_fallback_switch);
	tcase_add_test(tc, test_public_pipe_pcapng);
	suite_add_tcase(s, tc);

	tc = tcase_create("pcap");
	tcase_add_test(tc, test_pcap_us);
	tcase_add_test(tc, test_pcap_ns_exact);
	tcase_add_test(tc, test_pcap_big_endian_ns);
	tcase_add_test(tc, test_pcap_linktype_raw);
	tcase_add_test(tc, test_pcap_truncated_record);
	tcase_add_test(tc, test_pcap_truncated_record_header);
	tcase_add_test(tc, test_pcap_caplen_over_snaplen);
	tcase_add_test(tc, test_pcap_absurd_caplen);
	suite_add_tcase(s, tc);

	tc = tcase_create("open");
	tcase_add_loop_test(tc, test_bad_open, 0, ARRAY_LEN(bad_opens));
	tcase_add_loop_test(tc, test_bad_open_stream, 0, ARRAY_LEN(bad_opens));
	tcase_add_test(tc, test_directory);
	tcase_add_test(tc, test_nonexistent);
	if (geteuid() != 0)
		tcase_add_test(tc, test_permission_denied);
	tcase_add_test(tc, test_close_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("pcapng");
	tcase_add_test(tc, test_pcapng_tsresol_9);
	tcase_add_test(tc, test_pcapng_big_endian);
	tcase_add_test(tc, test_pcapng_mixed_byte_order);
	tcase_add_test(tc, test_pcapng_mixed_linktypes);
	tcase_add_test(tc, test_pcapng_interfaces_named);
	tcase_add_test(tc, test_pcapng_one_interface_libpcap);
	tcase_add_test(tc, test_pcapng_no_interfaces);
	tcase_add_loop_test(tc, test_pcapng_bad_block, 0, ARRAY_LEN(bad_ngs));
	tcase_add_test(tc, test_pcapng_bad_first_block);
	suite_add_tcase(s, tc);

	tc = tcase_create("stream");
	tcase_add_test(tc, test_stream_memory);
	tcase_add_test(tc, test_stream_pipe_pcap);
	tcase_add_test(tc, test_stream_pipe_truncated);
	tcase_add_test(tc, test_stdin);
	tcase_add_test(tc, test_offset_progress);
	suite_add_tcase(s, tc);

	tc = tcase_create("prefix");
	build_prefixes();
	tcase_add_loop_test(tc, test_prefix_pcap, 0, (int)prefix_pcap.n + 1);
	tcase_add_loop_test(tc, test_prefix_pcapng, 0, (int)prefix_ng.n + 1);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(capture_suite)
