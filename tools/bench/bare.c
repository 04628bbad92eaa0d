/*
 * SPDX-License-Identifier: BSD-2-Clause
 * bare.c - the reference for the decoder benchmark (docs/benchmarks.md):
 * a bare libpcap read loop over a capture file that only touches each
 * packet.  It opens the file the way the decoder does (fopen, then
 * pcap_fopen_offline_with_tstamp_precision, microseconds; the decoder also
 * gives the FILE a larger buffer, see --bufsize), reads every
 * packet with pcap_next_ex(), and adds up one byte of each packet (the
 * first payload byte of a plain Ethernet/IPv4/TCP frame, else the last
 * captured byte) so that the data is really read.
 *
 * Usage: bare [--bufsize N] FILE.pcap
 * --bufsize N gives the FILE a stdio buffer of N bytes (setvbuf) before
 * libpcap reads it; without it the loop reads as pcap_open_offline()
 * does, with stdio's default buffer (one file system block).  The decoder
 * reads with a 256 KiB buffer (src/capture/pcap_src.c), so the benchmark
 * also measures "bare --bufsize 262144" beside it (docs/benchmarks.md).
 * Prints: packets, captured bytes, and the byte sum (so the work cannot be
 * optimised away).  Exit 0, 1 on a damaged file, 2 on usage errors.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

int
main(int argc, char **argv)
{
	char			 ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr	*h;
	const u_char		*d;
	uint64_t		 packets = 0, bytes = 0, sum = 0;
	pcap_t			*p;
	FILE			*fp;
	char			*buf = NULL, *end;
	unsigned long		 bufsize = 0;
	int			 rc;

	if (argc == 4 && strcmp(argv[1], "--bufsize") == 0) {
		bufsize = strtoul(argv[2], &end, 10);
		if (*argv[2] == '\0' || *end != '\0' || bufsize == 0 ||
		    bufsize > 64UL * 1024 * 1024) {
			fprintf(stderr, "bare: --bufsize: 1..67108864 bytes\n");
			return 2;
		}
		argv += 2;
		argc -= 2;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: bare [--bufsize N] FILE.pcap\n");
		return 2;
	}
	if ((fp = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "bare: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	if (bufsize > 0 && ((buf = malloc(bufsize)) == NULL ||
	    setvbuf(fp, buf, _IOFBF, bufsize) != 0)) {
		fprintf(stderr, "bare: cannot set a %lu-byte buffer\n",
		    bufsize);
		return 2;
	}
	if ((p = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_MICRO, ebuf)) == NULL) {
		fprintf(stderr, "bare: %s: %s\n", argv[1], ebuf);
		return 2;
	}
	while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
		packets++;
		bytes += h->caplen;
		if (h->caplen > 54)
			sum += d[54];
		else if (h->caplen > 0)
			sum += d[h->caplen - 1];
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "bare: %s: packet %" PRIu64 ": %s\n", argv[1],
		    packets + 1, pcap_geterr(p));
		pcap_close(p);
		free(buf);
		return 1;
	}
	printf("packets %" PRIu64 " bytes %" PRIu64 " sum %" PRIu64 "\n",
	    packets, bytes, sum);
	pcap_close(p);
	free(buf);
	return 0;
}
