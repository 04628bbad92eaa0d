/*
 * waterfall.c - mailtrace report: a stored run's sessions as waterfalls
 * (docs/report.md).  The run is replayed from the store into a collecting
 * sink (one session at a time is not possible: a decoder's sessions come
 * interleaved), then drawn: an overview of the sessions as rows, then each
 * session's steps as bars on its own time axis with the API-level blocks
 * as brackets above.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "store.h"
#include "trace.h"

enum kind {
	K_NONE,
	K_BLOCK,	/* an API-level entry/exit pair: a bracket */
	K_STEP		/* a before/after pair: a bar */
};

/* The "after" (or exit) points the picture knows, and what they are. */
static const struct point {
	unsigned	 ev;
	enum kind	 kind;
	const char	*name;	/* NULL: the record's int (a command) */
} points[] = {
	{ 0xAD81, K_BLOCK, "Store.connect" },
	{ 0xAD85, K_BLOCK, "Folder.open" },
	{ 0xAD87, K_BLOCK, "Folder.close" },
	{ 0xAD8B, K_BLOCK, "fetch" },
	{ 0xAD8D, K_BLOCK, "DELE block" },
	{ 0xAD01, K_BLOCK, "Transport.connect" },
	{ 0xAD03, K_BLOCK, "sendMessage" },
	{ 0xAD05, K_BLOCK, "Transport.close" },
	{ 0xAD09, K_BLOCK, "recipients" },
	{ 0xAD0B, K_BLOCK, "message" },
	{ 0xAD0F, K_BLOCK, "Transport.send" },
	{ 0xAD83, K_STEP, "connect" },
	{ 0xAD07, K_STEP, "connect" },
	{ 0xAD89, K_STEP, "teardown" },
	{ 0xAD0D, K_STEP, "teardown" },
	{ 0xAD93, K_STEP, "greeting" },
	{ 0xAD15, K_STEP, "greeting" },
	{ 0xAD8F, K_STEP, NULL },
	{ 0xAD91, K_STEP, NULL },
	{ 0xAD11, K_STEP, NULL },
	{ 0xAD13, K_STEP, NULL },
};

enum outcome {
	OC_OK,
	OC_NEG,		/* a negative reply */
	OC_EXC		/* an exception: no reply, a timeout, a reset... */
};

static const char *const oc_class[] = { "ok", "neg", "exc" };
static const char *const oc_word[] = { "ok", "negative reply", "exception" };

enum item_kind {
	IT_STEP,
	IT_DNS,
	IT_ANOM
};

struct item {
	enum item_kind	 kind;
	enum outcome	 oc;
	uint32_t	 seq;		/* the after record's */
	mt_time		 start;
	mt_time		 end;		/* the reply (its status line) */
	bool		 has_body;	/* a multi-line reply or a message */
	mt_time		 body_from;	/* the body's first byte: the reply
					   (POP3), the mail block (SMTP) */
	mt_time		 body_end;
	int64_t		 tcp_us;	/* implicit TLS: the connect; -1 */
	int64_t		 tls_us;	/* a handshake in the step; -1 */
	bool		 tls_after;	/* STLS/STARTTLS: the handshake
					   follows the reply */
	unsigned	 event;		/* the after record's; 0: anomaly */
	char		*label;
	char		*intf;		/* the alignment's key, with event */
	char		*opr;
	char		*title;		/* raw; escaped when written */
	bool		 ghost;		/* a baseline step aligns with it */
	int64_t		 g_start;	/* its start and end, from the */
	int64_t		 g_end;		/* baseline session's first record */
};

struct block {
	const char	*name;
	enum outcome	 oc;
	uint32_t	 seq;
	mt_time		 start;
	mt_time		 end;
	int		 depth;		/* its row above the axis */
	char		*title;
};

#define OPEN_HARD	16	/* blocks open at once */

struct sess {
	uint64_t	 no;
	bool		 seen;
	bool		 drawn;
	char		 client[MT_ADDR_HARD];
	char		 server[MT_ADDR_HARD];
	mt_time		 first;
	mt_time		 last;
	int64_t		 gspan;		/* the aligned baseline steps' last
					   end, from first's equivalent */
	size_t		 nsteps;	/* steps, drawn or not */
	size_t		 nfail;
	char		 fail[128];	/* the first failed step, raw */
	char		*greeting;	/* the greeting's reply text, raw */
	struct item	*it;
	size_t		 nit, cap;
	struct block	*bl;
	size_t		 nbl, bcap;
	size_t		 dropped;	/* steps past RPT_STEPS_HARD */
	struct {
		unsigned	 ev;
		mt_time		 t;
	}		 open[OPEN_HARD];
	int		 nopen;
	mt_time		 mail;		/* the mail block's entry (SMTP) */
	mt_time		 before[256];	/* a before point's time by
					   event & 0xff; 0: none */
};

struct coll {
	struct sink	 sk;
	struct sess	*s;		/* indexed by session number */
	size_t		 ns;		/* RPT_ROWS_HARD + 1 */
	uint64_t	 more_rec;	/* records of sessions past RPT_ROWS_HARD */
	uint64_t	 nrec;
	mt_time		 first, last;
	bool		 oom;
};

static const struct point *
point_of(unsigned ev)
{
	size_t	i;

	for (i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		if (points[i].ev == ev)
			return &points[i];
	return NULL;
}

static bool
opr_negative(const char *opr)
{
	if (strcmp(opr, "-ERR") == 0)
		return true;
	return strlen(opr) == 3 && (opr[0] == '4' || opr[0] == '5') &&
	    mt_isdigit(opr[1]) && mt_isdigit(opr[2]);
}

static enum outcome
outcome_of(const struct trace_rec *r)
{
	static const char *const dns_neg[] = { "NXDOMAIN", "NODATA",
	    "NULL_MX", "NOT_OFFERED", "SERVFAIL", "REFUSED" };
	size_t	i;

	if (r->dns != DNSQ_NONE) {
		if (r->rc == 0)
			return OC_OK;
		for (i = 0; i < sizeof(dns_neg) / sizeof(dns_neg[0]); i++)
			if (strcmp(r->opr, dns_neg[i]) == 0)
				return OC_NEG;
		return OC_EXC;
	}
	if (opr_negative(r->opr))
		return OC_NEG;
	return r->rc == 0 ? OC_OK : OC_EXC;
}

/* The record's fields as hover text, one "name: value" a line. */
static char *
title_of(const struct trace_rec *r, const char *what)
{
	const struct ev_info	*ei;
	char			 iso[40];
	char			*buf = NULL;
	size_t			 len = 0;
	FILE			*f;

	if ((f = open_memstream(&buf, &len)) == NULL)
		return NULL;
	fprintf(f, "%s\n", what);
	if (r->dns != DNSQ_NONE)
		fprintf(f, "dns lookup %s\n", dnsq_name(r->dns));
	else if (r->anomaly != AN_NONE)
		fprintf(f, "anomaly %s: %s\n", an_name(r->anomaly),
		    an_desc(r->anomaly));
	else {
		ei = ev_lookup(r->event);
		fprintf(f, "event 0x%04X %s (level %c)\n", r->event,
		    ei != NULL ? ei->name : "?", r->level);
	}
	fprintf(f, "session %llu seq %u\n", (unsigned long long)r->session,
	    r->seq);
	fprintf(f, "rc %d", r->rc);
	if (r->rc != 0)
		fprintf(f, " %s %s", mt_ecode_name((enum mt_ecode)r->rc),
		    mt_exc_class((enum mt_ecode)r->rc));
	fprintf(f, "\nint %s\n", r->intf);
	if (r->opr[0] != '\0')
		fprintf(f, "opr %s\n", r->opr);
	if (r->opt[0] != '\0')
		fprintf(f, "opt %s\n", r->opt);
	mt_time_iso(r->time, iso, sizeof(iso));
	fprintf(f, "time %s\n", iso);
	if (r->has_elapsed)
		fprintf(f, "elapsed %lldus\n", (long long)r->elapsed_us);
	if (r->has_bytes)
		fprintf(f, "bytes %llu\n", (unsigned long long)r->bytes);
	if (r->reply[0] != '\0')
		fprintf(f, "reply %s\n", r->reply);
	if (r->detail[0] != '\0')
		fprintf(f, "detail %s\n", r->detail);
	if (r->has_tls) {
		fprintf(f, "tls %s %s %s, handshake %lldus\n", r->tls.version,
		    r->tls.cipher, r->tls.group,
		    (long long)r->tls.handshake_us);
		if (r->tls.has_cert)
			fprintf(f, "cert subject %s\ncert issuer %s\n"
			    "cert sans %s\ncert days left %lld\n",
			    r->tls.subject, r->tls.issuer, r->tls.sans,
			    (long long)r->tls.days_left);
		fprintf(f, "verified %s (%s)\n", r->tls.verified ? "yes" : "no",
		    r->tls.verify);
	}
	if (r->explanation[0] != '\0')
		fprintf(f, "explanation %s\n", r->explanation);
	fprintf(f, "client %s server %s", r->client, r->server);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static struct sess *
sess_get(struct coll *c, const struct trace_rec *r)
{
	struct sess	*s;

	if (r->session >= c->ns) {
		c->more_rec++;
		return NULL;
	}
	s = &c->s[r->session];
	if (!s->seen) {
		s->seen = true;
		s->no = r->session;
		s->drawn = r->session <= RPT_DRAWN_HARD;
		s->first = r->time;
	}
	if (r->time < s->first)
		s->first = r->time;
	if (r->time > s->last)
		s->last = r->time;
	if (r->has_bytes && r->body_end > s->last)
		s->last = r->body_end;
	if (r->server[0] != '\0')
		trace_str(s->server, sizeof(s->server), r->server);
	if (r->client[0] != '\0')
		trace_str(s->client, sizeof(s->client), r->client);
	return s;
}

static struct item *
item_new(struct coll *c, struct sess *s)
{
	struct item	*n;
	size_t		 cap;

	s->nsteps++;
	if (!s->drawn)
		return NULL;
	if (s->nit == RPT_STEPS_HARD) {
		s->dropped++;
		return NULL;
	}
	if (s->nit == s->cap) {
		cap = s->cap == 0 ? 32 : s->cap * 2;
		if ((n = realloc(s->it, cap * sizeof(*n))) == NULL) {
			c->oom = true;
			return NULL;
		}
		s->it = n;
		s->cap = cap;
	}
	n = &s->it[s->nit++];
	memset(n, 0, sizeof(*n));
	n->tcp_us = n->tls_us = -1;
	return n;
}

static void
note_fail(struct sess *s, const struct trace_rec *r, const char *label)
{
	if (r->rc == 0 && !opr_negative(r->opr))
		return;
	if (s->nfail++ == 0)
		/* (each part bounded: 40 + 1 + 16 + 1 + 64 < sizeof fail) */
		(void)snprintf(s->fail, sizeof(s->fail), "%.40s %.16s%s%.64s",
		    label, r->opr, r->rc != 0 ? " " : "",
		    r->rc != 0 ? mt_exc_class((enum mt_ecode)r->rc) : "");
}

static void
add_step(struct coll *c, struct sess *s, const struct trace_rec *r,
    const char *name)
{
	struct item	*it;
	const char	*label = name != NULL ? name : r->intf;
	mt_time		 b;

	note_fail(s, r, label);
	if ((r->event == 0xAD93 || r->event == 0xAD15) && s->drawn &&
	    s->greeting == NULL && (s->greeting = strdup(r->reply)) == NULL)
		c->oom = true;
	if ((it = item_new(c, s)) == NULL)
		return;
	it->kind = r->dns != DNSQ_NONE ? IT_DNS :
	    r->anomaly != AN_NONE ? IT_ANOM : IT_STEP;
	it->oc = r->anomaly != AN_NONE ? OC_EXC : outcome_of(r);
	it->seq = r->seq;
	it->event = r->anomaly != AN_NONE ? 0 : r->event;
	it->end = r->time;
	b = r->event != 0 ? s->before[(r->event - 1) & 0xff] : 0;
	if (r->dns != DNSQ_NONE) {
		/* a lookup's record carries its start; elapsed its length */
		it->start = r->time;
		it->end = r->time + (r->has_elapsed ? r->elapsed_us : 0);
		if (it->end > s->last)
			s->last = it->end;
	} else if (r->has_elapsed)
		it->start = r->time - r->elapsed_us;
	else
		it->start = b != 0 ? b : r->time;
	if (r->event != 0)
		s->before[(r->event - 1) & 0xff] = 0;
	if (r->has_bytes) {
		/* POP3: the body follows the status line; SMTP's end of
		 * data: the client sent it from the mail block's entry */
		it->has_body = true;
		it->body_from = r->time;
		it->body_end = r->body_end > r->time ? r->body_end : r->time;
		if (r->body_end > 0 && r->body_end <= it->start) {
			it->body_end = r->body_end;
			it->body_from = s->mail != 0 && s->mail <= r->body_end ?
			    s->mail : r->body_end;
		}
	}
	if (r->has_tls) {
		it->tls_us = r->tls.handshake_us;
		it->tcp_us = r->tls.connect_us;
		it->tls_after = r->event != 0xAD83 && r->event != 0xAD07;
		if (it->tls_after && r->time + it->tls_us > s->last)
			s->last = r->time + it->tls_us;
	}
	it->label = strdup(r->dns != DNSQ_NONE ? r->intf : label);
	it->intf = strdup(r->anomaly != AN_NONE ? an_name(r->anomaly) :
	    r->intf);
	it->opr = strdup(r->opr);
	it->title = title_of(r, it->label != NULL ? it->label : "");
	if (it->label == NULL || it->intf == NULL || it->opr == NULL ||
	    it->title == NULL)
		c->oom = true;
}

static void
block_enter(struct sess *s, const struct trace_rec *r)
{
	if (r->event == 0xAD0A)
		s->mail = r->time;
	if (s->nopen == OPEN_HARD)
		return;
	s->open[s->nopen].ev = r->event;
	s->open[s->nopen].t = r->time;
	s->nopen++;
}

static void
block_exit(struct coll *c, struct sess *s, const struct trace_rec *r,
    const char *name)
{
	struct block	*b, *n;
	mt_time		 start = r->time;
	size_t		 cap;
	int		 i;

	if (r->has_elapsed)
		start = r->time - r->elapsed_us;
	for (i = s->nopen - 1; i >= 0; i--)
		if (s->open[i].ev + 1 == r->event) {
			if (!r->has_elapsed)
				start = s->open[i].t;
			s->nopen = i;
			break;
		}
	if (!s->drawn || s->nbl == RPT_STEPS_HARD)
		return;
	if (s->nbl == s->bcap) {
		cap = s->bcap == 0 ? 8 : s->bcap * 2;
		if ((n = realloc(s->bl, cap * sizeof(*n))) == NULL) {
			c->oom = true;
			return;
		}
		s->bl = n;
		s->bcap = cap;
	}
	b = &s->bl[s->nbl++];
	b->name = name;
	b->oc = r->rc == 0 ? OC_OK : OC_EXC;
	b->seq = r->seq;
	b->start = start;
	b->end = r->time;
	b->depth = 0;		/* block_rows() */
	if ((b->title = title_of(r, name)) == NULL)
		c->oom = true;
}

static int
coll_rec(struct sink *sk, const struct trace_rec *r, struct mt_err *err)
{
	struct coll		*c = (struct coll *)sk;
	const struct point	*p, *after;
	struct sess		*s;

	c->nrec++;
	if (c->first == 0 || r->time < c->first)
		c->first = r->time;
	if (r->time > c->last)
		c->last = r->time;
	if ((s = sess_get(c, r)) == NULL)
		return 0;
	if (r->dns != DNSQ_NONE || r->anomaly != AN_NONE)
		add_step(c, s, r, r->anomaly != AN_NONE ?
		    an_name(r->anomaly) : NULL);
	else if ((p = point_of(r->event)) != NULL) {
		if (p->kind == K_STEP)
			add_step(c, s, r, p->name);
		else
			block_exit(c, s, r, p->name);
	} else if ((after = point_of(r->event + 1)) != NULL) {
		if (after->kind == K_BLOCK)
			block_enter(s, r);
		else
			s->before[r->event & 0xff] = r->time;
	}
	if (c->oom)
		return mt_err_set(err, MT_E_INTERNAL, "report: out of memory");
	return 0;
}

/* A step's end: its reply, its body's end or its TLS handshake's. */
static mt_time
item_end(const struct item *it)
{
	mt_time	end = it->has_body && it->body_end > it->end ? it->body_end :
		    it->end;

	if (it->tls_after && it->tls_us > 0 && it->end + it->tls_us > end)
		end = it->end + it->tls_us;
	return end;
}

/*
 * The steps of s (not its DNS lookups: check leaves them out) as check's
 * steps, their indexes in s->it into idx; their count.
 */
static size_t
ghost_steps(const struct sess *s, struct chk_step *st, size_t *idx)
{
	size_t	i, n = 0;

	for (i = 0; i < s->nit; i++) {
		if (s->it[i].kind == IT_DNS)
			continue;
		memset(&st[n], 0, sizeof(st[n]));
		st[n].event = s->it[i].event;
		st[n].intf = s->it[i].intf;
		st[n].opr = s->it[i].opr;
		idx[n++] = i;
	}
	return n;
}

/*
 * Pair the steps of session s with those of the baseline's session of the
 * same number, bs, as check does (chk_align()), and give each paired step
 * the baseline step's times as its ghost.
 */
static int
ghost_align(const struct chk_rules *rules, struct sess *s,
    const struct sess *bs, struct mt_err *err)
{
	struct chk_step		*a = NULL, *b = NULL;
	struct chk_align	 al;
	const struct item	*g;
	struct item		*it;
	size_t			*ia = NULL, *ib = NULL, na, nb, k;
	int			 rc = 0;

	memset(&al, 0, sizeof(al));
	if ((a = calloc(bs->nit + 1, sizeof(*a))) == NULL ||
	    (b = calloc(s->nit + 1, sizeof(*b))) == NULL ||
	    (ia = calloc(bs->nit + 1, sizeof(*ia))) == NULL ||
	    (ib = calloc(s->nit + 1, sizeof(*ib))) == NULL) {
		rc = mt_err_set(err, MT_E_INTERNAL, "report: out of memory");
		goto done;
	}
	na = ghost_steps(bs, a, ia);
	nb = ghost_steps(s, b, ib);
	if ((rc = chk_align(rules, a, na, b, nb, &al, err)) != 0)
		goto done;
	for (k = 0; k < al.npairs; k++) {
		if (al.pairs[k].a < 0 || al.pairs[k].b < 0)
			continue;
		g = &bs->it[ia[al.pairs[k].a]];
		it = &s->it[ib[al.pairs[k].b]];
		if (g->kind != IT_STEP || it->kind != IT_STEP)
			continue;
		it->ghost = true;
		it->g_start = g->start - bs->first;
		it->g_end = item_end(g) - bs->first;
		if (it->g_end > s->gspan)
			s->gspan = it->g_end;
	}
done:
	chk_align_free(&al);
	free(a);
	free(b);
	free(ia);
	free(ib);
	return rc;
}

/* ---- drawing ---- */

#define W_LABEL		300.0	/* the label column */
#define W_CHART		560.0
#define X_CHART		310.0
#define X_RIGHT		880.0	/* per-step and cumulative times */
#define W_SVG		1160
#define ROW		18
#define AXIS		22

static const char css[] =
"body{font:13px/1.35 sans-serif;margin:16px;color:#111;background:#fff}\n"
"h1{font-size:20px}h2{font-size:16px;margin:24px 0 4px}\n"
"table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left;"
"border-bottom:1px solid #ddd;white-space:nowrap}\n"
"svg text{font:12px monospace;fill:#111}\n"
"svg .axis line{stroke:#ccc}svg .axis text{fill:#555;font-size:11px}\n"
"svg .block path{fill:none;stroke:#333;stroke-width:1.5}\n"
"svg .block.exc path{stroke:#b00;stroke-dasharray:4 2}\n"
".ghost{fill:#000;fill-opacity:.06;stroke:#333;stroke-width:1;"
"stroke-dasharray:3 2}svg text.gh{fill:#555}\n"
".bar{stroke:#222;stroke-width:.5}\n"
".ok .bar,.sw.ok{fill:#3a8f5a}.neg .bar,.sw.neg{fill:url(#mt-neg)}"
".exc .bar,.sw.exc{fill:url(#mt-exc)}\n"
".body{fill:url(#mt-body);stroke:#222;stroke-width:.5}"
".tls{fill:#5b6fc2;stroke:#222;stroke-width:.5}"
".tcp{fill:#999;stroke:#222;stroke-width:.5}\n"
".mark{font-weight:bold}\n"
".ovbar{position:relative;width:300px;height:10px;background:#eee}"
".ovbar span{position:absolute;top:0;height:10px;background:#3a8f5a}"
".ovbar.neg span{background:#d98a1c}.ovbar.exc span{background:#b22}\n"
"tr.neg td.oc,tr.exc td.oc{font-weight:bold}\n"
".legend svg{vertical-align:middle}\n";

/* Patterns: failures are hatched, so the picture reads without colour. */
static const char defs[] =
"<svg width=\"0\" height=\"0\" style=\"position:absolute\"><defs>\n"
"<pattern id=\"mt-neg\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\""
" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f0b35a\"/>"
"<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#222\" stroke-width=\"2\"/></pattern>\n"
"<pattern id=\"mt-exc\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
"<rect width=\"6\" height=\"6\" fill=\"#d33\"/><path d=\"M0 0L6 6M6 0L0 6\" "
"stroke=\"#222\" stroke-width=\"1.2\"/></pattern>\n"
"<pattern id=\"mt-body\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\">"
"<rect width=\"4\" height=\"4\" fill=\"#a9d8b8\"/><circle cx=\"2\" cy=\"2\" r=\"0.8\" "
"fill=\"#222\"/></pattern>\n"
"</defs></svg>\n";

/* Sorts the overview's rows by a numeric attribute we wrote; no record
 * text is in it. */
static const char script[] =
"<script>\n"
"function mtSort(key, desc) {\n"
"  var b = document.getElementById('mt-ov');\n"
"  var r = Array.prototype.slice.call(b.rows);\n"
"  r.sort(function (x, y) {\n"
"    var d = Number(x.getAttribute(key)) - Number(y.getAttribute(key));\n"
"    return desc ? -d : d;\n"
"  });\n"
"  r.forEach(function (e) { b.appendChild(e); });\n"
"}\n"
"</script>\n";

static const char *
marker(enum outcome oc)
{
	return oc == OC_OK ? "" : oc == OC_NEG ? " \xE2\x9C\x97 NEG" :
	    " \xE2\x9C\x97\xE2\x9C\x97 EXC";
}

static void
draw_axis(FILE *o, const struct rpt_scale *sc, int y, int h)
{
	int64_t	step, t;
	char	d[32];
	double	x;

	step = rpt_tick(sc->span_us, 8);
	fprintf(o, "<g class=\"axis\">");
	for (t = 0; t <= sc->span_us; t += step) {
		x = rpt_x(sc, sc->t0 + t);
		rpt_dur(d, sizeof(d), t);
		fprintf(o, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
		    "<text x=\"%.1f\" y=\"%d\">+%s</text>", x, y + AXIS - 4, x,
		    y + h, x + 2, y + AXIS - 8, d);
	}
	fprintf(o, "</g>\n");
}

static void
draw_block(FILE *o, const struct rpt_scale *sc, const struct block *b,
    int y)
{
	double	x1 = rpt_x(sc, b->start), w = rpt_w(sc, b->start, b->end);
	char	d[32];

	rpt_dur(d, sizeof(d), b->end - b->start);
	fprintf(o, "<g class=\"block %s\" data-name=\"", oc_class[b->oc]);
	report_esc(o, b->name);
	fprintf(o, "\" data-seq=\"%u\"><title>", b->seq);
	report_esc(o, b->title);
	fprintf(o, "</title><path d=\"M%.1f %dV%dH%.1fV%d\"/>"
	    "<text x=\"%.1f\" y=\"%d\">", x1, y + ROW - 2, y + 6, x1 + w,
	    y + ROW - 2, x1 + 3 < W_SVG - 200 ? x1 + 3 : W_SVG - 200.0,
	    y + ROW - 6);
	report_esc(o, b->name);
	fprintf(o, " %s%s</text></g>\n", d, b->oc == OC_OK ? "" : " \xE2\x9C\x97");
}

/*
 * The baseline's time of the step as a ghost: a dashed outline, nearly
 * transparent, on the row's full height over the bar, from the baseline step's start
 * to its end on the session's axis (both sessions from their first
 * record), labelled "baseline" in its hover text and on the right.
 */
static void
draw_ghost(FILE *o, const struct rpt_scale *sc, const struct item *it,
    const char *name, int y)
{
	char	d[32];

	rpt_dur(d, sizeof(d), it->g_end - it->g_start);
	fprintf(o, "<rect class=\"ghost\" x=\"%.1f\" y=\"%d\" "
	    "width=\"%.1f\" height=\"%d\" data-base-start-us=\"%lld\" "
	    "data-base-end-us=\"%lld\"><title>baseline ",
	    rpt_x(sc, sc->t0 + it->g_start), y + 1,
	    rpt_w(sc, sc->t0 + it->g_start, sc->t0 + it->g_end), ROW - 2,
	    (long long)it->g_start, (long long)it->g_end);
	report_esc(o, name);
	fputs(": ", o);
	report_esc(o, it->label);
	fprintf(o, " %s</title></rect>", d);
}

static void
draw_item(FILE *o, const struct rpt_scale *sc, const struct sess *s,
    const struct item *it, const char *bname, int y)
{
	mt_time	end = item_end(it);
	double	x, w;
	char	d[32], cum[32], gd[32];

	rpt_dur(d, sizeof(d), end - it->start);
	rpt_dur(cum, sizeof(cum), end - s->first);
	fprintf(o, "<g class=\"step %s\" data-seq=\"%u\" data-kind=\"%s\" "
	    "data-label=\"", oc_class[it->oc], it->seq,
	    it->kind == IT_DNS ? "dns" : it->kind == IT_ANOM ? "anomaly" :
	    "step");
	report_esc(o, it->label);
	fprintf(o, "\" data-opr=\"");
	report_esc(o, it->opr);
	fprintf(o, "\" data-start-us=\"%lld\" data-end-us=\"%lld\"><title>",
	    (long long)(it->start - s->first), (long long)(end - s->first));
	report_esc(o, it->title);
	fprintf(o, "</title><text x=\"4\" y=\"%d\">", y + ROW - 5);
	if (it->kind == IT_ANOM)
		fputs("! ", o);
	report_esc(o, it->label);
	if (it->opr[0] != '\0') {
		fputs("  ", o);
		report_esc(o, it->opr);
	}
	fprintf(o, "</text>");
	x = rpt_x(sc, it->start);
	if (it->kind == IT_ANOM)
		fprintf(o, "<path class=\"bar\" d=\"M%.1f %dl5 6l-5 6l-5 -6z\"/>",
		    x, y + 3);
	else if (it->tcp_us >= 0 && it->tls_us >= 0 && !it->tls_after) {
		/* the connection fetch of implicit TLS: TCP, then TLS */
		w = rpt_w(sc, it->start, it->start + it->tcp_us);
		fprintf(o, "<rect class=\"bar tcp\" x=\"%.1f\" y=\"%d\" "
		    "width=\"%.1f\" height=\"%d\"><title>TCP connect %lldus"
		    "</title></rect>", x, y + 3, w, ROW - 6,
		    (long long)it->tcp_us);
		fprintf(o, "<rect class=\"bar tls\" x=\"%.1f\" y=\"%d\" "
		    "width=\"%.1f\" height=\"%d\"><title>TLS handshake %lldus"
		    "</title></rect>", x + w, y + 3,
		    rpt_w(sc, it->start + it->tcp_us, it->end), ROW - 6,
		    (long long)it->tls_us);
	} else
		fprintf(o, "<rect class=\"bar\" x=\"%.1f\" y=\"%d\" "
		    "width=\"%.1f\" height=\"%d\"/>", x, y + 3,
		    rpt_w(sc, it->start, it->end), ROW - 6);
	if (it->has_body)
		fprintf(o, "<rect class=\"body\" x=\"%.1f\" y=\"%d\" "
		    "width=\"%.1f\" height=\"%d\"><title>body %lldus"
		    "</title></rect>", rpt_x(sc, it->body_from), y + 5,
		    rpt_w(sc, it->body_from, it->body_end), ROW - 10,
		    (long long)(it->body_end - it->body_from));
	if (it->tls_after && it->tls_us >= 0)
		fprintf(o, "<rect class=\"tls\" x=\"%.1f\" y=\"%d\" "
		    "width=\"%.1f\" height=\"%d\"><title>TLS handshake %lldus"
		    "</title></rect>", rpt_x(sc, it->end), y + 3,
		    rpt_w(sc, it->end, it->end + it->tls_us), ROW - 6,
		    (long long)it->tls_us);
	if (it->ghost)
		draw_ghost(o, sc, it, bname, y);
	fprintf(o, "<text x=\"%.1f\" y=\"%d\">%s \xCE\xA3 %s<tspan "
	    "class=\"mark\">%s</tspan>", X_RIGHT, y + ROW - 5,
	    d, cum, marker(it->oc));
	if (it->ghost) {
		rpt_dur(gd, sizeof(gd), it->g_end - it->g_start);
		fprintf(o, "<tspan class=\"gh\"> baseline %s</tspan>", gd);
	}
	fputs("</text></g>\n", o);
}

static enum outcome
sess_oc(const struct sess *s)
{
	size_t	i;

	if (s->nfail == 0)
		return OC_OK;
	for (i = 0; i < s->nit; i++)
		if (s->it[i].oc == OC_EXC)
			return OC_EXC;
	return OC_NEG;
}

static int
block_cmp(const void *a, const void *b)
{
	const struct block	*x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Each block its row above the axis: the first row whose blocks end,
 * label included, before it begins; in order of start, the longer first,
 * so a block is below the blocks around it.  The count of rows.
 */
static int
block_rows(struct sess *s, const struct rpt_scale *sc)
{
	double	end[RPT_STEPS_HARD], x1, x2;
	size_t	i;
	int	r, nrows = 0;

	qsort(s->bl, s->nbl, sizeof(s->bl[0]), block_cmp);
	for (i = 0; i < s->nbl; i++) {
		x1 = rpt_x(sc, s->bl[i].start);
		x2 = x1 + rpt_w(sc, s->bl[i].start, s->bl[i].end);
		if (x2 < x1 + 7.5 * ((double)strlen(s->bl[i].name) + 8.0))
			x2 = x1 + 7.5 * ((double)strlen(s->bl[i].name) + 8.0);
		for (r = 0; r < nrows && end[r] > x1; r++)
			continue;
		if (r == nrows) {
			if (nrows == RPT_STEPS_HARD)
				r = nrows - 1;
			else
				nrows++;
		}
		end[r] = x2 + 4.0;
		s->bl[i].depth = r;
	}
	return nrows;
}

static void
draw_sess(FILE *o, struct sess *s, const char *bname)
{
	struct rpt_scale	 sc;
	char			 d[32];
	size_t			 i;
	int			 top, h, y;

	sc.t0 = s->first;
	sc.span_us = s->last - s->first;
	if (s->gspan > sc.span_us)
		sc.span_us = s->gspan;
	sc.x = X_CHART;
	sc.w = W_CHART;
	top = block_rows(s, &sc) * ROW;
	h = top + AXIS + (int)s->nit * ROW + 4;
	rpt_dur(d, sizeof(d), s->last - s->first);
	if (s->no == 0)
		fprintf(o, "<section class=\"sess\" id=\"s0\">"
		    "<h2>DNS lookups and records outside a session</h2>");
	else {
		fprintf(o, "<section class=\"sess\" id=\"s%llu\"><h2>Session "
		    "%llu: ", (unsigned long long)s->no,
		    (unsigned long long)s->no);
		report_esc(o, s->client[0] != '\0' ? s->client : "?");
		fputs(" \xE2\x86\x92 ", o);
		report_esc(o, s->server);
		fputs("</h2>", o);
	}
	fprintf(o, "<p>%s, %zu steps, %s", d, s->nsteps,
	    oc_word[sess_oc(s)]);
	if (s->nfail > 0) {
		fputs(": first failed step ", o);
		report_esc(o, s->fail);
	}
	if (s->greeting != NULL && s->greeting[0] != '\0') {
		fputs("; greeting: <q class=\"greeting\">", o);
		report_esc(o, s->greeting);
		fputs("</q>", o);
	}
	if (s->dropped > 0)
		fprintf(o, "; %zu more steps not drawn (at most %d a session)",
		    s->dropped, RPT_STEPS_HARD);
	fprintf(o, "</p>\n<svg class=\"waterfall\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" role=\"img\">\n", W_SVG, h, W_SVG, h);
	for (i = 0; i < s->nbl; i++)
		draw_block(o, &sc, &s->bl[i], s->bl[i].depth * ROW);
	draw_axis(o, &sc, top, h);
	y = top + AXIS;
	for (i = 0; i < s->nit; i++, y += ROW)
		draw_item(o, &sc, s, &s->it[i], bname, y);
	fputs("</svg></section>\n", o);
}

static void
draw_overview(FILE *o, const struct coll *c)
{
	const struct sess	*s;
	enum outcome		 oc;
	double			 span, l, w;
	char			 d[32], at[32];
	size_t			 i;

	span = c->last > c->first ? (double)(c->last - c->first) : 1.0;
	fputs("<h2>Sessions</h2><p>sort: <button type=\"button\" "
	    "onclick=\"mtSort('data-start', false)\">by start</button> "
	    "<button type=\"button\" onclick=\"mtSort('data-dur', true)\">"
	    "by duration (longest first)</button></p>\n<table><thead><tr>"
	    "<th>session</th><th>client</th><th>server</th><th>start</th>"
	    "<th>duration</th><th>steps</th><th>time</th><th>outcome</th>"
	    "</tr></thead><tbody id=\"mt-ov\">\n", o);
	for (i = 0; i < c->ns; i++) {
		s = &c->s[i];
		if (!s->seen)
			continue;
		oc = sess_oc(s);
		rpt_dur(d, sizeof(d), s->last - s->first);
		rpt_dur(at, sizeof(at), s->first - c->first);
		l = 100.0 * (double)(s->first - c->first) / span;
		w = 100.0 * (double)(s->last - s->first) / span;
		fprintf(o, "<tr class=\"%s\" data-start=\"%lld\" data-dur=\"%lld\">"
		    "<td>", oc_class[oc], (long long)(s->first - c->first),
		    (long long)(s->last - s->first));
		if (s->drawn)
			fprintf(o, "<a href=\"#s%llu\">%llu</a>",
			    (unsigned long long)s->no, (unsigned long long)s->no);
		else
			fprintf(o, "%llu", (unsigned long long)s->no);
		fputs("</td><td>", o);
		report_esc(o, s->client);
		fputs("</td><td>", o);
		report_esc(o, s->server);
		fprintf(o, "</td><td>+%s</td><td>%s</td><td>%zu</td>"
		    "<td><div class=\"ovbar %s\"><span style=\"left:%.2f%%;"
		    "width:%.2f%%;min-width:1px\"></span></div></td>"
		    "<td class=\"oc\">%s%s", at, d, s->nsteps, oc_class[oc], l,
		    w < 0.0 ? 0.0 : w, oc_word[oc], marker(oc));
		if (s->nfail > 0) {
			fputs(": ", o);
			report_esc(o, s->fail);
		}
		fputs("</td></tr>\n", o);
	}
	fputs("</tbody></table>\n", o);
	if (c->more_rec > 0)
		fprintf(o, "<p>%llu more records of sessions past session %d "
		    "are not listed.</p>\n", (unsigned long long)c->more_rec,
		    RPT_ROWS_HARD);
}

static void
draw_head(FILE *o, const struct store_run *run, const char *title,
    const char *bname)
{
	char	iso[40];

	mt_time_iso(run->started, iso, sizeof(iso));
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<title>", o);
	report_esc(o, title);
	fprintf(o, "</title>\n<style>\n%s</style>\n%s</head><body>\n%s",
	    css, script, defs);
	fputs("<h1>", o);
	report_esc(o, title);
	fprintf(o, "</h1>\n<p>run %llu: ", (unsigned long long)run->id);
	report_esc(o, run->proto);
	fputc(' ', o);
	report_esc(o, run->target);
	fprintf(o, ", level ");
	report_esc(o, run->level);
	fprintf(o, ", started %s", iso);
	if (run->finished_set)
		fprintf(o, ", exit status %d", run->exit_status);
	else
		fputs(", unfinished", o);
	if (bname != NULL) {
		fputs("; beside its steps, baseline <b class=\"baseline\">", o);
		report_esc(o, bname);
		fputs("</b>'s", o);
	}
	fputs("</p>\n<p class=\"legend\">", o);
	if (bname != NULL)
		fputs("<svg width=\"14\" height=\"10\"><rect class=\"ghost\" "
		    "width=\"14\" height=\"10\"/></svg> baseline (the "
		    "baseline's time of the step it aligns with, as check "
		    "pairs them; \"baseline\" and its time on the right) ", o);
	fputs(
	    "<svg width=\"14\" height=\"10\"><rect class=\"sw ok\" width=\"14\" "
	    "height=\"10\"/></svg> ok "
	    "<svg width=\"14\" height=\"10\"><rect class=\"sw neg\" width=\"14\" "
	    "height=\"10\"/></svg> negative reply (\xE2\x9C\x97 NEG) "
	    "<svg width=\"14\" height=\"10\"><rect class=\"sw exc\" width=\"14\" "
	    "height=\"10\"/></svg> exception (\xE2\x9C\x97\xE2\x9C\x97 EXC) "
	    "<svg width=\"14\" height=\"10\"><rect class=\"body\" width=\"14\" "
	    "height=\"10\"/></svg> message body "
	    "<svg width=\"14\" height=\"10\"><rect class=\"tls\" width=\"14\" "
	    "height=\"10\"/></svg> TLS handshake "
	    "<svg width=\"14\" height=\"10\"><rect class=\"tcp\" width=\"14\" "
	    "height=\"10\"/></svg> TCP connect; "
	    "each row: the step, its reply code, its time and (\xCE\xA3) the "
	    "time since the session began; brackets: the API-level blocks; "
	    "hover for the record's fields</p>\n", o);
}

static void
coll_free(struct coll *c)
{
	size_t	i, k;

	for (i = 0; i < c->ns; i++) {
		for (k = 0; k < c->s[i].nit; k++) {
			free(c->s[i].it[k].label);
			free(c->s[i].it[k].intf);
			free(c->s[i].it[k].opr);
			free(c->s[i].it[k].title);
		}
		for (k = 0; k < c->s[i].nbl; k++)
			free(c->s[i].bl[k].title);
		free(c->s[i].it);
		free(c->s[i].bl);
		free(c->s[i].greeting);
	}
	free(c->s);
}

/*
 * Baseline opt->baseline collected into b (freed here) and aligned with
 * c's sessions, session by session.
 */
static int
ghosts(struct store *st, const struct report_opt *opt, struct coll *c,
    struct coll *b, struct mt_err *err)
{
	size_t	i;
	int	rc;

	memset(b, 0, sizeof(*b));
	b->sk.rec = coll_rec;
	b->ns = RPT_ROWS_HARD + 1;
	if ((b->s = calloc(b->ns, sizeof(*b->s))) == NULL)
		return mt_err_set(err, MT_E_INTERNAL, "report: out of memory");
	rc = store_baseline_replay(st, opt->baseline, &b->sk, NULL, NULL,
	    err);
	for (i = 0; rc == 0 && i < c->ns; i++)
		if (c->s[i].seen && c->s[i].drawn && b->s[i].seen &&
		    b->s[i].drawn)
			rc = ghost_align(opt->rules, &c->s[i], &b->s[i], err);
	coll_free(b);
	return rc;
}

int
report_waterfall(struct store *st, const struct report_opt *opt, FILE *o,
    struct mt_err *err)
{
	struct store_run	 run;
	struct coll		 c, b;
	uint64_t		 id = opt->run;
	size_t			 i;
	int			 rc;

	if (id == 0 && store_last_run(st, &id, err) != 0)
		return -1;
	if (store_get_run(st, id, &run, err) != 0)
		return -1;
	memset(&c, 0, sizeof(c));
	c.sk.rec = coll_rec;
	c.ns = RPT_ROWS_HARD + 1;
	if ((c.s = calloc(c.ns, sizeof(*c.s))) == NULL)
		return mt_err_set(err, MT_E_INTERNAL, "report: out of memory");
	if ((rc = store_replay(st, id, &c.sk, err)) != 0) {
		coll_free(&c);
		return rc;
	}
	if (opt->baseline != NULL && (rc = ghosts(st, opt, &c, &b, err)) != 0) {
		coll_free(&c);
		return rc;
	}
	draw_head(o, &run, opt->title != NULL ? opt->title :
	    "mailtrace report", opt->baseline);
	if (c.nrec == 0)
		fputs("<p>The run has no records.</p>\n", o);
	else
		draw_overview(o, &c);
	for (i = 0; i < c.ns; i++)
		if (c.s[i].seen && c.s[i].drawn)
			draw_sess(o, &c.s[i], opt->baseline);
	if (c.ns > RPT_DRAWN_HARD + 1 && c.s[RPT_DRAWN_HARD + 1].seen)
		fprintf(o, "<p>Sessions past session %d are listed above, not "
		    "drawn.</p>\n", RPT_DRAWN_HARD);
	fputs("</body></html>\n", o);
	coll_free(&c);
	if (fflush(o) != 0 || ferror(o))
		return mt_err_set(err, MT_E_IO, "report: writing the output "
		    "failed");
	return 0;
}
