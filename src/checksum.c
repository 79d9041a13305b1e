/*
 * IPv4 header checksums per sending host (RFC 791 section 3.1).
 *
 * Decision: "offloaded" means every packet the host sent in this capture
 * had a wrong header checksum, the first one included.  A host that
 * computes checksums in its NIC shows exactly that in a capture taken on
 * it (the capture point is before the NIC); a NAT that breaks checksums
 * after rewriting shows right checksums on the packets it did not rewrite
 * (its own control packets, the first packets before a fast path takes
 * over), so it never looks offloaded.  A host with a single packet that
 * is wrong is taken as offloaded too: one packet is no evidence of a NAT
 * defect either way.
 */
#include "checksum.h"

#include <stdlib.h>
#include <string.h>

void
checksum_hosts_init(struct checksum_hosts *h)
{
	memset(h, 0, sizeof(*h));
	map_init(&h->by_src, CHECKSUM_MAX_HOSTS);
}

void
checksum_hosts_free(struct checksum_hosts *h)
{
	free(h->hosts);
	map_free(&h->by_src);
	memset(h, 0, sizeof(*h));
}

static uint64_t
src_key(const struct addr *a)
{
	return addr_hash(a, 0x63686b73756d); /* any fixed seed */
}

const struct checksum_host *
checksum_hosts_find(const struct checksum_hosts *h, const struct addr *src)
{
	uint32_t i;

	if (!map_get(&h->by_src, src_key(src), &i) || i >= h->nhosts ||
	    !addr_eq(&h->hosts[i].src, src))
		return NULL;
	return &h->hosts[i];
}

static struct checksum_host *
host_for(struct checksum_hosts *h, const struct addr *src)
{
	const struct checksum_host *found = checksum_hosts_find(h, src);
	struct checksum_host *ch;

	if (found != NULL)
		return &h->hosts[found - h->hosts];
	if (h->nhosts == h->cap) {
		uint32_t ncap = h->cap != 0 ? h->cap * 2 : 16;
		struct checksum_host *p;

		if (h->cap >= CHECKSUM_MAX_HOSTS)
			return NULL;
		if (ncap > CHECKSUM_MAX_HOSTS)
			ncap = CHECKSUM_MAX_HOSTS;
		p = realloc(h->hosts, (size_t)ncap * sizeof(*p));
		if (p == NULL)
			return NULL;
		h->hosts = p;
		h->cap = ncap;
	}
	/* A 64-bit key shared with another address: that host goes untracked. */
	if (!map_put(&h->by_src, src_key(src), h->nhosts))
		return NULL;
	ch = &h->hosts[h->nhosts++];
	memset(ch, 0, sizeof(*ch));
	ch->src = *src;
	return ch;
}

void
checksum_hosts_add(struct checksum_hosts *h, const struct ip_packet *ip, bool control,
                   const struct frame_ref *where)
{
	struct checksum_host *ch;

	if (ip->version != 4)
		return;
	ch = host_for(h, &ip->src);
	if (ch == NULL) {
		h->hosts_dropped++;
		return;
	}
	if (ch->packets++ == 0)
		ch->first = *where;
	if (ip->checksum_ok) {
		if (ch->bad == 0)
			ch->good_before_bad++;
		ch->last_good = *where;
		return;
	}
	if (ch->bad++ == 0)
		ch->first_bad = *where;
	if (control)
		ch->control_bad++;
}

bool
checksum_host_offloaded(const struct checksum_host *ch)
{
	return ch != NULL && ch->packets > 0 && ch->bad == ch->packets;
}
