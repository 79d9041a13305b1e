/* Tests for side.c: each frame decoded once, in the reading thread, and the rest carried on. */
#include "pktbuild.h"
#include "side.h"
#include "testutil.h"

static struct side side;

static void
setup(void)
{
	ck_assert(side_init(&side, SIDE_SINGLE, NULL));
	ck_assert_uint_eq(side_input_begin(&side, "built"), 0);
}

static void
teardown(void)
{
	side_free(&side);
}

static struct capture_frame
frame_of(const uint8_t *data, size_t len, uint64_t number)
{
	struct capture_frame f = {data, (uint32_t)len, (uint32_t)len, NS_PER_SEC, number, 1, 0};

	return f;
}

/* A GRE packet with a payload longer than the analysis reads. */
static size_t
long_gre(uint8_t *frame, uint16_t call_id, uint32_t seq)
{
	uint8_t ppp[200], l4[PB_MAX];
	size_t n;

	memset(ppp, 0xab, sizeof(ppp));
	ppp[0] = 0xff;
	ppp[1] = 0x03;
	n = pb_gre(l4, call_id, seq, 0, ppp, sizeof(ppp));
	return pb_frame(frame, pb_ip(10, 0, 0, 1), pb_ip(192, 0, 2, 1), 47, l4, n, false);
}

START_TEST(gre_is_decoded_and_cut)
{
	uint8_t frame[PB_MAX];
	size_t len = long_gre(frame, 256, 1);
	struct capture_frame f = frame_of(frame, len, 1);
	struct side_decoded d;
	size_t need = side_frame_decode(&f, &d);

	ck_assert_int_eq(d.kind, SIDE_DECODE_GRE);
	/* Ethernet 14 + IPv4 20 + GRE 12 + what the analysis reads. */
	ck_assert_uint_eq(need, 14 + 20 + 12 + GREFLOW_PAYLOAD_READ);
	ck_assert_uint_eq(d.gre.call_id, 256);
	ck_assert_uint_eq(d.gre.payload_len, GREFLOW_PAYLOAD_READ);
	ck_assert_uint_eq(side_frame_needed(&f), need);
}
END_TEST

START_TEST(udp_is_skipped_tcp_kept_whole)
{
	uint8_t frame[PB_MAX], l4[PB_MAX] = {0, 53, 0, 53, 0, 8, 0, 0};
	size_t len = pb_frame(frame, pb_ip(10, 0, 0, 1), pb_ip(192, 0, 2, 1), 17, l4, 8, false);
	struct capture_frame f = frame_of(frame, len, 1);
	struct side_decoded d;

	ck_assert_uint_eq(side_frame_decode(&f, &d), 0);
	ck_assert_int_eq(d.kind, SIDE_DECODE_SKIP);
	len = pb_tcp(l4, 40000, 1723, 1, 0x02, NULL, 0);
	len = pb_frame(frame, pb_ip(10, 0, 0, 1), pb_ip(192, 0, 2, 1), 6, l4, len, false);
	f = frame_of(frame, len, 2);
	ck_assert_uint_eq(side_frame_decode(&f, &d), len);
	ck_assert_int_eq(d.kind, SIDE_DECODE_IP);
	/* Not IP at all: left to the analysis, which counts it as ignored. */
	frame[12] = 0x08;
	frame[13] = 0x06; /* ARP */
	ck_assert_uint_eq(side_frame_decode(&f, &d), len);
	ck_assert_int_eq(d.kind, SIDE_DECODE_FULL);
	side_input_decoded(&side, 0, &f, &d);
	ck_assert_uint_eq(side.inputs[0].ignored, 1);
}
END_TEST

/*
 * The reading thread's path: decode, copy only the bytes asked for into
 * another buffer, analyse the copy with the decoding.  Same result as the
 * whole frame analysed in one go.
 */
START_TEST(copy_of_the_needed_bytes_suffices)
{
	struct side whole;
	uint8_t frame[PB_MAX];
	uint32_t seq;

	ck_assert(side_init(&whole, SIDE_SINGLE, NULL));
	ck_assert_uint_eq(side_input_begin(&whole, "built"), 0);
	for (seq = 0; seq < 3; seq++) {
		size_t len = long_gre(frame, 256, seq);
		struct capture_frame f = frame_of(frame, len, seq + 1), g;
		struct side_decoded d;
		size_t need = side_frame_decode(&f, &d);
		uint8_t *copy = copy_of(frame, need);

		memset(frame, 0, len); /* the original buffer is gone */
		g = frame_of(copy, need, seq + 1);
		side_input_decoded(&side, 0, &g, &d);
		free(copy);
		len = long_gre(frame, 256, seq);
		f = frame_of(frame, len, seq + 1);
		side_input_frame(&whole, 0, &f);
	}
	side_finish(&side);
	side_finish(&whole);
	ck_assert_uint_eq(side.tunnels.ncalls, 1);
	ck_assert_uint_eq(whole.tunnels.ncalls, 1);
	ck_assert_uint_eq(side.tunnels.calls[0].to_pac.packets, 3);
	ck_assert_uint_eq(side.tunnels.calls[0].to_pac.bytes, whole.tunnels.calls[0].to_pac.bytes);
	ck_assert_uint_eq(side.tunnels.gre.nsamples, 3);
	ck_assert_uint_eq(side.tunnels.gre.samples[2].fp, whole.tunnels.gre.samples[2].fp);
	ck_assert_uint_eq(side.inputs[0].packets, 3);
	side_free(&whole);
}
END_TEST

static Suite *
side_suite(void)
{
	Suite *s = suite_create("side");
	TCase *tc = tcase_create("decode once");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, gre_is_decoded_and_cut);
	tcase_add_test(tc, udp_is_skipped_tcp_kept_whole);
	tcase_add_test(tc, copy_of_the_needed_bytes_suffices);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(side_suite)
