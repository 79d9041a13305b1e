/*
 * IPv4 header checksums of PPTP packets (control and GRE) per sending
 * host, in one capture: what tells checksum offload on the capturing host
 * (every packet that host sent is wrong, from the first one) from a NAT
 * that emits wrong checksums (right at first, or on some packets only).
 */
#ifndef PPTP_NATCHECK_CHECKSUM_H
#define PPTP_NATCHECK_CHECKSUM_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "common.h"
#include "ip.h"
#include "map.h"

/* Sending hosts tracked per side: a NAT capture holds the clients, the
 * servers and the NAT; a flood of spoofed sources stops here, counted. */
#define CHECKSUM_MAX_HOSTS 4096

struct checksum_host {
	struct addr src;
	uint64_t packets, bad;    /* IPv4 PPTP packets it sent; with a wrong header checksum */
	uint64_t control_bad;     /* of them, control-connection packets */
	uint64_t good_before_bad; /* right checksums before the first wrong one */
	struct frame_ref first, first_bad, last_good;
};

struct checksum_hosts {
	struct checksum_host *hosts;
	uint32_t nhosts, cap;
	struct map by_src;
	uint64_t hosts_dropped; /* packets of hosts past CHECKSUM_MAX_HOSTS */
};

void checksum_hosts_init(struct checksum_hosts *h);
void checksum_hosts_free(struct checksum_hosts *h);
/* One IPv4 packet (IPv6 has no header checksum: ignored). */
void checksum_hosts_add(struct checksum_hosts *h, const struct ip_packet *ip, bool control,
                        const struct frame_ref *where);
/* NULL when src sent no IPv4 PPTP packet (or was not tracked). */
const struct checksum_host *checksum_hosts_find(const struct checksum_hosts *h,
                                                const struct addr *src);
/* Every packet the host sent had a wrong checksum, from the first one:
 * the signature of checksum offload on the capturing host. */
bool checksum_host_offloaded(const struct checksum_host *ch);

#endif
