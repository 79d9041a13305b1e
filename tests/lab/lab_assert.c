/* Lab assertion: compares one pptp-natcheck JSON report (schema_version 1) with a lab
 * scenario's expected.json (tests/lab/README.md): exit status, verdict, finding codes (all
 * required ones, at least one of each required_one_of group, no error outside those and the
 * allowed ones), and the inside -> outside Call ID mapping of every tunnel. Prints one line per
 * mismatch.
 *
 *   lab_assert EXPECTED.json REPORT.json EXIT_STATUS [LABEL]
 *   lab_assert --self-test EXPECTED.json...
 *   lab_assert --same-truth EXPECTED_A.json EXPECTED_B.json
 *   lab_assert --facts SCENARIO_DIR [EXPECTED.json]
 *
 * An expected.json may hold back some assertions (`assert`: {"verdict", "findings",
 * "tunnels"} false) where the truth is known but pptp-natcheck's analysis does not reach it
 * yet; what it says instead is printed on a "note:" line, and the rest is checked. Where the
 * truth is pass, a held-back verdict still may not be fail and no unexpected error finding
 * may appear (a working NAT is never failed), unless `never_fail` is false too. --facts
 * checks what the scenario's captures must hold (`capture_facts`: packets matching a capture
 * filter, after a time, within bounds or against another file's count) and, where a
 * nat-any.pcap taken on all the router's interfaces exists, that it is LINKTYPE_LINUX_SLL2
 * and holds exactly the packets of inside.pcap and outside.pcap (within the time all three
 * were capturing). With EXPECTED.json, its facts are checked over SCENARIO_DIR's captures
 * (check-lab uses that to show that facts fail on captures they do not describe).
 *
 * Exit 0 = all assertions hold, 1 = mismatch, 2 = usage or unreadable input. --self-test
 * builds, from each expected.json, a report that must pass and mutated reports that must
 * each fail (wrong verdict, exit status, missing or extra finding, wrong or missing
 * tunnel), so the suite shows that every assertion can fail. --same-truth exits 1 (and
 * prints both) when two expected.json differ in verdict or required findings.
 */
#include "lab.h"

#include <pcap/pcap.h>

#define PROG "lab_assert"
/* Mismatch lines printed per comparison: beyond this the report is plainly wrong. */
#define ASSERT_MAX_LINES 40

struct verdict_exit {
	const char *verdict;
	int status;
};

/* pptp-natcheck's exit status per verdict (2 is usage or input error, never a verdict). */
static const struct verdict_exit verdict_exits[] = {
    {"pass", 0},
    {"fail", 1},
    {"inconclusive", 3},
};

struct ctx {
	const char *label;
	int mismatches;
	bool quiet;
};

/* Which assertions an expected.json asks for (`assert`, all by default). */
struct checks {
	bool verdict, findings, tunnels;
	bool never_fail; /* truth pass: no fail, no unexpected error, even when held back */
};

static struct checks
checks_of(json_t *exp)
{
	json_t *a = json_object_get(exp, "assert");
	struct checks c = {true, true, true, true};
	const char *v = json_string_value(json_object_get(exp, "verdict"));

	if (json_is_object(a)) {
		c.verdict = !json_is_false(json_object_get(a, "verdict"));
		c.findings = !json_is_false(json_object_get(a, "findings"));
		c.tunnels = !json_is_false(json_object_get(a, "tunnels"));
		c.never_fail = !json_is_false(json_object_get(a, "never_fail"));
	}
	c.never_fail = c.never_fail && v && strcmp(v, "pass") == 0;
	return c;
}

static void
mismatch(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	c->mismatches++;
	if (c->quiet || c->mismatches > ASSERT_MAX_LINES)
		return;
	printf(PROG ": %s: ", c->label);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static const char *
str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool
has_code(json_t *arr, const char *code)
{
	size_t i;
	json_t *v;

	for (i = 0; (v = json_array_get(arr, i)) != NULL; i++)
		if (json_is_string(v) && strcmp(json_string_value(v), code) == 0)
			return true;
	return false;
}

static bool
report_has_finding(json_t *report, const char *code)
{
	size_t i;
	json_t *f;

	for (i = 0; (f = json_array_get(json_object_get(report, "findings"), i)) != NULL; i++) {
		const char *fc = str(f, "code");

		if (fc && strcmp(fc, code) == 0)
			return true;
	}
	return false;
}

/* An integer field, or -1 when absent or null (unknown). */
static long long
num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? json_integer_value(v) : -1;
}

/* The field as text for a message: its value, or "null". */
static const char *
show(json_t *o, const char *key, char *buf, size_t size)
{
	long long v = num(o, key);

	if (v < 0)
		return "null";
	snprintf(buf, size, "%lld", v);
	return buf;
}

static void
check_findings(struct ctx *c, json_t *exp, json_t *report)
{
	json_t *required = json_object_get(exp, "required_findings");
	json_t *allowed = json_object_get(exp, "allowed_findings");
	json_t *findings = json_object_get(report, "findings");
	size_t i;
	json_t *v;

	if (!json_is_array(findings)) {
		mismatch(c, "report has no findings array");
		return;
	}
	for (i = 0; (v = json_array_get(required, i)) != NULL; i++)
		if (!report_has_finding(report, json_string_value(v)))
			mismatch(c, "required finding %s not reported", json_string_value(v));
	for (i = 0; (v = json_array_get(json_object_get(exp, "required_one_of"), i)) != NULL; i++) {
		size_t k;
		json_t *code;
		bool any = false;

		for (k = 0; (code = json_array_get(v, k)) != NULL; k++)
			if (report_has_finding(report, json_string_value(code)))
				any = true;
		if (!any) {
			char *names = json_dumps(v, JSON_COMPACT);

			mismatch(c, "none of the findings %s reported", names ? names : "?");
			free(names);
		}
	}
	for (i = 0; (v = json_array_get(findings, i)) != NULL; i++) {
		const char *code = str(v, "code");
		const char *sev = str(v, "severity");

		if (!code || !sev) {
			mismatch(c, "finding %zu lacks code or severity", i);
			continue;
		}
		if (strcmp(sev, "error") == 0 && !has_code(required, code) &&
		    !has_code(allowed, code))
			mismatch(c, "unexpected error finding %s: %s", code,
			         str(v, "message") ? str(v, "message") : "");
	}
}

/* The report tunnel whose inside side is this PNS address and Call ID; several (a call
 * placed again with the same ID) are told apart by the PAC's Call ID. */
static json_t *
find_tunnel(json_t *report, json_t *et, int *candidates)
{
	json_t *best = NULL;
	size_t i;
	json_t *t;

	*candidates = 0;
	for (i = 0; (t = json_array_get(json_object_get(report, "tunnels"), i)) != NULL; i++) {
		json_t *in = json_object_get(t, "inside");
		const char *pns = str(in, "pns");

		if (!pns || strcmp(pns, str(et, "pns_inside")) != 0 ||
		    num(in, "pns_call_id") != num(et, "inside_pns_call_id"))
			continue;
		(*candidates)++;
		if (!best || num(in, "pac_call_id") == num(et, "pac_call_id") ||
		    num(json_object_get(t, "outside"), "pac_call_id") == num(et, "pac_call_id"))
			best = t;
	}
	return best;
}

static void
check_tunnels(struct ctx *c, json_t *exp, json_t *report)
{
	size_t i;
	json_t *et;

	if (!json_is_array(json_object_get(report, "tunnels"))) {
		mismatch(c, "report has no tunnels array");
		return;
	}
	for (i = 0; (et = json_array_get(json_object_get(exp, "tunnels"), i)) != NULL; i++) {
		int n;
		json_t *t = find_tunnel(report, et, &n);
		json_t *out;
		const char *tag = str(et, "tag");
		char b[32];

		if (!t) {
			mismatch(c,
			         "tunnel %s: no report tunnel with inside pns %s, pns_call_id %lld",
			         tag, str(et, "pns_inside"), num(et, "inside_pns_call_id"));
			continue;
		}
		out = json_object_get(t, "outside");
		if (!json_is_object(out)) {
			mismatch(c, "tunnel %s: outside side missing", tag);
			continue;
		}
		if (num(out, "pns_call_id") != num(et, "outside_pns_call_id"))
			mismatch(c, "tunnel %s: outside pns_call_id %s, expected %lld", tag,
			         show(out, "pns_call_id", b, sizeof(b)),
			         num(et, "outside_pns_call_id"));
		if (num(out, "pac_call_id") != num(et, "pac_call_id"))
			mismatch(c, "tunnel %s: outside pac_call_id %s, expected %lld", tag,
			         show(out, "pac_call_id", b, sizeof(b)), num(et, "pac_call_id"));
		if (num(json_object_get(t, "inside"), "pac_call_id") != num(et, "pac_call_id"))
			mismatch(c, "tunnel %s: inside pac_call_id %s, expected %lld", tag,
			         show(json_object_get(t, "inside"), "pac_call_id", b, sizeof(b)),
			         num(et, "pac_call_id"));
		if (!str(out, "pns") || strcmp(str(out, "pns"), str(et, "pns_outside")) != 0)
			mismatch(c, "tunnel %s: outside pns %s, expected %s", tag,
			         str(out, "pns") ? str(out, "pns") : "null",
			         str(et, "pns_outside"));
	}
}

/* Codes of a findings array, errors first, "code(severity)" comma separated. */
static void
codes_text(json_t *findings, char *buf, size_t size)
{
	size_t len = 0, i;
	json_t *f;

	buf[0] = '\0';
	for (int pass = 0; pass < 3; pass++) {
		static const char *const sev[] = {"error", "warning", "info"};

		json_array_foreach(findings, i, f)
		{
			const char *code = str(f, "code"), *sv = str(f, "severity");
			char one[96];
			int n;

			if (!code || !sv || strcmp(sv, sev[pass]) != 0)
				continue;
			snprintf(one, sizeof(one), "%s(%s)", code, sv);
			if (strstr(buf, one))
				continue;
			n = snprintf(buf + len, size - len, "%s%s", len ? ", " : "", one);
			if (n < 0 || (size_t)n >= size - len)
				return;
			len += (size_t)n;
		}
	}
}

/* What a held-back assertion would have compared: the truth and pptp-natcheck's answer. */
static void
note_pending(struct ctx *c, json_t *exp, json_t *report, int status, struct checks ck)
{
	char have[1024],
	    *want = json_dumps(json_object_get(exp, "required_findings"), JSON_COMPACT);
	json_t *why = json_object_get(json_object_get(exp, "assert"), "why");
	struct ctx quiet = {.label = c->label, .quiet = true};

	codes_text(json_object_get(report, "findings"), have, sizeof(have));
	printf(PROG ": note: %s: not asserted yet (%s%s%s): truth %s (exit %lld) requires %s; "
	            "pptp-natcheck says %s (exit %d): %s\n",
	       c->label, ck.verdict ? "" : "verdict ", ck.findings ? "" : "findings ",
	       ck.tunnels ? "" : "tunnels", str(exp, "verdict"), num(exp, "exit_status"),
	       want ? want : "?", str(report, "verdict") ? str(report, "verdict") : "?", status,
	       have[0] ? have : "no findings");
	if (json_is_string(why))
		printf(PROG ": note: %s: why: %s\n", c->label, json_string_value(why));
	if (!ck.tunnels) {
		check_tunnels(&quiet, exp, report);
		printf(PROG ": note: %s: tunnel mapping: %d mismatches against the truth\n",
		       c->label, quiet.mismatches);
	}
	free(want);
}

static int
compare(struct ctx *c, json_t *exp, json_t *report, int status)
{
	const char *ev = str(exp, "verdict");
	const char *rv = str(report, "verdict");
	int want = -1;

	for (size_t i = 0; i < LAB_ARRAY_LEN(verdict_exits); i++)
		if (ev && strcmp(ev, verdict_exits[i].verdict) == 0)
			want = verdict_exits[i].status;
	struct checks ck = checks_of(exp);

	if (want < 0)
		lab_die(PROG, "%s: expected.json has no valid verdict", c->label);
	c->mismatches = 0;
	if (!json_is_object(report)) {
		mismatch(c, "report is not a JSON object");
		return c->mismatches;
	}
	if (ck.verdict) {
		if (status != want)
			mismatch(c, "exit status %d, expected %d (%s)", status, want, ev);
		if (!rv || strcmp(rv, ev) != 0)
			mismatch(c, "verdict %s, expected %s", rv ? rv : "missing", ev);
	}
	/* A NAT the truth passes must never be failed, whatever else is held back: no
	 * failing verdict, no error finding outside the allowed ones. */
	if (!ck.verdict && ck.never_fail && (status == 1 || (rv && strcmp(rv, "fail") == 0)))
		mismatch(c,
		         "verdict %s (exit %d) for a NAT that works (verdict not asserted yet, "
		         "but never fail)",
		         rv ? rv : "missing", status);
	if (ck.findings || ck.never_fail)
		check_findings(c, exp, report);
	if (ck.tunnels)
		check_tunnels(c, exp, report);
	if ((!ck.verdict || !ck.findings || !ck.tunnels) && !c->quiet)
		note_pending(c, exp, report, status, ck);
	return c->mismatches;
}

static json_t *
load(const char *path, bool must)
{
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err);

	if (!j && must)
		lab_die(PROG, "%s:%d: %s", path, err.line, err.text);
	return j;
}

/* Two expected.json of one scenario (committed, fresh): same verdict and required codes?
 * A difference means the kernel at hand behaves unlike the one that made the captures. */
static int
same_truth(const char *a_path, const char *b_path)
{
	json_t *a = load(a_path, true);
	json_t *b = load(b_path, true);
	json_t *ra = json_object_get(a, "required_findings");
	json_t *rb = json_object_get(b, "required_findings");
	bool same = str(a, "verdict") && str(b, "verdict") &&
	            strcmp(str(a, "verdict"), str(b, "verdict")) == 0 &&
	            json_array_size(ra) == json_array_size(rb);
	size_t i;
	json_t *v;

	for (i = 0; (v = json_array_get(ra, i)) != NULL; i++)
		if (!has_code(rb, json_string_value(v)))
			same = false;
	if (!same) {
		char *ja = json_dumps(ra, JSON_COMPACT);
		char *jb = json_dumps(rb, JSON_COMPACT);

		printf("%s %s / %s %s\n", str(a, "verdict") ? str(a, "verdict") : "?", ja ? ja : "",
		       str(b, "verdict") ? str(b, "verdict") : "?", jb ? jb : "");
		free(ja);
		free(jb);
	}
	json_decref(a);
	json_decref(b);
	return same ? 0 : 1;
}

/* ---- capture facts ---- */

/* Packets of DIR/file matching the capture filter, with a timestamp in [after, before]
 * (0: unbounded); -1 and a message when the file or the filter is unusable. */
static long
count_packets(struct ctx *c, const char *dir, const char *file, const char *filter, double after,
              double before, int *linktype)
{
	char path[1024], err[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	long n = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	p = pcap_open_offline(path, err);
	if (!p) {
		mismatch(c, "%s: %s", path, err);
		return -1;
	}
	if (linktype)
		*linktype = pcap_datalink(p);
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		mismatch(c, "%s: filter '%s': %s", path, filter, pcap_geterr(p));
		pcap_close(p);
		return -1;
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		double t = (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e6;

		if ((after > 0 && t < after) || (before > 0 && t > before))
			continue;
		if (pcap_offline_filter(&prog, h, data))
			n++;
	}
	if (rc == -1)
		mismatch(c, "%s: %s", path, pcap_geterr(p));
	pcap_freecode(&prog);
	pcap_close(p);
	return n;
}

/* First and last timestamp of a capture, 0 when empty or unreadable. */
static void
capture_span(const char *dir, const char *file, double *first, double *last)
{
	char path[1024], err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;

	*first = *last = 0;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	p = pcap_open_offline(path, err);
	if (!p)
		return;
	while (pcap_next_ex(p, &h, &data) == 1) {
		double t = (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e6;

		if (*first == 0)
			*first = t;
		*last = t;
	}
	pcap_close(p);
}

/* nat-any.pcap, one capture of every router interface: LINUX_SLL2, and exactly the packets
 * of the two one-interface captures, counted over the time all three were running. */
static bool
check_both_legs(struct ctx *c, const char *dir)
{
	static const char *const filters[] = {"ip proto 47", "tcp port 1723", "icmp"};
	double f[3], l[3], from = 0, to = 0;
	long total = 0;
	const char *files[3] = {"nat-any.pcap", "inside.pcap", "outside.pcap"};
	char path[1024];
	int lt = -1;

	snprintf(path, sizeof(path), "%s/nat-any.pcap", dir);
	if (access(path, R_OK) != 0)
		return false;
	for (int i = 0; i < 3; i++) {
		capture_span(dir, files[i], &f[i], &l[i]);
		if (i == 0 || f[i] > from)
			from = f[i];
		if (i == 0 || l[i] < to)
			to = l[i];
	}
	if (from >= to) {
		mismatch(c,
		         "nat-any.pcap, inside.pcap and outside.pcap were never captured at once");
		return true;
	}
	for (size_t k = 0; k < LAB_ARRAY_LEN(filters); k++) {
		long any = count_packets(c, dir, files[0], filters[k], from, to, &lt);
		long in = count_packets(c, dir, files[1], filters[k], from, to, NULL);
		long out = count_packets(c, dir, files[2], filters[k], from, to, NULL);

		if (any < 0 || in < 0 || out < 0)
			return true;
		if (any != in + out)
			mismatch(c,
			         "nat-any.pcap: %ld packets match '%s', inside + outside %ld + %ld",
			         any, filters[k], in, out);
		total += any;
	}
	if (total == 0)
		mismatch(c, "nat-any.pcap: no PPTP packet while all three captures ran");
	/* LINKTYPE_LINUX_SLL2 (276): each packet with its interface index. */
	if (lt != 276)
		mismatch(c, "nat-any.pcap: link type %d, expected 276 (LINUX_SLL2)", lt);
	return true;
}

static int
check_facts(const char *dir, const char *expected)
{
	char path[1024];
	struct ctx c = {.label = dir};
	json_t *exp, *f;
	size_t i;
	int n = 0;

	snprintf(path, sizeof(path), "%s/expected.json", dir);
	exp = load(expected ? expected : path, true);
	json_array_foreach(json_object_get(exp, "capture_facts"), i, f)
	{
		const char *file = str(f, "file"), *filter = str(f, "filter"), *why = str(f, "why");
		json_t *rel = json_object_get(f, "same_as");
		double after = json_is_number(json_object_get(f, "after"))
		                   ? json_number_value(json_object_get(f, "after"))
		                   : 0;
		long got;

		if (!file || !filter) {
			mismatch(&c, "capture fact %zu lacks file or filter", i);
			continue;
		}
		got = count_packets(&c, dir, file, filter, after, 0, NULL);
		n++;
		if (got < 0)
			continue;
		if (json_is_object(rel)) {
			long other = count_packets(
			    &c, dir, str(rel, "file") ? str(rel, "file") : "",
			    str(rel, "filter") ? str(rel, "filter") : "", after, 0, NULL);
			/* Signed offsets: num() would take -1 for "absent". */
			long lo =
			    other + (long)json_integer_value(json_object_get(rel, "plus_min"));
			long hi =
			    other + (long)json_integer_value(json_object_get(rel, "plus_max"));
			if (other >= 0 && (got < lo || got > hi))
				mismatch(
				    &c,
				    "%s: %ld packets match '%s', expected %ld..%ld from %s (%s)",
				    file, got, filter, lo, hi, str(rel, "file"), why ? why : "");
			continue;
		}
		if ((num(f, "min") >= 0 && got < num(f, "min")) ||
		    (num(f, "max") >= 0 && got > num(f, "max"))) {
			char want[64];

			if (num(f, "max") < 0)
				snprintf(want, sizeof(want), "at least %lld", num(f, "min"));
			else if (num(f, "min") < 0)
				snprintf(want, sizeof(want), "at most %lld", num(f, "max"));
			else
				snprintf(want, sizeof(want), "%lld..%lld", num(f, "min"),
				         num(f, "max"));
			mismatch(&c, "%s: %ld packets match '%s'%s, expected %s (%s)", file, got,
			         filter, after > 0 ? " after the given time" : "", want,
			         why ? why : "");
		}
	}
	bool legs = check_both_legs(&c, dir);

	json_decref(exp);
	if (c.mismatches == 0)
		printf(PROG ": %s: %d capture facts hold%s\n", dir, n,
		       legs ? "; nat-any.pcap holds both legs" : "");
	return c.mismatches ? 1 : 0;
}

/* ---- self-test ---- */

static const char *
severity_of(const char *code)
{
	return strcmp(code, "unexpected_rewrite") == 0 ? "warning" : "error";
}

/* The report a correct pptp-natcheck would print for this expected.json. */
static json_t *
perfect_report(json_t *exp)
{
	json_t *findings = json_array();
	json_t *tunnels = json_array();
	size_t i;
	json_t *v;

	for (i = 0; (v = json_array_get(json_object_get(exp, "required_findings"), i)) != NULL; i++)
		json_array_append_new(findings,
		                      json_pack("{s:s, s:s}", "code", json_string_value(v),
		                                "severity", severity_of(json_string_value(v))));
	/* One code of each one-of group, as a checker would name it. */
	for (i = 0; (v = json_array_get(json_object_get(exp, "required_one_of"), i)) != NULL; i++) {
		const char *code = json_string_value(json_array_get(v, 0));

		json_array_append_new(
		    findings, json_pack("{s:s, s:s}", "code", code, "severity", severity_of(code)));
	}
	for (i = 0; (v = json_array_get(json_object_get(exp, "tunnels"), i)) != NULL; i++) {
		json_array_append_new(
		    tunnels, json_pack("{s:I, s:{s:s, s:I, s:I}, s:{s:s, s:I, s:I}}", "id",
		                       (json_int_t)i + 1, "inside", "pns", str(v, "pns_inside"),
		                       "pns_call_id", (json_int_t)num(v, "inside_pns_call_id"),
		                       "pac_call_id", (json_int_t)num(v, "pac_call_id"), "outside",
		                       "pns", str(v, "pns_outside"), "pns_call_id",
		                       (json_int_t)num(v, "outside_pns_call_id"), "pac_call_id",
		                       (json_int_t)num(v, "pac_call_id")));
	}
	return json_pack("{s:i, s:s, s:o, s:o}", "schema_version", 1, "verdict",
	                 str(exp, "verdict"), "findings", findings, "tunnels", tunnels);
}

static int
want_status(json_t *exp)
{
	const char *v = json_string_value(json_object_get(exp, "verdict"));

	for (size_t i = 0; i < LAB_ARRAY_LEN(verdict_exits); i++)
		if (v && strcmp(v, verdict_exits[i].verdict) == 0)
			return verdict_exits[i].status;
	return -1;
}

/* Each mutation breaks one assertion; compare() must then report a mismatch. */
enum mutation {
	M_NONE,
	M_STATUS,
	M_VERDICT,
	M_DROP_REQUIRED,
	M_EXTRA_ERROR,
	M_OUTSIDE_ID,
	M_PAC_ID,
	M_DROP_TUNNEL,
	M_NOT_JSON_OBJECT,
	M_COUNT,
};

static const char *const mutation_names[M_COUNT] = {
    "none",
    "exit status",
    "verdict",
    "required finding dropped",
    "extra error finding",
    "outside pns_call_id",
    "pac_call_id",
    "tunnel dropped",
    "report not an object",
};

static int
self_test(int argc, char **argv)
{
	int failures = 0;

	for (int a = 0; a < argc; a++) {
		json_t *exp = load(argv[a], true);

		for (int m = 0; m < M_COUNT; m++) {
			json_t *r = perfect_report(exp);
			json_t *tunnels = json_object_get(r, "tunnels");
			json_t *t0 = json_array_get(tunnels, 0);
			int status = want_status(exp);
			struct ctx c = {.label = argv[a], .quiet = true};
			struct checks ck = checks_of(exp);
			bool applicable = true;
			int got;

			switch ((enum mutation)m) {
			case M_NONE:
				break;
			case M_STATUS:
				status = status == 0 ? 1 : 0;
				break;
			case M_VERDICT:
				json_object_set_new(r, "verdict",
				                    json_string(status == 0 ? "fail" : "pass"));
				break;
			case M_DROP_REQUIRED:
				applicable = json_array_size(json_object_get(r, "findings")) > 0;
				json_array_clear(json_object_get(r, "findings"));
				break;
			case M_EXTRA_ERROR:
				json_array_append_new(json_object_get(r, "findings"),
				                      json_pack("{s:s, s:s}", "code", "lab_bogus",
				                                "severity", "error"));
				break;
			case M_OUTSIDE_ID:
				json_object_set_new(json_object_get(t0, "outside"), "pns_call_id",
				                    json_integer(num(json_object_get(t0, "outside"),
				                                     "pns_call_id") ^
				                                 0x5a5a));
				break;
			case M_PAC_ID:
				json_object_set_new(json_object_get(t0, "outside"), "pac_call_id",
				                    json_null());
				break;
			case M_DROP_TUNNEL:
				json_array_remove(tunnels, 0);
				break;
			case M_NOT_JSON_OBJECT:
				json_decref(r);
				r = json_array();
				break;
			case M_COUNT:
				break;
			}
			if ((!ck.verdict && !ck.never_fail && (m == M_STATUS || m == M_VERDICT)) ||
			    (!ck.findings && m == M_DROP_REQUIRED) ||
			    (!ck.findings && !ck.never_fail && m == M_EXTRA_ERROR) ||
			    (!ck.tunnels &&
			     (m == M_OUTSIDE_ID || m == M_PAC_ID || m == M_DROP_TUNNEL)))
				applicable = false;
			got = compare(&c, exp, r, status);
			if (applicable && (m == M_NONE ? got != 0 : got == 0)) {
				printf(PROG ": self-test %s: mutation '%s' %s\n", argv[a],
				       mutation_names[m],
				       m == M_NONE ? "failed on a correct report"
				                   : "went unnoticed");
				failures++;
			}
			json_decref(r);
		}
		json_decref(exp);
	}
	if (failures == 0)
		printf(PROG ": self-test: %d expected.json x %d mutations ok\n", argc,
		       (int)M_COUNT);
	return failures ? 1 : 0;
}

int
main(int argc, char **argv)
{
	json_t *exp, *report;
	struct ctx c;
	int status, bad;

	if (argc >= 3 && strcmp(argv[1], "--self-test") == 0)
		return self_test(argc - 2, argv + 2);
	if (argc == 4 && strcmp(argv[1], "--same-truth") == 0)
		return same_truth(argv[2], argv[3]);
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "--facts") == 0)
		return check_facts(argv[2], argc == 4 ? argv[3] : NULL);
	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: " PROG " EXPECTED.json REPORT.json EXIT_STATUS [LABEL]\n"
		                "       " PROG " --self-test EXPECTED.json...\n"
		                "       " PROG " --same-truth EXPECTED_A.json EXPECTED_B.json\n"
		                "       " PROG " --facts SCENARIO_DIR [EXPECTED.json]\n");
		return 2;
	}
	exp = load(argv[1], true);
	status = (int)lab_num(PROG, argv[3], 0, 255);
	c = (struct ctx){.label = argc == 5 ? argv[4] : argv[1]};
	report = load(argv[2], false);
	if (!report) {
		printf(PROG ": %s: report %s is not valid JSON\n", c.label, argv[2]);
		json_decref(exp);
		return 1;
	}
	bad = compare(&c, exp, report, status);
	json_decref(report);
	json_decref(exp);
	return bad ? 1 : 0;
}
