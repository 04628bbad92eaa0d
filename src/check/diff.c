/*
 * SPDX-License-Identifier: BSD-2-Clause
 * diff.c - the comparison of two sessions: align their steps, compare
 * each pair (outcome, reply code, normalised text, capabilities, latency)
 * and list the differences; render one as a text line or a JSON object,
 * and the summary.  Pure: no I/O.
 */
#include "check.h"
#include "obuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char	*name;
	const char	*desc;
} kinds[CHK_K_COUNT] = {
#define K(NAME, name, desc)	[CHK_K_##NAME] = { #name, desc },
#include "diff_kinds.def"
#undef K
};

#define EV_POP3_GREET_AFTER	0xAD93u
#define EV_SMTP_GREET_AFTER	0xAD15u

/* The state of one comparison. */
struct dctx {
	const struct chk_rules		*rules;
	const struct chk_diff_opt	*opt;
	const struct chk_step		*a;
	const struct chk_step		*b;
	struct chk_diff			*out;
	size_t				 cap;
	bool				 oom;
	bool				 step_outcome;	/* a paired step showed one */
};

const char *
chk_kind_name(enum chk_kind k)
{
	return (unsigned)k < CHK_K_COUNT ? kinds[k].name : NULL;
}

const char *
chk_kind_desc(enum chk_kind k)
{
	return (unsigned)k < CHK_K_COUNT ? kinds[k].desc : NULL;
}

void
chk_diff_opt_init(struct chk_diff_opt *opt)
{
	opt->latency_factor = CHK_LATENCY_FACTOR;
	opt->latency_min_ms = CHK_LATENCY_MIN_MS;
}

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

/*
 * A copy of s for an item: printable ASCII, at most MT_CHK_VALUE_HARD - 1
 * bytes (a longer one is cut and ends in "...").  NULL on no memory.
 */
static char *
value_dup(struct dctx *dc, const char *s)
{
	size_t	 n = strlen(s), keep = n;
	char	*p;

	if (n > MT_CHK_VALUE_HARD - 1) {
		keep = MT_CHK_VALUE_HARD - 4;
		dc->out->cut = true;
	}
	if ((p = malloc(keep + 4)) == NULL) {
		dc->oom = true;
		return NULL;
	}
	(void)mt_copy_printable(p, keep + 1, s, keep);
	if (keep < n)
		memcpy(p + keep, "...", 4);
	return p;
}

/*
 * Add a difference of kind k for the pair (ia, ib); base and now may be
 * NULL.  Counted always; kept while under MT_CHK_DIFFS_HARD.
 */
static struct chk_diff_item *
add(struct dctx *dc, enum chk_kind k, long ia, long ib, const char *base,
    const char *now)
{
	struct chk_diff		*d = dc->out;
	struct chk_diff_item	*it, *p;
	const struct chk_step	*s;
	size_t			 ncap;

	d->total++;
	d->count[k]++;
	if (d->n >= MT_CHK_DIFFS_HARD) {
		d->dropped++;
		return NULL;
	}
	if (d->n == dc->cap) {
		ncap = dc->cap > 0 ? dc->cap * 2 : 16;
		if ((p = realloc(d->items, ncap * sizeof(*p))) == NULL) {
			dc->oom = true;
			return NULL;
		}
		d->items = p;
		dc->cap = ncap;
	}
	it = &d->items[d->n++];
	memset(it, 0, sizeof(*it));
	it->kind = k;
	it->a = ia;
	it->b = ib;
	s = ia >= 0 ? &dc->a[ia] : &dc->b[ib];
	it->event = s->event;
	it->step = value_dup(dc, nz(s->intf));
	if (base != NULL)
		it->base = value_dup(dc, base);
	if (now != NULL)
		it->now = value_dup(dc, now);
	return it;
}

/*
 * The reply line as compared: opr, a space, reply (either may be empty),
 * normalised into out (MT_CHK_TEXT_HARD bytes).
 */
static void
reply_line(struct dctx *dc, const struct chk_step *s, char *out)
{
	char		 raw[MT_CHK_TEXT_HARD];
	struct obuf	 o = { raw, sizeof(raw), 0, false };

	raw[0] = '\0';
	ob_str(&o, nz(s->opr));
	if (s->opr != NULL && *s->opr != '\0' && s->reply != NULL &&
	    *s->reply != '\0')
		ob_str(&o, " ");
	ob_str(&o, nz(s->reply));
	if (!chk_norm(dc->rules, raw, out, MT_CHK_TEXT_HARD) || o.cut)
		dc->out->cut = true;
}

/* "ok", or "rc=N CLASS". */
static void
outcome_str(const struct chk_step *s, char *buf, size_t sz)
{
	const char	*cls;

	if (s->rc == 0) {
		snprintf(buf, sz, "ok");
		return;
	}
	cls = nz(s->opt);
	if (*cls == '\0')
		cls = mt_ecode_name((enum mt_ecode)s->rc);
	snprintf(buf, sz, "rc=%d %.*s", s->rc, MT_CHK_VALUE_HARD, cls);
}

/* What a missing or extra step shows: its reply line, else its int. */
static void
unpaired(struct dctx *dc, long ia, long ib)
{
	const struct chk_step	*s = ia >= 0 ? &dc->a[ia] : &dc->b[ib];
	char			 line[MT_CHK_TEXT_HARD];
	const char		*v;

	if (s->opr != NULL && *s->opr != '\0') {
		reply_line(dc, s, line);
		v = line;
	} else
		v = nz(s->intf);
	if (ia >= 0)
		(void)add(dc, CHK_K_MISSING_STEP, ia, -1, v, NULL);
	else
		(void)add(dc, CHK_K_EXTRA_STEP, -1, ib, NULL, v);
}

/* ---- capabilities ---- */

/* One side's capability lines, normalised, each NUL-terminated in buf. */
struct caps {
	char		 buf[MT_CHK_TEXT_HARD];
	const char	*line[MT_CHK_CAPS_HARD];
	size_t		 kwlen[MT_CHK_CAPS_HARD];
	bool		 used[MT_CHK_CAPS_HARD];
	size_t		 n;
};

static bool
is_caps_step(const struct chk_step *s)
{
	const char	*i = nz(s->intf);

	if (s->event == 0)
		return false;
	if (mt_casecmp_n(i, "CAPA", 4) && (i[4] == '\0' || i[4] == ' '))
		return true;
	return mt_casecmp_n(i, "EHLO", 4) && (i[4] == '\0' || i[4] == ' ');
}

static void
caps_split(struct dctx *dc, const char *detail, struct caps *c)
{
	char		 item[MT_CHK_TEXT_HARD], norm[MT_CHK_TEXT_HARD];
	const char	*p = detail, *e;
	size_t		 len, off = 0, k;

	c->n = 0;
	while (*p != '\0') {
		if ((e = strstr(p, ", ")) == NULL)
			e = p + strlen(p);
		len = (size_t)(e - p);
		if (len > sizeof(item) - 1) {
			len = sizeof(item) - 1;
			dc->out->cut = true;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		p = *e != '\0' ? e + 2 : e;
		if (len == 0)
			continue;
		if (!chk_norm(dc->rules, item, norm, sizeof(norm)))
			dc->out->cut = true;
		len = strlen(norm);
		if (c->n == MT_CHK_CAPS_HARD || len + 1 > sizeof(c->buf) - off) {
			dc->out->cut = true;
			break;
		}
		memcpy(c->buf + off, norm, len + 1);
		c->line[c->n] = c->buf + off;
		for (k = 0; k < len && norm[k] != ' ' && norm[k] != '='; k++)
			;
		c->kwlen[c->n] = k;
		c->used[c->n] = false;
		c->n++;
		off += len + 1;
	}
}

/* Add a capability difference naming the keyword of line (len kwlen). */
static void
cap_add(struct dctx *dc, long ia, long ib, const char *base, const char *now,
    const char *line, size_t kwlen)
{
	struct chk_diff_item	*it;
	char			 kw[MT_CHK_VALUE_HARD];

	if ((it = add(dc, CHK_K_CAPABILITY, ia, ib, base, now)) == NULL)
		return;
	if (kwlen > sizeof(kw) - 1)
		kwlen = sizeof(kw) - 1;
	memcpy(kw, line, kwlen);
	kw[kwlen] = '\0';
	it->keyword = value_dup(dc, kw);
}

static void
caps_compare(struct dctx *dc, long ia, long ib)
{
	struct caps	*ca, *cb;
	size_t		 i, j;

	if ((ca = malloc(sizeof(*ca))) == NULL ||
	    (cb = malloc(sizeof(*cb))) == NULL) {
		free(ca);
		dc->oom = true;
		return;
	}
	caps_split(dc, nz(dc->a[ia].detail), ca);
	caps_split(dc, nz(dc->b[ib].detail), cb);
	for (i = 0; i < ca->n; i++) {
		for (j = 0; j < cb->n; j++)
			if (!cb->used[j] && ca->kwlen[i] == cb->kwlen[j] &&
			    mt_casecmp_n(ca->line[i], cb->line[j],
			    ca->kwlen[i]))
				break;
		if (j == cb->n) {
			cap_add(dc, ia, ib, ca->line[i], NULL, ca->line[i],
			    ca->kwlen[i]);
			continue;
		}
		cb->used[j] = true;
		if (strcmp(ca->line[i] + ca->kwlen[i],
		    cb->line[j] + cb->kwlen[j]) != 0)
			cap_add(dc, ia, ib, ca->line[i], cb->line[j],
			    ca->line[i], ca->kwlen[i]);
	}
	for (j = 0; j < cb->n; j++)
		if (!cb->used[j])
			cap_add(dc, ia, ib, NULL, cb->line[j], cb->line[j],
			    cb->kwlen[j]);
	free(ca);
	free(cb);
}

/* ---- TLS facts ---- */

/* One fact: a tls difference when its value changed. */
static void
tls_fact(struct dctx *dc, long ia, long ib, const char *name,
    const char *va, const char *vb)
{
	struct chk_diff_item	*it;
	char			 ba[MT_CHK_VALUE_HARD], bb[MT_CHK_VALUE_HARD];

	if (strcmp(va, vb) == 0)
		return;
	snprintf(ba, sizeof(ba), "%s %s", name, va);
	snprintf(bb, sizeof(bb), "%s %s", name, vb);
	if ((it = add(dc, CHK_K_TLS, ia, ib, ba, bb)) != NULL)
		it->keyword = value_dup(dc, name);
}

/* The expiry as compared and shown: ISO 8601 UTC; "" without a certificate. */
static void
tls_expiry(const struct chk_step *s, char *buf, size_t sz)
{
	if (s->has_cert)
		mt_date_iso(s->cert_not_after, buf, sz);
	else
		buf[0] = '\0';
}

static void
tls_compare(struct dctx *dc, long ia, long ib)
{
	const struct chk_step	*sa = &dc->a[ia], *sb = &dc->b[ib];
	char			 ea[40], eb[40];

	if (!sa->has_tls || !sb->has_tls)
		return;
	tls_fact(dc, ia, ib, "version", nz(sa->tls_version),
	    nz(sb->tls_version));
	tls_fact(dc, ia, ib, "cipher", nz(sa->tls_cipher), nz(sb->tls_cipher));
	tls_fact(dc, ia, ib, "subject", nz(sa->cert_subject),
	    nz(sb->cert_subject));
	tls_fact(dc, ia, ib, "issuer", nz(sa->cert_issuer),
	    nz(sb->cert_issuer));
	tls_expiry(sa, ea, sizeof(ea));
	tls_expiry(sb, eb, sizeof(eb));
	tls_fact(dc, ia, ib, "not_after", ea, eb);
	tls_fact(dc, ia, ib, "verify", nz(sa->tls_verify), nz(sb->tls_verify));
}

/* ---- latency ---- */

/* "1.000 ms" of t microseconds. */
static void
ms_str(int64_t t, char *buf, size_t sz)
{
	uint64_t	u = t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;

	snprintf(buf, sz, "%s%llu.%03llu ms", t < 0 ? "-" : "",
	    (unsigned long long)(u / 1000), (unsigned long long)(u % 1000));
}

static void
latency(struct dctx *dc, long ia, long ib)
{
	const struct chk_step	*sa = &dc->a[ia], *sb = &dc->b[ib];
	struct chk_diff_item	*it;
	char			 bs[64], ns[64], t[48];
	int64_t			 base, now;
	double			 lim;

	if (!sa->has_elapsed || !sb->has_elapsed)
		return;
	base = sa->has_stats ? sa->base_median_us : sa->elapsed_us;
	now = sb->elapsed_us;
	lim = dc->opt->latency_factor * (double)base;
	if (!((double)now > lim &&
	    now - base > dc->opt->latency_min_ms * 1000))
		return;
	ms_str(base, t, sizeof(t));
	snprintf(bs, sizeof(bs), "%s%s", sa->has_stats ? "median " : "", t);
	ms_str(now, ns, sizeof(ns));
	if ((it = add(dc, CHK_K_LATENCY, ia, ib, bs, ns)) == NULL)
		return;
	it->base_us = base;
	it->now_us = now;
	it->has_stats = sa->has_stats;
	it->spread_us = sa->has_stats ? sa->base_spread_us : 0;
}

/* ---- the comparison ---- */

static void
compare_pair(struct dctx *dc, long ia, long ib)
{
	const struct chk_step	*sa = &dc->a[ia], *sb = &dc->b[ib];
	char			 la[MT_CHK_TEXT_HARD], lb[MT_CHK_TEXT_HARD];
	char			 oa[MT_CHK_VALUE_HARD + 32];
	char			 ob[MT_CHK_VALUE_HARD + 32];
	enum chk_kind		 k;

	if (sa->rc != sb->rc ||
	    (sa->rc != 0 && strcmp(nz(sa->opt), nz(sb->opt)) != 0)) {
		outcome_str(sa, oa, sizeof(oa));
		outcome_str(sb, ob, sizeof(ob));
		(void)add(dc, CHK_K_OUTCOME, ia, ib, oa, ob);
		dc->step_outcome = true;
	}
	reply_line(dc, sa, la);
	reply_line(dc, sb, lb);
	if (strcmp(nz(sa->opr), nz(sb->opr)) != 0)
		(void)add(dc, CHK_K_REPLY, ia, ib, la, lb);
	else if (strcmp(la, lb) != 0) {
		k = sa->event == EV_POP3_GREET_AFTER ||
		    sa->event == EV_SMTP_GREET_AFTER ? CHK_K_GREETING :
		    CHK_K_TEXT;
		(void)add(dc, k, ia, ib, la, lb);
	}
	if (is_caps_step(sa))
		caps_compare(dc, ia, ib);
	tls_compare(dc, ia, ib);
	latency(dc, ia, ib);
}

/* The first failing step of a session, -1 when none fails. */
static long
first_failure(const struct chk_step *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (s[i].rc != 0)
			return (long)i;
	return -1;
}

/*
 * The session's outcome, when it changed and no paired step said so:
 * named by the new run's first failing step, else the baseline's.
 */
static void
session_outcome(struct dctx *dc, size_t na, size_t nb)
{
	long	fa = first_failure(dc->a, na), fb = first_failure(dc->b, nb);
	char	oa[MT_CHK_VALUE_HARD + 32], ob[MT_CHK_VALUE_HARD + 32];
	static const struct chk_step ok = { .rc = 0 };

	if (dc->step_outcome || (fa < 0 && fb < 0))
		return;
	if (fa >= 0 && fb >= 0 && dc->a[fa].rc == dc->b[fb].rc &&
	    strcmp(nz(dc->a[fa].opt), nz(dc->b[fb].opt)) == 0)
		return;
	outcome_str(fa >= 0 ? &dc->a[fa] : &ok, oa, sizeof(oa));
	outcome_str(fb >= 0 ? &dc->b[fb] : &ok, ob, sizeof(ob));
	(void)add(dc, CHK_K_OUTCOME, fb >= 0 ? -1 : fa, fb, oa, ob);
}

int
chk_diff(const struct chk_rules *rules, const struct chk_step *a, size_t na,
    const struct chk_step *b, size_t nb, const struct chk_diff_opt *opt,
    struct chk_diff *out, struct mt_err *err)
{
	struct chk_diff_opt	 def;
	struct chk_align	 al;
	struct dctx		 dc;
	size_t			 i;
	int			 rc;

	memset(out, 0, sizeof(*out));
	if (opt == NULL) {
		chk_diff_opt_init(&def);
		opt = &def;
	}
	if (!(opt->latency_factor >= 1.0 && opt->latency_factor <= 1e6))
		return mt_err_set(err, MT_E_USAGE, "latency factor %g: not "
		    "between 1 and 1000000", opt->latency_factor);
	if (opt->latency_min_ms < 0 || opt->latency_min_ms > 1000000000)
		return mt_err_set(err, MT_E_USAGE, "latency minimum %lld ms: "
		    "not between 0 and 1000000000",
		    (long long)opt->latency_min_ms);
	if ((rc = chk_align(rules, a, na, b, nb, &al, err)) != 0)
		return rc;

	memset(&dc, 0, sizeof(dc));
	dc.rules = rules;
	dc.opt = opt;
	dc.a = a;
	dc.b = b;
	dc.out = out;
	out->greedy = al.greedy;
	for (i = 0; i < al.npairs && !dc.oom; i++) {
		if (al.pairs[i].a >= 0 && al.pairs[i].b >= 0)
			compare_pair(&dc, al.pairs[i].a, al.pairs[i].b);
		else
			unpaired(&dc, al.pairs[i].a, al.pairs[i].b);
	}
	if (!dc.oom)
		session_outcome(&dc, na, nb);
	chk_align_free(&al);
	if (dc.oom) {
		chk_diff_free(out);
		return mt_err_set(err, MT_E_INTERNAL, "out of memory comparing "
		    "sessions of %zu and %zu steps", na, nb);
	}
	return 0;
}

void
chk_diff_free(struct chk_diff *d)
{
	size_t	i;

	for (i = 0; i < d->n; i++) {
		free(d->items[i].step);
		free(d->items[i].base);
		free(d->items[i].now);
		free(d->items[i].keyword);
	}
	free(d->items);
	memset(d, 0, sizeof(*d));
}

/* ---- rendering ---- */

static void
event_str(unsigned ev, char *buf, size_t sz)
{
	if (ev == 0)
		snprintf(buf, sz, "anomaly");
	else
		snprintf(buf, sz, "0x%04X", ev);
}

/* "xF.F, +D ms" of a latency item: F in tenths, without floating output. */
static void
latency_figures(struct obuf *o, const struct chk_diff_item *it, bool json)
{
	char		t[48];
	uint64_t	tenths;

	if (it->base_us > 0 && it->now_us >= 0) {
		tenths = ((uint64_t)it->now_us * 10 + (uint64_t)it->base_us / 2) /
		    (uint64_t)it->base_us;
		ob_fmt(o, json ? ",\"factor\":%llu.%llu" : "x%llu.%llu, ",
		    (unsigned long long)(tenths / 10),
		    (unsigned long long)(tenths % 10));
	}
	if (!json) {
		ms_str(it->now_us - it->base_us, t, sizeof(t));
		ob_fmt(o, "+%s", t);
	}
}

static void
step_no(struct obuf *o, long i)
{
	if (i >= 0)
		ob_fmt(o, "%ld", i + 1);
	else
		ob_str(o, "-");
}

static void
text_val(struct obuf *o, const char *v)
{
	if (v == NULL)
		ob_str(o, "(none)");
	else {
		ob_str(o, "\"");
		ob_str(o, v);
		ob_str(o, "\"");
	}
}

bool
chk_diff_text(const struct chk_diff_item *it, char *buf, size_t sz)
{
	struct obuf	o = { buf, sz, 0, false };
	char		ev[16];

	if (sz == 0)
		return false;
	buf[0] = '\0';
	event_str(it->event, ev, sizeof(ev));
	ob_str(&o, nz(chk_kind_name(it->kind)));
	ob_str(&o, " step ");
	step_no(&o, it->a);
	ob_str(&o, "/");
	step_no(&o, it->b);
	ob_fmt(&o, " %s ", ev);
	text_val(&o, nz(it->step));
	ob_str(&o, ": ");
	if (it->kind == CHK_K_LATENCY) {
		ob_str(&o, nz(it->base));
		if (it->has_stats) {
			char	t[48];

			ms_str(it->spread_us, t, sizeof(t));
			ob_fmt(&o, " (spread %s)", t);
		}
		ob_str(&o, " -> ");
		ob_str(&o, nz(it->now));
		ob_str(&o, " (");
		latency_figures(&o, it, false);
		ob_str(&o, ")");
	} else {
		text_val(&o, it->base);
		ob_str(&o, " -> ");
		text_val(&o, it->now);
	}
	return !o.cut;
}

/*
 * Bytes a JSON string shows as they are: printable ASCII but '"' and '\\'.
 * Every other byte is \u00XX of the byte (RFC 8259 7), so the output is
 * ASCII whatever the input.
 */
static void
json_str(struct obuf *o, const char *s)
{
	char	e[6 * 256];
	size_t	n, k;

	if (s == NULL) {
		ob_str(o, "null");
		return;
	}
	ob_str(o, "\"");
	for (n = strlen(s); n > 0; s += k, n -= k) {
		k = n < 256 ? n : 256;
		ob_mem(o, e, mt_json_esc(e, s, k));
	}
	ob_str(o, "\"");
}

static void
json_key(struct obuf *o, const char *key, const char *val)
{
	ob_fmt(o, ",\"%s\":", key);
	json_str(o, val);
}

static void
json_step(struct obuf *o, const char *key, long i)
{
	if (i >= 0)
		ob_fmt(o, ",\"%s\":%ld", key, i + 1);
	else
		ob_fmt(o, ",\"%s\":null", key);
}

bool
chk_diff_jsonl(const struct chk_diff_item *it, char *buf, size_t sz)
{
	struct obuf	o = { buf, sz, 0, false };
	char		ev[16];

	if (sz == 0)
		return false;
	buf[0] = '\0';
	event_str(it->event, ev, sizeof(ev));
	ob_str(&o, "{\"kind\":");
	json_str(&o, nz(chk_kind_name(it->kind)));
	json_key(&o, "step", nz(it->step));
	json_key(&o, "event", ev);
	json_step(&o, "baseline_step", it->a);
	json_step(&o, "now_step", it->b);
	if (it->keyword != NULL)
		json_key(&o, "keyword", it->keyword);
	json_key(&o, "baseline", it->base);
	json_key(&o, "now", it->now);
	if (it->kind == CHK_K_LATENCY) {
		ob_fmt(&o, ",\"baseline_us\":%lld,\"now_us\":%lld",
		    (long long)it->base_us, (long long)it->now_us);
		if (it->has_stats)
			ob_fmt(&o, ",\"baseline_median\":true,"
			    "\"baseline_spread_us\":%lld",
			    (long long)it->spread_us);
		latency_figures(&o, it, true);
	}
	ob_str(&o, "}");
	if (o.cut) {
		buf[0] = '\0';
		return false;
	}
	return true;
}

bool
chk_diff_summary(const struct chk_diff *d, char *buf, size_t sz)
{
	struct obuf	o = { buf, sz, 0, false };
	const char	*sep = ": ";
	size_t		 k;

	if (sz == 0)
		return false;
	buf[0] = '\0';
	if (d->total == 0) {
		ob_str(&o, "no difference");
		return !o.cut;
	}
	ob_fmt(&o, "%zu difference%s", d->total, d->total == 1 ? "" : "s");
	for (k = 0; k < CHK_K_COUNT; k++) {
		if (d->count[k] == 0)
			continue;
		ob_fmt(&o, "%s%zu %s", sep, d->count[k], kinds[k].name);
		sep = ", ";
	}
	if (d->dropped > 0)
		ob_fmt(&o, " (%zu not listed)", d->dropped);
	return !o.cut;
}
