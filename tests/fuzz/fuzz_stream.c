/* libFuzzer harness for stream.c: the input is a list of segments fed to one stream. */
/*
 * Input: one mode byte, then records of flags (1), seq (4), length (2) and,
 * in raw mode, that many data bytes.  Flag 0x80 makes seq a signed 16-bit
 * offset from the first record's seq (so overlaps are easy to reach); the
 * other bits are TCP flags.  In consistent mode (mode byte bit 0) a
 * segment's bytes are a function of their sequence numbers, so every
 * delivered byte can be checked against its position and no conflict may
 * ever be reported; flag 0x40 lets a length exceed 255 there.  Mode byte
 * bit 1 gives each segment a checksum rank (enum stream_copy, from the low
 * byte of its seq field): in consistent mode every copy is right, so ranks
 * must never produce a conflict or a wrong byte either.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"
#include "tcp.h"

#define RECORD_HEADER 7
#define HARNESS_REL_SEQ 0x80
/* Consistent mode: without this flag a length is cut to its low byte, which
 * keeps runs fast; with it, segments up to 65535 bytes reach the byte cap. */
#define HARNESS_BIG 0x40

struct harness {
	bool consistent;
	bool started;
	uint32_t pos; /* sequence number of the next byte the sink expects */
	uint64_t data, gaps, gap_bytes, conflicts;
};

/* Consistent-mode bytes: byte of sequence number x is pattern[x % 65536];
 * doubled so any segment of up to 65535 bytes is one slice. */
#define PATTERN_PERIOD 65536
static uint8_t pattern[2 * PATTERN_PERIOD];

static void
pattern_init(void)
{
	uint32_t i;

	if (pattern[1] != 0)
		return;
	for (i = 0; i < 2 * PATTERN_PERIOD; i++)
		pattern[i] = (uint8_t)(((i % PATTERN_PERIOD) * UINT32_C(0x9E3779B1)) >> 24);
}

static const uint8_t *
pattern_at(uint32_t seq)
{
	return pattern + seq % PATTERN_PERIOD;
}

static void
on_data(void *ctx, const uint8_t *p, size_t len, uint64_t frame, ts_ns_t ts)
{
	struct harness *h = ctx;
	size_t done, n;

	(void)frame;
	(void)ts;
	if (len == 0 || !h->started)
		abort();
	/* Compare in slices of at most 65535 bytes: a delivery may be longer. */
	for (done = 0; h->consistent && done < len; done += n) {
		n = len - done < PATTERN_PERIOD - 1 ? len - done : PATTERN_PERIOD - 1;
		if (memcmp(p + done, pattern_at(h->pos + (uint32_t)done), n) != 0)
			abort();
	}
	h->pos += (uint32_t)len;
	h->data += len;
}

static void
on_gap(void *ctx, uint64_t missing, uint64_t frame, ts_ns_t ts)
{
	struct harness *h = ctx;

	(void)frame;
	(void)ts;
	if (missing == 0 || missing > UINT32_MAX)
		abort();
	h->pos += (uint32_t)missing;
	h->gaps++;
	h->gap_bytes += missing;
}

static void
on_conflict(void *ctx, uint64_t frame, ts_ns_t ts)
{
	struct harness *h = ctx;

	(void)frame;
	(void)ts;
	if (h->consistent)
		abort();
	h->conflicts++;
}

static void
check_stats(const struct stream *s, const struct harness *h)
{
	const struct stream_stats *st = stream_stats(s);

	if (st->bytes_delivered != h->data || st->gaps != h->gaps ||
	    st->gap_bytes != h->gap_bytes || st->conflicts != h->conflicts)
		abort();
	if (stream_buffered(s) > STREAM_MAX_OOO_BYTES)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct harness h = {0};
	struct stream_sink sink = {on_data, on_gap, on_conflict, &h};
	struct stream *s;
	uint32_t first_seq = 0;
	bool have_first = false;
	size_t off = 1;
	uint64_t frame = 0;

	if (size < 1)
		return 0;
	h.consistent = (data[0] & 1) != 0;
	pattern_init();
	s = stream_new();
	if (s == NULL)
		return 0;
	/* Each record consumes at least RECORD_HEADER bytes. */
	while (RECORD_HEADER <= size - off) {
		uint8_t flags = data[off];
		uint32_t seq = (uint32_t)data[off + 1] << 24 | (uint32_t)data[off + 2] << 16 |
		               (uint32_t)data[off + 3] << 8 | data[off + 4];
		size_t len = (size_t)data[off + 5] << 8 | data[off + 6];
		const uint8_t *payload;
		enum stream_copy copy = (data[0] & 2) != 0 ? (enum stream_copy)(data[off + 4] % 3)
		                                           : STREAM_COPY_UNVERIFIED;

		off += RECORD_HEADER;
		if (flags & HARNESS_REL_SEQ)
			seq = first_seq + (uint32_t)(int32_t)(int16_t)(uint16_t)seq;
		if (h.consistent && !(flags & HARNESS_BIG))
			len &= 0xff;
		flags &= (uint8_t) ~(HARNESS_REL_SEQ | HARNESS_BIG);
		if (!have_first) {
			first_seq = seq;
			have_first = true;
		}
		if (h.consistent) {
			payload = pattern_at(seq + ((flags & TCP_SYN) ? 1 : 0));
		} else {
			if (len > size - off)
				len = size - off;
			payload = data + off;
			off += len;
		}
		if (!h.started && !(flags & TCP_RST)) {
			h.started = true;
			h.pos = seq + ((flags & TCP_SYN) ? 1 : 0);
		}
		frame++;
		stream_segment_copy(s, &sink, seq, flags, payload, len, copy, frame,
		                    (ts_ns_t)frame);
		check_stats(s, &h);
	}
	stream_flush(s, &sink);
	check_stats(s, &h);
	if (stream_buffered(s) != 0)
		abort();
	stream_free(s);
	return 0;
}
