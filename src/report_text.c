/*
 * The text report, written for a helpdesk ticket.  Line 1 is the
 * diagnosis and the fix; then the inputs (each file's path once), one
 * block per finding code (every tunnel it concerns, one "What it means"),
 * and each tunnel as a small inside/outside table of the values that
 * crossed the NAT, "<<" where it broke one.  Lines fit REPORT_WIDTH
 * columns, wrapped with a hanging indent; times are UTC and say so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnosis.h"
#include "finding_text.h"
#include "link.h"
#include "report.h"

#define PROG_NAME "pptp-natcheck"
#define REPORT_WIDTH 100
#define CELL_WIDTH 31
#define LABEL_WIDTH 22
/* Above this many tunnels, passing ones get one line each, and so do the
 * others past the first TABLES_SHOWN (every table with -v). */
#define CONDENSE_ABOVE 10
#define TABLES_SHOWN 10
/* Tunnel ids before each listed finding (the block header counts them all). */
#define ITEM_MAX_IDS 6
/* Findings listed per code block, tunnel ids per block header (all with -v). */
#define BLOCK_MAX_ITEMS 10
#define BLOCK_MAX_IDS 24
/* Evidence lines per finding (all with -v). */
#define EVIDENCE_SHOWN 3

static const char *
plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/*
 * Print text from column col (already written on this line), breaking at
 * spaces before REPORT_WIDTH; continuation lines start with hang spaces.
 * Runs of spaces inside a line are kept (aligned columns); a word longer
 * than a line is printed whole.
 */
static void
wrap(FILE *out, size_t col, size_t hang, const char *text)
{
	const char *p = text;

	while (*p != 0) {
		const char *sp = p, *end;
		size_t gap, wlen;

		while (*sp == ' ')
			sp++;
		gap = (size_t)(sp - p);
		end = sp;
		while (*end != 0 && *end != ' ')
			end++;
		wlen = (size_t)(end - sp);
		if (wlen == 0)
			break; /* trailing spaces */
		if (col > hang && col + gap + wlen > REPORT_WIDTH) {
			fprintf(out, "\n%*s", (int)hang, "");
			col = hang;
		} else {
			fprintf(out, "%*s", (int)gap, "");
			col += gap;
		}
		fwrite(sp, 1, wlen, out);
		col += wlen;
		p = end;
	}
	fputc('\n', out);
}

/* A line starting with prefix; continuation lines indented by hang. */
static void
wrap_line(FILE *out, const char *prefix, size_t hang, const char *text)
{
	fputs(prefix, out);
	wrap(out, strlen(prefix), hang, text);
}

/* A labelled line whose continuation lines align under the text. */
static void
wrap_labelled(FILE *out, const char *label, const char *text)
{
	wrap_line(out, label, strlen(label), text);
}

/* "1, 2, 3" or "1, 2, ..., 24 and 176 more" into buf. */
static void
id_list(char *buf, size_t n, const uint32_t *ids, uint32_t listed, uint32_t total, bool all)
{
	size_t used = 0;
	uint32_t k, shown = all || listed <= BLOCK_MAX_IDS ? listed : BLOCK_MAX_IDS;

	buf[0] = 0;
	for (k = 0; k < shown && used + 16 < n; k++)
		used += (size_t)snprintf(buf + used, n - used, "%s%u", k > 0 ? ", " : "", ids[k]);
	if (total > k && used + 24 < n)
		snprintf(buf + used, n - used, " and %u more", total - k);
}

/* ---- header ---- */

static void
print_inputs(FILE *out, const struct side *s)
{
	unsigned i, k;

	for (i = 0; i < s->ninputs; i++) {
		const struct side_input *in = &s->inputs[i];
		char line[1024], label[16];
		size_t used;

		if (s->ninputs > 1)
			snprintf(label, sizeof(label), "%s f%u", side_role_name(s->role), i + 1);
		else
			snprintf(label, sizeof(label), "%s", side_role_name(s->role));
		/* One capture split by interface (legs.c): the file is named once, on
		 * the inside line, and each side says its interface. */
		used = (size_t)snprintf(line, sizeof(line), "%s%s%s (%s",
		                        s->leg[0] != 0 && s->role == SIDE_OUTSIDE ? "same file"
		                                                                  : in->path,
		                        s->leg[0] != 0 ? " on " : "", s->leg, in->format);
		for (k = 0; k < in->nlinktypes && used < sizeof(line); k++)
			used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s",
			                         k == 0 ? ", " : "/", link_name(in->linktypes[k]));
		if (used < sizeof(line))
			used += (size_t)snprintf(line + used, sizeof(line) - used, ", %llu %s",
			                         (unsigned long long)in->packets,
			                         plural(in->packets, "packet", "packets"));
		if ((in->truncated || in->damaged) && used < sizeof(line))
			used +=
			    (size_t)snprintf(line + used, sizeof(line) - used, ", %s: %s",
			                     in->truncated ? "TRUNCATED" : "DAMAGED", in->error);
		if (used < sizeof(line))
			snprintf(line + used, sizeof(line) - used, ")");
		fprintf(out, "%-8s ", label);
		wrap(out, strlen(label) < 9 ? 9 : strlen(label) + 1, 9, line);
	}
}

static void
print_options(FILE *out, const struct report *r)
{
	const struct verdict *v = r->verdict;
	char line[1024], addr[ADDR_STRLEN];
	size_t used = 0;
	unsigned c;

	line[0] = 0;
	if (v->opt.strict)
		used += (size_t)snprintf(line + used, sizeof(line) - used, "--strict");
	if (r->a->has_server_filter && used < sizeof(line))
		used +=
		    (size_t)snprintf(line + used, sizeof(line) - used, "%s--server %s",
		                     used > 0 ? ", " : "", addr_format(&r->a->server_filter, addr));
	if (r->b != NULL && r->corr->clock.from_option && used < sizeof(line))
		used += (size_t)snprintf(line + used, sizeof(line) - used, "%s--time-offset %.6f",
		                         used > 0 ? ", " : "", (double)r->corr->clock.offset / 1e9);
	for (c = 0; c < CODE_COUNT && used < sizeof(line); c++)
		if (v->opt.ignore & VERDICT_IGNORE_BIT(c))
			used += (size_t)snprintf(line + used, sizeof(line) - used, "%s--ignore %s",
			                         used > 0 ? ", " : "", code_name((enum code)c));
	if (used > 0)
		wrap_labelled(out, "options  ", line);
}

/*
 * Right after the headline: a pair given the other way round was judged
 * the right way round; the reader must know before trusting the names.
 */
static void
orientation_note(char *buf, size_t n, const struct report *r)
{
	const struct orientation *o = r->orient;

	buf[0] = 0;
	if (o == NULL || !o->swapped)
		return;
	snprintf(buf, n,
	         "[captures given the other way round: %s%s%s holds the clients and was judged "
	         "as inside]",
	         r->a->ninputs > 0 ? r->a->inputs[0].path : "?", r->a->leg[0] != 0 ? " on " : "",
	         r->a->leg);
}

/* Below the inputs: which capture holds the clients and why, when that was turned. */
static void
print_orientation(FILE *out, const struct report *r)
{
	const struct orientation *o = r->orient;
	char line[1024];

	if (o == NULL || !o->swapped)
		return;

	snprintf(line, sizeof(line), "swapped: %s (NAT translates: %s)", o->how,
	         orient_translated_name(o->translated));
	wrap_labelled(out, "order    ", line);
}

static void
print_header(FILE *out, const struct report *r, const struct diagnosis *d)
{
	const struct verdict *v = r->verdict;
	const struct correlation *c = r->corr;
	uint32_t pass, fail, inconclusive;
	char line[512];

	wrap_line(out, PROG_NAME ": ", 4, d->headline);
	/* Part of the headline, on a line of its own so that it cannot be missed. */
	orientation_note(line, sizeof(line), r);
	if (line[0] != 0)
		wrap_line(out, "    ", 4, line);
	report_tunnel_counts(r, &pass, &fail, &inconclusive);
	snprintf(
	    line, sizeof(line), "%s, %u %s: %u pass, %u fail, %u inconclusive; %u %s, %u %s, %u %s",
	    PPTP_NATCHECK_VERSION, c->npairs, plural(c->npairs, "tunnel", "tunnels"), pass, fail,
	    inconclusive, v->count[SEV_ERROR], plural(v->count[SEV_ERROR], "error", "errors"),
	    v->count[SEV_WARNING], plural(v->count[SEV_WARNING], "warning", "warnings"),
	    v->count[SEV_NOTE], plural(v->count[SEV_NOTE], "note", "notes"));
	wrap_labelled(out, "version  ", line);
	print_inputs(out, r->a);
	if (r->b != NULL)
		print_inputs(out, r->b);
	if (r->a->leg_how[0] != 0)
		wrap_labelled(out, "legs     ", r->a->leg_how);
	if (r->b != NULL) {
		print_orientation(out, r);
		if (c->clock.known)
			snprintf(line, sizeof(line),
			         "inside - outside = %+.6f s (%s, %u %s, spread %.6f s)",
			         (double)c->clock.offset / 1e9,
			         c->clock.from_option ? "--time-offset" : "estimated",
			         c->clock.samples, plural(c->clock.samples, "sample", "samples"),
			         (double)c->clock.spread / 1e9);
		else
			snprintf(line, sizeof(line),
			         "offset unknown (no packet matched across the captures)");
		wrap_labelled(out, "clock    ", line);
	}
	print_options(out, r);
	fprintf(out, "times    UTC; frames are numbered per file, from 1\n");
}

/* ---- findings, one block per code ---- */

static void
print_evidence(FILE *out, const struct report *r, const struct finding *f)
{
	unsigned k,
	    shown = r->verbose || f->nevidence <= EVIDENCE_SHOWN ? f->nevidence : EVIDENCE_SHOWN;

	for (k = 0; k < shown; k++) {
		const struct evidence *e = &f->evidence[k];
		char prefix[128], frame[48], when[64], label[EVIDENCE_TEXT_LEN];

		snprintf(prefix, sizeof(prefix), "      %-7s %-9s %s UTC  ",
		         side_role_name(e->side),
		         report_frame_name(report_side(r, e->side), &e->where, frame),
		         report_time(e->where.ts, when));
		wrap_labelled(out, prefix, evidence_text(e, label, sizeof(label)));
	}
	if (shown < f->nevidence)
		fprintf(out, "      (%u more with -v)\n", f->nevidence - shown);
}

/* Two findings the reader would be told twice: the same shared triple, the same counts. */
static bool
same_shared(const struct finding *a, const struct finding *b)
{
	return a->code == b->code && a->severity == b->severity && a->shared && b->shared &&
	       a->has_triple && b->has_triple && a->triple_call_id == b->triple_call_id &&
	       addr_eq(&a->triple_src, &b->triple_src) && addr_eq(&a->triple_dst, &b->triple_dst) &&
	       a->packets_inside == b->packets_inside && a->packets_outside == b->packets_outside &&
	       strcmp(a->field, b->field) == 0;
}

/* Why an absence is only a warning: the capture it rests on is damaged, or torn. */
static const char *
weak_note(const struct finding *f)
{
	if (f->weak_torn)
		return f->weak_side == SIDE_OUTSIDE
		           ? " (the outside capture ends in a torn record while the call was up: "
		             "the packets may only be missing from the file)"
		       : f->weak_side == SIDE_INSIDE
		           ? " (the inside capture ends in a torn record while the call was up: "
		             "the packets may only be missing from the file)"
		           : " (the capture ends in a torn record while the call was up: the "
		             "packets "
		             "may only be missing from the file)";
	return f->weak_side == SIDE_OUTSIDE ? " (the outside capture is damaged: the packets may "
	                                      "only be missing from the file)"
	       : f->weak_side == SIDE_INSIDE
	           ? " (the inside capture is damaged: the packets may only be missing from the "
	             "file)"
	           : " (the capture is damaged: the packets may only be missing from the file)";
}

/* What one item of a block says, worded from the finding's data where it has any. */
static void
item_text(char *buf, size_t n, const struct finding *f, unsigned merged)
{
	char src[ADDR_STRLEN], dst[ADDR_STRLEN];

	if (f->code == CODE_GRE_RETURN_BLOCKED && f->shared && f->has_triple && f->has_packets) {
		snprintf(
		    buf, n,
		    "%llu GRE %s from the server reached the NAT on the shared return triple %s "
		    "-> %s, Call ID %u (all the tunnels on it together); none reached %s%s",
		    (unsigned long long)f->packets_outside,
		    plural(f->packets_outside, "packet", "packets"),
		    addr_format(&f->triple_src, src), addr_format(&f->triple_dst, dst),
		    f->triple_call_id, merged == 1 ? "the client" : "these clients",
		    f->weak ? weak_note(f) : "");
		return;
	}
	finding_text(f, buf, n);
}

static void
print_item(FILE *out, const struct report *r, const struct finding *const *items, unsigned nitems,
           enum severity block_sev, bool several)
{
	const struct finding *f = items[0];
	uint32_t ids[FINDING_MAX_TUNNELS * 4];
	uint32_t nids = 0, total = 0;
	unsigned i, k;
	char line[2048], list[1024], text[FINDING_TEXT_LEN + 256], tags[64] = "";

	for (i = 0; i < nitems; i++) {
		for (k = 0; k < items[i]->ntunnels && nids < ARRAY_LEN(ids); k++)
			ids[nids++] = items[i]->tunnels[k];
		total += items[i]->tunnels_total;
	}
	if (f->ignored)
		snprintf(tags, sizeof(tags), "(accepted with --ignore) ");
	else if (f->severity != block_sev)
		snprintf(tags, sizeof(tags), "(%s) ", severity_name(f->severity));
	item_text(text, sizeof(text), f, nitems > 1 ? total : f->tunnels_total);
	if (several && total > 0) {
		uint32_t shown = r->verbose || nids <= ITEM_MAX_IDS ? nids : ITEM_MAX_IDS;

		id_list(list, sizeof(list), ids, shown, total, r->verbose);
		snprintf(line, sizeof(line), "%s %s: %s%s", plural(total, "Tunnel", "Tunnels"),
		         list, tags, text);
	} else {
		snprintf(line, sizeof(line), "%s%s", tags, text);
	}
	wrap_line(out, "  ", 4, line);
	print_evidence(out, r, f);
}

static void
print_block(FILE *out, const struct report *r, enum code code, bool *used)
{
	const struct verdict *v = r->verdict;
	const struct code_info *ci = code_info(code);
	const struct finding *items[VERDICT_MAX_FINDINGS];
	enum severity block_sev = report_code_worst(r, code);
	uint32_t i, k, nfind = 0, ntun = report_code_tunnels(r, code), printed = 0, nids = 0;
	char line[1024], advice[512];
	bool several;

	for (i = 0; i < v->nfindings; i++)
		nfind += v->findings[i].code == code;
	/* The header: the code, what it is, and every tunnel it concerns
	 * (the first BLOCK_MAX_IDS, all with -v; the count always). */
	fputc('\n', out);
	if (ntun > 0) {
		size_t cap = 128 + (size_t)ntun * 12, used_len;
		char *hdr = malloc(cap);

		if (hdr == NULL)
			return;
		used_len = (size_t)snprintf(hdr, cap, "%s %s, %s: %u %s (",
		                            report_severity_label(block_sev), code_name(code),
		                            ci != NULL ? ci->title : "", ntun,
		                            plural(ntun, "tunnel", "tunnels"));
		for (i = 0; i < v->ntunnels && used_len + 32 < cap; i++) {
			if (!(v->tunnels[i].codes & VERDICT_IGNORE_BIT(code)))
				continue;
			if (!r->verbose && nids == BLOCK_MAX_IDS) {
				used_len += (size_t)snprintf(hdr + used_len, cap - used_len,
				                             " and %u more", ntun - nids);
				break;
			}
			used_len += (size_t)snprintf(hdr + used_len, cap - used_len, "%s%u",
			                             nids > 0 ? ", " : "", i + 1);
			nids++;
		}
		snprintf(hdr + used_len, cap - used_len, ")");
		wrap(out, 0, 4, hdr);
		free(hdr);
	} else {
		snprintf(line, sizeof(line), "%s %s, %s", report_severity_label(block_sev),
		         code_name(code), ci != NULL ? ci->title : "");
		wrap(out, 0, 4, line);
	}
	several = ntun > 1 || nfind > 1;
	for (i = 0; i < v->nfindings; i++) {
		const struct finding *f = &v->findings[i];
		unsigned nitems = 0;

		if (f->code != code || used[i])
			continue;
		used[i] = true;
		items[nitems++] = f;
		for (k = i + 1; k < v->nfindings; k++)
			if (!used[k] && same_shared(f, &v->findings[k])) {
				used[k] = true;
				items[nitems++] = &v->findings[k];
			}
		if (!r->verbose && printed >= BLOCK_MAX_ITEMS) {
			printed++;
			continue;
		}
		print_item(out, r, items, nitems, block_sev, several);
		printed++;
	}
	if (printed > BLOCK_MAX_ITEMS && !r->verbose)
		fprintf(out, "  ... and %u more like these (-v lists them)\n",
		        printed - BLOCK_MAX_ITEMS);
	if (ci != NULL && ci->hint[0] != 0)
		wrap_labelled(out, "  What it means: ", ci->hint);
	if (block_sev != SEV_NOTE && diagnosis_advice(r, code, advice, sizeof(advice))[0] != 0)
		wrap_labelled(out, "  What to do: ", advice);
}

/* Error blocks in the order a reader needs them: causes before their symptoms. */
static int
block_rank(enum code code)
{
	static const enum code order[] = {
	    CODE_CALL_ID_COLLISION,  CODE_GRE_BLOCKED,          CODE_GRE_FORWARD_BLOCKED,
	    CODE_IP_CHECKSUM_BAD,    CODE_CALL_ID_NOT_RESTORED, CODE_REWRITE_INCONSISTENT,
	    CODE_UNEXPECTED_REWRITE, CODE_GRE_MISDELIVERED,     CODE_GRE_RETURN_BLOCKED,
	    CODE_TUNNEL_UNMATCHED,   CODE_GRE_ONE_WAY,
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(order); i++)
		if (order[i] == code)
			return (int)i;
	return (int)ARRAY_LEN(order);
}

static void
print_findings(FILE *out, const struct report *r)
{
	const struct verdict *v = r->verdict;
	bool *used, done[CODE_COUNT] = {false};
	int sev, rank;
	uint32_t i;

	if (v->nfindings == 0)
		return;
	used = calloc(v->nfindings, sizeof(*used));
	if (used == NULL)
		return;
	fprintf(out, "\nFindings:\n");
	/* Blocks by their worst severity, causes before symptoms, then in order
	 * of first appearance. */
	for (sev = SEV_ERROR; sev >= SEV_NOTE; sev--)
		for (rank = 0; rank <= block_rank(CODE_COUNT); rank++)
			for (i = 0; i < v->nfindings; i++) {
				const struct finding *f = &v->findings[i];

				if ((unsigned)f->code >= CODE_COUNT || done[f->code] ||
				    block_rank(f->code) != rank ||
				    (int)report_code_worst(r, f->code) != sev)
					continue;
				done[f->code] = true;
				print_block(out, r, f->code, used);
			}
	if (v->findings_dropped > 0)
		fprintf(out, "\n  (%llu more %s counted but not kept)\n",
		        (unsigned long long)v->findings_dropped,
		        plural(v->findings_dropped, "finding", "findings"));
	free(used);
}

/* ---- tunnels ---- */

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
	report_frame_name(s, first, f1);
	if (last == NULL || !frame_ref_seen(last) ||
	    (last->frame == first->frame && last->file == first->file)) {
		snprintf(buf, n, "%s %s", value, f1);
		return;
	}
	snprintf(buf, n, "%s %s-%s", value, f1, report_frame_name(s, last, f2));
}

static const struct call_msg *
first_msg(const struct call *c, uint8_t type, bool to_pac)
{
	uint32_t k, nm;

	if (c == NULL)
		return NULL;
	nm = c->nmsgs < CALL_MAX_MSGS ? c->nmsgs : CALL_MAX_MSGS;
	for (k = 0; k < nm; k++)
		if (c->msgs[k].type == type && c->msgs[k].to_pac == to_pac)
			return &c->msgs[k];
	return NULL;
}

static bool
msg_values_differ(const struct call_msg *a, const struct call_msg *b)
{
	return a != NULL && b != NULL &&
	       ((a->has_call_id && b->has_call_id && a->call_id != b->call_id) ||
	        (a->has_peer_call_id && b->has_peer_call_id && a->peer_call_id != b->peer_call_id));
}

/* Whether any message of this type crossed the NAT with a value changed. */
static bool
type_changed(const struct call *a, const struct call *b, uint8_t type)
{
	uint32_t k, nm;

	if (a == NULL)
		return false;
	nm = a->nmsgs < CALL_MAX_MSGS ? a->nmsgs : CALL_MAX_MSGS;
	for (k = 0; k < nm; k++)
		if (a->msgs[k].type == type &&
		    msg_values_differ(&a->msgs[k], report_twin_msg(b, &a->msgs[k])))
			return true;
	return false;
}

static void
msg_cell(char *buf, size_t n, const struct side *s, const struct call_msg *m)
{
	char v[32];

	if (m == NULL) {
		snprintf(buf, n, "-");
		return;
	}
	if (m->has_call_id && m->has_peer_call_id)
		snprintf(v, sizeof(v), "%u / %u", m->call_id, m->peer_call_id);
	else if (m->has_call_id)
		snprintf(v, sizeof(v), "%u", m->call_id);
	else if (m->has_peer_call_id)
		snprintf(v, sizeof(v), "%u", m->peer_call_id);
	else
		snprintf(v, sizeof(v), "seen");
	cell_frames(buf, n, s, v, &m->where, NULL);
}

static void
print_row(FILE *out, const struct report *r, const char *label, const char *ca, const char *cb,
          bool mark)
{
	if (r->b == NULL)
		fprintf(out, "  %-*s %s%s\n", LABEL_WIDTH, label, ca, mark ? "  <<" : "");
	else if (mark)
		fprintf(out, "  %-*s %-*s %-*s <<\n", LABEL_WIDTH, label, CELL_WIDTH, ca,
		        CELL_WIDTH, cb);
	else
		fprintf(out, "  %-*s %-*s %s\n", LABEL_WIDTH, label, CELL_WIDTH, ca, cb);
}

/* Messages whose Call ID fields the NAT translates or must leave alone, in
 * call order, with the direction each usually goes (to the server or not). */
static const struct {
	uint8_t type;
	bool to_pac;
} msg_rows[] = {
    {PPTP_OCRQ, true},  {PPTP_OCRP, false}, {PPTP_ICRQ, false}, {PPTP_ICRP, true},
    {PPTP_ICCN, false}, {PPTP_SLI, true},   {PPTP_SLI, false},  {PPTP_WEN, false},
    {PPTP_WEN, true},   {PPTP_CCRQ, true},  {PPTP_CCRQ, false}, {PPTP_CDN, false},
    {PPTP_CDN, true},
};

static bool
usual_direction(uint8_t type, bool to_pac)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(msg_rows); i++)
		if (msg_rows[i].type == type)
			return msg_rows[i].to_pac == to_pac;
	return true;
}

static void
print_msg_rows(FILE *out, const struct report *r, const struct call *a, const struct call *b,
               const struct tunnel_verdict *tv)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(msg_rows); i++) {
		uint8_t type = msg_rows[i].type;
		bool to_pac = msg_rows[i].to_pac;
		const struct call_msg *mi = first_msg(a, type, to_pac), *mo = NULL;
		const struct pptp_type_info *ti = pptp_type_info(type);
		bool broken = type < 32 && (tv->broken_msgs & (1u << type)) != 0;
		char label[48], ca[96], cb[96];
		const struct call_msg *m;
		bool mark;

		if (ti == NULL)
			continue;
		if (mi != NULL) {
			mo = report_twin_msg(b, mi);
			/* Where the NAT broke this message, show an instance it broke. */
			if (broken && !msg_values_differ(mi, mo)) {
				uint32_t k,
				    nm = a->nmsgs < CALL_MAX_MSGS ? a->nmsgs : CALL_MAX_MSGS;

				for (k = 0; k < nm; k++) {
					const struct call_msg *x = &a->msgs[k];

					if (x->type == type && x->to_pac == to_pac &&
					    msg_values_differ(x, report_twin_msg(b, x))) {
						mi = x;
						mo = report_twin_msg(b, x);
						break;
					}
				}
			}
		} else {
			mo = first_msg(b, type, to_pac);
		}
		if (mi == NULL && mo == NULL)
			continue;
		m = mi != NULL ? mi : mo;
		if (!usual_direction(type, to_pac))
			snprintf(label, sizeof(label), "%s from %s", ti->abbrev,
			         to_pac ? "client" : "server");
		else
			snprintf(label, sizeof(label), "%s %s", ti->abbrev,
			         m->has_call_id && m->has_peer_call_id ? "Call ID / Peer"
			         : m->has_call_id                      ? "Call ID"
			                                               : "Peer's Call ID");
		msg_cell(ca, sizeof(ca), r->a, mi);
		msg_cell(cb, sizeof(cb), r->b, mo);
		/* Where the NAT broke a message of this type, its rows whose values
		 * changed are marked; when none changed, the value that crossed
		 * unchanged was the defect (a collision, a Call ID not rewritten). */
		mark = broken && (msg_values_differ(mi, mo) || !type_changed(a, b, type));
		print_row(out, r, label, ca, r->b != NULL ? cb : "", mark);
	}
}

static void
gre_cell(char *buf, size_t n, const struct report *r, const struct side *s,
         const struct tunnel_pair *p, const struct call *c, bool to_pac, bool inside)
{
	const struct gre_dir *gd;
	char v[96], host[ADDR_STRLEN];

	if (c == NULL) {
		snprintf(buf, n, "(not seen)");
		return;
	}
	gd = to_pac ? &c->to_pac : &c->to_pns;
	if (!to_pac && c->roles_known && s == r->b) {
		bool shared;
		uint64_t total =
		    tunnels_to_pns_shared(&s->tunnels, (uint32_t)(c - s->tunnels.calls), &shared);

		if (shared) {
			/* Whose packets they were, the triple cannot say. */
			snprintf(buf, n, "key %u x%llu shared", c->pns_call_id,
			         (unsigned long long)total);
			return;
		}
	}
	if (gd->packets == 0 && !to_pac && inside && p->to_pns.not_restored > 0) {
		/* What arrived instead: the key the NAT failed to restore. */
		snprintf(v, sizeof(v), "key %u x%llu", p->to_pns.not_restored_key,
		         (unsigned long long)p->to_pns.not_restored);
		cell_frames(buf, n, s, v, &p->to_pns.nr_inside, NULL);
		return;
	}
	if (gd->packets == 0 && !to_pac && inside && p->to_pns.misdelivered > 0 &&
	    p->to_pns.misdelivered_to < s->tunnels.ncalls) {
		const struct call *got = &s->tunnels.calls[p->to_pns.misdelivered_to];

		snprintf(v, sizeof(v), "key %u x%llu at %s",
		         got->kind == CALL_GRE_ONLY ? got->pac_call_id : got->pns_call_id,
		         (unsigned long long)p->to_pns.misdelivered,
		         addr_format(got->kind == CALL_GRE_ONLY ? &got->pac : &got->pns, host));
		cell_frames(buf, n, s, v, &p->to_pns.mis_inside, NULL);
		return;
	}
	if (gd->packets == 0) {
		snprintf(buf, n, "none");
		return;
	}
	snprintf(v, sizeof(v), "key %u x%llu", gd->key, (unsigned long long)gd->packets);
	cell_frames(buf, n, s, v, &gd->first, &gd->last);
}

static void
tunnel_title(char *buf, size_t n, const struct tunnel_pair *p, const struct tunnel_verdict *tv,
             const struct call *a, const struct call *b)
{
	const struct call *any = a != NULL ? a : b;
	char pns[ADDR_STRLEN], pac[ADDR_STRLEN], nat[ADDR_STRLEN];
	size_t used;

	used = (size_t)snprintf(buf, n, "Tunnel %u: %s  ", p->id, report_verdict_word(tv->value));
	if (used >= n)
		return;
	if (any->roles_known)
		used += (size_t)snprintf(buf + used, n - used, "client %s -> server %s",
		                         addr_format(&any->pns, pns), addr_format(&any->pac, pac));
	else
		used += (size_t)snprintf(buf + used, n - used,
		                         "GRE between %s and %s (no control connection seen)",
		                         addr_format(&any->pns, pns), addr_format(&any->pac, pac));
	if (a != NULL && b != NULL && !addr_eq(&a->pns, &b->pns) && used < n)
		used += (size_t)snprintf(buf + used, n - used, ", outside as %s",
		                         addr_format(&b->pns, nat));
	if (any->kind == CALL_INCOMING && used < n)
		snprintf(buf + used, n - used, " (incoming call)");
}

/* A tunnel of a large capture on one line: who, the Call ID across the
 * NAT, the GRE each way, and its finding codes. */
static void
print_tunnel_line(FILE *out, const struct report *r, const struct tunnel_pair *p,
                  const struct tunnel_verdict *tv)
{
	const struct call *a = report_pair_call(r, p, SIDE_A), *b = report_pair_call(r, p, SIDE_B);
	const struct call *any = a != NULL ? a : b;
	char line[1024], pns[ADDR_STRLEN], pac[ADDR_STRLEN], nat[ADDR_STRLEN];
	size_t used;
	unsigned c, first = 0;

	used = (size_t)snprintf(line, sizeof(line), "Tunnel %u: %s  %s -> %s", p->id,
	                        report_verdict_word(tv->value), addr_format(&any->pns, pns),
	                        addr_format(&any->pac, pac));
	if (a != NULL && b != NULL && !addr_eq(&a->pns, &b->pns) && used < sizeof(line))
		used += (size_t)snprintf(line + used, sizeof(line) - used, " as %s",
		                         addr_format(&b->pns, nat));
	if (a != NULL && b != NULL && a->has_pns_call_id && b->has_pns_call_id &&
	    used < sizeof(line))
		used += (size_t)snprintf(line + used, sizeof(line) - used, ", Call ID %u -> %u",
		                         a->pns_call_id, b->pns_call_id);
	if (used < sizeof(line))
		used += (size_t)snprintf(line + used, sizeof(line) - used, ", GRE %llu/%llu",
		                         (unsigned long long)any->to_pac.packets,
		                         (unsigned long long)any->to_pns.packets);
	for (c = 0; c < CODE_COUNT && used < sizeof(line); c++)
		if (tv->codes & VERDICT_IGNORE_BIT(c))
			used +=
			    (size_t)snprintf(line + used, sizeof(line) - used, "%s%s",
			                     first++ == 0 ? "; " : ", ", code_name((enum code)c));
	wrap(out, 0, 4, line);
}

static void
print_tunnel(FILE *out, const struct report *r, const struct tunnel_pair *p,
             const struct tunnel_verdict *tv)
{
	const struct call *a = report_pair_call(r, p, SIDE_A), *b = report_pair_call(r, p, SIDE_B);
	const struct call *any = a != NULL ? a : b;
	char line[512], ca[160], cb[160], glabel[ADDR_STRLEN + 16], pns[ADDR_STRLEN];
	int dir;
	unsigned c;

	fputc('\n', out);
	tunnel_title(line, sizeof(line), p, tv, a, b);
	wrap(out, 0, 4, line);
	if (r->b != NULL)
		fprintf(out, "  %-*s %-*s %s\n", LABEL_WIDTH, "", CELL_WIDTH, "inside", "outside");
	if (any->kind != CALL_GRE_ONLY)
		print_msg_rows(out, r, a, b, tv);
	for (dir = 0; dir < 2; dir++) {
		bool to_pac = dir == 0;
		const char *label = to_pac ? "GRE to server" : "GRE to client";

		if (!any->roles_known) {
			/* Roles unknown: name each direction by its sender. */
			snprintf(glabel, sizeof(glabel), "GRE from %s",
			         addr_format(to_pac ? &any->pns : &any->pac, pns));
			label = glabel;
		}
		gre_cell(ca, sizeof(ca), r, r->a, p, a, to_pac, r->b != NULL);
		if (r->b != NULL)
			gre_cell(cb, sizeof(cb), r, r->b, p, b, to_pac, false);
		print_row(out, r, label, ca, r->b != NULL ? cb : "",
		          (tv->marks & (to_pac ? MARK_TO_PAC : MARK_TO_PNS)) != 0);
	}
	if (any->kind != CALL_GRE_ONLY)
		fprintf(out, "  %-*s %s\n", LABEL_WIDTH, "state", call_state_name(any->state));
	if (tv->codes != 0) {
		size_t used = 0;

		line[0] = 0;
		for (c = 0; c < CODE_COUNT && used < sizeof(line); c++)
			if (tv->codes & VERDICT_IGNORE_BIT(c))
				used +=
				    (size_t)snprintf(line + used, sizeof(line) - used, "%s%s",
				                     used > 0 ? ", " : "", code_name((enum code)c));
		fprintf(out, "  %-*s ", LABEL_WIDTH, "findings");
		wrap(out, LABEL_WIDTH + 3, LABEL_WIDTH + 3, line);
	}
}

static void
print_tunnels(FILE *out, const struct report *r)
{
	const struct correlation *c = r->corr;
	bool condense = !r->verbose && c->npairs > CONDENSE_ABOVE;
	uint32_t i, condensed = 0, tables = 0;

	if (c->npairs == 0)
		return;
	fprintf(out, "\nTunnels:\n");
	for (i = 0; i < c->npairs; i++) {
		const struct tunnel_verdict *tv = &r->verdict->tunnels[i];

		if (condense && (tv->value == VERDICT_PASS || tables >= TABLES_SHOWN)) {
			if (condensed++ == 0)
				fputc('\n', out);
			print_tunnel_line(out, r, &c->pairs[i], tv);
		} else {
			print_tunnel(out, r, &c->pairs[i], tv);
			tables++;
		}
	}
	if (condensed > 0)
		fprintf(out,
		        "\n(%u %s on one line each: client -> server, Call ID inside -> outside, "
		        "GRE\npackets to the server/to the client; -v shows %s table)\n",
		        condensed, plural(condensed, "tunnel", "tunnels"),
		        plural(condensed, "its", "their"));
}

bool
report_text(FILE *out, const struct report *r)
{
	struct diagnosis d;

	diagnosis_derive(r, &d);
	print_header(out, r, &d);
	print_findings(out, r);
	print_tunnels(out, r);
	fprintf(out, "\nVerdict: %s (exit status %d)\n", report_verdict_word(r->verdict->value),
	        (int)verdict_exit_status(r->verdict->value));
	return !ferror(out);
}
