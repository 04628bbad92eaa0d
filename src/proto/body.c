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
	if (l->flags & LR_GIVEN_UP)
		;	/* reported when it was given up */
	else if (l->flags & LR_BUDGET)
		b->flags |= BODY_BUDGET;
	else if (l->flags & LR_TRUNCATED)
		b->flags |= BODY_LONG;
	b->prev_crlf = crlf;
	b->lines++;
	return BODY_MORE;
}

/*
 * One step of body_scan() line by line: take the line at start, or stop
 * (goto done) before it.  find is the way to the next control byte
 * (scan.h's, or an AVX2 one where the CPU has it).
 */
#define BODY_TAKE_LINE(find) do {					\
	if (p[start] == '.')						\
		goto done;						\
	i = find(p, start, n);						\
	/* the line must end here in CRLF, within the chunk */		\
	if (i + 1 >= n || p[i] != '\r' || p[i + 1] != '\n')		\
		goto done;						\
	e = i + 1 - start;	/* bytes before the LF */		\
	if (e > maxe || (uint64_t)e + 1 > budget - start)		\
		goto done;						\
	start = i + 2;							\
	lines++;							\
} while (0)

/* Account what body_scan() took: the bytes before start, in lines. */
static size_t
body_scan_end(struct body *b, size_t start, uint64_t lines)
{
	if (lines > 0) {
		b->wire += start;
		b->lines += lines;
		b->prev_crlf = true;
	}
	return start;
}

size_t
body_scan_plain(struct body *b, const uint8_t *p, size_t n, size_t maxe,
    uint64_t budget)
{
	size_t		start = 0, i, e;
	uint64_t	lines = 0;

	while (start < n)
		BODY_TAKE_LINE(scan_ctl_notab);
done:
	return body_scan_end(b, start, lines);
}

#if defined(SCAN_HAVE_AVX2)
/*
 * With AVX2, 64 bytes at a time without looking at single lines: a block
 * is taken whole (up to its last LF) when all its control bytes are CRs
 * each followed by an LF, no line starts with '.', no line is longer
 * than maxe and the budget holds.  Lines through a block that is not so,
 * and the last bytes short of a block, go line by line; then blocks
 * again.  No branch per line: line ends come at random places, and each
 * mispredicted branch costs more than looking at 64 bytes.
 */
__attribute__((target("avx2,popcnt"))) static size_t
body_scan_avx2(struct body *b, const uint8_t *p, size_t n, size_t maxe,
    uint64_t budget)
{
	size_t		start = 0, pos, i, e;
	uint64_t	lines = 0, crc, lfc, ctl, cr, lf, dot, end;

	while (start < n) {
		/* at a line start: the byte before was an LF (or none) */
		crc = 0;
		lfc = 1;
		for (pos = start; maxe >= 64 && pos + 64 <= n &&
		    pos + 64 <= budget; pos += 64) {
			scan_masks_avx2(p + pos, &ctl, &cr, &lf, &dot);
			if ((ctl & ~(cr | lf)) != 0 ||	/* other control bytes */
			    lf != ((cr << 1) | crc) ||	/* a lone CR or LF */
			    (((lf << 1) | lfc) & dot) != 0) /* '.' first */
				break;
			end = lf != 0 ? (uint64_t)__builtin_ctzll(lf) : 64;
			if (pos + end - start > maxe)	/* a line too long */
				break;
			if (lf != 0) {
				lines += (uint64_t)__builtin_popcountll(lf);
				start = pos + 64 - (size_t)__builtin_clzll(lf);
			}
			crc = cr >> 63;
			lfc = lf >> 63;
		}
		/* line by line through the block that stopped them */
		pos += 64;
		while (start < pos && start < n)
			BODY_TAKE_LINE(scan_ctl_notab_avx2);
	}
done:
	return body_scan_end(b, start, lines);
}
#endif

size_t
body_scan(struct body *b, const uint8_t *p, size_t n, size_t maxe,
    uint64_t budget)
{
#if defined(SCAN_HAVE_AVX2)
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt"))
		return body_scan_avx2(b, p, n, maxe, budget);
#endif
	return body_scan_plain(b, p, n, maxe, budget);
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
