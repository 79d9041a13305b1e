/*
 * The evidence pcapng: the frames behind every finding, from both
 * captures, in one file Wireshark opens.  Interfaces "inside" and
 * "outside" (one per side and link type), inside times moved onto the
 * outside clock so both sides interleave in true order, and a comment on
 * each packet naming its findings, tunnels, and original file and frame.
 *
 * The analysis keeps frame references, never frame bytes (memory bounded
 * by tunnels, not capture size): the selected frames are copied by reading
 * the input files a second time, so standard input ("-") cannot be used.
 */
#ifndef PPTP_NATCHECK_EVIDENCE_H
#define PPTP_NATCHECK_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"

/* Frames selected for one finding: its cited frames first, then the control
 * messages and first/last GRE of its tunnels; "a few dozen" is what a reader
 * of the trace can follow, and a collision of many tunnels stays readable. */
#define EVIDENCE_MAX_PER_FINDING 48
/* Distinct frames in one evidence file, errors' frames first: a thousand
 * findings of the same defect prove no more than the first few hundred. */
#define EVIDENCE_MAX_FRAMES 4096
/* Frame bytes held between the second read and the writing: the frames are
 * written in time order across files, so they are copied first.  Typical
 * frames are 60-1500 bytes; the cap only bites on jumbo frames. */
#define EVIDENCE_MAX_BYTES (32u * 1024 * 1024)
/* Tunnel ids named in one packet's comment; more are summarised as "...". */
#define EVIDENCE_FRAME_TUNNELS 4

struct evidence_frame {
	unsigned side; /* SIDE_A (inside or the single capture) or SIDE_B (outside) */
	uint32_t file; /* index in the side's inputs */
	uint64_t frame;
	ts_ns_t ts;     /* as recorded by the analysis (the capture's own clock) */
	uint64_t codes; /* bit (1 << enum code) per finding that selected it */
	uint32_t tunnels[EVIDENCE_FRAME_TUNNELS];
	unsigned ntunnels;
	bool more_tunnels;
	const char *what; /* "OCRQ", "first GRE to the server"...; NULL when only cited */
	uint32_t order;   /* selection order: lower is more important */
};

struct evidence_selection {
	struct evidence_frame *frames; /* sorted by (side, file, frame) */
	uint32_t n;
	uint32_t findings_capped; /* findings that had more frames than EVIDENCE_MAX_PER_FINDING */
	uint64_t dropped_total;   /* frames left out by EVIDENCE_MAX_FRAMES */
};

/* Which frames prove r's findings.  false on memory exhaustion. */
bool evidence_select(const struct report *r, struct evidence_selection *sel);
void evidence_selection_free(struct evidence_selection *sel);

/*
 * Select, re-read the input files for exactly those frames, and write the
 * pcapng to out.  false with errbuf saying why: an input is standard input
 * or can no longer be opened, memory ran out, or writing failed.  Frames
 * that are no longer what the analysis saw (the file changed), or past the
 * end of the file, are left out and counted in the section comment.
 */
bool evidence_write(FILE *out, const struct report *r, char *errbuf, size_t errlen);

/* The time a frame of side is written with: inside frames moved onto the
 * outside clock by the clock offset when it is known. */
ts_ns_t evidence_corrected_time(const struct report *r, unsigned side, ts_ns_t ts);

#endif
