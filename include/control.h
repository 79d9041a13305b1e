/*
 * PPTP control connections of one side: finds them among TCP traffic
 * (port 1723, or a payload that starts with a PPTP header), reassembles
 * each direction (stream.c), frames messages by their Length (pptp.c) and
 * hands them to tunnels.
 */
#ifndef PPTP_NATCHECK_CONTROL_H
#define PPTP_NATCHECK_CONTROL_H

#include <stdint.h>

#include "diag.h"
#include "ip.h"
#include "tcp.h"
#include "tunnel.h"

/* Connections reassembled at once; the least recently active is closed
 * beyond this (100 000 half-open connections must not cost 100 000 buffers). */
#define CONTROL_MAX_OPEN 1024
/* Bytes of a direction tried for a PPTP header before it is declared not
 * PPTP and ignored (a non-PPTP service on port 1723). */
#define CONTROL_GIVE_UP_BYTES 4096

struct control;

struct control *control_new(struct tunnels *t, struct diag *d);
void control_free(struct control *c);

void control_segment(struct control *c, const struct ip_packet *ip, const struct tcp_segment *tcp,
                     const struct frame_ref *where);
/* End of a side's input: deliver what is buffered, reporting gaps. */
void control_finish(struct control *c);
/* Gaps and conflicts seen in control connections (evidence quality). */
uint64_t control_gaps(const struct control *c);

#endif
