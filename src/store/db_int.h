/*
 * db_int.h - what db.c dispatches to: each driver's functions (db_sqlite.c,
 * db_pg.c).  Not for other files than the drivers and db.c.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_STORE_DB_INT_H
#define MT_STORE_DB_INT_H

#include "db.h"

struct db_ops {
	void		 (*close)(struct db *);
	const char	*(*errmsg)(struct db *);
	bool		 (*lost)(struct db *);
	int		 (*exec)(struct db *, const char *);
	int		 (*begin)(struct db *);
	bool		 (*in_txn)(struct db *);
	int		 (*prepare)(struct db *, const char *, struct db_stmt **);
	void		 (*finalize)(struct db_stmt *);
	void		 (*bind_int64)(struct db_stmt *, int, int64_t);
	void		 (*bind_text)(struct db_stmt *, int, const char *, int);
	void		 (*bind_blob)(struct db_stmt *, int, const void *,
			    size_t);
	void		 (*bind_null)(struct db_stmt *, int, enum db_type);
	void		 (*clear_bindings)(struct db_stmt *);
	int		 (*step)(struct db_stmt *);
	int		 (*step_atomic)(struct db_stmt *);
	void		 (*reset)(struct db_stmt *);
	void		 (*stream)(struct db_stmt *);
	bool		 (*col_null)(struct db_stmt *, int);
	int64_t		 (*col_int64)(struct db_stmt *, int);
	const char	*(*col_text)(struct db_stmt *, int);
	const void	*(*col_blob)(struct db_stmt *, int);
	size_t		 (*col_bytes)(struct db_stmt *, int);
};

/* The head of each driver's connection and statement. */
struct db {
	const struct db_ops	*ops;
	enum db_kind		 kind;
};

struct db_stmt {
	const struct db_ops	*ops;
};

#endif
