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
/* A buffer larger than this is freed between lines (kept: the usual size
 * of a line split across segments). */
#define LR_CAP_KEEP	4096

static void	lr_emit(struct lr *, mt_time, struct lr_line *, unsigned);
static bool	lr_grow(struct lr *, size_t);
static void	lr_cut_out(struct lr *, mt_time, struct lr_line *, unsigned);

void
lr_init(struct lr *lr, struct mt_acct *acct)
{
	memset(lr, 0, sizeof(*lr));
	lr->acct = acct;
}

void
lr_free(struct lr *lr)
{
	if (lr == NULL)
		return;
	free(lr->buf);
	mt_budget_give(NULL, lr->acct, lr->cap);
	lr->buf = NULL;
	lr->cap = 0;
	lr->len = 0;
}

/*
 * Make the buffer nc bytes, the growth taken from the budget first; a
 * refusal (the budget cannot make room) is remembered so that the line
 * cut it causes says why.
 */
static bool
lr_grow(struct lr *lr, size_t nc)
{
	char	*nb;

	if (!mt_budget_take(NULL, lr->acct, nc - lr->cap)) {
		lr->short_budget = true;
		return false;
	}
	if ((nb = realloc(lr->buf, nc)) == NULL) {
		mt_budget_give(NULL, lr->acct, nc - lr->cap);
		return false;
	}
	lr->buf = nb;
	lr->cap = nc;
	return true;
}

/* Room for one more byte: double the buffer, never past the limit. */
static bool
lr_room(struct lr *lr)
{
	size_t	 nc;

	if (lr->len < lr->cap)
		return true;
	if (lr->cap >= MT_LINE_HARD + 1)
		return false;
	nc = lr->cap == 0 ? LR_CAP_START : lr->cap * 2;
	if (nc > MT_LINE_HARD + 1)
		nc = MT_LINE_HARD + 1;
	return lr_grow(lr, nc);
}

size_t
lr_givable(const struct lr *lr)
{
	if (lr->cut || lr->cap == 0)
		return 0;
	if (lr->wire == 0 || lr->skipping)
		return lr->cap;
	return lr->cap > LR_HEAD ? lr->cap - LR_HEAD : 0;
}

size_t
lr_give_up(struct lr *lr, bool *cut)
{
	char	*nb;
	size_t	 was = lr->cap;

	*cut = false;
	if (lr->cut || lr->cap == 0)
		return 0;
	if (lr->wire == 0 || lr->skipping) {
		/* Nothing of a line in it: the buffer goes. */
		lr_free(lr);
		return was;
	}
	if (lr->cap <= LR_HEAD)
		return 0;
	/* Mid-line: keep the head, hand it out at the next feed. */
	if (lr->len > 0)
		lr->last = (uint8_t)lr->buf[lr->len - 1];
	if (lr->len > LR_HEAD)
		lr->len = LR_HEAD;
	if ((nb = realloc(lr->buf, LR_HEAD)) != NULL)
		lr->buf = nb;		/* else the block stays as it was */
	lr->cap = LR_HEAD;
	mt_budget_give(NULL, lr->acct, was - LR_HEAD);
	lr->cut = true;
	*cut = true;
	return was - LR_HEAD;
}

/*
 * Hand out the head of a line cut short (over the limit, or the budget)
 * and drop the rest of it: lr_feed() skips to the LF.
 */
static void
lr_cut_out(struct lr *lr, mt_time t, struct lr_line *out, unsigned extra)
{
	size_t	len = lr->len < MT_LINE_HARD ? lr->len : MT_LINE_HARD;

	if (lr->short_budget)
		extra |= LR_BUDGET;
	if (lr->cut)
		extra |= LR_BUDGET | LR_GIVEN_UP;
	lr_emit(lr, t, out, LR_TRUNCATED | extra);
	out->len = len;
	lr->len = 0;
	lr->flags = 0;
	lr->skipping = true;
	lr->wire = 0;
	lr->cut = false;
	lr->short_budget = false;
}

void
lr_reset(struct lr *lr)
{
	lr->len = 0;
	lr->wire = 0;
	lr->flags = 0;
	lr->skipping = false;
	lr->cut = false;
	lr->short_budget = false;
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

/* Room for want bytes in all; false past the limit, the budget or out of
 * memory. */
static bool
lr_room_n(struct lr *lr, size_t want)
{
	size_t	 nc;

	if (want <= lr->cap)
		return true;
	nc = lr->cap == 0 ? LR_CAP_START : lr->cap;
	while (nc < want)
		nc *= 2;
	if (nc > MT_LINE_HARD + 1)
		nc = MT_LINE_HARD + 1;
	if (want > nc)
		return false;
	return lr_grow(lr, nc);
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
	if (lr->cut) {
		/* Given up for the budget: the head first, then the tail. */
		lr_cut_out(lr, t, out, 0);
		*got = true;
		return 0;
	}
	/* A large buffer is not kept between lines (the last line handed
	 * out of it was consumed before this call). */
	if ((lr->wire == 0 || lr->skipping) && lr->cap > LR_CAP_KEEP)
		lr_free(lr);
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
		 * Over the hard limit (or the memory budget): hand out the
		 * head now, so no consumer waits on an endless line, and drop
		 * the rest until LF.
		 */
		lr->wire--;		/* this byte belongs to the tail */
		lr_cut_out(lr, t, out, 0);
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
	if (lr->cut) {
		lr_cut_out(lr, t, out, LR_NO_EOL);
		lr_reset(lr);
		return true;
	}
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
