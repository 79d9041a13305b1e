/*
 * Evidence suite: the whole analysis over real captures, then the evidence
 * pcapng read back with the project's own reader (capture_open) and an
 * independent block walker: interfaces, comments, packet count, the bytes
 * of every frame against the input, and time order across two captures
 * whose clocks differ by an hour.
 */
#include <pcap/dlt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "capture.h"
#include "evidence.h"
#include "pcapng_walk.h"
#include "testutil.h"

#define LAB_IN TESTDATA "/lab/masq-3x256/inside.pcap"
#define LAB_OUT TESTDATA "/lab/masq-3x256/outside.pcap"
#define SHIFTED_IN TESTDATA "/clock/masq-3x256-inside-1h-ahead.pcap"
#define HOUR (3600 * NS_PER_SEC)

/* Read capture in (and out, when paired), then judge as main does. */
static void
analyse(struct run *r, const char *in, const char *out)
{
	struct verdict_options opt = {false, 0};
	char err[CAPTURE_ERRBUF_SIZE];

	run_init(r, out != NULL);
	ck_assert_msg(side_read_file(&r->in, in, err), "%s", err);
	if (out != NULL)
		ck_assert_msg(side_read_file(&r->out, out, err), "%s", err);
	run_judge(r, &opt);
}

/* evidence_write into a temporary file; its path in path (PATH_MAX). */
static void
write_evidence(const struct run *r, char *path)
{
	char err[256] = "";
	int fd;
	FILE *fp;

	strcpy(path, "/tmp/evidence-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "wb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_msg(evidence_write(fp, &r->r, err, sizeof(err)), "%s", err);
	ck_assert_int_eq(fclose(fp), 0);
}

/* Frame number of a 1-based frame in path: its bytes and time (copied into out). */
static bool
frame_of(const char *path, uint64_t number, uint8_t *out, uint32_t *caplen, ts_ns_t *ts)
{
	char err[CAPTURE_ERRBUF_SIZE];
	struct capture *cap = capture_open(path, err);
	struct capture_frame fr;
	bool found = false;

	ck_assert_msg(cap != NULL, "%s", err);
	while (capture_next(cap, &fr, err) == CAPTURE_FRAME)
		if (fr.number == number) {
			memcpy(out, fr.data, fr.caplen);
			*caplen = fr.caplen;
			*ts = fr.ts;
			found = true;
			break;
		}
	capture_close(cap);
	return found;
}

/* The committed shifted capture is the lab capture, one hour later, nothing else. */
START_TEST(test_shifted_pair_origin)
{
	char err[CAPTURE_ERRBUF_SIZE];
	struct capture *a = capture_open(LAB_IN, err), *b = capture_open(SHIFTED_IN, err);
	struct capture_frame fa, fb;
	enum capture_status sa, sb;
	unsigned n = 0;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	for (;;) {
		sa = capture_next(a, &fa, err);
		sb = capture_next(b, &fb, err);
		ck_assert_int_eq(sa, sb);
		if (sa != CAPTURE_FRAME)
			break;
		ck_assert_int_eq(fb.ts - fa.ts, HOUR);
		ck_assert_uint_eq(fa.caplen, fb.caplen);
		ck_assert_mem_eq(fa.data, fb.data, fa.caplen);
		n++;
	}
	ck_assert_int_eq(sa, CAPTURE_END);
	ck_assert_uint_eq(n, 124);
	capture_close(a);
	capture_close(b);
}
END_TEST

/*
 * The pair an hour apart: the offset is estimated, and the evidence file
 * holds the findings' frames from both sides, interleaved in true order,
 * each byte for byte as in its input, each with its comment.
 */
START_TEST(test_hour_apart)
{
	struct run r;
	struct evidence_selection sel;
	char path[64], where[WALK_STR];
	struct walked *w;
	struct capture *cap;
	struct capture_frame fr;
	char err[CAPTURE_ERRBUF_SIZE];
	unsigned i, k, switches = 0, packets = 0;
	static uint8_t orig[262144];
	uint32_t caplen;
	ts_ns_t ts, prev = INT64_MIN;

	analyse(&r, SHIFTED_IN, LAB_OUT);
	ck_assert(r.corr.clock.known && !r.corr.clock.from_option);
	ck_assert_int_lt(llabs(r.corr.clock.offset - HOUR), NS_PER_SEC / 1000);
	ck_assert_int_eq(r.v.value, VERDICT_FAIL);
	ck_assert(evidence_select(&r.r, &sel));
	ck_assert_uint_gt(sel.n, 10);
	write_evidence(&r, path);

	/* The project's reader: count, time order, link type. */
	cap = capture_open(path, err);
	ck_assert_msg(cap != NULL, "%s", err);
	while (capture_next(cap, &fr, err) == CAPTURE_FRAME) {
		ck_assert_int_ge(fr.ts, prev);
		ck_assert_int_eq(fr.linktype, DLT_EN10MB);
		prev = fr.ts;
		packets++;
	}
	capture_close(cap);
	ck_assert_uint_eq(packets, sel.n);

	/* The walker: names, descriptions, comments; each frame against its input. */
	w = walk_file(path);
	ck_assert_msg(w->error[0] == 0, "%s", w->error);
	ck_assert_uint_eq(w->npackets, sel.n);
	ck_assert_uint_eq(w->nifaces, 2);
	ck_assert_str_eq(w->if_name[0], "inside");
	ck_assert_str_eq(w->if_name[1], "outside");
	ck_assert_ptr_nonnull(strstr(w->if_desc[0], SHIFTED_IN));
	ck_assert_ptr_nonnull(strstr(w->if_desc[1], LAB_OUT));
	ck_assert_ptr_nonnull(strstr(w->shb_comment, "estimated"));
	ck_assert_ptr_nonnull(strstr(w->shb_userappl, "pptp-natcheck"));
	for (i = 0; i < w->npackets; i++) {
		const struct walk_packet *p = &w->packets[i];
		const char *file = p->iface == 0 ? SHIFTED_IN : LAB_OUT;
		const char *at;
		unsigned long long number;

		if (i > 0 && p->iface != w->packets[i - 1].iface)
			switches++;
		snprintf(where, sizeof(where), "%s %s frame ", w->if_name[p->iface], file);
		at = strstr(p->comment, where);
		ck_assert_msg(at != NULL, "comment '%s' names no frame of %s", p->comment, file);
		ck_assert_int_eq(sscanf(at + strlen(where), "%llu", &number), 1);
		ck_assert(frame_of(file, number, orig, &caplen, &ts));
		ck_assert_uint_eq(p->caplen, caplen);
		ck_assert_mem_eq(w->file + p->data_at, orig, caplen);
		/* Inside frames moved onto the outside clock, outside frames as captured. */
		ck_assert_int_eq((ts_ns_t)p->ts_units,
		                 p->iface == 0 ? ts - r.corr.clock.offset : ts);
		/* A code name first, then the tunnel. */
		ck_assert_msg(strncmp(p->comment, "call_id_collision", 17) == 0 ||
		                  strncmp(p->comment, "gre_return_blocked", 18) == 0 ||
		                  strncmp(p->comment, "tcp_gap", 7) == 0,
		              "comment '%s'", p->comment);
	}
	/* Uncorrected, all outside frames would precede all inside ones (one switch). */
	ck_assert_uint_gt(switches, 10);

	/* Every frame a finding cites is in the file, with that finding's code. */
	for (i = 0; i < r.v.nfindings; i++) {
		const struct finding *f = &r.v.findings[i];

		for (k = 0; k < f->nevidence; k++) {
			const struct evidence *e = &f->evidence[k];
			bool outside = e->side == SIDE_OUTSIDE;
			unsigned j;
			bool found = false;

			snprintf(where, sizeof(where), "%s %s frame %llu",
			         outside ? "outside" : "inside", outside ? LAB_OUT : SHIFTED_IN,
			         (unsigned long long)e->where.frame);
			for (j = 0; j < w->npackets && !found; j++) {
				const char *c = w->packets[j].comment;
				size_t len = strlen(c), wl = strlen(where);

				found = len >= wl && strcmp(c + len - wl, where) == 0 &&
				        strstr(c, code_name(f->code)) != NULL;
			}
			ck_assert_msg(found, "%s cites %s, not in the evidence", code_name(f->code),
			              where);
		}
	}
	walk_free(w);
	unlink(path);
	evidence_selection_free(&sel);
	run_free(&r);
}
END_TEST

/* The selection: one entry per frame, in place order, each with a code, within the caps. */
START_TEST(test_selection_shape)
{
	struct run r;
	struct evidence_selection sel;
	uint32_t i;

	analyse(&r, LAB_IN, LAB_OUT);
	ck_assert(evidence_select(&r.r, &sel));
	ck_assert_uint_le(sel.n, EVIDENCE_MAX_FRAMES);
	for (i = 0; i < sel.n; i++) {
		const struct evidence_frame *f = &sel.frames[i];

		ck_assert_uint_ne(f->codes, 0);
		ck_assert_uint_gt(f->frame, 0);
		if (i > 0) {
			const struct evidence_frame *p = &sel.frames[i - 1];

			ck_assert(
			    p->side < f->side ||
			    (p->side == f->side &&
			     (p->file < f->file || (p->file == f->file && p->frame < f->frame))));
		}
	}
	/* Three tunnels share one finding: every tunnel's OCRQ is there on both sides. */
	for (i = 0; i < r.corr.npairs; i++) {
		unsigned s, found;
		uint32_t k;

		for (s = SIDE_A; s <= SIDE_B; s++) {
			const struct side *sd = s == SIDE_A ? &r.in : &r.out;
			const struct call *c = &sd->tunnels.calls[r.corr.pairs[i].call[s]];

			found = 0;
			for (k = 0; k < sel.n; k++)
				found += sel.frames[k].side == s &&
				         sel.frames[k].frame == c->msgs[0].where.frame;
			ck_assert_uint_eq(found, 1);
		}
	}
	evidence_selection_free(&sel);
	run_free(&r);
}
END_TEST

/* One finding over three tunnels has more frames than EVIDENCE_MAX_PER_FINDING: cut there. */
START_TEST(test_per_finding_cap)
{
	struct run r;
	struct evidence_selection sel;
	struct finding *all;
	uint32_t i, n;

	analyse(&r, LAB_IN, LAB_OUT);
	all = r.v.findings;
	n = r.v.nfindings;
	for (i = 0; i < n && all[i].code != CODE_CALL_ID_COLLISION; i++)
		;
	ck_assert_uint_lt(i, n);
	ck_assert_uint_eq(all[i].ntunnels, 3);
	r.v.findings = &all[i];
	r.v.nfindings = 1;
	ck_assert(evidence_select(&r.r, &sel));
	ck_assert_uint_eq(sel.n, EVIDENCE_MAX_PER_FINDING);
	ck_assert_uint_eq(sel.findings_capped, 1);
	/* The essentials of every tunnel come before anyone's details: each
	 * tunnel's OCRP and first GRE to the server, on both sides. */
	for (i = 0; i < r.corr.npairs; i++) {
		unsigned s;

		for (s = SIDE_A; s <= SIDE_B; s++) {
			const struct side *sd = s == SIDE_A ? &r.in : &r.out;
			const struct call *c = &sd->tunnels.calls[r.corr.pairs[i].call[s]];
			uint32_t k, found = 0;

			ck_assert_uint_eq(c->msgs[1].type, PPTP_OCRP);
			for (k = 0; k < sel.n; k++)
				found += sel.frames[k].side == s &&
				         (sel.frames[k].frame == c->to_pac.first.frame ||
				          sel.frames[k].frame == c->msgs[1].where.frame);
			ck_assert_uint_eq(found, 2);
		}
	}
	evidence_selection_free(&sel);
	r.v.findings = all;
	r.v.nfindings = n;
	run_free(&r);
}
END_TEST

/* Standard input cannot be read twice: refused, and nothing written. */
START_TEST(test_stdin_refused)
{
	struct run r;
	FILE *fp = tmpfile();
	char err[256] = "";
	const char *saved;

	ck_assert_ptr_nonnull(fp);
	analyse(&r, LAB_IN, LAB_OUT);
	saved = r.out.inputs[0].path;
	r.out.inputs[0].path = "-";
	ck_assert(!evidence_write(fp, &r.r, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "standard input"));
	ck_assert_int_eq(ftell(fp), 0);
	r.out.inputs[0].path = saved;
	fclose(fp);
	run_free(&r);
}
END_TEST

/* A file changed after the analysis: its frames are left out and counted, not mixed up. */
START_TEST(test_changed_file)
{
	struct run r;
	char copy[] = "/tmp/evidence-in-XXXXXX", path[64];
	char cmd[256];
	struct walked *w;
	unsigned i;
	int fd = mkstemp(copy);

	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "cp %s %s", LAB_IN, copy);
	ck_assert_int_eq(system(cmd), 0);
	analyse(&r, copy, LAB_OUT);
	/* Replace it with the capture an hour later: same frames, other times. */
	snprintf(cmd, sizeof(cmd), "cp %s %s", SHIFTED_IN, copy);
	ck_assert_int_eq(system(cmd), 0);
	write_evidence(&r, path);
	w = walk_file(path);
	ck_assert_msg(w->error[0] == 0, "%s", w->error);
	ck_assert_uint_gt(w->npackets, 0);
	for (i = 0; i < w->npackets; i++)
		ck_assert_uint_eq(w->packets[i].iface, 1); /* outside only */
	ck_assert_ptr_nonnull(strstr(w->shb_comment, "the file changed"));
	walk_free(w);
	unlink(path);
	unlink(copy);
	run_free(&r);
}
END_TEST

/* One capture: one interface, named for it. */
START_TEST(test_single)
{
	struct run r;
	char path[64];
	struct walked *w;

	analyse(&r, LAB_OUT, NULL);
	ck_assert_uint_gt(r.v.nfindings, 0);
	write_evidence(&r, path);
	w = walk_file(path);
	ck_assert_msg(w->error[0] == 0, "%s", w->error);
	ck_assert_uint_eq(w->nifaces, 1);
	ck_assert_str_eq(w->if_name[0], "capture");
	ck_assert_uint_gt(w->npackets, 0);
	ck_assert_ptr_nonnull(strstr(w->packets[0].comment, "capture " LAB_OUT " frame "));
	walk_free(w);
	unlink(path);
	run_free(&r);
}
END_TEST

/* A healthy NAT: still a valid file with both interfaces, whatever the notes cite. */
START_TEST(test_pass)
{
	struct run r;
	char path[64];
	struct walked *w;
	unsigned i;

	analyse(&r, TESTDATA "/lab/editor-3x256/inside.pcap",
	        TESTDATA "/lab/editor-3x256/outside.pcap");
	ck_assert_int_eq(r.v.value, VERDICT_PASS);
	write_evidence(&r, path);
	w = walk_file(path);
	ck_assert_msg(w->error[0] == 0, "%s", w->error);
	ck_assert_uint_eq(w->nifaces, 2);
	ck_assert_ptr_nonnull(strstr(w->shb_comment, "verdict pass"));
	for (i = 0; i < w->npackets; i++)
		ck_assert_ptr_null(strstr(w->packets[i].comment, "gre_"));
	walk_free(w);
	unlink(path);
	run_free(&r);
}
END_TEST

static Suite *
evidence_suite(void)
{
	Suite *s = suite_create("evidence");
	TCase *tc = tcase_create("files");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_shifted_pair_origin);
	tcase_add_test(tc, test_hour_apart);
	tcase_add_test(tc, test_selection_shape);
	tcase_add_test(tc, test_per_finding_cap);
	tcase_add_test(tc, test_stdin_refused);
	tcase_add_test(tc, test_changed_file);
	tcase_add_test(tc, test_single);
	tcase_add_test(tc, test_pass);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(evidence_suite)
