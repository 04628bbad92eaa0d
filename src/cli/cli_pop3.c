/*
 * SPDX-License-Identifier: BSD-2-Clause
 * cli_pop3.c - mailtrace pop3: POP3 options and one probe run.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "cli_job.h"
#include "cli_probe.h"

static const char pop3_usage[] =
"usage: mailtrace pop3 [options] pop3://USER@HOST[:PORT]\n"
"       mailtrace pop3 [options] pop3s://USER@HOST[:PORT]\n"
"       mailtrace pop3 [options] --srv pop3://USER@DOMAIN\n"
"\n"
"Runs one POP3 session in the JavaMail call order (Store.connect: connect,\n"
"greeting, CAPA, STLS if asked, authentication; Folder.open: STAT; the\n"
"fetches asked for; Folder.close: RSET, DELE, QUIT; teardown), prints its\n"
"trace and stores it.  Default ports: 110 (pop3://), 995 (pop3s://).\n"
"HOST may be a name, an IPv4 address or [IPv6]; USER may use %XX escapes.\n"
"With --srv the URL's host is a domain whose RFC 6186 SRV records name the\n"
"servers and ports (_pop3s._tcp with implicit TLS, then _pop3._tcp, with\n"
"STLS when --stls is given), tried in order, one session each; every DNS\n"
"lookup is a record, and the certificate must name the SRV target.\n"
"\n"
"  --password-file FILE   read the password from FILE (first line; - is\n"
"                         stdin); else the MAILTRACE_PASSWORD variable.\n"
"                         A password in the URL or on the command line is\n"
"                         refused.\n"
"  --auth MECH            user (USER/PASS, default), apop, plain, login,\n"
"                         cram-md5 (SASL over AUTH; sent only when CAPA's\n"
"                         SASL line announces it)\n"
"  --stls                 upgrade with STLS before authenticating; fail if\n"
"                         the server does not offer it\n"
"  --cafile FILE          trust this CA (PEM) instead of the system store;\n"
"                         certificate and host name are always verified\n"
"  --insecure             do not enforce the certificate and host name\n"
"                         checks (their result, against --cafile or the\n"
"                         system store, is still recorded: verify=)\n"
"  --level LEVEL          standard (A events, default) or advanced (A and B)\n"
"  --format FORMAT        text (default), prf (PRF CSV) or jsonl\n"
"  --db FILE|URL          the store: a sqlite file, or a PostgreSQL database\n"
"                         as postgresql://USER@HOST[:PORT]/DB (password in\n"
"                         ~/.pgpass; default: $MAILTRACE_DB, else\n"
"                         $XDG_DATA_HOME/mailtrace/mailtrace.db, else\n"
"                         ~/.local/share/mailtrace/mailtrace.db)\n"
"  --connect-timeout MS   TCP connect and TLS handshake timeout (unset: 10000;\n"
"                         0: wait forever)\n"
"  --timeout MS           read timeout for each wait (unset: 30000; 0: forever)\n"
"  --max-time SECONDS     a limit on the whole session (unset: 300; 0: none):\n"
"                         every wait ends by then, and the step in progress\n"
"                         fails with SocketTimeoutException (no QUIT)\n"
"  --retr all|N           RETR every message, or message N\n"
"  --top N                TOP with N body lines, for the same messages\n"
"  --uidl                 UIDL (all messages)\n"
"  --dele                 DELE the same messages when closing (all, or N)\n"
"  --rset                 RSET when closing, before the DELE block\n"
"  --noop                 NOOP before closing\n"
"  --srv                  the URL names a domain: find its servers by SRV\n"
"  --max-body BYTES       fail a multi-line response larger than this\n"
"                         (default 67108864, at most 1073741824)\n"
;
/* (three strings: one would pass the 4095 bytes C99 promises) */
static const char pop3_usage_tail[] =
"  -h, --help             this text\n"
"\n"
"With --retr or --top, the fetch block (0xAD8A/0xAD8B) sends LIST n for each\n"
"message (an envelope fetch), then TOP/RETR follow as plain fetches.\n"
"exit status: 0 every step succeeded; 1 the session failed at some step (the\n"
"trace shows which); 2 usage or configuration error.\n";

int
cli_pop3_parse(struct pop3_cli *c, int argc, char **argv, bool need_target)
{
	static const struct option	 longopts[] = {
		CLI_COMMON_OPTIONS,
		CLI_MON_OPTIONS,
		CLI_KEYLOG_OPTION,
		CLI_DNS_OPTIONS,
		CLI_OTLP_OPTION,
		{ "srv", no_argument, NULL, 'S' },
		{ "password-file", required_argument, NULL, 'P' },
		{ "auth", required_argument, NULL, 'a' },
		{ "stls", no_argument, NULL, 's' },
		{ "retr", required_argument, NULL, 'r' },
		{ "top", required_argument, NULL, 'T' },
		{ "uidl", no_argument, NULL, 'u' },
		{ "dele", no_argument, NULL, 'D' },
		{ "rset", no_argument, NULL, 'R' },
		{ "noop", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	long long	v;
	int		ch, k;

	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":h" CLI_MON_SHORT, longopts,
	    NULL)) != -1) {
		if ((k = cli_common_opt(&c->com, ch, optarg)) != 0) {
			if (k < 0)
				return -1;
			continue;
		}
		switch (ch) {
		case 'P':
			c->t.password_file = optarg;
			break;
		case 'a':
			if (!probe_auth_parse(optarg, &c->t.c.auth)) {
				cli_err("--auth: \"%s\" is not user, apop, plain, "
				    "login or cram-md5", optarg);
				return -1;
			}
			break;
		case 's':
			c->t.c.starttls = true;
			break;
		case 'r':
			c->o.retr = true;
			if (strcmp(optarg, "all") == 0)
				c->o.retr_msg = 0;
			else if (cli_number("--retr", optarg, 1, UINT32_MAX,
			    &v) != 0)
				return -1;
			else
				c->o.retr_msg = (uint64_t)v;
			break;
		case 'T':
			if (cli_number("--top", optarg, 0, UINT32_MAX, &v) != 0)
				return -1;
			c->o.top = true;
			c->o.top_lines = (uint64_t)v;
			break;
		case 'u':
			c->o.uidl = true;
			break;
		case 'D':
			c->o.dele = true;
			break;
		case 'R':
			c->o.rset = true;
			break;
		case 'n':
			c->o.noop = true;
			break;
		case 'S':
			c->srv = true;
			break;
		case 'h':
			fputs(pop3_usage, stdout);
			fputs(CLI_KEYLOG_HELP CLI_DNS_HELP CLI_OTLP_HELP CLI_MON_HELP,
			    stdout);
			fputs(pop3_usage_tail, stdout);
			exit(0);
		case ':':
		default:
			return cli_opt_error("pop3", ch, argv);
		}
	}
	if (!need_target) {
		if (optind != argc) {
			cli_err("pop3: \"%s\": no target here (the request "
			    "names it)", argv[optind]);
			return -1;
		}
		if (c->com.otlp != NULL) {
			cli_err("pop3: --otlp is not for the exporter (Prometheus "
			    "scrapes it; a collector gets a probe's traces)");
			return -1;
		}
		if (c->srv || c->com.dns_server != NULL ||
		    c->com.dns_timeout_ms >= 0) {
			cli_err("pop3: --srv and --dns-* are not for the "
			    "exporter (a request names its server)");
			return -1;
		}
	} else if (optind != argc - 1) {
		cli_err(optind >= argc ? "pop3: the target is missing: "
		    "pop3://USER@HOST[:PORT]" : "pop3: one target only");
		return -1;
	} else if (cli_target_parse(&c->t, argv[optind], "pop3", 110, "pop3s",
	    995, true) != 0 || (c->srv && cli_srv_target(&c->t, argv[optind],
	    "pop3") != 0))
		return -1;
	if (need_target && !c->srv && (c->com.dns_server != NULL ||
	    c->com.dns_timeout_ms >= 0)) {
		cli_err("--dns-server and --dns-timeout are for --srv");
		return -1;
	}
	if (cli_common_check(&c->com) != 0)
		return -1;
	if (c->t.c.starttls && c->t.c.implicit_tls) {
		cli_err("--stls is for pop3://; pop3s:// is TLS from the start");
		return -1;
	}
	cli_common_apply(&c->com, &c->t);
	return 0;
}

/* One session of the servers found. */
static int
pop3_one(void *arg, const struct probe_conn *pc, struct tracer *tr,
    struct mt_err *err)
{
	struct pop3_cli	*c = arg;

	c->o.c = *pc;
	return probe_pop3(&c->o, tr, err);
}

/* --srv: the domain's POP3 servers by RFC 6186, tried in order. */
static int
pop3_found(struct pop3_cli *c, struct cli_run *run)
{
	struct probe_found	*f;
	struct dns_conf		 dc;
	struct mt_err		 err;
	struct probe_conn	 base = c->t.c;
	int			 rc;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		cli_err("out of memory");
		return EXIT_SESSION;
	}
	cli_dns_conf(&c->com, &dc);
	mt_err_clear(&err);
	if (probe_find_srv(&dc, &run->tr, "pop3s", "pop3", c->t.host, f,
	    &err) != 0) {
		cli_session_err(c->t.url, &err);
		free(f);
		return EXIT_SESSION;
	}
	rc = cli_found_run(&run->tr, f, &base, true, false, pop3_one, c);
	free(f);
	return rc;
}

static int
pop3_session(struct cli_job *j, struct cli_run *run)
{
	struct pop3_cli	*c = (struct pop3_cli *)j;
	struct mt_err	 err;
	int		 status;

	c->o.c = c->t.c;
	if (c->srv)
		return pop3_found(c, run);
	mt_err_clear(&err);
	status = probe_pop3(&c->o, &run->tr, &err) == 0 ? 0 : EXIT_SESSION;
	if (status != 0)
		cli_session_err(c->t.url, &err);
	return status;
}

static void
pop3_free(struct cli_job *j)
{
	struct pop3_cli	*c = (struct pop3_cli *)j;

	if (c == NULL)
		return;
	cli_target_wipe(&c->t);
	explicit_bzero(&c->o.c, sizeof(c->o.c));
	free(c);
}

static const struct cli_job_ops pop3_ops = { pop3_session, pop3_free };

int
cli_pop3_job(int argc, char **argv, struct cli_job **out)
{
	struct pop3_cli	*c;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		cli_err("out of memory");
		return EXIT_USAGE;
	}
	cli_job_init(&c->job, &pop3_ops, &c->com, "pop3", c->t.url, argc, argv);
	if (cli_pop3_parse(c, argc, argv, true) != 0 ||
	    cli_target_password(&c->t, "MAILTRACE_PASSWORD") != 0) {
		pop3_free(&c->job);
		return EXIT_USAGE;
	}
	cli_job_key(&c->job.key[0], &c->t);
	c->job.nkey = 1;
	*out = &c->job;
	return 0;
}

int
cli_pop3(int argc, char **argv)
{
	return cli_job_command(cli_pop3_job, argc, argv);
}
