/* Open-addressing hash map, 64-bit keys to 32-bit values. */
#include "map.h"

#include <stdlib.h>

#include "hash.h"

/* First table size: small captures never grow it. */
#define MAP_INITIAL_CAP 64

void
map_init(struct map *m, size_t max_count)
{
	m->slots = NULL;
	m->cap = 0;
	m->count = 0;
	m->max_count = max_count;
}

void
map_free(struct map *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
}

static size_t
map_home(const struct map *m, uint64_t key)
{
	return (size_t)hash_mix64(key) & (m->cap - 1);
}

bool
map_get(const struct map *m, uint64_t key, uint32_t *value)
{
	size_t i;

	if (m->cap == 0)
		return false;
	for (i = map_home(m, key);; i = (i + 1) & (m->cap - 1)) {
		const struct map_slot *s = &m->slots[i];

		if (!s->used)
			return false;
		if (s->key == key) {
			*value = s->value;
			return true;
		}
	}
}

static bool
map_grow(struct map *m)
{
	size_t new_cap = m->cap != 0 ? m->cap * 2 : MAP_INITIAL_CAP;
	struct map_slot *old = m->slots;
	size_t old_cap = m->cap, i;

	m->slots = calloc(new_cap, sizeof(*m->slots));
	if (m->slots == NULL) {
		m->slots = old;
		return false;
	}
	m->cap = new_cap;
	m->count = 0;
	for (i = 0; i < old_cap; i++)
		if (old[i].used)
			map_put(m, old[i].key, old[i].value);
	free(old);
	return true;
}

bool
map_put(struct map *m, uint64_t key, uint32_t value)
{
	size_t i;

	/* Keep the load factor under 1/2 so probes stay short. */
	if ((m->count + 1) * 2 > m->cap && !map_grow(m))
		return false;
	for (i = map_home(m, key);; i = (i + 1) & (m->cap - 1)) {
		struct map_slot *s = &m->slots[i];

		if (!s->used) {
			if (m->count >= m->max_count)
				return false;
			s->used = 1;
			s->key = key;
			s->value = value;
			m->count++;
			return true;
		}
		if (s->key == key) {
			s->value = value;
			return true;
		}
	}
}

bool
map_del(struct map *m, uint64_t key)
{
	size_t i, j;

	if (m->cap == 0)
		return false;
	for (i = map_home(m, key);; i = (i + 1) & (m->cap - 1)) {
		if (!m->slots[i].used)
			return false;
		if (m->slots[i].key == key)
			break;
	}
	/* Backward-shift: move later members of the probe run into the hole. */
	m->slots[i].used = 0;
	m->count--;
	for (j = (i + 1) & (m->cap - 1); m->slots[j].used; j = (j + 1) & (m->cap - 1)) {
		size_t home = map_home(m, m->slots[j].key);

		/* Does j's home lie cyclically in (i, j]?  If not, it may fill i. */
		if (((j - home) & (m->cap - 1)) >= ((j - i) & (m->cap - 1))) {
			m->slots[i] = m->slots[j];
			m->slots[j].used = 0;
			i = j;
		}
	}
	return true;
}
