/*
 * SPDX-License-Identifier: BSD-2-Clause
 * query.c - finding runs: their summary columns (store migration 10),
 * filtered in SQL built from fixed pieces with every value bound, newest
 * first.  A run that never ended (no summary) is summarized from its
 * records when it is listed.
 */
#include "query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"

#include "query_int.h"
#include "store_sql.h"

#define Q_SQL_HARD	2048

/* The runs' columns, in the order q_read() reads them. */
static const char q_cols[] =
    "SELECT id, proto, target, baseline, started, finished, exit_status, "
    "summarized, sessions, steps, fail_session, fail_seq, fail_event, "
    "fail_intf, fail_exc FROM runs";

/* A run without its summary, summarized from its records now. */
static const char q_live_sql[] =
    "SELECT (SELECT count(DISTINCT session) FROM records WHERE run = ?1 "
    "AND session > 0), (SELECT count(*) FROM records WHERE run = ?1), "
    "f.session, f.seq, f.event, f.intf, f.opt FROM (SELECT 1 AS one) o "
    "LEFT JOIN (SELECT session, seq, event, intf, opt FROM records WHERE "
    "run = ?1 AND rc != 0 ORDER BY rowid LIMIT 1) f ON 1 = 1";

const char *
query_outcome(const struct query_run *r)
{
	if (!r->finished_set)
		return "unfinished";
	if (r->exit_status != 0 || r->has_fail)
		return "failed";
	return "ok";
}

/* "N" then a unit: s m h d w. */
static bool
q_relative(const char *s, mt_time now, mt_time *out)
{
	static const struct { char u; int64_t secs; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
		{ 'w', 7 * 86400 },
	};
	uint64_t	n;
	size_t		len = strlen(s), i;

	if (len < 2 || !mt_parse_u64(s, len - 1, 0, 100 * 365 * 86400ULL,
	    &n))
		return false;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (s[len - 1] == units[i].u) {
			if (n > (uint64_t)(100LL * 365 * 86400) /
			    (uint64_t)units[i].secs)
				return false;
			*out = now - (mt_time)n * units[i].secs * 1000000;
			return true;
		}
	return false;
}

/* Exactly k digits at *p into *v; advances *p. */
static bool
q_digits(const char **p, int k, int *v)
{
	int	i;

	*v = 0;
	for (i = 0; i < k; i++) {
		if (!mt_isdigit((unsigned char)(*p)[i]))
			return false;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += k;
	return true;
}

static bool
q_iso(const char *s, mt_time *out)
{
	const char	*p = s;
	int		 y, mo, d, h = 0, mi = 0, sec = 0, zh, zm, sign;
	int64_t		 us = 0, scale = 100000, off = 0, t;

	if (!q_digits(&p, 4, &y) || *p++ != '-' || !q_digits(&p, 2, &mo) ||
	    *p++ != '-' || !q_digits(&p, 2, &d))
		return false;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (!q_digits(&p, 2, &h) || *p++ != ':' ||
		    !q_digits(&p, 2, &mi))
			return false;
		if (*p == ':') {
			p++;
			if (!q_digits(&p, 2, &sec))
				return false;
			if (*p == '.') {
				if (!mt_isdigit((unsigned char)*++p))
					return false;
				for (; mt_isdigit((unsigned char)*p); p++) {
					us += (*p - '0') * scale;
					scale /= 10;
				}
			}
		}
		if (*p == 'Z')
			p++;
		else if (*p == '+' || *p == '-') {
			sign = *p++ == '-' ? -1 : 1;
			if (!q_digits(&p, 2, &zh) || *p++ != ':' ||
			    !q_digits(&p, 2, &zm) || zh > 23 || zm > 59)
				return false;
			off = sign * (zh * 3600 + zm * 60);
		}
	}
	if (*p != '\0' || !mt_utc_secs(y, mo, d, h, mi, sec, &t))
		return false;
	*out = ((mt_time)t - off) * 1000000 + us;
	return true;
}

int
query_time_parse(const char *s, mt_time now, mt_time *out,
    struct mt_err *err)
{
	if (q_relative(s, now, out) || q_iso(s, out))
		return 0;
	return mt_err_set(err, MT_E_USAGE, "\"%s\" is not a time: give one "
	    "relative to now (30m, 1h, 7d, 2w, 45s) or ISO 8601 "
	    "(2026-11-23, 2026-11-23T10:00:00Z, ...+02:00)", s);
}

int
query_server_parse(const char *s, struct query_filter *f, struct mt_err *err)
{
	const char	*c, *host = s, *port = NULL;
	size_t		 hl;
	uint64_t	 pv;
	int		 w;

	if (s[0] == '[') {
		if ((c = strchr(s, ']')) == NULL || (c[1] != '\0' &&
		    c[1] != ':'))
			goto bad;
		host = s + 1;
		hl = (size_t)(c - host);
		if (c[1] == ':')
			port = c + 2;
	} else if ((c = strchr(s, ':')) != NULL && strchr(c + 1, ':') ==
	    NULL) {
		hl = (size_t)(c - s);
		port = c + 1;
	} else
		hl = strlen(s);	/* a name, IPv4, or a bare IPv6 address */
	if (hl == 0 || memchr(host, '[', hl) != NULL || memchr(host, ']', hl) !=
	    NULL || memchr(host, ' ', hl) != NULL)
		goto bad;
	if (port != NULL && !mt_parse_u64(port, strlen(port), 1, 65535, &pv))
		goto bad;
	/* As records have it: "h:p", "[v6]:p". */
	if (memchr(host, ':', hl) != NULL)
		w = snprintf(f->server, sizeof(f->server), "[%.*s]:%s",
		    (int)hl, host, port != NULL ? port : "");
	else
		w = snprintf(f->server, sizeof(f->server), "%.*s:%s", (int)hl,
		    host, port != NULL ? port : "");
	if (w < 0 || (size_t)w >= sizeof(f->server))
		goto bad;
	f->has_server = true;
	f->server_port = port != NULL;
	return 0;
bad:
	return mt_err_set(err, MT_E_USAGE, "--server: \"%s\" is not HOST or "
	    "HOST:PORT (an IPv6 address as ::1 or [::1]:110)", s);
}

/*
 * The WHERE clause for f into sql (after q_cols or "SELECT id FROM
 * runs"), its parameters numbered from 1 in the order q_bind() binds
 * them.  Only fixed text: the values are bound.
 */
void
query_where(const struct query_filter *f, char *sql, size_t sz)
{
	size_t	n = strlen(sql);

	snprintf(sql + n, sz - n, " WHERE 1 = 1%s%s%s%s%s%s%s",
	    f->has_since ? " AND started >= ?1" : "",
	    f->has_until ? " AND started < ?2" : "",
	    f->proto != NULL ? " AND proto = ?3" : "",
	    f->source != NULL ? " AND (CASE proto WHEN 'decode' THEN 'pcap' "
	    "ELSE 'probe' END) = ?4" : "",
	    f->baseline != NULL ? " AND baseline = ?5" : "",
	    f->failed ? " AND ((exit_status IS NOT NULL AND exit_status != 0)"
	    " OR fail_seq IS NOT NULL OR (summarized = 0 AND EXISTS (SELECT 1 "
	    "FROM records WHERE run = runs.id AND rc != 0)))" : "",
	    !f->has_server ? "" : f->server_port ?
	    " AND (id IN (SELECT run FROM run_servers WHERE server = ?6) OR "
	    "(summarized = 0 AND EXISTS (SELECT 1 FROM records WHERE run = "
	    "runs.id AND server = ?6)))" :
	    " AND (id IN (SELECT run FROM run_servers WHERE server >= ?6 AND "
	    "server < ?7) OR (summarized = 0 AND EXISTS (SELECT 1 FROM records "
	    "WHERE run = runs.id AND server >= ?6 AND server < ?7)))");
}

/* Bind f's values to s (prepared from query_where()'s text). */
void
query_bind(struct db_stmt *s, const struct query_filter *f, char *upper,
    size_t usz)
{
	size_t	n;

	if (f->has_since)
		db_bind_int64(s, 1, f->since);
	if (f->has_until)
		db_bind_int64(s, 2, f->until);
	if (f->proto != NULL)
		db_bind_text(s, 3, f->proto, -1);
	if (f->source != NULL)
		db_bind_text(s, 4, f->source, -1);
	if (f->baseline != NULL)
		db_bind_text(s, 5, f->baseline, -1);
	if (f->has_server) {
		db_bind_text(s, 6, f->server, -1);
		if (!f->server_port) {
			/* "h:" <= server < "h;": every port of h. */
			n = strlen(f->server);
			snprintf(upper, usz, "%s", f->server);
			if (n > 0 && n < usz)
				upper[n - 1] = ';';
			db_bind_text(s, 7, upper, -1);
		}
	}
}

static void
q_text(struct db_stmt *s, int i, char *dst, size_t sz)
{
	const char	*t = db_col_text(s, i);

	snprintf(dst, sz, "%s", t != NULL ? (const char *)t : "");
}

/* The failure's step label: as monitoring names it (mon_step_label()). */
static void
q_fail_step(struct query_run *r)
{
	struct trace_rec	*t;

	r->fail_step[0] = '\0';
	if ((t = malloc(sizeof(*t))) == NULL)
		return;
	trace_rec_clear(t);
	t->event = r->fail_event;
	trace_str(t->intf, sizeof(t->intf), r->fail_intf);
	if (!mon_step_label(t, r->fail_step, sizeof(r->fail_step)))
		r->fail_step[0] = '\0';
	free(t);
}

/* Columns base.. of s: sessions, steps, then the failure's five. */
static void
q_read_sum(struct db_stmt *s, int b, struct query_run *r)
{
	r->sessions = (uint64_t)db_col_int64(s, b);
	r->steps = (uint64_t)db_col_int64(s, b + 1);
	r->has_fail = !db_col_null(s, b + 3);
	if (!r->has_fail)
		return;
	r->fail_session = (uint64_t)db_col_int64(s, b + 2);
	r->fail_seq = (uint32_t)db_col_int64(s, b + 3);
	r->fail_event = (unsigned)db_col_int64(s, b + 4);
	q_text(s, b + 5, r->fail_intf, sizeof(r->fail_intf));
	q_text(s, b + 6, r->fail_exc, sizeof(r->fail_exc));
	q_fail_step(r);
}

static int
q_live(struct store *st, struct db_stmt *live, struct query_run *r,
    struct mt_err *err)
{
	int	rc;

	db_bind_int64(live, 1, (int64_t)r->id);
	rc = db_step(live);
	if (rc == DB_ROW)
		q_read_sum(live, 0, r);
	db_reset(live);
	if (rc != DB_ROW)
		return store_fail(st, "summarizing a run", err);
	return 0;
}

static void
q_read(struct db_stmt *s, struct query_run *r)
{
	memset(r, 0, sizeof(*r));
	r->id = (uint64_t)db_col_int64(s, 0);
	q_text(s, 1, r->proto, sizeof(r->proto));
	q_text(s, 2, r->target, sizeof(r->target));
	q_text(s, 3, r->baseline, sizeof(r->baseline));
	snprintf(r->command, sizeof(r->command), "%s", r->baseline[0] != '\0' ?
	    "check" : r->proto);
	r->started = db_col_int64(s, 4);
	if (!db_col_null(s, 5)) {
		r->finished_set = true;
		r->finished = db_col_int64(s, 5);
		r->exit_status = (int)db_col_int64(s, 6);
	}
	if ((int)db_col_int64(s, 7))
		q_read_sum(s, 8, r);
}

int
query_runs(struct store *st, const struct query_filter *f,
    int (*fn)(void *, const struct query_run *), void *arg,
    struct mt_err *err)
{
	struct db		*db = store_db(st);
	struct db_stmt		*s = NULL, *live = NULL;
	struct query_run	 r;
	char			 sql[Q_SQL_HARD], upper[QUERY_HOST_HARD];
	size_t			 n;
	int			 rc, fr = 0;

	snprintf(sql, sizeof(sql), "%s", q_cols);
	query_where(f, sql, sizeof(sql));
	n = strlen(sql);
	snprintf(sql + n, sizeof(sql) - n, " ORDER BY started DESC, id DESC%s",
	    f->limit > 0 ? " LIMIT ?8" : "");
	if (db_prepare(db, sql, &s) != 0 ||
	    db_prepare(db, q_live_sql, &live) != 0) {
		fr = store_fail(st, "listing runs", err);
		goto out;
	}
	query_bind(s, f, upper, sizeof(upper));
	if (f->limit > 0)
		db_bind_int64(s, 8, f->limit);
	while ((rc = db_step(s)) == DB_ROW) {
		q_read(s, &r);
		if (!(int)db_col_int64(s, 7) && (fr = q_live(st, live, &r,
		    err)) != 0)
			goto out;
		if ((fr = fn(arg, &r)) != 0)
			goto out;
	}
	if (rc != DB_DONE)
		fr = store_fail(st, "listing runs", err);
out:
	db_finalize(s);
	db_finalize(live);
	return fr;
}
