/*
 * Open-addressing hash map from 64-bit keys to 32-bit values (linear
 * probing, backward-shift deletion).  Callers hash their own keys and
 * verify the value they get back, so a 64-bit key collision is harmless.
 */
#ifndef PPTP_NATCHECK_MAP_H
#define PPTP_NATCHECK_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct map_slot {
	uint64_t key;
	uint32_t value;
	uint32_t used;
};

struct map {
	struct map_slot *slots;
	size_t cap; /* power of two, or 0 */
	size_t count;
	size_t max_count; /* refuse inserts beyond this (a memory bound) */
};

void map_init(struct map *m, size_t max_count);
void map_free(struct map *m);
bool map_get(const struct map *m, uint64_t key, uint32_t *value);
/* Insert or replace; false when max_count is reached or memory ran out. */
bool map_put(struct map *m, uint64_t key, uint32_t value);
bool map_del(struct map *m, uint64_t key);

#endif
