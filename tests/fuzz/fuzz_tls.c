/*
 * SPDX-License-Identifier: BSD-2-Clause
 * fuzz_tls.c - the TLS layer's record path (src/tls) fed arbitrary
 * streams: the key log parser, tls_conn_bytes() / tls_conn_gap() /
 * tls_conn_end(), with callbacks that check what they are given.
 *
 * LLVMFuzzerTestOneInput() is the libFuzzer entry (build with
 * -fsanitize=fuzzer and -DMT_FUZZ_LIBFUZZER; CMake option MT_FUZZ).
 * Without libFuzzer, main() replays the files given as arguments, then
 * mutates each of them with a fixed-seed generator (flipped bytes, record
 * and handshake headers with extreme lengths, cuts, splits, gaps), so CI
 * exercises the path under ASan/UBSan.
 *
 * Input: byte 0: bit 0, decrypt with the key log that follows (else no
 * keys); bit 1, a shared byte budget of 4096 bytes.  Bytes 1-2: the key
 * log's length L (big-endian), then its L bytes.  Then chunks: a 2-byte
 * big-endian header (bit 15: server to client; low 15 bits: the length,
 * its bytes follow, cut at the end of the input; 0x7fff: a gap of as many
 * bytes as the next 2 bytes say).  At the end both directions end.
 * tests/unit/test_tls --seeds DIR writes seeds from real transcripts.
 */
#include "tls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint64_t	nplain, nanom;

static void
check_str(const char *s, size_t sz)
{
	size_t	i;

	for (i = 0; i < sz && s[i] != '\0'; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			abort();		/* not printable */
	if (i == sz)
		abort();			/* not terminated */
}

static void
f_plain(void *arg, enum tls_dir d, const uint8_t *p, size_t n, mt_time t)
{
	(void)arg;
	(void)t;
	if ((d != TLS_C2S && d != TLS_S2C) || n == 0 || n > MT_TLS_REC12_HARD)
		abort();
	nplain += p[0] + p[n - 1];
}

static void
f_an(void *arg, enum an a, const char *detail, mt_time t)
{
	(void)arg;
	(void)t;
	if (a == AN_NONE || a >= AN__COUNT)
		abort();
	check_str(detail, MT_FIELD_HARD);
	nanom++;
}

static void
f_ch(void *arg, const struct tls_client_hello *h, mt_time t)
{
	(void)arg;
	(void)t;
	check_str(h->sni, sizeof(h->sni));
	if (h->nversions > MT_TLS_LIST_HARD)
		abort();
}

static void
f_cert(void *arg, const struct tls_cert *c, mt_time t)
{
	(void)arg;
	(void)t;
	check_str(c->subject, sizeof(c->subject));
	check_str(c->issuer, sizeof(c->issuer));
	check_str(c->serial, sizeof(c->serial));
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct tls_conn_env	 env;
	struct tls_keylog	*kl = NULL;
	struct tls_conn		*c;
	struct mt_budget	 b;
	struct mt_acct		 acct;
	struct tls_dir_stats	 st;
	size_t			 i = 3, len, kll;
	unsigned		 hdr;
	mt_time			 t = 0;
	int			 dir;

	if (n < 3)
		return 0;
	kll = (size_t)d[1] << 8 | d[2];
	if (kll > n - 3)
		kll = n - 3;
	memset(&env, 0, sizeof(env));
	if (d[0] & 1) {
		if ((kl = tls_keylog_new(NULL)) == NULL)
			return 0;
		(void)tls_keylog_add_text(kl, (const char *)d + 3, kll, "fuzz",
		    NULL);
		env.keys = kl;
	}
	i += kll;
	mt_budget_init(&b, 4096);
	acct.b = &b;
	acct.held = 0;
	if (d[0] & 2)
		env.acct = &acct;
	env.plain = f_plain;
	env.anomaly = f_an;
	env.client_hello = f_ch;
	env.certificate = f_cert;
	if ((c = tls_conn_new(&env, NULL)) == NULL) {
		tls_keylog_free(kl);
		return 0;
	}
	while (i + 2 <= n) {
		hdr = (unsigned)d[i] << 8 | d[i + 1];
		i += 2;
		dir = hdr & 0x8000 ? TLS_S2C : TLS_C2S;
		len = hdr & 0x7fff;
		t += 1000;
		if (len == 0x7fff) {
			if (i + 2 > n)
				break;
			tls_conn_gap(c, (enum tls_dir)dir,
			    (uint64_t)d[i] << 8 | d[i + 1], t);
			i += 2;
			continue;
		}
		if (len > n - i)
			len = n - i;
		tls_conn_bytes(c, (enum tls_dir)dir, d + i, len, t);
		i += len;
	}
	tls_conn_end(c, TLS_C2S, t);
	tls_conn_end(c, TLS_S2C, t);
	for (dir = 0; dir < 2; dir++) {
		tls_conn_stats(c, (enum tls_dir)dir, &st);
		if (st.held > (size_t)MT_TLS_REC12_HARD + MT_TLS_HS_HARD)
			abort();		/* more than one record and message */
	}
	tls_conn_free(c);
	if (b.used != 0 || acct.held != 0)
		abort();			/* a byte not given back */
	tls_keylog_free(kl);
	return 0;
}

#ifndef MT_FUZZ_LIBFUZZER
static uint32_t	rng = 12345;

static uint32_t
rnd(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

/* The key log part of in, and where its chunks start. */
static size_t
chunks_at(const uint8_t *in, size_t n)
{
	size_t	kll;

	if (n < 3)
		return n;
	kll = (size_t)in[1] << 8 | in[2];
	return 3 + kll < n ? 3 + kll : n;
}

/* One mutation of in[0..n) into out; returns its length. */
static size_t
mutate(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	static const uint8_t	pieces[][9] = {
		{ 0, 5, 22, 3, 3, 0xff, 0xff, 1, 0 },	/* hs, 64K record */
		{ 0, 5, 23, 3, 3, 0x40, 0x01, 0, 0 },	/* 2^14 + 1 */
		{ 0, 4, 1, 0xff, 0xff, 0xff, 0, 0, 0 },	/* 16M ClientHello */
		{ 0, 4, 11, 0, 0x01, 0, 0, 0, 0 },	/* Certificate */
		{ 0x7f, 0xff, 0, 17, 0, 0, 0, 0, 0 },	/* a gap */
		{ 0, 2, 20, 1, 0, 0, 0, 0, 0 },		/* CCS */
		{ 0x80, 2, 21, 2, 0, 0, 0, 0, 0 },	/* alert */
		{ 0, 6, 24, 3, 3, 0, 1, 1, 0 },		/* KeyUpdate? */
	};
	size_t			 start = chunks_at(in, n), k, m, at;

	if (n > cap)
		n = cap;
	memcpy(out, in, n);
	switch (rnd() % 6) {
	case 0:				/* flip bytes past the key log */
		for (k = rnd() % 8 + 1; k > 0 && n > start; k--)
			out[start + rnd() % (n - start)] ^= (uint8_t)(1 <<
			    rnd() % 8);
		break;
	case 1:				/* cut */
		if (n > start)
			n = start + rnd() % (n - start);
		break;
	case 2:				/* insert a piece */
		m = sizeof(pieces[0]);
		if (n + m > cap || n <= start)
			break;
		at = start + rnd() % (n - start);
		memmove(out + at + m, out + at, n - at);
		memcpy(out + at, pieces[rnd() % 8], m);
		n += m;
		break;
	case 3:				/* flip the flags */
		out[0] ^= (uint8_t)(rnd() % 4);
		break;
	case 4:				/* damage the key log */
		if (start > 3)
			out[3 + rnd() % (start - 3)] ^= (uint8_t)(1 << rnd() % 8);
		break;
	default:			/* a byte of a chunk header, any value */
		if (n > start + 2)
			out[start + rnd() % 2] = (uint8_t)rnd();
		break;
	}
	return n;
}

int
main(int argc, char **argv)
{
	static uint8_t	 buf[1 << 20], out[(1 << 20) + 64];
	static size_t	 lens[256];
	static uint8_t	*files[256];
	unsigned	 rounds = 1000, r;
	int		 i, nfiles = 0;
	const char	*e;

	if ((e = getenv("MT_FUZZ_ROUNDS")) != NULL)
		rounds = (unsigned)strtoul(e, NULL, 10);
	for (i = 1; i < argc && nfiles < 256; i++) {
		FILE	*fp = fopen(argv[i], "rb");
		size_t	 n;

		if (fp == NULL) {
			perror(argv[i]);
			return 1;
		}
		n = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		LLVMFuzzerTestOneInput(buf, n);
		if ((files[nfiles] = malloc(n > 0 ? n : 1)) == NULL)
			return 1;
		memcpy(files[nfiles], buf, n);
		lens[nfiles++] = n;
	}
	for (i = 0; i < nfiles; i++) {
		for (r = 0; r < rounds; r++)
			LLVMFuzzerTestOneInput(out, mutate(files[i], lens[i],
			    out, sizeof(out)));
		free(files[i]);
	}
	printf("fuzz_tls: %d files, %u mutations each (%llu anomalies), no "
	    "failure\n", nfiles, rounds, (unsigned long long)nanom);
	printf("1 passed, 0 failed\n");
	return 0;
}
#endif
