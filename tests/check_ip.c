/* Tests for ip.c: IPv4 and IPv6 headers, extension headers, fragments, the RFC 1071 sum. */
#include <stdlib.h>
#include <string.h>

#include "ip.h"
#include "testutil.h"

/* clang-format off */
#define ADDR_A 0xc0, 0xa8, 0x00, 0x01 /* 192.168.0.1 */
#define ADDR_B 0xc0, 0xa8, 0x00, 0x02 /* 192.168.0.2 */
#define V6_A 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01 /* 2001:db8::1 */
#define V6_B 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02 /* 2001:db8::2 */
#define PAD4 0xee, 0xee, 0xee, 0xee
#define PAD8 PAD4, PAD4
#define PAD20 PAD8, PAD8, PAD4

/* IPv4 carrying TCP, 24 bytes of payload. */
static const uint8_t v4_tcp[] = {
	0x45, 0x00, 0x00, 0x2c, /* version 4, IHL 5, TOS, total length 44 */
	0x1c, 0x46, 0x40, 0x00, /* id 0x1c46, DF, offset 0 */
	0x40, 0x06, 0x08, 0x70, /* TTL 64, TCP, checksum */
	0x0a, 0x01, 0x01, 0x0b, /* 10.1.1.11 */
	0x0a, 0x01, 0x01, 0x0a, /* 10.1.1.10 */
	PAD20, PAD4,            /* payload */
};
/* The same with 6 bytes of Ethernet padding after it. */
static const uint8_t v4_padded[] = {
	0x45, 0x00, 0x00, 0x2c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x08, 0x70, /* as v4_tcp */
	0x0a, 0x01, 0x01, 0x0b, 0x0a, 0x01, 0x01, 0x0a, PAD20, PAD4,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* padding: not payload */
};
/* The same with a wrong checksum: still parsed, flagged. */
static const uint8_t v4_badsum[] = {
	0x45, 0x00, 0x00, 0x2c, 0x1c, 0x46, 0x40, 0x00,
	0x40, 0x06, 0x08, 0x71, /* checksum off by one */
	0x0a, 0x01, 0x01, 0x0b, 0x0a, 0x01, 0x01, 0x0a, PAD20, PAD4,
};
/* IHL 6: four bytes of options, then 4 bytes of GRE. */
static const uint8_t v4_opts[] = {
	0x46, 0x00, 0x00, 0x1c, /* IHL 6, total length 28 */
	0x00, 0x01, 0x40, 0x00, /* id 1, DF */
	0x40, 0x2f, 0xb6, 0x5d, /* TTL 64, GRE, checksum */
	ADDR_A, ADDR_B,
	0x01, 0x01, 0x01, 0x00, /* options: NOP NOP NOP EOL */
	0x30, 0x01, 0x88, 0x0b, /* payload */
};
/* First fragment: MF, offset 0. */
static const uint8_t v4_frag_first[] = {
	0x45, 0x00, 0x00, 0x28, /* total length 40 */
	0x00, 0x02, 0x20, 0x00, /* id 2, MF, offset 0 */
	0x40, 0x11, 0xd9, 0x6f, /* TTL 64, UDP, checksum */
	ADDR_A, ADDR_B, PAD20,
};
/* Last fragment: offset 185 * 8 = 1480, MF clear. */
static const uint8_t v4_frag_last[] = {
	0x45, 0x00, 0x00, 0x1c, /* total length 28 */
	0x00, 0x02, 0x00, 0xb9, /* id 2, offset 185 */
	0x40, 0x11, 0xf8, 0xc2, /* TTL 64, UDP, checksum */
	ADDR_A, ADDR_B, PAD8,
};
/* DF alone is not a fragment. */
static const uint8_t v4_df[] = {
	0x45, 0x00, 0x00, 0x28, 0x00, 0x03, 0x40, 0x00, /* id 3, DF */
	0x40, 0x06, 0xb9, 0x79, ADDR_A, ADDR_B, PAD20,
};
static const uint8_t v4_ihl4[] = {
	0x44 /* IHL 4 */, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00,
	0x40, 0x06, 0x00, 0x00, ADDR_A, ADDR_B,
};
static const uint8_t v4_version6[] = {
	0x65 /* version 6 */, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00,
	0x40, 0x06, 0x00, 0x00, ADDR_A, ADDR_B,
};
static const uint8_t v4_total19[] = {
	0x45, 0x00, 0x00, 0x13 /* total length 19 < 20 */, 0x00, 0x00, 0x00, 0x00,
	0x40, 0x06, 0x00, 0x00, ADDR_A, ADDR_B,
};
static const uint8_t v4_total_lt_ihl[] = {
	0x46, 0x00, 0x00, 0x16 /* total length 22 < IHL 6 * 4 */, 0x00, 0x00, 0x00, 0x00,
	0x40, 0x06, 0x00, 0x00, ADDR_A, ADDR_B, 0x01, 0x01, 0x01, 0x00,
};
/* Options announced but not captured. */
static const uint8_t v4_opts_cut[] = {
	0x4f /* IHL 15: 40 bytes of options */, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x00, 0x00,
	0x40, 0x06, 0x00, 0x00, ADDR_A, ADDR_B, 0x01, 0x01,
};

/* IPv6 carrying TCP, 8 bytes of payload. */
#define V6_HEAD(plen, nh)                                                                          \
	0x60, 0x00, 0x00, 0x00,              /* version 6, traffic class, flow label */            \
	    0x00, plen, nh, 0x40,            /* payload length, next header, hop limit 64 */       \
	    V6_A, V6_B
static const uint8_t v6_tcp[] = {V6_HEAD(8, 6), PAD8};
static const uint8_t v6_padded[] = {V6_HEAD(8, 6), PAD8, 0x00, 0x00 /* after plen */};
/* Hop-by-hop, destination options, then the first fragment of a TCP segment. */
static const uint8_t v6_ext_frag[] = {
	V6_HEAD(32, 0 /* hop-by-hop */),
	60, 0, 0x01, 0x04, 0, 0, 0, 0,          /* HBH: next dest opts, len 0, PadN(4) */
	44, 0, 0x01, 0x04, 0, 0, 0, 0,          /* dest opts: next fragment, PadN(4) */
	6, 0, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef, /* fragment: next TCP, offset 0, M, id */
	PAD8,
};
/* A later fragment: offset 185 * 8, M clear. */
static const uint8_t v6_frag_last[] = {
	V6_HEAD(16, 44),
	17, 0, 0x05, 0xc8, 0x00, 0x00, 0x00, 0x07, /* fragment: next UDP, offset 1480, id 7 */
	PAD8,
};
/* An atomic fragment (RFC 6946): not a fragment, the walk goes on. */
static const uint8_t v6_atomic[] = {
	V6_HEAD(24, 44),
	60, 0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, /* fragment: next dest opts, offset 0, no M */
	6, 0, 0x01, 0x04, 0, 0, 0, 0,              /* dest opts: next TCP */
	PAD8,
};
static const uint8_t v6_routing_gre[] = {
	V6_HEAD(12, 43),
	47, 0, 4, 0, 0, 0, 0, 0, /* routing: next GRE, len 0, type 4, segments left 0 */
	0x30, 0x01, 0x88, 0x0b,  /* GRE */
};
static const uint8_t v6_ah[] = {
	V6_HEAD(28, 51),
	6, 4, 0, 0,             /* AH: next TCP, payload length 4 -> (4 + 2) * 4 = 24 bytes */
	0, 0, 0, 1,             /* SPI */
	0, 0, 0, 1,             /* sequence */
	PAD8, PAD4,             /* ICV */
	PAD4,                   /* TCP */
};
#define DSTOPT(next) next, 0, 0x01, 0x04, 0, 0, 0, 0 /* dest opts, PadN(4) */
static const uint8_t v6_8ext[] = {
	V6_HEAD(72, 60),
	DSTOPT(60), DSTOPT(60), DSTOPT(60), DSTOPT(60),
	DSTOPT(60), DSTOPT(60), DSTOPT(60), DSTOPT(6), /* IPV6_MAX_EXT_HEADERS = 8 */
	PAD8,
};
static const uint8_t v6_9ext[] = {
	V6_HEAD(80, 60),
	DSTOPT(60), DSTOPT(60), DSTOPT(60), DSTOPT(60), DSTOPT(60),
	DSTOPT(60), DSTOPT(60), DSTOPT(60), DSTOPT(6), /* one too many */
	PAD8,
};
static const uint8_t v6_ext_past_plen[] = {
	V6_HEAD(8, 0),
	6, 1, 0x01, 0x0c, 0, 0, 0, 0, /* HBH: len 1 = 16 bytes, but payload length is 8 */
	PAD8,
};
static const uint8_t v6_jumbo[] = {V6_HEAD(0, 0), 6, 0, 0xc2, 0x04, 0, 1, 0, 0};
static const uint8_t v6_version4[] = {0x45, 0x00, 0x00, 0x00, 0x00, 8, 6, 0x40, V6_A, V6_B,
				      PAD8};

struct ip_case {
	const char *name;
	int version; /* which parser */
	const uint8_t *bytes;
	size_t len;
	enum parse_status status;
	uint8_t proto;
	size_t header_len, payload_len, claimed;
	bool truncated;
};

#define IP_OK(v, a, proto, hl, pl, cl, tr) {#a, v, a, sizeof(a), PARSE_OK, proto, hl, pl, cl, tr}
#define IP_BAD(v, a, st) {#a, v, a, sizeof(a), st, 0, 0, 0, 0, false}

static const struct ip_case cases[] = {
	IP_OK(4, v4_tcp, 6, 20, 24, 24, false),
	IP_OK(4, v4_padded, 6, 20, 24, 24, false),
	IP_OK(4, v4_badsum, 6, 20, 24, 24, false),
	IP_OK(4, v4_opts, 47, 24, 4, 4, false),
	IP_OK(4, v4_frag_first, 17, 20, 20, 20, false),
	IP_OK(4, v4_frag_last, 17, 20, 8, 8, false),
	IP_OK(4, v4_df, 6, 20, 20, 20, false),
	IP_BAD(4, v4_ihl4, PARSE_INVALID),
	IP_BAD(4, v4_version6, PARSE_INVALID),
	IP_BAD(4, v4_total19, PARSE_INVALID),
	IP_BAD(4, v4_total_lt_ihl, PARSE_INVALID),
	IP_BAD(4, v4_opts_cut, PARSE_TRUNCATED),
	IP_BAD(4, v6_tcp, PARSE_INVALID),
	IP_OK(6, v6_tcp, 6, 40, 8, 8, false),
	IP_OK(6, v6_padded, 6, 40, 8, 8, false),
	IP_OK(6, v6_ext_frag, 6, 64, 8, 8, false),
	IP_OK(6, v6_frag_last, 17, 48, 8, 8, false),
	IP_OK(6, v6_atomic, 6, 56, 8, 8, false),
	IP_OK(6, v6_routing_gre, 47, 48, 4, 4, false),
	IP_OK(6, v6_ah, 6, 64, 4, 4, false),
	IP_OK(6, v6_8ext, 6, 104, 8, 8, false),
	IP_BAD(6, v6_9ext, PARSE_UNSUPPORTED),
	IP_BAD(6, v6_ext_past_plen, PARSE_INVALID),
	IP_BAD(6, v6_jumbo, PARSE_UNSUPPORTED),
	IP_BAD(6, v6_version4, PARSE_INVALID),
	IP_BAD(6, v4_tcp, PARSE_INVALID),
};

/* clang-format on */

static enum parse_status
parse(int version, const uint8_t *p, size_t len, struct ip_packet *out)
{
	return version == 4 ? ipv4_parse(p, len, out) : ipv6_parse(p, len, out);
}

START_TEST(test_case_result)
{
	const struct ip_case *c = &cases[_i];
	uint8_t *buf = copy_of(c->bytes, c->len);
	struct ip_packet ip;
	enum parse_status st = parse(c->version, buf, c->len, &ip);

	ck_assert_msg(st == c->status, "%s: %s", c->name, parse_status_name(st));
	if (st == PARSE_OK) {
		ck_assert_msg(ip.proto == c->proto, "%s: proto %u", c->name, ip.proto);
		ck_assert_msg(ip.header_len == c->header_len, "%s: hl %zu", c->name, ip.header_len);
		ck_assert_msg(ip.payload_len == c->payload_len, "%s: pl %zu", c->name,
		              ip.payload_len);
		ck_assert_msg(ip.claimed_payload_len == c->claimed, "%s: claimed %zu", c->name,
		              ip.claimed_payload_len);
		ck_assert_int_eq(ip.truncated, c->truncated);
		ck_assert_ptr_eq(ip.payload, buf + c->header_len);
		ck_assert_uint_eq(ip.version, c->version);
	}
	free(buf);
}
END_TEST

/*
 * Every prefix of an OK packet: TRUNCATED while the headers are cut, then
 * OK with truncated set and the payload narrowed to what is there.
 * Prefixes of a bad one: TRUNCATED until the bad byte is in.
 */
START_TEST(test_case_prefixes)
{
	const struct ip_case *c = &cases[_i];
	size_t n;

	for (n = 0; n < c->len; n++) {
		uint8_t *buf = copy_of(c->bytes, n);
		struct ip_packet ip;
		enum parse_status st = parse(c->version, buf, n, &ip);

		if (c->status != PARSE_OK) {
			ck_assert_msg(st == PARSE_TRUNCATED || st == c->status, "%s[%zu]: %s",
			              c->name, n, parse_status_name(st));
		} else if (n < c->header_len) {
			ck_assert_msg(st == PARSE_TRUNCATED, "%s[%zu]: %s", c->name, n,
			              parse_status_name(st));
		} else {
			size_t end = c->header_len + c->claimed;

			ck_assert_msg(st == PARSE_OK, "%s[%zu]: %s", c->name, n,
			              parse_status_name(st));
			ck_assert_int_eq(ip.truncated, n < end);
			ck_assert_uint_eq(ip.payload_len, (n < end ? n : end) - c->header_len);
			ck_assert_uint_eq(ip.claimed_payload_len, c->claimed);
		}
		free(buf);
	}
}
END_TEST

START_TEST(test_v4_fields)
{
	struct ip_packet ip;
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	ck_assert_int_eq(ipv4_parse(v4_tcp, sizeof(v4_tcp), &ip), PARSE_OK);
	ck_assert_str_eq(addr_format(&ip.src, a), "10.1.1.11");
	ck_assert_str_eq(addr_format(&ip.dst, b), "10.1.1.10");
	ck_assert_uint_eq(ip.ttl, 64);
	ck_assert_uint_eq(ip.id, 0x1c46);
	ck_assert(ip.checksum_ok);
	ck_assert(!ip.is_fragment);
}
END_TEST

START_TEST(test_v4_bad_checksum_flagged)
{
	struct ip_packet ip;

	ck_assert_int_eq(ipv4_parse(v4_badsum, sizeof(v4_badsum), &ip), PARSE_OK);
	ck_assert(!ip.checksum_ok);
}
END_TEST

START_TEST(test_v4_options_checksum)
{
	struct ip_packet ip;

	ck_assert_int_eq(ipv4_parse(v4_opts, sizeof(v4_opts), &ip), PARSE_OK);
	ck_assert(ip.checksum_ok); /* the sum covers the options too */
}
END_TEST

START_TEST(test_v4_first_fragment)
{
	struct ip_packet ip;

	ck_assert_int_eq(ipv4_parse(v4_frag_first, sizeof(v4_frag_first), &ip), PARSE_OK);
	ck_assert(ip.is_fragment);
	ck_assert(ip.more_fragments);
	ck_assert_uint_eq(ip.frag_offset, 0);
	ck_assert_uint_eq(ip.id, 2);
}
END_TEST

START_TEST(test_v4_last_fragment)
{
	struct ip_packet ip;

	ck_assert_int_eq(ipv4_parse(v4_frag_last, sizeof(v4_frag_last), &ip), PARSE_OK);
	ck_assert(ip.is_fragment);
	ck_assert(!ip.more_fragments);
	ck_assert_uint_eq(ip.frag_offset, 1480);
	ck_assert(ip.checksum_ok);
}
END_TEST

START_TEST(test_v4_df_not_fragment)
{
	struct ip_packet ip;

	ck_assert_int_eq(ipv4_parse(v4_df, sizeof(v4_df), &ip), PARSE_OK);
	ck_assert(!ip.is_fragment);
	ck_assert(!ip.more_fragments);
}
END_TEST

START_TEST(test_v6_fields)
{
	struct ip_packet ip;
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	ck_assert_int_eq(ipv6_parse(v6_tcp, sizeof(v6_tcp), &ip), PARSE_OK);
	ck_assert_str_eq(addr_format(&ip.src, a), "2001:db8::1");
	ck_assert_str_eq(addr_format(&ip.dst, b), "2001:db8::2");
	ck_assert_uint_eq(ip.ttl, 64);
	ck_assert(ip.checksum_ok);
	ck_assert(!ip.is_fragment);
}
END_TEST

START_TEST(test_v6_first_fragment)
{
	struct ip_packet ip;

	ck_assert_int_eq(ipv6_parse(v6_ext_frag, sizeof(v6_ext_frag), &ip), PARSE_OK);
	ck_assert(ip.is_fragment);
	ck_assert(ip.more_fragments);
	ck_assert_uint_eq(ip.frag_offset, 0);
	ck_assert_uint_eq(ip.id, 0xdeadbeef);
}
END_TEST

START_TEST(test_v6_last_fragment)
{
	struct ip_packet ip;

	ck_assert_int_eq(ipv6_parse(v6_frag_last, sizeof(v6_frag_last), &ip), PARSE_OK);
	ck_assert(ip.is_fragment);
	ck_assert(!ip.more_fragments);
	ck_assert_uint_eq(ip.frag_offset, 1480);
	ck_assert_uint_eq(ip.id, 7);
}
END_TEST

START_TEST(test_v6_atomic_not_fragment)
{
	struct ip_packet ip;

	ck_assert_int_eq(ipv6_parse(v6_atomic, sizeof(v6_atomic), &ip), PARSE_OK);
	ck_assert(!ip.is_fragment);
	ck_assert_uint_eq(ip.proto, 6);
}
END_TEST

/* An extension header within the payload length but past the capture. */
START_TEST(test_v6_ext_past_capture)
{
	struct ip_packet ip;

	/* v6_ext_frag is 72 bytes; cut inside the fragment header (at 60). */
	ck_assert_int_eq(ipv6_parse(v6_ext_frag, 60, &ip), PARSE_TRUNCATED);
}
END_TEST

/* RFC 1071 section 3 example: 00 01 f2 03 f4 f5 f6 f7 sums to dd f2. */
START_TEST(test_checksum_rfc1071)
{
	static const uint8_t b[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};

	ck_assert_uint_eq(ip_checksum_sum(b, sizeof(b)), 0xddf2);
}
END_TEST

START_TEST(test_checksum_odd)
{
	static const uint8_t b[] = {0x01, 0x02, 0x03}; /* 0x0102 + 0x0300 */

	ck_assert_uint_eq(ip_checksum_sum(b, sizeof(b)), 0x0402);
	ck_assert_uint_eq(ip_checksum_sum(b, 1), 0x0100);
	ck_assert_uint_eq(ip_checksum_sum(b, 0), 0);
}
END_TEST

START_TEST(test_checksum_carry)
{
	static const uint8_t b[] = {0xff, 0xff, 0x00, 0x01}; /* end-around carry: 0x0001 */
	static const uint8_t c[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	ck_assert_uint_eq(ip_checksum_sum(b, sizeof(b)), 0x0001);
	ck_assert_uint_eq(ip_checksum_sum(c, sizeof(c)), 0xffff);
}
END_TEST

/* The word-at-a-time sum equals a 16-bit reference at every length and alignment. */
static uint16_t
reference_sum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
		sum = (sum & 0xffff) + (sum >> 16);
	}
	if (i < len)
		sum += (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

START_TEST(test_checksum_reference)
{
	enum { N = 70000 };
	uint8_t *buf = malloc(N);
	uint32_t x = 12345;
	size_t i, len, align;

	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < N; i++) {
		x = x * 1103515245 + 12345;
		buf[i] = (uint8_t)(x >> 16);
	}
	for (align = 0; align < 4; align++)
		for (len = 0; len < 300; len++)
			ck_assert_uint_eq(ip_checksum_sum(buf + align, len),
			                  reference_sum(buf + align, len));
	ck_assert_uint_eq(ip_checksum_sum(buf + 1, N - 1), reference_sum(buf + 1, N - 1));
	memset(buf, 0xff, N);
	ck_assert_uint_eq(ip_checksum_sum(buf, N), 0xffff);
	free(buf);
}
END_TEST

/* The pseudo-header sum: IPv4 and IPv6 forms, against hand sums. */
START_TEST(test_pseudo_header_sum)
{
	struct ip_packet ip;

	memset(&ip, 0, sizeof(ip));
	ip.version = 4;
	ip.src.bytes[0] = 0xc0;
	ip.src.bytes[1] = 0xa8;
	ip.src.bytes[3] = 0x01; /* 192.168.0.1 */
	ip.dst.bytes[0] = 0x0a;
	ip.dst.bytes[3] = 0x02; /* 10.0.0.2 */
	/* c0a8 + 0001 + 0a00 + 0002 + 0006 + 0020 = cad1 */
	ck_assert_uint_eq(ip_pseudo_header_sum(&ip, 6, 32), 0xcad1);
	ip.version = 6;
	ip.src.bytes[15] = 0xff;
	/* + 00ff; the IPv6 form sums its 32-bit length the same way */
	ck_assert_uint_eq(ip_pseudo_header_sum(&ip, 6, 32), 0xcbd0);
	ck_assert_uint_eq(ip_pseudo_header_sum(&ip, 6, 0x10000 + 32), 0xcbd1);
	ck_assert_uint_eq(ip_checksum_add(0xffff, 0x0001), 0x0001);
	ck_assert_uint_eq(ip_checksum_add(0x8000, 0x8000), 0x0001);
	ck_assert_uint_eq(ip_checksum_add(0x1234, 0), 0x1234);
}
END_TEST

static Suite *
ip_suite(void)
{
	Suite *s = suite_create("ip");
	TCase *tc = tcase_create("table");
	TCase *t4 = tcase_create("ipv4");
	TCase *t6 = tcase_create("ipv6");
	TCase *ts = tcase_create("checksum");

	tcase_add_loop_test(tc, test_case_result, 0, (int)ARRAY_LEN(cases));
	tcase_add_loop_test(tc, test_case_prefixes, 0, (int)ARRAY_LEN(cases));
	suite_add_tcase(s, tc);

	tcase_add_test(t4, test_v4_fields);
	tcase_add_test(t4, test_v4_bad_checksum_flagged);
	tcase_add_test(t4, test_v4_options_checksum);
	tcase_add_test(t4, test_v4_first_fragment);
	tcase_add_test(t4, test_v4_last_fragment);
	tcase_add_test(t4, test_v4_df_not_fragment);
	suite_add_tcase(s, t4);

	tcase_add_test(t6, test_v6_fields);
	tcase_add_test(t6, test_v6_first_fragment);
	tcase_add_test(t6, test_v6_last_fragment);
	tcase_add_test(t6, test_v6_atomic_not_fragment);
	tcase_add_test(t6, test_v6_ext_past_capture);
	suite_add_tcase(s, t6);

	tcase_add_test(ts, test_checksum_rfc1071);
	tcase_add_test(ts, test_checksum_odd);
	tcase_add_test(ts, test_checksum_carry);
	tcase_add_test(ts, test_checksum_reference);
	tcase_add_test(ts, test_pseudo_header_sum);
	suite_add_tcase(s, ts);
	return s;
}

CHECK_MAIN(ip_suite)
