/*
 * tlsgen.h - real TLS transcripts made by OpenSSL itself, for the TLS
 * layer's tests and benchmark: an OpenSSL client and server over memory
 * BIOs, each direction's bytes recorded as they were sent (one chunk per
 * flight: what one side wrote before the other read), the client's key log
 * from SSL_CTX_set_keylog_callback, and the application data each side
 * wrote.  Certificates (EC P-256 and RSA 2048) are made in memory.
 *
 * 0-RTT (tg_opt.early): a first TLS 1.3 handshake, not recorded, gives the
 * client a session ticket that allows early data; the recorded one resumes
 * it, the client writing its early data (SSL_write_early_data) after its
 * ClientHello, the server reading what it accepts (SSL_read_early_data)
 * or, told to reject it (or asking for a second ClientHello), skipping it.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_TESTS_TLSGEN_H
#define MT_TESTS_TLSGEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

struct tg_chunk {
	int		 dir;		/* 0 client to server, 1 back */
	size_t		 off, len;	/* in tg.bytes */
};

struct tg {
	uint8_t		*bytes;		/* every chunk, in the order sent */
	size_t		 n, cap;
	struct tg_chunk	*ch;
	size_t		 nch, chcap;
	char		*keylog;
	size_t		 klen, kcap;
	uint8_t		*sent[2];	/* application data written, per dir */
	size_t		 nsent[2], scap[2];
	uint16_t	 suite;		/* what was negotiated; 0: failed */
	int		 version;
	char		 group[64];	/* its group as the probe names it
					   (src/net/net.c): "" none */
	bool		 ok;		/* the handshake completed */
	bool		 resumed;	/* 0-RTT: the session was resumed */
	int		 early;		/* SSL_get_early_data_status() */
	size_t		 nearly;	/* early data bytes the server read */
};

struct tg_opt {
	int		 version;	/* TLS1_3_VERSION, TLS1_2_VERSION */
	int		 server_min;	/* 0: version */
	const char	*suites;	/* TLS 1.3 ciphersuites */
	const char	*ciphers;	/* TLS 1.2 cipher list */
	bool		 rsa;		/* the server's certificate */
	const char	*cgroups, *sgroups;
	bool		 verify;	/* the client verifies (and fails) */
	size_t		 app;		/* application bytes each way */
	size_t		 app_s2c;	/* ... server to client; 0: app */
	bool		 keyupdate;	/* SSL_key_update halfway */
	bool		 shutdown;	/* close_notify both ways */
	bool		 renegotiate;	/* TLS 1.2: the client renegotiates halfway */
	bool		 dhe;		/* the server has DH parameters (DHE) */
	/* Instead of app: these texts, "C..." written by the client, "S..."
	 * by the server, in order; NULL-terminated. */
	const char *const *say;
	/* TLS 1.3: a resumed session with this text as 0-RTT early data
	 * (not in sent[]); the server accepts it unless early_reject. */
	const char	*early;
	int		 early_reject;	/* 1: the server's allow_early_data
					   callback refuses it (the session
					   resumed), 2: SSL_set_max_early_data
					   (s, 0) (a full handshake) */
	bool		 early_retry;	/* rejected: the client writes the
					   text again after the handshake */
};

static EVP_PKEY	*tg_eckey, *tg_rsakey;
static X509	*tg_eccert, *tg_rsacert;
static struct tg *tg_cur;

static void
tg_die(const char *what)
{
	fprintf(stderr, "tlsgen: %s failed\n", what);
	exit(2);
}

static void *
tg_grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	while (*cap < need)
		*cap = *cap == 0 ? 4096 : *cap * 2;
	if ((p = realloc(p, *cap * size)) == NULL)
		tg_die("realloc");
	return p;
}

static X509 *
tg_cert(EVP_PKEY *k, const char *cn)
{
	X509		*x;
	X509_NAME	*nm;

	if ((x = X509_new()) == NULL)
		tg_die("X509_new");
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 0x1234);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 30);
	nm = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(nm, "O", MBSTRING_ASC,
	    (const unsigned char *)"mailtrace test", -1, -1, 0);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, nm);
	X509_set_pubkey(x, k);
	if (X509_sign(x, k, EVP_sha256()) == 0)
		tg_die("X509_sign");
	return x;
}

static void
tg_init(void)
{
	if (tg_eckey != NULL)
		return;
	if ((tg_eckey = EVP_EC_gen("P-256")) == NULL ||
	    (tg_rsakey = EVP_RSA_gen(2048)) == NULL)
		tg_die("keygen");
	tg_eccert = tg_cert(tg_eckey, "ec.mail.test");
	tg_rsacert = tg_cert(tg_rsakey, "rsa.mail.test");
}

static void
tg_keylog_cb(const SSL *ssl, const char *line)
{
	size_t	n = strlen(line);

	(void)ssl;
	tg_cur->keylog = tg_grow(tg_cur->keylog, &tg_cur->kcap,
	    tg_cur->klen + n + 2, 1);
	memcpy(tg_cur->keylog + tg_cur->klen, line, n);
	tg_cur->klen += n;
	tg_cur->keylog[tg_cur->klen++] = '\n';
	tg_cur->keylog[tg_cur->klen] = '\0';
}

/* Move what from has written to to, recording it as a chunk of dir. */
static bool
tg_pump(struct tg *g, BIO *from, BIO *to, int dir)
{
	uint8_t	buf[65536];
	int	n;
	bool	moved = false;

	while (BIO_ctrl_pending(from) > 0) {
		n = BIO_read(from, buf, sizeof(buf));
		if (n <= 0)
			break;
		g->bytes = tg_grow(g->bytes, &g->cap, g->n + (size_t)n, 1);
		memcpy(g->bytes + g->n, buf, (size_t)n);
		if (g->nch > 0 && g->ch[g->nch - 1].dir == dir &&
		    g->ch[g->nch - 1].off + g->ch[g->nch - 1].len == g->n)
			g->ch[g->nch - 1].len += (size_t)n;
		else {
			g->ch = tg_grow(g->ch, &g->chcap, g->nch + 1,
			    sizeof(*g->ch));
			g->ch[g->nch].dir = dir;
			g->ch[g->nch].off = g->n;
			g->ch[g->nch].len = (size_t)n;
			g->nch++;
		}
		g->n += (size_t)n;
		BIO_write(to, buf, n);
		moved = true;
	}
	return moved;
}

/* The application bytes of message i of dir: a pattern worth checking. */
static void
tg_fill(uint8_t *p, size_t n, int dir, size_t off)
{
	size_t	i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)((off + i) * 7 + (size_t)dir * 101 +
		    ((off + i) >> 8));
}

/* w writes n bytes of dir (text, or the pattern); r reads them all. */
static void
tg_send_text(struct tg *g, SSL *w, SSL *r, BIO *wout, BIO *rin, int dir,
    const char *text, size_t n)
{
	uint8_t		*buf;
	size_t		 done = 0;
	int		 k;

	if (n == 0)
		return;
	g->sent[dir] = tg_grow(g->sent[dir], &g->scap[dir], g->nsent[dir] + n,
	    1);
	buf = g->sent[dir] + g->nsent[dir];
	if (text != NULL)
		memcpy(buf, text, n);
	else
		tg_fill(buf, n, dir, g->nsent[dir]);
	if (SSL_write(w, buf, (int)n) != (int)n)
		tg_die("SSL_write");
	g->nsent[dir] += n;
	tg_pump(g, wout, rin, dir);
	{
		uint8_t	rb[16384];

		while (done < n && (k = SSL_read(r, rb, sizeof(rb))) > 0)
			done += (size_t)k;
	}
	if (done != n)
		tg_die("SSL_read");
}

static void
tg_send(struct tg *g, SSL *w, SSL *r, BIO *wout, BIO *rin, int dir, size_t n)
{
	tg_send_text(g, w, r, wout, rin, dir, NULL, n);
}

/* Application data of n bytes in messages of varied sizes. */
static void
tg_talk(struct tg *g, SSL *c, SSL *s, BIO *cw, BIO *cr, BIO *sw, BIO *sr,
    size_t nc, size_t ns)
{
	static const size_t	sizes[] = { 1, 37, 1000, 16384, 20000, 5 };
	size_t			i = 0, k;

	while (nc > 0 || ns > 0) {
		k = sizes[i % 6] < nc ? sizes[i % 6] : nc;
		tg_send(g, c, s, cw, sr, 0, k);
		nc -= k;
		k = sizes[(i + 3) % 6] < ns ? sizes[(i + 3) % 6] : ns;
		tg_send(g, s, c, sw, cr, 1, k);
		ns -= k;
		i++;
	}
}

/* The negotiated group's name, exactly as the probe finds it (net.c). */
static void
tg_group(struct tg *g, SSL *c)
{
	const char	*name = NULL;
	int		 nid;

	nid = SSL_get_negotiated_group(c);
	if (nid > 0 && (name = SSL_group_to_name(c, nid)) == NULL)
		name = OBJ_nid2sn(nid);
	snprintf(g->group, sizeof(g->group), "%s", name != NULL ? name : "");
}

/* A client and a server of the two contexts over memory BIOs. */
static void
tg_pair(SSL_CTX *cctx, SSL_CTX *sctx, SSL **c, SSL **s, BIO **cr, BIO **cw,
    BIO **sr, BIO **sw)
{
	*c = SSL_new(cctx);
	*s = SSL_new(sctx);
	*cr = BIO_new(BIO_s_mem());
	*cw = BIO_new(BIO_s_mem());
	*sr = BIO_new(BIO_s_mem());
	*sw = BIO_new(BIO_s_mem());
	if (*c == NULL || *s == NULL || *cr == NULL || *cw == NULL ||
	    *sr == NULL || *sw == NULL)
		tg_die("SSL_new");
	SSL_set_bio(*c, *cr, *cw);
	SSL_set_bio(*s, *sr, *sw);
	SSL_set_connect_state(*c);
	SSL_set_accept_state(*s);
	SSL_set_tlsext_host_name(*c, "mail.example.test");
}

/*
 * Both sides' handshakes to their end, each flight recorded; true when
 * both completed.  A server given 0-RTT data (early) reads what it
 * accepts first (SSL_read_early_data), as a server must.
 */
static bool
tg_handshake(struct tg *g, SSL *c, SSL *s, BIO *cw, BIO *cr, BIO *sw,
    BIO *sr, bool early)
{
	uint8_t	rb[16384];
	size_t	r;
	int	i, rc = 0, rs = 0;
	bool	moved;

	for (i = 0; i < 50 && (rc != 1 || rs != 1); i++) {
		rc = SSL_do_handshake(c);
		moved = tg_pump(g, cw, sr, 0);
		if (early) {
			rs = SSL_read_early_data(s, rb, sizeof(rb), &r);
			if (rs == SSL_READ_EARLY_DATA_SUCCESS) {
				g->nearly += r;
				rs = 0;
				moved = true;
			} else if (rs == SSL_READ_EARLY_DATA_FINISH)
				early = false;
			else
				rs = 0;
		}
		if (!early)
			rs = SSL_do_handshake(s);
		moved |= tg_pump(g, sw, cr, 1);
		if (!moved && (rc != 1 || rs != 1) &&
		    (SSL_get_error(c, rc) != SSL_ERROR_WANT_READ ||
		    SSL_get_error(s, rs) != SSL_ERROR_WANT_READ))
			break;
	}
	return rc == 1 && rs == 1;
}

static void	tg_free(struct tg *);

/* A server that does not accept early data on a session it resumes. */
static int
tg_refuse_early(SSL *s, void *arg)
{
	(void)s;
	(void)arg;
	return 0;
}

/*
 * A first handshake, not recorded, whose server allows early data in its
 * session ticket: the session the client resumes.
 */
static SSL_SESSION *
tg_ticket(SSL_CTX *cctx, SSL_CTX *sctx)
{
	struct tg	 scratch, *g = tg_cur;
	SSL		*c, *s;
	BIO		*cr, *cw, *sr, *sw;
	SSL_SESSION	*sess;
	uint8_t		 rb[256];

	memset(&scratch, 0, sizeof(scratch));
	tg_cur = &scratch;
	tg_pair(cctx, sctx, &c, &s, &cr, &cw, &sr, &sw);
	if (!tg_handshake(&scratch, c, s, cw, cr, sw, sr, false))
		tg_die("the ticket's handshake");
	/* The tickets came after the server's Finished: read them. */
	tg_pump(&scratch, sw, cr, 1);
	(void)SSL_read(c, rb, sizeof(rb));
	if ((sess = SSL_get1_session(c)) == NULL ||
	    SSL_SESSION_get_max_early_data(sess) == 0)
		tg_die("a session ticket allowing early data");
	/* Shut down cleanly: a session freed otherwise is not resumable. */
	SSL_shutdown(c);
	tg_pump(&scratch, cw, sr, 0);
	SSL_shutdown(s);
	SSL_free(c);
	SSL_free(s);
	tg_cur = g;
	tg_free(&scratch);
	return sess;
}

static void
tg_make(struct tg *g, const struct tg_opt *o)
{
	SSL_CTX		*cctx, *sctx;
	SSL		*c, *s;
	BIO		*cr, *cw, *sr, *sw;
	SSL_SESSION	*sess = NULL;
	int		 i;
	size_t		 ns = o->app_s2c != 0 ? o->app_s2c : o->app, w;

	tg_init();
	memset(g, 0, sizeof(*g));
	tg_cur = g;
	if ((cctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    (sctx = SSL_CTX_new(TLS_server_method())) == NULL)
		tg_die("SSL_CTX_new");
	SSL_CTX_set_min_proto_version(cctx, o->version);
	SSL_CTX_set_max_proto_version(cctx, o->version);
	SSL_CTX_set_min_proto_version(sctx, o->server_min != 0 ?
	    o->server_min : o->version);
	SSL_CTX_set_max_proto_version(sctx, o->server_min != 0 ?
	    TLS1_3_VERSION : o->version);
	SSL_CTX_set_keylog_callback(cctx, tg_keylog_cb);
	if (SSL_CTX_use_certificate(sctx, o->rsa ? tg_rsacert : tg_eccert) != 1 ||
	    SSL_CTX_use_PrivateKey(sctx, o->rsa ? tg_rsakey : tg_eckey) != 1)
		tg_die("use certificate");
	SSL_CTX_set_verify(cctx, o->verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE,
	    NULL);
	if (o->suites != NULL && (SSL_CTX_set_ciphersuites(cctx,
	    o->suites) != 1 || SSL_CTX_set_ciphersuites(sctx, o->suites) != 1))
		tg_die("ciphersuites");
	if (o->ciphers != NULL && (SSL_CTX_set_cipher_list(cctx,
	    o->ciphers) != 1 || SSL_CTX_set_cipher_list(sctx, o->ciphers) != 1))
		tg_die("cipher list");
	if (o->cgroups != NULL && SSL_CTX_set1_groups_list(cctx, o->cgroups) != 1)
		tg_die("client groups");
	if (o->sgroups != NULL && SSL_CTX_set1_groups_list(sctx, o->sgroups) != 1)
		tg_die("server groups");
	if (o->dhe)
		SSL_CTX_set_dh_auto(sctx, 1);
	if (o->renegotiate)		/* off by default since OpenSSL 3.0 */
		SSL_CTX_set_options(sctx, SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
	if (o->early != NULL) {
		if (SSL_CTX_set_max_early_data(sctx, 16384) != 1)
			tg_die("SSL_CTX_set_max_early_data");
		sess = tg_ticket(cctx, sctx);
	}
	tg_pair(cctx, sctx, &c, &s, &cr, &cw, &sr, &sw);
	if (sess != NULL) {
		if (SSL_set_session(c, sess) != 1)
			tg_die("SSL_set_session");
		if (o->early_reject == 1)
			SSL_set_allow_early_data_cb(s, tg_refuse_early, NULL);
		if (o->early_reject == 2 && SSL_set_max_early_data(s, 0) != 1)
			tg_die("SSL_set_max_early_data");
		/* The ClientHello, then the early data, at once. */
		if (SSL_write_early_data(c, o->early, strlen(o->early),
		    &w) != 1 || w != strlen(o->early))
			tg_die("SSL_write_early_data");
		tg_pump(g, cw, sr, 0);
	}
	g->ok = tg_handshake(g, c, s, cw, cr, sw, sr, sess != NULL);
	if (g->ok && sess != NULL) {
		g->resumed = SSL_session_reused(c) == 1;
		g->early = SSL_get_early_data_status(c);
		if (g->early == SSL_EARLY_DATA_REJECTED && o->early_retry)
			tg_send_text(g, c, s, cw, sr, 0, o->early,
			    strlen(o->early));
	}
	SSL_SESSION_free(sess);
	if (g->ok) {
		g->suite = SSL_CIPHER_get_protocol_id(SSL_get_current_cipher(c));
		g->version = SSL_version(c);
		tg_group(g, c);
		for (i = 0; o->say != NULL && o->say[i] != NULL; i++) {
			int	d = o->say[i][0] == 'S';

			tg_send_text(g, d ? s : c, d ? c : s, d ? sw : cw,
			    d ? cr : sr, d, o->say[i] + 1,
			    strlen(o->say[i] + 1));
		}
		tg_talk(g, c, s, cw, cr, sw, sr, o->app / 2, ns / 2);
		if (o->keyupdate) {
			if (SSL_key_update(c, SSL_KEY_UPDATE_REQUESTED) != 1)
				tg_die("SSL_key_update");
			SSL_do_handshake(c);
			tg_pump(g, cw, sr, 0);
		}
		if (o->renegotiate) {
			uint8_t	rb[256];

			if (SSL_renegotiate(c) != 1)
				tg_die("SSL_renegotiate");
			for (i = 0; i < 20 && SSL_renegotiate_pending(c); i++) {
				SSL_do_handshake(c);
				tg_pump(g, cw, sr, 0);
				(void)SSL_read(s, rb, sizeof(rb));
				tg_pump(g, sw, cr, 1);
				(void)SSL_read(c, rb, sizeof(rb));
			}
			if (SSL_renegotiate_pending(c))
				tg_die("renegotiation");
		}
		tg_talk(g, c, s, cw, cr, sw, sr, o->app - o->app / 2,
		    ns - ns / 2);
		if (o->keyupdate) {
			if (SSL_key_update(s, SSL_KEY_UPDATE_NOT_REQUESTED) != 1)
				tg_die("SSL_key_update");
			SSL_do_handshake(s);
			tg_pump(g, sw, cr, 1);
			tg_talk(g, c, s, cw, cr, sw, sr, 100, 3000);
		}
		if (o->shutdown) {
			SSL_shutdown(c);
			tg_pump(g, cw, sr, 0);
			SSL_shutdown(s);
			tg_pump(g, sw, cr, 1);
		}
	}
	SSL_free(c);
	SSL_free(s);
	SSL_CTX_free(cctx);
	SSL_CTX_free(sctx);
	tg_cur = NULL;
}

static void
tg_free(struct tg *g)
{
	free(g->bytes);
	free(g->ch);
	free(g->keylog);
	free(g->sent[0]);
	free(g->sent[1]);
	memset(g, 0, sizeof(*g));
}

/* A record of a transcript: direction, outer type, where it starts. */
struct tg_rec {
	int		 dir;
	unsigned	 type;
	size_t		 off;		/* of its header, in tg.bytes */
	size_t		 len;		/* of its body */
};

/* The records of g, in order (each chunk holds whole records). */
static size_t	tg_records(const struct tg *, struct tg_rec *, size_t)
		    __attribute__((unused));

static size_t
tg_records(const struct tg *g, struct tg_rec *r, size_t max)
{
	size_t	i, o, n = 0;

	for (i = 0; i < g->nch; i++)
		for (o = g->ch[i].off; o + 5 <= g->ch[i].off + g->ch[i].len &&
		    n < max; n++) {
			r[n].dir = g->ch[i].dir;
			r[n].type = g->bytes[o];
			r[n].off = o;
			r[n].len = (size_t)g->bytes[o + 3] << 8 | g->bytes[o + 4];
			o += 5 + r[n].len;
		}
	return n;
}

#endif
