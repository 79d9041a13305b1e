/*
 * ICMP (RFC 792) and ICMPv6 (RFC 4443) error messages, and what they quote:
 * the IP header of the packet that caused them and its first bytes, enough
 * for a GRE key (RFC 2637 4.1) or TCP ports.  A NAT that has lost a GRE
 * mapping answers the server's GRE with protocol unreachable; the quote
 * says which tunnel's packet it refused.
 */
#ifndef PPTP_NATCHECK_ICMP_H
#define PPTP_NATCHECK_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "common.h"

#define IP_PROTO_ICMP 1
#define IP_PROTO_ICMPV6 58

/* ICMPv4 types and codes used by name. */
#define ICMP_DEST_UNREACH 3
#define ICMP_PROTO_UNREACH 2 /* code of ICMP_DEST_UNREACH */
#define ICMP_PORT_UNREACH 3
#define ICMP_ADMIN_PROHIBITED 13
#define ICMP_TIME_EXCEEDED 11
/* ICMPv6 types and codes used by name. */
#define ICMPV6_DEST_UNREACH 1
#define ICMPV6_PARAM_PROBLEM 4
#define ICMPV6_UNKNOWN_NEXT_HEADER 1 /* code of ICMPV6_PARAM_PROBLEM */

struct icmp_error {
	uint8_t version; /* 4 (ICMP) or 6 (ICMPv6) */
	uint8_t type, code;
	/* The quoted packet: its IP header, then what it carried. */
	uint8_t quoted_version;
	uint8_t quoted_proto;
	struct addr quoted_src, quoted_dst;
	bool has_gre; /* quoted_proto GRE, version 1 PPP, key present */
	uint16_t gre_call_id;
	bool has_ports; /* quoted_proto TCP: source and destination port */
	uint16_t sport, dport;
};

/*
 * Parse an ICMP (version 4) or ICMPv6 (version 6) message p[0..len).
 * OK: an error message whose quoted IP header was read (the transport
 * fields when the quote reaches them).  UNSUPPORTED: not an error message
 * (echo, redirect, neighbour discovery...).  TRUNCATED: too short for the
 * ICMP header or the quoted IP header.  INVALID: the quote is not an IP
 * header of the right version.  Pure: no allocation, no I/O.
 */
enum parse_status icmp_parse(const uint8_t *p, size_t len, uint8_t version, struct icmp_error *out);

/* Whether an ICMP (4) or ICMPv6 (6) type is an error message, which quotes a packet. */
bool icmp_is_error_type(uint8_t version, uint8_t type);

/* "protocol unreachable", "port unreachable", "time exceeded"...: for reports. */
const char *icmp_error_name(const struct icmp_error *e);

/* Protocol unreachable (or ICMPv6's unknown next header): the receiver has
 * nothing that takes the quoted protocol, e.g. a NAT with no GRE mapping. */
bool icmp_is_proto_unreachable(const struct icmp_error *e);

#endif
