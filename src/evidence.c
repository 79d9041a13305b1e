/*
 * The evidence pcapng: which frames prove the findings, a second read of
 * the inputs to copy exactly those frames, and the file written in
 * corrected time order (pcapng_write.c).  A renderer: it judges nothing,
 * it follows the findings' tunnels and cited frames.
 *
 * Per finding, in this order, at most EVIDENCE_MAX_PER_FINDING frames:
 * the frames the finding cites, then for each of its tunnels on each side
 * the control connection's SCCRQ, the call's control messages, the first
 * and last GRE each way, the first bad checksum and LCP request, and the
 * frames where the pairing saw GRE misdelivered, unrestored or merged.
 * Findings are taken errors first, so when EVIDENCE_MAX_FRAMES cuts, it
 * cuts notes before errors.
 */
#include "evidence.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "pcapng_write.h"

_Static_assert(CODE_COUNT <= 64, "evidence_frame.codes has one bit per code");

#define COMMENT_LEN 512
#define DESCRIPTION_LEN 512

struct collector {
	const struct report *r;
	struct evidence_frame *v;
	size_t n, cap;
	size_t finding_start; /* where the current finding's frames begin in v */
	bool capped;          /* the current finding reached EVIDENCE_MAX_PER_FINDING */
	uint32_t findings_capped;
	uint32_t order;
	bool oom;
};

static const struct side *
side_of(const struct report *r, unsigned s)
{
	return s == SIDE_B ? r->b : r->a;
}

ts_ns_t
evidence_corrected_time(const struct report *r, unsigned side, ts_ns_t ts)
{
	ts_ns_t out;

	if (side != SIDE_A || r->b == NULL || r->corr == NULL || !r->corr->clock.known)
		return ts;
	if (__builtin_sub_overflow(ts, r->corr->clock.offset, &out))
		return r->corr->clock.offset > 0 ? INT64_MIN : INT64_MAX;
	return out;
}

/* One frame for the current finding (code, tunnel); duplicates within the
 * finding merge here, across findings in evidence_select. */
static void
add(struct collector *c, unsigned side, const struct frame_ref *where, enum code code,
    uint32_t tunnel, const char *what)
{
	const struct side *s = side_of(c->r, side);
	struct evidence_frame *f;
	size_t i;

	if (c->oom || where == NULL || !frame_ref_seen(where) || s == NULL ||
	    where->file >= s->ninputs)
		return;
	for (i = c->finding_start; i < c->n; i++) {
		f = &c->v[i];
		if (f->side == side && f->file == where->file && f->frame == where->frame) {
			if (f->what == NULL)
				f->what = what;
			return;
		}
	}
	if (c->n - c->finding_start >= EVIDENCE_MAX_PER_FINDING) {
		c->capped = true;
		return;
	}
	if (c->n == c->cap) {
		size_t ncap = c->cap == 0 ? 256 : c->cap * 2;
		struct evidence_frame *nv = realloc(c->v, ncap * sizeof(*nv));

		if (nv == NULL) {
			c->oom = true;
			return;
		}
		c->v = nv;
		c->cap = ncap;
	}
	f = &c->v[c->n++];
	memset(f, 0, sizeof(*f));
	f->side = side;
	f->file = where->file;
	f->frame = where->frame;
	f->ts = where->ts;
	f->codes = UINT64_C(1) << code;
	if (tunnel != 0)
		f->tunnels[f->ntunnels++] = tunnel;
	f->what = what;
	f->order = c->order++;
}

static const char *
msg_name(uint8_t type)
{
	const struct pptp_type_info *ti = pptp_type_info(type);

	return ti != NULL ? ti->abbrev : "control message";
}

/*
 * A tunnel's frames on one side, in two phases so that a finding over many
 * tunnels keeps every tunnel's essentials before anyone's details: phase 0
 * the messages that set up the call and the first GRE each way (what the
 * diagram shows), phase 1 the rest (SCCRQ, later messages, last GRE,
 * checksums, LCP).
 */
static void
add_call(struct collector *c, unsigned side, uint32_t ci, enum code code, uint32_t tunnel,
         int phase)
{
	const struct side *s = side_of(c->r, side);
	const struct call *call;
	uint32_t k, nm;
	bool setup;

	if (s == NULL || ci == NO_INDEX || ci >= s->tunnels.ncalls)
		return;
	call = &s->tunnels.calls[ci];
	nm = call->nmsgs < CALL_MAX_MSGS ? call->nmsgs : CALL_MAX_MSGS;
	if (phase == 0) {
		for (k = 0; k < nm; k++) {
			uint8_t t = call->msgs[k].type;

			setup = t == PPTP_OCRQ || t == PPTP_OCRP || t == PPTP_ICRQ ||
			        t == PPTP_ICRP || t == PPTP_ICCN;
			if (setup)
				add(c, side, &call->msgs[k].where, code, tunnel, msg_name(t));
		}
		add(c, side, &call->to_pac.first, code, tunnel, "first GRE to the server");
		add(c, side, &call->to_pns.first, code, tunnel, "first GRE to the client");
		return;
	}
	if (call->conn != NO_INDEX && call->conn < s->tunnels.nconns)
		add(c, side, &s->tunnels.conns[call->conn].sccrq_at, code, tunnel, "SCCRQ");
	for (k = 0; k < nm; k++)
		add(c, side, &call->msgs[k].where, code, tunnel, msg_name(call->msgs[k].type));
	add(c, side, &call->to_pac.last, code, tunnel, "last GRE to the server");
	add(c, side, &call->to_pns.last, code, tunnel, "last GRE to the client");
	for (k = 0; k < 2; k++) {
		const struct gre_dir *g = k == 0 ? &call->to_pac : &call->to_pns;

		add(c, side, &g->first_checksum_bad, code, tunnel,
		    "first GRE with a bad IP checksum");
		add(c, side, &g->last_checksum_good, code, tunnel,
		    "last GRE with a good IP checksum");
		add(c, side, &g->first_lcp_req, code, tunnel, "first LCP Configure-Request");
	}
}

static void
add_fate(struct collector *c, const struct gre_fate *g, enum code code, uint32_t tunnel)
{
	add(c, SIDE_B, &g->mis_outside, code, tunnel, "GRE later delivered to another client");
	add(c, SIDE_A, &g->mis_inside, code, tunnel, "GRE delivered to another client");
	add(c, SIDE_B, &g->nr_outside, code, tunnel, "GRE whose Call ID was not restored");
	add(c, SIDE_A, &g->nr_inside, code, tunnel, "GRE delivered with an unrestored Call ID");
}

static void
collect_finding(struct collector *c, const struct finding *f)
{
	unsigned k, s;
	int phase;

	c->finding_start = c->n;
	c->capped = false;
	for (k = 0; k < f->nevidence && k < FINDING_MAX_EVIDENCE; k++)
		add(c, f->evidence[k].side == SIDE_OUTSIDE ? SIDE_B : SIDE_A, &f->evidence[k].where,
		    f->code, f->ntunnels == 1 ? f->tunnels[0] : 0, NULL);
	for (phase = 0; phase < 2; phase++)
		for (k = 0; k < f->ntunnels && k < FINDING_MAX_TUNNELS; k++) {
			const struct tunnel_pair *p = report_pair_by_id(c->r, f->tunnels[k]);

			if (p == NULL)
				continue;
			for (s = SIDE_A; s <= SIDE_B; s++)
				add_call(c, s, p->call[s], f->code, p->id, phase);
			if (phase == 1)
				continue;
			add_fate(c, &p->to_pns, f->code, p->id);
			add_fate(c, &p->to_pac, f->code, p->id);
			add(c, SIDE_A, &p->merged.first, f->code, p->id,
			    "GRE of several tunnels (first)");
			add(c, SIDE_A, &p->merged.second, f->code, p->id,
			    "GRE of several tunnels (same sequence number)");
		}
	c->findings_capped += c->capped;
}

static int
cmp_place(const void *x, const void *y)
{
	const struct evidence_frame *a = x, *b = y;

	if (a->side != b->side)
		return a->side < b->side ? -1 : 1;
	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	if (a->frame != b->frame)
		return a->frame < b->frame ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

static int
cmp_order(const void *x, const void *y)
{
	const struct evidence_frame *a = x, *b = y;

	return a->order < b->order ? -1 : a->order > b->order;
}

static void
merge_tunnels(struct evidence_frame *into, const struct evidence_frame *from)
{
	unsigned i, k;

	into->more_tunnels |= from->more_tunnels;
	for (i = 0; i < from->ntunnels; i++) {
		for (k = 0; k < into->ntunnels; k++)
			if (into->tunnels[k] == from->tunnels[i])
				break;
		if (k < into->ntunnels)
			continue;
		if (into->ntunnels < EVIDENCE_FRAME_TUNNELS)
			into->tunnels[into->ntunnels++] = from->tunnels[i];
		else
			into->more_tunnels = true;
	}
}

bool
evidence_select(const struct report *r, struct evidence_selection *sel)
{
	struct collector c;
	size_t i, out;
	int sev;

	memset(sel, 0, sizeof(*sel));
	memset(&c, 0, sizeof(c));
	c.r = r;
	/* Errors first: when EVIDENCE_MAX_FRAMES cuts, it cuts the least important. */
	for (sev = SEV_ERROR; sev >= SEV_NOTE; sev--)
		for (i = 0; i < r->verdict->nfindings; i++)
			if ((int)r->verdict->findings[i].severity == sev)
				collect_finding(&c, &r->verdict->findings[i]);
	if (c.oom) {
		free(c.v);
		return false;
	}
	/* One entry per frame: codes and tunnels merged, the earliest order kept. */
	if (c.n > 0)
		qsort(c.v, c.n, sizeof(*c.v), cmp_place);
	for (i = 0, out = 0; i < c.n; i++) {
		struct evidence_frame *prev = out > 0 ? &c.v[out - 1] : NULL;

		if (prev != NULL && prev->side == c.v[i].side && prev->file == c.v[i].file &&
		    prev->frame == c.v[i].frame) {
			prev->codes |= c.v[i].codes;
			merge_tunnels(prev, &c.v[i]);
			if (prev->what == NULL)
				prev->what = c.v[i].what;
			continue;
		}
		c.v[out++] = c.v[i];
	}
	if (out > EVIDENCE_MAX_FRAMES) {
		qsort(c.v, out, sizeof(*c.v), cmp_order);
		sel->dropped_total = out - EVIDENCE_MAX_FRAMES;
		out = EVIDENCE_MAX_FRAMES;
		qsort(c.v, out, sizeof(*c.v), cmp_place);
	}
	sel->frames = c.v;
	sel->n = (uint32_t)out;
	sel->findings_capped = c.findings_capped;
	return true;
}

void
evidence_selection_free(struct evidence_selection *sel)
{
	free(sel->frames);
	memset(sel, 0, sizeof(*sel));
}

/* A selected frame once read back. */
struct copied {
	const struct evidence_frame *sel;
	ts_ns_t ts; /* corrected */
	uint8_t *data;
	uint32_t caplen, wirelen;
	int linktype;
};

static int
cmp_time(const void *x, const void *y)
{
	const struct copied *a = x, *b = y;

	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	return cmp_place(a->sel, b->sel);
}

static bool errorf(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool
errorf(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errbuf != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(errbuf, errlen, fmt, ap);
		va_end(ap);
	}
	return false;
}

struct copy_state {
	struct copied *v;
	size_t n;
	uint64_t bytes;
	uint64_t absent;    /* past the end of the file as read again (a truncated file's
	                       missing record is cited as the frame after its last) */
	uint64_t changed;   /* found with another time stamp: the file changed */
	uint64_t over_size; /* left out by EVIDENCE_MAX_BYTES */
};

/* Read one input file again and copy the selected frames [lo, hi) of it. */
static bool
copy_file(const struct report *r, const struct evidence_selection *sel, size_t lo, size_t hi,
          struct copy_state *st, char *errbuf, size_t errlen)
{
	const struct side *s = side_of(r, sel->frames[lo].side);
	const char *path = s->inputs[sel->frames[lo].file].path;
	char cerr[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *cap;
	struct capture_frame fr;
	size_t next = lo;

	if (path == NULL || strcmp(path, "-") == 0)
		return errorf(errbuf, errlen,
		              "cannot read standard input a second time: give the capture as a "
		              "file to write evidence");
	cap = capture_open(path, cerr);
	if (cap == NULL)
		return errorf(errbuf, errlen, "%s: %s", path, cerr);
	/* Frames come numbered 1, 2, 3...; the selection is sorted by number. A read
	 * error or truncation ends the file here as it did for the analysis. */
	while (next < hi && capture_next(cap, &fr, cerr) == CAPTURE_FRAME) {
		const struct evidence_frame *e = &sel->frames[next];
		struct copied *c;

		if (fr.number < e->frame)
			continue;
		while (next < hi && sel->frames[next].frame < fr.number) {
			st->changed++; /* cannot happen with frames numbered 1, 2, 3... */
			next++;
		}
		if (next == hi || sel->frames[next].frame != fr.number)
			continue;
		e = &sel->frames[next++];
		if (fr.ts != e->ts) {
			st->changed++; /* not the frame the analysis saw */
			continue;
		}
		if (st->bytes + fr.caplen > EVIDENCE_MAX_BYTES ||
		    fr.caplen > PCAPNG_WRITE_MAX_CAPLEN) {
			st->over_size++;
			continue;
		}
		c = &st->v[st->n];
		c->data = malloc(fr.caplen > 0 ? fr.caplen : 1);
		if (c->data == NULL) {
			capture_close(cap);
			return errorf(errbuf, errlen, "out of memory");
		}
		memcpy(c->data, fr.data, fr.caplen);
		c->sel = e;
		c->ts = evidence_corrected_time(r, e->side, fr.ts);
		c->caplen = fr.caplen;
		c->wirelen = fr.wirelen < fr.caplen ? fr.caplen : fr.wirelen;
		c->linktype = fr.linktype;
		st->bytes += fr.caplen;
		st->n++;
	}
	st->absent += hi - next;
	capture_close(cap);
	return true;
}

/* "call_id_collision, gre_return_blocked; tunnels 1, 2; OCRQ; inside FILE frame 21" */
static void
frame_comment(char *buf, size_t n, const struct report *r, const struct copied *c)
{
	const struct evidence_frame *e = c->sel;
	const struct side *s = side_of(r, e->side);
	size_t len = 0;
	unsigned k;
	int code;
	bool first = true;

#define APPEND(...)                                                                                \
	do {                                                                                       \
		if (len < n) {                                                                     \
			int w_ = snprintf(buf + len, n - len, __VA_ARGS__);                        \
			len += w_ > 0 ? (size_t)w_ : 0;                                            \
		}                                                                                  \
	} while (0)
	buf[0] = 0;
	for (code = 0; code < CODE_COUNT; code++)
		if (e->codes & (UINT64_C(1) << code)) {
			APPEND("%s%s", first ? "" : ", ", code_name((enum code)code));
			first = false;
		}
	if (e->ntunnels > 0) {
		APPEND("; tunnel%s", e->ntunnels > 1 || e->more_tunnels ? "s" : "");
		for (k = 0; k < e->ntunnels; k++)
			APPEND("%s %u", k > 0 ? "," : "", e->tunnels[k]);
		if (e->more_tunnels)
			APPEND(", ...");
	}
	if (e->what != NULL)
		APPEND("; %s", e->what);
	APPEND("; %s %s frame %" PRIu64, side_role_name(s->role), s->inputs[e->file].path,
	       e->frame);
#undef APPEND
}

/* "inside capture: a.pcap", "inside capture, 3 files: a.pcap, b.pcap, c.pcap", or in single
 * mode "capture: a.pcap" */
static void
side_description(char *buf, size_t n, const struct side *s)
{
	size_t len;
	unsigned i;

	const char *role = s->role == SIDE_INSIDE    ? "inside capture"
	                   : s->role == SIDE_OUTSIDE ? "outside capture"
	                                             : "capture";

	if (s->ninputs == 1) {
		/* A capture holding both legs (legs.c): say which interface this side is. */
		snprintf(buf, n, "%s: %s%s%s", role, s->inputs[0].path,
		         s->leg[0] != 0 ? " on " : "", s->leg);
		return;
	}
	snprintf(buf, n, "%s, %u files:", role, s->ninputs);
	for (i = 0; i < s->ninputs; i++) {
		len = strlen(buf);
		if (len + 1 >= n)
			break;
		snprintf(buf + len, n - len, "%s %s", i > 0 ? "," : "", s->inputs[i].path);
	}
}

struct iface {
	unsigned side;
	int linktype;
	uint32_t id;
};

/* One interface per side and link type: the side's first link type always
 * (an empty side still shows), the others as frames use them. */
static bool
declare(struct pcapng_writer *w, const struct report *r, struct iface *ifs, size_t *nifs,
        unsigned side, int linktype, char *errbuf, size_t errlen)
{
	const struct side *s = side_of(r, side);
	char desc[DESCRIPTION_LEN];
	size_t i;

	for (i = 0; i < *nifs; i++)
		if (ifs[i].side == side && ifs[i].linktype == linktype)
			return true;
	if (*nifs >= PCAPNG_WRITE_MAX_INTERFACES)
		return errorf(errbuf, errlen, "too many link types");
	side_description(desc, sizeof(desc), s);
	ifs[*nifs].side = side;
	ifs[*nifs].linktype = linktype;
	if (!pcapng_writer_interface(w, linktype, 0, side_role_name(s->role), desc, &ifs[*nifs].id,
	                             errbuf, errlen))
		return false;
	(*nifs)++;
	return true;
}

static int
first_linktype(const struct side *s)
{
	unsigned i;

	for (i = 0; i < s->ninputs; i++)
		if (s->inputs[i].nlinktypes > 0)
			return s->inputs[i].linktypes[0];
	return 1; /* DLT_EN10MB: a side that read no frame still gets its interface */
}

static void
section_comment(char *buf, size_t n, const struct report *r, const struct evidence_selection *sel,
                const struct copy_state *st)
{
	size_t len;

	snprintf(buf, n, "pptp-natcheck evidence: %zu frame%s for %u finding%s (verdict %s)", st->n,
	         st->n == 1 ? "" : "s", r->verdict->nfindings,
	         r->verdict->nfindings == 1 ? "" : "s", verdict_name(r->verdict->value));
	len = strlen(buf);
	if (r->b != NULL && r->corr->clock.known)
		snprintf(buf + len, n - len,
		         "; inside times moved by %+.6f s onto the outside clock (%s clock offset)",
		         -(double)r->corr->clock.offset / 1e9,
		         r->corr->clock.from_option ? "given" : "estimated");
	else if (r->b != NULL)
		snprintf(buf + len, n - len, "; clock offset unknown: inside times as captured");
	len = strlen(buf);
	if (sel->findings_capped > 0)
		snprintf(buf + len, n - len, "; the frames of %" PRIu32 " finding%s cut at %d",
		         sel->findings_capped, sel->findings_capped == 1 ? "" : "s",
		         EVIDENCE_MAX_PER_FINDING);
	len = strlen(buf);
	if (sel->dropped_total + st->over_size > 0)
		snprintf(buf + len, n - len, "; %" PRIu64 " frame%s left out by the size limits",
		         sel->dropped_total + st->over_size,
		         sel->dropped_total + st->over_size == 1 ? "" : "s");
	len = strlen(buf);
	if (st->changed > 0)
		snprintf(buf + len, n - len,
		         "; %" PRIu64 " frame%s left out: no longer what the analysis saw there "
		         "(the file changed)",
		         st->changed, st->changed == 1 ? "" : "s");
	len = strlen(buf);
	if (st->absent > 0)
		snprintf(buf + len, n - len,
		         "; %" PRIu64 " cited frame%s not in the files (past the end of a "
		         "truncated, damaged or changed file)",
		         st->absent, st->absent == 1 ? "" : "s");
}

bool
evidence_write(FILE *out, const struct report *r, char *errbuf, size_t errlen)
{
	struct evidence_selection sel;
	struct copy_state st;
	struct pcapng_writer w;
	struct iface ifs[PCAPNG_WRITE_MAX_INTERFACES];
	size_t nifs = 0, i, lo;
	char comment[COMMENT_LEN];
	unsigned s;
	bool ok = false;

	memset(&st, 0, sizeof(st));
	memset(&w, 0, sizeof(w));
	if (!evidence_select(r, &sel))
		return errorf(errbuf, errlen, "out of memory");
	/* Refuse standard input before reading anything. */
	for (s = SIDE_A; s <= SIDE_B; s++) {
		const struct side *sd = side_of(r, s);

		for (i = 0; sd != NULL && i < sd->ninputs; i++)
			if (sd->inputs[i].path == NULL || strcmp(sd->inputs[i].path, "-") == 0) {
				errorf(errbuf, errlen,
				       "the evidence is copied from the capture files in a "
				       "second read, and standard input cannot be read twice");
				goto out;
			}
	}
	st.v = calloc(sel.n > 0 ? sel.n : 1, sizeof(*st.v));
	if (st.v == NULL) {
		errorf(errbuf, errlen, "out of memory");
		goto out;
	}
	for (lo = 0; lo < sel.n; lo = i) {
		for (i = lo; i < sel.n && sel.frames[i].side == sel.frames[lo].side &&
		             sel.frames[i].file == sel.frames[lo].file;
		     i++)
			;
		if (!copy_file(r, &sel, lo, i, &st, errbuf, errlen))
			goto out;
	}
	if (st.n > 0)
		qsort(st.v, st.n, sizeof(*st.v), cmp_time);
	section_comment(comment, sizeof(comment), r, &sel, &st);
	if (!pcapng_writer_open(&w, out, "pptp-natcheck " PPTP_NATCHECK_VERSION, comment, errbuf,
	                        errlen))
		goto out;
	for (s = SIDE_A; s <= SIDE_B; s++)
		if (side_of(r, s) != NULL &&
		    !declare(&w, r, ifs, &nifs, s, first_linktype(side_of(r, s)), errbuf, errlen))
			goto out;
	for (i = 0; i < st.n; i++) {
		const struct copied *c = &st.v[i];
		size_t k;

		if (!declare(&w, r, ifs, &nifs, c->sel->side, c->linktype, errbuf, errlen))
			goto out;
		for (k = 0; k < nifs; k++)
			if (ifs[k].side == c->sel->side && ifs[k].linktype == c->linktype)
				break;
		frame_comment(comment, sizeof(comment), r, c);
		if (!pcapng_writer_packet(&w, ifs[k].id, c->ts, c->data, c->caplen, c->wirelen,
		                          comment, errbuf, errlen))
			goto out;
	}
	ok = fflush(out) == 0 && !ferror(out);
	if (!ok)
		errorf(errbuf, errlen, "write error: %s", strerror(errno));
out:
	pcapng_writer_close(&w);
	for (i = 0; i < st.n; i++)
		free(st.v[i].data);
	free(st.v);
	evidence_selection_free(&sel);
	return ok;
}
