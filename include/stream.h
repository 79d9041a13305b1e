/*
 * TCP reassembly of one direction of one connection, bounded: hands
 * in-order bytes to a sink, buffers a little out-of-order data (copied, as
 * capture bytes are borrowed), reports gaps instead of guessing across them.
 */
#ifndef PPTP_NATCHECK_STREAM_H
#define PPTP_NATCHECK_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

/* Out-of-order bytes held per direction: PPTP control traffic is a few
 * hundred bytes per call; 64 KiB covers a full receive window. */
#define STREAM_MAX_OOO_BYTES 65536
/* Out-of-order segments held per direction (one-byte-segment floods). */
#define STREAM_MAX_OOO_SEGMENTS 128
/* Delivered bytes remembered to check retransmissions for changed content. */
#define STREAM_HISTORY_BYTES 2048

struct stream_sink {
	/* In-order bytes; frame and ts are those of the segment that carried them. */
	void (*data)(void *ctx, const uint8_t *p, size_t len, uint64_t frame, ts_ns_t ts);
	/* Bytes that never arrived: the stream resumes after them. */
	void (*gap)(void *ctx, uint64_t missing_bytes, uint64_t frame, ts_ns_t ts);
	/* A retransmitted or overlapping segment whose bytes differ from what was kept. */
	void (*conflict)(void *ctx, uint64_t frame, ts_ns_t ts);
	void *ctx;
};

/*
 * How far the capture's copy of a segment can be trusted, by its checksums
 * (ordered: a higher value is the better copy).
 */
enum stream_copy {
	STREAM_COPY_FAILED,     /* a checksum failed: damaged on its way into the capture */
	STREAM_COPY_UNVERIFIED, /* nothing to go by: offloaded checksum, or not checked */
	STREAM_COPY_VERIFIED,   /* the TCP and IP checksums verify */
};

struct stream_stats {
	/* retransmitted_bytes: bytes that arrived again, already delivered or already held */
	uint64_t segments, bytes_delivered, retransmitted_bytes;
	uint64_t gaps, gap_bytes, conflicts;
	/* failed_segments: segments with data whose checksum failed (after the
	 * direction rule, see stream.c); replaced_bytes: bytes of such copies a
	 * better copy replaced; outranked: differing copies settled by their
	 * checksums instead of reported as conflicts; failed_dropped: bytes
	 * only a failed copy carried, given up as missing */
	uint64_t failed_segments, replaced_bytes, outranked, failed_dropped;
	uint64_t ooo_overflow; /* times the out-of-order limits forced a gap */
	/* segments dropped: more than 1 GiB from the next expected byte */
	uint64_t out_of_window;
};

struct stream;

struct stream *stream_new(void);
void stream_free(struct stream *s);

/*
 * Feed one segment of this direction.  The first segment seen fixes the
 * starting sequence number (SYN consumes one); a capture that starts
 * mid-connection simply starts there.  Sequence arithmetic is modulo 2^32.
 */
void stream_segment(struct stream *s, const struct stream_sink *sink, uint32_t seq,
                    uint8_t tcp_flags, const uint8_t *payload, size_t len, uint64_t frame,
                    ts_ns_t ts);
/*
 * The same, for a copy whose checksums said how far it can be trusted:
 * where copies of the same bytes differ, the better copy wins and only
 * copies that are equally good (both verified, or neither) conflict.  A
 * failed copy is held, not delivered, until a better copy replaces it or
 * the peer acknowledges past it (then its bytes are reported as a gap).
 * stream_segment() is this with STREAM_COPY_UNVERIFIED.
 */
void stream_segment_copy(struct stream *s, const struct stream_sink *sink, uint32_t seq,
                         uint8_t tcp_flags, const uint8_t *payload, size_t len,
                         enum stream_copy copy, uint64_t frame, ts_ns_t ts);

/*
 * The other direction acknowledged bytes up to ack.  A hole before held
 * data that the peer acknowledged was received but lost from the capture
 * (tcpdump's "ACKed unseen segment"): report it as a gap now and deliver
 * the held data, instead of waiting for bytes that will never be captured.
 */
void stream_acked(struct stream *s, const struct stream_sink *sink, uint32_t ack);

/* End of capture or of connection: deliver what is buffered, reporting the gaps before it. */
void stream_flush(struct stream *s, const struct stream_sink *sink);

const struct stream_stats *stream_stats(const struct stream *s);
/* Bytes currently held (for memory accounting). */
size_t stream_buffered(const struct stream *s);

#endif
