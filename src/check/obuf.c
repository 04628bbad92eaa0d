/*
 * SPDX-License-Identifier: BSD-2-Clause
 * obuf.c - the check's bounded output buffer (obuf.h).
 */
#include "obuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
ob_mem(struct obuf *o, const char *s, size_t n)
{
	size_t	room = o->sz - 1 - o->len;

	if (n > room) {
		n = room;
		o->cut = true;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

void
ob_str(struct obuf *o, const char *s)
{
	ob_mem(o, s, strlen(s));
}

void
ob_fmt(struct obuf *o, const char *fmt, ...)
{
	char	tmp[128];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(tmp)) {
		n = (int)sizeof(tmp) - 1;
		o->cut = true;
	}
	ob_mem(o, tmp, (size_t)n);
}

