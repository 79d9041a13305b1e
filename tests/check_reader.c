/*
 * Reader suite: frames read in another thread reach the side exactly as
 * when read in this one (same inputs, tunnels, counts), across rotated
 * files, and a file that cannot be opened is named.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reader.h"
#include "testutil.h"

static const char *const rotated[] = {
    TESTDATA "/rotated/negotiation-part1.pcap",
    TESTDATA "/rotated/negotiation-part2.pcap",
};

static void
assert_same(const struct side *a, const struct side *b)
{
	unsigned i;

	ck_assert_uint_eq(a->ninputs, b->ninputs);
	for (i = 0; i < a->ninputs; i++) {
		ck_assert_uint_eq(a->inputs[i].packets, b->inputs[i].packets);
		ck_assert_uint_eq(a->inputs[i].ignored, b->inputs[i].ignored);
		ck_assert_str_eq(a->inputs[i].format, b->inputs[i].format);
		ck_assert_int_eq(a->inputs[i].first_ts, b->inputs[i].first_ts);
		ck_assert_int_eq(a->inputs[i].last_ts, b->inputs[i].last_ts);
	}
	ck_assert_uint_eq(a->tunnels.ncalls, b->tunnels.ncalls);
	for (i = 0; i < a->tunnels.ncalls; i++) {
		ck_assert_uint_eq(a->tunnels.calls[i].to_pac.packets,
		                  b->tunnels.calls[i].to_pac.packets);
		ck_assert_uint_eq(a->tunnels.calls[i].to_pns.packets,
		                  b->tunnels.calls[i].to_pns.packets);
		ck_assert_uint_eq(a->tunnels.calls[i].to_pns.last.frame,
		                  b->tunnels.calls[i].to_pns.last.frame);
		ck_assert_uint_eq(a->tunnels.calls[i].to_pns.last.file,
		                  b->tunnels.calls[i].to_pns.last.file);
	}
	ck_assert_uint_eq(a->tunnels.gre.nsamples, b->tunnels.gre.nsamples);
}

START_TEST(threaded_equals_inline)
{
	struct side a, b;
	char errbuf[CAPTURE_ERRBUF_SIZE];
	const char *failed = NULL;
	unsigned i;

	ck_assert(side_init(&a, SIDE_SINGLE, NULL));
	ck_assert(side_init(&b, SIDE_SINGLE, NULL));
	ck_assert(reader_run(&a, rotated, 2, errbuf, &failed));
	for (i = 0; i < 2; i++)
		ck_assert(side_read_file(&b, rotated[i], errbuf));
	side_finish(&a);
	side_finish(&b);
	assert_same(&a, &b);
	ck_assert_uint_eq(a.tunnels.calls[0].to_pac.packets, 10);
	ck_assert_uint_eq(a.tunnels.calls[0].to_pns.packets, 7);
	ck_assert_uint_eq(a.tunnels.calls[0].to_pns.last.file, 1);
	side_free(&a);
	side_free(&b);
}
END_TEST

/* A capture of n frames of len bytes (Ethernet, IPv4, GRE v1 every 7th). */
static void
write_capture(const char *path, unsigned n, unsigned len)
{
	FILE *fp = fopen(path, "wb");
	static uint8_t frame[2000];
	uint32_t hdr[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
	unsigned i;

	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_le(len, sizeof(frame));
	fwrite(hdr, 4, 6, fp);
	for (i = 0; i < n; i++) {
		uint32_t rec[4] = {1700000000 + i / 1000, (i % 1000) * 1000, len, len};

		memset(frame, 0, len);
		frame[12] = 0x08;
		frame[14] = 0x45;
		frame[16] = (uint8_t)((len - 14) >> 8);
		frame[17] = (uint8_t)(len - 14);
		frame[23] = i % 7 == 0 ? 47 : 17;
		frame[26] = 10, frame[29] = 1, frame[30] = 10, frame[33] = 2;
		frame[34] = 0x30, frame[35] = 0x01, frame[36] = 0x88, frame[37] = 0x0b;
		frame[40] = 0x01, frame[42] = (uint8_t)(i >> 24), frame[43] = (uint8_t)(i >> 16);
		frame[44] = (uint8_t)(i >> 8), frame[45] = (uint8_t)i;
		fwrite(rec, 4, 4, fp);
		fwrite(frame, 1, len, fp);
	}
	ck_assert_int_eq(fclose(fp), 0);
}

/* Several megabytes: many chunks go round the ring, in order. */
START_TEST(many_chunks)
{
	char path[] = "/tmp/check_reader_XXXXXX";
	const char *files[1];
	struct side a, b;
	char errbuf[CAPTURE_ERRBUF_SIZE];
	const char *failed = NULL;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	write_capture(path, 6000, 1400); /* 8.4 MB: 16 chunks */
	files[0] = path;
	ck_assert(side_init(&a, SIDE_SINGLE, NULL));
	ck_assert(side_init(&b, SIDE_SINGLE, NULL));
	ck_assert(reader_run(&a, files, 1, errbuf, &failed));
	ck_assert(side_read_file(&b, path, errbuf));
	ck_assert_uint_eq(a.inputs[0].packets, 6000);
	ck_assert_uint_eq(a.counters.gre_pptp, 858);
	ck_assert_uint_eq(a.counters.gre_pptp, b.counters.gre_pptp);
	assert_same(&a, &b);
	side_free(&a);
	side_free(&b);
	unlink(path);
}
END_TEST

START_TEST(open_failure_names_the_file)
{
	static const char *const files[] = {
	    TESTDATA "/rotated/negotiation-part1.pcap",
	    TESTDATA "/no/such/file.pcap",
	    TESTDATA "/rotated/negotiation-part2.pcap",
	};
	struct side s;
	char errbuf[CAPTURE_ERRBUF_SIZE];
	const char *failed = NULL;

	ck_assert(side_init(&s, SIDE_SINGLE, NULL));
	ck_assert(!reader_run(&s, files, 3, errbuf, &failed));
	ck_assert_ptr_nonnull(failed);
	ck_assert_str_eq(failed, files[1]);
	ck_assert(strlen(errbuf) > 0);
	ck_assert_uint_eq(s.ninputs, 1); /* the first file was read, the third not */
	ck_assert_uint_eq(s.inputs[0].packets, 14);
	side_free(&s);
}
END_TEST

static Suite *
reader_suite(void)
{
	Suite *s = suite_create("reader");
	TCase *tc = tcase_create("threaded reading");

	tcase_add_test(tc, threaded_equals_inline);
	tcase_add_test(tc, many_chunks);
	tcase_add_test(tc, open_failure_names_the_file);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(reader_suite)
