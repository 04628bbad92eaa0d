/*
 * SPDX-License-Identifier: BSD-2-Clause
 * cli_decode.c - mailtrace decode: captures (files or a live interface)
 * through the decoder into one stored run.
 */
#include "cli.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_common.h"
#include "decode.h"
#include "pcap_src.h"
#include "tls.h"

static const char decode_usage[] =
"usage: mailtrace decode [options] FILE...    pcap or pcapng files; - is stdin\n"
"       mailtrace decode [options] -i IFACE   a live capture\n"
"\n"
"Rebuilds the probes' trace records from captured POP3 and SMTP traffic:\n"
"TCP is reassembled, each flow goes through the same protocol model the\n"
"probes use, and the API-level points are placed where the protocol shows\n"
"them.  All files (or the live capture) make one stored run; source is\n"
"\"pcap\" in every record.\n"
"\n"
"  -i, --interface IFACE  capture live (needs root or CAP_NET_RAW)\n"
"  --filter BPF           capture filter; default for -i: the mail ports;\n"
"                         files are read whole unless --filter is given\n"
"  --port PROTO=N         also treat port N as PROTO: pop3, smtp (plain) or\n"
"                         pop3s, smtps (implicit TLS); repeatable.  Defaults:\n"
"                         pop3 110, smtp 25 587 2525, pop3s 995, smtps 465.\n"
"                         A port is one protocol (the same N for two is\n"
"                         refused; a default port leaves its default).\n"
"                         Other ports are recognised by their first line\n"
"  --keylog FILE          TLS secrets (NSS key log, SSLKEYLOGFILE) to decrypt\n"
"                         implicit TLS, STLS and STARTTLS sessions with;\n"
"                         repeatable.  The key logs in a pcapng file's\n"
"                         Decryption Secrets Blocks are used too.  Without\n"
"                         keys a TLS session shows its handshake's facts\n"
"                         and then only that it is encrypted\n"
"  --threads N            decode on N threads (1 to 64; default: the\n"
"                         number of cores): flows are shared out by their\n"
"                         endpoints, the records and the store are the\n"
"                         same as with one thread, in the same order\n"
"                         (each thread has 1/N of the flow table and of\n"
"                         the memory budget: if a share runs out, stderr\n"
"                         says so, and from there they may differ)\n"
"  --count N              stop a live capture after N packets\n"
"  --duration S           stop a live capture after S seconds\n"
"  --level LEVEL          standard (A events, default) or advanced (A and B)\n"
"  --format FORMAT        text (default), prf (PRF CSV) or jsonl\n"
"  --db FILE|URL          the store, a sqlite file or a postgresql:// URL (as\n"
"                         for pop3)\n"
"  -h, --help             this text\n"
"\n"
"At the end, one line on stderr says what was not decoded, if anything:\n"
"packets truncated, invalid or not TCP/IP; TCP flows not mail and TLS flows\n"
"on unlisted ports, with their server ports and a --port hint.\n"
"\n"
"exit status: 0 every input was read; 1 an input was damaged or cut short\n"
"(the records before the damage are kept; stderr says where it stopped),\n"
"or a file ended with mail sessions still open (no FIN or RST captured);\n"
"2 usage errors, an input that is not a capture, or a pcapng libpcap cannot\n"
"read (interfaces of different link types: stderr says how to split it).\n";

/* The input being read, for the signal handlers. */
static struct cap_src *volatile live_src;

static void
on_signal(int sig)
{
	(void)sig;
	if (live_src != NULL)
		cap_break(live_src);
}

/* SIGINT/SIGTERM during a file: stop reading (cli_stop_hook()). */
static void
on_stop(void)
{
	if (live_src != NULL)
		cap_break(live_src);
}

struct dec_cli {
	struct cli_common	 com;
	struct dec_opts		 o;
	const char		*iface;
	const char		*filter;
	long long		 count;
	long long		 duration;
	char			 target[1024];
	struct tls_keylog	*keys;		/* --keylog and the DSBs; NULL none */
	/* the protocol each --port gave a port: 0 none, else 1 + index */
	uint8_t			 given[65536];
};

/* --port's protocols, in the order of struct dec_opts' lists. */
static const char *const port_protos[4] = { "pop3", "smtp", "pop3s",
    "smtps" };

/* "; N what" (what1 for one) onto b (NUL-terminated, bounded), N > 0. */
static void
add_count(char *b, size_t sz, uint64_t n, const char *what1,
    const char *what)
{
	size_t	o = strlen(b);

	if (n > 0 && o < sz)
		snprintf(b + o, sz - o, "%s%llu %s", o > 0 ? "; " : "",
		    (unsigned long long)n, n == 1 ? what1 : what);
}

/* " (port P, Q, ...)" of a kind of skipped flow onto b. */
static void
add_ports(char *b, size_t sz, const struct dec_skipped *k)
{
	size_t	i, o;

	for (i = 0; i < k->nports; i++) {
		o = strlen(b);
		snprintf(b + o, sz - o, "%s%u", i == 0 ? (k->nports > 1 ||
		    k->more ? " (server ports " : " (server port ") : ", ",
		    k->ports[i]);
	}
	o = strlen(b);
	if (k->nports > 0)
		snprintf(b + o, sz - o, "%s)", k->more ? ", ..." : "");
}

/*
 * Ports whose TLS is known not to be mail, so no --port hint is given for
 * them: HTTPS (443, 8443), IMAPS (993), LDAPS (636), FTPS (989, 990), DNS
 * over TLS (853), XMPP (5223), SIP (5061).
 */
static bool
tls_not_mail(uint16_t port)
{
	static const uint16_t	known[] = { 443, 8443, 993, 636, 989, 990,
				    853, 5223, 5061 };
	size_t			i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i] == port)
			return true;
	return false;
}

/*
 * One line on stderr of what was read and not decoded (issue 9 item 18):
 * packets by reason, TCP flows that were not mail and TLS flows on ports
 * no option named (with the --port that would name them).  Nothing when
 * everything was decoded.
 */
static void
skipped_summary(const struct cap_stats *cs, const struct dec_stats *ds)
{
	char	b[1024] = "";
	size_t	i;

	add_count(b, sizeof(b), cs->truncated, "packet truncated",
	    "packets truncated");
	add_count(b, sizeof(b), cs->invalid, "packet invalid",
	    "packets invalid");
	add_count(b, sizeof(b), cs->skipped, "packet not TCP/IP (or a later "
	    "IPv4 fragment)", "packets not TCP/IP (or later IPv4 fragments)");
	if (ds->other.flows > 0) {
		add_count(b, sizeof(b), ds->other.flows, "TCP flow not mail",
		    "TCP flows not mail");
		add_ports(b, sizeof(b), &ds->other);
	}
	if (ds->tls.flows > 0) {
		add_count(b, sizeof(b), ds->tls.flows, "TLS flow on an "
		    "unlisted port", "TLS flows on unlisted ports");
		add_ports(b, sizeof(b), &ds->tls);
		for (i = 0; i < ds->tls.nports; i++)
			if (!tls_not_mail(ds->tls.ports[i]))
				break;
		if (i < ds->tls.nports)
			snprintf(b + strlen(b), sizeof(b) - strlen(b), ": if "
			    "port %u is POP3S or SMTPS, say so with --port "
			    "pop3s=%u or --port smtps=%u", ds->tls.ports[i],
			    ds->tls.ports[i], ds->tls.ports[i]);
	}
	if (b[0] != '\0')
		cli_err("not decoded: %s", b);
}

/* --threads' default: the cores online (1 to DEC_THREADS_HARD). */
static unsigned
default_threads(void)
{
	long	n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > DEC_THREADS_HARD ? DEC_THREADS_HARD : (unsigned)n;
}

static void
on_pkt(void *arg, const struct pkt_tcp *p)
{
	dec_packet(arg, p);
}

/*
 * --port PROTO=N.  A port is one protocol: N given for another protocol
 * before is refused; N among another protocol's defaults leaves them.
 */
static int
parse_port(struct dec_cli *c, const char *arg)
{
	uint16_t	*lists[4] = { c->o.pop3, c->o.smtp, c->o.pop3s,
			    c->o.smtps };
	size_t		*ns[4] = { &c->o.npop3, &c->o.nsmtp, &c->o.npop3s,
			    &c->o.nsmtps };
	const char	*eq = strchr(arg, '=');
	size_t		 k, i, j;
	long long	 v;

	if (eq == NULL || cli_number("--port", eq + 1, 1, 65535, &v) != 0) {
		if (eq == NULL)
			cli_err("--port: \"%s\" is not PROTO=N (pop3, smtp, "
			    "pop3s, smtps)", arg);
		return -1;
	}
	for (k = 0; k < 4; k++)
		if (strlen(port_protos[k]) == (size_t)(eq - arg) &&
		    strncmp(arg, port_protos[k], (size_t)(eq - arg)) == 0)
			break;
	if (k == 4) {
		cli_err("--port: \"%s\": PROTO is pop3, smtp, pop3s or smtps",
		    arg);
		return -1;
	}
	if (c->given[v] != 0 && c->given[v] != k + 1) {
		cli_err("--port: port %lld is given as %s and as %s; a port is "
		    "one protocol", v, port_protos[c->given[v] - 1],
		    port_protos[k]);
		return -1;
	}
	for (i = 0; i < 4; i++)
		for (j = 0; i != k && j < *ns[i]; j++)
			if (lists[i][j] == (uint16_t)v) {
				memmove(&lists[i][j], &lists[i][j + 1],
				    (*ns[i] - j - 1) * sizeof(lists[i][0]));
				(*ns[i])--;
				break;
			}
	if (!dec_opts_add(lists[k], ns[k], (uint16_t)v)) {
		cli_err("--port: at most %d ports per protocol", DEC_PORTS_HARD);
		return -1;
	}
	c->given[v] = (uint8_t)(k + 1);
	return 0;
}

/* The key log, made at the first one given. */
static int
need_keys(struct dec_cli *c)
{
	struct mt_err	err;

	mt_err_clear(&err);
	if (c->keys == NULL && (c->keys = tls_keylog_new(&err)) == NULL) {
		cli_err("%s", err.msg);
		return -1;
	}
	return 0;
}

/* --keylog FILE: every secret line of it, into the one key log. */
static int
add_keylog(struct dec_cli *c, const char *path)
{
	struct mt_err	err;

	if (need_keys(c) != 0)
		return -1;
	mt_err_clear(&err);
	if (tls_keylog_load_file(c->keys, path, &err) != 0) {
		cli_err("--keylog: %s", err.msg);
		return -1;
	}
	return 0;
}

struct dsb_arg {
	struct dec_cli	*c;
	const char	*file;
};

/* One Decryption Secrets Block's key log; one that has no line is said. */
static int
add_dsb(void *arg, const char *text, size_t len, unsigned n)
{
	struct dsb_arg	*a = arg;
	struct mt_err	 err;
	char		 what[64];

	if (need_keys(a->c) != 0)
		return -1;
	snprintf(what, sizeof(what), "decryption secrets block %u", n);
	mt_err_clear(&err);
	if (tls_keylog_add_text(a->c->keys, text, len, what, &err) != 0)
		cli_err("%s: %s (skipped)", a->file, err.msg);
	return 0;
}

/* "tcp port (110 or 25 or ...)" from the configured ports. */
static void
default_filter(const struct dec_opts *o, char *buf, size_t sz)
{
	const uint16_t	*lists[4] = { o->pop3, o->smtp, o->pop3s, o->smtps };
	size_t		 ns[4] = { o->npop3, o->nsmtp, o->npop3s, o->nsmtps };
	size_t		 i, j, n;
	int		 w;

	n = (size_t)snprintf(buf, sz, "tcp and (");
	for (i = 0; i < 4; i++)
		for (j = 0; j < ns[i] && n < sz; j++) {
			w = snprintf(buf + n, sz - n, "%sport %u",
			    n > 9 ? " or " : "", lists[i][j]);
			if (w > 0)
				n += (size_t)w;
		}
	if (n < sz)
		snprintf(buf + n, sz - n, ")");
}

static int
parse_args(struct dec_cli *c, int argc, char **argv)
{
	static const struct option	 longopts[] = {
		CLI_COMMON_OPTIONS,
		{ "interface", required_argument, NULL, 'i' },
		{ "filter", required_argument, NULL, 'f' },
		{ "port", required_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "keylog", required_argument, NULL, 'k' },
		{ "threads", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	long long	 v;
	int		 ch, k;

	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":hi:", longopts, NULL)) != -1) {
		if ((k = cli_common_opt(&c->com, ch, optarg)) != 0) {
			if (k < 0)
				return -1;
			continue;
		}
		switch (ch) {
		case 'i':
			c->iface = optarg;
			break;
		case 'f':
			c->filter = optarg;
			break;
		case 'p':
			if (parse_port(c, optarg) != 0)
				return -1;
			break;
		case 'n':
			if (cli_number("--count", optarg, 1, INT64_MAX,
			    &c->count) != 0)
				return -1;
			break;
		case 'd':
			if (cli_number("--duration", optarg, 1, 31536000,
			    &c->duration) != 0)
				return -1;
			break;
		case 'k':
			if (add_keylog(c, optarg) != 0)
				return -1;
			break;
		case 'j':
			if (cli_number("--threads", optarg, 1, DEC_THREADS_HARD,
			    &v) != 0)
				return -1;
			c->o.threads = (unsigned)v;
			break;
		case 'h':
			fputs(decode_usage, stdout);
			exit(0);
		case ':':
		default:
			return cli_opt_error("decode", ch, argv);
		}
	}
	if (c->iface == NULL && optind >= argc) {
		cli_err("decode: give capture files (or - for stdin) or -i "
		    "IFACE");
		return -1;
	}
	if (c->iface != NULL && optind < argc) {
		cli_err("decode: -i and files exclude each other");
		return -1;
	}
	if (c->iface == NULL && (c->count || c->duration)) {
		cli_err("decode: --count and --duration are for -i");
		return -1;
	}
	return 0;
}

/* Open every input first: a file that is not a capture is a usage error. */
static int
open_inputs(struct dec_cli *c, char **files, int nfiles,
    struct cap_src **srcs)
{
	struct mt_err	err;
	char		fbuf[1024];
	int		i;

	for (i = 0; i < nfiles; i++) {
		mt_err_clear(&err);
		if (cap_open_file(files[i], &srcs[i], &err) != 0) {
			cli_err("%s", err.msg);
			return -1;
		}
	}
	if (c->iface != NULL) {
		mt_err_clear(&err);
		if (cap_open_live(c->iface, &srcs[0], &err) != 0) {
			cli_err("%s", err.msg);
			return -1;
		}
		if (c->filter == NULL) {
			default_filter(&c->o, fbuf, sizeof(fbuf));
			c->filter = fbuf;
			if (cap_set_filter(srcs[0], fbuf, &err) != 0) {
				cli_err("%s", err.msg);
				return -1;
			}
			c->filter = NULL;
			return 0;
		}
	}
	for (i = 0; c->filter != NULL && i < (c->iface ? 1 : nfiles); i++) {
		mt_err_clear(&err);
		if (cap_set_filter(srcs[i], c->filter, &err) != 0) {
			cli_err("--filter: %s", err.msg);
			return -1;
		}
	}
	return 0;
}

/* stdout's buffer when it is not a terminal (glibc ignores a size alone). */
static char	out_buf[256 * 1024];

int
cli_decode(int argc, char **argv)
{
	struct dec_cli		*c;
	struct cap_src		**srcs = NULL;
	struct decoder		*dec = NULL;
	struct cli_run		 run;
	struct cap_stats	 cs, total;
	struct dec_stats	 before, after;
	struct mt_err		 err;
	int			 status = 0, nfiles, nsrc, i, rc;
	size_t			 o = 0;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		cli_err("out of memory");
		return EXIT_USAGE;
	}
	cli_common_init(&c->com);
	c->com.argc = argc - 1;
	c->com.argv = argv + 1;
	dec_opts_default(&c->o);
	c->o.threads = default_threads();
	memset(&total, 0, sizeof(total));
	if (parse_args(c, argc, argv) != 0) {
		tls_keylog_free(c->keys);
		free(c);
		return EXIT_USAGE;
	}
	nfiles = c->iface ? 0 : argc - optind;
	nsrc = c->iface ? 1 : nfiles;
	if ((srcs = calloc((size_t)nsrc, sizeof(*srcs))) == NULL) {
		free(c);
		return EXIT_USAGE;
	}
	if (open_inputs(c, argv + optind, nfiles, srcs) != 0) {
		status = EXIT_USAGE;
		goto done;
	}
	/* The key logs inside the files count from the first packet on. */
	for (i = 0; i < nfiles; i++) {
		struct dsb_arg	da = { c, argv[optind + i] };

		mt_err_clear(&err);
		if (cap_pcapng_secrets(argv[optind + i], add_dsb, &da, &err) !=
		    0) {
			cli_err("%s", err.msg[0] != '\0' ? err.msg :
			    "out of memory");
			status = EXIT_USAGE;
			goto done;
		}
	}
	c->o.keys = c->keys;
	if (c->iface != NULL)
		snprintf(c->target, sizeof(c->target), "live:%s", c->iface);
	for (i = 0; i < nfiles && o < sizeof(c->target); i++) {
		int w = snprintf(c->target + o, sizeof(c->target) - o, "%s%s",
		    i ? " " : "", argv[optind + i]);

		if (w > 0)
			o += (size_t)w;
	}
	/*
	 * Records to a file or a pipe go out in large writes (a long
	 * capture makes tens of megabytes of them); a live capture still
	 * flushes after each packet, a terminal still sees each line.
	 */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf));
	if ((status = cli_run_begin(&run, &c->com, "decode", c->target)) !=
	    0)
		goto done;
	run.tr.source = REC_PCAP;
	if (cli_run_async(&run) != 0) {
		status = cli_run_end(&run, EXIT_USAGE);
		goto done;
	}
	c->o.flush_sessions = c->iface != NULL;
	mt_err_clear(&err);
	if ((dec = dec_new(&c->o, &run.tr, &err)) == NULL) {
		cli_err("%s", err.msg);
		status = cli_run_end(&run, EXIT_USAGE);
		goto done;
	}
	if (c->iface == NULL)
		cli_stop_hook(on_stop);	/* an interruption: exit 128 + sig */
	if (c->iface != NULL) {
		/* The usual end of a live capture: exit as for its end. */
		run.stop_ends = true;
		live_src = srcs[0];
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		/* --duration: reads block, so an alarm ends an idle capture. */
		if (c->duration > 0) {
			signal(SIGALRM, on_signal);
			alarm((unsigned)c->duration);
		}
		/* As tcpdump does: the capture is on from here. */
		fprintf(stderr, "mailtrace: listening on %s\n", c->iface);
		fflush(stderr);
	}
	for (i = 0; i < nsrc && cli_stopped() == 0; i++) {
		if (c->iface == NULL)
			live_src = srcs[i];
		dec_get_stats(dec, &before);
		memset(&cs, 0, sizeof(cs));
		mt_err_clear(&err);
		rc = cap_loop(srcs[i], (uint64_t)c->count, c->duration ?
		    mt_wall_now() + c->duration * 1000000 : 0, on_pkt, NULL,
		    dec, &cs, &err);
		/* Flows end with their input: keep what was decoded. */
		dec_finish(dec, 0);
		if (c->iface != NULL && cap_drops(srcs[i]) > 0) {
			cli_err("%s: the kernel dropped %llu packets; sessions "
			    "around them have gaps", c->iface,
			    (unsigned long long)cap_drops(srcs[i]));
			status = EXIT_SESSION;
		}
		if (rc != 0) {
			cli_err("%s: %s", c->iface ? c->iface :
			    argv[optind + i], err.msg);
			/* A file libpcap cannot read on (mixed interfaces). */
			if (rc == -MT_E_USAGE)
				status = EXIT_USAGE;
			else if (status != EXIT_USAGE)
				status = EXIT_SESSION;
		}
		/*
		 * A file whose connections are still open at its end was cut
		 * short, as far as they are concerned (a live capture is
		 * stopped on purpose: its open sessions are only marked).
		 */
		dec_get_stats(dec, &after);
		if (c->iface == NULL && rc == 0 &&
		    after.unfinished > before.unfinished) {
			cli_err("%s: %llu mail session%s still open at the end "
			    "of the capture (no FIN or RST): %s end is not "
			    "recorded", argv[optind + i],
			    (unsigned long long)(after.unfinished -
			    before.unfinished), after.unfinished -
			    before.unfinished == 1 ? " was" : "s were",
			    after.unfinished - before.unfinished == 1 ? "its" :
			    "their");
			status = EXIT_SESSION;
		}
		total.packets += cs.packets;
		total.skipped += cs.skipped;
		total.truncated += cs.truncated;
		total.invalid += cs.invalid;
		trace_flush(&run.tr, NULL);
		/* Done with this input: its buffers go now, not at the end. */
		if (c->iface == NULL) {
			live_src = NULL;
			cap_close(srcs[i]);
			srcs[i] = NULL;
		}
	}
	live_src = NULL;
	dec_get_stats(dec, &after);
	skipped_summary(&total, &after);
	if (after.shares_full > 0)
		cli_err("note: a decoding thread's share of the flow table or "
		    "of the memory budget (1/%u of each) ran out %llu time%s: "
		    "from there the records may differ from --threads 1's",
		    c->o.threads, (unsigned long long)after.shares_full,
		    after.shares_full == 1 ? "" : "s");
	cli_stop_hook(NULL);
	if (c->iface == NULL && cli_stopped() != 0)
		cli_err("interrupted by %s: the input was not read to its end "
		    "(the records so far are kept)", cli_stopped() == SIGINT ?
		    "SIGINT" : "SIGTERM");
	/*
	 * The same failure reaches the master tracer (its sinks are the
	 * forks'), and cli_run_end() says it, once.
	 */
	if (dec_sink_error(dec, &err) != 0)
		status = EXIT_SESSION;
	status = cli_run_end(&run, status);
done:
	dec_free(dec);
	for (i = 0; srcs != NULL && i < nsrc; i++)
		cap_close(srcs[i]);
	free(srcs);
	tls_keylog_free(c->keys);
	free(c);
	return status;
}
