/*
 * SPDX-License-Identifier: BSD-2-Clause
 * main_decode.c - mailtrace-decode, the program `mailtrace decode` runs (main.c):
 * the passive decoder: libpcap and what it loads live here only.
 */
#include "cli.h"

int
main(int argc, char **argv)
{
	return cli_decode(argc, argv);
}
