/* Tests for greflow.c: attribution, counts per direction, fingerprints, sampling, GRE-only flows.
 */
#include "greflow.h"
#include "pktbuild.h"
#include "side.h"
#include "testutil.h"
#include "tunnel.h"

/* clang-format off */
/* PPP LCP Configure-Request, id 1, no options. */
static const uint8_t lcp_conf_req[] = {0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04};
/* PPP LCP Configure-Ack, id 1. */
static const uint8_t lcp_conf_ack[] = {0xff, 0x03, 0xc0, 0x21, 0x02, 0x01, 0x00, 0x04};
/* clang-format on */

static struct side side;
static struct pb_feed feed;

static void
setup(void)
{
	ck_assert(side_init(&side, SIDE_SINGLE, NULL));
	memset(&feed, 0, sizeof(feed));
	feed.side = &side;
	feed.ts = NS_PER_SEC;
}

static void
teardown(void)
{
	side_free(&side);
}

static uint32_t
live_calls(const struct tunnels *t)
{
	uint32_t i, n = 0;

	for (i = 0; i < t->ncalls; i++)
		n += !t->calls[i].merged;
	return n;
}

static struct gre_packet
gre_of(uint16_t call_id, uint32_t seq, const uint8_t *payload, size_t len)
{
	struct gre_packet g;

	memset(&g, 0, sizeof(g));
	g.version = 1;
	g.protocol = GRE_PROTO_PPP;
	g.has_key = g.has_seq = true;
	g.call_id = call_id;
	g.payload_len_field = (uint16_t)len;
	g.seq = seq;
	g.payload = payload;
	g.payload_len = len;
	return g;
}

START_TEST(fingerprint_ignores_the_key)
{
	struct gre_packet a = gre_of(256, 7, lcp_conf_req, sizeof(lcp_conf_req));
	struct gre_packet b = gre_of(50048, 7, lcp_conf_req, sizeof(lcp_conf_req));
	struct gre_packet c = gre_of(256, 8, lcp_conf_req, sizeof(lcp_conf_req));
	struct gre_packet d = gre_of(256, 7, lcp_conf_ack, sizeof(lcp_conf_ack));

	/* A NAT rewrites the key: the fingerprint must not change with it. */
	ck_assert_uint_eq(greflow_fingerprint(&a), greflow_fingerprint(&b));
	ck_assert_uint_ne(greflow_fingerprint(&a), greflow_fingerprint(&c));
	ck_assert_uint_ne(greflow_fingerprint(&a), greflow_fingerprint(&d));
	/* Sampling is decided by the header part (top bits) only. */
	ck_assert_uint_eq(greflow_fingerprint(&a) >> 40, greflow_fingerprint(&d) >> 40);
}
END_TEST

START_TEST(count_one_direction)
{
	struct gre_dir gd, back;
	struct ip_packet ip;
	struct gre_packet g = gre_of(256, 5, lcp_conf_req, sizeof(lcp_conf_req));
	struct frame_ref w1 = {0, 1, 10}, w2 = {0, 2, 20}, w3 = {0, 3, 30};

	memset(&gd, 0, sizeof(gd));
	memset(&back, 0, sizeof(back));
	memset(&ip, 0, sizeof(ip));
	ip.version = 4;
	ip.checksum_ok = true;
	back.seq_packets = 9;
	greflow_count(&gd, &back, &ip, &g, &w1);
	g.seq = 3; /* older: max_seq stays */
	g.has_ack = true;
	g.ack = 4;
	greflow_count(&gd, &back, &ip, &g, &w2);
	ip.checksum_ok = false;
	g = gre_of(256, 0, NULL, 0);
	g.has_seq = false; /* ack-only */
	g.has_ack = true;
	g.ack = 2; /* older ack: max_ack stays */
	greflow_count(&gd, &back, &ip, &g, &w3);
	ck_assert_uint_eq(gd.packets, 3);
	ck_assert_uint_eq(gd.ack_only, 1);
	ck_assert_uint_eq(gd.seq_packets, 2);
	ck_assert_uint_eq(gd.max_seq, 5);
	ck_assert_uint_eq(gd.max_ack, 4);
	ck_assert_uint_eq(back.seq_packets_at_ack, 9);
	ck_assert_uint_eq(gd.lcp_conf_req, 2);
	ck_assert_uint_eq(gd.first_lcp_req.frame, 1);
	ck_assert_uint_eq(gd.checksum_bad, 1);
	ck_assert_uint_eq(gd.checksum_good_before_bad, 2);
	ck_assert_uint_eq(gd.first_checksum_bad.frame, 3);
	ck_assert_uint_eq(gd.last.frame, 3);
	ck_assert_uint_eq(gd.key, 256);
}
END_TEST

/* One flow each way between two addresses: one GRE-only call, both directions. */
START_TEST(lone_flows_pair_up)
{
	struct pb_ip a = pb_ip(10, 0, 0, 1), b = pb_ip(192, 0, 2, 1);
	const struct tunnels *t = &side.tunnels;
	const struct call *c;
	uint32_t i;

	for (i = 0; i < 4; i++) {
		pb_feed_gre(&feed, a, b, 700, i, 0, lcp_conf_req, sizeof(lcp_conf_req), false);
		pb_feed_gre(&feed, b, a, 900, i, i + 1, lcp_conf_ack, sizeof(lcp_conf_ack), false);
	}
	side_finish(&side);
	ck_assert_uint_eq(live_calls(t), 1);
	c = &t->calls[0];
	ck_assert_int_eq(c->kind, CALL_GRE_ONLY);
	ck_assert(!c->roles_known);
	ck_assert_uint_eq(c->pac_call_id, 700);
	ck_assert(c->has_pns_call_id);
	ck_assert_uint_eq(c->pns_call_id, 900);
	ck_assert_uint_eq(c->to_pac.packets, 4);
	ck_assert_uint_eq(c->to_pns.packets, 4);
	ck_assert_uint_eq(c->to_pns.lcp_conf_reply, 4);
	/* Every sequenced packet sampled, each under the call and its direction. */
	ck_assert_uint_eq(t->gre.nsamples, 8);
	for (i = 0; i < t->gre.nsamples; i++)
		ck_assert_uint_eq(t->gre.samples[i].call, 0);
	ck_assert_uint_eq(t->gre.packets, 8);
}
END_TEST

/* A GRE packet of a call set up by control messages is counted on that call. */
START_TEST(gre_of_a_known_call)
{
	struct tunnels *t = &side.tunnels;
	struct addr pns, pac;
	struct ip_packet ip;
	struct gre_packet g = gre_of(256, 1, lcp_conf_req, sizeof(lcp_conf_req));
	struct frame_ref w = {0, 1, 10};
	enum gre_direction dir;
	uint32_t ci;

	addr_set_v4(&pns, (const uint8_t[]){10, 0, 0, 1});
	addr_set_v4(&pac, (const uint8_t[]){192, 0, 2, 1});
	ci = tunnels_add_gre_only(t, &pac, &pns, 256, &w);
	ck_assert_uint_ne(ci, NO_INDEX);
	ck_assert_uint_eq(tunnels_gre_call(t, &pac, &pns, 256, &dir), ci);
	ck_assert_int_eq(dir, GRE_TO_PAC);
	ck_assert_uint_eq(tunnels_gre_call(t, &pac, &pns, 257, &dir), NO_INDEX);
	ck_assert_uint_eq(tunnels_gre_call(t, &pns, &pac, 256, &dir), NO_INDEX);
	memset(&ip, 0, sizeof(ip));
	ip.version = 4;
	ip.checksum_ok = true;
	ip.src = pac;
	ip.dst = pns;
	greflow_on_packet(t, &side.diag, &ip, &g, &w);
	ck_assert_uint_eq(t->ncalls, 1);
	ck_assert_uint_eq(t->calls[ci].to_pac.packets, 1);
}
END_TEST

/*
 * Two clients behind one NAT address, seen only by their GRE: outside, two
 * flows each way between the NAT and the server, which nothing there pairs;
 * inside each client has its own address.  The inside pairs the outside.
 */
static void
feed_two_clients(struct pb_feed *fd, bool outside)
{
	struct pb_ip srv = pb_ip(192, 0, 2, 10), nat = pb_ip(198, 51, 100, 1);
	struct pb_ip cl[2] = {pb_ip(10, 0, 0, 1), pb_ip(10, 0, 0, 2)};
	uint16_t back_in = 256, back_out[2] = {40001, 40002}, fwd[2] = {700, 701};
	uint8_t ppp[12] = {0xff, 0x03, 0xc0, 0x21, 0x09, 0, 0, 8, 'c', 0, 'u', 0};
	uint32_t i, k;

	for (i = 0; i < 5; i++)
		for (k = 0; k < 2; k++) {
			ppp[9] = (uint8_t)k;
			ppp[10] = 'u';
			pb_feed_gre(fd, outside ? nat : cl[k], srv, fwd[k], i, i, ppp, sizeof(ppp),
			            false);
			ppp[10] = 'd';
			pb_feed_gre(fd, srv, outside ? nat : cl[k], outside ? back_out[k] : back_in,
			            i, i + 1, ppp, sizeof(ppp), false);
		}
}

START_TEST(flows_behind_one_address_stay_apart_until_the_other_side_pairs_them)
{
	struct side out;
	struct pb_feed fo = {&out, 0, NS_PER_SEC};
	uint32_t i;

	ck_assert(side_init(&out, SIDE_OUTSIDE, NULL));
	feed_two_clients(&feed, false);
	feed_two_clients(&fo, true);
	side_finish(&side);
	side_finish(&out);
	/* Inside: one flow each way per client address, so one call each. */
	ck_assert_uint_eq(live_calls(&side.tunnels), 2);
	/* Outside: two flows each way between the same two addresses: no guess. */
	ck_assert_uint_eq(live_calls(&out.tunnels), 4);
	for (i = 0; i < out.tunnels.ncalls; i++)
		ck_assert(!out.tunnels.calls[i].has_pns_call_id);
	greflow_pair_across(&out.tunnels, &side.tunnels, side.tunnels.gre.sample_limit);
	ck_assert_uint_eq(live_calls(&out.tunnels), 2);
	for (i = 0; i < out.tunnels.ncalls; i++) {
		const struct call *c = &out.tunnels.calls[i];

		if (c->merged)
			continue;
		/* Each outside call: one client's key to the server, its own key back. */
		ck_assert(c->has_pns_call_id && c->has_pac_call_id);
		ck_assert_uint_eq(c->pac_call_id - 700, c->pns_call_id - 40001);
		ck_assert_uint_eq(c->to_pac.packets, 5);
		ck_assert_uint_eq(c->to_pns.packets, 5);
	}
	/* Every sample follows its flow into the call that took it, in its direction. */
	{
		uint32_t per[64][2];

		ck_assert_uint_lt(out.tunnels.ncalls, 64);
		memset(per, 0, sizeof(per));
		for (i = 0; i < out.tunnels.gre.nsamples; i++) {
			const struct gre_sample *sm = &out.tunnels.gre.samples[i];

			ck_assert(!out.tunnels.calls[sm->call].merged);
			per[sm->call][sm->dir]++;
		}
		for (i = 0; i < out.tunnels.ncalls; i++)
			if (!out.tunnels.calls[i].merged) {
				ck_assert_uint_eq(per[i][GRE_TO_PAC], 5);
				ck_assert_uint_eq(per[i][GRE_TO_PNS], 5);
			}
	}
	side_free(&out);
}
END_TEST

/*
 * A capture joining a control connection after its call was set up: GRE
 * both ways, then the PNS's Call-Clear-Request (its Call ID, the key of
 * the GRE back) and the PAC's Call-Disconnect-Notify (the PAC's Call ID,
 * the key of the GRE to it).  The GRE becomes that connection's call.
 */
START_TEST(later_messages_tie_gre_to_their_connection)
{
	struct pb_ip pns = pb_ip(10, 0, 0, 1), pac = pb_ip(192, 0, 2, 1);
	uint8_t msg[PB_MAX];
	const struct tunnels *t = &side.tunnels;
	const struct call *c = NULL;
	size_t n;
	uint32_t i;

	for (i = 0; i < 3; i++) {
		/* The server's GRE comes first: the flow's first sender is the PAC. */
		pb_feed_gre(&feed, pac, pns, 256, i, 0, lcp_conf_req, sizeof(lcp_conf_req), false);
		pb_feed_gre(&feed, pns, pac, 700, i, 0, lcp_conf_ack, sizeof(lcp_conf_ack), false);
	}
	n = pb_pptp(msg, PPTP_CCRQ, 256, 0, 0, 0);
	pb_feed_tcp(&feed, pns, 40000, pac, 1723, 1000, 0x18, msg, n);
	n = pb_pptp(msg, PPTP_CDN, 700, 0, 0, 1);
	pb_feed_tcp(&feed, pac, 1723, pns, 40000, 5000, 0x18, msg, n);
	side_finish(&side);
	ck_assert_uint_eq(live_calls(t), 1);
	for (i = 0; i < t->ncalls; i++)
		if (!t->calls[i].merged)
			c = &t->calls[i];
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->kind, CALL_LATE);
	ck_assert(c->roles_known);
	ck_assert_uint_eq(c->conn, 0);
	/* Oriented by the connection, not by the first GRE sender. */
	ck_assert_uint_eq(c->pns.bytes[0], 10);
	ck_assert_uint_eq(c->pns_call_id, 256);
	ck_assert_uint_eq(c->pac_call_id, 700);
	ck_assert_uint_eq(c->to_pac.key, 700);
	ck_assert_uint_eq(c->to_pns.key, 256);
	ck_assert_uint_eq(c->to_pac.packets, 3);
	ck_assert_uint_eq(c->to_pns.packets, 3);
	ck_assert_uint_eq(c->nmsgs, 2);
	ck_assert_int_eq(c->msgs[0].type, PPTP_CCRQ);
	ck_assert(c->msgs[0].to_pac);
	ck_assert_int_eq(c->state, CALL_DISCONNECTED);
	/* The samples follow: the server's packets are GRE to the PNS now. */
	ck_assert_uint_eq(t->gre.nsamples, 6);
	for (i = 0; i < t->gre.nsamples; i++) {
		const struct gre_sample *sm = &t->gre.samples[i];
		struct gre_packet from_pac = gre_of(256, sm->seq, lcp_conf_req, sizeof(lcp_conf_req));

		ck_assert(&t->calls[sm->call] == c);
		ck_assert_int_eq(sm->dir,
		                 sm->fp == greflow_fingerprint(&from_pac) ? GRE_TO_PNS : GRE_TO_PAC);
	}
	/* Nothing left unexplained. */
	ck_assert_uint_eq(side.diag.entries[CODE_PPTP_UNKNOWN_CALL].count, 0);
}
END_TEST

static Suite *
greflow_suite(void)
{
	Suite *s = suite_create("greflow");
	TCase *tc = tcase_create("greflow");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, fingerprint_ignores_the_key);
	tcase_add_test(tc, count_one_direction);
	tcase_add_test(tc, lone_flows_pair_up);
	tcase_add_test(tc, gre_of_a_known_call);
	tcase_add_test(tc, flows_behind_one_address_stay_apart_until_the_other_side_pairs_them);
	tcase_add_test(tc, later_messages_tie_gre_to_their_connection);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(greflow_suite)
