/*
 * SPDX-License-Identifier: BSD-2-Clause
 * db.c - the database layer's one door: each call to the driver of the
 * connection (db_sqlite.c, db_pg.c).
 */
#include "db.h"

#include <string.h>

#include "db_int.h"

/*
 * The PostgreSQL driver lives in a module (db_pg.c in mailtrace-pg.so,
 * with libpq and its libraries): loaded here, the first time a store's
 * URL is PostgreSQL's.
 */
int
db_open_pg(const char *url, struct db **out, struct mt_err *err)
{
	int	(*open_pg)(const char *, struct db **, struct mt_err *);

	*out = NULL;
	*(void **)&open_pg = mt_module_sym("mailtrace-pg.so", "mt_db_open_pg",
	    err);
	if (open_pg == NULL)
		return -(int)err->code;
	return open_pg(url, out, err);
}

bool
db_is_pg_url(const char *s)
{
	return s != NULL && (strncmp(s, "postgresql://", 13) == 0 ||
	    strncmp(s, "postgres://", 11) == 0);
}

void
db_close(struct db *db)
{
	if (db != NULL)
		db->ops->close(db);
}

enum db_kind
db_kind(const struct db *db)
{
	return db->kind;
}

const char *
db_errmsg(struct db *db)
{
	return db->ops->errmsg(db);
}

bool
db_lost(struct db *db)
{
	return db->ops->lost(db);
}

int
db_exec(struct db *db, const char *sql)
{
	return db->ops->exec(db, sql);
}

int
db_begin(struct db *db)
{
	return db->ops->begin(db);
}

bool
db_in_txn(struct db *db)
{
	return db->ops->in_txn(db);
}

int
db_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
	*out = NULL;
	return db->ops->prepare(db, sql, out);
}

void
db_finalize(struct db_stmt *s)
{
	if (s != NULL)
		s->ops->finalize(s);
}

void
db_bind_int64(struct db_stmt *s, int i, int64_t v)
{
	s->ops->bind_int64(s, i, v);
}

void
db_bind_text(struct db_stmt *s, int i, const char *v, int len)
{
	if (v == NULL)
		s->ops->bind_null(s, i, DB_TEXT);
	else
		s->ops->bind_text(s, i, v, len);
}

void
db_bind_blob(struct db_stmt *s, int i, const void *v, size_t n)
{
	if (v == NULL)
		s->ops->bind_null(s, i, DB_BLOB);
	else
		s->ops->bind_blob(s, i, v, n);
}

void
db_bind_null(struct db_stmt *s, int i, enum db_type t)
{
	s->ops->bind_null(s, i, t);
}

void
db_clear_bindings(struct db_stmt *s)
{
	s->ops->clear_bindings(s);
}

int
db_step(struct db_stmt *s)
{
	return s->ops->step(s);
}

int
db_step_atomic(struct db_stmt *s)
{
	return s->ops->step_atomic(s);
}

void
db_reset(struct db_stmt *s)
{
	s->ops->reset(s);
}

void
db_stream(struct db_stmt *s)
{
	s->ops->stream(s);
}

bool
db_col_null(struct db_stmt *s, int i)
{
	return s->ops->col_null(s, i);
}

int64_t
db_col_int64(struct db_stmt *s, int i)
{
	return s->ops->col_int64(s, i);
}

const char *
db_col_text(struct db_stmt *s, int i)
{
	return s->ops->col_text(s, i);
}

const void *
db_col_blob(struct db_stmt *s, int i)
{
	return s->ops->col_blob(s, i);
}

size_t
db_col_bytes(struct db_stmt *s, int i)
{
	return s->ops->col_bytes(s, i);
}
