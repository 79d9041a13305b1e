/*
 * libFuzzer harness for legs.c: the input is one capture file, read from
 * memory into one side per interface (pcapng interface IDs, LINUX_SLL2
 * interface indexes), then the legs are chosen from the packets and, when
 * they make a pair, correlated, judged and rendered as main does.
 *
 * Besides the sanitizers, checks that: a refusal says why; a pair has two
 * different legs with their interfaces named and the choice explained;
 * every evidence frame is a frame of the file.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "correlate.h"
#include "legs.h"
#include "report.h"
#include "verdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
judge(struct side *a, struct side *b, uint64_t frames)
{
	struct correlation corr;
	struct verdict v;
	struct verdict_options opt = {false};
	struct report r;
	FILE *out;
	uint32_t i;
	unsigned k;

	if (!correlate(a, b, NULL, &corr))
		return;
	if (verdict_judge(a, b, &corr, &opt, &v)) {
		for (i = 0; i < v.nfindings; i++)
			for (k = 0; k < v.findings[i].nevidence; k++)
				if (v.findings[i].evidence[k].where.frame > frames + 1)
					abort(); /* evidence must point into the file */
		memset(&r, 0, sizeof(r)); /* fields this harness does not set stay NULL */
		r.a = a;
		r.b = b;
		r.corr = &corr;
		r.verdict = &v;
		r.verbose = true;
		out = fopen("/dev/null", "w");
		if (out != NULL) {
			if (!report_text(out, &r) || !report_json(out, &r))
				abort();
			fclose(out);
		}
		verdict_free(&v);
	}
	correlation_free(&corr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char errbuf[CAPTURE_ERRBUF_SIZE] = "", why[1024] = "";
	struct legs l;
	struct legs_choice ch;
	struct capture *cap;
	uint8_t *copy;
	uint64_t frames = 0;
	unsigned f;
	FILE *fp;

	/* fmemopen wants a writable buffer, and older glibc refuses a size of 0. */
	copy = malloc(size > 0 ? size : 1);
	if (copy == NULL)
		return 0;
	if (size > 0)
		memcpy(copy, data, size);
	fp = fmemopen(copy, size, "rb");
	if (fp == NULL) {
		free(copy);
		return 0;
	}
	cap = capture_open_stream(fp, "fuzz", errbuf);
	if (cap == NULL) {
		free(copy);
		return 0;
	}
	if (!legs_init(&l, NULL)) {
		capture_close(cap);
		free(copy);
		return 0;
	}
	legs_read_capture(&l, cap, "fuzz");
	capture_close(cap);
	legs_finish(&l);
	for (f = 0; f < l.nfiles; f++)
		frames += l.file_packets[f];
	if (!legs_choose(&l, NULL, NULL, &ch, why, sizeof(why))) {
		if (why[0] == '\0')
			abort(); /* a refusal must say why */
	} else if (ch.paired) {
		if (ch.inside == ch.outside || l.sides[ch.inside]->leg[0] == '\0' ||
		    l.sides[ch.outside]->leg[0] == '\0' || ch.how[0] == '\0')
			abort();
		judge(l.sides[ch.inside], l.sides[ch.outside], frames);
	} else {
		judge(l.sides[ch.inside], NULL, frames);
	}
	legs_free(&l);
	free(copy);
	return 0;
}
