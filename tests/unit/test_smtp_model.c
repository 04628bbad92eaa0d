/*
 * SPDX-License-Identifier: BSD-2-Clause
 * test_smtp_model.c - the SMTP model over scripted conversations, fed
 * whole, one byte at a time and at random cuts.
 */
#include "convrun.h"

static void
test_session(void)
{
	static const struct piece pc[] = {
		{ DIR_S2C, "220 mx.example.test ESMTP\r\n" },
		{ DIR_C2S, "EHLO probe.test\r\n" },
		{ DIR_S2C, "250-mx.example.test\r\n250-PIPELINING\r\n250-SIZE 1000\r\n"
		    "250-AUTH PLAIN LOGIN\r\n250 STARTTLS\r\n" },
		{ DIR_C2S, "AUTH PLAIN\r\n" },
		{ DIR_S2C, "334 \r\n" },
		{ DIR_C2S, "AGJvYgBodW50ZXIy\r\n" },
		{ DIR_S2C, "235 2.7.0 ok\r\n" },
		{ DIR_C2S, "MAIL FROM:<a@x.test>\r\n" },
		{ DIR_S2C, "250 2.1.0 Ok\r\n" },
		{ DIR_C2S, "RCPT TO:<b@x.test>\r\n" },
		{ DIR_S2C, "250 2.1.5 Ok\r\n" },
		{ DIR_C2S, "RCPT TO:<nobody@x.test>\r\n" },
		{ DIR_S2C, "550 5.1.1 <nobody@x.test>: Recipient address rejected\r\n" },
		{ DIR_C2S, "DATA\r\n" },
		{ DIR_S2C, "354 End data with <CR><LF>.<CR><LF>\r\n" },
		{ DIR_C2S, "Subject: t\r\n\r\n..dot\r\n.\r\n" },
		{ DIR_S2C, "250 2.0.0 Ok: queued as ABC\r\n" },
		{ DIR_C2S, "QUIT\r\n" },
		{ DIR_S2C, "221 2.0.0 Bye\r\n" },
	};

	expect_all_cuts(PROTO_SMTP, pc, sizeof(pc) / sizeof(pc[0]),
	    LEVEL_ADVANCED, CLOSE_FIN,
	    "0xAD14 B rc=0 connect-mail-server||\n"
	    "0xAD15 B rc=0 connect-mail-server|220|\n"
	    "0xAD10 A rc=0 EHLO probe.test||\n"
	    "0xAD11 A rc=0 EHLO probe.test|250|\n"
	    "0xAD10 A rc=0 AUTH PLAIN||\n"
	    "0xAD11 A rc=0 AUTH PLAIN|334|\n"
	    "0xAD12 B rc=0 SEND USER PASS||\n"
	    "0xAD13 B rc=0 SEND USER PASS|235|\n"
	    "0xAD10 A rc=0 MAIL FROM:<a@x.test>||\n"
	    "0xAD11 A rc=0 MAIL FROM:<a@x.test>|250|\n"
	    "0xAD10 A rc=0 RCPT TO:<b@x.test>||\n"
	    "0xAD11 A rc=0 RCPT TO:<b@x.test>|250|\n"
	    "0xAD10 A rc=0 RCPT TO:<nobody@x.test>||\n"
	    "0xAD11 A rc=9 RCPT TO:<nobody@x.test>|550|javax.mail.SendFailedException\n"
	    "0xAD10 A rc=0 DATA||\n"
	    "0xAD11 A rc=0 DATA|354|\n"
	    "0xAD12 B rc=0 .||\n"
	    "0xAD13 B rc=0 .|250| bytes\n"
	    "0xAD12 B rc=0 QUIT||\n"
	    "0xAD13 B rc=0 QUIT|221|\n",
	    "15/220/0/0/0 0/250/0/0/0 3/334/0/0/0 16/235/0/0/0 4/250/0/0/0 "
	    "5/250/0/0/0 5/550/9/0/0 6/354/0/0/0 17/250/0/0/24 14/221/0/0/0 ");
}

static void
test_ehlo_seen(void)
{
	static const char *const in[] = {
		"220 hi\r\n", "EHLO a\r\n",
		"250-mx\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250-8BITMIME\r\n"
		    "250-AUTH PLAIN LOGIN CRAM-MD5\r\n250 STARTTLS\r\n",
	};
	struct tracer	 tr;
	struct memsink	 ms;
	struct conv_env	 env;
	struct conv	*cv;
	const struct smtp_ehlo *e;

	memsink_init(&ms);
	trace_init(&tr, LEVEL_ADVANCED, REC_PROBE);
	trace_add_sink(&tr, &ms.base);
	memset(&env, 0, sizeof(env));
	env.tr = &tr;
	cv = conv_new(PROTO_SMTP, &env, 0, NULL);
	conv_bytes(cv, DIR_S2C, (const uint8_t *)in[0], strlen(in[0]), 0);
	conv_bytes(cv, DIR_C2S, (const uint8_t *)in[1], strlen(in[1]), 0);
	conv_bytes(cv, DIR_S2C, (const uint8_t *)in[2], strlen(in[2]), 0);
	e = conv_smtp_ehlo(cv);
	CHECK(e->seen && e->starttls && e->pipelining && e->eightbitmime);
	CHECK(!e->chunking);
	CHECK(e->size == 1000);
	CHECK_STR(e->auth, "PLAIN LOGIN CRAM-MD5");
	CHECK_STR(e->keywords, "PIPELINING, SIZE 1000, 8BITMIME, "
	    "AUTH PLAIN LOGIN CRAM-MD5, STARTTLS");
	CHECK(!conv_pop3_capa(cv)->seen);
	conv_free(cv);
}

static void
test_sasl_login(void)
{
	static const struct piece pc[] = {
		{ DIR_S2C, "220 hi\r\n" },
		{ DIR_C2S, "AUTH LOGIN\r\n" },
		{ DIR_S2C, "334 VXNlcm5hbWU6\r\n" },
		{ DIR_C2S, "Ym9i\r\n" },
		{ DIR_S2C, "334 UGFzc3dvcmQ6\r\n" },
		{ DIR_C2S, "aHVudGVyMg==\r\n" },
		{ DIR_S2C, "535 5.7.8 Error: authentication failed\r\n" },
		{ DIR_C2S, "AUTH LOGIN Ym9i\r\n" },
		{ DIR_S2C, "334 UGFzc3dvcmQ6\r\n" },
		{ DIR_C2S, "*\r\n" },
		{ DIR_S2C, "501 5.7.0 cancelled\r\n" },
	};

	expect_all_cuts(PROTO_SMTP, pc, sizeof(pc) / sizeof(pc[0]),
	    LEVEL_ADVANCED, CLOSE_FIN,
	    "0xAD14 B rc=0 connect-mail-server||\n"
	    "0xAD15 B rc=0 connect-mail-server|220|\n"
	    "0xAD10 A rc=0 AUTH LOGIN||\n"
	    "0xAD11 A rc=0 AUTH LOGIN|334|\n"
	    "0xAD12 B rc=0 SEND USER||\n"
	    "0xAD13 B rc=0 SEND USER|334|\n"
	    "0xAD12 B rc=0 SEND PASS||\n"
	    "0xAD13 B rc=7 SEND PASS|535|javax.mail.AuthenticationFailedException\n"
	    "0xAD10 A rc=0 AUTH LOGIN||\n"
	    "0xAD11 A rc=0 AUTH LOGIN|334|\n"
	    "0xAD12 B rc=0 AUTH END||\n"
	    "0xAD13 B rc=7 AUTH END|501|javax.mail.AuthenticationFailedException\n",
	    NULL);
}

static void
test_faults(void)
{
	static const struct piece pc[] = {
		{ DIR_S2C, "220 hi\r\n" },
		{ DIR_C2S, "EHLO a\r\n" },
		{ DIR_S2C, "502 no\r\n" },
		{ DIR_C2S, "HELO a\r\n" },
		{ DIR_S2C, "250-x\r\n251 y\r\n" },
		{ DIR_C2S, "MAIL FROM:<>\r\n" },
		{ DIR_S2C, "garbage\r\n" },
		{ DIR_C2S, "NOOP\r\n" },
		{ DIR_S2C, "250-partial\r\n" },
	};

	expect_all_cuts(PROTO_SMTP, pc, sizeof(pc) / sizeof(pc[0]),
	    LEVEL_STANDARD, CLOSE_FIN,
	    "0xAD10 A rc=0 EHLO a||\n"
	    "0xAD11 A rc=0 EHLO a|502|\n"
	    "0xAD10 A rc=0 HELO a||\n"
	    "! reply_code_mismatch HELO a: the last line says 251\n"
	    "0xAD11 A rc=8 HELO a|251|javax.mail.MessagingException\n"
	    "0xAD10 A rc=0 MAIL FROM:<>||\n"
	    "! bad_status garbage\n"
	    "0xAD11 A rc=8 MAIL FROM:<>|garb|javax.mail.MessagingException\n",
	    "15/220/0/0/0 0/502/0/0/0 1/251/8/0/0 4/0/8/0/0 13/0/6/0/0 ");
}

/* Responses sent before their challenge, and base64 out of any exchange:
 * recorded as SASL data or as an unreadable line, never shown. */
static void
test_eager_sasl(void)
{
	static const struct piece pc[] = {
		{ DIR_S2C, "220 hi\r\n" },
		{ DIR_C2S, "AUTH LOGIN\r\ncmNwdA==\r\nc2VjcmV0\r\n" },
		{ DIR_S2C, "334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n235 ok\r\n" },
		{ DIR_C2S, "MAIL FROM:<a@b>\r\n" },
		{ DIR_S2C, "250 ok\r\n" },
		{ DIR_C2S, "c2VjcmV0\r\n" },
		{ DIR_S2C, "500 what\r\n" },
	};
	struct memsink	ms;
	struct steps	st;
	unsigned	cut;

	for (cut = 0; cut < 12; cut++) {
		run(PROTO_SMTP, pc, sizeof(pc) / sizeof(pc[0]), LEVEL_ADVANCED,
		    cut, CLOSE_FIN, &ms, &st);
		CHECK(strstr(ms.out, "cmNwdA") == NULL);
		CHECK(strstr(ms.out, "c2VjcmV0") == NULL);
		CHECK(strstr(ms.out, "C2VJCMV0") == NULL);
		CHECK(strstr(ms.out, "0xAD13 B rc=0 SEND USER|334|") != NULL);
		CHECK(strstr(ms.out, "0xAD13 B rc=0 SEND PASS|235|") != NULL);
		CHECK(strstr(ms.out, "0xAD11 A rc=0 MAIL FROM:<a@b>|250|") != NULL);
		CHECK(strstr(ms.out, "! unknown_command unreadable command of 8 octets") != NULL);
	}
}

static void
test_expected_codes(void)
{
	static const struct piece pc[] = {
		{ DIR_S2C, "220 hi\r\n" },
		{ DIR_C2S, "MAIL FROM:<a@b>\r\n" },
		{ DIR_S2C, "354 what\r\n" },
		{ DIR_C2S, "DATA\r\n" },
		{ DIR_S2C, "250 ok\r\n" },
		{ DIR_C2S, "STARTTLS\r\n" },
		{ DIR_S2C, "250 sure\r\n" },
		{ DIR_C2S, "AUTH PLAIN AGJvYgBodW50ZXIy\r\n" },
		{ DIR_S2C, "235 ok\r\n" },
		{ DIR_C2S, "NOOP\r\n" },
		{ DIR_S2C, "334 eh\r\n" },
	};

	expect_all_cuts(PROTO_SMTP, pc, sizeof(pc) / sizeof(pc[0]),
	    LEVEL_ADVANCED, CLOSE_FIN,
	    "0xAD14 B rc=0 connect-mail-server||\n"
	    "0xAD15 B rc=0 connect-mail-server|220|\n"
	    "0xAD10 A rc=0 MAIL FROM:<a@b>||\n"
	    "0xAD11 A rc=9 MAIL FROM:<a@b>|354|javax.mail.SendFailedException\n"
	    "0xAD10 A rc=0 DATA||\n"
	    "0xAD11 A rc=9 DATA|250|javax.mail.SendFailedException\n"
	    "0xAD10 A rc=0 STARTTLS||\n"
	    "0xAD11 A rc=8 STARTTLS|250|javax.mail.MessagingException\n"
	    "0xAD10 A rc=0 AUTH PLAIN||\n"
	    "0xAD11 A rc=0 AUTH PLAIN|235|\n"
	    "0xAD12 B rc=0 NOOP||\n"
	    "0xAD13 B rc=8 NOOP|334|javax.mail.MessagingException\n", NULL);
}

static void
test_starttls_injection(void)
{
	static const struct piece pc[] = {
		{ DIR_S2C, "220 hi\r\n" },
		{ DIR_C2S, "STARTTLS\r\n" },
		{ DIR_S2C, "220 go ahead\r\n250 injected\r\n" },
	};
	struct memsink	ms;
	struct steps	st;

	run(PROTO_SMTP, pc, 3, LEVEL_STANDARD, 0, CLOSE_ABORT, &ms, &st);
	CHECK_STR(ms.out,
	    "0xAD10 A rc=0 STARTTLS||\n"
	    "! plaintext_after_stls 14 octets after the STARTTLS reply, before the TLS handshake\n"
	    "0xAD11 A rc=0 STARTTLS|220|\n");
	CHECK_STR(st.log, "15/220/0/0/0 2/220/0/1/0 ");
}

static void
test_reply_too_long(void)
{
	static char	big[700 * 8 + 64];
	struct piece	pc[5];
	size_t		o = 0;
	int		i;

	for (i = 0; i < 700; i++) {
		memcpy(big + o, "250-xy\r\n", 8);
		o += 8;
	}
	memcpy(big + o, "250 end\r\n", 10);
	pc[0] = (struct piece){ DIR_S2C, "220 hi\r\n" };
	pc[1] = (struct piece){ DIR_C2S, "EHLO a\r\n" };
	pc[2] = (struct piece){ DIR_S2C, big };
	pc[3] = (struct piece){ DIR_C2S, "NOOP\r\n" };
	pc[4] = (struct piece){ DIR_S2C, "250 ok\r\n" };
	expect_all_cuts(PROTO_SMTP, pc, 5, LEVEL_ADVANCED, CLOSE_FIN,
	    "0xAD14 B rc=0 connect-mail-server||\n"
	    "0xAD15 B rc=0 connect-mail-server|220|\n"
	    "0xAD10 A rc=0 EHLO a||\n"
	    "! reply_too_many_lines EHLO a: over 512 lines\n"
	    "0xAD11 A rc=8 EHLO a|250|javax.mail.MessagingException\n"
	    "0xAD12 B rc=0 NOOP||\n"
	    "0xAD13 B rc=0 NOOP|250|\n",
	    "15/220/0/0/0 0/250/8/10/0 13/250/0/0/0 ");
}

static void
test_bdat_and_body_desync(void)
{
	static const struct piece bdat[] = {
		{ DIR_S2C, "220 hi\r\n" },
		{ DIR_C2S, "BDAT 7 LAST\r\nab\r\ncd\n" },
		{ DIR_S2C, "250 ok\r\n" },
		{ DIR_C2S, "BDAT x\r\n" },
		{ DIR_S2C, "501 bad\r\n" },
	};
	static const struct piece desync[] = {
		{ DIR_S2C, "220 hi\r\n" },
		{ DIR_C2S, "DATA\r\n" },
		{ DIR_S2C, "354 go\r\n" },
		{ DIR_C2S, "line1\r\n" },
		{ DIR_S2C, "554 5.3.4 too big\r\n" },
	};

	/* The chunk is octets, not commands, wherever it is cut. */
	expect_all_cuts(PROTO_SMTP, bdat, 5, LEVEL_STANDARD, CLOSE_FIN,
	    "0xAD10 A rc=0 BDAT 7 LAST||\n"
	    "0xAD11 A rc=0 BDAT 7 LAST|250|\n"
	    "! bad_bdat BDAT x\n"
	    "0xAD10 A rc=0 BDAT x||\n"
	    "0xAD11 A rc=9 BDAT x|501|javax.mail.SendFailedException\n", NULL);
	/* A reply in the middle of the message: trust the server. */
	expect_all_cuts(PROTO_SMTP, desync, 5, LEVEL_STANDARD, CLOSE_FIN,
	    "0xAD10 A rc=0 DATA||\n"
	    "0xAD11 A rc=0 DATA|354|\n"
	    "! reply_during_body \n"
	    "! reply_without_command 554 5.3.4 too big\n", NULL);
}

int
main(void)
{
	test_session();
	test_ehlo_seen();
	test_sasl_login();
	test_faults();
	test_starttls_injection();
	test_expected_codes();
	test_eager_sasl();
	test_reply_too_long();
	test_bdat_and_body_desync();
	return check_done();
}
