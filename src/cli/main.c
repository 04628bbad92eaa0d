/*
 * SPDX-License-Identifier: BSD-2-Clause
 * main.c - mailtrace: dispatch to the subcommands.  decode and exporter
 * are programs of their own (mailtrace-decode, mailtrace-exporter), run
 * in this process's place: they need libpcap and libmicrohttpd, whose
 * dozen libraries a probe would otherwise load and relocate at every
 * start without ever using them (docs/benchmarks.md, "Start-up").
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_mon.h"
#include "mt.h"
#include "net.h"
#include "store.h"

static void	nagios_scan(int, char **);
static int	run(int, char **);
static int	cli_program(const char *, int, char **);
static int	version(void);

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
"  serve SCRIPT... [--port N] [--cert PEM --key PEM] [--connections N]\n"
"                                           play a scripted fake POP3/SMTP server on\n"
"                                           loopback (docs/fakesrv.md); see\n"
"                                           mailtrace serve --help\n"
"\n"
"  -h, --help      this text\n"
"  -V, --version   the version, and those of the OpenSSL and SQLite it runs\n"
"                  with, and of the decoder's libpcap\n"
"\n"
"exit status: 0 every step succeeded; 1 the session failed at some step (the\n"
"trace shows which); 2 usage or configuration error.\n"
"documentation: docs/cli.md, docs/records.md, docs/events.md, docs/formats.md\n";

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
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0)
		return version();
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
		return cli_program("decode", argc - 1, argv + 1);
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
		return cli_program("exporter", argc - 1, argv + 1);
	if (strcmp(argv[1], "batch") == 0)
		return cli_batch(argc - 1, argv + 1);
	if (strcmp(argv[1], "serve") == 0)
		return cli_program("serve", argc - 1, argv + 1);
	cli_err("unknown command \"%s\" (try mailtrace --help)", argv[1]);
	return EXIT_USAGE;
}

/*
 * Run mailtrace-NAME in this process's place (same pid, same arguments
 * after the command's name): the one beside this executable (a build
 * tree, or an install that keeps them together), else the installed
 * one in MT_LIBEXECDIR.  Returns only when neither can be run.
 */
static int
cli_program(const char *name, int argc, char **argv)
{
	char	 self[PATH_MAX], path[PATH_MAX + 64], *slash, **nargv;
	ssize_t	 n;
	int	 i, e = ENOENT;

	if ((nargv = calloc((size_t)argc + 1, sizeof(*nargv))) == NULL) {
		cli_err("%s: out of memory", name);
		return EXIT_USAGE;
	}
	for (i = 1; i < argc; i++)
		nargv[i] = argv[i];
	nargv[argc] = NULL;
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/mailtrace-%s", self,
			    name);
			nargv[0] = path;
			execv(path, nargv);
			e = errno;
		}
	}
	snprintf(path, sizeof(path), "%s/mailtrace-%s", MT_LIBEXECDIR, name);
	nargv[0] = path;
	execv(path, nargv);
	if (errno != ENOENT || e == ENOENT)
		e = errno;
	cli_err("%s: cannot run %s: %s (mailtrace %s is a program of its "
	    "own, installed there)", name, path, strerror(e), name);
	free(nargv);
	return EXIT_USAGE;
}

/*
 * The version, and the libraries' this process runs with; libpcap's from
 * the decoder's program, the one that links it (a probe never loads it).
 */
static int
version(void)
{
	static char	 a0[] = "decode", a1[] = "--version";
	char		*args[] = { a0, a1, NULL };
	pid_t		 pid;
	int		 st;

	printf("mailtrace %s\n%s\nSQLite %s\n", MT_VERSION, net_tls_library(),
	    store_sqlite_version());
	fflush(stdout);
	if ((pid = fork()) < 0) {
		cli_err("--version: fork: %s", strerror(errno));
		return EXIT_USAGE;
	}
	if (pid == 0)
		_exit(cli_program("decode", 2, args));
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			cli_err("--version: waitpid: %s", strerror(errno));
			return EXIT_USAGE;
		}
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : EXIT_USAGE;
}
