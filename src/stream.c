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
 *   the BSDs).  Bytes already delivered are compared with the last
 *   STREAM_HISTORY_BYTES delivered; bytes already buffered out of order are
 *   compared with the buffer.  A difference raises one conflict per segment;
 *   older bytes are trimmed unchecked.
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
	uint64_t frame;
	ts_ns_t ts;
	uint8_t *data;
};

struct stream {
	bool started;
	uint32_t next_seq;
	/* Last delivered bytes; byte at sequence number x is at x % size. */
	uint8_t history[STREAM_HISTORY_BYTES];
	size_t history_len;
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
history_add(struct stream *s, const uint8_t *p, size_t len)
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
	s->history_len = s->history_len + len < STREAM_HISTORY_BYTES ? s->history_len + len
	                                                             : STREAM_HISTORY_BYTES;
}

static void
deliver(struct stream *s, const struct stream_sink *sink, const uint8_t *p, uint32_t len,
        uint64_t frame, ts_ns_t ts)
{
	if (sink != NULL && sink->data != NULL)
		sink->data(sink->ctx, p, len, frame, ts);
	s->stats.bytes_delivered += len;
	history_add(s, p, len);
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

/* Deliver held pieces while the first one is next in sequence. */
static void
drain(struct stream *s, const struct stream_sink *sink)
{
	while (s->head != NULL && s->head->seq == s->next_seq) {
		struct ooo_seg *e = s->head;

		deliver(s, sink, e->data, e->len, e->frame, e->ts);
		unlink_seg(s, e);
	}
}

static bool
fits(const struct stream *s, uint32_t len)
{
	return s->free_list != NULL && len <= STREAM_MAX_OOO_BYTES - s->ooo_bytes;
}

/* Copy a piece into the list before succ; without memory the piece is lost. */
static void
insert(struct stream *s, uint32_t seq, const uint8_t *p, uint32_t len, struct ooo_seg *succ,
       uint64_t frame, ts_ns_t ts)
{
	struct ooo_seg *e = s->free_list;
	uint8_t *copy = malloc(len);

	if (copy == NULL)
		return;
	memcpy(copy, p, len);
	s->free_list = e->next;
	e->seq = seq;
	e->len = len;
	e->frame = frame;
	e->ts = ts;
	e->data = copy;
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
 * they are next, else hold them; when holding would break a limit, report
 * the earliest hole as a gap and try again.  Each retry either delivers
 * the piece or empties at least one held piece, hence the cap.
 */
static void
place(struct stream *s, const struct stream_sink *sink, uint32_t seq, const uint8_t *p,
      uint32_t len, struct ooo_seg *succ, uint64_t frame, ts_ns_t ts)
{
	size_t turn;

	for (turn = 0; turn < STREAM_MAX_OOO_SEGMENTS + 2; turn++) {
		int32_t off = seq_off(s, seq);

		if (off <= 0) { /* never < 0: pieces lie in holes at or after next_seq */
			deliver(s, sink, p, len, frame, ts);
			drain(s, sink);
			return;
		}
		if (fits(s, len)) {
			insert(s, seq, p, len, succ, frame, ts);
			return;
		}
		s->stats.ooo_overflow++;
		if (s->head == NULL || seq_off(s, s->head->seq) > off) {
			gap(s, sink, (uint32_t)off, frame, ts);
		} else {
			gap(s, sink, (uint32_t)seq_off(s, s->head->seq), s->head->frame,
			    s->head->ts);
			drain(s, sink);
		}
	}
}

/*
 * Split new bytes at [seq, seq + len), seq at or after next_seq, into the
 * runs not held yet, comparing the bytes already held (first copy wins).
 * Returns the number of pieces; *conflict is set on differing bytes.
 */
static size_t
split(struct stream *s, uint32_t seq, const uint8_t *p, uint32_t len, struct piece *out,
      bool *conflict)
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
		if (memcmp(p + (lo - a), e->data + (lo - es), hi - lo) != 0)
			*conflict = true;
		s->stats.retransmitted_bytes += hi - lo;
		pos = ee;
	}
	if (pos < b)
		out[n++] = (struct piece){pos - a, b - pos, e};
	return n;
}

/* Compare the part of a retransmission that is still in the history ring. */
static bool
history_differs(const struct stream *s, uint32_t seq, const uint8_t *p, uint32_t dup, uint32_t back)
{
	uint32_t j = back > s->history_len ? back - (uint32_t)s->history_len : 0;

	for (; j < dup; j++)
		if (p[j] != s->history[(seq + j) & (STREAM_HISTORY_BYTES - 1)])
			return true;
	return false;
}

void
stream_segment(struct stream *s, const struct stream_sink *sink, uint32_t seq, uint8_t tcp_flags,
               const uint8_t *payload, size_t len, uint64_t frame, ts_ns_t ts)
{
	/* One piece per hole between held pieces, plus one after the last. */
	struct piece pieces[STREAM_MAX_OOO_SEGMENTS + 1];
	uint32_t n = len < STREAM_MAX_SEGMENT_LEN ? (uint32_t)len : STREAM_MAX_SEGMENT_LEN;
	bool conflict = false;
	size_t count, i;
	int32_t off;

	s->stats.segments++;
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
	if (off < 0) {
		uint32_t back = (uint32_t)-off, dup = back < n ? back : n;

		conflict = history_differs(s, seq, payload, dup, back);
		s->stats.retransmitted_bytes += dup;
		seq += dup;
		payload += dup;
		n -= dup;
	}
	count = n > 0 ? split(s, seq, payload, n, pieces, &conflict) : 0;
	for (i = 0; i < count; i++)
		place(s, sink, seq + pieces[i].off, payload + pieces[i].off, pieces[i].len,
		      pieces[i].succ, frame, ts);
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
	/* Each turn gives up one acknowledged hole and drains what follows it. */
	for (turn = 0; s->head != NULL && turn < STREAM_MAX_OOO_SEGMENTS; turn++) {
		int32_t off = seq_off(s, s->head->seq);

		if ((int32_t)(ack - s->head->seq) < 0)
			break; /* the peer has not received the held data's start yet */
		if (off > 0)
			gap(s, sink, (uint32_t)off, s->head->frame, s->head->ts);
		drain(s, sink);
	}
}

void
stream_flush(struct stream *s, const struct stream_sink *sink)
{
	size_t turn;

	/* Each turn delivers at least the first held piece (held pieces lie after next_seq). */
	for (turn = 0; s->head != NULL && turn < STREAM_MAX_OOO_SEGMENTS; turn++) {
		int32_t off = seq_off(s, s->head->seq);

		if (off > 0)
			gap(s, sink, (uint32_t)off, s->head->frame, s->head->ts);
		drain(s, sink);
	}
}
