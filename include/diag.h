/*
 * Input diagnostics of one side: what was wrong with the captures, where
 * (file, frame), counted per code with a few examples kept.
 */
#ifndef PPTP_NATCHECK_DIAG_H
#define PPTP_NATCHECK_DIAG_H

#include <stdarg.h>
#include <stdint.h>

#include "code.h"
#include "common.h"

/* Examples kept per code: enough to point at the first few places. */
#define DIAG_EXAMPLES 4
#define DIAG_DETAIL_LEN 120

struct diag_example {
	struct frame_ref where;
	char detail[DIAG_DETAIL_LEN];
};

struct diag_entry {
	uint64_t count;
	unsigned nexamples;
	struct diag_example examples[DIAG_EXAMPLES];
};

struct diag {
	struct diag_entry entries[CODE_COUNT];
};

void diag_init(struct diag *d);
/* Count one occurrence; keep it as an example while there is room. */
void diag_add(struct diag *d, enum code code, const struct frame_ref *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
uint64_t diag_count(const struct diag *d, enum code code);

#endif
