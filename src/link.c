/* Link layers: one table row per DLT, each finding the network-layer packet (pcap-linktype(7)). */
#include "link.h"

#include <pcap/dlt.h>
#include <string.h>

#include "cursor.h"

/*
 * Known limits and choices:
 * - Ethernet: Ethernet II, 802.3 + LLC/SNAP, up to LINK_MAX_VLAN_TAGS tags
 *   of 0x8100, 0x88a8 or 0x9100 (more: UNSUPPORTED), and PPPoE sessions
 *   (RFC 2516) whose PPP protocol is IPv4 or IPv6; any other PPPoE packet
 *   is returned as ethertype 0x8864 at the PPPoE header.  No MPLS.
 * - The Ethernet FCS, when a capture keeps it, stays after the IP packet:
 *   the IP total length drops it.  The same holds for the 802.11 FCS that
 *   radiotap's Flags field (bit 0x10) announces, so that flag is not read.
 * - 802.11: data frames only.  Null-data, protected, A-MSDU frames and
 *   fragments after the first are UNSUPPORTED (no whole network-layer
 *   header to find); 802.11s mesh control is not skipped.
 * - LLC without SNAP, SNAP with an organisation's own protocol ID, PPP
 *   other than IP and unknown loopback families yield LINK_ETHERTYPE_NONE.
 * - DLT_RAW is 12 or 14 depending on the platform; pcap files say 101
 *   (LINKTYPE_RAW), which libpcap maps to DLT_RAW, but a reader of raw
 *   pcapng blocks may pass 101 through, so both are rows.  Likewise
 *   LINKTYPE_LOOP (108) where DLT_LOOP is 12 (OpenBSD).
 */

#define LINKTYPE_RAW 101
#define LINKTYPE_LOOP 108

#define ETHER_HDR_LEN 14          /* destination, source, type/length */
#define ETHER_MAX_LENGTH 1500     /* type fields up to this are 802.3 lengths */
#define ETHER_MIN_TYPE 0x0600     /* type fields from this are ethertypes; 1501-1535 mean nothing */
#define ETHERTYPE_VLAN 0x8100     /* 802.1Q customer tag */
#define ETHERTYPE_QINQ 0x88A8     /* 802.1ad service tag */
#define ETHERTYPE_QINQ_OLD 0x9100 /* pre-standard QinQ tag, still seen */
#define ETHERTYPE_PPPOE_SESSION 0x8864

#define LLC_HDR_LEN 3  /* DSAP, SSAP, control */
#define SNAP_HDR_LEN 5 /* OUI, protocol ID */
#define LLC_SAP_SNAP 0xAA
#define LLC_UI 0x03

#define PPPOE_HDR_LEN 6     /* version/type, code, session ID, length */
#define PPPOE_VER_TYPE 0x11 /* version 1, type 1 (RFC 2516 section 4) */
#define PPPOE_CODE_SESSION 0x00

#define PPP_ADDRESS 0xFF /* all-stations address of HDLC-like framing (RFC 1662) */
#define PPP_CONTROL 0x03 /* unnumbered information */
#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057

#define CHDLC_UNICAST 0x0F
#define CHDLC_BCAST 0x8F

#define SLL_PROTO_OFF 14
#define SLL2_HDR_LEN 20
#define SLL2_IFINDEX_OFF 4 /* after protocol type and reserved */
#define SLL_P_802_2 0x0004 /* Linux ETH_P_802_2: an LLC header follows */

/* BSD address families in DLT_NULL/DLT_LOOP headers (pcap-linktype(7)). */
#define BSD_AF_INET 2
#define BSD_AF_INET6_BSD 24 /* NetBSD, OpenBSD, BSD/OS */
#define BSD_AF_INET6_FREEBSD 28
#define BSD_AF_INET6_DARWIN 30

#define IEEE80211_HDR_LEN 24 /* frame control, duration, three addresses, sequence control */
#define IEEE80211_ADDR_LEN 6
#define IEEE80211_HTC_LEN 4
#define IEEE80211_TYPE_DATA 2
#define IEEE80211_SUBTYPE_NODATA 0x4 /* Null, CF-Ack, CF-Poll without data */
#define IEEE80211_SUBTYPE_QOS 0x8
#define IEEE80211_FC1_DS_MASK 0x03 /* ToDS | FromDS: both set means four addresses */
#define IEEE80211_FC1_PROTECTED 0x40
#define IEEE80211_FC1_ORDER 0x80 /* in QoS data: an HT Control field follows */
#define IEEE80211_FRAG_MASK 0x000F
#define IEEE80211_QOS_AMSDU 0x0080

#define RADIOTAP_MIN_LEN 8 /* version, pad, length, first present word */

static bool
link_is_vlan(uint16_t type)
{
	return type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD;
}

static enum parse_status
link_ok(const struct cursor *c, uint16_t ethertype, struct link_frame *out)
{
	out->ethertype = ethertype;
	out->offset = c->off;
	return PARSE_OK;
}

/*
 * A PPP protocol field (RFC 1661 section 2): one byte when compressed (it is
 * odd), else two, the first even and the second odd.
 */
static enum parse_status
link_ppp_protocol(struct cursor *c, uint16_t *proto)
{
	uint8_t hi = cursor_u8(c);
	uint8_t lo;

	if (c->err)
		return PARSE_TRUNCATED;
	if (hi & 1) {
		*proto = hi;
		return PARSE_OK;
	}
	lo = cursor_u8(c);
	if (c->err)
		return PARSE_TRUNCATED;
	if (!(lo & 1))
		return PARSE_INVALID;
	*proto = (uint16_t)(hi << 8 | lo);
	return PARSE_OK;
}

/* After the PPP protocol: IP gets its ethertype, anything else none. */
static enum parse_status
link_ppp_payload(struct cursor *c, struct link_frame *out)
{
	uint16_t proto = 0;
	enum parse_status st = link_ppp_protocol(c, &proto);

	if (st != PARSE_OK)
		return st;
	if (proto == PPP_IPV4)
		return link_ok(c, LINK_ETHERTYPE_IPV4, out);
	if (proto == PPP_IPV6)
		return link_ok(c, LINK_ETHERTYPE_IPV6, out);
	return link_ok(c, LINK_ETHERTYPE_NONE, out);
}

/*
 * PPPoE session header (RFC 2516 section 4) and the PPP protocol after it.
 * Only IP is descended into; other PPP protocols leave the frame at the
 * PPPoE header as ethertype 0x8864.
 */
static enum parse_status
link_pppoe(struct cursor *c, struct link_frame *out)
{
	size_t start = c->off;
	uint8_t ver_type = cursor_u8(c);
	uint8_t code = cursor_u8(c);
	uint16_t length;
	uint16_t proto = 0;
	enum parse_status st;

	(void)cursor_u16(c); /* session ID */
	length = cursor_u16(c);
	if (c->err)
		return PARSE_TRUNCATED;
	if (ver_type != PPPOE_VER_TYPE || code != PPPOE_CODE_SESSION)
		return PARSE_INVALID;
	st = link_ppp_protocol(c, &proto);
	if (st != PARSE_OK)
		return st;
	if (length < c->off - start - PPPOE_HDR_LEN) /* the length covers the protocol field */
		return PARSE_INVALID;
	if (proto == PPP_IPV4)
		return link_ok(c, LINK_ETHERTYPE_IPV4, out);
	if (proto == PPP_IPV6)
		return link_ok(c, LINK_ETHERTYPE_IPV6, out);
	out->ethertype = ETHERTYPE_PPPOE_SESSION;
	out->offset = start;
	return PARSE_OK;
}

static enum parse_status link_ethertype(struct cursor *c, uint16_t type, bool llc_ok,
                                        struct link_frame *out);

/*
 * 802.2 LLC, and SNAP (RFC 1042) when DSAP and SSAP say so.  claimed is the
 * 802.3 length field, or SIZE_MAX where the link gives none.
 */
static enum parse_status
link_llc(struct cursor *c, size_t claimed, struct link_frame *out)
{
	const uint8_t *llc;
	const uint8_t *oui;
	uint16_t type;

	if (claimed < LLC_HDR_LEN)
		return PARSE_INVALID;
	llc = cursor_take(c, LLC_HDR_LEN);
	if (llc == NULL)
		return PARSE_TRUNCATED;
	if (llc[0] != LLC_SAP_SNAP || llc[1] != LLC_SAP_SNAP || llc[2] != LLC_UI)
		return link_ok(c, LINK_ETHERTYPE_NONE, out);
	if (claimed - LLC_HDR_LEN < SNAP_HDR_LEN)
		return PARSE_INVALID;
	oui = cursor_take(c, 3);
	type = cursor_u16(c);
	if (c->err)
		return PARSE_TRUNCATED;
	/* OUI 00-00-00 is RFC 1042, 00-00-f8 is 802.1H: both carry an ethertype. */
	if (oui[0] != 0 || oui[1] != 0 || (oui[2] != 0 && oui[2] != 0xF8))
		return link_ok(c, LINK_ETHERTYPE_NONE, out);
	/* No LLC again below SNAP: the recursion stops here. */
	return link_ethertype(c, type, false, out);
}

/*
 * From a type field on: peel VLAN tags, then follow 802.3 lengths into
 * LLC (when llc_ok) and PPPoE sessions into PPP.
 */
static enum parse_status
link_ethertype(struct cursor *c, uint16_t type, bool llc_ok, struct link_frame *out)
{
	unsigned tags;

	for (tags = 0; link_is_vlan(type); tags++) {
		if (tags == LINK_MAX_VLAN_TAGS)
			return PARSE_UNSUPPORTED;
		(void)cursor_u16(c); /* TCI: priority, DEI, VLAN ID */
		type = cursor_u16(c);
		if (c->err)
			return PARSE_TRUNCATED;
	}
	out->vlan_tags += tags;
	if (type <= ETHER_MAX_LENGTH)
		return llc_ok ? link_llc(c, type, out) : link_ok(c, LINK_ETHERTYPE_NONE, out);
	if (type < ETHER_MIN_TYPE)
		return PARSE_INVALID;
	if (type == ETHERTYPE_PPPOE_SESSION)
		return link_pppoe(c, out);
	return link_ok(c, type, out);
}

static enum parse_status
link_en10mb(struct cursor *c, struct link_frame *out)
{
	uint16_t type;

	(void)cursor_skip(c, ETHER_HDR_LEN - 2); /* destination, source */
	type = cursor_u16(c);
	if (c->err)
		return PARSE_TRUNCATED;
	return link_ethertype(c, type, true, out);
}

/* Linux cooked protocols below 0x0600 are ETH_P_* codes, not lengths. */
static enum parse_status
link_sll_protocol(struct cursor *c, uint16_t proto, struct link_frame *out)
{
	if (proto == SLL_P_802_2)
		return link_llc(c, SIZE_MAX, out);
	if (proto < ETHER_MIN_TYPE)
		return link_ok(c, LINK_ETHERTYPE_NONE, out);
	return link_ethertype(c, proto, true, out);
}

static enum parse_status
link_linux_sll(struct cursor *c, struct link_frame *out)
{
	uint16_t proto;

	(void)cursor_skip(c, SLL_PROTO_OFF); /* packet type, ARPHRD, address length, address */
	proto = cursor_u16(c);
	if (c->err)
		return PARSE_TRUNCATED;
	return link_sll_protocol(c, proto, out);
}

static enum parse_status
link_linux_sll2(struct cursor *c, struct link_frame *out)
{
	uint16_t proto = cursor_u16(c);

	/* reserved, interface index, ARPHRD, packet type, address length, address */
	(void)cursor_skip(c, SLL2_HDR_LEN - 2);
	if (c->err)
		return PARSE_TRUNCATED;
	return link_sll_protocol(c, proto, out);
}

/* Raw IP: the version nibble says which. */
static enum parse_status
link_raw(struct cursor *c, struct link_frame *out)
{
	struct cursor peek = *c; /* the version stays part of the IP packet */
	uint8_t first = cursor_u8(&peek);

	if (peek.err)
		return PARSE_TRUNCATED;
	if (first >> 4 == 4)
		return link_ok(c, LINK_ETHERTYPE_IPV4, out);
	if (first >> 4 == 6)
		return link_ok(c, LINK_ETHERTYPE_IPV6, out);
	return PARSE_INVALID;
}

static enum parse_status
link_ipv4(struct cursor *c, struct link_frame *out)
{
	return link_ok(c, LINK_ETHERTYPE_IPV4, out);
}

static enum parse_status
link_ipv6(struct cursor *c, struct link_frame *out)
{
	return link_ok(c, LINK_ETHERTYPE_IPV6, out);
}

static uint16_t
link_bsd_family(uint32_t family)
{
	switch (family) {
	case BSD_AF_INET:
		return LINK_ETHERTYPE_IPV4;
	case BSD_AF_INET6_BSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN:
		return LINK_ETHERTYPE_IPV6;
	default:
		return LINK_ETHERTYPE_NONE;
	}
}

/*
 * DLT_NULL: the family is in the capturing host's byte order, which the
 * file does not record; families are small, so try big-endian and then
 * little-endian.
 */
static enum parse_status
link_null(struct cursor *c, struct link_frame *out)
{
	const uint8_t *q = cursor_take(c, 4);
	uint16_t type;

	if (q == NULL)
		return PARSE_TRUNCATED;
	type = link_bsd_family((uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 |
	                       q[3]);
	if (type == LINK_ETHERTYPE_NONE)
		type = link_bsd_family((uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 |
		                       (uint32_t)q[1] << 8 | q[0]);
	return link_ok(c, type, out);
}

/* DLT_LOOP: as DLT_NULL, but always network byte order. */
static enum parse_status
link_loop(struct cursor *c, struct link_frame *out)
{
	uint32_t family = cursor_u32(c);

	if (c->err)
		return PARSE_TRUNCATED;
	return link_ok(c, link_bsd_family(family), out);
}

/* Cisco HDLC: address, control 0, then an ethertype. */
static enum parse_status
link_chdlc_after_address(struct cursor *c, uint8_t address, struct link_frame *out)
{
	uint8_t control = cursor_u8(c);
	uint16_t type = cursor_u16(c);

	if (c->err)
		return PARSE_TRUNCATED;
	if ((address != CHDLC_UNICAST && address != CHDLC_BCAST) || control != 0)
		return PARSE_INVALID;
	return link_ok(c, type, out);
}

static enum parse_status
link_c_hdlc(struct cursor *c, struct link_frame *out)
{
	uint8_t address = cursor_u8(c);

	if (c->err)
		return PARSE_TRUNCATED;
	return link_chdlc_after_address(c, address, out);
}

/* DLT_PPP: RFC 1662 address and control if the frame starts with ff 03. */
static enum parse_status
link_ppp(struct cursor *c, struct link_frame *out)
{
	struct cursor peek = *c;

	/* 0xff cannot start a protocol field: 0x00ff is reserved (RFC 1661). */
	if (cursor_u8(&peek) == PPP_ADDRESS && !peek.err) {
		(void)cursor_u8(c);
		if (cursor_u8(c) != PPP_CONTROL)
			return c->err ? PARSE_TRUNCATED : PARSE_INVALID;
	}
	return link_ppp_payload(c, out);
}

/* DLT_PPP_SERIAL: HDLC-like framing (ff 03), or Cisco HDLC framing (RFC 1547 4.3.1). */
static enum parse_status
link_ppp_serial(struct cursor *c, struct link_frame *out)
{
	uint8_t address = cursor_u8(c);

	if (c->err)
		return PARSE_TRUNCATED;
	if (address == CHDLC_UNICAST || address == CHDLC_BCAST)
		return link_chdlc_after_address(c, address, out);
	if (address != PPP_ADDRESS)
		return PARSE_INVALID;
	if (cursor_u8(c) != PPP_CONTROL)
		return c->err ? PARSE_TRUNCATED : PARSE_INVALID;
	return link_ppp_payload(c, out);
}

static enum parse_status
link_ppp_ether(struct cursor *c, struct link_frame *out)
{
	return link_pppoe(c, out);
}

/* 802.11 data frames: MAC header, then LLC/SNAP. */
static enum parse_status
link_ieee802_11(struct cursor *c, struct link_frame *out)
{
	uint8_t fc0 = cursor_u8(c);
	uint8_t fc1 = cursor_u8(c);
	uint16_t seqctl;
	uint16_t qos = 0;
	bool is_qos;

	if (c->err)
		return PARSE_TRUNCATED;
	if ((fc0 & 0x03) != 0) /* protocol version: only 0 exists */
		return PARSE_INVALID;
	if ((fc0 >> 2 & 0x03) != IEEE80211_TYPE_DATA || (fc0 >> 4 & IEEE80211_SUBTYPE_NODATA) != 0)
		return PARSE_UNSUPPORTED;
	if (fc1 & IEEE80211_FC1_PROTECTED)
		return PARSE_UNSUPPORTED;
	is_qos = (fc0 >> 4 & IEEE80211_SUBTYPE_QOS) != 0;
	(void)cursor_skip(c, IEEE80211_HDR_LEN - 4); /* duration, three addresses */
	seqctl = cursor_u16le(c);
	if ((fc1 & IEEE80211_FC1_DS_MASK) == IEEE80211_FC1_DS_MASK)
		(void)cursor_skip(c, IEEE80211_ADDR_LEN);
	if (is_qos) {
		qos = cursor_u16le(c);
		if (fc1 & IEEE80211_FC1_ORDER)
			(void)cursor_skip(c, IEEE80211_HTC_LEN);
	}
	if (c->err)
		return PARSE_TRUNCATED;
	if ((seqctl & IEEE80211_FRAG_MASK) != 0 || (qos & IEEE80211_QOS_AMSDU) != 0)
		return PARSE_UNSUPPORTED;
	return link_llc(c, SIZE_MAX, out);
}

/* Radiotap: skip its self-described length (little-endian), then 802.11. */
static enum parse_status
link_ieee802_11_radio(struct cursor *c, struct link_frame *out)
{
	uint8_t version = cursor_u8(c);
	uint16_t rlen;

	(void)cursor_u8(c); /* pad */
	rlen = cursor_u16le(c);
	(void)cursor_u32le(c); /* first present word: fields not read (see top) */
	if (c->err)
		return PARSE_TRUNCATED;
	if (version != 0 || rlen < RADIOTAP_MIN_LEN)
		return PARSE_INVALID;
	if (!cursor_seek(c, rlen))
		return PARSE_TRUNCATED;
	return link_ieee802_11(c, out);
}

struct link_type {
	int dlt;
	const char *name;
	enum parse_status (*parse)(struct cursor *c, struct link_frame *out);
};

static const struct link_type link_table[] = {
    {DLT_NULL, "NULL", link_null},
    {DLT_EN10MB, "EN10MB", link_en10mb},
    {DLT_PPP, "PPP", link_ppp},
    {DLT_RAW, "RAW", link_raw},
    {DLT_PPP_SERIAL, "PPP_SERIAL", link_ppp_serial},
    {DLT_PPP_ETHER, "PPP_ETHER", link_ppp_ether},
    {LINKTYPE_RAW, "RAW", link_raw},
    {DLT_C_HDLC, "C_HDLC", link_c_hdlc},
    {DLT_IEEE802_11, "IEEE802_11", link_ieee802_11},
    {DLT_LOOP, "LOOP", link_loop},
#if DLT_LOOP != LINKTYPE_LOOP
    {LINKTYPE_LOOP, "LOOP", link_loop},
#endif
    {DLT_LINUX_SLL, "LINUX_SLL", link_linux_sll},
    {DLT_IEEE802_11_RADIO, "IEEE802_11_RADIO", link_ieee802_11_radio},
    {DLT_IPV4, "IPV4", link_ipv4},
    {DLT_IPV6, "IPV6", link_ipv6},
    {DLT_LINUX_SLL2, "LINUX_SLL2", link_linux_sll2},
};

static const struct link_type *
link_lookup(int dlt)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(link_table); i++)
		if (link_table[i].dlt == dlt)
			return &link_table[i];
	return NULL;
}

enum parse_status
link_parse(int dlt, const uint8_t *p, size_t len, struct link_frame *out)
{
	const struct link_type *lt = link_lookup(dlt);
	struct cursor c;

	memset(out, 0, sizeof(*out));
	if (lt == NULL)
		return PARSE_UNSUPPORTED;
	cursor_init(&c, p, len);
	return lt->parse(&c, out);
}

bool
link_supported(int dlt)
{
	return link_lookup(dlt) != NULL;
}

const char *
link_name(int dlt)
{
	const struct link_type *lt = link_lookup(dlt);

	return lt != NULL ? lt->name : "unknown";
}

size_t
link_types(int *dlts, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < ARRAY_LEN(link_table); i++)
		dlts[i] = link_table[i].dlt;
	return ARRAY_LEN(link_table);
}

bool
link_sll2_interface(const uint8_t *p, size_t len, uint32_t *ifindex, uint8_t *pkttype)
{
	struct cursor c;

	cursor_init(&c, p, len);
	(void)cursor_skip(&c, SLL2_IFINDEX_OFF); /* protocol, reserved */
	*ifindex = cursor_u32(&c);
	(void)cursor_skip(&c, 2); /* ARPHRD type */
	*pkttype = cursor_u8(&c);
	return !c.err;
}
