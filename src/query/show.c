/*
 * SPDX-License-Identifier: BSD-2-Clause
 * show.c - the records of a run that show's --session, --event and
 * --failed keep.  --failed reads the run twice: first only its records'
 * numbers (session, seq, event, rc), which find the failed records and
 * their context, then the kept records whole, in stored order.  Memory:
 * a few numbers per session, and two per kept record.
 */
#include "query.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"

#include "store_sql.h"

#define SHOW_DEPTH	8	/* open points kept per session */

/* A record by its place. */
struct key {
	uint64_t	 session;
	uint32_t	 seq;
};

/* An open point: a "before" or an API entry not yet closed. */
struct open_pt {
	unsigned	 event;
	uint32_t	 seq;
};

struct sess {
	struct open_pt	 before[SHOW_DEPTH];
	size_t		 nbefore;
	struct open_pt	 enter[SHOW_DEPTH];
	size_t		 nenter;
};

struct keep {
	struct key	*k;
	size_t		 n, cap;
	struct sess	*s;		/* by session number */
	size_t		 ns;
};

struct show_sink {
	struct sink		 base;
	struct sink		*out;
	const struct query_show	*q;
	const struct keep	*keep;
};

/* What kind of point an event is, by its catalog name. */
static bool
name_ends(unsigned event, const char *suffix)
{
	const struct ev_info	*ev = ev_lookup(event);
	size_t			 n, l = strlen(suffix);

	if (ev == NULL)
		return false;
	n = strlen(ev->name);
	return n >= l && strcmp(ev->name + n - l, suffix) == 0;
}

static int
keep_add(struct keep *kp, uint64_t session, uint32_t seq)
{
	struct key	*k;

	if (kp->n == kp->cap) {
		if ((k = reallocarray(kp->k, kp->cap ? kp->cap * 2 : 64,
		    sizeof(*k))) == NULL)
			return -1;
		kp->k = k;
		kp->cap = kp->cap ? kp->cap * 2 : 64;
	}
	kp->k[kp->n].session = session;
	kp->k[kp->n++].seq = seq;
	return 0;
}

static struct sess *
keep_sess(struct keep *kp, uint64_t session)
{
	struct sess	*s;
	size_t		 n;

	if (session >= kp->ns) {
		if (session > SIZE_MAX / 2 / sizeof(*s))
			return NULL;
		n = (size_t)session + 1 > kp->ns * 2 ? (size_t)session + 1 :
		    kp->ns * 2;
		if ((s = reallocarray(kp->s, n, sizeof(*s))) == NULL)
			return NULL;
		memset(s + kp->ns, 0, (n - kp->ns) * sizeof(*s));
		kp->s = s;
		kp->ns = n;
	}
	return &kp->s[session];
}

/* Push p on a stack of SHOW_DEPTH (the oldest drops off when full). */
static void
push(struct open_pt *st, size_t *n, unsigned event, uint32_t seq)
{
	if (*n == SHOW_DEPTH) {
		memmove(st, st + 1, (SHOW_DEPTH - 1) * sizeof(*st));
		(*n)--;
	}
	st[*n].event = event;
	st[(*n)++].seq = seq;
}

/* Close the innermost open point opened by event open; its seq or 0. */
static uint32_t
pop(struct open_pt *st, size_t *n, unsigned open)
{
	size_t	i;

	for (i = *n; i > 0; i--)
		if (st[i - 1].event == open) {
			*n = i - 1;
			return st[i - 1].seq;
		}
	return 0;
}

static int
key_cmp(const void *x, const void *y)
{
	const struct key	*a = x, *b = y;

	if (a->session != b->session)
		return a->session < b->session ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* One record's numbers through the sessions' open points. */
static int
keep_step(struct keep *kp, uint64_t session, uint32_t seq, unsigned event,
    int rc)
{
	struct sess	*s;
	uint32_t	 before = 0, enter;

	if ((s = keep_sess(kp, session)) == NULL)
		return -1;
	if (name_ends(event, "_BEFORE"))
		push(s->before, &s->nbefore, event, seq);
	else if (name_ends(event, "_ENTER"))
		push(s->enter, &s->nenter, event, seq);
	else if (name_ends(event, "_AFTER"))
		before = pop(s->before, &s->nbefore, event - 1);
	if (rc != 0) {
		enter = s->nenter > 0 ? s->enter[s->nenter - 1].seq : 0;
		if (keep_add(kp, session, seq) != 0 || (before != 0 &&
		    keep_add(kp, session, before) != 0) || (enter != 0 &&
		    keep_add(kp, session, enter) != 0))
			return -1;
	}
	if (name_ends(event, "_EXIT"))
		(void)pop(s->enter, &s->nenter, event - 1);
	return 0;
}

static int
keep_find(struct store *st, uint64_t run, struct keep *kp,
    struct mt_err *err)
{
	struct db_stmt	*s;
	int		 rc;

	if (db_prepare(store_db(st), "SELECT session, seq, event, rc "
	    "FROM records WHERE run = ?1 ORDER BY rowid", &s) != 0)
		return store_fail(st, "reading records", err);
	db_stream(s);
	db_bind_int64(s, 1, (int64_t)run);
	while ((rc = db_step(s)) == DB_ROW)
		if (keep_step(kp, (uint64_t)db_col_int64(s, 0),
		    (uint32_t)db_col_int64(s, 1),
		    (unsigned)db_col_int64(s, 2),
		    (int)db_col_int64(s, 3)) != 0) {
			db_finalize(s);
			return mt_err_set(err, MT_E_INTERNAL, "out of memory");
		}
	db_finalize(s);
	if (rc != DB_DONE)
		return store_fail(st, "reading records", err);
	if (kp->n > 0)
		qsort(kp->k, kp->n, sizeof(*kp->k), key_cmp);
	return 0;
}

static int
show_rec(struct sink *sk, const struct trace_rec *r, struct mt_err *err)
{
	struct show_sink	*ss = (struct show_sink *)sk;
	struct key		 k;

	if (ss->q->has_session && r->session != ss->q->session)
		return 0;
	if (ss->q->has_event && r->event != ss->q->event)
		return 0;
	if (ss->q->failed) {
		k.session = r->session;
		k.seq = r->seq;
		if (ss->keep->n == 0 || bsearch(&k, ss->keep->k, ss->keep->n,
		    sizeof(k), key_cmp) == NULL)
			return 0;
	}
	return ss->out->rec(ss->out, r, err);
}

int
query_show_run(struct store *st, uint64_t run, const struct query_show *q,
    struct sink *out, struct mt_err *err)
{
	struct show_sink	 ss;
	struct keep		 kp;
	int			 rc = 0;

	memset(&kp, 0, sizeof(kp));
	if (q->failed)
		rc = keep_find(st, run, &kp, err);
	free(kp.s);
	kp.s = NULL;
	if (rc == 0) {
		memset(&ss, 0, sizeof(ss));
		ss.base.rec = show_rec;
		ss.out = out;
		ss.q = q;
		ss.keep = &kp;
		rc = store_replay(st, run, &ss.base, err);
	}
	free(kp.k);
	return rc;
}
