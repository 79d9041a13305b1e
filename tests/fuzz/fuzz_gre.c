/* libFuzzer harness for gre_parse and gre_is_pptp. */
#include <stdint.h>
#include <stdlib.h>

#include "gre.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gre_packet g;

	if (gre_parse(data, size, &g) != PARSE_OK)
		return 0;
	if (g.header_len < 4 || g.header_len > size || g.payload != data + g.header_len ||
	    g.payload_len != size - g.header_len || g.version > 1)
		abort();
	/* Version 1 is only OK as RFC 2637 shapes it. */
	if (g.version == 1 && (!g.has_key || g.has_checksum || g.has_routing ||
	                       g.call_id != (g.key & 0xffff) || g.payload_len_field != g.key >> 16))
		abort();
	(void)gre_is_pptp(&g);
	return 0;
}
