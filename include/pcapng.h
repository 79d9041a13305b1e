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

struct pcapng_reader;

/* fp positioned at the start of the file; the reader does not own fp. */
struct pcapng_reader *pcapng_open(FILE *fp, char *errbuf);
void pcapng_close(struct pcapng_reader *r);
/* Same contract as capture_next (frame->number left to the caller). */
enum capture_status pcapng_next(struct pcapng_reader *r, struct capture_frame *frame,
				char *errbuf);
/* Bytes consumed so far. */
uint64_t pcapng_offset(const struct pcapng_reader *r);

/*
 * Pure parsers, for the fuzz harness and unit tests: parse one Interface
 * Description Block body / one Enhanced Packet Block body (after the 8-byte
 * block header, without the trailing length) in the given byte order.
 */
struct pcapng_idb {
	uint16_t linktype;
	uint32_t snaplen;
	uint8_t tsresol_exp; /* value of if_tsresol; default 6 (microseconds) */
};
enum parse_status pcapng_parse_idb(const uint8_t *p, size_t len, bool big_endian,
				   struct pcapng_idb *out);
struct pcapng_epb {
	uint32_t interface_id;
	uint64_t ts_units;
	uint32_t caplen, wirelen;
	const uint8_t *data;
};
enum parse_status pcapng_parse_epb(const uint8_t *p, size_t len, bool big_endian,
				   struct pcapng_epb *out);

#endif
