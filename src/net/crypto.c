/*
 * SPDX-License-Identifier: BSD-2-Clause
 * crypto.c - base64 and MD5/HMAC-MD5 through OpenSSL 3's EVP interfaces.
 *
 * RFC 4648 4 (base64), RFC 1321 (MD5), RFC 2104 (HMAC), used by RFC 1939 7
 * (APOP) and RFC 2195 (CRAM-MD5).  MD5 comes from the default provider
 * (EVP_MD_fetch), so it fails cleanly, not silently, where MD5 is disabled.
 */
#include "crypto.h"

#include "mt_limits.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "mt.h"

#define MD5_LEN		16
/* Largest input EVP_EncodeBlock's int length and result can take. */
#define B64_ENC_MAX	((size_t)INT_MAX / 4 * 3)

static void	hex_lower(const uint8_t *, size_t, char *);
static bool	b64_char(char);

static void
hex_lower(const uint8_t *p, size_t n, char *out)
{
	static const char	digits[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

/* The RFC 4648 4 alphabet, without the pad character. */
static bool
b64_char(char c)
{
	return mt_isalpha(c) || mt_isdigit(c) || c == '+' || c == '/';
}

bool
net_b64_encode(const uint8_t *in, size_t n, char *out, size_t outsz)
{
	if (out == NULL || outsz == 0)
		return false;
	out[0] = '\0';
	if (n > B64_ENC_MAX || outsz < NET_B64_ENCLEN(n))
		return false;
	if (n == 0)
		return true;
	/* Writes 4 * ceil(n / 3) characters and a NUL. */
	EVP_EncodeBlock((unsigned char *)out, in, (int)n);
	return true;
}

bool
net_b64_decode(const char *in, size_t n, uint8_t *out, size_t outsz,
    size_t *outlen)
{
	unsigned char	q[3];
	size_t		i, pad, len;

	*outlen = 0;
	if (n % 4 != 0)
		return false;
	if (n == 0)
		return true;
	pad = 0;
	if (in[n - 1] == '=')
		pad = in[n - 2] == '=' ? 2 : 1;
	/*
	 * EVP_DecodeBlock skips white space and decodes a '=' anywhere as
	 * zero bits, so check the alphabet and where padding may be first.
	 */
	for (i = 0; i < n - pad; i++)
		if (!b64_char(in[i]))
			return false;
	len = n / 4 * 3 - pad;
	if (len > outsz)
		return false;
	/* One quantum at a time, so nothing is written past len. */
	for (i = 0; i < n; i += 4) {
		if (EVP_DecodeBlock(q, (const unsigned char *)in + i, 4) != 3) {
			OPENSSL_cleanse(q, sizeof(q));
			OPENSSL_cleanse(out, outsz);
			return false;
		}
		memcpy(out + i / 4 * 3, q, i + 4 < n ? 3 : 3 - pad);
	}
	OPENSSL_cleanse(q, sizeof(q));
	*outlen = len;
	return true;
}

bool
net_hmac_md5_hex(const uint8_t *key, size_t keylen, const uint8_t *msg,
    size_t msglen, char out[33])
{
	static const uint8_t	 nokey[1];
	uint8_t			 mac[MD5_LEN];
	size_t			 maclen = 0;
	bool			 ok;

	out[0] = '\0';
	/* RFC 2104 2: an empty key is valid (zero padded to the block). */
	if (key == NULL)
		keylen = 0;
	ok = EVP_Q_mac(NULL, "HMAC", NULL, "MD5", NULL,
	    key != NULL ? key : nokey, keylen, msg, msglen, mac, sizeof(mac),
	    &maclen) != NULL && maclen == MD5_LEN;
	if (ok)
		hex_lower(mac, MD5_LEN, out);
	OPENSSL_cleanse(mac, sizeof(mac));
	return ok;
}

bool
net_md5_hex(const uint8_t *data, size_t n, char out[33])
{
	EVP_MD		*md;
	uint8_t		 dig[MD5_LEN];
	unsigned int	 diglen = 0;
	bool		 ok;

	out[0] = '\0';
	if ((md = EVP_MD_fetch(NULL, "MD5", NULL)) == NULL)
		return false;
	ok = EVP_Digest(data, n, dig, &diglen, md, NULL) == 1 &&
	    diglen == MD5_LEN;
	EVP_MD_free(md);
	if (ok)
		hex_lower(dig, MD5_LEN, out);
	OPENSSL_cleanse(dig, sizeof(dig));
	return ok;
}

bool
net_random_hex(char *out, size_t nbytes)
{
	static const char	hex[] = "0123456789abcdef";
	unsigned char		buf[64];
	size_t			i;

	if (nbytes > sizeof(buf) || RAND_bytes(buf, (int)nbytes) != 1)
		return false;
	for (i = 0; i < nbytes; i++) {
		out[2 * i] = hex[buf[i] >> 4];
		out[2 * i + 1] = hex[buf[i] & 15];
	}
	out[2 * nbytes] = '\0';
	return true;
}
