/* The finding-code table: names are part of the JSON contract, never renamed. */
#include "code.h"

#include <string.h>

#include "common.h"

static const struct code_info codes[] = {
    {CODE_CALL_ID_COLLISION, "call_id_collision", SEV_ERROR,
     "The server cannot tell these tunnels apart: only one of them can work at a time "
     "(Windows error 619 or 806 on the others).",
     "Call ID collision"},
    {CODE_GRE_BLOCKED, "gre_blocked", SEV_ERROR,
     "The control connection worked but the data channel did not (Windows error 619/806).",
     "GRE blocked both ways"},
    {CODE_GRE_RETURN_BLOCKED, "gre_return_blocked", SEV_ERROR,
     "The client sends but never hears back (LCP times out, Windows error 619/806): the NAT "
     "has no mapping for GRE from the server.",
     "return GRE blocked"},
    {CODE_GRE_FORWARD_BLOCKED, "gre_forward_blocked", SEV_ERROR,
     "GRE from the client never leaves the NAT (Windows error 619/806).", "outgoing GRE blocked"},
    {CODE_GRE_MISDELIVERED, "gre_misdelivered", SEV_ERROR,
     "The NAT hands one tunnel's data to another client: both tunnels break. It keeps GRE "
     "state per address pair, not per call.",
     "GRE delivered to the wrong client"},
    {CODE_CALL_ID_NOT_RESTORED, "call_id_not_restored", SEV_ERROR,
     "The client receives a Call ID it never chose and drops the packets (Windows error "
     "619): the NAT's PPTP editor translates this field wrongly.",
     "Call ID not restored"},
    {CODE_REWRITE_INCONSISTENT, "rewrite_inconsistent", SEV_ERROR,
     "The NAT translated this call's Call ID in some messages and not in others, so the "
     "server sees two different calls: the PPTP editor is incomplete.",
     "Call ID translated inconsistently"},
    {CODE_UNEXPECTED_REWRITE, "unexpected_rewrite", SEV_ERROR,
     "The NAT changed a field that must pass unchanged; the receiving peer may drop the "
     "message or act on the wrong call (Windows error 619). In Call-Disconnect-Notify, where "
     "implementations disagree, it is a warning; the Linux editor's own rewrite of that "
     "field is cdn_rewritten_by_editor.",
     "field changed that must pass unchanged"},
    {CODE_IP_CHECKSUM_BAD, "ip_checksum_bad", SEV_ERROR,
     "Packets leave the NAT with a wrong IPv4 header checksum and the next hop drops them "
     "(the tunnel negotiates, then stalls: Windows error 619): the checksum is not updated "
     "after rewriting.",
     "wrong IPv4 checksum"},
    {CODE_TUNNEL_UNMATCHED, "tunnel_unmatched", SEV_ERROR,
     "A tunnel seen on one side has no twin on the other although both captures cover its "
     "time: the NAT dropped or redirected its control connection.",
     "tunnel missing on the other side"},
    {CODE_CAPTURES_DO_NOT_OVERLAP, "captures_do_not_overlap", SEV_WARNING,
     "The two captures cover different times, so nothing can be compared.",
     "captures do not overlap"},
    {CODE_GRE_LOSS, "gre_loss", SEV_WARNING,
     "Some GRE packets did not cross the NAT. A few losses are normal under load; many "
     "mean a congested or filtering NAT.",
     "GRE lost in the NAT"},
    {CODE_GRE_MAPPING_LOST, "gre_mapping_lost", SEV_ERROR,
     "The NAT stopped delivering the server's GRE to the client in the middle of the tunnel "
     "while the server kept sending: its GRE state was lost (flushed, timed out, rebooted). "
     "The tunnel is dead (Windows error 807 or 619) until the client reconnects.",
     "GRE mapping lost mid-tunnel"},
    {CODE_GRE_ONE_WAY, "gre_one_way", SEV_ERROR,
     "GRE flows in one direction only: the other side's packets are filtered or "
     "mis-translated (Windows error 619/806).",
     "GRE one way only"},
    {CODE_GRE_ACK_STALLED, "gre_ack_stalled", SEV_WARNING,
     "The peer stopped acknowledging GRE packets: it is no longer receiving them (bad "
     "checksums or a lost mapping on the way).",
     "GRE acknowledgments stalled"},
    {CODE_LCP_NO_REPLY, "lcp_no_reply", SEV_WARNING,
     "PPP LCP Configure-Requests are repeated with no reply: \"PPTP negotiation is not "
     "converging\" (Windows error 806) or 619.",
     "LCP unanswered"},
    {CODE_CALL_REFUSED, "call_refused", SEV_NOTE,
     "The server refused the call; this is not a NAT problem. Not counted as a tunnel.",
     "call refused"},
    {CODE_CDN_CALL_ID_IS_PNS, "cdn_call_id_is_pns", SEV_NOTE,
     "The server put the client's Call ID in Call-Disconnect-Notify (RFC 2637 says its own); "
     "common and harmless.",
     "CDN carries the client's Call ID"},
    {CODE_SLI_FROM_PAC, "sli_from_pac", SEV_NOTE,
     "The server sent Set-Link-Info carrying the client's Call ID (Microsoft servers do); a NAT "
     "editor must restore it like other client Call IDs.",
     "server sends Set-Link-Info"},
    {CODE_CDN_REWRITTEN_BY_EDITOR, "cdn_rewritten_by_editor", SEV_NOTE,
     "The NAT wrote the client's own Call ID into the server's Call-Disconnect-Notify, as the "
     "Linux nf_nat_pptp editor always does; clients accept it. Not a defect.",
     "CDN Call ID rewritten by the Linux editor"},
    {CODE_GRE_ABSENT, "gre_absent", SEV_WARNING,
     "A call was set up but none of its GRE was captured either way, while other tunnels' GRE "
     "was: GRE for this call was probably blocked before the capture point (a firewall, or a "
     "NAT without a mapping for it). Nothing about the tunnel's Call IDs can be verified.",
     "no GRE for a call that was set up"},
    {CODE_NAT_EDITOR_DETECTED, "nat_editor_detected", SEV_NOTE,
     "The NAT translates PPTP Call IDs (a PPTP editor is active).", "PPTP editor detected"},
    {CODE_NAT_EDITOR_ABSENT, "nat_editor_absent", SEV_NOTE,
     "The NAT passes Call IDs unchanged: no PPTP editor is active. One client per public "
     "address and server works at best.",
     "no PPTP editor"},
    {CODE_CLOCK_OFFSET, "clock_offset", SEV_NOTE, "", "clock offset"},
    {CODE_CLOCK_OFFSET_UNCERTAIN, "clock_offset_uncertain", SEV_WARNING,
     "Matched packets disagree about the clock offset between the two captures: pairing may "
     "be wrong.",
     "clock offset uncertain"},
    {CODE_NO_PPTP, "no_pptp", SEV_NOTE, "No PPTP control connection or GRE data was found.",
     "no PPTP"},
    {CODE_EVIDENCE_INCOMPLETE, "evidence_incomplete", SEV_WARNING,
     "Part of the evidence is missing or damaged, so a pass cannot be given.",
     "evidence incomplete"},
    {CODE_GRE_NOT_CAPTURED, "gre_not_captured", SEV_WARNING,
     "Calls were set up but the capture holds no GRE at all: it was probably taken with a "
     "capture filter such as 'tcp port 1723', so the tunnels cannot be judged.",
     "no GRE in the capture"},
    {CODE_CHECKSUM_OFFLOAD, "checksum_offload", SEV_NOTE,
     "Every packet one host sent has a wrong checksum from the first one: the capture was "
     "taken on that host with checksum offload (the NIC fills checksums in after the capture "
     "point). Not a NAT defect.",
     "checksum offload on the capturing host"},
    {CODE_CAPTURE_TRUNCATED, "capture_truncated", SEV_WARNING,
     "The capture file ends in the middle of a packet (copied while it was still being "
     "written, disk full, or capture killed): what comes before is judged, a tunnel it cut "
     "is inconclusive.",
     "capture truncated"},
    {CODE_CAPTURE_ERROR, "capture_error", SEV_WARNING, "The capture file is damaged here.",
     "capture damaged"},
    {CODE_SNAPLEN_TRUNCATED, "snaplen_truncated", SEV_WARNING,
     "Packets were cut by the capture's snapshot length.", "packets cut by the snapshot length"},
    {CODE_LINK_UNSUPPORTED, "link_unsupported", SEV_NOTE, "", "link type not supported"},
    {CODE_IP_INVALID, "ip_invalid", SEV_WARNING, "", "invalid IP packet"},
    {CODE_IP_FRAGMENT_DROPPED, "ip_fragment_dropped", SEV_WARNING, "", "IP fragment dropped"},
    {CODE_TCP_INVALID, "tcp_invalid", SEV_WARNING, "", "invalid TCP segment"},
    {CODE_TCP_GAP, "tcp_gap", SEV_WARNING,
     "Bytes of the control connection are missing from the capture; messages across the gap "
     "are lost, not guessed.",
     "control connection bytes missing"},
    {CODE_TCP_CONFLICT, "tcp_conflict", SEV_WARNING,
     "A retransmitted TCP segment carried different bytes than the original.",
     "conflicting TCP retransmission"},
    {CODE_PPTP_MALFORMED, "pptp_malformed", SEV_WARNING, "", "malformed PPTP message"},
    {CODE_PPTP_NONSTANDARD, "pptp_nonstandard", SEV_NOTE, "", "non-standard PPTP message"},
    {CODE_PPTP_RESYNC, "pptp_resync", SEV_WARNING,
     "Control-connection bytes that should have been a PPTP message were not; the messages "
     "among them are lost.",
     "PPTP framing lost"},
    {CODE_CONTROL_MIDSTREAM, "control_midstream", SEV_NOTE,
     "The capture starts in the middle of a control connection; the calls placed before it "
     "are known only by their GRE.",
     "capture starts mid-connection"},
    {CODE_PPTP_UNKNOWN_CALL, "pptp_unknown_call", SEV_WARNING, "", "message for an unknown call"},
    {CODE_GRE_INVALID, "gre_invalid", SEV_WARNING, "", "invalid GRE packet"},
    {CODE_GRE_NOT_PPTP, "gre_not_pptp", SEV_NOTE, "", "GRE that is not PPTP"},
    {CODE_LIMIT_REACHED, "limit_reached", SEV_WARNING,
     "A safety limit was reached; the analysis past it is partial.", "limit reached"},
};

/* --ignore and the per-tunnel code sets are 64-bit masks. */
_Static_assert(CODE_COUNT <= 64, "code masks are 64 bits");

const struct code_info *
code_info(enum code code)
{
	if ((unsigned)code >= ARRAY_LEN(codes))
		return NULL;
	return &codes[code];
}

const char *
code_name(enum code code)
{
	const struct code_info *ci = code_info(code);

	return ci != NULL ? ci->name : "unknown";
}

const char *
severity_name(enum severity severity)
{
	switch (severity) {
	case SEV_NOTE:
		return "note";
	case SEV_WARNING:
		return "warning";
	case SEV_ERROR:
		return "error";
	}
	return "unknown";
}

unsigned
code_damage(enum code code)
{
	switch (code) {
	/* The file itself, or packets of any kind, are cut or unreadable. */
	case CODE_CAPTURE_TRUNCATED:
	case CODE_CAPTURE_ERROR:
	case CODE_SNAPLEN_TRUNCATED:
	case CODE_IP_INVALID:
	case CODE_IP_FRAGMENT_DROPPED:
	case CODE_LIMIT_REACHED:
		return DAMAGE_ANY;
	/* Only the control connection's bytes. */
	case CODE_TCP_INVALID:
	case CODE_TCP_GAP:
	case CODE_TCP_CONFLICT:
	case CODE_PPTP_MALFORMED:
	case CODE_PPTP_RESYNC:
		return DAMAGE_CONTROL;
	case CODE_GRE_INVALID:
		return DAMAGE_GRE;
	default:
		return 0;
	}
}

bool
code_by_name(const char *name, enum code *out)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(codes); i++) {
		if (strcmp(codes[i].name, name) == 0) {
			*out = codes[i].code;
			return true;
		}
	}
	return false;
}
