/*
 * db.h - the one small database layer under the store: a connection to
 * sqlite (the embedded default) or to PostgreSQL (libpq, the shared
 * store), prepared statements with numbered parameters (?1 ... ?N, or a
 * bare ? for the next number; the PostgreSQL driver writes them $1 ... $N),
 * int64/text/blob/NULL binding, rows and their columns.  The store, its
 * baselines and src/query keep their logic once and speak SQL both
 * engines accept; where the dialects differ, store.c holds a table of
 * per-engine variants (docs/formats.md).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * A connection and its statements are used by one thread at a time.
 * Every failure keeps the engine's message for db_errmsg().
 */
#ifndef MT_STORE_DB_H
#define MT_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mt.h"

enum db_kind {
	DB_SQLITE,
	DB_PG
};

/* What a NULL stands for (PostgreSQL types every parameter). */
enum db_type {
	DB_INT,
	DB_TEXT,
	DB_BLOB
};

/* db_step()'s answers. */
#define DB_ROW	1	/* a row: read its columns */
#define DB_DONE	0	/* no (more) rows; a write went in */
#define DB_ERR	(-1)	/* db_errmsg() says why */

struct db;
struct db_stmt;

/*
 * A connection to the sqlite file at path (":memory:" too), created when
 * create (its directories are the caller's), with the store's settings:
 * foreign keys, WAL (waiting for other openers), synchronous NORMAL, a
 * busy timeout.  On failure *out is NULL and err says why (MT_E_STORE,
 * the path in the message).
 */
int		 db_open_sqlite(const char *path, bool create, struct db **out,
		    struct mt_err *err);
/*
 * A connection to the PostgreSQL database at url (a libpq connection
 * URI, "postgresql://USER@HOST[:PORT]/DB"; passwords are libpq's own:
 * ~/.pgpass, PGPASSFILE).  A URL carrying a password is refused
 * (MT_E_USAGE; the password is never repeated); a server that cannot be
 * reached is MT_E_STORE with libpq's reason.
 */
int		 db_open_pg(const char *url, struct db **out,
		    struct mt_err *err);
/* Is s a PostgreSQL URL ("postgresql://" or "postgres://")? */
bool		 db_is_pg_url(const char *s);
/* Close (NULL-safe); statements must be finalized first. */
void		 db_close(struct db *);
enum db_kind	 db_kind(const struct db *);
/* The last failure's message (one line); valid until the next call. */
const char	*db_errmsg(struct db *);
/* The connection to the server is gone (PostgreSQL; sqlite: never). */
bool		 db_lost(struct db *);

/* Run sql (no parameters, one or more statements): 0 or DB_ERR. */
int		 db_exec(struct db *, const char *sql);
/* Begin a write transaction (sqlite: BEGIN IMMEDIATE, the write lock). */
int		 db_begin(struct db *);
/* A transaction is open (or failed and waits for ROLLBACK). */
bool		 db_in_txn(struct db *);

int		 db_prepare(struct db *, const char *sql, struct db_stmt **out);
void		 db_finalize(struct db_stmt *);	/* NULL-safe */

/*
 * Bind parameter i (from 1).  Text is used where it is (it must stay
 * valid until the statement is reset; len -1: up to its NUL), a blob is
 * copied; v NULL binds NULL of that type.
 */
void		 db_bind_int64(struct db_stmt *, int i, int64_t v);
void		 db_bind_text(struct db_stmt *, int i, const char *v, int len);
void		 db_bind_blob(struct db_stmt *, int i, const void *v, size_t n);
void		 db_bind_null(struct db_stmt *, int i, enum db_type);
/* Every parameter NULL again (their types stay). */
void		 db_clear_bindings(struct db_stmt *);

/*
 * Run the statement (the first call) and go to its next row: DB_ROW,
 * DB_DONE or DB_ERR.  db_step_atomic(): a failure undoes only this
 * statement and the open transaction goes on (sqlite does so anyway;
 * PostgreSQL gets a savepoint around it).
 */
int		 db_step(struct db_stmt *);
int		 db_step_atomic(struct db_stmt *);
/* Done with this run of the statement (bindings stay). */
void		 db_reset(struct db_stmt *);
/*
 * Read the rows of s one at a time as they come, however many (sqlite
 * always does; PostgreSQL otherwise holds a whole result): for the reads
 * that go through a run's or many runs' records.  Until s is done or
 * reset, no other statement of the connection may run (it fails).
 */
void		 db_stream(struct db_stmt *);

/* Columns of the current row, from 0. */
bool		 db_col_null(struct db_stmt *, int i);
int64_t		 db_col_int64(struct db_stmt *, int i);
/* NULL for SQL NULL; valid until the next step or reset. */
const char	*db_col_text(struct db_stmt *, int i);
const void	*db_col_blob(struct db_stmt *, int i);
/* The length of db_col_text() or db_col_blob() of column i. */
size_t		 db_col_bytes(struct db_stmt *, int i);

#endif
