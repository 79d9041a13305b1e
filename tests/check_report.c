/*
 * Report suite: the JSON report parses, carries every field the schema
 * promises, and agrees with the analysis; the text report shows the
 * diagram and the findings.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "report.h"
#include "sim.h"
#include "testutil.h"

struct run {
	struct side in, out;
	struct correlation corr;
	struct verdict v;
	struct report r;
};

static void
run_sim(struct run *r, unsigned n, unsigned flags)
{
	struct sim s;
	struct verdict_options opt = {false};

	ck_assert(side_init(&r->in, SIDE_INSIDE, NULL));
	ck_assert(side_init(&r->out, SIDE_OUTSIDE, NULL));
	sim_init(&s, &r->in, &r->out, n, flags);
	sim_run(&s, 5);
	side_finish(&r->in);
	side_finish(&r->out);
	ck_assert(correlate(&r->in, &r->out, NULL, &r->corr));
	ck_assert(verdict_judge(&r->in, &r->out, &r->corr, &opt, &r->v));
	r->r = (struct report){&r->in, &r->out, &r->corr, &r->v, false, NULL};
}

static void
run_free(struct run *r)
{
	verdict_free(&r->v);
	correlation_free(&r->corr);
	side_free(&r->in);
	side_free(&r->out);
}

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

	run_sim(&r, 2, SIM_NO_EDITOR);
	text = render(&r.r, true, &len);
	root = json_loads(text, 0, &err);
	ck_assert_msg(root != NULL, "JSON does not parse: %s", err.text);
	ck_assert_int_eq(json_integer_value(json_object_get(root, "schema_version")), 1);
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

	run_sim(&r, 1, 0);
	text = render(&r.r, false, &len);
	ck_assert_ptr_nonnull(strstr(text, "PASS"));
	ck_assert_ptr_nonnull(strstr(text, "OCRQ Call ID"));
	ck_assert_ptr_nonnull(strstr(text, "61000"));
	ck_assert_ptr_nonnull(strstr(text, "key 4096 x5"));
	ck_assert_ptr_nonnull(strstr(text, "Verdict: PASS (exit status 0)"));
	ck_assert_ptr_null(strstr(text, "<<"));
	free(text);
	run_free(&r);
	run_sim(&r, 1, SIM_RETURN_BLOCKED);
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

		run_sim(&r, cases[k].clients, cases[k].flags);
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
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(report_suite)
