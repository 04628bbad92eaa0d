/*
 * SPDX-License-Identifier: BSD-2-Clause
 * body.c - multi-line body accounting and the end-of-data rule
 * (RFC 1939 3 byte-stuffing; RFC 5321 4.1.1.4 and 4.5.2).
 */
#include "body.h"

#include <stdlib.h>
#include <string.h>

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
