/*
 * SPDX-License-Identifier: BSD-2-Clause
 * x509_facts.c - what a certificate itself says, in the record's fields
 * (trace.h struct rec_tls): one writer for the probe (src/net, the peer
 * certificate of a handshake) and the decoder (src/tls, a certificate seen
 * on the wire), so both record it the same way.
 */
#include "x509_facts.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <stdio.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/x509v3.h>

/*
 * Copy src[0..n) into a fact's field: printable ASCII as it is, any other
 * byte as \xHH; cut to the field with "..." at the end when longer.
 */
static void
x_copy(char *dst, size_t sz, const char *src, size_t n)
{
	static const char	hex[] = "0123456789ABCDEF";
	size_t			i, o = 0;
	unsigned char		c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)src[i];
		if (c >= 0x20 && c < 0x7f) {
			if (o + 1 >= sz)
				break;
			dst[o++] = (char)c;
		} else {
			if (o + 4 >= sz)
				break;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		}
	}
	if (i < n) {
		o = sz > 4 && o > sz - 4 ? sz - 4 : o;
		if (sz > 4) {
			memcpy(dst + o, "...", 3);
			o += 3;
		}
	}
	dst[o] = '\0';
}

/*
 * A name as RFC 2253 says (XN_FLAG_RFC2253: OpenSSL escapes what RFC 2253
 * escapes, and bytes above 0x7e as \XX, so the text is ASCII).
 */
static void
x_name(char *dst, size_t sz, const X509_NAME *nm)
{
	BIO	*b;
	char	*p;
	long	 n;

	dst[0] = '\0';
	if (nm == NULL || (b = BIO_new(BIO_s_mem())) == NULL)
		return;
	if (X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253) >= 0 &&
	    (n = BIO_get_mem_data(b, &p)) > 0)
		x_copy(dst, sz, p, (size_t)n);
	BIO_free(b);
}

/* The DNS and IP subjectAltNames, "DNS:localhost, IP:127.0.0.1, IP:::1". */
static void
x_sans(char *dst, size_t sz, X509 *x)
{
	GENERAL_NAMES		*gens;
	const GENERAL_NAME	*g;
	const unsigned char	*d;
	char			 buf[MT_TLS_SANS_HARD], ip[INET6_ADDRSTRLEN];
	size_t			 o = 0, l;
	int			 i, len;

	dst[0] = '\0';
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
		g = sk_GENERAL_NAME_value(gens, i);
		if (g->type == GEN_DNS) {
			d = ASN1_STRING_get0_data(g->d.dNSName);
			len = ASN1_STRING_length(g->d.dNSName);
			l = (size_t)snprintf(buf + o, sizeof(buf) - o, "%sDNS:",
			    o > 0 ? ", " : "");
		} else if (g->type == GEN_IPADD) {
			d = ASN1_STRING_get0_data(g->d.iPAddress);
			len = ASN1_STRING_length(g->d.iPAddress);
			if (inet_ntop(len == 4 ? AF_INET : AF_INET6, d, ip,
			    sizeof(ip)) == NULL || (len != 4 && len != 16))
				continue;
			d = (const unsigned char *)ip;
			len = (int)strlen(ip);
			l = (size_t)snprintf(buf + o, sizeof(buf) - o, "%sIP:",
			    o > 0 ? ", " : "");
		} else
			continue;
		if (l >= sizeof(buf) - o)
			break;
		o += l;
		l = (size_t)len < sizeof(buf) - o ? (size_t)len : sizeof(buf) - o;
		memcpy(buf + o, d, l);
		o += l;
		if (o >= sizeof(buf) - 1)
			break;
	}
	GENERAL_NAMES_free(gens);
	x_copy(dst, sz, buf, o);
}

/* The serial as openssl x509 -serial prints it: two hex digits a byte. */
static void
x_serial(char *dst, size_t sz, const ASN1_INTEGER *a)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*d;
	size_t			 o = 0;
	int			 i, n;

	dst[0] = '\0';
	if (a == NULL)
		return;
	d = ASN1_STRING_get0_data(a);
	n = ASN1_STRING_length(a);
	if (ASN1_STRING_type(a) == V_ASN1_NEG_INTEGER && o + 1 < sz)
		dst[o++] = '-';
	if (n == 0 && o + 2 < sz) {
		dst[o++] = '0';
		dst[o++] = '0';
	}
	for (i = 0; i < n && o + 2 < sz; i++) {
		dst[o++] = hex[d[i] >> 4];
		dst[o++] = hex[d[i] & 15];
	}
	dst[o] = '\0';
}

/* An ASN.1 time as seconds since the epoch (UTC). */
static bool
x_epoch(const ASN1_TIME *t, int64_t *out)
{
	ASN1_TIME	*e;
	int		 day, sec;
	bool		 ok;

	if (t == NULL || (e = ASN1_TIME_set(NULL, 0)) == NULL)
		return false;
	ok = ASN1_TIME_diff(&day, &sec, e, t) == 1;
	ASN1_TIME_free(e);
	if (ok)
		*out = (int64_t)day * 86400 + sec;
	return ok;
}

bool
mt_x509_facts(X509 *x, struct rec_tls *f)
{
	if (x == NULL)
		return false;
	f->has_cert = true;
	x_name(f->subject, sizeof(f->subject), X509_get_subject_name(x));
	x_name(f->issuer, sizeof(f->issuer), X509_get_issuer_name(x));
	x_sans(f->sans, sizeof(f->sans), x);
	x_serial(f->serial, sizeof(f->serial), X509_get0_serialNumber(x));
	(void)x_epoch(X509_get0_notBefore(x), &f->not_before);
	return x_epoch(X509_get0_notAfter(x), &f->not_after);
}
