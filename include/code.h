/*
 * The one table of finding codes: stable snake_case names (part of the
 * JSON contract), default severity, a title and the helpdesk hint.
 */
#ifndef PPTP_NATCHECK_CODE_H
#define PPTP_NATCHECK_CODE_H

#include <stdbool.h>

/* One word per severity everywhere (text, JSON, manual): note, warning, error. */
enum severity {
	SEV_NOTE,
	SEV_WARNING,
	SEV_ERROR,
	SEV_INFO = SEV_NOTE, /* former name of SEV_NOTE */
};

enum code {
	/* NAT defects: cross-capture evidence (errors unless noted). */
	CODE_CALL_ID_COLLISION,
	CODE_GRE_BLOCKED,
	CODE_GRE_RETURN_BLOCKED,
	CODE_GRE_FORWARD_BLOCKED,
	CODE_GRE_MISDELIVERED,
	CODE_CALL_ID_NOT_RESTORED,
	CODE_REWRITE_INCONSISTENT,
	CODE_UNEXPECTED_REWRITE,
	CODE_IP_CHECKSUM_BAD,
	CODE_TUNNEL_UNMATCHED,
	CODE_CAPTURES_DO_NOT_OVERLAP,
	CODE_GRE_LOSS,
	CODE_GRE_MAPPING_LOST,
	/* Tunnel health seen in one capture. */
	CODE_GRE_ONE_WAY,
	CODE_GRE_ACK_STALLED,
	CODE_LCP_NO_REPLY,
	CODE_CALL_REFUSED,
	CODE_CDN_CALL_ID_IS_PNS,
	CODE_SLI_FROM_PAC,
	CODE_CDN_REWRITTEN_BY_EDITOR,
	CODE_GRE_ABSENT,
	/* What the NAT is, as far as the evidence shows. */
	CODE_NAT_EDITOR_DETECTED,
	CODE_NAT_EDITOR_ABSENT,
	CODE_CLOCK_OFFSET,
	CODE_CLOCK_OFFSET_UNCERTAIN,
	/* Input and protocol diagnostics. */
	CODE_NO_PPTP,
	CODE_EVIDENCE_INCOMPLETE,
	CODE_GRE_NOT_CAPTURED,
	CODE_CHECKSUM_OFFLOAD,
	CODE_CAPTURE_TRUNCATED,
	CODE_CAPTURE_ERROR,
	CODE_SNAPLEN_TRUNCATED,
	CODE_LINK_UNSUPPORTED,
	CODE_IP_INVALID,
	CODE_IP_FRAGMENT_DROPPED,
	CODE_TCP_INVALID,
	CODE_TCP_GAP,
	CODE_TCP_CONFLICT,
	CODE_PPTP_MALFORMED,
	CODE_PPTP_NONSTANDARD,
	CODE_PPTP_RESYNC,
	CODE_CONTROL_MIDSTREAM,
	CODE_PPTP_UNKNOWN_CALL,
	CODE_GRE_INVALID,
	CODE_GRE_NOT_PPTP,
	CODE_LIMIT_REACHED,
	CODE_COUNT /* not a code */
};

struct code_info {
	enum code code;
	const char *name;
	enum severity severity;
	/* What it means: what the user sees and why; "" when none.  What to
	 * do depends on what the analysis detected: diagnosis_advice(). */
	const char *hint;
	const char *title; /* a short noun phrase: "Call ID collision" */
};

/* Range-checked: NULL for values outside the table. */
const struct code_info *code_info(enum code code);
const char *code_name(enum code code);
const char *severity_name(enum severity severity);
/*
 * What evidence an input diagnostic may have lost from its capture (bytes
 * cut, unreadable or contradictory): control messages, GRE packets, or
 * both.  The absence of such evidence there then proves nothing.
 */
#define DAMAGE_CONTROL 0x01
#define DAMAGE_GRE 0x02
#define DAMAGE_ANY (DAMAGE_CONTROL | DAMAGE_GRE)
unsigned code_damage(enum code code);
/* Look a code up by its name (--ignore, tests); false when unknown. */
bool code_by_name(const char *name, enum code *out);

#endif
