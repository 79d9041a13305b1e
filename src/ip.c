/* IPv4 and IPv6 headers (RFC 791 section 3.1, RFC 8200 sections 3-4) and the RFC 1071 checksum. */
#include "ip.h"

#include <string.h>

#include "cursor.h"

/*
 * Known limits and choices:
 * - IPv4 options are skipped, not read.  A total length of 0 (what some
 *   hosts show for offloaded segments) is below the header: INVALID.
 * - IPv6: hop-by-hop, routing, destination options, fragment and AH
 *   headers are walked, at most IPV6_MAX_EXT_HEADERS of them; their order
 *   is not enforced.  A payload length of 0 (jumbogram, RFC 2675) is
 *   UNSUPPORTED.
 * - An IPv6 fragment header of a real fragment (offset or M set) ends the
 *   walk: proto is its Next Header and the payload is the fragment's data,
 *   which is what reassembly needs.  An atomic fragment (RFC 6946) is not
 *   a fragment and the walk goes on.
 * - An IPv6 extension header that runs past the payload length is
 *   INVALID; one that runs only past the captured bytes is TRUNCATED.
 */

#define IPV4_MIN_HEADER 20
#define IPV4_MF 0x2000
#define IPV4_OFFSET_MASK 0x1FFF
#define IPV6_HEADER 40

#define IPV6_NH_HOPOPTS 0
#define IPV6_NH_ROUTING 43
#define IPV6_NH_FRAGMENT 44
#define IPV6_NH_AH 51
#define IPV6_NH_DSTOPTS 60
#define IPV6_FRAG_HEADER 8
#define IPV6_FRAG_OFFSET_MASK 0xFFF8 /* offset in 8-byte units, already in bytes in place */
#define IPV6_FRAG_M 0x0001

/*
 * 32-bit words summed into 64 bits before a partial fold: 2^31 words of at
 * most 2^32 - 1 each cannot carry out of 64 bits.
 */
#define IP_CSUM_WORDS_PER_FOLD (UINT32_C(1) << 31)

enum parse_status
ipv4_parse(const uint8_t *p, size_t len, struct ip_packet *out)
{
	struct cursor c;
	uint8_t vihl;
	size_t hl, total, avail;
	uint16_t frag;
	const uint8_t *src, *dst;

	memset(out, 0, sizeof(*out));
	cursor_init(&c, p, len);
	vihl = cursor_u8(&c);
	if (c.err)
		return PARSE_TRUNCATED;
	hl = (size_t)(vihl & 0x0F) * 4;
	if (vihl >> 4 != 4 || hl < IPV4_MIN_HEADER)
		return PARSE_INVALID;
	(void)cursor_u8(&c); /* DSCP, ECN */
	total = cursor_u16(&c);
	out->id = cursor_u16(&c);
	frag = cursor_u16(&c);
	out->ttl = cursor_u8(&c);
	out->proto = cursor_u8(&c);
	(void)cursor_u16(&c); /* header checksum: verified over the whole header below */
	src = cursor_take(&c, 4);
	dst = cursor_take(&c, 4);
	if (c.err)
		return PARSE_TRUNCATED;
	if (total < hl)
		return PARSE_INVALID;
	if (!cursor_skip(&c, hl - IPV4_MIN_HEADER)) /* options */
		return PARSE_TRUNCATED;

	addr_set_v4(&out->src, src);
	addr_set_v4(&out->dst, dst);
	out->version = 4;
	out->more_fragments = (frag & IPV4_MF) != 0;
	out->frag_offset = (uint32_t)(frag & IPV4_OFFSET_MASK) * 8;
	out->is_fragment = out->more_fragments || out->frag_offset != 0;
	out->checksum_ok = ip_checksum_sum(p, hl) == 0xFFFF;
	/* Narrow: bytes past the total length (Ethernet padding) are not ours. */
	out->truncated = len < total;
	avail = out->truncated ? len : total;
	out->header_len = hl;
	out->payload = p + hl;
	out->payload_len = avail - hl;
	out->claimed_payload_len = total - hl;
	return PARSE_OK;
}

/*
 * Room for need more bytes of extension header: past the payload length
 * the header contradicts the packet; past the capture it was cut short.
 */
static enum parse_status
ipv6_room(const struct cursor *c, size_t claimed_end, size_t need)
{
	if (need > claimed_end - c->off)
		return PARSE_INVALID;
	if (need > cursor_remaining(c))
		return PARSE_TRUNCATED;
	return PARSE_OK;
}

static bool
ipv6_is_ext(uint8_t nh)
{
	return nh == IPV6_NH_HOPOPTS || nh == IPV6_NH_ROUTING || nh == IPV6_NH_FRAGMENT ||
	       nh == IPV6_NH_AH || nh == IPV6_NH_DSTOPTS;
}

enum parse_status
ipv6_parse(const uint8_t *p, size_t len, struct ip_packet *out)
{
	struct cursor c;
	uint8_t version, nh;
	size_t plen, claimed_end, n;
	const uint8_t *src, *dst;
	enum parse_status st;

	memset(out, 0, sizeof(*out));
	cursor_init(&c, p, len);
	version = cursor_u8(&c);
	if (c.err)
		return PARSE_TRUNCATED;
	if (version >> 4 != 6)
		return PARSE_INVALID;
	(void)cursor_skip(&c, 3); /* traffic class, flow label */
	plen = cursor_u16(&c);
	nh = cursor_u8(&c);
	out->ttl = cursor_u8(&c);
	src = cursor_take(&c, 16);
	dst = cursor_take(&c, 16);
	if (c.err)
		return PARSE_TRUNCATED;
	if (plen == 0)
		return PARSE_UNSUPPORTED;

	/* Narrow the cursor to the packet: min(captured, claimed). */
	claimed_end = IPV6_HEADER + plen;
	out->truncated = len - IPV6_HEADER < plen;
	cursor_init(&c, p, out->truncated ? len : claimed_end);
	(void)cursor_seek(&c, IPV6_HEADER);

	for (n = 0; ipv6_is_ext(nh); n++) {
		uint8_t next;
		size_t size;

		if (n == IPV6_MAX_EXT_HEADERS)
			return PARSE_UNSUPPORTED;
		st = ipv6_room(&c, claimed_end, 2);
		if (st != PARSE_OK)
			return st;
		if (nh == IPV6_NH_FRAGMENT) {
			uint16_t offm;
			uint32_t id;

			st = ipv6_room(&c, claimed_end, IPV6_FRAG_HEADER);
			if (st != PARSE_OK)
				return st;
			next = cursor_u8(&c);
			(void)cursor_u8(&c); /* reserved */
			offm = cursor_u16(&c);
			id = cursor_u32(&c);
			nh = next;
			if ((offm & (IPV6_FRAG_OFFSET_MASK | IPV6_FRAG_M)) != 0) {
				out->is_fragment = true;
				out->more_fragments = (offm & IPV6_FRAG_M) != 0;
				out->frag_offset = offm & IPV6_FRAG_OFFSET_MASK;
				out->id = id;
				break;
			}
			continue;
		}
		next = cursor_u8(&c);
		size = cursor_u8(&c);
		/* AH counts 4-byte words minus 2 (RFC 4302); the others 8-byte units minus 1. */
		size = nh == IPV6_NH_AH ? (size + 2) * 4 : (size + 1) * 8;
		st = ipv6_room(&c, claimed_end, size - 2);
		if (st != PARSE_OK)
			return st;
		(void)cursor_skip(&c, size - 2);
		nh = next;
	}

	addr_set_v6(&out->src, src);
	addr_set_v6(&out->dst, dst);
	out->version = 6;
	out->proto = nh;
	out->checksum_ok = true;
	out->header_len = c.off;
	out->payload = p + c.off;
	out->payload_len = cursor_remaining(&c);
	out->claimed_payload_len = claimed_end - c.off;
	return PARSE_OK;
}

/*
 * RFC 1071: the one's-complement sum does not depend on byte order
 * (section 2(B)), so sum native-order 32-bit words, fold, and turn the
 * result into network order once.  Summing a bounded buffer is not
 * parsing, hence no cursor.
 */
uint16_t
ip_checksum_sum(const uint8_t *p, size_t len)
{
	uint64_t sum = 0;
	size_t i = 0;
	uint16_t s16;
	uint8_t be[2];

	while (len - i >= 4) {
		size_t words = (len - i) / 4;

		if (words > IP_CSUM_WORDS_PER_FOLD)
			words = IP_CSUM_WORDS_PER_FOLD;
		for (; words > 0; words--, i += 4) {
			uint32_t w;

			memcpy(&w, p + i, 4);
			sum += w;
		}
		sum = (sum & 0xFFFFFFFF) + (sum >> 32);
	}
	if (len - i >= 2) {
		uint16_t w;

		memcpy(&w, p + i, 2);
		sum += w;
		i += 2;
	}
	if (i < len) {
		/* The odd byte is the high half of a word padded with zero. */
		uint8_t pad[2] = {p[i], 0};
		uint16_t w;

		memcpy(&w, pad, 2);
		sum += w;
	}
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	s16 = (uint16_t)sum;
	memcpy(be, &s16, 2);
	return (uint16_t)(be[0] << 8 | be[1]);
}

uint16_t
ip_checksum_add(uint16_t a, uint16_t b)
{
	uint32_t sum = (uint32_t)a + b;

	return (uint16_t)((sum & 0xFFFF) + (sum >> 16));
}

uint16_t
ip_pseudo_header_sum(const struct ip_packet *ip, uint8_t proto, uint32_t upper_len)
{
	size_t alen = ip->version == 6 ? 16 : 4;
	uint8_t tail[8] = {(uint8_t)(upper_len >> 24),
	                   (uint8_t)(upper_len >> 16),
	                   (uint8_t)(upper_len >> 8),
	                   (uint8_t)upper_len,
	                   0,
	                   0,
	                   0,
	                   proto};
	uint16_t sum = ip_checksum_add(ip_checksum_sum(ip->src.bytes, alen),
	                               ip_checksum_sum(ip->dst.bytes, alen));

	/* IPv4's 12-byte form (zero, protocol, 16-bit length) sums the same as
	 * IPv6's 32-bit length and 24 zero bits, since the length fits 16 bits. */
	return ip_checksum_add(sum, ip_checksum_sum(tail, sizeof(tail)));
}
