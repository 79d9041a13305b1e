/* IP fragment reassembly, bounded (RFC 791 section 3.2, RFC 5722, RFC 8200 section 4.5). */
#include "frag.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/*
 * Known limits and choices:
 * - Datagrams are keyed by (source, destination, protocol, identification);
 *   the address family keeps IPv4 and IPv6 apart.  Only the upper-layer
 *   payload is rebuilt, never the IP header.
 * - Coverage is kept per 8-byte block, the unit of fragment offsets: every
 *   fragment but the last must carry a multiple of 8 bytes (RFC 791), so a
 *   received block is whole except the datagram's final one.
 * - A fragment overlapping received bytes is compared with them: equal
 *   bytes are a duplicate and accepted, different bytes poison the
 *   datagram (RFC 5722's rule, softened for captures that hold a frame
 *   twice).  A poisoned datagram keeps its slot, without its buffer, so
 *   its later fragments are dropped too, until it times out or is evicted.
 * - An IPv6 first fragment whose fragmentable part starts with extension
 *   headers rebuilds into a payload that starts with them; proto is then
 *   the first of them.
 * - The time limit runs from a datagram's first fragment, as in Linux.
 *   Time going backwards expires nothing.
 */

#define FRAG_BLOCK 8 /* fragment offsets count 8-byte blocks */
#define FRAG_NBLOCKS ((FRAG_MAX_BYTES + FRAG_BLOCK - 1) / FRAG_BLOCK)
#define FRAG_MAP_WORDS ((FRAG_NBLOCKS + 63) / 64)
/*
 * Buffers grow in steps of this: one step holds a datagram fragmented over
 * an MTU of 1500 or so, which is all PPTP usually sees.
 */
#define FRAG_BUF_STEP 2048

struct frag_datagram {
	bool used;
	bool poisoned;
	bool have_last;
	uint8_t proto;
	uint32_t id;
	struct addr src, dst;
	ts_ns_t first_ts;
	uint64_t seq;       /* creation order: the oldest is evicted first */
	size_t total;       /* payload length, known once the last fragment arrived */
	size_t max_end;     /* end of the furthest fragment so far */
	size_t blocks_have; /* blocks received */
	uint8_t *buf;
	size_t cap;
	uint64_t map[FRAG_MAP_WORDS]; /* one bit per received block */
};

struct frag_table {
	struct frag_datagram dg[FRAG_MAX_DATAGRAMS];
	size_t open; /* slots in use */
	uint64_t next_seq;
	uint8_t *done; /* payload of the last FRAG_COMPLETE, freed on the next call */
	struct frag_stats stats;
};

struct frag_table *
frag_new(void)
{
	return calloc(1, sizeof(struct frag_table));
}

static void
frag_release(struct frag_table *t, struct frag_datagram *d)
{
	free(d->buf);
	memset(d, 0, sizeof(*d));
	t->open--;
}

/* Keep the key so later fragments are recognised and dropped; free the bytes. */
static void
frag_poison(struct frag_datagram *d, uint64_t *counter)
{
	(*counter)++;
	free(d->buf);
	d->buf = NULL;
	d->cap = 0;
	d->poisoned = true;
}

void
frag_expire_all(struct frag_table *t)
{
	size_t i;

	for (i = 0; i < FRAG_MAX_DATAGRAMS && t->open > 0; i++) {
		struct frag_datagram *d = &t->dg[i];

		if (!d->used)
			continue;
		if (!d->poisoned)
			t->stats.incomplete_at_end++;
		frag_release(t, d);
	}
}

void
frag_free(struct frag_table *t)
{
	if (t == NULL)
		return;
	frag_expire_all(t);
	free(t->done);
	free(t);
}

const struct frag_stats *
frag_stats(const struct frag_table *t)
{
	return &t->stats;
}

static void
frag_expire(struct frag_table *t, ts_ns_t ts)
{
	size_t i;

	for (i = 0; i < FRAG_MAX_DATAGRAMS && t->open > 0; i++) {
		struct frag_datagram *d = &t->dg[i];

		/* Unsigned difference: a wild timestamp cannot overflow. */
		if (!d->used || ts <= d->first_ts ||
		    (uint64_t)ts - (uint64_t)d->first_ts <= (uint64_t)FRAG_TIMEOUT_NS)
			continue;
		if (!d->poisoned)
			t->stats.timed_out++;
		frag_release(t, d);
	}
}

static bool
frag_key_eq(const struct frag_datagram *d, const struct ip_packet *ip)
{
	return d->id == ip->id && d->proto == ip->proto && addr_eq(&d->src, &ip->src) &&
	       addr_eq(&d->dst, &ip->dst);
}

/* The datagram this fragment belongs to; a new one, evicting the oldest if full. */
static struct frag_datagram *
frag_lookup(struct frag_table *t, const struct ip_packet *ip, ts_ns_t ts)
{
	struct frag_datagram *d = NULL, *oldest = NULL;
	size_t i;

	for (i = 0; i < FRAG_MAX_DATAGRAMS; i++) {
		struct frag_datagram *e = &t->dg[i];

		if (!e->used) {
			if (d == NULL)
				d = e;
			continue;
		}
		if (frag_key_eq(e, ip))
			return e;
		if (oldest == NULL || e->seq < oldest->seq)
			oldest = e;
	}
	if (d == NULL) {
		t->stats.table_full++;
		frag_release(t, oldest);
		d = oldest;
	}
	d->used = true;
	d->src = ip->src;
	d->dst = ip->dst;
	d->proto = ip->proto;
	d->id = ip->id;
	d->first_ts = ts;
	d->seq = t->next_seq++;
	t->open++;
	return d;
}

static bool
frag_has_block(const struct frag_datagram *d, size_t b)
{
	return (d->map[b / 64] >> (b % 64) & 1) != 0;
}

/* Received blocks under [off, end) must hold the same bytes as data. */
static bool
frag_same_bytes(const struct frag_datagram *d, size_t off, size_t end, const uint8_t *data)
{
	size_t b;

	for (b = off / FRAG_BLOCK; b * FRAG_BLOCK < end; b++) {
		size_t from, to;

		if (!frag_has_block(d, b))
			continue;
		from = b * FRAG_BLOCK;
		to = from + FRAG_BLOCK < end ? from + FRAG_BLOCK : end;
		if (d->have_last && to > d->total)
			to = d->total;
		if (to > from && memcmp(d->buf + from, data + (from - off), to - from) != 0)
			return false;
	}
	return true;
}

static bool
frag_grow(struct frag_datagram *d, size_t end)
{
	size_t cap;
	uint8_t *buf;

	if (end <= d->cap)
		return true;
	cap = (end + FRAG_BUF_STEP - 1) / FRAG_BUF_STEP * FRAG_BUF_STEP;
	if (cap > FRAG_MAX_BYTES)
		cap = FRAG_MAX_BYTES;
	buf = realloc(d->buf, cap);
	if (buf == NULL)
		return false;
	d->buf = buf;
	d->cap = cap;
	return true;
}

static void
frag_store(struct frag_datagram *d, size_t off, size_t end, const uint8_t *data)
{
	size_t b;

	memcpy(d->buf + off, data, end - off);
	for (b = off / FRAG_BLOCK; b * FRAG_BLOCK < end; b++) {
		if (!frag_has_block(d, b)) {
			d->map[b / 64] |= UINT64_C(1) << (b % 64);
			d->blocks_have++;
		}
	}
	if (end > d->max_end)
		d->max_end = end;
}

enum frag_result
frag_add(struct frag_table *t, const struct ip_packet *ip, ts_ns_t ts, const uint8_t **payload,
         size_t *len)
{
	struct frag_datagram *d;
	size_t off = ip->frag_offset;
	size_t n = ip->payload_len;
	size_t end;

	free(t->done);
	t->done = NULL;
	*payload = NULL;
	*len = 0;
	frag_expire(t, ts);
	if (!ip->is_fragment) {
		t->stats.invalid++;
		return FRAG_DROPPED;
	}
	d = frag_lookup(t, ip, ts);
	if (d->poisoned)
		return FRAG_DROPPED;
	if (ip->truncated) {
		frag_poison(d, &t->stats.truncated);
		return FRAG_DROPPED;
	}
	if (off > FRAG_MAX_BYTES || n > FRAG_MAX_BYTES - off) {
		frag_poison(d, &t->stats.too_big);
		return FRAG_DROPPED;
	}
	end = off + n;
	if (n == 0 || (ip->more_fragments && n % FRAG_BLOCK != 0) ||
	    (d->have_last && end > d->total) ||
	    (!ip->more_fragments && ((d->have_last && end != d->total) || end < d->max_end))) {
		frag_poison(d, &t->stats.invalid);
		return FRAG_DROPPED;
	}
	if (!frag_same_bytes(d, off, end, ip->payload)) {
		frag_poison(d, &t->stats.overlaps);
		return FRAG_DROPPED;
	}
	if (!frag_grow(d, end)) {
		frag_poison(d, &t->stats.no_memory);
		return FRAG_DROPPED;
	}
	frag_store(d, off, end, ip->payload);
	if (!ip->more_fragments) {
		d->have_last = true;
		d->total = end;
	}
	if (!d->have_last || d->blocks_have < (d->total + FRAG_BLOCK - 1) / FRAG_BLOCK)
		return FRAG_PENDING;
	t->stats.reassembled++;
	t->done = d->buf;
	d->buf = NULL;
	*payload = t->done;
	*len = d->total;
	frag_release(t, d);
	return FRAG_COMPLETE;
}
