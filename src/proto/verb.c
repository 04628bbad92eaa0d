/*
 * SPDX-License-Identifier: BSD-2-Clause
 * verb.c - command line splitting and int strings (RFC 1939 3,
 * RFC 5321 4.1.1: a verb, a space, arguments).
 */
#include "verb.h"

#include <string.h>

#include "mt.h"

void
verb_split(const char *s, size_t n, struct verb_line *v)
{
	size_t	i = 0;

	while (i < n && s[i] != ' ')
		i++;
	v->verb = s;
	v->verblen = i;
	v->args = i < n ? s + i + 1 : s + n;
	v->argslen = i < n ? n - i - 1 : 0;
	v->alpha = i > 0;
	for (i = 0; i < v->verblen; i++)
		if (!mt_isalpha((unsigned char)s[i]))
			v->alpha = false;
}

int
verb_lookup(const char *const *names, int n, const struct verb_line *v)
{
	int	i;

	for (i = 0; i < n; i++)
		if (names[i] != NULL && strlen(names[i]) == v->verblen &&
		    mt_casecmp_n(v->verb, names[i], v->verblen))
			return i;
	return -1;
}

void
verb_intf(char *out, size_t sz, const struct verb_line *v, int show)
{
	size_t	i, o = 0, alen = v->argslen;

	if (sz == 0)
		return;
	for (i = 0; i < v->verblen && o + 1 < sz; i++)
		out[o++] = mt_isprint((unsigned char)v->verb[i]) ?
		    (char)mt_toupper((unsigned char)v->verb[i]) : '?';
	out[o] = '\0';
	if (show == VERB_SHOW_NONE || show == VERB_SHOW_MECH)
		alen = 0;
	else if (show == VERB_SHOW_FIRST) {
		const char *sp = memchr(v->args, ' ', alen);

		if (sp != NULL)
			alen = (size_t)(sp - v->args);
	}
	if (alen > 0 && o + 2 < sz) {
		out[o++] = ' ';
		mt_copy_printable(out + o, sz - o, v->args, alen);
	}
}
