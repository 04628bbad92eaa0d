/*
 * SPDX-License-Identifier: BSD-2-Clause
 * summary.c - a run's records gathered into what monitoring tells of it
 * (mon.h): a sink that keeps counts, the first failure, each timed step
 * under a unique label, the first TLS handshake's facts and POP3 STAT.
 */
#include "mon.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ev.h"

#define LABEL_BASE	15		/* before a "_N" suffix */

struct mon_sink {
	struct sink	 base;
	struct mon_run	*run;
};

static int	mon_rec(struct sink *, const struct trace_rec *,
		    struct mt_err *);
static void	mon_close(struct sink *);
static void	add_step(struct mon_run *, const char *, unsigned, int64_t,
		    int, const char *);

void
mon_run_init(struct mon_run *m, const char *proto)
{
	memset(m, 0, sizeof(*m));
	trace_str(m->proto, sizeof(m->proto), proto);
}

void
mon_put_seconds(FILE *out, int64_t us)
{
	if (us < 0) {
		fputc('-', out);
		us = -us;
	}
	fprintf(out, "%" PRId64 ".%06" PRId64, us / 1000000, us % 1000000);
}

int64_t
mon_total_us(const struct mon_run *m)
{
	return m->records > 0 && m->last > m->first ? m->last - m->first : 0;
}

/* An API-level point's label (labels.def); NULL when it has none. */
static const char *
api_label(unsigned event)
{
	switch (event) {
#define L(ev, label)	case ev: return label;
#include "labels.def"
#undef L
	default:
		return NULL;
	}
}

static bool
is_cmd_after(unsigned event)
{
	return event == EV_POP3_CMD_AFTER || event == EV_POP3_CMD2_AFTER ||
	    event == EV_SMTP_CMD_AFTER || event == EV_SMTP_CMD2_AFTER;
}

/*
 * The base label of a record's step into out (at most LABEL_BASE
 * characters of [a-z0-9_]); false when the record is no timed step.
 */
static bool
base_label(const struct trace_rec *r, char *out, size_t sz)
{
	const char	*l;
	size_t		 i, n = 0;

	if (r->anomaly != AN_NONE)
		return false;
	if ((l = api_label(r->event)) != NULL) {
		trace_str(out, sz, l);
		return true;
	}
	if (!is_cmd_after(r->event))
		return false;
	if (strcmp(r->intf, ".") == 0) {
		trace_str(out, sz, "data_end");
		return true;
	}
	for (i = 0; r->intf[i] != '\0' && r->intf[i] != ' ' &&
	    n < LABEL_BASE && n + 1 < sz; i++) {
		if (mt_isalpha((unsigned char)r->intf[i]))
			out[n++] = (char)(r->intf[i] | 0x20);
		else if (mt_isdigit((unsigned char)r->intf[i]))
			out[n++] = r->intf[i];
		else
			out[n++] = '_';
	}
	if (n == 0)
		out[n++] = 'x';
	out[n] = '\0';
	return true;
}

bool
mon_step_label(const struct trace_rec *r, char *out, size_t sz)
{
	return base_label(r, out, sz);
}

/* base, or base_N for the N-th use of it in the run, into out. */
static void
unique_label(const struct mon_run *m, const char *base, char *out, size_t sz)
{
	size_t	i, k, uses = 0, bl = strlen(base);

	for (i = 0; i < m->nsteps; i++) {
		const char	*l = m->steps[i].label;

		/* base itself, or base_DIGITS */
		if (strncmp(l, base, bl) != 0)
			continue;
		if (l[bl] == '\0')
			uses++;
		else if (l[bl] == '_' && l[bl + 1] != '\0') {
			for (k = bl + 1; mt_isdigit((unsigned char)l[k]); k++)
				;
			if (l[k] == '\0')
				uses++;
		}
	}
	if (uses == 0)
		snprintf(out, sz, "%s", base);
	else
		snprintf(out, sz, "%s_%zu", base, uses + 1);
}

static void
add_step(struct mon_run *m, const char *base, unsigned event, int64_t us,
    int rc, const char *opr)
{
	struct mon_step	*s;

	if (m->nsteps >= MON_STEPS_HARD) {
		m->dropped++;
		return;
	}
	s = &m->steps[m->nsteps];
	memset(s, 0, sizeof(*s));
	unique_label(m, base, s->label, sizeof(s->label));
	s->event = event;
	s->us = us;
	s->rc = rc;
	trace_str(s->opr, sizeof(s->opr), opr);
	m->nsteps++;
}

/* "N M" of a STAT +OK reply. */
static void
take_stat(struct mon_run *m, const char *reply)
{
	unsigned long long	c, sz;
	char			tail;

	if (sscanf(reply, "%llu %llu%c", &c, &sz, &tail) >= 2) {
		m->has_stat = true;
		m->stat_count = c;
		m->stat_size = sz;
	}
}

static int
mon_rec(struct sink *sk, const struct trace_rec *r, struct mt_err *err)
{
	struct mon_run	*m = ((struct mon_sink *)sk)->run;
	char		 base[MON_LABEL_HARD];
	const char	*p;
	long long	 lat;
	bool		 timed;

	(void)err;
	if (m->records == 0 || r->time < m->first)
		m->first = r->time;
	if (m->records == 0 || r->time > m->last)
		m->last = r->time;
	m->records++;
	if (r->session > m->sessions)
		m->sessions = r->session;
	timed = r->has_elapsed && base_label(r, base, sizeof(base));
	/* The handshake's parts first: they came before the step's end. */
	if (r->has_tls && !m->has_tls) {
		m->has_tls = true;
		m->tls = r->tls;
	}
	if (r->has_tls) {
		if (r->tls.connect_us >= 0)
			add_step(m, "tcp_connect", r->event, r->tls.connect_us,
			    0, "");
		add_step(m, "tls_handshake", r->event, r->tls.handshake_us, 0,
		    "");
	}
	if (timed)
		add_step(m, base, r->event, r->elapsed_us, r->rc, r->opr);
	if (r->rc != 0 && !m->failed) {
		m->failed = true;
		m->fail_event = r->event;
		m->fail_rc = r->rc;
		if (timed)
			trace_str(m->fail_label, sizeof(m->fail_label),
			    m->steps[m->nsteps - 1].label);
		else if (base_label(r, base, sizeof(base)))
			trace_str(m->fail_label, sizeof(m->fail_label), base);
		/* A command by its words; any other step by its label. */
		trace_str(m->fail_intf, sizeof(m->fail_intf),
		    is_cmd_after(r->event) ? r->intf : m->fail_label);
		trace_str(m->fail_exc, sizeof(m->fail_exc), r->opt);
		trace_str(m->fail_opr, sizeof(m->fail_opr), r->opr);
		trace_str(m->fail_reply, sizeof(m->fail_reply), r->reply);
		trace_str(m->fail_expl, sizeof(m->fail_expl),
		    r->explanation);
	}
	/* pop3_flow.c's round-trip detail: "...; delivery latency Nus" */
	if (r->rc == 0 && r->event == EV_POP3_FETCHALL_AFTER &&
	    (p = strstr(r->detail, "; delivery latency ")) != NULL &&
	    sscanf(p, "; delivery latency %lldus", &lat) == 1 && lat >= 0) {
		m->has_delivery = true;
		m->delivery_us = lat;
		add_step(m, "delivery", r->event, lat, 0, "");
	}
	if (r->rc == 0 && r->event == EV_POP3_CMD2_AFTER &&
	    strcmp(r->intf, "STAT") == 0 && strcmp(r->opr, "+OK") == 0)
		take_stat(m, r->reply);
	return 0;
}

void
mon_run_fail(struct mon_run *m, const char *why)
{
	if (m->failed)
		return;
	m->failed = true;
	m->fail_rc = MT_E_PROTO;
	trace_str(m->fail_intf, sizeof(m->fail_intf), "the run");
	trace_str(m->fail_reply, sizeof(m->fail_reply), why);
}

static void
mon_close(struct sink *sk)
{
	free(sk);
}

struct sink *
mon_sink_new(struct mon_run *m, struct mt_err *err)
{
	struct mon_sink	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		mt_err_set(err, MT_E_INTERNAL, "out of memory");
		return NULL;
	}
	s->base.rec = mon_rec;
	s->base.close = mon_close;
	s->run = m;
	return &s->base;
}
