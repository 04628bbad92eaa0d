/*
 * layout.c - the time axis of the pictures: times to pixels, tick steps,
 * durations as text.  Pure functions (tests/unit/test_report.c).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include "report.h"

#include <stdio.h>

double
rpt_x(const struct rpt_scale *s, mt_time t)
{
	int64_t	span = s->span_us > 0 ? s->span_us : 1;
	double	f;

	if (t <= s->t0)
		return s->x;
	if (t - s->t0 >= span)
		return s->x + s->w;
	f = (double)(t - s->t0) / (double)span;
	return s->x + f * s->w;
}

double
rpt_w(const struct rpt_scale *s, mt_time a, mt_time b)
{
	double	w;

	w = b > a ? rpt_x(s, b) - rpt_x(s, a) : 0.0;
	return w < RPT_BAR_MIN ? RPT_BAR_MIN : w;
}

int64_t
rpt_tick(int64_t span_us, int max_ticks)
{
	static const int	 m[] = { 1, 2, 5 };
	int64_t			 p;
	size_t			 i;

	if (max_ticks < 1)
		max_ticks = 1;
	for (p = 1; p <= INT64_MAX / 10; p *= 10)
		for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
			if (span_us <= p * m[i] * (int64_t)max_ticks)
				return p * m[i];
	return p;
}

void
rpt_dur(char *buf, size_t sz, int64_t us)
{
	if (us < 0)
		us = 0;
	if (us < 1000)
		(void)snprintf(buf, sz, "%lldus", (long long)us);
	else if (us < 10000)
		(void)snprintf(buf, sz, "%.2fms", (double)us / 1e3);
	else if (us < 1000000)
		(void)snprintf(buf, sz, "%.1fms", (double)us / 1e3);
	else
		(void)snprintf(buf, sz, "%.2fs", (double)us / 1e6);
}
