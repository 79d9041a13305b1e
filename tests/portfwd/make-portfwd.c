/*
 * Rewrites the IPv4 addresses of a classic pcap file (Ethernet), fixing the
 * IPv4 header and TCP/UDP checksums, so that a lab pair recorded through a
 * masquerading NAT becomes the same traffic through a port forward:
 *
 *   WAN (the clients' side) from the lab's inside capture:
 *     make-portfwd inside.pcap wan.pcap 10.0.1.11=198.51.100.20 203.0.113.10=203.0.113.1
 *   LAN (the server's side) from the lab's outside capture:
 *     make-portfwd outside.pcap lan.pcap 203.0.113.1=198.51.100.20 203.0.113.10=10.0.2.10
 *
 * The client keeps one public address on both sides; the server is reached
 * at the NAT's public address and lives at a private one; Call IDs and
 * timing stay as the real kernel made them.  Standalone (no project code):
 *   cc -std=c11 -O2 -o /tmp/make-portfwd tests/portfwd/make-portfwd.c
 * testdata/portfwd/README.md lists the commands that made the committed pairs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MAP 8
#define MAX_FRAME 262144

struct map {
	uint8_t from[4], to[4];
};

static struct map maps[MAX_MAP];
static int nmaps;
static int swapped; /* file in the other byte order */

static uint32_t
rd32(const uint8_t *p)
{
	return swapped ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
	               : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static int
parse_ip(const char *s, uint8_t out[4])
{
	unsigned a, b, c, d;
	char extra;

	if (sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) != 4 || a > 255 || b > 255 ||
	    c > 255 || d > 255)
		return 0;
	out[0] = (uint8_t)a;
	out[1] = (uint8_t)b;
	out[2] = (uint8_t)c;
	out[3] = (uint8_t)d;
	return 1;
}

static void
map_addr(uint8_t *a)
{
	int i;

	for (i = 0; i < nmaps; i++)
		if (memcmp(a, maps[i].from, 4) == 0) {
			memcpy(a, maps[i].to, 4);
			return;
		}
}

static uint32_t
sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* One Ethernet frame: rewrite IPv4 addresses and fix checksums when whole. */
static void
rewrite(uint8_t *f, uint32_t caplen)
{
	uint8_t *ip, pseudo[12];
	size_t ihl, total, l4len;
	uint16_t ck;
	int csum_off;

	if (caplen < 14 + 20 || f[12] != 0x08 || f[13] != 0x00)
		return;
	ip = f + 14;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	total = (size_t)ip[2] << 8 | ip[3];
	if ((ip[0] >> 4) != 4 || ihl < 20 || caplen < 14 + ihl)
		return;
	map_addr(ip + 12);
	map_addr(ip + 16);
	ip[10] = ip[11] = 0;
	ck = fold(sum16(ip, ihl, 0));
	ip[10] = (uint8_t)(ck >> 8);
	ip[11] = (uint8_t)ck;
	if (total < ihl || caplen < 14 + total || (ip[6] & 0x3f) != 0 || ip[7] != 0)
		return; /* cut or fragmented: leave the transport checksum */
	l4len = total - ihl;
	csum_off = ip[9] == 6 ? 16 : ip[9] == 17 ? 6 : -1;
	if (csum_off < 0 || l4len < (size_t)csum_off + 2)
		return;
	if (ip[9] == 17 && ip[ihl + 6] == 0 && ip[ihl + 7] == 0)
		return; /* UDP without a checksum */
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = ip[9];
	pseudo[10] = (uint8_t)(l4len >> 8);
	pseudo[11] = (uint8_t)l4len;
	ip[ihl + csum_off] = ip[ihl + csum_off + 1] = 0;
	ck = fold(sum16(ip + ihl, l4len, sum16(pseudo, sizeof(pseudo), 0)));
	if (ip[9] == 17 && ck == 0)
		ck = 0xffff;
	ip[ihl + csum_off] = (uint8_t)(ck >> 8);
	ip[ihl + csum_off + 1] = (uint8_t)ck;
}

int
main(int argc, char **argv)
{
	static uint8_t frame[MAX_FRAME];
	uint8_t hdr[24], rec[16];
	FILE *in, *out;
	uint32_t magic, caplen;
	int i;

	if (argc < 4) {
		fprintf(stderr, "usage: make-portfwd IN.pcap OUT.pcap FROM=TO...\n");
		return 2;
	}
	for (i = 3; i < argc && nmaps < MAX_MAP; i++) {
		char from[32], *eq = strchr(argv[i], '=');

		if (eq == NULL || (size_t)(eq - argv[i]) >= sizeof(from))
			return fprintf(stderr, "make-portfwd: bad mapping %s\n", argv[i]), 2;
		memcpy(from, argv[i], (size_t)(eq - argv[i]));
		from[eq - argv[i]] = 0;
		if (!parse_ip(from, maps[nmaps].from) || !parse_ip(eq + 1, maps[nmaps].to))
			return fprintf(stderr, "make-portfwd: bad mapping %s\n", argv[i]), 2;
		nmaps++;
	}
	if ((in = fopen(argv[1], "rb")) == NULL || (out = fopen(argv[2], "wb")) == NULL)
		return perror("make-portfwd"), 1;
	if (fread(hdr, 1, sizeof(hdr), in) != sizeof(hdr))
		return fprintf(stderr, "make-portfwd: %s: no pcap header\n", argv[1]), 1;
	magic = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 | (uint32_t)hdr[2] << 16 |
	        (uint32_t)hdr[3] << 24;
	if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		swapped = 1;
	else if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d)
		return fprintf(stderr, "make-portfwd: %s: not a classic pcap file\n", argv[1]), 1;
	if (rd32(hdr + 20) != 1)
		return fprintf(stderr, "make-portfwd: %s: not Ethernet\n", argv[1]), 1;
	fwrite(hdr, 1, sizeof(hdr), out);
	while (fread(rec, 1, sizeof(rec), in) == sizeof(rec)) {
		caplen = rd32(rec + 8);
		if (caplen > MAX_FRAME || fread(frame, 1, caplen, in) != caplen)
			return fprintf(stderr, "make-portfwd: %s: cut record\n", argv[1]), 1;
		rewrite(frame, caplen);
		fwrite(rec, 1, sizeof(rec), out);
		fwrite(frame, 1, caplen, out);
	}
	if (fclose(out) != 0)
		return perror("make-portfwd"), 1;
	fclose(in);
	return 0;
}
