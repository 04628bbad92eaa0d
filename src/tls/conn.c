/*
 * SPDX-License-Identifier: BSD-2-Clause
 * conn.c - one connection's TLS decoder (tls.h): records framed across any
 * segmentation, handshake messages across records, the key schedule
 * followed per direction, records opened with the direction's AEAD.
 *
 * A direction holds at most one record (its header, then its body in buf)
 * and one handshake message's kept body (mbuf): both bounded
 * (MT_TLS_REC12_HARD, MT_TLS_HS_HARD) and taken from the budget account.
 * A length over the bound is an anomaly, never an allocation.
 *
 * Which records are protected: in TLS 1.3 (RFC 8446 5), from the real
 * ServerHello on, every record of outer type application_data in both
 * directions (ChangeCipherSpec stays cleartext and is ignored, D.4); the
 * handshake traffic secrets until that side's Finished, then the
 * application traffic secrets, each KeyUpdate rolling its sender's.  In
 * TLS 1.2 (RFC 5246 7.1), every record of a direction after its
 * ChangeCipherSpec.
 *
 * 0-RTT (RFC 8446 4.2.10): after a ClientHello offering early_data, the
 * client's early records (under its early traffic secret, not decrypted
 * here) come before the ServerHello or, as the decoder holds them, after
 * it, where they do not open under the client's handshake keys; the first
 * record that does is its Finished.  Those records are skipped until
 * what the server did with them is known: rejected (its
 * EncryptedExtensions has no early_data, or it sent a HelloRetryRequest),
 * it skipped them too and the client's stream goes on from its Finished;
 * accepted, or not known by the Finished or the stream's end, the
 * client's stream starts with data not decrypted: tls_unsupported, and
 * the direction stops.
 */
#include "tls.h"
#include "tls_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#define REC_HDR		5
#define HS_HDR		4

enum epoch {
	EP_CLEAR,		/* nothing protected yet */
	EP_HS,			/* TLS 1.3 handshake traffic keys */
	EP_APP			/* application traffic keys (1.2: after CCS) */
};

/* What the server did with the client's 0-RTT data. */
enum early {
	EA_PENDING,		/* not known yet */
	EA_SKIPPED,		/* rejected: the server skipped it */
	EA_STOP			/* accepted (or TLS 1.2 chosen): not decoded */
};

struct tdir {
	/* the record in progress */
	uint8_t		 hdr[REC_HDR];
	size_t		 hhave;
	uint8_t		*buf;
	size_t		 cap, need, have;
	/*
	 * A protected record with its key is decrypted as its bytes come,
	 * from the segment into buf (no copy first): the ciphertext is
	 * buf[ctoff, ctend), before it TLS 1.2's explicit nonce, after it
	 * the tag; the plaintext is used once the tag authenticated it.
	 */
	bool		 stream;
	bool		 sbegun;	/* nonce and aad given */
	bool		 sfail;		/* an EVP call failed: it fails */
	size_t		 ctoff, ctend;
	/* protection */
	bool		 enc;		/* records are protected */
	bool		 keyed;		/* ... and we hold the key */
	enum epoch	 ep;
	struct tls_aead	 aead;
	uint8_t		 secret[TLS_SECRET_MAX];	/* TLS 1.3 current */
	size_t		 seclen;
	/* the handshake message in progress */
	uint8_t		 mhdr[HS_HDR];
	size_t		 mhave;
	uint32_t	 mlen, mgot;
	uint8_t		*mbuf;
	size_t		 mkeep;		/* body bytes kept (<= MT_TLS_HS_HARD) */
	bool		 cert_seen;
	const char	*missing;	/* the secret a keyless epoch lacks */
	struct tls_dir_stats st;
};

struct tls_conn {
	struct tls_conn_env	 env;
	struct tdir		 d[2];
	bool			 have_ch;
	bool			 offers13;	/* the ClientHello offered 1.3 */
	bool			 early;		/* ... and 0-RTT data */
	enum early		 efate;
	uint64_t		 eskip;		/* client records skipped as
						   early data */
	bool			 hrr;
	uint8_t			 crandom[32];
	uint8_t			 srandom[32];
	uint16_t		 version, suite, group;
	const struct tls_suite	*s;		/* NULL: not decryptable */
	bool			 nokey_said;
};

static const char *const dir_names[2] = { "client", "server" };

static void	 anomaly(struct tls_conn *, enum an, mt_time, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
static void	 release(struct tls_conn *, enum tls_dir);
static void	 kill_dir(struct tls_conn *, enum tls_dir);
static bool	 take(struct tls_conn *, struct tdir *, size_t);
static void	 give(struct tls_conn *, struct tdir *, size_t);
static const struct tls_keys *keys_of(struct tls_conn *);
static void	 no_key(struct tls_conn *, enum tls_dir, mt_time);
static void	 key13(struct tls_conn *, enum tls_dir, enum tls_secret,
		    enum epoch, mt_time);
static void	 on_server_hello(struct tls_conn *, const uint8_t *, size_t,
		    mt_time);
static void	 early_decided(struct tls_conn *, enum early, mt_time);
static void	 early_skip(struct tls_conn *, size_t, mt_time);
static bool	 early_window(const struct tls_conn *, enum tls_dir);
static void	 on_ccs(struct tls_conn *, enum tls_dir, mt_time);
static void	 on_message(struct tls_conn *, enum tls_dir, mt_time);
static void	 on_handshake(struct tls_conn *, enum tls_dir, const uint8_t *,
		    size_t, mt_time);
static void	 on_alert(struct tls_conn *, enum tls_dir, const uint8_t *,
		    size_t, mt_time);
static void	 on_content(struct tls_conn *, enum tls_dir, unsigned,
		    const uint8_t *, size_t, bool, mt_time);
static int	 open_record(struct tdir *, uint8_t **, size_t *, unsigned *);
static void	 on_record(struct tls_conn *, enum tls_dir, mt_time);
static bool	 on_header(struct tls_conn *, enum tls_dir, mt_time);

static void
anomaly(struct tls_conn *c, enum an a, mt_time t, const char *fmt, ...)
{
	char	buf[MT_FIELD_HARD];
	va_list	ap;

	if (c->env.anomaly == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	c->env.anomaly(c->env.arg, a, buf, t);
}

static bool
take(struct tls_conn *c, struct tdir *d, size_t n)
{
	if (!mt_budget_take(NULL, c->env.acct, n))
		return false;
	d->st.held += n;
	return true;
}

static void
give(struct tls_conn *c, struct tdir *d, size_t n)
{
	mt_budget_give(NULL, c->env.acct, n);
	d->st.held -= n;
}

/* dir's buffers and keys are given up. */
static void
release(struct tls_conn *c, enum tls_dir dir)
{
	struct tdir	*d = &c->d[dir];

	d->keyed = false;
	tls_aead_clear(&d->aead);
	OPENSSL_cleanse(d->secret, sizeof(d->secret));
	free(d->buf);
	free(d->mbuf);
	d->buf = d->mbuf = NULL;
	give(c, d, d->st.held);
	d->cap = d->have = d->need = d->hhave = d->mhave = 0;
}

/* A fatal anomaly in dir: its bytes are only counted from here. */
static void
kill_dir(struct tls_conn *c, enum tls_dir dir)
{
	c->d[dir].st.dead = true;
	release(c, dir);
}

struct tls_conn *
tls_conn_new(const struct tls_conn_env *env, struct mt_err *err)
{
	struct tls_conn	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		mt_err_set(err, MT_E_INTERNAL, "out of memory");
		return NULL;
	}
	c->env = *env;
	return c;
}

void
tls_conn_free(struct tls_conn *c)
{
	int	i;

	if (c == NULL)
		return;
	for (i = 0; i < 2; i++)
		release(c, (enum tls_dir)i);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

void
tls_conn_stats(const struct tls_conn *c, enum tls_dir dir,
    struct tls_dir_stats *st)
{
	*st = c->d[dir].st;
	st->encrypted = c->d[dir].enc;
}

uint16_t
tls_conn_version(const struct tls_conn *c)
{
	return c->version;
}

uint16_t
tls_conn_suite(const struct tls_conn *c)
{
	return c->suite;
}

uint16_t
tls_conn_group(const struct tls_conn *c)
{
	return c->group;
}

/* The key exchange's group is known. */
static void
on_group(struct tls_conn *c, uint16_t group, mt_time t)
{
	if (group == 0)
		return;
	c->group = group;
	if (c->env.group != NULL)
		c->env.group(c->env.arg, group, t);
}

/* This session's secrets, or NULL. */
static const struct tls_keys *
keys_of(struct tls_conn *c)
{
	if (c->env.keys == NULL || !c->have_ch || c->s == NULL)
		return NULL;
	return tls_keylog_find(c->env.keys, c->crandom);
}

/*
 * A protected record of dir came and no key opens it: said once a
 * connection, when keys were given and the suite is one we decrypt (else
 * tls_unsupported said why).
 */
static void
no_key(struct tls_conn *c, enum tls_dir dir, mt_time t)
{
	const struct tls_keys	*k;
	char			 hex[65];
	int			 i;

	if (c->nokey_said || c->env.keys == NULL || c->s == NULL)
		return;
	c->nokey_said = true;
	if (!c->have_ch)
		anomaly(c, AN_TLS_NO_KEY, t, "no ClientHello was seen: its "
		    "random finds the keys");
	else if ((k = keys_of(c)) == NULL) {
		for (i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", c->crandom[i]);
		anomaly(c, AN_TLS_NO_KEY, t, "no key log entry for client "
		    "random %s", hex);
	} else
		anomaly(c, AN_TLS_NO_KEY, t, "the key log has no %s for this "
		    "session", c->d[dir].missing);
}

/* dir takes the TLS 1.3 secret sk for epoch ep (or no key). */
static void
key13(struct tls_conn *c, enum tls_dir dir, enum tls_secret sk, enum epoch ep,
    mt_time t)
{
	static const char *const sk_names[TLS_SK__COUNT] = {
		"CLIENT_RANDOM", "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
		"SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0",
		"SERVER_TRAFFIC_SECRET_0"
	};
	struct tdir		*d = &c->d[dir];
	const struct tls_keys	*k;

	d->enc = true;
	d->ep = ep;
	d->keyed = false;
	d->missing = sk_names[sk];
	if ((k = keys_of(c)) == NULL || k->len[sk] != c->s->hashlen)
		return;
	memcpy(d->secret, k->sec[sk], k->len[sk]);
	d->seclen = k->len[sk];
	if (tls13_key(&d->aead, c->s, d->secret, d->seclen) != 0) {
		anomaly(c, AN_TLS_UNSUPPORTED, t, "OpenSSL could not key %s "
		    "for the %s", tls_suite_name(c->suite, (char[8]){ 0 }, 8),
		    dir_names[dir]);
		return;
	}
	d->keyed = true;
}

static void
on_server_hello(struct tls_conn *c, const uint8_t *p, size_t n, mt_time t)
{
	struct tls_server_hello	 sh;
	char			 b[8];

	if (tls_parse_server_hello(p, n, &sh) != 0) {
		anomaly(c, AN_TLS_BAD_HANDSHAKE, t, "a malformed ServerHello");
		kill_dir(c, TLS_C2S);
		kill_dir(c, TLS_S2C);
		return;
	}
	if (c->env.server_hello != NULL)
		c->env.server_hello(c->env.arg, &sh, t);
	if (sh.hrr) {
		c->hrr = true;
		if (c->early)		/* RFC 8446 4.2.10: early data rejected */
			early_decided(c, EA_SKIPPED, t);
		return;
	}
	c->version = sh.version;
	c->suite = sh.suite;
	if (sh.version == TLS_V13)
		on_group(c, sh.group, t);
	memcpy(c->srandom, sh.random, 32);
	if (c->early && sh.version != TLS_V13)	/* the client must abort */
		early_decided(c, EA_STOP, t);
	c->s = tls_suite_find(sh.version, sh.suite);
	if (c->s == NULL && c->env.keys != NULL) {
		if (sh.version != TLS_V12 && sh.version != TLS_V13)
			anomaly(c, AN_TLS_UNSUPPORTED, t, "version %s (0x%04x) "
			    "is not decrypted", tls_version_name(sh.version) !=
			    NULL ? tls_version_name(sh.version) : "unknown",
			    sh.version);
		else
			anomaly(c, AN_TLS_UNSUPPORTED, t, "cipher suite %s is "
			    "not decrypted", tls_suite_name(sh.suite, b,
			    sizeof(b)));
	}
	if (sh.version == TLS_V13) {
		key13(c, TLS_S2C, TLS_SK_SHTS, EP_HS, t);
		key13(c, TLS_C2S, TLS_SK_CHTS, EP_HS, t);
	}
}

/* The client's stream starts with early data not decrypted: it stops. */
static void
early_stop(struct tls_conn *c, mt_time t)
{
	if (c->d[TLS_C2S].st.dead)
		return;
	anomaly(c, AN_TLS_UNSUPPORTED, t, "0-RTT early data is not decrypted");
	kill_dir(c, TLS_C2S);
}

/*
 * What the server did with the client's early data is known (or assumed:
 * EA_STOP).  Stopped: the early records skipped so far were read by the
 * server.
 */
static void
early_decided(struct tls_conn *c, enum early fate, mt_time t)
{
	if (c->efate != EA_PENDING)
		return;
	c->efate = fate;
	if (fate == EA_STOP && c->eskip > 0)
		early_stop(c, t);
}

/* A client record of n bytes taken for early data: not decoded. */
static void
early_skip(struct tls_conn *c, size_t n, mt_time t)
{
	c->d[TLS_C2S].st.opaque += REC_HDR + n;
	c->eskip++;
	if (c->efate == EA_STOP)
		early_stop(c, t);
}

/*
 * A protected record of dir that fails under the handshake keys is early
 * data: the client's, after a ClientHello offering it, before any record
 * under its handshake keys opened (the first is its Finished).
 */
static bool
early_window(const struct tls_conn *c, enum tls_dir dir)
{
	const struct tdir	*d = &c->d[dir];

	return dir == TLS_C2S && c->early && c->version == TLS_V13 &&
	    d->ep == EP_HS && d->aead.seq == 0;
}

/* A TLS 1.2 ChangeCipherSpec: dir's records are protected from here. */
static void
on_ccs(struct tls_conn *c, enum tls_dir dir, mt_time t)
{
	struct tdir		*d = &c->d[dir];
	const struct tls_keys	*k;
	const struct tls_suite	*s = c->s;
	uint8_t			 kb[2 * 32 + 2 * TLS_NONCE];
	size_t			 off;

	d->enc = true;
	d->ep = EP_APP;
	d->keyed = false;
	d->missing = "CLIENT_RANDOM";
	if ((k = keys_of(c)) == NULL || k->len[TLS_SK_MASTER] != 48)
		return;
	if (tls12_key_block(s, k->sec[TLS_SK_MASTER], c->crandom, c->srandom,
	    kb, 2u * s->keylen + 2u * s->ivlen) != 0) {
		anomaly(c, AN_TLS_UNSUPPORTED, t, "OpenSSL could not derive "
		    "the TLS 1.2 key block");
		return;
	}
	/* client key, server key, client IV, server IV (RFC 5246 6.3) */
	off = dir == TLS_C2S ? 0 : s->keylen;
	if (tls_aead_key(&d->aead, s, kb + off, kb + 2 * s->keylen +
	    (dir == TLS_C2S ? 0 : s->ivlen), s->ivlen) == 0)
		d->keyed = true;
	OPENSSL_cleanse(kb, sizeof(kb));
}

/* A complete handshake message of dir: mhdr, and mkeep bytes in mbuf. */
static void
on_message(struct tls_conn *c, enum tls_dir dir, mt_time t)
{
	struct tdir		*d = &c->d[dir];
	struct tls_client_hello	 ch;
	struct tls_cert		 cert;
	uint8_t			*m = d->mbuf;
	size_t			 i;
	uint16_t		 group;
	bool			 early;

	switch (d->mhdr[0]) {
	case 1:				/* ClientHello */
		if (dir != TLS_C2S || d->enc)
			break;
		if (d->mlen > d->mkeep ||
		    tls_parse_client_hello(m, d->mkeep, &ch) != 0) {
			anomaly(c, AN_TLS_BAD_HANDSHAKE, t, "a malformed "
			    "ClientHello");
			kill_dir(c, TLS_C2S);
			kill_dir(c, TLS_S2C);
			return;
		}
		ch.retry = c->hrr;
		c->have_ch = true;
		memcpy(c->crandom, ch.random, 32);
		for (i = 0; i < ch.nversions; i++)
			if (ch.versions[i] == TLS_V13)
				c->offers13 = true;
		c->early = ch.early_data;
		if (c->env.client_hello != NULL)
			c->env.client_hello(c->env.arg, &ch, t);
		break;
	case 2:				/* ServerHello, HelloRetryRequest */
		if (dir != TLS_S2C || d->enc)
			break;
		if (d->mlen > d->mkeep) {
			anomaly(c, AN_TLS_BAD_HANDSHAKE, t, "a ServerHello of "
			    "%u bytes", (unsigned)d->mlen);
			kill_dir(c, TLS_C2S);
			kill_dir(c, TLS_S2C);
			return;
		}
		on_server_hello(c, m, d->mkeep, t);
		break;
	case 8:				/* EncryptedExtensions */
		if (dir != TLS_S2C || c->version != TLS_V13 ||
		    d->ep != EP_HS || !c->early)
			break;
		if (d->mlen > d->mkeep ||
		    tls_parse_encrypted_extensions(m, d->mkeep, &early) != 0) {
			anomaly(c, AN_TLS_BAD_HANDSHAKE, t, "a malformed "
			    "EncryptedExtensions");
			break;
		}
		early_decided(c, early ? EA_STOP : EA_SKIPPED, t);
		break;
	case 11:			/* Certificate: the server's leaf */
		if (dir != TLS_S2C || d->cert_seen)
			break;
		d->cert_seen = true;
		if (tls_parse_certificate(m, d->mkeep, c->version == TLS_V13,
		    &cert) != 0) {
			anomaly(c, AN_TLS_BAD_HANDSHAKE, t, "a malformed "
			    "Certificate message");
			break;
		}
		if (c->env.certificate != NULL)
			c->env.certificate(c->env.arg, &cert, t);
		break;
	case 12:			/* TLS 1.2 ServerKeyExchange */
		if (dir != TLS_S2C || d->enc || c->version != TLS_V12 ||
		    !tls_suite_ecdhe(c->suite))
			break;
		if (tls_parse_server_key_exchange(m, d->mkeep, &group) != 0) {
			anomaly(c, AN_TLS_BAD_HANDSHAKE, t, "a malformed "
			    "ServerKeyExchange");
			break;
		}
		on_group(c, group, t);
		break;
	case 20:			/* Finished */
		if (!d->enc || d->st.established)
			break;
		if (c->version == TLS_V13 && d->ep == EP_HS)
			key13(c, dir, dir == TLS_C2S ? TLS_SK_CATS :
			    TLS_SK_SATS, EP_APP, t);
		if (d->keyed) {
			d->st.established = true;
			if (c->env.established != NULL)
				c->env.established(c->env.arg, dir, t);
		}
		break;
	case 24:			/* KeyUpdate (RFC 8446 4.6.3) */
		if (c->version != TLS_V13 || d->ep != EP_APP || !d->keyed)
			break;
		if (d->mlen != 1 || m[0] > 1) {
			anomaly(c, AN_TLS_BAD_HANDSHAKE, t, "a malformed "
			    "KeyUpdate from the %s", dir_names[dir]);
			kill_dir(c, dir);
			return;
		}
		if (tls13_expand(c->s, d->secret, d->seclen, "traffic upd",
		    d->secret, d->seclen) != 0 ||
		    tls13_key(&d->aead, c->s, d->secret, d->seclen) != 0) {
			anomaly(c, AN_TLS_UNSUPPORTED, t, "OpenSSL could not "
			    "derive the %s's updated key", dir_names[dir]);
			kill_dir(c, dir);
		}
		break;
	}
}

/* Handshake bytes of dir: messages reassembled across records. */
static void
on_handshake(struct tls_conn *c, enum tls_dir dir, const uint8_t *p, size_t n,
    mt_time t)
{
	struct tdir	*d = &c->d[dir];
	size_t		 k;
	unsigned	 type;

	while (!d->st.dead) {
		if (d->mhave < HS_HDR) {
			if (n == 0)
				return;
			k = HS_HDR - d->mhave < n ? HS_HDR - d->mhave : n;
			memcpy(d->mhdr + d->mhave, p, k);
			d->mhave += k;
			p += k;
			n -= k;
			if (d->mhave < HS_HDR)
				return;
			type = d->mhdr[0];
			d->mlen = (uint32_t)d->mhdr[1] << 16 |
			    (uint32_t)d->mhdr[2] << 8 | d->mhdr[3];
			d->mgot = 0;
			/* Kept: what is parsed; the rest is only skipped
			 * (of a ServerKeyExchange, its curve's 3 bytes). */
			d->mkeep = type == 1 || type == 2 || type == 8 ||
			    type == 11 || type == 24 ? (d->mlen <
			    MT_TLS_HS_HARD ? d->mlen : MT_TLS_HS_HARD) :
			    type == 12 ? (d->mlen < 3 ? d->mlen : 3) : 0;
			if (d->mkeep > 0 && take(c, d, d->mkeep) &&
			    (d->mbuf = malloc(d->mkeep)) == NULL)
				give(c, d, d->mkeep);
			if (d->mkeep > 0 && d->mbuf == NULL) {
				anomaly(c, AN_MEM_BUDGET, t, "no room for a "
				    "TLS handshake message of %u bytes",
				    (unsigned)d->mlen);
				kill_dir(c, dir);
				return;
			}
		}
		if (d->mgot < d->mlen) {
			if (n == 0)
				return;
			k = d->mlen - d->mgot < n ? d->mlen - d->mgot : n;
			if (d->mgot < d->mkeep)
				memcpy(d->mbuf + d->mgot, p, d->mkeep -
				    d->mgot < k ? d->mkeep - d->mgot : k);
			d->mgot += (uint32_t)k;
			p += k;
			n -= k;
			if (d->mgot < d->mlen)
				return;
		}
		on_message(c, dir, t);
		if (d->mbuf != NULL) {
			free(d->mbuf);
			d->mbuf = NULL;
			give(c, d, d->mkeep);
		}
		d->mhave = 0;
		d->mkeep = 0;
	}
}

static void
on_alert(struct tls_conn *c, enum tls_dir dir, const uint8_t *p, size_t n,
    mt_time t)
{
	const char	*name;
	size_t		 i;

	if (n == 0 || n % 2 != 0) {
		anomaly(c, AN_TLS_BAD_RECORD, t, "an alert record of %zu bytes "
		    "from the %s", n, dir_names[dir]);
		kill_dir(c, dir);
		return;
	}
	for (i = 0; i < n; i += 2) {
		if (p[i + 1] == 0)		/* close_notify: a normal end */
			continue;
		name = tls_alert_name(p[i + 1]);
		anomaly(c, AN_TLS_ALERT, t, "%s %s (%u) from the %s",
		    p[i] == 2 ? "fatal" : p[i] == 1 ? "warning" : "level-?",
		    name != NULL ? name : "unknown", p[i + 1], dir_names[dir]);
	}
}

/* A record's content, decrypted (prot) or cleartext. */
static void
on_content(struct tls_conn *c, enum tls_dir dir, unsigned type,
    const uint8_t *p, size_t n, bool prot, mt_time t)
{
	struct tdir	*d = &c->d[dir];

	switch (type) {
	case 20:			/* change_cipher_spec */
		if (prot && c->version == TLS_V12 && n == 1 && p[0] == 1) {
			anomaly(c, AN_TLS_UNSUPPORTED, t, "a renegotiation by "
			    "the %s is not followed", dir_names[dir]);
			kill_dir(c, dir);
		} else if (prot || n != 1 || p[0] != 1) {
			anomaly(c, AN_TLS_BAD_RECORD, t, "a malformed "
			    "ChangeCipherSpec from the %s", dir_names[dir]);
			kill_dir(c, dir);
		} else if (c->version == TLS_V13 || (c->version == 0 &&
		    c->offers13))
			;		/* TLS 1.3 middlebox compatibility */
		else
			on_ccs(c, dir, t);
		break;
	case 21:
		on_alert(c, dir, p, n, t);
		break;
	case 22:
		on_handshake(c, dir, p, n, t);
		break;
	case 23:
		if (!prot) {
			/* Early data before the ServerHello (or a TLS 1.2
			 * one: the client aborts). */
			if (c->early && dir == TLS_C2S && !d->enc) {
				early_skip(c, n, t);
				break;
			}
			anomaly(c, AN_TLS_BAD_RECORD, t, "application data "
			    "from the %s before its handshake ended",
			    dir_names[dir]);
			kill_dir(c, dir);
			break;
		}
		if (c->version == TLS_V13 && d->ep != EP_APP) {
			anomaly(c, AN_TLS_BAD_RECORD, t, "application data "
			    "under the %s's handshake keys", dir_names[dir]);
			kill_dir(c, dir);
			break;
		}
		d->st.plain += n;
		if (c->env.plain != NULL && n > 0)
			c->env.plain(c->env.arg, dir, p, n, t);
		break;
	case 24:			/* heartbeat (RFC 6520): ignored */
		break;
	default:
		anomaly(c, AN_TLS_BAD_RECORD, t, "content type %u from the %s",
		    type, dir_names[dir]);
		kill_dir(c, dir);
	}
}

/*
 * The nonce and additional data of d's next protected record, with ctlen
 * bytes of ciphertext and (TLS 1.2 GCM) its explicit nonce: the length
 * of the additional data.
 */
static size_t
rec_nonce(const struct tdir *d, const uint8_t *explicit, size_t ctlen,
    uint8_t nonce[TLS_NONCE], uint8_t aad[13])
{
	const struct tls_aead	*a = &d->aead;
	size_t			 i;

	if (a->s->explicit_nonce > 0) {		/* RFC 5288 3 */
		memcpy(nonce, a->iv, 4);
		memcpy(nonce + 4, explicit, 8);
	} else {				/* RFC 8446 5.3, RFC 7905 2 */
		memcpy(nonce, a->iv, TLS_NONCE);
		for (i = 0; i < 8; i++)
			nonce[4 + i] ^= (uint8_t)(a->seq >> (56 - 8 * i));
	}
	if (a->s->version == TLS_V13) {
		memcpy(aad, d->hdr, REC_HDR);
		return REC_HDR;
	}
	for (i = 0; i < 8; i++)			/* RFC 5246 6.2.3.3 */
		aad[i] = (uint8_t)(a->seq >> (56 - 8 * i));
	memcpy(aad + 8, d->hdr, 3);
	aad[11] = (uint8_t)(ctlen >> 8);
	aad[12] = (uint8_t)ctlen;
	return 13;
}

/*
 * d's record authenticated, its plaintext ct[0..ctlen): the next
 * sequence number, and the content type (TLS 1.3: the inner one, after
 * the padding; -2 when there is none).
 */
static int
rec_inner(struct tdir *d, uint8_t *ct, size_t ctlen, uint8_t **pt,
    size_t *ptlen, unsigned *type)
{
	d->aead.seq++;
	*pt = ct;
	*type = d->hdr[0];
	if (d->aead.s->version == TLS_V13) {	/* RFC 8446 5.4: padding */
		while (ctlen > 0 && ct[ctlen - 1] == 0)
			ctlen--;
		if (ctlen == 0)
			return -2;
		*type = ct[--ctlen];
	}
	*ptlen = ctlen;
	return 0;
}

/*
 * Open d's protected record: the plaintext and its content type.  -1
 * when it does not authenticate.  Decrypted as it came (d->stream), only
 * the tag is left; otherwise in place, whole.
 */
static int
open_record(struct tdir *d, uint8_t **pt, size_t *ptlen, unsigned *type)
{
	struct tls_aead	*a = &d->aead;
	uint8_t		 nonce[TLS_NONCE], aad[13], *ct = d->buf;
	size_t		 len = d->need, ctlen, aadlen;

	if (d->stream) {
		if (d->sfail || !d->sbegun ||
		    tls_aead_finish(a, d->buf + d->ctend) != 0)
			return -1;
		return rec_inner(d, d->buf + d->ctoff, d->ctend - d->ctoff,
		    pt, ptlen, type);
	}
	if (len < (size_t)TLS_TAG + a->s->explicit_nonce)
		return -1;
	ctlen = len - (size_t)TLS_TAG - a->s->explicit_nonce;
	aadlen = rec_nonce(d, d->buf, ctlen, nonce, aad);
	ct += a->s->explicit_nonce;
	if (tls_aead_open(a, nonce, aad, aadlen, ct, ctlen, ct + ctlen) != 0)
		return -1;
	return rec_inner(d, ct, ctlen, pt, ptlen, type);
}

/* A streamed record's nonce and aad, once its explicit nonce is in. */
static void
stream_begin(struct tdir *d)
{
	uint8_t	nonce[TLS_NONCE], aad[13];
	size_t	aadlen;

	aadlen = rec_nonce(d, d->buf, d->ctend - d->ctoff, nonce, aad);
	d->sbegun = true;
	if (tls_aead_begin(&d->aead, nonce, aad, aadlen) != 0)
		d->sfail = true;
}

/*
 * k body bytes of d's record at p: copied into buf, or for a streamed
 * record decrypted into it (the explicit nonce and the tag copied).
 */
static void
put_body(struct tdir *d, const uint8_t *p, size_t k)
{
	size_t	n;

	if (!d->stream) {
		memcpy(d->buf + d->have, p, k);
		d->have += k;
		return;
	}
	while (k > 0) {
		if (d->have < d->ctoff) {
			n = d->ctoff - d->have < k ? d->ctoff - d->have : k;
			memcpy(d->buf + d->have, p, n);
			if (d->have + n == d->ctoff)
				stream_begin(d);
		} else if (d->have < d->ctend) {
			n = d->ctend - d->have < k ? d->ctend - d->have : k;
			if (!d->sfail && tls_aead_update(&d->aead,
			    d->buf + d->have, p, n) != 0)
				d->sfail = true;
		} else {
			n = k;
			memcpy(d->buf + d->have, p, n);
		}
		d->have += n;
		p += n;
		k -= n;
	}
}

/* d's record is complete: hdr, and need bytes in buf. */
static void
on_record(struct tls_conn *c, enum tls_dir dir, mt_time t)
{
	struct tdir	*d = &c->d[dir];
	unsigned	 type = d->hdr[0];
	uint8_t		*pt;
	size_t		 ptlen;
	int		 rc;
	bool		 ewin;

	d->st.records++;
	if (!d->enc || (c->version == TLS_V13 && type != 23)) {
		if (d->enc && type == 20)
			return;		/* 1.3: compatibility CCS */
		on_content(c, dir, type, d->buf, d->need, false, t);
		return;
	}
	if (!d->keyed) {
		no_key(c, dir, t);
		d->st.opaque += REC_HDR + d->need;
		return;
	}
	ewin = early_window(c, dir);
	if ((rc = open_record(d, &pt, &ptlen, &type)) != 0) {
		if (rc == -1 && ewin) {
			early_skip(c, d->need, t);
			return;
		}
		if (rc == -2)
			anomaly(c, AN_TLS_BAD_RECORD, t, "%s record %llu has "
			    "no content type", dir_names[dir],
			    (unsigned long long)d->aead.seq - 1);
		else
			anomaly(c, AN_TLS_AUTH, t, "%s record %llu (%zu bytes) "
			    "failed authentication", dir_names[dir],
			    (unsigned long long)d->aead.seq, d->need);
		d->st.opaque += REC_HDR + d->need;
		kill_dir(c, dir);
		return;
	}
	if (ewin && c->eskip > 0 && c->efate == EA_PENDING) {
		/* Its Finished, and the server's answer was not seen. */
		d->st.opaque += REC_HDR + d->need;
		early_decided(c, EA_STOP, t);
		return;
	}
	on_content(c, dir, type, pt, ptlen, true, t);
}

/* d's header is complete: check it, make room for the body. */
static bool
on_header(struct tls_conn *c, enum tls_dir dir, mt_time t)
{
	struct tdir	*d = &c->d[dir];
	unsigned	 type = d->hdr[0], len;
	size_t		 limit;
	uint8_t		*nb;

	len = (unsigned)d->hdr[3] << 8 | d->hdr[4];
	if (type < 20 || type > 24 || d->hdr[1] != 3) {
		anomaly(c, AN_TLS_BAD_RECORD, t, "not a TLS record from the "
		    "%s (type %u, version 0x%02x%02x)", dir_names[dir], type,
		    d->hdr[1], d->hdr[2]);
		d->st.opaque += REC_HDR;
		kill_dir(c, dir);
		return false;
	}
	limit = c->version == TLS_V13 && d->enc ? MT_TLS_REC13_HARD :
	    MT_TLS_REC12_HARD;
	if (len > limit) {
		anomaly(c, AN_TLS_TOO_LONG, t, "a %s record of %u bytes (at "
		    "most %zu)", dir_names[dir], len, limit);
		d->st.opaque += REC_HDR;
		kill_dir(c, dir);
		return false;
	}
	if (len > d->cap) {
		nb = NULL;
		if (take(c, d, len - d->cap) &&
		    (nb = realloc(d->buf, len)) == NULL)
			give(c, d, len - d->cap);
		if (nb == NULL) {
			anomaly(c, AN_MEM_BUDGET, t, "no room for a TLS record "
			    "of %u bytes", len);
			d->st.opaque += REC_HDR;
			kill_dir(c, dir);
			return false;
		}
		d->buf = nb;
		d->cap = len;
	}
	d->need = len;
	d->have = 0;
	/* A protected record on_record() opens: decrypted as it comes. */
	d->stream = d->enc && d->keyed && (c->version != TLS_V13 ||
	    type == 23) && len >= (size_t)TLS_TAG + d->aead.s->explicit_nonce;
	d->sbegun = d->sfail = false;
	if (d->stream) {
		d->ctoff = d->aead.s->explicit_nonce;
		d->ctend = len - TLS_TAG;
		if (d->ctoff == 0)
			stream_begin(d);
	}
	return true;
}

void
tls_conn_bytes(struct tls_conn *c, enum tls_dir dir, const uint8_t *p,
    size_t n, mt_time t)
{
	struct tdir	*d = &c->d[dir];
	size_t		 k;

	d->st.bytes += n;
	while (!d->st.dead) {
		if (d->hhave < REC_HDR) {
			if (n == 0)
				return;
			k = REC_HDR - d->hhave < n ? REC_HDR - d->hhave : n;
			memcpy(d->hdr + d->hhave, p, k);
			d->hhave += k;
			p += k;
			n -= k;
			if (d->hhave < REC_HDR || !on_header(c, dir, t))
				continue;
		}
		if (d->have < d->need) {
			if (n == 0)
				return;
			k = d->need - d->have < n ? d->need - d->have : n;
			put_body(d, p, k);
			p += k;
			n -= k;
			if (d->have < d->need)
				return;
		}
		on_record(c, dir, t);
		d->hhave = d->have = d->need = 0;
	}
	d->st.opaque += n;
}

void
tls_conn_gap(struct tls_conn *c, enum tls_dir dir, uint64_t nbytes, mt_time t)
{
	struct tdir	*d = &c->d[dir];

	d->st.opaque += nbytes;
	if (d->st.dead)
		return;
	if (d->hhave > 0)
		anomaly(c, AN_TLS_GAP, t, "%llu bytes of the %s lost inside a "
		    "record", (unsigned long long)nbytes, dir_names[dir]);
	else
		anomaly(c, AN_TLS_GAP, t, "%llu bytes of the %s lost between "
		    "records", (unsigned long long)nbytes, dir_names[dir]);
	kill_dir(c, dir);
}

void
tls_conn_end(struct tls_conn *c, enum tls_dir dir, mt_time t)
{
	struct tdir	*d = &c->d[dir];

	if (dir == TLS_C2S && c->eskip > 0) {
		early_decided(c, EA_STOP, t);	/* never known: not decoded */
		/* Rejected, and no record after them opened: its Finished
		 * failed too, not early data. */
		if (!d->st.dead && d->keyed && early_window(c, dir))
			anomaly(c, AN_TLS_AUTH, t, "none of the client's %llu "
			    "records after its ClientHello authenticated "
			    "(taken for rejected 0-RTT early data)",
			    (unsigned long long)c->eskip);
	}
	if (d->st.dead)
		return;
	if (d->hhave > 0 || d->mhave > 0) {
		if (d->hhave > 0)
			anomaly(c, AN_TLS_TRUNCATED, t, "the %s's stream ended "
			    "%zu bytes into a record of %zu", dir_names[dir],
			    d->hhave + d->have, d->hhave < REC_HDR ? (size_t)0 :
			    REC_HDR + d->need);
		else
			anomaly(c, AN_TLS_TRUNCATED, t, "the %s's stream ended "
			    "inside a handshake message", dir_names[dir]);
		d->st.opaque += d->hhave + d->have;
		d->st.dead = true;
	}
	release(c, dir);
}
