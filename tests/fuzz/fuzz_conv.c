/*
 * SPDX-License-Identifier: BSD-2-Clause
 * fuzz_conv.c - the protocol model fed arbitrary conversations.
 *
 * LLVMFuzzerTestOneInput() is the libFuzzer entry (build with
 * -fsanitize=fuzzer and -DMT_FUZZ_LIBFUZZER).  Without libFuzzer, main()
 * replays files given as arguments, then runs a fixed-seed generator of
 * protocol-shaped inputs, so CI exercises the model under ASan/UBSan
 * without libFuzzer.
 *
 * Input: byte 0 picks the protocol and level; then control bytes: high bit
 * = direction, low 7 bits = chunk length, the chunk follows.
 */
#include "conv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
on_step(void *arg, const struct step *s)
{
	(void)arg;
	(void)s;
}

static void
on_line(void *arg, int cmd, const char *t, size_t n)
{
	(void)arg;
	(void)cmd;
	if (n > 0 && t[0] == '\0' && t[n - 1] == '\0')	/* touch the bytes */
		(void)t;
}

static int
null_rec(struct sink *s, const struct trace_rec *r, struct mt_err *err)
{
	(void)s;
	(void)err;
	/* Records must stay NUL-terminated, printable text. */
	if (strlen(r->intf) >= sizeof(r->intf) || strlen(r->opr) >=
	    sizeof(r->opr))
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct sink	 sk = { null_rec, NULL, NULL };
	struct tracer	 tr;
	struct conv_env	 env;
	struct conv	*cv;
	size_t		 i = 1, len;

	if (n == 0)
		return 0;
	trace_init(&tr, d[0] & 2 ? LEVEL_ADVANCED : LEVEL_STANDARD,
	    REC_PCAP);
	trace_add_sink(&tr, &sk);
	memset(&env, 0, sizeof(env));
	env.tr = &tr;
	env.on_step = on_step;
	env.on_line = on_line;
	env.max_body = 4096;
	if ((cv = conv_new(d[0] & 1 ? PROTO_SMTP : PROTO_POP3, &env, 0,
	    NULL)) == NULL)
		return 0;
	while (i < n) {
		enum dir dir = d[i] & 0x80 ? DIR_S2C : DIR_C2S;

		len = d[i++] & 0x7f;
		if (len > n - i)
			len = n - i;
		if (d[i - 1] == 0x7f && i < n)
			conv_gap(cv, dir, d[i], (mt_time)i);
		else if (d[i - 1] == 0xff)
			conv_tls(cv, (mt_time)i);
		else
			conv_bytes(cv, dir, d + i, len, (mt_time)i);
		i += len;
	}
	conv_close(cv, (enum close_why)(d[0] >> 5 & 3), (mt_time)n);
	conv_free(cv);
	return 0;
}

#ifndef MT_FUZZ_LIBFUZZER
/* Pieces that steer the generator into the interesting states. */
static const char *const pieces[] = {
	"+OK hi <1.2@x>\r\n", "-ERR no\r\n", "+ \r\n", "+OK\r\n", ".\r\n",
	"..x\r\n", "\r\n", "\n", "\r", ".\n", "CAPA\r\n", "USER u\r\n",
	"PASS p\r\n", "AUTH PLAIN\r\n", "STLS\r\n", "RETR 1\r\n", "TOP 1 0\r\n",
	"LIST\r\n", "UIDL 1\r\n", "QUIT\r\n", "220 x\r\n", "250-a\r\n",
	"250 b\r\n", "251 c\r\n", "334 \r\n", "354 go\r\n", "EHLO x\r\n",
	"STARTTLS\r\n", "AUTH LOGIN\r\n", "DATA\r\n", "BDAT 3 LAST\r\n",
	"BDAT 99999999999999999999\r\n", "MAIL FROM:<>\r\n", "*\r\n",
	"\x00\x01\xff", "garbage", "5", "2", "-",
};

static void
gen_run(unsigned seed, unsigned rounds)
{
	uint8_t		buf[4096];
	unsigned	r;

	for (r = 0; r < rounds; r++) {
		size_t	n = 1;

		seed = seed * 1103515245u + 12345u;
		buf[0] = (uint8_t)(seed >> 16);
		while (n < sizeof(buf) - 200) {
			const char	*p;
			size_t		 pl;

			seed = seed * 1103515245u + 12345u;
			if ((seed >> 16) % 23 == 0)
				break;
			p = pieces[(seed >> 8) % (sizeof(pieces) /
			    sizeof(pieces[0]))];
			pl = strlen(p) ? strlen(p) : 1;
			buf[n++] = (uint8_t)(((seed >> 4) & 0x80) | (pl & 0x7f));
			memcpy(buf + n, p, pl);
			n += pl;
		}
		LLVMFuzzerTestOneInput(buf, n);
		/* and the same bytes as pure noise */
		LLVMFuzzerTestOneInput(buf + 1, n - 1);
	}
}

int
main(int argc, char **argv)
{
	static uint8_t	buf[1 << 20];
	int		i;

	for (i = 1; i < argc; i++) {
		FILE	*fp = fopen(argv[i], "rb");
		size_t	 n;

		if (fp == NULL) {
			perror(argv[i]);
			return 1;
		}
		n = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		LLVMFuzzerTestOneInput(buf, n);
	}
	gen_run(1, 5000);
	printf("fuzz_conv: %d files and 10000 generated inputs, no failure\n",
	    argc - 1);
	printf("1 passed, 0 failed\n");
	return 0;
}
#endif
