/* Renderers over a finished analysis: the text report and the JSON report. */
#ifndef PPTP_NATCHECK_REPORT_H
#define PPTP_NATCHECK_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "correlate.h"
#include "orient.h"
#include "side.h"
#include "verdict.h"

#define REPORT_SCHEMA_VERSION 1

struct report {
	const struct side *a; /* inside, or the single capture */
	const struct side *b; /* outside, or NULL */
	const struct correlation *corr;
	const struct verdict *verdict;
	bool verbose;
	/* Paired mode: which capture holds the clients (NULL otherwise). */
	const struct orientation *orient;
};

/* Both return false when writing failed (errno says why). */
bool report_text(FILE *out, const struct report *r);
bool report_json(FILE *out, const struct report *r);
/* JUnit XML: a test case per tunnel and one for the capture pair (src/report_junit.c). */
bool report_junit(FILE *out, const struct report *r);

/* "2026-11-25 08:50:32.123456" (UTC) for a timestamp. */
const char *report_time(ts_ns_t ts, char buf[64]);

#endif
