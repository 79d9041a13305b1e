/*
 * Test-only packet builder: Ethernet/IPv4 frames carrying TCP segments
 * with PPTP control messages, or Enhanced GRE, with correct checksums, fed
 * straight into a side as capture frames.  Header-only (static functions).
 */
#ifndef PPTP_NATCHECK_PKTBUILD_H
#define PPTP_NATCHECK_PKTBUILD_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "inet_csum.h"
#include "pptp.h"
#include "side.h"

#define PB_MAX 2048

static inline void
pb_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
pb_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* An IPv4 address a.b.c.d as 4 bytes. */
struct pb_ip {
	uint8_t b[4];
};

static inline struct pb_ip
pb_ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct pb_ip ip = {{a, b, c, d}};

	return ip;
}

/* Ethernet + IPv4 around l4 bytes; returns the frame length. */
static inline size_t
pb_frame(uint8_t *f, struct pb_ip src, struct pb_ip dst, uint8_t proto, const uint8_t *l4,
         size_t l4len, bool bad_checksum)
{
	uint8_t *ip = f + 14;
	uint16_t c;

	memset(f, 0, 14);
	f[0] = 0x02;
	f[6] = 0x02;
	f[11] = 1;
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[1] = 0;
	pb_put16(ip + 2, (uint16_t)(20 + l4len));
	pb_put16(ip + 4, 1);
	pb_put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = proto;
	pb_put16(ip + 10, 0);
	memcpy(ip + 12, src.b, 4);
	memcpy(ip + 16, dst.b, 4);
	c = inet_csum(ip, 20, 0);
	pb_put16(ip + 10, bad_checksum ? (uint16_t)(c ^ 0x5555) : c);
	memcpy(ip + 20, l4, l4len);
	return 14 + 20 + l4len;
}

/* A PPTP control message of the given type at its RFC length. */
static inline size_t
pb_pptp(uint8_t *m, uint16_t type, uint16_t call_id, uint16_t peer_call_id, uint16_t serial,
        uint8_t result)
{
	const struct pptp_type_info *ti = pptp_type_info(type);
	size_t len = ti != NULL ? ti->length : 16;

	memset(m, 0, len);
	pb_put16(m, (uint16_t)len);
	pb_put16(m + 2, 1);
	pb_put32(m + 4, PPTP_MAGIC_COOKIE);
	pb_put16(m + 8, type);
	if (ti != NULL && ti->call_id_off != 0)
		pb_put16(m + ti->call_id_off, call_id);
	if (ti != NULL && ti->peer_call_id_off != 0)
		pb_put16(m + ti->peer_call_id_off, peer_call_id);
	if (type == PPTP_OCRQ || type == PPTP_ICRQ)
		pb_put16(m + 14, serial);
	if (type == PPTP_OCRP || type == PPTP_ICRP)
		m[16] = result;
	if (type == PPTP_SCCRQ || type == PPTP_SCCRP) {
		pb_put16(m + 12, 0x0100);
		memcpy(m + 28, "testhost", 8);
		memcpy(m + 92, "testvendor", 10);
	}
	return len;
}

/* A TCP segment (no options) with payload; checksum left zero (not checked). */
static inline size_t
pb_tcp(uint8_t *t, uint16_t sport, uint16_t dport, uint32_t seq, uint8_t flags,
       const uint8_t *payload, size_t len)
{
	memset(t, 0, 20);
	pb_put16(t, sport);
	pb_put16(t + 2, dport);
	pb_put32(t + 4, seq);
	pb_put32(t + 8, 1);
	t[12] = 5 << 4;
	t[13] = flags;
	pb_put16(t + 14, 65535);
	if (len > 0)
		memcpy(t + 20, payload, len);
	return 20 + len;
}

/* Enhanced GRE with seq (always) and ack (when ack != 0), PPP payload. */
static inline size_t
pb_gre(uint8_t *g, uint16_t call_id, uint32_t seq, uint32_t ack, const uint8_t *ppp, size_t len)
{
	size_t off = 8;

	g[0] = 0x30; /* K, S */
	g[1] = (uint8_t)(0x01 | (ack != 0 ? 0x80 : 0));
	pb_put16(g + 2, 0x880B);
	pb_put16(g + 4, (uint16_t)len);
	pb_put16(g + 6, call_id);
	pb_put32(g + off, seq);
	off += 4;
	if (ack != 0) {
		pb_put32(g + off, ack);
		off += 4;
	}
	memcpy(g + off, ppp, len);
	return off + len;
}

/* Feeds built frames into a side with increasing frame numbers. */
struct pb_feed {
	struct side *side;
	uint64_t frame;
	ts_ns_t ts;
};

static inline void
pb_feed_frame(struct pb_feed *fd, const uint8_t *data, size_t len)
{
	struct capture_frame f;

	f.data = data;
	f.caplen = (uint32_t)len;
	f.wirelen = (uint32_t)len;
	f.ts = fd->ts;
	f.number = ++fd->frame;
	f.linktype = 1; /* DLT_EN10MB */
	if (fd->side->ninputs == 0) {
		fd->side->ninputs = 1;
		fd->side->inputs[0].path = "built";
	}
	fd->side->inputs[0].packets++;
	side_frame(fd->side, 0, &f);
	fd->ts += NS_PER_SEC / 1000;
}

/* One TCP segment carrying bytes, from src:sport to dst:dport. */
static inline void
pb_feed_tcp(struct pb_feed *fd, struct pb_ip src, uint16_t sport, struct pb_ip dst, uint16_t dport,
            uint32_t seq, uint8_t flags, const uint8_t *payload, size_t len)
{
	uint8_t l4[PB_MAX], frame[PB_MAX];
	size_t n = pb_tcp(l4, sport, dport, seq, flags, payload, len);

	pb_feed_frame(fd, frame, pb_frame(frame, src, dst, 6, l4, n, false));
}

static inline void
pb_feed_gre(struct pb_feed *fd, struct pb_ip src, struct pb_ip dst, uint16_t call_id, uint32_t seq,
            uint32_t ack, const uint8_t *ppp, size_t len, bool bad_checksum)
{
	uint8_t l4[PB_MAX], frame[PB_MAX];
	size_t n = pb_gre(l4, call_id, seq, ack, ppp, len);

	pb_feed_frame(fd, frame, pb_frame(frame, src, dst, 47, l4, n, bad_checksum));
}

#endif
