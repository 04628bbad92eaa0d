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

int
main(void)
{
	test_esc();
	test_layout();
	return check_done();
}
