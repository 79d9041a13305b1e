/*
 * Bounded big-endian reader over borrowed packet bytes (header-only).
 *
 * Every read checks what remains first; the first failed read latches
 * cursor.err and every later read returns 0, so a parser can read a whole
 * fixed header and test err once, as netdissect's GET_ macros allow.
 * Lengths are compared against what remains (n > len - off), never by
 * adding to the offset, so a lying length field cannot wrap.
 */
#ifndef PPTP_NATCHECK_CURSOR_H
#define PPTP_NATCHECK_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cursor {
	const uint8_t *p;
	size_t len;
	size_t off;
	bool err;
};

static inline void
cursor_init(struct cursor *c, const uint8_t *p, size_t len)
{
	c->p = p;
	c->len = p != NULL ? len : 0;
	c->off = 0;
	c->err = false;
}

static inline size_t
cursor_remaining(const struct cursor *c)
{
	return c->len - c->off;
}

static inline bool
cursor_has(const struct cursor *c, size_t n)
{
	return !c->err && n <= c->len - c->off;
}

/* Claim n bytes: returns a pointer to them, or NULL (and latches err). */
static inline const uint8_t *
cursor_take(struct cursor *c, size_t n)
{
	const uint8_t *q;

	if (!cursor_has(c, n)) {
		c->err = true;
		return NULL;
	}
	q = c->p + c->off;
	c->off += n;
	return q;
}

static inline bool
cursor_skip(struct cursor *c, size_t n)
{
	return cursor_take(c, n) != NULL;
}

/* Move to an absolute offset inside the buffer (offset == len allowed). */
static inline bool
cursor_seek(struct cursor *c, size_t off)
{
	if (c->err || off > c->len) {
		c->err = true;
		return false;
	}
	c->off = off;
	return true;
}

static inline uint8_t
cursor_u8(struct cursor *c)
{
	const uint8_t *q = cursor_take(c, 1);

	return q != NULL ? q[0] : 0;
}

static inline uint16_t
cursor_u16(struct cursor *c)
{
	const uint8_t *q = cursor_take(c, 2);

	return q != NULL ? (uint16_t)((unsigned)q[0] << 8 | q[1]) : 0;
}

static inline uint32_t
cursor_u32(struct cursor *c)
{
	const uint8_t *q = cursor_take(c, 4);

	return q != NULL ? (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 |
	                       (uint32_t)q[3]
	                 : 0;
}

static inline uint16_t
cursor_u16le(struct cursor *c)
{
	const uint8_t *q = cursor_take(c, 2);

	return q != NULL ? (uint16_t)((unsigned)q[1] << 8 | q[0]) : 0;
}

static inline uint32_t
cursor_u32le(struct cursor *c)
{
	const uint8_t *q = cursor_take(c, 4);

	return q != NULL ? (uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 | (uint32_t)q[1] << 8 |
	                       (uint32_t)q[0]
	                 : 0;
}

/* Read a big-endian 16-bit value at an absolute offset without moving. */
static inline bool
cursor_peek_u16(const struct cursor *c, size_t off, uint16_t *out)
{
	if (c->err || off > c->len || 2 > c->len - off)
		return false;
	*out = (uint16_t)((unsigned)c->p[off] << 8 | c->p[off + 1]);
	return true;
}

#endif
