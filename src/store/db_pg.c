/*
 * SPDX-License-Identifier: BSD-2-Clause
 * db_pg.c - the database layer's PostgreSQL driver (libpq): statements
 * prepared on the server with the types of their bound parameters
 * (prepared again when those change), parameters sent as text (blobs as
 * binary bytea), results read as text: whole, or row by row for the
 * statements that stream (libpq's single-row mode).  Records are kept byte for
 * byte, as sqlite keeps them (a wire line may hold any byte): the
 * database's encoding must be SQL_ASCII, which stores text unconverted
 * and unchecked (docs/scale.md); any other is refused at open.
 */
#include "db.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "db_int.h"

/* The built-in type OIDs (catalog/pg_type.h, stable since 7.x). */
#define DBP_BYTEAOID	17
#define DBP_INT8OID	20
#define DBP_TEXTOID	25

#define DBP_ERR_HARD	512	/* one line of a failure */
#define DBP_PARAMS_HARD	1024	/* parameters of one statement */
#define DBP_TIMEOUT	"10"	/* seconds to connect, unless the URL says */

struct dbp {
	struct db	 base;		/* first */
	PGconn		*c;
	unsigned	 names;		/* prepared statements so far */
	bool		 up;		/* it was connected */
	char		 err[DBP_ERR_HARD];
};

struct dbp_param {
	Oid		 type;		/* 0: the server infers it */
	bool		 used;		/* the SQL names it (else: typed text) */
	bool		 null;
	int		 fmt;		/* 0 text, 1 binary (bytea) */
	char		*buf;		/* NUL-terminated text, or the bytes */
	size_t		 len;
	size_t		 cap;
};

struct dbp_stmt {
	struct db_stmt	 base;		/* first */
	struct dbp	*d;
	char		*sql;		/* with $N */
	int		 n;		/* parameters */
	struct dbp_param *p;
	Oid		*types;		/* as prepared (n of them) */
	const char	**vals;		/* PQexecPrepared()'s arrays (n each) */
	int		*lens, *fmts;
	char		 name[32];	/* "" until prepared */
	PGresult	*res;		/* NULL until run */
	int		 row;		/* the current row: -1 before the first */
	bool		 stream;	/* single-row mode (db_stream()) */
	int		 sstate;	/* streaming: 0 not sent, 1 rows coming,
					   2 done */
	unsigned char	*blob;		/* column blob_col of row, decoded */
	size_t		 blob_len;
	int		 blob_col, blob_row;
};

static const struct db_ops	dbp_ops;

static void	dbp_finalize(struct db_stmt *);

#define D(db)	((struct dbp *)(void *)(db))
#define S(s)	((struct dbp_stmt *)(void *)(s))

/*
 * A message of libpq's as one line into d->err (no trailing newline).  A
 * lost connection says so first, with libpq's first line only (the rest
 * is its guesses why).
 */
static void
dbp_seterr(struct dbp *d, const char *msg)
{
	size_t	i, n;
	bool	lost = d->up && PQstatus(d->c) == CONNECTION_BAD;

	if (msg == NULL || msg[0] == '\0')
		msg = "unknown PostgreSQL failure";
	if (lost)
		snprintf(d->err, sizeof(d->err), "the connection to the server "
		    "is lost (%.*s)", (int)strcspn(msg, "\n"), msg);
	else
		snprintf(d->err, sizeof(d->err), "%s", msg);
	n = strlen(d->err);
	while (n > 0 && (d->err[n - 1] == '\n' || d->err[n - 1] == ' '))
		d->err[--n] = '\0';
	for (i = 0; i < n; i++)
		if (d->err[i] == '\n' || d->err[i] == '\t')
			d->err[i] = ' ';
}

/* The failure of a result: its primary message, else the connection's. */
static void
dbp_reserr(struct dbp *d, const PGresult *r)
{
	const char	*m = NULL;

	if (r != NULL)
		m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	dbp_seterr(d, m != NULL ? m : PQerrorMessage(d->c));
}

/* Notices ("relation exists, skipping") are not for the user. */
static void
dbp_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/*
 * Does url carry a password (user:password@, or a password parameter)?
 * Looked at before libpq parses it, so that no message of libpq's can
 * repeat one.
 */
static bool
dbp_url_password(const char *url)
{
	const char	*a, *end, *at, *q;

	if ((a = strstr(url, "://")) == NULL)
		return false;
	a += 3;
	end = a + strcspn(a, "/?");
	for (at = NULL, q = a; q < end; q++)
		if (*q == '@')
			at = q;
	if (at != NULL && memchr(a, ':', (size_t)(at - a)) != NULL)
		return true;
	if ((q = strchr(end, '?')) != NULL) {
		for (q++; *q != '\0'; q += strcspn(q, "&"), q += *q == '&') {
			if (strncmp(q, "password=", 9) == 0 ||
			    strncmp(q, "sslpassword=", 12) == 0)
				return true;
		}
	}
	return false;
}

/*
 * The module's one entry (mailtrace-pg.so, loaded by db.c's db_open_pg()
 * when a store's URL is PostgreSQL's): everything else is reached through
 * the connection's ops.
 */
__attribute__((visibility("default"))) int
mt_db_open_pg(const char *url, struct db **out, struct mt_err *err);

__attribute__((visibility("default"))) int
mt_db_open_pg(const char *url, struct db **out, struct mt_err *err)
{
	static const char *const keys[] = { "connect_timeout",
				    "application_name", "dbname",
				    "client_encoding", NULL };
	const char		*vals[5] = { DBP_TIMEOUT, "mailtrace", url,
				    "SQL_ASCII", NULL };
	const char		*enc;
	PQconninfoOption	*opts, *o;
	struct dbp		*d;
	char			*perr = NULL;

	*out = NULL;
	if (dbp_url_password(url))
		return mt_err_set(err, MT_E_USAGE, "store: a PostgreSQL URL "
		    "must not carry a password (use ~/.pgpass or PGPASSFILE)");
	if ((opts = PQconninfoParse(url, &perr)) == NULL) {
		mt_err_set(err, MT_E_USAGE, "store %s: not a PostgreSQL URL: %s",
		    url, perr != NULL ? perr : "out of memory");
		if (perr != NULL)
			PQfreemem(perr);
		/* one line */
		for (perr = err->msg; (perr = strchr(perr, '\n')) != NULL;)
			*perr = perr[1] == '\0' ? '\0' : ' ';
		return -1;
	}
	/* (sslpassword: the client key's, a secret as much) */
	for (o = opts; o->keyword != NULL; o++)
		if ((strcmp(o->keyword, "password") == 0 ||
		    strcmp(o->keyword, "sslpassword") == 0) && o->val != NULL) {
			PQconninfoFree(opts);
			return mt_err_set(err, MT_E_USAGE, "store: a PostgreSQL "
			    "URL must not carry a password (use ~/.pgpass or "
			    "PGPASSFILE)");
		}
	PQconninfoFree(opts);
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return mt_err_set(err, MT_E_INTERNAL, "store: out of memory");
	d->base.ops = &dbp_ops;
	d->base.kind = DB_PG;
	d->c = PQconnectdbParams(keys, vals, 1);
	if (d->c == NULL || PQstatus(d->c) != CONNECTION_OK) {
		if (d->c != NULL)
			dbp_seterr(d, PQerrorMessage(d->c));
		mt_err_set(err, MT_E_STORE, "store %s: cannot connect: %s", url,
		    d->c != NULL ? d->err : "out of memory");
		PQfinish(d->c);
		free(d);
		return -1;
	}
	d->up = true;
	PQsetNoticeProcessor(d->c, dbp_notice, NULL);
	if ((enc = PQparameterStatus(d->c, "server_encoding")) == NULL ||
	    strcmp(enc, "SQL_ASCII") != 0) {
		mt_err_set(err, MT_E_STORE, "store %s: the database's encoding "
		    "is %s; mailtrace keeps records byte for byte and needs "
		    "SQL_ASCII (CREATE DATABASE ... ENCODING 'SQL_ASCII' "
		    "LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0)", url,
		    enc != NULL ? enc : "unknown");
		PQfinish(d->c);
		free(d);
		return -1;
	}
	*out = &d->base;
	return 0;
}

static void
dbp_close(struct db *db)
{
	PQfinish(D(db)->c);
	free(db);
}

static const char *
dbp_errmsg(struct db *db)
{
	return D(db)->err;
}

static bool
dbp_lost(struct db *db)
{
	return PQstatus(D(db)->c) == CONNECTION_BAD;
}

static int
dbp_exec(struct db *db, const char *sql)
{
	struct dbp	*d = D(db);
	PGresult	*r;
	int		 rc = 0;

	r = PQexec(d->c, sql);
	if (r == NULL || (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK)) {
		dbp_reserr(d, r);
		rc = DB_ERR;
	}
	PQclear(r);
	return rc;
}

static int
dbp_begin(struct db *db)
{
	return dbp_exec(db, "BEGIN");
}

static bool
dbp_in_txn(struct db *db)
{
	PGTransactionStatusType	t = PQtransactionStatus(D(db)->c);

	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR ||
	    t == PQTRANS_ACTIVE;
}

/*
 * sql with sqlite's ?N (and a bare ?, the next number) written $N, into a
 * new string; the count of parameters into *n.  Quoted text is copied as
 * it is.
 */
static char *
dbp_translate(const char *sql, int *n, bool *used)
{
	const char	*p;
	char		*out, *w;
	long		 v;
	int		 max = 0;

	/* "?" becomes "$N": at most 5 bytes more per parameter. */
	if ((out = malloc(strlen(sql) * 5 + 1)) == NULL)
		return NULL;
	for (p = sql, w = out; *p != '\0';) {
		if (*p == '\'' || *p == '"') {
			char	q = *p;

			*w++ = *p++;
			while (*p != '\0' && *p != q)
				*w++ = *p++;
			if (*p != '\0')
				*w++ = *p++;
			continue;
		}
		if (*p != '?') {
			*w++ = *p++;
			continue;
		}
		p++;
		if (*p >= '0' && *p <= '9') {
			for (v = 0; *p >= '0' && *p <= '9' && v <= DBP_PARAMS_HARD;
			    p++)
				v = v * 10 + (*p - '0');
		} else
			v = max + 1;
		if (v < 1 || v > DBP_PARAMS_HARD) {
			free(out);
			return NULL;
		}
		if (v > max)
			max = (int)v;
		used[v - 1] = true;
		w += snprintf(w, 6, "$%ld", v);	/* "$1024" at most */
	}
	*w = '\0';
	*n = max;
	return out;
}

static int
dbp_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
	struct dbp	*d = D(db);
	struct dbp_stmt	*s;
	bool		 used[DBP_PARAMS_HARD];
	int		 i;

	memset(used, 0, sizeof(used));
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		dbp_seterr(d, "out of memory");
		return DB_ERR;
	}
	s->base.ops = &dbp_ops;
	s->d = d;
	s->row = -1;
	s->blob_col = -1;
	if ((s->sql = dbp_translate(sql, &s->n, used)) == NULL ||
	    (s->n > 0 && ((s->p = calloc((size_t)s->n, sizeof(*s->p))) ==
	    NULL || (s->types = calloc((size_t)s->n, sizeof(*s->types))) ==
	    NULL || (s->vals = calloc((size_t)s->n, sizeof(*s->vals))) ==
	    NULL || (s->lens = calloc((size_t)s->n, sizeof(*s->lens))) ==
	    NULL || (s->fmts = calloc((size_t)s->n, sizeof(*s->fmts))) ==
	    NULL))) {
		dbp_seterr(d, "out of memory, or a statement with too many "
		    "parameters");
		s->n = 0;
		dbp_finalize(&s->base);
		return DB_ERR;
	}
	for (i = 0; i < s->n; i++) {
		s->p[i].null = true;
		s->p[i].used = used[i];
	}
	*out = &s->base;
	return 0;
}

/* Forget a server-side statement (when its types change, or at the end). */
static void
dbp_unprepare(struct dbp_stmt *s)
{
	char		 sql[64];
	PGresult	*r;

	if (s->name[0] == '\0')
		return;
	/* Not in a failed transaction: DEALLOCATE would fail there too. */
	if (PQstatus(s->d->c) == CONNECTION_OK &&
	    PQtransactionStatus(s->d->c) != PQTRANS_INERROR) {
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
		r = PQexec(s->d->c, sql);
		PQclear(r);
	}
	s->name[0] = '\0';
}

/* Read and drop what is left of a streaming statement's results. */
static void
dbp_drain(struct dbp_stmt *s)
{
	PGresult	*r;

	while ((r = PQgetResult(s->d->c)) != NULL)
		PQclear(r);
}

static void
dbp_reset(struct db_stmt *st)
{
	struct dbp_stmt	*s = S(st);

	if (s->sstate == 1)
		dbp_drain(s);
	s->sstate = 0;
	PQclear(s->res);
	s->res = NULL;
	s->row = -1;
	free(s->blob);
	s->blob = NULL;
	s->blob_col = -1;
}

static void
dbp_finalize(struct db_stmt *st)
{
	struct dbp_stmt	*s = S(st);
	int		 i;

	dbp_reset(st);
	dbp_unprepare(s);
	for (i = 0; i < s->n; i++)
		free(s->p[i].buf);
	free(s->p);
	free(s->types);
	free(s->vals);
	free(s->lens);
	free(s->fmts);
	free(s->sql);
	free(s);
}

/* Parameter i (from 1), or NULL when the statement has none such. */
static struct dbp_param *
dbp_param(struct dbp_stmt *s, int i)
{
	if (i < 1 || i > s->n)
		return NULL;
	return &s->p[i - 1];
}

static bool
dbp_put(struct dbp_param *p, const void *v, size_t n)
{
	char	*b;

	if (n + 1 > p->cap) {
		if ((b = realloc(p->buf, n + 1)) == NULL)
			return false;
		p->buf = b;
		p->cap = n + 1;
	}
	memcpy(p->buf, v, n);
	p->buf[n] = '\0';
	p->len = n;
	return true;
}

static void
dbp_bind_int64(struct db_stmt *st, int i, int64_t v)
{
	struct dbp_param	*p = dbp_param(S(st), i);
	char			 b[24];
	int			 n;

	if (p == NULL)
		return;
	n = snprintf(b, sizeof(b), "%" PRId64, v);
	p->type = DBP_INT8OID;
	p->fmt = 0;
	p->null = !dbp_put(p, b, (size_t)n);
}

static void
dbp_bind_text(struct db_stmt *st, int i, const char *v, int len)
{
	struct dbp_param	*p = dbp_param(S(st), i);

	if (p == NULL)
		return;
	p->type = DBP_TEXTOID;
	p->fmt = 0;
	p->null = !dbp_put(p, v, len < 0 ? strlen(v) : (size_t)len);
}

static void
dbp_bind_blob(struct db_stmt *st, int i, const void *v, size_t n)
{
	struct dbp_param	*p = dbp_param(S(st), i);

	if (p == NULL)
		return;
	p->type = DBP_BYTEAOID;
	p->fmt = 1;
	p->null = !dbp_put(p, v, n);
}

static void
dbp_bind_null(struct db_stmt *st, int i, enum db_type t)
{
	struct dbp_param	*p = dbp_param(S(st), i);

	if (p == NULL)
		return;
	p->type = t == DB_INT ? DBP_INT8OID : t == DB_TEXT ? DBP_TEXTOID :
	    DBP_BYTEAOID;
	p->null = true;
}

static void
dbp_clear_bindings(struct db_stmt *st)
{
	struct dbp_stmt	*s = S(st);
	int		 i;

	for (i = 0; i < s->n; i++)
		s->p[i].null = true;
}

/* Prepare s on the server with the types bound now, unless it is. */
static int
dbp_ready(struct dbp_stmt *s)
{
	struct dbp	*d = s->d;
	PGresult	*r;
	Oid		 t;
	int		 i;
	bool		 same = s->name[0] != '\0';

	/*
	 * A number the SQL does not name (a filter left out) cannot be
	 * inferred: it is typed text, and stays NULL.
	 */
	for (i = 0; i < s->n; i++) {
		t = s->p[i].type;
		if (t == 0 && !s->p[i].used)
			t = DBP_TEXTOID;
		if (s->types[i] != t) {
			s->types[i] = t;
			same = false;
		}
	}
	if (same)
		return 0;
	dbp_unprepare(s);
	snprintf(s->name, sizeof(s->name), "mt%u", ++d->names);
	r = PQprepare(d->c, s->name, s->sql, s->n, s->types);
	if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
		dbp_reserr(d, r);
		PQclear(r);
		s->name[0] = '\0';
		return DB_ERR;
	}
	PQclear(r);
	return 0;
}

static int
dbp_run(struct dbp_stmt *s)
{
	struct dbp		*d = s->d;
	int			 i;
	ExecStatusType		 rs;

	if (dbp_ready(s) != 0)
		return DB_ERR;
	for (i = 0; i < s->n; i++) {
		s->vals[i] = s->p[i].null ? NULL : s->p[i].buf;
		s->lens[i] = (int)s->p[i].len;
		s->fmts[i] = s->p[i].fmt;
	}
	s->res = PQexecPrepared(d->c, s->name, s->n, s->vals, s->lens,
	    s->fmts, 0);
	rs = s->res != NULL ? PQresultStatus(s->res) : PGRES_FATAL_ERROR;
	if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK) {
		dbp_reserr(d, s->res);
		PQclear(s->res);
		s->res = NULL;
		return DB_ERR;
	}
	return 0;
}

static void
dbp_stream(struct db_stmt *st)
{
	S(st)->stream = true;
}

/* The next row of a streaming statement (sent now, the first time). */
static int
dbp_step_stream(struct dbp_stmt *s)
{
	struct dbp	*d = s->d;
	int		 i;
	ExecStatusType	 rs;

	if (s->sstate == 2)
		return DB_DONE;
	if (s->sstate == 0) {
		if (dbp_ready(s) != 0)
			return DB_ERR;
		for (i = 0; i < s->n; i++) {
			s->vals[i] = s->p[i].null ? NULL : s->p[i].buf;
			s->lens[i] = (int)s->p[i].len;
			s->fmts[i] = s->p[i].fmt;
		}
		if (!PQsendQueryPrepared(d->c, s->name, s->n, s->vals, s->lens,
		    s->fmts, 0)) {
			dbp_seterr(d, PQerrorMessage(d->c));
			return DB_ERR;
		}
		(void)PQsetSingleRowMode(d->c);
		s->sstate = 1;
	}
	PQclear(s->res);
	s->res = PQgetResult(d->c);
	free(s->blob);
	s->blob = NULL;
	s->blob_col = -1;
	rs = s->res != NULL ? PQresultStatus(s->res) : PGRES_FATAL_ERROR;
	if (rs == PGRES_SINGLE_TUPLE) {
		s->row = 0;
		return DB_ROW;
	}
	if (rs != PGRES_TUPLES_OK && rs != PGRES_COMMAND_OK)
		dbp_reserr(d, s->res);
	PQclear(s->res);
	s->res = NULL;
	s->row = -1;
	dbp_drain(s);
	s->sstate = 2;
	return rs == PGRES_TUPLES_OK || rs == PGRES_COMMAND_OK ? DB_DONE :
	    DB_ERR;
}

static int
dbp_step(struct db_stmt *st)
{
	struct dbp_stmt	*s = S(st);

	if (s->stream)
		return dbp_step_stream(s);
	if (s->res == NULL && dbp_run(s) != 0)
		return DB_ERR;
	free(s->blob);
	s->blob = NULL;
	s->blob_col = -1;
	if (s->row + 1 < PQntuples(s->res)) {
		s->row++;
		return DB_ROW;
	}
	s->row = PQntuples(s->res);
	return DB_DONE;
}

/*
 * A statement whose failure undoes only itself: inside a transaction
 * PostgreSQL fails every later statement after an error, so the statement
 * runs under a savepoint there.
 */
static int
dbp_step_atomic(struct db_stmt *st)
{
	struct dbp_stmt	*s = S(st);
	struct dbp	*d = s->d;
	char		 keep[DBP_ERR_HARD];
	int		 rc;

	if (s->res != NULL || s->stream ||
	    PQtransactionStatus(d->c) != PQTRANS_INTRANS)
		return dbp_step(st);
	if (dbp_exec(&d->base, "SAVEPOINT mt_stmt") != 0)
		return DB_ERR;
	if ((rc = dbp_step(st)) == DB_ERR) {
		memcpy(keep, d->err, sizeof(keep));
		(void)dbp_exec(&d->base, "ROLLBACK TO SAVEPOINT mt_stmt");
		(void)dbp_exec(&d->base, "RELEASE SAVEPOINT mt_stmt");
		memcpy(d->err, keep, sizeof(keep));
		return DB_ERR;
	}
	if (dbp_exec(&d->base, "RELEASE SAVEPOINT mt_stmt") != 0)
		return DB_ERR;
	return rc;
}

static bool
dbp_col_ok(struct dbp_stmt *s, int i)
{
	return s->res != NULL && s->row >= 0 && s->row < PQntuples(s->res) &&
	    i >= 0 && i < PQnfields(s->res);
}

static bool
dbp_col_null(struct db_stmt *st, int i)
{
	struct dbp_stmt	*s = S(st);

	return !dbp_col_ok(s, i) || PQgetisnull(s->res, s->row, i);
}

static int64_t
dbp_col_int64(struct db_stmt *st, int i)
{
	struct dbp_stmt	*s = S(st);
	const char	*t;

	if (dbp_col_null(st, i))
		return 0;
	t = PQgetvalue(s->res, s->row, i);
	/* A boolean (a comparison in a column) reads as sqlite's 1 or 0. */
	if (t[0] == 't' && t[1] == '\0')
		return 1;
	return (int64_t)strtoll(t, NULL, 10);
}

static const char *
dbp_col_text(struct db_stmt *st, int i)
{
	struct dbp_stmt	*s = S(st);

	if (dbp_col_null(st, i))
		return NULL;
	return PQgetvalue(s->res, s->row, i);
}

/* Column i, a bytea in text form ("\x0a0b..."), decoded into s->blob. */
static const void *
dbp_col_blob(struct db_stmt *st, int i)
{
	struct dbp_stmt	*s = S(st);
	size_t		 n;

	if (dbp_col_null(st, i))
		return NULL;
	if (PQftype(s->res, i) != DBP_BYTEAOID)
		return PQgetvalue(s->res, s->row, i);
	if (s->blob_col == i && s->blob_row == s->row)
		return s->blob;
	free(s->blob);
	s->blob = PQunescapeBytea((const unsigned char *)PQgetvalue(s->res,
	    s->row, i), &n);
	s->blob_len = s->blob != NULL ? n : 0;
	s->blob_col = s->blob != NULL ? i : -1;
	s->blob_row = s->row;
	return s->blob;
}

static size_t
dbp_col_bytes(struct db_stmt *st, int i)
{
	struct dbp_stmt	*s = S(st);

	if (dbp_col_null(st, i))
		return 0;
	if (PQftype(s->res, i) == DBP_BYTEAOID)
		return dbp_col_blob(st, i) != NULL ? s->blob_len : 0;
	return (size_t)PQgetlength(s->res, s->row, i);
}

static const struct db_ops dbp_ops = {
	.close = dbp_close,
	.errmsg = dbp_errmsg,
	.lost = dbp_lost,
	.exec = dbp_exec,
	.begin = dbp_begin,
	.in_txn = dbp_in_txn,
	.prepare = dbp_prepare,
	.finalize = dbp_finalize,
	.bind_int64 = dbp_bind_int64,
	.bind_text = dbp_bind_text,
	.bind_blob = dbp_bind_blob,
	.bind_null = dbp_bind_null,
	.clear_bindings = dbp_clear_bindings,
	.step = dbp_step,
	.step_atomic = dbp_step_atomic,
	.reset = dbp_reset,
	.stream = dbp_stream,
	.col_null = dbp_col_null,
	.col_int64 = dbp_col_int64,
	.col_text = dbp_col_text,
	.col_blob = dbp_col_blob,
	.col_bytes = dbp_col_bytes,
};
