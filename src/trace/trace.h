/*
 * trace.h - trace records, the level filter, and the sinks they go to.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * The field rules are those of ../shared/design/EVENTS.md (docs/records.md):
 * int is the string that shows communication, opr the response code, opt the
 * connection parameters or the exception class of a failed step.
 */
#ifndef MT_TRACE_TRACE_H
#define MT_TRACE_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "ev.h"
#include "mt_limits.h"
#include "mt.h"

enum rec_source {
	REC_PROBE,
	REC_PCAP
};

enum level {
	LEVEL_STANDARD,		/* A events */
	LEVEL_ADVANCED		/* A and B events */
};

/*
 * The facts of one TLS handshake (issue 11, docs/records.md), on the record
 * of the step that made it: the connection fetch's "after" point (0xAD83,
 * 0xAD07) for implicit TLS, the STLS / STARTTLS "after" point otherwise.
 * Strings are NUL-terminated, escaped as detail is (printable ASCII), and
 * cut to their field ("..." at the end) when longer; "" when unknown.
 */
struct rec_tls {
	char		 version[MT_TLS_WORD_HARD];	/* "TLSv1.3" */
	char		 cipher[MT_TLS_WORD_HARD];	/* "TLS_AES_256_GCM_SHA384" */
	char		 group[MT_TLS_WORD_HARD];	/* "X25519"; "" when OpenSSL
							   does not tell */
	int64_t		 handshake_us;		/* the handshake alone */
	int64_t		 connect_us;		/* the TCP connect before it, when
						   the same step made both; -1 */
	bool		 has_cert;		/* the server sent a certificate */
	char		 subject[MT_TLS_NAME_HARD];	/* RFC 2253 */
	char		 issuer[MT_TLS_NAME_HARD];
	char		 sans[MT_TLS_SANS_HARD];	/* "DNS:localhost, IP:127.0.0.1" */
	char		 serial[MT_TLS_SERIAL_HARD];	/* hex, upper case */
	int64_t		 not_before;		/* seconds since the epoch, UTC */
	int64_t		 not_after;
	int64_t		 days_left;		/* floor((not_after - handshake)
						   / 86400); negative: expired */
	int		 chain_len;		/* certificates the server sent */
	bool		 verified;		/* chain and host name both held
						   (also recorded under --insecure,
						   which only stops enforcing) */
	char		 verify[MT_TLS_WORD_HARD];	/* "ok", or what failed:
							   X509_verify_cert_error_string()
							   or "hostname mismatch" */
};

/*
 * The facts as JSON members, each with a comma before it:
 * ,"tls_version":"TLSv1.3","tls_cipher":..,"tls_group":..,
 * "tcp_connect_us":N (only when connect_us >= 0),"tls_handshake_us":N,
 * then with a certificate "cert_subject", "cert_issuer", "cert_sans",
 * "cert_serial", "cert_not_before" and "cert_not_after" (ISO 8601 UTC,
 * mt_date_iso()), "cert_days_left", "cert_chain_len"; then
 * "tls_verified":true|false,"tls_verify":"ok" (docs/formats.md).  The
 * JSONL sink writes them into a record's line, the store into its tls
 * column (as one object).  dst holds TRACE_TLS_JSON_MAX bytes; no NUL is
 * written.  Returns the bytes written.
 */
#define TRACE_TLS_JSON_MAX						\
	(6 * (4 * MT_TLS_WORD_HARD + 2 * MT_TLS_NAME_HARD +		\
	MT_TLS_SANS_HARD + MT_TLS_SERIAL_HARD) + 512)
size_t	trace_tls_json(char *dst, const struct rec_tls *);

/*
 * One trace record.  Strings are NUL-terminated and owned by the record.
 * An anomaly record has event EV_NONE and anomaly != AN_NONE.
 */
struct trace_rec {
	unsigned	 event;			/* 0xAD80...; 0 for an anomaly */
	char		 level;			/* 'A' or 'B' */
	int		 rc;			/* 0, or an MT_E_* class number */
	char		 intf[MT_FIELD_HARD];	/* "RETR 3", "--", ... */
	char		 opr[MT_OPR_HARD];	/* "+OK", "-ERR", "+", "" */
	char		 opt[MT_FIELD_HARD];	/* parameters or exception class */
	mt_time		 time;			/* wall clock, us */
	uint64_t	 run;			/* store run id; 0 if none */
	uint64_t	 session;		/* 1-based TCP connection number */
	uint32_t	 seq;			/* 1-based, per session */
	char		 client[MT_ADDR_HARD];	/* "127.0.0.1:40312" */
	char		 server[MT_ADDR_HARD];	/* "127.0.0.1:110", "[::1]:110" */
	enum rec_source	 source;
	/* extras */
	bool		 has_elapsed;
	int64_t		 elapsed_us;		/* since the matching "before" */
	bool		 has_bytes;
	uint64_t	 bytes;			/* multi-line body, wire bytes */
	mt_time		 body_end;		/* when the body's "." arrived */
	enum an		 anomaly;		/* anomaly records only */
	char		 detail[MT_FIELD_HARD];	/* anomaly detail, escaped */
	char		 reply[MT_FIELD_HARD];	/* "after" points: the reply's
						   first line, escaped */
	bool		 has_tls;		/* tls holds a handshake's facts */
	struct rec_tls	 tls;
	char		 explanation[MT_EXPLAIN_HARD];	/* a failed record:
						   what it means and what to
						   try (events/explain.def);
						   "" otherwise */
};

/* A sink consumes records.  Every output format and the store is one. */
struct sink {
	int	(*rec)(struct sink *, const struct trace_rec *, struct mt_err *);
	int	(*flush)(struct sink *, struct mt_err *);
	void	(*close)(struct sink *);	/* frees the sink */
};

/* Describes one run to sinks that show a header (text) and to the store. */
struct run_info {
	uint64_t	 run;		/* store id; 0 before the store gave one */
	const char	*proto;		/* "pop3" */
	const char	*target;	/* "pop3://bob@127.0.0.1:110" (no secret) */
	const char	*level;		/* "standard" / "advanced" */
	mt_time		 started;
	long		 pid;
	/*
	 * The command's arguments after its name (options and target, as
	 * getopt left them), so that the same session can be run again
	 * (issue 10: check).  Never a secret: the CLI refuses passwords on
	 * the command line and in URLs.  Not owned; may be NULL (argc 0).
	 */
	int		 argc;
	char *const	*argv;
	/* the baseline a check holds this run against; NULL: none */
	const char	*baseline;
};

#define TRACER_SINKS_HARD	4

/*
 * The tracer numbers records, applies the level filter and hands each
 * record to every sink.  A sink failure is remembered (first one wins) and
 * later records still go to the other sinks.
 */
struct tracer {
	enum level	 level;
	enum rec_source	 source;
	uint64_t	 run;
	uint64_t	 session;
	uint32_t	 seq;
	char		 client[MT_ADDR_HARD];
	char		 server[MT_ADDR_HARD];
	struct sink	*sinks[TRACER_SINKS_HARD];
	unsigned	 nsinks;
	struct mt_err	 err;		/* first sink failure */
	bool		 failed;
	/* trace_hold(): the record held back, and the event awaited */
	unsigned	 hold_ev;	/* 0: none awaited */
	bool		 held;		/* hold_rec is numbered, not yet sent */
	struct trace_rec *hold_rec;	/* allocated by trace_hold() */
	/*
	 * Called on every catalog record before the sinks see it (NULL:
	 * none): src/explain's explain_rec(), which fills the record's
	 * explanation, installed by whoever builds the tracer (trace knows
	 * nothing of explain; forks keep it).  So the probe's records and
	 * the decoder's get it once, here.
	 */
	void		(*explain)(struct trace_rec *);
};

/*
 * An empty record: every number zero, every string "" (as memset, without
 * writing the string arrays' 2 KiB; records are made by the thousand).
 */
void	trace_rec_clear(struct trace_rec *);
/* Copy src (NULL: "") into a record's string field of size sz, cut to fit. */
void	trace_str(char *dst, size_t sz, const char *src);

void	trace_init(struct tracer *, enum level, enum rec_source);
int	trace_add_sink(struct tracer *, struct sink *);
/* A new TCP connection: session number +1, seq restarts at 1. */
void	trace_session(struct tracer *, const char *client, const char *server);
/* Update the endpoint strings (client port known after connect). */
void	trace_endpoints(struct tracer *, const char *client, const char *server);

/*
 * Emit a catalog record.  intf/opr/opt may be NULL (empty); int defaults to
 * "--" when NULL.  elapsed < 0 means "no elapsed field".  Returns the seq
 * given, or 0 when the level filtered the record out.
 */
uint32_t trace_emit(struct tracer *, unsigned event, int rc, const char *intf,
	    const char *opr, const char *opt, mt_time t, int64_t elapsed);
/* Emit a fully prepared record (body extras); fills level, seq, session. */
uint32_t trace_emit_rec(struct tracer *, struct trace_rec *);
/* Emit an anomaly record; detail is escaped text, may be NULL. */
uint32_t trace_anomaly(struct tracer *, enum an, const char *detail, mt_time t);
/*
 * A tracer for one of several sessions recorded at once (the decoder):
 * the master's sinks, level, source and run; its own session number, seq
 * and endpoints.  A fork is never trace_close()d; its first sink failure
 * is in fork->err when fork->failed.
 */
void	trace_fork(const struct tracer *master, struct tracer *fork,
	    uint64_t session, const char *client, const char *server);
/*
 * Flush every sink (the store commits).  -1 with the tracer's first sink
 * failure (of a rec() or of any flush so far) in err, if err: a failure
 * is reported by every later flush, so the one that ends a run sees it.
 */
int	trace_flush(struct tracer *, struct mt_err *);
/*
 * Hold back the next record of event ev (the probe's STLS / STARTTLS
 * "after" point, whose TLS facts come with the handshake that follows
 * it; docs/records.md "TLS facts").  That record is numbered when it is
 * emitted, as any, but reaches the sinks only at trace_release(); or
 * just before the next record emitted after it, so that the order of
 * records never changes; or at trace_close().  A record held earlier is
 * sent first.  -1 when no memory can be had for it (nothing is then held:
 * the record goes out as it comes, without what trace_release() adds).
 */
int	trace_hold(struct tracer *, unsigned ev);
/*
 * Send the held record, if any, with tls's facts (has_tls) when tls is
 * not NULL; and stop awaiting one.
 */
void	trace_release(struct tracer *, const struct rec_tls *tls);
/* Send a held record, then close and free every sink. */
void	trace_close(struct tracer *);

/* Would a record of this event be emitted at the tracer's level? */
bool	trace_wants(const struct tracer *, unsigned event);

#endif
