/*
 * SPDX-License-Identifier: BSD-2-Clause
 * cli_baseline.c - mailtrace baseline save|list|show|delete: named, kept
 * copies of stored runs for the regression check (issue 10, docs/check.md).
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "cli_common.h"
#include "cli_side.h"
#include "sink.h"
#include "store.h"

static const char baseline_usage[] =
"usage: mailtrace baseline save NAME [--run ID] [--runs N] [--ignore REGEX]...\n"
"                                  [--ignore-counts] [--db FILE]\n"
"       mailtrace baseline list [--db FILE]\n"
"       mailtrace baseline show NAME [--format text|prf|jsonl] [--db FILE]\n"
"       mailtrace baseline delete NAME [--db FILE]\n"
"       mailtrace baseline export NAME [FILE] [--db FILE]\n"
"       mailtrace baseline import FILE [--name NAME] [--db FILE]\n"
"\n"
"A baseline is a named copy, kept in the store, of a stored run's records\n"
"and of how the run was made (command, target, level, arguments), which\n"
"the regression check compares later runs against (docs/check.md).\n"
"  save NAME       a baseline from a stored run (default: the last run)\n"
"                  or, with --runs N, from it and the N - 1 runs of the\n"
"                  same probe before it\n"
"  list            every baseline: name, run, command and target, steps\n"
"  show NAME       its records, as show prints a run\n"
"  delete NAME     remove it (the run it came from stays)\n"
"  export NAME [FILE]  write it as a reviewable JSON file (default: stdout;\n"
"                  one step a line, keys in a fixed order, no secret)\n"
"  import FILE     store a baseline file, under --name NAME or its own\n"
"  --run ID        with save: the run (default: the last run)\n"
"  --runs N        with save: N runs (1 to 100) of the same probe (the same\n"
"                  command, target, level and options): the run's records\n"
"                  are kept, each step's latency becomes the median of\n"
"                  its times in the N runs, with their spread\n"
"  --ignore REGEX  with save: a normalisation pattern of the baseline's own\n"
"                  (as check --ignore; repeatable, up to 32), applied at\n"
"                  every check against it\n"
"  --ignore-counts with save: every check against it ignores the message\n"
"                  counts and sizes of STAT, LIST and RETR replies\n"
"  --format F      with show: text (default), prf (PRF CSV) or jsonl\n"
"  --db FILE|URL   the store, a sqlite file or a postgresql:// URL (as for\n"
"                  show; it must exist)\n"
"NAME: 1 to 64 letters, digits, '.', '_' or '-', not starting with '-'\n"
"or '.'.  Exit status: 0 done; 1 the store failed; 2 usage errors, an\n"
"unknown baseline or run, a name taken already.\n";

static int	list_one(void *, const struct store_baseline *);
static int	save_runs(struct store *, uint64_t *, size_t,
		    const struct chk_rules *, struct store_step_stat **,
		    size_t *, struct mt_err *);

static int
list_one(void *arg, const struct store_baseline *b)
{
	char	when[40];

	(void)arg;
	mt_time_iso(b->created, when, sizeof(when));
	printf("%s  run=%llu  %s %s  level=%s  steps=%llu  saved=%s",
	    b->name, (unsigned long long)b->run, b->proto, b->target,
	    b->level, (unsigned long long)b->steps, when);
	if (b->nruns > 1)
		printf("  runs=%u", b->nruns);
	if (b->ignore_counts)
		printf("  ignore-counts");
	if (b->nignore > 0)
		printf("  ignore=%u", b->nignore);
	printf("\n");
	return 0;
}

/*
 * The latency of each record of runs[0] over runs[0..n): each run read,
 * its sessions paired by number with runs[0]'s, each session's steps
 * aligned (check's chk_stats).  *stats (one per record of
 * runs[0], in stored order; the caller frees it) and their count.
 * rules: the baseline's (the alignment's keys are normalised with them).
 */
static int
save_runs(struct store *st, uint64_t *runs, size_t n,
    const struct chk_rules *rules, struct store_step_stat **stats,
    size_t *nstats, struct mt_err *err)
{
	struct side		*sd;
	struct chk_step		**steps = NULL;
	const struct chk_step	**cs = NULL;
	struct chk_stat		*cst = NULL;
	size_t			*ns = NULL, *pos = NULL, *at = NULL, r, k, n0;
	uint64_t		 session;
	int			 rc = -1;

	*stats = NULL;
	*nstats = 0;
	if ((sd = calloc(n, sizeof(*sd))) == NULL)
		return mt_err_set(err, MT_E_INTERNAL, "out of memory");
	/* The bounds of one comparison, shared by the n runs. */
	for (r = 0; r < n; r++)
		side_init(&sd[r], SIDE_BYTES_HARD / n, MT_CHK_STEPS_HARD / n);
	for (r = 0; r < n; r++) {
		if (store_replay(st, runs[r], &sd[r].base, err) != 0) {
			if (err->code == MT_E_USAGE)
				(void)mt_err_set(err, MT_E_USAGE, "run %llu: "
				    "%s", (unsigned long long)runs[r],
				    sd[r].over ? "too large for --runs "
				    "(its share of the bounds)" : err->msg);
			goto done;
		}
		side_sort(&sd[r]);
	}
	n0 = sd[0].n;
	if ((steps = calloc(n, sizeof(*steps))) == NULL ||
	    (cs = calloc(n, sizeof(*cs))) == NULL ||
	    (ns = calloc(n, sizeof(*ns))) == NULL ||
	    (at = calloc(n, sizeof(*at))) == NULL ||
	    (pos = calloc(n0 + 1, sizeof(*pos))) == NULL ||
	    (cst = calloc(n0 + 1, sizeof(*cst))) == NULL ||
	    (*stats = calloc(n0 + 1, sizeof(**stats))) == NULL) {
		(void)mt_err_set(err, MT_E_INTERNAL, "out of memory");
		goto done;
	}
	for (r = 0; r < n; r++)
		if ((steps[r] = calloc(sd[r].n + 1, sizeof(**steps))) ==
		    NULL) {
			(void)mt_err_set(err, MT_E_INTERNAL, "out of memory");
			goto done;
		}
	/* Session by session of runs[0]; the older runs' same session. */
	while (at[0] < n0) {
		session = sd[0].h[at[0]].session;
		ns[0] = side_session(&sd[0], &at[0], session, steps[0], pos);
		for (r = 1; r < n; r++) {
			while (at[r] < sd[r].n &&
			    sd[r].h[at[r]].session < session)
				at[r]++;
			ns[r] = side_session(&sd[r], &at[r], session, steps[r],
			    NULL);
		}
		for (r = 0; r < n; r++)
			cs[r] = steps[r];
		if (chk_stats(rules, cs, ns, n, cst, err) != 0)
			goto done;
		for (k = 0; k < ns[0]; k++) {
			(*stats)[pos[k]].has = cst[k].has;
			(*stats)[pos[k]].median_us = cst[k].median_us;
			(*stats)[pos[k]].spread_us = cst[k].spread_us;
		}
	}
	*nstats = n0;
	rc = 0;
done:
	if (rc != 0) {
		free(*stats);
		*stats = NULL;
	}
	for (r = 0; steps != NULL && r < n; r++)
		free(steps[r]);
	for (r = 0; r < n; r++)
		side_free(&sd[r]);
	free(sd);
	free(steps);
	free(cs);
	free(ns);
	free(at);
	free(pos);
	free(cst);
	return rc;
}

int
cli_baseline(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "run", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "name", required_argument, NULL, 'n' },
		{ "runs", required_argument, NULL, 'R' },
		{ "ignore", required_argument, NULL, 'i' },
		{ "ignore-counts", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum sink_format	 fmt = SINK_TEXT;
	const char		*db = NULL, *verb, *name = NULL, *file = NULL;
	const char		*newname = NULL;
	char			 got[STORE_BASELINE_NAME_HARD];
	FILE			*out;
	char			 dbbuf[4096];
	struct store		*st = NULL;
	struct store_baseline	 b;
	struct run_info		 ri;
	struct sink		*sk;
	struct mt_err		 err;
	struct store_bl_save	 so;
	struct store_step_stat	*stats = NULL;
	struct chk_rules	*rules;
	const char		*ignore[STORE_IGNORE_HARD];
	uint64_t		 run = 0, ids[STORE_RUNS_HARD];
	size_t			 nruns = 1, nids;
	long long		 v;
	int			 c, rc, want_name;

	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		fputs(baseline_usage, stdout);
		return 0;
	}
	if (argc < 2) {
		cli_err("baseline: save, list, show or delete? (mailtrace "
		    "baseline --help)");
		return EXIT_USAGE;
	}
	verb = argv[1];
	if (strcmp(verb, "save") != 0 && strcmp(verb, "list") != 0 &&
	    strcmp(verb, "show") != 0 && strcmp(verb, "delete") != 0 &&
	    strcmp(verb, "export") != 0 && strcmp(verb, "import") != 0) {
		cli_err("baseline: unknown command \"%s\" (save, list, show, "
		    "delete, export, import)", verb);
		return EXIT_USAGE;
	}
	want_name = strcmp(verb, "list") != 0 && strcmp(verb, "import") != 0;
	memset(&so, 0, sizeof(so));
	opterr = 0;
	optind = 2;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'r':
			if (strcmp(verb, "save") != 0) {
				cli_err("baseline %s: --run goes with save",
				    verb);
				return EXIT_USAGE;
			}
			if (cli_number("--run", optarg, 1, INT64_MAX, &v) != 0)
				return EXIT_USAGE;
			run = (uint64_t)v;
			break;
		case 'R':
			if (strcmp(verb, "save") != 0) {
				cli_err("baseline %s: --runs goes with save",
				    verb);
				return EXIT_USAGE;
			}
			if (cli_number("--runs", optarg, 1, STORE_RUNS_HARD,
			    &v) != 0)
				return EXIT_USAGE;
			nruns = (size_t)v;
			break;
		case 'i':
		case 'C':
			if (strcmp(verb, "save") != 0) {
				cli_err("baseline %s: --ignore%s goes with "
				    "save", verb, c == 'C' ? "-counts" : "");
				return EXIT_USAGE;
			}
			if (c == 'C') {
				so.ignore_counts = true;
				break;
			}
			if (so.nignore == STORE_IGNORE_HARD) {
				cli_err("--ignore: at most %d",
				    STORE_IGNORE_HARD);
				return EXIT_USAGE;
			}
			ignore[so.nignore++] = optarg;
			break;
		case 'f':
			if (strcmp(verb, "show") != 0) {
				cli_err("baseline %s: --format goes with show",
				    verb);
				return EXIT_USAGE;
			}
			if (cli_format(optarg, &fmt) != 0)
				return EXIT_USAGE;
			break;
		case 'n':
			if (strcmp(verb, "import") != 0) {
				cli_err("baseline %s: --name goes with import",
				    verb);
				return EXIT_USAGE;
			}
			newname = optarg;
			break;
		case 'h':
			fputs(baseline_usage, stdout);
			return 0;
		case ':':
		default:
			(void)cli_opt_error("baseline", c, argv);
			return EXIT_USAGE;
		}
	}
	if (want_name && optind < argc)
		name = argv[optind++];
	if ((strcmp(verb, "export") == 0 || strcmp(verb, "import") == 0) &&
	    optind < argc)
		file = argv[optind++];
	if (strcmp(verb, "import") == 0 && file == NULL) {
		cli_err("baseline import: which file?");
		return EXIT_USAGE;
	}
	if (newname != NULL && !store_baseline_name_ok(newname)) {
		cli_err("baseline import: \"%s\" is not a baseline name (1 to "
		    "64 letters, digits, '.', '_' or '-', not starting with "
		    "'-' or '.')", newname);
		return EXIT_USAGE;
	}
	if (optind < argc) {
		cli_err("baseline %s: unexpected argument \"%s\"", verb,
		    argv[optind]);
		return EXIT_USAGE;
	}
	if (want_name && name == NULL) {
		cli_err("baseline %s: which baseline? (a NAME)", verb);
		return EXIT_USAGE;
	}
	if (name != NULL && !store_baseline_name_ok(name)) {
		cli_err("baseline %s: \"%s\" is not a baseline name (1 to 64 "
		    "letters, digits, '.', '_' or '-', not starting with '-' "
		    "or '.')", verb, name);
		return EXIT_USAGE;
	}
	if (cli_store_existing(&db, dbbuf, sizeof(dbbuf), &st) != 0)
		return EXIT_USAGE;
	mt_err_clear(&err);
	rc = 0;
	if (strcmp(verb, "save") == 0) {
		so.ignore = ignore;
		so.nruns = (unsigned)nruns;
		/* Its patterns compile, or it is not saved. */
		rules = NULL;
		rc = cli_rules(so.ignore_counts, st, NULL, ignore, so.nignore,
		    &rules, &err);
		if (rc == 0 && run == 0)
			rc = store_last_run(st, &run, &err);
		if (rc == 0 && nruns > 1 && (rc = store_runs_same(st, run,
		    nruns, ids, &nids, &err)) == 0 && nids < nruns)
			rc = mt_err_set(&err, MT_E_USAGE, "baseline save: "
			    "--runs %zu: the store has %zu run%s of this probe "
			    "up to run %llu (the same command, target, level "
			    "and options)", nruns,
			    nids, nids == 1 ? "" : "s",
			    (unsigned long long)run);
		if (rc == 0 && nruns > 1)
			rc = save_runs(st, ids, nruns, rules, &stats,
			    &so.nstats, &err);
		chk_rules_free(rules);
		so.stats = stats;
		if (rc == 0)
			rc = store_baseline_save(st, name, run, mt_wall_now(),
			    &so, &err);
		free(stats);
		if (rc == 0 && (rc = store_baseline_get(st, name, &b,
		    &err)) == 0 && nruns > 1)
			printf("baseline %s saved from runs %llu to %llu "
			    "(%zu runs, %llu steps)\n", name,
			    (unsigned long long)ids[nruns - 1],
			    (unsigned long long)run, nruns,
			    (unsigned long long)b.steps);
		else if (rc == 0)
			printf("baseline %s saved from run %llu (%llu "
			    "steps)\n", name, (unsigned long long)run,
			    (unsigned long long)b.steps);
	} else if (strcmp(verb, "list") == 0)
		rc = store_baseline_list(st, list_one, NULL, &err);
	else if (strcmp(verb, "delete") == 0)
		rc = store_baseline_delete(st, name, &err);
	else if (strcmp(verb, "import") == 0) {
		if ((rc = store_baseline_import(st, file, newname, got,
		    sizeof(got), &err)) == 0 && (rc = store_baseline_get(st,
		    got, &b, &err)) == 0) {
			/* Its own patterns must compile, or it goes again. */
			if ((rc = cli_rules(b.ignore_counts, st, got, NULL, 0,
			    &rules, &err)) == 0)
				chk_rules_free(rules);
			else {
				char	m[sizeof(err.msg)];

				snprintf(m, sizeof(m), "%s", err.msg);
				(void)store_baseline_delete(st, got, &err);
				rc = mt_err_set(&err, MT_E_USAGE, "%s: not "
				    "imported: %s", file, m);
			}
		}
		if (rc == 0)
			printf("baseline %s imported (%llu steps)\n", got,
			    (unsigned long long)b.steps);
	} else if (strcmp(verb, "export") == 0) {
		out = stdout;
		if (file != NULL && strcmp(file, "-") != 0 &&
		    (out = fopen(file, "w")) == NULL) {
			cli_err("%s: %s", file, strerror(errno));
			store_close(st);
			return EXIT_USAGE;
		}
		rc = store_baseline_export(st, name, out, &err);
		if (out != stdout && fclose(out) != 0 && rc == 0) {
			cli_err("%s: %s", file, strerror(errno));
			store_close(st);
			return EXIT_SESSION;
		}
	}
	else if ((rc = store_baseline_get(st, name, &b, &err)) == 0) {
		memset(&ri, 0, sizeof(ri));
		ri.run = b.run;
		ri.proto = b.proto;
		ri.target = b.target;
		ri.level = b.level;
		ri.started = b.created;
		if ((sk = sink_new(fmt, stdout, &ri, &err)) == NULL)
			rc = -1;
		else {
			rc = store_baseline_replay(st, name, sk, NULL, NULL,
			    &err);
			if (rc == 0 && sk->flush != NULL)
				rc = sk->flush(sk, &err);
			sk->close(sk);
		}
	}
	store_close(st);
	if (rc != 0) {
		cli_err("%s", err.msg);
		return err.code == MT_E_USAGE ? EXIT_USAGE : EXIT_SESSION;
	}
	if (fflush(stdout) != 0) {
		cli_err("writing the output failed");
		return EXIT_SESSION;
	}
	return 0;
}
