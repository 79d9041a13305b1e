/* Lab ground truth: reads the PAC's and the PNSs' JSON logs of one lab scenario and writes
 * expected.json: the verdict and finding codes pptp-natcheck must report, derived only from
 * what each peer sent and actually received (never from pptp-natcheck, never from the
 * captures). Finding codes and their meaning: RFC 2637 sections 2 and 4 as told in
 * docs/PPTP-WIRE.md; the rules are listed in tests/lab/README.md and below, one function
 * each.
 *
 * A tunnel is one call the PNS placed and the PAC connected (OCRP result 1), paired across
 * the two logs by the tag the PNS put in the OCRQ Subaddress. Each rule adds codes to
 * `required` (a correct checker must report them), to a `one_of` group (it must report at
 * least one of them: the evidence is certain, the finding's name is open to judgement) or
 * to `allowed` (a checker may report them: consequences of a required finding seen from
 * another angle, or warnings). A loss that no
 * rule explains is a lab failure (exit 3): the lab, not the checker, would then be wrong.
 * Verdict: fail if an error code or a one-of group is required, else pass; the lab never
 * builds an inconclusive case.
 */
#include "lab.h"

#include <getopt.h>

#define PROG "truth"
/* PNS logs one truth run reads: the lab's largest scenario has three clients. */
#define TRUTH_MAX_PNS 8
/* Tunnels over one scenario: clients x calls x rounds, with room. */
#define TRUTH_MAX_TUNNELS 32
/* Distinct one-of groups: the rules below use one. */
#define TRUTH_MAX_GROUPS 4

enum truth_code {
	C_COLLISION,
	C_GRE_BLOCKED,
	C_GRE_RETURN_BLOCKED,
	C_GRE_FORWARD_BLOCKED,
	C_GRE_MISDELIVERED,
	C_NOT_RESTORED,
	C_REWRITE_INCONSISTENT,
	C_UNEXPECTED_REWRITE,
	C_IP_CHECKSUM_BAD,
	C_TUNNEL_UNMATCHED,
	C_COUNT,
};

static const struct truth_code_info {
	enum truth_code code;
	const char *name;
	bool error;
} truth_codes[] = {
    {C_COLLISION, "call_id_collision", true},
    {C_GRE_BLOCKED, "gre_blocked", true},
    {C_GRE_RETURN_BLOCKED, "gre_return_blocked", true},
    {C_GRE_FORWARD_BLOCKED, "gre_forward_blocked", true},
    {C_GRE_MISDELIVERED, "gre_misdelivered", true},
    {C_NOT_RESTORED, "call_id_not_restored", true},
    {C_REWRITE_INCONSISTENT, "rewrite_inconsistent", true},
    {C_UNEXPECTED_REWRITE, "unexpected_rewrite", false},
    {C_IP_CHECKSUM_BAD, "ip_checksum_bad", true},
    {C_TUNNEL_UNMATCHED, "tunnel_unmatched", true},
};

struct tunnel {
	const char *tag;
	int host;   /* index into pns[] */
	json_t *pc; /* PNS call */
	json_t *ac; /* PAC call */
	int inside_id;
	int outside_id;
	int pac_id;
	const char *pns_outside;
	double t_start;
	double t_end;
	/* GRE data packets of this tunnel, PAC -> PNS, that reached an inside host's link
	 * somewhere else than its own slot: another host, or its host under another key. */
	int ret_elsewhere;
	int ret_wrong_key;
	int ret_on_link; /* all of its data packets seen on any inside host's link */
	int fwd_on_link; /* its data packets seen on the PAC's link */
	int fwd_bad_csum;
	int ret_bad_csum;
	json_t *not_own; /* rows received in this tunnel's slot that were not its own */
	bool required[C_COUNT];
};

struct truth {
	json_t *pac;
	json_t *pns[TRUTH_MAX_PNS];
	const char *pns_path[TRUTH_MAX_PNS];
	int npns;
	struct tunnel t[TRUTH_MAX_TUNNELS];
	int nt;
	bool required[C_COUNT];
	bool allowed[C_COUNT];
	/* Groups of codes of which a checker must report at least one: the evidence is
	 * certain, the name is not (a field the NAT must not touch, changed: some call that
	 * an inconsistent rewrite, some an unexpected one). Bit n = code n. */
	unsigned one_of[TRUTH_MAX_GROUPS];
	int ngroups;
	json_t *rules;
	json_t *notes;
	int unexplained;
};

static int
jint(json_t *o, const char *key, int dflt)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (int)json_integer_value(v) : dflt;
}

static double
jreal(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : 0;
}

static const char *
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

static json_t *
load(const char *path)
{
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err);

	if (!j)
		lab_die(PROG, "%s:%d: %s", path, err.line, err.text);
	return j;
}

/* Records a rule that fired: the code is required (or only allowed) for these tunnels. */
static void
fire(struct truth *tr, enum truth_code c, bool required, struct tunnel *a, struct tunnel *b,
     const char *fmt, ...)
{
	char why[512];
	va_list ap;
	json_t *tags = json_array();

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (required)
		tr->required[c] = true;
	else
		tr->allowed[c] = true;
	if (a) {
		json_array_append_new(tags, json_string(a->tag));
		if (required)
			a->required[c] = true;
	}
	if (b) {
		json_array_append_new(tags, json_string(b->tag));
		if (required)
			b->required[c] = true;
	}
	json_array_append_new(tr->rules,
	                      json_pack("{s:s, s:s, s:s, s:o, s:s}", "code", truth_codes[c].name,
	                                "as", required ? "required" : "allowed", "severity",
	                                truth_codes[c].error ? "error" : "warning", "tunnels", tags,
	                                "why", why));
}

/* Records a rule whose evidence is certain but whose code is not: at least one of the two
 * codes is required; both are allowed. */
static void
fire_one_of(struct truth *tr, enum truth_code a, enum truth_code b, struct tunnel *t,
            const char *fmt, ...)
{
	char why[512];
	va_list ap;
	unsigned mask = 1u << a | 1u << b;
	int g;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	for (g = 0; g < tr->ngroups && tr->one_of[g] != mask; g++)
		;
	if (g == tr->ngroups) {
		if (tr->ngroups == TRUTH_MAX_GROUPS)
			lab_die(PROG, "too many one-of groups");
		tr->one_of[tr->ngroups++] = mask;
	}
	t->required[a] = true;
	json_array_append_new(tr->rules, json_pack("{s:s, s:s, s:s, s:s, s:[s], s:s}", "code",
	                                           truth_codes[a].name, "as", "one_of", "or",
	                                           truth_codes[b].name, "severity", "error",
	                                           "tunnels", t->tag, "why", why));
}

static struct tunnel *
tunnel_by_tag(struct truth *tr, const char *tag)
{
	for (int i = 0; i < tr->nt; i++)
		if (strcmp(tr->t[i].tag, tag) == 0)
			return &tr->t[i];
	return NULL;
}

static json_t *
pac_call_by_tag(struct truth *tr, const char *tag)
{
	json_t *calls = json_object_get(tr->pac, "calls");
	size_t i;
	json_t *c;

	for (i = 0; (c = json_array_get(calls, i)) != NULL; i++)
		if (strcmp(jstr(c, "tag"), tag) == 0)
			return c;
	return NULL;
}

static int
flow(json_t *call, const char *key)
{
	return jint(json_object_get(call, "gre"), key, 0);
}

/* Pairs PNS calls with PAC calls by tag; only connected calls become tunnels. */
static void
build_tunnels(struct truth *tr)
{
	for (int h = 0; h < tr->npns; h++) {
		json_t *calls = json_object_get(tr->pns[h], "calls");
		size_t i;
		json_t *pc;

		if (!json_is_true(json_object_get(tr->pns[h], "sccrp_ok")))
			lab_die(PROG, "%s: control connection never started", tr->pns_path[h]);
		for (i = 0; (pc = json_array_get(calls, i)) != NULL; i++) {
			struct tunnel *t;
			json_t *ac;

			if (jint(pc, "ocrp_result", -1) != 1) {
				/* Placed by the PNS, never seen by the PAC: the NAT lost the call,
				 * which the inside capture shows and the outside does not. */
				if (jint(pc, "ocrp_result", -1) == -1 && !pac_call_by_tag(tr, jstr(pc, "tag")))
					fire(tr, C_TUNNEL_UNMATCHED, true, NULL, NULL,
					     "call %s: the PNS sent Outgoing-Call-Request, the PAC never "
					     "received it",
					     jstr(pc, "tag"));
				continue;
			}
			ac = pac_call_by_tag(tr, jstr(pc, "tag"));
			if (!ac)
				lab_die(PROG, "call %s: not in the PAC's log", jstr(pc, "tag"));
			if (tr->nt == TRUTH_MAX_TUNNELS)
				lab_die(PROG, "too many tunnels");
			t = &tr->t[tr->nt++];
			memset(t, 0, sizeof(*t));
			t->tag = jstr(pc, "tag");
			t->host = h;
			t->pc = pc;
			t->ac = ac;
			t->inside_id = jint(pc, "call_id", -1);
			t->outside_id = jint(ac, "ocrq_call_id", -1);
			t->pac_id = jint(ac, "call_id", -1);
			t->pns_outside = jstr(ac, "peer");
			t->t_start = jreal(ac, "t_start");
			t->t_end = jreal(ac, "t_end");
			if (t->t_end == 0)
				t->t_end = jreal(pc, "t_end");
			t->not_own = json_array();
		}
	}
}

/* Walks every inside host's census of received GRE (stack, then link) and places each row:
 * own packets, another tunnel's packets in this slot, a tunnel's packets delivered to the
 * wrong host or under the wrong key, bad IPv4 header checksums. */
static void
place_return_rows(struct truth *tr)
{
	const char *server = jstr(tr->pac, "local");

	for (int h = 0; h < tr->npns; h++) {
		json_t *rows = json_object_get(tr->pns[h], "gre_received");
		json_t *wire = json_object_get(tr->pns[h], "gre_wire");
		size_t i;
		json_t *r;

		for (i = 0; (r = json_array_get(rows, i)) != NULL; i++) {
			const char *tag = jstr(r, "tag");
			int key = jint(r, "key", -1);
			int data = jint(r, "data", 0);
			struct tunnel *t = tunnel_by_tag(tr, tag);

			if (strcmp(jstr(r, "src"), server) != 0 || !t || data == 0)
				continue;
			if (t->host == h && key == t->inside_id)
				continue; /* its own packets, counted by the PNS's flow */
			if (t->host != h)
				t->ret_elsewhere += data;
			else
				t->ret_wrong_key += data;
			/* The victims: tunnels of this host whose slot (Call ID) it landed in. */
			for (int k = 0; k < tr->nt; k++) {
				struct tunnel *v = &tr->t[k];

				if (v->host == h && v->inside_id == key && v != t)
					json_array_append_new(
					    v->not_own, json_pack("{s:s, s:i, s:i}", "tag", tag,
					                          "key", key, "data", data));
			}
		}
		for (i = 0; (r = json_array_get(wire, i)) != NULL; i++) {
			const char *tag = jstr(r, "tag");
			struct tunnel *t = tunnel_by_tag(tr, tag);
			int bad = jint(r, "bad_ip_checksum", 0);

			if (strcmp(jstr(r, "src"), server) != 0)
				continue;
			if (!t) {
				/* Ack-only packets carry no tag: their key names the tunnel. */
				for (int k = 0; k < tr->nt && bad; k++)
					if (tr->t[k].host == h &&
					    tr->t[k].inside_id == jint(r, "key", -1))
						tr->t[k].ret_bad_csum += bad;
				continue;
			}
			t->ret_on_link += jint(r, "data", 0);
			t->ret_bad_csum += bad;
		}
	}
}

static void
place_forward_rows(struct truth *tr)
{
	json_t *wire = json_object_get(tr->pac, "gre_wire");
	size_t i;
	json_t *r;

	for (i = 0; (r = json_array_get(wire, i)) != NULL; i++) {
		struct tunnel *t = tunnel_by_tag(tr, jstr(r, "tag"));
		int bad = jint(r, "bad_ip_checksum", 0);

		if (!t) {
			for (int k = 0; k < tr->nt && bad; k++)
				if (tr->t[k].pac_id == jint(r, "key", -1))
					tr->t[k].fwd_bad_csum += bad;
			continue;
		}
		t->fwd_on_link += jint(r, "data", 0);
		t->fwd_bad_csum += bad;
	}
}

/* Rule: two tunnels alive at the same time share the outside (PNS address, PAC address,
 * PNS Call ID) triple, so GRE to the PNSs cannot be told apart. The PAC-side triple uses
 * the PAC's own Call IDs, unique by construction, and is checked all the same. */
static void
rule_collision(struct truth *tr)
{
	for (int i = 0; i < tr->nt; i++) {
		for (int k = i + 1; k < tr->nt; k++) {
			struct tunnel *a = &tr->t[i];
			struct tunnel *b = &tr->t[k];
			bool overlap = a->t_start < b->t_end && b->t_start < a->t_end;

			if (!overlap || strcmp(a->pns_outside, b->pns_outside) != 0)
				continue;
			if (a->outside_id == b->outside_id)
				fire(tr, C_COLLISION, true, a, b,
				     "both reached the PAC from %s with PNS Call ID %d while both "
				     "were up",
				     a->pns_outside, a->outside_id);
			if (a->pac_id == b->pac_id)
				fire(tr, C_COLLISION, true, a, b,
				     "the PAC gave both Call ID %d while both were up", a->pac_id);
		}
	}
}

/* Rules on the data channel of one tunnel. */
static void
rule_gre(struct truth *tr, struct tunnel *t)
{
	int fwd_sent = flow(t->pc, "data_sent");
	int fwd_rx = flow(t->ac, "data_received");
	int ret_sent = flow(t->ac, "data_sent");
	int ret_rx = flow(t->pc, "data_received");
	bool fwd_none = fwd_sent > 0 && t->fwd_on_link == 0;
	bool ret_none = ret_sent > 0 && t->ret_on_link == 0;

	if (t->fwd_bad_csum)
		fire(tr, C_IP_CHECKSUM_BAD, true, t, NULL,
		     "%d GRE packets to the PAC arrived with a bad IPv4 header checksum",
		     t->fwd_bad_csum);
	if (t->ret_bad_csum)
		fire(tr, C_IP_CHECKSUM_BAD, true, t, NULL,
		     "%d GRE packets to the PNS arrived with a bad IPv4 header checksum",
		     t->ret_bad_csum);
	if (fwd_none && ret_none) {
		fire(tr, C_GRE_BLOCKED, true, t, NULL,
		     "control channel up, none of %d GRE data packets to the PAC and none of %d "
		     "to the PNS reached the other side",
		     fwd_sent, ret_sent);
		fire(tr, C_GRE_FORWARD_BLOCKED, false, t, NULL, "part of gre_blocked");
		fire(tr, C_GRE_RETURN_BLOCKED, false, t, NULL, "part of gre_blocked");
	} else if (fwd_none) {
		fire(tr, C_GRE_FORWARD_BLOCKED, true, t, NULL,
		     "none of %d GRE data packets to the PAC reached it", fwd_sent);
	} else if (ret_none) {
		fire(tr, C_GRE_RETURN_BLOCKED, true, t, NULL,
		     "none of %d GRE data packets to the PNS reached any inside host", ret_sent);
	}
	if (!fwd_none && fwd_rx < fwd_sent) {
		if (t->fwd_bad_csum)
			fire(tr, C_GRE_FORWARD_BLOCKED, false, t, NULL,
			     "%d of %d GRE data packets to the PAC were dropped by its stack (bad "
			     "checksum)",
			     fwd_sent - fwd_rx, fwd_sent);
		else
			tr->unexplained++;
	}
	if (t->ret_elsewhere)
		fire(tr, C_GRE_MISDELIVERED, true, t, NULL,
		     "%d of its GRE data packets to the PNS were delivered to another inside host",
		     t->ret_elsewhere);
	if (t->ret_wrong_key) {
		bool other_tunnel = false;
		json_t *rows = json_object_get(tr->pns[t->host], "gre_received");
		size_t i;
		json_t *r;

		/* Another tunnel's Call ID on the same host is a misdelivery; any other value
		 * is a Call ID the NAT failed to restore. */
		for (i = 0; (r = json_array_get(rows, i)) != NULL; i++) {
			if (strcmp(jstr(r, "tag"), t->tag) != 0 ||
			    jint(r, "key", -1) == t->inside_id)
				continue;
			for (int k = 0; k < tr->nt; k++)
				if (&tr->t[k] != t && tr->t[k].host == t->host &&
				    tr->t[k].inside_id == jint(r, "key", -1))
					other_tunnel = true;
			if (other_tunnel)
				fire(tr, C_GRE_MISDELIVERED, true, t, NULL,
				     "%d GRE data packets to the PNS reached its host with Call ID "
				     "%d, another tunnel's, instead of %d",
				     jint(r, "data", 0), jint(r, "key", -1), t->inside_id);
			else
				fire(tr, C_NOT_RESTORED, true, t, NULL,
				     "%d GRE data packets to the PNS reached it with Call ID %d "
				     "instead of %d",
				     jint(r, "data", 0), jint(r, "key", -1), t->inside_id);
		}
		if (other_tunnel)
			fire(tr, C_NOT_RESTORED, false, t, NULL,
			     "a key-based checker may call the wrong Call ID unrestored");
		else
			fire(tr, C_GRE_MISDELIVERED, false, t, NULL,
			     "a checker may call a packet under a wrong Call ID misdelivered");
	}
	if (ret_rx < ret_sent && !ret_none) {
		if (t->ret_elsewhere || t->ret_wrong_key || t->ret_bad_csum)
			fire(tr, C_GRE_RETURN_BLOCKED, false, t, NULL,
			     "only %d of %d GRE data packets to the PNS reached it in its own "
			     "tunnel",
			     ret_rx, ret_sent);
		else
			tr->unexplained++;
	}
}

/* Rules on the control channel of one tunnel: Call ID fields as each side saw them. */
static void
rule_control(struct truth *tr, struct tunnel *t)
{
	int ocrp_peer = jint(t->pc, "ocrp_peer_call_id", -1);
	int ocrp_own = jint(t->pc, "ocrp_call_id", -1);
	json_t *sli_pns = json_object_get(t->pc, "sli_received");
	json_t *sli_pac = json_object_get(t->ac, "sli_received");
	int sli_sent = jint(t->pc, "sli_sent_peer_call_id", -1);
	int cdn_sent = jint(t->ac, "cdn_call_id", -1);
	int cdn_rx = jint(t->pc, "cdn_call_id", -1);
	int ccrq_rx = jint(t->ac, "ccrq_call_id", -1);
	size_t i;
	json_t *e;

	if (ocrp_peer != t->inside_id)
		fire(tr, C_NOT_RESTORED, true, t, NULL,
		     "OCRP reached the PNS with Peer's Call ID %d, it chose %d", ocrp_peer,
		     t->inside_id);
	/* The PAC's own Call ID must cross the NAT unchanged in every message: changed in
	 * one, it is inconsistent with the others, and a rewrite of a field no NAT should
	 * touch. Either name will do. */
	if (ocrp_own != t->pac_id)
		fire_one_of(tr, C_REWRITE_INCONSISTENT, C_UNEXPECTED_REWRITE, t,
		            "OCRP reached the PNS with the PAC's Call ID %d, the PAC sent %d",
		            ocrp_own, t->pac_id);
	for (i = 0; (e = json_array_get(sli_pns, i)) != NULL; i++) {
		if (jint(e, "peer_call_id", -1) != t->inside_id)
			fire(tr, C_NOT_RESTORED, true, t, NULL,
			     "Set-Link-Info from the PAC reached the PNS with Peer's Call ID %d "
			     "(the PAC sent %d), the PNS chose %d",
			     jint(e, "peer_call_id", -1), t->outside_id, t->inside_id);
	}
	for (i = 0; (e = json_array_get(sli_pac, i)) != NULL; i++) {
		if (sli_sent >= 0 && jint(e, "peer_call_id", -1) != sli_sent)
			fire_one_of(tr, C_REWRITE_INCONSISTENT, C_UNEXPECTED_REWRITE, t,
			            "Set-Link-Info from the PNS named the PAC's Call ID %d but "
			            "reached the PAC as %d",
			            sli_sent, jint(e, "peer_call_id", -1));
	}
	if (ccrq_rx >= 0 && ccrq_rx != t->outside_id)
		fire(tr, C_REWRITE_INCONSISTENT, true, t, NULL,
		     "CCRQ reached the PAC with Call ID %d, the OCRQ with %d", ccrq_rx,
		     t->outside_id);
	if (cdn_sent >= 0 && cdn_rx >= 0 && cdn_rx != cdn_sent) {
		/* RFC 2637: CDN carries the PAC's Call ID; the Linux editor rewrites it as the
		 * PNS's. To the PNS's own ID: a semantic difference, a warning. To anything
		 * else: a checker may also call it inconsistent. */
		fire(tr, C_UNEXPECTED_REWRITE, false, t, NULL,
		     "CDN: the PAC sent Call ID %d, the PNS received %d", cdn_sent, cdn_rx);
		if (cdn_rx != t->inside_id)
			fire(tr, C_REWRITE_INCONSISTENT, false, t, NULL,
			     "CDN reached the PNS with %d, neither the PAC's %d nor the PNS's %d",
			     cdn_rx, cdn_sent, t->inside_id);
	}
}

/* A collision makes GRE to the PNS ambiguous: whatever the NAT does with it, a checker may
 * see it as misdelivered, lost, or unrestored. */
static void
rule_collision_consequences(struct truth *tr)
{
	if (!tr->required[C_COLLISION])
		return;
	fire(tr, C_GRE_MISDELIVERED, false, NULL, NULL, "consequence of call_id_collision");
	fire(tr, C_GRE_RETURN_BLOCKED, false, NULL, NULL, "consequence of call_id_collision");
	fire(tr, C_NOT_RESTORED, false, NULL, NULL, "consequence of call_id_collision");
}

/* An injected defect must show in the logs; if not, the injection failed and the scenario
 * would test nothing. */
static void
check_defect(struct truth *tr, const char *d)
{
	static const struct {
		const char *defect;
		enum truth_code code;
	} map[] = {
	    {"stale_ip_checksum", C_IP_CHECKSUM_BAD},
	    {"key_not_restored", C_NOT_RESTORED},
	    {"sli_mangled", C_REWRITE_INCONSISTENT},
	};

	for (size_t i = 0; i < LAB_ARRAY_LEN(map); i++) {
		if (strcmp(map[i].defect, d) != 0)
			continue;
		bool seen = tr->required[map[i].code];

		for (int g = 0; g < tr->ngroups; g++)
			if (tr->one_of[g] & 1u << map[i].code)
				seen = true;
		if (!seen)
			lab_die(PROG, "injected defect %s left no trace in the peers' logs", d);
		return;
	}
	lab_die(PROG, "unknown defect %s", d);
}

static json_t *
codes_json(const bool *set, const bool *except)
{
	json_t *a = json_array();

	for (size_t c = 0; c < C_COUNT; c++)
		if (set[c] && !(except && except[c]))
			json_array_append_new(a, json_string(truth_codes[c].name));
	return a;
}

static json_t *
tunnel_json(struct truth *tr, struct tunnel *t)
{
	json_t *sli_to_pns = json_array();
	json_t *sli_to_pac = json_array();
	json_t *j, *e;
	size_t i;

	for (i = 0; (e = json_array_get(json_object_get(t->pc, "sli_received"), i)) != NULL; i++)
		json_array_append_new(sli_to_pns, json_integer(jint(e, "peer_call_id", -1)));
	for (i = 0; (e = json_array_get(json_object_get(t->ac, "sli_received"), i)) != NULL; i++)
		json_array_append_new(sli_to_pac, json_integer(jint(e, "peer_call_id", -1)));
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:f, s:f}", "tag", t->tag, "client",
	              jstr(tr->pns[t->host], "name"), "pns_inside", jstr(tr->pns[t->host], "local"),
	              "pns_outside", t->pns_outside, "pac", jstr(tr->pac, "local"),
	              "inside_pns_call_id", t->inside_id, "outside_pns_call_id", t->outside_id,
	              "pac_call_id", t->pac_id, "t_start", t->t_start, "t_end", t->t_end);
	json_object_set_new(
	    j, "gre_to_pac",
	    json_pack("{s:i, s:i, s:i, s:i, s:i, s:i}", "sent",
	              flow(t->pc, "data_sent") + flow(t->pc, "ack_only_sent"), "data_sent",
	              flow(t->pc, "data_sent"), "received",
	              flow(t->ac, "data_received") + flow(t->ac, "ack_only_received"),
	              "data_received", flow(t->ac, "data_received"), "data_on_pac_link",
	              t->fwd_on_link, "bad_ip_checksum", t->fwd_bad_csum));
	json_object_set_new(
	    j, "gre_to_pns",
	    json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "sent",
	              flow(t->ac, "data_sent") + flow(t->ac, "ack_only_sent"), "data_sent",
	              flow(t->ac, "data_sent"), "received",
	              flow(t->pc, "data_received") + flow(t->pc, "ack_only_received"),
	              "data_received", flow(t->pc, "data_received"), "data_delivered_to_other_host",
	              t->ret_elsewhere, "data_with_wrong_call_id", t->ret_wrong_key,
	              "data_on_inside_links", t->ret_on_link, "bad_ip_checksum", t->ret_bad_csum));
	json_object_set_new(j, "received_not_own", t->not_own);
	t->not_own = NULL;
	json_object_set_new(j, "control",
	                    json_pack("{s:i, s:i, s:o, s:o, s:i, s:i, s:i}",
	                              "ocrp_peer_call_id_received",
	                              jint(t->pc, "ocrp_peer_call_id", -1), "ocrp_call_id_received",
	                              jint(t->pc, "ocrp_call_id", -1), "sli_to_pns_received",
	                              sli_to_pns, "sli_to_pac_received", sli_to_pac,
	                              "cdn_call_id_sent", jint(t->ac, "cdn_call_id", -1),
	                              "cdn_call_id_received", jint(t->pc, "cdn_call_id", -1),
	                              "ccrq_call_id_received", jint(t->ac, "ccrq_call_id", -1)));
	json_object_set_new(j, "findings", codes_json(t->required, NULL));
	return j;
}

static void
usage(void)
{
	fprintf(stderr, "usage: " PROG " --scenario NAME --description TEXT --nat TEXT --pac FILE "
	                "--pns FILE... [--defect NAME...] --out FILE\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {{"scenario", required_argument, NULL, 's'},
	                                     {"description", required_argument, NULL, 'd'},
	                                     {"nat", required_argument, NULL, 'n'},
	                                     {"pac", required_argument, NULL, 'a'},
	                                     {"pns", required_argument, NULL, 'p'},
	                                     {"defect", required_argument, NULL, 'x'},
	                                     {"out", required_argument, NULL, 'o'},
	                                     {NULL, 0, NULL, 0}};
	static struct truth tr;
	const char *scenario = NULL, *desc = "", *nat = "", *out = NULL;
	const char *defects[8];
	int ndefects = 0;
	json_t *tunnels, *groups, *j;
	bool fail = false;
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			scenario = optarg;
			break;
		case 'd':
			desc = optarg;
			break;
		case 'n':
			nat = optarg;
			break;
		case 'a':
			tr.pac = load(optarg);
			break;
		case 'p':
			if (tr.npns == TRUTH_MAX_PNS)
				lab_die(PROG, "too many --pns");
			tr.pns_path[tr.npns] = optarg;
			tr.pns[tr.npns++] = load(optarg);
			break;
		case 'x':
			if (ndefects == (int)LAB_ARRAY_LEN(defects))
				lab_die(PROG, "too many --defect");
			defects[ndefects++] = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			usage();
		}
	}
	if (!scenario || !out || !tr.pac || tr.npns == 0)
		usage();
	tr.rules = json_array();
	tr.notes = json_array();
	build_tunnels(&tr);
	if (tr.nt == 0)
		lab_die(PROG, "no connected call in the logs");
	place_return_rows(&tr);
	place_forward_rows(&tr);
	rule_collision(&tr);
	for (int i = 0; i < tr.nt; i++) {
		rule_control(&tr, &tr.t[i]);
		rule_gre(&tr, &tr.t[i]);
	}
	rule_collision_consequences(&tr);
	for (int i = 0; i < ndefects; i++)
		check_defect(&tr, defects[i]);
	if (tr.unexplained)
		lab_die(PROG, "%d GRE losses no rule explains: the lab itself misbehaved",
		        tr.unexplained);
	for (size_t c = 0; c < C_COUNT; c++)
		if (tr.required[c] && truth_codes[c].error)
			fail = true;
	if (tr.ngroups)
		fail = true;
	for (int h = 0; h < tr.npns; h++) {
		json_t *errs = json_object_get(tr.pns[h], "errors");

		if (json_array_size(errs))
			json_array_append_new(tr.notes,
			                      json_pack("{s:s, s:O}", "peer",
			                                jstr(tr.pns[h], "name"), "errors", errs));
	}
	if (json_array_size(json_object_get(tr.pac, "errors")))
		json_array_append_new(tr.notes, json_pack("{s:s, s:O}", "peer", "pac", "errors",
		                                          json_object_get(tr.pac, "errors")));

	tunnels = json_array();
	for (int i = 0; i < tr.nt; i++)
		json_array_append_new(tunnels, tunnel_json(&tr, &tr.t[i]));
	groups = json_array();
	for (int g = 0; g < tr.ngroups; g++) {
		bool set[C_COUNT] = {false};

		for (size_t c = 0; c < C_COUNT; c++)
			if (tr.one_of[g] & 1u << c)
				set[c] = tr.allowed[c] = true;
		json_array_append_new(groups, codes_json(set, NULL));
	}
	j = json_pack("{s:i, s:s, s:s, s:s, s:s, s:i, s:o, s:o, s:o, s:o, s:o, s:o}", "format", 1,
	              "scenario", scenario, "description", desc, "nat", nat, "verdict",
	              fail ? "fail" : "pass", "exit_status", fail ? 1 : 0, "required_findings",
	              codes_json(tr.required, NULL), "required_one_of", groups, "allowed_findings",
	              codes_json(tr.allowed, tr.required), "tunnels", tunnels, "rules", tr.rules,
	              "lab_notes", tr.notes);
	if (lab_write_json(j, out) != 0)
		lab_die(PROG, "cannot write %s", out);
	json_decref(j);
	json_decref(tr.pac);
	for (int h = 0; h < tr.npns; h++)
		json_decref(tr.pns[h]);
	return 0;
}
