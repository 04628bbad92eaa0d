/*
 * obuf.h - a bounded output buffer for the check's own use (norm.c,
 * diff.c): appends are cut at the end of the caller's buffer, which stays
 * NUL-terminated, and the cut is remembered.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_CHECK_OBUF_H
#define MT_CHECK_OBUF_H

#include <stdbool.h>
#include <stddef.h>

struct obuf {
	char		*p;		/* the caller's buffer */
	size_t		 sz;		/* its size, > 0 */
	size_t		 len;
	bool		 cut;		/* something did not fit */
};

/* Append n bytes of s, s, or a formatted text of at most 127 bytes. */
void	ob_mem(struct obuf *, const char *s, size_t n);
void	ob_str(struct obuf *, const char *s);
void	ob_fmt(struct obuf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
