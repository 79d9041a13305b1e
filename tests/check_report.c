/*
 * Report suite: the JSON report parses, carries every field the schema
 * promises, and agrees with the analysis; the text report shows the
 * diagram and the findings; the headline names the root cause of every
 * defect in the bundled captures (testdata/lab, testdata/gen).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "diagnosis.h"
#include "report.h"
#include "sim.h"
#include "analysis.h"
#include "testutil.h"

static char *
render(const struct report *r, bool json, size_t *len)
{
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);

	ck_assert_ptr_nonnull(fp);
	ck_assert(json ? report_json(fp, r) : report_text(fp, r));
	fclose(fp);
	return buf;
}

START_TEST(json_schema)
{
	struct run r;
	size_t len, i;
	char *text;
	json_t *root, *t, *side;
	json_error_t err;

	run_nat(&r, 2, SIM_NO_EDITOR);
	text = render(&r.r, true, &len);
	root = json_loads(text, 0, &err);
	ck_assert_msg(root != NULL, "JSON does not parse: %s", err.text);
	ck_assert_int_eq(json_integer_value(json_object_get(root, "schema_version")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(root, "tool"), "name")),
	                 "pptp-natcheck");
	ck_assert_str_eq(json_string_value(json_object_get(root, "mode")), "paired");
	ck_assert_str_eq(json_string_value(json_object_get(root, "verdict")), "fail");
	ck_assert(json_is_array(json_object_get(root, "inputs")));
	ck_assert_uint_eq(json_array_size(json_object_get(root, "inputs")), 2);
	ck_assert(json_is_object(json_object_get(root, "clock_offset")));
	ck_assert(json_is_array(json_object_get(root, "findings")));
	t = json_object_get(root, "tunnels");
	ck_assert_uint_eq(json_array_size(t), 2);
	for (i = 0; i < 2; i++) {
		json_t *tun = json_array_get(t, i);

		ck_assert_int_eq(json_integer_value(json_object_get(tun, "id")), (json_int_t)i + 1);
		side = json_object_get(tun, "inside");
		ck_assert(json_is_object(side));
		ck_assert_int_eq(json_integer_value(json_object_get(side, "pns_call_id")), 256);
		ck_assert_int_eq(json_integer_value(json_object_get(side, "gre_to_pac")), 5);
		ck_assert(json_is_string(json_object_get(side, "pns")));
		side = json_object_get(tun, "outside");
		ck_assert_int_eq(json_integer_value(json_object_get(side, "pns_call_id")), 256);
		ck_assert_str_eq(json_string_value(json_object_get(side, "pns")), "203.0.113.1");
		ck_assert_int_eq(json_integer_value(json_object_get(side, "pac_call_id")),
		                 (json_int_t)(4096 + i));
	}
	{
		json_t *f = json_object_get(root, "findings"), *fi;
		bool collision = false;

		json_array_foreach(f, i, fi)
		{
			if (strcmp(json_string_value(json_object_get(fi, "code")),
			           "call_id_collision") == 0) {
				json_t *ev = json_object_get(fi, "evidence");

				collision = true;
				ck_assert_str_eq(json_string_value(json_object_get(fi, "severity")),
				                 "error");
				ck_assert_uint_eq(json_array_size(json_object_get(fi, "tunnels")),
				                  2);
				ck_assert_uint_ge(json_array_size(ev), 2);
				ck_assert_str_eq(json_string_value(json_object_get(
				                     json_array_get(ev, 0), "capture")),
				                 "outside");
				ck_assert(json_integer_value(
				              json_object_get(json_array_get(ev, 0), "frame")) > 0);
			}
		}
		ck_assert(collision);
	}
	json_decref(root);
	free(text);
	run_free(&r);
}
END_TEST

START_TEST(text_diagram)
{
	struct run r;
	size_t len;
	char *text;

	run_nat(&r, 1, 0);
	text = render(&r.r, false, &len);
	ck_assert_ptr_nonnull(strstr(text, "PASS"));
	ck_assert_ptr_nonnull(strstr(text, "OCRQ Call ID"));
	ck_assert_ptr_nonnull(strstr(text, "61000"));
	ck_assert_ptr_nonnull(strstr(text, "key 4096 x5"));
	ck_assert_ptr_nonnull(strstr(text, "Verdict: PASS (exit status 0)"));
	ck_assert_ptr_null(strstr(text, "<<"));
	free(text);
	run_free(&r);
	run_nat(&r, 1, SIM_RETURN_BLOCKED);
	text = render(&r.r, false, &len);
	ck_assert_ptr_nonnull(strstr(text, "ERROR gre_return_blocked"));
	ck_assert_ptr_nonnull(strstr(text, "<<"));
	ck_assert_ptr_nonnull(strstr(text, "What it means"));
	ck_assert_ptr_nonnull(strstr(text, "Verdict: FAIL (exit status 1)"));
	free(text);
	run_free(&r);
}
END_TEST

static unsigned
occurrences(const char *text, const char *what)
{
	unsigned n = 0;

	for (text = strstr(text, what); text != NULL; text = strstr(text + 1, what))
		n++;
	return n;
}

/* One JUnit case per tunnel plus the pair's; failures where the verdict failed. */
START_TEST(junit_cases)
{
	static const struct {
		unsigned clients, flags, failures;
	} cases[] = {
	    {2, 0, 0},
	    {3, SIM_NO_EDITOR, 3},
	    {2, SIM_RETURN_BLOCKED, 1},
	};
	size_t k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct run r;
		char *xml = NULL, expect[128];
		size_t len;
		FILE *fp;
		uint32_t i, failing = 0;

		run_nat(&r, cases[k].clients, cases[k].flags);
		fp = open_memstream(&xml, &len);
		ck_assert_ptr_nonnull(fp);
		ck_assert(report_junit(fp, &r.r));
		fclose(fp);
		for (i = 0; i < r.v.ntunnels; i++)
			failing += r.v.tunnels[i].value == VERDICT_FAIL;
		ck_assert_uint_eq(failing, cases[k].failures);
		ck_assert_uint_eq(occurrences(xml, "<testcase "), r.corr.npairs + 1);
		ck_assert_uint_eq(occurrences(xml, "<failure "), failing);
		snprintf(expect, sizeof(expect), "tests=\"%u\" failures=\"%u\" errors=\"0\"",
		         r.corr.npairs + 1, failing);
		ck_assert_msg(strstr(xml, expect) != NULL, "no '%s' in\n%s", expect, xml);
		ck_assert_ptr_nonnull(strstr(xml, failing > 0 ? "name=\"verdict\" value=\"FAIL\""
		                                              : "name=\"verdict\" value=\"PASS\""));
		if (cases[k].flags & SIM_RETURN_BLOCKED)
			ck_assert_ptr_nonnull(strstr(xml, "<failure type=\"gre_return_blocked\""));
		if (cases[k].flags & SIM_NO_EDITOR)
			ck_assert_ptr_nonnull(strstr(xml, "call_id_collision"));
		/* Text from the analysis is escaped: no raw "->" inside an attribute. */
		ck_assert_ptr_null(strstr(xml, " -> "));
		free(xml);
		run_free(&r);
	}
}
END_TEST

/* A capture pair (out NULL: single mode) read through the real reader. */
static void
run_files(struct run *r, const char *in, const char *out, uint64_t ignore)
{
	struct verdict_options opt = {false, ignore};
	char errbuf[CAPTURE_ERRBUF_SIZE];

	memset(r, 0, sizeof(*r));
	ck_assert(side_init(&r->in, out != NULL ? SIDE_INSIDE : SIDE_SINGLE, NULL));
	ck_assert_msg(side_read_file(&r->in, in, errbuf), "%s: %s", in, errbuf);
	side_finish(&r->in);
	if (out != NULL) {
		ck_assert(side_init(&r->out, SIDE_OUTSIDE, NULL));
		ck_assert_msg(side_read_file(&r->out, out, errbuf), "%s: %s", out, errbuf);
		side_finish(&r->out);
	}
	ck_assert(correlate(&r->in, out != NULL ? &r->out : NULL, NULL, &r->corr));
	ck_assert(verdict_judge(&r->in, out != NULL ? &r->out : NULL, &r->corr, &opt, &r->v));
	r->r = (struct report){&r->in, out != NULL ? &r->out : NULL, &r->corr, &r->v, false, NULL};
}

static void
run_files_free(struct run *r)
{
	verdict_free(&r->v);
	correlation_free(&r->corr);
	side_free(&r->in);
	if (r->r.b != NULL)
		side_free(&r->out);
}

/* Every line fits in 100 columns and none ends with a space. */
static void
assert_width(const char *text, const char *what)
{
	const char *p = text;
	unsigned line = 1;

	while (*p != 0) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

		ck_assert_msg(len <= 100, "%s: line %u has %zu columns: %.*s", what, line, len,
		              (int)len, p);
		ck_assert_msg(len == 0 || p[len - 1] != ' ', "%s: line %u ends with a space", what,
		              line);
		if (nl == NULL)
			break;
		p = nl + 1;
		line++;
	}
}

/*
 * The root-cause table: each bundled capture whose NAT has a known defect
 * (the lab's nat.txt, the generator's README) and the diagnosis it must
 * lead with.  Advice must agree with detection: where an editor was
 * detected, the report never says to enable or attach a helper.
 */
static const struct {
	const char *dir, *in, *out; /* out NULL: single mode */
	const char *code;
	enum verdict_value verdict;
	bool editor; /* the NAT has a PPTP editor that translated some Call ID */
} causes[] = {
    {"lab/masq-3x256", "inside.pcap", "outside.pcap", "nat_editor_absent", VERDICT_FAIL, false},
    {"lab/masq-1", "inside.pcap", "outside.pcap", "nat_editor_absent", VERDICT_FAIL, false},
    {"lab/dnat-gre-3x256", "inside.pcap", "outside.pcap", "nat_editor_absent", VERDICT_FAIL, false},
    {"gen", "no-editor-inside.pcap", "no-editor-outside.pcap", "nat_editor_absent", VERDICT_FAIL,
     false},
    {"lab/editor-2calls", "inside.pcap", "outside.pcap", "nat_editor_one_call_per_connection",
     VERDICT_FAIL, true},
    {"lab/editor-2calls-burst", "inside.pcap", "outside.pcap", "nat_editor_one_call_per_connection",
     VERDICT_FAIL, true},
    {"lab/editor-split", "inside.pcap", "outside.pcap", "nat_editor_missed_split_messages",
     VERDICT_FAIL, false},
    {"lab/editor-gre-drop", "inside.pcap", "outside.pcap", "gre_filtered_both_ways", VERDICT_FAIL,
     true},
    {"lab/editor-gre-fwd-drop", "inside.pcap", "outside.pcap", "gre_filtered_both_ways",
     VERDICT_FAIL, true},
    {"gen", "forward-blocked-inside.pcap", "forward-blocked-outside.pcap", "gre_filtered_outbound",
     VERDICT_FAIL, true},
    {"lab/stale-checksum", "inside.pcap", "outside.pcap", "nat_checksum_bug", VERDICT_FAIL, true},
    {"lab/key-not-restored", "inside.pcap", "outside.pcap", "call_id_not_restored", VERDICT_FAIL,
     true},
    {"gen", "peer-not-restored-inside.pcap", "peer-not-restored-outside.pcap",
     "call_id_not_restored", VERDICT_FAIL, true},
    {"gen", "rewrite-inconsistent-inside.pcap", "rewrite-inconsistent-outside.pcap",
     "rewrite_inconsistent", VERDICT_FAIL, true},
    {"lab/sli-mangled", "inside.pcap", "outside.pcap", "unexpected_rewrite", VERDICT_FAIL, true},
    {"lab/editor-ocrq-drop", "inside.pcap", "outside.pcap", "control_connection_dropped",
     VERDICT_FAIL, true},
    {"gen", "unmatched-inside.pcap", "unmatched-outside.pcap", "control_connection_dropped",
     VERDICT_FAIL, true},
    {"gen", "time-shift-inside.pcap", "time-shift-outside.pcap", "captures_do_not_overlap",
     VERDICT_INCONCLUSIVE, false},
    {"lab/masq-1", "inside.pcap", NULL, "gre_one_way", VERDICT_FAIL, false},
    {"lab/masq-3x256", "outside.pcap", NULL, "nat_editor_absent", VERDICT_FAIL, false},
    {"lab/editor-3x256", "inside.pcap", "outside.pcap", "none", VERDICT_PASS, true},
    {"lab/real-lossy", "inside.pcap", "outside.pcap", "pass_with_warnings", VERDICT_PASS, true},
    {"damage", "no-gre-inside.pcap", "no-gre-outside.pcap", "gre_not_captured",
     VERDICT_INCONCLUSIVE, true},
    {"damage", "one-tunnel-no-gre-inside.pcap", "one-tunnel-no-gre-outside.pcap", "gre_absent",
     VERDICT_INCONCLUSIVE, true},
    {"public", "nDPI__pptp.pcap", NULL, "gre_not_captured", VERDICT_INCONCLUSIVE, false},
    {"lab/editor-3x256", "outside.pcap", NULL, "none", VERDICT_PASS, false},
    {"public", "suricata-verify__eth-ip-gre-ppp-max-ip-packet.pcap", NULL, "no_pptp",
     VERDICT_INCONCLUSIVE, false},
};

START_TEST(headline_names_the_cause)
{
	struct run r;
	struct diagnosis d;
	char in[256], out[256];
	char *text;
	size_t len;
	const char *word = causes[_i].verdict == VERDICT_PASS   ? "PASS"
	                   : causes[_i].verdict == VERDICT_FAIL ? "FAIL: "
	                                                        : "INCONCLUSIVE: ";

	snprintf(in, sizeof(in), TESTDATA "/%s/%s", causes[_i].dir, causes[_i].in);
	snprintf(out, sizeof(out), TESTDATA "/%s/%s", causes[_i].dir,
	         causes[_i].out != NULL ? causes[_i].out : "");
	run_files(&r, in, causes[_i].out != NULL ? out : NULL, 0);
	ck_assert_int_eq(r.v.value, causes[_i].verdict);
	diagnosis_derive(&r.r, &d);
	ck_assert_msg(strcmp(d.code, causes[_i].code) == 0, "%s: diagnosis %s, expected %s (%s)",
	              in, d.code, causes[_i].code, d.headline);
	ck_assert_msg(strncmp(d.headline, word, strlen(word)) == 0, "%s", d.headline);
	ck_assert(strlen(d.cause) > 20);
	ck_assert_ptr_nonnull(strstr(d.headline, d.cause));
	if (causes[_i].verdict != VERDICT_PASS) {
		ck_assert_msg(d.fix[0] != 0, "%s: no fix", in);
		ck_assert_ptr_nonnull(strstr(d.headline, " Fix: "));
	} else {
		ck_assert_ptr_null(strstr(d.headline, "Fix:"));
	}
	text = render(&r.r, false, &len);
	/* Line 1 carries the verdict and the start of the diagnosis. */
	ck_assert_msg(strncmp(text, "pptp-natcheck: ", 15) == 0 &&
	                  strncmp(text + 15, word, strlen(word)) == 0,
	              "%.120s", text);
	assert_width(text, in);
	if (causes[_i].editor) {
		ck_assert_msg(strstr(text, "Enable the NAT's PPTP helper") == NULL &&
		                  strstr(text, "enable the NAT's PPTP helper") == NULL &&
		                  strstr(text, "ttach a PPTP helper") == NULL,
		              "%s: an editor was detected, yet the report says to add one", in);
		ck_assert_uint_gt(r.v.nat.translated, 0);
	}
	/* Counts read right. */
	ck_assert_ptr_null(strstr(text, " 1 tunnels"));
	ck_assert_ptr_null(strstr(text, " 1 packets"));
	ck_assert_ptr_null(strstr(text, "only a warning"));
	free(text);
	text = render(&r.r, true, &len);
	{
		json_error_t err;
		json_t *root = json_loads(text, 0, &err), *jd;

		ck_assert_msg(root != NULL, "%s", err.text);
		jd = json_object_get(root, "diagnosis");
		ck_assert_str_eq(json_string_value(json_object_get(jd, "code")), causes[_i].code);
		ck_assert_str_eq(json_string_value(json_object_get(jd, "text")), d.cause);
		ck_assert_str_eq(json_string_value(json_object_get(jd, "fix")), d.fix);
		json_decref(root);
	}
	free(text);
	run_files_free(&r);
}
END_TEST

/* The sim's defects, for root causes no bundled capture shows. */
START_TEST(headline_from_sim)
{
	static const struct {
		unsigned flags;
		const char *code;
	} sims[] = {
	    {0, "none"},
	    {SIM_RETURN_BLOCKED, "gre_mapping_lost"},
	    {SIM_MISDELIVER, "gre_misdelivered"},
	    {SIM_BAD_CHECKSUM, "nat_checksum_bug"},
	    {SIM_CCRQ_NOT_REWRITTEN, "rewrite_inconsistent"},
	    {SIM_NO_EDITOR, "nat_editor_absent"},
	};
	struct run r;
	struct diagnosis d;
	size_t i;

	for (i = 0; i < sizeof(sims) / sizeof(sims[0]); i++) {
		run_nat(&r, 2, sims[i].flags);
		diagnosis_derive(&r.r, &d);
		ck_assert_msg(strcmp(d.code, sims[i].code) == 0, "sim %#x: %s, expected %s: %s",
		              sims[i].flags, d.code, sims[i].code, d.headline);
		if (sims[i].flags == 0) {
			ck_assert_str_eq(d.headline,
			                 "PASS: the NAT kept all 2 tunnels apart and consistent.");
			ck_assert_str_eq(d.fix, "");
		}
		if (sims[i].flags == SIM_RETURN_BLOCKED) {
			/* An editor was seen: the advice is about its mapping, not adding one. */
			ck_assert_ptr_null(strstr(d.fix, "Enable"));
			ck_assert_ptr_nonnull(strstr(d.fix, "mapping"));
		}
		run_free(&r);
	}
}
END_TEST

/* The tables show the wrong value that arrived, marked, for every message. */
START_TEST(wrong_values_in_tables)
{
	struct run r;
	char *text, *t2;
	size_t len;

	/* The return GRE reached the client with the key byte-swapped: 256 -> 1. */
	run_files(&r, TESTDATA "/lab/key-not-restored/inside.pcap",
	          TESTDATA "/lab/key-not-restored/outside.pcap", 0);
	text = render(&r.r, false, &len);
	t2 = strstr(text, "\nTunnel 2: FAIL");
	ck_assert_ptr_nonnull(t2);
	ck_assert_ptr_nonnull(strstr(t2, "  GRE to client          key 1 x15 #39"));
	ck_assert(strstr(strstr(t2, "  GRE to client"), "<<\n") <
	          strstr(strstr(t2, "  GRE to client"), "\n") + 1);
	/* Every Call-ID-bearing message seen has its row. */
	ck_assert_ptr_nonnull(strstr(t2, "  SLI Peer's Call ID     18946 #37"));
	ck_assert_ptr_nonnull(strstr(t2, "  CCRQ Call ID           256 #109"));
	ck_assert_ptr_nonnull(strstr(t2, "  CDN Call ID            256 #111"));
	free(text);
	run_files_free(&r);

	/* The CCRQ crossed with the client's own Call ID: its row is marked. */
	run_files(&r, TESTDATA "/gen/rewrite-inconsistent-inside.pcap",
	          TESTDATA "/gen/rewrite-inconsistent-outside.pcap", 0);
	text = render(&r.r, true, &len);
	{
		/* The same marks in JSON: only tunnel 1 broke, in its CCRQ. */
		json_error_t err;
		json_t *root = json_loads(text, 0, &err), *t;
		size_t k;

		ck_assert_msg(root != NULL, "%s", err.text);
		json_array_foreach(json_object_get(root, "tunnels"), k, t)
		{
			json_t *b = json_object_get(t, "broken");

			if (json_integer_value(json_object_get(t, "id")) == 1) {
				ck_assert_uint_eq(json_array_size(b), 1);
				ck_assert_str_eq(json_string_value(json_array_get(b, 0)), "CCRQ");
			} else {
				ck_assert_uint_eq(json_array_size(b), 0);
			}
		}
		json_decref(root);
	}
	free(text);
	text = render(&r.r, false, &len);
	t2 = strstr(text, "  CCRQ Call ID           256 ");
	ck_assert_ptr_nonnull(t2);
	ck_assert(strstr(t2, "<<\n") != NULL && strstr(t2, "<<\n") < strchr(t2, '\n'));
	free(text);
	run_files_free(&r);

	/* The OCRP's Peer's Call ID reached the client untranslated. */
	run_files(&r, TESTDATA "/gen/peer-not-restored-inside.pcap",
	          TESTDATA "/gen/peer-not-restored-outside.pcap", 0);
	text = render(&r.r, false, &len);
	t2 = strstr(text, "  OCRP Call ID / Peer    16651 / 54044");
	ck_assert_ptr_nonnull(t2);
	ck_assert(strstr(t2, "<<\n") != NULL && strstr(t2, "<<\n") < strchr(t2, '\n'));
	free(text);
	run_files_free(&r);
}
END_TEST

/* Value findings carry field, inside, outside and expected values as numbers. */
START_TEST(json_value_fields)
{
	static const struct {
		const char *dir, *code, *field;
		json_int_t in, out, expected;
	} cases[] = {
	    {"lab/key-not-restored", "call_id_not_restored", "GRE.key", 1, 37024, 256},
	    {"lab/sli-mangled", "unexpected_rewrite", "SLI.peer_call_id", 18945, 330, 18945},
	};
	size_t i, k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run r;
		char in[256], out[256], *text;
		size_t len;
		json_t *root, *f, *fi, *o;
		json_error_t err;
		bool found = false;

		snprintf(in, sizeof(in), TESTDATA "/%s/inside.pcap", cases[i].dir);
		snprintf(out, sizeof(out), TESTDATA "/%s/outside.pcap", cases[i].dir);
		run_files(&r, in, out, 0);
		text = render(&r.r, true, &len);
		root = json_loads(text, 0, &err);
		ck_assert_msg(root != NULL, "%s", err.text);
		f = json_object_get(root, "findings");
		json_array_foreach(f, k, fi)
		{
			if (strcmp(json_string_value(json_object_get(fi, "code")), cases[i].code) !=
			        0 ||
			    !json_is_string(json_object_get(fi, "field")) ||
			    strcmp(json_string_value(json_object_get(fi, "field")),
			           cases[i].field) != 0)
				continue;
			found = true;
			ck_assert_int_eq(json_integer_value(json_object_get(fi, "inside_value")),
			                 cases[i].in);
			ck_assert_int_eq(json_integer_value(json_object_get(fi, "outside_value")),
			                 cases[i].out);
			ck_assert_int_eq(json_integer_value(json_object_get(fi, "expected_value")),
			                 cases[i].expected);
			ck_assert_str_eq(json_string_value(json_object_get(fi, "severity")),
			                 "error");
			ck_assert(json_is_integer(json_object_get(fi, "tunnel_count")));
		}
		ck_assert_msg(found, "%s: no %s on %s", in, cases[i].code, cases[i].field);
		/* Notes are notes, in JSON as in text. */
		ck_assert_ptr_null(strstr(text, "\"info\""));
		ck_assert_ptr_nonnull(strstr(text, "\"severity\": \"note\""));
		o = json_object_get(root, "options");
		ck_assert(json_is_false(json_object_get(o, "strict")));
		ck_assert(json_is_null(json_object_get(o, "server")));
		ck_assert(json_is_null(json_object_get(o, "time_offset_seconds")));
		ck_assert_uint_eq(json_array_size(json_object_get(o, "ignored_codes")), 0);
		ck_assert(
		    json_is_integer(json_object_get(json_object_get(root, "summary"), "errors")));
		json_decref(root);
		free(text);
		run_files_free(&r);
	}
}
END_TEST

/*
 * A generated 200-tunnel NAT without an editor (testdata/gen): one block
 * per code with the true number of tunnels past every listing cap, one
 * "What it means" per code, the shared triple's GRE count given once.
 */
START_TEST(grouped_counts_200_no_editor)
{
	struct run r;
	char *text, header[160], sentence[160];
	size_t len, k;
	uint32_t i, ncoll = 0, nmis = 0;
	const struct finding *coll = NULL;
	json_t *root, *st, *t;
	json_error_t err;
	uint64_t on_triple = 0;

	run_files(&r, TESTDATA "/gen/no-editor-200-inside.pcap",
	          TESTDATA "/gen/no-editor-200-outside.pcap", 0);
	ck_assert_uint_eq(r.corr.npairs, 200);
	ck_assert_int_eq(r.v.value, VERDICT_FAIL);
	for (i = 0; i < r.v.nfindings; i++) {
		if (r.v.findings[i].code == CODE_CALL_ID_COLLISION) {
			ck_assert_ptr_null(coll); /* one server, one Call ID: one group */
			coll = &r.v.findings[i];
		}
		nmis += r.v.findings[i].code == CODE_GRE_MISDELIVERED;
	}
	for (i = 0; i < r.v.ntunnels; i++)
		ncoll += (r.v.tunnels[i].codes & VERDICT_IGNORE_BIT(CODE_CALL_ID_COLLISION)) != 0;
	ck_assert_ptr_nonnull(coll);
	/* The listing is cut, the number is not. */
	ck_assert_uint_eq(coll->ntunnels, FINDING_MAX_TUNNELS);
	ck_assert_uint_eq(coll->tunnels_total, ncoll);
	ck_assert_uint_gt(ncoll, 150);
	for (i = 0; i < r.v.ntunnels; i++)
		if (r.v.tunnels[i].codes & VERDICT_IGNORE_BIT(CODE_CALL_ID_COLLISION))
			ck_assert_int_eq(r.v.tunnels[i].value, VERDICT_FAIL);

	text = render(&r.r, false, &len);
	assert_width(text, "no-editor-200");
	snprintf(header, sizeof(header),
	         "\nERROR call_id_collision, Call ID collision: %u tunnels (", ncoll);
	ck_assert_msg(strstr(text, header) != NULL, "no block header '%s'", header + 1);
	ck_assert_uint_eq(occurrences(text, "ERROR call_id_collision"), 1);
	ck_assert_uint_eq(occurrences(text, "ERROR gre_misdelivered"), 1);
	ck_assert_uint_eq(occurrences(text, "What it means: The server cannot tell"), 1);
	ck_assert_uint_eq(occurrences(text, "What it means: The NAT hands one tunnel's data"), 1);
	snprintf(sentence, sizeof(sentence), "%u tunnels use the same return triple", ncoll);
	ck_assert_ptr_nonnull(strstr(text, sentence));
	ck_assert_msg(strncmp(text, "pptp-natcheck: FAIL: the NAT has no PPTP editor: ", 49) == 0,
	              "%.100s", text);
	snprintf(sentence, sizeof(sentence), "%u clients share Call ID 256 toward 198.51.100.1",
	         ncoll);
	ck_assert_ptr_nonnull(strstr(text, sentence));
	/* At most 10 findings listed per code; the rest counted. */
	ck_assert_uint_gt(nmis, 10);
	snprintf(sentence, sizeof(sentence), "  ... and %u more like these (-v lists them)",
	         nmis - 10);
	ck_assert_msg(strstr(text, sentence) != NULL, "no '%s'", sentence);
	/* Short: failing tunnels past the first tables take one line each. */
	ck_assert_uint_lt(occurrences(text, "\n"), 700);
	free(text);
	/* -v: every tunnel number in the block header, every table, still 100 columns. */
	r.r.verbose = true;
	text = render(&r.r, false, &len);
	assert_width(text, "no-editor-200 -v");
	ck_assert_uint_eq(occurrences(text, "\nTunnel "), 200);
	{
		char *hdr = strchr(strstr(text, "ERROR call_id_collision"), '('),
		     *end = strchr(hdr, ')');
		uint32_t listed = 1;

		for (char *c = hdr; c < end; c++)
			listed += *c == ',';
		ck_assert_uint_eq(listed, ncoll);
		ck_assert_ptr_null(strstr(hdr, "more)"));
	}
	r.r.verbose = false;
	free(text);

	text = render(&r.r, true, &len);
	root = json_loads(text, 0, &err);
	ck_assert_msg(root != NULL, "%s", err.text);
	st = json_object_get(root, "shared_triples");
	ck_assert_uint_eq(json_array_size(st), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(st, 0), "tunnel_count")),
	                 ncoll);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(st, 0), "call_id")),
	                 256);
	/* The triple's count is every packet of every call that held the triple. */
	for (i = 0; i < r.out.tunnels.ncalls; i++) {
		const struct call *c = &r.out.tunnels.calls[i];
		bool shared;

		if (c->kind == CALL_GRE_ONLY || !c->has_pns_call_id)
			continue;
		tunnels_to_pns_shared(&r.out.tunnels, i, &shared);
		if (shared)
			on_triple += c->to_pns.packets;
	}
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(st, 0), "gre_packets")),
	                 (json_int_t)on_triple);
	/* Per tunnel, nothing is attributed that cannot be. */
	json_array_foreach(json_object_get(root, "tunnels"), k, t)
	{
		json_t *o = json_object_get(t, "outside"), *code;
		bool in_coll = false;
		size_t m;

		json_array_foreach(json_object_get(t, "findings"), m, code)
		{
			in_coll |= strcmp(json_string_value(code), "call_id_collision") == 0;
		}
		if (in_coll) {
			ck_assert(json_is_null(json_object_get(o, "gre_to_pns")));
			ck_assert(json_is_object(json_object_get(o, "gre_to_pns_shared_triple")));
		}
	}
	json_decref(root);
	free(text);
	run_files_free(&r);
}
END_TEST

/* --ignore: the finding stays, as a note; the verdict follows the rest. */
START_TEST(ignore_makes_a_note)
{
	struct run r;
	char *text;
	size_t len;
	uint32_t i;
	bool seen = false;

	run_files(&r, TESTDATA "/lab/masq-1/inside.pcap", TESTDATA "/lab/masq-1/outside.pcap",
	          VERDICT_IGNORE_BIT(CODE_GRE_RETURN_BLOCKED));
	ck_assert_int_eq(r.v.value, VERDICT_PASS);
	ck_assert_uint_eq(r.v.count[SEV_ERROR], 0);
	for (i = 0; i < r.v.nfindings; i++)
		if (r.v.findings[i].code == CODE_GRE_RETURN_BLOCKED) {
			seen = true;
			ck_assert(r.v.findings[i].ignored);
			ck_assert_int_eq(r.v.findings[i].severity, SEV_NOTE);
		}
	ck_assert(seen);
	text = render(&r.r, false, &len);
	ck_assert_ptr_nonnull(strstr(text, "options  --ignore gre_return_blocked\n"));
	ck_assert_ptr_nonnull(strstr(text, "accepted with --ignore"));
	free(text);
	text = render(&r.r, true, &len);
	ck_assert_ptr_nonnull(strstr(text, "\"ignored_codes\": [\n      \"gre_return_blocked\""));
	ck_assert_ptr_nonnull(strstr(text, "\"ignored\": true"));
	free(text);
	run_files_free(&r);
}
END_TEST

/* Markup escaping: entities, and U+FFFD for what XML 1.0 cannot carry. */
START_TEST(markup_escaping)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"a&b<c>\"d'e", "a&amp;b&lt;c&gt;&quot;d&#39;e"},
	    {"tab\tnl\n", "tab\tnl\n"},
	    {"bell\a del\x7f", "bell&#xfffd; del&#xfffd;"},
	    {"caf\xc3\xa9", "caf\xc3\xa9"},               /* valid UTF-8 kept */
	    {"x\xff\xc3", "x&#xfffd;&#xfffd;"},           /* invalid and cut sequences */
	    {"\xc0\xaf", "&#xfffd;&#xfffd;"},             /* overlong */
	    {"\xed\xa0\x80", "&#xfffd;&#xfffd;&#xfffd;"}, /* surrogate */
	    {"\xef\xbf\xbe", "&#xfffd;&#xfffd;&#xfffd;"}, /* U+FFFE, no XML character */
	    {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},     /* outside the BMP */
	};
	size_t k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char *buf = NULL;
		size_t len;
		FILE *fp = open_memstream(&buf, &len);

		ck_assert_ptr_nonnull(fp);
		report_put_markup(fp, cases[k].in);
		fclose(fp);
		ck_assert_str_eq(buf, cases[k].out);
		free(buf);
	}
}
END_TEST

START_TEST(report_time_format)
{
	char buf[64];

	ck_assert_str_eq(report_time((ts_ns_t)1700000000 * NS_PER_SEC + 123456789, buf),
	                 "2023-11-14 22:13:20.123456");
}
END_TEST

static Suite *
report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("renderers");

	tcase_add_test(tc, json_schema);
	tcase_add_test(tc, text_diagram);
	tcase_add_test(tc, report_time_format);
	tcase_add_test(tc, junit_cases);
	tcase_add_test(tc, markup_escaping);
	tcase_add_loop_test(tc, headline_names_the_cause, 0,
	                    (int)(sizeof(causes) / sizeof(causes[0])));
	tcase_add_test(tc, headline_from_sim);
	tcase_add_test(tc, wrong_values_in_tables);
	tcase_add_test(tc, json_value_fields);
	tcase_add_test(tc, grouped_counts_200_no_editor);
	tcase_add_test(tc, ignore_makes_a_note);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(report_suite)
