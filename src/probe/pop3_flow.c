/*
 * SPDX-License-Identifier: BSD-2-Clause
 * pop3_flow.c - the POP3 probe driver: the JavaMail call order of the PRF
 * catalog (EVENTS.md, "The order of a full POP3 session") over RFC 1939,
 * RFC 2449 CAPA and RFC 2595 STLS.
 */
#include "probe.h"

#include <stdio.h>
#include <string.h>

#include "pop3_flow.h"

static int	pop3_session_start(struct flow *, const struct pop3_opts *);
static int	pop3_open(struct flow *);
static int	pop3_fetch(struct flow *, const struct pop3_opts *);
static int	pop3_close(struct flow *, const struct pop3_opts *, bool);
static int	pop3_msg_cmd(struct flow *, const char *, uint64_t,
		    const char *);

/* "VERB n[ suffix]" for one message; fails the step with its int. */
static int
pop3_msg_cmd(struct flow *f, const char *verb, uint64_t n, const char *suffix)
{
	char	what[64];

	if (flow_cmdf(f, "%s %llu%s", verb, (unsigned long long)n, suffix) ==
	    0)
		return 0;
	snprintf(what, sizeof(what), "%s %llu", verb, (unsigned long long)n);
	return flow_step_fail(f, what);
}

/* Greeting, CAPA, STLS and authentication: the inside of Store.connect. */
static int
pop3_session_start(struct flow *f, const struct pop3_opts *o)
{
	const char	*st;
	size_t		 sl;
	int		 rc;

	if ((rc = flow_greeting(f)) != 0)
		return rc;
	if (pop3_greeting_stamp(f->text, f->textlen, &st, &sl) &&
	    sl < sizeof(f->stamp)) {
		memcpy(f->stamp, st, sl);
		f->stamp[sl] = '\0';
	}
	if (flow_cmdf(f, "CAPA") != 0)
		return flow_step_fail(f, "CAPA");
	if (o->c.starttls) {
		if (!conv_pop3_capa(f->cv)->stls) {
			flow_fail(f, MT_E_PROTO, "--stls: the server does not "
			    "offer STLS in its CAPA response");
			return MT_E_PROTO;
		}
		if (flow_cmdf(f, "STLS") != 0 || (f->st.flags & STEP_INJECTED))
			return flow_step_fail(f, "STLS");
		if ((rc = flow_starttls(f, "STLS")) != 0)
			return rc;
		/* RFC 2595 4: capabilities may differ under TLS. */
		if (flow_cmdf(f, "CAPA") != 0)
			return flow_step_fail(f, "CAPA");
	}
	return pop3_auth(f);
}

/* Folder.open: STAT. */
static int
pop3_open(struct flow *f)
{
	uint64_t	octets;
	int		rc = 0;
	mt_time		t0 = flow_enter(f, EV_POP3_OPEN_ENTER);

	if (flow_cmdf(f, "STAT") != 0)
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
pop3_fetch(struct flow *f, const struct pop3_opts *o)
{
	uint64_t	first = 1, last = f->count, i;
	char		suffix[32];
	int		rc = 0;
	mt_time		t0;

	if (o->retr_msg != 0)
		first = last = o->retr_msg;
	t0 = flow_enter(f, EV_POP3_FETCHALL_BEFORE);
	if (o->uidl && flow_cmdf(f, "UIDL") != 0)
		rc = flow_step_fail(f, "UIDL");
	for (i = first; rc == 0 && (o->retr || o->top) && i <= last; i++)
		rc = pop3_msg_cmd(f, "LIST", i, "");
	flow_exit(f, EV_POP3_FETCHALL_AFTER, rc, t0);
	snprintf(suffix, sizeof(suffix), " %llu",
	    (unsigned long long)o->top_lines);
	for (i = first; rc == 0 && i <= last; i++) {
		if (o->top)
			rc = pop3_msg_cmd(f, "TOP", i, suffix);
		if (rc == 0 && o->retr)
			rc = pop3_msg_cmd(f, "RETR", i, "");
	}
	return rc;
}

/*
 * Folder.close (opened: 0xAD86 .. 0xAD87 around RSET, the DELE block and
 * QUIT), or just QUIT and teardown when the folder never opened.
 */
static int
pop3_close(struct flow *f, const struct pop3_opts *o, bool opened)
{
	uint64_t	first = 1, last = f->count, i;
	int		rc = 0, drc = 0;
	mt_time		t0 = 0, td;

	if (opened)
		t0 = flow_enter(f, EV_POP3_CLOSE_ENTER);
	if (opened && !f->failed && o->rset && flow_cmdf(f, "RSET") != 0)
		rc = flow_step_fail(f, "RSET");
	if (opened && !f->failed && o->dele && f->count > 0) {
		if (o->retr_msg != 0)
			first = last = o->retr_msg;
		td = flow_enter(f, EV_POP3_DELE_BEFORE);
		for (i = first; drc == 0 && i <= last; i++)
			drc = pop3_msg_cmd(f, "DELE", i, "");
		flow_exit(f, EV_POP3_DELE_AFTER, drc, td);
	}
	if (!f->dead) {
		if (flow_cmdf(f, "QUIT") != 0)
			rc = flow_step_fail(f, "QUIT");
	} else if (rc == 0)
		rc = f->err.code != MT_E_OK ? (int)f->err.code : MT_E_IO;
	flow_teardown(f, EV_POP3_TERM_BEFORE);
	if (opened)
		flow_exit(f, EV_POP3_CLOSE_EXIT, rc, t0);
	return rc;
}

int
probe_pop3(const struct pop3_opts *o, struct tracer *tr, struct mt_err *err)
{
	struct flow	f;
	int		rc;
	bool		opened;
	mt_time		t0;

	flow_init(&f, PROTO_POP3, &o->c, tr);
	/* Store.connect */
	t0 = flow_enter(&f, EV_POP3_CONNECT_ENTER);
	rc = flow_connect(&f, EV_POP3_FETCH_BEFORE);
	if (rc == 0)
		rc = pop3_session_start(&f, o);
	if (rc != 0) {
		/* The server answered in protocol: leave politely. */
		if (f.cv != NULL && !f.dead && conv_pending(f.cv) == 0)
			(void)flow_cmdf(&f, "QUIT");
		flow_teardown(&f, EV_POP3_TERM_BEFORE);
	}
	flow_exit(&f, EV_POP3_CONNECT_EXIT, rc, t0);
	if (rc == 0) {
		/* Folder.open; then what was asked; then Folder.close. */
		opened = (rc = pop3_open(&f)) == 0;
		if (rc == 0 && f.count > 0 && (o->retr || o->top || o->uidl))
			rc = pop3_fetch(&f, o);
		if (rc == 0 && o->noop && flow_cmdf(&f, "NOOP") != 0)
			rc = flow_step_fail(&f, "NOOP");
		(void)pop3_close(&f, o, opened);
	}
	flow_done(&f);
	if (f.failed) {
		if (err != NULL)
			*err = f.err;
		return 1;
	}
	return 0;
}
