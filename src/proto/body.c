/*
 * SPDX-License-Identifier: BSD-2-Clause
 * body.c - multi-line body accounting and the end-of-data rule
 * (RFC 1939 3 byte-stuffing; RFC 5321 4.1.1.4 and 4.5.2).
 */
#include "body.h"

#include <stdlib.h>
#include <string.h>

#include "scan.h"

void
body_open(struct body *b)
{
	memset(b, 0, sizeof(*b));
	b->prev_crlf = true;
}

enum body_verdict
body_line(struct body *b, const struct lr_line *l)
{
	bool	crlf = (l->flags & (LR_BARE_LF | LR_NO_EOL)) == 0;

	b->wire += l->wire;
	if (l->flags & LR_CONT) {		/* tail of a truncated line */
		b->prev_crlf = crlf;
		return BODY_MORE;
	}
	if (l->len == 1 && l->text[0] == '.' && (l->flags & LR_TRUNCATED) == 0) {
		if (crlf && b->prev_crlf)
			return BODY_END;
		b->flags |= BODY_ODD_DOT;
	} else if (l->len > 1 && l->text[0] == '.' && l->text[1] == '.')
		b->unstuffed++;
	if (l->flags & LR_BARE_LF)
		b->flags |= BODY_BARE_LF;
	if (l->flags & LR_NUL)
		b->flags |= BODY_NUL;
	if (l->flags & LR_CTRL)
		b->flags |= BODY_CTRL;
	if (l->flags & LR_TRUNCATED)
		b->flags |= BODY_LONG;
	b->prev_crlf = crlf;
	b->lines++;
	return BODY_MORE;
}

size_t
body_scan(struct body *b, const uint8_t *p, size_t n, size_t maxe,
    uint64_t budget)
{
	size_t		start = 0, i, e;
	uint64_t	lines = 0;

	while (start < n && p[start] != '.') {
		i = start;
		for (;;) {		/* the next byte below 0x20, TABs aside */
			i = scan_ctl(p, i, n);
			if (i >= n || p[i] != '\t')
				break;
			i++;
		}
		/* the line must end here in CRLF, within the chunk */
		if (i + 1 >= n || p[i] != '\r' || p[i + 1] != '\n')
			break;
		e = i + 1 - start;	/* bytes before the LF */
		if (e > maxe || (uint64_t)e + 1 > budget)
			break;
		budget -= e + 1;
		start = i + 2;
		lines++;
	}
	if (lines > 0) {
		b->wire += start;
		b->lines += lines;
		b->prev_crlf = true;
	}
	return start;
}

bool
body_stuff(const uint8_t *msg, size_t n, uint8_t **out, size_t *outlen)
{
	uint8_t	*w;
	size_t	 i, o = 0;
	bool	 bol = true;

	/* Worst case: every byte a line ending or a dot line: 2n, plus 5. */
	if (n > (SIZE_MAX - 5) / 2 || (w = malloc(2 * n + 5)) == NULL)
		return false;
	for (i = 0; i < n; i++) {
		uint8_t c = msg[i];

		if (c == '\r' || c == '\n') {
			if (c == '\r' && i + 1 < n && msg[i + 1] == '\n')
				i++;
			w[o++] = '\r';
			w[o++] = '\n';
			bol = true;
			continue;
		}
		if (bol && c == '.')
			w[o++] = '.';
		w[o++] = c;
		bol = false;
	}
	if (!bol) {
		w[o++] = '\r';
		w[o++] = '\n';
	}
	memcpy(w + o, ".\r\n", 3);
	*out = w;
	*outlen = o + 3;
	return true;
}
