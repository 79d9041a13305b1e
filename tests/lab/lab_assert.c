/* Lab assertion: compares one pptp-natcheck JSON report (schema_version 1) with a lab
 * scenario's expected.json (tests/lab/README.md): exit status, verdict, finding codes (all
 * required ones, at least one of each required_one_of group, no error outside those and the
 * allowed ones), and the inside -> outside Call ID mapping of every tunnel. Prints one line per
 * mismatch.
 *
 *   lab_assert EXPECTED.json REPORT.json EXIT_STATUS [LABEL]
 *   lab_assert --self-test EXPECTED.json...
 *   lab_assert --same-truth EXPECTED_A.json EXPECTED_B.json
 *
 * Exit 0 = all assertions hold, 1 = mismatch, 2 = usage or unreadable input. --self-test
 * builds, from each expected.json, a report that must pass and mutated reports that must
 * each fail (wrong verdict, exit status, missing or extra finding, wrong or missing
 * tunnel), so the suite shows that every assertion can fail. --same-truth exits 1 (and
 * prints both) when two expected.json differ in verdict or required findings.
 */
#include "lab.h"

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

static int
compare(struct ctx *c, json_t *exp, json_t *report, int status)
{
	const char *ev = str(exp, "verdict");
	const char *rv = str(report, "verdict");
	int want = -1;

	for (size_t i = 0; i < LAB_ARRAY_LEN(verdict_exits); i++)
		if (ev && strcmp(ev, verdict_exits[i].verdict) == 0)
			want = verdict_exits[i].status;
	if (want < 0)
		lab_die(PROG, "%s: expected.json has no valid verdict", c->label);
	c->mismatches = 0;
	if (!json_is_object(report)) {
		mismatch(c, "report is not a JSON object");
		return c->mismatches;
	}
	if (status != want)
		mismatch(c, "exit status %d, expected %d (%s)", status, want, ev);
	if (!rv || strcmp(rv, ev) != 0)
		mismatch(c, "verdict %s, expected %s", rv ? rv : "missing", ev);
	check_findings(c, exp, report);
	check_tunnels(c, exp, report);
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
	const char *v = str(exp, "verdict");

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
	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: " PROG " EXPECTED.json REPORT.json EXIT_STATUS [LABEL]\n"
		                "       " PROG " --self-test EXPECTED.json...\n"
		                "       " PROG " --same-truth EXPECTED_A.json EXPECTED_B.json\n");
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
