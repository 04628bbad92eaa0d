/*
 * mon.h - what monitoring says of one run (issue 11, docs/monitoring.md):
 * a bounded summary gathered from the run's records by a sink (success,
 * the session's time, each timed step's time under a stable label, the
 * failing step and its exception class, reply codes, the TLS facts), and
 * the two ways it is told: a Nagios/Icinga plugin's output and state, and
 * Prometheus metrics in the text exposition format.  No I/O but the FILE
 * it is given; sits on trace (records) like every sink.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Ownership: a struct mon_run is the caller's (on the stack is fine);
 * mon_sink_new() returns a sink the caller closes (trace_close() does),
 * which fills the run it was given until then.  Nothing is global.
 */
#ifndef MT_MON_MON_H
#define MT_MON_MON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mt.h"
#include "mt_limits.h"
#include "trace.h"

#define MON_STEPS_HARD		64	/* timed steps kept; the rest counted */
#define MON_REPLY_SHOW		100	/* reply octets on the plugin's first
					   line after an explanation */
#define MON_LABEL_HARD		24	/* a step's label, with its NUL: unique
					   in its first 19 characters */

/* One timed step: an "after" record with an elapsed time. */
struct mon_step {
	char		 label[MON_LABEL_HARD];	/* "stat", "rcpt_2", "greeting" */
	unsigned	 event;
	int64_t		 us;
	int		 rc;
	char		 opr[MT_OPR_HARD];	/* "+OK", "250", "" */
};

/* A run as monitoring sees it. */
struct mon_run {
	char		 proto[16];		/* "pop3", "smtp", "roundtrip" */
	uint64_t	 records;
	uint64_t	 sessions;
	mt_time		 first, last;		/* the first and last record's time */
	bool		 failed;		/* some step failed (rc != 0) */
	/* the first failing step, when failed */
	char		 fail_label[MON_LABEL_HARD];
	char		 fail_intf[MT_FIELD_HARD];	/* a command's int ("PASS",
						   "RCPT TO:<a@b>"), else the
						   step's label */
	unsigned	 fail_event;
	int		 fail_rc;
	char		 fail_exc[MT_FIELD_HARD];	/* the exception class */
	char		 fail_opr[MT_OPR_HARD];
	char		 fail_reply[MT_FIELD_HARD];
	char		 fail_expl[MT_EXPLAIN_HARD];	/* its explanation
						   (events/explain.def); "" */
	struct mon_step	 steps[MON_STEPS_HARD];
	size_t		 nsteps;
	size_t		 dropped;		/* timed steps past MON_STEPS_HARD */
	bool		 has_tls;		/* the first handshake's facts */
	struct rec_tls	 tls;
	bool		 has_stat;		/* POP3 STAT's reply */
	uint64_t	 stat_count, stat_size;
	bool		 has_delivery;		/* a round trip's delivery latency
						   (also the step "delivery") */
	int64_t		 delivery_us;
};

/*
 * A failure the records do not show (a round trip whose message never
 * came: every step succeeded): the run failed, with why as its reason.
 */
void		 mon_run_fail(struct mon_run *, const char *why);

void		 mon_run_init(struct mon_run *, const char *proto);
/*
 * The label of a record's step (labels.def; a command's "after" point by
 * its command word, "data_end" for SMTP's ".") into out, without the "_N"
 * of a repeated one; false when the record is no step (no label).
 */
bool		 mon_step_label(const struct trace_rec *, char *out, size_t);
/* A sink that adds every record it is given to run (which must outlive it). */
struct sink	*mon_sink_new(struct mon_run *, struct mt_err *);
/* Microseconds as seconds with six decimals ("0.001724"), exactly. */
void		 mon_put_seconds(FILE *, int64_t us);
/* The session's time: last - first, in microseconds (0 with no record). */
int64_t		 mon_total_us(const struct mon_run *);

/*
 * The run as Prometheus metrics (text exposition format 0.0.4), written
 * to out: mailtrace_probe_success, mailtrace_probe_duration_seconds,
 * mailtrace_step_duration_seconds{step=...}, ... (docs/monitoring.md
 * lists every metric and label).  Returns 0, or -1 with err filled when
 * writing failed.
 */
int		 mon_prom(const struct mon_run *, FILE *out, struct mt_err *);

/* ---- the Nagios/Icinga plugin (nagios.c) ---- */

/* The plugin states and exit statuses (monitoring-plugins guidelines). */
enum mon_state {
	MON_OK = 0,
	MON_WARNING = 1,
	MON_CRITICAL = 2,
	MON_UNKNOWN = 3
};

const char	*mon_state_name(enum mon_state);	/* "OK", ... */

/*
 * A threshold range (the guidelines' syntax): "10" (alert outside 0..10),
 * "10:" (below 10), "~:10" (above 10), "10:20" (outside), "@10:20"
 * (inside, ends included).  Values are numbers (seconds, days).
 */
struct mon_range {
	bool		 set;
	bool		 inside;	/* "@": alert inside */
	bool		 no_start;	/* "~": -infinity */
	bool		 no_end;	/* "10:": +infinity */
	double		 start, end;
	char		 text[32];	/* as given, for perfdata */
};

/* Parse s into r; -1 with err filled (MT_E_USAGE) when it is not a range. */
int		 mon_range_parse(const char *s, struct mon_range *r,
		    struct mt_err *);
/* Whether v is to be alerted on (false when r is not set). */
bool		 mon_range_alert(const struct mon_range *r, double v);

#define MON_STEP_TH_HARD	16	/* --step-warning/--step-critical */

struct mon_step_th {
	char		 label[MON_LABEL_HARD];	/* lower case */
	struct mon_range warn, crit;
};

/* What the plugin holds a run against. */
struct mon_thresholds {
	struct mon_range warn, crit;		/* the session's time, s */
	struct mon_step_th steps[MON_STEP_TH_HARD];
	size_t		 nsteps;
	bool		 cert_set;		/* --cert-days WARN[,CRIT] */
	int64_t		 cert_warn, cert_crit;	/* crit -1: none */
};

/*
 * --step-warning/--step-critical STEP=RANGE into th (crit: which one);
 * STEP a step label (case-insensitive).  -1 with err (MT_E_USAGE).
 */
int		 mon_step_th_add(struct mon_thresholds *, const char *arg,
		    bool crit, struct mt_err *);
/* --cert-days WARN[,CRIT]; -1 with err (MT_E_USAGE). */
int		 mon_cert_days_parse(struct mon_thresholds *, const char *arg,
		    struct mt_err *);

/*
 * The plugin's verdict on run m: CRITICAL when a step failed (the summary
 * names the step, its exception class and its explanation, then the
 * server's reply cut to MON_REPLY_SHOW octets), else the worst of the session
 * time against -w/-c, each step's time against its thresholds, and the
 * certificate's days left against --cert-days; OK otherwise.  Writes the
 * first line to out: "SERVICE STATE - summary | perfdata" (perfdata: the
 * session's time, then each step's, in seconds, with their thresholds;
 * cert_days when TLS had a certificate), with no '|' in the summary.
 * Returns the state.
 */
enum mon_state	 mon_nagios(const struct mon_run *m,
		    const struct mon_thresholds *, const char *service,
		    FILE *out);

/*
 * Text for plugin output (a summary or a long-output line): copied from
 * in into out with '|' (the perfdata separator) as '!' and control
 * characters as '?'.
 */
void		 mon_plugin_text(const char *in, char *out, size_t sz);

#endif
