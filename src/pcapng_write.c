/*
 * pcapng writer: SHB, IDB and EPB (draft-ietf-opsawg-pcapng sections 3 and
 * 4), the mirror of the reader in pcapng.c.
 *
 * Decisions:
 * - Little-endian on every host, so the same input gives the same bytes.
 * - Section length -1 ("not specified"): the writer streams and never seeks.
 * - if_tsresol 9 on every interface: nanoseconds, the analysis's own unit.
 * - snaplen as given (0 = no limit, as the specification allows).
 * - Each block's length is computed once from its parts (fixed body, data
 *   padded to 32 bits, each option's header, value and padding, the
 *   end-of-options option, the trailing length) and checked against what
 *   was written, so the leading and trailing lengths cannot disagree.
 */
#include "pcapng_write.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "pcapng.h"

#define BT_SHB UINT32_C(0x0A0D0D0A)
#define BT_IDB UINT32_C(0x00000001)
#define BT_EPB UINT32_C(0x00000006)
#define BYTE_ORDER_MAGIC UINT32_C(0x1A2B3C4D)

#define HEADER_LEN 8  /* block type, block total length */
#define TRAILER_LEN 4 /* block total length again */
#define SHB_FIXED 16  /* byte-order magic, major, minor, section length */
#define IDB_FIXED 8   /* link type, reserved, snaplen */
#define EPB_FIXED 20  /* interface, time stamp high and low, caplen, len */
#define OPT_HEADER 4  /* option code, option length */
#define OPT_ALIGN 4

#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define OPT_SHB_USERAPPL 4
#define OPT_IF_NAME 2
#define OPT_IF_DESCRIPTION 3
#define OPT_IF_TSRESOL 9
#define TSRESOL_NS 9

/* Largest block the writer can produce: a full-size packet with a full comment. */
#define MAX_BLOCK                                                                                  \
	(HEADER_LEN + EPB_FIXED + PCAPNG_WRITE_MAX_CAPLEN + OPT_HEADER + PCAPNG_WRITE_MAX_STRING + \
	 OPT_ALIGN + OPT_HEADER + TRAILER_LEN)
_Static_assert(MAX_BLOCK <= PCAPNG_MAX_BLOCK, "the reader must accept every block written");

/* DLT_ values that differ from their LINKTYPE_ on some platform (libpcap pcap-common.c),
 * the same pairs as pcapng.c reads; every other value is the same in both spaces. */
static const struct dlt_linktype {
	int dlt;
	uint16_t linktype;
} dlt_linktypes[] = {
    {DLT_ATM_RFC1483, 100}, {DLT_RAW, 101},    {DLT_SLIP_BSDOS, 102}, {DLT_PPP_BSDOS, 103},
    {DLT_ATM_CLIP, 106},    {DLT_PFSYNC, 246}, {DLT_PKTAP, 258},
};

uint16_t
pcapng_dlt_to_linktype(int dlt)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(dlt_linktypes); i++)
		if (dlt_linktypes[i].dlt == dlt)
			return dlt_linktypes[i].linktype;
	return (uint16_t)dlt;
}

static size_t
pad4(size_t n)
{
	return (OPT_ALIGN - n % OPT_ALIGN) % OPT_ALIGN;
}

/* Bytes of a string kept: at most PCAPNG_WRITE_MAX_STRING, never ending inside a
 * UTF-8 sequence (a cut before a continuation byte backs up to its lead byte). */
static size_t
string_len(const char *s)
{
	size_t n;

	if (s == NULL)
		return 0;
	n = strnlen(s, PCAPNG_WRITE_MAX_STRING + 1);
	if (n <= PCAPNG_WRITE_MAX_STRING)
		return n;
	n = PCAPNG_WRITE_MAX_STRING;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

size_t
pcapng_option_size(const char *value)
{
	size_t n = string_len(value);

	return n == 0 ? 0 : OPT_HEADER + n + pad4(n);
}

/* A bounded little-endian writer; its length is checked once at the end. */
struct out {
	uint8_t *p;
	size_t cap, len;
	bool err;
};

static void
put(struct out *o, const void *v, size_t n)
{
	if (o->err || n > o->cap - o->len) {
		o->err = true;
		return;
	}
	if (n > 0)
		memcpy(o->p + o->len, v, n);
	o->len += n;
}

static void
put_zeros(struct out *o, size_t n)
{
	static const uint8_t zeros[OPT_ALIGN];

	put(o, zeros, n);
}

static void
put16(struct out *o, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

	put(o, b, sizeof(b));
}

static void
put32(struct out *o, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};

	put(o, b, sizeof(b));
}

static void
put_option(struct out *o, uint16_t code, const void *value, size_t n)
{
	if (n == 0)
		return;
	put16(o, code);
	put16(o, (uint16_t)n);
	put(o, value, n);
	put_zeros(o, pad4(n));
}

static void
put_string_option(struct out *o, uint16_t code, const char *s)
{
	put_option(o, code, s, string_len(s));
}

static void
begin_block(struct out *o, uint8_t *buf, size_t cap, uint32_t type, size_t total)
{
	o->p = buf;
	o->cap = cap;
	o->len = 0;
	o->err = total > cap || total > UINT32_MAX;
	put32(o, type);
	put32(o, (uint32_t)total);
}

/* The trailing length, then the check that the parts added up to what was announced. */
static size_t
end_block(struct out *o, size_t total)
{
	put32(o, (uint32_t)total);
	return o->err || o->len != total ? 0 : total;
}

size_t
pcapng_encode_shb(uint8_t *buf, size_t cap, const char *userappl, const char *comment)
{
	size_t opts = pcapng_option_size(comment) + pcapng_option_size(userappl);
	size_t total = HEADER_LEN + SHB_FIXED + (opts > 0 ? opts + OPT_HEADER : 0) + TRAILER_LEN;
	struct out o;

	begin_block(&o, buf, cap, BT_SHB, total);
	put32(&o, BYTE_ORDER_MAGIC);
	put16(&o, 1); /* major version */
	put16(&o, 0); /* minor version */
	put32(&o, UINT32_MAX);
	put32(&o, UINT32_MAX); /* section length: -1, not specified */
	put_string_option(&o, OPT_COMMENT, comment);
	put_string_option(&o, OPT_SHB_USERAPPL, userappl);
	if (opts > 0)
		put32(&o, 0); /* end of options */
	return end_block(&o, total);
}

size_t
pcapng_encode_idb(uint8_t *buf, size_t cap, int dlt, uint32_t snaplen, const char *name,
                  const char *description)
{
	static const uint8_t tsresol = TSRESOL_NS;
	size_t opts = pcapng_option_size(name) + pcapng_option_size(description) + OPT_HEADER +
	              sizeof(tsresol) + pad4(sizeof(tsresol)) + OPT_HEADER;
	size_t total = HEADER_LEN + IDB_FIXED + opts + TRAILER_LEN;
	struct out o;

	if (dlt < 0 || dlt > UINT16_MAX)
		return 0;
	begin_block(&o, buf, cap, BT_IDB, total);
	put16(&o, pcapng_dlt_to_linktype(dlt));
	put16(&o, 0); /* reserved */
	put32(&o, snaplen);
	put_string_option(&o, OPT_IF_NAME, name);
	put_string_option(&o, OPT_IF_DESCRIPTION, description);
	put_option(&o, OPT_IF_TSRESOL, &tsresol, sizeof(tsresol));
	put32(&o, 0); /* end of options */
	return end_block(&o, total);
}

size_t
pcapng_encode_epb(uint8_t *buf, size_t cap, uint32_t interface_id, ts_ns_t ts, const uint8_t *data,
                  uint32_t caplen, uint32_t wirelen, const char *comment)
{
	size_t opts = pcapng_option_size(comment);
	size_t total = HEADER_LEN + EPB_FIXED + caplen + pad4(caplen) +
	               (opts > 0 ? opts + OPT_HEADER : 0) + TRAILER_LEN;
	uint64_t units = ts < 0 ? 0 : (uint64_t)ts;
	struct out o;

	if (caplen > PCAPNG_WRITE_MAX_CAPLEN || caplen > wirelen || (caplen > 0 && data == NULL))
		return 0;
	begin_block(&o, buf, cap, BT_EPB, total);
	put32(&o, interface_id);
	put32(&o, (uint32_t)(units >> 32));
	put32(&o, (uint32_t)units);
	put32(&o, caplen);
	put32(&o, wirelen);
	put(&o, data, caplen);
	put_zeros(&o, pad4(caplen));
	if (opts > 0) {
		put_string_option(&o, OPT_COMMENT, comment);
		put32(&o, 0); /* end of options */
	}
	return end_block(&o, total);
}

static bool
fail(char *errbuf, size_t errlen, const char *what)
{
	if (errbuf != NULL && errlen > 0)
		snprintf(errbuf, errlen, "%s", what);
	return false;
}

static bool
emit(struct pcapng_writer *w, size_t n, char *errbuf, size_t errlen)
{
	if (fwrite(w->buf, 1, n, w->fp) != n) {
		if (errbuf != NULL && errlen > 0)
			snprintf(errbuf, errlen, "write error: %s", strerror(errno));
		return false;
	}
	return true;
}

bool
pcapng_writer_open(struct pcapng_writer *w, FILE *fp, const char *userappl, const char *comment,
                   char *errbuf, size_t errlen)
{
	size_t n;

	memset(w, 0, sizeof(*w));
	w->fp = fp;
	w->buf = malloc(MAX_BLOCK);
	if (w->buf == NULL)
		return fail(errbuf, errlen, "out of memory");
	w->buf_size = MAX_BLOCK;
	n = pcapng_encode_shb(w->buf, w->buf_size, userappl, comment);
	if (n == 0)
		return fail(errbuf, errlen, "section header does not fit");
	return emit(w, n, errbuf, errlen);
}

bool
pcapng_writer_interface(struct pcapng_writer *w, int dlt, uint32_t snaplen, const char *name,
                        const char *description, uint32_t *id, char *errbuf, size_t errlen)
{
	size_t n;

	if (w->buf == NULL)
		return fail(errbuf, errlen, "writer not open");
	if (w->ninterfaces >= PCAPNG_WRITE_MAX_INTERFACES)
		return fail(errbuf, errlen, "too many interfaces");
	n = pcapng_encode_idb(w->buf, w->buf_size, dlt, snaplen, name, description);
	if (n == 0)
		return fail(errbuf, errlen, "link type out of range");
	if (!emit(w, n, errbuf, errlen))
		return false;
	*id = w->ninterfaces++;
	return true;
}

bool
pcapng_writer_packet(struct pcapng_writer *w, uint32_t interface_id, ts_ns_t ts,
                     const uint8_t *data, uint32_t caplen, uint32_t wirelen, const char *comment,
                     char *errbuf, size_t errlen)
{
	size_t n;

	if (w->buf == NULL)
		return fail(errbuf, errlen, "writer not open");
	if (interface_id >= w->ninterfaces)
		return fail(errbuf, errlen, "packet on an undeclared interface");
	n = pcapng_encode_epb(w->buf, w->buf_size, interface_id, ts, data, caplen, wirelen,
	                      comment);
	if (n == 0)
		return fail(errbuf, errlen, "packet longer than a pcapng block may be");
	if (!emit(w, n, errbuf, errlen))
		return false;
	w->packets++;
	return true;
}

void
pcapng_writer_close(struct pcapng_writer *w)
{
	free(w->buf);
	w->buf = NULL;
	w->buf_size = 0;
}
