/*
 * Findings and verdicts.  The judge produces data; only the renderers
 * (report_*.c, diagnosis.c) word it for a reader.
 *
 * Adding a rule: one static function judge_X(struct judge *j, ...) that
 * looks at sides/correlation and, per thing it finds,
 *   f = finding_say(j, CODE_X, severity, MSG_X, MARGS(marg_u(n), ...));
 *   finding_tunnel(j, f, tunnel_id);          every tunnel it concerns
 *   finding_shows(f, side, &frame, LABEL_X, MARGS(...)); frames from both captures
 *   finding_value(f, "CCRQ.call_id", in, out, expected) / finding_packets()
 *   and marks (tunnel_mark) for the per-tunnel table;
 * then the sentence of MSG_X (and of LABEL_X) in src/finding_text.c's
 * tables (no English here: a rule names which sentence applies and hands
 * over its values), a row in src/code.c (name, default severity, what it
 * means), a case in diagnosis_advice() if something can be done about it,
 * and, when it can be the root cause of a failure, a row in diagnosis.c's
 * table.
 * finding_say() never returns NULL (past VERDICT_MAX_FINDINGS it hands out
 * a scratch finding that is counted, not kept), applies --ignore, and the
 * tunnel verdicts follow from the severities of the findings naming them.
 *
 * Strict where the two captures disagree about
 * what crossed the NAT (errors), lenient where implementations disagree
 * about RFC 2637's semantics (notes and warnings); every finding names the
 * direction and the frames on both sides.
 *
 * Call ID fields are judged by meaning, not only by the RFC's table: a
 * value equal to the call's PNS Call ID is treated as the PNS's even in a
 * field the RFC gives to the PAC (pptpd's CDN, Microsoft's SLI), so an
 * editor that restores it correctly is not blamed.
 */
#include "verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sequence numbers sent beyond the peer's last acknowledgment before we
 * call it stalled: windows of real peers are far smaller. */
#define ACK_STALL_MIN 16
/* LCP Configure-Requests with no reply before we call negotiation stuck
 * (PPP's Max-Configure is 10; three already means a lost reply path). */
#define LCP_RETRIES_MIN 3
/* GRE lost across the NAT before it is worth a warning: a packet or two
 * in flight when a capture stops is normal. */
#define GRE_LOSS_MIN 3
/*
 * Loss or a lost mapping: loss leaves later packets delivered; a NAT that
 * lost its GRE state delivers none after some point while the server
 * keeps sending.  The run after the last delivered packet is a cut when
 * it holds at least GRE_CUT_MIN_PACKETS packets over GRE_CUT_MIN_NS:
 * 2 s is longer than any queue a NAT holds (a congested one drops for
 * tens to hundreds of milliseconds), and 8 packets are several PPP frames
 * in a row, not one or two in flight when a capture stops.  When the NAT
 * itself answered them with an ICMP error from its own address quoting
 * the tunnel's GRE, after the last delivery, it says it has no mapping for
 * them (a full queue drops silently): one undelivered packet, at any
 * speed, then suffices, as the kernel's own captures show (the server's
 * next LCP Echo-Request after the deletion, one ICMP error each).
 */
#define GRE_CUT_MIN_PACKETS 8
#define GRE_CUT_MIN_NS (2 * NS_PER_SEC)
/* Translations the nat_editor_detected note lists; the tables show them all. */
#define EDITOR_LISTED 3

struct judge {
	const struct side *a, *b; /* b NULL in single mode */
	const struct correlation *corr;
	const struct verdict_options *opt;
	struct verdict *v;
	bool oom;
	struct finding scratch; /* handed out past VERDICT_MAX_FINDINGS: counted, not kept */
	uint32_t serial;        /* findings added so far */
	uint32_t *named_by;     /* per tunnel: serial of the last finding naming it */
	/* The one cdn_rewritten_by_editor note and the one gre_not_captured
	 * warning, once added (NULL when added past the cap). */
	bool cdn_editor_added, gre_uncaptured_added;
	struct finding *cdn_editor, *gre_uncaptured;
	uint32_t gre_unjudged; /* tunnels set up whose GRE no capture holds */
};

const char *
verdict_name(enum verdict_value v)
{
	switch (v) {
	case VERDICT_PASS:
		return "pass";
	case VERDICT_FAIL:
		return "fail";
	case VERDICT_INCONCLUSIVE:
		return "inconclusive";
	}
	return "unknown";
}

enum exit_status
verdict_exit_status(enum verdict_value v)
{
	switch (v) {
	case VERDICT_PASS:
		return EXIT_PASS;
	case VERDICT_FAIL:
		return EXIT_FAIL;
	case VERDICT_INCONCLUSIVE:
		return EXIT_INCONCLUSIVE;
	}
	return EXIT_USAGE;
}

/* Never NULL: past the cap, a scratch finding that is counted, not kept. */
static struct finding *
finding_new(struct judge *j, enum code code, enum severity sev)
{
	struct verdict *v = j->v;
	struct finding *f = &j->scratch;
	bool ignored = (j->opt->ignore & VERDICT_IGNORE_BIT(code)) != 0 && sev != SEV_NOTE;

	if (ignored)
		sev = SEV_NOTE;
	v->count[sev]++;
	if (v->nfindings >= VERDICT_MAX_FINDINGS) {
		v->findings_dropped++;
	} else if (v->findings == NULL &&
	           (v->findings = calloc(VERDICT_MAX_FINDINGS, sizeof(*v->findings))) == NULL) {
		j->oom = true;
	} else {
		f = &v->findings[v->nfindings++];
	}
	memset(f, 0, sizeof(*f));
	f->code = code;
	f->severity = sev;
	f->ignored = ignored;
	f->serial = ++j->serial;
	return f;
}

/* The values of a sentence or label, in the order its format takes them. */
#define MARGS(...)                                                                                 \
	(const struct msg_arg[]){__VA_ARGS__},                                                     \
	    (unsigned)(sizeof((const struct msg_arg[]){__VA_ARGS__}) / sizeof(struct msg_arg))
#define NO_MARGS NULL, 0u

/* The values of f's sentence (set again when known only after its evidence). */
static void
finding_says(struct finding *f, const struct msg_arg *args, unsigned nargs)
{
	if (nargs > MSG_MAX_ARGS)
		nargs = MSG_MAX_ARGS;
	if (nargs > 0) /* args is NULL with NO_MARGS, and memcpy must not see NULL */
		memcpy(f->args, args, nargs * sizeof(*args));
	f->nargs = nargs;
}

/* A finding that says sentence msg with these values (finding_text.c words it). */
static struct finding *
finding_say(struct judge *j, enum code code, enum severity sev, enum finding_msg msg,
            const struct msg_arg *args, unsigned nargs)
{
	struct finding *f = finding_new(j, code, sev);

	f->msg = msg;
	finding_says(f, args, nargs);
	return f;
}

/* The finding concerns tunnel id: listed while there is room, always counted,
 * and recorded on the tunnel (its codes and the severities it bears). */
static void
finding_tunnel(struct judge *j, struct finding *f, uint32_t id)
{
	struct tunnel_verdict *tv;
	unsigned i;

	if (id == 0 || id > j->v->ntunnels)
		return;
	for (i = 0; i < f->ntunnels; i++)
		if (f->tunnels[i] == id)
			return;
	tv = &j->v->tunnels[id - 1];
	/* Past the listing, a tunnel named again by the finding it was last
	 * named by is not counted twice. */
	if (f->ntunnels >= FINDING_MAX_TUNNELS && j->named_by != NULL &&
	    j->named_by[id - 1] == f->serial)
		return;
	if (j->named_by != NULL)
		j->named_by[id - 1] = f->serial;
	if (f->ntunnels < FINDING_MAX_TUNNELS)
		f->tunnels[f->ntunnels++] = id;
	f->tunnels_total++;
	tv->codes |= VERDICT_IGNORE_BIT(f->code);
	tv->severities |= 1u << f->severity;
}

static void
finding_side(struct finding *f, enum side_role side)
{
	f->has_side = true;
	f->side = side;
}

/* A value the NAT translated or had to leave alone. */
static void
finding_value(struct finding *f, const char *field, bool has_in, uint32_t in, bool has_out,
              uint32_t out, bool has_expected, uint32_t expected)
{
	snprintf(f->field, sizeof(f->field), "%s", field);
	f->has_inside_value = has_in;
	f->inside_value = in;
	f->has_outside_value = has_out;
	f->outside_value = out;
	f->has_expected_value = has_expected;
	f->expected_value = expected;
}

static void
finding_packets(struct finding *f, enum finding_dir dir, uint64_t inside, uint64_t outside)
{
	f->dir = dir;
	f->has_packets = true;
	f->packets_inside = inside;
	f->packets_outside = outside;
}

/* Room for one more frame of evidence: NULL when there is none or nothing to show. */
static struct evidence *
evidence_new(struct finding *f, enum side_role side, const struct frame_ref *where)
{
	struct evidence *e;

	if (f == NULL || where == NULL || !frame_ref_seen(where) ||
	    f->nevidence >= FINDING_MAX_EVIDENCE)
		return NULL;
	e = &f->evidence[f->nevidence++];
	e->side = side;
	e->where = *where;
	return e;
}

/* A frame of evidence labelled with label and these values (finding_text.c words it). */
static void
finding_shows(struct finding *f, enum side_role side, const struct frame_ref *where,
              enum evidence_label label, const struct msg_arg *args, unsigned nargs)
{
	struct evidence *e = evidence_new(f, side, where);

	if (e == NULL)
		return;
	e->kind = label;
	if (nargs > LABEL_MAX_ARGS)
		nargs = LABEL_MAX_ARGS;
	if (nargs > 0)
		memcpy(e->args, args, nargs * sizeof(*args));
	e->nargs = nargs;
}

static const struct call *
pair_call(const struct judge *j, const struct tunnel_pair *p, int s)
{
	const struct side *side = s == SIDE_A ? j->a : j->b;

	if (side == NULL || p->call[s] == NO_INDEX)
		return NULL;
	return &side->tunnels.calls[p->call[s]];
}

static enum side_role
role_of(const struct judge *j, int s)
{
	return s == SIDE_A ? j->a->role : j->b->role;
}

static uint32_t
tunnel_id(const struct judge *j, int s, uint32_t ci)
{
	const struct tunnel_pair *p = correlation_pair_of(j->corr, s, ci);

	return p != NULL ? p->id : 0;
}

/*
 * A finding that rests on packets missing from a capture is an error only
 * when that capture is intact: from a damaged one (cut, unreadable or
 * contradictory bytes) the packets may be missing from the file alone.
 */
static bool
call_conn_damaged(const struct side *s, const struct call *c)
{
	return c != NULL && c->conn != NO_INDEX && c->conn < s->tunnels.nconns &&
	       s->tunnels.conns[c->conn].damaged;
}

/* GRE missing from a side proves nothing when its GRE may be unreadable, or
 * when the call's control connection is damaged (its Call IDs, by which GRE
 * is tied to it, may be wrong). */
static enum severity
absence_severity(const struct side *s1, const struct call *c1, const struct side *s2,
                 const struct call *c2, unsigned mask)
{
	bool weak = side_damaged(s1, mask) || call_conn_damaged(s1, c1) ||
	            side_call_cut(s1, c1) ||
	            (s2 != NULL && (side_damaged(s2, mask) || call_conn_damaged(s2, c2) ||
	                            side_call_cut(s2, c2)));

	return weak ? SEV_WARNING : SEV_ERROR;
}

static void
absence_note(struct finding *f, const struct side *s1, const struct side *s2)
{
	if (f == NULL || f->severity != SEV_WARNING)
		return;
	f->weak = true;
	f->weak_side = s2 == NULL || side_damaged(s1, DAMAGE_ANY) ? s1->role : s2->role;
	/* Nothing damaged: the absence may be what a torn last record cut. */
	if (!side_damaged(s1, DAMAGE_ANY) && (s2 == NULL || !side_damaged(s2, DAMAGE_ANY)) &&
	    (side_torn(s1) || (s2 != NULL && side_torn(s2)))) {
		f->weak_torn = true;
		f->weak_side = side_torn(s1) ? s1->role : s2->role;
	}
	/* finding_text() words the note from weak, weak_side and weak_torn. */
}

/* ---- control messages: what the NAT did to each Call ID field ---- */

enum id_meaning { MEANS_UNKNOWN, MEANS_PNS, MEANS_PAC };

static enum id_meaning
meaning(const struct call *c, uint16_t value, enum pptp_id_owner table_owner)
{
	bool pns = c->has_pns_call_id && c->pns_call_id == value;
	bool pac = c->has_pac_call_id && c->pac_call_id == value;

	if (pns && pac)
		return table_owner == PPTP_ID_PAC ? MEANS_PAC : MEANS_PNS;
	return pns ? MEANS_PNS : pac ? MEANS_PAC : MEANS_UNKNOWN;
}

unsigned
verdict_mark_of_type(uint8_t type)
{
	switch (type) {
	case PPTP_OCRQ:
	case PPTP_ICRP:
		return MARK_REQUEST;
	case PPTP_OCRP:
	case PPTP_ICCN:
		return MARK_REPLY;
	default:
		return MARK_OTHER;
	}
}

struct field_ctx {
	struct judge *j;
	const struct tunnel_pair *p;
	const struct call *in, *out;
	const struct call_msg *mi, *mo;
	bool peer;       /* the Peer's Call ID field, not the Call ID */
	const char *key; /* "call_id" or "peer_call_id" */
	enum pptp_id_owner owner;
	uint16_t vin, vout;
};

/*
 * A Call ID field the NAT got wrong: sentence msg says why, from the values
 * why[0..nwhy) that follow the field's own (message, field, direction,
 * inside and outside values).
 */
static void
field_finding(struct field_ctx *fc, enum code code, enum severity sev, bool has_expected,
              uint16_t expected, enum finding_msg msg, const uint64_t *why, unsigned nwhy)
{
	const struct pptp_type_info *ti = pptp_type_info(fc->mi->type);
	const char *abbrev = ti != NULL ? ti->abbrev : "?";
	struct msg_arg args[MSG_MAX_ARGS];
	unsigned n = 0, k;
	struct finding *f;
	char field[FINDING_FIELD_LEN];

	args[n++] = marg_name(abbrev);
	args[n++] = marg_u(fc->peer);
	args[n++] = marg_u(!fc->mi->to_pac);
	args[n++] = marg_u(fc->vin);
	args[n++] = marg_u(fc->vout);
	for (k = 0; k < nwhy && n < MSG_MAX_ARGS; k++)
		args[n++] = marg_u(why[k]);
	f = finding_say(fc->j, code, sev, msg, args, n);
	finding_tunnel(fc->j, f, fc->p->id);
	snprintf(field, sizeof(field), "%s.%s", abbrev, fc->key);
	finding_value(f, field, true, fc->vin, true, fc->vout, has_expected, expected);
	f->dir = fc->mi->to_pac ? FDIR_TO_PAC : FDIR_TO_PNS;
	finding_shows(f, role_of(fc->j, SIDE_A), &fc->mi->where, LABEL_MSG_FIELD,
	              MARGS(marg_name(abbrev), marg_u(fc->peer), marg_u(fc->vin)));
	finding_shows(f, role_of(fc->j, SIDE_B), &fc->mo->where, LABEL_MSG_FIELD,
	              MARGS(marg_name(abbrev), marg_u(fc->peer), marg_u(fc->vout)));
	fc->j->v->tunnels[fc->p->id - 1].marks |= verdict_mark_of_type(fc->mi->type);
	if (fc->mi->type < 32)
		fc->j->v->tunnels[fc->p->id - 1].broken_msgs |= 1u << fc->mi->type;
}

/* A field that is not the client's Call ID changed across the NAT (CDN: only
 * a warning, implementations disagree on whose Call ID it carries). */
static void
unchanged_field_finding(struct field_ctx *fc, enum id_meaning m)
{
	const uint64_t why[] = {m != MEANS_PAC};

	/* Unchanged: what one side carried was due on the other. */
	field_finding(fc, CODE_UNEXPECTED_REWRITE,
	              fc->mi->type == PPTP_CDN ? SEV_WARNING : SEV_ERROR, true,
	              fc->mi->to_pac ? fc->vin : fc->vout, MSG_FIELD_MUST_STAY, why, 1);
}

/*
 * The Linux nf_nat_pptp editor writes the client's own Call ID into the
 * Call ID field of every Call-Disconnect-Notify it passes to the client
 * (pptp_inbound_pkt: the PNS Call ID replaces whatever the server sent;
 * every editor-* scenario of testdata/lab shows it).  Clients look their
 * call up by it, so
 * this one change of that field is known and harmless: one note for all
 * tunnels.  Any other change of it stays an unexpected_rewrite warning.
 */
static bool
cdn_editor_rewrite(struct field_ctx *fc)
{
	struct judge *j = fc->j;
	struct finding *f;
	char field[FINDING_FIELD_LEN];

	if (fc->mi->type != PPTP_CDN || fc->mi->to_pac || fc->owner != PPTP_ID_PAC ||
	    !fc->in->has_pns_call_id || fc->vin != fc->in->pns_call_id || fc->vin == fc->vout)
		return false;
	if (!j->cdn_editor_added) {
		j->cdn_editor_added = true;
		f = finding_say(j, CODE_CDN_REWRITTEN_BY_EDITOR, SEV_NOTE, MSG_CDN_REWRITTEN_BY_EDITOR,
		                MARGS(marg_u(fc->vout), marg_u(fc->vin)));
		snprintf(field, sizeof(field), "CDN.%s", fc->key);
		finding_value(f, field, true, fc->vin, true, fc->vout, true, fc->vin);
		f->dir = FDIR_TO_PNS;
		finding_shows(f, role_of(j, SIDE_A), &fc->mi->where, LABEL_CDN_CALL_ID,
		              MARGS(marg_u(fc->vin)));
		finding_shows(f, role_of(j, SIDE_B), &fc->mo->where, LABEL_CDN_CALL_ID,
		              MARGS(marg_u(fc->vout)));
		/* Past the findings cap f is scratch, soon reused: keep nothing. */
		j->cdn_editor = f == &j->scratch ? NULL : f;
	}
	if (j->cdn_editor != NULL)
		finding_tunnel(j, j->cdn_editor, fc->p->id);
	return true;
}

static void
compare_field(struct field_ctx *fc)
{
	const struct call *in = fc->in, *out = fc->out;

	if (fc->mi->to_pac) {
		/* Client to server: the inside value is what the PNS meant. */
		enum id_meaning m = meaning(in, fc->vin, fc->owner);

		if (m == MEANS_PNS && out->has_pns_call_id && fc->vout != out->pns_call_id) {
			const uint64_t why[] = {in->pns_call_id, out->pns_call_id, fc->vout};

			field_finding(fc, CODE_REWRITE_INCONSISTENT, SEV_ERROR, true,
			              out->pns_call_id, MSG_FIELD_INCONSISTENT, why, 3);
		} else if (m != MEANS_PNS && fc->vout != fc->vin) {
			unchanged_field_finding(fc, m);
		}
		return;
	}
	/* Server to client: the outside value is what the PAC said. */
	{
		enum id_meaning m = meaning(out, fc->vout, fc->owner);

		if (m == MEANS_PNS && in->has_pns_call_id && fc->vin != in->pns_call_id) {
			const uint64_t why[] = {fc->vout, in->pns_call_id};

			field_finding(fc, CODE_CALL_ID_NOT_RESTORED, SEV_ERROR, true,
			              in->pns_call_id, MSG_FIELD_NOT_RESTORED, why, 2);
		} else if (m != MEANS_PNS && fc->vin != fc->vout && !cdn_editor_rewrite(fc)) {
			unchanged_field_finding(fc, m);
		}
	}
}

static void
compare_messages(struct judge *j, const struct tunnel_pair *p, const struct call *in,
                 const struct call *out)
{
	bool used[CALL_MAX_MSGS] = {false};
	uint32_t ni = in->nmsgs < CALL_MAX_MSGS ? in->nmsgs : CALL_MAX_MSGS;
	uint32_t no = out->nmsgs < CALL_MAX_MSGS ? out->nmsgs : CALL_MAX_MSGS;
	uint32_t i, k;

	for (i = 0; i < ni; i++) {
		const struct call_msg *mi = &in->msgs[i], *mo = NULL;
		const struct pptp_type_info *ti = pptp_type_info(mi->type);
		struct field_ctx fc;

		for (k = 0; k < no && mo == NULL; k++)
			if (!used[k] && out->msgs[k].type == mi->type &&
			    out->msgs[k].to_pac == mi->to_pac &&
			    out->msgs[k].fingerprint == mi->fingerprint) {
				used[k] = true;
				mo = &out->msgs[k];
			}
		if (mo == NULL || ti == NULL)
			continue;
		fc = (struct field_ctx){j, p, in, out, mi, mo, false, NULL, PPTP_ID_NONE, 0, 0};
		if (mi->has_call_id && mo->has_call_id) {
			fc.peer = false;
			fc.key = "call_id";
			fc.owner = ti->call_id_owner;
			fc.vin = mi->call_id;
			fc.vout = mo->call_id;
			compare_field(&fc);
		}
		if (mi->has_peer_call_id && mo->has_peer_call_id) {
			fc.peer = true;
			fc.key = "peer_call_id";
			fc.owner = ti->peer_call_id_owner;
			fc.vin = mi->peer_call_id;
			fc.vout = mo->peer_call_id;
			compare_field(&fc);
		}
	}
}

/* ---- GRE across the NAT ---- */

/* Name in f the tunnels whose outside triple in direction dir collided with call ci's. */
static void
add_collision_partners(struct judge *j, struct finding *f, uint32_t ci, enum gre_direction dir)
{
	const struct tunnels *t = &j->b->tunnels;
	uint32_t i;

	const struct collision *mine = NULL;

	for (i = 0; i < t->ncollisions && mine == NULL; i++)
		if (t->collisions[i].dir == dir &&
		    (t->collisions[i].holder == ci || t->collisions[i].newcomer == ci))
			mine = &t->collisions[i];
	/* Every call that shared that triple, not only the direct partners. */
	for (i = 0; mine != NULL && i < t->ncollisions; i++) {
		const struct collision *col = &t->collisions[i];

		if (tunnels_same_triple(col, mine)) {
			finding_tunnel(j, f, tunnel_id(j, SIDE_B, col->holder));
			finding_tunnel(j, f, tunnel_id(j, SIDE_B, col->newcomer));
		}
	}
}

/* The outside triple GRE to the client arrives on: (server, NAT, Call ID). */
static void
return_triple(struct finding *f, const struct call *out, bool shared)
{
	if (!out->roles_known || !out->has_pns_call_id)
		return;
	f->has_triple = true;
	f->shared = shared;
	f->triple_src = out->pac;
	f->triple_dst = out->pns;
	f->triple_call_id = out->pns_call_id;
}

/*
 * Packets of one direction lost across the NAT: the sampled packets the
 * receiving side's capture lacked while it ran (scaled by the sampling
 * rate), or, with no sequenced packet to follow, the difference of the
 * counts.  A capture started or stopped earlier loses nothing.
 */
static uint64_t
gre_lost(const struct judge *j, uint64_t sampled, uint64_t lost, uint64_t sent, uint64_t got)
{
	uint64_t scale = j->corr->sample_limit > 0 ? GREFLOW_SAMPLE_ALL / j->corr->sample_limit : 1;

	if (sampled > 0)
		return lost * (scale > 0 ? scale : 1);
	return sent > got ? sent - got : 0;
}

/* ICMP errors quoting this direction's GRE, as evidence of who refused it. */
static void
icmp_evidence(struct finding *f, enum side_role side, const struct gre_dir *gd)
{
	struct icmp_error e;

	if (f == NULL || gd == NULL || gd->icmp_errors == 0)
		return;
	memset(&e, 0, sizeof(e));
	e.version = gd->icmp_version;
	e.type = gd->icmp_type;
	e.code = gd->icmp_code;
	finding_shows(f, side, &gd->first_icmp, LABEL_ICMP_QUOTING_GRE,
	              MARGS(marg_u(e.version == 6), marg_name(icmp_error_name(&e)),
	                    marg_addr(&gd->icmp_from), marg_u(gd->icmp_errors)));
	if (gd->icmp_errors > 1)
		finding_shows(f, side, &gd->last_icmp, LABEL_LAST_ICMP_QUOTING_GRE, NO_MARGS);
}

/* ICMP errors quoting a control connection's segments, seen on side s. */
static void
control_icmp_evidence(struct finding *f, const struct side *s)
{
	if (s == NULL || s->counters.icmp_control == 0)
		return;
	finding_shows(f, s->role, &s->counters.first_icmp_control, LABEL_ICMP_QUOTING_CONTROL,
	              MARGS(marg_u(s->counters.icmp_control)));
}

/*
 * The NAT stopped delivering the server's GRE mid-tunnel (see
 * GRE_CUT_MIN_PACKETS): true when reported, so that it is not also loss.
 */
static bool
judge_gre_cut(struct judge *j, const struct tunnel_pair *p, const struct call *in,
              const struct call *out)
{
	const struct gre_cut *cut = &p->cut;
	const struct gre_dir *gd = &out->to_pns;
	uint64_t scale = j->corr->sample_limit > 0 ? GREFLOW_SAMPLE_ALL / j->corr->sample_limit : 1;
	uint64_t lost = cut->lost_after * (scale > 0 ? scale : 1);
	ts_ns_t span = cut->last_lost.ts - cut->first_lost.ts;
	/* The NAT's own word: an ICMP error from its address (the quoted GRE's
	 * destination) after the last delivery. */
	bool icmp = gd->icmp_errors > 0 && gd->last_icmp.ts >= cut->last_delivered_out.ts &&
	            addr_eq(&gd->icmp_from, &out->pns);
	/* The packet the NAT refused may be one no fingerprint follows (an
	 * acknowledgment alone): its ICMP error, after everything the client
	 * received and before the call was cleared, while the inside capture
	 * still ran, shows the cut as well. */
	ts_ns_t icmp_in = gd->last_icmp.ts + j->corr->clock.offset;
	bool icmp_only = icmp && cut->lost_after == 0 && in->to_pns.packets > 0 &&
	                 icmp_in > in->to_pns.last.ts && icmp_in <= j->a->last_ts &&
	                 (cut->cleared == 0 || gd->last_icmp.ts < cut->cleared);
	struct finding *f;

	if (!icmp_only && (cut->delivered == 0 || cut->lost_after == 0 ||
	                   (!(lost >= GRE_CUT_MIN_PACKETS && span >= GRE_CUT_MIN_NS) && !icmp)))
		return false;
	if (icmp_only)
		f = finding_say(
		    j, CODE_GRE_MAPPING_LOST, absence_severity(j->a, in, NULL, NULL, DAMAGE_GRE),
		    MSG_GRE_MAPPING_LOST_ICMP, MARGS(marg_addr(&out->pac), marg_u(gd->key)));
	else
		f = finding_say(
		    j, CODE_GRE_MAPPING_LOST, absence_severity(j->a, in, NULL, NULL, DAMAGE_GRE),
		    MSG_GRE_MAPPING_LOST,
		    MARGS(marg_addr(&out->pac), marg_u(lost), marg_u(scale > 1), marg_u(gd->key),
		          marg_real((double)span / 1e9), marg_u(icmp)));
	finding_tunnel(j, f, p->id);
	finding_shows(f, role_of(j, SIDE_B), &cut->last_delivered_out, LABEL_LAST_GRE_DELIVERED,
	              NO_MARGS);
	finding_shows(f, role_of(j, SIDE_A), &cut->last_delivered_in, LABEL_SAME_PACKET_DELIVERED,
	              NO_MARGS);
	if (icmp_only)
		finding_shows(f, role_of(j, SIDE_A), &in->to_pns.last,
		              LABEL_LAST_GRE_CLIENT_RECEIVED, NO_MARGS);
	finding_shows(f, role_of(j, SIDE_B), &cut->first_lost, LABEL_FIRST_GRE_NOT_DELIVERED,
	              NO_MARGS);
	finding_shows(f, role_of(j, SIDE_B), &cut->last_lost, LABEL_LAST_GRE_NOT_DELIVERED,
	              NO_MARGS);
	icmp_evidence(f, role_of(j, SIDE_B), gd);
	absence_note(f, j->a, NULL);
	j->v->tunnels[p->id - 1].marks |= MARK_TO_PNS;
	return true;
}

static void
judge_gre(struct judge *j, const struct tunnel_pair *p, const struct call *in,
          const struct call *out)
{
	struct tunnel_verdict *tv = &j->v->tunnels[p->id - 1];
	enum side_role ra = role_of(j, SIDE_A), rb = role_of(j, SIDE_B);
	uint64_t in_pac = in->to_pac.packets, out_pac = out->to_pac.packets;
	uint64_t in_pns = in->to_pns.packets;
	bool shared = false;
	uint64_t out_pns = tunnels_to_pns_shared(&j->b->tunnels, p->call[SIDE_B], &shared);
	struct finding *f;

	if (in_pac == 0 && out_pns == 0)
		return; /* no GRE to judge: the call never carried data */
	if (out_pac == 0 && in_pns == 0 && p->to_pns.not_restored == 0 &&
	    p->to_pns.misdelivered == 0) {
		f = finding_say(
		    j, CODE_GRE_BLOCKED, absence_severity(j->a, in, j->b, out, DAMAGE_GRE),
		    MSG_GRE_BLOCKED,
		    MARGS(marg_u(in_pac), marg_u(in_pac), marg_u(out_pns), marg_u(out_pns)));
		finding_tunnel(j, f, p->id);
		/* Both ways: the counts of each are in the message and the tables. */
		finding_packets(f, FDIR_NONE, in_pac, out_pns);
		return_triple(f, out, shared);
		finding_shows(f, ra, &in->to_pac.first, LABEL_FIRST_GRE_TO_PAC, NO_MARGS);
		finding_shows(f, rb, &out->to_pns.first, LABEL_FIRST_GRE_TO_PNS, NO_MARGS);
		finding_shows(f, rb, &out->established, LABEL_CALL_ESTABLISHED_OCRP, NO_MARGS);
		icmp_evidence(f, rb, &out->to_pns);
		icmp_evidence(f, ra, &in->to_pac);
		absence_note(f, j->a, j->b);
		tv->marks |= MARK_TO_PAC | MARK_TO_PNS;
		return;
	}
	if (in_pac > 0 && out_pac == 0) {
		f = finding_say(j, CODE_GRE_FORWARD_BLOCKED,
		                absence_severity(j->b, out, NULL, NULL, DAMAGE_GRE),
		                MSG_GRE_FORWARD_BLOCKED,
		                MARGS(marg_u(in_pac), marg_u(in_pac), marg_u(in->to_pac.key)));
		finding_tunnel(j, f, p->id);
		finding_packets(f, FDIR_TO_PAC, in_pac, 0);
		finding_shows(f, ra, &in->to_pac.first, LABEL_FIRST_GRE_TO_PAC, NO_MARGS);
		finding_shows(f, ra, &in->to_pac.last, LABEL_LAST_GRE_TO_PAC, NO_MARGS);
		icmp_evidence(f, ra, &in->to_pac);
		absence_note(f, j->b, NULL);
		tv->marks |= MARK_TO_PAC;
	} else if (gre_lost(j, p->losses.fwd_sampled, p->losses.fwd_lost, in_pac, out_pac) >
	           GRE_LOSS_MIN) {
		f = finding_say(j, CODE_GRE_LOSS, SEV_WARNING, MSG_GRE_LOSS_TO_PAC,
		                MARGS(marg_u(in_pac), marg_u(out_pac),
		                      marg_u(gre_lost(j, p->losses.fwd_sampled, p->losses.fwd_lost,
		                                      in_pac, out_pac))));
		finding_tunnel(j, f, p->id);
		finding_packets(f, FDIR_TO_PAC, in_pac, out_pac);
		finding_shows(f, ra, &in->to_pac.first, LABEL_FIRST_GRE_TO_PAC, NO_MARGS);
		finding_shows(f, rb, &out->to_pac.first, LABEL_FIRST_GRE_TO_PAC, NO_MARGS);
		icmp_evidence(f, ra, &in->to_pac);
	}
	if (p->merged.streams >= 2) {
		f = finding_say(j, CODE_GRE_MISDELIVERED, SEV_ERROR, MSG_GRE_MERGED,
		                MARGS(marg_addr(&p->merged.receiver), marg_u(p->merged.streams),
		                      marg_u(p->merged.key), marg_u(p->merged.seq),
		                      marg_u(p->merged.streams)));
		finding_tunnel(j, f, p->id);
		f->dir = FDIR_TO_PNS;
		finding_side(f, ra);
		add_collision_partners(j, f, p->call[SIDE_B], GRE_TO_PNS);
		finding_shows(f, ra, &p->merged.first, LABEL_GRE_SEQ, MARGS(marg_u(p->merged.seq)));
		finding_shows(f, ra, &p->merged.second, LABEL_GRE_SEQ_AGAIN,
		              MARGS(marg_u(p->merged.seq)));
		tv->marks |= MARK_TO_PNS;
	}
	if (p->to_pns.misdelivered > 0) {
		const struct call *got = &j->a->tunnels.calls[p->to_pns.misdelivered_to];
		uint32_t other = tunnel_id(j, SIDE_A, p->to_pns.misdelivered_to);
		/*
		 * Inside, GRE is tied to a call by the Call IDs its control
		 * messages carried.  When the receiving call's or this call's
		 * connection lost bytes, or the receiver is a GRE-only flow in a
		 * capture that lost control bytes (its call set-up may be what
		 * was lost), "another tunnel's" rests on missing packets: a
		 * warning.  Late captures, whole and GRE-only, keep the error.
		 */
		bool weak = call_conn_damaged(j->a, in) || call_conn_damaged(j->a, got) ||
		            (got->kind == CALL_GRE_ONLY && side_damaged(j->a, DAMAGE_CONTROL));

		f = finding_say(
		    j, CODE_GRE_MISDELIVERED, weak ? SEV_WARNING : SEV_ERROR, MSG_GRE_MISDELIVERED,
		    MARGS(marg_u(out->to_pns.key),
		          marg_addr(got->kind == CALL_GRE_ONLY ? &got->pac : &got->pns),
		          marg_u(got->kind == CALL_GRE_ONLY ? got->pac_call_id : got->pns_call_id),
		          marg_u(other != 0), marg_u(p->to_pns.misdelivered),
		          marg_u(p->to_pns.misdelivered)));
		finding_tunnel(j, f, p->id);
		finding_tunnel(j, f, other);
		finding_value(f, "GRE.key", true,
		              got->kind == CALL_GRE_ONLY ? got->pac_call_id : got->pns_call_id,
		              true, out->to_pns.key, in->has_pns_call_id, in->pns_call_id);
		f->dir = FDIR_TO_PNS;
		finding_shows(f, rb, &p->to_pns.mis_outside, LABEL_GRE_TO_PNS, NO_MARGS);
		finding_shows(f, ra, &p->to_pns.mis_inside, LABEL_SAME_PACKET_DELIVERED, NO_MARGS);
		if (weak && f->severity == SEV_WARNING) {
			f->weak_association = true;
			f->weak_side = j->a->role;
		}
		tv->marks |= MARK_TO_PNS;
	}
	if (p->to_pns.not_restored > 0) {
		f = finding_say(j, CODE_CALL_ID_NOT_RESTORED, SEV_ERROR, MSG_GRE_NOT_RESTORED,
		                MARGS(marg_u(out->to_pns.key), marg_u(p->to_pns.not_restored_key),
		                      marg_u(in->pns_call_id), marg_u(p->to_pns.not_restored),
		                      marg_u(p->to_pns.not_restored)));
		finding_tunnel(j, f, p->id);
		finding_value(f, "GRE.key", true, p->to_pns.not_restored_key, true, out->to_pns.key,
		              in->has_pns_call_id, in->pns_call_id);
		finding_packets(f, FDIR_TO_PNS, p->to_pns.not_restored, out->to_pns.packets);
		finding_shows(f, rb, &p->to_pns.nr_outside, LABEL_GRE_KEY,
		              MARGS(marg_u(out->to_pns.key)));
		finding_shows(f, ra, &p->to_pns.nr_inside, LABEL_GRE_KEY,
		              MARGS(marg_u(p->to_pns.not_restored_key)));
		tv->marks |= MARK_TO_PNS;
	} else if (out_pns > 0 && in_pns == 0) {
		f = finding_say(j, CODE_GRE_RETURN_BLOCKED,
		                absence_severity(j->a, in, NULL, NULL, DAMAGE_GRE),
		                MSG_GRE_RETURN_BLOCKED,
		                MARGS(marg_u(out_pns), marg_u(out_pns), marg_u(out->pns_call_id),
		                      marg_u(shared)));
		finding_tunnel(j, f, p->id);
		finding_packets(f, FDIR_TO_PNS, 0, out_pns);
		return_triple(f, out, shared);
		finding_shows(f, rb, &out->to_pns.first, LABEL_FIRST_GRE_TO_PNS, NO_MARGS);
		finding_shows(f, ra, &in->established, LABEL_CALL_ESTABLISHED_INSIDE, NO_MARGS);
		icmp_evidence(f, rb, &out->to_pns);
		absence_note(f, j->a, NULL);
		tv->marks |= MARK_TO_PNS;
	} else if (p->to_pns.ambiguous == 0 && out->to_pns.packets == out_pns &&
	           judge_gre_cut(j, p, in, out)) {
		/* reported: the mapping was lost, not packets */
	} else if (gre_lost(j, p->losses.back_sampled, p->losses.back_lost, out_pns, in_pns) >
	               GRE_LOSS_MIN &&
	           p->to_pns.ambiguous == 0 && out->to_pns.packets == out_pns) {
		f = finding_say(j, CODE_GRE_LOSS, SEV_WARNING, MSG_GRE_LOSS_TO_PNS,
		                MARGS(marg_u(out_pns), marg_u(in_pns),
		                      marg_u(gre_lost(j, p->losses.back_sampled,
		                                      p->losses.back_lost, out_pns, in_pns))));
		finding_tunnel(j, f, p->id);
		finding_packets(f, FDIR_TO_PNS, in_pns, out_pns);
		finding_shows(f, rb, &out->to_pns.first, LABEL_FIRST_GRE_TO_PNS, NO_MARGS);
		finding_shows(f, ra, &in->to_pns.first, LABEL_FIRST_GRE_TO_PNS, NO_MARGS);
		icmp_evidence(f, rb, &out->to_pns);
	}
}

/* Checksum offload on the capturing host explains every wrong checksum of
 * this sender in this capture (see checksum.c): judge_checksum_hosts
 * notes it once. */
static bool
sender_offloaded(const struct side *s, const struct addr *sender)
{
	return checksum_host_offloaded(checksum_hosts_find(&s->checksums, sender));
}

static void
judge_checksums(struct judge *j, uint32_t id, const struct gre_dir *gd, enum finding_dir dir,
                const struct side *s, const struct addr *sender, bool by_nat, enum severity sev)
{
	enum side_role side = s->role;
	struct finding *f;

	if (gd->checksum_bad == 0 || sender_offloaded(s, sender))
		return;
	/* Which GRE: 0 to the server, 1 to the client, +2 when the NAT sent it. */
	f = finding_say(j, CODE_IP_CHECKSUM_BAD, sev, MSG_GRE_CHECKSUM_BAD,
	                MARGS(marg_u((dir == FDIR_TO_PNS) + 2u * by_nat), marg_side(side),
	                      marg_u(gd->checksum_bad), marg_u(gd->checksum_bad),
	                      marg_u(gd->checksum_good_before_bad)));
	finding_tunnel(j, f, id);
	finding_side(f, side);
	finding_packets(f, dir, side == SIDE_OUTSIDE ? 0 : gd->checksum_bad,
	                side == SIDE_OUTSIDE ? gd->checksum_bad : 0);
	finding_shows(f, side, &gd->last_checksum_good, LABEL_LAST_CHECKSUM_GOOD, NO_MARGS);
	finding_shows(f, side, &gd->first_checksum_bad, LABEL_FIRST_CHECKSUM_BAD, NO_MARGS);
	if (id != 0)
		j->v->tunnels[id - 1].marks |= dir == FDIR_TO_PAC ? MARK_TO_PAC : MARK_TO_PNS;
}

/* ---- one capture's view of a tunnel's health ---- */

/*
 * Whether call ci of t shared a GRE triple with another live call in its capture
 * (either direction): GRE on such a triple is counted on its newest
 * holder, so acknowledgment progress cannot be attributed to one tunnel.
 */
static bool
call_triple_shared(const struct tunnels *t, uint32_t ci)
{
	uint32_t i;

	for (i = 0; i < t->ncollisions; i++)
		if (t->collisions[i].holder == ci || t->collisions[i].newcomer == ci)
			return true;
	return false;
}

/* The health of pair p's call in capture s (which must have it). */
static void
judge_health(struct judge *j, const struct tunnel_pair *p, int s, bool judge_to_pac,
             bool judge_to_pns)
{
	const struct call *c = pair_call(j, p, s);
	enum side_role side = role_of(j, s);
	uint32_t id = p->id;
	bool shared = call_triple_shared(&(s == SIDE_A ? j->a : j->b)->tunnels, p->call[s]);

	const struct gre_dir *dirs[2] = {&c->to_pac, &c->to_pns};
	bool judged[2] = {judge_to_pac, judge_to_pns};
	int d;

	for (d = 0; d < 2; d++) {
		const struct gre_dir *gd = dirs[d], *back = dirs[!d];
		struct finding *f;

		if (!judged[d])
			continue;
		if (!shared && gd->seq_seen && back->ack_seen &&
		    (int32_t)(gd->max_seq - back->max_ack) >= ACK_STALL_MIN &&
		    gd->seq_packets - gd->seq_packets_at_ack >= ACK_STALL_MIN) {
			f = finding_say(j, CODE_GRE_ACK_STALLED, SEV_WARNING, MSG_GRE_ACK_STALLED,
			                MARGS(marg_u((unsigned)d),
			                      marg_u(gd->seq_packets - gd->seq_packets_at_ack),
			                      marg_u(gd->max_seq), marg_u(back->max_ack),
			                      marg_side(side)));
			finding_tunnel(j, f, id);
			finding_side(f, side);
			f->dir = d == 0 ? FDIR_TO_PAC : FDIR_TO_PNS;
			finding_shows(f, side, &gd->last, LABEL_LAST_GRE_DIR,
			              MARGS(marg_u((unsigned)d)));
			finding_shows(f, side, &back->last, LABEL_LAST_GRE_BACK, NO_MARGS);
		}
		if (gd->lcp_conf_req >= LCP_RETRIES_MIN && back->lcp_conf_reply == 0) {
			f = finding_say(
			    j, CODE_LCP_NO_REPLY, SEV_WARNING, MSG_LCP_NO_REPLY,
			    MARGS(marg_u(gd->lcp_conf_req), marg_u((unsigned)d), marg_side(side)));
			finding_tunnel(j, f, id);
			finding_side(f, side);
			f->dir = d == 0 ? FDIR_TO_PAC : FDIR_TO_PNS;
			finding_shows(f, side, &gd->first_lcp_req, LABEL_FIRST_LCP_REQUEST,
			              NO_MARGS);
		}
	}
}

/* ---- collisions: the seed case ---- */

static void
judge_collisions(struct judge *j, int s)
{
	const struct side *side = s == SIDE_A ? j->a : j->b;
	const struct tunnels *t = &side->tunnels;
	bool *done = calloc((size_t)t->ncollisions + 1, sizeof(*done));
	uint32_t i, k;

	if (done == NULL) {
		j->oom = true;
		return;
	}
	for (i = 0; i < t->ncollisions; i++) {
		const struct collision *col = &t->collisions[i];
		struct finding *f;
		uint32_t conn0 = NO_INDEX;
		bool one_conn = true;

		if (done[i])
			continue;
		f = finding_say(j, CODE_CALL_ID_COLLISION, SEV_ERROR, MSG_COLLISION, NO_MARGS);
		finding_side(f, side->role);
		f->dir = col->dir == GRE_TO_PNS ? FDIR_TO_PNS : FDIR_TO_PAC;
		f->has_triple = f->shared = true;
		f->triple_src = col->src;
		f->triple_dst = col->dst;
		f->triple_call_id = col->call_id;
		for (k = i; k < t->ncollisions; k++) {
			const struct collision *o = &t->collisions[k];
			const uint32_t members[2] = {o->holder, o->newcomer};
			int m;

			if (done[k] || !tunnels_same_triple(o, col))
				continue;
			done[k] = true;
			for (m = 0; m < 2; m++) {
				const struct call *c = &t->calls[members[m]];
				uint32_t id = tunnel_id(j, s, members[m]);
				uint32_t before = f->tunnels_total;

				if (conn0 == NO_INDEX)
					conn0 = c->conn;
				else if (c->conn != conn0 || c->conn == NO_INDEX)
					one_conn = false;
				finding_tunnel(j, f, id);
				if (f->tunnels_total > before) {
					struct tunnel_verdict *tv = &j->v->tunnels[id - 1];

					finding_shows(f, side->role, &c->established, LABEL_TUNNEL_UP,
					              MARGS(marg_u(id), marg_u(col->call_id)));
					tv->marks |= col->dir == GRE_TO_PNS
					                 ? MARK_TO_PNS | MARK_REQUEST
					                 : MARK_TO_PAC;
					if (col->dir == GRE_TO_PNS)
						tv->broken_msgs |=
						    1u << (c->kind == CALL_INCOMING ? PPTP_ICRP
						                                    : PPTP_OCRQ);
				}
			}
		}
		/* Calls of one control connection given one outside Call ID: an
		 * editor that keeps one call per connection (Linux nf_nat_pptp). */
		if (one_conn && conn0 != NO_INDEX && s == SIDE_B)
			j->v->nat.same_conn_collisions += f->tunnels_total;
		/* The count is known only now: the values follow the members. */
		finding_says(f, MARGS(marg_u(f->tunnels_total), marg_u(col->dir == GRE_TO_PNS),
		                      marg_addr(&col->src), marg_addr(&col->dst),
		                      marg_u(col->call_id), marg_side(side->role),
		                      marg_u(col->dir == GRE_TO_PNS)));
	}
	free(done);
	if (t->collisions_dropped > 0)
		finding_say(j, CODE_LIMIT_REACHED, SEV_WARNING, MSG_COLLISIONS_DROPPED,
		            MARGS(marg_u(t->collisions_dropped), marg_u(TUNNEL_MAX_COLLISIONS)));
}

/* ---- the NAT's Call ID mapping ---- */

static uint16_t
conn_pns_port(const struct side *s, const struct call *c)
{
	const struct conn *cn;

	if (c->conn == NO_INDEX || c->conn >= s->tunnels.nconns)
		return 0;
	cn = &s->tunnels.conns[c->conn];
	return !cn->pns_known || cn->pns_is_client ? cn->client_port : cn->server_port;
}

/* The call's control connection carried messages split across TCP segments. */
static bool
conn_split(const struct side *s, const struct call *c)
{
	return c->conn != NO_INDEX && c->conn < s->tunnels.nconns &&
	       s->tunnels.conns[c->conn].split_messages > 0;
}

static void
judge_editor(struct judge *j)
{
	uint32_t i, translated = 0, unchanged = 0, port_like = 0;
	/* The first few translations (client Call ID inside, outside, tunnel),
	 * then whether there were more and whether all were TCP ports: the
	 * rest are in the tables. */
	struct msg_arg map[3 * EDITOR_LISTED + 2];
	unsigned listed = 0;

	for (i = 0; i < j->corr->npairs; i++) {
		const struct tunnel_pair *p = &j->corr->pairs[i];
		const struct call *in = pair_call(j, p, SIDE_A), *out = pair_call(j, p, SIDE_B);

		if (in == NULL || out == NULL || in->kind == CALL_GRE_ONLY ||
		    !in->has_pns_call_id || !out->has_pns_call_id)
			continue;
		if (in->pns_call_id == out->pns_call_id) {
			unchanged++;
			if (conn_split(j->a, in) || conn_split(j->b, out))
				j->v->nat.unchanged_split++;
			continue;
		}
		translated++;
		if (out->pns_call_id == conn_pns_port(j->b, out))
			port_like++;
		if (listed < EDITOR_LISTED) {
			map[3 * listed] = marg_u(in->pns_call_id);
			map[3 * listed + 1] = marg_u(out->pns_call_id);
			map[3 * listed + 2] = marg_u(p->id);
			listed++;
		}
	}
	j->v->nat.translated = translated;
	j->v->nat.unchanged = unchanged;
	j->v->nat.port_like = port_like;
	if (translated > 0) {
		static const enum finding_msg by_listed[EDITOR_LISTED] = {
		    MSG_EDITOR_DETECTED_1, MSG_EDITOR_DETECTED_2, MSG_EDITOR_DETECTED_3};

		map[3 * listed] = marg_u(translated > EDITOR_LISTED);
		map[3 * listed + 1] = marg_u(port_like == translated);
		finding_say(j, CODE_NAT_EDITOR_DETECTED, SEV_NOTE, by_listed[listed - 1], map,
		            3 * listed + 2);
	} else if (unchanged > 0) {
		finding_say(j, CODE_NAT_EDITOR_ABSENT, SEV_NOTE, MSG_EDITOR_ABSENT,
		            MARGS(marg_u(unchanged), marg_u(unchanged)));
	}
}

/* ---- notes on RFC semantics that implementations vary on ---- */

static void
judge_semantics(struct judge *j, const struct side *s)
{
	uint32_t i, k, cdn_pns = 0, sli_pac = 0;
	struct finding *fc = NULL, *fs = NULL;

	for (i = 0; i < s->tunnels.ncalls; i++) {
		const struct call *c = &s->tunnels.calls[i];
		uint32_t nm = c->nmsgs < CALL_MAX_MSGS ? c->nmsgs : CALL_MAX_MSGS;
		uint32_t id = tunnel_id(j, s == j->a ? SIDE_A : SIDE_B, i);

		if (c->state == CALL_REFUSED) {
			bool in = c->kind == CALL_INCOMING;
			struct finding *f = finding_say(
			    j, CODE_CALL_REFUSED, SEV_NOTE, MSG_CALL_REFUSED,
			    MARGS(marg_u(in), marg_u(in), marg_u(in ? c->pac_call_id : c->pns_call_id),
			          marg_u(in), marg_u(c->result),
			          marg_name(pptp_result_name(in ? PPTP_ICRP : PPTP_OCRP, c->result)),
			          marg_u(c->error), marg_u(c->cause)));

			finding_shows(f, s->role, &c->end, LABEL_CALL_REFUSED, NO_MARGS);
		}
		for (k = 0; k < nm; k++) {
			const struct call_msg *m = &c->msgs[k];

			if (m->type == PPTP_CDN && m->has_call_id && c->has_pns_call_id &&
			    m->call_id == c->pns_call_id &&
			    (!c->has_pac_call_id || m->call_id != c->pac_call_id)) {
				if (cdn_pns++ == 0)
					fc = finding_say(j, CODE_CDN_CALL_ID_IS_PNS, SEV_NOTE,
					                 MSG_CDN_CALL_ID_IS_PNS, NO_MARGS);
				finding_tunnel(j, fc, id);
				finding_shows(fc, s->role, &m->where, LABEL_CDN_CALL_ID,
				              MARGS(marg_u(m->call_id)));
			}
			if (m->type == PPTP_SLI && !m->to_pac) {
				if (sli_pac++ == 0)
					fs = finding_say(j, CODE_SLI_FROM_PAC, SEV_NOTE,
					                 MSG_SLI_FROM_PAC, NO_MARGS);
				finding_tunnel(j, fs, id);
				finding_shows(fs, s->role, &m->where, LABEL_SLI_PEER_CALL_ID,
				              MARGS(marg_u(m->peer_call_id)));
			}
		}
	}
}

/* ---- input diagnostics become findings ---- */

static void
judge_diagnostics(struct judge *j, const struct side *s)
{
	unsigned c, e;

	for (c = 0; c < CODE_COUNT; c++) {
		const struct diag_entry *de = &s->diag.entries[c];
		const struct code_info *ci = code_info((enum code)c);
		struct finding *f;

		if (de->count == 0 || ci == NULL)
			continue;
		f = finding_say(j, (enum code)c, ci->severity, MSG_INPUT_DIAGNOSTIC,
		                MARGS(marg_side(s->role), marg_u(de->count), marg_u(de->count)));
		/* The input layer's own words for what it found, quoted. */
		snprintf(f->quote, sizeof(f->quote), "%s",
		         de->nexamples > 0 ? de->examples[0].detail : "");
		for (e = 0; e < de->nexamples; e++) {
			struct evidence *ev = evidence_new(f, s->role, &de->examples[e].where);

			if (ev == NULL)
				continue;
			ev->kind = LABEL_INPUT_DIAGNOSTIC;
			snprintf(ev->quote, sizeof(ev->quote), "%s", de->examples[e].detail);
		}
	}
	if (s->tunnels.calls_dropped + s->tunnels.conns_dropped > 0)
		finding_say(j, CODE_LIMIT_REACHED, SEV_WARNING, MSG_CALLS_DROPPED,
		            MARGS(marg_side(s->role), marg_u(s->tunnels.calls_dropped),
		                  marg_u(s->tunnels.conns_dropped), marg_u(TUNNEL_MAX_CALLS)));
}

/* ---- IPv4 header checksums per sending host ---- */

/*
 * Did the NAT emit this host's packets in this capture?  Outside, the NAT
 * sends as its public address (a call's PNS address there); inside, it
 * delivers the servers' packets to the clients (a call's PAC address
 * there).  Single mode cannot tell who the NAT is: every host may be.
 */
static bool
nat_emits(const struct judge *j, const struct side *s, const struct addr *src)
{
	uint32_t i;

	if (j->b == NULL)
		return true;
	for (i = 0; i < s->tunnels.ncalls; i++) {
		const struct call *c = &s->tunnels.calls[i];

		if (c->kind != CALL_GRE_ONLY && addr_eq(s == j->b ? &c->pns : &c->pac, src))
			return true;
	}
	return false;
}

/*
 * Wrong IPv4 header checksums, host by host: a host whose every packet is
 * wrong from the first one was captured with checksum offload (a note,
 * and none of its packets is held against the NAT); wrong checksums on
 * control packets the NAT emitted otherwise stay a warning (those on GRE
 * are judged per tunnel).  Packets of other hosts were not the NAT's: a
 * damaged copy in the capture, whose TCP bytes stream.c already weighs.
 */
static void
judge_checksum_hosts(struct judge *j, const struct side *s)
{
	uint32_t i;

	for (i = 0; i < s->checksums.nhosts; i++) {
		const struct checksum_host *ch = &s->checksums.hosts[i];
		struct finding *f;

		if (ch->bad == 0)
			continue;
		if (checksum_host_offloaded(ch)) {
			f = finding_say(j, CODE_CHECKSUM_OFFLOAD, SEV_NOTE, MSG_CHECKSUM_OFFLOAD,
			                MARGS(marg_side(s->role), marg_u(ch->packets),
			                      marg_addr(&ch->src)));
			finding_side(f, s->role);
			finding_shows(f, s->role, &ch->first, LABEL_FIRST_PACKET_BAD_CHECKSUM, NO_MARGS);
			continue;
		}
		if (ch->control_bad == 0 || !nat_emits(j, s, &ch->src))
			continue;
		f = finding_say(j, CODE_IP_CHECKSUM_BAD, SEV_WARNING, MSG_CONTROL_CHECKSUM_BAD,
		                MARGS(marg_side(s->role), marg_u(ch->control_bad), marg_addr(&ch->src),
		                      marg_u(ch->good_before_bad)));
		finding_side(f, s->role);
		finding_shows(f, s->role, &ch->last_good, LABEL_LAST_CHECKSUM_GOOD, NO_MARGS);
		finding_shows(f, s->role, &ch->first_bad, LABEL_FIRST_CHECKSUM_BAD, NO_MARGS);
	}
}

/* ---- per tunnel ---- */

static bool
covered_by(const struct side *s, ts_ns_t t_in_s_clock)
{
	return s->first_ts != 0 && t_in_s_clock >= s->first_ts && t_in_s_clock <= s->last_ts;
}

static void
judge_pair(struct judge *j, const struct tunnel_pair *p)
{
	struct tunnel_verdict *tv = &j->v->tunnels[p->id - 1];
	const struct call *in = pair_call(j, p, SIDE_A), *out = pair_call(j, p, SIDE_B);
	ts_ns_t off = j->corr->clock.offset;
	struct finding *f;

	if (j->b == NULL) {
		/* Single capture: what one vantage point can show. */
		bool gre_any = in->to_pac.packets + in->to_pns.packets > 0;
		/* GRE back on a shared triple is counted on one of its calls. */
		uint64_t back_shared = tunnels_to_pns_shared(&j->a->tunnels, p->call[SIDE_A], NULL);

		if (gre_any && (in->to_pac.packets == 0 || back_shared == 0) &&
		    in->kind != CALL_GRE_ONLY) {
			bool back = in->to_pns.packets == 0;

			uint64_t n = back ? in->to_pac.packets : in->to_pns.packets;

			f = finding_say(j, CODE_GRE_ONE_WAY,
			                absence_severity(j->a, in, NULL, NULL, DAMAGE_GRE), MSG_GRE_ONE_WAY,
			                MARGS(marg_u(back), marg_u(n), marg_u(n), marg_u(back)));
			finding_tunnel(j, f, p->id);
			finding_shows(f, j->a->role, back ? &in->to_pac.first : &in->to_pns.first,
			              LABEL_FIRST_GRE, NO_MARGS);
			icmp_evidence(f, j->a->role, back ? &in->to_pac : &in->to_pns);
			absence_note(f, j->a, NULL);
			tv->marks |= back ? MARK_TO_PNS : MARK_TO_PAC;
		}
		judge_health(j, p, SIDE_A, true, true);
		judge_checksums(j, p->id, &in->to_pac, FDIR_TO_PAC, j->a, &in->pns, false,
		                SEV_WARNING);
		judge_checksums(j, p->id, &in->to_pns, FDIR_TO_PNS, j->a, &in->pac, false,
		                SEV_WARNING);
		return;
	}
	if (in == NULL || out == NULL) {
		const struct call *c = in != NULL ? in : out;
		const struct side *other = in != NULL ? j->b : j->a;
		ts_ns_t t0 = in != NULL ? c->start.ts - off : c->start.ts + off;
		ts_ns_t t1 = in != NULL ? c->end.ts - off : c->end.ts + off;

		/* GRE alone, without its control connection, on one side only says
		 * nothing of a control connection the NAT dropped: unjudged, unless
		 * judge_unclaimed_gre finds the clients it starved. */
		if (!j->corr->overlap || !(covered_by(other, t0) || covered_by(other, t1)) ||
		    c->kind == CALL_GRE_ONLY) {
			tv->value = VERDICT_INCONCLUSIVE;
			return;
		}
		f = finding_say(
		    j, CODE_TUNNEL_UNMATCHED, absence_severity(other, NULL, NULL, NULL, DAMAGE_ANY),
		    MSG_TUNNEL_UNMATCHED,
		    MARGS(marg_addr(&c->pns), marg_addr(&c->pac),
		          marg_name(side_role_name(in != NULL ? j->a->role : j->b->role)),
		          c->has_pns_call_id ? marg_u(c->pns_call_id) : marg_unknown(),
		          c->has_pac_call_id ? marg_u(c->pac_call_id) : marg_unknown(),
		          marg_name(side_role_name(in != NULL ? j->b->role : j->a->role))));
		finding_tunnel(j, f, p->id);
		finding_shows(f, in != NULL ? j->a->role : j->b->role, &c->start, LABEL_TUNNEL_STARTS,
		              NO_MARGS);
		control_icmp_evidence(f, j->a);
		control_icmp_evidence(f, j->b);
		absence_note(f, other, NULL);
		tv->marks |= MARK_REQUEST;
		return;
	}
	compare_messages(j, p, in, out);
	judge_gre(j, p, in, out);
	/* The NAT emits outside GRE to the server and inside GRE to the client. */
	judge_checksums(j, p->id, &out->to_pac, FDIR_TO_PAC, j->b, &out->pns, true, SEV_ERROR);
	judge_checksums(j, p->id, &in->to_pns, FDIR_TO_PNS, j->a, &in->pac, true, SEV_ERROR);
	/* Health as the far peer sees it: the server outside, the client inside. */
	judge_health(j, p, SIDE_B, true, false);
	judge_health(j, p, SIDE_A, false, true);
}

/* One capture can vouch for a tunnel it saw set up, or whose GRE it saw
 * both ways; one GRE direction of an unknown call proves nothing. */
static bool
single_judgeable(const struct call *c)
{
	return c->kind != CALL_GRE_ONLY || (c->to_pac.packets > 0 && c->to_pns.packets > 0);
}

/* ---- tunnels known only by their GRE (captures started late) ---- */

/*
 * A tunnel known only by its GRE, seen one way on both sides: whether
 * anything came back, and whether the NAT delivered it, is unknown.
 */
static bool
gre_only_one_way(const struct judge *j, const struct tunnel_pair *p)
{
	const struct call *in = pair_call(j, p, SIDE_A), *out = pair_call(j, p, SIDE_B);

	return in != NULL && out != NULL && in->kind == CALL_GRE_ONLY &&
	       out->kind == CALL_GRE_ONLY &&
	       (in->to_pac.packets + out->to_pac.packets == 0 ||
	        in->to_pns.packets + out->to_pns.packets == 0);
}

/* GRE of a call from host h, by the addresses (GRE-only calls have no roles). */
static const struct gre_dir *
gre_from(const struct call *c, const struct addr *h)
{
	if (addr_eq(&c->pns, h))
		return &c->to_pac;
	if (addr_eq(&c->pac, h))
		return &c->to_pns;
	return NULL;
}

/*
 * GRE from a server to the NAT's address that no client received, found
 * outside as a flow of its own (the capture began after its calls were
 * set up, so no control message says whose it was), while the tunnels
 * between that server and clients behind that address received no GRE
 * from it inside: the NAT delivered the server's GRE to none of them.
 * Which of them it was for cannot be told; each is named.
 */
static void
judge_unclaimed_gre(struct judge *j)
{
	uint32_t i, k;

	for (i = 0; i < j->corr->npairs; i++) {
		const struct tunnel_pair *d = &j->corr->pairs[i];
		const struct call *g = pair_call(j, d, SIDE_B);
		ts_ns_t off = j->corr->clock.offset;
		struct finding *f = NULL;

		if (g == NULL || d->call[SIDE_A] != NO_INDEX || g->kind != CALL_GRE_ONLY ||
		    g->has_pns_call_id || g->to_pac.packets < GRE_LOSS_MIN ||
		    g->to_pac.last.ts + off < j->a->first_ts ||
		    g->to_pac.first.ts + off > j->a->last_ts)
			continue; /* not while the inside capture ran */
		for (k = 0; k < j->corr->npairs; k++) {
			const struct tunnel_pair *p = &j->corr->pairs[k];
			const struct call *in = pair_call(j, p, SIDE_A),
			                  *out = pair_call(j, p, SIDE_B);
			const struct gre_dir *back_in, *fwd_out;

			if (in == NULL || out == NULL || k == i)
				continue;
			/* Outside: this tunnel runs between the same NAT address and server. */
			fwd_out = gre_from(out, &g->pac);
			back_in = gre_from(in, &g->pns);
			if (fwd_out == NULL || back_in == NULL || fwd_out->packets == 0 ||
			    back_in->packets > 0 || gre_from(out, &g->pns) == NULL)
				continue;
			if (f == NULL) {
				f = finding_say(j, CODE_GRE_RETURN_BLOCKED,
				                absence_severity(j->a, NULL, NULL, NULL, DAMAGE_GRE),
				                MSG_GRE_UNCLAIMED,
				                MARGS(marg_u(g->to_pac.packets), marg_addr(&g->pns),
				                      marg_addr(&g->pac), marg_u(g->pac_call_id)));
				finding_tunnel(j, f, d->id);
				finding_shows(f, role_of(j, SIDE_B), &g->to_pac.first,
				              LABEL_FIRST_GRE_TO_NAT, MARGS(marg_u(g->pac_call_id)));
				finding_shows(f, role_of(j, SIDE_B), &g->to_pac.last,
				              LABEL_LAST_GRE_TO_NAT, MARGS(marg_u(g->pac_call_id)));
				icmp_evidence(f, role_of(j, SIDE_B), &g->to_pac);
				absence_note(f, j->a, NULL);
			}
			finding_tunnel(j, f, p->id);
			finding_shows(f, role_of(j, SIDE_A), &in->start, LABEL_TUNNEL_NONE_BACK,
			              MARGS(marg_u(p->id)));
			j->v->tunnels[p->id - 1].marks |= MARK_TO_PNS;
		}
	}
}

/* evidence_incomplete: which capture, and the first damage that shows it. */
static void
note_damage(struct judge *j, const struct side *s)
{
	struct finding *f;
	unsigned c, i;
	/* The damage codes seen, and those listed after a first one with evidence. */
	uint64_t seen = 0, after = 0;

	if (!side_damaged(s, DAMAGE_ANY))
		return;
	f = finding_say(j, CODE_EVIDENCE_INCOMPLETE, SEV_WARNING, MSG_EVIDENCE_INCOMPLETE,
	                NO_MARGS);
	for (c = 0; c < CODE_COUNT; c++) {
		const struct diag_entry *de = &s->diag.entries[c];

		if (de->count == 0 || code_damage((enum code)c) == 0)
			continue;
		seen |= VERDICT_IGNORE_BIT(c);
		if (f->nevidence > 0)
			after |= VERDICT_IGNORE_BIT(c);
		for (i = 0; i < de->nexamples && i < 1; i++)
			finding_shows(f, s->role, &de->examples[i].where, LABEL_CODE,
			              MARGS(marg_u(c)));
	}
	finding_says(f, MARGS(marg_side(s->role), marg_u(seen), marg_u(after)));
}

/* GRE packets of any kind the side's captures hold. */
static uint64_t
side_gre_seen(const struct side *s)
{
	return s != NULL ? s->counters.gre_pptp + s->counters.gre_other : 0;
}

/*
 * A call set up whose GRE no capture holds, either way, cannot be judged:
 * nothing shows whether its Call IDs carried data.  Decision: never a pass
 * and never a failure (no packet shows the NAT at fault), but inconclusive
 * with the likely cause: a capture without any GRE was probably taken
 * with a filter like 'tcp port 1723' (gre_not_captured, one finding for
 * every such tunnel); when the captures hold other tunnels' GRE, this
 * call's was probably blocked before the capture point (gre_absent).
 * Returns true when the tunnel is such a call.
 */
static bool
judge_gre_missing(struct judge *j, const struct tunnel_pair *p)
{
	const struct call *in = pair_call(j, p, SIDE_A), *out = pair_call(j, p, SIDE_B);
	bool none_a = side_gre_seen(j->a) == 0;
	bool none_b = j->b != NULL && side_gre_seen(j->b) == 0;
	struct finding *f;
	uint64_t gre;

	if (in == NULL || (j->b != NULL && out == NULL) || in->kind == CALL_GRE_ONLY ||
	    !frame_ref_seen(&in->established))
		return false;
	gre = in->to_pac.packets + in->to_pns.packets;
	if (out != NULL)
		gre += out->to_pac.packets +
		       tunnels_to_pns_shared(&j->b->tunnels, p->call[SIDE_B], NULL);
	if (gre > 0)
		return false;
	if (none_a || none_b) {
		if (!j->gre_uncaptured_added) {
			j->gre_uncaptured_added = true;
			if (none_a && none_b)
				f = finding_say(j, CODE_GRE_NOT_CAPTURED, SEV_WARNING,
				                MSG_GRE_NOT_CAPTURED_BOTH,
				                MARGS(marg_side(j->a->role), marg_side(j->b->role)));
			else
				f = finding_say(j, CODE_GRE_NOT_CAPTURED, SEV_WARNING,
				                MSG_GRE_NOT_CAPTURED,
				                MARGS(marg_side(none_a ? j->a->role : j->b->role)));
			if (none_a != none_b)
				finding_side(f, none_a ? j->a->role : j->b->role);
			/* Past the findings cap f is scratch, soon reused: keep nothing. */
			j->gre_uncaptured = f == &j->scratch ? NULL : f;
		}
		f = j->gre_uncaptured;
	} else {
		f = finding_say(j, CODE_GRE_ABSENT, SEV_WARNING, MSG_GRE_ABSENT,
		                MARGS(marg_u(in->pns_call_id), marg_u(in->pac_call_id)));
	}
	if (f == NULL)
		return true;
	finding_tunnel(j, f, p->id);
	if (f->nevidence < FINDING_MAX_EVIDENCE - 1) {
		finding_shows(f, j->a->role, &in->established, LABEL_CALL_SET_UP, MARGS(marg_u(p->id)));
		if (out != NULL)
			finding_shows(f, j->b->role, &out->established, LABEL_CALL_SET_UP,
			              MARGS(marg_u(p->id)));
	}
	return true;
}

static bool
side_has_pptp(const struct side *s)
{
	return s != NULL && (s->tunnels.ncalls > 0 || s->tunnels.nconns > 0);
}

/* A call of the pair was cut by a torn capture (side_call_cut). */
static bool
pair_cut(const struct side *a, const struct side *b, const struct tunnel_pair *p)
{
	return (p->call[SIDE_A] != NO_INDEX &&
	        side_call_cut(a, &a->tunnels.calls[p->call[SIDE_A]])) ||
	       (b != NULL && p->call[SIDE_B] != NO_INDEX &&
	        side_call_cut(b, &b->tunnels.calls[p->call[SIDE_B]]));
}

bool
verdict_judge(const struct side *a, const struct side *b, const struct correlation *corr,
              const struct verdict_options *opt, struct verdict *v)
{
	struct judge j;
	uint32_t i, judged = 0;
	bool damaged = side_damaged(a, DAMAGE_ANY) || (b != NULL && side_damaged(b, DAMAGE_ANY));
	bool errors;

	memset(&j, 0, sizeof(j));
	j.a = a;
	j.b = b;
	j.corr = corr;
	j.opt = opt;
	j.v = v;
	memset(v, 0, sizeof(*v));
	v->opt = *opt;
	v->ntunnels = corr->npairs;
	v->tunnels = calloc((size_t)corr->npairs + 1, sizeof(*v->tunnels));
	j.named_by = calloc((size_t)corr->npairs + 1, sizeof(*j.named_by));
	if (v->tunnels == NULL || j.named_by == NULL) {
		free(j.named_by);
		free(v->tunnels);
		v->tunnels = NULL;
		return false;
	}

	if (b != NULL && corr->clock.known && corr->clock.spread > CORRELATE_SPREAD_WARN_NS)
		finding_say(&j, CODE_CLOCK_OFFSET_UNCERTAIN, SEV_WARNING, MSG_CLOCK_OFFSET_UNCERTAIN,
		            MARGS(marg_real((double)corr->clock.spread / 1e9)));
	if (b != NULL && corr->clock.known &&
	    (corr->clock.offset > NS_PER_SEC || corr->clock.offset < -NS_PER_SEC))
		finding_say(
		    &j, CODE_CLOCK_OFFSET, SEV_NOTE, MSG_CLOCK_OFFSET,
		    MARGS(marg_real((double)(corr->clock.offset < 0 ? -corr->clock.offset
		                                                    : corr->clock.offset) /
		                    1e9),
		          marg_u(corr->clock.offset < 0), marg_u(corr->clock.from_option)));
	if (b != NULL && side_has_pptp(a) && side_has_pptp(b) && !corr->overlap)
		finding_say(&j, CODE_CAPTURES_DO_NOT_OVERLAP, SEV_WARNING, MSG_NO_OVERLAP,
		            MARGS(marg_real((double)corr->clock.offset / 1e9)));

	for (i = 0; i < corr->npairs; i++) {
		const struct tunnel_pair *p = &corr->pairs[i];

		judge_pair(&j, p);
		/* A tunnel a torn capture cut is not judged (side_call_cut), nor
		 * held to having GRE. */
		if (!pair_cut(a, b, p) && judge_gre_missing(&j, p)) {
			j.gre_unjudged++;
			v->tunnels[i].value = VERDICT_INCONCLUSIVE;
		} else if (!pair_cut(a, b, p) &&
		           (b == NULL ? single_judgeable(&a->tunnels.calls[p->call[SIDE_A]])
		                      : p->call[SIDE_A] != NO_INDEX && p->call[SIDE_B] != NO_INDEX &&
		                            !gre_only_one_way(&j, p)))
			judged++;
		else if (v->tunnels[i].value == VERDICT_PASS)
			v->tunnels[i].value = VERDICT_INCONCLUSIVE;
	}
	if (b != NULL)
		judge_unclaimed_gre(&j);
	judge_collisions(&j, SIDE_A);
	if (b != NULL) {
		judge_collisions(&j, SIDE_B);
		judge_editor(&j);
	}
	judge_semantics(&j, b != NULL ? b : a);
	judge_diagnostics(&j, a);
	judge_checksum_hosts(&j, a);
	if (b != NULL) {
		judge_diagnostics(&j, b);
		judge_checksum_hosts(&j, b);
	}
	if (!side_has_pptp(a) && !side_has_pptp(b))
		finding_say(&j, CODE_NO_PPTP, SEV_NOTE, MSG_NO_PPTP, MARGS(marg_u(b != NULL)));

	/* Tunnel verdicts: failed by any error naming them, listed or not. */
	for (i = 0; i < v->ntunnels; i++) {
		unsigned sev = v->tunnels[i].severities;

		if ((sev & (1u << SEV_ERROR)) != 0 || (opt->strict && (sev & (1u << SEV_WARNING))))
			v->tunnels[i].value = VERDICT_FAIL;
	}
	free(j.named_by);
	errors = v->count[SEV_ERROR] > 0 || (opt->strict && v->count[SEV_WARNING] > 0);
	if (damaged && !errors) {
		note_damage(&j, a);
		if (b != NULL)
			note_damage(&j, b);
	}
	if (errors)
		v->value = VERDICT_FAIL;
	else if (judged == 0 || damaged || j.gre_unjudged > 0 || (b != NULL && !corr->overlap))
		v->value = VERDICT_INCONCLUSIVE;
	else
		v->value = VERDICT_PASS;
	if (damaged || v->value == VERDICT_INCONCLUSIVE)
		for (i = 0; i < v->ntunnels; i++)
			if (v->tunnels[i].value == VERDICT_PASS)
				v->tunnels[i].value = VERDICT_INCONCLUSIVE;
	return !j.oom;
}

void
verdict_free(struct verdict *v)
{
	free(v->findings);
	free(v->tunnels);
	memset(v, 0, sizeof(*v));
}
