/* libFuzzer harness for pptp.c: frames the input as a control stream, parses and fingerprints. */
#include <stdint.h>
#include <stdlib.h>

#include "pptp.h"

/* Check what a caller relies on, on one framed or unframed position. */
static void
check_message(const uint8_t *p, size_t msg_len)
{
	struct pptp_msg m;
	enum parse_status st = pptp_parse(p, msg_len, &m);

	/* A framed message is all there: never TRUNCATED. */
	if (st == PARSE_TRUNCATED)
		abort();
	if (st == PARSE_OK) {
		if (m.info == NULL || m.info->type != m.type || pptp_type_info(m.type) != m.info)
			abort();
		if (m.length != msg_len)
			abort();
		if (pptp_result_name(m.type, m.result) == NULL)
			abort();
	}
	(void)pptp_fingerprint(p, msg_len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pptp_msg m;
	size_t off = 0, turn;

	/* The stream loop: every turn consumes at least one byte. */
	for (turn = 0; off < size && turn < size; turn++) {
		size_t msg_len = 0, skip;
		enum parse_status st = pptp_frame(data + off, size - off, &msg_len);

		if (st == PARSE_OK) {
			if (msg_len < PPTP_HEADER_LEN || msg_len > PPTP_MAX_MESSAGE_LEN ||
			    msg_len > size - off)
				abort();
			check_message(data + off, msg_len);
			off += msg_len;
			continue;
		}
		if (pptp_parse(data + off, size - off, &m) != st)
			abort(); /* the parser frames by the same rules */
		/* A caller waits on TRUNCATED; here the input is all there is, so move on. */
		skip = pptp_resync(data + off, size - off);
		if (skip < 1 || skip > size - off)
			abort();
		/* Resync stops only where framing cannot say INVALID. */
		if (skip < size - off &&
		    pptp_frame(data + off + skip, size - off - skip, &msg_len) == PARSE_INVALID)
			abort();
		off += skip;
	}
	if (off < size)
		abort();
	(void)pptp_parse(data, size, &m);
	(void)pptp_fingerprint(data, size);
	return 0;
}
