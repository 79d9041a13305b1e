/* Tests for link.c: every table row, VLAN/LLC/PPPoE/802.11 paths, prefixes, real captures. */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "link.h"
#include "testutil.h"

#ifndef LINKTYPE_RAW
#define LINKTYPE_RAW 101
#endif

/* clang-format off */
/* Building blocks, commented once. */
#define MACS                                                                                       \
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55,    /* destination */                                   \
	    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb /* source */
#define IP4 0x45, 0x00, 0x00, 0x14 /* first word of an IPv4 header: version 4, IHL 5 */
#define IP6 0x60, 0x00, 0x00, 0x00 /* first word of an IPv6 header: version 6 */
#define SNAP_IP4                                                                                   \
	0xaa, 0xaa, 0x03,            /* LLC: DSAP, SSAP SNAP, control UI */                        \
	    0x00, 0x00, 0x00,        /* SNAP OUI 00-00-00 (RFC 1042) */                            \
	    0x08, 0x00               /* ethertype IPv4 */
#define WLAN_ADDRS                                                                                 \
	0x00, 0x00,                                  /* duration */                                \
	    0x00, 0x11, 0x22, 0x33, 0x44, 0x55,      /* address 1 */                               \
	    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,      /* address 2 */                               \
	    0x02, 0x00, 0x00, 0x00, 0x00, 0x01       /* address 3 */
#define WLAN_ADDR4 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 /* address 4 */
#define SEQ0 0x10, 0x00                               /* sequence 1, fragment 0 (LE) */
#define RADIOTAP8                                                                                  \
	0x00, 0x00,             /* version 0, pad */                                               \
	    0x08, 0x00,         /* length 8 (LE) */                                                \
	    0x00, 0x00, 0x00, 0x00 /* present: nothing */

/* DLT_NULL */
static const uint8_t null_le[] = {0x02, 0x00, 0x00, 0x00 /* AF_INET, little-endian host */, IP4};
static const uint8_t null_be[] = {0x00, 0x00, 0x00, 0x02 /* AF_INET, big-endian host */, IP4};
static const uint8_t null_v6_24[] = {0x18, 0x00, 0x00, 0x00 /* AF_INET6 BSD (LE) */, IP6};
static const uint8_t null_v6_28[] = {0x00, 0x00, 0x00, 0x1c /* AF_INET6 FreeBSD (BE) */, IP6};
static const uint8_t null_v6_30[] = {0x1e, 0x00, 0x00, 0x00 /* AF_INET6 Darwin (LE) */, IP6};
static const uint8_t null_other[] = {0x07, 0x00, 0x00, 0x00 /* family 7: not IP */, 0x00};

/* DLT_EN10MB */
static const uint8_t eth_ipv4[] = {MACS, 0x08, 0x00 /* IPv4 */, IP4};
static const uint8_t eth_arp[] = {MACS, 0x08, 0x06 /* ARP */, 0x00, 0x01};
static const uint8_t eth_vlan[] = {MACS, 0x81, 0x00 /* 802.1Q */, 0x00, 0x8e /* VID 142 */,
				   0x08, 0x00 /* IPv4 */, IP4};
static const uint8_t eth_qinq[] = {MACS,
				   0x88, 0xa8, 0x00, 0x64, /* 802.1ad, VID 100 */
				   0x81, 0x00, 0x00, 0x0a, /* 802.1Q, VID 10 */
				   0x86, 0xdd /* IPv6 */, IP6};
static const uint8_t eth_9100[] = {MACS, 0x91, 0x00, 0x00, 0x05 /* old QinQ, VID 5 */,
				   0x08, 0x00 /* IPv4 */, IP4};
static const uint8_t eth_4tags[] = {MACS,
				    0x88, 0xa8, 0x00, 0x01, /* tag 1 */
				    0x81, 0x00, 0x00, 0x02, /* tag 2 */
				    0x91, 0x00, 0x00, 0x03, /* tag 3 */
				    0x81, 0x00, 0x00, 0x04, /* tag 4: LINK_MAX_VLAN_TAGS */
				    0x08, 0x00 /* IPv4 */, IP4};
static const uint8_t eth_5tags[] = {MACS,
				    0x88, 0xa8, 0x00, 0x01, /* tag 1 */
				    0x81, 0x00, 0x00, 0x02, /* tag 2 */
				    0x81, 0x00, 0x00, 0x03, /* tag 3 */
				    0x81, 0x00, 0x00, 0x04, /* tag 4 */
				    0x81, 0x00, 0x00, 0x05, /* tag 5: one too many */
				    0x08, 0x00, IP4};
static const uint8_t eth_snap[] = {MACS, 0x00, 0x1c /* 802.3 length 28 */, SNAP_IP4, IP4};
static const uint8_t eth_bridge_tunnel[] = {MACS, 0x00, 0x1c, /* 802.3 length 28 */
					    0xaa, 0xaa, 0x03, /* LLC SNAP UI */
					    0x00, 0x00, 0xf8, /* OUI 802.1H */
					    0x86, 0xdd /* IPv6 */, IP6};
static const uint8_t eth_snap_cisco[] = {MACS, 0x00, 0x10, /* 802.3 length 16 */
					 0xaa, 0xaa, 0x03, /* LLC SNAP UI */
					 0x00, 0x00, 0x0c, /* OUI Cisco */
					 0x20, 0x00 /* CDP */, 0x02};
static const uint8_t eth_stp[] = {MACS, 0x00, 0x26, /* 802.3 length 38 */
				  0x42, 0x42, 0x03 /* LLC: STP SAPs, UI */, 0x00, 0x00};
static const uint8_t eth_snap_short[] = {MACS, 0x00, 0x05, /* length 5: SNAP needs 8 */
					 SNAP_IP4, IP4};
static const uint8_t eth_len2[] = {MACS, 0x00, 0x02, /* length 2: LLC needs 3 */
				   0x42, 0x42, 0x03};
static const uint8_t eth_type_1535[] = {MACS, 0x05, 0xff /* neither length nor type */, IP4};
static const uint8_t eth_vlan_snap[] = {MACS, 0x81, 0x00, 0x00, 0x07, /* 802.1Q, VID 7 */
					0x00, 0x1c /* 802.3 length 28 */, SNAP_IP4, IP4};
static const uint8_t eth_pppoe_ipv4[] = {MACS, 0x88, 0x64, /* PPPoE session */
					 0x11, 0x00, /* version 1 type 1, code session */
					 0x12, 0x34, /* session ID */
					 0x00, 0x16, /* length 22 */
					 0x00, 0x21 /* PPP: IPv4 */, IP4};
static const uint8_t eth_pppoe_ipv6[] = {MACS, 0x88, 0x64, 0x11, 0x00, 0x12, 0x34, /* as above */
					 0x00, 0x2a,  /* length 42 */
					 0x00, 0x57 /* PPP: IPv6 */, IP6};
static const uint8_t eth_pppoe_pfc[] = {MACS, 0x88, 0x64, 0x11, 0x00, 0x12, 0x34, /* as above */
					0x00, 0x15, /* length 21 */
					0x21 /* PPP: IPv4, compressed */, IP4};
static const uint8_t eth_pppoe_lcp[] = {MACS, 0x88, 0x64, 0x11, 0x00, 0x12, 0x34, /* as above */
					0x00, 0x06, /* length 6 */
					0xc0, 0x21 /* PPP: LCP */, 0x09, 0x01, 0x00, 0x04};
static const uint8_t eth_pppoe_badver[] = {MACS, 0x88, 0x64, 0x21 /* version 2 */, 0x00,
					   0x12, 0x34, 0x00, 0x16, 0x00, 0x21, IP4};
static const uint8_t eth_pppoe_padi[] = {MACS, 0x88, 0x64, 0x11, 0x09 /* code PADI */, 0x00, 0x00,
					 0x00, 0x04, 0x01, 0x01, 0x00, 0x00};
static const uint8_t eth_pppoe_len1[] = {MACS, 0x88, 0x64, 0x11, 0x00, 0x12, 0x34,
					 0x00, 0x01, /* length 1 < protocol field 2 */
					 0x00, 0x21, IP4};
static const uint8_t eth_vlan_pppoe[] = {MACS, 0x81, 0x00, 0x00, 0x0a, /* 802.1Q, VID 10 */
					 0x88, 0x64, 0x11, 0x00, 0x12, 0x34, 0x00, 0x16, /* PPPoE */
					 0x00, 0x21 /* PPP: IPv4 */, IP4};

/* DLT_PPP */
static const uint8_t ppp_acf[] = {0xff, 0x03 /* address, control */, 0x00, 0x21 /* IPv4 */, IP4};
static const uint8_t ppp_noacf[] = {0x00, 0x21 /* IPv4, ff 03 compressed away */, IP4};
static const uint8_t ppp_pfc[] = {0xff, 0x03, 0x21 /* IPv4, protocol compressed */, IP4};
static const uint8_t ppp_ipv6[] = {0x00, 0x57 /* IPv6 */, IP6};
static const uint8_t ppp_lcp[] = {0xff, 0x03, 0xc0, 0x21 /* LCP */, 0x01, 0x01, 0x00, 0x04};
static const uint8_t ppp_badctl[] = {0xff, 0x05 /* control must be 03 */, 0x00, 0x21, IP4};
static const uint8_t ppp_even[] = {0x00, 0x20 /* protocol low byte even */, IP4};

/* DLT_RAW, LINKTYPE_RAW */
static const uint8_t raw_ipv4[] = {IP4};
static const uint8_t raw_ipv6[] = {IP6};
static const uint8_t raw_v5[] = {0x50, 0x00, 0x00, 0x00 /* version 5 */};

/* DLT_PPP_SERIAL */
static const uint8_t pppser_ipv6[] = {0xff, 0x03, 0x00, 0x57 /* IPv6 */, IP6};
static const uint8_t pppser_chdlc[] = {0x0f, 0x00 /* Cisco unicast, control */, 0x08, 0x00,
				       IP4};
static const uint8_t pppser_bad[] = {0x42 /* neither ff nor Cisco */, 0x03, 0x00, 0x21, IP4};

/* DLT_PPP_ETHER */
static const uint8_t pppoe_bare[] = {0x11, 0x00, 0x00, 0x01 /* session 1 */, 0x00, 0x06,
				     0x00, 0x21 /* PPP: IPv4 */, IP4};

/* DLT_C_HDLC */
static const uint8_t chdlc_ipv4[] = {0x0f, 0x00, 0x08, 0x00 /* IPv4 */, IP4};
static const uint8_t chdlc_ipv6[] = {0x8f /* broadcast */, 0x00, 0x86, 0xdd, IP6};
static const uint8_t chdlc_badaddr[] = {0x1f /* not 0f/8f */, 0x00, 0x08, 0x00, IP4};
static const uint8_t chdlc_badctl[] = {0x0f, 0x01 /* control must be 0 */, 0x08, 0x00, IP4};

/* DLT_IEEE802_11 */
static const uint8_t wlan_data[] = {0x08, 0x02 /* data; FromDS */, WLAN_ADDRS, SEQ0, SNAP_IP4,
				    IP4};
static const uint8_t wlan_qos[] = {0x88, 0x01 /* QoS data; ToDS */, WLAN_ADDRS, SEQ0,
				   0x00, 0x00 /* QoS control */, SNAP_IP4, IP4};
static const uint8_t wlan_qos_htc[] = {0x88, 0x81 /* QoS data; ToDS, Order */, WLAN_ADDRS, SEQ0,
				       0x00, 0x00, /* QoS control */
				       0x00, 0x00, 0x00, 0x00 /* HT control */, SNAP_IP4, IP4};
static const uint8_t wlan_4addr[] = {0x08, 0x03 /* data; ToDS, FromDS */, WLAN_ADDRS, SEQ0,
				     WLAN_ADDR4, SNAP_IP4, IP4};
static const uint8_t wlan_4addr_qos[] = {0x88, 0x03 /* QoS data; ToDS, FromDS */, WLAN_ADDRS,
					 SEQ0, WLAN_ADDR4, 0x00, 0x00 /* QoS */, SNAP_IP4, IP4};
static const uint8_t wlan_nosnap[] = {0x08, 0x02, WLAN_ADDRS, SEQ0,
				      0xe0, 0xe0, 0x03 /* LLC: IPX SAPs */, 0xff, 0xff};
static const uint8_t wlan_protected[] = {0x08, 0x42 /* data; FromDS, Protected */, WLAN_ADDRS,
					 SEQ0, 0x00, 0x00, 0x00, 0x00};
static const uint8_t wlan_beacon[] = {0x80, 0x00 /* management: beacon */, WLAN_ADDRS, SEQ0};
static const uint8_t wlan_ack[] = {0xd4, 0x00 /* control: ACK */, 0x00, 0x00,
				   0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t wlan_null[] = {0x48, 0x01 /* data: Null function */, WLAN_ADDRS, SEQ0};
static const uint8_t wlan_qos_null[] = {0xc8, 0x01 /* data: QoS Null */, WLAN_ADDRS, SEQ0,
					0x00, 0x00};
static const uint8_t wlan_version1[] = {0x09 /* protocol version 1 */, 0x02, WLAN_ADDRS, SEQ0,
					SNAP_IP4, IP4};
static const uint8_t wlan_frag1[] = {0x08, 0x02, WLAN_ADDRS,
				     0x11, 0x00 /* sequence 1, fragment 1 */, 0x00, 0x00};
static const uint8_t wlan_amsdu[] = {0x88, 0x01, WLAN_ADDRS, SEQ0,
				     0x80, 0x00 /* QoS: A-MSDU present */, MACS};

/* DLT_IEEE802_11_RADIO */
static const uint8_t radio_data[] = {RADIOTAP8, 0x08, 0x02, WLAN_ADDRS, SEQ0, SNAP_IP4, IP4};
static const uint8_t radio_flags[] = {0x00, 0x00, 0x0a, 0x00, /* version, pad, length 10 */
				      0x02, 0x00, 0x00, 0x00, /* present: Flags */
				      0x10, 0x00, /* Flags: FCS at end; pad */
				      0x08, 0x02, WLAN_ADDRS, SEQ0, SNAP_IP4, IP4,
				      0xde, 0xad, 0xbe, 0xef /* FCS: after the IP packet */};
static const uint8_t radio_len6[] = {0x00, 0x00, 0x06, 0x00 /* length 6 < 8 */, 0x00, 0x00,
				     0x00, 0x00, 0x08, 0x02};
static const uint8_t radio_v1[] = {0x01 /* version 1 */, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
				   0x08, 0x02};
static const uint8_t radio_past_end[] = {0x00, 0x00, 0x40, 0x00 /* length 64 */, 0x00, 0x00,
					 0x00, 0x00, 0x08, 0x02, 0x00, 0x00};

/* DLT_LOOP */
static const uint8_t loop_ipv4[] = {0x00, 0x00, 0x00, 0x02 /* AF_INET, network order */, IP4};
static const uint8_t loop_ipv6[] = {0x00, 0x00, 0x00, 0x18 /* AF_INET6 (OpenBSD) */, IP6};
static const uint8_t loop_le[] = {0x02, 0x00, 0x00, 0x00 /* little-endian: not for LOOP */, IP4};

/* DLT_LINUX_SLL */
#define SLL_HEAD                                                                                   \
	0x00, 0x00,                                         /* packet type: to us */               \
	    0x00, 0x01,                                     /* ARPHRD_ETHER */                     \
	    0x00, 0x06,                                     /* address length */                   \
	    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x00 /* address, padded to 8 */
static const uint8_t sll_ipv4[] = {SLL_HEAD, 0x08, 0x00 /* IPv4 */, IP4};
static const uint8_t sll_vlan[] = {SLL_HEAD, 0x81, 0x00 /* 802.1Q, reinserted by libpcap */,
				   0x00, 0x0a, 0x86, 0xdd /* IPv6 */, IP6};
static const uint8_t sll_llc[] = {SLL_HEAD, 0x00, 0x04 /* ETH_P_802_2 */, SNAP_IP4, IP4};
static const uint8_t sll_8023[] = {SLL_HEAD, 0x00, 0x01 /* ETH_P_802_3: Novell raw */, 0xff, 0xff};

/* DLT_LINUX_SLL2 */
#define SLL2_TAIL                                                                                  \
	0x00, 0x00,                                         /* reserved */                         \
	    0x00, 0x00, 0x00, 0x02,                         /* interface index */                  \
	    0x00, 0x01,                                     /* ARPHRD_ETHER */                     \
	    0x04,                                           /* packet type: outgoing */            \
	    0x06,                                           /* address length */                   \
	    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x00 /* address, padded to 8 */
static const uint8_t sll2_ipv4[] = {0x08, 0x00 /* IPv4 */, SLL2_TAIL, IP4};
static const uint8_t sll2_ipv6[] = {0x86, 0xdd /* IPv6 */, SLL2_TAIL, IP6};

/* DLT_IPV4, DLT_IPV6: no header at all */
static const uint8_t bare_ipv4[] = {IP4};
static const uint8_t bare_ipv6[] = {IP6};

struct frame_case {
	const char *name;
	int dlt;
	const uint8_t *bytes;
	size_t len;
	enum parse_status status;
	uint16_t ethertype;
	size_t offset;
	unsigned vlan_tags;
	size_t need; /* shortest prefix that parses OK (OK cases only) */
};

#define OK_CASE(dlt, a, type, off, tags, need)                                                     \
	{#a, dlt, a, sizeof(a), PARSE_OK, type, off, tags, need}
#define BAD_CASE(dlt, a, status) {#a, dlt, a, sizeof(a), status, 0, 0, 0, 0}

static const struct frame_case cases[] = {
	OK_CASE(DLT_NULL, null_le, LINK_ETHERTYPE_IPV4, 4, 0, 4),
	OK_CASE(DLT_NULL, null_be, LINK_ETHERTYPE_IPV4, 4, 0, 4),
	OK_CASE(DLT_NULL, null_v6_24, LINK_ETHERTYPE_IPV6, 4, 0, 4),
	OK_CASE(DLT_NULL, null_v6_28, LINK_ETHERTYPE_IPV6, 4, 0, 4),
	OK_CASE(DLT_NULL, null_v6_30, LINK_ETHERTYPE_IPV6, 4, 0, 4),
	OK_CASE(DLT_NULL, null_other, LINK_ETHERTYPE_NONE, 4, 0, 4),
	OK_CASE(DLT_EN10MB, eth_ipv4, LINK_ETHERTYPE_IPV4, 14, 0, 14),
	OK_CASE(DLT_EN10MB, eth_arp, 0x0806, 14, 0, 14),
	OK_CASE(DLT_EN10MB, eth_vlan, LINK_ETHERTYPE_IPV4, 18, 1, 18),
	OK_CASE(DLT_EN10MB, eth_qinq, LINK_ETHERTYPE_IPV6, 22, 2, 22),
	OK_CASE(DLT_EN10MB, eth_9100, LINK_ETHERTYPE_IPV4, 18, 1, 18),
	OK_CASE(DLT_EN10MB, eth_4tags, LINK_ETHERTYPE_IPV4, 30, 4, 30),
	BAD_CASE(DLT_EN10MB, eth_5tags, PARSE_UNSUPPORTED),
	OK_CASE(DLT_EN10MB, eth_snap, LINK_ETHERTYPE_IPV4, 22, 0, 22),
	OK_CASE(DLT_EN10MB, eth_bridge_tunnel, LINK_ETHERTYPE_IPV6, 22, 0, 22),
	OK_CASE(DLT_EN10MB, eth_snap_cisco, LINK_ETHERTYPE_NONE, 22, 0, 22),
	OK_CASE(DLT_EN10MB, eth_stp, LINK_ETHERTYPE_NONE, 17, 0, 17),
	BAD_CASE(DLT_EN10MB, eth_snap_short, PARSE_INVALID),
	BAD_CASE(DLT_EN10MB, eth_len2, PARSE_INVALID),
	BAD_CASE(DLT_EN10MB, eth_type_1535, PARSE_INVALID),
	OK_CASE(DLT_EN10MB, eth_vlan_snap, LINK_ETHERTYPE_IPV4, 26, 1, 26),
	OK_CASE(DLT_EN10MB, eth_pppoe_ipv4, LINK_ETHERTYPE_IPV4, 22, 0, 22),
	OK_CASE(DLT_EN10MB, eth_pppoe_ipv6, LINK_ETHERTYPE_IPV6, 22, 0, 22),
	OK_CASE(DLT_EN10MB, eth_pppoe_pfc, LINK_ETHERTYPE_IPV4, 21, 0, 21),
	OK_CASE(DLT_EN10MB, eth_pppoe_lcp, 0x8864, 14, 0, 22),
	BAD_CASE(DLT_EN10MB, eth_pppoe_badver, PARSE_INVALID),
	BAD_CASE(DLT_EN10MB, eth_pppoe_padi, PARSE_INVALID),
	BAD_CASE(DLT_EN10MB, eth_pppoe_len1, PARSE_INVALID),
	OK_CASE(DLT_EN10MB, eth_vlan_pppoe, LINK_ETHERTYPE_IPV4, 26, 1, 26),
	OK_CASE(DLT_PPP, ppp_acf, LINK_ETHERTYPE_IPV4, 4, 0, 4),
	OK_CASE(DLT_PPP, ppp_noacf, LINK_ETHERTYPE_IPV4, 2, 0, 2),
	OK_CASE(DLT_PPP, ppp_pfc, LINK_ETHERTYPE_IPV4, 3, 0, 3),
	OK_CASE(DLT_PPP, ppp_ipv6, LINK_ETHERTYPE_IPV6, 2, 0, 2),
	OK_CASE(DLT_PPP, ppp_lcp, LINK_ETHERTYPE_NONE, 4, 0, 4),
	BAD_CASE(DLT_PPP, ppp_badctl, PARSE_INVALID),
	BAD_CASE(DLT_PPP, ppp_even, PARSE_INVALID),
	OK_CASE(DLT_RAW, raw_ipv4, LINK_ETHERTYPE_IPV4, 0, 0, 1),
	OK_CASE(DLT_RAW, raw_ipv6, LINK_ETHERTYPE_IPV6, 0, 0, 1),
	BAD_CASE(DLT_RAW, raw_v5, PARSE_INVALID),
	OK_CASE(LINKTYPE_RAW, raw_ipv4, LINK_ETHERTYPE_IPV4, 0, 0, 1),
	OK_CASE(LINKTYPE_RAW, raw_ipv6, LINK_ETHERTYPE_IPV6, 0, 0, 1),
	BAD_CASE(LINKTYPE_RAW, raw_v5, PARSE_INVALID),
	OK_CASE(DLT_PPP_SERIAL, pppser_ipv6, LINK_ETHERTYPE_IPV6, 4, 0, 4),
	OK_CASE(DLT_PPP_SERIAL, pppser_chdlc, LINK_ETHERTYPE_IPV4, 4, 0, 4),
	BAD_CASE(DLT_PPP_SERIAL, pppser_bad, PARSE_INVALID),
	OK_CASE(DLT_PPP_ETHER, pppoe_bare, LINK_ETHERTYPE_IPV4, 8, 0, 8),
	OK_CASE(DLT_C_HDLC, chdlc_ipv4, LINK_ETHERTYPE_IPV4, 4, 0, 4),
	OK_CASE(DLT_C_HDLC, chdlc_ipv6, LINK_ETHERTYPE_IPV6, 4, 0, 4),
	BAD_CASE(DLT_C_HDLC, chdlc_badaddr, PARSE_INVALID),
	BAD_CASE(DLT_C_HDLC, chdlc_badctl, PARSE_INVALID),
	OK_CASE(DLT_IEEE802_11, wlan_data, LINK_ETHERTYPE_IPV4, 32, 0, 32),
	OK_CASE(DLT_IEEE802_11, wlan_qos, LINK_ETHERTYPE_IPV4, 34, 0, 34),
	OK_CASE(DLT_IEEE802_11, wlan_qos_htc, LINK_ETHERTYPE_IPV4, 38, 0, 38),
	OK_CASE(DLT_IEEE802_11, wlan_4addr, LINK_ETHERTYPE_IPV4, 38, 0, 38),
	OK_CASE(DLT_IEEE802_11, wlan_4addr_qos, LINK_ETHERTYPE_IPV4, 40, 0, 40),
	OK_CASE(DLT_IEEE802_11, wlan_nosnap, LINK_ETHERTYPE_NONE, 27, 0, 27),
	BAD_CASE(DLT_IEEE802_11, wlan_protected, PARSE_UNSUPPORTED),
	BAD_CASE(DLT_IEEE802_11, wlan_beacon, PARSE_UNSUPPORTED),
	BAD_CASE(DLT_IEEE802_11, wlan_ack, PARSE_UNSUPPORTED),
	BAD_CASE(DLT_IEEE802_11, wlan_null, PARSE_UNSUPPORTED),
	BAD_CASE(DLT_IEEE802_11, wlan_qos_null, PARSE_UNSUPPORTED),
	BAD_CASE(DLT_IEEE802_11, wlan_version1, PARSE_INVALID),
	BAD_CASE(DLT_IEEE802_11, wlan_frag1, PARSE_UNSUPPORTED),
	BAD_CASE(DLT_IEEE802_11, wlan_amsdu, PARSE_UNSUPPORTED),
	OK_CASE(DLT_IEEE802_11_RADIO, radio_data, LINK_ETHERTYPE_IPV4, 40, 0, 40),
	OK_CASE(DLT_IEEE802_11_RADIO, radio_flags, LINK_ETHERTYPE_IPV4, 42, 0, 42),
	BAD_CASE(DLT_IEEE802_11_RADIO, radio_len6, PARSE_INVALID),
	BAD_CASE(DLT_IEEE802_11_RADIO, radio_v1, PARSE_INVALID),
	BAD_CASE(DLT_IEEE802_11_RADIO, radio_past_end, PARSE_TRUNCATED),
	OK_CASE(DLT_LOOP, loop_ipv4, LINK_ETHERTYPE_IPV4, 4, 0, 4),
	OK_CASE(DLT_LOOP, loop_ipv6, LINK_ETHERTYPE_IPV6, 4, 0, 4),
	OK_CASE(DLT_LOOP, loop_le, LINK_ETHERTYPE_NONE, 4, 0, 4),
	OK_CASE(DLT_LINUX_SLL, sll_ipv4, LINK_ETHERTYPE_IPV4, 16, 0, 16),
	OK_CASE(DLT_LINUX_SLL, sll_vlan, LINK_ETHERTYPE_IPV6, 20, 1, 20),
	OK_CASE(DLT_LINUX_SLL, sll_llc, LINK_ETHERTYPE_IPV4, 24, 0, 24),
	OK_CASE(DLT_LINUX_SLL, sll_8023, LINK_ETHERTYPE_NONE, 16, 0, 16),
	OK_CASE(DLT_LINUX_SLL2, sll2_ipv4, LINK_ETHERTYPE_IPV4, 20, 0, 20),
	OK_CASE(DLT_LINUX_SLL2, sll2_ipv6, LINK_ETHERTYPE_IPV6, 20, 0, 20),
	OK_CASE(DLT_IPV4, bare_ipv4, LINK_ETHERTYPE_IPV4, 0, 0, 0),
	OK_CASE(DLT_IPV6, bare_ipv6, LINK_ETHERTYPE_IPV6, 0, 0, 0),
	BAD_CASE(10 /* DLT_FDDI: not in the table */, eth_ipv4, PARSE_UNSUPPORTED),
};

/* clang-format on */

START_TEST(test_sll2_interface)
{
	/* tcpdump -i any: protocol, reserved, ifindex 3, ARPHRD_ETHER, outgoing, 6-byte address. */
	static const uint8_t hdr[] = {0x08, 0x00, 0, 0, 0, 0, 0, 3, 0, 1,
	                              4,    6,    1, 2, 3, 4, 5, 6, 0, 0};
	uint32_t ifindex = 0;
	uint8_t pkttype = 0, *cut;

	ck_assert(link_sll2_interface(hdr, sizeof(hdr), &ifindex, &pkttype));
	ck_assert_uint_eq(ifindex, 3);
	ck_assert_uint_eq(pkttype, LINK_SLL2_OUTGOING);
	/* Cut before the packet type: false, never a read past the end. */
	cut = copy_of(hdr, 10);
	ck_assert(!link_sll2_interface(cut, 10, &ifindex, &pkttype));
	free(cut);
	ck_assert(!link_sll2_interface(NULL, 0, &ifindex, &pkttype));
}
END_TEST

START_TEST(test_case_result)
{
	const struct frame_case *fc = &cases[_i];
	uint8_t *buf = copy_of(fc->bytes, fc->len);
	struct link_frame lf;
	enum parse_status st = link_parse(fc->dlt, buf, fc->len, &lf);

	ck_assert_msg(st == fc->status, "%s: status %s, want %s", fc->name, parse_status_name(st),
	              parse_status_name(fc->status));
	if (fc->status == PARSE_OK) {
		ck_assert_msg(lf.ethertype == fc->ethertype, "%s: ethertype %04x", fc->name,
		              lf.ethertype);
		ck_assert_msg(lf.offset == fc->offset, "%s: offset %zu", fc->name, lf.offset);
		ck_assert_msg(lf.vlan_tags == fc->vlan_tags, "%s: tags %u", fc->name, lf.vlan_tags);
	}
	free(buf);
}
END_TEST

/*
 * Every prefix of an OK frame: TRUNCATED below `need`, the same answer from
 * it on.  Prefixes of a bad frame: TRUNCATED until the bad byte is in.
 */
START_TEST(test_case_prefixes)
{
	const struct frame_case *fc = &cases[_i];
	size_t n;

	for (n = 0; n <= fc->len; n++) {
		uint8_t *buf = copy_of(fc->bytes, n);
		struct link_frame lf;
		enum parse_status st = link_parse(fc->dlt, buf, n, &lf);

		if (fc->status != PARSE_OK) {
			ck_assert_msg(st == PARSE_TRUNCATED || st == fc->status, "%s[%zu]: %s",
			              fc->name, n, parse_status_name(st));
		} else if (n < fc->need) {
			ck_assert_msg(st == PARSE_TRUNCATED, "%s[%zu]: %s", fc->name, n,
			              parse_status_name(st));
		} else {
			ck_assert_msg(st == PARSE_OK, "%s[%zu]: %s", fc->name, n,
			              parse_status_name(st));
			ck_assert_uint_eq(lf.ethertype, fc->ethertype);
			ck_assert_uint_eq(lf.offset, fc->offset);
		}
		free(buf);
	}
}
END_TEST

static int table_dlts[64];
static size_t table_rows;

/* Each table row has an OK case here, and it parses through that row. */
START_TEST(test_row_covered)
{
	int dlt = table_dlts[_i];
	size_t i;
	bool found = false;

	for (i = 0; i < ARRAY_LEN(cases) && !found; i++) {
		struct link_frame lf;

		if (cases[i].dlt != dlt || cases[i].status != PARSE_OK)
			continue;
		found = link_parse(dlt, cases[i].bytes, cases[i].len, &lf) == PARSE_OK;
	}
	ck_assert_msg(found, "link type %d (%s) has no OK test frame", dlt, link_name(dlt));
	ck_assert(link_supported(dlt));
	ck_assert_str_ne(link_name(dlt), "unknown");
}
END_TEST

START_TEST(test_rows_unique)
{
	size_t i, j;

	for (i = 0; i < table_rows; i++)
		for (j = i + 1; j < table_rows; j++)
			ck_assert_int_ne(table_dlts[i], table_dlts[j]);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(link_name(DLT_EN10MB), "EN10MB");
	ck_assert_str_eq(link_name(DLT_LINUX_SLL), "LINUX_SLL");
	ck_assert_str_eq(link_name(DLT_LINUX_SLL2), "LINUX_SLL2");
	ck_assert_str_eq(link_name(LINKTYPE_RAW), "RAW");
	ck_assert_str_eq(link_name(12345), "unknown");
	ck_assert_str_eq(link_name(-1), "unknown");
}
END_TEST

START_TEST(test_supported)
{
	ck_assert(link_supported(DLT_EN10MB));
	ck_assert(link_supported(DLT_IEEE802_11_RADIO));
	ck_assert(!link_supported(10)); /* FDDI */
	ck_assert(!link_supported(-1));
}
END_TEST

START_TEST(test_types_count)
{
	int few[2];

	ck_assert_uint_eq(link_types(few, 2), table_rows);
	ck_assert_int_eq(few[0], table_dlts[0]);
	ck_assert_uint_eq(link_types(NULL, 0), table_rows);
}
END_TEST

START_TEST(test_null_buffer)
{
	struct link_frame lf;

	ck_assert_int_eq(link_parse(DLT_EN10MB, NULL, 0, &lf), PARSE_TRUNCATED);
	ck_assert_int_eq(link_parse(DLT_IPV4, NULL, 0, &lf), PARSE_OK);
	ck_assert_uint_eq(lf.offset, 0);
}
END_TEST

/* A failed parse leaves no stale answer behind. */
START_TEST(test_out_cleared)
{
	struct link_frame lf;

	memset(&lf, 0xa5, sizeof(lf));
	ck_assert_int_eq(link_parse(DLT_EN10MB, eth_5tags, sizeof(eth_5tags), &lf),
	                 PARSE_UNSUPPORTED);
	ck_assert_uint_eq(lf.offset, 0);
	ck_assert_uint_eq(lf.ethertype, 0);
}
END_TEST

/* First frame of a public capture, through libpcap as the tool reads it. */
static void
first_frame(const char *path, int *dlt, uint8_t *buf, size_t *len)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(path, errbuf);
	struct pcap_pkthdr *h;
	const u_char *data;

	ck_assert_msg(pc != NULL, "%s: %s", path, errbuf);
	ck_assert_int_eq(pcap_next_ex(pc, &h, &data), 1);
	ck_assert_uint_le(h->caplen, *len);
	memcpy(buf, data, h->caplen);
	*len = h->caplen;
	*dlt = pcap_datalink(pc);
	pcap_close(pc);
}

START_TEST(test_capture_zeek_vlan_ipv6)
{
	uint8_t buf[2048];
	size_t len = sizeof(buf);
	int dlt;
	struct link_frame lf;

	first_frame(TESTDATA "/public/zeek__gre-pptp.pcap", &dlt, buf, &len);
	ck_assert_int_eq(link_parse(dlt, buf, len, &lf), PARSE_OK);
	ck_assert_uint_eq(lf.vlan_tags, 1);
	ck_assert_uint_eq(lf.ethertype, LINK_ETHERTYPE_IPV6);
	ck_assert_uint_eq(lf.offset, 18);
}
END_TEST

START_TEST(test_capture_ndpi_vlan142)
{
	uint8_t buf[2048];
	size_t len = sizeof(buf);
	int dlt;
	struct link_frame lf;

	first_frame(TESTDATA "/public/nDPI__gre.pcapng", &dlt, buf, &len);
	ck_assert_int_eq(link_parse(dlt, buf, len, &lf), PARSE_OK);
	ck_assert_uint_eq(lf.vlan_tags, 1);
	ck_assert_uint_eq((unsigned)(buf[14] << 8 | buf[15]) & 0x0fff, 142); /* the tag we peeled */
	ck_assert_uint_eq(lf.ethertype, LINK_ETHERTYPE_IPV4);
	ck_assert_uint_eq(lf.offset, 18);
}
END_TEST

static Suite *
link_suite(void)
{
	Suite *s = suite_create("link");
	TCase *tc = tcase_create("frames");
	TCase *tt = tcase_create("table");
	TCase *tp = tcase_create("captures");

	table_rows = link_types(table_dlts, ARRAY_LEN(table_dlts));
	tcase_add_loop_test(tc, test_case_result, 0, (int)ARRAY_LEN(cases));
	tcase_add_loop_test(tc, test_case_prefixes, 0, (int)ARRAY_LEN(cases));
	tcase_add_test(tc, test_null_buffer);
	tcase_add_test(tc, test_sll2_interface);
	tcase_add_test(tc, test_out_cleared);
	suite_add_tcase(s, tc);

	tcase_add_loop_test(tt, test_row_covered, 0, (int)table_rows);
	tcase_add_test(tt, test_rows_unique);
	tcase_add_test(tt, test_names);
	tcase_add_test(tt, test_supported);
	tcase_add_test(tt, test_types_count);
	suite_add_tcase(s, tt);

	tcase_add_test(tp, test_capture_zeek_vlan_ipv6);
	tcase_add_test(tp, test_capture_ndpi_vlan142);
	suite_add_tcase(s, tp);
	return s;
}

CHECK_MAIN(link_suite)
