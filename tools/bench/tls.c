/*
 * SPDX-License-Identifier: BSD-2-Clause
 * tls.c - the TLS layer's decryption speed against OpenSSL's own EVP AEAD
 * on the same records (docs/benchmarks.md; run by hand, not a test).
 *
 * usage: bench_tls [MiB]   (default 64)
 *
 * For each suite, OpenSSL writes a real transcript (tests/unit/tlsgen.h)
 * whose server sends MiB of application data; then, best of 5:
 *   layer: tls_conn_bytes() over the whole transcript, both directions,
 *          chunks as sent, with the key log (framing, copying, handshake,
 *          key schedule, AEAD, callbacks);
 *   evp:   for each of the server's protected records, the AEAD calls
 *          alone (nonce, AAD, decrypt in place, tag) on a copy, keyed
 *          once.  Authentication fails there (a fixed key), which costs
 *          what success costs.
 * and prints MiB/s of each and the ratio layer/evp in time.
 */
#include "tls.h"
#include "tlsgen.h"

#include <time.h>

static uint64_t	got_plain;

static void
on_plain(void *arg, enum tls_dir d, const uint8_t *p, size_t n, mt_time t)
{
	(void)arg;
	(void)p;
	(void)t;
	if (d == TLS_S2C)
		got_plain += n;
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
run_layer(const struct tg *g, const struct tls_keylog *kl)
{
	struct tls_conn_env	 env;
	struct tls_conn		*c;
	double			 t0;
	size_t			 i;

	memset(&env, 0, sizeof(env));
	env.plain = on_plain;
	env.keys = kl;
	got_plain = 0;
	t0 = now();
	c = tls_conn_new(&env, NULL);
	for (i = 0; i < g->nch; i++)
		tls_conn_bytes(c, (enum tls_dir)g->ch[i].dir, g->bytes +
		    g->ch[i].off, g->ch[i].len, 0);
	tls_conn_free(c);
	return now() - t0;
}

static double
run_evp(const struct tg *g, const struct tg_rec *r, size_t nr,
    const EVP_CIPHER *ciph, bool explicit_nonce, uint8_t *buf)
{
	static const uint8_t	 key[32], iv[12];
	EVP_CIPHER_CTX		*cx = EVP_CIPHER_CTX_new();
	uint8_t			 nonce[12], aad[13];
	double			 t0;
	size_t			 i, ct;
	int			 ol;

	t0 = now();
	EVP_DecryptInit_ex2(cx, ciph, key, NULL, NULL);
	for (i = 0; i < nr; i++) {
		if (r[i].dir != 1 || r[i].type != 23 || r[i].len < 24)
			continue;
		memcpy(buf, g->bytes + r[i].off + 5, r[i].len);
		memcpy(nonce, iv, 12);
		nonce[11] ^= (uint8_t)i;
		memcpy(aad, g->bytes + r[i].off, 5);
		ct = r[i].len - 16 - (explicit_nonce ? 8 : 0);
		EVP_DecryptInit_ex2(cx, NULL, NULL, nonce, NULL);
		EVP_DecryptUpdate(cx, NULL, &ol, aad, explicit_nonce ? 13 : 5);
		EVP_DecryptUpdate(cx, buf, &ol, buf + (explicit_nonce ? 8 : 0),
		    (int)ct);
		EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_AEAD_SET_TAG, 16, buf + ct);
		(void)EVP_DecryptFinal_ex(cx, buf + ol, &ol);
	}
	EVP_CIPHER_CTX_free(cx);
	return now() - t0;
}

int
main(int argc, char **argv)
{
	static const struct {
		int		 version;
		const char	*name;
		const char	*evp;
		bool		 explicit_nonce;
	} cases[] = {
		{ TLS1_3_VERSION, "TLS_AES_128_GCM_SHA256", "AES-128-GCM", 0 },
		{ TLS1_3_VERSION, "TLS_AES_256_GCM_SHA384", "AES-256-GCM", 0 },
		{ TLS1_3_VERSION, "TLS_CHACHA20_POLY1305_SHA256",
		    "ChaCha20-Poly1305", 0 },
		{ TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256", "AES-128-GCM",
		    1 },
		{ TLS1_2_VERSION, "ECDHE-ECDSA-CHACHA20-POLY1305",
		    "ChaCha20-Poly1305", 0 },
	};
	static struct tg_rec	 recs[1 << 20];
	struct tg		 g;
	struct tg_opt		 o;
	struct tls_keylog	*kl;
	EVP_CIPHER		*ciph;
	uint8_t			*buf = malloc(1 << 16);
	size_t			 mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 64;
	size_t			 i, nr;
	double			 tl, te, best_l, best_e;
	int			 k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&o, 0, sizeof(o));
		o.version = cases[i].version;
		if (o.version == TLS1_3_VERSION)
			o.suites = cases[i].name;
		else
			o.ciphers = cases[i].name;
		o.app = 1000;
		o.app_s2c = mib << 20;
		tg_make(&g, &o);
		if (!g.ok)
			tg_die(cases[i].name);
		kl = tls_keylog_new(NULL);
		tls_keylog_add_text(kl, g.keylog, g.klen, "bench", NULL);
		nr = tg_records(&g, recs, sizeof(recs) / sizeof(recs[0]));
		ciph = EVP_CIPHER_fetch(NULL, cases[i].evp, NULL);
		best_l = best_e = 1e9;
		for (k = 0; k < 5; k++) {
			tl = run_layer(&g, kl);
			te = run_evp(&g, recs, nr, ciph,
			    cases[i].explicit_nonce, buf);
			best_l = tl < best_l ? tl : best_l;
			best_e = te < best_e ? te : best_e;
		}
		if (got_plain != g.nsent[1])
			tg_die("decryption");
		printf("%-30s %zu MiB: layer %7.0f MiB/s, evp %7.0f MiB/s, "
		    "ratio %.3f\n", cases[i].name, mib, (double)mib / best_l,
		    (double)mib / best_e, best_l / best_e);
		EVP_CIPHER_free(ciph);
		tls_keylog_free(kl);
		tg_free(&g);
	}
	free(buf);
	return 0;
}
