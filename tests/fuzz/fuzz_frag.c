/* libFuzzer harness for frag.c: the input is a list of fragments fed to one table. */
/*
 * Records of 5 bytes: control, offset (2, in 8-byte units, 13 bits used),
 * length (2, 12 bits used: fragments up to 4095 bytes keep runs fast, and
 * with offsets up to 65528 still pass FRAG_MAX_BYTES).  Control bits 0-1
 * pick one of four datagram ids, bit 2 sets MF, bit 3 marks the fragment
 * captured short, bit 4 moves the clock past FRAG_TIMEOUT_NS (else 1 ms),
 * bit 5 takes the bytes from the second pattern (so overlaps can differ),
 * bit 6 makes the fragment IPv6, bit 7 clears is_fragment.  Bytes come
 * from two fixed patterns indexed by datagram position, so every
 * reassembled byte must be one of the two.  The unused top bits of offset
 * (3) and length (4) extend the id, so the table can fill up.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frag.h"

#define RECORD_LEN 5
#define PATTERN_LEN (2 * FRAG_MAX_BYTES + 16) /* any offset plus any length */

static uint8_t pattern[2][PATTERN_LEN];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
init_patterns(void)
{
	static bool done;
	size_t i;

	if (done)
		return;
	for (i = 0; i < PATTERN_LEN; i++) {
		pattern[0][i] = (uint8_t)(i * 13 + i / 256);
		pattern[1][i] = (uint8_t)(pattern[0][i] ^ 0x5a);
	}
	done = true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t v4[2][4] = {{10, 0, 0, 1}, {10, 0, 0, 2}};
	static const uint8_t v6[2][16] = {{0x20, 0x01, 0x0d, 0xb8, [15] = 1},
	                                  {0x20, 0x01, 0x0d, 0xb8, [15] = 2}};
	struct frag_table *t;
	ts_ns_t ts = 0;
	size_t i;

	init_patterns();
	t = frag_new();
	if (t == NULL)
		return 0;
	for (i = 0; size - i >= RECORD_LEN; i += RECORD_LEN) {
		const uint8_t *r = data + i;
		uint8_t ctl = r[0];
		size_t off = (size_t)((r[1] << 8 | r[2]) & 0x1fff) * 8;
		size_t len = (size_t)((r[3] << 8 | r[4]) & 0x0fff);
		struct ip_packet ip;
		const uint8_t *out;
		size_t out_len, k;

		memset(&ip, 0, sizeof(ip));
		if (ctl & 0x40) {
			addr_set_v6(&ip.src, v6[0]);
			addr_set_v6(&ip.dst, v6[1]);
			ip.version = 6;
		} else {
			addr_set_v4(&ip.src, v4[0]);
			addr_set_v4(&ip.dst, v4[1]);
			ip.version = 4;
		}
		ip.proto = 47;
		ip.id = (uint32_t)((ctl & 0x03) | (r[1] >> 5) << 2 | (r[3] >> 4) << 5);
		ip.more_fragments = (ctl & 0x04) != 0;
		ip.frag_offset = (uint32_t)off;
		ip.is_fragment = !(ctl & 0x80) && (ip.more_fragments || off != 0);
		ip.truncated = (ctl & 0x08) != 0;
		ip.payload = pattern[(ctl & 0x20) != 0] + off;
		ip.payload_len = len;
		ip.claimed_payload_len = ip.truncated ? len + 1 : len;
		ts += (ctl & 0x10) ? FRAG_TIMEOUT_NS + 1 : NS_PER_SEC / 1000;
		if (frag_add(t, &ip, ts, &out, &out_len) != FRAG_COMPLETE)
			continue;
		if (out == NULL || out_len == 0 || out_len > FRAG_MAX_BYTES)
			abort();
		for (k = 0; k < out_len; k++)
			if (out[k] != pattern[0][k] && out[k] != pattern[1][k])
				abort();
	}
	frag_expire_all(t);
	frag_free(t);
	return 0;
}
