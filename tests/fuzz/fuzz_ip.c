/* libFuzzer harness for ipv4_parse, ipv6_parse and ip_checksum_sum over the same bytes. */
#include <stdint.h>
#include <stdlib.h>

#include "ip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What every OK answer must satisfy: the payload lies inside the bytes given. */
static void
check(const uint8_t *data, size_t size, const struct ip_packet *ip)
{
	if (ip->header_len > size || ip->payload != data + ip->header_len ||
	    ip->payload_len > size - ip->header_len || ip->payload_len > ip->claimed_payload_len ||
	    ip->truncated != (ip->payload_len < ip->claimed_payload_len))
		abort();
	if (ip->is_fragment && !ip->more_fragments && ip->frag_offset == 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ip_packet ip;

	if (ipv4_parse(data, size, &ip) == PARSE_OK) {
		check(data, size, &ip);
		if (ip.version != 4 || ip.header_len < 20)
			abort();
	}
	if (ipv6_parse(data, size, &ip) == PARSE_OK) {
		check(data, size, &ip);
		if (ip.version != 6 || ip.header_len < 40 || !ip.checksum_ok)
			abort();
	}
	(void)ip_checksum_sum(data, size);
	return 0;
}
