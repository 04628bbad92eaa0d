/*
 * SPDX-License-Identifier: BSD-2-Clause
 * trace.c - numbering, level filtering and fan-out of trace records.
 */
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void	trace_dispatch(struct tracer *, struct trace_rec *);
static void	trace_sinks(struct tracer *, const struct trace_rec *);

void
trace_init(struct tracer *tr, enum level level, enum rec_source source)
{
	memset(tr, 0, sizeof(*tr));
	tr->level = level;
	tr->source = source;
}

int
trace_add_sink(struct tracer *tr, struct sink *s)
{
	if (tr->nsinks >= TRACER_SINKS_HARD)
		return -1;
	tr->sinks[tr->nsinks++] = s;
	return 0;
}

void
trace_session(struct tracer *tr, const char *client, const char *server)
{
	tr->session++;
	tr->seq = 0;
	trace_endpoints(tr, client, server);
}

void
trace_endpoints(struct tracer *tr, const char *client, const char *server)
{
	snprintf(tr->client, sizeof(tr->client), "%s", client ? client : "");
	snprintf(tr->server, sizeof(tr->server), "%s", server ? server : "");
}

void
trace_fork(const struct tracer *master, struct tracer *fork, uint64_t session,
    const char *client, const char *server)
{
	*fork = *master;
	fork->hold_ev = 0;		/* the master's, not the fork's */
	fork->held = false;
	fork->hold_rec = NULL;
	fork->session = session;
	fork->seq = 0;
	fork->failed = false;
	mt_err_clear(&fork->err);
	trace_endpoints(fork, client, server);
}

bool
trace_wants(const struct tracer *tr, unsigned event)
{
	const struct ev_info	*ei = ev_lookup(event);

	if (ei == NULL)
		return false;
	return ei->level == 'A' || tr->level == LEVEL_ADVANCED;
}

static void
trace_dispatch(struct tracer *tr, struct trace_rec *r)
{
	if (tr->held) {			/* it comes before r */
		tr->held = false;
		trace_sinks(tr, tr->hold_rec);
	}
	r->run = tr->run;
	r->session = tr->session;
	r->seq = ++tr->seq;
	r->source = tr->source;
	trace_str(r->client, sizeof(r->client), tr->client);
	trace_str(r->server, sizeof(r->server), tr->server);
	if (tr->explain != NULL && r->anomaly == AN_NONE)
		tr->explain(r);
	if (tr->hold_ev != 0 && r->anomaly == AN_NONE &&
	    r->event == tr->hold_ev) {
		tr->hold_ev = 0;
		*tr->hold_rec = *r;
		tr->held = true;
		return;
	}
	trace_sinks(tr, r);
}

int
trace_hold(struct tracer *tr, unsigned ev)
{
	trace_release(tr, NULL);
	if (tr->hold_rec == NULL &&
	    (tr->hold_rec = malloc(sizeof(*tr->hold_rec))) == NULL)
		return -1;
	tr->hold_ev = ev;
	return 0;
}

void
trace_release(struct tracer *tr, const struct rec_tls *tls)
{
	tr->hold_ev = 0;
	if (!tr->held)
		return;
	tr->held = false;
	if (tls != NULL) {
		tr->hold_rec->has_tls = true;
		tr->hold_rec->tls = *tls;
	}
	trace_sinks(tr, tr->hold_rec);
}

/* r to every sink; the first failure is kept. */
static void
trace_sinks(struct tracer *tr, const struct trace_rec *r)
{
	unsigned	i;

	for (i = 0; i < tr->nsinks; i++) {
		struct mt_err	e;

		mt_err_clear(&e);
		if (tr->sinks[i]->rec(tr->sinks[i], r, &e) != 0 && !tr->failed) {
			tr->failed = true;
			tr->err = e;
		}
	}
}

uint32_t
trace_emit_rec(struct tracer *tr, struct trace_rec *r)
{
	const struct ev_info	*ei = ev_lookup(r->event);

	if (ei == NULL || !trace_wants(tr, r->event))
		return 0;
	r->level = ei->level;
	r->anomaly = AN_NONE;
	if (r->intf[0] == '\0')
		trace_str(r->intf, sizeof(r->intf), "--");
	trace_dispatch(tr, r);
	return r->seq;
}

void
trace_rec_clear(struct trace_rec *r)
{
	r->event = 0;
	r->level = 0;
	r->rc = 0;
	r->intf[0] = '\0';
	r->opr[0] = '\0';
	r->opt[0] = '\0';
	r->time = 0;
	r->run = 0;
	r->session = 0;
	r->seq = 0;
	r->client[0] = '\0';
	r->server[0] = '\0';
	r->source = REC_PROBE;
	r->has_elapsed = false;
	r->elapsed_us = 0;
	r->has_bytes = false;
	r->bytes = 0;
	r->body_end = 0;
	r->anomaly = AN_NONE;
	r->detail[0] = '\0';
	r->reply[0] = '\0';
	r->has_tls = false;
	r->explanation[0] = '\0';
}

void
trace_str(char *dst, size_t sz, const char *src)
{
	size_t	n;

	if (src == NULL)
		src = "";
	n = strnlen(src, sz - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

uint32_t
trace_emit(struct tracer *tr, unsigned event, int rc, const char *intf,
    const char *opr, const char *opt, mt_time t, int64_t elapsed)
{
	struct trace_rec	r;

	trace_rec_clear(&r);
	r.event = event;
	r.rc = rc;
	trace_str(r.intf, sizeof(r.intf), intf ? intf : "--");
	trace_str(r.opr, sizeof(r.opr), opr);
	trace_str(r.opt, sizeof(r.opt), opt);
	r.time = t;
	if (elapsed >= 0) {
		r.has_elapsed = true;
		r.elapsed_us = elapsed;
	}
	return trace_emit_rec(tr, &r);
}

uint32_t
trace_anomaly(struct tracer *tr, enum an a, const char *detail, mt_time t)
{
	struct trace_rec	r;

	trace_rec_clear(&r);
	r.event = EV_NONE;
	r.level = 'A';		/* anomalies are shown at every level */
	r.anomaly = a;
	r.time = t;
	trace_str(r.intf, sizeof(r.intf), "--");
	trace_str(r.detail, sizeof(r.detail), detail);
	trace_dispatch(tr, &r);
	return r.seq;
}

/*
 * A flush failure is kept as the tracer's first sink failure, as a rec()
 * failure is: the flushes along a session pass no err (a full disk at
 * the third step must not be lost by the time the run ends, when the
 * failed batch is gone and the last flush succeeds).
 */
int
trace_flush(struct tracer *tr, struct mt_err *err)
{
	struct mt_err	e;
	unsigned	i;

	for (i = 0; i < tr->nsinks; i++) {
		if (tr->sinks[i]->flush == NULL)
			continue;
		mt_err_clear(&e);
		if (tr->sinks[i]->flush(tr->sinks[i], &e) != 0 &&
		    !tr->failed) {
			tr->failed = true;
			tr->err = e;
		}
	}
	if (!tr->failed)
		return 0;
	if (err != NULL)
		*err = tr->err;
	return -1;
}

void
trace_close(struct tracer *tr)
{
	unsigned	i;

	trace_release(tr, NULL);
	free(tr->hold_rec);
	tr->hold_rec = NULL;
	for (i = 0; i < tr->nsinks; i++)
		if (tr->sinks[i] != NULL && tr->sinks[i]->close != NULL)
			tr->sinks[i]->close(tr->sinks[i]);
	tr->nsinks = 0;
}

/* ,"key":"escaped" at w; returns the end. */
static char *
tj_str(char *w, const char *key, const char *val)
{
	size_t	kl = strlen(key);

	*w++ = ',';
	*w++ = '"';
	memcpy(w, key, kl);
	w += kl;
	memcpy(w, "\":\"", 3);
	w += 3;
	w += mt_json_esc(w, val, strlen(val));
	*w++ = '"';
	return w;
}

/* ,"key":N at w; returns the end. */
static char *
tj_num(char *w, const char *key, int64_t v)
{
	return w + sprintf(w, ",\"%s\":%lld", key, (long long)v);
}

size_t
trace_tls_json(char *dst, const struct rec_tls *t)
{
	char	*w = dst, d[40];

	w = tj_str(w, "tls_version", t->version);
	w = tj_str(w, "tls_cipher", t->cipher);
	w = tj_str(w, "tls_group", t->group);
	if (t->connect_us >= 0)
		w = tj_num(w, "tcp_connect_us", t->connect_us);
	w = tj_num(w, "tls_handshake_us", t->handshake_us);
	if (t->has_cert) {
		w = tj_str(w, "cert_subject", t->subject);
		w = tj_str(w, "cert_issuer", t->issuer);
		w = tj_str(w, "cert_sans", t->sans);
		w = tj_str(w, "cert_serial", t->serial);
		mt_date_iso(t->not_before, d, sizeof(d));
		w = tj_str(w, "cert_not_before", d);
		mt_date_iso(t->not_after, d, sizeof(d));
		w = tj_str(w, "cert_not_after", d);
		w = tj_num(w, "cert_days_left", t->days_left);
		w = tj_num(w, "cert_chain_len", t->chain_len);
	}
	w += sprintf(w, ",\"tls_verified\":%s", t->verified ? "true" :
	    "false");
	w = tj_str(w, "tls_verify", t->verify);
	return (size_t)(w - dst);
}
