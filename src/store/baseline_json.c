/*
 * SPDX-License-Identifier: BSD-2-Clause
 * baseline_json.c - a baseline as a reviewable JSON file (issue 10,
 * docs/check.md "Baseline files"): written with one step a line in a
 * stable key order, read back with jansson (never parsed by hand).
 */
#include "store.h"
#include "store_int.h"

#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ev.h"
#include "mt.h"
#include "mt_limits.h"

#define BJ_FORMAT	"mailtrace-baseline"
#define BJ_VERSION	2	/* 1: before runs, ignore_counts, ignore and
				   elapsed_spread_us (read as their defaults) */
#define BJ_DUMP		(JSON_COMPACT | JSON_PRESERVE_ORDER | \
			    JSON_ENSURE_ASCII)

struct bj_sink {
	struct sink	 base;
	FILE		*out;
	uint64_t	 n;
	bool		 has_spread;	/* the next step's (bj_stat) */
	int64_t		 spread_us;
};

static int	bj_rec(struct sink *, const struct trace_rec *,
		    struct mt_err *);
static json_t	*bj_step(const struct trace_rec *, bool, int64_t);
static int	bj_stat(void *, bool, int64_t);
static int	bj_str_each(void *, const char *);
static json_t	*bj_args(struct store *, uint64_t, struct mt_err *);
static int	bj_put_steps(struct store *, int64_t, json_t *,
		    struct mt_err *);
static const char *bj_str(json_t *, const char *, size_t, size_t, char *,
		    size_t);

/* One step: the record's fields, in this fixed order. */
static json_t *
bj_step(const struct trace_rec *r, bool has_spread, int64_t spread_us)
{
	json_t	*o = json_object(), *tls = NULL;
	char	 ev[8], lv[2] = { r->level, '\0' };
	char	 tj[STORE_TLS_TEXT_MAX];

	if (o == NULL)
		return NULL;
	snprintf(ev, sizeof(ev), "0x%04X", r->event);
	json_object_set_new(o, "session", json_integer((json_int_t)r->session));
	json_object_set_new(o, "seq", json_integer(r->seq));
	json_object_set_new(o, "event", r->anomaly != AN_NONE ||
	    r->dns != DNSQ_NONE ? json_null() : json_string(ev));
	json_object_set_new(o, "anomaly", r->anomaly != AN_NONE ?
	    json_string(an_name(r->anomaly)) : json_null());
	json_object_set_new(o, "level", json_string(lv));
	json_object_set_new(o, "rc", json_integer(r->rc));
	json_object_set_new(o, "int", json_string(r->intf));
	json_object_set_new(o, "opr", json_string(r->opr));
	json_object_set_new(o, "opt", json_string(r->opt));
	json_object_set_new(o, "reply", json_string(r->reply));
	json_object_set_new(o, "detail", json_string(r->detail));
	json_object_set_new(o, "explanation", json_string(r->explanation));
	json_object_set_new(o, "dns", r->dns != DNSQ_NONE ?
	    json_string(dnsq_name(r->dns)) : json_null());
	json_object_set_new(o, "time_us", json_integer(r->time));
	json_object_set_new(o, "elapsed_us", r->has_elapsed ?
	    json_integer(r->elapsed_us) : json_null());
	json_object_set_new(o, "elapsed_spread_us", has_spread ?
	    json_integer(spread_us) : json_null());
	json_object_set_new(o, "bytes", r->has_bytes ?
	    json_integer((json_int_t)r->bytes) : json_null());
	json_object_set_new(o, "body_end_us", r->has_bytes ?
	    json_integer(r->body_end) : json_null());
	json_object_set_new(o, "client", json_string(r->client));
	json_object_set_new(o, "server", json_string(r->server));
	json_object_set_new(o, "source", json_string(r->source == REC_PCAP ?
	    "pcap" : "probe"));
	/* The handshake's facts, as the store keeps them; null: none. */
	if (r->has_tls) {
		store_tls_text(tj, &r->tls);
		if ((tls = json_loads(tj, 0, NULL)) == NULL) {
			json_decref(o);
			return NULL;
		}
	}
	json_object_set_new(o, "tls", tls != NULL ? tls : json_null());
	return o;
}

static int
bj_rec(struct sink *sk, const struct trace_rec *r, struct mt_err *err)
{
	struct bj_sink	*b = (struct bj_sink *)sk;
	json_t		*o;
	char		*s;

	/* Strings that are not UTF-8 (a server's bytes) make no object. */
	if ((o = bj_step(r, b->has_spread, b->spread_us)) == NULL || (s = json_dumps(o, BJ_DUMP)) == NULL) {
		json_decref(o);
		return mt_err_set(err, MT_E_INTERNAL, "step %llu: cannot be "
		    "written as JSON", (unsigned long long)b->n + 1);
	}
	fprintf(b->out, "%s%s", b->n > 0 ? ",\n" : "\n", s);
	b->n++;
	free(s);
	json_decref(o);
	return 0;
}

/* The next step's latency spread, for bj_rec. */
static int
bj_stat(void *arg, bool has, int64_t spread_us)
{
	struct bj_sink	*b = arg;

	b->has_spread = has;
	b->spread_us = spread_us;
	return 0;
}

/* One string onto the JSON array arg. */
static int
bj_str_each(void *arg, const char *v)
{
	return json_array_append_new(arg, json_string(v)) == 0 ? 0 : 1;
}

/* The baseline's arguments as a JSON array of strings. */
static json_t *
bj_args(struct store *st, uint64_t id, struct mt_err *err)
{
	struct db_stmt	*s;
	const char	*p, *e, *nul;
	json_t		*a = json_array();

	if (a == NULL || db_prepare(store_db(st), "SELECT args FROM "
	    "baselines WHERE id = ?1", &s) != 0) {
		json_decref(a);
		store_fail(st, "reading a baseline's arguments", err);
		return NULL;
	}
	db_bind_int64(s, 1, (int64_t)id);
	if (db_step(s) == DB_ROW &&
	    (p = db_col_blob(s, 0)) != NULL) {
		e = p + db_col_bytes(s, 0);
		while (p < e && (nul = memchr(p, '\0', (size_t)(e - p))) !=
		    NULL) {
			json_array_append_new(a, json_string(p));
			p = nul + 1;
		}
	}
	db_finalize(s);
	return a;
}

int
store_baseline_export(struct store *st, const char *name, FILE *out,
    struct mt_err *err)
{
	struct store_baseline	 b;
	struct bj_sink		 sk;
	json_t			*h, *ign = NULL;
	char			*s;
	int			 rc = 0;

	if (store_baseline_get(st, name, &b, err) != 0)
		return -1;
	if ((h = json_object()) == NULL)
		return mt_err_set(err, MT_E_INTERNAL, "out of memory");
	json_object_set_new(h, "format", json_string(BJ_FORMAT));
	json_object_set_new(h, "version", json_integer(BJ_VERSION));
	json_object_set_new(h, "name", json_string(b.name));
	json_object_set_new(h, "created_us", json_integer(b.created));
	json_object_set_new(h, "run", json_integer((json_int_t)b.run));
	json_object_set_new(h, "proto", json_string(b.proto));
	json_object_set_new(h, "target", json_string(b.target));
	json_object_set_new(h, "level", json_string(b.level));
	json_object_set_new(h, "args", bj_args(st, b.id, err));
	json_object_set_new(h, "runs", json_integer(b.nruns));
	json_object_set_new(h, "ignore_counts", json_boolean(b.ignore_counts));
	/* bj_str_each's 1 (no memory) stops it with err not filled. */
	if ((ign = json_array()) == NULL || (rc = store_baseline_ignore(st,
	    name, bj_str_each, ign, err)) != 0) {
		json_decref(ign);
		json_decref(h);
		return rc < 0 ? -1 : mt_err_set(err, MT_E_INTERNAL,
		    "out of memory");
	}
	json_object_set_new(h, "ignore", ign);
	if ((s = json_dumps(h, BJ_DUMP)) == NULL) {
		json_decref(h);
		return mt_err_set(err, MT_E_INTERNAL, "baseline %s: its "
		    "description cannot be written as JSON", name);
	}
	json_decref(h);
	fprintf(out, "{\"baseline\":%s,\n\"steps\":[", s);
	free(s);
	memset(&sk, 0, sizeof(sk));
	sk.base.rec = bj_rec;
	sk.out = out;
	rc = store_baseline_replay(st, name, &sk.base, bj_stat, &sk, err);
	fputs("\n]}\n", out);
	return rc;
}

/*
 * The string member key of o, of min to max bytes, copied into dst (of
 * dstsz); NULL when it is not one.
 */
static const char *
bj_str(json_t *o, const char *key, size_t min, size_t max, char *dst,
    size_t dstsz)
{
	json_t		*v = json_object_get(o, key);
	const char	*s;

	if (v == NULL || !json_is_string(v))
		return NULL;
	s = json_string_value(v);
	if (strlen(s) < min || strlen(s) > max || strlen(s) >= dstsz)
		return NULL;
	memcpy(dst, s, strlen(s) + 1);
	return dst;
}

#define BJ_COLS								\
	"session, seq, event, level, rc, intf, opr, opt, time, client, "	\
	"server, source, elapsed_us, bytes, body_end, anomaly, detail, reply, "	\
	"tls, explanation, dns"

/* Each step of the array into baseline id (in the caller's transaction). */
static int
bj_put_steps(struct store *st, int64_t id, json_t *steps, struct mt_err *err)
{
	struct db_stmt	*s;
	struct trace_rec r;
	json_t		*o, *v, *tls;
	const char	*ev, *an, *dq;
	char		 lv[4], src[8], tj[STORE_TLS_TEXT_MAX];
	size_t		 i;
	unsigned long	 e;
	char		*end;
	int		 rc = 0;

	if (db_prepare(store_db(st), "INSERT INTO baseline_steps "
	    "(baseline, " BJ_COLS ", elapsed_spread) VALUES (?1, ?2, ?3, ?4, "
	    "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
	    "?19, ?20, ?21, ?22, ?23)", &s) != 0)
		return store_fail(st, "importing a baseline", err);
	json_array_foreach(steps, i, o) {
		memset(&r, 0, sizeof(r));
		ev = json_string_value(json_object_get(o, "event"));
		an = json_string_value(json_object_get(o, "anomaly"));
		e = 0;
		if (ev != NULL) {
			errno = 0;
			e = strtoul(ev, &end, 16);
			if (strncmp(ev, "0x", 2) != 0 || *end != '\0' ||
			    errno != 0 || ev_lookup((unsigned)e) == NULL)
				e = 0;
		}
		/*
		 * "tls": absent (files before it) or null, or the facts;
		 * "explanation": absent (files before it) or a string;
		 * "dns": absent or null (not a lookup) or its query type.
		 */
		dq = json_string_value(json_object_get(o, "dns"));
		tls = json_object_get(o, "tls");
		if (json_is_null(tls))
			tls = NULL;
		if (!json_is_object(o) || (dq != NULL && (e != 0 ||
		    an != NULL || dnsq_by_name(dq) == DNSQ_NONE)) ||
		    (e == 0 && dq == NULL && (an == NULL ||
		    an_by_name(an) == AN_NONE)) ||
		    bj_str(o, "level", 1, 1, lv, sizeof(lv)) == NULL ||
		    (lv[0] != 'A' && lv[0] != 'B') ||
		    !json_is_integer(json_object_get(o, "session")) ||
		    !json_is_integer(json_object_get(o, "seq")) ||
		    !json_is_integer(json_object_get(o, "rc")) ||
		    !json_is_integer(json_object_get(o, "time_us")) ||
		    bj_str(o, "int", 0, MT_FIELD_HARD - 1, r.intf,
		    sizeof(r.intf)) == NULL ||
		    bj_str(o, "opr", 0, MT_OPR_HARD - 1, r.opr,
		    sizeof(r.opr)) == NULL ||
		    bj_str(o, "opt", 0, MT_FIELD_HARD - 1, r.opt,
		    sizeof(r.opt)) == NULL ||
		    bj_str(o, "reply", 0, MT_FIELD_HARD - 1, r.reply,
		    sizeof(r.reply)) == NULL ||
		    bj_str(o, "detail", 0, MT_FIELD_HARD - 1,
		    r.detail, sizeof(r.detail)) == NULL ||
		    (json_object_get(o, "explanation") != NULL &&
		    bj_str(o, "explanation", 0, MT_EXPLAIN_HARD - 1,
		    r.explanation, sizeof(r.explanation)) == NULL) ||
		    bj_str(o, "client", 0, MT_ADDR_HARD - 1,
		    r.client, sizeof(r.client)) == NULL ||
		    bj_str(o, "server", 0, MT_ADDR_HARD - 1,
		    r.server, sizeof(r.server)) == NULL ||
		    bj_str(o, "source", 1, 5, src, sizeof(src)) ==
		    NULL || (strcmp(src, "probe") != 0 &&
		    strcmp(src, "pcap") != 0) || (tls != NULL &&
		    !store_tls_from_json(tls, &r.tls))) {
			rc = mt_err_set(err, MT_E_USAGE, "step %zu: not a "
			    "baseline step (docs/check.md, \"Baseline files\")",
			    i + 1);
			break;
		}
		db_bind_int64(s, 1, id);
		db_bind_int64(s, 2, json_integer_value(json_object_get(o,
		    "session")));
		db_bind_int64(s, 3, json_integer_value(json_object_get(o,
		    "seq")));
		db_bind_int64(s, 4, (int64_t)e);
		store_bind_text(s, 5, lv);
		db_bind_int64(s, 6, json_integer_value(json_object_get(o,
		    "rc")));
		store_bind_text(s, 7, r.intf);
		store_bind_text(s, 8, r.opr);
		store_bind_text(s, 9, r.opt);
		db_bind_int64(s, 10, json_integer_value(json_object_get(o,
		    "time_us")));
		store_bind_text(s, 11, r.client);
		store_bind_text(s, 12, r.server);
		store_bind_text(s, 13, src);
		if (json_is_integer(v = json_object_get(o, "elapsed_us")))
			db_bind_int64(s, 14, json_integer_value(v));
		/* A spread only beside a time (the median it is about). */
		if (json_is_integer(v) && json_is_integer(v =
		    json_object_get(o, "elapsed_spread_us")) &&
		    json_integer_value(v) >= 0)
			db_bind_int64(s, 23, json_integer_value(v));
		if (json_is_integer(v = json_object_get(o, "bytes"))) {
			db_bind_int64(s, 15, json_integer_value(v));
			v = json_object_get(o, "body_end_us");
			db_bind_int64(s, 16, json_is_integer(v) ?
			    json_integer_value(v) : 0);
		}
		if (an != NULL)
			store_bind_text(s, 17, an);
		store_bind_text(s, 18, r.detail[0] != '\0' ? r.detail : NULL);
		store_bind_text(s, 19, r.reply[0] != '\0' ? r.reply : NULL);
		if (tls != NULL) {
			store_tls_text(tj, &r.tls);
			store_bind_text(s, 20, tj);
		}
		store_bind_text(s, 21, r.explanation[0] != '\0' ?
		    r.explanation : NULL);
		if (dq != NULL)
			store_bind_text(s, 22, dq);
		if (db_step(s) != DB_DONE) {
			rc = store_fail(st, "importing a baseline's steps",
			    err);
			break;
		}
		db_reset(s);
		db_clear_bindings(s);
	}
	db_finalize(s);
	return rc;
}

int
store_baseline_import(struct store *st, const char *path, const char *name,
    char *got, size_t gotsz, struct mt_err *err)
{
	struct stat	 sb;
	json_error_t	 je;
	json_t		*root, *h, *steps, *args, *a;
	char		 nm[STORE_BASELINE_NAME_HARD], proto[STORE_NAME_HARD];
	char		 level[STORE_NAME_HARD], target[STORE_TARGET_HARD];
	json_t		*nruns, *icounts, *ignore;
	json_int_t	 version;
	char		*blob = NULL, *iblob = NULL, *nblob;
	size_t		 i, bl = 0, il = 0, l;
	struct db_stmt	*s;
	struct store_baseline b;
	int		 rc = -1;
	int64_t		 id;

	if (stat(path, &sb) != 0)
		return mt_err_set(err, MT_E_USAGE, "%s: %s", path,
		    strerror(errno));
	if (!S_ISREG(sb.st_mode) || sb.st_size > STORE_IMPORT_HARD)
		return mt_err_set(err, MT_E_USAGE, "%s: not a regular file of "
		    "at most %d MiB", path, STORE_IMPORT_HARD >> 20);
	if ((root = json_load_file(path, JSON_REJECT_DUPLICATES, &je)) ==
	    NULL)
		return mt_err_set(err, MT_E_USAGE, "%s:%d:%d: %s", path,
		    je.line, je.column, je.text);
	h = json_object_get(root, "baseline");
	steps = json_object_get(root, "steps");
	args = json_object_get(h, "args");
	version = json_integer_value(json_object_get(h, "version"));
	/* Version 1 files have none of these: one run, no rules. */
	nruns = json_object_get(h, "runs");
	icounts = json_object_get(h, "ignore_counts");
	ignore = json_object_get(h, "ignore");
	if (!json_is_object(h) || !json_is_array(steps) ||
	    !json_is_array(args) || strcmp(json_string_value(json_object_get(h,
	    "format")) != NULL ? json_string_value(json_object_get(h,
	    "format")) : "", BJ_FORMAT) != 0 ||
	    version < 1 || version > BJ_VERSION ||
	    (nruns != NULL && (!json_is_integer(nruns) ||
	    json_integer_value(nruns) < 1 ||
	    json_integer_value(nruns) > STORE_RUNS_HARD)) ||
	    (icounts != NULL && !json_is_boolean(icounts)) ||
	    (ignore != NULL && (!json_is_array(ignore) ||
	    json_array_size(ignore) > STORE_IGNORE_HARD)) ||
	    !json_is_integer(json_object_get(h, "run")) ||
	    !json_is_integer(json_object_get(h, "created_us")) ||
	    bj_str(h, "name", 1, STORE_BASELINE_NAME_HARD - 1, nm,
	    sizeof(nm)) == NULL ||
	    bj_str(h, "proto", 1, STORE_NAME_HARD - 1, proto,
	    sizeof(proto)) == NULL ||
	    bj_str(h, "level", 1, STORE_NAME_HARD - 1, level,
	    sizeof(level)) == NULL ||
	    bj_str(h, "target", 0, STORE_TARGET_HARD - 1, target,
	    sizeof(target)) == NULL) {
		rc = mt_err_set(err, MT_E_USAGE, "%s: not a mailtrace baseline "
		    "file (version 1 to %d; docs/check.md, \"Baseline files\")",
		    path, BJ_VERSION);
		goto done;
	}
	if (name != NULL)
		snprintf(nm, sizeof(nm), "%s", name);
	if (!store_baseline_name_ok(nm)) {
		rc = mt_err_set(err, MT_E_USAGE, "%s: \"%s\" is not a baseline "
		    "name (give one with --name)", path, nm);
		goto done;
	}
	if (store_baseline_get(st, nm, &b, err) == 0) {
		rc = mt_err_set(err, MT_E_USAGE, "baseline \"%s\" exists "
		    "already in %s (delete it first, or --name)", nm,
		    store_path(st));
		goto done;
	}
	json_array_foreach(ignore, i, a) {
		if (!json_is_string(a) || json_string_length(a) == 0 ||
		    json_string_length(a) >= MT_CHK_PATTERN_HARD ||
		    strlen(json_string_value(a)) != json_string_length(a)) {
			rc = mt_err_set(err, MT_E_USAGE, "%s: ignore: pattern "
			    "%zu is not a string of 1 to %d bytes", path,
			    i + 1, MT_CHK_PATTERN_HARD - 1);
			goto done;
		}
		l = strlen(json_string_value(a)) + 1;
		if ((nblob = realloc(iblob, il + l)) == NULL) {
			rc = mt_err_set(err, MT_E_INTERNAL, "out of memory");
			goto done;
		}
		iblob = nblob;
		memcpy(iblob + il, json_string_value(a), l);
		il += l;
	}
	json_array_foreach(args, i, a) {
		if (!json_is_string(a)) {
			rc = mt_err_set(err, MT_E_USAGE, "%s: args: not "
			    "strings", path);
			goto done;
		}
		l = strlen(json_string_value(a)) + 1;
		if ((nblob = realloc(blob, bl + l)) == NULL) {
			rc = mt_err_set(err, MT_E_INTERNAL, "out of memory");
			goto done;
		}
		blob = nblob;
		memcpy(blob + bl, json_string_value(a), l);
		bl += l;
	}
	if (store_commit(st, err) != 0)
		goto done;
	if (db_begin(store_db(st)) != 0) {
		rc = store_fail(st, "importing a baseline", err);
		goto done;
	}
	if (db_prepare(store_db(st), "INSERT INTO baselines (name, "
	    "created, run, proto, target, level, args, nruns, ignore_counts, "
	    "ignore) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
	    "RETURNING id", &s) != 0) {
		rc = store_fail(st, "importing a baseline", err);
		goto rollback;
	}
	store_bind_text(s, 1, nm);
	db_bind_int64(s, 2, json_integer_value(json_object_get(h,
	    "created_us")));
	db_bind_int64(s, 3, json_integer_value(json_object_get(h, "run")));
	store_bind_text(s, 4, proto);
	store_bind_text(s, 5, target);
	store_bind_text(s, 6, level);
	db_bind_blob(s, 7, blob, bl);
	db_bind_int64(s, 8, nruns != NULL ? json_integer_value(nruns) : 1);
	db_bind_int64(s, 9, json_is_true(icounts) ? 1 : 0);
	db_bind_blob(s, 10, iblob, il);
	rc = db_step(s);
	id = rc == DB_ROW ? db_col_int64(s, 0) : 0;
	db_finalize(s);
	if (rc != DB_ROW) {
		rc = store_fail(st, "importing a baseline", err);
		goto rollback;
	}
	if ((rc = bj_put_steps(st, id, steps, err)) != 0)
		goto rollback;
	if (db_exec(store_db(st), "COMMIT") != 0) {
		rc = store_fail(st, "importing a baseline", err);
		goto rollback;
	}
	snprintf(got, gotsz, "%s", nm);
	rc = 0;
	goto done;
rollback:
	(void)db_exec(store_db(st), "ROLLBACK");
done:
	free(blob);
	free(iblob);
	json_decref(root);
	return rc;
}
