/*
 * Capture files in, frames out: libpcap for pcap and pcapng, the pcapng.c
 * fallback for pcapng files libpcap refuses; frame numbers and read errors.
 *
 * Decisions and known limits:
 * - The first four bytes, read by us, name the format (capture_magics[]):
 *   libpcap's nanosecond request hides whether a pcap file was written in
 *   micro- or nanoseconds, and an unknown magic gets our own message.
 * - Paths are opened with fopen() and handed to libpcap as a stream
 *   (pcap_fopen_offline_with_tstamp_precision, nanoseconds), so that fstat can
 *   refuse a directory first and the stream can be rewound for the fallback.
 * - Seekable input (a file, or fmemopen): libpcap reads it.  When libpcap
 *   refuses a pcapng file, at open or in the middle (1.10 stops at the first
 *   interface whose link type or snaplen differs from the first one's, or at a
 *   section in the other byte order), we seek back to the start, read again
 *   with the fallback reader, skip the frames already delivered, and go on:
 *   frame numbers stay continuous.  Any libpcap error on pcapng causes the
 *   switch, not only the wordings we know, so a new libpcap message cannot
 *   defeat it; the price is a second pass over what was read, paid only by a
 *   file that was about to fail anyway.
 * - A seekable pcapng file that declares several interfaces before its first
 *   packet is read by the fallback reader from the start (open_multi_interface):
 *   libpcap hides each packet's interface, and a file holding both legs of a NAT
 *   is split by it.  An interface declared only later, with the link type and
 *   snaplen of the first, is not seen by libpcap: its packets count as the
 *   first interface's (a known limit; dumpcap declares all interfaces first).
 * - Non-seekable input (a pipe on standard input): a pipe cannot be rewound,
 *   and libpcap's refusal comes after it has consumed the blocks before it.
 *   So pcapng from a pipe goes to the fallback reader from the first byte
 *   (format "pcapng-fallback"), and pcap from a pipe to libpcap.  To look at
 *   the magic without losing it, the pipe is wrapped in a fopencookie() stream
 *   that replays those bytes first (glibc and musl; BSD would need funopen()).
 *   Rejected: spooling the pipe to a temporary file (disk, often RAM in /tmp,
 *   grows with the capture, and nothing is read until the pipe ends); reading
 *   all pcapng with the fallback (libpcap is the reader with years of fuzzing
 *   behind it; ours is for what it refuses).
 * - Errors: libpcap's own text, short and without the file name (main adds
 *   it); read errors carry the number of the frame that failed.  libpcap
 *   errors that say "truncated" are CAPTURE_TRUNCATED (the file ends inside a
 *   record: a capture copied while it was being written), the rest
 *   CAPTURE_ERROR.  The byte where the torn record starts is counted from the
 *   record lengths libpcap returns (it does not say); a file whose records are
 *   longer than its own snaplen, which libpcap trims, would make it too small.
 * - The capture owns the stream it is given, also when opening fails; standard
 *   input is never closed (libpcap does not close it either).
 */
#define _GNU_SOURCE /* fopencookie */

#include "capture.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <pcap/pcap.h>

#include "pcapng.h"

/* stdio buffer for capture files: large enough to make read(2) cheap. */
#define CAPTURE_READ_BUFFER (1024 * 1024)

/* Bytes of magic that name a capture format. */
#define CAPTURE_MAGIC_LEN 4

static const struct capture_magic {
	uint8_t bytes[CAPTURE_MAGIC_LEN];
	const char *format;
	bool pcapng;
	uint32_t record_header_len; /* pcap: bytes before each record's data */
} capture_magics[] = {
    {{0xa1, 0xb2, 0xc3, 0xd4}, "pcap", false, 16},
    {{0xd4, 0xc3, 0xb2, 0xa1}, "pcap", false, 16},
    {{0xa1, 0xb2, 0x3c, 0x4d}, "pcap-ns", false, 16},
    {{0x4d, 0x3c, 0xb2, 0xa1}, "pcap-ns", false, 16},
    /* Kuznetzov's modified pcap (longer record headers); libpcap reads it. */
    {{0xa1, 0xb2, 0xcd, 0x34}, "pcap", false, 24},
    {{0x34, 0xcd, 0xb2, 0xa1}, "pcap", false, 24},
    /* Section Header Block type; reads the same in both byte orders. */
    {{0x0a, 0x0d, 0x0d, 0x0a}, "pcapng", true, 0},
};

/* Compressed captures, named by their magic so the user knows what to undo. */
static const struct compressed_magic {
	uint8_t bytes[CAPTURE_MAGIC_LEN];
	size_t len;
	const char *name;
} compressed_magics[] = {
    {{0x1f, 0x8b}, 2, "gzip"},
    {{0xfd, '7', 'z', 'X'}, 4, "xz"},      /* fd 37 7a 58 5a 00 */
    {{0x28, 0xb5, 0x2f, 0xfd}, 4, "zstd"}, /* frame magic 0xfd2fb528, little-endian */
    {{'B', 'Z', 'h'}, 3, "bzip2"},
};

/* The pcap file header before the first record. */
#define PCAP_FILE_HEADER_LEN 24

/* Replays the magic read from a pipe, then reads on; counts bytes for progress. */
struct peek {
	FILE *under;
	uint8_t head[CAPTURE_MAGIC_LEN];
	size_t head_len, head_off;
	uint64_t consumed;
};

struct capture {
	FILE *fp;                 /* what is read: the caller's stream or the peek wrapper */
	pcap_t *pcap;             /* owns fp once set; idle after a switch to ng */
	struct pcapng_reader *ng; /* the fallback, when it is the reader */
	struct peek *peek;        /* the wrapper's state, for capture_offset; NULL if seekable */
	const struct capture_magic *magic;
	const char *format;
	bool seekable;
	off_t start; /* where the capture starts in fp */
	uint64_t size;
	uint64_t frames; /* frames delivered */
	int dlt;         /* libpcap's link type */
	/* pcap read by libpcap: where the next record starts, counted from the
	 * record lengths (libpcap does not say), to name the byte of a tear. */
	uint64_t next_record;
	uint32_t record_header_len;
	/* After the end or an error, every call returns the same again. */
	bool done;
	enum capture_status done_status;
	char done_err[CAPTURE_ERRBUF_SIZE];
};

void
capture_errorf(char *errbuf, const char *fmt, ...)
{
	va_list ap;

	if (errbuf == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, CAPTURE_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
}

/* strerror() text, lowercased to match our other messages ("permission denied"). */
static void
set_errno(char *errbuf, int err)
{
	capture_errorf(errbuf, "%s", strerror(err));
	if (errbuf != NULL && isupper((unsigned char)errbuf[0]) &&
	    !isupper((unsigned char)errbuf[1]))
		errbuf[0] = (char)tolower((unsigned char)errbuf[0]);
}

static void
close_stream(FILE *fp)
{
	if (fp != NULL && fp != stdin)
		fclose(fp);
}

static ssize_t
peek_read(void *cookie, char *buf, size_t size)
{
	struct peek *pk = cookie;
	size_t n;

	if (pk->head_off < pk->head_len) {
		n = pk->head_len - pk->head_off;
		if (n > size)
			n = size;
		memcpy(buf, pk->head + pk->head_off, n);
		pk->head_off += n;
	} else {
		n = fread(buf, 1, size, pk->under);
		if (n == 0 && ferror(pk->under))
			return -1;
	}
	pk->consumed += n;
	return (ssize_t)n;
}

static int
peek_close(void *cookie)
{
	struct peek *pk = cookie;

	close_stream(pk->under);
	free(pk);
	return 0;
}

/* Wrap a pipe so the magic already read from it is read again. */
static FILE *
peek_wrap(FILE *under, const uint8_t *head, size_t len, struct peek **out)
{
	cookie_io_functions_t io = {.read = peek_read, .close = peek_close};
	struct peek *pk = calloc(1, sizeof(*pk));
	FILE *fp;

	if (pk == NULL)
		return NULL;
	pk->under = under;
	memcpy(pk->head, head, len);
	pk->head_len = len;
	fp = fopencookie(pk, "rb", io);
	if (fp == NULL) {
		free(pk);
		return NULL;
	}
	*out = pk;
	return fp;
}

static const struct capture_magic *
find_magic(const uint8_t *bytes)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(capture_magics); i++) {
		if (memcmp(capture_magics[i].bytes, bytes, CAPTURE_MAGIC_LEN) == 0)
			return &capture_magics[i];
	}
	return NULL;
}

const char *
capture_format_of(const uint8_t *head, size_t n)
{
	const struct capture_magic *m = n >= CAPTURE_MAGIC_LEN ? find_magic(head) : NULL;

	return m != NULL ? m->format : NULL;
}

const char *
capture_compression(const uint8_t *head, size_t n)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(compressed_magics); i++)
		if (n >= compressed_magics[i].len &&
		    memcmp(head, compressed_magics[i].bytes, compressed_magics[i].len) == 0)
			return compressed_magics[i].name;
	return NULL;
}

/* Nanoseconds from libpcap's (seconds, nanoseconds), saturating: pcapng seconds are 64-bit. */
static ts_ns_t
ts_from_pcap(int64_t sec, int64_t ns)
{
	int64_t t;

	if (__builtin_mul_overflow(sec, NS_PER_SEC, &t) || __builtin_add_overflow(t, ns, &t))
		return sec < 0 ? INT64_MIN : INT64_MAX;
	return t;
}

/* Read the magic, put it back (seek or wrapper), and name the format. */
static bool
open_magic(struct capture *c, char *errbuf)
{
	uint8_t head[CAPTURE_MAGIC_LEN];
	FILE *wrapped;
	size_t n;

	n = fread(head, 1, sizeof(head), c->fp);
	if (n == 0 && ferror(c->fp)) {
		set_errno(errbuf, errno);
		return false;
	}
	if (n == 0) {
		capture_errorf(errbuf, "file is empty");
		return false;
	}
	if (n < sizeof(head)) {
		capture_errorf(errbuf, "not a pcap or pcapng file (only %zu bytes)", n);
		return false;
	}
	c->magic = find_magic(head);
	if (c->magic == NULL) {
		const char *packed = capture_compression(head, n);

		if (packed != NULL)
			capture_errorf(
			    errbuf,
			    "not a pcap or pcapng file (%s-compressed: decompress it first)",
			    packed);
		else
			capture_errorf(errbuf, "not a pcap or pcapng file");
		return false;
	}
	c->format = c->magic->format;
	if (c->seekable) {
		if (fseeko(c->fp, c->start, SEEK_SET) != 0) {
			set_errno(errbuf, errno);
			return false;
		}
		return true;
	}
	wrapped = peek_wrap(c->fp, head, n, &c->peek);
	if (wrapped == NULL) {
		capture_errorf(errbuf, "out of memory");
		return false;
	}
	c->fp = wrapped; /* which now owns the caller's stream */
	return true;
}

static bool
open_fallback(struct capture *c, char *errbuf)
{
	c->ng = pcapng_open(c->fp, errbuf);
	if (c->ng == NULL)
		return false;
	c->format = "pcapng-fallback";
	return true;
}

/*
 * A pcapng file that declares several interfaces before its first packet
 * (dumpcap -i lan0 -i wan0) is read by pcapng.c from the start: libpcap does
 * not say which interface a packet came from, and the legs of a NAT are told
 * apart by it.  false: read it with libpcap (fp rewound).
 */
static bool
open_multi_interface(struct capture *c)
{
	char err[CAPTURE_ERRBUF_SIZE];
	struct pcapng_reader *ng = pcapng_open(c->fp, err);

	if (ng != NULL && pcapng_interface_count(ng) > 1) {
		c->ng = ng;
		c->format = "pcapng-fallback";
		return true;
	}
	pcapng_close(ng);
	/* If rewinding fails, libpcap reports the error. */
	(void)fseeko(c->fp, c->start, SEEK_SET);
	return false;
}

static bool
open_readers(struct capture *c, char *errbuf)
{
	char pcap_err[PCAP_ERRBUF_SIZE] = "";

	if (c->magic->pcapng && !c->seekable)
		return open_fallback(c, errbuf);
	if (c->magic->pcapng && open_multi_interface(c))
		return true;
	c->pcap =
	    pcap_fopen_offline_with_tstamp_precision(c->fp, PCAP_TSTAMP_PRECISION_NANO, pcap_err);
	if (c->pcap != NULL) {
		c->dlt = pcap_datalink(c->pcap);
		c->next_record = PCAP_FILE_HEADER_LEN;
		c->record_header_len = c->magic->record_header_len;
		return true;
	}
	if (!c->magic->pcapng) {
		capture_errorf(errbuf, "%s", pcap_err);
		return false;
	}
	/* libpcap refused a pcapng file at open: nothing read yet but headers. */
	if (fseeko(c->fp, c->start, SEEK_SET) != 0) {
		capture_errorf(errbuf, "%s", pcap_err);
		return false;
	}
	return open_fallback(c, errbuf);
}

struct capture *
capture_open_stream(FILE *fp, const char *name, char *errbuf)
{
	struct capture *c;
	struct stat st;

	(void)name; /* messages leave the name to the caller, who prefixes it */
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		capture_errorf(errbuf, "out of memory");
		close_stream(fp);
		return NULL;
	}
	c->fp = fp;
	if (fileno(fp) >= 0 && fstat(fileno(fp), &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			capture_errorf(errbuf, "is a directory");
			goto fail;
		}
		if (S_ISREG(st.st_mode) && st.st_size > 0)
			c->size = (uint64_t)st.st_size;
	}
	c->start = ftello(fp);
	c->seekable = c->start >= 0 && fseeko(fp, c->start, SEEK_SET) == 0;
	if (c->seekable && c->size >= (uint64_t)c->start)
		c->size -= (uint64_t)c->start;
	if (!open_magic(c, errbuf) || !open_readers(c, errbuf))
		goto fail;
	return c;
fail:
	pcapng_close(c->ng);
	close_stream(c->fp);
	free(c);
	return NULL;
}

struct capture *
capture_open(const char *path, char *errbuf)
{
	FILE *fp;

	if (strcmp(path, "-") == 0)
		return capture_open_stream(stdin, path, errbuf);
	fp = fopen(path, "rb");
	if (fp == NULL) {
		set_errno(errbuf, errno);
		return NULL;
	}
	/* libpcap reads each record with fread: with stdio's default 4 KiB
	 * buffer that is a read(2) per 4 KiB, a quarter million per GB.  A
	 * larger buffer costs one allocation and saves most of the syscalls. */
	setvbuf(fp, NULL, _IOFBF, CAPTURE_READ_BUFFER);
	return capture_open_stream(fp, path, errbuf);
}

void
capture_close(struct capture *c)
{
	if (c == NULL)
		return;
	pcapng_close(c->ng);
	if (c->pcap != NULL)
		pcap_close(c->pcap); /* closes fp, unless it is stdin */
	else
		close_stream(c->fp);
	free(c);
}

/*
 * libpcap refused a pcapng file after `c->frames` frames: reread from the
 * start with the fallback, skip those frames, and return the next one.
 */
static enum capture_status
switch_to_fallback(struct capture *c, const char *pcap_msg, struct capture_frame *frame,
                   char *errbuf)
{
	char ng_err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture_frame skipped;
	enum capture_status st;
	uint64_t i;

	if (fseeko(c->fp, c->start, SEEK_SET) != 0) {
		capture_errorf(errbuf, "%s", pcap_msg);
		return CAPTURE_ERROR;
	}
	c->ng = pcapng_open(c->fp, ng_err);
	if (c->ng == NULL) {
		capture_errorf(errbuf, "%s; fallback reader: %s", pcap_msg, ng_err);
		return CAPTURE_ERROR;
	}
	c->format = "pcapng-fallback";
	/* Bounded by the frames libpcap delivered; both readers count the same blocks. */
	for (i = 0; i < c->frames; i++) {
		st = pcapng_next(c->ng, &skipped, ng_err);
		if (st == CAPTURE_FRAME)
			continue;
		if (st == CAPTURE_END)
			capture_errorf(errbuf, "%s; fallback reader ended after %" PRIu64 " frames",
			               pcap_msg, i);
		else
			capture_errorf(errbuf, "%s; fallback reader: %s", pcap_msg, ng_err);
		return CAPTURE_ERROR;
	}
	return pcapng_next(c->ng, frame, errbuf);
}

static enum capture_status
next_pcap(struct capture *c, struct capture_frame *frame, char *errbuf)
{
	struct pcap_pkthdr *hdr;
	const u_char *data;
	char msg[PCAP_ERRBUF_SIZE];
	int rc;

	rc = pcap_next_ex(c->pcap, &hdr, &data);
	if (rc == 1) {
		frame->data = data;
		frame->caplen = hdr->caplen;
		frame->wirelen = hdr->len;
		/* Nanosecond precision was asked for: tv_usec holds nanoseconds. */
		frame->ts = ts_from_pcap((int64_t)hdr->ts.tv_sec, (int64_t)hdr->ts.tv_usec);
		frame->linktype = c->dlt;
		frame->interface = 0;
		c->next_record += c->record_header_len + hdr->caplen;
		return CAPTURE_FRAME;
	}
	if (rc == PCAP_ERROR_BREAK)
		return CAPTURE_END;
	if (rc == PCAP_ERROR)
		snprintf(msg, sizeof(msg), "%s", pcap_geterr(c->pcap));
	else
		snprintf(msg, sizeof(msg), "unexpected result %d from pcap_next_ex", rc);
	if (c->magic->pcapng && c->seekable)
		return switch_to_fallback(c, msg, frame, errbuf);
	if (strstr(msg, "truncated") == NULL) {
		capture_errorf(errbuf, "%s", msg);
		return CAPTURE_ERROR;
	}
	capture_errorf(errbuf, "the file ends inside the record at byte %" PRIu64 " (%s)",
	               c->next_record, msg);
	return CAPTURE_TRUNCATED;
}

enum capture_status
capture_next(struct capture *c, struct capture_frame *frame, char *errbuf)
{
	char err[CAPTURE_ERRBUF_SIZE];
	enum capture_status st;

	err[0] = 0; /* not "= {0}": that would clear 512 bytes per frame */
	if (c->done) {
		if (c->done_status != CAPTURE_END)
			capture_errorf(errbuf, "%s", c->done_err);
		return c->done_status;
	}
	if (c->ng != NULL)
		st = pcapng_next(c->ng, frame, err);
	else
		st = next_pcap(c, frame, err);
	if (st == CAPTURE_FRAME) {
		frame->number = ++c->frames;
		return st;
	}
	c->done = true;
	c->done_status = st;
	if (st != CAPTURE_END) {
		capture_errorf(c->done_err, "frame %" PRIu64 ": %s", c->frames + 1, err);
		capture_errorf(errbuf, "%s", c->done_err);
	}
	return st;
}

const char *
capture_format(const struct capture *c)
{
	return c->format;
}

size_t
capture_linktypes(const struct capture *c, int *out, size_t n)
{
	if (c->ng != NULL)
		return pcapng_linktypes(c->ng, out, n);
	if (n == 0)
		return 0;
	out[0] = c->dlt;
	return 1;
}

const char *
capture_interface_name(const struct capture *c, uint32_t id)
{
	const struct pcapng_idb *idb = c->ng != NULL ? pcapng_interface(c->ng, id) : NULL;

	return idb != NULL && idb->name[0] != 0 ? idb->name : NULL;
}

uint64_t
capture_offset(const struct capture *c)
{
	off_t pos;

	if (c->ng != NULL)
		return pcapng_offset(c->ng);
	if (c->peek != NULL)
		return c->peek->consumed;
	pos = ftello(pcap_file(c->pcap));
	return pos > c->start ? (uint64_t)(pos - c->start) : 0;
}

uint64_t
capture_size(const struct capture *c)
{
	return c->size;
}
