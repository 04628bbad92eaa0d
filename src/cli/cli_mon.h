/*
 * cli_mon.h - the monitoring options of the probe commands (issue 11,
 * docs/monitoring.md): --nagios with its thresholds, and --prom-file.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_CLI_CLI_MON_H
#define MT_CLI_CLI_MON_H

#include <stdbool.h>
#include <stdio.h>

#include "mon.h"

struct cli_mon {
	bool			 nagios;
	const char		*prom_file;
	struct mon_thresholds	 th;
	bool			 th_given;	/* a threshold option was */
};

/* getopt_long values (CLI_OPT_BASE + 20 on; -w and -c as themselves). */
#define CLI_MON_BASE		(0x100 + 20)
#define CLI_MON_OPTIONS							\
	{ "nagios", no_argument, NULL, CLI_MON_BASE + 0 },		\
	{ "warning", required_argument, NULL, 'w' },			\
	{ "critical", required_argument, NULL, 'c' },			\
	{ "step-warning", required_argument, NULL, CLI_MON_BASE + 1 },	\
	{ "step-critical", required_argument, NULL, CLI_MON_BASE + 2 },	\
	{ "cert-days", required_argument, NULL, CLI_MON_BASE + 3 },	\
	{ "prom-file", required_argument, NULL, CLI_MON_BASE + 4 }
/* The short options to add to a command's getopt string. */
#define CLI_MON_SHORT		"w:c:"

/* The options' --help lines. */
#define CLI_MON_HELP							\
"  --nagios               act as a Nagios/Icinga plugin: one status line\n" \
"                         with perfdata, the trace as long output, exit 0\n" \
"                         OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (records at\n" \
"                         advanced level unless --level says otherwise)\n" \
"  -w, --warning RANGE    WARNING when the session's time (s) is outside\n" \
"                         RANGE (10, 10:, ~:10, 10:20, @10:20)\n"	\
"  -c, --critical RANGE   CRITICAL likewise\n"				\
"  --step-warning STEP=RANGE, --step-critical STEP=RANGE\n"		\
"                         the same on one step's time (STEP a perfdata\n" \
"                         label: connect, greeting, stat, rcpt, ...)\n"	\
"  --cert-days WARN[,CRIT] WARNING (CRITICAL) when the TLS certificate\n" \
"                         has fewer days left\n"			\
"  --prom-file FILE       also write the run's Prometheus metrics to FILE\n" \
"                         (atomically: a temporary file, then rename)\n"

void	cli_mon_init(struct cli_mon *);
/*
 * One getopt_long() result: 1 when it was a monitoring option, 0 when not,
 * -1 on a bad value (message said).
 */
int	cli_mon_opt(struct cli_mon *, int ch, const char *arg);
/* Options that do not go together; -1 with a message. */
int	cli_mon_check(const struct cli_mon *, bool format_given);

/*
 * Write m's metrics to path atomically: PATH.tmp.PID in the same
 * directory, fsync'ed, renamed over path.  -1 with a message said.
 */
int	cli_prom_write(const char *path, const struct mon_run *m);

/*
 * Nagios mode for the process (main.c): service ("POP3", "SMTP",
 * "ROUNDTRIP", "CHECK") names the plugin's line; cli_err() keeps the
 * first message, and cli_nagios_finish() turns an exit without a plugin
 * line into "SERVICE UNKNOWN - message" and 3.
 */
void	cli_nagios_mode(const char *service);
const char *cli_nagios_service(void);	/* NULL: not in nagios mode */
void	cli_nagios_note(const char *msg);	/* cli_err()'s message */
void	cli_nagios_printed(void);		/* the plugin line is out */
const char *cli_nagios_msg(void);		/* the first message, or "" */
/* The lines of f (from its start) to stdout as long output: no '|'. */
void	cli_nagios_long(FILE *f);
int	cli_nagios_finish(int status);

#endif
