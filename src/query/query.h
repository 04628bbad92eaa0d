/*
 * query.h - the store as a tool (issue 14, docs/cli.md "runs", "stats"):
 * finding runs by their summary (store migration 10), the records of a
 * run that show --session/--event/--failed keeps, and the latency and
 * failures of each server's steps over many runs.  Reads the store only;
 * sits on store (its schema), mon (step labels) and check (percentiles).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_QUERY_QUERY_H
#define MT_QUERY_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mon.h"
#include "store.h"
#include "trace.h"

#define QUERY_LIMIT_DEFAULT	50	/* runs listed without --limit */
#define QUERY_HOST_HARD		(MT_ADDR_HARD + 2)

/* Which runs (every member unset: all of them). */
struct query_filter {
	bool		 has_since;
	mt_time		 since;		/* started at or after */
	bool		 has_until;
	mt_time		 until;		/* started before */
	const char	*proto;		/* runs.proto: pop3 smtp roundtrip decode */
	bool		 has_server;
	char		 server[QUERY_HOST_HARD];	/* "127.0.0.1:110", or
					   with no port "127.0.0.1:" (a prefix) */
	bool		 server_port;	/* server is an exact address */
	bool		 failed;	/* only failed runs */
	const char	*source;	/* "probe" or "pcap" */
	const char	*baseline;	/* checks held against it */
	unsigned	 limit;		/* 0: every one */
};

/* One run as `runs` lists it. */
struct query_run {
	uint64_t	 id;
	char		 command[STORE_NAME_HARD];	/* proto, or "check" */
	char		 proto[STORE_NAME_HARD];
	char		 target[STORE_TARGET_HARD];
	char		 baseline[STORE_BASELINE_NAME_HARD];	/* "": none */
	mt_time		 started;
	bool		 finished_set;
	mt_time		 finished;
	int		 exit_status;
	uint64_t	 sessions;
	uint64_t	 steps;		/* records */
	bool		 has_fail;	/* a record failed: the first one */
	uint64_t	 fail_session;
	uint32_t	 fail_seq;
	unsigned	 fail_event;
	char		 fail_step[MON_LABEL_HARD];	/* "pass", "greeting" */
	char		 fail_intf[MT_FIELD_HARD];
	char		 fail_exc[MT_FIELD_HARD];
};

/* "ok", "failed" or "unfinished" (docs/cli.md "runs"). */
const char	*query_outcome(const struct query_run *);

/*
 * A time for --since/--until into *out (microseconds since the epoch):
 * relative to now ("30m", "1h", "7d", "2w", "45s": that long before now)
 * or ISO 8601 ("2026-11-23", "2026-11-23T10:00", "2026-11-23T10:00:00",
 * with ".fraction", and "Z" or "+HH:MM"/"-HH:MM"; no zone: UTC).
 * MT_E_USAGE with what is wrong.
 */
int		 query_time_parse(const char *, mt_time now, mt_time *out,
		    struct mt_err *);
/* --server HOST[:PORT] ("::1" and "[::1]:110" too) into f; MT_E_USAGE. */
int		 query_server_parse(const char *, struct query_filter *,
		    struct mt_err *);

/*
 * Each run f matches, newest first (by start, then id), to fn(arg, r)
 * (valid during the call); a non-zero return of fn stops and is
 * returned.
 */
int		 query_runs(struct store *, const struct query_filter *f,
		    int (*fn)(void *, const struct query_run *), void *arg,
		    struct mt_err *);

/* What show keeps of a run (every member unset: all of it). */
struct query_show {
	bool		 has_session;
	uint64_t	 session;
	bool		 has_event;
	unsigned	 event;
	/*
	 * Only failed records (rc != 0) with their context: the "before"
	 * point of a failed "after" point, and the innermost API entry
	 * (an _ENTER point whose _EXIT had not come) around it, in the
	 * failed record's session (docs/cli.md "show").
	 */
	bool		 failed;
};

/*
 * Hand the records of run that q keeps to s->rec(), in stored order,
 * as store_replay() does.
 */
int		 query_show_run(struct store *, uint64_t run,
		    const struct query_show *q, struct sink *s,
		    struct mt_err *);

/* ---- statistics (stats.c) ---- */

#define QUERY_EXC_HARD		8	/* exception classes kept per step */

struct query_exc {
	char		 name[MT_FIELD_HARD];	/* the exception class */
	uint64_t	 n;
};

/* One server's step over the matching runs. */
struct query_stat {
	char		 server[MT_ADDR_HARD];
	char		 step[MON_LABEL_HARD];
	uint64_t	 count;		/* records of the step */
	uint64_t	 failures;	/* of them with rc != 0 */
	struct query_exc exc[QUERY_EXC_HARD];	/* most first */
	size_t		 nexc;
	uint64_t	 exc_other;	/* failures of further classes */
	uint64_t	 timed;		/* with a time: the figures below */
	int64_t		 min_us, median_us, p95_us, p99_us, max_us;
};

/* One record of a matching run, as query_steps() hands it on. */
struct query_step {
	uint64_t	 run;
	uint64_t	 session;
	mt_time		 time;
	const char	*server;	/* "" when the record names none */
	const char	*label;		/* mon_step_label(); "": no step */
	bool		 failed;	/* rc != 0 */
	const char	*exc;		/* the exception class, "(none)" */
	bool		 timed;
	int64_t		 elapsed_us;
};

/*
 * The records of the runs f matches (f->limit ignored), only server
 * f->server's when has_server, in stored order, to fn(arg, s) (valid
 * during the call); a non-zero return of fn stops and is returned.  The
 * one query stats and report's trend read the records with.
 */
int		 query_steps(struct store *, const struct query_filter *f,
		    int (*fn)(void *, const struct query_step *), void *arg,
		    struct mt_err *);

/*
 * The steps of the records of the runs f matches (f->limit ignored),
 * only server f->server's when has_server and only step step's when step
 * is not NULL, per server and step label (mon_step_label()), sorted by
 * server and label, to fn(arg, s).
 */
int		 query_stats(struct store *, const struct query_filter *f,
		    const char *step,
		    int (*fn)(void *, const struct query_stat *), void *arg,
		    struct mt_err *);

#endif
