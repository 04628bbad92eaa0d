/*
 * SPDX-License-Identifier: BSD-2-Clause
 * props.c - a Java .properties file (props.h): the logical lines first,
 * as java.util.Properties' LineReader makes them, then each into a key
 * and a value with their escapes converted.
 */
#include "props.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct ent {
	char		*key;
	char		*val;
	unsigned	 line;
	bool		 used;
};

struct props {
	char		*name;
	struct ent	*e;
	size_t		 n, cap;
};

/* The reader: natural lines into logical lines (LineReader.readLine). */
struct rd {
	const unsigned char	*p;
	size_t			 len, off;
	unsigned		 line;		/* of the byte at off, from 1 */
	char			*buf;		/* the logical line: len bytes at most */
	bool			 skip_lf;	/* a \r ended the last line */
};

static bool
blank(int c)
{
	return c == ' ' || c == '\t' || c == '\f';
}

/*
 * The next logical line into r->buf (*n bytes; *first its first natural
 * line); false at the end.  Comments and blank lines are skipped, a
 * continuation's backslash dropped and its next line's blanks too.
 */
static bool
next_line(struct rd *r, size_t *n, unsigned *first)
{
	size_t	len = 0;
	bool	skip_blank = true, comment = false, newline = true;
	bool	appended = false, backslash = false;
	int	c;

	*first = r->line;
	while (r->off < r->len) {
		c = r->p[r->off++];
		if (r->skip_lf) {
			r->skip_lf = false;
			if (c == '\n')
				continue;	/* (the line was counted at \r) */
		}
		if (c == '\n' || c == '\r') {
			r->line++;
			if (c == '\r' && r->off < r->len && r->p[r->off] == '\n')
				r->skip_lf = true;
		}
		if (skip_blank) {
			if (blank(c))
				continue;
			if (!appended && (c == '\r' || c == '\n')) {
				*first = r->line;
				continue;
			}
			skip_blank = false;
			appended = false;
		}
		if (newline) {
			newline = false;
			if (c == '#' || c == '!') {
				comment = true;
				continue;
			}
		}
		if (c != '\n' && c != '\r') {
			if (!comment) {
				r->buf[len++] = (char)c;
				backslash = c == '\\' ? !backslash : false;
			}
			continue;
		}
		/* the end of a natural line */
		if (comment || len == 0) {
			comment = false;
			newline = true;
			skip_blank = true;
			len = 0;
			*first = r->line;
			continue;
		}
		if (backslash) {		/* continued */
			len--;
			skip_blank = true;
			appended = true;
			backslash = false;
			continue;
		}
		*n = len;
		return true;
	}
	if (len == 0 || comment)
		return false;
	if (backslash)				/* a backslash at the very end */
		len--;
	*n = len;
	return true;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits at s[*i] (of n), as a UTF-16 unit; -1 when malformed. */
static long
u_escape(const char *s, size_t n, size_t *i)
{
	long	v = 0;
	int	k, h;

	if (n - *i < 4)
		return -1;
	for (k = 0; k < 4; k++) {
		if ((h = hexval((unsigned char)s[*i + (size_t)k])) < 0)
			return -1;
		v = v * 16 + h;
	}
	*i += 4;
	return v;
}

static size_t
put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * s[0..n) with its escapes converted, as a new UTF-8 string (loadConvert);
 * NULL with *why on a malformed escape, a lone surrogate or a NUL.
 * Every input byte gives at most two output bytes, so 2n + 1 is enough.
 */
static char *
convert(const char *s, size_t n, const char **why)
{
	char		*out, *o;
	size_t		 i = 0;
	uint32_t	 cp;
	long		 u, lo;
	int		 c;

	if ((out = malloc(2 * n + 1)) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	o = out;
	while (i < n) {
		c = (unsigned char)s[i++];
		if (c != '\\') {
			cp = (uint32_t)c;	/* ISO 8859-1 */
			goto put;
		}
		if (i == n)			/* (not left by next_line) */
			break;
		c = (unsigned char)s[i++];
		switch (c) {
		case 't': cp = '\t'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 'f': cp = '\f'; break;
		case 'u':
			if ((u = u_escape(s, n, &i)) < 0) {
				*why = "a malformed \\uXXXX escape (four hex "
				    "digits)";
				goto fail;
			}
			cp = (uint32_t)u;
			if (u >= 0xdc00 && u <= 0xdfff) {
				*why = "a \\u escape of a low surrogate without "
				    "its high one";
				goto fail;
			}
			if (u >= 0xd800 && u <= 0xdbff) {
				if (n - i < 6 || s[i] != '\\' || s[i + 1] != 'u' ||
				    (i += 2, (lo = u_escape(s, n, &i)) < 0xdc00) ||
				    lo > 0xdfff) {
					*why = "a \\u escape of a high surrogate "
					    "without its low one";
					goto fail;
				}
				cp = 0x10000 + (((uint32_t)u - 0xd800) << 10) +
				    ((uint32_t)lo - 0xdc00);
			}
			break;
		default:
			cp = (uint32_t)c;
			break;
		}
put:
		if (cp == 0) {
			*why = "a NUL character";
			goto fail;
		}
		o += put_utf8(o, cp);
	}
	*o = '\0';
	return out;
fail:
	free(out);
	return NULL;
}

static struct ent *
find(const struct props *p, const char *key)
{
	size_t	i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->e[i].key, key) == 0)
			return &p->e[i];
	return NULL;
}

/* One logical line into its entry (Properties.load0). */
static int
add_line(struct props *p, const char *s, size_t n, unsigned line,
    struct mt_err *err)
{
	size_t		 klen = 0, vstart = n;
	bool		 sep = false, bs = false;
	const char	*why = NULL;
	char		*key, *val;
	struct ent	*e, *ne;
	int		 c;

	while (klen < n) {
		c = (unsigned char)s[klen];
		if ((c == '=' || c == ':') && !bs) {
			vstart = klen + 1;
			sep = true;
			break;
		}
		if (blank(c) && !bs) {
			vstart = klen + 1;
			break;
		}
		bs = c == '\\' ? !bs : false;
		klen++;
	}
	while (vstart < n) {
		c = (unsigned char)s[vstart];
		if (!blank(c)) {
			if (sep || (c != '=' && c != ':'))
				break;
			sep = true;
		}
		vstart++;
	}
	if ((key = convert(s, klen, &why)) == NULL)
		return mt_err_set(err, MT_E_USAGE, "%s:%u: the key: %s",
		    p->name, line, why);
	if ((val = convert(s + vstart, n - vstart, &why)) == NULL) {
		mt_err_set(err, MT_E_USAGE, "%s:%u: the value of %s: %s",
		    p->name, line, key, why);
		free(key);
		return -1;
	}
	if ((e = find(p, key)) != NULL) {	/* the last one counts */
		free(key);
		free(e->val);
		e->val = val;
		e->line = line;
		return 0;
	}
	if (p->n == PROPS_MAX) {
		free(key);
		free(val);
		return mt_err_set(err, MT_E_USAGE, "%s:%u: more than %d "
		    "properties", p->name, line, PROPS_MAX);
	}
	if (p->n == p->cap) {
		size_t	cap = p->cap == 0 ? 32 : p->cap * 2;

		if ((ne = realloc(p->e, cap * sizeof(*ne))) == NULL) {
			free(key);
			free(val);
			return mt_err_set(err, MT_E_INTERNAL, "%s: out of "
			    "memory", p->name);
		}
		p->e = ne;
		p->cap = cap;
	}
	p->e[p->n++] = (struct ent){ key, val, line, false };
	return 0;
}

int
props_parse(const char *name, const char *buf, size_t len,
    struct props **out, struct mt_err *err)
{
	struct props	*p;
	struct rd	 r;
	size_t		 n;
	unsigned	 first;

	*out = NULL;
	if (len > PROPS_FILE_MAX)
		return mt_err_set(err, MT_E_USAGE, "%s: %zu bytes: a properties "
		    "file is at most %d", name, len, PROPS_FILE_MAX);
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->name = strdup(name)) == NULL) {
		free(p);
		return mt_err_set(err, MT_E_INTERNAL, "%s: out of memory", name);
	}
	r = (struct rd){ (const unsigned char *)buf, len, 0, 1,
	    malloc(len + 1), false };
	if (r.buf == NULL) {
		props_free(p);
		return mt_err_set(err, MT_E_INTERNAL, "%s: out of memory", name);
	}
	while (next_line(&r, &n, &first)) {
		if (memchr(r.buf, '\0', n) != NULL) {
			mt_err_set(err, MT_E_USAGE, "%s:%u: a NUL byte (is this "
			    "a properties file?)", name, first);
			goto fail;
		}
		if (add_line(p, r.buf, n, first, err) != 0)
			goto fail;
	}
	free(r.buf);
	*out = p;
	return 0;
fail:
	free(r.buf);
	props_free(p);
	return -1;
}

int
props_load(const char *path, struct props **out, struct mt_err *err)
{
	FILE		*f;
	struct stat	 st;
	char		*buf;
	size_t		 got;
	int		 rc;

	*out = NULL;
	if ((f = fopen(path, "rb")) == NULL)
		return mt_err_set(err, MT_E_USAGE, "%s: %s", path,
		    strerror(errno));
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return mt_err_set(err, MT_E_USAGE, "%s: not a regular file",
		    path);
	}
	/* One byte over the bound, so that a file grown since is caught. */
	if ((buf = malloc(PROPS_FILE_MAX + 1)) == NULL) {
		fclose(f);
		return mt_err_set(err, MT_E_INTERNAL, "%s: out of memory", path);
	}
	got = fread(buf, 1, PROPS_FILE_MAX + 1, f);
	if (ferror(f)) {
		rc = mt_err_set(err, MT_E_USAGE, "%s: %s", path,
		    strerror(errno));
		goto out;
	}
	if (got > PROPS_FILE_MAX) {
		rc = mt_err_set(err, MT_E_USAGE, "%s: a properties file is at "
		    "most %d bytes", path, PROPS_FILE_MAX);
		goto out;
	}
	rc = props_parse(path, buf, got, out, err);
out:
	free(buf);
	fclose(f);
	return rc;
}

void
props_free(struct props *p)
{
	size_t	i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		free(p->e[i].key);
		free(p->e[i].val);
	}
	free(p->e);
	free(p->name);
	free(p);
}

size_t
props_count(const struct props *p)
{
	return p->n;
}

const char *
props_key(const struct props *p, size_t i)
{
	return i < p->n ? p->e[i].key : NULL;
}

const char *
props_value(const struct props *p, size_t i)
{
	return i < p->n ? p->e[i].val : NULL;
}

unsigned
props_line(const struct props *p, size_t i)
{
	return i < p->n ? p->e[i].line : 0;
}

bool
props_used(const struct props *p, size_t i)
{
	return i < p->n && p->e[i].used;
}

const char *
props_name(const struct props *p)
{
	return p->name;
}

const char *
props_get(const struct props *p, const char *key)
{
	const struct ent	*e = find(p, key);

	return e != NULL ? e->val : NULL;
}

const char *
props_use(struct props *p, const char *key)
{
	struct ent	*e = find(p, key);

	if (e == NULL)
		return NULL;
	e->used = true;
	return e->val;
}
