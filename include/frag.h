/*
 * IPv4 fragment reassembly, bounded in datagrams, bytes and time
 * (RFC 791 section 3.2, with the overlap rules of RFC 5722 applied to v4:
 * overlapping fragments whose bytes differ poison the datagram; the same
 * bytes seen twice, as in a capture that holds a frame twice, do not).
 * IPv6 fragments (RFC 8200 section 4.5) reassemble the same way.
 */
#ifndef PPTP_NATCHECK_FRAG_H
#define PPTP_NATCHECK_FRAG_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "ip.h"

/* Datagrams under reassembly at once: PPTP rarely fragments; this bounds a flood. */
#define FRAG_MAX_DATAGRAMS 64
/* Largest datagram payload we rebuild (an IPv4 datagram cannot exceed 65535). */
#define FRAG_MAX_BYTES 65535
/* A datagram whose fragments span longer than this is dropped (Linux: 30 s). */
#define FRAG_TIMEOUT_NS (30 * NS_PER_SEC)

enum frag_result {
	FRAG_PENDING,  /* stored; more fragments needed */
	FRAG_COMPLETE, /* *payload and *len hold the whole datagram payload */
	FRAG_DROPPED,  /* overlap, overflow or nonsense: see stats */
};

struct frag_stats {
	uint64_t reassembled;
	uint64_t table_full; /* datagrams evicted (oldest first): FRAG_MAX_DATAGRAMS were open */
	uint64_t timed_out;  /* datagrams dropped by FRAG_TIMEOUT_NS */
	uint64_t overlaps;   /* datagrams dropped: overlapping fragments with different bytes */
	uint64_t too_big;    /* datagrams dropped for a fragment past FRAG_MAX_BYTES */
	uint64_t incomplete_at_end; /* datagrams still open at frag_free/frag_expire_all */
	/*
	 * Datagrams dropped for a fragment that contradicts them (no data, a
	 * length not a multiple of 8 before the end, data past the end, two
	 * ends), and packets passed in that are not fragments.
	 */
	uint64_t invalid;
	uint64_t truncated; /* datagrams dropped for a fragment captured short (snaplen) */
	uint64_t no_memory; /* datagrams dropped because a buffer could not be allocated */
};

struct frag_table;

/* NULL when out of memory.  frag_free is NULL-safe and releases everything. */
struct frag_table *frag_new(void);
void frag_free(struct frag_table *t);

/*
 * Drop every open datagram, counting it in incomplete_at_end: call at the
 * end of a capture, before reading the stats.
 */
void frag_expire_all(struct frag_table *t);

/*
 * Add one fragment (ip->is_fragment must be set).  On FRAG_COMPLETE,
 * *payload and *len describe the reassembled upper-layer payload, owned by
 * the table and valid until the next call.  ts expires old datagrams.
 * A dropped datagram stays poisoned until it times out or is evicted:
 * its later fragments return FRAG_DROPPED without being counted again.
 */
enum frag_result frag_add(struct frag_table *t, const struct ip_packet *ip, ts_ns_t ts,
                          const uint8_t **payload, size_t *len);
const struct frag_stats *frag_stats(const struct frag_table *t);

#endif
