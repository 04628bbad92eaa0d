/*
 * SPDX-License-Identifier: BSD-2-Clause
 * align.c - the alignment of two sessions' steps: a longest common
 * subsequence of the step keys (event, normalised intf), so that a step
 * added or missing is one unpaired line and the steps after it still pair.
 *
 * The common first and last steps pair in linear time; the middle takes
 * the textbook dynamic programme (two rows of lengths, 2 bits of direction
 * per cell for the way back) while it stays under MT_CHK_CELLS_HARD cells,
 * and a greedy walk with a look-ahead window past that.
 */
#include "check.h"

#include <stdlib.h>
#include <string.h>

/* A step's key: event and normalised intf (at off in the arena). */
struct key {
	unsigned	 event;
	uint64_t	 hash;
	size_t		 off;
};

struct keys {
	struct key	*k;		/* a's keys, then b's */
	char		*arena;
	size_t		 len;
	size_t		 sz;
};

enum { D_DIAG = 0, D_LEFT = 1, D_UP = 2 };

static uint64_t
fnv1a(const char *s)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int
arena_put(struct keys *ks, const char *s, size_t *off)
{
	size_t	 n = strlen(s) + 1, nsz;
	char	*p;

	if (ks->sz - ks->len < n) {
		nsz = ks->sz > 0 ? ks->sz : 4096;
		while (nsz - ks->len < n)
			nsz *= 2;
		if ((p = realloc(ks->arena, nsz)) == NULL)
			return -1;
		ks->arena = p;
		ks->sz = nsz;
	}
	memcpy(ks->arena + ks->len, s, n);
	*off = ks->len;
	ks->len += n;
	return 0;
}

static int
keys_make(struct keys *ks, const struct chk_rules *rules,
    const struct chk_step *a, size_t na, const struct chk_step *b, size_t nb)
{
	char			 norm[MT_CHK_TEXT_HARD];
	const struct chk_step	*s;
	size_t			 i;

	if ((ks->k = calloc(na + nb + 1, sizeof(*ks->k))) == NULL)
		return -1;
	for (i = 0; i < na + nb; i++) {
		s = i < na ? &a[i] : &b[i - na];
		(void)chk_norm(rules, s->intf, norm, sizeof(norm));
		ks->k[i].event = s->event;
		ks->k[i].hash = fnv1a(norm);
		if (arena_put(ks, norm, &ks->k[i].off) != 0)
			return -1;
	}
	return 0;
}

static bool
key_eq(const struct keys *ks, size_t i, size_t j)
{
	const struct key	*x = &ks->k[i], *y = &ks->k[j];

	return x->event == y->event && x->hash == y->hash &&
	    strcmp(ks->arena + x->off, ks->arena + y->off) == 0;
}

static void
emit(struct chk_align *out, long a, long b)
{
	out->pairs[out->npairs].a = a;
	out->pairs[out->npairs].b = b;
	out->npairs++;
	if (a >= 0 && b >= 0)
		out->matched++;
}

/*
 * The exact alignment of a[ia..ia+m) with b[ib..ib+n) (keys at ia and
 * na + ib), appended to out.  m * n <= MT_CHK_CELLS_HARD.
 */
static int
align_exact(const struct keys *ks, size_t na, size_t ia, size_t m, size_t ib,
    size_t n, struct chk_align *out)
{
	uint8_t		*dir;
	uint32_t	*prev, *cur, *t;
	size_t		 i, j, cell, len, w;
	unsigned	 d;

	dir = calloc((m * n + 3) / 4 + 1, 1);
	prev = calloc(n + 1, sizeof(*prev));
	cur = calloc(n + 1, sizeof(*cur));
	if (dir == NULL || prev == NULL || cur == NULL) {
		free(dir);
		free(prev);
		free(cur);
		return -1;
	}
	for (i = 1; i <= m; i++) {
		cur[0] = 0;
		for (j = 1; j <= n; j++) {
			if (key_eq(ks, ia + i - 1, na + ib + j - 1)) {
				cur[j] = prev[j - 1] + 1;
				d = D_DIAG;
			} else if (cur[j - 1] >= prev[j]) {
				/* ties: b's step first on the way back, so
				   a's comes first in the output */
				cur[j] = cur[j - 1];
				d = D_LEFT;
			} else {
				cur[j] = prev[j];
				d = D_UP;
			}
			cell = (i - 1) * n + (j - 1);
			dir[cell / 4] |= (uint8_t)(d << (cell % 4 * 2));
		}
		t = prev;
		prev = cur;
		cur = t;
	}
	/* prev[n]: the common subsequence's length */
	len = m + n - (n > 0 ? prev[n] : 0);
	w = out->npairs + len;
	i = m;
	j = n;
	while (i > 0 || j > 0) {
		if (i == 0)
			d = D_LEFT;
		else if (j == 0)
			d = D_UP;
		else {
			cell = (i - 1) * n + (j - 1);
			d = (unsigned)(dir[cell / 4] >> (cell % 4 * 2)) & 3u;
		}
		w--;
		if (d == D_DIAG) {
			out->pairs[w].a = (long)(ia + i - 1);
			out->pairs[w].b = (long)(ib + j - 1);
			out->matched++;
			i--;
			j--;
		} else if (d == D_LEFT) {
			out->pairs[w].a = -1;
			out->pairs[w].b = (long)(ib + j - 1);
			j--;
		} else {
			out->pairs[w].a = (long)(ia + i - 1);
			out->pairs[w].b = -1;
			i--;
		}
	}
	out->npairs += len;
	free(dir);
	free(prev);
	free(cur);
	return 0;
}

/*
 * The greedy alignment of the same ranges: where the steps differ, the
 * nearer of "a's step reappears d steps on in b" (b's steps before it are
 * extra) and "b's step reappears d steps on in a" (a's are missing), d up
 * to MT_CHK_WINDOW; neither: both steps unpaired, a's first.
 */
static void
align_greedy(const struct keys *ks, size_t na, size_t ia, size_t m,
    size_t ib, size_t n, struct chk_align *out)
{
	size_t	i = 0, j = 0, d, k;

	while (i < m && j < n) {
		if (key_eq(ks, ia + i, na + ib + j)) {
			emit(out, (long)(ia + i), (long)(ib + j));
			i++;
			j++;
			continue;
		}
		for (d = 1; d <= MT_CHK_WINDOW; d++) {
			if (j + d < n && key_eq(ks, ia + i, na + ib + j + d)) {
				for (k = 0; k < d; k++)
					emit(out, -1, (long)(ib + j + k));
				j += d;
				break;
			}
			if (i + d < m && key_eq(ks, ia + i + d, na + ib + j)) {
				for (k = 0; k < d; k++)
					emit(out, (long)(ia + i + k), -1);
				i += d;
				break;
			}
		}
		if (d > MT_CHK_WINDOW) {
			emit(out, (long)(ia + i), -1);
			emit(out, -1, (long)(ib + j));
			i++;
			j++;
		}
	}
	for (; i < m; i++)
		emit(out, (long)(ia + i), -1);
	for (; j < n; j++)
		emit(out, -1, (long)(ib + j));
}

int
chk_align(const struct chk_rules *rules, const struct chk_step *a, size_t na,
    const struct chk_step *b, size_t nb, struct chk_align *out,
    struct mt_err *err)
{
	struct keys	 ks;
	size_t		 pre, suf, m, n, i;
	int		 rc = 0;

	memset(out, 0, sizeof(*out));
	if (na > MT_CHK_STEPS_HARD || nb > MT_CHK_STEPS_HARD)
		return mt_err_set(err, MT_E_INTERNAL, "a session of %zu steps "
		    "is over the comparison's limit of %d", na > nb ? na : nb,
		    MT_CHK_STEPS_HARD);
	memset(&ks, 0, sizeof(ks));
	out->pairs = calloc(na + nb + 1, sizeof(*out->pairs));
	if (out->pairs == NULL || keys_make(&ks, rules, a, na, b, nb) != 0) {
		rc = mt_err_set(err, MT_E_INTERNAL, "out of memory aligning "
		    "%zu and %zu steps", na, nb);
		chk_align_free(out);
		goto done;
	}

	for (pre = 0; pre < na && pre < nb && key_eq(&ks, pre, na + pre);
	    pre++)
		;
	for (suf = 0; suf < na - pre && suf < nb - pre &&
	    key_eq(&ks, na - 1 - suf, na + nb - 1 - suf); suf++)
		;
	for (i = 0; i < pre; i++)
		emit(out, (long)i, (long)i);
	m = na - pre - suf;
	n = nb - pre - suf;
	if (m > 0 && n > 0 && m > MT_CHK_CELLS_HARD / n) {
		out->greedy = true;
		align_greedy(&ks, na, pre, m, pre, n, out);
	} else if (align_exact(&ks, na, pre, m, pre, n, out) != 0) {
		rc = mt_err_set(err, MT_E_INTERNAL, "out of memory aligning "
		    "%zu and %zu steps", na, nb);
		chk_align_free(out);
		goto done;
	}
	for (i = 0; i < suf; i++)
		emit(out, (long)(na - suf + i), (long)(nb - suf + i));
done:
	free(ks.k);
	free(ks.arena);
	return rc;
}

void
chk_align_free(struct chk_align *out)
{
	if (out == NULL)
		return;
	free(out->pairs);
	memset(out, 0, sizeof(*out));
}
