/*
 * pptp-natcheck: does a NAT keep PPTP tunnels apart?  Wiring only:
 * options, reading each side (in parallel), correlating, judging,
 * rendering, and the exit status (0 pass, 1 fail, 2 usage or input error,
 * 3 inconclusive).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "correlate.h"
#include "evidence.h"
#include "legs.h"
#include "orient.h"
#include "output.h"
#include "reader.h"
#include "report.h"
#include "report_markdown.h"
#include "side.h"
#include "verdict.h"

#define PROG "pptp-natcheck"

/* --time-offset beyond this is a typo: no two clocks that both captured the
 * same traffic are 31 years apart, and nanoseconds must fit in 64 bits. */
#define MAX_OFFSET_SECONDS 1e9
/* A given offset this far from what the packets say is worth a note: twins
 * are paired within CORRELATE_WINDOW_NS, so seconds off mispair or lose them. */
#define OFFSET_CONTRADICTION_NS NS_PER_SEC

struct options {
	const char *files[2][SIDE_MAX_FILES];
	unsigned nfiles[2];
	bool json_stdout, markdown_stdout;
	const char *json_file;
	const char *junit_file;
	const char *html_file;
	const char *evidence_file;
	const char *output;
	bool quiet, verbose, strict;
	bool has_server;
	struct addr server;
	bool has_offset;
	double offset_seconds;
	uint64_t ignore; /* --ignore: VERDICT_IGNORE_BIT per code */
	const char *inside_interface, *outside_interface;
};

struct side_job {
	struct side *side;
	struct legs *legs; /* one capture (or its rotated files): read split by interface */
	const char **files;
	unsigned nfiles;
	const char *failed_file;
	char errbuf[CAPTURE_ERRBUF_SIZE];
	bool failed;
};

static void
usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: " PROG " [options] INSIDE OUTSIDE\n"
	    "       " PROG " [options] CAPTURE\n"
	    "       " PROG " [options] -i INSIDE [-i INSIDE...] -O OUTSIDE [-O OUTSIDE...]\n"
	    "\n"
	    "Checks from captures taken on both sides of a NAT (or one capture) whether the\n"
	    "NAT kept every PPTP tunnel's (source, destination, Call ID) unique and consistent.\n"
	    "\n"
	    "  -i, --inside FILE        an inside capture (repeat for rotated files; - is stdin;\n"
	    "                           -i without -O audits those files as one capture)\n"
	    "  -O, --outside FILE       an outside capture (repeat for rotated files)\n"
	    "  -f, --format FORMAT      report format: text (default), json, markdown\n"
	    "  -j, --json FILE          also write the JSON report to FILE\n"
	    "      --junit FILE         also write a JUnit XML report to FILE (for CI test views)\n"
	    "      --html FILE          also write an HTML report with a diagram per tunnel\n"
	    "      --evidence FILE      also write the frames behind the findings, from both\n"
	    "                           captures, to FILE (pcapng; not with standard input)\n"
	    "  -o, --output FILE        write the report to FILE instead of standard output\n"
	    "  -s, --server ADDR        look only at tunnels to or from this server (PAC)\n"
	    "  -t, --time-offset SECS   inside clock minus outside clock (default: estimated)\n"
	    "      --inside-interface NAME|INDEX\n"
	    "                           one capture holding both legs of the NAT (tcpdump -i\n"
	    "                           any, dumpcap -i lan0 -i wan0): the inside interface,\n"
	    "                           where the packets cannot tell\n"
	    "      --outside-interface NAME|INDEX\n"
	    "                           the outside one (needed when more than two carry PPTP)\n"
	    "      --strict             warnings fail too\n"
	    "      --ignore CODE        accept a finding code: reported as a note (repeatable)\n"
	    "  -q, --quiet              no progress display on standard error\n"
	    "  -v, --verbose            all evidence for every finding\n"
	    "  -V, --version            print the version and exit\n"
	    "  -h, --help               print this help and exit\n"
	    "\n"
	    "Exit status: 0 pass, 1 NAT defect found, 2 usage or input error, 3 inconclusive.\n");
}

static int
usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, PROG ": ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '" PROG " --help' for more information.\n");
	return EXIT_USAGE;
}

static int
add_file(struct options *o, int s, const char *path)
{
	if (o->nfiles[s] >= SIDE_MAX_FILES)
		return usage_error("too many capture files for one side (at most 64): %s", path);
	o->files[s][o->nfiles[s]++] = path;
	return 0;
}

static int
parse_options(int argc, char **argv, struct options *o, bool *done)
{
	enum {
		OPT_STRICT = 256,
		OPT_JUNIT,
		OPT_IGNORE,
		OPT_INSIDE_IF,
		OPT_OUTSIDE_IF,
		OPT_HTML,
		OPT_EVIDENCE
	};
	static const struct option longopts[] = {
	    {"inside", required_argument, NULL, 'i'},
	    {"outside", required_argument, NULL, 'O'},
	    {"format", required_argument, NULL, 'f'},
	    {"json", required_argument, NULL, 'j'},
	    {"junit", required_argument, NULL, OPT_JUNIT},
	    {"html", required_argument, NULL, OPT_HTML},
	    {"evidence", required_argument, NULL, OPT_EVIDENCE},
	    {"output", required_argument, NULL, 'o'},
	    {"server", required_argument, NULL, 's'},
	    {"time-offset", required_argument, NULL, 't'},
	    {"strict", no_argument, NULL, OPT_STRICT},
	    {"ignore", required_argument, NULL, OPT_IGNORE},
	    {"inside-interface", required_argument, NULL, OPT_INSIDE_IF},
	    {"outside-interface", required_argument, NULL, OPT_OUTSIDE_IF},
	    {"quiet", no_argument, NULL, 'q'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"version", no_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int ch, rc, i;
	bool named = false;
	char *end;

	*done = false;
	/* getopt's own messages name argv[0], which is whatever path ran us. */
	argv[0] = PROG;
	while ((ch = getopt_long(argc, argv, "i:O:f:j:o:s:t:qvVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'i':
		case 'O':
			named = true;
			if ((rc = add_file(o, ch == 'i' ? 0 : 1, optarg)) != 0)
				return rc;
			break;
		case 'f':
			o->json_stdout = strcmp(optarg, "json") == 0;
			o->markdown_stdout = strcmp(optarg, "markdown") == 0;
			if (!o->json_stdout && !o->markdown_stdout && strcmp(optarg, "text") != 0)
				return usage_error("unknown format '%s' (text, json or markdown)",
				                   optarg);
			break;
		case 'j':
			o->json_file = optarg;
			break;
		case OPT_JUNIT:
			o->junit_file = optarg;
			break;
		case OPT_HTML:
			o->html_file = optarg;
			break;
		case OPT_EVIDENCE:
			o->evidence_file = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 's':
			if (!addr_parse(optarg, &o->server))
				return usage_error("--server: not an IPv4 or IPv6 address: %s",
				                   optarg);
			o->has_server = true;
			break;
		case 't':
			errno = 0;
			o->offset_seconds = strtod(optarg, &end);
			if (end == optarg || *end != 0 || isnan(o->offset_seconds))
				return usage_error("--time-offset: not a number of seconds: %s",
				                   optarg);
			if (errno == ERANGE && fabs(o->offset_seconds) < 1.0)
				o->offset_seconds = 0; /* underflow: below a nanosecond */
			else if (errno != 0 || !isfinite(o->offset_seconds) ||
			         fabs(o->offset_seconds) > MAX_OFFSET_SECONDS)
				return usage_error("--time-offset: %s is out of range (at most 1e9 "
				                   "seconds either way, about 31 years)",
				                   optarg);
			o->has_offset = true;
			break;
		case OPT_STRICT:
			o->strict = true;
			break;
		case OPT_IGNORE: {
			enum code code;

			if (!code_by_name(optarg, &code))
				return usage_error("--ignore: unknown finding code '%s' (the codes are "
				                   "listed in pptp-natcheck-json(5): man 5 "
				                   "pptp-natcheck-json)",
				                   optarg);
			o->ignore |= VERDICT_IGNORE_BIT(code);
			break;
		}
		case OPT_INSIDE_IF:
			o->inside_interface = optarg;
			break;
		case OPT_OUTSIDE_IF:
			o->outside_interface = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'V':
			printf(PROG " " PPTP_NATCHECK_VERSION "\n");
			*done = true;
			return EXIT_PASS;
		case 'h':
			usage(stdout);
			*done = true;
			return EXIT_PASS;
		default:
			fprintf(stderr, "Try '" PROG " --help' for more information.\n");
			return EXIT_USAGE;
		}
	}
	if (o->evidence_file != NULL && strcmp(o->evidence_file, "-") == 0 &&
	    (o->output == NULL || strcmp(o->output, "-") == 0))
		return usage_error("%s", "--evidence - writes pcapng on standard output: give the "
		                         "report another place with -o FILE");
	if (named) {
		if (optind < argc)
			return usage_error("give captures either with -i/-O or as arguments: %s",
			                   argv[optind]);
		if (o->nfiles[0] == 0 && o->nfiles[1] > 0)
			return usage_error("%s",
			                   "outside captures given without an inside capture");
	} else {
		if (argc - optind == 0)
			return usage_error("%s", "no capture file given");
		if (argc - optind > 2)
			return usage_error(
			    "too many arguments (use -i/-O for several files per side): %s",
			    argv[optind + 2]);
		for (i = optind; i < argc; i++)
			add_file(o, i - optind, argv[i]);
	}
	if ((o->inside_interface != NULL || o->outside_interface != NULL) && o->nfiles[1] > 0)
		return usage_error("%s", "--inside-interface and --outside-interface name the legs "
		                         "of one capture; two captures are given");
	return 0;
}

/* Refuse a file given twice (its second reading would double every count). */
static int
check_distinct(const struct options *o)
{
	struct stat st[2 * SIDE_MAX_FILES];
	const char *path[2 * SIDE_MAX_FILES];
	unsigned n = 0, s, i, k, stdin_uses = 0;

	for (s = 0; s < 2; s++)
		for (i = 0; i < o->nfiles[s]; i++) {
			const char *p = o->files[s][i];

			if (strcmp(p, "-") == 0) {
				if (o->evidence_file != NULL)
					return usage_error(
					    "%s",
					    "--evidence copies frames from the capture files in a "
					    "second read, and standard input (-) cannot be read "
					    "twice");
				if (++stdin_uses > 1)
					return usage_error(
					    "%s", "standard input (-) can be read only once");
				continue;
			}
			if (stat(p, &st[n]) != 0)
				continue; /* capture_open reports it */
			if (o->evidence_file != NULL && !S_ISREG(st[n].st_mode))
				return usage_error(
				    "--evidence copies frames from the capture files in "
				    "a second read: %s is not a regular file",
				    p);
			for (k = 0; k < n; k++)
				if (st[k].st_dev == st[n].st_dev && st[k].st_ino == st[n].st_ino &&
				    S_ISREG(st[n].st_mode)) {
					fprintf(stderr, PROG ": %s: given twice (also as %s)\n", p,
					        path[k]);
					return EXIT_USAGE;
				}
			path[n++] = p;
		}
	return 0;
}

/*
 * Progress on standard error, for a terminal only: both sides on one line,
 * per side the share of its current file read, and the overall rate.
 * Nothing for the first second (small captures), then at most 5 times a
 * second.  Called from the reading threads.
 */
struct progress {
	pthread_mutex_t lock;
	struct timespec start, last;
	uint64_t done[2], total[2], bytes_before[2];
	bool shown;
};

static double
seconds_since(const struct timespec *t0, const struct timespec *t1)
{
	return (double)(t1->tv_sec - t0->tv_sec) + (double)(t1->tv_nsec - t0->tv_nsec) / 1e9;
}

static void
show_progress(void *ctx, const struct side *s, uint64_t done, uint64_t total)
{
	struct progress *p = ctx;
	int i = s->role == SIDE_OUTSIDE ? 1 : 0, k;
	struct timespec now;
	double elapsed;
	uint64_t bytes = 0;

	pthread_mutex_lock(&p->lock);
	if (done < p->done[i]) /* a new file of this side began */
		p->bytes_before[i] += p->total[i];
	p->done[i] = done;
	p->total[i] = total;
	clock_gettime(CLOCK_MONOTONIC, &now);
	elapsed = seconds_since(&p->start, &now);
	if (elapsed >= 1.0 && (!p->shown || seconds_since(&p->last, &now) >= 0.2)) {
		fprintf(stderr, "\r");
		for (k = 0; k < 2; k++) {
			if (p->total[k] == 0)
				continue;
			fprintf(stderr, "%s %3u%%  ",
			        k == 0 ? (s->role == SIDE_SINGLE ? "read" : "inside") : "outside",
			        (unsigned)(p->done[k] * 100 / p->total[k]));
			bytes += p->bytes_before[k] + p->done[k];
		}
		fprintf(stderr, "%.0f MB/s ", (double)bytes / 1e6 / elapsed);
		fflush(stderr);
		p->shown = true;
		p->last = now;
	}
	pthread_mutex_unlock(&p->lock);
}

/* One side: its files read by a reader thread, analysed in this one. */
static void *
read_side(void *arg)
{
	struct side_job *job = arg;

	if (job->legs != NULL) {
		job->failed = !reader_run_legs(job->legs, (const char *const *)job->files,
		                               job->nfiles, job->errbuf, &job->failed_file);
		legs_finish(job->legs);
		return NULL;
	}
	job->failed = !reader_run(job->side, (const char *const *)job->files, job->nfiles,
	                          job->errbuf, &job->failed_file);
	side_finish(job->side);
	return NULL;
}

/*
 * Every file the run writes: begun before reading (a refused or unwritable
 * output costs no analysis and leaves nothing behind), finished once its
 * report is rendered, abandoned (old content kept) when anything failed.
 */
typedef bool (*render_fn)(FILE *out, const struct report *r);

/* One per output option, with room for more formats. */
#define MAX_OUTPUTS 8

struct planned_output {
	const char *option; /* for messages: "--json" */
	const char *path;   /* "-": standard output */
	render_fn render;
	bool is_capture; /* the output is a capture itself: may replace one (not an input) */
	struct output out;
};

struct output_plan {
	struct planned_output o[MAX_OUTPUTS];
	unsigned n, begun;
};

static struct planned_output *
plan_output(struct output_plan *p, const char *option, const char *path, render_fn render)
{
	if (p->n >= MAX_OUTPUTS)
		return NULL;
	p->o[p->n].option = option;
	p->o[p->n].path = path;
	p->o[p->n].render = render;
	return &p->o[p->n++];
}

/* Why the last renderer failed, when it knows better than errno (the evidence). */
static char render_error[256];

/* evidence_write with the renderers' signature. */
static bool
render_evidence(FILE *out, const struct report *r)
{
	return evidence_write(out, r, render_error, sizeof(render_error));
}

static void
abandon_outputs(struct output_plan *p)
{
	while (p->begun > 0)
		output_abandon(&p->o[--p->begun].out);
}

/*
 * A report never replaces a capture, input or not: `--json inside.pcap
 * outside.pcap` (--json read as a switch) names inside.pcap as the JSON
 * report and leaves outside.pcap as the only capture.
 */
static int
begin_outputs(const struct options *o, struct output_plan *p)
{
	const char *inputs[2 * SIDE_MAX_FILES];
	char err[512];
	unsigned n = 0, s, i;

	for (s = 0; s < 2; s++)
		for (i = 0; i < o->nfiles[s]; i++)
			inputs[n++] = o->files[s][i];
	for (p->begun = 0; p->begun < p->n; p->begun++) {
		struct planned_output *po = &p->o[p->begun];
		bool capture = !po->is_capture && output_is_capture(po->path);
		const char *hint = capture && strcmp(po->option, "--json") == 0
		                       ? " (did you mean --format json?)"
		                       : "";

		if (!output_begin(&po->out, po->path, inputs, n, err, sizeof(err))) {
			if (strcmp(po->path, "-") == 0)
				fprintf(stderr, PROG ": %s\n", err);
			else
				fprintf(stderr, PROG ": %s: %s%s\n", po->path, err, hint);
			abandon_outputs(p);
			return EXIT_USAGE;
		}
		if (capture) {
			fprintf(stderr,
			        PROG ": %s: is a capture file: refusing to replace it with the "
			             "report (%s)%s\n",
			        po->path, po->option, hint);
			p->begun++;
			abandon_outputs(p);
			return EXIT_USAGE;
		}
	}
	return 0;
}

static bool
write_reports(struct output_plan *p, const struct report *r)
{
	char err[512];
	bool ok = true;
	unsigned i;

	for (i = 0; i < p->n && ok; i++) {
		struct planned_output *po = &p->o[i];
		const char *name = strcmp(po->path, "-") == 0 ? "standard output" : po->path;

		render_error[0] = 0;
		if (!po->render(po->out.fp, r)) {
			fprintf(stderr, PROG ": %s: %s\n", name,
			        render_error[0] != 0 ? render_error : strerror(errno));
			ok = false;
		} else if (!output_finish(&po->out, err, sizeof(err))) {
			fprintf(stderr, PROG ": %s: %s\n", name, err);
			ok = false;
		}
	}
	/* What was not finished keeps its old content (harmless on the finished). */
	abandon_outputs(p);
	return ok;
}

/* --server that matched no PPTP packet: name the servers the captures hold. */
static void
note_server_unmatched(const struct options *o, struct side *const *sides, unsigned nsides)
{
	char buf[ADDR_STRLEN];
	unsigned s, i, k, listed = 0;
	bool more = false;

	for (s = 0; s < nsides; s++)
		if (sides[s]->counters.tcp_pptp_segments > 0 || sides[s]->counters.gre_pptp > 0)
			return;
	fprintf(stderr, PROG ": --server %s: no PPTP to or from it in the captures; ",
	        addr_format(&o->server, buf));
	for (s = 0; s < nsides; s++) {
		more = more || sides[s]->other_servers_more;
		for (i = 0; i < sides[s]->nother_servers; i++) {
			const struct addr *a = &sides[s]->other_servers[i];
			bool dup = false;

			for (k = 0; k < s; k++)
				for (unsigned j = 0; j < sides[k]->nother_servers; j++)
					dup = dup || addr_eq(a, &sides[k]->other_servers[j]);
			if (dup)
				continue;
			fprintf(stderr, "%s%s", listed++ == 0 ? "PPTP servers seen: " : ", ",
			        addr_format(a, buf));
		}
	}
	if (listed == 0)
		fprintf(stderr, "no PPTP server (TCP port 1723) seen at all");
	else if (more)
		fprintf(stderr, " and more");
	fprintf(stderr, "\n");
}

/*
 * --time-offset that the packets contradict: say what they estimate, in the
 * order the captures were given, and judge with the given offset all the
 * same (the user may know better, e.g. when the packets were matched wrongly).
 */
static void
note_offset_contradiction(const struct options *o, struct side *inside, struct side *outside,
                          ts_ns_t given, bool swapped)
{
	struct correlation est;
	ts_ns_t diff;

	if (!correlate(inside, outside, NULL, &est)) {
		correlation_free(&est);
		return;
	}
	diff = est.clock.offset - given;
	if (est.clock.known && (diff > OFFSET_CONTRADICTION_NS || diff < -OFFSET_CONTRADICTION_NS))
		fprintf(stderr,
		        PROG
		        ": note: --time-offset %g contradicts the packets: %u of them, seen in "
		        "both captures, put inside - outside at %+.6f s (spread %.6f s); "
		        "without --time-offset that estimate would be used\n",
		        o->offset_seconds, est.clock.samples,
		        (double)(swapped ? -est.clock.offset : est.clock.offset) / 1e9,
		        (double)est.clock.spread / 1e9);
	correlation_free(&est);
}

/*
 * Which capture holds the clients decides which is judged as inside: a
 * pair given the other way round is judged the right way round (the
 * report says so on its first line), never as given.  The same capture
 * twice is refused like the same file twice: nothing about a NAT can be
 * learnt from it.  On a swap the correlation is freed for the caller to
 * redo, and an offset from --time-offset (inside minus outside as given)
 * changes sign.
 */
static int
check_orientation(const struct orientation *orient, struct correlation *corr, struct side **inside,
                  struct side **outside, struct clock_offset *forced)
{
	struct side *t;

	if (orient->identical) {
		fprintf(stderr, PROG ": %s\n", orient->how);
		return EXIT_USAGE;
	}
	if (!orient->swapped)
		return 0;
	correlation_free(corr);
	t = *inside;
	*inside = *outside;
	*outside = t;
	(*inside)->role = SIDE_INSIDE;
	(*outside)->role = SIDE_OUTSIDE;
	forced->offset = -forced->offset;
	return 0;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct side sides[2];
	struct side_job jobs[2];
	struct correlation corr;
	struct verdict verdict;
	struct verdict_options vopt;
	struct clock_offset forced;
	struct report rep;
	struct progress progress;
	struct output_plan outputs;
	struct orientation orient;
	struct side *inside = &sides[0], *outside = NULL;
	struct legs legs;
	struct legs_choice choice;
	pthread_t thread;
	bool done, paired, threaded = false;
	int rc, s;
	unsigned nsides;
	char why[1024];

	memset(&o, 0, sizeof(o));
	if ((rc = parse_options(argc, argv, &o, &done)) != 0 || done)
		return rc;
	memset(&progress, 0, sizeof(progress));
	pthread_mutex_init(&progress.lock, NULL);
	clock_gettime(CLOCK_MONOTONIC, &progress.start);
	if ((rc = check_distinct(&o)) != 0)
		return rc;
	memset(&outputs, 0, sizeof(outputs));
	plan_output(&outputs, "--output", o.output != NULL ? o.output : "-",
	            o.json_stdout       ? report_json
	            : o.markdown_stdout ? report_markdown
	                                : report_text);
	if (o.json_file != NULL)
		plan_output(&outputs, "--json", o.json_file, report_json);
	if (o.junit_file != NULL)
		plan_output(&outputs, "--junit", o.junit_file, report_junit);
	if (o.html_file != NULL)
		plan_output(&outputs, "--html", o.html_file, report_html);
	/* Last: it reads the inputs again once every report is out. */
	if (o.evidence_file != NULL) {
		struct planned_output *po =
		    plan_output(&outputs, "--evidence", o.evidence_file, render_evidence);

		if (po != NULL)
			po->is_capture = true;
	}
	if ((rc = begin_outputs(&o, &outputs)) != 0)
		return rc;
	paired = o.nfiles[1] > 0;
	nsides = paired ? 2 : 1;
	if (paired)
		outside = &sides[1];
	/* One capture is read split by interface: it may hold both legs (legs.h). */
	if (!paired && !legs_init(&legs, o.has_server ? &o.server : NULL)) {
		fprintf(stderr, PROG ": out of memory\n");
		abandon_outputs(&outputs);
		return EXIT_USAGE;
	}
	for (s = 0; s < (int)nsides; s++) {
		struct side *side = paired ? &sides[s] : legs.sides[0];

		if (paired && !side_init(side, s == 0 ? SIDE_INSIDE : SIDE_OUTSIDE,
		                         o.has_server ? &o.server : NULL)) {
			fprintf(stderr, PROG ": out of memory\n");
			while (s-- > 0)
				side_free(&sides[s]);
			abandon_outputs(&outputs);
			return EXIT_USAGE;
		}
		if (!o.quiet && !o.json_stdout && isatty(STDERR_FILENO)) {
			side->progress = show_progress;
			side->progress_ctx = &progress;
		}
		memset(&jobs[s], 0, sizeof(jobs[s]));
		jobs[s].side = side;
		jobs[s].legs = paired ? NULL : &legs;
		jobs[s].files = o.files[s];
		jobs[s].nfiles = o.nfiles[s];
	}
	/* The two sides are independent until correlation: read them at once. */
	if (paired && pthread_create(&thread, NULL, read_side, &jobs[1]) == 0)
		threaded = true;
	read_side(&jobs[0]);
	if (threaded)
		pthread_join(thread, NULL);
	else if (paired)
		read_side(&jobs[1]);
	if (progress.shown)
		fprintf(stderr, "\r%*s\r", 60, "");
	rc = 0;
	for (s = 0; s < (int)nsides; s++)
		if (jobs[s].failed) {
			fprintf(stderr, PROG ": %s: %s\n",
			        strcmp(jobs[s].failed_file, "-") == 0 ? "standard input"
			                                              : jobs[s].failed_file,
			        jobs[s].errbuf);
			rc = EXIT_USAGE;
		}
	if (rc != 0)
		goto out_sides;
	if (!paired) {
		/* Both legs in one capture: judged from here on as the pair it is. */
		if (!legs_choose(&legs, o.inside_interface, o.outside_interface, &choice, why,
		                 sizeof(why))) {
			fprintf(stderr, PROG ": %s: %s\n",
			        strcmp(o.files[0][0], "-") == 0 ? "standard input" : o.files[0][0],
			        why);
			rc = EXIT_USAGE;
			goto out_sides;
		}
		inside = legs.sides[choice.inside];
		outside = choice.paired ? legs.sides[choice.outside] : NULL;
		paired = choice.paired;
	}

	memset(&forced, 0, sizeof(forced));
	forced.known = forced.from_option = true;
	forced.offset = (ts_ns_t)llround(o.offset_seconds * 1e9);
	if (!correlate(inside, outside, o.has_offset ? &forced : NULL, &corr)) {
		fprintf(stderr, PROG ": out of memory while correlating\n");
		rc = EXIT_USAGE;
		goto out_sides;
	}
	if (paired) {
		orient_judge(inside, outside, &corr, &orient);
		if ((rc = check_orientation(&orient, &corr, &inside, &outside, &forced)) != 0)
			goto out_corr;
		if (orient.swapped &&
		    !correlate(inside, outside, o.has_offset ? &forced : NULL, &corr)) {
			fprintf(stderr, PROG ": out of memory while correlating\n");
			rc = EXIT_USAGE;
			goto out_sides;
		}
	}
	if (o.has_server)
		note_server_unmatched(&o, (struct side *const[]){inside, outside}, paired ? 2 : 1);
	if (paired && o.has_offset)
		note_offset_contradiction(&o, inside, outside, forced.offset, orient.swapped);
	vopt.strict = o.strict;
	vopt.ignore = o.ignore;
	if (!verdict_judge(inside, outside, &corr, &vopt, &verdict)) {
		fprintf(stderr, PROG ": out of memory while judging\n");
		rc = EXIT_USAGE;
		goto out_corr;
	}
	rep.a = inside;
	rep.b = outside;
	rep.corr = &corr;
	rep.orient = paired ? &orient : NULL;
	rep.verdict = &verdict;
	rep.verbose = o.verbose;
	rc = write_reports(&outputs, &rep) ? (int)verdict_exit_status(verdict.value) : EXIT_USAGE;
	verdict_free(&verdict);
out_corr:
	correlation_free(&corr);
out_sides:
	if (o.nfiles[1] > 0)
		for (s = 0; s < (int)nsides; s++)
			side_free(&sides[s]);
	else
		legs_free(&legs);
	abandon_outputs(&outputs);
	pthread_mutex_destroy(&progress.lock);
	return rc;
}
