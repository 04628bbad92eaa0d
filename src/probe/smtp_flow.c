/*
 * SPDX-License-Identifier: BSD-2-Clause
 * smtp_flow.c - the SMTP probe driver: the JavaMail call order of the PRF
 * catalog (EVENTS.md, "Order of a full SMTP session") over RFC 5321,
 * RFC 3207 STARTTLS and RFC 4954 AUTH.  No pipelining: one command in
 * flight, as JavaMail sends by default.
 */
#include "probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "flow.h"

static int	smtp_hello(struct flow *, const struct smtp_opts *);
static int	smtp_session_start(struct flow *, const struct smtp_opts *,
		    int *);
static int	smtp_send(struct flow *, const struct smtp_opts *,
		    struct smtp_result *);
static int	smtp_content(struct flow *, const struct smtp_opts *,
		    struct smtp_result *);
static int	smtp_close(struct flow *);

/* EHLO, or HELO when EHLO is refused with 5xx (RFC 5321 3.2). */
static int
smtp_hello(struct flow *f, const struct smtp_opts *o)
{
	char	what[MT_FIELD_HARD];

	snprintf(what, sizeof(what), "EHLO %.200s", o->helo);
	if (flow_cmdf(f, "EHLO %s", o->helo) != 0)
		return flow_step_fail(f, what);
	if (f->st.code / 100 == 2)
		return 0;
	snprintf(what, sizeof(what), "HELO %.200s", o->helo);
	if (flow_cmdf(f, "HELO %s", o->helo) != 0)
		return flow_step_fail(f, what);
	return 0;
}

/*
 * Greeting, EHLO, STARTTLS and AUTH: the inside of Transport.connect
 * (greeting: the greeting's reply code, 0 none).
 */
static int
smtp_session_start(struct flow *f, const struct smtp_opts *o, int *greeting)
{
	int	rc;

	rc = flow_greeting(f);
	*greeting = f->st.code;
	if (rc != 0)
		return rc;
	if ((rc = smtp_hello(f, o)) != 0)
		return rc;
	if (o->c.starttls) {
		if (!conv_smtp_ehlo(f->cv)->starttls) {
			flow_fail(f, MT_E_PROTO, "--starttls: the server does "
			    "not offer STARTTLS in its EHLO reply");
			return MT_E_PROTO;
		}
		if ((rc = flow_stls(f, "STARTTLS")) != 0)
			return rc;
		/* RFC 3207 4.2: forget the old extensions, EHLO again. */
		if ((rc = smtp_hello(f, o)) != 0)
			return rc;
	}
	/* AUTH with the asked mechanism, or the strongest one offered. */
	if (o->c.user != NULL && (rc = flow_sasl(f, o->c.auth)) != 0)
		return rc;
	return 0;
}

/* DATA's content: the mail block 0xAD0A/0xAD0B around it and its ".". */
static int
smtp_content(struct flow *f, const struct smtp_opts *o,
    struct smtp_result *res)
{
	uint8_t	*w;
	size_t	 wl;
	int	 rc;
	mt_time	 t0;

	if (!body_stuff(o->msg, o->msglen, &w, &wl)) {
		flow_fail(f, MT_E_INTERNAL, "out of memory");
		return MT_E_INTERNAL;
	}
	t0 = flow_now(f);
	trace_emit(f->tr, EV_SMTP_MAIL_BEFORE, 0, "SEND MAIL", NULL, NULL, t0,
	    -1);
	/* The content, then the end-of-data line: its point follows the
	 * transfer, as JavaMail's does. */
	rc = flow_data(f, w, wl - 3);
	if (rc == 0)
		rc = flow_data(f, w + wl - 3, 3);
	free(w);
	if (rc == 0 && (rc = flow_wait(f)) != 0)
		rc = flow_step_fail(f, "end of data");
	else if (rc != 0)
		rc = flow_step_fail(f, "message content");
	if (rc == 0) {
		res->queued = true;
		res->t_queued = flow_now(f);
	}
	trace_emit(f->tr, EV_SMTP_MAIL_AFTER, rc, "SEND MAIL", NULL,
	    rc ? mt_exc_class((enum mt_ecode)rc) : NULL, flow_now(f),
	    flow_now(f) - t0);
	return rc;
}

/* Transport.sendMessage: MAIL, the recipient block, DATA, the message. */
static int
smtp_send(struct flow *f, const struct smtp_opts *o, struct smtp_result *res)
{
	char	what[MT_FIELD_HARD];
	size_t	i;
	int	rc = 0, rrc = 0, refused = 0;
	mt_time	t0, tr;

	t0 = flow_enter(f, EV_SMTP_SEND_ENTER);
	snprintf(what, sizeof(what), "MAIL FROM:<%.200s>", o->from);
	if (flow_cmdf(f, "MAIL FROM:<%s>", o->from) != 0)
		rc = flow_step_fail(f, what);
	if (rc == 0) {
		tr = flow_enter(f, EV_SMTP_RCPT_BEFORE);
		for (i = 0; i < o->nto && !f->dead; i++) {
			snprintf(what, sizeof(what), "RCPT TO:<%.200s>",
			    o->to[i]);
			if (flow_cmdf(f, "RCPT TO:<%s>", o->to[i]) == 0) {
				res->rcpt_code[i] = f->st.code;
				res->accepted++;
				continue;
			}
			res->rcpt_code[i] = f->st.code;
			rrc = flow_step_fail(f, what);
			refused++;
		}
		flow_exit(f, EV_SMTP_RCPT_AFTER, rrc, tr);
		if (f->dead)
			rc = rrc;
		else if (res->accepted == 0) {
			/* Nobody to send to: end the transaction (a failed
			 * RSET is the last failure of the call). */
			rc = MT_E_SEND;
			if (flow_cmdf(f, "RSET") != 0)
				rc = flow_step_fail(f, "RSET");
		}
	}
	if (rc == 0) {
		if (flow_cmdf(f, "DATA") != 0 || f->st.code != 354)
			rc = flow_step_fail(f, "DATA");
		else
			rc = smtp_content(f, o, res);
	}
	/* Some recipients refused: the send failed for them (JavaMail). */
	if (rc == 0 && refused > 0)
		rc = MT_E_SEND;
	flow_exit(f, EV_SMTP_SEND_EXIT, rc, t0);
	return rc;
}

/* Transport.close: QUIT and teardown (docs/records.md, "API points"). */
static int
smtp_close(struct flow *f)
{
	int	rc;
	mt_time	t0 = flow_enter(f, EV_SMTP_CLOSE_ENTER);

	flow_close_begin(f);
	if (!f->dead && flow_cmdf(f, "QUIT") != 0)
		(void)flow_step_fail(f, "QUIT");
	flow_teardown(f, EV_SMTP_TERM_BEFORE);
	rc = f->last_rc;
	flow_exit(f, EV_SMTP_CLOSE_EXIT, rc, t0);
	return rc;
}

int
probe_smtp(const struct smtp_opts *o, struct tracer *tr,
    struct smtp_result *res, struct mt_err *err)
{
	struct flow		f;
	struct smtp_result	dummy;
	int			rc, src = 0, crc, greeting = 0;
	mt_time			t0, ts = 0;

	if (res == NULL)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	flow_init(&f, PROTO_SMTP, &o->c, tr);
	if (o->static_send)
		ts = flow_enter(&f, EV_SMTP_STATIC_ENTER);
	/* Transport.connect */
	t0 = flow_enter(&f, EV_SMTP_CONNECT_ENTER);
	rc = flow_connect(&f, EV_SMTP_FETCH_BEFORE);
	if (rc == 0)
		rc = smtp_session_start(&f, o, &greeting);
	if (rc != 0) {
		res->next_mx = f.st.code == 421 ||
		    (greeting != 0 && greeting / 100 != 2);
		/* The server answered in protocol: leave politely. */
		if (f.cv != NULL && !f.dead && conv_pending(f.cv) == 0)
			(void)flow_cmdf(&f, "QUIT");
		flow_teardown(&f, EV_SMTP_TERM_BEFORE);
	}
	flow_exit(&f, EV_SMTP_CONNECT_EXIT, rc, t0);
	if (rc == 0) {
		if ((src = smtp_send(&f, o, res)) != 0 && f.st.code == 421)
			res->next_mx = true;
		crc = smtp_close(&f);
		/* send()'s finally: close's failure only when none before */
		rc = src != 0 ? src : crc;
	}
	if (o->static_send)
		flow_exit(&f, EV_SMTP_STATIC_EXIT, rc, ts);
	flow_done(&f);
	if (f.failed) {
		if (err != NULL)
			*err = f.err;
		return 1;
	}
	return 0;
}
