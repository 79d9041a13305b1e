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
