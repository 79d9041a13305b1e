/*
 * Test-only capture crafting: read an Ethernet capture with libpcap,
 * change its packets the way real captures come damaged (checksums left to
 * the NIC, a segment recorded twice with one copy damaged, GRE filtered
 * out), write it back with libpcap.  Used in memory by the damage suite
 * (tests/check_damage.c) and by tests/damage/make-damage.c, which wrote
 * testdata/damage.  Header-only (static functions); the inputs are known
 * lab captures, so a failure returns false or 0 and the caller asserts.
 */
#ifndef PPTP_NATCHECK_CRAFT_H
#define PPTP_NATCHECK_CRAFT_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inet_csum.h"

/* Packets a crafted capture may hold: the lab captures have a few hundred. */
#define CRAFT_MAX_PACKETS 65536
#define CRAFT_SNAPLEN 65535
#define CRAFT_ETH_LEN 14
#define CRAFT_PPTP_OCRQ 7

struct craft_pkt {
	struct pcap_pkthdr h;
	uint8_t *data;
};

struct craft_cap {
	struct craft_pkt *p;
	size_t n, cap;
	int linktype;
};

static inline void
craft_free(struct craft_cap *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->p[i].data);
	free(c->p);
	memset(c, 0, sizeof(*c));
}

/* Append a copy of packet p; NULL when out of room. */
static inline struct craft_pkt *
craft_push(struct craft_cap *c, const struct pcap_pkthdr *h, const uint8_t *data)
{
	struct craft_pkt *q;

	if (c->n == c->cap) {
		size_t ncap = c->cap != 0 ? c->cap * 2 : 256;
		struct craft_pkt *np;

		if (ncap > CRAFT_MAX_PACKETS)
			return NULL;
		np = realloc(c->p, ncap * sizeof(*np));
		if (np == NULL)
			return NULL;
		c->p = np;
		c->cap = ncap;
	}
	q = &c->p[c->n];
	q->h = *h;
	q->data = malloc(h->caplen > 0 ? h->caplen : 1);
	if (q->data == NULL)
		return NULL;
	memcpy(q->data, data, h->caplen);
	c->n++;
	return q;
}

static inline struct craft_pkt *
craft_copy(struct craft_cap *c, const struct craft_pkt *p)
{
	return craft_push(c, &p->h, p->data);
}

/* An empty capture of the same link type as src. */
static inline void
craft_start(struct craft_cap *dst, const struct craft_cap *src)
{
	craft_free(dst);
	dst->linktype = src->linktype;
}

static inline bool
craft_load(struct craft_cap *c, const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(path, errbuf);
	struct pcap_pkthdr *h;
	const u_char *d;
	bool ok = true;

	memset(c, 0, sizeof(*c));
	if (pc == NULL)
		return false;
	c->linktype = pcap_datalink(pc);
	while (ok && pcap_next_ex(pc, &h, &d) == 1)
		ok = craft_push(c, h, d) != NULL;
	pcap_close(pc);
	return ok && c->linktype == DLT_EN10MB;
}

static inline bool
craft_write(const struct craft_cap *c, const char *path)
{
	pcap_t *dead = pcap_open_dead(c->linktype, CRAFT_SNAPLEN);
	pcap_dumper_t *dump;
	size_t i;

	if (dead == NULL)
		return false;
	dump = pcap_dump_open(dead, path);
	if (dump == NULL) {
		pcap_close(dead);
		return false;
	}
	for (i = 0; i < c->n; i++)
		pcap_dump((u_char *)dump, &c->p[i].h, c->p[i].data);
	pcap_dump_close(dump);
	pcap_close(dead);
	return true;
}

/* ---- IPv4, TCP and GRE fields of an Ethernet frame ---- */

static inline uint8_t *
craft_ip(const struct craft_pkt *p)
{
	if (p->h.caplen < CRAFT_ETH_LEN + 20 || p->data[12] != 0x08 || p->data[13] != 0x00 ||
	    p->data[CRAFT_ETH_LEN] >> 4 != 4)
		return NULL;
	return p->data + CRAFT_ETH_LEN;
}

static inline size_t
craft_ihl(const uint8_t *ip)
{
	return (size_t)(ip[0] & 0x0f) * 4;
}

static inline size_t
craft_ip_total(const uint8_t *ip)
{
	return (size_t)(ip[2] << 8 | ip[3]);
}

static inline bool
craft_is(const struct craft_pkt *p, uint8_t proto)
{
	const uint8_t *ip = craft_ip(p);

	return ip != NULL && ip[9] == proto;
}

static inline bool
craft_addr_is(const uint8_t *a, const uint8_t want[4])
{
	return memcmp(a, want, 4) == 0;
}

static inline void
craft_fix_tcp_checksum(uint8_t *ip)
{
	uint8_t *tcp = ip + craft_ihl(ip);
	size_t len = craft_ip_total(ip) - craft_ihl(ip);
	uint32_t sum = 0;
	size_t i;
	uint16_t c;

	for (i = 12; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	sum += 6 + (uint32_t)len;
	tcp[16] = tcp[17] = 0;
	c = inet_csum(tcp, len, sum);
	tcp[16] = (uint8_t)(c >> 8);
	tcp[17] = (uint8_t)c;
}

static inline uint8_t *
craft_tcp_payload(const struct craft_pkt *p, size_t *len)
{
	uint8_t *ip = craft_ip(p);
	uint8_t *tcp;
	size_t hl;

	*len = 0;
	if (ip == NULL || ip[9] != 6)
		return NULL;
	tcp = ip + craft_ihl(ip);
	hl = (size_t)(tcp[12] >> 4) * 4;
	*len = craft_ip_total(ip) - craft_ihl(ip) - hl;
	return tcp + hl;
}

/* The PPTP control message type a segment starts with, 0 when none. */
static inline unsigned
craft_pptp_type(const struct craft_pkt *p)
{
	size_t len;
	const uint8_t *m = craft_tcp_payload(p, &len);

	return m != NULL && len >= 10 ? (unsigned)(m[8] << 8 | m[9]) : 0;
}

/* The address that opened the first control connection (sent the SYN). */
static inline bool
craft_syn_sender(const struct craft_cap *c, uint8_t out[4])
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		const uint8_t *ip = craft_ip(&c->p[i]);

		if (ip != NULL && ip[9] == 6 && (ip[craft_ihl(ip) + 13] & 0x12) == 0x02) {
			memcpy(out, ip + 12, 4);
			return true;
		}
	}
	return false;
}

/* The first address the host `from` sends to. */
static inline bool
craft_peer_of(const struct craft_cap *c, const uint8_t from[4], uint8_t out[4])
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		const uint8_t *ip = craft_ip(&c->p[i]);

		if (ip != NULL && craft_addr_is(ip + 12, from)) {
			memcpy(out, ip + 16, 4);
			return true;
		}
	}
	return false;
}

/* ---- the damage ---- */

/*
 * Checksum offload on the capturing host: every packet host sent, from
 * the first one, with IPv4 header checksum 0 and TCP checksum 0.  Returns
 * the number of packets changed.
 */
static inline unsigned
craft_offload_host(const struct craft_cap *src, struct craft_cap *dst, const uint8_t host[4])
{
	size_t i;
	unsigned n = 0;

	craft_start(dst, src);
	for (i = 0; i < src->n; i++) {
		struct craft_pkt *q = craft_copy(dst, &src->p[i]);
		uint8_t *ip = q != NULL ? craft_ip(q) : NULL;

		if (q == NULL)
			return 0;
		if (ip == NULL || !craft_addr_is(ip + 12, host))
			continue;
		ip[10] = ip[11] = 0;
		if (ip[9] == 6)
			ip[craft_ihl(ip) + 16] = ip[craft_ihl(ip) + 17] = 0;
		n++;
	}
	return n;
}

/*
 * The IPv4 header checksum of every second packet of protocol proto that
 * host sent, broken (a damaged capture, or a NAT that breaks some).
 * Returns the number of packets changed.
 */
static inline unsigned
craft_break_some(const struct craft_cap *src, struct craft_cap *dst, const uint8_t host[4],
                 uint8_t proto)
{
	size_t i;
	unsigned seen = 0, n = 0;

	craft_start(dst, src);
	for (i = 0; i < src->n; i++) {
		struct craft_pkt *q = craft_copy(dst, &src->p[i]);
		uint8_t *ip = q != NULL ? craft_ip(q) : NULL;

		if (q == NULL)
			return 0;
		if (ip != NULL && craft_addr_is(ip + 12, host) && ip[9] == proto &&
		    seen++ % 2 == 1) {
			ip[11] ^= 0x01;
			n++;
		}
	}
	return n;
}

enum craft_dup {
	CRAFT_DAMAGED_FIRST,    /* damaged copy (wrong TCP checksum), then the clean one */
	CRAFT_DAMAGED_AFTER,    /* the clean copy, then a damaged one */
	CRAFT_BOTH_VERIFY,      /* the changed copy has a right checksum: which is true? */
	CRAFT_NEITHER_VERIFIES, /* both copies fail their TCP checksum */
};

/*
 * The first Outgoing-Call-Request recorded twice, one copy with its Call
 * ID's low byte flipped: were the damaged copy believed, the call's Call
 * ID would match neither its GRE nor its other messages.
 */
static inline bool
craft_duplicate_ocrq(const struct craft_cap *src, struct craft_cap *dst, enum craft_dup mode)
{
	size_t i, len;
	bool done = false;

	craft_start(dst, src);
	for (i = 0; i < src->n; i++) {
		const struct craft_pkt *p = &src->p[i];
		struct craft_pkt *damaged = NULL, *clean;
		uint8_t *m;

		if (done || craft_pptp_type(p) != CRAFT_PPTP_OCRQ ||
		    (craft_tcp_payload(p, &len), len < 14)) {
			if (craft_copy(dst, p) == NULL)
				return false;
			continue;
		}
		done = true;
		if (mode != CRAFT_DAMAGED_AFTER)
			damaged = craft_copy(dst, p);
		clean = craft_copy(dst, p);
		if (mode == CRAFT_DAMAGED_AFTER)
			damaged = craft_copy(dst, p);
		if (damaged == NULL || clean == NULL)
			return false;
		/* Flip the low byte of the OCRQ's Call ID (message offset 12). */
		m = craft_tcp_payload(damaged, &len);
		m[13] ^= 0x5a;
		if (mode == CRAFT_BOTH_VERIFY)
			craft_fix_tcp_checksum(craft_ip(damaged));
		if (mode == CRAFT_NEITHER_VERIFIES) {
			uint8_t *ip = craft_ip(clean);

			ip[craft_ihl(ip) + 17] ^= 0x01; /* wrong, not an offload pattern */
		}
	}
	return done;
}

/* GRE filtered out: all of it (host NULL), or every GRE packet to or from host. */
static inline bool
craft_drop_gre(const struct craft_cap *src, struct craft_cap *dst, const uint8_t *host)
{
	size_t i;

	craft_start(dst, src);
	for (i = 0; i < src->n; i++) {
		const uint8_t *ip = craft_ip(&src->p[i]);

		if (craft_is(&src->p[i], 47) &&
		    (host == NULL || craft_addr_is(ip + 12, host) || craft_addr_is(ip + 16, host)))
			continue;
		if (craft_copy(dst, &src->p[i]) == NULL)
			return false;
	}
	return true;
}

/* GRE packets whose key is key_a or key_b filtered out. */
static inline bool
craft_drop_gre_keys(const struct craft_cap *src, struct craft_cap *dst, uint16_t key_a,
                    uint16_t key_b)
{
	size_t i;

	craft_start(dst, src);
	for (i = 0; i < src->n; i++) {
		const uint8_t *ip = craft_ip(&src->p[i]);

		if (craft_is(&src->p[i], 47) &&
		    src->p[i].h.caplen >= CRAFT_ETH_LEN + craft_ihl(ip) + 8) {
			const uint8_t *g = ip + craft_ihl(ip);
			uint16_t key = (uint16_t)(g[6] << 8 | g[7]);

			if (key == key_a || key == key_b)
				continue;
		}
		if (craft_copy(dst, &src->p[i]) == NULL)
			return false;
	}
	return true;
}

#endif
