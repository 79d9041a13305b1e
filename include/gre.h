/*
 * GRE header parser: RFC 2784/2890 (version 0) and PPTP's Enhanced GRE
 * (RFC 2637 section 4.1, version 1): pure, bounded.
 */
#ifndef PPTP_NATCHECK_GRE_H
#define PPTP_NATCHECK_GRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

#define GRE_PROTO_PPP 0x880B

struct gre_packet {
	uint8_t version;  /* 0 or 1 */
	uint16_t protocol;
	bool has_checksum, has_routing, has_key, has_seq, has_ack;
	uint32_t key;     /* version 0 key, or the whole v1 key field */
	uint16_t payload_len_field; /* v1: high half of the key */
	uint16_t call_id;           /* v1: low half of the key = the receiver's Call ID */
	uint32_t seq, ack;
	size_t header_len;
	const uint8_t *payload; /* points into the caller's buffer */
	size_t payload_len;     /* bytes captured after the header */
};

/*
 * OK: a well-formed GRE header of version 0 or 1 (call gre_is_pptp to know
 * whether it is PPTP).  TRUNCATED: header cut short.  INVALID: version 1
 * with bits RFC 2637 forbids (C, R, s, recursion, flags) or without K.
 * UNSUPPORTED: versions 2-7.
 */
enum parse_status gre_parse(const uint8_t *p, size_t len, struct gre_packet *out);

/* Version 1, protocol 0x880B, key present: PPTP's Enhanced GRE. */
bool gre_is_pptp(const struct gre_packet *g);

#endif
