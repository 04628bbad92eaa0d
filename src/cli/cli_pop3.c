/*
 * SPDX-License-Identifier: BSD-2-Clause
 * cli_pop3.c - mailtrace pop3: options, the password door, the sinks, and
 * one probe run stored in sqlite.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"
#include "sink.h"
#include "store.h"

static const char pop3_usage[] =
"usage: mailtrace pop3 [options] pop3://USER@HOST[:PORT]\n"
"       mailtrace pop3 [options] pop3s://USER@HOST[:PORT]\n"
"\n"
"Runs one POP3 session in the JavaMail call order (Store.connect: connect,\n"
"greeting, CAPA, STLS if asked, authentication; Folder.open: STAT; the\n"
"fetches asked for; Folder.close: RSET, DELE, QUIT; teardown), prints its\n"
"trace and stores it.  Default ports: 110 (pop3://), 995 (pop3s://).\n"
"HOST may be a name, an IPv4 address or [IPv6]; USER may use %XX escapes.\n"
"\n"
"  --password-file FILE   read the password from FILE (first line; - is\n"
"                         stdin); else the MAILTRACE_PASSWORD variable.\n"
"                         A password in the URL or on the command line is\n"
"                         refused.\n"
"  --auth MECH            user (USER/PASS, default), apop, plain, login,\n"
"                         cram-md5 (SASL over AUTH)\n"
"  --stls                 upgrade with STLS before authenticating; fail if\n"
"                         the server does not offer it\n"
"  --cafile FILE          trust this CA (PEM) instead of the system store;\n"
"                         certificate and host name are always verified\n"
"  --insecure             do not verify the certificate or host name\n"
"  --level LEVEL          standard (A events, default) or advanced (A and B)\n"
"  --format FORMAT        text (default), prf (PRF CSV) or jsonl\n"
"  --db FILE              the sqlite store (default: $MAILTRACE_DB, else\n"
"                         $XDG_DATA_HOME/mailtrace/mailtrace.db, else\n"
"                         ~/.local/share/mailtrace/mailtrace.db)\n"
"  --connect-timeout MS   TCP connect and TLS handshake timeout (unset: 10000;\n"
"                         0: wait forever)\n"
"  --timeout MS           read timeout for each wait (unset: 30000; 0: forever)\n"
"  --retr all|N           RETR every message, or message N\n"
"  --top N                TOP with N body lines, for the same messages\n"
"  --uidl                 UIDL (all messages)\n"
"  --dele                 DELE the same messages when closing (all, or N)\n"
"  --rset                 RSET when closing, before the DELE block\n"
"  --noop                 NOOP before closing\n"
"  --max-body BYTES       fail a multi-line response larger than this\n"
"                         (default 67108864, at most 1073741824)\n"
"  -h, --help             this text\n"
"\n"
"With --retr or --top, the fetch block (0xAD8A/0xAD8B) sends LIST n for each\n"
"message (an envelope fetch), then TOP/RETR follow as plain fetches.\n"
"exit status: 0 every step succeeded; 1 the session failed at some step (the\n"
"trace shows which); 2 usage or configuration error.\n";

struct pop3_cli {
	struct pop3_opts	 o;
	char			 host[256];
	char			 user[256];
	char			 target[600];
	char			 secret[MT_SECRET_HARD + 2];
	const char		*password_file;
	enum level		 level;
	enum sink_format	 fmt;
	const char		*db;
	bool			 scheme_tls;
};

/* Decode %XX escapes of a URL part into out; false when malformed. */
static bool
url_unescape(const char *s, size_t n, char *out, size_t outsz)
{
	size_t	i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned	c = (unsigned char)s[i];

		if (c == '%') {
			unsigned	hi, lo;

			if (i + 2 >= n)
				return false;
			hi = (unsigned char)s[i + 1];
			lo = (unsigned char)s[i + 2];
			hi = mt_isdigit((int)hi) ? hi - '0' : (hi | 0x20) - 'a' + 10;
			lo = mt_isdigit((int)lo) ? lo - '0' : (lo | 0x20) - 'a' + 10;
			if (hi > 15 || lo > 15)
				return false;
			c = hi << 4 | lo;
			i += 2;
		}
		if (c == 0 || c == '\r' || c == '\n' || o + 1 >= outsz)
			return false;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return o > 0;
}

static int
parse_url(struct pop3_cli *c, const char *url)
{
	const char	*rest, *at, *hp, *colon, *end;
	size_t		 hl;
	long long	 port;

	if (strncmp(url, "pop3://", 7) == 0) {
		rest = url + 7;
		c->o.port = 110;
	} else if (strncmp(url, "pop3s://", 8) == 0) {
		rest = url + 8;
		c->o.port = 995;
		c->o.implicit_tls = true;
	} else {
		cli_err("\"%s\": the target must be pop3://USER@HOST[:PORT] or "
		    "pop3s://USER@HOST[:PORT]", url);
		return -1;
	}
	end = rest + strlen(rest);
	if (end > rest && end[-1] == '/')
		end--;
	if ((at = strrchr(rest, '@')) == NULL || at == rest) {
		cli_err("the target needs a user: pop3://USER@HOST[:PORT]");
		return -1;
	}
	if (memchr(rest, ':', (size_t)(at - rest)) != NULL) {
		/* Never echo it: it may be a password. */
		cli_err("a password in the URL is refused (it would show in "
		    "process lists and shell history); use --password-file "
		    "FILE or MAILTRACE_PASSWORD");
		return -1;
	}
	if (!url_unescape(rest, (size_t)(at - rest), c->user, sizeof(c->user))) {
		cli_err("the user name in the target is malformed or too long");
		return -1;
	}
	hp = at + 1;
	if (*hp == '[') {
		const char *rb = memchr(hp, ']', (size_t)(end - hp));

		if (rb == NULL) {
			cli_err("\"%s\": unterminated [IPv6] address", url);
			return -1;
		}
		hl = (size_t)(rb - hp - 1);
		if (hl == 0 || hl >= sizeof(c->host)) {
			cli_err("\"%s\": bad host", url);
			return -1;
		}
		memcpy(c->host, hp + 1, hl);
		c->host[hl] = '\0';
		colon = rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
		if (colon == NULL && rb + 1 != end) {
			cli_err("\"%s\": unexpected text after the host", url);
			return -1;
		}
	} else {
		colon = memchr(hp, ':', (size_t)(end - hp));
		hl = (size_t)((colon ? colon : end) - hp);
		if (hl == 0 || hl >= sizeof(c->host) ||
		    memchr(hp, '/', hl) != NULL) {
			cli_err("\"%s\": bad host", url);
			return -1;
		}
		memcpy(c->host, hp, hl);
		c->host[hl] = '\0';
	}
	if (colon != NULL) {
		char	pbuf[8];
		size_t	pl = (size_t)(end - colon - 1);

		if (pl == 0 || pl >= sizeof(pbuf)) {
			cli_err("\"%s\": bad port", url);
			return -1;
		}
		memcpy(pbuf, colon + 1, pl);
		pbuf[pl] = '\0';
		if (cli_number("port", pbuf, 1, 65535, &port) != 0)
			return -1;
		c->o.port = (uint16_t)port;
	}
	c->o.host = c->host;
	c->o.user = c->user;
	/* The target as recorded: never a secret (none is accepted). */
	snprintf(c->target, sizeof(c->target), "%s://%.*s@%s%s%s:%u",
	    c->o.implicit_tls ? "pop3s" : "pop3", (int)(at - rest), rest,
	    strchr(c->host, ':') ? "[" : "", c->host,
	    strchr(c->host, ':') ? "]" : "", c->o.port);
	return 0;
}

/* The one door for the secret: a file (or stdin) or the environment. */
static int
read_password(struct pop3_cli *c)
{
	const char	*env;
	FILE		*fp;
	size_t		 n;

	if (c->password_file != NULL) {
		if (strcmp(c->password_file, "-") == 0)
			fp = stdin;
		else if ((fp = fopen(c->password_file, "r")) == NULL) {
			cli_err("--password-file %s: %s", c->password_file,
			    strerror(errno));
			return -1;
		}
		n = fread(c->secret, 1, sizeof(c->secret) - 1, fp);
		if (ferror(fp)) {
			cli_err("--password-file %s: read error",
			    c->password_file);
			if (fp != stdin)
				fclose(fp);
			return -1;
		}
		if (fp != stdin)
			fclose(fp);
		c->secret[n] = '\0';
		/* The first line only. */
		n = strcspn(c->secret, "\r\n");
		if (n > MT_SECRET_HARD) {
			cli_err("--password-file %s: the password is longer "
			    "than %d bytes", c->password_file, MT_SECRET_HARD);
			return -1;
		}
		explicit_bzero(c->secret + n, sizeof(c->secret) - n);
	} else if ((env = getenv("MAILTRACE_PASSWORD")) != NULL) {
		n = strlen(env);
		if (n > MT_SECRET_HARD) {
			cli_err("MAILTRACE_PASSWORD is longer than %d bytes",
			    MT_SECRET_HARD);
			return -1;
		}
		memcpy(c->secret, env, n);
		c->secret[n] = '\0';
	} else {
		cli_err("no password: use --password-file FILE or set "
		    "MAILTRACE_PASSWORD");
		return -1;
	}
	if (n == 0) {
		cli_err("the password is empty");
		return -1;
	}
	c->o.password = c->secret;
	c->o.passlen = n;
	return 0;
}

static int
parse_args(struct pop3_cli *c, int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "password-file", required_argument, NULL, 'P' },
		{ "password", required_argument, NULL, 'p' },
		{ "auth", required_argument, NULL, 'a' },
		{ "stls", no_argument, NULL, 's' },
		{ "cafile", required_argument, NULL, 'C' },
		{ "insecure", no_argument, NULL, 'k' },
		{ "level", required_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'f' },
		{ "db", required_argument, NULL, 'd' },
		{ "connect-timeout", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "retr", required_argument, NULL, 'r' },
		{ "top", required_argument, NULL, 'T' },
		{ "uidl", no_argument, NULL, 'u' },
		{ "dele", no_argument, NULL, 'D' },
		{ "rset", no_argument, NULL, 'R' },
		{ "noop", no_argument, NULL, 'n' },
		{ "max-body", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	long long	v;
	int		ch;

	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'P':
			c->password_file = optarg;
			break;
		case 'p':
			cli_err("--password is refused (a password on the "
			    "command line shows in process lists and shell "
			    "history); use --password-file FILE or "
			    "MAILTRACE_PASSWORD");
			return -1;
		case 'a':
			if (!probe_auth_parse(optarg, &c->o.auth)) {
				cli_err("--auth: \"%s\" is not user, apop, plain, "
				    "login or cram-md5", optarg);
				return -1;
			}
			break;
		case 's':
			c->o.stls = true;
			break;
		case 'C':
			if (access(optarg, R_OK) != 0) {
				cli_err("--cafile %s: %s", optarg,
				    strerror(errno));
				return -1;
			}
			c->o.cafile = optarg;
			break;
		case 'k':
			c->o.insecure = true;
			break;
		case 'l':
			if (strcmp(optarg, "standard") == 0)
				c->level = LEVEL_STANDARD;
			else if (strcmp(optarg, "advanced") == 0)
				c->level = LEVEL_ADVANCED;
			else {
				cli_err("--level: \"%s\" is not standard or "
				    "advanced", optarg);
				return -1;
			}
			break;
		case 'f':
			if (sink_format_parse(optarg, &c->fmt) != 0) {
				cli_err("--format: \"%s\" is not text, prf or "
				    "jsonl", optarg);
				return -1;
			}
			break;
		case 'd':
			c->db = optarg;
			break;
		case 'c':
			if (cli_number("--connect-timeout", optarg, 0,
			    86400000, &v) != 0)
				return -1;
			c->o.connect_timeout_ms = (int)v;
			break;
		case 't':
			if (cli_number("--timeout", optarg, 0, 86400000, &v) != 0)
				return -1;
			c->o.read_timeout_ms = (int)v;
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
		case 'm':
			if (cli_number("--max-body", optarg, 1,
			    (long long)MT_BODY_HARD, &v) != 0)
				return -1;
			c->o.max_body = (uint64_t)v;
			break;
		case 'h':
			fputs(pop3_usage, stdout);
			exit(0);
		case ':':
			cli_err("pop3: %s needs a value", argv[optind - 1]);
			return -1;
		default:
			cli_err("pop3: unknown option \"%s\" (try mailtrace pop3 "
			    "--help)", argv[optind - 1]);
			return -1;
		}
	}
	if (optind != argc - 1) {
		cli_err(optind >= argc ? "pop3: the target is missing: "
		    "pop3://USER@HOST[:PORT]" : "pop3: one target only");
		return -1;
	}
	if (parse_url(c, argv[optind]) != 0)
		return -1;
	if (c->o.insecure && c->o.cafile != NULL) {
		cli_err("--insecure and --cafile contradict each other");
		return -1;
	}
	if (c->o.stls && c->o.implicit_tls) {
		cli_err("--stls is for pop3://; pop3s:// is TLS from the start");
		return -1;
	}
	return 0;
}

int
cli_pop3(int argc, char **argv)
{
	struct pop3_cli		*c;
	struct store		*st = NULL;
	struct sink		*out, *ss;
	struct tracer		 tr;
	struct run_info		 ri;
	struct mt_err		 err;
	char			 dbbuf[4096];
	int			 status;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		cli_err("out of memory");
		return EXIT_USAGE;
	}
	c->o.connect_timeout_ms = -1;
	c->o.read_timeout_ms = -1;
	if (parse_args(c, argc, argv) != 0 || read_password(c) != 0) {
		status = EXIT_USAGE;
		goto done;
	}
	if (c->db == NULL &&
	    (c->db = store_default_path(dbbuf, sizeof(dbbuf))) == NULL) {
		cli_err("no store path: set --db, MAILTRACE_DB or HOME");
		status = EXIT_USAGE;
		goto done;
	}
	mt_err_clear(&err);
	if (store_open(c->db, &st, &err) != 0) {
		cli_err("%s", err.msg);
		status = EXIT_USAGE;
		goto done;
	}
	memset(&ri, 0, sizeof(ri));
	ri.proto = "pop3";
	ri.target = c->target;
	ri.level = c->level == LEVEL_ADVANCED ? "advanced" : "standard";
	ri.started = mt_wall_now();
	ri.pid = (long)getpid();
	if (store_run_begin(st, &ri, &err) != 0) {
		cli_err("%s", err.msg);
		status = EXIT_USAGE;
		goto done;
	}
	trace_init(&tr, c->level, REC_PROBE);
	tr.run = ri.run;
	if ((out = sink_new(c->fmt, stdout, &ri, &err)) == NULL) {
		cli_err("%s", err.msg);
		status = EXIT_USAGE;
		goto done;
	}
	ss = store_sink(st);
	trace_add_sink(&tr, out);
	if (ss != NULL)
		trace_add_sink(&tr, ss);
	status = probe_pop3(&c->o, &tr, &err) == 0 ? 0 : EXIT_SESSION;
	if (status != 0)
		cli_err("%s: %s (%s)", c->target,
		    err.msg, mt_exc_class(err.code)[0] ?
		    mt_exc_class(err.code) : "no exception class");
	{
		struct mt_err	ferr;

		mt_err_clear(&ferr);
		if (trace_flush(&tr, &ferr) != 0) {
			cli_err("recording the trace failed: %s", ferr.msg);
			status = EXIT_SESSION;
		}
	}
	trace_close(&tr);
	if (fflush(stdout) != 0) {
		cli_err("writing the trace to standard output failed");
		status = EXIT_SESSION;
	}
	if (store_run_end(st, ri.run, status, mt_wall_now(), &err) != 0) {
		cli_err("%s", err.msg);
		status = EXIT_SESSION;
	}
done:
	store_close(st);
	explicit_bzero(c->secret, sizeof(c->secret));
	free(c);
	return status;
}
