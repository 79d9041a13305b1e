/* TCP header parser (RFC 9293): pure, bounded. */
#ifndef PPTP_NATCHECK_TCP_H
#define PPTP_NATCHECK_TCP_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "ip.h"

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

/* What a segment's checksum says about the bytes the capture holds. */
enum tcp_checksum {
	TCP_CHECKSUM_OK,           /* verifies over the pseudo-header: the bytes are as sent */
	TCP_CHECKSUM_BAD,          /* does not verify: the bytes or the checksum were damaged */
	TCP_CHECKSUM_OFFLOAD,      /* the field holds what a sender with checksum offload
	                            * leaves there (0, or the pseudo-header sum): no verdict */
	TCP_CHECKSUM_UNVERIFIABLE, /* the capture cut the segment, or no header */
};

/*
 * Verify the checksum of the TCP segment seg (header and data, len bytes:
 * everything the IP packet ip carried, reassembled if it was fragmented).
 */
enum tcp_checksum tcp_checksum_verify(const struct ip_packet *ip, const uint8_t *seg, size_t len);
const char *tcp_checksum_name(enum tcp_checksum c);

#endif
