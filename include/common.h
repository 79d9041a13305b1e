/* Definitions shared by every module: parse results, array length, time. */
#ifndef PPTP_NATCHECK_COMMON_H
#define PPTP_NATCHECK_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Result of every parser, after tcpdump's split between "the capture ran
 * out" and "the bytes are there but wrong".  In stream framing TRUNCATED
 * means "wait for more bytes".
 */
enum parse_status {
	PARSE_OK = 0,
	PARSE_TRUNCATED,   /* fewer bytes than the header or message needs */
	PARSE_INVALID,     /* bytes present but contradict the specification */
	PARSE_UNSUPPORTED, /* well formed, but not something we decode (e.g. GRE v0) */
};

const char *parse_status_name(enum parse_status status);

/* Timestamps are nanoseconds since the Unix epoch, as read from the capture. */
typedef int64_t ts_ns_t;

#define NS_PER_SEC INT64_C(1000000000)

/* Sort times (or time differences) ascending, for medians and percentiles. */
void ts_sort(ts_ns_t *v, size_t n);

/*
 * Where a piece of evidence is: which file of a side (several rotated files
 * may make one side), the 1-based frame number in that file, and its time.
 * frame == 0 means "nowhere" (not seen).
 */
struct frame_ref {
	uint32_t file;
	uint64_t frame;
	ts_ns_t ts;
};

static inline int
frame_ref_seen(const struct frame_ref *r)
{
	return r->frame != 0;
}

#endif
