/*
 * PPTP control messages (RFC 2637 section 2): one table row per message
 * type, framing by the Length field, and a pure parser.
 */
#ifndef PPTP_NATCHECK_PPTP_H
#define PPTP_NATCHECK_PPTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

#define PPTP_MAGIC_COOKIE 0x1A2B3C4DU
#define PPTP_HEADER_LEN 12
/* Longest fixed length in RFC 2637 is ICRQ's 220.  Framing accepts up to
 * this much so vendor padding does not lose sync; above it, Length lies. */
#define PPTP_MAX_MESSAGE_LEN 1024

enum pptp_type {
	PPTP_SCCRQ = 1,
	PPTP_SCCRP = 2,
	PPTP_STOPCCRQ = 3,
	PPTP_STOPCCRP = 4,
	PPTP_ECHORQ = 5,
	PPTP_ECHORP = 6,
	PPTP_OCRQ = 7,
	PPTP_OCRP = 8,
	PPTP_ICRQ = 9,
	PPTP_ICRP = 10,
	PPTP_ICCN = 11,
	PPTP_CCRQ = 12,
	PPTP_CDN = 13,
	PPTP_WEN = 14,
	PPTP_SLI = 15,
};

enum pptp_sender {
	PPTP_SENDER_EITHER,
	PPTP_SENDER_PNS,
	PPTP_SENDER_PAC,
};

/* What a Call ID field of a message refers to, per RFC 2637. */
enum pptp_id_owner {
	PPTP_ID_NONE,
	PPTP_ID_PNS, /* the PNS's own Call ID */
	PPTP_ID_PAC, /* the PAC's own Call ID */
};

struct pptp_type_info {
	uint16_t type;
	const char *abbrev;  /* "OCRQ" */
	const char *name;    /* "Outgoing-Call-Request" */
	uint16_t length;     /* fixed length from the RFC */
	enum pptp_sender sender;
	/* Offsets (0 = absent) of the Call ID and Peer's Call ID fields, and
	 * whose ID each one carries. */
	uint8_t call_id_off;
	enum pptp_id_owner call_id_owner;
	uint8_t peer_call_id_off;
	enum pptp_id_owner peer_call_id_owner;
};

/* Range-checked: NULL for types outside 1..15. */
const struct pptp_type_info *pptp_type_info(uint16_t type);

/* Deviations from RFC 2637 found in a message that was still usable. */
#define PPTP_WARN_LENGTH 0x01       /* Length differs from the type's fixed length */
#define PPTP_WARN_RESERVED 0x02     /* Reserved0 (or another reserved field) non-zero */
#define PPTP_WARN_MSG_TYPE 0x04     /* PPTP Message Type is not 1 (control) */

struct pptp_msg {
	uint16_t length;
	uint16_t pptp_msg_type;
	uint16_t type;
	const struct pptp_type_info *info;
	unsigned warnings;      /* PPTP_WARN_* */
	bool has_call_id;
	uint16_t call_id;       /* field at info->call_id_off */
	bool has_peer_call_id;
	uint16_t peer_call_id;  /* field at info->peer_call_id_off */
	uint16_t serial;        /* Call Serial Number (OCRQ, ICRQ) */
	uint8_t result, error;  /* result and error codes where the type has them */
	uint16_t cause;         /* OCRP, CDN cause code */
	uint32_t identifier;    /* Echo identifier */
	uint16_t version;       /* SCCRQ/SCCRP protocol version */
};

/*
 * Framing over stream bytes at p: OK when p starts with a whole message
 * (*msg_len set to its Length); TRUNCATED when more bytes are needed;
 * INVALID when p does not start with a PPTP header (Length < 12 or >
 * PPTP_MAX_MESSAGE_LEN, or magic cookie wrong once 8 bytes are present).
 */
enum parse_status pptp_frame(const uint8_t *p, size_t len, size_t *msg_len);

/*
 * Resynchronisation after INVALID: offset (>= 1) of the next position at
 * which a header could start (magic cookie at +4, a plausible Length and
 * PPTP Message Type 1 or 2), or the offset from which the last bytes (at
 * most 7, a header cut short) must be kept to find one later, or len when
 * nothing can start a header.  Always >= 1 so the caller makes progress,
 * and never above len; len 0 (never INVALID) returns 0.
 */
size_t pptp_resync(const uint8_t *p, size_t len);

/*
 * Parse one framed message (len = its Length).  INVALID: unknown type,
 * bad cookie, or shorter than the type's fields need; TRUNCATED: len below
 * 12.  Lengths other than the RFC's are OK with PPTP_WARN_LENGTH if every
 * field read is present.  The header is checked as pptp_frame does first
 * (so a bad Length is INVALID even below 12 bytes, and fewer than Length
 * bytes is TRUNCATED); bytes past Length are not read.
 */
enum parse_status pptp_parse(const uint8_t *p, size_t len, struct pptp_msg *out);

/*
 * Content fingerprint of a framed message with every Call ID field zeroed:
 * what survives a NAT, used to pair messages across captures.
 */
uint64_t pptp_fingerprint(const uint8_t *p, size_t len);

/* Text for result codes ("connected", "busy", ...) of SCCRP, StopCCRP, EchoRP,
 * OCRP, ICRP and CDN; "unknown" for anything else. */
const char *pptp_result_name(uint16_t type, uint8_t result);

#endif
