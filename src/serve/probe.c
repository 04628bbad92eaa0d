/*
 * SPDX-License-Identifier: BSD-2-Clause
 * probe.c - one probe for one /probe request: the module's options with
 * the request's target and time limit, its own tracer with a mon sink
 * (the metrics), a text sink into memory (debug=true) and the store's
 * sink (--db), then the answer.  Nothing here is shared between requests
 * but the module, which is only read.
 */
#include "serve_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"
#include "explain/explain.h"
#include "mon.h"
#include "sink.h"
#include "store.h"

#define LIMIT_NAME	"the scrape timeout less 0.5 s"

/* The connection: the module's settings, the target's place. */
static void
conn_of(struct probe_conn *c, const struct serve_module *m,
    const struct probe_target *t, int limit_ms)
{
	*c = m->c;
	c->host = t->c.host;
	c->port = t->c.port;
	c->implicit_tls = t->c.implicit_tls;
	c->user = t->c.user;
	if (c->user == NULL) {
		c->password = NULL;
		c->passlen = 0;
	}
	c->limit_name = NULL;
	if (m->c.max_time_ms <= 0 || limit_ms < m->c.max_time_ms) {
		c->max_time_ms = limit_ms;
		c->limit_name = LIMIT_NAME;
	}
}

/* The probe itself; 0 when every step succeeded. */
static int
run(const struct serve_module *m, const struct probe_conn *c,
    const struct serve_conf *conf, struct tracer *tr, struct mt_err *err)
{
	struct pop3_opts	 po;
	struct smtp_opts	 so;
	struct smtp_result	 sr;
	char			 ident[SMTP_IDENT_HARD], token[33], *msg = NULL;
	int			 n, rc;

	if (m->proto == SERVE_POP3) {
		po = m->pop3;
		po.c = *c;
		return probe_pop3(&po, tr, err) == 0 ? 0 : 1;
	}
	so = m->smtp;
	so.c = *c;
	if (so.msg == NULL) {
		/* A fresh test message: its own token and Date. */
		snprintf(ident, sizeof(ident), "mailtrace %s exporter",
		    conf->version != NULL ? conf->version : "");
		if ((msg = malloc(SMTP_TEST_MSG_HARD)) == NULL ||
		    !net_random_hex(token, 16) ||
		    (n = smtp_default_message(msg, SMTP_TEST_MSG_HARD, &so,
		    token, ident, mt_wall_now())) < 0) {
			free(msg);
			mt_err_set(err, MT_E_INTERNAL, "no test message");
			return 1;
		}
		so.msg = (const uint8_t *)msg;
		so.msglen = (size_t)n;
	}
	rc = probe_smtp(&so, tr, &sr, err) == 0 ? 0 : 1;
	free(msg);
	return rc;
}

/* The answer: the trace (debug), then the metrics. */
static void
answer(struct serve_result *res, const struct mon_run *mr, const char *trace,
    size_t tlen)
{
	struct mt_err	 err;
	FILE		*fp;

	res->body = NULL;
	res->len = 0;
	if ((fp = open_memstream(&res->body, &res->len)) == NULL)
		return;
	if (trace != NULL) {
		fwrite(trace, 1, tlen, fp);
		fputc('\n', fp);
	}
	mt_err_clear(&err);
	if ((mon_prom(mr, fp, &err) != 0) | (fclose(fp) != 0)) {
		free(res->body);
		res->body = NULL;
		res->len = 0;
	}
}

void
serve_probe(const struct serve_module *m, const struct probe_target *t,
    int limit_ms, bool debug, const struct serve_conf *conf,
    struct serve_result *res)
{
	struct run_info	 ri;
	struct probe_conn c;
	struct tracer	 tr;
	struct mon_run	 mr;
	struct store	*st = NULL;
	struct sink	*sk;
	struct mt_err	 err, serr;
	FILE		*dfp = NULL;
	char		*dbuf = NULL;
	size_t		 dlen = 0;
	int		 status;

	memset(res, 0, sizeof(*res));
	memset(&ri, 0, sizeof(ri));
	ri.proto = m->proto == SERVE_POP3 ? "pop3" : "smtp";
	ri.target = t->url;
	ri.level = m->level == LEVEL_ADVANCED ? "advanced" : "standard";
	ri.started = mt_wall_now();
	ri.pid = (long)getpid();
	mt_err_clear(&serr);
	trace_init(&tr, m->level, REC_PROBE);
	tr.explain = explain_rec;	/* as the probe commands' tracer */
	/* The store first, as the probe commands do. */
	if (conf->db != NULL) {
		if (store_open(conf->db, &st, &serr) != 0 ||
		    store_run_begin(st, &ri, &serr) != 0) {
			store_close(st);
			st = NULL;
			res->store_failed = true;
		} else {
			tr.run = ri.run;
			if ((sk = store_sink(st)) != NULL)
				trace_add_sink(&tr, sk);
		}
	}
	mon_run_init(&mr, ri.proto);
	mt_err_clear(&err);
	if ((sk = mon_sink_new(&mr, &err)) == NULL) {
		trace_close(&tr);
		store_close(st);
		return;
	}
	trace_add_sink(&tr, sk);
	if (debug && (dfp = open_memstream(&dbuf, &dlen)) != NULL &&
	    (sk = sink_text_new(dfp, &ri, &err)) != NULL)
		trace_add_sink(&tr, sk);

	conn_of(&c, m, t, limit_ms);
	mt_err_clear(&err);
	status = run(m, &c, conf, &tr, &err);
	if (trace_flush(&tr, &serr) != 0 && st != NULL)
		res->store_failed = true;
	trace_close(&tr);
	if (st != NULL) {
		if (store_run_end(st, ri.run, status, mt_wall_now(), &serr) !=
		    0)
			res->store_failed = true;
		store_close(st);
	}
	explicit_bzero(&c, sizeof(c));
	if (dfp != NULL && fclose(dfp) != 0) {
		free(dbuf);
		dbuf = NULL;
		dlen = 0;
	}
	res->success = status == 0 && !mr.failed && mr.records > 0;
	answer(res, &mr, dbuf, dlen);
	free(dbuf);
}
