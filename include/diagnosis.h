/*
 * The headline's cause: one root cause chosen from the findings by a small
 * table (no editor, an editor that handles one call per control
 * connection, an editor that missed split messages, GRE filtered, a lost
 * GRE mapping, a checksum bug, a Call ID not restored, ...), as a stable
 * code, a sentence saying what is wrong, and a sentence saying what to do.
 * Every renderer leads with it; none of them judges.
 */
#ifndef PPTP_NATCHECK_DIAGNOSIS_H
#define PPTP_NATCHECK_DIAGNOSIS_H

#include <stddef.h>

#include "code.h"
#include "report.h"

struct diagnosis {
	const char
	    *code; /* stable snake_case cause, e.g. "nat_editor_absent"; "none" on a clean pass */
	char cause[512];     /* one sentence: what is wrong */
	char fix[512];       /* one sentence: what to do; "" when nothing */
	char headline[1024]; /* line 1 of the text report, without the program name:
	                        "FAIL: the NAT has no PPTP editor: ... Fix: ..." */
};

void diagnosis_derive(const struct report *r, struct diagnosis *out);

/*
 * What to do about one finding code, in agreement with what the analysis
 * detected about the NAT (an editor detected is never told to attach one;
 * the Linux editor's limits are named).  "" when there is nothing to do.
 */
const char *diagnosis_advice(const struct report *r, enum code code, char *buf, size_t len);

#endif
