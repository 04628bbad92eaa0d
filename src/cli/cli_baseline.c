/*
 * SPDX-License-Identifier: BSD-2-Clause
 * cli_baseline.c - mailtrace baseline save|list|show|delete: named, kept
 * copies of stored runs for the regression check (issue 10, docs/check.md).
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli_common.h"
#include "sink.h"
#include "store.h"

static const char baseline_usage[] =
"usage: mailtrace baseline save NAME [--run ID] [--db FILE]\n"
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
"  list            every baseline: name, run, command and target, steps\n"
"  show NAME       its records, as show prints a run\n"
"  delete NAME     remove it (the run it came from stays)\n"
"  export NAME [FILE]  write it as a reviewable JSON file (default: stdout;\n"
"                  one step a line, keys in a fixed order, no secret)\n"
"  import FILE     store a baseline file, under --name NAME or its own\n"
"  --run ID        with save: the run (default: the last run)\n"
"  --format F      with show: text (default), prf (PRF CSV) or jsonl\n"
"  --db FILE       the sqlite store (as for show; it must exist)\n"
"NAME: 1 to 64 letters, digits, '.', '_' or '-', not starting with '-'\n"
"or '.'.  Exit status: 0 done; 1 the store failed; 2 usage errors, an\n"
"unknown baseline or run, a name taken already.\n";

static int	list_one(void *, const struct store_baseline *);

static int
list_one(void *arg, const struct store_baseline *b)
{
	char	when[40];

	(void)arg;
	mt_time_iso(b->created, when, sizeof(when));
	printf("%s  run=%llu  %s %s  level=%s  steps=%llu  saved=%s\n",
	    b->name, (unsigned long long)b->run, b->proto, b->target,
	    b->level, (unsigned long long)b->steps, when);
	return 0;
}

int
cli_baseline(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "run", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "name", required_argument, NULL, 'n' },
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
	uint64_t		 run = 0;
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
		if (run == 0)
			rc = store_last_run(st, &run, &err);
		if (rc == 0)
			rc = store_baseline_save(st, name, run, mt_wall_now(),
			    &err);
		if (rc == 0 && (rc = store_baseline_get(st, name, &b,
		    &err)) == 0)
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
		    got, &b, &err)) == 0)
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
			rc = store_baseline_replay(st, name, sk, &err);
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
