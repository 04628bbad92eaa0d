/*
 * SPDX-License-Identifier: BSD-2-Clause
 * net.c - TCP connect with a timeout, TLS client on top, bounded reads and
 * writes, failures mapped to MT_E_* classes.
 *
 * RFC 793/9293 (TCP close and reset as seen through the socket API),
 * RFC 8446 / RFC 5246 (TLS 1.3 / 1.2 client; 6.1 / 7.2.1 close_notify),
 * RFC 6066 3 (SNI: host names only, never IP literals), RFC 6125 / RFC 2818
 * (server identity, checked by OpenSSL's X509_VERIFY_PARAM host/IP checks).
 *
 * TLS runs over a small socket BIO of our own instead of BIO_s_socket so
 * that (1) every send uses MSG_NOSIGNAL and the process never sees SIGPIPE
 * without touching its signal dispositions, and (2) the errno and EOF seen
 * by the socket are kept for classifying OpenSSL's failures (OpenSSL may
 * overwrite errno before SSL_get_error() returns).
 */
#include "net.h"
#include "net_int.h"
#include "wait.h"
#include "x509_facts.h"

#include "mt_limits.h"
#include "trace.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>


#define NET_NAME_MAX	256		/* DNS name (253) or IP literal, with NUL */
#define NET_DESC_MAX	128		/* "TLSv1.3 TLS_AES_256_GCM_SHA384" */

struct net {
	int		 fd;
	SSL_CTX		*ctx;		/* NULL until net_tls() */
	SSL		*ssl;		/* NULL until net_tls(); owns the BIO */
	bool		 verify;	/* certificate checks were requested */
	bool		 tls_up;	/* handshake completed */
	bool		 tls_dead;	/* fatal TLS error: send no close_notify */
	bool		 tls_eof;	/* net_read() reported EOF */
	int		 bio_errno;	/* first hard errno the socket BIO saw */
	bool		 bio_eof;	/* the socket BIO read EOF */
	bool		 sent;		/* written since the last read (TLS waits first) */
	int64_t		 limit;		/* session limit, monotonic ns; -1: none */
	int64_t		 connect_us;	/* the TCP connect that made fd */
	char		 client[MT_ADDR_HARD];
	char		 server[MT_ADDR_HARD];
	char		 tls_desc[NET_DESC_MAX];
	char		 name[NET_NAME_MAX];	/* the name to check; "": none */
	bool		 name_is_ip;
	struct rec_tls	 facts;		/* the handshake's, once tls_up */
};

static int64_t	 deadline_of(int);
static int64_t	 earlier(int64_t, int64_t);
static bool	 limit_passed(int64_t);
static int	 limit_fail(struct mt_err *, const char *);
static int	 net_wait(int, short, int64_t);
static const char *errno_text(int);
static int	 sys_fail(struct mt_err *, enum mt_ecode, const char *, int);
static void	 fmt_sockaddr(const struct sockaddr *, socklen_t, char *, size_t);
static int	 try_connect(const struct addrinfo *, int64_t, int64_t, int,
		    int *, struct mt_err *);
static void	 bio_method_init(void);
static int	 sbio_write(BIO *, const char *, int);
static int	 sbio_read(BIO *, char *, int);
static long	 sbio_ctrl(BIO *, int, long, void *);
static bool	 is_unexpected_eof(unsigned long);
static bool	 peer_closed(const struct net *, unsigned long);
static int	 tls_handshake_fail(struct net *, int, struct mt_err *);
static int	 tls_io_fail(struct net *, int, const char *, struct mt_err *);
static int	 tls_setup(struct net *, const struct net_tls_opts *,
		    struct mt_err *);
static void	 tls_cert_facts(struct net *, X509 *);
static void	 tls_collect(struct net *, int64_t);
static int	 read_timeout(const struct net *, int, struct mt_err *);
static int	 write_timeout(const struct net *, int, struct mt_err *);
static long	 tls_read(struct net *, void *, size_t, int, struct mt_err *);
static int	 tls_write_all(struct net *, const uint8_t *, size_t, int,
		    struct mt_err *);

static CRYPTO_ONCE	 bio_once = CRYPTO_ONCE_STATIC_INIT;
static BIO_METHOD	*bio_meth;	/* created once, lives as long as the process */

/* A deadline timeout_ms from now on the monotonic clock; -1 is "never". */
static int64_t
deadline_of(int timeout_ms)
{
	if (timeout_ms <= 0)
		return -1;
	return mt_mono_ns() + (int64_t)timeout_ms * 1000000;
}

/* The earlier of a wait's own deadline and the session limit (-1: none). */
static int64_t
earlier(int64_t deadline, int64_t limit)
{
	if (limit < 0)
		return deadline;
	if (deadline < 0 || limit < deadline)
		return limit;
	return deadline;
}

static bool
limit_passed(int64_t limit)
{
	return limit >= 0 && mt_mono_ns() >= limit;
}

static int
limit_fail(struct mt_err *err, const char *what)
{
	return mt_err_set(err, MT_E_TIMEOUT, "%s: session time limit reached",
	    what);
}

int64_t
net_limit_in(int64_t ms)
{
	if (ms <= 0)
		return NET_NO_LIMIT;
	return mt_mono_ns() + ms * 1000000;
}

const char *
net_tls_library(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}

bool
net_limit_passed(int64_t limit)
{
	return limit_passed(limit);
}

/*
 * Wait through the door (loop/wait.h): poll() here, or the loop when a
 * batch runs the session.  A stop is WAIT_ERROR with errno EINTR, which
 * sys_fail() makes MT_E_INTR.
 */
static int
net_wait(int fd, short events, int64_t deadline)
{
	enum wait_result	r = wait_fd(fd, events, deadline);

	if (r == WAIT_STOPPED) {
		errno = EINTR;
		return WAIT_ERROR;
	}
	return (int)r;
}

static const char *
errno_text(int e)
{
	switch (e) {
	case ECONNRESET:
		return "connection reset by peer";
	case EPIPE:
		return "broken pipe (connection closed by peer)";
	default:
		return strerror(e);
	}
}

/* Fill err with "what: errno text" (or just the text when what is NULL). */
static int
sys_fail(struct mt_err *err, enum mt_ecode code, const char *what, int e)
{
	if (e == EINTR)			/* only from a stopped net_wait() */
		return mt_err_set(err, MT_E_INTR, "interrupted by a signal "
		    "(SIGINT or SIGTERM)");
	if (what == NULL)
		return mt_err_set(err, code, "%s", errno_text(e));
	return mt_err_set(err, code, "%s: %s", what, errno_text(e));
}

static void
fmt_sockaddr(const struct sockaddr *sa, socklen_t len, char *buf, size_t sz)
{
	char	host[INET6_ADDRSTRLEN + 32];	/* with "%scope" */
	char	serv[16];
	int	w;

	if (sz == 0)
		return;
	if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(buf, sz, "?");
		return;
	}
	if (sa->sa_family == AF_INET6)
		w = snprintf(buf, sz, "[%s]:%s", host, serv);
	else
		w = snprintf(buf, sz, "%s:%s", host, serv);
	/*
	 * Only an IPv6 address with a long scope name can exceed
	 * MT_ADDR_HARD; the truncated text still names the host.
	 */
	if (w < 0)
		snprintf(buf, sz, "?");
}

/*
 * Connect one address, non-blocking, until the deadline (the connect
 * timeout's, or the session limit when that comes first).  On success *fdp
 * is the connected (still non-blocking) socket.
 */
static int
try_connect(const struct addrinfo *ai, int64_t deadline, int64_t limit,
    int timeout_ms, int *fdp, struct mt_err *err)
{
	char		where[MT_ADDR_HARD + 16];
	char		addr[MT_ADDR_HARD];
	socklen_t	elen;
	int		fd, e, w, soerr;

	*fdp = -1;
	fmt_sockaddr(ai->ai_addr, ai->ai_addrlen, addr, sizeof(addr));
	snprintf(where, sizeof(where), "connect to %s", addr);
	/* Non-blocking and close-on-exec from the start (no fcntl calls). */
	if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol)) == -1)
		return sys_fail(err, MT_E_IO, "socket", errno);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
		*fdp = fd;
		return 0;
	}
	/* After EINTR the connect goes on asynchronously, as for EINPROGRESS. */
	if (errno != EINPROGRESS && errno != EINTR) {
		soerr = errno;
		goto fail;
	}
	w = net_wait(fd, POLLOUT, deadline);
	if (w == WAIT_TIMEOUT) {
		close(fd);
		if (limit_passed(limit))
			return limit_fail(err, where);
		return mt_err_set(err, MT_E_TIMEOUT,
		    "%s: timed out after %d ms", where, timeout_ms);
	}
	if (w == WAIT_ERROR) {
		e = errno;
		close(fd);
		return sys_fail(err, MT_E_IO, "poll", e);
	}
	soerr = 0;
	elen = sizeof(soerr);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &elen) == -1)
		soerr = errno;
	if (soerr == 0) {
		*fdp = fd;
		return 0;
	}
fail:
	close(fd);
	switch (soerr) {
	case ECONNREFUSED:
	case EHOSTUNREACH:
	case ENETUNREACH:
		return sys_fail(err, MT_E_CONNREFUSED, where, soerr);
	case ETIMEDOUT:		/* the kernel gave up before our deadline */
		return sys_fail(err, MT_E_TIMEOUT, where, soerr);
	default:
		return sys_fail(err, MT_E_IO, where, soerr);
	}
}

int
net_connect(const char *host, uint16_t port, int timeout_ms, struct net **out,
    struct mt_err *err)
{
	return net_connect_until(host, port, timeout_ms, NET_NO_LIMIT, out, err);
}

int
net_connect_until(const char *host, uint16_t port, int timeout_ms,
    int64_t limit, struct net **out, struct mt_err *err)
{
	struct addrinfo		 hints, *res = NULL, *ai;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	struct net		*n;
	char			 name[NET_NAME_MAX];
	char			 portstr[8];
	const char		*h;
	size_t			 len;
	int64_t			 deadline, t0;
	int			 rc, gai, fd = -1, e;

	if (out == NULL || host == NULL)
		return mt_err_set(err, MT_E_INTERNAL, "net_connect: bad arguments");
	*out = NULL;
	if (limit_passed(limit))
		return limit_fail(err, "connect");
	/* Accept "[::1]" as well as "::1". */
	h = host;
	len = strlen(host);
	if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
		if (len - 2 >= sizeof(name))
			return mt_err_set(err, MT_E_NOHOST, "resolve %s: name too long",
			    host);
		memcpy(name, host + 1, len - 2);
		name[len - 2] = '\0';
		h = name;
	}
	snprintf(portstr, sizeof(portstr), "%u", (unsigned)port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	/*
	 * No AI_ADDRCONFIG: glibc ignores loopback addresses for it, so "::1"
	 * or "localhost" would fail on a host with only loopback configured.
	 */
	hints.ai_flags = AI_NUMERICSERV;
	gai = getaddrinfo(h, portstr, &hints, &res);
	if (gai != 0) {
		if (gai == EAI_SYSTEM) {
			e = errno;
			return mt_err_set(err, MT_E_NOHOST, "resolve %s: %s", h,
			    errno_text(e));
		}
		return mt_err_set(err, MT_E_NOHOST, "resolve %s: %s", h,
		    gai_strerror(gai));
	}
	deadline = earlier(deadline_of(timeout_ms), limit);
	rc = mt_err_set(err, MT_E_NOHOST, "resolve %s: no addresses", h);
	t0 = mt_mono_ns();		/* the connect alone, not the resolution */
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		rc = try_connect(ai, deadline, limit, timeout_ms, &fd, err);
		/* After our timeout no time is left for the next address. */
		if (rc == 0 || (deadline >= 0 && mt_mono_ns() >= deadline))
			break;
	}
	t0 = (mt_mono_ns() - t0) / 1000;
	freeaddrinfo(res);
	if (rc != 0)
		return rc;

	if ((n = calloc(1, sizeof(*n))) == NULL) {
		close(fd);
		return mt_err_set(err, MT_E_INTERNAL, "out of memory");
	}
	n->fd = fd;
	n->limit = limit;
	n->connect_us = t0;
	sslen = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == 0)
		fmt_sockaddr((struct sockaddr *)&ss, sslen, n->client,
		    sizeof(n->client));
	else
		snprintf(n->client, sizeof(n->client), "?");
	sslen = sizeof(ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &sslen) == 0)
		fmt_sockaddr((struct sockaddr *)&ss, sslen, n->server,
		    sizeof(n->server));
	else
		snprintf(n->server, sizeof(n->server), "?");
	mt_err_clear(err);
	*out = n;
	return 0;
}

/*
 * The socket BIO under TLS: recv/send on the non-blocking socket, send with
 * MSG_NOSIGNAL, EAGAIN as a retry, EOF and errno kept in the struct net.
 */
static void
bio_method_init(void)
{
	BIO_METHOD	*m;
	int		 idx;

	if ((idx = BIO_get_new_index()) == -1)
		return;
	if ((m = BIO_meth_new(idx | BIO_TYPE_SOURCE_SINK, "mailtrace socket")) ==
	    NULL)
		return;
	if (BIO_meth_set_write(m, sbio_write) != 1 ||
	    BIO_meth_set_read(m, sbio_read) != 1 ||
	    BIO_meth_set_ctrl(m, sbio_ctrl) != 1) {
		BIO_meth_free(m);
		return;
	}
	bio_meth = m;
}

static int
sbio_write(BIO *b, const char *buf, int len)
{
	struct net	*n;
	ssize_t		 w;

	n = BIO_get_data(b);
	BIO_clear_retry_flags(b);
	if (buf == NULL || len <= 0)
		return 0;
	do
		w = send(n->fd, buf, (size_t)len, MSG_NOSIGNAL);
	while (w == -1 && errno == EINTR);
	if (w >= 0)
		return (int)w;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		BIO_set_retry_write(b);
	else if (n->bio_errno == 0)
		n->bio_errno = errno;	/* the first error is the cause */
	return -1;
}

static int
sbio_read(BIO *b, char *buf, int len)
{
	struct net	*n;
	ssize_t		 r;

	n = BIO_get_data(b);
	BIO_clear_retry_flags(b);
	if (buf == NULL || len <= 0)
		return 0;
	do
		r = recv(n->fd, buf, (size_t)len, 0);
	while (r == -1 && errno == EINTR);
	if (r > 0)
		return (int)r;
	if (r == 0) {
		n->bio_eof = true;
		return 0;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		BIO_set_retry_read(b);
	else if (n->bio_errno == 0)
		n->bio_errno = errno;
	return -1;
}

static long
sbio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	struct net	*n;

	n = BIO_get_data(b);
	(void)num;
	(void)ptr;
	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1;	/* nothing is buffered here */
	case BIO_CTRL_EOF:
		/* OpenSSL tells an unexpected EOF from an error by this. */
		return n != NULL && n->bio_eof;
	default:
		return 0;
	}
}

static bool
is_unexpected_eof(unsigned long e)
{
	return e != 0 && ERR_GET_LIB(e) == ERR_LIB_SSL &&
	    ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING;
}

/*
 * Did the failure come from the peer closing the connection?  OpenSSL
 * answers an EOF with a fatal alert, and writing that alert (or anything)
 * after the peer's FIN was answered with RST fails with EPIPE: so EPIPE is
 * a close as well, while ECONNRESET is a reset.
 */
static bool
peer_closed(const struct net *n, unsigned long e)
{
	if (n->bio_errno == EPIPE)
		return true;
	return n->bio_errno == 0 && n->bio_eof &&
	    (e == 0 || is_unexpected_eof(e));
}

/* The reason of an OpenSSL error, e.g. "wrong version number". */
void
net_ossl_reason(unsigned long e, char *buf, size_t sz)
{
	const char	*r;

	if (e == 0)
		snprintf(buf, sz, "unknown error");
	else if ((r = ERR_reason_error_string(e)) != NULL)
		snprintf(buf, sz, "%s", r);
	else
		ERR_error_string_n(e, buf, sz);
}

/* Classify a failed handshake step; sslerr is SSL_get_error()'s answer. */
static int
tls_handshake_fail(struct net *n, int sslerr, struct mt_err *err)
{
	unsigned long	e;
	char		buf[256];
	long		vr;
	int		rc;

	e = ERR_peek_last_error();
	n->tls_dead = true;
	if (n->verify && (vr = SSL_get_verify_result(n->ssl)) != X509_V_OK)
		rc = mt_err_set(err, MT_E_TLS, "certificate verify failed: %s",
		    X509_verify_cert_error_string(vr));
	else if (sslerr == SSL_ERROR_ZERO_RETURN || peer_closed(n, e))
		rc = mt_err_set(err, MT_E_EOF,
		    "TLS handshake: connection closed by peer");
	else if (n->bio_errno != 0)
		rc = sys_fail(err, MT_E_IO, "TLS handshake", n->bio_errno);
	else {
		net_ossl_reason(e, buf, sizeof(buf));
		rc = mt_err_set(err, MT_E_TLS, "TLS handshake failed: %s", buf);
	}
	ERR_clear_error();
	return rc;
}

/*
 * Classify a failed SSL_read_ex/SSL_write_ex (not a WANT_* retry).  Returns
 * 0 for an EOF (close_notify or a close without it), else -MT_E_IO.
 */
static int
tls_io_fail(struct net *n, int sslerr, const char *what, struct mt_err *err)
{
	unsigned long	e;
	char		buf[256];
	int		rc;

	e = ERR_peek_last_error();
	if (sslerr == SSL_ERROR_ZERO_RETURN) {
		ERR_clear_error();
		return 0;
	}
	n->tls_dead = true;
	if (peer_closed(n, e))
		rc = 0;
	else if (n->bio_errno != 0)
		rc = sys_fail(err, MT_E_IO, what, n->bio_errno);
	else {
		net_ossl_reason(e, buf, sizeof(buf));
		rc = mt_err_set(err, MT_E_IO, "%s: TLS error: %s", what, buf);
	}
	ERR_clear_error();
	return rc;
}

/* Create the context and the SSL object with the checks opts asks for. */
static int
tls_setup(struct net *n, const struct net_tls_opts *opts, struct mt_err *err)
{
	X509_VERIFY_PARAM	*vp;
	struct mt_err		 e;
	BIO			*bio;
	const char		*sn = NULL, *cafile = NULL;
	char			 name[NET_NAME_MAX];
	unsigned char		 ipbuf[sizeof(struct in6_addr)];
	size_t			 len;
	bool			 insecure = false, is_ip = false;
	char			 buf[256];

	if (opts != NULL) {
		sn = opts->servername;
		cafile = opts->cafile;
		insecure = opts->insecure;
	}
	if (sn != NULL && *sn != '\0') {
		len = strlen(sn);
		/* Accept "[::1]" as well as "::1". */
		if (len >= 2 && sn[0] == '[' && sn[len - 1] == ']') {
			sn++;
			len -= 2;
		}
		if (len >= sizeof(name))
			return mt_err_set(err, MT_E_USAGE, "server name too long");
		memcpy(name, sn, len);
		name[len] = '\0';
		is_ip = inet_pton(AF_INET, name, ipbuf) == 1 ||
		    inet_pton(AF_INET6, name, ipbuf) == 1;
		sn = name;
	} else
		sn = NULL;

	if (bio_meth == NULL)
		return mt_err_set(err, MT_E_INTERNAL, "cannot create socket BIO");
	/* The options' context, shared with the process's other connections. */
	mt_err_clear(&e);
	if ((n->ctx = net_ctx_get(cafile, insecure, opts != NULL ?
	    opts->max_version : 0, opts != NULL ? opts->keylog : NULL,
	    &e)) == NULL)
		return mt_err_set(err, e.code, "%s", e.msg);
	n->verify = !insecure;
	if (sn != NULL) {
		memcpy(n->name, name, strlen(name) + 1);
		n->name_is_ip = is_ip;
	}
	if ((n->ssl = SSL_new(n->ctx)) == NULL)
		goto ossl_fail;
	if (sn != NULL && !is_ip &&
	    SSL_set_tlsext_host_name(n->ssl, name) != 1)
		goto ossl_fail;
	if (sn != NULL && !insecure) {
		vp = SSL_get0_param(n->ssl);
		if (is_ip) {
			if (X509_VERIFY_PARAM_set1_ip_asc(vp, name) != 1)
				goto ossl_fail;
		} else {
			X509_VERIFY_PARAM_set_hostflags(vp,
			    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
			if (X509_VERIFY_PARAM_set1_host(vp, name, 0) != 1)
				goto ossl_fail;
		}
	}
	if ((bio = BIO_new(bio_meth)) == NULL)
		goto ossl_fail;
	BIO_set_data(bio, n);
	BIO_set_init(bio, 1);
	SSL_set_bio(n->ssl, bio, bio);		/* n->ssl owns bio now */
	/* A record's header and body in one read, not two. */
	SSL_set_read_ahead(n->ssl, 1);
	SSL_set_connect_state(n->ssl);
	return 0;

ossl_fail:
	net_ossl_reason(ERR_peek_last_error(), buf, sizeof(buf));
	ERR_clear_error();
	return mt_err_set(err, MT_E_INTERNAL, "TLS setup: %s", buf);
}

int
net_cafile_check(const char *path, struct mt_err *err)
{
	STACK_OF(X509_OBJECT)	*objs;
	struct stat		 st;
	SSL_CTX			*ctx;
	char			 buf[256];
	int			 i, certs = 0;

	if (stat(path, &st) != 0 || access(path, R_OK) != 0)
		return sys_fail(err, MT_E_USAGE, path, errno);
	if (S_ISDIR(st.st_mode))
		return mt_err_set(err, MT_E_USAGE, "%s is a directory, not a "
		    "PEM file of CA certificates", path);
	/* A pipe would be read here and be empty at the handshake. */
	if (!S_ISREG(st.st_mode))
		return mt_err_set(err, MT_E_USAGE, "%s is not a regular file "
		    "(a PEM file of CA certificates is expected)", path);
	if (net_cafile_known(path, &st))
		return 0;	/* checked before, unchanged since */
	ERR_clear_error();
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		ERR_clear_error();
		return mt_err_set(err, MT_E_INTERNAL, "TLS setup failed");
	}
	/* The same load as at the handshake (tls_setup()). */
	if (SSL_CTX_load_verify_file(ctx, path) != 1) {
		net_ossl_reason(ERR_peek_last_error(), buf, sizeof(buf));
		ERR_clear_error();
		SSL_CTX_free(ctx);
		return mt_err_set(err, MT_E_USAGE, "%s is not a PEM file of CA "
		    "certificates (%s)", path, buf);
	}
	objs = X509_STORE_get0_objects(SSL_CTX_get_cert_store(ctx));
	for (i = 0; i < sk_X509_OBJECT_num(objs); i++)
		if (X509_OBJECT_get_type(sk_X509_OBJECT_value(objs, i)) ==
		    X509_LU_X509)
			certs++;
	SSL_CTX_free(ctx);
	if (certs == 0)
		return mt_err_set(err, MT_E_USAGE, "%s holds no certificate "
		    "(a PEM file of CA certificates is expected)", path);
	net_cafile_good(path, &st);
	return 0;
}

int
net_tls(struct net *n, const struct net_tls_opts *opts, int timeout_ms,
    struct mt_err *err)
{
	const SSL_CIPHER	*c;
	int64_t			 deadline, t0;
	int			 rc, sslerr, w;
	short			 ev;

	if (n == NULL)
		return mt_err_set(err, MT_E_INTERNAL, "net_tls: no connection");
	if (n->ssl != NULL || n->ctx != NULL)
		return mt_err_set(err, MT_E_INTERNAL, "TLS already started");
	deadline = earlier(deadline_of(timeout_ms), n->limit);
	ERR_clear_error();
	CRYPTO_THREAD_run_once(&bio_once, bio_method_init);
	if ((rc = tls_setup(n, opts, err)) != 0) {
		n->tls_dead = true;
		return rc;
	}
	t0 = mt_mono_ns();		/* the handshake itself, not the CA loading */
	for (;;) {
		ERR_clear_error();
		n->bio_errno = 0;
		if ((rc = SSL_do_handshake(n->ssl)) == 1)
			break;
		sslerr = SSL_get_error(n->ssl, rc);
		if (sslerr == SSL_ERROR_WANT_READ)
			ev = POLLIN;
		else if (sslerr == SSL_ERROR_WANT_WRITE)
			ev = POLLOUT;
		else
			return tls_handshake_fail(n, sslerr, err);
		w = net_wait(n->fd, ev, deadline);
		if (w == WAIT_TIMEOUT) {
			n->tls_dead = true;
			if (limit_passed(n->limit))
				return limit_fail(err, "TLS handshake");
			return mt_err_set(err, MT_E_TIMEOUT,
			    "TLS handshake timed out after %d ms", timeout_ms);
		}
		if (w == WAIT_ERROR) {
			n->tls_dead = true;
			return sys_fail(err, MT_E_IO, "poll", errno);
		}
	}
	n->tls_up = true;
	c = SSL_get_current_cipher(n->ssl);
	snprintf(n->tls_desc, sizeof(n->tls_desc), "%s %s",
	    SSL_get_version(n->ssl), c != NULL ? SSL_CIPHER_get_name(c) : "?");
	tls_collect(n, (mt_mono_ns() - t0) / 1000);
	mt_err_clear(err);
	return 0;
}

/* The peer certificate's facts, and its verification (chain, name). */
static void
tls_cert_facts(struct net *n, X509 *x)
{
	struct rec_tls	*f = &n->facts;
	STACK_OF(X509)	*chain;
	const char	*why = NULL;
	long		 vr;
	int64_t		 now, left;
	int		 hr = 1;

	if (mt_x509_facts(x, f)) {
		now = (int64_t)time(NULL);
		left = f->not_after - now;
		/* floor, also below zero */
		f->days_left = left >= 0 ? left / 86400 :
		    -((-left + 86399) / 86400);
	}
	chain = SSL_get_peer_cert_chain(n->ssl);
	f->chain_len = chain != NULL ? sk_X509_num(chain) : 1;
	vr = SSL_get_verify_result(n->ssl);
	if (n->name[0] != '\0')
		hr = n->name_is_ip ? X509_check_ip_asc(x, n->name, 0) :
		    X509_check_host(x, n->name, 0,
		    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL);
	if (vr != X509_V_OK)
		why = X509_verify_cert_error_string(vr);
	else if (hr != 1)
		why = X509_verify_cert_error_string(n->name_is_ip ?
		    X509_V_ERR_IP_ADDRESS_MISMATCH :
		    X509_V_ERR_HOSTNAME_MISMATCH);
	f->verified = why == NULL;
	if (why != NULL && vr != X509_V_OK && hr != 1)
		snprintf(f->verify, sizeof(f->verify), "%s, %s", why,
		    X509_verify_cert_error_string(n->name_is_ip ?
		    X509_V_ERR_IP_ADDRESS_MISMATCH :
		    X509_V_ERR_HOSTNAME_MISMATCH));
	else
		snprintf(f->verify, sizeof(f->verify), "%s",
		    why != NULL ? why : "ok");
	ERR_clear_error();
}

/* The facts of the handshake that just completed (net_tls_facts()). */
static void
tls_collect(struct net *n, int64_t handshake_us)
{
	struct rec_tls		*f = &n->facts;
	const SSL_CIPHER	*c;
	const char		*g = NULL;
	X509			*x;
	int			 nid;

	memset(f, 0, sizeof(*f));
	snprintf(f->version, sizeof(f->version), "%s", SSL_get_version(n->ssl));
	c = SSL_get_current_cipher(n->ssl);
	snprintf(f->cipher, sizeof(f->cipher), "%s",
	    c != NULL ? SSL_CIPHER_get_name(c) : "");
	nid = SSL_get_negotiated_group(n->ssl);
	if (nid > 0 && (g = SSL_group_to_name(n->ssl, nid)) == NULL)
		g = OBJ_nid2sn(nid);
	snprintf(f->group, sizeof(f->group), "%s", g != NULL ? g : "");
	f->handshake_us = handshake_us;
	f->connect_us = n->connect_us;
	if ((x = SSL_get1_peer_certificate(n->ssl)) != NULL) {
		tls_cert_facts(n, x);
		X509_free(x);
	} else
		snprintf(f->verify, sizeof(f->verify), "%s",
		    "no peer certificate");
}

/* A wait ran out: the read's own timeout, or the session limit. */
static int
read_timeout(const struct net *n, int timeout_ms, struct mt_err *err)
{
	if (limit_passed(n->limit))
		return limit_fail(err, "read");
	return mt_err_set(err, MT_E_TIMEOUT, "read timed out after %d ms",
	    timeout_ms);
}

static int
write_timeout(const struct net *n, int timeout_ms, struct mt_err *err)
{
	if (limit_passed(n->limit))
		return limit_fail(err, "write");
	return mt_err_set(err, MT_E_TIMEOUT, "write timed out after %d ms",
	    timeout_ms);
}

static long
tls_read(struct net *n, void *buf, size_t len, int timeout_ms,
    struct mt_err *err)
{
	int64_t	deadline;
	size_t	got;
	int	sslerr, w, rc;
	short	ev;

	deadline = earlier(deadline_of(timeout_ms), n->limit);
	if (n->tls_eof)
		return 0;		/* as recv() does after EOF */
	if (n->tls_dead)
		return mt_err_set(err, MT_E_IO, "read: TLS connection failed earlier");
	/* As net_read(): after a write, wait first unless TLS holds bytes. */
	if (n->sent) {
		n->sent = false;
		if (SSL_has_pending(n->ssl) == 0) {
			w = net_wait(n->fd, POLLIN, deadline);
			if (w == WAIT_TIMEOUT)
				return read_timeout(n, timeout_ms, err);
			if (w == WAIT_ERROR)
				return sys_fail(err, MT_E_IO, "poll", errno);
		}
	}
	for (;;) {
		/*
		 * SSL_read_ex first: it returns what is already decrypted
		 * (SSL_pending) or buffered without waiting for the socket.
		 */
		ERR_clear_error();
		n->bio_errno = 0;
		if (SSL_read_ex(n->ssl, buf, len, &got) == 1)
			return (long)got;
		sslerr = SSL_get_error(n->ssl, 0);
		if (sslerr == SSL_ERROR_WANT_READ)
			ev = POLLIN;
		else if (sslerr == SSL_ERROR_WANT_WRITE)
			ev = POLLOUT;		/* e.g. a key update reply */
		else {
			if ((rc = tls_io_fail(n, sslerr, "read", err)) == 0)
				n->tls_eof = true;
			return rc;
		}
		w = net_wait(n->fd, ev, deadline);
		if (w == WAIT_TIMEOUT)
			return read_timeout(n, timeout_ms, err);
		if (w == WAIT_ERROR)
			return sys_fail(err, MT_E_IO, "poll", errno);
	}
}

long
net_read(struct net *n, void *buf, size_t len, int timeout_ms,
    struct mt_err *err)
{
	int64_t	deadline;
	ssize_t	r;
	int	w;

	if (n == NULL || buf == NULL || len == 0)
		return mt_err_set(err, MT_E_INTERNAL, "net_read: bad arguments");
	if (len > LONG_MAX)
		len = LONG_MAX;
	if (limit_passed(n->limit))
		return limit_fail(err, "read");
	if (n->ssl != NULL) {
		if (!n->tls_up)
			return mt_err_set(err, MT_E_IO,
			    "read: TLS handshake did not complete");
		return tls_read(n, buf, len, timeout_ms, err);
	}
	deadline = earlier(deadline_of(timeout_ms), n->limit);
	n->sent = false;	/* (plain TCP reads first: measured no worse) */
	for (;;) {
		r = recv(n->fd, buf, len, 0);
		if (r >= 0)
			return (long)r;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return sys_fail(err, MT_E_IO, NULL, errno);
		w = net_wait(n->fd, POLLIN, deadline);
		if (w == WAIT_TIMEOUT)
			return read_timeout(n, timeout_ms, err);
		if (w == WAIT_ERROR)
			return sys_fail(err, MT_E_IO, "poll", errno);
	}
}

static int
tls_write_all(struct net *n, const uint8_t *p, size_t len, int timeout_ms,
    struct mt_err *err)
{
	size_t	off = 0, w;
	int	sslerr, rc, wr;
	short	ev;

	if (n->tls_eof)
		return mt_err_set(err, MT_E_IO, "write: connection closed by peer");
	if (n->tls_dead)
		return mt_err_set(err, MT_E_IO, "write: TLS connection failed earlier");
	while (off < len) {
		ERR_clear_error();
		n->bio_errno = 0;
		/* A retry after WANT_* passes the same buffer, as required. */
		if (SSL_write_ex(n->ssl, p + off, len - off, &w) == 1) {
			off += w;
			continue;
		}
		sslerr = SSL_get_error(n->ssl, 0);
		if (sslerr == SSL_ERROR_WANT_WRITE)
			ev = POLLOUT;
		else if (sslerr == SSL_ERROR_WANT_READ)
			ev = POLLIN;
		else {
			rc = tls_io_fail(n, sslerr, "write", err);
			if (rc == 0)
				rc = mt_err_set(err, MT_E_IO,
				    "write: connection closed by peer");
			return rc;
		}
		wr = net_wait(n->fd, ev, earlier(deadline_of(timeout_ms),
		    n->limit));
		if (wr == WAIT_TIMEOUT)
			return write_timeout(n, timeout_ms, err);
		if (wr == WAIT_ERROR)
			return sys_fail(err, MT_E_IO, "poll", errno);
	}
	n->sent = true;
	return 0;
}

int
net_write_all(struct net *n, const void *buf, size_t len, int timeout_ms,
    struct mt_err *err)
{
	const uint8_t	*p = buf;
	size_t		 off = 0;
	ssize_t		 w;
	int		 wr;

	if (n == NULL || (buf == NULL && len > 0))
		return mt_err_set(err, MT_E_INTERNAL,
		    "net_write_all: bad arguments");
	if (limit_passed(n->limit))
		return limit_fail(err, "write");
	if (n->ssl != NULL) {
		if (!n->tls_up)
			return mt_err_set(err, MT_E_IO,
			    "write: TLS handshake did not complete");
		return tls_write_all(n, p, len, timeout_ms, err);
	}
	while (off < len) {
		w = send(n->fd, p + off, len - off, MSG_NOSIGNAL);
		if (w >= 0) {
			off += (size_t)w;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return sys_fail(err, MT_E_IO, "write", errno);
		wr = net_wait(n->fd, POLLOUT, earlier(deadline_of(timeout_ms),
		    n->limit));
		if (wr == WAIT_TIMEOUT)
			return write_timeout(n, timeout_ms, err);
		if (wr == WAIT_ERROR)
			return sys_fail(err, MT_E_IO, "poll", errno);
	}
	n->sent = true;
	return 0;
}

bool
net_is_tls(const struct net *n)
{
	return n != NULL && n->tls_up;
}

void
net_endpoints(const struct net *n, char *client, size_t csz, char *server,
    size_t ssz)
{
	if (client != NULL && csz > 0)
		snprintf(client, csz, "%s", n != NULL ? n->client : "");
	if (server != NULL && ssz > 0)
		snprintf(server, ssz, "%s", n != NULL ? n->server : "");
}

const char *
net_tls_desc(const struct net *n)
{
	return n != NULL && n->tls_up ? n->tls_desc : "";
}

bool
net_tls_facts(const struct net *n, struct rec_tls *out)
{
	if (n == NULL || !n->tls_up)
		return false;
	*out = n->facts;
	return true;
}

int64_t
net_connect_us(const struct net *n)
{
	return n != NULL ? n->connect_us : -1;
}

void
net_close(struct net *n)
{
	if (n == NULL)
		return;
	if (n->ssl != NULL) {
		/*
		 * One non-blocking SSL_shutdown sends our close_notify
		 * (RFC 8446 6.1) if the socket takes it; we do not wait
		 * for the peer's.
		 */
		if (n->tls_up && !n->tls_dead) {
			ERR_clear_error();
			(void)SSL_shutdown(n->ssl);
		}
		SSL_free(n->ssl);		/* frees the BIO, not the fd */
		ERR_clear_error();
	}
	SSL_CTX_free(n->ctx);
	if (n->fd >= 0) {
		(void)shutdown(n->fd, SHUT_RDWR);
		(void)close(n->fd);
	}
	free(n);
}
