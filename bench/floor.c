/* bench/floor.c: the benchmark's floor: a bare libpcap pcap_next_ex loop over each file given. */
/*
 * Reads every packet of every file, one file after the other, and counts packets and captured
 * bytes, nothing else: the least work any reader of these captures must do.  `make bench`
 * compares pptp-natcheck's run time with this loop's.  Output, one line per file then a total:
 *   <path> <packets> <bytes>
 */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int
main(int argc, char **argv)
{
	uint64_t all_packets = 0, all_bytes = 0;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: floor CAPTURE...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		char errbuf[PCAP_ERRBUF_SIZE];
		struct pcap_pkthdr *h;
		const u_char *data;
		uint64_t packets = 0, bytes = 0;
		pcap_t *p = pcap_open_offline(argv[i], errbuf);
		int rc;

		if (!p) {
			fprintf(stderr, "floor: %s: %s\n", argv[i], errbuf);
			return 2;
		}
		while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
			packets++;
			bytes += h->caplen;
		}
		if (rc == PCAP_ERROR) {
			fprintf(stderr, "floor: %s: %s\n", argv[i], pcap_geterr(p));
			pcap_close(p);
			return 2;
		}
		pcap_close(p);
		printf("%s %" PRIu64 " %" PRIu64 "\n", argv[i], packets, bytes);
		all_packets += packets;
		all_bytes += bytes;
	}
	printf("total %" PRIu64 " %" PRIu64 "\n", all_packets, all_bytes);
	return 0;
}
