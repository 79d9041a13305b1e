/* bench/rss.c: run one command, then report its wall time, CPU time and peak RSS (wait4). */
/*
 * usage: rss [-o FILE] COMMAND [ARG...]
 * Runs COMMAND with stdin, stdout and stderr inherited, waits for it with wait4(), and writes
 * one line to FILE (default stderr):
 *   wall=<s> user=<s> sys=<s> maxrss_kib=<KiB> status=<exit status, or 128+signal>
 * ru_maxrss is the child's own peak resident set (threads included), in KiB on Linux.  The
 * wrapper exits with the child's status, so a shell script can still tell pass from fail.
 * A replacement for `/usr/bin/time -f %M` that needs no package.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
tv_seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int
main(int argc, char **argv)
{
	const char *outpath = NULL;
	struct timespec t0, t1;
	struct rusage ru;
	int argi = 1, wstatus, status;
	pid_t pid;
	FILE *out = stderr;

	if (argc > 2 && !strcmp(argv[1], "-o")) {
		outpath = argv[2];
		argi = 3;
	}
	if (argi < argc && !strcmp(argv[argi], "--"))
		argi++;
	if (argi >= argc) {
		fprintf(stderr, "usage: rss [-o FILE] COMMAND [ARG...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "rss: fork: %s\n", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		execvp(argv[argi], argv + argi);
		fprintf(stderr, "rss: %s: %s\n", argv[argi], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &wstatus, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "rss: wait4: %s\n", strerror(errno));
			return 2;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	if (outpath) {
		out = fopen(outpath, "w");
		if (!out) {
			fprintf(stderr, "rss: %s: %s\n", outpath, strerror(errno));
			return 2;
		}
	}
	fprintf(out, "wall=%.6f user=%.6f sys=%.6f maxrss_kib=%ld status=%d\n",
	        (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	        tv_seconds(ru.ru_utime), tv_seconds(ru.ru_stime), ru.ru_maxrss, status);
	if (outpath && fclose(out) != 0)
		return 2;
	return status;
}
