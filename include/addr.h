/* Network addresses (IPv4 or IPv6) as values: compare, hash, format. */
#ifndef PPTP_NATCHECK_ADDR_H
#define PPTP_NATCHECK_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

struct addr {
	uint8_t family;    /* 0 unknown, 4 or 6 */
	uint8_t bytes[16]; /* IPv4 in bytes[0..3], the rest zero */
};

void addr_set_v4(struct addr *a, const uint8_t bytes[4]);
void addr_set_v6(struct addr *a, const uint8_t bytes[16]);
bool addr_eq(const struct addr *a, const struct addr *b);
int addr_cmp(const struct addr *a, const struct addr *b);
uint64_t addr_hash(const struct addr *a, uint64_t seed);
/* Writes a NUL-terminated string ("?" when unknown) and returns buf. */
const char *addr_format(const struct addr *a, char buf[ADDR_STRLEN]);
/* Parses dotted IPv4 or IPv6 text; false if it is neither. */
bool addr_parse(const char *text, struct addr *out);

#endif
