/*
 * query_int.h - what the query part's files share.  Not for other parts.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_QUERY_QUERY_INT_H
#define MT_QUERY_QUERY_INT_H

#include <stddef.h>

#include "db.h"

#include "query.h"

/*
 * Append f's WHERE clause (fixed text, parameters ?1 to ?7) to sql, a
 * "SELECT ... FROM runs"; query_bind() binds them to the statement
 * prepared from it (upper: its own buffer for a bound value).
 */
void	query_where(const struct query_filter *, char *sql, size_t sz);
void	query_bind(struct db_stmt *, const struct query_filter *, char *upper,
	    size_t usz);

#endif
