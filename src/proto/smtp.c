/*
 * SPDX-License-Identifier: BSD-2-Clause
 * smtp.c - the SMTP step model: pairs commands with (multi-line) replies,
 * follows the session and emits the command/response trace records.
 * RFC 5321 (SMTP), RFC 2920 (pipelining: replies in command order),
 * RFC 3207 (STARTTLS), RFC 4954 (AUTH), RFC 3030 (BDAT).
 */
#include "smtp.h"

#include <stdio.h>
#include <string.h>

#include "model.h"

enum { PAIR_STD, PAIR_ADV };

static const struct {
	int		show;
	unsigned	pair;
} smtp_cmd_info[SMTP_C__COUNT] = {
#define X(verb, show, pair, sniff)						\
	[SMTP_C_##verb] = { VERB_SHOW_##show, PAIR_##pair },
#include "smtp_cmds.def"
#undef X
};

static const struct model_verbs smtp_verbs_kw = { "SMTP", 1, 16 };

static void	smtp_c2s_line(struct smtp *, const struct lr_line *);
static void	smtp_body_line(struct smtp *, const struct lr_line *);
static void	smtp_s2c_line(struct smtp *, const struct lr_line *, uint64_t);
static void	smtp_final(struct smtp *, const struct lr_line *,
		    const struct smtp_rline *, bool, uint64_t);
static void	smtp_ehlo_line(struct smtp_ehlo *, const char *, size_t);
static int	smtp_reply_rc(int, int);
static bool	smtp_sasl_step(int);
static void	smtp_step(struct smtp *, const struct pend *, int, const char *,
		    size_t, int, bool, unsigned, mt_time);

unsigned
smtp_step_event(enum smtp_cmd cmd)
{
	switch ((int)cmd) {
	case SMTP_C__GREETING:
		return EV_SMTP_GREET_BEFORE;
	case SMTP_C__AUTHDATA:
	case SMTP_C__DOT:
		return EV_SMTP_CMD2_BEFORE;
	case SMTP_C__UNKNOWN:
		return EV_SMTP_CMD_BEFORE;
	default:
		break;
	}
	if ((unsigned)cmd < SMTP_C__COUNT && smtp_cmd_info[cmd].pair == PAIR_ADV)
		return EV_SMTP_CMD2_BEFORE;
	return EV_SMTP_CMD_BEFORE;
}

void
smtp_init(struct smtp *m, const struct conv_env *env, mt_time t)
{
	memset(m, 0, sizeof(*m));
	m->state = model_init(&m->core, env, SMTP_C__GREETING,
	    EV_SMTP_GREET_BEFORE, t) ? SMTP_S_GREETING : SMTP_S_READY;
}

void
smtp_bytes(struct smtp *m, enum dir d, const uint8_t *p, size_t n, mt_time t)
{
	struct lr_line	l;
	bool		got;
	size_t		used;

	while (n > 0) {
		if (m->core.phase != MODEL_LINES) {
			m->core.tls_bytes += n;
			return;
		}
		if (d == DIR_C2S && m->bdat_left > 0) {
			/* RFC 3030 2: a chunk is raw octets, not lines. */
			used = n < m->bdat_left ? n : (size_t)m->bdat_left;
			m->bdat_left -= used;
			p += used;
			n -= used;
			continue;
		}
		/*
		 * The message's plain lines are only counted: in bulk, up to
		 * the first line smtp_body_line() must see (a dot, a control
		 * byte, one over the RFC's text limit).
		 */
		if (d == DIR_C2S && m->state == SMTP_S_BODY &&
		    lr_idle(&m->core.lr[d])) {
			used = body_scan(&m->body, p, n, MT_SMTP_TEXT_SOFT - 1,
			    UINT64_MAX);
			p += used;
			n -= used;
			if (n == 0)
				break;
		}
		used = lr_feed(&m->core.lr[d], p, n, t, &l, &got);
		p += used;
		n -= used;
		if (!got)
			continue;
		if (d == DIR_C2S)
			smtp_c2s_line(m, &l);
		else
			smtp_s2c_line(m, &l, n);
	}
}

static void
smtp_c2s_line(struct smtp *m, const struct lr_line *l)
{
	struct pend	 p;
	struct verb_line v;
	enum smtp_cmd	 cmd;
	char		 what[64];

	if (m->state == SMTP_S_BODY) {
		smtp_body_line(m, l);
		return;
	}
	switch (model_client_line(&m->core, l, &p)) {
	case MC_SKIP:
		return;
	case MC_SASL:
		p.cmd = SMTP_C__AUTHDATA;
		snprintf(p.intf, sizeof(p.intf), "%s", l->len == 1 &&
		    l->text[0] == '*' ? "AUTH END" :
		    sasl_resp_name(&m->core.sasl));
		snprintf(what, sizeof(what), "AUTH response line");
		break;
	case MC_COMMAND:
		smtp_cmd_parse(l->text, l->len, &cmd, &v);
		p.cmd = (int)cmd;
		model_client_command(&m->core, &smtp_verbs_kw, l, &v,
		    cmd == SMTP_C__UNKNOWN ? -1 : smtp_cmd_info[cmd].show,
		    m->ehlo.auth, cmd == SMTP_C_AUTH, cmd == SMTP_C__UNKNOWN ?
		    NULL : smtp_cmd_verb(cmd), &p, what, sizeof(what));
		if (cmd == SMTP_C_BDAT) {
			const char	*sp = memchr(v.args, ' ', v.argslen);
			size_t		 nl = sp ? (size_t)(sp - v.args) : v.argslen;
			size_t		 el = sp ? v.argslen - nl - 1 : 0;
			uint64_t	 size;

			/*
			 * RFC 3030 2: "BDAT" SP chunk-size [ SP "LAST" ].
			 * Anything else is no chunk: the server refuses it,
			 * and its size must not eat the commands after it.
			 */
			if (mt_parse_u64(v.args, nl, 0, UINT64_MAX / 2, &size) &&
			    (sp == NULL || (el == 4 &&
			    mt_casecmp_n(sp + 1, "LAST", 4))))
				m->bdat_left = size;
			else
				trace_anomaly(m->core.env.tr, AN_BAD_BDAT, p.intf,
				    l->t_first);
		}
		/*
		 * RFC 2920 3.1: DATA ends a group; whatever the client sends
		 * before its reply is the message (a client that does not
		 * wait for the 354, or a capture without the server's side).
		 * A reply other than 354 takes it back (smtp_final()).
		 */
		if (cmd == SMTP_C_DATA) {
			m->state = SMTP_S_BODY;
			m->data_unanswered = true;
			body_open(&m->body);
		}
		break;
	}
	p.ev_before = smtp_step_event((enum smtp_cmd)p.cmd);
	model_record_command(&m->core, &p, l, what, MT_SMTP_LINE_SOFT);
}

/* A line of the message after DATA's 354 (RFC 5321 4.1.1.4, 4.5.2). */
static void
smtp_body_line(struct smtp *m, const struct lr_line *l)
{
	struct pend	p;
	char		detail[96];

	if (body_line(&m->body, l) != BODY_END) {
		if ((l->flags & LR_CONT) == 0 && l->wire > MT_SMTP_TEXT_SOFT &&
		    (l->flags & LR_TRUNCATED) == 0)
			m->body.flags |= BODY_LONG_RFC;
		return;
	}
	m->state = SMTP_S_READY;
	memset(&p, 0, sizeof(p));
	p.cmd = SMTP_C__DOT;
	p.ev_before = smtp_step_event(SMTP_C__DOT);
	p.t_before = l->t_first;
	p.bytes = m->body.wire;
	p.body_end = l->t_end;
	snprintf(p.intf, sizeof(p.intf), ".");
	model_body_flags(m->core.env.tr, &m->body, "message", l->t_first);
	if (m->body.wire > m->core.env.max_body) {
		snprintf(detail, sizeof(detail), "message of %llu octets",
		    (unsigned long long)m->body.wire);
		trace_anomaly(m->core.env.tr, AN_BODY_TOO_LARGE, detail,
		    l->t_first);
	}
	/* The "." line's oddities are the message's (body_line()). */
	model_record_command(&m->core, &p, l, NULL, 0);
}

/* Is cmd a step of a SASL exchange (AUTH, a response)? */
static bool
smtp_sasl_step(int cmd)
{
	return cmd == SMTP_C_AUTH || cmd == SMTP_C__AUTHDATA;
}

/*
 * The failure class of a reply to cmd (0: the step went normally).  Each
 * command has its own positive codes (RFC 5321 4.3.2): DATA wants 354,
 * STARTTLS 220, 334 belongs to AUTH only.
 */
static int
smtp_reply_rc(int cmd, int code)
{
	int	fail;

	switch (cmd) {
	case SMTP_C_AUTH:
	case SMTP_C__AUTHDATA:
		fail = MT_E_AUTH;
		break;
	case SMTP_C_MAIL:
	case SMTP_C_RCPT:
	case SMTP_C_DATA:
	case SMTP_C_BDAT:
	case SMTP_C__DOT:
		fail = MT_E_SEND;
		break;
	default:
		fail = MT_E_PROTO;
		break;
	}
	if (code == 0)
		return MT_E_PROTO;
	if (cmd == SMTP_C_DATA)
		return code == 354 ? 0 : fail;
	if (cmd == SMTP_C_STARTTLS)
		return code == 220 ? 0 : fail;
	if (code == 334)
		return cmd == SMTP_C_AUTH || cmd == SMTP_C__AUTHDATA ? 0 : fail;
	if (code / 100 == 2)
		return 0;
	/* RFC 5321 3.2: a 5xx to EHLO means "try HELO". */
	if (cmd == SMTP_C_EHLO && code >= 500)
		return 0;
	return fail;
}

static void
smtp_step(struct smtp *m, const struct pend *p, int code, const char *text,
    size_t textlen, int rc, bool clean, unsigned flags, mt_time t)
{
	struct step	s;

	if (m->core.env.on_step == NULL)
		return;
	memset(&s, 0, sizeof(s));
	s.proto = PROTO_SMTP;
	s.code = code;
	s.text = text;
	s.textlen = textlen;
	s.rc = rc;
	s.clean = clean;
	s.flags = flags;
	s.multi = m->reply_lines > 1;
	s.body_bytes = p->bytes;
	model_step(&m->core, &s, p, t);
}

static void
smtp_s2c_line(struct smtp *m, const struct lr_line *l, uint64_t rest)
{
	struct smtp_rline	 r;
	const struct pend	*p;
	char			 shown[MT_FIELD_HARD];
	bool			 ok;

	if (l->flags & LR_CONT)
		return;
	model_line_flags(m->core.env.tr, l, DIR_S2C, "reply line",
	    MT_SMTP_LINE_SOFT);
	if (m->state == SMTP_S_BODY && !m->data_unanswered) {
		/* Trust the server: it is not reading a message any more. */
		trace_anomaly(m->core.env.tr, AN_REPLY_DURING_BODY, NULL, l->t_end);
		m->state = SMTP_S_READY;
	}
	if (m->in_reply && m->reply_failed) {
		/* The rest of a reply already failed as too long. */
		if (!smtp_rline_parse(l->text, l->len, &r) || !r.more) {
			m->in_reply = false;
			m->reply_failed = false;
		}
		return;
	}
	if ((p = pendq_peek(&m->core.pend)) == NULL) {
		mt_show(shown, sizeof(shown), (const uint8_t *)l->text, l->len,
		    80);
		trace_anomaly(m->core.env.tr, m->state == SMTP_S_DONE ?
		    AN_DATA_AFTER_CLOSE : AN_REPLY_NO_COMMAND, shown, l->t_end);
		return;
	}
	ok = smtp_rline_parse(l->text, l->len, &r);
	if (!ok) {
		mt_show(shown, sizeof(shown), (const uint8_t *)l->text, l->len,
		    80);
		trace_anomaly(m->core.env.tr, AN_BAD_STATUS, shown, l->t_end);
		smtp_final(m, l, &r, false, rest);
		return;
	}
	if (!m->in_reply) {
		m->in_reply = true;
		m->reply_code = r.code;
		m->reply_lines = 0;
		m->reply_mismatch = false;
		m->reply_failed = false;
		model_reply(m->reply_text, sizeof(m->reply_text), r.text,
		    r.textlen, r.code == 334 ? MR_CHALLENGE : MR_FINAL,
		    smtp_sasl_step(p->cmd));
		if (p->cmd == SMTP_C_EHLO)
			memset(&m->ehlo_new, 0, sizeof(m->ehlo_new));
	} else if (r.code != m->reply_code)
		m->reply_mismatch = true;
	m->reply_lines++;
	/* RFC 5321 4.1.1.1: the lines after the first name extensions. */
	if (p->cmd == SMTP_C_EHLO && m->reply_lines > 1)
		smtp_ehlo_line(&m->ehlo_new, r.text, r.textlen);
	if (!r.more) {
		smtp_final(m, l, &r, true, rest);
		return;
	}
	if (m->reply_lines >= MT_REPLY_LINES_HARD && !m->reply_failed) {
		struct trace_rec	rec;
		struct pend		q;
		char			opr[8];

		/* Fail the step now; swallow the rest of this reply. */
		pendq_pop(&m->core.pend, &q);
		snprintf(shown, sizeof(shown), "%.200s: over %d lines", q.intf,
		    MT_REPLY_LINES_HARD);
		trace_anomaly(m->core.env.tr, AN_REPLY_TOO_LONG, shown, l->t_end);
		snprintf(opr, sizeof(opr), "%03d", r.code);
		model_after_rec(m->core.env.tr, &q, opr, m->reply_text, MT_E_PROTO,
		    l->t_end, &rec);
		trace_emit_rec(m->core.env.tr, &rec);
		m->reply_failed = true;
		smtp_step(m, &q, r.code, NULL, 0, MT_E_PROTO, false,
		    STEP_TOO_LONG, l->t_end);
	}
}

/* The last line of a reply (or a malformed one): the step is complete. */
static void
smtp_final(struct smtp *m, const struct lr_line *l, const struct smtp_rline *r,
    bool wellformed, uint64_t rest)
{
	struct trace_rec	rec;
	struct pend		p;
	char			opr[MT_OPR_HARD], shown[MT_FIELD_HARD];
	unsigned		flags = 0;
	int			rc;
	bool			first = !m->in_reply;

	m->in_reply = false;
	if (!pendq_pop(&m->core.pend, &p))
		return;
	/* A reply of one line: it is its own first line. */
	if (first)
		model_reply(m->reply_text, sizeof(m->reply_text), wellformed ?
		    r->text : l->text, wellformed ? r->textlen : l->len,
		    !wellformed ? MR_MALFORMED : r->code == 334 ?
		    MR_CHALLENGE : MR_FINAL, smtp_sasl_step(p.cmd));
	if (wellformed) {
		snprintf(opr, sizeof(opr), "%03d", r->code);
		rc = smtp_reply_rc(p.cmd, r->code);
	} else {
		mt_copy_printable(opr, sizeof(opr), l->text, l->len < 4 ?
		    l->len : 4);
		rc = MT_E_PROTO;
	}
	if (wellformed && m->reply_mismatch) {
		snprintf(shown, sizeof(shown), "%.200s: the last line says %03d",
		    p.intf, r->code);
		trace_anomaly(m->core.env.tr, AN_REPLY_CODE_MISMATCH, shown,
		    l->t_end);
		rc = MT_E_PROTO;
	}
	if (l->flags & LR_TRUNCATED) {
		rc = MT_E_PROTO;
		flags |= STEP_TRUNCATED;
	}
	model_after_rec(m->core.env.tr, &p, opr, m->reply_text, rc, l->t_end,
	    &rec);
	if (p.cmd == SMTP_C__DOT) {
		rec.has_bytes = true;
		rec.bytes = p.bytes;
		rec.body_end = p.body_end;
	}
	switch (p.cmd) {
	case SMTP_C__GREETING:
		m->state = SMTP_S_READY;
		break;
	case SMTP_C_EHLO:
		if (rc == 0 && r->code / 100 == 2) {
			m->ehlo = m->ehlo_new;
			m->ehlo.seen = true;
			snprintf(rec.detail, sizeof(rec.detail), "%s",
			    m->ehlo.keywords);
		}
		break;
	case SMTP_C_AUTH:
	case SMTP_C__AUTHDATA:
		/* The exchange ends with anything but a 334. */
		sasl_reply(&m->core.sasl, wellformed && r->code == 334);
		break;
	case SMTP_C_DATA:
		/* The message began when DATA was sent; only 354 keeps it. */
		m->data_unanswered = false;
		if ((!wellformed || r->code != 354) && m->state == SMTP_S_BODY)
			m->state = SMTP_S_READY;
		break;
	case SMTP_C_STARTTLS:
		if (!wellformed || r->code != 220)
			break;
		/* RFC 3207 4: TLS, then commands again (EHLO first). */
		flags |= model_tls_switch(&m->core, "STARTTLS", rest,
		    l->t_end);
		m->state = SMTP_S_READY;
		break;
	case SMTP_C_QUIT:
		if (wellformed && r->code == 221)
			m->state = SMTP_S_DONE;
		break;
	default:
		break;
	}
	trace_emit_rec(m->core.env.tr, &rec);
	smtp_step(m, &p, wellformed ? r->code : 0, wellformed ? r->text :
	    l->text, wellformed ? r->textlen : l->len, rc, wellformed, flags,
	    l->t_end);
}

static void
smtp_ehlo_line(struct smtp_ehlo *e, const char *s, size_t n)
{
	size_t	kw = 0;

	model_keyword_add(e->keywords, sizeof(e->keywords), s, n);
	while (kw < n && s[kw] != ' ' && s[kw] != '=')
		kw++;
#define KW(w)	(kw == sizeof(w) - 1 && mt_casecmp_n(s, w, kw))
	if (KW("STARTTLS"))
		e->starttls = true;
	else if (KW("PIPELINING"))
		e->pipelining = true;
	else if (KW("8BITMIME"))
		e->eightbitmime = true;
	else if (KW("CHUNKING"))
		e->chunking = true;
	else if (KW("SMTPUTF8"))
		e->smtputf8 = true;
	else if (KW("SIZE") && kw < n)
		(void)mt_parse_u64(s + kw + 1, n - kw - 1, 0, UINT64_MAX / 2,
		    &e->size);
	else if (KW("AUTH") && kw < n)
		mt_copy_printable(e->auth, sizeof(e->auth), s + kw + 1,
		    n - kw - 1);
#undef KW
}

void
smtp_gap(struct smtp *m, enum dir d, uint64_t nbytes, mt_time t)
{
	(void)t;
	/*
	 * RFC 3030 2: the missing bytes were the chunk's first; what follows
	 * the chunk is read as commands again.
	 */
	if (d == DIR_C2S && m->bdat_left > 0)
		m->bdat_left -= nbytes < m->bdat_left ? nbytes : m->bdat_left;
}

void
smtp_tls(struct smtp *m, mt_time t)
{
	(void)t;
	/* RFC 3207 4.2: forget what was learned in clear; EHLO again. */
	memset(&m->ehlo, 0, sizeof(m->ehlo));
}

void
smtp_close(struct smtp *m, enum close_why why, mt_time t)
{
	enum mt_ecode		code = model_close_code(why);
	struct trace_rec	rec;
	struct pend		p;
	char			opr[MT_OPR_HARD];
	const char		*reply;

	if (why == CLOSE_UNSEEN)
		return;	/* nothing is known of the end: no point made up */
	/* (DATA unanswered with nothing after it: no message was begun.) */
	if (m->state == SMTP_S_BODY && (!m->data_unanswered ||
	    m->body.wire > 0))
		trace_anomaly(m->core.env.tr, AN_BODY_UNTERMINATED, "message", t);
	/* Open commands; a reply cut after some lines still has a code. */
	while (pendq_pop(&m->core.pend, &p)) {
		opr[0] = '\0';
		reply = NULL;
		if (m->in_reply && !m->reply_failed) {
			snprintf(opr, sizeof(opr), "%03d", m->reply_code);
			reply = m->reply_text;
		}
		m->in_reply = false;
		model_after_rec(m->core.env.tr, &p, opr, reply, code, t, &rec);
		if (p.cmd == SMTP_C__DOT) {
			rec.has_bytes = true;
			rec.bytes = p.bytes;
			rec.body_end = p.body_end;
		}
		trace_emit_rec(m->core.env.tr, &rec);
		smtp_step(m, &p, 0, NULL, 0, code, false, 0, t);
	}
}
