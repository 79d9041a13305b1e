/* Network addresses (IPv4 or IPv6) as values: compare, hash, format. */
#include "addr.h"

#include <arpa/inet.h>
#include <string.h>

#include "hash.h"

void
addr_set_v4(struct addr *a, const uint8_t bytes[4])
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	memcpy(a->bytes, bytes, 4);
}

void
addr_set_v6(struct addr *a, const uint8_t bytes[16])
{
	a->family = 6;
	memcpy(a->bytes, bytes, 16);
}

bool
addr_eq(const struct addr *a, const struct addr *b)
{
	return a->family == b->family && memcmp(a->bytes, b->bytes, sizeof(a->bytes)) == 0;
}

int
addr_cmp(const struct addr *a, const struct addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, sizeof(a->bytes));
}

/* Two words and two mixes: this runs for every GRE packet. */
uint64_t
addr_hash(const struct addr *a, uint64_t seed)
{
	uint64_t lo, hi;

	memcpy(&lo, a->bytes, 8);
	memcpy(&hi, a->bytes + 8, 8);
	return hash_mix64(lo ^ seed ^ ((uint64_t)a->family << 56)) ^ hash_mix64(hi + seed);
}

const char *
addr_format(const struct addr *a, char buf[ADDR_STRLEN])
{
	if (a->family == 4)
		inet_ntop(AF_INET, a->bytes, buf, ADDR_STRLEN);
	else if (a->family == 6)
		inet_ntop(AF_INET6, a->bytes, buf, ADDR_STRLEN);
	else
		strcpy(buf, "?");
	return buf;
}

bool
addr_parse(const char *text, struct addr *out)
{
	uint8_t bytes[16];

	if (inet_pton(AF_INET, text, bytes) == 1) {
		addr_set_v4(out, bytes);
		return true;
	}
	if (inet_pton(AF_INET6, text, bytes) == 1) {
		addr_set_v6(out, bytes);
		return true;
	}
	return false;
}
