/*
 * probe.h - the active POP3 probe: one session in the JavaMail call order
 * of the PRF catalog (Store.connect, Folder.open, fetches, Folder.close).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_PROBE_PROBE_H
#define MT_PROBE_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mt_limits.h"
#include "mt.h"
#include "trace.h"

enum pop3_auth {
	POP3_AUTH_USER,		/* USER/PASS (RFC 1939 7) */
	POP3_AUTH_APOP,		/* APOP (RFC 1939 7) */
	POP3_AUTH_PLAIN,	/* SASL PLAIN (RFC 4616) */
	POP3_AUTH_LOGIN,	/* SASL LOGIN (draft-murchison-sasl-login) */
	POP3_AUTH_CRAM_MD5	/* SASL CRAM-MD5 (RFC 2195) */
};

struct pop3_opts {
	const char	*host;
	uint16_t	 port;
	bool		 implicit_tls;		/* pop3s:// */
	bool		 stls;			/* --stls */
	const char	*cafile;
	bool		 insecure;
	const char	*user;
	/* The secret: owned by the caller, wiped by the caller. */
	const char	*password;
	size_t		 passlen;
	enum pop3_auth	 auth;
	int		 connect_timeout_ms;	/* -1: unset (default used) */
	int		 read_timeout_ms;	/* -1: unset; 0: forever */
	bool		 retr;
	uint64_t	 retr_msg;		/* 0: all messages */
	bool		 top;
	uint64_t	 top_lines;
	bool		 uidl;
	bool		 dele;
	bool		 rset;
	bool		 noop;
	uint64_t	 max_body;		/* 0: MT_BODY_DEFAULT */
};

/*
 * Run one POP3 session, emitting records to tr.  Returns 0 when every step
 * succeeded and 1 when the session failed at some step; err then holds the
 * first failure, for a one-line message (never a secret).
 */
int	probe_pop3(const struct pop3_opts *, struct tracer *, struct mt_err *);

/* The auth mechanism for a --auth word; false when unknown. */
bool	probe_auth_parse(const char *, enum pop3_auth *);
const char *probe_auth_name(enum pop3_auth);

#endif
