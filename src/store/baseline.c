/*
 * SPDX-License-Identifier: BSD-2-Clause
 * baseline.c - baselines in the store (issue 10, docs/check.md): a named,
 * kept copy of a stored run's records and of what the run was, saved,
 * listed, read back and deleted.  The comparison itself is src/check's.
 */
#include "store.h"
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mt.h"

#define BASE_COLS							\
	"session, seq, event, level, rc, intf, opr, opt, time, client, "	\
	"server, source, elapsed_us, bytes, body_end, anomaly, detail, reply, "	\
	"tls, explanation, dns"

static int	base_prepare(struct store *, const char *, struct db_stmt **,
		    struct mt_err *);
static int	base_get_id(struct store *, const char *, int64_t *,
		    struct mt_err *);
static void	base_read(struct db_stmt *, struct store_baseline *);
static unsigned	base_count_nul(const void *, int);

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
base_prepare(struct store *st, const char *sql, struct db_stmt **s,
    struct mt_err *err)
{
	if (db_prepare(store_db(st), sql, s) != 0) {
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

/* patterns[0..n) as one blob, each followed by a NUL, into *blob. */
static int
base_blob(const char *const *v, size_t n, char **blob, size_t *len,
    struct mt_err *err)
{
	size_t	i, l, t = 0;
	char	*b;

	*blob = NULL;
	*len = 0;
	for (i = 0; i < n; i++)
		t += strlen(v[i]) + 1;
	if (t == 0)
		return 0;
	if ((b = malloc(t)) == NULL)
		return mt_err_set(err, MT_E_INTERNAL, "out of memory");
	for (i = 0, t = 0; i < n; i++) {
		l = strlen(v[i]) + 1;
		memcpy(b + t, v[i], l);
		t += l;
	}
	*blob = b;
	*len = t;
	return 0;
}

/* The stats of opt onto baseline id's steps, in their stored order. */
static int
base_put_stats(struct store *st, int64_t id, const struct store_bl_save *opt,
    struct mt_err *err)
{
	struct db_stmt	*q = NULL, *u = NULL;
	size_t		 i = 0;
	int		 rc;

	if (base_prepare(st, "SELECT rowid FROM baseline_steps WHERE "
	    "baseline = ?1 ORDER BY rowid", &q, err) != 0 ||
	    base_prepare(st, "UPDATE baseline_steps SET elapsed_us = ?1, "
	    "elapsed_spread = ?2 WHERE rowid = ?3", &u, err) != 0) {
		db_finalize(q);
		return -1;
	}
	db_bind_int64(q, 1, id);
	while ((rc = db_step(q)) == DB_ROW) {
		if (i >= opt->nstats)
			break;
		if (opt->stats[i].has) {
			db_bind_int64(u, 1, opt->stats[i].median_us);
			db_bind_int64(u, 2, opt->stats[i].spread_us);
			db_bind_int64(u, 3, db_col_int64(q, 0));
			if (db_step(u) != DB_DONE) {
				rc = DB_ERR;
				break;
			}
			db_reset(u);
		}
		i++;
	}
	db_finalize(q);
	db_finalize(u);
	if (rc == DB_ROW || (rc == DB_DONE && i != opt->nstats))
		return mt_err_set(err, MT_E_INTERNAL, "baseline: %zu latency "
		    "figures for a run of other than %zu records",
		    opt->nstats, i);
	if (rc != DB_DONE)
		return store_fail(st, "saving a baseline's latencies", err);
	return 0;
}

int
store_baseline_save(struct store *st, const char *name, uint64_t run,
    mt_time created, const struct store_bl_save *opt, struct mt_err *err)
{
	static const struct store_bl_save	 none = { .nruns = 1 };
	struct store_run	 sr;
	struct db_stmt		*s = NULL;
	char			*ign = NULL;
	size_t			 ignlen = 0;
	int64_t			 id;
	int			 rc;

	if (opt == NULL)
		opt = &none;
	if (!store_baseline_name_ok(name))
		return mt_err_set(err, MT_E_USAGE, "a baseline name is 1 to "
		    "%d letters, digits, '.', '_' or '-', not starting with "
		    "'-' or '.'", STORE_BASELINE_NAME_HARD - 1);
	if (opt->nignore > STORE_IGNORE_HARD)
		return mt_err_set(err, MT_E_USAGE, "a baseline has at most %d "
		    "--ignore patterns", STORE_IGNORE_HARD);
	if (opt->nruns < 1 || opt->nruns > STORE_RUNS_HARD)
		return mt_err_set(err, MT_E_USAGE, "a baseline is saved from "
		    "1 to %d runs", STORE_RUNS_HARD);
	if (opt->nruns > 1 && opt->stats == NULL)
		return mt_err_set(err, MT_E_INTERNAL, "baseline: %u runs "
		    "without latency figures", opt->nruns);
	if (store_get_run(st, run, &sr, err) != 0)
		return -1;
	if (base_get_id(st, name, &id, err) == 0)
		return mt_err_set(err, MT_E_USAGE, "baseline \"%s\" exists "
		    "already in %s (delete it first)", name, store_path(st));
	mt_err_clear(err);
	if (base_blob(opt->ignore, opt->nignore, &ign, &ignlen, err) != 0)
		return -1;
	if (store_commit(st, err) != 0)
		goto out;
	/* The baseline and its steps in one transaction: both or neither. */
	if (db_begin(store_db(st)) != 0) {
		store_fail(st, "saving a baseline", err);
		goto out;
	}
	if (base_prepare(st, "INSERT INTO baselines (name, created, run, "
	    "proto, target, level, args, nruns, ignore_counts, ignore) "
	    "SELECT ?1, ?2, id, proto, target, level, args, ?4, ?5, ?6 "
	    "FROM runs WHERE id = ?3 RETURNING id", &s, err) != 0)
		goto fail;
	store_bind_text(s, 1, name);
	db_bind_int64(s, 2, created);
	db_bind_int64(s, 3, (int64_t)run);
	db_bind_int64(s, 4, (int)opt->nruns);
	db_bind_int64(s, 5, opt->ignore_counts ? 1 : 0);
	db_bind_blob(s, 6, ign, ignlen);
	rc = db_step(s);
	if (rc == DB_ROW)
		id = db_col_int64(s, 0);
	db_finalize(s);
	s = NULL;
	if (rc != DB_ROW) {
		store_fail(st, "saving a baseline", err);
		goto fail;
	}
	/* In stored order, as show prints the run (store_replay()). */
	if (base_prepare(st, "INSERT INTO baseline_steps (baseline, "
	    BASE_COLS ") SELECT ?1, " BASE_COLS " FROM records WHERE run = ?2 "
	    "ORDER BY rowid", &s, err) != 0)
		goto fail;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, (int64_t)run);
	rc = db_step(s);
	db_finalize(s);
	s = NULL;
	if (rc != DB_DONE) {
		store_fail(st, "saving a baseline's steps", err);
		goto fail;
	}
	if (opt->nruns > 1 && base_put_stats(st, id, opt, err) != 0)
		goto fail;
	if (db_exec(store_db(st), "COMMIT") != 0) {
		store_fail(st, "saving a baseline", err);
		goto fail;
	}
	free(ign);
	return 0;
fail:
	(void)db_exec(store_db(st), "ROLLBACK");
out:
	free(ign);
	return -1;
}

int
store_runs_same(struct store *st, uint64_t run, size_t want, uint64_t *ids,
    size_t *n, struct mt_err *err)
{
	struct store_run	 sr;
	struct db_stmt		*s;
	int			 rc;

	*n = 0;
	if (want > STORE_RUNS_HARD)
		want = STORE_RUNS_HARD;
	if (store_get_run(st, run, &sr, err) != 0)
		return -1;
	if (want == 0)
		return 0;
	ids[(*n)++] = run;
	/* args IS NOT NULL: a run that kept none is like no other. */
	if (base_prepare(st, "SELECT b.id FROM runs a, runs b WHERE a.id = ?1 "
	    "AND b.id < a.id AND a.args IS NOT NULL AND b.args = a.args AND "
	    "b.proto = a.proto AND b.target = a.target AND b.level = a.level "
	    "ORDER BY b.id DESC LIMIT ?2", &s, err) != 0)
		return -1;
	db_bind_int64(s, 1, (int64_t)run);
	db_bind_int64(s, 2, (int64_t)(want - 1));
	while ((rc = db_step(s)) == DB_ROW && *n < want)
		ids[(*n)++] = (uint64_t)db_col_int64(s, 0);
	db_finalize(s);
	if (rc != DB_DONE && rc != DB_ROW)
		return store_fail(st, "finding the runs of a probe", err);
	return 0;
}

/* The NUL-terminated strings in blob p of n bytes. */
static unsigned
base_count_nul(const void *p, int n)
{
	const char	*c = p;
	unsigned	 k = 0;
	int		 i;

	for (i = 0; c != NULL && i < n; i++)
		if (c[i] == '\0')
			k++;
	return k;
}

/* The baseline row of s: id, name, created, run, proto, target, level,
 * the count of its steps, nruns, ignore_counts, ignore. */
static void
base_read(struct db_stmt *s, struct store_baseline *b)
{
	memset(b, 0, sizeof(*b));
	b->id = (uint64_t)db_col_int64(s, 0);
	(void)store_col_text(s, 1, b->name, sizeof(b->name));
	b->created = db_col_int64(s, 2);
	b->run = (uint64_t)db_col_int64(s, 3);
	(void)store_col_text(s, 4, b->proto, sizeof(b->proto));
	(void)store_col_text(s, 5, b->target, sizeof(b->target));
	(void)store_col_text(s, 6, b->level, sizeof(b->level));
	b->steps = (uint64_t)db_col_int64(s, 7);
	b->nruns = (unsigned)(int)db_col_int64(s, 8);
	b->ignore_counts = (int)db_col_int64(s, 9) != 0;
	b->nignore = base_count_nul(db_col_blob(s, 10),
	    db_col_bytes(s, 10));
}

#define BASE_ROW	"SELECT b.id, b.name, b.created, b.run, b.proto, "	\
	"b.target, b.level, (SELECT count(*) FROM baseline_steps WHERE "	\
	"baseline = b.id), b.nruns, b.ignore_counts, b.ignore "		\
	"FROM baselines b "

int
store_baseline_get(struct store *st, const char *name,
    struct store_baseline *b, struct mt_err *err)
{
	struct db_stmt	*s;
	int		 rc;

	if (base_prepare(st, BASE_ROW "WHERE b.name = ?1", &s, err) != 0)
		return -1;
	store_bind_text(s, 1, name);
	rc = db_step(s);
	if (rc == DB_ROW)
		base_read(s, b);
	db_finalize(s);
	if (rc == DB_ROW)
		return 0;
	if (rc == DB_DONE)
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
	struct db_stmt		*s;
	int			 rc, fr = 0;

	if (base_prepare(st, BASE_ROW "ORDER BY b.name", &s, err) != 0)
		return -1;
	while (fr == 0 && (rc = db_step(s)) == DB_ROW) {
		base_read(s, &b);
		fr = fn(arg, &b);
	}
	if (fr == 0 && rc != DB_DONE)
		fr = store_fail(st, "listing baselines", err);
	db_finalize(s);
	return fr;
}

int
store_baseline_replay(struct store *st, const char *name, struct sink *sk,
    int (*stat)(void *, bool, int64_t), void *arg, struct mt_err *err)
{
	struct store_baseline	 b;
	struct trace_rec	 r;
	struct db_stmt		*s;
	int			 rc, fr = 0;

	if (store_baseline_get(st, name, &b, err) != 0)
		return -1;
	if (base_prepare(st, "SELECT " BASE_COLS ", elapsed_spread FROM "
	    "baseline_steps WHERE baseline = ?1 ORDER BY rowid", &s,
	    err) != 0)
		return -1;
	db_stream(s);
	db_bind_int64(s, 1, (int64_t)b.id);
	while (fr == 0 && (rc = db_step(s)) == DB_ROW) {
		if (!store_read_rec(s, &r)) {
			fr = mt_err_set(err, MT_E_STORE, "store %s: baseline "
			    "%s: a field is longer than mailtrace writes",
			    store_path(st), name);
			break;
		}
		r.run = b.run;
		if (stat != NULL && (fr = stat(arg, !db_col_null(s, 21), db_col_int64(s, 21))) != 0)
			break;
		fr = sk->rec(sk, &r, err);
	}
	if (fr == 0 && rc != DB_DONE)
		fr = store_fail(st, "reading a baseline's steps", err);
	db_finalize(s);
	return fr;
}

/* Each NUL-terminated string in column col of baseline name, to fn. */
static int
base_each(struct store *st, const char *name, const char *sql,
    const char *what, int (*fn)(void *, const char *), void *arg,
    struct mt_err *err)
{
	struct db_stmt	*s;
	const char	*p, *e, *nul;
	int		 rc, fr = 0;

	if (base_prepare(st, sql, &s, err) != 0)
		return -1;
	store_bind_text(s, 1, name);
	rc = db_step(s);
	if (rc == DB_ROW && (p = db_col_blob(s, 0)) != NULL) {
		e = p + db_col_bytes(s, 0);
		while (fr == 0 && p < e &&
		    (nul = memchr(p, '\0', (size_t)(e - p))) != NULL) {
			fr = fn(arg, p);
			p = nul + 1;
		}
	} else if (rc == DB_DONE)
		fr = mt_err_set(err, MT_E_USAGE, "no baseline \"%s\" in %s",
		    name, store_path(st));
	else if (rc != DB_ROW)
		fr = store_fail(st, what, err);
	db_finalize(s);
	return fr;
}

int
store_baseline_args(struct store *st, const char *name,
    int (*fn)(void *, const char *), void *arg, struct mt_err *err)
{
	return base_each(st, name, "SELECT args FROM baselines WHERE name = "
	    "?1", "reading a baseline's arguments", fn, arg, err);
}

int
store_baseline_ignore(struct store *st, const char *name,
    int (*fn)(void *, const char *), void *arg, struct mt_err *err)
{
	return base_each(st, name, "SELECT ignore FROM baselines WHERE name = "
	    "?1", "reading a baseline's --ignore patterns", fn, arg, err);
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
	snprintf(sql, sizeof(sql), "DELETE FROM baseline_steps WHERE "
	    "baseline = %lld; DELETE FROM baselines WHERE id = %lld",
	    (long long)id, (long long)id);
	if (db_begin(store_db(st)) != 0 || db_exec(store_db(st), sql) != 0 ||
	    db_exec(store_db(st), "COMMIT") != 0) {
		store_fail(st, "deleting a baseline", err);
		if (db_in_txn(store_db(st)))
			(void)db_exec(store_db(st), "ROLLBACK");
		return -1;
	}
	return 0;
}
