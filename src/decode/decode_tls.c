/*
 * SPDX-License-Identifier: BSD-2-Clause
 * decode_tls.c - the decoder's TLS layer between reassembly and the model
 * (docs/tls.md "Decrypting"): a flow on an implicit TLS port, or after a
 * positive STLS / STARTTLS reply, gives its bytes to a tls_conn (src/tls);
 * with the session's keys, the decrypted application bytes feed the model
 * as cleartext does, the switch is conv_tls().  The facts the handshake
 * shows go on the record the probe puts them on: the connection fetch's
 * "after" point (implicit TLS) or the switch command's (held with
 * trace_hold() until they are known).  Without keys, or when the layer
 * fails, the session is "encrypted" from there, as before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_int.h"

static void	dt_plain(void *, enum tls_dir, const uint8_t *, size_t, mt_time);
static void	dt_established(void *, enum tls_dir, mt_time);
static void	dt_anomaly(void *, enum an, const char *, mt_time);
static void	dt_client_hello(void *, const struct tls_client_hello *,
		    mt_time);
static void	dt_server_hello(void *, const struct tls_server_hello *,
		    mt_time);
static void	dt_certificate(void *, const struct tls_cert *, mt_time);
static void	dt_group(void *, uint16_t, mt_time);
static void	dt_open(struct dflow *, bool, mt_time);
static void	dt_after(struct dflow *, mt_time);
static void	dt_feed(struct dflow *, enum reasm_dir, const uint8_t *,
		    size_t, mt_time);
static bool	dt_must_hold(const struct dflow *, enum reasm_dir);
static void	dt_hold_refused(struct dflow *, enum reasm_dir, mt_time);
static void	dt_give_held(struct dflow *, enum reasm_dir);
static void	dt_free_held(struct dflow *, int);
static bool	dt_hold_room(struct dflow *, enum reasm_dir, size_t);
static void	dt_sniff(struct dflow *, enum reasm_dir, const uint8_t *,
		    size_t, mt_time);
static void	dt_give_up(struct dflow *);

bool
df_tls_begin(struct dflow *f, enum dtls mode, mt_time t)
{
	struct tls_conn_env	env;

	(void)t;
	memset(&env, 0, sizeof(env));
	env.plain = dt_plain;
	env.established = dt_established;
	env.anomaly = dt_anomaly;
	env.client_hello = dt_client_hello;
	env.server_hello = dt_server_hello;
	env.certificate = dt_certificate;
	env.group = dt_group;
	env.arg = f;
	env.keys = f->d->o.keys;
	f->acct.b = &f->d->budget;
	env.acct = &f->acct;
	/*
	 * The layer's state is the flow's only while it has one: a flow
	 * without TLS carries none of it.  Like the flow's own, it is
	 * bounded by the flow table's size; the bytes the layer holds
	 * (records, messages, holds) come from the byte budget.
	 */
	if (f->tls != NULL || (f->tls = calloc(1, sizeof(*f->tls))) == NULL)
		return false;
	f->tls->mode = mode;
	if ((f->tls->tc = tls_conn_new(&env, NULL)) == NULL) {
		df_tls_free(f);
		return false;
	}
	return true;
}

bool
df_tls_probe(struct dflow *f, mt_time t)
{
	uint8_t		 raw[2][DEC_SNIFF_HARD];
	size_t		 nraw[2];
	mt_time		 traw[2];
	int		 i, first = f->first_dir == REASM_S2C ? 1 : 0;

	if (!df_tls_begin(f, DT_IMPLICIT, t))
		return false;
	f->kind = DK_TLS_PROBE;
	/* The sniff buffers are the plaintext's from now on. */
	for (i = 0; i < 2; i++) {
		nraw[i] = f->nsniff[i];
		traw[i] = f->tsniff[i];
		memcpy(raw[i], f->sniff[i], nraw[i]);
		f->nsniff[i] = 0;
	}
	for (i = 0; i < 2; i++) {
		int	dir = i == 0 ? first : 1 - first;

		if (nraw[dir] > 0)
			df_tls_bytes(f, (enum reasm_dir)dir, raw[dir],
			    nraw[dir], traw[dir]);
	}
	return true;
}

/*
 * Probing: the plaintext is sniffed as cleartext is.  Mail: the session
 * opens as on a port of implicit TLS (df_start()), its TLS record at the
 * handshake's end, and the model gets what was sniffed; anything else: the
 * flow is skipped.
 */
static void
dt_sniff(struct dflow *f, enum reasm_dir dir, const uint8_t *p, size_t n,
    mt_time t)
{
	size_t	take = df_sniff_add(f, dir, p, n, t);

	switch (df_sniff(f)) {
	case DK_UNKNOWN:
		return;
	case DK_MAIL:
		break;
	default:
		dt_give_up(f);
		return;
	}
	f->kind = DK_TLS;
	df_start(f, t);
	dt_open(f, true, f->tls->est ? f->tls->t_est : t);
	if (n > take)
		dt_plain(f, (enum tls_dir)dir, p + take, n - take, t);
}

/* Probing ended with no mail found: skipped as without keys. */
static void
dt_give_up(struct dflow *f)
{
	f->kind = DK_TLS_UNLISTED;
	f->nsniff[0] = f->nsniff[1] = 0;
	f->tls->drop = true;
	df_skipped(f);
}

/*
 * A command is about to be recorded: STLS / STARTTLS hold their "after"
 * record until the handshake that follows shows its facts (as the probe
 * does); a negative reply releases it as it is (df_tls_switch() is not
 * called, the next record sends it).
 */
void
df_tls_command(struct dflow *f, unsigned ev_after)
{
	(void)trace_hold(&f->tr, ev_after);
}

void
df_tls_switch(struct dflow *f, const char *verb, mt_time t)
{
	(void)verb;
	if (f->tls != NULL || !df_tls_begin(f, DT_SWITCH, t)) {
		/* no layer: as without keys, at once */
		trace_release(&f->tr, NULL);
		if (f->d->o.keys != NULL)
			trace_anomaly(&f->tr, AN_MEM_BUDGET, DF_TLS_NO_ROOM,
			    t);
		f->encrypted = true;
		trace_anomaly(&f->tr, AN_ENCRYPTED, f->p->tls_verb, t);
	}
}

/*
 * The session's TLS record goes out (with the facts known so far), and
 * the session either goes on decrypted (up: the model starts, or
 * conv_tls()) or stays encrypted (the anomalies held, then encrypted).
 */
static void
dt_open(struct dflow *f, bool up, mt_time t)
{
	struct dtls_state	*s = f->tls;
	struct rec_tls		*facts = s->have_facts ? &s->facts : NULL;
	size_t			 i;

	if (f->kind == DK_TLS_PROBE) {
		dt_give_up(f);	/* no plaintext: the protocol is unknown */
		return;
	}
	if (s->open)
		return;
	s->open = true;
	s->up = up;
	if (facts != NULL) {
		s->facts.handshake_us = s->t_hello > 0 && t > s->t_hello ?
		    t - s->t_hello : 0;
		s->facts.connect_us = s->mode == DT_IMPLICIT && f->have_syn &&
		    f->have_ack ? f->t_ack - f->t_syn : -1;
	}
	if (s->mode == DT_IMPLICIT) {
		if (f->fetch_due) {
			/* With the handshake seen to its end, the fetch ends
			 * there, as the probe's (TCP connect and handshake). */
			df_point_tls(f, f->p->ev_fetch_before + 1, 0,
			    up ? df_later(t, f->t_ack) : f->t_ack, f->t_syn,
			    NULL, facts);
			f->fetch_due = false;
		}
		if (f->early_an != AN_NONE)
			trace_anomaly(&f->tr, f->early_an,
			    f->early_detail[0] != '\0' ? f->early_detail :
			    NULL, f->early_t);
	} else
		trace_release(&f->tr, facts);
	for (i = 0; i < s->npend; i++)
		trace_anomaly(&f->tr, s->pend[i].an, s->pend[i].detail[0] !=
		    '\0' ? s->pend[i].detail : NULL, s->pend[i].t);
	s->npend = 0;
	if (up) {
		if (s->mode == DT_IMPLICIT)
			df_model(f, t);
		else if (f->cv != NULL)
			conv_tls(f->cv, t);
		return;
	}
	f->encrypted = true;
	s->drop = true;
	if (s->seen_ch) {
		char	d[MT_FIELD_HARD];

		snprintf(d, sizeof(d), "%s; %s", s->mode == DT_IMPLICIT ?
		    f->p->implicit : f->p->tls_verb, s->hello);
		trace_anomaly(&f->tr, AN_ENCRYPTED, d, t);
	} else
		trace_anomaly(&f->tr, AN_ENCRYPTED, s->mode == DT_IMPLICIT ?
		    f->p->implicit : f->p->tls_verb, t);
}

static void
dt_plain(void *arg, enum tls_dir dir, const uint8_t *p, size_t n, mt_time t)
{
	struct dflow	*f = arg;

	if (f->kind == DK_TLS_PROBE) {
		dt_sniff(f, (enum reasm_dir)dir, p, n, t);
		return;
	}
	if (!f->tls->up || f->tls->dead || f->cv == NULL)
		return;
	/* As for cleartext: after the client's FIN, nobody reads this. */
	if (dir == TLS_S2C && f->fin[REASM_C2S] && conv_pending(f->cv) == 0)
		return;
	conv_bytes(f->cv, (enum dir)dir, p, n, t);
}

static void
dt_established(void *arg, enum tls_dir dir, mt_time t)
{
	struct dflow	*f = arg;

	(void)dir;
	if (f->kind == DK_TLS_PROBE) {
		/* the session's records wait for the protocol */
		if (!f->tls->est)
			f->tls->t_est = t;
		f->tls->est = true;
		return;
	}
	if (!f->tls->open)
		dt_open(f, true, t);
}

/*
 * A named anomaly of the layer.  Without keys the layer only gathers
 * facts and the session records what it did before: its anomalies are
 * not said.  Before the TLS record is out they wait for it.
 */
static void
dt_anomaly(void *arg, enum an a, const char *detail, mt_time t)
{
	struct dflow		*f = arg;
	struct dtls_state	*s = f->tls;
	struct dtls_an		*q;

	if (f->d->o.keys == NULL || s->dead)
		return;
	if (s->open) {
		trace_anomaly(&f->tr, a, detail, t);
		return;
	}
	if (s->npend >= DEC_TLS_PEND)
		return;
	q = &s->pend[s->npend++];
	q->an = a;
	q->t = t;
	snprintf(q->detail, sizeof(q->detail), "%s", detail != NULL ? detail :
	    "");
}

bool
df_tls_defer(struct dflow *f, enum an a, const char *detail, mt_time t)
{
	struct dtls_state	*s = f->tls;
	struct dtls_an		*q;

	if (s == NULL || s->mode != DT_IMPLICIT || s->open || !f->fetch_due ||
	    s->npend >= DEC_TLS_PEND)
		return false;
	q = &s->pend[s->npend++];
	q->an = a;
	q->t = t;
	snprintf(q->detail, sizeof(q->detail), "%s", detail != NULL ? detail :
	    "");
	return true;
}

static void
dt_client_hello(void *arg, const struct tls_client_hello *ch, mt_time t)
{
	struct dflow	*f = arg;
	char		*h = f->tls->hello;
	size_t		 sz = sizeof(f->tls->hello), n = 0, i;
	const char	*v;

	if (!f->tls->seen_ch)
		f->tls->t_hello = t;
	f->tls->seen_ch = true;
	if (f->tls->wait == DW_CH)
		f->tls->wait = DW_SH;
	/* What the client offered, for the record of a session not decrypted. */
	if (ch->sni[0] != '\0')
		n = (size_t)snprintf(h, sz, "sni %s; ", ch->sni);
	n += (size_t)snprintf(h + (n < sz ? n : sz - 1), n < sz ? sz - n : 1,
	    "offered");
	for (i = 0; i < ch->nversions && n < sz; i++)
		if ((v = tls_version_name(ch->versions[i])) != NULL)
			n += (size_t)snprintf(h + n, sz - n, " %s", v);
	if (n < sz)
		snprintf(h + n, sz - n, ", %zu suite%s", ch->nsuites,
		    ch->nsuites == 1 ? "" : "s");
}

static void
dt_server_hello(void *arg, const struct tls_server_hello *sh, mt_time t)
{
	struct dflow	*f = arg;
	struct rec_tls	*r = &f->tls->facts;
	char		 buf[16];
	const char	*v;

	(void)t;
	if (sh->hrr) {
		/* The client answers with a second ClientHello, the server
		 * with the real ServerHello: the server's bytes wait again. */
		f->tls->wait = DW_CH;
		return;
	}
	f->tls->wait = DW_NONE;
	if (!f->tls->have_facts) {
		memset(r, 0, sizeof(*r));
		r->connect_us = -1;
	}
	f->tls->have_facts = true;
	v = tls_version_name(sh->version);
	trace_str(r->version, sizeof(r->version), v != NULL ? v : "");
	trace_str(r->cipher, sizeof(r->cipher), tls_suite_name(sh->suite,
	    buf, sizeof(buf)));
}

static void
dt_certificate(void *arg, const struct tls_cert *c, mt_time t)
{
	struct dflow	*f = arg;
	struct rec_tls	*r = &f->tls->facts;
	int64_t		 left;

	if (!f->tls->have_facts)
		return;		/* no ServerHello: not this session's */
	r->has_cert = true;
	trace_str(r->subject, sizeof(r->subject), c->subject);
	trace_str(r->issuer, sizeof(r->issuer), c->issuer);
	trace_str(r->sans, sizeof(r->sans), c->sans);
	trace_str(r->serial, sizeof(r->serial), c->serial);
	r->not_before = c->not_before;
	r->not_after = c->not_after;
	r->chain_len = c->chain_len;
	/* days left at the capture's time; the decoder verifies nothing */
	left = c->not_after - t / 1000000;
	r->days_left = left >= 0 ? left / 86400 : -((-left + 86399) / 86400);
}

/* The key exchange's group, named as the probe names it. */
static void
dt_group(void *arg, uint16_t group, mt_time t)
{
	struct dflow	*f = arg;
	char		 buf[16];

	(void)t;
	if (!f->tls->have_facts)
		return;		/* no ServerHello: not this session's */
	trace_str(f->tls->facts.group, sizeof(f->tls->facts.group),
	    tls_group_name(group, buf, sizeof(buf)));
}

/*
 * After the layer returned: decide what is undecided.  A direction dead
 * before the switch, or any protected record without keys, ends the
 * wait (encrypted); one dead after it stops the session there.
 */
static void
dt_after(struct dflow *f, mt_time t)
{
	struct dtls_state	*s = f->tls;
	struct tls_dir_stats	 st[2];
	int			 i;

	if (s->tc == NULL)
		return;
	for (i = 0; i < 2; i++)
		tls_conn_stats(s->tc, (enum tls_dir)i, &st[i]);
	if (!s->open && (st[0].dead || st[1].dead || (f->d->o.keys == NULL &&
	    (st[0].encrypted || st[1].encrypted))))
		dt_open(f, false, t);
	else if (!s->open && f->d->o.keys != NULL && s->npend > 0)
		for (i = 0; i < (int)s->npend; i++)
			if (s->pend[i].an == AN_TLS_NO_KEY ||
			    s->pend[i].an == AN_TLS_UNSUPPORTED) {
				dt_open(f, false, t);
				break;
			}
	if (s->open && s->up && !s->dead && (st[0].dead || st[1].dead)) {
		s->dead = true;
		f->encrypted = true;
		s->drop = true;
	}
	if (s->drop) {
		tls_conn_free(s->tc);
		s->tc = NULL;
		for (i = 0; i < 2; i++)
			dt_free_held(f, i);
	}
}

/*
 * Reassembly gives each direction in order, not the two in capture order:
 * a client record behind the server's ServerHello can come first when the
 * server's segment waited for a hole.  Until the other side's hello was
 * fed, a direction's bytes wait: the server's before the ClientHello, the
 * client's after it before the ServerHello; after a HelloRetryRequest the
 * server's again, until the second ClientHello (bounded; past the bound
 * they are fed as they come).
 */
static bool
dt_must_hold(const struct dflow *f, enum reasm_dir dir)
{
	const struct dtls_state	*s = f->tls;

	if (s->open)
		return false;
	return s->wait == (dir == REASM_S2C ? DW_CH : DW_SH);
}

static void
dt_feed(struct dflow *f, enum reasm_dir dir, const uint8_t *p, size_t n,
    mt_time t)
{
	tls_conn_bytes(f->tls->tc, (enum tls_dir)dir, p, n, t);
	dt_after(f, t);
}

void
df_tls_bytes(struct dflow *f, enum reasm_dir dir, const uint8_t *p,
    size_t n, mt_time t)
{
	struct dtls_state	*s = f->tls;
	int			 o;

	if (s == NULL || s->tc == NULL)
		return;
	if (dt_must_hold(f, dir) && s->nheld[dir] + n <= DEC_TLS_HOLD_HARD) {
		if (!dt_hold_room(f, dir, s->nheld[dir] + n)) {
			dt_hold_refused(f, dir, t);
			goto feed;
		}
		memcpy(s->held[dir] + s->nheld[dir], p, n);
		s->nheld[dir] += n;
		s->theld[dir] = t;
		return;
	}
feed:
	dt_give_held(f, dir);
	if (s->tc == NULL)
		return;
	dt_feed(f, dir, p, n, t);
	/* What the other side held may go now (each at most once). */
	for (o = 0; o < 2 && s->tc != NULL; o++) {
		enum reasm_dir	od = (enum reasm_dir)o;

		if (!dt_must_hold(f, od))
			dt_give_held(f, od);
	}
}

/*
 * Room for need bytes in dir's hold: it grows as bytes come (doubling,
 * from DEC_TLS_HOLD_MIN, at most DEC_TLS_HOLD_HARD), each growth from the decoder's
 * byte budget, which the hold is part of.
 */
static bool
dt_hold_room(struct dflow *f, enum reasm_dir dir, size_t need)
{
	struct dtls_state	*s = f->tls;
	size_t			 cap = s->heldcap[dir];
	uint8_t			*nb;

	if (need <= cap)
		return true;
	if (cap == 0)
		cap = DEC_TLS_HOLD_MIN;
	while (cap < need)
		cap *= 2;
	if (cap > DEC_TLS_HOLD_HARD)
		cap = DEC_TLS_HOLD_HARD;
	if (!mt_budget_take(&f->d->budget, &f->acct, cap - s->heldcap[dir]))
		return false;
	if ((nb = realloc(s->held[dir], cap)) == NULL) {
		mt_budget_give(&f->d->budget, &f->acct, cap - s->heldcap[dir]);
		return false;
	}
	s->held[dir] = nb;
	s->heldcap[dir] = cap;
	return true;
}

/* A lost segment inside TLS: the layer's tls_gap, and no second one. */
void
df_tls_gap(struct dflow *f, enum reasm_dir dir, uint64_t nbytes, mt_time t)
{
	if (f->tls == NULL || f->tls->tc == NULL)
		return;
	tls_conn_gap(f->tls->tc, (enum tls_dir)dir, nbytes, t);
	dt_after(f, t);
}

/*
 * The budget has no room to hold dir's bytes: they go to the layer at
 * once, before the other side's hello, and the layer will most likely
 * fail on them (tls_bad_record, tls_no_key).  Said first, once a
 * direction, so that the record names the cause.
 */
static void
dt_hold_refused(struct dflow *f, enum reasm_dir dir, mt_time t)
{
	if (f->tls->hold_refused[dir])
		return;
	f->tls->hold_refused[dir] = true;
	dt_anomaly(f, AN_MEM_BUDGET, dir == REASM_S2C ? "no room to hold the "
	    "server's TLS bytes until the ClientHello: fed at once" :
	    "no room to hold the client's TLS bytes until the ServerHello: "
	    "fed at once", t);
}

/* Give what a direction held, whatever the other side showed. */
static void
dt_give_held(struct dflow *f, enum reasm_dir dir)
{
	struct dtls_state	*s = f->tls;
	uint8_t			*b;
	size_t			 cap;

	if (s->tc == NULL || s->nheld[dir] == 0)
		return;
	b = s->held[dir];
	cap = s->heldcap[dir];
	s->held[dir] = NULL;
	s->heldcap[dir] = 0;
	dt_feed(f, dir, b, s->nheld[dir], s->theld[dir]);
	s->nheld[dir] = 0;
	free(b);
	mt_budget_give(&f->d->budget, &f->acct, cap);
}

/* Free direction i's held bytes unfed, and give their budget back. */
static void
dt_free_held(struct dflow *f, int i)
{
	if (f->tls->held[i] == NULL)
		return;
	free(f->tls->held[i]);
	f->tls->held[i] = NULL;
	f->tls->nheld[i] = 0;
	mt_budget_give(&f->d->budget, &f->acct, f->tls->heldcap[i]);
	f->tls->heldcap[i] = 0;
}

/* Give what a direction held, then end it. */
static void
dt_end(struct dflow *f, enum reasm_dir dir, mt_time t)
{
	struct dtls_state	*s = f->tls;

	if (s == NULL || s->tc == NULL || s->ended[dir])
		return;
	dt_give_held(f, (enum reasm_dir)(1 - dir));
	dt_give_held(f, dir);
	if (s->tc == NULL)
		return;
	s->ended[dir] = true;
	tls_conn_end(s->tc, (enum tls_dir)dir, t);
	dt_after(f, t);
}

void
df_tls_fin(struct dflow *f, enum reasm_dir dir, mt_time t)
{
	dt_end(f, dir, t);
}

void
df_tls_close(struct dflow *f, mt_time t)
{
	if (f->tls == NULL)
		return;
	dt_end(f, REASM_C2S, t);
	dt_end(f, REASM_S2C, t);
	if (!f->tls->open)
		dt_open(f, false, t);
	if (f->tls->tc != NULL) {
		tls_conn_free(f->tls->tc);
		f->tls->tc = NULL;
	}
}

void
df_tls_free(struct dflow *f)
{
	int	i;

	if (f->tls == NULL)
		return;
	tls_conn_free(f->tls->tc);
	for (i = 0; i < 2; i++)
		dt_free_held(f, i);
	free(f->tls);
	f->tls = NULL;
}
