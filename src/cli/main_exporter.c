/*
 * SPDX-License-Identifier: BSD-2-Clause
 * main_exporter.c - mailtrace-exporter, the program `mailtrace exporter` runs (main.c):
 * the Prometheus exporter: libmicrohttpd and what it loads live here only.
 */
#include "cli.h"

int
main(int argc, char **argv)
{
	return cli_exporter(argc, argv);
}
