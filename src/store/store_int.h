/*
 * store_int.h - what the store's files share (store.c: runs and records;
 * baseline.c: baselines).  Not for other parts: they use store.h.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_STORE_STORE_INT_H
#define MT_STORE_STORE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "store.h"

/* The connection (owned by the store). */
sqlite3	*store_db(struct store *);
/* MT_E_STORE "store PATH: WHAT: sqlite's message" into err; returns -1. */
int	 store_fail(struct store *, const char *what, struct mt_err *);
/* Commit an open record batch, if any. */
int	 store_commit(struct store *, struct mt_err *);
/* Bind v (NULL: SQL NULL) as text to parameter i of s. */
int	 store_bind_text(sqlite3_stmt *, int i, const char *v);
/* Column i of s into dst (NUL-terminated); false when it did not fit. */
bool	 store_col_text(sqlite3_stmt *, int i, char *dst, size_t sz);
/* The record of the current row (STMT_REC_ALL's columns; store.c). */
bool	 store_read_rec(sqlite3_stmt *, struct trace_rec *);

#endif
