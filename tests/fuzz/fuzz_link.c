/* libFuzzer harness for link_parse: byte 0 picks a table row (or none), the rest is the frame. */
#include <stdint.h>
#include <stdlib.h>

#include "link.h"

/* More than the table has, so the pick also covers "not in the table". */
#define FUZZ_MAX_TYPES 64
#define FUZZ_UNKNOWN_DLT 10 /* DLT_FDDI: not in the table */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int dlts[FUZZ_MAX_TYPES];
	size_t n = link_types(dlts, FUZZ_MAX_TYPES);
	struct link_frame lf;
	int dlt;

	uint32_t ifindex;
	uint8_t pkttype;

	if (size == 0)
		return 0;
	if (n > FUZZ_MAX_TYPES)
		n = FUZZ_MAX_TYPES;
	dlt = data[0] % (n + 1) < n ? dlts[data[0] % (n + 1)] : FUZZ_UNKNOWN_DLT;
	data++;
	size--;
	/* Every frame of a tcpdump -i any capture is asked its interface. */
	if (link_sll2_interface(data, size, &ifindex, &pkttype) != (size >= 11))
		abort();
	if (link_parse(dlt, data, size, &lf) == PARSE_OK &&
	    (lf.offset > size || lf.vlan_tags > LINK_MAX_VLAN_TAGS))
		abort();
	return 0;
}
