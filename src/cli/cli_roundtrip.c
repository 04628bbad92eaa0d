/*
 * SPDX-License-Identifier: BSD-2-Clause
 * cli_roundtrip.c - mailtrace roundtrip: send a uniquely marked message
 * over SMTP, poll the POP3 mailbox (UIDL, TOP n 0) until it arrives or the
 * deadline passes, report the delivery latency and delete that message
 * only.  Every session is traced into one run.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_common.h"
#include "cli_job.h"
#include "wait.h"

static const char rt_usage[] =
"usage: mailtrace roundtrip --smtp URL --pop3 URL --from ADDR --to ADDR [options]\n"
"       mailtrace roundtrip --pop3 URL --from ADDR --to USER@DOMAIN [options]\n"
"\n"
"Sends a uniquely marked test message over SMTP, then polls the POP3\n"
"mailbox until that message arrives or the deadline passes.  Sessions, all\n"
"in one stored run: a POP3 baseline (which messages are already there),\n"
"the SMTP send, then one POP3 session per poll (UIDL, and TOP n 0 of each\n"
"message not seen before, so no message is downloaded whole).  The message\n"
"that carries the token is deleted; no other message is touched.  The\n"
"fetch block exit (0xAD8B) of the poll that found it carries the delivery\n"
"latency (from the SMTP end-of-data reply to its headers over POP3).\n"
"\n"
"  --smtp URL             smtp://[USER@]HOST[:PORT] or smtps://...; without\n"
"                         it, the --to domain's MX servers, tried in order\n"
"                         (as mailtrace smtp without a URL)\n"
"  --mx-port N            without --smtp: the MX servers' port (default 25)\n"
"  --pop3 URL             pop3://USER@HOST[:PORT] or pop3s://...\n"
"  --from ADDR            envelope sender (required)\n"
"  --to ADDR              the recipient whose mailbox --pop3 reads (required)\n"
"  --password-file FILE   the POP3 password (first line; - is stdin); else\n"
"                         MAILTRACE_PASSWORD\n"
"  --smtp-password-file FILE\n"
"                         the SMTP password, when --smtp has USER@; else\n"
"                         MAILTRACE_SMTP_PASSWORD, else the POP3 password\n"
"  --deadline SECONDS     give up this long after the send (default 60)\n"
"  --interval MS          wait between polls (default 1000)\n"
"  --starttls             SMTP: upgrade with STARTTLS\n"
"  --static-send          bracket the SMTP session with the static\n"
"                         Transport.send(msg)'s entry and exit (0xAD0E,\n"
"                         0xAD0F), as most Java applications send\n""  --stls                 POP3: upgrade with STLS\n"
"  --smtp-auth MECH       plain, login or cram-md5 (default: the strongest\n"
"                         offered)\n"
"  --pop3-auth MECH       user (default), apop, plain, login or cram-md5\n"
"  --helo NAME            the EHLO name (default: this host's name)\n"
"  --cafile FILE, --insecure, --level LEVEL, --format FORMAT, --db FILE,\n"
"  --connect-timeout MS, --timeout MS, --max-body BYTES   as for pop3\n"
"  --max-time SECONDS     a limit on each session (unset: 300; 0: none); a\n"
"                         poll also ends at the deadline, failing the step\n"
"                         in progress with SocketTimeoutException\n"
;
/* (three strings: one would pass the 4095 bytes C99 promises) */
static const char rt_usage_tail[] =
"  -h, --help             this text\n"
"\n"
"exit status: 0 the message arrived and was deleted; 1 it did not, or a\n"
"session failed (the trace says where it stopped); 2 usage or configuration.\n";

struct rt_cli {
	struct cli_job		 job;		/* first: a job is an rt_cli */
	struct cli_common	 com;
	struct cli_target	 smtp;
	struct cli_target	 pop3;
	struct smtp_opts	 so;
	struct pop3_opts	 po;
	const char		*smtp_url;
	const char		*pop3_url;
	char			 helo[SMTP_HELO_HARD + 1];
	char			 token[33];
	char			 msg[SMTP_TEST_MSG_HARD];
	char			 target[1300];
	long long		 deadline_s;
	long long		 interval_ms;
	bool			 mx;		/* no --smtp: the --to domain's MX */
	uint16_t		 mx_port;	/* --mx-port; 0: 25 */
	char			 domain[DNS_NAME_HARD];
	struct probe_found	 found;		/* mx: the servers found */
	struct smtp_result	 res;		/* the send that queued */
};

static int
rt_parse(struct rt_cli *c, int argc, char **argv)
{
	static const struct option	 longopts[] = {
		CLI_COMMON_OPTIONS,
		CLI_MON_OPTIONS,
		CLI_KEYLOG_OPTION,
		CLI_DNS_OPTIONS,
		CLI_OTLP_OPTION,
		{ "mx-port", required_argument, NULL, 'm' },
		{ "smtp", required_argument, NULL, 'S' },
		{ "pop3", required_argument, NULL, 'O' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "password-file", required_argument, NULL, 'P' },
		{ "smtp-password-file", required_argument, NULL, 'Q' },
		{ "deadline", required_argument, NULL, 'd' },
		{ "interval", required_argument, NULL, 'i' },
		{ "starttls", no_argument, NULL, 's' },
		{ "stls", no_argument, NULL, 'l' },
		{ "smtp-auth", required_argument, NULL, 'a' },
		{ "pop3-auth", required_argument, NULL, 'b' },
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
		case 'm':
			if (cli_number("--mx-port", optarg, 1, 65535, &v) != 0)
				return -1;
			c->mx_port = (uint16_t)v;
			break;
		case 'S':
			c->smtp_url = optarg;
			break;
		case 'O':
			c->pop3_url = optarg;
			break;
		case 'f':
			if (cli_check_addr("--from", optarg, true) != 0)
				return -1;
			c->so.from = optarg;
			break;
		case 't':
			if (cli_check_addr("--to", optarg, false) != 0)
				return -1;
			c->so.to[0] = optarg;
			c->so.nto = 1;
			break;
		case 'P':
			c->pop3.password_file = optarg;
			break;
		case 'Q':
			c->smtp.password_file = optarg;
			break;
		case 'd':
			if (cli_number("--deadline", optarg, 1, 86400,
			    &c->deadline_s) != 0)
				return -1;
			break;
		case 'i':
			if (cli_number("--interval", optarg, 10, 3600000,
			    &c->interval_ms) != 0)
				return -1;
			break;
		case 's':
			c->smtp.c.starttls = true;
			break;
		case 'X':
			c->so.static_send = true;
			break;
		case 'l':
			c->pop3.c.starttls = true;
			break;
		case 'a':
			if (!probe_auth_parse(optarg, &c->smtp.c.auth) ||
			    c->smtp.c.auth == PROBE_AUTH_USER ||
			    c->smtp.c.auth == PROBE_AUTH_APOP) {
				cli_err("--smtp-auth: \"%s\" is not plain, login "
				    "or cram-md5", optarg);
				return -1;
			}
			break;
		case 'b':
			if (!probe_auth_parse(optarg, &c->pop3.c.auth)) {
				cli_err("--pop3-auth: \"%s\" is not user, apop, "
				    "plain, login or cram-md5", optarg);
				return -1;
			}
			break;
		case 'H':
			if (cli_check_helo(optarg, c->helo, sizeof(c->helo)) !=
			    0)
				return -1;
			break;
		case 'h':
			fputs(rt_usage, stdout);
			fputs(CLI_KEYLOG_HELP CLI_DNS_HELP CLI_OTLP_HELP CLI_MON_HELP,
			    stdout);
			fputs(rt_usage_tail, stdout);
			exit(0);
		case ':':
		default:
			return cli_opt_error("roundtrip", ch, argv);
		}
	}
	if (optind != argc) {
		cli_err("roundtrip: unexpected argument \"%s\"", argv[optind]);
		return -1;
	}
	if (c->pop3_url == NULL || c->so.from == NULL || c->so.nto == 0) {
		cli_err("roundtrip: --pop3, --from and --to are required (and "
		    "--smtp, or the --to domain's MX without it)");
		return -1;
	}
	if (c->smtp_url == NULL) {
		/* the --to domain's MX, as mailtrace smtp without a URL */
		if (cli_mx_domain("roundtrip", c->so.to, c->so.nto,
		    c->domain) != 0 || cli_target_parse(&c->smtp,
		    "smtp://localhost", "smtp", 25, "smtps", 465, false) != 0)
			return -1;
		c->mx = true;
		snprintf(c->smtp.url, sizeof(c->smtp.url), "mx:%s", c->domain);
	} else if (cli_target_parse(&c->smtp, c->smtp_url, "smtp", 25, "smtps",
	    465, false) != 0)
		return -1;
	if (cli_target_parse(&c->pop3, c->pop3_url, "pop3", 110, "pop3s", 995,
	    true) != 0)
		return -1;
	if (!c->mx && (c->mx_port != 0 || c->com.dns_server != NULL ||
	    c->com.dns_timeout_ms >= 0)) {
		cli_err("--mx-port, --dns-server and --dns-timeout are for the "
		    "--to domain's MX: without --smtp");
		return -1;
	}
	if (c->mx && c->smtp.password_file != NULL) {
		cli_err("--smtp-password-file needs --smtp URL with USER@");
		return -1;
	}
	if (cli_common_check(&c->com) != 0)
		return -1;
	if ((c->smtp.c.starttls && c->smtp.c.implicit_tls) ||
	    (c->pop3.c.starttls && c->pop3.c.implicit_tls)) {
		cli_err("--starttls/--stls are for smtp:// and pop3://, not "
		    "the implicit TLS schemes");
		return -1;
	}
	cli_common_apply(&c->com, &c->smtp);
	cli_common_apply(&c->com, &c->pop3);
	return 0;
}

/* POP3 password first; SMTP's from its file, its variable, or POP3's. */
static int
rt_passwords(struct rt_cli *c)
{
	if (cli_target_password(&c->pop3, "MAILTRACE_PASSWORD") != 0)
		return -1;
	if (c->smtp.c.user == NULL)
		return 0;
	if (c->smtp.password_file != NULL ||
	    getenv("MAILTRACE_SMTP_PASSWORD") != NULL)
		return cli_target_password(&c->smtp,
		    "MAILTRACE_SMTP_PASSWORD");
	memcpy(c->smtp.secret, c->pop3.secret, sizeof(c->smtp.secret));
	c->smtp.c.password = c->smtp.secret;
	c->smtp.c.passlen = c->pop3.c.passlen;
	return 0;
}

static int
rt_message(struct rt_cli *c)
{
	cli_default_helo(c->helo, sizeof(c->helo));
	c->so.helo = c->helo;
	return cli_test_message(&c->so, c->msg, sizeof(c->msg), c->token,
	    "mailtrace " MT_VERSION " (roundtrip)");
}

/*
 * Wait ms between polls (the product's poll interval, not a test
 * synchronisation), through the wait door: false when a stop came.
 */
static bool
rt_sleep(long long ms)
{
	return wait_until(mt_mono_ns() + ms * 1000000) != WAIT_STOPPED;
}

/*
 * A poll's session ends at --max-time or at the deadline, whichever comes
 * first: the deadline bounds everything after the send (name holds the
 * limit's name for messages).
 */
static void
rt_poll_limit(struct rt_cli *c, mt_time deadline, char *name, size_t sz)
{
	long long	left = (deadline - mt_wall_now()) / 1000;
	int		max = c->pop3.c.max_time_ms;

	if (max < 0)
		max = MT_MAX_TIME_DEFAULT * 1000;
	if (left < 1)
		left = 1;
	if (max == 0 || left < max) {
		c->po.c.max_time_ms = (int)left;
		snprintf(name, sz, "--deadline %lld s", c->deadline_s);
		c->po.c.limit_name = name;
	} else {
		c->po.c.max_time_ms = max;
		c->po.c.limit_name = NULL;
	}
}

/* One send to a server found: it counts when the message was queued. */
static int
rt_send_one(void *arg, const struct probe_conn *pc, struct tracer *tr,
    struct mt_err *err)
{
	struct rt_cli	*c = arg;

	c->so.c = *pc;
	if (probe_smtp(&c->so, tr, &c->res, err) != 0)
		return c->res.next_mx ? CLI_FOUND_NEXT : -1;
	if (!c->res.queued)
		return mt_err_set(err, MT_E_SEND, "the message was not queued");
	return 0;
}

static int
rt_run(struct rt_cli *c, struct tracer *tr)
{
	struct pop3_find	pf;
	struct smtp_result	res;
	struct mt_err		err;
	mt_time			deadline;
	char			limit[64];
	unsigned		polls = 0;
	int			status = EXIT_SESSION;

	memset(&pf, 0, sizeof(pf));
	c->po.c = c->pop3.c;
	c->so.c = c->smtp.c;
	mt_err_clear(&err);
	/* The lookups first: they are the run's session 0. */
	if (c->mx) {
		struct dns_conf	dc;

		cli_dns_conf(&c->com, &dc);
		if (probe_find_mx(&dc, tr, c->domain, c->mx_port ? c->mx_port :
		    25, &c->found, &err) != 0) {
			cli_session_err(c->smtp.url, &err);
			goto done;
		}
	}
	/* What is there already is never looked at again. */
	if (probe_pop3_find(&c->po, &pf, tr, &err) != 0) {
		cli_session_err(c->pop3.url, &err);
		goto done;
	}
	if (c->mx) {
		if (cli_found_run(tr, &c->found, &c->smtp.c, false, false,
		    rt_send_one, c) != 0)
			goto done;
		res = c->res;
	} else if (probe_smtp(&c->so, tr, &res, &err) != 0 || !res.queued) {
		cli_session_err(c->smtp.url, &err);
		goto done;
	}
	pf.token = c->token;
	pf.t_sent = res.t_queued;
	deadline = res.t_queued + c->deadline_s * 1000000;
	for (;;) {
		polls++;
		rt_poll_limit(c, deadline, limit, sizeof(limit));
		if (probe_pop3_find(&c->po, &pf, tr, &err) != 0) {
			/* The deadline cut the poll short: the message did
			 * not arrive in time, as when it ends between polls
			 * (the poll's own records say where it stopped). */
			if (err.code == MT_E_TIMEOUT &&
			    c->po.c.limit_name != NULL)
				cli_err("roundtrip: the message (token %s) did "
				    "not arrive in %s within %lld s (%u poll%s; "
				    "the last one: %s)", c->token, c->pop3.url,
				    c->deadline_s, polls, polls == 1 ? "" : "s",
				    err.msg);
			else
				cli_session_err(c->pop3.url, &err);
			goto done;
		}
		if (pf.found)
			break;
		if (mt_wall_now() + c->interval_ms * 1000 > deadline) {
			cli_err("roundtrip: the message (token %s) did not "
			    "arrive in %s within %lld s (%u poll%s)", c->token,
			    c->pop3.url, c->deadline_s, polls, polls == 1 ? "" :
			    "s");
			goto done;
		}
		if (!rt_sleep(c->interval_ms)) {
			cli_err("roundtrip: interrupted by a signal between "
			    "polls (%u so far)", polls);
			goto done;
		}
	}
	if (!pf.deleted) {
		cli_err("roundtrip: the message arrived but could not be "
		    "deleted");
		goto done;
	}
	status = 0;
done:
	pop3_find_free(&pf);
	return status;
}

static int
rt_session(struct cli_job *j, struct cli_run *run)
{
	return rt_run((struct rt_cli *)j, &run->tr);
}

static void
rt_free(struct cli_job *j)
{
	struct rt_cli	*c = (struct rt_cli *)j;

	if (c == NULL)
		return;
	cli_target_wipe(&c->smtp);
	cli_target_wipe(&c->pop3);
	explicit_bzero(&c->so.c, sizeof(c->so.c));
	explicit_bzero(&c->po.c, sizeof(c->po.c));
	free(c);
}

static const struct cli_job_ops rt_ops = { rt_session, rt_free };

int
cli_roundtrip_job(int argc, char **argv, struct cli_job **out)
{
	struct rt_cli	*c;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		cli_err("out of memory");
		return EXIT_USAGE;
	}
	cli_job_init(&c->job, &rt_ops, &c->com, "roundtrip", c->target, argc, argv);
	c->deadline_s = 60;
	c->interval_ms = 1000;
	if (rt_parse(c, argc, argv) != 0 || rt_passwords(c) != 0 ||
	    rt_message(c) != 0) {
		rt_free(&c->job);
		return EXIT_USAGE;
	}
	snprintf(c->target, sizeof(c->target), "%s -> %s", c->smtp.url,
	    c->pop3.url);
	cli_job_key(&c->job.key[0], &c->smtp);
	cli_job_key(&c->job.key[1], &c->pop3);
	c->job.nkey = 2;
	*out = &c->job;
	return 0;
}

int
cli_roundtrip(int argc, char **argv)
{
	return cli_job_command(cli_roundtrip_job, argc, argv);
}
