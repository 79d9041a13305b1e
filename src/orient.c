/*
 * Which capture holds the clients, and what the NAT translates.
 *
 * The tool judges a NAT from the clients' side ("inside": where the PNS
 * sends from its own address) to the far side ("outside").  Users name
 * the files by where the capture was taken, and a server behind a port
 * forward has its LAN capture called "inside" although the clients are on
 * the WAN.  So the captures decide, tunnel by tunnel (pairs of calls seen
 * on both sides with their roles known):
 *
 * 1. What changed: a PNS address that differs across the pair means the
 *    clients are translated (SNAT, masquerade); a PAC address that differs
 *    means the server is (a port forward, DNAT); both, or none.
 * 2. Addresses say where the clients are.  A translated client's private
 *    address (RFC 1918, RFC 6598, link-local, ULA) is on the clients' side
 *    and a public one on the other; a translated server's private address
 *    is on the server's side, the public one it is reached at on the
 *    clients'.  Several client addresses that become one address on the
 *    other side (masquerade) put the clients where they are several.
 * 3. Timing, when the addresses say nothing or contradict each other: a
 *    packet crosses the NAT after it was captured on the sender's side.
 *    With d the forwarding delay and o the clock offset (a minus b),
 *    client packets differ by o - d and server packets by o + d when a
 *    holds the clients: the difference of the two medians (2d) needs no
 *    clock offset at all, estimated or given, and is not fooled by one
 *    (an offset given with --time-offset is rarely exact to the NAT's
 *    delay of microseconds).  So timing needs packets in both directions;
 *    ORIENT_MIN_LEAD_NS keeps timestamp noise out.
 * 4. A copy: every control message and sampled GRE packet of one side
 *    found on the other with the very same timestamp (a router takes time
 *    to forward; two captures of its two interfaces never agree to the
 *    nanosecond on every packet) and nothing more on either side.
 *
 * Decisions and limits: address evidence outranks timing; contradicting
 * address evidence without timing leaves the order as given (and says so).
 * GRE-only calls (no control connection captured) have no known roles and
 * take part only in the copy test.  Tunnels that are not paired across the
 * captures say nothing (captures sharing no traffic stay inconclusive).
 */
#include "orient.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel.h"

const char *
orient_translated_name(enum orient_translated t)
{
	switch (t) {
	case ORIENT_TRANSLATED_NONE:
		return "none";
	case ORIENT_TRANSLATED_CLIENTS:
		return "clients";
	case ORIENT_TRANSLATED_SERVER:
		return "server";
	case ORIENT_TRANSLATED_BOTH:
		return "both";
	case ORIENT_TRANSLATED_UNKNOWN:
		break;
	}
	return "unknown";
}

bool
orient_addr_private(const struct addr *a)
{
	const uint8_t *b = a->bytes;

	if (a->family == 4)
		return b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
		       (b[0] == 192 && b[1] == 168) || (b[0] == 100 && (b[1] & 0xc0) == 64) ||
		       (b[0] == 169 && b[1] == 254);
	if (a->family == 6)
		return (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80);
	return false;
}

/* The first file of a side, for messages. */
static const char *
side_name(const struct side *s)
{
	return s->ninputs > 0 && s->inputs[0].path != NULL ? s->inputs[0].path : "?";
}

/* ---- packets seen on both sides: timing and the copy test -------------- */

enum { DIR_UP = 0, DIR_DOWN = 1, DIR_UNKNOWN = 2 }; /* up: sent by the client (PNS) */

struct entry {
	uint64_t fp;
	ts_ns_t ts;
	uint32_t call;
	uint8_t dir;
};

static int
cmp_entry(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;

	if (a->fp != b->fp)
		return a->fp < b->fp ? -1 : 1;
	return a->ts < b->ts ? -1 : a->ts > b->ts;
}

/* Control messages and GRE samples of one side, sorted; NULL when out of memory. */
static struct entry *
side_entries(const struct side *s, size_t *n)
{
	const struct tunnels *t = &s->tunnels;
	size_t cap = (size_t)t->gre.nsamples + 1, k = 0;
	struct entry *e;
	uint32_t i, j;

	for (i = 0; i < t->ncalls; i++)
		cap += t->calls[i].nmsgs < CALL_MAX_MSGS ? t->calls[i].nmsgs : CALL_MAX_MSGS;
	if ((e = malloc(cap * sizeof(*e))) == NULL)
		return NULL;
	for (i = 0; i < t->ncalls; i++) {
		const struct call *c = &t->calls[i];
		uint32_t nm = c->nmsgs < CALL_MAX_MSGS ? c->nmsgs : CALL_MAX_MSGS;

		for (j = 0; j < nm; j++)
			e[k++] = (struct entry){
			    c->msgs[j].fingerprint, c->msgs[j].where.ts, i,
			    c->roles_known ? (c->msgs[j].to_pac ? DIR_UP : DIR_DOWN) : DIR_UNKNOWN};
	}
	for (i = 0; i < t->gre.nsamples; i++) {
		const struct gre_sample *g = &t->gre.samples[i];
		bool known = g->call < t->ncalls && t->calls[g->call].roles_known;

		e[k++] = (struct entry){g->fp, g->where.ts, g->call,
		                        !known                 ? DIR_UNKNOWN
		                        : g->dir == GRE_TO_PAC ? DIR_UP
		                                               : DIR_DOWN};
	}
	if (k > 0)
		qsort(e, k, sizeof(*e), cmp_entry);
	*n = k;
	return e;
}

struct timing {
	int64_t *delta[2]; /* a minus b, per direction */
	uint32_t n[2];
	uint64_t matched, same_time;
};

static void
add_delta(struct timing *tm, unsigned dir, int64_t d)
{
	if (tm->n[dir] < ORIENT_MAX_TIMING_SAMPLES)
		tm->delta[dir][tm->n[dir]++] = d;
}

/* Equal fingerprints paired in time order (as correlate does); only unique
 * ones of the same tunnel and direction time the NAT. */
static void
match_entries(const struct correlation *corr, const struct entry *ea, size_t na,
              const struct entry *eb, size_t nb, struct timing *tm)
{
	size_t i = 0, j = 0, ie, je, k;

	while (i < na && j < nb) {
		if (ea[i].fp != eb[j].fp) {
			if (ea[i].fp < eb[j].fp)
				i++;
			else
				j++;
			continue;
		}
		for (ie = i; ie < na && ea[ie].fp == ea[i].fp; ie++)
			;
		for (je = j; je < nb && eb[je].fp == eb[j].fp; je++)
			;
		for (k = 0; i + k < ie && j + k < je; k++) {
			tm->matched++;
			tm->same_time += ea[i + k].ts == eb[j + k].ts;
		}
		if (ie - i == 1 && je - j == 1 && ea[i].dir != DIR_UNKNOWN &&
		    ea[i].dir == eb[j].dir) {
			const struct tunnel_pair *pa =
			    correlation_pair_of(corr, SIDE_A, ea[i].call);
			const struct tunnel_pair *pb =
			    correlation_pair_of(corr, SIDE_B, eb[j].call);

			if (pa != NULL && pa == pb)
				add_delta(tm, ea[i].dir, ea[i].ts - eb[j].ts);
		}
		i = ie;
		j = je;
	}
}

static int64_t
median(int64_t *v, uint32_t n)
{
	ts_sort(v, n);
	return v[n / 2];
}

/* Timing's say: lead > 0 when a holds the clients. */
static void
judge_timing(struct timing *tm, struct orientation *o)
{
	int64_t lead;

	o->timing_samples[0] = tm->n[DIR_UP];
	o->timing_samples[1] = tm->n[DIR_DOWN];
	if (tm->n[DIR_UP] < ORIENT_MIN_TIMING_SAMPLES ||
	    tm->n[DIR_DOWN] < ORIENT_MIN_TIMING_SAMPLES)
		return;
	lead =
	    median(tm->delta[DIR_DOWN], tm->n[DIR_DOWN]) - median(tm->delta[DIR_UP], tm->n[DIR_UP]);
	o->lead_ns = lead / 2; /* the medians differ by twice the forwarding delay */
	if (lead >= ORIENT_MIN_LEAD_NS || lead <= -ORIENT_MIN_LEAD_NS) {
		o->timing_says = true;
		o->timing_a = lead > 0;
	}
}

static uint64_t
input_packets(const struct side *s)
{
	uint64_t n = 0;
	unsigned i;

	for (i = 0; i < s->ninputs; i++)
		n += s->inputs[i].packets;
	return n;
}

/* ---- addresses ---------------------------------------------------------- */

struct mapping {
	struct addr from, to; /* a client's address on one side, on the other */
};

static int
cmp_mapping(const void *x, const void *y)
{
	const struct mapping *p = x, *q = y;
	int c = addr_cmp(&p->to, &q->to);

	return c != 0 ? c : addr_cmp(&p->from, &q->from);
}

/*
 * Client addresses of one side that become one address of the other:
 * returns how many tunnels' clients merge, and one example.
 */
static uint32_t
many_to_one(struct mapping *m, size_t n, struct addr *example_to, uint32_t *example_count)
{
	size_t i = 0, j, k;
	uint32_t votes = 0, distinct;

	if (n == 0)
		return 0;
	qsort(m, n, sizeof(*m), cmp_mapping);
	while (i < n) {
		for (j = i; j < n && addr_eq(&m[j].to, &m[i].to); j++)
			;
		for (distinct = 1, k = i + 1; k < j; k++)
			distinct += !addr_eq(&m[k].from, &m[k - 1].from);
		if (distinct > 1) {
			votes += (uint32_t)(j - i);
			if (distinct > *example_count) {
				*example_count = distinct;
				*example_to = m[i].to;
			}
		}
		i = j;
	}
	return votes;
}

struct address_evidence {
	bool client_changed, server_changed;
	bool have_private;
	int private_side; /* the clients' side by the first private example: 0 a, 1 b */
	bool private_is_server;
	struct addr priv, pub; /* the first example */
	struct addr merged[2];
	uint32_t merged_count[2];
};

static bool
judge_addresses(const struct side *a, const struct side *b, const struct correlation *corr,
                struct orientation *o, struct address_evidence *ev)
{
	struct mapping *ab = malloc(((size_t)corr->npairs + 1) * sizeof(*ab));
	struct mapping *ba = malloc(((size_t)corr->npairs + 1) * sizeof(*ba));
	size_t nm = 0;
	uint32_t i, seen = 0;

	if (ab == NULL || ba == NULL) {
		free(ab);
		free(ba);
		return false;
	}
	for (i = 0; i < corr->npairs; i++) {
		const struct tunnel_pair *p = &corr->pairs[i];
		const struct call *ca, *cb;
		bool pa, pb;

		if (p->call[SIDE_A] >= a->tunnels.ncalls || p->call[SIDE_B] >= b->tunnels.ncalls)
			continue;
		ca = &a->tunnels.calls[p->call[SIDE_A]];
		cb = &b->tunnels.calls[p->call[SIDE_B]];
		if (!ca->roles_known || !cb->roles_known)
			continue;
		seen++;
		if (!addr_eq(&ca->pns, &cb->pns)) {
			ev->client_changed = true;
			pa = orient_addr_private(&ca->pns);
			pb = orient_addr_private(&cb->pns);
			if (pa != pb) {
				o->votes_private[pa ? 0 : 1]++;
				if (!ev->have_private) {
					ev->have_private = true;
					ev->private_side = pa ? 0 : 1;
					ev->private_is_server = false;
					ev->priv = pa ? ca->pns : cb->pns;
					ev->pub = pa ? cb->pns : ca->pns;
				}
			}
			ab[nm] = (struct mapping){ca->pns, cb->pns};
			ba[nm] = (struct mapping){cb->pns, ca->pns};
			nm++;
		}
		if (!addr_eq(&ca->pac, &cb->pac)) {
			ev->server_changed = true;
			pa = orient_addr_private(&ca->pac);
			pb = orient_addr_private(&cb->pac);
			if (pa != pb) {
				/* The server's private address is on the server's side. */
				o->votes_private[pa ? 1 : 0]++;
				if (!ev->have_private) {
					ev->have_private = true;
					ev->private_side = pa ? 1 : 0;
					ev->private_is_server = true;
					ev->priv = pa ? ca->pac : cb->pac;
					ev->pub = pa ? cb->pac : ca->pac;
				}
			}
		}
	}
	o->votes_many_to_one[0] = many_to_one(ab, nm, &ev->merged[0], &ev->merged_count[0]);
	o->votes_many_to_one[1] = many_to_one(ba, nm, &ev->merged[1], &ev->merged_count[1]);
	free(ab);
	free(ba);
	if (seen == 0)
		o->translated = ORIENT_TRANSLATED_UNKNOWN;
	else if (ev->client_changed && ev->server_changed)
		o->translated = ORIENT_TRANSLATED_BOTH;
	else if (ev->client_changed)
		o->translated = ORIENT_TRANSLATED_CLIENTS;
	else if (ev->server_changed)
		o->translated = ORIENT_TRANSLATED_SERVER;
	else
		o->translated = ORIENT_TRANSLATED_NONE;
	return true;
}

/* ---- the decision ------------------------------------------------------- */

static void
describe_addresses(const struct side *a, const struct side *b, const struct address_evidence *ev,
                   int clients, struct orientation *o)
{
	const struct side *sides[2] = {a, b};
	char x[ADDR_STRLEN], y[ADDR_STRLEN];

	if (ev->have_private && ev->private_side == clients) {
		int ps = ev->private_is_server ? 1 - clients : clients;

		snprintf(o->how, sizeof(o->how),
		         ev->private_is_server
		             ? "the server's private address %s is in %s and the address the "
		               "clients reach it at, %s, in %s"
		             : "the clients' private address %s is in %s and their translated "
		               "address %s in %s",
		         addr_format(&ev->priv, x), side_name(sides[ps]), addr_format(&ev->pub, y),
		         side_name(sides[1 - ps]));
	} else {
		snprintf(o->how, sizeof(o->how),
		         "%" PRIu32 " client addresses in %s share the address %s in %s",
		         ev->merged_count[clients], side_name(sides[clients]),
		         addr_format(&ev->merged[clients], x), side_name(sides[1 - clients]));
	}
}

void
orient_judge(const struct side *a, const struct side *b, const struct correlation *corr,
             struct orientation *o)
{
	struct address_evidence ev;
	struct timing tm;
	struct entry *ea = NULL, *eb = NULL;
	size_t na = 0, nb = 0;
	uint32_t va, vb;
	bool ok;

	memset(o, 0, sizeof(*o));
	memset(&ev, 0, sizeof(ev));
	memset(&tm, 0, sizeof(tm));
	snprintf(o->how, sizeof(o->how), "out of memory while comparing the captures");
	ea = side_entries(a, &na);
	eb = side_entries(b, &nb);
	tm.delta[0] = malloc(ORIENT_MAX_TIMING_SAMPLES * sizeof(int64_t));
	tm.delta[1] = malloc(ORIENT_MAX_TIMING_SAMPLES * sizeof(int64_t));
	ok = ea != NULL && eb != NULL && tm.delta[0] != NULL && tm.delta[1] != NULL &&
	     judge_addresses(a, b, corr, o, &ev);
	if (ok) {
		match_entries(corr, ea, na, eb, nb, &tm);
		/* A copy: all of both sides matched, each at the very same time. */
		o->identical = na > 0 && na == nb && tm.same_time == na &&
		               input_packets(a) == input_packets(b) &&
		               o->translated != ORIENT_TRANSLATED_CLIENTS &&
		               o->translated != ORIENT_TRANSLATED_SERVER &&
		               o->translated != ORIENT_TRANSLATED_BOTH;
		judge_timing(&tm, o);
	}
	free(ea);
	free(eb);
	free(tm.delta[0]);
	free(tm.delta[1]);
	if (!ok)
		return;
	if (o->identical) {
		snprintf(o->how, sizeof(o->how),
		         "all %zu PPTP messages and sampled GRE packets of %s are in %s with the "
		         "very same timestamps: "
		         "one capture twice, not two sides of a NAT",
		         na, side_name(a), side_name(b));
		return;
	}
	va = o->votes_private[0] + o->votes_many_to_one[0];
	vb = o->votes_private[1] + o->votes_many_to_one[1];
	if ((va > 0) != (vb > 0)) {
		o->clients = va > 0 ? ORIENT_CLIENTS_A : ORIENT_CLIENTS_B;
		describe_addresses(a, b, &ev, va > 0 ? 0 : 1, o);
	} else if (o->timing_says) {
		const struct side *first = o->timing_a ? a : b;

		o->clients = o->timing_a ? ORIENT_CLIENTS_A : ORIENT_CLIENTS_B;
		snprintf(
		    o->how, sizeof(o->how),
		    "packets from the clients appear in %s first (by %.0f us, median of %" PRIu32
		    " client and %" PRIu32 " server packets)%s",
		    side_name(first), (double)(o->lead_ns < 0 ? -o->lead_ns : o->lead_ns) / 1e3,
		    o->timing_samples[0], o->timing_samples[1],
		    va > 0 ? "; the addresses disagree with each other" : "");
	} else {
		snprintf(o->how, sizeof(o->how), "%s",
		         va > 0
		             ? "the addresses disagree about which capture holds the clients and "
		               "the timing does not tell: judged in the order given"
		             : "neither addresses nor timing say which capture holds the "
		               "clients: judged in the order given");
	}
	o->swapped = o->clients == ORIENT_CLIENTS_B;
}
