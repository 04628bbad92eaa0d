/*
 * SPDX-License-Identifier: BSD-2-Clause
 * fakesrv.c - a scriptable fake mail server for tests and the demo.
 *
 * Plays one script per accepted connection: sends bytes, expects client
 * lines, starts TLS (RFC 2595 section 4 STLS, RFC 3207 STARTTLS, RFC 8314
 * implicit TLS), closes or resets.  It produces the faults a real server
 * will not: over-long lines, bare LFs, plaintext injected after a STARTTLS
 * reply, resets, silence.  Every wait is bounded by one watchdog, so it can
 * never hang a test.  It stands alone: OpenSSL and libc, nothing from
 * mailtrace.  See docs/fakesrv.md.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

/* The name in messages: "fakesrv", or "mailtrace serve" (src/cli). */
#ifndef FS_PROG
#define FS_PROG	"fakesrv"
#endif

#define FS_LINE_MAX		(64 * 1024)	/* longest client line, no EOL */
#define FS_INBUF		(FS_LINE_MAX + 2 + 4096)
#define FS_REPEAT_MAX		10000000UL	/* send-repeat count */
#define FS_CHUNK		(256 * 1024)	/* send-repeat write size */
#define FS_SCRIPT_MAX		(16L * 1024 * 1024)
#define FS_FILE_MAX		(512L * 1024 * 1024)	/* send-file */
#define FS_SHOW_MAX		200	/* line bytes shown in diagnostics */
#define FS_DRAIN_MAX		(1024 * 1024)	/* bytes discarded at close */
#define FS_PARALLEL_MAX		1024	/* --parallel: connections at once */
#define FS_WORKERS_MAX		256	/* --workers: processes made at start */
#define FS_TIMEOUT_DEFAULT	20
#define FS_TIMEOUT_MAX		86400
#define FS_CONN_MAX		100000
#define FS_SCRIPTS_MAX		16	/* --script given this often at most */
#define FS_TRICKLE_MAX		60000UL	/* trickle pause, ms */

/* Exit statuses (docs/fakesrv.md). */
#define FS_EXIT_OK		0
#define FS_EXIT_ERR		1
#define FS_EXIT_USAGE		2
#define FS_EXIT_MISMATCH	3
#define FS_EXIT_CLOSED		4
#define FS_EXIT_TIMEOUT		5

/* Command results that are not exit statuses. */
#define FS_R_END		(-1)	/* close/reset: this connection is done */
#define FS_R_GONE		(-2)	/* TLS handshake failed: client gone */

enum op {
	OP_SEND,
	OP_SEND_REPEAT,
	OP_SEND_FILE,
	OP_TRICKLE,
	OP_EXPECT,
	OP_EXPECT_PREFIX,
	OP_RECV,
	OP_RECV_UNTIL,
	OP_AUTH_BEGIN,
	OP_AUTH_END,
	OP_STARTTLS,
	OP_CLOSE,
	OP_RESET,
	OP_WAIT_CLOSE,
	OP_HANG,
	OP_TLS_SEND_PLAIN,
	OP__COUNT
};

enum argk {
	ARG_NONE,	/* no argument */
	ARG_STR,	/* "TEXT" */
	ARG_LINE,	/* "TEXT" without LF: compared with a client line */
	ARG_NSTR,	/* N "TEXT" */
	ARG_MSTR,	/* MS "TEXT": a pause in milliseconds, then a string */
	ARG_PATH	/* PATH or "PATH" */
};

static const struct {
	const char	*name;
	enum argk	 arg;
	bool		 client;	/* needs the client to be there */
} ops[OP__COUNT] = {
	[OP_SEND] =		{ "send",		ARG_STR,	true },
	[OP_SEND_REPEAT] =	{ "send-repeat",	ARG_NSTR,	false },
	[OP_SEND_FILE] =	{ "send-file",		ARG_PATH,	true },
	[OP_TRICKLE] =		{ "trickle",		ARG_MSTR,	false },
	[OP_EXPECT] =		{ "expect",		ARG_LINE,	true },
	[OP_EXPECT_PREFIX] =	{ "expect-prefix",	ARG_LINE,	true },
	[OP_RECV] =		{ "recv",		ARG_NONE,	true },
	[OP_RECV_UNTIL] =	{ "recv-until",		ARG_LINE,	true },
	[OP_AUTH_BEGIN] =	{ "auth-begin",		ARG_NONE,	false },
	[OP_AUTH_END] =		{ "auth-end",		ARG_NONE,	false },
	[OP_STARTTLS] =		{ "starttls",		ARG_NONE,	true },
	[OP_CLOSE] =		{ "close",		ARG_NONE,	false },
	[OP_RESET] =		{ "reset",		ARG_NONE,	false },
	[OP_WAIT_CLOSE] =	{ "wait-close",		ARG_NONE,	false },
	[OP_HANG] =		{ "hang",		ARG_NONE,	false },
	[OP_TLS_SEND_PLAIN] =	{ "tls-send-plain",	ARG_STR,	true },
};

struct cmd {
	enum op		 op;
	int		 line;		/* in the script file */
	unsigned char	*data;		/* string, or send-file contents */
	size_t		 len;
	unsigned long	 n;		/* send-repeat count, trickle pause */
};

struct script {
	const char	*path;
	struct cmd	*cmds;
	size_t		 ncmds;
	size_t		 cap;
	bool		 tls;		/* has a starttls command */
};

struct fs {
	const struct script	*sc;
	SSL_CTX			*ctx;
	int64_t			 deadline;	/* monotonic ms */
	unsigned long		 timeout;	/* s */
	const struct cmd	*cur;		/* for diagnostics */
};

enum io {
	IO_OK,
	IO_EOF,		/* orderly close (FIN, TLS close_notify) */
	IO_RESET,	/* reset, broken pipe, TLS failure */
	IO_TIMEOUT,	/* the watchdog fired */
	IO_ERR		/* our failure */
};

struct conn {
	struct fs	*fs;
	int		 fd;
	SSL		*ssl;
	bool		 secret;	/* inside auth-begin/auth-end */
	bool		 gone;		/* the client closed or reset */
	size_t		 len;		/* bytes in in[] */
	size_t		 consume;	/* bytes of the last line, dropped next */
	unsigned char	 in[FS_INBUF];
};

static void	 usage(FILE *);
static bool	 parse_ulong(const char *, unsigned long, unsigned long,
		    unsigned long *);
static int64_t	 now_ms(void);
static int64_t	 fs_left(const struct fs *);
static void	 on_alarm(int);
static void	 show(const unsigned char *, size_t);
static bool	 is_secret(const struct conn *, const unsigned char *, size_t);
static int	 hexval(unsigned char);
static int	 read_file(const char *, long, unsigned char **, size_t *,
		    char *, size_t);
static const char *skip_ws(const char *, const char *);
static int	 parse_string(const char *, const char *, const char **,
		    unsigned char **, size_t *, const char **);
static int	 parse_line(struct script *, int, const char *, const char *);
static int	 script_load(struct script *, const char *);
static void	 script_free(struct script *);
static void	 tls_log(const char *);
static enum io	 io_wait(struct conn *, short);
static enum io	 io_read(struct conn *, unsigned char *, size_t, size_t *);
static enum io	 io_write(struct conn *, const unsigned char *, size_t, bool);
static int	 io_fail(struct conn *, enum io, const char *);
static int	 conn_line(struct conn *, const unsigned char **, size_t *);
static int	 conn_tls(struct conn *);
static int	 conn_drain(struct conn *);
static void	 conn_close(struct conn *, bool);
static int	 run_repeat(struct conn *, const struct cmd *);
static enum io	 fs_pause(const struct fs *, unsigned long);
static int	 run_trickle(struct conn *, const struct cmd *);
static int	 run_cmd(struct conn *, const struct cmd *);
static int	 run_gone(struct fs *, size_t);
static int	 run_conn(struct fs *, int, bool);
static int	 listen_on(const char *, unsigned long, int *, unsigned *);
static int	 accept_one(struct fs *, int, int *);
static int	 serve_workers(struct fs *, int, const struct script *, size_t,
		    unsigned long, unsigned long, bool);
static int	 serve_parallel(struct fs *, int, const struct script *, size_t,
		    unsigned long, unsigned long, bool);

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: " FS_PROG " [--script] FILE [[--script] FILE ...]"
	    " [--listen ADDR] [--port N]\n"
	    "        [--cert PEM --key PEM] [--implicit-tls]"
	    " [--connections N]\n"
	    "        [--parallel N | --workers K] [--timeout SEC]\n"
	    "Plays the scripts (docs/fakesrv.md) to the clients that connect"
	    " on loopback;\n"
	    "prints the port on stdout once it listens.  Defaults: 127.0.0.1,"
	    " a port the\n"
	    "kernel picks, one connection, a %d s watchdog over everything.\n",
	    FS_TIMEOUT_DEFAULT);
}

/* One more script to play (--script FILE, or FILE alone). */
static bool
add_script(const char **script, size_t *n, const char *path)
{
	if (*n == FS_SCRIPTS_MAX) {
		fprintf(stderr, FS_PROG ": at most %d scripts\n",
		    FS_SCRIPTS_MAX);
		return false;
	}
	script[(*n)++] = path;
	return true;
}

static bool
parse_ulong(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	char		*end;
	unsigned long	 v;

	if (s[0] < '0' || s[0] > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t
fs_left(const struct fs *fs)
{
	return fs->deadline - now_ms();
}

/*
 * Backstop only: every wait is bounded by poll() against the deadline.  This
 * fires a little later, should a bug ever block outside poll().
 */
static void
on_alarm(int sig)
{
	static const char msg[] = FS_PROG ": watchdog (backstop alarm)\n";
	ssize_t rc;

	(void)sig;
	rc = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)rc;
	_exit(FS_EXIT_TIMEOUT);
}

/* Writes bytes to stderr quoted and escaped, at most FS_SHOW_MAX of them. */
static void
show(const unsigned char *p, size_t n)
{
	size_t	i, m;

	m = n > FS_SHOW_MAX ? FS_SHOW_MAX : n;
	fputc('"', stderr);
	for (i = 0; i < m; i++) {
		switch (p[i]) {
		case '\r':
			fputs("\\r", stderr);
			break;
		case '\n':
			fputs("\\n", stderr);
			break;
		case '\t':
			fputs("\\t", stderr);
			break;
		case '\\':
			fputs("\\\\", stderr);
			break;
		case '"':
			fputs("\\\"", stderr);
			break;
		default:
			if (p[i] >= 0x20 && p[i] < 0x7f)
				fputc(p[i], stderr);
			else
				fprintf(stderr, "\\x%02x", p[i]);
		}
	}
	fputc('"', stderr);
	if (m < n)
		fprintf(stderr, "...(+%zu bytes)", n - m);
}

/*
 * A received line is secret inside auth-begin/auth-end and when it is a
 * PASS or APOP command (RFC 1939) or an AUTH command, whose initial response
 * carries credentials (RFC 5034, RFC 4954).  Verbs are case-insensitive.
 */
static bool
is_secret(const struct conn *c, const unsigned char *p, size_t n)
{
	static const char *const verbs[] = { "PASS", "APOP", "AUTH" };
	size_t	i, j;

	if (c->secret)
		return true;
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (n < 4)
			break;
		for (j = 0; j < 4; j++)
			if ((p[j] & ~0x20) != verbs[i][j])
				break;
		if (j == 4)
			return true;
	}
	return false;
}

static int
hexval(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Reads a whole file of at most max bytes; *out is NUL-terminated. */
static int
read_file(const char *path, long max, unsigned char **out, size_t *outlen,
    char *why, size_t whysz)
{
	FILE		*fp;
	unsigned char	*buf = NULL, *nbuf;
	size_t		 len = 0, cap = 0, got;

	*out = NULL;
	*outlen = 0;
	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(why, whysz, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (cap - len < 65536) {
			if (cap > (size_t)max) {
				snprintf(why, whysz, "%s: larger than %ld bytes",
				    path, max);
				goto fail;
			}
			cap = cap == 0 ? 65536 + 1 : cap * 2;
			if ((nbuf = realloc(buf, cap)) == NULL) {
				snprintf(why, whysz, "%s: out of memory", path);
				goto fail;
			}
			buf = nbuf;
		}
		got = fread(buf + len, 1, cap - len - 1, fp);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		snprintf(why, whysz, "%s: read error", path);
		goto fail;
	}
	if (len > (size_t)max) {
		snprintf(why, whysz, "%s: larger than %ld bytes", path, max);
		goto fail;
	}
	fclose(fp);
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
fail:
	fclose(fp);
	free(buf);
	return -1;
}

static const char *
skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/*
 * Parses a double-quoted string with C escapes (\r \n \t \\ \" \xHH) at p.
 * On success *next is past the closing quote and *out a malloc'd,
 * NUL-terminated copy of *outlen bytes.  On failure *why says why.
 */
static int
parse_string(const char *p, const char *end, const char **next,
    unsigned char **out, size_t *outlen, const char **why)
{
	unsigned char	*buf;
	size_t		 n = 0;
	int		 hi, lo;

	if (p >= end || *p != '"') {
		*why = "expected a double-quoted string";
		return -1;
	}
	p++;
	if ((buf = malloc((size_t)(end - p) + 1)) == NULL) {
		*why = "out of memory";
		return -1;
	}
	for (;;) {
		if (p >= end) {
			*why = "unterminated string";
			goto fail;
		}
		if (*p == '"')
			break;
		if (*p != '\\') {
			buf[n++] = (unsigned char)*p++;
			continue;
		}
		if (++p >= end) {
			*why = "unterminated string";
			goto fail;
		}
		switch (*p) {
		case 'r':
			buf[n++] = '\r';
			break;
		case 'n':
			buf[n++] = '\n';
			break;
		case 't':
			buf[n++] = '\t';
			break;
		case '\\':
			buf[n++] = '\\';
			break;
		case '"':
			buf[n++] = '"';
			break;
		case 'x':
			if (end - p < 3 ||
			    (hi = hexval((unsigned char)p[1])) < 0 ||
			    (lo = hexval((unsigned char)p[2])) < 0) {
				*why = "\\x needs two hex digits";
				goto fail;
			}
			buf[n++] = (unsigned char)(hi << 4 | lo);
			p += 2;
			break;
		default:
			*why = "unknown escape (use \\r \\n \\t \\\\ \\\" \\xHH)";
			goto fail;
		}
		p++;
	}
	buf[n] = '\0';
	*next = p + 1;
	*out = buf;
	*outlen = n;
	return 0;
fail:
	free(buf);
	return -1;
}

static int
parse_line(struct script *sc, int lineno, const char *p, const char *end)
{
	struct cmd	 cmd, *ncmds;
	const char	*w, *why = NULL;
	char		 num[32], path[PATH_MAX], ewhy[PATH_MAX + 64];
	const char	*slash;
	size_t		 wl, ncap;
	int		 i, n;

	memset(&cmd, 0, sizeof(cmd));
	cmd.line = lineno;
	p = skip_ws(p, end);
	if (p == end || *p == '#')
		return 0;
	for (w = p; p < end && *p != ' ' && *p != '\t'; p++)
		;
	wl = (size_t)(p - w);
	for (i = 0; i < OP__COUNT; i++)
		if (strlen(ops[i].name) == wl && memcmp(ops[i].name, w, wl) == 0)
			break;
	if (i == OP__COUNT) {
		fprintf(stderr, FS_PROG ": %s:%d: unknown command \"%.*s\"\n",
		    sc->path, lineno, (int)(wl > 64 ? 64 : wl), w);
		return -1;
	}
	cmd.op = (enum op)i;
	p = skip_ws(p, end);
	if (ops[i].arg == ARG_NSTR || ops[i].arg == ARG_MSTR) {
		for (w = p; p < end && *p >= '0' && *p <= '9'; p++)
			;
		if (p == w || (size_t)(p - w) >= sizeof(num)) {
			why = ops[i].arg == ARG_NSTR ? "expected a count" :
			    "expected a pause in milliseconds";
			goto fail;
		}
		memcpy(num, w, (size_t)(p - w));
		num[p - w] = '\0';
		if (ops[i].arg == ARG_NSTR &&
		    !parse_ulong(num, 1, FS_REPEAT_MAX, &cmd.n)) {
			why = "count must be 1..10000000";
			goto fail;
		}
		if (ops[i].arg == ARG_MSTR &&
		    !parse_ulong(num, 1, FS_TRICKLE_MAX, &cmd.n)) {
			why = "pause must be 1..60000 ms";
			goto fail;
		}
		p = skip_ws(p, end);
	}
	switch (ops[i].arg) {
	case ARG_NONE:
		break;
	case ARG_NSTR:
	case ARG_MSTR:
	case ARG_STR:
	case ARG_LINE:
		if (parse_string(p, end, &p, &cmd.data, &cmd.len, &why) != 0)
			goto fail;
		if (ops[i].arg == ARG_LINE &&
		    memchr(cmd.data, '\n', cmd.len) != NULL) {
			why = "a client line cannot contain \\n";
			goto fail;
		}
		if ((ops[i].arg == ARG_NSTR || ops[i].arg == ARG_MSTR) &&
		    cmd.len == 0) {
			why = "empty string";
			goto fail;
		}
		break;
	case ARG_PATH:
		if (p < end && *p == '"') {
			if (parse_string(p, end, &p, &cmd.data, &cmd.len,
			    &why) != 0)
				goto fail;
		} else {
			for (w = p; p < end && *p != ' ' && *p != '\t'; p++)
				;
			if (p == w) {
				why = "expected a path";
				goto fail;
			}
			if ((cmd.data = malloc((size_t)(p - w) + 1)) == NULL) {
				why = "out of memory";
				goto fail;
			}
			memcpy(cmd.data, w, (size_t)(p - w));
			cmd.len = (size_t)(p - w);
			cmd.data[cmd.len] = '\0';
		}
		if (cmd.len == 0 || memchr(cmd.data, '\0', cmd.len) != NULL) {
			why = "bad path";
			goto fail;
		}
		/* Relative paths are relative to the script's directory. */
		slash = strrchr(sc->path, '/');
		if (cmd.data[0] == '/' || slash == NULL)
			n = snprintf(path, sizeof(path), "%s", cmd.data);
		else
			n = snprintf(path, sizeof(path), "%.*s/%s",
			    (int)(slash - sc->path), sc->path, cmd.data);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			why = "path too long";
			goto fail;
		}
		free(cmd.data);
		cmd.data = NULL;
		if (read_file(path, FS_FILE_MAX, &cmd.data, &cmd.len, ewhy,
		    sizeof(ewhy)) != 0) {
			why = ewhy;
			goto fail;
		}
		break;
	}
	p = skip_ws(p, end);
	if (p < end && *p != '#') {
		why = "unexpected text after the command";
		goto fail;
	}
	if (cmd.op == OP_STARTTLS) {
		if (sc->tls) {
			why = "only one starttls per script";
			goto fail;
		}
		sc->tls = true;
	}
	if (sc->ncmds == sc->cap) {
		ncap = sc->cap == 0 ? 32 : sc->cap * 2;
		if ((ncmds = realloc(sc->cmds, ncap * sizeof(*ncmds))) == NULL) {
			why = "out of memory";
			goto fail;
		}
		sc->cmds = ncmds;
		sc->cap = ncap;
	}
	sc->cmds[sc->ncmds++] = cmd;
	return 0;
fail:
	fprintf(stderr, FS_PROG ": %s:%d: %s: %s\n", sc->path, lineno,
	    ops[i].name, why);
	free(cmd.data);
	return -1;
}

static int
script_load(struct script *sc, const char *path)
{
	unsigned char	*text;
	const char	*p, *end, *eol, *lend;
	char		 why[PATH_MAX + 64];
	size_t		 len;
	int		 lineno = 0, rc = 0;

	memset(sc, 0, sizeof(*sc));
	sc->path = path;
	if (read_file(path, FS_SCRIPT_MAX, &text, &len, why, sizeof(why)) != 0) {
		fprintf(stderr, FS_PROG ": script %s\n", why);
		return -1;
	}
	p = (const char *)text;
	end = p + len;
	while (p < end) {
		lineno++;
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		lend = eol;
		if (lend > p && lend[-1] == '\r')
			lend--;
		if (parse_line(sc, lineno, p, lend) != 0) {
			rc = -1;
			break;
		}
		p = eol < end ? eol + 1 : end;
	}
	free(text);
	if (rc != 0)
		script_free(sc);
	return rc;
}

static void
script_free(struct script *sc)
{
	size_t	i;

	for (i = 0; i < sc->ncmds; i++)
		free(sc->cmds[i].data);
	free(sc->cmds);
	sc->cmds = NULL;
	sc->ncmds = sc->cap = 0;
}

/* Logs and clears OpenSSL's error queue. */
static void
tls_log(const char *what)
{
	unsigned long	e;
	char		buf[256];
	bool		any = false;

	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		fprintf(stderr, FS_PROG ": %s: %s\n", what, buf);
		any = true;
	}
	if (!any)
		fprintf(stderr, FS_PROG ": %s%s%s\n", what, errno != 0 ? ": " : "",
		    errno != 0 ? strerror(errno) : "");
}

/* Waits until fd is ready for events or the watchdog fires. */
static enum io
io_wait(struct conn *c, short events)
{
	struct pollfd	pfd;
	int64_t		left;
	int		n;

	for (;;) {
		if ((left = fs_left(c->fs)) <= 0)
			return IO_TIMEOUT;
		pfd.fd = c->fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n > 0)
			return IO_OK;	/* errors show in the next read/write */
		if (n < 0 && errno != EINTR) {
			fprintf(stderr, FS_PROG ": poll: %s\n", strerror(errno));
			return IO_ERR;
		}
	}
}

static enum io
io_read(struct conn *c, unsigned char *buf, size_t cap, size_t *got)
{
	ssize_t	n;
	enum io	rc;
	int	e;
	short	ev;

	*got = 0;
	if (c->gone)
		return IO_EOF;
	if (cap > INT_MAX)
		cap = INT_MAX;
	for (;;) {
		if (c->ssl != NULL) {
			ERR_clear_error();
			errno = 0;
			if ((e = SSL_read(c->ssl, buf, (int)cap)) > 0) {
				*got = (size_t)e;
				return IO_OK;
			}
			switch (SSL_get_error(c->ssl, e)) {
			case SSL_ERROR_WANT_READ:
				ev = POLLIN;
				break;
			case SSL_ERROR_WANT_WRITE:
				ev = POLLOUT;
				break;
			case SSL_ERROR_ZERO_RETURN:
				c->gone = true;
				return IO_EOF;
			case SSL_ERROR_SYSCALL:
				c->gone = true;
				return errno == 0 ? IO_EOF : IO_RESET;
			default:
				tls_log("TLS read");
				c->gone = true;
				return IO_RESET;
			}
		} else {
			if ((n = read(c->fd, buf, cap)) > 0) {
				*got = (size_t)n;
				return IO_OK;
			}
			if (n == 0) {
				c->gone = true;
				return IO_EOF;
			}
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				if (errno == ECONNRESET || errno == EPIPE ||
				    errno == ETIMEDOUT ||
				    errno == ECONNABORTED) {
					c->gone = true;
					return IO_RESET;
				}
				fprintf(stderr, FS_PROG ": read: %s\n",
				    strerror(errno));
				return IO_ERR;
			}
			ev = POLLIN;
		}
		if ((rc = io_wait(c, ev)) != IO_OK)
			return rc;
	}
}

/* Writes all n bytes, through TLS when it is active unless raw. */
static enum io
io_write(struct conn *c, const unsigned char *p, size_t n, bool raw)
{
	ssize_t	k;
	enum io	rc;
	int	e;
	short	ev;

	if (c->gone)
		return IO_RESET;
	while (n > 0) {
		if (c->ssl != NULL && !raw) {
			ERR_clear_error();
			errno = 0;
			/* Retried with the same arguments, as SSL_write wants. */
			e = SSL_write(c->ssl, p, n > INT_MAX ? INT_MAX : (int)n);
			if (e > 0) {
				p += e;
				n -= (size_t)e;
				continue;
			}
			switch (SSL_get_error(c->ssl, e)) {
			case SSL_ERROR_WANT_READ:
				ev = POLLIN;
				break;
			case SSL_ERROR_WANT_WRITE:
				ev = POLLOUT;
				break;
			default:
				ERR_clear_error();
				c->gone = true;
				return IO_RESET;
			}
		} else {
			k = write(c->fd, p, n);
			if (k > 0) {
				p += k;
				n -= (size_t)k;
				continue;
			}
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
				if (errno == EPIPE || errno == ECONNRESET ||
				    errno == ETIMEDOUT ||
				    errno == ECONNABORTED) {
					c->gone = true;
					return IO_RESET;
				}
				fprintf(stderr, FS_PROG ": write: %s\n",
				    strerror(errno));
				return IO_ERR;
			}
			ev = POLLOUT;
		}
		if ((rc = io_wait(c, ev)) != IO_OK)
			return rc;
	}
	return IO_OK;
}

/* Reports a failed read or write of the current command; returns the exit. */
static int
io_fail(struct conn *c, enum io io, const char *extra)
{
	const struct cmd	*cmd = c->fs->cur;
	char			 where[PATH_MAX + 64];
	int			 n;

	/* cur is NULL during the --implicit-tls handshake. */
	if (cmd == NULL)
		n = snprintf(where, sizeof(where), "implicit TLS handshake");
	else
		n = snprintf(where, sizeof(where), "%s:%d: %s",
		    c->fs->sc->path, cmd->line, ops[cmd->op].name);
	if (n < 0 || (size_t)n >= sizeof(where))
		where[sizeof(where) - 1] = '\0';	/* truncated is fine */
	switch (io) {
	case IO_OK:
		return 0;
	case IO_TIMEOUT:
		fprintf(stderr, FS_PROG ": watchdog: script not finished after "
		    "%lu s (%s)\n", c->fs->timeout, where);
		return FS_EXIT_TIMEOUT;
	case IO_EOF:
	case IO_RESET:
		fprintf(stderr, FS_PROG ": %s: client %s the connection%s\n",
		    where, io == IO_EOF ? "closed" : "reset", extra);
		return FS_EXIT_CLOSED;
	case IO_ERR:
		break;
	}
	fprintf(stderr, FS_PROG ": %s: I/O error\n", where);
	return FS_EXIT_ERR;
}

/*
 * Reads one line.  *line points into c->in, without its CRLF or LF, and
 * stays valid until the next call.
 */
static int
conn_line(struct conn *c, const unsigned char **line, size_t *linelen)
{
	const unsigned char	*lf;
	size_t			 n, got;
	enum io			 io;
	char			 extra[80];

	if (c->consume > 0) {
		memmove(c->in, c->in + c->consume, c->len - c->consume);
		c->len -= c->consume;
		c->consume = 0;
	}
	for (;;) {
		if ((lf = memchr(c->in, '\n', c->len)) != NULL) {
			n = (size_t)(lf - c->in);
			c->consume = n + 1;
			if (n > 0 && c->in[n - 1] == '\r')
				n--;
			if (n > FS_LINE_MAX)
				break;
			*line = c->in;
			*linelen = n;
			return 0;
		}
		if (c->len > FS_LINE_MAX + 1)
			break;
		io = io_read(c, c->in + c->len, sizeof(c->in) - c->len, &got);
		if (io != IO_OK) {
			extra[0] = '\0';
			if (c->len > 0)
				snprintf(extra, sizeof(extra), " (after %zu "
				    "bytes of an unfinished line)", c->len);
			return io_fail(c, io, extra);
		}
		c->len += got;
	}
	fprintf(stderr, FS_PROG ": %s:%d: %s: client line longer than %d "
	    "bytes\n", c->fs->sc->path, c->fs->cur->line,
	    ops[c->fs->cur->op].name, FS_LINE_MAX);
	return FS_EXIT_MISMATCH;
}

/* The TLS server handshake; FS_R_GONE when it fails on the client's side. */
static int
conn_tls(struct conn *c)
{
	enum io	rc;
	int	e;
	short	ev;

	if ((c->ssl = SSL_new(c->fs->ctx)) == NULL ||
	    SSL_set_fd(c->ssl, c->fd) != 1) {
		tls_log("SSL_new");
		return FS_EXIT_ERR;
	}
	for (;;) {
		ERR_clear_error();
		errno = 0;
		if ((e = SSL_accept(c->ssl)) == 1)
			return 0;
		switch (SSL_get_error(c->ssl, e)) {
		case SSL_ERROR_WANT_READ:
			ev = POLLIN;
			break;
		case SSL_ERROR_WANT_WRITE:
			ev = POLLOUT;
			break;
		default:
			tls_log("TLS handshake failed");
			c->gone = true;
			return FS_R_GONE;
		}
		if ((rc = io_wait(c, ev)) != IO_OK)
			return io_fail(c, rc, "");
	}
}

/* Reads and discards until the client closes or resets. */
static int
conn_drain(struct conn *c)
{
	unsigned char	buf[16384];
	size_t		got;
	enum io		io;

	c->len = c->consume = 0;
	for (;;) {
		io = io_read(c, buf, sizeof(buf), &got);
		if (io == IO_EOF || io == IO_RESET)
			return 0;
		if (io != IO_OK)
			return io_fail(c, io, "");
	}
}

/* Closes normally (TLS close_notify, then FIN) or with a TCP RST. */
static void
conn_close(struct conn *c, bool rst)
{
	struct linger	lg;
	unsigned char	buf[16384];
	size_t		total = 0;
	ssize_t		n;
	int		e;

	if (c->fd == -1)
		return;
	if (rst) {
		lg.l_onoff = 1;
		lg.l_linger = 0;
		if (setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg,
		    sizeof(lg)) != 0)
			fprintf(stderr, FS_PROG ": SO_LINGER: %s\n",
			    strerror(errno));
	} else {
		if (c->ssl != NULL && !c->gone) {
			for (;;) {
				ERR_clear_error();
				/* Sends close_notify; no wait for the reply. */
				if ((e = SSL_shutdown(c->ssl)) >= 0)
					break;
				e = SSL_get_error(c->ssl, e);
				if ((e != SSL_ERROR_WANT_WRITE &&
				    e != SSL_ERROR_WANT_READ) ||
				    io_wait(c, e == SSL_ERROR_WANT_WRITE ?
				    POLLOUT : POLLIN) != IO_OK)
					break;
			}
			ERR_clear_error();
		}
		shutdown(c->fd, SHUT_WR);
		/*
		 * Unread input makes close() send a RST; discard what has
		 * arrived so a normal close is a FIN.
		 */
		while (total < FS_DRAIN_MAX &&
		    (n = read(c->fd, buf, sizeof(buf))) > 0)
			total += (size_t)n;
	}
	SSL_free(c->ssl);
	c->ssl = NULL;
	close(c->fd);
	c->fd = -1;
}

static int
run_repeat(struct conn *c, const struct cmd *cmd)
{
	unsigned char		*chunk;
	unsigned long		 per, left, k, i;
	unsigned long long	 sent = 0;
	enum io			 io = IO_OK;

	per = FS_CHUNK / cmd->len;
	if (per == 0)
		per = 1;
	if (per > cmd->n)
		per = cmd->n;
	if ((chunk = malloc(per * cmd->len)) == NULL) {
		fprintf(stderr, FS_PROG ": out of memory\n");
		return FS_EXIT_ERR;
	}
	for (i = 0; i < per; i++)
		memcpy(chunk + i * cmd->len, cmd->data, cmd->len);
	for (left = cmd->n; left > 0; left -= k) {
		k = left < per ? left : per;
		if ((io = io_write(c, chunk, k * cmd->len, false)) != IO_OK)
			break;
		sent += (unsigned long long)k * cmd->len;
	}
	free(chunk);
	if (io == IO_EOF || io == IO_RESET) {
		/* The client giving up on an endless line is expected. */
		fprintf(stderr, FS_PROG ": %s:%d: send-repeat: client closed "
		    "after about %llu bytes; continuing\n", c->fs->sc->path,
		    cmd->line, sent);
		return 0;
	}
	return io_fail(c, io, "");
}

/* Sleeps ms milliseconds, or until the watchdog fires (IO_TIMEOUT). */
static enum io
fs_pause(const struct fs *fs, unsigned long ms)
{
	int64_t	end, left;

	end = now_ms() + (int64_t)ms;
	if (end > fs->deadline)
		end = fs->deadline;
	while ((left = end - now_ms()) > 0)
		if (poll(NULL, 0, left > INT_MAX ? INT_MAX : (int)left) < 0 &&
		    errno != EINTR) {
			fprintf(stderr, FS_PROG ": poll: %s\n", strerror(errno));
			return IO_ERR;
		}
	return now_ms() >= fs->deadline ? IO_TIMEOUT : IO_OK;
}

/*
 * One byte at a time, cmd->n ms apart.  The client giving up meanwhile is
 * what a trickle tests: logged, and the script goes on.
 */
static int
run_trickle(struct conn *c, const struct cmd *cmd)
{
	size_t	i;
	enum io	io = IO_OK;

	for (i = 0; i < cmd->len; i++) {
		if (i > 0 && (io = fs_pause(c->fs, cmd->n)) != IO_OK)
			break;
		if ((io = io_write(c, cmd->data + i, 1, false)) != IO_OK)
			break;
	}
	if (io == IO_EOF || io == IO_RESET) {
		fprintf(stderr, FS_PROG ": %s:%d: trickle: client closed after "
		    "%zu of %zu bytes; continuing\n", c->fs->sc->path,
		    cmd->line, i, cmd->len);
		return 0;
	}
	return io_fail(c, io, "");
}

static int
run_cmd(struct conn *c, const struct cmd *cmd)
{
	const unsigned char	*line;
	size_t			 len;
	int			 rc;
	bool			 ok;

	switch (cmd->op) {
	case OP_SEND:
	case OP_SEND_FILE:
		return io_fail(c, io_write(c, cmd->data, cmd->len, false), "");
	case OP_TLS_SEND_PLAIN:
		return io_fail(c, io_write(c, cmd->data, cmd->len, true), "");
	case OP_SEND_REPEAT:
		return run_repeat(c, cmd);
	case OP_TRICKLE:
		return run_trickle(c, cmd);
	case OP_EXPECT:
	case OP_EXPECT_PREFIX:
		if ((rc = conn_line(c, &line, &len)) != 0)
			return rc;
		if (cmd->op == OP_EXPECT)
			ok = len == cmd->len && memcmp(line, cmd->data, len) == 0;
		else
			ok = len >= cmd->len &&
			    memcmp(line, cmd->data, cmd->len) == 0;
		if (ok)
			return 0;
		fprintf(stderr, FS_PROG ": %s:%d: %s did not match\n"
		    FS_PROG ":   expected%s: ", c->fs->sc->path, cmd->line,
		    ops[cmd->op].name, cmd->op == OP_EXPECT ? "" : " prefix");
		show(cmd->data, cmd->len);
		fputs("\n" FS_PROG ":   received: ", stderr);
		if (is_secret(c, line, len))
			fputs("<secret line withheld>", stderr);
		else
			show(line, len);
		fputc('\n', stderr);
		return FS_EXIT_MISMATCH;
	case OP_RECV:
		return conn_line(c, &line, &len);
	case OP_RECV_UNTIL:
		do {
			if ((rc = conn_line(c, &line, &len)) != 0)
				return rc;
		} while (len != cmd->len || memcmp(line, cmd->data, len) != 0);
		return 0;
	case OP_AUTH_BEGIN:
		c->secret = true;
		return 0;
	case OP_AUTH_END:
		c->secret = false;
		return 0;
	case OP_STARTTLS:
		if (c->ssl != NULL) {
			fprintf(stderr, FS_PROG ": %s:%d: starttls: TLS is "
			    "already active\n", c->fs->sc->path, cmd->line);
			return FS_EXIT_ERR;
		}
		if (c->len > c->consume) {
			/* Client pipelined after STLS/STARTTLS: discard. */
			fprintf(stderr, FS_PROG ": %s:%d: starttls: discarding "
			    "%zu plaintext bytes the client sent early\n",
			    c->fs->sc->path, cmd->line, c->len - c->consume);
		}
		c->len = c->consume = 0;
		return conn_tls(c);
	case OP_CLOSE:
		conn_close(c, false);
		return FS_R_END;
	case OP_RESET:
		conn_close(c, true);
		return FS_R_END;
	case OP_WAIT_CLOSE:
	case OP_HANG:
		return conn_drain(c);
	case OP__COUNT:
		break;
	}
	return FS_EXIT_ERR;
}

/* The client is gone after a failed handshake: may the script end here? */
static int
run_gone(struct fs *fs, size_t from)
{
	const struct cmd	*cmd;
	size_t			 i;

	for (i = from; i < fs->sc->ncmds; i++) {
		cmd = &fs->sc->cmds[i];
		if (ops[cmd->op].client) {
			fprintf(stderr, FS_PROG ": %s:%d: %s: client gone after "
			    "the failed TLS handshake\n", fs->sc->path,
			    cmd->line, ops[cmd->op].name);
			return FS_EXIT_CLOSED;
		}
	}
	return 0;
}

static int
run_conn(struct fs *fs, int fd, bool implicit)
{
	struct conn	*c;
	size_t		 i = 0;
	int		 rc = 0, one = 1;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		fprintf(stderr, FS_PROG ": out of memory\n");
		close(fd);
		return FS_EXIT_ERR;
	}
	c->fs = fs;
	c->fd = fd;
	/* Each send leaves at once: tests see the segments a script made. */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0)
		fprintf(stderr, FS_PROG ": TCP_NODELAY: %s\n", strerror(errno));
	if (implicit) {
		fs->cur = NULL;
		if ((rc = conn_tls(c)) == FS_R_GONE)
			rc = run_gone(fs, 0);
		if (c->gone)
			i = fs->sc->ncmds;
	}
	for (; rc == 0 && i < fs->sc->ncmds; i++) {
		fs->cur = &fs->sc->cmds[i];
		rc = run_cmd(c, fs->cur);
		if (rc == FS_R_END)
			rc = 0;
		else if (rc == FS_R_GONE)
			rc = run_gone(fs, i + 1);
		else
			continue;
		break;
	}
	conn_close(c, false);
	free(c);
	return rc;
}

static int
listen_on(const char *addr, unsigned long port, int *lfd, unsigned *bound)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 sl;
	int			 fd, one = 1;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		if (ntohl(sin->sin_addr.s_addr) != INADDR_LOOPBACK)
			goto refuse;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		sl = sizeof(*sin);
	} else if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		if (!IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr))
			goto refuse;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		sl = sizeof(*sin6);
	} else
		goto refuse;

	if ((fd = socket(ss.ss_family, SOCK_STREAM, 0)) == -1) {
		fprintf(stderr, FS_PROG ": socket: %s\n", strerror(errno));
		return FS_EXIT_ERR;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    (ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &one, sizeof(one)) != 0) ||
	    bind(fd, (struct sockaddr *)&ss, sl) != 0 ||
	    listen(fd, SOMAXCONN) != 0 ||	/* many clients at once (--parallel) */
	    getsockname(fd, (struct sockaddr *)&ss, &sl) != 0 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1) {
		fprintf(stderr, FS_PROG ": listen on %s port %lu: %s\n", addr,
		    port, strerror(errno));
		close(fd);
		return FS_EXIT_ERR;
	}
	*bound = ntohs(ss.ss_family == AF_INET ? sin->sin_port :
	    sin6->sin6_port);
	*lfd = fd;
	return 0;
refuse:
	fprintf(stderr, FS_PROG ": --listen %s: only 127.0.0.1 or ::1 are "
	    "accepted\n", addr);
	return FS_EXIT_USAGE;
}

static int
accept_one(struct fs *fs, int lfd, int *out)
{
	struct pollfd	pfd;
	int64_t		left;
	int		fd, n;

	for (;;) {
		if ((left = fs_left(fs)) <= 0) {
			fprintf(stderr, FS_PROG ": watchdog: no connection "
			    "after %lu s\n", fs->timeout);
			return FS_EXIT_TIMEOUT;
		}
		pfd.fd = lfd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		n = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n < 0 && errno != EINTR) {
			fprintf(stderr, FS_PROG ": poll: %s\n", strerror(errno));
			return FS_EXIT_ERR;
		}
		if (n <= 0)
			continue;
		if ((fd = accept(lfd, NULL, NULL)) == -1) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == EWOULDBLOCK || errno == ECONNABORTED)
				continue;
			fprintf(stderr, FS_PROG ": accept: %s\n",
			    strerror(errno));
			return FS_EXIT_ERR;
		}
		if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1) {
			fprintf(stderr, FS_PROG ": fcntl: %s\n", strerror(errno));
			close(fd);
			return FS_EXIT_ERR;
		}
		*out = fd;
		return 0;
	}
}

/*
 * --parallel N: up to N connections at once, each in a child process of
 * its own playing its script (the Nth connection the Nth script, later
 * ones the last), nconn in all; the exit status is the first failing
 * child's, else 0.  The children keep the watchdog's deadline.
 */
static int
serve_parallel(struct fs *fs, int lfd, const struct script *sc, size_t nsc,
    unsigned long nconn, unsigned long npar, bool implicit)
{
	unsigned long	 k, running = 0;
	int		 rc = 0, st, fd, c;
	int64_t		 left;
	pid_t		 pid;

	for (k = 0; k < nconn || running > 0;) {
		/* Reap what ended; wait for one when all slots are busy. */
		while (running > 0 && (pid = waitpid(-1, &st, running >= npar ||
		    k >= nconn || rc != 0 ? 0 : WNOHANG)) > 0) {
			running--;
			c = WIFEXITED(st) ? WEXITSTATUS(st) : FS_EXIT_ERR;
			if (rc == 0 && c != 0)
				rc = c;
			if (running < npar && k < nconn && rc == 0)
				break;
		}
		if (running > 0 && pid == -1 && errno == ECHILD)
			running = 0;	/* none left after all */
		if (k >= nconn || rc != 0) {
			if (running == 0)
				break;
			continue;
		}
		if (running >= npar)
			continue;
		if ((c = accept_one(fs, lfd, &fd)) != 0) {
			rc = c;
			continue;
		}
		fs->sc = &sc[k < nsc ? k : nsc - 1];
		k++;
		if ((pid = fork()) == -1) {
			fprintf(stderr, FS_PROG ": fork: %s\n", strerror(errno));
			close(fd);
			rc = FS_EXIT_ERR;
			continue;
		}
		if (pid == 0) {
			close(lfd);
			/* a pending alarm is not inherited: the child's own */
			left = fs_left(fs);
			alarm((unsigned)(left > 0 ? left / 1000 : 0) + 2);
			_exit(run_conn(fs, fd, implicit));
		}
		close(fd);
		running++;
	}
	return rc;
}

/*
 * --workers K: K processes made at the start, each taking connections one
 * after the other from the listening socket and playing its script, nconn
 * in all (a count the workers share).  No process is made per connection,
 * so fakesrv costs a benchmark no fork (--parallel's way) and its K
 * workers run on every core.  The exit status is the first failing
 * connection's, else 0: then no new connection is taken, the workers in
 * a connection end it, and those waiting for one are ended.
 */
struct fs_shared {
	atomic_ulong	 next;		/* connections claimed */
	atomic_int	 failed;	/* the first failure's status; 0: none */
	atomic_int	 busy[FS_WORKERS_MAX];	/* in a connection */
};

static int
serve_workers(struct fs *fs, int lfd, const struct script *sc, size_t nsc,
    unsigned long nconn, unsigned long nworkers, bool implicit)
{
	struct fs_shared	*sh;
	pid_t			 pids[FS_WORKERS_MAX], pid;
	unsigned long		 w, k, made = 0;
	int			 rc = 0, st, c, fd, zero;
	int64_t			 left;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		fprintf(stderr, FS_PROG ": mmap: %s\n", strerror(errno));
		return FS_EXIT_ERR;
	}
	atomic_init(&sh->next, 0);
	atomic_init(&sh->failed, 0);
	for (w = 0; w < FS_WORKERS_MAX; w++)
		atomic_init(&sh->busy[w], 0);
	for (w = 0; w < nworkers; w++) {
		if ((pid = fork()) == -1) {
			fprintf(stderr, FS_PROG ": fork: %s\n", strerror(errno));
			rc = FS_EXIT_ERR;
			break;
		}
		if (pid > 0) {
			pids[made++] = pid;
			continue;
		}
		left = fs_left(fs);
		alarm((unsigned)(left > 0 ? left / 1000 : 0) + 2);
		for (;;) {
			if (atomic_load(&sh->failed) != 0 ||
			    (k = atomic_fetch_add(&sh->next, 1)) >= nconn)
				_exit(0);
			if ((c = accept_one(fs, lfd, &fd)) == 0) {
				atomic_store(&sh->busy[w], 1);
				fs->sc = &sc[k < nsc ? k : nsc - 1];
				c = run_conn(fs, fd, implicit);
				atomic_store(&sh->busy[w], 0);
			}
			if (c != 0) {
				zero = 0;
				atomic_compare_exchange_strong(&sh->failed, &zero,
				    c);
				_exit(c);
			}
		}
	}
	/* Reaped as they end: the first failure ends the others at once. */
	for (w = 0; w < made;) {
		if ((pid = waitpid(-1, &st, 0)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (k = 0; k < made && pids[k] != pid; k++)
			;
		if (k == made)
			continue;
		pids[k] = -1;
		w++;
		c = WIFEXITED(st) ? WEXITSTATUS(st) : FS_EXIT_ERR;
		if (c != 0 && rc == 0) {
			rc = atomic_load(&sh->failed) != 0 ?
			    atomic_load(&sh->failed) : c;
			/* (a worker in a connection ends it first, as
			 * --parallel's children do) */
			for (k = 0; k < made; k++)
				if (pids[k] != -1 && !atomic_load(&sh->busy[k]))
					kill(pids[k], SIGTERM);
		}
	}
	munmap(sh, sizeof(*sh));
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "script",		required_argument,	NULL, 's' },
		{ "listen",		required_argument,	NULL, 'l' },
		{ "port",		required_argument,	NULL, 'p' },
		{ "cert",		required_argument,	NULL, 'c' },
		{ "key",		required_argument,	NULL, 'k' },
		{ "implicit-tls",	no_argument,		NULL, 'i' },
		{ "connections",	required_argument,	NULL, 'n' },
		{ "parallel",		required_argument,	NULL, 'P' },
		{ "workers",		required_argument,	NULL, 'W' },
		{ "timeout",		required_argument,	NULL, 't' },
		{ "help",		no_argument,		NULL, 'h' },
		{ NULL,			0,			NULL, 0 }
	};
	struct script	 sc[FS_SCRIPTS_MAX];
	struct fs	 fs;
	const char	*script[FS_SCRIPTS_MAX], *addr = "127.0.0.1";
	const char	*cert = NULL, *key = NULL;
	unsigned long	 port = 0, nconn = 1, npar = 1, nworkers = 0, k;
	unsigned	 bound;
	size_t		 nscript = 0, nsc = 0, j;
	bool		 implicit = false, tls = false;
	int		 ch, lfd = -1, fd, rc = 0;

	memset(&fs, 0, sizeof(fs));
	fs.timeout = FS_TIMEOUT_DEFAULT;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (!add_script(script, &nscript, optarg))
				return FS_EXIT_USAGE;
			break;
		case 'l':
			addr = optarg;
			break;
		case 'p':
			if (!parse_ulong(optarg, 0, 65535, &port)) {
				fprintf(stderr, FS_PROG ": --port: 0..65535\n");
				return FS_EXIT_USAGE;
			}
			break;
		case 'c':
			cert = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'i':
			implicit = true;
			break;
		case 'n':
			if (!parse_ulong(optarg, 1, FS_CONN_MAX, &nconn)) {
				fprintf(stderr, FS_PROG ": --connections: "
				    "1..%d\n", FS_CONN_MAX);
				return FS_EXIT_USAGE;
			}
			break;
		case 'P':
			if (!parse_ulong(optarg, 1, FS_PARALLEL_MAX, &npar)) {
				fprintf(stderr, FS_PROG ": --parallel: "
				    "1..%d\n", FS_PARALLEL_MAX);
				return FS_EXIT_USAGE;
			}
			break;
		case 'W':
			if (!parse_ulong(optarg, 1, FS_WORKERS_MAX, &nworkers)) {
				fprintf(stderr, FS_PROG ": --workers: "
				    "1..%d\n", FS_WORKERS_MAX);
				return FS_EXIT_USAGE;
			}
			break;
		case 't':
			if (!parse_ulong(optarg, 1, FS_TIMEOUT_MAX,
			    &fs.timeout)) {
				fprintf(stderr, FS_PROG ": --timeout: 1..%d\n",
				    FS_TIMEOUT_MAX);
				return FS_EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return FS_EXIT_OK;
		default:
			fprintf(stderr, FS_PROG ": %s: an unknown option, or "
			    "its value is missing\n", argv[optind - 1]);
			usage(stderr);
			return FS_EXIT_USAGE;
		}
	}
	/* The scripts may also be given without --script. */
	for (; optind < argc; optind++)
		if (!add_script(script, &nscript, argv[optind]))
			return FS_EXIT_USAGE;
	if (nscript == 0) {
		usage(stderr);
		return FS_EXIT_USAGE;
	}
	if ((cert == NULL) != (key == NULL)) {
		fprintf(stderr, FS_PROG ": --cert and --key go together\n");
		return FS_EXIT_USAGE;
	}
	if (nworkers > 0 && npar > 1) {
		fprintf(stderr, FS_PROG ": --parallel or --workers, not both\n");
		return FS_EXIT_USAGE;
	}

	/* The watchdog covers everything from here on. */
	fs.deadline = now_ms() + (int64_t)fs.timeout * 1000;
	signal(SIGALRM, on_alarm);
	alarm((unsigned)fs.timeout + 2);
	signal(SIGPIPE, SIG_IGN);

	for (nsc = 0; nsc < nscript; nsc++) {
		if (script_load(&sc[nsc], script[nsc]) != 0) {
			rc = FS_EXIT_USAGE;
			goto out;
		}
		if (implicit && sc[nsc].tls) {
			fprintf(stderr, FS_PROG ": %s: starttls with "
			    "--implicit-tls\n", script[nsc]);
			nsc++;
			rc = FS_EXIT_USAGE;
			goto out;
		}
		tls = tls || sc[nsc].tls;
	}
	if ((implicit || tls) && cert == NULL) {
		fprintf(stderr, FS_PROG ": TLS needs --cert and --key\n");
		rc = FS_EXIT_USAGE;
		goto out;
	}
	if (cert != NULL) {
		if ((fs.ctx = SSL_CTX_new(TLS_server_method())) == NULL ||
		    SSL_CTX_set_min_proto_version(fs.ctx, TLS1_2_VERSION) != 1) {
			tls_log("SSL_CTX_new");
			rc = FS_EXIT_ERR;
			goto out;
		}
		SSL_CTX_set_options(fs.ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
		if (SSL_CTX_use_certificate_chain_file(fs.ctx, cert) != 1 ||
		    SSL_CTX_use_PrivateKey_file(fs.ctx, key,
		    SSL_FILETYPE_PEM) != 1 ||
		    SSL_CTX_check_private_key(fs.ctx) != 1) {
			tls_log("certificate or key");
			rc = FS_EXIT_ERR;
			goto out;
		}
	}

	if ((rc = listen_on(addr, port, &lfd, &bound)) != 0)
		goto out;
	if (printf("%u\n", bound) < 0 || fflush(stdout) != 0) {
		fprintf(stderr, FS_PROG ": stdout: %s\n", strerror(errno));
		rc = FS_EXIT_ERR;
		goto out;
	}
	if (nworkers > 0) {
		rc = serve_workers(&fs, lfd, sc, nsc, nconn, nworkers,
		    implicit);
		goto out;
	}
	if (npar > 1) {
		rc = serve_parallel(&fs, lfd, sc, nsc, nconn, npar, implicit);
		goto out;
	}
	for (k = 0; k < nconn; k++) {
		if ((rc = accept_one(&fs, lfd, &fd)) != 0)
			break;
		/* The Nth connection plays the Nth script, later ones the last. */
		fs.sc = &sc[k < nsc ? k : nsc - 1];
		if ((rc = run_conn(&fs, fd, implicit)) != 0)
			break;
	}
out:
	if (lfd != -1)
		close(lfd);
	SSL_CTX_free(fs.ctx);
	for (j = 0; j < nsc; j++)
		script_free(&sc[j]);
	return rc;
}
