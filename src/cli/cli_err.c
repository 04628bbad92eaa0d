/*
 * SPDX-License-Identifier: BSD-2-Clause
 * cli_err.c - what every mailtrace program shares: its messages on
 * stderr, one line each, and numbers from the command line.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli_mon.h"
#include "mt.h"

static const char	*(*cli_err_where)(void);

void
cli_err_context(const char *(*where)(void))
{
	cli_err_where = where;
}

/*
 * One line, whatever the arguments hold: a byte that is not printable
 * ASCII (a CR or LF in an argument, a terminal escape) is shown as mt_show()
 * shows it (\r \n \t \xHH).  A backslash stays as it is, so text
 * already shown that way (a server's reply in a session error) is not
 * shown twice.  At most CLI_ERR_MAX bytes, then "...(+N)".
 */
void
cli_err(const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[CLI_ERR_MAX + 1], shown[8];
	uint8_t	 c;
	size_t	 i, n;
	int	 w;

	va_start(ap, fmt);
	w = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (w < 0)
		w = 0;
	n = (size_t)w < sizeof(buf) ? (size_t)w : sizeof(buf) - 1;
	fputs("mailtrace: ", stderr);
	if (cli_err_where != NULL)
		fputs(cli_err_where(), stderr);
	for (i = 0; i < n; i++) {
		c = (uint8_t)buf[i];
		if (mt_isprint(c))
			fputc(c, stderr);
		else {
			mt_show(shown, sizeof(shown), &c, 1, 1);
			fputs(shown, stderr);
		}
	}
	if ((size_t)w > n)
		fprintf(stderr, "...(+%zu)", (size_t)w - n);
	fputc('\n', stderr);
	buf[n] = '\0';
	cli_nagios_note(buf);
}

int
cli_number(const char *opt, const char *s, long long min, long long max,
    long long *out)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max) {
		cli_err("%s: \"%s\" is not a number from %lld to %lld", opt, s,
		    min, max);
		return -1;
	}
	*out = v;
	return 0;
}
