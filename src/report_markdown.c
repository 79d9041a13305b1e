/*
 * The Markdown report, for a GitHub, GitLab or Jira ticket: a heading with
 * the verdict and its cause, the inputs and clock offset, one table per
 * tunnel that did not pass (inside beside outside, broken cells marked),
 * passing tunnels in one line, then the findings with their evidence.
 * A renderer: the marks and findings are the verdict's.
 *
 * Short enough to paste: at most MD_MAX_TABLES tunnel tables and
 * MD_MAX_FINDINGS findings in full; the rest are counted by code, so no
 * kind of finding goes unmentioned.  Everything that comes from the
 * command line or a capture (paths, messages) is escaped: Markdown
 * punctuation gets a backslash, control characters become '?'.  Frames
 * are written "frame 21", never "#21", which trackers turn into links.
 */
#include <stdio.h>
#include <string.h>

#include "report_markdown.h"

#include "diagnosis.h"
#include "finding_text.h"
#include "link.h"

/* Tunnel tables in full: a ticket with more is not read; the rest are listed by id. */
#define MD_MAX_TABLES 20
/* Findings in full; the others are counted per code. */
#define MD_MAX_FINDINGS 50
/* Tunnel ids listed in a summary line before "and N more". */
#define MD_MAX_IDS 40

/* Text from outside the program, safe in a paragraph or a table cell. */
static void
md_escape(FILE *out, const char *s)
{
	for (; s != NULL && *s != 0; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x20 || ch == 0x7F)
			fputc('?', out);
		else if (strchr("\\`*_[]<|~&", ch) != NULL)
			fprintf(out, "\\%c", ch);
		else
			fputc(ch, out);
	}
}

/*
 * The heading: the diagnosis headline (verdict and cause, as on the text
 * report's first line) without its fix, which follows as a paragraph of its
 * own: a heading several lines long is not read.
 */
static void
heading(FILE *out, const struct diagnosis *d)
{
	size_t len = strlen(d->headline),
	       tail = d->fix[0] != 0 ? strlen(" Fix: ") + strlen(d->fix) : 0;
	char cut[sizeof(d->headline)];

	/* diagnosis_derive appends " Fix: <fix>" (first letter lowered) when there is one. */
	if (tail > 0 && tail <= len && strncmp(d->headline + len - tail, " Fix: ", 6) == 0)
		len -= tail;
	memcpy(cut, d->headline, len);
	cut[len] = 0;
	fprintf(out, "## pptp-natcheck: ");
	md_escape(out, cut);
	fputc('\n', out);
	if (d->fix[0] != 0) {
		fprintf(out, "\n**Fix:** ");
		md_escape(out, d->fix);
		fputc('\n', out);
	}
}

/* "frame 21", or "f2 frame 21" when the side is made of several files. */
static void
frame_name(char *buf, size_t n, const struct side *s, const struct frame_ref *f)
{
	if (s != NULL && s->ninputs > 1)
		snprintf(buf, n, "f%u frame %llu", f->file + 1, (unsigned long long)f->frame);
	else
		snprintf(buf, n, "frame %llu", (unsigned long long)f->frame);
}

static void
print_inputs(FILE *out, const struct side *s)
{
	unsigned i, k;

	for (i = 0; i < s->ninputs; i++) {
		const struct side_input *in = &s->inputs[i];

		fprintf(out, "| %s", side_role_name(s->role));
		if (s->ninputs > 1)
			fprintf(out, " f%u", i + 1);
		fprintf(out, " | ");
		md_escape(out, in->path);
		if (s->leg[0] != 0) { /* one capture holding both legs (legs.c) */
			fprintf(out, " on ");
			md_escape(out, s->leg);
		}
		fprintf(out, " (%s", in->format);
		for (k = 0; k < in->nlinktypes; k++)
			fprintf(out, "%s%s", k == 0 ? ", " : "/", link_name(in->linktypes[k]));
		fprintf(out, ", %llu packets", (unsigned long long)in->packets);
		if (in->truncated || in->damaged) {
			fprintf(out, ", **%s**: ", in->truncated ? "truncated" : "damaged");
			md_escape(out, in->error);
		}
		fprintf(out, ") |\n");
	}
}

enum row_kind { ROW_REQUEST, ROW_REPLY, ROW_GRE_TO_PAC, ROW_GRE_TO_PNS, ROW_STATE };

/* One cell's text (numbers and our own words only: nothing to escape). */
static void
cell(char *buf, size_t n, const struct side *s, const struct call *c, enum row_kind kind)
{
	const struct call_msg *m;
	const struct gre_dir *gd;
	char f1[48], f2[48];
	bool shared = false;
	uint64_t total;

	if (c == NULL) {
		snprintf(buf, n, "not seen");
		return;
	}
	switch (kind) {
	case ROW_REQUEST:
	case ROW_REPLY:
		m = report_find_msg(c, kind == ROW_REQUEST
		                           ? (c->kind == CALL_INCOMING ? PPTP_ICRP : PPTP_OCRQ)
		                           : (c->kind == CALL_INCOMING ? PPTP_ICRQ : PPTP_OCRP));
		if (m == NULL) {
			snprintf(buf, n, "-");
			return;
		}
		frame_name(f1, sizeof(f1), s, &m->where);
		if (kind == ROW_REPLY && m->has_peer_call_id)
			snprintf(buf, n, "%u / %u (%s)", m->call_id, m->peer_call_id, f1);
		else
			snprintf(buf, n, "%u (%s)", m->call_id, f1);
		return;
	case ROW_GRE_TO_PAC:
	case ROW_GRE_TO_PNS:
		gd = kind == ROW_GRE_TO_PAC ? &c->to_pac : &c->to_pns;
		if (kind == ROW_GRE_TO_PNS && c->roles_known) {
			total = tunnels_to_pns_shared(&s->tunnels, (uint32_t)(c - s->tunnels.calls),
			                              &shared);
			if (shared) {
				snprintf(buf, n, "key %u x%llu, shared", c->pns_call_id,
				         (unsigned long long)total);
				return;
			}
		}
		if (gd->packets == 0) {
			snprintf(buf, n, "none");
			return;
		}
		frame_name(f1, sizeof(f1), s, &gd->first);
		frame_name(f2, sizeof(f2), s, &gd->last);
		if (gd->first.frame == gd->last.frame && gd->first.file == gd->last.file)
			snprintf(buf, n, "key %u x%llu (%s)", gd->key,
			         (unsigned long long)gd->packets, f1);
		else if (gd->first.file == gd->last.file && s->ninputs <= 1)
			snprintf(buf, n, "key %u x%llu (frames %llu-%llu)", gd->key,
			         (unsigned long long)gd->packets,
			         (unsigned long long)gd->first.frame,
			         (unsigned long long)gd->last.frame);
		else
			snprintf(buf, n, "key %u x%llu (%s to %s)", gd->key,
			         (unsigned long long)gd->packets, f1, f2);
		return;
	case ROW_STATE:
		snprintf(buf, n, "%s",
		         c->kind == CALL_GRE_ONLY ? "no control connection seen"
		                                  : call_state_name(c->state));
		return;
	}
}

static void
print_tunnel(FILE *out, const struct report *r, const struct tunnel_pair *p,
             const struct tunnel_verdict *tv)
{
	static const struct {
		enum row_kind kind;
		const char *out_label, *in_label;
		unsigned mark;
	} rows[] = {
	    {ROW_REQUEST, "OCRQ Call ID", "ICRP Call ID", MARK_REQUEST},
	    {ROW_REPLY, "OCRP Call ID / Peer", "ICRQ Call ID", MARK_REPLY},
	    {ROW_GRE_TO_PAC, "GRE to server", "GRE to server", MARK_TO_PAC},
	    {ROW_GRE_TO_PNS, "GRE to client", "GRE to client", MARK_TO_PNS},
	    {ROW_STATE, "state", "state", 0},
	};
	const struct call *a = report_pair_call(r, p, SIDE_A);
	const struct call *b = report_pair_call(r, p, SIDE_B);
	const struct call *any = a != NULL ? a : b;
	char pns[ADDR_STRLEN], pac[ADDR_STRLEN], nat[ADDR_STRLEN];
	size_t i;
	bool incoming = any->kind == CALL_INCOMING;

	fprintf(out, "\n### Tunnel %u: %s, ", p->id, report_verdict_word(tv->value));
	if (any->roles_known)
		fprintf(out, "client %s to server %s", addr_format(&any->pns, pns),
		        addr_format(&any->pac, pac));
	else
		fprintf(out, "GRE between %s and %s", addr_format(&any->pns, pns),
		        addr_format(&any->pac, pac));
	if (a != NULL && b != NULL && !addr_eq(&a->pns, &b->pns))
		fprintf(out, ", outside as %s", addr_format(&b->pns, nat));
	fprintf(out, "%s\n\n", incoming ? " (incoming call)" : "");
	fprintf(out, r->b != NULL ? "| | inside | outside |\n|---|---|---|\n"
	                          : "| | capture |\n|---|---|\n");
	for (i = 0; i < ARRAY_LEN(rows); i++) {
		bool broken = (tv->marks & rows[i].mark) != 0;
		const char *bold = broken ? "**" : "";
		char ca[160], cb[160];

		if (any->kind == CALL_GRE_ONLY && rows[i].kind <= ROW_REPLY)
			continue;
		cell(ca, sizeof(ca), r->a, a, rows[i].kind);
		fprintf(out, "| %s%s%s%s | %s%s%s |", bold,
		        incoming ? rows[i].in_label : rows[i].out_label, bold, broken ? " ✗" : "",
		        bold, ca, bold);
		if (r->b != NULL) {
			cell(cb, sizeof(cb), r->b, b, rows[i].kind);
			fprintf(out, " %s%s%s |", bold, cb, bold);
		}
		fputc('\n', out);
	}
}

/* Ids of the passing (or the other) tunnels after the first skip of them: "1, 2, 3"
 * (at most MD_MAX_IDS, then "and N more"). */
static void
print_ids(FILE *out, const struct report *r, bool want_pass, uint32_t skip)
{
	uint32_t i, shown = 0, total = 0;

	for (i = 0; i < r->corr->npairs && i < r->verdict->ntunnels; i++) {
		if ((r->verdict->tunnels[i].value == VERDICT_PASS) != want_pass)
			continue;
		if (skip > 0) {
			skip--;
			continue;
		}
		if (total++ < MD_MAX_IDS)
			fprintf(out, "%s%u", shown++ > 0 ? ", " : "", r->corr->pairs[i].id);
	}
	if (total > shown)
		fprintf(out, " and %u more", total - shown);
}

static void
print_evidence(FILE *out, const struct report *r, const struct evidence *e)
{
	const struct side *s = e->side == SIDE_OUTSIDE ? r->b : r->a;
	char fr[64], when[64];

	frame_name(fr, sizeof(fr), s, &e->where);
	fprintf(out, "%s %s (%s)", side_role_name(e->side), fr, report_time(e->where.ts, when));
}

static void
print_finding(FILE *out, const struct report *r, const struct finding *f, bool *hinted)
{
	const struct code_info *ci = code_info(f->code);
	char text[FINDING_TEXT_LEN];
	unsigned k;

	fprintf(out, "- **%s** `%s`", report_severity_label(f->severity), code_name(f->code));
	if (f->ntunnels > 0) {
		fprintf(out, " (tunnel%s", f->ntunnels > 1 ? "s" : "");
		for (k = 0; k < f->ntunnels; k++)
			fprintf(out, "%s %u", k > 0 ? "," : "", f->tunnels[k]);
		fprintf(out, ")");
	}
	fprintf(out, ": ");
	md_escape(out, finding_text(f, text, sizeof(text)));
	fputc('\n', out);
	if (f->nevidence > 0) {
		fprintf(out, "  - evidence: ");
		for (k = 0; k < f->nevidence && k < FINDING_MAX_EVIDENCE; k++) {
			if (k > 0)
				fprintf(out, "; ");
			print_evidence(out, r, &f->evidence[k]);
		}
		fputc('\n', out);
	}
	/* What it means: once per code, for what is wrong (not for notes). */
	if (f->severity != SEV_NOTE && !hinted[f->code]) {
		char advice[512];

		if (ci != NULL && ci->hint[0] != 0) {
			fprintf(out, "  - what it means: ");
			md_escape(out, ci->hint);
			fputc('\n', out);
		}
		if (diagnosis_advice(r, f->code, advice, sizeof(advice))[0] != 0) {
			fprintf(out, "  - what to do: ");
			md_escape(out, advice);
			fputc('\n', out);
		}
		hinted[f->code] = true;
	}
}

bool
report_markdown(FILE *out, const struct report *r)
{
	const struct verdict *v = r->verdict;
	const struct correlation *c = r->corr;
	uint32_t i, k, tables = 0, failing = 0, passing = 0, shown = 0;
	uint64_t rest[CODE_COUNT];
	bool hinted[CODE_COUNT], done[CODE_COUNT], any_rest = false;
	struct diagnosis d;
	int pass, code;

	memset(rest, 0, sizeof(rest));
	memset(hinted, 0, sizeof(hinted));
	memset(done, 0, sizeof(done));
	diagnosis_derive(r, &d);
	heading(out, &d);
	fprintf(out, "\n| | |\n|---|---|\n");
	print_inputs(out, r->a);
	if (r->b != NULL) {
		print_inputs(out, r->b);
		if (c->clock.known)
			fprintf(out, "| clock | inside - outside = %+.6f s (%s, %u samples) |\n",
			        (double)c->clock.offset / 1e9,
			        c->clock.from_option ? "given" : "estimated", c->clock.samples);
		else
			fprintf(out, "| clock | offset unknown |\n");
		/* A pair given the other way round was judged the right way round: the
		 * reader must know before trusting the names inside and outside. */
		if (r->orient != NULL && r->orient->swapped) {
			fprintf(out, "| order | **captures given the other way round**: ");
			md_escape(out, r->a->ninputs > 0 ? r->a->inputs[0].path : "?");
			fprintf(out, " holds the clients and was judged as inside (");
			md_escape(out, r->orient->how);
			fprintf(out, ") |\n");
		}
	}
	fprintf(out, "| diagnosis | `%s` |\n", d.code);
	fprintf(out, "| verdict | %s, exit status %d |\n", report_verdict_word(v->value),
	        (int)verdict_exit_status(v->value));
	for (i = 0; i < c->npairs && i < v->ntunnels; i++) {
		if (v->tunnels[i].value == VERDICT_PASS) {
			passing++;
			continue;
		}
		failing++;
		if (tables++ < MD_MAX_TABLES)
			print_tunnel(out, r, &c->pairs[i], &v->tunnels[i]);
	}
	if (failing > MD_MAX_TABLES) {
		fprintf(out, "\n%u more tunnels did not pass (tables left out): ",
		        failing - MD_MAX_TABLES);
		print_ids(out, r, false, MD_MAX_TABLES);
		fputc('\n', out);
	}
	if (passing > 0) {
		if (passing == c->npairs && passing > 1)
			fprintf(out, "\nAll %u tunnels passed: ", passing);
		else
			fprintf(out, "\n%u tunnel%s passed: ", passing, passing == 1 ? "" : "s");
		print_ids(out, r, true, 0);
		fputc('\n', out);
	}
	if (v->nfindings > 0)
		fprintf(out, "\n### Findings\n\n");
	/* As the text report: the findings of one code together, codes by their worst
	 * severity, then in order of first appearance. */
	for (pass = SEV_ERROR; pass >= SEV_NOTE; pass--)
		for (i = 0; i < v->nfindings; i++) {
			enum code fc = v->findings[i].code;

			if ((unsigned)fc >= CODE_COUNT || done[fc] ||
			    (int)report_code_worst(r, fc) != pass)
				continue;
			done[fc] = true;
			for (k = i; k < v->nfindings; k++) {
				if (v->findings[k].code != fc)
					continue;
				if (shown++ < MD_MAX_FINDINGS) {
					print_finding(out, r, &v->findings[k], hinted);
				} else {
					rest[fc]++;
					any_rest = true;
				}
			}
		}
	if (any_rest) {
		fprintf(out, "- %u more findings:", shown - MD_MAX_FINDINGS);
		for (code = 0; code < CODE_COUNT; code++)
			if (rest[code] > 0)
				fprintf(out, " `%s` x%llu", code_name((enum code)code),
				        (unsigned long long)rest[code]);
		fputc('\n', out);
	}
	if (v->findings_dropped > 0)
		fprintf(out, "- %llu more findings not kept by the analysis\n",
		        (unsigned long long)v->findings_dropped);
	return !ferror(out);
}
