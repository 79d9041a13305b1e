/*
 * The HTML report: one self-contained page for a helpdesk ticket, read by
 * people who will not run the tool.  Inline CSS and SVG only: no script,
 * nothing loaded from anywhere, and it prints to PDF as it shows.
 *
 * The page: the headline (verdict and cause), the inputs and the clock
 * offset; per tunnel a diagram in the manner of the classic write-up of
 * this problem (client, NAT and server lanes; the OCRQ, the OCRP and the
 * GRE each way as arrows, each labelled with the Call ID it carried on
 * that side of the NAT); then the findings grouped by code with their
 * evidence.  Failing tunnels come first, passing ones are folded.
 *
 * Nothing is judged here.  Which arrows are broken is the verdict's marks
 * (MARK_*); a finding is written beside an arrow when it names the tunnel,
 * its code is about that kind of arrow (code_arrows below), and the
 * verdict marked the arrow or the finding cites its packet as evidence.
 * Everything that comes from a capture (paths, labels, messages) is
 * escaped.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diagnosis.h"
#include "finding_text.h"
#include "link.h"
#include "pptp.h"
#include "report.h"

/* Diagram geometry, in SVG user units (the page scales it down to fit). */
#define SVG_WIDTH 900
#define LANE_CLIENT 60
#define LANE_NAT 320
#define LANE_SERVER 580
#define NOTE_X 600 /* the column of finding codes, right of the server lane */
#define HEAD_HEIGHT 44
#define ROW_HEIGHT 34

/* Arrows per diagram: OCRQ, OCRP, GRE each way, and the other messages a
 * finding cites (a call keeps CALL_MAX_MSGS messages; few are ever cited). */
#define HTML_MAX_ROWS 12
/* Finding codes written beside one arrow; the tunnel's list has them all. */
#define HTML_MAX_TAGS 3
/* Tunnels named as sharing a triple on one arrow before "...". */
#define HTML_MAX_PARTNERS 8
/* Tunnels drawn as diagrams; beyond, one line each.  The page is meant
 * for a ticket: 200 tunnels stay a few hundred KB, thousands would not. */
#define HTML_MAX_DIAGRAMS 1000

static const char CSS[] =
    "body{font:14px/1.4 system-ui,sans-serif;color:#222;margin:1.5em auto;max-width:960px;"
    "padding:0 1em;-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "h1{font-size:1.6em;margin:0}h2{font-size:1.25em;margin:1.4em 0 .4em;"
    "border-bottom:1px solid #ccc}h3{font-size:1.05em;margin:1em 0 .3em}\n"
    ".v{padding:.6em 1em;border-radius:6px;border:2px solid}"
    ".v p{margin:.3em 0}\n"
    ".pass{border-color:#2a7a2a;background:#eef8ee}.fail{border-color:#b00020;"
    "background:#fdeef0}.inconclusive{border-color:#a66a00;background:#fff6e5}\n"
    ".tun{border:1px solid #ddd;border-left:6px solid #999;padding:.2em .8em .6em;"
    "margin:.8em 0;break-inside:avoid}\n"
    ".tun.fail{border-left-color:#b00020;background:none}.tun.pass{border-left-color:#2a7a2a;"
    "background:none}.tun.inconclusive{border-left-color:#a66a00;background:none}\n"
    ".sev{font-weight:bold;font-size:.85em;padding:0 .3em;border-radius:3px;color:#fff}"
    ".sev.e{background:#b00020}.sev.w{background:#a66a00}.sev.n{background:#666}\n"
    "table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ddd;"
    "padding:.15em .5em;text-align:left;vertical-align:top}\n"
    "code,.mono{font-family:ui-monospace,monospace}.hint{color:#444;font-style:italic}\n"
    "svg.d{max-width:100%;height:auto;display:block}\n"
    "svg.d text{font:11px ui-monospace,monospace;fill:#222;text-anchor:middle}svg.d "
    ".t{text-anchor:start}"
    "svg.d .lh{font:bold 12px system-ui,sans-serif}\n"
    "svg.d .ln{stroke:#bbb;stroke-width:2}svg.d g path{stroke:#333;stroke-width:1.5;"
    "marker-end:url(#ah);fill:none}\n"
    "svg.d .x{fill:#0645ad;font-weight:bold}svg.d .f{fill:#888}svg.d .nx{fill:#0645ad;"
    "font-size:14px;paint-order:stroke;stroke:#fff;stroke-width:4px}\n"
    "svg.d .b path{stroke:#b00020;stroke-width:2.5;marker-end:url(#ahb)}svg.d .b text"
    "{fill:#b00020}\n"
    "svg.d .w path{stroke:#a66a00;stroke-width:2;marker-end:url(#ahw)}svg.d .w text"
    "{fill:#a66a00}\n"
    "svg.d .n path{stroke-dasharray:5 4;marker-end:none}svg.d .t{fill:#b00020}"
    "svg.d .t.w{fill:#a66a00}svg.d .s{fill:#b00020;font-style:italic}\n"
    "details>summary{cursor:pointer;font-weight:bold;margin:.6em 0}\n"
    ".f{margin:.5em 0 1em 1em}.f p{margin:.2em 0}ul.tf{margin:.3em 0;padding-left:1.2em;"
    "font-size:.9em}\n"
    "@media print{body{margin:0;max-width:none}a{color:inherit;text-decoration:none}}\n";

/* Arrow heads, defined once for every diagram on the page. */
static const char SVG_DEFS[] =
    "<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\"><defs>"
    "<marker id=\"ah\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" "
    "markerHeight=\"8\" markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" "
    "fill=\"#333\"/></marker>"
    "<marker id=\"ahb\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"9\" "
    "markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" "
    "fill=\"#b00020\"/>"
    "</marker>"
    "<marker id=\"ahw\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"9\" "
    "markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" "
    "fill=\"#a66a00\"/>"
    "</marker></defs></svg>\n";

/* ---- escaping: every string that may come from a capture goes through here ---- */

static void escf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* printf, then escaped: for formats that mix fixed text and capture data. */
static void
escf(FILE *out, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	report_put_markup(out, buf);
}

/* ---- what the page shows ---- */

static const char *
value_class(enum verdict_value v)
{
	return v == VERDICT_PASS ? "pass" : v == VERDICT_FAIL ? "fail" : "inconclusive";
}

static const char *
sev_class(enum severity s)
{
	return s == SEV_ERROR ? "e" : s == SEV_WARNING ? "w" : "n";
}

/*
 * The headline: the verdict, the diagnosis (what is wrong, what to do) as
 * every renderer leads with it, the counts, and a pair given the other way
 * round (the reader must know before trusting the names inside and outside).
 */
static void
print_head(FILE *out, const struct report *r)
{
	const struct verdict *v = r->verdict;
	struct diagnosis d;
	uint32_t pass, fail, inconclusive;

	diagnosis_derive(r, &d);
	report_tunnel_counts(r, &pass, &fail, &inconclusive);
	/* The policy says to the browser what the page promises: no script runs
	 * and nothing is fetched, whatever a capture's strings might contain. */
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
	      out);
	fprintf(out, "<title>pptp-natcheck: %s</title>\n<style>\n%s</style>\n</head>\n<body>\n",
	        report_verdict_word(v->value), CSS);
	fputs(SVG_DEFS, out);
	fprintf(out, "<header class=\"v %s\" id=\"verdict\"><h1>%s</h1>\n", value_class(v->value),
	        report_verdict_word(v->value));
	if (d.cause[0] != 0) {
		fputs("<p class=\"cause\">", out);
		report_put_markup(out, d.cause);
		fputs(" <code>", out);
		report_put_markup(out, d.code != NULL ? d.code : "");
		fputs("</code></p>\n", out);
	}
	if (d.fix[0] != 0) {
		fputs("<p class=\"fix\"><b>Fix:</b> ", out);
		report_put_markup(out, d.fix);
		fputs("</p>\n", out);
	}
	if (r->orient != NULL && r->orient->swapped) {
		fputs("<p class=\"swapped\"><b>Captures given the other way round:</b> <code>",
		      out);
		report_put_markup(out, r->a->ninputs > 0 && r->a->inputs[0].path != NULL
		                           ? r->a->inputs[0].path
		                           : "?");
		fputs("</code> holds the clients and was judged as inside.</p>\n", out);
	}
	fprintf(out,
	        "<p class=\"mono\">pptp-natcheck %s, exit status %d; %u tunnel%s: %u pass, %u "
	        "fail, %u inconclusive; %u error%s, %u warning%s, %u note%s</p>\n</header>\n",
	        PPTP_NATCHECK_VERSION, (int)verdict_exit_status(v->value), r->corr->npairs,
	        r->corr->npairs == 1 ? "" : "s", pass, fail, inconclusive, v->count[SEV_ERROR],
	        v->count[SEV_ERROR] == 1 ? "" : "s", v->count[SEV_WARNING],
	        v->count[SEV_WARNING] == 1 ? "" : "s", v->count[SEV_NOTE],
	        v->count[SEV_NOTE] == 1 ? "" : "s");
}

static void
print_inputs_of(FILE *out, const struct side *s)
{
	unsigned i, k;

	for (i = 0; i < s->ninputs; i++) {
		const struct side_input *in = &s->inputs[i];

		fprintf(out, "<tr><td>%s", side_role_name(s->role));
		if (s->ninputs > 1)
			fprintf(out, " f%u", i + 1);
		fputs("</td><td class=\"mono\">", out);
		report_put_markup(out, in->path != NULL ? in->path : "?");
		fputs("</td><td>", out);
		report_put_markup(out, in->format);
		for (k = 0; k < in->nlinktypes; k++)
			escf(out, "%s%s", k == 0 ? ", " : "/", link_name(in->linktypes[k]));
		fprintf(out, "</td><td>%llu</td><td>", (unsigned long long)in->packets);
		if (in->truncated || in->damaged) {
			fprintf(out, "<b>%s</b>: ", in->truncated ? "TRUNCATED" : "DAMAGED");
			report_put_markup(out, in->error);
		}
		fputs("</td></tr>\n", out);
	}
}

static void
print_inputs(FILE *out, const struct report *r)
{
	const struct clock_offset *ck = &r->corr->clock;

	fputs("<section id=\"inputs\"><h2>Inputs</h2>\n<table><tr><th>side</th><th>file</th>"
	      "<th>format</th><th>packets</th><th>state</th></tr>\n",
	      out);
	print_inputs_of(out, r->a);
	if (r->b != NULL)
		print_inputs_of(out, r->b);
	fputs("</table>\n", out);
	if (r->orient != NULL && r->orient->swapped) {
		fputs("<p id=\"order\">Order: swapped: ", out);
		report_put_markup(out, r->orient->how);
		escf(out, " (NAT translates: %s)", orient_translated_name(r->orient->translated));
		fputs("</p>\n", out);
	}
	if (r->b != NULL) {
		if (ck->known)
			fprintf(out,
			        "<p id=\"clock\">Clock offset: inside &#8722; outside = "
			        "<b>%+.6f s</b> (%s, %u samples, spread %.6f s)</p>\n",
			        (double)ck->offset / 1e9,
			        ck->from_option ? "--time-offset" : "estimated", ck->samples,
			        (double)ck->spread / 1e9);
		else
			fputs("<p id=\"clock\">Clock offset: unknown (no packet matched across the "
			      "captures)</p>\n",
			      out);
	}
	fputs("</section>\n", out);
}

/* ---- the diagram of one tunnel ---- */

enum row_kind { ROW_MSG, ROW_GRE_TO_PAC, ROW_GRE_TO_PNS };

struct row {
	enum row_kind kind;
	uint8_t type;                  /* ROW_MSG: PPTP message type */
	bool to_pac;                   /* direction: client to server */
	const struct call_msg *msg[2]; /* per side, ROW_MSG */
	unsigned mark;                 /* the MARK_* bit this arrow stands for */
};

/* Which kinds of arrow a finding of each code is about, when the verdict
 * marked them and the finding cites no packet of theirs. */
static unsigned
code_arrows(enum code code)
{
	switch (code) {
	case CODE_CALL_ID_COLLISION:
		return MARK_REQUEST | MARK_TO_PAC | MARK_TO_PNS;
	case CODE_GRE_BLOCKED:
	case CODE_IP_CHECKSUM_BAD:
	case CODE_GRE_LOSS:
	case CODE_GRE_ONE_WAY:
	case CODE_GRE_ACK_STALLED:
	case CODE_LCP_NO_REPLY:
		return MARK_TO_PAC | MARK_TO_PNS;
	case CODE_GRE_RETURN_BLOCKED:
	case CODE_GRE_MAPPING_LOST:
	case CODE_GRE_MISDELIVERED:
		return MARK_TO_PNS;
	case CODE_GRE_FORWARD_BLOCKED:
		return MARK_TO_PAC;
	case CODE_CALL_ID_NOT_RESTORED:
		return MARK_REPLY | MARK_TO_PNS | MARK_OTHER;
	case CODE_REWRITE_INCONSISTENT:
	case CODE_UNEXPECTED_REWRITE:
		return MARK_REQUEST | MARK_REPLY | MARK_OTHER;
	case CODE_TUNNEL_UNMATCHED:
		return MARK_REQUEST;
	default:
		return 0;
	}
}

static bool
same_frame(const struct frame_ref *x, const struct frame_ref *y)
{
	return frame_ref_seen(x) && x->frame == y->frame && x->file == y->file;
}

/* The side index (SIDE_A, SIDE_B) an evidence item is from. */
static int
evidence_index(const struct report *r, const struct evidence *e)
{
	return r->b != NULL && e->side == SIDE_OUTSIDE ? SIDE_B : SIDE_A;
}

struct tunnel_view {
	const struct report *r;
	const struct tunnel_pair *p;
	const struct tunnel_verdict *tv;
	const struct call *c[2];
	const struct call *any;
	unsigned nsides; /* 2 paired, 1 single */
	struct row rows[HTML_MAX_ROWS];
	unsigned nrows;
};

static void
add_msg_row(struct tunnel_view *t, const struct call_msg *m, int s)
{
	unsigned i;
	struct row *w;

	if (t->nrows >= HTML_MAX_ROWS)
		return;
	for (i = 0; i < t->nrows; i++)
		if (t->rows[i].kind == ROW_MSG && t->rows[i].msg[s] == m)
			return;
	w = &t->rows[t->nrows++];
	memset(w, 0, sizeof(*w));
	w->kind = ROW_MSG;
	w->type = m->type;
	w->to_pac = m->to_pac;
	w->mark = verdict_mark_of_type(m->type);
	w->msg[s] = m;
	if (t->nsides == 2)
		w->msg[1 - s] = report_twin_msg(t->c[1 - s], m);
}

static void
add_type_row(struct tunnel_view *t, uint8_t type)
{
	int s;

	for (s = 0; s < (int)t->nsides; s++) {
		const struct call_msg *m = report_find_msg(t->c[s], type);

		if (m != NULL) {
			add_msg_row(t, m, s);
			return;
		}
	}
}

static void
add_gre_row(struct tunnel_view *t, enum row_kind kind)
{
	struct row *w = &t->rows[t->nrows++];

	memset(w, 0, sizeof(*w));
	w->kind = kind;
	w->to_pac = kind == ROW_GRE_TO_PAC;
	w->mark = kind == ROW_GRE_TO_PAC ? MARK_TO_PAC : MARK_TO_PNS;
}

/* OCRQ, OCRP (ICRQ, ICRP, ICCN), GRE each way, then what findings cite. */
static void
build_rows(struct tunnel_view *t)
{
	const struct verdict *v = t->r->verdict;
	uint32_t i;
	unsigned k;

	t->nrows = 0;
	if (t->any->kind == CALL_OUTGOING) {
		add_type_row(t, PPTP_OCRQ);
		add_type_row(t, PPTP_OCRP);
	} else if (t->any->kind == CALL_INCOMING) {
		add_type_row(t, PPTP_ICRQ);
		add_type_row(t, PPTP_ICRP);
		add_type_row(t, PPTP_ICCN);
	}
	add_gre_row(t, ROW_GRE_TO_PAC);
	add_gre_row(t, ROW_GRE_TO_PNS);
	for (i = 0; i < v->nfindings; i++) {
		const struct finding *f = &v->findings[i];

		if (!report_finding_names(f, t->p->id))
			continue;
		for (k = 0; k < f->nevidence && k < FINDING_MAX_EVIDENCE; k++) {
			const struct evidence *e = &f->evidence[k];
			int s = evidence_index(t->r, e);
			const struct call *c = t->c[s];
			uint32_t m, nm;

			if (c == NULL)
				continue;
			nm = c->nmsgs < CALL_MAX_MSGS ? c->nmsgs : CALL_MAX_MSGS;
			for (m = 0; m < nm; m++)
				if (same_frame(&c->msgs[m].where, &e->where))
					add_msg_row(t, &c->msgs[m], s);
		}
	}
}

/* Whether finding f cites a packet of row w. */
static bool
cites_row(const struct tunnel_view *t, const struct finding *f, const struct row *w)
{
	unsigned k;

	for (k = 0; k < f->nevidence && k < FINDING_MAX_EVIDENCE; k++) {
		const struct evidence *e = &f->evidence[k];
		int s = evidence_index(t->r, e);
		const struct call *c = t->c[s];

		if (w->kind == ROW_MSG) {
			if (w->msg[s] != NULL && same_frame(&w->msg[s]->where, &e->where))
				return true;
		} else if (c != NULL) {
			const struct gre_dir *gd =
			    w->kind == ROW_GRE_TO_PAC ? &c->to_pac : &c->to_pns;

			if (same_frame(&gd->first, &e->where) || same_frame(&gd->last, &e->where))
				return true;
		}
	}
	return false;
}

/* Whether the verdict found what row w stands for broken: a message whose
 * Call ID field broke, or the Call ID or GRE direction its marks name. */
static bool
row_marked(const struct tunnel_view *t, const struct row *w)
{
	if (w->kind != ROW_MSG)
		return (t->tv->marks & w->mark) != 0;
	if (w->type < 32 && (t->tv->broken_msgs & (1u << w->type)) != 0)
		return true;
	return w->mark != MARK_OTHER && (t->tv->marks & w->mark) != 0;
}

/* Whether finding f's field ("OCRQ.call_id", "GRE.key") is carried by row w:
 * that message, or the GRE in the finding's direction. */
static bool
field_is_row(const struct finding *f, const struct row *w)
{
	const struct pptp_type_info *ti;
	size_t n;

	if (strncmp(f->field, "GRE.", 4) == 0)
		return w->kind != ROW_MSG &&
		       (f->dir == FDIR_NONE ||
		        (f->dir == FDIR_TO_PAC) == (w->kind == ROW_GRE_TO_PAC));
	if (w->kind != ROW_MSG || (ti = pptp_type_info(w->type)) == NULL)
		return false;
	n = strlen(ti->abbrev);
	return strncmp(f->field, ti->abbrev, n) == 0 && f->field[n] == '.';
}

/* Findings to write beside row w (indexes into the verdict's findings). */
static unsigned
row_findings(const struct tunnel_view *t, const struct row *w, uint32_t *idx, unsigned max)
{
	const struct verdict *v = t->r->verdict;
	bool marked = row_marked(t, w);
	unsigned n = 0, k;
	uint32_t i;

	for (i = 0; i < v->nfindings && n < max; i++) {
		const struct finding *f = &v->findings[i];
		bool dup = false;

		if (f->severity == SEV_NOTE || !report_finding_names(f, t->p->id))
			continue;
		if (f->field[0] != 0) {
			/* About one field ("OCRP.peer_call_id", "GRE.key"): that arrow only. */
			if (!field_is_row(f, w))
				continue;
		} else {
			/* A finding's evidence may cite an arrow only to say when the call
			 * came up (the OCRP): its code must be about that kind of arrow,
			 * and in the direction it names. */
			if ((code_arrows(f->code) & w->mark) == 0)
				continue;
			if (w->kind != ROW_MSG && f->dir != FDIR_NONE &&
			    (f->dir == FDIR_TO_PAC) != (w->kind == ROW_GRE_TO_PAC))
				continue;
			if (!cites_row(t, f, w) && !marked)
				continue;
		}
		for (k = 0; k < n; k++)
			dup = dup || v->findings[idx[k]].code == f->code;
		if (!dup)
			idx[n++] = i;
	}
	return n;
}

/* The tunnels whose outside triple in direction dir this tunnel's shared. */
static unsigned
triple_partners(const struct tunnel_view *t, enum gre_direction dir, uint32_t *ids, unsigned max,
                bool *more)
{
	const struct side *b = t->r->b;
	const struct collision *mine = NULL;
	uint32_t ci = t->p->call[SIDE_B], i;
	unsigned n = 0;

	*more = false;
	if (b == NULL || ci == NO_INDEX)
		return 0;
	for (i = 0; i < b->tunnels.ncollisions && mine == NULL; i++)
		if (b->tunnels.collisions[i].dir == dir &&
		    (b->tunnels.collisions[i].holder == ci ||
		     b->tunnels.collisions[i].newcomer == ci))
			mine = &b->tunnels.collisions[i];
	for (i = 0; mine != NULL && i < b->tunnels.ncollisions; i++) {
		const struct collision *col = &b->tunnels.collisions[i];
		uint32_t calls[2] = {col->holder, col->newcomer};
		unsigned m, k;

		if (col->dir != dir || col->call_id != mine->call_id ||
		    !addr_eq(&col->src, &mine->src) || !addr_eq(&col->dst, &mine->dst))
			continue;
		for (m = 0; m < 2; m++) {
			const struct tunnel_pair *p =
			    calls[m] == ci ? NULL
			                   : correlation_pair_of(t->r->corr, SIDE_B, calls[m]);
			bool dup = false;

			if (p == NULL || p->id == t->p->id)
				continue;
			for (k = 0; k < n; k++)
				dup = dup || ids[k] == p->id;
			if (dup)
				continue;
			if (n >= max) {
				*more = true;
				continue;
			}
			ids[n++] = p->id;
		}
	}
	return n;
}

/* A Call ID value, emphasised when the NAT translated it. */
static void
put_value(FILE *out, unsigned value, bool has_other, unsigned other)
{
	if (has_other && other != value)
		fprintf(out, "<tspan class=\"x\">%u</tspan>", value);
	else
		fprintf(out, "%u", value);
}

/*
 * One leg of one arrow: side s (0 inside or single, 1 outside), drawn
 * between lanes x1 and x2 in the arrow's direction, label above.
 */
static void
put_leg(FILE *out, const struct tunnel_view *t, const struct row *w, int s, int x1, int x2, int y,
        const char *cls)
{
	const struct side *side = s == SIDE_A ? t->r->a : t->r->b;
	const struct call *c = t->c[s];
	const struct call *o = t->nsides == 2 ? t->c[1 - s] : NULL;
	int from = w->to_pac ? x1 : x2, to = w->to_pac ? x2 : x1;
	int mid = (x1 + x2) / 2;
	char fr[48], fr2[48];
	bool seen;

	if (w->kind == ROW_MSG) {
		const struct call_msg *m = w->msg[s], *om = t->nsides == 2 ? w->msg[1 - s] : NULL;
		const struct pptp_type_info *ti = pptp_type_info(w->type);
		const char *name = ti != NULL ? ti->abbrev : "?";

		seen = m != NULL;
		fprintf(out, "<g class=\"%s%s%s\"><path d=\"M%d %dH%d\"/>", s == SIDE_A ? "i" : "o",
		        cls, seen ? "" : " n", from, y, to);
		fprintf(out, "<text x=\"%d\" y=\"%d\">", mid, y - 5);
		report_put_markup(out, name);
		if (m == NULL) {
			fputs(" not seen</text></g>\n", out);
			return;
		}
		if (m->has_call_id) {
			fputs(" Call ID ", out);
			put_value(out, m->call_id, om != NULL && om->has_call_id,
			          om != NULL ? om->call_id : 0);
		}
		if (m->has_peer_call_id) {
			fputs(m->has_call_id ? ", Peer " : " Peer's Call ID ", out);
			put_value(out, m->peer_call_id, om != NULL && om->has_peer_call_id,
			          om != NULL ? om->peer_call_id : 0);
		}
		report_frame_name(side, &m->where, fr);
		fprintf(out, " <tspan class=\"f\">%s</tspan></text></g>\n", fr);
		return;
	}
	{
		const struct gre_dir *gd = c == NULL ? NULL : w->to_pac ? &c->to_pac : &c->to_pns;
		const struct gre_dir *og = o == NULL ? NULL : w->to_pac ? &o->to_pac : &o->to_pns;
		uint64_t packets = gd != NULL ? gd->packets : 0;
		bool shared = false;

		/* GRE to the client on a shared triple is counted on its newest holder:
		 * the triple's total is what this tunnel may have received. */
		if (c != NULL && !w->to_pac && c->roles_known)
			packets = tunnels_to_pns_shared(&side->tunnels, t->p->call[s], &shared);
		seen = packets > 0;
		/* None under this call's key inside: correlation may know where the
		 * server's packets went (another key, another client). */
		if (!seen && c != NULL && s == SIDE_A && t->nsides == 2 && !w->to_pac &&
		    t->p->to_pns.not_restored > 0) {
			const struct gre_fate *gf = &t->p->to_pns;

			report_frame_name(side, &gf->nr_inside, fr);
			fprintf(
			    out,
			    "<g class=\"i%s\"><path d=\"M%d %dH%d\"/><text x=\"%d\" y=\"%d\">GRE "
			    "key <tspan class=\"x\">%u</tspan> \xc3\x97%llu sampled <tspan "
			    "class=\"f\">%s</tspan></text></g>\n",
			    cls, from, y, to, mid, y - 5, gf->not_restored_key,
			    (unsigned long long)gf->not_restored, fr);
			return;
		}
		fprintf(out, "<g class=\"%s%s%s\"><path d=\"M%d %dH%d\"/>", s == SIDE_A ? "i" : "o",
		        cls, seen ? "" : " n", from, y, to);
		fprintf(out, "<text x=\"%d\" y=\"%d\">", mid, y - 5);
		if (c == NULL) {
			fputs("GRE not seen</text></g>\n", out);
			return;
		}
		if (!seen && s == SIDE_A && t->nsides == 2 && !w->to_pac &&
		    t->p->to_pns.misdelivered > 0 &&
		    t->p->to_pns.misdelivered_to < side->tunnels.ncalls) {
			const struct gre_fate *gf = &t->p->to_pns;
			const struct call *got = &side->tunnels.calls[gf->misdelivered_to];
			char host[ADDR_STRLEN];

			report_frame_name(side, &gf->mis_inside, fr);
			fputs("GRE went to ", out);
			report_put_markup(
			    out,
			    addr_format(got->kind == CALL_GRE_ONLY ? &got->pac : &got->pns, host));
			fprintf(out,
			        " \xc3\x97%llu sampled <tspan class=\"f\">%s</tspan></text></g>\n",
			        (unsigned long long)gf->misdelivered, fr);
			return;
		}
		if (!seen) {
			fputs("GRE none</text></g>\n", out);
			return;
		}
		fputs("GRE key ", out);
		put_value(out, shared ? (w->to_pac ? c->pac_call_id : c->pns_call_id) : gd->key,
		          og != NULL && og->packets > 0, og != NULL ? og->key : 0);
		fprintf(out, " \xc3\x97%llu", (unsigned long long)packets);
		if (shared) {
			fputs(" shared</text></g>\n", out);
			return;
		}
		report_frame_name(side, &gd->first, fr);
		if (same_frame(&gd->last, &gd->first) || !frame_ref_seen(&gd->last)) {
			fprintf(out, " <tspan class=\"f\">%s</tspan></text></g>\n", fr);
			return;
		}
		report_frame_name(side, &gd->last, fr2);
		fprintf(out, " <tspan class=\"f\">%s-%s</tspan></text></g>\n", fr, fr2);
	}
}

/* Whether the NAT changed a Call ID this arrow carries (the values differ). */
static bool
row_translated(const struct tunnel_view *t, const struct row *w)
{
	if (t->nsides != 2 || t->c[0] == NULL || t->c[1] == NULL)
		return false;
	if (w->kind == ROW_MSG) {
		const struct call_msg *a = w->msg[0], *b = w->msg[1];

		return a != NULL && b != NULL &&
		       ((a->has_call_id && b->has_call_id && a->call_id != b->call_id) ||
		        (a->has_peer_call_id && b->has_peer_call_id &&
		         a->peer_call_id != b->peer_call_id));
	}
	{
		const struct gre_dir *a = w->to_pac ? &t->c[0]->to_pac : &t->c[0]->to_pns;
		const struct gre_dir *b = w->to_pac ? &t->c[1]->to_pac : &t->c[1]->to_pns;

		return a->packets > 0 && b->packets > 0 && a->key != b->key;
	}
}

static void
put_lane_head(FILE *out, int x, const char *title, const struct addr *a)
{
	char buf[ADDR_STRLEN];

	fprintf(out, "<text class=\"lh\" x=\"%d\" y=\"16\">%s</text>", x, title);
	if (a != NULL) {
		fprintf(out, "<text x=\"%d\" y=\"31\">", x);
		report_put_markup(out, addr_format(a, buf));
		fputs("</text>", out);
	}
}

/* The NAT's own address as the captures show it: the clients' translated
 * address outside (masquerade), or the server's address inside (a port
 * forward); NULL when it translates neither. */
static const struct addr *
nat_address(const struct call *in, const struct call *out)
{
	if (in == NULL || out == NULL)
		return NULL;
	if (!addr_eq(&out->pns, &in->pns))
		return &out->pns;
	if (!addr_eq(&out->pac, &in->pac))
		return &in->pac;
	return NULL;
}

static void
put_diagram(FILE *out, const struct tunnel_view *t)
{
	const struct verdict *v = t->r->verdict;
	const struct call *in = t->c[SIDE_A], *outc = t->nsides == 2 ? t->c[SIDE_B] : NULL;
	const struct call *any = t->any;
	int height = HEAD_HEIGHT + (int)t->nrows * ROW_HEIGHT + 6;
	unsigned i, k;

	fprintf(out, "<svg class=\"d\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
	        SVG_WIDTH, height, SVG_WIDTH, height);
	put_lane_head(out, LANE_CLIENT, any->roles_known ? "client" : "endpoint",
	              in != NULL ? &in->pns : &any->pns);
	if (t->nsides == 2)
		put_lane_head(out, LANE_NAT, "NAT", nat_address(in, outc));
	put_lane_head(out, LANE_SERVER, any->roles_known ? "server" : "endpoint",
	              outc != NULL ? &outc->pac : &any->pac);
	fprintf(out, "\n<path class=\"ln\" d=\"M%d 38V%dM%d 38V%d", LANE_CLIENT, height - 4,
	        LANE_SERVER, height - 4);
	if (t->nsides == 2)
		fprintf(out, "M%d 38V%d", LANE_NAT, height - 4);
	fputs("\"/>\n", out);
	for (i = 0; i < t->nrows; i++) {
		const struct row *w = &t->rows[i];
		int y = HEAD_HEIGHT + (int)i * ROW_HEIGHT + 18;
		uint32_t idx[HTML_MAX_TAGS];
		unsigned ntags = row_findings(t, w, idx, HTML_MAX_TAGS);
		bool marked = row_marked(t, w);
		enum severity worst = SEV_NOTE;
		const char *cls;

		for (k = 0; k < ntags; k++)
			if (v->findings[idx[k]].severity > worst)
				worst = v->findings[idx[k]].severity;
		/* Broken: the verdict marked it (red unless only warnings explain it). */
		if (marked)
			cls = ntags > 0 && worst == SEV_WARNING ? " w" : " b";
		else
			cls = ntags > 0 ? (worst == SEV_ERROR ? " b" : " w") : "";
		if (t->nsides == 2) {
			put_leg(out, t, w, SIDE_A, LANE_CLIENT, LANE_NAT, y, cls);
			put_leg(out, t, w, SIDE_B, LANE_NAT, LANE_SERVER, y, cls);
			if (row_translated(t, w))
				fprintf(out,
				        "<text class=\"nx\" x=\"%d\" y=\"%d\">&#8644;</text>\n",
				        LANE_NAT, y + 15);
		} else {
			put_leg(out, t, w, SIDE_A, LANE_CLIENT, LANE_SERVER, y, cls);
		}
		if (ntags > 0) {
			fprintf(out, "<text class=\"t%s\" x=\"%d\" y=\"%d\">&#10007;", cls, NOTE_X,
			        y + 4);
			for (k = 0; k < ntags; k++) {
				const char *name = code_name(v->findings[idx[k]].code);

				fprintf(out, "%s<a href=\"#c-%s\">%s</a>", k > 0 ? ", " : " ", name,
				        name);
			}
			fputs("</text>\n", out);
		}
		if (w->kind != ROW_MSG && t->nsides == 2) {
			uint32_t ids[HTML_MAX_PARTNERS];
			bool more;
			unsigned n = triple_partners(t, w->to_pac ? GRE_TO_PAC : GRE_TO_PNS, ids,
			                             HTML_MAX_PARTNERS, &more);

			if (n > 0) {
				fprintf(out,
				        "<text class=\"s\" x=\"%d\" y=\"%d\">triple shared with "
				        "tunnel%s",
				        (LANE_NAT + LANE_SERVER) / 2, y + 13,
				        n > 1 || more ? "s" : "");
				for (k = 0; k < n; k++)
					fprintf(out, "%s<a href=\"#t%u\">%u</a>",
					        k > 0 ? ", " : " ", ids[k], ids[k]);
				fprintf(out, "%s</text>\n", more ? ", &#8230;" : "");
			}
		}
	}
	fputs("</svg>\n", out);
}

/*
 * The findings naming tunnel id, one line per code: the one that is about
 * this tunnel first (it names it first), and how many more name it.  A
 * collision among 200 tunnels names each of them in many findings; their
 * full text is in the findings section once.
 */
static void
put_tunnel_findings(FILE *out, const struct verdict *v, uint32_t id)
{
	bool done[CODE_COUNT] = {false}, any = false;
	uint32_t i, k;

	for (i = 0; i < v->nfindings; i++) {
		const struct finding *f = &v->findings[i], *best = NULL;
		uint32_t best_i = 0, more = 0;
		char text[FINDING_TEXT_LEN];

		if (f->code >= CODE_COUNT || done[f->code] || !report_finding_names(f, id))
			continue;
		done[f->code] = true;
		for (k = i; k < v->nfindings; k++) {
			const struct finding *g = &v->findings[k];

			if (g->code != f->code || !report_finding_names(g, id))
				continue;
			if (best == NULL || (g->tunnels[0] == id && best->tunnels[0] != id) ||
			    (g->severity > best->severity &&
			     (g->tunnels[0] == id) == (best->tunnels[0] == id))) {
				best = g;
				best_i = k;
			}
			more++;
		}
		if (!any)
			fputs("<ul class=\"tf\">\n", out);
		any = true;
		fprintf(
		    out,
		    "<li><span class=\"sev %s\">%s</span> <a href=\"#f%u\"><code>%s</code></a>: ",
		    sev_class(best->severity), report_severity_label(best->severity), best_i + 1,
		    code_name(best->code));
		report_put_markup(out, finding_text(best, text, sizeof(text)));
		if (more > 1)
			fprintf(out, " (<a href=\"#c-%s\">%u more</a>)", code_name(best->code),
			        more - 1);
		fputs("</li>\n", out);
	}
	if (any)
		fputs("</ul>\n", out);
}

static void
print_tunnel(FILE *out, const struct report *r, uint32_t pi, bool diagram)
{
	const struct verdict *v = r->verdict;
	struct tunnel_view t;
	char pns[ADDR_STRLEN], pac[ADDR_STRLEN], nat[ADDR_STRLEN];
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.p = &r->corr->pairs[pi];
	t.tv = &v->tunnels[pi];
	t.nsides = r->b != NULL ? 2 : 1;
	t.c[SIDE_A] = report_pair_call(r, t.p, SIDE_A);
	t.c[SIDE_B] = report_pair_call(r, t.p, SIDE_B);
	t.any = t.c[SIDE_A] != NULL ? t.c[SIDE_A] : t.c[SIDE_B];
	if (t.any == NULL)
		return;
	fprintf(out, "<section class=\"tun %s\" id=\"t%u\">\n<h3>Tunnel %u: %s &#8212; ",
	        value_class(t.tv->value), t.p->id, t.p->id, report_verdict_word(t.tv->value));
	if (t.any->roles_known)
		escf(out, "client %s \xe2\x86\x92 server %s", addr_format(&t.any->pns, pns),
		     addr_format(&t.any->pac, pac));
	else
		escf(out, "GRE between %s and %s (no control connection seen)",
		     addr_format(&t.any->pns, pns), addr_format(&t.any->pac, pac));
	if (t.c[SIDE_A] != NULL && t.c[SIDE_B] != NULL &&
	    !addr_eq(&t.c[SIDE_A]->pns, &t.c[SIDE_B]->pns))
		escf(out, ", outside as %s", addr_format(&t.c[SIDE_B]->pns, nat));
	if (t.any->kind == CALL_INCOMING)
		fputs(" (incoming call)", out);
	if (r->b != NULL && (t.c[SIDE_A] == NULL || t.c[SIDE_B] == NULL))
		fprintf(out, " (seen %s only)", t.c[SIDE_A] != NULL ? "inside" : "outside");
	fputs("</h3>\n", out);
	if (diagram) {
		build_rows(&t);
		put_diagram(out, &t);
	}
	put_tunnel_findings(out, v, t.p->id);
	if (t.any->kind != CALL_GRE_ONLY)
		fprintf(out, "<p>state: %s</p>\n", call_state_name(t.any->state));
	fputs("</section>\n", out);
}

static void
print_tunnels(FILE *out, const struct report *r)
{
	const struct verdict *v = r->verdict;
	const struct correlation *c = r->corr;
	uint32_t i, npass = 0, drawn = 0;
	static const enum verdict_value order[] = {VERDICT_FAIL, VERDICT_INCONCLUSIVE};
	size_t o;

	fprintf(out, "<section id=\"tunnels\"><h2>Tunnels (%u)</h2>\n", c->npairs);
	if (c->npairs == 0)
		fprintf(out, "<p>No PPTP tunnel in the capture%s.</p>\n", r->b != NULL ? "s" : "");
	for (o = 0; o < ARRAY_LEN(order); o++)
		for (i = 0; i < c->npairs && i < v->ntunnels; i++)
			if (v->tunnels[i].value == order[o])
				print_tunnel(out, r, i, drawn++ < HTML_MAX_DIAGRAMS);
	for (i = 0; i < c->npairs && i < v->ntunnels; i++)
		npass += v->tunnels[i].value == VERDICT_PASS;
	if (npass > 0) {
		fprintf(out, "<details%s><summary>%u passing tunnel%s</summary>\n",
		        npass == c->npairs ? " open" : "", npass, npass == 1 ? "" : "s");
		for (i = 0; i < c->npairs && i < v->ntunnels; i++)
			if (v->tunnels[i].value == VERDICT_PASS)
				print_tunnel(out, r, i, drawn++ < HTML_MAX_DIAGRAMS);
		fputs("</details>\n", out);
	}
	fputs("</section>\n", out);
}

/* ---- findings, grouped by code ---- */

/* Evidence: side, frame and time; the file is the side's (the inputs table
 * names it), "f2#12" when a side is made of several files. */
static void
print_evidence(FILE *out, const struct report *r, const struct finding *f)
{
	unsigned k;
	char when[64], fr[48], label[EVIDENCE_TEXT_LEN];

	if (f->nevidence == 0)
		return;
	fputs("<table class=\"ev\"><tr><th>side</th><th>frame</th><th>time (UTC)</th><th>what</th>"
	      "</tr>\n",
	      out);
	for (k = 0; k < f->nevidence && k < FINDING_MAX_EVIDENCE; k++) {
		const struct evidence *e = &f->evidence[k];

		report_frame_name(report_side(r, e->side), &e->where, fr);
		fprintf(out, "<tr><td>%s</td><td>%s</td><td class=\"mono\">%s</td><td>",
		        side_role_name(e->side), fr, report_time(e->where.ts, when));
		report_put_markup(out, evidence_text(e, label, sizeof(label)));
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
}

static void
print_findings(FILE *out, const struct report *r)
{
	char advice[512], text[FINDING_TEXT_LEN];
	const struct verdict *v = r->verdict;
	int worst[CODE_COUNT];
	unsigned count[CODE_COUNT];
	uint32_t i;
	int sev;
	unsigned k, code;

	fputs("<section id=\"findings\"><h2>Findings</h2>\n", out);
	if (v->nfindings == 0)
		fputs("<p>None.</p>\n", out);
	for (code = 0; code < CODE_COUNT; code++) {
		worst[code] = -1;
		count[code] = 0;
	}
	for (i = 0; i < v->nfindings; i++) {
		const struct finding *f = &v->findings[i];

		if (f->code >= CODE_COUNT)
			continue;
		count[f->code]++;
		if ((int)f->severity > worst[f->code])
			worst[f->code] = (int)f->severity;
	}
	for (sev = SEV_ERROR; sev >= SEV_NOTE; sev--)
		for (code = 0; code < CODE_COUNT; code++) {
			const struct code_info *ci = code_info((enum code)code);

			if (worst[code] != sev)
				continue;
			fprintf(
			    out,
			    "<section class=\"g\" id=\"c-%s\"><h3><span class=\"sev %s\">%s</span> "
			    "<code>%s</code> (%u)</h3>\n",
			    code_name((enum code)code), sev_class((enum severity)sev),
			    report_severity_label((enum severity)sev), code_name((enum code)code),
			    count[code]);
			if (ci != NULL && ci->hint[0] != 0) {
				fputs("<p class=\"hint\"><b>What it means:</b> ", out);
				report_put_markup(out, ci->hint);
				fputs("</p>\n", out);
			}
			if (sev != SEV_NOTE &&
			    diagnosis_advice(r, (enum code)code, advice, sizeof(advice))[0] != 0) {
				fputs("<p class=\"hint\"><b>What to do:</b> ", out);
				report_put_markup(out, advice);
				fputs("</p>\n", out);
			}
			for (i = 0; i < v->nfindings; i++) {
				const struct finding *f = &v->findings[i];

				if ((unsigned)f->code != code)
					continue;
				fprintf(out, "<div class=\"f\" id=\"f%u\"><p>", i + 1);
				if (f->ignored)
					fputs(
					    "<span class=\"sev n\">accepted with --ignore</span> ",
					    out);
				else if (f->severity != (enum severity)sev)
					fprintf(out, "<span class=\"sev %s\">%s</span> ",
					        sev_class(f->severity),
					        report_severity_label(f->severity));
				if (f->ntunnels > 0) {
					fprintf(out, "tunnel%s", f->ntunnels > 1 ? "s" : "");
					for (k = 0; k < f->ntunnels && k < FINDING_MAX_TUNNELS; k++)
						fprintf(out, "%s<a href=\"#t%u\">%u</a>",
						        k > 0 ? ", " : " ", f->tunnels[k],
						        f->tunnels[k]);
					fputs(": ", out);
				}
				report_put_markup(out, finding_text(f, text, sizeof(text)));
				fputs("</p>\n", out);
				print_evidence(out, r, f);
				fputs("</div>\n", out);
			}
			fputs("</section>\n", out);
		}
	if (v->findings_dropped > 0)
		fprintf(out, "<p>(%llu more findings not listed)</p>\n",
		        (unsigned long long)v->findings_dropped);
	fputs("</section>\n", out);
}

bool
report_html(FILE *out, const struct report *r)
{
	print_head(out, r);
	print_inputs(out, r);
	print_tunnels(out, r);
	print_findings(out, r);
	fprintf(out, "<footer><p>Verdict: %s (exit status %d)</p></footer>\n</body>\n</html>\n",
	        report_verdict_word(r->verdict->value),
	        (int)verdict_exit_status(r->verdict->value));
	return !ferror(out);
}
