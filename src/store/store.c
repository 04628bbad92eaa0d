/*
 * SPDX-License-Identifier: BSD-2-Clause
 * store.c - the store: schema migrations, runs, the record sink and
 * replay, on sqlite or PostgreSQL through the database layer (db.h), in
 * SQL both engines accept; where they differ, the per-engine variants are
 * here (the migrations, the schema version).  Every statement is prepared
 * once per store and every value is bound; SQL is never formatted with
 * data.
 */
#include "store.h"
#include "store_int.h"

#include <errno.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "db.h"

/* Statements prepared at open, in the order of store_sql[]. */
enum store_stmt {
	STMT_RUN_INS,
	STMT_RUN_END,
	STMT_RUN_GET,
	STMT_RUN_LAST,
	STMT_RUN_ARGS,
	STMT_REC_INS,
	STMT_REC_ALL,
	STMT_REC_BATCH,		/* STORE_BATCH rows of STMT_REC_INS at once */
	STMT_RUN_SUM,		/* the summary of migration 10 */
	STMT_RUN_FAIL,
	STMT_RUN_SRV,
	STMT__COUNT
};

/*
 * Records are inserted STORE_BATCH at a time with one statement: a
 * statement's own cost (start, halt, reset) is most of a small row's.
 */
#define STORE_BATCH	16
#define STORE_COMMIT_EVERY	4096	/* records (a multiple of STORE_BATCH) */
#define STORE_REC_COLS	22

static const char *const store_sql[STMT__COUNT] = {
	[STMT_RUN_INS] =
	    "INSERT INTO runs (proto, target, level, started, pid, args, "
	    "baseline) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
	[STMT_RUN_END] =
	    "UPDATE runs SET finished = ?1, exit_status = ?2 WHERE id = ?3 "
	    "RETURNING id",
	[STMT_RUN_GET] =
	    "SELECT proto, target, level, started, pid, finished, exit_status, "
	    "baseline FROM runs WHERE id = ?1",
	[STMT_RUN_LAST] =
	    "SELECT max(id) FROM runs",
	[STMT_RUN_ARGS] =
	    "SELECT args FROM runs WHERE id = ?1",
	[STMT_REC_INS] =
	    "INSERT INTO records (run, session, seq, event, level, rc, intf, "
	    "opr, opt, time, client, server, source, elapsed_us, bytes, "
	    "body_end, anomaly, detail, reply, tls, explanation, dns) VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
	    "?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
	[STMT_REC_ALL] =
	    "SELECT session, seq, event, level, rc, intf, opr, opt, time, "
	    "client, server, source, elapsed_us, bytes, body_end, anomaly, "
	    "detail, reply, tls, explanation, dns FROM records WHERE run = ?1 "
	    "ORDER BY rowid",
	[STMT_REC_BATCH] = NULL,	/* built by store_batch_sql() */
	/* A run's summary as it ends (docs/formats.md, runs). */
	[STMT_RUN_SUM] =
	    "UPDATE runs SET"
	    "  sessions = (SELECT count(DISTINCT session) FROM records"
	    "    WHERE run = ?1 AND session > 0),"
	    "  steps = (SELECT count(*) FROM records WHERE run = ?1),"
	    "  summarized = 1 WHERE id = ?1",
	[STMT_RUN_FAIL] =
	    "UPDATE runs SET (fail_session, fail_seq, fail_event, fail_intf,"
	    "  fail_exc) = (SELECT session, seq, event, intf, opt FROM records"
	    "    WHERE run = ?1 AND rc != 0 ORDER BY rowid LIMIT 1)"
	    "  WHERE id = ?1",
	[STMT_RUN_SRV] =
	    "INSERT INTO run_servers (server, run)"
	    "  SELECT DISTINCT server, run FROM records"
	    "  WHERE run = ?1 AND server != '' ON CONFLICT DO NOTHING",
};

/*
 * Schema migrations: entry i takes user_version i to i + 1.  Append only.
 * They run in one write transaction that first reads user_version again,
 * so a second process never applies one twice.
 */
static const char *const store_migrations[] = {
	/* 1: the initial schema */
	"CREATE TABLE IF NOT EXISTS runs ("
	"  id INTEGER PRIMARY KEY,"
	"  proto TEXT NOT NULL,"
	"  target TEXT NOT NULL,"
	"  level TEXT NOT NULL,"
	"  started INTEGER NOT NULL,"
	"  pid INTEGER NOT NULL,"
	"  finished INTEGER,"
	"  exit_status INTEGER);"
	"CREATE TABLE IF NOT EXISTS records ("
	"  run INTEGER NOT NULL REFERENCES runs(id),"
	"  session INTEGER,"
	"  seq INTEGER,"
	"  event INTEGER,"
	"  level TEXT,"
	"  rc INTEGER,"
	"  intf TEXT,"
	"  opr TEXT,"
	"  opt TEXT,"
	"  time INTEGER,"
	"  client TEXT,"
	"  server TEXT,"
	"  source TEXT,"
	"  elapsed_us INTEGER NULL,"
	"  bytes INTEGER NULL,"
	"  body_end INTEGER NULL,"
	"  anomaly TEXT NULL,"
	"  detail TEXT NULL,"
	"  PRIMARY KEY (run, session, seq));"
	"CREATE TABLE IF NOT EXISTS event_kind ("
	"  id INTEGER PRIMARY KEY,"
	"  level TEXT,"
	"  name TEXT,"
	"  confirmed INTEGER,"
	"  point TEXT);",
	/*
	 * 2: records without the (run, session, seq) key, found by run.  The
	 * key's index took records in session order, so a decoder's records
	 * (hundreds of sessions at once) went into it at random places: a
	 * third of the cost of storing one.  (run, session, seq) is unique
	 * by construction (the tracer numbers them); replay sorts a run's
	 * records.  sqlite cannot drop a key: the table is rebuilt.
	 */
	"CREATE TABLE records_v2 ("
	"  run INTEGER NOT NULL REFERENCES runs(id),"
	"  session INTEGER,"
	"  seq INTEGER,"
	"  event INTEGER,"
	"  level TEXT,"
	"  rc INTEGER,"
	"  intf TEXT,"
	"  opr TEXT,"
	"  opt TEXT,"
	"  time INTEGER,"
	"  client TEXT,"
	"  server TEXT,"
	"  source TEXT,"
	"  elapsed_us INTEGER NULL,"
	"  bytes INTEGER NULL,"
	"  body_end INTEGER NULL,"
	"  anomaly TEXT NULL,"
	"  detail TEXT NULL);"
	"INSERT INTO records_v2 SELECT run, session, seq, event, level, rc, "
	"  intf, opr, opt, time, client, server, source, elapsed_us, bytes, "
	"  body_end, anomaly, detail FROM records ORDER BY run, session, seq;"
	"DROP TABLE records;"
	"ALTER TABLE records_v2 RENAME TO records;"
	"CREATE INDEX records_run ON records (run);",
	/*
	 * 3: the first line of the server's reply on "after" points (NULL
	 * when empty), so runs can be compared by what the server said.
	 */
	"ALTER TABLE records ADD COLUMN reply TEXT NULL;",
	/*
	 * 4: the arguments a run was started with, so that the same session
	 * can be run again (issue 10: check): each argument followed by a
	 * NUL (an argument holds none), in order; NULL for older runs.
	 */
	"ALTER TABLE runs ADD COLUMN args BLOB NULL;",
	/*
	 * 5: baselines (issue 10): a named, kept copy of a run's records,
	 * with what the run was (proto, target, level, arguments), so that
	 * it can be probed again and compared; its steps have the records'
	 * columns, read by the same code, plus a latency spread for one
	 * saved from several runs.
	 */
	"CREATE TABLE baselines ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  created INTEGER NOT NULL,"
	"  run INTEGER NOT NULL,"
	"  proto TEXT NOT NULL,"
	"  target TEXT NOT NULL,"
	"  level TEXT NOT NULL,"
	"  args BLOB NULL);"
	"CREATE TABLE baseline_steps ("
	"  baseline INTEGER NOT NULL REFERENCES baselines(id),"
	"  session INTEGER, seq INTEGER, event INTEGER, level TEXT, rc INTEGER,"
	"  intf TEXT, opr TEXT, opt TEXT, time INTEGER, client TEXT,"
	"  server TEXT, source TEXT, elapsed_us INTEGER NULL,"
	"  bytes INTEGER NULL, body_end INTEGER NULL, anomaly TEXT NULL,"
	"  detail TEXT NULL, reply TEXT NULL, elapsed_spread INTEGER NULL);"
	"CREATE INDEX baseline_steps_b ON baseline_steps (baseline);"
	"ALTER TABLE runs ADD COLUMN baseline TEXT NULL;",
	/*
	 * 6: what a baseline carries beyond one run's records (issue 10):
	 * how many runs it was saved from (then its steps' elapsed_us are
	 * the runs' medians, elapsed_spread how far apart they lay), and
	 * the check's rules it asks for: STAT/LIST counts and sizes
	 * ignored, and its own --ignore patterns (each followed by a NUL,
	 * in order; NULL: none).
	 */
	"ALTER TABLE baselines ADD COLUMN nruns INTEGER NOT NULL DEFAULT 1;"
	"ALTER TABLE baselines ADD COLUMN ignore_counts INTEGER NOT NULL "
	"DEFAULT 0;"
	"ALTER TABLE baselines ADD COLUMN ignore BLOB NULL;",
	/*
	 * 7: the facts of a TLS handshake on the record of the step that
	 * made it (issue 11): one JSON object with the JSONL keys (NULL: the
	 * record has none), in records and in baselines' copies of them.
	 */
	"ALTER TABLE records ADD COLUMN tls TEXT NULL;"
	"ALTER TABLE baseline_steps ADD COLUMN tls TEXT NULL;",
	/*
	 * 8: a failed record's explanation (issue 13, events/explain.def;
	 * NULL: none, and for every record of an older run), in records
	 * and in baselines' copies of them.  Derived from the record's other
	 * fields when it was made, kept as it was shown.
	 */
	"ALTER TABLE records ADD COLUMN explanation TEXT NULL;"
	"ALTER TABLE baseline_steps ADD COLUMN explanation TEXT NULL;",
	/*
	 * 9: a DNS lookup's record (issue 13, events/dns.def): its query
	 * type ("MX"); NULL for every other record.  The rest of the lookup
	 * is in the columns every record has (intf the name, opr the
	 * answer, opt the resolver, detail the records, elapsed_us), in
	 * records and in baselines' copies of them.
	 */
	"ALTER TABLE records ADD COLUMN dns TEXT NULL;"
	"ALTER TABLE baseline_steps ADD COLUMN dns TEXT NULL;",
	/*
	 * 10: finding runs (issue 14, docs/formats.md): a run's summary,
	 * written once when it ends (store_run_end()) so that `runs` reads
	 * no records: its sessions (numbers above 0), records, its first failed record (rc != 0: session,
	 * seq, event, int, opt the exception class); summarized 1 once
	 * they are.  run_servers: each server address a run's records
	 * name, for --server.  The index on started for --since/--until.
	 * Runs ended before this migration are summarized by it.
	 */
	"ALTER TABLE runs ADD COLUMN sessions INTEGER NULL;"
	"ALTER TABLE runs ADD COLUMN steps INTEGER NULL;"
	"ALTER TABLE runs ADD COLUMN fail_session INTEGER NULL;"
	"ALTER TABLE runs ADD COLUMN fail_seq INTEGER NULL;"
	"ALTER TABLE runs ADD COLUMN fail_event INTEGER NULL;"
	"ALTER TABLE runs ADD COLUMN fail_intf TEXT NULL;"
	"ALTER TABLE runs ADD COLUMN fail_exc TEXT NULL;"
	"ALTER TABLE runs ADD COLUMN summarized INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX runs_started ON runs (started);"
	"CREATE TABLE run_servers ("
	"  server TEXT NOT NULL,"
	"  run INTEGER NOT NULL REFERENCES runs(id),"
	"  PRIMARY KEY (server, run)) WITHOUT ROWID;"
	"UPDATE runs SET"
	"  sessions = (SELECT count(DISTINCT session) FROM records"
	"    WHERE run = runs.id AND session > 0),"
	"  steps = (SELECT count(*) FROM records WHERE run = runs.id),"
	"  summarized = 1 WHERE finished IS NOT NULL;"
	"UPDATE runs SET (fail_session, fail_seq, fail_event, fail_intf,"
	"  fail_exc) = (SELECT session, seq, event, intf, opt FROM records"
	"    WHERE run = runs.id AND rc != 0 ORDER BY rowid LIMIT 1)"
	"  WHERE finished IS NOT NULL;"
	"INSERT OR IGNORE INTO run_servers (server, run)"
	"  SELECT DISTINCT r.server, r.run FROM records r JOIN runs u"
	"  ON u.id = r.run WHERE u.finished IS NOT NULL AND r.server != '';",
};

#define STORE_NMIGRATIONS \
	((int)(sizeof(store_migrations) / sizeof(store_migrations[0])))
_Static_assert(sizeof(store_migrations) / sizeof(store_migrations[0]) ==
    STORE_SCHEMA_VERSION, "store.h names the last migration's version");

/*
 * The PostgreSQL schema (docs/formats.md): entry i takes the version from
 * i to i + 1, as store_migrations[] does for sqlite; the two end equal in
 * meaning (the same tables, columns, indexes and answers; INTEGER is
 * BIGINT, BLOB BYTEA, text compares bytewise as sqlite's: COLLATE "C").
 * sqlite's rowid, which the store orders by, is a column of that name
 * (an identity) in records and baseline_steps, indexed after the key the
 * rows are found by.  PostgreSQL stores begin at version 10: a new one is
 * made at once by the entry of 10 (the sqlite schema after migration 10);
 * entries 1 to 9 are NULL.  From 11 on every migration has both forms.
 * The version is the one row of mailtrace_schema.
 */
#define PG_TEXT		"TEXT COLLATE \"C\""
#define PG_REC_COLS							\
	"  session BIGINT, seq BIGINT, event BIGINT, level " PG_TEXT ","	\
	"  rc BIGINT, intf " PG_TEXT ", opr " PG_TEXT ", opt " PG_TEXT ","	\
	"  time BIGINT, client " PG_TEXT ", server " PG_TEXT ","		\
	"  source " PG_TEXT ", elapsed_us BIGINT, bytes BIGINT,"		\
	"  body_end BIGINT, anomaly " PG_TEXT ", detail " PG_TEXT ","	\
	"  reply " PG_TEXT ","

static const char *const store_pg_migrations[] = {
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	/* 10: the schema of sqlite's migrations 1 to 10 */
	"CREATE TABLE runs ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  proto " PG_TEXT " NOT NULL,"
	"  target " PG_TEXT " NOT NULL,"
	"  level " PG_TEXT " NOT NULL,"
	"  started BIGINT NOT NULL,"
	"  pid BIGINT NOT NULL,"
	"  finished BIGINT,"
	"  exit_status BIGINT,"
	"  args BYTEA NULL,"
	"  baseline " PG_TEXT " NULL,"
	"  sessions BIGINT NULL,"
	"  steps BIGINT NULL,"
	"  fail_session BIGINT NULL,"
	"  fail_seq BIGINT NULL,"
	"  fail_event BIGINT NULL,"
	"  fail_intf " PG_TEXT " NULL,"
	"  fail_exc " PG_TEXT " NULL,"
	"  summarized BIGINT NOT NULL DEFAULT 0);"
	"CREATE INDEX runs_started ON runs (started);"
	"CREATE TABLE records ("
	"  rowid BIGINT GENERATED ALWAYS AS IDENTITY,"
	"  run BIGINT NOT NULL REFERENCES runs(id),"
	PG_REC_COLS
	"  tls " PG_TEXT " NULL, explanation " PG_TEXT " NULL,"
	"  dns " PG_TEXT " NULL);"
	"CREATE INDEX records_run ON records (run, rowid);"
	"CREATE TABLE event_kind ("
	"  id BIGINT PRIMARY KEY,"
	"  level " PG_TEXT ","
	"  name " PG_TEXT ","
	"  confirmed BIGINT,"
	"  point " PG_TEXT ");"
	"CREATE TABLE baselines ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  name " PG_TEXT " NOT NULL UNIQUE,"
	"  created BIGINT NOT NULL,"
	"  run BIGINT NOT NULL,"
	"  proto " PG_TEXT " NOT NULL,"
	"  target " PG_TEXT " NOT NULL,"
	"  level " PG_TEXT " NOT NULL,"
	"  args BYTEA NULL,"
	"  nruns BIGINT NOT NULL DEFAULT 1,"
	"  ignore_counts BIGINT NOT NULL DEFAULT 0,"
	"  ignore BYTEA NULL);"
	"CREATE TABLE baseline_steps ("
	"  rowid BIGINT GENERATED ALWAYS AS IDENTITY,"
	"  baseline BIGINT NOT NULL REFERENCES baselines(id),"
	PG_REC_COLS
	"  elapsed_spread BIGINT NULL, tls " PG_TEXT " NULL,"
	"  explanation " PG_TEXT " NULL, dns " PG_TEXT " NULL);"
	"CREATE INDEX baseline_steps_b ON baseline_steps (baseline, rowid);"
	"CREATE TABLE run_servers ("
	"  server " PG_TEXT " NOT NULL,"
	"  run BIGINT NOT NULL REFERENCES runs(id),"
	"  PRIMARY KEY (server, run));",
};

_Static_assert(sizeof(store_pg_migrations) / sizeof(store_pg_migrations[0]) ==
    STORE_SCHEMA_VERSION, "every migration has its PostgreSQL form");

/*
 * The advisory lock that makes PostgreSQL openers take turns at the schema
 * (migrations, event_kind): held until the transaction ends.
 */
#define STORE_PG_LOCK	"SELECT pg_advisory_xact_lock(7164197143)"

struct store {
	struct db	*db;
	char		*path;
	bool		 in_txn;	/* a record batch is open */
	bool		 hold;		/* commits held for store_sync() */
	struct db_stmt	*stmt[STMT__COUNT];
};

struct db *
store_db(struct store *st)
{
	return st->db;
}

/* The text columns of a record, in the order of store_row.text[]. */
enum { ROW_INTF, ROW_OPR, ROW_OPT, ROW_CLIENT, ROW_SERVER, ROW_DETAIL,
    ROW_REPLY, ROW_EXPL, ROW_TLS, ROW__TEXTS };
#define STORE_ROW_TEXT	(4 * MT_FIELD_HARD + MT_OPR_HARD + 2 * MT_ADDR_HARD + \
	MT_EXPLAIN_HARD + STORE_TLS_TEXT_MAX)

/*
 * A record held for the next batch: its numbers, and its strings copied
 * into the sink's arena (a record is 2 KiB of mostly empty arrays).
 */
struct store_row {
	uint64_t	 run;
	uint64_t	 session;
	uint32_t	 seq;
	unsigned	 event;
	char		 level;
	int		 rc;
	mt_time		 time;
	enum rec_source	 source;
	bool		 has_elapsed;
	int64_t		 elapsed_us;
	bool		 has_bytes;
	uint64_t	 bytes;
	mt_time		 body_end;
	enum an		 anomaly;
	enum dnsq	 dns;
	const char	*text[ROW__TEXTS];
	int		 len[ROW__TEXTS];
};

struct store_sink {
	struct sink	 base;		/* first: the tracer sees only this */
	struct store	*st;
	unsigned	 uncommitted;	/* records since the last commit */
	unsigned	 nbatch;
	size_t		 used;		/* of arena */
	struct store_row batch[STORE_BATCH];	/* not yet inserted */
	char		 arena[STORE_BATCH * STORE_ROW_TEXT];
};

static int	store_commit_now(struct store *, struct mt_err *);
static int	store_exec(struct store *, const char *, const char *,
		    struct mt_err *);
static int	store_open_as(const char *, bool, struct store **,
		    struct mt_err *);
static int	store_mkparents(const char *, struct mt_err *);
static char	*store_args_pack(const struct run_info *, size_t *);
static int	store_user_version(struct store *, int *, struct mt_err *);
static int	store_migrate(struct store *, struct mt_err *);
static int	store_catalog_same(struct store *, bool *, struct mt_err *);
static int	store_catalog(struct store *, struct mt_err *);
static int	store_sink_rec(struct sink *, const struct trace_rec *,
		    struct mt_err *);
static int	store_sink_flush(struct sink *, struct mt_err *);
static void	store_sink_close(struct sink *);
static int	store_run_summary(struct store *, uint64_t, struct mt_err *);

/* MT_E_STORE with the path, what failed and the engine's message. */
int
store_fail(struct store *st, const char *what, struct mt_err *err)
{
	return mt_err_set(err, MT_E_STORE, "store %s: %s: %s", st->path, what,
	    db_errmsg(st->db));
}

static int
store_exec(struct store *st, const char *sql, const char *what,
    struct mt_err *err)
{
	if (db_exec(st->db, sql) != 0)
		return store_fail(st, what, err);
	return 0;
}

/* End a failed transaction, if one is open. */
static void
store_rollback(struct store *st)
{
	if (db_in_txn(st->db))
		(void)db_exec(st->db, "ROLLBACK");
}

/* mkdir -p of every directory above the file named by path. */
static int
store_mkparents(const char *path, struct mt_err *err)
{
	struct stat	 sb;
	char		*buf, *p;
	size_t		 n;
	int		 rc = 0, e;

	n = strlen(path);
	if ((buf = malloc(n + 1)) == NULL)
		return mt_err_set(err, MT_E_INTERNAL, "store: out of memory");
	memcpy(buf, path, n + 1);
	for (p = buf + 1; (p = strchr(p, '/')) != NULL; p++) {
		if (p[-1] == '/')
			continue;	/* "a//b" */
		*p = '\0';
		/*
		 * A directory that is there already is fine, whatever mkdir
		 * said (EEXIST, or EACCES/EROFS where it exists); otherwise
		 * report mkdir's own errno, not the stat's after it (ENOENT),
		 * and for a file in the way, that it is not a directory.
		 */
		if (mkdir(buf, 0700) != 0) {
			e = errno;
			if (stat(buf, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
				rc = mt_err_set(err, MT_E_STORE,
				    "store %s: cannot create directory %s: %s",
				    path, buf, strerror(e == EEXIST ? ENOTDIR :
				    e));
				break;
			}
		}
		*p = '/';
	}
	free(buf);
	return rc;
}

/*
 * The schema version: sqlite's user_version, or the one row of
 * PostgreSQL's mailtrace_schema (none, or no table: 0).
 */
static int
store_user_version(struct store *st, int *v, struct mt_err *err)
{
	struct db_stmt	*s;
	int		 rc;

	*v = 0;
	if (db_prepare(st->db, db_kind(st->db) == DB_SQLITE ?
	    "PRAGMA user_version" : "SELECT version FROM mailtrace_schema",
	    &s) != 0)
		return store_fail(st, "reading the schema version", err);
	rc = db_step(s);
	if (rc == DB_ROW)
		*v = (int)db_col_int64(s, 0);
	db_finalize(s);
	if (rc == DB_ERR || (rc == DB_DONE && db_kind(st->db) == DB_SQLITE))
		return store_fail(st, "reading the schema version", err);
	return 0;
}

/* The schema version after migration v (a number of our own, no data). */
static int
store_set_version(struct store *st, int v, struct mt_err *err)
{
	char	sql[96];

	if (db_kind(st->db) == DB_SQLITE)
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
	else
		snprintf(sql, sizeof(sql), "DELETE FROM mailtrace_schema; "
		    "INSERT INTO mailtrace_schema VALUES (%d)", v);
	return store_exec(st, sql, "migrating the schema", err);
}

/*
 * A write transaction that has the schema to itself: sqlite's BEGIN
 * IMMEDIATE takes the write lock; PostgreSQL openers take turns at an
 * advisory lock (so that several first uses at once never apply a
 * migration twice nor write event_kind together).
 */
static int
store_begin_schema(struct store *st, const char *what, struct mt_err *err)
{
	if (db_begin(st->db) != 0)
		return store_fail(st, what, err);
	if (db_kind(st->db) == DB_PG && (store_exec(st, STORE_PG_LOCK, what,
	    err) != 0 || store_exec(st, "CREATE TABLE IF NOT EXISTS "
	    "mailtrace_schema (version BIGINT NOT NULL)", what, err) != 0)) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

static int
store_migrate(struct store *st, struct mt_err *err)
{
	const char *const	*m = db_kind(st->db) == DB_SQLITE ?
				    store_migrations : store_pg_migrations;
	int			 v, i;

	/* (PostgreSQL: no table yet reads as an error; the lock's turn tells) */
	if (store_user_version(st, &v, err) == 0 && v == STORE_NMIGRATIONS)
		return 0;
	mt_err_clear(err);
	if (store_begin_schema(st, "migrating the schema", err) != 0)
		return -1;
	/* Re-read under the write lock: another process may have migrated. */
	if (store_user_version(st, &v, err) != 0)
		goto fail;
	if (v > STORE_NMIGRATIONS) {
		mt_err_set(err, MT_E_STORE, "store %s: schema version %d is "
		    "newer than this mailtrace (%d)", st->path, v,
		    STORE_NMIGRATIONS);
		goto fail;
	}
	for (i = v; i < STORE_NMIGRATIONS; i++) {
		if (m[i] != NULL && store_exec(st, m[i], "migrating the schema",
		    err) != 0)
			goto fail;
		if (db_kind(st->db) == DB_SQLITE &&
		    store_set_version(st, i + 1, err) != 0)
			goto fail;
	}
	if ((db_kind(st->db) == DB_PG && v < STORE_NMIGRATIONS &&
	    store_set_version(st, STORE_NMIGRATIONS, err) != 0) ||
	    store_exec(st, "COMMIT", "migrating the schema", err) != 0)
		goto fail;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

/* Does event_kind hold exactly ev_catalog()?  (Avoids a write per open.) */
static int
store_catalog_same(struct store *st, bool *same, struct mt_err *err)
{
	const struct ev_info	*ev;
	struct db_stmt		*s;
	size_t			 n, i;
	char			 lvl[2];
	int			 rc;

	ev = ev_catalog(&n);
	*same = false;
	if (db_prepare(st->db, "SELECT count(*) FROM event_kind", &s) != 0)
		return store_fail(st, "reading event_kind", err);
	rc = db_step(s);
	if (rc == DB_ROW && db_col_int64(s, 0) != (int64_t)n) {
		db_finalize(s);
		return 0;
	}
	db_finalize(s);
	if (rc != DB_ROW)
		return store_fail(st, "reading event_kind", err);
	if (db_prepare(st->db, "SELECT 1 FROM event_kind WHERE id = ?1 "
	    "AND level = ?2 AND name = ?3 AND confirmed = ?4 AND point = ?5",
	    &s) != 0)
		return store_fail(st, "reading event_kind", err);
	for (i = 0; i < n; i++) {
		lvl[0] = ev[i].level;
		lvl[1] = '\0';
		db_bind_int64(s, 1, (int64_t)ev[i].id);
		store_bind_text(s, 2, lvl);
		store_bind_text(s, 3, ev[i].name);
		db_bind_int64(s, 4, ev[i].confirmed ? 1 : 0);
		store_bind_text(s, 5, ev[i].point);
		rc = db_step(s);
		db_reset(s);
		db_clear_bindings(s);
		if (rc == DB_DONE)
			break;
		if (rc != DB_ROW) {
			db_finalize(s);
			return store_fail(st, "reading event_kind", err);
		}
	}
	db_finalize(s);
	*same = i == n;
	return 0;
}

/* Rewrite event_kind from the catalog (events/mail.def) when it differs. */
static int
store_catalog(struct store *st, struct mt_err *err)
{
	const struct ev_info	*ev;
	struct db_stmt		*s = NULL;
	size_t			 n, i;
	char			 lvl[2];
	bool			 same;

	if (store_catalog_same(st, &same, err) != 0)
		return -1;
	if (same)
		return 0;
	ev = ev_catalog(&n);
	if (store_begin_schema(st, "writing event_kind", err) != 0)
		return -1;
	if (store_exec(st, "DELETE FROM event_kind", "writing event_kind",
	    err) != 0)
		goto fail;
	if (db_prepare(st->db, "INSERT INTO event_kind "
	    "(id, level, name, confirmed, point) VALUES (?1, ?2, ?3, ?4, ?5)",
	    &s) != 0) {
		store_fail(st, "writing event_kind", err);
		goto fail;
	}
	for (i = 0; i < n; i++) {
		lvl[0] = ev[i].level;
		lvl[1] = '\0';
		db_bind_int64(s, 1, (int64_t)ev[i].id);
		store_bind_text(s, 2, lvl);
		store_bind_text(s, 3, ev[i].name);
		db_bind_int64(s, 4, ev[i].confirmed ? 1 : 0);
		store_bind_text(s, 5, ev[i].point);
		if (db_step(s) != DB_DONE) {
			store_fail(st, "writing event_kind", err);
			goto fail;
		}
		db_reset(s);
		db_clear_bindings(s);
	}
	db_finalize(s);
	s = NULL;
	if (store_exec(st, "COMMIT", "writing event_kind", err) != 0)
		goto fail;
	return 0;
fail:
	db_finalize(s);
	store_rollback(st);
	return -1;
}

/*
 * The batch insert: STMT_REC_INS's columns with STORE_BATCH rows of
 * placeholders (no data is ever formatted into SQL).
 */
static const char *
store_batch_sql(char *buf)
{
	static const char	 head[] = "INSERT INTO records (run, session, "
	    "seq, event, level, rc, intf, opr, opt, time, client, server, "
	    "source, elapsed_us, bytes, body_end, anomaly, detail, reply, tls, "
	    "explanation, dns) VALUES ";
	char			*w = buf;
	int			 r, c;

	memcpy(w, head, sizeof(head) - 1);
	w += sizeof(head) - 1;
	for (r = 0; r < STORE_BATCH; r++) {
		*w++ = r ? ',' : '(';
		if (r)
			*w++ = '(';
		for (c = 0; c < STORE_REC_COLS; c++) {
			*w++ = '?';
			*w++ = c + 1 < STORE_REC_COLS ? ',' : ')';
		}
	}
	*w = '\0';
	return buf;
}

#define STORE_BATCH_SQL_SZ	(256 + STORE_BATCH * (3 + 2 * STORE_REC_COLS))

int
store_open(const char *path, struct store **out, struct mt_err *err)
{
	return store_open_as(path, true, out, err);
}

int
store_open_existing(const char *path, struct store **out, struct mt_err *err)
{
	struct stat	sb;

	*out = NULL;
	if (path == NULL || path[0] == '\0')
		return mt_err_set(err, MT_E_STORE, "store: no database path");
	if (db_is_pg_url(path))
		return store_open_as(path, false, out, err);
	if (stat(path, &sb) != 0) {
		if (errno == ENOENT)
			return mt_err_set(err, MT_E_USAGE, "store %s does not "
			    "exist", path);
		return mt_err_set(err, MT_E_STORE, "store %s: %s", path,
		    strerror(errno));
	}
	if (S_ISDIR(sb.st_mode))
		return mt_err_set(err, MT_E_STORE, "store %s: %s", path,
		    strerror(EISDIR));
	return store_open_as(path, false, out, err);
}

/*
 * A PostgreSQL database a reader opens must hold a store already: its
 * version table is there (nothing is created otherwise).
 */
static int
store_pg_exists(struct store *st, struct mt_err *err)
{
	struct db_stmt	*s;
	int		 rc;
	bool		 there = false;

	if (db_prepare(st->db, "SELECT to_regclass('mailtrace_schema') IS NOT "
	    "NULL", &s) != 0)
		return store_fail(st, "reading the schema", err);
	if ((rc = db_step(s)) == DB_ROW)
		there = db_col_int64(s, 0) != 0;
	db_finalize(s);
	if (rc != DB_ROW)
		return store_fail(st, "reading the schema", err);
	if (!there)
		return mt_err_set(err, MT_E_USAGE, "store %s does not exist "
		    "(no mailtrace tables in that database)", st->path);
	return 0;
}

/*
 * store_open(), creating the file and its directories (sqlite) or the
 * tables (PostgreSQL) only when create.
 */
static int
store_open_as(const char *path, bool create, struct store **out,
    struct mt_err *err)
{
	struct store	*st;
	char		 batch_sql[STORE_BATCH_SQL_SZ];
	size_t		 n;
	int		 i;

	*out = NULL;
	if (path == NULL || path[0] == '\0')
		return mt_err_set(err, MT_E_STORE, "store: no database path");
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return mt_err_set(err, MT_E_INTERNAL, "store: out of memory");
	n = strlen(path);
	if ((st->path = malloc(n + 1)) == NULL) {
		free(st);
		return mt_err_set(err, MT_E_INTERNAL, "store: out of memory");
	}
	memcpy(st->path, path, n + 1);
	if (db_is_pg_url(path)) {
		if (db_open_pg(path, &st->db, err) != 0 ||
		    (!create && store_pg_exists(st, err) != 0))
			goto fail;
	} else {
		if (create && strcmp(path, ":memory:") != 0 &&
		    store_mkparents(path, err) != 0)
			goto fail;
		if (db_open_sqlite(path, create, &st->db, err) != 0)
			goto fail;
	}
	if (store_migrate(st, err) != 0 || store_catalog(st, err) != 0)
		goto fail;
	/*
	 * sqlite: the journal of a statement (a batch insert needs one, to
	 * undo a half-done batch) stays in memory rather than in a temporary
	 * file.  Set after the migrations: a sort there (building an index
	 * of an old store's records) spills to temporary files only while
	 * this is not set, and would otherwise hold every row in memory.
	 * Nothing after them sorts (store_replay_sql() reads in index order).
	 */
	if (db_kind(st->db) == DB_SQLITE && store_exec(st,
	    "PRAGMA temp_store = MEMORY", "tuning the store", err) != 0)
		goto fail;
	for (i = 0; i < STMT__COUNT; i++)
		if (db_prepare(st->db, store_sql[i] != NULL ? store_sql[i] :
		    store_batch_sql(batch_sql), &st->stmt[i]) != 0) {
			store_fail(st, "preparing a statement", err);
			goto fail;
		}
	/* A replay holds one row at a time, however long the run. */
	db_stream(st->stmt[STMT_REC_ALL]);
	*out = st;
	return 0;
fail:
	store_close(st);
	return -(int)(err != NULL ? err->code : MT_E_STORE);
}

void
store_close(struct store *st)
{
	int	i;

	if (st == NULL)
		return;
	if (st->in_txn)
		store_commit_now(st, NULL);
	for (i = 0; i < STMT__COUNT; i++)
		db_finalize(st->stmt[i]);
	db_close(st->db);
	free(st->path);
	free(st);
}

const char *
store_replay_sql(void)
{
	return store_sql[STMT_REC_ALL];
}

const char *
store_path(const struct store *st)
{
	return st->path;
}

const char *
store_default_path(char *buf, size_t sz)
{
	const char	*v;
	int		 n;

	if ((v = getenv("MAILTRACE_DB")) != NULL && v[0] != '\0')
		n = snprintf(buf, sz, "%s", v);
	else if ((v = getenv("XDG_DATA_HOME")) != NULL && v[0] == '/')
		n = snprintf(buf, sz, "%s/mailtrace/mailtrace.db", v);
	else if ((v = getenv("HOME")) != NULL && v[0] != '\0')
		n = snprintf(buf, sz, "%s/.local/share/mailtrace/mailtrace.db",
		    v);
	else
		return NULL;
	if (n < 0 || (size_t)n >= sz)
		return NULL;
	return buf;
}

/* Commit the open record batch, if any, whether commits are held or not. */
static int
store_commit_now(struct store *st, struct mt_err *err)
{
	if (!st->in_txn)
		return 0;
	st->in_txn = false;
	if (db_exec(st->db, "COMMIT") != 0) {
		store_fail(st, "committing records", err);
		/* A failed COMMIT can leave the transaction open. */
		store_rollback(st);
		return -1;
	}
	return 0;
}

/* Commit the open record batch, unless commits are held (store_sync()). */
int
store_commit(struct store *st, struct mt_err *err)
{
	if (st->hold)
		return 0;
	return store_commit_now(st, err);
}

/* With commits held, what is written goes into the one open transaction. */
static int
store_txn_open(struct store *st, struct mt_err *err)
{
	if (!st->hold || st->in_txn)
		return 0;
	if (store_exec(st, "BEGIN", "starting a record batch", err) != 0)
		return -1;
	st->in_txn = true;
	return 0;
}

void
store_hold_commits(struct store *st, bool hold)
{
	st->hold = hold;
}

int
store_sync(struct store *st, struct mt_err *err)
{
	return store_commit_now(st, err);
}

bool
store_uncommitted(const struct store *st)
{
	return st->in_txn;
}

/* Bind a NUL-terminated string (NULL: SQL NULL); it must outlive the step. */
void
store_bind_text(struct db_stmt *s, int i, const char *v)
{
	db_bind_text(s, i, v, -1);
}

/* Copy a text column (NULL: "") into dst; false when it did not fit. */
bool
store_col_text(struct db_stmt *s, int i, char *dst, size_t sz)
{
	const char	*t;
	size_t		 n;

	t = db_col_text(s, i);
	if (t == NULL) {
		dst[0] = '\0';
		return true;
	}
	n = db_col_bytes(s, i);
	if (n >= sz) {
		memcpy(dst, t, sz - 1);
		dst[sz - 1] = '\0';
		return false;
	}
	memcpy(dst, t, n);
	dst[n] = '\0';
	return true;
}

int
store_run_begin(struct store *st, struct run_info *ri, struct mt_err *err)
{
	struct db_stmt	*s = st->stmt[STMT_RUN_INS];
	const char	*proto = ri->proto != NULL ? ri->proto : "";
	const char	*target = ri->target != NULL ? ri->target : "";
	const char	*level = ri->level != NULL ? ri->level : "";
	char		*args;
	size_t		 alen;
	int		 rc;

	if (strlen(proto) >= STORE_NAME_HARD ||
	    strlen(level) >= STORE_NAME_HARD ||
	    strlen(target) >= STORE_TARGET_HARD)
		return mt_err_set(err, MT_E_USAGE, "store %s: run description "
		    "too long (target at most %d bytes)", st->path,
		    STORE_TARGET_HARD - 1);
	if (store_commit(st, err) != 0 || store_txn_open(st, err) != 0)
		return -1;
	store_bind_text(s, 1, proto);
	store_bind_text(s, 2, target);
	store_bind_text(s, 3, level);
	db_bind_int64(s, 4, ri->started);
	db_bind_int64(s, 5, ri->pid);
	if ((args = store_args_pack(ri, &alen)) == NULL && ri->argc > 0)
		return mt_err_set(err, MT_E_INTERNAL, "store: out of memory");
	db_bind_blob(s, 6, args, alen);		/* (copied) */
	free(args);
	store_bind_text(s, 7, ri->baseline);
	rc = db_step(s);
	if (rc == DB_ROW)
		ri->run = (uint64_t)db_col_int64(s, 0);
	db_reset(s);
	db_clear_bindings(s);
	if (rc != DB_ROW)
		return store_fail(st, "inserting a run", err);
	return 0;
}

/*
 * The run's arguments as stored: each followed by a NUL, in order.  NULL
 * when there are none (or out of memory, when there are).
 */
static char *
store_args_pack(const struct run_info *ri, size_t *len)
{
	char	*b;
	size_t	 n = 0, o = 0, l;
	int	 i;

	*len = 0;
	if (ri->argc <= 0 || ri->argv == NULL)
		return NULL;
	for (i = 0; i < ri->argc; i++)
		n += strlen(ri->argv[i]) + 1;
	if ((b = malloc(n)) == NULL)
		return NULL;
	for (i = 0; i < ri->argc; i++) {
		l = strlen(ri->argv[i]) + 1;
		memcpy(b + o, ri->argv[i], l);
		o += l;
	}
	*len = n;
	return b;
}

int
store_run_args(struct store *st, uint64_t run,
    int (*fn)(void *, const char *), void *arg, struct mt_err *err)
{
	struct db_stmt	*s = st->stmt[STMT_RUN_ARGS];
	const char	*b, *e, *nul;
	int		 rc, fr = 0;

	db_bind_int64(s, 1, (int64_t)run);
	rc = db_step(s);
	if (rc == DB_ROW) {
		b = db_col_blob(s, 0);
		e = b + db_col_bytes(s, 0);
		/* Every argument ends in a NUL; a damaged tail is not one. */
		while (fr == 0 && b != NULL && b < e &&
		    (nul = memchr(b, '\0', (size_t)(e - b))) != NULL) {
			fr = fn(arg, b);
			b = nul + 1;
		}
	} else if (rc == DB_DONE)
		fr = mt_err_set(err, MT_E_USAGE, "no run %llu",
		    (unsigned long long)run);
	else
		fr = store_fail(st, "reading the run's arguments", err);
	db_reset(s);
	db_clear_bindings(s);
	return fr;
}

int
store_run_end(struct store *st, uint64_t run, int exit_status,
    mt_time finished, struct mt_err *err)
{
	struct db_stmt	*s = st->stmt[STMT_RUN_END];
	int		 rc;

	if (store_commit(st, err) != 0 || store_txn_open(st, err) != 0)
		return -1;
	/*
	 * The end status and the summary together, or neither: a transaction
	 * of its own, or with commits held a savepoint in the open one.
	 */
	if (st->hold ? store_exec(st, "SAVEPOINT run_end", "ending a run",
	    err) != 0 : db_begin(st->db) != 0 ? store_fail(st, "ending a run",
	    err) != 0 : false)
		return -1;
	db_bind_int64(s, 1, finished);
	db_bind_int64(s, 2, exit_status);
	db_bind_int64(s, 3, (int64_t)run);
	rc = db_step(s);
	db_reset(s);
	db_clear_bindings(s);
	if (rc == DB_ERR) {
		store_fail(st, "ending a run", err);
		goto fail;
	}
	if (rc == DB_DONE) {	/* (RETURNING: a row when there was a run) */
		mt_err_set(err, MT_E_USAGE, "no run %llu in %s",
		    (unsigned long long)run, st->path);
		goto fail;
	}
	if (store_run_summary(st, run, err) != 0 ||
	    store_exec(st, st->hold ? "RELEASE run_end" : "COMMIT",
	    "ending a run", err) != 0)
		goto fail;
	return 0;
fail:
	if (st->hold) {
		/* (the records before it stay in the open transaction) */
		(void)db_exec(st->db, "ROLLBACK TO run_end");
		(void)db_exec(st->db, "RELEASE run_end");
	} else
		store_rollback(st);
	return -1;
}

/*
 * The run's summary columns and its servers (migration 10), from its
 * records: each statement reads the run's rows by records_run.
 */
static int
store_run_summary(struct store *st, uint64_t run, struct mt_err *err)
{
	static const enum store_stmt	 k[] = { STMT_RUN_SUM, STMT_RUN_FAIL,
					    STMT_RUN_SRV };
	struct db_stmt			*s;
	size_t				 i;
	int				 rc;

	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		s = st->stmt[k[i]];
		db_bind_int64(s, 1, (int64_t)run);
		rc = db_step(s);
		db_reset(s);
		db_clear_bindings(s);
		if (rc != DB_DONE)
			return store_fail(st, "summarizing a run", err);
	}
	return 0;
}

struct sink *
store_sink(struct store *st)
{
	struct store_sink	*ss;

	/*
	 * Only the head is cleared: the held rows and the arena (about
	 * 100 KiB) are written before they are read, and clearing them cost
	 * a batch a fifth of each session's instructions.
	 */
	if ((ss = malloc(sizeof(*ss))) == NULL)
		return NULL;
	memset(ss, 0, offsetof(struct store_sink, batch));
	ss->base.rec = store_sink_rec;
	ss->base.flush = store_sink_flush;
	ss->base.close = store_sink_close;
	ss->st = st;
	return &ss->base;
}

/* Bind a held text, "" as well: only the columns below may be NULL. */
static void
store_bind_row_text(struct db_stmt *s, int i, const struct store_row *w, int k)
{
	db_bind_text(s, i, w->text[k], w->len[k]);
}

/* Bind w's 22 columns to parameters base+1 ... base+22 of s. */
static void
store_bind_rec(struct db_stmt *s, int base, const struct store_row *w)
{
	/* uint64 values go through int64 and back unchanged. */
	db_bind_int64(s, base + 1, (int64_t)w->run);
	db_bind_int64(s, base + 2, (int64_t)w->session);
	db_bind_int64(s, base + 3, (int64_t)w->seq);
	db_bind_int64(s, base + 4, (int64_t)w->event);
	db_bind_text(s, base + 5, &w->level, w->level ? 1 : 0);
	db_bind_int64(s, base + 6, w->rc);
	store_bind_row_text(s, base + 7, w, ROW_INTF);
	store_bind_row_text(s, base + 8, w, ROW_OPR);
	store_bind_row_text(s, base + 9, w, ROW_OPT);
	db_bind_int64(s, base + 10, w->time);
	store_bind_row_text(s, base + 11, w, ROW_CLIENT);
	store_bind_row_text(s, base + 12, w, ROW_SERVER);
	db_bind_text(s, base + 13, w->source == REC_PCAP ? "pcap" :
	    "probe", -1);
	if (w->has_elapsed)
		db_bind_int64(s, base + 14, w->elapsed_us);
	else
		db_bind_null(s, base + 14, DB_INT);
	if (w->has_bytes) {
		db_bind_int64(s, base + 15, (int64_t)w->bytes);
		db_bind_int64(s, base + 16, w->body_end);
	} else {
		db_bind_null(s, base + 15, DB_INT);
		db_bind_null(s, base + 16, DB_INT);
	}
	if (w->anomaly != AN_NONE)
		db_bind_text(s, base + 17, an_name(w->anomaly), -1);
	else
		db_bind_null(s, base + 17, DB_TEXT);
	if (w->len[ROW_DETAIL] > 0)
		store_bind_row_text(s, base + 18, w, ROW_DETAIL);
	else
		db_bind_null(s, base + 18, DB_TEXT);
	if (w->len[ROW_REPLY] > 0)
		store_bind_row_text(s, base + 19, w, ROW_REPLY);
	else
		db_bind_null(s, base + 19, DB_TEXT);
	if (w->len[ROW_TLS] > 0)
		store_bind_row_text(s, base + 20, w, ROW_TLS);
	else
		db_bind_null(s, base + 20, DB_TEXT);
	if (w->len[ROW_EXPL] > 0)
		store_bind_row_text(s, base + 21, w, ROW_EXPL);
	else
		db_bind_null(s, base + 21, DB_TEXT);
	if (w->dns != DNSQ_NONE)
		db_bind_text(s, base + 22, dnsq_name(w->dns), -1);
	else
		db_bind_null(s, base + 22, DB_TEXT);
}

/* Hold r for the next batch (the batch has room). */
static void
store_sink_hold(struct store_sink *ss, const struct trace_rec *r)
{
	struct store_row	*w = &ss->batch[ss->nbatch++];
	const char		*src[ROW__TEXTS] = { r->intf, r->opr, r->opt,
				    r->client, r->server, r->detail, r->reply,
				    r->explanation, "" };
	const size_t		 cap[ROW__TEXTS] = { sizeof(r->intf),
				    sizeof(r->opr), sizeof(r->opt),
				    sizeof(r->client), sizeof(r->server),
				    sizeof(r->detail), sizeof(r->reply),
				    sizeof(r->explanation), 1 };
	int			 k;

	w->run = r->run;
	w->session = r->session;
	w->seq = r->seq;
	w->event = r->event;
	w->level = r->level;
	w->rc = r->rc;
	w->time = r->time;
	w->source = r->source;
	w->has_elapsed = r->has_elapsed;
	w->elapsed_us = r->elapsed_us;
	w->has_bytes = r->has_bytes;
	w->bytes = r->bytes;
	w->body_end = r->body_end;
	w->anomaly = r->anomaly;
	w->dns = r->dns;
	/* Each string is shorter than its array: the arena has room. */
	for (k = 0; k < ROW_TLS; k++) {
		size_t	n = strnlen(src[k], cap[k] - 1);

		memcpy(ss->arena + ss->used, src[k], n);
		w->text[k] = ss->arena + ss->used;
		w->len[k] = (int)n;
		ss->used += n;
	}
	/* The facts' object is at most STORE_TLS_TEXT_MAX with its NUL. */
	w->text[ROW_TLS] = ss->arena + ss->used;
	w->len[ROW_TLS] = 0;
	if (r->has_tls) {
		w->len[ROW_TLS] = (int)store_tls_text(ss->arena + ss->used,
		    &r->tls);
		ss->used += (size_t)w->len[ROW_TLS] + 1;
	}
}

/* Run s (every parameter bound); reset it for the next binding. */
static int
store_step_insert(struct store *st, struct db_stmt *s, struct mt_err *err)
{
	int	rc;

	if (!st->in_txn) {
		if (store_exec(st, "BEGIN", "starting a record batch",
		    err) != 0)
			return -1;
		st->in_txn = true;
	}
	/* A bad row costs only itself: the batch goes on (db.h). */
	rc = db_step_atomic(s);
	db_reset(s);	/* every parameter is bound again next time */
	if (rc != DB_DONE)
		return store_fail(st, "inserting a record", err);
	return 0;
}

/*
 * Insert the records held: a full batch with one statement, fewer (at a
 * flush) one by one.  When the batch statement fails (sqlite undoes all
 * of it), its rows go in one by one, so one bad row costs only itself.
 * The batch is emptied either way: a failed row is reported once (the
 * first failure), not retried.
 */
static int
store_sink_put(struct store_sink *ss, struct mt_err *err)
{
	struct store	*st = ss->st;
	unsigned	 i, n = ss->nbatch;
	int		 rc = 0;

	ss->nbatch = 0;
	ss->used = 0;
	if (n == STORE_BATCH) {
		for (i = 0; i < n; i++)
			store_bind_rec(st->stmt[STMT_REC_BATCH],
			    (int)i * STORE_REC_COLS, &ss->batch[i]);
		if (store_step_insert(st, st->stmt[STMT_REC_BATCH], NULL) == 0)
			return 0;
	}
	for (i = 0; i < n; i++) {
		struct mt_err	e;

		mt_err_clear(&e);
		store_bind_rec(st->stmt[STMT_REC_INS], 0, &ss->batch[i]);
		if (store_step_insert(st, st->stmt[STMT_REC_INS], &e) != 0 &&
		    rc == 0) {
			rc = -1;
			if (err != NULL)
				*err = e;
		}
	}
	return rc;
}

static int
store_sink_rec(struct sink *sk, const struct trace_rec *r, struct mt_err *err)
{
	struct store_sink	*ss = (struct store_sink *)sk;

	store_sink_hold(ss, r);
	if (ss->nbatch < STORE_BATCH)
		return 0;
	if (store_sink_put(ss, err) != 0)
		return -1;
	/*
	 * A long run commits as it goes: a transaction larger than the page
	 * cache makes sqlite spill and rewrite the same pages many times.
	 */
	ss->uncommitted += STORE_BATCH;
	if (ss->uncommitted < STORE_COMMIT_EVERY)
		return 0;
	ss->uncommitted = 0;
	return store_commit(ss->st, err);
}

static int
store_sink_flush(struct sink *sk, struct mt_err *err)
{
	struct store_sink	*ss = (struct store_sink *)sk;

	if (store_sink_put(ss, err) != 0) {
		store_commit(ss->st, NULL);	/* keep what went in */
		return -1;
	}
	return store_commit(ss->st, err);
}

static void
store_sink_close(struct sink *sk)
{
	struct store_sink	*ss = (struct store_sink *)sk;

	if (ss == NULL)
		return;
	(void)store_sink_put(ss, NULL);
	store_commit(ss->st, NULL);
	free(ss);
}

int
store_last_run(struct store *st, uint64_t *run, struct mt_err *err)
{
	struct db_stmt	*s = st->stmt[STMT_RUN_LAST];
	int		 rc;
	bool		 none = true;

	rc = db_step(s);
	if (rc == DB_ROW && !db_col_null(s, 0)) {
		*run = (uint64_t)db_col_int64(s, 0);
		none = false;
	}
	db_reset(s);
	if (rc != DB_ROW)
		return store_fail(st, "finding the last run", err);
	if (none)
		return mt_err_set(err, MT_E_USAGE, "no runs in %s", st->path);
	return 0;
}

int
store_get_run(struct store *st, uint64_t run, struct store_run *out,
    struct mt_err *err)
{
	struct db_stmt	*s = st->stmt[STMT_RUN_GET];
	bool		 fits;
	int		 rc;

	memset(out, 0, sizeof(*out));
	db_bind_int64(s, 1, (int64_t)run);
	rc = db_step(s);
	if (rc == DB_DONE) {
		db_reset(s);
		return mt_err_set(err, MT_E_USAGE, "no run %llu in %s",
		    (unsigned long long)run, st->path);
	}
	if (rc != DB_ROW) {
		db_reset(s);
		return store_fail(st, "reading a run", err);
	}
	out->id = run;
	fits = store_col_text(s, 0, out->proto, sizeof(out->proto));
	fits &= store_col_text(s, 1, out->target, sizeof(out->target));
	fits &= store_col_text(s, 2, out->level, sizeof(out->level));
	out->started = db_col_int64(s, 3);
	out->pid = (long)db_col_int64(s, 4);
	if (!db_col_null(s, 5)) {
		out->finished_set = true;
		out->finished = db_col_int64(s, 5);
		out->exit_status = (int)db_col_int64(s, 6);
	}
	fits &= store_col_text(s, 7, out->baseline, sizeof(out->baseline));
	db_reset(s);
	if (!fits)
		return mt_err_set(err, MT_E_STORE, "store %s: run %llu: "
		    "a field is longer than mailtrace writes", st->path,
		    (unsigned long long)run);
	out->ri.run = run;
	out->ri.proto = out->proto;
	out->ri.target = out->target;
	out->ri.level = out->level;
	out->ri.started = out->started;
	out->ri.pid = out->pid;
	return 0;
}

/*
 * The record in the current row of s, whose columns are STMT_REC_ALL's
 * (session, seq, event, level, rc, intf, opr, opt, time, client, server,
 * source, elapsed_us, bytes, body_end, anomaly, detail, reply, tls,
 * explanation, dns); r->run
 * is left 0.  False when a text column is longer than its field, or the
 * tls column is not the facts' object (store_tls_parse()).
 */
bool
store_read_rec(struct db_stmt *s, struct trace_rec *r)
{
	char	buf[16];
	bool	fits;

	memset(r, 0, sizeof(*r));
	r->session = (uint64_t)db_col_int64(s, 0);
	r->seq = (uint32_t)db_col_int64(s, 1);
	r->event = (unsigned)db_col_int64(s, 2);
	fits = store_col_text(s, 3, buf, sizeof(buf));
	r->level = buf[0];
	r->rc = (int)db_col_int64(s, 4);
	fits &= store_col_text(s, 5, r->intf, sizeof(r->intf));
	fits &= store_col_text(s, 6, r->opr, sizeof(r->opr));
	fits &= store_col_text(s, 7, r->opt, sizeof(r->opt));
	r->time = db_col_int64(s, 8);
	fits &= store_col_text(s, 9, r->client, sizeof(r->client));
	fits &= store_col_text(s, 10, r->server, sizeof(r->server));
	fits &= store_col_text(s, 11, buf, sizeof(buf));
	r->source = strcmp(buf, "pcap") == 0 ? REC_PCAP : REC_PROBE;
	if (!db_col_null(s, 12)) {
		r->has_elapsed = true;
		r->elapsed_us = db_col_int64(s, 12);
	}
	if (!db_col_null(s, 13)) {
		r->has_bytes = true;
		r->bytes = (uint64_t)db_col_int64(s, 13);
		r->body_end = db_col_int64(s, 14);
	}
	if (!db_col_null(s, 15)) {
		fits &= store_col_text(s, 15, r->detail, sizeof(r->detail));
		r->anomaly = an_by_name(r->detail);
	}
	fits &= store_col_text(s, 16, r->detail, sizeof(r->detail));
	fits &= store_col_text(s, 17, r->reply, sizeof(r->reply));
	if (!db_col_null(s, 18)) {
		r->has_tls = true;
		fits &= store_tls_parse((const char *)db_col_text(s,
		    18), &r->tls);
	}
	fits &= store_col_text(s, 19, r->explanation, sizeof(r->explanation));
	fits &= store_col_text(s, 20, buf, sizeof(buf));
	r->dns = dnsq_by_name(buf);
	return fits;
}

int
store_replay(struct store *st, uint64_t run, struct sink *sk,
    struct mt_err *err)
{
	struct db_stmt		*s = st->stmt[STMT_REC_ALL];
	struct store_run	 sr;
	struct trace_rec	 r;
	bool			 fits;
	int			 rc;

	if (store_get_run(st, run, &sr, err) != 0)
		return -1;
	db_bind_int64(s, 1, (int64_t)run);
	while ((rc = db_step(s)) == DB_ROW) {
		fits = store_read_rec(s, &r);
		r.run = run;
		if (!fits) {
			db_reset(s);
			return mt_err_set(err, MT_E_STORE, "store %s: run %llu: "
			    "record %llu#%lu: a field is longer than mailtrace "
			    "writes", st->path, (unsigned long long)run,
			    (unsigned long long)r.session,
			    (unsigned long)r.seq);
		}
		if (sk->rec(sk, &r, err) != 0) {
			db_reset(s);
			return -1;
		}
	}
	db_reset(s);
	db_clear_bindings(s);
	if (rc != DB_DONE)
		return store_fail(st, "reading records", err);
	return 0;
}
