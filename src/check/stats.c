/*
 * SPDX-License-Identifier: BSD-2-Clause
 * stats.c - a step's latency over several runs of the same probe, for a
 * baseline saved from them (mailtrace baseline save --runs N): each older
 * run aligned with the newest, the times of the steps paired with each of
 * the newest's, their median and spread.  Memory: one entry per timed
 * step of all the runs together, whatever their shapes.
 */
#include "check.h"

#include <stdlib.h>
#include <string.h>

/* One time found for step i of the newest run. */
struct tm_ent {
	size_t		 i;
	int64_t		 us;
};

static int
ent_cmp(const void *x, const void *y)
{
	const struct tm_ent	*a = x, *b = y;

	if (a->i != b->i)
		return a->i < b->i ? -1 : 1;
	return a->us < b->us ? -1 : a->us > b->us;
}

int
chk_stats(const struct chk_rules *rules, const struct chk_step *const *runs,
    const size_t *nsteps, size_t nruns, struct chk_stat *out,
    struct mt_err *err)
{
	struct chk_align	 al;
	struct tm_ent		*e;
	int64_t			*v;
	size_t			 n0, i, j, g, r, k, total = 0, ne = 0;

	if (nruns < 1 || nruns > MT_CHK_RUNS_HARD)
		return mt_err_set(err, MT_E_INTERNAL, "latency over %zu runs "
		    "(1 to %d)", nruns, MT_CHK_RUNS_HARD);
	for (r = 0; r < nruns; r++) {
		if (nsteps[r] > MT_CHK_STEPS_HARD - total)
			return mt_err_set(err, MT_E_INTERNAL, "more than %d "
			    "steps in the runs together", MT_CHK_STEPS_HARD);
		total += nsteps[r];
	}
	n0 = nsteps[0];
	memset(out, 0, n0 * sizeof(*out));
	if (n0 == 0)
		return 0;
	if ((e = calloc(total, sizeof(*e))) == NULL)
		return mt_err_set(err, MT_E_INTERNAL, "out of memory");
	for (i = 0; i < n0; i++)
		if (runs[0][i].has_elapsed) {
			e[ne].i = i;
			e[ne++].us = runs[0][i].elapsed_us;
		}
	for (r = 1; r < nruns; r++) {
		memset(&al, 0, sizeof(al));
		if (chk_align(rules, runs[0], n0, runs[r], nsteps[r], &al,
		    err) != 0) {
			free(e);
			return -MT_E_INTERNAL;
		}
		for (k = 0; k < al.npairs; k++) {
			if (al.pairs[k].a < 0 || al.pairs[k].b < 0)
				continue;
			i = (size_t)al.pairs[k].a;
			j = (size_t)al.pairs[k].b;
			/* Only beside a time of the newest run's own. */
			if (runs[0][i].has_elapsed && runs[r][j].has_elapsed) {
				e[ne].i = i;
				e[ne++].us = runs[r][j].elapsed_us;
			}
		}
		chk_align_free(&al);
	}
	qsort(e, ne, sizeof(*e), ent_cmp);
	if ((v = calloc(ne > 0 ? ne : 1, sizeof(*v))) == NULL) {
		free(e);
		return mt_err_set(err, MT_E_INTERNAL, "out of memory");
	}
	for (g = 0; g < ne; g = j) {
		for (j = g; j < ne && e[j].i == e[g].i; j++)
			v[j - g] = e[j].us;
		i = e[g].i;
		out[i].median_us = chk_quantile(v, j - g, 50);
		out[i].spread_us = e[j - 1].us - e[g].us;
		out[i].n = (unsigned)(j - g);
		out[i].has = true;
	}
	free(v);
	free(e);
	return 0;
}

int64_t
chk_quantile(const int64_t *a, size_t n, unsigned pct)
{
	uint64_t	pos, rem;
	int64_t		d;
	size_t		lo;

	if (pct > 100)
		pct = 100;
	pos = (uint64_t)pct * (uint64_t)(n - 1);
	lo = (size_t)(pos / 100);
	rem = pos % 100;
	if (rem == 0 || lo + 1 >= n)
		return a[lo];
	/* d * rem / 100 without overflow, rounded down (d >= 0: sorted). */
	d = a[lo + 1] - a[lo];
	return a[lo] + (d / 100) * (int64_t)rem + (d % 100) * (int64_t)rem /
	    100;
}
