/* Input diagnostics: counted per code, first examples kept with file and frame. */
#include "diag.h"

#include <stdio.h>
#include <string.h>

void
diag_init(struct diag *d)
{
	memset(d, 0, sizeof(*d));
}

void
diag_add(struct diag *d, enum code code, const struct frame_ref *where, const char *fmt, ...)
{
	struct diag_entry *e;
	va_list ap;

	if ((unsigned)code >= CODE_COUNT)
		return;
	e = &d->entries[code];
	e->count++;
	if (e->nexamples >= DIAG_EXAMPLES)
		return;
	e->examples[e->nexamples].where = *where;
	va_start(ap, fmt);
	vsnprintf(e->examples[e->nexamples].detail, DIAG_DETAIL_LEN, fmt, ap);
	va_end(ap);
	e->nexamples++;
}

uint64_t
diag_count(const struct diag *d, enum code code)
{
	return (unsigned)code < CODE_COUNT ? d->entries[code].count : 0;
}
