/*
 * net_int.h - what net.c and keylog.c share; not for other parts.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_NET_NET_INT_H
#define MT_NET_NET_INT_H

#include <openssl/ssl.h>

#include "net.h"

/*
 * Have ctx's sessions write their key log lines to k (NULL: nothing).
 * -1 when OpenSSL could not take it (no ex_data slot).
 */
int	net_keylog_attach(SSL_CTX *ctx, struct net_keylog *k);

#endif
