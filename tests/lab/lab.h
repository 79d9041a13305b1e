/* Shared by the namespace lab programs: PPTP control messages (RFC 2637 section 2), Enhanced
 * GRE (section 4), tagged LCP payloads, raw and packet sockets, JSON logs.
 *
 * Header-only, every function static inline, so each tests/lab/X.c stays one standalone
 * program (the Makefile builds them one file each). These are test peers, not the product:
 * they print and exit, and they trust their own command line.
 *
 * Known limits: IPv4 only; one GRE data exchange per call (a fixed number of data packets
 * each way, then one ack-only packet); LCP is not negotiated, every data packet is an LCP
 * Echo-Request whose data names the tunnel, so that a packet found in the wrong place says
 * where it belonged.
 */
#ifndef LAB_H
#define LAB_H

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LAB_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define LAB_PPTP_PORT 1723
#define LAB_PPTP_MAGIC 0x1A2B3C4Du
#define LAB_PPTP_HDR 12
/* Largest control message is ICRQ (220); anything longer means we lost framing. */
#define LAB_PPTP_MAX_MSG 256
/* Control bytes buffered per connection: a few whole messages; the peers answer every
 * message before reading far ahead, so this never fills unless framing is lost. */
#define LAB_STREAM_CAP 4096
/* Tunnel tags are short names like "c1-2": client name, dash, call number. */
#define LAB_TAG_MAX 15
/* "PNCLAB:" + tag + ":" + direction letter, NUL padded: fixed so that every data packet of
 * a lab run has the same payload length. */
#define LAB_LCP_DATA_LEN 24
#define LAB_LCP_PREFIX "PNCLAB:"
/* Distinct (source, key, tag, direction) rows a peer tracks in its receive census; the lab
 * has at most a handful of tunnels, the rest is headroom for surprises. */
#define LAB_RX_ROWS 64
/* Largest IP packet we read from a raw or packet socket: GRE here is < 100 bytes, but the
 * packet socket also sees TCP segments of the control connection. */
#define LAB_PKT_MAX 2048
/* Control messages logged per connection; a lab run sends about twenty. */
#define LAB_MSG_LOG_MAX 200

enum lab_msg_type {
	LAB_SCCRQ = 1,
	LAB_SCCRP = 2,
	LAB_STOPCCRQ = 3,
	LAB_STOPCCRP = 4,
	LAB_ECHORQ = 5,
	LAB_ECHORP = 6,
	LAB_OCRQ = 7,
	LAB_OCRP = 8,
	LAB_ICRQ = 9,
	LAB_ICRP = 10,
	LAB_ICCN = 11,
	LAB_CCRQ = 12,
	LAB_CDN = 13,
	LAB_WEN = 14,
	LAB_SLI = 15,
};

/* One row per control message type: RFC 2637 section 2 lengths, and the offset of the Call
 * ID field(s) it carries (0 = none), so logs can show them for any message. */
static const struct lab_msg_info {
	uint16_t type;
	const char *name;
	uint16_t len;
	uint16_t call_id_off;
	uint16_t peer_call_id_off;
} lab_msgs[] = {
    {LAB_SCCRQ, "SCCRQ", 156, 0, 0},      {LAB_SCCRP, "SCCRP", 156, 0, 0},
    {LAB_STOPCCRQ, "StopCCRQ", 16, 0, 0}, {LAB_STOPCCRP, "StopCCRP", 16, 0, 0},
    {LAB_ECHORQ, "EchoRQ", 16, 0, 0},     {LAB_ECHORP, "EchoRP", 20, 0, 0},
    {LAB_OCRQ, "OCRQ", 168, 12, 0},       {LAB_OCRP, "OCRP", 32, 12, 14},
    {LAB_ICRQ, "ICRQ", 220, 12, 0},       {LAB_ICRP, "ICRP", 24, 12, 14},
    {LAB_ICCN, "ICCN", 28, 0, 12},        {LAB_CCRQ, "CCRQ", 16, 12, 0},
    {LAB_CDN, "CDN", 148, 12, 0},         {LAB_WEN, "WEN", 40, 0, 12},
    {LAB_SLI, "SLI", 24, 0, 12},
};

static inline const struct lab_msg_info *
lab_msg_find(uint16_t type)
{
	for (size_t i = 0; i < LAB_ARRAY_LEN(lab_msgs); i++)
		if (lab_msgs[i].type == type)
			return &lab_msgs[i];
	return NULL;
}

static inline void
lab_die(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static inline double
lab_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wall clock, the same clock tcpdump stamps the captures with: lets a reader line up a log
 * entry with a frame. */
static inline double
lab_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline void
lab_sleep(double seconds)
{
	struct timespec ts;

	if (seconds <= 0)
		return;
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static inline void
lab_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
lab_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint16_t
lab_get16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t
lab_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline const char *
lab_ntoa(uint32_t addr_be, char *buf)
{
	struct in_addr a = {.s_addr = addr_be};

	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* Starts a control message: zeroes it, fills the 12-byte header; returns its length. */
static inline size_t
lab_msg_init(uint8_t *m, uint16_t type)
{
	const struct lab_msg_info *mi = lab_msg_find(type);

	memset(m, 0, LAB_PPTP_MAX_MSG);
	lab_put16(m, mi->len);
	lab_put16(m + 2, 1); /* control message */
	lab_put32(m + 4, LAB_PPTP_MAGIC);
	lab_put16(m + 8, type);
	return mi->len;
}

static inline void
lab_put_str(uint8_t *field, size_t size, const char *s)
{
	size_t n = strlen(s);

	memcpy(field, s, n < size ? n : size - 1);
}

/* Writes a whole message. With split, the message goes out as two TCP segments, the first
 * half and the rest, a pause apart (TCP_NODELAY is set on every lab socket), so that a NAT
 * helper that only parses whole messages in one segment misses it. */
static inline int
lab_send_msg(int fd, const uint8_t *m, size_t len, bool split)
{
	size_t off = 0;
	size_t cut = split ? len / 2 : len;

	while (off < len) {
		size_t want = (off < cut ? cut : len) - off;
		ssize_t n = send(fd, m + off, want, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		off += (size_t)n;
		if (split && off == cut && off < len)
			lab_sleep(0.02);
	}
	return 0;
}

struct lab_stream {
	uint8_t buf[LAB_STREAM_CAP];
	size_t len;
};

/* Appends what the socket has; 0 on orderly close, -1 on error, else bytes read. */
static inline ssize_t
lab_stream_read(int fd, struct lab_stream *s)
{
	ssize_t n;

	if (s->len == sizeof(s->buf))
		return -1;
	n = recv(fd, s->buf + s->len, sizeof(s->buf) - s->len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return -2;
	if (n > 0)
		s->len += (size_t)n;
	return n;
}

/* Takes one whole message off the front, framed by its Length field. 1 = message copied to
 * m (LAB_PPTP_MAX_MSG bytes), 0 = need more bytes, -1 = framing lost. */
static inline int
lab_stream_next(struct lab_stream *s, uint8_t *m, size_t *mlen)
{
	size_t len;

	if (s->len < 8)
		return 0;
	len = lab_get16(s->buf);
	if (len < LAB_PPTP_HDR || len > LAB_PPTP_MAX_MSG || lab_get32(s->buf + 4) != LAB_PPTP_MAGIC)
		return -1;
	if (len > s->len)
		return 0;
	memset(m, 0, LAB_PPTP_MAX_MSG);
	memcpy(m, s->buf, len);
	*mlen = len;
	memmove(s->buf, s->buf + len, s->len - len);
	s->len -= len;
	return 1;
}

/* One log entry per control message: direction, type, the Call ID fields, wall time. */
static inline void
lab_log_msg(json_t *arr, const char *dir, const uint8_t *m, size_t len)
{
	uint16_t type = lab_get16(m + 8);
	const struct lab_msg_info *mi = lab_msg_find(type);
	json_t *e;

	if (json_array_size(arr) >= LAB_MSG_LOG_MAX)
		return;
	e = json_pack("{s:s, s:i, s:s, s:i, s:f}", "dir", dir, "type", (int)type, "name",
	              mi ? mi->name : "unknown", "length", (int)len, "t", lab_wall());
	if (mi && mi->call_id_off && len >= (size_t)mi->call_id_off + 2)
		json_object_set_new(e, "call_id", json_integer(lab_get16(m + mi->call_id_off)));
	if (mi && mi->peer_call_id_off && len >= (size_t)mi->peer_call_id_off + 2)
		json_object_set_new(e, "peer_call_id",
		                    json_integer(lab_get16(m + mi->peer_call_id_off)));
	json_array_append_new(arr, e);
}

static inline void
lab_tcp_options(int fd, double timeout)
{
	int one = 1;
	struct timeval tv = {.tv_sec = (time_t)timeout,
	                     .tv_usec = (suseconds_t)((timeout - (double)(time_t)timeout) * 1e6)};

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* ---- Enhanced GRE (RFC 2637 section 4.1) ---- */

#define LAB_GRE_PROTO_PPP 0x880B

/* A GRE packet as a lab peer sees it, from the IPv4 header on. */
struct lab_gre {
	uint32_t src; /* network byte order */
	uint32_t dst;
	bool ip_csum_ok;
	uint16_t key; /* Call ID half of the key */
	bool has_seq;
	bool has_ack;
	uint32_t seq;
	uint32_t ack;
	uint16_t payload_len;
	char tag[LAB_TAG_MAX + 1]; /* "" when the payload is not a lab LCP packet */
	char dir;                  /* 'u' PNS->PAC, 'd' PAC->PNS, 0 unknown */
};

static inline uint16_t
lab_ip_sum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += lab_get16(p + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* PPP frame of a data packet: address/control, protocol LCP, Echo-Request carrying a magic
 * number and the tunnel tag. */
static inline size_t
lab_lcp_build(uint8_t *out, const char *tag, char dir, uint32_t seq)
{
	char data[LAB_LCP_DATA_LEN + 1];

	out[0] = 0xff;
	out[1] = 0x03;
	lab_put16(out + 2, 0xC021);
	out[4] = 9; /* Echo-Request */
	out[5] = (uint8_t)seq;
	lab_put16(out + 6, 8 + LAB_LCP_DATA_LEN);
	lab_put32(out + 8, dir == 'u' ? 0x504E5355u : 0x50414344u); /* "PNSU" / "PACD" */
	memset(data, 0, sizeof(data));
	snprintf(data, sizeof(data), LAB_LCP_PREFIX "%s:%c", tag, dir);
	memcpy(out + 12, data, LAB_LCP_DATA_LEN);
	return 12 + LAB_LCP_DATA_LEN;
}

static inline void
lab_lcp_parse(const uint8_t *p, size_t len, struct lab_gre *g)
{
	char data[LAB_LCP_DATA_LEN + 1];
	const char *colon;
	size_t prefix = strlen(LAB_LCP_PREFIX);
	size_t n;

	g->tag[0] = 0;
	g->dir = 0;
	if (len < 12 + LAB_LCP_DATA_LEN || p[0] != 0xff || p[1] != 0x03 ||
	    lab_get16(p + 2) != 0xC021 || p[4] != 9)
		return;
	memcpy(data, p + 12, LAB_LCP_DATA_LEN);
	data[LAB_LCP_DATA_LEN] = 0;
	if (strncmp(data, LAB_LCP_PREFIX, prefix) != 0)
		return;
	colon = strrchr(data + prefix, ':');
	if (!colon || (colon[1] != 'u' && colon[1] != 'd'))
		return;
	n = (size_t)(colon - (data + prefix));
	if (n == 0 || n > LAB_TAG_MAX)
		return;
	memcpy(g->tag, data + prefix, n);
	g->tag[n] = 0;
	g->dir = colon[1];
}

/* Parses an IPv4 packet carrying Enhanced GRE. 0 = ok, -1 = not IPv4 GRE version 1 PPP. */
static inline int
lab_gre_parse(const uint8_t *p, size_t len, struct lab_gre *g)
{
	size_t ihl, tot, off;
	uint8_t f0, f1;

	memset(g, 0, sizeof(*g));
	if (len < 20 || (p[0] >> 4) != 4 || p[9] != IPPROTO_GRE)
		return -1;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	tot = lab_get16(p + 2);
	if (ihl < 20 || tot < ihl || tot > len)
		return -1;
	g->ip_csum_ok = lab_ip_sum(p, ihl) == 0;
	memcpy(&g->src, p + 12, 4);
	memcpy(&g->dst, p + 16, 4);
	off = ihl;
	if (tot - off < 8)
		return -1;
	f0 = p[off];
	f1 = p[off + 1];
	if ((f1 & 0x07) != 1 || !(f0 & 0x20) || lab_get16(p + off + 2) != LAB_GRE_PROTO_PPP)
		return -1;
	g->payload_len = lab_get16(p + off + 4);
	g->key = lab_get16(p + off + 6);
	off += 8;
	g->has_seq = (f0 & 0x10) != 0;
	g->has_ack = (f1 & 0x80) != 0;
	if (g->has_seq) {
		if (tot - off < 4)
			return -1;
		g->seq = lab_get32(p + off);
		off += 4;
	}
	if (g->has_ack) {
		if (tot - off < 4)
			return -1;
		g->ack = lab_get32(p + off);
		off += 4;
	}
	if (g->payload_len > tot - off)
		return -1;
	lab_lcp_parse(p + off, g->payload_len, g);
	return 0;
}

/* Builds the GRE header and payload (the kernel adds the IPv4 header on a raw socket). */
static inline size_t
lab_gre_build(uint8_t *out, uint16_t key, bool has_seq, uint32_t seq, bool has_ack, uint32_t ack,
              const uint8_t *ppp, size_t ppp_len)
{
	size_t off = 8;

	out[0] = (uint8_t)(0x20 | (has_seq ? 0x10 : 0)); /* K, S */
	out[1] = (uint8_t)((has_ack ? 0x80 : 0) | 1);    /* A, version 1 */
	lab_put16(out + 2, LAB_GRE_PROTO_PPP);
	lab_put16(out + 4, (uint16_t)ppp_len);
	lab_put16(out + 6, key);
	if (has_seq) {
		lab_put32(out + off, seq);
		off += 4;
	}
	if (has_ack) {
		lab_put32(out + off, ack);
		off += 4;
	}
	if (ppp_len)
		memcpy(out + off, ppp, ppp_len);
	return off + ppp_len;
}

/* ---- receive census: what reached this host, grouped ---- */

struct lab_rx_row {
	uint32_t src;
	uint16_t key;
	char tag[LAB_TAG_MAX + 1];
	char dir;
	unsigned data;
	unsigned ack_only;
	unsigned bad_ip_csum;
};

struct lab_rx_table {
	struct lab_rx_row rows[LAB_RX_ROWS];
	size_t n;
	unsigned overflow;
};

static inline void
lab_rx_count(struct lab_rx_table *t, const struct lab_gre *g)
{
	struct lab_rx_row *r = NULL;

	for (size_t i = 0; i < t->n; i++) {
		struct lab_rx_row *c = &t->rows[i];

		if (c->src == g->src && c->key == g->key && c->dir == g->dir &&
		    strcmp(c->tag, g->tag) == 0) {
			r = c;
			break;
		}
	}
	if (!r) {
		if (t->n == LAB_RX_ROWS) {
			t->overflow++;
			return;
		}
		r = &t->rows[t->n++];
		memset(r, 0, sizeof(*r));
		r->src = g->src;
		r->key = g->key;
		r->dir = g->dir;
		memcpy(r->tag, g->tag, sizeof(r->tag));
	}
	if (g->payload_len)
		r->data++;
	else
		r->ack_only++;
	if (!g->ip_csum_ok)
		r->bad_ip_csum++;
}

static inline json_t *
lab_rx_json(const struct lab_rx_table *t)
{
	json_t *arr = json_array();
	char a[INET_ADDRSTRLEN];

	for (size_t i = 0; i < t->n; i++) {
		const struct lab_rx_row *r = &t->rows[i];
		char dir[2] = {r->dir, 0};

		json_array_append_new(arr, json_pack("{s:s, s:i, s:s?, s:s?, s:i, s:i, s:i}", "src",
		                                     lab_ntoa(r->src, a), "key", (int)r->key, "tag",
		                                     r->tag[0] ? r->tag : NULL, "dir",
		                                     r->dir ? dir : NULL, "data", (int)r->data,
		                                     "ack_only", (int)r->ack_only,
		                                     "bad_ip_checksum", (int)r->bad_ip_csum));
	}
	return arr;
}

/* ---- one direction of a call's GRE data exchange ---- */

enum lab_flow_phase {
	LAB_FLOW_IDLE,    /* not started */
	LAB_FLOW_SENDING, /* sending data packets, one per interval */
	LAB_FLOW_DRAIN,   /* all sent; waiting for the peer's data to arrive */
	LAB_FLOW_ACKWAIT, /* own ack-only sent; waiting briefly for the peer's */
	LAB_FLOW_DONE,
};

/* Pace and patience of the data exchange: small enough for a lab run of a few seconds per
 * scenario, large enough that a veth pair never drops or reorders under it. */
#define LAB_GRE_INTERVAL 0.01
#define LAB_GRE_DRAIN 0.8
#define LAB_GRE_ACKWAIT 0.3

struct lab_flow {
	uint16_t tx_key; /* the peer's Call ID: the key of every packet we send */
	char tag[LAB_TAG_MAX + 1];
	char dir; /* of what we send */
	unsigned count;
	enum lab_flow_phase phase;
	uint32_t next_seq;
	bool rx_any;
	uint32_t rx_max_seq;
	bool ack_due; /* received data not acknowledged yet */
	bool tx_acked_any;
	uint32_t tx_max_ack;
	unsigned data_sent;
	unsigned ack_only_sent;
	unsigned data_rx;
	unsigned ack_only_rx;
	double t_next;
	double t_deadline;
	double t_first_tx;
	double t_last_rx;
};

static inline void
lab_flow_start(struct lab_flow *f, double now)
{
	if (f->phase != LAB_FLOW_IDLE)
		return;
	f->phase = LAB_FLOW_SENDING;
	f->t_next = now;
	f->t_first_tx = lab_wall();
}

static inline int
lab_flow_send(struct lab_flow *f, int raw, uint32_t dst_be, bool data)
{
	uint8_t ppp[64];
	uint8_t pkt[128];
	size_t plen = 0;
	size_t len;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = dst_be};
	bool ack = f->rx_any && (f->ack_due || !data);

	if (data)
		plen = lab_lcp_build(ppp, f->tag, f->dir, f->next_seq);
	len = lab_gre_build(pkt, f->tx_key, data, f->next_seq, ack, f->rx_max_seq, ppp, plen);
	if (sendto(raw, pkt, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	if (ack)
		f->ack_due = false;
	if (data) {
		f->next_seq++;
		f->data_sent++;
	} else {
		f->ack_only_sent++;
	}
	return 0;
}

/* Sends what is due and advances the phase; returns when it next wants to run. */
static inline double
lab_flow_tick(struct lab_flow *f, int raw, uint32_t dst_be, double now)
{
	switch (f->phase) {
	case LAB_FLOW_IDLE:
	case LAB_FLOW_DONE:
		return now + 1.0;
	case LAB_FLOW_SENDING:
		if (now < f->t_next)
			return f->t_next;
		lab_flow_send(f, raw, dst_be, true);
		f->t_next = now + LAB_GRE_INTERVAL;
		if (f->data_sent >= f->count) {
			f->phase = LAB_FLOW_DRAIN;
			f->t_deadline = now + LAB_GRE_DRAIN;
		}
		return f->t_next;
	case LAB_FLOW_DRAIN:
		/* Wait for the peer's data, then acknowledge the last of it once more with an
		 * ack-only packet, as a PPTP peer does when it has nothing to send. */
		if (f->data_rx < f->count && now < f->t_deadline)
			return f->t_deadline < now + 0.02 ? f->t_deadline : now + 0.02;
		if (f->rx_any)
			lab_flow_send(f, raw, dst_be, false);
		f->phase = LAB_FLOW_ACKWAIT;
		f->t_deadline = now + LAB_GRE_ACKWAIT;
		return now;
	case LAB_FLOW_ACKWAIT:
		if ((f->ack_only_rx == 0 || f->data_rx < f->count) && now < f->t_deadline)
			return f->t_deadline < now + 0.02 ? f->t_deadline : now + 0.02;
		f->phase = LAB_FLOW_DONE;
		return now + 1.0;
	}
	return now + 1.0;
}

/* A packet of this call arrived (right key, and the right tag for data packets). */
static inline void
lab_flow_rx(struct lab_flow *f, const struct lab_gre *g)
{
	if (g->has_seq && g->payload_len) {
		f->data_rx++;
		if (!f->rx_any || g->seq > f->rx_max_seq)
			f->rx_max_seq = g->seq;
		f->rx_any = true;
		f->ack_due = true;
	} else {
		f->ack_only_rx++;
	}
	if (g->has_ack && (!f->tx_acked_any || g->ack > f->tx_max_ack)) {
		f->tx_max_ack = g->ack;
		f->tx_acked_any = true;
	}
	f->t_last_rx = lab_wall();
}

static inline json_t *
lab_flow_json(const struct lab_flow *f)
{
	return json_pack(
	    "{s:i, s:i, s:i, s:i, s:i, s:o, s:o, s:f}", "tx_key", (int)f->tx_key, "data_sent",
	    (int)f->data_sent, "ack_only_sent", (int)f->ack_only_sent, "data_received",
	    (int)f->data_rx, "ack_only_received", (int)f->ack_only_rx, "highest_seq_received",
	    f->rx_any ? json_integer(f->rx_max_seq) : json_null(), "highest_ack_received",
	    f->tx_acked_any ? json_integer(f->tx_max_ack) : json_null(), "t_first_tx",
	    f->t_first_tx);
}

/* ---- sockets ---- */

/* Raw GRE socket: the kernel builds the IPv4 header on send and hands us every GRE packet
 * addressed to this host, IPv4 header included, on receive. */
static inline int
lab_raw_gre(void)
{
	return socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_GRE);
}

/* Packet socket: sees frames as they arrive on the link, before the IP layer validates the
 * header checksum, so a peer can log GRE its own stack then threw away. */
static inline int
lab_tap(void)
{
	return socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK, htons(ETH_P_IP));
}

/* Reads one frame from the tap; 1 = an incoming GRE packet to `me` was parsed into g. */
static inline int
lab_tap_read(int fd, uint32_t me, struct lab_gre *g)
{
	uint8_t pkt[LAB_PKT_MAX];
	struct sockaddr_ll sll;
	socklen_t sl = sizeof(sll);
	ssize_t n = recvfrom(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&sll, &sl);

	if (n <= 0 || sll.sll_pkttype == PACKET_OUTGOING)
		return n < 0 ? -1 : 0;
	if (lab_gre_parse(pkt, (size_t)n, g) != 0 || g->dst != me)
		return 0;
	return 1;
}

static inline int
lab_raw_read(int fd, uint32_t me, struct lab_gre *g)
{
	uint8_t pkt[LAB_PKT_MAX];
	ssize_t n = recv(fd, pkt, sizeof(pkt), 0);

	if (n <= 0)
		return n < 0 ? -1 : 0;
	if (lab_gre_parse(pkt, (size_t)n, g) != 0 || g->dst != me)
		return 0;
	return 1;
}

static inline int
lab_write_json(json_t *j, const char *path)
{
	return json_dump_file(j, path, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
}

static inline long
lab_num(const char *prog, const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *end || v < lo || v > hi)
		lab_die(prog, "bad number '%s' (range %ld..%ld)", s, lo, hi);
	return v;
}

#endif /* LAB_H */
