/*
 * SPDX-License-Identifier: BSD-2-Clause
 * keylog.c - the NSS key log of the probe's TLS sessions (issue 12,
 * docs/tls.md): OpenSSL's key log callback appends each line it is given
 * to one file, created mode 0600, in one write() of the whole line with
 * O_APPEND, so that lines of sessions on several threads (the exporter)
 * or processes are never interleaved.  A key log decrypts everything in
 * those sessions, passwords included: it is written only when asked.
 */
#include "net.h"
#include "net_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/ssl.h>

#define KEYLOG_LINE_HARD	1024	/* an NSS line: label, 2 x 64 hex */

struct net_keylog {
	int	 fd;
	char	 path[4096];
};

static CRYPTO_ONCE	 keylog_once = CRYPTO_ONCE_STATIC_INIT;
static int		 keylog_idx = -1;

static void
keylog_index_init(void)
{
	keylog_idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

/* The SSL_CTX ex_data slot of the key log, made once for the process. */
static int
net_keylog_index(void)
{
	if (!CRYPTO_THREAD_run_once(&keylog_once, keylog_index_init))
		return -1;
	return keylog_idx;
}

int
net_keylog_open(const char *path, struct net_keylog **out, struct mt_err *err)
{
	struct net_keylog	*k;
	struct stat		 sb;

	*out = NULL;
	if (path == NULL || *path == '\0')
		return mt_err_set(err, MT_E_USAGE, "key log: the file name is "
		    "empty");
	if (strlen(path) >= sizeof(k->path))
		return mt_err_set(err, MT_E_USAGE, "key log: the file name is "
		    "too long");
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return mt_err_set(err, MT_E_INTERNAL, "out of memory");
	k->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
	    O_NOCTTY, 0600);
	if (k->fd < 0) {
		mt_err_set(err, MT_E_USAGE, "key log %s: %s", path,
		    strerror(errno));
		free(k);
		return -MT_E_USAGE;
	}
	if (fstat(k->fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		mt_err_set(err, MT_E_USAGE, "key log %s: not a regular file",
		    path);
		close(k->fd);
		free(k);
		return -MT_E_USAGE;
	}
	memcpy(k->path, path, strlen(path) + 1);
	*out = k;
	return 0;
}

void
net_keylog_close(struct net_keylog *k)
{
	if (k == NULL)
		return;
	(void)close(k->fd);
	free(k);
}

/* One line, with its newline, in one write: O_APPEND keeps lines whole. */
static void
keylog_cb(const SSL *ssl, const char *line)
{
	struct net_keylog	*k;
	char			 buf[KEYLOG_LINE_HARD + 1];
	size_t			 n;
	ssize_t			 w;

	k = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), net_keylog_index());
	if (k == NULL || (n = strlen(line)) >= KEYLOG_LINE_HARD)
		return;
	memcpy(buf, line, n);
	buf[n++] = '\n';
	do
		w = write(k->fd, buf, n);
	while (w < 0 && errno == EINTR);
	explicit_bzero(buf, sizeof(buf));
}

int
net_keylog_attach(SSL_CTX *ctx, struct net_keylog *k)
{
	if (k == NULL)
		return 0;
	if (net_keylog_index() < 0 ||
	    SSL_CTX_set_ex_data(ctx, net_keylog_index(), k) != 1)
		return -1;
	SSL_CTX_set_keylog_callback(ctx, keylog_cb);
	return 0;
}
