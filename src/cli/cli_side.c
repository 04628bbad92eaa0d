/*
 * SPDX-License-Identifier: BSD-2-Clause
 * cli_side.c - one side of a comparison, held as the check's steps
 * (cli_side.h).
 */
#include "cli_side.h"

#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "ev.h"
#include "mt.h"
#include "store.h"

struct rules_add {
	struct chk_rules	*rules;
	struct mt_err		*err;
	size_t			 n;
};

static int	side_rec(struct sink *, const struct trace_rec *,
		    struct mt_err *);
static char	*side_dup(struct side *, const char *);
static int	held_cmp(const void *, const void *);
static int	side_tls(struct side *, struct side_held *,
		    const struct trace_rec *);

void
side_init(struct side *sd, size_t max_bytes, size_t max_steps)
{
	memset(sd, 0, sizeof(*sd));
	sd->base.rec = side_rec;
	sd->max_bytes = max_bytes < SIDE_BYTES_HARD ? max_bytes :
	    SIDE_BYTES_HARD;
	sd->max_steps = max_steps < MT_CHK_STEPS_HARD ? max_steps :
	    MT_CHK_STEPS_HARD;
}

static char *
side_dup(struct side *sd, const char *s)
{
	size_t	n = strlen(s) + 1;
	char	*d;

	if (sd->bytes + n > sd->max_bytes) {
		sd->over = true;
		return NULL;
	}
	if ((d = malloc(n)) != NULL) {
		memcpy(d, s, n);
		sd->bytes += n;
	}
	return d;
}

int
side_stat(void *arg, bool has, int64_t spread_us)
{
	struct side	*sd = arg;

	sd->next_stats = has;
	sd->next_spread_us = spread_us;
	return 0;
}

/* The record's TLS facts onto its step (check compares them: tls). */
static int
side_tls(struct side *sd, struct side_held *h, const struct trace_rec *r)
{
	const struct rec_tls	*t = &r->tls;

	h->s.has_tls = true;
	h->s.has_cert = t->has_cert;
	h->s.cert_not_after = t->has_cert ? t->not_after : 0;
	h->s.tls_version = h->own[H_TLS_VERSION] = side_dup(sd, t->version);
	h->s.tls_cipher = h->own[H_TLS_CIPHER] = side_dup(sd, t->cipher);
	h->s.cert_subject = h->own[H_CERT_SUBJECT] = side_dup(sd,
	    t->has_cert ? t->subject : "");
	h->s.cert_issuer = h->own[H_CERT_ISSUER] = side_dup(sd,
	    t->has_cert ? t->issuer : "");
	h->s.tls_verify = h->own[H_TLS_VERIFY] = side_dup(sd, t->verify);
	if (h->own[H_TLS_VERSION] == NULL || h->own[H_TLS_CIPHER] == NULL ||
	    h->own[H_CERT_SUBJECT] == NULL || h->own[H_CERT_ISSUER] == NULL ||
	    h->own[H_TLS_VERIFY] == NULL)
		return -1;
	return 0;
}

/* A record of one side, kept as the comparison's step. */
static int
side_rec(struct sink *sk, const struct trace_rec *r, struct mt_err *err)
{
	struct side	 *sd = (struct side *)sk;
	struct side_held *h, *nh;
	size_t		  nc;

	/* A DNS lookup is the resolver's answer, not the server's
	 * behaviour (and equal MX preferences come shuffled): not compared. */
	if (r->dns != DNSQ_NONE)
		return 0;
	if (sd->n >= sd->max_steps)
		sd->over = true;
	if (sd->over)
		return mt_err_set(err, MT_E_USAGE, "more than %zu records or "
		    "%zu MiB of text: too large to compare", sd->max_steps,
		    sd->max_bytes >> 20);
	if (sd->n == sd->cap) {
		nc = sd->cap ? sd->cap * 2 : 256;
		if ((nh = realloc(sd->h, nc * sizeof(*nh))) == NULL)
			return mt_err_set(err, MT_E_INTERNAL, "out of memory");
		sd->h = nh;
		sd->cap = nc;
	}
	h = &sd->h[sd->n];
	memset(h, 0, sizeof(*h));
	h->session = r->session;
	h->pos = sd->n;
	h->s.event = r->anomaly != AN_NONE ? 0 : r->event;
	h->s.rc = r->rc;
	/* An anomaly's name is its key in the alignment. */
	h->s.intf = h->own[H_INTF] = side_dup(sd, r->anomaly != AN_NONE ?
	    an_name(r->anomaly) : r->intf);
	h->s.opr = h->own[H_OPR] = side_dup(sd, r->opr);
	h->s.opt = h->own[H_OPT] = side_dup(sd, r->opt);
	h->s.reply = h->own[H_REPLY] = side_dup(sd, r->reply);
	h->s.detail = h->own[H_DETAIL] = side_dup(sd, r->detail);
	h->s.has_elapsed = r->has_elapsed;
	h->s.elapsed_us = r->elapsed_us;
	if (sd->next_stats && r->has_elapsed) {
		h->s.has_stats = true;
		h->s.base_median_us = r->elapsed_us;
		h->s.base_spread_us = sd->next_spread_us;
	}
	sd->next_stats = false;
	sd->n++;
	if (h->own[H_INTF] == NULL || h->own[H_OPR] == NULL ||
	    h->own[H_OPT] == NULL || h->own[H_REPLY] == NULL ||
	    h->own[H_DETAIL] == NULL || (r->has_tls && side_tls(sd, h, r) != 0))
		return mt_err_set(err, sd->over ? MT_E_USAGE : MT_E_INTERNAL,
		    sd->over ? "too much text to compare (over %zu MiB)" :
		    "out of memory", sd->max_bytes >> 20);
	return 0;
}

void
side_free(struct side *sd)
{
	size_t	i, k, mb = sd->max_bytes, ms = sd->max_steps;

	for (i = 0; i < sd->n; i++)
		for (k = 0; k < H__N; k++)
			free(sd->h[i].own[k]);
	free(sd->h);
	side_init(sd, mb, ms);
}

static int
held_cmp(const void *x, const void *y)
{
	const struct side_held	*a = x, *b = y;

	if (a->session != b->session)
		return a->session < b->session ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

void
side_sort(struct side *sd)
{
	if (sd->n > 1)
		qsort(sd->h, sd->n, sizeof(*sd->h), held_cmp);
}

size_t
side_session(const struct side *sd, size_t *i, uint64_t session,
    struct chk_step *out, size_t *pos)
{
	size_t	j = *i, k;

	while (j < sd->n && sd->h[j].session == session)
		j++;
	for (k = *i; k < j; k++) {
		out[k - *i] = sd->h[k].s;
		if (pos != NULL)
			pos[k - *i] = sd->h[k].pos;
	}
	k = j - *i;
	*i = j;
	return k;
}

/* One of a baseline's patterns onto the rules (store_baseline_ignore). */
static int
rules_add_one(void *arg, const char *pattern)
{
	struct rules_add	*ra = arg;
	char			 name[32];

	snprintf(name, sizeof(name), "baseline-ignore-%zu", ++ra->n);
	if (chk_rules_add(ra->rules, name, pattern, NULL, ra->err) != 0)
		return -1;
	return 0;
}

int
cli_rules(bool counts, struct store *st, const char *baseline,
    const char *const *ignore, size_t nignore, struct chk_rules **out,
    struct mt_err *err)
{
	struct rules_add	 ra;
	char			 name[32];
	size_t			 i;

	if ((*out = chk_rules_new(counts ? CHK_RULES_COUNTS : 0, err)) ==
	    NULL)
		return -1;
	ra.rules = *out;
	ra.err = err;
	ra.n = 0;
	if (baseline != NULL && store_baseline_ignore(st, baseline,
	    rules_add_one, &ra, err) != 0) {
		/* err names the pattern; say whose it is. */
		if (err->code == MT_E_USAGE && ra.n > 0) {
			char	m[sizeof(err->msg)];

			snprintf(m, sizeof(m), "%s", err->msg);
			(void)mt_err_set(err, MT_E_USAGE, "baseline %s: its "
			    "--ignore pattern %zu: %s", baseline, ra.n, m);
		}
		goto fail;
	}
	for (i = 0; i < nignore; i++) {
		snprintf(name, sizeof(name), "ignore-%zu", i + 1);
		if (chk_rules_add(*out, name, ignore[i], NULL, err) != 0) {
			char	m[sizeof(err->msg)];

			snprintf(m, sizeof(m), "%s", err->msg);
			(void)mt_err_set(err, MT_E_USAGE, "--ignore: %s", m);
			goto fail;
		}
	}
	return 0;
fail:
	chk_rules_free(*out);
	*out = NULL;
	return -1;
}
