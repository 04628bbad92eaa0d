/*
 * SPDX-License-Identifier: BSD-2-Clause
 * db_sqlite.c - the database layer's sqlite driver: a thin wrapper of
 * sqlite3's own calls, and the store's settings for a file many processes
 * write (WAL, a busy timeout, foreign keys).
 */
#include "db.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db_int.h"
#include "store.h"

#define DBS_BUSY_MS	5000	/* wait this long for another writer */

struct dbs {
	struct db	 base;		/* first */
	sqlite3		*db;
};

struct dbs_stmt {
	struct db_stmt	 base;		/* first */
	sqlite3_stmt	*s;
};

static const struct db_ops	dbs_ops;

#define DB(d)	(((struct dbs *)(void *)(d))->db)
#define ST(s)	(((struct dbs_stmt *)(void *)(s))->s)

static int	dbs_setup(struct dbs *, const char *, struct mt_err *);
static int	dbs_wal(struct dbs *, const char *, struct mt_err *);

/* An answer of sqlite that another connection's lock caused. */
static bool
dbs_busy(int rc)
{
	return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

int
db_open_sqlite(const char *path, bool create, struct db **out,
    struct mt_err *err)
{
	static bool	 configured;
	struct dbs	*d;
	int		 rc;

	*out = NULL;
	/*
	 * No allocation statistics: they take a global mutex on every one of
	 * sqlite's mallocs.  Only possible before sqlite initialises; a
	 * failure (already initialised) changes nothing else.
	 */
	if (!configured) {
		configured = true;
		(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	}
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return mt_err_set(err, MT_E_INTERNAL, "store: out of memory");
	d->base.ops = &dbs_ops;
	d->base.kind = DB_SQLITE;
	/*
	 * NOMUTEX: a connection is only ever used by one thread at a time
	 * (the decoder's writer thread takes it over, see sink_async_new()),
	 * so sqlite's per-call locking is pure cost.
	 */
	rc = sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READWRITE |
	    (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		mt_err_set(err, MT_E_STORE, "store %s: cannot open: %s", path,
		    d->db != NULL ? sqlite3_errmsg(d->db) : sqlite3_errstr(rc));
		goto fail;
	}
	if (dbs_setup(d, path, err) != 0)
		goto fail;
	*out = &d->base;
	return 0;
fail:
	sqlite3_close(d->db);
	free(d);
	return -1;
}

static int
dbs_pragma(struct dbs *d, const char *path, const char *sql,
    const char *what, struct mt_err *err)
{
	if (sqlite3_exec(d->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return mt_err_set(err, MT_E_STORE, "store %s: %s: %s", path,
		    what, sqlite3_errmsg(d->db));
	return 0;
}

static int
dbs_setup(struct dbs *d, const char *path, struct mt_err *err)
{
	sqlite3_busy_timeout(d->db, DBS_BUSY_MS);
	if (dbs_pragma(d, path, "PRAGMA foreign_keys = ON",
	    "enabling foreign keys", err) != 0)
		return -1;
	/*
	 * NORMAL is WAL's documented setting: a commit survives the process
	 * dying; only a power loss may take the last ones back (set first:
	 * creating a store syncs less).
	 */
	if (dbs_pragma(d, path, "PRAGMA synchronous = NORMAL",
	    "tuning the store", err) != 0)
		return -1;
	/* WAL: "mailtrace show" can read while a probe writes. */
	if (dbs_wal(d, path, err) != 0)
		return -1;
	/*
	 * Copy the log back into the database every 1 MiB rather than 4:
	 * while a decode runs, the copies overlap the decoding; what is left
	 * is copied when the store closes, when nothing else runs (tools/
	 * bench: 250 pages made a 300 MB decode 3% faster than 1000 and 8%
	 * faster than 2000).
	 */
	return dbs_pragma(d, path, "PRAGMA wal_autocheckpoint = 250",
	    "tuning the store", err);
}

/*
 * Switch the database to WAL, waiting for other openers.  Changing the
 * journal mode of a new database takes its exclusive lock; when another
 * connection holds it or is on its way to it (20 probes creating the same
 * store at once), sqlite answers SQLITE_BUSY at once rather than call the
 * busy handler, which could deadlock.  So the wait is here: the pragma is
 * tried again, with a growing pause, for up to DBS_BUSY_MS.  Once one
 * connection has switched, the mode is the file's and the others find it.
 */
static int
dbs_wal(struct dbs *d, const char *path, struct mt_err *err)
{
	sqlite3_stmt	*s;
	int		 rc, waited = 0, pause = 1;

	for (;;) {
		rc = sqlite3_prepare_v2(d->db, "PRAGMA journal_mode = WAL", -1,
		    &s, NULL);
		if (rc == SQLITE_OK) {
			/* A row (the mode now) is success: ":memory:" stays "memory". */
			rc = sqlite3_step(s);
			if (rc != SQLITE_ROW && rc != SQLITE_DONE)
				rc = sqlite3_extended_errcode(d->db);
			sqlite3_finalize(s);
			if (rc == SQLITE_ROW || rc == SQLITE_DONE)
				return 0;
		}
		if (!dbs_busy(rc) || waited >= DBS_BUSY_MS)
			return mt_err_set(err, MT_E_STORE, "store %s: setting "
			    "WAL mode: %s", path, sqlite3_errmsg(d->db));
		sqlite3_sleep(pause);
		waited += pause;
		if (pause < 64)
			pause *= 2;
	}
}

static void
dbs_close(struct db *db)
{
	sqlite3_close(DB(db));
	free(db);
}

static const char *
dbs_errmsg(struct db *db)
{
	return sqlite3_errmsg(DB(db));
}

static bool
dbs_lost(struct db *db)
{
	(void)db;
	return false;
}

static int
dbs_exec(struct db *db, const char *sql)
{
	return sqlite3_exec(DB(db), sql, NULL, NULL, NULL) == SQLITE_OK ? 0 :
	    DB_ERR;
}

static int
dbs_begin(struct db *db)
{
	return dbs_exec(db, "BEGIN IMMEDIATE");
}

static bool
dbs_in_txn(struct db *db)
{
	return !sqlite3_get_autocommit(DB(db));
}

static int
dbs_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
	struct dbs_stmt	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return DB_ERR;
	s->base.ops = &dbs_ops;
	if (sqlite3_prepare_v2(DB(db), sql, -1, &s->s, NULL) != SQLITE_OK) {
		free(s);
		return DB_ERR;
	}
	*out = &s->base;
	return 0;
}

static void
dbs_finalize(struct db_stmt *s)
{
	sqlite3_finalize(ST(s));
	free(s);
}

static void
dbs_bind_int64(struct db_stmt *s, int i, int64_t v)
{
	sqlite3_bind_int64(ST(s), i, (sqlite3_int64)v);
}

static void
dbs_bind_text(struct db_stmt *s, int i, const char *v, int len)
{
	sqlite3_bind_text(ST(s), i, v, len, SQLITE_STATIC);
}

static void
dbs_bind_blob(struct db_stmt *s, int i, const void *v, size_t n)
{
	sqlite3_bind_blob64(ST(s), i, v, (sqlite3_uint64)n, SQLITE_TRANSIENT);
}

static void
dbs_bind_null(struct db_stmt *s, int i, enum db_type t)
{
	(void)t;
	sqlite3_bind_null(ST(s), i);
}

static void
dbs_clear_bindings(struct db_stmt *s)
{
	sqlite3_clear_bindings(ST(s));
}

static int
dbs_step(struct db_stmt *s)
{
	switch (sqlite3_step(ST(s))) {
	case SQLITE_ROW:
		return DB_ROW;
	case SQLITE_DONE:
		return DB_DONE;
	default:
		return DB_ERR;
	}
}

static void
dbs_reset(struct db_stmt *s)
{
	sqlite3_reset(ST(s));
}

static void
dbs_stream(struct db_stmt *s)
{
	(void)s;	/* sqlite steps through its rows anyway */
}

static bool
dbs_col_null(struct db_stmt *s, int i)
{
	return sqlite3_column_type(ST(s), i) == SQLITE_NULL;
}

static int64_t
dbs_col_int64(struct db_stmt *s, int i)
{
	return (int64_t)sqlite3_column_int64(ST(s), i);
}

static const char *
dbs_col_text(struct db_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(ST(s), i);
}

static const void *
dbs_col_blob(struct db_stmt *s, int i)
{
	return sqlite3_column_blob(ST(s), i);
}

static size_t
dbs_col_bytes(struct db_stmt *s, int i)
{
	return (size_t)sqlite3_column_bytes(ST(s), i);
}

static const struct db_ops dbs_ops = {
	.close = dbs_close,
	.errmsg = dbs_errmsg,
	.lost = dbs_lost,
	.exec = dbs_exec,
	.begin = dbs_begin,
	.in_txn = dbs_in_txn,
	.prepare = dbs_prepare,
	.finalize = dbs_finalize,
	.bind_int64 = dbs_bind_int64,
	.bind_text = dbs_bind_text,
	.bind_blob = dbs_bind_blob,
	.bind_null = dbs_bind_null,
	.clear_bindings = dbs_clear_bindings,
	.step = dbs_step,
	.step_atomic = dbs_step,	/* a statement journal undoes it */
	.reset = dbs_reset,
	.stream = dbs_stream,
	.col_null = dbs_col_null,
	.col_int64 = dbs_col_int64,
	.col_text = dbs_col_text,
	.col_blob = dbs_col_blob,
	.col_bytes = dbs_col_bytes,
};

const char *
store_sqlite_version(void)
{
	return sqlite3_libversion();
}
