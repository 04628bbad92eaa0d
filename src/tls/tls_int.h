/*
 * tls_int.h - inside the TLS layer: the suites it decrypts and the
 * OpenSSL primitives it calls (crypt.c).  Not for other parts.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_TLS_TLS_INT_H
#define MT_TLS_TLS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define TLS_TAG		16	/* every AEAD here: a 16-byte tag */
#define TLS_NONCE	12

enum tls_aead_alg {
	TLS_AES128GCM,
	TLS_AES256GCM,
	TLS_CHACHA,
	TLS_AEAD__COUNT
};

/* A suite this layer decrypts (RFC 8446 B.4; RFC 5288, 5289, 7905). */
struct tls_suite {
	uint16_t		 id;
	uint16_t		 version;	/* TLS_V13 or TLS_V12 */
	enum tls_aead_alg	 alg;
	const char		*md;		/* the PRF / HKDF hash */
	uint8_t			 keylen;
	uint8_t			 hashlen;	/* TLS 1.3: the traffic secrets' */
	uint8_t			 ivlen;		/* TLS 1.2 key block: 4 (GCM
						   salt) or 12; TLS 1.3: 12 */
	uint8_t			 explicit_nonce; /* TLS 1.2 GCM: 8 */
};

/* One direction's AEAD state: a keyed context, its IV, the sequence. */
struct tls_aead {
	EVP_CIPHER_CTX		*cx;
	const struct tls_suite	*s;
	uint8_t			 iv[TLS_NONCE];
	uint64_t		 seq;
};

const struct tls_suite	*tls_suite_find(uint16_t version, uint16_t id);

/* TLS 1.3 HKDF-Expand-Label(secret, label, "", outlen) (RFC 8446 7.1),
 * through EVP_KDF "TLS13-KDF" in expand-only mode. */
int	tls13_expand(const struct tls_suite *, const uint8_t *secret,
	    size_t seclen, const char *label, uint8_t *out, size_t outlen);
/* Key a with a TLS 1.3 traffic secret ("key", "iv"); sequence 0. */
int	tls13_key(struct tls_aead *, const struct tls_suite *,
	    const uint8_t *secret, size_t seclen);
/* The TLS 1.2 key block (RFC 5246 6.3) through EVP_KDF "TLS1-PRF". */
int	tls12_key_block(const struct tls_suite *, const uint8_t master[48],
	    const uint8_t crandom[32], const uint8_t srandom[32], uint8_t *out,
	    size_t outlen);
/* Key a with key and iv (ivlen of them); sequence 0. */
int	tls_aead_key(struct tls_aead *, const struct tls_suite *,
	    const uint8_t *key, const uint8_t *iv, size_t ivlen);
/*
 * Open ct[0..ctlen) in place with its tag at tag, nonce and aad: 0 when
 * it authenticates, -1 otherwise.
 */
int	tls_aead_open(struct tls_aead *, const uint8_t nonce[TLS_NONCE],
	    const uint8_t *aad, size_t aadlen, uint8_t *ct, size_t ctlen,
	    uint8_t *tag);
/*
 * The same in pieces, for a record decrypted as its bytes come (conn.c):
 * begin with the nonce and aad, update with each piece of ciphertext
 * (out may be in), finish with the tag: 0 when it authenticates.  The
 * plaintext is not to be used before finish said so.
 */
int	tls_aead_begin(struct tls_aead *, const uint8_t nonce[TLS_NONCE],
	    const uint8_t *aad, size_t aadlen);
int	tls_aead_update(struct tls_aead *, uint8_t *out, const uint8_t *in,
	    size_t n);
int	tls_aead_finish(struct tls_aead *, uint8_t *tag);
void	tls_aead_clear(struct tls_aead *);

struct tls_client_hello;
struct tls_server_hello;
struct tls_cert;

/* Handshake message bodies (hello.c): 0, or -1 when malformed. */
int	tls_parse_client_hello(const uint8_t *, size_t,
	    struct tls_client_hello *);
int	tls_parse_server_hello(const uint8_t *, size_t,
	    struct tls_server_hello *);
/*
 * A TLS 1.3 EncryptedExtensions (RFC 8446 4.3.1): *early is true when it
 * has the early_data extension, i.e. the server accepted the client's
 * 0-RTT data (4.2.10).
 */
int	tls_parse_encrypted_extensions(const uint8_t *, size_t, bool *early);
/*
 * A TLS 1.2 ServerKeyExchange of an ECDHE suite (RFC 8422 5.4): its named
 * curve in *group (0: an explicit curve, not named); -1 when too short.
 */
int	tls_parse_server_key_exchange(const uint8_t *, size_t, uint16_t *group);
/* The suite's key exchange is ECDHE (OpenSSL's SSL_CIPHER_get_kx_nid()). */
bool	tls_suite_ecdhe(uint16_t suite);
/*
 * A Certificate message's leaf (RFC 5246 7.4.2; RFC 8446 4.4.2 when
 * tls13), from its first n bytes (the message may have been longer than
 * what was kept: only its chain length is then a lower bound).
 */
int	tls_parse_certificate(const uint8_t *, size_t, bool tls13,
	    struct tls_cert *);

#endif
