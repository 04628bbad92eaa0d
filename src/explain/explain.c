/*
 * SPDX-License-Identifier: BSD-2-Clause
 * explain.c - a failed record's explanation from events/explain.def: the
 * matching order is the table's header comment (and
 * docs/troubleshooting.md); explain_find() follows it step by step.
 */
#include "explain.h"

#include <stdbool.h>
#include <string.h>

#include "mt.h"

const struct explain_row explain_rows[] = {
#define XP(kind, key, on, meaning, hint)				\
	{ EXPLAIN_##kind, key, on, meaning, hint },
#include "explain.def"
#undef XP
};

const size_t explain_nrows = sizeof(explain_rows) / sizeof(explain_rows[0]);

/* What a failed step's reply is, when the server refused. */
struct refusal {
	bool	 smtp;		/* a 4xx/5xx SMTP reply */
	bool	 pop3;		/* a POP3 -ERR */
	char	 cls;		/* SMTP: '4' or '5' */
};

const char *
explain_kind_name(enum explain_kind k)
{
	switch (k) {
	case EXPLAIN_TEXT:
		return "TEXT";
	case EXPLAIN_POP3:
		return "POP3";
	case EXPLAIN_ENH:
		return "ENH";
	case EXPLAIN_CODE:
		return "CODE";
	case EXPLAIN_TLS:
		return "TLS";
	case EXPLAIN_EXC:
		return "EXC";
	}
	return "?";
}

/* Does hay contain needle, ASCII case-insensitively? */
static bool
has_words(const char *hay, const char *needle)
{
	size_t	hn = strlen(hay), nn = strlen(needle), i;

	if (nn == 0 || nn > hn)
		return false;
	for (i = 0; i + nn <= hn; i++)
		if (mt_casecmp_n(hay + i, needle, nn))
			return true;
	return false;
}

/*
 * The step failed on the server's refusal: a reply class (AUTH, PROTO,
 * SEND) and a negative reply in opr.  A failure with a positive, a
 * malformed or no reply (a timeout, a 250 where 354 was due) is not.
 */
static bool
refusal_of(int rc, const char *opr, struct refusal *rf)
{
	memset(rf, 0, sizeof(*rf));
	if (rc != MT_E_AUTH && rc != MT_E_PROTO && rc != MT_E_SEND)
		return false;
	if (strcmp(opr, "-ERR") == 0) {
		rf->pop3 = true;
		return true;
	}
	if (strlen(opr) == 3 && (opr[0] == '4' || opr[0] == '5') &&
	    mt_isdigit(opr[1]) && mt_isdigit(opr[2])) {
		rf->smtp = true;
		rf->cls = opr[0];
		return true;
	}
	return false;
}

static const struct explain_row *
find_row(enum explain_kind kind, const char *key)
{
	size_t	i;

	for (i = 0; i < explain_nrows; i++)
		if (explain_rows[i].kind == kind &&
		    strcmp(explain_rows[i].key, key) == 0)
			return &explain_rows[i];
	return NULL;
}

static const struct explain_row *
find_text(const char *reply, const struct refusal *rf)
{
	const struct explain_row	*x;
	size_t				 i;

	for (i = 0; i < explain_nrows; i++) {
		x = &explain_rows[i];
		if (x->kind != EXPLAIN_TEXT)
			continue;
		if (strcmp(x->on, "-ERR") == 0 ? !rf->pop3 :
		    x->on[0] != '\0' && (!rf->smtp || x->on[0] != rf->cls))
			continue;
		if (has_words(reply, x->key))
			return x;
	}
	return NULL;
}

/*
 * A POP3 response code at the start of reply (RFC 2449 8: "[" code "]",
 * the code's parts separated by "/"), matched case-insensitively.
 */
static const struct explain_row *
find_pop3(const char *reply, char *code)
{
	const struct explain_row	*x;
	size_t				 n, i;

	if (reply[0] != '[')
		return NULL;
	for (n = 1; n < EXPLAIN_CODE_MAX - 1 && reply[n] != ']'; n++)
		if (!mt_isalpha(reply[n]) && !mt_isdigit(reply[n]) &&
		    reply[n] != '/' && reply[n] != '-')
			return NULL;
	if (reply[n] != ']')
		return NULL;
	n++;
	for (i = 0; i < explain_nrows; i++) {
		x = &explain_rows[i];
		if (x->kind == EXPLAIN_POP3 && strlen(x->key) == n &&
		    mt_casecmp_n(x->key, reply, n)) {
			trace_str(code, EXPLAIN_CODE_MAX, x->key);
			return x;
		}
	}
	return NULL;
}

/* n digits (1 to 3) at p; their count, 0 if none. */
static size_t
digits(const char *p)
{
	size_t	n = 0;

	while (n < 4 && mt_isdigit(p[n]))
		n++;
	return n >= 1 && n <= 3 ? n : 0;
}

/*
 * An RFC 3463 status code at the start of reply (class "." subject "."
 * detail, then the end or a separator), tried as the exact code, with any
 * class, as class and subject, as subject with any class.
 */
static const struct explain_row *
find_enh(const char *reply, char *code)
{
	const struct explain_row	*x;
	char				 key[EXPLAIN_CODE_MAX];
	size_t				 ns, nd, len;

	if ((reply[0] != '2' && reply[0] != '4' && reply[0] != '5') ||
	    reply[1] != '.' || (ns = digits(reply + 2)) == 0 ||
	    reply[2 + ns] != '.' || (nd = digits(reply + 3 + ns)) == 0)
		return NULL;
	len = 3 + ns + nd;
	if (reply[len] == '.' || mt_isdigit(reply[len]))
		return NULL;
	memcpy(key, reply, len);
	key[len] = '\0';
	if ((x = find_row(EXPLAIN_ENH, key)) == NULL) {
		key[0] = 'X';
		if ((x = find_row(EXPLAIN_ENH, key)) == NULL) {
			key[0] = reply[0];
			key[2 + ns] = '\0';
			if ((x = find_row(EXPLAIN_ENH, key)) == NULL) {
				key[0] = 'X';
				x = find_row(EXPLAIN_ENH, key);
			}
		}
	}
	if (x != NULL) {
		memcpy(code, reply, len);
		code[len] = '\0';
	}
	return x;
}

static const struct explain_row *
find_code(const char *opr, char cls, char *code)
{
	const struct explain_row	*x;
	char				 c[2] = { cls, '\0' };

	if ((x = find_row(EXPLAIN_CODE, opr)) == NULL)
		x = find_row(EXPLAIN_CODE, c);
	if (x != NULL)
		trace_str(code, EXPLAIN_CODE_MAX, opr);
	return x;
}

static const struct explain_row *
find_tls(const char *detail)
{
	size_t	i;

	for (i = 0; i < explain_nrows; i++)
		if (explain_rows[i].kind == EXPLAIN_TLS &&
		    has_words(detail, explain_rows[i].key))
			return &explain_rows[i];
	return NULL;
}

const struct explain_row *
explain_find(int rc, const char *opr, const char *reply, const char *detail,
    char *code)
{
	const struct explain_row	*x = NULL;
	struct refusal			 rf;

	code[0] = '\0';
	if (rc == 0)
		return NULL;
	if (opr == NULL)
		opr = "";
	if (reply == NULL)
		reply = "";
	if (detail == NULL)
		detail = "";
	/* 1: the server refused: its words, then its most specific code */
	if (refusal_of(rc, opr, &rf)) {
		if ((x = find_text(reply, &rf)) != NULL)
			return x;
		if (rf.pop3 && (x = find_pop3(reply, code)) != NULL)
			return x;
		if (rf.smtp && ((x = find_enh(reply, code)) != NULL ||
		    (x = find_code(opr, rf.cls, code)) != NULL))
			return x;
	}
	/* 2: a failed handshake, by what failed */
	if (rc == MT_E_TLS && (x = find_tls(detail)) != NULL)
		return x;
	/* 3: the failure class */
	return find_row(EXPLAIN_EXC, mt_ecode_name((enum mt_ecode)rc));
}

/* Append s to dst (n bytes used of sz), cut to fit; the new length. */
static size_t
put(char *dst, size_t n, size_t sz, const char *s)
{
	size_t	l = strlen(s);

	if (l > sz - 1 - n)
		l = sz - 1 - n;
	memcpy(dst + n, s, l);
	dst[n + l] = '\0';
	return n + l;
}

size_t
explain_format(const struct explain_row *x, const char *code, char *dst,
    size_t sz)
{
	size_t	n = 0;

	if (sz == 0)
		return 0;
	dst[0] = '\0';
	if (x == NULL)
		return 0;
	if (code != NULL && code[0] != '\0') {
		n = put(dst, n, sz, code);
		n = put(dst, n, sz, ": ");
	}
	n = put(dst, n, sz, x->meaning);
	if (x->hint[0] != '\0') {
		n = put(dst, n, sz, "; ");
		n = put(dst, n, sz, x->hint);
	}
	return n;
}

void
explain_rec(struct trace_rec *r)
{
	const struct explain_row	*x;
	char				 code[EXPLAIN_CODE_MAX];

	r->explanation[0] = '\0';
	if (r->rc == 0 || r->anomaly != AN_NONE)
		return;
	if ((x = explain_find(r->rc, r->opr, r->reply, r->detail, code)) !=
	    NULL)
		explain_format(x, code, r->explanation,
		    sizeof(r->explanation));
}
