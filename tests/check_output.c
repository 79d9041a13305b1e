/* Output suite: inputs are never overwritten, reports are never half written. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "output.h"
#include "testutil.h"

static char dir[64];
static char err[512];

static void
make_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_output.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
remove_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static const char *
in_dir(const char *name)
{
	static char paths[4][512];
	static unsigned next;
	char *p = paths[next++ % 4];

	snprintf(p, 512, "%s/%s", dir, name);
	return p;
}

static void
put(const char *path, const char *content)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(content, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

static const char *
get(const char *path)
{
	static char buf[256];
	FILE *fp = fopen(path, "r");
	size_t n;

	ck_assert_msg(fp != NULL, "%s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = 0;
	fclose(fp);
	return buf;
}

/* Entries of the directory: temporary files left behind show up here. */
static unsigned
entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

START_TEST(new_file_written_whole)
{
	struct output o;
	const char *target = in_dir("report.txt");

	ck_assert(output_begin(&o, target, NULL, 0, err, sizeof(err)));
	fputs("report\n", o.fp);
	/* Until finished, the target does not exist: only the temporary file does. */
	ck_assert_int_eq(access(target, F_OK), -1);
	ck_assert_uint_eq(entries(), 1);
	ck_assert(output_finish(&o, err, sizeof(err)));
	ck_assert_str_eq(get(target), "report\n");
	ck_assert_uint_eq(entries(), 1);
	output_abandon(&o); /* harmless after finish */
	ck_assert_str_eq(get(target), "report\n");
}
END_TEST

START_TEST(new_file_mode_follows_umask)
{
	struct output o;
	struct stat st;
	mode_t old = umask(027);

	ck_assert(output_begin(&o, in_dir("r"), NULL, 0, err, sizeof(err)));
	ck_assert(output_finish(&o, err, sizeof(err)));
	umask(old);
	ck_assert_int_eq(stat(in_dir("r"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0640);
}
END_TEST

START_TEST(existing_file_keeps_its_mode)
{
	struct output o;
	struct stat st;
	const char *target = in_dir("r");

	put(target, "old");
	ck_assert_int_eq(chmod(target, 0604), 0);
	ck_assert(output_begin(&o, target, NULL, 0, err, sizeof(err)));
	fputs("new", o.fp);
	ck_assert(output_finish(&o, err, sizeof(err)));
	ck_assert_str_eq(get(target), "new");
	ck_assert_int_eq(stat(target, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0604);
}
END_TEST

/* An input named as output, directly, through a symlink, a hard link, another spelling. */
START_TEST(input_refused)
{
	static const char *const how[] = {"same", "symlink", "hardlink", "dotted"};
	struct output o;
	char out[512], rel[512];
	const char *input = in_dir("inside.pcap");
	const char *inputs[2];

	inputs[0] = in_dir("outside.pcap");
	inputs[1] = input;
	put(inputs[0], "outside capture");
	put(input, "inside capture");
	switch (_i) {
	case 0:
		snprintf(out, sizeof(out), "%s", input);
		break;
	case 1:
		snprintf(out, sizeof(out), "%s", in_dir("link"));
		ck_assert_int_eq(symlink("inside.pcap", out), 0);
		break;
	case 2:
		snprintf(out, sizeof(out), "%s", in_dir("hard"));
		ck_assert_int_eq(link(input, out), 0);
		break;
	default:
		snprintf(rel, sizeof(rel), "%s/./inside.pcap", dir);
		snprintf(out, sizeof(out), "%s", rel);
		break;
	}
	err[0] = 0;
	ck_assert_msg(!output_begin(&o, out, inputs, 2, err, sizeof(err)), "%s accepted", how[_i]);
	ck_assert_ptr_nonnull(strstr(err, "refusing to overwrite"));
	if (_i == 0)
		ck_assert_str_eq(err, "is one of the input captures: refusing to overwrite it");
	else
		ck_assert_ptr_nonnull(strstr(err, input));
	ck_assert_str_eq(get(input), "inside capture");
	ck_assert_uint_eq(entries(), _i == 0 || _i == 3 ? 2 : 3); /* no temporary file */
}
END_TEST

/* Standard input redirected from a file is that file. */
START_TEST(stdin_input_refused)
{
	struct output o;
	const char *input = in_dir("inside.pcap");
	const char *inputs[1] = {"-"};
	int fd;

	put(input, "inside capture");
	fd = open(input, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(dup2(fd, STDIN_FILENO), 0);
	close(fd);
	ck_assert(!output_begin(&o, input, inputs, 1, err, sizeof(err)));
	ck_assert_str_eq(err, "is the same file as the input standard input: refusing to "
	                      "overwrite it");
	ck_assert_str_eq(get(input), "inside capture");
}
END_TEST

/* Standard output appended to an input (`>> inside.pcap`) is refused too. */
START_TEST(stdout_into_input_refused)
{
	struct output o;
	const char *input = in_dir("inside.pcap");
	const char *inputs[1];
	int fd, saved = dup(STDOUT_FILENO);

	inputs[0] = input;
	put(input, "inside capture");
	fd = open(input, O_WRONLY | O_APPEND);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(dup2(fd, STDOUT_FILENO), 0);
	close(fd);
	ck_assert(!output_begin(&o, "-", inputs, 1, err, sizeof(err)));
	dup2(saved, STDOUT_FILENO);
	close(saved);
	ck_assert_ptr_nonnull(strstr(err, "standard output is the input"));
	ck_assert_str_eq(get(input), "inside capture");
}
END_TEST

START_TEST(other_files_accepted)
{
	struct output o;
	const char *inputs[2];

	inputs[0] = in_dir("inside.pcap");
	inputs[1] = in_dir("no-such-input.pcap"); /* reading it will fail, not this */
	put(inputs[0], "capture");
	ck_assert(output_begin(&o, in_dir("report.json"), inputs, 2, err, sizeof(err)));
	fputs("{}", o.fp);
	ck_assert(output_finish(&o, err, sizeof(err)));
	ck_assert_str_eq(get(in_dir("report.json")), "{}");
	ck_assert_str_eq(get(inputs[0]), "capture");
}
END_TEST

/* Abandoned: the old content stays, the temporary file goes. */
START_TEST(abandon_keeps_old)
{
	struct output o;
	const char *target = in_dir("report.txt");

	put(target, "old report");
	ck_assert(output_begin(&o, target, NULL, 0, err, sizeof(err)));
	fputs("half a new rep", o.fp);
	fflush(o.fp);
	ck_assert_uint_eq(entries(), 2);
	ck_assert_str_eq(get(target), "old report");
	output_abandon(&o);
	ck_assert_str_eq(get(target), "old report");
	ck_assert_uint_eq(entries(), 1);
	output_abandon(&o); /* twice: harmless */
	output_abandon(NULL);
}
END_TEST

/* Interrupted by a signal mid-write: old content whole, temporary file removed. */
START_TEST(signal_keeps_old)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	const char *target = in_dir("report.txt");
	int status;
	pid_t pid;

	put(target, "old report");
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct output o;

		signal(sigs[_i], SIG_DFL);
		if (!output_begin(&o, target, NULL, 0, err, sizeof(err)))
			_exit(10);
		fputs("half a new rep", o.fp);
		fflush(o.fp);
		raise(sigs[_i]);
		_exit(11); /* not reached: the signal's default action ends us */
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status));
	ck_assert_int_eq(WTERMSIG(status), sigs[_i]);
	ck_assert_str_eq(get(target), "old report");
	ck_assert_uint_eq(entries(), 1);
}
END_TEST

/* A symlink to a report is followed: the file it names is replaced, the link stays. */
START_TEST(symlink_followed)
{
	struct output o;
	struct stat st;
	const char *real = in_dir("real.txt");
	const char *link_path = in_dir("link.txt");

	put(real, "old");
	ck_assert_int_eq(symlink("real.txt", link_path), 0);
	ck_assert(output_begin(&o, link_path, NULL, 0, err, sizeof(err)));
	fputs("new", o.fp);
	ck_assert(output_finish(&o, err, sizeof(err)));
	ck_assert_int_eq(lstat(link_path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_str_eq(get(real), "new");
	ck_assert_uint_eq(entries(), 2);
}
END_TEST

/* Devices are written in place, never renamed over. */
START_TEST(device_in_place)
{
	struct output o;
	struct stat st;

	ck_assert(output_begin(&o, "/dev/null", NULL, 0, err, sizeof(err)));
	ck_assert(o.in_place);
	fputs("nothing", o.fp);
	ck_assert(output_finish(&o, err, sizeof(err)));
	ck_assert_int_eq(stat("/dev/null", &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
}
END_TEST

/* A write that fails is reported by output_finish. */
START_TEST(write_failure_reported)
{
	struct output o;
	char big[8192];

	if (access("/dev/full", W_OK) != 0)
		return; /* no /dev/full here: nothing to provoke the failure with */
	memset(big, 'x', sizeof(big));
	ck_assert(output_begin(&o, "/dev/full", NULL, 0, err, sizeof(err)));
	fwrite(big, 1, sizeof(big), o.fp);
	ck_assert(!output_finish(&o, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "write error: no space left on device"));
}
END_TEST

/* A writable file in a folder we may not write in: in place, cut to length. */
START_TEST(locked_folder_in_place)
{
	const char *target = in_dir("report.txt");
	int status;
	pid_t pid;

	put(target, "a much longer old report");
	ck_assert_int_eq(chmod(target, 0666), 0);
	ck_assert_int_eq(chmod(dir, 0555), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct output o;

		/* Root writes anywhere: become nobody to meet the folder's refusal. */
		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(10);
		if (!output_begin(&o, target, NULL, 0, err, sizeof(err)))
			_exit(11);
		if (!o.in_place || o.tmp != NULL)
			_exit(12);
		fputs("new report", o.fp);
		_exit(output_finish(&o, err, sizeof(err)) ? 0 : 13);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	chmod(dir, 0700);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_str_eq(get(target), "new report");
	ck_assert_uint_eq(entries(), 1);
}
END_TEST

START_TEST(cannot_create)
{
	struct output o;
	char path[512];

	snprintf(path, sizeof(path), "%s/no/such/dir/report", dir);
	ck_assert(!output_begin(&o, path, NULL, 0, err, sizeof(err)));
	ck_assert_str_eq(err, "no such file or directory");
	ck_assert(!output_begin(&o, dir, NULL, 0, err, sizeof(err)));
	ck_assert_str_eq(err, "is a directory");
	ck_assert(!output_begin(&o, "", NULL, 0, err, sizeof(err)));
	ck_assert_uint_eq(entries(), 0);
}
END_TEST

START_TEST(stdout_is_dash)
{
	struct output o;

	ck_assert(output_begin(&o, "-", NULL, 0, err, sizeof(err)));
	ck_assert_ptr_eq(o.fp, stdout);
	ck_assert(output_finish(&o, err, sizeof(err)));
	ck_assert_int_ne(fcntl(STDOUT_FILENO, F_GETFD), -1); /* still open */
}
END_TEST

static const struct magic_case {
	const char *name;
	uint8_t bytes[8];
	size_t len;
	bool capture;
} magic_cases[] = {
    {"pcap little-endian", {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0}, 8, true},
    {"pcap big-endian", {0xa1, 0xb2, 0xc3, 0xd4, 0, 2, 0, 4}, 8, true},
    {"pcap-ns little-endian", {0x4d, 0x3c, 0xb2, 0xa1, 2, 0, 4, 0}, 8, true},
    {"pcap-ns big-endian", {0xa1, 0xb2, 0x3c, 0x4d, 0, 2, 0, 4}, 8, true},
    {"pcapng", {0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0}, 8, true},
    {"json report", {'{', '\n', ' ', ' ', '"', 's', 'c', 'h'}, 8, false},
    {"gzip", {0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0}, 8, false},
    {"three bytes of pcap", {0xd4, 0xc3, 0xb2}, 3, false},
    {"empty", {0}, 0, false},
};

START_TEST(capture_recognised)
{
	const struct magic_case *t = &magic_cases[_i];
	const char *path = in_dir("file");
	FILE *fp = fopen(path, "wb");

	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(t->bytes, 1, t->len, fp), t->len);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_msg(output_is_capture(path) == t->capture, "%s", t->name);
}
END_TEST

START_TEST(capture_not_a_file)
{
	ck_assert(!output_is_capture(in_dir("missing")));
	ck_assert(!output_is_capture(dir));
	ck_assert(!output_is_capture("-"));
	ck_assert(!output_is_capture(NULL));
	ck_assert(output_is_capture(TESTDATA "/public/nDPI__gre.pcapng"));
	ck_assert(output_is_capture(TESTDATA "/public/zeek__gre-pptp.pcap"));
}
END_TEST

static Suite *
output_suite(void)
{
	Suite *s = suite_create("output");
	TCase *tc = tcase_create("files");

	tcase_add_checked_fixture(tc, make_dir, remove_dir);
	tcase_add_test(tc, new_file_written_whole);
	tcase_add_test(tc, new_file_mode_follows_umask);
	tcase_add_test(tc, existing_file_keeps_its_mode);
	tcase_add_loop_test(tc, input_refused, 0, 4);
	tcase_add_test(tc, stdin_input_refused);
	tcase_add_test(tc, stdout_into_input_refused);
	tcase_add_test(tc, other_files_accepted);
	tcase_add_test(tc, abandon_keeps_old);
	tcase_add_loop_test(tc, signal_keeps_old, 0, 3);
	tcase_add_test(tc, symlink_followed);
	tcase_add_test(tc, device_in_place);
	tcase_add_test(tc, write_failure_reported);
	tcase_add_test(tc, locked_folder_in_place);
	tcase_add_test(tc, cannot_create);
	tcase_add_test(tc, stdout_is_dash);
	tcase_add_loop_test(tc, capture_recognised, 0, (int)ARRAY_LEN(magic_cases));
	tcase_add_test(tc, capture_not_a_file);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(output_suite)
