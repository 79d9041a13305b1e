/*
 * Driver that replays files through a libFuzzer harness without libFuzzer,
 * so `make check` runs every harness over its corpus under the sanitizers.
 * Arguments are files or directories (read one level deep).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs larger than this are not fuzz seeds; skip rather than allocate. */
#define REPLAY_MAX_INPUT (8u << 20)

static int
replay_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	size_t n;
	struct stat st;

	if (fp == NULL)
		return 0;
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0 ||
	    (uint64_t)st.st_size > REPLAY_MAX_INPUT) {
		fclose(fp);
		return 0;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		fclose(fp);
		return 0;
	}
	n = fread(buf, 1, (size_t)st.st_size, fp);
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 1;
}

int
main(int argc, char **argv)
{
	int i, count = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *e;

		if (stat(argv[i], &st) != 0)
			continue;
		if (!S_ISDIR(st.st_mode)) {
			count += replay_file(argv[i]);
			continue;
		}
		d = opendir(argv[i]);
		if (d == NULL)
			continue;
		while ((e = readdir(d)) != NULL) {
			char path[4096];

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			count += replay_file(path);
		}
		closedir(d);
	}
	/* An empty input always runs too: the harness must accept size 0. */
	LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
	printf("%s: replayed %d inputs\n", argv[0], count + 1);
	return 0;
}
