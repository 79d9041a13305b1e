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

static void
add_msg(struct call *c, const struct pptp_msg *m, bool to_pac, uint64_t fp,
        const struct frame_ref *where)
{
	struct call_msg *cm;

	c->end = *where;
	if (c->nmsgs++ >= CALL_MAX_MSGS)
		return;
	cm = &c->msgs[c->nmsgs - 1];
	cm->where = *where;
	cm->fingerprint = fp;
	cm->type = (uint8_t)m->type;
	cm->to_pac = to_pac;
	cm->has_call_id = m->has_call_id;
	cm->call_id = m->call_id;
	cm->has_peer_call_id = m->has_peer_call_id;
	cm->peer_call_id = m->peer_call_id;
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
