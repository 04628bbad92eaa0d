/*
 * SPDX-License-Identifier: BSD-2-Clause
 * test_report.c - the report's one escaping function (every character
 * HTML gives meaning to, bytes outside printable ASCII, a greeting that
 * carries a script element) and the time axis's maths (positions, widths,
 * clamping, tick steps, durations as text).
 */
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "check/check.h"

static void
esc_is(const char *in, const char *want)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f;

	if ((f = open_memstream(&buf, &len)) == NULL) {
		CHECK(!"open_memstream");
		return;
	}
	report_esc(f, in);
	(void)fclose(f);
	CHECK_STR(buf, want);
	free(buf);
}

static void
test_esc(void)
{
	esc_is("", "");
	esc_is("Dovecot ready.", "Dovecot ready.");
	esc_is("<script>alert(1)</script>",
	    "&lt;script&gt;alert(1)&lt;/script&gt;");
	esc_is("a & b \"c\" 'd'", "a &amp; b &quot;c&quot; &#39;d&#39;");
	esc_is("\" onmouseover=\"x", "&quot; onmouseover=&quot;x");
	esc_is("&amp;", "&amp;amp;");
	esc_is("line\nnext", "line&#10;next");
	esc_is("\x01\x7f\xc3\xa9", "&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;");
	esc_is("\\r\\n", "\\r\\n");
}

static int
near(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

static void
test_layout(void)
{
	struct rpt_scale	s = { 1000, 2000, 100.0, 500.0 };
	struct rpt_scale	z = { 1000, 0, 10.0, 100.0 };
	char			d[32];

	CHECK(near(rpt_x(&s, 1000), 100.0));
	CHECK(near(rpt_x(&s, 2000), 350.0));
	CHECK(near(rpt_x(&s, 3000), 600.0));
	CHECK(near(rpt_x(&s, 500), 100.0));		/* clamped */
	CHECK(near(rpt_x(&s, 9000), 600.0));
	CHECK(near(rpt_w(&s, 1000, 1400), 100.0));
	CHECK(near(rpt_w(&s, 1000, 1001), RPT_BAR_MIN));	/* visible */
	CHECK(near(rpt_w(&s, 1400, 1000), RPT_BAR_MIN));
	/* in order: a later time is never left of an earlier one */
	CHECK(rpt_x(&s, 1500) <= rpt_x(&s, 1501));
	/* a span of 0 is taken as 1us: no division by zero */
	CHECK(near(rpt_x(&z, 1000), 10.0));
	CHECK(near(rpt_x(&z, 1001), 110.0));

	CHECK(rpt_tick(0, 8) == 1);
	CHECK(rpt_tick(8, 8) == 1);
	CHECK(rpt_tick(9, 8) == 2);
	CHECK(rpt_tick(15400, 8) == 2000);
	CHECK(rpt_tick(56900, 8) == 10000);
	CHECK(rpt_tick(40000, 8) == 5000);
	CHECK(rpt_tick(7 * 86400000000LL, 8) == 100000000000LL);
	CHECK(rpt_tick(100, 0) == 100);

	rpt_dur(d, sizeof(d), 0);
	CHECK_STR(d, "0us");
	rpt_dur(d, sizeof(d), 999);
	CHECK_STR(d, "999us");
	rpt_dur(d, sizeof(d), 1093);
	CHECK_STR(d, "1.09ms");
	rpt_dur(d, sizeof(d), 44380);
	CHECK_STR(d, "44.4ms");
	rpt_dur(d, sizeof(d), 1250000);
	CHECK_STR(d, "1.25s");
	rpt_dur(d, sizeof(d), -5);
	CHECK_STR(d, "0us");
}

/* report --server's buckets and bands: chk_quantile() per time bucket. */
static void
test_trend(void)
{
	struct trend_pt		p[12];
	struct trend_bucket	b[3];
	size_t			i;

	CHECK(trend_bucket_of(0, 300, 3, -5) == 0);
	CHECK(trend_bucket_of(0, 300, 3, 0) == 0);
	CHECK(trend_bucket_of(0, 300, 3, 99) == 0);
	CHECK(trend_bucket_of(0, 300, 3, 100) == 1);
	CHECK(trend_bucket_of(0, 300, 3, 299) == 2);
	CHECK(trend_bucket_of(0, 300, 3, 300) == 2);	/* the last closed */
	CHECK(trend_bucket_of(0, 300, 3, 999) == 2);
	CHECK(trend_bucket_of(5, 5, 3, 5) == 0);	/* no span */
	CHECK(trend_nbands(0) == 1 && trend_nbands(4) == 1);
	CHECK(trend_nbands(50) == 10);
	CHECK(trend_nbands(10000) == TREND_BANDS_HARD);
	/* bucket 0: 10 40 20 30 (given out of order); bucket 1: none;
	 * bucket 2: 100 .. 800, one failed */
	for (i = 0; i < 4; i++) {
		p[i].t = (mt_time)(i * 20);
		p[i].v = (int64_t[]){ 10, 40, 20, 30 }[i];
		p[i].failed = false;
	}
	for (i = 4; i < 12; i++) {
		p[i].t = 200 + (mt_time)i;
		p[i].v = (int64_t)(i - 3) * 100;
		p[i].failed = i == 7;
	}
	CHECK(trend_buckets(p, 12, 0, 300, 3, b) == 0);
	CHECK(b[0].t0 == 0 && b[0].t1 == 100 && b[2].t1 == 300);
	CHECK(b[0].n == 4 && b[0].nfail == 0);
	CHECK(b[0].median == 25);	/* the middle two's mean */
	CHECK(b[0].p95 == chk_quantile((int64_t[]){ 10, 20, 30, 40 }, 4, 95));
	CHECK(b[0].max == 40);
	CHECK(b[1].n == 0);
	CHECK(b[2].n == 8 && b[2].nfail == 1);
	CHECK(b[2].median == 450 && b[2].max == 800);
	CHECK(b[2].p95 > 700 && b[2].p95 <= 800);
	CHECK(trend_buckets(p, 0, 0, 300, 3, b) == 0 && b[2].n == 0);
}

int
main(void)
{
	test_esc();
	test_layout();
	test_trend();
	return check_done();
}
