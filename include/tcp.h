/* TCP header parser (RFC 9293): pure, bounded. */
#ifndef PPTP_NATCHECK_TCP_H
#define PPTP_NATCHECK_TCP_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

#define TCP_PORT_PPTP 1723

struct tcp_segment {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	size_t header_len; /* data offset * 4 */
	const uint8_t *payload;
	size_t payload_len;
};

/* Data offset < 5 or past the bytes given: INVALID / TRUNCATED. */
enum parse_status tcp_parse(const uint8_t *p, size_t len, struct tcp_segment *out);

#endif
