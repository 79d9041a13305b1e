/* Check suite for checksum.c: IPv4 header checksums per sending host. */
#include "checksum.h"
#include "testutil.h"

static struct ip_packet
packet(uint8_t last, bool ok)
{
	struct ip_packet ip;
	const uint8_t src[4] = {192, 0, 2, last}, dst[4] = {198, 51, 100, 7};

	memset(&ip, 0, sizeof(ip));
	ip.version = 4;
	addr_set_v4(&ip.src, src);
	addr_set_v4(&ip.dst, dst);
	ip.checksum_ok = ok;
	return ip;
}

/* The address of host 192.0.2.last. */
static struct addr
host(uint8_t last)
{
	return packet(last, true).src;
}

static void
add(struct checksum_hosts *h, uint8_t last, bool ok, bool control, uint64_t frame)
{
	struct ip_packet ip = packet(last, ok);
	struct frame_ref where = {0, frame, (ts_ns_t)frame};

	checksum_hosts_add(h, &ip, control, &where);
}

/* Offload: every packet of the host wrong, the first one included. */
START_TEST(test_offload_signature)
{
	struct checksum_hosts h;
	const struct checksum_host *ch;
	struct ip_packet other = packet(99, true);
	struct addr a1 = host(1);
	uint64_t f;

	checksum_hosts_init(&h);
	for (f = 1; f <= 5; f++)
		add(&h, 1, false, f == 1, f);
	ch = checksum_hosts_find(&h, &a1);
	ck_assert_ptr_nonnull(ch);
	ck_assert_uint_eq(ch->packets, 5);
	ck_assert_uint_eq(ch->bad, 5);
	ck_assert_uint_eq(ch->control_bad, 1);
	ck_assert_uint_eq(ch->first.frame, 1);
	ck_assert_uint_eq(ch->first_bad.frame, 1);
	ck_assert(checksum_host_offloaded(ch));
	ck_assert_ptr_null(checksum_hosts_find(&h, &other.src));
	ck_assert(!checksum_host_offloaded(NULL));
	checksum_hosts_free(&h);
}
END_TEST

/* Right first, wrong later (a NAT that stops fixing checksums): not offload. */
START_TEST(test_wrong_after_right_is_not_offload)
{
	struct checksum_hosts h;
	const struct checksum_host *ch;
	struct addr a2 = host(2);

	checksum_hosts_init(&h);
	add(&h, 2, true, true, 1);
	add(&h, 2, true, false, 2);
	add(&h, 2, false, false, 3);
	add(&h, 2, true, false, 4);
	add(&h, 2, false, false, 5);
	ch = checksum_hosts_find(&h, &a2);
	ck_assert_ptr_nonnull(ch);
	ck_assert_uint_eq(ch->bad, 2);
	ck_assert_uint_eq(ch->good_before_bad, 2);
	ck_assert_uint_eq(ch->first_bad.frame, 3);
	ck_assert_uint_eq(ch->last_good.frame, 4);
	ck_assert(!checksum_host_offloaded(ch));
	checksum_hosts_free(&h);
}
END_TEST

/* Wrong from the first one, then right once: not every packet, not offload. */
START_TEST(test_one_right_packet_breaks_offload)
{
	struct checksum_hosts h;
	struct addr a3 = host(3);

	checksum_hosts_init(&h);
	add(&h, 3, false, false, 1);
	ck_assert(checksum_host_offloaded(checksum_hosts_find(&h, &a3)));
	add(&h, 3, true, false, 2);
	ck_assert(!checksum_host_offloaded(checksum_hosts_find(&h, &a3)));
	checksum_hosts_free(&h);
}
END_TEST

/* IPv6 has no header checksum; hosts past the cap are counted, not kept. */
START_TEST(test_ipv6_ignored_and_cap)
{
	struct checksum_hosts h;
	struct ip_packet ip = packet(1, false);
	struct frame_ref where = {0, 1, 1};
	uint32_t i;

	checksum_hosts_init(&h);
	ip.version = 6;
	checksum_hosts_add(&h, &ip, false, &where);
	ck_assert_uint_eq(h.nhosts, 0);
	ip.version = 4;
	for (i = 0; i < CHECKSUM_MAX_HOSTS + 10; i++) {
		ip.src.bytes[2] = (uint8_t)(i >> 8);
		ip.src.bytes[3] = (uint8_t)i;
		checksum_hosts_add(&h, &ip, false, &where);
	}
	ck_assert_uint_eq(h.nhosts, CHECKSUM_MAX_HOSTS);
	ck_assert_uint_eq(h.hosts_dropped, 10);
	checksum_hosts_free(&h);
	checksum_hosts_free(&h); /* idempotent */
}
END_TEST

static Suite *
checksum_suite(void)
{
	Suite *s = suite_create("checksum");
	TCase *tc = tcase_create("hosts");

	tcase_add_test(tc, test_offload_signature);
	tcase_add_test(tc, test_wrong_after_right_is_not_offload);
	tcase_add_test(tc, test_one_right_packet_breaks_offload);
	tcase_add_test(tc, test_ipv6_ignored_and_cap);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(checksum_suite)
