/*
 * Generator of testdata/legs/: one capture holding both legs of a NAT, made
 * from a lab pair (inside.pcap + outside.pcap, Ethernet, pcap, one clock:
 * both were taken on the router).  Frames are merged by time (inside first
 * on a tie) into:
 *   NAME-any.pcap     LINUX_SLL2 as `tcpdump -i any` writes it: inside on
 *                     ifindex 2, outside on ifindex 3; packet type "outgoing"
 *                     for a packet already seen on the other leg (the NAT
 *                     forwarding it, matched by IPv4 ID, protocol and length
 *                     within a second), "to us" otherwise.
 *   NAME-dumpcap.pcapng  two Interface Description Blocks, if_name lan0 and
 *                     wan0, as `dumpcap -i lan0 -i wan0` writes it.
 *   NAME-any-torn.pcap   NAME-any.pcap with its last record cut in half.
 * and torn copies of each side alone: NAME-inside-torn.pcap,
 * NAME-outside-torn.pcap (the last record cut after 20 of its bytes).
 *
 *   cc -std=c11 -o /tmp/make-legs tests/legs/make-legs.c
 *   /tmp/make-legs testdata/lab/editor-3x256 testdata/legs/editor-3x256
 *   /tmp/make-legs LAN.pcap WAN.pcap OUTPREFIX   (LAN on ifindex 2 / lan0)
 *
 * Deterministic; needs nothing but the C library.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCAP_HDR 24
#define REC_HDR 16
#define ETH_HDR 14
#define SLL2_HDR 20
#define LINKTYPE_ETHERNET 1
#define LINKTYPE_LINUX_SLL2 276
#define IFINDEX_INSIDE 2
#define IFINDEX_OUTSIDE 3
#define PKT_HOST 0
#define PKT_OUTGOING 4
#define MAX_FRAMES 65536
#define FORWARD_WINDOW_US 1000000

struct frame {
	uint64_t ts_us;
	uint32_t len, wirelen;
	const uint8_t *data;
	int leg; /* 0 inside, 1 outside */
	size_t order;
};

struct buf {
	uint8_t *p;
	size_t n, cap;
};

static void
die(const char *what)
{
	fprintf(stderr, "make-legs: %s\n", what);
	exit(1);
}

static void
put(struct buf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2;
		b->p = realloc(b->p, b->cap);
		if (b->p == NULL)
			die("out of memory");
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void
le16(struct buf *b, uint16_t v)
{
	uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
	put(b, x, 2);
}

static void
le32(struct buf *b, uint32_t v)
{
	uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	put(b, x, 4);
}

static void
be16(struct buf *b, uint16_t v)
{
	uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	put(b, x, 2);
}

static void
be32(struct buf *b, uint32_t v)
{
	uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
	put(b, x, 4);
}

static uint32_t
get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		die(path);
	p = malloc((size_t)n + 1);
	if (p == NULL || fread(p, 1, (size_t)n, f) != (size_t)n)
		die(path);
	fclose(f);
	*len = (size_t)n;
	return p;
}

static void
spit(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0)
		die(path);
}

/* Frames of a little-endian microsecond Ethernet pcap (what the lab writes). */
static size_t
read_pcap(const uint8_t *p, size_t n, int leg, struct frame *out, size_t have, size_t *last_off)
{
	size_t off = PCAP_HDR;

	if (n < PCAP_HDR || get_le32(p) != 0xa1b2c3d4 || get_le32(p + 20) != LINKTYPE_ETHERNET)
		die("not a little-endian microsecond Ethernet pcap");
	while (off + REC_HDR <= n) {
		uint32_t caplen = get_le32(p + off + 8);

		if (off + REC_HDR + caplen > n || have == MAX_FRAMES)
			die("cut or too many frames");
		out[have].ts_us = (uint64_t)get_le32(p + off) * 1000000 + get_le32(p + off + 4);
		out[have].len = caplen;
		out[have].wirelen = get_le32(p + off + 12);
		out[have].data = p + off + REC_HDR;
		out[have].leg = leg;
		out[have].order = have;
		*last_off = off;
		have++;
		off += REC_HDR + caplen;
	}
	return have;
}

static int
by_time(const void *x, const void *y)
{
	const struct frame *a = x, *b = y;

	if (a->ts_us != b->ts_us)
		return a->ts_us < b->ts_us ? -1 : 1;
	if (a->leg != b->leg)
		return a->leg - b->leg;
	return a->order < b->order ? -1 : 1;
}

/* IPv4 ID, protocol and total length: what a NAT leaves alone. */
static int
ip_key(const struct frame *f, uint32_t *key)
{
	const uint8_t *ip = f->data + ETH_HDR;

	if (f->len < ETH_HDR + 20 || f->data[12] != 0x08 || f->data[13] != 0x00)
		return 0;
	*key = (uint32_t)ip[4] << 24 | (uint32_t)ip[5] << 16 | (uint32_t)ip[9] << 8 |
	       (uint32_t)((ip[2] << 8 | ip[3]) & 0xff);
	return 1;
}

static uint8_t
packet_type(const struct frame *all, size_t i)
{
	uint32_t key, other;
	size_t k;

	if (!ip_key(&all[i], &key))
		return PKT_HOST;
	for (k = i; k-- > 0 && all[i].ts_us - all[k].ts_us <= FORWARD_WINDOW_US;)
		if (all[k].leg != all[i].leg && ip_key(&all[k], &other) && other == key)
			return PKT_OUTGOING;
	return PKT_HOST;
}

static void
pcap_header(struct buf *b, uint32_t linktype)
{
	le32(b, 0xa1b2c3d4);
	le16(b, 2);
	le16(b, 4);
	le32(b, 0);
	le32(b, 0);
	le32(b, 262144);
	le32(b, linktype);
}

static void
write_any(const char *out, const struct frame *all, size_t n)
{
	struct buf b = {0};
	char path[4096];
	size_t i, last = 0;

	pcap_header(&b, LINKTYPE_LINUX_SLL2);
	for (i = 0; i < n; i++) {
		const struct frame *f = &all[i];
		uint8_t addr[8] = {0};

		if (f->len < ETH_HDR)
			die("frame shorter than Ethernet");
		last = b.n;
		le32(&b, (uint32_t)(f->ts_us / 1000000));
		le32(&b, (uint32_t)(f->ts_us % 1000000));
		le32(&b, f->len - ETH_HDR + SLL2_HDR);
		le32(&b, f->wirelen - ETH_HDR + SLL2_HDR);
		put(&b, f->data + 12, 2); /* protocol: the ethertype */
		be16(&b, 0);
		be32(&b, f->leg == 0 ? IFINDEX_INSIDE : IFINDEX_OUTSIDE);
		be16(&b, 1); /* ARPHRD_ETHER */
		put(&b, (uint8_t[]){packet_type(all, i), 6}, 2);
		memcpy(addr, f->data + 6, 6); /* source MAC */
		put(&b, addr, 8);
		put(&b, f->data + ETH_HDR, f->len - ETH_HDR);
	}
	snprintf(path, sizeof(path), "%s-any.pcap", out);
	spit(path, b.p, b.n);
	/* Torn: the last record's header and half of its data. */
	snprintf(path, sizeof(path), "%s-any-torn.pcap", out);
	spit(path, b.p, last + REC_HDR + (b.n - last - REC_HDR) / 2);
	free(b.p);
}

static void
pad4(struct buf *b)
{
	static const uint8_t zero[4];

	if (b->n % 4 != 0)
		put(b, zero, 4 - b->n % 4);
}

static void
idb(struct buf *b, const char *name)
{
	size_t start = b->n, nlen = strlen(name);

	le32(b, 1);
	le32(b, 0); /* length, patched below */
	le16(b, LINKTYPE_ETHERNET);
	le16(b, 0);
	le32(b, 262144);
	le16(b, 2); /* if_name */
	le16(b, (uint16_t)nlen);
	put(b, name, nlen);
	pad4(b);
	le32(b, 0); /* opt_endofopt */
	le32(b, (uint32_t)(b->n - start + 4));
	memcpy(b->p + start + 4, b->p + b->n - 4, 4);
}

static void
write_dumpcap(const char *out, const struct frame *all, size_t n)
{
	struct buf b = {0};
	char path[4096];
	size_t i;

	le32(&b, 0x0A0D0D0A);
	le32(&b, 28);
	le32(&b, 0x1A2B3C4D);
	le16(&b, 1);
	le16(&b, 0);
	le32(&b, 0xffffffff); /* section length unknown */
	le32(&b, 0xffffffff);
	le32(&b, 28);
	idb(&b, "lan0");
	idb(&b, "wan0");
	for (i = 0; i < n; i++) {
		const struct frame *f = &all[i];
		size_t start = b.n;

		le32(&b, 6);
		le32(&b, 0);
		le32(&b, (uint32_t)f->leg);
		le32(&b, (uint32_t)(f->ts_us >> 32));
		le32(&b, (uint32_t)f->ts_us);
		le32(&b, f->len);
		le32(&b, f->wirelen);
		put(&b, f->data, f->len);
		pad4(&b);
		le32(&b, (uint32_t)(b.n - start + 4));
		memcpy(b.p + start + 4, b.p + b.n - 4, 4);
	}
	snprintf(path, sizeof(path), "%s-dumpcap.pcapng", out);
	spit(path, b.p, b.n);
	free(b.p);
}

static void
write_torn(const char *out, const char *side, const uint8_t *p, size_t last_off)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s-%s-torn.pcap", out, side);
	spit(path, p, last_off + REC_HDR + 20);
}

int
main(int argc, char **argv)
{
	static struct frame all[MAX_FRAMES];
	char path[4096];
	uint8_t *in, *outp;
	size_t nin, nout, n, last_in = 0, last_out = 0;

	if (argc == 4) {
		/* FIRST SECOND OUTPREFIX: FIRST on ifindex 2 / lan0, SECOND on 3 / wan0. */
		in = slurp(argv[1], &nin);
		outp = slurp(argv[2], &nout);
		argv[2] = argv[3];
	} else if (argc == 3) {
		snprintf(path, sizeof(path), "%s/inside.pcap", argv[1]);
		in = slurp(path, &nin);
		snprintf(path, sizeof(path), "%s/outside.pcap", argv[1]);
		outp = slurp(path, &nout);
	} else {
		die("usage: make-legs LABDIR OUTPREFIX | make-legs FIRST SECOND OUTPREFIX");
	}
	n = read_pcap(in, nin, 0, all, 0, &last_in);
	n = read_pcap(outp, nout, 1, all, n, &last_out);
	qsort(all, n, sizeof(all[0]), by_time);
	write_any(argv[2], all, n);
	write_dumpcap(argv[2], all, n);
	write_torn(argv[2], "inside", in, last_in);
	write_torn(argv[2], "outside", outp, last_out);
	free(in);
	free(outp);
	return 0;
}
