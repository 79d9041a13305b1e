/*
 * libFuzzer harness for capture.c, end to end: the input is a whole capture
 * file, read through capture_open_stream and capture_next twice, once as a
 * seekable memory stream (libpcap, and the fallback after a rewind) and once
 * as a stream that cannot seek, like a pipe (the peek wrapper; pcapng goes to
 * the fallback from the start).
 */
#define _GNU_SOURCE /* fopencookie */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "capture.h"

/* Frames read per pass: far above what a fuzz input can hold; bounds time. */
#define HARNESS_MAX_FRAMES 100000

static volatile uint8_t sink;

struct pipe_like {
	const uint8_t *p;
	size_t len, off;
};

static ssize_t
pipe_read(void *cookie, char *buf, size_t size)
{
	struct pipe_like *pl = cookie;
	size_t n = pl->len - pl->off;

	if (n > size)
		n = size;
	memcpy(buf, pl->p + pl->off, n);
	pl->off += n;
	return (ssize_t)n;
}

static int
pipe_close(void *cookie)
{
	free(cookie);
	return 0;
}

static void
read_all(FILE *fp, size_t size)
{
	char err[CAPTURE_ERRBUF_SIZE];
	struct capture *c = capture_open_stream(fp, "fuzz", err);
	struct capture_frame f;
	uint64_t n, last = 0;
	int lt[4];
	const char *name;

	if (c == NULL)
		return; /* the capture closed fp */
	for (n = 0; n < HARNESS_MAX_FRAMES && capture_next(c, &f, err) == CAPTURE_FRAME; n++) {
		uint8_t x = 0;
		uint32_t i;

		if (f.number != last + 1)
			abort();
		last = f.number;
		for (i = 0; i < f.caplen; i++)
			x ^= f.data[i];
		sink = x;
		/* An interface name is printable and short, whatever the file says. */
		name = capture_interface_name(c, f.interface);
		if (name != NULL && (name[0] == 0 || strlen(name) >= 32))
			abort();
		for (; name != NULL && *name != 0; name++)
			if (*name < 0x21 || *name > 0x7e)
				abort();
	}
	(void)capture_format(c);
	(void)capture_linktypes(c, lt, 4);
	if (capture_offset(c) > size)
		abort(); /* progress cannot pass the end of the input */
	capture_close(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cookie_io_functions_t io = {.read = pipe_read, .close = pipe_close};
	struct pipe_like *pl;
	uint8_t *copy;
	FILE *fp;

	if (size > 0 && (copy = malloc(size)) != NULL) {
		memcpy(copy, data, size);
		fp = fmemopen(copy, size, "rb");
		if (fp != NULL)
			read_all(fp, size);
		free(copy);
	}
	pl = calloc(1, sizeof(*pl));
	if (pl == NULL)
		return 0;
	pl->p = data;
	pl->len = size;
	fp = fopencookie(pl, "rb", io);
	if (fp == NULL) {
		free(pl);
		return 0;
	}
	read_all(fp, size);
	return 0;
}
