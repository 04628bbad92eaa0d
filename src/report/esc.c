/*
 * esc.c - the one escaping function of the report: record text into HTML.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include "report.h"

void
report_esc(FILE *out, const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		case '\n':
			fputs("&#10;", out);
			break;
		default:
			if (mt_isprint(*p))
				fputc(*p, out);
			else
				fputs("&#xFFFD;", out);
		}
	}
}
