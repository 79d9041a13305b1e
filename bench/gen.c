/* bench/gen.c: deterministic generator of PPTP-through-NAT captures (RFC 2637 s2, s4) for tests. */
/*
 * One program, three modes:
 *   pair         inside and outside captures of an N:1 NAT with a PPTP editor that works
 *                like Linux nf_nat_pptp, optionally with one injected defect, plus a truth JSON;
 *   single       the same world, one side only;
 *   adversarial  hostile captures for the memory caps (--kind conns|callids|oneb).
 *
 * Output is classic pcap (Ethernet), written little-endian with buffered fwrite whatever the
 * host, so a given --seed gives the same bytes everywhere.  IPv4 header, TCP and UDP checksums
 * are correct (except where --defect=bad-checksum says otherwise).
 *
 * The world: N PNSs (10.0.x.y) behind one NAT address (203.0.113.1) reach M PACs
 * (198.51.100.1..M).  Each PNS opens one control connection, places one call with Call ID 256
 * and a Call Serial Number of its own, and then both ends exchange Enhanced GRE (seq/ack,
 * ack-only packets, PPP payloads of varied length) and Echo-Requests until --size is reached
 * (or each call has sent --gre-per-tunnel packets), after which every call is cleared and every
 * control connection stopped and closed.  Each event of the simulation emits one packet; the
 * inside capture sees it before the outside one (PNS->PAC) or after it (PAC->PNS), a few
 * hundred microseconds apart.  Background UDP/TCP flows (and a little ARP) take about
 * --background of the bytes on both sides.
 *
 * The editor rewrites the PNS Call ID to the NAT'd TCP source port, as Linux does (one call per
 * control connection): in OCRQ and CCRQ towards the PAC, in the OCRP Peer's Call ID and the
 * GRE key towards the PNS on the way back.  The GRE key to the PAC is never changed.
 *
 * Known limits, on purpose: no IP fragments, no IPv6, no TCP loss or retransmission, one call
 * per control connection, GRE seq/ack follow what the peer sent (not what it received).
 * Divergence: --kind callids spreads its million calls over --conns control connections
 * (default 16, one PNS address each), because a Call ID has 16 bits: a million distinct Call
 * IDs cannot exist on one connection, a million distinct (PNS, Call ID) tunnels can.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define NS_PER_SEC UINT64_C(1000000000)
#define NS_PER_MS UINT64_C(1000000)
#define NS_PER_US UINT64_C(1000)

/* Start of every capture: 2023-11-14T22:13:20Z, a round number inside libpcap's 32-bit range. */
#define GEN_EPOCH_SEC UINT64_C(1700000000)

/* Largest frame we build: Ethernet + IPv4 + TCP with 1448 bytes is 1502; leave room. */
#define FRAME_MAX 1536
#define PCAP_FILE_HDR 24
#define PCAP_REC_HDR 16
#define SNAPLEN 262144

/* Output buffer per file: large writes keep fwrite off the profile at GB/s. */
#define OUT_BUFFER (4u << 20)

/* Tunnels are capped so that client addresses (250 per /24) and NAT ports stay unique. */
#define MAX_TUNNELS 60000
#define MAX_PACS 250

/* Delay through the NAT: "a few hundred microseconds", per packet. */
#define NAT_DELAY_MIN_NS (100 * NS_PER_US)
#define NAT_DELAY_SPAN_NS (500 * NS_PER_US)

/* One-way delay PNS<->NAT (LAN) and NAT<->PAC (WAN) as seen from the NAT's captures. */
#define LAN_GAP_MIN_NS (300 * NS_PER_US)
#define WAN_RTT_MIN_NS (5 * NS_PER_MS)
#define WAN_RTT_SPAN_NS (35 * NS_PER_MS)

/* Least time between receiving a TCP segment and sending the next one on that connection. */
#define TCP_TURN_NS (30 * NS_PER_US)

/* time-shift defect: the outside capture starts this long after the inside one stopped. */
#define TIME_SHIFT_GAP_NS (3600 * NS_PER_SEC)

/* Concurrent background flows and the most background packets put between two events. */
#define BG_FLOWS 16
#define BG_BURST_MAX 64

/* GRE packets a call sends before it may be cleared because --size was reached. */
#define MIN_GRE 4

/* Pending control actions per tunnel (acks and echo replies): at most two are ever queued. */
#define TUN_QUEUE 4

/* Frames kept per tunnel and side as evidence of the injected defect (for golden tests). */
#define EVIDENCE_MAX 4

/* Hard cap on simulation events, so that no option mix can loop for ever. */
#define MAX_EVENTS UINT64_C(2000000000)

#define PPTP_PORT 1723
#define PPTP_MAGIC 0x1A2B3C4Du
#define NAT_ADDR 0xCB007101u    /* 203.0.113.1 */
#define PAC_BASE 0xC6336400u    /* 198.51.100.0 */
#define PNS_BASE 0x0A000000u    /* 10.0.0.0 */
#define BG_SERVER 0xC0000200u   /* 192.0.2.0 */
#define BG_PAC_SIDE 0xC63364C8u /* 198.51.100.200: other traffic to the PACs' network */

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_PSH 0x08
#define TCP_ACK 0x10

#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_GRE_ 47

enum side { SIDE_IN = 0, SIDE_OUT = 1, SIDES = 2 };
enum dir { TO_PAC = 0, TO_PNS = 1 };

enum pkind { K_BG, K_TCP, K_CTRL, K_GRE_TO_PAC, K_GRE_TO_PNS };

enum mode { MODE_PAIR, MODE_SINGLE, MODE_ADV };
enum adv_kind { ADV_NONE, ADV_CONNS, ADV_CALLIDS, ADV_ONEB };

enum defect {
	D_NONE,
	D_NO_EDITOR,
	D_RETURN_BLOCKED,
	D_FORWARD_BLOCKED,
	D_GRE_BLOCKED,
	D_KEY_NOT_RESTORED,
	D_PEER_NOT_RESTORED,
	D_REWRITE_INCONSISTENT,
	D_CDN_REWRITTEN,
	D_SLI_MANGLED,
	D_BAD_CHECKSUM,
	D_TIME_SHIFT,
	D_UNMATCHED,
};

/* One row per defect: its option name and what it does on the wire (copied into the truth). */
static const struct defect_row {
	const char *name;
	enum defect defect;
	int per_tunnel; /* applies to --defect-tunnel only (0 = NAT-wide) */
	const char *wire;
} defect_table[] = {
    {"none", D_NONE, 0, "healthy N:1 NAT with a working PPTP editor"},
    {"no-editor", D_NO_EDITOR, 0,
     "no Call ID rewriting: outside OCRQ/CCRQ/OCRP and GRE to the PNS carry the PNS's own Call "
     "ID; GRE from a PAC is delivered inside to the last client that sent GRE to that PAC "
     "(dropped if none did yet)"},
    {"return-blocked", D_RETURN_BLOCKED, 1,
     "GRE to the PNS is seen outside but never delivered inside"},
    {"forward-blocked", D_FORWARD_BLOCKED, 1,
     "GRE to the PAC is seen inside but never forwarded outside"},
    {"gre-blocked", D_GRE_BLOCKED, 1,
     "no GRE crosses the NAT: to-PAC seen inside only, to-PNS seen outside only"},
    {"key-not-restored", D_KEY_NOT_RESTORED, 1,
     "inside GRE key to the PNS is the PNS Call ID byte-swapped (0x0100 -> 0x0001); OCRP Peer's "
     "Call ID is restored right"},
    {"peer-not-restored", D_PEER_NOT_RESTORED, 1,
     "inside OCRP Peer's Call ID is the outside (rewritten) value; GRE keys are restored right"},
    {"rewrite-inconsistent", D_REWRITE_INCONSISTENT, 1,
     "outside CCRQ carries the PNS's original Call ID while the outside OCRQ was rewritten"},
    {"cdn-rewritten", D_CDN_REWRITTEN, 1,
     "CDN Call ID differs across the NAT: outside it is the PAC's Call ID, inside the editor "
     "replaced it with the PNS's original Call ID (as Linux does)"},
    {"sli-mangled", D_SLI_MANGLED, 1,
     "SLI to the PAC: outside Peer's Call ID is the rewritten PNS Call ID instead of the PAC's"},
    {"bad-checksum", D_BAD_CHECKSUM, 1,
     "outside GRE to the PAC: every packet after the first has a stale IPv4 header checksum "
     "(the inside header's)"},
    {"time-shift", D_TIME_SHIFT, 0,
     "the outside capture starts an hour after the inside capture stopped: no overlap in time, "
     "no packet appears on both sides"},
    {"unmatched", D_UNMATCHED, 1,
     "the tunnel takes another path: it appears in the inside capture only"},
};

/* ------------------------------------------------------------------ random numbers */

/* splitmix64: tiny, fast, and the same sequence on every platform. */
struct rng {
	uint64_t s;
};

static uint64_t
rng_next(struct rng *r)
{
	uint64_t z = (r->s += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* Uniform in [0, n) by multiply-shift (n > 0). */
static uint32_t
rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

static uint64_t
rng_below64(struct rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

static void
rng_fill(struct rng *r, uint8_t *p, size_t len)
{
	while (len >= 8) {
		uint64_t v = rng_next(r);
		memcpy(p, &v, 8);
		p += 8;
		len -= 8;
	}
	if (len) {
		uint64_t v = rng_next(r);
		memcpy(p, &v, len);
	}
}

static struct rng
rng_derive(uint64_t seed, uint64_t stream)
{
	struct rng r = {seed ^ (stream * UINT64_C(0xD1B54A32D192ED03))};

	(void)rng_next(&r);
	return r;
}

/* ------------------------------------------------------------------ byte helpers */

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint16_t
bswap16(uint16_t v)
{
	return (uint16_t)((v >> 8) | (v << 8));
}

/*
 * RFC 1071 sum over native-order words: the one's complement sum is byte-order independent,
 * so the folded result stored with memcpy lands in network order on any host.
 */
static uint64_t
csum_add(uint64_t sum, const uint8_t *p, size_t len)
{
	while (len >= 4) {
		uint32_t w;
		memcpy(&w, p, 4);
		sum += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t h;
		memcpy(&h, p, 2);
		sum += h;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint8_t last[2] = {p[0], 0};
		uint16_t h;
		memcpy(&h, last, 2);
		sum += h;
	}
	return sum;
}

static void
csum_store(uint8_t *dst, uint64_t sum)
{
	uint16_t r;

	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	r = (uint16_t)~sum;
	memcpy(dst, &r, 2);
}

/* ------------------------------------------------------------------ options */

struct opts {
	enum mode mode;
	const char *inside, *outside, *out, *truth;
	uint64_t seed;
	uint64_t size; /* bytes per side; 0 with small */
	int small;
	uint32_t tunnels, pacs;
	uint32_t bg_pm;  /* background share of bytes, per mille */
	uint64_t gap_ns; /* mean time between GRE packets of one tunnel */
	uint64_t echo_ns, stagger_ns;
	int64_t clock_offset_ns;
	uint32_t gre_quota; /* GRE packets per tunnel, 0 = until --size */
	enum defect defect;
	uint32_t defect_tunnel; /* 1-based, 0 = all */
	int ns;
	enum side single_side;
	int identical;
	uint16_t pns_call_id;
	enum adv_kind kind;
	uint64_t count;
	uint32_t conns, window;
};

/* ------------------------------------------------------------------ truth counters */

struct tcount {
	uint64_t gre_to_pac, gre_to_pns, wire_gre_to_pns, ctrl, tcp;
	uint64_t misdelivered, foreign;
	uint64_t first_frame, last_frame, first_ts, last_ts;
	uint64_t evidence[EVIDENCE_MAX];
	uint32_t nevidence;
};

/* ------------------------------------------------------------------ output with reordering */

/*
 * Packets are emitted in event order but land on each side a few hundred microseconds late, so
 * each file keeps a small min-heap (time, emission order) of built frames and writes those no
 * later event can precede.
 */
struct pend {
	uint64_t ts, order;
	uint32_t slot, len;
	uint32_t origin, wire; /* tunnel ids; 0 = not a tunnel's packet */
	uint8_t kind, evidence;
};

struct out {
	FILE *f;
	const char *path;
	char *buf;
	int open; /* this side accepts packets now */
	int used; /* this side is written at all */
	int ns;
	int64_t offset_ns;
	uint64_t emitted_bytes; /* counted at emission, for --size */
	uint64_t written_packets, written_bytes, last_ts, first_ts;
	struct pend *heap;
	size_t heap_len, heap_cap;
	uint8_t *slots;
	uint32_t *free_slots;
	size_t nfree, nslots;
	uint64_t order;
	int failed;
};

struct tunnel;

struct world {
	const struct opts *o;
	struct out side[SIDES];
	struct tunnel *tun;
	uint32_t ntun;
	uint32_t *ev; /* event heap of tunnel indices */
	size_t evlen;
	uint64_t now, prev;
	uint64_t pptp_bytes, bg_bytes; /* model bytes (inside view), for the background share */
	uint64_t bg_packets[SIDES], bg_written_bytes[SIDES];
	int stopping;
	int split_done;
	uint64_t data_events, data_planned;
	uint32_t last_sender[MAX_PACS]; /* tunnel id + 0; 0 = none */
	uint16_t pac_next_cid[MAX_PACS];
	uint8_t natports[65536 / 8];
	struct rng bg_rng;
	struct bgflow *bg;
	uint64_t bg_serial;
	uint8_t payload[FRAME_MAX];
};

static const uint8_t MAC_NAT_IN[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t MAC_NAT_OUT[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
static const uint8_t MAC_ROUTER[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0xFE};

static void
die(const char *what)
{
	fprintf(stderr, "gen: %s\n", what);
	exit(2);
}

static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (!q)
		die("out of memory");
	return q;
}

static void
out_open(struct out *o, const char *path, int ns, int64_t offset_ns)
{
	uint8_t h[PCAP_FILE_HDR];

	memset(o, 0, sizeof(*o));
	o->path = path;
	o->ns = ns;
	o->offset_ns = offset_ns;
	o->used = o->open = 1;
	o->f = fopen(path, "wb");
	if (!o->f) {
		fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	o->buf = xrealloc(NULL, OUT_BUFFER);
	setvbuf(o->f, o->buf, _IOFBF, OUT_BUFFER);
	put32le(h, ns ? 0xA1B23C4Du : 0xA1B2C3D4u);
	h[4] = 2, h[5] = 0, h[6] = 4, h[7] = 0; /* version 2.4, little-endian */
	put32le(h + 8, 0);                      /* thiszone */
	put32le(h + 12, 0);                     /* sigfigs */
	put32le(h + 16, SNAPLEN);
	put32le(h + 20, 1); /* LINKTYPE_ETHERNET */
	if (fwrite(h, 1, sizeof(h), o->f) != sizeof(h))
		o->failed = 1;
	o->written_bytes = o->emitted_bytes = PCAP_FILE_HDR;
}

static uint8_t *
out_reserve(struct out *o, uint32_t *slot)
{
	if (!o->nfree) {
		size_t grow = o->nslots ? o->nslots : 64;
		size_t i;

		o->slots = xrealloc(o->slots, (o->nslots + grow) * FRAME_MAX);
		o->free_slots = xrealloc(o->free_slots, (o->nslots + grow) * sizeof(uint32_t));
		for (i = 0; i < grow; i++)
			o->free_slots[o->nfree++] = (uint32_t)(o->nslots + grow - 1 - i);
		o->nslots += grow;
	}
	*slot = o->free_slots[--o->nfree];
	return o->slots + (size_t)*slot * FRAME_MAX;
}

static int
pend_less(const struct pend *a, const struct pend *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->order < b->order);
}

static void
out_commit(struct out *o, uint32_t slot, uint64_t ts, size_t len, uint32_t origin, uint32_t wire,
           enum pkind kind, int evidence)
{
	struct pend e;
	size_t i;

	if (o->heap_len == o->heap_cap) {
		o->heap_cap = o->heap_cap ? 2 * o->heap_cap : 64;
		o->heap = xrealloc(o->heap, o->heap_cap * sizeof(*o->heap));
	}
	e.ts = ts;
	e.order = o->order++;
	e.slot = slot;
	e.len = (uint32_t)len;
	e.origin = origin;
	e.wire = wire;
	e.kind = (uint8_t)kind;
	e.evidence = (uint8_t)evidence;
	i = o->heap_len++;
	while (i > 0 && pend_less(&e, &o->heap[(i - 1) / 2])) {
		o->heap[i] = o->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	o->heap[i] = e;
	o->emitted_bytes += PCAP_REC_HDR + len;
}

static struct pend
out_pop(struct out *o)
{
	struct pend top = o->heap[0], last = o->heap[--o->heap_len];
	size_t i = 0, n = o->heap_len;

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && pend_less(&o->heap[c + 1], &o->heap[c]))
			c++;
		if (!pend_less(&o->heap[c], &last))
			break;
		o->heap[i] = o->heap[c];
		i = c;
	}
	if (n)
		o->heap[i] = last;
	return top;
}

static void record_write(struct world *w, enum side s, const struct pend *e, uint64_t frame,
                         uint64_t ts);

static void
out_write(struct world *w, enum side s, const struct pend *e)
{
	struct out *o = &w->side[s];
	uint8_t h[PCAP_REC_HDR];
	uint64_t ts = (uint64_t)((int64_t)e->ts + o->offset_ns);
	uint64_t sec, frac;

	if (!o->ns)
		ts -= ts % NS_PER_US; /* what the file holds, so the truth says the same */
	sec = ts / NS_PER_SEC;
	frac = ts % NS_PER_SEC;
	if (o->written_packets && ts < o->last_ts)
		die("internal error: timestamps out of order");
	if (!o->written_packets)
		o->first_ts = ts;
	o->last_ts = ts;
	put32le(h, (uint32_t)sec);
	put32le(h + 4, (uint32_t)(o->ns ? frac : frac / NS_PER_US));
	put32le(h + 8, e->len);
	put32le(h + 12, e->len);
	if (fwrite(h, 1, sizeof(h), o->f) != sizeof(h) ||
	    fwrite(o->slots + (size_t)e->slot * FRAME_MAX, 1, e->len, o->f) != e->len)
		o->failed = 1;
	o->written_packets++;
	o->written_bytes += PCAP_REC_HDR + e->len;
	o->free_slots[o->nfree++] = e->slot;
	record_write(w, s, e, o->written_packets, ts);
}

static void
out_flush(struct world *w, enum side s, uint64_t upto)
{
	struct out *o = &w->side[s];

	while (o->heap_len && o->heap[0].ts <= upto) {
		struct pend e = out_pop(o);
		out_write(w, s, &e);
	}
}

static int
out_close(struct world *w, enum side s)
{
	struct out *o = &w->side[s];
	int bad;

	if (!o->used)
		return 0;
	out_flush(w, s, UINT64_MAX);
	bad = o->failed | (fclose(o->f) != 0);
	if (bad)
		fprintf(stderr, "gen: %s: write failed\n", o->path);
	free(o->buf);
	free(o->heap);
	free(o->slots);
	free(o->free_slots);
	return bad;
}

/* ------------------------------------------------------------------ frame builders */

/* One view of one IP packet on one side of the NAT. */
struct view {
	uint32_t src, dst;
	const uint8_t *smac, *dmac;
	uint8_t ttl;
	uint16_t ip_id;
};

#define ETH_LEN 14
#define IP_LEN 20

/* Ethernet + IPv4 header; the header checksum is filled in (right) here. */
static uint8_t *
frame_ip(uint8_t *f, const struct view *v, uint8_t proto, size_t l4len, int df)
{
	uint8_t *ip = f + ETH_LEN;

	memcpy(f, v->dmac, 6);
	memcpy(f + 6, v->smac, 6);
	f[12] = 0x08, f[13] = 0x00;
	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (uint32_t)(IP_LEN + l4len));
	put16(ip + 4, v->ip_id);
	put16(ip + 6, df ? 0x4000 : 0);
	ip[8] = v->ttl;
	ip[9] = proto;
	ip[10] = ip[11] = 0;
	put32(ip + 12, v->src);
	put32(ip + 16, v->dst);
	csum_store(ip + 10, csum_add(0, ip, IP_LEN));
	return ip + IP_LEN;
}

static uint64_t
pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, size_t l4len)
{
	uint8_t ph[12];

	put32(ph, src);
	put32(ph + 4, dst);
	ph[8] = 0;
	ph[9] = proto;
	put16(ph + 10, (uint32_t)l4len);
	return csum_add(0, ph, sizeof(ph));
}

struct tcpseg {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
};

static size_t
frame_tcp(uint8_t *f, const struct view *v, const struct tcpseg *t, const uint8_t *pl, size_t len)
{
	size_t hl = (t->flags & TCP_SYN) ? 24 : 20; /* SYNs carry an MSS option */
	uint8_t *th = frame_ip(f, v, IPPROTO_TCP_, hl + len, 1);

	put16(th, t->sport);
	put16(th + 2, t->dport);
	put32(th + 4, t->seq);
	put32(th + 8, t->ack);
	th[12] = (uint8_t)((hl / 4) << 4);
	th[13] = t->flags;
	put16(th + 14, t->win);
	th[16] = th[17] = 0;
	put16(th + 18, 0);
	if (hl == 24) {
		th[20] = 2, th[21] = 4; /* MSS 1460 */
		put16(th + 22, 1460);
	}
	if (len)
		memcpy(th + hl, pl, len);
	csum_store(th + 16,
	           csum_add(pseudo_sum(v->src, v->dst, IPPROTO_TCP_, hl + len), th, hl + len));
	return ETH_LEN + IP_LEN + hl + len;
}

static size_t
frame_udp(uint8_t *f, const struct view *v, uint16_t sport, uint16_t dport, const uint8_t *pl,
          size_t len)
{
	uint8_t *uh = frame_ip(f, v, IPPROTO_UDP_, 8 + len, 0);

	put16(uh, sport);
	put16(uh + 2, dport);
	put16(uh + 4, (uint32_t)(8 + len));
	uh[6] = uh[7] = 0;
	memcpy(uh + 8, pl, len);
	csum_store(uh + 6,
	           csum_add(pseudo_sum(v->src, v->dst, IPPROTO_UDP_, 8 + len), uh, 8 + len));
	if (uh[6] == 0 && uh[7] == 0)
		uh[6] = uh[7] = 0xFF; /* RFC 768: a computed zero is sent as all ones */
	return ETH_LEN + IP_LEN + 8 + len;
}

struct grehdr {
	uint16_t key_cid;
	int has_seq, has_ack;
	uint32_t seq, ack;
};

/* Enhanced GRE (RFC 2637 s4.1): K always, S with payload, A when acknowledging. */
static size_t
frame_gre(uint8_t *f, const struct view *v, const struct grehdr *g, const uint8_t *ppp, size_t len)
{
	size_t hl = 8 + (g->has_seq ? 4u : 0u) + (g->has_ack ? 4u : 0u);
	uint8_t *gh = frame_ip(f, v, IPPROTO_GRE_, hl + len, 0);
	size_t off = 8;

	gh[0] = (uint8_t)(0x20 | (g->has_seq ? 0x10 : 0));
	gh[1] = (uint8_t)((g->has_ack ? 0x80 : 0) | 0x01);
	put16(gh + 2, 0x880B);
	put16(gh + 4, (uint32_t)len);
	put16(gh + 6, g->key_cid);
	if (g->has_seq) {
		put32(gh + off, g->seq);
		off += 4;
	}
	if (g->has_ack) {
		put32(gh + off, g->ack);
		off += 4;
	}
	if (len)
		memcpy(gh + off, ppp, len);
	return ETH_LEN + IP_LEN + hl + len;
}

static size_t
frame_arp(uint8_t *f, const uint8_t *smac, uint32_t sip, uint32_t tip)
{
	static const uint8_t bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

	memcpy(f, bcast, 6);
	memcpy(f + 6, smac, 6);
	f[12] = 0x08, f[13] = 0x06;
	put16(f + 14, 1);      /* Ethernet */
	put16(f + 16, 0x0800); /* IPv4 */
	f[18] = 6, f[19] = 4;
	put16(f + 20, 1); /* request */
	memcpy(f + 22, smac, 6);
	put32(f + 28, sip);
	memset(f + 32, 0, 6);
	put32(f + 38, tip);
	return 42;
}

/* ------------------------------------------------------------------ PPTP messages (RFC 2637 s2) */

enum {
	PPTP_SCCRQ = 1,
	PPTP_SCCRP = 2,
	PPTP_STOPCCRQ = 3,
	PPTP_STOPCCRP = 4,
	PPTP_ECHORQ = 5,
	PPTP_ECHORP = 6,
	PPTP_OCRQ = 7,
	PPTP_OCRP = 8,
	PPTP_CCRQ = 12,
	PPTP_CDN = 13,
	PPTP_SLI = 15,
};

static const struct msg_row {
	uint16_t type;
	uint16_t len;
} msg_table[] = {
    {PPTP_SCCRQ, 156}, {PPTP_SCCRP, 156}, {PPTP_STOPCCRQ, 16}, {PPTP_STOPCCRP, 16},
    {PPTP_ECHORQ, 16}, {PPTP_ECHORP, 20}, {PPTP_OCRQ, 168},    {PPTP_OCRP, 32},
    {PPTP_CCRQ, 16},   {PPTP_CDN, 148},   {PPTP_SLI, 24},
};

static size_t
msg_init(uint8_t *m, uint16_t type)
{
	size_t i, len = 0;

	for (i = 0; i < ARRAY_LEN(msg_table); i++)
		if (msg_table[i].type == type)
			len = msg_table[i].len;
	if (!len)
		die("internal error: unknown message type");
	memset(m, 0, len);
	put16(m, (uint32_t)len);
	put16(m + 2, 1); /* control message */
	put32(m + 4, PPTP_MAGIC);
	put16(m + 8, type);
	return len;
}

static void
put_str(uint8_t *p, size_t cap, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n < cap ? n : cap);
}

static size_t
msg_sccrq(uint8_t *m, const char *host, const char *vendor, int reply)
{
	size_t len = msg_init(m, reply ? PPTP_SCCRP : PPTP_SCCRQ);

	put16(m + 12, 0x0100); /* protocol version 1.0 */
	if (reply) {
		m[14] = 1; /* result: channel established */
		m[15] = 0;
	}
	put32(m + 16, 3);                       /* framing capabilities: async | sync */
	put32(m + 20, 3);                       /* bearer capabilities: analog | digital */
	put16(m + 24, reply ? 1 : 0);           /* maximum channels */
	put16(m + 26, reply ? 0x0500 : 0x0A28); /* firmware revision */
	put_str(m + 28, 64, host);
	put_str(m + 92, 64, vendor);
	return len;
}

static size_t
msg_ocrq(uint8_t *m, uint16_t call_id, uint16_t serial)
{
	size_t len = msg_init(m, PPTP_OCRQ);

	put16(m + 12, call_id);
	put16(m + 14, serial);
	put32(m + 16, 300);       /* minimum BPS */
	put32(m + 20, 100000000); /* maximum BPS */
	put32(m + 24, 3);         /* bearer type: any */
	put32(m + 28, 3);         /* framing type: any */
	put16(m + 32, 64);        /* packet receive window */
	put16(m + 34, 0);         /* packet processing delay */
	return len;
}

static size_t
msg_ocrp(uint8_t *m, uint16_t call_id, uint16_t peer_call_id)
{
	size_t len = msg_init(m, PPTP_OCRP);

	put16(m + 12, call_id);
	put16(m + 14, peer_call_id);
	m[16] = 1;                /* result: connected */
	put32(m + 20, 100000000); /* connect speed */
	put16(m + 24, 64);        /* packet receive window */
	put32(m + 28, 0);         /* physical channel ID */
	return len;
}

static size_t
msg_u16(uint8_t *m, uint16_t type, uint16_t v)
{
	size_t len = msg_init(m, type);

	put16(m + 12, v);
	return len;
}

static size_t
msg_echo(uint8_t *m, uint32_t ident, int reply)
{
	size_t len = msg_init(m, reply ? PPTP_ECHORP : PPTP_ECHORQ);

	put32(m + 12, ident);
	if (reply)
		m[16] = 1; /* result: OK */
	return len;
}

static size_t
msg_sli(uint8_t *m, uint16_t peer_call_id)
{
	size_t len = msg_init(m, PPTP_SLI);

	put16(m + 12, peer_call_id);
	put32(m + 16, 0xFFFFFFFFu); /* send ACCM */
	put32(m + 20, 0xFFFFFFFFu); /* receive ACCM */
	return len;
}

static size_t
msg_cdn(uint8_t *m, uint16_t call_id)
{
	size_t len = msg_init(m, PPTP_CDN);

	put16(m + 12, call_id);
	m[14] = 4; /* result: call disconnected on request (CCRQ) */
	return len;
}

static size_t
msg_stop(uint8_t *m, int reply)
{
	size_t len = msg_init(m, reply ? PPTP_STOPCCRP : PPTP_STOPCCRQ);

	m[12] = 1; /* reason: general request / result: OK */
	return len;
}

/* ------------------------------------------------------------------ tunnels */

enum tstate {
	T_SYN,
	T_SYNACK,
	T_ACK,
	T_SCCRQ,
	T_SCCRP,
	T_OCRQ,
	T_OCRP,
	T_SLI,
	T_DATA,
	T_CDN,
	T_STOPRQ,
	T_STOPRP,
	T_FIN_PNS,
	T_FIN_PAC,
	T_LASTACK,
	T_DONE,
};

enum act { A_PAC_ACK, A_PNS_ACK, A_PAC_ECHO_REPLY, A_PNS_ECHO_REPLY };

struct action {
	enum act act;
	uint64_t due;
	uint32_t ident;
};

struct tunnel {
	uint32_t id;
	struct rng rng;
	enum tstate state;
	int bad; /* the injected defect applies to this tunnel */
	uint32_t pns_addr, pac_addr, pac_index;
	uint8_t pns_mac[6];
	uint16_t pns_port, nat_port;
	uint16_t pns_cid, out_pns_cid, pac_cid, serial;
	char host[32];
	uint32_t pns_nxt, pac_nxt; /* TCP: next sequence number each end sends */
	uint16_t pns_ipid, pac_ipid;
	uint32_t gre_seq[2];             /* next GRE seq per direction */
	int gre_sent[2], gre_unacked[2]; /* per direction: sent any, peer owes an ack */
	uint64_t wan_rtt, start, next_ts, next_data;
	/*
	 * A TCP sender acks what it has received, so it may not send before the peer's last
	 * segment passed the tap on its side of the NAT (else segments would cross and ack data
	 * still in flight).
	 */
	uint64_t tcp_ready[2]; /* indexed by the direction the sender sends in */
	uint32_t acked[2];     /* last ack number sent, per direction */
	uint64_t next_echo_pns, next_echo_pac;
	uint32_t echo_ident;
	uint32_t data_events;
	int acfc;
	int bad_ck_sent;
	struct action q[TUN_QUEUE];
	uint32_t qhead, qlen;
	struct tcount cnt[SIDES];
};

static int
side_open(const struct world *w, enum side s)
{
	return w->side[s].used && w->side[s].open;
}

static uint64_t
nat_delay(struct rng *r)
{
	return NAT_DELAY_MIN_NS + rng_below64(r, NAT_DELAY_SPAN_NS);
}

static uint64_t
lan_gap(struct rng *r)
{
	return LAN_GAP_MIN_NS + rng_below64(r, 2 * NS_PER_MS);
}

/* When the PNS sends, the inside capture sees it first; when the PAC sends, the outside one. */
static void
dir_times(struct rng *r, enum dir d, uint64_t now, uint64_t ts[SIDES])
{
	uint64_t delay = nat_delay(r);

	ts[SIDE_IN] = d == TO_PAC ? now : now + delay;
	ts[SIDE_OUT] = d == TO_PAC ? now + delay : now;
}

/* The two views of a tunnel's IP packet in direction d. */
static void
tun_views(const struct tunnel *t, enum dir d, struct view v[SIDES])
{
	if (d == TO_PAC) {
		v[SIDE_IN] = (struct view){t->pns_addr, t->pac_addr, t->pns_mac,
		                           MAC_NAT_IN,  128,         t->pns_ipid};
		v[SIDE_OUT] =
		    (struct view){NAT_ADDR, t->pac_addr, MAC_NAT_OUT, MAC_ROUTER, 127, t->pns_ipid};
	} else {
		v[SIDE_OUT] =
		    (struct view){t->pac_addr, NAT_ADDR, MAC_ROUTER, MAC_NAT_OUT, 52, t->pac_ipid};
		v[SIDE_IN] = (struct view){t->pac_addr, t->pns_addr, MAC_NAT_IN,
		                           t->pns_mac,  51,          t->pac_ipid};
	}
}

/* Whether a tunnel's packet in direction d is written to side s at all. */
static int
tun_shows(const struct world *w, const struct tunnel *t, enum side s)
{
	if (!side_open(w, s))
		return 0;
	if (s == SIDE_OUT && t->bad && w->o->defect == D_UNMATCHED)
		return 0;
	return 1;
}

/*
 * One TCP segment of the control connection, both views.  msg[s] is the payload as seen on
 * side s (the editor may have changed a Call ID); evidence marks the side whose bytes show the
 * injected defect.
 */
static void
tun_tcp(struct world *w, struct tunnel *t, enum dir d, uint8_t flags, uint8_t *const msg[SIDES],
        size_t len, int evidence_side)
{
	struct view v[SIDES];
	uint64_t ts[SIDES];
	enum side s;

	if (d == TO_PAC)
		t->pns_ipid++;
	else
		t->pac_ipid++;
	tun_views(t, d, v);
	dir_times(&t->rng, d, w->now, ts);
	for (s = SIDE_IN; s < SIDES; s++) {
		struct tcpseg seg;
		uint32_t slot;
		uint8_t *f;
		size_t flen;
		uint16_t pns_port = s == SIDE_IN ? t->pns_port : t->nat_port;

		if (!tun_shows(w, t, s))
			continue;
		seg.sport = d == TO_PAC ? pns_port : PPTP_PORT;
		seg.dport = d == TO_PAC ? PPTP_PORT : pns_port;
		seg.seq = d == TO_PAC ? t->pns_nxt : t->pac_nxt;
		seg.ack = (flags & TCP_ACK) ? (d == TO_PAC ? t->pac_nxt : t->pns_nxt) : 0;
		seg.flags = flags;
		seg.win = d == TO_PAC ? 64240 : 65535;
		t->acked[d] = seg.ack;
		f = out_reserve(&w->side[s], &slot);
		flen = frame_tcp(f, &v[s], &seg, len ? msg[s] : NULL, len);
		out_commit(&w->side[s], slot, ts[s], flen, t->id, t->id, len ? K_CTRL : K_TCP,
		           evidence_side == (int)s);
	}
	w->pptp_bytes += PCAP_REC_HDR + ETH_LEN + IP_LEN + 20 + len;
	/* The PAC answers after the segment passed the outside tap; the PNS, the inside one. */
	if (d == TO_PAC && ts[SIDE_OUT] + TCP_TURN_NS > t->tcp_ready[TO_PNS])
		t->tcp_ready[TO_PNS] = ts[SIDE_OUT] + TCP_TURN_NS;
	if (d == TO_PNS && ts[SIDE_IN] + TCP_TURN_NS > t->tcp_ready[TO_PAC])
		t->tcp_ready[TO_PAC] = ts[SIDE_IN] + TCP_TURN_NS;
	if (d == TO_PAC)
		t->pns_nxt += (uint32_t)len + ((flags & (TCP_SYN | TCP_FIN)) ? 1u : 0u);
	else
		t->pac_nxt += (uint32_t)len + ((flags & (TCP_SYN | TCP_FIN)) ? 1u : 0u);
}

/* A control message with the same bytes on both sides except, maybe, one 16-bit field. */
static void
tun_msg(struct world *w, struct tunnel *t, enum dir d, const uint8_t *m, size_t len, size_t off,
        uint16_t in_val, uint16_t out_val, int evidence_side)
{
	uint8_t bin[256], bout[256];
	uint8_t *msg[SIDES] = {bin, bout};

	memcpy(bin, m, len);
	memcpy(bout, m, len);
	if (off) {
		put16(bin + off, in_val);
		put16(bout + off, out_val);
	}
	tun_tcp(w, t, d, TCP_ACK | TCP_PSH, msg, len, evidence_side);
}

static void
tun_bare(struct world *w, struct tunnel *t, enum dir d, uint8_t flags)
{
	uint8_t *msg[SIDES] = {NULL, NULL};

	tun_tcp(w, t, d, flags, msg, 0, -1);
}

static size_t
ppp_payload(struct tunnel *t, enum dir d, uint8_t *p)
{
	uint32_t r = rng_below(&t->rng, 100);
	size_t len, hdr = 0;

	if (!t->gre_sent[d]) {
		/* LCP Configure-Request: what a PPP link says first. */
		static const uint8_t lcp[] = {0xFF, 0x03, 0xC0, 0x21, 0x01, 0x01, 0x00, 0x0E, 0x05,
		                              0x06, 0x00, 0x00, 0x00, 0x00, 0x07, 0x02, 0x08, 0x02};
		memcpy(p, lcp, sizeof(lcp));
		rng_fill(&t->rng, p + 10, 4); /* magic number */
		return sizeof(lcp);
	}
	if (d == TO_PNS)
		len = r < 25   ? 40 + rng_below(&t->rng, 100)
		      : r < 45 ? 200 + rng_below(&t->rng, 500)
		               : 1000 + rng_below(&t->rng, 401);
	else
		len = r < 60   ? 40 + rng_below(&t->rng, 80)
		      : r < 85 ? 150 + rng_below(&t->rng, 400)
		               : 1000 + rng_below(&t->rng, 401);
	if (!t->acfc) {
		p[hdr++] = 0xFF;
		p[hdr++] = 0x03;
	}
	p[hdr++] = 0x00;
	p[hdr++] = 0xFD; /* MPPE-compressed datagram */
	rng_fill(&t->rng, p + hdr, len - hdr);
	return len;
}

static struct tunnel *
tun_by_id(struct world *w, uint32_t id)
{
	return id ? &w->tun[id - 1] : NULL;
}

/* One Enhanced GRE packet of tunnel t in direction d (data, or ack-only). */
static void
tun_gre(struct world *w, struct tunnel *t, enum dir d, int ack_only)
{
	const struct opts *o = w->o;
	enum dir peer = d == TO_PAC ? TO_PNS : TO_PAC;
	struct grehdr g;
	struct view v[SIDES];
	uint64_t ts[SIDES];
	size_t len = ack_only ? 0 : ppp_payload(t, d, w->payload);
	int show[SIDES], evidence[SIDES] = {0, 0};
	uint16_t key[SIDES];
	uint32_t wire_id = t->id;
	struct tunnel *dest = t;
	enum side s;

	g.has_seq = !ack_only;
	g.seq = t->gre_seq[d];
	g.has_ack = t->gre_unacked[peer];
	g.ack = t->gre_seq[peer] - 1;
	if (!ack_only) {
		t->gre_seq[d]++;
		t->gre_sent[d] = 1;
		t->gre_unacked[d] = 1;
	}
	t->gre_unacked[peer] = 0;
	if (d == TO_PAC)
		t->pns_ipid++;
	else
		t->pac_ipid++;
	show[SIDE_IN] = tun_shows(w, t, SIDE_IN);
	show[SIDE_OUT] = tun_shows(w, t, SIDE_OUT);
	if (d == TO_PAC) {
		key[SIDE_IN] = key[SIDE_OUT] = t->pac_cid;
		if (t->bad && (o->defect == D_FORWARD_BLOCKED || o->defect == D_GRE_BLOCKED))
			show[SIDE_OUT] = 0;
		else if (!(t->bad && o->defect == D_UNMATCHED))
			w->last_sender[t->pac_index] = t->id;
	} else {
		key[SIDE_OUT] = t->out_pns_cid;
		key[SIDE_IN] = t->pns_cid;
		if (t->bad && (o->defect == D_RETURN_BLOCKED || o->defect == D_GRE_BLOCKED)) {
			show[SIDE_IN] = 0;
		} else if (t->bad && o->defect == D_KEY_NOT_RESTORED) {
			key[SIDE_IN] = bswap16(t->pns_cid);
			wire_id = 0;
			evidence[SIDE_IN] = 1;
		} else if (o->defect == D_NO_EDITOR) {
			/* The NAT cannot tell calls apart: the last inside sender gets it. */
			dest = tun_by_id(w, w->last_sender[t->pac_index]);
			if (!dest)
				show[SIDE_IN] = 0;
			else
				wire_id = dest->id;
			if (dest && dest != t)
				evidence[SIDE_IN] = 1;
		}
	}
	tun_views(t, d, v);
	if (d == TO_PNS && dest && dest != t) {
		v[SIDE_IN].dst = dest->pns_addr;
		v[SIDE_IN].dmac = dest->pns_mac;
	}
	dir_times(&t->rng, d, w->now, ts);
	for (s = SIDE_IN; s < SIDES; s++) {
		uint32_t slot;
		uint8_t *f;
		size_t flen;

		if (!show[s])
			continue;
		g.key_cid = key[s];
		f = out_reserve(&w->side[s], &slot);
		flen = frame_gre(f, &v[s], &g, w->payload, len);
		if (s == SIDE_OUT && d == TO_PAC && t->bad && o->defect == D_BAD_CHECKSUM) {
			if (t->bad_ck_sent) {
				/* Stale: the checksum of the header before translation. */
				uint8_t hin[IP_LEN], *ip = f + ETH_LEN;
				memcpy(hin, ip, IP_LEN);
				put32(hin + 12, v[SIDE_IN].src);
				hin[8] = v[SIDE_IN].ttl;
				hin[10] = hin[11] = 0;
				csum_store(ip + 10, csum_add(0, hin, IP_LEN));
				if (csum_add(0, ip, IP_LEN) % 0xFFFF == 0)
					ip[11] ^= 1; /* never right by accident */
				evidence[SIDE_OUT] = 1;
			}
			t->bad_ck_sent = 1;
		}
		out_commit(&w->side[s], slot, ts[s], flen, t->id, wire_id,
		           d == TO_PAC ? K_GRE_TO_PAC : K_GRE_TO_PNS, evidence[s]);
	}
	w->pptp_bytes += PCAP_REC_HDR + ETH_LEN + IP_LEN + 16 + len;
}

static void
tun_push(struct tunnel *t, enum act a, uint64_t due, uint32_t ident)
{
	if (t->qlen == TUN_QUEUE)
		die("internal error: tunnel action queue full");
	t->q[(t->qhead + t->qlen) % TUN_QUEUE] = (struct action){a, due, ident};
	t->qlen++;
}

static void
tun_action(struct world *w, struct tunnel *t)
{
	struct action a = t->q[t->qhead];
	uint8_t m[256];
	size_t len;

	t->qhead = (t->qhead + 1) % TUN_QUEUE;
	t->qlen--;
	switch (a.act) {
	case A_PAC_ACK:
		/* Delayed ACK: only if no segment since has acked the data already. */
		if (t->acked[TO_PNS] != t->pns_nxt)
			tun_bare(w, t, TO_PNS, TCP_ACK);
		break;
	case A_PNS_ACK:
		if (t->acked[TO_PAC] != t->pac_nxt)
			tun_bare(w, t, TO_PAC, TCP_ACK);
		break;
	case A_PAC_ECHO_REPLY:
		len = msg_echo(m, a.ident, 1);
		tun_msg(w, t, TO_PNS, m, len, 0, 0, 0, -1);
		tun_push(t, A_PNS_ACK, w->now + lan_gap(&t->rng) + 40 * NS_PER_MS, 0);
		break;
	case A_PNS_ECHO_REPLY:
		len = msg_echo(m, a.ident, 1);
		tun_msg(w, t, TO_PAC, m, len, 0, 0, 0, -1);
		tun_push(t, A_PAC_ACK, w->now + t->wan_rtt, 0);
		break;
	}
}

static uint64_t
data_gap(const struct opts *o, struct tunnel *t)
{
	/* Uniform in [0.2, 1.8] x mean: bursty enough, no libm. */
	return o->gap_ns / 5 + rng_below64(&t->rng, o->gap_ns * 8 / 5);
}

static void
tun_data_event(struct world *w, struct tunnel *t)
{
	enum dir d;
	uint8_t m[256];
	size_t len;

	if (w->now >= t->next_echo_pns && w->now >= t->tcp_ready[TO_PAC]) {
		len = msg_echo(m, ++t->echo_ident, 0);
		tun_msg(w, t, TO_PAC, m, len, 0, 0, 0, -1);
		tun_push(t, A_PAC_ECHO_REPLY, w->now + t->wan_rtt, t->echo_ident);
		t->next_echo_pns += w->o->echo_ns;
		return;
	}
	if (w->now >= t->next_echo_pac && w->now >= t->tcp_ready[TO_PNS]) {
		len = msg_echo(m, 0x80000000u | ++t->echo_ident, 0);
		tun_msg(w, t, TO_PNS, m, len, 0, 0, 0, -1);
		tun_push(t, A_PNS_ECHO_REPLY, w->now + lan_gap(&t->rng),
		         0x80000000u | t->echo_ident);
		t->next_echo_pac += w->o->echo_ns;
		return;
	}
	/*
	 * The PNS speaks first (LCP Configure-Request) and the PAC answers; after that, more data
	 * flows to the PNS than from it.
	 */
	if (!t->gre_sent[TO_PAC])
		d = TO_PAC;
	else if (!t->gre_sent[TO_PNS])
		d = TO_PNS;
	else
		d = rng_below(&t->rng, 100) < 60 ? TO_PNS : TO_PAC;
	if (t->gre_unacked[d == TO_PAC ? TO_PNS : TO_PAC] && rng_below(&t->rng, 100) < 12)
		tun_gre(w, t, d, 1);
	else
		tun_gre(w, t, d, 0);
	t->data_events++;
	w->data_events++;
}

static int
tun_finishing(const struct world *w, const struct tunnel *t)
{
	uint32_t quota = w->o->gre_quota;

	if (quota && t->data_events >= quota)
		return 1;
	/* Even when --size is reached, a call that came up has shown GRE both ways. */
	return w->stopping && t->data_events >= (quota && quota < MIN_GRE ? quota : MIN_GRE);
}

/* Who sends TCP in this event (a direction), or -1 for no TCP (GRE, or nothing). */
static int
tun_sender(const struct world *w, const struct tunnel *t)
{
	static const int8_t by_state[] = {
	    [T_SYN] = TO_PAC,     [T_SYNACK] = TO_PNS,  [T_ACK] = TO_PAC,     [T_SCCRQ] = TO_PAC,
	    [T_SCCRP] = TO_PNS,   [T_OCRQ] = TO_PAC,    [T_OCRP] = TO_PNS,    [T_SLI] = TO_PAC,
	    [T_DATA] = -1,        [T_CDN] = TO_PNS,     [T_STOPRQ] = TO_PAC,  [T_STOPRP] = TO_PNS,
	    [T_FIN_PNS] = TO_PAC, [T_FIN_PAC] = TO_PNS, [T_LASTACK] = TO_PAC, [T_DONE] = -1,
	};

	if (t->state != T_DATA)
		return by_state[t->state];
	if (t->qlen && t->q[t->qhead].due <= w->now) {
		enum act a = t->q[t->qhead].act;
		return a == A_PNS_ACK || a == A_PNS_ECHO_REPLY ? TO_PAC : TO_PNS;
	}
	if (tun_finishing(w, t) && !t->qlen)
		return TO_PAC; /* CCRQ */
	return -1;
}

/* One event of tunnel t at w->now: exactly one packet, then the time of the next event. */
static void
tun_step(struct world *w, struct tunnel *t)
{
	const struct opts *o = w->o;
	uint8_t m[256];
	size_t len;
	uint64_t now = w->now;
	int bad = t->bad;
	int sender = tun_sender(w, t);

	if (sender >= 0 && now < t->tcp_ready[sender]) {
		t->next_ts = t->tcp_ready[sender];
		return;
	}
	switch (t->state) {
	case T_SYN:
		tun_bare(w, t, TO_PAC, TCP_SYN);
		t->next_ts = now + t->wan_rtt;
		break;
	case T_SYNACK:
		tun_bare(w, t, TO_PNS, TCP_SYN | TCP_ACK);
		t->next_ts = now + lan_gap(&t->rng);
		break;
	case T_ACK:
		tun_bare(w, t, TO_PAC, TCP_ACK);
		t->next_ts = now + 200 * NS_PER_US;
		break;
	case T_SCCRQ:
		len = o->identical ? msg_sccrq(m, "", "Microsoft", 0)
		                   : msg_sccrq(m, t->host, "bench-gen", 0);
		tun_msg(w, t, TO_PAC, m, len, 0, 0, 0, -1);
		t->next_ts = now + t->wan_rtt;
		break;
	case T_SCCRP:
		len = msg_sccrq(m, "pac", "bench-gen", 1);
		tun_msg(w, t, TO_PNS, m, len, 0, 0, 0, -1);
		t->next_ts = now + lan_gap(&t->rng);
		break;
	case T_OCRQ:
		len = msg_ocrq(m, t->pns_cid, t->serial);
		tun_msg(w, t, TO_PAC, m, len, 12, t->pns_cid, t->out_pns_cid, -1);
		t->next_ts = now + t->wan_rtt;
		break;
	case T_OCRP:
		len = msg_ocrp(m, t->pac_cid, 0);
		if (bad && o->defect == D_PEER_NOT_RESTORED)
			tun_msg(w, t, TO_PNS, m, len, 14, t->out_pns_cid, t->out_pns_cid, SIDE_IN);
		else
			tun_msg(w, t, TO_PNS, m, len, 14, t->pns_cid, t->out_pns_cid, -1);
		t->next_ts = now + lan_gap(&t->rng);
		break;
	case T_SLI:
		len = msg_sli(m, t->pac_cid);
		if (bad && o->defect == D_SLI_MANGLED)
			tun_msg(w, t, TO_PAC, m, len, 12, t->pac_cid, t->out_pns_cid, SIDE_OUT);
		else
			tun_msg(w, t, TO_PAC, m, len, 0, 0, 0, -1);
		tun_push(t, A_PAC_ACK, now + t->wan_rtt, 0);
		t->next_data = now + NS_PER_MS;
		t->next_ts = t->next_data;
		t->state = T_DATA;
		return;
	case T_DATA:
		if (t->qlen && t->q[t->qhead].due <= now) {
			tun_action(w, t);
		} else if (tun_finishing(w, t)) {
			if (t->qlen) {
				t->next_ts = t->q[t->qhead].due;
				return;
			}
			len = msg_u16(m, PPTP_CCRQ, t->pns_cid);
			if (bad && o->defect == D_REWRITE_INCONSISTENT)
				tun_msg(w, t, TO_PAC, m, len, 12, t->pns_cid, t->pns_cid, SIDE_OUT);
			else
				tun_msg(w, t, TO_PAC, m, len, 12, t->pns_cid, t->out_pns_cid, -1);
			t->next_ts = now + t->wan_rtt;
			t->state = T_CDN;
			return;
		} else {
			tun_data_event(w, t);
			t->next_data = now + data_gap(o, t);
		}
		t->next_ts = t->next_data;
		if (t->qlen && t->q[t->qhead].due < t->next_ts)
			t->next_ts = t->q[t->qhead].due;
		if (t->next_ts <= now)
			t->next_ts = now + 1;
		return;
	case T_CDN:
		len = msg_cdn(m, t->pac_cid);
		if (bad && o->defect == D_CDN_REWRITTEN)
			tun_msg(w, t, TO_PNS, m, len, 12, t->pns_cid, t->pac_cid, SIDE_IN);
		else
			tun_msg(w, t, TO_PNS, m, len, 0, 0, 0, -1);
		t->next_ts = now + lan_gap(&t->rng);
		break;
	case T_STOPRQ:
		len = msg_stop(m, 0);
		tun_msg(w, t, TO_PAC, m, len, 0, 0, 0, -1);
		t->next_ts = now + t->wan_rtt;
		break;
	case T_STOPRP:
		len = msg_stop(m, 1);
		tun_msg(w, t, TO_PNS, m, len, 0, 0, 0, -1);
		t->next_ts = now + lan_gap(&t->rng);
		break;
	case T_FIN_PNS:
		tun_bare(w, t, TO_PAC, TCP_FIN | TCP_ACK);
		t->next_ts = now + t->wan_rtt;
		break;
	case T_FIN_PAC:
		tun_bare(w, t, TO_PNS, TCP_FIN | TCP_ACK);
		t->next_ts = now + lan_gap(&t->rng);
		break;
	case T_LASTACK:
		tun_bare(w, t, TO_PAC, TCP_ACK);
		break;
	case T_DONE:
		return;
	}
	t->state = (enum tstate)(t->state + 1);
}

static uint16_t
nat_alloc(struct world *w, uint16_t want)
{
	uint32_t p = want, i;

	for (i = 0; i < 65536; i++, p = p >= 65535 ? 1024 : p + 1) {
		if (!(w->natports[p / 8] & (1u << (p % 8)))) {
			w->natports[p / 8] = (uint8_t)(w->natports[p / 8] | (1u << (p % 8)));
			return (uint16_t)p;
		}
	}
	die("out of NAT ports");
	return 0;
}

static uint32_t
pns_address(uint32_t i)
{
	return PNS_BASE | ((i / 250) << 8) | (i % 250 + 2);
}

static void
mac_for(uint8_t mac[6], uint32_t addr)
{
	mac[0] = 0x02, mac[1] = 0x00;
	put32(mac + 2, addr);
}

static void
tun_init(struct world *w, struct tunnel *t, uint32_t i, struct rng *setup)
{
	const struct opts *o = w->o;

	memset(t, 0, sizeof(*t));
	t->id = i + 1;
	t->rng = rng_derive(o->seed, 1000 + i);
	t->bad = o->defect != D_NONE && (o->defect_tunnel == 0 || o->defect_tunnel == t->id);
	t->pns_addr = pns_address(i);
	mac_for(t->pns_mac, t->pns_addr);
	t->pac_index = i % o->pacs;
	t->pac_addr = PAC_BASE + 1 + t->pac_index;
	t->pns_port = (uint16_t)(49152 + rng_below(setup, 16384));
	t->nat_port = nat_alloc(w, t->pns_port);
	t->pns_cid = o->pns_call_id;
	/* Linux nf_nat_pptp: the new PNS Call ID is the NAT'd TCP source port. */
	t->out_pns_cid = o->defect == D_NO_EDITOR ? t->pns_cid : t->nat_port;
	t->pac_cid = w->pac_next_cid[t->pac_index]++;
	if (w->pac_next_cid[t->pac_index] == 0)
		w->pac_next_cid[t->pac_index] = 1;
	t->serial = o->identical ? 1 : (uint16_t)(0x2000 + i);
	snprintf(t->host, sizeof(t->host), "pns-%05u", (unsigned)t->id);
	t->pns_nxt = (uint32_t)rng_next(&t->rng);
	t->pac_nxt = (uint32_t)rng_next(&t->rng);
	t->pns_ipid = (uint16_t)rng_next(&t->rng);
	t->pac_ipid = (uint16_t)rng_next(&t->rng);
	t->acfc = rng_below(&t->rng, 2) == 1;
	t->wan_rtt = WAN_RTT_MIN_NS + rng_below64(&t->rng, WAN_RTT_SPAN_NS);
	t->start = GEN_EPOCH_SEC * NS_PER_SEC + (uint64_t)i * o->stagger_ns +
	           rng_below64(&t->rng, o->stagger_ns / 2 + 1);
	t->next_ts = t->start;
	t->next_echo_pns = t->start + o->echo_ns / 2 + rng_below64(&t->rng, o->echo_ns / 2 + 1);
	t->next_echo_pac = t->start + o->echo_ns / 2 + rng_below64(&t->rng, o->echo_ns / 2 + 1);
}

/* ------------------------------------------------------------------ truth bookkeeping */

static void
record_write(struct world *w, enum side s, const struct pend *e, uint64_t frame, uint64_t ts)
{
	struct tunnel *t = tun_by_id(w, e->origin), *wt = tun_by_id(w, e->wire);
	struct tcount *c;

	if (e->kind == K_BG) {
		w->bg_packets[s]++;
		w->bg_written_bytes[s] += PCAP_REC_HDR + e->len;
		return;
	}
	if (!t)
		return;
	c = &t->cnt[s];
	if (!c->first_frame) {
		c->first_frame = frame;
		c->first_ts = ts;
	}
	c->last_frame = frame;
	c->last_ts = ts;
	switch ((enum pkind)e->kind) {
	case K_CTRL:
		c->ctrl++;
		c->tcp++;
		break;
	case K_TCP:
		c->tcp++;
		break;
	case K_GRE_TO_PAC:
		c->gre_to_pac++;
		break;
	case K_GRE_TO_PNS:
		c->gre_to_pns++;
		if (wt) {
			wt->cnt[s].wire_gre_to_pns++;
			if (wt != t) {
				c->misdelivered++;
				wt->cnt[s].foreign++;
			}
		}
		break;
	case K_BG:
		break;
	}
	if (e->evidence && c->nevidence < EVIDENCE_MAX)
		c->evidence[c->nevidence++] = frame;
}

/* ------------------------------------------------------------------ background traffic */

enum bgkind { BG_DNS, BG_QUIC, BG_TCP, BG_SSH };

struct bgflow {
	enum bgkind kind;
	uint32_t cli, srv;
	uint8_t cmac[6];
	uint16_t cport, sport, nat_port;
	uint32_t cseq, sseq, cacked;
	uint16_t cipid, sipid;
	uint32_t left;
	int turn;
};

/* A real DNS query for <random>.example.com, or its answer: no malformed packets in Wireshark. */
static size_t
dns_message(struct rng *r, uint8_t *p, int answer, int id)
{
	size_t n = 12, i;
	struct rng lr = rng_derive((uint64_t)id, 4); /* the answer repeats the question */
	uint32_t label = 3 + rng_below(&lr, 10);

	put16(p, (uint32_t)id * 7919u + 1);
	put16(p + 2, answer ? 0x8180 : 0x0100);
	put16(p + 4, 1);
	put16(p + 6, answer ? 1 : 0);
	put16(p + 8, 0);
	put16(p + 10, 0);
	p[n++] = (uint8_t)label;
	for (i = 0; i < label; i++)
		p[n++] = (uint8_t)('a' + rng_below(&lr, 26));
	memcpy(p + n, "\7example\3com\0", 13);
	n += 13;
	put16(p + n, 1);     /* type A */
	put16(p + n + 2, 1); /* class IN */
	n += 4;
	if (answer) {
		put16(p + n, 0xC00C); /* pointer to the question's name */
		put16(p + n + 2, 1);
		put16(p + n + 4, 1);
		put32(p + n + 6, 300);
		put16(p + n + 10, 4);
		put32(p + n + 12, BG_SERVER + 1 + rng_below(r, 250));
		n += 16;
	}
	return n;
}

static void
bg_new(struct world *w, struct bgflow *f)
{
	struct rng *r = &w->bg_rng;
	uint32_t k = rng_below(r, 100);
	uint32_t clients = w->ntun > 50 ? w->ntun : 50;

	memset(f, 0, sizeof(*f));
	f->kind = k < 10 ? BG_DNS : k < 40 ? BG_QUIC : k < 90 ? BG_TCP : BG_SSH;
	f->cli = pns_address(rng_below(r, clients));
	mac_for(f->cmac, f->cli);
	f->srv = rng_below(r, 8) == 0 ? BG_PAC_SIDE : BG_SERVER + 1 + rng_below(r, 250);
	f->cport = (uint16_t)(32768 + rng_below(r, 16384));
	f->sport = f->kind == BG_DNS ? 53 : f->kind == BG_SSH ? 22 : 443;
	/* Background NAT ports never meet the PPTP ones, which start at 49152. */
	f->nat_port = (uint16_t)(10000 + w->bg_serial++ % 30000);
	f->cseq = (uint32_t)rng_next(r);
	f->sseq = (uint32_t)rng_next(r);
	f->cipid = (uint16_t)rng_next(r);
	f->sipid = (uint16_t)rng_next(r);
	f->left = f->kind == BG_DNS   ? 2 + 2 * rng_below(r, 3)
	          : f->kind == BG_SSH ? 20 + rng_below(r, 200)
	                              : 50 + rng_below(r, 2000);
}

static void
bg_packet(struct world *w, uint64_t now)
{
	struct rng *r = &w->bg_rng;
	struct bgflow *f = &w->bg[rng_below(r, BG_FLOWS)];
	int to_srv, tcp;
	size_t len;
	struct view v[SIDES];
	uint64_t ts[SIDES];
	enum side s;

	if (rng_below(r, 400) == 0) {
		/* A little non-IP traffic: the NAT asking for a neighbour, on each side. */
		for (s = SIDE_IN; s < SIDES; s++) {
			uint32_t slot;
			uint8_t *fr;
			if (!side_open(w, s))
				continue;
			fr = out_reserve(&w->side[s], &slot);
			len = s == SIDE_IN ? frame_arp(fr, MAC_NAT_IN, PNS_BASE | 1, f->cli)
			                   : frame_arp(fr, MAC_NAT_OUT, NAT_ADDR, NAT_ADDR + 1);
			out_commit(&w->side[s], slot, now, len, 0, 0, K_BG, 0);
		}
		w->bg_bytes += PCAP_REC_HDR + 42;
		return;
	}
	if (f->left == 0)
		bg_new(w, f);
	f->left--;
	switch (f->kind) {
	case BG_DNS:
		to_srv = f->turn % 2 == 0;
		f->turn++;
		len = to_srv ? 30 + rng_below(r, 40) : 80 + rng_below(r, 220);
		tcp = 0;
		break;
	case BG_QUIC:
		to_srv = rng_below(r, 100) < 20;
		len = to_srv ? 40 + rng_below(r, 80) : 1200 + rng_below(r, 150);
		tcp = 0;
		break;
	case BG_SSH:
		to_srv = rng_below(r, 2) == 0;
		len = 36 + 16 * rng_below(r, 8);
		tcp = 1;
		break;
	default:
		to_srv = rng_below(r, 100) < 25;
		len = to_srv
		          ? (rng_below(r, 4) == 0 || f->cacked == f->sseq ? 100 + rng_below(r, 400)
		                                                          : 0)
		          : (rng_below(r, 5) == 0 ? 100 + rng_below(r, 1348) : 1448);
		tcp = 1;
		break;
	}
	if (f->kind == BG_DNS)
		len = dns_message(r, w->payload, !to_srv, f->cport + (f->turn - 1) / 2);
	else
		rng_fill(r, w->payload, len);
	if (to_srv) {
		f->cipid++;
		v[SIDE_IN] = (struct view){f->cli, f->srv, f->cmac, MAC_NAT_IN, 64, f->cipid};
		v[SIDE_OUT] =
		    (struct view){NAT_ADDR, f->srv, MAC_NAT_OUT, MAC_ROUTER, 63, f->cipid};
		ts[SIDE_IN] = now;
		ts[SIDE_OUT] = now + nat_delay(r);
	} else {
		f->sipid++;
		v[SIDE_OUT] =
		    (struct view){f->srv, NAT_ADDR, MAC_ROUTER, MAC_NAT_OUT, 50, f->sipid};
		v[SIDE_IN] = (struct view){f->srv, f->cli, MAC_NAT_IN, f->cmac, 49, f->sipid};
		ts[SIDE_OUT] = now;
		ts[SIDE_IN] = now + nat_delay(r);
	}
	for (s = SIDE_IN; s < SIDES; s++) {
		uint32_t slot;
		uint8_t *fr;
		size_t flen;
		uint16_t cport = s == SIDE_IN ? f->cport : f->nat_port;

		if (!side_open(w, s))
			continue;
		fr = out_reserve(&w->side[s], &slot);
		if (tcp) {
			struct tcpseg seg;
			seg.sport = to_srv ? cport : f->sport;
			seg.dport = to_srv ? f->sport : cport;
			seg.seq = to_srv ? f->cseq : f->sseq;
			seg.ack = to_srv ? f->sseq : f->cseq;
			seg.flags = (uint8_t)(TCP_ACK | (len ? TCP_PSH : 0));
			seg.win = 501;
			flen = frame_tcp(fr, &v[s], &seg, w->payload, len);
		} else {
			flen = frame_udp(fr, &v[s], to_srv ? cport : f->sport,
			                 to_srv ? f->sport : cport, w->payload, len);
		}
		out_commit(&w->side[s], slot, ts[s], flen, 0, 0, K_BG, 0);
	}
	if (tcp) {
		if (to_srv)
			f->cacked = f->sseq;
		if (to_srv)
			f->cseq += (uint32_t)len;
		else
			f->sseq += (uint32_t)len;
	}
	w->bg_bytes += PCAP_REC_HDR + ETH_LEN + IP_LEN + (tcp ? 20u : 8u) + len;
}

/* Background packets spread over (t0, t1] until they hold their share of the bytes. */
static void
bg_fill(struct world *w, uint64_t t0, uint64_t t1)
{
	uint64_t target, deficit, n, i;

	if (!w->o->bg_pm)
		return;
	target = w->pptp_bytes * w->o->bg_pm / (1000 - w->o->bg_pm);
	if (w->bg_bytes >= target)
		return;
	deficit = target - w->bg_bytes;
	n = deficit / 700 + 1;
	if (n > BG_BURST_MAX)
		n = BG_BURST_MAX;
	for (i = 1; i <= n; i++)
		bg_packet(w, t0 + (t1 - t0) * i / (n + 1));
}

/* ------------------------------------------------------------------ event loop */

static int
ev_less(const struct world *w, uint32_t a, uint32_t b)
{
	const struct tunnel *x = &w->tun[a], *y = &w->tun[b];

	return x->next_ts < y->next_ts || (x->next_ts == y->next_ts && x->id < y->id);
}

static void
ev_down(struct world *w, size_t i)
{
	size_t n = w->evlen;
	uint32_t v = w->ev[i];

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && ev_less(w, w->ev[c + 1], w->ev[c]))
			c++;
		if (!ev_less(w, w->ev[c], v))
			break;
		w->ev[i] = w->ev[c];
		i = c;
	}
	w->ev[i] = v;
}

/* time-shift: the inside capture stops here, the outside one starts an hour later. */
static void
time_split(struct world *w)
{
	uint32_t i, k;

	w->split_done = 1;
	w->side[SIDE_IN].open = 0;
	w->side[SIDE_OUT].open = 1;
	/* Adding one constant to every key keeps the event heap a heap. */
	for (i = 0; i < w->ntun; i++) {
		struct tunnel *t = &w->tun[i];
		t->next_ts += TIME_SHIFT_GAP_NS;
		t->next_data += TIME_SHIFT_GAP_NS;
		t->next_echo_pns += TIME_SHIFT_GAP_NS;
		t->next_echo_pac += TIME_SHIFT_GAP_NS;
		for (k = 0; k < t->qlen; k++)
			t->q[(t->qhead + k) % TUN_QUEUE].due += TIME_SHIFT_GAP_NS;
	}
	w->prev = w->now + TIME_SHIFT_GAP_NS;
}

static void
progress(struct world *w)
{
	const struct opts *o = w->o;
	int shift = o->defect == D_TIME_SHIFT;

	if (shift && !w->split_done) {
		int half = o->size ? w->side[SIDE_IN].emitted_bytes >= o->size
		                   : w->data_events * 2 >= w->data_planned;
		if (half)
			time_split(w);
		return;
	}
	if (o->size && !w->stopping) {
		uint64_t b = w->side[SIDE_IN].used && !shift ? w->side[SIDE_IN].emitted_bytes : 0;
		if (w->side[SIDE_OUT].used && w->side[SIDE_OUT].emitted_bytes > b)
			b = w->side[SIDE_OUT].emitted_bytes;
		if (b >= o->size)
			w->stopping = 1;
	}
}

static void
run_world(struct world *w)
{
	uint64_t events = 0;

	while (w->evlen) {
		uint32_t idx = w->ev[0];
		struct tunnel *t = &w->tun[idx];
		uint64_t now = t->next_ts;

		if (++events > MAX_EVENTS)
			die("internal error: event cap reached");
		if (now < w->prev)
			now = w->prev;
		bg_fill(w, w->prev, now);
		w->now = now;
		tun_step(w, t);
		if (t->state == T_DONE) {
			w->ev[0] = w->ev[--w->evlen];
			if (w->evlen)
				ev_down(w, 0);
		} else {
			ev_down(w, 0);
		}
		out_flush(w, SIDE_IN, now);
		out_flush(w, SIDE_OUT, now);
		w->prev = now;
		progress(w);
	}
}

/* ------------------------------------------------------------------ truth JSON */

static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned)(unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void
json_ts(FILE *f, uint64_t ts)
{
	fprintf(f, "%" PRIu64 ".%09" PRIu64, ts / NS_PER_SEC, ts % NS_PER_SEC);
}

static void
json_addr(FILE *f, uint32_t a)
{
	fprintf(f, "\"%u.%u.%u.%u\"", (unsigned)(a >> 24), (unsigned)(a >> 16 & 0xFF),
	        (unsigned)(a >> 8 & 0xFF), (unsigned)(a & 0xFF));
}

static const char *
side_role(const struct world *w, enum side s)
{
	if (w->o->mode == MODE_SINGLE)
		return "capture";
	return s == SIDE_IN ? "inside" : "outside";
}

static void
json_side(FILE *f, const struct world *w, const struct tunnel *t, enum side s)
{
	const struct tcount *c = &t->cnt[s];
	uint32_t i;

	if (!c->first_frame) {
		fprintf(f, "null");
		return;
	}
	fprintf(f, "{\"pns\": ");
	json_addr(f, s == SIDE_IN ? t->pns_addr : NAT_ADDR);
	fprintf(f, ", \"pac\": ");
	json_addr(f, t->pac_addr);
	fprintf(f,
	        ", \"pns_port\": %u, \"pns_call_id\": %u, \"pac_call_id\": %u, "
	        "\"gre_to_pac\": %" PRIu64 ", \"gre_to_pns\": %" PRIu64
	        ", \"wire_gre_to_pns\": %" PRIu64 ", \"gre_to_pns_misdelivered\": %" PRIu64
	        ", \"gre_to_pns_foreign\": %" PRIu64 ", \"control_messages\": %" PRIu64
	        ", \"tcp_packets\": %" PRIu64 ", \"first_frame\": %" PRIu64
	        ", \"last_frame\": %" PRIu64 ", \"first_time\": ",
	        (unsigned)(s == SIDE_IN ? t->pns_port : t->nat_port),
	        (unsigned)(s == SIDE_IN ? t->pns_cid : t->out_pns_cid), (unsigned)t->pac_cid,
	        c->gre_to_pac, c->gre_to_pns, c->wire_gre_to_pns, c->misdelivered, c->foreign,
	        c->ctrl, c->tcp, c->first_frame, c->last_frame);
	json_ts(f, c->first_ts);
	fprintf(f, ", \"last_time\": ");
	json_ts(f, c->last_ts);
	if (s == SIDE_IN && t->bad && w->o->defect == D_KEY_NOT_RESTORED)
		fprintf(f, ", \"gre_to_pns_key\": %u", (unsigned)bswap16(t->pns_cid));
	fprintf(f, ", \"defect_frames\": [");
	for (i = 0; i < c->nevidence; i++)
		fprintf(f, "%s%" PRIu64, i ? ", " : "", c->evidence[i]);
	fprintf(f, "]}");
}

static const struct defect_row *
defect_row(enum defect d)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(defect_table); i++)
		if (defect_table[i].defect == d)
			return &defect_table[i];
	return &defect_table[0];
}

static int
write_truth(const struct world *w, const char *path)
{
	const struct opts *o = w->o;
	const struct defect_row *dr = defect_row(o->defect);
	FILE *f = fopen(path, "w");
	uint64_t tot[SIDES][4];
	uint32_t i, n;
	enum side s;
	int first;

	if (!f) {
		fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
		return 1;
	}
	memset(tot, 0, sizeof(tot));
	fprintf(f, "{\n  \"generator\": \"pptp-natcheck bench/gen\",\n  \"truth_version\": 1,\n");
	fprintf(f, "  \"mode\": \"%s\",\n  \"seed\": %" PRIu64 ",\n",
	        o->mode == MODE_PAIR ? "pair" : "single", o->seed);
	fprintf(f, "  \"size\": ");
	if (o->small)
		fprintf(f, "\"small\"");
	else
		fprintf(f, "%" PRIu64, o->size);
	fprintf(f, ",\n  \"defect\": \"%s\",\n  \"defect_wire\": ", dr->name);
	json_str(f, dr->wire);
	fprintf(f, ",\n  \"defect_tunnels\": [");
	n = 0;
	for (i = 0; i < w->ntun; i++)
		if (w->tun[i].bad && dr->per_tunnel)
			fprintf(f, "%s%u", n++ ? ", " : "", (unsigned)w->tun[i].id);
	fprintf(f, "],\n  \"nat_address\": \"203.0.113.1\",\n  \"editor\": \"%s\",\n",
	        o->defect == D_NO_EDITOR ? "none" : "linux-like (PNS Call ID := NAT'd TCP port)");
	fprintf(f, "  \"clock_offset_seconds\": %s%" PRIu64 ".%09" PRIu64 ",\n",
	        o->clock_offset_ns < 0 ? "-" : "",
	        (uint64_t)(o->clock_offset_ns < 0 ? -o->clock_offset_ns : o->clock_offset_ns) /
	            NS_PER_SEC,
	        (uint64_t)(o->clock_offset_ns < 0 ? -o->clock_offset_ns : o->clock_offset_ns) %
	            NS_PER_SEC);
	fprintf(f, "  \"files\": {");
	first = 1;
	for (s = SIDE_IN; s < SIDES; s++) {
		const struct out *ou = &w->side[s];
		if (!ou->used)
			continue;
		fprintf(f, "%s\n    \"%s\": {\"path\": ", first ? "" : ",", side_role(w, s));
		first = 0;
		json_str(f, ou->path);
		fprintf(f,
		        ", \"format\": \"%s\", \"packets\": %" PRIu64 ", \"bytes\": %" PRIu64
		        ", \"background_packets\": %" PRIu64 ", \"background_bytes\": %" PRIu64
		        ", \"first_time\": ",
		        ou->ns ? "pcap-ns" : "pcap", ou->written_packets, ou->written_bytes,
		        w->bg_packets[s], w->bg_written_bytes[s]);
		json_ts(f, ou->first_ts);
		fprintf(f, ", \"last_time\": ");
		json_ts(f, ou->last_ts);
		fprintf(f, "}");
	}
	fprintf(f, "\n  },\n  \"tunnels\": [");
	for (i = 0; i < w->ntun; i++) {
		const struct tunnel *t = &w->tun[i];
		fprintf(f, "%s\n    {\"id\": %u, \"defect\": %s, \"host_name\": ", i ? "," : "",
		        (unsigned)t->id, t->bad && dr->per_tunnel ? "true" : "false");
		json_str(f, o->identical ? "" : t->host);
		fprintf(f, ", \"call_serial\": %u,", (unsigned)t->serial);
		for (s = SIDE_IN; s < SIDES; s++) {
			if (!w->side[s].used)
				continue;
			fprintf(f, "\n     \"%s\": ", side_role(w, s));
			json_side(f, w, t, s);
			fprintf(f, s == SIDE_IN && w->side[SIDE_OUT].used ? "," : "");
			tot[s][0] += t->cnt[s].gre_to_pac;
			tot[s][1] += t->cnt[s].gre_to_pns;
			tot[s][2] += t->cnt[s].ctrl;
			tot[s][3] += t->cnt[s].first_frame ? 1 : 0;
		}
		fprintf(f, "}");
	}
	fprintf(f, "\n  ],\n  \"totals\": {\"tunnels\": %u", (unsigned)w->ntun);
	for (s = SIDE_IN; s < SIDES; s++) {
		if (!w->side[s].used)
			continue;
		fprintf(f,
		        ", \"%s\": {\"tunnels_seen\": %" PRIu64 ", \"gre_to_pac\": %" PRIu64
		        ", \"gre_to_pns\": %" PRIu64 ", \"control_messages\": %" PRIu64 "}",
		        side_role(w, s), tot[s][3], tot[s][0], tot[s][1], tot[s][2]);
	}
	fprintf(f, "}\n}\n");
	return fclose(f) != 0;
}

static int
gen_world(const struct opts *o)
{
	struct world *w = xrealloc(NULL, sizeof(*w));
	struct rng setup;
	uint32_t i;
	int rc = 0;

	memset(w, 0, sizeof(*w));
	w->o = o;
	w->ntun = o->tunnels;
	w->tun = xrealloc(NULL, (size_t)w->ntun * sizeof(*w->tun));
	w->ev = xrealloc(NULL, (size_t)w->ntun * sizeof(*w->ev));
	w->bg = xrealloc(NULL, BG_FLOWS * sizeof(*w->bg));
	w->bg_rng = rng_derive(o->seed, 2);
	setup = rng_derive(o->seed, 1);
	for (i = 0; i < BG_FLOWS; i++)
		bg_new(w, &w->bg[i]);
	for (i = 0; i < o->pacs; i++)
		w->pac_next_cid[i] = (uint16_t)(0x4000 + 0x400 * i + rng_below(&setup, 0x200));
	if (o->mode == MODE_PAIR) {
		out_open(&w->side[SIDE_IN], o->inside, o->ns, 0);
		out_open(&w->side[SIDE_OUT], o->outside, o->ns, o->clock_offset_ns);
		if (o->defect == D_TIME_SHIFT)
			w->side[SIDE_OUT].open = 0;
	} else {
		out_open(&w->side[o->single_side], o->out, o->ns,
		         o->single_side == SIDE_OUT ? o->clock_offset_ns : 0);
	}
	for (i = 0; i < w->ntun; i++) {
		tun_init(w, &w->tun[i], i, &setup);
		w->ev[i] = i;
	}
	/* Start times increase with the index, so the identity order is already a heap. */
	w->evlen = w->ntun;
	w->data_planned = (uint64_t)o->gre_quota * w->ntun;
	w->prev = GEN_EPOCH_SEC * NS_PER_SEC;
	run_world(w);
	rc |= out_close(w, SIDE_IN);
	rc |= out_close(w, SIDE_OUT);
	if (o->truth)
		rc |= write_truth(w, o->truth);
	free(w->tun);
	free(w->ev);
	free(w->bg);
	free(w);
	return rc;
}

/* ------------------------------------------------------------------ adversarial captures */

/* A sequential writer for hostile captures: monotonic time, no NAT, no reordering needed. */
struct adv {
	struct world w; /* only side[SIDE_IN] and record keeping are used */
	uint64_t now;
	struct rng rng;
};

static void
adv_tcp(struct adv *a, const struct view *v, const struct tcpseg *seg, const uint8_t *pl,
        size_t len)
{
	uint32_t slot;
	uint8_t *f = out_reserve(&a->w.side[SIDE_IN], &slot);
	size_t flen = frame_tcp(f, v, seg, pl, len);

	out_commit(&a->w.side[SIDE_IN], slot, a->now, flen, 0, 0, K_BG, 0);
	out_flush(&a->w, SIDE_IN, a->now);
}

static void
adv_gre(struct adv *a, const struct view *v, uint16_t key, uint32_t seq)
{
	static const uint8_t lcp[] = {0xFF, 0x03, 0xC0, 0x21, 0x01, 0x01, 0x00,
	                              0x0A, 0x05, 0x06, 0x12, 0x34, 0x56, 0x78};
	struct grehdr g = {key, 1, 0, seq, 0};
	uint32_t slot;
	uint8_t *f = out_reserve(&a->w.side[SIDE_IN], &slot);
	size_t flen = frame_gre(f, v, &g, lcp, sizeof(lcp));

	out_commit(&a->w.side[SIDE_IN], slot, a->now, flen, 0, 0, K_BG, 0);
	out_flush(&a->w, SIDE_IN, a->now);
}

struct conn {
	struct view to_pac, to_pns;
	uint16_t port;
	uint32_t pns_nxt, pac_nxt;
	uint8_t pns_mac[6];
};

static void
conn_init(struct conn *c, uint32_t pns, uint32_t pac, uint16_t port, struct rng *r)
{
	mac_for(c->pns_mac, pns);
	c->to_pac = (struct view){pns, pac, c->pns_mac, MAC_NAT_IN, 128, 1};
	c->to_pns = (struct view){pac, pns, MAC_NAT_IN, c->pns_mac, 51, 1};
	c->port = port;
	c->pns_nxt = (uint32_t)rng_next(r);
	c->pac_nxt = (uint32_t)rng_next(r);
}

static void
conn_send(struct adv *a, struct conn *c, enum dir d, uint8_t flags, const uint8_t *pl, size_t len)
{
	struct tcpseg seg;
	struct view *v = d == TO_PAC ? &c->to_pac : &c->to_pns;
	uint32_t *nxt = d == TO_PAC ? &c->pns_nxt : &c->pac_nxt;

	seg.sport = d == TO_PAC ? c->port : PPTP_PORT;
	seg.dport = d == TO_PAC ? PPTP_PORT : c->port;
	seg.seq = *nxt;
	seg.ack = (flags & TCP_ACK) ? (d == TO_PAC ? c->pac_nxt : c->pns_nxt) : 0;
	seg.flags = flags;
	seg.win = 65535;
	v->ip_id++;
	adv_tcp(a, v, &seg, pl, len);
	*nxt += (uint32_t)len + ((flags & (TCP_SYN | TCP_FIN)) ? 1u : 0u);
}

static void
conn_open(struct adv *a, struct conn *c)
{
	uint8_t m[256];
	size_t len;

	conn_send(a, c, TO_PAC, TCP_SYN, NULL, 0);
	a->now += 10 * NS_PER_MS;
	conn_send(a, c, TO_PNS, TCP_SYN | TCP_ACK, NULL, 0);
	a->now += 500 * NS_PER_US;
	conn_send(a, c, TO_PAC, TCP_ACK, NULL, 0);
	a->now += 100 * NS_PER_US;
	len = msg_sccrq(m, "adversary", "bench-gen", 0);
	conn_send(a, c, TO_PAC, TCP_ACK | TCP_PSH, m, len);
	a->now += 10 * NS_PER_MS;
	len = msg_sccrq(m, "pac", "bench-gen", 1);
	conn_send(a, c, TO_PNS, TCP_ACK | TCP_PSH, m, len);
	a->now += 500 * NS_PER_US;
}

/* 100 000 (--count) connections to port 1723: SYN, SYN-ACK, one SCCRQ each, never closed. */
static void
adv_conns(struct adv *a, uint64_t count)
{
	uint64_t i;
	uint8_t m[256];
	size_t len;

	for (i = 0; i < count; i++) {
		struct conn c;
		uint32_t pns = PNS_BASE + 0x100 + (uint32_t)(i % 0xFFFF00u);
		uint16_t port = (uint16_t)(1024 + i % 64000);

		conn_init(&c, pns, PAC_BASE + 1, port, &a->rng);
		conn_send(a, &c, TO_PAC, TCP_SYN, NULL, 0);
		a->now += 5 * NS_PER_US;
		conn_send(a, &c, TO_PNS, TCP_SYN | TCP_ACK, NULL, 0);
		a->now += 5 * NS_PER_US;
		len = msg_sccrq(m, "adversary", "bench-gen", 0);
		conn_send(a, &c, TO_PAC, TCP_ACK | TCP_PSH, m, len);
		a->now += 10 * NS_PER_US;
	}
}

/*
 * Calls placed in batches: one segment of CALLIDS_BATCH OCRQs, one of OCRPs, then one GRE
 * packet each way per call.  Connection i (PNS 10.0.0.i+2) talks to its own PAC
 * (198.51.100.i+1), so that the PAC's Call IDs, too, stay unique per PAC.
 */
#define CALLIDS_BATCH 8

static uint16_t
callids_cid(uint64_t round)
{
	return (uint16_t)(round % 65535 + 1);
}

static void
adv_callids(struct adv *a, uint64_t count, uint32_t nconns)
{
	struct conn *c = xrealloc(NULL, nconns * sizeof(*c));
	uint8_t seg[CALLIDS_BATCH * 168];
	uint64_t done = 0, round = 0;
	uint32_t i, j;

	for (i = 0; i < nconns; i++) {
		conn_init(&c[i], PNS_BASE | (i + 2), PAC_BASE + 1 + i, (uint16_t)(50000 + i),
		          &a->rng);
		conn_open(a, &c[i]);
	}
	while (done < count) {
		for (i = 0; i < nconns && done < count; i++) {
			uint32_t n =
			    count - done < CALLIDS_BATCH ? (uint32_t)(count - done) : CALLIDS_BATCH;
			size_t off = 0;

			for (j = 0; j < n; j++)
				off += msg_ocrq(seg + off, callids_cid(round + j),
				                (uint16_t)(done + j));
			conn_send(a, &c[i], TO_PAC, TCP_ACK | TCP_PSH, seg, off);
			a->now += 2 * NS_PER_MS;
			off = 0;
			for (j = 0; j < n; j++)
				off += msg_ocrp(seg + off, callids_cid(round + j),
				                callids_cid(round + j));
			conn_send(a, &c[i], TO_PNS, TCP_ACK | TCP_PSH, seg, off);
			a->now += 100 * NS_PER_US;
			for (j = 0; j < n; j++) {
				c[i].to_pac.ip_id++;
				adv_gre(a, &c[i].to_pac, callids_cid(round + j), 0);
				a->now += 2 * NS_PER_US;
				c[i].to_pns.ip_id++;
				adv_gre(a, &c[i].to_pns, callids_cid(round + j), 0);
				a->now += 2 * NS_PER_US;
			}
			done += n;
		}
		round += CALLIDS_BATCH;
	}
	free(c);
}

/*
 * One control connection whose PNS->PAC bytes arrive as one-byte segments, each window of
 * --window bytes sent in reverse (even windows) or shuffled (odd windows) order, --count times.
 */
static void
adv_oneb(struct adv *a, uint64_t windows, uint32_t wsize)
{
	struct conn c;
	uint8_t *buf = xrealloc(NULL, (size_t)wsize + 512);
	uint32_t *perm = xrealloc(NULL, (size_t)wsize * sizeof(uint32_t));
	size_t have = 0;
	uint64_t wi;
	uint32_t echo = 0, j;
	int stage = 0;

	conn_init(&c, PNS_BASE | 2, PAC_BASE + 1, 50000, &a->rng);
	conn_send(a, &c, TO_PAC, TCP_SYN, NULL, 0);
	a->now += 10 * NS_PER_MS;
	conn_send(a, &c, TO_PNS, TCP_SYN | TCP_ACK, NULL, 0);
	a->now += 500 * NS_PER_US;
	conn_send(a, &c, TO_PAC, TCP_ACK, NULL, 0);
	for (wi = 0; wi < windows; wi++) {
		uint32_t base = c.pns_nxt;
		/* The stream: SCCRQ, OCRQ, SLI, then Echo-Requests for ever. */
		while (have < wsize) {
			if (stage == 0)
				have += msg_sccrq(buf + have, "adversary", "bench-gen", 0);
			else if (stage == 1)
				have += msg_ocrq(buf + have, 256, 1);
			else if (stage == 2)
				have += msg_sli(buf + have, 0x4000);
			else
				have += msg_echo(buf + have, ++echo, 0);
			stage++;
		}
		for (j = 0; j < wsize; j++)
			perm[j] = (wi % 2 == 0) ? wsize - 1 - j : j;
		if (wi % 2) {
			for (j = wsize - 1; j > 0; j--) {
				uint32_t r = rng_below(&a->rng, j + 1), tmp = perm[j];
				perm[j] = perm[r];
				perm[r] = tmp;
			}
		}
		for (j = 0; j < wsize; j++) {
			c.pns_nxt = base + perm[j];
			a->now += NS_PER_US;
			conn_send(a, &c, TO_PAC, TCP_ACK | TCP_PSH, buf + perm[j], 1);
		}
		c.pns_nxt = base + wsize;
		memmove(buf, buf + wsize, have - wsize);
		have -= wsize;
		a->now += 5 * NS_PER_MS;
		conn_send(a, &c, TO_PNS, TCP_ACK, NULL, 0); /* the PAC acks the whole window */
	}
	free(buf);
	free(perm);
}

static int
gen_adversarial(const struct opts *o)
{
	struct adv *a = xrealloc(NULL, sizeof(*a));
	const char *kind = o->kind == ADV_CONNS     ? "conns"
	                   : o->kind == ADV_CALLIDS ? "callids"
	                                            : "oneb";
	uint64_t count = o->count;
	int rc;

	memset(a, 0, sizeof(*a));
	a->rng = rng_derive(o->seed, 3);
	a->now = GEN_EPOCH_SEC * NS_PER_SEC;
	out_open(&a->w.side[SIDE_IN], o->out, o->ns, 0);
	switch (o->kind) {
	case ADV_CONNS:
		if (!count)
			count = 100000;
		adv_conns(a, count);
		break;
	case ADV_CALLIDS:
		if (!count)
			count = 1000000;
		if (count / o->conns + CALLIDS_BATCH > 65535)
			die("--kind callids: more than 65535 calls per connection; raise --conns");
		adv_callids(a, count, o->conns);
		break;
	default:
		if (!count)
			count = 64;
		adv_oneb(a, count, o->window);
		break;
	}
	rc = out_close(&a->w, SIDE_IN);
	if (o->truth) {
		FILE *f = fopen(o->truth, "w");
		if (!f) {
			fprintf(stderr, "gen: %s: %s\n", o->truth, strerror(errno));
			rc = 1;
		} else {
			fprintf(
			    f,
			    "{\n  \"generator\": \"pptp-natcheck bench/gen\",\n  "
			    "\"truth_version\": "
			    "1,\n  \"mode\": \"adversarial\",\n  \"kind\": \"%s\",\n  \"seed\": "
			    "%" PRIu64 ",\n  \"count\": %" PRIu64 ",\n  \"conns\": %u,\n"
			    "  \"window\": %u,\n  \"files\": {\"capture\": {\"path\": ",
			    kind, o->seed, count,
			    (unsigned)(o->kind == ADV_CALLIDS ? o->conns
			               : o->kind == ADV_CONNS ? (unsigned)count
			                                      : 1u),
			    (unsigned)(o->kind == ADV_ONEB ? o->window : 0));
			json_str(f, o->out);
			fprintf(f, ", \"packets\": %" PRIu64 ", \"bytes\": %" PRIu64 "}}\n}\n",
			        a->w.side[SIDE_IN].written_packets,
			        a->w.side[SIDE_IN].written_bytes);
			rc |= fclose(f) != 0;
		}
	}
	free(a);
	return rc;
}

/* ------------------------------------------------------------------ command line */

static void
usage(FILE *f)
{
	size_t i;

	fprintf(
	    f,
	    "usage: gen pair --inside IN.pcap --outside OUT.pcap [--truth T.json] [options]\n"
	    "       gen single --out FILE.pcap [--side inside|outside] [--truth T.json] [options]\n"
	    "       gen adversarial --kind conns|callids|oneb --out FILE.pcap [--count N]\n"
	    "           [--conns N] [--window BYTES] [--truth T.json] [--seed N]\n"
	    "options:\n"
	    "  --seed N             (1) every byte follows from it\n"
	    "  --size BYTES|small   (10M) per side, K/M/G = 2^10/2^20/2^30; small = a few KB, 3\n"
	    "                       tunnels, 1 PAC, --gre-per-tunnel 20 (for golden tests)\n"
	    "  --tunnels N          (200; small: 3)      --pacs N (2; small: 1)\n"
	    "  --background FRAC    (0.3) share of bytes that is not PPTP\n"
	    "  --rate PPS           (20; small: 50) GRE packets per second per tunnel\n"
	    "  --echo-interval S    (5; small: 0.2)  --stagger S (1/tunnels; small: 0.05)\n"
	    "  --gre-per-tunnel N   (0 = until --size; small: 20)\n"
	    "  --clock-offset S     added to every outside timestamp (may be negative)\n"
	    "  --defect NAME        --defect-tunnel N (1; 0 = every tunnel)\n"
	    "  --identical          every client sends the same SCCRQ and Call Serial Number\n"
	    "  --pns-call-id N      (256) the Call ID every client picks\n"
	    "  --ns                 nanosecond pcap (default microsecond)\n"
	    "defects:\n");
	for (i = 0; i < ARRAY_LEN(defect_table); i++)
		fprintf(f, "  %-20s %s\n", defect_table[i].name, defect_table[i].wire);
}

static uint64_t
parse_u64(const char *s, const char *what, int suffix)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-') {
		fprintf(stderr, "gen: bad %s: %s\n", what, s);
		exit(2);
	}
	if (suffix && (*end == 'K' || *end == 'k'))
		v <<= 10, end++;
	else if (suffix && (*end == 'M' || *end == 'm'))
		v <<= 20, end++;
	else if (suffix && (*end == 'G' || *end == 'g'))
		v <<= 30, end++;
	if (*end) {
		fprintf(stderr, "gen: bad %s: %s\n", what, s);
		exit(2);
	}
	return v;
}

static int64_t
parse_seconds(const char *s, const char *what)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (errno || end == s || *end || d > 1e9 || d < -1e9) {
		fprintf(stderr, "gen: bad %s: %s\n", what, s);
		exit(2);
	}
	return (int64_t)(d * 1e9 + (d < 0 ? -0.5 : 0.5));
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"inside", required_argument, NULL, 'i'},
	    {"outside", required_argument, NULL, 'o'},
	    {"out", required_argument, NULL, 'w'},
	    {"truth", required_argument, NULL, 't'},
	    {"seed", required_argument, NULL, 's'},
	    {"size", required_argument, NULL, 'S'},
	    {"tunnels", required_argument, NULL, 'n'},
	    {"pacs", required_argument, NULL, 'p'},
	    {"background", required_argument, NULL, 'b'},
	    {"rate", required_argument, NULL, 'r'},
	    {"echo-interval", required_argument, NULL, 'e'},
	    {"stagger", required_argument, NULL, 'g'},
	    {"gre-per-tunnel", required_argument, NULL, 'q'},
	    {"clock-offset", required_argument, NULL, 'c'},
	    {"defect", required_argument, NULL, 'd'},
	    {"defect-tunnel", required_argument, NULL, 'D'},
	    {"identical", no_argument, NULL, 'I'},
	    {"pns-call-id", required_argument, NULL, 'P'},
	    {"ns", no_argument, NULL, 'N'},
	    {"side", required_argument, NULL, 'x'},
	    {"kind", required_argument, NULL, 'k'},
	    {"count", required_argument, NULL, 'C'},
	    {"conns", required_argument, NULL, 'K'},
	    {"window", required_argument, NULL, 'W'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct opts o;
	int ch, have_tunnels = 0, have_pacs = 0, have_rate = 0, have_echo = 0, have_stagger = 0,
	        have_quota = 0;
	double bg = 0.3, rate = 20;
	size_t i;
	const char *mode;

	memset(&o, 0, sizeof(o));
	o.seed = 1;
	o.size = 10u << 20;
	o.tunnels = 200;
	o.pacs = 2;
	o.echo_ns = 5 * NS_PER_SEC;
	o.defect_tunnel = 1;
	o.pns_call_id = 256;
	o.conns = 16;
	o.window = 65536;
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && !strcmp(argv[1], "--help")) {
			usage(stdout);
			return 0;
		}
		usage(stderr);
		return 2;
	}
	mode = argv[1];
	if (!strcmp(mode, "pair"))
		o.mode = MODE_PAIR;
	else if (!strcmp(mode, "single"))
		o.mode = MODE_SINGLE;
	else if (!strcmp(mode, "adversarial"))
		o.mode = MODE_ADV;
	else {
		usage(stderr);
		return 2;
	}
	optind = 2;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'i':
			o.inside = optarg;
			break;
		case 'o':
			o.outside = optarg;
			break;
		case 'w':
			o.out = optarg;
			break;
		case 't':
			o.truth = optarg;
			break;
		case 's':
			o.seed = parse_u64(optarg, "--seed", 0);
			break;
		case 'S':
			if (!strcmp(optarg, "small")) {
				o.small = 1;
				o.size = 0;
			} else {
				o.small = 0;
				o.size = parse_u64(optarg, "--size", 1);
			}
			break;
		case 'n':
			o.tunnels = (uint32_t)parse_u64(optarg, "--tunnels", 0);
			have_tunnels = 1;
			break;
		case 'p':
			o.pacs = (uint32_t)parse_u64(optarg, "--pacs", 0);
			have_pacs = 1;
			break;
		case 'b':
			bg = strtod(optarg, NULL);
			break;
		case 'r':
			rate = strtod(optarg, NULL);
			have_rate = 1;
			break;
		case 'e':
			o.echo_ns = (uint64_t)parse_seconds(optarg, "--echo-interval");
			have_echo = 1;
			break;
		case 'g':
			o.stagger_ns = (uint64_t)parse_seconds(optarg, "--stagger");
			have_stagger = 1;
			break;
		case 'q':
			o.gre_quota = (uint32_t)parse_u64(optarg, "--gre-per-tunnel", 0);
			have_quota = 1;
			break;
		case 'c':
			o.clock_offset_ns = parse_seconds(optarg, "--clock-offset");
			break;
		case 'd':
			for (i = 0; i < ARRAY_LEN(defect_table); i++)
				if (!strcmp(optarg, defect_table[i].name))
					break;
			if (i == ARRAY_LEN(defect_table)) {
				fprintf(stderr, "gen: unknown defect: %s (see --help)\n", optarg);
				return 2;
			}
			o.defect = defect_table[i].defect;
			break;
		case 'D':
			o.defect_tunnel = (uint32_t)parse_u64(optarg, "--defect-tunnel", 0);
			break;
		case 'I':
			o.identical = 1;
			break;
		case 'P':
			o.pns_call_id = (uint16_t)parse_u64(optarg, "--pns-call-id", 0);
			break;
		case 'N':
			o.ns = 1;
			break;
		case 'x':
			if (!strcmp(optarg, "inside"))
				o.single_side = SIDE_IN;
			else if (!strcmp(optarg, "outside"))
				o.single_side = SIDE_OUT;
			else
				die("--side must be inside or outside");
			break;
		case 'k':
			o.kind = !strcmp(optarg, "conns")     ? ADV_CONNS
			         : !strcmp(optarg, "callids") ? ADV_CALLIDS
			         : !strcmp(optarg, "oneb")    ? ADV_ONEB
			                                      : ADV_NONE;
			if (o.kind == ADV_NONE)
				die("--kind must be conns, callids or oneb");
			break;
		case 'C':
			o.count = parse_u64(optarg, "--count", 1);
			break;
		case 'K':
			o.conns = (uint32_t)parse_u64(optarg, "--conns", 0);
			break;
		case 'W':
			o.window = (uint32_t)parse_u64(optarg, "--window", 1);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (o.mode == MODE_ADV) {
		if (!o.out || o.kind == ADV_NONE)
			die("adversarial needs --kind and --out");
		if (!o.conns || o.window < 1 || o.window > (1u << 24))
			die("bad --conns or --window");
		return gen_adversarial(&o) ? 1 : 0;
	}
	if (o.small) {
		if (!have_tunnels)
			o.tunnels = 3;
		if (!have_pacs)
			o.pacs = 1;
		if (!have_rate)
			rate = 50;
		if (!have_echo)
			o.echo_ns = NS_PER_SEC / 5;
		if (!have_stagger)
			o.stagger_ns = NS_PER_SEC / 20;
		have_stagger = 1;
		if (!have_quota)
			o.gre_quota = 20;
		if (!o.gre_quota)
			die("--size small needs --gre-per-tunnel > 0");
	}
	if (o.tunnels < 1 || o.tunnels > MAX_TUNNELS)
		die("--tunnels must be 1..60000");
	if (o.pacs < 1 || o.pacs > MAX_PACS)
		die("--pacs must be 1..250");
	if (!(bg >= 0 && bg <= 0.9))
		die("--background must be 0..0.9");
	if (!(rate > 0.01 && rate <= 100000))
		die("--rate must be in (0.01, 100000]");
	if (!o.echo_ns)
		die("--echo-interval must be > 0");
	if (!o.size && !o.gre_quota)
		die("--size 0 needs --gre-per-tunnel");
	o.bg_pm = (uint32_t)(bg * 1000 + 0.5);
	o.gap_ns = (uint64_t)(1e9 / rate);
	if (!have_stagger)
		o.stagger_ns = NS_PER_SEC / o.tunnels;
	if (o.mode == MODE_PAIR && (!o.inside || !o.outside))
		die("pair needs --inside and --outside");
	if (o.mode == MODE_SINGLE && !o.out)
		die("single needs --out");
	if (o.mode == MODE_SINGLE && o.defect == D_TIME_SHIFT)
		die("time-shift needs two sides");
	return gen_world(&o) ? 1 : 0;
}
