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

enum severity
report_code_worst(const struct report *r, enum code code)
{
	enum severity worst = SEV_NOTE;
	uint32_t i;

	for (i = 0; i < r->verdict->nfindings; i++)
		if (r->verdict->findings[i].code == code &&
		    r->verdict->findings[i].severity > worst)
			worst = r->verdict->findings[i].severity;
	return worst;
}

/* Length of a valid UTF-8 sequence at s (1..4) that XML 1.0 allows, 0 otherwise. */
static size_t
markup_char_len(const unsigned char *s)
{
	size_t n, i;

	if (s[0] < 0x80)
		return (s[0] < 0x20 && s[0] != '\t' && s[0] != '\n') || s[0] == 0x7f ? 0 : 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80) /* also stops at the terminating NUL */
			return 0;
	if (n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0)))
		return 0; /* overlong, or a UTF-16 surrogate */
	if (n == 3 && s[0] == 0xef && s[1] == 0xbf && s[2] >= 0xbe)
		return 0; /* U+FFFE and U+FFFF are no XML characters */
	if (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90)))
		return 0;
	return n;
}

void
report_put_markup(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s != 0) {
		size_t n = markup_char_len(s);

		if (n == 0) {
			fputs("&#xfffd;", out);
			s++;
			continue;
		}
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			fwrite(s, 1, n, out);
			break;
		}
		s += n;
	}
}

const char *
report_verdict_word(enum verdict_value v)
{
	return v == VERDICT_PASS ? "PASS" : v == VERDICT_FAIL ? "FAIL" : "INCONCLUSIVE";
}

const char *
report_severity_label(enum severity s)
{
	return s == SEV_ERROR ? "ERROR" : s == SEV_WARNING ? "WARNING" : "note";
}

bool
report_finding_names(const struct finding *f, uint32_t id)
{
	unsigned k;

	for (k = 0; k < f->ntunnels && k < FINDING_MAX_TUNNELS; k++)
		if (f->tunnels[k] == id)
			return true;
	return false;
}

const struct tunnel_pair *
report_pair_by_id(const struct report *r, uint32_t id)
{
	const struct correlation *corr = r->corr;
	uint32_t i;

	if (id >= 1 && id <= corr->npairs && corr->pairs[id - 1].id == id)
		return &corr->pairs[id - 1];
	for (i = 0; i < corr->npairs; i++)
		if (corr->pairs[i].id == id)
			return &corr->pairs[i];
	return NULL;
}

const struct call *
report_pair_call(const struct report *r, const struct tunnel_pair *p, int s)
{
	const struct side *side = s == SIDE_A ? r->a : r->b;

	if (side == NULL || p->call[s] == NO_INDEX || p->call[s] >= side->tunnels.ncalls)
		return NULL;
	return &side->tunnels.calls[p->call[s]];
}

const struct call_msg *
report_twin_msg(const struct call *c, const struct call_msg *m)
{
	uint32_t k, nm;

	if (c == NULL || m == NULL)
		return NULL;
	nm = c->nmsgs < CALL_MAX_MSGS ? c->nmsgs : CALL_MAX_MSGS;
	for (k = 0; k < nm; k++)
		if (c->msgs[k].type == m->type && c->msgs[k].to_pac == m->to_pac &&
		    c->msgs[k].fingerprint == m->fingerprint)
			return &c->msgs[k];
	return NULL;
}

const struct call_msg *
report_find_msg(const struct call *c, uint8_t type)
{
	uint32_t k, nm;

	if (c == NULL)
		return NULL;
	nm = c->nmsgs < CALL_MAX_MSGS ? c->nmsgs : CALL_MAX_MSGS;
	for (k = 0; k < nm; k++)
		if (c->msgs[k].type == type)
			return &c->msgs[k];
	return NULL;
}
