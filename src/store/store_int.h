/*
 * store_int.h - what the store's files share (store.c: runs and records;
 * baseline.c: baselines).  Not for other parts: they use store.h.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_STORE_STORE_INT_H
#define MT_STORE_STORE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "store.h"
#include "db.h"
#include "store_sql.h"

/* Commit an open record batch, if any. */
int	 store_commit(struct store *, struct mt_err *);
/* Bind v (NULL: SQL NULL) as text to parameter i of s. */
void	 store_bind_text(struct db_stmt *, int i, const char *v);
/* Column i of s into dst (NUL-terminated); false when it did not fit. */
bool	 store_col_text(struct db_stmt *, int i, char *dst, size_t sz);

/*
 * The tls column (tls_json.c): a record's facts as one JSON object with
 * the JSONL keys (trace_tls_json()).  store_tls_text() writes it and a
 * NUL into dst (STORE_TLS_TEXT_MAX bytes) and returns its length;
 * store_tls_parse() and store_tls_from_json() read one back (false when
 * it is not one: a key missing or of the wrong type, a string over its
 * field or not printable ASCII, a date not in mt_date_iso()'s form).
 */
#define STORE_TLS_TEXT_MAX	(TRACE_TLS_JSON_MAX + 2)
size_t	 store_tls_text(char *dst, const struct rec_tls *);
bool	 store_tls_parse(const char *, struct rec_tls *);
bool	 store_tls_from_json(json_t *, struct rec_tls *);

#endif
