/*
 * tls.h - the decoder's TLS layer: NSS key logs, the record layer over
 * two reassembled byte streams, the handshake's cleartext facts and
 * decryption with OpenSSL (EVP AEAD, the TLS 1.3 KDF, the TLS 1.2 PRF).
 * It sits between TCP reassembly and the protocol model and knows nothing
 * about either: bytes of a direction in, decrypted application bytes of
 * that direction out (docs/tls.md).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_TLS_TLS_H
#define MT_TLS_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "budget.h"
#include "ev.h"
#include "mt.h"
#include "mt_limits.h"

/* Same values as proto's enum dir and reasm's: the decoder casts. */
enum tls_dir {
	TLS_C2S = 0,
	TLS_S2C = 1
};

/* Protocol versions (RFC 8446 4.2.1) and the HRR marker. */
#define TLS_V12		0x0303
#define TLS_V13		0x0304

/* ---- key logs ---------------------------------------------------------- */

/*
 * The secrets a key log gives one session, found by its ClientHello's
 * random.  len[i] is 0 when the log has no line of that label.
 */
enum tls_secret {
	TLS_SK_MASTER,		/* CLIENT_RANDOM: TLS 1.2 master secret, 48 */
	TLS_SK_CHTS,		/* CLIENT_HANDSHAKE_TRAFFIC_SECRET */
	TLS_SK_SHTS,		/* SERVER_HANDSHAKE_TRAFFIC_SECRET */
	TLS_SK_CATS,		/* CLIENT_TRAFFIC_SECRET_0 */
	TLS_SK_SATS,		/* SERVER_TRAFFIC_SECRET_0 */
	TLS_SK__COUNT
};

#define TLS_SECRET_MAX	48	/* SHA-384's output: the longest secret */

struct tls_keys {
	uint8_t		 random[32];
	uint8_t		 len[TLS_SK__COUNT];
	uint8_t		 sec[TLS_SK__COUNT][TLS_SECRET_MAX];
};

struct tls_keylog_stats {
	size_t		 sessions;	/* client randoms held */
	uint64_t	 lines;		/* secret lines taken */
	uint64_t	 ignored;	/* lines of other labels (EXPORTER_SECRET, ...) */
	uint64_t	 bad;		/* malformed lines */
	uint64_t	 first_bad;	/* line number of the first (in its text) */
	uint64_t	 dropped;	/* lines for sessions past MT_TLS_KEYS_HARD */
};

struct tls_keylog;

/*
 * An empty key log.  Memory: at most MT_TLS_KEYS_HARD sessions of
 * sizeof(struct tls_keys) (277 bytes) each, plus an index of at most 8
 * bytes a session: under 19 MiB for a whole process, whatever the input.
 * NULL on allocation failure (err filled; err may be NULL).
 */
struct tls_keylog *tls_keylog_new(struct mt_err *);
/*
 * Add the lines of the key log file at path (at most MT_TLS_KEYLOG_FILE_HARD
 * bytes are read; longer is refused).  Returns 0 when the file gave at least
 * one valid secret line (malformed lines are only counted: tls_keylog_stats);
 * -MT_E_USAGE, err filled with one line naming the file, when it cannot be
 * read, is too long, or holds no valid line.
 */
int		 tls_keylog_load_file(struct tls_keylog *, const char *path,
		    struct mt_err *);
/*
 * The same for text[0..len) (a pcapng Decryption Secrets Block's), what
 * naming it in messages ("decryption secrets block 2").  The text is not
 * kept.  An empty text is an error too.
 */
int		 tls_keylog_add_text(struct tls_keylog *, const char *text,
		    size_t len, const char *what, struct mt_err *);
/* The secrets of the session whose ClientHello random is random; NULL:
 * none.  Valid until the next add or the free. */
const struct tls_keys *tls_keylog_find(const struct tls_keylog *,
		    const uint8_t random[32]);
void		 tls_keylog_stats(const struct tls_keylog *,
		    struct tls_keylog_stats *);
/* NULL-safe. */
void		 tls_keylog_free(struct tls_keylog *);

/* ---- the handshake's cleartext facts ------------------------------------ */

struct tls_client_hello {
	uint16_t	 legacy_version;
	uint8_t		 random[32];
	char		 sni[MT_TLS_NAME_HARD];	/* host_name, printable; "" none */
	/* supported_versions (RFC 8446 4.2.1), or legacy_version alone */
	uint16_t	 versions[MT_TLS_LIST_HARD];
	size_t		 nversions;
	uint16_t	 suites[MT_TLS_LIST_HARD];	/* the first ones, in order */
	size_t		 nsuites;		/* all offered (may exceed the array) */
	bool		 early_data;		/* offers 0-RTT data */
	bool		 retry;			/* the second, after a HelloRetryRequest */
};

struct tls_server_hello {
	bool		 hrr;			/* a HelloRetryRequest */
	uint16_t	 legacy_version;
	uint16_t	 version;		/* chosen: supported_versions or legacy */
	uint16_t	 suite;
	uint8_t		 random[32];
	/* key_share (RFC 8446 4.2.8): the server's group; a
	 * HelloRetryRequest's, the group it asks for; 0: none */
	uint16_t	 group;
};

/* The server's leaf certificate: sent in cleartext in TLS 1.2, decrypted
 * in TLS 1.3 when keys exist. */
struct tls_cert {
	char		 subject[MT_TLS_NAME_HARD];	/* RFC 2253 */
	char		 issuer[MT_TLS_NAME_HARD];
	char		 sans[MT_TLS_SANS_HARD];	/* "DNS:a, IP:1.2.3.4" */
	char		 serial[MT_TLS_SERIAL_HARD];	/* hex, upper case */
	int64_t		 not_before;			/* seconds since the epoch */
	int64_t		 not_after;
	int		 chain_len;			/* certificates sent */
};

/* "TLSv1.3" as OpenSSL names it; NULL when not a TLS version. */
const char	*tls_version_name(uint16_t);
/* The suite's OpenSSL name ("TLS_AES_128_GCM_SHA256",
 * "ECDHE-RSA-AES128-GCM-SHA256"), else "0xC0FF" in buf (size >= 8). */
const char	*tls_suite_name(uint16_t, char *buf, size_t);
/*
 * The key exchange group's name (RFC 8446 4.2.7, RFC 8422 5.1.1 named
 * curves: 0x001D) as OpenSSL names it, so as the probe records it
 * (SSL_group_to_name(): "x25519", "secp256r1", "ffdhe2048"); else "0x11EC"
 * in buf (size >= 8).
 */
const char	*tls_group_name(uint16_t, char *buf, size_t);
/* Does this layer decrypt the suite under the version? */
bool		 tls_suite_supported(uint16_t version, uint16_t suite);
/* The alert description's name (RFC 8446 6): "unknown_ca"; NULL unknown. */
const char	*tls_alert_name(uint8_t);

/* ---- one connection ----------------------------------------------------- */

/*
 * What a connection's decoder tells its owner.  Every callback is optional
 * (NULL).  Pointers passed to them are valid only during the call.  Calls
 * come only from inside tls_conn_bytes(), tls_conn_gap() and
 * tls_conn_end(), in stream order per direction; a callback must not call
 * a tls_conn_ function of the same conn (free it after the call returns).
 */
struct tls_conn_env {
	/* Decrypted application data of dir, in order, at t (the time of the
	 * bytes that completed its record). */
	void	(*plain)(void *arg, enum tls_dir, const uint8_t *, size_t,
		    mt_time t);
	/* dir's handshake ended and its application data starts (its
	 * Finished was decrypted): once a direction, only with keys. */
	void	(*established)(void *arg, enum tls_dir, mt_time t);
	/* A named anomaly (events/anomalies.def, AN_TLS_*, AN_MEM_BUDGET);
	 * detail is printable ASCII, never a secret. */
	void	(*anomaly)(void *arg, enum an, const char *detail, mt_time t);
	/* The handshake's facts, as they are parsed. */
	void	(*client_hello)(void *arg, const struct tls_client_hello *,
		    mt_time t);
	void	(*server_hello)(void *arg, const struct tls_server_hello *,
		    mt_time t);
	void	(*certificate)(void *arg, const struct tls_cert *, mt_time t);
	/* The key exchange's group (IANA id, tls_group_name()): the real
	 * ServerHello's key_share in TLS 1.3, the ServerKeyExchange's named
	 * curve in TLS 1.2 ECDHE (cleartext there); not for other TLS 1.2
	 * key exchanges (DHE, RSA), as OpenSSL tells none. */
	void	(*group)(void *arg, uint16_t group, mt_time t);
	void	*arg;
	/*
	 * The secrets to decrypt with; NULL: only the cleartext facts (and no
	 * tls_no_key anomaly).  Looked up when the handshake needs them, so
	 * secrets added before that moment count.  Must outlive the conn.
	 */
	const struct tls_keylog	*keys;
	/*
	 * The decoder's byte budget account (budget.h) that the record and
	 * handshake buffers are taken from; must outlive the conn.  NULL: no
	 * shared bound (each buffer is still bounded: one record and one
	 * handshake message a direction).
	 */
	struct mt_acct	*acct;
};

/* What a direction has seen so far. */
struct tls_dir_stats {
	uint64_t	 bytes;		/* every byte given, gaps excluded */
	uint64_t	 records;	/* complete records framed */
	uint64_t	 plain;		/* application bytes handed to plain() */
	uint64_t	 opaque;	/* bytes not decrypted (no key, after a
					   fatal anomaly, ...) */
	size_t		 held;		/* buffer bytes held now */
	bool		 encrypted;	/* its records are protected now */
	bool		 established;
	bool		 dead;		/* a fatal anomaly: bytes only counted */
};

struct tls_conn;

/* A connection's decoder; env is copied.  NULL on allocation failure. */
struct tls_conn	*tls_conn_new(const struct tls_conn_env *, struct mt_err *);
/* Bytes of dir, in stream order, received at t.  Any segmentation. */
void		 tls_conn_bytes(struct tls_conn *, enum tls_dir,
		    const uint8_t *, size_t, mt_time t);
/* nbytes of dir are missing: a tls_gap anomaly, and dir is dead. */
void		 tls_conn_gap(struct tls_conn *, enum tls_dir, uint64_t nbytes,
		    mt_time t);
/* dir ended (FIN, RST, end of capture): a record left incomplete is a
 * tls_truncated anomaly.  Nothing of dir may follow. */
void		 tls_conn_end(struct tls_conn *, enum tls_dir, mt_time t);
void		 tls_conn_stats(const struct tls_conn *, enum tls_dir,
		    struct tls_dir_stats *);
/* The chosen version and suite; 0 until the ServerHello.  The group: 0
 * until it was seen (env.group). */
uint16_t	 tls_conn_version(const struct tls_conn *);
uint16_t	 tls_conn_suite(const struct tls_conn *);
uint16_t	 tls_conn_group(const struct tls_conn *);
/* NULL-safe; gives the buffers back to the budget. */
void		 tls_conn_free(struct tls_conn *);

/* ---- recognition -------------------------------------------------------- */

enum tls_sniff {
	TLS_SNIFF_MORE,		/* fewer than 6 bytes: cannot tell yet */
	TLS_SNIFF_HELLO,	/* a handshake record starting a ClientHello */
	TLS_SNIFF_NO
};

/*
 * Does a stream whose first n bytes are p start with a TLS ClientHello
 * (RFC 8446 5.1, 4: content type 22, version 3.x, a plausible length,
 * handshake type 1)?  Looks at 6 bytes at most.
 */
enum tls_sniff	 tls_sniff_hello(const uint8_t *p, size_t n);

#endif
