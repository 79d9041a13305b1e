/*
 * Markdown report suite: the heading follows the verdict, one table per
 * tunnel that did not pass with exactly the verdict's marks, passing
 * tunnels in one line, every finding's code, and text from outside the
 * program escaped so that it cannot break a table or start markup.
 */
#include <stdio.h>
#include <stdlib.h>

#include "analysis.h"
#include "report_markdown.h"
#include "sim.h"
#include "testutil.h"

static char *
render(const struct report *r)
{
	char *buf = NULL;
	size_t len;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	ck_assert(report_markdown(fp, r));
	fclose(fp);
	return buf;
}

static unsigned
count(const char *text, const char *what)
{
	unsigned n = 0;
	const char *p;

	for (p = strstr(text, what); p != NULL; p = strstr(p + 1, what))
		n++;
	return n;
}

static unsigned
popcount(unsigned v)
{
	unsigned n = 0;

	for (; v != 0; v &= v - 1)
		n++;
	return n;
}

START_TEST(tables_follow_verdict)
{
	static const unsigned flags[] = {SIM_NO_EDITOR, 0, SIM_RETURN_BLOCKED, SIM_MISDELIVER};
	struct run r;
	char *md;
	uint32_t i, failing = 0, marks = 0;

	run_nat(&r, 3, flags[_i]);
	md = render(&r.r);
	ck_assert_msg(strncmp(md, "## pptp-natcheck: ", 18) == 0, "%s", md);
	ck_assert_ptr_nonnull(strstr(md, r.v.value == VERDICT_PASS   ? ": PASS"
	                                 : r.v.value == VERDICT_FAIL ? ": FAIL"
	                                                             : ": INCONCLUSIVE"));
	for (i = 0; i < r.v.ntunnels; i++)
		if (r.v.tunnels[i].value != VERDICT_PASS) {
			failing++;
			marks += popcount(r.v.tunnels[i].marks &
			                  (MARK_REQUEST | MARK_REPLY | MARK_TO_PAC | MARK_TO_PNS));
		}
	ck_assert_uint_eq(count(md, "\n### Tunnel "), failing);
	ck_assert_uint_eq(count(md, "** ✗ |"), marks);
	if (failing < r.corr.npairs)
		ck_assert_ptr_nonnull(strstr(md, " passed: "));
	else
		ck_assert_ptr_null(strstr(md, " passed: "));
	for (i = 0; i < r.v.nfindings; i++) {
		char code[64];

		snprintf(code, sizeof(code), "`%s`", code_name(r.v.findings[i].code));
		ck_assert_msg(strstr(md, code) != NULL, "%s missing", code);
	}
	/* Never "#N": trackers turn it into a link. */
	for (i = 0; md[i] != 0; i++)
		ck_assert(!(md[i] == '#' && md[i + 1] >= '0' && md[i + 1] <= '9'));
	free(md);
	run_free(&r);
}
END_TEST

/* A path with Markdown in it: one table row, three cell borders, nothing unescaped. */
START_TEST(escapes_outside_text)
{
	struct run r;
	char *md, *row, *end;
	unsigned pipes = 0;
	const char *p;

	run_nat(&r, 1, SIM_NO_EDITOR);
	r.in.ninputs = 1;
	r.in.inputs[0].path = "a|b`c*d_e[f]<g>h\nx\\y.pcap";
	snprintf(r.in.inputs[0].format, sizeof(r.in.inputs[0].format), "pcap");
	r.in.inputs[0].packets = 7;
	md = render(&r.r);
	row = strstr(md, "\n| inside | ");
	ck_assert_ptr_nonnull(row);
	row++;
	end = strchr(row, '\n');
	ck_assert_ptr_nonnull(end);
	*end = 0;
	ck_assert_str_eq(
	    row, "| inside | a\\|b\\`c\\*d\\_e\\[f\\]\\<g>h?x\\\\y.pcap (pcap, 7 packets) |");
	for (p = row; *p != 0; p++)
		pipes += *p == '|' && (p == row || p[-1] != '\\');
	ck_assert_uint_eq(pipes, 3);
	r.in.ninputs = 0;
	free(md);
	run_free(&r);
}
END_TEST

static Suite *
report_markdown_suite(void)
{
	Suite *s = suite_create("report_markdown");
	TCase *tc = tcase_create("render");

	tcase_add_loop_test(tc, tables_follow_verdict, 0, 4);
	tcase_add_test(tc, escapes_outside_text);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(report_markdown_suite)
