/*
 * SPDX-License-Identifier: BSD-2-Clause
 * test_pop3_model.c - the POP3 model over scripted conversations, fed
 * whole, one byte at a time and at random cuts: the records must not
 * depend on where the bytes were cut.
 */
#include "convrun.h"

static void
test_session(void)
{
	static const struct piece pc[] = {
		{ DIR_S2C, "+OK Dovecot ready. <1.2@host>\r\n" },
		{ DIR_C2S, "CAPA\r\n" },
		{ DIR_S2C, "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nSTLS\r\nSASL PLAIN LOGIN\r\n.\r\n" },
		{ DIR_C2S, "USER bob\r\n" },
		{ DIR_S2C, "+OK\r\n" },
		{ DIR_C2S, "PASS hunter2\r\n" },
		{ DIR_S2C, "+OK Logged in.\r\n" },
		{ DIR_C2S, "STAT\r\n" },
		{ DIR_S2C, "+OK 1 30\r\n" },
		{ DIR_C2S, "LIST 1\r\n" },
		{ DIR_S2C, "+OK 1 30\r\n" },
		{ DIR_C2S, "TOP 1 0\r\n" },
		{ DIR_S2C, "+OK\r\nSubject: x\r\n\r\n.\r\n" },
		{ DIR_C2S, "RETR 1\r\n" },
		{ DIR_S2C, "+OK 30 octets\r\nSubject: x\r\n\r\n..dot\r\n.\r\n" },
		{ DIR_C2S, "QUIT\r\n" },
		{ DIR_S2C, "+OK Bye\r\n" },
	};

	expect_all_cuts(PROTO_POP3, pc, sizeof(pc) / sizeof(pc[0]), LEVEL_ADVANCED, CLOSE_FIN,
	    "0xAD92 B rc=0 connect-mail-server||\n"
	    "0xAD93 B rc=0 connect-mail-server|+OK|\n"
	    "0xAD8E A rc=0 CAPA||\n"
	    "0xAD8F A rc=0 CAPA|+OK| bytes\n"
	    "0xAD8E A rc=0 USER bob||\n"
	    "0xAD8F A rc=0 USER bob|+OK|\n"
	    "0xAD90 B rc=0 PASS||\n"
	    "0xAD91 B rc=0 PASS|+OK|\n"
	    "0xAD90 B rc=0 STAT||\n"
	    "0xAD91 B rc=0 STAT|+OK|\n"
	    "0xAD90 B rc=0 LIST 1||\n"
	    "0xAD91 B rc=0 LIST 1|+OK|\n"
	    "0xAD90 B rc=0 TOP 1 0||\n"
	    "0xAD91 B rc=0 TOP 1 0|+OK| bytes\n"
	    "0xAD8E A rc=0 RETR 1||\n"
	    "0xAD8F A rc=0 RETR 1|+OK| bytes\n"
	    "0xAD90 B rc=0 QUIT||\n"
	    "0xAD91 B rc=0 QUIT|+OK|\n",
	    "15/1/0/0/0 12/1/0/0/44 0/1/0/0/0 1/1/0/0/0 4/1/0/0/0 5/1/0/0/0 "
	    "8/1/0/0/17 7/1/0/0/24 14/1/0/0/0 ");

	/* Standard level keeps the A events only. */
	expect_all_cuts(PROTO_POP3, pc, 9, LEVEL_STANDARD, CLOSE_FIN,
	    "0xAD8E A rc=0 CAPA||\n"
	    "0xAD8F A rc=0 CAPA|+OK| bytes\n"
	    "0xAD8E A rc=0 USER bob||\n"
	    "0xAD8F A rc=0 USER bob|+OK|\n", NULL);
}

static void
test_capa_seen(void)
{
	static const struct piece pc[] = {
		{ DIR_S2C, "+OK hi\r\n" },
		{ DIR_C2S, "CAPA\r\n" },
		{ DIR_S2C, "+OK\r\nSTLS\r\nSASL PLAIN CRAM-MD5\r\nTOP\r\n.\r\n" },
	};
	struct tracer	 tr;
	struct memsink	 ms;
	struct conv_env	 env;
	struct conv	*cv;
	size_t		 i;

	memsink_init(&ms);
	trace_init(&tr, LEVEL_ADVANCED, REC_PROBE);
	trace_add_sink(&tr, &ms.base);
	memset(&env, 0, sizeof(env));
	env.tr = &tr;
	cv = conv_new(PROTO_POP3, &env, 0, NULL);
	for (i = 0; i < 3; i++)
		conv_bytes(cv, pc[i].dir, (const uint8_t *)pc[i].bytes,
		    strlen(pc[i].bytes), 0);
	CHECK(conv_pop3_capa(cv)->seen);
	CHECK(conv_pop3_capa(cv)->stls);
	CHECK(conv_pop3_capa(cv)->top);
	CHECK(!conv_pop3_capa(cv)->uidl);
	CHECK_STR(conv_pop3_capa(cv)->sasl, "PLAIN CRAM-MD5");
	conv_free(cv);
}

static void
test_sasl_secrets(void)
{
	static const struct piece pc[] = {
		{ DIR_S2C, "+OK hi\r\n" },
		{ DIR_C2S, "AUTH PLAIN\r\n" },
		{ DIR_S2C, "+ \r\n" },
		{ DIR_C2S, "AGJvYgBodW50ZXIy\r\n" },
		{ DIR_S2C, "-ERR [AUTH] Authentication failed.\r\n" },
		{ DIR_C2S, "AUTH PLAIN AGJvYgBodW50ZXIy\r\n" },
		{ DIR_S2C, "+OK Logged in.\r\n" },
		{ DIR_C2S, "APOP bob c4c9334bac560ecc979e58001b3e22fb\r\n" },
		{ DIR_S2C, "-ERR no\r\n" },
	};

	expect_all_cuts(PROTO_POP3, pc, sizeof(pc) / sizeof(pc[0]), LEVEL_ADVANCED, CLOSE_FIN,
	    "0xAD92 B rc=0 connect-mail-server||\n"
	    "0xAD93 B rc=0 connect-mail-server|+OK|\n"
	    "0xAD8E A rc=0 AUTH PLAIN||\n"
	    "0xAD8F A rc=0 AUTH PLAIN|+|\n"
	    "0xAD90 B rc=0 AUTH DATA||\n"
	    "0xAD91 B rc=7 AUTH DATA|-ERR|javax.mail.AuthenticationFailedException\n"
	    "0xAD8E A rc=0 AUTH PLAIN||\n"
	    "0xAD8F A rc=0 AUTH PLAIN|+OK|\n"
	    "0xAD8E A rc=0 APOP bob||\n"
	    "0xAD8F A rc=7 APOP bob|-ERR|javax.mail.AuthenticationFailedException\n",
	    NULL);
}

/* A response sent with its AUTH line, and base64 out of any exchange. */
static void
test_eager_sasl(void)
{
	static const struct piece pc[] = {
		{ DIR_S2C, "+OK hi\r\n" },
		{ DIR_C2S, "AUTH PLAIN\r\nAGJvYgBodW50ZXIy\r\nQUIT\r\n" },
		{ DIR_S2C, "+ \r\n+OK Logged in.\r\n+OK bye\r\n" },
		{ DIR_C2S, "aHVudGVyMg==\r\n" },
	};
	struct memsink	ms;
	struct steps	st;
	unsigned	cut;

	for (cut = 0; cut < 12; cut++) {
		run(PROTO_POP3, pc, sizeof(pc) / sizeof(pc[0]), LEVEL_ADVANCED,
		    cut, CLOSE_FIN, &ms, &st);
		CHECK(strstr(ms.out, "AGJvYgBodW50ZXIy") == NULL);
		CHECK(strstr(ms.out, "aHVudGVyMg") == NULL);
		CHECK(strstr(ms.out, "AHVUDGVYMG") == NULL);
		CHECK(strstr(ms.out, "0xAD91 B rc=0 AUTH DATA|+OK|") != NULL);
		CHECK(strstr(ms.out, "0xAD91 B rc=0 QUIT|+OK|") != NULL);
		CHECK(strstr(ms.out, "! unknown_command unreadable command of 12 octets") != NULL);
	}
}

static void
test_faults(void)
{
	static const struct piece bad[] = {
		{ DIR_S2C, "garbage here\r\n" },
		{ DIR_S2C, "+OK late\r\n" },
		{ DIR_C2S, "RETR 1\r\n" },
		{ DIR_S2C, "+OK\r\nline\r\n" },
	};
	static const struct piece err[] = {
		{ DIR_S2C, "+OK hi\r\n" },
		{ DIR_C2S, "CAPA\r\n" },
		{ DIR_S2C, "-ERR no capa\r\n" },
		{ DIR_C2S, "RETR 9\r\n" },
		{ DIR_S2C, "-ERR no such message\r\n" },
		{ DIR_C2S, "STAT\r\n" },
		{ DIR_S2C, "+OK 1" },
	};

	/* A bad greeting, a reply with no command, a body cut off. */
	expect_all_cuts(PROTO_POP3, bad, 4, LEVEL_ADVANCED, CLOSE_FIN,
	    "0xAD92 B rc=0 connect-mail-server||\n"
	    "! bad_status garbage here\n"
	    "0xAD93 B rc=8 connect-mail-server|garb|javax.mail.MessagingException\n"
	    "! reply_without_command +OK late\n"
	    "0xAD8E A rc=0 RETR 1||\n"
	    "0xAD8F A rc=6 RETR 1|+OK|java.io.EOFException bytes\n"
	    "! body_unterminated RETR 1\n",
	    "15/4/8/0/0 7/1/6/8/6 ");
	/* -ERR to CAPA is no failure; to RETR it is; a cut status line. */
	expect_all_cuts(PROTO_POP3, err, 7, LEVEL_STANDARD, CLOSE_TIMEOUT,
	    "0xAD8E A rc=0 CAPA||\n"
	    "0xAD8F A rc=0 CAPA|-ERR|\n"
	    "0xAD8E A rc=0 RETR 9||\n"
	    "0xAD8F A rc=8 RETR 9|-ERR|javax.mail.MessagingException\n",
	    "15/1/0/0/0 12/2/0/0/0 7/2/8/0/0 4/0/2/0/0 ");
}

static void
test_stls_injection(void)
{
	static const struct piece inj[] = {
		{ DIR_S2C, "+OK hi\r\n" },
		{ DIR_C2S, "STLS\r\n" },
		{ DIR_S2C, "+OK Begin TLS\r\n-ERR injected\r\n" },
	};
	struct memsink	ms;
	struct steps	st;

	run(PROTO_POP3, inj, 3, LEVEL_STANDARD, 0, CLOSE_ABORT, &ms, &st);
	CHECK_STR(ms.out,
	    "0xAD8E A rc=0 STLS||\n"
	    "! plaintext_after_stls 15 octets after the STLS reply, before the TLS handshake\n"
	    "0xAD8F A rc=0 STLS|+OK|\n");
	CHECK_STR(st.log, "15/1/0/0/0 13/1/0/1/0 ");
}

static void
test_body_limit(void)
{
	static char	big[6000];
	struct piece	pc[3];
	struct memsink	ms;
	struct steps	st;

	memset(big, 'x', sizeof(big));
	memcpy(big, "+OK\r\n", 5);
	big[sizeof(big) - 3] = '\r';
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	pc[0].dir = DIR_S2C;
	pc[0].bytes = "+OK\r\n";
	pc[1].dir = DIR_C2S;
	pc[1].bytes = "RETR 1\r\n";
	pc[2].dir = DIR_S2C;
	pc[2].bytes = big;
	run(PROTO_POP3, pc, 3, LEVEL_STANDARD, 0, CLOSE_ABORT, &ms, &st);
	CHECK_STR(ms.out,
	    "0xAD8E A rc=0 RETR 1||\n"
	    "0xAD8F A rc=8 RETR 1|+OK|javax.mail.MessagingException bytes\n"
	    "! body_too_large RETR 1: over 4096 octets\n");
}

int
main(void)
{
	test_session();
	test_capa_seen();
	test_sasl_secrets();
	test_faults();
	test_eager_sasl();
	test_stls_injection();
	test_body_limit();
	return check_done();
}
