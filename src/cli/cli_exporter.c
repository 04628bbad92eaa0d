/*
 * SPDX-License-Identifier: BSD-2-Clause
 * cli_exporter.c - mailtrace exporter: its options, the config file's
 * modules (each one's probe options parsed with the pop3/smtp commands'
 * own code, once, here), the password door, then the server (src/serve)
 * until SIGINT or SIGTERM.
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cli_common.h"
#include "cli_probe.h"
#include "net.h"
#include "wait.h"
#include "serve.h"

#define EXP_ARGS_HARD		512	/* one module's option words */
#define EXP_CONFIG_HARD		(1 << 20)	/* the config file's size */

static const char exporter_usage[] =
"usage: mailtrace exporter [--listen ADDR:PORT] [--max-probes N] [--db FILE]\n"
"                          [--protocol pop3|smtp] [probe options]\n"
"       mailtrace exporter --config FILE [--allow-any-target] [--listen ...]\n"
"\n"
"A Prometheus exporter, blackbox-exporter style (docs/monitoring.md,\n"
"\"Exporter\"): GET /probe?target=URL[&module=NAME][&debug=true] runs that\n"
"probe now and answers its metrics (a failed probe is still HTTP 200, with\n"
"mailtrace_probe_success 0; a bad request is 400 with one line of text);\n"
"GET /metrics answers the exporter's own; anything else is 404.\n"
"\n"
"  --listen ADDR:PORT     where to listen (default " SERVE_DEFAULT_LISTEN ";\n"
"                         [::1]:PORT for IPv6; port 0: any free one, said on\n"
"                         stderr).  Loopback unless another address is given\n"
"  --config FILE          the modules (JSON, docs/monitoring.md): each a\n"
"                         protocol, probe options, a password file, recipients\n"
"                         and the targets it allows; a target it does not\n"
"                         allow is refused (400)\n"
"  --allow-any-target     with --config: any target of the module's protocol\n"
"  --max-probes N         probes at once at most (default %d, at most %d);\n"
"                         more are answered 503 at once\n"
"  --db FILE|URL          keep every probe run in this store, a sqlite file\n"
"                         or a postgresql:// URL (default:\n"
"                         none is stored; a scrape every 15 s is 5760 runs a\n"
"                         day)\n"
"  --protocol pop3|smtp   without --config: the protocol of the default\n"
"                         module the probe options make (default pop3)\n"
"  -h, --help             this text\n"
"\n"
"Probe options (without --config; the default module): those of mailtrace\n"
"pop3 or mailtrace smtp (--auth, --stls/--starttls, --level (default here:\n"
"advanced, every step timed), --cafile,\n"
"--insecure, --timeout, --connect-timeout, --max-time, --retr, --helo,\n"
"--from, --to, ...), parsed once at start-up; no --format or --db there.\n"
"Without --config any target of the protocol is probed.  The password comes\n"
"from --password-file FILE or MAILTRACE_PASSWORD, read once at start-up.\n"
"\n"
"A probe's time limit: X-Prometheus-Scrape-Timeout-Seconds less 0.5 s (at\n"
"least 0.1 s; 10 s less 0.5 s without the header), never more than the\n"
"module's --max-time.\n"
"exit status: 0 stopped by SIGINT or SIGTERM; 1 the address cannot be\n"
"listened on; 2 usage or configuration error.\n";

/* One module as parsed here: what src/serve gets, and what it points to. */
struct exp_mod {
	struct pop3_cli	*pc;
	struct smtp_cli	*sc;
	char		*argv[EXP_ARGS_HARD + 2];
	int		 argc;
};

struct exp_cli {
	const char		*listen;
	const char		*config;
	const char		*db;
	bool			 allow_any;
	long long		 max_probes;
	bool			 smtp;		/* --protocol smtp */
	char			*pargv[EXP_ARGS_HARD + 2];	/* probe options */
	int			 pargc;
	json_t			*root;
	struct serve_module	*mods;
	struct exp_mod		*em;
	size_t			 nmods;
	char			 dbbuf[PATH_MAX];
};

/* Add a copy of w to em's words (getopt wants them writable). */
static int
exp_word(struct exp_mod *em, const char *w)
{
	size_t	n = strlen(w);

	if (em->argc >= EXP_ARGS_HARD) {
		cli_err("more than %d option words in a module", EXP_ARGS_HARD);
		return -1;
	}
	if ((em->argv[em->argc] = malloc(n + 1)) == NULL) {
		cli_err("out of memory");
		return -1;
	}
	memcpy(em->argv[em->argc++], w, n + 1);
	return 0;
}

static void
exp_free(struct exp_cli *x)
{
	size_t	i;
	int	k;

	for (i = 0; i < x->nmods; i++) {
		for (k = 0; k < x->em[i].argc; k++)
			free(x->em[i].argv[k]);
		if (x->em[i].pc != NULL) {
			cli_target_wipe(&x->em[i].pc->t);
			free(x->em[i].pc);
		}
		if (x->em[i].sc != NULL) {
			cli_target_wipe(&x->em[i].sc->t);
			free(x->em[i].sc->msg);
			free(x->em[i].sc);
		}
		if (x->mods != NULL) {
			explicit_bzero(&x->mods[i].c, sizeof(x->mods[i].c));
			free(x->mods[i].targets);
		}
	}
	free(x->mods);
	free(x->em);
	if (x->root != NULL)
		json_decref(x->root);
}

/* Is arg the exporter's option name (alone or as --name=value)? */
static bool
is_opt(const char *arg, const char *name, const char **inl)
{
	size_t	n = strlen(name);

	if (strncmp(arg, name, n) != 0)
		return false;
	if (arg[n] == '\0') {
		*inl = NULL;
		return true;
	}
	if (arg[n] == '=') {
		*inl = arg + n + 1;
		return true;
	}
	return false;
}

/*
 * The exporter's own options out of argv; every other word is a probe
 * option, kept in order for the default module's parser.
 */
static int
exp_args(struct exp_cli *x, int argc, char **argv)
{
	static const char *const	 valued[] = { "--listen", "--config",
					    "--max-probes", "--protocol",
					    "--db" };
	const char			*v, *inl;
	size_t				 k;
	int				 i;

	x->pargv[x->pargc++] = argv[0];	/* the protocol's name, later */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			printf(exporter_usage, SERVE_PROBES_DEFAULT,
			    SERVE_PROBES_HARD);
			exit(0);
		}
		if (strcmp(argv[i], "--allow-any-target") == 0) {
			x->allow_any = true;
			continue;
		}
		for (k = 0; k < sizeof(valued) / sizeof(valued[0]); k++)
			if (is_opt(argv[i], valued[k], &inl))
				break;
		if (k == sizeof(valued) / sizeof(valued[0])) {
			if (x->pargc == EXP_ARGS_HARD) {
				cli_err("exporter: too many arguments");
				return -1;
			}
			x->pargv[x->pargc++] = argv[i];
			continue;
		}
		if ((v = inl) == NULL) {
			if (i + 1 == argc) {
				cli_err("exporter: %s needs a value",
				    valued[k]);
				return -1;
			}
			v = argv[++i];
		}
		switch (k) {
		case 0:
			x->listen = v;
			break;
		case 1:
			x->config = v;
			break;
		case 2:
			if (cli_number("--max-probes", v, 1, SERVE_PROBES_HARD,
			    &x->max_probes) != 0)
				return -1;
			break;
		case 3:
			if (strcmp(v, "pop3") != 0 && strcmp(v, "smtp") != 0) {
				cli_err("--protocol: \"%s\" is not pop3 or "
				    "smtp", v);
				return -1;
			}
			x->smtp = strcmp(v, "smtp") == 0;
			break;
		default:
			x->db = v;
			break;
		}
	}
	x->pargv[x->pargc] = NULL;
	if (x->allow_any && x->config == NULL) {
		cli_err("--allow-any-target is for --config (without it, any "
		    "target is probed)");
		return -1;
	}
	if (x->config != NULL && x->pargc > 1) {
		cli_err("exporter: \"%s\": with --config, probe options go into "
		    "the config file's modules", x->pargv[1]);
		return -1;
	}
	return 0;
}

/* Refuse what makes no sense in a module: output and store options. */
static int
exp_words_check(const char *where, char **argv, int argc)
{
	const char	*inl;
	int		 i;

	for (i = 1; i < argc; i++)
		if (is_opt(argv[i], "--format", &inl) ||
		    is_opt(argv[i], "--db", &inl) ||
		    is_opt(argv[i], "--data", &inl)) {
			cli_err("%s: %s is not a module's option (the "
			    "exporter answers metrics; --db is the exporter's"
			    "; the test message is generated)", where,
			    argv[i]);
			return -1;
		}
	return 0;
}

/*
 * Parse one module's option words (argv[0] its protocol) into m, with the
 * probe command's own parser, and read its password.
 */
static int
exp_module(struct serve_module *m, struct exp_mod *em, bool smtp,
    const char *where)
{
	struct cli_target	*t;
	struct cli_common	*com;

	em->argv[em->argc] = NULL;
	if (exp_words_check(where, em->argv, em->argc) != 0)
		return -1;
	if (smtp) {
		if ((em->sc = calloc(1, sizeof(*em->sc))) == NULL)
			goto oom;
		cli_common_init(&em->sc->com);
		if (cli_smtp_parse(em->sc, em->argc, em->argv, false) != 0)
			goto bad;
		cli_default_helo(em->sc->helo, sizeof(em->sc->helo));
		em->sc->o.helo = em->sc->helo;
		m->smtp = em->sc->o;
		m->smtp.msg = NULL;
		m->smtp.msglen = 0;
		t = &em->sc->t;
		com = &em->sc->com;
		m->proto = SERVE_SMTP;
	} else {
		if ((em->pc = calloc(1, sizeof(*em->pc))) == NULL)
			goto oom;
		cli_common_init(&em->pc->com);
		if (cli_pop3_parse(em->pc, em->argc, em->argv, false) != 0)
			goto bad;
		m->pop3 = em->pc->o;
		t = &em->pc->t;
		com = &em->pc->com;
		m->proto = SERVE_POP3;
	}
	if (com->mon.nagios || com->mon.prom_file != NULL ||
	    com->mon.th_given) {
		cli_err("%s: --nagios, --prom-file and the thresholds are not "
		    "a module's options (the exporter answers metrics)", where);
		return -1;
	}
	/* The metrics want every step (as --prom-file), unless told. */
	m->level = com->level_set ? com->level : LEVEL_ADVANCED;
	snprintf(t->url, sizeof(t->url), "%s", where);
	/* POP3 always authenticates; SMTP when a password is given. */
	if ((!smtp || t->password_file != NULL ||
	    getenv("MAILTRACE_PASSWORD") != NULL) &&
	    cli_target_password(t, "MAILTRACE_PASSWORD") != 0)
		return -1;
	m->c = t->c;
	return 0;
bad:
	cli_err("%s: its probe options are refused (above)", where);
	return -1;
oom:
	cli_err("out of memory");
	return -1;
}

/* A string array of a module's object into em's words after opt. */
static int
exp_strings(struct exp_mod *em, json_t *a, const char *opt,
    const char *where, const char *key)
{
	size_t	i;
	json_t	*v;

	if (a == NULL)
		return 0;
	if (!json_is_array(a)) {
		cli_err("%s: \"%s\" is not an array of strings", where, key);
		return -1;
	}
	json_array_foreach(a, i, v) {
		if (!json_is_string(v)) {
			cli_err("%s: \"%s\"[%zu] is not a string", where, key,
			    i);
			return -1;
		}
		if ((opt != NULL && exp_word(em, opt) != 0) ||
		    exp_word(em, json_string_value(v)) != 0)
			return -1;
	}
	return 0;
}

/* A module name: a label value and a URL word, so [A-Za-z0-9_.-]. */
static bool
exp_name_ok(const char *s)
{
	size_t	n = strlen(s);

	return n > 0 && n < SERVE_NAME_HARD &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_.-") == n;
}

/* The allowed targets, normalised by the probe's own URL parser. */
static int
exp_targets(struct serve_module *m, json_t *a, const char *where)
{
	struct probe_target	 t;
	struct mt_err		 err;
	json_t			*v;
	size_t			 i;

	if (a == NULL)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > SERVE_TARGETS_HARD) {
		cli_err("%s: \"targets\" is not an array of at most %d URLs",
		    where, SERVE_TARGETS_HARD);
		return -1;
	}
	if ((m->targets = calloc(json_array_size(a) + 1,
	    sizeof(*m->targets))) == NULL) {
		cli_err("out of memory");
		return -1;
	}
	json_array_foreach(a, i, v) {
		mt_err_clear(&err);
		if (!json_is_string(v)) {
			cli_err("%s: \"targets\"[%zu] is not a string", where,
			    i);
			return -1;
		}
		if (probe_target_parse(&t, json_string_value(v),
		    m->proto == SERVE_POP3 ? &probe_schemes_pop3 :
		    &probe_schemes_smtp, &err) != 0) {
			cli_err("%s: target %zu: %s", where, i, err.msg);
			return -1;
		}
		snprintf(m->targets[m->ntargets++], sizeof(m->targets[0]), "%s",
		    t.url);
	}
	return 0;
}

static int
exp_config(struct exp_cli *x)
{
	static const char *const	 keys[] = { "protocol", "options",
					    "password_file", "recipients",
					    "targets" };
	struct stat	 sb;
	json_error_t	 je;
	json_t		*mods, *mo, *v;
	const char	*name, *key, *proto;
	char		 where[PATH_MAX + 128];
	size_t		 n, k;

	if (stat(x->config, &sb) != 0) {
		cli_err("--config %s: %s", x->config, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size > EXP_CONFIG_HARD) {
		cli_err("--config %s: not a regular file of at most %d KiB",
		    x->config, EXP_CONFIG_HARD >> 10);
		return -1;
	}
	if ((x->root = json_load_file(x->config, JSON_REJECT_DUPLICATES,
	    &je)) == NULL) {
		cli_err("--config %s:%d:%d: %s", x->config, je.line, je.column,
		    je.text);
		return -1;
	}
	mods = json_object_get(x->root, "modules");
	if (!json_is_object(x->root) || json_object_size(x->root) != 1 ||
	    !json_is_object(mods) || json_object_size(mods) == 0 ||
	    json_object_size(mods) > SERVE_MODULES_HARD) {
		cli_err("--config %s: not {\"modules\": {NAME: {...}, ...}} "
		    "with 1 to %d modules", x->config, SERVE_MODULES_HARD);
		return -1;
	}
	n = json_object_size(mods);
	if ((x->mods = calloc(n, sizeof(*x->mods))) == NULL ||
	    (x->em = calloc(n, sizeof(*x->em))) == NULL) {
		cli_err("out of memory");
		return -1;
	}
	json_object_foreach(mods, name, mo) {
		struct serve_module	*m = &x->mods[x->nmods];
		struct exp_mod		*em = &x->em[x->nmods];

		x->nmods++;
		snprintf(where, sizeof(where), "--config %s: module %s",
		    x->config, name);
		if (!exp_name_ok(name)) {
			cli_err("%s: a name is 1 to %d of A-Z a-z 0-9 _ . -",
			    where, SERVE_NAME_HARD - 1);
			return -1;
		}
		snprintf(m->name, sizeof(m->name), "%s", name);
		if (!json_is_object(mo)) {
			cli_err("%s: not an object", where);
			return -1;
		}
		json_object_foreach(mo, key, v) {
			for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
				if (strcmp(key, keys[k]) == 0)
					break;
			if (k == sizeof(keys) / sizeof(keys[0])) {
				cli_err("%s: unknown key \"%s\"", where, key);
				return -1;
			}
		}
		proto = json_string_value(json_object_get(mo, "protocol"));
		if (proto == NULL || (strcmp(proto, "pop3") != 0 &&
		    strcmp(proto, "smtp") != 0)) {
			cli_err("%s: \"protocol\" must be \"pop3\" or \"smtp\"",
			    where);
			return -1;
		}
		v = json_object_get(mo, "password_file");
		if (v != NULL && !json_is_string(v)) {
			cli_err("%s: \"password_file\" is not a string", where);
			return -1;
		}
		if (exp_word(em, proto) != 0 || exp_strings(em,
		    json_object_get(mo, "options"), NULL, where,
		    "options") != 0)
			return -1;
		if (v != NULL && (exp_word(em, "--password-file") != 0 ||
		    exp_word(em, json_string_value(v)) != 0))
			return -1;
		if (json_object_get(mo, "recipients") != NULL &&
		    strcmp(proto, "smtp") != 0) {
			cli_err("%s: \"recipients\" is for smtp modules", where);
			return -1;
		}
		if (exp_strings(em, json_object_get(mo, "recipients"), "--to",
		    where, "recipients") != 0)
			return -1;
		if (exp_module(m, em, strcmp(proto, "smtp") == 0, where) != 0)
			return -1;
		if (exp_targets(m, json_object_get(mo, "targets"), where) != 0)
			return -1;
		if (m->ntargets == 0 && !x->allow_any) {
			cli_err("%s: no \"targets\": it would refuse every "
			    "target (or start with --allow-any-target)", where);
			return -1;
		}
	}
	return 0;
}

/* Without --config: the command line's probe options make "default". */
static int
exp_default(struct exp_cli *x)
{
	struct exp_mod	*em;
	int		 i;

	if ((x->mods = calloc(1, sizeof(*x->mods))) == NULL ||
	    (x->em = calloc(1, sizeof(*x->em))) == NULL) {
		cli_err("out of memory");
		return -1;
	}
	x->nmods = 1;
	em = &x->em[0];
	snprintf(x->mods[0].name, sizeof(x->mods[0].name), "default");
	if (exp_word(em, x->smtp ? "smtp" : "pop3") != 0)
		return -1;
	for (i = 1; i < x->pargc; i++)
		if (exp_word(em, x->pargv[i]) != 0)
			return -1;
	return exp_module(&x->mods[0], em, x->smtp, "exporter");
}

static bool
is_loopback(const char *bound)
{
	return strncmp(bound, "127.", 4) == 0 ||
	    strncmp(bound, "[::1]:", 6) == 0;
}

int
cli_exporter(int argc, char **argv)
{
	struct exp_cli		*x;
	struct serve_conf	 conf;
	struct serve		*s;
	struct store		*st;
	struct mt_err		 err;
	sigset_t		 set, old;
	int			 sig = 0, status = EXIT_USAGE;

	if ((x = calloc(1, sizeof(*x))) == NULL) {
		cli_err("out of memory");
		return EXIT_USAGE;
	}
	x->listen = SERVE_DEFAULT_LISTEN;
	x->max_probes = SERVE_PROBES_DEFAULT;
	if (exp_args(x, argc, argv) != 0 ||
	    (x->config != NULL ? exp_config(x) : exp_default(x)) != 0)
		goto done;
	/* Made (and migrated) now, on this thread, not by the first probe. */
	mt_err_clear(&err);
	if (x->db != NULL) {
		if (store_open(x->db, &st, &err) != 0) {
			cli_err("%s", err.msg);
			goto done;
		}
		store_close(st);
	}
	memset(&conf, 0, sizeof(conf));
	conf.listen = x->listen;
	conf.mods = x->mods;
	conf.nmods = x->nmods;
	conf.from_config = x->config != NULL;
	conf.allow_any = x->allow_any;
	conf.max_probes = (unsigned)x->max_probes;
	conf.db = x->db;
	conf.version = MT_VERSION;

	/* The threads inherit this mask: only sigwait() below takes them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	signal(SIGPIPE, SIG_IGN);
	if (wait_stop_init() != 0)
		cli_err("exporter: no stop pipe (%s): a stop waits for the "
		    "probes' time limits", strerror(errno));
	if ((s = serve_start(&conf, &err)) == NULL) {
		cli_err("%s", err.msg);
		status = EXIT_SESSION;
		goto unmask;
	}
	cli_err("exporter: listening on http://%s/ (%zu module%s, at most %u "
	    "probes at once%s)", serve_bound(s), x->nmods, x->nmods == 1 ?
	    "" : "s", conf.max_probes, x->db != NULL ? ", runs stored" : "");
	if (!is_loopback(serve_bound(s)))
		cli_err("exporter: %s is not a loopback address: whoever "
		    "reaches it can make this host run probes", serve_bound(s));
	fflush(stderr);
	while (sigwait(&set, &sig) != 0)
		;
	cli_err("exporter: %s: stopping", sig == SIGINT ? "SIGINT" :
	    "SIGTERM");
	serve_stop(s);
	status = 0;
unmask:
	pthread_sigmask(SIG_SETMASK, &old, NULL);
done:
	exp_free(x);
	free(x);
	return status;
}
