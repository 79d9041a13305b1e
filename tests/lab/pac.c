/* Lab PAC: a PPTP server (RFC 2637 sections 2 and 4) listening on TCP 1723 for the lab's
 * PNSs; answers the control messages, exchanges Enhanced GRE per call, and logs, as JSON,
 * what it received (the Call IDs after the NAT) and what it sent.
 *
 * Serves any number of control connections at once from one poll loop, and exits when
 * `conns` connections have come and gone (or at the deadline). Its own Call IDs start at
 * --first-call-id (0x4A01: not symmetric in its two bytes, so a byte-order bug shows).
 *
 * Divergences, on purpose: with --send-sli it also sends Set-Link-Info to the PNS after each
 * Outgoing-Call-Reply, naming the PNS's Call ID, as Microsoft's PAC does; a Set-Link-Info
 * naming a Call ID it does not know is logged, not refused; its GRE data starts when the
 * PNS's first GRE of the call arrives, or 300 ms after the reply, whichever is first.
 */
#include "lab.h"

#include <fcntl.h>
#include <getopt.h>

#define PROG "pac"
/* Control connections served at once: the lab runs at most three clients. */
#define PAC_MAX_CONNS 8
/* Calls over the whole run: clients x calls x rounds of the largest scenario, with room. */
#define PAC_MAX_CALLS 32
/* A PAC does not wait for the PNS forever before it starts its own LCP; long enough that a
 * PNS placing two calls back to back (pns --burst) has both answered before any GRE. */
#define PAC_GRE_START_DELAY 0.3

struct pac_conn {
	int fd;
	bool used;
	bool open;
	uint32_t peer_be;
	uint16_t peer_port;
	struct lab_stream in;
	json_t *msgs;
	char host[65];
	double t_open;
	double t_close;
	bool echo_reply_ok;
	bool stop_received;
};

struct pac_call {
	int conn;
	char tag[LAB_TAG_MAX + 1];
	uint16_t call_id;
	uint16_t ocrq_call_id; /* the PNS's Call ID as it arrived here */
	uint16_t serial;
	uint32_t peer_be;
	json_t *sli_received;
	bool sli_sent;
	bool ccrq_received;
	uint16_t ccrq_call_id;
	bool ccrq_matched;
	bool cdn_sent;
	uint16_t cdn_call_id;
	bool cleared;
	double t_gre_start;
	struct lab_flow flow;
	double t_start;
	double t_end;
};

struct pac {
	int conns_expected;
	int conns_closed;
	bool split;
	bool send_sli;
	unsigned gre_count;
	uint16_t next_call_id;
	const char *log_path;
	const char *ready_path;
	double deadline;
	uint32_t me_be;
	int lfd;
	int raw;
	int tap;
	struct pac_conn conn[PAC_MAX_CONNS];
	int nconns;
	struct pac_call call[PAC_MAX_CALLS];
	int ncalls;
	struct lab_rx_table rx;
	struct lab_rx_table wire;
	json_t *errors;
	json_t *sli_unmatched;
	json_t *ccrq_unmatched;
};

static void
pac_error(struct pac *s, const char *what)
{
	json_array_append_new(s->errors, json_string(what));
	fprintf(stderr, PROG ": %s\n", what);
}

static void
pac_send(struct pac *s, struct pac_conn *c, const uint8_t *m, size_t len)
{
	lab_log_msg(c->msgs, "sent", m, len);
	if (lab_send_msg(c->fd, m, len, s->split) != 0)
		pac_error(s, "control send failed");
}

static void
pac_close(struct pac *s, struct pac_conn *c)
{
	if (!c->open)
		return;
	close(c->fd);
	c->open = false;
	c->t_close = lab_wall();
	s->conns_closed++;
	/* Calls die with their control connection (RFC 2637 section 2.4). */
	for (int i = 0; i < s->ncalls; i++) {
		struct pac_call *k = &s->call[i];

		if (&s->conn[k->conn] == c && !k->cleared) {
			k->cleared = true;
			k->flow.phase = LAB_FLOW_DONE;
			k->t_end = lab_wall();
		}
	}
}

/* The call on this connection that a PNS message names, by the Call ID the PNS uses. */
static struct pac_call *
pac_call_by_pns_id(struct pac *s, int conn, uint16_t pns_id)
{
	for (int i = s->ncalls - 1; i >= 0; i--)
		if (s->call[i].conn == conn && !s->call[i].cleared &&
		    s->call[i].ocrq_call_id == pns_id)
			return &s->call[i];
	return NULL;
}

static struct pac_call *
pac_call_by_own_id(struct pac *s, int conn, uint16_t own)
{
	for (int i = s->ncalls - 1; i >= 0; i--)
		if (s->call[i].call_id == own && (conn < 0 || s->call[i].conn == conn))
			return &s->call[i];
	return NULL;
}

static struct pac_call *
pac_latest_call(struct pac *s, int conn)
{
	for (int i = s->ncalls - 1; i >= 0; i--)
		if (s->call[i].conn == conn && !s->call[i].cleared)
			return &s->call[i];
	return NULL;
}

static void
pac_ocrq(struct pac *s, struct pac_conn *c, const uint8_t *m)
{
	uint8_t r[LAB_PPTP_MAX_MSG];
	size_t len;
	struct pac_call *k;

	if (s->ncalls == PAC_MAX_CALLS) {
		pac_error(s, "too many calls");
		return;
	}
	k = &s->call[s->ncalls++];
	memset(k, 0, sizeof(*k));
	k->conn = (int)(c - s->conn);
	k->call_id = s->next_call_id++;
	k->ocrq_call_id = lab_get16(m + 12);
	k->serial = lab_get16(m + 14);
	k->peer_be = c->peer_be;
	memcpy(k->tag, m + 104, LAB_TAG_MAX);
	k->tag[LAB_TAG_MAX] = 0;
	k->sli_received = json_array();
	k->t_start = lab_wall();

	len = lab_msg_init(r, LAB_OCRP);
	lab_put16(r + 12, k->call_id);
	lab_put16(r + 14, k->ocrq_call_id);
	r[16] = 1;                   /* result: connected */
	lab_put32(r + 20, 10000000); /* connect speed */
	lab_put16(r + 24, 64);       /* packet receive window */
	pac_send(s, c, r, len);
	if (s->send_sli) {
		len = lab_msg_init(r, LAB_SLI);
		lab_put16(r + 12, k->ocrq_call_id);
		lab_put32(r + 16, 0xffffffffu);
		lab_put32(r + 20, 0xffffffffu);
		pac_send(s, c, r, len);
		k->sli_sent = true;
	}
	k->flow.tx_key = k->ocrq_call_id;
	memcpy(k->flow.tag, k->tag, sizeof(k->tag));
	k->flow.dir = 'd';
	k->flow.count = s->gre_count;
	k->t_gre_start = lab_mono() + PAC_GRE_START_DELAY;
}

static void
pac_control_in(struct pac *s, struct pac_conn *c, const uint8_t *m, size_t len)
{
	uint16_t type = lab_get16(m + 8);
	int ci = (int)(c - s->conn);
	uint8_t r[LAB_PPTP_MAX_MSG];
	size_t rl;
	struct pac_call *k;

	lab_log_msg(c->msgs, "received", m, len);
	switch (type) {
	case LAB_SCCRQ:
		memcpy(c->host, m + 28, 64);
		c->host[64] = 0;
		rl = lab_msg_init(r, LAB_SCCRP);
		lab_put16(r + 12, 0x0100);
		r[14] = 1; /* result: channel established */
		lab_put32(r + 16, 3);
		lab_put32(r + 20, 3);
		lab_put16(r + 24, 1);
		lab_put16(r + 26, 0x0001);
		lab_put_str(r + 28, 64, "pnclab-pac");
		lab_put_str(r + 92, 64, "pnclab-pac");
		pac_send(s, c, r, rl);
		/* Keepalive the other way too, so both directions carry an Echo. */
		rl = lab_msg_init(r, LAB_ECHORQ);
		lab_put32(r + 12, 0x1000u + (uint32_t)ci);
		pac_send(s, c, r, rl);
		break;
	case LAB_ECHORQ:
		rl = lab_msg_init(r, LAB_ECHORP);
		memcpy(r + 12, m + 12, 4);
		r[16] = 1;
		pac_send(s, c, r, rl);
		break;
	case LAB_ECHORP:
		c->echo_reply_ok = m[16] == 1;
		break;
	case LAB_OCRQ:
		pac_ocrq(s, c, m);
		break;
	case LAB_SLI:
		/* Per RFC 2637 the Peer's Call ID of an SLI from the PNS is our own Call ID. */
		k = pac_call_by_own_id(s, ci, lab_get16(m + 12));
		if (!k) {
			k = pac_latest_call(s, ci);
			json_array_append_new(s->sli_unmatched,
			                      json_pack("{s:i, s:i, s:s?}", "conn", ci,
			                                "peer_call_id", (int)lab_get16(m + 12),
			                                "attributed_to", k ? k->tag : NULL));
		}
		if (k)
			json_array_append_new(
			    k->sli_received,
			    json_pack("{s:i, s:b, s:f}", "peer_call_id", (int)lab_get16(m + 12),
			              "matched", k->call_id == lab_get16(m + 12), "t", lab_wall()));
		break;
	case LAB_CCRQ:
		k = pac_call_by_pns_id(s, ci, lab_get16(m + 12));
		if (!k) {
			k = pac_latest_call(s, ci);
			json_array_append_new(s->ccrq_unmatched,
			                      json_pack("{s:i, s:i, s:s?}", "conn", ci, "call_id",
			                                (int)lab_get16(m + 12), "attributed_to",
			                                k ? k->tag : NULL));
		} else {
			k->ccrq_matched = true;
		}
		if (!k)
			break;
		k->ccrq_received = true;
		k->ccrq_call_id = lab_get16(m + 12);
		k->cleared = true;
		k->flow.phase = LAB_FLOW_DONE;
		rl = lab_msg_init(r, LAB_CDN);
		lab_put16(r + 12, k->call_id); /* RFC 2637: the PAC's own Call ID */
		r[14] = 4;                     /* result: call cleared by request */
		pac_send(s, c, r, rl);
		k->cdn_sent = true;
		k->cdn_call_id = k->call_id;
		k->t_end = lab_wall();
		break;
	case LAB_STOPCCRQ:
		c->stop_received = true;
		rl = lab_msg_init(r, LAB_STOPCCRP);
		r[12] = 1; /* OK */
		pac_send(s, c, r, rl);
		break;
	default:
		break;
	}
}

static void
pac_gre_in(struct pac *s, const struct lab_gre *g)
{
	struct pac_call *k;

	lab_rx_count(&s->rx, g);
	k = pac_call_by_own_id(s, -1, g->key);
	if (!k || k->cleared || g->src != k->peer_be ||
	    (g->payload_len && strcmp(g->tag, k->tag) != 0))
		return;
	lab_flow_rx(&k->flow, g);
	lab_flow_start(&k->flow, lab_mono());
}

static void
pac_accept(struct pac *s)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd = accept(s->lfd, (struct sockaddr *)&sa, &sl);
	struct pac_conn *c;

	if (fd < 0)
		return;
	if (s->nconns == PAC_MAX_CONNS) {
		pac_error(s, "too many connections");
		close(fd);
		return;
	}
	c = &s->conn[s->nconns++];
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->used = c->open = true;
	c->peer_be = sa.sin_addr.s_addr;
	c->peer_port = ntohs(sa.sin_port);
	c->msgs = json_array();
	c->t_open = lab_wall();
	lab_tcp_options(fd, 3.0);
	if (s->me_be == 0 && getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
		s->me_be = sa.sin_addr.s_addr;
}

static void
pac_conn_in(struct pac *s, struct pac_conn *c)
{
	uint8_t m[LAB_PPTP_MAX_MSG];
	size_t len;
	ssize_t n = lab_stream_read(c->fd, &c->in);
	int got;

	if (n == -2)
		return;
	if (n <= 0) {
		if (!c->stop_received)
			pac_error(s, n == 0 ? "connection closed before Stop-Control-Connection"
			                    : "connection read error");
		pac_close(s, c);
		return;
	}
	while ((got = lab_stream_next(&c->in, m, &len)) == 1)
		pac_control_in(s, c, m, len);
	if (got < 0) {
		pac_error(s, "control framing lost");
		pac_close(s, c);
	}
}

static void
pac_loop(struct pac *s)
{
	double drain_until = 0;

	for (;;) {
		struct pollfd pfd[PAC_MAX_CONNS + 3];
		int map[PAC_MAX_CONNS + 3];
		nfds_t n = 0;
		double now = lab_mono();
		double next = now + 0.05;
		bool busy = false;

		for (int i = 0; i < s->ncalls; i++) {
			struct pac_call *k = &s->call[i];
			double t;

			if (!k->cleared && k->flow.phase == LAB_FLOW_IDLE && now >= k->t_gre_start)
				lab_flow_start(&k->flow, now);
			t = lab_flow_tick(&k->flow, s->raw, k->peer_be, now);
			if (k->flow.phase != LAB_FLOW_DONE && !k->cleared) {
				busy = true;
				if (t < next)
					next = t;
				if (k->flow.phase == LAB_FLOW_IDLE && k->t_gre_start < next)
					next = k->t_gre_start;
			}
		}
		if (s->conns_closed >= s->conns_expected && !busy) {
			/* Everyone has gone: keep counting late GRE for a moment. */
			if (drain_until == 0)
				drain_until = now + 0.2;
			if (now >= drain_until)
				return;
		}
		if (now >= s->deadline) {
			pac_error(s, "deadline reached");
			return;
		}
		if (s->nconns < s->conns_expected) {
			pfd[n] = (struct pollfd){s->lfd, POLLIN, 0};
			map[n++] = -1;
		}
		pfd[n] = (struct pollfd){s->raw, POLLIN, 0};
		map[n++] = -2;
		pfd[n] = (struct pollfd){s->tap, POLLIN, 0};
		map[n++] = -3;
		for (int i = 0; i < s->nconns; i++) {
			if (!s->conn[i].open)
				continue;
			pfd[n] = (struct pollfd){s->conn[i].fd, POLLIN, 0};
			map[n++] = i;
		}
		{
			int wait_ms = (int)((next - now) * 1000.0);

			if (poll(pfd, n, wait_ms < 0 ? 0 : wait_ms) < 0 && errno != EINTR)
				lab_die(PROG, "poll: %s", strerror(errno));
		}
		for (nfds_t i = 0; i < n; i++) {
			struct lab_gre g;
			int r;

			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (map[i] == -1) {
				pac_accept(s);
			} else if (map[i] == -2) {
				while ((r = lab_raw_read(s->raw, s->me_be, &g)) >= 0)
					if (r == 1)
						pac_gre_in(s, &g);
			} else if (map[i] == -3) {
				while ((r = lab_tap_read(s->tap, s->me_be, &g)) >= 0)
					if (r == 1)
						lab_rx_count(&s->wire, &g);
			} else {
				pac_conn_in(s, &s->conn[map[i]]);
			}
		}
	}
}

static json_t *
pac_json(struct pac *s)
{
	char a[INET_ADDRSTRLEN];
	json_t *conns = json_array();
	json_t *calls = json_array();

	for (int i = 0; i < s->nconns; i++) {
		struct pac_conn *c = &s->conn[i];

		json_array_append_new(
		    conns, json_pack("{s:i, s:s, s:i, s:s, s:b, s:b, s:f, s:f, s:o}", "index", i,
		                     "peer", lab_ntoa(c->peer_be, a), "peer_port",
		                     (int)c->peer_port, "host", c->host, "echo_reply_ok",
		                     c->echo_reply_ok, "stop_received", c->stop_received, "t_open",
		                     c->t_open, "t_close", c->t_close, "messages", c->msgs));
	}
	for (int i = 0; i < s->ncalls; i++) {
		struct pac_call *k = &s->call[i];

		json_array_append_new(
		    calls,
		    json_pack("{s:i, s:s, s:s, s:i, s:i, s:i, s:b, s:o, s:b, s:o, s:b, s:o, s:i, "
		              "s:o, s:f, s:f}",
		              "conn", k->conn, "tag", k->tag, "peer", lab_ntoa(k->peer_be, a),
		              "call_id", (int)k->call_id, "ocrq_call_id", (int)k->ocrq_call_id,
		              "serial", (int)k->serial, "sli_sent", k->sli_sent, "sli_received",
		              k->sli_received, "ccrq_received", k->ccrq_received, "ccrq_call_id",
		              k->ccrq_received ? json_integer(k->ccrq_call_id) : json_null(),
		              "ccrq_matched", k->ccrq_matched, "cdn_call_id",
		              k->cdn_sent ? json_integer(k->cdn_call_id) : json_null(), "gre_count",
		              (int)k->flow.count, "gre", lab_flow_json(&k->flow), "t_start",
		              k->t_start, "t_end", k->t_end));
	}
	return json_pack("{s:s, s:s, s:b, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i, s:i}",
	                 "role", "pac", "local", lab_ntoa(s->me_be, a), "split", s->split,
	                 "send_sli", s->send_sli, "connections", conns, "calls", calls,
	                 "sli_unmatched", s->sli_unmatched, "ccrq_unmatched", s->ccrq_unmatched,
	                 "gre_received", lab_rx_json(&s->rx), "gre_wire", lab_rx_json(&s->wire),
	                 "errors", s->errors, "gre_received_overflow", (int)s->rx.overflow,
	                 "gre_wire_overflow", (int)s->wire.overflow);
}

static void
usage(void)
{
	fprintf(stderr,
	        "usage: " PROG " --log FILE --conns N [--ready FILE] [--split] [--send-sli] "
	        "[--gre-count N] [--first-call-id N] [--deadline SECONDS]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {{"log", required_argument, NULL, 'l'},
	                                     {"conns", required_argument, NULL, 'c'},
	                                     {"ready", required_argument, NULL, 'r'},
	                                     {"split", no_argument, NULL, 'S'},
	                                     {"send-sli", no_argument, NULL, 'L'},
	                                     {"gre-count", required_argument, NULL, 'g'},
	                                     {"first-call-id", required_argument, NULL, 'f'},
	                                     {"deadline", required_argument, NULL, 'd'},
	                                     {NULL, 0, NULL, 0}};
	static struct pac s;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(LAB_PPTP_PORT)};
	long deadline = 20;
	int one = 1;
	int o;
	json_t *j;
	size_t nerr;

	s.conns_expected = 1;
	s.gre_count = 15;
	s.next_call_id = 0x4A01;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'l':
			s.log_path = optarg;
			break;
		case 'c':
			s.conns_expected = (int)lab_num(PROG, optarg, 1, PAC_MAX_CONNS);
			break;
		case 'r':
			s.ready_path = optarg;
			break;
		case 'S':
			s.split = true;
			break;
		case 'L':
			s.send_sli = true;
			break;
		case 'g':
			s.gre_count = (unsigned)lab_num(PROG, optarg, 1, 1000);
			break;
		case 'f':
			s.next_call_id = (uint16_t)lab_num(PROG, optarg, 1, 65535);
			break;
		case 'd':
			deadline = lab_num(PROG, optarg, 1, 600);
			break;
		default:
			usage();
		}
	}
	if (!s.log_path)
		usage();
	alarm((unsigned)deadline + 5);
	s.deadline = lab_mono() + (double)deadline;
	s.errors = json_array();
	s.sli_unmatched = json_array();
	s.ccrq_unmatched = json_array();
	s.raw = lab_raw_gre();
	s.tap = lab_tap();
	if (s.raw < 0 || s.tap < 0)
		lab_die(PROG, "raw/packet socket: %s (root needed)", strerror(errno));
	s.lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (s.lfd < 0)
		lab_die(PROG, "socket: %s", strerror(errno));
	setsockopt(s.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s.lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(s.lfd, 16) != 0)
		lab_die(PROG, "listen on %d: %s", LAB_PPTP_PORT, strerror(errno));
	if (s.ready_path) {
		int fd = open(s.ready_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0)
			lab_die(PROG, "%s: %s", s.ready_path, strerror(errno));
		close(fd);
	}
	pac_loop(&s);
	for (int i = 0; i < s.nconns; i++)
		pac_close(&s, &s.conn[i]);
	nerr = json_array_size(s.errors);
	j = pac_json(&s);
	if (lab_write_json(j, s.log_path) != 0)
		lab_die(PROG, "cannot write %s", s.log_path);
	json_decref(j);
	return nerr ? 1 : 0;
}
