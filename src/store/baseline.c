/*
 * SPDX-License-Identifier: BSD-2-Clause
 * baseline.c - baselines in the store (issue 10, docs/check.md): a named,
 * kept copy of a stored run's records and of what the run was, saved,
 * listed, read back and deleted.  The comparison itself is src/check's.
 */
#include "store.h"
#include "store_int.h"

#include <stdio.h>
#include <string.h>

#include "mt.h"

#define BASE_COLS							\
	"session, seq, event, level, rc, intf, opr, opt, time, client, "	\
	"server, source, elapsed_us, bytes, body_end, anomaly, detail, reply"

static int	base_prepare(struct store *, const char *, sqlite3_stmt **,
		    struct mt_err *);
static int	base_get_id(struct store *, const char *, int64_t *,
		    struct mt_err *);
static void	base_read(sqlite3_stmt *, struct store_baseline *);

bool
store_baseline_name_ok(const char *name)
{
	size_t	i, n = strlen(name);

	if (n == 0 || n >= STORE_BASELINE_NAME_HARD)
		return false;
	for (i = 0; i < n; i++)
		if (!mt_isalpha((unsigned char)name[i]) &&
		    !mt_isdigit((unsigned char)name[i]) && name[i] != '.' &&
		    name[i] != '_' && name[i] != '-')
			return false;
	return name[0] != '-' && name[0] != '.';
}

static int
base_prepare(struct store *st, const char *sql, sqlite3_stmt **s,
    struct mt_err *err)
{
	if (sqlite3_prepare_v2(store_db(st), sql, -1, s, NULL) != SQLITE_OK) {
		*s = NULL;
		return store_fail(st, "preparing a baseline query", err);
	}
	return 0;
}

/* The id of baseline name; MT_E_USAGE when there is none. */
static int
base_get_id(struct store *st, const char *name, int64_t *id,
    struct mt_err *err)
{
	struct store_baseline	b;

	if (store_baseline_get(st, name, &b, err) != 0)
		return -1;
	*id = (int64_t)b.id;
	return 0;
}

int
store_baseline_save(struct store *st, const char *name, uint64_t run,
    mt_time created, struct mt_err *err)
{
	struct store_run	 sr;
	sqlite3_stmt		*s = NULL;
	int64_t			 id;
	int			 rc;

	if (!store_baseline_name_ok(name))
		return mt_err_set(err, MT_E_USAGE, "a baseline name is 1 to "
		    "%d letters, digits, '.', '_' or '-', not starting with "
		    "'-' or '.'", STORE_BASELINE_NAME_HARD - 1);
	if (store_get_run(st, run, &sr, err) != 0)
		return -1;
	if (base_get_id(st, name, &id, err) == 0)
		return mt_err_set(err, MT_E_USAGE, "baseline \"%s\" exists "
		    "already in %s (delete it first)", name, store_path(st));
	mt_err_clear(err);
	if (store_commit(st, err) != 0)
		return -1;
	/* The baseline and its steps in one transaction: both or neither. */
	if (sqlite3_exec(store_db(st), "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return store_fail(st, "saving a baseline", err);
	if (base_prepare(st, "INSERT INTO baselines (name, created, run, "
	    "proto, target, level, args) SELECT ?1, ?2, id, proto, target, "
	    "level, args FROM runs WHERE id = ?3", &s, err) != 0)
		goto fail;
	store_bind_text(s, 1, name);
	sqlite3_bind_int64(s, 2, created);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)run);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	s = NULL;
	if (rc != SQLITE_DONE) {
		store_fail(st, "saving a baseline", err);
		goto fail;
	}
	id = sqlite3_last_insert_rowid(store_db(st));
	/* In stored order, as show prints the run (store_replay()). */
	if (base_prepare(st, "INSERT INTO baseline_steps (baseline, "
	    BASE_COLS ") SELECT ?1, " BASE_COLS " FROM records WHERE run = ?2 "
	    "ORDER BY rowid", &s, err) != 0)
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)run);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	s = NULL;
	if (rc != SQLITE_DONE) {
		store_fail(st, "saving a baseline's steps", err);
		goto fail;
	}
	if (sqlite3_exec(store_db(st), "COMMIT", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		store_fail(st, "saving a baseline", err);
		goto fail;
	}
	return 0;
fail:
	(void)sqlite3_exec(store_db(st), "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* The baseline row of s: id, name, created, run, proto, target, level,
 * and the count of its steps. */
static void
base_read(sqlite3_stmt *s, struct store_baseline *b)
{
	memset(b, 0, sizeof(*b));
	b->id = (uint64_t)sqlite3_column_int64(s, 0);
	(void)store_col_text(s, 1, b->name, sizeof(b->name));
	b->created = sqlite3_column_int64(s, 2);
	b->run = (uint64_t)sqlite3_column_int64(s, 3);
	(void)store_col_text(s, 4, b->proto, sizeof(b->proto));
	(void)store_col_text(s, 5, b->target, sizeof(b->target));
	(void)store_col_text(s, 6, b->level, sizeof(b->level));
	b->steps = (uint64_t)sqlite3_column_int64(s, 7);
}

#define BASE_ROW	"SELECT b.id, b.name, b.created, b.run, b.proto, "	\
	"b.target, b.level, (SELECT count(*) FROM baseline_steps WHERE "	\
	"baseline = b.id) FROM baselines b "

int
store_baseline_get(struct store *st, const char *name,
    struct store_baseline *b, struct mt_err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (base_prepare(st, BASE_ROW "WHERE b.name = ?1", &s, err) != 0)
		return -1;
	store_bind_text(s, 1, name);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		base_read(s, b);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return mt_err_set(err, MT_E_USAGE, "no baseline \"%s\" in %s",
		    name, store_path(st));
	return store_fail(st, "reading a baseline", err);
}

int
store_baseline_list(struct store *st,
    int (*fn)(void *, const struct store_baseline *), void *arg,
    struct mt_err *err)
{
	struct store_baseline	 b;
	sqlite3_stmt		*s;
	int			 rc, fr = 0;

	if (base_prepare(st, BASE_ROW "ORDER BY b.name", &s, err) != 0)
		return -1;
	while (fr == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		base_read(s, &b);
		fr = fn(arg, &b);
	}
	if (fr == 0 && rc != SQLITE_DONE)
		fr = store_fail(st, "listing baselines", err);
	sqlite3_finalize(s);
	return fr;
}

int
store_baseline_replay(struct store *st, const char *name, struct sink *sk,
    struct mt_err *err)
{
	struct store_baseline	 b;
	struct trace_rec	 r;
	sqlite3_stmt		*s;
	int			 rc, fr = 0;

	if (store_baseline_get(st, name, &b, err) != 0)
		return -1;
	if (base_prepare(st, "SELECT " BASE_COLS " FROM baseline_steps WHERE "
	    "baseline = ?1 ORDER BY rowid", &s, err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)b.id);
	while (fr == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!store_read_rec(s, &r)) {
			fr = mt_err_set(err, MT_E_STORE, "store %s: baseline "
			    "%s: a field is longer than mailtrace writes",
			    store_path(st), name);
			break;
		}
		r.run = b.run;
		fr = sk->rec(sk, &r, err);
	}
	if (fr == 0 && rc != SQLITE_DONE)
		fr = store_fail(st, "reading a baseline's steps", err);
	sqlite3_finalize(s);
	return fr;
}

int
store_baseline_args(struct store *st, const char *name,
    int (*fn)(void *, const char *), void *arg, struct mt_err *err)
{
	sqlite3_stmt	*s;
	const char	*p, *e, *nul;
	int		 rc, fr = 0;

	if (base_prepare(st, "SELECT args FROM baselines WHERE name = ?1", &s,
	    err) != 0)
		return -1;
	store_bind_text(s, 1, name);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && (p = sqlite3_column_blob(s, 0)) != NULL) {
		e = p + sqlite3_column_bytes(s, 0);
		while (fr == 0 && p < e &&
		    (nul = memchr(p, '\0', (size_t)(e - p))) != NULL) {
			fr = fn(arg, p);
			p = nul + 1;
		}
	} else if (rc == SQLITE_DONE)
		fr = mt_err_set(err, MT_E_USAGE, "no baseline \"%s\" in %s",
		    name, store_path(st));
	else if (rc != SQLITE_ROW)
		fr = store_fail(st, "reading a baseline's arguments", err);
	sqlite3_finalize(s);
	return fr;
}

int
store_baseline_delete(struct store *st, const char *name, struct mt_err *err)
{
	int64_t	id;
	char	sql[128];

	if (base_get_id(st, name, &id, err) != 0)
		return -1;
	if (store_commit(st, err) != 0)
		return -1;
	snprintf(sql, sizeof(sql), "BEGIN IMMEDIATE; DELETE FROM "
	    "baseline_steps WHERE baseline = %lld; DELETE FROM baselines "
	    "WHERE id = %lld; COMMIT;", (long long)id, (long long)id);
	if (sqlite3_exec(store_db(st), sql, NULL, NULL, NULL) != SQLITE_OK) {
		store_fail(st, "deleting a baseline", err);
		(void)sqlite3_exec(store_db(st), "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}
