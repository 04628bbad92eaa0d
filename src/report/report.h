/*
 * report.h - the pictures (issue 14, docs/report.md): a stored run's
 * sessions as waterfalls in one self-contained HTML file (inline SVG and
 * CSS, a few lines of inline script that only sort rows; nothing loaded
 * from anywhere).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Every string that came from a record (the server's words above all) goes
 * out through report_esc(), the one escaping function for HTML text and
 * attribute values; no record text is ever written into the script.
 */
#ifndef MT_REPORT_REPORT_H
#define MT_REPORT_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mt.h"

struct store;

/* Bounds of one report (docs/report.md, "Bounds"). */
#define RPT_DRAWN_HARD	100	/* sessions drawn as waterfalls */
#define RPT_ROWS_HARD	1000	/* sessions listed in the overview */
#define RPT_STEPS_HARD	500	/* steps drawn in one session's waterfall */

/* ---- esc.c ---- */

/*
 * Write s to out as HTML text or a quoted attribute value: & < > " ' as
 * entities, any byte that is not printable ASCII as U+FFFD (record fields
 * are printable ASCII already; this holds whatever s is), a newline as
 * "&#10;" (a line break in an SVG <title>).
 */
void	report_esc(FILE *out, const char *s);

/* ---- layout.c: the maths of the time axis ---- */

/* Times t0 .. t0 + span_us onto x .. x + w pixels. */
struct rpt_scale {
	mt_time		 t0;
	int64_t		 span_us;	/* <= 0 is taken as 1 */
	double		 x;
	double		 w;
};

#define RPT_BAR_MIN	1.0	/* a bar is at least this wide, in pixels */

/* t's position, clamped to [x, x + w]. */
double	rpt_x(const struct rpt_scale *, mt_time t);
/* The width of a bar from a to b (b < a: 0 long), at least RPT_BAR_MIN. */
double	rpt_w(const struct rpt_scale *, mt_time a, mt_time b);
/*
 * The axis's tick step: the smallest 1, 2 or 5 times a power of ten
 * microseconds that cuts span_us into at most max_ticks parts (>= 1 us).
 */
int64_t	rpt_tick(int64_t span_us, int max_ticks);
/* A duration for people: "850us", "12.3ms", "1.25s"; NUL-terminated. */
void	rpt_dur(char *buf, size_t sz, int64_t us);

/* ---- waterfall.c ---- */

struct chk_rules;

struct report_opt {
	uint64_t	 run;		/* 0: the newest run */
	const char	*title;		/* NULL: "mailtrace report" */
	/*
	 * A baseline whose step times are drawn as ghost bars beside the
	 * run's steps they align with (chk_align() with rules, the pairing
	 * check makes; session by session, by number); NULL: none.
	 */
	const char		*baseline;
	const struct chk_rules	*rules;
};

/*
 * Write run opt->run of st as one HTML document to out.  MT_E_USAGE: no
 * such run (no runs), no such baseline; MT_E_STORE: reading failed; MT_E_IO: writing out
 * failed; MT_E_INTERNAL: out of memory.
 */
int	report_waterfall(struct store *st, const struct report_opt *opt,
	    FILE *out, struct mt_err *err);

/* ---- trend.c: latency over time (report --server) ---- */

struct query_filter;

#define TREND_POINTS_HARD	500	/* points per series; more runs: buckets */
#define TREND_BANDS_HARD	100	/* time buckets of the median/p95 bands */
#define TREND_STEPS_HARD	8	/* --step series besides the session */

/* One run's value in a series. */
struct trend_pt {
	mt_time		 t;		/* the run's start */
	int64_t		 v;		/* microseconds */
	bool		 failed;
};

/* One time bucket of a series: [t0, t1) (the last one closed). */
struct trend_bucket {
	mt_time		 t0, t1;
	size_t		 n, nfail;
	int64_t		 median, p95, max;	/* of the n values (n > 0) */
};

/* The bucket of t among nb equal buckets over [t0, t1]: 0 .. nb - 1. */
size_t	trend_bucket_of(mt_time t0, mt_time t1, size_t nb, mt_time t);
/*
 * The n points pts (any order) into nb equal time buckets over [t0, t1]
 * (out: nb of them), each with its count, failures, and median and p95
 * (chk_quantile()) of its values.  -1: out of memory.
 */
int	trend_buckets(const struct trend_pt *pts, size_t n, mt_time t0,
	    mt_time t1, size_t nb, struct trend_bucket *out);
/* The bands' bucket count for n runs: n / 5, at least 1, at most TREND_BANDS_HARD. */
size_t	trend_nbands(size_t n);

struct trend_opt {
	const struct query_filter *f;	/* has_server set */
	const char	*server;	/* as given, for the heading */
	const char	*steps[TREND_STEPS_HARD];	/* stats' labels */
	size_t		 nsteps;
	const char	*title;		/* NULL: "mailtrace report" */
};

/*
 * Write the latency of the runs opt->f matches over time as one HTML
 * document to out; *nruns: how many runs matched (0: nothing written).
 * MT_E_STORE: reading failed; MT_E_IO: writing out failed; MT_E_INTERNAL:
 * out of memory.
 */
int	report_trend(struct store *st, const struct trend_opt *opt,
	    FILE *out, size_t *nruns, struct mt_err *err);

#endif
