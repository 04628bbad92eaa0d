/*
 * store_sql.h - the store's database connection (db.h: sqlite or
 * PostgreSQL), for the parts that query its schema (docs/formats.md)
 * directly: src/query.  They read only, in SQL both engines accept; every
 * write goes through store.h.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_STORE_STORE_SQL_H
#define MT_STORE_STORE_SQL_H

#include <stdbool.h>

#include "db.h"

#include "store.h"

/* The connection (owned by the store). */
struct db	*store_db(struct store *);
/* MT_E_STORE "store PATH: WHAT: the engine's message" into err; returns -1. */
int	 store_fail(struct store *, const char *what, struct mt_err *);
/*
 * The record of the current row of a statement whose columns are, in
 * order: session, seq, event, level, rc, intf, opr, opt, time, client,
 * server, source, elapsed_us, bytes, body_end, anomaly, detail, reply,
 * tls, explanation, dns (r->run left 0); false when a field does not fit.
 */
bool	 store_read_rec(struct db_stmt *, struct trace_rec *);

#endif
