/*
 * Minimal pcapng writer (draft-ietf-opsawg-pcapng): one section, interfaces
 * with a name and a description, Enhanced Packet Blocks with a comment.
 * libpcap 1.10 writes pcap only; the evidence file needs interfaces of
 * different link types and per-packet comments, which only pcapng has.
 *
 * Blocks are little-endian whatever the host (the same bytes everywhere),
 * time stamps in nanoseconds (if_tsresol 9).  Every block this writer
 * produces is one the reader in pcapng.c accepts (at most PCAPNG_MAX_BLOCK).
 */
#ifndef PPTP_NATCHECK_PCAPNG_WRITE_H
#define PPTP_NATCHECK_PCAPNG_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"

/* Bytes kept of a string option (comment, name, description): a comment
 * longer than this helps nobody in Wireshark's packet list, and the bound
 * keeps a full-size packet's block within PCAPNG_MAX_BLOCK.  Longer strings
 * are cut at a UTF-8 character boundary. */
#define PCAPNG_WRITE_MAX_STRING 512
/* Largest packet written: libpcap's own limit on a frame (MAXIMUM_SNAPLEN). */
#define PCAPNG_WRITE_MAX_CAPLEN (256 * 1024)
/* Interfaces per file: the evidence file has one per side and link type. */
#define PCAPNG_WRITE_MAX_INTERFACES 64

/*
 * Pure block encoders: one whole block (header, body, options with their
 * padding, end of options, trailing length) into buf.  They return the
 * block's length, or 0 when it does not fit in cap or an argument is out
 * of range (unknown link type, caplen above PCAPNG_WRITE_MAX_CAPLEN or
 * wirelen).  NULL or "" strings are left out.
 */
size_t pcapng_encode_shb(uint8_t *buf, size_t cap, const char *userappl, const char *comment);
size_t pcapng_encode_idb(uint8_t *buf, size_t cap, int dlt, uint32_t snaplen, const char *name,
                         const char *description);
/* ts: nanoseconds since the epoch; a time before 1970 is written as 0. */
size_t pcapng_encode_epb(uint8_t *buf, size_t cap, uint32_t interface_id, ts_ns_t ts,
                         const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                         const char *comment);
/* Bytes a string option takes once encoded (header and padding), 0 for NULL or "". */
size_t pcapng_option_size(const char *value);

/* DLT_ value (as in frames) to the LINKTYPE_ value written in the file. */
uint16_t pcapng_dlt_to_linktype(int dlt);

struct pcapng_writer {
	FILE *fp; /* not owned */
	uint8_t *buf;
	size_t buf_size;
	uint32_t ninterfaces;
	uint64_t packets;
};

/* Writes the section header; false (errbuf says why) on a write error. */
bool pcapng_writer_open(struct pcapng_writer *w, FILE *fp, const char *userappl,
                        const char *comment, char *errbuf, size_t errlen);
/* Declares the next interface; *id is its number for pcapng_writer_packet. */
bool pcapng_writer_interface(struct pcapng_writer *w, int dlt, uint32_t snaplen, const char *name,
                             const char *description, uint32_t *id, char *errbuf, size_t errlen);
bool pcapng_writer_packet(struct pcapng_writer *w, uint32_t interface_id, ts_ns_t ts,
                          const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                          const char *comment, char *errbuf, size_t errlen);
/* Frees the writer's buffer; fp stays open (the caller flushes and closes it). */
void pcapng_writer_close(struct pcapng_writer *w);

#endif
