/*
 * SPDX-License-Identifier: BSD-2-Clause
 * cli_smtp.c - mailtrace smtp: SMTP options, the message, one probe run.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "cli_job.h"
#include "cli_probe.h"

static int	cli_smtp_mx(struct smtp_cli *);

static const char smtp_usage[] =
"usage: mailtrace smtp [options] --from ADDR --to ADDR smtp://[USER@]HOST[:PORT]\n"
"       mailtrace smtp [options] --from ADDR --to ADDR smtps://[USER@]HOST[:PORT]\n"
"       mailtrace smtp [options] --from ADDR --to USER@DOMAIN\n"
"       mailtrace smtp [options] --srv --from ADDR --to ADDR smtp://[USER@]DOMAIN\n"
"\n"
"Sends one message in the JavaMail call order (Transport.connect: connect,\n"
"greeting, EHLO (HELO if EHLO is refused), STARTTLS and EHLO again if asked,\n"
"AUTH when USER@ is given; sendMessage: MAIL, one RCPT per recipient, DATA,\n"
"the message, the end-of-data reply; close: QUIT, teardown), prints its\n"
"trace and stores it.  Default ports: 25 (smtp://), 465 (smtps://).\n"
"Without a URL, the --to domain's MX records (RFC 5321 5.1; none: the\n"
"domain's own address; a null MX: it accepts no mail) name the servers,\n"
"tried in order as an MTA does, one session each; with --srv, the URL's\n"
"host is a domain whose RFC 6186 SRV records name them (_submissions._tcp\n"
"with implicit TLS, then _submission._tcp).  Every DNS lookup is a record.\n"
"\n"
"  --from ADDR            envelope sender (required; \"\" for the null sender)\n"
"  --to ADDR              recipient; repeat for more (1 to 100)\n"
"  --data FILE            the message to send (any line endings; dot-stuffed\n"
"                         on the wire); default: a generated test message with\n"
"                         Date, Message-ID, a unique token and the probe's name\n"
"  --helo NAME            the EHLO/HELO name, at most 255 octets (default:\n"
"                         this host's name)\n"
"  --starttls             upgrade with STARTTLS; fail if it is not offered\n"
"  --static-send          bracket the SMTP session with the static\n"
"                         Transport.send(msg)'s entry and exit (0xAD0E,\n"
"                         0xAD0F), as most Java applications send\n""  --auth MECH            plain, login or cram-md5 (default: the strongest\n"
"                         the server offers: cram-md5, plain, login); sent\n"
"                         only when EHLO's AUTH announces it; only with USER@\n"
"                         in the target\n"
"  --password-file FILE   the password (first line; - is stdin); else the\n"
"                         MAILTRACE_PASSWORD variable; only with USER@\n"
"  --cafile FILE          trust this CA (PEM); certificate and host name are\n"
"                         always verified unless --insecure\n"
"  --insecure             do not enforce the certificate and host name\n"
"                         checks (their result, against --cafile or the\n"
"                         system store, is still recorded: verify=)\n"
"  --level LEVEL          standard (A events, default) or advanced (A and B)\n"
"  --format FORMAT        text (default), prf (PRF CSV) or jsonl\n"
"  --db FILE|URL          the store, a sqlite file or a postgresql:// URL\n"
"                         (as for pop3; default: $MAILTRACE_DB, else\n"
"                         $XDG_DATA_HOME/mailtrace/mailtrace.db, else\n"
"                         ~/.local/share/mailtrace/mailtrace.db)\n"
"  --connect-timeout MS   TCP connect and TLS handshake timeout (unset: 10000;\n"
"                         0: wait forever)\n"
"  --timeout MS           read timeout for each wait (unset: 30000; 0: forever)\n"
"  --max-time SECONDS     a limit on the whole session (unset: 300; 0: none):\n"
"                         every wait ends by then, and the step in progress\n"
"                         fails with SocketTimeoutException (no QUIT)\n"
"  --max-body BYTES       the largest --data message (default 67108864)\n"
"  --mx-all               without a URL: probe every MX address, not only\n"
"                         up to the first that accepts the message\n"
"  --mx-port N            without a URL: the MX servers' port (default 25)\n"
"  --srv                  the URL's host is a domain: its SRV records name\n"
"                         the servers and ports (--starttls for those of\n"
"                         _submission; the certificate must name the target)\n"
;
/* (three strings: one would pass the 4095 bytes C99 promises) */
static const char smtp_usage_tail[] =
"  -h, --help             this text\n"
"\n"
"A refused recipient does not stop the others: the message goes to the\n"
"accepted ones, and sendMessage's exit (0xAD03) carries\n"
"javax.mail.SendFailedException.\n"
"exit status: 0 every recipient accepted and the message queued; 1 a step or\n"
"a recipient failed (the trace shows which); 2 usage or configuration error.\n";

int
cli_smtp_parse(struct smtp_cli *c, int argc, char **argv, bool need_target)
{
	static const struct option	 longopts[] = {
		CLI_COMMON_OPTIONS,
		CLI_MON_OPTIONS,
		CLI_KEYLOG_OPTION,
		CLI_DNS_OPTIONS,
		CLI_OTLP_OPTION,
		{ "mx-all", no_argument, NULL, 'M' },
		{ "mx-port", required_argument, NULL, 'p' },
		{ "srv", no_argument, NULL, 'S' },
		{ "password-file", required_argument, NULL, 'P' },
		{ "auth", required_argument, NULL, 'a' },
		{ "starttls", no_argument, NULL, 's' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "data", required_argument, NULL, 'D' },
		{ "helo", required_argument, NULL, 'H' },
		{ "static-send", no_argument, NULL, 'X' },
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
			if (!probe_auth_parse(optarg, &c->t.c.auth) ||
			    c->t.c.auth == PROBE_AUTH_USER ||
			    c->t.c.auth == PROBE_AUTH_APOP) {
				cli_err("--auth: \"%s\" is not plain, login or "
				    "cram-md5", optarg);
				return -1;
			}
			break;
		case 's':
			c->t.c.starttls = true;
			break;
		case 'X':
			c->o.static_send = true;
			break;
		case 'f':
			if (cli_check_addr("--from", optarg, true) != 0)
				return -1;
			c->o.from = optarg;
			c->from_set = true;
			break;
		case 't':
			if (cli_check_addr("--to", optarg, false) != 0)
				return -1;
			if (c->o.nto == SMTP_RCPT_HARD) {
				cli_err("--to: at most %d recipients",
				    SMTP_RCPT_HARD);
				return -1;
			}
			c->o.to[c->o.nto++] = optarg;
			break;
		case 'D':
			c->data_file = optarg;
			break;
		case 'M':
			c->mx_all = true;
			break;
		case 'p':
			if (cli_number("--mx-port", optarg, 1, 65535, &v) != 0)
				return -1;
			c->mx_port = (uint16_t)v;
			break;
		case 'S':
			c->srv = true;
			break;
		case 'H':
			if (cli_check_helo(optarg, c->helo, sizeof(c->helo)) !=
			    0)
				return -1;
			break;
		case 'h':
			fputs(smtp_usage, stdout);
			fputs(CLI_KEYLOG_HELP CLI_DNS_HELP CLI_OTLP_HELP CLI_MON_HELP,
			    stdout);
			fputs(smtp_usage_tail, stdout);
			exit(0);
		case ':':
		default:
			return cli_opt_error("smtp", ch, argv);
		}
	}
	if (!need_target) {
		if (optind != argc) {
			cli_err("smtp: \"%s\": no target here (the request "
			    "names it)", argv[optind]);
			return -1;
		}
		if (c->com.otlp != NULL) {
			cli_err("smtp: --otlp is not for the exporter (Prometheus "
			    "scrapes it; a collector gets a probe's traces)");
			return -1;
		}
		if (c->srv || c->mx_all || c->mx_port != 0 ||
		    c->com.dns_server != NULL || c->com.dns_timeout_ms >= 0) {
			cli_err("smtp: --srv, --mx-all, --mx-port and --dns-* "
			    "are not for the exporter (a request names its "
			    "server)");
			return -1;
		}
	} else if (optind == argc && !c->srv) {
		if (cli_smtp_mx(c) != 0)
			return -1;
	} else if (optind != argc - 1) {
		cli_err(optind >= argc ? "smtp: the target is missing: "
		    "smtp://[USER@]HOST[:PORT]" : "smtp: one target only");
		return -1;
	} else if (cli_target_parse(&c->t, argv[optind], "smtp", 25, "smtps",
	    465, false) != 0 || (c->srv && cli_srv_target(&c->t, argv[optind],
	    "smtp") != 0))
		return -1;
	if (!c->mx && (c->mx_all || c->mx_port != 0)) {
		cli_err("--mx-all and --mx-port are for MX lookups: no URL, "
		    "the --to domain's servers");
		return -1;
	}
	if (!c->mx && !c->srv && (c->com.dns_server != NULL ||
	    c->com.dns_timeout_ms >= 0)) {
		cli_err("--dns-server and --dns-timeout are for finding the "
		    "servers: MX (no URL) or --srv");
		return -1;
	}
	if (!c->from_set || c->o.nto == 0) {
		cli_err("smtp: --from and at least one --to are required");
		return -1;
	}
	if (cli_common_check(&c->com) != 0)
		return -1;
	if (c->t.c.starttls && c->t.c.implicit_tls) {
		cli_err("--starttls is for smtp://; smtps:// is TLS from the "
		    "start");
		return -1;
	}
	if (need_target && c->t.c.user == NULL &&
	    (c->t.c.auth != PROBE_AUTH_DEFAULT || c->t.password_file != NULL)) {
		cli_err("--auth and --password-file need a user: "
		    "smtp://USER@HOST");
		return -1;
	}
	cli_common_apply(&c->com, &c->t);
	return 0;
}

/*
 * No URL: the servers of the --to addresses' domain (one domain: an MTA
 * sends to each domain's servers apart).
 */
static int
cli_smtp_mx(struct smtp_cli *c)
{
	if (c->o.nto == 0) {
		cli_err("smtp: the target is missing: smtp://[USER@]HOST[:PORT], "
		    "or --to USER@DOMAIN for the domain's MX");
		return -1;
	}
	if (cli_mx_domain("smtp", c->o.to, c->o.nto, c->domain) != 0)
		return -1;
	c->mx = true;
	snprintf(c->label, sizeof(c->label), "mx:%s", c->domain);
	snprintf(c->t.url, sizeof(c->t.url), "%s", c->label);
	return 0;
}

int
cli_smtp_message(struct smtp_cli *c)
{
	uint64_t	limit = c->com.max_body ? c->com.max_body :
			    MT_BODY_DEFAULT;
	FILE		*fp;
	size_t		 n = 0, cap = 65536;

	cli_default_helo(c->helo, sizeof(c->helo));
	c->o.helo = c->helo;
	if (c->data_file == NULL) {
		if ((c->msg = malloc(SMTP_TEST_MSG_HARD)) == NULL) {
			cli_err("out of memory");
			return -1;
		}
		return cli_test_message(&c->o, (char *)c->msg,
		    SMTP_TEST_MSG_HARD, c->token,
		    "mailtrace " MT_VERSION);
	}
	if ((fp = fopen(c->data_file, "rb")) == NULL) {
		cli_err("--data %s: %s", c->data_file, strerror(errno));
		return -1;
	}
	for (;;) {
		uint8_t	*p;
		size_t	 got;

		if ((p = realloc(c->msg, cap)) == NULL) {
			cli_err("--data %s: out of memory", c->data_file);
			fclose(fp);
			return -1;
		}
		c->msg = p;
		got = fread(c->msg + n, 1, cap - n, fp);
		n += got;
		if (n > limit) {
			cli_err("--data %s: larger than %llu octets "
			    "(--max-body)", c->data_file,
			    (unsigned long long)limit);
			fclose(fp);
			return -1;
		}
		if (got == 0 || n < cap)
			break;
		cap *= 2;
	}
	if (ferror(fp)) {
		cli_err("--data %s: read error", c->data_file);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	c->o.msg = c->msg;
	c->o.msglen = n;
	return 0;
}

/* One session of the servers found. */
static int
smtp_one(void *arg, const struct probe_conn *pc, struct tracer *tr,
    struct mt_err *err)
{
	struct smtp_cli		*c = arg;
	struct smtp_result	 res;

	c->o.c = *pc;
	if (probe_smtp(&c->o, tr, &res, err) == 0)
		return 0;
	return res.next_mx ? CLI_FOUND_NEXT : 1;
}

/* The MX or SRV servers of the domain, tried in order. */
static int
smtp_found(struct smtp_cli *c, struct cli_run *run)
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
	if (c->mx)
		rc = probe_find_mx(&dc, &run->tr, c->domain, c->mx_port ?
		    c->mx_port : 25, f, &err);
	else
		rc = probe_find_srv(&dc, &run->tr, "submissions",
		    "submission", c->t.host, f, &err);
	if (rc != 0) {
		cli_session_err(c->t.url, &err);
		free(f);
		return EXIT_SESSION;
	}
	rc = cli_found_run(&run->tr, f, &base, c->srv, c->mx_all, smtp_one, c);
	free(f);
	return rc;
}

static int
smtp_session(struct cli_job *j, struct cli_run *run)
{
	struct smtp_cli		*c = (struct smtp_cli *)j;
	struct smtp_result	 res;
	struct mt_err		 err;
	int			 status;

	c->o.c = c->t.c;
	if (c->mx || c->srv)
		return smtp_found(c, run);
	mt_err_clear(&err);
	status = probe_smtp(&c->o, &run->tr, &res, &err) == 0 ? 0 :
	    EXIT_SESSION;
	if (status != 0)
		cli_session_err(c->t.url, &err);
	return status;
}

static void
smtp_free(struct cli_job *j)
{
	struct smtp_cli	*c = (struct smtp_cli *)j;

	if (c == NULL)
		return;
	cli_target_wipe(&c->t);
	explicit_bzero(&c->o.c, sizeof(c->o.c));
	free(c->msg);
	free(c);
}

static const struct cli_job_ops smtp_ops = { smtp_session, smtp_free };

int
cli_smtp_job(int argc, char **argv, struct cli_job **out)
{
	struct smtp_cli	*c;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		cli_err("out of memory");
		return EXIT_USAGE;
	}
	cli_job_init(&c->job, &smtp_ops, &c->com, "smtp", c->t.url, argc, argv);
	if (cli_smtp_parse(c, argc, argv, true) != 0 ||
	    cli_smtp_message(c) != 0 ||
	    (c->t.c.user != NULL &&
	    cli_target_password(&c->t, "MAILTRACE_PASSWORD") != 0)) {
		smtp_free(&c->job);
		return EXIT_USAGE;
	}
	cli_job_key(&c->job.key[0], &c->t);
	c->job.nkey = 1;
	*out = &c->job;
	return 0;
}

int
cli_smtp(int argc, char **argv)
{
	return cli_job_command(cli_smtp_job, argc, argv);
}
