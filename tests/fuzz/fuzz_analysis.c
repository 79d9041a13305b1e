/* libFuzzer harness for the whole analysis: capture bytes in, verdict and both reports out. */
/*
 * Input: two bytes, then two captures.  The low 15 bits of the first two
 * bytes (big-endian) say how many of the remaining bytes are the inside
 * capture (clamped); the rest is the outside capture.  The top bit asks for
 * --strict and --verbose.  Each capture is read from an in-memory stream
 * (fmemopen), as main reads a file, correlated, judged and rendered in text
 * and JSON.  The whole input is also read as one capture in single mode, so
 * plain pcap and pcapng files (testdata, the seeds) reach every stage too.
 *
 * Besides the sanitizers, checks that: damage never ends in a pass; every
 * renderer succeeds; the JSON report parses and carries the verdict.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "capture.h"
#include "correlate.h"
#include "report.h"
#include "side.h"
#include "verdict.h"

#define SPLIT_LEN 2
#define SPLIT_MASK 0x7fff
#define OPTIONS_BIT 0x80

/* Read one capture from memory into a fresh side; false when it cannot be opened. */
static bool
read_side(struct side *s, enum side_role role, const uint8_t *p, size_t len, const char *name)
{
	char errbuf[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *cap;
	uint8_t *copy;
	FILE *fp;

	if (!side_init(s, role, NULL))
		return false;
	/* fmemopen wants a writable buffer, and older glibc refuses a size of 0. */
	copy = malloc(len > 0 ? len : 1);
	if (copy == NULL)
		return false;
	if (len > 0)
		memcpy(copy, p, len);
	fp = fmemopen(copy, len, "rb");
	if (fp == NULL) {
		free(copy);
		return false;
	}
	cap = capture_open_stream(fp, name, errbuf); /* owns fp from here, also on failure */
	if (cap == NULL) {
		if (errbuf[0] == '\0')
			abort(); /* a refusal must say why */
		free(copy);
		return false;
	}
	side_read_capture(s, cap, name);
	capture_close(cap);
	free(copy);
	side_finish(s);
	return true;
}

/* Render with one renderer into memory; returns the text (caller frees) or aborts. */
static char *
render(bool (*fn)(FILE *, const struct report *), const struct report *r, size_t *len)
{
	char *buf = NULL;
	FILE *out = open_memstream(&buf, len);

	if (out == NULL)
		return NULL;
	if (!fn(out, r))
		abort();
	if (fclose(out) != 0)
		abort();
	return buf;
}

static void
check_json(const char *text, size_t len, const struct verdict *v)
{
	json_error_t err;
	json_t *root = json_loadb(text, len, 0, &err);
	const char *value;

	if (root == NULL)
		abort();
	value = json_string_value(json_object_get(root, "verdict"));
	if (value == NULL || strcmp(value, verdict_name(v->value)) != 0)
		abort();
	json_decref(root);
}

static void
judge(struct side *a, struct side *b, bool options)
{
	struct correlation corr;
	struct verdict v;
	struct verdict_options vopt = {options, 0};
	struct report rep;
	struct orientation orient;
	char *text;
	size_t len;
	uint32_t i;

	if (!correlate(a, b, NULL, &corr)) {
		correlation_free(&corr);
		return;
	}
	if (!verdict_judge(a, b, &corr, &vopt, &v)) {
		verdict_free(&v);
		correlation_free(&corr);
		return;
	}
	if (side_damaged(a, DAMAGE_ANY) || (b != NULL && side_damaged(b, DAMAGE_ANY))) {
		if (v.value == VERDICT_PASS)
			abort();
		for (i = 0; i < v.ntunnels; i++)
			if (v.tunnels[i].value == VERDICT_PASS)
				abort();
	}
	if ((unsigned)verdict_exit_status(v.value) > EXIT_INCONCLUSIVE)
		abort();
	rep.orient = NULL;
	if (b != NULL) {
		orient_judge(a, b, &corr, &orient);
		if (orient.swapped && orient.clients != ORIENT_CLIENTS_B)
			abort();
		rep.orient = &orient;
	}
	rep.a = a;
	rep.b = b;
	rep.corr = &corr;
	rep.verdict = &v;
	rep.verbose = options;
	text = render(report_text, &rep, &len);
	free(text);
	text = render(report_json, &rep, &len);
	if (text != NULL)
		check_json(text, len, &v);
	free(text);
	/* Whatever the capture holds, the page gets no markup from it. */
	text = render(report_html, &rep, &len);
	if (text != NULL && (strstr(text, "<script") != NULL || strstr(text, "<img") != NULL))
		abort();
	free(text);
	verdict_free(&v);
	correlation_free(&corr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct side *sides = calloc(3, sizeof(*sides));
	size_t split, rest;
	bool options, ok_in, ok_out;

	if (sides == NULL)
		return 0;
	/* Single mode on the whole input. */
	if (read_side(&sides[2], SIDE_SINGLE, data, size, "single"))
		judge(&sides[2], NULL, false);
	side_free(&sides[2]);

	/* Paired mode on the two halves. */
	if (size >= SPLIT_LEN) {
		split = (size_t)((data[0] << 8 | data[1]) & SPLIT_MASK);
		options = (data[0] & OPTIONS_BIT) != 0;
		rest = size - SPLIT_LEN;
		if (split > rest)
			split = rest;
		ok_in = read_side(&sides[0], SIDE_INSIDE, data + SPLIT_LEN, split, "inside");
		ok_out = read_side(&sides[1], SIDE_OUTSIDE, data + SPLIT_LEN + split, rest - split,
		                   "outside");
		/* As main: a capture that cannot be opened ends the run before correlation. */
		if (ok_in && ok_out)
			judge(&sides[0], &sides[1], options);
		side_free(&sides[0]);
		side_free(&sides[1]);
	}
	free(sides);
	return 0;
}
