/*
 * SPDX-License-Identifier: BSD-2-Clause
 * lcap.c - capture an interface into a pcap file for the tests, with a
 * deterministic end: it stops at the first TCP SYN to the stop port (the
 * test connects there when it is done; every packet before that SYN on the
 * same interface has been captured, so no sleep is needed).
 *
 * usage: lcap -i IFACE -w FILE -s STOPPORT [-f FILTER] [-t SECONDS]
 * Prints "ready" on stdout once capturing.  Exit 0 on the stop SYN; 1 on
 * errors; 3 when the -t watchdog (default 60 s) ended it.
 */
#include <pcap/pcap.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t	stop;

static void
on_alarm(int sig)
{
	(void)sig;
	stop = 1;
}

/* The TCP destination port and SYN flag of an Ethernet/cooked/null frame. */
static int
is_stop_syn(int dlt, const u_char *p, size_t n, unsigned port)
{
	size_t		off, ihl;
	unsigned	et = 0, dport;

	if (dlt == DLT_EN10MB && n >= 14) {
		et = (unsigned)p[12] << 8 | p[13];
		off = 14;
	} else if (dlt == DLT_LINUX_SLL && n >= 16) {
		et = (unsigned)p[14] << 8 | p[15];
		off = 16;
	} else
		return 0;
	if (et == 0x0800 && n >= off + 20) {
		ihl = (size_t)(p[off] & 15) * 4;
		if (p[off + 9] != 6 || n < off + ihl + 14)
			return 0;
		off += ihl;
	} else if (et == 0x86dd && n >= off + 40 + 14) {
		if (p[off + 6] != 6)
			return 0;
		off += 40;
	} else
		return 0;
	dport = (unsigned)p[off + 2] << 8 | p[off + 3];
	return dport == port && (p[off + 13] & 0x12) == 0x02;
}

int
main(int argc, char **argv)
{
	char			 errbuf[PCAP_ERRBUF_SIZE], fbuf[512];
	const char		*iface = NULL, *out = NULL, *filter = NULL;
	unsigned		 port = 0, secs = 60;
	struct bpf_program	 prog;
	struct pcap_pkthdr	*h;
	const u_char		*pkt;
	pcap_dumper_t		*dump;
	pcap_t			*pc;
	int			 ch, rc, dlt, status = 1;

	while ((ch = getopt(argc, argv, "i:w:s:f:t:")) != -1) {
		switch (ch) {
		case 'i':
			iface = optarg;
			break;
		case 'w':
			out = optarg;
			break;
		case 's':
			port = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'f':
			filter = optarg;
			break;
		case 't':
			secs = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			goto usage;
		}
	}
	if (iface == NULL || out == NULL || port == 0 || port > 65535 ||
	    secs == 0)
		goto usage;
	if ((pc = pcap_create(iface, errbuf)) == NULL) {
		fprintf(stderr, "lcap: %s\n", errbuf);
		return 1;
	}
	pcap_set_snaplen(pc, 262144);
	pcap_set_immediate_mode(pc, 1);
	pcap_set_timeout(pc, 100);
	pcap_set_buffer_size(pc, 32 * 1024 * 1024);
	if (pcap_activate(pc) < 0) {
		fprintf(stderr, "lcap: %s: %s\n", iface, pcap_geterr(pc));
		pcap_close(pc);
		return 1;
	}
	dlt = pcap_datalink(pc);
	if (filter != NULL) {
		snprintf(fbuf, sizeof(fbuf), "(%s) or (tcp dst port %u)", filter,
		    port);
		if (pcap_compile(pc, &prog, fbuf, 1, PCAP_NETMASK_UNKNOWN) != 0 ||
		    pcap_setfilter(pc, &prog) != 0) {
			fprintf(stderr, "lcap: filter: %s\n", pcap_geterr(pc));
			pcap_close(pc);
			return 1;
		}
		pcap_freecode(&prog);
	}
	if ((dump = pcap_dump_open(pc, out)) == NULL) {
		fprintf(stderr, "lcap: %s: %s\n", out, pcap_geterr(pc));
		pcap_close(pc);
		return 1;
	}
	signal(SIGALRM, on_alarm);
	alarm(secs);
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		rc = pcap_next_ex(pc, &h, &pkt);
		if (rc == 0)
			continue;
		if (rc != 1) {
			fprintf(stderr, "lcap: %s\n", pcap_geterr(pc));
			break;
		}
		if (is_stop_syn(dlt, pkt, h->caplen, port)) {
			status = 0;
			break;
		}
		pcap_dump((u_char *)dump, h, pkt);
	}
	if (stop) {
		fprintf(stderr, "lcap: no stop SYN within %u s\n", secs);
		status = 3;
	}
	pcap_dump_close(dump);
	pcap_close(pc);
	return status;
usage:
	fprintf(stderr, "usage: lcap -i IFACE -w FILE -s STOPPORT [-f FILTER] "
	    "[-t SECONDS]\n");
	return 1;
}
