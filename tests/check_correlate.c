/*
 * Tests for correlate.c: the fate of GRE to a client across the NAT, told
 * apart as loss (later packets delivered) or a cut (none delivered after
 * some point while the server keeps sending), and what the verdict makes
 * of each.  Built frames: one client behind a NAT, GRE only, both ways.
 */
#include "correlate.h"
#include "analysis.h"
#include "pktbuild.h"
#include "testutil.h"
#include "verdict.h"

#define PACKETS 20
/* A quarter second apart: 20 packets span 5 s. */
#define SPACING (NS_PER_SEC / 4)

/* delivered(i): whether the NAT delivers the server's i-th packet inside. */
static void
run(struct run *r, bool (*delivered)(uint32_t), bool icmp)
{
	struct pb_feed fi, fo;
	struct pb_ip cl = pb_ip(10, 0, 0, 2), nat = pb_ip(198, 51, 100, 1),
	             srv = pb_ip(192, 0, 2, 10);
	struct verdict_options opt = {false, 0};
	uint8_t up[12] = {0xff, 0x03, 0xc0, 0x21, 0x09, 0, 0, 8, 'u', 0, 0, 0};
	uint8_t down[12] = {0xff, 0x03, 0xc0, 0x21, 0x09, 0, 0, 8, 'd', 0, 0, 0};
	uint32_t i;

	run_init(r, true);
	fi = (struct pb_feed){&r->in, 0, 100 * NS_PER_SEC};
	fo = (struct pb_feed){&r->out, 0, 100 * NS_PER_SEC};
	for (i = 0; i < PACKETS; i++) {
		up[9] = down[9] = (uint8_t)i;
		fi.ts = fo.ts = 100 * NS_PER_SEC + (ts_ns_t)i * SPACING;
		pb_feed_gre(&fi, cl, srv, 7000, i, i, up, sizeof(up), false);
		pb_feed_gre(&fo, nat, srv, 7000, i, i, up, sizeof(up), false);
		fo.ts += NS_PER_SEC / 100;
		pb_feed_gre(&fo, srv, nat, 40000, i, i + 1, down, sizeof(down), false);
		if (delivered(i)) {
			fi.ts = fo.ts + 1000;
			pb_feed_gre(&fi, srv, cl, 256, i, i + 1, down, sizeof(down), false);
		} else if (icmp) {
			/* The NAT's protocol unreachable, quoting the GRE header. */
			uint8_t q[PB_MAX], l4[PB_MAX], frame[PB_MAX];
			size_t n = pb_gre(l4, 40000, i, i + 1, down, sizeof(down));
			size_t qn = pb_frame(q, srv, nat, 47, l4, n, false) - 14;
			uint8_t ic[8 + PB_MAX];

			memset(ic, 0, 8);
			ic[0] = 3;
			ic[1] = 2;
			memcpy(ic + 8, q + 14, qn);
			pb_feed_frame(&fo, frame, pb_frame(frame, nat, srv, 1, ic, 8 + qn, false));
		}
	}
	/* Both captures run on a little after the last packet. */
	fi.ts = fo.ts = 100 * NS_PER_SEC + (ts_ns_t)PACKETS * SPACING;
	pb_feed_gre(&fi, cl, srv, 7000, PACKETS, PACKETS, up, 0, false);
	pb_feed_gre(&fo, nat, srv, 7000, PACKETS, PACKETS, up, 0, false);
	run_judge(r, &opt);
}

static bool
all(uint32_t i)
{
	(void)i;
	return true;
}

/* Four in the middle lost, the rest delivered. */
static bool
middle_lost(uint32_t i)
{
	return i < 6 || i > 9;
}

/* Nothing after the tenth: 10 packets over 2.5 s undelivered. */
static bool
cut_after_ten(uint32_t i)
{
	return i < 10;
}

/* Nothing after the sixteenth: 4 packets over 1 s undelivered. */
static bool
cut_late(uint32_t i)
{
	return i < 16;
}

START_TEST(healthy_nat)
{
	struct run r;

	run(&r, all, false);
	ck_assert_uint_eq(r.corr.npairs, 1);
	ck_assert_uint_eq(r.corr.pairs[0].cut.delivered, PACKETS);
	ck_assert_uint_eq(r.corr.pairs[0].cut.lost_after, 0);
	ck_assert_int_eq(r.v.value, VERDICT_PASS);
	run_free(&r);
}
END_TEST

START_TEST(loss_leaves_later_packets_delivered)
{
	struct run r;

	run(&r, middle_lost, false);
	ck_assert_uint_eq(r.corr.pairs[0].cut.lost_after, 0);
	ck_assert_uint_eq(run_count(&r.v, CODE_GRE_LOSS), 1);
	ck_assert_uint_eq(run_count(&r.v, CODE_GRE_MAPPING_LOST), 0);
	ck_assert_int_eq(r.v.value, VERDICT_PASS); /* a warning */
	run_free(&r);
}
END_TEST

START_TEST(cut_without_icmp_long_enough)
{
	struct run r;
	const struct gre_cut *cut;

	run(&r, cut_after_ten, false);
	cut = &r.corr.pairs[0].cut;
	ck_assert_uint_eq(cut->delivered, 10);
	ck_assert_uint_eq(cut->lost_after, 10);
	ck_assert_uint_eq(cut->last_delivered_out.frame + 2, cut->first_lost.frame);
	ck_assert_uint_eq(run_count(&r.v, CODE_GRE_MAPPING_LOST), 1);
	ck_assert_uint_eq(run_count(&r.v, CODE_GRE_LOSS), 0);
	ck_assert_int_eq(r.v.value, VERDICT_FAIL);
	run_free(&r);
}
END_TEST

/* 4 packets over 1 s: below the bar without the NAT's word, a cut with it. */
START_TEST(short_cut_needs_the_nats_icmp)
{
	struct run r;
	const struct call *out;

	run(&r, cut_late, false);
	ck_assert_uint_eq(r.corr.pairs[0].cut.lost_after, 4);
	ck_assert_uint_eq(run_count(&r.v, CODE_GRE_MAPPING_LOST), 0);
	ck_assert_uint_eq(run_count(&r.v, CODE_GRE_LOSS), 1);
	run_free(&r);

	run(&r, cut_late, true);
	out = &r.out.tunnels.calls[r.corr.pairs[0].call[SIDE_B]];
	ck_assert_uint_eq(out->to_pns.icmp_errors, 4);
	ck_assert_uint_eq(r.out.counters.icmp_gre, 4);
	ck_assert_uint_eq(run_count(&r.v, CODE_GRE_MAPPING_LOST), 1);
	ck_assert_uint_eq(run_count(&r.v, CODE_GRE_LOSS), 0);
	{
		const struct finding *f = NULL;
		uint32_t i;
		unsigned k;
		bool icmp = false;

		for (i = 0; i < r.v.nfindings; i++)
			if (r.v.findings[i].code == CODE_GRE_MAPPING_LOST)
				f = &r.v.findings[i];
		ck_assert_ptr_nonnull(f);
		for (k = 0; k < f->nevidence; k++)
			icmp = icmp ||
			       strstr(run_label(&f->evidence[k]), "protocol unreachable") != NULL;
		ck_assert(icmp);
	}
	run_free(&r);
}
END_TEST

static Suite *
correlate_suite(void)
{
	Suite *s = suite_create("correlate");
	TCase *tc = tcase_create("gre fate");

	tcase_add_test(tc, healthy_nat);
	tcase_add_test(tc, loss_leaves_later_packets_delivered);
	tcase_add_test(tc, cut_without_icmp_long_enough);
	tcase_add_test(tc, short_cut_needs_the_nats_icmp);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(correlate_suite)
