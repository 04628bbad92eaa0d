/*
 * SPDX-License-Identifier: BSD-2-Clause
 * cli_show.c - mailtrace show: render a stored run through the same sinks
 * the probe printed it with.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli_common.h"
#include "sink.h"
#include "store.h"

static const char show_usage[] =
"usage: mailtrace show [--db FILE] [--run ID] [--format text|prf|jsonl]\n"
"\n"
"Prints a stored run exactly as the probe printed it.  The store must\n"
"exist: show creates nothing.\n"
"  --db FILE       the sqlite store (default: $MAILTRACE_DB, else\n"
"                  $XDG_DATA_HOME/mailtrace/mailtrace.db, else\n"
"                  ~/.local/share/mailtrace/mailtrace.db)\n"
"  --run ID        the run to show (default: the last run)\n"
"  --format F      text (default), prf (PRF CSV) or jsonl\n"
"\n"
"A run that did not end (still running, or its process was killed) or\n"
"that a signal interrupted is printed as far as it was stored, and a line\n"
"on stderr says so.\n";

static void	show_status(const struct store_run *);

/*
 * Say on stderr when the run did not end as runs do.  The store cannot
 * tell a run in progress from one whose process died: both have no end
 * status.  Its pid can, on the machine that ran it (a pid reused since
 * makes a dead run look alive).
 */
static void
show_status(const struct store_run *run)
{
	unsigned long long	id = (unsigned long long)run->id;

	if (!run->finished_set) {
		if (run->pid > 0 && (kill((pid_t)run->pid, 0) == 0 ||
		    errno == EPERM))
			cli_err("run %llu is unfinished: its process (pid %ld) "
			    "is still running; these are its records so far",
			    id, run->pid);
		else
			cli_err("run %llu is unfinished: it has no end status "
			    "(its process, pid %ld, was killed, or its store "
			    "failed); these are the records it stored", id,
			    run->pid);
	} else if (run->exit_status == 128 + SIGINT ||
	    run->exit_status == 128 + SIGTERM)
		cli_err("run %llu was interrupted by %s (exit status %d); "
		    "these are its records up to then", id,
		    run->exit_status == 128 + SIGINT ? "SIGINT" : "SIGTERM",
		    run->exit_status);
}

int
cli_show(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "run", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum sink_format	 fmt = SINK_TEXT;
	const char		*db = NULL;
	char			 dbbuf[4096];
	struct store		*st = NULL;
	struct store_run	 run;
	struct sink		*sk;
	struct mt_err		 err;
	uint64_t		 id = 0;
	long long		 v;
	int			 c, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'r':
			if (cli_number("--run", optarg, 1, INT64_MAX, &v) != 0)
				return EXIT_USAGE;
			id = (uint64_t)v;
			break;
		case 'f':
			if (cli_format(optarg, &fmt) != 0)
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(show_usage, stdout);
			return 0;
		case ':':
		default:
			(void)cli_opt_error("show", c, argv);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_err("show: unexpected argument \"%s\"", argv[optind]);
		return EXIT_USAGE;
	}
	if (cli_store_existing(&db, dbbuf, sizeof(dbbuf), &st) != 0)
		return EXIT_USAGE;
	mt_err_clear(&err);
	rc = 0;
	if (id == 0)
		rc = store_last_run(st, &id, &err);
	if (rc == 0)
		rc = store_get_run(st, id, &run, &err);
	if (rc != 0) {
		cli_err("%s", err.msg);
		store_close(st);
		return EXIT_USAGE;
	}
	if ((sk = sink_new(fmt, stdout, &run.ri, &err)) == NULL) {
		cli_err("%s", err.msg);
		store_close(st);
		return EXIT_USAGE;
	}
	rc = store_replay(st, id, sk, &err);
	if (rc == 0 && sk->flush != NULL)
		rc = sk->flush(sk, &err);
	sk->close(sk);
	store_close(st);
	if (rc != 0) {
		cli_err("%s", err.msg);
		return EXIT_SESSION;
	}
	if (fflush(stdout) != 0) {
		cli_err("writing the output failed");
		return EXIT_SESSION;
	}
	show_status(&run);
	return 0;
}
