/*
 * probe.h - the active probes: one POP3 or SMTP session in the JavaMail
 * call order of the PRF catalog.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_PROBE_PROBE_H
#define MT_PROBE_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mt.h"
#include "mt_limits.h"
#include "trace.h"

enum probe_auth {
	PROBE_AUTH_DEFAULT,	/* POP3: USER/PASS; SMTP: the strongest offered */
	PROBE_AUTH_USER,	/* POP3 USER/PASS (RFC 1939 7) */
	PROBE_AUTH_APOP,	/* POP3 APOP (RFC 1939 7) */
	PROBE_AUTH_PLAIN,	/* SASL PLAIN (RFC 4616) */
	PROBE_AUTH_LOGIN,	/* SASL LOGIN (draft-murchison-sasl-login) */
	PROBE_AUTH_CRAM_MD5	/* SASL CRAM-MD5 (RFC 2195) */
};

/* Where to connect and how: shared by both probes. */
struct probe_conn {
	const char	*host;
	uint16_t	 port;
	bool		 implicit_tls;		/* pop3s:// smtps:// */
	bool		 starttls;		/* --stls / --starttls */
	const char	*cafile;
	bool		 insecure;
	const char	*user;			/* NULL: no authentication */
	/* The secret: owned by the caller, wiped by the caller. */
	const char	*password;
	size_t		 passlen;
	enum probe_auth	 auth;
	int		 connect_timeout_ms;	/* -1: unset (default used) */
	int		 read_timeout_ms;	/* -1: unset; 0: forever */
	uint64_t	 max_body;		/* 0: MT_BODY_DEFAULT */
};

struct pop3_opts {
	struct probe_conn c;
	bool		 retr;
	uint64_t	 retr_msg;		/* 0: all messages */
	bool		 top;
	uint64_t	 top_lines;
	bool		 uidl;
	bool		 dele;
	bool		 rset;
	bool		 noop;
};

#define SMTP_RCPT_HARD	100		/* --to at most */

struct smtp_opts {
	struct probe_conn c;
	const char	*helo;
	const char	*from;
	const char	*to[SMTP_RCPT_HARD];
	size_t		 nto;
	/* the message as given (any line endings); stuffed by the probe */
	const uint8_t	*msg;
	size_t		 msglen;
};

struct smtp_result {
	size_t		 accepted;		/* recipients given 2xx */
	int		 rcpt_code[SMTP_RCPT_HARD];	/* 0: not asked */
	bool		 queued;		/* end of data answered 2xx */
	mt_time		 t_queued;		/* when that reply arrived */
};

/*
 * Run one session, emitting records to tr.  Return 0 when every step
 * succeeded and 1 when the session failed at some step; err then holds the
 * first failure, for a one-line message (never a secret).
 */
int	probe_pop3(const struct pop3_opts *, struct tracer *, struct mt_err *);
int	probe_smtp(const struct smtp_opts *, struct tracer *,
	    struct smtp_result *, struct mt_err *);

/*
 * The default test message into buf: Date, From, To, Message-ID, a Subject
 * and an X-Mailtrace-Token header carrying token, and ident (the probe's
 * name and version) in the body.  Returns its length, or -1 if it does not
 * fit.
 */
int	smtp_default_message(char *buf, size_t sz, const struct smtp_opts *,
	    const char *token, const char *ident, mt_time now);

/* The mechanism for an --auth word; false when unknown. */
bool	probe_auth_parse(const char *, enum probe_auth *);
const char *probe_auth_name(enum probe_auth);

#endif
