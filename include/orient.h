/*
 * Which capture is which side of the NAT: from the two analysed sides and
 * their pairing, which one holds the clients (the PNSs) and which endpoint
 * the NAT translates; and whether the two captures are one capture twice.
 */
#ifndef PPTP_NATCHECK_ORIENT_H
#define PPTP_NATCHECK_ORIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "correlate.h"
#include "side.h"

/* Packets matched per direction before their timing says anything. */
#define ORIENT_MIN_TIMING_SAMPLES 3
/* A lead shorter than this is timestamp noise (pcap timestamps are often
 * microseconds; a NAT's forwarding delay is tens of microseconds or more). */
#define ORIENT_MIN_LEAD_NS 2000
/* Matched packets whose time differences are kept for the medians. */
#define ORIENT_MAX_TIMING_SAMPLES 65536

enum orient_translated {
	ORIENT_TRANSLATED_UNKNOWN, /* no tunnel seen on both sides with its roles */
	ORIENT_TRANSLATED_NONE,    /* both endpoints' addresses pass unchanged */
	ORIENT_TRANSLATED_CLIENTS, /* SNAT/masquerade of the clients (PNS) */
	ORIENT_TRANSLATED_SERVER,  /* a port forward (DNAT) to the server (PAC) */
	ORIENT_TRANSLATED_BOTH,
};

enum orient_clients {
	ORIENT_CLIENTS_UNKNOWN, /* the captures do not say: judged as given */
	ORIENT_CLIENTS_A,       /* the capture given as inside holds the clients */
	ORIENT_CLIENTS_B,       /* the capture given as outside does: swapped */
};

struct orientation {
	enum orient_clients clients;
	bool swapped; /* clients == ORIENT_CLIENTS_B */
	enum orient_translated translated;
	/* The same packets at the same times on both sides: a copy, not two sides. */
	bool identical;
	/* Evidence counts, in the order given (a = inside as given). */
	uint32_t votes_private[2];     /* tunnels whose private addresses put the clients on a/b */
	uint32_t votes_many_to_one[2]; /* client addresses merging into one on the other side */
	uint32_t timing_samples[2];    /* matched packets sent by clients / by servers */
	int64_t lead_ns;            /* the NAT's delay as timed; > 0: a has client packets first */
	bool timing_says, timing_a; /* timing decided, and for a */
	char how[320];              /* one sentence: what decided it (or why nothing did) */
};

/*
 * a: the capture given as inside, b: as outside; corr: their pairing in
 * that order.  Pure: reads, never changes them.
 */
void orient_judge(const struct side *a, const struct side *b, const struct correlation *corr,
                  struct orientation *out);

const char *orient_translated_name(enum orient_translated t);
/* RFC 1918, RFC 6598 shared (CGNAT), link-local, IPv6 ULA and link-local. */
bool orient_addr_private(const struct addr *a);

#endif
