/* The PPP frame inside Enhanced GRE: RFC 1662 address/control, RFC 1661 protocol, code, id. */
#include "ppp.h"

#include <string.h>

#include "cursor.h"

/*
 * Address and control (ff 03) may be absent (ACFC); the protocol may be one
 * byte (PFC).  A control-protocol packet cut before its code and
 * identifier is still OK, with is_control false: the protocol is known.
 */

#define PPP_ADDRESS 0xFF
#define PPP_CONTROL 0x03
#define PPP_CONTROL_PROTOCOLS 0x8000 /* 0x8000-0xffff: NCPs, LCP, authentication (RFC 1661 2) */

enum parse_status
ppp_parse(const uint8_t *p, size_t len, struct ppp_frame *out)
{
	struct cursor c;
	struct cursor peek;
	uint8_t hi, lo, code, id;

	memset(out, 0, sizeof(*out));
	cursor_init(&c, p, len);
	peek = c;
	/* 0xff cannot start a protocol field (0x00ff is reserved), so it is the address. */
	if (cursor_u8(&peek) == PPP_ADDRESS && !peek.err) {
		(void)cursor_u8(&c);
		if (cursor_u8(&c) != PPP_CONTROL)
			return c.err ? PARSE_TRUNCATED : PARSE_INVALID;
	}
	hi = cursor_u8(&c);
	if (c.err)
		return PARSE_TRUNCATED;
	if (hi & 1) {
		out->protocol = hi; /* compressed: the high byte 0x00 was dropped */
	} else {
		lo = cursor_u8(&c);
		if (c.err)
			return PARSE_TRUNCATED;
		if (!(lo & 1))
			return PARSE_INVALID;
		out->protocol = (uint16_t)(hi << 8 | lo);
	}
	if (out->protocol < PPP_CONTROL_PROTOCOLS)
		return PARSE_OK;
	code = cursor_u8(&c);
	id = cursor_u8(&c);
	if (!c.err) {
		out->is_control = true;
		out->code = code;
		out->identifier = id;
	}
	return PARSE_OK;
}
