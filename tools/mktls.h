/*
 * mktls.h - a real TLS session for mkpcap's crafted captures (issue 12):
 * an OpenSSL client and server over memory BIOs, whose records mkpcap
 * writes as the flow's segments, and whose NSS key log lines go to a file
 * for `mailtrace decode --keylog`.  Test tooling only.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_TOOLS_MKTLS_H
#define MT_TOOLS_MKTLS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct mktls;

/* What the session wrote in one direction (0 c2s, 1 s2c), in order. */
typedef void	(*mktls_emit)(void *arg, int dir, const uint8_t *, size_t);

/*
 * A session of version ("1.2" or "1.3") with suite (an OpenSSL name:
 * TLS_AES_128_GCM_SHA256, ECDHE-ECDSA-AES256-GCM-SHA384, ...; ECDSA
 * certificate), its handshake done at once: each flight to emit.  keylog
 * (may be NULL) gets the client's key log lines.  NULL with a message in
 * err when OpenSSL refuses.
 */
struct mktls	*mktls_new(const char *version, const char *suite, FILE *keylog,
		    mktls_emit, void *arg, char *err, size_t errsz);
/* dir writes n bytes of application data: its records to emit. */
int		 mktls_write(struct mktls *, int dir, const uint8_t *, size_t,
		    char *err, size_t errsz);
/* dir updates its keys (TLS 1.3 KeyUpdate): the record to emit. */
int		 mktls_keyupdate(struct mktls *, int dir, char *err,
		    size_t errsz);
void		 mktls_free(struct mktls *);

#endif
