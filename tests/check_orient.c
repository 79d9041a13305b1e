/*
 * Orientation suite: which capture holds the clients and what the NAT
 * translates, from real lab captures (both orders), port-forward pairs
 * rewritten from them, simulated NATs with public clients (addresses say
 * nothing, timing must), and one capture given twice.
 */
#include <stdio.h>

#include "correlate.h"
#include "orient.h"
#include "sim.h"
#include "testutil.h"

struct pair_run {
	struct side a, b;
	struct correlation corr;
	struct orientation o;
};

static void
read_into(struct side *s, enum side_role role, const char *path)
{
	char err[CAPTURE_ERRBUF_SIZE] = "";

	ck_assert(side_init(s, role, NULL));
	ck_assert_msg(side_read_file(s, path, err), "%s: %s", path, err);
	side_finish(s);
}

/* a and b as given (a judged as inside), correlated and oriented in that order. */
static void
orient_files(struct pair_run *r, const char *a, const char *b)
{
	read_into(&r->a, SIDE_INSIDE, a);
	read_into(&r->b, SIDE_OUTSIDE, b);
	ck_assert(correlate(&r->a, &r->b, NULL, &r->corr));
	orient_judge(&r->a, &r->b, &r->corr, &r->o);
}

static void
run_free(struct pair_run *r)
{
	correlation_free(&r->corr);
	side_free(&r->a);
	side_free(&r->b);
}

/* ---- private addresses --------------------------------------------------- */

static const struct {
	const char *text;
	bool private;
} addrs[] = {
    {"10.0.1.11", true},     {"172.16.0.1", true},  {"172.31.255.254", true},
    {"172.32.0.1", false},   {"172.15.0.1", false}, {"192.168.1.1", true},
    {"192.169.1.1", false},  {"100.64.0.1", true},  {"100.127.255.1", true},
    {"100.128.0.1", false},  {"169.254.3.4", true}, {"203.0.113.1", false},
    {"198.51.100.7", false}, {"8.8.8.8", false},    {"fd00::1", true},
    {"fc12::1", true},       {"fe80::1", true},     {"fec0::1", false},
    {"2001:db8::1", false},  {"11.0.0.1", false},
};

START_TEST(private_addresses)
{
	struct addr a;

	ck_assert(addr_parse(addrs[_i].text, &a));
	ck_assert_msg(orient_addr_private(&a) == addrs[_i].private, "%s", addrs[_i].text);
}
END_TEST

START_TEST(translated_names)
{
	ck_assert_str_eq(orient_translated_name(ORIENT_TRANSLATED_UNKNOWN), "unknown");
	ck_assert_str_eq(orient_translated_name(ORIENT_TRANSLATED_NONE), "none");
	ck_assert_str_eq(orient_translated_name(ORIENT_TRANSLATED_CLIENTS), "clients");
	ck_assert_str_eq(orient_translated_name(ORIENT_TRANSLATED_SERVER), "server");
	ck_assert_str_eq(orient_translated_name(ORIENT_TRANSLATED_BOTH), "both");
}
END_TEST

/* ---- real kernel NAT captures, both ways round ---------------------------- */

static const char *const lab_pairs[] = {
    "dnat-gre-3x256",  "editor-2calls",       "editor-2calls-burst", "editor-3x256",
    "editor-gre-drop", "editor-gre-fwd-drop", "editor-ocrq-drop",    "editor-pac-sli",
    "editor-recall",   "editor-same-sport",   "editor-split",        "key-not-restored",
    "masq-1",          "masq-3x256",          "sli-mangled",         "stale-checksum",
};

static void
lab_path(char *buf, size_t n, const char *dir, const char *name, const char *file)
{
	snprintf(buf, n, TESTDATA "/%s/%s/%s", dir, name, file);
}

START_TEST(lab_as_given)
{
	struct pair_run r;
	char in[256], out[256];

	lab_path(in, sizeof(in), "lab", lab_pairs[_i], "inside.pcap");
	lab_path(out, sizeof(out), "lab", lab_pairs[_i], "outside.pcap");
	orient_files(&r, in, out);
	ck_assert_msg(r.o.clients == ORIENT_CLIENTS_A, "%s: %s", lab_pairs[_i], r.o.how);
	ck_assert(!r.o.swapped);
	ck_assert(!r.o.identical);
	ck_assert_str_eq(orient_translated_name(r.o.translated), "clients");
	ck_assert_uint_gt(r.o.votes_private[0], 0);
	ck_assert_uint_eq(r.o.votes_private[1], 0);
	ck_assert_ptr_nonnull(strstr(r.o.how, "private address 10.0.1."));
	/* The lab's NAT delays each packet; the timing agrees with the addresses. */
	if (r.o.timing_says)
		ck_assert_msg(r.o.timing_a, "%s: timing disagrees", lab_pairs[_i]);
	run_free(&r);
}
END_TEST

START_TEST(lab_swapped)
{
	struct pair_run r;
	char in[256], out[256];

	lab_path(in, sizeof(in), "lab", lab_pairs[_i], "inside.pcap");
	lab_path(out, sizeof(out), "lab", lab_pairs[_i], "outside.pcap");
	orient_files(&r, out, in);
	ck_assert_msg(r.o.clients == ORIENT_CLIENTS_B, "%s: %s", lab_pairs[_i], r.o.how);
	ck_assert(r.o.swapped);
	ck_assert_str_eq(orient_translated_name(r.o.translated), "clients");
	ck_assert_uint_eq(r.o.votes_private[0], 0);
	ck_assert_uint_gt(r.o.votes_private[1], 0);
	/* The how names the inside capture as the clients'. */
	ck_assert_ptr_nonnull(strstr(r.o.how, in));
	if (r.o.timing_says)
		ck_assert(!r.o.timing_a);
	run_free(&r);
}
END_TEST

/* Several clients behind one address: the merge alone says where they are. */
START_TEST(lab_many_to_one)
{
	struct pair_run r;
	char in[256], out[256];

	lab_path(in, sizeof(in), "lab", "editor-3x256", "inside.pcap");
	lab_path(out, sizeof(out), "lab", "editor-3x256", "outside.pcap");
	orient_files(&r, in, out);
	ck_assert_uint_eq(r.o.votes_many_to_one[0], 3);
	ck_assert_uint_eq(r.o.votes_many_to_one[1], 0);
	run_free(&r);
}
END_TEST

/* ---- a server behind a port forward ---------------------------------------- */

static const char *const portfwd_pairs[] = {"editor-pac-sli", "editor-2calls", "editor-gre-drop",
                                            "masq-1"};

/* Users call the server's LAN capture "inside": the clients are on the WAN. */
START_TEST(portfwd_lan_first)
{
	struct pair_run r;
	char lan[256], wan[256];

	lab_path(lan, sizeof(lan), "portfwd", portfwd_pairs[_i], "lan.pcap");
	lab_path(wan, sizeof(wan), "portfwd", portfwd_pairs[_i], "wan.pcap");
	orient_files(&r, lan, wan);
	ck_assert_msg(r.o.swapped, "%s: %s", portfwd_pairs[_i], r.o.how);
	ck_assert_int_eq(r.o.translated, ORIENT_TRANSLATED_SERVER);
	ck_assert_ptr_nonnull(strstr(r.o.how, "server's private address 10.0.2.10"));
	ck_assert_uint_eq(r.o.votes_private[0], 0);
	run_free(&r);
}
END_TEST

START_TEST(portfwd_wan_first)
{
	struct pair_run r;
	char lan[256], wan[256];

	lab_path(lan, sizeof(lan), "portfwd", portfwd_pairs[_i], "lan.pcap");
	lab_path(wan, sizeof(wan), "portfwd", portfwd_pairs[_i], "wan.pcap");
	orient_files(&r, wan, lan);
	ck_assert_msg(!r.o.swapped, "%s: %s", portfwd_pairs[_i], r.o.how);
	ck_assert_int_eq(r.o.clients, ORIENT_CLIENTS_A);
	ck_assert_int_eq(r.o.translated, ORIENT_TRANSLATED_SERVER);
	run_free(&r);
}
END_TEST

/* ---- a real NAT's delay alone ----------------------------------------------- */

/* One client moved to a public address: the addresses are silent, the kernel's timing is not. */
START_TEST(real_timing)
{
	const char *in = TESTDATA "/orient/public-client-inside.pcap";
	const char *out = TESTDATA "/lab/editor-pac-sli/outside.pcap";
	bool swapped = _i != 0;
	struct pair_run r;

	orient_files(&r, swapped ? out : in, swapped ? in : out);
	ck_assert_uint_eq(r.o.votes_private[0] + r.o.votes_private[1], 0);
	ck_assert_uint_eq(r.o.votes_many_to_one[0] + r.o.votes_many_to_one[1], 0);
	ck_assert_msg(r.o.timing_says, "%s", r.o.how);
	ck_assert_int_eq(r.o.swapped, swapped);
	ck_assert_int_eq(r.o.translated, ORIENT_TRANSLATED_CLIENTS);
	/* The kernel forwarded in tens of microseconds, not in zero or in seconds. */
	ck_assert_int_gt(swapped ? -r.o.lead_ns : r.o.lead_ns, ORIENT_MIN_LEAD_NS / 2);
	ck_assert_int_lt(swapped ? -r.o.lead_ns : r.o.lead_ns, 10000000);
	ck_assert_ptr_nonnull(strstr(r.o.how, in));
	run_free(&r);
}
END_TEST

/* ---- one capture twice ----------------------------------------------------- */

START_TEST(identical_copy)
{
	struct pair_run r;
	char in[256];

	lab_path(in, sizeof(in), "lab", lab_pairs[_i], "inside.pcap");
	orient_files(&r, in, in);
	ck_assert_msg(r.o.identical, "%s", lab_pairs[_i]);
	ck_assert(!r.o.swapped);
	ck_assert_ptr_nonnull(strstr(r.o.how, "one capture twice"));
	run_free(&r);
}
END_TEST

/* Captures of different runs share no traffic: nothing decided, nothing a copy. */
START_TEST(unrelated_captures)
{
	struct pair_run r;
	char a[256], b[256];

	lab_path(a, sizeof(a), "lab", "masq-1", "inside.pcap");
	snprintf(b, sizeof(b), TESTDATA "/public/zeek__gre-pptp.pcap");
	orient_files(&r, a, b);
	ck_assert(!r.o.identical);
	ck_assert(!r.o.swapped);
	ck_assert_int_eq(r.o.clients, ORIENT_CLIENTS_UNKNOWN);
	ck_assert_int_eq(r.o.translated, ORIENT_TRANSLATED_UNKNOWN);
	ck_assert_ptr_nonnull(strstr(r.o.how, "judged in the order given"));
	run_free(&r);
}
END_TEST

/* ---- simulated NATs: public clients, so only timing or merging can tell ---- */

struct sim_run {
	struct side in, out;
	struct correlation corr;
	struct orientation o;
};

static void
sim_orient(struct sim_run *r, unsigned nclients, ts_ns_t out_clock, bool given_swapped,
           const struct clock_offset *forced)
{
	struct sim s;
	unsigned i;

	ck_assert(side_init(&r->in, SIDE_INSIDE, NULL));
	ck_assert(side_init(&r->out, SIDE_OUTSIDE, NULL));
	sim_init(&s, &r->in, &r->out, nclients, 0);
	for (i = 0; i < nclients; i++)
		s.c[i].addr = pb_ip(192, 0, 2, (uint8_t)(10 + i)); /* public (documentation) */
	s.out_clock = out_clock;
	sim_run(&s, 8);
	side_finish(&r->in);
	side_finish(&r->out);
	if (given_swapped) {
		ck_assert(correlate(&r->out, &r->in, forced, &r->corr));
		orient_judge(&r->out, &r->in, &r->corr, &r->o);
	} else {
		ck_assert(correlate(&r->in, &r->out, forced, &r->corr));
		orient_judge(&r->in, &r->out, &r->corr, &r->o);
	}
}

static void
sim_free(struct sim_run *r)
{
	correlation_free(&r->corr);
	side_free(&r->in);
	side_free(&r->out);
}

/* One public client: no address evidence; the NAT's 150 us delay decides. */
START_TEST(timing_decides)
{
	/* _i: bit 0 given swapped, bit 1 an hour between the clocks */
	bool swapped = (_i & 1) != 0;
	struct sim_run r;

	sim_orient(&r, 1, (_i & 2) ? 3600 * NS_PER_SEC : 0, swapped, NULL);
	ck_assert_uint_eq(r.o.votes_private[0] + r.o.votes_private[1], 0);
	ck_assert_uint_eq(r.o.votes_many_to_one[0] + r.o.votes_many_to_one[1], 0);
	ck_assert_msg(r.o.timing_says, "%s", r.o.how);
	ck_assert_int_eq(r.o.swapped, swapped);
	ck_assert_int_eq(r.o.clients, swapped ? ORIENT_CLIENTS_B : ORIENT_CLIENTS_A);
	ck_assert_int_eq(r.o.translated, ORIENT_TRANSLATED_CLIENTS);
	/* The simulated NAT delays each packet by 150 us. */
	ck_assert_int_eq(r.o.lead_ns, swapped ? -150000 : 150000);
	ck_assert_ptr_nonnull(strstr(r.o.how, "appear in"));
	ck_assert_ptr_nonnull(strstr(r.o.how, "first (by 150 us"));
	sim_free(&r);
}
END_TEST

/* Three public clients merging into the NAT's address. */
START_TEST(merge_decides)
{
	bool swapped = _i != 0;
	struct sim_run r;

	sim_orient(&r, 3, 0, swapped, NULL);
	ck_assert_uint_eq(r.o.votes_private[0] + r.o.votes_private[1], 0);
	ck_assert_uint_eq(r.o.votes_many_to_one[swapped ? 1 : 0], 3);
	ck_assert_uint_eq(r.o.votes_many_to_one[swapped ? 0 : 1], 0);
	ck_assert_int_eq(r.o.swapped, swapped);
	ck_assert_ptr_nonnull(strstr(r.o.how, "3 client addresses in"));
	ck_assert_ptr_nonnull(strstr(r.o.how, "share the address 203.0.113.1"));
	sim_free(&r);
}
END_TEST

/* An hour's error in a given clock offset does not turn the timing around. */
START_TEST(given_offset_ignored)
{
	struct clock_offset forced = {true, true, 0, 0, 0};
	struct sim_run r;

	forced.offset = -2 * NS_PER_SEC; /* wrong by two seconds: the calls still pair */
	sim_orient(&r, 1, 0, true, &forced);
	ck_assert(r.o.timing_says);
	ck_assert(r.o.swapped);
	ck_assert_int_eq(r.o.lead_ns, -150000);
	sim_free(&r);
}
END_TEST

static Suite *
orient_suite(void)
{
	Suite *s = suite_create("orient");
	TCase *tc = tcase_create("orient");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, private_addresses, 0, (int)ARRAY_LEN(addrs));
	tcase_add_test(tc, translated_names);
	tcase_add_loop_test(tc, lab_as_given, 0, (int)ARRAY_LEN(lab_pairs));
	tcase_add_loop_test(tc, lab_swapped, 0, (int)ARRAY_LEN(lab_pairs));
	tcase_add_test(tc, lab_many_to_one);
	tcase_add_loop_test(tc, portfwd_lan_first, 0, (int)ARRAY_LEN(portfwd_pairs));
	tcase_add_loop_test(tc, portfwd_wan_first, 0, (int)ARRAY_LEN(portfwd_pairs));
	tcase_add_loop_test(tc, real_timing, 0, 2);
	tcase_add_loop_test(tc, identical_copy, 0, (int)ARRAY_LEN(lab_pairs));
	tcase_add_test(tc, unrelated_captures);
	tcase_add_loop_test(tc, timing_decides, 0, 4);
	tcase_add_loop_test(tc, merge_decides, 0, 2);
	tcase_add_test(tc, given_offset_ignored);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(orient_suite)
