/*
 * SPDX-License-Identifier: BSD-2-Clause
 * test_query.c - the queries of src/query on a built store: a run's
 * summary written as it ends, and by migration 10 for a run ended before
 * it; runs' filters; show --failed's context; stats' counts, failures
 * and percentiles; chk_quantile().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check/check.h"
#include "query.h"
#include "store.h"
#include "trace.h"

#define CHECK(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,	\
		    __LINE__, #c);					\
		exit(1);						\
	}								\
} while (0)
#define CHECK_OK(c, err) do {						\
	if ((c) != 0) {							\
		fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__,	\
		    __LINE__, #c, (err).msg);				\
		exit(1);						\
	}								\
} while (0)

#define T0	((mt_time)1795428000 * 1000000)	/* 2026-11-23T10:00:00Z */

static char	 dir[] = "/tmp/mt-query-XXXXXX";
static char	 path[256];

/* Add a record of event ev (rc, int, elapsed) to run's session 1. */
static void
rec(struct sink *sk, uint64_t run, uint32_t seq, unsigned ev, int rc,
    const char *intf, int64_t us, const char *server)
{
	struct trace_rec	*r = calloc(1, sizeof(*r));
	struct mt_err		 err;

	CHECK(r != NULL);
	trace_rec_clear(r);
	r->run = run;
	r->session = 1;
	r->seq = seq;
	r->event = ev;
	r->level = 'A';
	r->rc = rc;
	trace_str(r->intf, sizeof(r->intf), intf);
	if (rc != 0)
		trace_str(r->opt, sizeof(r->opt), "javax.mail.X");
	r->time = T0 + seq;
	trace_str(r->server, sizeof(r->server), server);
	r->has_elapsed = us >= 0;
	r->elapsed_us = us;
	CHECK_OK(sk->rec(sk, r, &err), err);
	free(r);
}

/* A POP3 run: greeting us, STAT (failed when fail). */
static uint64_t
mkrun(struct store *st, mt_time started, int64_t us, bool fail,
    const char *server, bool end)
{
	struct run_info	 ri;
	struct sink	*sk;
	struct mt_err	 err;

	memset(&ri, 0, sizeof(ri));
	ri.proto = "pop3";
	ri.target = "pop3://bob@h";
	ri.level = "standard";
	ri.started = started;
	CHECK_OK(store_run_begin(st, &ri, &err), err);
	CHECK((sk = store_sink(st)) != NULL);
	rec(sk, ri.run, 1, EV_POP3_CONNECT_ENTER, 0, "--", -1, server);
	rec(sk, ri.run, 2, EV_POP3_GREET_BEFORE, 0, "--", -1, server);
	rec(sk, ri.run, 3, EV_POP3_GREET_AFTER, 0, "connect-mail-server", us,
	    server);
	rec(sk, ri.run, 4, EV_POP3_CMD2_BEFORE, 0, "STAT", -1, server);
	rec(sk, ri.run, 5, EV_POP3_CMD2_AFTER, fail ? MT_E_PROTO : 0, "STAT",
	    us, server);
	CHECK_OK(sk->flush(sk, &err), err);
	sk->close(sk);
	if (end)
		CHECK_OK(store_run_end(st, ri.run, fail, started + 1000, &err),
		    err);
	return ri.run;
}

struct got {
	uint64_t		ids[16];
	struct query_run	r[16];
	size_t			n;
};

static int
got_run(void *arg, const struct query_run *r)
{
	struct got	*g = arg;

	CHECK(g->n < 16);
	g->r[g->n] = *r;
	g->ids[g->n++] = r->id;
	return 0;
}

static size_t
list(struct store *st, const struct query_filter *f, struct got *g)
{
	struct mt_err	err;

	memset(g, 0, sizeof(*g));
	CHECK_OK(query_runs(st, f, got_run, g, &err), err);
	return g->n;
}

struct shown {
	struct sink	 base;
	unsigned	 ev[16];
	size_t		 n;
};

static int
shown_rec(struct sink *sk, const struct trace_rec *r, struct mt_err *err)
{
	struct shown	*s = (struct shown *)sk;

	(void)err;
	CHECK(s->n < 16);
	s->ev[s->n++] = r->event;
	return 0;
}

struct stats_got {
	struct query_stat	 s[8];
	size_t			 n;
};

static int
got_stat(void *arg, const struct query_stat *s)
{
	struct stats_got	*g = arg;

	CHECK(g->n < 8);
	g->s[g->n++] = *s;
	return 0;
}

/* runs' summary columns and run_servers, as id:summarized:sessions:... */
static void
check_sums(const char *p, const char *runs, const char *servers)
{
	sqlite3		*db;
	sqlite3_stmt	*s;

	CHECK(sqlite3_open(p, &db) == SQLITE_OK);
	CHECK(sqlite3_prepare_v2(db, "SELECT (SELECT group_concat(id || ':' "
	    "|| summarized || ':' || ifnull(sessions, '-') || ':' || "
	    "ifnull(steps, '-') || ':' || ifnull(fail_seq, '-'), ' ') FROM "
	    "(SELECT * FROM runs ORDER BY id)), (SELECT group_concat(server "
	    "|| ':' || run, ' ') FROM (SELECT * FROM run_servers ORDER BY "
	    "server, run))", -1, &s, NULL) == SQLITE_OK);
	CHECK(sqlite3_step(s) == SQLITE_ROW);
	if (strcmp((const char *)sqlite3_column_text(s, 0), runs) != 0 ||
	    strcmp((const char *)sqlite3_column_text(s, 1), servers) != 0) {
		fprintf(stderr, "summaries: %s / %s\n",
		    sqlite3_column_text(s, 0), sqlite3_column_text(s, 1));
		exit(1);
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
}

static void
test_quantile(void)
{
	const int64_t	a[] = { 10, 20, 30, 40 }, b[] = { 5 };
	int64_t		c[100];
	int		i;

	CHECK(chk_quantile(a, 4, 50) == 25);	/* the middle two's mean */
	CHECK(chk_quantile(a, 3, 50) == 20);
	CHECK(chk_quantile(a, 4, 0) == 10 && chk_quantile(a, 4, 100) == 40);
	CHECK(chk_quantile(b, 1, 99) == 5);
	for (i = 0; i < 100; i++)
		c[i] = i + 1;
	CHECK(chk_quantile(c, 100, 95) == 95);	/* 95.05, rounded down */
	CHECK(chk_quantile(c, 100, 99) == 99);
}

int
main(void)
{
	struct query_filter	 f;
	struct query_show	 q;
	struct stats_got	 sg;
	struct shown		 sh;
	struct store		*st;
	struct mt_err		 err;
	struct got		 g;
	sqlite3			*db;
	uint64_t		 r1, r2, r3, r4;
	int			 i;

	test_quantile();
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/q.db", dir);
	CHECK_OK(store_open(path, &st, &err), err);
	r1 = mkrun(st, T0, 100, false, "127.0.0.1:110", true);
	r2 = mkrun(st, T0 + 3600000000LL, 300, true, "127.0.0.1:110", true);
	r3 = mkrun(st, T0 + 7200000000LL, 200, false, "[::1]:995", true);
	r4 = mkrun(st, T0 + 7300000000LL, 400, true, "127.0.0.1:110", false);
	store_close(st);
	/* store_run_end() wrote the summaries (not run 4: it did not end). */
	check_sums(path, "1:1:1:5:- 2:1:1:5:5 3:1:1:5:- 4:0:-:-:-",
	    "127.0.0.1:110:1 127.0.0.1:110:2 [::1]:995:3");

	/* Migration 10 summarizes runs ended before it: undo them. */
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "UPDATE runs SET sessions = NULL, steps = NULL,"
	    " summarized = 0; DELETE FROM run_servers; DROP INDEX runs_started;"
	    "DROP TABLE run_servers;"
	    "ALTER TABLE runs DROP COLUMN sessions;"
	    "ALTER TABLE runs DROP COLUMN steps;"
	    "ALTER TABLE runs DROP COLUMN fail_session;"
	    "ALTER TABLE runs DROP COLUMN fail_seq;"
	    "ALTER TABLE runs DROP COLUMN fail_event;"
	    "ALTER TABLE runs DROP COLUMN fail_intf;"
	    "ALTER TABLE runs DROP COLUMN fail_exc;"
	    "ALTER TABLE runs DROP COLUMN summarized;"
	    "PRAGMA user_version = 9;", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	CHECK_OK(store_open(path, &st, &err), err);

	memset(&f, 0, sizeof(f));
	CHECK(list(st, &f, &g) == 4);
	CHECK(g.ids[0] == r4 && g.ids[1] == r3 && g.ids[2] == r2 &&
	    g.ids[3] == r1);
	CHECK(strcmp(query_outcome(&g.r[0]), "unfinished") == 0);
	CHECK(g.r[0].has_fail && g.r[0].steps == 5);	/* summarized live */
	CHECK(strcmp(query_outcome(&g.r[3]), "ok") == 0 && g.r[3].sessions ==
	    1 && g.r[3].steps == 5 && !g.r[3].has_fail);
	CHECK(strcmp(query_outcome(&g.r[2]), "failed") == 0);
	CHECK(g.r[2].has_fail && g.r[2].fail_seq == 5 &&
	    g.r[2].fail_event == EV_POP3_CMD2_AFTER &&
	    strcmp(g.r[2].fail_step, "stat") == 0 &&
	    strcmp(g.r[2].fail_exc, "javax.mail.X") == 0);
	/* The migration filled the columns; run 4 (unfinished) has none. */
	check_sums(path, "1:1:1:5:- 2:1:1:5:5 3:1:1:5:- 4:0:-:-:-",
	    "127.0.0.1:110:1 127.0.0.1:110:2 [::1]:995:3");

	f.failed = true;
	CHECK(list(st, &f, &g) == 2 && g.ids[0] == r4 && g.ids[1] == r2);
	memset(&f, 0, sizeof(f));
	CHECK_OK(query_server_parse("127.0.0.1", &f, &err), err);
	CHECK(list(st, &f, &g) == 3);
	CHECK_OK(query_server_parse("::1", &f, &err), err);
	CHECK(list(st, &f, &g) == 1 && g.ids[0] == r3);
	CHECK_OK(query_server_parse("[::1]:995", &f, &err), err);
	CHECK(list(st, &f, &g) == 1 && g.ids[0] == r3);
	CHECK_OK(query_server_parse("[::1]:110", &f, &err), err);
	CHECK(list(st, &f, &g) == 0);
	CHECK(query_server_parse("a:b:c]", &f, &err) != 0 &&
	    err.code == MT_E_USAGE);
	memset(&f, 0, sizeof(f));
	CHECK_OK(query_time_parse("2026-11-23T11:00:00Z", 0, &f.since, &err),
	    err);
	f.has_since = true;
	CHECK(list(st, &f, &g) == 3);
	CHECK_OK(query_time_parse("2026-11-23T13:00:00+02:00", 0, &f.until,
	    &err), err);	/* 11:00Z */
	f.has_until = true;
	CHECK(list(st, &f, &g) == 0);
	CHECK_OK(query_time_parse("1h", T0 + 7200000000LL, &f.since, &err),
	    err);
	f.has_until = false;
	CHECK(list(st, &f, &g) == 3);
	CHECK(query_time_parse("2026-02-30", 0, &f.since, &err) != 0);
	CHECK(query_time_parse("1y", 0, &f.since, &err) != 0);
	memset(&f, 0, sizeof(f));
	f.limit = 2;
	CHECK(list(st, &f, &g) == 2 && g.ids[1] == r3);
	f.limit = 0;
	f.source = "pcap";
	CHECK(list(st, &f, &g) == 0);

	/* show --failed: the failed STAT, its before point, the API entry */
	memset(&q, 0, sizeof(q));
	q.failed = true;
	memset(&sh, 0, sizeof(sh));
	sh.base.rec = shown_rec;
	CHECK_OK(query_show_run(st, r2, &q, &sh.base, &err), err);
	CHECK(sh.n == 3 && sh.ev[0] == EV_POP3_CONNECT_ENTER &&
	    sh.ev[1] == EV_POP3_CMD2_BEFORE && sh.ev[2] == EV_POP3_CMD2_AFTER);
	memset(&sh, 0, sizeof(sh));
	sh.base.rec = shown_rec;
	CHECK_OK(query_show_run(st, r1, &q, &sh.base, &err), err);
	CHECK(sh.n == 0);
	memset(&q, 0, sizeof(q));
	q.has_event = true;
	q.event = EV_POP3_GREET_AFTER;
	memset(&sh, 0, sizeof(sh));
	sh.base.rec = shown_rec;
	CHECK_OK(query_show_run(st, r1, &q, &sh.base, &err), err);
	CHECK(sh.n == 1 && sh.ev[0] == EV_POP3_GREET_AFTER);

	/* stats: per server and step */
	memset(&f, 0, sizeof(f));
	memset(&sg, 0, sizeof(sg));
	CHECK_OK(query_stats(st, &f, NULL, got_stat, &sg, &err), err);
	CHECK(sg.n == 4);
	CHECK(strcmp(sg.s[0].server, "127.0.0.1:110") == 0 &&
	    strcmp(sg.s[0].step, "greeting") == 0);
	CHECK(sg.s[0].count == 3 && sg.s[0].failures == 0 &&
	    sg.s[0].min_us == 100 && sg.s[0].median_us == 300 &&
	    sg.s[0].max_us == 400 && sg.s[0].p95_us == 390 &&
	    sg.s[0].p99_us == 398);
	CHECK(strcmp(sg.s[1].step, "stat") == 0 && sg.s[1].failures == 2 &&
	    sg.s[1].nexc == 1 && sg.s[1].exc[0].n == 2 &&
	    strcmp(sg.s[1].exc[0].name, "javax.mail.X") == 0);
	CHECK(strcmp(sg.s[2].server, "[::1]:995") == 0);
	memset(&sg, 0, sizeof(sg));
	CHECK_OK(query_server_parse("127.0.0.1:110", &f, &err), err);
	CHECK_OK(query_stats(st, &f, "stat", got_stat, &sg, &err), err);
	CHECK(sg.n == 1 && sg.s[0].count == 3 && sg.s[0].timed == 3);
	store_close(st);
	for (i = 0; i < 3; i++) {
		static const char *const sfx[] = { "", "-wal", "-shm" };
		char			 p[300];

		snprintf(p, sizeof(p), "%s%s", path, sfx[i]);
		unlink(p);
	}
	rmdir(dir);
	printf("ok\n");
	return 0;
}
