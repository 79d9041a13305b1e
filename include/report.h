/*
 * Renderers over a finished analysis (text, JSON, ...) and the helpers
 * they share for times, file labels and frame names: every renderer words
 * the same data the same way.
 */
#ifndef PPTP_NATCHECK_REPORT_H
#define PPTP_NATCHECK_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "correlate.h"
#include "orient.h"
#include "side.h"
#include "verdict.h"

#define REPORT_SCHEMA_VERSION 2

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
/* A self-contained HTML page (inline CSS and SVG, no script). */
bool report_html(FILE *out, const struct report *r);

/* "2026-11-25 08:50:32.123456" (UTC, unmarked) for a timestamp. */
const char *report_time(ts_ns_t ts, char buf[64]);
/* "2026-11-25T08:50:32.123456Z" (ISO 8601 UTC), for machine-read reports. */
const char *report_time_iso(ts_ns_t ts, char buf[64]);
/* The side of an evidence or a finding: inside or outside, or a single capture. */
const struct side *report_side(const struct report *r, enum side_role role);
/* A file's path as given ("" when unknown). */
const char *report_file_path(const struct side *s, uint32_t file);
/* "#12", or "f2#12" when the side is made of several (rotated) files. */
const char *report_frame_name(const struct side *s, const struct frame_ref *ref, char buf[48]);
/* Per tunnel verdicts: how many pass, fail, are inconclusive. */
void report_tunnel_counts(const struct report *r, uint32_t *pass, uint32_t *fail,
                          uint32_t *inconclusive);
/* Tunnels naming code among their findings (every one, not only the listed). */
uint32_t report_code_tunnels(const struct report *r, enum code code);
/*
 * s as HTML or XML text or attribute value: markup characters as entities;
 * control characters, bytes that are not UTF-8 and what XML 1.0 cannot
 * carry as U+FFFD.  Every string that may come from a capture goes
 * through here in the markup renderers.
 */
void report_put_markup(FILE *out, const char *s);
/* Whether finding f lists tunnel id among the tunnels it names. */
bool report_finding_names(const struct finding *f, uint32_t id);
/* The tunnel pair numbered id (ids count from 1, usually pairs[id - 1]); NULL when none. */
const struct tunnel_pair *report_pair_by_id(const struct report *r, uint32_t id);
/* The worst severity among the findings of code (SEV_NOTE when there are none). */
enum severity report_code_worst(const struct report *r, enum code code);
/* Side s's call of pair p (SIDE_A or SIDE_B); NULL when that side or call is missing. */
const struct call *report_pair_call(const struct report *r, const struct tunnel_pair *p, int s);
/* The first message of a type among those call c keeps; NULL when none (or c NULL). */
const struct call_msg *report_find_msg(const struct call *c, uint8_t type);
/*
 * The message of call c (the other capture's twin of m's call) that is m
 * across the NAT: same type and direction, same fingerprint (which masks
 * what a NAT rewrites).  NULL when c or m is NULL or c has none.
 */
const struct call_msg *report_twin_msg(const struct call *c, const struct call_msg *m);
/* "PASS", "FAIL", "INCONCLUSIVE": the verdict as reports shout it. */
const char *report_verdict_word(enum verdict_value v);
/* "ERROR", "WARNING", "note": a finding's severity as its heading shows it. */
const char *report_severity_label(enum severity s);

#endif
