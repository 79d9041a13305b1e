/*
 * Crafts paired captures the lab cannot (yet) record, from committed lab
 * pairs, by editing plain pcap records (little-endian, microsecond or
 * nanosecond pcap, Ethernet, IPv4 without options).  Deterministic.  Not
 * built by the Makefile:
 *
 *   cc -std=c11 -O2 -o /tmp/craft tests/craft/craft.c
 *   /tmp/craft late IN.pcap OUT.pcap NEW_IN.pcap NEW_OUT.pcap T
 *       both files cut at the same instant T (seconds since the epoch):
 *       what a capture started after the calls were set up holds.
 *   /tmp/craft late-gre IN.pcap OUT.pcap NEW_IN.pcap NEW_OUT.pcap T
 *       the same, GRE only (a capture filtered on 'ip proto 47').
 *   /tmp/craft gre-cut IN.pcap OUT.pcap NEW_IN.pcap NEW_OUT.pcap T SERVER
 *       the NAT's GRE state lost at T: from T on, no GRE from SERVER
 *       reaches the inside, and the NAT answers each such packet outside
 *       with ICMP protocol unreachable quoting it (as a Linux NAT without
 *       a GRE mapping does: the packet is for the NAT itself, which has no
 *       GRE endpoint), 20 microseconds later.
 *
 * testdata/crafted/README.md lists the files made with it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../inet_csum.h"

#define PCAP_HEADER_LEN 24
#define RECORD_HEADER_LEN 16
#define MAX_FRAME 65536
#define ETH_LEN 14
#define IPV4_LEN 20
#define PROTO_GRE 47
#define PROTO_ICMP 1
/* RFC 1812 4.3.2.3: an ICMP error holds as much of the packet as fits in 576 bytes. */
#define ICMP_QUOTE_MAX (576 - IPV4_LEN - 8)
#define ICMP_DELAY_US 20

struct rec {
	uint32_t sec, frac, caplen, len;
	uint8_t data[MAX_FRAME];
};

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static FILE *
open_or_die(const char *path, const char *mode)
{
	FILE *f = fopen(path, mode);

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	return f;
}

/* Copies the file header; returns the fraction units per second. */
static double
copy_header(FILE *in, FILE *out, const char *path)
{
	uint8_t h[PCAP_HEADER_LEN];
	uint32_t magic;

	if (fread(h, 1, sizeof(h), in) != sizeof(h)) {
		fprintf(stderr, "%s: no pcap header\n", path);
		exit(2);
	}
	magic = le32(h);
	if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
		fprintf(stderr, "%s: not a little-endian pcap file\n", path);
		exit(2);
	}
	if (le32(h + 20) != 1) {
		fprintf(stderr, "%s: not Ethernet\n", path);
		exit(2);
	}
	fwrite(h, 1, sizeof(h), out);
	return magic == 0xa1b2c3d4 ? 1e6 : 1e9;
}

static int
read_rec(FILE *in, struct rec *r)
{
	uint8_t h[RECORD_HEADER_LEN];

	if (fread(h, 1, sizeof(h), in) != sizeof(h))
		return 0;
	r->sec = le32(h);
	r->frac = le32(h + 4);
	r->caplen = le32(h + 8);
	r->len = le32(h + 12);
	if (r->caplen > MAX_FRAME || fread(r->data, 1, r->caplen, in) != r->caplen) {
		fprintf(stderr, "torn record\n");
		exit(2);
	}
	return 1;
}

static void
write_rec(FILE *out, const struct rec *r)
{
	uint8_t h[RECORD_HEADER_LEN];

	put_le32(h, r->sec);
	put_le32(h + 4, r->frac);
	put_le32(h + 8, r->caplen);
	put_le32(h + 12, r->len);
	fwrite(h, 1, sizeof(h), out);
	fwrite(r->data, 1, r->caplen, out);
}

static double
rec_time(const struct rec *r, double units)
{
	return (double)r->sec + (double)r->frac / units;
}

static int
is_ipv4(const struct rec *r)
{
	return r->caplen >= ETH_LEN + IPV4_LEN && r->data[12] == 0x08 && r->data[13] == 0x00 &&
	       r->data[ETH_LEN] == 0x45;
}

static int
is_gre_from(const struct rec *r, const uint8_t server[4])
{
	return is_ipv4(r) && r->data[ETH_LEN + 9] == PROTO_GRE &&
	       memcmp(r->data + ETH_LEN + 12, server, 4) == 0;
}

/* The NAT's answer to GRE it has no mapping for: from the packet's destination back to its source. */
static void
icmp_for(const struct rec *gre, struct rec *icmp, double units)
{
	const uint8_t *orig = gre->data + ETH_LEN;
	size_t olen = gre->caplen - ETH_LEN, q = olen < ICMP_QUOTE_MAX ? olen : ICMP_QUOTE_MAX;
	uint8_t *ip = icmp->data + ETH_LEN, *ic = ip + IPV4_LEN;
	uint32_t frac = gre->frac + (uint32_t)(ICMP_DELAY_US * (units / 1e6));
	uint16_t c;

	memset(icmp->data, 0, ETH_LEN + IPV4_LEN + 8);
	/* Ethernet: the GRE frame's addresses swapped. */
	memcpy(icmp->data, gre->data + 6, 6);
	memcpy(icmp->data + 6, gre->data, 6);
	icmp->data[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)((IPV4_LEN + 8 + q) >> 8);
	ip[3] = (uint8_t)(IPV4_LEN + 8 + q);
	ip[8] = 64;
	ip[9] = PROTO_ICMP;
	memcpy(ip + 12, orig + 16, 4); /* from the NAT */
	memcpy(ip + 16, orig + 12, 4); /* to the server */
	c = inet_csum(ip, IPV4_LEN, 0);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	ic[0] = 3; /* destination unreachable */
	ic[1] = 2; /* protocol unreachable */
	memcpy(ic + 8, orig, q);
	c = inet_csum(ic, 8 + q, 0);
	ic[2] = (uint8_t)(c >> 8);
	ic[3] = (uint8_t)c;
	icmp->caplen = icmp->len = (uint32_t)(ETH_LEN + IPV4_LEN + 8 + q);
	icmp->sec = gre->sec + (uint32_t)(frac / (uint32_t)units);
	icmp->frac = frac % (uint32_t)units;
}

static int
parse_addr(const char *s, uint8_t out[4])
{
	unsigned a, b, c, d;

	if (sscanf(s, "%u.%u.%u.%u", &a, &b, &c, &d) != 4 || a > 255 || b > 255 || c > 255 ||
	    d > 255)
		return 0;
	out[0] = (uint8_t)a;
	out[1] = (uint8_t)b;
	out[2] = (uint8_t)c;
	out[3] = (uint8_t)d;
	return 1;
}

/* mode 0: keep frames at or after t; mode 3: GRE only of those.  mode 1 (inside of gre-cut): drop GRE from
 * server at or after t.  mode 2 (outside of gre-cut): add ICMP after it. */
static void
edit(const char *src, const char *dst, double t, int mode, const uint8_t server[4])
{
	FILE *in = open_or_die(src, "rb"), *out = open_or_die(dst, "wb");
	double units = copy_header(in, out, src);
	static struct rec r, icmp;

	while (read_rec(in, &r)) {
		int late = rec_time(&r, units) >= t;

		if ((mode == 0 || mode == 3) && !late)
			continue;
		if (mode == 3 && !(is_ipv4(&r) && r.data[ETH_LEN + 9] == PROTO_GRE))
			continue;
		if (mode == 1 && late && is_gre_from(&r, server))
			continue;
		write_rec(out, &r);
		if (mode == 2 && late && is_gre_from(&r, server)) {
			icmp_for(&r, &icmp, units);
			write_rec(out, &icmp);
		}
	}
	fclose(in);
	if (fclose(out) != 0) {
		perror(dst);
		exit(2);
	}
}

int
main(int argc, char **argv)
{
	uint8_t server[4] = {0, 0, 0, 0};
	double t;

	if (argc >= 7 && strcmp(argv[1], "late") == 0) {
		t = atof(argv[6]);
		edit(argv[2], argv[4], t, 0, server);
		edit(argv[3], argv[5], t, 0, server);
		return 0;
	}
	if (argc >= 7 && strcmp(argv[1], "late-gre") == 0) {
		t = atof(argv[6]);
		edit(argv[2], argv[4], t, 3, server);
		edit(argv[3], argv[5], t, 3, server);
		return 0;
	}
	if (argc >= 8 && strcmp(argv[1], "gre-cut") == 0 && parse_addr(argv[7], server)) {
		t = atof(argv[6]);
		edit(argv[2], argv[4], t, 1, server);
		edit(argv[3], argv[5], t, 2, server);
		return 0;
	}
	fprintf(stderr, "usage: craft late IN OUT NEW_IN NEW_OUT T\n"
	                "       craft late-gre IN OUT NEW_IN NEW_OUT T\n"
	                "       craft gre-cut IN OUT NEW_IN NEW_OUT T SERVER\n");
	return 2;
}
