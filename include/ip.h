/* IPv4 and IPv6 header parsers (RFC 791, RFC 8200): pure, bounded. */
#ifndef PPTP_NATCHECK_IP_H
#define PPTP_NATCHECK_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "common.h"

#define IP_PROTO_IPIP 4
#define IP_PROTO_TCP 6
#define IP_PROTO_IPV6 41
#define IP_PROTO_GRE 47

/* IPv6 extension headers walked before giving up. */
#define IPV6_MAX_EXT_HEADERS 8

struct ip_packet {
	struct addr src, dst;
	uint8_t version;  /* 4 or 6 */
	uint8_t proto;    /* upper-layer protocol (IPv6: after extension headers) */
	uint8_t ttl;      /* TTL or hop limit */
	uint32_t id;      /* IPv4 identification, or IPv6 fragment identification */
	bool is_fragment; /* MF set or fragment offset non-zero */
	bool more_fragments;
	uint32_t frag_offset;       /* in bytes */
	bool checksum_ok;           /* IPv4 header checksum verified; IPv6 always true */
	bool truncated;             /* captured fewer bytes than the total length claims */
	size_t header_len;          /* bytes before the payload, extension headers included */
	const uint8_t *payload;     /* points into the caller's buffer */
	size_t payload_len;         /* min(captured, claimed) minus header_len */
	size_t claimed_payload_len; /* what the length field says */
};

/*
 * ipv4_parse: version must be 4, IHL >= 5, total length >= IHL*4, else
 * INVALID.  Fewer captured bytes than the header: TRUNCATED.  Fewer
 * captured bytes than total length: OK with truncated set.  Captured bytes
 * past total length (Ethernet padding) are not payload.
 */
enum parse_status ipv4_parse(const uint8_t *p, size_t len, struct ip_packet *out);
enum parse_status ipv6_parse(const uint8_t *p, size_t len, struct ip_packet *out);

/* Internet checksum (RFC 1071) of len bytes, folded, not complemented. */
uint16_t ip_checksum_sum(const uint8_t *p, size_t len);
/* One's-complement addition of two folded sums (RFC 1071 section 2(A)). */
uint16_t ip_checksum_add(uint16_t a, uint16_t b);
/*
 * Folded sum of the pseudo-header an upper-layer checksum covers: source
 * and destination address, protocol and upper-layer length (RFC 9293
 * section 3.1 for IPv4, RFC 8200 section 8.1 for IPv6).
 */
uint16_t ip_pseudo_header_sum(const struct ip_packet *ip, uint8_t proto, uint32_t upper_len);

#endif
