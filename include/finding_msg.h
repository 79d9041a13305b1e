/*
 * What a finding says, as data: which sentence applies (a kind) and the
 * typed values it needs.  The judge (verdict.c) fills these in; only the
 * report layer (finding_text.c) turns them into English.
 */
#ifndef PPTP_NATCHECK_FINDING_MSG_H
#define PPTP_NATCHECK_FINDING_MSG_H

#include <stdint.h>

#include "addr.h"
#include "side.h"

/* Values one sentence needs at most (an editor note listing three translations: eleven). */
#define MSG_MAX_ARGS 12
/* Values one evidence label needs at most (an ICMP error's: four). */
#define LABEL_MAX_ARGS 4

enum msg_arg_type {
	MARG_NONE,
	MARG_UINT,    /* a count, a Call ID, a key, a sequence number, a choice */
	MARG_REAL,    /* seconds */
	MARG_ADDR,    /* an IP address */
	MARG_SIDE,    /* a capture (enum side_role) */
	MARG_NAME,    /* a name from a static table (message abbreviation, ICMP type) */
	MARG_UNKNOWN, /* a value no packet showed ("unknown") */
};

struct msg_arg {
	enum msg_arg_type type;
	union {
		uint64_t u;
		double real;
		struct addr addr;
		enum side_role side;
		const char *name; /* static storage only: findings outlive nothing else */
	} v;
};

static inline struct msg_arg
marg_u(uint64_t u)
{
	return (struct msg_arg){.type = MARG_UINT, .v.u = u};
}

static inline struct msg_arg
marg_unknown(void)
{
	return (struct msg_arg){.type = MARG_UNKNOWN};
}

static inline struct msg_arg
marg_real(double r)
{
	return (struct msg_arg){.type = MARG_REAL, .v.real = r};
}

static inline struct msg_arg
marg_addr(const struct addr *a)
{
	return (struct msg_arg){.type = MARG_ADDR, .v.addr = *a};
}

static inline struct msg_arg
marg_side(enum side_role s)
{
	return (struct msg_arg){.type = MARG_SIDE, .v.side = s};
}

static inline struct msg_arg
marg_name(const char *name)
{
	return (struct msg_arg){.type = MARG_NAME, .v.name = name};
}

/* Which sentence a finding says. */
enum finding_msg {
	MSG_NONE,             /* says nothing */
	MSG_INPUT_DIAGNOSTIC, /* an input diagnostic: count, and its first detail quoted */
	MSG_GRE_MAPPING_LOST_ICMP,
	MSG_GRE_MAPPING_LOST,
	MSG_GRE_BLOCKED,
	MSG_GRE_FORWARD_BLOCKED,
	MSG_GRE_LOSS_TO_PAC,
	MSG_GRE_MERGED,
	MSG_GRE_MISDELIVERED,
	MSG_GRE_NOT_RESTORED,
	MSG_GRE_RETURN_BLOCKED,
	MSG_GRE_LOSS_TO_PNS,
	MSG_GRE_CHECKSUM_BAD,
	MSG_GRE_ACK_STALLED,
	MSG_LCP_NO_REPLY,
	MSG_FIELD_MUST_STAY,
	MSG_FIELD_INCONSISTENT,
	MSG_FIELD_NOT_RESTORED,
	MSG_CDN_REWRITTEN_BY_EDITOR,
	MSG_COLLISION,
	MSG_COLLISIONS_DROPPED,
	MSG_EDITOR_DETECTED_1, /* listing one translation */
	MSG_EDITOR_DETECTED_2,
	MSG_EDITOR_DETECTED_3,
	MSG_EDITOR_ABSENT,
	MSG_CALL_REFUSED,
	MSG_CDN_CALL_ID_IS_PNS,
	MSG_SLI_FROM_PAC,
	MSG_CALLS_DROPPED,
	MSG_CHECKSUM_OFFLOAD,
	MSG_CONTROL_CHECKSUM_BAD,
	MSG_GRE_ONE_WAY,
	MSG_TUNNEL_UNMATCHED,
	MSG_GRE_UNCLAIMED,
	MSG_EVIDENCE_INCOMPLETE,
	MSG_GRE_NOT_CAPTURED,
	MSG_GRE_NOT_CAPTURED_BOTH,
	MSG_GRE_ABSENT,
	MSG_CLOCK_OFFSET_UNCERTAIN,
	MSG_CLOCK_OFFSET,
	MSG_NO_OVERLAP,
	MSG_NO_PPTP,
	MSG_COUNT
};

/* Which label an evidence frame bears. */
enum evidence_label {
	LABEL_NONE,
	LABEL_INPUT_DIAGNOSTIC, /* the input layer's detail, quoted */
	LABEL_ICMP_QUOTING_GRE,
	LABEL_LAST_ICMP_QUOTING_GRE,
	LABEL_ICMP_QUOTING_CONTROL,
	LABEL_LAST_GRE_DELIVERED,
	LABEL_SAME_PACKET_DELIVERED,
	LABEL_LAST_GRE_CLIENT_RECEIVED,
	LABEL_FIRST_GRE_NOT_DELIVERED,
	LABEL_LAST_GRE_NOT_DELIVERED,
	LABEL_FIRST_GRE_TO_PAC,
	LABEL_LAST_GRE_TO_PAC,
	LABEL_FIRST_GRE_TO_PNS,
	LABEL_CALL_ESTABLISHED_OCRP,
	LABEL_GRE_SEQ,
	LABEL_GRE_SEQ_AGAIN,
	LABEL_GRE_TO_PNS,
	LABEL_GRE_KEY,
	LABEL_CALL_ESTABLISHED_INSIDE,
	LABEL_LAST_CHECKSUM_GOOD,
	LABEL_FIRST_CHECKSUM_BAD,
	LABEL_LAST_GRE_DIR,
	LABEL_LAST_GRE_BACK,
	LABEL_FIRST_LCP_REQUEST,
	LABEL_MSG_FIELD,
	LABEL_CDN_CALL_ID,
	LABEL_SLI_PEER_CALL_ID,
	LABEL_TUNNEL_UP,
	LABEL_CALL_REFUSED,
	LABEL_FIRST_PACKET_BAD_CHECKSUM,
	LABEL_FIRST_GRE,
	LABEL_TUNNEL_STARTS,
	LABEL_FIRST_GRE_TO_NAT,
	LABEL_LAST_GRE_TO_NAT,
	LABEL_TUNNEL_NONE_BACK,
	LABEL_CODE,
	LABEL_CALL_SET_UP,
	LABEL_COUNT
};

#endif
