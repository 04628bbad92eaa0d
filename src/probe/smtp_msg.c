/*
 * SPDX-License-Identifier: BSD-2-Clause
 * smtp_msg.c - the probe's default test message (RFC 5322): Date,
 * Message-ID, a unique token in the Subject and its own header, and the
 * probe's identity.
 */
#include "probe.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static bool	msg_add(char *, size_t, size_t *, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

/* Append to buf (size sz) at *n; false when it does not fit. */
static bool
msg_add(char *buf, size_t sz, size_t *n, const char *fmt, ...)
{
	va_list	ap;
	int	w;

	va_start(ap, fmt);
	w = vsnprintf(buf + *n, sz - *n, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= sz - *n)
		return false;
	*n += (size_t)w;
	return true;
}

int
smtp_default_message(char *buf, size_t sz, const struct smtp_opts *o,
    const char *token, const char *ident, mt_time now)
{
	char		date[64];
	struct tm	tm;
	time_t		secs = (time_t)(now / 1000000);
	size_t		i, n = 0, col, w;

	/* RFC 5322 3.3, in UTC; strftime in the C locale: English names. */
	if (sz == 0 || gmtime_r(&secs, &tm) == NULL ||
	    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm) ==
	    0)
		return -1;
	if (!msg_add(buf, sz, &n, "Date: %s\r\nFrom: <%s>\r\nTo:", date,
	    o->from))
		return -1;
	/*
	 * RFC 5322 2.1.1: lines of at most 78 octets (SHOULD) and 998 (MUST);
	 * 2.2.3: fold by a CRLF before the space that precedes an address.
	 * An address too long for 78 gets a line of its own.
	 */
	col = 3;
	for (i = 0; i < o->nto; i++) {
		w = 1 + strlen(o->to[i]) + 2 + (i + 1 < o->nto ? 1 : 0);
		if (i > 0 && col + w > MT_MSG_LINE_SOFT - 2) {
			if (!msg_add(buf, sz, &n, "\r\n"))
				return -1;
			col = 0;
		}
		if (!msg_add(buf, sz, &n, " <%s>%s", o->to[i],
		    i + 1 < o->nto ? "," : ""))
			return -1;
		col += w;
	}
	if (!msg_add(buf, sz, &n,
	    "\r\n"
	    "Message-ID: <mailtrace.%s@%s>\r\n"
	    "Subject: mailtrace probe %s\r\n"
	    "X-Mailtrace-Token: %s\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=us-ascii\r\n"
	    "\r\n"
	    "This is a test message sent by %s from %s.\r\n"
	    "Token: %s\r\n",
	    token, o->helo, token, token, ident, o->helo, token))
		return -1;
	return n > INT_MAX ? -1 : (int)n;
}
