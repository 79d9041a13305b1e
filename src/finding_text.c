/*
 * Wording findings: the only place their sentences and evidence labels
 * are written in English.
 *
 * Design: the judge (verdict.c) records, per finding, a kind naming which
 * sentence applies (enum finding_msg) and the typed values it needs
 * (struct msg_arg: counts, Call IDs, addresses, captures, names from static
 * tables); per evidence frame, a label kind and its values the same way.
 * Here one table row per kind holds the sentence as a format over those
 * values, consumed in order:
 *   %u %llu %x %.3f ...  a number (integers of any width are printed from
 *                        the 64-bit value: the length modifier is ignored)
 *   %s                   a name (MARG_NAME)
 *   %A                   an address
 *   %S                   a capture: "the inside capture", ...
 *   %P                   "s" unless the value is 1 (plural of the count before)
 *   %I                   a number, or "unknown" (MARG_UNKNOWN)
 *   %K                   a code by name
 *   %L                   codes by name: two values, the set of codes (bit
 *                        1 << code) and those preceded by ", "
 *   %Q                   the finding's or evidence's quote (no value taken)
 *   %{a|b|...}           alternative number <value> (a choice the rule made)
 *   %%                   a percent sign
 * A value missing or of another type prints nothing: a wrong row shows as
 * a gap in a sentence, never as a crash.  Every renderer (text, JSON,
 * HTML, JUnit, diagnosis) words findings through finding_text() and
 * evidence through evidence_text(), so the wording is the same everywhere.
 *
 * The one text a finding carries is a quote: an input diagnostic's own
 * detail, written by the parser that found the problem (MSG_INPUT_DIAGNOSTIC,
 * LABEL_INPUT_DIAGNOSTIC).  Sentences are cut at the buffer given, as they
 * always were at FINDING_TEXT_LEN.
 */
#include "finding_text.h"

#include <stdio.h>
#include <string.h>

#include "code.h"

/* A Call ID field the NAT got wrong: message, field, direction, values; then why. */
#define FIELD_WRONG                                                                                \
	"%s %{Call ID|Peer's Call ID} (%{client to server|server to client}): inside %u, "         \
	"outside %u; "
/* The NAT's editor: its first translations (inside, outside, tunnel), then the tail. */
#define EDITOR_HEAD "the NAT translates client Call IDs: "
#define EDITOR_MAP "%u -> %u (tunnel %u)"
/* Whether more translations than listed, and whether each is the NAT's TCP port. */
#define EDITOR_TAIL                                                                                \
	"%{|, ...}%{|; each new Call ID is the NAT's TCP source port of the control connection, "  \
	"as the Linux nf_nat_pptp editor does}"

static const char *const msg_format[MSG_COUNT] = {
    [MSG_INPUT_DIAGNOSTIC] = "%S: %llu time%P; first: %Q",
    [MSG_GRE_ONE_WAY] = "GRE flows only %{to the client|to the server}: %llu packet%P, none "
                        "%{from the client|back from the server}",
    [MSG_TUNNEL_UNMATCHED] = "tunnel %A -> %A (%s capture, client Call ID %I, server Call ID %I) "
                             "has no twin in the %s capture, which covers its time",
    [MSG_GRE_UNCLAIMED] =
        "%llu GRE packets from the server %A to the NAT's address %A (key %u) reached no client, "
        "and the clients' tunnels to that server received no GRE from it (the control "
        "connections are not in the captures: whose packets they were cannot be told)",
    [MSG_EVIDENCE_INCOMPLETE] =
        "%S is damaged (%L): no pass can be given for what may be missing from it",
    [MSG_GRE_NOT_CAPTURED] = "%S holds no GRE at all although calls were set up: probably "
                             "captured with a filter such as 'tcp port 1723'; their tunnels "
                             "cannot be judged",
    [MSG_GRE_NOT_CAPTURED_BOTH] =
        "%S and %S hold no GRE at all although calls were set up: probably captured with a "
        "filter such as 'tcp port 1723'; their tunnels cannot be judged",
    [MSG_GRE_ABSENT] = "call set up (client Call ID %u, server Call ID %u) but none of its GRE "
                       "was captured either way, while other tunnels' GRE was: probably blocked "
                       "before the capture point; the tunnel cannot be judged",
    [MSG_CLOCK_OFFSET_UNCERTAIN] = "matched packets disagree on the clock offset by +-%.3f s",
    [MSG_CLOCK_OFFSET] = "the inside capture's clock is %.6f s %{ahead of|behind} the outside "
                         "one's%{| (--time-offset)}",
    [MSG_NO_OVERLAP] = "the inside capture covers a different time than the outside capture "
                       "(after a clock offset of %.6f s)",
    [MSG_NO_PPTP] = "no PPTP control connection and no PPTP GRE in %{the capture|either capture}",
    [MSG_GRE_MAPPING_LOST_ICMP] =
        "the NAT stopped delivering GRE from the server %A to the client: after the last "
        "packet the client received, the NAT answered the server's GRE (key %u) with ICMP "
        "errors from its own address: it had no mapping left",
    [MSG_GRE_MAPPING_LOST] =
        "the NAT stopped delivering GRE from the server %A to the client: after the last "
        "packet it delivered, %llu more%{| (sampled)} reached the NAT (key %u) within %.3f s "
        "and none reached the client%{|; the NAT answered with ICMP errors from its own "
        "address: it had no mapping left}",
    [MSG_GRE_BLOCKED] = "no GRE crossed the NAT: %llu packet%P to the server inside, 0 outside; "
                        "%llu packet%P to the client outside, 0 inside",
    [MSG_GRE_FORWARD_BLOCKED] =
        "%llu GRE packet%P to the server (key %u) left the client; none left the NAT",
    [MSG_GRE_LOSS_TO_PAC] = "GRE to the server: %llu packets inside, %llu outside; %llu lost "
                            "while both captures ran",
    [MSG_GRE_MERGED] = "%A received the server's GRE of %u tunnels under its Call ID %u: "
                       "sequence number %u arrived %u times with different contents",
    [MSG_GRE_MISDELIVERED] = "GRE from the server for this tunnel (outside key %u) was delivered "
                             "inside to %A with key %u%{|, another tunnel's}: %llu sampled "
                             "packet%P",
    [MSG_GRE_NOT_RESTORED] = "GRE key to the client: outside %u, inside %u; the client chose "
                             "Call ID %u (%llu sampled packet%P)",
    [MSG_GRE_RETURN_BLOCKED] =
        "%llu GRE packet%P from the server to the NAT's Call ID %u reached the NAT%{| (counted "
        "for the shared triple)}; none reached the client",
    [MSG_GRE_LOSS_TO_PNS] = "GRE to the client: %llu packets outside, %llu inside; %llu lost "
                            "while both captures ran",
    [MSG_GRE_CHECKSUM_BAD] =
        "%{GRE to the server|GRE to the client|GRE to the server, sent by the NAT|GRE to the "
        "client, sent by the NAT} (%S): %llu packet%P with a wrong IPv4 header checksum, %llu "
        "correct before the first bad one",
    [MSG_GRE_ACK_STALLED] = "GRE %{to the server|to the client}: %llu packets sent after the "
                            "peer's last acknowledgment (sequence %u, acknowledged up to %u; %S)",
    [MSG_LCP_NO_REPLY] =
        "%u LCP Configure-Requests sent %{to the server|to the client} with no reply (%S)",
    [MSG_FIELD_MUST_STAY] = FIELD_WRONG "%{this is the server's own Call ID|this value is not the "
                                        "client's Call ID}, which must cross the NAT unchanged",
    [MSG_FIELD_INCONSISTENT] =
        FIELD_WRONG "the NAT translated this call's Call ID %u to %u elsewhere but "
                    "sent %u here",
    [MSG_FIELD_NOT_RESTORED] =
        FIELD_WRONG "the server named the client's Call ID (outside %u) but the "
                    "client chose %u",
    [MSG_CDN_REWRITTEN_BY_EDITOR] =
        "the NAT wrote the client's own Call ID into the server's Call-Disconnect-Notify "
        "(first: outside %u, inside %u), as the Linux nf_nat_pptp editor always does; clients "
        "accept it",
    [MSG_COLLISION] = "%u tunnels use the same %{forward|return} triple (%A -> %A, Call ID %u) "
                      "at the same time in %S: GRE %{to the server|from the server to these "
                      "clients} cannot be told apart",
    [MSG_COLLISIONS_DROPPED] = "%llu further Call ID collisions not recorded (limit %u)",
    [MSG_EDITOR_DETECTED_1] = EDITOR_HEAD EDITOR_MAP EDITOR_TAIL,
    [MSG_EDITOR_DETECTED_2] = EDITOR_HEAD EDITOR_MAP ", " EDITOR_MAP EDITOR_TAIL,
    [MSG_EDITOR_DETECTED_3] = EDITOR_HEAD EDITOR_MAP ", " EDITOR_MAP ", " EDITOR_MAP EDITOR_TAIL,
    [MSG_EDITOR_ABSENT] = "the NAT passed every client Call ID unchanged (%u tunnel%P): no PPTP "
                          "editor is active, so two clients with the same Call ID to the same "
                          "server will collide",
    [MSG_CALL_REFUSED] = "%{outgoing|incoming} call with %{client|server} Call ID %u refused "
                         "by the %{server|client}: result %u (%s), error %u, cause %u",
    [MSG_CDN_CALL_ID_IS_PNS] = "the server's Call-Disconnect-Notify carries the client's Call ID",
    [MSG_SLI_FROM_PAC] = "the server sends Set-Link-Info with the client's Call ID",
    [MSG_CALLS_DROPPED] = "%S: %llu calls and %llu control connections past the limits (%u "
                          "each) were not analysed",
    [MSG_CHECKSUM_OFFLOAD] =
        "%S: all %llu PPTP packets from %A have a wrong IPv4 header checksum, from the first "
        "one: captured on that host with checksum offload, not a NAT defect",
    [MSG_CONTROL_CHECKSUM_BAD] =
        "%S: %llu control-connection packets from %A with a wrong IPv4 header checksum, %llu "
        "packets from it correct before the first",
};

static const char *const label_format[LABEL_COUNT] = {
    [LABEL_INPUT_DIAGNOSTIC] = "%Q",
    [LABEL_FIRST_GRE] = "first GRE",
    [LABEL_TUNNEL_STARTS] = "tunnel starts",
    [LABEL_FIRST_GRE_TO_NAT] = "first GRE to the NAT, key %u",
    [LABEL_LAST_GRE_TO_NAT] = "last GRE to the NAT, key %u",
    [LABEL_TUNNEL_NONE_BACK] = "tunnel %u: GRE to the server, none back",
    [LABEL_CODE] = "%K",
    [LABEL_CALL_SET_UP] = "call set up, tunnel %u",
    [LABEL_ICMP_QUOTING_GRE] = "ICMP%{|v6} %s from %A quoting this GRE (%u in all)",
    [LABEL_LAST_ICMP_QUOTING_GRE] = "last ICMP error quoting this GRE",
    [LABEL_ICMP_QUOTING_CONTROL] = "ICMP error quoting a control connection segment (%llu in all)",
    [LABEL_LAST_GRE_DELIVERED] = "last GRE to the client the NAT delivered",
    [LABEL_SAME_PACKET_DELIVERED] = "the same packet, delivered",
    [LABEL_LAST_GRE_CLIENT_RECEIVED] = "last GRE the client received",
    [LABEL_FIRST_GRE_NOT_DELIVERED] = "first GRE to the client not delivered",
    [LABEL_LAST_GRE_NOT_DELIVERED] = "last GRE to the client not delivered",
    [LABEL_FIRST_GRE_TO_PAC] = "first GRE to the server",
    [LABEL_LAST_GRE_TO_PAC] = "last GRE to the server",
    [LABEL_FIRST_GRE_TO_PNS] = "first GRE to the client",
    [LABEL_CALL_ESTABLISHED_OCRP] = "call established (OCRP)",
    [LABEL_GRE_SEQ] = "GRE seq %u",
    [LABEL_GRE_SEQ_AGAIN] = "GRE seq %u again, other contents",
    [LABEL_GRE_TO_PNS] = "GRE to the client",
    [LABEL_GRE_KEY] = "GRE key %u",
    [LABEL_CALL_ESTABLISHED_INSIDE] = "call established inside",
    [LABEL_LAST_CHECKSUM_GOOD] = "last correct checksum",
    [LABEL_FIRST_CHECKSUM_BAD] = "first wrong checksum",
    [LABEL_LAST_GRE_DIR] = "last GRE %{to the server|to the client}",
    [LABEL_LAST_GRE_BACK] = "last GRE back",
    [LABEL_FIRST_LCP_REQUEST] = "first LCP Configure-Request",
    [LABEL_MSG_FIELD] = "%s %{Call ID|Peer's Call ID} %u",
    [LABEL_CDN_CALL_ID] = "CDN Call ID %u",
    [LABEL_SLI_PEER_CALL_ID] = "SLI Peer's Call ID %u",
    [LABEL_TUNNEL_UP] = "tunnel %u up, Call ID %u",
    [LABEL_CALL_REFUSED] = "call refused",
    [LABEL_FIRST_PACKET_BAD_CHECKSUM] = "first packet, wrong checksum",
};

/* A buffer filled left to right, cut (never overrun) at its end. */
struct words {
	char *buf;
	size_t len, used;
};

static void
put(struct words *w, const char *s, size_t n)
{
	size_t room = w->len - 1 - w->used;

	if (n > room)
		n = room;
	memcpy(w->buf + w->used, s, n);
	w->used += n;
	w->buf[w->used] = '\0';
}

static const char *
capture_name(enum side_role role)
{
	switch (role) {
	case SIDE_INSIDE:
		return "the inside capture";
	case SIDE_OUTSIDE:
		return "the outside capture";
	case SIDE_SINGLE:
		return "the capture";
	}
	return "a capture";
}

/* Alternative number k of "a|b|c}" (p just past "%{"); returns past the '}'. */
static const char *
put_choice(struct words *w, const char *p, uint64_t k)
{
	uint64_t i = 0;
	const char *start = p;

	for (; *p != '\0' && *p != '}'; p++) {
		if (*p != '|')
			continue;
		if (i == k)
			put(w, start, (size_t)(p - start));
		i++;
		start = p + 1;
	}
	if (i == k)
		put(w, start, (size_t)(p - start));
	return *p == '}' ? p + 1 : p;
}

/* One conversion of a standard printf spec (p at its '%'); returns past it. */
static const char *
put_number_or_name(struct words *w, const char *p, const struct msg_arg *a)
{
	char spec[16], out[128];
	size_t n = 0;
	char conv;

	spec[n++] = *p++;
	while (*p != '\0' && strchr("-+ #0123456789.", *p) != NULL && n < sizeof(spec) - 4)
		spec[n++] = *p++;
	while (*p != '\0' && strchr("hlLqjzt", *p) != NULL)
		p++;
	conv = *p != '\0' ? *p++ : 'u';
	if (a == NULL)
		return p;
	out[0] = '\0';
	if (conv == 's' && a->type == MARG_NAME) {
		spec[n++] = 's';
		spec[n] = '\0';
		snprintf(out, sizeof(out), spec, a->v.name != NULL ? a->v.name : "?");
	} else if (strchr("eEfFgG", conv) != NULL && a->type == MARG_REAL) {
		spec[n++] = conv;
		spec[n] = '\0';
		snprintf(out, sizeof(out), spec, a->v.real);
	} else if (strchr("diuxXo", conv) != NULL && a->type == MARG_UINT) {
		spec[n++] = 'l';
		spec[n++] = 'l';
		spec[n++] = conv == 'd' || conv == 'i' ? 'u' : conv;
		spec[n] = '\0';
		snprintf(out, sizeof(out), spec, (unsigned long long)a->v.u);
	}
	put(w, out, strlen(out));
	return p;
}

/* The codes of set (bit 1 << code) by name, ", " before those also in sep. */
static void
put_codes(struct words *w, uint64_t set, uint64_t sep)
{
	unsigned c;

	for (c = 0; c < CODE_COUNT && c < 64; c++) {
		if ((set & ((uint64_t)1 << c)) == 0)
			continue;
		if ((sep & ((uint64_t)1 << c)) != 0)
			put(w, ", ", 2);
		put(w, code_name((enum code)c), strlen(code_name((enum code)c)));
	}
}

static void
word(struct words *w, const char *fmt, const struct msg_arg *args, unsigned nargs,
     const char *quote)
{
	const char *p = fmt;
	unsigned next = 0;

	while (*p != '\0') {
		const char *pct = strchr(p, '%');
		const struct msg_arg *a;
		char addr[ADDR_STRLEN];

		if (pct == NULL) {
			put(w, p, strlen(p));
			return;
		}
		put(w, p, (size_t)(pct - p));
		p = pct + 1;
		if (*p == '%') {
			put(w, "%", 1);
			p++;
			continue;
		}
		if (*p == 'Q') {
			put(w, quote, strnlen(quote, w->len));
			p++;
			continue;
		}
		a = next < nargs ? &args[next] : NULL;
		next++;
		switch (*p) {
		case '{':
			p = put_choice(w, p + 1,
			               a != NULL && a->type == MARG_UINT ? a->v.u : UINT64_MAX);
			break;
		case 'A':
			p++;
			if (a != NULL && a->type == MARG_ADDR) {
				addr_format(&a->v.addr, addr);
				put(w, addr, strlen(addr));
			}
			break;
		case 'S':
			p++;
			if (a != NULL && a->type == MARG_SIDE)
				put(w, capture_name(a->v.side), strlen(capture_name(a->v.side)));
			break;
		case 'I':
			p++;
			if (a != NULL && a->type == MARG_UNKNOWN)
				put(w, "unknown", strlen("unknown"));
			else
				put_number_or_name(w, "%u", a);
			break;
		case 'K':
			p++;
			if (a != NULL && a->type == MARG_UINT && a->v.u < CODE_COUNT)
				put(w, code_name((enum code)a->v.u),
				    strlen(code_name((enum code)a->v.u)));
			break;
		case 'L': {
			const struct msg_arg *b = next < nargs ? &args[next] : NULL;

			next++;
			p++;
			if (a != NULL && b != NULL && a->type == MARG_UINT && b->type == MARG_UINT)
				put_codes(w, a->v.u, b->v.u);
			break;
		}
		case 'P':
			p++;
			if (a != NULL && a->type == MARG_UINT && a->v.u != 1)
				put(w, "s", 1);
			break;
		default:
			p = put_number_or_name(w, pct, a);
			break;
		}
	}
}

/* Why a missing packet may prove nothing (absence_note in verdict.c). */
static void
put_weak_note(struct words *w, const struct finding *f)
{
	const char *capture = capture_name(f->weak_side);

	put(w, " (", 2);
	put(w, capture, strlen(capture));
	if (f->weak_torn)
		put(w,
		    " ends in a torn record while the call was up: the packets may only be "
		    "missing from the file)",
		    strlen(" ends in a torn record while the call was up: the packets may only be "
		           "missing from the file)"));
	else
		put(w, " is damaged: the packets may only be missing from the file)",
		    strlen(" is damaged: the packets may only be missing from the file)"));
}

const char *
finding_text(const struct finding *f, char *buf, size_t len)
{
	struct words w = {buf, len, 0};

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (f->msg >= MSG_COUNT || msg_format[f->msg] == NULL)
		return buf;
	word(&w, msg_format[f->msg], f->args, f->nargs, f->quote);
	if (f->weak)
		put_weak_note(&w, f);
	else if (f->weak_association) {
		const char *capture = capture_name(f->weak_side);
		static const char why[] = " lost control bytes: which tunnel these packets belong to "
		                          "may be misread)";

		put(&w, " (", 2);
		put(&w, capture, strlen(capture));
		put(&w, why, sizeof(why) - 1);
	}
	return buf;
}

const char *
evidence_text(const struct evidence *e, char *buf, size_t len)
{
	struct words w = {buf, len, 0};

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (e->kind < LABEL_COUNT && label_format[e->kind] != NULL)
		word(&w, label_format[e->kind], e->args, e->nargs, e->quote);
	return buf;
}
