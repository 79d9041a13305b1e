/*
 * Verdict suite: simulated inside/outside captures of a NAT, one defect
 * at a time, each asserting the finding code it must produce (and the
 * healthy NAT, that it produces none).
 */
#include <stdarg.h>
#include <stdio.h>

#include "correlate.h"
#include "sim.h"
#include "analysis.h"
#include "testutil.h"
#include "verdict.h"

static void
run_sim(struct run *r, unsigned nclients, unsigned flags, unsigned gre, bool strict,
        void (*tweak)(struct sim *))
{
	struct verdict_options opt = {strict, 0};

	run_sim_with(r, nclients, flags, gre, &opt, tweak);
}

static bool
names_tunnel(const struct finding *f, uint32_t id)
{
	unsigned k;

	for (k = 0; f != NULL && k < f->ntunnels; k++)
		if (f->tunnels[k] == id)
			return true;
	return false;
}

/* The first finding of this code that names tunnel id. */
static const struct finding *
find_naming(const struct verdict *v, enum code code, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < v->nfindings; i++)
		if (v->findings[i].code == code && names_tunnel(&v->findings[i], id))
			return &v->findings[i];
	return NULL;
}

/* The tunnel whose inside call has client address 10.0.1.(10+i). */
static const struct tunnel_pair *
pair_of_client(const struct run *r, unsigned i)
{
	uint32_t k;

	for (k = 0; k < r->corr.npairs; k++) {
		const struct tunnel_pair *p = &r->corr.pairs[k];

		if (p->call[SIDE_A] != NO_INDEX &&
		    r->in.tunnels.calls[p->call[SIDE_A]].pns.bytes[3] == 10 + i &&
		    r->in.tunnels.calls[p->call[SIDE_A]].kind != CALL_GRE_ONLY)
			return p;
	}
	return NULL;
}

START_TEST(healthy_editor_passes)
{
	struct run r;
	unsigned i;

	run_sim(&r, 3, 0, 10, false, NULL);
	ck_assert_int_eq(r.v.value, VERDICT_PASS);
	ck_assert_uint_eq(r.v.count[SEV_ERROR], 0);
	ck_assert_uint_eq(r.v.count[SEV_WARNING], 0);
	ck_assert_uint_eq(r.corr.npairs, 3);
	ck_assert_ptr_nonnull(run_find(&r.v, CODE_NAT_EDITOR_DETECTED));
	ck_assert_ptr_nonnull(
	    strstr(run_text(run_find(&r.v, CODE_NAT_EDITOR_DETECTED)), "TCP source port"));
	for (i = 0; i < 3; i++) {
		const struct tunnel_pair *p = pair_of_client(&r, i);
		const struct call *in, *out;

		ck_assert_ptr_nonnull(p);
		ck_assert_uint_ne(p->call[SIDE_B], NO_INDEX);
		in = &r.in.tunnels.calls[p->call[SIDE_A]];
		out = &r.out.tunnels.calls[p->call[SIDE_B]];
		ck_assert_uint_eq(in->pns_call_id, 256);
		ck_assert_uint_eq(out->pns_call_id, 61000 + i);
		ck_assert_uint_eq(out->pac_call_id, 4096 + i);
		ck_assert_uint_eq(in->to_pac.packets, 10);
		ck_assert_uint_eq(out->to_pns.packets, 10);
		ck_assert_uint_eq(p->to_pns.matched, 10);
		ck_assert_int_eq(r.v.tunnels[p->id - 1].value, VERDICT_PASS);
	}
	ck_assert(r.corr.clock.known);
	ck_assert(r.corr.overlap);
	run_free(&r);
}
END_TEST

START_TEST(no_editor_collides)
{
	struct run r;
	const struct finding *f;

	run_sim(&r, 3, SIM_NO_EDITOR | SIM_LAST_SENDER_WINS, 10, false, NULL);
	ck_assert_int_eq(r.v.value, VERDICT_FAIL);
	f = run_find(&r.v, CODE_CALL_ID_COLLISION);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->ntunnels, 3);
	ck_assert_ptr_nonnull(strstr(run_text(f), "Call ID 256"));
	ck_assert_ptr_nonnull(run_find(&r.v, CODE_NAT_EDITOR_ABSENT));
	/* The last sender got every tunnel's return GRE. */
	f = run_find(&r.v, CODE_GRE_MISDELIVERED);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->ntunnels, 3);
	ck_assert_ptr_nonnull(strstr(run_text(f), "GRE of 3 tunnels"));
	/* Clients 0 and 1 lost their return GRE to the last sender. */
	ck_assert_ptr_nonnull(run_find(&r.v, CODE_GRE_RETURN_BLOCKED));
	run_free(&r);
}
END_TEST

START_TEST(key_not_restored)
{
	struct run r;
	const struct finding *f;

	run_sim(&r, 2, SIM_KEY_NOT_RESTORED, 8, false, NULL);
	ck_assert_int_eq(r.v.value, VERDICT_FAIL);
	f = run_find(&r.v, CODE_CALL_ID_NOT_RESTORED);
	ck_assert_ptr_nonnull(f);
	ck_assert(names_tunnel(f, pair_of_client(&r, 0)->id));
	ck_assert_ptr_nonnull(strstr(run_text(f), "inside 1"));
	/* The data behind the words: the key that arrived, the one sent, the one due. */
	ck_assert_str_eq(f->field, "GRE.key");
	ck_assert(f->has_inside_value && f->has_outside_value && f->has_expected_value);
	ck_assert_uint_eq(f->inside_value, 1);
	ck_assert_uint_eq(f->outside_value, 61000);
	ck_assert_uint_eq(f->expected_value, 256);
	ck_assert_int_eq(f->dir, FDIR_TO_PNS);
	ck_assert_ptr_null(run_find(&r.v, CODE_TUNNEL_UNMATCHED));
	ck_assert_int_eq(r.v.tunnels[pair_of_client(&r, 1)->id - 1].value, VERDICT_PASS);
	run_free(&r);
}
END_TEST

START_TEST(peer_not_restored)
{
	struct run r;
	const struct finding *f;

	run_sim(&r, 1, SIM_PEER_NOT_RESTORED, 4, false, NULL);
	f = run_find(&r.v, CODE_CALL_ID_NOT_RESTORED);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(run_text(f), "OCRP Peer's Call ID"));
	ck_assert_str_eq(f->field, "OCRP.peer_call_id");
	ck_assert_uint_eq(f->inside_value, 61000);
	ck_assert_uint_eq(f->outside_value, 61000);
	ck_assert_uint_eq(f->expected_value, 256);
	ck_assert(r.v.tunnels[f->tunnels[0] - 1].broken_msgs & (1u << PPTP_OCRP));
	ck_assert_uint_eq(f->nevidence, 2);
	ck_assert_int_eq(f->evidence[0].side, SIDE_INSIDE);
	ck_assert_int_eq(f->evidence[1].side, SIDE_OUTSIDE);
	ck_assert_int_eq(r.v.value, VERDICT_FAIL);
	run_free(&r);
}
END_TEST

START_TEST(ccrq_not_rewritten)
{
	struct run r;
	const struct finding *f;

	run_sim(&r, 1, SIM_CCRQ_NOT_REWRITTEN, 4, false, NULL);
	f = run_find(&r.v, CODE_REWRITE_INCONSISTENT);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(run_text(f), "CCRQ"));
	ck_assert_str_eq(f->field, "CCRQ.call_id");
	ck_assert_uint_eq(f->inside_value, 256);
	ck_assert_uint_eq(f->outside_value, 256);
	ck_assert_uint_eq(f->expected_value, 61000);
	ck_assert_int_eq(f->dir, FDIR_TO_PAC);
	ck_assert_int_eq(r.v.value, VERDICT_FAIL);
	run_free(&r);
}
END_TEST

START_TEST(return_blocked)
{
	struct run r;

	run_sim(&r, 2, SIM_RETURN_BLOCKED, 6, false, NULL);
	ck_assert(names_tunnel(run_find(&r.v, CODE_GRE_RETURN_BLOCKED), pair_of_client(&r, 0)->id));
	ck_assert_ptr_null(run_find(&r.v, CODE_GRE_FORWARD_BLOCKED));
	ck_assert_int_eq(r.v.tunnels[pair_of_client(&r, 1)->id - 1].value, VERDICT_PASS);
	run_free(&r);
}
END_TEST

START_TEST(forward_blocked)
{
	struct run r;

	run_sim(&r, 1, SIM_FORWARD_BLOCKED, 6, false, NULL);
	ck_assert_ptr_nonnull(run_find(&r.v, CODE_GRE_FORWARD_BLOCKED));
	ck_assert_ptr_null(run_find(&r.v, CODE_GRE_RETURN_BLOCKED));
	run_free(&r);
}
END_TEST

START_TEST(all_gre_blocked)
{
	struct run r;

	run_sim(&r, 1, SIM_FORWARD_BLOCKED | SIM_RETURN_BLOCKED, 6, false, NULL);
	ck_assert_ptr_nonnull(run_find(&r.v, CODE_GRE_BLOCKED));
	ck_assert_ptr_null(run_find(&r.v, CODE_GRE_FORWARD_BLOCKED));
	run_free(&r);
}
END_TEST

START_TEST(bad_checksum)
{
	struct run r;
	const struct finding *f;

	run_sim(&r, 1, SIM_BAD_CHECKSUM, 6, false, NULL);
	f = run_find(&r.v, CODE_IP_CHECKSUM_BAD);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, SEV_ERROR);
	ck_assert_ptr_nonnull(strstr(run_text(f), "5 packets with a wrong"));
	ck_assert_ptr_nonnull(strstr(run_text(f), "1 correct before"));
	/* The direction is data: the table marks GRE to the server, from it. */
	ck_assert_int_eq(f->dir, FDIR_TO_PAC);
	ck_assert(f->has_side && f->side == SIDE_OUTSIDE);
	ck_assert_uint_eq(f->packets_outside, 5);
	ck_assert(r.v.tunnels[f->tunnels[0] - 1].marks & MARK_TO_PAC);
	ck_assert(!(r.v.tunnels[f->tunnels[0] - 1].marks & MARK_TO_PNS));
	run_free(&r);
}
END_TEST

START_TEST(sli_mangled)
{
	struct run r;
	const struct finding *f;

	run_sim(&r, 1, SIM_SLI_MANGLED, 2, false, NULL);
	f = run_find(&r.v, CODE_UNEXPECTED_REWRITE);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, SEV_ERROR);
	ck_assert_ptr_nonnull(strstr(run_text(f), "SLI"));
	run_free(&r);
}
END_TEST

/* The Linux editor writes the client's Call ID into the server's CDN: a
 * note naming the behaviour, once for all tunnels; --strict still passes. */
START_TEST(cdn_rewritten_by_editor_is_a_note)
{
	struct run r;
	const struct finding *f;

	run_sim(&r, 2, SIM_CDN_REWRITTEN, 2, true, NULL);
	ck_assert_ptr_null(run_find(&r.v, CODE_UNEXPECTED_REWRITE));
	ck_assert_uint_eq(run_count(&r.v, CODE_CDN_REWRITTEN_BY_EDITOR), 1);
	f = run_find(&r.v, CODE_CDN_REWRITTEN_BY_EDITOR);
	ck_assert_int_eq(f->severity, SEV_NOTE);
	ck_assert_ptr_nonnull(strstr(run_text(f), "outside 4096, inside 256"));
	ck_assert_uint_eq(f->ntunnels, 1); /* the sim rewrites client 0's CDN only */
	ck_assert_uint_eq(f->nevidence, 2);
	ck_assert_int_eq(r.v.value, VERDICT_PASS);
	ck_assert_uint_eq(r.v.count[SEV_WARNING], 0);
	run_free(&r);
}
END_TEST

/* Any other change of the CDN's Call ID stays a warning, and fails --strict. */
START_TEST(cdn_mangled_is_a_warning)
{
	struct run r;
	const struct finding *f;

	run_sim(&r, 1, SIM_CDN_MANGLED, 2, false, NULL);
	f = run_find(&r.v, CODE_UNEXPECTED_REWRITE);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, SEV_WARNING);
	ck_assert_ptr_nonnull(strstr(run_text(f), "CDN"));
	ck_assert_ptr_null(run_find(&r.v, CODE_CDN_REWRITTEN_BY_EDITOR));
	ck_assert_int_eq(r.v.value, VERDICT_PASS);
	run_free(&r);
	run_sim(&r, 1, SIM_CDN_MANGLED, 2, true, NULL);
	ck_assert_int_eq(r.v.value, VERDICT_FAIL);
	run_free(&r);
}
END_TEST

START_TEST(misdelivered)
{
	struct run r;
	const struct finding *f;

	run_sim(&r, 2, SIM_MISDELIVER, 6, false, NULL);
	/* Traced across the NAT: client 1's GRE found at client 0. */
	f = find_naming(&r.v, CODE_GRE_MISDELIVERED, pair_of_client(&r, 1)->id);
	ck_assert_ptr_nonnull(f);
	ck_assert(names_tunnel(f, pair_of_client(&r, 0)->id));
	ck_assert_ptr_nonnull(strstr(run_text(f), "10.0.1.10"));
	/* Seen inside alone: client 0's flow carries two streams. */
	f = find_naming(&r.v, CODE_GRE_MISDELIVERED, pair_of_client(&r, 0)->id);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(run_find(&r.v, CODE_GRE_RETURN_BLOCKED));
	run_free(&r);
}
END_TEST

/*
 * Misdelivery traced across the NAT rests on which inside call the packet
 * reached, read from its control messages' Call IDs: when the receiving
 * call's control connection lost bytes, a warning saying why.
 */
START_TEST(misdelivered_on_damaged_control)
{
	struct run r;
	struct sim s;
	struct verdict_options opt = {false, 0};
	const struct call *c0;
	const struct finding *f;
	uint32_t i;
	bool traced = false;

	run_init(&r, true);
	sim_init(&s, &r.in, &r.out, 2, SIM_MISDELIVER);
	sim_run(&s, 6);
	/* What a gap in client 0's control connection leaves (stream.c). */
	for (i = 0; i < r.in.tunnels.ncalls; i++) {
		c0 = &r.in.tunnels.calls[i];
		if (c0->pns.bytes[3] == 10 && c0->conn != NO_INDEX)
			r.in.tunnels.conns[c0->conn].damaged = true;
	}
	run_judge(&r, &opt);
	for (i = 0; i < r.v.nfindings; i++) {
		f = &r.v.findings[i];
		if (f->code != CODE_GRE_MISDELIVERED || strstr(run_text(f), "was delivered") == NULL)
			continue;
		traced = true;
		ck_assert_int_eq(f->severity, SEV_WARNING);
		ck_assert(f->weak_association);
		ck_assert_msg(strstr(run_text(f), "lost control bytes") != NULL, "%s", run_text(f));
	}
	ck_assert(traced);
	run_free(&r);
}
END_TEST

START_TEST(unmatched_tunnel)
{
	struct run r;
	const struct finding *f;

	run_sim(&r, 2, SIM_INSIDE_ONLY_1, 4, false, NULL);
	f = run_find(&r.v, CODE_TUNNEL_UNMATCHED);
	ck_assert_ptr_nonnull(f);
	ck_assert(names_tunnel(f, pair_of_client(&r, 1)->id));
	ck_assert_uint_ge(run_count(&r.v, CODE_TUNNEL_UNMATCHED), 1);
	ck_assert_int_eq(r.v.tunnels[pair_of_client(&r, 0)->id - 1].value, VERDICT_PASS);
	run_free(&r);
}
END_TEST

static void
skew_hour(struct sim *s)
{
	s->out_clock = -3600 * NS_PER_SEC;
}

START_TEST(clock_offset_estimated)
{
	struct run r;

	run_sim(&r, 2, 0, 6, false, skew_hour);
	ck_assert(r.corr.clock.known);
	/* inside minus outside: +3600 s, give or take the NAT's 150 us */
	ck_assert(r.corr.clock.offset > 3600 * NS_PER_SEC - NS_PER_SEC / 1000);
	ck_assert(r.corr.clock.offset < 3600 * NS_PER_SEC + NS_PER_SEC / 1000);
	ck_assert_int_eq(r.v.value, VERDICT_PASS);
	ck_assert_ptr_nonnull(run_find(&r.v, CODE_CLOCK_OFFSET));
	run_free(&r);
}
END_TEST

START_TEST(forced_offset_without_overlap)
{
	struct run r;
	struct sim s;
	struct clock_offset forced = {true, true, 10 * 86400 * NS_PER_SEC, 0, 0};
	struct verdict_options opt = {false, 0};

	run_init(&r, true);
	sim_init(&s, &r.in, &r.out, 1, 0);
	sim_run(&s, 3);
	side_finish(&r.in);
	side_finish(&r.out);
	ck_assert(correlate(&r.in, &r.out, &forced, &r.corr));
	ck_assert(verdict_judge(&r.in, &r.out, &r.corr, &opt, &r.v));
	ck_assert(!r.corr.overlap);
	ck_assert_ptr_nonnull(run_find(&r.v, CODE_CAPTURES_DO_NOT_OVERLAP));
	ck_assert_int_eq(r.v.value, VERDICT_INCONCLUSIVE);
	ck_assert_ptr_null(run_find(&r.v, CODE_TUNNEL_UNMATCHED));
	run_free(&r);
}
END_TEST

START_TEST(single_mode_collision_and_one_way)
{
	struct side s;
	struct correlation c;
	struct verdict v;
	struct verdict_options opt = {false, 0};
	struct sim sim;
	struct side scratch;

	/* The outside side of a NAT without editor, read alone. */
	ck_assert(side_init(&scratch, SIDE_INSIDE, NULL));
	ck_assert(side_init(&s, SIDE_SINGLE, NULL));
	sim_init(&sim, &scratch, &s, 2, SIM_NO_EDITOR);
	sim_run(&sim, 5);
	side_finish(&s);
	ck_assert(correlate(&s, NULL, NULL, &c));
	ck_assert(verdict_judge(&s, NULL, &c, &opt, &v));
	ck_assert_int_eq(v.value, VERDICT_FAIL);
	ck_assert_ptr_nonnull(run_find(&v, CODE_CALL_ID_COLLISION));
	ck_assert_uint_eq(c.npairs, 2);
	verdict_free(&v);
	correlation_free(&c);
	side_free(&s);
	side_free(&scratch);
}
END_TEST

START_TEST(empty_sides_inconclusive)
{
	struct side a, b;
	struct correlation c;
	struct verdict v;
	struct verdict_options opt = {false, 0};

	ck_assert(side_init(&a, SIDE_INSIDE, NULL));
	ck_assert(side_init(&b, SIDE_OUTSIDE, NULL));
	side_finish(&a);
	side_finish(&b);
	ck_assert(correlate(&a, &b, NULL, &c));
	ck_assert(verdict_judge(&a, &b, &c, &opt, &v));
	ck_assert_int_eq(v.value, VERDICT_INCONCLUSIVE);
	ck_assert_ptr_nonnull(run_find(&v, CODE_NO_PPTP));
	ck_assert_int_eq(verdict_exit_status(v.value), 3);
	verdict_free(&v);
	correlation_free(&c);
	side_free(&a);
	side_free(&b);
}
END_TEST

/* One capture: LCP Configure-Requests unanswered, and a peer that stops acking. */
START_TEST(lcp_retries_and_ack_stall)
{
	struct side s;
	struct pb_feed fd = {&s, 0, NS_PER_SEC};
	struct pb_ip pns = pb_ip(10, 0, 0, 2), pac = pb_ip(10, 0, 0, 1);
	uint8_t m[256], lcp_req[8] = {0xff, 0x03, 0xc0, 0x21, 1, 7, 0, 4};
	uint8_t data[8] = {0xff, 0x03, 0x00, 0x21, 0x45, 0, 0, 0};
	uint32_t cseq = 100, sseq = 7000, i;
	struct correlation c;
	struct verdict v;
	struct verdict_options opt = {false, 0};
	const struct finding *f;
	size_t n;

	ck_assert(side_init(&s, SIDE_SINGLE, NULL));
	n = pb_pptp(m, PPTP_OCRQ, 256, 0, 1, 0);
	pb_feed_tcp(&fd, pns, 40000, pac, TCP_PORT_PPTP, cseq, TCP_ACK, m, n);
	n = pb_pptp(m, PPTP_OCRP, 9, 256, 0, 1);
	pb_feed_tcp(&fd, pac, TCP_PORT_PPTP, pns, 40000, sseq, TCP_ACK, m, n);
	for (i = 0; i < 4; i++) /* the client asks four times; nobody answers */
		pb_feed_gre(&fd, pns, pac, 9, i, 0, lcp_req, sizeof(lcp_req), false);
	/* The server acks the client's first packets, then stops acking. */
	pb_feed_gre(&fd, pac, pns, 256, 0, 1, data, sizeof(data), false);
	for (i = 4; i < 30; i++)
		pb_feed_gre(&fd, pns, pac, 9, i, 0, data, sizeof(data), false);
	side_finish(&s);
	ck_assert(correlate(&s, NULL, NULL, &c));
	ck_assert(verdict_judge(&s, NULL, &c, &opt, &v));
	f = run_find(&v, CODE_LCP_NO_REPLY);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(run_text(f), "4 LCP Configure-Requests"));
	f = run_find(&v, CODE_GRE_ACK_STALLED);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(run_text(f), "acknowledged up to 1"));
	ck_assert_int_eq(f->severity, SEV_WARNING);
	verdict_free(&v);
	correlation_free(&c);
	side_free(&s);
}
END_TEST

/* --ignore turns a rule's findings into notes; the verdict follows the rest. */
START_TEST(ignored_code_is_a_note)
{
	struct run r;
	const struct finding *f;
	struct sim s;
	struct verdict_options opt = {false, VERDICT_IGNORE_BIT(CODE_GRE_RETURN_BLOCKED)};

	run_init(&r, true);
	sim_init(&s, &r.in, &r.out, 2, SIM_RETURN_BLOCKED);
	sim_run(&s, 6);
	side_finish(&r.in);
	side_finish(&r.out);
	ck_assert(correlate(&r.in, &r.out, NULL, &r.corr));
	ck_assert(verdict_judge(&r.in, &r.out, &r.corr, &opt, &r.v));
	f = run_find(&r.v, CODE_GRE_RETURN_BLOCKED);
	ck_assert_ptr_nonnull(f);
	ck_assert(f->ignored);
	ck_assert_int_eq(f->severity, SEV_NOTE);
	ck_assert_uint_eq(r.v.count[SEV_ERROR], 0);
	ck_assert_int_eq(r.v.value, VERDICT_PASS);
	ck_assert_int_eq(r.v.tunnels[f->tunnels[0] - 1].value, VERDICT_PASS);
	ck_assert(r.v.opt.ignore == opt.ignore);
	run_free(&r);
	/* Other codes still fail. */
	opt.ignore = VERDICT_IGNORE_BIT(CODE_GRE_LOSS);
	run_init(&r, true);
	sim_init(&s, &r.in, &r.out, 2, SIM_RETURN_BLOCKED);
	sim_run(&s, 6);
	side_finish(&r.in);
	side_finish(&r.out);
	ck_assert(correlate(&r.in, &r.out, NULL, &r.corr));
	ck_assert(verdict_judge(&r.in, &r.out, &r.corr, &opt, &r.v));
	ck_assert_int_eq(r.v.value, VERDICT_FAIL);
	ck_assert(!run_find(&r.v, CODE_GRE_RETURN_BLOCKED)->ignored);
	run_free(&r);
}
END_TEST

/* A tunnel's codes and verdict come from every finding naming it, listed or not. */
START_TEST(tunnel_codes_recorded)
{
	struct run r;
	uint32_t i;

	run_sim(&r, 3, SIM_NO_EDITOR, 6, false, NULL);
	ck_assert_uint_gt(r.v.nat.unchanged, 0);
	ck_assert_uint_eq(r.v.nat.translated, 0);
	for (i = 0; i < r.v.ntunnels; i++) {
		ck_assert(r.v.tunnels[i].codes & VERDICT_IGNORE_BIT(CODE_CALL_ID_COLLISION));
		ck_assert(r.v.tunnels[i].severities & (1u << SEV_ERROR));
		ck_assert_int_eq(r.v.tunnels[i].value, VERDICT_FAIL);
	}
	ck_assert_uint_eq(run_find(&r.v, CODE_CALL_ID_COLLISION)->tunnels_total, 3);
	ck_assert(run_find(&r.v, CODE_CALL_ID_COLLISION)->shared);
	run_free(&r);
	run_sim(&r, 3, 0, 6, false, NULL);
	ck_assert_uint_eq(r.v.nat.translated, 3);
	ck_assert_uint_eq(r.v.nat.port_like, 3);
	for (i = 0; i < r.v.ntunnels; i++)
		ck_assert(r.v.tunnels[i].codes == 0);
	run_free(&r);
}
END_TEST

/*
 * Two tunnels behind one NAT address with the same client Call ID: their
 * return GRE shares one triple, so the server's acknowledgments cannot be
 * told apart.  No gre_ack_stalled for them; the same stall on a triple of
 * its own is still reported (lcp_retries_and_ack_stall).
 */
START_TEST(shared_triple_no_ack_stall)
{
	struct side s;
	struct pb_feed fd = {&s, 0, NS_PER_SEC};
	struct pb_ip nat = pb_ip(203, 0, 113, 1), pac = pb_ip(198, 51, 100, 7);
	uint8_t m[256], data[8] = {0xff, 0x03, 0x00, 0x21, 0x45, 0, 0, 0};
	uint32_t i, k;
	struct correlation c;
	struct verdict v;
	struct verdict_options opt = {false, 0};
	size_t n;

	ck_assert(side_init(&s, SIDE_SINGLE, NULL));
	for (k = 0; k < 2; k++) {
		n = pb_pptp(m, PPTP_OCRQ, 256, 0, (uint16_t)(1 + k), 0);
		pb_feed_tcp(&fd, nat, (uint16_t)(40000 + k), pac, TCP_PORT_PPTP, 100, TCP_ACK, m,
		            n);
		n = pb_pptp(m, PPTP_OCRP, (uint16_t)(9 + k), 256, 0, 1);
		pb_feed_tcp(&fd, pac, TCP_PORT_PPTP, nat, (uint16_t)(40000 + k), 7000, TCP_ACK, m,
		            n);
	}
	/* Both clients send; the server's only acknowledgment on the shared
	 * triple (ack 1) belongs to either of them. */
	for (i = 0; i < 30; i++)
		for (k = 0; k < 2; k++)
			pb_feed_gre(&fd, nat, pac, (uint16_t)(9 + k), i, 0, data, sizeof(data),
			            false);
	pb_feed_gre(&fd, pac, nat, 256, 0, 1, data, sizeof(data), false);
	for (i = 30; i < 60; i++)
		pb_feed_gre(&fd, nat, pac, 10, i, 0, data, sizeof(data), false);
	side_finish(&s);
	ck_assert(correlate(&s, NULL, NULL, &c));
	ck_assert(verdict_judge(&s, NULL, &c, &opt, &v));
	ck_assert_ptr_nonnull(run_find(&v, CODE_CALL_ID_COLLISION));
	ck_assert_ptr_null(run_find(&v, CODE_GRE_ACK_STALLED));
	verdict_free(&v);
	correlation_free(&c);
	side_free(&s);
}
END_TEST

static Suite *
verdict_suite(void)
{
	Suite *s = suite_create("verdict");
	TCase *tc = tcase_create("simulated NAT");

	tcase_add_test(tc, healthy_editor_passes);
	tcase_add_test(tc, no_editor_collides);
	tcase_add_test(tc, key_not_restored);
	tcase_add_test(tc, peer_not_restored);
	tcase_add_test(tc, ccrq_not_rewritten);
	tcase_add_test(tc, return_blocked);
	tcase_add_test(tc, forward_blocked);
	tcase_add_test(tc, all_gre_blocked);
	tcase_add_test(tc, bad_checksum);
	tcase_add_test(tc, sli_mangled);
	tcase_add_test(tc, cdn_rewritten_by_editor_is_a_note);
	tcase_add_test(tc, cdn_mangled_is_a_warning);
	tcase_add_test(tc, misdelivered);
	tcase_add_test(tc, misdelivered_on_damaged_control);
	tcase_add_test(tc, unmatched_tunnel);
	tcase_add_test(tc, clock_offset_estimated);
	tcase_add_test(tc, forced_offset_without_overlap);
	tcase_add_test(tc, single_mode_collision_and_one_way);
	tcase_add_test(tc, empty_sides_inconclusive);
	tcase_add_test(tc, lcp_retries_and_ack_stall);
	tcase_add_test(tc, ignored_code_is_a_note);
	tcase_add_test(tc, tunnel_codes_recorded);
	tcase_add_test(tc, shared_triple_no_ack_stall);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(verdict_suite)
