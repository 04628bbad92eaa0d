/*
 * SPDX-License-Identifier: BSD-2-Clause
 * cli_runs.c - mailtrace runs and mailtrace stats: the store as a tool
 * (issue 14, docs/cli.md), on src/query.
 */
#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "query.h"
#include "store.h"

#define FILTER_HELP							\
"  --db FILE|URL      the store, a sqlite file or a postgresql:// URL\n"	\
"                     (default: $MAILTRACE_DB, else\n"			\
"                     $XDG_DATA_HOME/mailtrace/mailtrace.db, else\n"	\
"                     ~/.local/share/mailtrace/mailtrace.db)\n"		\
"  --since T          runs started at or after T: relative (30m, 1h, 7d,\n" \
"                     2w, 45s before now) or ISO 8601 (2026-11-23,\n"	\
"                     2026-11-23T10:00:00Z, ...+02:00; no zone: UTC)\n"	\
"  --until T          runs started before T (the same forms)\n"		\
"  --proto P          pop3, smtp, roundtrip or decode (a check's run is\n" \
"                     its baseline's protocol)\n"				\
"  --server HOST[:PORT]  runs that talked to that server address, as\n"	\
"                     recorded (127.0.0.1:110, [::1]:110; no port: any)\n" \
"  --failed           failed runs only (a record failed, or the exit\n"	\
"                     status was not 0)\n"				\
"  --source S         probe (probed runs) or pcap (decoded captures)\n"	\
"  --baseline NAME    the checks held against baseline NAME\n"		\
"  --format F         text (default) or jsonl\n"

static const char runs_usage[] =
"usage: mailtrace runs [--db FILE] [--since T] [--until T] [--proto P]\n"
"           [--server HOST[:PORT]] [--failed] [--source probe|pcap]\n"
"           [--baseline NAME] [--limit N] [--format text|jsonl]\n"
"\n"
"Lists the stored runs, newest first: id, start (UTC), command (pop3, smtp,\n"
"roundtrip, decode, check), sessions, records, duration, outcome (ok,\n"
"failed, unfinished; a failure's step, command and exception class), and\n"
"target or input.  The store must exist.\n"
FILTER_HELP
"  --limit N          at most N runs (default 50; 0: every one)\n";

static const char stats_usage[] =
"usage: mailtrace stats [--db FILE] [--since T] [--until T] [--proto P]\n"
"           [--server HOST[:PORT]] [--failed] [--source probe|pcap]\n"
"           [--baseline NAME] [--step STEP] [--format text|jsonl]\n"
"\n"
"Per server and step over the matching runs: the step's count, failures\n"
"by exception class, and its latency min/median/p95/p99/max.  Steps are\n"
"named as monitoring names them (greeting, connect, stat, pass, rcpt,\n"
"data_end, folder_open, ...; docs/monitoring.md).  The store must exist.\n"
FILTER_HELP
"  --step STEP        only that step (its label, lower case)\n";

enum { O_DB = 0x200, O_SINCE, O_UNTIL, O_PROTO, O_SERVER, O_FAILED,
    O_SOURCE, O_BASELINE, O_LIMIT, O_FORMAT, O_STEP, O_HELP };

struct runs_opts {
	struct query_filter	 f;
	const char		*db;
	const char		*step;
	bool			 jsonl;
};

/* One option of either command; -1 on a bad value (said), 0 done. */
static int
filter_opt(const char *cmd, struct runs_opts *o, int c, const char *arg,
    mt_time now)
{
	struct mt_err	 err;
	long long	 v;

	mt_err_clear(&err);
	switch (c) {
	case O_DB:
		o->db = arg;
		return 0;
	case O_SINCE:
	case O_UNTIL:
		if (query_time_parse(arg, now, c == O_SINCE ? &o->f.since :
		    &o->f.until, &err) != 0) {
			cli_err("%s: %s: %s", cmd, c == O_SINCE ? "--since" :
			    "--until", err.msg);
			return -1;
		}
		if (c == O_SINCE)
			o->f.has_since = true;
		else
			o->f.has_until = true;
		return 0;
	case O_PROTO:
		if (strcmp(arg, "pop3") != 0 && strcmp(arg, "smtp") != 0 &&
		    strcmp(arg, "roundtrip") != 0 && strcmp(arg, "decode") != 0) {
			cli_err("%s: --proto: \"%s\" is not pop3, smtp, "
			    "roundtrip or decode", cmd, arg);
			return -1;
		}
		o->f.proto = arg;
		return 0;
	case O_SERVER:
		if (query_server_parse(arg, &o->f, &err) != 0) {
			cli_err("%s: %s", cmd, err.msg);
			return -1;
		}
		return 0;
	case O_FAILED:
		o->f.failed = true;
		return 0;
	case O_SOURCE:
		if (strcmp(arg, "probe") != 0 && strcmp(arg, "pcap") != 0) {
			cli_err("%s: --source: \"%s\" is not probe or pcap", cmd,
			    arg);
			return -1;
		}
		o->f.source = arg;
		return 0;
	case O_BASELINE:
		if (!store_baseline_name_ok(arg)) {
			cli_err("%s: --baseline: \"%s\" is not a baseline name",
			    cmd, arg);
			return -1;
		}
		o->f.baseline = arg;
		return 0;
	case O_LIMIT:
		if (cli_number("--limit", arg, 0, 1000000000, &v) != 0)
			return -1;
		o->f.limit = (unsigned)v;
		return 0;
	case O_FORMAT:
		if (strcmp(arg, "text") != 0 && strcmp(arg, "jsonl") != 0) {
			cli_err("%s: --format: \"%s\" is not text or jsonl", cmd,
			    arg);
			return -1;
		}
		o->jsonl = strcmp(arg, "jsonl") == 0;
		return 0;
	case O_STEP:
		o->step = arg;
		return 0;
	default:
		return -1;
	}
}

/* Parse cmd's options into o; 0, 1 (--help said), or -1 (error said). */
static int
filter_parse(const char *cmd, int argc, char **argv, bool stats,
    struct runs_opts *o)
{
	static const struct option	 longopts[] = {
		{ "db", required_argument, NULL, O_DB },
		{ "since", required_argument, NULL, O_SINCE },
		{ "until", required_argument, NULL, O_UNTIL },
		{ "proto", required_argument, NULL, O_PROTO },
		{ "server", required_argument, NULL, O_SERVER },
		{ "failed", no_argument, NULL, O_FAILED },
		{ "source", required_argument, NULL, O_SOURCE },
		{ "baseline", required_argument, NULL, O_BASELINE },
		{ "limit", required_argument, NULL, O_LIMIT },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "step", required_argument, NULL, O_STEP },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	mt_time		 now = mt_wall_now();
	int		 c;

	memset(o, 0, sizeof(*o));
	o->f.limit = stats ? 0 : QUERY_LIMIT_DEFAULT;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'h' || c == O_HELP) {
			fputs(stats ? stats_usage : runs_usage, stdout);
			return 1;
		}
		if ((c == O_LIMIT && stats) || (c == O_STEP && !stats)) {
			cli_err("%s: unknown option \"%s\" (try mailtrace %s "
			    "--help)", cmd, c == O_LIMIT ? "--limit" : "--step",
			    cmd);
			return -1;
		}
		if (c == ':' || c == '?') {
			(void)cli_opt_error(cmd, c, argv);
			return -1;
		}
		if (filter_opt(cmd, o, c, optarg, now) != 0)
			return -1;
	}
	if (optind < argc) {
		cli_err("%s: unexpected argument \"%s\"", cmd, argv[optind]);
		return -1;
	}
	return 0;
}

/* s as a JSON string, quotes included. */
static void
put_json(FILE *out, const char *s)
{
	char	buf[6 * 256];
	size_t	n = strlen(s), k;

	fputc('"', out);
	while (n > 0) {
		k = n < 256 ? n : 256;
		fwrite(buf, 1, mt_json_esc(buf, s, k), out);
		s += k;
		n -= k;
	}
	fputc('"', out);
}

struct runs_out {
	bool	 jsonl;
	size_t	 n;
};

/* A failure's int beside its step: a command's words, not "--". */
static bool
intf_shown(const struct query_run *r)
{
	return r->fail_intf[0] != '\0' && strcmp(r->fail_intf, "--") != 0;
}

static int
runs_text(void *arg, const struct query_run *r)
{
	struct runs_out	*ro = arg;
	char		 when[40], dur[32];

	if (ro->n++ == 0)
		printf("%-6s  %-20s  %-9s  %4s  %6s  %10s  %-10s  %s\n", "RUN",
		    "STARTED", "COMMAND", "SESS", "STEPS", "DURATION",
		    "OUTCOME", "TARGET");
	mt_date_iso(r->started / 1000000, when, sizeof(when));
	if (r->finished_set)
		snprintf(dur, sizeof(dur), "%.3f s",
		    (double)(r->finished - r->started) / 1e6);
	else
		snprintf(dur, sizeof(dur), "-");
	printf("%-6" PRIu64 "  %-20s  %-9s  %4" PRIu64 "  %6" PRIu64
	    "  %10s  %-10s  %s", r->id, when, r->command, r->sessions,
	    r->steps, dur, query_outcome(r), r->target);
	if (r->has_fail)
		printf("  at %s%s%s (0x%04X, session %" PRIu64 " #%" PRIu32
		    "): %s", r->fail_step[0] != '\0' ? r->fail_step : "?",
		    intf_shown(r) ? " " : "", intf_shown(r) ? r->fail_intf : "",
		    r->fail_event, r->fail_session, r->fail_seq,
		    r->fail_exc[0] != '\0' ? r->fail_exc : "(no exception)");
	else if (r->finished_set && r->exit_status != 0)
		printf("  exit %d", r->exit_status);
	putchar('\n');
	return 0;
}

static int
runs_jsonl(void *arg, const struct query_run *r)
{
	struct runs_out	*ro = arg;
	char		 when[40];

	ro->n++;
	mt_time_iso(r->started, when, sizeof(when));
	printf("{\"kind\":\"run\",\"run\":%" PRIu64 ",\"started\":\"%s\","
	    "\"command\":", r->id, when);
	put_json(stdout, r->command);
	fputs(",\"proto\":", stdout);
	put_json(stdout, r->proto);
	fputs(",\"target\":", stdout);
	put_json(stdout, r->target);
	fputs(",\"baseline\":", stdout);
	if (r->baseline[0] != '\0')
		put_json(stdout, r->baseline);
	else
		fputs("null", stdout);
	printf(",\"sessions\":%" PRIu64 ",\"steps\":%" PRIu64
	    ",\"outcome\":\"%s\"", r->sessions, r->steps, query_outcome(r));
	if (r->finished_set)
		printf(",\"exit_status\":%d,\"duration_us\":%" PRId64,
		    r->exit_status, (int64_t)(r->finished - r->started));
	else
		fputs(",\"exit_status\":null,\"duration_us\":null", stdout);
	if (r->has_fail) {
		printf(",\"fail\":{\"session\":%" PRIu64 ",\"seq\":%" PRIu32
		    ",\"event\":\"0x%04X\",\"step\":", r->fail_session,
		    r->fail_seq, r->fail_event);
		put_json(stdout, r->fail_step);
		fputs(",\"int\":", stdout);
		put_json(stdout, r->fail_intf);
		fputs(",\"exception\":", stdout);
		put_json(stdout, r->fail_exc);
		fputc('}', stdout);
	} else
		fputs(",\"fail\":null", stdout);
	fputs("}\n", stdout);
	return 0;
}

static int
open_store(const char *cmd, struct runs_opts *o, struct store **st)
{
	char	dbbuf[4096];

	(void)cmd;
	return cli_store_existing(&o->db, dbbuf, sizeof(dbbuf), st);
}

static int
finish(struct store *st, int rc, struct mt_err *err)
{
	store_close(st);
	if (rc != 0) {
		cli_err("%s", err->msg);
		return err->code == MT_E_USAGE ? EXIT_USAGE : EXIT_SESSION;
	}
	if (fflush(stdout) != 0) {
		cli_err("writing the output failed");
		return EXIT_SESSION;
	}
	return 0;
}

int
cli_runs(int argc, char **argv)
{
	struct runs_opts	 o;
	struct runs_out		 ro;
	struct store		*st;
	struct mt_err		 err;
	int			 rc;

	if ((rc = filter_parse("runs", argc, argv, false, &o)) != 0)
		return rc > 0 ? 0 : EXIT_USAGE;
	if (open_store("runs", &o, &st) != 0)
		return EXIT_USAGE;
	memset(&ro, 0, sizeof(ro));
	ro.jsonl = o.jsonl;
	mt_err_clear(&err);
	rc = query_runs(st, &o.f, o.jsonl ? runs_jsonl : runs_text, &ro, &err);
	if (rc == 0 && ro.n == 0 && !o.jsonl)
		puts("no runs");
	return finish(st, rc, &err);
}

static int
stats_text(void *arg, const struct query_stat *s)
{
	struct runs_out	*ro = arg;
	size_t		 i;

	if (ro->n++ == 0)
		printf("%-22s  %-15s  %6s  %5s  %10s  %10s  %10s  %10s  %10s  "
		    "%s\n", "SERVER", "STEP", "COUNT", "FAIL", "MIN ms",
		    "MEDIAN ms", "P95 ms", "P99 ms", "MAX ms", "FAILURES");
	printf("%-22s  %-15s  %6" PRIu64 "  %5" PRIu64, s->server[0] ?
	    s->server : "-", s->step, s->count, s->failures);
	if (s->timed > 0) {
		const int64_t	v[5] = { s->min_us, s->median_us, s->p95_us,
				    s->p99_us, s->max_us };

		for (i = 0; i < 5; i++) {
			char	b[32];
			int64_t	a = v[i] < 0 ? -v[i] : v[i];

			snprintf(b, sizeof(b), "%s%" PRId64 ".%03" PRId64,
			    v[i] < 0 ? "-" : "", a / 1000, a % 1000);
			printf("  %10s", b);
		}
	} else
		for (i = 0; i < 5; i++)
			printf("  %10s", "-");
	for (i = 0; i < s->nexc; i++)
		printf("%s%s %" PRIu64, i ? ", " : "  ", s->exc[i].name,
		    s->exc[i].n);
	if (s->exc_other > 0)
		printf(", others %" PRIu64, s->exc_other);
	putchar('\n');
	return 0;
}

static int
stats_jsonl(void *arg, const struct query_stat *s)
{
	struct runs_out	*ro = arg;
	size_t		 i;

	ro->n++;
	fputs("{\"kind\":\"stat\",\"server\":", stdout);
	put_json(stdout, s->server);
	fputs(",\"step\":", stdout);
	put_json(stdout, s->step);
	printf(",\"count\":%" PRIu64 ",\"failures\":%" PRIu64
	    ",\"exceptions\":{", s->count, s->failures);
	for (i = 0; i < s->nexc; i++) {
		if (i)
			fputc(',', stdout);
		put_json(stdout, s->exc[i].name);
		printf(":%" PRIu64, s->exc[i].n);
	}
	printf("},\"exceptions_other\":%" PRIu64 ",\"timed\":%" PRIu64,
	    s->exc_other, s->timed);
	if (s->timed > 0)
		printf(",\"min_us\":%" PRId64 ",\"median_us\":%" PRId64
		    ",\"p95_us\":%" PRId64 ",\"p99_us\":%" PRId64
		    ",\"max_us\":%" PRId64 "}\n", s->min_us, s->median_us,
		    s->p95_us, s->p99_us, s->max_us);
	else
		fputs(",\"min_us\":null,\"median_us\":null,\"p95_us\":null,"
		    "\"p99_us\":null,\"max_us\":null}\n", stdout);
	return 0;
}

int
cli_stats(int argc, char **argv)
{
	struct runs_opts	 o;
	struct runs_out		 ro;
	struct store		*st;
	struct mt_err		 err;
	int			 rc;

	if ((rc = filter_parse("stats", argc, argv, true, &o)) != 0)
		return rc > 0 ? 0 : EXIT_USAGE;
	if (open_store("stats", &o, &st) != 0)
		return EXIT_USAGE;
	memset(&ro, 0, sizeof(ro));
	mt_err_clear(&err);
	rc = query_stats(st, &o.f, o.step, o.jsonl ? stats_jsonl : stats_text,
	    &ro, &err);
	if (rc == 0 && ro.n == 0 && !o.jsonl)
		puts("no steps");
	return finish(st, rc, &err);
}
