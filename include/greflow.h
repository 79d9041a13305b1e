/*
 * Enhanced GRE of one side (RFC 2637 section 4.1): which call each packet
 * belongs to and in which direction, its counts per direction, the
 * consistently sampled fingerprints that follow packets across the NAT,
 * and the GRE-only flows of calls whose control connection the capture
 * does not hold.
 *
 * GRE-only flows are kept per direction (src, dst, key): a capture that
 * starts after the calls were set up shows several flows between one
 * address pair on the outside of a NAT (every client behind one public
 * address), and nothing in one direction's packets says which flow of the
 * other direction is its reverse.  Two directions become one call only on
 * evidence: an address pair with exactly one flow each way (the reading
 * ends), the other side of the NAT (greflow_pair_across), or a control
 * message naming both Call IDs on one connection.
 */
#ifndef PPTP_NATCHECK_GREFLOW_H
#define PPTP_NATCHECK_GREFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "diag.h"
#include "gre.h"
#include "icmp.h"
#include "ip.h"
#include "map.h"

/* Payload bytes of a GRE packet the analysis reads: the fingerprint's
 * share and the PPP header.  A reader may drop the rest. */
#define GREFLOW_PAYLOAD_READ 64
/* GRE fingerprints kept per side (adaptive sampling above this). */
#define GREFLOW_MAX_SAMPLES 131072
/* Matching packets before a lone GRE direction follows its twin across the
 * NAT: one packet can match by chance (two tunnels sending identical LCP
 * frames); three in a row with unique fingerprints cannot. */
#define GREFLOW_ACROSS_MIN_VOTES 3

enum gre_direction { GRE_TO_PAC, GRE_TO_PNS };

/* GRE of one call in one direction. */
struct gre_dir {
	uint64_t packets, bytes, ack_only;
	struct frame_ref first, last;
	uint16_t key; /* Call ID in the key (the receiver's) */
	bool seq_seen, ack_seen;
	uint32_t max_seq, max_ack; /* ack: acknowledgments carried in this direction */
	uint64_t seq_packets;      /* packets with a sequence number */
	/* seq_packets of this direction when the other direction's ack last
	 * advanced: what was sent after it is still unacknowledged. */
	uint64_t seq_packets_at_ack;
	uint32_t lcp_conf_req, lcp_conf_reply; /* LCP Configure-Request / Ack-Nak-Rej sent */
	struct frame_ref first_lcp_req;
	uint64_t checksum_bad, checksum_good_before_bad;
	struct frame_ref first_checksum_bad, last_checksum_good;
	/* ICMP errors quoting a packet of this direction: who refused it. */
	uint32_t icmp_errors;
	struct frame_ref first_icmp, last_icmp;
	struct addr icmp_from; /* sender of the first */
	uint8_t icmp_version, icmp_type, icmp_code;
};

/* One sampled GRE packet (see greflow_fingerprint). */
struct gre_sample {
	uint64_t fp;
	uint32_t call;
	uint32_t seq;
	uint8_t dir; /* enum gre_direction */
	bool has_seq;
	struct frame_ref where;
};

struct greflow {
	struct gre_sample *samples;
	uint32_t nsamples;
	uint64_t sample_limit; /* keep a packet when fp >> 40 < sample_limit */
	uint64_t packets;
	/* ICMP errors quoting PPTP GRE of no call this side knows. */
	uint64_t icmp_unattributed;
	struct frame_ref first_icmp_unattributed;
};

/* The sampling limit when every packet is kept: the scale of a sampled count. */
#define GREFLOW_SAMPLE_ALL (UINT64_C(1) << 24)

struct tunnels;

void greflow_init(struct greflow *g);
void greflow_free(struct greflow *g);

/* One Enhanced GRE packet (gre_is_pptp true): attributed, counted, sampled. */
void greflow_on_packet(struct tunnels *t, struct diag *d, const struct ip_packet *ip,
                       const struct gre_packet *g, const struct frame_ref *where);

/*
 * An ICMP or ICMPv6 error (sent by ip->src) quoting a PPTP GRE packet: recorded
 * on the call and direction of the quoted packet.
 */
void greflow_on_icmp(struct tunnels *t, const struct ip_packet *ip, const struct icmp_error *e,
                     const struct frame_ref *where);

/*
 * After the last packet: GRE-only flows between an address pair that holds
 * exactly one flow each way are the two directions of one call.
 */
void greflow_finish(struct tunnels *t);

/*
 * Fingerprint of a GRE packet from what no NAT rewrites: flags, payload
 * length, sequence and acknowledgment numbers, payload bytes.  The key is
 * left out: which direction carries the PAC's (unchanged) Call ID is not
 * known for GRE seen without its control connection.
 */
uint64_t greflow_fingerprint(const struct gre_packet *g);

/* Threshold in force for the samples (compare with the other side's). */
static inline bool
greflow_sample_kept(uint64_t fp, uint64_t limit)
{
	return (fp >> 40) < limit;
}

/*
 * Joining two lone directions into one call, by whatever evidence: a remap
 * (greflow_remap_new) collects the joins, greflow_join joins calls x and y
 * (false when they are not the two lone directions of one address pair),
 * greflow_remap_apply moves the samples and frees the remap.
 */
struct call;
bool greflow_lone_direction(const struct call *c);
uint32_t *greflow_remap_new(const struct tunnels *t);
bool greflow_join(struct tunnels *t, uint32_t x, uint32_t y, uint32_t *remap);
void greflow_remap_apply(struct tunnels *t, uint32_t *remap);
/* Call keep takes lone direction gone as its GRE to the PNS, triple unchanged
 * (gone's flow is the one keep registered as its own). */
void greflow_absorb(struct tunnels *t, uint32_t keep, uint32_t gone, uint32_t *remap);
/* Call ci's two directions swap (its samples follow when the remap is applied). */
void greflow_remap_flip(uint32_t *remap, uint32_t ci);

/*
 * A call with one direction only (a lone GRE-only direction, or a call set
 * up before the capture began whose other direction is not known yet), and
 * half taking lone as that other direction (false when it cannot be).
 */
bool greflow_half(const struct call *c);
bool greflow_fill(struct tunnels *t, uint32_t half, uint32_t lone, uint32_t *remap);

/* Call ci's two ends swap: the first sender was the PAC after all. */
void greflow_orient(struct tunnels *t, uint32_t ci, uint32_t *remap);

/*
 * Lone directions of mine whose packets are, over there (the other side of
 * the NAT), the two directions of one call become one call here too,
 * oriented as there.  Packets are compared by fingerprint at the common
 * sampling limit; only fingerprints unique on both sides vote, and a lone
 * direction follows the call and direction that holds at least
 * GREFLOW_ACROSS_MIN_VOTES of its packets and two thirds of its matches.
 */
void greflow_pair_across(struct tunnels *mine, const struct tunnels *other, uint64_t limit);

/* Count one packet of a direction (exposed for the suite). */
void greflow_count(struct gre_dir *gd, struct gre_dir *back, const struct ip_packet *ip,
                   const struct gre_packet *g, const struct frame_ref *where);

#endif
