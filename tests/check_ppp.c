/* Tests for ppp.c: address/control, protocol compression, code and identifier, prefixes. */
#include <stdlib.h>
#include <string.h>

#include "ppp.h"
#include "testutil.h"

/* clang-format off */
static const uint8_t lcp_req[] = {
	0xff, 0x03,             /* address, control */
	0xc0, 0x21,             /* LCP */
	0x01, 0x00, 0x00, 0x0e, /* Configure-Request, id 0, length 14 */
	0x05, 0x06, 0x12, 0x34, 0x56, 0x78, /* magic number */
};
static const uint8_t lcp_ack_noacf[] = {
	0xc0, 0x21,             /* LCP, ff 03 compressed away */
	0x02, 0x01, 0x00, 0x04, /* Configure-Ack, id 1, length 4 */
};
static const uint8_t pap_req[] = {0xff, 0x03, 0xc0, 0x23 /* PAP */, 0x01, 0x07, 0x00, 0x06,
				  0x00, 0x00};
static const uint8_t ipcp_nak[] = {0x80, 0x21 /* IPCP */, 0x03, 0x05, 0x00, 0x04};
static const uint8_t ccp_req[] = {0xff, 0x03, 0x80, 0xfd /* CCP */, 0x01, 0x02, 0x00, 0x04};
static const uint8_t ipv4_pfc[] = {0xff, 0x03, 0x21 /* IPv4, compressed */, 0x45, 0x00};
static const uint8_t ipv4_full[] = {0x00, 0x21 /* IPv4 */, 0x45, 0x00};
static const uint8_t ipv6[] = {0x00, 0x57 /* IPv6 */, 0x60, 0x00};
static const uint8_t bad_control[] = {0xff, 0x00 /* control must be 03 */, 0xc0, 0x21};
static const uint8_t even_low[] = {0xc0, 0x20 /* low byte even */, 0x01, 0x00};

struct ppp_case {
	const char *name;
	const uint8_t *bytes;
	size_t len;
	enum parse_status status;
	uint16_t protocol;
	bool is_control;
	uint8_t code, identifier;
	size_t need; /* bytes up to the end of the protocol field */
};

#define PPP_OK(a, proto, ctl, code, id, need)                                                      \
	{#a, a, sizeof(a), PARSE_OK, proto, ctl, code, id, need}
#define PPP_BAD(a, st) {#a, a, sizeof(a), st, 0, false, 0, 0, 0}

static const struct ppp_case cases[] = {
	PPP_OK(lcp_req, PPP_PROTO_LCP, true, PPP_CODE_CONF_REQ, 0, 4),
	PPP_OK(lcp_ack_noacf, PPP_PROTO_LCP, true, PPP_CODE_CONF_ACK, 1, 2),
	PPP_OK(pap_req, PPP_PROTO_PAP, true, 1, 7, 4),
	PPP_OK(ipcp_nak, PPP_PROTO_IPCP, true, PPP_CODE_CONF_NAK, 5, 2),
	PPP_OK(ccp_req, PPP_PROTO_CCP, true, PPP_CODE_CONF_REQ, 2, 4),
	PPP_OK(ipv4_pfc, PPP_PROTO_IPV4, false, 0, 0, 3),
	PPP_OK(ipv4_full, PPP_PROTO_IPV4, false, 0, 0, 2),
	PPP_OK(ipv6, PPP_PROTO_IPV6, false, 0, 0, 2),
	PPP_BAD(bad_control, PARSE_INVALID),
	PPP_BAD(even_low, PARSE_INVALID),
};

/* clang-format on */


START_TEST(test_case_result)
{
	const struct ppp_case *c = &cases[_i];
	struct ppp_frame f;
	enum parse_status st = ppp_parse(c->bytes, c->len, &f);

	ck_assert_msg(st == c->status, "%s: %s", c->name, parse_status_name(st));
	if (st == PARSE_OK) {
		ck_assert_uint_eq(f.protocol, c->protocol);
		ck_assert_int_eq(f.is_control, c->is_control);
		ck_assert_uint_eq(f.code, c->code);
		ck_assert_uint_eq(f.identifier, c->identifier);
	}
}
END_TEST

/*
 * Prefixes: TRUNCATED until the protocol is in, then OK; a control packet
 * is_control only once its code and identifier are in.
 */
START_TEST(test_case_prefixes)
{
	const struct ppp_case *c = &cases[_i];
	size_t n;

	for (n = 0; n < c->len; n++) {
		uint8_t *buf = copy_of(c->bytes, n);
		struct ppp_frame f;
		enum parse_status st = ppp_parse(buf, n, &f);

		if (c->status != PARSE_OK) {
			ck_assert_msg(st == PARSE_TRUNCATED || st == c->status, "%s[%zu]: %s",
			              c->name, n, parse_status_name(st));
		} else if (n < c->need) {
			ck_assert_msg(st == PARSE_TRUNCATED, "%s[%zu]: %s", c->name, n,
			              parse_status_name(st));
		} else {
			ck_assert_msg(st == PARSE_OK, "%s[%zu]: %s", c->name, n,
			              parse_status_name(st));
			ck_assert_uint_eq(f.protocol, c->protocol);
			ck_assert_int_eq(f.is_control, c->is_control && n >= c->need + 2);
		}
		free(buf);
	}
}
END_TEST

START_TEST(test_control_without_code)
{
	struct ppp_frame f;

	ck_assert_int_eq(ppp_parse(lcp_req, 4, &f), PARSE_OK);
	ck_assert_uint_eq(f.protocol, PPP_PROTO_LCP);
	ck_assert(!f.is_control);
}
END_TEST

START_TEST(test_empty)
{
	struct ppp_frame f;

	ck_assert_int_eq(ppp_parse(NULL, 0, &f), PARSE_TRUNCATED);
}
END_TEST

/* ff alone: the address is there, the control byte is not. */
START_TEST(test_address_only)
{
	struct ppp_frame f;

	ck_assert_int_eq(ppp_parse(lcp_req, 1, &f), PARSE_TRUNCATED);
}
END_TEST

static Suite *
ppp_suite(void)
{
	Suite *s = suite_create("ppp");
	TCase *tc = tcase_create("ppp");

	tcase_add_loop_test(tc, test_case_result, 0, (int)ARRAY_LEN(cases));
	tcase_add_loop_test(tc, test_case_prefixes, 0, (int)ARRAY_LEN(cases));
	tcase_add_test(tc, test_control_without_code);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_address_only);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(ppp_suite)
