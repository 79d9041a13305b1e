/*
 * Test-only NAT simulator: writes what an inside and an outside capture of
 * an N:1 NAT would hold for PPTP clients, into two sides, with switchable
 * defects.  Small and exact, for the correlate/verdict/report suites; the
 * real kernel NAT is exercised by the lab (tests/lab).
 */
#ifndef PPTP_NATCHECK_SIM_H
#define PPTP_NATCHECK_SIM_H

#include "pktbuild.h"

#define SIM_MAX_CLIENTS 8

/* Defects, as flags. */
#define SIM_NO_EDITOR 0x0001         /* Call IDs pass unchanged */
#define SIM_KEY_NOT_RESTORED 0x0002  /* inside GRE key to client 0 byte-swapped */
#define SIM_PEER_NOT_RESTORED 0x0004 /* OCRP Peer's Call ID inside = outside value */
#define SIM_CCRQ_NOT_REWRITTEN 0x0008
#define SIM_RETURN_BLOCKED 0x0010   /* GRE to client 0 never delivered inside */
#define SIM_FORWARD_BLOCKED 0x0020  /* GRE from client 0 never leaves */
#define SIM_BAD_CHECKSUM 0x0040     /* outside GRE from the NAT: bad checksum after the first */
#define SIM_SLI_MANGLED 0x0080      /* SLI Peer's Call ID changed outside */
#define SIM_CDN_REWRITTEN 0x0100    /* CDN Call ID rewritten inside (Linux editor) */
#define SIM_MISDELIVER 0x0200       /* GRE to client 1 delivered to client 0 */
#define SIM_LAST_SENDER_WINS 0x0400 /* no editor: return GRE goes to the last GRE sender */
#define SIM_INSIDE_ONLY_1 0x0800    /* client 1's control connection never leaves */
#define SIM_CDN_MANGLED 0x1000      /* CDN Call ID inside: neither side's Call ID */

struct sim_client {
	struct pb_ip addr;
	uint16_t sport, nat_port, call_id, serial, pac_call_id;
	uint32_t seq_c, seq_s, nseq_out, nseq_in;
};

struct sim {
	struct pb_feed in, out;
	struct pb_ip nat, pac;
	unsigned flags;
	ts_ns_t now, out_clock; /* out_clock: added to outside timestamps */
	struct sim_client c[SIM_MAX_CLIENTS];
	unsigned n;
	int last_gre_sender;
};

static inline void
sim_init(struct sim *s, struct side *in, struct side *out, unsigned nclients, unsigned flags)
{
	unsigned i;

	memset(s, 0, sizeof(*s));
	s->in.side = in;
	s->out.side = out;
	s->nat = pb_ip(203, 0, 113, 1);
	s->pac = pb_ip(198, 51, 100, 7);
	s->flags = flags;
	s->now = (ts_ns_t)1700000000 * NS_PER_SEC;
	s->n = nclients;
	s->last_gre_sender = -1;
	for (i = 0; i < nclients && i < SIM_MAX_CLIENTS; i++) {
		s->c[i].addr = pb_ip(10, 0, 1, (uint8_t)(10 + i));
		s->c[i].sport = (uint16_t)(40000 + i);
		s->c[i].nat_port = (uint16_t)(61000 + i);
		s->c[i].call_id = 256;
		s->c[i].serial = (uint16_t)(7 + i);
		s->c[i].pac_call_id = (uint16_t)(4096 + i);
		s->c[i].seq_c = 1000;
		s->c[i].seq_s = 5000;
	}
}

static inline uint16_t
sim_out_call_id(const struct sim *s, unsigned i)
{
	return (s->flags & SIM_NO_EDITOR) ? s->c[i].call_id : s->c[i].nat_port;
}

static inline uint16_t
sim_out_port(const struct sim *s, unsigned i)
{
	return s->c[i].nat_port;
}

static inline bool
sim_crosses(const struct sim *s, unsigned i)
{
	return !((s->flags & SIM_INSIDE_ONLY_1) && i == 1);
}

/* Set both feeders' clocks for a packet crossing the NAT. */
static inline void
sim_tick(struct sim *s, bool outbound)
{
	s->now += NS_PER_SEC / 100;
	s->in.ts = s->now + (outbound ? 0 : 150000);
	s->out.ts = s->now + s->out_clock + (outbound ? 150000 : 0);
}

/* Control message from client i to the server (inside and outside copies). */
static inline void
sim_to_pac(struct sim *s, unsigned i, const uint8_t *in_msg, const uint8_t *out_msg, size_t len,
           bool cross)
{
	struct sim_client *c = &s->c[i];

	sim_tick(s, true);
	pb_feed_tcp(&s->in, c->addr, c->sport, s->pac, TCP_PORT_PPTP, c->seq_c, TCP_ACK | TCP_PSH,
	            in_msg, len);
	if (cross)
		pb_feed_tcp(&s->out, s->nat, sim_out_port(s, i), s->pac, TCP_PORT_PPTP, c->seq_c,
		            TCP_ACK | TCP_PSH, out_msg, len);
	c->seq_c += (uint32_t)len;
}

static inline void
sim_to_pns(struct sim *s, unsigned i, const uint8_t *out_msg, const uint8_t *in_msg, size_t len,
           bool cross)
{
	struct sim_client *c = &s->c[i];

	sim_tick(s, false);
	if (cross) {
		pb_feed_tcp(&s->out, s->pac, TCP_PORT_PPTP, s->nat, sim_out_port(s, i), c->seq_s,
		            TCP_ACK | TCP_PSH, out_msg, len);
		pb_feed_tcp(&s->in, s->pac, TCP_PORT_PPTP, c->addr, c->sport, c->seq_s,
		            TCP_ACK | TCP_PSH, in_msg, len);
	}
	c->seq_s += (uint32_t)len;
}

/* SYN, SCCRQ/SCCRP, OCRQ/OCRP, SLI for client i. */
static inline void
sim_connect_and_call(struct sim *s, unsigned i)
{
	struct sim_client *c = &s->c[i];
	bool cross = sim_crosses(s, i);
	uint8_t a[256], b[256];
	size_t n;
	uint16_t out_id = sim_out_call_id(s, i);

	sim_tick(s, true);
	pb_feed_tcp(&s->in, c->addr, c->sport, s->pac, TCP_PORT_PPTP, c->seq_c - 1, TCP_SYN, NULL,
	            0);
	if (cross)
		pb_feed_tcp(&s->out, s->nat, sim_out_port(s, i), s->pac, TCP_PORT_PPTP,
		            c->seq_c - 1, TCP_SYN, NULL, 0);
	n = pb_pptp(a, PPTP_SCCRQ, 0, 0, 0, 0);
	a[40] = (uint8_t)('a' + i); /* host names differ per client */
	sim_to_pac(s, i, a, a, n, cross);
	n = pb_pptp(a, PPTP_SCCRP, 0, 0, 0, 1);
	sim_to_pns(s, i, a, a, n, cross);
	n = pb_pptp(a, PPTP_OCRQ, c->call_id, 0, c->serial, 0);
	pb_pptp(b, PPTP_OCRQ, out_id, 0, c->serial, 0);
	sim_to_pac(s, i, a, b, n, cross);
	n = pb_pptp(a, PPTP_OCRP, c->pac_call_id, out_id, 0, 1);
	pb_pptp(b, PPTP_OCRP, c->pac_call_id,
	        (s->flags & SIM_PEER_NOT_RESTORED) && i == 0 ? out_id : c->call_id, 0, 1);
	sim_to_pns(s, i, a, b, n, cross);
	n = pb_pptp(a, PPTP_SLI, 0, c->pac_call_id, 0, 0);
	pb_pptp(b, PPTP_SLI, 0,
	        (s->flags & SIM_SLI_MANGLED) && i == 0 ? (uint16_t)(c->pac_call_id + 1)
	                                               : c->pac_call_id,
	        0, 0);
	sim_to_pac(s, i, a, b, n, cross);
}

static inline void
sim_payload(uint8_t ppp[40], unsigned i, unsigned j, char dir)
{
	memset(ppp, 0, 40);
	ppp[0] = 0xff;
	ppp[1] = 0x03;
	ppp[2] = 0x00;
	ppp[3] = 0x21;
	ppp[4] = (uint8_t)i;
	ppp[5] = (uint8_t)j;
	ppp[6] = (uint8_t)dir;
}

/* GRE packet j from client i to the server. */
static inline void
sim_gre_out(struct sim *s, unsigned i, unsigned j)
{
	struct sim_client *c = &s->c[i];
	uint8_t ppp[40];

	sim_payload(ppp, i, j, 'c');
	sim_tick(s, true);
	pb_feed_gre(&s->in, c->addr, s->pac, c->pac_call_id, c->nseq_out, 0, ppp, sizeof(ppp),
	            false);
	if (sim_crosses(s, i) && !((s->flags & SIM_FORWARD_BLOCKED) && i == 0))
		pb_feed_gre(&s->out, s->nat, s->pac, c->pac_call_id, c->nseq_out, 0, ppp,
		            sizeof(ppp), (s->flags & SIM_BAD_CHECKSUM) && c->nseq_out > 0);
	c->nseq_out++;
	s->last_gre_sender = (int)i;
}

/* GRE packet j from the server to client i, delivered as the flags say. */
static inline void
sim_gre_in(struct sim *s, unsigned i, unsigned j)
{
	struct sim_client *c = &s->c[i];
	uint8_t ppp[40];
	unsigned target = i;
	uint16_t in_key = c->call_id;

	sim_payload(ppp, i, j, 's');
	sim_tick(s, false);
	if (!sim_crosses(s, i))
		return;
	pb_feed_gre(&s->out, s->pac, s->nat, sim_out_call_id(s, i), c->nseq_in, c->nseq_out, ppp,
	            sizeof(ppp), false);
	c->nseq_in++;
	if ((s->flags & SIM_RETURN_BLOCKED) && i == 0)
		return;
	if ((s->flags & SIM_MISDELIVER) && i == 1)
		target = 0;
	if ((s->flags & SIM_LAST_SENDER_WINS) && s->last_gre_sender >= 0)
		target = (unsigned)s->last_gre_sender;
	if ((s->flags & SIM_KEY_NOT_RESTORED) && i == 0)
		in_key = (uint16_t)(in_key << 8 | in_key >> 8);
	pb_feed_gre(&s->in, s->pac, s->c[target].addr, in_key, c->nseq_in - 1, c->nseq_out, ppp,
	            sizeof(ppp), false);
}

/* CCRQ, CDN for client i. */
static inline void
sim_clear(struct sim *s, unsigned i)
{
	struct sim_client *c = &s->c[i];
	uint8_t a[256], b[256];
	size_t n;
	bool cross = sim_crosses(s, i);
	uint16_t out_id = sim_out_call_id(s, i);

	n = pb_pptp(a, PPTP_CCRQ, c->call_id, 0, 0, 0);
	pb_pptp(b, PPTP_CCRQ, (s->flags & SIM_CCRQ_NOT_REWRITTEN) && i == 0 ? c->call_id : out_id,
	        0, 0, 0);
	sim_to_pac(s, i, a, b, n, cross);
	n = pb_pptp(a, PPTP_CDN, c->pac_call_id, 0, 0, 0);
	a[14] = 4; /* result: request */
	memcpy(b, a, n);
	if ((s->flags & SIM_CDN_REWRITTEN) && i == 0)
		pb_put16(b + 12, c->call_id);
	if ((s->flags & SIM_CDN_MANGLED) && i == 0)
		pb_put16(b + 12, (uint16_t)(c->pac_call_id + 7));
	sim_to_pns(s, i, a, b, n, cross);
}

/* The whole life of every client: connect, call, GRE in rounds (every
 * client sends, then the server answers each), clear. */
static inline void
sim_run(struct sim *s, unsigned gre_per_client)
{
	unsigned i, j;

	for (i = 0; i < s->n; i++)
		sim_connect_and_call(s, i);
	for (j = 0; j < gre_per_client; j++) {
		for (i = 0; i < s->n; i++)
			sim_gre_out(s, i, j);
		for (i = 0; i < s->n; i++)
			sim_gre_in(s, i, j);
	}
	for (i = 0; i < s->n; i++)
		sim_clear(s, i);
}

#endif
