/*
 * Fallback pcapng reader: block framing, SHB, IDB, EPB, SPB and the obsolete PB
 * (draft-ietf-opsawg-pcapng sections 3 and 4), for the files libpcap refuses.
 *
 * Divergences from libpcap 1.10 and known limits:
 * - Interfaces may differ in link type and snaplen, and sections in byte order:
 *   that is why this reader exists.
 * - An EPB whose caplen exceeds its interface's snaplen is read (libpcap stops):
 *   the bytes are in the block, and a wrong snaplen is no reason to lose the file.
 * - The obsolete Packet Block (type 2) is read, as libpcap reads it, so both
 *   readers count the same frames; capture.c relies on that when it switches
 *   readers in the middle of a file.
 * - Only if_name, if_tsresol and if_tsoffset are decoded; every other option is
 *   skipped.  if_name is kept when it is printable ASCII that fits
 *   PCAPNG_IFNAME_LEN (it names a capture's legs in reports), else dropped.
 *   An FCS (if_fcslen) stays in the frame, as with libpcap.
 * - The SHB major version must be 1; any minor version is accepted.
 * - An SPB has no time stamp: its frames get 0 plus if_tsoffset, as in libpcap.
 * - Time stamps beyond the range of int64 nanoseconds saturate.
 * - Link types are LINKTYPE_ values on disk and DLT_ values in frames, mapped
 *   the way libpcap maps them (linktype_dlts[]).
 * - pcapng_linktypes() lists the link types of frames read (the look-ahead in
 *   pcapng_open reads the first), not of every interface declared: a file
 *   often declares interfaces that captured nothing.
 * - One block buffer, grown by doubling to the largest block seen and never
 *   past PCAPNG_MAX_BLOCK; nothing is allocated per packet.
 */
#include "pcapng.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "cursor.h"

/* Block types (pcapng section 4; type 2 from the obsolete appendix). */
#define PCAPNG_BT_SHB UINT32_C(0x0A0D0D0A)
#define PCAPNG_BT_IDB UINT32_C(0x00000001)
#define PCAPNG_BT_PB UINT32_C(0x00000002)
#define PCAPNG_BT_SPB UINT32_C(0x00000003)
#define PCAPNG_BT_EPB UINT32_C(0x00000006)

/* Block type, block total length; trailing block total length. */
#define PCAPNG_HEADER_LEN 8
#define PCAPNG_TRAILER_LEN 4
#define PCAPNG_MIN_BLOCK (PCAPNG_HEADER_LEN + PCAPNG_TRAILER_LEN)
/* Fixed bodies: SHB byte-order magic, versions, section length; IDB link type,
 * reserved, snaplen; EPB interface, time stamp, caplen, len; PB the same with a
 * 16-bit interface and a drops count; SPB original length. */
#define PCAPNG_SHB_FIXED 16
#define PCAPNG_SHB_MIN_BLOCK (PCAPNG_MIN_BLOCK + PCAPNG_SHB_FIXED)
#define PCAPNG_IDB_FIXED 8
#define PCAPNG_EPB_FIXED 20
#define PCAPNG_SPB_FIXED 4
#define PCAPNG_VERSION_MAJOR 1

/* Options (pcapng section 3.5 and 4.2). */
#define PCAPNG_OPT_ENDOFOPT 0
#define PCAPNG_OPT_IF_NAME 2
#define PCAPNG_OPT_IF_TSRESOL 9
#define PCAPNG_OPT_IF_TSOFFSET 14
#define PCAPNG_OPT_ALIGN 4

/* if_tsresol: high bit set means a power of two; default 10^-6. */
#define PCAPNG_TSRESOL_BINARY 0x80
#define PCAPNG_TSRESOL_DEFAULT 6
/* 10^19 is the largest power of ten in a uint64_t, 2^63 the largest power of two. */
#define PCAPNG_TSRESOL_MAX_DEC 19
#define PCAPNG_TSRESOL_MAX_BIN 63
/* A binary fraction below 2^34 times 10^9 (< 2^30) still fits in 64 bits. */
#define PCAPNG_TSRESOL_BIN_EXACT 34
#define PCAPNG_NS_DIGITS 9

/* Options in one block: each takes at least 4 bytes, so no block within
 * PCAPNG_MAX_BLOCK can hold more; the bound only matters to the pure parser. */
#define PCAPNG_MAX_OPTIONS (PCAPNG_MAX_BLOCK / PCAPNG_OPT_ALIGN)
/* Blocks read in a row without a packet before giving up: a pipe could feed name
 * or statistics blocks forever; a million is far more than any real file has
 * between two packets. */
#define PCAPNG_MAX_BLOCKS_WITHOUT_PACKET (1u << 20)
/* First block buffer: an EPB with a full Ethernet frame and options fits; the
 * buffer doubles for bigger blocks, up to PCAPNG_MAX_BLOCK. */
#define PCAPNG_INITIAL_BUFFER 4096

static const uint8_t pcapng_shb_magic[4] = {0x0A, 0x0D, 0x0D, 0x0A};
static const uint8_t pcapng_bom_be[4] = {0x1A, 0x2B, 0x3C, 0x4D};
static const uint8_t pcapng_bom_le[4] = {0x4D, 0x3C, 0x2B, 0x1A};

/* LINKTYPE_ values whose DLT_ differs on some platform (libpcap pcap-common.c);
 * every other value is the same in both spaces. */
static const struct linktype_dlt {
	uint16_t linktype;
	int dlt;
} linktype_dlts[] = {
    {100, DLT_ATM_RFC1483}, {101, DLT_RAW},    {102, DLT_SLIP_BSDOS}, {103, DLT_PPP_BSDOS},
    {106, DLT_ATM_CLIP},    {246, DLT_PFSYNC}, {258, DLT_PKTAP},
};

struct pcapng_iface {
	struct pcapng_idb idb;
	int dlt;
};

struct pcapng_reader {
	FILE *fp;
	uint8_t *buf; /* the current block, header included */
	size_t buf_size;
	uint64_t offset; /* bytes consumed: where the next block starts */
	bool big_endian; /* byte order of the current section */
	struct pcapng_iface ifaces[PCAPNG_MAX_INTERFACES]; /* of the current section */
	size_t n_ifaces;
	int linktypes[PCAPNG_MAX_LINKTYPES]; /* distinct DLTs of the frames read, whole file */
	size_t n_linktypes;
	/*
	 * A result not yet returned: the first frame found by pcapng_open's
	 * look-ahead, or the end or error, which stays (every later call
	 * returns it again).
	 */
	bool have_stored;
	enum capture_status stored;
	struct capture_frame stored_frame;
	char stored_err[CAPTURE_ERRBUF_SIZE];
};

static enum parse_status
reject(const char **why, const char *reason, enum parse_status status)
{
	if (why != NULL)
		*why = reason;
	return status;
}

static uint16_t
get16(struct cursor *c, bool big_endian)
{
	return big_endian ? cursor_u16(c) : cursor_u16le(c);
}

static uint32_t
get32(struct cursor *c, bool big_endian)
{
	return big_endian ? cursor_u32(c) : cursor_u32le(c);
}

static uint64_t
get64(struct cursor *c, bool big_endian)
{
	uint32_t first = get32(c, big_endian);
	uint32_t second = get32(c, big_endian);

	return big_endian ? (uint64_t)first << 32 | second : (uint64_t)second << 32 | first;
}

static int
linktype_to_dlt(uint16_t linktype)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(linktype_dlts); i++) {
		if (linktype_dlts[i].linktype == linktype)
			return linktype_dlts[i].dlt;
	}
	return linktype;
}

/* Options are padded to 32 bits; a missing pad after the last one is forgiven. */
static void
skip_pad(struct cursor *c, size_t value_len)
{
	size_t pad = (PCAPNG_OPT_ALIGN - value_len % PCAPNG_OPT_ALIGN) % PCAPNG_OPT_ALIGN;

	if (pad > cursor_remaining(c))
		pad = cursor_remaining(c);
	cursor_skip(c, pad);
}

static enum parse_status
parse_tsresol(const uint8_t *v, uint16_t len, struct pcapng_idb *out, const char **why)
{
	unsigned exp;

	if (len != 1)
		return reject(why, "if_tsresol option is not 1 byte long", PARSE_INVALID);
	exp = (unsigned)(v[0] & ~PCAPNG_TSRESOL_BINARY);
	if ((v[0] & PCAPNG_TSRESOL_BINARY) != 0 ? exp > PCAPNG_TSRESOL_MAX_BIN
	                                        : exp > PCAPNG_TSRESOL_MAX_DEC)
		return reject(why, "if_tsresol is finer than 64-bit time stamps can count",
		              PARSE_INVALID);
	out->tsresol_exp = v[0];
	return PARSE_OK;
}

/* if_name (UTF-8, maybe NUL-padded): kept only when printable ASCII that fits. */
static void
copy_name(const uint8_t *v, uint16_t len, char out[PCAPNG_IFNAME_LEN])
{
	size_t i;

	while (len > 0 && v[len - 1] == 0)
		len--;
	out[0] = 0;
	if (len == 0 || len >= PCAPNG_IFNAME_LEN)
		return;
	for (i = 0; i < len; i++)
		if (v[i] < 0x21 || v[i] > 0x7e)
			return;
	memcpy(out, v, len);
	out[len] = 0;
}

static enum parse_status
parse_idb(const uint8_t *p, size_t len, bool big_endian, struct pcapng_idb *out, const char **why)
{
	struct cursor c;
	bool saw_tsresol = false, saw_tsoffset = false;
	size_t n;

	cursor_init(&c, p, len);
	out->linktype = get16(&c, big_endian);
	(void)get16(&c, big_endian); /* reserved */
	out->snaplen = get32(&c, big_endian);
	out->tsresol_exp = PCAPNG_TSRESOL_DEFAULT;
	out->tsoffset = 0;
	out->name[0] = 0;
	if (c.err)
		return reject(why, "interface description block is too short", PARSE_TRUNCATED);
	for (n = 0; n < PCAPNG_MAX_OPTIONS && cursor_remaining(&c) > 0; n++) {
		uint16_t code = get16(&c, big_endian);
		uint16_t olen = get16(&c, big_endian);
		const uint8_t *v = cursor_take(&c, olen);
		struct cursor vc;
		enum parse_status st;

		if (v == NULL)
			return reject(why, "an interface option runs past the end of the block",
			              PARSE_TRUNCATED);
		skip_pad(&c, olen);
		switch (code) {
		case PCAPNG_OPT_ENDOFOPT:
			return PARSE_OK;
		case PCAPNG_OPT_IF_NAME:
			copy_name(v, olen, out->name);
			break;
		case PCAPNG_OPT_IF_TSRESOL:
			if (saw_tsresol)
				return reject(why, "more than one if_tsresol option",
				              PARSE_INVALID);
			saw_tsresol = true;
			st = parse_tsresol(v, olen, out, why);
			if (st != PARSE_OK)
				return st;
			break;
		case PCAPNG_OPT_IF_TSOFFSET:
			if (saw_tsoffset)
				return reject(why, "more than one if_tsoffset option",
				              PARSE_INVALID);
			if (olen != 8)
				return reject(why, "if_tsoffset option is not 8 bytes long",
				              PARSE_INVALID);
			saw_tsoffset = true;
			cursor_init(&vc, v, olen);
			out->tsoffset = (int64_t)get64(&vc, big_endian);
			break;
		default:
			break;
		}
	}
	if (cursor_remaining(&c) > 0)
		return reject(why, "too many interface options", PARSE_INVALID);
	return PARSE_OK;
}

enum parse_status
pcapng_parse_idb(const uint8_t *p, size_t len, bool big_endian, struct pcapng_idb *out)
{
	return parse_idb(p, len, big_endian, out, NULL);
}

/* EPB, or with obsolete set the PB: a 16-bit interface id and a drops count. */
static enum parse_status
parse_packet(const uint8_t *p, size_t len, bool big_endian, bool obsolete, struct pcapng_epb *out,
             const char **why)
{
	struct cursor c;
	uint32_t high, low;

	cursor_init(&c, p, len);
	if (obsolete) {
		out->interface_id = get16(&c, big_endian);
		(void)get16(&c, big_endian); /* drops count */
	} else {
		out->interface_id = get32(&c, big_endian);
	}
	high = get32(&c, big_endian);
	low = get32(&c, big_endian);
	out->ts_units = (uint64_t)high << 32 | low;
	out->caplen = get32(&c, big_endian);
	out->wirelen = get32(&c, big_endian);
	out->data = NULL;
	if (c.err)
		return reject(why, "packet block is too short", PARSE_TRUNCATED);
	out->data = cursor_take(&c, out->caplen);
	if (out->data == NULL)
		return reject(why, "captured length runs past the end of the packet block",
		              PARSE_TRUNCATED);
	/* Padding and options follow; nothing in them matters here. */
	return PARSE_OK;
}

enum parse_status
pcapng_parse_epb(const uint8_t *p, size_t len, bool big_endian, struct pcapng_epb *out)
{
	return parse_packet(p, len, big_endian, false, out, NULL);
}

static ts_ns_t
saturate(uint64_t sec, int64_t offset, uint64_t frac_ns)
{
	int64_t s = sec > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)sec;
	int64_t ns;

	if (__builtin_add_overflow(s, offset, &s))
		return offset < 0 ? INT64_MIN : INT64_MAX;
	if (__builtin_mul_overflow(s, NS_PER_SEC, &ns))
		return s < 0 ? INT64_MIN : INT64_MAX;
	/* frac_ns < 10^9, so it fits; the sum can still overflow near the top. */
	if (__builtin_add_overflow(ns, (int64_t)frac_ns, &ns))
		return INT64_MAX;
	return ns;
}

ts_ns_t
pcapng_timestamp_ns(const struct pcapng_idb *idb, uint64_t ts_units)
{
	unsigned exp = (unsigned)(idb->tsresol_exp & ~PCAPNG_TSRESOL_BINARY);
	uint64_t sec, frac, frac_ns, unit = 1, scale = 1;
	unsigned i;

	if ((idb->tsresol_exp & PCAPNG_TSRESOL_BINARY) != 0) {
		/* The parser refuses more; a caller's own struct is clamped, not trusted. */
		if (exp > PCAPNG_TSRESOL_MAX_BIN)
			exp = PCAPNG_TSRESOL_MAX_BIN;
		sec = ts_units >> exp;
		frac = ts_units & ((UINT64_C(1) << exp) - 1);
		if (exp <= PCAPNG_TSRESOL_BIN_EXACT)
			frac_ns = (frac * (uint64_t)NS_PER_SEC) >> exp;
		else
			frac_ns =
			    ((frac >> (exp - PCAPNG_TSRESOL_BIN_EXACT)) * (uint64_t)NS_PER_SEC) >>
			    PCAPNG_TSRESOL_BIN_EXACT;
		return saturate(sec, idb->tsoffset, frac_ns);
	}
	if (exp > PCAPNG_TSRESOL_MAX_DEC)
		exp = PCAPNG_TSRESOL_MAX_DEC;
	for (i = 0; i < exp; i++)
		unit *= 10;
	sec = ts_units / unit;
	frac = ts_units % unit;
	if (exp <= PCAPNG_NS_DIGITS) {
		for (i = exp; i < PCAPNG_NS_DIGITS; i++)
			scale *= 10;
		frac_ns = frac * scale;
	} else {
		for (i = PCAPNG_NS_DIGITS; i < exp; i++)
			scale *= 10;
		frac_ns = frac / scale;
	}
	return saturate(sec, idb->tsoffset, frac_ns);
}

static bool
reserve(struct pcapng_reader *r, size_t need)
{
	size_t size = r->buf_size;
	uint8_t *bigger;

	if (need <= size)
		return true;
	while (size < need)
		size *= 2;
	if (size > PCAPNG_MAX_BLOCK)
		size = PCAPNG_MAX_BLOCK;
	bigger = realloc(r->buf, size);
	if (bigger == NULL)
		return false;
	r->buf = bigger;
	r->buf_size = size;
	return true;
}

/* A short read: an I/O error, or the file ends inside the block at `at`. */
static enum capture_status
short_read(struct pcapng_reader *r, uint64_t at, size_t got, char *errbuf)
{
	if (ferror(r->fp)) {
		capture_errorf(errbuf, "block at byte %" PRIu64 ": read error: %s", at,
		               strerror(errno));
		return CAPTURE_ERROR;
	}
	capture_errorf(errbuf,
	               "file ends inside the block at byte %" PRIu64 " (%zu bytes of it present)",
	               at, got);
	return CAPTURE_TRUNCATED;
}

/*
 * Read the next whole block into r->buf and check its framing.  CAPTURE_FRAME
 * here means "a block was read": *type and *total set, and for an SHB
 * *section_be says the byte order of the section it opens.
 */
static enum capture_status
read_block(struct pcapng_reader *r, uint32_t *type, uint32_t *total, bool *section_be, char *errbuf)
{
	uint64_t at = r->offset;
	bool be = r->big_endian, shb;
	size_t n, have = PCAPNG_HEADER_LEN;
	uint32_t len, trailer, min;
	struct cursor c;

	n = fread(r->buf, 1, PCAPNG_HEADER_LEN, r->fp);
	if (n == 0 && !ferror(r->fp))
		return CAPTURE_END;
	if (n < PCAPNG_HEADER_LEN)
		return short_read(r, at, n, errbuf);
	shb = memcmp(r->buf, pcapng_shb_magic, sizeof(pcapng_shb_magic)) == 0;
	if (!shb && at == 0) {
		capture_errorf(errbuf, "not a pcapng file: no section header block at byte 0");
		return CAPTURE_ERROR;
	}
	if (shb) {
		/* The SHB type reads the same both ways; its byte-order magic decides. */
		n = fread(r->buf + have, 1, sizeof(pcapng_bom_be), r->fp);
		if (n < sizeof(pcapng_bom_be))
			return short_read(r, at, have + n, errbuf);
		have += n;
		if (memcmp(r->buf + PCAPNG_HEADER_LEN, pcapng_bom_be, sizeof(pcapng_bom_be)) == 0) {
			be = true;
		} else if (memcmp(r->buf + PCAPNG_HEADER_LEN, pcapng_bom_le,
		                  sizeof(pcapng_bom_le)) == 0) {
			be = false;
		} else {
			capture_errorf(errbuf,
			               "block at byte %" PRIu64 ": section header block has a bad "
			               "byte-order magic",
			               at);
			return CAPTURE_ERROR;
		}
	}
	cursor_init(&c, r->buf, PCAPNG_HEADER_LEN);
	*type = get32(&c, be);
	len = get32(&c, be);
	min = shb ? PCAPNG_SHB_MIN_BLOCK : PCAPNG_MIN_BLOCK;
	if (len < min) {
		capture_errorf(errbuf,
		               "block at byte %" PRIu64 ": length %" PRIu32 " is below %" PRIu32,
		               at, len, min);
		return CAPTURE_ERROR;
	}
	if (len % 4 != 0) {
		capture_errorf(
		    errbuf, "block at byte %" PRIu64 ": length %" PRIu32 " is not a multiple of 4",
		    at, len);
		return CAPTURE_ERROR;
	}
	if (len > PCAPNG_MAX_BLOCK) {
		capture_errorf(
		    errbuf, "block at byte %" PRIu64 ": length %" PRIu32 " exceeds the limit of %d",
		    at, len, PCAPNG_MAX_BLOCK);
		return CAPTURE_ERROR;
	}
	if (!reserve(r, len)) {
		capture_errorf(errbuf, "block at byte %" PRIu64 ": out of memory", at);
		return CAPTURE_ERROR;
	}
	n = fread(r->buf + have, 1, len - have, r->fp);
	if (n < len - have)
		return short_read(r, at, have + n, errbuf);
	cursor_init(&c, r->buf + len - PCAPNG_TRAILER_LEN, PCAPNG_TRAILER_LEN);
	trailer = get32(&c, be);
	if (trailer != len) {
		capture_errorf(errbuf,
		               "block at byte %" PRIu64 ": trailing length %" PRIu32
		               " differs from leading length %" PRIu32,
		               at, trailer, len);
		return CAPTURE_ERROR;
	}
	r->offset += len;
	*total = len;
	*section_be = be;
	return CAPTURE_FRAME;
}

static enum capture_status
on_shb(struct pcapng_reader *r, uint64_t at, const uint8_t *body, size_t len, bool be, char *errbuf)
{
	struct cursor c;
	uint16_t major, minor;

	cursor_init(&c, body, len);
	cursor_skip(&c, 4); /* byte-order magic, checked by read_block */
	major = get16(&c, be);
	minor = get16(&c, be);
	/* Section length (8 bytes) and options: nothing we need. */
	if (c.err || major != PCAPNG_VERSION_MAJOR) {
		capture_errorf(errbuf,
		               "block at byte %" PRIu64 ": pcapng version %u.%u is not supported",
		               at, major, minor);
		return CAPTURE_ERROR;
	}
	r->big_endian = be;
	r->n_ifaces = 0;
	return CAPTURE_FRAME;
}

/* Called per frame: one short scan of at most PCAPNG_MAX_LINKTYPES entries. */
static void
note_linktype(struct pcapng_reader *r, int dlt)
{
	size_t i;

	for (i = 0; i < r->n_linktypes; i++) {
		if (r->linktypes[i] == dlt)
			return;
	}
	if (r->n_linktypes < ARRAY_LEN(r->linktypes))
		r->linktypes[r->n_linktypes++] = dlt;
}

static enum capture_status
on_idb(struct pcapng_reader *r, uint64_t at, const uint8_t *body, size_t len, char *errbuf)
{
	struct pcapng_iface *iface;
	const char *why = "";

	if (r->n_ifaces == ARRAY_LEN(r->ifaces)) {
		capture_errorf(errbuf,
		               "block at byte %" PRIu64 ": more than %d interfaces in one section",
		               at, PCAPNG_MAX_INTERFACES);
		return CAPTURE_ERROR;
	}
	iface = &r->ifaces[r->n_ifaces];
	if (parse_idb(body, len, r->big_endian, &iface->idb, &why) != PARSE_OK) {
		capture_errorf(errbuf, "block at byte %" PRIu64 ": %s", at, why);
		return CAPTURE_ERROR;
	}
	iface->dlt = linktype_to_dlt(iface->idb.linktype);
	r->n_ifaces++;
	return CAPTURE_FRAME;
}

static enum capture_status
on_packet(struct pcapng_reader *r, uint64_t at, bool obsolete, const uint8_t *body, size_t len,
          struct capture_frame *frame, char *errbuf)
{
	struct pcapng_epb epb;
	const struct pcapng_iface *iface;
	const char *why = "";

	if (parse_packet(body, len, r->big_endian, obsolete, &epb, &why) != PARSE_OK) {
		capture_errorf(errbuf, "block at byte %" PRIu64 ": %s", at, why);
		return CAPTURE_ERROR;
	}
	if (epb.interface_id >= r->n_ifaces) {
		capture_errorf(errbuf,
		               "block at byte %" PRIu64 ": packet on interface %" PRIu32
		               ", but the section declares %zu",
		               at, epb.interface_id, r->n_ifaces);
		return CAPTURE_ERROR;
	}
	iface = &r->ifaces[epb.interface_id];
	frame->data = epb.data;
	frame->caplen = epb.caplen;
	frame->wirelen = epb.wirelen;
	frame->ts = pcapng_timestamp_ns(&iface->idb, epb.ts_units);
	frame->linktype = iface->dlt;
	frame->interface = epb.interface_id;
	note_linktype(r, iface->dlt);
	return CAPTURE_FRAME;
}

static enum capture_status
on_spb(struct pcapng_reader *r, uint64_t at, const uint8_t *body, size_t len,
       struct capture_frame *frame, char *errbuf)
{
	struct cursor c;
	const struct pcapng_iface *iface;
	uint32_t wirelen, caplen;
	size_t room;

	if (r->n_ifaces == 0) {
		capture_errorf(errbuf,
		               "block at byte %" PRIu64 ": simple packet block, but the section "
		               "declares no interface",
		               at);
		return CAPTURE_ERROR;
	}
	cursor_init(&c, body, len);
	wirelen = get32(&c, r->big_endian);
	if (c.err) {
		capture_errorf(errbuf,
		               "block at byte %" PRIu64 ": simple packet block is too short", at);
		return CAPTURE_ERROR;
	}
	/* SPBs belong to the first interface; caplen = min(len, room, snaplen). */
	iface = &r->ifaces[0];
	room = cursor_remaining(&c);
	caplen = wirelen;
	if (caplen > room)
		caplen = (uint32_t)room;
	if (iface->idb.snaplen != 0 && caplen > iface->idb.snaplen)
		caplen = iface->idb.snaplen;
	frame->data = cursor_take(&c, caplen);
	frame->caplen = caplen;
	frame->wirelen = wirelen;
	frame->ts = pcapng_timestamp_ns(&iface->idb, 0);
	frame->linktype = iface->dlt;
	frame->interface = 0;
	note_linktype(r, iface->dlt);
	return CAPTURE_FRAME;
}

/* Read blocks until a frame, the end, or an error. */
static enum capture_status
step(struct pcapng_reader *r, struct capture_frame *frame, char *errbuf)
{
	unsigned n;

	for (n = 0; n < PCAPNG_MAX_BLOCKS_WITHOUT_PACKET; n++) {
		uint64_t at = r->offset;
		uint32_t type, total;
		bool be;
		enum capture_status st;
		const uint8_t *body;
		size_t len;

		st = read_block(r, &type, &total, &be, errbuf);
		if (st != CAPTURE_FRAME)
			return st;
		/* Only now: read_block may have moved the buffer. */
		body = r->buf + PCAPNG_HEADER_LEN;
		len = total - PCAPNG_MIN_BLOCK;
		switch (type) {
		case PCAPNG_BT_SHB:
			st = on_shb(r, at, body, len, be, errbuf);
			break;
		case PCAPNG_BT_IDB:
			st = on_idb(r, at, body, len, errbuf);
			break;
		case PCAPNG_BT_EPB:
			return on_packet(r, at, false, body, len, frame, errbuf);
		case PCAPNG_BT_PB:
			return on_packet(r, at, true, body, len, frame, errbuf);
		case PCAPNG_BT_SPB:
			return on_spb(r, at, body, len, frame, errbuf);
		default:
			/* NRB, ISB, DSB, custom and unknown blocks: nothing we need. */
			break;
		}
		if (st != CAPTURE_FRAME)
			return st;
	}
	capture_errorf(errbuf,
	               "block at byte %" PRIu64 ": more than %u blocks in a row without a packet",
	               r->offset, PCAPNG_MAX_BLOCKS_WITHOUT_PACKET);
	return CAPTURE_ERROR;
}

struct pcapng_reader *
pcapng_open(FILE *fp, char *errbuf)
{
	struct pcapng_reader *r = calloc(1, sizeof(*r));
	uint32_t type, total;
	bool be;
	enum capture_status st;

	if (r == NULL) {
		capture_errorf(errbuf, "out of memory");
		return NULL;
	}
	r->buf = malloc(PCAPNG_INITIAL_BUFFER);
	if (r->buf == NULL) {
		capture_errorf(errbuf, "out of memory");
		goto fail;
	}
	r->buf_size = PCAPNG_INITIAL_BUFFER;
	r->fp = fp;
	/* The SHB comes first: a stream that does not start with one fails here. */
	st = read_block(r, &type, &total, &be, errbuf);
	if (st == CAPTURE_END) {
		capture_errorf(errbuf, "file is empty");
		goto fail;
	}
	if (st != CAPTURE_FRAME)
		goto fail;
	if (on_shb(r, 0, r->buf + PCAPNG_HEADER_LEN, total - PCAPNG_MIN_BLOCK, be, errbuf) !=
	    CAPTURE_FRAME)
		goto fail;
	/*
	 * Look ahead to the first frame, so the interfaces declared before it
	 * (the link types) are known once open returns, as with libpcap.  Its
	 * result, good or bad, is what the first pcapng_next returns.
	 */
	r->stored = step(r, &r->stored_frame, r->stored_err);
	r->have_stored = true;
	return r;
fail:
	pcapng_close(r);
	return NULL;
}

void
pcapng_close(struct pcapng_reader *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	free(r);
}

enum capture_status
pcapng_next(struct pcapng_reader *r, struct capture_frame *frame, char *errbuf)
{
	enum capture_status st;

	if (r->have_stored) {
		st = r->stored;
		if (st == CAPTURE_FRAME) {
			*frame = r->stored_frame;
			r->have_stored = false;
		} else if (st != CAPTURE_END) {
			capture_errorf(errbuf, "%s", r->stored_err);
		}
		return st;
	}
	st = step(r, frame, r->stored_err);
	if (st != CAPTURE_FRAME) {
		r->stored = st;
		r->have_stored = true;
		if (st != CAPTURE_END)
			capture_errorf(errbuf, "%s", r->stored_err);
	}
	return st;
}

uint64_t
pcapng_offset(const struct pcapng_reader *r)
{
	return r->offset;
}

size_t
pcapng_linktypes(const struct pcapng_reader *r, int *out, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < r->n_linktypes; i++)
		out[i] = r->linktypes[i];
	return i;
}

size_t
pcapng_interface_count(const struct pcapng_reader *r)
{
	return r->n_ifaces;
}

const struct pcapng_idb *
pcapng_interface(const struct pcapng_reader *r, size_t i)
{
	return i < r->n_ifaces ? &r->ifaces[i].idb : NULL;
}
