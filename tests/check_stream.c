/* Check suite for stream.c: TCP reassembly of one direction, bounded, with gaps reported. */
#include <string.h>

#include "stream.h"
#include "tcp.h"
#include "testutil.h"

/* What the sink saw, in order: 'D'ata, 'G'ap, 'C'onflict. */
#define REC_EVENTS 1024
#define REC_BYTES 200000

struct event {
	char kind;
	uint64_t len; /* data bytes or missing bytes */
	uint64_t frame;
	ts_ns_t ts;
};

struct rec {
	struct event ev[REC_EVENTS];
	size_t nev;
	uint8_t bytes[REC_BYTES];
	size_t nbytes;
	uint64_t gap_bytes;
	size_t ndata, ngaps, nconflicts;
};

static struct rec rec;
static struct stream *s;

static void
add_event(char kind, uint64_t len, uint64_t frame, ts_ns_t ts)
{
	ck_assert_uint_lt(rec.nev, REC_EVENTS);
	rec.ev[rec.nev++] = (struct event){kind, len, frame, ts};
}

static void
on_data(void *ctx, const uint8_t *p, size_t len, uint64_t frame, ts_ns_t ts)
{
	ck_assert_ptr_eq(ctx, &rec);
	ck_assert_uint_gt(len, 0);
	ck_assert_uint_le(len, REC_BYTES - rec.nbytes);
	memcpy(rec.bytes + rec.nbytes, p, len);
	rec.nbytes += len;
	rec.ndata++;
	add_event('D', len, frame, ts);
}

static void
on_gap(void *ctx, uint64_t missing, uint64_t frame, ts_ns_t ts)
{
	ck_assert_ptr_eq(ctx, &rec);
	ck_assert_uint_gt(missing, 0);
	rec.gap_bytes += missing;
	rec.ngaps++;
	add_event('G', missing, frame, ts);
}

static void
on_conflict(void *ctx, uint64_t frame, ts_ns_t ts)
{
	ck_assert_ptr_eq(ctx, &rec);
	rec.nconflicts++;
	add_event('C', 0, frame, ts);
}

static const struct stream_sink sink = {on_data, on_gap, on_conflict, &rec};

static void
setup(void)
{
	memset(&rec, 0, sizeof(rec));
	s = stream_new();
	ck_assert_ptr_nonnull(s);
}

static void
teardown(void)
{
	stream_free(s);
	s = NULL;
}

/* Feed text as one segment; frame doubles as timestamp (frame * 1000). */
static void
feed(uint32_t seq, uint8_t flags, const char *text, uint64_t frame)
{
	stream_segment(s, &sink, seq, flags, (const uint8_t *)text, strlen(text), frame,
	               (ts_ns_t)frame * 1000);
}

static void
assert_bytes(const char *want)
{
	ck_assert_uint_eq(rec.nbytes, strlen(want));
	ck_assert_mem_eq(rec.bytes, want, rec.nbytes);
}

/* ---- in order ---- */

START_TEST(test_in_order)
{
	feed(1000, TCP_ACK, "abc", 1);
	feed(1003, TCP_ACK, "def", 2);
	assert_bytes("abcdef");
	ck_assert_uint_eq(rec.ndata, 2);
	ck_assert_uint_eq(rec.ev[0].frame, 1);
	ck_assert_uint_eq(rec.ev[1].frame, 2);
	ck_assert_int_eq(rec.ev[1].ts, 2000);
	ck_assert_uint_eq(stream_stats(s)->bytes_delivered, 6);
	ck_assert_uint_eq(stream_stats(s)->segments, 2);
	ck_assert_uint_eq(stream_buffered(s), 0);
}
END_TEST

/* A capture that starts mid-connection starts where it starts. */
START_TEST(test_first_segment_fixes_seq)
{
	feed(5, TCP_ACK, "x", 1);
	feed(6, TCP_ACK, "y", 2);
	assert_bytes("xy");
	ck_assert_uint_eq(rec.ngaps, 0);
}
END_TEST

START_TEST(test_syn_consumes_one)
{
	feed(999, TCP_SYN, "", 1);
	feed(1000, TCP_ACK, "abc", 2);
	assert_bytes("abc");
	ck_assert_uint_eq(rec.ngaps, 0);
}
END_TEST

START_TEST(test_syn_with_data)
{
	feed(999, TCP_SYN, "xy", 1);
	feed(1002, TCP_ACK, "z", 2);
	assert_bytes("xyz");
	ck_assert_uint_eq(rec.ev[0].frame, 1);
}
END_TEST

/* A pure ACK fixes the sequence number; empty segments deliver nothing. */
START_TEST(test_zero_length)
{
	feed(1000, TCP_ACK, "", 1);
	feed(1000, TCP_ACK, "", 2);
	feed(1003, TCP_ACK, "", 3);
	ck_assert_uint_eq(rec.nev, 0);
	ck_assert_uint_eq(stream_stats(s)->segments, 3);
	feed(1000, TCP_ACK, "a", 4);
	assert_bytes("a");
}
END_TEST

START_TEST(test_null_payload)
{
	feed(1000, TCP_ACK, "a", 1);
	stream_segment(s, &sink, 1001, TCP_ACK, NULL, 5, 2, 0);
	ck_assert_uint_eq(rec.nev, 1);
	ck_assert_uint_eq(stream_buffered(s), 0);
}
END_TEST

START_TEST(test_rst_data_ignored)
{
	feed(1000, TCP_ACK, "a", 1);
	feed(1001, TCP_RST | TCP_ACK, "junk", 2);
	feed(1001, TCP_ACK, "b", 3);
	assert_bytes("ab");
}
END_TEST

START_TEST(test_rst_first_does_not_start)
{
	feed(1, TCP_RST, "", 1);
	feed(1000, TCP_ACK, "a", 2);
	assert_bytes("a");
	ck_assert_uint_eq(rec.ngaps, 0);
	ck_assert_uint_eq(stream_stats(s)->out_of_window, 0);
}
END_TEST

START_TEST(test_null_sink)
{
	stream_segment(s, NULL, 1000, TCP_ACK, (const uint8_t *)"ab", 2, 1, 0);
	stream_segment(s, NULL, 1004, TCP_ACK, (const uint8_t *)"ef", 2, 2, 0);
	stream_flush(s, NULL);
	ck_assert_uint_eq(stream_stats(s)->bytes_delivered, 4);
	ck_assert_uint_eq(stream_stats(s)->gap_bytes, 2);
}
END_TEST

/* ---- out of order ---- */

START_TEST(test_out_of_order_then_fill)
{
	feed(1000, TCP_ACK, "abc", 1);
	feed(1006, TCP_ACK, "ghi", 3);
	assert_bytes("abc");
	ck_assert_uint_eq(stream_buffered(s), 3);
	feed(1003, TCP_ACK, "def", 2);
	assert_bytes("abcdefghi");
	ck_assert_uint_eq(stream_buffered(s), 0);
	/* Each delivery carries the frame of the segment that brought the bytes. */
	ck_assert_uint_eq(rec.ndata, 3);
	ck_assert_uint_eq(rec.ev[1].frame, 2);
	ck_assert_uint_eq(rec.ev[2].frame, 3);
	ck_assert_int_eq(rec.ev[2].ts, 3000);
	ck_assert_uint_eq(rec.ngaps, 0);
}
END_TEST

/* A late segment bridging held pieces: frames stay with the bytes. */
START_TEST(test_fill_across_pieces)
{
	static const uint64_t frames[] = {1, 4, 2, 4, 3, 4};
	size_t i;

	feed(1000, TCP_ACK, "a", 1);
	feed(1002, TCP_ACK, "c", 2);
	feed(1004, TCP_ACK, "e", 3);
	feed(1001, TCP_ACK, "bcdef", 4);
	assert_bytes("abcdef");
	ck_assert_uint_eq(rec.ndata, ARRAY_LEN(frames));
	for (i = 0; i < ARRAY_LEN(frames); i++)
		ck_assert_uint_eq(rec.ev[i].frame, frames[i]);
	ck_assert_uint_eq(rec.nconflicts, 0);
	ck_assert_uint_eq(stream_stats(s)->retransmitted_bytes, 2);
}
END_TEST

START_TEST(test_ooo_duplicate_dropped)
{
	feed(1000, TCP_ACK, "a", 1);
	feed(1002, TCP_ACK, "cdef", 2);
	feed(1002, TCP_ACK, "cdef", 3);
	ck_assert_uint_eq(stream_buffered(s), 4);
	ck_assert_uint_eq(stream_stats(s)->retransmitted_bytes, 4);
	ck_assert_uint_eq(rec.nconflicts, 0);
	feed(1001, TCP_ACK, "b", 4);
	assert_bytes("abcdef");
}
END_TEST

/* Overlapping held data that differs: conflict, and the first copy wins. */
START_TEST(test_ooo_conflict_first_wins)
{
	feed(1000, TCP_ACK, "a", 1);
	feed(1002, TCP_ACK, "cdef", 2);
	feed(1002, TCP_ACK, "cXefgh", 3);
	ck_assert_uint_eq(rec.nconflicts, 1);
	ck_assert_uint_eq(rec.ev[1].kind, 'C');
	ck_assert_uint_eq(rec.ev[1].frame, 3);
	feed(1001, TCP_ACK, "b", 4);
	assert_bytes("abcdefgh");
	ck_assert_uint_eq(stream_stats(s)->conflicts, 1);
}
END_TEST

/* An in-order segment running into held data that differs. */
START_TEST(test_in_order_overlaps_held)
{
	feed(1000, TCP_ACK, "a", 1);
	feed(1003, TCP_ACK, "de", 2);
	feed(1001, TCP_ACK, "bcXe", 3);
	assert_bytes("abcde");
	ck_assert_uint_eq(rec.nconflicts, 1);
}
END_TEST

/* ---- retransmissions ---- */

START_TEST(test_retransmit_identical)
{
	feed(1000, TCP_ACK, "abcdef", 1);
	feed(1002, TCP_ACK, "cde", 2);
	assert_bytes("abcdef");
	ck_assert_uint_eq(rec.nconflicts, 0);
	ck_assert_uint_eq(stream_stats(s)->retransmitted_bytes, 3);
}
END_TEST

START_TEST(test_retransmit_different)
{
	feed(1000, TCP_ACK, "abcdef", 1);
	feed(1002, TCP_ACK, "cXe", 2);
	assert_bytes("abcdef");
	ck_assert_uint_eq(rec.nconflicts, 1);
	ck_assert_uint_eq(rec.ev[1].frame, 2);
	ck_assert_uint_eq(stream_stats(s)->conflicts, 1);
}
END_TEST

START_TEST(test_overlap_partial)
{
	feed(1000, TCP_ACK, "abcdef", 1);
	feed(1004, TCP_ACK, "efgh", 2);
	assert_bytes("abcdefgh");
	ck_assert_uint_eq(rec.ndata, 2);
	ck_assert_uint_eq(rec.ev[1].len, 2);
	ck_assert_uint_eq(rec.ev[1].frame, 2);
	ck_assert_uint_eq(stream_stats(s)->retransmitted_bytes, 2);
	ck_assert_uint_eq(rec.nconflicts, 0);
}
END_TEST

START_TEST(test_overlap_partial_different)
{
	feed(1000, TCP_ACK, "abcdef", 1);
	feed(1004, TCP_ACK, "eZgh", 2);
	assert_bytes("abcdefgh");
	ck_assert_uint_eq(rec.nconflicts, 1);
}
END_TEST

/* Differences both in history and in held data: one conflict per segment. */
START_TEST(test_conflict_once_per_segment)
{
	feed(1000, TCP_ACK, "abc", 1);
	feed(1005, TCP_ACK, "fg", 2);
	feed(1001, TCP_ACK, "XcdeYg", 3);
	ck_assert_uint_eq(rec.nconflicts, 1);
	assert_bytes("abcdefg");
}
END_TEST

/* Bytes older than the history are trimmed unchecked. */
START_TEST(test_retransmit_beyond_history)
{
	static uint8_t big[STREAM_HISTORY_BYTES + 100];

	memset(big, 'a', sizeof(big));
	stream_segment(s, &sink, 1000, TCP_ACK, big, sizeof(big), 1, 0);
	feed(1000, TCP_ACK, "X", 2); /* older than the last STREAM_HISTORY_BYTES */
	ck_assert_uint_eq(rec.nconflicts, 0);
	feed(1000 + sizeof(big) - 1, TCP_ACK, "X", 3); /* the last byte delivered */
	ck_assert_uint_eq(rec.nconflicts, 1);
	ck_assert_uint_eq(stream_stats(s)->retransmitted_bytes, 2);
}
END_TEST

/* After a gap the history no longer lines up: nothing compared before it. */
START_TEST(test_history_reset_by_gap)
{
	feed(1000, TCP_ACK, "abc", 1);
	feed(1010, TCP_ACK, "k", 2);
	stream_flush(s, &sink);
	feed(1001, TCP_ACK, "X", 3);
	ck_assert_uint_eq(rec.nconflicts, 0);
	feed(1010, TCP_ACK, "Y", 4);
	ck_assert_uint_eq(rec.nconflicts, 1);
}
END_TEST

/* ---- gaps ---- */

START_TEST(test_gap_then_flush)
{
	feed(1000, TCP_ACK, "abc", 1);
	feed(1010, TCP_ACK, "xyz", 2);
	ck_assert_uint_eq(rec.ngaps, 0);
	stream_flush(s, &sink);
	ck_assert_uint_eq(rec.nev, 3);
	ck_assert_uint_eq(rec.ev[1].kind, 'G');
	ck_assert_uint_eq(rec.ev[1].len, 7);
	ck_assert_uint_eq(rec.ev[1].frame, 2);
	ck_assert_uint_eq(rec.ev[2].kind, 'D');
	assert_bytes("abcxyz");
	ck_assert_uint_eq(stream_stats(s)->gaps, 1);
	ck_assert_uint_eq(stream_stats(s)->gap_bytes, 7);
	ck_assert_uint_eq(stream_buffered(s), 0);
	/* The stream goes on after the flush. */
	feed(1013, TCP_ACK, "!", 3);
	assert_bytes("abcxyz!");
}
END_TEST

START_TEST(test_flush_each_hole)
{
	static const char kinds[] = "DGDGD";
	size_t i;

	feed(1000, TCP_ACK, "a", 1);
	feed(1004, TCP_ACK, "e", 3);
	feed(1002, TCP_ACK, "c", 2);
	stream_flush(s, &sink);
	ck_assert_uint_eq(rec.nev, strlen(kinds));
	for (i = 0; i < strlen(kinds); i++)
		ck_assert_int_eq(rec.ev[i].kind, kinds[i]);
	assert_bytes("ace");
	ck_assert_uint_eq(rec.gap_bytes, 2);
}
END_TEST

/* FIN does not flush by itself. */
START_TEST(test_fin_does_not_flush)
{
	feed(1000, TCP_ACK, "a", 1);
	feed(1002, TCP_ACK | TCP_FIN, "c", 2);
	ck_assert_uint_eq(rec.nbytes, 1);
	ck_assert_uint_eq(stream_buffered(s), 1);
}
END_TEST

START_TEST(test_flush_empty)
{
	stream_flush(s, &sink);
	feed(1000, TCP_ACK, "a", 1);
	stream_flush(s, &sink);
	ck_assert_uint_eq(rec.nev, 1);
}
END_TEST

/* ---- limits ---- */

/* One piece too many: the earliest hole becomes a gap. */
START_TEST(test_overflow_segments)
{
	uint32_t i;

	feed(1000, TCP_ACK, "a", 1);
	for (i = 0; i < STREAM_MAX_OOO_SEGMENTS; i++)
		feed(1002 + 2 * i, TCP_ACK, "x", 2 + i);
	ck_assert_uint_eq(stream_buffered(s), STREAM_MAX_OOO_SEGMENTS);
	ck_assert_uint_eq(rec.ngaps, 0);
	feed(1002 + 2 * STREAM_MAX_OOO_SEGMENTS, TCP_ACK, "y", 999);
	ck_assert_uint_eq(stream_stats(s)->ooo_overflow, 1);
	ck_assert_uint_eq(rec.ngaps, 1);
	ck_assert_uint_eq(rec.ev[1].len, 1);
	ck_assert_uint_eq(rec.ev[1].frame, 2); /* the frame of the data after the gap */
	assert_bytes("ax");
	ck_assert_uint_eq(stream_buffered(s), STREAM_MAX_OOO_SEGMENTS);
}
END_TEST

START_TEST(test_overflow_bytes)
{
	static uint8_t big[60000], more[6000];

	memset(big, 'b', sizeof(big));
	memset(more, 'm', sizeof(more));
	feed(1000, TCP_ACK, "a", 1);
	stream_segment(s, &sink, 1010, TCP_ACK, big, sizeof(big), 2, 0);
	ck_assert_uint_eq(stream_buffered(s), sizeof(big));
	stream_segment(s, &sink, 70000, TCP_ACK, more, sizeof(more), 3, 0);
	ck_assert_uint_eq(stream_stats(s)->ooo_overflow, 1);
	ck_assert_uint_eq(stream_stats(s)->gap_bytes, 9);
	ck_assert_uint_eq(rec.nbytes, 1 + sizeof(big));
	ck_assert_uint_eq(stream_buffered(s), sizeof(more));
}
END_TEST

/* The new piece is the earliest: the gap goes up to it, held data stays. */
START_TEST(test_overflow_new_piece_earliest)
{
	uint32_t i;

	feed(1000, TCP_ACK, "a", 1);
	for (i = 0; i < STREAM_MAX_OOO_SEGMENTS; i++)
		feed(2000 + 2 * i, TCP_ACK, "x", 2 + i);
	feed(1500, TCP_ACK, "n", 999);
	ck_assert_uint_eq(rec.ngaps, 1);
	ck_assert_uint_eq(rec.ev[1].len, 499);
	ck_assert_uint_eq(rec.ev[1].frame, 999);
	assert_bytes("an");
	ck_assert_uint_eq(stream_buffered(s), STREAM_MAX_OOO_SEGMENTS);
}
END_TEST

/* A segment larger than the whole store, ahead: gap, then delivered as is. */
START_TEST(test_segment_larger_than_store)
{
	static uint8_t big[STREAM_MAX_OOO_BYTES + 1];

	memset(big, 'b', sizeof(big));
	feed(1000, TCP_ACK, "a", 1);
	stream_segment(s, &sink, 1002, TCP_ACK, big, sizeof(big), 2, 0);
	ck_assert_uint_eq(rec.ngaps, 1);
	ck_assert_uint_eq(rec.nbytes, 1 + sizeof(big));
	ck_assert_uint_eq(stream_buffered(s), 0);
}
END_TEST

/* One-byte segments in reverse order that fit: all come out in order. */
START_TEST(test_reverse_bytes_fit)
{
	char want[STREAM_MAX_OOO_SEGMENTS + 2];
	uint32_t i, n = STREAM_MAX_OOO_SEGMENTS + 1;

	for (i = 0; i < n; i++)
		want[i] = (char)('A' + i % 26);
	want[n] = '\0';
	feed(1000, TCP_ACK, "", 1);
	for (i = n; i-- > 0;) {
		char one[2] = {want[i], '\0'};

		feed(1000 + i, TCP_ACK, one, 2 + i);
		ck_assert_uint_le(stream_buffered(s), STREAM_MAX_OOO_SEGMENTS);
	}
	assert_bytes(want);
	ck_assert_uint_eq(rec.ngaps, 0);
	ck_assert_uint_eq(stream_buffered(s), 0);
}
END_TEST

/* Too many: memory stays bounded; what comes out is in order, gaps counted. */
START_TEST(test_reverse_bytes_flood)
{
	uint32_t i, n = 5000, pos, d;
	size_t b = 0, e;

	feed(1000, TCP_ACK, "", 1);
	for (i = n; i-- > 0;) {
		char one[2] = {(char)('A' + i % 26), '\0'};

		feed(1000 + i, TCP_ACK, one, 2 + i);
		ck_assert_uint_le(stream_buffered(s), STREAM_MAX_OOO_SEGMENTS);
	}
	stream_flush(s, &sink);
	ck_assert_uint_eq(rec.nbytes + rec.gap_bytes, n);
	ck_assert_uint_gt(stream_stats(s)->ooo_overflow, 0);
	/* Replay the events: every byte sits where its sequence number says. */
	for (e = 0, pos = 0; e < rec.nev; e++) {
		if (rec.ev[e].kind == 'G')
			pos += (uint32_t)rec.ev[e].len;
		if (rec.ev[e].kind != 'D')
			continue;
		for (d = 0; d < rec.ev[e].len; d++, pos++)
			ck_assert_int_eq(rec.bytes[b++], 'A' + pos % 26);
	}
	ck_assert_uint_eq(pos, n);
}
END_TEST

/* ---- sequence space ---- */

START_TEST(test_wrap_in_order)
{
	feed(0xfffffffeU, TCP_ACK, "abcd", 1);
	feed(2, TCP_ACK, "ef", 2);
	assert_bytes("abcdef");
}
END_TEST

START_TEST(test_wrap_out_of_order)
{
	feed(0xfffffff0U, TCP_ACK, "a", 1);
	feed(0x00000009U, TCP_ACK, "z", 3); /* 0xfffffff0 + 25, past the wrap */
	ck_assert_uint_eq(stream_buffered(s), 1);
	feed(0xfffffff1U, TCP_ACK, "bcdefghijklmnopqrstuvwxy", 2);
	assert_bytes("abcdefghijklmnopqrstuvwxyz");
	ck_assert_uint_eq(rec.ngaps, 0);
}
END_TEST

START_TEST(test_wrap_retransmit)
{
	feed(0xfffffffeU, TCP_ACK, "abcd", 1);
	feed(0xffffffffU, TCP_ACK, "bX", 2);
	ck_assert_uint_eq(rec.nconflicts, 1);
	ck_assert_uint_eq(stream_stats(s)->retransmitted_bytes, 2);
}
END_TEST

START_TEST(test_far_ahead_dropped)
{
	feed(1000, TCP_ACK, "a", 1);
	feed(1001 + (1U << 30) + 1, TCP_ACK, "far", 2);
	ck_assert_uint_eq(stream_stats(s)->out_of_window, 1);
	ck_assert_uint_eq(stream_buffered(s), 0);
	ck_assert_uint_eq(rec.ngaps, 0);
	feed(1001, TCP_ACK, "b", 3);
	assert_bytes("ab");
}
END_TEST

START_TEST(test_far_behind_dropped)
{
	feed(1000, TCP_ACK, "a", 1);
	feed(1001 - (1U << 30) - 1, TCP_ACK, "old", 2);
	ck_assert_uint_eq(stream_stats(s)->out_of_window, 1);
	ck_assert_uint_eq(stream_stats(s)->retransmitted_bytes, 0);
}
END_TEST

/* Exactly at the window edge still counts as ahead. */
START_TEST(test_window_edge_held)
{
	feed(1000, TCP_ACK, "a", 1);
	feed(1001 + (1U << 30), TCP_ACK, "e", 2);
	ck_assert_uint_eq(stream_stats(s)->out_of_window, 0);
	ck_assert_uint_eq(stream_buffered(s), 1);
}
END_TEST

START_TEST(test_free_null)
{
	stream_free(NULL);
}
END_TEST

/* ---- holes the peer acknowledged: lost from the capture only ---- */

START_TEST(test_acked_hole_is_given_up)
{
	feed(1000, TCP_ACK, "abc", 1);
	feed(1006, TCP_ACK, "ghi", 3); /* "def" never captured */
	assert_bytes("abc");
	stream_acked(s, &sink, 1004); /* acks part of the hole only: wait */
	assert_bytes("abc");
	stream_acked(s, &sink, 1009); /* the peer had it all: give the hole up */
	assert_bytes("abcghi");
	ck_assert_uint_eq(rec.ngaps, 1);
	ck_assert_uint_eq(rec.gap_bytes, 3);
	ck_assert_uint_eq(stream_buffered(s), 0);
	feed(1009, TCP_ACK, "jk", 4); /* and the stream goes on */
	assert_bytes("abcghijk");
}
END_TEST

START_TEST(test_ack_without_held_data_changes_nothing)
{
	feed(1000, TCP_ACK, "abc", 1);
	stream_acked(s, &sink, 1500);
	stream_acked(s, &sink, 900);
	feed(1003, TCP_ACK, "d", 2);
	assert_bytes("abcd");
	ck_assert_uint_eq(rec.ngaps, 0);
}
END_TEST

/* ---- copies told apart by their checksums ---- */

#define V STREAM_COPY_VERIFIED
#define U STREAM_COPY_UNVERIFIED
#define F STREAM_COPY_FAILED

static void
feed_copy(uint32_t seq, const char *text, enum stream_copy copy, uint64_t frame)
{
	stream_segment_copy(s, &sink, seq, TCP_ACK, (const uint8_t *)text, strlen(text), copy,
	                    frame, (ts_ns_t)frame * 1000);
}

/* 802.11 monitor mode: the damaged frame first, the clean retry after it. */
START_TEST(test_failed_copy_replaced_by_verified_retry)
{
	feed_copy(1000, "abc", V, 1);
	feed_copy(1003, "dXf", F, 2);
	assert_bytes("abc"); /* held: its checksum failed */
	feed_copy(1006, "ghi", V, 3);
	assert_bytes("abc"); /* behind the held copy */
	feed_copy(1003, "def", V, 4);
	assert_bytes("abcdefghi");
	ck_assert_uint_eq(rec.nconflicts, 0);
	ck_assert_uint_eq(rec.ngaps, 0);
	ck_assert_uint_eq(rec.ev[1].frame, 4); /* the bytes came from the retry */
	ck_assert_uint_eq(stream_stats(s)->failed_segments, 1);
	ck_assert_uint_eq(stream_stats(s)->replaced_bytes, 3);
	ck_assert_uint_eq(stream_stats(s)->outranked, 1);
	ck_assert_uint_eq(stream_buffered(s), 0);
}
END_TEST

/* A retry longer than the damaged copy (repacketised) replaces it too. */
START_TEST(test_failed_copy_replaced_by_longer_retry)
{
	feed_copy(1000, "ab", V, 1);
	feed_copy(1002, "cX", F, 2);
	feed_copy(1002, "cdef", U, 3);
	assert_bytes("abcdef");
	ck_assert_uint_eq(rec.nconflicts, 0);
}
END_TEST

/* The clean copy first, a damaged one after it: ignored, no conflict. */
START_TEST(test_failed_copy_after_verified_ignored)
{
	feed_copy(1000, "abc", V, 1);
	feed_copy(1000, "aXc", F, 2);
	feed_copy(1005, "f", V, 3); /* held out of order */
	feed_copy(1005, "Y", F, 4); /* damaged copy of held bytes */
	feed_copy(1003, "de", V, 5);
	assert_bytes("abcdef");
	ck_assert_uint_eq(rec.nconflicts, 0);
	ck_assert_uint_eq(stream_stats(s)->outranked, 2);
}
END_TEST

/* Both copies verify, or neither does: a conflict, the first copy wins. */
START_TEST(test_equal_copies_conflict)
{
	feed_copy(1000, "abc", V, 1);
	feed_copy(1000, "aXc", V, 2);
	ck_assert_uint_eq(rec.nconflicts, 1);
	feed_copy(1005, "f", F, 3);
	feed_copy(1005, "Y", F, 4);
	ck_assert_uint_eq(rec.nconflicts, 2);
	feed_copy(1003, "de", V, 5);
	stream_flush(s, &sink);
	/* The held failed copy was never confirmed: its byte is a gap. */
	assert_bytes("abcde");
	ck_assert_uint_eq(rec.gap_bytes, 1);
	ck_assert_uint_eq(stream_stats(s)->failed_dropped, 1);
}
END_TEST

/* A verified copy contradicting unverified bytes already delivered. */
START_TEST(test_verified_after_unverified_delivered_conflicts)
{
	feed_copy(1000, "ab", V, 1);
	feed_copy(1002, "cX", U, 2);
	feed_copy(1002, "cd", V, 3);
	assert_bytes("abcX");
	ck_assert_uint_eq(rec.nconflicts, 1);
}
END_TEST

/* Only a damaged copy was captured; the peer acknowledged the bytes. */
START_TEST(test_failed_copy_acked_is_a_gap)
{
	feed_copy(1000, "abc", V, 1);
	feed_copy(1003, "dXf", F, 2);
	feed_copy(1006, "ghi", V, 3);
	stream_acked(s, &sink, 1003); /* not past it yet */
	assert_bytes("abc");
	ck_assert_uint_eq(rec.ngaps, 0);
	stream_acked(s, &sink, 1009);
	assert_bytes("abcghi");
	ck_assert_uint_eq(rec.ngaps, 1);
	ck_assert_uint_eq(rec.gap_bytes, 3);
	ck_assert_uint_eq(rec.ev[1].frame, 2);
	ck_assert_uint_eq(stream_stats(s)->failed_dropped, 3);
	ck_assert_uint_eq(rec.nconflicts, 0);
}
END_TEST

/* No copy verified yet in this direction (checksum offload on the sender):
 * failed copies are only unverified and flow at once. */
START_TEST(test_failed_before_any_verified_is_unverified)
{
	stream_segment_copy(s, &sink, 999, TCP_SYN, NULL, 0, V, 0, 0); /* a bare SYN: no data */
	feed_copy(1000, "abc", F, 1);
	feed_copy(1003, "def", F, 2);
	assert_bytes("abcdef");
	ck_assert_uint_eq(stream_stats(s)->failed_segments, 0);
	feed_copy(1000, "aXc", F, 3);
	ck_assert_uint_eq(rec.nconflicts, 1); /* neither copy verifies */
}
END_TEST

/* A held failed copy does not block the out-of-order limits forever. */
START_TEST(test_failed_copy_gives_way_on_overflow)
{
	uint32_t i;

	feed_copy(1000, "a", V, 1);
	feed_copy(1001, "X", F, 2);
	for (i = 0; i < STREAM_MAX_OOO_SEGMENTS + 2; i++)
		feed_copy(1003 + 2 * i, "z", V, 3 + i);
	ck_assert_uint_ge(rec.ngaps, 1);
	ck_assert_uint_eq(rec.ev[1].kind, 'G');
	ck_assert_uint_eq(rec.ev[1].frame, 2);
	ck_assert_uint_le(stream_buffered(s), STREAM_MAX_OOO_BYTES);
	stream_flush(s, &sink);
	ck_assert_uint_eq(stream_buffered(s), 0);
}
END_TEST

#undef V
#undef U
#undef F

static Suite *
stream_suite(void)
{
	Suite *su = suite_create("stream");
	TCase *tc;

	tc = tcase_create("basic");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_in_order);
	tcase_add_test(tc, test_acked_hole_is_given_up);
	tcase_add_test(tc, test_ack_without_held_data_changes_nothing);
	tcase_add_test(tc, test_first_segment_fixes_seq);
	tcase_add_test(tc, test_syn_consumes_one);
	tcase_add_test(tc, test_syn_with_data);
	tcase_add_test(tc, test_zero_length);
	tcase_add_test(tc, test_null_payload);
	tcase_add_test(tc, test_rst_data_ignored);
	tcase_add_test(tc, test_rst_first_does_not_start);
	tcase_add_test(tc, test_null_sink);
	tcase_add_test(tc, test_free_null);
	suite_add_tcase(su, tc);

	tc = tcase_create("order");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_out_of_order_then_fill);
	tcase_add_test(tc, test_fill_across_pieces);
	tcase_add_test(tc, test_ooo_duplicate_dropped);
	tcase_add_test(tc, test_ooo_conflict_first_wins);
	tcase_add_test(tc, test_in_order_overlaps_held);
	suite_add_tcase(su, tc);

	tc = tcase_create("retransmission");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_retransmit_identical);
	tcase_add_test(tc, test_retransmit_different);
	tcase_add_test(tc, test_overlap_partial);
	tcase_add_test(tc, test_overlap_partial_different);
	tcase_add_test(tc, test_conflict_once_per_segment);
	tcase_add_test(tc, test_retransmit_beyond_history);
	tcase_add_test(tc, test_history_reset_by_gap);
	suite_add_tcase(su, tc);

	tc = tcase_create("checksums");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_failed_copy_replaced_by_verified_retry);
	tcase_add_test(tc, test_failed_copy_replaced_by_longer_retry);
	tcase_add_test(tc, test_failed_copy_after_verified_ignored);
	tcase_add_test(tc, test_equal_copies_conflict);
	tcase_add_test(tc, test_verified_after_unverified_delivered_conflicts);
	tcase_add_test(tc, test_failed_copy_acked_is_a_gap);
	tcase_add_test(tc, test_failed_before_any_verified_is_unverified);
	tcase_add_test(tc, test_failed_copy_gives_way_on_overflow);
	suite_add_tcase(su, tc);

	tc = tcase_create("gaps");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_gap_then_flush);
	tcase_add_test(tc, test_flush_each_hole);
	tcase_add_test(tc, test_fin_does_not_flush);
	tcase_add_test(tc, test_flush_empty);
	suite_add_tcase(su, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_overflow_segments);
	tcase_add_test(tc, test_overflow_bytes);
	tcase_add_test(tc, test_overflow_new_piece_earliest);
	tcase_add_test(tc, test_segment_larger_than_store);
	tcase_add_test(tc, test_reverse_bytes_fit);
	tcase_add_test(tc, test_reverse_bytes_flood);
	suite_add_tcase(su, tc);

	tc = tcase_create("sequence");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_wrap_in_order);
	tcase_add_test(tc, test_wrap_out_of_order);
	tcase_add_test(tc, test_wrap_retransmit);
	tcase_add_test(tc, test_far_ahead_dropped);
	tcase_add_test(tc, test_far_behind_dropped);
	tcase_add_test(tc, test_window_edge_held);
	suite_add_tcase(su, tc);
	return su;
}

CHECK_MAIN(stream_suite)
