/*
 * SPDX-License-Identifier: BSD-2-Clause
 * test_diff.c - the regression check's comparison (src/check/diff.c): two
 * sessions of steps in, differences out, each kind from a constructed
 * example with its exact text line and JSONL object; volatile text that
 * must compare clean; steps added and removed; the latency rule; bounds.
 * usage: test_diff [docs/check.md]   (then also: the doc names every kind)
 */
#include "check/check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define CAPS	"PIPELINING, SIZE 10240000, VRFY, ETRN, STARTTLS, " \
		"ENHANCEDSTATUSCODES, 8BITMIME, DSN, SMTPUTF8, CHUNKING"

/* A Postfix session as the probe records it (smtp, one message). */
static const struct chk_step smtp[] = {
	{ .event = 0xAD14, .intf = "connect-mail-server" },
	{ .event = 0xAD15, .intf = "connect-mail-server", .opr = "220",
	  .reply = "mx.example.org ESMTP Postfix (Debian/GNU)",
	  .elapsed_us = 1200, .has_elapsed = true },
	{ .event = 0xAD10, .intf = "EHLO client.test" },
	{ .event = 0xAD11, .intf = "EHLO client.test", .opr = "250",
	  .reply = "mx.example.org", .detail = CAPS,
	  .elapsed_us = 1000, .has_elapsed = true },
	{ .event = 0xAD10, .intf = "MAIL FROM:<alice@example.org>" },
	{ .event = 0xAD11, .intf = "MAIL FROM:<alice@example.org>",
	  .opr = "250", .reply = "2.1.0 Ok",
	  .elapsed_us = 1000, .has_elapsed = true },
	{ .event = 0xAD10, .intf = "RCPT TO:<bob@example.org>" },
	{ .event = 0xAD11, .intf = "RCPT TO:<bob@example.org>", .opr = "250",
	  .reply = "2.1.5 Ok", .elapsed_us = 1000, .has_elapsed = true },
	{ .event = 0xAD10, .intf = "DATA" },
	{ .event = 0xAD11, .intf = "DATA", .opr = "354",
	  .reply = "End data with <CR><LF>.<CR><LF>",
	  .elapsed_us = 1000, .has_elapsed = true },
	{ .event = 0xAD12, .intf = "." },
	{ .event = 0xAD13, .intf = ".", .opr = "250",
	  .reply = "2.0.0 Ok: queued as 4XyZ1n6Bz9z2x",
	  .elapsed_us = 1000, .has_elapsed = true },
	{ .event = 0xAD12, .intf = "QUIT" },
	{ .event = 0xAD13, .intf = "QUIT", .opr = "221", .reply = "2.0.0 Bye",
	  .elapsed_us = 1000, .has_elapsed = true },
};
#define NSMTP	(sizeof(smtp) / sizeof(smtp[0]))

/* A Dovecot session with APOP (the stamp is new every session). */
static const struct chk_step pop3[] = {
	{ .event = 0xAD92, .intf = "connect-mail-server" },
	{ .event = 0xAD93, .intf = "connect-mail-server", .opr = "+OK",
	  .reply = "Dovecot (Debian) ready. "
	  "<2b53.4.6b0f4d6d.o5VpS+NCbKY0/9aT/3naHA==@vm>",
	  .elapsed_us = 900, .has_elapsed = true },
	{ .event = 0xAD8E, .intf = "CAPA" },
	{ .event = 0xAD8F, .intf = "CAPA", .opr = "+OK",
	  .reply = "Capability list follows",
	  .detail = "TOP, UIDL, RESP-CODES, PIPELINING, AUTH-RESP-CODE, STLS, "
	  "USER, SASL PLAIN LOGIN", .elapsed_us = 800, .has_elapsed = true },
	{ .event = 0xAD90, .intf = "STAT" },
	{ .event = 0xAD91, .intf = "STAT", .opr = "+OK", .reply = "2 320",
	  .elapsed_us = 700, .has_elapsed = true },
	{ .event = 0xAD90, .intf = "QUIT" },
	{ .event = 0xAD91, .intf = "QUIT", .opr = "+OK", .reply = "Logging out.",
	  .elapsed_us = 700, .has_elapsed = true },
};
#define NPOP3	(sizeof(pop3) / sizeof(pop3[0]))

static struct chk_rules *rs;

static struct chk_step *
copy(const struct chk_step *s, size_t n)
{
	struct chk_step	*c;

	if ((c = malloc(n * sizeof(*c))) == NULL)
		exit(1);
	memcpy(c, s, n * sizeof(*c));
	return c;
}

/*
 * Compare a with b and check every line of text (joined by \n), every
 * JSONL line, and the summary.
 */
static void
diff_is3(const struct chk_step *a, size_t na, const struct chk_step *b,
    size_t nb, const struct chk_diff_opt *opt, const char *text,
    const char *jsonl, const char *summary)
{
	static char	 tx[64 * CHK_LINE_MAX], js[64 * CHK_LINE_MAX];
	char		 line[CHK_LINE_MAX];
	struct chk_diff	 d;
	struct mt_err	 err;
	size_t		 i;

	tx[0] = js[0] = '\0';
	if (chk_diff(rs, a, na, b, nb, opt, &d, &err) != 0) {
		fprintf(stderr, "chk_diff: %s\n", err.msg);
		CHECK(0);
		return;
	}
	for (i = 0; i < d.n && i < 64; i++) {
		CHECK(chk_diff_text(&d.items[i], line, sizeof(line)));
		if (i > 0)
			strcat(tx, "\n");
		strcat(tx, line);
		CHECK(chk_diff_jsonl(&d.items[i], line, sizeof(line)));
		if (i > 0)
			strcat(js, "\n");
		strcat(js, line);
	}
	CHECK_STR(tx, text);
	if (jsonl != NULL)
		CHECK_STR(js, jsonl);
	CHECK(chk_diff_summary(&d, line, sizeof(line)));
	CHECK_STR(line, summary);
	CHECK(d.n == d.total);
	chk_diff_free(&d);
}

#define diff_is(a, na, b, nb, text, jsonl, summary) \
	diff_is3(a, na, b, nb, NULL, text, jsonl, summary)

static void
test_clean(void)
{
	struct chk_step	*b;

	/* Identical sessions */
	diff_is(smtp, NSMTP, smtp, NSMTP, "", "", "no difference");
	diff_is(pop3, NPOP3, pop3, NPOP3, "", "", "no difference");
	diff_is(NULL, 0, NULL, 0, "", "", "no difference");

	/* Volatile text: the APOP stamp, the queue id, an echoed address */
	b = copy(pop3, NPOP3);
	b[1].reply = "Dovecot (Debian) ready. <1896.1700000000@vm>";
	diff_is(pop3, NPOP3, b, NPOP3, "", "", "no difference");
	free(b);
	b = copy(smtp, NSMTP);
	b[11].reply = "2.0.0 Ok: queued as 3F2A41C0D12";
	b[3].reply = "mx.example.org";
	diff_is(smtp, NSMTP, b, NSMTP, "", "", "no difference");
	/* Loopback jitter: 1 ms to 4 ms everywhere */
	b[1].elapsed_us = 4000;
	b[3].elapsed_us = 4000;
	b[11].elapsed_us = 3900;
	diff_is(smtp, NSMTP, b, NSMTP, "", "", "no difference");
	free(b);
}

static void
test_kinds(void)
{
	struct chk_step	*b, *a;

	/* greeting: another text, the same code */
	b = copy(pop3, NPOP3);
	b[1].reply = "Mail server ready. <1896.1700000000@vm>";
	diff_is(pop3, NPOP3, b, NPOP3,
	    "greeting step 2/2 0xAD93 \"connect-mail-server\": "
	    "\"+OK Dovecot (Debian) ready. <stamp>\" -> "
	    "\"+OK Mail server ready. <stamp>\"",
	    "{\"kind\":\"greeting\",\"step\":\"connect-mail-server\","
	    "\"event\":\"0xAD93\",\"baseline_step\":2,\"now_step\":2,"
	    "\"baseline\":\"+OK Dovecot (Debian) ready. <stamp>\","
	    "\"now\":\"+OK Mail server ready. <stamp>\"}",
	    "1 difference: 1 greeting");
	free(b);

	/* capability: a value changed is one difference of SIZE */
	b = copy(smtp, NSMTP);
	b[3].detail = "PIPELINING, SIZE 5242880, VRFY, ETRN, STARTTLS, "
	    "ENHANCEDSTATUSCODES, 8BITMIME, DSN, SMTPUTF8, CHUNKING";
	diff_is(smtp, NSMTP, b, NSMTP,
	    "capability step 4/4 0xAD11 \"EHLO client.test\": "
	    "\"SIZE 10240000\" -> \"SIZE 5242880\"",
	    "{\"kind\":\"capability\",\"step\":\"EHLO client.test\","
	    "\"event\":\"0xAD11\",\"baseline_step\":4,\"now_step\":4,"
	    "\"keyword\":\"SIZE\",\"baseline\":\"SIZE 10240000\","
	    "\"now\":\"SIZE 5242880\"}",
	    "1 difference: 1 capability");
	/* removed (PIPELINING, smtpd_discard_ehlo_keywords) and added */
	b[3].detail = "SIZE 10240000, VRFY, ETRN, STARTTLS, "
	    "ENHANCEDSTATUSCODES, 8BITMIME, DSN, SMTPUTF8, CHUNKING, "
	    "AUTH PLAIN LOGIN";
	diff_is(smtp, NSMTP, b, NSMTP,
	    "capability step 4/4 0xAD11 \"EHLO client.test\": "
	    "\"PIPELINING\" -> (none)\n"
	    "capability step 4/4 0xAD11 \"EHLO client.test\": "
	    "(none) -> \"AUTH PLAIN LOGIN\"",
	    "{\"kind\":\"capability\",\"step\":\"EHLO client.test\","
	    "\"event\":\"0xAD11\",\"baseline_step\":4,\"now_step\":4,"
	    "\"keyword\":\"PIPELINING\",\"baseline\":\"PIPELINING\","
	    "\"now\":null}\n"
	    "{\"kind\":\"capability\",\"step\":\"EHLO client.test\","
	    "\"event\":\"0xAD11\",\"baseline_step\":4,\"now_step\":4,"
	    "\"keyword\":\"AUTH\",\"baseline\":null,"
	    "\"now\":\"AUTH PLAIN LOGIN\"}",
	    "2 differences: 2 capability");
	/* the same capabilities in another order: no difference */
	b[3].detail = "CHUNKING, SMTPUTF8, DSN, 8BITMIME, ENHANCEDSTATUSCODES, "
	    "STARTTLS, ETRN, VRFY, SIZE 10240000, PIPELINING";
	diff_is(smtp, NSMTP, b, NSMTP, "", "", "no difference");
	free(b);

	/* POP3 STLS no longer offered */
	b = copy(pop3, NPOP3);
	b[3].detail = "TOP, UIDL, RESP-CODES, PIPELINING, AUTH-RESP-CODE, "
	    "USER, SASL PLAIN LOGIN";
	diff_is(pop3, NPOP3, b, NPOP3,
	    "capability step 4/4 0xAD8F \"CAPA\": \"STLS\" -> (none)",
	    NULL, "1 difference: 1 capability");
	/* SASL PLAIN LOGIN -> SASL PLAIN: a change of SASL */
	b[3].detail = "TOP, UIDL, RESP-CODES, PIPELINING, AUTH-RESP-CODE, "
	    "STLS, USER, SASL PLAIN";
	diff_is(pop3, NPOP3, b, NPOP3,
	    "capability step 4/4 0xAD8F \"CAPA\": \"SASL PLAIN LOGIN\" -> "
	    "\"SASL PLAIN\"",
	    NULL, "1 difference: 1 capability");
	free(b);

	/* reply and outcome: a recipient now refused */
	b = copy(smtp, NSMTP);
	b[7].opr = "550";
	b[7].reply = "5.1.1 <bob@example.org>: Recipient address rejected: "
	    "User unknown in local recipient table";
	b[7].rc = MT_E_SEND;
	b[7].opt = "javax.mail.SendFailedException";
	diff_is(smtp, 8, b, 8,
	    "outcome step 8/8 0xAD11 \"RCPT TO:<bob@example.org>\": \"ok\" -> "
	    "\"rc=9 javax.mail.SendFailedException\"\n"
	    "reply step 8/8 0xAD11 \"RCPT TO:<bob@example.org>\": "
	    "\"250 2.1.5 Ok\" -> \"550 5.1.1 <bob@example.org>: Recipient "
	    "address rejected: User unknown in local recipient table\"",
	    "{\"kind\":\"outcome\",\"step\":\"RCPT TO:<bob@example.org>\","
	    "\"event\":\"0xAD11\",\"baseline_step\":8,\"now_step\":8,"
	    "\"baseline\":\"ok\","
	    "\"now\":\"rc=9 javax.mail.SendFailedException\"}\n"
	    "{\"kind\":\"reply\",\"step\":\"RCPT TO:<bob@example.org>\","
	    "\"event\":\"0xAD11\",\"baseline_step\":8,\"now_step\":8,"
	    "\"baseline\":\"250 2.1.5 Ok\",\"now\":\"550 5.1.1 "
	    "<bob@example.org>: Recipient address rejected: User unknown in "
	    "local recipient table\"}",
	    "2 differences: 1 reply, 1 outcome");
	/* and back: no longer fails (the baseline failed) */
	diff_is(b, 8, smtp, 8,
	    "outcome step 8/8 0xAD11 \"RCPT TO:<bob@example.org>\": "
	    "\"rc=9 javax.mail.SendFailedException\" -> \"ok\"\n"
	    "reply step 8/8 0xAD11 \"RCPT TO:<bob@example.org>\": "
	    "\"550 5.1.1 <bob@example.org>: Recipient address rejected: User "
	    "unknown in local recipient table\" -> \"250 2.1.5 Ok\"",
	    NULL, "2 differences: 1 reply, 1 outcome");
	free(b);

	/* text: the same code, other words (a JSON escape in it) */
	b = copy(smtp, NSMTP);
	b[13].reply = "2.0.0 \"Bye\" \\o/";
	diff_is(smtp, NSMTP, b, NSMTP,
	    "text step 14/14 0xAD13 \"QUIT\": \"221 2.0.0 Bye\" -> "
	    "\"221 2.0.0 \"Bye\" \\o/\"",
	    "{\"kind\":\"text\",\"step\":\"QUIT\",\"event\":\"0xAD13\","
	    "\"baseline_step\":14,\"now_step\":14,"
	    "\"baseline\":\"221 2.0.0 Bye\","
	    "\"now\":\"221 2.0.0 \\\"Bye\\\" \\\\o/\"}",
	    "1 difference: 1 text");
	/* a POP3 status: -ERR to STAT */
	free(b);
	b = copy(pop3, NPOP3);
	b[5].opr = "-ERR";
	b[5].reply = "[SYS/TEMP] Internal error";
	b[5].rc = MT_E_PROTO;
	b[5].opt = "javax.mail.MessagingException";
	diff_is(pop3, NPOP3, b, NPOP3,
	    "outcome step 6/6 0xAD91 \"STAT\": \"ok\" -> "
	    "\"rc=8 javax.mail.MessagingException\"\n"
	    "reply step 6/6 0xAD91 \"STAT\": \"+OK 2 320\" -> "
	    "\"-ERR [SYS/TEMP] Internal error\"",
	    NULL, "2 differences: 1 reply, 1 outcome");
	free(b);

	/* the session now fails at a step the baseline does not have */
	a = copy(smtp, 2);
	b = copy(smtp, 2);
	b[1].opr = "";
	b[1].reply = "";
	b[1].rc = MT_E_TIMEOUT;
	b[1].opt = "";
	diff_is(a, 2, b, 2,
	    "outcome step 2/2 0xAD15 \"connect-mail-server\": \"ok\" -> "
	    "\"rc=2 TIMEOUT\"\n"
	    "reply step 2/2 0xAD15 \"connect-mail-server\": "
	    "\"220 mx.example.org ESMTP Postfix (Debian/GNU)\" -> \"\"",
	    NULL, "2 differences: 1 reply, 1 outcome");
	b[1] = (struct chk_step){ .event = 0, .intf = "--", .rc = MT_E_EOF,
	    .opt = "java.io.EOFException" };
	diff_is(a, 2, b, 2,
	    "missing_step step 2/- 0xAD15 \"connect-mail-server\": "
	    "\"220 mx.example.org ESMTP Postfix (Debian/GNU)\" -> (none)\n"
	    "extra_step step -/2 anomaly \"--\": (none) -> \"--\"\n"
	    "outcome step -/2 anomaly \"--\": \"ok\" -> "
	    "\"rc=6 java.io.EOFException\"",
	    "{\"kind\":\"missing_step\",\"step\":\"connect-mail-server\","
	    "\"event\":\"0xAD15\",\"baseline_step\":2,\"now_step\":null,"
	    "\"baseline\":\"220 mx.example.org ESMTP Postfix (Debian/GNU)\","
	    "\"now\":null}\n"
	    "{\"kind\":\"extra_step\",\"step\":\"--\",\"event\":\"anomaly\","
	    "\"baseline_step\":null,\"now_step\":2,\"baseline\":null,"
	    "\"now\":\"--\"}\n"
	    "{\"kind\":\"outcome\",\"step\":\"--\",\"event\":\"anomaly\","
	    "\"baseline_step\":null,\"now_step\":2,\"baseline\":\"ok\","
	    "\"now\":\"rc=6 java.io.EOFException\"}",
	    "3 differences: 1 outcome, 1 missing_step, 1 extra_step");
	free(a);
	free(b);
}

/* A step added and one removed: no later step shifts into a difference. */
static void
test_steps(void)
{
	struct chk_step	 b[NSMTP + 2];
	size_t		 i, n = 0;

	for (i = 0; i < NSMTP; i++) {
		if (i == 6 || i == 7)		/* RCPT removed */
			continue;
		b[n++] = smtp[i];
		if (i == 3) {			/* STARTTLS added after EHLO */
			b[n++] = (struct chk_step){ .event = 0xAD10,
			    .intf = "STARTTLS" };
			b[n++] = (struct chk_step){ .event = 0xAD11,
			    .intf = "STARTTLS", .opr = "220",
			    .reply = "2.0.0 Ready to start TLS",
			    .elapsed_us = 1000, .has_elapsed = true };
		}
	}
	diff_is(smtp, NSMTP, b, n,
	    "extra_step step -/5 0xAD10 \"STARTTLS\": (none) -> \"STARTTLS\"\n"
	    "extra_step step -/6 0xAD11 \"STARTTLS\": (none) -> "
	    "\"220 2.0.0 Ready to start TLS\"\n"
	    "missing_step step 7/- 0xAD10 \"RCPT TO:<bob@example.org>\": "
	    "\"RCPT TO:<bob@example.org>\" -> (none)\n"
	    "missing_step step 8/- 0xAD11 \"RCPT TO:<bob@example.org>\": "
	    "\"250 2.1.5 Ok\" -> (none)",
	    NULL, "4 differences: 2 missing_step, 2 extra_step");
}

static void
test_latency(void)
{
	struct chk_diff_opt	 opt;
	struct chk_step		*a, *b;

	/* 1 ms -> 401 ms: flagged; 1 ms -> 4 ms was clean (test_clean) */
	b = copy(smtp, NSMTP);
	b[11].elapsed_us = 401000;
	diff_is(smtp, NSMTP, b, NSMTP,
	    "latency step 12/12 0xAD13 \".\": 1.000 ms -> 401.000 ms "
	    "(x401.0, +400.000 ms)",
	    "{\"kind\":\"latency\",\"step\":\".\",\"event\":\"0xAD13\","
	    "\"baseline_step\":12,\"now_step\":12,\"baseline\":\"1.000 ms\","
	    "\"now\":\"401.000 ms\",\"baseline_us\":1000,\"now_us\":401000,"
	    "\"factor\":401.0}",
	    "1 difference: 1 latency");
	/* 1 ms -> 100 ms: 99 ms more, under MS */
	b[11].elapsed_us = 100000;
	diff_is(smtp, NSMTP, b, NSMTP, "", "", "no difference");
	/* 200 ms -> 500 ms: 300 ms more, but not 3 times */
	a = copy(smtp, NSMTP);
	a[11].elapsed_us = 200000;
	b[11].elapsed_us = 500000;
	diff_is(a, NSMTP, b, NSMTP, "", "", "no difference");
	/* the options: factor 2, 50 ms */
	opt.latency_factor = 2.0;
	opt.latency_min_ms = 50;
	diff_is3(a, NSMTP, b, NSMTP, &opt,
	    "latency step 12/12 0xAD13 \".\": 200.000 ms -> 500.000 ms "
	    "(x2.5, +300.000 ms)", NULL, "1 difference: 1 latency");

	/* against the median: one slow baseline run (elapsed 900 ms) */
	a[11].elapsed_us = 900000;
	a[11].has_stats = true;
	a[11].base_median_us = 1500;
	a[11].base_spread_us = 250;
	b[11].elapsed_us = 450000;
	diff_is(a, NSMTP, b, NSMTP,
	    "latency step 12/12 0xAD13 \".\": median 1.500 ms (spread "
	    "0.250 ms) -> 450.000 ms (x300.0, +448.500 ms)",
	    "{\"kind\":\"latency\",\"step\":\".\",\"event\":\"0xAD13\","
	    "\"baseline_step\":12,\"now_step\":12,"
	    "\"baseline\":\"median 1.500 ms\",\"now\":\"450.000 ms\","
	    "\"baseline_us\":1500,\"now_us\":450000,\"baseline_median\":true,"
	    "\"baseline_spread_us\":250,\"factor\":300.0}",
	    "1 difference: 1 latency");
	/* the median is near: not flagged although elapsed says 900 ms */
	a[11].base_median_us = 400000;
	diff_is(a, NSMTP, b, NSMTP, "", "", "no difference");
	/* no elapsed time on one side: nothing compared */
	a[11].has_stats = false;
	a[11].elapsed_us = 1000;
	b[11].has_elapsed = false;
	diff_is(a, NSMTP, b, NSMTP, "", "", "no difference");
	/* a baseline of 0: no factor shown */
	a[11].elapsed_us = 0;
	b[11].has_elapsed = true;
	diff_is(a, NSMTP, b, NSMTP,
	    "latency step 12/12 0xAD13 \".\": 0.000 ms -> 450.000 ms "
	    "(+450.000 ms)", NULL, "1 difference: 1 latency");
	free(a);
	free(b);
}

static void
test_opts(void)
{
	struct chk_diff_opt	 opt;
	struct chk_diff		 d;
	struct mt_err		 err;

	chk_diff_opt_init(&opt);
	CHECK(opt.latency_factor == 3.0 && opt.latency_min_ms == 100);
	opt.latency_factor = 0.5;
	CHECK(chk_diff(rs, smtp, NSMTP, smtp, NSMTP, &opt, &d, &err) ==
	    -MT_E_USAGE);
	CHECK_STR(err.msg, "latency factor 0.5: not between 1 and 1000000");
	CHECK(d.n == 0 && d.items == NULL);
	opt.latency_factor = 3.0;
	opt.latency_min_ms = -1;
	CHECK(chk_diff(rs, smtp, NSMTP, smtp, NSMTP, &opt, &d, &err) ==
	    -MT_E_USAGE);
	CHECK(chk_kind_name(CHK_K_COUNT) == NULL);
	CHECK_STR(chk_kind_name(CHK_K_MISSING_STEP), "missing_step");
}

/* Huge values: every string bounded, every line fits CHK_LINE_MAX. */
static void
test_bounds(void)
{
	static char		 huge[64 * 1024], caps[64 * 1024];
	static char		 ctl[MT_CHK_VALUE_HARD * 2];
	char			 line[CHK_LINE_MAX], small[40];
	struct chk_step		*a, *b;
	struct chk_diff		 d;
	struct mt_err		 err;
	size_t			 i, n;

	memset(huge, 'x', sizeof(huge) - 1);
	for (i = 0, n = 0; n + 16 < sizeof(caps); i++)
		n += (size_t)snprintf(caps + n, sizeof(caps) - n, "%sX%zu V",
		    i > 0 ? ", " : "", i);
	for (i = 0; i < sizeof(ctl) - 1; i++)
		ctl[i] = i % 2 ? '"' : '\x01';
	a = copy(smtp, NSMTP);
	b = copy(smtp, NSMTP);
	b[13].reply = huge;
	b[3].detail = caps;
	b[11].reply = ctl;
	b[11].opr = huge;
	b[11].intf = ".";
	CHECK(chk_diff(rs, a, NSMTP, b, NSMTP, NULL, &d, &err) == 0);
	CHECK(d.cut);
	CHECK(d.count[CHK_K_CAPABILITY] == 10 + MT_CHK_CAPS_HARD);
	for (i = 0; i < d.n; i++) {
		CHECK(d.items[i].now == NULL ||
		    strlen(d.items[i].now) < MT_CHK_VALUE_HARD);
		CHECK(chk_diff_text(&d.items[i], line, sizeof(line)));
		CHECK(chk_diff_jsonl(&d.items[i], line, sizeof(line)));
		CHECK(strlen(line) < sizeof(line));
		/* too small: text cut, JSON never partial */
		CHECK(!chk_diff_text(&d.items[i], small, sizeof(small)));
		CHECK(strlen(small) == sizeof(small) - 1);
		CHECK(!chk_diff_jsonl(&d.items[i], small, sizeof(small)));
		CHECK_STR(small, "");
	}
	/* the reply of QUIT: cut at the limit, ending in ... */
	CHECK(d.n > 0);
	CHECK(strlen(d.items[d.n - 1].now) == MT_CHK_VALUE_HARD - 1);
	CHECK(strcmp(d.items[d.n - 1].now + MT_CHK_VALUE_HARD - 4,
	    "...") == 0);
	chk_diff_free(&d);
	chk_diff_free(&d);			/* safe twice */
	free(a);
	free(b);

	/* More differences than MT_CHK_DIFFS_HARD: counted, not all kept */
	n = MT_CHK_DIFFS_HARD + 10;
	if ((b = calloc(n, sizeof(*b))) == NULL)
		exit(1);
	for (i = 0; i < n; i++)
		b[i] = (struct chk_step){ .event = 0xAD10, .intf = "NOOP" };
	CHECK(chk_diff(rs, NULL, 0, b, n, NULL, &d, &err) == 0);
	CHECK(d.n == MT_CHK_DIFFS_HARD && d.total == n && d.dropped == 10);
	CHECK(chk_diff_summary(&d, line, sizeof(line)));
	CHECK_STR(line, "65546 differences: 65546 extra_step (10 not listed)");
	CHECK(!chk_diff_summary(&d, small, 12));
	CHECK_STR(small, "65546 diffe");
	chk_diff_free(&d);
	free(b);
}

/*
 * chk_stats: a step's median over runs (odd and even counts), its spread,
 * a step an older run lacks (aligned, not shifted), a step the newest has
 * no time for, and a run with a step of its own (not counted).
 */
static void
test_stats(void)
{
	struct chk_step		*r[4];
	const struct chk_step	*cr[4];
	struct chk_stat		 st[NPOP3];
	size_t			 ns[4], i, stat_i = NPOP3, k;
	struct mt_err		 err;

	for (i = 0; i < NPOP3; i++)
		if (pop3[i].event == 0xAD91 && strcmp(pop3[i].intf, "STAT") == 0)
			stat_i = i;
	CHECK(stat_i < NPOP3);
	if (stat_i >= NPOP3)
		return;
	for (k = 0; k < 4; k++) {
		r[k] = copy(pop3, NPOP3);
		ns[k] = NPOP3;
	}
	/* STAT: 400 ms in the newest, 1, 3 and 2 ms in the older runs. */
	r[0][stat_i].elapsed_us = 400000;
	r[1][stat_i].elapsed_us = 1000;
	r[2][stat_i].elapsed_us = 3000;
	r[3][stat_i].elapsed_us = 2000;
	/* Run 1 lacks the greeting's "after" step (index 1): no shift. */
	memmove(&r[1][1], &r[1][2], (NPOP3 - 2) * sizeof(*r[1]));
	ns[1] = NPOP3 - 1;
	/* Run 2: the newest's first step has no time; give run 2's one. */
	r[2][0].elapsed_us = 5;
	r[2][0].has_elapsed = true;
	for (k = 0; k < 4; k++)
		cr[k] = r[k];
	CHECK(chk_stats(rs, cr, ns, 4, st, &err) == 0);
	/* 1, 2, 3, 400 ms: the mean of the middle two; spread 399 ms. */
	CHECK(st[stat_i].has && st[stat_i].n == 4);
	CHECK(st[stat_i].median_us == 2500);
	CHECK(st[stat_i].spread_us == 399000);
	/* Three runs: 1, 3 and 400 ms, median 3 ms. */
	CHECK(chk_stats(rs, cr, ns, 3, st, &err) == 0);
	CHECK(st[stat_i].median_us == 3000 && st[stat_i].spread_us == 399000);
	/* The greeting: three runs have it (run 1 not), all 900 us. */
	CHECK(st[1].has && st[1].n == 2 && st[1].median_us == 900);
	CHECK(chk_stats(rs, cr, ns, 4, st, &err) == 0);
	CHECK(st[1].n == 3 && st[1].spread_us == 0);
	/* No time in the newest: none, whatever the older runs had. */
	CHECK(!st[0].has && st[0].n == 0);
	/* One run: its own times, spread 0. */
	CHECK(chk_stats(rs, cr, ns, 1, st, &err) == 0);
	CHECK(st[stat_i].median_us == 400000 && st[stat_i].spread_us == 0);
	/* Bounds. */
	CHECK(chk_stats(rs, cr, ns, 0, st, &err) == -MT_E_INTERNAL);
	CHECK(chk_stats(rs, cr, ns, MT_CHK_RUNS_HARD + 1, st, &err) ==
	    -MT_E_INTERNAL);
	for (k = 0; k < 4; k++)
		free(r[k]);
}

/* A POP3S session: the connection fetch carries the TLS facts. */
static const struct chk_step pop3s[] = {
	{ .event = 0xAD82, .intf = "--" },
	{ .event = 0xAD83, .intf = "--", .elapsed_us = 2100,
	  .has_elapsed = true, .has_tls = true, .tls_version = "TLSv1.3",
	  .tls_cipher = "TLS_AES_256_GCM_SHA384", .has_cert = true,
	  .cert_subject = "CN=localhost", .cert_issuer = "CN=mailtrace test CA",
	  .cert_not_after = 2110000000, .tls_verify = "ok" },
	{ .event = 0xAD92, .intf = "connect-mail-server" },
	{ .event = 0xAD93, .intf = "connect-mail-server", .opr = "+OK",
	  .reply = "Dovecot ready.", .elapsed_us = 900, .has_elapsed = true },
};
#define NPOP3S	(sizeof(pop3s) / sizeof(pop3s[0]))

/*
 * tls: each fact that changed, named; not the handshake time, the days
 * left or the serial (they are not in the step); nothing when one side
 * has no facts (a baseline stored before them).
 */
static void
test_tls(void)
{
	struct chk_step	*b;

	b = copy(pop3s, NPOP3S);
	diff_is(pop3s, NPOP3S, b, NPOP3S, "", "", "no difference");
	b[1].tls_version = "TLSv1.2";
	b[1].tls_cipher = "ECDHE-ECDSA-AES256-GCM-SHA384";
	diff_is(pop3s, NPOP3S, b, NPOP3S,
	    "tls step 2/2 0xAD83 \"--\": \"version TLSv1.3\" -> "
	    "\"version TLSv1.2\"\n"
	    "tls step 2/2 0xAD83 \"--\": \"cipher TLS_AES_256_GCM_SHA384\" -> "
	    "\"cipher ECDHE-ECDSA-AES256-GCM-SHA384\"",
	    "{\"kind\":\"tls\",\"step\":\"--\",\"event\":\"0xAD83\","
	    "\"baseline_step\":2,\"now_step\":2,\"keyword\":\"version\","
	    "\"baseline\":\"version TLSv1.3\",\"now\":\"version TLSv1.2\"}\n"
	    "{\"kind\":\"tls\",\"step\":\"--\",\"event\":\"0xAD83\","
	    "\"baseline_step\":2,\"now_step\":2,\"keyword\":\"cipher\","
	    "\"baseline\":\"cipher TLS_AES_256_GCM_SHA384\","
	    "\"now\":\"cipher ECDHE-ECDSA-AES256-GCM-SHA384\"}",
	    "2 differences: 2 tls");
	free(b);

	/* another certificate: self-signed, renewed, not verified */
	b = copy(pop3s, NPOP3S);
	b[1].cert_issuer = "CN=localhost";
	b[1].cert_not_after = 2120000000;
	b[1].tls_verify = "self-signed certificate";
	b[1].elapsed_us = 2500;		/* not latency enough */
	diff_is(pop3s, NPOP3S, b, NPOP3S,
	    "tls step 2/2 0xAD83 \"--\": \"issuer CN=mailtrace test CA\" -> "
	    "\"issuer CN=localhost\"\n"
	    "tls step 2/2 0xAD83 \"--\": \"not_after 2036-11-11T07:06:40Z\" -> "
	    "\"not_after 2037-03-07T00:53:20Z\"\n"
	    "tls step 2/2 0xAD83 \"--\": \"verify ok\" -> "
	    "\"verify self-signed certificate\"",
	    NULL, "3 differences: 3 tls");
	b[1].cert_subject = "CN=wrong.example";
	b[1].cert_issuer = "CN=mailtrace test CA";
	b[1].cert_not_after = pop3s[1].cert_not_after;
	b[1].tls_verify = "ok";
	diff_is(pop3s, NPOP3S, b, NPOP3S,
	    "tls step 2/2 0xAD83 \"--\": \"subject CN=localhost\" -> "
	    "\"subject CN=wrong.example\"",
	    "{\"kind\":\"tls\",\"step\":\"--\",\"event\":\"0xAD83\","
	    "\"baseline_step\":2,\"now_step\":2,\"keyword\":\"subject\","
	    "\"baseline\":\"subject CN=localhost\","
	    "\"now\":\"subject CN=wrong.example\"}",
	    "1 difference: 1 tls");
	/* facts on one side only: not compared */
	b[1].has_tls = false;
	diff_is(pop3s, NPOP3S, b, NPOP3S, "", "", "no difference");
	free(b);
}

/* docs/check.md names every kind as | `name` |. */
static void
test_doc(const char *path)
{
	static char	 doc[256 * 1024];
	char		 want[64];
	FILE		*f;
	size_t		 n, k;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "%s: cannot open\n", path);
		CHECK(f != NULL);
		return;
	}
	n = fread(doc, 1, sizeof(doc) - 1, f);
	doc[n] = '\0';
	fclose(f);
	for (k = 0; k < CHK_K_COUNT; k++) {
		snprintf(want, sizeof(want), "| `%s` |",
		    chk_kind_name((enum chk_kind)k));
		if (strstr(doc, want) == NULL)
			fprintf(stderr, "%s does not list kind %s\n", path,
			    chk_kind_name((enum chk_kind)k));
		CHECK(strstr(doc, want) != NULL);
	}
}

int
main(int argc, char **argv)
{
	struct mt_err	err;

	if ((rs = chk_rules_new(0, &err)) == NULL) {
		fprintf(stderr, "chk_rules_new: %s\n", err.msg);
		return 1;
	}
	test_clean();
	test_kinds();
	test_steps();
	test_latency();
	test_opts();
	test_bounds();
	test_stats();
	test_tls();
	if (argc > 1)
		test_doc(argv[1]);
	chk_rules_free(rs);
	return check_done();
}
