/*
 * Pairs what one side saw with what the other saw: the clock offset
 * between the captures, each inside call with its outside twin, and the
 * fate of sampled GRE packets across the NAT.  In single mode the same
 * structure lists the one side's calls as tunnels.
 */
#ifndef PPTP_NATCHECK_CORRELATE_H
#define PPTP_NATCHECK_CORRELATE_H

#include <stdbool.h>
#include <stdint.h>

#include "side.h"

/* Twins are at most this far apart once the clock offset is applied: a
 * NAT adds microseconds to milliseconds; seconds leave room for a poor
 * offset estimate. */
#define CORRELATE_WINDOW_NS (5 * NS_PER_SEC)
/* Offset samples kept for the median: plenty for a stable estimate. */
#define CORRELATE_MAX_OFFSET_SAMPLES 8192
/* GRE-only flows (no control connection to say that a call ended and
 * another began with the same Call IDs) count a sequence number's several
 * contents as several streams only when they arrive this close together,
 * on at least CORRELATE_MERGE_MIN_SEQS sequence numbers: a sender that
 * restarts at 0 repeats a number seconds later, concurrent streams within
 * their packet spacing. */
#define CORRELATE_MERGE_WINDOW_NS (NS_PER_SEC / 2)
#define CORRELATE_MERGE_MIN_SEQS 3
/* A spread of offsets wider than this says the pairing is doubtful. */
#define CORRELATE_SPREAD_WARN_NS (NS_PER_SEC / 2)

enum { SIDE_A = 0, SIDE_B = 1 }; /* A: inside (or the single capture), B: outside */

struct clock_offset {
	bool known;
	bool from_option;
	ts_ns_t offset; /* inside time minus outside time */
	ts_ns_t spread; /* half the 10th-90th percentile range */
	uint32_t samples;
};

/* GRE packets of one tunnel's outside twin found inside somewhere else. */
struct gre_fate {
	uint64_t matched;         /* sampled packets found on both sides in this tunnel */
	uint64_t misdelivered;    /* found inside in another tunnel or host */
	uint32_t misdelivered_to; /* inside call that got them */
	struct frame_ref mis_outside, mis_inside;
	uint64_t not_restored; /* found inside at the right host with another Call ID */
	uint16_t not_restored_key;
	struct frame_ref nr_outside, nr_inside;
	uint64_t ambiguous; /* outside triple shared by colliding tunnels */
};

/*
 * GRE to the client that is several streams at once: the same sequence
 * number with different contents.  One call's sender never repeats a
 * sequence number, so the client received other tunnels' GRE as well.
 */
struct gre_merge {
	uint32_t streams; /* distinct contents seen under one sequence number */
	uint32_t seqs;    /* sequence numbers that arrived with several contents */
	uint32_t seq;
	struct frame_ref first, second;
	struct addr receiver; /* the host that received them, and its key */
	uint16_t key;
};

/*
 * GRE to the client after the last packet the NAT delivered: the run of
 * sampled outside packets, while the inside capture ran, none of which
 * reached the inside.  Loss leaves later packets delivered; a lost mapping
 * leaves this run growing to the end.  Packets sent once the call was
 * being cleared (CCRQ or CDN) are left out: they may rightly go nowhere.
 */
struct gre_cut {
	uint64_t delivered;  /* sampled packets to the client found inside (anywhere) */
	uint64_t lost_after; /* sampled packets after the last delivered one, none inside */
	struct frame_ref last_delivered_out, last_delivered_in;
	struct frame_ref first_lost, last_lost;
	ts_ns_t cleared; /* outside time the call began to be cleared (CCRQ, CDN), or 0 */
};

/*
 * Sampled packets of each direction that the receiving side's capture did
 * not hold although it was running: loss, counted only while both
 * captures ran (one started or stopped earlier is no loss).
 */
struct gre_losses {
	uint64_t fwd_sampled, fwd_lost;   /* to the PAC: inside samples, those not outside */
	uint64_t back_sampled, back_lost; /* to the PNS: outside samples, those not inside */
};

struct tunnel_pair {
	uint32_t id;      /* 1-based, in order of first appearance */
	uint32_t call[2]; /* call index per side, NO_INDEX when unseen */
	struct gre_fate to_pns, to_pac;
	struct gre_merge merged; /* inside GRE to the client, when several streams */
	struct gre_cut cut;      /* GRE to the client the NAT stopped delivering */
	struct gre_losses losses;
	bool by_gre; /* paired by GRE content rather than control messages */
};

struct correlation {
	bool paired;
	struct clock_offset clock;
	struct tunnel_pair *pairs;
	uint32_t npairs;
	uint32_t *pair_of[2]; /* call index -> pair index, per side */
	/* Inside calls made only of another tunnel's GRE (misdelivered or
	 * under an unrestored Call ID): symptoms, not tunnels of their own. */
	bool *absorbed;
	uint64_t samples[2], samples_matched;
	uint64_t sample_limit;
	bool overlap;                       /* both captures cover a common time span */
	ts_ns_t overlap_start, overlap_end; /* in outside time */
};

/*
 * Paired mode: a = inside, b = outside.  Single mode: b = NULL.
 * forced: a clock offset given by the user, or NULL.  false on memory
 * exhaustion.  The sides change in one way only: GRE-only directions one
 * side left apart and the other shows to be one call are joined.
 */
bool correlate(struct side *a, struct side *b, const struct clock_offset *forced,
               struct correlation *c);
void correlation_free(struct correlation *c);

/* The pair of call ci on side s, or NULL. */
const struct tunnel_pair *correlation_pair_of(const struct correlation *c, int s, uint32_t ci);

#endif
