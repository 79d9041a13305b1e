/*
 * One side's captures, in one streaming pass: frames are decoded down to
 * TCP or GRE and handed to control (PPTP control connections) or tunnels
 * (Enhanced GRE).  Nothing here keeps a frame: memory grows with tunnels
 * and open connections only.
 */
#include "side.h"

#include <stdio.h>
#include <string.h>

#include "greflow.h"
#include "icmp.h"
#include "link.h"
#include "tcp.h"

const char *
side_role_name(enum side_role role)
{
	switch (role) {
	case SIDE_INSIDE:
		return "inside";
	case SIDE_OUTSIDE:
		return "outside";
	case SIDE_SINGLE:
		return "capture";
	}
	return "unknown";
}

bool
side_init(struct side *s, enum side_role role, const struct addr *server_filter)
{
	memset(s, 0, sizeof(*s));
	s->role = role;
	diag_init(&s->diag);
	tunnels_init(&s->tunnels);
	checksum_hosts_init(&s->checksums);
	if (server_filter != NULL) {
		s->has_server_filter = true;
		s->server_filter = *server_filter;
	}
	s->control = control_new(&s->tunnels, &s->diag);
	s->frag = frag_new();
	if (s->control == NULL || s->frag == NULL) {
		side_free(s);
		return false;
	}
	return true;
}

void
side_free(struct side *s)
{
	control_free(s->control);
	frag_free(s->frag);
	tunnels_free(&s->tunnels);
	checksum_hosts_free(&s->checksums);
	s->control = NULL;
	s->frag = NULL;
}

static bool
filtered_out(const struct side *s, const struct ip_packet *ip)
{
	return s->has_server_filter && !addr_eq(&ip->src, &s->server_filter) &&
	       !addr_eq(&ip->dst, &s->server_filter);
}

static void
note_other_server(struct side *s, const struct addr *server)
{
	unsigned i;

	for (i = 0; i < s->nother_servers; i++)
		if (addr_eq(&s->other_servers[i], server))
			return;
	if (s->nother_servers < SIDE_MAX_OTHER_SERVERS)
		s->other_servers[s->nother_servers++] = *server;
	else
		s->other_servers_more = true;
}

static void
handle_tcp(struct side *s, const struct ip_packet *ip, const uint8_t *p, size_t len,
           const struct frame_ref *where)
{
	struct tcp_segment tcp;
	enum parse_status st = tcp_parse(p, len, &tcp);

	if (st != PARSE_OK) {
		/* TRUNCATED with every byte the IP header promised captured means
		 * the data offset lies; with a short capture it is the snaplen. */
		if (st == PARSE_INVALID || (st == PARSE_TRUNCATED && !ip->truncated))
			diag_add(&s->diag, CODE_TCP_INVALID, where,
			         "TCP header: data offset or length contradicts the IP length");
		else
			diag_add(&s->diag, CODE_SNAPLEN_TRUNCATED, where,
			         "TCP header cut by the snapshot length");
		return;
	}
	if (filtered_out(s, ip)) {
		if (tcp.dport == TCP_PORT_PPTP || tcp.sport == TCP_PORT_PPTP)
			note_other_server(s, tcp.dport == TCP_PORT_PPTP ? &ip->dst : &ip->src);
		return;
	}
	if (tcp.sport == TCP_PORT_PPTP || tcp.dport == TCP_PORT_PPTP) {
		s->counters.tcp_pptp_segments++;
		checksum_hosts_add(&s->checksums, ip, true, where);
		if (ip->truncated && tcp.payload_len > 0) {
			/* Never feed cut bytes to the reassembler: the hole becomes a
			 * reported gap instead of a misframed message. */
			diag_add(&s->diag, CODE_SNAPLEN_TRUNCATED, where,
			         "control segment cut by the snapshot length; its bytes are "
			         "treated as missing");
			tcp.payload_len = 0;
			tcp.flags &= (uint8_t) ~(TCP_SYN | TCP_FIN);
		}
	}
	control_segment(s->control, ip, &tcp, where);
}

/* A parsed PPTP GRE packet. */
static void
gre_ready(struct side *s, const struct ip_packet *ip, const struct gre_packet *g,
          const struct frame_ref *where)
{
	if (filtered_out(s, ip))
		return;
	s->counters.gre_pptp++;
	checksum_hosts_add(&s->checksums, ip, false, where);
	greflow_on_packet(&s->tunnels, &s->diag, ip, g, where);
}

static void
handle_gre(struct side *s, const struct ip_packet *ip, const uint8_t *p, size_t len,
           const struct frame_ref *where)
{
	struct gre_packet g;
	enum parse_status st = gre_parse(p, len, &g);

	if (st == PARSE_UNSUPPORTED) {
		s->counters.gre_other++;
		return;
	}
	if (st != PARSE_OK) {
		bool cut = st == PARSE_TRUNCATED && ip->truncated;

		diag_add(&s->diag, cut ? CODE_SNAPLEN_TRUNCATED : CODE_GRE_INVALID, where,
		         "GRE header: %s",
		         cut                     ? "cut by the snapshot length"
		         : st == PARSE_TRUNCATED ? "shorter than its flags say"
		                                 : "flags RFC 2637 forbids");
		return;
	}
	if (!gre_is_pptp(&g)) {
		s->counters.gre_other++;
		diag_add(&s->diag, CODE_GRE_NOT_PPTP, where,
		         "GRE version %u, protocol 0x%04x: not PPTP, ignored", g.version,
		         g.protocol);
		return;
	}
	gre_ready(s, ip, &g, where);
}

/*
 * An ICMP error quoting PPTP GRE or a control segment: evidence of who
 * refused the quoted packet (a NAT without a mapping for it, a filter).
 * Errors about other traffic, and ICMP that is no error, are ignored.
 */
static void
handle_icmp(struct side *s, const struct ip_packet *ip, const uint8_t *p, size_t len,
            const struct frame_ref *where)
{
	struct icmp_error e;

	if (ip->proto != (ip->version == 4 ? IP_PROTO_ICMP : IP_PROTO_ICMPV6) ||
	    icmp_parse(p, len, ip->version, &e) != PARSE_OK)
		return;
	if (e.has_gre) {
		s->counters.icmp_gre++;
		greflow_on_icmp(&s->tunnels, ip, &e, where);
	} else if (e.has_ports && (e.sport == TCP_PORT_PPTP || e.dport == TCP_PORT_PPTP)) {
		if (s->counters.icmp_control++ == 0)
			s->counters.first_icmp_control = *where;
	}
}

static void ip_ready(struct side *s, struct ip_packet *ip, unsigned depth,
                     const struct frame_ref *where);

/* Decode an IP packet (version from its first nibble) and what it carries. */
static void
handle_ip(struct side *s, const uint8_t *p, size_t len, unsigned depth,
          const struct frame_ref *where)
{
	struct ip_packet ip;
	enum parse_status st;

	if (len == 0 || depth > SIDE_MAX_NESTING)
		return;
	if (p[0] >> 4 == 4) {
		st = ipv4_parse(p, len, &ip);
	} else if (p[0] >> 4 == 6) {
		st = ipv6_parse(p, len, &ip);
	} else {
		return;
	}
	if (st != PARSE_OK) {
		if (st != PARSE_UNSUPPORTED)
			diag_add(&s->diag,
			         st == PARSE_TRUNCATED ? CODE_SNAPLEN_TRUNCATED : CODE_IP_INVALID,
			         where, "IPv%u header: %s", p[0] >> 4, parse_status_name(st));
		return;
	}
	ip_ready(s, &ip, depth, where);
}

/* A parsed IP header: reassemble if it is a fragment, then what it carries. */
static void
ip_ready(struct side *s, struct ip_packet *ip, unsigned depth, const struct frame_ref *where)
{
	const uint8_t *payload;
	size_t plen;

	if (ip->proto != IP_PROTO_TCP && ip->proto != IP_PROTO_GRE && ip->proto != IP_PROTO_IPIP &&
	    ip->proto != IP_PROTO_IPV6 && ip->proto != IP_PROTO_ICMP &&
	    ip->proto != IP_PROTO_ICMPV6)
		return;
	payload = ip->payload;
	plen = ip->payload_len;
	if (ip->is_fragment) {
		enum frag_result fr;

		fr = frag_add(s->frag, ip, where->ts, &payload, &plen);
		if (fr == FRAG_DROPPED)
			diag_add(&s->diag, CODE_IP_FRAGMENT_DROPPED, where,
			         "IPv4 fragment dropped (overlap, size or table limit)");
		if (fr != FRAG_COMPLETE)
			return;
		ip->truncated = false;
	}
	switch (ip->proto) {
	case IP_PROTO_TCP:
		handle_tcp(s, ip, payload, plen, where);
		break;
	case IP_PROTO_GRE:
		handle_gre(s, ip, payload, plen, where);
		break;
	case IP_PROTO_ICMP:
	case IP_PROTO_ICMPV6:
		handle_icmp(s, ip, payload, plen, where);
		break;
	default: /* IP-in-IP or IPv6-in-IP: the inner packet is the PPTP one */
		handle_ip(s, payload, plen, depth + 1, where);
		break;
	}
}

static void
note_time(struct side *s, ts_ns_t ts)
{
	if (s->first_ts == 0 || ts < s->first_ts)
		s->first_ts = ts;
	if (ts > s->last_ts)
		s->last_ts = ts;
}

/* A frame side_frame_decode could not take far: link and IP from the start. */
static void
frame_full(struct side *s, const struct capture_frame *f, const struct frame_ref *where,
           struct side_input *in)
{
	struct link_frame lf;
	enum parse_status st;

	st = link_parse(f->linktype, f->data, f->caplen, &lf);
	if (st != PARSE_OK || lf.offset > f->caplen) {
		if (in != NULL)
			in->ignored++;
		if (st == PARSE_UNSUPPORTED && !link_supported(f->linktype))
			diag_add(&s->diag, CODE_LINK_UNSUPPORTED, where,
			         "link type %d (%s) not decoded", f->linktype,
			         link_name(f->linktype));
		return;
	}
	if (lf.ethertype != LINK_ETHERTYPE_IPV4 && lf.ethertype != LINK_ETHERTYPE_IPV6) {
		if (in != NULL)
			in->ignored++;
		return;
	}
	handle_ip(s, f->data + lf.offset, f->caplen - lf.offset, 0, where);
}

static void
frame_decoded(struct side *s, uint32_t file_index, const struct capture_frame *f,
              const struct side_decoded *d)
{
	struct frame_ref where = {file_index, f->number, f->ts};
	struct side_input *in = file_index < s->ninputs ? &s->inputs[file_index] : NULL;
	struct ip_packet ip;
	struct gre_packet g;
	size_t off;

	note_time(s, f->ts);
	switch ((enum side_decode_kind)d->kind) {
	case SIDE_DECODE_SKIP:
		return;
	case SIDE_DECODE_IP:
		ip = d->ip;
		/* The offset travels in the pointer field (see side_frame_decode). */
		off = (size_t)(uintptr_t)d->ip.payload;
		if (off > f->caplen)
			break;
		ip.payload = f->data + off;
		if (ip.payload_len > f->caplen - off)
			ip.payload_len = f->caplen - off;
		ip_ready(s, &ip, 0, &where);
		return;
	case SIDE_DECODE_GRE:
		ip = d->ip;
		g = d->gre;
		off = (size_t)(uintptr_t)d->gre.payload;
		if (off > f->caplen)
			break;
		ip.payload = NULL;
		ip.payload_len = 0;
		g.payload = f->data + off;
		if (g.payload_len > f->caplen - off)
			g.payload_len = f->caplen - off;
		gre_ready(s, &ip, &g, &where);
		return;
	case SIDE_DECODE_FULL:
		break;
	}
	frame_full(s, f, &where, in);
}

void
side_frame(struct side *s, uint32_t file_index, const struct capture_frame *f)
{
	struct side_decoded d;

	side_frame_decode(f, &d);
	frame_decoded(s, file_index, f, &d);
}

size_t
side_frame_decode(const struct capture_frame *f, struct side_decoded *d)
{
	struct link_frame lf;
	const uint8_t *p;
	size_t len, off;
	enum parse_status st;

	d->kind = SIDE_DECODE_FULL;
	if (link_parse(f->linktype, f->data, f->caplen, &lf) != PARSE_OK || lf.offset > f->caplen ||
	    (lf.ethertype != LINK_ETHERTYPE_IPV4 && lf.ethertype != LINK_ETHERTYPE_IPV6))
		return f->caplen; /* the analysis counts or reports it */
	p = f->data + lf.offset;
	len = f->caplen - lf.offset;
	if (len == 0)
		return f->caplen;
	st = p[0] >> 4 == 4   ? ipv4_parse(p, len, &d->ip)
	     : p[0] >> 4 == 6 ? ipv6_parse(p, len, &d->ip)
	                      : PARSE_INVALID;
	if (st != PARSE_OK || d->ip.is_fragment)
		return f->caplen; /* reported, or reassembled, by the analysis */
	switch (d->ip.proto) {
	case IP_PROTO_GRE:
		if (!d->ip.truncated &&
		    gre_parse(d->ip.payload, d->ip.payload_len, &d->gre) == PARSE_OK &&
		    gre_is_pptp(&d->gre)) {
			off = (size_t)(d->gre.payload - f->data);
			d->kind = SIDE_DECODE_GRE;
			/* Pointers become offsets from the frame's start, so that
			 * the decoding survives the copy into another buffer. */
			d->gre.payload = (const uint8_t *)(uintptr_t)off;
			d->ip.payload = NULL;
			if (d->gre.payload_len <= GREFLOW_PAYLOAD_READ)
				return f->caplen;
			d->gre.payload_len = GREFLOW_PAYLOAD_READ;
			return off + GREFLOW_PAYLOAD_READ;
		}
		/* Not PPTP, or damaged: the analysis says so. */
		/* FALLTHROUGH */
	case IP_PROTO_TCP:
	case IP_PROTO_IPIP:
	case IP_PROTO_IPV6:
		d->kind = SIDE_DECODE_IP;
		d->ip.payload = (const uint8_t *)(uintptr_t)(d->ip.payload - f->data);
		return f->caplen;
	case IP_PROTO_ICMP:
	case IP_PROTO_ICMPV6:
		/* Only errors are read (their quote may name a tunnel): the
		 * first byte, the type, tells (RFC 792, RFC 4443 2.1). */
		if (d->ip.payload_len == 0 ||
		    !icmp_is_error_type(d->ip.version, d->ip.payload[0])) {
			d->kind = SIDE_DECODE_SKIP;
			return 0;
		}
		d->kind = SIDE_DECODE_IP;
		d->ip.payload = (const uint8_t *)(uintptr_t)(d->ip.payload - f->data);
		return f->caplen;
	default:
		d->kind = SIDE_DECODE_SKIP;
		return 0;
	}
}

size_t
side_frame_needed(const struct capture_frame *f)
{
	struct side_decoded d;

	return side_frame_decode(f, &d);
}

void
side_input_skip(struct side *s, uint32_t index, ts_ns_t ts)
{
	struct side_input *in = &s->inputs[index];

	in->packets++;
	if (in->first_ts == 0)
		in->first_ts = ts;
	in->last_ts = ts;
	note_time(s, ts);
}

uint32_t
side_input_begin(struct side *s, const char *path)
{
	struct side_input *in;

	if (s->ninputs >= SIDE_MAX_FILES)
		return NO_INDEX;
	in = &s->inputs[s->ninputs];
	memset(in, 0, sizeof(*in));
	in->path = path;
	return s->ninputs++;
}

void
side_input_frame(struct side *s, uint32_t index, const struct capture_frame *f)
{
	struct side_decoded d;

	side_frame_decode(f, &d);
	side_input_decoded(s, index, f, &d);
}

void
side_input_decoded(struct side *s, uint32_t index, const struct capture_frame *f,
                   const struct side_decoded *d)
{
	struct side_input *in = &s->inputs[index];

	in->packets++;
	if (in->first_ts == 0)
		in->first_ts = f->ts;
	in->last_ts = f->ts;
	frame_decoded(s, index, f, d);
}

void
side_input_end(struct side *s, uint32_t index, enum capture_status st, const char *errbuf,
               const char *format, const int *linktypes, unsigned nlinktypes)
{
	struct side_input *in = &s->inputs[index];
	unsigned i;

	if (st != CAPTURE_END) {
		struct frame_ref where = {index, in->packets + 1, in->last_ts};

		snprintf(in->error, sizeof(in->error), "%s", errbuf);
		if (st == CAPTURE_TRUNCATED) {
			in->truncated = true;
			diag_add(&s->diag, CODE_CAPTURE_TRUNCATED, &where, "%s", errbuf);
		} else {
			in->damaged = true;
			diag_add(&s->diag, CODE_CAPTURE_ERROR, &where, "%s", errbuf);
		}
	}
	in->nlinktypes = nlinktypes < SIDE_MAX_LINKTYPES ? nlinktypes : SIDE_MAX_LINKTYPES;
	for (i = 0; i < in->nlinktypes; i++)
		in->linktypes[i] = linktypes[i];
	/* Known at the end: the fallback reader may have taken over mid-file. */
	snprintf(in->format, sizeof(in->format), "%s", format);
}

void
side_read_capture(struct side *s, struct capture *cap, const char *path)
{
	struct capture_frame f;
	enum capture_status st;
	char errbuf[CAPTURE_ERRBUF_SIZE];
	int linktypes[SIDE_MAX_LINKTYPES];
	uint32_t index = side_input_begin(s, path);
	uint64_t total = capture_size(cap), n = 0;

	if (index == NO_INDEX)
		return;
	errbuf[0] = 0;
	while ((st = capture_next(cap, &f, errbuf)) == CAPTURE_FRAME) {
		side_input_frame(s, index, &f);
		if (s->progress != NULL && ++n % SIDE_PROGRESS_EVERY == 0)
			s->progress(s->progress_ctx, s, capture_offset(cap), total);
	}
	side_input_end(s, index, st, errbuf, capture_format(cap), linktypes,
	               (unsigned)capture_linktypes(cap, linktypes, SIDE_MAX_LINKTYPES));
	if (s->progress != NULL)
		s->progress(s->progress_ctx, s, total, total);
}

bool
side_read_file(struct side *s, const char *path, char *errbuf)
{
	struct capture *cap = capture_open(path, errbuf);

	if (cap == NULL)
		return false;
	side_read_capture(s, cap, path);
	capture_close(cap);
	return true;
}

void
side_finish(struct side *s)
{
	control_finish(s->control);
	/* Connections' later messages first: they name flows; what they leave
	 * apart is paired by address only when nothing else can be. */
	tunnels_finish(&s->tunnels, &s->diag);
	greflow_finish(&s->tunnels);
}

/*
 * A torn last record (a capture copied while it was being written) ends the
 * side's last file early: the capture simply covers less time, and what it
 * holds is whole, so it is judged like a capture stopped at its last whole
 * frame (what the other side saw later is outside the common time).  A torn
 * file followed by another file of the same side is a hole in the middle:
 * damage.
 */
bool
side_damaged(const struct side *s, unsigned mask)
{
	unsigned i;

	for (i = 0; i < s->ninputs; i++)
		if (s->inputs[i].damaged || (s->inputs[i].truncated && i + 1 < s->ninputs))
			return true;
	for (i = 0; i < CODE_COUNT; i++)
		if (i != CODE_CAPTURE_TRUNCATED && s->diag.entries[i].count > 0 &&
		    (code_damage((enum code)i) & mask) != 0)
			return true;
	return false;
}

bool
side_torn(const struct side *s)
{
	return s->ninputs > 0 && s->inputs[s->ninputs - 1].truncated;
}

bool
side_call_cut(const struct side *s, const struct call *c)
{
	if (c == NULL || !side_torn(s))
		return false;
	switch (c->state) {
	case CALL_REQUESTED:
		return true;
	case CALL_ESTABLISHED:
	case CALL_CLEARING:
		return c->to_pac.packets == 0 || c->to_pns.packets == 0;
	default:
		return false;
	}
}
