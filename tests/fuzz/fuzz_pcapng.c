/*
 * libFuzzer harness for pcapng.c: the IDB and EPB parsers in both byte
 * orders over the raw input, then the fallback reader over the input as a
 * whole file (through fmemopen), reading every frame.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcapng.h"

/* Frames read per input: a 12-byte SPB is the smallest frame, so a few
 * thousand covers any input libFuzzer hands us; the cap only bounds time. */
#define HARNESS_MAX_FRAMES 100000

/* Touch every byte handed out, so the sanitizers see a bad pointer or length. */
static volatile uint8_t sink;

static void
touch(const uint8_t *p, size_t n)
{
	uint8_t x = 0;
	size_t i;

	for (i = 0; i < n; i++)
		x ^= p[i];
	sink = x;
}

static void
parse_both(const uint8_t *data, size_t size, bool big_endian)
{
	struct pcapng_idb idb;
	struct pcapng_epb epb;

	if (pcapng_parse_idb(data, size, big_endian, &idb) == PARSE_OK) {
		(void)pcapng_timestamp_ns(&idb, size >= 8 ? (uint64_t)data[0] << 56 | data[7] : 0);
		(void)pcapng_timestamp_ns(&idb, UINT64_MAX);
	}
	if (pcapng_parse_epb(data, size, big_endian, &epb) == PARSE_OK) {
		if (epb.caplen > size)
			abort();
		touch(epb.data, epb.caplen);
	}
}

static void
read_all(const uint8_t *data, size_t size)
{
	char err[CAPTURE_ERRBUF_SIZE];
	struct pcapng_reader *r;
	struct capture_frame f;
	uint8_t *copy;
	FILE *fp;
	unsigned n;
	int lt[PCAPNG_MAX_LINKTYPES];

	if (size == 0)
		return; /* fmemopen needs a size */
	copy = malloc(size);
	if (copy == NULL)
		return;
	memcpy(copy, data, size);
	fp = fmemopen(copy, size, "rb");
	if (fp == NULL) {
		free(copy);
		return;
	}
	r = pcapng_open(fp, err);
	if (r != NULL) {
		for (n = 0; n < HARNESS_MAX_FRAMES && pcapng_next(r, &f, err) == CAPTURE_FRAME; n++)
			touch(f.data, f.caplen);
		(void)pcapng_linktypes(r, lt, PCAPNG_MAX_LINKTYPES);
		if (pcapng_offset(r) > size)
			abort();
		pcapng_close(r);
	}
	fclose(fp);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse_both(data, size, false);
	parse_both(data, size, true);
	read_all(data, size);
	return 0;
}
