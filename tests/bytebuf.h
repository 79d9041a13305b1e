/*
 * Test-only byte buffer for building capture files in memory, in either
 * byte order (header-only).  Shared by the capture and pcapng suites.
 */
#ifndef PPTP_NATCHECK_BYTEBUF_H
#define PPTP_NATCHECK_BYTEBUF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct bb {
	uint8_t p[1 << 16];
	size_t n;
	bool be; /* big-endian output */
};

static inline void
bb_u8(struct bb *b, uint8_t v)
{
	/* Also used while building suites, outside any test: no ck_assert here. */
	if (b->n >= sizeof(b->p))
		abort();
	b->p[b->n++] = v;
}

static inline void
bb_u16(struct bb *b, uint16_t v)
{
	bb_u8(b, (uint8_t)(b->be ? v >> 8 : v));
	bb_u8(b, (uint8_t)(b->be ? v : v >> 8));
}

static inline void
bb_u32(struct bb *b, uint32_t v)
{
	bb_u16(b, (uint16_t)(b->be ? v >> 16 : v));
	bb_u16(b, (uint16_t)(b->be ? v : v >> 16));
}

/* Overwrite a 32-bit value written earlier (a block length, say). */
static inline void
bb_put32_at(struct bb *b, size_t at, uint32_t v)
{
	size_t save = b->n;

	b->n = at;
	bb_u32(b, v);
	b->n = save;
}

static inline void
bb_bytes(struct bb *b, const void *p, size_t n)
{
	if (n > sizeof(b->p) - b->n)
		abort();
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

#endif
