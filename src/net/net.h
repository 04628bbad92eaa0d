/*
 * net.h - the probe's connection: a TCP socket, optionally with TLS on top.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * The net layer knows nothing about mail protocols: it moves bytes, bounds
 * every wait with a timeout, and turns socket and OpenSSL failures into
 * MT_E_* classes with a message for humans.  Nothing here buffers data: every
 * byte net_read() returns came off the socket (or out of OpenSSL's record
 * layer) in that call, so the caller sees exactly what the server sent.
 *
 * Timeouts are in milliseconds; 0 (or a negative value) means wait forever.
 * All waits use CLOCK_MONOTONIC and go through the wait door (loop/wait.h):
 * poll() on the calling thread, or, when a batch's loop runs the session,
 * the loop.  A stop (wait_stop(), for SIGINT and SIGTERM) makes every wait
 * of every connection (connect, TLS, read, write) fail at once with
 * MT_E_INTR.  No function raises SIGPIPE.
 *
 * A connection may also have a session limit (net_connect_until()): an
 * instant after which every call on it fails with MT_E_TIMEOUT, message
 * "WHAT: session time limit reached".  Each wait then lasts at most until
 * the earlier of its own timeout and the limit, so a peer that sends a byte
 * now and then cannot keep a session alive past it.
 *
 * A struct net is not thread-safe; use one from one thread at a time.
 * Different struct nets may be used from different threads.
 */
#ifndef MT_NET_NET_H
#define MT_NET_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mt.h"

struct net;	/* opaque: a connected TCP socket, optionally with TLS on top */
struct rec_tls;	/* trace.h: the facts of a handshake */

struct net_keylog;	/* an open NSS key log (keylog.c) */

struct net_tls_opts {
	const char	*cafile;	/* trust this CA file (PEM); NULL = system default trust store */
	bool		 insecure;	/* skip certificate and host name verification */
	const char	*servername;	/* SNI and host name to verify (a name or an IP literal) */
	struct net_keylog *keylog;	/* append the session's key log lines; NULL: none */
	int		 max_version;	/* 0: OpenSSL's highest; TLS1_2_VERSION: 1.2 at most */
};

/*
 * Open path for appending NSS key log lines (SSLKEYLOGFILE format), created
 * mode 0600 when it is not there; a file there already keeps its mode.  One
 * key log may serve every connection of the process, on any thread: each
 * line is one write() with O_APPEND.  MT_E_USAGE (err says why) when it
 * cannot be opened or is not a regular file.  Close with net_keylog_close().
 */
int		 net_keylog_open(const char *path, struct net_keylog **out,
		    struct mt_err *err);
/* NULL-safe; only after every connection using it is closed. */
void		 net_keylog_close(struct net_keylog *);

/*
 * Resolve host (getaddrinfo, AF_UNSPEC, each address in the resolver's
 * order) and connect with a non-blocking connect and poll.  host is a name,
 * an IPv4 literal or an IPv6 literal ("::1"; "[::1]" is accepted too).
 * timeout_ms bounds the connect attempts together, not the name resolution
 * (getaddrinfo cannot be bounded); when an address fails, the next is tried
 * with the time that is left.
 *
 * On success *out is a new connection owned by the caller (free it with
 * net_close()) and 0 is returned.  On failure *out is NULL and:
 *   MT_E_NOHOST       resolution failed (message has gai_strerror)
 *   MT_E_CONNREFUSED  ECONNREFUSED, EHOSTUNREACH or ENETUNREACH
 *   MT_E_TIMEOUT      the connect timed out
 *   MT_E_IO           any other errno
 *   MT_E_INTERNAL     out of memory, bad arguments
 * For several addresses the error is the last address's.  host is only read
 * during the call.
 */
int		 net_connect(const char *host, uint16_t port, int timeout_ms,
		    struct net **out, struct mt_err *err);

#define NET_NO_LIMIT	((int64_t)-1)

/* The session limit ms milliseconds from now; NET_NO_LIMIT for ms <= 0. */
/* The OpenSSL library this process runs with ("OpenSSL 3.0.15 3 Sep 2024"). */
const char	*net_tls_library(void);
int64_t		 net_limit_in(int64_t ms);
/* True once the limit (not NET_NO_LIMIT) has passed. */
bool		 net_limit_passed(int64_t limit);

/*
 * net_connect() with a session limit (net_limit_in(), or NET_NO_LIMIT): the
 * connect attempts end at the limit if it comes before timeout_ms, and the
 * connection keeps it for net_tls(), net_read() and net_write_all().
 */
int		 net_connect_until(const char *host, uint16_t port,
		    int timeout_ms, int64_t limit, struct net **out,
		    struct mt_err *err);

/*
 * Run a TLS client handshake on the connected socket (implicit TLS, or after
 * a positive reply to STLS/STARTTLS), bounded by timeout_ms in total.  TLS 1.2
 * is the minimum version.
 *
 * Unless opts->insecure, the chain is verified against opts->cafile (or the
 * system trust store when NULL) and, when opts->servername is set, the
 * certificate must match it (a DNS name, or an IP literal matched against
 * iPAddress SANs).  With servername NULL only the chain is checked.  SNI is
 * sent for names, not for IP literals (RFC 6066 3).  opts may be NULL: system
 * trust store, no name check.  opts and its strings are only read during the
 * call.  Under opts->insecure the same trust is loaded and the chain and
 * the name are checked all the same, for net_tls_facts(), but neither
 * fails the handshake.
 *
 * Returns 0 on success; net_is_tls() and net_tls_facts() are then true.  Failures:
 *   MT_E_TLS      handshake failed; the message says why, e.g.
 *                 "certificate verify failed: self-signed certificate",
 *                 "certificate verify failed: hostname mismatch", or the
 *                 OpenSSL reason ("TLS handshake failed: wrong version
 *                 number")
 *   MT_E_TIMEOUT  the handshake did not finish in time (or the session
 *                 limit passed)
 *   MT_E_EOF      the peer closed the connection during the handshake
 *   MT_E_IO       the connection was reset or another socket error
 *   MT_E_USAGE    the CA file cannot be loaded, servername too long
 *   MT_E_INTERNAL TLS already active, out of memory
 * After a failure the connection is unusable: only net_close() it.
 *
 * net/ buffers nothing, so plaintext the server sent after its STLS or
 * STARTTLS reply is either already in the caller's buffer (the caller must
 * check, STYLE 10) or still on the socket, where the handshake reads it as a
 * TLS record and fails with MT_E_TLS: it is never delivered as TLS data.
 */
int		 net_tls(struct net *, const struct net_tls_opts *opts,
		    int timeout_ms, struct mt_err *err);

/*
 * Check a --cafile before any connection: path must be a readable regular
 * file that OpenSSL loads as PEM and that holds at least one certificate.
 * Returns 0, or MT_E_USAGE with a message naming the file and the reason
 * (a directory, not PEM, no certificate, the errno), or MT_E_INTERNAL.
 */
int		 net_cafile_check(const char *path, struct mt_err *err);

/*
 * Read up to n (> 0) bytes into buf, waiting at most timeout_ms for the
 * first byte.  Returns the number of bytes read (> 0); 0 on an orderly
 * close by the peer (EOF; with TLS, a close_notify, and also a close
 * without close_notify); or a negative MT_E_* with err filled:
 *   MT_E_TIMEOUT  nothing arrived in time (the connection stays usable),
 *                 or the session limit has passed (even when bytes wait)
 *   MT_E_IO       ECONNRESET ("connection reset by peer"), other errno, or a
 *                 TLS protocol error
 * n larger than LONG_MAX is clamped.
 */
long		 net_read(struct net *, void *buf, size_t n, int timeout_ms,
		    struct mt_err *err);

/*
 * Write all n bytes of buf.  timeout_ms bounds each wait for the socket to
 * become writable (a slow but moving peer does not time out; the session
 * limit does bound the whole write).  Returns 0, or MT_E_TIMEOUT, or
 * MT_E_IO (EPIPE, ECONNRESET, other errno, TLS error).
 * After a failure some bytes may have been sent.  Never raises SIGPIPE.
 */
int		 net_write_all(struct net *, const void *buf, size_t n,
		    int timeout_ms, struct mt_err *err);

/* True when a TLS handshake has completed on this connection. */
bool		 net_is_tls(const struct net *);

/*
 * Copy the connection's endpoints, numeric, into client (the local end) and
 * server (the peer): "127.0.0.1:40312", "[::1]:110".  Either buffer may be
 * NULL or of size 0; otherwise it is always NUL-terminated (MT_ADDR_HARD
 * bytes are enough).
 */
void		 net_endpoints(const struct net *, char *client, size_t csz,
		    char *server, size_t ssz);

/*
 * The negotiated protocol and cipher, "TLSv1.3 TLS_AES_256_GCM_SHA384", or
 * "" without TLS.  Owned by the connection; valid until net_close().
 */
const char	*net_tls_desc(const struct net *);

/*
 * The facts of the connection's handshake (trace.h struct rec_tls,
 * docs/records.md "TLS facts"), collected when net_tls() succeeded:
 * version, cipher, the negotiated group (SSL_get_negotiated_group();
 * "" when OpenSSL does not tell), the handshake's own time (from its
 * first message to its end, on the monotonic clock; the CA file's loading
 * before it is not counted), connect_us the TCP connect's time (as
 * net_connect_us()), the peer certificate's subject and issuer (RFC 2253),
 * DNS and IP subjectAltNames, serial, validity, days left at the end of
 * the handshake, the chain's length, and its verification: the chain's
 * result (SSL_get_verify_result()) and the server name's check
 * (X509_check_host() / X509_check_ip_asc()).  Both are computed under
 * opts->insecure too (the trust store is loaded; nothing is enforced):
 * verify is "ok", the chain's error ("self-signed certificate"), the
 * name's ("hostname mismatch", "IP address mismatch"), or both, ", "
 * between.  False (out untouched) when no handshake completed: a failed
 * handshake has no facts.
 */
bool		 net_tls_facts(const struct net *, struct rec_tls *out);

/* The time the TCP connect took, microseconds (the name's resolution
 * before it is not counted). */
int64_t		 net_connect_us(const struct net *);

/*
 * Orderly close: send a TLS close_notify if TLS is active and healthy
 * (without waiting for the peer's), shut the socket down, close it and free
 * the connection.  NULL-safe.
 */
void		 net_close(struct net *);

#endif
