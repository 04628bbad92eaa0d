/*
 * SPDX-License-Identifier: BSD-2-Clause
 * model.c - pieces the POP3 and SMTP step models share.
 */
#include "model.h"

#include <stdio.h>
#include <string.h>

/* The greeting is awaited: its "before" point ev and a pending entry. */
static void
model_greeting(struct tracer *tr, struct pendq *q, int cmd, unsigned ev,
    mt_time t)
{
	struct pend	p;

	memset(&p, 0, sizeof(p));
	p.cmd = cmd;
	p.ev_before = ev;
	p.t_before = t;
	snprintf(p.intf, sizeof(p.intf), "connect-mail-server");
	trace_emit(tr, ev, 0, p.intf, NULL, NULL, t, -1);
	pendq_push(q, &p);
}

bool
model_init(struct model *m, const struct conv_env *env, int greet_cmd,
    unsigned greet_ev, mt_time t)
{
	memset(m, 0, sizeof(*m));
	m->env = *env;
	if (m->env.max_body == 0 || m->env.max_body > MT_BODY_HARD)
		m->env.max_body = MT_BODY_DEFAULT;
	lr_init(&m->lr[DIR_C2S], env->acct);
	lr_init(&m->lr[DIR_S2C], env->acct);
	m->pend.acct = env->acct;
	m->phase = MODEL_LINES;
	if (m->env.midstream)
		return false;
	model_greeting(m->env.tr, &m->pend, greet_cmd, greet_ev, t);
	return true;
}

void
model_free(struct model *m)
{
	lr_free(&m->lr[DIR_C2S]);
	lr_free(&m->lr[DIR_S2C]);
	pendq_free(&m->pend);
}

void
model_step(const struct model *m, struct step *s, const struct pend *p,
    mt_time t)
{
	s->cmd = p->cmd;
	s->t_before = p->t_before;
	s->t_after = t < p->t_before ? p->t_before : t;
	m->env.on_step(m->env.arg, s);
}

enum model_cline
model_client_line(struct model *m, const struct lr_line *l, struct pend *p)
{
	if (l->flags & LR_CONT)
		return MC_SKIP;
	memset(p, 0, sizeof(*p));
	p->t_before = l->t_first;
	return sasl_client_line(&m->sasl, l->text, l->len) ? MC_SASL :
	    MC_COMMAND;
}

void
model_client_command(struct model *m, const struct model_verbs *kw,
    const struct lr_line *l, const struct verb_line *v, int show,
    const char *mechs, bool auth, const char *verb, struct pend *p,
    char *what, size_t sz)
{
	const char	*sp;

	p->has_arg = v->argslen > 0;
	model_command(m->env.tr, kw, l, v, show, mechs, p->intf,
	    sizeof(p->intf));
	if (auth && v->argslen > 0) {
		sp = memchr(v->args, ' ', v->argslen);
		sasl_begin(&m->sasl, v->args, sp != NULL ?
		    (size_t)(sp - v->args) : v->argslen, sp != NULL);
	}
	snprintf(what, sz, "%s command", verb != NULL ? verb : "unknown");
}

void
model_record_command(struct model *m, const struct pend *p,
    const struct lr_line *l, const char *what, uint64_t soft)
{
	if (what != NULL)
		model_line_flags(m->env.tr, l, DIR_C2S, what, soft);
	if (m->env.on_command != NULL)
		m->env.on_command(m->env.arg, p->cmd, p->has_arg, p->ev_before,
		    p->t_before);
	trace_emit(m->env.tr, p->ev_before, 0, p->intf, NULL, NULL,
	    p->t_before, -1);
	if (!pendq_push(&m->pend, p))
		trace_anomaly(m->env.tr, AN_PENDING_OVERFLOW, NULL, l->t_first);
}

unsigned
model_tls_switch(struct model *m, const char *verb, uint64_t rest, mt_time t)
{
	char		detail[MT_FIELD_HARD];
	unsigned	flags = 0;

	rest += lr_held(&m->lr[DIR_S2C]) + lr_held(&m->lr[DIR_C2S]);
	if (rest > 0) {
		snprintf(detail, sizeof(detail), "%llu octets after the %s "
		    "reply, before the TLS handshake", (unsigned long long)rest,
		    verb);
		trace_anomaly(m->env.tr, AN_PLAINTEXT_AFTER_TLS, detail, t);
		flags |= STEP_INJECTED;
	}
	m->phase = MODEL_TLS_WAIT;
	return flags;
}

void
model_tls(struct model *m)
{
	lr_reset(&m->lr[DIR_C2S]);
	lr_reset(&m->lr[DIR_S2C]);
	m->tls_bytes = 0;
	if (m->phase == MODEL_TLS_WAIT)
		m->phase = MODEL_LINES;
}

enum mt_ecode
model_close_code(enum close_why why)
{
	switch (why) {
	case CLOSE_FIN:
		return MT_E_EOF;
	case CLOSE_RST:
	case CLOSE_IO:
		return MT_E_IO;
	case CLOSE_TIMEOUT:
		return MT_E_TIMEOUT;
	case CLOSE_INTR:
		return MT_E_INTR;
	case CLOSE_ABORT:
	case CLOSE_UNSEEN:
	default:
		return MT_E_PROTO;
	}
}

void
model_after_rec(struct tracer *tr, const struct pend *p, const char *opr,
    const char *reply, int rc, mt_time t, struct trace_rec *r)
{
	char	detail[MT_FIELD_HARD];

	if (t < p->t_before) {
		snprintf(detail, sizeof(detail), "%.200s: %lldus before the "
		    "command", p->intf, (long long)(p->t_before - t));
		trace_anomaly(tr, AN_REPLY_BEFORE_COMMAND, detail,
		    p->t_before);
		t = p->t_before;
	}
	trace_rec_clear(r);
	r->event = p->ev_before + 1;
	r->rc = rc;
	trace_str(r->intf, sizeof(r->intf), p->intf);
	trace_str(r->opr, sizeof(r->opr), opr);
	trace_str(r->reply, sizeof(r->reply), reply);
	if (rc != 0)
		trace_str(r->opt, sizeof(r->opt),
		    mt_exc_class((enum mt_ecode)rc));
	r->time = t;
	r->has_elapsed = true;
	r->elapsed_us = t - p->t_before;
}

void
model_reply(char *dst, size_t sz, const char *text, size_t n,
    enum model_reply kind, bool sasl)
{
	if (sz == 0)
		return;
	dst[0] = '\0';
	if (kind == MR_CHALLENGE || (kind == MR_MALFORMED && sasl))
		return;
	mt_show(dst, sz, (const uint8_t *)text, n, MT_REPLY_SHOW);
}

void
model_line_flags(struct tracer *tr, const struct lr_line *l, enum dir d,
    const char *what, uint64_t soft)
{
	char		 detail[MT_FIELD_HARD];
	const char	*side = d == DIR_C2S ? "client" : "server";

	if ((l->flags & (LR_BARE_LF | LR_NUL | LR_CTRL | LR_TRUNCATED)) == 0 &&
	    l->wire <= soft)
		return;		/* the usual case: nothing to say */
	snprintf(detail, sizeof(detail), "%s %.200s", side, what);
	if (l->flags & LR_BARE_LF)
		trace_anomaly(tr, AN_BARE_LF, detail, l->t_end);
	if (l->flags & LR_NUL)
		trace_anomaly(tr, AN_NUL, detail, l->t_end);
	if (l->flags & LR_CTRL)
		trace_anomaly(tr, AN_CTRL, detail, l->t_end);
	if (l->flags & LR_GIVEN_UP)
		;	/* reported when it was given up */
	else if (l->flags & LR_BUDGET) {
		snprintf(detail, sizeof(detail), "%s %.200s cut after %llu "
		    "octets", side, what, (unsigned long long)l->wire);
		trace_anomaly(tr, AN_MEM_BUDGET, detail, l->t_end);
	} else if (l->flags & LR_TRUNCATED) {
		snprintf(detail, sizeof(detail), "%s %.200s longer than %d "
		    "octets", side, what, MT_LINE_HARD);
		trace_anomaly(tr, AN_LINE_TOO_LONG, detail, l->t_end);
	} else if (l->wire > soft) {
		snprintf(detail, sizeof(detail), "%s %.200s of %llu octets "
		    "(RFC limit %llu)", side, what, (unsigned long long)l->wire,
		    (unsigned long long)soft);
		trace_anomaly(tr, AN_LINE_OVER_RFC, detail, l->t_end);
	}
}

void
model_body_flags(struct tracer *tr, const struct body *b, const char *what,
    mt_time t)
{
	char	detail[MT_FIELD_HARD];

	if (b->flags & BODY_ODD_DOT) {
		snprintf(detail, sizeof(detail), "in the %.200s", what);
		trace_anomaly(tr, AN_ODD_DOT, detail, t);
	}
	snprintf(detail, sizeof(detail), "in the %.200s body", what);
	if (b->flags & BODY_BARE_LF)
		trace_anomaly(tr, AN_BARE_LF, detail, t);
	if (b->flags & BODY_NUL)
		trace_anomaly(tr, AN_NUL, detail, t);
	if (b->flags & BODY_CTRL)
		trace_anomaly(tr, AN_CTRL, detail, t);
	if (b->flags & BODY_LONG)
		trace_anomaly(tr, AN_LINE_TOO_LONG, detail, t);
	if (b->flags & BODY_BUDGET)
		trace_anomaly(tr, AN_MEM_BUDGET, detail, t);
	if (b->flags & BODY_LONG_RFC)
		trace_anomaly(tr, AN_LINE_OVER_RFC, detail, t);
}

void
model_gap(struct model *m, enum dir d, uint64_t nbytes, mt_time t)
{
	char	detail[64];

	snprintf(detail, sizeof(detail), "%llu octets missing %s",
	    (unsigned long long)nbytes, d == DIR_C2S ? "client to server" :
	    "server to client");
	trace_anomaly(m->env.tr, AN_GAP, detail, t);
	lr_reset(&m->lr[d]);
}

void
model_keyword_add(char *list, size_t sz, const char *s, size_t n)
{
	size_t	o = strlen(list);
	char	line[MT_FIELD_HARD];

	mt_copy_printable(line, sizeof(line), s, n);
	if (o + 2 + strlen(line) < sz)
		snprintf(list + o, sz - o, "%s%s", o ? ", " : "", line);
}

enum { SHAPE_ONE, SHAPE_LOGIN, SHAPE_OTHER };

static const struct {
	const char	*name;
	int		 responses;
	int		 shape;
} sasl_mechs[] = {
#define X(id, name, responses, shape)	{ name, responses, SHAPE_##shape },
#include "sasl_mechs.def"
#undef X
};

static const struct {
	const char	*verb;
	int		 show;
} cred_verbs[] = {
#define X(verb, show)	{ #verb, VERB_SHOW_##show },
#include "cred_verbs.def"
#undef X
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

int
sasl_mech_find(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < NELEM(sasl_mechs); i++)
		if (strlen(sasl_mechs[i].name) == n &&
		    mt_casecmp_n(s, sasl_mechs[i].name, n))
			return (int)i;
	return -1;
}

bool
conv_mech_listed(const char *list, const char *s, size_t n)
{
	const char	*w = list;
	size_t		 wl;

	if (list == NULL || n == 0)
		return false;
	while (*w != '\0') {
		while (*w == ' ')
			w++;
		for (wl = 0; w[wl] != '\0' && w[wl] != ' '; wl++)
			;
		if (wl == n && mt_casecmp_n(w, s, n))
			return true;
		w += wl;
	}
	return false;
}

void
sasl_begin(struct sasl_track *s, const char *mech, size_t n, bool ir)
{
	memset(s, 0, sizeof(*s));
	s->open = true;
	s->mech = sasl_mech_find(mech, n);
	s->expect = s->mech < 0 ? -1 : sasl_mechs[s->mech].responses;
	/* RFC 4954 4: an initial response is the first response. */
	if (ir)
		s->resps = 1;
}

const char *
sasl_resp_name(const struct sasl_track *s)
{
	int	shape = s->mech < 0 ? SHAPE_OTHER : sasl_mechs[s->mech].shape;

	if (shape == SHAPE_LOGIN && s->resps <= 2)
		return s->resps == 1 ? "SEND USER" : "SEND PASS";
	if (shape == SHAPE_ONE && s->resps == 1)
		return "SEND USER PASS";
	return "AUTH DATA";
}

void
model_command(struct tracer *tr, const struct model_verbs *kw,
    const struct lr_line *l, const struct verb_line *v, int show,
    const char *mechs, char *intf, size_t sz)
{
	char		 detail[64];
	const char	*sp;
	size_t		 i, ml;

	if (!v->alpha || v->verblen < kw->min || v->verblen > kw->max) {
		/* Not a keyword: it may be a credential out of its exchange. */
		snprintf(detail, sizeof(detail), "unreadable command of %zu "
		    "octets", l->len);
		snprintf(intf, sz, "?");
		trace_anomaly(tr, AN_UNKNOWN_COMMAND, detail, l->t_first);
		return;
	}
	if (show < 0) {
		show = VERB_SHOW_ALL;
		for (i = 0; i < NELEM(cred_verbs); i++)
			if (strlen(cred_verbs[i].verb) == v->verblen &&
			    mt_casecmp_n(v->verb, cred_verbs[i].verb,
			    v->verblen))
				show = cred_verbs[i].show;
		snprintf(detail, sizeof(detail), "unknown %s command",
		    kw->proto);
		trace_anomaly(tr, AN_UNKNOWN_COMMAND, detail, l->t_first);
	}
	if (show == VERB_SHOW_MECH) {
		/* The mechanism is shown only when it is known to be one. */
		sp = memchr(v->args, ' ', v->argslen);
		ml = sp != NULL ? (size_t)(sp - v->args) : v->argslen;
		if (sasl_mech_find(v->args, ml) >= 0 ||
		    conv_mech_listed(mechs, v->args, ml))
			show = VERB_SHOW_FIRST;
	}
	verb_intf(intf, sz, v, show);
}

bool
sasl_client_line(struct sasl_track *s, const char *text, size_t len)
{
	if (!s->open || s->cancelled)
		return false;
	if (s->expect < 0 || s->resps < s->expect || s->resps < s->conts) {
		s->resps++;
		if (len == 1 && text[0] == '*')
			s->cancelled = true;
		return true;
	}
	return false;
}

void
sasl_reply(struct sasl_track *s, bool challenge)
{
	if (challenge)
		s->conts++;
	else
		s->open = false;
}
