/*
 * Reading one side's capture files in a thread of its own: libpcap's
 * reading and copying overlap the analysis, which stays in the caller's
 * thread and so needs no locks.
 */
#ifndef PPTP_NATCHECK_READER_H
#define PPTP_NATCHECK_READER_H

#include <stdbool.h>

#include "side.h"

/* Frames travel in chunks of this size; a chunk holds any frame libpcap
 * accepts (262144 bytes at most) plus its record header. */
#define READER_CHUNK_BYTES (512 * 1024)
/* Chunks in flight per side: enough to ride out a slow disk or a burst of
 * analysis, and 2 MiB in all. */
#define READER_CHUNKS 4

/*
 * Read paths[0..n) in order into s (side_input_* in this thread, frames
 * copied from the reading thread).  false when a file cannot be opened:
 * errbuf says why and *failed names it; what was read before stays in s.
 * Without threads (pthread_create failing) it reads in this thread.
 */
bool reader_run(struct side *s, const char *const *paths, unsigned n, char *errbuf,
                const char **failed);

struct legs;
/* The same into legs (legs.h): each frame to the side of its interface; progress
 * through the first leg's callback. */
bool reader_run_legs(struct legs *l, const char *const *paths, unsigned n, char *errbuf,
                     const char **failed);

#endif
