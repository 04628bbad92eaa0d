/*
 * explain.h - the one-line explanation of a failed step and the likely next
 * step (issue 13, docs/troubleshooting.md), from events/explain.def.  Pure
 * functions over a record's fields: rc, opr, reply (the server's words)
 * and, for a failed TLS handshake, detail.  No I/O, no state.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * The probe and the decoder get it in one place: the tracer calls
 * explain_rec() on every record it dispatches (struct tracer's explain
 * hook), so a decoded failure and the probe's own agree by construction.
 */
#ifndef MT_EXPLAIN_EXPLAIN_H
#define MT_EXPLAIN_EXPLAIN_H

#include <stddef.h>

#include "mt_limits.h"
#include "trace.h"

enum explain_kind {
	EXPLAIN_TEXT,		/* words of the reply */
	EXPLAIN_POP3,		/* a POP3 response code: "[AUTH]" */
	EXPLAIN_ENH,		/* an RFC 3463 enhanced status code */
	EXPLAIN_CODE,		/* an SMTP reply code, or its class */
	EXPLAIN_TLS,		/* words of a failed handshake's reason */
	EXPLAIN_EXC		/* a failure class (events/exceptions.def) */
};

/* One row of events/explain.def (its header says what each column means). */
struct explain_row {
	enum explain_kind	 kind;
	const char		*key;
	const char		*on;
	const char		*meaning;
	const char		*hint;
};

/* The table, in its order. */
extern const struct explain_row	 explain_rows[];
extern const size_t		 explain_nrows;

/*
 * The row that explains a failed step (rc != 0) with these fields (NULL:
 * ""), by the order of events/explain.def's header; NULL when rc is 0 or
 * no row fits (a class with no row).  code gets the code the row matched
 * ("5.7.1", "550", "[AUTH]"; "" for TEXT, TLS and EXC rows); it holds
 * EXPLAIN_CODE_MAX bytes.
 */
#define EXPLAIN_CODE_MAX	24
const struct explain_row *explain_find(int rc, const char *opr,
		    const char *reply, const char *detail, char *code);

/*
 * The explanation of row with code into dst (sz bytes, NUL-terminated,
 * cut to fit): "CODE: meaning; hint", without "CODE: " when code is ""
 * and without "; hint" when the row has none.  Returns its length.
 */
size_t		 explain_format(const struct explain_row *, const char *code,
		    char *dst, size_t sz);

/*
 * Fill r->explanation from r's fields: "" for a record that did not fail
 * (rc 0) or an anomaly.  The tracer's explain hook.
 */
void		 explain_rec(struct trace_rec *r);

/* The table's kind names, for docs and tests ("TEXT", ...). */
const char	*explain_kind_name(enum explain_kind);

#endif
