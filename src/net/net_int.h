/*
 * net_int.h - what net.c and keylog.c share; not for other parts.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_NET_NET_INT_H
#define MT_NET_NET_INT_H

#include <stdbool.h>
#include <sys/stat.h>

#include <openssl/ssl.h>

#include "net.h"

/*
 * Have ctx's sessions write their key log lines to k (NULL: nothing).
 * -1 when OpenSSL could not take it (no ex_data slot).
 */
int	net_keylog_attach(SSL_CTX *ctx, struct net_keylog *k);

/*
 * The client context for these options (ctxcache.c): shared, made when
 * first asked for, made again when the CA file changed.  The caller owns
 * one reference (SSL_CTX_free() when done).  NULL with err: MT_E_USAGE
 * when the CA file cannot be loaded, else MT_E_INTERNAL.  Thread-safe.
 */
SSL_CTX	*net_ctx_get(const char *cafile, bool insecure, int max_version,
	    struct net_keylog *kl, struct mt_err *err);
/* OpenSSL's reason for error e ("unknown error" for 0) into buf. */
void	net_ossl_reason(unsigned long e, char *buf, size_t sz);
/* net_cafile_check()'s memory: path was good and is unchanged (st). */
bool	net_cafile_known(const char *path, const struct stat *st);
void	net_cafile_good(const char *path, const struct stat *st);

#endif
