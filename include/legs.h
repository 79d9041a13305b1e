/*
 * One capture holding both legs of a NAT (tcpdump -i any on the NAT box:
 * LINUX_SLL2 with each packet's interface index; dumpcap -i lan0 -i wan0:
 * one pcapng interface per leg).  Frames are routed, in the one streaming
 * pass, to one side per interface; afterwards the interfaces that carry
 * PPTP decide whether the file is judged as a pair (which interface is
 * inside, and why) or as one capture.
 */
#ifndef PPTP_NATCHECK_LEGS_H
#define PPTP_NATCHECK_LEGS_H

#include <stdbool.h>
#include <stdint.h>

#include "capture.h"
#include "side.h"

/* Interfaces followed in one capture: a NAT box's LAN and WAN, loopback and
 * a few more; frames of further interfaces are counted and not analysed
 * (each interface costs a side's tables). */
#define LEGS_MAX 8
/* pcapng interface IDs whose names (if_name) are kept for reports. */
#define LEGS_NAMED 16
#define LEGS_LABEL_LEN 48

/* Where a frame was captured: its pcapng interface, and for LINUX_SLL2
 * frames the interface index in the link header. */
struct leg_id {
	uint32_t interface;
	uint32_t ifindex;
	bool has_ifindex;
};

/* The interface of a frame.  Pure; cheap enough for every frame. */
struct leg_id legs_id_of(const struct capture_frame *f);

/* LINUX_SLL2 packet types of a leg's control segments, per direction: to the
 * server (TCP destination port 1723) or to the client; arriving at the box
 * ("to us") or leaving it ("outgoing"). */
struct leg_types {
	uint64_t to_server_in, to_server_out, to_client_in, to_client_out;
};

struct legs {
	struct side *sides[LEGS_MAX]; /* one per interface, in order of first frame */
	struct leg_types types[LEGS_MAX];
	struct leg_id ids[LEGS_MAX];
	unsigned n;
	unsigned last; /* the leg of the previous frame: most frames follow their neighbour's */
	char names[LEGS_NAMED][LEGS_LABEL_LEN]; /* pcapng if_name per interface ID */
	const char *paths[SIDE_MAX_FILES];
	uint64_t file_packets[SIDE_MAX_FILES];
	ts_ns_t file_first[SIDE_MAX_FILES], file_last[SIDE_MAX_FILES];
	unsigned nfiles;
	uint64_t overflow; /* frames of interfaces past LEGS_MAX */
	struct frame_ref first_overflow;
	bool has_server_filter;
	struct addr server_filter;
	bool oom;
};

/* false when memory ran out.  sides[0] exists from the start (for progress). */
bool legs_init(struct legs *l, const struct addr *server_filter);
void legs_free(struct legs *l);

/* The reading steps, as side_input_* (reader.c replays them). */
uint32_t legs_input_begin(struct legs *l, const char *path);
void legs_input_frame(struct legs *l, uint32_t index, const struct capture_frame *f,
                      const struct leg_id *id);
/* The same, for a frame side_frame_decode() decoded already (the reading thread's copy). */
void legs_input_decoded(struct legs *l, uint32_t index, const struct capture_frame *f,
                        const struct leg_id *id, const struct side_decoded *dec);
void legs_input_skip(struct legs *l, uint32_t index, ts_ns_t ts, const struct leg_id *id);
void legs_input_end(struct legs *l, uint32_t index, enum capture_status st, const char *errbuf,
                    const char *format, const int *linktypes, unsigned nlinktypes,
                    const struct capture *names_from);
/* Read an opened capture in this thread (tests; no reader thread). */
void legs_read_capture(struct legs *l, struct capture *cap, const char *path);
/* After the last file: flush every side's reassembly. */
void legs_finish(struct legs *l);

/* Interface label for reports: "lan0", "interface 1", "ifindex 3". */
void legs_label(const struct legs *l, unsigned leg, char out[LEGS_LABEL_LEN]);

struct legs_choice {
	bool paired;
	unsigned inside, outside; /* legs; single: inside is the one judged */
	char how[SIDE_LEG_HOW_LEN];
};

/*
 * Decide: with at most one interface carrying PPTP, one capture (that
 * interface); with two, a pair oriented from the packets or by
 * want_inside / want_outside (NAME or number, NULL: not given).  false
 * (errbuf says why, for exit status 2) when the choice cannot be made:
 * an option names no interface, more than two carry PPTP without both
 * options, or the packets cannot tell two apart without --inside-interface.
 * Sets each chosen side's role, interface label and coverage.
 */
bool legs_choose(struct legs *l, const char *want_inside, const char *want_outside,
                 struct legs_choice *out, char *errbuf, size_t errlen);

#endif
