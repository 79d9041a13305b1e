/*
 * One side's capture files, read in a thread of their own (see reader.h).
 *
 * The reading thread decodes each frame's headers (side_frame_decode) and
 * copies the decoding and the bytes the analysis reads into a chunk as a
 * record; full chunks go through a ring of READER_CHUNKS to the analysing
 * thread, which replays the records through side_input_begin /
 * side_input_decoded / side_input_end (or their legs_ counterparts) exactly
 * as side_read_capture (or legs_read_capture) would.  Only the ring is
 * shared, under one mutex; everything the side owns is touched by the
 * analysing thread alone.  On 2 cores libpcap's read and copy then overlap
 * the analysis instead of adding to it.
 */
#include "reader.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "legs.h"

enum rec_kind {
	REC_BEGIN, /* a file opened: data = nothing */
	REC_FRAME, /* data = struct side_decoded, then the bytes of the frame the analysis reads */
	REC_SKIP,  /* a frame the analysis does not read: its time only */
	REC_END,   /* a file ended: data = struct rec_end */
	REC_FAIL,  /* a file could not be opened: data = the error text */
};

struct rec {
	uint32_t kind;
	uint32_t len; /* bytes of data after this header */
	uint32_t caplen, wirelen;
	int32_t linktype;
	uint32_t status;
	uint64_t number;
	ts_ns_t ts;
	struct leg_id leg; /* reading into legs: the frame's interface */
};

struct rec_end {
	char format[24];
	char err[CAPTURE_ERRBUF_SIZE];
	int linktypes[SIDE_MAX_LINKTYPES];
	unsigned nlinktypes;
	char names[LEGS_NAMED][LEGS_LABEL_LEN]; /* pcapng interface names, for legs */
};

/* Records start 8-byte aligned. */
#define REC_ALIGN(n) (((n) + 7) & ~(size_t)7)

_Static_assert(READER_CHUNK_BYTES >=
                   sizeof(struct rec) + REC_ALIGN(sizeof(struct side_decoded) + 262144),
               "a chunk holds the largest frame libpcap accepts");

struct chunk {
	uint8_t *buf;
	size_t used;
};

struct reader {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct chunk chunks[READER_CHUNKS];
	unsigned head, full; /* full chunks: head .. head + full - 1 (mod READER_CHUNKS) */
	bool done;           /* the reading thread pushed its last chunk */
	struct chunk *filling;
	const char *const *paths;
	unsigned npaths;
	struct side *side; /* for progress (role, callback); the sink when legs is NULL */
	struct legs *legs; /* the sink when reading one capture split by interface */
};

/* Reading thread: a free chunk to fill (waits while all are full). */
static struct chunk *
take_free(struct reader *r)
{
	struct chunk *c;

	pthread_mutex_lock(&r->lock);
	while (r->full == READER_CHUNKS)
		pthread_cond_wait(&r->cond, &r->lock);
	c = &r->chunks[(r->head + r->full) % READER_CHUNKS];
	pthread_mutex_unlock(&r->lock);
	c->used = 0;
	return c;
}

static void
push_full(struct reader *r, bool last)
{
	pthread_mutex_lock(&r->lock);
	r->full++;
	if (last)
		r->done = true;
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

/* Append a record (a fixed-size prefix, then data); a new chunk when this one cannot hold it. */
static void
put2(struct reader *r, const struct rec *h, const void *prefix, size_t plen, const void *data,
     size_t len)
{
	size_t need = sizeof(*h) + REC_ALIGN(plen + len);
	struct rec copy = *h;
	uint8_t *at;

	if (r->filling->used + need > READER_CHUNK_BYTES) {
		push_full(r, false);
		r->filling = take_free(r);
	}
	copy.len = (uint32_t)(plen + len);
	at = r->filling->buf + r->filling->used;
	memcpy(at, &copy, sizeof(copy));
	if (plen > 0)
		memcpy(at + sizeof(copy), prefix, plen);
	if (len > 0)
		memcpy(at + sizeof(copy) + plen, data, len);
	r->filling->used += need;
}

static void
put(struct reader *r, const struct rec *h, const void *data, size_t len)
{
	put2(r, h, NULL, 0, data, len);
}

static void *
read_files(void *arg)
{
	struct reader *r = arg;
	unsigned i, k;

	r->filling = take_free(r);
	for (i = 0; i < r->npaths; i++) {
		char errbuf[CAPTURE_ERRBUF_SIZE];
		struct capture *cap = capture_open(r->paths[i], errbuf);
		struct capture_frame f;
		enum capture_status st;
		struct rec h;
		struct rec_end end;
		uint64_t total, n = 0;

		memset(&h, 0, sizeof(h));
		if (cap == NULL) {
			h.kind = REC_FAIL;
			put(r, &h, errbuf, strlen(errbuf) + 1);
			break;
		}
		h.kind = REC_BEGIN;
		put(r, &h, NULL, 0);
		total = capture_size(cap);
		h.kind = REC_FRAME;
		errbuf[0] = 0;
		while ((st = capture_next(cap, &f, errbuf)) == CAPTURE_FRAME) {
			/* Decode here, once, and copy only what the analysis
			 * will read: most of a GRE packet is payload it never
			 * looks at, and its headers travel decoded. */
			struct side_decoded dec;
			size_t need = side_frame_decode(&f, &dec);

			h.kind = need > 0 ? REC_FRAME : REC_SKIP;
			h.caplen = (uint32_t)need;
			h.wirelen = f.wirelen;
			h.linktype = f.linktype;
			h.number = f.number;
			h.ts = f.ts;
			if (r->legs != NULL)
				h.leg = legs_id_of(&f);
			if (need > 0)
				put2(r, &h, &dec, sizeof(dec), f.data, need);
			else
				put(r, &h, NULL, 0);
			if (r->side->progress != NULL && ++n % SIDE_PROGRESS_EVERY == 0)
				r->side->progress(r->side->progress_ctx, r->side,
				                  capture_offset(cap), total);
		}
		memset(&end, 0, sizeof(end));
		snprintf(end.format, sizeof(end.format), "%s", capture_format(cap));
		snprintf(end.err, sizeof(end.err), "%s", errbuf);
		end.nlinktypes =
		    (unsigned)capture_linktypes(cap, end.linktypes, SIDE_MAX_LINKTYPES);
		for (k = 0; k < LEGS_NAMED; k++) {
			const char *name = capture_interface_name(cap, k);

			if (name != NULL)
				snprintf(end.names[k], sizeof(end.names[k]), "%s", name);
		}
		h.kind = REC_END;
		h.status = (uint32_t)st;
		put(r, &h, &end, sizeof(end));
		capture_close(cap);
		if (r->side->progress != NULL)
			r->side->progress(r->side->progress_ctx, r->side, total, total);
	}
	push_full(r, true);
	return NULL;
}

/* The names a file's pcapng interfaces carry, handed to legs at the end of the file. */
static void
end_legs(struct legs *l, uint32_t index, const struct rec *h, const struct rec_end *end)
{
	unsigned k;

	for (k = 0; k < LEGS_NAMED; k++)
		if (end->names[k][0] != 0 && l->names[k][0] == 0)
			snprintf(l->names[k], sizeof(l->names[k]), "%s", end->names[k]);
	legs_input_end(l, index, (enum capture_status)h->status, end->err, end->format,
	               end->linktypes, end->nlinktypes, NULL);
}

/* Analysing thread: replay one chunk's records into the side (or the legs). */
static bool
replay(struct reader *r, const struct chunk *c, uint32_t *index, char *errbuf, const char **failed)
{
	size_t off = 0;

	while (off < c->used) {
		struct rec h;
		const uint8_t *data;

		memcpy(&h, c->buf + off, sizeof(h));
		data = c->buf + off + sizeof(h);
		off += sizeof(h) + REC_ALIGN(h.len);
		switch (h.kind) {
		case REC_BEGIN:
			*index = r->legs != NULL
			             ? legs_input_begin(r->legs, r->paths[r->legs->nfiles])
			             : side_input_begin(r->side, r->paths[r->side->ninputs]);
			break;
		case REC_FRAME:
			if (*index != NO_INDEX) {
				struct side_decoded dec;
				struct capture_frame f = {data + sizeof(dec), h.caplen,   h.wirelen,
				                          h.ts,               h.number,   h.linktype,
				                          h.leg.interface};

				memcpy(&dec, data, sizeof(dec));
				if (r->legs != NULL)
					legs_input_decoded(r->legs, *index, &f, &h.leg, &dec);
				else
					side_input_decoded(r->side, *index, &f, &dec);
			}
			break;
		case REC_SKIP:
			if (*index == NO_INDEX)
				break;
			if (r->legs != NULL)
				legs_input_skip(r->legs, *index, h.ts, &h.leg);
			else
				side_input_skip(r->side, *index, h.ts);
			break;
		case REC_END:
			if (*index != NO_INDEX) {
				struct rec_end end;

				memcpy(&end, data, sizeof(end));
				if (r->legs != NULL)
					end_legs(r->legs, *index, &h, &end);
				else
					side_input_end(r->side, *index,
					               (enum capture_status)h.status, end.err,
					               end.format, end.linktypes, end.nlinktypes);
			}
			break;
		case REC_FAIL:
			snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "%s", (const char *)data);
			*failed = r->paths[r->legs != NULL ? r->legs->nfiles : r->side->ninputs];
			return false;
		}
	}
	return true;
}

static bool
read_here(struct reader *r, char *errbuf, const char **failed)
{
	unsigned i;

	for (i = 0; i < r->npaths; i++) {
		struct capture *cap;

		if (r->legs == NULL) {
			if (!side_read_file(r->side, r->paths[i], errbuf)) {
				*failed = r->paths[i];
				return false;
			}
			continue;
		}
		if ((cap = capture_open(r->paths[i], errbuf)) == NULL) {
			*failed = r->paths[i];
			return false;
		}
		legs_read_capture(r->legs, cap, r->paths[i]);
		capture_close(cap);
	}
	return true;
}

static bool
run(struct reader *r, char *errbuf, const char **failed)
{
	pthread_t thread;
	uint32_t index = NO_INDEX;
	bool ok = true;
	unsigned i;

	for (i = 0; i < READER_CHUNKS; i++) {
		r->chunks[i].buf = malloc(READER_CHUNK_BYTES);
		if (r->chunks[i].buf == NULL)
			goto fallback;
	}
	if (pthread_mutex_init(&r->lock, NULL) != 0)
		goto fallback;
	if (pthread_cond_init(&r->cond, NULL) != 0)
		goto fallback_lock;
	if (pthread_create(&thread, NULL, read_files, r) != 0)
		goto fallback_cond;
	for (;;) {
		struct chunk *c;

		pthread_mutex_lock(&r->lock);
		while (r->full == 0 && !r->done)
			pthread_cond_wait(&r->cond, &r->lock);
		if (r->full == 0) {
			pthread_mutex_unlock(&r->lock);
			break;
		}
		c = &r->chunks[r->head];
		pthread_mutex_unlock(&r->lock);
		/* After a failure keep draining, so the reading thread can finish. */
		if (ok)
			ok = replay(r, c, &index, errbuf, failed);
		pthread_mutex_lock(&r->lock);
		r->head = (r->head + 1) % READER_CHUNKS;
		r->full--;
		pthread_cond_signal(&r->cond);
		pthread_mutex_unlock(&r->lock);
	}
	pthread_join(thread, NULL);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	for (i = 0; i < READER_CHUNKS; i++)
		free(r->chunks[i].buf);
	return ok;

fallback_cond:
	pthread_cond_destroy(&r->cond);
fallback_lock:
	pthread_mutex_destroy(&r->lock);
fallback:
	for (i = 0; i < READER_CHUNKS; i++)
		free(r->chunks[i].buf);
	return read_here(r, errbuf, failed);
}

bool
reader_run(struct side *s, const char *const *paths, unsigned n, char *errbuf, const char **failed)
{
	struct reader r;

	memset(&r, 0, sizeof(r));
	r.paths = paths;
	r.npaths = n;
	r.side = s;
	return run(&r, errbuf, failed);
}

bool
reader_run_legs(struct legs *l, const char *const *paths, unsigned n, char *errbuf,
                const char **failed)
{
	struct reader r;

	memset(&r, 0, sizeof(r));
	r.paths = paths;
	r.npaths = n;
	r.side = l->sides[0];
	r.legs = l;
	return run(&r, errbuf, failed);
}
