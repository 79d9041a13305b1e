/*
 * The Internet checksum (RFC 1071) for the tests and the tools that craft
 * captures: big-endian 16-bit words added to sum with end-around carry,
 * complemented.  Written apart from src/ip.c on purpose: the suites check
 * the library's checksums against it.
 */
#ifndef PPTP_NATCHECK_TEST_INET_CSUM_H
#define PPTP_NATCHECK_TEST_INET_CSUM_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t
inet_csum(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

#endif
