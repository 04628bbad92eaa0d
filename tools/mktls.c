/*
 * SPDX-License-Identifier: BSD-2-Clause
 * mktls.c - a real TLS session over memory BIOs for mkpcap (mktls.h).
 */
#include "mktls.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

struct mktls {
	SSL_CTX		*cctx, *sctx;
	SSL		*ssl[2];		/* client, server */
	BIO		*in[2], *out[2];	/* each side's read and write BIO */
	mktls_emit	 emit;
	void		*arg;
	FILE		*keylog;
};

static int	 mktls_idx = -1;

static int
fail(char *err, size_t sz, const char *what)
{
	unsigned long	e = ERR_get_error();
	char		buf[256];

	ERR_error_string_n(e, buf, sizeof(buf));
	snprintf(err, sz, "tls: %s%s%s", what, e != 0 ? ": " : "",
	    e != 0 ? buf : "");
	ERR_clear_error();
	return -1;
}

static void
keylog_cb(const SSL *ssl, const char *line)
{
	struct mktls	*t = SSL_get_ex_data(ssl, mktls_idx);

	if (t != NULL && t->keylog != NULL)
		fprintf(t->keylog, "%s\n", line);
}

/* Move what side d wrote to the other side, emitting it; true if any. */
static bool
pump(struct mktls *t, int d)
{
	uint8_t	buf[65536];
	int	n;
	bool	moved = false;

	while (BIO_ctrl_pending(t->out[d]) > 0 &&
	    (n = BIO_read(t->out[d], buf, sizeof(buf))) > 0) {
		t->emit(t->arg, d, buf, (size_t)n);
		BIO_write(t->in[!d], buf, n);
		moved = true;
	}
	return moved;
}

/* Let side d read what it has (application data is dropped). */
static void
drain(struct mktls *t, int d)
{
	uint8_t	buf[16384];

	while (SSL_read(t->ssl[d], buf, sizeof(buf)) > 0)
		;
	ERR_clear_error();
}

static X509 *
self_cert(EVP_PKEY *k)
{
	X509		*x;
	X509_NAME	*nm;
	X509_EXTENSION	*ext;

	if ((x = X509_new()) == NULL)
		return NULL;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 0x4d54);
	/* Fixed dates around mkpcap's clock (2023-11-14): stable records. */
	if (ASN1_TIME_set_string(X509_getm_notBefore(x),
	    "20231101000000Z") != 1 || ASN1_TIME_set_string(
	    X509_getm_notAfter(x), "20241101000000Z") != 1) {
		X509_free(x);
		return NULL;
	}
	nm = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
	    (const unsigned char *)"mkpcap.mail.test", -1, -1, 0);
	X509_set_issuer_name(x, nm);
	X509_set_pubkey(x, k);
	/* A name and an address, as a server's certificate carries them. */
	if ((ext = X509V3_EXT_conf_nid(NULL, NULL, NID_subject_alt_name,
	    "DNS:mkpcap.mail.test, IP:192.0.2.110")) == NULL ||
	    X509_add_ext(x, ext, -1) != 1) {
		X509_EXTENSION_free(ext);
		X509_free(x);
		return NULL;
	}
	X509_EXTENSION_free(ext);
	if (X509_sign(x, k, EVP_sha256()) == 0) {
		X509_free(x);
		return NULL;
	}
	return x;
}

struct mktls *
mktls_new(const char *version, const char *suite, FILE *keylog,
    mktls_emit emit, void *arg, char *err, size_t errsz)
{
	struct mktls	*t;
	EVP_PKEY	*k = NULL;
	X509		*x = NULL;
	int		 v, i, rc[2] = { 0, 0 };
	bool		 moved;

	if (strcmp(version, "1.2") == 0)
		v = TLS1_2_VERSION;
	else if (strcmp(version, "1.3") == 0)
		v = TLS1_3_VERSION;
	else {
		snprintf(err, errsz, "tls: version 1.2 or 1.3, not \"%s\"",
		    version);
		return NULL;
	}
	if (mktls_idx < 0 && (mktls_idx = SSL_get_ex_new_index(0, NULL, NULL,
	    NULL, NULL)) < 0) {
		fail(err, errsz, "ex_data");
		return NULL;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errsz, "tls: out of memory");
		return NULL;
	}
	t->emit = emit;
	t->arg = arg;
	t->keylog = keylog;
	if ((t->cctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    (t->sctx = SSL_CTX_new(TLS_server_method())) == NULL ||
	    (k = EVP_EC_gen("P-256")) == NULL || (x = self_cert(k)) == NULL)
		goto ossl;
	for (i = 0; i < 2; i++) {
		SSL_CTX	*c = i == 0 ? t->cctx : t->sctx;

		SSL_CTX_set_min_proto_version(c, v);
		SSL_CTX_set_max_proto_version(c, v);
		if (v == TLS1_3_VERSION ? SSL_CTX_set_ciphersuites(c,
		    suite) != 1 : SSL_CTX_set_cipher_list(c, suite) != 1) {
			fail(err, errsz, "unknown suite");
			goto out;
		}
		/* No session tickets: the flights stay the handshake's. */
		SSL_CTX_set_options(c, SSL_OP_NO_TICKET);
	}
	SSL_CTX_set_num_tickets(t->sctx, 0);
	SSL_CTX_set_keylog_callback(t->cctx, keylog_cb);
	SSL_CTX_set_verify(t->cctx, SSL_VERIFY_NONE, NULL);
	if (SSL_CTX_use_certificate(t->sctx, x) != 1 ||
	    SSL_CTX_use_PrivateKey(t->sctx, k) != 1)
		goto ossl;
	for (i = 0; i < 2; i++) {
		if ((t->ssl[i] = SSL_new(i == 0 ? t->cctx : t->sctx)) == NULL ||
		    (t->in[i] = BIO_new(BIO_s_mem())) == NULL ||
		    (t->out[i] = BIO_new(BIO_s_mem())) == NULL)
			goto ossl;
		SSL_set_bio(t->ssl[i], t->in[i], t->out[i]);
	}
	SSL_set_ex_data(t->ssl[0], mktls_idx, t);
	SSL_set_connect_state(t->ssl[0]);
	SSL_set_accept_state(t->ssl[1]);
	SSL_set_tlsext_host_name(t->ssl[0], "mkpcap.mail.test");
	for (i = 0; i < 50 && (rc[0] != 1 || rc[1] != 1); i++) {
		rc[0] = SSL_do_handshake(t->ssl[0]);
		moved = pump(t, 0);
		rc[1] = SSL_do_handshake(t->ssl[1]);
		moved |= pump(t, 1);
		if (!moved && (rc[0] != 1 || rc[1] != 1))
			break;
	}
	if (rc[0] != 1 || rc[1] != 1)
		goto ossl;
	EVP_PKEY_free(k);
	X509_free(x);
	return t;
ossl:
	fail(err, errsz, "handshake");
out:
	EVP_PKEY_free(k);
	X509_free(x);
	mktls_free(t);
	return NULL;
}

int
mktls_write(struct mktls *t, int dir, const uint8_t *p, size_t n, char *err,
    size_t errsz)
{
	if (n > 0 && SSL_write(t->ssl[dir], p, (int)n) != (int)n)
		return fail(err, errsz, "write");
	pump(t, dir);
	drain(t, !dir);
	pump(t, !dir);		/* whatever reading made the peer answer */
	return 0;
}

int
mktls_keyupdate(struct mktls *t, int dir, char *err, size_t errsz)
{
	if (SSL_version(t->ssl[dir]) != TLS1_3_VERSION) {
		snprintf(err, errsz, "tls-keyupdate: TLS 1.3 only");
		return -1;
	}
	if (SSL_key_update(t->ssl[dir], SSL_KEY_UPDATE_NOT_REQUESTED) != 1 ||
	    SSL_do_handshake(t->ssl[dir]) != 1)
		return fail(err, errsz, "key update");
	pump(t, dir);
	drain(t, !dir);
	return 0;
}

void
mktls_free(struct mktls *t)
{
	int	i;

	if (t == NULL)
		return;
	for (i = 0; i < 2; i++)
		SSL_free(t->ssl[i]);	/* frees its BIOs */
	SSL_CTX_free(t->cctx);
	SSL_CTX_free(t->sctx);
	free(t);
}
