/* libFuzzer harness for tcp_parse. */
#include <stdint.h>
#include <stdlib.h>

#include "tcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcp_segment t;

	if (tcp_parse(data, size, &t) == PARSE_OK &&
	    (t.header_len < 20 || t.header_len > size || t.payload != data + t.header_len ||
	     t.payload_len != size - t.header_len))
		abort();
	return 0;
}
