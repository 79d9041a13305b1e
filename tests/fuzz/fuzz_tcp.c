/* libFuzzer harness for tcp_parse and tcp_checksum_verify. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The segment is verified as carried by an IPv4 and an IPv6 packet with
 * fixed addresses: any bytes must give one of the four answers, and a
 * segment whose checksum field is then set right must verify.
 */
static void
check_checksum(const uint8_t *data, size_t size, int version)
{
	struct ip_packet ip;
	enum tcp_checksum c;
	uint8_t *copy;
	uint16_t sum;
	unsigned i;

	memset(&ip, 0, sizeof(ip));
	ip.version = (uint8_t)version;
	for (i = 0; i < 16; i++) {
		ip.src.bytes[i] = (uint8_t)(i * 7 + 1);
		ip.dst.bytes[i] = (uint8_t)(i * 13 + 2);
	}
	c = tcp_checksum_verify(&ip, data, size);
	if (c != TCP_CHECKSUM_OK && c != TCP_CHECKSUM_BAD && c != TCP_CHECKSUM_OFFLOAD &&
	    c != TCP_CHECKSUM_UNVERIFIABLE)
		abort();
	if (size < 20) {
		if (c != TCP_CHECKSUM_UNVERIFIABLE)
			abort();
		return;
	}
	copy = malloc(size);
	if (copy == NULL)
		return;
	memcpy(copy, data, size);
	copy[16] = copy[17] = 0;
	sum = ip_checksum_add(ip_pseudo_header_sum(&ip, IP_PROTO_TCP, (uint32_t)size),
	                      ip_checksum_sum(copy, size));
	sum = (uint16_t)~sum;
	copy[16] = (uint8_t)(sum >> 8);
	copy[17] = (uint8_t)sum;
	if (tcp_checksum_verify(&ip, copy, size) != TCP_CHECKSUM_OK)
		abort();
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcp_segment t;

	if (tcp_parse(data, size, &t) == PARSE_OK &&
	    (t.header_len < 20 || t.header_len > size || t.payload != data + t.header_len ||
	     t.payload_len != size - t.header_len))
		abort();
	check_checksum(data, size, 4);
	check_checksum(data, size, 6);
	return 0;
}
