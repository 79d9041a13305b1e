/* A finding's sentence and its evidence labels, worded from their data (finding_msg.h). */
#ifndef PPTP_NATCHECK_FINDING_TEXT_H
#define PPTP_NATCHECK_FINDING_TEXT_H

#include <stddef.h>

#include "verdict.h"

/* A finding's sentence is cut at this length (the note a damaged capture
 * adds included); renderers word into a buffer this long. */
#define FINDING_TEXT_LEN 320
/* An evidence label is cut at this length. */
#define EVIDENCE_TEXT_LEN 96

/* f's one-line detail, in buf (cut to len); returns buf. */
const char *finding_text(const struct finding *f, char *buf, size_t len);
/* What evidence frame e shows, in buf (cut to len); returns buf. */
const char *evidence_text(const struct evidence *e, char *buf, size_t len);

#endif
