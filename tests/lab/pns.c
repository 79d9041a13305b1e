/* Lab PNS: a PPTP client (RFC 2637 sections 2 and 4) that places calls through the lab NAT
 * and logs, as JSON, every Call ID and GRE packet it sent and what actually came back.
 *
 * One control connection: SCCRQ, Echo, then `rounds` times: `calls` Outgoing-Call-Requests
 * (Call IDs call_id, call_id+1, ...; each answered before the next goes out), a
 * Set-Link-Info per call, Enhanced GRE both ways for all those calls at once (each call
 * starts its GRE when answered, and the next call waits until the previous one carries
 * GRE; with --burst all calls are placed first and then start together), then a
 * Call-Clear-Request per call, each answered by a Call-Disconnect-Notify. Then
 * Stop-Control-Connection. Rounds after the first place the same Call IDs again.
 *
 * Divergences, on purpose: the OCRQ Subaddress carries the tunnel tag (e.g. "c1-2") so the
 * PAC can mark its GRE with it; a CDN is taken as the answer to the CCRQ just sent whatever
 * its Call ID says (the Linux NAT editor rewrites that field), and its Call ID is logged.
 */
#include "lab.h"

#include <getopt.h>

#define PROG "pns"
/* Calls one PNS places per round: the lab needs at most two at once on one connection. */
#define PNS_MAX_CALLS 4
#define PNS_MAX_ROUNDS 4
/* Waiting for one control answer: the PAC answers at once; a second is plenty. */
#define PNS_REPLY_TIMEOUT 3.0
/* pns_pump mode: only collect GRE until the timeout. */
#define PNS_DRAIN 0xffff
/* Placing calls one after another on one connection: the next call goes out once the
 * previous one has carried this many GRE data packets back (or after PNS_STAGGER_WAIT), so
 * that it is really in use, as a second call from a real client would find it. Timing
 * decides what the Linux editor does with two calls, and the lab must be repeatable. */
#define PNS_STAGGER_RX 5
#define PNS_STAGGER_WAIT 0.5

struct pns_call {
	char tag[LAB_TAG_MAX + 1];
	uint16_t call_id;
	uint16_t serial;
	bool ocrp_received;
	bool connected;        /* OCRP result 1: the call carries GRE */
	uint16_t ocrp_call_id; /* the PAC's Call ID */
	uint16_t ocrp_peer_call_id;
	int ocrp_result;
	json_t *sli_received; /* SLI from the PAC (Microsoft style), Peer's Call ID as received */
	bool sli_sent;
	uint16_t sli_sent_peer_call_id;
	bool ccrq_sent;
	bool cdn_received;
	uint16_t cdn_call_id;
	int cdn_result;
	struct lab_flow flow;
	double t_start;
	double t_end;
};

struct pns {
	const char *server;
	uint32_t server_be;
	uint32_t me_be;
	int sport;
	const char *name;
	uint16_t first_call_id;
	int calls;
	int rounds;
	bool split;
	bool burst; /* place all calls of a round before any GRE */
	unsigned gre_count;
	const char *log_path;
	double deadline;

	int tcp;
	int raw;
	int tap;
	uint16_t local_port;
	struct lab_stream in;
	json_t *msgs;
	struct pns_call call[PNS_MAX_CALLS * PNS_MAX_ROUNDS];
	int ncalls;
	int last_ocrp; /* index of the call the last OCRP answered, for SLI from the PAC */
	struct lab_rx_table rx;
	struct lab_rx_table wire;
	json_t *errors;
	bool sccrp_ok;
	bool echo_ok;
	bool stop_ok;
	int echo_requests_answered;
};

static void
pns_error(struct pns *p, const char *what)
{
	json_array_append_new(p->errors, json_string(what));
	fprintf(stderr, PROG " %s: %s\n", p->name, what);
}

static int
pns_send(struct pns *p, const uint8_t *m, size_t len)
{
	lab_log_msg(p->msgs, "sent", m, len);
	if (lab_send_msg(p->tcp, m, len, p->split) != 0) {
		pns_error(p, "control send failed");
		return -1;
	}
	return 0;
}

static struct pns_call *
pns_call_by_key(struct pns *p, uint16_t key)
{
	/* The newest call with that ID: rounds re-use IDs, and only the current round's
	 * calls are still exchanging GRE. */
	for (int i = p->ncalls - 1; i >= 0; i--)
		if (p->call[i].call_id == key && p->call[i].connected)
			return &p->call[i];
	return NULL;
}

static void
pns_gre_in(struct pns *p, const struct lab_gre *g)
{
	struct pns_call *c;

	lab_rx_count(&p->rx, g);
	if (g->src != p->server_be)
		return;
	c = pns_call_by_key(p, g->key);
	/* Data must carry this call's own tag: anything else is another tunnel's packet that
	 * reached us with our Call ID, which the census above records. */
	if (!c || (g->payload_len && strcmp(g->tag, c->tag) != 0))
		return;
	lab_flow_rx(&c->flow, g);
}

static void
pns_control_in(struct pns *p, const uint8_t *m, size_t len, int *last_type)
{
	uint16_t type = lab_get16(m + 8);
	uint8_t r[LAB_PPTP_MAX_MSG];
	size_t rl;

	lab_log_msg(p->msgs, "received", m, len);
	*last_type = type;
	if (type == LAB_ECHORQ) {
		rl = lab_msg_init(r, LAB_ECHORP);
		memcpy(r + 12, m + 12, 4);
		r[16] = 1; /* OK */
		if (pns_send(p, r, rl) == 0)
			p->echo_requests_answered++;
	} else if (type == LAB_SLI && p->last_ocrp >= 0) {
		/* RFC 2637 has the PNS send SLI; Microsoft's PAC sends it too, naming the
		 * PNS's Call ID. Attributed to the call last answered. */
		json_array_append_new(p->call[p->last_ocrp].sli_received,
		                      json_pack("{s:i, s:f}", "peer_call_id",
		                                (int)lab_get16(m + 12), "t", lab_wall()));
	}
}

/* Runs the event loop until a control message of `want` arrives (returns it in m), or, with
 * want == 0, until every active flow is done, or, with want == PNS_DRAIN, for the whole
 * timeout without reading the control connection. Returns 0, or -1 on timeout or close. */
static int
pns_pump(struct pns *p, uint16_t want, uint8_t *m, size_t *mlen, double timeout)
{
	double until = lab_mono() + timeout;

	if (until > p->deadline)
		until = p->deadline;
	for (;;) {
		double now = lab_mono();
		double next = until;
		bool busy = false;
		struct pollfd pfd[3] = {{want == PNS_DRAIN ? -1 : p->tcp, POLLIN, 0},
		                        {p->raw, POLLIN, 0},
		                        {p->tap, POLLIN, 0}};
		int wait_ms;

		for (int i = 0; i < p->ncalls; i++) {
			struct pns_call *c = &p->call[i];
			double t = lab_flow_tick(&c->flow, p->raw, p->server_be, now);

			if (c->flow.phase != LAB_FLOW_IDLE && c->flow.phase != LAB_FLOW_DONE) {
				busy = true;
				if (t < next)
					next = t;
			}
		}
		if (want == 0 && !busy)
			return 0;
		/* Messages that came in with the last one are already buffered. */
		while (want != PNS_DRAIN && p->in.len) {
			int got = lab_stream_next(&p->in, m, mlen);
			int type = 0;

			if (got == 0)
				break;
			if (got < 0) {
				pns_error(p, "control framing lost");
				return -1;
			}
			pns_control_in(p, m, *mlen, &type);
			if (want && type == want)
				return 0;
		}
		if (now >= until)
			return want == PNS_DRAIN ? 0 : -1;
		wait_ms = (int)((next - now) * 1000.0);
		if (wait_ms < 0)
			wait_ms = 0;
		if (poll(pfd, 3, wait_ms) < 0 && errno != EINTR)
			return -1;
		if (pfd[2].revents & POLLIN) {
			struct lab_gre g;
			int r;

			while ((r = lab_tap_read(p->tap, p->me_be, &g)) >= 0)
				if (r == 1)
					lab_rx_count(&p->wire, &g);
		}
		if (pfd[1].revents & POLLIN) {
			struct lab_gre g;
			int r;

			while ((r = lab_raw_read(p->raw, p->me_be, &g)) >= 0)
				if (r == 1)
					pns_gre_in(p, &g);
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = lab_stream_read(p->tcp, &p->in);

			/* New bytes are framed at the top of the next turn. */
			if (n == 0 || n == -1) {
				pns_error(p, n == 0 ? "control connection closed by the PAC"
				                    : "control connection read error");
				return -1;
			}
		}
	}
}

static int
pns_expect(struct pns *p, uint16_t want, uint8_t *m, size_t *mlen)
{
	char what[64];

	if (pns_pump(p, want, m, mlen, PNS_REPLY_TIMEOUT) == 0)
		return 0;
	snprintf(what, sizeof(what), "no %s received", lab_msg_find(want)->name);
	pns_error(p, what);
	return -1;
}

static void
pns_connect(struct pns *p)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(LAB_PPTP_PORT)};
	socklen_t sl = sizeof(sa);
	int one = 1;

	p->tcp = socket(AF_INET, SOCK_STREAM, 0);
	if (p->tcp < 0)
		lab_die(PROG, "socket: %s", strerror(errno));
	lab_tcp_options(p->tcp, PNS_REPLY_TIMEOUT);
	if (p->sport) {
		struct sockaddr_in la = {.sin_family = AF_INET,
		                         .sin_port = htons((uint16_t)p->sport)};

		setsockopt(p->tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(p->tcp, (struct sockaddr *)&la, sizeof(la)) != 0)
			lab_die(PROG, "bind port %d: %s", p->sport, strerror(errno));
	}
	sa.sin_addr.s_addr = p->server_be;
	if (connect(p->tcp, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		lab_die(PROG, "connect %s: %s", p->server, strerror(errno));
	if (getsockname(p->tcp, (struct sockaddr *)&sa, &sl) != 0)
		lab_die(PROG, "getsockname: %s", strerror(errno));
	p->me_be = sa.sin_addr.s_addr;
	p->local_port = ntohs(sa.sin_port);
}

static void
pns_place(struct pns *p, int k)
{
	struct pns_call *c = &p->call[p->ncalls];
	uint8_t m[LAB_PPTP_MAX_MSG];
	size_t len;

	memset(c, 0, sizeof(*c));
	c->call_id = (uint16_t)(p->first_call_id + k);
	c->serial = (uint16_t)(p->ncalls + 1);
	snprintf(c->tag, sizeof(c->tag), "%s-%d", p->name, p->ncalls + 1);
	c->sli_received = json_array();
	c->t_start = lab_wall();
	c->ocrp_result = -1;
	c->cdn_result = -1;
	p->ncalls++;

	len = lab_msg_init(m, LAB_OCRQ);
	lab_put16(m + 12, c->call_id);
	lab_put16(m + 14, c->serial);
	lab_put32(m + 16, 2400);          /* minimum BPS */
	lab_put32(m + 20, 10000000);      /* maximum BPS */
	lab_put32(m + 24, 3);             /* bearer: analog or digital */
	lab_put32(m + 28, 3);             /* framing: async or sync */
	lab_put16(m + 32, 64);            /* packet receive window */
	lab_put16(m + 36, 0);             /* phone number length */
	lab_put_str(m + 104, 64, c->tag); /* subaddress: the tunnel tag */
	if (pns_send(p, m, len) != 0 || pns_expect(p, LAB_OCRP, m, &len) != 0)
		return;
	c->ocrp_received = true;
	c->ocrp_call_id = lab_get16(m + 12);
	c->ocrp_peer_call_id = lab_get16(m + 14);
	c->ocrp_result = m[16];
	p->last_ocrp = (int)(c - p->call);
	if (c->ocrp_result != 1)
		return;
	c->connected = true;

	len = lab_msg_init(m, LAB_SLI);
	lab_put16(m + 12, c->ocrp_call_id);
	lab_put32(m + 16, 0xffffffffu); /* send ACCM */
	lab_put32(m + 20, 0xffffffffu); /* receive ACCM */
	if (pns_send(p, m, len) != 0)
		return;
	c->sli_sent = true;
	c->sli_sent_peer_call_id = c->ocrp_call_id;

	c->flow.tx_key = c->ocrp_call_id;
	memcpy(c->flow.tag, c->tag, sizeof(c->tag));
	c->flow.dir = 'u';
	c->flow.count = p->gre_count;
	if (!p->burst)
		lab_flow_start(&c->flow, lab_mono());
}

/* Lets the previous call carry some GRE before the next one is placed. */
static void
pns_stagger(struct pns *p, struct pns_call *prev)
{
	uint8_t m[LAB_PPTP_MAX_MSG];
	size_t len;
	double until = lab_mono() + PNS_STAGGER_WAIT;

	while (prev->flow.data_rx < PNS_STAGGER_RX && lab_mono() < until)
		pns_pump(p, PNS_DRAIN, m, &len, 0.01);
}

static void
pns_clear(struct pns *p, struct pns_call *c)
{
	uint8_t m[LAB_PPTP_MAX_MSG];
	size_t len = lab_msg_init(m, LAB_CCRQ);

	lab_put16(m + 12, c->call_id);
	if (pns_send(p, m, len) != 0)
		return;
	c->ccrq_sent = true;
	if (pns_expect(p, LAB_CDN, m, &len) == 0) {
		c->cdn_received = true;
		c->cdn_call_id = lab_get16(m + 12);
		c->cdn_result = m[14];
	}
	c->t_end = lab_wall();
}

static json_t *
pns_call_json(const struct pns_call *c)
{
	json_t *j = json_pack(
	    "{s:s, s:i, s:i, s:b, s:o, s:o, s:i, s:o, s:o, s:b, s:o, s:o, s:i, s:o, s:f, s:f}",
	    "tag", c->tag, "call_id", (int)c->call_id, "serial", (int)c->serial, "ocrp_received",
	    c->ocrp_received, "ocrp_call_id",
	    c->ocrp_received ? json_integer(c->ocrp_call_id) : json_null(), "ocrp_peer_call_id",
	    c->ocrp_received ? json_integer(c->ocrp_peer_call_id) : json_null(), "ocrp_result",
	    c->ocrp_result, "sli_received", c->sli_received, "sli_sent_peer_call_id",
	    c->sli_sent ? json_integer(c->sli_sent_peer_call_id) : json_null(), "ccrq_sent",
	    c->ccrq_sent, "cdn_call_id",
	    c->cdn_received ? json_integer(c->cdn_call_id) : json_null(), "cdn_result",
	    c->cdn_received ? json_integer(c->cdn_result) : json_null(), "gre_count",
	    (int)c->flow.count, "gre", lab_flow_json(&c->flow), "t_start", c->t_start, "t_end",
	    c->t_end);

	return j;
}

/* Writes the log; returns how many errors the run had. */
static size_t
pns_write_log(struct pns *p)
{
	size_t nerr = json_array_size(p->errors);
	char me[INET_ADDRSTRLEN];
	json_t *calls = json_array();
	json_t *j;

	for (int i = 0; i < p->ncalls; i++)
		json_array_append_new(calls, pns_call_json(&p->call[i]));
	j = json_pack(
	    "{s:s, s:s, s:s, s:s, s:i, s:i, s:b, s:b, s:b, s:b, s:b, s:i, s:o, s:o, s:o, s:o, "
	    "s:o, s:i, s:i}",
	    "role", "pns", "name", p->name, "local", lab_ntoa(p->me_be, me), "server", p->server,
	    "local_port", (int)p->local_port, "bound_port", p->sport, "split", p->split, "burst",
	    p->burst, "sccrp_ok", p->sccrp_ok, "echo_ok", p->echo_ok, "stop_ok", p->stop_ok,
	    "echo_requests_answered", p->echo_requests_answered, "calls", calls, "messages",
	    p->msgs, "gre_received", lab_rx_json(&p->rx), "gre_wire", lab_rx_json(&p->wire),
	    "errors", p->errors, "gre_received_overflow", (int)p->rx.overflow, "gre_wire_overflow",
	    (int)p->wire.overflow);
	if (lab_write_json(j, p->log_path) != 0)
		lab_die(PROG, "cannot write %s", p->log_path);
	json_decref(j);
	return nerr;
}

static void
usage(void)
{
	fprintf(stderr,
	        "usage: " PROG " --server ADDR --name NAME --log FILE [--call-id N] "
	        "[--calls N [--burst]] [--rounds N] [--sport PORT] [--split] [--gre-count N] "
	        "[--deadline SECONDS]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"server", required_argument, NULL, 's'},   {"name", required_argument, NULL, 'n'},
	    {"log", required_argument, NULL, 'l'},      {"call-id", required_argument, NULL, 'c'},
	    {"calls", required_argument, NULL, 'k'},    {"rounds", required_argument, NULL, 'r'},
	    {"sport", required_argument, NULL, 'p'},    {"split", no_argument, NULL, 'S'},
	    {"burst", no_argument, NULL, 'B'},          {"gre-count", required_argument, NULL, 'g'},
	    {"deadline", required_argument, NULL, 'd'}, {NULL, 0, NULL, 0}};
	static struct pns p;
	uint8_t m[LAB_PPTP_MAX_MSG];
	size_t len;
	long deadline = 15;
	int o;

	p.first_call_id = 256;
	p.calls = 1;
	p.rounds = 1;
	p.gre_count = 15;
	p.last_ocrp = -1;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			p.server = optarg;
			break;
		case 'n':
			p.name = optarg;
			break;
		case 'l':
			p.log_path = optarg;
			break;
		case 'c':
			p.first_call_id = (uint16_t)lab_num(PROG, optarg, 0, 65535);
			break;
		case 'k':
			p.calls = (int)lab_num(PROG, optarg, 1, PNS_MAX_CALLS);
			break;
		case 'r':
			p.rounds = (int)lab_num(PROG, optarg, 1, PNS_MAX_ROUNDS);
			break;
		case 'p':
			p.sport = (int)lab_num(PROG, optarg, 1, 65535);
			break;
		case 'S':
			p.split = true;
			break;
		case 'B':
			p.burst = true;
			break;
		case 'g':
			p.gre_count = (unsigned)lab_num(PROG, optarg, 1, 1000);
			break;
		case 'd':
			deadline = lab_num(PROG, optarg, 1, 600);
			break;
		default:
			usage();
		}
	}
	if (!p.server || !p.name || !p.log_path || strlen(p.name) > LAB_TAG_MAX - 3)
		usage();
	if (inet_pton(AF_INET, p.server, &p.server_be) != 1)
		lab_die(PROG, "bad server address %s", p.server);
	/* Hard stop a little after the soft one, in case a syscall blocks despite the
	 * timeouts: the lab script must never hang on a peer. */
	alarm((unsigned)deadline + 5);
	p.deadline = lab_mono() + (double)deadline;
	p.msgs = json_array();
	p.errors = json_array();
	p.raw = lab_raw_gre();
	p.tap = lab_tap();
	if (p.raw < 0 || p.tap < 0)
		lab_die(PROG, "raw/packet socket: %s (root needed)", strerror(errno));
	pns_connect(&p);

	len = lab_msg_init(m, LAB_SCCRQ);
	lab_put16(m + 12, 0x0100);             /* protocol version 1.0 */
	lab_put32(m + 16, 3);                  /* framing: async and sync */
	lab_put32(m + 20, 3);                  /* bearer: analog and digital */
	lab_put16(m + 24, 0);                  /* maximum channels */
	lab_put16(m + 26, 0x0001);             /* firmware revision */
	lab_put_str(m + 28, 64, p.name);       /* host name */
	lab_put_str(m + 92, 64, "pnclab-pns"); /* vendor */
	if (pns_send(&p, m, len) == 0 && pns_expect(&p, LAB_SCCRP, m, &len) == 0)
		p.sccrp_ok = m[14] == 1;
	if (p.sccrp_ok) {
		len = lab_msg_init(m, LAB_ECHORQ);
		lab_put32(m + 12, 0x00000001u);
		if (pns_send(&p, m, len) == 0 && pns_expect(&p, LAB_ECHORP, m, &len) == 0)
			p.echo_ok = m[16] == 1;
		for (int r = 0; r < p.rounds; r++) {
			int first = p.ncalls;

			for (int k = 0; k < p.calls; k++) {
				if (k > 0 && !p.burst && p.call[p.ncalls - 1].connected)
					pns_stagger(&p, &p.call[p.ncalls - 1]);
				pns_place(&p, k);
			}
			for (int i = first; i < p.ncalls; i++)
				if (p.call[i].connected)
					lab_flow_start(&p.call[i].flow, lab_mono());
			if (pns_pump(&p, 0, m, &len, 10.0) != 0)
				pns_error(&p, "GRE exchange did not finish");
			for (int i = first; i < p.ncalls; i++)
				if (p.call[i].connected)
					pns_clear(&p, &p.call[i]);
		}
		len = lab_msg_init(m, LAB_STOPCCRQ);
		m[12] = 1; /* reason: general request */
		if (pns_send(&p, m, len) == 0 && pns_expect(&p, LAB_STOPCCRP, m, &len) == 0)
			p.stop_ok = m[12] == 1;
	}
	shutdown(p.tcp, SHUT_WR);
	/* Let the PAC's FIN and any late GRE in before the census is written. */
	pns_pump(&p, PNS_DRAIN, m, &len, 0.2);
	close(p.tcp);
	return pns_write_log(&p) ? 1 : 0;
}
