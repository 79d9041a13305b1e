/*
 * One capture holding both legs of a NAT (legs.c): the files in
 * testdata/legs/ (tests/legs/make-legs.c merged two lab pairs into a
 * tcpdump -i any SLL2 pcap and a dumpcap two-interface pcapng) must be
 * judged as their pair is, with the evidence's frame numbers those of the
 * one file; variants rewritten here move interfaces around.
 */
#include <check.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "correlate.h"
#include "legs.h"
#include "link.h"
#include "side.h"
#include "testutil.h"
#include "verdict.h"

#define ASSERT_HAS(haystack, needle)                                                               \
	ck_assert_msg(strstr((haystack), (needle)) != NULL, "\"%s\" lacks \"%s\"", (haystack),     \
	              (needle))

#define LAB TESTDATA "/lab/"
#define LEGS TESTDATA "/legs/"
#define PCAP_HDR 24
#define REC_HDR 16

struct outcome {
	enum verdict_value value;
	uint32_t tunnels;
	char codes[2048]; /* "code/severity/tunnels" per finding, sorted, capture_truncated left out
	                   */
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
summarise(const struct verdict *v, uint32_t tunnels, struct outcome *o)
{
	static char lines[VERDICT_MAX_FINDINGS][64];
	const char *sorted[VERDICT_MAX_FINDINGS];
	uint32_t i, n = 0;
	size_t len = 0;

	o->value = v->value;
	o->tunnels = tunnels;
	for (i = 0; i < v->nfindings; i++) {
		const struct finding *f = &v->findings[i];

		if (f->code == CODE_CAPTURE_TRUNCATED)
			continue;
		snprintf(lines[n], sizeof(lines[n]), "%s/%s/%u", code_name(f->code),
		         severity_name(f->severity), f->ntunnels);
		sorted[n] = lines[n];
		n++;
	}
	qsort(sorted, n, sizeof(sorted[0]), cmp_str);
	o->codes[0] = 0;
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(o->codes + len, sizeof(o->codes) - len, "%s ", sorted[i]);
}

static void
judge_pair(const char *inside, const char *outside, struct outcome *o)
{
	struct side in, out;
	struct correlation corr;
	struct verdict v;
	struct verdict_options opt = {false};
	char err[CAPTURE_ERRBUF_SIZE];

	ck_assert(side_init(&in, SIDE_INSIDE, NULL));
	ck_assert(side_init(&out, SIDE_OUTSIDE, NULL));
	ck_assert_msg(side_read_file(&in, inside, err), "%s", err);
	ck_assert_msg(side_read_file(&out, outside, err), "%s", err);
	side_finish(&in);
	side_finish(&out);
	ck_assert(correlate(&in, &out, NULL, &corr));
	ck_assert(verdict_judge(&in, &out, &corr, &opt, &v));
	summarise(&v, corr.npairs, o);
	verdict_free(&v);
	correlation_free(&corr);
	side_free(&in);
	side_free(&out);
}

/* Frame n of an SLL2 pcap: its interface index (0 when not found). */
static uint32_t
ifindex_of_frame(const uint8_t *p, size_t len, uint64_t n)
{
	size_t off = PCAP_HDR;
	uint64_t k;

	for (k = 1; off + REC_HDR <= len; k++) {
		uint32_t cap = (uint32_t)p[off + 8] | (uint32_t)p[off + 9] << 8 |
		               (uint32_t)p[off + 10] << 16 | (uint32_t)p[off + 11] << 24;
		uint32_t ifindex = 0;
		uint8_t type;

		if (k == n)
			return link_sll2_interface(p + off + REC_HDR, cap, &ifindex, &type)
			           ? ifindex
			           : 0;
		off += REC_HDR + cap;
	}
	return 0;
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long n;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, PCAP_HDR);
	rewind(f);
	p = malloc((size_t)n);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

/*
 * Judge one capture through legs.  false when legs_choose refuses (err says
 * why).  For an SLL2 file with a pair chosen, every evidence frame of a side
 * must be a frame of that side's interface in the file.
 */
static bool
judge_one(const char *path, const char *want_in, const char *want_out, struct outcome *o, char *err,
          size_t errlen, char *how)
{
	struct legs l;
	struct legs_choice ch;
	struct correlation corr;
	struct verdict v;
	struct verdict_options opt = {false};
	char cerr[CAPTURE_ERRBUF_SIZE];
	struct capture *cap = capture_open(path, cerr);
	struct side *a, *b;
	uint32_t i;
	unsigned k;

	ck_assert_msg(cap != NULL, "%s: %s", path, cerr);
	ck_assert(legs_init(&l, NULL));
	legs_read_capture(&l, cap, path);
	capture_close(cap);
	legs_finish(&l);
	if (!legs_choose(&l, want_in, want_out, &ch, err, errlen)) {
		legs_free(&l);
		return false;
	}
	a = l.sides[ch.inside];
	b = ch.paired ? l.sides[ch.outside] : NULL;
	if (how != NULL)
		snprintf(how, SIDE_LEG_HOW_LEN, "%s", ch.how);
	ck_assert(correlate(a, b, NULL, &corr));
	ck_assert(verdict_judge(a, b, &corr, &opt, &v));
	summarise(&v, corr.npairs, o);
	if (b != NULL && strstr(path, "-any") != NULL) {
		size_t len;
		uint8_t *bytes = slurp(path, &len);

		for (i = 0; i < v.nfindings; i++)
			for (k = 0; k < v.findings[i].nevidence; k++) {
				const struct evidence *e = &v.findings[i].evidence[k];
				const struct side *s = e->side == SIDE_INSIDE ? a : b;
				uint32_t want = l.ids[s == a ? ch.inside : ch.outside].ifindex;

				/* The tear's frame, and the first frame past the interface
				 * limit (also cited by evidence_incomplete), are frames
				 * of neither leg. */
				if (!frame_ref_seen(&e->where) ||
				    v.findings[i].code == CODE_CAPTURE_TRUNCATED ||
				    v.findings[i].code == CODE_LIMIT_REACHED ||
				    v.findings[i].code == CODE_EVIDENCE_INCOMPLETE)
					continue;
				ck_assert_msg(ifindex_of_frame(bytes, len, e->where.frame) == want,
				              "%s: evidence frame %llu is not on ifindex %u", path,
				              (unsigned long long)e->where.frame, want);
			}
		free(bytes);
	}
	verdict_free(&v);
	correlation_free(&corr);
	legs_free(&l);
	return true;
}

static void
assert_same(const struct outcome *pair, const struct outcome *one, const char *what)
{
	ck_assert_msg(pair->value == one->value, "%s: verdict %s, the pair's %s", what,
	              verdict_name(one->value), verdict_name(pair->value));
	ck_assert_uint_eq(pair->tunnels, one->tunnels);
	ck_assert_msg(strcmp(pair->codes, one->codes) == 0, "%s: findings [%s], the pair's [%s]",
	              what, one->codes, pair->codes);
}

static const char *const scenarios[] = {"editor-3x256", "masq-3x256"};

START_TEST(test_one_file_as_pair)
{
	const char *sc = scenarios[_i];
	static const char *const kinds[] = {"any.pcap", "dumpcap.pcapng"};
	char in[256], out[256], one[256], err[512], how[SIDE_LEG_HOW_LEN];
	struct outcome pair, o;
	unsigned k;

	snprintf(in, sizeof(in), LAB "%s/inside.pcap", sc);
	snprintf(out, sizeof(out), LAB "%s/outside.pcap", sc);
	judge_pair(in, out, &pair);
	ck_assert_uint_eq(pair.tunnels, 3);
	for (k = 0; k < 2; k++) {
		snprintf(one, sizeof(one), LEGS "%s-%s", sc, kinds[k]);
		ck_assert_msg(judge_one(one, NULL, NULL, &o, err, sizeof(err), how), "%s", err);
		assert_same(&pair, &o, one);
		/* Decided from the packets: the clients' leg, the translated clients. */
		ASSERT_HAS(how, k == 0 ? "ifindex 2 inside, ifindex 3 outside: in 3 of 3 tunnels"
		                       : "lan0 inside, wan0 outside: in 3 of 3 tunnels");
		ASSERT_HAS(how, "the NAT translates the clients' addresses");
	}
	/* A torn last record: the same verdict and findings, besides the tear. */
	snprintf(one, sizeof(one), LEGS "%s-any-torn.pcap", sc);
	ck_assert_msg(judge_one(one, NULL, NULL, &o, err, sizeof(err), NULL), "%s", err);
	assert_same(&pair, &o, one);
}
END_TEST

START_TEST(test_port_forward)
{
	/* The server on lan0 behind a port forward: the clients' leg, wan0, is inside
	 * (as for two captures), judged as wan.pcap lan.pcap are. */
	static const char *const kinds[] = {"any.pcap", "dumpcap.pcapng"};
	char one[256], err[512], how[SIDE_LEG_HOW_LEN];
	struct outcome pair, o;
	unsigned k;

	judge_pair(TESTDATA "/portfwd/editor-2calls/wan.pcap",
	           TESTDATA "/portfwd/editor-2calls/lan.pcap", &pair);
	ck_assert_int_eq(pair.value, VERDICT_FAIL);
	for (k = 0; k < ARRAY_LEN(kinds); k++) {
		snprintf(one, sizeof(one), LEGS "portfwd-editor-2calls-%s", kinds[k]);
		ck_assert_msg(judge_one(one, NULL, NULL, &o, err, sizeof(err), how), "%s", err);
		assert_same(&pair, &o, one);
		ASSERT_HAS(how, k == 0 ? "ifindex 3 inside, ifindex 2 outside"
		                       : "wan0 inside, lan0 outside");
		ASSERT_HAS(how, "a port forward");
	}
}
END_TEST

/* Lab runs with real peers whose nat-any.pcap (tcpdump -i any on the router) was taken at
 * the same time as the pair; real-late-3x is left out: its three captures started at
 * different moments of the calls, so they hold different packets. */
static const struct real_case {
	const char *dir;
	bool wan_is_outside_pcap; /* a port forward: the clients are in outside.pcap */
	const char *inside_is;
} real_cases[] = {
    {"real-editor-3x", false, "ifindex 2 inside, ifindex 3 outside"},
    {"real-masq-3x", false, "ifindex 2 inside, ifindex 3 outside"},
    {"real-lossy", false, "ifindex 2 inside, ifindex 3 outside"},
    {"real-gre-cut", false, "ifindex 2 inside, ifindex 3 outside"},
    /* The router's WAN (the clients) is interface index 2 in this run. */
    {"real-portfwd-2x", true, "ifindex 2 inside, ifindex 3 outside"},
};

START_TEST(test_real_any)
{
	const struct real_case *t = &real_cases[_i];
	char in[256], out[256], one[256], err[512], how[SIDE_LEG_HOW_LEN];
	struct outcome pair, o;

	snprintf(in, sizeof(in), LAB "%s/%s.pcap", t->dir,
	         t->wan_is_outside_pcap ? "outside" : "inside");
	snprintf(out, sizeof(out), LAB "%s/%s.pcap", t->dir,
	         t->wan_is_outside_pcap ? "inside" : "outside");
	snprintf(one, sizeof(one), LAB "%s/nat-any.pcap", t->dir);
	judge_pair(in, out, &pair);
	ck_assert_msg(judge_one(one, NULL, NULL, &o, err, sizeof(err), how), "%s", err);
	assert_same(&pair, &o, one);
	ASSERT_HAS(how, t->inside_is);
}
END_TEST

START_TEST(test_torn_pair)
{
	/* Each side alone with its last record cut: judged as the whole pair. */
	const char *sc = scenarios[_i];
	char in[256], out[256], torn[256];
	struct outcome pair, o;

	snprintf(in, sizeof(in), LAB "%s/inside.pcap", sc);
	snprintf(out, sizeof(out), LAB "%s/outside.pcap", sc);
	judge_pair(in, out, &pair);
	snprintf(torn, sizeof(torn), LEGS "%s-inside-torn.pcap", sc);
	judge_pair(torn, out, &o);
	assert_same(&pair, &o, torn);
	snprintf(torn, sizeof(torn), LEGS "%s-outside-torn.pcap", sc);
	judge_pair(in, torn, &o);
	assert_same(&pair, &o, torn);
}
END_TEST

/* Rewrite an SLL2 file's records; edit(record data, caplen, index, ctx). */
typedef void (*rewrite_fn)(uint8_t *rec_hdr, uint8_t *data, uint32_t caplen, uint64_t n);

static void
rewrite(const char *from, const char *to, rewrite_fn edit)
{
	size_t len, off = PCAP_HDR;
	uint8_t *p = slurp(from, &len);
	uint64_t n = 0;
	FILE *f;

	while (off + REC_HDR <= len) {
		uint32_t cap = (uint32_t)p[off + 8] | (uint32_t)p[off + 9] << 8 |
		               (uint32_t)p[off + 10] << 16 | (uint32_t)p[off + 11] << 24;

		ck_assert_uint_le(off + REC_HDR + cap, len);
		edit(p + off, p + off + REC_HDR, cap, ++n);
		off += REC_HDR + cap;
	}
	f = fopen(to, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(p, 1, len, f), len);
	fclose(f);
	free(p);
}

static void
swap_2_3(uint8_t *h, uint8_t *d, uint32_t cap, uint64_t n)
{
	(void)h;
	(void)n;
	ck_assert_uint_ge(cap, 20);
	d[7] = d[7] == 2 ? 3 : 2;
}

/* What is not IPv4 (ARP...) to ifindex 1: a third interface without PPTP. */
static void
non_ip_to_1(uint8_t *h, uint8_t *d, uint32_t cap, uint64_t n)
{
	(void)h;
	(void)n;
	ck_assert_uint_ge(cap, 20);
	if (d[0] != 0x08 || d[1] != 0x00)
		d[7] = 1;
}

/* Every third outside frame to ifindex 4: a third interface carrying PPTP. */
static void
some_outside_to_4(uint8_t *h, uint8_t *d, uint32_t cap, uint64_t n)
{
	(void)h;
	(void)cap;
	if (d[7] == 3 && n % 3 == 0)
		d[7] = 4;
}

/* Every 20th frame to an interface of its own: more interfaces than are followed. */
static void
many_interfaces(uint8_t *h, uint8_t *d, uint32_t cap, uint64_t n)
{
	(void)h;
	(void)cap;
	if (n % 20 == 0)
		d[6] = (uint8_t)(n / 20);
}

/* Every frame at one instant: no packet order tells the legs apart. */
static void
one_instant(uint8_t *h, uint8_t *d, uint32_t cap, uint64_t n)
{
	(void)d;
	(void)cap;
	(void)n;
	memset(h, 0, 8);
	h[0] = 1; /* 1 s after the epoch: 0 means "no time" */
}

/* The same, and every packet type "to us": nothing tells the legs apart. */
static void
one_instant_no_types(uint8_t *h, uint8_t *d, uint32_t cap, uint64_t n)
{
	one_instant(h, d, cap, n);
	d[10] = 0;
}

static char tmpdir[64];

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_legs.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	(void)system(cmd);
}

START_TEST(test_ifindex_order_irrelevant)
{
	/* Inside on ifindex 3, outside on 2: the packets still say which is inside. */
	char path[128], err[512], how[SIDE_LEG_HOW_LEN];
	struct outcome pair, o;

	judge_pair(LAB "masq-3x256/inside.pcap", LAB "masq-3x256/outside.pcap", &pair);
	snprintf(path, sizeof(path), "%s/swapped-any.pcap", tmpdir);
	rewrite(LEGS "masq-3x256-any.pcap", path, swap_2_3);
	ck_assert_msg(judge_one(path, NULL, NULL, &o, err, sizeof(err), how), "%s", err);
	assert_same(&pair, &o, path);
	ASSERT_HAS(how, "ifindex 3 inside, ifindex 2 outside");
}
END_TEST

START_TEST(test_third_interface_ignored)
{
	char path[128], err[512];
	struct outcome pair, o;

	judge_pair(LAB "editor-3x256/inside.pcap", LAB "editor-3x256/outside.pcap", &pair);
	snprintf(path, sizeof(path), "%s/lo-any.pcap", tmpdir);
	rewrite(LEGS "editor-3x256-any.pcap", path, non_ip_to_1);
	ck_assert_msg(judge_one(path, NULL, NULL, &o, err, sizeof(err), NULL), "%s", err);
	assert_same(&pair, &o, path);
}
END_TEST

START_TEST(test_three_pptp_interfaces)
{
	char path[128], err[512];
	struct outcome o;

	snprintf(path, sizeof(path), "%s/three-any.pcap", tmpdir);
	rewrite(LEGS "editor-3x256-any.pcap", path, some_outside_to_4);
	ck_assert(!judge_one(path, NULL, NULL, &o, err, sizeof(err), NULL));
	ASSERT_HAS(err, "more than two interfaces carry PPTP");
	ASSERT_HAS(err, "ifindex 4");
	ck_assert(!judge_one(path, "2", NULL, &o, err, sizeof(err), NULL));
	ASSERT_HAS(err, "name the legs of the NAT with --inside-interface and --outside-interface");
	ck_assert_msg(judge_one(path, "2", "3", &o, err, sizeof(err), NULL), "%s", err);
	ck_assert_uint_eq(o.tunnels, 3);
}
END_TEST

START_TEST(test_packets_cannot_tell)
{
	char path[128], err[512], how[SIDE_LEG_HOW_LEN];
	struct outcome o;

	snprintf(path, sizeof(path), "%s/instant-any.pcap", tmpdir);
	rewrite(LEGS "editor-3x256-any.pcap", path, one_instant_no_types);
	ck_assert(!judge_one(path, NULL, NULL, &o, err, sizeof(err), NULL));
	ASSERT_HAS(err, "do not say which is inside: name it with --inside-interface");
	ck_assert_msg(judge_one(path, "2", NULL, &o, err, sizeof(err), how), "%s", err);
	ASSERT_HAS(how, "ifindex 2 inside, ifindex 3 outside: as given on the command line");
	ck_assert_msg(judge_one(path, NULL, "2", &o, err, sizeof(err), how), "%s", err);
	ASSERT_HAS(how, "ifindex 3 inside, ifindex 2 outside");
	ck_assert(!judge_one(path, "eth7", NULL, &o, err, sizeof(err), NULL));
	ASSERT_HAS(err, "--inside-interface eth7: no such interface");
	ck_assert(!judge_one(path, "2", "2", &o, err, sizeof(err), NULL));
	ASSERT_HAS(err, "the same");
}
END_TEST

START_TEST(test_too_many_interfaces)
{
	/* Frames past LEGS_MAX interfaces are not analysed: said, and no pass. */
	char path[128], err[512];
	struct outcome o;

	snprintf(path, sizeof(path), "%s/many-any.pcap", tmpdir);
	rewrite(LEGS "editor-3x256-any.pcap", path, many_interfaces);
	ck_assert_msg(judge_one(path, "2", "3", &o, err, sizeof(err), NULL), "%s", err);
	ASSERT_HAS(o.codes, "limit_reached/warning");
	ck_assert(o.value != VERDICT_PASS);
}
END_TEST

START_TEST(test_packet_types_decide)
{
	/* Times tie: the SLL2 packet types say where the clients' segments arrive. */
	char path[128], err[512], how[SIDE_LEG_HOW_LEN];
	struct outcome pair, o;
	unsigned k;
	static const rewrite_fn edits[] = {one_instant, swap_2_3};

	judge_pair(LAB "masq-3x256/inside.pcap", LAB "masq-3x256/outside.pcap", &pair);
	snprintf(path, sizeof(path), "%s/instant-any.pcap", tmpdir);
	rewrite(LEGS "masq-3x256-any.pcap", path, one_instant);
	ck_assert_msg(judge_one(path, NULL, NULL, &o, err, sizeof(err), how), "%s", err);
	ASSERT_HAS(how, "ifindex 2 inside, ifindex 3 outside: the clients' control packets "
	                "arrive on ifindex 2 and leave on ifindex 3 (SLL2 packet types");
	ck_assert_int_eq(o.value, pair.value);
	ck_assert_uint_eq(o.tunnels, pair.tunnels);
	/* Not the interface numbers: swapped, the decision follows the packets. */
	for (k = 0; k < ARRAY_LEN(edits); k++)
		rewrite(path, path, edits[k]);
	ck_assert_msg(judge_one(path, NULL, NULL, &o, err, sizeof(err), how), "%s", err);
	ASSERT_HAS(how, "ifindex 3 inside, ifindex 2 outside: the clients' control packets");
}
END_TEST

START_TEST(test_names_and_single)
{
	/* pcapng names, and a one-interface capture judged alone as before. */
	char err[512];
	struct outcome o, whole;

	ck_assert_msg(
	    judge_one(LEGS "masq-3x256-dumpcap.pcapng", "wan0", NULL, &o, err, sizeof(err), NULL),
	    "%s", err);
	ck_assert(judge_one(LAB "masq-3x256/outside.pcap", NULL, NULL, &o, err, sizeof(err), NULL));
	ck_assert(
	    !judge_one(LAB "masq-3x256/outside.pcap", "0", "1", &whole, err, sizeof(err), NULL));
	ASSERT_HAS(err, "--outside-interface 1: no such interface");
	ck_assert_uint_eq(o.tunnels, 3);
}
END_TEST

START_TEST(test_id_of)
{
	/* Interface of a frame: pcapng ID, plus the SLL2 ifindex when the link says. */
	static const uint8_t sll2[20] = {0x08, 0x00, 0, 0, 0, 0, 0x01, 0x02, 0, 1, 0, 6};
	struct capture_frame f = {sll2, sizeof(sll2), sizeof(sll2), 1, 1, DLT_LINUX_SLL2, 5};
	struct leg_id id = legs_id_of(&f);

	ck_assert(id.has_ifindex);
	ck_assert_uint_eq(id.ifindex, 0x0102);
	ck_assert_uint_eq(id.interface, 5);
	f.linktype = DLT_EN10MB;
	id = legs_id_of(&f);
	ck_assert(!id.has_ifindex);
	f.linktype = DLT_LINUX_SLL2;
	f.caplen = 6; /* cut: no interface index */
	id = legs_id_of(&f);
	ck_assert(!id.has_ifindex);
}
END_TEST

static Suite *
legs_suite(void)
{
	Suite *s = suite_create("legs");
	TCase *tc = tcase_create("files");

	tcase_set_timeout(tc, 60);
	/* In the parent, once: the scratch folder goes even when a test fails. */
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_one_file_as_pair, 0, (int)ARRAY_LEN(scenarios));
	tcase_add_loop_test(tc, test_torn_pair, 0, (int)ARRAY_LEN(scenarios));
	tcase_add_test(tc, test_port_forward);
	tcase_add_loop_test(tc, test_real_any, 0, (int)ARRAY_LEN(real_cases));
	tcase_add_test(tc, test_ifindex_order_irrelevant);
	tcase_add_test(tc, test_third_interface_ignored);
	tcase_add_test(tc, test_three_pptp_interfaces);
	tcase_add_test(tc, test_packets_cannot_tell);
	tcase_add_test(tc, test_packet_types_decide);
	tcase_add_test(tc, test_names_and_single);
	tcase_add_test(tc, test_too_many_interfaces);
	tcase_add_test(tc, test_id_of);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(legs_suite)
