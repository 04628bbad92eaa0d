/*
 * cli_common.h - what the probe commands share: target URLs, the password
 * door, the common options, and one stored, printed run.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_CLI_CLI_COMMON_H
#define MT_CLI_CLI_COMMON_H

#include <getopt.h>
#include <stdbool.h>

#include "cli_mon.h"
#include "otlp.h"
#include "probe.h"
#include "sink.h"
#include "store.h"
#include "trace.h"

/* One target: pop3:// pop3s:// smtp:// smtps://. */
struct cli_target {
	struct probe_conn	 c;
	char			 scheme[8];
	char			 host[256];
	char			 user[256];
	char			 url[600];	/* as recorded: never a secret */
	char			 secret[MT_SECRET_HARD + 2];
	const char		*password_file;
};

/* Options every probe command takes. */
struct cli_common {
	enum level		 level;
	enum sink_format	 fmt;
	const char		*db;
	const char		*cafile;
	bool			 insecure;
	int			 connect_timeout_ms;	/* -1: unset */
	int			 read_timeout_ms;	/* -1: unset */
	int			 max_time_ms;		/* -1: unset */
	uint64_t		 max_body;
	/* the command's arguments after its name, stored with the run */
	int			 argc;
	char *const		*argv;
	const char		*keylog;	/* --keylog FILE, else $SSLKEYLOGFILE */
	struct net_keylog	*kl;		/* it, open (cli_common_check) */
	int			 tls_max;	/* --tls-max: 0 or 0x0303 */
	bool			 level_set;	/* --level given */
	bool			 fmt_set;	/* --format given */
	struct cli_mon		 mon;		/* --nagios, --prom-file */
	const char		*otlp;		/* --otlp URL; NULL: none */
	const char		*dns_server;	/* --dns-server; NULL: the system's */
	int			 dns_timeout_ms;	/* --dns-timeout; -1: unset */
};

/* Long options of struct cli_common; values are CLI_OPT_* below. */
#define CLI_OPT_BASE		0x100
#define CLI_COMMON_OPTIONS						\
	{ "cafile", required_argument, NULL, CLI_OPT_BASE + 0 },	\
	{ "insecure", no_argument, NULL, CLI_OPT_BASE + 1 },		\
	{ "level", required_argument, NULL, CLI_OPT_BASE + 2 },		\
	{ "format", required_argument, NULL, CLI_OPT_BASE + 3 },	\
	{ "db", required_argument, NULL, CLI_OPT_BASE + 4 },		\
	{ "connect-timeout", required_argument, NULL, CLI_OPT_BASE + 5 }, \
	{ "timeout", required_argument, NULL, CLI_OPT_BASE + 6 },	\
	{ "max-body", required_argument, NULL, CLI_OPT_BASE + 7 },	\
	{ "password", required_argument, NULL, CLI_OPT_BASE + 8 },	\
	{ "max-time", required_argument, NULL, CLI_OPT_BASE + 9 }

/* --keylog: the probe commands' own (decode's --keylog reads keys). */
#define CLI_OPT_KEYLOG		(CLI_OPT_BASE + 10)
#define CLI_OPT_TLS_MAX		(CLI_OPT_BASE + 11)
#define CLI_KEYLOG_OPTION						\
	{ "keylog", required_argument, NULL, CLI_OPT_KEYLOG },		\
	{ "tls-max", required_argument, NULL, CLI_OPT_TLS_MAX }
#define CLI_KEYLOG_HELP							\
"  --keylog FILE          append the TLS sessions' keys to FILE (NSS key\n" \
"                         log, as SSLKEYLOGFILE, which is honoured too;\n" \
"                         made mode 0600): it decrypts those sessions,\n" \
"                         passwords included (docs/tls.md)\n" \
"  --tls-max VERSION      1.2 or 1.3 (default): the highest TLS version\n" \
"                         offered (1.2 is the lowest ever offered)\n"

/* Finding the servers (pop3 and smtp): the resolver and its timeout. */
#define CLI_OPT_DNS_SERVER	(CLI_OPT_BASE + 12)
#define CLI_OPT_DNS_TIMEOUT	(CLI_OPT_BASE + 13)
/* --otlp URL: the probes' (and batch's) traces to an OTLP/HTTP collector */
#define CLI_OPT_OTLP		(CLI_OPT_BASE + 14)
#define CLI_OTLP_OPTION							\
	{ "otlp", required_argument, NULL, CLI_OPT_OTLP }
#define CLI_OTLP_HELP							\
"  --otlp URL             also send the run as OpenTelemetry traces over\n" \
"                         OTLP/HTTP JSON to URL (http://HOST:4318; a URL\n" \
"                         without a path gets /v1/traces), when it ends,\n" \
"                         within --timeout (docs/otlp.md)\n"
#define CLI_DNS_OPTIONS							\
	{ "dns-server", required_argument, NULL, CLI_OPT_DNS_SERVER },	\
	{ "dns-timeout", required_argument, NULL, CLI_OPT_DNS_TIMEOUT }
#define CLI_DNS_HELP							\
"  --dns-server ADDR[:PORT]  the resolver for MX and SRV lookups (IPv4, or\n" \
"                         [IPv6]:PORT; default port 53); default: the\n" \
"                         system's (/etc/resolv.conf)\n"		\
"  --dns-timeout MS       each DNS lookup's limit (unset: 5000; 1 to\n" \
"                         600000); --max-time still bounds them all\n"

void	cli_common_init(struct cli_common *);
/*
 * The lookups' settings from the common options: --dns-server,
 * --dns-timeout, and --max-time's limit from now (docs/cli.md).
 */
void	cli_dns_conf(const struct cli_common *, struct dns_conf *);
/*
 * Handle one getopt_long() result: 1 when it was a common option, 0 when
 * not, -1 on a bad value (message printed).
 */
int	cli_common_opt(struct cli_common *, int ch, const char *arg);
/*
 * getopt_long() returned ':' (a value missing) or '?' (an unknown option)
 * for command cmd: say so on stderr and return -1.
 */
int	cli_opt_error(const char *cmd, int ch, char **argv);
/*
 * Options that contradict each other; -1 with a message.  Opens the key log
 * (--keylog, else $SSLKEYLOGFILE when set and not empty), kept open for the
 * process; a key log that cannot be opened is a usage error.
 */
int	cli_common_check(struct cli_common *);
/* Copy the common connection settings into a target. */
void	cli_common_apply(const struct cli_common *, struct cli_target *);

/*
 * Parse URL into t (probe_target_parse(), the exporter's parser too).
 * schemes lists the accepted pair ("pop3" and "pop3s", or "smtp" and
 * "smtps") with their default ports; need_user says whether USER@ is
 * required.  A password in the URL is refused.  -1 on error (message
 * printed).
 */
int	cli_target_parse(struct cli_target *, const char *url,
	    const char *plain, uint16_t plain_port, const char *tls,
	    uint16_t tls_port, bool need_user);
/*
 * The domain of the --to addresses (n of them) for their MX, into domain
 * (DNS_NAME_HARD): every one USER@DOMAIN of one domain.  -1 with a
 * message (cmd names the command).
 */
int	cli_mx_domain(const char *cmd, const char *const *to, size_t n,
	    char *domain);
/*
 * --srv: t (parsed from url) names a domain: plain's scheme only (the SRV
 * records say which servers use TLS), no port; t->url becomes
 * "srv:plain://[USER@]DOMAIN".  -1 with a message.
 */
int	cli_srv_target(struct cli_target *, const char *url,
	    const char *plain);
/*
 * The password for t: t->password_file (a file, or - for stdin), else the
 * environment variable env.  -1 on error (message printed).  Wiped by
 * cli_target_wipe().
 */
int	cli_target_password(struct cli_target *, const char *env);
void	cli_target_wipe(struct cli_target *);

/*
 * An envelope address for MAIL/RCPT (--from, --to; opt names it): at most
 * SMTP_ADDR_HARD octets, printable, no spaces or angle brackets; empty
 * only when empty_ok.  -1 with a message (the address escaped).
 */
int	cli_check_addr(const char *opt, const char *a, bool empty_ok);
/*
 * --helo NAME: a domain or address literal of at most SMTP_HELO_HARD
 * octets (RFC 5321 4.1.2, 4.5.3.1.2), printable, no spaces; copied into
 * helo (sz > SMTP_HELO_HARD).  -1 with a message.
 */
int	cli_check_helo(const char *name, char *helo, size_t sz);
/* The EHLO name: helo as given, else this host's name, else "localhost". */
void	cli_default_helo(char *helo, size_t sz);
/*
 * The generated test message for o (o->helo set) into buf, with a fresh
 * random token (33 bytes) and ident in its body; sets o->msg/msglen.
 * -1 with a message on failure.
 */
int	cli_test_message(struct smtp_opts *o, char *buf, size_t sz,
	    char token[33], const char *ident);

/* One run: the store, the run row, the tracer with stdout and store sinks. */
struct cli_run {
	struct store		*st;
	struct tracer		 tr;
	struct run_info		 ri;
	bool			 begun;
	bool			 shared;	/* st is the caller's (batch) */
	struct otlp_conf	 otlp;		/* --otlp: its sink's settings */
	bool			 stop_ends;	/* SIGINT/SIGTERM: the end (live) */
	/* --nagios / --prom-file: the summary, and the plugin's long output */
	const struct cli_mon	*mo;
	struct mon_run		*mon;
	FILE			*longout;
};

/*
 * Open the store, begin the run, set up the sinks (the store's first, so
 * that what is shown is stored), and take SIGINT and SIGTERM: from then on
 * they stop every network wait (wait_stop()) and cli_stop_hook()'s function,
 * and cli_run_end() stores the run as ended by the signal.  EXIT_USAGE on
 * error, after cleaning up (nothing is left to end or close).
 */
int	cli_run_begin(struct cli_run *, const struct cli_common *,
	    const char *proto, const char *target);
/*
 * A run in st, a store the caller opened and closes (batch: one store, a
 * run per session): as cli_run_begin(), but the records are only stored
 * (no output, no --nagios or --prom-file) and no signals are taken (the
 * caller took them: cli_take_signals()).
 */
int	cli_run_begin_in(struct cli_run *, struct store *st,
	    const struct cli_common *, const char *proto, const char *target);
/*
 * Open (or create) the store at db, else at the default path: 0, or -1
 * with the reason said on stderr.
 */
int	cli_store_open(const char *db, struct store **st);
/*
 * The --otlp URL of every run whose command line has none (batch's own
 * --otlp); NULL: none.  The string must outlive the runs.
 */
void	cli_otlp_default(const char *url);
/* From now on SIGINT and SIGTERM stop the waits (as cli_run_begin()). */
void	cli_take_signals(void);
/*
 * Flush and close the sinks, end the run with status, and return the final
 * exit status: 128 + the signal when SIGINT or SIGTERM came (unless
 * r->stop_ends), else status, or EXIT_SESSION when recording failed (one
 * line on stderr says so, and whether the end status was lost too).  With
 * --prom-file the metrics are written then; with --nagios the plugin's
 * output is printed and its state (0 to 3) returned instead (the store
 * keeps the probe's own status).
 */
int	cli_run_end(struct cli_run *, int status);
/*
 * Also call fn (async-signal-safe) on SIGINT and SIGTERM, e.g. to break a
 * capture loop.  NULL: nothing more.
 */
void	cli_stop_hook(void (*fn)(void));
/*
 * The next run is a check's probe held against baseline (NULL: an ordinary
 * run again): it is stored with the baseline's name and not printed.
 * cli_check_run_id(): that run's id once cli_run_begin() made it (0: none).
 */
void	cli_run_for_check(const char *baseline);
uint64_t cli_check_run_id(void);
/* --format's value into *fmt; -1 (said on stderr) when it is none. */
int	cli_format(const char *arg, enum sink_format *fmt);
/*
 * Open the store that must exist already (show, baseline, diff, check):
 * *db, or when NULL the default path (written into buf, and *db set to
 * it).  0, or -1 with the reason said on stderr.
 */
int	cli_store_existing(const char **db, char *buf, size_t bufsz,
	    struct store **st);
/* The signal (SIGINT or SIGTERM) that came since cli_run_begin(), or 0. */
int	cli_stopped(void);
/*
 * Move the run's sinks onto a writer thread (sink_async_new): for the
 * decoder, whose records come faster than one thread formats and stores
 * them.  -1 with a message when the thread cannot be had (the sinks stay
 * as they were).
 */
int	cli_run_async(struct cli_run *);
/*
 * The servers found (MX, SRV) tried in order, one session each on the
 * run's tracer tr: one() runs a session with c (base with the attempt's
 * address as host, its name as tls_name, its port; for SRV, srv true, its
 * implicit TLS).  Stops at the first session that succeeds, unless all;
 * moves on after a failure only when probe_try_next() says the server
 * could not be talked to, or one() said CLI_FOUND_NEXT.  Each failure is said on stderr.  0 when one
 * succeeded (all: every one), else EXIT_SESSION.
 */
typedef int (*cli_session_fn)(void *, const struct probe_conn *,
    struct tracer *, struct mt_err *);
/* one()'s answer for a session the server turned away where an MTA tries
 * the next MX (a non-2xx greeting, a 421): failed, the next is tried. */
#define CLI_FOUND_NEXT	2
int	cli_found_run(struct tracer *, const struct probe_found *,
	    const struct probe_conn *base, bool srv, bool all,
	    cli_session_fn one, void *arg);
/* "mailtrace: TARGET: message (exception class)" */
void	cli_session_err(const char *target, const struct mt_err *);

#endif
