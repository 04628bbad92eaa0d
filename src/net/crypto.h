/*
 * crypto.h - base64 and the two digests the mail protocols need, so that
 * OpenSSL stays inside net/.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * All functions are pure: they read their inputs during the call only, write
 * only into the caller's buffers, keep no state, and wipe their own
 * intermediate buffers (inputs may be secrets).  Thread-safe.
 */
#ifndef MT_NET_CRYPTO_H
#define MT_NET_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes net_b64_encode() needs for n input bytes, with the NUL. */
#define NET_B64_ENCLEN(n)	((((n) + 2) / 3) * 4 + 1)

/*
 * Base64-encode (RFC 4648 4, with padding, no line breaks) n bytes of in
 * into out, NUL-terminated.  in may be NULL when n is 0.  Returns false, with
 * out set to "" when outsz > 0, if the result does not fit in outsz bytes.
 */
bool	net_b64_encode(const uint8_t *in, size_t n, char *out, size_t outsz);

/*
 * Base64-decode n characters of in (not necessarily NUL-terminated) into
 * out, storing the exact decoded length in *outlen.  Strict RFC 4648 4: the
 * length must be a multiple of 4, '=' only as the last one or two
 * characters, no white space; "" decodes to 0 bytes.  Returns false on
 * invalid input or when the result does not fit in outsz bytes (then *outlen
 * is 0 and out's contents are unspecified).
 */
bool	net_b64_decode(const char *in, size_t n, uint8_t *out, size_t outsz,
	    size_t *outlen);

/*
 * HMAC-MD5 (RFC 2104) of msg under key, as 32 lower-case hex digits and a
 * NUL in out (CRAM-MD5, RFC 2195).  key may be NULL when keylen is 0.
 * Returns false if OpenSSL cannot provide MD5 (for example in FIPS mode).
 */
bool	net_hmac_md5_hex(const uint8_t *key, size_t keylen, const uint8_t *msg,
	    size_t msglen, char out[33]);

/*
 * MD5 of n bytes of data as 32 lower-case hex digits and a NUL in out (APOP,
 * RFC 1939 7).  Returns false if OpenSSL cannot provide MD5.
 */
bool	net_md5_hex(const uint8_t *data, size_t n, char out[33]);

/* 2 * nbytes lower-case hex digits of cryptographic randomness (RAND_bytes)
 * into out (2 * nbytes + 1 bytes); false when the generator fails. */
bool	net_random_hex(char *out, size_t nbytes);

#endif
