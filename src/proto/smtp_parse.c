/*
 * SPDX-License-Identifier: BSD-2-Clause
 * smtp_parse.c - SMTP reply lines (RFC 5321 4.2, 4.2.1) and command lines
 * (RFC 5321 4.1.1).
 */
#include "smtp_parse.h"

#include <string.h>

#include "mt.h"

static const char *const smtp_verbs[SMTP_C__COUNT] = {
#define X(verb, show, pair, sniff)	[SMTP_C_##verb] = #verb,
#include "smtp_cmds.def"
#undef X
};

bool
smtp_rline_parse(const char *s, size_t n, struct smtp_rline *r)
{
	memset(r, 0, sizeof(*r));
	if (n < 3 || !mt_isdigit((unsigned char)s[0]) ||
	    !mt_isdigit((unsigned char)s[1]) || !mt_isdigit((unsigned char)s[2]))
		return false;
	/* RFC 5321 4.2: the first digit is 2..5. */
	if (s[0] < '2' || s[0] > '5')
		return false;
	if (n > 3 && s[3] != ' ' && s[3] != '-')
		return false;
	r->code = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	r->more = n > 3 && s[3] == '-';
	r->text = n > 4 ? s + 4 : s + n;
	r->textlen = n > 4 ? n - 4 : 0;
	return true;
}

void
smtp_cmd_parse(const char *s, size_t n, enum smtp_cmd *cmd,
    struct verb_line *v)
{
	int	i;

	verb_split(s, n, v);
	i = verb_lookup(smtp_verbs, SMTP_C__COUNT, v);
	*cmd = i < 0 ? SMTP_C__UNKNOWN : (enum smtp_cmd)i;
}

static const enum verb_sniff smtp_sniff[SMTP_C__COUNT] = {
#define X(verb, show, pair, sniff)	[SMTP_C_##verb] = VERB_SNIFF_##sniff,
#include "smtp_cmds.def"
#undef X
};

enum verb_sniff
smtp_cmd_sniff(enum smtp_cmd c)
{
	return (unsigned)c < SMTP_C__COUNT ? smtp_sniff[c] : VERB_SNIFF_NO;
}

const char *
smtp_cmd_verb(enum smtp_cmd c)
{
	return (unsigned)c < SMTP_C__COUNT ? smtp_verbs[c] : "";
}
