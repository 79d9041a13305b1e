/*
 * Generator of testdata/damage/: captures crafted from the kernel lab's
 * healthy editor-3x256 pair the way real captures come damaged (see
 * tests/craft.h and testdata/damage/README.md).  Deterministic: the same
 * lab pair gives the same bytes.  Not built by the Makefile:
 *
 *   cc -std=c11 -D_DEFAULT_SOURCE -Itests -o /tmp/make-damage \
 *       tests/damage/make-damage.c -lpcap && /tmp/make-damage testdata/damage
 *
 * The lab pair is read from OUTDIR/../lab/editor-3x256/ unless a second
 * argument names its folder.  The damage suite (tests/check_damage.c)
 * crafts the same captures in memory and asserts their verdicts; the
 * golden reports over these files (tests/golden) show them rendered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "craft.h"

#define PPTP_OCRP 8

static const char *outdir;

static void
die(const char *what)
{
	fprintf(stderr, "make-damage: %s\n", what);
	exit(1);
}

static void
put(const struct craft_cap *c, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	if (!craft_write(c, path))
		die(path);
	printf("%-36s %6zu packets\n", name, c->n);
}

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * The Outgoing-Call-Reply of a capture: the first one sent to `to` (NULL:
 * whose Call ID is pac_id), giving its Call ID and Peer's Call ID.
 */
static bool
find_ocrp(const struct craft_cap *c, const uint8_t *to, uint16_t pac_id, uint16_t *call_id,
          uint16_t *peer_id)
{
	size_t i, len;

	for (i = 0; i < c->n; i++) {
		const uint8_t *ip = craft_ip(&c->p[i]);
		const uint8_t *m = craft_tcp_payload(&c->p[i], &len);

		if (m == NULL || len < 16 || craft_pptp_type(&c->p[i]) != PPTP_OCRP)
			continue;
		if (to != NULL ? !craft_addr_is(ip + 16, to) : be16(m + 12) != pac_id)
			continue;
		*call_id = be16(m + 12);
		*peer_id = be16(m + 14);
		return true;
	}
	return false;
}

int
main(int argc, char **argv)
{
	char in_path[4096], out_path[4096];
	struct craft_cap in, out, a, b;
	uint8_t nat[4], client[4];
	uint16_t pac_id, peer_in, nat_id, pac_again;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: make-damage OUTDIR [LABPAIRDIR]\n");
		return 2;
	}
	outdir = argv[1];
	if (argc == 3) {
		snprintf(in_path, sizeof(in_path), "%s/inside.pcap", argv[2]);
		snprintf(out_path, sizeof(out_path), "%s/outside.pcap", argv[2]);
	} else {
		snprintf(in_path, sizeof(in_path), "%s/../lab/editor-3x256/inside.pcap", outdir);
		snprintf(out_path, sizeof(out_path), "%s/../lab/editor-3x256/outside.pcap", outdir);
	}
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (!craft_load(&in, in_path) || !craft_load(&out, out_path))
		die("cannot read the lab pair");
	if (!craft_syn_sender(&out, nat) || !craft_syn_sender(&in, client))
		die("no SYN in the lab pair");

	/* Captured on the NAT with checksum offload on its WAN interface. */
	if (craft_offload_host(&out, &a, nat) == 0)
		die("offload");
	put(&a, "offload-outside.pcap");

	/* The NAT's OCRQ recorded twice, a damaged copy first. */
	if (!craft_duplicate_ocrq(&out, &a, CRAFT_DAMAGED_FIRST))
		die("damaged first");
	put(&a, "ocrq-damaged-first-outside.pcap");

	/* Captured with 'tcp port 1723' on both sides. */
	if (!craft_drop_gre(&in, &a, NULL) || !craft_drop_gre(&out, &b, NULL))
		die("no gre");
	put(&a, "no-gre-inside.pcap");
	put(&b, "no-gre-outside.pcap");

	/* The first client's GRE blocked before either capture point: inside
	 * every GRE packet to or from it; outside, its tunnel's keys (the
	 * server's Call ID from its OCRP inside, the NAT's from the outside
	 * OCRP that carries the same server Call ID). */
	if (!find_ocrp(&in, client, 0, &pac_id, &peer_in) ||
	    !find_ocrp(&out, NULL, pac_id, &pac_again, &nat_id))
		die("no OCRP for the first client");
	if (!craft_drop_gre(&in, &a, client) || !craft_drop_gre_keys(&out, &b, pac_id, nat_id))
		die("one tunnel");
	put(&a, "one-tunnel-no-gre-inside.pcap");
	put(&b, "one-tunnel-no-gre-outside.pcap");

	craft_free(&in);
	craft_free(&out);
	craft_free(&a);
	craft_free(&b);
	return 0;
}
