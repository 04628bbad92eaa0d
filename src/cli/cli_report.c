/*
 * SPDX-License-Identifier: BSD-2-Clause
 * cli_report.c - mailtrace report: a stored run as one self-contained HTML
 * file (src/report, docs/report.md).
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli_common.h"
#include "cli_side.h"
#include "query.h"
#include "report.h"
#include "store.h"

static const char report_usage[] =
"usage: mailtrace report [--db FILE] [--run ID] [--baseline NAME] [-o FILE]\n"
"       mailtrace report [--db FILE] --server HOST[:PORT] [--since T]\n"
"           [--until T] [--step STEP]... [-o FILE]\n"
"\n"
"Writes a stored run as one self-contained HTML file (inline SVG and CSS;\n"
"nothing is loaded from anywhere): the sessions as rows, sortable by start\n"
"and duration, and each session's waterfall: every step a bar on the\n"
"session's time axis, labelled with the step and its reply code, failures\n"
"hatched and marked, the API-level blocks as brackets above.  With\n"
"--server, the latency of that server's runs over time instead: per run\n"
"the session time and each --step's time, failures a cross labelled\n"
"\"\xE2\x9C\x97\", median and p95 bands; more than 500 runs are drawn as 500\n"
"time buckets.  No run matching: exit 1, no file.  See docs/report.md.\n"
"The store must exist: report creates nothing in it.\n"
"  --db FILE|URL   the store, a sqlite file or a postgresql:// URL\n"
"                  (default: $MAILTRACE_DB, else\n"
"                  $XDG_DATA_HOME/mailtrace/mailtrace.db, else\n"
"                  ~/.local/share/mailtrace/mailtrace.db)\n"
"  --run ID        the run to draw (default: the last run)\n"
"  --baseline NAME draw baseline NAME's step times as ghost bars beside the\n"
"                  run's steps they align with (as check pairs them);\n"
"                  default: the baseline a check run was checked against\n"
"  --server HOST[:PORT]  latency over time of the runs that talked to it\n"
"                  (as runs --server); without PORT, any port\n"
"  --since T, --until T  runs started at or after T, before T: relative\n"
"                  (30m, 1h, 7d) or ISO 8601, as runs takes them\n"
"  --step STEP     a step's time too, named as stats names it (greeting,\n"
"                  pass, ...); repeatable, at most 8; default: the session\n"
"                  time only\n"
"  -o, --output F  the HTML file to write (default, or -: stdout)\n";

/*
 * The run to draw into ro->run and the baseline beside it: --baseline, or
 * the one a check run was held against (when it still exists), its rules
 * as check builds them into *rules.  MT_E_USAGE: no such run, or no
 * baseline of the name given.
 */
static int
report_baseline(struct store *st, struct report_opt *ro,
    struct store_run *run, struct store_baseline *bl,
    struct chk_rules **rules, struct mt_err *err)
{
	if (ro->run == 0 && store_last_run(st, &ro->run, err) != 0)
		return -1;
	if (store_get_run(st, ro->run, run, err) != 0)
		return -1;
	if (ro->baseline == NULL && run->baseline[0] != '\0') {
		if (store_baseline_get(st, run->baseline, bl, err) != 0) {
			if (err->code != MT_E_USAGE)
				return -1;
			mt_err_clear(err);
			return 0;	/* deleted since: no ghosts */
		}
		ro->baseline = run->baseline;
	} else if (ro->baseline != NULL &&
	    store_baseline_get(st, ro->baseline, bl, err) != 0)
		return -1;
	if (ro->baseline == NULL)
		return 0;
	if (cli_rules(bl->ignore_counts, st, ro->baseline, NULL, 0, rules,
	    err) != 0)
		return -1;
	ro->rules = *rules;
	return 0;
}

/* --since (c 's') or --until into f; -1: said. */
static int
report_time(int c, const char *arg, mt_time now, struct query_filter *f)
{
	struct mt_err	err;

	mt_err_clear(&err);
	if (query_time_parse(arg, now, c == 's' ? &f->since : &f->until,
	    &err) != 0) {
		cli_err("report: %s: %s", c == 's' ? "--since" : "--until",
		    err.msg);
		return -1;
	}
	if (c == 's')
		f->has_since = true;
	else
		f->has_until = true;
	return 0;
}

/* report --server: the trend into file (NULL, "-": stdout); closes st. */
static int
report_trend_cli(struct store *st, const struct trend_opt *to,
    const char *file)
{
	struct mt_err	 err;
	FILE		*out = stdout;
	size_t		 n = 0;
	int		 rc;

	mt_err_clear(&err);
	if (file != NULL && strcmp(file, "-") != 0 &&
	    (out = fopen(file, "w")) == NULL) {
		cli_err("report: %s: %s", file, strerror(errno));
		store_close(st);
		return EXIT_USAGE;
	}
	rc = report_trend(st, to, out, &n, &err);
	store_close(st);
	if (out != stdout && fclose(out) != 0 && rc == 0)
		rc = mt_err_set(&err, MT_E_IO, "report: %s: %s", file,
		    strerror(errno));
	if (rc == 0 && n == 0) {
		cli_err("report: no stored run of server %s matches",
		    to->server);
		rc = -1;
	} else if (rc != 0)
		cli_err("%s", err.msg);
	if (rc != 0) {
		if (out != stdout)
			(void)remove(file);
		return err.code == MT_E_USAGE ? EXIT_USAGE : EXIT_SESSION;
	}
	return 0;
}

int
cli_report(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "run", required_argument, NULL, 'r' },
		{ "baseline", required_argument, NULL, 'b' },
		{ "output", required_argument, NULL, 'o' },
		{ "server", required_argument, NULL, 'S' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "step", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct report_opt	 ro;
	struct trend_opt	 to;
	struct query_filter	 qf;
	const char		*trend_only = NULL;
	mt_time			 now = mt_wall_now();
	struct store_run	 run;
	struct store_baseline	 bl;
	struct chk_rules	*rules = NULL;
	const char		*db = NULL, *file = NULL;
	char			 dbbuf[4096];
	struct store		*st = NULL;
	struct mt_err		 err;
	FILE			*out = stdout;
	long long		 v;
	int			 c, rc;

	memset(&ro, 0, sizeof(ro));
	memset(&to, 0, sizeof(to));
	memset(&qf, 0, sizeof(qf));
	mt_err_clear(&err);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'r':
			if (cli_number("--run", optarg, 1, INT64_MAX, &v) != 0)
				return EXIT_USAGE;
			ro.run = (uint64_t)v;
			break;
		case 'b':
			ro.baseline = optarg;
			break;
		case 'o':
			file = optarg;
			break;
		case 'S':
			if (query_server_parse(optarg, &qf, &err) != 0) {
				cli_err("report: %s", err.msg);
				return EXIT_USAGE;
			}
			to.server = optarg;
			break;
		case 's':
		case 'u':
			if (report_time(c, optarg, now, &qf) != 0)
				return EXIT_USAGE;
			trend_only = c == 's' ? "--since" : "--until";
			break;
		case 't':
			if (to.nsteps == TREND_STEPS_HARD) {
				cli_err("report: --step: at most %d steps",
				    TREND_STEPS_HARD);
				return EXIT_USAGE;
			}
			to.steps[to.nsteps++] = optarg;
			trend_only = "--step";
			break;
		case 'h':
			fputs(report_usage, stdout);
			return 0;
		case ':':
		default:
			(void)cli_opt_error("report", c, argv);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_err("report: unexpected argument \"%s\"", argv[optind]);
		return EXIT_USAGE;
	}
	if (to.server != NULL && (ro.run != 0 || ro.baseline != NULL)) {
		cli_err("report: --server draws many runs: not with %s",
		    ro.run != 0 ? "--run" : "--baseline");
		return EXIT_USAGE;
	}
	if (to.server == NULL && trend_only != NULL) {
		cli_err("report: %s needs --server", trend_only);
		return EXIT_USAGE;
	}
	if (cli_store_existing(&db, dbbuf, sizeof(dbbuf), &st) != 0)
		return EXIT_USAGE;
	if (to.server != NULL) {
		to.f = &qf;
		return report_trend_cli(st, &to, file);
	}
	if (report_baseline(st, &ro, &run, &bl, &rules, &err) != 0) {
		cli_err("%s", err.msg);
		store_close(st);
		return err.code == MT_E_USAGE ? EXIT_USAGE : EXIT_SESSION;
	}
	if (file != NULL && strcmp(file, "-") != 0 &&
	    (out = fopen(file, "w")) == NULL) {
		cli_err("report: %s: %s", file, strerror(errno));
		chk_rules_free(rules);
		store_close(st);
		return EXIT_USAGE;
	}
	rc = report_waterfall(st, &ro, out, &err);
	chk_rules_free(rules);
	store_close(st);
	if (out != stdout && fclose(out) != 0 && rc == 0)
		rc = mt_err_set(&err, MT_E_IO, "report: %s: %s", file,
		    strerror(errno));
	if (rc != 0) {
		cli_err("%s", err.msg);
		if (out != stdout)
			(void)remove(file);
		return err.code == MT_E_USAGE ? EXIT_USAGE : EXIT_SESSION;
	}
	return 0;
}
