/* ICMP (RFC 792) and ICMPv6 (RFC 4443 section 3) error messages and the packet they quote. */
#include "icmp.h"

#include <string.h>

#include "cursor.h"
#include "gre.h"
#include "ip.h"

/*
 * Known limits and choices:
 * - Only error messages are parsed; the quoted IP header is read field by
 *   field here, not with ipv4_parse/ipv6_parse, because a quote is short by
 *   design (RFC 792 promises the header and 8 bytes) and its length fields
 *   describe the original packet, not the quote.
 * - IPv6 quotes: extension headers are not walked; a GRE or TCP header
 *   behind one is not read (the quote still names the addresses).
 * - The ICMP checksum is not verified: a capture may hold offloaded
 *   packets, and what the quote says is not made more true by it.
 */

#define ICMP_HEADER_LEN 8 /* type, code, checksum, 4 bytes of type-specific data */
#define IPV4_MIN_HEADER 20
#define IPV6_HEADER 40
#define GRE_KEY_FLAG 0x20
#define GRE_VERSION_MASK 0x07

bool
icmp_is_error_type(uint8_t version, uint8_t type)
{
	if (version == 4)
		return type == ICMP_DEST_UNREACH || type == 4 /* source quench */ ||
		       type == ICMP_TIME_EXCEEDED || type == 12 /* parameter problem */;
	/* ICMPv6: types 0-127 are errors; 1-4 are the defined ones. */
	return type >= 1 && type <= 4;
}

/* The quoted IPv4 header: addresses, protocol; cursor left at its payload. */
static enum parse_status
quoted_ipv4(struct cursor *c, struct icmp_error *out)
{
	size_t start = c->off;
	uint8_t vihl = cursor_u8(c);
	size_t ihl = (size_t)(vihl & 0x0f) * 4;
	const uint8_t *a;

	if (c->err)
		return PARSE_TRUNCATED;
	if (vihl >> 4 != 4 || ihl < IPV4_MIN_HEADER)
		return PARSE_INVALID;
	(void)cursor_skip(c, 7); /* tos, total length, id, flags and fragment offset */
	(void)cursor_u8(c);      /* ttl */
	out->quoted_proto = cursor_u8(c);
	(void)cursor_skip(c, 2); /* header checksum */
	a = cursor_take(c, 4);
	if (a != NULL)
		addr_set_v4(&out->quoted_src, a);
	a = cursor_take(c, 4);
	if (a != NULL)
		addr_set_v4(&out->quoted_dst, a);
	if (c->err)
		return PARSE_TRUNCATED;
	/* Options: skipped when quoted; a quote may end inside them, and then
	 * nothing of the transport header is there. */
	if (ihl <= c->len - start)
		(void)cursor_seek(c, start + ihl);
	else
		(void)cursor_seek(c, c->len);
	out->quoted_version = 4;
	return PARSE_OK;
}

static enum parse_status
quoted_ipv6(struct cursor *c, struct icmp_error *out)
{
	uint8_t b0 = cursor_u8(c);
	const uint8_t *a;

	if (c->err)
		return PARSE_TRUNCATED;
	if (b0 >> 4 != 6)
		return PARSE_INVALID;
	(void)cursor_skip(c, 5); /* traffic class, flow label, payload length */
	out->quoted_proto = cursor_u8(c);
	(void)cursor_u8(c); /* hop limit */
	a = cursor_take(c, 16);
	if (a != NULL)
		addr_set_v6(&out->quoted_src, a);
	a = cursor_take(c, 16);
	if (a != NULL)
		addr_set_v6(&out->quoted_dst, a);
	if (c->err)
		return PARSE_TRUNCATED;
	out->quoted_version = 6;
	return PARSE_OK;
}

/* What the quote holds of the transport header: GRE key or TCP ports. */
static void
quoted_transport(struct cursor *c, struct icmp_error *out)
{
	if (out->quoted_proto == IP_PROTO_GRE && cursor_has(c, 8)) {
		uint8_t f0 = cursor_u8(c), f1 = cursor_u8(c);
		uint16_t proto = cursor_u16(c);

		(void)cursor_u16(c); /* payload length */
		out->gre_call_id = cursor_u16(c);
		out->has_gre = !c->err && (f0 & GRE_KEY_FLAG) != 0 &&
		               (f1 & GRE_VERSION_MASK) == 1 && proto == GRE_PROTO_PPP;
	} else if (out->quoted_proto == IP_PROTO_TCP && cursor_has(c, 4)) {
		out->sport = cursor_u16(c);
		out->dport = cursor_u16(c);
		out->has_ports = !c->err;
	}
}

enum parse_status
icmp_parse(const uint8_t *p, size_t len, uint8_t version, struct icmp_error *out)
{
	struct cursor c;
	enum parse_status st;

	memset(out, 0, sizeof(*out));
	if (version != 4 && version != 6)
		return PARSE_UNSUPPORTED;
	cursor_init(&c, p, len);
	out->version = version;
	out->type = cursor_u8(&c);
	out->code = cursor_u8(&c);
	(void)cursor_skip(&c, 6); /* checksum, type-specific word */
	if (c.err)
		return PARSE_TRUNCATED;
	if (!icmp_is_error_type(version, out->type))
		return PARSE_UNSUPPORTED;
	st = version == 4 ? quoted_ipv4(&c, out) : quoted_ipv6(&c, out);
	if (st != PARSE_OK)
		return st;
	quoted_transport(&c, out);
	return PARSE_OK;
}

bool
icmp_is_proto_unreachable(const struct icmp_error *e)
{
	if (e->version == 4)
		return e->type == ICMP_DEST_UNREACH && e->code == ICMP_PROTO_UNREACH;
	return e->type == ICMPV6_PARAM_PROBLEM && e->code == ICMPV6_UNKNOWN_NEXT_HEADER;
}

const char *
icmp_error_name(const struct icmp_error *e)
{
	if (icmp_is_proto_unreachable(e))
		return "protocol unreachable";
	if (e->version == 4) {
		switch (e->type) {
		case ICMP_DEST_UNREACH:
			return e->code == ICMP_PORT_UNREACH       ? "port unreachable"
			       : e->code == ICMP_ADMIN_PROHIBITED ? "administratively prohibited"
			                                          : "destination unreachable";
		case ICMP_TIME_EXCEEDED:
			return "time exceeded";
		case 12:
			return "parameter problem";
		default:
			return "source quench";
		}
	}
	switch (e->type) {
	case ICMPV6_DEST_UNREACH:
		return e->code == 1 ? "administratively prohibited" : "destination unreachable";
	case 2:
		return "packet too big";
	case 3:
		return "time exceeded";
	default:
		return "parameter problem";
	}
}
