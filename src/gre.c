/* GRE headers: version 0 (RFC 2784, RFC 2890; RFC 1701 routing) and version 1 (RFC 2637 4.1). */
#include "gre.h"

#include <string.h>

#include "cursor.h"

/*
 * Known limits and choices:
 * - Version 0: the checksum is not verified; the s bit and Recur are
 *   ignored as RFC 2784 lets a receiver do; with R set the RFC 1701
 *   Source Route Entries are walked, at most GRE_MAX_SRES of them.
 * - Version 1: anything RFC 2637 forbids (C, R, s, Recur, Flags, K clear)
 *   is INVALID; a protocol other than PPP is still OK (gre_is_pptp says).
 * - The payload is what was captured after the header; the v1 Payload
 *   Length field is reported, not enforced, so the caller can compare.
 */

#define GRE_BASE_LEN 4 /* flags and version, protocol type */

#define GRE_F_C 0x80     /* checksum present */
#define GRE_F_R 0x40     /* routing present (RFC 1701) */
#define GRE_F_K 0x20     /* key present */
#define GRE_F_S 0x10     /* sequence number present */
#define GRE_F_SSR 0x08   /* strict source route (RFC 1701) */
#define GRE_RECUR 0x07   /* recursion control (RFC 1701) */
#define GRE_F_A 0x80     /* second byte, version 1: acknowledgment present */
#define GRE_FLAGS 0x78   /* second byte, version 1: flags, must be zero */
#define GRE_VERSION 0x07 /* second byte */

/*
 * Source Route Entries walked before giving up: RFC 1701 routes list one
 * entry per address family in use; no real path needs more than a few.
 */
#define GRE_MAX_SRES 16

static enum parse_status
gre_v0(struct cursor *c, uint8_t b0, struct gre_packet *out)
{
	unsigned n;

	out->has_checksum = (b0 & GRE_F_C) != 0;
	out->has_routing = (b0 & GRE_F_R) != 0;
	out->has_key = (b0 & GRE_F_K) != 0;
	out->has_seq = (b0 & GRE_F_S) != 0;
	/* RFC 1701: checksum and offset are both present if either C or R is. */
	if (out->has_checksum || out->has_routing)
		(void)cursor_skip(c, 4);
	if (out->has_key)
		out->key = cursor_u32(c);
	if (out->has_seq)
		out->seq = cursor_u32(c);
	if (c->err)
		return PARSE_TRUNCATED;
	if (!out->has_routing)
		return PARSE_OK;
	/* Each SRE is at least 4 bytes; a NULL SRE (family 0, length 0) ends the list. */
	for (n = 0;; n++) {
		uint16_t family;
		uint8_t sre_len;

		if (n == GRE_MAX_SRES)
			return PARSE_UNSUPPORTED;
		family = cursor_u16(c);
		(void)cursor_u8(c); /* SRE offset */
		sre_len = cursor_u8(c);
		if (c->err)
			return PARSE_TRUNCATED;
		if (family == 0 && sre_len == 0)
			return PARSE_OK;
		if (!cursor_skip(c, sre_len))
			return PARSE_TRUNCATED;
	}
}

static enum parse_status
gre_v1(struct cursor *c, uint8_t b0, uint8_t b1, struct gre_packet *out)
{
	if ((b0 & (GRE_F_C | GRE_F_R | GRE_F_SSR | GRE_RECUR)) != 0 || (b1 & GRE_FLAGS) != 0 ||
	    (b0 & GRE_F_K) == 0)
		return PARSE_INVALID;
	out->has_key = true;
	out->has_seq = (b0 & GRE_F_S) != 0;
	out->has_ack = (b1 & GRE_F_A) != 0;
	out->key = cursor_u32(c);
	out->payload_len_field = (uint16_t)(out->key >> 16);
	out->call_id = (uint16_t)(out->key & 0xFFFF);
	if (out->has_seq)
		out->seq = cursor_u32(c);
	if (out->has_ack)
		out->ack = cursor_u32(c);
	return c->err ? PARSE_TRUNCATED : PARSE_OK;
}

enum parse_status
gre_parse(const uint8_t *p, size_t len, struct gre_packet *out)
{
	struct cursor c;
	uint8_t b0, b1;
	enum parse_status st;

	memset(out, 0, sizeof(*out));
	cursor_init(&c, p, len);
	b0 = cursor_u8(&c);
	b1 = cursor_u8(&c);
	out->protocol = cursor_u16(&c);
	if (c.err)
		return PARSE_TRUNCATED;
	out->version = b1 & GRE_VERSION;
	if (out->version == 0)
		st = gre_v0(&c, b0, out);
	else if (out->version == 1)
		st = gre_v1(&c, b0, b1, out);
	else
		st = PARSE_UNSUPPORTED;
	if (st != PARSE_OK)
		return st;
	out->header_len = c.off;
	out->payload = p + c.off;
	out->payload_len = cursor_remaining(&c);
	return PARSE_OK;
}

bool
gre_is_pptp(const struct gre_packet *g)
{
	return g->version == 1 && g->protocol == GRE_PROTO_PPP && g->has_key;
}
