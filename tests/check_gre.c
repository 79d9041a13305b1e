/* Tests for gre.c: version 1 (PPTP) and version 0 headers, forbidden bits, prefixes, captures. */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "gre.h"
#include "ip.h"
#include "link.h"
#include "testutil.h"

/* clang-format off */
#define PPP_LCP 0xff, 0x03, 0xc0, 0x21 /* PPP payload: address, control, LCP */

/* PPTP data packet with sequence and acknowledgment. */
static const uint8_t v1_seq_ack[] = {
	0x30, 0x81,             /* K S; A, version 1 */
	0x88, 0x0b,             /* protocol PPP */
	0x00, 0x04, 0x01, 0x00, /* key: payload length 4, Call ID 256 */
	0x00, 0x00, 0x00, 0x05, /* sequence 5 */
	0x00, 0x00, 0x00, 0x04, /* acknowledgment 4 */
	PPP_LCP,
};
/* Sequence only. */
static const uint8_t v1_seq[] = {
	0x30, 0x01, 0x88, 0x0b, /* K S; version 1; PPP */
	0x00, 0x04, 0x00, 0x18, /* payload length 4, Call ID 24 */
	0x00, 0x00, 0x00, 0x00, /* sequence 0 */
	PPP_LCP,
};
/* Acknowledgment only: no payload. */
static const uint8_t v1_ack_only[] = {
	0x20, 0x81, 0x88, 0x0b, /* K; A, version 1; PPP */
	0x00, 0x00, 0x00, 0x01, /* payload length 0, Call ID 1 */
	0x00, 0x00, 0x00, 0x07, /* acknowledgment 7 */
};
/* Version 1 with another protocol: well formed, not PPTP. */
static const uint8_t v1_ipv4[] = {
	0x20, 0x01, 0x08, 0x00, /* K; version 1; IPv4 */
	0x00, 0x00, 0x00, 0x09, 0x45, 0x00,
};
static const uint8_t v1_no_key[] = {0x10 /* S without K */, 0x01, 0x88, 0x0b, 0, 0, 0, 1, PPP_LCP};
static const uint8_t v1_c[] = {0xb0 /* C K S */, 0x01, 0x88, 0x0b, 0, 4, 0, 1, 0, 0, 0, 0, PPP_LCP};
static const uint8_t v1_r[] = {0x70 /* R K S */, 0x01, 0x88, 0x0b, 0, 4, 0, 1, 0, 0, 0, 0, PPP_LCP};
static const uint8_t v1_ssr[] = {0x38 /* K S s */, 0x01, 0x88, 0x0b, 0, 4, 0, 1, 0, 0, 0, 0,
				 PPP_LCP};
static const uint8_t v1_recur[] = {0x31 /* K S, Recur 1 */, 0x01, 0x88, 0x0b, 0, 4, 0, 1,
				   0, 0, 0, 0, PPP_LCP};
static const uint8_t v1_flags[] = {0x30, 0x09 /* flag bit set, version 1 */, 0x88, 0x0b,
				   0, 4, 0, 1, 0, 0, 0, 0, PPP_LCP};
/* Plain RFC 2784 GRE carrying IPv4. */
static const uint8_t v0_plain[] = {0x00, 0x00, 0x08, 0x00 /* no flags, version 0, IPv4 */,
				   0x45, 0x00, 0x00, 0x14};
/* RFC 2890: checksum, key and sequence. */
static const uint8_t v0_cks[] = {
	0xb0, 0x00, 0x08, 0x00, /* C K S, version 0, IPv4 */
	0x12, 0x34, 0x00, 0x00, /* checksum, reserved1 */
	0x00, 0x00, 0x00, 0x2a, /* key 42 */
	0x00, 0x00, 0x00, 0x01, /* sequence 1 */
	0x45, 0x00,
};
/* Version 0 PPP without a key (suricata-verify's capture): not PPTP. */
static const uint8_t v0_ppp[] = {0x00, 0x00, 0x88, 0x0b, 0xff, 0x03, 0x00, 0x21};
/* Reserved0 bits, including the v1 A position, are ignored in version 0. */
static const uint8_t v0_reserved[] = {0x00, 0x80 /* bit 8 */, 0x08, 0x00, 0x45, 0x00};
/* RFC 1701 routing: one SRE of 4 bytes, then the NULL SRE. */
static const uint8_t v0_route[] = {
	0x40, 0x00, 0x08, 0x00, /* R, version 0, IPv4 */
	0x00, 0x00, 0x00, 0x00, /* checksum (absent C: still present with R), offset */
	0x08, 0x00, 0x00, 0x04, /* SRE: family IPv4, offset 0, length 4 */
	0x0a, 0x00, 0x00, 0x01, /* route: 10.0.0.1 */
	0x00, 0x00, 0x00, 0x00, /* NULL SRE */
	0x45, 0x00,
};
#define SRE4 0x08, 0x00, 0x00, 0x00 /* SRE of length 0 with a family: not the end */
static const uint8_t v0_route_long[] = {
	0x40, 0x00, 0x08, 0x00, 0, 0, 0, 0,
	SRE4, SRE4, SRE4, SRE4, SRE4, SRE4, SRE4, SRE4,
	SRE4, SRE4, SRE4, SRE4, SRE4, SRE4, SRE4, SRE4, /* GRE_MAX_SRES = 16 */
	0x00, 0x00, 0x00, 0x00,
};
static const uint8_t v0_route_cut[] = {
	0x40, 0x00, 0x08, 0x00, 0, 0, 0, 0,
	0x08, 0x00, 0x00, 0x20, /* SRE length 32: only 4 follow */
	0x0a, 0x00, 0x00, 0x01,
};

struct gre_case {
	const char *name;
	const uint8_t *bytes;
	size_t len;
	enum parse_status status;
	uint8_t version;
	size_t header_len;
	bool pptp;
};

#define GRE_OK(a, ver, hl, pptp) {#a, a, sizeof(a), PARSE_OK, ver, hl, pptp}
#define GRE_BAD(a, st) {#a, a, sizeof(a), st, 0, 0, false}

static const struct gre_case cases[] = {
	GRE_OK(v1_seq_ack, 1, 16, true),
	GRE_OK(v1_seq, 1, 12, true),
	GRE_OK(v1_ack_only, 1, 12, true),
	GRE_OK(v1_ipv4, 1, 8, false),
	GRE_BAD(v1_no_key, PARSE_INVALID),
	GRE_BAD(v1_c, PARSE_INVALID),
	GRE_BAD(v1_r, PARSE_INVALID),
	GRE_BAD(v1_ssr, PARSE_INVALID),
	GRE_BAD(v1_recur, PARSE_INVALID),
	GRE_BAD(v1_flags, PARSE_INVALID),
	GRE_OK(v0_plain, 0, 4, false),
	GRE_OK(v0_cks, 0, 16, false),
	GRE_OK(v0_ppp, 0, 4, false),
	GRE_OK(v0_reserved, 0, 4, false),
	GRE_OK(v0_route, 0, 20, false),
	GRE_BAD(v0_route_long, PARSE_UNSUPPORTED),
	GRE_BAD(v0_route_cut, PARSE_TRUNCATED),
};

/* clang-format on */


START_TEST(test_case_result)
{
	const struct gre_case *c = &cases[_i];
	struct gre_packet g;
	enum parse_status st = gre_parse(c->bytes, c->len, &g);

	ck_assert_msg(st == c->status, "%s: %s", c->name, parse_status_name(st));
	if (st == PARSE_OK) {
		ck_assert_uint_eq(g.version, c->version);
		ck_assert_uint_eq(g.header_len, c->header_len);
		ck_assert_ptr_eq(g.payload, c->bytes + c->header_len);
		ck_assert_uint_eq(g.payload_len, c->len - c->header_len);
		ck_assert_int_eq(gre_is_pptp(&g), c->pptp);
	}
}
END_TEST

START_TEST(test_case_prefixes)
{
	const struct gre_case *c = &cases[_i];
	size_t n;

	for (n = 0; n < c->len; n++) {
		uint8_t *buf = copy_of(c->bytes, n);
		struct gre_packet g;
		enum parse_status st = gre_parse(buf, n, &g);

		if (c->status != PARSE_OK)
			ck_assert_msg(st == PARSE_TRUNCATED || st == c->status, "%s[%zu]: %s",
			              c->name, n, parse_status_name(st));
		else if (n < c->header_len)
			ck_assert_msg(st == PARSE_TRUNCATED, "%s[%zu]: %s", c->name, n,
			              parse_status_name(st));
		else
			ck_assert_uint_eq(g.payload_len, n - c->header_len);
		free(buf);
	}
}
END_TEST

/* Versions 2 to 7 are not GRE we know: bytes 0x30 0x0v. */
START_TEST(test_other_versions)
{
	uint8_t b[] = {0x30, 0x00, 0x88, 0x0b, 0, 4, 0, 1, 0, 0, 0, 0, PPP_LCP};
	struct gre_packet g;

	b[1] = (uint8_t)_i;
	ck_assert_int_eq(gre_parse(b, sizeof(b), &g), PARSE_UNSUPPORTED);
}
END_TEST

START_TEST(test_v1_fields)
{
	struct gre_packet g;

	ck_assert_int_eq(gre_parse(v1_seq_ack, sizeof(v1_seq_ack), &g), PARSE_OK);
	ck_assert_uint_eq(g.protocol, GRE_PROTO_PPP);
	ck_assert(g.has_key && g.has_seq && g.has_ack);
	ck_assert(!g.has_checksum && !g.has_routing);
	ck_assert_uint_eq(g.key, 0x00040100);
	ck_assert_uint_eq(g.payload_len_field, 4);
	ck_assert_uint_eq(g.call_id, 256);
	ck_assert_uint_eq(g.seq, 5);
	ck_assert_uint_eq(g.ack, 4);
}
END_TEST

START_TEST(test_v1_ack_only)
{
	struct gre_packet g;

	ck_assert_int_eq(gre_parse(v1_ack_only, sizeof(v1_ack_only), &g), PARSE_OK);
	ck_assert(!g.has_seq);
	ck_assert(g.has_ack);
	ck_assert_uint_eq(g.ack, 7);
	ck_assert_uint_eq(g.call_id, 1);
	ck_assert_uint_eq(g.payload_len, 0);
}
END_TEST

START_TEST(test_v0_fields)
{
	struct gre_packet g;

	ck_assert_int_eq(gre_parse(v0_cks, sizeof(v0_cks), &g), PARSE_OK);
	ck_assert(g.has_checksum && g.has_key && g.has_seq);
	ck_assert(!g.has_ack && !g.has_routing);
	ck_assert_uint_eq(g.key, 42);
	ck_assert_uint_eq(g.seq, 1);
	ck_assert_uint_eq(g.protocol, 0x0800);
}
END_TEST

START_TEST(test_v0_reserved_ignored)
{
	struct gre_packet g;

	ck_assert_int_eq(gre_parse(v0_reserved, sizeof(v0_reserved), &g), PARSE_OK);
	ck_assert(!g.has_ack);
}
END_TEST

START_TEST(test_v0_route)
{
	struct gre_packet g;

	ck_assert_int_eq(gre_parse(v0_route, sizeof(v0_route), &g), PARSE_OK);
	ck_assert(g.has_routing);
	ck_assert(!g.has_checksum);
}
END_TEST

/* Hand-made headers: each condition of gre_is_pptp matters. */
START_TEST(test_is_pptp)
{
	struct gre_packet g = {.version = 1, .protocol = GRE_PROTO_PPP, .has_key = true};

	ck_assert(gre_is_pptp(&g));
	g.has_key = false;
	ck_assert(!gre_is_pptp(&g));
	g.has_key = true;
	g.version = 0;
	ck_assert(!gre_is_pptp(&g));
	g.version = 1;
	g.protocol = 0x0800;
	ck_assert(!gre_is_pptp(&g));
}
END_TEST

START_TEST(test_empty)
{
	struct gre_packet g;

	ck_assert_int_eq(gre_parse(NULL, 0, &g), PARSE_TRUNCATED);
}
END_TEST

/*
 * Whole frames of public captures through link, IP (IP in IP too) and GRE:
 * the Call IDs of every PPTP packet, in order.
 */
static size_t
capture_call_ids(const char *path, uint16_t *ids, size_t max)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(path, errbuf);
	struct pcap_pkthdr *h;
	const u_char *data;
	size_t n = 0;

	ck_assert_msg(pc != NULL, "%s: %s", path, errbuf);
	while (pcap_next_ex(pc, &h, &data) == 1) {
		struct link_frame lf;
		struct ip_packet ip;
		struct gre_packet g;
		const uint8_t *p;
		size_t len;
		int depth;
		enum parse_status st;

		if (link_parse(pcap_datalink(pc), data, h->caplen, &lf) != PARSE_OK)
			continue;
		p = data + lf.offset;
		len = h->caplen - lf.offset;
		st = lf.ethertype == LINK_ETHERTYPE_IPV6 ? ipv6_parse(p, len, &ip)
		                                         : ipv4_parse(p, len, &ip);
		for (depth = 0; st == PARSE_OK && depth < 3; depth++) {
			if (ip.proto == IP_PROTO_IPIP)
				st = ipv4_parse(ip.payload, ip.payload_len, &ip);
			else if (ip.proto == IP_PROTO_IPV6)
				st = ipv6_parse(ip.payload, ip.payload_len, &ip);
			else
				break;
		}
		if (st != PARSE_OK || ip.proto != IP_PROTO_GRE)
			continue;
		if (gre_parse(ip.payload, ip.payload_len, &g) == PARSE_OK && gre_is_pptp(&g) &&
		    n < max)
			ids[n++] = g.call_id;
	}
	pcap_close(pc);
	return n;
}

START_TEST(test_capture_zeek)
{
	uint16_t ids[8];

	ck_assert_uint_eq(capture_call_ids(TESTDATA "/public/zeek__gre-pptp.pcap", ids, 8), 2);
	ck_assert_uint_eq(ids[0], 6016);
	ck_assert_uint_eq(ids[1], 17);
}
END_TEST

START_TEST(test_capture_ndpi)
{
	uint16_t ids[8];

	ck_assert_uint_eq(capture_call_ids(TESTDATA "/public/nDPI__gre.pcapng", ids, 8), 1);
	ck_assert_uint_eq(ids[0], 38992);
}
END_TEST

START_TEST(test_capture_negotiation)
{
	uint16_t ids[32];
	size_t n, i, to_pac = 0, to_pns = 0;

	n = capture_call_ids(TESTDATA "/public/PcapPlusPlus__GrePackets-PPTP_negotiation.cap", ids,
	                     32);
	ck_assert_uint_eq(n, 17);
	for (i = 0; i < n; i++) {
		to_pac += ids[i] == 24;
		to_pns += ids[i] == 1;
	}
	ck_assert_uint_eq(to_pac, 10);
	ck_assert_uint_eq(to_pns, 7);
}
END_TEST

/* suricata-verify's 1024 packets are GRE version 0 with PPP: none is PPTP. */
START_TEST(test_capture_v0_not_pptp)
{
	uint16_t ids[8];

	ck_assert_uint_eq(
	    capture_call_ids(TESTDATA "/public/suricata-verify__eth-ip-gre-ppp-max-ip-packet.pcap",
	                     ids, 8),
	    0);
}
END_TEST

static Suite *
gre_suite(void)
{
	Suite *s = suite_create("gre");
	TCase *tc = tcase_create("headers");
	TCase *tp = tcase_create("captures");

	tcase_add_loop_test(tc, test_case_result, 0, (int)ARRAY_LEN(cases));
	tcase_add_loop_test(tc, test_case_prefixes, 0, (int)ARRAY_LEN(cases));
	tcase_add_loop_test(tc, test_other_versions, 2, 8);
	tcase_add_test(tc, test_v1_fields);
	tcase_add_test(tc, test_v1_ack_only);
	tcase_add_test(tc, test_v0_fields);
	tcase_add_test(tc, test_v0_reserved_ignored);
	tcase_add_test(tc, test_v0_route);
	tcase_add_test(tc, test_is_pptp);
	tcase_add_test(tc, test_empty);
	suite_add_tcase(s, tc);

	tcase_add_test(tp, test_capture_zeek);
	tcase_add_test(tp, test_capture_ndpi);
	tcase_add_test(tp, test_capture_negotiation);
	tcase_add_test(tp, test_capture_v0_not_pptp);
	suite_add_tcase(s, tp);
	return s;
}

CHECK_MAIN(gre_suite)
