/*
 * The PPP frame inside Enhanced GRE (RFC 1661, RFC 1662 framing without
 * flags): enough to recognise LCP negotiation and its retries.
 */
#ifndef PPTP_NATCHECK_PPP_H
#define PPTP_NATCHECK_PPP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

#define PPP_PROTO_IPV4 0x0021
#define PPP_PROTO_IPV6 0x0057
#define PPP_PROTO_LCP 0xC021
#define PPP_PROTO_PAP 0xC023
#define PPP_PROTO_CHAP 0xC223
#define PPP_PROTO_IPCP 0x8021
#define PPP_PROTO_CCP 0x80FD

#define PPP_CODE_CONF_REQ 1
#define PPP_CODE_CONF_ACK 2
#define PPP_CODE_CONF_NAK 3
#define PPP_CODE_CONF_REJ 4

struct ppp_frame {
	uint16_t protocol;
	bool is_control; /* LCP/IPCP/CCP-style packet with code and identifier */
	uint8_t code, identifier;
};

/*
 * Address/control (ff 03) optional, protocol field compressed (one byte,
 * odd) or not.  For control protocols (0x8000-0xffff) code and identifier
 * are read when present.
 */
enum parse_status ppp_parse(const uint8_t *p, size_t len, struct ppp_frame *out);

#endif
