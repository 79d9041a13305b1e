/*
 * Non-cryptographic 64-bit hashing for fingerprints and hash tables.
 * Deterministic within a process: fingerprints of the inside capture are
 * compared with those of the outside capture computed by the same code on
 * the same machine (words are read in host byte order).
 */
#ifndef PPTP_NATCHECK_HASH_H
#define PPTP_NATCHECK_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Final mixer of splitmix64 / MurmurHash3: spreads every input bit. */
static inline uint64_t
hash_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

/*
 * Word-at-a-time hash: each 8-byte word is folded in with a multiply and a
 * rotation (the inner step of wyhash/xxh64 style hashes), the tail the same
 * way, and the whole mixed once at the end.  Cheap enough for a payload
 * fingerprint per packet; not for hostile hash-flooding (keys of our hash
 * tables are verified against their values).
 */
static inline uint64_t
hash_bytes(const void *data, size_t len, uint64_t seed)
{
	const uint8_t *p = data;
	uint64_t h = seed ^ (len * UINT64_C(0x9e3779b97f4a7c15));
	size_t i = 0;

	for (; len - i >= 8; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		h = (h ^ (w * UINT64_C(0xff51afd7ed558ccd))) * UINT64_C(0x9e3779b97f4a7c15);
		h = h << 29 | h >> 35;
	}
	if (i < len) {
		uint64_t w = 0;

		memcpy(&w, p + i, len - i);
		h = (h ^ (w * UINT64_C(0xff51afd7ed558ccd))) * UINT64_C(0x9e3779b97f4a7c15);
	}
	return hash_mix64(h);
}

#endif
