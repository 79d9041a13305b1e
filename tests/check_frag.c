/* Tests for frag.c: order, duplicates, overlaps, time, table bounds, sizes, teardown. */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "frag.h"
#include "gre.h"
#include "link.h"
#include "ppp.h"
#include "testutil.h"

#define SEC NS_PER_SEC

/* The datagram payload every test cuts fragments from: a position-dependent pattern. */
static uint8_t dgram[FRAG_MAX_BYTES + 64];

static void
fill_pattern(void)
{
	size_t i;

	for (i = 0; i < sizeof(dgram); i++)
		dgram[i] = (uint8_t)(i * 7 + i / 251);
}

/* A fragment of dgram[off, off + len), from 192.168.0.<src> to 192.168.0.254. */
static struct ip_packet
frag(uint8_t src, uint32_t id, uint8_t proto, size_t off, size_t len, bool more)
{
	struct ip_packet ip;
	const uint8_t s[4] = {192, 168, 0, src}, d[4] = {192, 168, 0, 254};

	memset(&ip, 0, sizeof(ip));
	addr_set_v4(&ip.src, s);
	addr_set_v4(&ip.dst, d);
	ip.version = 4;
	ip.proto = proto;
	ip.ttl = 64;
	ip.id = id;
	ip.more_fragments = more;
	ip.frag_offset = (uint32_t)off;
	ip.is_fragment = more || off != 0;
	ip.checksum_ok = true;
	ip.header_len = 20;
	ip.payload = dgram + off;
	ip.payload_len = len;
	ip.claimed_payload_len = len;
	return ip;
}

static enum frag_result
add(struct frag_table *t, struct ip_packet ip, ts_ns_t ts, const uint8_t **p, size_t *n)
{
	return frag_add(t, &ip, ts, p, n);
}

static struct frag_table *t;
static const uint8_t *out;
static size_t out_len;

static void
setup(void)
{
	fill_pattern();
	t = frag_new();
	ck_assert_ptr_nonnull(t);
	out = NULL;
	out_len = 0;
}

static void
teardown(void)
{
	frag_free(t);
	t = NULL;
}

static void
assert_whole(size_t len)
{
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(out_len, len);
	ck_assert_mem_eq(out, dgram, len);
}

START_TEST(test_in_order)
{
	ck_assert_int_eq(add(t, frag(1, 7, 47, 0, 1480, true), 0, &out, &out_len), FRAG_PENDING);
	ck_assert_int_eq(add(t, frag(1, 7, 47, 1480, 1480, true), 0, &out, &out_len), FRAG_PENDING);
	ck_assert_int_eq(add(t, frag(1, 7, 47, 2960, 40, false), 0, &out, &out_len), FRAG_COMPLETE);
	assert_whole(3000);
	ck_assert_uint_eq(frag_stats(t)->reassembled, 1);
}
END_TEST

START_TEST(test_out_of_order)
{
	ck_assert_int_eq(add(t, frag(1, 7, 47, 2960, 43, false), 0, &out, &out_len), FRAG_PENDING);
	ck_assert_int_eq(add(t, frag(1, 7, 47, 0, 1480, true), 0, &out, &out_len), FRAG_PENDING);
	ck_assert_int_eq(add(t, frag(1, 7, 47, 1480, 1480, true), 0, &out, &out_len),
	                 FRAG_COMPLETE);
	assert_whole(3003);
}
END_TEST

/* A capture holding a frame twice: the same bytes again are harmless. */
START_TEST(test_duplicate)
{
	ck_assert_int_eq(add(t, frag(1, 7, 47, 0, 1480, true), 0, &out, &out_len), FRAG_PENDING);
	ck_assert_int_eq(add(t, frag(1, 7, 47, 0, 1480, true), 0, &out, &out_len), FRAG_PENDING);
	ck_assert_int_eq(add(t, frag(1, 7, 47, 1480, 20, false), 0, &out, &out_len), FRAG_COMPLETE);
	assert_whole(1500);
	ck_assert_uint_eq(frag_stats(t)->overlaps, 0);
}
END_TEST

/* Overlapping, not identical in extent, but the same bytes: accepted. */
START_TEST(test_overlap_same_bytes)
{
	ck_assert_int_eq(add(t, frag(1, 7, 47, 0, 16, true), 0, &out, &out_len), FRAG_PENDING);
	ck_assert_int_eq(add(t, frag(1, 7, 47, 8, 16, true), 0, &out, &out_len), FRAG_PENDING);
	ck_assert_int_eq(add(t, frag(1, 7, 47, 24, 5, false), 0, &out, &out_len), FRAG_COMPLETE);
	assert_whole(29);
	ck_assert_uint_eq(frag_stats(t)->overlaps, 0);
}
END_TEST

/* Overlapping with different bytes: the datagram is poisoned, counted once. */
START_TEST(test_overlap_different)
{
	static uint8_t other[1480];
	struct ip_packet ip = frag(1, 7, 47, 0, 1480, true);

	memcpy(other, dgram, sizeof(other));
	other[1000] ^= 0xff;
	ck_assert_int_eq(add(t, ip, 0, &out, &out_len), FRAG_PENDING);
	ip.payload = other;
	ck_assert_int_eq(add(t, ip, 0, &out, &out_len), FRAG_DROPPED);
	ck_assert_uint_eq(frag_stats(t)->overlaps, 1);
	/* The rest of it is dropped too, and not counted again. */
	ck_assert_int_eq(add(t, frag(1, 7, 47, 1480, 20, false), 0, &out, &out_len), FRAG_DROPPED);
	ck_assert_uint_eq(frag_stats(t)->overlaps, 1);
	ck_assert_uint_eq(frag_stats(t)->reassembled, 0);
}
END_TEST

/* The difference only in the overlapping part of the last, partial block. */
START_TEST(test_overlap_different_tail)
{
	static uint8_t other[32];
	struct ip_packet ip = frag(1, 7, 47, 8, 13, false); /* [8, 21): last */

	ck_assert_int_eq(add(t, ip, 0, &out, &out_len), FRAG_PENDING);
	memcpy(other, dgram, sizeof(other));
	other[20] ^= 1;
	ip = frag(1, 7, 47, 16, 5, false); /* [16, 21): the same end, byte 20 differs */
	ip.payload = other + 16;
	ck_assert_int_eq(add(t, ip, 0, &out, &out_len), FRAG_DROPPED);
	ck_assert_uint_eq(frag_stats(t)->overlaps, 1);
}
END_TEST

START_TEST(test_timeout)
{
	ck_assert_int_eq(add(t, frag(1, 7, 47, 0, 1480, true), 0, &out, &out_len), FRAG_PENDING);
	ck_assert_int_eq(
	    add(t, frag(1, 7, 47, 1480, 20, false), FRAG_TIMEOUT_NS + 1, &out, &out_len),
	    FRAG_PENDING);
	ck_assert_uint_eq(frag_stats(t)->timed_out, 1);
	ck_assert_uint_eq(frag_stats(t)->reassembled, 0);
}
END_TEST

START_TEST(test_timeout_boundary)
{
	ck_assert_int_eq(add(t, frag(1, 7, 47, 0, 1480, true), 5 * SEC, &out, &out_len),
	                 FRAG_PENDING);
	ck_assert_int_eq(
	    add(t, frag(1, 7, 47, 1480, 20, false), 5 * SEC + FRAG_TIMEOUT_NS, &out, &out_len),
	    FRAG_COMPLETE);
	ck_assert_uint_eq(frag_stats(t)->timed_out, 0);
}
END_TEST

/* Time going backwards (merged captures) expires nothing. */
START_TEST(test_time_backwards)
{
	ck_assert_int_eq(add(t, frag(1, 7, 47, 0, 1480, true), 100 * SEC, &out, &out_len),
	                 FRAG_PENDING);
	ck_assert_int_eq(add(t, frag(1, 7, 47, 1480, 20, false), 0, &out, &out_len), FRAG_COMPLETE);
	ck_assert_uint_eq(frag_stats(t)->timed_out, 0);
}
END_TEST

/* Timestamps far apart must not overflow the difference. */
START_TEST(test_time_extremes)
{
	ck_assert_int_eq(add(t, frag(1, 7, 47, 0, 8, true), INT64_MIN, &out, &out_len),
	                 FRAG_PENDING);
	ck_assert_int_eq(add(t, frag(1, 8, 47, 0, 8, true), INT64_MAX, &out, &out_len),
	                 FRAG_PENDING);
	ck_assert_uint_eq(frag_stats(t)->timed_out, 1);
}
END_TEST

START_TEST(test_table_full)
{
	uint32_t id;

	for (id = 0; id < FRAG_MAX_DATAGRAMS; id++)
		ck_assert_int_eq(add(t, frag(1, id, 47, 0, 8, true), id, &out, &out_len),
		                 FRAG_PENDING);
	ck_assert_uint_eq(frag_stats(t)->table_full, 0);
	/* One more: the oldest (id 0) goes. */
	ck_assert_int_eq(add(t, frag(1, 1000, 47, 0, 8, true), 100, &out, &out_len), FRAG_PENDING);
	ck_assert_uint_eq(frag_stats(t)->table_full, 1);
	/* id 0's end now starts a new datagram, evicting id 1. */
	ck_assert_int_eq(add(t, frag(1, 0, 47, 8, 8, false), 101, &out, &out_len), FRAG_PENDING);
	ck_assert_uint_eq(frag_stats(t)->table_full, 2);
	/* id 2 is still whole. */
	ck_assert_int_eq(add(t, frag(1, 2, 47, 8, 8, false), 102, &out, &out_len), FRAG_COMPLETE);
	assert_whole(16);
}
END_TEST

START_TEST(test_too_big)
{
	ck_assert_int_eq(add(t, frag(1, 7, 47, 65528, 16, false), 0, &out, &out_len), FRAG_DROPPED);
	ck_assert_uint_eq(frag_stats(t)->too_big, 1);
}
END_TEST

/* The largest datagram there is: 65535 - 20 bytes of payload, in 1480-byte pieces. */
START_TEST(test_largest)
{
	size_t off;
	enum frag_result r = FRAG_PENDING;

	for (off = 0; off + 1480 < 65515; off += 1480)
		ck_assert_int_eq(add(t, frag(1, 7, 17, off, 1480, true), 0, &out, &out_len),
		                 FRAG_PENDING);
	r = add(t, frag(1, 7, 17, off, 65515 - off, false), 0, &out, &out_len);
	ck_assert_int_eq(r, FRAG_COMPLETE);
	assert_whole(65515);
	ck_assert_uint_eq(frag_stats(t)->too_big, 0);
}
END_TEST

START_TEST(test_not_multiple_of_8)
{
	ck_assert_int_eq(add(t, frag(1, 7, 47, 0, 1481, true), 0, &out, &out_len), FRAG_DROPPED);
	ck_assert_uint_eq(frag_stats(t)->invalid, 1);
}
END_TEST

START_TEST(test_two_ends)
{
	ck_assert_int_eq(add(t, frag(1, 7, 47, 1480, 20, false), 0, &out, &out_len), FRAG_PENDING);
	ck_assert_int_eq(add(t, frag(1, 7, 47, 1480, 28, false), 0, &out, &out_len), FRAG_DROPPED);
	ck_assert_uint_eq(frag_stats(t)->invalid, 1);
}
END_TEST

START_TEST(test_past_end)
{
	ck_assert_int_eq(add(t, frag(1, 7, 47, 1480, 20, false), 0, &out, &out_len), FRAG_PENDING);
	ck_assert_int_eq(add(t, frag(1, 7, 47, 1488, 16, true), 0, &out, &out_len), FRAG_DROPPED);
	ck_assert_uint_eq(frag_stats(t)->invalid, 1);
}
END_TEST

START_TEST(test_end_before_data)
{
	ck_assert_int_eq(add(t, frag(1, 7, 47, 0, 1480, true), 0, &out, &out_len), FRAG_PENDING);
	ck_assert_int_eq(add(t, frag(1, 7, 47, 8, 8, false), 0, &out, &out_len), FRAG_DROPPED);
	ck_assert_uint_eq(frag_stats(t)->invalid, 1);
}
END_TEST

START_TEST(test_empty_fragment)
{
	ck_assert_int_eq(add(t, frag(1, 7, 47, 8, 0, true), 0, &out, &out_len), FRAG_DROPPED);
	ck_assert_uint_eq(frag_stats(t)->invalid, 1);
}
END_TEST

START_TEST(test_not_a_fragment)
{
	ck_assert_int_eq(add(t, frag(1, 7, 47, 0, 100, false), 0, &out, &out_len), FRAG_DROPPED);
	ck_assert_uint_eq(frag_stats(t)->invalid, 1);
}
END_TEST

START_TEST(test_truncated)
{
	struct ip_packet ip = frag(1, 7, 47, 0, 1480, true);

	ip.truncated = true;
	ip.payload_len = 100;
	ck_assert_int_eq(add(t, ip, 0, &out, &out_len), FRAG_DROPPED);
	ck_assert_uint_eq(frag_stats(t)->truncated, 1);
	ck_assert_int_eq(add(t, frag(1, 7, 47, 1480, 20, false), 0, &out, &out_len), FRAG_DROPPED);
	ck_assert_uint_eq(frag_stats(t)->truncated, 1);
}
END_TEST

/* Source, protocol and id each keep datagrams apart. */
START_TEST(test_keys_apart)
{
	ck_assert_int_eq(add(t, frag(1, 7, 47, 0, 8, true), 0, &out, &out_len), FRAG_PENDING);
	ck_assert_int_eq(add(t, frag(2, 7, 47, 8, 8, false), 0, &out, &out_len), FRAG_PENDING);
	ck_assert_int_eq(add(t, frag(1, 7, 6, 8, 8, false), 0, &out, &out_len), FRAG_PENDING);
	ck_assert_int_eq(add(t, frag(1, 8, 47, 8, 8, false), 0, &out, &out_len), FRAG_PENDING);
	ck_assert_int_eq(add(t, frag(1, 7, 47, 8, 8, false), 0, &out, &out_len), FRAG_COMPLETE);
	assert_whole(16);
}
END_TEST

START_TEST(test_ipv6)
{
	static const uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	static const uint8_t b[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};
	struct ip_packet ip = frag(1, 0xdeadbeef, 17, 0, 1232, true);

	addr_set_v6(&ip.src, a);
	addr_set_v6(&ip.dst, b);
	ip.version = 6;
	ck_assert_int_eq(add(t, ip, 0, &out, &out_len), FRAG_PENDING);
	/* The same id from an IPv4 source is another datagram. */
	ck_assert_int_eq(add(t, frag(1, 0xdeadbeef, 17, 1232, 10, false), 0, &out, &out_len),
	                 FRAG_PENDING);
	ip.frag_offset = 1232;
	ip.payload = dgram + 1232;
	ip.payload_len = 10;
	ip.more_fragments = false;
	ck_assert_int_eq(add(t, ip, 0, &out, &out_len), FRAG_COMPLETE);
	assert_whole(1242);
}
END_TEST

START_TEST(test_expire_all)
{
	ck_assert_int_eq(add(t, frag(1, 1, 47, 0, 8, true), 0, &out, &out_len), FRAG_PENDING);
	ck_assert_int_eq(add(t, frag(1, 2, 47, 0, 8, true), 0, &out, &out_len), FRAG_PENDING);
	ck_assert_int_eq(add(t, frag(1, 3, 47, 8, 8, false), 0, &out, &out_len), FRAG_PENDING);
	frag_expire_all(t);
	ck_assert_uint_eq(frag_stats(t)->incomplete_at_end, 3);
	/* Empty now: the rest of id 1 starts over. */
	ck_assert_int_eq(add(t, frag(1, 1, 47, 8, 8, false), 0, &out, &out_len), FRAG_PENDING);
}
END_TEST

/* Pending datagrams and a returned payload are freed with the table (ASan: no leak). */
START_TEST(test_free_pending)
{
	struct frag_table *u = frag_new();
	uint32_t id;

	ck_assert_ptr_nonnull(u);
	for (id = 0; id < 10; id++)
		ck_assert_int_eq(add(u, frag(1, id, 47, 0, 1480, true), 0, &out, &out_len),
		                 FRAG_PENDING);
	ck_assert_int_eq(add(u, frag(1, 3, 47, 1480, 8, false), 0, &out, &out_len), FRAG_COMPLETE);
	frag_free(u);
	frag_free(NULL);
}
END_TEST

/*
 * suricata-verify's capture: one 65515-byte UDP datagram in 1024 IPv4
 * fragments, inside GRE version 0 and PPP.
 */
START_TEST(test_capture_max_packet)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(
	    TESTDATA "/public/suricata-verify__eth-ip-gre-ppp-max-ip-packet.pcap", errbuf);
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned frames = 0, complete = 0;
	size_t complete_len = 0;

	ck_assert_msg(pc != NULL, "%s", errbuf);
	while (pcap_next_ex(pc, &h, &data) == 1) {
		struct link_frame lf;
		struct ip_packet outer, inner;
		struct gre_packet g;
		struct ppp_frame f;
		size_t skip;
		enum frag_result r;

		frames++;
		ck_assert_int_eq(link_parse(pcap_datalink(pc), data, h->caplen, &lf), PARSE_OK);
		ck_assert_int_eq(ipv4_parse(data + lf.offset, h->caplen - lf.offset, &outer),
		                 PARSE_OK);
		ck_assert_int_eq(gre_parse(outer.payload, outer.payload_len, &g), PARSE_OK);
		ck_assert_int_eq(ppp_parse(g.payload, g.payload_len, &f), PARSE_OK);
		ck_assert_uint_eq(f.protocol, PPP_PROTO_IPV4);
		skip = g.payload[0] == 0xff ? 2 : 0;   /* address, control */
		skip += (g.payload[skip] & 1) ? 1 : 2; /* protocol, compressed or not */
		ck_assert_int_eq(ipv4_parse(g.payload + skip, g.payload_len - skip, &inner),
		                 PARSE_OK);
		ck_assert(inner.is_fragment);
		r = frag_add(t, &inner, (ts_ns_t)h->ts.tv_sec * NS_PER_SEC, &out, &out_len);
		if (r == FRAG_COMPLETE) {
			complete++;
			complete_len = out_len;
		} else {
			ck_assert_int_eq(r, FRAG_PENDING);
		}
	}
	pcap_close(pc);
	ck_assert_uint_eq(frames, 1024);
	ck_assert_uint_eq(complete, 1);
	ck_assert_uint_eq(complete_len, 65515);
}
END_TEST

static Suite *
frag_suite(void)
{
	Suite *s = suite_create("frag");
	TCase *tc = tcase_create("reassembly");
	TCase *tb = tcase_create("bounds");
	TCase *tp = tcase_create("captures");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_in_order);
	tcase_add_test(tc, test_out_of_order);
	tcase_add_test(tc, test_duplicate);
	tcase_add_test(tc, test_overlap_same_bytes);
	tcase_add_test(tc, test_overlap_different);
	tcase_add_test(tc, test_overlap_different_tail);
	tcase_add_test(tc, test_keys_apart);
	tcase_add_test(tc, test_ipv6);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(tb, setup, teardown);
	tcase_add_test(tb, test_timeout);
	tcase_add_test(tb, test_timeout_boundary);
	tcase_add_test(tb, test_time_backwards);
	tcase_add_test(tb, test_time_extremes);
	tcase_add_test(tb, test_table_full);
	tcase_add_test(tb, test_too_big);
	tcase_add_test(tb, test_largest);
	tcase_add_test(tb, test_not_multiple_of_8);
	tcase_add_test(tb, test_two_ends);
	tcase_add_test(tb, test_past_end);
	tcase_add_test(tb, test_end_before_data);
	tcase_add_test(tb, test_empty_fragment);
	tcase_add_test(tb, test_not_a_fragment);
	tcase_add_test(tb, test_truncated);
	tcase_add_test(tb, test_expire_all);
	tcase_add_test(tb, test_free_pending);
	suite_add_tcase(s, tb);

	tcase_add_checked_fixture(tp, setup, teardown);
	tcase_add_test(tp, test_capture_max_packet);
	suite_add_tcase(s, tp);
	return s;
}

CHECK_MAIN(frag_suite)
