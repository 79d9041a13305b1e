/*
 * PPTP control connections: TCP demultiplexing, reassembly and framing
 * (RFC 2637 section 2: messages are framed by Length alone, so one segment
 * may carry several messages and one message may span segments; tshark,
 * tcpdump and the Linux helper read one message per segment, this must
 * not).  Bytes are never guessed across a gap: the framer resynchronises on
 * the magic cookie after one.
 */
#include "control.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "map.h"
#include "pptp.h"
#include "stream.h"

/* Framing buffer: a partial message plus one whole one. */
#define FRAMER_CAP (2 * PPTP_MAX_MESSAGE_LEN)

struct framer {
	uint8_t buf[FRAMER_CAP];
	size_t len;
	uint64_t tried;  /* bytes examined with no valid message yet */
	bool synced;     /* a message was framed since the last gap */
	bool from_start; /* the direction's SYN was seen: its first byte is a header */
	bool gave_up;
	struct frame_ref first; /* frame of the first buffered byte */
};

struct direction {
	struct stream *stream;
	struct framer *framer;
	uint64_t failed_dropped; /* the stream's count when its last gap was reported */
};

struct ctl_conn {
	struct addr a, b; /* a: the side that sent the first packet seen */
	uint16_t a_port, b_port;
	uint32_t conn; /* index in tunnels, NO_INDEX when not recorded */
	bool a_is_client;
	bool open; /* has reassembly state */
	bool fin[2];
	bool syn_seen; /* a SYN from a (the client) fixed syn_seq */
	uint32_t syn_seq;
	uint64_t last_seen;      /* frame counter of the last segment, for eviction */
	struct direction dir[2]; /* 0: a -> b, 1: b -> a */
	struct control *owner;
	int cur_dir;
};

struct control {
	struct tunnels *t;
	struct diag *d;
	struct map by_tuple;
	struct ctl_conn *conns;
	uint32_t nconns, cap;
	uint32_t nopen;
	uint64_t tick;
	uint64_t gaps;
	/* File of the segment being processed.  Out-of-order bytes delivered
	 * later are attributed to the file current then: with rotated files
	 * a message completed across a file boundary names the later file. */
	uint32_t cur_file;
	bool any_nonstandard_port;
};

struct control *
control_new(struct tunnels *t, struct diag *d)
{
	struct control *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->t = t;
	c->d = d;
	map_init(&c->by_tuple, TUNNEL_MAX_CONNS);
	return c;
}

static void
close_conn(struct control *c, struct ctl_conn *cc)
{
	int i;

	if (!cc->open)
		return;
	for (i = 0; i < 2; i++) {
		stream_free(cc->dir[i].stream);
		free(cc->dir[i].framer);
		cc->dir[i].stream = NULL;
		cc->dir[i].framer = NULL;
		cc->dir[i].failed_dropped = 0;
	}
	cc->open = false;
	c->nopen--;
}

void
control_free(struct control *c)
{
	uint32_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nconns; i++)
		close_conn(c, &c->conns[i]);
	free(c->conns);
	map_free(&c->by_tuple);
	free(c);
}

uint64_t
control_gaps(const struct control *c)
{
	return c->gaps;
}

static uint64_t
tuple_key(const struct addr *a, uint16_t ap, const struct addr *b, uint16_t bp)
{
	/* Order-independent: both directions find the same connection. */
	uint64_t x = hash_mix64(addr_hash(a, ap) + ap);
	uint64_t y = hash_mix64(addr_hash(b, bp) + bp);

	return hash_mix64(x ^ y) ^ (x + y);
}

/* Does this payload start like a PPTP control message? */
static bool
looks_like_pptp(const uint8_t *p, size_t len)
{
	size_t mlen;

	return len >= 8 && pptp_frame(p, len, &mlen) != PARSE_INVALID;
}

/* Control evidence of this connection may be missing or wrong. */
static void
mark_damaged(struct ctl_conn *cc)
{
	if (cc->conn != NO_INDEX)
		cc->owner->t->conns[cc->conn].damaged = true;
}

static void
deliver_message(struct ctl_conn *cc, int dir, const uint8_t *p, size_t len, bool split,
                const struct frame_ref *where)
{
	struct control *c = cc->owner;
	struct pptp_msg m;
	enum parse_status st = pptp_parse(p, len, &m);
	bool from_client = (dir == 0) == cc->a_is_client;

	if (st != PARSE_OK) {
		diag_add(c->d, CODE_PPTP_MALFORMED, where, "control message (%zu bytes): %s", len,
		         parse_status_name(st));
		mark_damaged(cc);
		return;
	}
	if (m.warnings & PPTP_WARN_LENGTH)
		diag_add(c->d, CODE_PPTP_NONSTANDARD, where, "%s with Length %u (RFC 2637: %u)",
		         m.info->abbrev, m.length, m.info->length);
	if (m.warnings & (PPTP_WARN_RESERVED | PPTP_WARN_MSG_TYPE))
		diag_add(c->d, CODE_PPTP_NONSTANDARD, where,
		         "%s with a non-zero reserved field or message type %u", m.info->abbrev,
		         m.pptp_msg_type);
	if (cc->conn != NO_INDEX && split)
		c->t->conns[cc->conn].split_messages++;
	if (cc->conn != NO_INDEX)
		tunnels_on_message(c->t, c->d, cc->conn, from_client, p, len, &m, where);
}

/* carried: bytes buffered from earlier segments; a message starting among
 * them ends in this one (split across segments). */
static void
framer_run(struct ctl_conn *cc, int dir, size_t carried, const struct frame_ref *where)
{
	struct framer *f = cc->dir[dir].framer;
	size_t off = 0;

	while (off < f->len && !f->gave_up) {
		size_t mlen = 0;
		enum parse_status st = pptp_frame(f->buf + off, f->len - off, &mlen);

		if (st == PARSE_OK && mlen >= PPTP_HEADER_LEN && mlen <= f->len - off) {
			deliver_message(cc, dir, f->buf + off, mlen, off < carried, where);
			off += mlen;
			f->synced = true;
			f->tried = 0;
		} else if (st == PARSE_TRUNCATED) {
			break;
		} else {
			size_t skip = pptp_resync(f->buf + off, f->len - off);

			if (skip == 0 || skip > f->len - off)
				skip = f->len - off;
			/* Joining a connection mid-stream is normal; losing the
			 * framing of a stream seen from its start is damage. */
			if (f->tried == 0 && !f->synced && !f->from_start)
				diag_add(cc->owner->d, CODE_CONTROL_MIDSTREAM, where,
				         "capture joins a control connection mid-stream; %zu bytes "
				         "skipped to the first PPTP header",
				         skip);
			else if (f->synced || f->tried == 0) {
				diag_add(cc->owner->d, CODE_PPTP_RESYNC, where,
				         "no PPTP header here; skipping %zu bytes to find one",
				         skip);
				mark_damaged(cc);
			}
			f->synced = false;
			f->tried += skip;
			off += skip;
			if (f->tried >= CONTROL_GIVE_UP_BYTES)
				f->gave_up = true;
		}
	}
	memmove(f->buf, f->buf + off, f->len - off);
	f->len -= off;
}

static void
on_data(void *ctx, const uint8_t *p, size_t len, uint64_t frame, ts_ns_t ts)
{
	struct ctl_conn *cc = ctx;
	int dir = cc->cur_dir;
	struct framer *f = cc->dir[dir].framer;
	struct frame_ref where = {cc->owner->cur_file, frame, ts};

	size_t carried = f != NULL ? f->len : 0;

	while (len > 0 && f != NULL && !f->gave_up) {
		size_t n = FRAMER_CAP - f->len;

		if (n > len)
			n = len;
		memcpy(f->buf + f->len, p, n);
		f->len += n;
		p += n;
		len -= n;
		framer_run(cc, dir, carried, &where);
		carried = 0; /* later chunks of the same segment */
		if (f->len == FRAMER_CAP) /* cannot happen: framer_run consumes a full buffer */
			f->len = 0;
	}
}

static void
on_gap(void *ctx, uint64_t missing, uint64_t frame, ts_ns_t ts)
{
	struct ctl_conn *cc = ctx;
	struct direction *d = &cc->dir[cc->cur_dir];
	struct framer *f = d->framer;
	struct frame_ref where = {cc->owner->cur_file, frame, ts};
	uint64_t failed = d->stream != NULL ? stream_stats(d->stream)->failed_dropped : 0;

	cc->owner->gaps++;
	mark_damaged(cc);
	/* Copies dropped for a wrong checksum since the last gap: the bytes were there. */
	diag_add(cc->owner->d, CODE_TCP_GAP, &where,
	         "%llu bytes of the control connection %s; %zu buffered bytes dropped",
	         (unsigned long long)missing,
	         failed != d->failed_dropped ? "captured only in copies whose TCP checksum is wrong"
	                                     : "missing",
	         f != NULL ? f->len : 0);
	d->failed_dropped = failed;
	if (f != NULL) {
		/* A partial message before a gap can never be completed. */
		f->len = 0;
		f->synced = false;
	}
}

static void
on_conflict(void *ctx, uint64_t frame, ts_ns_t ts)
{
	struct ctl_conn *cc = ctx;
	struct frame_ref where = {cc->owner->cur_file, frame, ts};

	diag_add(cc->owner->d, CODE_TCP_CONFLICT, &where,
	         "retransmitted bytes differ from the first copy, and the checksums do not tell "
	         "which is right (both or neither verify); the first copy was used");
	mark_damaged(cc);
}

/*
 * How far this copy of a segment can be trusted.  Only a wrong TCP checksum
 * (one that is not an offload pattern) makes it a failed copy: a wrong
 * IPv4 header checksum alone says the header was damaged, not the bytes
 * the TCP checksum vouches for, so that copy is only unverified.
 */
static enum stream_copy
copy_of_segment(const struct ip_packet *ip, const struct tcp_segment *tcp)
{
	enum tcp_checksum ck;

	if (tcp->payload == NULL || tcp->header_len < 20)
		return STREAM_COPY_UNVERIFIED;
	ck = tcp_checksum_verify(ip, tcp->payload - tcp->header_len,
	                         tcp->header_len + tcp->payload_len);
	switch (ck) {
	case TCP_CHECKSUM_OK:
		return ip->checksum_ok ? STREAM_COPY_VERIFIED : STREAM_COPY_UNVERIFIED;
	case TCP_CHECKSUM_BAD:
		return STREAM_COPY_FAILED;
	case TCP_CHECKSUM_OFFLOAD:
	case TCP_CHECKSUM_UNVERIFIABLE:
		break;
	}
	return STREAM_COPY_UNVERIFIED;
}

static bool
open_conn(struct control *c, struct ctl_conn *cc)
{
	int i;

	if (cc->open)
		return true;
	if (c->nopen >= CONTROL_MAX_OPEN) {
		/* Close the least recently active connection to make room. */
		struct ctl_conn *victim = NULL;
		uint32_t k;

		for (k = 0; k < c->nconns; k++)
			if (c->conns[k].open &&
			    (victim == NULL || c->conns[k].last_seen < victim->last_seen))
				victim = &c->conns[k];
		if (victim != NULL)
			close_conn(c, victim);
	}
	for (i = 0; i < 2; i++) {
		cc->dir[i].stream = stream_new();
		cc->dir[i].framer = calloc(1, sizeof(struct framer));
		if (cc->dir[i].stream == NULL || cc->dir[i].framer == NULL) {
			cc->open = true;
			c->nopen++;
			close_conn(c, cc);
			return false;
		}
	}
	cc->open = true;
	c->nopen++;
	return true;
}

static void
restart_conn(struct control *c, struct ctl_conn *cc, const struct ip_packet *ip,
             const struct tcp_segment *tcp, const struct frame_ref *where)
{
	close_conn(c, cc);
	if (cc->conn != NO_INDEX)
		tunnels_conn_closed(c->t, cc->conn, where);
	cc->a = ip->src;
	cc->b = ip->dst;
	cc->a_port = tcp->sport;
	cc->b_port = tcp->dport;
	cc->a_is_client = true;
	cc->fin[0] = cc->fin[1] = false;
	cc->conn = tunnels_add_conn(c->t, &cc->a, cc->a_port, &cc->b, cc->b_port, where);
	if (cc->conn == NO_INDEX)
		diag_add(c->d, CODE_LIMIT_REACHED, where,
		         "control connection not recorded: %u connections already",
		         TUNNEL_MAX_CONNS);
}

static struct ctl_conn *
find_or_add(struct control *c, const struct ip_packet *ip, const struct tcp_segment *tcp,
            const struct frame_ref *where, bool may_add)
{
	uint64_t key = tuple_key(&ip->src, tcp->sport, &ip->dst, tcp->dport);
	uint32_t idx;
	struct ctl_conn *cc;

	if (map_get(&c->by_tuple, key, &idx) && idx < c->nconns) {
		cc = &c->conns[idx];
		if ((addr_eq(&cc->a, &ip->src) && cc->a_port == tcp->sport &&
		     addr_eq(&cc->b, &ip->dst) && cc->b_port == tcp->dport) ||
		    (addr_eq(&cc->b, &ip->src) && cc->b_port == tcp->sport &&
		     addr_eq(&cc->a, &ip->dst) && cc->a_port == tcp->dport))
			return cc;
	}
	if (!may_add)
		return NULL;
	if (c->nconns == c->cap) {
		uint32_t ncap = c->cap != 0 ? c->cap * 2 : 16;
		struct ctl_conn *p;

		if (c->cap >= TUNNEL_MAX_CONNS) {
			diag_add(c->d, CODE_LIMIT_REACHED, where,
			         "control connection not tracked: %u connections already",
			         TUNNEL_MAX_CONNS);
			return NULL;
		}
		if (ncap > TUNNEL_MAX_CONNS)
			ncap = TUNNEL_MAX_CONNS;
		p = realloc(c->conns, (size_t)ncap * sizeof(*p));
		if (p == NULL)
			return NULL;
		c->conns = p;
		c->cap = ncap;
	}
	cc = &c->conns[c->nconns];
	memset(cc, 0, sizeof(*cc));
	cc->a = ip->src;
	cc->b = ip->dst;
	cc->a_port = tcp->sport;
	cc->b_port = tcp->dport;
	cc->owner = c;
	/* The client is the SYN's sender; without a SYN, the side not on 1723. */
	if ((tcp->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN)
		cc->a_is_client = true;
	else if ((tcp->flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
		cc->a_is_client = false;
	else
		cc->a_is_client = tcp->dport == TCP_PORT_PPTP || tcp->sport != TCP_PORT_PPTP;
	cc->conn = cc->a_is_client
	               ? tunnels_add_conn(c->t, &cc->a, cc->a_port, &cc->b, cc->b_port, where)
	               : tunnels_add_conn(c->t, &cc->b, cc->b_port, &cc->a, cc->a_port, where);
	if (cc->conn == NO_INDEX)
		diag_add(c->d, CODE_LIMIT_REACHED, where,
		         "control connection not recorded: %u connections already",
		         TUNNEL_MAX_CONNS);
	if (!map_put(&c->by_tuple, key, c->nconns))
		return NULL;
	c->nconns++;
	return cc;
}

void
control_segment(struct control *c, const struct ip_packet *ip, const struct tcp_segment *tcp,
                const struct frame_ref *where)
{
	bool pptp_port = tcp->sport == TCP_PORT_PPTP || tcp->dport == TCP_PORT_PPTP;
	struct ctl_conn *cc;
	int dir;
	struct stream_sink sink;

	c->cur_file = where->file;
	if (!pptp_port && !c->any_nonstandard_port &&
	    !looks_like_pptp(tcp->payload, tcp->payload_len))
		return;
	cc = find_or_add(c, ip, tcp, where,
	                 pptp_port || looks_like_pptp(tcp->payload, tcp->payload_len));
	if (cc == NULL)
		return;
	if (!pptp_port)
		c->any_nonstandard_port = true;
	if (cc->conn != NO_INDEX) {
		c->t->conns[cc->conn].last = *where;
	}
	cc->last_seen = ++c->tick;
	if ((tcp->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
		/* A new SYN on a known 4-tuple (another ISN) opens a new connection:
		 * clients behind a NAT reuse source ports, and stream.c drops
		 * segments far from the old sequence space. */
		if (cc->syn_seen && tcp->seq != cc->syn_seq)
			restart_conn(c, cc, ip, tcp, where);
		cc->syn_seen = true;
		cc->syn_seq = tcp->seq;
	}
	dir = addr_eq(&cc->a, &ip->src) && cc->a_port == tcp->sport ? 0 : 1;
	if (cc->fin[0] && cc->fin[1] && !cc->open)
		return; /* late retransmission after a clean close */
	if (!open_conn(c, cc))
		return;
	cc->cur_dir = dir;
	if ((tcp->flags & TCP_SYN) && cc->dir[dir].framer != NULL)
		cc->dir[dir].framer->from_start = true;
	sink.data = on_data;
	sink.gap = on_gap;
	sink.conflict = on_conflict;
	sink.ctx = cc;
	stream_segment_copy(cc->dir[dir].stream, &sink, tcp->seq, tcp->flags, tcp->payload,
	                    tcp->payload_len, copy_of_segment(ip, tcp), where->frame, where->ts);
	if (tcp->flags & TCP_ACK) {
		/* The peer's ACK tells which holes the capture alone missed. */
		cc->cur_dir = !dir;
		stream_acked(cc->dir[!dir].stream, &sink, tcp->ack);
		cc->cur_dir = dir;
	}
	if (tcp->flags & (TCP_FIN | TCP_RST))
		cc->fin[dir] = true;
	if (tcp->flags & TCP_RST)
		cc->fin[!dir] = true;
	if (cc->fin[0] && cc->fin[1]) {
		int i;

		for (i = 0; i < 2; i++) {
			cc->cur_dir = i;
			stream_flush(cc->dir[i].stream, &sink);
		}
		close_conn(c, cc);
		if (cc->conn != NO_INDEX)
			tunnels_conn_closed(c->t, cc->conn, where);
	}
}

void
control_finish(struct control *c)
{
	uint32_t k;

	for (k = 0; k < c->nconns; k++) {
		struct ctl_conn *cc = &c->conns[k];
		struct stream_sink sink = {on_data, on_gap, on_conflict, cc};
		int i;

		if (!cc->open)
			continue;
		for (i = 0; i < 2; i++) {
			cc->cur_dir = i;
			stream_flush(cc->dir[i].stream, &sink);
		}
		close_conn(c, cc);
	}
}
