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
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "query.h"
#include "sink.h"
#include "store.h"

#define SHOW_RUNS_HARD	64	/* --run given this many times */

static const char show_usage[] =
"usage: mailtrace show [--db FILE] [--run ID]... [--session N] [--event ID]\n"
"           [--failed] [--format text|prf|jsonl]\n"
"\n"
"Prints a stored run exactly as the probe printed it.  The store must\n"
"exist: show creates nothing.\n"
"  --db FILE|URL   the store, a sqlite file or a postgresql:// URL\n"
"                  (default: $MAILTRACE_DB, else\n"
"                  $XDG_DATA_HOME/mailtrace/mailtrace.db, else\n"
"                  ~/.local/share/mailtrace/mailtrace.db)\n"
"  --run ID        the run to show (default: the last run); again for\n"
"                  more runs (up to 64), shown in the order given\n"
"  --session N     only session N's records\n"
"  --event ID      only records of event ID (0xAD83, or decimal)\n"
"  --failed        only the failed records (rc != 0), each with its\n"
"                  context: the \"before\" point of a failed \"after\"\n"
"                  point and the innermost API entry open around it\n"
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

/* --event ID: 0xHHHH or decimal, a catalog event. */
static int
show_event(const char *arg, unsigned *ev)
{
	uint64_t	v;
	size_t		n = strlen(arg);

	if ((n > 2 && arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X') &&
	    n <= 6 && strspn(arg + 2, "0123456789abcdefABCDEF") == n - 2 &&
	    (v = strtoull(arg + 2, NULL, 16), true)) ||
	    mt_parse_u64(arg, n, 0, 0xffff, &v)) {
		if (ev_lookup((unsigned)v) != NULL) {
			*ev = (unsigned)v;
			return 0;
		}
	}
	cli_err("show: --event: \"%s\" is not an event of the catalog (0xAD83; "
	    "see mailtrace events)", arg);
	return -1;
}

/* One run through the filter to a new sink of format fmt. */
static int
show_one(struct store *st, uint64_t id, enum sink_format fmt,
    const struct query_show *q)
{
	struct store_run	 run;
	struct sink		*sk;
	struct mt_err		 err;
	int			 rc;

	mt_err_clear(&err);
	if (store_get_run(st, id, &run, &err) != 0) {
		cli_err("%s", err.msg);
		return EXIT_USAGE;
	}
	if ((sk = sink_new(fmt, stdout, &run.ri, &err)) == NULL) {
		cli_err("%s", err.msg);
		return EXIT_USAGE;
	}
	rc = query_show_run(st, id, q, sk, &err);
	if (rc == 0 && sk->flush != NULL)
		rc = sk->flush(sk, &err);
	sk->close(sk);
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

int
cli_show(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "run", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "session", required_argument, NULL, 's' },
		{ "event", required_argument, NULL, 'e' },
		{ "failed", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum sink_format	 fmt = SINK_TEXT;
	const char		*db = NULL;
	char			 dbbuf[4096];
	struct store		*st = NULL;
	struct query_show	 q;
	struct mt_err		 err;
	uint64_t		 ids[SHOW_RUNS_HARD];
	size_t			 nids = 0, i;
	long long		 v;
	int			 c, rc;

	memset(&q, 0, sizeof(q));
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
			if (nids == SHOW_RUNS_HARD) {
				cli_err("show: --run: at most %d runs",
				    SHOW_RUNS_HARD);
				return EXIT_USAGE;
			}
			ids[nids++] = (uint64_t)v;
			break;
		case 's':
			if (cli_number("--session", optarg, 0, INT64_MAX,
			    &v) != 0)
				return EXIT_USAGE;
			q.has_session = true;
			q.session = (uint64_t)v;
			break;
		case 'e':
			if (show_event(optarg, &q.event) != 0)
				return EXIT_USAGE;
			q.has_event = true;
			break;
		case 'F':
			q.failed = true;
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
	if (nids == 0) {
		if (store_last_run(st, &ids[0], &err) != 0) {
			cli_err("%s", err.msg);
			store_close(st);
			return EXIT_USAGE;
		}
		nids = 1;
	}
	rc = 0;
	for (i = 0; i < nids && rc == 0; i++)
		rc = show_one(st, ids[i], fmt, &q);
	store_close(st);
	return rc;
}
