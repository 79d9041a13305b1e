/*
 * Generator of testdata/bad/: broken captures cut and edited from the public
 * PacketLife PPTP session (testdata/public/PcapPlusPlus__GrePackets-PPTP_negotiation.cap),
 * plus a few made from nothing (empty file, random bytes).  Deterministic:
 * the same source gives the same bytes.  Not built by the Makefile:
 *
 *   cc -std=c11 -o /tmp/make-bad tests/bad/make-bad.c && /tmp/make-bad testdata/bad
 *
 * The source is read from OUTDIR/../public/ unless a second argument names it.
 * testdata/bad/README.md says what each file is; tests/bad/cases what each must get.
 *
 * Frames of the source (1-based, as in Wireshark): 3-5 TCP handshake PNS
 * 20.0.0.2:1999 -> PAC 20.0.0.1:1723, 6 SCCRQ, 7 SCCRP, 9 OCRQ (Call ID 1,
 * seq 157, 168 bytes), 10 OCRP (Call ID 24, Peer 1, 32 bytes), GRE v1 in
 * 11 and 13-28 (to the PAC key 24, to the PNS key 1), pure ACKs 8 and 12.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define SOURCE_NAME "PcapPlusPlus__GrePackets-PPTP_negotiation.cap"
/* The source has 28 frames of at most 222 bytes; room to spare for edits. */
#define MAX_FRAMES 64
#define MAX_FRAME_LEN 2048
#define PCAP_FILE_HEADER_LEN 24
#define PCAP_RECORD_HEADER_LEN 16
#define PCAP_MAGIC_USEC UINT32_C(0xa1b2c3d4)
#define LINKTYPE_ETHERNET 1
#define SNAPLEN_FULL 65535

/* Offsets in the source's frames: Ethernet, IPv4 without options, TCP or GRE. */
#define ETH_LEN 14
#define IP_OFF ETH_LEN
#define IP_LEN 20
#define L4_OFF (IP_OFF + IP_LEN)
#define TCP_LEN 20
#define PPTP_OFF (L4_OFF + TCP_LEN) /* for segments without TCP options */
#define IP_PROTO_TCP 6
#define IP_PROTO_GRE 47

/* Frames of the source edited below (see the header comment). */
#define FR_SCCRQ 6
#define FR_ACK 12
#define FR_OCRQ 9
#define FR_OCRP 10
#define FR_GRE_FIRST_TO_PNS 13
#define PAC_ADDR_LAST_BYTE 1 /* 20.0.0.1 */

/* Size of the random-bytes files: bigger than any header, small in the repo. */
#define RANDOM_LEN 4096

struct frame {
	uint32_t sec, usec, caplen, wirelen;
	uint8_t data[MAX_FRAME_LEN];
};

struct capture {
	uint32_t snaplen;
	uint32_t linktype;
	struct frame frames[MAX_FRAMES];
	size_t nframes;
};

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static struct capture source;
static const char *outdir;

static void
die(const char *what)
{
	fprintf(stderr, "make-bad: %s\n", what);
	exit(1);
}

static void
put_bytes(struct buf *b, const void *p, size_t n)
{
	if (n > b->cap - b->len) {
		size_t cap = b->cap == 0 ? 4096 : b->cap;

		while (n > cap - b->len)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (b->p == NULL)
			die("out of memory");
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
put_le16(struct buf *b, uint16_t v)
{
	uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

	put_bytes(b, x, sizeof(x));
}

static void
put_le32(struct buf *b, uint32_t v)
{
	uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};

	put_bytes(b, x, sizeof(x));
}

static void
set_le32(struct buf *b, size_t off, uint32_t v)
{
	b->p[off] = (uint8_t)v;
	b->p[off + 1] = (uint8_t)(v >> 8);
	b->p[off + 2] = (uint8_t)(v >> 16);
	b->p[off + 3] = (uint8_t)(v >> 24);
}

static uint32_t
get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t
get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
set_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Write the first len bytes of b as OUTDIR/name. */
static void
write_prefix(const char *name, const struct buf *b, size_t len)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	fp = fopen(path, "wb");
	if (fp == NULL || (len > 0 && fwrite(b->p, 1, len, fp) != len) || fclose(fp) != 0)
		die(path);
	printf("%-40s %6zu bytes\n", name, len);
}

static void
write_buf(const char *name, const struct buf *b)
{
	write_prefix(name, b, b->len);
}

static void
load_source(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t h[PCAP_FILE_HEADER_LEN], r[PCAP_RECORD_HEADER_LEN];
	size_t n;

	if (fp == NULL)
		die(path);
	if (fread(h, 1, sizeof(h), fp) != sizeof(h) || get_le32(h) != PCAP_MAGIC_USEC)
		die("source is not a little-endian microsecond pcap file");
	source.snaplen = get_le32(h + 16);
	source.linktype = get_le32(h + 20);
	while ((n = fread(r, 1, sizeof(r), fp)) == sizeof(r)) {
		struct frame *f;

		if (source.nframes == MAX_FRAMES)
			die("source has too many frames");
		f = &source.frames[source.nframes++];
		f->sec = get_le32(r);
		f->usec = get_le32(r + 4);
		f->caplen = get_le32(r + 8);
		f->wirelen = get_le32(r + 12);
		if (f->caplen > MAX_FRAME_LEN || fread(f->data, 1, f->caplen, fp) != f->caplen)
			die("source frame too long or cut");
	}
	fclose(fp);
	if (n != 0 || source.nframes != 28)
		die("source is not the expected 28-frame capture");
}

/* Frame n (1-based) of a capture. */
static struct frame *
frame(struct capture *c, size_t n)
{
	if (n < 1 || n > c->nframes)
		die("no such frame");
	return &c->frames[n - 1];
}

/* Insert f so that it becomes frame n (1-based). */
static void
insert_frame(struct capture *c, size_t n, const struct frame *f)
{
	if (c->nframes == MAX_FRAMES || n < 1 || n > c->nframes + 1)
		die("cannot insert frame");
	memmove(&c->frames[n], &c->frames[n - 1], (c->nframes - (n - 1)) * sizeof(*f));
	c->frames[n - 1] = *f;
	c->nframes++;
}

static uint16_t
checksum_finish(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t
checksum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get_be16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

/* Recompute the IPv4 header checksum (the header must be all in the frame). */
static void
fix_ip(struct frame *f)
{
	uint8_t *ip = f->data + IP_OFF;
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;

	if (ihl < IP_LEN || IP_OFF + ihl > f->caplen)
		die("fix_ip: bad header");
	set_be16(ip + 10, 0);
	set_be16(ip + 10, checksum_finish(checksum_add(0, ip, ihl)));
}

/* Recompute the TCP checksum over the segment as captured (pseudo header per RFC 793). */
static void
fix_tcp(struct frame *f)
{
	uint8_t *ip = f->data + IP_OFF;
	uint8_t *tcp = f->data + L4_OFF;
	size_t seglen = get_be16(ip + 2) - IP_LEN;
	uint32_t sum = 0;

	if (ip[9] != IP_PROTO_TCP || L4_OFF + seglen > f->caplen)
		die("fix_tcp: not a whole TCP segment");
	sum = checksum_add(sum, ip + 12, 8);
	sum += IP_PROTO_TCP + (uint32_t)seglen;
	set_be16(tcp + 16, 0);
	sum = checksum_add(sum, tcp, seglen);
	set_be16(tcp + 16, checksum_finish(sum));
}

/* Grow or shrink a TCP segment's payload (frame, IP total length, checksums). */
static void
set_tcp_payload(struct frame *f, const uint8_t *payload, size_t len)
{
	uint8_t *ip = f->data + IP_OFF;

	if (PPTP_OFF + len > MAX_FRAME_LEN)
		die("payload too long");
	memcpy(f->data + PPTP_OFF, payload, len);
	f->caplen = f->wirelen = (uint32_t)(PPTP_OFF + len);
	set_be16(ip + 2, (uint16_t)(IP_LEN + TCP_LEN + len));
	fix_ip(f);
	fix_tcp(f);
}

static void
add_tcp_seq(struct frame *f, uint32_t delta)
{
	uint8_t *seq = f->data + L4_OFF + 4;
	uint32_t v =
	    (uint32_t)seq[0] << 24 | (uint32_t)seq[1] << 16 | (uint32_t)seq[2] << 8 | seq[3];

	v += delta;
	seq[0] = (uint8_t)(v >> 24);
	seq[1] = (uint8_t)(v >> 16);
	seq[2] = (uint8_t)(v >> 8);
	seq[3] = (uint8_t)v;
}

static int
is_gre(const struct frame *f)
{
	return f->caplen >= L4_OFF && get_be16(f->data + 12) == 0x0800 &&
	       f->data[IP_OFF + 9] == IP_PROTO_GRE;
}

static int
is_to_pns(const struct frame *f)
{
	return f->data[IP_OFF + 15] == PAC_ADDR_LAST_BYTE; /* source 20.0.0.1: the PAC */
}

static void
pcap_bytes(const struct capture *c, struct buf *b)
{
	size_t i;

	put_le32(b, PCAP_MAGIC_USEC);
	put_le16(b, 2);
	put_le16(b, 4);
	put_le32(b, 0); /* thiszone */
	put_le32(b, 0); /* sigfigs */
	put_le32(b, c->snaplen);
	put_le32(b, c->linktype);
	for (i = 0; i < c->nframes; i++) {
		const struct frame *f = &c->frames[i];

		put_le32(b, f->sec);
		put_le32(b, f->usec);
		put_le32(b, f->caplen);
		put_le32(b, f->wirelen);
		put_bytes(b, f->data, f->caplen);
	}
}

/* Offset in a pcap file of frame n's record header (1-based). */
static size_t
pcap_record_offset(const struct capture *c, size_t n)
{
	size_t off = PCAP_FILE_HEADER_LEN, i;

	for (i = 0; i + 1 < n; i++)
		off += PCAP_RECORD_HEADER_LEN + c->frames[i].caplen;
	return off;
}

static void
write_pcap(const char *name, const struct capture *c)
{
	struct buf b = {0};

	pcap_bytes(c, &b);
	write_buf(name, &b);
	free(b.p);
}

/*
 * pcapng (little-endian): SHB, one IDB (or two with different snaplens,
 * which libpcap 1.10 refuses, so the fallback reader gets the file), one
 * EPB per frame.  epb_off[i] is where frame i+1's block starts.
 */
#define NG_SHB_LEN 28
#define NG_IDB_LEN 20
#define NG_EPB_FIXED_LEN 32 /* header 8, fixed fields 20, trailer 4 */
#define NG_SNAPLEN_SECOND 1500

static void
pcapng_bytes(const struct capture *c, int two_interfaces, struct buf *b, size_t *epb_off)
{
	size_t i, k;

	put_le32(b, 0x0A0D0D0A);
	put_le32(b, NG_SHB_LEN);
	put_le32(b, 0x1A2B3C4D);
	put_le16(b, 1);
	put_le16(b, 0);
	put_le32(b, 0xFFFFFFFF); /* section length unknown */
	put_le32(b, 0xFFFFFFFF);
	put_le32(b, NG_SHB_LEN);
	for (k = 0; k < (two_interfaces ? 2u : 1u); k++) {
		put_le32(b, 1);
		put_le32(b, NG_IDB_LEN);
		put_le16(b, (uint16_t)c->linktype);
		put_le16(b, 0);
		put_le32(b, k == 0 ? c->snaplen : NG_SNAPLEN_SECOND);
		put_le32(b, NG_IDB_LEN);
	}
	for (i = 0; i < c->nframes; i++) {
		const struct frame *f = &c->frames[i];
		uint64_t ts = (uint64_t)f->sec * 1000000u + f->usec;
		size_t pad = (4 - f->caplen % 4) % 4;
		uint32_t len = (uint32_t)(NG_EPB_FIXED_LEN + f->caplen + pad);
		static const uint8_t zero[4];

		epb_off[i] = b->len;
		put_le32(b, 6);
		put_le32(b, len);
		put_le32(b, 0); /* interface 0 */
		put_le32(b, (uint32_t)(ts >> 32));
		put_le32(b, (uint32_t)ts);
		put_le32(b, f->caplen);
		put_le32(b, f->wirelen);
		put_bytes(b, f->data, f->caplen);
		put_bytes(b, zero, pad);
		put_le32(b, len);
	}
}

enum ng_lie {
	NG_LIE_LEADING, /* the block total length at the start of EPB n */
	NG_LIE_TRAILING,
	NG_LIE_SHB,
};

/* A pcapng copy of the source where one block length says `value`. */
static void
write_pcapng_lie(const char *name, int two_interfaces, enum ng_lie lie, size_t n, uint32_t value)
{
	struct buf b = {0};
	size_t epb_off[MAX_FRAMES];

	pcapng_bytes(&source, two_interfaces, &b, epb_off);
	switch (lie) {
	case NG_LIE_LEADING:
		set_le32(&b, epb_off[n - 1] + 4, value);
		break;
	case NG_LIE_TRAILING: {
		size_t end = n < source.nframes ? epb_off[n] : b.len;

		set_le32(&b, end - 4, value);
		break;
	}
	case NG_LIE_SHB:
		set_le32(&b, 4, value);
		set_le32(&b, NG_SHB_LEN - 4, value);
		break;
	}
	write_buf(name, &b);
	free(b.p);
}

/* xorshift32: a fixed sequence, the same on every machine. */
static uint32_t
next_random(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static void
put_random(struct buf *b, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t byte = (uint8_t)(next_random(&seed) >> 24);

		put_bytes(b, &byte, 1);
	}
}

/* Files that are not captures at all, or whose file header is broken. */
static void
make_not_captures(void)
{
	struct buf b = {0};
	struct capture *c = malloc(sizeof(*c));

	if (c == NULL)
		die("out of memory");
	write_prefix("empty.pcap", &b, 0);

	pcap_bytes(&source, &b);
	write_prefix("header-short.pcap", &b, 20); /* 20 of the 24 header bytes */
	write_prefix("header-only.pcap", &b, PCAP_FILE_HEADER_LEN);
	b.p[3] ^= 0x01; /* d4 c3 b2 a1 -> d4 c3 b2 a0 */
	write_buf("wrong-magic.pcap", &b);
	b.len = 0;

	put_random(&b, RANDOM_LEN, UINT32_C(2637));
	write_buf("random.bin", &b);
	b.len = 0;

	*c = source;
	c->nframes = 0;
	pcap_bytes(c, &b);
	put_random(&b, RANDOM_LEN, UINT32_C(1723));
	write_buf("random-after-header.pcap", &b);
	free(b.p);
	free(c);
}

/* The file ends inside a record. */
static void
make_cut_files(void)
{
	struct buf b = {0};
	size_t off;

	pcap_bytes(&source, &b);
	off = pcap_record_offset(&source, FR_ACK);
	write_prefix("record-header-cut.pcap", &b, off + PCAP_RECORD_HEADER_LEN / 2);
	off = pcap_record_offset(&source, FR_OCRP);
	write_prefix("record-data-cut.pcap", &b, off + PCAP_RECORD_HEADER_LEN + 60);
	off = pcap_record_offset(&source, 20);
	write_prefix("record-gre-cut.pcap", &b, off + PCAP_RECORD_HEADER_LEN + 22);
	free(b.p);
}

/* Record lengths that lie. */
static void
make_caplen_files(struct capture *c)
{
	struct buf b = {0};

	*c = source;
	c->snaplen = 128; /* SCCRQ (210), SCCRP (210), OCRQ (222) exceed it */
	write_pcap("caplen-over-snaplen.pcap", c);

	pcap_bytes(&source, &b);
	set_le32(&b, pcap_record_offset(&source, 15) + 8, UINT32_C(0x7fffffff));
	write_buf("caplen-absurd.pcap", &b);
	b.len = 0;

	/* 1 MiB: above libpcap's 256 KiB limit for Ethernet, and past the end of the file. */
	pcap_bytes(&source, &b);
	set_le32(&b, pcap_record_offset(&source, FR_OCRQ) + 8, UINT32_C(0x00100000));
	set_le32(&b, pcap_record_offset(&source, FR_OCRQ) + 12, UINT32_C(0x00100000));
	write_buf("caplen-huge.pcap", &b);
	free(b.p);
}

static void
make_pcapng_files(void)
{
	write_pcapng_lie("pcapng-epb-length-long.pcapng", 0, NG_LIE_LEADING, FR_ACK,
	                 NG_EPB_FIXED_LEN + 56 + 8);
	write_pcapng_lie("pcapng-epb-length-short.pcapng", 0, NG_LIE_LEADING, FR_OCRQ,
	                 NG_EPB_FIXED_LEN + 64);
	write_pcapng_lie("pcapng-block-past-eof.pcapng", 0, NG_LIE_LEADING, 20, 0x8000);
	write_pcapng_lie("pcapng-block-length-absurd.pcapng", 0, NG_LIE_LEADING, 15,
	                 UINT32_C(0xfffffff0));
	write_pcapng_lie("pcapng-block-length-tiny.pcapng", 0, NG_LIE_LEADING, 17, 8);
	write_pcapng_lie("pcapng-block-length-odd.pcapng", 0, NG_LIE_LEADING, 17,
	                 NG_EPB_FIXED_LEN + 68 + 2);
	write_pcapng_lie("pcapng-trailer-mismatch.pcapng", 0, NG_LIE_TRAILING, FR_OCRQ,
	                 UINT32_C(0xdeadbeec));
	write_pcapng_lie("pcapng-shb-length-absurd.pcapng", 0, NG_LIE_SHB, 0, UINT32_C(0xfffffffc));
	/* The same lies in a file only the fallback reader (src/pcapng.c) reads. */
	write_pcapng_lie("pcapng-fallback-epb-length-long.pcapng", 1, NG_LIE_LEADING, FR_ACK,
	                 NG_EPB_FIXED_LEN + 56 + 8);
	write_pcapng_lie("pcapng-fallback-block-past-eof.pcapng", 1, NG_LIE_LEADING, 20, 0x8000);
	write_pcapng_lie("pcapng-fallback-block-length-absurd.pcapng", 1, NG_LIE_LEADING, 15,
	                 UINT32_C(0xfffffff0));
	write_pcapng_lie("pcapng-fallback-trailer-mismatch.pcapng", 1, NG_LIE_TRAILING, FR_OCRQ,
	                 UINT32_C(0xdeadbeec));
}

/* IPv4 and TCP header fields that lie. */
static void
make_header_files(struct capture *c)
{
	*c = source;
	frame(c, FR_OCRQ)->data[IP_OFF] = 0x44; /* IHL 4: a 16-byte header */
	write_pcap("ipv4-ihl-short.pcap", c);

	*c = source;
	set_be16(frame(c, FR_OCRP)->data + IP_OFF + 2, 1500); /* the frame holds 72 */
	fix_ip(frame(c, FR_OCRP));
	write_pcap("ipv4-total-length-long.pcap", c);

	*c = source;
	set_be16(frame(c, FR_OCRP)->data + IP_OFF + 2, 16); /* less than its own header */
	fix_ip(frame(c, FR_OCRP));
	write_pcap("ipv4-total-length-short.pcap", c);

	*c = source;
	frame(c, FR_OCRQ)->data[L4_OFF + 12] = 0x40; /* data offset 4: 16 bytes */
	fix_tcp(frame(c, FR_OCRQ));
	write_pcap("tcp-doff-short.pcap", c);

	*c = source;
	frame(c, FR_OCRP)->data[L4_OFF + 12] = 0xf0; /* 60 bytes; the segment has 52 */
	fix_tcp(frame(c, FR_OCRP));
	write_pcap("tcp-doff-long.pcap", c);

	*c = source;
	frame(c, FR_OCRQ)->data[L4_OFF + 12] = 0xa0; /* 40: the OCRQ's first 20 bytes as options */
	fix_tcp(frame(c, FR_OCRQ));
	write_pcap("tcp-doff-lying.pcap", c);
}

/* PPTP control message fields that lie (in the OCRQ, frame 9). */
static void
make_pptp_files(struct capture *c)
{
	static const struct {
		const char *name;
		uint16_t length;
	} lengths[] = {
	    {"pptp-length-0.pcap", 0},
	    {"pptp-length-1.pcap", 1},
	    {"pptp-length-65535.pcap", 65535},
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(lengths); i++) {
		*c = source;
		set_be16(frame(c, FR_OCRQ)->data + PPTP_OFF, lengths[i].length);
		fix_tcp(frame(c, FR_OCRQ));
		write_pcap(lengths[i].name, c);
	}
	*c = source;
	frame(c, FR_OCRQ)->data[PPTP_OFF + 7] ^= 0x01; /* 0x1A2B3C4D -> 0x1A2B3C4C */
	fix_tcp(frame(c, FR_OCRQ));
	write_pcap("pptp-bad-cookie.pcap", c);
}

/* GRE headers with contradictory flags, and GRE cut short. */
static void
make_gre_files(struct capture *c)
{
	size_t i;

	/* C, R, K, S, s set, recursion 7, reserved flags set, version 1 (RFC 2637 4.1
	 * wants C, R, s and recursion zero). */
	*c = source;
	frame(c, FR_GRE_FIRST_TO_PNS)->data[L4_OFF] = 0xff;
	frame(c, FR_GRE_FIRST_TO_PNS)->data[L4_OFF + 1] = 0x79;
	write_pcap("gre-flags-one.pcap", c);

	*c = source;
	for (i = 1; i <= c->nframes; i++)
		if (is_gre(frame(c, i)) && is_to_pns(frame(c, i))) {
			frame(c, i)->data[L4_OFF] = 0xff;
			frame(c, i)->data[L4_OFF + 1] = 0x79;
		}
	write_pcap("gre-flags-to-pns.pcap", c);

	/* Every GRE packet cut inside its Call ID (6 of the 16 header bytes kept). */
	*c = source;
	for (i = 1; i <= c->nframes; i++)
		if (is_gre(frame(c, i)))
			frame(c, i)->caplen = L4_OFF + 6;
	write_pcap("snaplen-gre.pcap", c);

	/* tcpdump -s 64: every frame cut at 64 bytes, control messages included. */
	*c = source;
	c->snaplen = 64;
	for (i = 1; i <= c->nframes; i++)
		if (frame(c, i)->caplen > 64)
			frame(c, i)->caplen = 64;
	write_pcap("snaplen-64.pcap", c);
}

/* Overlapping TCP segments that disagree (the OCRQ's Call ID 1 becomes 2). */
static void
make_overlap_files(struct capture *c)
{
	struct frame f;
	uint8_t part[24];

	/* A full retransmission of the OCRQ right after it, with another Call ID. */
	*c = source;
	f = *frame(c, FR_OCRQ);
	f.data[PPTP_OFF + 13] = 2;
	f.usec += 1000; /* 1 ms later, still before the OCRP */
	fix_tcp(&f);
	insert_frame(c, FR_OCRQ + 1, &f);
	write_pcap("tcp-overlap-conflict.pcap", c);

	/* Bytes 8..31 of the OCRQ arriving first, out of order, with another Call ID;
	 * then the whole OCRQ covers them. */
	*c = source;
	f = *frame(c, FR_OCRQ);
	memcpy(part, f.data + PPTP_OFF + 8, sizeof(part));
	part[13 - 8] = 2;
	add_tcp_seq(&f, 8);
	set_tcp_payload(&f, part, sizeof(part));
	/* Checksum left to the NIC, as on the OCRQ it overlaps: neither copy
	 * verifies, so their checksums cannot tell which is right. */
	set_be16(f.data + L4_OFF + 16, 0);
	insert_frame(c, FR_OCRQ, &f);
	write_pcap("tcp-overlap-partial.pcap", c);
}

int
main(int argc, char **argv)
{
	char path[4096];
	struct capture *c;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: make-bad OUTDIR [SOURCE]\n");
		return 2;
	}
	outdir = argv[1];
	if (argc == 3)
		snprintf(path, sizeof(path), "%s", argv[2]);
	else
		snprintf(path, sizeof(path), "%s/../public/%s", outdir, SOURCE_NAME);
	load_source(path);
	c = malloc(sizeof(*c));
	if (c == NULL)
		die("out of memory");
	make_not_captures();
	make_cut_files();
	make_caplen_files(c);
	make_pcapng_files();
	make_header_files(c);
	make_pptp_files(c);
	make_gre_files(c);
	make_overlap_files(c);
	free(c);
	return 0;
}
