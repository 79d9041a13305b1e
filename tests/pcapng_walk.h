/*
 * Test-only pcapng walker for files this project writes (little-endian):
 * checks every block's framing (length a multiple of 4, trailing length
 * equal to the leading one, options padded with zeros and closed by
 * opt_endofopt) and collects what the reader in pcapng.c skips: the
 * section's comment and application, interface names and descriptions,
 * packet comments.  Independent of pcapng_write.c on purpose.
 */
#ifndef PPTP_NATCHECK_PCAPNG_WALK_H
#define PPTP_NATCHECK_PCAPNG_WALK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WALK_MAX_IFACES 16
#define WALK_MAX_PACKETS 4096
#define WALK_STR 600

struct walk_packet {
	uint32_t iface;
	uint64_t ts_units;
	uint32_t caplen, wirelen;
	size_t data_at; /* offset of the packet bytes in the file buffer */
	char comment[WALK_STR];
};

struct walked {
	uint8_t *file;
	size_t size;
	char shb_comment[WALK_STR], shb_userappl[WALK_STR];
	unsigned nifaces;
	uint16_t linktype[WALK_MAX_IFACES];
	uint8_t tsresol[WALK_MAX_IFACES];
	char if_name[WALK_MAX_IFACES][WALK_STR], if_desc[WALK_MAX_IFACES][WALK_STR];
	unsigned npackets;
	struct walk_packet packets[WALK_MAX_PACKETS];
	char error[256];
};

static inline uint32_t
walk_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint16_t
walk_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Options from p (len bytes): calls take(code, value, vlen) for each; false on bad framing. */
static inline bool
walk_options(struct walked *w, const uint8_t *p, size_t len,
             void (*take)(struct walked *, void *, uint16_t, const uint8_t *, uint16_t), void *ctx)
{
	size_t off = 0, k;

	if (len == 0)
		return true; /* no options at all is allowed */
	while (off + 4 <= len) {
		uint16_t code = walk_u16(p + off), vlen = walk_u16(p + off + 2);
		size_t padded = (vlen + 3u) & ~(size_t)3;

		off += 4;
		if (code == 0) {
			if (vlen != 0 || off != len) {
				snprintf(w->error, sizeof(w->error),
				         "opt_endofopt not last or not empty");
				return false;
			}
			return true;
		}
		if (padded > len - off) {
			snprintf(w->error, sizeof(w->error), "option %u runs past the block", code);
			return false;
		}
		for (k = vlen; k < padded; k++)
			if (p[off + k] != 0) {
				snprintf(w->error, sizeof(w->error), "option %u padding not zero",
				         code);
				return false;
			}
		take(w, ctx, code, p + off, vlen);
		off += padded;
	}
	snprintf(w->error, sizeof(w->error), "options not closed by opt_endofopt");
	return false;
}

static inline void
walk_str(char *dst, const uint8_t *v, uint16_t n)
{
	if (n >= WALK_STR)
		n = WALK_STR - 1;
	memcpy(dst, v, n);
	dst[n] = 0;
}

static inline void
walk_take_shb(struct walked *w, void *ctx, uint16_t code, const uint8_t *v, uint16_t n)
{
	(void)ctx;
	if (code == 1)
		walk_str(w->shb_comment, v, n);
	else if (code == 4)
		walk_str(w->shb_userappl, v, n);
}

static inline void
walk_take_idb(struct walked *w, void *ctx, uint16_t code, const uint8_t *v, uint16_t n)
{
	unsigned i = *(unsigned *)ctx;

	if (code == 2)
		walk_str(w->if_name[i], v, n);
	else if (code == 3)
		walk_str(w->if_desc[i], v, n);
	else if (code == 9 && n == 1)
		w->tsresol[i] = v[0];
}

static inline void
walk_take_epb(struct walked *w, void *ctx, uint16_t code, const uint8_t *v, uint16_t n)
{
	struct walk_packet *pk = ctx;

	if (code == 1)
		walk_str(pk->comment, v, n);
	(void)w;
}

/* Walk a whole file in memory; false with w->error on the first framing error. */
static inline bool
walk_buffer(struct walked *w)
{
	size_t off = 0;
	const uint8_t *f = w->file;

	while (off < w->size) {
		uint32_t type, len;
		const uint8_t *b;

		if (w->size - off < 12) {
			snprintf(w->error, sizeof(w->error), "short block at %zu", off);
			return false;
		}
		b = f + off;
		type = walk_u32(b);
		len = walk_u32(b + 4);
		if (len < 12 || len % 4 != 0 || len > w->size - off) {
			snprintf(w->error, sizeof(w->error), "bad length %u at %zu", len, off);
			return false;
		}
		if (walk_u32(b + len - 4) != len) {
			snprintf(w->error, sizeof(w->error), "trailer differs at %zu", off);
			return false;
		}
		if (type == 0x0A0D0D0A) {
			if (off != 0 || len < 28 || walk_u32(b + 8) != 0x1A2B3C4D ||
			    walk_u16(b + 12) != 1 || walk_u16(b + 14) != 0) {
				snprintf(w->error, sizeof(w->error), "bad section header");
				return false;
			}
			if (!walk_options(w, b + 24, len - 28, walk_take_shb, NULL))
				return false;
		} else if (off == 0) {
			snprintf(w->error, sizeof(w->error), "no section header first");
			return false;
		} else if (type == 1) {
			unsigned i = w->nifaces;

			if (i >= WALK_MAX_IFACES || len < 20) {
				snprintf(w->error, sizeof(w->error), "bad interface block");
				return false;
			}
			w->linktype[i] = walk_u16(b + 8);
			w->tsresol[i] = 6;
			if (!walk_options(w, b + 16, len - 20, walk_take_idb, &i))
				return false;
			w->nifaces++;
		} else if (type == 6) {
			struct walk_packet *pk;
			size_t padded;

			if (w->npackets >= WALK_MAX_PACKETS || len < 32) {
				snprintf(w->error, sizeof(w->error), "bad packet block");
				return false;
			}
			pk = &w->packets[w->npackets];
			memset(pk, 0, sizeof(*pk));
			pk->iface = walk_u32(b + 8);
			pk->ts_units = (uint64_t)walk_u32(b + 12) << 32 | walk_u32(b + 16);
			pk->caplen = walk_u32(b + 20);
			pk->wirelen = walk_u32(b + 24);
			pk->data_at = off + 28;
			padded = (pk->caplen + 3u) & ~(size_t)3;
			if (pk->iface >= w->nifaces || padded > len - 32 ||
			    pk->caplen > pk->wirelen) {
				snprintf(w->error, sizeof(w->error), "bad packet block fields");
				return false;
			}
			if (!walk_options(w, b + 28 + padded, len - 32 - padded, walk_take_epb, pk))
				return false;
			w->npackets++;
		}
		off += len;
	}
	return true;
}

/* Read path and walk it; the caller frees w->file and w. */
static inline struct walked *
walk_file(const char *path)
{
	struct walked *w = calloc(1, sizeof(*w));
	FILE *fp = fopen(path, "rb");
	long n;

	if (w == NULL || fp == NULL)
		abort();
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	w->file = malloc(n > 0 ? (size_t)n : 1);
	if (w->file == NULL || fread(w->file, 1, (size_t)n, fp) != (size_t)n)
		abort();
	w->size = (size_t)n;
	fclose(fp);
	if (!walk_buffer(w) && w->error[0] == 0)
		snprintf(w->error, sizeof(w->error), "walk failed");
	return w;
}

static inline void
walk_free(struct walked *w)
{
	if (w != NULL)
		free(w->file);
	free(w);
}

#endif
