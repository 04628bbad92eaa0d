/*
 * SPDX-License-Identifier: BSD-2-Clause
 * crypt.c - every cryptographic step of the TLS layer, each one OpenSSL's:
 * EVP AEAD ciphers, EVP_KDF "TLS13-KDF" and "TLS1-PRF".  Nothing here is
 * hand-written cryptography; this file only wires parameters.
 */
#include "tls.h"
#include "tls_int.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

static const struct tls_suite suites[] = {
	/* TLS 1.3 (RFC 8446 B.4) */
	{ 0x1301, TLS_V13, TLS_AES128GCM, "SHA256", 16, 32, 12, 0 },
	{ 0x1302, TLS_V13, TLS_AES256GCM, "SHA384", 32, 48, 12, 0 },
	{ 0x1303, TLS_V13, TLS_CHACHA, "SHA256", 32, 32, 12, 0 },
	/* TLS 1.2 AES-GCM (RFC 5289, 5288) */
	{ 0xC02B, TLS_V12, TLS_AES128GCM, "SHA256", 16, 0, 4, 8 },
	{ 0xC02F, TLS_V12, TLS_AES128GCM, "SHA256", 16, 0, 4, 8 },
	{ 0xC02C, TLS_V12, TLS_AES256GCM, "SHA384", 32, 0, 4, 8 },
	{ 0xC030, TLS_V12, TLS_AES256GCM, "SHA384", 32, 0, 4, 8 },
	{ 0x009E, TLS_V12, TLS_AES128GCM, "SHA256", 16, 0, 4, 8 },
	{ 0x009F, TLS_V12, TLS_AES256GCM, "SHA384", 32, 0, 4, 8 },
	{ 0x009C, TLS_V12, TLS_AES128GCM, "SHA256", 16, 0, 4, 8 },
	{ 0x009D, TLS_V12, TLS_AES256GCM, "SHA384", 32, 0, 4, 8 },
	/* TLS 1.2 ChaCha20-Poly1305 (RFC 7905) */
	{ 0xCCA8, TLS_V12, TLS_CHACHA, "SHA256", 32, 0, 12, 0 },
	{ 0xCCA9, TLS_V12, TLS_CHACHA, "SHA256", 32, 0, 12, 0 },
	{ 0xCCAA, TLS_V12, TLS_CHACHA, "SHA256", 32, 0, 12, 0 },
};
#define NSUITES	(sizeof(suites) / sizeof(suites[0]))

static const char *const alg_names[TLS_AEAD__COUNT] = {
	"AES-128-GCM", "AES-256-GCM", "ChaCha20-Poly1305"
};

/* Fetched once a process (OpenSSL 3 "explicit fetching"): no lookup per key. */
static CRYPTO_ONCE	 fetch_once = CRYPTO_ONCE_STATIC_INIT;
static EVP_CIPHER	*ciphers[TLS_AEAD__COUNT];
static EVP_KDF		*kdf13, *kdf12;

static void
fetch(void)
{
	int	i;

	for (i = 0; i < TLS_AEAD__COUNT; i++)
		ciphers[i] = EVP_CIPHER_fetch(NULL, alg_names[i], NULL);
	kdf13 = EVP_KDF_fetch(NULL, "TLS13-KDF", NULL);
	kdf12 = EVP_KDF_fetch(NULL, "TLS1-PRF", NULL);
}

static bool
fetched(void)
{
	return CRYPTO_THREAD_run_once(&fetch_once, fetch) == 1;
}

const struct tls_suite *
tls_suite_find(uint16_t version, uint16_t id)
{
	size_t	i;

	for (i = 0; i < NSUITES; i++)
		if (suites[i].id == id && suites[i].version == version)
			return &suites[i];
	return NULL;
}

bool
tls_suite_supported(uint16_t version, uint16_t suite)
{
	return tls_suite_find(version, suite) != NULL;
}

int
tls13_expand(const struct tls_suite *s, const uint8_t *secret, size_t seclen,
    const char *label, uint8_t *out, size_t outlen)
{
	EVP_KDF_CTX	*k;
	OSSL_PARAM	 p[6];
	int		 mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY, rc;
	static char	 prefix[] = "tls13 ";

	if (!fetched() || kdf13 == NULL || (k = EVP_KDF_CTX_new(kdf13)) == NULL)
		return -1;
	p[0] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	p[1] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)(uintptr_t)s->md, 0);
	p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)(uintptr_t)secret, seclen);
	p[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PREFIX,
	    prefix, sizeof(prefix) - 1);
	p[4] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_LABEL,
	    (void *)(uintptr_t)label, strlen(label));
	p[5] = OSSL_PARAM_construct_end();
	rc = EVP_KDF_derive(k, out, outlen, p) == 1 ? 0 : -1;
	EVP_KDF_CTX_free(k);
	return rc;
}

int
tls12_key_block(const struct tls_suite *s, const uint8_t master[48],
    const uint8_t crandom[32], const uint8_t srandom[32], uint8_t *out,
    size_t outlen)
{
	EVP_KDF_CTX	*k;
	OSSL_PARAM	 p[4];
	uint8_t		 seed[13 + 64];
	int		 rc;

	if (!fetched() || kdf12 == NULL || (k = EVP_KDF_CTX_new(kdf12)) == NULL)
		return -1;
	/* RFC 5246 6.3: PRF(master, "key expansion", server + client random) */
	memcpy(seed, "key expansion", 13);
	memcpy(seed + 13, srandom, 32);
	memcpy(seed + 45, crandom, 32);
	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)(uintptr_t)s->md, 0);
	p[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET,
	    (void *)(uintptr_t)master, 48);
	p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, seed,
	    sizeof(seed));
	p[3] = OSSL_PARAM_construct_end();
	rc = EVP_KDF_derive(k, out, outlen, p) == 1 ? 0 : -1;
	EVP_KDF_CTX_free(k);
	return rc;
}

int
tls_aead_key(struct tls_aead *a, const struct tls_suite *s, const uint8_t *key,
    const uint8_t *iv, size_t ivlen)
{
	if (!fetched() || ciphers[s->alg] == NULL || ivlen > TLS_NONCE)
		return -1;
	if (a->cx == NULL && (a->cx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	if (EVP_DecryptInit_ex2(a->cx, ciphers[s->alg], key, NULL, NULL) != 1)
		return -1;
	memset(a->iv, 0, sizeof(a->iv));
	memcpy(a->iv, iv, ivlen);
	a->s = s;
	a->seq = 0;
	return 0;
}

int
tls13_key(struct tls_aead *a, const struct tls_suite *s, const uint8_t *secret,
    size_t seclen)
{
	uint8_t	key[32], iv[TLS_NONCE];
	int	rc;

	if (tls13_expand(s, secret, seclen, "key", key, s->keylen) != 0 ||
	    tls13_expand(s, secret, seclen, "iv", iv, sizeof(iv)) != 0)
		return -1;
	rc = tls_aead_key(a, s, key, iv, sizeof(iv));
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

int
tls_aead_begin(struct tls_aead *a, const uint8_t nonce[TLS_NONCE],
    const uint8_t *aad, size_t aadlen)
{
	int	ol = 0;

	if (a->cx == NULL)
		return -1;
	if (EVP_DecryptInit_ex2(a->cx, NULL, NULL, nonce, NULL) != 1 ||
	    EVP_DecryptUpdate(a->cx, NULL, &ol, aad, (int)aadlen) != 1)
		return -1;
	return 0;
}

int
tls_aead_update(struct tls_aead *a, uint8_t *out, const uint8_t *in, size_t n)
{
	int	ol = 0;

	if (n == 0)
		return 0;
	if (n > INT32_MAX ||
	    EVP_DecryptUpdate(a->cx, out, &ol, in, (int)n) != 1 ||
	    (size_t)ol != n)
		return -1;
	return 0;
}

int
tls_aead_finish(struct tls_aead *a, uint8_t *tag)
{
	OSSL_PARAM	p[2];
	uint8_t		end[16];
	int		fl = 0;

	/* the parameter itself: EVP_CIPHER_CTX_ctrl() would translate to it */
	p[0] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
	    tag, TLS_TAG);
	p[1] = OSSL_PARAM_construct_end();
	if (EVP_CIPHER_CTX_set_params(a->cx, p) != 1)
		return -1;
	return EVP_DecryptFinal_ex(a->cx, end, &fl) == 1 && fl == 0 ? 0 : -1;
}

int
tls_aead_open(struct tls_aead *a, const uint8_t nonce[TLS_NONCE],
    const uint8_t *aad, size_t aadlen, uint8_t *ct, size_t ctlen,
    uint8_t *tag)
{
	if (tls_aead_begin(a, nonce, aad, aadlen) != 0 ||
	    tls_aead_update(a, ct, ct, ctlen) != 0)
		return -1;
	return tls_aead_finish(a, tag);
}

void
tls_aead_clear(struct tls_aead *a)
{
	EVP_CIPHER_CTX_free(a->cx);
	memset(a, 0, sizeof(*a));
}
