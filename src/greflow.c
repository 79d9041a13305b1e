/*
 * Enhanced GRE of one side (RFC 2637 section 4.1): attribution to calls,
 * counts per direction, consistent sampling of fingerprints, and GRE-only
 * flows kept per direction until evidence pairs them (see greflow.h).
 *
 * Known limit: the acknowledgment-stall counters of a GRE-only call start
 * when its two directions are paired, at the reading's end, so a stall is
 * never reported for GRE-only calls (a warning lost, never a false one).
 */
#include "greflow.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "ppp.h"
#include "tunnel.h"

/* Payload bytes hashed into a GRE fingerprint: enough to tell packets apart. */
#define GRE_FP_PAYLOAD_BYTES GREFLOW_PAYLOAD_READ
/* Sampling starts by keeping everything: fp >> 40 is always below 2^24. */
#define SAMPLE_LIMIT_ALL GREFLOW_SAMPLE_ALL
#define SEED_PAIR 0x7061697200000003ULL
/* A remap entry: the call that now holds a call's packets, and whether their
 * direction flips (calls are far fewer than 2^31). */
#define REMAP_FLIP UINT32_C(0x80000000)

void
greflow_init(struct greflow *g)
{
	memset(g, 0, sizeof(*g));
	g->sample_limit = SAMPLE_LIMIT_ALL;
}

void
greflow_free(struct greflow *g)
{
	if (g == NULL)
		return;
	free(g->samples);
	memset(g, 0, sizeof(*g));
}

/* The header part of the fingerprint: decides sampling before the payload is hashed. */
static uint64_t
header_fingerprint(const struct gre_packet *g)
{
	uint64_t h = ((uint64_t)g->payload_len_field << 48) | ((uint64_t)g->has_seq << 33) |
	             ((uint64_t)g->has_ack << 32);

	return hash_mix64(h ^
	                  ((uint64_t)(g->has_seq ? g->seq : 0) << 32 | (g->has_ack ? g->ack : 0)));
}

/*
 * The top bits come from the header alone, so whether a packet is sampled
 * (greflow_sample_kept looks at fp >> 40) is known before its payload is
 * hashed; the low bits add the payload.  Both sides compute the same.
 */
static uint64_t
fingerprint_from(uint64_t h, const struct gre_packet *g)
{
	size_t n = g->payload_len < GRE_FP_PAYLOAD_BYTES ? g->payload_len : GRE_FP_PAYLOAD_BYTES;

	return (h & ~UINT64_C(0xffffffffff)) |
	       (hash_bytes(g->payload, n, h) & UINT64_C(0xffffffffff));
}

uint64_t
greflow_fingerprint(const struct gre_packet *g)
{
	return fingerprint_from(header_fingerprint(g), g);
}

static void
add_sample(struct greflow *gf, uint64_t fp, uint32_t ci, enum gre_direction dir,
           const struct gre_packet *g, const struct frame_ref *where)
{
	struct gre_sample *s;

	/* The caller checked fp against the current rate (from its header bits). */
	if (gf->nsamples == GREFLOW_MAX_SAMPLES) {
		/* Full: halve the rate and keep only what the new rate would
		 * have kept, so both sides stay comparable (consistent sampling). */
		uint32_t i, o = 0;

		gf->sample_limit /= 2;
		for (i = 0; i < gf->nsamples; i++)
			if (greflow_sample_kept(gf->samples[i].fp, gf->sample_limit))
				gf->samples[o++] = gf->samples[i];
		gf->nsamples = o;
		if (!greflow_sample_kept(fp, gf->sample_limit))
			return;
	}
	if (gf->samples == NULL) {
		gf->samples = malloc(GREFLOW_MAX_SAMPLES * sizeof(*gf->samples));
		if (gf->samples == NULL)
			return;
	}
	s = &gf->samples[gf->nsamples++];
	s->fp = fp;
	s->call = ci;
	s->dir = (uint8_t)dir;
	s->has_seq = g->has_seq;
	s->seq = g->seq;
	s->where = *where;
}

void
greflow_count(struct gre_dir *gd, struct gre_dir *back, const struct ip_packet *ip,
              const struct gre_packet *g, const struct frame_ref *where)
{
	struct ppp_frame ppp;

	if (gd->packets == 0)
		gd->first = *where;
	gd->last = *where;
	gd->packets++;
	gd->bytes += g->payload_len_field;
	gd->key = g->call_id;
	if (!g->has_seq && g->payload_len_field == 0)
		gd->ack_only++;
	if (g->has_seq) {
		gd->seq_packets++;
		if (!gd->seq_seen || (int32_t)(g->seq - gd->max_seq) > 0) {
			gd->max_seq = g->seq;
			gd->seq_seen = true;
		}
	}
	if (g->has_ack && (!gd->ack_seen || (int32_t)(g->ack - gd->max_ack) > 0)) {
		gd->max_ack = g->ack;
		gd->ack_seen = true;
		back->seq_packets_at_ack = back->seq_packets;
	}
	if (ip->version == 4 && !ip->checksum_ok) {
		if (gd->checksum_bad++ == 0)
			gd->first_checksum_bad = *where;
	} else if (gd->checksum_bad == 0) {
		gd->checksum_good_before_bad++;
		gd->last_checksum_good = *where;
	}
	if (g->payload_len > 0 && ppp_parse(g->payload, g->payload_len, &ppp) == PARSE_OK &&
	    ppp.protocol == PPP_PROTO_LCP && ppp.is_control) {
		if (ppp.code == PPP_CODE_CONF_REQ) {
			if (gd->lcp_conf_req++ == 0)
				gd->first_lcp_req = *where;
		} else if (ppp.code >= PPP_CODE_CONF_ACK && ppp.code <= PPP_CODE_CONF_REJ) {
			gd->lcp_conf_reply++;
		}
	}
}

void
greflow_on_packet(struct tunnels *t, struct diag *d, const struct ip_packet *ip,
                  const struct gre_packet *g, const struct frame_ref *where)
{
	enum gre_direction dir;
	uint32_t ci;
	struct call *c;

	t->gre.packets++;
	ci = tunnels_gre_call(t, &ip->src, &ip->dst, g->call_id, &dir);
	if (ci == NO_INDEX) {
		/* A flow no control message explained: one direction of a call
		 * whose reverse is decided later, on evidence. */
		ci = tunnels_add_gre_only(t, &ip->src, &ip->dst, g->call_id, where);
		if (ci == NO_INDEX) {
			diag_add(d, CODE_LIMIT_REACHED, where,
			         "GRE Call ID %u not tracked: %u calls already", g->call_id,
			         TUNNEL_MAX_CALLS);
			return;
		}
		dir = GRE_TO_PAC;
	}
	c = &t->calls[ci];
	if (dir == GRE_TO_PAC)
		greflow_count(&c->to_pac, &c->to_pns, ip, g, where);
	else
		greflow_count(&c->to_pns, &c->to_pac, ip, g, where);
	if (where->ts > c->end.ts || !frame_ref_seen(&c->end))
		c->end = *where;
	/* An ack-only packet has no payload and no sequence number: nothing
	 * to tell it from another tunnel's, so it is counted, not sampled. */
	if (g->has_seq) {
		uint64_t h = header_fingerprint(g);

		if (greflow_sample_kept(h, t->gre.sample_limit))
			add_sample(&t->gre, fingerprint_from(h, g), ci, dir, g, where);
	}
}

void
greflow_on_icmp(struct tunnels *t, const struct ip_packet *ip, const struct icmp_error *e,
                const struct frame_ref *where)
{
	enum gre_direction dir;
	uint32_t ci;
	struct gre_dir *gd;

	if (!e->has_gre)
		return;
	ci = tunnels_gre_call(t, &e->quoted_src, &e->quoted_dst, e->gre_call_id, &dir);
	if (ci == NO_INDEX) {
		if (t->gre.icmp_unattributed++ == 0)
			t->gre.first_icmp_unattributed = *where;
		return;
	}
	gd = dir == GRE_TO_PAC ? &t->calls[ci].to_pac : &t->calls[ci].to_pns;
	if (gd->icmp_errors++ == 0) {
		gd->first_icmp = *where;
		gd->icmp_from = ip->src;
		gd->icmp_version = e->version;
		gd->icmp_type = e->type;
		gd->icmp_code = e->code;
	}
	gd->last_icmp = *where;
}

/* ---- pairing the two directions of GRE-only calls ---- */

/* A GRE-only call still holding one direction, and so a candidate reverse. */
bool
greflow_lone_direction(const struct call *c)
{
	return c->kind == CALL_GRE_ONLY && !c->merged && !c->has_pns_call_id;
}

/* Move gone's direction (gone.pns -> gone.pac) into keep as its GRE to the PNS. */
static void
move_back(struct tunnels *t, uint32_t keep, uint32_t gone, uint32_t *remap)
{
	struct call *k = &t->calls[keep], *g = &t->calls[gone];

	g->merged = true;
	k->to_pns = g->to_pac;
	/* Stall counting cannot be replayed: start it here (see the top). */
	k->to_pns.seq_packets_at_ack = k->to_pns.seq_packets;
	k->to_pac.seq_packets_at_ack = k->to_pac.seq_packets;
	if (g->start.ts < k->start.ts)
		k->start = g->start;
	if (g->end.ts > k->end.ts)
		k->end = g->end;
	memset(&g->to_pac, 0, sizeof(g->to_pac));
	remap[gone] = keep | REMAP_FLIP;
}

static void
merge(struct tunnels *t, uint32_t keep, uint32_t gone, uint32_t *remap)
{
	struct call *k = &t->calls[keep], *g = &t->calls[gone];

	move_back(t, keep, gone, remap);
	k->pns_call_id = g->pac_call_id;
	k->has_pns_call_id = true;
	tunnels_register_triple(t, keep, GRE_TO_PNS, &g->established);
}

void
greflow_absorb(struct tunnels *t, uint32_t keep, uint32_t gone, uint32_t *remap)
{
	if (remap == NULL || keep >= t->ncalls || gone >= t->ncalls || keep == gone)
		return;
	move_back(t, keep, gone, remap);
}

void
greflow_remap_flip(uint32_t *remap, uint32_t ci)
{
	if (remap == NULL)
		return;
	remap[ci] = remap[ci] == NO_INDEX ? ci | REMAP_FLIP : remap[ci] ^ REMAP_FLIP;
}

void
greflow_orient(struct tunnels *t, uint32_t ci, uint32_t *remap)
{
	struct call *c = &t->calls[ci];
	struct gre_dir gd = c->to_pac;
	struct addr a = c->pns;
	uint16_t id = c->pns_call_id;
	bool has = c->has_pns_call_id;

	c->to_pac = c->to_pns;
	c->to_pns = gd;
	c->pns = c->pac;
	c->pac = a;
	c->pns_call_id = c->pac_call_id;
	c->has_pns_call_id = c->has_pac_call_id;
	c->pac_call_id = id;
	c->has_pac_call_id = has;
	greflow_remap_flip(remap, ci);
}

/* Samples of moved calls now belong to the call that took them, maybe reversed. */
static void
apply_remap(struct tunnels *t, const uint32_t *remap)
{
	uint32_t i;

	for (i = 0; i < t->gre.nsamples; i++) {
		struct gre_sample *s = &t->gre.samples[i];
		uint32_t r;

		if (s->call >= t->ncalls || remap[s->call] == NO_INDEX)
			continue;
		r = remap[s->call];
		s->call = r & ~REMAP_FLIP;
		if ((r & REMAP_FLIP) != 0)
			s->dir = s->dir == GRE_TO_PAC ? GRE_TO_PNS : GRE_TO_PAC;
	}
}

uint32_t *
greflow_remap_new(const struct tunnels *t)
{
	uint32_t *remap = malloc(((size_t)t->ncalls + 1) * sizeof(*remap));
	uint32_t i;

	for (i = 0; remap != NULL && i < t->ncalls; i++)
		remap[i] = NO_INDEX;
	return remap;
}

bool
greflow_join(struct tunnels *t, uint32_t x, uint32_t y, uint32_t *remap)
{
	struct call *a, *b;

	if (remap == NULL || x == y || x >= t->ncalls || y >= t->ncalls)
		return false;
	a = &t->calls[x];
	b = &t->calls[y];
	if (!greflow_lone_direction(a) || !greflow_lone_direction(b) ||
	    !addr_eq(&a->pns, &b->pac) || !addr_eq(&a->pac, &b->pns))
		return false;
	/* The first sender names the call's "pns" side, as for any GRE-only call. */
	if (b->start.ts < a->start.ts)
		merge(t, y, x, remap);
	else
		merge(t, x, y, remap);
	return true;
}

void
greflow_remap_apply(struct tunnels *t, uint32_t *remap)
{
	if (remap != NULL)
		apply_remap(t, remap);
	free(remap);
}

struct lone {
	uint64_t pair; /* unordered address pair */
	uint32_t call;
	bool forward; /* pns < pac in address order */
};

static int
cmp_lone(const void *x, const void *y)
{
	const struct lone *a = x, *b = y;

	if (a->pair != b->pair)
		return a->pair < b->pair ? -1 : 1;
	return a->call < b->call ? -1 : a->call > b->call;
}

static uint64_t
pair_key(const struct addr *x, const struct addr *y)
{
	uint64_t hx = addr_hash(x, SEED_PAIR), hy = addr_hash(y, SEED_PAIR);

	return hash_mix64(hx ^ hy); /* symmetric: one key for both directions */
}

void
greflow_finish(struct tunnels *t)
{
	struct lone *v = malloc(((size_t)t->ncalls + 1) * sizeof(*v));
	uint32_t *remap = greflow_remap_new(t);
	uint32_t i, n = 0, k;

	if (v == NULL || remap == NULL) {
		free(v);
		free(remap);
		return;
	}
	for (i = 0; i < t->ncalls; i++) {
		const struct call *c = &t->calls[i];

		if (greflow_lone_direction(c))
			v[n++] = (struct lone){pair_key(&c->pns, &c->pac), i,
			                       addr_cmp(&c->pns, &c->pac) < 0};
	}
	if (n > 0)
		qsort(v, n, sizeof(*v), cmp_lone);
	for (i = 0; i < n; i = k) {
		uint32_t fwd = 0, rev = 0, xf = NO_INDEX, xr = NO_INDEX, j;

		for (k = i; k < n && v[k].pair == v[i].pair; k++)
			;
		for (j = i; j < k; j++) {
			if (v[j].forward) {
				fwd++;
				xf = v[j].call;
			} else {
				rev++;
				xr = v[j].call;
			}
		}
		/* One flow each way between two addresses: nothing else they can be. */
		if (fwd == 1 && rev == 1)
			greflow_join(t, xf, xr, remap);
	}
	greflow_remap_apply(t, remap);
	free(v);
}

bool
greflow_half(const struct call *c)
{
	if (c->merged)
		return false;
	if (c->kind == CALL_GRE_ONLY)
		return !c->has_pns_call_id;
	return c->kind == CALL_LATE && c->has_pac_call_id != c->has_pns_call_id;
}

bool
greflow_fill(struct tunnels *t, uint32_t half, uint32_t lone, uint32_t *remap)
{
	struct call *h, *l;

	if (remap == NULL || half >= t->ncalls || lone >= t->ncalls || half == lone)
		return false;
	h = &t->calls[half];
	l = &t->calls[lone];
	if (!greflow_lone_direction(l) || !greflow_half(h) || greflow_lone_direction(h))
		return false;
	if (!h->has_pac_call_id && addr_eq(&l->pns, &h->pns) && addr_eq(&l->pac, &h->pac)) {
		/* The missing GRE to the PAC: same way round, no flip. */
		h->to_pac = l->to_pac;
		h->to_pac.seq_packets_at_ack = h->to_pac.seq_packets;
		h->pac_call_id = l->pac_call_id;
		h->has_pac_call_id = true;
		if (l->start.ts < h->start.ts)
			h->start = l->start;
		if (l->end.ts > h->end.ts)
			h->end = l->end;
		memset(&l->to_pac, 0, sizeof(l->to_pac));
		l->merged = true;
		remap[lone] = half;
		tunnels_register_triple(t, half, GRE_TO_PAC, &l->established);
		return true;
	}
	if (!h->has_pns_call_id && addr_eq(&l->pns, &h->pac) && addr_eq(&l->pac, &h->pns)) {
		move_back(t, half, lone, remap);
		h->pns_call_id = l->pac_call_id;
		h->has_pns_call_id = true;
		tunnels_register_triple(t, half, GRE_TO_PNS, &l->established);
		return true;
	}
	return false;
}

/* ---- lone directions paired by the other side of the NAT ---- */

struct across_entry {
	uint64_t fp;
	uint32_t call;
	uint8_t dir;
};

static int
cmp_across(const void *x, const void *y)
{
	const struct across_entry *a = x, *b = y;

	if (a->fp != b->fp)
		return a->fp < b->fp ? -1 : 1;
	return a->call < b->call ? -1 : a->call > b->call;
}

static struct across_entry *
across_entries(const struct tunnels *t, uint64_t limit, bool lone_only, size_t *n)
{
	struct across_entry *e = malloc(((size_t)t->gre.nsamples + 1) * sizeof(*e));
	uint32_t i;
	size_t k = 0;

	if (e == NULL)
		return NULL;
	for (i = 0; i < t->gre.nsamples; i++) {
		const struct gre_sample *s = &t->gre.samples[i];

		if (!greflow_sample_kept(s->fp, limit) || s->call >= t->ncalls ||
		    (lone_only && !greflow_half(&t->calls[s->call])))
			continue;
		e[k++] = (struct across_entry){s->fp, s->call, s->dir};
	}
	if (k > 0)
		qsort(e, k, sizeof(*e), cmp_across);
	*n = k;
	return e;
}

/* The other side's call and direction most of a lone direction's packets belong to. */
struct across_best {
	uint32_t other, votes, total;
	uint8_t dir;
};

static void
count_votes(const struct across_entry *m, size_t nm, const struct across_entry *o, size_t no,
            struct map *votes)
{
	size_t i = 0, j = 0;

	while (i < nm && j < no) {
		size_t ie, je;

		if (m[i].fp != o[j].fp) {
			if (m[i].fp < o[j].fp)
				i++;
			else
				j++;
			continue;
		}
		for (ie = i; ie < nm && m[ie].fp == m[i].fp; ie++)
			;
		for (je = j; je < no && o[je].fp == o[j].fp; je++)
			;
		/* Identical packets of several flows prove nothing. */
		if (ie - i == 1 && je - j == 1) {
			uint64_t key =
			    (uint64_t)m[i].call << 32 | (uint64_t)o[j].call << 1 | o[j].dir;
			uint32_t n = 0;

			map_get(votes, key, &n);
			(void)map_put(votes, key, n + 1);
		}
		i = ie;
		j = je;
	}
}

void
greflow_pair_across(struct tunnels *mine, const struct tunnels *other, uint64_t limit)
{
	struct across_entry *m = NULL, *o = NULL;
	struct across_best *best = NULL;
	uint32_t *remap = NULL, *want_pac = NULL, *want_pns = NULL, i;
	size_t nm = 0, no = 0;
	struct map votes;

	map_init(&votes, SIZE_MAX);
	m = across_entries(mine, limit, true, &nm);
	if (m == NULL || nm == 0) {
		/* Nothing lone here (the usual case): nothing to sort over there. */
		free(m);
		return;
	}
	o = across_entries(other, limit, false, &no);
	best = calloc((size_t)mine->ncalls + 1, sizeof(*best));
	want_pac = malloc(((size_t)other->ncalls + 1) * sizeof(*want_pac));
	want_pns = malloc(((size_t)other->ncalls + 1) * sizeof(*want_pns));
	remap = greflow_remap_new(mine);
	if (m == NULL || o == NULL || best == NULL || want_pac == NULL || want_pns == NULL ||
	    remap == NULL || nm == 0)
		goto out;
	count_votes(m, nm, o, no, &votes);
	for (i = 0; i < votes.cap; i++) {
		const struct map_slot *sl = &votes.slots[i];
		uint32_t mc, oc;

		if (!sl->used)
			continue;
		mc = (uint32_t)(sl->key >> 32);
		oc = (uint32_t)(sl->key & 0xffffffff) >> 1;
		if (mc >= mine->ncalls || oc >= other->ncalls)
			continue;
		best[mc].total += sl->value;
		if (sl->value > best[mc].votes) {
			best[mc].votes = sl->value;
			best[mc].other = oc;
			best[mc].dir = (uint8_t)(sl->key & 1);
		}
	}
	for (i = 0; i < other->ncalls; i++)
		want_pac[i] = want_pns[i] = NO_INDEX;
	for (i = 0; i < mine->ncalls; i++) {
		const struct across_best *b = &best[i];
		uint32_t *slot;

		/* A clear majority of enough packets, or no opinion. */
		if (b->votes < GREFLOW_ACROSS_MIN_VOTES || 3 * b->votes < 2 * b->total)
			continue;
		slot = b->dir == GRE_TO_PAC ? &want_pac[b->other] : &want_pns[b->other];
		/* Two lone directions both the same flow over there: neither is sure. */
		*slot = *slot == NO_INDEX ? i : NO_INDEX - 1;
	}
	for (i = 0; i < other->ncalls; i++) {
		uint32_t x = want_pac[i], y = want_pns[i];

		if (x >= mine->ncalls || y >= mine->ncalls)
			continue;
		/* A call set up before the capture with one direction known
		 * takes the lone flow that is its other one. */
		if (!greflow_lone_direction(&mine->calls[x]) || !greflow_lone_direction(&mine->calls[y])) {
			if (greflow_lone_direction(&mine->calls[x]))
				greflow_fill(mine, y, x, remap);
			else if (greflow_lone_direction(&mine->calls[y]))
				greflow_fill(mine, x, y, remap);
			want_pns[i] = NO_INDEX;
			continue;
		}
		if (greflow_join(mine, x, y, remap))
			/* Remember which one is the flow to the PAC, to orient below. */
			want_pns[i] = mine->calls[x].merged ? y : x;
		else
			want_pns[i] = NO_INDEX;
	}
	greflow_remap_apply(mine, remap);
	remap = greflow_remap_new(mine);
	if (remap == NULL)
		goto out;
	/* The joined call named as over there: its flow to the PAC is x's. */
	for (i = 0; i < other->ncalls; i++) {
		uint32_t x = want_pac[i], keep = want_pns[i];

		if (x >= mine->ncalls || keep >= mine->ncalls || x == keep)
			continue;
		/* keep took x's flow as its GRE to the PNS: the wrong way round. */
		greflow_orient(mine, keep, remap);
	}
out:
	greflow_remap_apply(mine, remap);
	map_free(&votes);
	free(m);
	free(o);
	free(best);
	free(want_pac);
	free(want_pns);
}
