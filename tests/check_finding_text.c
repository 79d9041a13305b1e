/* Wording suite: findings and evidence worded from their kind and values. */
#include <string.h>

#include "finding_text.h"
#include "testutil.h"

static struct finding
say(enum finding_msg msg, const struct msg_arg *args, unsigned nargs)
{
	struct finding f;

	memset(&f, 0, sizeof(f));
	f.msg = msg;
	memcpy(f.args, args, nargs * sizeof(*args));
	f.nargs = nargs;
	return f;
}

/* Every kind has its sentence: no finding or label is ever worded empty. */
START_TEST(every_kind_worded)
{
	char buf[FINDING_TEXT_LEN];
	struct finding f;
	struct evidence e;

	memset(&f, 0, sizeof(f));
	if (_i < MSG_COUNT) {
		f.msg = (enum finding_msg)_i;
		ck_assert_uint_gt(strlen(finding_text(&f, buf, sizeof(buf))), 0);
	}
	memset(&e, 0, sizeof(e));
	if (_i < LABEL_COUNT && _i != LABEL_INPUT_DIAGNOSTIC && _i != LABEL_CODE) {
		e.kind = (enum evidence_label)_i;
		ck_assert_uint_gt(strlen(evidence_text(&e, buf, sizeof(buf))), 0);
	}
}
END_TEST

/* Numbers, plurals, choices and addresses, in the order the sentence takes them. */
START_TEST(values_in_order)
{
	struct msg_arg a[] = {marg_u(1), marg_u(1), marg_u(7), marg_u(7)};
	struct finding f = say(MSG_GRE_BLOCKED, a, 4);
	char buf[FINDING_TEXT_LEN];
	struct addr srv;
	struct msg_arg m[] = {marg_u(3),       marg_u(0),   marg_addr(&srv),
	                      marg_addr(&srv), marg_u(256), marg_side(SIDE_OUTSIDE),
	                      marg_u(0)};

	ck_assert_str_eq(finding_text(&f, buf, sizeof(buf)),
	                 "no GRE crossed the NAT: 1 packet to the server inside, 0 outside; "
	                 "7 packets to the client outside, 0 inside");
	ck_assert(addr_parse("192.0.2.1", &srv));
	m[2] = marg_addr(&srv);
	m[3] = marg_addr(&srv);
	f = say(MSG_COLLISION, m, 7);
	ck_assert_str_eq(finding_text(&f, buf, sizeof(buf)),
	                 "3 tunnels use the same forward triple (192.0.2.1 -> 192.0.2.1, Call ID "
	                 "256) at the same time in the outside capture: GRE to the server cannot "
	                 "be told apart");
}
END_TEST

/* A Call ID no packet showed is "unknown"; a set of codes is listed by name. */
START_TEST(unknown_and_code_lists)
{
	struct addr a;
	char buf[FINDING_TEXT_LEN];
	struct finding f;
	uint64_t set = ((uint64_t)1 << CODE_TCP_GAP) | ((uint64_t)1 << CODE_CAPTURE_TRUNCATED);

	ck_assert(addr_parse("10.0.0.1", &a));
	{
		struct msg_arg m[] = {marg_addr(&a),  marg_addr(&a), marg_name("inside"),
		                      marg_unknown(), marg_u(5),     marg_name("outside")};

		f = say(MSG_TUNNEL_UNMATCHED, m, 6);
	}
	ck_assert_ptr_nonnull(
	    strstr(finding_text(&f, buf, sizeof(buf)), "client Call ID unknown, server Call ID 5"));
	{
		struct msg_arg m[] = {marg_side(SIDE_INSIDE), marg_u(set),
		                      marg_u((uint64_t)1 << CODE_TCP_GAP)};

		f = say(MSG_EVIDENCE_INCOMPLETE, m, 3);
	}
	ck_assert_ptr_nonnull(strstr(finding_text(&f, buf, sizeof(buf)),
	                             "the inside capture is damaged (capture_truncated, tcp_gap)"));
}
END_TEST

/* Missing or mistyped values leave a gap, never a crash; the text is cut, never overrun. */
START_TEST(gaps_and_cuts)
{
	struct msg_arg wrong[] = {marg_side(SIDE_INSIDE)};
	struct finding f = say(MSG_GRE_MERGED, wrong, 1);
	char small[12];
	char buf[FINDING_TEXT_LEN];

	ck_assert_str_eq(finding_text(&f, buf, sizeof(buf)),
	                 " received the server's GRE of  tunnels under its Call ID : sequence "
	                 "number  arrived  times with different contents");
	memset(small, 'x', sizeof(small));
	finding_text(&f, small, 5);
	ck_assert_str_eq(small, " rec");
	ck_assert_int_eq(small[5], 'x');
	f.msg = MSG_COUNT;
	ck_assert_str_eq(finding_text(&f, buf, sizeof(buf)), "");
}
END_TEST

/* A warning from a damaged or torn capture says why the absence may prove nothing. */
START_TEST(weak_note)
{
	struct msg_arg a[] = {marg_u(2), marg_u(2), marg_u(9)};
	struct finding f = say(MSG_GRE_FORWARD_BLOCKED, a, 3);
	char buf[FINDING_TEXT_LEN];

	f.weak = true;
	f.weak_side = SIDE_OUTSIDE;
	ck_assert_str_eq(finding_text(&f, buf, sizeof(buf)),
	                 "2 GRE packets to the server (key 9) left the client; none left the NAT "
	                 "(the outside capture is damaged: the packets may only be missing from "
	                 "the file)");
	f.weak_torn = true;
	ck_assert_ptr_nonnull(strstr(finding_text(&f, buf, sizeof(buf)),
	                             "(the outside capture ends in a torn record while the call "
	                             "was up"));
}
END_TEST

/* Labels: values and the input layer's quoted words. */
START_TEST(labels)
{
	struct evidence e;
	char buf[EVIDENCE_TEXT_LEN];

	memset(&e, 0, sizeof(e));
	e.kind = LABEL_MSG_FIELD;
	e.args[0] = marg_name("OCRP");
	e.args[1] = marg_u(1);
	e.args[2] = marg_u(4096);
	e.nargs = 3;
	ck_assert_str_eq(evidence_text(&e, buf, sizeof(buf)), "OCRP Peer's Call ID 4096");
	memset(&e, 0, sizeof(e));
	e.kind = LABEL_INPUT_DIAGNOSTIC;
	strcpy(e.quote, "bad <length>");
	ck_assert_str_eq(evidence_text(&e, buf, sizeof(buf)), "bad <length>");
}
END_TEST

static Suite *
finding_text_suite(void)
{
	Suite *s = suite_create("finding_text");
	TCase *tc = tcase_create("wording");

	tcase_add_loop_test(tc, every_kind_worded, 1,
	                    (int)MSG_COUNT > (int)LABEL_COUNT ? (int)MSG_COUNT : (int)LABEL_COUNT);
	tcase_add_test(tc, values_in_order);
	tcase_add_test(tc, unknown_and_code_lists);
	tcase_add_test(tc, gaps_and_cuts);
	tcase_add_test(tc, weak_note);
	tcase_add_test(tc, labels);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(finding_text_suite)
