/*
 * SPDX-License-Identifier: BSD-2-Clause
 * ctxcache.c - the client SSL_CTXs of the process, one per set of TLS
 * options (CA file, insecure, highest version, key log), made once and
 * shared by every connection that has those options (net_int.h).
 *
 * Loading a CA file (PEM through OpenSSL 3's decoders) costs more CPU
 * than the rest of a POP3 session: a batch or an exporter that made a
 * context per connection spent most of its time there.  A context only
 * holds configuration here (client session caching is off in OpenSSL by
 * default, so nothing of one session reaches the next: every handshake is
 * a full one and records the same facts).  A CA file is looked at again
 * (stat) at each use: when it changed (inode, size or modification
 * time), a new context loads it, and connections still holding the old
 * one keep it until they close (reference counts).  The system trust
 * store is loaded once per process.  net_cafile_check()'s verdicts are
 * kept the same way (a file checked once is not parsed again until it
 * changes): a batch makes each line's options again for every session.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "net_int.h"

#define CTX_CACHE_HARD	16	/* option sets kept; more are made each time */

struct ctx_ent {
	SSL_CTX			*ctx;		/* NULL: free */
	char			*cafile;	/* NULL: the system store */
	bool			 insecure;
	int			 max_version;
	const struct net_keylog	*keylog;
	struct stat		 st;		/* the CA file when loaded */
};

static pthread_mutex_t	 cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct ctx_ent	 cache[CTX_CACHE_HARD];

/* CA files that net_cafile_check() found good, as they were then. */
static struct {
	char		*path;
	struct stat	 st;
}			 checked[CTX_CACHE_HARD];

static bool
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* The last error's reason, and the queue emptied. */
static void
ossl_reason(char *buf, size_t sz)
{
	net_ossl_reason(ERR_peek_last_error(), buf, sz);
	ERR_clear_error();
}

/* A new context for the options (the code of tls_setup() before). */
static SSL_CTX *
ctx_new(const char *cafile, bool insecure, int max_version,
    struct net_keylog *kl, struct mt_err *err)
{
	SSL_CTX	*ctx;
	char	 buf[256];

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		goto ossl_fail;
	if (net_keylog_attach(ctx, kl) != 0)
		goto ossl_fail;
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1)
		goto ossl_fail;
	if (max_version != 0 &&
	    SSL_CTX_set_max_proto_version(ctx, max_version) != 1)
		goto ossl_fail;
	/*
	 * The trust is loaded under insecure too: a client's handshake
	 * verifies the chain with SSL_VERIFY_NONE as well, only it does not
	 * fail on the result (SSL_get_verify_result() has it after the
	 * handshake; tls_collect() records it).  The host name is then
	 * checked after the handshake, not by the chain's verification.
	 */
	if (cafile != NULL) {
		if (SSL_CTX_load_verify_file(ctx, cafile) != 1) {
			ossl_reason(buf, sizeof(buf));
			SSL_CTX_free(ctx);
			mt_err_set(err, MT_E_USAGE, "cannot load CA file %s: %s",
			    cafile, buf);
			return NULL;
		}
	} else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		if (!insecure)
			goto ossl_fail;
		ERR_clear_error();	/* recorded as not verified */
	}
	SSL_CTX_set_verify(ctx, insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER,
	    NULL);
	return ctx;

ossl_fail:
	ossl_reason(buf, sizeof(buf));
	SSL_CTX_free(ctx);
	mt_err_set(err, MT_E_INTERNAL, "TLS setup: %s", buf);
	return NULL;
}

SSL_CTX *
net_ctx_get(const char *cafile, bool insecure, int max_version,
    struct net_keylog *kl, struct mt_err *err)
{
	struct ctx_ent	*e, *hit = NULL, *slot = NULL;
	struct stat	 st;
	SSL_CTX		*ctx;
	size_t		 i;

	memset(&st, 0, sizeof(st));
	/* (a file that cannot be looked at: the load below says why) */
	if (cafile != NULL && stat(cafile, &st) != 0)
		return ctx_new(cafile, insecure, max_version, kl, err);
	pthread_mutex_lock(&cache_mu);
	for (i = 0; i < CTX_CACHE_HARD; i++) {
		e = &cache[i];
		if (e->ctx == NULL) {
			if (slot == NULL)
				slot = e;
			continue;
		}
		if (e->insecure != insecure || e->max_version != max_version ||
		    e->keylog != kl || (e->cafile == NULL) != (cafile == NULL) ||
		    (cafile != NULL && strcmp(e->cafile, cafile) != 0))
			continue;
		if (cafile != NULL && !same_file(&e->st, &st)) {
			/* Changed: this entry makes way for the new load. */
			SSL_CTX_free(e->ctx);
			free(e->cafile);
			memset(e, 0, sizeof(*e));
			slot = e;
			break;
		}
		hit = e;
		break;
	}
	if (hit != NULL) {
		SSL_CTX_up_ref(hit->ctx);
		ctx = hit->ctx;
		pthread_mutex_unlock(&cache_mu);
		return ctx;
	}
	/* Loaded under the lock: two threads never load the same file twice. */
	if ((ctx = ctx_new(cafile, insecure, max_version, kl, err)) != NULL &&
	    slot != NULL && (cafile == NULL ||
	    (slot->cafile = strdup(cafile)) != NULL)) {
		slot->ctx = ctx;
		slot->insecure = insecure;
		slot->max_version = max_version;
		slot->keylog = kl;
		slot->st = st;
		SSL_CTX_up_ref(ctx);	/* the cache's reference */
	}
	pthread_mutex_unlock(&cache_mu);
	return ctx;
}

bool
net_cafile_known(const char *path, const struct stat *st)
{
	bool	known = false;
	size_t	i;

	pthread_mutex_lock(&cache_mu);
	for (i = 0; i < CTX_CACHE_HARD && checked[i].path != NULL; i++)
		if (strcmp(checked[i].path, path) == 0) {
			known = same_file(&checked[i].st, st);
			break;
		}
	pthread_mutex_unlock(&cache_mu);
	return known;
}

void
net_cafile_good(const char *path, const struct stat *st)
{
	size_t	i;

	pthread_mutex_lock(&cache_mu);
	for (i = 0; i < CTX_CACHE_HARD; i++) {
		if (checked[i].path == NULL &&
		    (checked[i].path = strdup(path)) == NULL)
			break;
		if (strcmp(checked[i].path, path) == 0) {
			checked[i].st = *st;
			break;
		}
	}
	pthread_mutex_unlock(&cache_mu);
}
