/*
 * Minimal pcapng block reader, used only when libpcap refuses a file
 * (libpcap 1.10 rejects interfaces that differ in link type or snaplen).
 * Reads SHB, IDB, EPB, SPB and skips every other block; every block length
 * is checked against what was read and against PCAPNG_MAX_BLOCK.
 */
#ifndef PPTP_NATCHECK_PCAPNG_H
#define PPTP_NATCHECK_PCAPNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "capture.h"
#include "common.h"

/* Largest block accepted: a 256 KiB packet plus headers (libpcap's own limit is 16 MiB,
 * but no PPTP frame approaches it; a bigger claim is a lying length). */
#define PCAPNG_MAX_BLOCK (256 * 1024 + 1024)
/* Interfaces per section (mergecap of many interfaces still stays far below). */
#define PCAPNG_MAX_INTERFACES 256
/* Distinct link types listed by pcapng_linktypes(); a file mixing more is still read, the
 * extra types are only not listed (each frame carries its own). */
#define PCAPNG_MAX_LINKTYPES 16

struct pcapng_reader;

/* fp positioned at the start of the file; the reader does not own fp. */
struct pcapng_reader *pcapng_open(FILE *fp, char *errbuf);
void pcapng_close(struct pcapng_reader *r);
/* Same contract as capture_next (frame->number left to the caller). */
enum capture_status pcapng_next(struct pcapng_reader *r, struct capture_frame *frame, char *errbuf);
/* Bytes consumed so far. */
uint64_t pcapng_offset(const struct pcapng_reader *r);
/* Distinct DLT_ link types of the frames read so far (the first is read by pcapng_open),
 * in order of first use; at most n returned. */
size_t pcapng_linktypes(const struct pcapng_reader *r, int *out, size_t n);

/*
 * Pure parsers, for the fuzz harness and unit tests: parse one Interface
 * Description Block body / one Enhanced Packet Block body (after the 8-byte
 * block header, without the trailing length) in the given byte order.
 */
/* Bytes of an interface name kept (if_name), terminator included: Linux names are at most 15. */
#define PCAPNG_IFNAME_LEN 32

struct pcapng_idb {
	uint16_t linktype;            /* LINKTYPE_ value as on disk */
	char name[PCAPNG_IFNAME_LEN]; /* if_name, printable ASCII only; "" when absent */
	uint32_t snaplen;             /* 0: no limit */
	uint8_t tsresol_exp;          /* value of if_tsresol; default 6 (microseconds) */
	int64_t tsoffset; /* if_tsoffset, seconds added to every time stamp; default 0 */
};
enum parse_status pcapng_parse_idb(const uint8_t *p, size_t len, bool big_endian,
                                   struct pcapng_idb *out);
/* Interfaces of the current section, for tests and diagnostics (NULL past the end). */
size_t pcapng_interface_count(const struct pcapng_reader *r);
const struct pcapng_idb *pcapng_interface(const struct pcapng_reader *r, size_t i);
/* A time stamp in the interface's units (if_tsresol) as nanoseconds, plus if_tsoffset;
 * saturates at the ends of ts_ns_t. */
ts_ns_t pcapng_timestamp_ns(const struct pcapng_idb *idb, uint64_t ts_units);
struct pcapng_epb {
	uint32_t interface_id;
	uint64_t ts_units;
	uint32_t caplen, wirelen;
	const uint8_t *data;
};
enum parse_status pcapng_parse_epb(const uint8_t *p, size_t len, bool big_endian,
                                   struct pcapng_epb *out);

#endif
