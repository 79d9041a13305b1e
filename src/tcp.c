/* TCP header (RFC 9293 section 3.1): ports, sequence numbers, flags, data offset. */
#include "tcp.h"

#include <string.h>

#include "cursor.h"

/*
 * Options are skipped, not read.  The caller passes the IP payload already
 * narrowed to min(captured, claimed); a data offset past it is TRUNCATED
 * here, and the caller, who knows whether the IP packet was cut short,
 * may call it a contradiction when it was not.
 */

#define TCP_MIN_HEADER 20

enum parse_status
tcp_parse(const uint8_t *p, size_t len, struct tcp_segment *out)
{
	struct cursor c;
	size_t hl;

	memset(out, 0, sizeof(*out));
	cursor_init(&c, p, len);
	out->sport = cursor_u16(&c);
	out->dport = cursor_u16(&c);
	out->seq = cursor_u32(&c);
	out->ack = cursor_u32(&c);
	hl = (size_t)(cursor_u8(&c) >> 4) * 4;
	out->flags = cursor_u8(&c); /* CWR ECE URG ACK PSH RST SYN FIN */
	(void)cursor_skip(&c, 6);   /* window, checksum, urgent pointer */
	if (c.err)
		return PARSE_TRUNCATED;
	if (hl < TCP_MIN_HEADER)
		return PARSE_INVALID;
	if (!cursor_skip(&c, hl - TCP_MIN_HEADER)) /* options */
		return PARSE_TRUNCATED;
	out->header_len = hl;
	out->payload = p + hl;
	out->payload_len = cursor_remaining(&c);
	return PARSE_OK;
}

/*
 * Offload: a sender that leaves the checksum to its NIC hands the capture
 * (taken on that host, before the NIC) a segment whose field holds the
 * pseudo-header sum the NIC starts from (Linux CHECKSUM_PARTIAL, NDIS
 * task offload), in either complement, or zero.  Such a value proves
 * nothing either way; a wrong checksum of any other value is damage.  A
 * damaged segment whose field happens to hold one of these values (3 in
 * 65536) is taken as unverified, never as verified.
 */
enum tcp_checksum
tcp_checksum_verify(const struct ip_packet *ip, const uint8_t *seg, size_t len)
{
	uint16_t pseudo, inverse, field;

	if (ip->truncated || len < TCP_MIN_HEADER || len > UINT32_MAX ||
	    (ip->version != 4 && ip->version != 6))
		return TCP_CHECKSUM_UNVERIFIABLE;
	pseudo = ip_pseudo_header_sum(ip, IP_PROTO_TCP, (uint32_t)len);
	if (ip_checksum_add(pseudo, ip_checksum_sum(seg, len)) == 0xFFFF)
		return TCP_CHECKSUM_OK;
	field = (uint16_t)(seg[16] << 8 | seg[17]);
	inverse = (uint16_t)~pseudo;
	if (field == 0 || field == pseudo || field == inverse)
		return TCP_CHECKSUM_OFFLOAD;
	return TCP_CHECKSUM_BAD;
}

const char *
tcp_checksum_name(enum tcp_checksum c)
{
	switch (c) {
	case TCP_CHECKSUM_OK:
		return "correct";
	case TCP_CHECKSUM_BAD:
		return "wrong";
	case TCP_CHECKSUM_OFFLOAD:
		return "left to the NIC (offload)";
	case TCP_CHECKSUM_UNVERIFIABLE:
		return "unverifiable";
	}
	return "unknown";
}
