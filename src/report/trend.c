/*
 * trend.c - mailtrace report --server: the latency of a server's runs
 * over time (docs/report.md, "Latency over time").  The runs come from
 * query_runs(), their records from query_steps() (src/query: the queries
 * runs and stats make); per run the session time (its longest session,
 * first record to last) and the time of each chosen step (the sum of its
 * records' elapsed times in the run).  Each series is one chart: a point
 * per run (at most TREND_POINTS_HARD; more runs are drawn as that many
 * time buckets, each its median), failures a cross with a label, and the
 * median and p95 over TREND_BANDS_HARD time buckets at most as bands.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check/check.h"
#include "query.h"
#include "store.h"

#define NSER_HARD	(1 + TREND_STEPS_HARD)

/* Geometry of one chart, in pixels. */
#define C_W		1100
#define C_LEFT		70
#define C_PLOT		940
#define C_TOP		20
#define C_H		200
#define C_BOTTOM	36

struct trun {
	uint64_t	 id;
	mt_time		 started;
	bool		 failed;
	char		 fstep[MON_LABEL_HARD];
	char		 fexc[MT_FIELD_HARD];
	int64_t		 v[NSER_HARD];
	bool		 has[NSER_HARD];
	bool		 sfail[NSER_HARD];
};

struct tsess {
	uint64_t	 run, session;
	mt_time		 lo, hi;
};

struct tcoll {
	const struct trend_opt	*opt;
	struct mt_err		*err;
	struct trun		*r;
	size_t			 n, cap;
	size_t			 last;
	struct tsess		*s;
	size_t			 ns, scap;
};

/* ---- the maths (unit-tested: tests/unit/test_report.c) ---- */

size_t
trend_bucket_of(mt_time t0, mt_time t1, size_t nb, mt_time t)
{
	double	f;
	size_t	b;

	if (nb <= 1 || t <= t0 || t1 <= t0)
		return 0;
	if (t >= t1)
		return nb - 1;
	f = (double)(t - t0) / (double)(t1 - t0);
	b = (size_t)(f * (double)nb);
	return b >= nb ? nb - 1 : b;
}

size_t
trend_nbands(size_t n)
{
	size_t	nb = n / 5;

	if (nb < 1)
		return 1;
	return nb > TREND_BANDS_HARD ? TREND_BANDS_HARD : nb;
}

static int
i64_cmp(const void *x, const void *y)
{
	int64_t	a = *(const int64_t *)x, b = *(const int64_t *)y;

	return a < b ? -1 : a > b;
}

int
trend_buckets(const struct trend_pt *pts, size_t n, mt_time t0, mt_time t1,
    size_t nb, struct trend_bucket *out)
{
	int64_t	*v;
	size_t	*at, i, b, k;

	if (nb == 0)
		return 0;
	if ((v = calloc(n ? n : 1, sizeof(*v))) == NULL)
		return -1;
	if ((at = calloc(nb + 1, sizeof(*at))) == NULL) {
		free(v);
		return -1;
	}
	memset(out, 0, nb * sizeof(*out));
	for (b = 0; b < nb; b++) {
		out[b].t0 = t0 + (mt_time)((double)(t1 - t0) * (double)b /
		    (double)nb);
		out[b].t1 = t0 + (mt_time)((double)(t1 - t0) *
		    (double)(b + 1) / (double)nb);
	}
	for (i = 0; i < n; i++) {
		b = trend_bucket_of(t0, t1, nb, pts[i].t);
		out[b].n++;
		if (pts[i].failed)
			out[b].nfail++;
	}
	for (b = 0, k = 0; b < nb; b++) {
		at[b] = k;
		k += out[b].n;
	}
	at[nb] = k;
	for (i = 0; i < n; i++) {
		b = trend_bucket_of(t0, t1, nb, pts[i].t);
		v[at[b]++] = pts[i].v;
	}
	for (b = 0, k = 0; b < nb; b++) {
		if (out[b].n > 0) {
			qsort(v + k, out[b].n, sizeof(*v), i64_cmp);
			out[b].median = chk_quantile(v + k, out[b].n, 50);
			out[b].p95 = chk_quantile(v + k, out[b].n, 95);
			out[b].max = v[k + out[b].n - 1];
		}
		k += out[b].n;
	}
	free(at);
	free(v);
	return 0;
}

/* ---- collecting ---- */

static int
coll_run(void *arg, const struct query_run *q)
{
	struct tcoll	*c = arg;
	struct trun	*r;

	if (c->n == c->cap) {
		if ((r = reallocarray(c->r, c->cap ? c->cap * 2 : 256,
		    sizeof(*r))) == NULL)
			return mt_err_set(c->err, MT_E_INTERNAL,
			    "out of memory");
		c->r = r;
		c->cap = c->cap ? c->cap * 2 : 256;
	}
	r = &c->r[c->n++];
	memset(r, 0, sizeof(*r));
	r->id = q->id;
	r->started = q->started;
	r->failed = strcmp(query_outcome(q), "failed") == 0;
	if (q->has_fail) {
		snprintf(r->fstep, sizeof(r->fstep), "%s", q->fail_step);
		snprintf(r->fexc, sizeof(r->fexc), "%s", q->fail_exc);
	}
	return 0;
}

static int
run_id_cmp(const void *x, const void *y)
{
	const struct trun	*a = x, *b = y;

	return a->id < b->id ? -1 : a->id > b->id;
}

static int
run_time_cmp(const void *x, const void *y)
{
	const struct trun	*a = x, *b = y;

	if (a->started != b->started)
		return a->started < b->started ? -1 : 1;
	return run_id_cmp(x, y);
}

static int
sess_cmp(const void *x, const void *y)
{
	const struct tsess	*a = x, *b = y;

	if (a->run != b->run)
		return a->run < b->run ? -1 : 1;
	return a->session < b->session ? -1 : a->session > b->session;
}

static struct trun *
coll_find(struct tcoll *c, uint64_t id)
{
	struct trun	 key, *r;

	if (c->last < c->n && c->r[c->last].id == id)
		return &c->r[c->last];
	key.id = id;
	if ((r = bsearch(&key, c->r, c->n, sizeof(*r), run_id_cmp)) != NULL)
		c->last = (size_t)(r - c->r);
	return r;
}

static int
coll_sess(struct tcoll *c, const struct query_step *q)
{
	struct tsess	*s;

	if (c->ns > 0) {
		s = &c->s[c->ns - 1];
		if (s->run == q->run && s->session == q->session) {
			if (q->time < s->lo)
				s->lo = q->time;
			if (q->time > s->hi)
				s->hi = q->time;
			return 0;
		}
	}
	if (c->ns == c->scap) {
		if ((s = reallocarray(c->s, c->scap ? c->scap * 2 : 256,
		    sizeof(*s))) == NULL)
			return -1;
		c->s = s;
		c->scap = c->scap ? c->scap * 2 : 256;
	}
	s = &c->s[c->ns++];
	s->run = q->run;
	s->session = q->session;
	s->lo = s->hi = q->time;
	return 0;
}

static int
coll_step(void *arg, const struct query_step *q)
{
	struct tcoll	*c = arg;
	struct trun	*r;
	size_t		 k;

	if ((r = coll_find(c, q->run)) == NULL)
		return 0;
	if (q->session > 0 && coll_sess(c, q) != 0)
		return mt_err_set(c->err, MT_E_INTERNAL, "out of memory");
	if (q->label[0] == '\0')
		return 0;
	for (k = 0; k < c->opt->nsteps; k++)
		if (strcmp(q->label, c->opt->steps[k]) == 0) {
			r->has[k + 1] = true;
			if (q->timed)
				r->v[k + 1] += q->elapsed_us;
			if (q->failed)
				r->sfail[k + 1] = true;
		}
	return 0;
}

/* Each run's longest session into v[0] (the sessions sorted, merged). */
static void
coll_sessions(struct tcoll *c)
{
	struct trun	*r = NULL;
	size_t		 i, j;
	int64_t		 d;

	if (c->ns == 0)
		return;
	qsort(c->s, c->ns, sizeof(*c->s), sess_cmp);
	for (i = 0; i < c->ns; i = j) {
		struct tsess	m = c->s[i];

		for (j = i + 1; j < c->ns && c->s[j].run == m.run &&
		    c->s[j].session == m.session; j++) {
			if (c->s[j].lo < m.lo)
				m.lo = c->s[j].lo;
			if (c->s[j].hi > m.hi)
				m.hi = c->s[j].hi;
		}
		if (r == NULL || r->id != m.run)
			r = coll_find(c, m.run);
		if (r == NULL)
			continue;
		d = m.hi - m.lo;
		if (!r->has[0] || d > r->v[0])
			r->v[0] = d;
		r->has[0] = true;
	}
	for (i = 0; i < c->n; i++)
		c->r[i].sfail[0] = c->r[i].failed;
}

/* ---- drawing ---- */

static const char css[] =
"body{font:13px/1.35 sans-serif;margin:16px;color:#111;background:#fff}\n"
"h1{font-size:20px}h2{font-size:16px;margin:24px 0 4px}\n"
"svg text{font:12px monospace;fill:#111}\n"
".axis{stroke:#888;stroke-width:1}.grid{stroke:#eee;stroke-width:1}\n"
".band{fill:#9ecae1;fill-opacity:.35;stroke:none}\n"
".med{fill:none;stroke:#08519c;stroke-width:2}\n"
".p95{fill:none;stroke:#08519c;stroke-width:1.5;stroke-dasharray:6 3}\n"
".pt.ok{fill:#2a9d3a;stroke:#111;stroke-width:.5}\n"
".pt.fail path{stroke:#c0392b;stroke-width:2.5}\n"
".pt.fail text{fill:#c0392b;font-weight:bold}\n";

/* t as "MM-DD HH:MM" (long spans), "HH:MM:SS" or "HH:MM:SS.mmm", UTC. */
static void
tick_label(mt_time t, int64_t span, char *buf, size_t sz)
{
	time_t		secs = (time_t)(t / 1000000);
	struct tm	tm;

	if (gmtime_r(&secs, &tm) == NULL) {
		snprintf(buf, sz, "?");
		return;
	}
	strftime(buf, sz, span >= (int64_t)86400 * 1000000 ? "%m-%d %H:%M" :
	    "%H:%M:%S", &tm);
	if (span < (int64_t)60 * 1000000 && strlen(buf) + 5 < sz)
		snprintf(buf + strlen(buf), sz - strlen(buf), ".%03d",
		    (int)((t % 1000000 + 1000000) % 1000000 / 1000));
}

static double
y_of(int64_t v, int64_t ymax)
{
	if (v < 0)
		v = 0;
	if (v > ymax)
		v = ymax;
	return C_TOP + C_H - (double)v / (double)ymax * C_H;
}

static void
draw_axes(FILE *o, const struct rpt_scale *sc, int64_t ymax)
{
	int64_t	step, v;
	mt_time	t;
	char	lab[40];

	step = rpt_tick(ymax, 5);
	for (v = 0; v <= ymax; v += step) {
		rpt_dur(lab, sizeof(lab), v);
		fprintf(o, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" "
		    "y2=\"%.1f\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">"
		    "%s</text>\n", C_LEFT, C_LEFT + C_PLOT, y_of(v, ymax),
		    y_of(v, ymax), C_LEFT - 4, y_of(v, ymax) + 4, lab);
	}
	fprintf(o, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" "
	    "y2=\"%d\"/>\n", C_LEFT, C_LEFT + C_PLOT, C_TOP + C_H, C_TOP + C_H);
	step = rpt_tick(sc->span_us, 6);
	t = sc->t0 + (step - (sc->t0 % step + step) % step) % step;
	for (; t <= sc->t0 + sc->span_us; t += step) {
		tick_label(t, sc->span_us, lab, sizeof(lab));
		fprintf(o, "<text class=\"tick\" data-t=\"%lld\" x=\"%.1f\" "
		    "y=\"%d\" text-anchor=\"middle\">%s</text>\n",
		    (long long)t, rpt_x(sc, t), C_TOP + C_H + 16, lab);
	}
}

/* A step line through the nonempty buckets at pct 50 or 95, into o. */
static void
band_pts(FILE *o, const struct rpt_scale *sc, const struct trend_bucket *b,
    size_t nb, bool p95, bool back, int64_t ymax)
{
	size_t	i, k;

	for (k = 0; k < nb; k++) {
		i = back ? nb - 1 - k : k;
		if (b[i].n == 0)
			continue;
		fprintf(o, "%.1f,%.1f %.1f,%.1f ",
		    rpt_x(sc, back ? b[i].t1 : b[i].t0),
		    y_of(p95 ? b[i].p95 : b[i].median, ymax),
		    rpt_x(sc, back ? b[i].t0 : b[i].t1),
		    y_of(p95 ? b[i].p95 : b[i].median, ymax));
	}
}

static void
draw_bands(FILE *o, const struct rpt_scale *sc, const struct trend_bucket *b,
    size_t nb, int64_t ymax)
{
	size_t	i;

	fputs("<polygon class=\"band\" points=\"", o);
	band_pts(o, sc, b, nb, false, false, ymax);
	band_pts(o, sc, b, nb, true, true, ymax);
	fputs("\"/>\n<polyline class=\"med\" points=\"", o);
	band_pts(o, sc, b, nb, false, false, ymax);
	fputs("\"/>\n<polyline class=\"p95\" points=\"", o);
	band_pts(o, sc, b, nb, true, false, ymax);
	fputs("\"/>\n", o);
	for (i = nb; i-- > 0;)
		if (b[i].n > 0) {
			fprintf(o, "<text x=\"%d\" y=\"%.1f\">median</text>"
			    "<text x=\"%d\" y=\"%.1f\">p95</text>\n",
			    C_LEFT + C_PLOT + 6, y_of(b[i].median, ymax) + 4,
			    C_LEFT + C_PLOT + 6, y_of(b[i].p95, ymax) - 2);
			break;
		}
}

static void
point(FILE *o, double x, double y, mt_time t, int64_t v, bool fail,
    const char *mark)
{
	if (fail)
		fprintf(o, "<g class=\"pt fail\" data-t=\"%lld\" data-us=\"%lld\" "
		    "transform=\"translate(%.1f,%.1f)\"><path d=\"M-4,-4L4,4M-4,"
		    "4L4,-4\"/><text y=\"-7\" text-anchor=\"middle\">%s</text>",
		    (long long)t, (long long)v, x, y, mark);
	else
		fprintf(o, "<circle class=\"pt ok\" data-t=\"%lld\" "
		    "data-us=\"%lld\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\">",
		    (long long)t, (long long)v, x, y);
}

static void
draw_run(FILE *o, const struct rpt_scale *sc, const struct trun *r,
    size_t k, int64_t ymax)
{
	char	iso[40], d[32];

	mt_time_iso(r->started, iso, sizeof(iso));
	rpt_dur(d, sizeof(d), r->v[k]);
	point(o, rpt_x(sc, r->started), y_of(r->v[k], ymax), r->started,
	    r->v[k], r->sfail[k], "\xE2\x9C\x97");
	fprintf(o, "<title>run %llu, %s: %s", (unsigned long long)r->id, iso,
	    d);
	if (r->sfail[k]) {
		fputs(", failed", o);
		if (r->fstep[0] != '\0') {
			fputs(" at ", o);
			report_esc(o, r->fstep);
			if (r->fexc[0] != '\0') {
				fputs(" (", o);
				report_esc(o, r->fexc);
				fputc(')', o);
			}
		}
	}
	fputs(r->sfail[k] ? "</title></g>\n" : "</title></circle>\n", o);
}

static void
draw_agg(FILE *o, const struct rpt_scale *sc, const struct trend_bucket *b,
    int64_t ymax)
{
	char	a[40], z[40], med[32], mx[32], mark[32];
	mt_time	mid = b->t0 + (b->t1 - b->t0) / 2;

	mt_time_iso(b->t0, a, sizeof(a));
	mt_time_iso(b->t1, z, sizeof(z));
	rpt_dur(med, sizeof(med), b->median);
	rpt_dur(mx, sizeof(mx), b->max);
	snprintf(mark, sizeof(mark), "\xE2\x9C\x97%zu", b->nfail);
	point(o, rpt_x(sc, mid), y_of(b->median, ymax), mid, b->median,
	    b->nfail > 0, mark);
	fprintf(o, "<title>%zu runs from %s to %s: median %s, max %s, "
	    "%zu failed</title>%s\n", b->n, a, z, med, mx, b->nfail,
	    b->nfail > 0 ? "</g>" : "</circle>");
}

/* Series k of the runs (sorted by start) as one chart. */
static int
draw_series(FILE *o, const struct tcoll *c, size_t k, const char *name,
    struct mt_err *err)
{
	struct trend_pt		*pts;
	struct trend_bucket	*bands = NULL, *agg = NULL;
	struct rpt_scale	 sc;
	size_t			 i, n = 0, nfail = 0, nb, na = 0;
	mt_time			 t0 = c->r[0].started, t1 = c->r[c->n - 1].started;
	int64_t			 ymax = 1;
	int			 rc = -1;

	if ((pts = calloc(c->n, sizeof(*pts))) == NULL)
		return mt_err_set(err, MT_E_INTERNAL, "out of memory");
	for (i = 0; i < c->n; i++)
		if (c->r[i].has[k]) {
			pts[n].t = c->r[i].started;
			pts[n].v = c->r[i].v[k];
			pts[n].failed = c->r[i].sfail[k];
			nfail += pts[n].failed;
			n++;
		}
	if (t1 <= t0)
		t1 = t0 + 1;
	nb = trend_nbands(n);
	if (n > TREND_POINTS_HARD)
		na = TREND_POINTS_HARD;
	if ((bands = calloc(nb, sizeof(*bands))) == NULL ||
	    (na > 0 && (agg = calloc(na, sizeof(*agg))) == NULL) ||
	    trend_buckets(pts, n, t0, t1, nb, bands) != 0 ||
	    (na > 0 && trend_buckets(pts, n, t0, t1, na, agg) != 0)) {
		mt_err_set(err, MT_E_INTERNAL, "out of memory");
		goto out;
	}
	for (i = 0; i < nb; i++)
		if (bands[i].n > 0 && bands[i].p95 > ymax)
			ymax = bands[i].p95;
	for (i = 0; i < n; i++)
		if (pts[i].v > ymax)
			ymax = pts[i].v;
	fputs("<section class=\"series\" data-series=\"", o);
	report_esc(o, name);
	fputs("\"><h2>", o);
	report_esc(o, name);
	fprintf(o, "</h2>\n<p>%zu runs with it, %zu failed; ", n, nfail);
	if (na > 0)
		fprintf(o, "each point the median of the runs in one of %zu "
		    "time buckets (\xE2\x9C\x97N: N of them failed)", na);
	else
		fputs("each point a run", o);
	fprintf(o, "; bands: median and p95 over %zu time bucket%s</p>\n",
	    nb, nb == 1 ? "" : "s");
	fprintf(o, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
	    C_W, C_TOP + C_H + C_BOTTOM, C_W, C_TOP + C_H + C_BOTTOM);
	sc.t0 = t0;
	sc.span_us = t1 - t0;
	sc.x = C_LEFT;
	sc.w = C_PLOT;
	draw_axes(o, &sc, ymax);
	if (n > 0)
		draw_bands(o, &sc, bands, nb, ymax);
	if (na > 0) {
		for (i = 0; i < na; i++)
			if (agg[i].n > 0)
				draw_agg(o, &sc, &agg[i], ymax);
	} else
		for (i = 0; i < c->n; i++)
			if (c->r[i].has[k])
				draw_run(o, &sc, &c->r[i], k, ymax);
	fputs("</svg></section>\n", o);
	rc = 0;
out:
	free(agg);
	free(bands);
	free(pts);
	return rc;
}

static void
draw_head(FILE *o, const struct trend_opt *opt, const struct tcoll *c)
{
	char	a[40], z[40];
	size_t	i, nfail = 0;

	for (i = 0; i < c->n; i++)
		nfail += c->r[i].failed;
	mt_time_iso(c->r[0].started, a, sizeof(a));
	mt_time_iso(c->r[c->n - 1].started, z, sizeof(z));
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<title>", o);
	report_esc(o, opt->title != NULL ? opt->title : "mailtrace report");
	fprintf(o, "</title>\n<style>\n%s</style>\n</head><body>\n<h1>", css);
	report_esc(o, opt->title != NULL ? opt->title : "mailtrace report");
	fputs("</h1>\n<p>latency over time of server <b class=\"server\">", o);
	report_esc(o, opt->server);
	fprintf(o, "</b>: %zu runs started from %s to %s, %zu failed</p>\n",
	    c->n, a, z, nfail);
	fputs("<p class=\"legend\"><svg width=\"12\" height=\"12\"><circle "
	    "class=\"pt ok\" cx=\"6\" cy=\"6\" r=\"3\"/></svg> a run (ok) "
	    "<svg width=\"14\" height=\"14\"><g class=\"pt fail\" "
	    "transform=\"translate(7,7)\"><path d=\"M-4,-4L4,4M-4,4L4,-4\"/>"
	    "</g></svg> \xE2\x9C\x97 failed "
	    "<svg width=\"24\" height=\"10\"><line class=\"med\" x1=\"0\" "
	    "x2=\"24\" y1=\"5\" y2=\"5\"/></svg> median "
	    "<svg width=\"24\" height=\"10\"><line class=\"p95\" x1=\"0\" "
	    "x2=\"24\" y1=\"5\" y2=\"5\"/></svg> p95 (dashed); times in UTC; "
	    "hover a point for its run</p>\n", o);
}

int
report_trend(struct store *st, const struct trend_opt *opt, FILE *o,
    size_t *nruns, struct mt_err *err)
{
	struct query_filter	 f;
	struct tcoll		 c;
	size_t			 k;
	int			 rc = -1;

	memset(&c, 0, sizeof(c));
	c.opt = opt;
	c.err = err;
	*nruns = 0;
	f = *opt->f;
	f.limit = 0;
	if (query_runs(st, &f, coll_run, &c, err) != 0)
		goto out;
	if ((*nruns = c.n) == 0) {
		rc = 0;
		goto out;
	}
	qsort(c.r, c.n, sizeof(*c.r), run_id_cmp);
	if (query_steps(st, &f, coll_step, &c, err) != 0)
		goto out;
	coll_sessions(&c);
	qsort(c.r, c.n, sizeof(*c.r), run_time_cmp);
	draw_head(o, opt, &c);
	if (draw_series(o, &c, 0, "session", err) != 0)
		goto out;
	for (k = 0; k < opt->nsteps; k++)
		if (draw_series(o, &c, k + 1, opt->steps[k], err) != 0)
			goto out;
	fputs("</body></html>\n", o);
	if (ferror(o) || fflush(o) != 0) {
		mt_err_set(err, MT_E_IO, "report: writing the file failed");
		goto out;
	}
	rc = 0;
out:
	free(c.r);
	free(c.s);
	return rc;
}
