/* Names for the values in common.h. */
#include "common.h"

#include <stdlib.h>

const char *
parse_status_name(enum parse_status status)
{
	switch (status) {
	case PARSE_OK:
		return "ok";
	case PARSE_TRUNCATED:
		return "truncated";
	case PARSE_INVALID:
		return "invalid";
	case PARSE_UNSUPPORTED:
		return "unsupported";
	}
	return "unknown";
}

static int
cmp_ts(const void *x, const void *y)
{
	ts_ns_t a = *(const ts_ns_t *)x, b = *(const ts_ns_t *)y;

	return a < b ? -1 : a > b;
}

void
ts_sort(ts_ns_t *v, size_t n)
{
	if (n > 0) /* v may be NULL then, and qsort must not see NULL */
		qsort(v, n, sizeof(*v), cmp_ts);
}
