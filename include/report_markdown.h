/* The Markdown report, for pasting into a GitHub, GitLab or Jira ticket. */
#ifndef PPTP_NATCHECK_REPORT_MARKDOWN_H
#define PPTP_NATCHECK_REPORT_MARKDOWN_H

#include <stdbool.h>
#include <stdio.h>

#include "report.h"

/* false when writing failed (errno says why). */
bool report_markdown(FILE *out, const struct report *r);

#endif
