/*
 * The JUnit XML report, for CI systems that show test results (Jenkins,
 * GitLab, GitHub Actions reporters): one <testsuite> for the capture pair,
 * one <testcase> per tunnel plus one for the pair itself.
 *
 * Mapping (the contract, documented in the manual):
 *   tunnel FAIL          <failure type="FIRST_CODE" message="CODE, CODE: ...">
 *                        with every finding of the tunnel and its evidence
 *   tunnel INCONCLUSIVE  <skipped message="inconclusive: ...">
 *   tunnel PASS          no child, notes and warnings in <system-out>
 *   "capture pair"       the findings that concern no tunnel: <failure> when
 *                        the run failed and no tunnel carries the failure,
 *                        <error> when an input could not be read whole and
 *                        nothing could be judged, <skipped> when inconclusive
 * The file is deterministic (no run time, no host name), so it can be
 * compared between runs.  What the XML 1.0 character set cannot carry (bytes
 * of broken UTF-8, control characters from a capture) is written as U+FFFD.
 */
#include <stdio.h>
#include <string.h>

#include "diagnosis.h"
#include "finding_text.h"
#include "report.h"

#define JUNIT_TEXT_LEN 1024

/* One finding as text: "error call_id_collision: message", then its evidence. */
static void
put_finding(FILE *out, const struct report *r, const struct finding *f)
{
	const struct code_info *ci = code_info(f->code);
	char line[JUNIT_TEXT_LEN], when[64], advice[512];
	char text[FINDING_TEXT_LEN], label[EVIDENCE_TEXT_LEN];
	unsigned k;

	snprintf(line, sizeof(line), "%s %s: %s\n", severity_name(f->severity), code_name(f->code),
	         finding_text(f, text, sizeof(text)));
	report_put_markup(out, line);
	for (k = 0; k < f->nevidence; k++) {
		const struct evidence *e = &f->evidence[k];
		const char *path = report_file_path(report_side(r, e->side), e->where.file);

		snprintf(line, sizeof(line), "  %s %s frame %llu, %s UTC: %s\n",
		         side_role_name(e->side), path, (unsigned long long)e->where.frame,
		         report_time(e->where.ts, when), evidence_text(e, label, sizeof(label)));
		report_put_markup(out, line);
	}
	if (ci != NULL && ci->hint[0] != 0 && f->severity != SEV_NOTE) {
		snprintf(line, sizeof(line), "  What it means: %s\n", ci->hint);
		report_put_markup(out, line);
	}
	if (f->severity != SEV_NOTE &&
	    diagnosis_advice(r, f->code, advice, sizeof(advice))[0] != 0) {
		snprintf(line, sizeof(line), "  What to do: %s\n", advice);
		report_put_markup(out, line);
	}
}

static bool
finding_in_case(const struct finding *f, uint32_t tunnel_id)
{
	return tunnel_id != 0 ? report_finding_names(f, tunnel_id) : f->ntunnels == 0;
}

/*
 * The findings that concern one tunnel (tunnel_id 0: those that concern
 * none) at or above min_severity, as a list of codes for a message
 * attribute; returns how many there were and the first one's code.
 */
static unsigned
finding_codes(const struct report *r, uint32_t tunnel_id, enum severity min_severity, char *buf,
              size_t n, enum code *first)
{
	const struct verdict *v = r->verdict;
	bool listed[CODE_COUNT] = {false};
	unsigned count = 0;
	size_t used = 0;
	uint32_t i;
	int sev, w;

	buf[0] = 0;
	for (sev = SEV_ERROR; sev >= (int)min_severity; sev--)
		for (i = 0; i < v->nfindings; i++) {
			const struct finding *f = &v->findings[i];
			const char *name = code_name(f->code);

			if ((int)f->severity != sev || !finding_in_case(f, tunnel_id))
				continue;
			if (count++ == 0)
				*first = f->code;
			if ((unsigned)f->code >= CODE_COUNT || listed[f->code] || used + 1 >= n)
				continue; /* one mention per code; the list may be cut, not the
				             count */
			listed[f->code] = true;
			w = snprintf(buf + used, n - used, "%s%s", used > 0 ? ", " : "", name);
			if (w < 0 || (size_t)w >= n - used)
				buf[used] = 0;
			else
				used += (size_t)w;
		}
	return count;
}

/* The case's findings from most to least severe, within [lo, hi]; how many. */
static unsigned
put_findings(FILE *out, const struct report *r, uint32_t tunnel_id, enum severity lo,
             enum severity hi)
{
	const struct verdict *v = r->verdict;
	unsigned n = 0;
	uint32_t i;
	int sev;

	for (sev = (int)hi; sev >= (int)lo; sev--)
		for (i = 0; i < v->nfindings; i++)
			if ((int)v->findings[i].severity == sev &&
			    finding_in_case(&v->findings[i], tunnel_id)) {
				if (out != NULL)
					put_finding(out, r, &v->findings[i]);
				n++;
			}
	return n;
}

/* The pair's inside call, or its outside one when the inside capture has none. */
static const struct call *
pair_call(const struct report *r, const struct tunnel_pair *p)
{
	const struct call *c = report_pair_call(r, p, SIDE_A);

	return c != NULL ? c : report_pair_call(r, p, SIDE_B);
}

/* "tunnel 2: client 10.0.1.12 -> server 203.0.113.10, Call ID 256" */
static void
tunnel_name(char *buf, size_t n, const struct report *r, const struct tunnel_pair *p)
{
	const struct call *c = pair_call(r, p);
	char pns[ADDR_STRLEN], pac[ADDR_STRLEN];

	if (c == NULL) {
		snprintf(buf, n, "tunnel %u", p->id);
		return;
	}
	addr_format(&c->pns, pns);
	addr_format(&c->pac, pac);
	if (!c->roles_known)
		snprintf(buf, n, "tunnel %u: GRE between %s and %s", p->id, pns, pac);
	else if (c->has_pns_call_id)
		snprintf(buf, n, "tunnel %u: client %s -> server %s, Call ID %u", p->id, pns, pac,
		         c->pns_call_id);
	else
		snprintf(buf, n, "tunnel %u: client %s -> server %s", p->id, pns, pac);
}

/* <failure>, <skipped> or nothing, for a case judged `value`. */
static void
put_outcome(FILE *out, const struct report *r, uint32_t tunnel_id, enum verdict_value value,
            bool input_error)
{
	char codes[JUNIT_TEXT_LEN], msg[JUNIT_TEXT_LEN + 64];
	enum code first = CODE_COUNT;
	unsigned n;

	switch (value) {
	case VERDICT_FAIL:
		n = finding_codes(r, tunnel_id, SEV_WARNING, codes, sizeof(codes), &first);
		snprintf(msg, sizeof(msg), "%s", n > 0 ? codes : "failed");
		fputs("      <failure type=\"", out);
		report_put_markup(out, first != CODE_COUNT ? code_name(first) : "fail");
		fputs("\" message=\"", out);
		report_put_markup(out, msg);
		fputs("\">", out);
		put_findings(out, r, tunnel_id, SEV_WARNING, SEV_ERROR);
		fputs("</failure>\n", out);
		break;
	case VERDICT_INCONCLUSIVE:
		n = finding_codes(r, tunnel_id, SEV_WARNING, codes, sizeof(codes), &first);
		snprintf(msg, sizeof(msg), "inconclusive%s%s", n > 0 ? ": " : "",
		         n > 0 ? codes : "");
		fputs(input_error ? "      <error type=\"" : "      <skipped type=\"", out);
		report_put_markup(out, first != CODE_COUNT ? code_name(first) : "inconclusive");
		fputs("\" message=\"", out);
		report_put_markup(out, msg);
		fputs("\">", out);
		put_findings(out, r, tunnel_id, SEV_NOTE, SEV_ERROR);
		fputs(input_error ? "</error>\n" : "</skipped>\n", out);
		break;
	case VERDICT_PASS:
		break;
	}
	/* What did not fail the case stays visible beside it. */
	if (value != VERDICT_INCONCLUSIVE) {
		enum severity hi = value == VERDICT_PASS ? SEV_WARNING : SEV_NOTE;

		if (put_findings(NULL, r, tunnel_id, SEV_NOTE, hi) > 0) {
			fputs("      <system-out>", out);
			put_findings(out, r, tunnel_id, SEV_NOTE, hi);
			fputs("</system-out>\n", out);
		}
	}
}

static void
put_property(FILE *out, const char *name, const char *value)
{
	fputs("      <property name=\"", out);
	report_put_markup(out, name);
	fputs("\" value=\"", out);
	report_put_markup(out, value);
	fputs("\"/>\n", out);
}

static void
put_inputs(FILE *out, const struct side *s)
{
	char name[32];
	unsigned i;

	for (i = 0; i < s->ninputs; i++) {
		if (s->ninputs > 1)
			snprintf(name, sizeof(name), "%s.%u", side_role_name(s->role), i + 1);
		else
			snprintf(name, sizeof(name), "%s", side_role_name(s->role));
		put_property(out, name, s->inputs[i].path != NULL ? s->inputs[i].path : "-");
	}
}

/* An input that could not be read whole: the pair's case is an <error>. */
static bool
input_damaged(const struct side *s)
{
	unsigned i;

	for (i = 0; s != NULL && i < s->ninputs; i++)
		if (s->inputs[i].damaged || s->inputs[i].truncated)
			return true;
	return false;
}

/*
 * The pair's own case: FAIL when the run failed and no tunnel's case
 * carries the failure (e.g. captures_do_not_overlap with --strict),
 * INCONCLUSIVE when the run was, PASS otherwise.
 */
static enum verdict_value
pair_value(const struct report *r, uint32_t tunnels_failed)
{
	const struct verdict *v = r->verdict;
	char codes[JUNIT_TEXT_LEN];
	enum code first;

	if (v->value == VERDICT_INCONCLUSIVE)
		return VERDICT_INCONCLUSIVE;
	if (v->value == VERDICT_FAIL &&
	    (tunnels_failed == 0 ||
	     finding_codes(r, 0, SEV_ERROR, codes, sizeof(codes), &first) > 0))
		return VERDICT_FAIL;
	return VERDICT_PASS;
}

bool
report_junit(FILE *out, const struct report *r)
{
	const struct verdict *v = r->verdict;
	const struct correlation *c = r->corr;
	uint32_t i, failed = 0, skipped = 0, errors = 0, tests = c->npairs + 1;
	struct diagnosis d;
	enum verdict_value pv;
	bool input_error;
	char buf[256];

	for (i = 0; i < c->npairs && i < v->ntunnels; i++) {
		failed += v->tunnels[i].value == VERDICT_FAIL;
		skipped += v->tunnels[i].value == VERDICT_INCONCLUSIVE;
	}
	pv = pair_value(r, failed);
	input_error = pv == VERDICT_INCONCLUSIVE && (input_damaged(r->a) || input_damaged(r->b));
	failed += pv == VERDICT_FAIL;
	errors += input_error;
	skipped += pv == VERDICT_INCONCLUSIVE && !input_error;

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out,
	        "<testsuites name=\"pptp-natcheck\" tests=\"%u\" failures=\"%u\" errors=\"%u\">\n",
	        tests, failed, errors);
	fprintf(out,
	        "  <testsuite name=\"pptp-natcheck %s\" tests=\"%u\" failures=\"%u\" "
	        "errors=\"%u\" skipped=\"%u\">\n",
	        r->b != NULL ? "paired captures" : "single capture", tests, failed, errors,
	        skipped);
	fputs("    <properties>\n", out);
	diagnosis_derive(r, &d);
	put_property(out, "verdict", report_verdict_word(v->value));
	put_property(out, "diagnosis", d.code);
	put_property(out, "headline", d.headline);
	snprintf(buf, sizeof(buf), "%d", (int)verdict_exit_status(v->value));
	put_property(out, "exit_status", buf);
	put_property(out, "version", PPTP_NATCHECK_VERSION);
	put_inputs(out, r->a);
	if (r->b != NULL) {
		put_inputs(out, r->b);
		if (c->clock.known)
			snprintf(buf, sizeof(buf), "%+.6f s (%s)", (double)c->clock.offset / 1e9,
			         c->clock.from_option ? "--time-offset" : "estimated");
		else
			snprintf(buf, sizeof(buf), "unknown");
		put_property(out, "clock_offset", buf);
	}
	fputs("    </properties>\n", out);

	fputs("    <testcase classname=\"pptp-natcheck\" name=\"capture pair\">\n", out);
	put_outcome(out, r, 0, pv, input_error);
	fputs("    </testcase>\n", out);
	for (i = 0; i < c->npairs && i < v->ntunnels; i++) {
		char name[256];

		tunnel_name(name, sizeof(name), r, &c->pairs[i]);
		fputs("    <testcase classname=\"pptp-natcheck.tunnels\" name=\"", out);
		report_put_markup(out, name);
		fputs("\">\n", out);
		put_outcome(out, r, c->pairs[i].id, v->tunnels[i].value, false);
		fputs("    </testcase>\n", out);
	}
	fputs("  </testsuite>\n</testsuites>\n", out);
	return !ferror(out);
}
