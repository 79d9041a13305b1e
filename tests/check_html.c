/*
 * HTML report suite: the page is self-contained (no script, nothing
 * fetched), draws one diagram per tunnel whose arrows carry the Call IDs
 * each capture saw, marks what the verdict marked, puts failing tunnels
 * before the folded passing ones, escapes what comes from captures, and
 * says when writing failed.  Chromium renders it in tests/html/run-html.
 */
#include <stdio.h>
#include <stdlib.h>

#include "diagnosis.h"
#include "report.h"
#include "sim.h"
#include "analysis.h"
#include "testutil.h"

static char *
render(const struct report *r)
{
	char *buf = NULL;
	size_t len;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	ck_assert(report_html(fp, r));
	fclose(fp);
	return buf;
}

static unsigned
count(const char *hay, const char *needle)
{
	unsigned n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* A copy of tunnel id's section of the page (the caller frees it). */
static char *
tunnel_section(const char *page, uint32_t id)
{
	char open[64];
	const char *start, *end;
	char *copy;

	snprintf(open, sizeof(open), "\" id=\"t%u\">", id);
	start = strstr(page, open);
	ck_assert_msg(start != NULL, "no section for tunnel %u", id);
	end = strstr(start, "</section>");
	ck_assert_ptr_nonnull(end);
	copy = strndup(start, (size_t)(end - start));
	ck_assert_ptr_nonnull(copy);
	return copy;
}

static const struct call *
pair_call(const struct run *r, uint32_t pi, int s)
{
	const struct side *side = s == SIDE_A ? &r->in : &r->out;
	uint32_t ci = r->corr.pairs[pi].call[s];

	ck_assert_uint_ne(ci, NO_INDEX);
	return &side->tunnels.calls[ci];
}

START_TEST(self_contained)
{
	struct run r;
	char *page;

	run_nat(&r, 2, SIM_NO_EDITOR);
	page = render(&r.r);
	ck_assert_msg(strncmp(page, "<!DOCTYPE html>", 15) == 0, "no doctype");
	ck_assert_ptr_nonnull(strstr(page, "default-src 'none'"));
	ck_assert_ptr_null(strstr(page, "<script"));
	ck_assert_ptr_null(strstr(page, "http:"));
	ck_assert_ptr_null(strstr(page, "https:"));
	ck_assert_ptr_null(strstr(page, " src="));
	ck_assert_ptr_null(strstr(page, "@import"));
	ck_assert_ptr_null(strstr(page, "<link"));
	/* One diagram per tunnel, and the page ends. */
	ck_assert_uint_eq(count(page, "<svg class=\"d\""), r.corr.npairs);
	ck_assert_uint_eq(count(page, "<svg"), count(page, "</svg>"));
	ck_assert_uint_eq(count(page, "<section"), count(page, "</section>"));
	ck_assert_ptr_nonnull(strstr(page, "</html>\n"));
	free(page);
	run_free(&r);
}
END_TEST

/* With an editor: each arrow carries its side's Call ID, translated ones
 * emphasised, nothing marked broken. */
START_TEST(editor_call_ids)
{
	struct run r;
	char *page, want[160];
	uint32_t i;

	run_nat(&r, 3, 0);
	ck_assert_int_eq(r.v.value, VERDICT_PASS);
	page = render(&r.r);
	ck_assert_ptr_nonnull(strstr(page, "<h1>PASS</h1>"));
	ck_assert_ptr_null(strstr(page, "class=\"i b"));
	ck_assert_ptr_null(strstr(page, "class=\"o b"));
	ck_assert_ptr_null(strstr(page, "triple shared"));
	for (i = 0; i < r.corr.npairs; i++) {
		const struct call *in = pair_call(&r, i, SIDE_A), *out = pair_call(&r, i, SIDE_B);
		char *sec = tunnel_section(page, r.corr.pairs[i].id);

		ck_assert_uint_ne(in->pns_call_id, out->pns_call_id);
		snprintf(want, sizeof(want),
		         "<g class=\"i\"><path d=\"M60 62H320\"/><text x=\"190\" "
		         "y=\"57\">OCRQ Call ID <tspan class=\"x\">%u</tspan>",
		         in->pns_call_id);
		ck_assert_msg(strstr(sec, want) != NULL, "tunnel %u: no %s", i + 1, want);
		snprintf(want, sizeof(want),
		         "<g class=\"o\"><path d=\"M320 62H580\"/><text x=\"450\" "
		         "y=\"57\">OCRQ Call ID <tspan class=\"x\">%u</tspan>",
		         out->pns_call_id);
		ck_assert_msg(strstr(sec, want) != NULL, "tunnel %u: no %s", i + 1, want);
		/* GRE to the client: the key is the client's Call ID on each side. */
		snprintf(want, sizeof(want), ">GRE key <tspan class=\"x\">%u</tspan> \xc3\x97%llu",
		         in->pns_call_id, (unsigned long long)in->to_pns.packets);
		ck_assert_msg(strstr(sec, want) != NULL, "tunnel %u: no %s", i + 1, want);
		snprintf(want, sizeof(want), ">GRE key <tspan class=\"x\">%u</tspan> \xc3\x97",
		         out->pns_call_id);
		ck_assert_msg(strstr(sec, want) != NULL, "tunnel %u: no %s", i + 1, want);
		/* The server's Call ID crosses unchanged: not emphasised. */
		snprintf(want, sizeof(want), ">GRE key %u \xc3\x97", in->pac_call_id);
		ck_assert_uint_eq(count(sec, want), 2);
		ck_assert_uint_eq(count(sec, "&#8644;"), 3); /* OCRQ, OCRP, GRE to client */
		free(sec);
	}
	free(page);
	run_free(&r);
}
END_TEST

/* Without an editor: the verdict's marks become red arrows with the
 * finding beside them, and the shared triple names the other tunnels. */
START_TEST(no_editor_broken)
{
	struct run r;
	char *page, *sec;
	uint32_t i;

	run_nat(&r, 2, SIM_NO_EDITOR);
	ck_assert_int_eq(r.v.value, VERDICT_FAIL);
	page = render(&r.r);
	ck_assert_ptr_nonnull(strstr(page, "<h1>FAIL</h1>"));
	/* The headline is the diagnosis, as every renderer gives it. */
	{
		struct diagnosis d;
		char want[64];

		diagnosis_derive(&r.r, &d);
		ck_assert_str_ne(d.code, "none");
		ck_assert(d.fix[0] != 0);
		snprintf(want, sizeof(want), " <code>%s</code></p>", d.code);
		ck_assert_ptr_nonnull(strstr(page, want));
		ck_assert_ptr_nonnull(strstr(page, "<p class=\"fix\"><b>Fix:</b> "));
		ck_assert(strstr(page, want) < strstr(page, "<section id=\"tunnels\">"));
	}
	ck_assert_ptr_nonnull(strstr(page, "id=\"c-call_id_collision\""));
	for (i = 0; i < r.corr.npairs; i++) {
		const struct call *in = pair_call(&r, i, SIDE_A), *out = pair_call(&r, i, SIDE_B);
		char want[96];

		ck_assert_uint_eq(in->pns_call_id, out->pns_call_id);
		ck_assert(r.v.tunnels[i].marks & MARK_REQUEST);
		snprintf(want, sizeof(want), "<section class=\"tun fail\" id=\"t%u\">",
		         r.corr.pairs[i].id);
		ck_assert_ptr_nonnull(strstr(page, want));
		sec = tunnel_section(page, r.corr.pairs[i].id);
		snprintf(want, sizeof(want), "<g class=\"o b\"><path d=\"M320 62H580\"/>");
		ck_assert_msg(strstr(sec, want) != NULL, "OCRQ outside not marked");
		snprintf(want, sizeof(want), "OCRQ Call ID %u <tspan", out->pns_call_id);
		ck_assert_uint_eq(count(sec, want), 2); /* same value both sides */
		ck_assert_ptr_nonnull(strstr(sec, "<a href=\"#c-call_id_collision\">"));
		snprintf(want, sizeof(want), "triple shared with tunnel <a href=\"#t%u\">",
		         r.corr.pairs[1 - i].id);
		ck_assert_msg(strstr(sec, want) != NULL, "no shared triple in tunnel %u", i + 1);
		ck_assert_ptr_null(strstr(sec, "&#8644;"));
		free(sec);
	}
	free(page);
	run_free(&r);
}
END_TEST

START_TEST(failing_first_passing_folded)
{
	struct run r;
	char *page;
	const char *details, *fail, *pass;
	uint32_t i, npass = 0;

	run_nat(&r, 3, SIM_RETURN_BLOCKED);
	for (i = 0; i < r.v.ntunnels; i++)
		npass += r.v.tunnels[i].value == VERDICT_PASS;
	ck_assert_uint_eq(npass, 2);
	page = render(&r.r);
	details = strstr(page, "<details><summary>2 passing tunnels</summary>");
	fail = strstr(page, "<section class=\"tun fail\"");
	pass = strstr(page, "<section class=\"tun pass\"");
	ck_assert_ptr_nonnull(details);
	ck_assert_ptr_nonnull(fail);
	ck_assert_ptr_nonnull(pass);
	ck_assert(fail < details && details < pass);
	ck_assert_ptr_null(strstr(details, "<section class=\"tun fail\""));
	/* The broken arrow is the GRE to the client; nothing reached it inside. */
	ck_assert_ptr_nonnull(strstr(fail, "<g class=\"i b n\"><path d=\"M320 164H60\"/>"));
	ck_assert_ptr_nonnull(strstr(fail, "<a href=\"#c-gre_return_blocked\">"));
	free(page);
	run_free(&r);
}
END_TEST

/* Every string from a capture is escaped: paths, messages, labels. */
START_TEST(escapes_capture_strings)
{
	struct run r;
	char *page;

	run_nat(&r, 2, SIM_NO_EDITOR);
	ck_assert_uint_gt(r.v.nfindings, 0);
	ck_assert_uint_gt(r.v.findings[0].nevidence, 0);
	r.in.inputs[0].path = "in<script>alert(1)</script>&\"'\xff.pcap";
	/* Text a finding quotes from the input layer (an input diagnostic's detail). */
	r.v.findings[0].msg = MSG_INPUT_DIAGNOSTIC;
	r.v.findings[0].evidence[0].kind = LABEL_INPUT_DIAGNOSTIC;
	snprintf(r.v.findings[0].quote, sizeof(r.v.findings[0].quote),
	         "<img src=x onerror=alert(1)>");
	snprintf(r.v.findings[0].evidence[0].quote, sizeof(r.v.findings[0].evidence[0].quote),
	         "</td><iframe>");
	page = render(&r.r);
	ck_assert_ptr_null(strstr(page, "<script"));
	ck_assert_ptr_null(strstr(page, "<img"));
	ck_assert_ptr_null(strstr(page, "<iframe"));
	ck_assert_ptr_null(strstr(page, "\xff"));
	ck_assert_ptr_nonnull(
	    strstr(page, "in&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;&#xfffd;.pcap"));
	ck_assert_ptr_nonnull(strstr(page, "&lt;img src=x onerror=alert(1)&gt;"));
	ck_assert_ptr_nonnull(strstr(page, "&lt;/td&gt;&lt;iframe&gt;"));
	free(page);
	run_free(&r);
}
END_TEST

/* A pair given the other way round says so, escaped, before anything else. */
START_TEST(orientation_swapped)
{
	struct run r;
	struct orientation o;
	char *page;
	const char *note, *order, *tunnels;

	run_nat(&r, 1, 0);
	page = render(&r.r);
	ck_assert_ptr_null(strstr(page, "other way round"));
	free(page);
	memset(&o, 0, sizeof(o));
	o.swapped = true;
	o.clients = ORIENT_CLIENTS_B;
	o.translated = ORIENT_TRANSLATED_SERVER;
	snprintf(o.how, sizeof(o.how), "the <b> capture's client addresses are private");
	r.r.orient = &o;
	r.in.inputs[0].path = "lan&.pcap";
	page = render(&r.r);
	note = strstr(page, "<code>lan&amp;.pcap</code> holds the clients");
	order = strstr(page, "Order: swapped: the &lt;b&gt; capture&#39;s client addresses are "
	                     "private (NAT translates: server)");
	tunnels = strstr(page, "<section id=\"tunnels\">");
	ck_assert_ptr_nonnull(note);
	ck_assert_ptr_nonnull(order);
	ck_assert_ptr_nonnull(tunnels);
	ck_assert(note < order && order < tunnels);
	free(page);
	run_free(&r);
}
END_TEST

/* One capture: two lanes, no NAT. */
START_TEST(single_capture)
{
	struct side in, out;
	struct sim s;
	struct correlation corr;
	struct verdict v;
	struct verdict_options opt = {false};
	struct report rep;
	char *page;

	ck_assert(side_init(&in, SIDE_SINGLE, NULL));
	ck_assert(side_init(&out, SIDE_OUTSIDE, NULL));
	sim_init(&s, &in, &out, 2, 0);
	sim_run(&s, 5);
	side_finish(&in);
	side_finish(&out);
	ck_assert(correlate(&in, NULL, NULL, &corr));
	ck_assert(verdict_judge(&in, NULL, &corr, &opt, &v));
	rep = (struct report){&in, NULL, &corr, &v, false, NULL};
	page = render(&rep);
	ck_assert_uint_eq(count(page, "<svg class=\"d\""), corr.npairs);
	ck_assert_uint_eq(corr.npairs, 2);
	ck_assert_ptr_null(strstr(page, ">NAT</text>"));
	ck_assert_ptr_null(strstr(page, "id=\"clock\""));
	ck_assert_ptr_nonnull(strstr(page, "<g class=\"i\"><path d=\"M60 62H580\"/>"));
	free(page);
	verdict_free(&v);
	correlation_free(&corr);
	side_free(&in);
	side_free(&out);
}
END_TEST

START_TEST(write_failure_reported)
{
	struct run r;
	FILE *full = fopen("/dev/full", "w");

	if (full == NULL)
		return; /* no /dev/full here: nothing to test */
	run_nat(&r, 1, 0);
	setvbuf(full, NULL, _IONBF, 0);
	ck_assert(!report_html(full, &r.r));
	fclose(full);
	run_free(&r);
}
END_TEST

static Suite *
html_suite(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("page");

	tcase_add_test(tc, self_contained);
	tcase_add_test(tc, editor_call_ids);
	tcase_add_test(tc, no_editor_broken);
	tcase_add_test(tc, failing_first_passing_folded);
	tcase_add_test(tc, escapes_capture_strings);
	tcase_add_test(tc, orientation_swapped);
	tcase_add_test(tc, single_capture);
	tcase_add_test(tc, write_failure_reported);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(html_suite)
