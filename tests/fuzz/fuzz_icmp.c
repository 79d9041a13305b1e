/* libFuzzer harness for icmp_parse: the first byte picks ICMP (even) or ICMPv6 (odd). */
#include <stdint.h>
#include <stdlib.h>

#include "icmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct icmp_error e;
	uint8_t version;
	enum parse_status st;

	if (size == 0)
		return 0;
	version = (data[0] & 1) != 0 ? 6 : 4;
	st = icmp_parse(data + 1, size - 1, version, &e);
	if (st != PARSE_OK)
		return 0;
	/* An error message always quotes an IP header of the same version;
	 * 8 bytes of ICMP header plus the smallest quoted header. */
	if (e.version != version || e.quoted_version != version ||
	    size - 1 < (size_t)(version == 4 ? 28 : 48))
		abort();
	if (e.has_gre && (e.quoted_proto != 47 || e.has_ports))
		abort();
	if (e.has_ports && e.quoted_proto != 6)
		abort();
	(void)icmp_error_name(&e);
	(void)icmp_is_proto_unreachable(&e);
	return 0;
}
