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

#endif
