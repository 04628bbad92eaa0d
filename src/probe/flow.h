/*
 * flow.h - what the POP3 and SMTP drivers share.  The model (proto/)
 * observes; a driver only decides what to send next, and sends through
 * flow_cmd()/flow_data(), which show the bytes to the model first.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_PROBE_FLOW_H
#define MT_PROBE_FLOW_H

#include "conv.h"
#include "net.h"
#include "probe.h"

struct flow {
	const struct probe_conn	*c;
	enum proto		 proto;
	struct tracer		*tr;
	struct net		*net;
	struct conv		*cv;
	int			 ct;		/* effective timeouts, ms */
	int			 rt;
	int64_t			 limit;		/* the session's end (net_limit_in) */
	char			 limit_what[64];	/* "--max-time 300 s" */
	int64_t			 wall0;		/* clock anchor */
	int64_t			 mono0;
	/* the last completed step */
	bool			 got;
	struct step		 st;
	char			 text[MT_FIELD_HARD];	/* its reply text */
	size_t			 textlen;
	/* session */
	bool			 dead;		/* no more bytes can be exchanged */
	bool			 failed;
	struct mt_err		 err;		/* the first failure */
	int			 last_rc;	/* the last failed step's class */
	char			 tls_why[MT_FIELD_HARD];	/* a failed TLS
						   handshake: net's reason
						   ("certificate verify failed:
						   ..."), the detail of the
						   records it fails */
	/* optional: content lines of multi-line responses (conv_env.on_line) */
	void			(*line_cb)(void *, int, const char *, size_t);
	void			*line_arg;
	/* POP3 */
	char			 stamp[MT_FIELD_HARD];	/* APOP timestamp */
	uint64_t		 count;		/* STAT */
};

void	flow_init(struct flow *, enum proto, const struct probe_conn *,
	    struct tracer *);
/* Frees what the session holds (connection, model). */
void	flow_done(struct flow *);
mt_time	flow_now(const struct flow *);
/* Record the first failure of the session (later ones are in the trace). */
void	flow_fail(struct flow *, enum mt_ecode, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* An API entry or "before" point with int "--": returns its time. */
mt_time	flow_enter(struct flow *, unsigned ev);
/* The matching exit or "after" point: rc and its exception, elapsed. */
void	flow_exit(struct flow *, unsigned ev, int rc, mt_time t0);
/* flow_exit() with a detail text (NULL: none). */
void	flow_exit_detail(struct flow *, unsigned ev, int rc, mt_time t0,
	    const char *detail);
/*
 * ev and ev + 1 around the TCP connect (and the handshake for implicit
 * TLS); ev's opt is "host port connect-timeout read-timeout".
 */
int	flow_connect(struct flow *, unsigned ev);
/* Start the model and wait for the greeting. */
int	flow_greeting(struct flow *);
/*
 * Show a command line (without CRLF; line must have room for 2 more bytes)
 * to the model, send it and wait for the step it completes.  Returns the
 * step's rc.  A secret line is wiped after sending.
 */
int	flow_cmd(struct flow *, char *line, size_t len, bool secret);
int	flow_cmdf(struct flow *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Show data (a message) to the model and send it; no waiting. */
int	flow_data(struct flow *, const uint8_t *, size_t);
/* Wait for the step the data completes. */
int	flow_wait(struct flow *);
/*
 * STLS or STARTTLS (verb), and after its positive reply the handshake:
 * the command's "after" record is held back until the handshake ended
 * and carries its facts when it succeeded (docs/records.md "TLS facts").
 */
int	flow_stls(struct flow *, const char *verb);
/*
 * After a positive STLS/STARTTLS reply: the handshake, then conv_tls();
 * the record trace_hold() kept back goes out (with the facts).
 */
int	flow_starttls(struct flow *, const char *what);
/*
 * Transport.close / Folder.close begins: its exit carries the last step
 * that fails from here on (last_rc), or, when the connection is dead
 * already (nothing more is sent), the failure that ended it.
 */
void	flow_close_begin(struct flow *);
/* ev and ev + 1 around closing the connection. */
void	flow_teardown(struct flow *, unsigned ev);
/* A step failed: record why (once), from what the model saw. */
int	flow_step_fail(struct flow *, const char *what);
/*
 * SASL (RFC 4954 / RFC 5034) with a mechanism; 0 on success.  The
 * mechanism must be one the server announced (POP3 CAPA SASL, SMTP EHLO
 * AUTH), else the session fails before anything is sent;
 * PROBE_AUTH_DEFAULT takes the strongest announced (CRAM-MD5, PLAIN,
 * LOGIN).
 */
int	flow_sasl(struct flow *, enum probe_auth);

#endif
