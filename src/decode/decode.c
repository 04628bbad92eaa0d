/*
 * SPDX-License-Identifier: BSD-2-Clause
 * decode.c - the passive decoder: flows from reassembly, the protocol of
 * each (port, then the first lines: sniff.h), the model of conv.h, and the
 * API-level points every session has: connect entry and connection fetch
 * at the handshake, teardown and the exits still open at the end of the
 * connection, by the events of its protocol (struct df_proto).  What lies
 * between, and the blocks still open at the end, is each protocol's own
 * (decode_pop3.c, decode_smtp.c), where EVENTS.md puts it for a decoder,
 * at each step's own time (struct step).
 */
#include "decode.h"

#include <sys/socket.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_int.h"
#include "sink.h"
#include "sniff.h"

static void	*df_new(void *, const struct flow_id *, mt_time);
static void	 df_handshake(void *, int, mt_time);
static void	 df_data(void *, enum reasm_dir, const uint8_t *, size_t,
		    mt_time);
static void	 df_gap(void *, enum reasm_dir, uint64_t, mt_time);
static void	 df_anomaly(void *, enum an, const char *, mt_time);
static void	 df_fin(void *, enum reasm_dir, mt_time);
static void	 df_close(void *, enum reasm_close, mt_time);
static void	 df_unseen_end(struct dflow *, mt_time);
static void	 df_done(struct dflow *);
static void	 df_on_step(void *, const struct step *);
static void	 df_on_command(void *, int, bool, unsigned, mt_time);
static size_t	 dec_reclaim(void *, const struct mt_acct *, size_t);
static void	 dec_ending(void *, uint64_t);
static void	 df_unlist(struct dflow *);

static bool
port_in(const uint16_t *list, size_t n, uint16_t port)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (list[i] == port)
			return true;
	return false;
}

bool
dec_opts_add(uint16_t *list, size_t *n, uint16_t port)
{
	if (port_in(list, *n, port))
		return true;
	if (*n >= DEC_PORTS_HARD)
		return false;
	list[(*n)++] = port;
	return true;
}

void
dec_opts_default(struct dec_opts *o)
{
	memset(o, 0, sizeof(*o));
	dec_opts_add(o->pop3, &o->npop3, 110);
	dec_opts_add(o->smtp, &o->nsmtp, 25);
	dec_opts_add(o->smtp, &o->nsmtp, 587);
	dec_opts_add(o->smtp, &o->nsmtp, 2525);
	dec_opts_add(o->pop3s, &o->npop3s, 995);
	dec_opts_add(o->smtps, &o->nsmtps, 465);
	o->flows = MT_FLOWS_DEFAULT;
	o->hold = MT_REASM_HOLD_DEFAULT;
	o->idle_us = MT_FLOW_IDLE_DEFAULT;
}

struct decoder *
dec_new(const struct dec_opts *o, struct tracer *master, struct mt_err *err)
{
	if (o->threads > 1)
		return dec_pool_new(o, master, err);
	return dec_new_one(o, master, NULL, err);
}

struct decoder *
dec_new_one(const struct dec_opts *o, struct tracer *master, struct sink *lane,
    struct mt_err *err)
{
	struct decoder		*d;
	struct reasm_cb		 cb;
	struct reasm_limits	 lim;
	size_t			 i, n = 0;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		mt_err_set(err, MT_E_INTERNAL, "out of memory");
		return NULL;
	}
	d->o = *o;
	d->master = master;
	for (i = 0; i < o->npop3; i++)
		d->server_ports[n++] = o->pop3[i];
	for (i = 0; i < o->nsmtp; i++)
		d->server_ports[n++] = o->smtp[i];
	for (i = 0; i < o->npop3s; i++)
		d->server_ports[n++] = o->pop3s[i];
	for (i = 0; i < o->nsmtps; i++)
		d->server_ports[n++] = o->smtps[i];
	d->server_ports[n] = 0;
	memset(&cb, 0, sizeof(cb));
	cb.flow_new = df_new;
	cb.handshake = df_handshake;
	cb.data = df_data;
	cb.gap = df_gap;
	cb.anomaly = df_anomaly;
	cb.fin = df_fin;
	cb.close = df_close;
	cb.arg = d;
	cb.server_ports = d->server_ports;
	if (lane != NULL)
		cb.ending = dec_ending;
	d->lane = lane;
	mt_budget_init(&d->budget, o->bytes_total ? o->bytes_total :
	    MT_FLOW_BYTES_TOTAL);
	d->budget.reclaim = dec_reclaim;
	d->budget.arg = d;
	memset(&lim, 0, sizeof(lim));
	lim.budget = &d->budget;
	lim.flows = o->flows ? o->flows : MT_FLOWS_DEFAULT;
	if (lim.flows > MT_FLOWS_HARD)
		lim.flows = MT_FLOWS_HARD;
	lim.hold = o->hold ? o->hold : MT_REASM_HOLD_DEFAULT;
	if (lim.hold > MT_REASM_HOLD_HARD)
		lim.hold = MT_REASM_HOLD_HARD;
	lim.idle_us = o->idle_us ? o->idle_us : MT_FLOW_IDLE_DEFAULT;
	if (lane != NULL) {
		/* a session slot per flow the table can hold */
		if ((d->slots = calloc(lim.flows, sizeof(*d->slots))) ==
		    NULL) {
			mt_err_set(err, MT_E_INTERNAL, "out of memory");
			free(d);
			return NULL;
		}
		for (i = 0; i < lim.flows; i++)
			d->slots[i] = (uint32_t)(lim.flows - i);
		d->nslots = (uint32_t)lim.flows;
	}
	if ((d->ra = reasm_new(&cb, &lim, err)) == NULL) {
		free(d->slots);
		free(d);
		return NULL;
	}
	return d;
}

void
dec_packet(struct decoder *d, const struct pkt_tcp *p)
{
	if (d->pool != NULL) {
		dec_pool_packet(d->pool, p);
		return;
	}
	dec_packet_one(d, p);
}

/*
 * reasm is about to end a flow in reasm_expire() or reasm_flush(): a
 * thread's records of it go where one thread's would, among the other
 * flows ended at the same packet: by the flow's place in the idle list
 * or in creation order, ord.
 */
static void
dec_ending(void *arg, uint64_t ord)
{
	struct decoder	*d = arg;

	d->sub = ord;
	sink_lane_key(d->lane, d->key, ord);
}

void
dec_packet_one(struct decoder *d, const struct pkt_tcp *p)
{
	d->now = p->ts;
	d->ord = p->ord;
	d->key = p->ord * 4 + DEC_PH_SEGMENT;
	d->sub = 0;
	if (d->lane != NULL)
		sink_lane_key(d->lane, d->key, 0);
	reasm_segment(d->ra, p);
	d->key = p->ord * 4 + DEC_PH_EXPIRE;
	reasm_expire(d->ra, p->ts);
	/*
	 * Live: commit after every packet, so a transaction is never left
	 * open while the capture waits: another mailtrace process sharing
	 * the store (a probe whose traffic this is) must not wait on it.
	 */
	if (d->o.flush_sessions)
		trace_flush(d->master, NULL);
}

/* Another thread's packet ord at t: the flows idle at t go, as then. */
void
dec_expire(struct decoder *d, uint64_t ord, mt_time t)
{
	d->now = t;
	d->ord = ord;
	d->key = ord * 4 + DEC_PH_EXPIRE;
	reasm_expire(d->ra, t);
}

void
dec_finish(struct decoder *d, mt_time t)
{
	if (d->pool != NULL) {
		dec_pool_finish(d->pool, t);
		return;
	}
	dec_finish_one(d, t);
}

void
dec_finish_one(struct decoder *d, mt_time t)
{
	if (t > d->now)
		d->now = t;
	d->key = d->ord * 4 + DEC_PH_FINISH;
	reasm_flush(d->ra, d->now);
}

void
dec_get_stats(const struct decoder *d, struct dec_stats *s)
{
	if (d->pool != NULL) {
		dec_pool_stats(d->pool, s);
		return;
	}
	*s = d->stats;
	s->bytes_peak = d->budget.peak;
}

/*
 * The budget is full: the flow whose model holds the most (line buffers
 * and pending queue), other than the asker, gives its lines up
 * (conv_give_up_lines(): memory_budget_exceeded when its line is handed
 * out).  Called from inside another flow's processing (or reassembly's),
 * never its own, so the lines given up are not in use.  One pass over the
 * flows with a model; returns the bytes given back.
 */
static size_t
dec_reclaim(void *arg, const struct mt_acct *asker, size_t need)
{
	struct decoder	*d = arg;
	struct dflow	*f, *best = NULL;

	(void)need;
	d->budget_full++;
	for (f = d->models; f != NULL; f = f->mnext)
		if (&f->acct != asker && f->cv != NULL &&
		    conv_line_bytes(f->cv) > 0 &&
		    (best == NULL || f->acct.held > best->acct.held))
			best = f;
	if (best == NULL)
		return 0;
	d->stats.lines_given_up++;
	return conv_give_up_lines(best->cv, d->now);
}

static void
df_unlist(struct dflow *f)
{
	if (f->mprev != NULL)
		f->mprev->mnext = f->mnext;
	else if (f->d->models == f)
		f->d->models = f->mnext;
	if (f->mnext != NULL)
		f->mnext->mprev = f->mprev;
	f->mprev = f->mnext = NULL;
}

int
dec_sink_error(const struct decoder *d, struct mt_err *err)
{
	if (d->pool != NULL)
		return dec_pool_sink_error(d->pool, err);
	if (!d->sink_failed)
		return 0;
	if (err != NULL)
		*err = d->sink_err;
	return -1;
}

void
dec_free(struct decoder *d)
{
	if (d != NULL && d->pool != NULL) {
		dec_pool_free(d->pool);
		free(d);
		return;
	}
	dec_free_one(d);
}

void
dec_free_one(struct decoder *d)
{
	if (d == NULL)
		return;
	reasm_free(d->ra);
	free(d->slots);
	free(d);
}

/* A new TCP flow: decide by port now when the port says it all. */
static void *
df_new(void *arg, const struct flow_id *id, mt_time t)
{
	struct decoder	*d = arg;
	struct dflow	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->d = d;
	f->id = *id;
	f->t_first = t;
	cap_addr_str(id->af, id->caddr, id->cport, f->client,
	    sizeof(f->client));
	cap_addr_str(id->af, id->saddr, id->sport, f->server,
	    sizeof(f->server));
	if (port_in(d->o.pop3, d->o.npop3, id->sport)) {
		f->kind = DK_MAIL;
		f->proto = PROTO_POP3;
	} else if (port_in(d->o.smtp, d->o.nsmtp, id->sport)) {
		f->kind = DK_MAIL;
		f->proto = PROTO_SMTP;
	} else if (port_in(d->o.pop3s, d->o.npop3s, id->sport)) {
		f->kind = DK_TLS;
		f->proto = PROTO_POP3;
	} else if (port_in(d->o.smtps, d->o.nsmtps, id->sport)) {
		f->kind = DK_TLS;
		f->proto = PROTO_SMTP;
	} else
		f->kind = DK_UNKNOWN;
	return f;
}

/*
 * The protocol is known: open the session (connection points from the
 * handshake) and the model; replay what was sniffed.  Implicit TLS: the
 * bytes go through the TLS layer (decode_tls.c), the connection fetch's
 * "after" point waits for its facts, the model starts when the handshake
 * ended with keys.
 */
void
df_start(struct dflow *f, mt_time t)
{
	struct decoder	*d = f->d;
	char		 opt[MT_FIELD_HARD], host[MT_ADDR_HARD];
	bool		 tls;

	f->session_open = true;
	f->p = f->proto == PROTO_POP3 ? &df_pop3 : &df_smtp;
	if (d->lane != NULL) {
		/* a thread's: the writer numbers the session (a slot for each
		 * flow the table holds: one is always free here) */
		f->slot = d->nslots > 0 ? d->slots[--d->nslots] : 0;
		sink_lane_session(d->lane, f->slot);
		trace_fork(d->master, &f->tr, f->slot, f->client, f->server);
	} else
		trace_fork(d->master, &f->tr, ++d->sessions, f->client,
		    f->server);
	d->stats.sessions++;
	tls = f->kind == DK_TLS && !f->refused && (f->tls != NULL ||
	    df_tls_begin(f, DT_IMPLICIT, t));
	if (f->have_syn) {
		/* 0xAD82/0xAD06: the timeouts are not on the wire. */
		if (inet_ntop(f->id.af == 6 ? AF_INET6 : AF_INET, f->id.saddr,
		    host, sizeof(host)) == NULL)
			snprintf(host, sizeof(host), "?");
		snprintf(opt, sizeof(opt), "%s %u -1 -1", host, f->id.sport);
		f->t_connect = f->t_syn;
		df_point(f, f->p->ev_connect_enter, 0, f->t_syn, -1, NULL);
		trace_emit(&f->tr, f->p->ev_fetch_before, 0, "--", NULL, opt,
		    f->t_syn, -1);
		if (tls && f->have_ack)
			f->fetch_due = true;
		else if (f->have_ack || f->refused)
			df_point(f, f->p->ev_fetch_before + 1, f->refused ?
			    MT_E_CONNREFUSED : 0, f->t_ack, f->t_syn, NULL);
	}
	if (f->refused || tls)
		return;		/* no conversation: df_close() ends it; or
				   the TLS layer decides (decode_tls.c) */
	if (f->early_an != AN_NONE)
		trace_anomaly(&f->tr, f->early_an, f->early_detail[0] != '\0' ?
		    f->early_detail : NULL, f->early_t);
	if (f->kind == DK_TLS) {
		if (d->o.keys != NULL)
			trace_anomaly(&f->tr, AN_MEM_BUDGET, DF_TLS_NO_ROOM,
			    t);
		f->encrypted = true;
		trace_anomaly(&f->tr, AN_ENCRYPTED, f->p->implicit, t);
		return;
	}
	df_model(f, f->have_ack ? f->t_ack : t);
}

void
df_model(struct dflow *f, mt_time t)
{
	struct decoder	*d = f->d;
	struct conv_env	 env;
	int		 i;

	memset(&env, 0, sizeof(env));
	env.tr = &f->tr;
	env.on_step = df_on_step;
	env.on_command = df_on_command;
	env.arg = f;
	env.midstream = !f->have_syn;
	f->acct.b = &d->budget;
	env.acct = &f->acct;
	if ((f->cv = conv_new(f->proto, &env, t, NULL)) == NULL) {
		f->kind = DK_IGNORE;
		return;
	}
	f->mnext = d->models;
	if (d->models != NULL)
		d->models->mprev = f;
	d->models = f;
	/* What was held while the protocol was unknown, oldest side first. */
	for (i = 0; i < 2; i++) {
		int	dir = f->tsniff[0] <= f->tsniff[1] ? i : 1 - i;

		if (f->nsniff[dir] > 0)
			conv_bytes(f->cv, (enum dir)dir, f->sniff[dir],
			    f->nsniff[dir], f->tsniff[dir]);
		f->nsniff[dir] = 0;
	}
}

static void
df_handshake(void *user, int stage, mt_time t)
{
	struct dflow	*f = user;

	if (stage == 0) {
		f->have_syn = true;
		f->t_syn = t;
	} else if (stage == 2) {
		f->have_ack = true;
		f->t_ack = t;
		/* Data may have started the session already (odd captures). */
		if ((f->kind == DK_MAIL || f->kind == DK_TLS) &&
		    !f->session_open)
			df_start(f, t);
	} else if (stage == REASM_HS_REFUSED && f->have_syn &&
	    (f->kind == DK_MAIL || f->kind == DK_TLS) && !f->session_open) {
		/*
		 * The connection was refused: what the probe records, the
		 * connection fetch failing with ConnectException (at the
		 * reset), then (df_close(), at the same reset) teardown and
		 * the connect exit with the same failure.  A flow on another
		 * port carries nothing to recognise it by: it leaves nothing.
		 */
		f->refused = true;
		f->t_ack = t;
		f->connect_rc = MT_E_CONNREFUSED;
		df_start(f, t);
	}
}

/*
 * Pick the protocol of a flow on an unlisted port from what each side sent
 * first, with the models' own framer and parsers (sniff.h: positive
 * evidence from the client is needed).
 */
enum dkind
df_sniff(struct dflow *f)
{
	struct sniff_in	in;

	memset(&in, 0, sizeof(in));
	in.c = f->sniff[REASM_C2S];
	in.nc = f->nsniff[REASM_C2S];
	in.s = f->sniff[REASM_S2C];
	in.ns = f->nsniff[REASM_S2C];
	in.server_first = f->first_dir == REASM_S2C;
	in.final = in.nc == DEC_SNIFF_HARD || in.ns == DEC_SNIFF_HARD;
	switch (sniff_flow(&in)) {
	case SNIFF_POP3:
		f->proto = PROTO_POP3;
		return DK_MAIL;
	case SNIFF_SMTP:
		f->proto = PROTO_SMTP;
		return DK_MAIL;
	case SNIFF_MORE:
		return DK_UNKNOWN;
	case SNIFF_TLS:
		return DK_TLS_UNLISTED;
	case SNIFF_OTHER:
	default:
		return DK_IGNORE;
	}
}

/*
 * Hold what a side sent while the protocol is unknown (at most
 * DEC_SNIFF_HARD bytes a side, the first at its own time): the bytes
 * taken.
 */
size_t
df_sniff_add(struct dflow *f, enum reasm_dir dir, const uint8_t *p, size_t n,
    mt_time t)
{
	size_t	take = DEC_SNIFF_HARD - f->nsniff[dir];

	if (take > n)
		take = n;
	if (f->nsniff[0] == 0 && f->nsniff[1] == 0)
		f->first_dir = dir;
	if (f->nsniff[dir] == 0)
		f->tsniff[dir] = t;
	memcpy(f->sniff[dir] + f->nsniff[dir], p, take);
	f->nsniff[dir] += take;
	return take;
}

/* A flow with data was not decoded: count it, and its server port. */
void
df_skipped(struct dflow *f)
{
	bool			 tls = f->kind == DK_TLS_UNLISTED;
	struct dec_skipped	*k = tls ? &f->d->stats.tls :
				    &f->d->stats.other;
	size_t			 i;

	f->d->stats.ignored++;
	k->flows++;
	for (i = 0; i < k->nports; i++)
		if (k->ports[i] == f->id.sport)
			return;
	if (k->nports < DEC_SKIP_PORTS) {
		f->d->port_key[tls][k->nports][0] = f->d->key;
		f->d->port_key[tls][k->nports][1] = f->d->sub;
		k->ports[k->nports++] = f->id.sport;
	} else
		k->more = true;
}

static void
df_data(void *user, enum reasm_dir dir, const uint8_t *p, size_t n, mt_time t)
{
	struct dflow	*f = user;
	size_t		 take;

	if (f->kind == DK_IGNORE || f->kind == DK_TLS_UNLISTED ||
	    f->encrypted)
		return;
	if (f->kind == DK_TLS_PROBE) {
		df_tls_bytes(f, dir, p, n, t);
		return;
	}
	if (f->kind == DK_UNKNOWN) {
		take = df_sniff_add(f, dir, p, n, t);
		f->kind = df_sniff(f);
		if (f->kind == DK_TLS_UNLISTED && f->d->o.keys != NULL &&
		    df_tls_probe(f, t)) {
			/* what was sniffed went in; the rest follows it */
			if (n > take)
				df_tls_bytes(f, dir, p + take, n - take, t);
			return;
		}
		if (f->kind == DK_IGNORE || f->kind == DK_TLS_UNLISTED) {
			df_skipped(f);
			return;
		}
		if (f->kind == DK_UNKNOWN)
			return;
		df_start(f, t);
		p += take;
		n -= take;
		if (n == 0 || f->cv == NULL)
			return;
	}
	if (!f->session_open)
		df_start(f, t);		/* mid-connection, port known */
	if (f->tls != NULL && f->tls->tc != NULL) {
		df_tls_bytes(f, dir, p, n, t);
		return;
	}
	if (f->encrypted)
		return;
	/*
	 * The client has ended its side and awaits nothing: what the server
	 * sends now answers no command and nobody reads it (the probe has
	 * closed its socket).  It is no reply: not recorded.
	 */
	if (dir == REASM_S2C && f->fin[REASM_C2S] && f->cv != NULL &&
	    conv_pending(f->cv) == 0)
		return;
	if (f->cv != NULL && n > 0)
		conv_bytes(f->cv, (enum dir)dir, p, n, t);
}

static void
df_gap(void *user, enum reasm_dir dir, uint64_t nbytes, mt_time t)
{
	struct dflow	*f = user;

	/*
	 * Inside TLS the layer says it (tls_gap), once; without keys the
	 * layer says nothing and the model's gap is recorded as before.
	 */
	if (f->tls != NULL)
		df_tls_gap(f, dir, nbytes, t);
	if (f->cv != NULL && (f->tls == NULL || f->d->o.keys == NULL))
		conv_gap(f->cv, (enum dir)dir, nbytes, t);
}

static void
df_anomaly(void *user, enum an a, const char *detail, mt_time t)
{
	struct dflow	*f = user;

	if (f->kind == DK_IGNORE || f->kind == DK_TLS_UNLISTED)
		return;
	if (f->session_open && df_tls_defer(f, a, detail, t))
		return;		/* after the connection fetch's point */
	if (f->session_open)
		trace_anomaly(&f->tr, a, detail, t);
	else if (f->early_an == AN_NONE) {
		/* e.g. capture_started_mid_connection: said once it opens */
		f->early_an = a;
		f->early_t = t;
		snprintf(f->early_detail, sizeof(f->early_detail), "%s",
		    detail != NULL ? detail : "");
	}
}

/* One side's FIN, in sequence: how the session's end looks to the client. */
static void
df_fin(void *user, enum reasm_dir dir, mt_time t)
{
	struct dflow	*f = user;

	f->fin[dir] = true;
	if (f->tls != NULL)
		df_tls_fin(f, dir, t);
}

/* A command is about to be recorded: API points that come before it. */
static void
df_on_command(void *arg, int cmd, bool has_arg, unsigned ev_before,
    mt_time t)
{
	struct dflow	*f = arg;

	(void)has_arg;
	if (cmd == f->p->tls_cmd)
		df_tls_command(f, f->p->ev_cmd_after);
	f->p->command(f, cmd, ev_before, t);
}

/* A step completed: API points that follow it, at its own time. */
static void
df_on_step(void *arg, const struct step *s)
{
	struct dflow	*f = arg;

	f->t_last = s->t_after;
	/* A call or block that fails carries its last failed step's class. */
	if (s->rc != 0) {
		f->last_rc = s->rc;
		if (f->block_in)
			f->block_rc = s->rc;
		if (f->send_in)
			f->send_rc = s->rc;
	}
	f->p->step(f, s);
}

/* The later of two times (a block ends no earlier than it began). */
mt_time
df_later(mt_time a, mt_time b)
{
	return a > b ? a : b;
}

/*
 * Emit an API point (int "--" unless intf) with rc and elapsed.  Capture
 * times need not rise with the stream (a reply before its command is the
 * model's anomaly reply_before_command): an exit point is never earlier
 * than its entry, so an elapsed time is never negative.
 */
void
df_point(struct dflow *f, unsigned ev, int rc, mt_time t, mt_time t0,
    const char *intf)
{
	df_point_tls(f, ev, rc, t, t0, intf, NULL);
}

void
df_point_tls(struct dflow *f, unsigned ev, int rc, mt_time t, mt_time t0,
    const char *intf, const struct rec_tls *tls)
{
	struct trace_rec	r;

	if (t0 >= 0 && t < t0)
		t = t0;

	trace_rec_clear(&r);
	r.event = ev;
	r.rc = rc;
	trace_str(r.intf, sizeof(r.intf), intf ? intf : "--");
	if (rc != 0)
		trace_str(r.opt, sizeof(r.opt),
		    mt_exc_class((enum mt_ecode)rc));
	r.time = t;
	if (t0 >= 0) {
		r.has_elapsed = true;
		r.elapsed_us = t - t0;
	}
	if (tls != NULL) {
		r.has_tls = true;
		r.tls = *tls;
	}
	trace_emit_rec(&f->tr, &r);
}

/*
 * The input ended with the connection open: say so, and make up no point
 * for an end nobody saw (no failed steps, no teardown, no API exits).
 */
static void
df_unseen_end(struct dflow *f, mt_time t)
{
	struct decoder	*d = f->d;

	d->stats.unfinished++;
	df_tls_close(f, t);
	if (f->cv != NULL)
		conv_close(f->cv, CLOSE_UNSEEN, t);
	trace_anomaly(&f->tr, AN_END_NOT_CAPTURED, NULL, t);
	df_done(f);
}

/* The session's records are all out: note a sink failure, free. */
static void
df_done(struct dflow *f)
{
	struct decoder	*d = f->d;

	/* A record held for TLS facts goes out; the fork's hold is freed
	 * here (a fork is never trace_close()d). */
	trace_release(&f->tr, NULL);
	free(f->tr.hold_rec);
	f->tr.hold_rec = NULL;
	if (f->tr.failed && !d->sink_failed) {
		d->sink_failed = true;
		d->sink_err = f->tr.err;
	}
	if (d->o.flush_sessions)
		trace_flush(d->master, NULL);
	if (f->cv != NULL)
		df_unlist(f);
	if (f->slot != 0)
		d->slots[d->nslots++] = f->slot;
	df_tls_free(f);
	conv_free(f->cv);
	free(f);
}

/*
 * How the end looks to the client: a reset after the server's FIN is read
 * as the FIN (the client reads end of file before the reset's error, and
 * a command sent after the server closed is what draws the reset).
 */
static enum close_why
df_end_why(const struct dflow *f, enum reasm_close why)
{
	return why == REASM_RST && !f->fin[REASM_S2C] ? CLOSE_RST : CLOSE_FIN;
}

/*
 * The connection is over: close what is open, teardown, API exits, in the
 * order the probe makes them (docs/records.md, "API points").
 */
static void
df_close(void *user, enum reasm_close why, mt_time t)
{
	struct dflow	*f = user;
	enum close_why	 cw = df_end_why(f, why);
	bool		 may_close;
	int		 rc;

	if (f->kind == DK_UNKNOWN && (f->nsniff[0] > 0 || f->nsniff[1] > 0)) {
		f->kind = DK_IGNORE;
		df_skipped(f);
	} else if (f->kind == DK_TLS_PROBE) {
		/* no plaintext line said what it was: as without keys */
		f->kind = DK_TLS_UNLISTED;
		df_skipped(f);
	}
	if (!f->session_open) {
		df_tls_free(f);		/* a probe's, given up or not */
		free(f);
		return;
	}
	if (why != REASM_END)
		df_tls_close(f, t);
	if (why == REASM_END) {
		df_unseen_end(f, t);
		return;
	}
	/*
	 * The open commands end first (their steps may end a block, as a
	 * pipelined RCPT's reply does); then the blocks still open, after
	 * the steps inside them.
	 */
	if (f->cv != NULL)
		conv_close(f->cv, f->tls != NULL && f->tls->dead ? CLOSE_UNSEEN : cw, t);
	may_close = f->p->end(f, why, t);
	/*
	 * The close entry not yet out (no QUIT, RSET or DELE: the connection
	 * died, or the client stopped talking after a 421 or a reply it could
	 * not trust): before the teardown, as the probe's; its exit carries
	 * the session's last failure.
	 */
	if (!f->close_in && !f->encrypted && may_close) {
		f->close_in = true;
		f->t_close = t;
		df_point(f, f->p->ev_close_enter, 0, t, -1, NULL);
	}
	/* Teardown: the end of the connection (EVENTS.md). */
	df_point(f, f->p->ev_term_before, 0, t, -1, NULL);
	df_point(f, f->p->ev_term_after, 0, t, t, NULL);
	if (f->close_in)
		df_point(f, f->p->ev_close_exit, f->last_rc, t, f->t_close,
		    NULL);
	else if (!f->connect_done && f->have_syn && !f->encrypted) {
		/* The client left inside connect with no step failed: it
		 * gave up, in a SASL exchange or before (docs/records.md). */
		rc = f->connect_rc != 0 ? f->connect_rc : f->sasl_open ?
		    MT_E_AUTH : MT_E_PROTO;
		df_point(f, f->p->ev_connect_exit, rc, t, f->t_connect, NULL);
	}
	df_done(f);
}
