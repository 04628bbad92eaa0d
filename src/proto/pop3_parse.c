/*
 * SPDX-License-Identifier: BSD-2-Clause
 * pop3_parse.c - POP3 status and command lines (RFC 1939 3, 5, 7;
 * RFC 5034 4 for the "+" continuation).
 */
#include "pop3_parse.h"

#include <stdio.h>
#include <string.h>

#include "mt.h"

static const char *const pop3_verbs[POP3_C__COUNT] = {
#define X(verb, reply, show, pair, sniff)	[POP3_C_##verb] = #verb,
#include "pop3_cmds.def"
#undef X
};

static bool
starts_word(const char *s, size_t n, const char *w)
{
	size_t	wl = strlen(w);

	if (n < wl || memcmp(s, w, wl) != 0)
		return false;
	return n == wl || s[wl] == ' ';
}

void
pop3_status_parse(const char *s, size_t n, struct pop3_status *r)
{
	size_t	skip = 0;

	memset(r, 0, sizeof(*r));
	if (starts_word(s, n, "+OK")) {
		r->st = POP3_ST_OK;
		skip = 3;
	} else if (starts_word(s, n, "-ERR")) {
		r->st = POP3_ST_ERR;
		skip = 4;
	} else if (starts_word(s, n, "+")) {
		r->st = POP3_ST_CONT;
		skip = 1;
	} else {
		r->st = POP3_ST_BAD;
		mt_copy_printable(r->opr, sizeof(r->opr), s, n < 4 ? n : 4);
		r->text = s;
		r->textlen = n;
		return;
	}
	memcpy(r->opr, s, skip);
	r->opr[skip] = '\0';
	if (n > skip)
		skip++;		/* the space */
	r->text = s + skip;
	r->textlen = n - skip;
}

void
pop3_cmd_parse(const char *s, size_t n, enum pop3_cmd *cmd,
    struct verb_line *v)
{
	int	i;

	verb_split(s, n, v);
	i = verb_lookup(pop3_verbs, POP3_C__COUNT, v);
	*cmd = i < 0 ? POP3_C__UNKNOWN : (enum pop3_cmd)i;
}

static const enum verb_sniff pop3_sniff[POP3_C__COUNT] = {
#define X(verb, reply, show, pair, sniff)	[POP3_C_##verb] = VERB_SNIFF_##sniff,
#include "pop3_cmds.def"
#undef X
};

enum verb_sniff
pop3_cmd_sniff(enum pop3_cmd c)
{
	return (unsigned)c < POP3_C__COUNT ? pop3_sniff[c] : VERB_SNIFF_NO;
}

const char *
pop3_cmd_verb(enum pop3_cmd c)
{
	return (unsigned)c < POP3_C__COUNT ? pop3_verbs[c] : "";
}

bool
pop3_parse_stat(const char *s, size_t n, uint64_t *count, uint64_t *octets)
{
	size_t	a = 0, b;

	while (a < n && s[a] != ' ')
		a++;
	if (a == 0 || a >= n)
		return false;
	b = a + 1;
	while (b < n && s[b] != ' ')
		b++;
	return mt_parse_u64(s, a, 0, UINT32_MAX, count) &&
	    mt_parse_u64(s + a + 1, b - a - 1, 0, UINT64_MAX / 2, octets);
}

bool
pop3_greeting_stamp(const char *s, size_t n, const char **stamp,
    size_t *stamplen)
{
	const char	*lt, *gt;

	lt = memchr(s, '<', n);
	if (lt == NULL)
		return false;
	gt = memchr(lt, '>', n - (size_t)(lt - s));
	if (gt == NULL || gt - lt < 3 || memchr(lt, '@', (size_t)(gt - lt)) == NULL)
		return false;
	*stamp = lt;
	*stamplen = (size_t)(gt - lt) + 1;
	return true;
}
