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

#include "dns.h"
#include "mt.h"
#include "mt_limits.h"
#include "trace.h"

struct net_keylog;

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
	const char	*tls_name;		/* the name the certificate must
						   hold (SNI too); NULL: host.  A
						   found server's (MX, SRV) name
						   while host is its address */
	uint16_t	 port;
	bool		 implicit_tls;		/* pop3s:// smtps:// */
	bool		 starttls;		/* --stls / --starttls */
	const char	*cafile;
	bool		 insecure;
	/* append each TLS session's NSS key log lines (net.h); NULL: none */
	struct net_keylog *keylog;
	int		 tls_max;		/* 0: the highest; 0x0303: TLS 1.2 */
	const char	*user;			/* NULL: no authentication */
	/* The secret: owned by the caller, wiped by the caller. */
	const char	*password;
	size_t		 passlen;
	enum probe_auth	 auth;
	int		 connect_timeout_ms;	/* -1: unset (default used) */
	int		 read_timeout_ms;	/* -1: unset; 0: forever */
	/* The whole session, from Store.connect/Transport.connect on. */
	int		 max_time_ms;		/* -1: unset (MT_MAX_TIME_DEFAULT s);
						   0: no limit */
	const char	*limit_name;		/* names the limit in messages;
						   NULL: "--max-time N s" */
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
#define SMTP_ADDR_HARD	254		/* RFC 5321 4.5.3.1.3: a path is 256
					   octets with its angle brackets */
#define SMTP_HELO_HARD	255		/* RFC 5321 4.5.3.1.2: a domain */
#define SMTP_IDENT_HARD	128		/* the probe's name in the message */
/*
 * The largest generated test message (smtp_default_message()): its fixed
 * text with the date and four tokens (under 1 KiB), the ident, the sender,
 * the EHLO name twice, and every recipient on a To: line of its own (a
 * folding CRLF and space, "<", the address, ">,").
 */
#define SMTP_TEST_MSG_HARD						\
	(1024 + SMTP_IDENT_HARD + SMTP_ADDR_HARD + 2 * SMTP_HELO_HARD +	\
	SMTP_RCPT_HARD * (SMTP_ADDR_HARD + 6))

struct smtp_opts {
	struct probe_conn c;
	const char	*helo;
	const char	*from;
	const char	*to[SMTP_RCPT_HARD];
	size_t		 nto;
	/* the message as given (any line endings); stuffed by the probe */
	const uint8_t	*msg;
	size_t		 msglen;
	/* bracket the session with 0xAD0E/0xAD0F, as the static
	   Transport.send(msg) does around connect, sendMessage, close */
	bool		 static_send;
};

struct smtp_result {
	size_t		 accepted;		/* recipients given 2xx */
	int		 rcpt_code[SMTP_RCPT_HARD];	/* 0: not asked */
	bool		 queued;		/* end of data answered 2xx */
	mt_time		 t_queued;		/* when that reply arrived */
	/*
	 * The server turned the session away where an MTA tries the next
	 * MX (RFC 5321 3.1, 3.8; Postfix does): a greeting other than 2xx,
	 * or a 421 before the message was queued.
	 */
	bool		 next_mx;
};

/*
 * Run one session, emitting records to tr.  Return 0 when every step
 * succeeded and 1 when the session failed at some step; err then holds the
 * first failure, for a one-line message (never a secret).
 */
int	probe_pop3(const struct pop3_opts *, struct tracer *, struct mt_err *);
int	probe_smtp(const struct smtp_opts *, struct tracer *,
	    struct smtp_result *, struct mt_err *);

#define POP3_UIDS_HARD	4096	/* UIDs a round trip remembers */
#define POP3_UID_HARD	72	/* RFC 1939 7: 1..70 characters, + NUL */

/* What one POP3 poll of a round trip looks for and found. */
struct pop3_find {
	const char	*token;		/* X-Mailtrace-Token to find; NULL: only
					   remember what is there (baseline) */
	mt_time		 t_sent;	/* the end-of-data reply, for the latency */
	char		(*seen)[POP3_UID_HARD];	/* UIDs already looked at */
	size_t		 nseen;
	bool		 found;
	uint64_t	 msg;		/* its message number */
	char		 uid[POP3_UID_HARD];
	mt_time		 t_found;	/* when its headers arrived */
	bool		 deleted;	/* DELE and QUIT answered +OK */
	size_t		 checked;	/* messages looked at by the last poll */
};

/*
 * One POP3 session of a round trip: Store.connect, Folder.open, the fetch
 * block (UIDL, then TOP n 0 of each message whose UID was not seen
 * before), Folder.close deleting the message that carries the token.  No
 * message is downloaded whole, and no other message is deleted.  Returns
 * as probe_pop3().  pf->seen is allocated on first use; pop3_find_free().
 */
int	probe_pop3_find(const struct pop3_opts *, struct pop3_find *,
	    struct tracer *, struct mt_err *);
void	pop3_find_free(struct pop3_find *);

/*
 * The default test message into buf: Date, From, To, Message-ID, a Subject
 * and an X-Mailtrace-Token header carrying token, and ident (the probe's
 * name and version, at most SMTP_IDENT_HARD octets) in the body.  The To:
 * field is folded (RFC 5322 2.2.3) between addresses so that its lines
 * keep to 78 octets where an address allows, and never exceed 998.
 * Returns its length, or -1 if it does not fit; SMTP_TEST_MSG_HARD octets
 * always do for addresses and names within the limits above.
 */
int	smtp_default_message(char *buf, size_t sz, const struct smtp_opts *,
	    const char *token, const char *ident, mt_time now);

/* A target URL's schemes: pop3:// and pop3s://, or smtp:// and smtps://. */
struct probe_schemes {
	const char	*plain;
	uint16_t	 plain_port;
	const char	*tls;
	uint16_t	 tls_port;
	bool		 need_user;	/* USER@ required */
};
extern const struct probe_schemes probe_schemes_pop3, probe_schemes_smtp;

/* A parsed target: where to connect (c points into it), and its URL. */
struct probe_target {
	struct probe_conn c;
	char		 scheme[8];
	char		 host[256];
	char		 user[256];
	char		 url[600];	/* normalised, with the port: never a
					   secret */
};

/*
 * Parse url into t (c's host and user point into t; timeouts unset).  A
 * password in the URL is refused (never echoed).  0, or -1 with the
 * reason in err (MT_E_USAGE).  No output: the exporter answers the reason.
 */
int	probe_target_parse(struct probe_target *, const char *url,
	    const struct probe_schemes *, struct mt_err *);

/*
 * Finding the servers (issue 13, src/probe/find.c): the connections to
 * try, in order, each lookup a record of its own on tr (session 0, before
 * the first connection).
 */
#define PROBE_ATTEMPTS_HARD	32

struct probe_attempt {
	char		 ip[DNS_IP_HARD];	/* where to connect */
	char		 name[DNS_NAME_HARD];	/* the MX host or SRV target: the
						   name the certificate must hold */
	uint16_t	 port;
	bool		 implicit_tls;		/* an SRV record of _pop3s or
						   _submissions */
};

struct probe_found {
	struct probe_attempt	 at[PROBE_ATTEMPTS_HARD];
	size_t			 n;
};

/*
 * domain's mail exchangers in RFC 5321 5.1's order (the implicit MX when
 * there is none), each host's addresses (A, then AAAA), on port.  0 with
 * f->n >= 1; -1 with err when there is nothing to try: NXDOMAIN, a null MX
 * ("accepts no mail"), a failed lookup, no host with an address.
 */
int	probe_find_mx(const struct dns_conf *, struct tracer *,
	    const char *domain, uint16_t port, struct probe_found *,
	    struct mt_err *);
/*
 * RFC 6186: the SRV targets of _TLS._tcp.DOMAIN (implicit TLS), then of
 * _PLAIN._tcp.DOMAIN, each in RFC 2782's order, with their addresses and
 * the records' ports.  0 with f->n >= 1; -1 with err when neither name
 * gives a server with an address (a target "." is "not offered").
 */
int	probe_find_srv(const struct dns_conf *, struct tracer *,
	    const char *tls_service, const char *plain_service,
	    const char *domain, struct probe_found *, struct mt_err *);
/*
 * Whether a failed session moves on to the next server found, as an MTA
 * does: the server could not be talked to (refused, timeout, TLS, reset,
 * closed).  A server's own refusal (AUTH, PROTO, SEND) ends the search: it
 * answered for the domain.
 */
bool	probe_try_next(const struct mt_err *);

/* The mechanism for an --auth word; false when unknown. */
bool	probe_auth_parse(const char *, enum probe_auth *);
const char *probe_auth_name(enum probe_auth);

#endif
