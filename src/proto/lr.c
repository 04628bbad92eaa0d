/*
 * SPDX-License-Identifier: BSD-2-Clause
 * lr.c - the line framer (RFC 1939 3 and RFC 5321 2.3.8: lines end in CRLF;
 * a bare LF is accepted and flagged, as an observer must not stop where a
 * server would).
 */
#include "lr.h"

#include "scan.h"

#include <stdlib.h>
#include <string.h>

#define LR_CAP_START	256

static void	lr_emit(struct lr *, mt_time, struct lr_line *, unsigned);

void
lr_init(struct lr *lr)
{
	memset(lr, 0, sizeof(*lr));
}

void
lr_free(struct lr *lr)
{
	if (lr == NULL)
		return;
	free(lr->buf);
	lr->buf = NULL;
	lr->cap = 0;
	lr->len = 0;
}

/* Room for one more byte: double the buffer, never past the limit. */
static bool
lr_room(struct lr *lr)
{
	char	*nb;
	size_t	 nc;

	if (lr->len < lr->cap)
		return true;
	if (lr->cap >= MT_LINE_HARD + 1)
		return false;
	nc = lr->cap == 0 ? LR_CAP_START : lr->cap * 2;
	if (nc > MT_LINE_HARD + 1)
		nc = MT_LINE_HARD + 1;
	if ((nb = realloc(lr->buf, nc)) == NULL)
		return false;
	lr->buf = nb;
	lr->cap = nc;
	return true;
}

void
lr_reset(struct lr *lr)
{
	lr->len = 0;
	lr->wire = 0;
	lr->flags = 0;
	lr->skipping = false;
	lr->last = 0;
}

/* Hand out the held line; strips one CR before the LF (eol true). */
static void
lr_emit(struct lr *lr, mt_time t, struct lr_line *out, unsigned extra)
{
	size_t	len = lr->len;

	out->flags = lr->flags | extra;
	if ((extra & (LR_NO_EOL | LR_TRUNCATED)) == 0) {
		if (len > 0 && lr->buf[len - 1] == '\r')
			len--;
		else
			out->flags |= LR_BARE_LF;
	}
	out->text = lr->buf != NULL ? lr->buf : "";
	out->len = len;
	out->wire = lr->wire;
	out->t_first = lr->t_first;
	out->t_end = t;
}

/* Room for want bytes in all; false past the limit or out of memory. */
static bool
lr_room_n(struct lr *lr, size_t want)
{
	char	*nb;
	size_t	 nc;

	if (want <= lr->cap)
		return true;
	nc = lr->cap == 0 ? LR_CAP_START : lr->cap;
	while (nc < want)
		nc *= 2;
	if (nc > MT_LINE_HARD + 1)
		nc = MT_LINE_HARD + 1;
	if (want > nc || (nb = realloc(lr->buf, nc)) == NULL)
		return false;
	lr->buf = nb;
	lr->cap = nc;
	return true;
}

/*
 * The flags of e bytes of a line (LR_NUL, LR_CTRL; a CR not followed by
 * LF is LR_CTRL).  The first chk bytes are searched for any byte below
 * 0x20 (scan.h); only a line that has one is looked at byte by byte.
 */
static unsigned
lr_classify(const uint8_t *p, size_t chk, size_t e, unsigned flags)
{
	size_t	k;

	if (scan_ctl(p, 0, chk) == chk)
		return flags;
	for (k = 0; k < e; k++) {
		uint8_t	c = p[k];

		if (c == '\0')
			flags |= LR_NUL;
		else if (c < 0x20 && c != '\t' && c != '\r')
			flags |= LR_CTRL;
		if (k > 0 && p[k - 1] == '\r')
			flags |= LR_CTRL;	/* a CR before anything but LF */
	}
	return flags;
}

size_t
lr_feed(struct lr *lr, const uint8_t *p, size_t n, mt_time t,
    struct lr_line *out, bool *got)
{
	size_t	i;

	*got = false;
	/*
	 * Fast path: the bytes up to the next LF (or the end of the chunk)
	 * fit under the limit: classify them with one pass that only looks
	 * for bytes below 0x20, and copy them at once.
	 */
	if (!lr->skipping && n > 0) {
		const uint8_t	*lf = memchr(p, '\n', n);
		size_t		 e = lf ? (size_t)(lf - p) : n, chk = e;

		if (lf != NULL && e > 0 && p[e - 1] == '\r')
			chk = e - 1;	/* the CR of CRLF */
		/*
		 * A whole line inside this chunk, nothing held: hand it out
		 * where it lies (valid until the next lr_feed(), as always).
		 */
		if (lf != NULL && lr->wire == 0 && e <= MT_LINE_HARD) {
			out->flags = lr_classify(p, chk, e, 0);
			out->text = (const char *)p;
			out->len = chk;
			if (chk == e)
				out->flags |= LR_BARE_LF;
			out->wire = e + 1;
			out->t_first = t;
			out->t_end = t;
			*got = true;
			return e + 1;
		}
		if (lr->len + e <= MT_LINE_HARD && lr_room_n(lr, lr->len + e)) {
			if (lr->wire == 0)
				lr->t_first = t;
			/* a CR held from the last chunk, not followed by LF */
			if (e > 0 && lr->len > 0 && lr->buf[lr->len - 1] ==
			    '\r')
				lr->flags |= LR_CTRL;
			lr->flags |= lr_classify(p, chk, e, lr->flags);
			if (e > 0)
				memcpy(lr->buf + lr->len, p, e);
			lr->len += e;
			lr->wire += e;
			if (lf == NULL)
				return n;
			lr->wire++;
			lr_emit(lr, t, out, 0);
			lr_reset(lr);
			*got = true;
			return e + 1;
		}
	}
	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (lr->wire == 0)
			lr->t_first = t;
		lr->wire++;
		if (lr->skipping) {
			if (c != '\n') {
				lr->last = c;
				continue;
			}
			/* The tail of a truncated line: no text, only bytes. */
			out->text = lr->buf != NULL ? lr->buf : "";
			out->len = 0;
			out->wire = lr->wire;
			out->flags = LR_CONT |
			    (lr->last == '\r' ? 0 : LR_BARE_LF);
			out->t_first = lr->t_first;
			out->t_end = t;
			lr_reset(lr);
			*got = true;
			return i + 1;
		}
		if (c == '\n') {
			lr_emit(lr, t, out, 0);
			lr_reset(lr);
			*got = true;
			return i + 1;
		}
		if (c == '\0')
			lr->flags |= LR_NUL;
		else if (c < 0x20 && c != '\t' && c != '\r')
			lr->flags |= LR_CTRL;
		/* A CR is only a line ending when LF follows; otherwise text. */
		if (lr->len > 0 && lr->buf[lr->len - 1] == '\r')
			lr->flags |= LR_CTRL;
		/*
		 * The one byte past MT_LINE_HARD may only be the CR of CRLF.
		 * Out of memory ends the line early, as the limit does.
		 */
		if ((lr->len < MT_LINE_HARD ||
		    (lr->len == MT_LINE_HARD && c == '\r')) && lr_room(lr)) {
			lr->buf[lr->len++] = (char)c;
			continue;
		}
		/*
		 * Over the hard limit: hand out the head now, so no consumer
		 * waits on an endless line, and drop the rest until LF.
		 */
		lr->wire--;		/* this byte belongs to the tail */
		lr_emit(lr, t, out, LR_TRUNCATED);
		out->len = lr->len < MT_LINE_HARD ? lr->len : MT_LINE_HARD;
		lr->len = 0;
		lr->flags = 0;
		lr->skipping = true;
		lr->wire = 0;
		*got = true;
		return i;		/* re-feed this byte in skipping mode */
	}
	return n;
}

bool
lr_finish(struct lr *lr, mt_time t, struct lr_line *out)
{
	if (lr->wire == 0)
		return false;
	if (lr->skipping) {
		out->text = lr->buf != NULL ? lr->buf : "";
		out->len = 0;
		out->wire = lr->wire;
		out->flags = LR_CONT | LR_NO_EOL;
		out->t_first = lr->t_first;
		out->t_end = t;
	} else
		lr_emit(lr, t, out, LR_NO_EOL);
	lr_reset(lr);
	return true;
}

uint64_t
lr_held(const struct lr *lr)
{
	return lr->wire;
}

bool
lr_idle(const struct lr *lr)
{
	return lr->wire == 0 && !lr->skipping;
}
