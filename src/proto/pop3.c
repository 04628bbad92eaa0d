/*
 * SPDX-License-Identifier: BSD-2-Clause
 * pop3.c - the POP3 step model: pairs commands with responses, follows the
 * session state and emits the command/response trace records.
 * RFC 1939 (POP3), RFC 2449 (CAPA), RFC 2595 4 (STLS), RFC 5034 (SASL).
 */
#include "pop3.h"

#include "model.h"

#include <stdio.h>
#include <string.h>

enum { REPLY_R1, REPLY_RM, REPLY_RM0 };
enum { PAIR_STD, PAIR_ADV };

static const struct {
	unsigned	reply;
	int		show;		/* VERB_SHOW_* */
	unsigned	pair;
} pop3_cmd_info[POP3_C__COUNT] = {
#define X(verb, reply, show, pair, sniff)					\
	[POP3_C_##verb] = { REPLY_##reply, VERB_SHOW_##show, PAIR_##pair },
#include "pop3_cmds.def"
#undef X
};

static const struct model_verbs pop3_verbs_kw = { "POP3", 3, 4 };

static void	pop3_line(struct pop3 *, enum dir, const struct lr_line *,
		    uint64_t);
static void	pop3_c2s_line(struct pop3 *, const struct lr_line *);
static void	pop3_s2c_line(struct pop3 *, const struct lr_line *, uint64_t);
static void	pop3_s2c_status(struct pop3 *, const struct lr_line *,
		    uint64_t);
static void	pop3_no_greeting(struct pop3 *);
static void	pop3_release_held(struct pop3 *);
static void	pop3_body_line(struct pop3 *, const struct lr_line *);
static void	pop3_step(struct pop3 *, const struct pend *, enum pop3_st,
		    const char *, size_t, int, bool, unsigned, mt_time);
static void	pop3_capa_line(struct pop3_capa *, const struct lr_line *);
static int	pop3_status_rc(int, enum pop3_st);
static void	pop3_set_state(struct pop3 *, enum pop3_state);

static void
pop3_set_state(struct pop3 *m, enum pop3_state to)
{
	m->state = to;
}

unsigned
pop3_step_event(enum pop3_cmd cmd, const char *args, size_t argslen)
{
	const char	*sp;

	switch ((int)cmd) {
	case POP3_C__GREETING:
		return EV_POP3_GREET_BEFORE;
	case POP3_C__AUTHDATA:
		return EV_POP3_CMD2_BEFORE;
	case POP3_C__UNKNOWN:
		return EV_POP3_CMD_BEFORE;
	case POP3_C_LIST:
		/* LIST n: the size of one message, an envelope fetch. */
		return argslen > 0 ? EV_POP3_CMD2_BEFORE : EV_POP3_CMD_BEFORE;
	case POP3_C_TOP:
		/* TOP n 0: the headers only, an envelope fetch. */
		sp = memchr(args, ' ', argslen);
		if (sp != NULL && (size_t)(args + argslen - sp) == 2 && sp[1] == '0')
			return EV_POP3_CMD2_BEFORE;
		return EV_POP3_CMD_BEFORE;
	default:
		break;
	}
	if ((unsigned)cmd < POP3_C__COUNT && pop3_cmd_info[cmd].pair == PAIR_ADV)
		return EV_POP3_CMD2_BEFORE;
	return EV_POP3_CMD_BEFORE;
}

void
pop3_init(struct pop3 *m, const struct conv_env *env, mt_time t)
{
	memset(m, 0, sizeof(*m));
	pop3_set_state(m, model_init(&m->core, env, POP3_C__GREETING,
	    EV_POP3_GREET_BEFORE, t) ? POP3_S_GREETING : POP3_S_AUTHORIZATION);
}

/*
 * Can the body's next lines be counted in bulk (body_scan)?  Only where
 * pop3_body_line() would do nothing but count them: no CAPA keywords to
 * collect, no line callback, nothing held in the framer, the size limit
 * not passed (pop3_body_line() checks it after each line).
 */
static bool
pop3_body_fast(const struct pop3 *m)
{
	return m->in_body && m->body_pend.cmd != POP3_C_CAPA &&
	    m->core.env.on_line == NULL && lr_idle(&m->core.lr[DIR_S2C]) &&
	    (m->body_failed || m->body.wire <= m->core.env.max_body);
}

void
pop3_bytes(struct pop3 *m, enum dir d, const uint8_t *p, size_t n, mt_time t)
{
	struct lr_line	l;
	bool		got;
	size_t		used;

	while (n > 0) {
		if (m->core.phase != MODEL_LINES) {
			m->core.tls_bytes += n;
			return;
		}
		if (d == DIR_S2C && pop3_body_fast(m)) {
			used = body_scan(&m->body, p, n, MT_LINE_HARD,
			    m->body_failed ? UINT64_MAX :
			    m->core.env.max_body - m->body.wire);
			p += used;
			n -= used;
			if (n == 0)
				break;
		}
		used = lr_feed(&m->core.lr[d], p, n, t, &l, &got);
		p += used;
		n -= used;
		if (got)
			pop3_line(m, d, &l, n);
	}
}

static void
pop3_line(struct pop3 *m, enum dir d, const struct lr_line *l, uint64_t rest)
{
	if (d == DIR_C2S)
		pop3_c2s_line(m, l);
	else
		pop3_s2c_line(m, l, rest);
}

static void
pop3_c2s_line(struct pop3 *m, const struct lr_line *l)
{
	const struct pend *q;
	struct pend	 p;
	struct verb_line v;
	enum pop3_cmd	 cmd;
	char		 what[64];

	switch (model_client_line(&m->core, l, &p)) {
	case MC_SKIP:
		return;		/* the tail of a truncated command */
	case MC_SASL:
		p.cmd = POP3_C__AUTHDATA;
		p.ev_before = pop3_step_event(POP3_C__AUTHDATA, NULL, 0);
		snprintf(p.intf, sizeof(p.intf), "AUTH DATA");
		snprintf(what, sizeof(what), "AUTH DATA line");
		break;
	case MC_COMMAND:
		pop3_cmd_parse(l->text, l->len, &cmd, &v);
		p.cmd = (int)cmd;
		p.ev_before = pop3_step_event(cmd, v.args, v.argslen);
		/* RFC 1939 3: keywords are three or four letters. */
		model_client_command(&m->core, &pop3_verbs_kw, l, &v,
		    cmd == POP3_C__UNKNOWN ? -1 : pop3_cmd_info[cmd].show,
		    m->capa.sasl, cmd == POP3_C_AUTH, cmd == POP3_C__UNKNOWN ?
		    NULL : pop3_cmd_verb(cmd), &p, what, sizeof(what));
		break;
	}
	/* Sent before any server line: see early_multi in pop3.h. */
	if ((q = pendq_peek(&m->core.pend)) != NULL &&
	    q->cmd == POP3_C__GREETING && !m->greet_held && p.cmd !=
	    POP3_C__AUTHDATA && (unsigned)p.cmd < POP3_C__COUNT)
		m->early_multi = pop3_cmd_info[p.cmd].reply == REPLY_RM ||
		    (pop3_cmd_info[p.cmd].reply == REPLY_RM0 && !p.has_arg);
	model_record_command(&m->core, &p, l, what, MT_POP3_CMD_SOFT);
}

static int
pop3_status_rc(int cmd, enum pop3_st st)
{
	switch (st) {
	case POP3_ST_OK:
		return 0;
	case POP3_ST_CONT:
		return cmd == POP3_C_AUTH || cmd == POP3_C__AUTHDATA ? 0 :
		    MT_E_PROTO;
	case POP3_ST_ERR:
		switch (cmd) {
		case POP3_C_CAPA:	/* RFC 2449 5: may be unsupported */
			return 0;
		case POP3_C_USER:
		case POP3_C_PASS:
		case POP3_C_APOP:
		case POP3_C_AUTH:
		case POP3_C__AUTHDATA:
			return MT_E_AUTH;
		default:
			return MT_E_PROTO;
		}
	case POP3_ST_BAD:
	case POP3_ST_NONE:
	default:
		return MT_E_PROTO;
	}
}

static void
pop3_step(struct pop3 *m, const struct pend *p, enum pop3_st st,
    const char *text, size_t textlen, int rc, bool clean, unsigned flags,
    mt_time t)
{
	struct step	s;

	if (m->core.env.on_step == NULL)
		return;
	memset(&s, 0, sizeof(s));
	s.proto = PROTO_POP3;
	s.st = st;
	s.text = text;
	s.textlen = textlen;
	s.rc = rc;
	s.clean = clean;
	s.flags = flags;
	if (m->in_body || (flags & (STEP_BODY_OVER | STEP_NO_END))) {
		s.multi = true;
		s.body_bytes = m->body.wire;
		s.body_lines = m->body.lines;
	}
	model_step(&m->core, &s, p, t);
}

/*
 * A server line while no body is read: first settle a held first line
 * (early_multi in pop3.h), then the line itself.
 */
static void
pop3_s2c_line(struct pop3 *m, const struct lr_line *l, uint64_t rest)
{
	const struct pend	*q;
	struct pop3_status	 s;

	if (m->in_body || (l->flags & LR_CONT)) {
		pop3_s2c_status(m, l, rest);
		return;
	}
	pop3_status_parse(l->text, l->len, &s);
	if (m->greet_held) {
		m->greet_held = false;
		if (s.st == POP3_ST_BAD)
			pop3_no_greeting(m);
		pop3_s2c_status(m, &m->held, 0);
		pop3_s2c_status(m, l, rest);
		return;
	}
	q = pendq_peek(&m->core.pend);
	if (m->early_multi && q != NULL && q->cmd == POP3_C__GREETING &&
	    s.st == POP3_ST_OK && l->len <= sizeof(m->held_text) &&
	    (l->flags & LR_TRUNCATED) == 0) {
		m->early_multi = false;
		m->greet_held = true;
		m->held = *l;
		memcpy(m->held_text, l->text, l->len);
		m->held.text = m->held_text;
		return;
	}
	pop3_s2c_status(m, l, rest);
}

/* A held first line turns out to answer a command: no greeting came. */
static void
pop3_no_greeting(struct pop3 *m)
{
	struct pend	p;
	char		detail[MT_FIELD_HARD];

	if (!pendq_pop(&m->core.pend, &p))
		return;
	snprintf(detail, sizeof(detail), "the server's first line answers "
	    "%.200s", pendq_peek(&m->core.pend) != NULL ?
	    pendq_peek(&m->core.pend)->intf : "a command");
	trace_anomaly(m->core.env.tr, AN_NO_GREETING, detail, m->held.t_first);
	pop3_set_state(m, POP3_S_AUTHORIZATION);
}

/* Release a held first line as the greeting (a gap, the end). */
static void
pop3_release_held(struct pop3 *m)
{
	if (m->greet_held) {
		m->greet_held = false;
		pop3_s2c_status(m, &m->held, 0);
	}
}

static void
pop3_s2c_status(struct pop3 *m, const struct lr_line *l, uint64_t rest)
{
	struct pop3_status	 s;
	struct pend		 p;
	struct trace_rec	 r;
	char			 shown[MT_FIELD_HARD], text[MT_FIELD_HARD];
	unsigned		 flags = 0, reply;
	int			 rc;
	bool			 multi;

	if (m->in_body) {
		pop3_body_line(m, l);
		return;
	}
	if (l->flags & LR_CONT)
		return;		/* the tail of a truncated status line */
	model_line_flags(m->core.env.tr, l, DIR_S2C, "response line",
	    MT_POP3_RESP_SOFT);
	if (!pendq_pop(&m->core.pend, &p)) {
		mt_show(shown, sizeof(shown), (const uint8_t *)l->text, l->len,
		    80);
		trace_anomaly(m->core.env.tr, m->state == POP3_S_UPDATE ?
		    AN_DATA_AFTER_CLOSE : AN_REPLY_NO_COMMAND, shown, l->t_end);
		return;
	}
	pop3_status_parse(l->text, l->len, &s);
	rc = pop3_status_rc(p.cmd, s.st);
	if (s.st == POP3_ST_BAD) {
		mt_show(shown, sizeof(shown), (const uint8_t *)l->text, l->len,
		    80);
		trace_anomaly(m->core.env.tr, AN_BAD_STATUS, shown, l->t_end);
	}
	if (l->flags & LR_TRUNCATED) {
		rc = MT_E_PROTO;
		flags |= STEP_TRUNCATED;
	}
	reply = (unsigned)p.cmd < POP3_C__COUNT ? pop3_cmd_info[p.cmd].reply :
	    REPLY_R1;
	multi = s.st == POP3_ST_OK && rc == 0 && (reply == REPLY_RM ||
	    (reply == REPLY_RM0 && !p.has_arg));
	model_reply(text, sizeof(text), s.text, s.textlen,
	    s.st == POP3_ST_CONT ? MR_CHALLENGE : s.st == POP3_ST_BAD ?
	    MR_MALFORMED : MR_FINAL,
	    p.cmd == POP3_C_AUTH || p.cmd == POP3_C__AUTHDATA);
	model_after_rec(m->core.env.tr, &p, s.opr, text, rc, l->t_end, &r);

	switch (p.cmd) {
	case POP3_C__GREETING:
		if (s.st == POP3_ST_OK)
			pop3_set_state(m, POP3_S_AUTHORIZATION);
		break;
	case POP3_C_PASS:
	case POP3_C_APOP:
	case POP3_C_AUTH:
	case POP3_C__AUTHDATA:
		if (s.st == POP3_ST_OK && !(p.cmd == POP3_C_AUTH && !p.has_arg))
			pop3_set_state(m, POP3_S_TRANSACTION);
		/* The exchange ends with anything but a continuation. */
		if ((p.cmd == POP3_C_AUTH && p.has_arg) ||
		    p.cmd == POP3_C__AUTHDATA)
			sasl_reply(&m->core.sasl, s.st == POP3_ST_CONT);
		break;
	case POP3_C_STLS:
		if (s.st != POP3_ST_OK)
			break;
		/* RFC 2595 4: TLS, then AUTHORIZATION again. */
		flags |= model_tls_switch(&m->core, "STLS", rest, l->t_end);
		pop3_set_state(m, POP3_S_AUTHORIZATION);
		break;
	case POP3_C_QUIT:
		if (s.st == POP3_ST_OK)
			pop3_set_state(m, POP3_S_UPDATE);
		break;
	default:
		break;
	}

	if (multi) {
		/* The record waits for the body: it carries its size. */
		m->in_body = true;
		m->body_failed = false;
		body_open(&m->body);
		m->body_pend = p;
		m->body_rec = r;
		if (p.cmd == POP3_C_CAPA)
			memset(&m->capa_new, 0, sizeof(m->capa_new));
		return;
	}
	trace_emit_rec(m->core.env.tr, &r);
	pop3_step(m, &p, s.st, s.text, s.textlen, rc,
	    s.st == POP3_ST_OK || s.st == POP3_ST_ERR || s.st == POP3_ST_CONT,
	    flags, l->t_end);
}

static void
pop3_body_line(struct pop3 *m, const struct lr_line *l)
{
	enum body_verdict	 v;
	char			 detail[MT_FIELD_HARD];
	const char		*intf = m->body_pend.intf;

	v = body_line(&m->body, l);
	if (m->body_pend.cmd == POP3_C_CAPA && v == BODY_MORE)
		pop3_capa_line(&m->capa_new, l);
	if (v == BODY_MORE && m->core.env.on_line != NULL && !m->body_failed &&
	    (l->flags & LR_CONT) == 0) {
		/* RFC 1939 3: a leading dot of a content line is stuffing. */
		size_t	skip = l->len > 0 && l->text[0] == '.' ? 1 : 0;

		m->core.env.on_line(m->core.env.arg, m->body_pend.cmd, l->text + skip,
		    l->len - skip);
	}
	if (!m->body_failed && m->body.wire > m->core.env.max_body) {
		snprintf(detail, sizeof(detail), "%.200s: over %llu octets", intf,
		    (unsigned long long)m->core.env.max_body);
		m->body_rec.rc = MT_E_PROTO;
		snprintf(m->body_rec.opt, sizeof(m->body_rec.opt), "%s",
		    mt_exc_class(MT_E_PROTO));
		m->body_rec.has_bytes = true;
		m->body_rec.bytes = m->body.wire;
		m->body_rec.body_end = l->t_end;
		trace_emit_rec(m->core.env.tr, &m->body_rec);
		trace_anomaly(m->core.env.tr, AN_BODY_TOO_LARGE, detail, l->t_end);
		m->body_failed = true;
		pop3_step(m, &m->body_pend, POP3_ST_OK, NULL, 0, MT_E_PROTO,
		    false, STEP_BODY_OVER, l->t_end);
	}
	if (v != BODY_END)
		return;
	if (!m->body_failed) {
		m->body_rec.has_bytes = true;
		m->body_rec.bytes = m->body.wire;
		m->body_rec.body_end = l->t_end;
		if (m->body_pend.cmd == POP3_C_CAPA) {
			m->capa = m->capa_new;
			m->capa.seen = true;
			snprintf(m->body_rec.detail, sizeof(m->body_rec.detail),
			    "%s", m->capa.keywords);
		}
		trace_emit_rec(m->core.env.tr, &m->body_rec);
	}
	snprintf(detail, sizeof(detail), "%.200s response", intf);
	model_body_flags(m->core.env.tr, &m->body, detail, l->t_end);
	if (!m->body_failed)
		pop3_step(m, &m->body_pend, POP3_ST_OK, NULL, 0, 0, true, 0,
		    l->t_end);
	m->in_body = false;
	m->body_failed = false;
}

static void
pop3_capa_line(struct pop3_capa *c, const struct lr_line *l)
{
	const char	*s = l->text;
	size_t		 n = l->len, kw = 0;

	if (l->flags & (LR_CONT | LR_TRUNCATED))
		return;
	model_keyword_add(c->keywords, sizeof(c->keywords), s, n);
	while (kw < n && s[kw] != ' ')
		kw++;
#define KW(w)	(kw == sizeof(w) - 1 && mt_casecmp_n(s, w, kw))
	if (KW("STLS"))
		c->stls = true;
	else if (KW("TOP"))
		c->top = true;
	else if (KW("UIDL"))
		c->uidl = true;
	else if (KW("USER"))
		c->user = true;
	else if (KW("PIPELINING"))
		c->pipelining = true;
	else if (KW("SASL") && kw < n)
		mt_copy_printable(c->sasl, sizeof(c->sasl), s + kw + 1,
		    n - kw - 1);
	else if (KW("IMPLEMENTATION") && kw < n)
		mt_copy_printable(c->impl, sizeof(c->impl), s + kw + 1,
		    n - kw - 1);
#undef KW
}

void
pop3_gap(struct pop3 *m, enum dir d, uint64_t nbytes, mt_time t)
{
	(void)nbytes;
	(void)t;
	/* A held first line is the greeting after all. */
	if (d == DIR_S2C)
		pop3_release_held(m);
}

void
pop3_tls(struct pop3 *m, mt_time t)
{
	(void)t;
	/* RFC 2595 4: forget what was learned in clear, CAPA again. */
	memset(&m->capa, 0, sizeof(m->capa));
}

void
pop3_close(struct pop3 *m, enum close_why why, mt_time t)
{
	enum mt_ecode		code = model_close_code(why);
	struct trace_rec	r;
	struct pend		p;
	struct lr_line		l;

	pop3_release_held(m);
	/* A last line without its LF: still a line for a body's count. */
	if (m->in_body && lr_finish(&m->core.lr[DIR_S2C], t, &l))
		(void)body_line(&m->body, &l);
	if (m->in_body && !m->body_failed && why == CLOSE_UNSEEN) {
		/* The status line was seen: its point stands; the end is not. */
		m->body_rec.has_bytes = true;
		m->body_rec.bytes = m->body.wire;
		trace_emit_rec(m->core.env.tr, &m->body_rec);
	} else if (m->in_body && !m->body_failed) {
		m->body_rec.rc = code;
		snprintf(m->body_rec.opt, sizeof(m->body_rec.opt), "%s",
		    mt_exc_class(code));
		m->body_rec.has_bytes = true;
		m->body_rec.bytes = m->body.wire;
		m->body_rec.body_end = t;
		trace_emit_rec(m->core.env.tr, &m->body_rec);
		trace_anomaly(m->core.env.tr, AN_BODY_UNTERMINATED,
		    m->body_pend.intf, t);
		pop3_step(m, &m->body_pend, POP3_ST_OK, NULL, 0, code, false,
		    STEP_NO_END, t);
	}
	m->in_body = false;
	/* Open commands: no status line arrived, so opr stays empty. */
	while (why != CLOSE_UNSEEN && pendq_pop(&m->core.pend, &p)) {
		model_after_rec(m->core.env.tr, &p, "", NULL, code, t, &r);
		trace_emit_rec(m->core.env.tr, &r);
		pop3_step(m, &p, POP3_ST_NONE, NULL, 0, code, false, 0, t);
	}
}
