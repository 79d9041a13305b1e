/* A stand-in for pppd on either end of a real PPTP tunnel: speaks LCP in async HDLC framing
 * (RFC 1662) on a byte stream and logs what it sent and received.
 *
 * The kernel of the lab has no PPP, so neither Debian's pptpd nor pptp-linux can run pppd.
 * Both relay the PPP stream over a file descriptor instead: pptpctrl runs the program named
 * by pptpd.conf's `ppp` option on its pty, and `pptp SERVER --nolaunchpppd` uses its own
 * stdin/stdout. This program sits on that stream:
 *
 *   client: lcp_peer --name c1 --log c1-lcp.json [options] --exec pptp SERVER --nolaunchpppd ...
 *           (a socketpair becomes pptp's stdin and stdout)
 *   server: lcp_peer --name s --log-dir DIR [options] --ppp-args ARGS...
 *           (stdin/stdout is pptpctrl's pty; ARGS, the pppd options pptpctrl passes, are
 *           logged and otherwise ignored; the log is DIR/<name><pid>.json, the name too)
 *
 * It sends one LCP Configure-Request (a Vendor-Specific option, RFC 2153, carries its name)
 * and acknowledges the peer's, then sends --count Echo-Requests, one every --interval-ms
 * (--count 0: until the stream ends or the deadline), ends --linger-ms after the last (or,
 * with --until-eof, when the stream ends), and answers every Echo-Request with an
 * Echo-Reply. Each Echo-Request's data after the magic
 * number is "PNCLAB:<name>:<n>", and an Echo-Reply carries the request's data back, so any
 * frame found at either end names the end that made it: a client that receives replies
 * naming another client got that client's GRE.
 *
 * The log (JSON) lists frames sent, frames received grouped by (LCP code, tag) with counts,
 * first and last index and wall-clock times, frames with a bad FCS, the arguments received,
 * and how the stream ended. It is written when the run ends for any reason (EOF, hangup,
 * SIGTERM, deadline).
 */
#include "lab.h"

#include <signal.h>
#include <sys/wait.h>
#include <termios.h>

#define PROG "lcp_peer"
/* Largest PPP frame handled: LCP here is < 64 bytes; anything longer is counted as junk. */
#define LCP_FRAME_MAX 1600
/* Distinct (code, tag) receive rows: the lab has a handful of tunnels per host. */
#define LCP_RX_ROWS 32
#define LCP_TAG_MAX 31
/* Echo-Request send times logged: a lab call sends at most a few hundred. */
#define LCP_ECHO_TIMES 1000

enum {
	LCP_CONF_REQ = 1,
	LCP_CONF_ACK = 2,
	LCP_TERM_REQ = 5,
	LCP_TERM_ACK = 6,
	LCP_ECHO_REQ = 9,
	LCP_ECHO_REP = 10
};

struct rx_row {
	int code;
	char tag[LCP_TAG_MAX + 1];
	long count;
	long first_n, last_n;
	double first_t, last_t;
};

struct peer {
	const char *name;
	int fd_in, fd_out;
	uint32_t magic;
	/* receive side: HDLC decoder state */
	uint8_t frame[LCP_FRAME_MAX];
	size_t flen;
	bool esc, overlong;
	/* census */
	struct rx_row rows[LCP_RX_ROWS];
	int nrows;
	long rows_lost, bad_fcs, not_lcp, frames_ok;
	long sent_conf_req, sent_conf_ack, sent_echo_req, sent_echo_rep, sent_term_ack;
	double first_echo_sent, last_echo_sent;
	double echo_t[LCP_ECHO_TIMES];
	int n_echo_t;
	bool write_failed;
};

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

/* RFC 1662 FCS-16. */
static uint16_t
fcs16(const uint8_t *p, size_t len)
{
	uint16_t fcs = 0xffff;

	while (len--) {
		fcs ^= *p++;
		for (int i = 0; i < 8; i++)
			fcs = (fcs & 1) ? (uint16_t)((fcs >> 1) ^ 0x8408) : (uint16_t)(fcs >> 1);
	}
	return fcs;
}

static bool
write_all(struct peer *p, const uint8_t *b, size_t len)
{
	while (len > 0) {
		ssize_t n = write(p->fd_out, b, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			p->write_failed = true;
			return false;
		}
		b += n;
		len -= (size_t)n;
	}
	return true;
}

/* Frames one LCP packet: FF 03 C0 21, the packet, FCS; every control character escaped
 * (the default ACCM), and flags on both ends. */
static bool
send_lcp(struct peer *p, int code, int id, const uint8_t *data, size_t dlen)
{
	uint8_t raw[LCP_FRAME_MAX], out[2 * LCP_FRAME_MAX + 4];
	size_t n = 0, o = 0;
	uint16_t fcs;

	if (dlen > LCP_FRAME_MAX - 12)
		return false;
	raw[n++] = 0xff;
	raw[n++] = 0x03;
	raw[n++] = 0xc0;
	raw[n++] = 0x21;
	raw[n++] = (uint8_t)code;
	raw[n++] = (uint8_t)id;
	lab_put16(raw + n, (uint16_t)(4 + dlen));
	n += 2;
	memcpy(raw + n, data, dlen);
	n += dlen;
	fcs = (uint16_t)~fcs16(raw, n);
	raw[n++] = (uint8_t)(fcs & 0xff);
	raw[n++] = (uint8_t)(fcs >> 8);
	out[o++] = 0x7e;
	for (size_t i = 0; i < n; i++) {
		if (raw[i] < 0x20 || raw[i] == 0x7e || raw[i] == 0x7d) {
			out[o++] = 0x7d;
			out[o++] = raw[i] ^ 0x20;
		} else {
			out[o++] = raw[i];
		}
	}
	out[o++] = 0x7e;
	return write_all(p, out, o);
}

static void
count_rx(struct peer *p, int code, const char *tag, long n)
{
	struct rx_row *r = NULL;
	double now = lab_wall();

	for (int i = 0; i < p->nrows; i++)
		if (p->rows[i].code == code && strcmp(p->rows[i].tag, tag) == 0)
			r = &p->rows[i];
	if (!r) {
		if (p->nrows == LCP_RX_ROWS) {
			p->rows_lost++;
			return;
		}
		r = &p->rows[p->nrows++];
		*r = (struct rx_row){.code = code, .first_n = n, .first_t = now};
		snprintf(r->tag, sizeof(r->tag), "%s", tag);
	}
	r->count++;
	r->last_n = n;
	r->last_t = now;
}

/* "PNCLAB:<tag>:<n>" after the 4-byte magic number, or tag "" and n -1. */
static void
parse_echo_data(const uint8_t *d, size_t len, char *tag, long *n)
{
	char buf[64];
	char *colon;

	tag[0] = '\0';
	*n = -1;
	if (len <= 4 || len - 4 >= sizeof(buf))
		return;
	memcpy(buf, d + 4, len - 4);
	buf[len - 4] = '\0';
	if (strncmp(buf, LAB_LCP_PREFIX, strlen(LAB_LCP_PREFIX)) != 0)
		return;
	colon = strrchr(buf, ':');
	if (!colon || colon == buf + strlen(LAB_LCP_PREFIX) - 1)
		return;
	*colon = '\0';
	size_t tl = strlen(buf + strlen(LAB_LCP_PREFIX));

	if (tl > LCP_TAG_MAX)
		tl = LCP_TAG_MAX;
	memcpy(tag, buf + strlen(LAB_LCP_PREFIX), tl);
	tag[tl] = '\0';
	*n = strtol(colon + 1, NULL, 10);
}

/* The tag in a Configure-Request's Vendor-Specific option (RFC 2153: type 0, OUI 00-00-00,
 * kind 1), which this stand-in puts there so that even the first frame names its sender. */
static void
conf_req_tag(const uint8_t *d, size_t len, char *tag)
{
	size_t off = 0;

	tag[0] = '\0';
	while (off + 2 <= len) {
		size_t olen = d[off + 1];

		if (olen < 2 || off + olen > len)
			return;
		if (d[off] == 0 && olen > 6 && d[off + 5] == 1) {
			uint8_t buf[64] = {0};
			long n;

			/* parse_echo_data skips 4 bytes: hand it the value from 2 bytes ahead. */
			if (olen - 2 < sizeof(buf)) {
				memcpy(buf, d + off + 2, olen - 2);
				parse_echo_data(buf, olen - 2, tag, &n);
			}
			return;
		}
		off += olen;
	}
}

static void
handle_frame(struct peer *p, const uint8_t *f, size_t len)
{
	size_t off = 0;
	uint16_t proto;
	int code, id;
	size_t llen;
	char tag[LCP_TAG_MAX + 1];
	long n;

	if (len < 4 || fcs16(f, len) != 0xf0b8) {
		p->bad_fcs++;
		return;
	}
	len -= 2;
	if (len >= 2 && f[0] == 0xff && f[1] == 0x03)
		off = 2;
	if (len < off + 1)
		return;
	if (f[off] & 1) { /* protocol field compressed */
		proto = f[off];
		off += 1;
	} else {
		if (len < off + 2)
			return;
		proto = lab_get16(f + off);
		off += 2;
	}
	if (proto != 0xc021 || len < off + 4) {
		p->not_lcp++;
		return;
	}
	code = f[off];
	id = f[off + 1];
	llen = lab_get16(f + off + 2);
	if (llen < 4 || llen > len - off) {
		p->not_lcp++;
		return;
	}
	p->frames_ok++;
	const uint8_t *data = f + off + 4;
	size_t dlen = llen - 4;

	switch (code) {
	case LCP_CONF_REQ:
		conf_req_tag(data, dlen, tag);
		count_rx(p, code, tag, -1);
		if (send_lcp(p, LCP_CONF_ACK, id, data, dlen))
			p->sent_conf_ack++;
		break;
	case LCP_ECHO_REQ: {
		uint8_t rep[LCP_FRAME_MAX];

		parse_echo_data(data, dlen, tag, &n);
		count_rx(p, code, tag, n);
		if (dlen >= 4 && dlen <= sizeof(rep)) {
			memcpy(rep, data, dlen);
			lab_put32(rep, p->magic);
			if (send_lcp(p, LCP_ECHO_REP, id, rep, dlen))
				p->sent_echo_rep++;
		}
		break;
	}
	case LCP_ECHO_REP:
		parse_echo_data(data, dlen, tag, &n);
		count_rx(p, code, tag, n);
		break;
	case LCP_TERM_REQ:
		count_rx(p, code, "", -1);
		if (send_lcp(p, LCP_TERM_ACK, id, NULL, 0))
			p->sent_term_ack++;
		break;
	default:
		count_rx(p, code, "", -1);
		break;
	}
}

/* Feeds received bytes through the async HDLC decoder. */
static void
feed(struct peer *p, const uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t c = b[i];

		if (c == 0x7e) {
			if (p->flen > 0 && !p->overlong)
				handle_frame(p, p->frame, p->flen);
			p->flen = 0;
			p->esc = false;
			p->overlong = false;
			continue;
		}
		if (c == 0x7d) {
			p->esc = true;
			continue;
		}
		if (p->esc) {
			c ^= 0x20;
			p->esc = false;
		}
		if (p->flen == sizeof(p->frame)) {
			p->overlong = true;
			continue;
		}
		p->frame[p->flen++] = c;
	}
}

static bool
send_echo(struct peer *p, long n)
{
	uint8_t d[64];
	int len;

	lab_put32(d, p->magic);
	len = snprintf((char *)d + 4, sizeof(d) - 4, LAB_LCP_PREFIX "%s:%ld", p->name, n);
	if (len < 0 || (size_t)len >= sizeof(d) - 4)
		return false;
	return send_lcp(p, LCP_ECHO_REQ, (int)(n & 0xff), d, 4 + (size_t)len);
}

static const char *
code_name(int code)
{
	switch (code) {
	case LCP_CONF_REQ:
		return "configure-request";
	case LCP_CONF_ACK:
		return "configure-ack";
	case LCP_TERM_REQ:
		return "terminate-request";
	case LCP_TERM_ACK:
		return "terminate-ack";
	case LCP_ECHO_REQ:
		return "echo-request";
	case LCP_ECHO_REP:
		return "echo-reply";
	default:
		return "other";
	}
}

/* Waits for the child at most `seconds`, then TERM, then KILL; its status, or -1. */
static int
reap(pid_t pid, double seconds)
{
	double until = lab_mono() + seconds;
	int st;

	for (int phase = 0; phase < 3; phase++) {
		while (lab_mono() < until) {
			pid_t r = waitpid(pid, &st, WNOHANG);

			if (r == pid)
				return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			if (r < 0)
				return -1;
			lab_sleep(0.05);
		}
		kill(pid, phase == 0 ? SIGTERM : SIGKILL);
		until = lab_mono() + 1.0;
	}
	return -1;
}

static void
usage(void)
{
	fprintf(stderr,
	        "usage: " PROG " --name NAME (--log FILE | --log-dir DIR) [--count N]\n"
	        "       [--interval-ms N] [--delay-ms N] [--start-on-peer-ms N] [--linger-ms N]\n"
	        "       [--until-eof] [--deadline S]\n"
	        "       [--exec PROG ARGS... | --ppp-args ARGS...]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct peer p = {.fd_in = 0, .fd_out = 1};
	const char *log = NULL, *log_dir = NULL;
	long count = 20, interval_ms = 100, delay_ms = 0, linger_ms = 500, start_ms = -1;
	double deadline = 20;
	char **exec_argv = NULL, **ppp_args = NULL;
	int nppp = 0;
	pid_t child = -1;
	int child_status = -1;
	const char *ended = "deadline";
	char path[512];
	struct sigaction sa = {.sa_handler = on_signal};
	double t0, next, end_sending = 0, now;
	long sent_n = 0;
	bool conf_sent = false, until_eof = false;
	json_t *j, *rx, *args;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--exec") == 0 && i + 1 < argc) {
			exec_argv = argv + i + 1;
			break;
		}
		if (strcmp(a, "--ppp-args") == 0) {
			ppp_args = argv + i + 1;
			nppp = argc - i - 1;
			break;
		}
		if (strcmp(a, "--until-eof") == 0) {
			until_eof = true;
			continue;
		}
		if (i + 1 >= argc)
			usage();
		if (strcmp(a, "--name") == 0)
			p.name = argv[++i];
		else if (strcmp(a, "--log") == 0)
			log = argv[++i];
		else if (strcmp(a, "--log-dir") == 0)
			log_dir = argv[++i];
		else if (strcmp(a, "--count") == 0)
			count = lab_num(PROG, argv[++i], 0, 100000);
		else if (strcmp(a, "--interval-ms") == 0)
			interval_ms = lab_num(PROG, argv[++i], 1, 10000);
		else if (strcmp(a, "--delay-ms") == 0)
			delay_ms = lab_num(PROG, argv[++i], 0, 60000);
		else if (strcmp(a, "--start-on-peer-ms") == 0)
			start_ms = lab_num(PROG, argv[++i], 0, 60000);
		else if (strcmp(a, "--linger-ms") == 0)
			linger_ms = lab_num(PROG, argv[++i], 0, 60000);
		else if (strcmp(a, "--deadline") == 0)
			deadline = (double)lab_num(PROG, argv[++i], 1, 600);
		else
			usage();
	}
	if (!p.name || (!log && !log_dir) || strlen(p.name) > 16)
		usage();
	if (log_dir) {
		static char name[32];

		snprintf(name, sizeof(name), "%s%ld", p.name, (long)getpid());
		p.name = name;
		snprintf(path, sizeof(path), "%s/%s.json", log_dir, name);
		log = path;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	p.magic = (uint32_t)getpid() * 2654435761u;

	if (exec_argv) {
		int sv[2];

		if (!exec_argv[0])
			usage();
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
			lab_die(PROG, "socketpair: %s", strerror(errno));
		child = fork();
		if (child < 0)
			lab_die(PROG, "fork: %s", strerror(errno));
		if (child == 0) {
			close(sv[0]);
			dup2(sv[1], 0);
			dup2(sv[1], 1);
			if (sv[1] > 1)
				close(sv[1]);
			execvp(exec_argv[0], exec_argv);
			_exit(127);
		}
		close(sv[1]);
		p.fd_in = p.fd_out = sv[0];
	}

	/* pptpctrl hands over a pty slave in cooked mode (echo, line buffering): pppd makes it
	 * raw, and so does its stand-in. */
	if (isatty(p.fd_in)) {
		struct termios tio;

		if (tcgetattr(p.fd_in, &tio) == 0) {
			cfmakeraw(&tio);
			tcsetattr(p.fd_in, TCSANOW, &tio);
		}
	}
	t0 = lab_mono();
	/* --start-on-peer-ms: a client's frames wait in pptp until its call is up, and would
	 * then leave in one burst; so start when the peer's first frame arrives (the call is
	 * up), or after that many ms when none comes (GRE from the peer blocked). */
	next = t0 + (double)(start_ms >= 0 ? start_ms : delay_ms) / 1000.0;
	for (;;) {
		struct pollfd pfd = {.fd = p.fd_in, .events = POLLIN};
		double wait;
		int r;

		now = lab_mono();
		if (stop_signal) {
			ended = "signal";
			break;
		}
		if (now - t0 >= deadline) {
			ended = "deadline";
			break;
		}
		if (p.write_failed) {
			ended = "write failed";
			break;
		}
		if (!until_eof && end_sending > 0 &&
		    now >= end_sending + (double)linger_ms / 1000.0) {
			ended = "done";
			break;
		}
		if (now >= next && end_sending == 0) {
			if (!conf_sent) {
				uint8_t opt[64] = {5, 6};
				int tl;

				/* Magic-Number, then the Vendor-Specific option naming this end. */
				lab_put32(opt + 2, p.magic);
				opt[6] = 0;
				opt[8] = opt[9] = opt[10] = 0;
				opt[11] = 1;
				tl = snprintf((char *)opt + 12, sizeof(opt) - 12,
				              LAB_LCP_PREFIX "%s:0", p.name);
				opt[7] = (uint8_t)(6 + tl);
				if (send_lcp(&p, LCP_CONF_REQ, 1, opt, (size_t)(12 + tl)))
					p.sent_conf_req++;
				conf_sent = true;
			} else if (count == 0 || sent_n < count) {
				if (send_echo(&p, sent_n)) {
					p.sent_echo_req++;
					if (p.first_echo_sent == 0)
						p.first_echo_sent = lab_wall();
					p.last_echo_sent = lab_wall();
					if (p.n_echo_t < LCP_ECHO_TIMES)
						p.echo_t[p.n_echo_t++] = p.last_echo_sent;
				}
				sent_n++;
			}
			if (count > 0 && sent_n >= count)
				end_sending = now;
			next += (double)interval_ms / 1000.0;
		}
		if (end_sending > 0)
			wait = until_eof ? 0.2 : end_sending + (double)linger_ms / 1000.0 - now;
		else
			wait = next - now;
		if (wait < 0)
			wait = 0;
		if (wait > 0.2)
			wait = 0.2;
		r = poll(&pfd, 1, (int)(wait * 1000.0));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ended = "poll failed";
			break;
		}
		if (r > 0) {
			uint8_t buf[4096];
			ssize_t n = read(p.fd_in, buf, sizeof(buf));

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				ended = n == 0 ? "end of stream" : "read failed";
				break;
			}
			long before = p.frames_ok;

			feed(&p, buf, (size_t)n);
			if (start_ms >= 0 && !conf_sent && p.frames_ok > before) {
				now = lab_mono();
				if (next > now + (double)delay_ms / 1000.0)
					next = now + (double)delay_ms / 1000.0;
			}
		}
	}
	double t_end = lab_wall();

	if (child > 0) {
		/* pptp sees end of stream, clears the call and closes the control connection. */
		close(p.fd_in);
		child_status = reap(child, 5.0);
	}

	rx = json_array();
	for (int i = 0; i < p.nrows; i++) {
		struct rx_row *r = &p.rows[i];

		json_array_append_new(
		    rx, json_pack("{s:s, s:s, s:I, s:I, s:I, s:f, s:f}", "lcp", code_name(r->code),
		                  "tag", r->tag, "count", (json_int_t)r->count, "first_n",
		                  (json_int_t)r->first_n, "last_n", (json_int_t)r->last_n,
		                  "first_t", r->first_t, "last_t", r->last_t));
	}
	args = json_array();
	for (int i = 0; i < nppp; i++)
		json_array_append_new(args, json_string(ppp_args[i]));
	j = json_pack("{s:s, s:s, s:I, s:o, s:f, s:s, s:{s:I, s:I, s:I, s:I, s:I, s:f, s:f}, "
	              "s:o, s:I, s:I, s:I, s:I}",
	              "name", p.name, "role", child > 0 ? "client" : "server", "pid",
	              (json_int_t)getpid(), "ppp_args", args, "t_end", t_end, "ended", ended,
	              "sent", "configure-request", (json_int_t)p.sent_conf_req, "configure-ack",
	              (json_int_t)p.sent_conf_ack, "echo-request", (json_int_t)p.sent_echo_req,
	              "echo-reply", (json_int_t)p.sent_echo_rep, "terminate-ack",
	              (json_int_t)p.sent_term_ack, "first_echo_t", p.first_echo_sent, "last_echo_t",
	              p.last_echo_sent, "received", rx, "frames_ok", (json_int_t)p.frames_ok,
	              "bad_fcs", (json_int_t)p.bad_fcs, "not_lcp", (json_int_t)p.not_lcp,
	              "rows_lost", (json_int_t)p.rows_lost);
	if (child > 0)
		json_object_set_new(j, "child_status", json_integer(child_status));
	{
		json_t *et = json_array();

		for (int i = 0; i < p.n_echo_t; i++)
			json_array_append_new(et, json_real(p.echo_t[i]));
		json_object_set_new(j, "echo_request_t", et);
	}
	if (!j || lab_write_json(j, log) != 0)
		lab_die(PROG, "cannot write %s", log);
	json_decref(j);
	return 0;
}
