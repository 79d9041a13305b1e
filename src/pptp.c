/* PPTP control messages: the message table, framing by Length, the parser (RFC 2637 section 2). */
/*
 * Divergences from RFC 2637 and known limits:
 * - Framing trusts the Length field alone and accepts 12..PPTP_MAX_MESSAGE_LEN
 *   bytes, so vendor padding does not lose sync; a Length other than the
 *   type's fixed length parses with PPTP_WARN_LENGTH as long as every field
 *   read is inside it.  Bytes past the fields read are not checked.
 * - Only Reserved0 is checked (PPTP_WARN_RESERVED): PACs in the wild leave
 *   garbage in later reserved fields (an SLI from a Linux pptpd PAC in
 *   testdata/public/nDPI__pptp.pcap has Reserved1 = 0xa196).
 * - The table records whose Call ID each field carries as the RFC says.
 *   Real PACs stray: some (Microsoft's among them) also send Set-Link-Info
 *   to the PNS carrying the PNS's Call ID, and some put the PNS's Call ID in
 *   Call-Disconnect-Notify.  Callers interpret a field by the direction the
 *   message travelled; this file never guesses.
 * - Stop-Control-Connection-Request's reason and the strings of SCCRQ/SCCRP
 *   are not decoded: the fingerprint covers them.
 */
#include "pptp.h"

#include <string.h>

#include "cursor.h"
#include "hash.h"

/* Bytes of a header a resynchronising scan can check: Length, PPTP
 * Message Type and Magic Cookie. */
#define PPTP_SYNC_BYTES 8

/* Fixed seed: fingerprints of the inside and outside captures must agree. */
#define PPTP_FINGERPRINT_SEED UINT64_C(0x5050545046500001)

/*
 * One row per control message type: the public part, then the offsets
 * (0 = absent; every field lies after the 12-byte header) of the other
 * fields pptp_parse reads into struct pptp_msg.
 */
struct pptp_row {
	struct pptp_type_info info;
	uint8_t serial_off;     /* 2 bytes */
	uint8_t version_off;    /* 2 bytes */
	uint8_t identifier_off; /* 4 bytes */
	uint8_t result_off;     /* 1 byte */
	uint8_t error_off;      /* 1 byte */
	uint8_t cause_off;      /* 2 bytes */
};

/* RFC 2637 sections 2.1 to 2.16, in type order. */
static const struct pptp_row pptp_rows[] = {
    {.info = {PPTP_SCCRQ, "SCCRQ", "Start-Control-Connection-Request", 156, PPTP_SENDER_EITHER, 0,
              PPTP_ID_NONE, 0, PPTP_ID_NONE},
     .version_off = 12},
    {.info = {PPTP_SCCRP, "SCCRP", "Start-Control-Connection-Reply", 156, PPTP_SENDER_EITHER, 0,
              PPTP_ID_NONE, 0, PPTP_ID_NONE},
     .version_off = 12,
     .result_off = 14,
     .error_off = 15},
    {.info = {PPTP_STOPCCRQ, "StopCCRQ", "Stop-Control-Connection-Request", 16, PPTP_SENDER_EITHER,
              0, PPTP_ID_NONE, 0, PPTP_ID_NONE}},
    {.info = {PPTP_STOPCCRP, "StopCCRP", "Stop-Control-Connection-Reply", 16, PPTP_SENDER_EITHER, 0,
              PPTP_ID_NONE, 0, PPTP_ID_NONE},
     .result_off = 12,
     .error_off = 13},
    {.info = {PPTP_ECHORQ, "EchoRQ", "Echo-Request", 16, PPTP_SENDER_EITHER, 0, PPTP_ID_NONE, 0,
              PPTP_ID_NONE},
     .identifier_off = 12},
    {.info = {PPTP_ECHORP, "EchoRP", "Echo-Reply", 20, PPTP_SENDER_EITHER, 0, PPTP_ID_NONE, 0,
              PPTP_ID_NONE},
     .identifier_off = 12,
     .result_off = 16,
     .error_off = 17},
    {.info = {PPTP_OCRQ, "OCRQ", "Outgoing-Call-Request", 168, PPTP_SENDER_PNS, 12, PPTP_ID_PNS, 0,
              PPTP_ID_NONE},
     .serial_off = 14},
    {.info = {PPTP_OCRP, "OCRP", "Outgoing-Call-Reply", 32, PPTP_SENDER_PAC, 12, PPTP_ID_PAC, 14,
              PPTP_ID_PNS},
     .result_off = 16,
     .error_off = 17,
     .cause_off = 18},
    {.info = {PPTP_ICRQ, "ICRQ", "Incoming-Call-Request", 220, PPTP_SENDER_PAC, 12, PPTP_ID_PAC, 0,
              PPTP_ID_NONE},
     .serial_off = 14},
    {.info = {PPTP_ICRP, "ICRP", "Incoming-Call-Reply", 24, PPTP_SENDER_PNS, 12, PPTP_ID_PNS, 14,
              PPTP_ID_PAC},
     .result_off = 16,
     .error_off = 17},
    {.info = {PPTP_ICCN, "ICCN", "Incoming-Call-Connected", 28, PPTP_SENDER_PAC, 0, PPTP_ID_NONE,
              12, PPTP_ID_PNS}},
    {.info = {PPTP_CCRQ, "CCRQ", "Call-Clear-Request", 16, PPTP_SENDER_PNS, 12, PPTP_ID_PNS, 0,
              PPTP_ID_NONE}},
    /* The RFC: the PAC's own Call ID.  Some PACs send the PNS's (see top). */
    {.info = {PPTP_CDN, "CDN", "Call-Disconnect-Notify", 148, PPTP_SENDER_PAC, 12, PPTP_ID_PAC, 0,
              PPTP_ID_NONE},
     .result_off = 14,
     .error_off = 15,
     .cause_off = 16},
    {.info = {PPTP_WEN, "WEN", "WAN-Error-Notify", 40, PPTP_SENDER_PAC, 0, PPTP_ID_NONE, 12,
              PPTP_ID_PNS}},
    /* The RFC: sent by the PNS with the PAC's Call ID.  PACs send it too,
     * with the PNS's Call ID (see top). */
    {.info = {PPTP_SLI, "SLI", "Set-Link-Info", 24, PPTP_SENDER_PNS, 0, PPTP_ID_NONE, 12,
              PPTP_ID_PAC}},
};

/* Result and error texts, RFC 2637 sections 2.2, 2.4, 2.6, 2.8, 2.10, 2.13. */
struct pptp_result_row {
	uint16_t type;
	uint8_t result;
	const char *name;
};

static const struct pptp_result_row pptp_results[] = {
    {PPTP_SCCRP, 1, "success"},
    {PPTP_SCCRP, 2, "general error"},
    {PPTP_SCCRP, 3, "command channel already exists"},
    {PPTP_SCCRP, 4, "not authorized"},
    {PPTP_SCCRP, 5, "unsupported protocol version"},
    {PPTP_STOPCCRP, 1, "ok"},
    {PPTP_STOPCCRP, 2, "general error"},
    {PPTP_ECHORP, 1, "ok"},
    {PPTP_ECHORP, 2, "general error"},
    {PPTP_OCRP, 1, "connected"},
    {PPTP_OCRP, 2, "general error"},
    {PPTP_OCRP, 3, "no carrier"},
    {PPTP_OCRP, 4, "busy"},
    {PPTP_OCRP, 5, "no dial tone"},
    {PPTP_OCRP, 6, "time-out"},
    {PPTP_OCRP, 7, "do not accept"},
    {PPTP_ICRP, 1, "connect"},
    {PPTP_ICRP, 2, "general error"},
    {PPTP_ICRP, 3, "do not accept"},
    {PPTP_CDN, 1, "lost carrier"},
    {PPTP_CDN, 2, "general error"},
    {PPTP_CDN, 3, "admin shutdown"},
    {PPTP_CDN, 4, "request"},
};

static const struct pptp_row *
find_row(uint16_t type)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(pptp_rows); i++)
		if (pptp_rows[i].info.type == type)
			return &pptp_rows[i];
	return NULL;
}

const struct pptp_type_info *
pptp_type_info(uint16_t type)
{
	const struct pptp_row *row = find_row(type);

	return row != NULL ? &row->info : NULL;
}

const char *
pptp_result_name(uint16_t type, uint8_t result)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(pptp_results); i++)
		if (pptp_results[i].type == type && pptp_results[i].result == result)
			return pptp_results[i].name;
	return "unknown";
}

static size_t
field_end(uint8_t off, size_t size)
{
	return off != 0 ? off + size : 0;
}

/* Bytes a message of this type needs for every field pptp_parse reads. */
static size_t
row_need(const struct pptp_row *row)
{
	size_t ends[] = {
	    PPTP_HEADER_LEN,
	    field_end(row->info.call_id_off, 2),
	    field_end(row->info.peer_call_id_off, 2),
	    field_end(row->serial_off, 2),
	    field_end(row->version_off, 2),
	    field_end(row->identifier_off, 4),
	    field_end(row->result_off, 1),
	    field_end(row->error_off, 1),
	    field_end(row->cause_off, 2),
	};
	size_t i, need = 0;

	for (i = 0; i < ARRAY_LEN(ends); i++)
		if (ends[i] > need)
			need = ends[i];
	return need;
}

enum parse_status
pptp_frame(const uint8_t *p, size_t len, size_t *msg_len)
{
	struct cursor c;
	uint16_t length;

	*msg_len = 0;
	cursor_init(&c, p, len);
	if (!cursor_peek_u16(&c, 0, &length))
		return PARSE_TRUNCATED;
	if (length < PPTP_HEADER_LEN || length > PPTP_MAX_MESSAGE_LEN)
		return PARSE_INVALID;
	if (!cursor_seek(&c, 4) || !cursor_has(&c, 4))
		return PARSE_TRUNCATED;
	if (cursor_u32(&c) != PPTP_MAGIC_COOKIE)
		return PARSE_INVALID;
	if (length > len)
		return PARSE_TRUNCATED;
	*msg_len = length;
	return PARSE_OK;
}

/* Whether a header could start at p: every byte present agrees with one. */
static bool
header_plausible(const uint8_t *p, size_t len)
{
	uint8_t b[PPTP_SYNC_BYTES] = {0};
	size_t n = len < sizeof(b) ? len : sizeof(b), i;
	struct cursor c;

	cursor_init(&c, p, len);
	for (i = 0; i < n; i++)
		b[i] = cursor_u8(&c);
	if (n >= 1 && b[0] > PPTP_MAX_MESSAGE_LEN >> 8)
		return false;
	if (n >= 2 && ((unsigned)b[0] << 8 | b[1]) < PPTP_HEADER_LEN)
		return false;
	if (n >= 2 && ((unsigned)b[0] << 8 | b[1]) > PPTP_MAX_MESSAGE_LEN)
		return false;
	/* PPTP Message Type: 1 control or 2 management, stricter than framing. */
	if (n >= 3 && b[2] != 0)
		return false;
	if (n >= 4 && b[3] != 1 && b[3] != 2)
		return false;
	for (i = 4; i < n; i++)
		if (b[i] != (uint8_t)(PPTP_MAGIC_COOKIE >> (8 * (PPTP_SYNC_BYTES - 1 - i))))
			return false;
	return true;
}

/*
 * Offset 0 is never a candidate, so the caller always moves on.  The result
 * never exceeds len: it is len when nothing there can start a header, and
 * 0 only for len 0, where there is nothing to skip (pptp_frame never says
 * INVALID for an empty buffer, so a loop that resyncs after INVALID cannot
 * get here).  The scan is bounded by len, one offset per turn.
 */
size_t
pptp_resync(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 1; i < len; i++)
		if (header_plausible(p + i, len - i))
			return i;
	return len;
}

/* Read a field at a table offset; an offset of 0 (absent) reads nothing. */
static uint16_t
field_u16(struct cursor *c, uint8_t off)
{
	return off != 0 && cursor_seek(c, off) ? cursor_u16(c) : 0;
}

static uint8_t
field_u8(struct cursor *c, uint8_t off)
{
	return off != 0 && cursor_seek(c, off) ? cursor_u8(c) : 0;
}

static uint32_t
field_u32(struct cursor *c, uint8_t off)
{
	return off != 0 && cursor_seek(c, off) ? cursor_u32(c) : 0;
}

enum parse_status
pptp_parse(const uint8_t *p, size_t len, struct pptp_msg *out)
{
	const struct pptp_row *row;
	enum parse_status st;
	struct cursor c;
	size_t msg_len;
	uint32_t cookie;
	uint16_t reserved0;

	memset(out, 0, sizeof(*out));
	/* Same rules as framing; then narrow to the message's own Length. */
	st = pptp_frame(p, len, &msg_len);
	if (st != PARSE_OK)
		return st;
	cursor_init(&c, p, msg_len);
	out->length = cursor_u16(&c);
	out->pptp_msg_type = cursor_u16(&c);
	cookie = cursor_u32(&c);
	out->type = cursor_u16(&c);
	reserved0 = cursor_u16(&c);
	if (c.err || cookie != PPTP_MAGIC_COOKIE)
		return PARSE_INVALID;
	row = find_row(out->type);
	if (row == NULL || row_need(row) > msg_len)
		return PARSE_INVALID;
	out->info = &row->info;
	if (out->length != row->info.length)
		out->warnings |= PPTP_WARN_LENGTH;
	if (reserved0 != 0)
		out->warnings |= PPTP_WARN_RESERVED;
	if (out->pptp_msg_type != 1)
		out->warnings |= PPTP_WARN_MSG_TYPE;

	out->has_call_id = row->info.call_id_off != 0;
	out->call_id = field_u16(&c, row->info.call_id_off);
	out->has_peer_call_id = row->info.peer_call_id_off != 0;
	out->peer_call_id = field_u16(&c, row->info.peer_call_id_off);
	out->serial = field_u16(&c, row->serial_off);
	out->version = field_u16(&c, row->version_off);
	out->identifier = field_u32(&c, row->identifier_off);
	out->result = field_u8(&c, row->result_off);
	out->error = field_u8(&c, row->error_off);
	out->cause = field_u16(&c, row->cause_off);
	/* row_need() covered every read; an error here is a table bug. */
	return c.err ? PARSE_INVALID : PARSE_OK;
}

/* Zero the bytes of a 2-byte field at off that lie inside n. */
static void
zero_field(uint8_t *buf, size_t n, uint8_t off)
{
	size_t i;

	for (i = off; off != 0 && i < n && i < (size_t)off + 2; i++)
		buf[i] = 0;
}

uint64_t
pptp_fingerprint(const uint8_t *p, size_t len)
{
	uint8_t buf[PPTP_MAX_MESSAGE_LEN];
	size_t n = len < sizeof(buf) ? len : sizeof(buf);
	const struct pptp_row *row;
	struct cursor c;
	uint16_t type;

	if (n > 0)
		memcpy(buf, p, n);
	cursor_init(&c, buf, n);
	if (cursor_peek_u16(&c, 8, &type) && (row = find_row(type)) != NULL) {
		zero_field(buf, n, row->info.call_id_off);
		zero_field(buf, n, row->info.peer_call_id_off);
	}
	return hash_bytes(buf, n, PPTP_FINGERPRINT_SEED);
}
