/*
 * SPDX-License-Identifier: BSD-2-Clause
 * props.h - a Java .properties file, read as java.util.Properties.load()
 * reads one from a stream (the way a Java application loads the
 * JavaMail properties it hands to Session.getInstance()).
 *
 * The format, all of it:
 *  - natural lines end at \n, \r or \r\n; a line whose last character is
 *    an unescaped backslash (an odd number of them) continues on the
 *    next, whose leading blanks (space, tab, form feed) are dropped;
 *  - a line whose first non-blank character is '#' or '!' is a comment
 *    (never continued); blank lines are skipped;
 *  - the key runs to the first unescaped '=', ':' or blank; blanks around
 *    the separator are skipped, and one '=' or ':' after blanks is the
 *    separator too ("k = v", "k v", "k:v" and "k=" all parse); the rest
 *    of the line is the value, trailing blanks included;
 *  - in keys and values \t \n \r \f are those characters, \uXXXX (four
 *    hex digits, surrogate pairs combined) any character, and a backslash
 *    before any other character is that character ("\=", "\:", "\ ",
 *    "\#", "\\");
 *  - bytes are ISO 8859-1, as Properties.load(InputStream) reads them;
 *  - a key given twice keeps its last value.
 * Keys and values come out as UTF-8 strings.  Refused, with the file
 * and line in the message: a malformed \u escape, a lone surrogate, a NUL
 * character (a byte or \u0000), a file over PROPS_FILE_MAX bytes or with
 * more than PROPS_MAX entries.  Memory: at most about four times the
 * file's size (a byte becomes at most two, key and value are copied once).
 *
 * Lifetimes: a props and every string it returns live until props_free().
 */
#ifndef MT_CONFIG_PROPS_H
#define MT_CONFIG_PROPS_H

#include <stdbool.h>
#include <stddef.h>

#include "mt.h"

#define PROPS_FILE_MAX	(1024 * 1024)	/* bytes of one file */
#define PROPS_MAX	10000		/* entries of one file */

struct props;

/* Parse len bytes named name (in messages); *out on success (0). */
int		 props_parse(const char *name, const char *buf, size_t len,
		    struct props **out, struct mt_err *err);
/* Read and parse the file at path. */
int		 props_load(const char *path, struct props **out,
		    struct mt_err *err);
void		 props_free(struct props *);

/* The entries in the order their keys first appear. */
size_t		 props_count(const struct props *);
const char	*props_key(const struct props *, size_t i);
const char	*props_value(const struct props *, size_t i);
/* The line (from 1) of the entry's last assignment. */
unsigned	 props_line(const struct props *, size_t i);
/* Whether props_use() has asked for entry i. */
bool		 props_used(const struct props *, size_t i);
/* The file's name as given to props_parse() or props_load(). */
const char	*props_name(const struct props *);

/* The value of key, or NULL; props_use() also marks the entry read. */
const char	*props_get(const struct props *, const char *key);
const char	*props_use(struct props *, const char *key);

#endif
