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
#define SAMPLE_LIMIT_ALL (UINT64_C(1) << 24)
#define SEED_PAIR 0x7061697200000003ULL

void
greflow_init(struct greflow *g)
{
	memset(g, 0, sizeof(*g));
	g->sample_limit = SAMPLE_LIMIT_ALL;
	map_init(&g->by_pair, GREFLOW_MAX_PAIRS);
}

void
greflow_free(struct greflow *g)
{
	if (g == NULL)
		return;
	free(g->samples);
	map_free(&g->by_pair);
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
uint64_t
greflow_fingerprint(const struct gre_packet *g)
{
	size_t n = g->payload_len < GRE_FP_PAYLOAD_BYTES ? g->payload_len : GRE_FP_PAYLOAD_BYTES;
	uint64_t h = header_fingerprint(g);

	return (h & ~UINT64_C(0xffffffffff)) |
	       (hash_bytes(g->payload, n, h) & UINT64_C(0xffffffffff));
}

static void
add_sample(struct greflow *gf, uint64_t fp, uint32_t ci, enum gre_direction dir,
           const struct gre_packet *g, const struct frame_ref *where)
{
	struct gre_sample *s;

	if (!greflow_sample_kept(fp, gf->sample_limit))
		return;
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

static uint64_t
pair_key_ordered(const struct addr *src, const struct addr *dst)
{
	return hash_mix64(addr_hash(src, SEED_PAIR) ^ hash_mix64(addr_hash(dst, SEED_PAIR + 1)));
}

/* A GRE-only call for packets whose triple no control message explained. */
static uint32_t
gre_only_call(struct tunnels *t, const struct ip_packet *ip, uint16_t call_id,
              const struct frame_ref *where, enum gre_direction *dir)
{
	uint32_t ci;
	struct call *c;

	/* The reverse direction of a GRE-only call already seen? */
	if (map_get(&t->gre.by_pair, pair_key_ordered(&ip->dst, &ip->src), &ci) && ci < t->ncalls &&
	    t->calls[ci].kind == CALL_GRE_ONLY && !t->calls[ci].has_pns_call_id &&
	    addr_eq(&t->calls[ci].pns, &ip->dst) && addr_eq(&t->calls[ci].pac, &ip->src)) {
		c = &t->calls[ci];
		c->pns_call_id = call_id;
		c->has_pns_call_id = true;
		tunnels_register_triple(t, ci, GRE_TO_PNS, where);
		*dir = GRE_TO_PNS;
		return ci;
	}
	ci = tunnels_add_gre_only(t, &ip->src, &ip->dst, call_id, where);
	if (ci == NO_INDEX)
		return NO_INDEX;
	if (!map_put(&t->gre.by_pair, pair_key_ordered(&ip->src, &ip->dst), ci))
		t->gre.pairs_dropped++;
	*dir = GRE_TO_PAC;
	return ci;
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
		ci = gre_only_call(t, ip, g->call_id, where, &dir);
		if (ci == NO_INDEX) {
			diag_add(d, CODE_LIMIT_REACHED, where,
			         "GRE Call ID %u not tracked: %u calls already", g->call_id,
			         TUNNEL_MAX_CALLS);
			return;
		}
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
	if (g->has_seq && greflow_sample_kept(header_fingerprint(g), t->gre.sample_limit))
		add_sample(&t->gre, greflow_fingerprint(g), ci, dir, g, where);
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
merge(struct tunnels *t, uint32_t keep, uint32_t gone, uint32_t *remap)
{
	struct call *k = &t->calls[keep], *g = &t->calls[gone];

	g->merged = true;
	k->to_pns = g->to_pac;
	/* Stall counting cannot be replayed: start it here (see the top). */
	k->to_pns.seq_packets_at_ack = k->to_pns.seq_packets;
	k->to_pac.seq_packets_at_ack = k->to_pac.seq_packets;
	k->pns_call_id = g->pac_call_id;
	k->has_pns_call_id = true;
	if (g->start.ts < k->start.ts)
		k->start = g->start;
	if (g->end.ts > k->end.ts)
		k->end = g->end;
	memset(&g->to_pac, 0, sizeof(g->to_pac));
	tunnels_register_triple(t, keep, GRE_TO_PNS, &g->established);
	remap[gone] = keep;
}

/* Samples of merged calls now belong to the call that took them, reversed. */
static void
apply_remap(struct tunnels *t, const uint32_t *remap)
{
	uint32_t i;

	for (i = 0; i < t->gre.nsamples; i++) {
		struct gre_sample *s = &t->gre.samples[i];

		if (s->call < t->ncalls && remap[s->call] != NO_INDEX) {
			s->call = remap[s->call];
			s->dir = GRE_TO_PNS;
		}
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

	if (x == y || x >= t->ncalls || y >= t->ncalls)
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
