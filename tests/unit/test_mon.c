/*
 * SPDX-License-Identifier: BSD-2-Clause
 * test_mon.c - monitoring's core (src/mon): the plugin threshold ranges of
 * the monitoring-plugins guidelines, step labels (unique in their first 19
 * characters), the summary of a run's records, the Prometheus text and the
 * plugin's first line for OK, WARNING (session, step, certificate) and
 * CRITICAL runs, exactly.
 */
#include "mon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define T0	1796169600000000LL	/* 2026-12-02T00:00:00Z */

static void
test_ranges(void)
{
	static const struct {
		const char	*r;
		double		 v;
		int		 alert;	/* -1: the range is refused */
	} t[] = {
		{ "10", 5, 0 }, { "10", 10, 0 }, { "10", 11, 1 },
		{ "10", -1, 1 }, { "10", 0, 0 },
		{ "10:", 9.9, 1 }, { "10:", 10, 0 }, { "10:", 1e9, 0 },
		{ "~:10", -1e9, 0 }, { "~:10", 10.5, 1 },
		{ "10:20", 9, 1 }, { "10:20", 15, 0 }, { "10:20", 21, 1 },
		{ "@10:20", 15, 1 }, { "@10:20", 10, 1 }, { "@10:20", 20.1, 0 },
		{ "0.5", 0.6, 1 }, { "0.5", 0.4, 0 }, { ":5", 6, 1 },
		{ "-1:1", 0, 0 }, { "-1:1", -2, 1 },
		{ "", 0, -1 }, { "x", 0, -1 }, { "10:5", 0, -1 },
		{ "1:2:3", 0, -1 }, { "@", 0, -1 }, { "~", 0, -1 },
		{ "10s", 0, -1 }, { "nan", 0, -1 }, { "1e999", 0, -1 },
		{ "123456789012345678901234567890123", 0, -1 },
	};
	struct mon_range	r;
	struct mt_err		err;
	size_t			i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int	rc = mon_range_parse(t[i].r, &r, &err);

		if (t[i].alert < 0) {
			CHECK(rc != 0 && err.code == MT_E_USAGE);
			CHECK(strstr(err.msg, "is not a threshold range") !=
			    NULL);
			continue;
		}
		CHECK(rc == 0);
		if (mon_range_alert(&r, t[i].v) != (t[i].alert == 1))
			fprintf(stderr, "range %s, value %g\n", t[i].r,
			    t[i].v);
		CHECK(mon_range_alert(&r, t[i].v) == (t[i].alert == 1));
		CHECK_STR(r.text, t[i].r);
	}
	memset(&r, 0, sizeof(r));
	CHECK(!mon_range_alert(&r, 1e9));
}

/* Feed records as the probe makes them. */
static struct trace_rec	rec;

static void
put(struct sink *sk, unsigned ev, const char *intf, const char *opr,
    int64_t t, int64_t elapsed, int rc, const char *reply)
{
	struct mt_err	err;

	trace_rec_clear(&rec);
	rec.event = ev;
	rec.level = 'A';
	rec.session = 1;
	rec.rc = rc;
	trace_str(rec.intf, sizeof(rec.intf), intf);
	trace_str(rec.opr, sizeof(rec.opr), opr);
	if (rc != 0)
		trace_str(rec.opt, sizeof(rec.opt), mt_exc_class(rc));
	trace_str(rec.reply, sizeof(rec.reply), reply);
	rec.time = T0 + t;
	if (elapsed >= 0) {
		rec.has_elapsed = true;
		rec.elapsed_us = elapsed;
	}
	CHECK(sk->rec(sk, &rec, &err) == 0);
}

/* A POP3 session: connect, greeting, USER, PASS (fails when pass_rc), STAT. */
static void
pop3_run(struct mon_run *m, int pass_rc, bool tls)
{
	struct mt_err	 err;
	struct sink	*sk;

	mon_run_init(m, "pop3");
	CHECK((sk = mon_sink_new(m, &err)) != NULL);
	if (sk == NULL)
		return;
	put(sk, 0xAD80, "--", "", 0, -1, 0, "");
	put(sk, 0xAD82, "--", "", 10, -1, 0, "");
	trace_rec_clear(&rec);
	rec.event = 0xAD83;
	rec.time = T0 + 4010;
	rec.has_elapsed = true;
	rec.elapsed_us = 4000;
	if (tls) {
		rec.has_tls = true;
		trace_str(rec.tls.version, sizeof(rec.tls.version), "TLSv1.3");
		trace_str(rec.tls.cipher, sizeof(rec.tls.cipher),
		    "TLS_AES_256_GCM_SHA384");
		trace_str(rec.tls.group, sizeof(rec.tls.group), "X25519");
		rec.tls.connect_us = 300;
		rec.tls.handshake_us = 3500;
		rec.tls.has_cert = true;
		rec.tls.not_before = 1764633600;
		rec.tls.not_after = 1796169600 + 20 * 86400;
		rec.tls.days_left = 20;
		rec.tls.chain_len = 1;
		rec.tls.verified = true;
	}
	CHECK(sk->rec(sk, &rec, &err) == 0);
	put(sk, 0xAD93, "connect-mail-server", "+OK", 4500, 490, 0,
	    "Dovecot ready.");
	put(sk, 0xAD8F, "USER bob", "+OK", 4600, 100, 0, "");
	put(sk, 0xAD91, "PASS", pass_rc ? "-ERR" : "+OK", 9600, 5000,
	    pass_rc, pass_rc ? "[AUTH] Authentication | failed." : "Logged in.");
	if (!pass_rc) {
		put(sk, 0xAD81, "--", "", 9610, 9600, 0, "");
		put(sk, 0xAD91, "STAT", "+OK", 11000, 1390, 0, "5 26156");
		put(sk, 0xAD8F, "UIDL", "+OK", 12000, 900, 0, "");
		put(sk, 0xAD8F, "UIDL", "+OK", 13000, 800, 0, "");
	} else
		put(sk, 0xAD81, "--", "", 9610, 9600, pass_rc, "");
	put(sk, 0xAD87, "--", "", 34000, 1000, 0, "");
	sk->close(sk);
}

static void
test_labels(void)
{
	struct mon_run	 m;
	struct sink	*sk;
	struct mt_err	 err;
	char		 want[64];
	size_t		 i, j;

	mon_run_init(&m, "smtp");
	CHECK((sk = mon_sink_new(&m, &err)) != NULL);
	if (sk == NULL)
		return;
	put(sk, 0xAD11, "RCPT TO:<a@x>", "250", 1, 10, 0, "");
	put(sk, 0xAD11, "RCPT TO:<b@x>", "550", 2, 10, MT_E_SEND, "");
	put(sk, 0xAD09, "--", "", 3, 20, MT_E_SEND, "");
	put(sk, 0xAD13, ".", "250", 4, 30, 0, "queued as X");
	put(sk, 0xAD11, "X-VERY-LONG-COMMAND-NAME arg", "500", 5, 1, 0, "");
	put(sk, 0xAD10, "QUIT", "", 6, -1, 0, "");
	for (i = 0; i < 70; i++)
		put(sk, 0xAD11, "NOOP", "250", 7 + (int64_t)i, 1, 0, "");
	sk->close(sk);
	CHECK(m.nsteps == MON_STEPS_HARD && m.dropped == 70 - (64 - 5));
	CHECK_STR(m.steps[0].label, "rcpt");
	CHECK_STR(m.steps[1].label, "rcpt_2");
	CHECK_STR(m.steps[2].label, "rcpt_block");
	CHECK_STR(m.steps[3].label, "data_end");
	CHECK_STR(m.steps[4].label, "x_very_long_com");
	CHECK_STR(m.steps[5].label, "noop");
	CHECK_STR(m.steps[6].label, "noop_2");
	CHECK_STR(m.steps[63].label, "noop_59");
	/* unique in the first 19 characters */
	for (i = 0; i < m.nsteps; i++) {
		CHECK(strlen(m.steps[i].label) <= 19);
		for (j = 0; j < i; j++)
			CHECK(strncmp(m.steps[i].label, m.steps[j].label, 19) !=
			    0);
	}
	/* the first failure: the second RCPT */
	CHECK(m.failed && m.fail_rc == MT_E_SEND);
	CHECK_STR(m.fail_label, "rcpt_2");
	CHECK_STR(m.fail_intf, "RCPT TO:<b@x>");
	snprintf(want, sizeof(want), "%s", mt_exc_class(MT_E_SEND));
	CHECK_STR(m.fail_exc, want);
}

/* The whole of f's text. */
static char *
slurp(FILE *f)
{
	static char	buf[16384];
	size_t		n;

	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	return buf;
}

static void
test_prom(void)
{
	struct mon_run	 m;
	struct mt_err	 err;
	FILE		*f;

	pop3_run(&m, 0, true);
	CHECK(m.has_stat && m.stat_count == 5 && m.stat_size == 26156);
	CHECK((f = tmpfile()) != NULL);
	if (f == NULL)
		return;
	CHECK(mon_prom(&m, f, &err) == 0);
	CHECK_STR(slurp(f),
	    "# HELP mailtrace_probe_success 1 when every step of the session succeeded, 0 when one failed.\n"
	    "# TYPE mailtrace_probe_success gauge\n"
	    "mailtrace_probe_success 1\n"
	    "# HELP mailtrace_probe_duration_seconds The session's time, from its first record to its last.\n"
	    "# TYPE mailtrace_probe_duration_seconds gauge\n"
	    "mailtrace_probe_duration_seconds 0.034000\n"
	    "# HELP mailtrace_probe_records Trace records the run made.\n"
	    "# TYPE mailtrace_probe_records gauge\n"
	    "mailtrace_probe_records 11\n"
	    "# HELP mailtrace_probe_sessions TCP connections (mail sessions) the run made.\n"
	    "# TYPE mailtrace_probe_sessions gauge\n"
	    "mailtrace_probe_sessions 1\n"
	    "# HELP mailtrace_step_duration_seconds Each timed step's time, by step label (docs/monitoring.md).\n"
	    "# TYPE mailtrace_step_duration_seconds gauge\n"
	    "mailtrace_step_duration_seconds{step=\"tcp_connect\"} 0.000300\n"
	    "mailtrace_step_duration_seconds{step=\"tls_handshake\"} 0.003500\n"
	    "mailtrace_step_duration_seconds{step=\"connect\"} 0.004000\n"
	    "mailtrace_step_duration_seconds{step=\"greeting\"} 0.000490\n"
	    "mailtrace_step_duration_seconds{step=\"user\"} 0.000100\n"
	    "mailtrace_step_duration_seconds{step=\"pass\"} 0.005000\n"
	    "mailtrace_step_duration_seconds{step=\"store_connect\"} 0.009600\n"
	    "mailtrace_step_duration_seconds{step=\"stat\"} 0.001390\n"
	    "mailtrace_step_duration_seconds{step=\"uidl\"} 0.000900\n"
	    "mailtrace_step_duration_seconds{step=\"uidl_2\"} 0.000800\n"
	    "mailtrace_step_duration_seconds{step=\"folder_close\"} 0.001000\n"
	    "# HELP mailtrace_step_success 1 when the step succeeded, 0 when it failed, by step label.\n"
	    "# TYPE mailtrace_step_success gauge\n"
	    "mailtrace_step_success{step=\"tcp_connect\"} 1\n"
	    "mailtrace_step_success{step=\"tls_handshake\"} 1\n"
	    "mailtrace_step_success{step=\"connect\"} 1\n"
	    "mailtrace_step_success{step=\"greeting\"} 1\n"
	    "mailtrace_step_success{step=\"user\"} 1\n"
	    "mailtrace_step_success{step=\"pass\"} 1\n"
	    "mailtrace_step_success{step=\"store_connect\"} 1\n"
	    "mailtrace_step_success{step=\"stat\"} 1\n"
	    "mailtrace_step_success{step=\"uidl\"} 1\n"
	    "mailtrace_step_success{step=\"uidl_2\"} 1\n"
	    "mailtrace_step_success{step=\"folder_close\"} 1\n"
	    "# HELP mailtrace_step_status 1 for each POP3 step's status word (+OK, -ERR), by step.\n"
	    "# TYPE mailtrace_step_status gauge\n"
	    "mailtrace_step_status{step=\"greeting\",status=\"+OK\"} 1\n"
	    "mailtrace_step_status{step=\"user\",status=\"+OK\"} 1\n"
	    "mailtrace_step_status{step=\"pass\",status=\"+OK\"} 1\n"
	    "mailtrace_step_status{step=\"stat\",status=\"+OK\"} 1\n"
	    "mailtrace_step_status{step=\"uidl\",status=\"+OK\"} 1\n"
	    "mailtrace_step_status{step=\"uidl_2\",status=\"+OK\"} 1\n"
	    "# HELP mailtrace_steps_dropped Timed steps past the summary's bound, not listed.\n"
	    "# TYPE mailtrace_steps_dropped gauge\n"
	    "mailtrace_steps_dropped 0\n"
	    "# HELP mailtrace_pop3_messages Messages in the mailbox, as STAT said.\n"
	    "# TYPE mailtrace_pop3_messages gauge\n"
	    "mailtrace_pop3_messages 5\n"
	    "# HELP mailtrace_pop3_mailbox_bytes The mailbox's size in octets, as STAT said.\n"
	    "# TYPE mailtrace_pop3_mailbox_bytes gauge\n"
	    "mailtrace_pop3_mailbox_bytes 26156\n"
	    "# HELP mailtrace_tls_info The TLS protocol version, cipher and group of the session's first handshake (always 1).\n"
	    "# TYPE mailtrace_tls_info gauge\n"
	    "mailtrace_tls_info{version=\"TLSv1.3\",cipher=\"TLS_AES_256_GCM_SHA384\",group=\"X25519\"} 1\n"
	    "# HELP mailtrace_tls_verified 1 when the server's certificate chain and host name verified (recorded under --insecure too).\n"
	    "# TYPE mailtrace_tls_verified gauge\n"
	    "mailtrace_tls_verified 1\n"
	    "# HELP mailtrace_tls_cert_not_after_timestamp_seconds When the server's certificate expires (seconds since the epoch).\n"
	    "# TYPE mailtrace_tls_cert_not_after_timestamp_seconds gauge\n"
	    "mailtrace_tls_cert_not_after_timestamp_seconds 1797897600\n"
	    "# HELP mailtrace_tls_cert_not_before_timestamp_seconds When the server's certificate became valid (seconds since the epoch).\n"
	    "# TYPE mailtrace_tls_cert_not_before_timestamp_seconds gauge\n"
	    "mailtrace_tls_cert_not_before_timestamp_seconds 1764633600\n"
	    "# HELP mailtrace_tls_cert_chain_length Certificates the server sent.\n"
	    "# TYPE mailtrace_tls_cert_chain_length gauge\n"
	    "mailtrace_tls_cert_chain_length 1\n");
	fclose(f);

	pop3_run(&m, MT_E_AUTH, false);
	CHECK((f = tmpfile()) != NULL);
	if (f == NULL)
		return;
	CHECK(mon_prom(&m, f, &err) == 0);
	CHECK(strstr(slurp(f), "mailtrace_probe_success 0\n") != NULL);
	CHECK(strstr(slurp(f), "mailtrace_probe_failed_step_info{step=\"pass\","
	    "exception=\"javax.mail.AuthenticationFailedException\"} 1\n") !=
	    NULL);
	CHECK(strstr(slurp(f), "mailtrace_step_success{step=\"pass\"} 0\n") !=
	    NULL);
	CHECK(strstr(slurp(f), "mailtrace_tls") == NULL);
	fclose(f);
}

static void
nagios_is(const struct mon_run *m, const struct mon_thresholds *th,
    enum mon_state want, const char *line)
{
	FILE	*f;

	CHECK((f = tmpfile()) != NULL);
	if (f == NULL)
		return;
	CHECK(mon_nagios(m, th, "POP3", f) == want);
	CHECK_STR(slurp(f), line);
	fclose(f);
}

static void
test_nagios(void)
{
	struct mon_thresholds	 th;
	struct mon_run		 m;
	struct mt_err		 err;
	char			 txt[32];

	pop3_run(&m, 0, false);
	memset(&th, 0, sizeof(th));
	nagios_is(&m, &th, MON_OK,
	    "POP3 OK - 9 steps in 0.034 s, STAT 5 26156 | time=0.034000s;;;0;"
	    " connect=0.004000s;;;0; greeting=0.000490s;;;0;"
	    " user=0.000100s;;;0; pass=0.005000s;;;0;"
	    " store_connect=0.009600s;;;0; stat=0.001390s;;;0;"
	    " uidl=0.000900s;;;0; uidl_2=0.000800s;;;0;"
	    " folder_close=0.001000s;;;0;\n");
	CHECK(mon_range_parse("0.03", &th.warn, &err) == 0);
	CHECK(mon_range_parse("1", &th.crit, &err) == 0);
	nagios_is(&m, &th, MON_WARNING,
	    "POP3 WARNING - session took 0.034 s (warning range 0.03); 9 steps"
	    " in 0.034 s, STAT 5 26156 | time=0.034000s;0.03;1;0;"
	    " connect=0.004000s;;;0; greeting=0.000490s;;;0;"
	    " user=0.000100s;;;0; pass=0.005000s;;;0;"
	    " store_connect=0.009600s;;;0; stat=0.001390s;;;0;"
	    " uidl=0.000900s;;;0; uidl_2=0.000800s;;;0;"
	    " folder_close=0.001000s;;;0;\n");
	CHECK(mon_step_th_add(&th, "STAT=0.001", true, &err) == 0);
	CHECK(mon_step_th_add(&th, "stat=0.0005", false, &err) == 0);
	nagios_is(&m, &th, MON_CRITICAL,
	    "POP3 CRITICAL - stat took 0.001 s (critical range 0.001); 9 steps"
	    " in 0.034 s, STAT 5 26156 | time=0.034000s;0.03;1;0;"
	    " connect=0.004000s;;;0; greeting=0.000490s;;;0;"
	    " user=0.000100s;;;0; pass=0.005000s;;;0;"
	    " store_connect=0.009600s;;;0; stat=0.001390s;0.0005;0.001;0;"
	    " uidl=0.000900s;;;0; uidl_2=0.000800s;;;0;"
	    " folder_close=0.001000s;;;0;\n");
	CHECK(mon_step_th_add(&th, "stat", false, &err) == -MT_E_USAGE);
	CHECK(mon_step_th_add(&th, "=1", false, &err) == -MT_E_USAGE);
	CHECK(mon_step_th_add(&th, "stat=x", false, &err) == -MT_E_USAGE);
	CHECK(strstr(err.msg, "--step-warning stat: ") != NULL);

	/* --cert-days on a TLS run: 20 days left, warn below 30 */
	pop3_run(&m, 0, true);
	memset(&th, 0, sizeof(th));
	CHECK(mon_cert_days_parse(&th, "30", &err) == 0);
	CHECK(th.cert_warn == 30 && th.cert_crit == -1);
	nagios_is(&m, &th, MON_WARNING,
	    "POP3 WARNING - the certificate expires in 20 days (warning below"
	    " 30); 11 steps in 0.034 s, STAT 5 26156, TLSv1.3, certificate 20"
	    " days left | time=0.034000s;;;0; tcp_connect=0.000300s;;;0;"
	    " tls_handshake=0.003500s;;;0; connect=0.004000s;;;0;"
	    " greeting=0.000490s;;;0; user=0.000100s;;;0; pass=0.005000s;;;0;"
	    " store_connect=0.009600s;;;0; stat=0.001390s;;;0;"
	    " uidl=0.000900s;;;0; uidl_2=0.000800s;;;0;"
	    " folder_close=0.001000s;;;0; cert_days=20;30:;;;\n");
	CHECK(mon_cert_days_parse(&th, "30,21", &err) == 0);
	CHECK(th.cert_crit == 21);
	{
		FILE	*f = tmpfile();

		CHECK(f != NULL && mon_nagios(&m, &th, "POP3", f) ==
		    MON_CRITICAL);
		if (f != NULL) {
			CHECK(strstr(slurp(f), "POP3 CRITICAL - the certificate "
			    "expires in 20 days (critical below 21); ") !=
			    NULL);
			CHECK(strstr(slurp(f), " cert_days=20;30:;21:;;\n") !=
			    NULL);
			fclose(f);
		}
	}
	CHECK(mon_cert_days_parse(&th, "7,30", &err) == -MT_E_USAGE);
	CHECK(mon_cert_days_parse(&th, "x", &err) == -MT_E_USAGE);
	CHECK(mon_cert_days_parse(&th, "30,", &err) == -MT_E_USAGE);
	CHECK(mon_cert_days_parse(&th, "-1", &err) == -MT_E_USAGE);

	/* a failed step: CRITICAL naming it, the reply without its '|' */
	pop3_run(&m, MT_E_AUTH, false);
	memset(&th, 0, sizeof(th));
	{
		FILE	*f = tmpfile();

		CHECK(f != NULL && mon_nagios(&m, &th, "POP3", f) ==
		    MON_CRITICAL);
		if (f != NULL) {
			CHECK(strncmp(slurp(f), "POP3 CRITICAL - PASS failed "
			    "(javax.mail.AuthenticationFailedException): -ERR "
			    "[AUTH] Authentication ! failed.; 6 steps in 0.034 "
			    "s | time=", 123) == 0);
			/* one '|' on the line: the perfdata's */
			CHECK(strchr(strchr(slurp(f), '|') + 1, '|') == NULL);
			fclose(f);
		}
	}
	/* nothing recorded */
	mon_run_init(&m, "pop3");
	nagios_is(&m, NULL, MON_UNKNOWN, "POP3 UNKNOWN - the probe recorded "
	    "nothing; 0 steps in 0.000 s | time=0.000000s;;;0;\n");
	mon_plugin_text("a|b\tc", txt, sizeof(txt));
	CHECK_STR(txt, "a!b?c");
	CHECK_STR(mon_state_name(MON_UNKNOWN), "UNKNOWN");
	CHECK_STR(mon_state_name((enum mon_state)7), "UNKNOWN");
}

int
main(void)
{
	test_ranges();
	test_labels();
	test_prom();
	test_nagios();
	return check_done();
}
