/*
 * SPDX-License-Identifier: BSD-2-Clause
 * cli_common.c - target URLs, the password door, common options and the
 * stored run, shared by mailtrace pop3, smtp and roundtrip.
 */
#include "cli_common.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "crypto.h"
#include "explain/explain.h"
#include "net.h"
#include "wait.h"

/* A check's probe (cli_run_for_check()): its baseline, and its run. */
static const char		 *cli_check_baseline;
static const char		 *cli_otlp_url;	/* batch's --otlp */
static uint64_t			  cli_check_run;

/* SIGINT or SIGTERM, once one came (cli_on_stop()); 0 before. */
static volatile sig_atomic_t	  cli_stop_sig;
static void			(*cli_stop_also)(void);

static void	cli_on_stop(int);
static void	cli_stop_signals(void);
static int	run_mon_end(struct cli_run *, int, bool);
static int	run_begin(struct cli_run *, const struct cli_common *,
		    const char *, const char *, struct store *, bool);
static void	run_otlp_warn(void *, const char *);

void
cli_common_init(struct cli_common *o)
{
	memset(o, 0, sizeof(*o));
	o->level = LEVEL_STANDARD;
	o->fmt = SINK_TEXT;
	o->connect_timeout_ms = -1;
	o->read_timeout_ms = -1;
	o->max_time_ms = -1;
	o->dns_timeout_ms = -1;
	cli_mon_init(&o->mon);
}

int
cli_common_opt(struct cli_common *o, int ch, const char *arg)
{
	struct mt_err	e;
	long long	v;
	char		norm[DNS_SERVER_HARD];

	switch (ch - CLI_OPT_BASE) {
	case 0:
		/* Found now, not after connecting and sending STLS. */
		mt_err_clear(&e);
		if (net_cafile_check(arg, &e) != 0) {
			cli_err("--cafile: %s", e.msg);
			return -1;
		}
		o->cafile = arg;
		return 1;
	case 1:
		o->insecure = true;
		return 1;
	case 2:
		o->level_set = true;
		if (strcmp(arg, "standard") == 0)
			o->level = LEVEL_STANDARD;
		else if (strcmp(arg, "advanced") == 0)
			o->level = LEVEL_ADVANCED;
		else {
			cli_err("--level: \"%s\" is not standard or advanced",
			    arg);
			return -1;
		}
		return 1;
	case 3:
		o->fmt_set = true;
		return cli_format(arg, &o->fmt) == 0 ? 1 : -1;
	case 4:
		o->db = arg;
		return 1;
	case 5:
		if (cli_number("--connect-timeout", arg, 0, 86400000, &v) != 0)
			return -1;
		o->connect_timeout_ms = (int)v;
		return 1;
	case 6:
		if (cli_number("--timeout", arg, 0, 86400000, &v) != 0)
			return -1;
		o->read_timeout_ms = (int)v;
		return 1;
	case 7:
		if (cli_number("--max-body", arg, 1, (long long)MT_BODY_HARD,
		    &v) != 0)
			return -1;
		o->max_body = (uint64_t)v;
		return 1;
	case 8:
		/* Never echo the value: it is a password. */
		cli_err("--password is refused (a password on the command line "
		    "shows in process lists and shell history); use "
		    "--password-file FILE or the environment variable");
		return -1;
	case 9:
		if (cli_number("--max-time", arg, 0, MT_MAX_TIME_HARD, &v) != 0)
			return -1;
		o->max_time_ms = (int)v * 1000;
		return 1;
	case 10:
		if (*arg == '\0') {
			cli_err("--keylog: the file name is empty");
			return -1;
		}
		o->keylog = arg;
		return 1;
	case 12:
		mt_err_clear(&e);
		if (dns_server_parse(arg, norm, &e) != 0) {
			cli_err("%s", e.msg);
			return -1;
		}
		o->dns_server = arg;
		return 1;
	case 13:
		if (cli_number("--dns-timeout", arg, 1, 600000, &v) != 0)
			return -1;
		o->dns_timeout_ms = (int)v;
		return 1;
	case 14:
		mt_err_clear(&e);
		if (otlp_url_check(arg, &e) != 0) {
			cli_err("%s", e.msg);
			return -1;
		}
		o->otlp = arg;
		return 1;
	case 11:
		if (strcmp(arg, "1.2") == 0)
			o->tls_max = 0x0303;	/* TLS1_2_VERSION */
		else if (strcmp(arg, "1.3") == 0)
			o->tls_max = 0;
		else {
			cli_err("--tls-max: \"%s\" is not 1.2 or 1.3", arg);
			return -1;
		}
		return 1;
	default:
		return cli_mon_opt(&o->mon, ch, arg);
	}
}

int
cli_opt_error(const char *cmd, int ch, char **argv)
{
	if (ch == ':')
		cli_err("%s: %s needs a value", cmd, argv[optind - 1]);
	else
		cli_err("%s: unknown option \"%s\" (try mailtrace %s --help)",
		    cmd, argv[optind - 1], cmd);
	return -1;
}

#define CLI_KEYLOGS_HARD	16	/* key log files one process opens */

/* The key logs opened, by path: one handle each for the whole process. */
static struct {
	char			 path[4096];
	struct net_keylog	*k;
}			 cli_keylogs[CLI_KEYLOGS_HARD];
static size_t		 cli_nkeylogs;

static void
cli_keylogs_close(void)
{
	size_t	i;

	for (i = 0; i < cli_nkeylogs; i++)
		net_keylog_close(cli_keylogs[i].k);
	cli_nkeylogs = 0;
}

/* The key log of path, opened once; NULL with the reason said. */
static struct net_keylog *
cli_keylog(const char *path, bool from_env)
{
	struct mt_err	 err;
	size_t		 i;

	for (i = 0; i < cli_nkeylogs; i++)
		if (strcmp(cli_keylogs[i].path, path) == 0)
			return cli_keylogs[i].k;
	if (cli_nkeylogs == CLI_KEYLOGS_HARD) {
		cli_err("--keylog: at most %d key log files", CLI_KEYLOGS_HARD);
		return NULL;
	}
	if (strlen(path) >= sizeof(cli_keylogs[0].path)) {
		cli_err("--keylog: the file name is too long");
		return NULL;
	}
	mt_err_clear(&err);
	if (net_keylog_open(path, &cli_keylogs[cli_nkeylogs].k, &err) != 0) {
		cli_err("%s%s", err.msg, from_env ? " (SSLKEYLOGFILE)" : "");
		return NULL;
	}
	if (cli_nkeylogs == 0)
		atexit(cli_keylogs_close);
	snprintf(cli_keylogs[cli_nkeylogs].path,
	    sizeof(cli_keylogs[0].path), "%s", path);
	return cli_keylogs[cli_nkeylogs++].k;
}

int
cli_common_check(struct cli_common *o)
{
	const char	*env = getenv("SSLKEYLOGFILE");
	bool		 from_env = false;

	if (o->keylog == NULL && env != NULL && *env != '\0') {
		o->keylog = env;
		from_env = true;
	}
	if (o->keylog != NULL && (o->kl = cli_keylog(o->keylog,
	    from_env)) == NULL)
		return -1;
	return cli_mon_check(&o->mon, o->fmt_set);
}

void
cli_common_apply(const struct cli_common *o, struct cli_target *t)
{
	t->c.cafile = o->cafile;
	t->c.insecure = o->insecure;
	t->c.keylog = o->kl;
	t->c.tls_max = o->tls_max;
	t->c.connect_timeout_ms = o->connect_timeout_ms;
	t->c.read_timeout_ms = o->read_timeout_ms;
	t->c.max_time_ms = o->max_time_ms;
	t->c.max_body = o->max_body;
}

void
cli_dns_conf(const struct cli_common *o, struct dns_conf *dc)
{
	int64_t	ms;

	memset(dc, 0, sizeof(*dc));
	dc->server = o->dns_server;
	dc->timeout_ms = o->dns_timeout_ms > 0 ? o->dns_timeout_ms :
	    DNS_TIMEOUT_DEFAULT;
	ms = o->max_time_ms < 0 ? (int64_t)MT_MAX_TIME_DEFAULT * 1000 :
	    o->max_time_ms;
	dc->deadline_us = ms > 0 ? mt_mono_us() + ms * 1000 : 0;
}

int
cli_target_parse(struct cli_target *t, const char *url, const char *plain,
    uint16_t plain_port, const char *tls, uint16_t tls_port, bool need_user)
{
	struct probe_schemes	sc = { plain, plain_port, tls, tls_port,
				    need_user };
	struct probe_target	pt;
	struct mt_err		err;

	mt_err_clear(&err);
	if (probe_target_parse(&pt, url, &sc, &err) != 0) {
		cli_err("%s", err.msg);
		return -1;
	}
	t->c.host = NULL;
	t->c.user = NULL;
	t->c.port = pt.c.port;
	t->c.implicit_tls = pt.c.implicit_tls;
	snprintf(t->scheme, sizeof(t->scheme), "%s", pt.scheme);
	snprintf(t->host, sizeof(t->host), "%s", pt.host);
	snprintf(t->user, sizeof(t->user), "%s", pt.user);
	snprintf(t->url, sizeof(t->url), "%s", pt.url);
	t->c.host = t->host;
	if (pt.c.user != NULL)
		t->c.user = t->user;
	return 0;
}

int
cli_mx_domain(const char *cmd, const char *const *to, size_t n, char *domain)
{
	const char	*at, *d;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if ((at = strrchr(to[i], '@')) == NULL || at[1] == '\0') {
			cli_err("%s: without a URL every --to needs a domain "
			    "(USER@DOMAIN) for its MX", cmd);
			return -1;
		}
		d = at + 1;
		if (i == 0) {
			if (strlen(d) >= DNS_NAME_HARD || d[0] == '[') {
				cli_err("%s: --to's domain is not a domain name",
				    cmd);
				return -1;
			}
			snprintf(domain, DNS_NAME_HARD, "%s", d);
		} else if (strcasecmp(d, domain) != 0) {
			cli_err("%s: without a URL every --to is of one domain "
			    "(%s): run one probe per domain", cmd, domain);
			return -1;
		}
	}
	return 0;
}

int
cli_srv_target(struct cli_target *t, const char *url, const char *plain)
{
	const char	*h, *at;

	if (strcmp(t->scheme, plain) != 0) {
		cli_err("--srv takes %s://DOMAIN: the SRV records say which "
		    "servers use TLS", plain);
		return -1;
	}
	h = strstr(url, "://");
	h = h != NULL ? h + 3 : url;
	if ((at = strrchr(h, '@')) != NULL)
		h = at + 1;
	if (h[0] == '[' || strchr(h, ':') != NULL) {
		cli_err("--srv: the URL names a domain, without a port (the "
		    "SRV records give the ports)");
		return -1;
	}
	snprintf(t->url, sizeof(t->url), "srv:%s://%s%s%s", plain, t->user,
	    t->user[0] != '\0' ? "@" : "", t->host);
	return 0;
}

int
cli_target_password(struct cli_target *t, const char *env)
{
	const char	*ev;
	FILE		*fp;
	size_t		 n;

	if (t->password_file != NULL) {
		if (strcmp(t->password_file, "-") == 0)
			fp = stdin;
		else if ((fp = fopen(t->password_file, "r")) == NULL) {
			cli_err("password file %s: %s", t->password_file,
			    strerror(errno));
			return -1;
		}
		n = fread(t->secret, 1, sizeof(t->secret) - 1, fp);
		if (ferror(fp)) {
			cli_err("password file %s: read error",
			    t->password_file);
			if (fp != stdin)
				fclose(fp);
			return -1;
		}
		if (fp != stdin)
			fclose(fp);
		t->secret[n] = '\0';
		n = strcspn(t->secret, "\r\n");	/* the first line only */
		if (n > MT_SECRET_HARD) {
			cli_err("password file %s: the password is longer "
			    "than %d bytes", t->password_file, MT_SECRET_HARD);
			return -1;
		}
		explicit_bzero(t->secret + n, sizeof(t->secret) - n);
	} else if ((ev = getenv(env)) != NULL) {
		n = strlen(ev);
		if (n > MT_SECRET_HARD) {
			cli_err("%s is longer than %d bytes", env,
			    MT_SECRET_HARD);
			return -1;
		}
		/* One line: a CR or LF would end PASS and start a command. */
		if (strcspn(ev, "\r\n") != n) {
			cli_err("%s holds a line break (a password is one "
			    "line)", env);
			return -1;
		}
		memcpy(t->secret, ev, n);
		t->secret[n] = '\0';
	} else {
		cli_err("no password for %s: use --password-file FILE or set "
		    "%s", t->url, env);
		return -1;
	}
	if (n == 0) {
		cli_err("the password for %s is empty", t->url);
		return -1;
	}
	t->c.password = t->secret;
	t->c.passlen = n;
	return 0;
}

void
cli_target_wipe(struct cli_target *t)
{
	explicit_bzero(t->secret, sizeof(t->secret));
	t->c.password = NULL;
	t->c.passlen = 0;
}

/*
 * SIGINT, SIGTERM: stop what waits (the probe's connection; the decoder's
 * capture through cli_stop_also) so that the run ends as any failed run
 * does, its records kept and its end status stored (cli_run_end()).
 */
static void
cli_on_stop(int sig)
{
	cli_stop_sig = sig;
	wait_stop();
	if (cli_stop_also != NULL)
		cli_stop_also();
}

/*
 * No SA_RESTART: a wait in progress returns (EINTR) and sees the stop.  A
 * signal ignored when mailtrace started (nohup, a background job of a
 * script) stays ignored.
 */
static void
cli_stop_signals(void)
{
	static const int	sigs[] = { SIGINT, SIGTERM };
	struct sigaction	sa, old;
	size_t			i;

	if (wait_stop_init() != 0)
		cli_err("no pipe for SIGINT/SIGTERM (%s): a signal during a "
		    "wait is seen when the wait ends", strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cli_on_stop;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
}

/* A failed export: said, the run not failed for it (docs/otlp.md). */
static void
run_otlp_warn(void *arg, const char *msg)
{
	(void)arg;
	cli_err("%s", msg);
}

void
cli_otlp_default(const char *url)
{
	cli_otlp_url = url;
}

void
cli_take_signals(void)
{
	cli_stop_signals();
}

void
cli_stop_hook(void (*fn)(void))
{
	sigset_t	set, old;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, &old);
	cli_stop_also = fn;
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int
cli_stopped(void)
{
	return cli_stop_sig;
}

int
cli_store_open(const char *db, struct store **st)
{
	struct mt_err	 err;
	char		 dbbuf[4096];

	*st = NULL;
	if (db == NULL && (db = store_default_path(dbbuf, sizeof(dbbuf))) ==
	    NULL) {
		cli_err("no store path: set --db, MAILTRACE_DB or HOME");
		return -1;
	}
	mt_err_clear(&err);
	if (store_open(db, st, &err) != 0) {
		cli_err("%s", err.msg);
		return -1;
	}
	return 0;
}

int
cli_run_begin(struct cli_run *r, const struct cli_common *o,
    const char *proto, const char *target)
{
	struct store	*st;

	if (cli_store_open(o->db, &st) != 0)
		return EXIT_USAGE;
	return run_begin(r, o, proto, target, st, false);
}

int
cli_run_begin_in(struct cli_run *r, struct store *st,
    const struct cli_common *o, const char *proto, const char *target)
{
	return run_begin(r, o, proto, target, st, true);
}

/*
 * The run in store st (closed at the run's end unless shared): a shared
 * store's run (a batch's session) is stored, not printed, and takes no
 * signals of its own.
 */
static int
run_begin(struct cli_run *r, const struct cli_common *o, const char *proto,
    const char *target, struct store *st, bool shared)
{
	struct mt_err	 err;
	struct sink	*out, *ss, *ms, *os;
	enum level	 level;

	memset(r, 0, sizeof(*r));
	r->st = st;
	r->shared = shared;
	mt_err_clear(&err);
	/* The plugin and the metrics want every step, unless told. */
	level = o->level;
	if (!o->level_set && (o->mon.nagios || o->mon.prom_file != NULL))
		level = LEVEL_ADVANCED;
	r->ri.proto = proto;
	r->ri.target = target;
	r->ri.level = level == LEVEL_ADVANCED ? "advanced" : "standard";
	r->ri.started = mt_wall_now();
	r->ri.pid = (long)getpid();
	r->ri.argc = o->argc;
	r->ri.argv = o->argv;
	r->ri.baseline = cli_check_baseline;
	if (store_run_begin(r->st, &r->ri, &err) != 0) {
		cli_err("%s", err.msg);
		if (!r->shared)
			store_close(r->st);
		r->st = NULL;
		return EXIT_USAGE;
	}
	r->begun = true;
	cli_check_run = r->ri.run;
	trace_init(&r->tr, level, REC_PROBE);
	r->tr.run = r->ri.run;
	/* Every failed record says what it means (the decoder's forks too). */
	r->tr.explain = explain_rec;
	/*
	 * The store first: at each flush the records are committed before
	 * they are shown, so a record seen on stdout is in the store.
	 */
	if ((ss = store_sink(r->st)) != NULL)
		trace_add_sink(&r->tr, ss);
	/* --otlp: the run's traces to a collector when it ends. */
	if (o->otlp != NULL || cli_otlp_url != NULL) {
		r->otlp.url = o->otlp != NULL ? o->otlp : cli_otlp_url;
		r->otlp.timeout_ms = o->read_timeout_ms > 0 ?
		    o->read_timeout_ms : MT_READ_TIMEOUT_DEFAULT;
		r->otlp.warn = run_otlp_warn;
		if ((os = otlp_sink_new(&r->otlp, &r->ri, &err)) == NULL) {
			cli_err("--otlp: %s", err.msg);
			return cli_run_end(r, EXIT_USAGE);
		}
		trace_add_sink(&r->tr, os);
	}
	r->mo = &o->mon;
	if (shared)
		return 0;
	if ((o->mon.nagios || o->mon.prom_file != NULL) &&
	    cli_check_baseline == NULL) {
		if ((r->mon = malloc(sizeof(*r->mon))) == NULL) {
			cli_err("out of memory");
			return cli_run_end(r, EXIT_USAGE);
		}
		mon_run_init(r->mon, proto);
		if ((ms = mon_sink_new(r->mon, &err)) == NULL) {
			cli_err("%s", err.msg);
			return cli_run_end(r, EXIT_USAGE);
		}
		trace_add_sink(&r->tr, ms);
	}
	/* The plugin's long output: the text trace, kept on disk till the end. */
	if (o->mon.nagios && cli_check_baseline == NULL &&
	    (r->longout = tmpfile()) == NULL) {
		cli_err("--nagios: a temporary file: %s", strerror(errno));
		return cli_run_end(r, EXIT_USAGE);
	}
	/* A check's probe is compared, not printed (cli_run_for_check()). */
	if (cli_check_baseline == NULL) {
		if ((out = sink_new(r->longout != NULL ? SINK_TEXT : o->fmt,
		    r->longout != NULL ? r->longout : stdout, &r->ri,
		    &err)) == NULL) {
			cli_err("%s", err.msg);
			/* The run row exists: end it, so the store says so. */
			return cli_run_end(r, EXIT_USAGE);
		}
		trace_add_sink(&r->tr, out);
	}
	/* From here a signal ends the run as recorded, not the process. */
	cli_stop_signals();
	return 0;
}

int
cli_format(const char *arg, enum sink_format *fmt)
{
	if (sink_format_parse(arg, fmt) != 0) {
		cli_err("--format: \"%s\" is not text, prf or jsonl", arg);
		return -1;
	}
	return 0;
}

int
cli_store_existing(const char **db, char *buf, size_t bufsz,
    struct store **st)
{
	struct mt_err	err;

	*st = NULL;
	if (*db == NULL && (*db = store_default_path(buf, bufsz)) == NULL) {
		cli_err("no store path: set --db, MAILTRACE_DB or HOME");
		return -1;
	}
	mt_err_clear(&err);
	if (store_open_existing(*db, st, &err) != 0) {
		cli_err("%s", err.msg);
		return -1;
	}
	return 0;
}

void
cli_run_for_check(const char *baseline)
{
	cli_check_baseline = baseline;
	cli_check_run = 0;
}

uint64_t
cli_check_run_id(void)
{
	return cli_check_run;
}

int
cli_run_async(struct cli_run *r)
{
	struct mt_err	 err;
	struct sink	*a;

	mt_err_clear(&err);
	if ((a = sink_async_new(r->tr.sinks, r->tr.nsinks, &err)) == NULL) {
		cli_err("%s", err.msg);
		return -1;
	}
	r->tr.sinks[0] = a;
	r->tr.nsinks = 1;
	return 0;
}

void
cli_session_err(const char *target, const struct mt_err *err)
{
	const char	*cls = mt_exc_class(err->code);

	cli_err("%s: %s (%s)", target, err->msg, cls[0] ? cls :
	    "no exception class");
}

int
cli_found_run(struct tracer *tr, const struct probe_found *f,
    const struct probe_conn *base, bool srv, bool all, cli_session_fn one,
    void *arg)
{
	const struct probe_attempt	*at;
	struct probe_conn		 c;
	struct mt_err			 err;
	char				 label[DNS_NAME_HARD + DNS_IP_HARD + 16];
	size_t				 i, ok = 0;
	int				 rc;

	for (i = 0; i < f->n; i++) {
		at = &f->at[i];
		c = *base;
		c.host = at->ip;
		c.tls_name = at->name;
		c.port = at->port;
		if (srv) {
			c.implicit_tls = at->implicit_tls;
			if (c.implicit_tls)
				c.starttls = false;
		}
		mt_err_clear(&err);
		if ((rc = one(arg, &c, tr, &err)) == 0) {
			ok++;
			if (!all)
				return 0;
			continue;
		}
		snprintf(label, sizeof(label), strchr(at->ip, ':') != NULL ?
		    "%s [%s]:%u" : "%s %s:%u", at->name, at->ip, at->port);
		cli_session_err(label, &err);
		if (!all && rc != CLI_FOUND_NEXT && !probe_try_next(&err))
			return EXIT_SESSION;
	}
	return all && ok == f->n ? 0 : EXIT_SESSION;
}

/*
 * One line on stderr at most for what failed here: a store that failed to
 * take the records (a full disk) usually fails to take the end status too;
 * that is said in the same line.
 */
int
cli_run_end(struct cli_run *r, int status)
{
	struct mt_err	err, end;
	bool		lost = false, ended = true;

	mt_err_clear(&err);
	mt_err_clear(&end);
	if (trace_flush(&r->tr, &err) != 0) {
		lost = true;
		status = EXIT_SESSION;
	}
	trace_close(&r->tr);
	if (fflush(stdout) != 0 && !lost) {
		lost = true;
		snprintf(err.msg, sizeof(err.msg), "writing to standard output "
		    "failed: %s", strerror(errno));
		status = EXIT_SESSION;
	}
	if (cli_stop_sig != 0 && !r->stop_ends)
		status = 128 + cli_stop_sig;
	if (r->begun && store_run_end(r->st, r->ri.run, status, mt_wall_now(),
	    &end) != 0)
		ended = false;
	if (lost)
		cli_err("recording the trace failed: %s%s", err.msg, ended ? "" :
		    " (the run is left unfinished in the store)");
	else if (!ended)
		cli_err("%s", end.msg);
	if (!ended && status < 128)
		status = EXIT_SESSION;
	if (!r->shared)
		store_close(r->st);
	r->st = NULL;
	return run_mon_end(r, status, lost || !ended);
}

/*
 * --prom-file and --nagios at the end of a run whose exit status is status
 * (failed: recording it failed, already said).  The plugin's state, or
 * status.
 */
static int
run_mon_end(struct cli_run *r, int status, bool failed)
{
	enum mon_state	 state;

	if (r->mon != NULL && r->mo->prom_file != NULL && !failed &&
	    cli_prom_write(r->mo->prom_file, r->mon) != 0 && status < 128)
		status = EXIT_SESSION;
	if (r->mo != NULL && r->mo->nagios && r->mon != NULL && !failed &&
	    status != EXIT_USAGE && status < 128 &&
	    cli_nagios_service() != NULL) {
		/* A failure no record shows (a round trip's message lost). */
		if (status == EXIT_SESSION)
			mon_run_fail(r->mon, cli_nagios_msg()[0] != '\0' ?
			    cli_nagios_msg() : "the run failed");
		state = mon_nagios(r->mon, &r->mo->th, cli_nagios_service(),
		    stdout);
		/* The trace as long output, with no '|' in it. */
		if (r->longout != NULL)
			cli_nagios_long(r->longout);
		fflush(stdout);
		cli_nagios_printed();
		status = (int)state;
	} else if (status >= 128)
		cli_nagios_note("interrupted by a signal");
	if (r->longout != NULL)
		fclose(r->longout);
	r->longout = NULL;
	free(r->mon);
	r->mon = NULL;
	return status;
}

int
cli_check_addr(const char *opt, const char *a, bool empty_ok)
{
	size_t	i, n = strlen(a);

	if (n == 0 && !empty_ok) {
		cli_err("%s: the address is empty", opt);
		return -1;
	}
	if (n > SMTP_ADDR_HARD) {
		cli_err("%s: the address is longer than %d octets (RFC 5321 "
		    "4.5.3.1.3)", opt, SMTP_ADDR_HARD);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!mt_isprint((unsigned char)a[i]) || a[i] == ' ' ||
		    a[i] == '<' || a[i] == '>') {
			cli_err("%s: \"%s\" is not a plain address (no spaces, "
			    "angle brackets or control characters)", opt, a);
			return -1;
		}
	return 0;
}

int
cli_check_helo(const char *name, char *helo, size_t sz)
{
	size_t	i, n = strlen(name);

	if (n == 0) {
		cli_err("--helo: the name is empty");
		return -1;
	}
	if (n > SMTP_HELO_HARD || n >= sz) {
		cli_err("--helo: the name is longer than %d octets (a domain, "
		    "RFC 5321 4.5.3.1.2)", SMTP_HELO_HARD);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!mt_isprint((unsigned char)name[i]) || name[i] == ' ') {
			cli_err("--helo: \"%s\" is not a host name or address "
			    "literal (no spaces or control characters)", name);
			return -1;
		}
	memcpy(helo, name, n + 1);
	return 0;
}

void
cli_default_helo(char *helo, size_t sz)
{
	if (helo[0] == '\0' && (gethostname(helo, sz - 1) != 0 ||
	    helo[0] == '\0'))
		snprintf(helo, sz, "localhost");
	helo[sz - 1] = '\0';
}

int
cli_test_message(struct smtp_opts *o, char *buf, size_t sz, char token[33],
    const char *ident)
{
	int	len;

	if (!net_random_hex(token, 16)) {
		cli_err("no randomness for the message token");
		return -1;
	}
	len = smtp_default_message(buf, sz, o, token, ident, mt_wall_now());
	if (len < 0) {
		cli_err("the generated message does not fit");
		return -1;
	}
	o->msg = (const uint8_t *)buf;
	o->msglen = (size_t)len;
	return 0;
}
