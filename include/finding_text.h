/* A finding's sentence and its evidence labels, worded from their data (finding_msg.h). */
#ifndef PPTP_NATCHECK_FINDING_TEXT_H
#define PPTP_NATCHECK_FINDING_TEXT_H

#include <stddef.h>

#include "verdict.h"

/* Room that holds any sentence whole; renderers word into a buffer this long. */
#define FINDING_TEXT_LEN FINDING_MESSAGE_LEN
/* Room that holds any evidence label whole. */
#define EVIDENCE_TEXT_LEN EVIDENCE_LABEL_LEN

/* f's one-line detail, in buf (cut to len); returns buf. */
const char *finding_text(const struct finding *f, char *buf, size_t len);
/* What evidence frame e shows, in buf (cut to len); returns buf. */
const char *evidence_text(const struct evidence *e, char *buf, size_t len);

#endif
