/*
 * SPDX-License-Identifier: BSD-2-Clause
 * sniff.c - recognise POP3 or SMTP from the first line of each side
 * (RFC 1939 4 and 5, RFC 5321 4.1.1.1 and 4.2), with the framer and the
 * parsers the models use.
 */
#include "sniff.h"

#include <string.h>

#include "lr.h"
#include "pop3_parse.h"
#include "smtp_parse.h"

static enum sniff sniff_lines(const struct lr_line *, const struct lr_line *,
		    const struct sniff_in *);
static bool	tls_record(const uint8_t *, size_t);
static bool	first_line(struct lr *, const uint8_t *, size_t,
		    struct lr_line *);

/*
 * The first line of p[0..n), through the framer, as the model would see
 * it; valid until lr is freed.
 */
static bool
first_line(struct lr *lr, const uint8_t *p, size_t n, struct lr_line *l)
{
	size_t	used;
	bool	got = false;

	lr_init(lr, NULL);	/* at most 512 bytes: outside the budget */
	while (n > 0 && !got) {
		used = lr_feed(lr, p, n, 0, l, &got);
		p += used;
		n -= used;
	}
	return got;
}

/* Do p[0..n) begin with a TLS handshake record (RFC 8446 5.1, 3.x)? */
static bool
tls_record(const uint8_t *p, size_t n)
{
	return n >= 3 && p[0] == 22 && p[1] == 3 && p[2] <= 4;
}

/* The verdict from the client's and the server's first lines (NULL: none yet). */
static enum sniff
sniff_lines(const struct lr_line *c, const struct lr_line *s,
    const struct sniff_in *in)
{
	struct pop3_status	 ps;
	struct smtp_rline	 sr = { 0 };
	struct verb_line	 v;
	enum pop3_cmd		 pc;
	enum smtp_cmd		 sc;
	enum verb_sniff		 ev;
	bool			 s_pop3 = false, s_smtp = false, greeted;

	if (s != NULL) {
		pop3_status_parse(s->text, s->len, &ps);
		s_pop3 = ps.st == POP3_ST_OK || ps.st == POP3_ST_ERR;
		s_smtp = smtp_rline_parse(s->text, s->len, &sr);
		if (!s_pop3 && !s_smtp)
			return SNIFF_OTHER;
	}
	if (c == NULL)
		return in->final ? SNIFF_OTHER : SNIFF_MORE;
	/* A client line may come before the greeting, or be all there is. */
	greeted = s != NULL && in->server_first;
	smtp_cmd_parse(c->text, c->len, &sc, &v);
	ev = smtp_cmd_sniff(sc);
	if (ev == VERB_SNIFF_YES || (ev == VERB_SNIFF_GREET && greeted &&
	    sr.code == 220))
		return s == NULL || s_smtp ? SNIFF_SMTP : SNIFF_OTHER;
	pop3_cmd_parse(c->text, c->len, &pc, &v);
	ev = pop3_cmd_sniff(pc);
	if (ev == VERB_SNIFF_NO || (ev == VERB_SNIFF_GREET && !greeted &&
	    s != NULL))
		return SNIFF_OTHER;
	/* POP3: the server greets first (RFC 1939 4); wait for its line. */
	if (s == NULL)
		return in->final ? SNIFF_OTHER : SNIFF_MORE;
	return s_pop3 ? SNIFF_POP3 : SNIFF_OTHER;
}

enum sniff
sniff_flow(const struct sniff_in *in)
{
	struct lr	lr[2];
	struct lr_line	c, s;
	bool		cgot, sgot;
	enum sniff	r;

	if (tls_record(in->c, in->nc) || tls_record(in->s, in->ns))
		return SNIFF_TLS;
	cgot = first_line(&lr[0], in->c, in->nc, &c);
	sgot = first_line(&lr[1], in->s, in->ns, &s);
	r = sniff_lines(cgot ? &c : NULL, sgot ? &s : NULL, in);
	lr_free(&lr[0]);
	lr_free(&lr[1]);
	return r;
}
