/*
 * Link layers: one table row per supported DLT, each yielding the offset
 * and ethertype of the network-layer packet inside a frame.
 */
#ifndef PPTP_NATCHECK_LINK_H
#define PPTP_NATCHECK_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

#define LINK_ETHERTYPE_IPV4 0x0800
#define LINK_ETHERTYPE_IPV6 0x86DD
/*
 * No ethertype: the frame carries a network layer that has none (LLC
 * without SNAP, PPP other than IP, an unknown loopback family).  0 is not
 * an ethertype (values below 0x0600 are 802.3 lengths).
 */
#define LINK_ETHERTYPE_NONE 0x0000

/* 802.1Q/802.1ad tags peeled before giving up (QinQ is two; be generous). */
#define LINK_MAX_VLAN_TAGS 4

struct link_frame {
	uint16_t ethertype; /* of the network layer: LINK_ETHERTYPE_* or other */
	size_t offset;      /* where the network-layer packet starts */
	unsigned vlan_tags; /* tags peeled */
};

/*
 * Parse the link header of a frame of link type dlt (DLT_* from pcap).
 * OK: out filled (ethertype may be one we do not decode; the caller counts
 * it).  TRUNCATED: header cut short.  INVALID: header contradicts itself.
 * UNSUPPORTED: the link type is not in the table, or the frame carries no
 * network-layer packet (802.11 management/control, non-data frames).
 */
enum parse_status link_parse(int dlt, const uint8_t *p, size_t len, struct link_frame *out);

/* Linux cooked v2 packet types (packet(7) PACKET_*): to this host, or sent by it. */
#define LINK_SLL2_HOST 0
#define LINK_SLL2_OUTGOING 4

/*
 * A LINUX_SLL2 frame's interface index and packet type (tcpdump -i any
 * records both), false when the header is cut short.  Pure.
 */
bool link_sll2_interface(const uint8_t *p, size_t len, uint32_t *ifindex, uint8_t *pkttype);

/* Whether the link type is in the table; a short name for reports. */
bool link_supported(int dlt);
/* "EN10MB", "LINUX_SLL"...; "unknown" for a link type not in the table. */
const char *link_name(int dlt);
/* The table's link types: fills up to n of them, returns how many there are. */
size_t link_types(int *dlts, size_t n);

#endif
