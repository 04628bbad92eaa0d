/*
 * test_serve.c - the exporter's pure rules: a probe's time limit from the
 * scrape-timeout header (serve_time_limit) and the target URL parser the
 * exporter and the probe commands share (probe_target_parse).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include "check.h"
#include "serve.h"

static void
test_time_limit(void)
{
	/* no header: Prometheus' default 10 s, less the margin */
	CHECK(serve_time_limit(NULL, -1) == 9500);
	CHECK(serve_time_limit("2.5", -1) == 2000);
	CHECK(serve_time_limit("10", 60000) == 9500);
	/* never more than the module's own --max-time */
	CHECK(serve_time_limit("10", 3000) == 3000);
	CHECK(serve_time_limit(NULL, 2000) == 2000);
	/* unset module limit: the probes' default (300 s) */
	CHECK(serve_time_limit("1000", -1) == 300000);
	/* 0: the module has no limit of its own */
	CHECK(serve_time_limit("1000", 0) == 999500);
	/* at least 0.1 s */
	CHECK(serve_time_limit("0.5", -1) == 100);
	CHECK(serve_time_limit("0.01", -1) == 100);
	/* not a positive number */
	CHECK(serve_time_limit("", -1) == -1);
	CHECK(serve_time_limit("soon", -1) == -1);
	CHECK(serve_time_limit("0", -1) == -1);
	CHECK(serve_time_limit("-3", -1) == -1);
	CHECK(serve_time_limit("nan", -1) == -1);
	CHECK(serve_time_limit("inf", -1) == -1);
	CHECK(serve_time_limit("5s", -1) == -1);
}

static void
test_target(void)
{
	struct probe_target	t;
	struct mt_err		e;

	CHECK(probe_target_parse(&t, "pop3://bob@127.0.0.1",
	    &probe_schemes_pop3, &e) == 0);
	CHECK_STR(t.url, "pop3://bob@127.0.0.1:110");
	CHECK(t.c.port == 110 && !t.c.implicit_tls);
	CHECK_STR(t.c.user, "bob");
	CHECK(probe_target_parse(&t, "pop3s://b%40x@[::1]:1995/",
	    &probe_schemes_pop3, &e) == 0);
	CHECK_STR(t.url, "pop3s://b%40x@[::1]:1995");
	CHECK_STR(t.user, "b@x");
	CHECK(t.c.implicit_tls && t.c.port == 1995);
	CHECK(probe_target_parse(&t, "smtp://127.0.0.1", &probe_schemes_smtp,
	    &e) == 0);
	CHECK(t.c.user == NULL && t.c.port == 25);
	CHECK_STR(t.url, "smtp://127.0.0.1:25");
	/* refused, with the reason and never the password */
	CHECK(probe_target_parse(&t, "pop3://127.0.0.1", &probe_schemes_pop3,
	    &e) != 0 && e.code == MT_E_USAGE);
	CHECK(probe_target_parse(&t, "pop3://bob:Secr3t@h",
	    &probe_schemes_pop3, &e) != 0 && strstr(e.msg, "Secr3t") == NULL);
	CHECK(probe_target_parse(&t, "smtp://h:0", &probe_schemes_smtp,
	    &e) != 0);
	CHECK(probe_target_parse(&t, "smtp://h:65536", &probe_schemes_smtp,
	    &e) != 0);
	CHECK(probe_target_parse(&t, "smtp://h:2x5", &probe_schemes_smtp,
	    &e) != 0);
	CHECK(probe_target_parse(&t, "http://h", &probe_schemes_smtp,
	    &e) != 0);
	CHECK(probe_target_parse(&t, "pop3://bob@h", &probe_schemes_smtp,
	    &e) != 0);
	CHECK(probe_target_parse(&t, "smtp://[::1", &probe_schemes_smtp,
	    &e) != 0);
}

int
main(void)
{
	test_time_limit();
	test_target();
	return check_done();
}
