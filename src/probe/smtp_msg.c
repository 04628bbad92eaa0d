/*
 * SPDX-License-Identifier: BSD-2-Clause
 * smtp_msg.c - the probe's default test message (RFC 5322): Date,
 * Message-ID, a unique token in the Subject and its own header, and the
 * probe's identity.
 */
#include "probe.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int
smtp_default_message(char *buf, size_t sz, const struct smtp_opts *o,
    const char *token, const char *ident, mt_time now)
{
	char		date[64], to[MT_FIELD_HARD * 2];
	struct tm	tm;
	time_t		secs = (time_t)(now / 1000000);
	size_t		i, n = 0;
	int		w;

	/* RFC 5322 3.3, in UTC; strftime in the C locale: English names. */
	if (gmtime_r(&secs, &tm) == NULL ||
	    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm) ==
	    0)
		return -1;
	to[0] = '\0';
	for (i = 0; i < o->nto; i++) {
		w = snprintf(to + n, sizeof(to) - n, "%s<%s>", i ? ", " : "",
		    o->to[i]);
		if (w < 0 || (size_t)w >= sizeof(to) - n)
			return -1;
		n += (size_t)w;
	}
	w = snprintf(buf, sz,
	    "Date: %s\r\n"
	    "From: <%s>\r\n"
	    "To: %s\r\n"
	    "Message-ID: <mailtrace.%s@%s>\r\n"
	    "Subject: mailtrace probe %s\r\n"
	    "X-Mailtrace-Token: %s\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=us-ascii\r\n"
	    "\r\n"
	    "This is a test message sent by %s from %s.\r\n"
	    "Token: %s\r\n",
	    date, o->from, to, token, o->helo, token, token, ident, o->helo,
	    token);
	return w < 0 || (size_t)w >= sz ? -1 : w;
}
