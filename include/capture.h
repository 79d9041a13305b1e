/*
 * Reading capture files: libpcap for pcap and pcapng, with a fallback
 * pcapng block reader (pcapng.c) for files libpcap refuses (interfaces of
 * different link types or snaplens).  Frames are numbered from 1 as in
 * Wireshark; bytes are borrowed until the next read.
 */
#ifndef PPTP_NATCHECK_CAPTURE_H
#define PPTP_NATCHECK_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"

#define CAPTURE_ERRBUF_SIZE 512

struct capture_frame {
	const uint8_t *data; /* borrowed until the next capture_next() */
	uint32_t caplen;     /* bytes in data */
	uint32_t wirelen;    /* bytes on the wire */
	ts_ns_t ts;
	uint64_t number; /* 1-based frame number in this file */
	int linktype;    /* DLT_* of this frame's interface */
	/* pcapng: the Interface Description Block the frame was captured on (its
	 * 0-based interface ID, as Wireshark shows it); pcap: 0. */
	uint32_t interface;
};

enum capture_status {
	CAPTURE_FRAME,     /* *frame filled */
	CAPTURE_END,       /* clean end of file */
	CAPTURE_TRUNCATED, /* the file ends inside a record (torn): errbuf says at which byte */
	CAPTURE_ERROR,     /* read error or corrupt record: errbuf says what; stop */
};

struct capture;

/*
 * Open path ("-" is standard input) or an already open stream (name is
 * used in messages; the capture takes ownership of fp, also on failure;
 * standard input is never closed).  NULL on failure
 * with errbuf saying why (not a capture file, unreadable, empty...).
 */
struct capture *capture_open(const char *path, char *errbuf);
struct capture *capture_open_stream(FILE *fp, const char *name, char *errbuf);
void capture_close(struct capture *c);

enum capture_status capture_next(struct capture *c, struct capture_frame *frame, char *errbuf);

/* printf into a caller's CAPTURE_ERRBUF_SIZE errbuf (NULL: nothing), for the readers. */
void capture_errorf(char *errbuf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The format named by a file's first n bytes ("pcap", "pcap-ns", "pcapng"), or NULL. */
const char *capture_format_of(const uint8_t *head, size_t n);
/* "gzip", "xz", "zstd" or "bzip2" when the first n bytes say so, else NULL. */
const char *capture_compression(const uint8_t *head, size_t n);

/* "pcap", "pcap-ns" (nanosecond pcap), "pcapng" (read by libpcap) or "pcapng-fallback"
 * (read by pcapng.c: libpcap refused it, or it declares several interfaces). */
const char *capture_format(const struct capture *c);
/* Link types seen so far (distinct, in order of first use), at most n returned. */
size_t capture_linktypes(const struct capture *c, int *out, size_t n);
/* The name a pcapng file gives interface id (if_name), NULL when none or not pcapng. */
const char *capture_interface_name(const struct capture *c, uint32_t id);
/* Bytes consumed and total size (0 when unknown, e.g. a pipe): for progress. */
uint64_t capture_offset(const struct capture *c);
uint64_t capture_size(const struct capture *c);

#endif
