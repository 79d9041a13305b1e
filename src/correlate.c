/*
 * Pairing the two sides of a NAT (see CORRELATION notes in the README):
 * match on what survives a NAT, then read off what changed.
 *
 * 1. Clock offset: fingerprints (control messages with Call IDs masked,
 *    GRE packets without their key) that occur exactly once on each side
 *    give one inside-minus-outside time difference each; the median is the
 *    offset, the 10th-90th percentile half-range its spread.
 * 2. Calls: an inside call and an outside call with the same request
 *    fingerprint (OCRQ/ICRQ bytes with Call IDs masked, serial number
 *    included) whose start times agree within CORRELATE_WINDOW_NS are
 *    twins when neither has another candidate.  Identical requests of
 *    several clients (the same software sends the same OCRQ) are paired by
 *    their GRE, and only then, if GRE cannot, closest in time.  Calls left over (GRE-only, or whose
 * request was not captured) are paired by the GRE packets they share; calls set up before the
 * capture began and still unpaired, by their first later message (CCRQ, CDN) and its time, closest
 * first.
 * 3. GRE fate: each sampled outside packet found inside tells where the NAT
 *    delivered it; a twin in another tunnel is misdelivery, at the right
 *    host under another Call ID is a Call ID not restored.
 * 0. Before all: lone GRE-only directions of one side that the other side
 *    shows to be one call are joined there (greflow_pair_across): the only
 *    change correlate makes to a side.
 * Memory: the samples already bounded per side, plus arrays per call.
 */
#include "correlate.h"

#include <stdlib.h>
#include <string.h>

#include "map.h"

struct fp_entry {
	uint64_t fp;
	ts_ns_t ts;
	uint32_t call;   /* or NO_INDEX for connection-level messages */
	uint32_t sample; /* index into samples, or NO_INDEX */
};

static int
cmp_fp_entry(const void *x, const void *y)
{
	const struct fp_entry *a = x, *b = y;

	if (a->fp != b->fp)
		return a->fp < b->fp ? -1 : 1;
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	return 0;
}

static bool
pairable(const struct call *c)
{
	return c->state != CALL_REFUSED && !c->merged;
}

/* Control-message fingerprints of one side (calls and connection openers). */
static struct fp_entry *
control_entries(const struct side *s, size_t *n)
{
	const struct tunnels *t = &s->tunnels;
	size_t cap = (size_t)t->ncalls * CALL_MAX_MSGS + t->nconns + 1, k = 0;
	struct fp_entry *e = malloc(cap * sizeof(*e));
	uint32_t i, j;

	if (e == NULL)
		return NULL;
	for (i = 0; i < t->ncalls; i++) {
		const struct call *c = &t->calls[i];
		uint32_t nm = c->nmsgs < CALL_MAX_MSGS ? c->nmsgs : CALL_MAX_MSGS;

		for (j = 0; j < nm; j++)
			e[k++] = (struct fp_entry){c->msgs[j].fingerprint, c->msgs[j].where.ts, i,
			                           NO_INDEX};
	}
	for (i = 0; i < t->nconns; i++)
		if (frame_ref_seen(&t->conns[i].sccrq_at))
			e[k++] = (struct fp_entry){t->conns[i].sccrq_fp, t->conns[i].sccrq_at.ts,
			                           NO_INDEX, NO_INDEX};
	qsort(e, k, sizeof(*e), cmp_fp_entry);
	*n = k;
	return e;
}

/* GRE samples of one side kept at the common sampling limit. */
static struct fp_entry *
sample_entries(const struct side *s, uint64_t limit, size_t *n)
{
	const struct tunnels *t = &s->tunnels;
	struct fp_entry *e = malloc(((size_t)t->gre.nsamples + 1) * sizeof(*e));
	uint32_t i;
	size_t k = 0;

	if (e == NULL)
		return NULL;
	for (i = 0; i < t->gre.nsamples; i++)
		if (greflow_sample_kept(t->gre.samples[i].fp, limit))
			e[k++] = (struct fp_entry){t->gre.samples[i].fp, t->gre.samples[i].where.ts,
			                           t->gre.samples[i].call, i};
	qsort(e, k, sizeof(*e), cmp_fp_entry);
	*n = k;
	return e;
}

typedef void (*match_fn)(void *ctx, const struct fp_entry *a, const struct fp_entry *b,
                         bool unique);

/* Walk equal fingerprints of two sorted arrays; pair equal runs in time order. */
static void
merge_equal(const struct fp_entry *a, size_t na, const struct fp_entry *b, size_t nb, match_fn fn,
            void *ctx)
{
	size_t i = 0, j = 0;

	while (i < na && j < nb) {
		size_t ie, je, k;

		if (a[i].fp < b[j].fp) {
			i++;
			continue;
		}
		if (a[i].fp > b[j].fp) {
			j++;
			continue;
		}
		for (ie = i; ie < na && a[ie].fp == a[i].fp; ie++)
			;
		for (je = j; je < nb && b[je].fp == b[j].fp; je++)
			;
		for (k = 0; i + k < ie && j + k < je; k++)
			fn(ctx, &a[i + k], &b[j + k], ie - i == 1 && je - j == 1);
		i = ie;
		j = je;
	}
}

struct offset_ctx {
	ts_ns_t *deltas;
	uint32_t n;
};

static void
collect_delta(void *ctx, const struct fp_entry *a, const struct fp_entry *b, bool unique)
{
	struct offset_ctx *oc = ctx;

	if (unique && oc->n < CORRELATE_MAX_OFFSET_SAMPLES)
		oc->deltas[oc->n++] = a->ts - b->ts;
}

static void
estimate_offset(struct offset_ctx *oc, struct clock_offset *clock)
{
	if (oc->n == 0)
		return;
	ts_sort(oc->deltas, oc->n);
	clock->known = true;
	clock->samples = oc->n;
	clock->offset = oc->deltas[oc->n / 2];
	clock->spread = (oc->deltas[(oc->n * 9) / 10] - oc->deltas[oc->n / 10]) / 2;
}

struct edge {
	uint64_t score; /* lower is better */
	uint32_t a, b;
};

static int
cmp_edge(const void *x, const void *y)
{
	const struct edge *p = x, *q = y;

	if (p->score != q->score)
		return p->score < q->score ? -1 : 1;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return p->b < q->b ? -1 : p->b > q->b;
}

static uint64_t
abs_diff(ts_ns_t x, ts_ns_t y)
{
	return x > y ? (uint64_t)(x - y) : (uint64_t)(y - x);
}

/* Greedy assignment over edges sorted by score: best twins first. */
static void
assign(struct edge *e, size_t n, uint32_t *twin_a, uint32_t *twin_b, bool *by_gre, bool gre)
{
	size_t i;

	if (n == 0)
		return; /* e may be NULL then, and qsort must not see NULL */
	qsort(e, n, sizeof(*e), cmp_edge);
	for (i = 0; i < n; i++) {
		if (twin_a[e[i].a] != NO_INDEX || twin_b[e[i].b] != NO_INDEX)
			continue;
		twin_a[e[i].a] = e[i].b;
		twin_b[e[i].b] = e[i].a;
		if (gre)
			by_gre[e[i].a] = true;
	}
}

/*
 * What pairs a call by control messages: its request (OCRQ or ICRQ), or
 * for a call set up before the capture began, its first later message
 * (CCRQ, CDN...), with Call IDs masked; 0 when it has none or is paired.
 * First pass (rest false): requests only.  Last pass (rest true): every
 * call still unpaired, late ones included.
 */
static uint64_t
control_key(const struct call *c, bool rest, const uint32_t *twin, uint32_t ci, ts_ns_t *ts)
{
	if (twin[ci] != NO_INDEX)
		return 0;
	if (c->request_fp != 0) {
		*ts = c->start.ts;
		return c->request_fp;
	}
	if (!rest || c->kind != CALL_LATE || c->nmsgs == 0)
		return 0;
	*ts = c->msgs[0].where.ts;
	return c->msgs[0].fingerprint;
}

/* Saturating count of candidates, for telling sure pairs from guesses. */
static void
count_up(uint8_t *n)
{
	if (*n < UINT8_MAX)
		(*n)++;
}

/*
 * Twins by control messages within CORRELATE_WINDOW_NS, closest first.
 * The first pass (rest false) takes only sure pairs: a request with one
 * candidate over there that has no other candidate here.  Identical
 * requests (clients of one make send the same OCRQ) are left to their GRE,
 * which tells them apart, and to the last pass (rest true) when it cannot.
 */
static bool
pair_by_control(const struct side *a, const struct side *b, const struct clock_offset *clock,
                uint32_t *twin_a, uint32_t *twin_b, bool rest)
{
	const struct tunnels *ta = &a->tunnels, *tb = &b->tunnels;
	struct fp_entry *req_b = malloc(((size_t)tb->ncalls + 1) * sizeof(*req_b));
	uint8_t *cand_a = calloc((size_t)ta->ncalls + 1, 1),
	        *cand_b = calloc((size_t)tb->ncalls + 1, 1);
	struct edge *edges = NULL;
	size_t nreq = 0, nedges = 0, cap = 0, k, o;
	uint32_t i;
	bool ok = req_b != NULL && cand_a != NULL && cand_b != NULL;

	for (i = 0; ok && i < tb->ncalls; i++) {
		ts_ns_t ts = 0;
		uint64_t key = control_key(&tb->calls[i], rest, twin_b, i, &ts);

		if (key != 0 && pairable(&tb->calls[i]))
			req_b[nreq++] = (struct fp_entry){key, ts, i, NO_INDEX};
	}
	if (ok)
		qsort(req_b, nreq, sizeof(*req_b), cmp_fp_entry);
	for (i = 0; ok && i < ta->ncalls; i++) {
		const struct call *c = &ta->calls[i];
		size_t lo = 0, hi = nreq;
		ts_ns_t c_ts = 0;
		uint64_t c_key = control_key(c, rest, twin_a, i, &c_ts);

		if (c_key == 0 || !pairable(c))
			continue;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (req_b[mid].fp < c_key)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < nreq && req_b[lo].fp == c_key; lo++) {
			uint64_t dt = abs_diff(c_ts - clock->offset, req_b[lo].ts);

			if (clock->known && dt > (uint64_t)CORRELATE_WINDOW_NS)
				continue;
			if (nedges == cap) {
				size_t ncap = cap != 0 ? cap * 2 : 64;
				struct edge *p = realloc(edges, ncap * sizeof(*p));

				if (p == NULL) {
					ok = false;
					break;
				}
				edges = p;
				cap = ncap;
			}
			edges[nedges++] = (struct edge){dt, i, req_b[lo].call};
			count_up(&cand_a[i]);
			count_up(&cand_b[req_b[lo].call]);
		}
	}
	for (k = o = 0; ok && !rest && k < nedges; k++)
		if (cand_a[edges[k].a] == 1 && cand_b[edges[k].b] == 1)
			edges[o++] = edges[k];
	if (ok && !rest)
		nedges = o;
	if (ok)
		assign(edges, nedges, twin_a, twin_b, NULL, false);
	free(edges);
	free(req_b);
	free(cand_a);
	free(cand_b);
	return ok;
}

struct gre_vote_ctx {
	const struct side *a, *b;
	const bool *ambiguous; /* per outside call: return triple shared */
	struct map votes;      /* (call a << 32 | call b) -> count */
	bool failed;
};

static void
vote(void *ctx, const struct fp_entry *x, const struct fp_entry *y, bool unique)
{
	struct gre_vote_ctx *vc = ctx;
	uint64_t key = (uint64_t)x->call << 32 | y->call;
	uint32_t n = 0;

	if (!unique)
		return; /* identical packets of several tunnels prove nothing */
	/* GRE back on a shared triple may be any of its tunnels': no vote. */
	if (vc->ambiguous[y->call] && vc->b->tunnels.gre.samples[y->sample].dir == GRE_TO_PNS)
		return;
	map_get(&vc->votes, key, &n);
	if (!map_put(&vc->votes, key, n + 1))
		vc->failed = true;
}

static bool
pair_by_gre(const struct fp_entry *sa, size_t na, const struct fp_entry *sb, size_t nb,
            struct gre_vote_ctx *vc, uint32_t *twin_a, uint32_t *twin_b, bool *by_gre)
{
	struct edge *edges;
	size_t i, n = 0;

	map_init(&vc->votes, SIZE_MAX);
	merge_equal(sa, na, sb, nb, vote, vc);
	edges = malloc((vc->votes.count + 1) * sizeof(*edges));
	if (edges == NULL) {
		map_free(&vc->votes);
		return false;
	}
	for (i = 0; i < vc->votes.cap; i++) {
		const struct map_slot *s = &vc->votes.slots[i];
		uint32_t ca = (uint32_t)(s->key >> 32), cb = (uint32_t)s->key;

		if (!s->used || twin_a[ca] != NO_INDEX || twin_b[cb] != NO_INDEX)
			continue;
		/* Calls paired by control stay as they are; prefer more shared packets. */
		edges[n++] = (struct edge){UINT64_MAX - s->value, ca, cb};
	}
	assign(edges, n, twin_a, twin_b, by_gre, true);
	free(edges);
	map_free(&vc->votes);
	return !vc->failed;
}

/*
 * Outside calls whose return triple was shared by colliding calls: marked
 * once here, looked up per matched sample.
 */
static bool *
ambiguous_calls(const struct side *b)
{
	const struct tunnels *t = &b->tunnels;
	bool *amb = calloc((size_t)t->ncalls + 1, sizeof(*amb));
	uint32_t i;

	for (i = 0; amb != NULL && i < t->ncollisions; i++) {
		const struct collision *col = &t->collisions[i];

		if (col->dir != GRE_TO_PNS)
			continue;
		if (col->holder < t->ncalls)
			amb[col->holder] = true;
		if (col->newcomer < t->ncalls)
			amb[col->newcomer] = true;
	}
	return amb;
}

struct fate_ctx {
	const struct side *a, *b;
	struct correlation *c;
	const bool *ambiguous; /* per outside call: return triple shared */
};

static void
record_fate(void *ctx, const struct fp_entry *x, const struct fp_entry *y, bool unique)
{
	struct fate_ctx *fc = ctx;
	const struct gre_sample *sa = &fc->a->tunnels.gre.samples[x->sample];
	const struct gre_sample *sb = &fc->b->tunnels.gre.samples[y->sample];
	uint32_t pi = fc->c->pair_of[SIDE_B][sb->call];
	struct tunnel_pair *p;
	struct gre_fate *fate;
	const struct call *got, *want;
	const struct addr *got_host;
	uint16_t got_key;

	if (!unique)
		return; /* identical packets of several tunnels: whose is whose is unknown */
	fc->c->samples_matched++;
	if (pi == NO_INDEX)
		return;
	p = &fc->c->pairs[pi];
	fate = sb->dir == GRE_TO_PNS ? &p->to_pns : &p->to_pac;
	if (p->call[SIDE_A] == sa->call) {
		fate->matched++;
		return;
	}
	if (sb->dir != GRE_TO_PNS || p->call[SIDE_A] == NO_INDEX)
		return;
	got = &fc->a->tunnels.calls[sa->call];
	/* Inside GRE-only "tunnels" made of a known tunnel's packets are its
	 * symptoms, whether or not the outside can say whose packets they were. */
	if (got->kind == CALL_GRE_ONLY)
		fc->c->absorbed[sa->call] = true;
	if (fc->ambiguous[sb->call]) {
		fate->ambiguous++;
		return;
	}
	want = &fc->a->tunnels.calls[p->call[SIDE_A]];
	got_host = sa->dir == GRE_TO_PNS ? &got->pns : &got->pac;
	got_key = sa->dir == GRE_TO_PNS ? got->pns_call_id : got->pac_call_id;
	/* Samples arrive in fingerprint order: keep the earliest as evidence. */
	if (addr_eq(got_host, &want->pns) && got_key != want->pns_call_id) {
		if (fate->not_restored++ == 0 || sb->where.ts < fate->nr_outside.ts) {
			fate->not_restored_key = got_key;
			fate->nr_outside = sb->where;
			fate->nr_inside = sa->where;
		}
	} else if (fate->misdelivered++ == 0 || sb->where.ts < fate->mis_outside.ts) {
		fate->misdelivered_to = sa->call;
		fate->mis_outside = sb->where;
		fate->mis_inside = sa->where;
	}
}

static ts_ns_t
pair_start(const struct correlation *c, const struct side *a, const struct side *b,
           const struct tunnel_pair *p)
{
	if (p->call[SIDE_B] != NO_INDEX)
		return b->tunnels.calls[p->call[SIDE_B]].start.ts;
	return a->tunnels.calls[p->call[SIDE_A]].start.ts - c->clock.offset;
}

/* Sort context for pairs (qsort has none: a file-scope pointer would be a global). */
struct pair_key {
	ts_ns_t start;
	uint32_t index;
};

static int
cmp_pair_key(const void *x, const void *y)
{
	const struct pair_key *p = x, *q = y;

	if (p->start != q->start)
		return p->start < q->start ? -1 : 1;
	return p->index < q->index ? -1 : p->index > q->index;
}

static bool
build_pairs(struct correlation *c, const struct side *a, const struct side *b,
            const uint32_t *twin_a, const uint32_t *twin_b, const bool *by_gre)
{
	uint32_t na = a->tunnels.ncalls, nb = b != NULL ? b->tunnels.ncalls : 0, i, n = 0;
	struct tunnel_pair *pairs = calloc((size_t)na + nb + 1, sizeof(*pairs));
	struct pair_key *keys = calloc((size_t)na + nb + 1, sizeof(*keys));

	if (pairs == NULL || keys == NULL) {
		free(pairs);
		free(keys);
		return false;
	}
	for (i = 0; i < na; i++) {
		if (!pairable(&a->tunnels.calls[i]))
			continue;
		pairs[n].call[SIDE_A] = i;
		pairs[n].call[SIDE_B] = twin_a != NULL ? twin_a[i] : NO_INDEX;
		pairs[n].by_gre = by_gre != NULL && by_gre[i];
		n++;
	}
	for (i = 0; i < nb; i++) {
		if (!pairable(&b->tunnels.calls[i]) || twin_b[i] != NO_INDEX)
			continue;
		pairs[n].call[SIDE_A] = NO_INDEX;
		pairs[n].call[SIDE_B] = i;
		n++;
	}
	for (i = 0; i < n; i++) {
		keys[i].start = b != NULL ? pair_start(c, a, b, &pairs[i])
		                          : a->tunnels.calls[pairs[i].call[SIDE_A]].start.ts;
		keys[i].index = i;
	}
	qsort(keys, n, sizeof(*keys), cmp_pair_key);
	c->pairs = calloc((size_t)n + 1, sizeof(*c->pairs));
	c->pair_of[SIDE_A] = malloc(((size_t)na + 1) * sizeof(uint32_t));
	c->pair_of[SIDE_B] = malloc(((size_t)nb + 1) * sizeof(uint32_t));
	if (c->pairs == NULL || c->pair_of[SIDE_A] == NULL || c->pair_of[SIDE_B] == NULL) {
		free(pairs);
		free(keys);
		return false;
	}
	for (i = 0; i < na; i++)
		c->pair_of[SIDE_A][i] = NO_INDEX;
	for (i = 0; i < nb; i++)
		c->pair_of[SIDE_B][i] = NO_INDEX;
	for (i = 0; i < n; i++) {
		struct tunnel_pair *p = &c->pairs[i];

		*p = pairs[keys[i].index];
		p->id = i + 1;
		if (p->call[SIDE_A] != NO_INDEX)
			c->pair_of[SIDE_A][p->call[SIDE_A]] = i;
		if (p->call[SIDE_B] != NO_INDEX)
			c->pair_of[SIDE_B][p->call[SIDE_B]] = i;
	}
	c->npairs = n;
	free(pairs);
	free(keys);
	return true;
}

/*
 * An inside GRE-only "tunnel" made of another tunnel's packets (delivered to
 * the wrong host, or under an unrestored Call ID) is a symptom reported on
 * that tunnel, not a tunnel of its own: drop it and renumber.
 */
static void
drop_absorbed(struct correlation *c)
{
	uint32_t i, o = 0;

	for (i = 0; i < c->npairs; i++) {
		struct tunnel_pair *p = &c->pairs[i];

		if (p->call[SIDE_B] == NO_INDEX && p->call[SIDE_A] != NO_INDEX &&
		    c->absorbed[p->call[SIDE_A]]) {
			c->pair_of[SIDE_A][p->call[SIDE_A]] = NO_INDEX;
			continue;
		}
		c->pairs[o] = *p;
		c->pairs[o].id = o + 1;
		if (p->call[SIDE_A] != NO_INDEX)
			c->pair_of[SIDE_A][p->call[SIDE_A]] = o;
		if (p->call[SIDE_B] != NO_INDEX)
			c->pair_of[SIDE_B][p->call[SIDE_B]] = o;
		o++;
	}
	c->npairs = o;
}

static int
cmp_sample_seq(const void *x, const void *y)
{
	const struct gre_sample *a = *(const struct gre_sample *const *)x;
	const struct gre_sample *b = *(const struct gre_sample *const *)y;

	if (a->call != b->call)
		return a->call < b->call ? -1 : 1;
	if (a->dir != b->dir)
		return a->dir < b->dir ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	if (a->fp != b->fp)
		return a->fp < b->fp ? -1 : 1;
	return a->where.frame < b->where.frame ? -1 : a->where.frame > b->where.frame;
}

/* Packets of one group (same call, same sequence number) within the merge window. */
static bool
close_together(const struct gre_sample *const *v, uint32_t from, uint32_t to)
{
	ts_ns_t lo = v[from]->where.ts, hi = lo;
	uint32_t k;

	for (k = from + 1; k < to; k++) {
		if (v[k]->where.ts < lo)
			lo = v[k]->where.ts;
		if (v[k]->where.ts > hi)
			hi = v[k]->where.ts;
	}
	return hi - lo <= CORRELATE_MERGE_WINDOW_NS;
}

/* Inside GRE to each client: does one call's flow carry several streams? */
static bool
find_merged_streams(struct correlation *c, const struct side *a)
{
	const struct tunnels *t = &a->tunnels;
	const struct gre_sample **v = malloc(((size_t)t->gre.nsamples + 1) * sizeof(*v));
	uint32_t i, n = 0, k;

	if (v == NULL)
		return false;
	for (i = 0; i < t->gre.nsamples; i++) {
		const struct gre_sample *s = &t->gre.samples[i];

		/* GRE-only: either end may be the client. */
		if (s->has_seq && greflow_sample_kept(s->fp, c->sample_limit) &&
		    s->call < t->ncalls && !t->calls[s->call].merged &&
		    (s->dir == GRE_TO_PNS || t->calls[s->call].kind == CALL_GRE_ONLY))
			v[n++] = s;
	}
	qsort(v, n, sizeof(*v), cmp_sample_seq);
	for (i = 0; i < n; i = k) {
		uint32_t distinct = 1, pi;
		struct gre_merge *m;
		bool gre_only = t->calls[v[i]->call].kind == CALL_GRE_ONLY;

		for (k = i + 1; k < n && v[k]->call == v[i]->call && v[k]->dir == v[i]->dir &&
		                v[k]->seq == v[i]->seq;
		     k++)
			if (v[k]->fp != v[k - 1]->fp)
				distinct++; /* equal fingerprints: a duplicated frame, not a stream
				             */
		pi = c->pair_of[SIDE_A][v[i]->call];
		if (distinct < 2 || pi == NO_INDEX || (gre_only && !close_together(v, i, k)))
			continue;
		m = &c->pairs[pi].merged;
		m->seqs++;
		if (distinct > m->streams) {
			const struct call *rc = &t->calls[v[i]->call];
			uint32_t j = i + 1;

			m->receiver = v[i]->dir == GRE_TO_PNS ? rc->pns : rc->pac;
			m->key = v[i]->dir == GRE_TO_PNS ? rc->pns_call_id : rc->pac_call_id;
			while (v[j]->fp == v[i]->fp)
				j++;
			m->streams = distinct;
			m->seq = v[i]->seq;
			/* Two packets of different contents, earlier one first. */
			m->first = v[i]->where.ts <= v[j]->where.ts ? v[i]->where : v[j]->where;
			m->second = v[i]->where.ts <= v[j]->where.ts ? v[j]->where : v[i]->where;
		}
	}
	/* A GRE-only flow needs several such numbers: one could be chance. */
	for (i = 0; i < c->npairs; i++) {
		struct tunnel_pair *p = &c->pairs[i];

		if (p->call[SIDE_A] != NO_INDEX &&
		    t->calls[p->call[SIDE_A]].kind == CALL_GRE_ONLY &&
		    p->merged.seqs < CORRELATE_MERGE_MIN_SEQS)
			memset(&p->merged, 0, sizeof(p->merged));
	}
	free(v);
	return true;
}

/* t - offset, saturating: capture time stamps may sit at the ends of ts_ns_t. */
static ts_ns_t
minus_offset(ts_ns_t t, ts_ns_t offset)
{
	ts_ns_t r;

	if (__builtin_sub_overflow(t, offset, &r))
		return offset < 0 ? INT64_MAX : INT64_MIN;
	return r;
}

/*
 * When a call began to be cleared (its first CCRQ or CDN), or 0: GRE the
 * server sends after that may rightly go nowhere.
 */
static ts_ns_t
clearing_ts(const struct call *c)
{
	uint32_t k, nm = c->nmsgs < CALL_MAX_MSGS ? c->nmsgs : CALL_MAX_MSGS;

	for (k = 0; k < nm; k++)
		if (c->msgs[k].type == PPTP_CCRQ || c->msgs[k].type == PPTP_CDN)
			return c->msgs[k].where.ts;
	return 0;
}

/*
 * Which outside packets to a client reached the inside at all (their
 * fingerprint is there, whoever got it), and for each tunnel the run of
 * those that did not after the last that did (struct gre_cut).  Samples
 * are in capture order within each side.
 */
static bool
find_cuts(struct correlation *c, const struct side *a, const struct side *b,
          const struct fp_entry *sa, size_t nsa, const struct fp_entry *sb, size_t nsb)
{
	const struct tunnels *ta = &a->tunnels, *tb = &b->tunnels;
	uint32_t *inside = malloc(((size_t)tb->gre.nsamples + 1) * sizeof(*inside));
	bool *outside = calloc((size_t)ta->gre.nsamples + 1, sizeof(*outside));
	size_t i = 0, j = 0;
	uint32_t k;

	if (inside == NULL || outside == NULL) {
		free(inside);
		free(outside);
		return false;
	}
	for (k = 0; k < tb->gre.nsamples; k++)
		inside[k] = NO_INDEX;
	while (i < nsa && j < nsb) {
		size_t ie, je, x;

		if (sa[i].fp != sb[j].fp) {
			if (sa[i].fp < sb[j].fp)
				i++;
			else
				j++;
			continue;
		}
		for (ie = i; ie < nsa && sa[ie].fp == sa[i].fp; ie++)
			;
		for (je = j; je < nsb && sb[je].fp == sb[j].fp; je++)
			;
		for (x = i; x < ie; x++)
			outside[sa[x].sample] = true;
		for (; j < je; j++)
			inside[sb[j].sample] = sa[i].sample;
		i = ie;
	}
	/* GRE to the PAC: inside samples of paired calls the outside lacks. */
	for (k = 0; k < ta->gre.nsamples; k++) {
		const struct gre_sample *s = &ta->gre.samples[k];
		ts_ns_t t_out = s->where.ts - c->clock.offset;
		uint32_t pi;

		if (s->dir != GRE_TO_PAC || !greflow_sample_kept(s->fp, c->sample_limit) ||
		    s->call >= ta->ncalls || (pi = c->pair_of[SIDE_A][s->call]) == NO_INDEX ||
		    c->pairs[pi].call[SIDE_B] == NO_INDEX || t_out < b->first_ts ||
		    t_out > b->last_ts)
			continue;
		c->pairs[pi].losses.fwd_sampled++;
		c->pairs[pi].losses.fwd_lost += !outside[k];
	}
	for (k = 0; k < tb->gre.nsamples; k++) {
		const struct gre_sample *s = &tb->gre.samples[k];
		uint32_t pi;
		struct gre_cut *cut;
		ts_ns_t t_in = s->where.ts + c->clock.offset, cleared;
		bool covered = t_in >= a->first_ts && t_in <= a->last_ts;

		if (s->dir != GRE_TO_PNS || !greflow_sample_kept(s->fp, c->sample_limit) ||
		    s->call >= tb->ncalls || (pi = c->pair_of[SIDE_B][s->call]) == NO_INDEX ||
		    c->pairs[pi].call[SIDE_A] == NO_INDEX)
			continue;
		if (covered) {
			c->pairs[pi].losses.back_sampled++;
			c->pairs[pi].losses.back_lost += inside[k] == NO_INDEX;
		}
		cut = &c->pairs[pi].cut;
		cut->cleared = cleared = clearing_ts(&tb->calls[s->call]);
		if (cleared != 0 && s->where.ts >= cleared)
			continue; /* the call was being cleared: nowhere to deliver may be right */
		if (inside[k] != NO_INDEX) {
			cut->delivered++;
			cut->last_delivered_out = s->where;
			cut->last_delivered_in = ta->gre.samples[inside[k]].where;
			cut->lost_after = 0;
		} else if (covered) {
			if (cut->lost_after++ == 0)
				cut->first_lost = s->where;
			cut->last_lost = s->where;
		}
	}
	free(inside);
	free(outside);
	return true;
}

static void
compute_overlap(struct correlation *c, const struct side *a, const struct side *b)
{
	ts_ns_t a0 = minus_offset(a->first_ts, c->clock.offset);
	ts_ns_t a1 = minus_offset(a->last_ts, c->clock.offset);
	ts_ns_t lo = a0 > b->first_ts ? a0 : b->first_ts;
	ts_ns_t hi = a1 < b->last_ts ? a1 : b->last_ts;

	c->overlap = a->first_ts != 0 && b->first_ts != 0 && lo <= hi;
	c->overlap_start = lo;
	c->overlap_end = hi;
}

bool
correlate(struct side *a, struct side *b, const struct clock_offset *forced, struct correlation *c)
{
	struct fp_entry *ca = NULL, *cb = NULL, *sa = NULL, *sb = NULL;
	size_t nca = 0, ncb = 0, nsa = 0, nsb = 0;
	uint32_t *twin_a = NULL, *twin_b = NULL;
	bool *by_gre = NULL, *amb = NULL;
	struct offset_ctx oc = {NULL, 0};
	struct gre_vote_ctx vc;
	struct fate_ctx fc;
	bool ok = false;
	uint32_t i;

	memset(c, 0, sizeof(*c));
	c->paired = b != NULL;
	if (b == NULL)
		return build_pairs(c, a, NULL, NULL, NULL, NULL);

	c->sample_limit = a->tunnels.gre.sample_limit < b->tunnels.gre.sample_limit
	                      ? a->tunnels.gre.sample_limit
	                      : b->tunnels.gre.sample_limit;
	/* GRE-only flows one side could not pair (several between one address
	 * pair: clients behind one NAT address, seen late) follow the other. */
	greflow_pair_across(&b->tunnels, &a->tunnels, c->sample_limit);
	greflow_pair_across(&a->tunnels, &b->tunnels, c->sample_limit);
	ca = control_entries(a, &nca);
	cb = control_entries(b, &ncb);
	sa = sample_entries(a, c->sample_limit, &nsa);
	sb = sample_entries(b, c->sample_limit, &nsb);
	oc.deltas = malloc(CORRELATE_MAX_OFFSET_SAMPLES * sizeof(*oc.deltas));
	twin_a = malloc(((size_t)a->tunnels.ncalls + 1) * sizeof(*twin_a));
	twin_b = malloc(((size_t)b->tunnels.ncalls + 1) * sizeof(*twin_b));
	by_gre = calloc((size_t)a->tunnels.ncalls + 1, sizeof(*by_gre));
	if (ca == NULL || cb == NULL || sa == NULL || sb == NULL || oc.deltas == NULL ||
	    twin_a == NULL || twin_b == NULL || by_gre == NULL)
		goto out;
	c->samples[SIDE_A] = nsa;
	c->samples[SIDE_B] = nsb;

	if (forced != NULL) {
		c->clock = *forced;
	} else {
		merge_equal(ca, nca, cb, ncb, collect_delta, &oc);
		merge_equal(sa, nsa, sb, nsb, collect_delta, &oc);
		estimate_offset(&oc, &c->clock);
	}

	for (i = 0; i < a->tunnels.ncalls; i++)
		twin_a[i] = NO_INDEX;
	for (i = 0; i < b->tunnels.ncalls; i++)
		twin_b[i] = NO_INDEX;
	if (!pair_by_control(a, b, &c->clock, twin_a, twin_b, false))
		goto out;
	amb = ambiguous_calls(b);
	if (amb == NULL)
		goto out;
	vc.a = a;
	vc.b = b;
	vc.ambiguous = amb;
	vc.failed = false;
	if (!pair_by_gre(sa, nsa, sb, nsb, &vc, twin_a, twin_b, by_gre))
		goto out;
	/* What GRE could not pair (identical requests, late calls whose GRE did
	 * not cross): by their messages, closest in time. */
	if (!pair_by_control(a, b, &c->clock, twin_a, twin_b, true))
		goto out;
	if (!build_pairs(c, a, b, twin_a, twin_b, by_gre))
		goto out;
	c->absorbed = calloc((size_t)a->tunnels.ncalls + 1, sizeof(*c->absorbed));
	if (c->absorbed == NULL)
		goto out;
	fc.a = a;
	fc.b = b;
	fc.c = c;
	fc.ambiguous = amb;
	merge_equal(sa, nsa, sb, nsb, record_fate, &fc);
	drop_absorbed(c);
	if (!find_merged_streams(c, a))
		goto out;
	if (!find_cuts(c, a, b, sa, nsa, sb, nsb))
		goto out;
	compute_overlap(c, a, b);
	ok = true;
out:
	free(ca);
	free(cb);
	free(sa);
	free(sb);
	free(oc.deltas);
	free(twin_a);
	free(twin_b);
	free(by_gre);
	free(amb);
	return ok;
}

void
correlation_free(struct correlation *c)
{
	free(c->pairs);
	free(c->pair_of[SIDE_A]);
	free(c->pair_of[SIDE_B]);
	free(c->absorbed);
	memset(c, 0, sizeof(*c));
}

const struct tunnel_pair *
correlation_pair_of(const struct correlation *c, int s, uint32_t ci)
{
	if ((s != SIDE_A && s != SIDE_B) || c->pair_of[s] == NULL)
		return NULL;
	/* pair_of arrays are sized by the side's call count; callers pass valid indices. */
	if (c->pair_of[s][ci] == NO_INDEX)
		return NULL;
	return &c->pairs[c->pair_of[s][ci]];
}
