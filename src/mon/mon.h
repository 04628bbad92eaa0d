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
	char		 fail_intf[MT_FIELD_HARD];
	unsigned	 fail_event;
	int		 fail_rc;
	char		 fail_exc[MT_FIELD_HARD];	/* the exception class */
	char		 fail_opr[MT_OPR_HARD];
	char		 fail_reply[MT_FIELD_HARD];
	struct mon_step	 steps[MON_STEPS_HARD];
	size_t		 nsteps;
	size_t		 dropped;		/* timed steps past MON_STEPS_HARD */
	bool		 has_tls;		/* the first handshake's facts */
	struct rec_tls	 tls;
	bool		 has_stat;		/* POP3 STAT's reply */
	uint64_t	 stat_count, stat_size;
};

void		 mon_run_init(struct mon_run *, const char *proto);
/* A sink that adds every record it is given to run (which must outlive it). */
struct sink	*mon_sink_new(struct mon_run *, struct mt_err *);
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

#endif
