/*
 * One capture holding both legs of a NAT, split by interface (see legs.h).
 *
 * Decisions:
 * - Every capture given as one side (one file, or rotated files) is read
 *   through here; a file of one interface makes one leg, which is the whole
 *   file, so nothing changes for it.
 * - An interface is a pcapng interface ID plus, for LINUX_SLL2 frames, the
 *   interface index in the link header (dumpcap -i any writes SLL2 frames
 *   on one pcapng interface).  Frame numbers stay those of the file: each
 *   leg's evidence points into the one file.
 * - Interfaces with no PPTP at all (loopback, a management port) are
 *   ignored.  With two carrying PPTP, the file is judged as a pair; with
 *   more, both --inside-interface and --outside-interface are required (a
 *   VLAN and its parent, or a bridge and its port, show the same packets
 *   twice and no packet says which of them is the NAT's leg).
 * - Inside is the clients' leg, as for two captures (orient.c): with a
 *   port forward that is the WAN, where the clients are.  Which leg that is,
 *   from the packets: the legs are paired like two captures (one clock,
 *   offset 0), and for each tunnel seen on both, the leg where the client's
 *   (PNS's) first control message, or else its first GRE packet, appears
 *   first holds the client: the NAT box captures a forwarded packet once on
 *   the way in and once on the way out.  The majority of tunnels decides.
 *   Tunnels seen as GRE only (a capture started late) do not vote: which of
 *   their endpoints is the client is not known.  Which endpoint the NAT
 *   translates (the client's address differs between the legs: masquerade;
 *   the server's: a port forward) is said alongside.
 * - When the times do not decide (they tie: a fast box stamps a forwarded
 *   packet's arrival and departure in the same microsecond; or no call was
 *   seen on both legs), LINUX_SLL2 packet types do: the
 *   clients' control segments arrive ("to us") on their leg and leave
 *   ("outgoing") on the other, counted per leg while reading.  pcapng legs
 *   without SLL2 frames have no packet types.  Neither deciding, the choice
 *   is left to --inside-interface.
 * - The legs share the file's coverage (first and last frame of the file),
 *   not only their own frames': a quiet interface was still captured.
 * - Judged as one capture, the file keeps the input diagnostics of every
 *   interface (merged, the first examples in frame order); judged as a pair,
 *   those of interfaces with no PPTP are not reported.
 */
#include "legs.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "correlate.h"
#include "ip.h"
#include "link.h"
#include "tcp.h"

struct leg_id
legs_id_of(const struct capture_frame *f)
{
	struct leg_id id = {f->interface, 0, false};
	uint8_t pkttype;

	if (f->linktype == DLT_LINUX_SLL2 &&
	    link_sll2_interface(f->data, f->caplen, &id.ifindex, &pkttype))
		id.has_ifindex = true;
	return id;
}

static bool
id_eq(const struct leg_id *a, const struct leg_id *b)
{
	return a->interface == b->interface && a->has_ifindex == b->has_ifindex &&
	       (!a->has_ifindex || a->ifindex == b->ifindex);
}

static struct side *
new_side(struct legs *l)
{
	struct side *s = malloc(sizeof(*s));
	unsigned f;

	if (s == NULL ||
	    !side_init(s, SIDE_SINGLE, l->has_server_filter ? &l->server_filter : NULL)) {
		free(s);
		l->oom = true;
		return NULL;
	}
	for (f = 0; f < l->nfiles; f++)
		(void)side_input_begin(s, l->paths[f]);
	return s;
}

bool
legs_init(struct legs *l, const struct addr *server_filter)
{
	memset(l, 0, sizeof(*l));
	if (server_filter != NULL) {
		l->has_server_filter = true;
		l->server_filter = *server_filter;
	}
	l->sides[0] = new_side(l);
	return l->sides[0] != NULL;
}

void
legs_free(struct legs *l)
{
	unsigned i;

	for (i = 0; i < LEGS_MAX; i++) {
		if (l->sides[i] == NULL)
			continue;
		side_free(l->sides[i]);
		free(l->sides[i]);
		l->sides[i] = NULL;
	}
}

uint32_t
legs_input_begin(struct legs *l, const char *path)
{
	unsigned i;

	if (l->nfiles >= SIDE_MAX_FILES)
		return NO_INDEX;
	l->paths[l->nfiles] = path;
	for (i = 0; i < LEGS_MAX; i++)
		if (l->sides[i] != NULL)
			(void)side_input_begin(l->sides[i], path);
	return l->nfiles++;
}

/* The leg of an interface, a new one while there is room; NO_INDEX past LEGS_MAX. */
static unsigned
leg_of(struct legs *l, const struct leg_id *id)
{
	unsigned i;

	if (l->n > 0 && id_eq(&l->ids[l->last], id))
		return l->last;
	for (i = 0; i < l->n; i++)
		if (id_eq(&l->ids[i], id))
			return l->last = i;
	if (l->n == LEGS_MAX)
		return NO_INDEX;
	if (l->sides[l->n] == NULL && (l->sides[l->n] = new_side(l)) == NULL)
		return NO_INDEX;
	l->ids[l->n] = *id;
	return l->last = l->n++;
}

static void
count_frame(struct legs *l, uint32_t index, ts_ns_t ts)
{
	l->file_packets[index]++;
	if (l->file_first[index] == 0 || ts < l->file_first[index])
		l->file_first[index] = ts;
	if (ts > l->file_last[index])
		l->file_last[index] = ts;
}

/*
 * An SLL2 frame carrying a PPTP control segment: tally its packet type (see
 * top).  Its IP header comes decoded by side_frame_decode, not parsed (and
 * its checksum summed) again; only an unfragmented TCP segment at the top
 * level, whose IP version is the one the link header names, is counted.
 */
static void
count_type(struct leg_types *t, const struct capture_frame *f, const struct side_decoded *d)
{
	struct link_frame lf;
	const uint8_t *p;
	uint32_t ifindex;
	uint8_t type;
	uint16_t sport, dport;
	size_t off;

	if (d->kind != SIDE_DECODE_IP || d->ip.proto != IP_PROTO_TCP || d->ip.payload_len < 4 ||
	    !link_sll2_interface(f->data, f->caplen, &ifindex, &type) ||
	    (type != LINK_SLL2_HOST && type != LINK_SLL2_OUTGOING) ||
	    link_parse(f->linktype, f->data, f->caplen, &lf) != PARSE_OK ||
	    lf.ethertype != (d->ip.version == 4 ? LINK_ETHERTYPE_IPV4 : LINK_ETHERTYPE_IPV6))
		return;
	/* The offset travels in the pointer field (see side_frame_decode). */
	off = (size_t)(uintptr_t)d->ip.payload;
	if (off > f->caplen || f->caplen - off < 4)
		return;
	p = f->data + off;
	sport = (uint16_t)(p[0] << 8 | p[1]);
	dport = (uint16_t)(p[2] << 8 | p[3]);
	if (dport == TCP_PORT_PPTP)
		*(type == LINK_SLL2_HOST ? &t->to_server_in : &t->to_server_out) += 1;
	else if (sport == TCP_PORT_PPTP)
		*(type == LINK_SLL2_HOST ? &t->to_client_in : &t->to_client_out) += 1;
}

/* A frame of its leg's side, decoded already (dec) or not (NULL). */
static void
input_frame(struct legs *l, uint32_t index, const struct capture_frame *f,
            const struct leg_id *id, const struct side_decoded *dec)
{
	unsigned leg = leg_of(l, id);
	struct side_decoded local;

	count_frame(l, index, f->ts);
	if (leg == NO_INDEX) {
		if (l->overflow++ == 0)
			l->first_overflow = (struct frame_ref){index, f->number, f->ts};
		return;
	}
	if (dec == NULL) {
		side_frame_decode(f, &local);
		dec = &local;
	}
	if (id->has_ifindex)
		count_type(&l->types[leg], f, dec);
	side_input_decoded(l->sides[leg], index, f, dec);
}

void
legs_input_frame(struct legs *l, uint32_t index, const struct capture_frame *f,
                 const struct leg_id *id)
{
	input_frame(l, index, f, id, NULL);
}

void
legs_input_decoded(struct legs *l, uint32_t index, const struct capture_frame *f,
                   const struct leg_id *id, const struct side_decoded *dec)
{
	input_frame(l, index, f, id, dec);
}

void
legs_input_skip(struct legs *l, uint32_t index, ts_ns_t ts, const struct leg_id *id)
{
	unsigned leg = leg_of(l, id);

	count_frame(l, index, ts);
	if (leg == NO_INDEX) {
		if (l->overflow++ == 0)
			l->first_overflow = (struct frame_ref){index, l->file_packets[index], ts};
		return;
	}
	side_input_skip(l->sides[leg], index, ts);
}

void
legs_input_end(struct legs *l, uint32_t index, enum capture_status st, const char *errbuf,
               const char *format, const int *linktypes, unsigned nlinktypes,
               const struct capture *names_from)
{
	unsigned i;

	for (i = 0; names_from != NULL && i < LEGS_NAMED; i++) {
		const char *name = capture_interface_name(names_from, i);

		if (name != NULL && l->names[i][0] == 0)
			snprintf(l->names[i], sizeof(l->names[i]), "%s", name);
	}
	for (i = 0; i < LEGS_MAX; i++)
		if (l->sides[i] != NULL)
			side_input_end(l->sides[i], index, st, errbuf, format, linktypes,
			               nlinktypes);
}

void
legs_read_capture(struct legs *l, struct capture *cap, const char *path)
{
	struct capture_frame f;
	enum capture_status st;
	char errbuf[CAPTURE_ERRBUF_SIZE];
	int linktypes[SIDE_MAX_LINKTYPES];
	uint32_t index = legs_input_begin(l, path);

	if (index == NO_INDEX)
		return;
	errbuf[0] = 0;
	while ((st = capture_next(cap, &f, errbuf)) == CAPTURE_FRAME) {
		struct leg_id id = legs_id_of(&f);

		legs_input_frame(l, index, &f, &id);
	}
	legs_input_end(l, index, st, errbuf, capture_format(cap), linktypes,
	               (unsigned)capture_linktypes(cap, linktypes, SIDE_MAX_LINKTYPES), cap);
}

void
legs_finish(struct legs *l)
{
	unsigned i;

	for (i = 0; i < LEGS_MAX; i++)
		if (l->sides[i] != NULL)
			side_finish(l->sides[i]);
}

void
legs_label(const struct legs *l, unsigned leg, char out[LEGS_LABEL_LEN])
{
	const struct leg_id *id = &l->ids[leg];

	if (id->has_ifindex)
		snprintf(out, LEGS_LABEL_LEN, "ifindex %" PRIu32, id->ifindex);
	else if (id->interface < LEGS_NAMED && l->names[id->interface][0] != 0)
		snprintf(out, LEGS_LABEL_LEN, "%s", l->names[id->interface]);
	else
		snprintf(out, LEGS_LABEL_LEN, "interface %" PRIu32, id->interface);
}

static bool
carries_pptp(const struct side *s)
{
	return s->tunnels.ncalls > 0 || s->tunnels.nconns > 0 || s->counters.gre_pptp > 0;
}

/* The leg an option names: an interface name (pcapng if_name), or a number (the
 * SLL2 interface index, else the pcapng interface ID).  NO_INDEX: none. */
static unsigned
find_leg(const struct legs *l, const char *want)
{
	char *end;
	unsigned long num;
	unsigned i;
	bool numeric;

	errno = 0;
	num = strtoul(want, &end, 10);
	numeric = want[0] >= '0' && want[0] <= '9' && *end == 0 && errno == 0;
	for (i = 0; i < l->n; i++) {
		const struct leg_id *id = &l->ids[i];

		if (numeric && (id->has_ifindex ? id->ifindex : id->interface) == num)
			return i;
		if (!id->has_ifindex && id->interface < LEGS_NAMED &&
		    strcmp(l->names[id->interface], want) == 0)
			return i;
	}
	return NO_INDEX;
}

/* "lan0 (12 packets), ifindex 3 (40 packets)": the interfaces, for messages. */
static void
list_legs(const struct legs *l, bool pptp_only, char *out, size_t len)
{
	char label[LEGS_LABEL_LEN];
	size_t n = 0;
	unsigned i;

	out[0] = 0;
	for (i = 0; i < l->n && n < len; i++) {
		uint64_t packets = 0;
		unsigned f;

		if (pptp_only && !carries_pptp(l->sides[i]))
			continue;
		for (f = 0; f < l->sides[i]->ninputs; f++)
			packets += l->sides[i]->inputs[f].packets;
		legs_label(l, i, label);
		n += (size_t)snprintf(out + n, len - n, "%s%s (%" PRIu64 " packet%s%s)",
		                      n > 0 ? ", " : "", label, packets, packets == 1 ? "" : "s",
		                      carries_pptp(l->sides[i]) ? ", PPTP" : "");
	}
}

/* The first message the endpoint sent (to_pac: the PNS) that both legs saw: its time on each. */
static bool
first_common_message(const struct call *cx, const struct call *cy, bool to_pac, ts_ns_t *tx,
                     ts_ns_t *ty)
{
	uint32_t i, k, nx = cx->nmsgs < CALL_MAX_MSGS ? cx->nmsgs : CALL_MAX_MSGS;
	uint32_t ny = cy->nmsgs < CALL_MAX_MSGS ? cy->nmsgs : CALL_MAX_MSGS;

	for (i = 0; i < nx; i++) {
		if (cx->msgs[i].to_pac != to_pac)
			continue;
		for (k = 0; k < ny; k++)
			if (cy->msgs[k].to_pac == to_pac &&
			    cy->msgs[k].fingerprint == cx->msgs[i].fingerprint) {
				*tx = cx->msgs[i].where.ts;
				*ty = cy->msgs[k].where.ts;
				return true;
			}
	}
	return false;
}

struct orientation {
	unsigned votes[2]; /* tunnels whose translated endpoint showed first on leg x / y */
	unsigned clients_moved, servers_moved, tunnels;
};

/* Vote, tunnel by tunnel, for the leg where the translated endpoint's packets show first. */
static bool
orient(struct side *x, struct side *y, struct orientation *o)
{
	struct correlation corr;
	struct clock_offset same_clock;
	uint32_t i;

	memset(o, 0, sizeof(*o));
	memset(&same_clock, 0, sizeof(same_clock));
	same_clock.known = true; /* one file, one clock */
	if (!correlate(x, y, &same_clock, &corr))
		return false;
	for (i = 0; i < corr.npairs; i++) {
		const struct tunnel_pair *p = &corr.pairs[i];
		const struct call *cx, *cy;
		bool pns_moved, pac_moved;
		ts_ns_t tx = 0, ty = 0;
		const struct gre_dir *gx, *gy;

		if (p->call[SIDE_A] == NO_INDEX || p->call[SIDE_B] == NO_INDEX)
			continue;
		cx = &x->tunnels.calls[p->call[SIDE_A]];
		cy = &y->tunnels.calls[p->call[SIDE_B]];
		if (!cx->roles_known || !cy->roles_known)
			continue;
		o->tunnels++;
		pns_moved = !addr_eq(&cx->pns, &cy->pns);
		pac_moved = !addr_eq(&cx->pac, &cy->pac);
		o->clients_moved += pns_moved;
		o->servers_moved += pac_moved;
		gx = &cx->to_pac;
		gy = &cy->to_pac;
		if (!first_common_message(cx, cy, true, &tx, &ty) && frame_ref_seen(&gx->first) &&
		    frame_ref_seen(&gy->first)) {
			tx = gx->first.ts;
			ty = gy->first.ts;
		}
		if (tx != ty)
			o->votes[tx < ty ? 0 : 1]++;
	}
	correlation_free(&corr);
	return true;
}

static const char *
translation(const struct orientation *o)
{
	if (o->tunnels == 0)
		return "no call seen on both legs says which address the NAT translates";
	if (o->clients_moved > 0 && o->servers_moved > 0)
		return "the NAT translates the clients' and the server's addresses";
	if (o->clients_moved > 0)
		return "the NAT translates the clients' addresses";
	if (o->servers_moved > 0)
		return "the NAT translates the server's address: a port forward";
	return "no address is translated";
}

/* 1: a leg's packets of one direction mostly arrive; -1: mostly leave; 0: neither. */
static int
arrives(uint64_t in, uint64_t out)
{
	return in > out ? 1 : out > in ? -1 : 0;
}

/*
 * The clients' leg of x and y from SLL2 packet types: their control segments
 * arrive on it and leave on the other.  NO_INDEX when the types do not say
 * it, or say it both ways.
 */
static unsigned
by_packet_types(const struct legs *l, unsigned x, unsigned y)
{
	const struct leg_types *tx = &l->types[x], *ty = &l->types[y];
	int ax = arrives(tx->to_server_in, tx->to_server_out);
	int ay = arrives(ty->to_server_in, ty->to_server_out);

	if (ax == 1 && ay == -1)
		return x;
	if (ax == -1 && ay == 1)
		return y;
	return NO_INDEX;
}

/* The file's coverage and packet count for a chosen leg. */
static void
cover_file(const struct legs *l, struct side *s, bool whole_counts)
{
	unsigned f;

	for (f = 0; f < s->ninputs && f < l->nfiles; f++) {
		s->inputs[f].first_ts = l->file_first[f];
		s->inputs[f].last_ts = l->file_last[f];
		if (whole_counts)
			s->inputs[f].packets = l->file_packets[f];
		if (l->file_first[f] != 0 && (s->first_ts == 0 || l->file_first[f] < s->first_ts))
			s->first_ts = l->file_first[f];
		if (l->file_last[f] > s->last_ts)
			s->last_ts = l->file_last[f];
	}
}

static bool
example_before(const struct diag_example *x, const struct diag_example *y)
{
	return x->where.file != y->where.file ? x->where.file < y->where.file
	                                      : x->where.frame < y->where.frame;
}

/* Another leg's input diagnostics into the one judged alone: counts add up, the
 * first DIAG_EXAMPLES examples in frame order are kept. */
static void
merge_diag(struct diag *into, const struct diag *from)
{
	unsigned c, i, k;

	for (c = 0; c < CODE_COUNT; c++) {
		struct diag_entry *d = &into->entries[c];
		const struct diag_entry *e = &from->entries[c];

		d->count += e->count;
		for (i = 0; i < e->nexamples; i++) {
			k = d->nexamples;
			if (k == DIAG_EXAMPLES) {
				if (!example_before(&e->examples[i], &d->examples[k - 1]))
					continue;
				k--;
			} else {
				d->nexamples++;
			}
			while (k > 0 && example_before(&e->examples[i], &d->examples[k - 1])) {
				d->examples[k] = d->examples[k - 1];
				k--;
			}
			d->examples[k] = e->examples[i];
		}
	}
}

/* Judged as one capture: what the other interfaces' frames said about the file. */
static void
merge_into(const struct legs *l, unsigned keep)
{
	struct side *s = l->sides[keep];
	unsigned i, f;

	for (i = 0; i < l->n; i++) {
		const struct side *o = l->sides[i];

		if (i == keep)
			continue;
		merge_diag(&s->diag, &o->diag);
		s->counters.gre_other += o->counters.gre_other;
		for (f = 0; f < s->ninputs && f < o->ninputs; f++)
			s->inputs[f].ignored += o->inputs[f].ignored;
	}
}

static bool
fail(char *errbuf, size_t errlen, const char *fmt, const char *a, const char *b)
{
	snprintf(errbuf, errlen, fmt, a, b);
	return false;
}

/* Frames of interfaces past LEGS_MAX were not analysed: PPTP may be among them. */
static void
note_overflow(const struct legs *l, struct side *s)
{
	if (l->overflow > 0)
		diag_add(&s->diag, CODE_LIMIT_REACHED, &l->first_overflow,
		         "%llu frames of interfaces past the first %d not analysed",
		         (unsigned long long)l->overflow, LEGS_MAX);
}

bool
legs_choose(struct legs *l, const char *want_inside, const char *want_outside,
            struct legs_choice *out, char *errbuf, size_t errlen)
{
	unsigned pptp[LEGS_MAX], npptp = 0, i, in = NO_INDEX, outl = NO_INDEX;
	char list[512], a[LEGS_LABEL_LEN], b[LEGS_LABEL_LEN];
	struct orientation o;

	memset(out, 0, sizeof(*out));
	if (l->oom)
		return fail(errbuf, errlen, "%s%s", "out of memory", "");
	for (i = 0; i < l->n; i++)
		if (carries_pptp(l->sides[i]))
			pptp[npptp++] = i;
	list_legs(l, false, list, sizeof(list));
	if (want_inside != NULL && (in = find_leg(l, want_inside)) == NO_INDEX)
		return fail(errbuf, errlen,
		            "--inside-interface %s: no such interface in the capture "
		            "(it has: %s)",
		            want_inside, list);
	if (want_outside != NULL && (outl = find_leg(l, want_outside)) == NO_INDEX)
		return fail(errbuf, errlen,
		            "--outside-interface %s: no such interface in the capture "
		            "(it has: %s)",
		            want_outside, list);
	if (in != NO_INDEX && in == outl)
		return fail(errbuf, errlen, "%s%s",
		            "the inside and outside interfaces are the same", "");
	if (npptp <= 1 && in == NO_INDEX && outl == NO_INDEX) {
		out->inside = npptp == 1 ? pptp[0] : 0;
		l->sides[out->inside]->role = SIDE_SINGLE;
		if (l->n > 1) {
			legs_label(l, out->inside, a);
			snprintf(out->how, sizeof(out->how),
			         npptp == 1
			             ? "judged as one capture: PPTP only on %s (interfaces: %s)"
			             : "judged as one capture: no PPTP on any interface (%s%s)",
			         npptp == 1 ? a : "", list);
			snprintf(l->sides[out->inside]->leg_how, SIDE_LEG_HOW_LEN, "%s", out->how);
		}
		merge_into(l, out->inside);
		cover_file(l, l->sides[out->inside], true);
		note_overflow(l, l->sides[out->inside]);
		return true;
	}
	if (npptp > 2 && (in == NO_INDEX || outl == NO_INDEX))
		return fail(errbuf, errlen,
		            "more than two interfaces carry PPTP (%s): name the legs "
		            "of the NAT with --inside-interface and --outside-interface%s",
		            list, "");
	if (in == NO_INDEX && outl == NO_INDEX) {
		if (npptp < 2)
			return fail(errbuf, errlen, "%s%s", "internal: no legs", "");
		if (!orient(l->sides[pptp[0]], l->sides[pptp[1]], &o)) {
			l->oom = true;
			return fail(errbuf, errlen, "%s%s", "out of memory", "");
		}
		if (o.votes[0] != o.votes[1]) {
			in = pptp[o.votes[0] > o.votes[1] ? 0 : 1];
			outl = pptp[o.votes[0] > o.votes[1] ? 1 : 0];
			legs_label(l, in, a);
			legs_label(l, outl, b);
			snprintf(out->how, sizeof(out->how),
			         "%s inside, %s outside: in %u of %u tunnels seen on both, the "
			         "clients' packets appear on %s first (%s)",
			         a, b, o.votes[o.votes[0] > o.votes[1] ? 0 : 1], o.tunnels, a,
			         translation(&o));
		} else if ((in = by_packet_types(l, pptp[0], pptp[1])) != NO_INDEX) {
			outl = in == pptp[0] ? pptp[1] : pptp[0];
			legs_label(l, in, a);
			legs_label(l, outl, b);
			snprintf(out->how, sizeof(out->how),
			         "%s inside, %s outside: the clients' control packets arrive on %s "
			         "and leave on %s (SLL2 packet types: the calls' times did not "
			         "decide; %s)",
			         a, b, a, b, translation(&o));
		} else {
			return fail(
			    errbuf, errlen,
			    "two interfaces carry PPTP (%s) and the packets do not say which "
			    "is inside: name it with --inside-interface%s",
			    list, "");
		}
	} else {
		if (in == NO_INDEX || outl == NO_INDEX) {
			/* One named: the other is the other interface with PPTP. */
			unsigned named = in != NO_INDEX ? in : outl, other = NO_INDEX;

			for (i = 0; i < npptp; i++)
				if (pptp[i] != named)
					other = pptp[i];
			if (npptp != 2 || !carries_pptp(l->sides[named]))
				return fail(errbuf, errlen,
				            "the other leg of the NAT cannot be told: "
				            "PPTP is on %s; name both with --inside-interface and "
				            "--outside-interface%s",
				            list, "");
			if (in == NO_INDEX)
				in = other;
			else
				outl = other;
		}
		legs_label(l, in, a);
		legs_label(l, outl, b);
		snprintf(out->how, sizeof(out->how),
		         "%s inside, %s outside: as given on the command line", a, b);
	}
	out->paired = true;
	out->outside = outl;
	out->inside = in;
	l->sides[in]->role = SIDE_INSIDE;
	l->sides[outl]->role = SIDE_OUTSIDE;
	legs_label(l, in, l->sides[in]->leg);
	legs_label(l, outl, l->sides[outl]->leg);
	/* On both: the pair may still be turned round (orient.c), and the report
	 * prints it from whichever side ends up inside. */
	snprintf(l->sides[in]->leg_how, SIDE_LEG_HOW_LEN, "%s", out->how);
	snprintf(l->sides[outl]->leg_how, SIDE_LEG_HOW_LEN, "%s", out->how);
	cover_file(l, l->sides[in], false);
	cover_file(l, l->sides[outl], false);
	note_overflow(l, l->sides[in]);
	return true;
}
