/*
 * SPDX-License-Identifier: BSD-2-Clause
 * cli_batch.c - mailtrace batch: the probes a file lists, many at once in
 * one process, on the event loop (src/loop): each line and round one
 * session, one stored run, traced by the same code as the command alone
 * (cli_job.h).
 *
 * The file is read and every line checked (its words, its command line,
 * its password file) before anything runs.  A session's job is made
 * again when it starts and freed when it ends, so what a line holds
 * between its sessions is its words: memory grows with the sessions in
 * flight, not with the file.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cli_common.h"
#include "cli_job.h"
#include "cli_words.h"
#include "loop.h"
#include "wait.h"

#define BATCH_LINE_HARD		8192	/* bytes of one line */
#define BATCH_LINES_HARD	100000	/* probe lines in one file */
#define BATCH_WORDS_HARD	256	/* words of one line */
#define BATCH_CONC_HARD		10000	/* --concurrency at most */
#define BATCH_ERRORS_SHOWN	20	/* bad lines said before giving up */
#define BATCH_FDS_PER_SESSION	4	/* a socket, DNS sockets, a file */
#define BATCH_PER_LOGIN_DEFAULT	10	/* Dovecot's mail_max_userip_connections */
#define BATCH_SYNC_NS		(100 * 1000000LL)	/* the group commit's
					   period: a record, and an ended
					   session's line, wait at most this */

static const char batch_usage[] =
"usage: mailtrace batch [options] FILE\n"
"\n"
"Runs the probes FILE lists (- is standard input) at once in one process:\n"
"one probe per line, written as on the command line without \"mailtrace\"\n"
"(pop3 --password-file f --stls pop3://u@h; smtp --from a --to b smtp://h;\n"
"roundtrip ...), quoted as in a shell ('...', \"...\", \\) but never expanded;\n"
"# begins a comment.  Every line is checked before anything runs.  Each line\n"
"is one session per round, traced as the command alone traces it and stored\n"
"as a run of its own; a line prints one result line when its session ends,\n"
"and a summary line ends the batch.  Each session keeps its own timeouts.\n"
"\n"
"  -c, --concurrency N    sessions in flight at once (default 20, at most\n"
"                         10000; the open-file limit is raised to fit)\n"
"  --per-server N         at most N of them to one server HOST:PORT\n"
"                         (default 0: no limit but --concurrency)\n"
"  --per-login N          at most N with one user at one server (default 10:\n"
"                         Dovecot refuses more logins per user and address,\n"
"                         mail_max_userip_connections; 0: no limit)\n"
"  --repeat K             run the whole file K times (rounds; default 1)\n"
"  --interval S           rounds start S seconds apart (decimals allowed;\n"
"                         default 0: each as soon as the last has ended);\n"
"                         a round never overlaps the one before\n"
"  --db FILE|URL          the store of every run, a sqlite file or a\n"
"                         postgresql:// URL (default: $MAILTRACE_DB,\n"
"                         else $XDG_DATA_HOME/mailtrace/mailtrace.db, else\n"
"                         ~/.local/share/mailtrace/mailtrace.db); the lines\n"
"                         take no --db, --format, --nagios or --prom-file\n"
"  --otlp URL             send every run as OpenTelemetry traces to this\n"
"                         OTLP/HTTP collector (a line's own --otlp wins;\n"
"                         docs/otlp.md)\n"
"  -q, --quiet            no result lines, only the summary\n"
"  --stats                the loop's figures after the summary (stderr)\n"
"  -h, --help             this text\n"
"\n"
"A result line: ok or FAILED, the line, the round, the run, the session's\n"
"time, the command and target; the failure's reason is on stderr, after\n"
"\"batch line N, run R:\".  SIGINT or SIGTERM ends the sessions in flight as\n"
"stopped runs and starts no more.\n"
"exit status: 0 every session succeeded; 1 some session failed; 2 usage,\n"
"a bad line or a configuration error; 128 + the signal when stopped.\n";

struct bline {
	unsigned	 lineno;
	int		 argc;
	char		*words;		/* the words' text */
	char		**argv;		/* argc + 1, into words */
	char		*target;	/* the job's, for the result line */
	const char	*proto;
	size_t		 key[2 * CLI_JOB_KEYS];	/* into the key table */
	size_t		 nkey;
};

struct bkey {
	char		*name;
	bool		 login;		/* a login key, else a server's */
	unsigned	 live;		/* sessions in flight with it */
};

struct batch {
	/* options */
	unsigned	 conc;
	unsigned	 per_server;
	unsigned	 per_login;
	unsigned long	 repeat;
	int64_t		 interval_ns;
	const char	*db;
	bool		 quiet;
	bool		 stats;
	const char	*file;
	/* the lines and their keys */
	struct bline	*lines;
	size_t		 nlines;
	struct bkey	*keys;
	size_t		 nkeys;
	/* running */
	struct store	*st;
	struct loop	*loop;
	unsigned long	 round;		/* rounds begun */
	size_t		*pending;	/* lines of this round not started */
	size_t		 npending;
	size_t		 round_live;	/* this round's sessions in flight */
	int64_t		 t0;		/* the first round's start */
	bool		 dirty;		/* something ended: look again */
	struct bsess	*ended;		/* ended, their lines not yet printed */
	struct bsess	**ended_tail;
	int64_t		 synced;	/* the last group commit */
	bool		 sync_failed;
	/* the outcome */
	unsigned long	 ok, failed, notstarted;
	uint64_t	 run_lo, run_hi;
	int		 spawn_errors;
};

struct bsess {
	struct bsess	*next;		/* batch.ended */
	struct batch	*b;
	struct bline	*ln;
	unsigned long	 round;
	int		 status;
	uint64_t	 run;
	int64_t		 t0;
	char		 where[96];	/* cli_err's context */
};

static char	batch_where[128];	/* while the lines are checked */

static const char *
batch_err_where(void)
{
	struct bsess	*s = loop_task_arg();

	return s != NULL ? s->where : batch_where;
}

/* --interval: seconds with up to three decimals, into nanoseconds. */
static int
batch_seconds(const char *arg, int64_t *ns)
{
	const char	*p = arg;
	int64_t		 whole = 0, frac = 0;
	int		 nd = 0;

	if (*p == '\0')
		goto bad;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > 86400)
			goto bad;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9' && nd < 3; p++, nd++)
			frac = frac * 10 + (*p - '0');
		if (nd == 0)
			goto bad;
		for (; nd < 3; nd++)
			frac *= 10;
	}
	if (*p != '\0' || p == arg)
		goto bad;
	*ns = (whole * 1000 + frac) * 1000000;
	return 0;
bad:
	cli_err("--interval: \"%s\" is not a number of seconds from 0 to "
	    "86400 (at most three decimals)", arg);
	return -1;
}

static int
batch_parse(struct batch *b, int argc, char **argv)
{
	struct mt_err	e;
	static const struct option	 longopts[] = {
		{ "concurrency", required_argument, NULL, 'c' },
		{ "per-server", required_argument, NULL, 'S' },
		{ "per-login", required_argument, NULL, 'L' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "interval", required_argument, NULL, 'i' },
		{ "db", required_argument, NULL, 'd' },
		{ "otlp", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "stats", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	long long	v;
	int		ch;

	b->conc = 20;
	b->per_login = BATCH_PER_LOGIN_DEFAULT;
	b->repeat = 1;
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":c:qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			if (cli_number("--concurrency", optarg, 1,
			    BATCH_CONC_HARD, &v) != 0)
				return -1;
			b->conc = (unsigned)v;
			break;
		case 'S':
			if (cli_number("--per-server", optarg, 0,
			    BATCH_CONC_HARD, &v) != 0)
				return -1;
			b->per_server = (unsigned)v;
			break;
		case 'L':
			if (cli_number("--per-login", optarg, 0,
			    BATCH_CONC_HARD, &v) != 0)
				return -1;
			b->per_login = (unsigned)v;
			break;
		case 'r':
			if (cli_number("--repeat", optarg, 1, 1000000, &v) != 0)
				return -1;
			b->repeat = (unsigned long)v;
			break;
		case 'i':
			if (batch_seconds(optarg, &b->interval_ns) != 0)
				return -1;
			break;
		case 'd':
			b->db = optarg;
			break;
		case 'o':
			mt_err_clear(&e);
			if (otlp_url_check(optarg, &e) != 0) {
				cli_err("%s", e.msg);
				return -1;
			}
			/* every line's, unless the line has one of its own */
			cli_otlp_default(optarg);
			break;
		case 'q':
			b->quiet = true;
			break;
		case 's':
			b->stats = true;
			break;
		case 'h':
			fputs(batch_usage, stdout);
			exit(0);
		case ':':
		default:
			return cli_opt_error("batch", ch, argv);
		}
	}
	if (optind != argc - 1) {
		cli_err(optind >= argc ? "batch: the file is missing (FILE, or "
		    "- for standard input)" : "batch: one file only");
		return -1;
	}
	b->file = argv[optind];
	return 0;
}

/* The key's index in the table, added when new; SIZE_MAX: no memory. */
static size_t
batch_key(struct batch *b, const char *name, bool login)
{
	struct bkey	*nk;
	size_t		 i;

	/* (a few servers and logins per batch: a scan will do) */
	for (i = 0; i < b->nkeys; i++)
		if (b->keys[i].login == login &&
		    strcmp(b->keys[i].name, name) == 0)
			return i;
	if ((b->nkeys & (b->nkeys + 1)) == 0 || b->nkeys == 0) {
		nk = realloc(b->keys, (b->nkeys * 2 + 2) * sizeof(*nk));
		if (nk == NULL)
			return SIZE_MAX;
		b->keys = nk;
	}
	if ((b->keys[b->nkeys].name = strdup(name)) == NULL)
		return SIZE_MAX;
	b->keys[b->nkeys].login = login;
	b->keys[b->nkeys].live = 0;
	return b->nkeys++;
}

/*
 * Check one line: its command line must make a job (said on stderr
 * otherwise, after "FILE line N: "), and take none of the batch's own
 * options.  Its target and keys are kept.  -1 when it is bad.
 */
static int
batch_check_line(struct batch *b, struct bline *ln)
{
	struct cli_job	*j;
	char		*argv[BATCH_WORDS_HARD + 1];
	size_t		 i, k;
	int		 rc = 0;

	memcpy(argv, ln->argv, sizeof(argv[0]) * ((size_t)ln->argc + 1));
	if (cli_job_new(ln->argc, argv, &j) != 0)
		return -1;
	if (j->com->db != NULL) {
		cli_err("--db is the batch's own: give it to mailtrace batch");
		rc = -1;
	} else if (j->com->fmt_set || j->com->mon.nagios ||
	    j->com->mon.prom_file != NULL) {
		cli_err("a batch stores its runs and prints one line each: no "
		    "--format, --nagios or --prom-file in its lines");
		rc = -1;
	} else if ((ln->target = strdup(j->target)) == NULL) {
		cli_err("out of memory");
		rc = -1;
	}
	ln->proto = j->proto;
	for (i = 0; rc == 0 && i < j->nkey; i++) {
		k = batch_key(b, j->key[i].server, false);
		if (k != SIZE_MAX)
			ln->key[ln->nkey++] = k;
		if (k != SIZE_MAX && j->key[i].login[0] != '\0' &&
		    (k = batch_key(b, j->key[i].login, true)) != SIZE_MAX)
			ln->key[ln->nkey++] = k;
		if (k == SIZE_MAX) {
			cli_err("out of memory");
			rc = -1;
		}
	}
	j->ops->free(j);
	return rc;
}

/* One line of the file: its words, then its check.  -1 when bad. */
static int
batch_line(struct batch *b, const char *text, size_t len, unsigned lineno)
{
	char		*argv[BATCH_WORDS_HARD + 1];
	struct bline	*ln, *nl;
	const char	*why;
	char		*words;
	int		 n;

	snprintf(batch_where, sizeof(batch_where), "%.80s line %u: ", b->file,
	    lineno);
	if ((words = malloc(len + 1)) == NULL) {
		cli_err("out of memory");
		return -1;
	}
	if ((n = cli_words(text, len, words, argv, BATCH_WORDS_HARD, &why)) <
	    0) {
		cli_err("%s", why);
		free(words);
		return -1;
	}
	if (n == 0) {
		free(words);
		return 0;
	}
	if (b->nlines == BATCH_LINES_HARD) {
		cli_err("more than %d probe lines", BATCH_LINES_HARD);
		free(words);
		return -1;
	}
	if ((b->nlines & (b->nlines + 1)) == 0 || b->nlines == 0) {
		if ((nl = realloc(b->lines, (b->nlines * 2 + 2) *
		    sizeof(*nl))) == NULL) {
			cli_err("out of memory");
			free(words);
			return -1;
		}
		b->lines = nl;
	}
	ln = &b->lines[b->nlines];
	memset(ln, 0, sizeof(*ln));
	ln->lineno = lineno;
	ln->argc = n;
	ln->words = words;
	if ((ln->argv = malloc(sizeof(char *) * ((size_t)n + 1))) == NULL) {
		cli_err("out of memory");
		free(words);
		return -1;
	}
	memcpy(ln->argv, argv, sizeof(char *) * ((size_t)n + 1));
	b->nlines++;
	return batch_check_line(b, ln);
}

/* Read and check the file: 0, or EXIT_USAGE with the bad lines said. */
static int
batch_read(struct batch *b)
{
	char		 buf[BATCH_LINE_HARD + 2];
	FILE		*fp;
	unsigned	 lineno = 0, bad = 0;
	size_t		 len;
	bool		 std = strcmp(b->file, "-") == 0;

	if ((fp = std ? stdin : fopen(b->file, "r")) == NULL) {
		cli_err("batch: %s: %s", b->file, strerror(errno));
		return EXIT_USAGE;
	}
	while (fgets(buf, sizeof(buf), fp) != NULL) {
		lineno++;
		len = strlen(buf);
		if (len > 0 && buf[len - 1] == '\n')
			buf[--len] = '\0';
		else if (!feof(fp)) {
			snprintf(batch_where, sizeof(batch_where),
			    "%.80s line %u: ", b->file, lineno);
			cli_err("longer than %d bytes", BATCH_LINE_HARD);
			bad++;
			break;	/* (the rest of it is no line) */
		}
		if (len > 0 && buf[len - 1] == '\r')
			buf[--len] = '\0';
		if (strlen(buf) != len) {
			snprintf(batch_where, sizeof(batch_where),
			    "%.80s line %u: ", b->file, lineno);
			cli_err("a NUL byte");
			bad++;
		} else if (batch_line(b, buf, len, lineno) != 0)
			bad++;
		if (bad == BATCH_ERRORS_SHOWN)
			break;
	}
	batch_where[0] = '\0';
	if (ferror(fp)) {
		cli_err("batch: %s: %s", b->file, strerror(errno));
		bad++;
	}
	if (!std)
		fclose(fp);
	if (bad > 0) {
		cli_err("batch: %s: %u bad line%s%s; nothing was run", b->file,
		    bad, bad == 1 ? "" : "s", bad == BATCH_ERRORS_SHOWN ?
		    " (the first ones)" : "");
		return EXIT_USAGE;
	}
	if (b->nlines == 0) {
		cli_err("batch: %s: no probe lines", b->file);
		return EXIT_USAGE;
	}
	return 0;
}

/*
 * Room for the sessions' files: the soft limit raised towards the hard
 * one.  EXIT_USAGE (said) when even the hard limit is too low.
 */
static int
batch_files(const struct batch *b)
{
	struct rlimit	rl;
	rlim_t		need = (rlim_t)b->conc * BATCH_FDS_PER_SESSION + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur >= need)
		return 0;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
		cli_err("batch: --concurrency %u needs %llu open files; the "
		    "limit is %llu (ulimit -Hn)", b->conc,
		    (unsigned long long)need, (unsigned long long)rl.rlim_max);
		return EXIT_USAGE;
	}
	rl.rlim_cur = need;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
		cli_err("batch: raising the open-file limit to %llu: %s",
		    (unsigned long long)need, strerror(errno));
		return EXIT_USAGE;
	}
	return 0;
}

/* May the line start now, beside what is in flight? */
static bool
batch_may(const struct batch *b, const struct bline *ln)
{
	const struct bkey	*k;
	size_t			 i;
	unsigned		 max;

	for (i = 0; i < ln->nkey; i++) {
		k = &b->keys[ln->key[i]];
		max = k->login ? b->per_login : b->per_server;
		if (max != 0 && k->live >= max)
			return false;
	}
	return true;
}

static void
batch_take(struct batch *b, const struct bline *ln, int d)
{
	size_t	i;

	for (i = 0; i < ln->nkey; i++)
		b->keys[ln->key[i]].live += (unsigned)d;
}

/* One session: the job made again, its run, its end. */
static void
bsess_run(void *arg)
{
	struct bsess	*s = arg;
	struct batch	*b = s->b;
	struct cli_job	*j;
	struct cli_run	 run;
	char		*argv[BATCH_WORDS_HARD + 1];

	/* (getopt may reorder argv: a copy for each session) */
	memcpy(argv, s->ln->argv, sizeof(argv[0]) *
	    ((size_t)s->ln->argc + 1));
	s->status = EXIT_USAGE;
	if (cli_job_new(s->ln->argc, argv, &j) != 0)
		return;
	if (cli_run_begin_in(&run, b->st, j->com, j->proto, j->target) ==
	    0) {
		s->run = run.ri.run;
		snprintf(s->where, sizeof(s->where), "batch line %u, run "
		    "%llu: ", s->ln->lineno, (unsigned long long)s->run);
		s->status = cli_run_end(&run, j->ops->session(j, &run));
	}
	j->ops->free(j);
}

/* A session ended: room for the next; its line waits for the commit. */
static void
bsess_done(void *arg)
{
	struct bsess	*s = arg;
	struct batch	*b = s->b;

	batch_take(b, s->ln, -1);
	b->round_live--;
	b->dirty = true;
	s->t0 = mt_mono_ns() - s->t0;	/* (now its time) */
	s->next = NULL;
	*b->ended_tail = s;
	b->ended_tail = &s->next;
}

/* One ended session's result line. */
static void
bsess_print(struct batch *b, const struct bsess *s)
{
	char	runs[32];

	if (s->run != 0)
		snprintf(runs, sizeof(runs), "run %llu",
		    (unsigned long long)s->run);
	else
		snprintf(runs, sizeof(runs), "no run");
	if (b->quiet)
		return;
	printf("%-6s  line %u  round %lu  %s  %.1f ms  %s %s", s->status
	    == 0 ? "ok" : "FAILED", s->ln->lineno, s->round, runs,
	    (double)s->t0 / 1e6, s->ln->proto, s->ln->target);
	if (s->status != 0)
		printf("  (exit %d)", s->status);
	putchar('\n');
}

/*
 * The group commit (store_hold_commits()): what the sessions wrote, then
 * the lines of those that ended, so that a printed line's run is stored.
 * A commit that fails fails those sessions (said once).
 */
static void
batch_sync(struct batch *b)
{
	struct mt_err	 err;
	struct bsess	*s;

	mt_err_clear(&err);
	if (store_uncommitted(b->st) && store_sync(b->st, &err) != 0 &&
	    !b->sync_failed) {
		cli_err("batch: storing the runs failed: %s (the sessions "
		    "ending now count as failed)", err.msg);
		b->sync_failed = true;
	}
	b->synced = mt_mono_ns();
	while ((s = b->ended) != NULL) {
		if ((b->ended = s->next) == NULL)
			b->ended_tail = &b->ended;
		if (b->sync_failed && s->status == 0)
			s->status = EXIT_SESSION;
		if (s->status == 0)
			b->ok++;
		else
			b->failed++;
		if (s->run != 0) {
			if (b->run_lo == 0 || s->run < b->run_lo)
				b->run_lo = s->run;
			if (s->run > b->run_hi)
				b->run_hi = s->run;
		}
		bsess_print(b, s);
		free(s);
	}
	fflush(stdout);
}

/* Start the line in this round; false when it could not (said). */
static bool
batch_start(struct batch *b, struct bline *ln)
{
	struct mt_err	 err;
	struct bsess	*s;

	mt_err_clear(&err);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		mt_err_set(&err, MT_E_INTERNAL, "out of memory");
	else {
		s->b = b;
		s->ln = ln;
		s->round = b->round;
		s->t0 = mt_mono_ns();
		snprintf(s->where, sizeof(s->where), "batch line %u: ",
		    ln->lineno);
		if (loop_spawn(b->loop, bsess_run, bsess_done, s, &err) == 0) {
			batch_take(b, ln, 1);
			b->round_live++;
			return true;
		}
		free(s);
	}
	if (b->spawn_errors++ < BATCH_ERRORS_SHOWN)
		cli_err("batch line %u: the session cannot start: %s",
		    ln->lineno, err.msg);
	return false;
}

/*
 * The loop's feed: a new round when the last has ended and its time has
 * come, then what may start of this round's lines, in the file's order,
 * within --concurrency and the limits.
 */
/* The feed's wake-up: at, or earlier when records wait for a commit. */
static int64_t
batch_wake(const struct batch *b, int64_t at)
{
	int64_t	sync;

	if (b->ended == NULL && !store_uncommitted(b->st))
		return at;
	sync = b->synced + BATCH_SYNC_NS;
	return at < 0 || sync < at ? sync : at;
}

static int64_t
batch_feed(void *arg)
{
	struct batch	*b = arg;
	size_t		 i, keep;
	int64_t		 at;

	/* At most one commit per BATCH_SYNC_NS: ten a second, whatever ends. */
	if ((b->ended != NULL || store_uncommitted(b->st)) &&
	    mt_mono_ns() - b->synced >= BATCH_SYNC_NS)
		batch_sync(b);
	if (wait_stopped())
		return LOOP_DONE;
	if (b->npending == 0 && b->round_live == 0) {
		if (b->round == b->repeat)
			return LOOP_DONE;
		at = b->t0 + (int64_t)b->round * b->interval_ns;
		if (b->round > 0 && mt_mono_ns() < at)
			return batch_wake(b, at);
		for (i = 0; i < b->nlines; i++)
			b->pending[i] = i;
		b->npending = b->nlines;
		b->round++;
		b->dirty = true;
	}
	if (!b->dirty)
		return batch_wake(b, WAIT_FOREVER);
	b->dirty = false;
	for (i = keep = 0; i < b->npending; i++) {
		struct bline	*ln = &b->lines[b->pending[i]];

		if (loop_live(b->loop) >= b->conc || !batch_may(b, ln))
			b->pending[keep++] = b->pending[i];
		else if (!batch_start(b, ln))
			b->failed++;	/* (it counts as a failed session) */
	}
	b->npending = keep;
	return batch_wake(b, WAIT_FOREVER);
}

static void
batch_summary(struct batch *b, double secs)
{
	struct loop_stats	 ls;
	struct rusage		 ru;
	unsigned long		 total = b->ok + b->failed;

	b->notstarted = (unsigned long)b->nlines * b->repeat - total;
	printf("batch: %lu session%s (%zu line%s, %lu round%s): %lu ok, %lu "
	    "failed", total, total == 1 ? "" : "s", b->nlines,
	    b->nlines == 1 ? "" : "s", b->round, b->round == 1 ? "" : "s",
	    b->ok, b->failed);
	if (b->notstarted > 0)
		printf(", %lu not started", b->notstarted);
	loop_get_stats(b->loop, &ls);
	printf("; %.2f s; at most %zu at once", secs, ls.live_max);
	if (b->run_lo != 0)
		printf("; runs %llu-%llu", (unsigned long long)b->run_lo,
		    (unsigned long long)b->run_hi);
	putchar('\n');
	fflush(stdout);
	if (!b->stats)
		return;
	memset(&ru, 0, sizeof(ru));
	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr, "batch stats: tasks %llu, resumed %llu times, %llu "
	    "polls; deepest stack %zu KiB of %zu; peak memory %ld MiB; CPU "
	    "%.3f s user, %.3f s system\n", (unsigned long long)ls.tasks,
	    (unsigned long long)ls.switches, (unsigned long long)ls.polls,
	    ls.stack_high >> 10, ls.stack_size >> 10, ru.ru_maxrss >> 10,
	    (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
}

static void
batch_free(struct batch *b)
{
	size_t	i;

	for (i = 0; i < b->nlines; i++) {
		free(b->lines[i].words);
		free(b->lines[i].argv);
		free(b->lines[i].target);
	}
	free(b->lines);
	for (i = 0; i < b->nkeys; i++)
		free(b->keys[i].name);
	free(b->keys);
	free(b->pending);
	loop_free(b->loop);
	store_close(b->st);
}

int
cli_batch(int argc, char **argv)
{
	struct batch	 b;
	struct mt_err	 err;
	int64_t		 t0;
	int		 status, sig;

	memset(&b, 0, sizeof(b));
	b.ended_tail = &b.ended;
	cli_err_context(batch_err_where);
	if (batch_parse(&b, argc, argv) != 0) {
		status = EXIT_USAGE;
		goto done;
	}
	if ((status = batch_read(&b)) != 0 || (status = batch_files(&b)) != 0)
		goto done;
	mt_err_clear(&err);
	if ((b.pending = calloc(b.nlines, sizeof(*b.pending))) == NULL ||
	    (b.loop = loop_new(&err)) == NULL) {
		cli_err("batch: %s", b.pending == NULL ? "out of memory" :
		    err.msg);
		status = EXIT_USAGE;
		goto done;
	}
	if (cli_store_open(b.db, &b.st) != 0) {
		status = EXIT_USAGE;
		goto done;
	}
	/* One transaction for many runs, committed by batch_sync(). */
	store_hold_commits(b.st, true);
	cli_take_signals();
	t0 = b.t0 = b.synced = mt_mono_ns();
	if (loop_run(b.loop, batch_feed, &b, &err) != 0)
		cli_err("batch: %s", err.msg);
	batch_sync(&b);
	batch_summary(&b, (double)(mt_mono_ns() - t0) / 1e9);
	status = b.failed > 0 || b.notstarted > 0 ? EXIT_SESSION : 0;
	if ((sig = cli_stopped()) != 0)
		status = 128 + sig;
done:
	cli_err_context(NULL);
	batch_free(&b);
	return status;
}
