/*
 * SPDX-License-Identifier: BSD-2-Clause
 * json.c - a run's records as an OTLP ExportTraceServiceRequest in JSON
 * (otlp.h), through jansson.
 *
 * Per session (by number; the DNS lookups are session 0): a trace of its own; a
 * root span "PROTO session" (DNS lookups, session 0: "dns lookups") from
 * its first record to its last; a child span for every record with a
 * duration (the API-level exits and "after" points, each step, each
 * lookup), from its time minus its duration to its time, under the
 * innermost API-level block that holds it; anomalies as events of the
 * root span.  A failed record's span, and the root span when any record
 * failed, have status ERROR and error.type, the exception class.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/rand.h>

#include "ev.h"
#include "otlp.h"

#define SPAN_INTERNAL	1	/* opentelemetry-proto Span.SpanKind */
#define SPAN_CLIENT	3
#define STATUS_ERROR	2	/* Status.StatusCode */

/* A child span being placed. */
struct cspan {
	const struct otlp_rec	*r;
	int64_t			 start, end;	/* us */
	bool			 block;		/* an API-level block */
	unsigned char		 id[8];
	const unsigned char	*parent;	/* NULL: the root */
};

static int
default_rnd(unsigned char *b, int n)
{
	return RAND_bytes(b, n) == 1 ? 0 : -1;
}

static void
hex(char *out, const unsigned char *b, size_t n)
{
	static const char	d[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* Nanoseconds since the epoch as the JSON mapping wants them: a string. */
static json_t *
nanos(int64_t us)
{
	char	buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64 "000", us < 0 ? 0 : us);
	return json_string(buf);
}

/*
 * {"key": key, "value": {kind: value}} appended to arr.  value is taken
 * (jansson's *_new calls take their argument, failing or not).
 */
static int
attr(json_t *arr, const char *key, const char *kind, json_t *value)
{
	json_t	*v = json_object(), *kv = json_object();

	if (v == NULL || kv == NULL) {
		json_decref(v);
		json_decref(kv);
		json_decref(value);
		return -1;
	}
	if (json_object_set_new(v, kind, value) != 0) {
		json_decref(v);
		json_decref(kv);
		return -1;
	}
	if (json_object_set_new(kv, "value", v) != 0 ||
	    json_object_set_new(kv, "key", json_string(key)) != 0) {
		json_decref(kv);
		return -1;
	}
	return json_array_append_new(arr, kv) != 0 ? -1 : 0;
}

static int
attr_s(json_t *arr, const char *key, const char *s)
{
	if (s == NULL || s[0] == '\0')
		return 0;
	return attr(arr, key, "stringValue", json_string(s));
}

/* int64 values are strings in the JSON mapping (JavaScript's numbers). */
static int
attr_i(json_t *arr, const char *key, int64_t v)
{
	char	buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return attr(arr, key, "intValue", json_string(buf));
}

/* "127.0.0.1:110", "[::1]:110": the address and the port. */
static int
attr_server(json_t *arr, const char *server)
{
	char		 host[MT_ADDR_HARD];
	const char	*c;
	size_t		 n;
	long		 port;

	if (server == NULL || server[0] == '\0' ||
	    (c = strrchr(server, ':')) == NULL)
		return 0;
	n = (size_t)(c - server);
	if (n >= sizeof(host))
		return 0;
	memcpy(host, server, n);
	host[n] = '\0';
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		memmove(host, host + 1, n - 2);
		host[n - 2] = '\0';
	}
	port = strtol(c + 1, NULL, 10);
	if (attr_s(arr, "server.address", host) != 0 ||
	    (port > 0 && attr_i(arr, "server.port", port) != 0))
		return -1;
	return 0;
}

/* The exception class of a failure, else the failure class's name. */
static const char *
error_type(int rc)
{
	const char	*c = mt_exc_class((enum mt_ecode)rc);

	return c[0] != '\0' ? c : mt_ecode_name((enum mt_ecode)rc);
}

static int
status_error(json_t *span, const struct otlp_rec *r)
{
	json_t	*st = json_object();

	if (st == NULL ||
	    json_object_set_new(st, "code", json_integer(STATUS_ERROR)) != 0 ||
	    json_object_set_new(st, "message", json_string(r->expl[0] != '\0' ?
	    r->expl : r->opt)) != 0 ||
	    json_object_set_new(span, "status", st) != 0)
		return -1;
	return attr_s(json_object_get(span, "attributes"), "error.type",
	    error_type(r->rc));
}

/*
 * A child span's name: the command's verb ("RETR"), a lookup's type
 * ("DNS MX"), an API method ("Store.connect"), else the point's event
 * ("pop3 fetch" for POP3_FETCH_AFTER).
 */
static void
span_name(const struct otlp_rec *r, char *buf, size_t sz)
{
	const struct ev_info	*e;
	const char		*p;
	size_t			 n;

	if (r->dns != 0) {
		snprintf(buf, sz, "DNS %s", dnsq_name(r->dns));
		return;
	}
	if (strcmp(r->intf, "--") != 0 && r->intf[0] != '\0') {
		n = strcspn(r->intf, " ");
		snprintf(buf, sz, "%.*s", (int)n, r->intf);
		return;
	}
	if ((e = ev_lookup(r->event)) == NULL) {
		snprintf(buf, sz, "0x%04X", r->event);
		return;
	}
	/* "exit of Store.connect" -> Store.connect; else the event's name */
	if (strncmp(e->point, "exit of ", 8) == 0) {
		p = e->point + 8;
		snprintf(buf, sz, "%.*s", (int)strcspn(p, " ("), p);
		return;
	}
	/* POP3_FETCH_AFTER -> "pop3 fetch" */
	p = strchr(e->name, '_');
	snprintf(buf, sz, "%.*s %s", p != NULL ? (int)(p - e->name) : 0,
	    e->name, p != NULL ? p + 1 : e->name);
	for (n = 0; buf[n] != '\0'; n++)
		buf[n] = (char)tolower((unsigned char)buf[n]);
	if (n > 6 && strcmp(buf + n - 6, "_after") == 0)
		buf[n - 6] = '\0';
}

static int
cmp_span(const void *a, const void *b)
{
	const struct cspan	*x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;	/* the holder first */
	if (x->block != y->block)
		return x->block ? -1 : 1;
	return x->r->seq < y->r->seq ? -1 : x->r->seq > y->r->seq;
}

/* Nest the spans (sorted): each under the innermost block holding it. */
static void
nest(struct cspan *c, size_t n)
{
	struct cspan	**stack;
	size_t		  depth = 0, i;

	if ((stack = calloc(n + 1, sizeof(*stack))) == NULL)
		return;		/* (all under the root) */
	for (i = 0; i < n; i++) {
		while (depth > 0 && (stack[depth - 1]->end < c[i].end ||
		    stack[depth - 1]->end <= c[i].start))
			depth--;
		c[i].parent = depth > 0 ? stack[depth - 1]->id : NULL;
		if (c[i].block)
			stack[depth++] = &c[i];
	}
	free(stack);
}

static json_t *
child_json(const struct run_info *ri, const struct cspan *c,
    const char *tid, const unsigned char *root)
{
	const struct otlp_rec	*r = c->r;
	json_t			*s, *a;
	char			 id[17], pid[17], name[80], ev[8];

	hex(id, c->id, 8);
	hex(pid, c->parent != NULL ? c->parent : root, 8);
	span_name(r, name, sizeof(name));
	snprintf(ev, sizeof(ev), "0x%04X", r->event);
	if ((s = json_object()) == NULL || (a = json_array()) == NULL) {
		json_decref(s);
		return NULL;
	}
	if (json_object_set_new(s, "traceId", json_string(tid)) != 0 ||
	    json_object_set_new(s, "spanId", json_string(id)) != 0 ||
	    json_object_set_new(s, "parentSpanId", json_string(pid)) != 0 ||
	    json_object_set_new(s, "name", json_string(name)) != 0 ||
	    json_object_set_new(s, "kind", json_integer(SPAN_INTERNAL)) != 0 ||
	    json_object_set_new(s, "startTimeUnixNano", nanos(c->start)) != 0 ||
	    json_object_set_new(s, "endTimeUnixNano", nanos(c->end)) != 0 ||
	    json_object_set_new(s, "attributes", a) != 0)
		goto fail;
	if ((r->dns == 0 && attr_s(a, "mailtrace.event", ev) != 0) ||
	    (r->dns != 0 && attr_s(a, "dns.question.name", r->intf) != 0) ||
	    attr_i(a, "mailtrace.seq", r->seq) != 0 ||
	    (r->dns == 0 && strcmp(r->intf, "--") != 0 &&
	    attr_s(a, "mailtrace.command", r->intf) != 0) ||
	    attr_s(a, r->dns != 0 ? "dns.answer" : "mailtrace.reply.code",
	    r->opr) != 0 ||
	    attr_s(a, "mailtrace.reply.text", r->reply) != 0 ||
	    attr_s(a, "mailtrace.detail", r->detail) != 0 ||
	    attr_server(a, r->server) != 0)
		goto fail;
	if (r->rc != 0 && status_error(s, r) != 0)
		goto fail;
	(void)ri;
	return s;
fail:
	json_decref(s);
	return NULL;
}

/* One session's spans (records [lo, hi) of it, in order) into spans. */
static int
session_json(json_t *spans, const struct run_info *ri,
    const struct otlp_rec *const *rs, size_t n, size_t dropped,
    int (*rnd)(unsigned char *, int))
{
	const struct otlp_rec	*fail = NULL, *srv = NULL;
	struct cspan		*c;
	json_t			*root, *a, *evs, *e, *ea;
	unsigned char		 tid[16], rid[8];
	char			 tids[33], rids[17], name[64];
	int64_t			 start = INT64_MAX, end = INT64_MIN, s;
	size_t			 i, nc = 0;
	int			 rc = -1;

	if ((c = calloc(n + 1, sizeof(*c))) == NULL)
		return -1;
	if (rnd(tid, 16) != 0 || rnd(rid, 8) != 0)
		goto done;
	hex(tids, tid, 16);
	hex(rids, rid, 8);
	if ((root = json_object()) == NULL)
		goto done;
	if (json_array_append_new(spans, root) != 0 ||
	    (a = json_array()) == NULL ||
	    json_object_set_new(root, "attributes", a) != 0 ||
	    (evs = json_array()) == NULL ||
	    json_object_set_new(root, "events", evs) != 0)
		goto done;
	for (i = 0; i < n; i++) {
		const struct otlp_rec	*r = rs[i];

		s = r->elapsed_us >= 0 ? r->time - r->elapsed_us : r->time;
		if (s < start)
			start = s;
		if (r->time > end)
			end = r->time;
		if (r->rc != 0 && fail == NULL)
			fail = r;
		if (srv == NULL && r->server[0] != '\0' && r->dns == 0)
			srv = r;
		if (r->event == 0 && r->dns == 0) {
			/* an anomaly: an event of the session */
			if ((e = json_object()) == NULL ||
			    json_array_append_new(evs, e) != 0 ||
			    json_object_set_new(e, "timeUnixNano",
			    nanos(r->time)) != 0 ||
			    json_object_set_new(e, "name",
			    json_string("anomaly")) != 0 ||
			    (ea = json_array()) == NULL ||
			    json_object_set_new(e, "attributes", ea) != 0 ||
			    attr_s(ea, "mailtrace.anomaly",
			    an_name(r->anomaly)) != 0 ||
			    attr_s(ea, "mailtrace.detail", r->detail) != 0)
				goto done;
			continue;
		}
		if (r->elapsed_us < 0)
			continue;
		c[nc].r = r;
		c[nc].start = s;
		c[nc].end = r->time;
		c[nc].block = r->dns == 0 && strcmp(r->intf, "--") == 0;
		if (rnd(c[nc].id, 8) != 0)
			goto done;
		nc++;
	}
	snprintf(name, sizeof(name), "%s", rs[0]->session == 0 ?
	    "dns lookups" : "session");
	if (rs[0]->session != 0)
		snprintf(name, sizeof(name), "%s session", ri->proto != NULL ?
		    ri->proto : "mail");
	if (json_object_set_new(root, "traceId", json_string(tids)) != 0 ||
	    json_object_set_new(root, "spanId", json_string(rids)) != 0 ||
	    json_object_set_new(root, "name", json_string(name)) != 0 ||
	    json_object_set_new(root, "kind", json_integer(SPAN_CLIENT)) != 0 ||
	    json_object_set_new(root, "startTimeUnixNano", nanos(start)) != 0 ||
	    json_object_set_new(root, "endTimeUnixNano", nanos(end)) != 0)
		goto done;
	if (attr_s(a, "network.transport", "tcp") != 0 ||
	    (srv != NULL && attr_server(a, srv->server) != 0) ||
	    attr_s(a, "mailtrace.proto", ri->proto) != 0 ||
	    attr_s(a, "mailtrace.target", ri->target) != 0 ||
	    attr_i(a, "mailtrace.run", (int64_t)ri->run) != 0 ||
	    attr_i(a, "mailtrace.session", (int64_t)rs[0]->session) != 0 ||
	    (dropped > 0 && attr_i(a, "mailtrace.records_dropped",
	    (int64_t)dropped) != 0))
		goto done;
	if (fail != NULL && status_error(root, fail) != 0)
		goto done;
	qsort(c, nc, sizeof(*c), cmp_span);
	nest(c, nc);
	for (i = 0; i < nc; i++) {
		json_t	*cs = child_json(ri, &c[i], tids, rid);

		if (cs == NULL || json_array_append_new(spans, cs) != 0)
			goto done;
	}
	rc = 0;
done:
	free(c);
	return rc;
}

/* By session, then in the order made (the array's). */
static int
cmp_rec(const void *a, const void *b)
{
	const struct otlp_rec	*x = *(const struct otlp_rec *const *)a;
	const struct otlp_rec	*y = *(const struct otlp_rec *const *)b;

	if (x->session != y->session)
		return x->session < y->session ? -1 : 1;
	return x < y ? -1 : x > y;
}

char *
otlp_json(const struct run_info *ri, const struct otlp_rec *r, size_t n,
    size_t dropped, int (*rnd)(unsigned char *, int))
{
	const struct otlp_rec	**sess;
	json_t			*top, *rss, *rs, *res, *ra, *sss, *ss, *scope,
				*spans;
	char			*out = NULL;
	size_t			 i, j;

	if (rnd == NULL)
		rnd = default_rnd;
	sess = calloc(n + 1, sizeof(*sess));
	top = json_object();
	if (sess == NULL || top == NULL)
		goto fail;
	if ((rss = json_array()) == NULL ||
	    json_object_set_new(top, "resourceSpans", rss) != 0 ||
	    (rs = json_object()) == NULL || json_array_append_new(rss, rs) != 0 ||
	    (res = json_object()) == NULL ||
	    json_object_set_new(rs, "resource", res) != 0 ||
	    (ra = json_array()) == NULL ||
	    json_object_set_new(res, "attributes", ra) != 0 ||
	    attr_s(ra, "service.name", "mailtrace") != 0 ||
	    attr_s(ra, "service.version", MT_VERSION) != 0 ||
	    (sss = json_array()) == NULL ||
	    json_object_set_new(rs, "scopeSpans", sss) != 0 ||
	    (ss = json_object()) == NULL || json_array_append_new(sss, ss) != 0 ||
	    (scope = json_object()) == NULL ||
	    json_object_set_new(ss, "scope", scope) != 0 ||
	    json_object_set_new(scope, "name", json_string("mailtrace")) != 0 ||
	    json_object_set_new(scope, "version",
	    json_string(MT_VERSION)) != 0 ||
	    (spans = json_array()) == NULL ||
	    json_object_set_new(ss, "spans", spans) != 0)
		goto fail;
	/* Sessions by number (DNS lookups, 0, first), each in record order. */
	for (i = 0; i < n; i++)
		sess[i] = &r[i];
	qsort(sess, n, sizeof(*sess), cmp_rec);
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && sess[j]->session == sess[i]->session; j++)
			;
		if (session_json(spans, ri, sess + i, j - i, dropped, rnd) != 0)
			goto fail;
	}
	out = json_dumps(top, JSON_COMPACT);
fail:
	json_decref(top);
	free(sess);
	return out;
}
