/* TCP reassembly of one direction of one connection (RFC 9293 sections 3.4, 3.10.7.4). */
/*
 * Decisions and known limits:
 * - Sequence numbers are compared modulo 2^32 through signed 32-bit
 *   differences from the next expected sequence number (RFC 9293 3.4).
 * - A SYN consumes one sequence number; data on a SYN is accepted after it.
 *   A FIN needs no accounting: no data follows it.  Payload on an RST is
 *   not delivered (receivers discard it, RFC 9293 3.10.7.4 and RFC 1122
 *   4.2.2.12), and an RST does not fix the starting sequence number.
 * - A new connection reusing the 4-tuple is a new stream: the caller makes
 *   one.  Here a segment more than STREAM_SEQ_WINDOW away from the next
 *   expected byte (either way) lies outside any window a receiver could
 *   accept; it is dropped and counted in out_of_window, SYN or not.
 * - Overlapping data: the first copy wins, as in most stacks (Linux,
 *   the BSDs), unless the copies' checksums tell them apart: a capture
 *   from 802.11 monitor mode or a bad NIC records damaged frames beside
 *   the clean retransmission the receiver actually took.  Each copy comes
 *   with its rank (enum stream_copy); a better-ranked copy replaces held
 *   bytes, a worse one is ignored (counted in outranked), and only copies
 *   of equal rank (both verified, or neither) that differ conflict.  Bytes
 *   already delivered are compared with the last STREAM_HISTORY_BYTES
 *   delivered, with their ranks; bytes already buffered out of order are
 *   compared with the buffer.  A difference raises one conflict per
 *   segment; older bytes are trimmed unchecked.  A verified copy that
 *   contradicts unverified bytes already delivered is a conflict too: the
 *   bytes cannot be taken back.
 * - A failed copy is never delivered at once: it is held (even when it is
 *   next in sequence, stopping delivery behind it) until a better copy of
 *   its bytes arrives, or the peer acknowledges past its start, or the
 *   stream is flushed, or the out-of-order limits need its room.  Then,
 *   with no better copy in the capture, its bytes are reported as a gap:
 *   bytes a checksum contradicts are not evidence.
 * - A direction in which no copy carrying data has verified yet ranks
 *   failed copies as unverified: a capture taken on a host with checksum
 *   offload shows every segment that host sent with a wrong checksum from
 *   the first one (the offload patterns tcp.c recognises cover most, not
 *   all, NICs), and holding all of them would lose the whole direction.
 *   Segments without data do not count: some stacks compute the checksum
 *   of a bare ACK themselves and leave only data segments to the NIC (one
 *   of the public captures in testdata shows exactly that).
 * - A receive offload (GRO/LRO) merging several segments into one also
 *   shows a wrong checksum; PPTP peers push each control message, and a
 *   pushed segment ends such a merge, so control data is not expected to
 *   be merged.  Were it, its bytes would be held and, unconfirmed, become
 *   a gap: never a false message.
 * - Out-of-order data is copied (capture bytes are borrowed) into at most
 *   STREAM_MAX_OOO_SEGMENTS pieces and STREAM_MAX_OOO_BYTES bytes, kept in a
 *   sorted list so one segment costs O(segments held).  When a new piece
 *   does not fit, the stream gives up on the earliest hole: a gap is
 *   reported up to the earliest data held (the new piece included, if it
 *   is the earliest), that data is delivered, and the count ooo_overflow
 *   goes up.  Nothing is ever delivered across a hole without a gap.
 * - If a copy cannot be allocated the piece is dropped; its hole is then
 *   reported as a gap like any other lost data.
 */
#include "stream.h"

#include <stdlib.h>
#include <string.h>

#include "tcp.h"

/* Farther than this from the next expected byte, a segment cannot be in
 * any receive window (the largest is 2^30 with window scaling, RFC 7323
 * 2.3), so it belongs to something else: dropped, never a 1 GiB gap. */
#define STREAM_SEQ_WINDOW (UINT32_C(1) << 30)

/* Bytes taken from one segment.  TCP payloads stop at 64 KiB (512 KiB with
 * BIG TCP offloads) and captures at their snapshot length; this only keeps
 * sequence arithmetic (window + segment < 2^31) from wrapping. */
#define STREAM_MAX_SEGMENT_LEN (UINT32_C(1) << 24)

_Static_assert((STREAM_HISTORY_BYTES & (STREAM_HISTORY_BYTES - 1)) == 0,
               "history ring is indexed by sequence number modulo its size");
_Static_assert(STREAM_MAX_OOO_BYTES <= STREAM_MAX_SEGMENT_LEN, "a held piece fits a segment");

/* One out-of-order piece, copied; the list is sorted and pieces never overlap. */
struct ooo_seg {
	struct ooo_seg *prev, *next;
	uint32_t seq;
	uint32_t len;
	enum stream_copy copy; /* rank of the worst copy its bytes came from */
	uint64_t frame;
	ts_ns_t ts;
	uint8_t *data;
};

struct stream {
	bool started;
	uint32_t next_seq;
	/* Last delivered bytes; byte at sequence number x is at x % size. */
	uint8_t history[STREAM_HISTORY_BYTES];
	/* Which of them came from a verified copy (one bit each); the rest are
	 * unverified: a failed copy is never delivered. */
	uint8_t history_verified[STREAM_HISTORY_BYTES / 8];
	size_t history_len;
	bool verified_seen; /* a copy with data in this direction verified */
	struct ooo_seg pool[STREAM_MAX_OOO_SEGMENTS];
	struct ooo_seg *free_list;
	struct ooo_seg *head, *tail;
	size_t ooo_segments, ooo_bytes;
	struct stream_stats stats;
};

/* A run of new bytes of one segment, to place before node succ (NULL: at the end). */
struct piece {
	uint32_t off, len;
	struct ooo_seg *succ;
};

struct stream *
stream_new(void)
{
	struct stream *s = calloc(1, sizeof(*s));
	size_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < ARRAY_LEN(s->pool); i++) {
		s->pool[i].next = s->free_list;
		s->free_list = &s->pool[i];
	}
	return s;
}

void
stream_free(struct stream *s)
{
	struct ooo_seg *e;

	if (s == NULL)
		return;
	for (e = s->head; e != NULL; e = e->next)
		free(e->data);
	free(s);
}

const struct stream_stats *
stream_stats(const struct stream *s)
{
	return &s->stats;
}

size_t
stream_buffered(const struct stream *s)
{
	return s->ooo_bytes;
}

/* Distance of seq after the next expected byte (negative: before it). */
static int32_t
seq_off(const struct stream *s, uint32_t seq)
{
	return (int32_t)(seq - s->next_seq);
}

static void
mark_verified(struct stream *s, size_t at, size_t n, bool verified)
{
	size_t i;

	for (i = at; i < at + n; i++) {
		if (verified)
			s->history_verified[i / 8] |= (uint8_t)(1u << (i % 8));
		else
			s->history_verified[i / 8] &= (uint8_t) ~(1u << (i % 8));
	}
}

static enum stream_copy
history_copy_at(const struct stream *s, size_t at)
{
	return (s->history_verified[at / 8] >> (at % 8)) & 1 ? STREAM_COPY_VERIFIED
	                                                     : STREAM_COPY_UNVERIFIED;
}

static void
history_add(struct stream *s, const uint8_t *p, size_t len, enum stream_copy copy)
{
	uint32_t seq = s->next_seq;
	size_t at, first;

	if (len > STREAM_HISTORY_BYTES) {
		seq += (uint32_t)(len - STREAM_HISTORY_BYTES);
		p += len - STREAM_HISTORY_BYTES;
		len = STREAM_HISTORY_BYTES;
	}
	at = seq & (STREAM_HISTORY_BYTES - 1);
	first = STREAM_HISTORY_BYTES - at < len ? STREAM_HISTORY_BYTES - at : len;
	memcpy(s->history + at, p, first);
	memcpy(s->history, p + first, len - first);
	mark_verified(s, at, first, copy == STREAM_COPY_VERIFIED);
	mark_verified(s, 0, len - first, copy == STREAM_COPY_VERIFIED);
	s->history_len = s->history_len + len < STREAM_HISTORY_BYTES ? s->history_len + len
	                                                             : STREAM_HISTORY_BYTES;
}

static void
deliver(struct stream *s, const struct stream_sink *sink, const uint8_t *p, uint32_t len,
        enum stream_copy copy, uint64_t frame, ts_ns_t ts)
{
	if (sink != NULL && sink->data != NULL)
		sink->data(sink->ctx, p, len, frame, ts);
	s->stats.bytes_delivered += len;
	history_add(s, p, len, copy);
	s->next_seq += len;
}

/* Give up on the next missing bytes: the stream resumes after them. */
static void
gap(struct stream *s, const struct stream_sink *sink, uint32_t missing, uint64_t frame, ts_ns_t ts)
{
	if (sink != NULL && sink->gap != NULL)
		sink->gap(sink->ctx, missing, frame, ts);
	s->stats.gaps++;
	s->stats.gap_bytes += missing;
	s->next_seq += missing;
	s->history_len = 0; /* the bytes before a gap no longer end at next_seq */
}

static void
unlink_seg(struct stream *s, struct ooo_seg *e)
{
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		s->head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		s->tail = e->prev;
	s->ooo_segments--;
	s->ooo_bytes -= e->len;
	free(e->data);
	e->data = NULL;
	e->prev = NULL;
	e->next = s->free_list;
	s->free_list = e;
}

/* Deliver held pieces while the first one is next in sequence and not a failed copy. */
static void
drain(struct stream *s, const struct stream_sink *sink)
{
	while (s->head != NULL && s->head->seq == s->next_seq &&
	       s->head->copy != STREAM_COPY_FAILED) {
		struct ooo_seg *e = s->head;

		deliver(s, sink, e->data, e->len, e->copy, e->frame, e->ts);
		unlink_seg(s, e);
	}
}

/* Give up waiting for a better copy of the failed piece that is next in
 * sequence: its bytes are missing from the capture. */
static void
give_up_failed(struct stream *s, const struct stream_sink *sink)
{
	struct ooo_seg *e = s->head;

	if (e == NULL || e->seq != s->next_seq || e->copy != STREAM_COPY_FAILED)
		return;
	s->stats.failed_dropped += e->len;
	gap(s, sink, e->len, e->frame, e->ts);
	unlink_seg(s, e);
}

static bool
fits(const struct stream *s, uint32_t len)
{
	return s->free_list != NULL && len <= STREAM_MAX_OOO_BYTES - s->ooo_bytes;
}

/* Copy a piece into the list before succ; without memory the piece is lost. */
static void
insert(struct stream *s, uint32_t seq, const uint8_t *p, uint32_t len, enum stream_copy copy,
       struct ooo_seg *succ, uint64_t frame, ts_ns_t ts)
{
	struct ooo_seg *e = s->free_list;
	uint8_t *bytes = malloc(len);

	if (bytes == NULL)
		return;
	memcpy(bytes, p, len);
	s->free_list = e->next;
	e->seq = seq;
	e->len = len;
	e->copy = copy;
	e->frame = frame;
	e->ts = ts;
	e->data = bytes;
	e->next = succ;
	e->prev = succ != NULL ? succ->prev : s->tail;
	if (e->prev != NULL)
		e->prev->next = e;
	else
		s->head = e;
	if (succ != NULL)
		succ->prev = e;
	else
		s->tail = e;
	s->ooo_segments++;
	s->ooo_bytes += len;
}

/*
 * Place new bytes that lie in a hole at or after next_seq: deliver them if
 * they are next (and not a failed copy), else hold them; when holding
 * would break a limit, report the earliest hole (or failed piece) as a gap
 * and try again.  Each retry either delivers or holds the piece or empties
 * at least one held piece, hence the cap.  A failed copy that does not fit
 * is dropped: its hole is reported like any other lost data.
 */
static void
place(struct stream *s, const struct stream_sink *sink, uint32_t seq, const uint8_t *p,
      uint32_t len, enum stream_copy copy, struct ooo_seg *succ, uint64_t frame, ts_ns_t ts)
{
	size_t turn;

	for (turn = 0; turn < STREAM_MAX_OOO_SEGMENTS + 2; turn++) {
		int32_t off = seq_off(s, seq);

		if (off <= 0 && copy != STREAM_COPY_FAILED) {
			/* never < 0: pieces lie in holes at or after next_seq */
			deliver(s, sink, p, len, copy, frame, ts);
			drain(s, sink);
			return;
		}
		if (fits(s, len)) {
			insert(s, seq, p, len, copy, succ, frame, ts);
			return;
		}
		if (copy == STREAM_COPY_FAILED) {
			s->stats.failed_dropped += len;
			return;
		}
		s->stats.ooo_overflow++;
		if (s->head == NULL || seq_off(s, s->head->seq) > off) {
			gap(s, sink, (uint32_t)off, frame, ts);
		} else {
			if (seq_off(s, s->head->seq) > 0)
				gap(s, sink, (uint32_t)seq_off(s, s->head->seq), s->head->frame,
				    s->head->ts);
			give_up_failed(s, sink);
			drain(s, sink);
		}
	}
}

/*
 * Bytes [lo, hi) of a new copy overlap held piece e, whose bytes differ
 * (differ) or not.  The better-ranked copy's bytes stay; returns true when
 * the copies conflict (equal rank, different bytes).
 */
static bool
settle_held(struct stream *s, struct ooo_seg *e, uint32_t es, const uint8_t *p, uint32_t a,
            uint32_t lo, uint32_t hi, enum stream_copy copy, bool differ, uint64_t frame,
            ts_ns_t ts)
{
	if (copy == e->copy)
		return differ;
	if (copy < e->copy) {
		s->stats.outranked += differ;
		return false;
	}
	if (differ) {
		memcpy(e->data + (lo - es), p + (lo - a), hi - lo);
		s->stats.replaced_bytes += hi - lo;
		s->stats.outranked++;
	}
	if (lo == es && hi == es + e->len) {
		/* Every byte of the piece now comes from the better copy. */
		e->copy = copy;
		e->frame = frame;
		e->ts = ts;
	}
	return false;
}

/*
 * Split new bytes at [seq, seq + len), seq at or after next_seq, into the
 * runs not held yet, comparing the bytes already held (first copy wins).
 * Returns the number of pieces; *conflict is set on differing bytes.
 */
static size_t
split(struct stream *s, uint32_t seq, const uint8_t *p, uint32_t len, enum stream_copy copy,
      uint64_t frame, ts_ns_t ts, struct piece *out, bool *conflict)
{
	uint32_t a = seq - s->next_seq, b = a + len, pos = a;
	struct ooo_seg *e;
	size_t n = 0;

	for (e = s->head; e != NULL && pos < b; e = e->next) {
		uint32_t es = e->seq - s->next_seq, ee = es + e->len, lo, hi;

		if (ee <= pos)
			continue;
		if (es >= b)
			break;
		if (es > pos)
			out[n++] = (struct piece){pos - a, es - pos, e};
		lo = es > pos ? es : pos;
		hi = ee < b ? ee : b;
		if (settle_held(s, e, es, p, a, lo, hi, copy,
		                memcmp(p + (lo - a), e->data + (lo - es), hi - lo) != 0, frame, ts))
			*conflict = true;
		s->stats.retransmitted_bytes += hi - lo;
		pos = ee;
	}
	if (pos < b)
		out[n++] = (struct piece){pos - a, b - pos, e};
	return n;
}

/*
 * Compare the part of a retransmission that is still in the history ring:
 * true when it contradicts delivered bytes that were no better a copy
 * (a worse copy that differs is only counted).
 */
static bool
history_differs(struct stream *s, uint32_t seq, const uint8_t *p, uint32_t dup, uint32_t back,
                enum stream_copy copy)
{
	uint32_t j = back > s->history_len ? back - (uint32_t)s->history_len : 0;
	bool outranked = false;

	for (; j < dup; j++) {
		size_t at = (seq + j) & (STREAM_HISTORY_BYTES - 1);

		if (p[j] == s->history[at])
			continue;
		if (copy >= history_copy_at(s, at))
			return true;
		outranked = true;
	}
	s->stats.outranked += outranked;
	return false;
}

void
stream_segment(struct stream *s, const struct stream_sink *sink, uint32_t seq, uint8_t tcp_flags,
               const uint8_t *payload, size_t len, uint64_t frame, ts_ns_t ts)
{
	stream_segment_copy(s, sink, seq, tcp_flags, payload, len, STREAM_COPY_UNVERIFIED, frame,
	                    ts);
}

void
stream_segment_copy(struct stream *s, const struct stream_sink *sink, uint32_t seq,
                    uint8_t tcp_flags, const uint8_t *payload, size_t len, enum stream_copy copy,
                    uint64_t frame, ts_ns_t ts)
{
	/* One piece per hole between held pieces, plus one after the last. */
	struct piece pieces[STREAM_MAX_OOO_SEGMENTS + 1];
	uint32_t n = len < STREAM_MAX_SEGMENT_LEN ? (uint32_t)len : STREAM_MAX_SEGMENT_LEN;
	bool conflict = false;
	size_t count, i;
	int32_t off;

	s->stats.segments++;
	if (copy > STREAM_COPY_VERIFIED)
		copy = STREAM_COPY_UNVERIFIED;
	if (copy == STREAM_COPY_VERIFIED && payload != NULL && len > 0)
		s->verified_seen = true;
	else if (copy == STREAM_COPY_FAILED && !s->verified_seen)
		copy = STREAM_COPY_UNVERIFIED; /* maybe offload: see the decisions above */
	if (tcp_flags & TCP_RST)
		return;
	if (tcp_flags & TCP_SYN)
		seq++;
	if (payload == NULL)
		n = 0;
	if (!s->started) {
		s->started = true;
		s->next_seq = seq;
	}
	off = seq_off(s, seq);
	if (off > (int32_t)STREAM_SEQ_WINDOW || off < -(int32_t)STREAM_SEQ_WINDOW) {
		s->stats.out_of_window++;
		return;
	}
	if (n == 0)
		return;
	if (copy == STREAM_COPY_FAILED)
		s->stats.failed_segments++;
	if (off < 0) {
		uint32_t back = (uint32_t)-off, dup = back < n ? back : n;

		conflict = history_differs(s, seq, payload, dup, back, copy);
		s->stats.retransmitted_bytes += dup;
		seq += dup;
		payload += dup;
		n -= dup;
	}
	count = n > 0 ? split(s, seq, payload, n, copy, frame, ts, pieces, &conflict) : 0;
	for (i = 0; i < count; i++)
		place(s, sink, seq + pieces[i].off, payload + pieces[i].off, pieces[i].len, copy,
		      pieces[i].succ, frame, ts);
	drain(s, sink); /* a held failed copy may just have been replaced */
	if (conflict) {
		s->stats.conflicts++;
		if (sink != NULL && sink->conflict != NULL)
			sink->conflict(sink->ctx, frame, ts);
	}
}

void
stream_acked(struct stream *s, const struct stream_sink *sink, uint32_t ack)
{
	size_t turn;

	if (!s->started || seq_off(s, ack) <= 0 || (uint32_t)seq_off(s, ack) > STREAM_SEQ_WINDOW)
		return;
	/* Each turn gives up one acknowledged hole, or failed copy the peer
	 * received a good copy of, and drains what follows it. */
	for (turn = 0; s->head != NULL && turn < 2 * STREAM_MAX_OOO_SEGMENTS; turn++) {
		int32_t off = seq_off(s, s->head->seq);

		if ((int32_t)(ack - s->head->seq) < 0)
			break; /* the peer has not received the held data's start yet */
		if (off > 0)
			gap(s, sink, (uint32_t)off, s->head->frame, s->head->ts);
		if (s->head->copy == STREAM_COPY_FAILED) {
			if ((int32_t)(ack - s->head->seq) == 0)
				break;
			give_up_failed(s, sink);
		}
		drain(s, sink);
	}
}

void
stream_flush(struct stream *s, const struct stream_sink *sink)
{
	size_t turn;

	/* Each turn delivers or gives up at least the first held piece. */
	for (turn = 0; s->head != NULL && turn < STREAM_MAX_OOO_SEGMENTS; turn++) {
		int32_t off = seq_off(s, s->head->seq);

		if (off > 0)
			gap(s, sink, (uint32_t)off, s->head->frame, s->head->ts);
		give_up_failed(s, sink);
		drain(s, sink);
	}
}
