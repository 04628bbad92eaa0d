/*
 * SPDX-License-Identifier: BSD-2-Clause
 * stats.c - mailtrace stats: the records of the matching runs grouped by
 * server and step label (mon_step_label()), with their count, failures
 * by exception class and latency percentiles (chk_quantile(): the one
 * place they are computed).  Memory: one time per timed record of the
 * matching runs, and one group per server and step.
 */
#include "query.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"

#include "check/check.h"
#include "query_int.h"
#include "store_sql.h"

#define ST_SQL_HARD	2048

struct group {
	struct query_stat	 s;
	int64_t			*us;
	size_t			 cap;
};

struct groups {
	struct group	*g;
	size_t		 n, cap;
	size_t		 last;		/* the group found last */
};

static struct group *
group_get(struct groups *gs, const char *server, const char *step)
{
	struct group	*g;
	size_t		 i;

	if (gs->last < gs->n && strcmp(gs->g[gs->last].s.step, step) == 0 &&
	    strcmp(gs->g[gs->last].s.server, server) == 0)
		return &gs->g[gs->last];
	for (i = 0; i < gs->n; i++)
		if (strcmp(gs->g[i].s.step, step) == 0 &&
		    strcmp(gs->g[i].s.server, server) == 0) {
			gs->last = i;
			return &gs->g[i];
		}
	if (gs->n == gs->cap) {
		if ((g = reallocarray(gs->g, gs->cap ? gs->cap * 2 : 16,
		    sizeof(*g))) == NULL)
			return NULL;
		gs->g = g;
		gs->cap = gs->cap ? gs->cap * 2 : 16;
	}
	g = &gs->g[gs->n];
	memset(g, 0, sizeof(*g));
	trace_str(g->s.server, sizeof(g->s.server), server);
	trace_str(g->s.step, sizeof(g->s.step), step);
	gs->last = gs->n++;
	return g;
}

static void
group_exc(struct query_stat *s, const char *exc)
{
	size_t	i;

	for (i = 0; i < s->nexc; i++)
		if (strcmp(s->exc[i].name, exc) == 0) {
			s->exc[i].n++;
			return;
		}
	if (s->nexc == QUERY_EXC_HARD) {
		s->exc_other++;
		return;
	}
	trace_str(s->exc[s->nexc].name, sizeof(s->exc[s->nexc].name), exc);
	s->exc[s->nexc++].n = 1;
}

static int
group_time(struct group *g, int64_t us)
{
	int64_t	*p;

	if (g->s.timed == g->cap) {
		if ((p = reallocarray(g->us, g->cap ? g->cap * 2 : 64,
		    sizeof(*p))) == NULL)
			return -1;
		g->us = p;
		g->cap = g->cap ? g->cap * 2 : 64;
	}
	g->us[g->s.timed++] = us;
	return 0;
}

static int
us_cmp(const void *x, const void *y)
{
	int64_t	a = *(const int64_t *)x, b = *(const int64_t *)y;

	return a < b ? -1 : a > b;
}

static int
exc_cmp(const void *x, const void *y)
{
	const struct query_exc	*a = x, *b = y;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int
group_cmp(const void *x, const void *y)
{
	const struct group	*a = x, *b = y;
	int			 c;

	if ((c = strcmp(a->s.server, b->s.server)) != 0)
		return c;
	return strcmp(a->s.step, b->s.step);
}

static void
group_end(struct group *g)
{
	struct query_stat	*s = &g->s;
	size_t			 n = (size_t)s->timed;

	qsort(s->exc, s->nexc, sizeof(s->exc[0]), exc_cmp);
	if (n == 0)
		return;
	qsort(g->us, n, sizeof(g->us[0]), us_cmp);
	s->min_us = g->us[0];
	s->median_us = chk_quantile(g->us, n, 50);
	s->p95_us = chk_quantile(g->us, n, 95);
	s->p99_us = chk_quantile(g->us, n, 99);
	s->max_us = g->us[n - 1];
}

/* The record in s's row (server, event, intf, rc, opt, elapsed_us, anomaly,
 * run, session, time) into q; label: its buffer. */
static void
steps_row(struct db_stmt *s, struct trace_rec *r, struct query_step *q,
    char *label, size_t lsz)
{
	const char	*t;

	r->event = (unsigned)db_col_int64(s, 1);
	t = db_col_text(s, 2);
	trace_str(r->intf, sizeof(r->intf), (const char *)t);
	r->anomaly = !db_col_null(s, 6) ? AN__COUNT :
	    AN_NONE;
	if (!mon_step_label(r, label, lsz))
		label[0] = '\0';
	t = db_col_text(s, 0);
	q->server = t != NULL ? (const char *)t : "";
	q->label = label;
	q->failed = (int)db_col_int64(s, 3) != 0;
	t = db_col_text(s, 4);
	q->exc = t != NULL && *t != '\0' ? (const char *)t : "(none)";
	q->timed = !db_col_null(s, 5);
	q->elapsed_us = q->timed ? db_col_int64(s, 5) : 0;
	q->run = (uint64_t)db_col_int64(s, 7);
	q->session = (uint64_t)db_col_int64(s, 8);
	q->time = db_col_int64(s, 9);
}

int
query_steps(struct store *st, const struct query_filter *f,
    int (*fn)(void *, const struct query_step *), void *arg,
    struct mt_err *err)
{
	struct db_stmt		*s = NULL;
	struct trace_rec	*r;
	struct query_step	 q;
	char			 sql[ST_SQL_HARD], upper[QUERY_HOST_HARD];
	char			 label[MON_LABEL_HARD];
	size_t			 n;
	int			 rc, fr = 0;

	if ((r = malloc(sizeof(*r))) == NULL)
		return mt_err_set(err, MT_E_INTERNAL, "out of memory");
	trace_rec_clear(r);
	/* The matching runs' records, by records_run; the runs by runs'. */
	snprintf(sql, sizeof(sql), "SELECT r.server, r.event, r.intf, r.rc, "
	    "r.opt, r.elapsed_us, r.anomaly, r.run, r.session, r.time "
	    "FROM records r WHERE r.run IN (SELECT id FROM runs");
	query_where(f, sql, sizeof(sql));
	n = strlen(sql);
	snprintf(sql + n, sizeof(sql) - n, ")%s", !f->has_server ? "" :
	    f->server_port ? " AND r.server = ?6" :
	    " AND r.server >= ?6 AND r.server < ?7");
	if (db_prepare(store_db(st), sql, &s) != 0) {
		fr = store_fail(st, "reading the records", err);
		goto out;
	}
	query_bind(s, f, upper, sizeof(upper));
	db_stream(s);	/* (fn reads nothing of the store) */
	while ((rc = db_step(s)) == DB_ROW) {
		steps_row(s, r, &q, label, sizeof(label));
		if ((fr = fn(arg, &q)) != 0)
			goto out;
	}
	if (rc != DB_DONE)
		fr = store_fail(st, "reading the records", err);
out:
	db_finalize(s);
	free(r);
	return fr;
}

struct stats_arg {
	struct groups	 gs;
	const char	*step;
	struct mt_err	*err;
};

static int
stats_step(void *arg, const struct query_step *q)
{
	struct stats_arg	*a = arg;
	struct group		*g;

	if (q->label[0] == '\0')
		return 0;
	if (a->step != NULL && strcmp(q->label, a->step) != 0)
		return 0;
	if ((g = group_get(&a->gs, q->server, q->label)) == NULL)
		return mt_err_set(a->err, MT_E_INTERNAL, "out of memory");
	g->s.count++;
	if (q->failed) {
		g->s.failures++;
		group_exc(&g->s, q->exc);
	}
	if (q->timed && group_time(g, q->elapsed_us) != 0)
		return mt_err_set(a->err, MT_E_INTERNAL, "out of memory");
	return 0;
}

int
query_stats(struct store *st, const struct query_filter *f, const char *step,
    int (*fn)(void *, const struct query_stat *), void *arg,
    struct mt_err *err)
{
	struct stats_arg	 a;
	size_t			 i;
	int			 fr;

	memset(&a, 0, sizeof(a));
	a.step = step;
	a.err = err;
	fr = query_steps(st, f, stats_step, &a, err);
	if (fr == 0) {
		for (i = 0; i < a.gs.n; i++)
			group_end(&a.gs.g[i]);
		if (a.gs.n > 0)
			qsort(a.gs.g, a.gs.n, sizeof(a.gs.g[0]), group_cmp);
		for (i = 0; i < a.gs.n && fr == 0; i++)
			fr = fn(arg, &a.gs.g[i].s);
	}
	for (i = 0; i < a.gs.n; i++)
		free(a.gs.g[i].us);
	free(a.gs.g);
	return fr;
}
