/*
 * Every file the tool writes (the report, the JSON report and any later
 * output) goes through here: refused when it is one of the inputs, written
 * to a temporary file beside the target and renamed into place only when
 * complete, so that a failed or interrupted run leaves the old file whole.
 */
#ifndef PPTP_NATCHECK_OUTPUT_H
#define PPTP_NATCHECK_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Outputs open at once (their temporary files are removed on a signal). */
#define OUTPUT_MAX_OPEN 16

struct output {
	FILE *fp;                /* write the content here */
	char *target;            /* the file renamed onto; NULL for standard output */
	char *tmp;               /* the temporary file beside it; NULL when written in place */
	bool in_place;           /* a device or FIFO (/dev/null, a pipe): written directly */
	bool truncate_at_finish; /* in place over a regular file: cut to length at the end */
	bool is_stdout;          /* path "-": standard output, never closed */
	int slot;                /* index in the signal cleanup list, -1 when none */
};

/*
 * Prepare to write path ("-" is standard output).  false (errbuf says why,
 * without the path) when path is one of the inputs (same device and inode,
 * through symlinks and hard links; "-" among the inputs is standard input),
 * or when the temporary file cannot be created.  Nothing is written then.
 */
bool output_begin(struct output *o, const char *path, const char *const *inputs, unsigned ninputs,
                  char *errbuf, size_t errlen);
/* Flush, close and rename into place; false (errbuf says why) and nothing
 * replaced when any write failed.  The output is finished either way. */
bool output_finish(struct output *o, char *errbuf, size_t errlen);
/* Remove the temporary file; the target keeps its old content.  NULL-safe
 * and harmless after output_finish. */
void output_abandon(struct output *o);

/*
 * Whether path names an existing pcap or pcapng file (by its first bytes):
 * a report written over it would destroy a capture.  false when it cannot
 * be read.
 */
bool output_is_capture(const char *path);

#endif
