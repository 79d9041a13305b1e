/* Names for the values in common.h. */
#include "common.h"

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
