/*
 * The text report, written for a helpdesk ticket: a summary line, each
 * tunnel as a small inside/outside table of its Call IDs and GRE with the
 * frame numbers, a "<<" mark where the NAT broke something, then the
 * findings in plain words with what the user sees and what to do.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "link.h"
#include "diagnosis.h"
#include "report.h"

#define PROG_NAME "pptp-natcheck"

#define CELL_WIDTH 28

const char *
report_time(ts_ns_t ts, char buf[64])
{
	time_t sec = (time_t)(ts / NS_PER_SEC);
	long usec = (long)((ts % NS_PER_SEC) / 1000);
	struct tm tm;

	if (ts % NS_PER_SEC < 0) {
		sec--;
		usec += 1000000;
	}
	if (gmtime_r(&sec, &tm) == NULL) {
		snprintf(buf, 64, "?");
		return buf;
	}
	snprintf(buf, 64, "%04d-%02d-%02d %02d:%02d:%02d.%06ld", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, usec);
	return buf;
}

static const char *
file_path(const struct side *s, uint32_t file)
{
	return s != NULL && file < s->ninputs && s->inputs[file].path != NULL ? s->inputs[file].path
	                                                                      : "?";
}

/* "#12", or "f2#12" when the side is made of several files. */
static void
frame_name(char *buf, size_t n, const struct side *s, const struct frame_ref *r)
{
	if (s != NULL && s->ninputs > 1)
		snprintf(buf, n, "f%u#%llu", r->file + 1, (unsigned long long)r->frame);
	else
		snprintf(buf, n, "#%llu", (unsigned long long)r->frame);
}

/* One cell: a value, then the frame (or frame range) that shows it. */
static void
cell_frames(char *buf, size_t n, const struct side *s, const char *value,
            const struct frame_ref *first, const struct frame_ref *last)
{
	char f1[48], f2[48];

	if (first == NULL || !frame_ref_seen(first)) {
		snprintf(buf, n, "%s", value);
		return;
	}
	frame_name(f1, sizeof(f1), s, first);
	if (last == NULL || !frame_ref_seen(last) ||
	    (last->frame == first->frame && last->file == first->file)) {
		snprintf(buf, n, "%s %s", value, f1);
		return;
	}
	frame_name(f2, sizeof(f2), s, last);
	snprintf(buf, n, "%s %s-%s", value, f1, f2);
}

static const struct call_msg *
find_msg(const struct call *c, uint8_t type)
{
	uint32_t k, nm = c->nmsgs < CALL_MAX_MSGS ? c->nmsgs : CALL_MAX_MSGS;

	for (k = 0; k < nm; k++)
		if (c->msgs[k].type == type)
			return &c->msgs[k];
	return NULL;
}

enum row_kind { ROW_REQUEST, ROW_REPLY, ROW_GRE_TO_PAC, ROW_GRE_TO_PNS };

static void
row_cell(char *buf, size_t n, const struct side *s, const struct call *c, enum row_kind kind)
{
	char v[64];
	const struct call_msg *m;
	const struct gre_dir *gd;

	if (c == NULL) {
		snprintf(buf, n, "(not seen)");
		return;
	}
	switch (kind) {
	case ROW_REQUEST:
		m = find_msg(c, c->kind == CALL_INCOMING ? PPTP_ICRP : PPTP_OCRQ);
		if (m == NULL) {
			snprintf(buf, n, "-");
			return;
		}
		snprintf(v, sizeof(v), "%u", m->call_id);
		cell_frames(buf, n, s, v, &m->where, NULL);
		return;
	case ROW_REPLY:
		m = find_msg(c, c->kind == CALL_INCOMING ? PPTP_ICRQ : PPTP_OCRP);
		if (m == NULL) {
			snprintf(buf, n, "-");
			return;
		}
		if (m->has_peer_call_id)
			snprintf(v, sizeof(v), "%u / %u", m->call_id, m->peer_call_id);
		else
			snprintf(v, sizeof(v), "%u", m->call_id);
		cell_frames(buf, n, s, v, &m->where, NULL);
		return;
	case ROW_GRE_TO_PAC:
	case ROW_GRE_TO_PNS:
		gd = kind == ROW_GRE_TO_PAC ? &c->to_pac : &c->to_pns;
		if (kind == ROW_GRE_TO_PNS && c->roles_known) {
			bool shared;
			uint64_t total = tunnels_to_pns_shared(
			    &s->tunnels, (uint32_t)(c - s->tunnels.calls), &shared);

			if (shared) {
				/* Whose packets they were, the triple cannot say. */
				snprintf(v, sizeof(v), "key %u x%llu shared", c->pns_call_id,
				         (unsigned long long)total);
				cell_frames(buf, n, s, v, NULL, NULL);
				return;
			}
		}
		if (gd->packets == 0) {
			snprintf(buf, n, "none");
			return;
		}
		snprintf(v, sizeof(v), "key %u x%llu", gd->key, (unsigned long long)gd->packets);
		cell_frames(buf, n, s, v, &gd->first, &gd->last);
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
	};
	const struct call *a =
	    p->call[SIDE_A] != NO_INDEX ? &r->a->tunnels.calls[p->call[SIDE_A]] : NULL;
	const struct call *b = r->b != NULL && p->call[SIDE_B] != NO_INDEX
	                           ? &r->b->tunnels.calls[p->call[SIDE_B]]
	                           : NULL;
	const struct call *any = a != NULL ? a : b;
	char pns[ADDR_STRLEN], pac[ADDR_STRLEN], nat[ADDR_STRLEN];
	size_t i;
	bool incoming = any->kind == CALL_INCOMING;

	fprintf(out, "\nTunnel %u: %s  ", p->id,
	        tv->value == VERDICT_PASS   ? "PASS"
	        : tv->value == VERDICT_FAIL ? "FAIL"
	                                    : "INCONCLUSIVE");
	if (any->roles_known)
		fprintf(out, "client %s -> server %s", addr_format(&any->pns, pns),
		        addr_format(&any->pac, pac));
	else
		fprintf(out, "GRE between %s and %s (no control connection seen)",
		        addr_format(&any->pns, pns), addr_format(&any->pac, pac));
	if (a != NULL && b != NULL && !addr_eq(&a->pns, &b->pns))
		fprintf(out, ", outside as %s", addr_format(&b->pns, nat));
	fprintf(out, "%s\n", incoming ? " (incoming call)" : "");
	if (r->b != NULL)
		fprintf(out, "  %-22s %-*s %s\n", "", CELL_WIDTH + 3, "inside", "outside");
	for (i = 0; i < ARRAY_LEN(rows); i++) {
		char ca[160], cb[160], glabel[ADDR_STRLEN + 16];
		const char *label;
		const char *mark = (tv->marks & rows[i].mark) ? " <<" : "";

		if (any->kind == CALL_GRE_ONLY && rows[i].kind <= ROW_REPLY)
			continue;
		label = incoming ? rows[i].in_label : rows[i].out_label;
		if (!any->roles_known) {
			/* Roles unknown: name each direction by its sender. */
			snprintf(glabel, sizeof(glabel), "GRE from %s",
			         addr_format(rows[i].kind == ROW_GRE_TO_PAC ? &any->pns : &any->pac,
			                     pns));
			label = glabel;
		}
		row_cell(ca, sizeof(ca), r->a, a, rows[i].kind);
		if (r->b == NULL) {
			fprintf(out, "  %-22s %s%s\n", label, ca, mark);
			continue;
		}
		row_cell(cb, sizeof(cb), r->b, b, rows[i].kind);
		if (mark[0] != 0)
			fprintf(out, "  %-22s %-*s %-*s%s\n", label, CELL_WIDTH + 3, ca, CELL_WIDTH,
			        cb, mark);
		else
			fprintf(out, "  %-22s %-*s %s\n", label, CELL_WIDTH + 3, ca, cb);
	}
	if (any->kind != CALL_GRE_ONLY)
		fprintf(out, "  %-22s %s\n", "state", call_state_name(any->state));
}

static void
print_finding(FILE *out, const struct report *r, const struct finding *f)
{
	static const char *const sev[] = {"note", "WARNING", "ERROR"};
	const struct code_info *ci = code_info(f->code);
	unsigned k, shown;
	char when[64];

	fprintf(out, "\n  %s %s", sev[f->severity], code_name(f->code));
	if (f->ntunnels > 0) {
		fprintf(out, " (tunnel%s", f->ntunnels > 1 ? "s" : "");
		for (k = 0; k < f->ntunnels; k++)
			fprintf(out, "%s %u", k > 0 ? "," : "", f->tunnels[k]);
		fprintf(out, ")");
	}
	fprintf(out, ": %s\n", f->message);
	shown = r->verbose || f->nevidence <= 3 ? f->nevidence : 3;
	for (k = 0; k < shown; k++) {
		const struct evidence *e = &f->evidence[k];
		const struct side *s = e->side == SIDE_OUTSIDE ? r->b : r->a;

		fprintf(out, "      %-7s %s frame %llu, %s: %s\n", side_role_name(e->side),
		        file_path(s, e->where.file), (unsigned long long)e->where.frame,
		        report_time(e->where.ts, when), e->label);
	}
	if (shown < f->nevidence)
		fprintf(out, "      (%u more with -v)\n", f->nevidence - shown);
	if (ci != NULL && ci->hint[0] != 0 && f->severity != SEV_INFO)
		fprintf(out, "      What it means: %s\n", ci->hint);
}

static void
print_inputs(FILE *out, const struct side *s)
{
	unsigned i, k;

	for (i = 0; i < s->ninputs; i++) {
		const struct side_input *in = &s->inputs[i];

		if (s->ninputs > 1)
			fprintf(out, "%-8s f%u %s (%s", side_role_name(s->role), i + 1, in->path,
			        in->format);
		else
			fprintf(out, "%-8s %s (%s", side_role_name(s->role), in->path, in->format);
		for (k = 0; k < in->nlinktypes; k++)
			fprintf(out, "%s%s", k == 0 ? ", " : "/", link_name(in->linktypes[k]));
		fprintf(out, ", %llu packets", (unsigned long long)in->packets);
		if (in->truncated || in->damaged)
			fprintf(out, ", %s: %s", in->truncated ? "TRUNCATED" : "DAMAGED",
			        in->error);
		fprintf(out, ")\n");
	}
}

/*
 * On line 1, after the verdict: a pair given the other way round was judged
 * the right way round; the reader must know before trusting the names.
 */
static void
print_orientation_note(FILE *out, const struct report *r)
{
	const struct orientation *o = r->orient;

	if (o == NULL || !o->swapped)
		return;
	fprintf(out,
	        " [captures given the other way round: %s holds the clients and was judged "
	        "as inside]",
	        r->a->ninputs > 0 ? r->a->inputs[0].path : "?");
}

/* Below the inputs: which capture holds the clients and why, when that was turned. */
static void
print_orientation(FILE *out, const struct report *r)
{
	const struct orientation *o = r->orient;

	if (o == NULL || !o->swapped)
		return;
	fprintf(out, "order    swapped: %s (NAT translates: %s)\n", o->how,
	        orient_translated_name(o->translated));
}

bool
report_text(FILE *out, const struct report *r)
{
	const struct verdict *v = r->verdict;
	const struct correlation *c = r->corr;
	uint32_t i;
	int pass;

	{
		struct diagnosis d;

		diagnosis_derive(r, &d);
		fprintf(out, "%s: %s\n", PROG_NAME, d.headline);
	}
	print_inputs(out, r->a);
	if (r->b != NULL) {
		print_inputs(out, r->b);
		print_orientation(out, r);
		if (c->clock.known)
			fprintf(
			    out,
			    "clock    inside - outside = %+.6f s (%s, %u samples, spread %.6f s)\n",
			    (double)c->clock.offset / 1e9,
			    c->clock.from_option ? "--time-offset" : "estimated", c->clock.samples,
			    (double)c->clock.spread / 1e9);
		else
			fprintf(
			    out,
			    "clock    offset unknown (no packet matched across the captures)\n");
	}
	for (i = 0; i < c->npairs; i++)
		print_tunnel(out, r, &c->pairs[i], &v->tunnels[i]);
	if (v->nfindings > 0)
		fprintf(out, "\nFindings:\n");
	for (pass = SEV_ERROR; pass >= SEV_INFO; pass--)
		for (i = 0; i < v->nfindings; i++)
			if ((int)v->findings[i].severity == pass)
				print_finding(out, r, &v->findings[i]);
	if (v->findings_dropped > 0)
		fprintf(out, "\n  (%llu more findings not listed)\n",
		        (unsigned long long)v->findings_dropped);
	fprintf(out, "\nVerdict: %s (exit status %d)\n",
	        v->value == VERDICT_PASS   ? "PASS"
	        : v->value == VERDICT_FAIL ? "FAIL"
	                                   : "INCONCLUSIVE",
	        (int)verdict_exit_status(v->value));
	return !ferror(out);
}
