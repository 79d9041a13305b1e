/* libFuzzer harness for ppp_parse. */
#include <stdint.h>
#include <stdlib.h>

#include "ppp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ppp_frame f;

	if (ppp_parse(data, size, &f) != PARSE_OK)
		return 0;
	/* A PPP protocol is odd; control fields only for control protocols. */
	if ((f.protocol & 1) == 0 || (f.is_control && f.protocol < 0x8000))
		abort();
	return 0;
}
