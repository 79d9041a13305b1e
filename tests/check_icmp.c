/* Tests for icmp.c: ICMP and ICMPv6 errors and the GRE or TCP header they quote. */
#include "icmp.h"
#include "testutil.h"

/* clang-format off */
/* What a NAT without a GRE mapping answers: protocol unreachable, quoting
 * the server's GRE to it (203.0.113.10 -> 203.0.113.1, key 50048). */
static const uint8_t v4_proto_unreach_gre[] = {
	0x03, 0x02,             /* type 3 destination unreachable, code 2 protocol */
	0x00, 0x00,             /* checksum (not verified) */
	0x00, 0x00, 0x00, 0x00, /* unused */
	0x45, 0x00, 0x00, 0x48, /* quoted IPv4: version 4, IHL 5, total length 72 */
	0x00, 0x01, 0x40, 0x00, /* id 1, DF */
	0x3f, 0x2f, 0x00, 0x00, /* ttl 63, protocol 47 GRE, checksum */
	203, 0, 113, 10,        /* source: the server */
	203, 0, 113, 1,         /* destination: the NAT */
	0x30, 0x81, 0x88, 0x0b, /* GRE: K S; A, version 1; PPP */
	0x00, 0x24, 0xc3, 0x80, /* payload length 36, Call ID 50048 */
	0x00, 0x00, 0x00, 0x07, /* sequence 7 */
};
/* Port unreachable quoting a TCP segment to port 1723. */
static const uint8_t v4_port_unreach_tcp[] = {
	0x03, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* type 3, code 3 port */
	0x46, 0x00, 0x00, 0x2c, /* quoted IPv4 with 4 bytes of options (IHL 6) */
	0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, /* ..., protocol 6 TCP */
	10, 0, 1, 11, 203, 0, 113, 10,
	0x01, 0x01, 0x01, 0x01, /* options (NOPs) */
	0xc3, 0x80, 0x06, 0xbb, /* ports 50048 -> 1723 */
	0x00, 0x00, 0x30, 0x39, /* sequence */
};
/* ICMPv6 parameter problem, unknown next header (47), quoting GRE key 256. */
static const uint8_t v6_next_header_gre[] = {
	0x04, 0x01, 0x00, 0x00, /* type 4, code 1 unrecognized next header */
	0x00, 0x00, 0x00, 0x06, /* pointer to the next header field */
	0x60, 0x00, 0x00, 0x00, /* quoted IPv6 */
	0x00, 0x10, 0x2f, 0x40, /* payload length 16, next header 47, hop limit 64 */
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, /* 2001:db8::1 */
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, /* 2001:db8::2 */
	0x30, 0x01, 0x88, 0x0b, 0x00, 0x00, 0x01, 0x00, /* GRE v1 K S, key: Call ID 256 */
};
/* Echo request: not an error. */
static const uint8_t v4_echo[] = {0x08, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01};
/* Quoted header of the wrong version. */
static const uint8_t v4_quote_v6[] = {
	0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x10, 0x2f, 0x40,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};
/* Quote ending after the IP header: the GRE key is not there. */
static const uint8_t v4_quote_ip_only[] = {
	0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x45, 0x00, 0x00, 0x48, 0x00, 0x01, 0x40, 0x00, 0x3f, 0x2f, 0x00, 0x00,
	203, 0, 113, 10, 203, 0, 113, 1,
	0x30, 0x81, 0x88, /* three bytes of GRE only */
};
/* GRE version 0 quoted: not PPTP. */
static const uint8_t v4_quote_gre_v0[] = {
	0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x45, 0x00, 0x00, 0x48, 0x00, 0x01, 0x40, 0x00, 0x3f, 0x2f, 0x00, 0x00,
	203, 0, 113, 10, 203, 0, 113, 1,
	0x20, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x2a, /* K, version 0, IPv4, key 42 */
};
/* clang-format on */

START_TEST(proto_unreachable_quoting_gre)
{
	uint8_t *p = copy_of(v4_proto_unreach_gre, sizeof(v4_proto_unreach_gre));
	struct icmp_error e;
	char buf[ADDR_STRLEN];

	ck_assert_int_eq(icmp_parse(p, sizeof(v4_proto_unreach_gre), 4, &e), PARSE_OK);
	ck_assert(icmp_is_proto_unreachable(&e));
	ck_assert_str_eq(icmp_error_name(&e), "protocol unreachable");
	ck_assert_uint_eq(e.quoted_version, 4);
	ck_assert_uint_eq(e.quoted_proto, 47);
	ck_assert_str_eq(addr_format(&e.quoted_src, buf), "203.0.113.10");
	ck_assert_str_eq(addr_format(&e.quoted_dst, buf), "203.0.113.1");
	ck_assert(e.has_gre);
	ck_assert_uint_eq(e.gre_call_id, 50048);
	ck_assert(!e.has_ports);
	free(p);
}
END_TEST

START_TEST(port_unreachable_quoting_tcp_with_options)
{
	uint8_t *p = copy_of(v4_port_unreach_tcp, sizeof(v4_port_unreach_tcp));
	struct icmp_error e;

	ck_assert_int_eq(icmp_parse(p, sizeof(v4_port_unreach_tcp), 4, &e), PARSE_OK);
	ck_assert(!icmp_is_proto_unreachable(&e));
	ck_assert_str_eq(icmp_error_name(&e), "port unreachable");
	ck_assert(e.has_ports);
	ck_assert_uint_eq(e.sport, 50048);
	ck_assert_uint_eq(e.dport, 1723);
	ck_assert(!e.has_gre);
	free(p);
}
END_TEST

START_TEST(icmpv6_unknown_next_header)
{
	uint8_t *p = copy_of(v6_next_header_gre, sizeof(v6_next_header_gre));
	struct icmp_error e;
	char buf[ADDR_STRLEN];

	ck_assert_int_eq(icmp_parse(p, sizeof(v6_next_header_gre), 6, &e), PARSE_OK);
	ck_assert(icmp_is_proto_unreachable(&e));
	ck_assert_uint_eq(e.quoted_version, 6);
	ck_assert_str_eq(addr_format(&e.quoted_dst, buf), "2001:db8::2");
	ck_assert(e.has_gre);
	ck_assert_uint_eq(e.gre_call_id, 256);
	free(p);
}
END_TEST

START_TEST(not_errors_and_bad_quotes)
{
	struct icmp_error e;

	ck_assert_int_eq(icmp_parse(v4_echo, sizeof(v4_echo), 4, &e), PARSE_UNSUPPORTED);
	ck_assert_int_eq(icmp_parse(v4_echo, sizeof(v4_echo), 5, &e), PARSE_UNSUPPORTED);
	/* ICMPv6 echo request (128) is informational. */
	ck_assert_int_eq(icmp_parse((const uint8_t[]){128, 0, 0, 0, 0, 0, 0, 0}, 8, 6, &e),
	                 PARSE_UNSUPPORTED);
	ck_assert_int_eq(icmp_parse(v4_quote_v6, sizeof(v4_quote_v6), 4, &e), PARSE_INVALID);
	ck_assert_int_eq(icmp_parse(v4_quote_ip_only, sizeof(v4_quote_ip_only), 4, &e), PARSE_OK);
	ck_assert(!e.has_gre);
	ck_assert_uint_eq(e.quoted_proto, 47);
	ck_assert_int_eq(icmp_parse(v4_quote_gre_v0, sizeof(v4_quote_gre_v0), 4, &e), PARSE_OK);
	ck_assert(!e.has_gre);
	ck_assert_int_eq(icmp_parse(NULL, 0, 4, &e), PARSE_TRUNCATED);
}
END_TEST

/* Every prefix: TRUNCATED up to the end of the quoted IP header, OK after; never a crash. */
static const struct {
	const uint8_t *p;
	size_t len, header_end;
	uint8_t version;
} whole[] = {
    {v4_proto_unreach_gre, sizeof(v4_proto_unreach_gre), 28, 4},
    {v4_port_unreach_tcp, sizeof(v4_port_unreach_tcp), 28, 4},
    {v6_next_header_gre, sizeof(v6_next_header_gre), 48, 6},
};

START_TEST(every_prefix)
{
	size_t n;

	for (n = 0; n <= whole[_i].len; n++) {
		uint8_t *p = copy_of(whole[_i].p, n);
		struct icmp_error e;
		enum parse_status st = icmp_parse(p, n, whole[_i].version, &e);

		ck_assert_int_eq(st, n < whole[_i].header_end ? PARSE_TRUNCATED : PARSE_OK);
		if (n < whole[_i].len)
			ck_assert(!e.has_gre || n >= whole[_i].header_end + 8);
		free(p);
	}
}
END_TEST

static Suite *
icmp_suite(void)
{
	Suite *s = suite_create("icmp");
	TCase *tc = tcase_create("icmp");

	tcase_add_test(tc, proto_unreachable_quoting_gre);
	tcase_add_test(tc, port_unreachable_quoting_tcp_with_options);
	tcase_add_test(tc, icmpv6_unknown_next_header);
	tcase_add_test(tc, not_errors_and_bad_quotes);
	tcase_add_loop_test(tc, every_prefix, 0, (int)ARRAY_LEN(whole));
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(icmp_suite)
