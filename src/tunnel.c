/*
 * Control connections and the call state machine, for one side (RFC 2637
 * sections 1.3 and 2), and the GRE triples that tie packets to calls (the
 * packets themselves are greflow.c's).
 *
 * Divergences from the RFC that real implementations show, accepted here
 * (the verdict reports them as warnings or notes, never as NAT defects):
 * - CDN carrying the PNS's Call ID instead of the PAC's (pptpd and the
 *   Linux NAT editor): looked up by the PAC's ID first, then the PNS's.
 * - Set-Link-Info sent by the PAC, carrying the PNS's Call ID (Microsoft).
 * - A call whose OCRP names a Peer's Call ID the PNS never chose (a NAT
 *   that failed to restore it): attached to the connection's pending call
 *   so that the mismatch stays visible as evidence.
 */
#include "tunnel.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

/* Seeds keep the two maps' key spaces apart. */
#define SEED_TRIPLE 0x7472697000000001ULL
#define SEED_CONN_ID 0x636f6e6e00000002ULL
/* Calls of a connection looked at when searching it for a pending or the
 * only live call: real connections carry one or two calls at a time, and a
 * flood of calls on one connection must not make every message a walk. */
#define CALL_WALK_MAX 64

void
tunnels_init(struct tunnels *t)
{
	memset(t, 0, sizeof(*t));
	map_init(&t->by_triple, 4 * (size_t)TUNNEL_MAX_CALLS);
	map_init(&t->by_conn_id, 2 * (size_t)TUNNEL_MAX_CALLS);
	greflow_init(&t->gre);
}

void
tunnels_free(struct tunnels *t)
{
	if (t == NULL)
		return;
	free(t->calls);
	free(t->conns);
	greflow_free(&t->gre);
	map_free(&t->by_triple);
	map_free(&t->by_conn_id);
	memset(t, 0, sizeof(*t));
}

const char *
call_state_name(enum call_state s)
{
	switch (s) {
	case CALL_REQUESTED:
		return "requested";
	case CALL_ESTABLISHED:
		return "established";
	case CALL_REFUSED:
		return "refused";
	case CALL_CLEARING:
		return "clearing";
	case CALL_DISCONNECTED:
		return "disconnected";
	case CALL_CLOSED:
		return "closed";
	}
	return "unknown";
}

const char *
call_kind_name(enum call_kind k)
{
	switch (k) {
	case CALL_OUTGOING:
		return "outgoing";
	case CALL_INCOMING:
		return "incoming";
	case CALL_GRE_ONLY:
		return "gre-only";
	case CALL_LATE:
		return "late";
	}
	return "unknown";
}

bool
call_is_tunnel(const struct call *c)
{
	return c->kind == CALL_GRE_ONLY || frame_ref_seen(&c->established);
}

/* Grow an array of elem-sized items to hold one more, up to max items. */
static bool
grow(void **arr, uint32_t *cap, uint32_t need, uint32_t max, size_t elem)
{
	uint32_t new_cap;
	void *p;

	if (need <= *cap)
		return true;
	if (need > max)
		return false;
	new_cap = *cap != 0 ? *cap * 2 : 16;
	if (new_cap > max)
		new_cap = max;
	p = realloc(*arr, (size_t)new_cap * elem);
	if (p == NULL)
		return false;
	*arr = p;
	*cap = new_cap;
	return true;
}

uint32_t
tunnels_add_conn(struct tunnels *t, const struct addr *client, uint16_t client_port,
                 const struct addr *server, uint16_t server_port, const struct frame_ref *where)
{
	struct conn *c;

	if (!grow((void **)&t->conns, &t->conns_cap, t->nconns + 1, TUNNEL_MAX_CONNS,
	          sizeof(*t->conns))) {
		t->conns_dropped++;
		return NO_INDEX;
	}
	c = &t->conns[t->nconns];
	memset(c, 0, sizeof(*c));
	c->client = *client;
	c->server = *server;
	c->client_port = client_port;
	c->server_port = server_port;
	c->first = c->last = *where;
	c->last_call = NO_INDEX;
	return t->nconns++;
}

static uint32_t
new_call(struct tunnels *t, uint32_t conn, enum call_kind kind, const struct frame_ref *where)
{
	struct call *c;

	if (!grow((void **)&t->calls, &t->calls_cap, t->ncalls + 1, TUNNEL_MAX_CALLS,
	          sizeof(*t->calls))) {
		t->calls_dropped++;
		return NO_INDEX;
	}
	c = &t->calls[t->ncalls];
	memset(c, 0, sizeof(*c));
	c->conn = conn;
	c->next_on_conn = NO_INDEX;
	if (conn != NO_INDEX && conn < t->nconns) {
		c->next_on_conn = t->conns[conn].last_call;
		t->conns[conn].last_call = t->ncalls;
	}
	c->kind = kind;
	c->state = CALL_REQUESTED;
	if (conn != NO_INDEX && conn < t->nconns && kind != CALL_GRE_ONLY)
		t->conns[conn].pending++;
	c->roles_known = kind != CALL_GRE_ONLY;
	c->start = *where;
	c->end = *where;
	return t->ncalls++;
}

static uint64_t
triple_key(const struct addr *src, const struct addr *dst, uint16_t call_id)
{
	return hash_mix64(addr_hash(src, SEED_TRIPLE) ^
	                  hash_mix64(addr_hash(dst, SEED_TRIPLE + 1)) ^ ((uint64_t)call_id << 1));
}

static uint64_t
conn_id_key(uint32_t conn, enum pptp_id_owner owner, uint16_t call_id)
{
	return hash_mix64(SEED_CONN_ID ^ ((uint64_t)conn << 20) ^ ((uint64_t)owner << 17) ^
	                  call_id);
}

/* Direction of a GRE packet src -> dst with key call_id within call c, or -1. */
static int
call_gre_dir(const struct call *c, const struct addr *src, const struct addr *dst, uint16_t call_id)
{
	if (c->has_pac_call_id && c->pac_call_id == call_id && addr_eq(&c->pns, src) &&
	    addr_eq(&c->pac, dst))
		return GRE_TO_PAC;
	if (c->has_pns_call_id && c->pns_call_id == call_id && addr_eq(&c->pac, src) &&
	    addr_eq(&c->pns, dst))
		return GRE_TO_PNS;
	return -1;
}

static bool
call_live(const struct call *c)
{
	return !c->merged && (c->state == CALL_ESTABLISHED || c->state == CALL_CLEARING ||
	                      c->kind == CALL_GRE_ONLY);
}

void
tunnels_register_triple(struct tunnels *t, uint32_t ci, enum gre_direction dir,
                        const struct frame_ref *where)
{
	struct call *c = &t->calls[ci];
	const struct addr *src = dir == GRE_TO_PAC ? &c->pns : &c->pac;
	const struct addr *dst = dir == GRE_TO_PAC ? &c->pac : &c->pns;
	uint16_t id = dir == GRE_TO_PAC ? c->pac_call_id : c->pns_call_id;
	uint64_t key = triple_key(src, dst, id);
	uint32_t holder;

	if (map_get(&t->by_triple, key, &holder) && holder != ci && holder < t->ncalls &&
	    call_live(&t->calls[holder]) && call_gre_dir(&t->calls[holder], src, dst, id) >= 0) {
		if (t->ncollisions < TUNNEL_MAX_COLLISIONS) {
			struct collision *col = &t->collisions[t->ncollisions++];

			col->holder = holder;
			col->newcomer = ci;
			col->dir = dir;
			col->src = *src;
			col->dst = *dst;
			col->call_id = id;
			col->where = *where;
		} else {
			t->collisions_dropped++;
		}
	}
	map_put(&t->by_triple, key, ci);
}

static void
remember_id(struct tunnels *t, uint32_t ci, enum pptp_id_owner owner, uint16_t id)
{
	map_put(&t->by_conn_id, conn_id_key(t->calls[ci].conn, owner, id), ci);
}

static uint32_t
find_by_id(const struct tunnels *t, uint32_t conn, enum pptp_id_owner owner, uint16_t id)
{
	uint32_t ci;
	const struct call *c;

	if (!map_get(&t->by_conn_id, conn_id_key(conn, owner, id), &ci) || ci >= t->ncalls)
		return NO_INDEX;
	c = &t->calls[ci];
	if (c->conn != conn)
		return NO_INDEX;
	if (owner == PPTP_ID_PNS && (!c->has_pns_call_id || c->pns_call_id != id))
		return NO_INDEX;
	if (owner == PPTP_ID_PAC && (!c->has_pac_call_id || c->pac_call_id != id))
		return NO_INDEX;
	return ci;
}

/* The newest call of conn still waiting for its reply, or NO_INDEX. */
static uint32_t
find_pending(const struct tunnels *t, uint32_t conn, enum call_kind kind)
{
	uint32_t i, walked = 0;

	/* Without this test a flood of answered calls makes every stray reply
	 * walk the whole list. */
	if (t->conns[conn].pending == 0)
		return NO_INDEX;
	for (i = t->conns[conn].last_call; i != NO_INDEX && walked++ < CALL_WALK_MAX;
	     i = t->calls[i].next_on_conn) {
		const struct call *c = &t->calls[i];

		if (c->kind == kind && c->state == CALL_REQUESTED &&
		    !frame_ref_seen(&c->established))
			return i;
	}
	return NO_INDEX;
}

/*
 * A message naming a Call ID its connection never used still belongs to
 * that connection's call when there is just one: a NAT that mangled the
 * field is what the message is evidence of.
 */
static uint32_t
only_live_call(const struct tunnels *t, uint32_t conn)
{
	uint32_t i, found = NO_INDEX, walked = 0;

	for (i = t->conns[conn].last_call; i != NO_INDEX && walked++ < CALL_WALK_MAX;
	     i = t->calls[i].next_on_conn) {
		const struct call *c = &t->calls[i];

		if (c->state == CALL_REFUSED || c->state == CALL_DISCONNECTED ||
		    c->state == CALL_CLOSED)
			continue;
		if (found != NO_INDEX)
			return NO_INDEX;
		found = i;
	}
	return found;
}

void
tunnels_conn_closed(struct tunnels *t, uint32_t conn, const struct frame_ref *where)
{
	uint32_t i;

	if (conn >= t->nconns)
		return;
	for (i = t->conns[conn].last_call; i != NO_INDEX; i = t->calls[i].next_on_conn) {
		struct call *c = &t->calls[i];

		if (c->state == CALL_ESTABLISHED || c->state == CALL_CLEARING ||
		    c->state == CALL_REQUESTED) {
			c->state = CALL_CLOSED;
			if (where->ts > c->end.ts)
				c->end = *where;
		}
	}
}

static void
copy_printable(char *dst, size_t dst_len, const uint8_t *src, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && src[i] != 0 && o + 1 < dst_len; i++)
		dst[o++] = isprint(src[i]) ? (char)src[i] : '.';
	dst[o] = 0;
}

/* What a call keeps of message m: where it was, its fingerprint and its Call IDs. */
static void
fill_msg(struct call_msg *cm, const struct pptp_msg *m, bool to_pac, uint64_t fp,
         const struct frame_ref *where)
{
	cm->where = *where;
	cm->fingerprint = fp;
	cm->type = (uint8_t)m->type;
	cm->to_pac = to_pac;
	cm->has_call_id = m->has_call_id;
	cm->call_id = m->call_id;
	cm->has_peer_call_id = m->has_peer_call_id;
	cm->peer_call_id = m->peer_call_id;
}

static void
add_msg(struct call *c, const struct pptp_msg *m, bool to_pac, uint64_t fp,
        const struct frame_ref *where)
{
	c->end = *where;
	if (c->nmsgs++ >= CALL_MAX_MSGS)
		return;
	fill_msg(&c->msgs[c->nmsgs - 1], m, to_pac, fp, where);
}

/* A pending call got its reply (accepted or refused). */
static void
answered(struct tunnels *t, uint32_t ci)
{
	const struct call *c = &t->calls[ci];

	if (c->conn != NO_INDEX && c->conn < t->nconns && t->conns[c->conn].pending > 0)
		t->conns[c->conn].pending--;
}

static void
establish(struct tunnels *t, uint32_t ci, const struct frame_ref *where)
{
	struct call *c = &t->calls[ci];

	c->state = CALL_ESTABLISHED;
	c->established = *where;
	tunnels_register_triple(t, ci, GRE_TO_PAC, where);
	tunnels_register_triple(t, ci, GRE_TO_PNS, where);
}

/*
 * OCRQ (the PNS places a call, naming its Call ID) or ICRQ (the PAC
 * places one, naming its own).
 */
static uint32_t
request_call(struct tunnels *t, uint32_t conn, const struct pptp_msg *m, uint64_t fp,
             const struct frame_ref *where)
{
	bool outgoing = m->type == PPTP_OCRQ;
	uint32_t ci = new_call(t, conn, outgoing ? CALL_OUTGOING : CALL_INCOMING, where);
	struct call *c;

	if (ci == NO_INDEX)
		return NO_INDEX;
	t->conns[conn].calls++;
	c = &t->calls[ci];
	if (outgoing) {
		c->pns_call_id = m->call_id;
		c->has_pns_call_id = true;
	} else {
		c->pac_call_id = m->call_id;
		c->has_pac_call_id = true;
	}
	c->serial = m->serial;
	c->request_fp = fp;
	remember_id(t, ci, outgoing ? PPTP_ID_PNS : PPTP_ID_PAC, m->call_id);
	return ci;
}

/*
 * OCRP or ICRP: the other side answers with its own Call ID, naming the
 * requester's as Peer's Call ID.  A reply whose Peer's Call ID matches no
 * request (a NAT that did not restore it) answers the connection's pending
 * request, so that the mismatch stays on record.
 */
static uint32_t
answer_call(struct tunnels *t, uint32_t conn, const struct pptp_msg *m,
            const struct frame_ref *where)
{
	bool outgoing = m->type == PPTP_OCRP;
	enum pptp_id_owner requester = outgoing ? PPTP_ID_PNS : PPTP_ID_PAC;
	uint32_t ci = find_by_id(t, conn, requester, m->peer_call_id);
	struct call *c;

	if (ci == NO_INDEX)
		ci = find_pending(t, conn, outgoing ? CALL_OUTGOING : CALL_INCOMING);
	if (ci == NO_INDEX || t->calls[ci].state != CALL_REQUESTED)
		return ci;
	c = &t->calls[ci];
	if (outgoing) {
		c->pac_call_id = m->call_id;
		c->has_pac_call_id = true;
	} else {
		c->pns_call_id = m->call_id;
		c->has_pns_call_id = true;
	}
	c->result = m->result;
	c->error = m->error;
	c->cause = m->cause;
	remember_id(t, ci, outgoing ? PPTP_ID_PAC : PPTP_ID_PNS, m->call_id);
	answered(t, ci);
	if (m->result == 1)
		establish(t, ci, where);
	else
		c->state = CALL_REFUSED;
	return ci;
}

void
tunnels_on_message(struct tunnels *t, struct diag *d, uint32_t conn, bool from_client,
                   const uint8_t *msg, size_t len, const struct pptp_msg *m,
                   const struct frame_ref *where)
{
	struct conn *cn;
	const struct pptp_type_info *ti = m->info;
	bool from_pns;
	uint32_t ci = NO_INDEX;
	uint64_t fp;

	if (conn >= t->nconns || ti == NULL)
		return;
	cn = &t->conns[conn];
	cn->messages++;
	cn->last = *where;
	/* Roles from the first message only one role sends; not from SLI,
	 * which PACs send as well as PNSs. */
	if (!cn->pns_known && ti->sender != PPTP_SENDER_EITHER && m->type != PPTP_SLI) {
		cn->pns_known = true;
		cn->pns_is_client = (ti->sender == PPTP_SENDER_PNS) == from_client;
	}
	/* Until a message tells, assume the side that connected is the PNS. */
	from_pns = cn->pns_known ? from_client == cn->pns_is_client : from_client;
	fp = pptp_fingerprint(msg, len);

	switch (m->type) {
	case PPTP_SCCRQ:
		if (!frame_ref_seen(&cn->sccrq_at)) {
			cn->sccrq_fp = fp;
			cn->sccrq_at = *where;
			if (len >= 156) {
				copy_printable(cn->hostname, sizeof(cn->hostname), msg + 28, 64);
				copy_printable(cn->vendor, sizeof(cn->vendor), msg + 92, 64);
			}
		}
		return;
	case PPTP_OCRQ:
	case PPTP_ICRQ:
		ci = request_call(t, conn, m, fp, where);
		if (ci == NO_INDEX)
			return;
		break;
	case PPTP_OCRP:
	case PPTP_ICRP:
		ci = answer_call(t, conn, m, where);
		break;
	case PPTP_ICCN:
	case PPTP_WEN:
		ci = find_by_id(t, conn, PPTP_ID_PNS, m->peer_call_id);
		break;
	case PPTP_CCRQ:
		ci = find_by_id(t, conn, PPTP_ID_PNS, m->call_id);
		if (ci != NO_INDEX && t->calls[ci].state == CALL_ESTABLISHED)
			t->calls[ci].state = CALL_CLEARING;
		break;
	case PPTP_CDN:
		ci = find_by_id(t, conn, PPTP_ID_PAC, m->call_id);
		if (ci == NO_INDEX)
			ci = find_by_id(t, conn, PPTP_ID_PNS, m->call_id);
		if (ci != NO_INDEX && t->calls[ci].state != CALL_REFUSED)
			t->calls[ci].state = CALL_DISCONNECTED;
		break;
	case PPTP_SLI:
		/* RFC: from the PNS with the PAC's ID; Microsoft PACs send it too,
		 * with the PNS's ID. */
		ci = from_pns ? find_by_id(t, conn, PPTP_ID_PAC, m->peer_call_id)
		              : find_by_id(t, conn, PPTP_ID_PNS, m->peer_call_id);
		break;
	default:
		return; /* connection-level: SCCRP, StopCC, Echo */
	}
	if (ci == NO_INDEX)
		ci = only_live_call(t, conn);
	if (ci == NO_INDEX && cn->last_call == NO_INDEX && cn->nlate < CONN_MAX_LATE_MSGS) {
		/* A connection with no call set up in the capture: the call was
		 * placed before it began.  Kept to be tied to its GRE at the end. */
		/* Its direction is told once the roles are known (name_flows). */
		fill_msg(&cn->late[cn->nlate], m, false, fp, where);
		cn->late_from_client[cn->nlate++] = from_client;
		return;
	}
	if (ci == NO_INDEX) {
		diag_add(d, CODE_PPTP_UNKNOWN_CALL, where,
		         "%s names Call ID %u, unknown on this connection", ti->abbrev,
		         m->has_call_id ? m->call_id : m->peer_call_id);
		return;
	}
	{
		struct call *c = &t->calls[ci];
		bool client_is_pns = cn->pns_known ? cn->pns_is_client : true;

		if (c->pns.family == 0) {
			c->pns = client_is_pns ? cn->client : cn->server;
			c->pac = client_is_pns ? cn->server : cn->client;
		}
		add_msg(c, m, from_pns, fp, where);
		if (m->type == PPTP_CDN || m->type == PPTP_STOPCCRQ)
			c->end = *where;
	}
}

static int
cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

/*
 * The calls of a shared triple are the holders and newcomers of its
 * collisions: gathered, sorted and counted once each, O(collisions) per
 * call rather than a walk over every call for every collision.
 */
uint64_t
tunnels_to_pns_shared(const struct tunnels *t, uint32_t ci, bool *shared)
{
	const struct call *c = &t->calls[ci];
	uint32_t members[2 * TUNNEL_MAX_COLLISIONS];
	uint32_t i, n = 0;
	uint64_t total = 0;
	bool in_group = false;

	for (i = 0; i < t->ncollisions; i++) {
		const struct collision *col = &t->collisions[i];

		if (col->dir != GRE_TO_PNS || col->call_id != c->pns_call_id ||
		    !addr_eq(&col->src, &c->pac) || !addr_eq(&col->dst, &c->pns))
			continue;
		in_group = in_group || col->holder == ci || col->newcomer == ci;
		members[n++] = col->holder;
		members[n++] = col->newcomer;
	}
	if (shared != NULL)
		*shared = in_group;
	if (!in_group)
		return c->to_pns.packets;
	qsort(members, n, sizeof(*members), cmp_u32);
	for (i = 0; i < n; i++)
		if ((i == 0 || members[i] != members[i - 1]) && members[i] < t->ncalls)
			total += t->calls[members[i]].to_pns.packets;
	return total;
}

bool
tunnels_same_triple(const struct collision *x, const struct collision *y)
{
	return x->dir == y->dir && x->call_id == y->call_id && addr_eq(&x->src, &y->src) &&
	       addr_eq(&x->dst, &y->dst);
}

uint32_t
tunnels_gre_call(const struct tunnels *t, const struct addr *src, const struct addr *dst,
                 uint16_t call_id, enum gre_direction *dir)
{
	uint32_t ci;
	int d;

	if (!map_get(&t->by_triple, triple_key(src, dst, call_id), &ci) || ci >= t->ncalls)
		return NO_INDEX;
	d = call_gre_dir(&t->calls[ci], src, dst, call_id);
	if (d < 0)
		return NO_INDEX;
	*dir = (enum gre_direction)d;
	return ci;
}

uint32_t
tunnels_add_gre_only(struct tunnels *t, const struct addr *src, const struct addr *dst,
                     uint16_t call_id, const struct frame_ref *where)
{
	uint32_t ci = new_call(t, NO_INDEX, CALL_GRE_ONLY, where);
	struct call *c;

	if (ci == NO_INDEX)
		return NO_INDEX;
	c = &t->calls[ci];
	/* Roles unknown: the first sender is taken as "pns" only to name the
	 * two directions; reports show roles_known = false. */
	c->pns = *src;
	c->pac = *dst;
	c->pac_call_id = call_id;
	c->has_pac_call_id = true;
	c->state = CALL_ESTABLISHED;
	c->established = *where;
	tunnels_register_triple(t, ci, GRE_TO_PAC, where);
	return ci;
}

/* ---- calls set up before the capture began ---- */

/*
 * Which flow a late message names: the GRE from the PNS carries the PAC's
 * Call ID, the GRE from the PAC the PNS's.  *to_pac says which direction.
 * CDN is taken by the RFC (the PAC's Call ID) and, failing that, as pptpd
 * and the Linux editor send it (the PNS's).
 */
static uint32_t
late_flow(const struct tunnels *t, const struct conn *cn, const struct call_msg *m, bool *to_pac)
{
	const struct addr *pns = cn->pns_is_client ? &cn->client : &cn->server;
	const struct addr *pac = cn->pns_is_client ? &cn->server : &cn->client;
	enum gre_direction dir;
	uint32_t ci = NO_INDEX;
	uint16_t id;

	switch (m->type) {
	case PPTP_CCRQ: /* PNS: its own Call ID */
		*to_pac = false;
		return m->has_call_id ? tunnels_gre_call(t, pac, pns, m->call_id, &dir) : NO_INDEX;
	case PPTP_CDN: /* PAC: its own (RFC), or the PNS's */
		if (!m->has_call_id)
			return NO_INDEX;
		*to_pac = true;
		ci = tunnels_gre_call(t, pns, pac, m->call_id, &dir);
		if (ci == NO_INDEX) {
			*to_pac = false;
			ci = tunnels_gre_call(t, pac, pns, m->call_id, &dir);
		}
		return ci;
	case PPTP_SLI: /* from the PNS: the PAC's; from the PAC: the PNS's */
	case PPTP_WEN:
		if (!m->has_peer_call_id)
			return NO_INDEX;
		id = m->peer_call_id;
		*to_pac = m->to_pac;
		return m->to_pac ? tunnels_gre_call(t, pns, pac, id, &dir)
		                 : tunnels_gre_call(t, pac, pns, id, &dir);
	default:
		return NO_INDEX;
	}
}

struct late_tie {
	uint32_t fwd, back; /* calls holding the flow to the PAC, to the PNS */
	bool has_back_id;   /* the PNS's Call ID, from a CCRQ */
	uint16_t back_id;
	bool has_fwd_id; /* the PAC's Call ID, from an SLI to the PAC or a CDN */
	uint16_t fwd_id;
};

static void
adopt(struct tunnels *t, uint32_t conn, uint32_t ci)
{
	struct conn *cn = &t->conns[conn];
	struct call *c = &t->calls[ci];
	uint32_t k;

	c->kind = CALL_LATE;
	c->roles_known = true;
	c->conn = conn;
	c->next_on_conn = cn->last_call;
	cn->last_call = ci;
	cn->calls++;
	for (k = 0; k < cn->nlate; k++) {
		const struct call_msg *m = &cn->late[k];

		if (c->nmsgs++ < CALL_MAX_MSGS)
			c->msgs[c->nmsgs - 1] = *m;
		if (m->where.ts > c->end.ts)
			c->end = m->where;
		if (m->type == PPTP_CCRQ && c->state == CALL_ESTABLISHED)
			c->state = CALL_CLEARING;
		else if (m->type == PPTP_CDN)
			c->state = CALL_DISCONNECTED;
	}
	cn->nlate = 0;
}

/* Whether call ci carries GRE both ways (joined, or set up with both IDs). */
static bool
both_ways(const struct tunnels *t, uint32_t ci)
{
	return ci != NO_INDEX && t->calls[ci].has_pns_call_id && t->calls[ci].has_pac_call_id;
}

/* Lone GRE directions by (source, destination), to find the only one between two hosts. */
struct lone_flow {
	uint64_t key;
	uint32_t call;
};

static uint64_t
flow_key(const struct addr *src, const struct addr *dst)
{
	return hash_mix64(addr_hash(src, SEED_TRIPLE + 2) ^
	                  hash_mix64(addr_hash(dst, SEED_TRIPLE + 3)));
}

static int
cmp_lone_flow(const void *x, const void *y)
{
	const struct lone_flow *a = x, *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->call < b->call ? -1 : a->call > b->call;
}

static struct lone_flow *
lone_flows(const struct tunnels *t, uint32_t *n)
{
	struct lone_flow *v = malloc(((size_t)t->ncalls + 1) * sizeof(*v));
	uint32_t i;

	*n = 0;
	if (v == NULL)
		return NULL;
	for (i = 0; i < t->ncalls; i++)
		if (greflow_lone_direction(&t->calls[i]))
			v[(*n)++] =
			    (struct lone_flow){flow_key(&t->calls[i].pns, &t->calls[i].pac), i};
	if (*n > 0)
		qsort(v, *n, sizeof(*v), cmp_lone_flow);
	return v;
}

/* The one lone GRE direction from src to dst, or NO_INDEX (none, or several). */
static uint32_t
only_flow(const struct tunnels *t, const struct lone_flow *v, uint32_t n, const struct addr *src,
          const struct addr *dst)
{
	uint64_t key = flow_key(src, dst);
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (v[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= n || v[lo].key != key || (lo + 1 < n && v[lo + 1].key == key))
		return NO_INDEX;
	if (!addr_eq(&t->calls[v[lo].call].pns, src) || !addr_eq(&t->calls[v[lo].call].pac, dst))
		return NO_INDEX;
	return v[lo].call;
}

/*
 * The flows each connection's late messages name, and how many connections
 * name each.  A direction no message names is the only lone GRE between
 * the connection's two hosts that way, if there is exactly one: a client
 * with one control connection to a server carries its call's GRE.  Not
 * for the GRE back when a CCRQ named the PNS's Call ID and no flow has it:
 * that mismatch is what the NAT did (a Call ID not restored).  A connection
 * whose messages name several calls (two CCRQ Call IDs...) is left alone:
 * which GRE is whose call is not known.
 */
static void
name_flows(const struct tunnels *t, struct late_tie *tie, uint32_t *named)
{
	uint32_t i, k, nlone = 0;
	struct lone_flow *lone = lone_flows(t, &nlone);
	bool several;

	for (i = 0; i < t->nconns; i++) {
		struct conn *cn = &t->conns[i];
		struct late_tie *lt = &tie[i];

		lt->fwd = lt->back = NO_INDEX;
		lt->back_id = 0;
		lt->has_back_id = false;
		lt->fwd_id = 0;
		lt->has_fwd_id = false;
		several = false;
		if (cn->nlate == 0 || !cn->pns_known)
			continue;
		for (k = 0; k < cn->nlate; k++) {
			struct call_msg *m = &cn->late[k];
			bool to_pac;
			uint32_t ci;

			m->to_pac = cn->late_from_client[k] == cn->pns_is_client;
			if (m->type == PPTP_CCRQ && m->has_call_id) {
				several = several || (lt->has_back_id && lt->back_id != m->call_id);
				lt->has_back_id = true;
				lt->back_id = m->call_id;
			}
			if ((m->type == PPTP_SLI && m->to_pac && m->has_peer_call_id) ||
			    (m->type == PPTP_CDN && m->has_call_id)) {
				uint16_t id = m->type == PPTP_SLI ? m->peer_call_id : m->call_id;

				several = several || (lt->has_fwd_id && lt->fwd_id != id);
				lt->has_fwd_id = true;
				lt->fwd_id = id;
			}
			ci = late_flow(t, cn, m, &to_pac);
			if (ci == NO_INDEX || t->calls[ci].kind != CALL_GRE_ONLY)
				continue;
			if (to_pac && lt->fwd == NO_INDEX)
				lt->fwd = ci;
			else if (!to_pac && lt->back == NO_INDEX)
				lt->back = ci;
		}
		/* Messages of several calls: which GRE is whose is not known. */
		if (several) {
			lt->fwd = lt->back = NO_INDEX;
			continue;
		}
		if (lone != NULL) {
			const struct addr *pns = cn->pns_is_client ? &cn->client : &cn->server;
			const struct addr *pac = cn->pns_is_client ? &cn->server : &cn->client;

			if (lt->fwd == NO_INDEX)
				lt->fwd = only_flow(t, lone, nlone, pns, pac);
			if (lt->back == NO_INDEX && !lt->has_back_id)
				lt->back = only_flow(t, lone, nlone, pac, pns);
		}
		/* One direction named, of a call that already has both. */
		if (lt->fwd == NO_INDEX && both_ways(t, lt->back))
			lt->fwd = lt->back;
		if (lt->back == NO_INDEX && both_ways(t, lt->fwd))
			lt->back = lt->fwd;
		if (lt->fwd != NO_INDEX)
			named[lt->fwd]++;
		if (lt->back != NO_INDEX && lt->back != lt->fwd)
			named[lt->back]++;
	}
	free(lone);
}

/*
 * A connection whose messages name both directions of one call, or two
 * lone directions no other connection names, owns that call.  Several
 * connections naming one flow to the PNS are several calls sharing its
 * triple (a NAT without an editor): each keeps its own flow to the PAC and
 * registers the shared triple, so the collision is recorded as for calls
 * seen set up, and the shared flow's packets go to the newest of them.
 */
static void
tie_late(struct tunnels *t)
{
	struct late_tie *tie = malloc(((size_t)t->nconns + 1) * sizeof(*tie));
	uint32_t *named = calloc((size_t)t->ncalls + 1, sizeof(*named));
	uint32_t *remap = greflow_remap_new(t);
	uint32_t i;

	if (tie == NULL || named == NULL || remap == NULL)
		goto out;
	name_flows(t, tie, named);
	/* Joins first: a join moves the flow to the PNS into the other call. */
	for (i = 0; i < t->nconns; i++) {
		struct late_tie *lt = &tie[i];

		if (lt->fwd == NO_INDEX || lt->back == NO_INDEX || lt->fwd == lt->back ||
		    named[lt->fwd] != 1 || named[lt->back] != 1)
			continue;
		if (greflow_join(t, lt->fwd, lt->back, remap)) {
			uint32_t keep = t->calls[lt->fwd].merged ? lt->back : lt->fwd;

			lt->fwd = lt->back = keep;
		}
	}
	/* Orientation flips compose badly with moves: apply the joins first. */
	greflow_remap_apply(t, remap);
	remap = greflow_remap_new(t);
	if (remap == NULL)
		goto out;
	/* Calls sharing a flow back register its triple before any is adopted
	 * (adopting applies their clearing messages, after which a call no
	 * longer holds a triple): the first takes the flow's packets. */
	for (i = 0; i < t->nconns; i++) {
		struct late_tie *lt = &tie[i];
		struct call *c;

		if (lt->fwd == NO_INDEX || lt->fwd == lt->back || named[lt->fwd] != 1 ||
		    !greflow_lone_direction(&t->calls[lt->fwd]))
			continue;
		c = &t->calls[lt->fwd];
		if (lt->back != NO_INDEX && t->calls[lt->back].kind == CALL_GRE_ONLY &&
		    !t->calls[lt->back].has_pns_call_id) {
			/* A lone flow back (or one another call took already). */
			c->pns_call_id = t->calls[lt->back].pac_call_id;
			if (!t->calls[lt->back].merged)
				greflow_absorb(t, lt->fwd, lt->back, remap);
		} else if (lt->back == NO_INDEX && lt->has_back_id) {
			/* No GRE back in this capture: the ID from the CCRQ. */
			c->pns_call_id = lt->back_id;
		} else {
			continue;
		}
		c->has_pns_call_id = true;
		c->to_pns.key = c->pns_call_id;
		tunnels_register_triple(t, lt->fwd, GRE_TO_PNS, &c->established);
		lt->back = lt->fwd;
	}
	/* Only GRE back in this capture: the call is that flow, turned round,
	 * with the PAC's Call ID from an SLI or CDN (a CDN carrying the PNS's
	 * ID, as pptpd's does, names no flow to the PAC). */
	for (i = 0; i < t->nconns; i++) {
		struct late_tie *lt = &tie[i];
		struct call *c;

		if (lt->fwd != NO_INDEX || lt->back == NO_INDEX || named[lt->back] != 1 ||
		    !greflow_lone_direction(&t->calls[lt->back]))
			continue;
		greflow_orient(t, lt->back, remap);
		c = &t->calls[lt->back];
		if (lt->has_fwd_id && lt->fwd_id != c->pns_call_id) {
			c->pac_call_id = lt->fwd_id;
			c->has_pac_call_id = true;
			tunnels_register_triple(t, lt->back, GRE_TO_PAC, &c->established);
		}
		adopt(t, i, lt->back);
		lt->fwd = lt->back = NO_INDEX; /* done: not again below */
	}
	for (i = 0; i < t->nconns; i++) {
		struct late_tie *lt = &tie[i];
		const struct conn *cn = &t->conns[i];

		if (lt->fwd == NO_INDEX || lt->fwd != lt->back || named[lt->fwd] != 1)
			continue;
		/* Make the call's "pns" the connection's PNS. */
		if (!addr_eq(&t->calls[lt->fwd].pns, cn->pns_is_client ? &cn->client : &cn->server))
			greflow_orient(t, lt->fwd, remap);
		adopt(t, i, lt->fwd);
	}
out:
	greflow_remap_apply(t, remap);
	free(tie);
	free(named);
}

void
tunnels_finish(struct tunnels *t, struct diag *d)
{
	uint32_t i, k;

	tie_late(t);
	for (i = 0; i < t->nconns; i++) {
		const struct conn *cn = &t->conns[i];

		for (k = 0; k < cn->nlate; k++) {
			const struct call_msg *m = &cn->late[k];
			const struct pptp_type_info *ti = pptp_type_info(m->type);

			diag_add(d, CODE_PPTP_UNKNOWN_CALL, &m->where,
			         "%s names Call ID %u, unknown on this connection",
			         ti != NULL ? ti->abbrev : "?",
			         m->has_call_id ? m->call_id : m->peer_call_id);
		}
	}
}
