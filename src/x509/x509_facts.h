/*
 * x509_facts.h - a certificate's own facts in a record's fields, written
 * once for the probe (src/net) and the decoder (src/tls).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_X509_X509_FACTS_H
#define MT_X509_X509_FACTS_H

#include <stdbool.h>

#include <openssl/x509.h>

#include "trace.h"

/*
 * Fill out's has_cert, subject and issuer (RFC 2253), sans ("DNS:a,
 * IP:1.2.3.4"), serial (hex, upper case, as openssl x509 -serial) and
 * not_before (seconds since the epoch) from x; the other fields are left
 * as they are.  Strings are printable ASCII (other bytes as \xHH), cut to
 * their field with "..." at the end.  Returns whether not_after could be
 * read into out->not_after (false: x NULL, or no valid time).
 */
bool	mt_x509_facts(X509 *x, struct rec_tls *out);

#endif
