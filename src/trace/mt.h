/*
 * mt.h - the few types every part of mailtrace shares: time, errors,
 * locale-free character classes.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_TRACE_MT_H
#define MT_TRACE_MT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One clock type for both sources: microseconds since the Unix epoch, UTC. */
typedef int64_t mt_time;

/* Failure classes, from events/exceptions.def.  0 is success. */
enum mt_ecode {
	MT_E_OK = 0,
#define X(code, rc, cls, desc)	MT_E_##code = rc,
#include "exceptions.def"
#undef X
};

#define MT_ERR_MSG	512

/* Caller-owned error: a class and a message for humans (never a secret). */
struct mt_err {
	enum mt_ecode	code;
	char		msg[MT_ERR_MSG];
};

/*
 * Fill err (which may be NULL) and return -code, so callers can write
 * "return mt_err_set(err, MT_E_IO, "...")".
 */
int		 mt_err_set(struct mt_err *, enum mt_ecode, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
void		 mt_err_clear(struct mt_err *);
/* The Java exception class for a failure class; "" when it has none. */
const char	*mt_exc_class(enum mt_ecode);
/* The short name of a failure class ("TIMEOUT"). */
const char	*mt_ecode_name(enum mt_ecode);

/*
 * A function of one of mailtrace's modules (module.c): mailtrace-NAME.so
 * beside the running program, else installed (MT_MODULEDIR), else in the
 * build tree; opened once, kept for the process.  NULL (err says why:
 * MT_E_USAGE when the module cannot be had) on failure.  Thread-safe.
 */
void		*mt_module_sym(const char *name, const char *sym,
		    struct mt_err *err);

/* Wall clock now, microseconds. */
mt_time		 mt_wall_now(void);
/* The monotonic clock, microseconds (deadlines and elapsed times). */
int64_t		 mt_mono_us(void);
/* The same clock in nanoseconds (the waits' deadlines, loop/wait.h). */
int64_t		 mt_mono_ns(void);

/*
 * Format t as ISO 8601 UTC with microseconds ("2026-11-23T10:00:00.000123Z")
 * into buf; always NUL-terminated.
 */
void		 mt_time_iso(mt_time, char *, size_t);

/*
 * Format secs (seconds since the epoch) as ISO 8601 UTC without a
 * fraction ("2026-11-23T10:00:00Z") into buf; always NUL-terminated.
 * mt_date_parse() reads exactly that form back (false on anything else).
 */
void		 mt_date_iso(int64_t secs, char *, size_t);
bool		 mt_date_parse(const char *, int64_t *secs);
/* Seconds since the epoch of a UTC date and time, its fields checked (a
 * day past the month's end is none): false when it is not one. */
bool		 mt_utc_secs(int y, int mo, int d, int h, int mi, int sec,
		    int64_t *secs);

/* Locale-free character classes for wire bytes. */
static inline bool mt_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline bool mt_isupper(int c) { return c >= 'A' && c <= 'Z'; }
static inline bool mt_islower(int c) { return c >= 'a' && c <= 'z'; }
static inline bool mt_isalpha(int c) { return mt_isupper(c) || mt_islower(c); }
static inline bool mt_isprint(int c) { return c >= 0x20 && c < 0x7f; }
static inline int mt_toupper(int c) { return mt_islower(c) ? c - 'a' + 'A' : c; }

/* Case-insensitive compare of n bytes, ASCII only. */
bool		 mt_casecmp_n(const char *, const char *, size_t);

/*
 * Parse a decimal number of n bytes into *out, accepting only digits and
 * values in [min, max].  Returns false on anything else.
 */
bool		 mt_parse_u64(const char *, size_t, uint64_t min, uint64_t max,
		    uint64_t *out);

/*
 * Copy n bytes of src into dst (size dstsz) as printable ASCII: bytes
 * outside 0x20..0x7e become '?' .  Always NUL-terminated; returns true when
 * everything fitted.
 */
/*
 * The body of a JSON string (RFC 8259 7) for the n bytes of s: printable
 * ASCII as it is but '"' and '\\' (after a backslash); every other byte,
 * DEL and bytes >= 0x80 too, as \\u00XX of the byte, so the output is
 * ASCII and valid whatever s holds.  dst must have room for 6 * n bytes;
 * no NUL is written.  Returns the bytes written.
 */
size_t		 mt_json_esc(char *dst, const char *s, size_t n);
bool		 mt_copy_printable(char *dst, size_t dstsz, const char *src,
		    size_t n);

/*
 * Escape src for humans: printable ASCII as is, \r \n \t escaped, other
 * bytes \xHH.  Shows at most max input bytes, then "...(+N)".  Always
 * NUL-terminates dst.  Returns the length written.
 */
size_t		 mt_show(char *dst, size_t dstsz, const uint8_t *src, size_t n,
		    size_t max);

#endif
