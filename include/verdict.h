/*
 * Judging: findings (code, severity, tunnels, what they say, evidence from both
 * captures), a verdict per tunnel and overall, and the exit status.
 */
#ifndef PPTP_NATCHECK_VERDICT_H
#define PPTP_NATCHECK_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "code.h"
#include "correlate.h"
#include "finding_msg.h"
#include "side.h"

/* Findings kept: a report longer than this helps nobody; the rest are counted. */
#define VERDICT_MAX_FINDINGS 1000
/* Tunnels listed per finding: the listing is cut here, never the count
 * (tunnels_total; every tunnel's own codes are in its tunnel_verdict). */
#define FINDING_MAX_TUNNELS 16
#define FINDING_MAX_EVIDENCE 6
/* An input diagnostic's detail quoted as an evidence label: its first 90 characters. */
#define EVIDENCE_QUOTE_LEN 91
/* A PPTP message field's name in a finding: "OCRP.peer_call_id", "GRE.key". */
#define FINDING_FIELD_LEN 24

enum verdict_value {
	VERDICT_PASS,
	VERDICT_FAIL,
	VERDICT_INCONCLUSIVE,
};

enum exit_status {
	EXIT_PASS = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_INCONCLUSIVE = 3,
};

struct evidence {
	enum side_role side;
	struct frame_ref where;
	enum evidence_label kind; /* what the frame shows: finding_text.c words it */
	struct msg_arg args[LABEL_MAX_ARGS];
	unsigned nargs;
	char quote[EVIDENCE_QUOTE_LEN]; /* LABEL_INPUT_DIAGNOSTIC: the input layer's words */
};

/* Which way the traffic a finding is about went: to the server (PAC) or to the client (PNS). */
enum finding_dir {
	FDIR_NONE,
	FDIR_TO_PAC,
	FDIR_TO_PNS,
};

/*
 * One finding: data, not prose.  Renderers word it from these fields;
 * finding_text() words its one-line detail from msg and args.
 */
struct finding {
	enum code code;
	enum severity severity;
	bool ignored;    /* --ignore: its rule's severity was lowered to a note */
	uint32_t serial; /* order of creation, from 1 */
	uint32_t tunnels[FINDING_MAX_TUNNELS]; /* tunnel ids, the first FINDING_MAX_TUNNELS */
	unsigned ntunnels;                     /* listed */
	uint32_t tunnels_total;                /* concerned, listed or not */
	/* What it says: a sentence kind and its values (finding_text.c words it). */
	enum finding_msg msg;
	struct msg_arg args[MSG_MAX_ARGS];
	unsigned nargs;
	char quote[DIAG_DETAIL_LEN]; /* MSG_INPUT_DIAGNOSTIC: the input layer's own words */
	struct evidence evidence[FINDING_MAX_EVIDENCE];
	unsigned nevidence;
	/* What the finding is about, where known. */
	bool has_side;
	enum side_role side; /* the capture it rests on */
	/* An absence seen in a damaged capture: a warning, not an error. */
	bool weak;
	enum side_role weak_side;
	bool weak_torn; /* that capture is not damaged but ends in a torn record (side_call_cut) */
	/* Packets tied to tunnels by Call IDs that lost control bytes may have
	 * been tied wrongly: a warning, not an error. */
	bool weak_association;
	enum finding_dir dir;
	/* A value the NAT translated or had to leave alone: field ("" when none),
	 * what the inside and outside captures carried, and what was due. */
	char field[FINDING_FIELD_LEN];
	bool has_inside_value, has_outside_value, has_expected_value;
	uint32_t inside_value, outside_value, expected_value;
	/* Packet counts (GRE) per capture. */
	bool has_packets;
	uint64_t packets_inside, packets_outside;
	/* The counts belong to a (src, dst, Call ID) triple several tunnels
	 * shared: the same numbers for each of them, said once. */
	bool has_triple, shared;
	struct addr triple_src, triple_dst;
	uint16_t triple_call_id;
};

/* Per tunnel: the verdict and which fields of the diagram the NAT broke. */
#define MARK_REQUEST 0x01 /* OCRQ/ICRP Call ID */
#define MARK_REPLY 0x02   /* OCRP/ICCN Peer's Call ID */
#define MARK_TO_PAC 0x04  /* GRE towards the PAC */
#define MARK_TO_PNS 0x08  /* GRE towards the PNS */
#define MARK_OTHER 0x10   /* other control messages */

/* The mark a control message of this type stands for in the diagram. */
unsigned verdict_mark_of_type(uint8_t type);

struct tunnel_verdict {
	enum verdict_value value;
	unsigned marks;
	uint32_t broken_msgs; /* bit 1 << PPTP message type: a Call ID field it carried broke */
	uint64_t codes;       /* bit 1 << code of every finding naming the tunnel */
	unsigned severities;  /* bit 1 << severity of those findings */
};

/* What the NAT is, as far as the pairs of calls show. */
struct nat_profile {
	uint32_t translated; /* calls whose client Call ID the NAT changed */
	uint32_t unchanged;  /* calls whose client Call ID crossed unchanged */
	uint32_t port_like;  /* translated to the NAT's TCP source port (Linux nf_nat_pptp) */
	/* unchanged calls on a control connection whose messages were split
	 * across TCP segments (an editor reading one message per segment misses them) */
	uint32_t unchanged_split;
	/* calls that shared an outside Call ID with another call of the same
	 * control connection (an editor that keeps one call per connection) */
	uint32_t same_conn_collisions;
};

#define VERDICT_IGNORE_BIT(code) ((uint64_t)1 << (unsigned)(code))

struct verdict_options {
	bool strict;     /* warnings fail too */
	uint64_t ignore; /* VERDICT_IGNORE_BIT(code): accepted, reported as notes */
};

struct verdict {
	enum verdict_value value;
	struct finding *findings;
	uint32_t nfindings;
	uint64_t findings_dropped;
	uint32_t count[3];              /* per severity */
	struct tunnel_verdict *tunnels; /* indexed by pair index */
	uint32_t ntunnels;
	struct nat_profile nat;
	struct verdict_options opt; /* what the judge was given */
};

/* a: inside or the single capture; b: outside or NULL. false on memory exhaustion. */
bool verdict_judge(const struct side *a, const struct side *b, const struct correlation *corr,
                   const struct verdict_options *opt, struct verdict *v);
void verdict_free(struct verdict *v);

const char *verdict_name(enum verdict_value v);
enum exit_status verdict_exit_status(enum verdict_value v);

#endif
