/*
 * The JSON report (schema_version 2, documented in pptp-natcheck-json(5)):
 * the same data the text report words, for machines: codes, numbers and
 * values, never English to parse (a finding's message is for people).
 * Built with jansson's _new setters so every reference is owned by its
 * parent; one json_decref at the end frees the whole tree.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnosis.h"
#include "finding_text.h"
#include "link.h"
#include "report.h"

/* ISO 8601 UTC with microseconds: exact, sortable, readable in a ticket. */
static json_t *
json_time(ts_ns_t ts)
{
	char buf[64];

	if (ts == 0)
		return json_null();
	return json_string(report_time_iso(ts, buf));
}

static json_t *
json_addr(const struct addr *a)
{
	char buf[ADDR_STRLEN];

	return a->family != 0 ? json_string(addr_format(a, buf)) : json_null();
}

static json_t *
json_count(bool known, uint64_t n)
{
	return known ? json_integer((json_int_t)n) : json_null();
}

static json_t *
json_triple(const struct addr *src, const struct addr *dst, uint16_t call_id)
{
	json_t *o = json_object();

	json_object_set_new(o, "src", json_addr(src));
	json_object_set_new(o, "dst", json_addr(dst));
	json_object_set_new(o, "call_id", json_integer(call_id));
	return o;
}

/* Every frame number comes with its file: rotated captures number per file. */
/* shared: the direction's triple was shared by several calls, whose
 * packets cannot be told apart: the count is the triple's (shared_triples). */
static json_t *
json_gre_dir(const struct side *s, const struct gre_dir *gd, bool shared)
{
	json_t *o = json_object();

	json_object_set_new(o, "packets", json_count(!shared, gd->packets));
	json_object_set_new(o, "bytes", json_count(!shared, gd->bytes));
	json_object_set_new(o, "shared", json_boolean(shared));
	json_object_set_new(o, "ack_only", json_integer((json_int_t)gd->ack_only));
	json_object_set_new(o, "key", gd->packets > 0 ? json_integer(gd->key) : json_null());
	json_object_set_new(o, "first_file",
	                    gd->packets > 0 ? json_string(report_file_path(s, gd->first.file))
	                                    : json_null());
	json_object_set_new(o, "first_frame",
	                    gd->packets > 0 ? json_integer((json_int_t)gd->first.frame)
	                                    : json_null());
	json_object_set_new(o, "last_file",
	                    gd->packets > 0 ? json_string(report_file_path(s, gd->last.file))
	                                    : json_null());
	json_object_set_new(o, "last_frame",
	                    gd->packets > 0 ? json_integer((json_int_t)gd->last.frame)
	                                    : json_null());
	json_object_set_new(o, "max_seq", gd->seq_seen ? json_integer(gd->max_seq) : json_null());
	json_object_set_new(o, "max_ack", gd->ack_seen ? json_integer(gd->max_ack) : json_null());
	json_object_set_new(o, "checksum_bad", json_integer((json_int_t)gd->checksum_bad));
	json_object_set_new(o, "lcp_configure_requests", json_integer(gd->lcp_conf_req));
	json_object_set_new(o, "lcp_configure_replies", json_integer(gd->lcp_conf_reply));
	return o;
}

static json_t *
json_call_side(const struct side *s, uint32_t ci)
{
	const struct call *c;
	json_t *o, *msgs;
	uint32_t k, nm;
	bool shared = false;

	if (ci == NO_INDEX)
		return json_null();
	c = &s->tunnels.calls[ci];
	if (c->roles_known)
		tunnels_to_pns_shared(&s->tunnels, ci, &shared);
	o = json_object();
	json_object_set_new(o, "pns", c->roles_known ? json_addr(&c->pns) : json_null());
	json_object_set_new(o, "pac", c->roles_known ? json_addr(&c->pac) : json_null());
	if (!c->roles_known) {
		json_t *ep = json_array();

		json_array_append_new(ep, json_addr(&c->pns));
		json_array_append_new(ep, json_addr(&c->pac));
		json_object_set_new(o, "endpoints", ep);
	}
	json_object_set_new(o, "roles_known", json_boolean(c->roles_known));
	json_object_set_new(o, "kind", json_string(call_kind_name(c->kind)));
	json_object_set_new(o, "state", json_string(call_state_name(c->state)));
	json_object_set_new(o, "pns_call_id",
	                    c->has_pns_call_id ? json_integer(c->pns_call_id) : json_null());
	json_object_set_new(o, "pac_call_id",
	                    c->has_pac_call_id ? json_integer(c->pac_call_id) : json_null());
	json_object_set_new(o, "gre_to_pac", json_integer((json_int_t)c->to_pac.packets));
	json_object_set_new(o, "gre_to_pns", json_count(!shared, c->to_pns.packets));
	json_object_set_new(o, "gre_to_pns_shared_triple",
	                    shared ? json_triple(&c->pac, &c->pns, c->pns_call_id) : json_null());
	json_object_set_new(o, "file", json_string(report_file_path(s, c->start.file)));
	json_object_set_new(o, "first_frame", json_integer((json_int_t)c->start.frame));
	json_object_set_new(o, "last_file", json_string(report_file_path(s, c->end.file)));
	json_object_set_new(o, "last_frame", json_integer((json_int_t)c->end.frame));
	json_object_set_new(o, "first_time", json_time(c->start.ts));
	json_object_set_new(o, "last_time", json_time(c->end.ts));
	if (c->conn != NO_INDEX && c->conn < s->tunnels.nconns) {
		const struct conn *cn = &s->tunnels.conns[c->conn];
		json_t *ctl = json_object();

		json_object_set_new(ctl, "client", json_addr(&cn->client));
		json_object_set_new(ctl, "client_port", json_integer(cn->client_port));
		json_object_set_new(ctl, "server", json_addr(&cn->server));
		json_object_set_new(ctl, "server_port", json_integer(cn->server_port));
		json_object_set_new(ctl, "hostname", json_string(cn->hostname));
		json_object_set_new(ctl, "vendor", json_string(cn->vendor));
		json_object_set_new(o, "control", ctl);
	} else {
		json_object_set_new(o, "control", json_null());
	}
	json_object_set_new(o, "serial",
	                    c->kind != CALL_GRE_ONLY ? json_integer(c->serial) : json_null());
	json_object_set_new(o, "result",
	                    c->kind != CALL_GRE_ONLY && frame_ref_seen(&c->established)
	                        ? json_integer(c->result)
	                        : json_null());
	msgs = json_array();
	nm = c->nmsgs < CALL_MAX_MSGS ? c->nmsgs : CALL_MAX_MSGS;
	for (k = 0; k < nm; k++) {
		const struct call_msg *m = &c->msgs[k];
		const struct pptp_type_info *ti = pptp_type_info(m->type);
		json_t *jm = json_object();

		json_object_set_new(jm, "type", json_string(ti != NULL ? ti->abbrev : "?"));
		json_object_set_new(jm, "direction", json_string(m->to_pac ? "to_pac" : "to_pns"));
		json_object_set_new(jm, "file", json_string(report_file_path(s, m->where.file)));
		json_object_set_new(jm, "frame", json_integer((json_int_t)m->where.frame));
		json_object_set_new(jm, "time", json_time(m->where.ts));
		json_object_set_new(jm, "call_id",
		                    m->has_call_id ? json_integer(m->call_id) : json_null());
		json_object_set_new(jm, "peer_call_id",
		                    m->has_peer_call_id ? json_integer(m->peer_call_id)
		                                        : json_null());
		json_array_append_new(msgs, jm);
	}
	json_object_set_new(o, "messages", msgs);
	json_object_set_new(o, "messages_not_kept",
	                    json_integer(c->nmsgs > CALL_MAX_MSGS ? c->nmsgs - CALL_MAX_MSGS : 0));
	{
		json_t *gre = json_object();

		json_object_set_new(gre, "to_pac", json_gre_dir(s, &c->to_pac, false));
		json_object_set_new(gre, "to_pns", json_gre_dir(s, &c->to_pns, shared));
		json_object_set_new(o, "gre", gre);
	}
	return o;
}

/* Which capture holds the clients (paired mode; null otherwise). */
static json_t *
json_orientation(const struct report *r)
{
	const struct orientation *o = r->orient;
	json_t *j;

	if (o == NULL)
		return json_null();
	j = json_object();
	json_object_set_new(j, "swapped", json_boolean(o->swapped));
	/* After a swap the clients' capture is the one judged as inside. */
	json_object_set_new(j, "clients_side",
	                    o->clients == ORIENT_CLIENTS_UNKNOWN || r->a->ninputs == 0
	                        ? json_null()
	                        : json_string(r->a->inputs[0].path));
	json_object_set_new(j, "translated", json_string(orient_translated_name(o->translated)));
	json_object_set_new(j, "how", json_string(o->how));
	return j;
}

static json_t *
json_inputs(const struct report *r)
{
	json_t *arr = json_array();
	const struct side *sides[2] = {r->a, r->b};
	int s;
	unsigned i, k;

	for (s = 0; s < 2; s++) {
		if (sides[s] == NULL)
			continue;
		for (i = 0; i < sides[s]->ninputs; i++) {
			const struct side_input *in = &sides[s]->inputs[i];
			json_t *o = json_object(), *lt = json_array();

			for (k = 0; k < in->nlinktypes; k++)
				json_array_append_new(lt, json_string(link_name(in->linktypes[k])));
			json_object_set_new(o, "role", json_string(side_role_name(sides[s]->role)));
			json_object_set_new(o, "path",
			                    json_string(in->path != NULL ? in->path : ""));
			json_object_set_new(o, "format", json_string(in->format));
			/* Only for one capture split by interface (legs.c): this side's
			 * interface, and on the inside input how the inside was decided. */
			if (sides[s]->leg[0] != 0)
				json_object_set_new(o, "interface", json_string(sides[s]->leg));
			if (s == 0 && sides[s]->leg_how[0] != 0)
				json_object_set_new(o, "interface_choice",
				                    json_string(sides[s]->leg_how));
			json_object_set_new(o, "link_types", lt);
			json_object_set_new(o, "packets", json_integer((json_int_t)in->packets));
			json_object_set_new(o, "ignored", json_integer((json_int_t)in->ignored));
			json_object_set_new(o, "truncated", json_boolean(in->truncated));
			json_object_set_new(o, "damaged", json_boolean(in->damaged));
			json_object_set_new(
			    o, "error", in->error[0] != 0 ? json_string(in->error) : json_null());
			json_object_set_new(o, "first_time", json_time(in->first_ts));
			json_object_set_new(o, "last_time", json_time(in->last_ts));
			json_array_append_new(arr, o);
		}
	}
	return arr;
}

static json_t *
json_findings(const struct report *r)
{
	char text[FINDING_TEXT_LEN], label[EVIDENCE_TEXT_LEN];
	json_t *arr = json_array();
	uint32_t i;
	unsigned k;

	for (i = 0; i < r->verdict->nfindings; i++) {
		const struct finding *f = &r->verdict->findings[i];
		json_t *o = json_object(), *tun = json_array(), *ev = json_array();

		for (k = 0; k < f->ntunnels; k++)
			json_array_append_new(tun, json_integer(f->tunnels[k]));
		for (k = 0; k < f->nevidence; k++) {
			const struct evidence *e = &f->evidence[k];
			const struct side *s = e->side == SIDE_OUTSIDE ? r->b : r->a;
			json_t *je = json_object();

			json_object_set_new(je, "capture", json_string(side_role_name(e->side)));
			json_object_set_new(
			    je, "file",
			    json_string(s != NULL ? report_file_path(s, e->where.file) : ""));
			json_object_set_new(je, "frame", json_integer((json_int_t)e->where.frame));
			json_object_set_new(je, "time", json_time(e->where.ts));
			json_object_set_new(je, "what",
			                    json_string(evidence_text(e, label, sizeof(label))));
			json_array_append_new(ev, je);
		}
		json_object_set_new(o, "code", json_string(code_name(f->code)));
		json_object_set_new(o, "severity", json_string(severity_name(f->severity)));
		json_object_set_new(o, "ignored", json_boolean(f->ignored));
		json_object_set_new(o, "tunnels", tun);
		json_object_set_new(o, "tunnel_count", json_integer(f->tunnels_total));
		json_object_set_new(
		    o, "capture", f->has_side ? json_string(side_role_name(f->side)) : json_null());
		json_object_set_new(o, "direction",
		                    f->dir == FDIR_TO_PAC   ? json_string("to_pac")
		                    : f->dir == FDIR_TO_PNS ? json_string("to_pns")
		                                            : json_null());
		json_object_set_new(o, "field",
		                    f->field[0] != 0 ? json_string(f->field) : json_null());
		json_object_set_new(o, "inside_value",
		                    json_count(f->has_inside_value, f->inside_value));
		json_object_set_new(o, "outside_value",
		                    json_count(f->has_outside_value, f->outside_value));
		json_object_set_new(o, "expected_value",
		                    json_count(f->has_expected_value, f->expected_value));
		if (f->has_packets) {
			json_t *pk = json_object();

			json_object_set_new(pk, "inside",
			                    json_integer((json_int_t)f->packets_inside));
			json_object_set_new(pk, "outside",
			                    json_integer((json_int_t)f->packets_outside));
			json_object_set_new(o, "packets", pk);
		} else {
			json_object_set_new(o, "packets", json_null());
		}
		json_object_set_new(o, "packets_shared", json_boolean(f->has_packets && f->shared));
		json_object_set_new(
		    o, "triple",
		    f->has_triple ? json_triple(&f->triple_src, &f->triple_dst, f->triple_call_id)
		                  : json_null());
		json_object_set_new(o, "message", json_string(finding_text(f, text, sizeof(text))));
		json_object_set_new(o, "evidence", ev);
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *
json_tunnel(const struct report *r, const struct tunnel_pair *p, enum verdict_value tv)
{
	const struct tunnel_verdict *v = &r->verdict->tunnels[p->id - 1];
	json_t *t = json_object(), *codes = json_array();
	unsigned c;

	for (c = 0; c < CODE_COUNT; c++)
		if (v->codes & VERDICT_IGNORE_BIT(c))
			json_array_append_new(codes, json_string(code_name((enum code)c)));
	json_object_set_new(t, "id", json_integer(p->id));
	json_object_set_new(t, "verdict", json_string(verdict_name(tv)));
	json_object_set_new(t, "findings", codes);
	{
		/* What the text table marks with "<<": messages by type, GRE by direction. */
		json_t *broken = json_array();
		unsigned m;

		for (m = 0; m < 32; m++) {
			const struct pptp_type_info *ti = pptp_type_info((uint8_t)m);

			if ((v->broken_msgs & (1u << m)) && ti != NULL)
				json_array_append_new(broken, json_string(ti->abbrev));
		}
		if (v->marks & MARK_TO_PAC)
			json_array_append_new(broken, json_string("gre_to_pac"));
		if (v->marks & MARK_TO_PNS)
			json_array_append_new(broken, json_string("gre_to_pns"));
		json_object_set_new(t, "broken", broken);
	}
	if (r->b != NULL) {
		json_object_set_new(t, "inside", json_call_side(r->a, p->call[SIDE_A]));
		json_object_set_new(t, "outside", json_call_side(r->b, p->call[SIDE_B]));
		json_object_set_new(t, "paired_by",
		                    p->call[SIDE_A] == NO_INDEX || p->call[SIDE_B] == NO_INDEX
		                        ? json_null()
		                        : json_string(p->by_gre ? "gre" : "control"));
	} else {
		json_object_set_new(t, "capture", json_call_side(r->a, p->call[SIDE_A]));
	}
	return t;
}

/* What the run was given that changes the verdict or what was read. */
static json_t *
json_options(const struct report *r)
{
	json_t *o = json_object(), *ign = json_array();
	unsigned c;

	json_object_set_new(o, "strict", json_boolean(r->verdict->opt.strict));
	json_object_set_new(
	    o, "server", r->a->has_server_filter ? json_addr(&r->a->server_filter) : json_null());
	json_object_set_new(o, "time_offset_seconds",
	                    r->b != NULL && r->corr->clock.from_option
	                        ? json_real((double)r->corr->clock.offset / 1e9)
	                        : json_null());
	for (c = 0; c < CODE_COUNT; c++)
		if (r->verdict->opt.ignore & VERDICT_IGNORE_BIT(c))
			json_array_append_new(ign, json_string(code_name((enum code)c)));
	json_object_set_new(o, "ignored_codes", ign);
	return o;
}

/*
 * Return triples several calls shared (call_id_collision findings): their
 * GRE count once, for the triple, with the tunnels on it; the tunnels'
 * own to_pns counts are null (the packets cannot be attributed).
 */
static json_t *
json_shared_triples(const struct report *r)
{
	json_t *arr = json_array();
	uint32_t i;
	unsigned k;

	for (i = 0; i < r->verdict->nfindings; i++) {
		const struct finding *f = &r->verdict->findings[i];
		const struct side *s = f->has_side ? report_side(r, f->side) : NULL;
		json_t *o, *tun;
		uint64_t packets = 0;
		bool counted = false;

		if (f->code != CODE_CALL_ID_COLLISION || !f->has_triple || s == NULL ||
		    f->dir != FDIR_TO_PNS)
			continue;
		tun = json_array();
		for (k = 0; k < f->ntunnels; k++) {
			const struct tunnel_pair *p = report_pair_by_id(r, f->tunnels[k]);
			uint32_t ci = p != NULL ? p->call[s == r->a ? SIDE_A : SIDE_B] : NO_INDEX;

			json_array_append_new(tun, json_integer(f->tunnels[k]));
			if (!counted && ci != NO_INDEX) {
				packets = tunnels_to_pns_shared(&s->tunnels, ci, NULL);
				counted = true;
			}
		}
		o = json_triple(&f->triple_src, &f->triple_dst, f->triple_call_id);
		json_object_set_new(o, "capture", json_string(side_role_name(f->side)));
		json_object_set_new(o, "gre_packets", json_count(counted, packets));
		json_object_set_new(o, "tunnels", tun);
		json_object_set_new(o, "tunnel_count", json_integer(f->tunnels_total));
		json_array_append_new(arr, o);
	}
	return arr;
}

#define JSON_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))

/* Write text with every line after the first indented by n spaces. */
static bool
write_indented(FILE *out, const char *text, unsigned n)
{
	for (;;) {
		const char *nl = strchr(text, '\n');
		size_t len = nl != NULL ? (size_t)(nl - text) + 1 : strlen(text);

		if (fwrite(text, 1, len, out) != len)
			return false;
		if (nl == NULL)
			return true;
		if (fwrite("        ", 1, n < 8 ? n : 8, out) != (n < 8 ? n : 8))
			return false;
		text = nl + 1;
	}
}

/*
 * The tunnels array is written one tunnel at a time, each built, dumped and
 * freed in turn: a JSON tree of 16384 tunnels would cost more memory than
 * the whole analysis.  The rest is one small tree.
 */
bool
report_json(FILE *out, const struct report *r)
{
	json_t *root = json_object(), *tool = json_object(), *summary = json_object();
	const struct correlation *c = r->corr;
	uint32_t i, pass = 0, fail = 0, inconclusive = 0;
	char *head;
	size_t len;
	bool ok;

	json_object_set_new(root, "schema_version", json_integer(REPORT_SCHEMA_VERSION));
	json_object_set_new(tool, "name", json_string("pptp-natcheck"));
	json_object_set_new(tool, "version", json_string(PPTP_NATCHECK_VERSION));
	json_object_set_new(root, "tool", tool);
	json_object_set_new(root, "mode", json_string(r->b != NULL ? "paired" : "single"));
	json_object_set_new(root, "inputs", json_inputs(r));
	json_object_set_new(root, "orientation", json_orientation(r));
	if (r->b != NULL && c->clock.known) {
		json_t *co = json_object();

		json_object_set_new(co, "seconds", json_real((double)c->clock.offset / 1e9));
		json_object_set_new(co, "spread_seconds", json_real((double)c->clock.spread / 1e9));
		json_object_set_new(co, "samples", json_integer(c->clock.samples));
		json_object_set_new(co, "source",
		                    json_string(c->clock.from_option ? "option" : "estimated"));
		json_object_set_new(root, "clock_offset", co);
	} else {
		json_object_set_new(root, "clock_offset", json_null());
	}
	json_object_set_new(root, "options", json_options(r));
	json_object_set_new(root, "verdict", json_string(verdict_name(r->verdict->value)));
	{
		struct diagnosis d;
		json_t *jd = json_object();

		diagnosis_derive(r, &d);
		json_object_set_new(jd, "code", json_string(d.code));
		json_object_set_new(jd, "text", json_string(d.cause));
		json_object_set_new(jd, "fix", json_string(d.fix));
		json_object_set_new(jd, "headline", json_string(d.headline));
		json_object_set_new(root, "diagnosis", jd);
	}
	for (i = 0; i < c->npairs; i++) {
		enum verdict_value tv = r->verdict->tunnels[i].value;

		pass += tv == VERDICT_PASS;
		fail += tv == VERDICT_FAIL;
		inconclusive += tv == VERDICT_INCONCLUSIVE;
	}
	json_object_set_new(summary, "tunnels", json_integer(c->npairs));
	json_object_set_new(summary, "pass", json_integer(pass));
	json_object_set_new(summary, "fail", json_integer(fail));
	json_object_set_new(summary, "inconclusive", json_integer(inconclusive));
	json_object_set_new(summary, "errors", json_integer(r->verdict->count[SEV_ERROR]));
	json_object_set_new(summary, "warnings", json_integer(r->verdict->count[SEV_WARNING]));
	json_object_set_new(summary, "notes", json_integer(r->verdict->count[SEV_NOTE]));
	json_object_set_new(summary, "findings_not_listed",
	                    json_integer((json_int_t)r->verdict->findings_dropped));
	json_object_set_new(root, "summary", summary);
	json_object_set_new(root, "findings", json_findings(r));
	json_object_set_new(root, "shared_triples", json_shared_triples(r));
	head = json_dumps(root, JSON_FLAGS);
	json_decref(root);
	if (head == NULL)
		return false;
	/* head ends with "\n}": continue the object with the tunnels array. */
	len = strlen(head);
	ok = len >= 2 && head[len - 1] == '}';
	if (ok) {
		head[len - 2] = 0;
		ok = fputs(head, out) != EOF && fputs(",\n  \"tunnels\": [", out) != EOF;
	}
	free(head);
	for (i = 0; ok && i < c->npairs; i++) {
		json_t *t = json_tunnel(r, &c->pairs[i], r->verdict->tunnels[i].value);
		char *text = json_dumps(t, JSON_FLAGS);

		json_decref(t);
		ok = text != NULL && fputs(i > 0 ? ",\n    " : "\n    ", out) != EOF &&
		     write_indented(out, text, 4);
		free(text);
	}
	return ok && fputs(c->npairs > 0 ? "\n  ]\n}\n" : "]\n}\n", out) != EOF;
}
