/*
 * SPDX-License-Identifier: BSD-2-Clause
 * model.c - pieces the POP3 and SMTP step models share.
 */
#include "model.h"

#include <stdio.h>
#include <string.h>

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
	default:
		return MT_E_PROTO;
	}
}

void
model_after_rec(const struct pend *p, const char *opr, int rc, mt_time t,
    struct trace_rec *r)
{
	trace_rec_clear(r);
	r->event = p->ev_before + 1;
	r->rc = rc;
	trace_str(r->intf, sizeof(r->intf), p->intf);
	trace_str(r->opr, sizeof(r->opr), opr);
	if (rc != 0)
		trace_str(r->opt, sizeof(r->opt),
		    mt_exc_class((enum mt_ecode)rc));
	r->time = t;
	r->has_elapsed = true;
	r->elapsed_us = t - p->t_before;
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
	if (l->flags & LR_TRUNCATED) {
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
	if (b->flags & BODY_LONG_RFC)
		trace_anomaly(tr, AN_LINE_OVER_RFC, detail, t);
}

void
model_gap(struct tracer *tr, struct lr *lr, enum dir d, uint64_t nbytes,
    mt_time t)
{
	char	detail[64];

	snprintf(detail, sizeof(detail), "%llu octets missing %s",
	    (unsigned long long)nbytes, d == DIR_C2S ? "client to server" :
	    "server to client");
	trace_anomaly(tr, AN_GAP, detail, t);
	lr_reset(lr);
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

void
sasl_begin(struct sasl_track *s, const char *mech, size_t n, bool ir)
{
	memset(s, 0, sizeof(*s));
	s->open = true;
	if (n == 5 && mt_casecmp_n(mech, "PLAIN", 5))
		s->expect = 1;
	else if (n == 5 && mt_casecmp_n(mech, "LOGIN", 5))
		s->expect = 2;
	else if (n == 8 && mt_casecmp_n(mech, "CRAM-MD5", 8))
		s->expect = 1;
	else
		s->expect = -1;
	/* RFC 4954 4: an initial response is the first response. */
	if (ir)
		s->resps = 1;
}

bool
sasl_client_line(struct sasl_track *s)
{
	if (!s->open)
		return false;
	if (s->expect < 0 || s->resps < s->expect || s->resps < s->conts) {
		s->resps++;
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

void
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
