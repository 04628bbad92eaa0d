/*
 * SPDX-License-Identifier: BSD-2-Clause
 * flow.c - the probe drivers' shared core: the clock, sending through the
 * model, waiting for steps, connecting, STARTTLS/STLS, teardown, and the
 * failure message of a step.
 */
#include "flow.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void	flow_on_step(void *, const struct step *);
static void	flow_on_line(void *, int, const char *, size_t);
static void	flow_io_fail(struct flow *, const struct mt_err *);
static void	flow_net_fail(struct flow *, const char *, const struct mt_err *);
static void	flow_exit_tls(struct flow *, unsigned, int, mt_time,
		    const char *, const struct rec_tls *);

void
flow_init(struct flow *f, enum proto proto, const struct probe_conn *c,
    struct tracer *tr)
{
	char	server[MT_ADDR_HARD];
	int	ms;

	memset(f, 0, sizeof(*f));
	f->c = c;
	f->proto = proto;
	f->tr = tr;
	f->wall0 = mt_wall_now();
	f->mono0 = mt_mono_us();
	f->ct = c->connect_timeout_ms < 0 ? MT_CONNECT_TIMEOUT_DEFAULT :
	    c->connect_timeout_ms;
	f->rt = c->read_timeout_ms < 0 ? MT_READ_TIMEOUT_DEFAULT :
	    c->read_timeout_ms;
	ms = c->max_time_ms < 0 ? MT_MAX_TIME_DEFAULT * 1000 : c->max_time_ms;
	f->limit = net_limit_in(ms);
	if (c->limit_name != NULL)
		snprintf(f->limit_what, sizeof(f->limit_what), "%s",
		    c->limit_name);
	else
		snprintf(f->limit_what, sizeof(f->limit_what),
		    "--max-time %d s", ms / 1000);
	if (strchr(c->host, ':') != NULL)
		snprintf(server, sizeof(server), "[%s]:%u", c->host, c->port);
	else
		snprintf(server, sizeof(server), "%s:%u", c->host, c->port);
	trace_session(tr, "", server);
}

void
flow_done(struct flow *f)
{
	conv_free(f->cv);
	f->cv = NULL;
	net_close(f->net);
	f->net = NULL;
	trace_flush(f->tr, NULL);
}

/* Wall time that never runs backwards within a session. */
mt_time
flow_now(const struct flow *f)
{
	return f->wall0 + (mt_mono_us() - f->mono0);
}

void
flow_fail(struct flow *f, enum mt_ecode code, const char *fmt, ...)
{
	va_list	ap;

	if (f->failed)
		return;
	f->failed = true;
	f->err.code = code;
	va_start(ap, fmt);
	vsnprintf(f->err.msg, sizeof(f->err.msg), fmt, ap);
	va_end(ap);
}

mt_time
flow_enter(struct flow *f, unsigned ev)
{
	mt_time	t = flow_now(f);

	trace_emit(f->tr, ev, 0, "--", NULL, NULL, t, -1);
	return t;
}

void
flow_exit(struct flow *f, unsigned ev, int rc, mt_time t0)
{
	flow_exit_detail(f, ev, rc, t0, NULL);
}

void
flow_exit_detail(struct flow *f, unsigned ev, int rc, mt_time t0,
    const char *detail)
{
	flow_exit_tls(f, ev, rc, t0, detail, NULL);
}

/* flow_exit_detail() with a handshake's facts (NULL: none). */
static void
flow_exit_tls(struct flow *f, unsigned ev, int rc, mt_time t0,
    const char *detail, const struct rec_tls *tls)
{
	struct trace_rec	r;

	memset(&r, 0, sizeof(r));
	if (tls != NULL) {
		r.has_tls = true;
		r.tls = *tls;
	}
	r.event = ev;
	r.rc = rc;
	if (rc != 0)
		snprintf(r.opt, sizeof(r.opt), "%s",
		    mt_exc_class((enum mt_ecode)rc));
	r.time = flow_now(f);
	r.has_elapsed = true;
	r.elapsed_us = r.time - t0;
	/* A failed handshake says what failed (docs/records.md). */
	if (detail == NULL && rc == MT_E_TLS && f->tls_why[0] != '\0')
		detail = f->tls_why;
	if (detail != NULL)
		snprintf(r.detail, sizeof(r.detail), "%s", detail);
	trace_emit_rec(f->tr, &r);
}

/* model -> driver: a step completed (its records are already out). */
static void
flow_on_step(void *arg, const struct step *s)
{
	struct flow	*f = arg;

	f->got = true;
	f->st = *s;
	if (s->rc != 0)
		f->last_rc = s->rc;
	f->textlen = 0;
	if (s->text != NULL) {
		f->textlen = s->textlen < sizeof(f->text) - 1 ? s->textlen :
		    sizeof(f->text) - 1;
		memcpy(f->text, s->text, f->textlen);
	}
	f->text[f->textlen] = '\0';
	f->st.text = f->text;
}

static void
flow_on_line(void *arg, int cmd, const char *s, size_t n)
{
	struct flow	*f = arg;

	if (f->line_cb != NULL)
		f->line_cb(f->line_arg, cmd, s, n);
}

/*
 * A net/ failure as the session's failure, "what: " first when what is
 * set, and the option that set the limit when the session limit fired.
 */
static void
flow_net_fail(struct flow *f, const char *what, const struct mt_err *e)
{
	bool	lim = e->code == MT_E_TIMEOUT && net_limit_passed(f->limit);

	flow_fail(f, e->code, "%s%s%s%s%s%s", what ? what : "",
	    what ? ": " : "", e->msg, lim ? " (" : "", lim ? f->limit_what : "",
	    lim ? ")" : "");
}

/* The connection failed under us: the model closes the open steps. */
static void
flow_io_fail(struct flow *f, const struct mt_err *e)
{
	f->dead = true;
	/* Nothing awaited (a message being written): the failure is the
	 * connection's own, the last of the session. */
	if (conv_pending(f->cv) == 0)
		f->last_rc = e->code;
	conv_close(f->cv, e->code == MT_E_TIMEOUT ? CLOSE_TIMEOUT :
	    e->code == MT_E_EOF ? CLOSE_FIN : e->code == MT_E_INTR ?
	    CLOSE_INTR : CLOSE_IO, flow_now(f));
	flow_net_fail(f, NULL, e);
}

int
flow_wait(struct flow *f)
{
	uint8_t		buf[16384];
	struct mt_err	e;
	long		n;

	while (!f->got) {
		mt_err_clear(&e);
		n = net_read(f->net, buf, sizeof(buf), f->rt, &e);
		if (n > 0) {
			conv_bytes(f->cv, DIR_S2C, buf, (size_t)n, flow_now(f));
			continue;
		}
		if (n == 0)
			mt_err_set(&e, MT_E_EOF, "the server closed the "
			    "connection while a reply was expected");
		flow_io_fail(f, &e);
		if (!f->got)
			return MT_E_INTERNAL;
	}
	trace_flush(f->tr, NULL);	/* keep what was recorded */
	return f->st.rc;
}

int
flow_data(struct flow *f, const uint8_t *p, size_t n)
{
	struct mt_err	e;

	if (f->dead)
		return MT_E_IO;
	f->got = false;
	conv_bytes(f->cv, DIR_C2S, p, n, flow_now(f));
	mt_err_clear(&e);
	if (net_write_all(f->net, p, n, f->rt, &e) != 0) {
		flow_io_fail(f, &e);
		return e.code;
	}
	return 0;
}

int
flow_cmd(struct flow *f, char *line, size_t len, bool secret)
{
	int	rc;

	if (f->dead)
		return MT_E_IO;
	if (len + 2 >= MT_CMD_HARD) {
		flow_fail(f, MT_E_INTERNAL, "command too long");
		return MT_E_INTERNAL;
	}
	/*
	 * One command, one line: a CR or LF inside (from an argument the CLI
	 * should have refused) would send a second command.  Not sent.
	 */
	if (memchr(line, '\r', len) != NULL || memchr(line, '\n', len) !=
	    NULL) {
		if (secret)
			explicit_bzero(line, len);
		flow_fail(f, MT_E_INTERNAL, "a command with a line break in "
		    "it (not sent)");
		return MT_E_INTERNAL;
	}
	line[len++] = '\r';
	line[len++] = '\n';
	rc = flow_data(f, (const uint8_t *)line, len);
	if (secret)
		explicit_bzero(line, len);
	if (rc != 0)
		return rc;
	return flow_wait(f);
}

int
flow_cmdf(struct flow *f, const char *fmt, ...)
{
	char	line[MT_CMD_HARD];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 2) {
		flow_fail(f, MT_E_USAGE, "command too long");
		return MT_E_USAGE;
	}
	return flow_cmd(f, line, (size_t)n, false);
}

int
flow_connect(struct flow *f, unsigned ev)
{
	const struct probe_conn	*c = f->c;
	struct net_tls_opts	 tls;
	struct rec_tls		 facts;
	struct mt_err		 e;
	char			 opt[MT_FIELD_HARD], cl[MT_ADDR_HARD],
				 sv[MT_ADDR_HARD];
	int			 rc;
	bool			 has_facts = false;
	mt_time			 t0;

	/* The timeouts in force, defaults included. */
	snprintf(opt, sizeof(opt), "%s %u %d %d", c->host, c->port, f->ct,
	    f->rt);
	t0 = flow_now(f);
	trace_emit(f->tr, ev, 0, "--", NULL, opt, t0, -1);
	mt_err_clear(&e);
	rc = net_connect_until(c->host, c->port, f->ct, f->limit, &f->net,
	    &e);
	if (rc == 0 && c->implicit_tls) {
		memset(&tls, 0, sizeof(tls));
		tls.cafile = c->cafile;
		tls.insecure = c->insecure;
		tls.keylog = c->keylog;
		tls.max_version = c->tls_max;
		tls.servername = c->tls_name != NULL ? c->tls_name :
		    c->host;
		rc = net_tls(f->net, &tls, f->ct, &e);
		/* This step made both: its connect and its handshake. */
		has_facts = rc == 0 && net_tls_facts(f->net, &facts);
	}
	if (rc == 0) {
		net_endpoints(f->net, cl, sizeof(cl), sv, sizeof(sv));
		trace_endpoints(f->tr, cl, sv);
	} else if (e.code == MT_E_TLS)
		trace_str(f->tls_why, sizeof(f->tls_why), e.msg);
	flow_exit_tls(f, ev + 1, rc ? (int)e.code : 0, t0, NULL,
	    has_facts ? &facts : NULL);
	/*
	 * The connection is fetched: its records are kept now, so that a
	 * probe killed while it waits for the greeting leaves them stored.
	 */
	trace_flush(f->tr, NULL);
	if (rc != 0) {
		flow_net_fail(f, NULL, &e);
		f->dead = true;
		return e.code;
	}
	return 0;
}

int
flow_greeting(struct flow *f)
{
	struct conv_env	env;
	struct mt_err	e;

	memset(&env, 0, sizeof(env));
	env.tr = f->tr;
	env.on_step = flow_on_step;
	env.on_line = flow_on_line;
	env.arg = f;
	env.max_body = f->c->max_body;
	if ((f->cv = conv_new(f->proto, &env, flow_now(f), &e)) == NULL) {
		flow_fail(f, e.code, "%s", e.msg);
		f->dead = true;
		return e.code;
	}
	f->got = false;
	if (flow_wait(f) != 0)
		return flow_step_fail(f, "greeting");
	return 0;
}

int
flow_stls(struct flow *f, const char *verb)
{
	/* The pair STLS and STARTTLS get (docs/records.md). */
	unsigned	after = f->proto == PROTO_POP3 ? EV_POP3_CMD_AFTER :
			    EV_SMTP_CMD_AFTER;

	/*
	 * The "after" record waits for the handshake, to carry its facts:
	 * it keeps its own time and elapsed (the reply's) and its place.
	 */
	(void)trace_hold(f->tr, after);
	if (flow_cmdf(f, "%s", verb) != 0 || (f->st.flags & STEP_INJECTED)) {
		trace_release(f->tr, NULL);
		return flow_step_fail(f, verb);
	}
	return flow_starttls(f, verb);
}

int
flow_starttls(struct flow *f, const char *what)
{
	struct net_tls_opts	tls;
	struct rec_tls		facts;
	struct mt_err		e;

	memset(&tls, 0, sizeof(tls));
	tls.cafile = f->c->cafile;
	tls.insecure = f->c->insecure;
	tls.keylog = f->c->keylog;
	tls.max_version = f->c->tls_max;
	tls.servername = f->c->tls_name != NULL ? f->c->tls_name :
	    f->c->host;
	mt_err_clear(&e);
	if (net_tls(f->net, &tls, f->ct, &e) != 0) {
		trace_release(f->tr, NULL);	/* no facts */
		if (e.code == MT_E_TLS)
			trace_str(f->tls_why, sizeof(f->tls_why), e.msg);
		f->dead = true;
		conv_close(f->cv, CLOSE_ABORT, flow_now(f));
		flow_net_fail(f, what, &e);
		return e.code;
	}
	if (net_tls_facts(f->net, &facts)) {
		facts.connect_us = -1;	/* the connect was another step's */
		trace_release(f->tr, &facts);
	} else
		trace_release(f->tr, NULL);
	conv_tls(f->cv, flow_now(f));
	return 0;
}

void
flow_close_begin(struct flow *f)
{
	if (!f->dead)
		f->last_rc = 0;
}

void
flow_teardown(struct flow *f, unsigned ev)
{
	mt_time	t0 = flow_enter(f, ev);

	if (f->cv != NULL && !f->dead)
		conv_close(f->cv, CLOSE_FIN, t0);
	net_close(f->net);
	f->net = NULL;
	f->dead = true;
	flow_exit(f, ev + 1, 0, t0);
}

int
flow_step_fail(struct flow *f, const char *what)
{
	char	shown[160];
	bool	bad;

	bad = f->proto == PROTO_POP3 ? f->st.st == POP3_ST_BAD :
	    (f->st.code == 0 && f->st.clean == false && f->textlen > 0);
	if (f->failed)
		return f->st.rc ? f->st.rc : (int)f->err.code;
	mt_show(shown, sizeof(shown), (const uint8_t *)f->text, f->textlen,
	    120);
	if (f->st.flags & STEP_INJECTED)
		flow_fail(f, MT_E_PROTO, "%s: the server sent plaintext after "
		    "accepting %s (refused; see the plaintext_after_stls "
		    "anomaly)", what, what);
	else if (f->st.flags & STEP_TRUNCATED)
		flow_fail(f, MT_E_PROTO, "%s: reply line longer than %d octets",
		    what, MT_LINE_HARD);
	else if (f->st.flags & STEP_BODY_OVER)
		flow_fail(f, MT_E_PROTO, "%s: response body over the limit "
		    "(--max-body)", what);
	else if (f->st.flags & STEP_TOO_LONG)
		flow_fail(f, MT_E_PROTO, "%s: reply longer than %d lines", what,
		    MT_REPLY_LINES_HARD);
	else if (bad)
		flow_fail(f, MT_E_PROTO, "%s: malformed response \"%s\"",
		    what, shown);
	else if (f->proto == PROTO_POP3 && f->st.st == POP3_ST_ERR)
		flow_fail(f, (enum mt_ecode)f->st.rc, "%s: -ERR %s", what,
		    shown);
	else if (f->proto == PROTO_POP3 && f->st.st == POP3_ST_CONT)
		flow_fail(f, MT_E_PROTO, "%s: unexpected SASL continuation",
		    what);
	else if (f->proto == PROTO_SMTP && f->st.code != 0)
		flow_fail(f, f->st.rc ? (enum mt_ecode)f->st.rc : MT_E_PROTO,
		    "%s: %03d %s", what, f->st.code, shown);
	else
		flow_fail(f, f->st.rc ? (enum mt_ecode)f->st.rc : MT_E_PROTO,
		    "%s: failed", what);
	if (f->st.flags & (STEP_INJECTED | STEP_TRUNCATED | STEP_BODY_OVER |
	    STEP_TOO_LONG) || bad)
		f->dead = true;		/* the stream can't be trusted */
	/* RFC 5321 3.8: 421 means the server is closing the channel. */
	if (f->proto == PROTO_SMTP && f->st.code == 421)
		f->dead = true;
	return f->st.rc ? f->st.rc : MT_E_PROTO;
}
