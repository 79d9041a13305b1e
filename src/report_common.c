/* What every renderer shares: times, file labels, frame names, counts. */
#include <stdio.h>
#include <time.h>

#include "report.h"

const char *
report_time(ts_ns_t ts, char buf[64])
{
	time_t sec = (time_t)(ts / NS_PER_SEC);
	long usec = (long)((ts % NS_PER_SEC) / 1000);
	struct tm tm;

	if (ts % NS_PER_SEC < 0) {
		sec--;
		usec += 1000000;
	}
	if (gmtime_r(&sec, &tm) == NULL) {
		snprintf(buf, 64, "?");
		return buf;
	}
	snprintf(buf, 64, "%04d-%02d-%02d %02d:%02d:%02d.%06ld", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, usec);
	return buf;
}

const char *
report_time_iso(ts_ns_t ts, char buf[64])
{
	char t[64];

	report_time(ts, t);
	if (t[0] == '?') {
		snprintf(buf, 64, "?");
		return buf;
	}
	t[10] = 'T';
	snprintf(buf, 64, "%.40sZ", t);
	return buf;
}

const struct side *
report_side(const struct report *r, enum side_role role)
{
	return role == SIDE_OUTSIDE ? r->b : r->a;
}

const char *
report_file_path(const struct side *s, uint32_t file)
{
	return s != NULL && file < s->ninputs && s->inputs[file].path != NULL ? s->inputs[file].path
	                                                                      : "";
}

const char *
report_frame_name(const struct side *s, const struct frame_ref *ref, char buf[48])
{
	if (s != NULL && s->ninputs > 1)
		snprintf(buf, 48, "f%u#%llu", ref->file + 1, (unsigned long long)ref->frame);
	else
		snprintf(buf, 48, "#%llu", (unsigned long long)ref->frame);
	return buf;
}

void
report_tunnel_counts(const struct report *r, uint32_t *pass, uint32_t *fail, uint32_t *inconclusive)
{
	uint32_t i;

	*pass = *fail = *inconclusive = 0;
	for (i = 0; i < r->verdict->ntunnels; i++) {
		enum verdict_value v = r->verdict->tunnels[i].value;

		*pass += v == VERDICT_PASS;
		*fail += v == VERDICT_FAIL;
		*inconclusive += v == VERDICT_INCONCLUSIVE;
	}
}

uint32_t
report_code_tunnels(const struct report *r, enum code code)
{
	uint32_t i, n = 0;

	for (i = 0; i < r->verdict->ntunnels; i++)
		n += (r->verdict->tunnels[i].codes & VERDICT_IGNORE_BIT(code)) != 0;
	return n;
}
