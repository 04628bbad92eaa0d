/*
 * SPDX-License-Identifier: BSD-2-Clause
 * main.c - mailtrace: dispatch to the subcommands.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_mon.h"
#include "mt.h"

static void	nagios_scan(int, char **);
static int	run(int, char **);

static const char usage[] =
"usage: mailtrace COMMAND [options]\n"
"\n"
"mailtrace traces POP3 and SMTP sessions step by step with the PRF event\n"
"catalog (JavaMail events: POP3 0xAD80-0xAD93, SMTP 0xAD00-0xAD15) and keeps\n"
"every run in sqlite (or a shared PostgreSQL database: --db URL).\n"
"\n"
"commands:\n"
"  pop3 [options] pop3://USER@HOST[:PORT]   probe a POP3 server (pop3s:// for\n"
"                                           implicit TLS); see mailtrace pop3 --help\n"
"  smtp [options] --from A --to B smtp://[USER@]HOST[:PORT]\n"
"                                           send one message (smtps:// for implicit\n"
"                                           TLS); see mailtrace smtp --help\n"
"  roundtrip --smtp URL --pop3 URL --from A --to B\n"
"                                           send a marked message, wait for it over\n"
"                                           POP3, report the delivery latency\n"
"  batch [--concurrency N] [--repeat K] [--interval S] FILE\n"
"                                           run the probes FILE lists (one per line,\n"
"                                           as above) at once in one process; see\n"
"                                           mailtrace batch --help\n"
"  decode [options] FILE... | -i IFACE     rebuild the trace records from captured\n"
"                                           POP3/SMTP traffic; see mailtrace decode --help\n"
"  show [--db FILE] [--run ID]... [--session N] [--event ID] [--failed]\n"
"                                           print stored runs again (default: the last)\n"
"  runs [--since T] [--server HOST[:PORT]] [--failed] ...\n"
"                                           list the stored runs, newest first; see\n"
"                                           mailtrace runs --help\n"
"  stats [--server HOST[:PORT]] [--since T] [--step STEP] ...\n"
"                                           each server's steps over the stored runs:\n"
"                                           count, failures, latency percentiles\n"
"  baseline save|list|show|delete [NAME]    keep a stored run as a named baseline for the\n"
"                                           regression check; see mailtrace baseline --help\n"
"  diff RUN_A RUN_B | check NAME --run ID   what changed between two stored runs, or a run\n"
"                                           and a baseline; see mailtrace diff --help\n"
"  report [--run ID] [--baseline NAME] [-o FILE]\n"
"                                           a stored run's sessions as waterfalls in\n"
"                                           one HTML file; see mailtrace report --help\n"
"  events                                   list the event catalog, the anomalies\n"
"                                           and the exception mapping\n"
"  exporter [--listen ADDR:PORT] [--config FILE] [probe options]\n"
"                                           serve Prometheus /probe?target=URL and\n"
"                                           /metrics; see mailtrace exporter --help\n"
"\n"
"  -h, --help      this text\n"
"  -V, --version   the version\n"
"\n"
"exit status: 0 every step succeeded; 1 the session failed at some step (the\n"
"trace shows which); 2 usage or configuration error.\n"
"documentation: docs/cli.md, docs/records.md, docs/events.md, docs/formats.md\n";

/*
 * One line, whatever the arguments hold: a byte that is not printable
 * ASCII (a CR or LF in an argument, a terminal escape) is shown as mt_show()
 * shows it (\r \n \t \xHH).  A backslash stays as it is, so text
 * already shown that way (a server's reply in a session error) is not
 * shown twice.  At most CLI_ERR_MAX bytes, then "...(+N)".
 */
static const char	*(*cli_err_where)(void);

void
cli_err_context(const char *(*where)(void))
{
	cli_err_where = where;
}

void
cli_err(const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[CLI_ERR_MAX + 1], shown[8];
	uint8_t	 c;
	size_t	 i, n;
	int	 w;

	va_start(ap, fmt);
	w = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (w < 0)
		w = 0;
	n = (size_t)w < sizeof(buf) ? (size_t)w : sizeof(buf) - 1;
	fputs("mailtrace: ", stderr);
	if (cli_err_where != NULL)
		fputs(cli_err_where(), stderr);
	for (i = 0; i < n; i++) {
		c = (uint8_t)buf[i];
		if (mt_isprint(c))
			fputc(c, stderr);
		else {
			mt_show(shown, sizeof(shown), &c, 1, 1);
			fputs(shown, stderr);
		}
	}
	if ((size_t)w > n)
		fprintf(stderr, "...(+%zu)", (size_t)w - n);
	fputc('\n', stderr);
	buf[n] = '\0';
	cli_nagios_note(buf);
}

int
cli_number(const char *opt, const char *s, long long min, long long max,
    long long *out)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max) {
		cli_err("%s: \"%s\" is not a number from %lld to %lld", opt, s,
		    min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("mailtrace %s\n", MT_VERSION);
		return 0;
	}
	nagios_scan(argc, argv);
	return cli_nagios_finish(run(argc, argv));
}

/*
 * --nagios among a plugin command's own arguments (not a check's probe
 * options after --): the process is in Nagios mode from the start, so
 * that a usage error is an UNKNOWN plugin line too.
 */
static void
nagios_scan(int argc, char **argv)
{
	static const char *const cmds[][2] = {
		{ "pop3", "POP3" }, { "smtp", "SMTP" },
		{ "roundtrip", "ROUNDTRIP" }, { "check", "CHECK" },
	};
	size_t	k;
	int	i;

	for (k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
		if (strcmp(argv[1], cmds[k][0]) != 0)
			continue;
		for (i = 2; i < argc && strcmp(argv[i], "--") != 0; i++)
			if (strcmp(argv[i], "--nagios") == 0) {
				cli_nagios_mode(cmds[k][1]);
				return;
			}
	}
}

static int
run(int argc, char **argv)
{
	if (strcmp(argv[1], "pop3") == 0)
		return cli_pop3(argc - 1, argv + 1);
	if (strcmp(argv[1], "smtp") == 0)
		return cli_smtp(argc - 1, argv + 1);
	if (strcmp(argv[1], "roundtrip") == 0)
		return cli_roundtrip(argc - 1, argv + 1);
	if (strcmp(argv[1], "decode") == 0)
		return cli_decode(argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return cli_show(argc - 1, argv + 1);
	if (strcmp(argv[1], "runs") == 0)
		return cli_runs(argc - 1, argv + 1);
	if (strcmp(argv[1], "stats") == 0)
		return cli_stats(argc - 1, argv + 1);
	if (strcmp(argv[1], "diff") == 0 || strcmp(argv[1], "check") == 0)
		return cli_diff(argc - 1, argv + 1);
	if (strcmp(argv[1], "baseline") == 0)
		return cli_baseline(argc - 1, argv + 1);
	if (strcmp(argv[1], "report") == 0)
		return cli_report(argc - 1, argv + 1);
	if (strcmp(argv[1], "events") == 0)
		return cli_events(argc - 1, argv + 1);
	if (strcmp(argv[1], "exporter") == 0)
		return cli_exporter(argc - 1, argv + 1);
	if (strcmp(argv[1], "batch") == 0)
		return cli_batch(argc - 1, argv + 1);
	cli_err("unknown command \"%s\" (try mailtrace --help)", argv[1]);
	return EXIT_USAGE;
}
