/* Check suite for pptp.c: message table, framing, resync, parser, fingerprint, result names. */
#include <string.h>

#include "pptp.h"
#include "testutil.h"

/*
 * Expected table, written from RFC 2637 section 2 (and PPTP-WIRE.md), not
 * from pptp.c: type, abbrev, length, sender, Call ID offset and owner,
 * Peer's Call ID offset and owner, then the offsets (0 = absent) of
 * serial, version, identifier, result, error, cause.
 */
struct want_row {
	uint16_t type;
	const char *abbrev;
	uint16_t length;
	enum pptp_sender sender;
	uint8_t call_off;
	enum pptp_id_owner call_owner;
	uint8_t peer_off;
	enum pptp_id_owner peer_owner;
	uint8_t serial_off, version_off, ident_off, result_off, error_off, cause_off;
};

static const struct want_row want[] = {
    {1, "SCCRQ", 156, PPTP_SENDER_EITHER, 0, PPTP_ID_NONE, 0, PPTP_ID_NONE, 0, 12, 0, 0, 0, 0},
    {2, "SCCRP", 156, PPTP_SENDER_EITHER, 0, PPTP_ID_NONE, 0, PPTP_ID_NONE, 0, 12, 0, 14, 15, 0},
    {3, "StopCCRQ", 16, PPTP_SENDER_EITHER, 0, PPTP_ID_NONE, 0, PPTP_ID_NONE, 0, 0, 0, 0, 0, 0},
    {4, "StopCCRP", 16, PPTP_SENDER_EITHER, 0, PPTP_ID_NONE, 0, PPTP_ID_NONE, 0, 0, 0, 12, 13, 0},
    {5, "EchoRQ", 16, PPTP_SENDER_EITHER, 0, PPTP_ID_NONE, 0, PPTP_ID_NONE, 0, 0, 12, 0, 0, 0},
    {6, "EchoRP", 20, PPTP_SENDER_EITHER, 0, PPTP_ID_NONE, 0, PPTP_ID_NONE, 0, 0, 12, 16, 17, 0},
    {7, "OCRQ", 168, PPTP_SENDER_PNS, 12, PPTP_ID_PNS, 0, PPTP_ID_NONE, 14, 0, 0, 0, 0, 0},
    {8, "OCRP", 32, PPTP_SENDER_PAC, 12, PPTP_ID_PAC, 14, PPTP_ID_PNS, 0, 0, 0, 16, 17, 18},
    {9, "ICRQ", 220, PPTP_SENDER_PAC, 12, PPTP_ID_PAC, 0, PPTP_ID_NONE, 14, 0, 0, 0, 0, 0},
    {10, "ICRP", 24, PPTP_SENDER_PNS, 12, PPTP_ID_PNS, 14, PPTP_ID_PAC, 0, 0, 0, 16, 17, 0},
    {11, "ICCN", 28, PPTP_SENDER_PAC, 0, PPTP_ID_NONE, 12, PPTP_ID_PNS, 0, 0, 0, 0, 0, 0},
    {12, "CCRQ", 16, PPTP_SENDER_PNS, 12, PPTP_ID_PNS, 0, PPTP_ID_NONE, 0, 0, 0, 0, 0, 0},
    {13, "CDN", 148, PPTP_SENDER_PAC, 12, PPTP_ID_PAC, 0, PPTP_ID_NONE, 0, 0, 0, 14, 15, 16},
    {14, "WEN", 40, PPTP_SENDER_PAC, 0, PPTP_ID_NONE, 12, PPTP_ID_PNS, 0, 0, 0, 0, 0, 0},
    {15, "SLI", 24, PPTP_SENDER_PNS, 0, PPTP_ID_NONE, 12, PPTP_ID_PAC, 0, 0, 0, 0, 0, 0},
};

/* Field values written into the templates: distinct bytes, none zero. */
#define V_CALL 0x1234
#define V_PEER 0x5678
#define V_SERIAL 0x9abc
#define V_VERSION 0x0100
#define V_IDENT 0xdeadbeefU
#define V_RESULT 0x03
#define V_ERROR 0x04
#define V_CAUSE 0x0506

static void
put16(uint8_t *b, size_t off, uint16_t v)
{
	b[off] = (uint8_t)(v >> 8);
	b[off + 1] = (uint8_t)v;
}

static void
put32(uint8_t *b, size_t off, uint32_t v)
{
	put16(b, off, (uint16_t)(v >> 16));
	put16(b, off + 2, (uint16_t)v);
}

/* A message of the row's type at its fixed length, every field set. */
static size_t
build(const struct want_row *w, uint8_t *b, size_t cap)
{
	ck_assert_uint_le(w->length, cap);
	memset(b, 0, cap);
	put16(b, 0, w->length);
	put16(b, 2, 1);
	put32(b, 4, PPTP_MAGIC_COOKIE);
	put16(b, 8, w->type);
	if (w->call_off)
		put16(b, w->call_off, V_CALL);
	if (w->peer_off)
		put16(b, w->peer_off, V_PEER);
	if (w->serial_off)
		put16(b, w->serial_off, V_SERIAL);
	if (w->version_off)
		put16(b, w->version_off, V_VERSION);
	if (w->ident_off)
		put32(b, w->ident_off, V_IDENT);
	if (w->result_off)
		b[w->result_off] = V_RESULT;
	if (w->error_off)
		b[w->error_off] = V_ERROR;
	if (w->cause_off)
		put16(b, w->cause_off, V_CAUSE);
	return w->length;
}

/* ---- real messages, bytes copied from the public captures ---- */

/* Hex arrays below keep one field per line. */
/* clang-format off */

/* tcpdump__pptp.pcap frame 5: SCCRQ from a Windows NT PNS. */
static const uint8_t td_sccrq[156] = {
	0x00, 0x9c,             /* Length 156 */
	0x00, 0x01,             /* PPTP Message Type 1 (control) */
	0x1a, 0x2b, 0x3c, 0x4d, /* Magic Cookie */
	0x00, 0x01,             /* Control Message Type 1 (SCCRQ) */
	0x00, 0x00,             /* Reserved0 */
	0x01, 0x00,             /* Protocol Version 1.0 */
	0x00, 0x00,             /* Reserved1 */
	0x00, 0x00, 0x00, 0x01, /* Framing Capabilities: async */
	0x00, 0x00, 0x00, 0x01, /* Bearer Capabilities: analog */
	0x00, 0x00,             /* Maximum Channels 0 */
	0x08, 0x70,             /* Firmware Revision 0x0870 */
	/* Host Name @28 (64 bytes): empty */
	/* Vendor String @92 (64 bytes), zero padded */
	[92] = 'M', 'i', 'c', 'r', 'o', 's', 'o', 'f', 't', ' ',
	'W', 'i', 'n', 'd', 'o', 'w', 's', ' ', 'N', 'T',
};

/* PcapPlusPlus__GrePackets-PPTP_negotiation.cap frame 6: SCCRQ from a PNS. */
static const uint8_t ppp_sccrq[156] = {
	0x00, 0x9c, 0x00, 0x01, /* Length 156, Message Type 1 */
	0x1a, 0x2b, 0x3c, 0x4d, /* Magic Cookie */
	0x00, 0x01, 0x00, 0x00, /* SCCRQ, Reserved0 */
	0x01, 0x00, 0x00, 0x00, /* Protocol Version 1.0, Reserved1 */
	0x00, 0x00, 0x00, 0x01, /* Framing Capabilities */
	0x00, 0x00, 0x00, 0x01, /* Bearer Capabilities */
	0xff, 0xff,             /* Maximum Channels 65535 */
	0x01, 0x00,             /* Firmware Revision */
	'l', 'o', 'c', 'a', 'l', /* Host Name @28, zero padded */
	[92] = 'i', 'x', 'i', 'a', /* Vendor String @92, zero padded */
};

/* tcpdump__pptp.pcap frame 10: OCRQ, PNS Call ID 0, serial 0x7828. */
static const uint8_t td_ocrq[168] = {
	0x00, 0xa8, 0x00, 0x01, /* Length 168, Message Type 1 */
	0x1a, 0x2b, 0x3c, 0x4d, /* Magic Cookie */
	0x00, 0x07, 0x00, 0x00, /* OCRQ, Reserved0 */
	0x00, 0x00,             /* Call ID 0 */
	0x78, 0x28,             /* Call Serial Number 0x7828 */
	0x00, 0x00, 0x01, 0x2c, /* Minimum BPS 300 */
	0x05, 0xf5, 0xe1, 0x00, /* Maximum BPS 100000000 */
	0x00, 0x00, 0x00, 0x03, /* Bearer Type: either */
	0x00, 0x00, 0x00, 0x03, /* Framing Type: either */
	0x00, 0x40,             /* Packet Recv. Window Size 64 */
	0x00, 0x00,             /* Packet Processing Delay 0 */
	/* Phone Number Length, Reserved1, Phone Number, Subaddress: zero */
};

/* PcapPlusPlus__GrePackets-PPTP_negotiation.cap frame 9: OCRQ, PNS Call ID 1. */
static const uint8_t ppp_ocrq[168] = {
	0x00, 0xa8, 0x00, 0x01, /* Length 168, Message Type 1 */
	0x1a, 0x2b, 0x3c, 0x4d, /* Magic Cookie */
	0x00, 0x07, 0x00, 0x00, /* OCRQ, Reserved0 */
	0x00, 0x01,             /* Call ID 1 */
	0x00, 0x00,             /* Call Serial Number 0 */
	0x00, 0x00, 0x80, 0x00, /* Minimum BPS 32768 */
	0x80, 0x00, 0x00, 0x00, /* Maximum BPS */
	0x00, 0x00, 0x00, 0x01, /* Bearer Type: analog */
	0x00, 0x00, 0x00, 0x01, /* Framing Type: async */
	0x00, 0x0a,             /* Packet Recv. Window Size 10 */
	0x00, 0x00,             /* Packet Processing Delay 0 */
};

/* PcapPlusPlus__GrePackets-PPTP_negotiation.cap frame 10: OCRP, PAC Call ID 24, Peer 1. */
static const uint8_t ppp_ocrp[32] = {
	0x00, 0x20, 0x00, 0x01, /* Length 32, Message Type 1 */
	0x1a, 0x2b, 0x3c, 0x4d, /* Magic Cookie */
	0x00, 0x08, 0x00, 0x00, /* OCRP, Reserved0 */
	0x00, 0x18,             /* Call ID 24 (the PAC's) */
	0x00, 0x01,             /* Peer's Call ID 1 (the PNS's) */
	0x01,                   /* Result Code 1: connected */
	0x00,                   /* Error Code 0 */
	0x00, 0x00,             /* Cause Code 0 */
	0x00, 0x00, 0xfa, 0x00, /* Connect Speed 64000 */
	0x00, 0x10,             /* Packet Recv. Window Size 16 */
	0x00, 0x00,             /* Packet Processing Delay */
	0x00, 0x00, 0x00, 0x00, /* Physical Channel ID */
};

/* tcpdump__pptp.pcap frame 15: SLI from the PNS, Peer's Call ID 0. */
static const uint8_t td_sli[24] = {
	0x00, 0x18, 0x00, 0x01, /* Length 24, Message Type 1 */
	0x1a, 0x2b, 0x3c, 0x4d, /* Magic Cookie */
	0x00, 0x0f, 0x00, 0x00, /* SLI, Reserved0 */
	0x00, 0x00,             /* Peer's Call ID 0 */
	0x00, 0x00,             /* Reserved1 */
	0xff, 0xff, 0xff, 0xff, /* Send ACCM */
	0xff, 0xff, 0xff, 0xff, /* Receive ACCM */
};

/* clang-format on */

/* ---- the table ---- */

START_TEST(test_table_row)
{
	const struct want_row *w = &want[_i];
	const struct pptp_type_info *info = pptp_type_info(w->type);

	ck_assert_ptr_nonnull(info);
	ck_assert_uint_eq(info->type, w->type);
	ck_assert_str_eq(info->abbrev, w->abbrev);
	ck_assert_ptr_nonnull(info->name);
	ck_assert_uint_eq(info->length, w->length);
	ck_assert_int_eq(info->sender, w->sender);
	ck_assert_uint_eq(info->call_id_off, w->call_off);
	ck_assert_int_eq(info->call_id_owner, w->call_owner);
	ck_assert_uint_eq(info->peer_call_id_off, w->peer_off);
	ck_assert_int_eq(info->peer_call_id_owner, w->peer_owner);
}
END_TEST

START_TEST(test_table_range)
{
	ck_assert_ptr_null(pptp_type_info(0));
	ck_assert_ptr_null(pptp_type_info(16));
	ck_assert_ptr_null(pptp_type_info(0xffff));
}
END_TEST

START_TEST(test_table_names)
{
	ck_assert_str_eq(pptp_type_info(PPTP_OCRQ)->name, "Outgoing-Call-Request");
	ck_assert_str_eq(pptp_type_info(PPTP_SLI)->name, "Set-Link-Info");
}
END_TEST

/* ---- every type at its fixed length ---- */

START_TEST(test_template_parses)
{
	const struct want_row *w = &want[_i];
	uint8_t b[PPTP_MAX_MESSAGE_LEN];
	size_t len = build(w, b, sizeof(b));
	struct pptp_msg m;

	ck_assert_int_eq(pptp_parse(b, len, &m), PARSE_OK);
	ck_assert_uint_eq(m.length, w->length);
	ck_assert_uint_eq(m.pptp_msg_type, 1);
	ck_assert_uint_eq(m.type, w->type);
	ck_assert_ptr_eq(m.info, pptp_type_info(w->type));
	ck_assert_uint_eq(m.warnings, 0);
	ck_assert_int_eq(m.has_call_id, w->call_off != 0);
	ck_assert_uint_eq(m.call_id, w->call_off ? V_CALL : 0);
	ck_assert_int_eq(m.has_peer_call_id, w->peer_off != 0);
	ck_assert_uint_eq(m.peer_call_id, w->peer_off ? V_PEER : 0);
	ck_assert_uint_eq(m.serial, w->serial_off ? V_SERIAL : 0);
	ck_assert_uint_eq(m.version, w->version_off ? V_VERSION : 0);
	ck_assert_uint_eq(m.identifier, w->ident_off ? V_IDENT : 0);
	ck_assert_uint_eq(m.result, w->result_off ? V_RESULT : 0);
	ck_assert_uint_eq(m.error, w->error_off ? V_ERROR : 0);
	ck_assert_uint_eq(m.cause, w->cause_off ? V_CAUSE : 0);
}
END_TEST

START_TEST(test_template_frames)
{
	uint8_t b[PPTP_MAX_MESSAGE_LEN];
	size_t len = build(&want[_i], b, sizeof(b)), msg_len = 0;

	/* Trailing bytes of the next message do not change the frame. */
	ck_assert_int_eq(pptp_frame(b, sizeof(b), &msg_len), PARSE_OK);
	ck_assert_uint_eq(msg_len, len);
}
END_TEST

START_TEST(test_template_prefixes)
{
	uint8_t b[PPTP_MAX_MESSAGE_LEN];
	size_t len = build(&want[_i], b, sizeof(b)), n;

	for (n = 0; n < len; n++) {
		struct pptp_msg m;
		size_t msg_len = 99;

		ck_assert_int_eq(pptp_frame(b, n, &msg_len), PARSE_TRUNCATED);
		ck_assert_uint_eq(msg_len, 0);
		ck_assert_int_eq(pptp_parse(b, n, &m), PARSE_TRUNCATED);
	}
}
END_TEST

/* Shorter than the fields the type needs: INVALID; one byte more: OK, warned. */
START_TEST(test_template_too_short)
{
	const struct want_row *w = &want[_i];
	uint8_t b[PPTP_MAX_MESSAGE_LEN];
	size_t need = 12;
	struct pptp_msg m;

	build(w, b, sizeof(b));
	if (w->call_off && w->call_off + 2u > need)
		need = w->call_off + 2u;
	if (w->peer_off && w->peer_off + 2u > need)
		need = w->peer_off + 2u;
	if (w->serial_off && w->serial_off + 2u > need)
		need = w->serial_off + 2u;
	if (w->version_off && w->version_off + 2u > need)
		need = w->version_off + 2u;
	if (w->ident_off && w->ident_off + 4u > need)
		need = w->ident_off + 4u;
	if (w->result_off && w->result_off + 1u > need)
		need = w->result_off + 1u;
	if (w->error_off && w->error_off + 1u > need)
		need = w->error_off + 1u;
	if (w->cause_off && w->cause_off + 2u > need)
		need = w->cause_off + 2u;
	put16(b, 0, (uint16_t)need);
	ck_assert_int_eq(pptp_parse(b, need, &m), PARSE_OK);
	ck_assert_uint_eq(m.warnings, need == w->length ? 0 : PPTP_WARN_LENGTH);
	if (need > 12) {
		put16(b, 0, (uint16_t)(need - 1));
		ck_assert_int_eq(pptp_parse(b, need - 1, &m), PARSE_INVALID);
	}
}
END_TEST

/* ---- header checks ---- */

static const uint16_t bad_lengths[] = {0, 1, 11, PPTP_MAX_MESSAGE_LEN + 1, 65535};

START_TEST(test_bad_length)
{
	uint8_t b[16] = {
	    0x00, 0x00, 0x00, 0x01, /* Length (set below), Message Type 1 */
	    0x1a, 0x2b, 0x3c, 0x4d, /* Magic Cookie */
	    0x00, 0x05, 0x00, 0x00, /* Echo-Request, Reserved0 */
	    0x00, 0x00, 0x00, 0x01, /* Identifier */
	};
	struct pptp_msg m;
	size_t msg_len;

	put16(b, 0, bad_lengths[_i]);
	ck_assert_int_eq(pptp_frame(b, sizeof(b), &msg_len), PARSE_INVALID);
	ck_assert_int_eq(pptp_parse(b, sizeof(b), &m), PARSE_INVALID);
	/* The Length alone decides: two bytes are enough. */
	ck_assert_int_eq(pptp_frame(b, 2, &msg_len), PARSE_INVALID);
}
END_TEST

START_TEST(test_max_length_frames)
{
	uint8_t b[PPTP_MAX_MESSAGE_LEN];
	struct pptp_msg m;
	size_t msg_len;

	build(&want[PPTP_ECHORQ - 1], b, sizeof(b));
	put16(b, 0, PPTP_MAX_MESSAGE_LEN);
	ck_assert_int_eq(pptp_frame(b, sizeof(b), &msg_len), PARSE_OK);
	ck_assert_uint_eq(msg_len, PPTP_MAX_MESSAGE_LEN);
	ck_assert_int_eq(pptp_parse(b, sizeof(b), &m), PARSE_OK);
	ck_assert_uint_eq(m.warnings, PPTP_WARN_LENGTH);
}
END_TEST

START_TEST(test_bad_cookie)
{
	uint8_t b[24];
	struct pptp_msg m;
	size_t msg_len;

	memcpy(b, td_sli, sizeof(b));
	b[7] = 0x4e; /* Magic Cookie 0x1a2b3c4e */
	ck_assert_int_eq(pptp_frame(b, sizeof(b), &msg_len), PARSE_INVALID);
	ck_assert_int_eq(pptp_frame(b, 8, &msg_len), PARSE_INVALID);
	ck_assert_int_eq(pptp_parse(b, sizeof(b), &m), PARSE_INVALID);
}
END_TEST

/* Before all four cookie bytes are there, framing waits. */
START_TEST(test_cookie_needs_eight_bytes)
{
	static const uint8_t b[7] = {0x00, 0x18, 0x00, 0x01, 0xff, 0xff, 0xff};
	size_t msg_len;

	ck_assert_int_eq(pptp_frame(b, sizeof(b), &msg_len), PARSE_TRUNCATED);
}
END_TEST

START_TEST(test_unknown_type)
{
	uint8_t b[24];
	struct pptp_msg m;
	size_t msg_len;

	memcpy(b, td_sli, sizeof(b));
	put16(b, 8, 16); /* Control Message Type 16: none */
	ck_assert_int_eq(pptp_frame(b, sizeof(b), &msg_len), PARSE_OK);
	ck_assert_int_eq(pptp_parse(b, sizeof(b), &m), PARSE_INVALID);
	put16(b, 8, 0);
	ck_assert_int_eq(pptp_parse(b, sizeof(b), &m), PARSE_INVALID);
}
END_TEST

START_TEST(test_warn_reserved)
{
	uint8_t b[24];
	struct pptp_msg m;

	memcpy(b, td_sli, sizeof(b));
	b[11] = 0x01; /* Reserved0 1 */
	ck_assert_int_eq(pptp_parse(b, sizeof(b), &m), PARSE_OK);
	ck_assert_uint_eq(m.warnings, PPTP_WARN_RESERVED);
}
END_TEST

START_TEST(test_warn_msg_type)
{
	uint8_t b[24];
	struct pptp_msg m;

	memcpy(b, td_sli, sizeof(b));
	b[3] = 0x02; /* PPTP Message Type 2: management */
	ck_assert_int_eq(pptp_parse(b, sizeof(b), &m), PARSE_OK);
	ck_assert_uint_eq(m.warnings, PPTP_WARN_MSG_TYPE);
	ck_assert_uint_eq(m.pptp_msg_type, 2);
}
END_TEST

START_TEST(test_warn_long)
{
	uint8_t b[172] = {0};
	struct pptp_msg m;

	memcpy(b, td_ocrq, sizeof(td_ocrq));
	put16(b, 0, 172); /* four bytes of vendor padding */
	ck_assert_int_eq(pptp_parse(b, sizeof(b), &m), PARSE_OK);
	ck_assert_uint_eq(m.warnings, PPTP_WARN_LENGTH);
	ck_assert_uint_eq(m.serial, 0x7828);
}
END_TEST

/* A buffer longer than Length parses the message alone. */
START_TEST(test_parse_narrows)
{
	uint8_t b[40];
	struct pptp_msg m;

	memcpy(b, td_sli, sizeof(td_sli));
	memset(b + sizeof(td_sli), 0xee, sizeof(b) - sizeof(td_sli));
	ck_assert_int_eq(pptp_parse(b, sizeof(b), &m), PARSE_OK);
	ck_assert_uint_eq(m.length, 24);
	ck_assert_uint_eq(m.warnings, 0);
}
END_TEST

/* ---- real messages ---- */

START_TEST(test_real_sccrq_windows)
{
	struct pptp_msg m;

	ck_assert_int_eq(pptp_parse(td_sccrq, sizeof(td_sccrq), &m), PARSE_OK);
	ck_assert_uint_eq(m.type, PPTP_SCCRQ);
	ck_assert_uint_eq(m.version, 0x0100);
	ck_assert_uint_eq(m.warnings, 0);
	ck_assert_int_eq(m.has_call_id, false);
}
END_TEST

START_TEST(test_real_sccrq_ixia)
{
	struct pptp_msg m;

	ck_assert_int_eq(pptp_parse(ppp_sccrq, sizeof(ppp_sccrq), &m), PARSE_OK);
	ck_assert_uint_eq(m.type, PPTP_SCCRQ);
	ck_assert_uint_eq(m.version, 0x0100);
}
END_TEST

START_TEST(test_real_ocrq_serial)
{
	struct pptp_msg m;

	ck_assert_int_eq(pptp_parse(td_ocrq, sizeof(td_ocrq), &m), PARSE_OK);
	ck_assert_uint_eq(m.type, PPTP_OCRQ);
	ck_assert_int_eq(m.has_call_id, true);
	ck_assert_uint_eq(m.call_id, 0);
	ck_assert_int_eq(m.has_peer_call_id, false);
	ck_assert_uint_eq(m.serial, 0x7828);
}
END_TEST

START_TEST(test_real_ocrq_call_id)
{
	struct pptp_msg m;

	ck_assert_int_eq(pptp_parse(ppp_ocrq, sizeof(ppp_ocrq), &m), PARSE_OK);
	ck_assert_uint_eq(m.call_id, 1);
	ck_assert_int_eq(m.info->call_id_owner, PPTP_ID_PNS);
}
END_TEST

START_TEST(test_real_ocrp)
{
	struct pptp_msg m;

	ck_assert_int_eq(pptp_parse(ppp_ocrp, sizeof(ppp_ocrp), &m), PARSE_OK);
	ck_assert_uint_eq(m.type, PPTP_OCRP);
	ck_assert_uint_eq(m.call_id, 24);
	ck_assert_uint_eq(m.peer_call_id, 1);
	ck_assert_uint_eq(m.result, 1);
	ck_assert_str_eq(pptp_result_name(m.type, m.result), "connected");
	ck_assert_uint_eq(m.error, 0);
	ck_assert_uint_eq(m.cause, 0);
}
END_TEST

START_TEST(test_real_sli)
{
	struct pptp_msg m;

	ck_assert_int_eq(pptp_parse(td_sli, sizeof(td_sli), &m), PARSE_OK);
	ck_assert_uint_eq(m.type, PPTP_SLI);
	ck_assert_int_eq(m.has_call_id, false);
	ck_assert_int_eq(m.has_peer_call_id, true);
	ck_assert_uint_eq(m.peer_call_id, 0);
	ck_assert_int_eq(m.info->peer_call_id_owner, PPTP_ID_PAC);
}
END_TEST

/* ---- framing a stream ---- */

START_TEST(test_back_to_back)
{
	uint8_t b[sizeof(ppp_ocrp) + sizeof(td_sli)];
	struct pptp_msg m;
	size_t msg_len;

	memcpy(b, ppp_ocrp, sizeof(ppp_ocrp));
	memcpy(b + sizeof(ppp_ocrp), td_sli, sizeof(td_sli));
	ck_assert_int_eq(pptp_frame(b, sizeof(b), &msg_len), PARSE_OK);
	ck_assert_uint_eq(msg_len, 32);
	ck_assert_int_eq(pptp_frame(b + 32, sizeof(b) - 32, &msg_len), PARSE_OK);
	ck_assert_uint_eq(msg_len, 24);
	ck_assert_int_eq(pptp_parse(b + 32, msg_len, &m), PARSE_OK);
	ck_assert_uint_eq(m.type, PPTP_SLI);
}
END_TEST

START_TEST(test_resync_after_garbage)
{
	uint8_t b[5 + sizeof(td_sli)] = {0xde, 0xad, 0x1a, 0x2b, 0x00}; /* garbage */

	memcpy(b + 5, td_sli, sizeof(td_sli));
	ck_assert_uint_eq(pptp_resync(b, sizeof(b)), 5);
}
END_TEST

/* A valid header at offset 0 is skipped: resync always moves on. */
START_TEST(test_resync_skips_offset_zero)
{
	uint8_t b[2 * sizeof(td_sli)];

	memcpy(b, td_sli, sizeof(td_sli));
	memcpy(b + sizeof(td_sli), td_sli, sizeof(td_sli));
	ck_assert_uint_eq(pptp_resync(b, sizeof(b)), sizeof(td_sli));
}
END_TEST

/* Message Type 3 is no candidate, though the cookie matches. */
START_TEST(test_resync_needs_msg_type)
{
	uint8_t b[1 + sizeof(td_sli)] = {0xff};

	memcpy(b + 1, td_sli, sizeof(td_sli));
	b[4] = 0x03; /* PPTP Message Type 3 */
	ck_assert_uint_eq(pptp_resync(b, sizeof(b)), sizeof(b));
}
END_TEST

/* Nothing plausible anywhere: everything may go. */
START_TEST(test_resync_all_garbage)
{
	uint8_t b[64];

	memset(b, 0xff, sizeof(b));
	ck_assert_uint_eq(pptp_resync(b, sizeof(b)), sizeof(b));
}
END_TEST

/* A header cut short at the end of the buffer is kept for later. */
START_TEST(test_resync_keeps_tail)
{
	static const uint8_t b[] = {
	    0xff, 0xff, 0xff, 0xff,       /* garbage */
	    0x00, 0x18, 0x00, 0x01, 0x1a, /* Length 24, Message Type 1, cookie's first byte */
	};

	ck_assert_uint_eq(pptp_resync(b, sizeof(b)), 4);
}
END_TEST

START_TEST(test_resync_tiny)
{
	static const uint8_t b[1] = {0x00};

	ck_assert_uint_eq(pptp_resync(b, 1), 1);
	ck_assert_uint_eq(pptp_resync(b, 0), 0);
}
END_TEST

/* The loop a caller runs: frame, or resync after INVALID; two messages come out. */
START_TEST(test_stream_loop)
{
	uint8_t b[3 + sizeof(ppp_ocrp) + 7 + sizeof(td_sli)];
	size_t off = 0, found = 0, turns;

	memset(b, 0x1a, sizeof(b));
	memcpy(b + 3, ppp_ocrp, sizeof(ppp_ocrp));
	memcpy(b + 3 + sizeof(ppp_ocrp) + 7, td_sli, sizeof(td_sli));
	for (turns = 0; off < sizeof(b) && turns < sizeof(b); turns++) {
		size_t msg_len;
		enum parse_status st = pptp_frame(b + off, sizeof(b) - off, &msg_len);

		if (st == PARSE_TRUNCATED)
			break;
		if (st == PARSE_INVALID) {
			off += pptp_resync(b + off, sizeof(b) - off);
			continue;
		}
		found++;
		off += msg_len;
	}
	ck_assert_uint_eq(found, 2);
	ck_assert_uint_eq(off, sizeof(b));
}
END_TEST

/* ---- fingerprints ---- */

START_TEST(test_fingerprint_ignores_call_ids)
{
	uint8_t b[sizeof(ppp_ocrp)];

	memcpy(b, ppp_ocrp, sizeof(b));
	put16(b, 12, 0x4242); /* Call ID */
	put16(b, 14, 0xb400); /* Peer's Call ID */
	ck_assert_uint_eq(pptp_fingerprint(b, sizeof(b)),
	                  pptp_fingerprint(ppp_ocrp, sizeof(ppp_ocrp)));
}
END_TEST

START_TEST(test_fingerprint_ignores_sli_peer)
{
	uint8_t b[sizeof(td_sli)];

	memcpy(b, td_sli, sizeof(b));
	put16(b, 12, 0x0100); /* Peer's Call ID */
	ck_assert_uint_eq(pptp_fingerprint(b, sizeof(b)), pptp_fingerprint(td_sli, sizeof(td_sli)));
}
END_TEST

START_TEST(test_fingerprint_serial_differs)
{
	uint8_t b[sizeof(td_ocrq)];

	memcpy(b, td_ocrq, sizeof(b));
	put16(b, 14, 0x7829); /* Call Serial Number */
	ck_assert_uint_ne(pptp_fingerprint(b, sizeof(b)),
	                  pptp_fingerprint(td_ocrq, sizeof(td_ocrq)));
}
END_TEST

START_TEST(test_fingerprint_result_differs)
{
	uint8_t b[sizeof(ppp_ocrp)];

	memcpy(b, ppp_ocrp, sizeof(b));
	b[16] = 4; /* Result Code: busy */
	ck_assert_uint_ne(pptp_fingerprint(b, sizeof(b)),
	                  pptp_fingerprint(ppp_ocrp, sizeof(ppp_ocrp)));
}
END_TEST

/* The same bytes at another address, misaligned, hash the same. */
START_TEST(test_fingerprint_deterministic)
{
	uint8_t b[1 + sizeof(td_sccrq)];

	memcpy(b + 1, td_sccrq, sizeof(td_sccrq));
	ck_assert_uint_eq(pptp_fingerprint(b + 1, sizeof(td_sccrq)),
	                  pptp_fingerprint(td_sccrq, sizeof(td_sccrq)));
}
END_TEST

/* Past PPTP_MAX_MESSAGE_LEN bytes nothing counts. */
START_TEST(test_fingerprint_caps_length)
{
	uint8_t a[PPTP_MAX_MESSAGE_LEN + 16], b[PPTP_MAX_MESSAGE_LEN + 16];

	memset(a, 0x11, sizeof(a));
	memcpy(a, ppp_ocrp, sizeof(ppp_ocrp));
	memcpy(b, a, sizeof(b));
	b[PPTP_MAX_MESSAGE_LEN + 3] = 0x22;
	ck_assert_uint_eq(pptp_fingerprint(a, sizeof(a)), pptp_fingerprint(b, sizeof(b)));
	ck_assert_uint_eq(pptp_fingerprint(a, sizeof(a)),
	                  pptp_fingerprint(a, PPTP_MAX_MESSAGE_LEN));
}
END_TEST

/* A cut message still loses its Call ID bytes: one byte of Call ID present. */
START_TEST(test_fingerprint_partial_call_id)
{
	uint8_t b[13];

	memcpy(b, ppp_ocrp, sizeof(b));
	b[12] = 0x77;
	ck_assert_uint_eq(pptp_fingerprint(b, sizeof(b)), pptp_fingerprint(ppp_ocrp, sizeof(b)));
}
END_TEST

/* ---- result names ---- */

static const struct {
	uint16_t type;
	uint8_t result;
	const char *name;
} want_results[] = {
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
    {PPTP_SCCRP, 1, "success"},
    {PPTP_SCCRP, 2, "general error"},
    {PPTP_SCCRP, 3, "command channel already exists"},
    {PPTP_SCCRP, 4, "not authorized"},
    {PPTP_SCCRP, 5, "unsupported protocol version"},
    {PPTP_STOPCCRP, 1, "ok"},
    {PPTP_STOPCCRP, 2, "general error"},
    {PPTP_CDN, 1, "lost carrier"},
    {PPTP_CDN, 2, "general error"},
    {PPTP_CDN, 3, "admin shutdown"},
    {PPTP_CDN, 4, "request"},
    {PPTP_ECHORP, 1, "ok"},
    {PPTP_ECHORP, 2, "general error"},
    /* unknown */
    {PPTP_OCRP, 0, "unknown"},
    {PPTP_OCRP, 8, "unknown"},
    {PPTP_ICRP, 4, "unknown"},
    {PPTP_OCRQ, 1, "unknown"},
    {0, 1, "unknown"},
};

START_TEST(test_result_name)
{
	ck_assert_str_eq(pptp_result_name(want_results[_i].type, want_results[_i].result),
	                 want_results[_i].name);
}
END_TEST

static Suite *
pptp_suite(void)
{
	Suite *s = suite_create("pptp");
	TCase *tc;

	tc = tcase_create("table");
	tcase_add_loop_test(tc, test_table_row, 0, ARRAY_LEN(want));
	tcase_add_test(tc, test_table_range);
	tcase_add_test(tc, test_table_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("templates");
	tcase_add_loop_test(tc, test_template_parses, 0, ARRAY_LEN(want));
	tcase_add_loop_test(tc, test_template_frames, 0, ARRAY_LEN(want));
	tcase_add_loop_test(tc, test_template_prefixes, 0, ARRAY_LEN(want));
	tcase_add_loop_test(tc, test_template_too_short, 0, ARRAY_LEN(want));
	suite_add_tcase(s, tc);

	tc = tcase_create("header");
	tcase_add_loop_test(tc, test_bad_length, 0, ARRAY_LEN(bad_lengths));
	tcase_add_test(tc, test_max_length_frames);
	tcase_add_test(tc, test_bad_cookie);
	tcase_add_test(tc, test_cookie_needs_eight_bytes);
	tcase_add_test(tc, test_unknown_type);
	tcase_add_test(tc, test_warn_reserved);
	tcase_add_test(tc, test_warn_msg_type);
	tcase_add_test(tc, test_warn_long);
	tcase_add_test(tc, test_parse_narrows);
	suite_add_tcase(s, tc);

	tc = tcase_create("real");
	tcase_add_test(tc, test_real_sccrq_windows);
	tcase_add_test(tc, test_real_sccrq_ixia);
	tcase_add_test(tc, test_real_ocrq_serial);
	tcase_add_test(tc, test_real_ocrq_call_id);
	tcase_add_test(tc, test_real_ocrp);
	tcase_add_test(tc, test_real_sli);
	suite_add_tcase(s, tc);

	tc = tcase_create("framing");
	tcase_add_test(tc, test_back_to_back);
	tcase_add_test(tc, test_resync_after_garbage);
	tcase_add_test(tc, test_resync_skips_offset_zero);
	tcase_add_test(tc, test_resync_needs_msg_type);
	tcase_add_test(tc, test_resync_all_garbage);
	tcase_add_test(tc, test_resync_keeps_tail);
	tcase_add_test(tc, test_resync_tiny);
	tcase_add_test(tc, test_stream_loop);
	suite_add_tcase(s, tc);

	tc = tcase_create("fingerprint");
	tcase_add_test(tc, test_fingerprint_ignores_call_ids);
	tcase_add_test(tc, test_fingerprint_ignores_sli_peer);
	tcase_add_test(tc, test_fingerprint_serial_differs);
	tcase_add_test(tc, test_fingerprint_result_differs);
	tcase_add_test(tc, test_fingerprint_deterministic);
	tcase_add_test(tc, test_fingerprint_caps_length);
	tcase_add_test(tc, test_fingerprint_partial_call_id);
	suite_add_tcase(s, tc);

	tc = tcase_create("results");
	tcase_add_loop_test(tc, test_result_name, 0, ARRAY_LEN(want_results));
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(pptp_suite)
