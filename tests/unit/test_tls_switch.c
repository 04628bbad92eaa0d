/*
 * SPDX-License-Identifier: BSD-2-Clause
 * test_tls_switch.c - the models through STLS/STARTTLS as a decoder with the
 * session's keys drives them: the plaintext up to the positive reply, the
 * handshake's bytes (opaque: counted, never read as lines), conv_tls() at
 * the handshake's end, then the decrypted commands, whole, byte by byte
 * and at random cuts; the records are the probe's for the same session
 * (tests/fake/cases/stls-tls-facts-insecure.case, smtp-starttls-ok.case),
 * what was learned in clear is forgotten, and no secret is recorded.
 */
#include "convrun.h"

/* TLS records as they might come: line-like text must not become lines. */
#define HELLO_C	"\x16\x03\x01\x00\x2e\x01\x00\x00\x2a" "CAPA\r\nUSER x\r\n"
#define HELLO_S	"\x16\x03\x03\x00\x10\x02\x00\x00\x0c" "-ERR\r\n+OK\r\n"

static const struct piece pop3_pc[] = {
	{ DIR_S2C, "+OK ready\r\n" },
	{ DIR_C2S, "CAPA\r\n" },
	{ DIR_S2C, "+OK\r\nSTLS\r\nUSER\r\n.\r\n" },
	{ DIR_C2S, "STLS\r\n" },
	{ DIR_S2C, "+OK go\r\n" },
	{ DIR_C2S, HELLO_C },
	{ DIR_S2C, HELLO_S },
	{ DIR_C2S, "\x14\x03\x03\x00\x01\x01" "STAT\r" },
	{ DIR_C2S, NULL },
	{ DIR_C2S, "CAPA\r\n" },
	{ DIR_S2C, "+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n" },
	{ DIR_C2S, "AUTH PLAIN AGJvYgBodW50ZXIy\r\n" },
	{ DIR_S2C, "+OK Logged in.\r\n" },
	{ DIR_C2S, "STAT\r\n" },
	{ DIR_S2C, "+OK 0 0\r\n" },
	{ DIR_C2S, "QUIT\r\n" },
	{ DIR_S2C, "+OK bye\r\n" },
};

static void
test_stls(void)
{
	struct memsink	ms;
	struct steps	st;

	expect_all_cuts(PROTO_POP3, pop3_pc, sizeof(pop3_pc) /
	    sizeof(pop3_pc[0]), LEVEL_ADVANCED, CLOSE_FIN,
	    "0xAD92 B rc=0 connect-mail-server||\n"
	    "0xAD93 B rc=0 connect-mail-server|+OK|\n"
	    "0xAD8E A rc=0 CAPA||\n"
	    "0xAD8F A rc=0 CAPA|+OK| bytes\n"
	    "0xAD8E A rc=0 STLS||\n"
	    "0xAD8F A rc=0 STLS|+OK|\n"
	    "0xAD8E A rc=0 CAPA||\n"
	    "0xAD8F A rc=0 CAPA|+OK| bytes\n"
	    "0xAD8E A rc=0 AUTH PLAIN||\n"
	    "0xAD8F A rc=0 AUTH PLAIN|+OK|\n"
	    "0xAD90 B rc=0 STAT||\n"
	    "0xAD91 B rc=0 STAT|+OK|\n"
	    "0xAD90 B rc=0 QUIT||\n"
	    "0xAD91 B rc=0 QUIT|+OK|\n",
	    "15/1/0/0/0 12/1/0/0/15 13/1/0/0/0 12/1/0/0/21 3/1/0/0/0 "
	    "4/1/0/0/0 14/1/0/0/0 ");
	run(PROTO_POP3, pop3_pc, sizeof(pop3_pc) / sizeof(pop3_pc[0]),
	    LEVEL_ADVANCED, 1, CLOSE_FIN, &ms, &st);
	CHECK(strstr(ms.out, "AGJvYgBodW50ZXIy") == NULL);
	CHECK(strstr(ms.out, "!") == NULL);	/* no anomaly at all */
}

static const struct piece smtp_pc[] = {
	{ DIR_S2C, "220 mx ESMTP\r\n" },
	{ DIR_C2S, "EHLO c\r\n" },
	{ DIR_S2C, "250-mx\r\n250 STARTTLS\r\n" },
	{ DIR_C2S, "STARTTLS\r\n" },
	{ DIR_S2C, "220 2.0.0 go\r\n" },
	{ DIR_C2S, HELLO_C "MAIL FROM:<x>\r\n" },
	{ DIR_S2C, HELLO_S "250 ok\r\n354 go" },
	{ DIR_C2S, NULL },
	{ DIR_C2S, "EHLO c\r\n" },
	{ DIR_S2C, "250-mx\r\n250-AUTH PLAIN LOGIN\r\n250 PIPELINING\r\n" },
	{ DIR_C2S, "AUTH LOGIN\r\n" },
	{ DIR_S2C, "334 VXNlcm5hbWU6\r\n" },
	{ DIR_C2S, "Ym9ibmFtZQ==\r\n" },
	{ DIR_S2C, "334 UGFzc3dvcmQ6\r\n" },
	{ DIR_C2S, "aHVudGVyMg==\r\n" },
	{ DIR_S2C, "235 2.7.0 ok\r\n" },
	{ DIR_C2S, "MAIL FROM:<a@example.test>\r\n" },
	{ DIR_S2C, "250 2.1.0 ok\r\n" },
	{ DIR_C2S, "RCPT TO:<b@example.test>\r\n" },
	{ DIR_S2C, "250 2.1.5 ok\r\n" },
	{ DIR_C2S, "DATA\r\n" },
	{ DIR_S2C, "354 go\r\n" },
	{ DIR_C2S, "Subject: t\r\n\r\nhi\r\n.\r\n" },
	{ DIR_S2C, "250 2.0.0 queued\r\n" },
	{ DIR_C2S, "QUIT\r\n" },
	{ DIR_S2C, "221 2.0.0 bye\r\n" },
};

static void
test_starttls(void)
{
	struct memsink	ms;
	struct steps	st;

	expect_all_cuts(PROTO_SMTP, smtp_pc, sizeof(smtp_pc) /
	    sizeof(smtp_pc[0]), LEVEL_ADVANCED, CLOSE_FIN,
	    "0xAD14 B rc=0 connect-mail-server||\n"
	    "0xAD15 B rc=0 connect-mail-server|220|\n"
	    "0xAD10 A rc=0 EHLO c||\n"
	    "0xAD11 A rc=0 EHLO c|250|\n"
	    "0xAD10 A rc=0 STARTTLS||\n"
	    "0xAD11 A rc=0 STARTTLS|220|\n"
	    "0xAD10 A rc=0 EHLO c||\n"
	    "0xAD11 A rc=0 EHLO c|250|\n"
	    "0xAD10 A rc=0 AUTH LOGIN||\n"
	    "0xAD11 A rc=0 AUTH LOGIN|334|\n"
	    "0xAD12 B rc=0 SEND USER||\n"
	    "0xAD13 B rc=0 SEND USER|334|\n"
	    "0xAD12 B rc=0 SEND PASS||\n"
	    "0xAD13 B rc=0 SEND PASS|235|\n"
	    "0xAD10 A rc=0 MAIL FROM:<a@example.test>||\n"
	    "0xAD11 A rc=0 MAIL FROM:<a@example.test>|250|\n"
	    "0xAD10 A rc=0 RCPT TO:<b@example.test>||\n"
	    "0xAD11 A rc=0 RCPT TO:<b@example.test>|250|\n"
	    "0xAD10 A rc=0 DATA||\n"
	    "0xAD11 A rc=0 DATA|354|\n"
	    "0xAD12 B rc=0 .||\n"
	    "0xAD13 B rc=0 .|250| bytes\n"
	    "0xAD12 B rc=0 QUIT||\n"
	    "0xAD13 B rc=0 QUIT|221|\n",
	    NULL);
	run(PROTO_SMTP, smtp_pc, sizeof(smtp_pc) / sizeof(smtp_pc[0]),
	    LEVEL_ADVANCED, 1, CLOSE_FIN, &ms, &st);
	CHECK(strstr(ms.out, "Ym9ibmFtZQ") == NULL);
	CHECK(strstr(ms.out, "aHVudGVyMg") == NULL);
	CHECK(strstr(ms.out, "!") == NULL);
}

/*
 * What was learned in clear is forgotten at conv_tls() and learned again
 * from the decrypted CAPA / EHLO; until conv_tls() the commands after the
 * switch are not read (nothing pending); the decoder's on_command sees the
 * decrypted commands with their own times.
 */
struct seen {
	char	log[256];
	size_t	len;
};

static void
seen_command(void *arg, int cmd, bool has_arg, unsigned ev, mt_time t)
{
	struct seen	*s = arg;
	int		 n;

	(void)has_arg;
	(void)ev;
	n = snprintf(s->log + s->len, sizeof(s->log) - s->len, "%d@%lld ",
	    cmd, (long long)t);
	if (n > 0 && (size_t)n < sizeof(s->log) - s->len)
		s->len += (size_t)n;
}

static void
feed(struct conv *cv, enum dir d, const char *s, mt_time t)
{
	conv_bytes(cv, d, (const uint8_t *)s, strlen(s), t);
}

static void
test_forgotten(void)
{
	struct memsink	 ms;
	struct tracer	 tr;
	struct conv_env	 env;
	struct conv	*cv;
	struct seen	 seen;
	char		 want[64];

	memsink_init(&ms);
	memset(&seen, 0, sizeof(seen));
	trace_init(&tr, LEVEL_ADVANCED, REC_PROBE);
	trace_add_sink(&tr, &ms.base);
	trace_session(&tr, "127.0.0.1:1", "127.0.0.1:110");
	memset(&env, 0, sizeof(env));
	env.tr = &tr;
	env.on_command = seen_command;
	env.arg = &seen;

	cv = conv_new(PROTO_POP3, &env, 0, NULL);
	feed(cv, DIR_S2C, "+OK ready\r\n", 1);
	feed(cv, DIR_C2S, "CAPA\r\n", 2);
	feed(cv, DIR_S2C, "+OK\r\nSTLS\r\nSASL LOGIN\r\n.\r\n", 3);
	CHECK(conv_pop3_capa(cv)->stls);
	feed(cv, DIR_C2S, "STLS\r\n", 4);
	feed(cv, DIR_S2C, "+OK go\r\n", 5);
	feed(cv, DIR_C2S, HELLO_C, 6);
	CHECK(conv_pending(cv) == 0);
	conv_tls(cv, 7);
	CHECK(!conv_pop3_capa(cv)->seen && !conv_pop3_capa(cv)->stls);
	feed(cv, DIR_C2S, "CAPA\r\n", 8);
	CHECK(conv_pending(cv) == 1);
	feed(cv, DIR_S2C, "+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n", 9);
	CHECK(conv_pop3_capa(cv)->seen && !conv_pop3_capa(cv)->stls);
	CHECK(conv_mech_listed(conv_pop3_capa(cv)->sasl, "PLAIN", 5));
	CHECK(!conv_mech_listed(conv_pop3_capa(cv)->sasl, "LOGIN", 5));
	conv_close(cv, CLOSE_FIN, 10);
	conv_free(cv);
	snprintf(want, sizeof(want), "%d@2 %d@4 %d@8 ", POP3_C_CAPA,
	    POP3_C_STLS, POP3_C_CAPA);
	CHECK_STR(seen.log, want);

	memset(&seen, 0, sizeof(seen));
	memsink_init(&ms);
	cv = conv_new(PROTO_SMTP, &env, 0, NULL);
	feed(cv, DIR_S2C, "220 mx\r\n", 1);
	feed(cv, DIR_C2S, "EHLO c\r\n", 2);
	feed(cv, DIR_S2C, "250-mx\r\n250-AUTH LOGIN\r\n250 STARTTLS\r\n", 3);
	CHECK(conv_smtp_ehlo(cv)->starttls);
	feed(cv, DIR_C2S, "STARTTLS\r\n", 4);
	feed(cv, DIR_S2C, "220 go\r\n", 5);
	feed(cv, DIR_C2S, HELLO_C, 6);
	CHECK(conv_pending(cv) == 0);
	conv_tls(cv, 7);
	CHECK(!conv_smtp_ehlo(cv)->seen && !conv_smtp_ehlo(cv)->starttls);
	feed(cv, DIR_C2S, "EHLO c\r\n", 8);
	feed(cv, DIR_S2C, "250-mx\r\n250 AUTH PLAIN\r\n", 9);
	CHECK(conv_smtp_ehlo(cv)->seen && !conv_smtp_ehlo(cv)->starttls);
	CHECK(strcmp(conv_smtp_ehlo(cv)->auth, "PLAIN") == 0);
	conv_close(cv, CLOSE_FIN, 10);
	conv_free(cv);
	CHECK(strstr(ms.out, "!") == NULL);
	snprintf(want, sizeof(want), "%d@2 %d@4 %d@8 ", SMTP_C_EHLO,
	    SMTP_C_STARTTLS, SMTP_C_EHLO);
	CHECK_STR(seen.log, want);
}

int
main(void)
{
	test_stls();
	test_starttls();
	test_forgotten();
	return check_done();
}
