/*
 * SPDX-License-Identifier: BSD-2-Clause
 * pop3_flow.c - the POP3 probe driver: the JavaMail call order of the PRF
 * catalog (EVENTS.md, "The order of a full POP3 session") over RFC 1939,
 * RFC 2449 CAPA and RFC 2595 STLS.
 */
#include "probe.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "flow.h"

static void	flow_on_step(void *, const struct step *);
static int	flow_wait(struct flow *);
static int	flow_connect(struct flow *);
static int	flow_session_start(struct flow *);
static int	flow_open(struct flow *);
static int	flow_fetch(struct flow *);
static int	flow_close(struct flow *, bool);
static void	flow_teardown(struct flow *);
static int	flow_step_fail(struct flow *, const char *);
static mt_time	flow_enter(struct flow *, unsigned);
static void	flow_exit(struct flow *, unsigned, int, mt_time);

static int64_t
mono_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Wall time that never runs backwards within a session. */
mt_time
flow_now(const struct flow *f)
{
	return f->wall0 + (mono_us() - f->mono0);
}

/* An API entry or "before" point with no text: returns its time. */
static mt_time
flow_enter(struct flow *f, unsigned ev)
{
	mt_time	t = flow_now(f);

	trace_emit(f->tr, ev, 0, "--", NULL, NULL, t, -1);
	return t;
}

/* The matching exit or "after" point: rc and its exception, elapsed. */
static void
flow_exit(struct flow *f, unsigned ev, int rc, mt_time t0)
{
	mt_time	t = flow_now(f);

	trace_emit(f->tr, ev, rc, "--", NULL,
	    rc ? mt_exc_class((enum mt_ecode)rc) : NULL, t, t - t0);
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

/* model -> driver: a step completed (its records are already out). */
static void
flow_on_step(void *arg, const struct step *s)
{
	struct flow	*f = arg;

	f->got = true;
	f->st = *s;
	f->textlen = 0;
	if (s->text != NULL) {
		f->textlen = s->textlen < sizeof(f->text) - 1 ? s->textlen :
		    sizeof(f->text) - 1;
		memcpy(f->text, s->text, f->textlen);
	}
	f->text[f->textlen] = '\0';
	f->st.text = f->text;
}

/* Read until the model completes the step the last command opened. */
static int
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
		f->dead = true;
		if (n == 0) {
			conv_close(f->cv, CLOSE_FIN, flow_now(f));
			flow_fail(f, MT_E_EOF, "the server closed the "
			    "connection while a response was expected");
		} else {
			conv_close(f->cv, e.code == MT_E_TIMEOUT ?
			    CLOSE_TIMEOUT : CLOSE_IO, flow_now(f));
			flow_fail(f, e.code, "%s", e.msg);
		}
		if (!f->got)
			return MT_E_INTERNAL;
	}
	return f->st.rc;
}

int
flow_cmd(struct flow *f, char *line, size_t len, bool secret)
{
	struct mt_err	e;
	int		rc;

	if (f->dead)
		return MT_E_IO;
	if (len + 2 >= MT_CMD_HARD) {
		flow_fail(f, MT_E_INTERNAL, "command too long");
		return MT_E_INTERNAL;
	}
	line[len++] = '\r';
	line[len++] = '\n';
	f->got = false;
	conv_bytes(f->cv, DIR_C2S, (const uint8_t *)line, len, flow_now(f));
	mt_err_clear(&e);
	rc = net_write_all(f->net, line, len, f->rt, &e);
	if (secret)
		explicit_bzero(line, len);
	if (rc != 0) {
		f->dead = true;
		conv_close(f->cv, e.code == MT_E_TIMEOUT ? CLOSE_TIMEOUT :
		    CLOSE_IO, flow_now(f));
		flow_fail(f, e.code, "%s", e.msg);
		return e.code;
	}
	rc = flow_wait(f);
	trace_flush(f->tr, NULL);	/* keep what was recorded */
	return rc;
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
		flow_fail(f, MT_E_INTERNAL, "command too long");
		return MT_E_INTERNAL;
	}
	return flow_cmd(f, line, (size_t)n, false);
}

/*
 * A step failed: say why, once, from what the model saw.  Returns the rc.
 */
static int
flow_step_fail(struct flow *f, const char *what)
{
	char	shown[160];

	if (f->failed)
		return f->st.rc ? f->st.rc : (int)f->err.code;
	if (f->st.flags & STEP_INJECTED)
		flow_fail(f, MT_E_PROTO, "%s: the server sent plaintext after "
		    "accepting STLS (refused; see the plaintext_after_stls "
		    "anomaly)", what);
	else if (f->st.flags & STEP_TRUNCATED)
		flow_fail(f, MT_E_PROTO, "%s: response line longer than %d "
		    "octets", what, MT_LINE_HARD);
	else if (f->st.flags & STEP_BODY_OVER)
		flow_fail(f, MT_E_PROTO, "%s: response body over the limit "
		    "(--max-body)", what);
	else {
		mt_show(shown, sizeof(shown), (const uint8_t *)f->text,
		    f->textlen, 120);
		switch (f->st.st) {
		case POP3_ST_ERR:
			flow_fail(f, (enum mt_ecode)f->st.rc, "%s: -ERR %s",
			    what, shown);
			break;
		case POP3_ST_BAD:
			flow_fail(f, MT_E_PROTO, "%s: malformed response "
			    "\"%s\"", what, shown);
			break;
		case POP3_ST_CONT:
			flow_fail(f, MT_E_PROTO, "%s: unexpected SASL "
			    "continuation", what);
			break;
		default:
			flow_fail(f, (enum mt_ecode)f->st.rc, "%s: failed",
			    what);
			break;
		}
	}
	if (f->st.flags & (STEP_INJECTED | STEP_TRUNCATED | STEP_BODY_OVER) ||
	    f->st.st == POP3_ST_BAD)
		f->dead = true;		/* the stream can't be trusted */
	return f->st.rc ? f->st.rc : MT_E_PROTO;
}

/* 0xAD82/0xAD83: TCP connect, and the handshake for POP3S. */
static int
flow_connect(struct flow *f)
{
	const struct pop3_opts	*o = f->o;
	struct net_tls_opts	 tls;
	struct mt_err		 e;
	char			 opt[MT_FIELD_HARD], cl[MT_ADDR_HARD],
				 sv[MT_ADDR_HARD];
	int			 rc;
	mt_time			 t0;

	snprintf(opt, sizeof(opt), "%s %u %d %d", o->host, o->port,
	    o->connect_timeout_ms, o->read_timeout_ms);
	t0 = flow_now(f);
	trace_emit(f->tr, EV_POP3_FETCH_BEFORE, 0, "--", NULL, opt, t0, -1);
	mt_err_clear(&e);
	rc = net_connect(o->host, o->port, f->ct, &f->net, &e);
	if (rc == 0 && o->implicit_tls) {
		memset(&tls, 0, sizeof(tls));
		tls.cafile = o->cafile;
		tls.insecure = o->insecure;
		tls.servername = o->host;
		rc = net_tls(f->net, &tls, f->ct, &e);
	}
	if (rc == 0) {
		net_endpoints(f->net, cl, sizeof(cl), sv, sizeof(sv));
		trace_endpoints(f->tr, cl, sv);
	}
	flow_exit(f, EV_POP3_FETCH_AFTER, rc ? (int)e.code : 0, t0);
	if (rc != 0) {
		flow_fail(f, e.code, "%s", e.msg);
		f->dead = true;
		return e.code;
	}
	return 0;
}

/* Greeting, CAPA, STLS and authentication: the inside of Store.connect. */
static int
flow_session_start(struct flow *f)
{
	const struct pop3_opts	*o = f->o;
	struct conv_env		 env;
	struct net_tls_opts	 tls;
	struct mt_err		 e;
	const char		*st;
	size_t			 sl;
	int			 rc;

	memset(&env, 0, sizeof(env));
	env.tr = f->tr;
	env.on_step = flow_on_step;
	env.arg = f;
	env.max_body = o->max_body;
	f->cv = conv_new(PROTO_POP3, &env, flow_now(f), &e);
	if (f->cv == NULL) {
		flow_fail(f, e.code, "%s", e.msg);
		return e.code;
	}
	f->got = false;
	if ((rc = flow_wait(f)) != 0)
		return flow_step_fail(f, "greeting");
	if (pop3_greeting_stamp(f->text, f->textlen, &st, &sl) &&
	    sl < sizeof(f->stamp)) {
		memcpy(f->stamp, st, sl);
		f->stamp[sl] = '\0';
	}
	if ((rc = flow_cmdf(f, "CAPA")) != 0)
		return flow_step_fail(f, "CAPA");
	if (o->stls) {
		if (!conv_pop3_capa(f->cv)->stls) {
			flow_fail(f, MT_E_PROTO, "--stls: the server does not "
			    "offer STLS in its CAPA response");
			return MT_E_PROTO;
		}
		if ((rc = flow_cmdf(f, "STLS")) != 0 ||
		    (f->st.flags & STEP_INJECTED))
			return flow_step_fail(f, "STLS");
		memset(&tls, 0, sizeof(tls));
		tls.cafile = o->cafile;
		tls.insecure = o->insecure;
		tls.servername = o->host;
		mt_err_clear(&e);
		if ((rc = net_tls(f->net, &tls, f->ct, &e)) != 0) {
			f->dead = true;
			conv_close(f->cv, CLOSE_ABORT, flow_now(f));
			flow_fail(f, e.code, "STLS: %s", e.msg);
			return e.code;
		}
		conv_tls(f->cv, flow_now(f));
		/* RFC 2595 4: capabilities may differ under TLS. */
		if ((rc = flow_cmdf(f, "CAPA")) != 0)
			return flow_step_fail(f, "CAPA");
	}
	if ((rc = flow_auth(f)) != 0)
		return rc;
	return 0;
}

/* Folder.open: STAT. */
static int
flow_open(struct flow *f)
{
	uint64_t	octets;
	int		rc;
	mt_time		t0 = flow_enter(f, EV_POP3_OPEN_ENTER);

	rc = flow_cmdf(f, "STAT");
	if (rc != 0)
		rc = flow_step_fail(f, "STAT");
	else if (!pop3_parse_stat(f->text, f->textlen, &f->count, &octets)) {
		flow_fail(f, MT_E_PROTO, "STAT: cannot read the message count "
		    "in \"+OK %.60s\"", f->text);
		rc = MT_E_PROTO;
	}
	flow_exit(f, EV_POP3_OPEN_EXIT, rc, t0);
	return rc;
}

/* The fetch block (0xAD8A/0xAD8B) and the plain fetches after it. */
static int
flow_fetch(struct flow *f)
{
	const struct pop3_opts	*o = f->o;
	uint64_t		 first = 1, last = f->count, i;
	char			 what[64];
	int			 rc = 0;
	mt_time			 t0;

	if (o->retr_msg != 0)
		first = last = o->retr_msg;
	t0 = flow_enter(f, EV_POP3_FETCHALL_BEFORE);
	if (o->uidl && (rc = flow_cmdf(f, "UIDL")) != 0)
		rc = flow_step_fail(f, "UIDL");
	for (i = first; rc == 0 && (o->retr || o->top) && i <= last; i++) {
		if ((rc = flow_cmdf(f, "LIST %llu", (unsigned long long)i)) !=
		    0) {
			snprintf(what, sizeof(what), "LIST %llu",
			    (unsigned long long)i);
			rc = flow_step_fail(f, what);
		}
	}
	flow_exit(f, EV_POP3_FETCHALL_AFTER, rc, t0);
	for (i = first; rc == 0 && i <= last; i++) {
		if (o->top && (rc = flow_cmdf(f, "TOP %llu %llu",
		    (unsigned long long)i, (unsigned long long)o->top_lines)) !=
		    0) {
			snprintf(what, sizeof(what), "TOP %llu",
			    (unsigned long long)i);
			rc = flow_step_fail(f, what);
		}
		if (rc == 0 && o->retr && (rc = flow_cmdf(f, "RETR %llu",
		    (unsigned long long)i)) != 0) {
			snprintf(what, sizeof(what), "RETR %llu",
			    (unsigned long long)i);
			rc = flow_step_fail(f, what);
		}
	}
	return rc;
}

/* Teardown: 0xAD88 / 0xAD89 around closing the socket. */
static void
flow_teardown(struct flow *f)
{
	mt_time	t0 = flow_enter(f, EV_POP3_TERM_BEFORE);

	if (f->cv != NULL && !f->dead)
		conv_close(f->cv, CLOSE_FIN, t0);
	net_close(f->net);
	f->net = NULL;
	f->dead = true;
	flow_exit(f, EV_POP3_TERM_AFTER, 0, t0);
}

/*
 * Folder.close (opened: 0xAD86 .. 0xAD87 around RSET, the DELE block and
 * QUIT), or just QUIT and teardown when the folder never opened.
 */
static int
flow_close(struct flow *f, bool opened)
{
	const struct pop3_opts	*o = f->o;
	uint64_t		 first = 1, last = f->count, i;
	int			 rc = 0, drc = 0;
	char			 what[64];
	mt_time			 t0 = flow_now(f), td;

	if (opened)
		trace_emit(f->tr, EV_POP3_CLOSE_ENTER, 0, "--", NULL, NULL, t0,
		    -1);
	if (opened && !f->failed && o->rset && (rc = flow_cmdf(f, "RSET")) != 0)
		rc = flow_step_fail(f, "RSET");
	if (opened && !f->failed && o->dele && f->count > 0) {
		if (o->retr_msg != 0)
			first = last = o->retr_msg;
		td = flow_enter(f, EV_POP3_DELE_BEFORE);
		for (i = first; drc == 0 && i <= last; i++) {
			if ((drc = flow_cmdf(f, "DELE %llu",
			    (unsigned long long)i)) != 0) {
				snprintf(what, sizeof(what), "DELE %llu",
				    (unsigned long long)i);
				drc = flow_step_fail(f, what);
			}
		}
		flow_exit(f, EV_POP3_DELE_AFTER, drc, td);
	}
	if (!f->dead) {
		int qrc = flow_cmdf(f, "QUIT");

		if (qrc != 0)
			rc = flow_step_fail(f, "QUIT");
	} else if (rc == 0)
		rc = f->err.code != MT_E_OK ? (int)f->err.code : MT_E_IO;
	flow_teardown(f);
	if (opened)
		flow_exit(f, EV_POP3_CLOSE_EXIT, rc, t0);
	return rc;
}

int
probe_pop3(const struct pop3_opts *o, struct tracer *tr, struct mt_err *err)
{
	struct flow	f;
	char		server[MT_ADDR_HARD];
	int		rc;
	bool		opened;
	mt_time		t0;

	memset(&f, 0, sizeof(f));
	f.o = o;
	f.tr = tr;
	f.wall0 = mt_wall_now();
	f.mono0 = mono_us();
	f.ct = o->connect_timeout_ms < 0 ? MT_CONNECT_TIMEOUT_DEFAULT :
	    o->connect_timeout_ms;
	f.rt = o->read_timeout_ms < 0 ? MT_READ_TIMEOUT_DEFAULT :
	    o->read_timeout_ms;
	if (strchr(o->host, ':') != NULL)
		snprintf(server, sizeof(server), "[%s]:%u", o->host, o->port);
	else
		snprintf(server, sizeof(server), "%s:%u", o->host, o->port);
	trace_session(tr, "", server);

	/* Store.connect */
	t0 = flow_enter(&f, EV_POP3_CONNECT_ENTER);
	rc = flow_connect(&f);
	if (rc == 0)
		rc = flow_session_start(&f);
	if (rc != 0) {
		/* The server answered in protocol: leave politely. */
		if (f.net != NULL && f.cv != NULL && !f.dead &&
		    conv_pending(f.cv) == 0)
			(void)flow_cmdf(&f, "QUIT");
		flow_teardown(&f);
	}
	flow_exit(&f, EV_POP3_CONNECT_EXIT, rc, t0);
	if (rc == 0) {
		/* Folder.open; then what was asked; then Folder.close. */
		opened = (rc = flow_open(&f)) == 0;
		if (rc == 0 && f.count > 0 && (o->retr || o->top || o->uidl))
			rc = flow_fetch(&f);
		if (rc == 0 && o->noop && (rc = flow_cmdf(&f, "NOOP")) != 0)
			rc = flow_step_fail(&f, "NOOP");
		(void)flow_close(&f, opened);
	}
	conv_free(f.cv);
	if (f.net != NULL)
		net_close(f.net);
	trace_flush(tr, NULL);
	if (f.failed) {
		if (err != NULL)
			*err = f.err;
		return 1;
	}
	return 0;
}
