/*
 * Judging: findings (code, severity, tunnels, message, evidence from both
 * captures), a verdict per tunnel and overall, and the exit status.
 */
#ifndef PPTP_NATCHECK_VERDICT_H
#define PPTP_NATCHECK_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "code.h"
#include "correlate.h"
#include "side.h"

/* Findings kept: a report longer than this helps nobody; the rest are counted. */
#define VERDICT_MAX_FINDINGS 1000
#define FINDING_MAX_TUNNELS 8
#define FINDING_MAX_EVIDENCE 6
#define FINDING_MESSAGE_LEN 320
#define EVIDENCE_LABEL_LEN 96

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
	char label[EVIDENCE_LABEL_LEN]; /* "OCRQ Call ID 256" */
};

struct finding {
	enum code code;
	enum severity severity;
	uint32_t tunnels[FINDING_MAX_TUNNELS]; /* tunnel ids */
	unsigned ntunnels;
	char message[FINDING_MESSAGE_LEN];
	struct evidence evidence[FINDING_MAX_EVIDENCE];
	unsigned nevidence;
};

/* Per tunnel: the verdict and which fields of the diagram the NAT broke. */
#define MARK_REQUEST 0x01 /* OCRQ/ICRP Call ID */
#define MARK_REPLY 0x02   /* OCRP/ICCN Peer's Call ID */
#define MARK_TO_PAC 0x04  /* GRE towards the PAC */
#define MARK_TO_PNS 0x08  /* GRE towards the PNS */
#define MARK_OTHER 0x10   /* other control messages */

struct tunnel_verdict {
	enum verdict_value value;
	unsigned marks;
};

struct verdict_options {
	bool strict; /* warnings fail too */
};

struct verdict {
	enum verdict_value value;
	struct finding *findings;
	uint32_t nfindings;
	uint64_t findings_dropped;
	uint32_t count[3];              /* per severity */
	struct tunnel_verdict *tunnels; /* indexed by pair index */
	uint32_t ntunnels;
};

/* a: inside or the single capture; b: outside or NULL. false on memory exhaustion. */
bool verdict_judge(const struct side *a, const struct side *b, const struct correlation *corr,
                   const struct verdict_options *opt, struct verdict *v);
void verdict_free(struct verdict *v);

const char *verdict_name(enum verdict_value v);
enum exit_status verdict_exit_status(enum verdict_value v);

#endif
