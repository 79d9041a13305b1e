/*
 * Output files: never one of the inputs, never half written.
 *
 * Decisions and known limits:
 * - "One of the inputs" means the same device and inode as an input file
 *   once symlinks are followed (stat), which also catches hard links and
 *   other spellings of the same path.  "-" among the inputs is standard
 *   input, compared when it is a regular file (`< inside.pcap`).  A path
 *   that does not exist yet cannot be an input.
 * - A regular file is written to a temporary file beside it (same
 *   directory, so the rename cannot cross file systems), flushed and
 *   fsync()ed, and renamed onto it: a failed or interrupted run leaves the
 *   old content whole, and readers never see half a report.  The temporary
 *   file takes the old file's permission bits, or 0666 less the umask for
 *   a new file, as fopen would have given.  The price: a target that was a
 *   hard link to another name is replaced by a new file (the other name
 *   keeps the old content), and the owner is whoever runs the tool.
 * - A symlink is followed: the file it points to is replaced, the link
 *   stays.  A dangling symlink is replaced by the report.
 * - A target that exists and is not a regular file (/dev/null, a FIFO, a
 *   terminal) is written in place: renaming over it would replace a device
 *   node.  A directory is refused.  An existing file we may write in a
 *   directory we may not (no temporary file possible) is written in place
 *   too, without truncating it first and cut to length when finished: a
 *   failure before the report is rendered leaves it whole, one while
 *   writing does not.
 * - "-" is standard output, never closed; it is refused too when standard
 *   output is redirected to one of the inputs in append mode (`>>`, which
 *   the shell opens without truncating).
 * - SIGINT, SIGTERM and SIGHUP remove the temporary files still open before
 *   the signal takes its default effect (only when their disposition is the
 *   default: an ignored SIGHUP under nohup stays ignored).  SIGKILL cannot
 *   be caught: a temporary ".NAME.XXXXXX" may then remain beside the target,
 *   which is still whole.
 */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "capture.h"

/* Temporary files to remove on a fatal signal; written only outside the handler. */
static char *volatile pending[OUTPUT_MAX_OPEN];
static volatile sig_atomic_t handlers_installed;

static void
remove_pending(int sig)
{
	size_t i;

	for (i = 0; i < OUTPUT_MAX_OPEN; i++)
		if (pending[i] != NULL)
			unlink(pending[i]); /* async-signal-safe */
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
install_handlers(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa, old;
	size_t i;

	if (handlers_installed)
		return;
	handlers_installed = 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = remove_pending;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
			sigaction(sigs[i], &sa, NULL);
}

static int
register_pending(char *tmp)
{
	int i;

	install_handlers();
	for (i = 0; i < OUTPUT_MAX_OPEN; i++)
		if (pending[i] == NULL) {
			pending[i] = tmp;
			return i;
		}
	return -1; /* removed on failure all the same, only not on a signal */
}

static void
unregister_pending(struct output *o)
{
	if (o->slot >= 0 && o->slot < OUTPUT_MAX_OPEN)
		pending[o->slot] = NULL;
	o->slot = -1;
}

static void errorf(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
errorf(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errbuf == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

/* strerror() text lowercased, as capture errors read ("no such file or directory"). */
static void
errno_text(char *errbuf, size_t errlen, const char *what, int err)
{
	char text[128];

	snprintf(text, sizeof(text), "%s", strerror(err));
	if (text[0] >= 'A' && text[0] <= 'Z' && !(text[1] >= 'A' && text[1] <= 'Z'))
		text[0] = (char)(text[0] - 'A' + 'a');
	if (what != NULL)
		errorf(errbuf, errlen, "%s: %s", what, text);
	else
		errorf(errbuf, errlen, "%s", text);
}

/* The input that st is, or NULL. */
static const char *
same_as_input(const struct stat *st, const char *const *inputs, unsigned ninputs)
{
	struct stat in;
	unsigned i;

	for (i = 0; i < ninputs; i++) {
		if (inputs[i] == NULL)
			continue;
		if (strcmp(inputs[i], "-") == 0) {
			if (fstat(STDIN_FILENO, &in) != 0 || !S_ISREG(in.st_mode))
				continue;
		} else if (stat(inputs[i], &in) != 0) {
			continue; /* reading it will say why */
		}
		if (in.st_dev == st->st_dev && in.st_ino == st->st_ino)
			return strcmp(inputs[i], "-") == 0 ? "standard input" : inputs[i];
	}
	return NULL;
}

static bool
refuse_input(const char *input, const char *path, char *errbuf, size_t errlen)
{
	if (strcmp(input, path) == 0)
		errorf(errbuf, errlen, "is one of the input captures: refusing to overwrite it");
	else
		errorf(errbuf, errlen, "is the same file as the input %s: refusing to overwrite it",
		       input);
	return false;
}

static mode_t
new_file_mode(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return (mode_t)(0666 & ~mask);
}

/* "DIR/.BASE.XXXXXX" beside target. */
static char *
temp_name(const char *target)
{
	const char *slash = strrchr(target, '/');
	size_t dirlen = slash != NULL ? (size_t)(slash - target) + 1 : 0;
	const char *base = target + dirlen;
	size_t n = dirlen + 1 + strlen(base) + sizeof(".XXXXXX");
	char *t = malloc(n);

	if (t != NULL)
		snprintf(t, n, "%.*s.%s.XXXXXX", (int)dirlen, target, base);
	return t;
}

static bool
begin_stdout(struct output *o, const char *const *inputs, unsigned ninputs, char *errbuf,
             size_t errlen)
{
	struct stat st;
	const char *in;

	if (fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode) &&
	    (in = same_as_input(&st, inputs, ninputs)) != NULL) {
		errorf(errbuf, errlen,
		       "standard output is the input %s: refusing to write the report into it", in);
		return false;
	}
	o->fp = stdout;
	o->is_stdout = true;
	return true;
}

bool
output_begin(struct output *o, const char *path, const char *const *inputs, unsigned ninputs,
             char *errbuf, size_t errlen)
{
	struct stat lst, st;
	const char *in;
	mode_t mode;
	int fd, err;
	bool existed = false;

	memset(o, 0, sizeof(*o));
	o->slot = -1;
	if (path == NULL || strcmp(path, "-") == 0)
		return begin_stdout(o, inputs, ninputs, errbuf, errlen);
	if (path[0] == '\0') {
		errorf(errbuf, errlen, "empty file name");
		return false;
	}
	if (lstat(path, &lst) != 0) {
		if (errno != ENOENT) {
			errno_text(errbuf, errlen, NULL, errno);
			return false;
		}
		o->target = strdup(path); /* new: cannot be an input */
		mode = new_file_mode();
	} else if (stat(path, &st) != 0) {
		o->target = strdup(path); /* a dangling symlink: replaced */
		mode = new_file_mode();
	} else {
		if ((in = same_as_input(&st, inputs, ninputs)) != NULL)
			return refuse_input(in, path, errbuf, errlen);
		if (S_ISDIR(st.st_mode)) {
			errorf(errbuf, errlen, "is a directory");
			return false;
		}
		if (!S_ISREG(st.st_mode)) {
			o->fp = fopen(path, "w");
			if (o->fp == NULL) {
				errno_text(errbuf, errlen, NULL, errno);
				return false;
			}
			o->in_place = true;
			return true;
		}
		/* Through a symlink: replace the file it points to, not the link. */
		o->target = S_ISLNK(lst.st_mode) ? realpath(path, NULL) : strdup(path);
		mode = st.st_mode & 07777;
		existed = true;
	}
	if (o->target == NULL || (o->tmp = temp_name(o->target)) == NULL) {
		errorf(errbuf, errlen, "out of memory");
		goto fail;
	}
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		err = errno;
		free(o->tmp);
		o->tmp = NULL;
		if ((err == EACCES || err == EPERM || err == EROFS) && existed &&
		    (o->fp = fopen(o->target, "r+")) != NULL) {
			/* A file we may write in a folder we may not: in place, cut to
			 * length when finished (the old fopen behaviour, minus the
			 * truncation up front). */
			o->in_place = o->truncate_at_finish = true;
			return true;
		}
		errno_text(errbuf, errlen, NULL, err);
		goto fail;
	}
	o->slot = register_pending(o->tmp);
	if (fchmod(fd, mode) != 0 || (o->fp = fdopen(fd, "w")) == NULL) {
		err = errno;
		close(fd);
		errno_text(errbuf, errlen, NULL, err);
		goto fail;
	}
	return true;
fail:
	output_abandon(o);
	return false;
}

static void
release(struct output *o)
{
	unregister_pending(o);
	free(o->tmp);
	free(o->target);
	o->tmp = o->target = NULL;
	o->fp = NULL;
}

bool
output_finish(struct output *o, char *errbuf, size_t errlen)
{
	const char *what = "write error";
	bool ok = true;
	int err = 0;

	if (o->fp == NULL) {
		errorf(errbuf, errlen, "not open");
		return false;
	}
	if (fflush(o->fp) != 0 || ferror(o->fp)) {
		err = errno != 0 ? errno : EIO;
		ok = false;
	}
	if (o->is_stdout) {
		o->fp = NULL;
		if (!ok)
			errno_text(errbuf, errlen, "write error", err);
		return ok;
	}
	if (ok && !o->in_place && fsync(fileno(o->fp)) != 0 && errno != EINVAL) {
		err = errno;
		ok = false;
	}
	if (ok && o->truncate_at_finish) {
		off_t end = ftello(o->fp);

		if (end < 0 || ftruncate(fileno(o->fp), end) != 0) {
			err = errno;
			ok = false;
		}
	}
	if (fclose(o->fp) != 0 && ok) {
		err = errno;
		ok = false;
	}
	o->fp = NULL;
	if (ok && o->tmp != NULL && rename(o->tmp, o->target) != 0) {
		err = errno;
		what = "cannot rename the finished report into place";
		ok = false;
	}
	if (!ok) {
		errno_text(errbuf, errlen, what, err);
		if (o->tmp != NULL)
			unlink(o->tmp);
	}
	release(o);
	return ok;
}

void
output_abandon(struct output *o)
{
	if (o == NULL)
		return;
	if (o->fp != NULL && !o->is_stdout)
		fclose(o->fp);
	if (o->tmp != NULL)
		unlink(o->tmp);
	release(o);
}

bool
output_is_capture(const char *path)
{
	uint8_t head[4];
	struct stat st;
	FILE *fp;
	size_t n;

	if (path == NULL || strcmp(path, "-") == 0 || stat(path, &st) != 0 ||
	    !S_ISREG(st.st_mode) || (fp = fopen(path, "rb")) == NULL)
		return false;
	n = fread(head, 1, sizeof(head), fp);
	fclose(fp);
	return capture_format_of(head, n) != NULL;
}
