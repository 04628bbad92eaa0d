/*
 * SPDX-License-Identifier: BSD-2-Clause
 * hello.c - the handshake's cleartext facts: ClientHello, ServerHello
 * and HelloRetryRequest, TLS 1.2's ServerKeyExchange (its named curve),
 * the server's Certificate (d2i_X509), read through a bounded cursor; the
 * names of versions, suites, groups and alerts; the ClientHello sniff.
 */
#include "tls.h"
#include "tls_int.h"
#include "x509_facts.h"

#include <stdio.h>
#include <string.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

/* A bounded reader: reads past the end give 0 and set a sticky flag. */
struct rd {
	const uint8_t	*p, *end;
	bool		 bad;
};

static const uint8_t hrr_random[32] = {	/* RFC 8446 4.1.3: SHA-256("HelloRetryRequest") */
	0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C,
	0x02, 0x1E, 0x65, 0xB8, 0x91, 0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB,
	0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C
};

static const struct {
	uint8_t		 code;
	const char	*name;
} alerts[] = {		/* RFC 8446 6, and RFC 5246 7.2's still sent */
	{ 0, "close_notify" }, { 10, "unexpected_message" },
	{ 20, "bad_record_mac" }, { 21, "decryption_failed" },
	{ 22, "record_overflow" }, { 30, "decompression_failure" },
	{ 40, "handshake_failure" }, { 41, "no_certificate" },
	{ 42, "bad_certificate" }, { 43, "unsupported_certificate" },
	{ 44, "certificate_revoked" }, { 45, "certificate_expired" },
	{ 46, "certificate_unknown" }, { 47, "illegal_parameter" },
	{ 48, "unknown_ca" }, { 49, "access_denied" }, { 50, "decode_error" },
	{ 51, "decrypt_error" }, { 60, "export_restriction" },
	{ 70, "protocol_version" }, { 71, "insufficient_security" },
	{ 80, "internal_error" }, { 86, "inappropriate_fallback" },
	{ 90, "user_canceled" }, { 100, "no_renegotiation" },
	{ 109, "missing_extension" }, { 110, "unsupported_extension" },
	{ 111, "certificate_unobtainable" }, { 112, "unrecognized_name" },
	{ 113, "bad_certificate_status_response" },
	{ 114, "bad_certificate_hash_value" }, { 115, "unknown_psk_identity" },
	{ 116, "certificate_required" }, { 120, "no_application_protocol" },
};

static void
rd_init(struct rd *r, const uint8_t *p, size_t n)
{
	static const uint8_t	empty[1];

	if (p == NULL) {		/* an empty message has no buffer */
		p = empty;
		n = 0;
	}
	r->p = p;
	r->end = p + n;
	r->bad = false;
}

static bool
rd_has(struct rd *r, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return false;
	}
	return true;
}

static uint32_t
rd_uint(struct rd *r, size_t n)
{
	uint32_t	v = 0;
	size_t		i;

	if (!rd_has(r, n))
		return 0;
	for (i = 0; i < n; i++)
		v = v << 8 | *r->p++;
	return v;
}

static const uint8_t *
rd_bytes(struct rd *r, size_t n)
{
	const uint8_t	*p = r->p;

	if (!rd_has(r, n))
		return NULL;
	r->p += n;
	return p;
}

/* A vector with an lenbytes-byte length: sub reads only it. */
static void
rd_vec(struct rd *r, size_t lenbytes, struct rd *sub)
{
	size_t		 n = rd_uint(r, lenbytes);
	const uint8_t	*p = rd_bytes(r, n);

	rd_init(sub, p != NULL ? p : r->end, p != NULL ? n : 0);
	sub->bad = p == NULL;
}

static bool
rd_done(const struct rd *r)
{
	return !r->bad && r->p == r->end;
}

/* RFC 6066 3: the host_name of a server_name extension. */
static int
ext_sni(struct rd *e, struct tls_client_hello *h)
{
	struct rd	 list, name;
	unsigned	 type;

	rd_vec(e, 2, &list);
	while (!list.bad && list.p < list.end) {
		type = rd_uint(&list, 1);
		rd_vec(&list, 2, &name);
		if (name.bad)
			return -1;
		if (type == 0 && h->sni[0] == '\0')
			mt_copy_printable(h->sni, sizeof(h->sni),
			    (const char *)name.p, (size_t)(name.end - name.p));
	}
	return rd_done(&list) && rd_done(e) ? 0 : -1;
}

int
tls_parse_client_hello(const uint8_t *p, size_t n, struct tls_client_hello *h)
{
	struct rd	 r, v, exts, e;
	const uint8_t	*rnd;
	unsigned	 type, x;
	bool		 sv = false;

	memset(h, 0, sizeof(*h));
	rd_init(&r, p, n);
	h->legacy_version = (uint16_t)rd_uint(&r, 2);
	if ((rnd = rd_bytes(&r, 32)) == NULL)
		return -1;
	memcpy(h->random, rnd, 32);
	rd_vec(&r, 1, &v);			/* legacy_session_id */
	if (v.bad || v.end - v.p > 32)
		return -1;
	rd_vec(&r, 2, &v);			/* cipher_suites */
	if (v.bad || (v.end - v.p) % 2 != 0 || v.end == v.p)
		return -1;
	while (v.p < v.end) {
		x = rd_uint(&v, 2);
		if (h->nsuites < MT_TLS_LIST_HARD)
			h->suites[h->nsuites] = (uint16_t)x;
		h->nsuites++;
	}
	rd_vec(&r, 1, &v);			/* legacy_compression_methods */
	if (v.bad || v.end == v.p)
		return -1;
	if (r.p < r.end) {
		rd_vec(&r, 2, &exts);
		while (!exts.bad && exts.p < exts.end) {
			type = rd_uint(&exts, 2);
			rd_vec(&exts, 2, &e);
			if (e.bad)
				return -1;
			if (type == 0 && ext_sni(&e, h) != 0)
				return -1;
			if (type == 42)
				h->early_data = true;
			if (type == 43 && !sv) {	/* supported_versions */
				sv = true;
				rd_vec(&e, 1, &v);
				if (v.bad || (v.end - v.p) % 2 != 0 ||
				    !rd_done(&e))
					return -1;
				while (v.p < v.end) {
					x = rd_uint(&v, 2);
					if (h->nversions < MT_TLS_LIST_HARD)
						h->versions[h->nversions++] =
						    (uint16_t)x;
				}
			}
		}
		if (!rd_done(&exts))
			return -1;
	}
	if (!sv)
		h->versions[h->nversions++] = h->legacy_version;
	return rd_done(&r) ? 0 : -1;
}

/*
 * RFC 8446 4.2.8: a ServerHello's key_share is one KeyShareEntry (its
 * group, then key_exchange<1..2^16-1>); a HelloRetryRequest's, the
 * selected group alone.
 */
static int
ext_key_share(struct rd *e, struct tls_server_hello *h)
{
	struct rd	key;

	h->group = (uint16_t)rd_uint(e, 2);
	if (!h->hrr) {
		rd_vec(e, 2, &key);
		if (key.bad || key.p == key.end)
			return -1;
	}
	return rd_done(e) ? 0 : -1;
}

int
tls_parse_server_hello(const uint8_t *p, size_t n, struct tls_server_hello *h)
{
	struct rd	 r, v, exts, e;
	const uint8_t	*rnd;
	unsigned	 type;

	memset(h, 0, sizeof(*h));
	rd_init(&r, p, n);
	h->legacy_version = (uint16_t)rd_uint(&r, 2);
	if ((rnd = rd_bytes(&r, 32)) == NULL)
		return -1;
	memcpy(h->random, rnd, 32);
	h->hrr = memcmp(rnd, hrr_random, 32) == 0;
	rd_vec(&r, 1, &v);
	if (v.bad || v.end - v.p > 32)
		return -1;
	h->suite = (uint16_t)rd_uint(&r, 2);
	(void)rd_uint(&r, 1);			/* compression */
	h->version = h->legacy_version;
	if (r.p < r.end) {
		rd_vec(&r, 2, &exts);
		while (!exts.bad && exts.p < exts.end) {
			type = rd_uint(&exts, 2);
			rd_vec(&exts, 2, &e);
			if (e.bad)
				return -1;
			if (type == 43) {
				h->version = (uint16_t)rd_uint(&e, 2);
				if (!rd_done(&e))
					return -1;
			}
			if (type == 51 && ext_key_share(&e, h) != 0)
				return -1;
		}
		if (!rd_done(&exts))
			return -1;
	}
	return rd_done(&r) ? 0 : -1;
}

int
tls_parse_encrypted_extensions(const uint8_t *p, size_t n, bool *early)
{
	struct rd	 r, exts, e;
	unsigned	 type;

	*early = false;
	rd_init(&r, p, n);
	rd_vec(&r, 2, &exts);
	while (!exts.bad && exts.p < exts.end) {
		type = rd_uint(&exts, 2);
		rd_vec(&exts, 2, &e);
		if (e.bad)
			return -1;
		if (type == 42) {		/* early_data: empty here */
			if (!rd_done(&e))
				return -1;
			*early = true;
		}
	}
	return rd_done(&exts) && rd_done(&r) ? 0 : -1;
}

int
tls_parse_server_key_exchange(const uint8_t *p, size_t n, uint16_t *group)
{
	struct rd	r;
	unsigned	type;

	rd_init(&r, p, n);
	type = rd_uint(&r, 1);			/* ECCurveType */
	*group = (uint16_t)rd_uint(&r, 2);
	if (r.bad)
		return -1;
	if (type != 3)				/* named_curve */
		*group = 0;
	return 0;
}

int
tls_parse_certificate(const uint8_t *p, size_t n, bool tls13,
    struct tls_cert *c)
{
	struct rd		 r, list, one, ext;
	struct rec_tls		 xf;
	const unsigned char	*der;
	X509			*x;
	size_t			 len;

	memset(c, 0, sizeof(*c));
	rd_init(&r, p, n);
	if (tls13) {
		rd_vec(&r, 1, &one);		/* certificate_request_context */
		if (one.bad)
			return -1;
	}
	/* The list may be cut at the kept bytes: read what is there. */
	len = rd_uint(&r, 3);
	if (r.bad)
		return -1;
	rd_init(&list, r.p, len < (size_t)(r.end - r.p) ? len :
	    (size_t)(r.end - r.p));
	rd_vec(&list, 3, &one);
	if (one.bad || one.p == one.end)
		return -1;
	der = one.p;
	if ((x = d2i_X509(NULL, &der, one.end - one.p)) == NULL)
		return -1;
	/* The probe's own writer of these fields (src/x509). */
	memset(&xf, 0, sizeof(xf));
	(void)mt_x509_facts(x, &xf);
	X509_free(x);
	memcpy(c->subject, xf.subject, sizeof(c->subject));
	memcpy(c->issuer, xf.issuer, sizeof(c->issuer));
	memcpy(c->sans, xf.sans, sizeof(c->sans));
	memcpy(c->serial, xf.serial, sizeof(c->serial));
	c->not_before = xf.not_before;
	c->not_after = xf.not_after;
	c->chain_len = 1;
	for (;;) {
		if (tls13) {
			rd_vec(&list, 2, &ext);
			if (ext.bad)
				break;
		}
		if (list.p >= list.end)
			break;
		rd_vec(&list, 3, &one);
		if (one.bad)
			break;
		c->chain_len++;
	}
	return 0;
}

const char *
tls_version_name(uint16_t v)
{
	switch (v) {
	case 0x0300:
		return "SSLv3";
	case 0x0301:
		return "TLSv1";
	case 0x0302:
		return "TLSv1.1";
	case TLS_V12:
		return "TLSv1.2";
	case TLS_V13:
		return "TLSv1.3";
	}
	return NULL;
}

/* One SSL object a process, only to ask OpenSSL the names of suites. */
static CRYPTO_ONCE	 names_once = CRYPTO_ONCE_STATIC_INIT;
static SSL_CTX		*names_ctx;
static SSL		*names_ssl;

static void
names_init(void)
{
	if ((names_ctx = SSL_CTX_new(TLS_method())) != NULL)
		names_ssl = SSL_new(names_ctx);
}

const char *
tls_suite_name(uint16_t id, char *buf, size_t sz)
{
	const SSL_CIPHER	*c = NULL;
	unsigned char		 b[2] = { (unsigned char)(id >> 8),
				    (unsigned char)id };

	if (CRYPTO_THREAD_run_once(&names_once, names_init) == 1 &&
	    names_ssl != NULL)
		c = SSL_CIPHER_find(names_ssl, b);
	if (c != NULL)
		return SSL_CIPHER_get_name(c);
	snprintf(buf, sz, "0x%04X", id);
	return buf;
}

/*
 * OpenSSL's own table, the one behind the probe's SSL_group_to_name() of
 * SSL_get_negotiated_group(): an id it has no NID for is passed as
 * TLSEXT_nid_unknown | id (SSL_get_shared_group()'s convention), which
 * SSL_group_to_name() reads as the TLS id, so every id is looked up the
 * same way.
 */
const char *
tls_group_name(uint16_t id, char *buf, size_t sz)
{
	const char	*name = NULL;

	if (CRYPTO_THREAD_run_once(&names_once, names_init) == 1 &&
	    names_ssl != NULL && id != 0)
		name = SSL_group_to_name(names_ssl, TLSEXT_nid_unknown | id);
	if (name != NULL)
		return name;
	snprintf(buf, sz, "0x%04X", id);
	return buf;
}

bool
tls_suite_ecdhe(uint16_t id)
{
	const SSL_CIPHER	*c = NULL;
	unsigned char		 b[2] = { (unsigned char)(id >> 8),
				    (unsigned char)id };
	int			 kx;

	if (CRYPTO_THREAD_run_once(&names_once, names_init) == 1 &&
	    names_ssl != NULL)
		c = SSL_CIPHER_find(names_ssl, b);
	if (c == NULL)
		return false;
	kx = SSL_CIPHER_get_kx_nid(c);
	return kx == NID_kx_ecdhe || kx == NID_kx_ecdhe_psk;
}

const char *
tls_alert_name(uint8_t code)
{
	size_t	i;

	for (i = 0; i < sizeof(alerts) / sizeof(alerts[0]); i++)
		if (alerts[i].code == code)
			return alerts[i].name;
	return NULL;
}

enum tls_sniff
tls_sniff_hello(const uint8_t *p, size_t n)
{
	unsigned	len;

	if (n >= 1 && p[0] != 22)
		return TLS_SNIFF_NO;
	if (n >= 2 && p[1] != 3)
		return TLS_SNIFF_NO;
	if (n >= 3 && p[2] > 4)
		return TLS_SNIFF_NO;
	if (n >= 5) {
		len = (unsigned)p[3] << 8 | p[4];
		if (len == 0 || len > 16384)
			return TLS_SNIFF_NO;
	}
	if (n < 6)
		return TLS_SNIFF_MORE;
	return p[5] == 1 ? TLS_SNIFF_HELLO : TLS_SNIFF_NO;
}
