/*
 * SPDX-License-Identifier: BSD-2-Clause
 * main_decode.c - mailtrace-decode, the program `mailtrace decode` runs (main.c):
 * the passive decoder: libpcap and what it loads live here only.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

int
main(int argc, char **argv)
{
	/* (what `mailtrace --version` shows of the decoder) */
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("mailtrace-decode %s: %s\n", MT_VERSION,
		    pcap_lib_version());
		return 0;
	}
	return cli_decode(argc, argv);
}
