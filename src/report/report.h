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

#endif
