/*
 * SPDX-License-Identifier: BSD-2-Clause
 * test_net.c - net/ against tiny local servers on 127.0.0.1 and ::1, and
 * the base64/MD5/HMAC-MD5 helpers against RFC 4648, RFC 1321, RFC 1939,
 * RFC 2104 and RFC 2195 vectors.
 *
 * Each server is a thread that accepts one connection and plays one part
 * (echo, hold, close, reset, greet, TLS variants).  Synchronisation is by
 * accept ordering, pipes and blocking reads, never by sleeping.  The main
 * thread keeps SIGPIPE's default action, so a SIGPIPE raised by net/ kills
 * the test.  TLS uses a throwaway self-signed P-256 certificate made at run
 * time (CN=localhost, SAN DNS:localhost, IP:127.0.0.1).
 */
#include "mt_limits.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto.h"
#include "mt.h"
#include "net.h"
#include "trace.h"

static int	failures;
static int	checks;

#define CHECK(c) do {							\
	checks++;							\
	if (!(c)) {							\
		failures++;						\
		fprintf(stderr, "%s:%d: CHECK failed: %s\n",		\
		    __FILE__, __LINE__, #c);				\
	}								\
} while (0)

/* rc must be the failure code, and err must carry it. */
#define CHECK_ERR(rc, ecode, e) do {					\
	checks++;							\
	if ((rc) != -(int)(ecode) || (e).code != (ecode)) {		\
		failures++;						\
		fprintf(stderr, "%s:%d: expected %s, got rc %ld "	\
		    "(%s: %s)\n", __FILE__, __LINE__,			\
		    mt_ecode_name(ecode), (long)(rc),			\
		    mt_ecode_name((e).code), (e).msg);			\
	}								\
} while (0)

#define CHECK_OK(rc, e) do {						\
	checks++;							\
	if ((rc) != 0) {						\
		failures++;						\
		fprintf(stderr, "%s:%d: expected success, got %ld "	\
		    "(%s: %s)\n", __FILE__, __LINE__, (long)(rc),	\
		    mt_ecode_name((e).code), (e).msg);			\
	}								\
} while (0)

#define TMO	5000		/* ms: generous bound for things that must happen */

/* What a server thread does with its one connection. */
#define SRV_ECHO	1	/* echo until EOF */
#define SRV_HOLD	2	/* do nothing until released by srv_stop() */
#define SRV_EOF		3	/* on srv_go(), close (FIN) */
#define SRV_RESET	4	/* on srv_go(), close with SO_LINGER 0 (RST) */
#define SRV_GREET	5	/* send a POP3 greeting in plain text, then hold */
#define SRV_NOTIFY	6	/* (TLS) send close_notify, then close */
#define SRV_TLS		0x100	/* run SSL_accept first */
#define SRV_TLS12	0x200	/* with SRV_TLS: offer TLS 1.2 at most */

struct srv {
	int		 lfd;
	uint16_t	 port;
	int		 mode;
	SSL_CTX		*ctx;
	int		 go[2];		/* test -> server: stop holding */
	int		 done[2];	/* server -> test: the part is played */
	pthread_t	 th;
	int		 tls_ok;	/* SSL_accept succeeded */
};

static SSL_CTX	*srv_ctx;
static SSL_CTX	*srv_ctx12;	/* TLS 1.2 at most */
static char	 cafile[64];
static char	 cafile2[64];	/* an unrelated self-signed certificate */
static int64_t	 cert_nb, cert_na;	/* the server certificate's validity */
static char	 cert_serial[64];	/* and serial, upper-case hex */

static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
srv_wait_byte(int fd)
{
	char	c;

	while (read(fd, &c, 1) == -1 && errno == EINTR)
		;
}

static void *
srv_main(void *arg)
{
	struct srv	*s = arg;
	struct linger	 lg;
	sigset_t	 set;
	SSL		*ssl = NULL;
	char		 buf[4096];
	ssize_t		 r;
	int		 fd, k;

	/* SIGPIPE from this thread's writes stays pending here, harmless. */
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	if ((fd = accept(s->lfd, NULL, NULL)) == -1)
		goto done;
	if (s->mode & SRV_TLS) {
		ssl = SSL_new(s->ctx);
		SSL_set_fd(ssl, fd);
		s->tls_ok = SSL_accept(ssl) == 1;
		if (!s->tls_ok)
			goto out;
	}
	switch (s->mode & ~(SRV_TLS | SRV_TLS12)) {
	case SRV_ECHO:
		for (;;) {
			if (ssl != NULL) {
				if ((k = SSL_read(ssl, buf, sizeof(buf))) <= 0)
					break;
				if (SSL_write(ssl, buf, k) <= 0)
					break;
			} else {
				if ((r = read(fd, buf, sizeof(buf))) <= 0)
					break;
				if (write(fd, buf, (size_t)r) != r)
					break;
			}
		}
		break;
	case SRV_HOLD:
		srv_wait_byte(s->go[0]);
		break;
	case SRV_EOF:
		srv_wait_byte(s->go[0]);
		break;
	case SRV_RESET:
		srv_wait_byte(s->go[0]);
		lg.l_onoff = 1;
		lg.l_linger = 0;
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		break;
	case SRV_GREET:
		if (write(fd, "+OK POP3 ready\r\n", 16) != 16)
			break;
		srv_wait_byte(s->go[0]);
		break;
	case SRV_NOTIFY:
		SSL_shutdown(ssl);
		break;
	}
out:
	SSL_free(ssl);		/* no close_notify unless SRV_NOTIFY sent one */
	ERR_clear_error();
	close(fd);
done:
	while (write(s->done[1], "x", 1) == -1 && errno == EINTR)
		;
	return NULL;
}

/* Listen on 127.0.0.1 or ::1, port 0, and start the server thread. */
static int
srv_start(struct srv *s, int mode, int family)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 len;

	memset(s, 0, sizeof(*s));
	memset(&ss, 0, sizeof(ss));
	s->mode = mode;
	s->ctx = mode & SRV_TLS12 ? srv_ctx12 : srv_ctx;
	if (family == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		len = sizeof(*sin6);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*sin);
	}
	if ((s->lfd = socket(family, SOCK_STREAM, 0)) == -1)
		return -1;
	if (bind(s->lfd, (struct sockaddr *)&ss, len) == -1 ||
	    listen(s->lfd, 4) == -1 ||
	    getsockname(s->lfd, (struct sockaddr *)&ss, &len) == -1) {
		close(s->lfd);
		return -1;
	}
	s->port = ntohs(family == AF_INET6 ? sin6->sin6_port : sin->sin_port);
	if (pipe(s->go) == -1 || pipe(s->done) == -1) {
		perror("pipe");
		exit(2);
	}
	if (pthread_create(&s->th, NULL, srv_main, s) != 0) {
		perror("pthread_create");
		exit(2);
	}
	return 0;
}

/* Release a holding server, wait for it, free everything. */
static void
srv_stop(struct srv *s)
{
	if (write(s->go[1], "x", 1) != 1)
		perror("write go");
	pthread_join(s->th, NULL);
	close(s->lfd);
	close(s->go[0]);
	close(s->go[1]);
	close(s->done[0]);
	close(s->done[1]);
}

/* Let an SRV_EOF or SRV_RESET server close, and wait until it has. */
static void
srv_go(struct srv *s)
{
	if (write(s->go[1], "x", 1) != 1)
		perror("write go");
	srv_wait_byte(s->done[0]);
}

/*
 * Write until the write fails, bounded by time: the peer's RST arrives
 * asynchronously after our first segment reaches its closed socket.
 */
static int
write_until_error(struct net *n, struct mt_err *err)
{
	int64_t	end;
	int	rc;

	end = now_ms() + TMO;
	do
		rc = net_write_all(n, "QUIT\r\n", 6, TMO, err);
	while (rc == 0 && now_ms() < end);
	return rc;
}

static int
connect_srv(struct srv *s, struct net **np, struct mt_err *err)
{
	return net_connect("127.0.0.1", s->port, TMO, np, err);
}

/* Read exactly n bytes or fail. */
static bool
read_n(struct net *n, char *buf, size_t len, struct mt_err *err)
{
	size_t	off = 0;
	long	r;

	while (off < len) {
		if ((r = net_read(n, buf + off, len - off, TMO, err)) <= 0)
			return false;
		off += (size_t)r;
	}
	return true;
}

static void
test_echo_v4(void)
{
	struct srv	 s;
	struct net	*n = NULL;
	struct mt_err	 err;
	char		 buf[64], cl[MT_ADDR_HARD], sv[MT_ADDR_HARD], want[32];
	int		 rc;

	CHECK(srv_start(&s, SRV_ECHO, AF_INET) == 0);
	rc = connect_srv(&s, &n, &err);
	CHECK_OK(rc, err);
	if (rc != 0)
		goto out;
	CHECK(!net_is_tls(n));
	CHECK(strcmp(net_tls_desc(n), "") == 0);
	net_endpoints(n, cl, sizeof(cl), sv, sizeof(sv));
	snprintf(want, sizeof(want), "127.0.0.1:%u", (unsigned)s.port);
	CHECK(strcmp(sv, want) == 0);
	CHECK(strncmp(cl, "127.0.0.1:", 10) == 0 && strcmp(cl, sv) != 0);
	rc = net_write_all(n, "USER test\r\n", 11, TMO, &err);
	CHECK_OK(rc, err);
	CHECK(read_n(n, buf, 11, &err));
	CHECK(memcmp(buf, "USER test\r\n", 11) == 0);
out:
	net_close(n);
	srv_stop(&s);
}

static void
test_echo_v6(void)
{
	struct srv	 s;
	struct net	*n = NULL;
	struct mt_err	 err;
	char		 buf[16], sv[MT_ADDR_HARD], want[32];
	int		 rc;

	if (srv_start(&s, SRV_ECHO, AF_INET6) != 0) {
		printf("note: no IPv6 loopback (%s), ::1 checks skipped\n",
		    strerror(errno));
		return;
	}
	rc = net_connect("[::1]", s.port, TMO, &n, &err);
	CHECK_OK(rc, err);
	if (rc == 0) {
		net_endpoints(n, NULL, 0, sv, sizeof(sv));
		snprintf(want, sizeof(want), "[::1]:%u", (unsigned)s.port);
		CHECK(strcmp(sv, want) == 0);
		CHECK(net_write_all(n, "NOOP\r\n", 6, TMO, &err) == 0);
		CHECK(read_n(n, buf, 6, &err) && memcmp(buf, "NOOP\r\n", 6) == 0);
	}
	net_close(n);
	srv_stop(&s);

	/* The bare literal works as well. */
	if (srv_start(&s, SRV_EOF, AF_INET6) != 0)
		return;
	n = NULL;
	rc = net_connect("::1", s.port, TMO, &n, &err);
	CHECK_OK(rc, err);
	net_close(n);
	srv_stop(&s);
}

/*
 * "localhost" often resolves to ::1 first: an IPv4-only server is still
 * reached by trying the next address.
 */
static void
test_localhost(void)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	struct srv	 s;
	struct net	*n = NULL;
	struct mt_err	 err;
	bool		 v4 = false;
	int		 rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo("localhost", "110", &hints, &res) == 0) {
		for (ai = res; ai != NULL; ai = ai->ai_next)
			v4 |= ai->ai_family == AF_INET;
		freeaddrinfo(res);
	}
	if (!v4) {
		printf("note: localhost has no IPv4 address; check skipped\n");
		return;
	}
	CHECK(srv_start(&s, SRV_ECHO, AF_INET) == 0);
	rc = net_connect("localhost", s.port, TMO, &n, &err);
	CHECK_OK(rc, err);
	net_close(n);
	srv_stop(&s);
}

static void
test_refused(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	struct net		*n = (struct net *)&sin;	/* must become NULL */
	struct mt_err		 err;
	uint16_t		 port;
	int			 fd, rc;

	/* A port that was just ours and is now closed: nothing listens. */
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(fd != -1);
	CHECK(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	CHECK(getsockname(fd, (struct sockaddr *)&sin, &len) == 0);
	port = ntohs(sin.sin_port);
	close(fd);
	rc = net_connect("127.0.0.1", port, TMO, &n, &err);
	CHECK_ERR(rc, MT_E_CONNREFUSED, err);
	CHECK(n == NULL);
	CHECK(strstr(err.msg, "127.0.0.1") != NULL);
}

static void
test_nohost(void)
{
	struct addrinfo	 hints, *res = NULL;
	struct net	*n = NULL;
	struct mt_err	 err;
	const char	*name = "no-such-host.mailtrace.invalid";
	int		 rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(name, "110", &hints, &res) == 0) {
		freeaddrinfo(res);
		printf("note: the resolver answers for %s (RFC 6761 says it "
		    "must not); unknown host check skipped\n", name);
		return;
	}
	rc = net_connect(name, 110, TMO, &n, &err);
	CHECK_ERR(rc, MT_E_NOHOST, err);
	CHECK(n == NULL);
	CHECK(strstr(err.msg, name) != NULL);
}

/*
 * Connect timeout, best effort: a listener with backlog 0 that never
 * accepts; once its queue is full Linux drops further SYNs, so a connect
 * hangs until our timeout.  Other kernels may refuse or accept instead.
 */
static void
test_connect_timeout(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	struct net		*held[8];
	struct mt_err		 err;
	int64_t			 t0, dt = 0;
	int			 lfd, i, rc = 0, nheld = 0;
	bool			 timed_out = false;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(lfd != -1);
	CHECK(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	CHECK(listen(lfd, 0) == 0);
	CHECK(getsockname(lfd, (struct sockaddr *)&sin, &len) == 0);
	for (i = 0; i < 8; i++) {
		struct net	*n = NULL;

		t0 = now_ms();
		rc = net_connect("127.0.0.1", ntohs(sin.sin_port), 200, &n, &err);
		dt = now_ms() - t0;
		if (rc == 0) {
			held[nheld++] = n;
			continue;
		}
		timed_out = rc == -MT_E_TIMEOUT;
		break;
	}
	if (timed_out) {
		CHECK_ERR(rc, MT_E_TIMEOUT, err);
		CHECK(dt >= 190 && dt < TMO);
		CHECK(strstr(err.msg, "timed out") != NULL);
	} else
		printf("note: connect to a full backlog did not time out "
		    "(rc %d); connect timeout check skipped\n", rc);
	for (i = 0; i < nheld; i++)
		net_close(held[i]);
	close(lfd);
}

static void
test_read_timeout(void)
{
	struct srv	 s;
	struct net	*n = NULL;
	struct mt_err	 err;
	char		 buf[16];
	int64_t		 t0, dt;
	long		 r;
	int		 rc;

	CHECK(srv_start(&s, SRV_HOLD, AF_INET) == 0);
	rc = connect_srv(&s, &n, &err);
	CHECK_OK(rc, err);
	if (rc == 0) {
		t0 = now_ms();
		r = net_read(n, buf, sizeof(buf), 200, &err);
		dt = now_ms() - t0;
		CHECK_ERR(r, MT_E_TIMEOUT, err);
		CHECK(dt >= 190 && dt < TMO);
		/* Still usable: a second timeout, not a stale error. */
		r = net_read(n, buf, sizeof(buf), 50, &err);
		CHECK_ERR(r, MT_E_TIMEOUT, err);
	}
	net_close(n);
	srv_stop(&s);
}

/* Write 64 MB to a server that never reads: the buffers fill, then timeout. */
static void
test_write_timeout(void)
{
	struct srv	 s;
	struct net	*n = NULL;
	struct mt_err	 err;
	size_t		 len = 64u << 20;
	char		*big;
	int		 rc;

	if ((big = calloc(1, len)) == NULL) {
		printf("note: no memory for the write timeout check\n");
		return;
	}
	CHECK(srv_start(&s, SRV_HOLD, AF_INET) == 0);
	rc = connect_srv(&s, &n, &err);
	CHECK_OK(rc, err);
	if (rc == 0) {
		rc = net_write_all(n, big, len, 200, &err);
		CHECK_ERR(rc, MT_E_TIMEOUT, err);
	}
	net_close(n);
	srv_stop(&s);
	free(big);
}

/*
 * The session limit: every wait ends at it whatever its own timeout, a
 * write as a whole too, and a call after it fails at once.
 */
static void
test_limit(void)
{
	struct net_tls_opts	 opts;
	struct srv		 s;
	struct net		*n = NULL;
	struct mt_err		 err;
	size_t			 len = 64u << 20;
	char			 buf[64], *big;
	int64_t			 t0, dt;
	long			 r;
	int			 rc;

	/* A read that would wait TMO ends at the limit (300 ms). */
	CHECK(srv_start(&s, SRV_GREET, AF_INET) == 0);
	t0 = now_ms();
	rc = net_connect_until("127.0.0.1", s.port, TMO, net_limit_in(300),
	    &n, &err);
	CHECK_OK(rc, err);
	if (rc == 0) {
		CHECK(net_read(n, buf, sizeof(buf), TMO, &err) == 16);
		r = net_read(n, buf, sizeof(buf), TMO, &err);
		dt = now_ms() - t0;
		CHECK_ERR(r, MT_E_TIMEOUT, err);
		CHECK(strstr(err.msg, "session time limit reached") != NULL);
		CHECK(dt >= 290 && dt < TMO);
		/* After it, every call fails at once. */
		r = net_write_all(n, "QUIT\r\n", 6, TMO, &err);
		CHECK_ERR(r, MT_E_TIMEOUT, err);
		CHECK(!net_limit_passed(net_limit_in(60000)));
		CHECK(!net_limit_passed(NET_NO_LIMIT));
	}
	net_close(n);
	n = NULL;
	srv_stop(&s);

	/* A write to a server that never reads: the whole write is bounded. */
	if ((big = calloc(1, len)) != NULL) {
		CHECK(srv_start(&s, SRV_HOLD, AF_INET) == 0);
		t0 = now_ms();
		rc = net_connect_until("127.0.0.1", s.port, TMO,
		    net_limit_in(300), &n, &err);
		CHECK_OK(rc, err);
		if (rc == 0) {
			rc = net_write_all(n, big, len, TMO, &err);
			dt = now_ms() - t0;
			CHECK_ERR(rc, MT_E_TIMEOUT, err);
			CHECK(strstr(err.msg, "write: session time limit") !=
			    NULL);
			CHECK(dt >= 290 && dt < TMO);
		}
		net_close(n);
		n = NULL;
		srv_stop(&s);
		free(big);
	}

	/* A TLS handshake the server never answers. */
	memset(&opts, 0, sizeof(opts));
	opts.cafile = cafile;
	opts.servername = "localhost";
	CHECK(srv_start(&s, SRV_HOLD, AF_INET) == 0);
	t0 = now_ms();
	rc = net_connect_until("127.0.0.1", s.port, TMO, net_limit_in(300),
	    &n, &err);
	CHECK_OK(rc, err);
	if (rc == 0) {
		rc = net_tls(n, &opts, TMO, &err);
		dt = now_ms() - t0;
		CHECK_ERR(rc, MT_E_TIMEOUT, err);
		CHECK(strstr(err.msg, "TLS handshake: session time limit") !=
		    NULL);
		CHECK(dt >= 290 && dt < TMO);
	}
	net_close(n);
	n = NULL;
	srv_stop(&s);

	/* A limit already passed (monotonic 0): no connect at all. */
	rc = net_connect_until("127.0.0.1", 9, TMO, 0, &n, &err);
	CHECK_ERR(rc, MT_E_TIMEOUT, err);
	CHECK(n == NULL);
}

static void
test_eof(void)
{
	struct srv	 s;
	struct net	*n = NULL;
	struct mt_err	 err;
	char		 buf[16];
	long		 r;
	int		 rc;

	CHECK(srv_start(&s, SRV_EOF, AF_INET) == 0);
	rc = connect_srv(&s, &n, &err);
	CHECK_OK(rc, err);
	if (rc == 0) {
		srv_go(&s);
		r = net_read(n, buf, sizeof(buf), TMO, &err);
		CHECK(r == 0);
		CHECK(net_read(n, buf, sizeof(buf), TMO, &err) == 0);
		/* Writing to the closed peer: MT_E_IO, and no SIGPIPE. */
		rc = write_until_error(n, &err);
		CHECK_ERR(rc, MT_E_IO, err);
	}
	net_close(n);
	srv_stop(&s);
}

static void
test_reset(void)
{
	struct srv	 s;
	struct net	*n = NULL;
	struct mt_err	 err;
	char		 buf[16];
	long		 r;
	int		 rc;

	CHECK(srv_start(&s, SRV_RESET, AF_INET) == 0);
	rc = connect_srv(&s, &n, &err);
	CHECK_OK(rc, err);
	if (rc == 0) {
		srv_go(&s);
		r = net_read(n, buf, sizeof(buf), TMO, &err);
		CHECK_ERR(r, MT_E_IO, err);
		CHECK(strcmp(err.msg, "connection reset by peer") == 0);
		rc = net_write_all(n, "QUIT\r\n", 6, TMO, &err);
		CHECK_ERR(rc, MT_E_IO, err);
	}
	net_close(n);
	srv_stop(&s);
}

static void
test_misc(void)
{
	char	a[8], b[8];

	net_close(NULL);
	CHECK(!net_is_tls(NULL));
	CHECK(strcmp(net_tls_desc(NULL), "") == 0);
	net_endpoints(NULL, a, sizeof(a), b, sizeof(b));
	CHECK(a[0] == '\0' && b[0] == '\0');
}

/* ---- crypto helpers ---- */

static void
test_b64(void)
{
	static const struct {
		const char	*plain;
		const char	*enc;
	} v[] = {			/* RFC 4648 10 */
		{ "", "" },
		{ "f", "Zg==" },
		{ "fo", "Zm8=" },
		{ "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
	};
	static const char *const bad[] = {
		"Zg=", "Zg", "Z===", "Zm9v=Zm9", "Zm9v Zm9", "Zm9v\r\n", "Zg=a",
		"====", "Zm9vY!==",
	};
	uint8_t		bin[256], back[256];
	char		enc[512], small[5];
	size_t		i, len, outlen;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		len = strlen(v[i].plain);
		CHECK(net_b64_encode((const uint8_t *)v[i].plain, len, enc,
		    sizeof(enc)));
		CHECK(strcmp(enc, v[i].enc) == 0);
		CHECK(net_b64_decode(v[i].enc, strlen(v[i].enc), bin,
		    sizeof(bin), &outlen));
		CHECK(outlen == len && memcmp(bin, v[i].plain, len) == 0);
	}
	/* Exact room works, one byte less does not. */
	CHECK(net_b64_encode((const uint8_t *)"foob", 4, enc, 9));
	CHECK(!net_b64_encode((const uint8_t *)"foob", 4, enc, 8));
	CHECK(enc[0] == '\0');
	CHECK(net_b64_decode("Zm9vYmE=", 8, bin, 5, &outlen) && outlen == 5);
	CHECK(!net_b64_decode("Zm9vYmE=", 8, bin, 4, &outlen) && outlen == 0);
	CHECK(!net_b64_encode((const uint8_t *)"foob", 4, small, sizeof(small)));
	/* Not NUL-terminated input: only n characters count. */
	CHECK(net_b64_decode("Zm9vXXXX", 4, bin, sizeof(bin), &outlen) &&
	    outlen == 3 && memcmp(bin, "foo", 3) == 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(!net_b64_decode(bad[i], strlen(bad[i]), bin, sizeof(bin),
		    &outlen));
	/* All byte values round trip, at every length mod 3. */
	for (i = 0; i < sizeof(bin); i++)
		bin[i] = (uint8_t)(255 - i);
	for (len = 0; len <= sizeof(bin); len += 37) {
		CHECK(net_b64_encode(bin, len, enc, sizeof(enc)));
		CHECK(strlen(enc) == NET_B64_ENCLEN(len) - 1);
		CHECK(net_b64_decode(enc, strlen(enc), back, sizeof(back),
		    &outlen));
		CHECK(outlen == len && memcmp(back, bin, len) == 0);
	}
}

static void
test_digests(void)
{
	static const char	key[] = "tanstaaftanstaaf";
	static const char	chal[] = "<1896.697170952@postoffice.reston.mci.net>";
	static const char	apop[] = "<1896.697170952@dbc.mtview.ca.us>tanstaaf";
	char			hex[33];

	/* RFC 2195 2 */
	CHECK(net_hmac_md5_hex((const uint8_t *)key, strlen(key),
	    (const uint8_t *)chal, strlen(chal), hex));
	CHECK(strcmp(hex, "b913a602c7eda7a495b4e6e7334d3890") == 0);
	/* RFC 2104 appendix / RFC 2202 test case 2 */
	CHECK(net_hmac_md5_hex((const uint8_t *)"Jefe", 4,
	    (const uint8_t *)"what do ya want for nothing?", 28, hex));
	CHECK(strcmp(hex, "750c783e6ab0b503eaa86e310a5db738") == 0);
	/* An empty key and message are valid HMAC inputs. */
	CHECK(net_hmac_md5_hex(NULL, 0, NULL, 0, hex));
	CHECK(strcmp(hex, "74e6f7298a9c2d168935f58c001bad88") == 0);
	/* RFC 1939 7 (APOP) */
	CHECK(net_md5_hex((const uint8_t *)apop, strlen(apop), hex));
	CHECK(strcmp(hex, "c4c9334bac560ecc979e58001b3e22fb") == 0);
	/* RFC 1321 A.5 */
	CHECK(net_md5_hex(NULL, 0, hex));
	CHECK(strcmp(hex, "d41d8cd98f00b204e9800998ecf8427e") == 0);
	CHECK(net_md5_hex((const uint8_t *)"abc", 3, hex));
	CHECK(strcmp(hex, "900150983cd24fb0d6963f7d28e17f72") == 0);
}

/* ---- TLS ---- */

/* A self-signed P-256 certificate for localhost and 127.0.0.1. */
static int
make_cert(EVP_PKEY **kp, X509 **xp)
{
	X509_EXTENSION	*ext;
	X509V3_CTX	 v3;
	X509_NAME	*nm;
	EVP_PKEY	*k;
	X509		*x;

	if ((k = EVP_EC_gen("P-256")) == NULL || (x = X509_new()) == NULL)
		return -1;
	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), (long)now_ms());
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, k);
	nm = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
	    (const unsigned char *)"localhost", -1, -1, 0);
	X509_set_issuer_name(x, nm);
	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name,
	    "DNS:localhost,IP:127.0.0.1")) == NULL)
		return -1;
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (X509_sign(x, k, EVP_sha256()) == 0)
		return -1;
	*kp = k;
	*xp = x;
	return 0;
}

/* What the tests expect of x: its validity and serial, read back. */
static int
cert_facts(X509 *x)
{
	struct tm	 tm;
	BIGNUM		*bn;
	char		*h;

	if (ASN1_TIME_to_tm(X509_get0_notBefore(x), &tm) != 1)
		return -1;
	cert_nb = (int64_t)timegm(&tm);
	if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) != 1)
		return -1;
	cert_na = (int64_t)timegm(&tm);
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL)) ==
	    NULL || (h = BN_bn2hex(bn)) == NULL)
		return -1;
	/* BN_bn2hex gives two digits a byte, as openssl x509 -serial. */
	snprintf(cert_serial, sizeof(cert_serial), "%s", h);
	OPENSSL_free(h);
	BN_free(bn);
	return 0;
}

static int
write_pem(X509 *x, char *path, size_t sz)
{
	const char	*dir;
	FILE		*f;
	int		 fd;

	dir = getenv("TMPDIR");
	if (dir == NULL || *dir == '\0' || strlen(dir) > sz - 24)
		dir = "/tmp";
	snprintf(path, sz, "%s/mt-net-ca-XXXXXX", dir);
	if ((fd = mkstemp(path)) == -1)
		return -1;
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		return -1;
	}
	if (PEM_write_X509(f, x) != 1) {
		fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

static int
tls_setup_all(void)
{
	EVP_PKEY	*k = NULL, *k2 = NULL;
	X509		*x = NULL, *x2 = NULL;
	int		 rc = -1;

	if (make_cert(&k, &x) != 0 || make_cert(&k2, &x2) != 0)
		goto out;
	if (cert_facts(x) != 0)
		goto out;
	if (write_pem(x, cafile, sizeof(cafile)) != 0 ||
	    write_pem(x2, cafile2, sizeof(cafile2)) != 0)
		goto out;
	if ((srv_ctx = SSL_CTX_new(TLS_server_method())) == NULL ||
	    SSL_CTX_use_certificate(srv_ctx, x) != 1 ||
	    SSL_CTX_use_PrivateKey(srv_ctx, k) != 1)
		goto out;
	if ((srv_ctx12 = SSL_CTX_new(TLS_server_method())) == NULL ||
	    SSL_CTX_set_max_proto_version(srv_ctx12, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_use_certificate(srv_ctx12, x) != 1 ||
	    SSL_CTX_use_PrivateKey(srv_ctx12, k) != 1)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		ERR_print_errors_fp(stderr);
	X509_free(x);
	X509_free(x2);
	EVP_PKEY_free(k);
	EVP_PKEY_free(k2);
	return rc;
}

/* Connect to a fresh TLS server and run the handshake with these options. */
static int
tls_try(int mode, const char *ca, const char *sn, bool insecure, int tmo,
    struct srv *s, struct net **np, struct mt_err *err)
{
	struct net_tls_opts	opts;
	int			rc;

	*np = NULL;
	memset(&opts, 0, sizeof(opts));
	opts.cafile = ca;
	opts.servername = sn;
	opts.insecure = insecure;
	if (srv_start(s, mode, AF_INET) != 0) {
		perror("srv_start");
		exit(2);
	}
	if ((rc = connect_srv(s, np, err)) != 0)
		return rc;
	/*
	 * A server that closes without TLS must close before our ClientHello
	 * arrives: closing with unread data sends RST instead of FIN.
	 */
	if (mode == SRV_EOF || mode == SRV_RESET)
		srv_go(s);
	return net_tls(*np, &opts, tmo, err);
}

static void
test_tls_verified(void)
{
	struct srv	 s;
	struct net	*n;
	struct mt_err	 err;
	char		 buf[32];
	int		 rc;

	rc = tls_try(SRV_TLS | SRV_ECHO, cafile, "localhost", false, TMO, &s,
	    &n, &err);
	CHECK_OK(rc, err);
	if (rc == 0) {
		CHECK(net_is_tls(n));
		CHECK(strncmp(net_tls_desc(n), "TLSv1.", 6) == 0);
		CHECK(strchr(net_tls_desc(n), ' ') != NULL);
		printf("info: %s\n", net_tls_desc(n));
		rc = net_write_all(n, "EHLO probe.example.test\r\n", 25, TMO,
		    &err);
		CHECK_OK(rc, err);
		CHECK(read_n(n, buf, 25, &err));
		CHECK(memcmp(buf, "EHLO probe.example.test\r\n", 25) == 0);
		/* A second TLS start is refused. */
		rc = net_tls(n, NULL, TMO, &err);
		CHECK_ERR(rc, MT_E_INTERNAL, err);
	}
	net_close(n);
	srv_stop(&s);
	CHECK(s.tls_ok);

	/* TLS 1.2 works as well. */
	rc = tls_try(SRV_TLS | SRV_TLS12 | SRV_ECHO, cafile, "localhost", false,
	    TMO, &s, &n, &err);
	CHECK_OK(rc, err);
	if (rc == 0) {
		CHECK(strncmp(net_tls_desc(n), "TLSv1.2 ", 8) == 0);
		printf("info: %s\n", net_tls_desc(n));
		CHECK(net_write_all(n, "NOOP\r\n", 6, TMO, &err) == 0);
		CHECK(read_n(n, buf, 6, &err) && memcmp(buf, "NOOP\r\n", 6) == 0);
	}
	net_close(n);
	srv_stop(&s);

	/* The IP literal matches the iPAddress SAN. */
	rc = tls_try(SRV_TLS | SRV_ECHO, cafile, "127.0.0.1", false, TMO, &s,
	    &n, &err);
	CHECK_OK(rc, err);
	net_close(n);
	srv_stop(&s);
}

/* Copy file from to to (a new inode: written aside, then renamed). */
static int
copy_file(const char *from, const char *to)
{
	char	 tmp[128], buf[8192];
	FILE	*in, *out;
	size_t	 n;
	int	 rc = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", to);
	if ((in = fopen(from, "rb")) == NULL)
		return -1;
	if ((out = fopen(tmp, "wb")) == NULL) {
		fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	fclose(in);
	if (fclose(out) != 0)
		rc = -1;
	return rc == 0 ? rename(tmp, to) : -1;
}

/*
 * The contexts are shared (ctxcache.c), but a CA file that changed is
 * loaded again: the next handshake trusts what the file holds now, and
 * --cafile's check looks at it again.
 */
static void
test_ca_changes(void)
{
	struct srv	 s;
	struct net	*n;
	struct mt_err	 err;
	const char	*swap = "test_net_swap_ca.pem";
	FILE		*fp;
	int		 rc, i;

	CHECK(copy_file(cafile, swap) == 0);
	for (i = 0; i < 2; i++) {	/* the second time from the cache */
		rc = tls_try(SRV_TLS | SRV_ECHO, swap, "localhost", false, TMO,
		    &s, &n, &err);
		CHECK_OK(rc, err);
		net_close(n);
		srv_stop(&s);
		CHECK(net_cafile_check(swap, &err) == 0);
	}
	/* Another CA in the file: the server's chain is no longer trusted. */
	CHECK(copy_file(cafile2, swap) == 0);
	rc = tls_try(SRV_TLS | SRV_ECHO, swap, "localhost", false, TMO, &s, &n,
	    &err);
	CHECK_ERR(rc, MT_E_TLS, err);
	CHECK(strstr(err.msg, "certificate verify failed") != NULL);
	net_close(n);
	srv_stop(&s);
	/* And back: trusted again. */
	CHECK(copy_file(cafile, swap) == 0);
	rc = tls_try(SRV_TLS | SRV_ECHO, swap, "localhost", false, TMO, &s, &n,
	    &err);
	CHECK_OK(rc, err);
	net_close(n);
	srv_stop(&s);
	/* No longer PEM: the check, remembered as good before, says so. */
	if ((fp = fopen(swap, "w")) != NULL) {
		fputs("not a certificate, and longer than the PEM was? no\n", fp);
		fclose(fp);
	}
	rc = net_cafile_check(swap, &err);
	CHECK_ERR(rc, MT_E_USAGE, err);
	unlink(swap);
}

/* The facts a handshake records (net_tls_facts()), under --insecure too. */
static void
test_tls_facts(void)
{
	struct rec_tls	 f;
	struct srv	 s;
	struct net	*n;
	struct mt_err	 err;
	int64_t		 now = (int64_t)time(NULL);
	int		 rc;

	rc = tls_try(SRV_TLS | SRV_ECHO, cafile, "localhost", false, TMO, &s,
	    &n, &err);
	CHECK_OK(rc, err);
	memset(&f, 0, sizeof(f));
	CHECK(n != NULL && net_tls_facts(n, &f));
	CHECK(strcmp(f.version, "TLSv1.3") == 0);
	CHECK(strncmp(f.cipher, "TLS_", 4) == 0);
	CHECK(f.group[0] != '\0');
	printf("info: facts: %s %s %s connect %lldus handshake %lldus\n",
	    f.version, f.cipher, f.group, (long long)f.connect_us,
	    (long long)f.handshake_us);
	CHECK(f.connect_us >= 0 && f.connect_us == net_connect_us(n));
	CHECK(f.handshake_us > 0);
	CHECK(f.has_cert);
	CHECK(strcmp(f.subject, "CN=localhost") == 0);
	CHECK(strcmp(f.issuer, "CN=localhost") == 0);
	CHECK(strcmp(f.sans, "DNS:localhost, IP:127.0.0.1") == 0);
	CHECK(strcmp(f.serial, cert_serial) == 0);
	CHECK(f.not_before == cert_nb && f.not_after == cert_na);
	/* 86400 s from its making: 1 day left in its second, else 0. */
	CHECK(f.days_left == (cert_na - now) / 86400 ||
	    f.days_left == (cert_na - (int64_t)time(NULL)) / 86400);
	CHECK(f.days_left == 0 || f.days_left == 1);
	CHECK(f.chain_len == 1);
	CHECK(f.verified && strcmp(f.verify, "ok") == 0);
	net_close(n);
	srv_stop(&s);

	/* insecure: the wrong name is recorded, the handshake goes on. */
	rc = tls_try(SRV_TLS | SRV_ECHO, cafile, "wrong.example", true, TMO,
	    &s, &n, &err);
	CHECK_OK(rc, err);
	CHECK(n != NULL && net_tls_facts(n, &f));
	CHECK(!f.verified && strcmp(f.verify, "hostname mismatch") == 0);
	net_close(n);
	srv_stop(&s);
	rc = tls_try(SRV_TLS | SRV_ECHO, cafile, "127.0.0.2", true, TMO,
	    &s, &n, &err);
	CHECK_OK(rc, err);
	CHECK(n != NULL && net_tls_facts(n, &f));
	CHECK(!f.verified && strcmp(f.verify, "IP address mismatch") == 0);
	net_close(n);
	srv_stop(&s);

	/* insecure, system trust store: the chain's failure is recorded. */
	rc = tls_try(SRV_TLS | SRV_ECHO, NULL, "localhost", true, TMO, &s, &n,
	    &err);
	CHECK_OK(rc, err);
	CHECK(n != NULL && net_tls_facts(n, &f));
	CHECK(!f.verified && strcmp(f.verify, "self-signed certificate") == 0);
	printf("info: insecure, untrusted: verify \"%s\"\n", f.verify);
	net_close(n);
	srv_stop(&s);
	/* Both wrong: both said. */
	rc = tls_try(SRV_TLS | SRV_ECHO, cafile2, "wrong.example", true, TMO,
	    &s, &n, &err);
	CHECK_OK(rc, err);
	CHECK(n != NULL && net_tls_facts(n, &f));
	CHECK(!f.verified && strstr(f.verify, ", hostname mismatch") != NULL);
	printf("info: insecure, both: verify \"%s\"\n", f.verify);
	net_close(n);
	srv_stop(&s);

	/* TLS 1.2 */
	rc = tls_try(SRV_TLS | SRV_TLS12 | SRV_ECHO, cafile, "localhost", false,
	    TMO, &s, &n, &err);
	CHECK_OK(rc, err);
	CHECK(n != NULL && net_tls_facts(n, &f));
	CHECK(strcmp(f.version, "TLSv1.2") == 0 && f.verified);
	printf("info: TLS 1.2 group \"%s\"\n", f.group);
	net_close(n);
	srv_stop(&s);

	/* A failed handshake has no facts. */
	rc = tls_try(SRV_TLS | SRV_ECHO, cafile2, "localhost", false, TMO, &s,
	    &n, &err);
	CHECK_ERR(rc, MT_E_TLS, err);
	CHECK(n != NULL && !net_tls_facts(n, &f));
	net_close(n);
	srv_stop(&s);
}

static void
test_tls_rejected(void)
{
	struct srv	 s;
	struct net	*n;
	struct mt_err	 err;
	int		 rc;

	rc = tls_try(SRV_TLS | SRV_ECHO, cafile, "wrong.example", false, TMO,
	    &s, &n, &err);
	CHECK_ERR(rc, MT_E_TLS, err);
	CHECK(strstr(err.msg, "hostname mismatch") != NULL);
	CHECK(n != NULL && !net_is_tls(n));
	net_close(n);
	srv_stop(&s);
	CHECK(!s.tls_ok);

	/* An IP the certificate does not name. */
	rc = tls_try(SRV_TLS | SRV_ECHO, cafile, "127.0.0.2", false, TMO, &s,
	    &n, &err);
	CHECK_ERR(rc, MT_E_TLS, err);
	CHECK(strstr(err.msg, "IP address mismatch") != NULL);
	net_close(n);
	srv_stop(&s);

	/* System trust store: our certificate is not in it. */
	rc = tls_try(SRV_TLS | SRV_ECHO, NULL, "localhost", false, TMO, &s, &n,
	    &err);
	CHECK_ERR(rc, MT_E_TLS, err);
	CHECK(strstr(err.msg, "certificate verify failed: ") != NULL);
	printf("info: untrusted: %s\n", err.msg);
	net_close(n);
	srv_stop(&s);

	/* A CA file that does not hold the server's certificate. */
	rc = tls_try(SRV_TLS | SRV_ECHO, cafile2, "localhost", false, TMO, &s,
	    &n, &err);
	CHECK_ERR(rc, MT_E_TLS, err);
	CHECK(strstr(err.msg, "certificate verify failed: ") != NULL);
	net_close(n);
	srv_stop(&s);

	/* A CA file that does not exist. */
	rc = tls_try(SRV_TLS | SRV_ECHO, "/nonexistent/ca.pem", "localhost",
	    false, TMO, &s, &n, &err);
	CHECK_ERR(rc, MT_E_USAGE, err);
	net_close(n);
	srv_stop(&s);

	/* insecure skips both checks. */
	rc = tls_try(SRV_TLS | SRV_ECHO, NULL, "wrong.example", true, TMO, &s,
	    &n, &err);
	CHECK_OK(rc, err);
	CHECK(net_is_tls(n) && net_tls_desc(n)[0] != '\0');
	net_close(n);
	srv_stop(&s);
}

static void
test_tls_handshake_failures(void)
{
	struct srv	 s;
	struct net	*n;
	struct mt_err	 err;
	int64_t		 t0, dt;
	int		 rc;

	/* The server never speaks TLS: handshake timeout. */
	t0 = now_ms();
	rc = tls_try(SRV_HOLD, cafile, "localhost", false, 200, &s, &n, &err);
	dt = now_ms() - t0;
	CHECK_ERR(rc, MT_E_TIMEOUT, err);
	CHECK(dt >= 190 && dt < TMO);
	net_close(n);
	srv_stop(&s);

	/* The server closes at once. */
	rc = tls_try(SRV_EOF, cafile, "localhost", false, TMO, &s, &n, &err);
	CHECK_ERR(rc, MT_E_EOF, err);
	net_close(n);
	srv_stop(&s);

	/* The server resets. */
	rc = tls_try(SRV_RESET, cafile, "localhost", false, TMO, &s, &n, &err);
	CHECK_ERR(rc, MT_E_IO, err);
	CHECK(strstr(err.msg, "connection reset by peer") != NULL);
	net_close(n);
	srv_stop(&s);

	/* The server talks plain POP3. */
	rc = tls_try(SRV_GREET, cafile, "localhost", false, TMO, &s, &n, &err);
	CHECK_ERR(rc, MT_E_TLS, err);
	printf("info: plain server: %s\n", err.msg);
	net_close(n);
	srv_stop(&s);
}

static void
test_tls_reads(void)
{
	struct srv	 s;
	struct net	*n;
	struct mt_err	 err;
	char		 buf[16];
	int64_t		 t0, dt;
	long		 r;
	int		 rc;

	/* Read timeout (TLS 1.3 session tickets arrive and are consumed). */
	rc = tls_try(SRV_TLS | SRV_HOLD, cafile, "localhost", false, TMO, &s,
	    &n, &err);
	CHECK_OK(rc, err);
	if (rc == 0) {
		t0 = now_ms();
		r = net_read(n, buf, sizeof(buf), 200, &err);
		dt = now_ms() - t0;
		CHECK_ERR(r, MT_E_TIMEOUT, err);
		CHECK(dt >= 190 && dt < TMO);
	}
	net_close(n);
	srv_stop(&s);

	/* close_notify: EOF, and EOF again. */
	rc = tls_try(SRV_TLS | SRV_NOTIFY, cafile, "localhost", false, TMO, &s,
	    &n, &err);
	CHECK_OK(rc, err);
	if (rc == 0) {
		r = net_read(n, buf, sizeof(buf), TMO, &err);
		CHECK(r == 0);
		CHECK(net_read(n, buf, sizeof(buf), TMO, &err) == 0);
		rc = net_write_all(n, "QUIT\r\n", 6, TMO, &err);
		CHECK_ERR(rc, MT_E_IO, err);
	}
	net_close(n);
	srv_stop(&s);

	/* A close without close_notify is EOF as well. */
	rc = tls_try(SRV_TLS | SRV_EOF, cafile, "localhost", false, TMO, &s,
	    &n, &err);
	CHECK_OK(rc, err);
	if (rc == 0) {
		srv_go(&s);
		r = net_read(n, buf, sizeof(buf), TMO, &err);
		CHECK(r == 0);
		CHECK(net_read(n, buf, sizeof(buf), TMO, &err) == 0);
	}
	net_close(n);
	srv_stop(&s);

	/* Reset after the handshake. */
	rc = tls_try(SRV_TLS | SRV_RESET, cafile, "localhost", false, TMO, &s,
	    &n, &err);
	CHECK_OK(rc, err);
	if (rc == 0) {
		srv_go(&s);
		r = net_read(n, buf, sizeof(buf), TMO, &err);
		CHECK_ERR(r, MT_E_IO, err);
		CHECK(strstr(err.msg, "connection reset by peer") != NULL);
	}
	net_close(n);
	srv_stop(&s);

	/* Writing to a closed TLS peer: MT_E_IO and no SIGPIPE. */
	rc = tls_try(SRV_TLS | SRV_EOF, cafile, "localhost", false, TMO, &s,
	    &n, &err);
	CHECK_OK(rc, err);
	if (rc == 0) {
		srv_go(&s);
		rc = write_until_error(n, &err);
		CHECK_ERR(rc, MT_E_IO, err);
	}
	net_close(n);
	srv_stop(&s);
}

int
main(void)
{
	test_misc();
	test_b64();
	test_digests();
	test_echo_v4();
	test_echo_v6();
	test_localhost();
	test_refused();
	test_nohost();
	test_connect_timeout();
	test_read_timeout();
	test_write_timeout();
	test_eof();
	test_reset();
	if (tls_setup_all() != 0) {
		fprintf(stderr, "cannot make the test certificate\n");
		failures++;
	} else {
		test_tls_verified();
		test_ca_changes();
		test_tls_facts();
		test_tls_rejected();
		test_tls_handshake_failures();
		test_tls_reads();
		test_limit();
	}
	SSL_CTX_free(srv_ctx);
	SSL_CTX_free(srv_ctx12);
	if (cafile[0] != '\0')
		unlink(cafile);
	if (cafile2[0] != '\0')
		unlink(cafile2);
	printf("%d checks, %d failed\n", checks, failures);
	return failures == 0 ? 0 : 1;
}
