/*
 * One side of the NAT (inside, outside, or the single capture): reads its
 * capture files in one streaming pass and keeps what they say about PPTP.
 * Data flow per frame: capture -> link -> ip (-> frag) -> tcp -> control
 * -> tunnels, or -> gre -> tunnels.
 */
#ifndef PPTP_NATCHECK_SIDE_H
#define PPTP_NATCHECK_SIDE_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "capture.h"
#include "checksum.h"
#include "control.h"
#include "diag.h"
#include "frag.h"
#include "gre.h"
#include "ip.h"
#include "tunnel.h"

/* Rotated files per side accepted on the command line. */
#define SIDE_MAX_FILES 64
/* Distinct link types remembered per file (pcapng may mix several). */
#define SIDE_MAX_LINKTYPES 8
/* Frames between progress callbacks: a few per second at full speed. */
#define SIDE_PROGRESS_EVERY 65536
/* Servers that --server left out, remembered to name them when it matched
 * nothing: a handful is all a message can use. */
#define SIDE_MAX_OTHER_SERVERS 16
/* A split capture's interface label and how its inside was decided (legs.c). */
#define SIDE_LEG_LEN 48
#define SIDE_LEG_HOW_LEN 384
/* Tunnels nested in front of GRE/TCP (IP-in-IP, IPv6-in-IPv4...). */
#define SIDE_MAX_NESTING 3

enum side_role {
	SIDE_INSIDE,
	SIDE_OUTSIDE,
	SIDE_SINGLE,
};

struct side_input {
	const char *path; /* borrowed from argv */
	char format[24];
	int linktypes[SIDE_MAX_LINKTYPES];
	unsigned nlinktypes;
	uint64_t packets;
	uint64_t ignored; /* frames not decoded: unsupported link, not IP... */
	bool truncated;   /* the file ended inside a record */
	bool damaged;     /* a read error stopped the file early */
	char error[CAPTURE_ERRBUF_SIZE];
	ts_ns_t first_ts, last_ts;
};

struct side_counters {
	uint64_t tcp_pptp_segments, gre_pptp, gre_other;
	uint64_t icmp_gre;     /* ICMP errors quoting PPTP GRE */
	uint64_t icmp_control; /* ICMP errors quoting a control connection segment */
	struct frame_ref first_icmp_control;
};

struct side;
typedef void (*side_progress_fn)(void *ctx, const struct side *s, uint64_t done, uint64_t total);

struct side {
	enum side_role role;
	struct side_input inputs[SIDE_MAX_FILES];
	unsigned ninputs;
	struct diag diag;
	struct tunnels tunnels;
	struct control *control;
	struct frag_table *frag;
	struct side_counters counters;
	struct checksum_hosts checksums; /* IPv4 header checksums per sender of PPTP packets */
	bool has_server_filter;
	struct addr server_filter;
	/* TCP port 1723 peers the filter left out (distinct, first seen first). */
	struct addr other_servers[SIDE_MAX_OTHER_SERVERS];
	unsigned nother_servers;
	bool other_servers_more;   /* more than SIDE_MAX_OTHER_SERVERS */
	ts_ns_t first_ts, last_ts; /* over all files; 0 when no frame */
	side_progress_fn progress;
	void *progress_ctx;
	/* One leg of a capture holding both (legs.c): the interface ("" for a
	 * whole file), and on the inside side how that was decided. */
	char leg[SIDE_LEG_LEN];
	char leg_how[SIDE_LEG_HOW_LEN];
};

/* false when memory ran out. */
bool side_init(struct side *s, enum side_role role, const struct addr *server_filter);
void side_free(struct side *s);

/*
 * Read one capture file to its end.  Returns false only when the file
 * cannot be opened at all (errbuf says why); damage inside a file is
 * recorded in the side's inputs and diagnostics, and reading stops there.
 */
bool side_read_file(struct side *s, const char *path, char *errbuf);
/* Read an already opened capture in this thread (tests, fuzz harness). */
void side_read_capture(struct side *s, struct capture *cap, const char *path);

/*
 * The steps of reading one file, for a reader in another thread
 * (reader.c) as for side_read_capture: begin (NO_INDEX past
 * SIDE_MAX_FILES), every frame in order, then how the file ended.
 */
uint32_t side_input_begin(struct side *s, const char *path);
/*
 * What decoding a frame found, so that it is decoded once: the reading
 * thread decodes (side_frame_decode), the analysing thread goes on from
 * there (side_input_decoded).  Pointers in ip and gre are kept as offsets
 * from the frame's first byte, valid in any copy of its leading bytes.
 */
enum side_decode_kind {
	SIDE_DECODE_FULL, /* decode in the analysis: not IP, damaged, fragment, nested... */
	SIDE_DECODE_SKIP, /* an IP packet of no interest: only its time counts */
	SIDE_DECODE_IP,   /* ip holds the top-level IPv4/IPv6 header (TCP, ICMP errors...) */
	SIDE_DECODE_GRE,  /* ip and gre hold an unfragmented PPTP GRE packet */
};

struct side_decoded {
	uint8_t kind; /* enum side_decode_kind */
	struct ip_packet ip;
	struct gre_packet gre;
};

/*
 * Decode a frame's link, IP and (for GRE) GRE headers; return how many
 * leading bytes the analysis reads, so that a reader in another thread
 * copies no more: 0 for an IP packet of no interest (UDP...), the headers
 * and GREFLOW_PAYLOAD_READ payload bytes of a PPTP GRE packet, the whole
 * frame otherwise.  Pure.
 */
size_t side_frame_decode(const struct capture_frame *f, struct side_decoded *d);
/* The same length without the decoding (kept for readers that do not pass it on). */
size_t side_frame_needed(const struct capture_frame *f);
/* One frame decoded by side_frame_decode (f may hold only the bytes it asked for). */
void side_input_decoded(struct side *s, uint32_t index, const struct capture_frame *f,
                        const struct side_decoded *d);
/* A frame side_frame_needed() found of no interest: only its time counts. */
void side_input_skip(struct side *s, uint32_t index, ts_ns_t ts);
void side_input_frame(struct side *s, uint32_t index, const struct capture_frame *f);
void side_input_end(struct side *s, uint32_t index, enum capture_status st, const char *errbuf,
                    const char *format, const int *linktypes, unsigned nlinktypes);
/* One frame of file number file_index (exposed for tests). */
void side_frame(struct side *s, uint32_t file_index, const struct capture_frame *f);
/* After the last file: flush reassembly. */
void side_finish(struct side *s);

const char *side_role_name(enum side_role role);
/* Evidence of the kinds in mask (DAMAGE_*) may be missing: a damaged file,
 * a torn file followed by another, or an input diagnostic whose
 * code_damage() overlaps mask.  A torn last file is not damage (see side.c). */
bool side_damaged(const struct side *s, unsigned mask);
/* The side's last file ends in a torn record. */
bool side_torn(const struct side *s);
/*
 * What the tear cut: call c (of this side, NULL: false) was still up when the
 * torn last file ended, with its evidence unfinished there (no reply yet, or
 * GRE in at most one direction): what is missing may be in the lost bytes.
 */
bool side_call_cut(const struct side *s, const struct call *c);

#endif
