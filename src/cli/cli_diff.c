/*
 * SPDX-License-Identifier: BSD-2-Clause
 * cli_diff.c - mailtrace diff RUN_A RUN_B and mailtrace check NAME --run ID:
 * read two stored sessions lists (runs, or a baseline and a run), hand each
 * pair of sessions to the comparison (src/check, docs/check.md) and print
 * what changed.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "cli_common.h"
#include "cli_mon.h"
#include "cli_side.h"
#include "ev.h"
#include "sink.h"
#include "store.h"

#define DIFF_IGNORE_HARD	32		/* --ignore rules */

#define CHECK_ARGS_HARD	256		/* arguments of a check's probe */

/* The command line of a check's probe, built from the baseline's. */
struct probe_argv {
	char	*v[CHECK_ARGS_HARD + 1];
	int	 n;
	bool	 over;
};

static const char diff_usage[] =
"usage: mailtrace diff RUN_A RUN_B [options]\n"
"       mailtrace check NAME [--password-file F] [options] [-- PROBE OPTIONS]\n"
"       mailtrace check NAME --run ID [options]\n"
"\n"
"Compares two stored runs (diff), or a stored run with a baseline (check;\n"
"see mailtrace baseline --help), session by session, and prints what\n"
"changed: one line per difference (kind, step, baseline and new value),\n"
"then a one-line summary; only the summary when nothing changed.\n"
"  --format text|jsonl   text (default), or one JSON object per difference\n"
"                        then the summary as {\"summary\":...}\n"
"  --ignore REGEX        also treat what matches REGEX (POSIX extended) as\n"
"                        volatile; repeatable (up to 32); with check, after\n"
"                        the baseline's own (baseline save --ignore)\n"
"  --ignore-counts       also ignore the message counts and sizes of STAT,\n"
"                        LIST and RETR replies (a baseline saved with\n"
"                        --ignore-counts always does)\n"
"  --latency-factor F    a step is slower when above F times its baseline\n"
"                        (default 3) ...\n"
"  --latency-min-ms MS   ... and more than MS ms above it (default 100)\n"
"  --password-file F     with check: the probe reads its password from F\n"
"                        (as the probe's own --password-file; the baseline's\n"
"                        run may have named another file, or none)\n"
"  --nagios              with check: act as a Nagios/Icinga plugin: CHECK OK\n"
"                        (exit 0) when nothing changed, WARNING (1) when only\n"
"                        latency did, CRITICAL (2) for any other difference,\n"
"                        UNKNOWN (3) when the check could not run; the\n"
"                        differences follow as long output\n"
"  --run ID              with check: a stored run to hold against the\n"
"                        baseline; without it, check probes the baseline's\n"
"                        target again with the arguments it was made with,\n"
"                        and the PROBE OPTIONS after -- (added after them,\n"
"                        so an option given once is overridden), stores\n"
"                        that run (marked with the baseline) and compares\n"
"  --db FILE|URL         the store, a sqlite file or a postgresql:// URL (as\n"
"                        for show; it must exist)\n"
"\n"
"Sessions are paired by number (the first with the first); a session one\n"
"side lacks is all missing or extra steps.\n"
"exit status: 0 no difference; 1 something changed (or the probe failed\n"
"where the baseline did not); 2 usage errors, an unknown run or baseline.\n";

static int	diff_sides(struct side *, struct side *,
		    const struct chk_rules *, const struct chk_diff_opt *,
		    enum sink_format, bool, struct mt_err *);
static int	nagios_out(const struct chk_diff *, FILE *, const char *);

/* One stored argument onto the probe's command line (a copy). */
static int
argv_add(void *arg, const char *a)
{
	struct probe_argv	*pv = arg;
	size_t			 n = strlen(a) + 1;

	if (pv->n >= CHECK_ARGS_HARD) {
		pv->over = true;
		return 1;
	}
	if ((pv->v[pv->n] = malloc(n)) == NULL)
		return 1;
	memcpy(pv->v[pv->n++], a, n);
	return 0;
}

static void
argv_free(struct probe_argv *pv)
{
	int	i;

	for (i = 0; i < pv->n; i++)
		free(pv->v[i]);
	pv->n = 0;
}

/*
 * Probe the baseline's target again: its command (pop3 or smtp) with the
 * arguments it was made with, then --password-file pwfile (when not NULL),
 * then extra[0..nextra); the run is stored,
 * marked with the baseline, not printed.  Its id into *run; the probe's
 * exit status, or -1 (err filled) when it could not be run.
 */
static int
probe_again(struct store *st, const char *db, const struct store_baseline *bl,
    const char *pwfile, char **extra, int nextra, uint64_t *run,
    struct mt_err *err)
{
	struct probe_argv	 pv;
	int			 i, status;

	memset(&pv, 0, sizeof(pv));
	if (strcmp(bl->proto, "pop3") != 0 && strcmp(bl->proto, "smtp") != 0)
		return mt_err_set(err, MT_E_USAGE, "check %s: a baseline of a "
		    "%s run cannot be probed again (compare a stored run with "
		    "--run ID)", bl->name, bl->proto);
	if (argv_add(&pv, bl->proto) != 0 || argv_add(&pv, "--db") != 0 ||
	    argv_add(&pv, db) != 0 ||
	    store_baseline_args(st, bl->name, argv_add, &pv, err) != 0) {
		argv_free(&pv);
		return pv.over ? mt_err_set(err, MT_E_USAGE, "check %s: more "
		    "than %d arguments", bl->name, CHECK_ARGS_HARD) : -1;
	}
	if (pv.n == 3) {
		argv_free(&pv);
		return mt_err_set(err, MT_E_USAGE, "check %s: the baseline's "
		    "run kept no arguments (made before they were kept): "
		    "compare a stored run with --run ID", bl->name);
	}
	if (pwfile != NULL && (argv_add(&pv, "--password-file") != 0 ||
	    argv_add(&pv, pwfile) != 0)) {
		argv_free(&pv);
		return mt_err_set(err, MT_E_USAGE, "check %s: more than %d "
		    "arguments", bl->name, CHECK_ARGS_HARD);
	}
	for (i = 0; i < nextra; i++)
		if (argv_add(&pv, extra[i]) != 0) {
			argv_free(&pv);
			return mt_err_set(err, MT_E_USAGE, "check %s: more "
			    "than %d arguments", bl->name, CHECK_ARGS_HARD);
		}
	pv.v[pv.n] = NULL;
	cli_run_for_check(bl->name);
	status = strcmp(bl->proto, "pop3") == 0 ? cli_pop3(pv.n, pv.v) :
	    cli_smtp(pv.n, pv.v);
	*run = cli_check_run_id();
	cli_run_for_check(NULL);
	argv_free(&pv);
	if (*run == 0)
		return mt_err_set(err, MT_E_USAGE, "check %s: the probe did "
		    "not start (exit %d)", bl->name, status);
	return status;
}

/*
 * check --nagios: the plugin's line for the differences counted in all
 * (a latency difference is WARNING, any other CRITICAL), then the
 * difference lines kept in lines as long output.  Returns the state.
 */
static int
nagios_out(const struct chk_diff *all, FILE *lines, const char *first)
{
	enum mon_state	 s = MON_OK;
	char		 sum[CHK_LINE_MAX], clean[CHK_LINE_MAX];
	size_t		 t;

	if (all->total > all->count[CHK_K_LATENCY])
		s = MON_CRITICAL;
	else if (all->total > 0)
		s = MON_WARNING;
	(void)chk_diff_summary(all, sum, sizeof(sum));
	printf("%s %s - %s", cli_nagios_service(), mon_state_name(s), sum);
	if (first[0] != '\0') {
		mon_plugin_text(first, clean, sizeof(clean));
		printf("; %s", clean);
	}
	printf(" | differences=%zu;;;0;", all->total);
	for (t = 0; t < CHK_K_COUNT; t++)
		printf(" %s=%zu;;;0;", chk_kind_name((enum chk_kind)t),
		    all->count[t]);
	printf("\n");
	cli_nagios_long(lines);
	cli_nagios_printed();
	return (int)s;
}

/*
 * Compare side a with side b, session by session; print (with nagios: the
 * plugin's output); 0/1 (the plugin's state with nagios) or -1.
 */
static int
diff_sides(struct side *a, struct side *b, const struct chk_rules *rules,
    const struct chk_diff_opt *opt, enum sink_format fmt, bool nagios,
    struct mt_err *err)
{
	struct chk_diff	 d, all;
	struct chk_step	*sa = NULL, *sb = NULL;
	char		 line[CHK_LINE_MAX], first[CHK_LINE_MAX];
	size_t		 ia = 0, ib = 0, na, nb, k, t;
	uint64_t	 session;
	bool		 multi;
	FILE		*out = stdout;
	int		 rc = 0;

	first[0] = '\0';
	/* The plugin's line comes first: the differences wait on disk. */
	if (nagios && (out = tmpfile()) == NULL)
		return mt_err_set(err, MT_E_INTERNAL, "a temporary file: %s",
		    strerror(errno));

	side_sort(a);
	side_sort(b);
	/* Lines name their session when there is more than one. */
	multi = (a->n > 0 && a->h[0].session != a->h[a->n - 1].session) ||
	    (b->n > 0 && b->h[0].session != b->h[b->n - 1].session) ||
	    (a->n > 0 && b->n > 0 && a->h[0].session != b->h[0].session);
	memset(&all, 0, sizeof(all));
	if ((sa = calloc(a->n + 1, sizeof(*sa))) == NULL ||
	    (sb = calloc(b->n + 1, sizeof(*sb))) == NULL) {
		rc = mt_err_set(err, MT_E_INTERNAL, "out of memory");
		goto done;
	}
	while (ia < a->n || ib < b->n) {
		session = ia < a->n && (ib >= b->n ||
		    a->h[ia].session <= b->h[ib].session) ? a->h[ia].session :
		    b->h[ib].session;
		na = side_session(a, &ia, session, sa, NULL);
		nb = side_session(b, &ib, session, sb, NULL);
		memset(&d, 0, sizeof(d));
		if ((rc = chk_diff(rules, sa, na, sb, nb, opt, &d, err)) != 0)
			goto done;
		for (k = 0; k < d.n; k++) {
			if (fmt == SINK_JSONL) {
				(void)chk_diff_jsonl(&d.items[k], line,
				    sizeof(line));
				if (multi)
					fprintf(out, "{\"session\":%llu,%s\n",
					    (unsigned long long)session,
					    line + 1);
				else
					fprintf(out, "%s\n", line);
			} else {
				(void)chk_diff_text(&d.items[k], line,
				    sizeof(line));
				if (multi)
					fprintf(out, "session %llu: %s\n",
					    (unsigned long long)session, line);
				else
					fprintf(out, "%s\n", line);
				if (first[0] == '\0')
					snprintf(first, sizeof(first), "%s",
					    line);
			}
		}
		all.n += d.n;
		all.total += d.total;
		for (t = 0; t < CHK_K_COUNT; t++)
			all.count[t] += d.count[t];
		chk_diff_free(&d);
	}
	rc = all.total > 0 ? 1 : 0;
	if (nagios) {
		rc = nagios_out(&all, out, first);
		goto done;
	}
	(void)chk_diff_summary(&all, line, sizeof(line));
	if (fmt == SINK_JSONL)
		printf("{\"summary\":\"%s\",\"differences\":%zu}\n", line,
		    all.total);
	else
		printf("%s\n", line);
done:
	if (out != stdout)
		fclose(out);
	free(sa);
	free(sb);
	return rc;
}

int
cli_diff(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "run", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "ignore", required_argument, NULL, 'i' },
		{ "ignore-counts", no_argument, NULL, 'C' },
		{ "password-file", required_argument, NULL, 'P' },
		{ "nagios", no_argument, NULL, 'N' },
		{ "latency-factor", required_argument, NULL, 'F' },
		{ "latency-min-ms", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	bool			 check = strcmp(argv[0], "check") == 0;
	enum sink_format	 fmt = SINK_TEXT;
	const char		*db = NULL, *ignore[DIFF_IGNORE_HARD], *name = NULL;
	const char		*pwfile = NULL;
	char			 dbbuf[4096], *end;
	struct store		*st = NULL;
	struct store_baseline	 bl;
	struct chk_rules	*rules = NULL;
	struct chk_diff_opt	 opt;
	struct side		 a, b;
	struct mt_err		 err;
	uint64_t		 ra = 0, rb = 0;
	size_t			 nign = 0, i;
	char			**extra;
	int			 nextra;
	long long		 v;
	bool			 counts = false, nagios = false;
	int			 c, rc, status = EXIT_USAGE;

	/* check: what follows "--" is the probe's, not getopt's here. */
	nextra = 0;
	extra = NULL;
	for (i = 1; check && i < (size_t)argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			extra = argv + i + 1;
			nextra = argc - (int)i - 1;
			argc = (int)i;
			break;
		}
	side_init(&a, SIDE_BYTES_HARD / 2, MT_CHK_STEPS_HARD);
	side_init(&b, SIDE_BYTES_HARD / 2, MT_CHK_STEPS_HARD);
	chk_diff_opt_init(&opt);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'r':
			if (!check) {
				cli_err("diff: --run goes with check (diff "
				    "takes two run ids)");
				return EXIT_USAGE;
			}
			if (cli_number("--run", optarg, 1, INT64_MAX, &v) != 0)
				return EXIT_USAGE;
			rb = (uint64_t)v;
			break;
		case 'f':
			if (sink_format_parse(optarg, &fmt) != 0 ||
			    fmt == SINK_PRF) {
				cli_err("--format: \"%s\" is not text or jsonl",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case 'i':
			if (nign == DIFF_IGNORE_HARD) {
				cli_err("--ignore: at most %d", DIFF_IGNORE_HARD);
				return EXIT_USAGE;
			}
			ignore[nign++] = optarg;
			break;
		case 'C':
			counts = true;
			break;
		case 'N':
			if (!check) {
				cli_err("diff: --nagios goes with check");
				return EXIT_USAGE;
			}
			nagios = true;
			break;
		case 'P':
			if (!check) {
				cli_err("diff: --password-file goes with check "
				    "(diff probes nothing)");
				return EXIT_USAGE;
			}
			pwfile = optarg;
			break;
		case 'F':
			opt.latency_factor = strtod(optarg, &end);
			if (*optarg == '\0' || *end != '\0' ||
			    !(opt.latency_factor >= 1 &&
			    opt.latency_factor <= 1e6)) {
				cli_err("--latency-factor: \"%s\" is not a "
				    "number from 1 to 1000000", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'M':
			if (cli_number("--latency-min-ms", optarg, 0,
			    1000000000, &v) != 0)
				return EXIT_USAGE;
			opt.latency_min_ms = v;
			break;
		case 'h':
			fputs(diff_usage, stdout);
			return 0;
		case ':':
		default:
			(void)cli_opt_error(argv[0], c, argv);
			return EXIT_USAGE;
		}
	}
	if (check) {
		if (optind < argc)
			name = argv[optind++];
		if (name == NULL || !store_baseline_name_ok(name)) {
			cli_err("check: which baseline? (a NAME; mailtrace "
			    "baseline list)");
			return EXIT_USAGE;
		}
	} else {
		for (i = 0; i < 2; i++) {
			if (optind >= argc || cli_number(i == 0 ? "RUN_A" :
			    "RUN_B", argv[optind], 1, INT64_MAX, &v) != 0) {
				if (optind >= argc)
					cli_err("diff: two run ids, RUN_A and "
					    "RUN_B");
				return EXIT_USAGE;
			}
			if (i == 0)
				ra = (uint64_t)v;
			else
				rb = (uint64_t)v;
			optind++;
		}
	}
	if (optind < argc) {
		cli_err("%s: unexpected argument \"%s\"%s", argv[0],
		    argv[optind], check ? " (probe options go after --)" : "");
		return EXIT_USAGE;
	}
	if (nagios && fmt != SINK_TEXT) {
		cli_err("check: --nagios prints the plugin's output; --format "
		    "does not go with it");
		return EXIT_USAGE;
	}
	if ((nextra > 0 || pwfile != NULL) && rb != 0) {
		cli_err("check: %s go%s with probing, not with --run",
		    pwfile != NULL ? "--password-file" : "probe options (after "
		    "--)", pwfile != NULL ? "es" : "");
		return EXIT_USAGE;
	}
	mt_err_clear(&err);
	if (cli_store_existing(&db, dbbuf, sizeof(dbbuf), &st) != 0)
		goto done;
	/* The baseline and the rules first: a bad one probes nothing. */
	rc = 0;
	if (check && store_baseline_get(st, name, &bl, &err) != 0)
		rc = -1;
	if (rc == 0 && cli_rules(counts || (check && bl.ignore_counts), st,
	    check ? name : NULL, ignore, nign, &rules, &err) != 0)
		rc = -1;
	if (rc == 0 && check && rb == 0) {
		/* The probe exits 1 when a step failed: compared, not final. */
		if ((rc = probe_again(st, db, &bl, pwfile, extra, nextra, &rb,
		    &err)) == EXIT_USAGE) {
			status = EXIT_USAGE;
			goto done;
		}
		rc = rc < 0 ? -1 : 0;
	}
	if (check && rc == 0)
		rc = store_baseline_replay(st, name, &a.base, side_stat, &a,
		    &err);
	else if (!check && rc == 0)
		rc = store_replay(st, ra, &a.base, &err);
	if (rc == 0)
		rc = store_replay(st, rb, &b.base, &err);
	if (rc != 0) {
		cli_err("%s", err.msg);
		status = err.code == MT_E_USAGE ? EXIT_USAGE : EXIT_SESSION;
		goto done;
	}
	rc = diff_sides(&a, &b, rules, &opt, fmt, nagios, &err);
	if (rc < 0) {
		cli_err("%s", err.msg);
		status = EXIT_SESSION;
		goto done;
	}
	status = fflush(stdout) != 0 ? EXIT_SESSION : rc;
done:
	side_free(&a);
	side_free(&b);
	chk_rules_free(rules);
	store_close(st);
	return status;
}
