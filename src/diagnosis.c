/*
 * The headline's cause.  A small table of root causes, tried in order;
 * the first that matches the findings names the diagnosis.  Each row is
 * one function: it looks at the findings and the NAT profile the judge
 * recorded (never at a message's wording) and, when it matches, writes
 * the cause and the fix.  Causes that explain others come first: a NAT
 * without a PPTP editor also blocks return GRE and misdelivers it, so "no
 * editor" is tried before "return GRE blocked".
 */
#include "diagnosis.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "finding_text.h"

#define LINUX_EDITOR "Linux's nf_nat_pptp"

static const char *
plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* The first finding of code that counts against the NAT (error, or warning under --strict). */
static const struct finding *
failing(const struct report *r, enum code code)
{
	const struct verdict *v = r->verdict;
	uint32_t i;

	for (i = 0; i < v->nfindings; i++) {
		const struct finding *f = &v->findings[i];

		if (f->code == code &&
		    (f->severity == SEV_ERROR || (v->opt.strict && f->severity == SEV_WARNING)))
			return f;
	}
	return NULL;
}

static const struct finding *
any_of(const struct report *r, enum code code)
{
	uint32_t i;

	for (i = 0; i < r->verdict->nfindings; i++)
		if (r->verdict->findings[i].code == code)
			return &r->verdict->findings[i];
	return NULL;
}

/* Tunnels concerned by the failing findings of code, counted once each. */
static uint32_t
tunnels_failing(const struct report *r, enum code code)
{
	const struct verdict *v = r->verdict;
	uint32_t i, n = 0;

	for (i = 0; i < v->ntunnels; i++)
		if ((v->tunnels[i].codes & VERDICT_IGNORE_BIT(code)) != 0 &&
		    v->tunnels[i].value == VERDICT_FAIL)
			n++;
	return n;
}

static bool
editor_seen(const struct report *r)
{
	return r->verdict->nat.translated > 0;
}

static bool
editor_absent(const struct report *r)
{
	return r->b != NULL && r->verdict->nat.translated == 0 && r->verdict->nat.unchanged > 0;
}

static bool
editor_linux(const struct report *r)
{
	const struct nat_profile *n = &r->verdict->nat;

	return n->translated > 0 && n->port_like == n->translated;
}

static void say(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
say(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

const char *
diagnosis_advice(const struct report *r, enum code code, char *buf, size_t len)
{
	buf[0] = 0;
	switch (code) {
	case CODE_CALL_ID_COLLISION:
	case CODE_GRE_MISDELIVERED:
		if (editor_seen(r) && r->verdict->nat.same_conn_collisions > 0)
			say(buf, len,
			    "Place each call on its own control connection, or use a NAT whose "
			    "PPTP "
			    "editor tracks every call of a connection (%s keeps one).",
			    editor_linux(r) ? LINUX_EDITOR : "this one");
		else if (editor_seen(r))
			say(buf, len,
			    "Update or replace the NAT's PPTP editor; until then, give each client "
			    "its own public address.");
		else if (editor_absent(r))
			say(buf, len,
			    "Enable the NAT's PPTP helper/ALG (Linux: nf_conntrack_pptp with a ct "
			    "helper rule for tcp/1723), or give each client its own public "
			    "address.");
		else
			say(buf, len,
			    "Enable the NAT's PPTP helper/ALG (if it has one, place one call per "
			    "control connection), or give each client its own public address.");
		break;
	case CODE_GRE_BLOCKED:
		say(buf, len, "Allow IP protocol 47 (GRE) through the NAT in both directions.");
		break;
	case CODE_GRE_RETURN_BLOCKED:
		if (failing(r, CODE_CALL_ID_COLLISION) != NULL && editor_seen(r)) {
			char first[400];

			diagnosis_advice(r, CODE_CALL_ID_COLLISION, first, sizeof(first));
			if (first[0] >= 'A' && first[0] <= 'Z')
				first[0] = (char)(first[0] - 'A' + 'a');
			say(buf, len, "This follows from the Call ID collision: %s", first);
		} else if (r->verdict->nat.unchanged_split > 0)
			say(buf, len,
			    "Have the peers send each control message in one TCP segment, or use a "
			    "NAT whose PPTP editor reassembles the control connection (%s reads "
			    "one message per segment).",
			    LINUX_EDITOR);
		else if (editor_absent(r))
			say(buf, len,
			    "Enable the NAT's PPTP helper/ALG: without it the NAT has no mapping "
			    "for "
			    "the server's GRE.");
		else if (editor_seen(r))
			say(buf, len,
			    "Check that the PPTP helper creates the GRE mapping (Linux: conntrack "
			    "-L "
			    "-p gre) and keeps it while the call is up, and that inbound IP "
			    "protocol "
			    "47 is allowed.");
		else
			say(buf, len,
			    "Allow inbound IP protocol 47 and make sure the NAT's PPTP helper is "
			    "active.");
		break;
	case CODE_GRE_FORWARD_BLOCKED:
		say(buf, len, "Allow outbound IP protocol 47 (GRE) through the NAT.");
		break;
	case CODE_GRE_MAPPING_LOST:
		say(buf, len,
		    "Find what deletes the NAT's GRE state while calls are up (conntrack -D or a "
		    "flush, a GRE timeout shorter than the peers' echo interval, a reboot) and keep "
		    "the PPTP helper attached; the clients must reconnect.");
		break;
	case CODE_UNEXPECTED_REWRITE:
		if (failing(r, CODE_UNEXPECTED_REWRITE) == NULL) {
			/* Only Call-Disconnect-Notify, which breaks nothing seen (the
			 * Linux editor's own rewrite of it is only a note). */
			say(buf, len,
			    "Usually nothing: implementations disagree about this "
			    "Call-Disconnect-Notify field and most peers accept a change; pass "
			    "--ignore unexpected_rewrite to accept it.");
			break;
		}
		/* fall through */
	case CODE_CALL_ID_NOT_RESTORED:
	case CODE_REWRITE_INCONSISTENT:
		say(buf, len, "Update or replace the NAT's PPTP editor%s.",
		    editor_linux(r) ? " (here " LINUX_EDITOR ", or a rule after it)" : "");
		break;
	case CODE_IP_CHECKSUM_BAD:
		say(buf, len,
		    "Update the NAT's firmware or driver, or disable its fast path and checksum "
		    "offload for GRE.");
		break;
	case CODE_TUNNEL_UNMATCHED:
		say(buf, len,
		    "Check the NAT's rules for TCP port 1723: the control connection was dropped "
		    "or "
		    "redirected.");
		break;
	case CODE_CAPTURES_DO_NOT_OVERLAP:
		if (r->b != NULL && r->corr->clock.from_option) {
			say(buf, len,
			    "Check the --time-offset given (%.6f s): with it the captures do not "
			    "overlap; without it the offset is estimated from the packets.",
			    (double)r->corr->clock.offset / 1e9);
			break;
		}
		say(buf, len,
		    "Capture on both sides at the same time (or pass --time-offset if the clocks "
		    "differ).");
		break;
	case CODE_GRE_ONE_WAY:
		say(buf, len,
		    "Allow IP protocol 47 in both directions; capture the other side of the NAT "
		    "too "
		    "to see where the packets are lost.");
		break;
	case CODE_GRE_ACK_STALLED:
	case CODE_LCP_NO_REPLY:
		say(buf, len,
		    "Look for wrong checksums, filtering or a lost GRE mapping on the way to the "
		    "peer.");
		break;
	case CODE_CLOCK_OFFSET_UNCERTAIN:
		say(buf, len, "Pass --time-offset if you know the clock difference.");
		break;
	case CODE_NO_PPTP:
		say(buf, len,
		    "Capture on the interfaces the tunnels cross, without a filter that drops IP "
		    "protocol 47 or TCP port 1723.");
		break;
	case CODE_SNAPLEN_TRUNCATED:
		say(buf, len, "Capture with -s 0.");
		break;
	case CODE_GRE_NOT_CAPTURED:
		say(buf, len,
		    "Capture with a filter that keeps GRE, 'tcp port 1723 or ip proto 47', or "
		    "with none.");
		break;
	case CODE_GRE_ABSENT:
		say(buf, len,
		    "Check that IP protocol 47 from and to that client reaches the capture points "
		    "(a firewall in front of the NAT), and capture while the tunnel carries data.");
		break;
	case CODE_EVIDENCE_INCOMPLETE:
	case CODE_CAPTURE_TRUNCATED:
	case CODE_CAPTURE_ERROR:
		say(buf, len,
		    "Capture again, to a disk with room, without dropping packets (-s 0).");
		break;
	default:
		break;
	}
	return buf;
}

/* ---- the table of root causes ---- */

struct cause_ctx {
	const struct report *r;
	struct diagnosis *d;
};

typedef bool (*cause_fn)(struct cause_ctx *c);

static void
set(struct cause_ctx *c, const char *code, enum code advice_for)
{
	c->d->code = code;
	diagnosis_advice(c->r, advice_for, c->d->fix, sizeof(c->d->fix));
}

/* The largest group of tunnels sharing one return triple, and how many collide in all. */
static const struct finding *
largest_collision(const struct report *r, uint32_t *groups, uint32_t *total)
{
	const struct finding *best = NULL;
	uint32_t i;

	*groups = *total = 0;
	for (i = 0; i < r->verdict->nfindings; i++) {
		const struct finding *f = &r->verdict->findings[i];

		if (f->code != CODE_CALL_ID_COLLISION || f->severity != SEV_ERROR)
			continue;
		(*groups)++;
		*total += f->tunnels_total;
		if (best == NULL || f->tunnels_total > best->tunnels_total)
			best = f;
	}
	return best;
}

static void
collision_words(struct cause_ctx *c, const struct finding *f, uint32_t groups, uint32_t total,
                const char *who, char *buf, size_t len)
{
	char dst[ADDR_STRLEN], more[96] = "";

	if (groups > 1)
		snprintf(more, sizeof(more), " (%u tunnels collide in all, in %u groups)", total,
		         groups);
	(void)c;
	snprintf(buf, len, "%u %s share Call ID %u toward %s%s; at most one can work",
	         f->tunnels_total, who, f->triple_call_id,
	         addr_format(f->dir == FDIR_TO_PNS ? &f->triple_src : &f->triple_dst, dst), more);
}

static bool
cause_split(struct cause_ctx *c)
{
	const struct nat_profile *n = &c->r->verdict->nat;
	uint32_t broken = tunnels_failing(c->r, CODE_GRE_RETURN_BLOCKED) +
	                  tunnels_failing(c->r, CODE_CALL_ID_COLLISION);

	if (n->unchanged_split == 0 || broken == 0)
		return false;
	if (n->translated > 0)
		say(c->d->cause, sizeof(c->d->cause),
		    "the NAT's PPTP editor missed control messages split across TCP segments: "
		    "%u %s on such connections kept %s client Call ID untranslated, and the "
		    "server's GRE found no way back.",
		    n->unchanged_split, plural(n->unchanged_split, "call", "calls"),
		    plural(n->unchanged_split, "its", "their"));
	else
		say(c->d->cause, sizeof(c->d->cause),
		    "the NAT translated no Call ID and its control messages were split across TCP "
		    "segments: a PPTP editor that reads one message per segment, as %s does, "
		    "misses them (or there is no editor), and the server's GRE found no way "
		    "back.",
		    LINUX_EDITOR);
	set(c, "nat_editor_missed_split_messages", CODE_GRE_RETURN_BLOCKED);
	return true;
}

static bool
cause_one_call_per_connection(struct cause_ctx *c)
{
	uint32_t groups, total;
	const struct finding *f = largest_collision(c->r, &groups, &total);
	char words[256];

	if (f == NULL || !editor_seen(c->r) || c->r->verdict->nat.same_conn_collisions == 0)
		return false;
	collision_words(c, f, groups, total, "calls of one control connection", words,
	                sizeof(words));
	say(c->d->cause, sizeof(c->d->cause),
	    "the NAT's PPTP editor handles one call per control connection: %s.", words);
	set(c, "nat_editor_one_call_per_connection", CODE_CALL_ID_COLLISION);
	return true;
}

static bool
cause_no_editor(struct cause_ctx *c)
{
	uint32_t groups, total;
	const struct finding *f = largest_collision(c->r, &groups, &total);
	char words[256];

	if (f != NULL && (editor_absent(c->r) || c->r->b == NULL)) {
		collision_words(c, f, groups, total, "clients", words, sizeof(words));
		say(c->d->cause, sizeof(c->d->cause), "the NAT has %s PPTP editor: %s.",
		    c->r->b == NULL ? "no working" : "no", words);
		set(c, "nat_editor_absent", CODE_CALL_ID_COLLISION);
		return true;
	}
	if (editor_absent(c->r) && (failing(c->r, CODE_GRE_RETURN_BLOCKED) != NULL ||
	                            failing(c->r, CODE_GRE_MISDELIVERED) != NULL)) {
		uint32_t n = tunnels_failing(c->r, CODE_GRE_RETURN_BLOCKED) +
		             tunnels_failing(c->r, CODE_GRE_MISDELIVERED);

		say(c->d->cause, sizeof(c->d->cause),
		    "the NAT has no PPTP editor: it passed Call IDs unchanged and has no mapping "
		    "for the server's GRE, so %u %s never %s back.",
		    n, plural(n, "tunnel", "tunnels"), plural(n, "hears", "hear"));
		set(c, "nat_editor_absent", CODE_GRE_RETURN_BLOCKED);
		return true;
	}
	return false;
}

static bool
cause_collision(struct cause_ctx *c)
{
	uint32_t groups, total;
	const struct finding *f = largest_collision(c->r, &groups, &total);
	char words[256];

	if (f == NULL)
		return false;
	collision_words(c, f, groups, total, "tunnels", words, sizeof(words));
	say(c->d->cause, sizeof(c->d->cause),
	    "the NAT's PPTP editor gave several tunnels the same Call ID: %s.", words);
	set(c, "call_id_collision", CODE_CALL_ID_COLLISION);
	return true;
}

static bool
cause_gre_blocked(struct cause_ctx *c)
{
	uint32_t n;

	if (failing(c->r, CODE_GRE_BLOCKED) == NULL)
		return false;
	n = tunnels_failing(c->r, CODE_GRE_BLOCKED);
	say(c->d->cause, sizeof(c->d->cause),
	    "GRE (IP protocol 47) is filtered: the control connection of %u %s worked but no "
	    "GRE crossed the NAT in either direction.",
	    n, plural(n, "tunnel", "tunnels"));
	set(c, "gre_filtered_both_ways", CODE_GRE_BLOCKED);
	return true;
}

static bool
cause_gre_forward(struct cause_ctx *c)
{
	const struct finding *f = failing(c->r, CODE_GRE_FORWARD_BLOCKED);
	uint32_t n;

	if (f == NULL)
		return false;
	n = tunnels_failing(c->r, CODE_GRE_FORWARD_BLOCKED);
	say(c->d->cause, sizeof(c->d->cause),
	    "outgoing GRE (IP protocol 47) is filtered: the client's GRE of %u %s never left "
	    "the NAT.",
	    n, plural(n, "tunnel", "tunnels"));
	set(c, "gre_filtered_outbound", CODE_GRE_FORWARD_BLOCKED);
	return true;
}

static bool
cause_checksum(struct cause_ctx *c)
{
	const struct finding *f = failing(c->r, CODE_IP_CHECKSUM_BAD);

	if (f == NULL)
		return false;
	say(c->d->cause, sizeof(c->d->cause),
	    "the NAT sends GRE %s with a wrong IPv4 header checksum after rewriting it "
	    "(%llu %s of %u %s), and the next hop drops it.",
	    f->dir == FDIR_TO_PAC ? "to the server" : "to the client",
	    (unsigned long long)(f->packets_inside + f->packets_outside),
	    plural(f->packets_inside + f->packets_outside, "packet", "packets"),
	    tunnels_failing(c->r, CODE_IP_CHECKSUM_BAD),
	    plural(tunnels_failing(c->r, CODE_IP_CHECKSUM_BAD), "tunnel", "tunnels"));
	set(c, "nat_checksum_bug", CODE_IP_CHECKSUM_BAD);
	return true;
}

static void
value_words(const struct finding *f, char *buf, size_t len)
{
	char exp[32] = "";

	if (f->has_expected_value)
		snprintf(exp, sizeof(exp), ", %u was due", f->expected_value);
	snprintf(buf, len, "%s %s %u inside and %u outside%s", f->field,
	         f->dir == FDIR_TO_PNS ? "arrived as" : "was", f->inside_value, f->outside_value,
	         exp);
}

static bool
cause_value(struct cause_ctx *c, enum code code, const char *dcode, const char *what)
{
	const struct finding *f = failing(c->r, code);
	char words[FINDING_TEXT_LEN];

	if (f == NULL)
		return false;
	if (f->field[0] != 0 && f->has_inside_value && f->has_outside_value)
		value_words(f, words, sizeof(words));
	else
		finding_text(f, words, sizeof(words));
	say(c->d->cause, sizeof(c->d->cause), "%s: %s.", what, words);
	set(c, dcode, code);
	return true;
}

static bool
cause_not_restored(struct cause_ctx *c)
{
	return cause_value(c, CODE_CALL_ID_NOT_RESTORED, "call_id_not_restored",
	                   "the NAT did not restore the client's Call ID");
}

static bool
cause_inconsistent(struct cause_ctx *c)
{
	return cause_value(c, CODE_REWRITE_INCONSISTENT, "rewrite_inconsistent",
	                   "the NAT translated the client's Call ID in some messages only");
}

static bool
cause_unexpected(struct cause_ctx *c)
{
	return cause_value(c, CODE_UNEXPECTED_REWRITE, "unexpected_rewrite",
	                   "the NAT changed a field that must pass unchanged");
}

static bool
cause_misdelivered(struct cause_ctx *c)
{
	uint32_t n;

	if (failing(c->r, CODE_GRE_MISDELIVERED) == NULL)
		return false;
	n = tunnels_failing(c->r, CODE_GRE_MISDELIVERED);
	say(c->d->cause, sizeof(c->d->cause),
	    "the NAT delivers the server's GRE to the wrong client: %u %s broken.", n,
	    plural(n, "tunnel is", "tunnels are"));
	set(c, "gre_misdelivered", CODE_GRE_MISDELIVERED);
	return true;
}

/* The NAT stopped delivering the server's GRE mid-tunnel (gre_mapping_lost). */
static bool
cause_mapping_lost_mid_tunnel(struct cause_ctx *c)
{
	uint32_t n;

	if (failing(c->r, CODE_GRE_MAPPING_LOST) == NULL)
		return false;
	n = tunnels_failing(c->r, CODE_GRE_MAPPING_LOST);
	say(c->d->cause, sizeof(c->d->cause),
	    "the NAT lost its GRE mapping mid-tunnel: the server kept sending, %u %s heard "
	    "nothing more.",
	    n, plural(n, "tunnel", "tunnels"));
	set(c, "gre_mapping_lost_mid_tunnel", CODE_GRE_MAPPING_LOST);
	return true;
}

static bool
cause_mapping_lost(struct cause_ctx *c)
{
	const struct finding *f = failing(c->r, CODE_GRE_RETURN_BLOCKED);
	uint32_t n;

	if (f == NULL)
		return false;
	n = tunnels_failing(c->r, CODE_GRE_RETURN_BLOCKED);
	say(c->d->cause, sizeof(c->d->cause),
	    "the NAT has no mapping (lost, never made, or filtered) for the server's GRE: %u %s "
	    "never %s back.",
	    n, plural(n, "tunnel", "tunnels"), plural(n, "hears", "hear"));
	set(c, "gre_mapping_lost", CODE_GRE_RETURN_BLOCKED);
	return true;
}

static bool
cause_unmatched(struct cause_ctx *c)
{
	uint32_t n;

	if (failing(c->r, CODE_TUNNEL_UNMATCHED) == NULL)
		return false;
	n = tunnels_failing(c->r, CODE_TUNNEL_UNMATCHED);
	say(c->d->cause, sizeof(c->d->cause),
	    "the NAT dropped or redirected the control connection of %u %s: seen on one side, "
	    "never on the other.",
	    n, plural(n, "tunnel", "tunnels"));
	set(c, "control_connection_dropped", CODE_TUNNEL_UNMATCHED);
	return true;
}

static bool
cause_one_way(struct cause_ctx *c)
{
	uint32_t n;

	if (failing(c->r, CODE_GRE_ONE_WAY) == NULL)
		return false;
	n = tunnels_failing(c->r, CODE_GRE_ONE_WAY);
	say(c->d->cause, sizeof(c->d->cause),
	    "GRE flows one way only in %u %s: the other direction is filtered or "
	    "mis-translated.",
	    n, plural(n, "tunnel", "tunnels"));
	set(c, "gre_one_way", CODE_GRE_ONE_WAY);
	return true;
}

/* Any other failing finding: its title and its detail. */
static bool
cause_other(struct cause_ctx *c)
{
	char text[FINDING_TEXT_LEN];
	const struct verdict *v = c->r->verdict;
	uint32_t i;

	for (i = 0; i < v->nfindings; i++) {
		const struct finding *f = &v->findings[i];
		const struct code_info *ci = code_info(f->code);

		if (f->severity != SEV_ERROR && !(v->opt.strict && f->severity == SEV_WARNING))
			continue;
		say(c->d->cause, sizeof(c->d->cause), "%s: %s.",
		    ci != NULL ? ci->title : code_name(f->code),
		    finding_text(f, text, sizeof(text)));
		c->d->code = code_name(f->code);
		diagnosis_advice(c->r, f->code, c->d->fix, sizeof(c->d->fix));
		return true;
	}
	return false;
}

/* Root causes of a failure, most explaining first. */
static const cause_fn fail_causes[] = {
    cause_split,        cause_one_call_per_connection,
    cause_no_editor,    cause_collision,
    cause_gre_blocked,  cause_gre_forward,
    cause_checksum,     cause_not_restored,
    cause_inconsistent, cause_unexpected,
    cause_misdelivered, cause_mapping_lost_mid_tunnel,
    cause_mapping_lost,
    cause_unmatched,    cause_one_way,
    cause_other,
};

/* Calls set up whose GRE no capture holds: a capture filter, or GRE blocked
 * before the capture point (verdict.c: gre_not_captured, gre_absent). */
static bool
inconclusive_gre_cause(struct cause_ctx *c)
{
	const struct finding *f = any_of(c->r, CODE_GRE_NOT_CAPTURED);
	uint32_t n;

	if (f != NULL) {
		say(c->d->cause, sizeof(c->d->cause),
		    "calls were set up but %s no GRE at all: probably captured with a filter such "
		    "as 'tcp port 1723', so no tunnel's data can be judged.",
		    c->r->b != NULL ? "a capture holds" : "the capture holds");
		set(c, "gre_not_captured", CODE_GRE_NOT_CAPTURED);
		return true;
	}
	if (any_of(c->r, CODE_GRE_ABSENT) == NULL)
		return false;
	n = 0;
	for (f = c->r->verdict->findings; f < c->r->verdict->findings + c->r->verdict->nfindings;
	     f++)
		n += f->code == CODE_GRE_ABSENT;
	say(c->d->cause, sizeof(c->d->cause),
	    "%u %s set up carried no GRE in any capture while the others' GRE was captured: "
	    "probably blocked before the capture point, so %s cannot be judged.",
	    n, plural(n, "call", "calls"), n == 1 ? "its tunnel" : "their tunnels");
	set(c, "gre_absent", CODE_GRE_ABSENT);
	return true;
}

static void
inconclusive_cause(struct cause_ctx *c)
{
	const struct report *r = c->r;

	if (any_of(r, CODE_NO_PPTP) != NULL) {
		say(c->d->cause, sizeof(c->d->cause), "no PPTP was found in %s.",
		    r->b != NULL ? "either capture" : "the capture");
		set(c, "no_pptp", CODE_NO_PPTP);
	} else if (any_of(r, CODE_CAPTURES_DO_NOT_OVERLAP) != NULL) {
		say(c->d->cause, sizeof(c->d->cause),
		    "the two captures cover different times, so no tunnel can be compared.");
		set(c, "captures_do_not_overlap", CODE_CAPTURES_DO_NOT_OVERLAP);
	} else if (any_of(r, CODE_EVIDENCE_INCOMPLETE) != NULL) {
		say(c->d->cause, sizeof(c->d->cause),
		    "part of the evidence is missing or damaged, so no pass can be given.");
		set(c, "evidence_incomplete", CODE_EVIDENCE_INCOMPLETE);
	} else if (any_of(r, CODE_CAPTURE_TRUNCATED) != NULL) {
		/* A torn last record: the tunnels still up at the tear were cut (side_call_cut). */
		say(c->d->cause, sizeof(c->d->cause),
		    "the capture ends in a torn record (copied while it was still being written), "
		    "and the tunnels it cut cannot be judged.");
		c->d->code = "capture_truncated";
		say(c->d->fix, sizeof(c->d->fix),
		    "Stop the capture before copying it, and check the whole file again.");
	} else if (inconclusive_gre_cause(c)) {
		/* said */
	} else if (r->b == NULL) {
		say(c->d->cause, sizeof(c->d->cause),
		    "no tunnel of this capture can be judged: none was seen set up, nor with GRE "
		    "both ways.");
		c->d->code = "not_judgeable";
		say(c->d->fix, sizeof(c->d->fix),
		    "Capture from before the tunnels are set up, so that their control connection "
		    "(TCP port 1723) is in the capture.");
	} else {
		say(c->d->cause, sizeof(c->d->cause),
		    "no tunnel was seen on both sides of the NAT, so none can be judged.");
		c->d->code = "not_judgeable";
		say(c->d->fix, sizeof(c->d->fix),
		    "Capture on both sides of the NAT while the tunnels are set up.");
	}
}

static void
pass_cause(struct cause_ctx *c)
{
	const struct report *r = c->r;
	const struct verdict *v = r->verdict;
	uint32_t n = r->corr->npairs, warnings = v->count[SEV_WARNING];

	if (r->b != NULL)
		say(c->d->cause, sizeof(c->d->cause), "the NAT kept %s %u %s apart and consistent.",
		    n == 1 ? "the" : "all", n, plural(n, "tunnel", "tunnels"));
	else
		say(c->d->cause, sizeof(c->d->cause), "no defect in the %u %s of this capture.", n,
		    plural(n, "tunnel", "tunnels"));
	if (warnings > 0) {
		size_t len = strlen(c->d->cause), k;
		char codes[160] = "";

		/* Which codes the warnings are, so the reader knows what to look at. */
		for (k = 0; k < CODE_COUNT; k++) {
			uint32_t i;

			for (i = 0; i < v->nfindings; i++)
				if (v->findings[i].code == (enum code)k &&
				    v->findings[i].severity == SEV_WARNING)
					break;
			if (i < v->nfindings && strlen(codes) + 40 < sizeof(codes))
				snprintf(codes + strlen(codes), sizeof(codes) - strlen(codes),
				         "%s%s", codes[0] != 0 ? ", " : "",
				         code_name((enum code)k));
		}
		if (len > 0 && c->d->cause[len - 1] == '.')
			c->d->cause[len - 1] = 0;
		len = strlen(c->d->cause);
		snprintf(c->d->cause + len, sizeof(c->d->cause) - len,
		         "; the %s (%s) %s not break %s.", plural(warnings, "warning", "warnings"),
		         codes, plural(warnings, "does", "do"), n == 1 ? "it" : "them");
	}
	{
		uint32_t i, accepted = 0;
		size_t len = strlen(c->d->cause);

		for (i = 0; i < v->nfindings; i++)
			accepted += v->findings[i].ignored;
		if (accepted > 0 && len > 0 && c->d->cause[len - 1] == '.') {
			c->d->cause[len - 1] = 0;
			snprintf(c->d->cause + len - 1, sizeof(c->d->cause) - (len - 1),
			         "; %u %s accepted with --ignore.", accepted,
			         plural(accepted, "finding", "findings"));
		}
	}
	c->d->code = warnings > 0 ? "pass_with_warnings" : "none";
}

void
diagnosis_derive(const struct report *r, struct diagnosis *out)
{
	struct cause_ctx c = {r, out};
	const struct verdict *v = r->verdict;
	const char *word = "PASS";
	size_t i, n;

	memset(out, 0, sizeof(*out));
	out->code = "none";
	switch (v->value) {
	case VERDICT_FAIL:
		word = "FAIL";
		for (i = 0; i < sizeof(fail_causes) / sizeof(fail_causes[0]); i++)
			if (fail_causes[i](&c))
				break;
		break;
	case VERDICT_INCONCLUSIVE:
		word = "INCONCLUSIVE";
		inconclusive_cause(&c);
		break;
	case VERDICT_PASS:
		pass_cause(&c);
		break;
	}
	if (out->cause[0] == 0)
		say(out->cause, sizeof(out->cause), "%s", "the findings name no single cause.");
	if (v->value == VERDICT_PASS && v->count[SEV_WARNING] > 0)
		n = (size_t)snprintf(out->headline, sizeof(out->headline), "PASS with %u %s: %s",
		                     v->count[SEV_WARNING],
		                     plural(v->count[SEV_WARNING], "warning", "warnings"),
		                     out->cause);
	else
		n = (size_t)snprintf(out->headline, sizeof(out->headline), "%s: %s", word,
		                     out->cause);
	/* In the headline the fix continues a sentence: "Fix: enable ...". */
	if (out->fix[0] != 0 && n < sizeof(out->headline))
		snprintf(out->headline + n, sizeof(out->headline) - n, " Fix: %c%s",
		         out->fix[0] >= 'A' && out->fix[0] <= 'Z' ? out->fix[0] - 'A' + 'a'
		                                                  : out->fix[0],
		         out->fix + 1);
}
