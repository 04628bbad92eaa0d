/*
 * store.h - the store: runs, their records, baselines and the event
 * catalog, in a sqlite file (the embedded default) or a PostgreSQL
 * database (the shared store: a postgresql:// URL as the path).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * One struct store per database connection, not shared between threads.
 * Errors are MT_E_STORE (the engine, the file system or the network) with
 * the database path or URL in the message, or MT_E_USAGE for "no such
 * run" and a refused URL.  docs/formats.md describes the schema.
 */
#ifndef MT_STORE_STORE_H
#define MT_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace.h"

#define STORE_SCHEMA_VERSION	10	/* the schema's version after open */
#define STORE_NAME_HARD		32	/* runs.proto and runs.level */
#define STORE_TARGET_HARD	MT_FIELD_HARD	/* runs.target */
#define STORE_BASELINE_NAME_HARD	65	/* a name's length, with its NUL */

struct store;

/* One row of runs, with owned strings. */
struct store_run {
	uint64_t	 id;
	char		 proto[STORE_NAME_HARD];
	char		 target[STORE_TARGET_HARD];
	char		 level[STORE_NAME_HARD];
	mt_time		 started;
	long		 pid;
	bool		 finished_set;	/* store_run_end() was called */
	mt_time		 finished;	/* 0 unless finished_set */
	int		 exit_status;	/* 0 unless finished_set */
	char		 baseline[STORE_BASELINE_NAME_HARD];	/* runs.baseline:
					   the baseline a check held the
					   run against; "" for none */
	/*
	 * A view for the sinks: its strings point into this struct, so it is
	 * valid only while this struct is, and not in a copy of it.
	 */
	struct run_info	 ri;
};

/*
 * Open (creating it and any missing parent directories) the database at
 * path and bring its schema to STORE_SCHEMA_VERSION.  A path that is a
 * postgresql:// (or postgres://) URL opens that PostgreSQL database
 * instead (db_open_pg(): no password in the URL; the tables made when
 * missing).  The event_kind table is rewritten from ev_catalog() when it
 * differs.  path is copied.  On success *out is the store (free with
 * store_close()) and 0 is returned.
 */
int		 store_open(const char *path, struct store **out,
		    struct mt_err *err);
/*
 * store_open() of a store that must exist already (for reading it): a
 * missing file, or a PostgreSQL database without the store's tables, is
 * MT_E_USAGE ("store PATH does not exist"), and nothing is created,
 * neither the file nor its directories nor the tables.
 */
int		 store_open_existing(const char *path, struct store **out,
		    struct mt_err *err);
/* Commit a pending batch, finalize and close.  NULL-safe. */
void		 store_close(struct store *);
/*
 * Group commit, for one connection that many runs write at once (batch):
 * while held, the records, run beginnings and run ends all go into one
 * open transaction, which store_sync() commits (store_close() too); a
 * run's end and summary still go in together or not at all (a
 * savepoint).  Not held (the default): every flush commits.
 * store_uncommitted(): something waits for store_sync().
 */
void		 store_hold_commits(struct store *, bool hold);
int		 store_sync(struct store *, struct mt_err *);
bool		 store_uncommitted(const struct store *);
/* The path (or URL) the store was opened with; valid until store_close(). */
const char	*store_path(const struct store *);

/*
 * The default database path into buf: $MAILTRACE_DB if set and non-empty
 * (a path or a PostgreSQL URL);
 * else $XDG_DATA_HOME/mailtrace/mailtrace.db if XDG_DATA_HOME is set to an
 * absolute path; else $HOME/.local/share/mailtrace/mailtrace.db.  Returns
 * buf, or NULL when HOME is unset too or the path does not fit in sz.
 */
const char	*store_default_path(char *buf, size_t sz);
/* The sqlite library this process runs with ("3.40.1"). */
const char	*store_sqlite_version(void);

/*
 * Insert a run row from ri (proto, target, level, started, pid; NULL
 * strings stored as "") and set ri->run to its new id.  Commits a pending
 * record batch first.  MT_E_USAGE when a string does not fit store_run.
 */
int		 store_run_begin(struct store *, struct run_info *ri,
		    struct mt_err *err);
/*
 * Hand each argument the run was started with (run_info argc/argv), in
 * order, to fn(arg, text); text is valid during the call.  A non-zero
 * return of fn stops and is returned; a read failure fills err.
 */
int		 store_run_args(struct store *, uint64_t run,
		    int (*fn)(void *, const char *), void *arg,
		    struct mt_err *err);
/* ---- baselines (baseline.c; issue 10, docs/check.md) ---- */

/* One baseline, with owned strings. */
struct store_baseline {
	uint64_t	 id;
	char		 name[STORE_BASELINE_NAME_HARD];
	mt_time		 created;
	uint64_t	 run;		/* the run it was saved from (the
					   newest, when from several) */
	char		 proto[STORE_NAME_HARD];
	char		 target[STORE_TARGET_HARD];
	char		 level[STORE_NAME_HARD];
	uint64_t	 steps;		/* its records */
	unsigned	 nruns;		/* the runs its latencies come from */
	bool		 ignore_counts;	/* the check ignores STAT/LIST counts */
	unsigned	 nignore;	/* its own --ignore patterns */
};

#define STORE_RUNS_HARD		MT_CHK_RUNS_HARD	/* runs one baseline is saved from */
#define STORE_IGNORE_HARD	32	/* --ignore patterns of one baseline */

/* One step's latency over several runs (store_baseline_save()). */
struct store_step_stat {
	int64_t		 median_us;
	int64_t		 spread_us;	/* the largest minus the smallest */
	bool		 has;		/* false: the step has no time */
};

/* What a baseline is saved with beyond its run's records. */
struct store_bl_save {
	/*
	 * nruns > 1: the latencies of the run's steps over nruns runs, one
	 * per record of the run in stored order (nstats of them: exactly
	 * the run's count); each has one's median replaces the step's
	 * elapsed time and its spread is kept beside it.
	 */
	unsigned			 nruns;
	const struct store_step_stat	*stats;
	size_t				 nstats;
	bool				 ignore_counts;
	const char *const		*ignore;	/* patterns, as given */
	size_t				 nignore;	/* <= STORE_IGNORE_HARD */
};

/* A name is 1 to 64 of [A-Za-z0-9._-], not starting with '-' or '.'. */
bool		 store_baseline_name_ok(const char *);
/*
 * Save run as baseline name (a copy of its records, in stored order, and
 * of the run's proto, target, level and arguments), created at created,
 * with what opt adds (NULL: nothing; one run, no rules of its own).
 * MT_E_USAGE: a bad name, no such run, a baseline of that name exists,
 * more patterns than STORE_IGNORE_HARD or runs than STORE_RUNS_HARD;
 * MT_E_INTERNAL: stats that are not one per record.
 */
int		 store_baseline_save(struct store *, const char *name,
		    uint64_t run, mt_time created,
		    const struct store_bl_save *opt, struct mt_err *err);
/*
 * The runs of the same probe as run, newest first, run itself the first:
 * runs up to run with the same proto, target, level and arguments (the
 * command line as kept: every option; a run made before arguments were
 * kept matches none but itself), at most want (<= STORE_RUNS_HARD) into
 * ids; their count into *n.  MT_E_USAGE when there is no run run.
 */
int		 store_runs_same(struct store *, uint64_t run, size_t want,
		    uint64_t *ids, size_t *n, struct mt_err *err);
/* Baseline name into *b; MT_E_USAGE when there is none. */
int		 store_baseline_get(struct store *, const char *name,
		    struct store_baseline *b, struct mt_err *err);
/*
 * Each baseline, by name, to fn(arg, b) (b valid during the call); a
 * non-zero return of fn stops and is returned.
 */
int		 store_baseline_list(struct store *,
		    int (*fn)(void *, const struct store_baseline *), void *arg,
		    struct mt_err *err);
/*
 * Hand each step of baseline name to s->rec(), in order, as store_replay()
 * does for a run (r->run: the run it was saved from).  Before each, when
 * stat is not NULL, stat(arg, has, spread_us): whether the step has a
 * latency spread (a baseline of several runs; its elapsed time is then
 * their median) and what it is.  Stops at the first failure of the sink
 * or of stat (non-zero; err filled by it).
 */
int		 store_baseline_replay(struct store *, const char *name,
		    struct sink *s, int (*stat)(void *, bool, int64_t),
		    void *arg, struct mt_err *err);
/*
 * Hand each of baseline name's own --ignore patterns, in order, to
 * fn(arg, pattern), as store_baseline_args() does.
 */
int		 store_baseline_ignore(struct store *, const char *name,
		    int (*fn)(void *, const char *), void *arg,
		    struct mt_err *err);
#define STORE_IMPORT_HARD	(64 << 20)	/* bytes of a baseline file */

/*
 * Write baseline name to out as a baseline file (docs/check.md, "Baseline
 * files"): {"baseline":{...},\n"steps":[\n{step},\n...\n]}, one step a
 * line, keys in a fixed order, ASCII only (JSON escapes).
 */
int		 store_baseline_export(struct store *, const char *name,
		    FILE *out, struct mt_err *err);
/*
 * Read a baseline file (at most STORE_IMPORT_HARD bytes, with jansson)
 * and store it under name (NULL: the name in the file); the name used into
 * got.  MT_E_USAGE: not such a file (what is wrong, where), a bad or taken
 * name.  Nothing is stored unless all of it is.
 */
int		 store_baseline_import(struct store *, const char *path,
		    const char *name, char *got, size_t gotsz,
		    struct mt_err *err);
/*
 * Hand each argument of the run baseline name was saved from (as
 * store_run_args() does) to fn(arg, text); none for a run made before
 * arguments were kept.  MT_E_USAGE when there is no such baseline.
 */
int		 store_baseline_args(struct store *, const char *name,
		    int (*fn)(void *, const char *), void *arg,
		    struct mt_err *err);
/* Delete baseline name and its steps; MT_E_USAGE when there is none. */
int		 store_baseline_delete(struct store *, const char *name,
		    struct mt_err *err);

/*
 * Record how a run ended, and its summary (migration 10: sessions,
 * records, source, first failure, servers; docs/formats.md); commits.
 * MT_E_USAGE when there is no run.
 */
int		 store_run_end(struct store *, uint64_t run, int exit_status,
		    mt_time finished, struct mt_err *err);

/*
 * A sink that inserts every record into the records table (the record's
 * own run field must name a run from store_run_begin(), e.g. through
 * tracer.run).  Records are batched in one transaction, begun with the
 * first record after a commit; flush() commits it.  close() commits and
 * frees the sink only; close every store sink before store_close().
 * Returns NULL when out of memory.
 */
struct sink	*store_sink(struct store *);

/* The id of the newest run; MT_E_USAGE ("no runs in <path>") if none. */
int		 store_last_run(struct store *, uint64_t *run,
		    struct mt_err *err);
/* Read one run into *out; MT_E_USAGE ("no run N") if there is none. */
int		 store_get_run(struct store *, uint64_t run,
		    struct store_run *out, struct mt_err *err);
/*
 * Rebuild every record of a run exactly as it was stored, in the order it
 * was stored (the order the run printed them: a decoder's sessions
 * interleaved as their records were made, each in seq order), and hand
 * each to s->rec() as it is read.  records_run holds a run's rows in rowid
 * order, so nothing is sorted: memory does not grow with the run.  Stops at
 * the first sink failure (its err is returned).  Does not flush or close
 * s.
 */
int		 store_replay(struct store *, uint64_t run, struct sink *s,
		    struct mt_err *err);
/*
 * The SQL store_replay() runs (for tests: its query plan reads the index
 * in order, with no sort, so a replay holds one row at a time).
 */
const char	*store_replay_sql(void);

#endif
