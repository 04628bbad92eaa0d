/*
 * SPDX-License-Identifier: BSD-2-Clause
 * nagios.c - the Nagios/Icinga plugin's verdict and first line for a run
 * (monitoring-plugins development guidelines: states and exit statuses,
 * the threshold range syntax, perfdata 'label'=value[UOM];warn;crit;min;max).
 */
#include "mon.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {
	"OK", "WARNING", "CRITICAL", "UNKNOWN"
};

const char *
mon_state_name(enum mon_state s)
{
	return (unsigned)s < 4 ? state_names[s] : "UNKNOWN";
}

void
mon_plugin_text(const char *in, char *out, size_t sz)
{
	size_t	n = 0;

	if (sz == 0)
		return;
	for (; *in != '\0' && n + 1 < sz; in++)
		out[n++] = *in == '|' ? '!' : mt_isprint((unsigned char)*in) ?
		    *in : '?';
	out[n] = '\0';
}

/* One number of a range: [-]digits[.digits]; *end past it. */
static bool
range_num(const char *s, const char **end, double *v)
{
	char	*e;

	if (!(mt_isdigit((unsigned char)s[0]) || ((s[0] == '-' ||
	    s[0] == '.') && s[1] != '\0')))
		return false;
	errno = 0;
	*v = strtod(s, &e);
	if (e == s || errno != 0 || !isfinite(*v))
		return false;
	*end = e;
	return true;
}

int
mon_range_parse(const char *s, struct mon_range *r, struct mt_err *err)
{
	const char	*p = s, *e;

	memset(r, 0, sizeof(*r));
	if (strlen(s) >= sizeof(r->text))
		goto bad;
	if (*p == '@') {
		r->inside = true;
		p++;
	}
	if (strchr(p, ':') == NULL) {
		/* "10": 0..10 */
		if (!range_num(p, &e, &r->end) || *e != '\0')
			goto bad;
		r->start = 0;
	} else {
		if (*p == '~') {
			r->no_start = true;
			p++;
		} else if (*p == ':')
			r->start = 0;
		else if (!range_num(p, &e, &r->start) || *e != ':')
			goto bad;
		else
			p = e;
		if (*p != ':')
			goto bad;
		p++;
		if (*p == '\0')
			r->no_end = true;
		else if (!range_num(p, &e, &r->end) || *e != '\0')
			goto bad;
	}
	if (!r->no_start && !r->no_end && r->start > r->end)
		goto bad;
	r->set = true;
	snprintf(r->text, sizeof(r->text), "%s", s);
	return 0;
bad:
	memset(r, 0, sizeof(*r));
	return mt_err_set(err, MT_E_USAGE, "\"%s\" is not a threshold range "
	    "(10, 10:, ~:10, 10:20 or @10:20)", s);
}

bool
mon_range_alert(const struct mon_range *r, double v)
{
	bool	in;

	if (!r->set)
		return false;
	in = (r->no_start || v >= r->start) && (r->no_end || v <= r->end);
	return r->inside ? in : !in;
}

int
mon_step_th_add(struct mon_thresholds *th, const char *arg, bool crit,
    struct mt_err *err)
{
	const char		*eq = strchr(arg, '=');
	struct mon_step_th	*s = NULL;
	char			 label[MON_LABEL_HARD];
	size_t			 i, n;

	if (eq == NULL || eq == arg || (size_t)(eq - arg) >= sizeof(label))
		return mt_err_set(err, MT_E_USAGE, "--step-%s: \"%s\" is not "
		    "STEP=RANGE (a step label as in the perfdata)",
		    crit ? "critical" : "warning", arg);
	n = (size_t)(eq - arg);
	for (i = 0; i < n; i++)
		label[i] = mt_isupper((unsigned char)arg[i]) ?
		    (char)(arg[i] | 0x20) : arg[i];
	label[n] = '\0';
	for (i = 0; i < th->nsteps; i++)
		if (strcmp(th->steps[i].label, label) == 0)
			s = &th->steps[i];
	if (s == NULL) {
		if (th->nsteps == MON_STEP_TH_HARD)
			return mt_err_set(err, MT_E_USAGE, "at most %d steps "
			    "with thresholds", MON_STEP_TH_HARD);
		s = &th->steps[th->nsteps++];
		memset(s, 0, sizeof(*s));
		memcpy(s->label, label, n + 1);
	}
	if (mon_range_parse(eq + 1, crit ? &s->crit : &s->warn, err) != 0) {
		char	m[sizeof(err->msg)];

		snprintf(m, sizeof(m), "%s", err->msg);
		return mt_err_set(err, MT_E_USAGE, "--step-%s %s: %s",
		    crit ? "critical" : "warning", label, m);
	}
	return 0;
}

int
mon_cert_days_parse(struct mon_thresholds *th, const char *arg,
    struct mt_err *err)
{
	char	*e, *p;
	long	 w, c = -1;
	bool	 ok;

	errno = 0;
	w = strtol(arg, &e, 10);
	ok = e != arg && errno == 0;
	if (ok && *e == ',') {
		p = e + 1;
		c = strtol(p, &e, 10);
		ok = e != p && errno == 0 && mt_isdigit((unsigned char)*p);
	}
	if (!ok || *e != '\0' || !mt_isdigit((unsigned char)arg[0]) ||
	    w > 36500 || (c != -1 && c > w))
		return mt_err_set(err, MT_E_USAGE, "--cert-days: \"%s\" is not "
		    "WARN[,CRIT] (days, 0 to 36500, CRIT at most WARN)", arg);
	th->cert_set = true;
	th->cert_warn = w;
	th->cert_crit = c;
	return 0;
}

static const struct mon_step_th *
step_th(const struct mon_thresholds *th, const char *label)
{
	size_t	i;

	for (i = 0; th != NULL && i < th->nsteps; i++)
		if (strcmp(th->steps[i].label, label) == 0)
			return &th->steps[i];
	return NULL;
}

/*
 * What a failed step says after "STEP failed (EXC)": ": EXPLANATION
 * (server: OPR REPLY)", the reply cut to MON_REPLY_SHOW octets; without
 * an explanation (none fits), ": OPR REPLY" whole, as before there were
 * any.
 */
static void
fail_words(const struct mon_run *m, char *dst, size_t sz)
{
	size_t	rl = strlen(m->fail_reply);

	if (m->fail_expl[0] == '\0') {
		if (m->fail_opr[0] != '\0')
			snprintf(dst, sz, ": %s%s%s", m->fail_opr,
			    m->fail_reply[0] != '\0' ? " " : "",
			    m->fail_reply);
		return;
	}
	if (m->fail_opr[0] == '\0') {
		snprintf(dst, sz, ": %s", m->fail_expl);
		return;
	}
	snprintf(dst, sz, ": %s (server: %s%s%.*s%s)", m->fail_expl,
	    m->fail_opr, rl > 0 ? " " : "", (int)(rl > MON_REPLY_SHOW ?
	    MON_REPLY_SHOW : rl), m->fail_reply, rl > MON_REPLY_SHOW ? "..." :
	    "");
}

enum mon_state
mon_nagios(const struct mon_run *m, const struct mon_thresholds *th,
    const char *service, FILE *out)
{
	static const struct mon_thresholds	 none;
	const struct mon_step_th		*st;
	enum mon_state				 s = MON_OK;
	char					 why[2 * MT_FIELD_HARD];
	char					 buf[2 * MT_FIELD_HARD];
	double					 total;
	size_t					 i;
	int					 n;

	if (th == NULL)
		th = &none;
	total = (double)mon_total_us(m) / 1e6;
	why[0] = '\0';
	if (m->records == 0) {
		s = MON_UNKNOWN;
		snprintf(why, sizeof(why), "the probe recorded nothing");
	} else if (m->failed) {
		s = MON_CRITICAL;
		if (m->fail_event == 0 && m->fail_exc[0] == '\0')
			/* mon_run_fail(): no step failed, the run did */
			snprintf(why, sizeof(why), "%s", m->fail_reply);
		else {
			n = snprintf(why, sizeof(why), "%s failed (%s)",
			    m->fail_intf[0] != '\0' &&
			    strcmp(m->fail_intf, "--") != 0 ? m->fail_intf :
			    m->fail_label[0] != '\0' ? m->fail_label :
			    "a step", m->fail_exc[0] != '\0' ? m->fail_exc :
			    mt_exc_class(m->fail_rc));
			if (n > 0 && (size_t)n < sizeof(why))
				fail_words(m, why + n, sizeof(why) - (size_t)n);
		}
	} else {
		/* The worst threshold, the first reason at that state. */
		enum mon_state	got;

		got = mon_range_alert(&th->crit, total) ? MON_CRITICAL :
		    mon_range_alert(&th->warn, total) ? MON_WARNING : MON_OK;
		if (got > s) {
			s = got;
			snprintf(why, sizeof(why), "session took %.3f s "
			    "(%s range %s)", total, got == MON_CRITICAL ?
			    "critical" : "warning", got == MON_CRITICAL ?
			    th->crit.text : th->warn.text);
		}
		for (i = 0; i < m->nsteps; i++) {
			double	v = (double)m->steps[i].us / 1e6;

			if ((st = step_th(th, m->steps[i].label)) == NULL)
				continue;
			got = mon_range_alert(&st->crit, v) ? MON_CRITICAL :
			    mon_range_alert(&st->warn, v) ? MON_WARNING :
			    MON_OK;
			if (got > s) {
				s = got;
				snprintf(why, sizeof(why), "%s took %.3f s "
				    "(%s range %s)", m->steps[i].label, v,
				    got == MON_CRITICAL ? "critical" :
				    "warning", got == MON_CRITICAL ?
				    st->crit.text : st->warn.text);
			}
		}
		if (th->cert_set && m->has_tls && m->tls.has_cert) {
			/* An expired certificate is CRITICAL (as check_http -C). */
			got = m->tls.days_left < 0 ? MON_CRITICAL :
			    th->cert_crit >= 0 &&
			    m->tls.days_left < th->cert_crit ? MON_CRITICAL :
			    m->tls.days_left < th->cert_warn ? MON_WARNING :
			    MON_OK;
			if (got > s && m->tls.days_left < 0) {
				s = got;
				snprintf(why, sizeof(why), "the certificate "
				    "expired %" PRId64 " days ago",
				    -m->tls.days_left);
			} else if (got > s) {
				s = got;
				snprintf(why, sizeof(why), "the certificate "
				    "expires in %" PRId64 " days (%s below %"
				    PRId64 ")", m->tls.days_left,
				    got == MON_CRITICAL ? "critical" :
				    "warning", got == MON_CRITICAL ?
				    th->cert_crit : th->cert_warn);
			}
		} else if (th->cert_set) {
			/* The check could not be made: UNKNOWN. */
			s = MON_UNKNOWN;
			snprintf(why, sizeof(why), "--cert-days: the session "
			    "had no TLS certificate to check");
		}
	}
	/* SERVICE STATE - summary */
	fprintf(out, "%s %s - ", service, mon_state_name(s));
	if (why[0] != '\0') {
		mon_plugin_text(why, buf, sizeof(buf));
		fprintf(out, "%s; ", buf);
	}
	fprintf(out, "%zu steps in %.3f s", m->nsteps, total);
	if (m->has_stat)
		fprintf(out, ", STAT %" PRIu64 " %" PRIu64, m->stat_count,
		    m->stat_size);
	if (m->has_delivery)
		fprintf(out, ", delivered in %.3f s",
		    (double)m->delivery_us / 1e6);
	if (m->has_tls) {
		mon_plugin_text(m->tls.version, buf, sizeof(buf));
		fprintf(out, ", %s", buf);
		if (m->tls.has_cert)
			fprintf(out, ", certificate %" PRId64 " days left",
			    m->tls.days_left);
	}
	/* | perfdata: the session's time, each step's, the certificate */
	fputs(" | time=", out);
	mon_put_seconds(out, mon_total_us(m));
	fprintf(out, "s;%s;%s;0;", th->warn.text, th->crit.text);
	for (i = 0; i < m->nsteps; i++) {
		st = step_th(th, m->steps[i].label);
		fprintf(out, " %s=", m->steps[i].label);
		mon_put_seconds(out, m->steps[i].us);
		fprintf(out, "s;%s;%s;0;", st != NULL ? st->warn.text : "",
		    st != NULL ? st->crit.text : "");
	}
	if (m->has_tls && m->tls.has_cert) {
		fprintf(out, " cert_days=%" PRId64 ";", m->tls.days_left);
		if (th->cert_set)
			fprintf(out, "%" PRId64 ":", th->cert_warn);
		fputc(';', out);
		if (th->cert_set && th->cert_crit >= 0)
			fprintf(out, "%" PRId64 ":", th->cert_crit);
		fputs(";;", out);
	}
	fputc('\n', out);
	return s;
}
