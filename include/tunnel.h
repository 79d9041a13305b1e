/*
 * What one side's captures say about PPTP: control connections, the calls
 * on them with every Call ID each message carried, and the Enhanced GRE of
 * each call per direction (RFC 2637 sections 1.3, 2 and 4).
 *
 * A call's tunnel on a link is the pair of triples (pns -> pac, PAC's Call
 * ID) and (pac -> pns, PNS's Call ID).  GRE packets are tied to calls by
 * those triples; when a second live call registers a triple that a live
 * call already holds, the collision is recorded and the newer call takes
 * the triple (a receiver that demultiplexes by triple can do no better).
 */
#ifndef PPTP_NATCHECK_TUNNEL_H
#define PPTP_NATCHECK_TUNNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "common.h"
#include "diag.h"
#include "gre.h"
#include "greflow.h"
#include "ip.h"
#include "map.h"
#include "pptp.h"

#define NO_INDEX UINT32_MAX

/* Calls kept per side: a busy NAT's hours of PPTP stay far below; a
 * million-Call-ID flood stops here (counted) instead of eating memory. */
#define TUNNEL_MAX_CALLS 16384
/* Control connections kept per side, for the same reason. */
#define TUNNEL_MAX_CONNS 16384
/* Call-related messages kept per call (OCRQ, OCRP, SLIs, CCRQ, CDN...);
 * later ones are counted only: the first ones carry the evidence. */
#define CALL_MAX_MSGS 16
/* Call messages kept per connection that name no call the capture saw
 * set up (a capture started after the calls were placed): CCRQ, CDN, SLI
 * and WEN of its one or two calls are a handful. */
#define CONN_MAX_LATE_MSGS 8
/* Collisions recorded per side. */
#define TUNNEL_MAX_COLLISIONS 1024
enum call_kind {
	CALL_OUTGOING, /* placed by the PNS with OCRQ */
	CALL_INCOMING, /* placed by the PAC with ICRQ */
	CALL_GRE_ONLY, /* GRE seen, control connection not in the capture */
	CALL_LATE,     /* set up before the capture began: its GRE, then later messages */
};

enum call_state {
	CALL_REQUESTED,
	CALL_ESTABLISHED,
	CALL_REFUSED,
	CALL_CLEARING,     /* CCRQ seen */
	CALL_DISCONNECTED, /* CDN seen */
	CALL_CLOSED,       /* its control connection closed while it was up */
};

/* One call-related control message as this capture saw it. */
struct call_msg {
	struct frame_ref where;
	uint64_t fingerprint; /* pptp_fingerprint: equal across the NAT */
	uint8_t type;
	bool to_pac;
	bool has_call_id, has_peer_call_id;
	uint16_t call_id, peer_call_id;
};

struct call {
	uint32_t conn;         /* index in tunnels.conns, NO_INDEX for GRE-only */
	uint32_t next_on_conn; /* the connection's previous call, NO_INDEX at the end */
	enum call_kind kind;
	enum call_state state;
	bool roles_known; /* GRE-only: pns/pac are just the two endpoints */
	struct addr pns, pac;
	bool has_pns_call_id, has_pac_call_id;
	uint16_t pns_call_id, pac_call_id;
	uint16_t serial;
	uint8_t result, error; /* from OCRP/ICRP */
	uint16_t cause;
	struct frame_ref start, established, end;
	uint64_t request_fp; /* OCRQ/ICRQ fingerprint, 0 when not seen */
	struct gre_dir to_pac, to_pns;
	uint32_t nmsgs; /* messages seen; msgs[] holds the first CALL_MAX_MSGS */
	struct call_msg msgs[CALL_MAX_MSGS];
	bool merged; /* GRE-only direction now counted as another call's reverse */
};

struct conn {
	struct addr client, server; /* client: sent the SYN (or the first packet seen) */
	uint16_t client_port, server_port;
	bool pns_known, pns_is_client;
	struct frame_ref first, last;
	uint64_t sccrq_fp;
	struct frame_ref sccrq_at;
	uint32_t messages, calls;
	uint32_t last_call; /* newest call; older ones via call.next_on_conn */
	uint32_t pending;   /* calls requested and not yet answered */
	bool damaged; /* bytes lost, conflicting or unframeable: its calls' IDs may be wrong */
	/* messages that arrived split across TCP segments: an editor reading
	 * one message per segment (Linux nf_nat_pptp) misses them */
	uint32_t split_messages;
	char hostname[65], vendor[65]; /* from SCCRQ/SCCRP, printable only */
	/* Messages naming calls set up before the capture began, tied to
	 * their GRE-only calls when the reading ends (tunnels_finish). */
	uint32_t nlate;
	struct call_msg late[CONN_MAX_LATE_MSGS];
	bool late_from_client[CONN_MAX_LATE_MSGS]; /* roles may be learnt later */
};

struct collision {
	uint32_t holder, newcomer; /* calls */
	enum gre_direction dir;
	struct addr src, dst;
	uint16_t call_id;
	struct frame_ref where; /* the message that registered the second call */
};

struct tunnels {
	struct call *calls;
	uint32_t ncalls, calls_cap;
	struct conn *conns;
	uint32_t nconns, conns_cap;
	struct map by_triple;  /* (src, dst, Call ID) -> call */
	struct map by_conn_id; /* (conn, owner, Call ID) -> most recent call */
	struct collision collisions[TUNNEL_MAX_COLLISIONS];
	uint32_t ncollisions;
	uint64_t collisions_dropped;
	struct greflow gre; /* GRE counts, samples, GRE-only flows */
	uint64_t calls_dropped, conns_dropped;
};

void tunnels_init(struct tunnels *t);
void tunnels_free(struct tunnels *t);

/* A new control connection; NO_INDEX when TUNNEL_MAX_CONNS is reached. */
uint32_t tunnels_add_conn(struct tunnels *t, const struct addr *client, uint16_t client_port,
                          const struct addr *server, uint16_t server_port,
                          const struct frame_ref *where);

/* One framed, parsed control message of connection conn. */
void tunnels_on_message(struct tunnels *t, struct diag *d, uint32_t conn, bool from_client,
                        const uint8_t *msg, size_t len, const struct pptp_msg *m,
                        const struct frame_ref *where);

/* The control connection closed (FIN both ways or RST): its calls end. */
void tunnels_conn_closed(struct tunnels *t, uint32_t conn, const struct frame_ref *where);

/*
 * After the last frame: the GRE-only flows named by a connection's later
 * messages become that connection's call (CALL_LATE), and what no call
 * explains is reported (pptp_unknown_call).
 */
void tunnels_finish(struct tunnels *t, struct diag *d);

/* The call holding the GRE triple (src, dst, Call ID), and the direction; NO_INDEX when none. */
uint32_t tunnels_gre_call(const struct tunnels *t, const struct addr *src, const struct addr *dst,
                          uint16_t call_id, enum gre_direction *dir);
/* A GRE-only call for the flow src -> dst with key call_id (its "to_pac"
 * direction); NO_INDEX when TUNNEL_MAX_CALLS is reached. */
uint32_t tunnels_add_gre_only(struct tunnels *t, const struct addr *src, const struct addr *dst,
                              uint16_t call_id, const struct frame_ref *where);
/* Register call ci's triple in direction dir (recording a collision). */
void tunnels_register_triple(struct tunnels *t, uint32_t ci, enum gre_direction dir,
                             const struct frame_ref *where);

/*
 * GRE to the PNS of call ci, counting the packets of every call that shared
 * its (pac, pns, Call ID) triple while they were up: such packets are
 * counted on the newest holder, yet any of the calls may have been their
 * destination.  *shared (if not NULL) says whether the triple was shared.
 */
uint64_t tunnels_to_pns_shared(const struct tunnels *t, uint32_t ci, bool *shared);
/* Whether two collisions concern one triple: direction, source, destination, Call ID. */
bool tunnels_same_triple(const struct collision *x, const struct collision *y);

const char *call_state_name(enum call_state s);
const char *call_kind_name(enum call_kind k);
/* Whether the call carried (or could carry) a tunnel: not refused, IDs known. */
bool call_is_tunnel(const struct call *c);

#endif
