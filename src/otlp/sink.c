/*
 * SPDX-License-Identifier: BSD-2-Clause
 * sink.c - the OTLP sink (otlp.h): the run's records kept, bounded per
 * run and for the whole process, and exported when the sink is closed
 * (the run's end).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "otlp.h"

/* What every OTLP sink of the process holds (OTLP_BYTES_TOTAL at most). */
static atomic_size_t	 otlp_held;

struct otlp_sink {
	struct sink		 base;		/* first: the tracer sees this */
	const struct otlp_conf	*conf;
	char			 url[OTLP_URL_HARD + 16];
	uint64_t		 run;
	char			*proto, *target;
	struct otlp_rec		*recs;
	size_t			 n, cap;
	size_t			 bytes;		/* of otlp_held, this sink's */
	size_t			 dropped;
};

static char *
dup_n(const char *s, size_t max, size_t *bytes)
{
	size_t	 n = strnlen(s, max);
	char	*p = malloc(n + 1);

	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
		*bytes += n + 1;
	}
	return p;
}

static void
rec_free(struct otlp_rec *r)
{
	free(r->intf);
	free(r->opr);
	free(r->opt);
	free(r->server);
	free(r->reply);
	free(r->detail);
	free(r->expl);
}

static int
otlp_sink_rec(struct sink *sk, const struct trace_rec *r, struct mt_err *err)
{
	struct otlp_sink	*os = (struct otlp_sink *)sk;
	struct otlp_rec		*w, *nr;
	size_t			 need, bytes = sizeof(*w), cap;

	(void)err;
	if (os->n == OTLP_RECS_HARD) {
		os->dropped++;
		return 0;
	}
	/* The whole process's bound: a record's worst case reserved first. */
	need = sizeof(*w) + sizeof(r->intf) + sizeof(r->opr) +
	    sizeof(r->opt) + sizeof(r->server) + sizeof(r->reply) +
	    sizeof(r->detail) + sizeof(r->explanation);
	if (atomic_fetch_add(&otlp_held, need) + need > OTLP_BYTES_TOTAL) {
		atomic_fetch_sub(&otlp_held, need);
		os->dropped++;
		return 0;
	}
	if (os->n == os->cap) {
		cap = os->cap == 0 ? 64 : os->cap * 2;
		if ((nr = realloc(os->recs, cap * sizeof(*nr))) == NULL) {
			atomic_fetch_sub(&otlp_held, need);
			os->dropped++;
			return 0;
		}
		os->recs = nr;
		os->cap = cap;
	}
	w = &os->recs[os->n];
	memset(w, 0, sizeof(*w));
	w->event = r->event;
	w->level = r->level;
	w->rc = r->rc;
	w->session = r->session;
	w->seq = r->seq;
	w->time = r->time;
	w->elapsed_us = r->has_elapsed ? r->elapsed_us : -1;
	w->anomaly = r->anomaly;
	w->dns = r->dns;
	w->intf = dup_n(r->intf, sizeof(r->intf), &bytes);
	w->opr = dup_n(r->opr, sizeof(r->opr), &bytes);
	w->opt = dup_n(r->opt, sizeof(r->opt), &bytes);
	w->server = dup_n(r->server, sizeof(r->server), &bytes);
	w->reply = dup_n(r->reply, sizeof(r->reply), &bytes);
	w->detail = dup_n(r->detail, sizeof(r->detail), &bytes);
	w->expl = dup_n(r->explanation, sizeof(r->explanation), &bytes);
	/* Keep what it takes, not the worst case. */
	atomic_fetch_sub(&otlp_held, need - bytes);
	if (w->intf == NULL || w->opr == NULL || w->opt == NULL ||
	    w->server == NULL || w->reply == NULL || w->detail == NULL ||
	    w->expl == NULL) {
		rec_free(w);
		atomic_fetch_sub(&otlp_held, bytes);
		os->dropped++;
		return 0;
	}
	os->bytes += bytes;
	os->n++;
	return 0;
}

static void
otlp_sink_close(struct sink *sk)
{
	struct otlp_sink	*os = (struct otlp_sink *)sk;
	struct run_info		 ri;
	struct mt_err		 err;
	char			*body, msg[MT_ERR_MSG + OTLP_URL_HARD + 96];
	size_t			 i;

	if (os == NULL)
		return;
	memset(&ri, 0, sizeof(ri));
	ri.run = os->run;
	ri.proto = os->proto;
	ri.target = os->target;
	mt_err_clear(&err);
	if (os->n > 0) {
		if ((body = otlp_json(&ri, os->recs, os->n, os->dropped,
		    NULL)) == NULL)
			mt_err_set(&err, MT_E_INTERNAL, "out of memory");
		else if (otlp_post(os->url, body, os->conf->timeout_ms,
		    &err) == 0)
			mt_err_clear(&err);
		free(body);
		if (err.code != MT_E_OK && os->conf->warn != NULL) {
			snprintf(msg, sizeof(msg), "--otlp %s: run %llu not "
			    "exported: %s", os->url, (unsigned long long)os->run,
			    err.msg);
			os->conf->warn(os->conf->warn_arg, msg);
		}
	}
	for (i = 0; i < os->n; i++)
		rec_free(&os->recs[i]);
	atomic_fetch_sub(&otlp_held, os->bytes);
	free(os->recs);
	free(os->proto);
	free(os->target);
	free(os);
}

struct sink *
otlp_sink_new(const struct otlp_conf *conf, const struct run_info *ri,
    struct mt_err *err)
{
	struct otlp_sink	*os;
	const char		*h;
	size_t			 nb = 0;

	if ((os = calloc(1, sizeof(*os))) == NULL) {
		mt_err_set(err, MT_E_INTERNAL, "out of memory");
		return NULL;
	}
	os->base.rec = otlp_sink_rec;
	os->base.close = otlp_sink_close;
	os->conf = conf;
	os->run = ri->run;
	os->proto = dup_n(ri->proto != NULL ? ri->proto : "", 64, &nb);
	os->target = dup_n(ri->target != NULL ? ri->target : "",
	    MT_FIELD_HARD, &nb);
	/* A URL that names no path: the OTLP/HTTP traces path. */
	h = strstr(conf->url, "://");
	h = h != NULL ? h + 3 : conf->url;
	snprintf(os->url, sizeof(os->url), "%s%s", conf->url,
	    strchr(h, '/') == NULL ? "/v1/traces" : "");
	if (os->proto == NULL || os->target == NULL) {
		free(os->proto);
		free(os->target);
		free(os);
		mt_err_set(err, MT_E_INTERNAL, "out of memory");
		return NULL;
	}
	return &os->base;
}
