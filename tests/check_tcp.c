/* Tests for tcp.c: fields, data offset, options skipped, prefixes. */
#include <stdlib.h>
#include <string.h>

#include "inet_csum.h"
#include "tcp.h"
#include "testutil.h"

/* clang-format off */
/* PSH|ACK with 12 bytes of options and 4 bytes of data. */
static const uint8_t seg_opts[] = {
	0x0b, 0xd1, 0x06, 0xbb, /* source port 3025, destination port 1723 */
	0x12, 0x34, 0x56, 0x78, /* sequence number */
	0x9a, 0xbc, 0xde, 0xf0, /* acknowledgment number */
	0x80, 0x18,             /* data offset 8, flags PSH ACK */
	0xfa, 0xf0,             /* window */
	0x00, 0x00, 0x00, 0x00, /* checksum, urgent pointer */
	0x01, 0x01, 0x08, 0x0a, /* NOP NOP timestamps */
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x9c, 0x00, 0x01, /* data: a PPTP Length and Message Type */
};
/* A bare SYN: data offset 5, no data. */
static const uint8_t seg_syn[] = {
	0x06, 0xbb, 0x0b, 0xd1, /* 1723 -> 3025 */
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x50, 0x02,             /* data offset 5, SYN */
	0x20, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t seg_doff4[] = {
	0x0b, 0xd1, 0x06, 0xbb, 0, 0, 0, 1, 0, 0, 0, 0,
	0x40, 0x10,             /* data offset 4 < 5 */
	0x20, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t seg_doff0[] = {
	0x0b, 0xd1, 0x06, 0xbb, 0, 0, 0, 1, 0, 0, 0, 0,
	0x00, 0x10,             /* data offset 0 */
	0x20, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t seg_doff15[] = {
	0x0b, 0xd1, 0x06, 0xbb, 0, 0, 0, 1, 0, 0, 0, 0,
	0xf0, 0x10,             /* data offset 15: 60 bytes, only 24 here */
	0x20, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x01, 0x01, 0x01,
};

struct tcp_case {
	const char *name;
	const uint8_t *bytes;
	size_t len;
	enum parse_status status;
	size_t header_len;
};

#define TCP_CASE(a, st, hl) {#a, a, sizeof(a), st, hl}

static const struct tcp_case cases[] = {
	TCP_CASE(seg_opts, PARSE_OK, 32),
	TCP_CASE(seg_syn, PARSE_OK, 20),
	TCP_CASE(seg_doff4, PARSE_INVALID, 0),
	TCP_CASE(seg_doff0, PARSE_INVALID, 0),
	TCP_CASE(seg_doff15, PARSE_TRUNCATED, 0),
};

/* clang-format on */

START_TEST(test_case_result)
{
	const struct tcp_case *c = &cases[_i];
	struct tcp_segment t;
	enum parse_status st = tcp_parse(c->bytes, c->len, &t);

	ck_assert_msg(st == c->status, "%s: %s", c->name, parse_status_name(st));
	if (st == PARSE_OK) {
		ck_assert_uint_eq(t.header_len, c->header_len);
		ck_assert_uint_eq(t.payload_len, c->len - c->header_len);
		ck_assert_ptr_eq(t.payload, c->bytes + c->header_len);
	}
}
END_TEST

/* Prefixes: TRUNCATED while the header (options included) is cut, then OK. */
START_TEST(test_case_prefixes)
{
	const struct tcp_case *c = &cases[_i];
	size_t n;

	for (n = 0; n < c->len; n++) {
		uint8_t *buf = copy_of(c->bytes, n);
		struct tcp_segment t;
		enum parse_status st = tcp_parse(buf, n, &t);

		if (c->status != PARSE_OK)
			ck_assert_msg(st == PARSE_TRUNCATED || st == c->status, "%s[%zu]: %s",
			              c->name, n, parse_status_name(st));
		else if (n < c->header_len)
			ck_assert_msg(st == PARSE_TRUNCATED, "%s[%zu]: %s", c->name, n,
			              parse_status_name(st));
		else
			ck_assert_uint_eq(t.payload_len, n - c->header_len);
		free(buf);
	}
}
END_TEST

START_TEST(test_fields)
{
	struct tcp_segment t;

	ck_assert_int_eq(tcp_parse(seg_opts, sizeof(seg_opts), &t), PARSE_OK);
	ck_assert_uint_eq(t.sport, 3025);
	ck_assert_uint_eq(t.dport, TCP_PORT_PPTP);
	ck_assert_uint_eq(t.seq, 0x12345678);
	ck_assert_uint_eq(t.ack, 0x9abcdef0);
	ck_assert_uint_eq(t.flags, TCP_PSH | TCP_ACK);
}
END_TEST

START_TEST(test_syn_flags)
{
	struct tcp_segment t;

	ck_assert_int_eq(tcp_parse(seg_syn, sizeof(seg_syn), &t), PARSE_OK);
	ck_assert_uint_eq(t.flags, TCP_SYN);
	ck_assert_uint_eq(t.sport, TCP_PORT_PPTP);
	ck_assert_uint_eq(t.payload_len, 0);
}
END_TEST

/* CWR and ECE are in the flags byte too; the header constants do not hide them. */
START_TEST(test_all_flags)
{
	uint8_t b[sizeof(seg_syn)];
	struct tcp_segment t;

	memcpy(b, seg_syn, sizeof(b));
	b[13] = 0xff;
	ck_assert_int_eq(tcp_parse(b, sizeof(b), &t), PARSE_OK);
	ck_assert_uint_eq(t.flags, 0xff);
}
END_TEST

START_TEST(test_empty)
{
	struct tcp_segment t;

	ck_assert_int_eq(tcp_parse(NULL, 0, &t), PARSE_TRUNCATED);
}
END_TEST

/* ---- checksum over the pseudo-header ---- */

/* An IPv4 (or IPv6) packet around seg_opts with its TCP checksum set right. */
static void
make_packet(int version, uint8_t *seg, size_t len, struct ip_packet *ip)
{
	uint8_t pseudo[40];
	size_t alen = version == 6 ? 16 : 4, i;
	uint32_t sum = 0;
	uint16_t c;

	memset(ip, 0, sizeof(*ip));
	ip->version = (uint8_t)version;
	ip->src.family = ip->dst.family = (uint8_t)version;
	for (i = 0; i < alen; i++) {
		ip->src.bytes[i] = (uint8_t)(0xc0 + i);
		ip->dst.bytes[i] = (uint8_t)(0x0a + 3 * i);
	}
	memcpy(pseudo, ip->src.bytes, alen);
	memcpy(pseudo + alen, ip->dst.bytes, alen);
	for (i = 0; i < 2 * alen; i += 2)
		sum += (uint32_t)(pseudo[i] << 8 | pseudo[i + 1]);
	sum += IP_PROTO_TCP + (uint32_t)len;
	memcpy(seg, seg_opts, len);
	seg[16] = seg[17] = 0;
	c = inet_csum(seg, len, sum);
	seg[16] = (uint8_t)(c >> 8);
	seg[17] = (uint8_t)c;
	ip->proto = IP_PROTO_TCP;
	ip->payload = seg;
	ip->payload_len = ip->claimed_payload_len = len;
}

START_TEST(test_checksum_verifies)
{
	uint8_t seg[sizeof(seg_opts)];
	struct ip_packet ip;
	int v;

	for (v = 4; v <= 6; v += 2) {
		make_packet(v, seg, sizeof(seg), &ip);
		ck_assert_int_eq(tcp_checksum_verify(&ip, seg, sizeof(seg)), TCP_CHECKSUM_OK);
		seg[sizeof(seg) - 1] ^= 0x40; /* one bit of data damaged */
		ck_assert_int_eq(tcp_checksum_verify(&ip, seg, sizeof(seg)), TCP_CHECKSUM_BAD);
		seg[sizeof(seg) - 1] ^= 0x40;
		ip.dst.bytes[0] ^= 1; /* the pseudo-header counts */
		ck_assert_int_eq(tcp_checksum_verify(&ip, seg, sizeof(seg)), TCP_CHECKSUM_BAD);
	}
}
END_TEST

/* What hosts with checksum offload leave in the field: zero, or the
 * pseudo-header sum the NIC completes (either complement). */
START_TEST(test_checksum_offload_patterns)
{
	uint8_t seg[sizeof(seg_opts)];
	struct ip_packet ip;
	uint16_t pseudo;

	make_packet(4, seg, sizeof(seg), &ip);
	pseudo = ip_pseudo_header_sum(&ip, IP_PROTO_TCP, sizeof(seg));
	seg[16] = seg[17] = 0;
	ck_assert_int_eq(tcp_checksum_verify(&ip, seg, sizeof(seg)), TCP_CHECKSUM_OFFLOAD);
	seg[16] = (uint8_t)(pseudo >> 8);
	seg[17] = (uint8_t)pseudo;
	ck_assert_int_eq(tcp_checksum_verify(&ip, seg, sizeof(seg)), TCP_CHECKSUM_OFFLOAD);
	seg[16] = (uint8_t)(~pseudo >> 8);
	seg[17] = (uint8_t)~pseudo;
	ck_assert_int_eq(tcp_checksum_verify(&ip, seg, sizeof(seg)), TCP_CHECKSUM_OFFLOAD);
	seg[17] ^= 0x10;
	ck_assert_int_eq(tcp_checksum_verify(&ip, seg, sizeof(seg)), TCP_CHECKSUM_BAD);
}
END_TEST

/* Cut by the snapshot length, or shorter than a header: nothing to verify. */
START_TEST(test_checksum_unverifiable)
{
	uint8_t seg[sizeof(seg_opts)];
	struct ip_packet ip;

	make_packet(4, seg, sizeof(seg), &ip);
	ip.truncated = true;
	ck_assert_int_eq(tcp_checksum_verify(&ip, seg, sizeof(seg) - 4), TCP_CHECKSUM_UNVERIFIABLE);
	ip.truncated = false;
	ck_assert_int_eq(tcp_checksum_verify(&ip, seg, 19), TCP_CHECKSUM_UNVERIFIABLE);
	ip.version = 0;
	ck_assert_int_eq(tcp_checksum_verify(&ip, seg, sizeof(seg)), TCP_CHECKSUM_UNVERIFIABLE);
	ck_assert_str_eq(tcp_checksum_name(TCP_CHECKSUM_OFFLOAD), "left to the NIC (offload)");
}
END_TEST

static Suite *
tcp_suite(void)
{
	Suite *s = suite_create("tcp");
	TCase *tc = tcase_create("tcp");

	tcase_add_loop_test(tc, test_case_result, 0, (int)ARRAY_LEN(cases));
	tcase_add_loop_test(tc, test_case_prefixes, 0, (int)ARRAY_LEN(cases));
	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_syn_flags);
	tcase_add_test(tc, test_all_flags);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_checksum_verifies);
	tcase_add_test(tc, test_checksum_offload_patterns);
	tcase_add_test(tc, test_checksum_unverifiable);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(tcp_suite)
