/*
 * test_props.c - Java .properties files (src/config/props.c).  The
 * expected entries of every case were printed by Java 17's
 * java.util.Properties.load(InputStream) from the same bytes (keys
 * sorted, each byte of their UTF-8 outside printable ASCII, and [ ] = %,
 * as %XX); the refusals are mailtrace's own.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "props.h"

static const struct {
	const char	*in;
	const char	*want;
} cases[] = {
	{ "a=b", "[a=b]" },
	{ "a = b", "[a=b]" },
	{ "a:b", "[a=b]" },
	{ "a b", "[a=b]" },
	{ "a   =   b  ", "[a=b  ]" },
	{ "a", "[a=]" },
	{ "a=", "[a=]" },
	{ "a==b", "[a=%3Db]" },
	{ "a = = b", "[a=%3D b]" },
	{ "a b c", "[a=b c]" },
	{ "a\\=b=c", "[a%3Db=c]" },
	{ "a\\ b=c", "[a b=c]" },
	{ "a\\:b c", "[a:b=c]" },
	{ "  # comment\n! also\nx=1", "[x=1]" },
	{ "#a=b\\\nc=d", "[c=d]" },
	{ "a=b\\\n   c", "[a=bc]" },
	{ "a=b\\\\\nc=d", "[a=b\\][c=d]" },
	{ "a=b\\\r\n  c\r\nd=e", "[a=bc][d=e]" },
	{ "a=b\rc=d\r", "[a=b][c=d]" },
	{ "a=\\t\\n\\r\\f\\q\\\\", "[a=%09%0A%0D%0Cq\\]" },
	{ "\\u0041\\u00e9=\\u20ac", "[A%C3%A9=%E2%82%AC]" },
	{ "a=\\uD83D\\uDE00", "[a=%F0%9F%98%80]" },
	{ "a=\xe9""\xff""", "[a=%C3%A9%C3%BF]" },
	{ "a=1\nb=2\na=3", "[a=3][b=2]" },
	{ "a=b\\\n\nc=d", "[a=b][c=d]" },
	{ "a=b\\", "[a=b]" },
	{ "=x", "[=x]" },
	{ ":x", "[=x]" },
	{ "a\tb", "[a=b]" },
	{ "a\x0c""b", "[a=b]" },
	{ "ke\\\n  y=v", "[key=v]" },
	{ "  \t\n\n  k  v  \n", "[k=v  ]" },
	{ "a=b\\\\\\\nc", "[a=b\\c]" },
	{ "a=#b", "[a=#b]" },
	{ "a=b # not a comment", "[a=b # not a comment]" },
	{ "\\#a=b", "[#a=b]" },
	{ "a\\\\=b", "[a\\=b]" },
	{ "a\\u003db=c", "[a%3Db=c]" },
	{ "a=\\\n", "[a=]" },
	{ "a=x\\\n  \\\n  y", "[a=xy]" },
	{ "a=\\ b", "[a= b]" },
	{ "k\\\nv", "[kv=]" },
	{ "#\\\nk=v", "[k=v]" },
	{ "!x\r\nk=v\r\n", "[k=v]" },
	{ "a\\\tb=c", "[a%09b=c]" },
	{ "mail.pop3.host=127.0.0.1\nmail.pop3.port : 110\n"
	  "mail.pop3.user  bob", "[mail.pop3.host=127.0.0.1]"
	  "[mail.pop3.port=110][mail.pop3.user=bob]" },

};

static const struct props	*sort_p;

static int
cmp_sorted(const void *a, const void *b)
{
	return strcmp(props_key(sort_p, *(const size_t *)a),
	    props_key(sort_p, *(const size_t *)b));
}

static void
esc(char *o, size_t *w, const char *s)
{
	const unsigned char	*u = (const unsigned char *)s;

	for (; *u != '\0'; u++)
		if (*u < 0x20 || *u >= 0x7f || *u == '[' || *u == ']' ||
		    *u == '=' || *u == '%')
			*w += (size_t)sprintf(o + *w, "%%%02X", *u);
		else
			o[(*w)++] = (char)*u;
	o[*w] = '\0';
}

/* The entries of len bytes as Java's printer shows them, or "ERR why". */
static const char *
show(const char *in, size_t len)
{
	static char	 out[4096];
	struct props	*p;
	struct mt_err	 err;
	size_t		 i, n, w = 0, idx[64];

	if (props_parse("t.properties", in, len, &p, &err) != 0) {
		snprintf(out, sizeof(out), "ERR %s", err.msg);
		return out;
	}
	n = props_count(p);
	for (i = 0; i < n && i < 64; i++)
		idx[i] = i;
	sort_p = p;
	qsort(idx, n, sizeof(idx[0]), cmp_sorted);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		out[w++] = '[';
		esc(out, &w, props_key(p, idx[i]));
		out[w++] = '=';
		esc(out, &w, props_value(p, idx[i]));
		out[w++] = ']';
		out[w] = '\0';
	}
	props_free(p);
	return out;
}

static const char *
show_s(const char *in)
{
	return show(in, strlen(in));
}

int
main(void)
{
	struct props	*p;
	struct mt_err	 err;
	size_t		 i, n;
	char		*big;
	uint32_t	 seed = 12345;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_STR(show_s(cases[i].in), cases[i].want);

	/* refused, with the line */
	CHECK_STR(show_s("x=1\na=\\u12"),
	    "ERR t.properties:2: the value of a: a malformed \\uXXXX escape "
	    "(four hex digits)");
	CHECK_STR(show_s("a=\\uZZZZ"), "ERR t.properties:1: the value of a: "
	    "a malformed \\uXXXX escape (four hex digits)");
	CHECK_STR(show_s("\n\n\\u12=b"), "ERR t.properties:3: the key: a "
	    "malformed \\uXXXX escape (four hex digits)");
	CHECK_STR(show_s("a=\\uD83D"), "ERR t.properties:1: the value of a: "
	    "a \\u escape of a high surrogate without its low one");
	CHECK_STR(show_s("a=\\uD83Dx"), "ERR t.properties:1: the value of a: "
	    "a \\u escape of a high surrogate without its low one");
	CHECK_STR(show_s("a=\\uD83D\\u0041"), "ERR t.properties:1: the value "
	    "of a: a \\u escape of a high surrogate without its low one");
	CHECK_STR(show_s("a=\\uDE00"), "ERR t.properties:1: the value of a: "
	    "a \\u escape of a low surrogate without its high one");
	CHECK_STR(show_s("a=\\u0000"), "ERR t.properties:1: the value of a: "
	    "a NUL character");
	CHECK_STR(show("k=v\r\nx\\\r\n y=a\0b",
	    sizeof("k=v\r\nx\\\r\n y=a\0b") - 1),
	    "ERR t.properties:2: a NUL byte (is this a properties file?)");
	CHECK_STR(show("# \0 in a comment\nk=v",
	    sizeof("# \0 in a comment\nk=v") - 1), "[k=v]");

	/* lines, order, the last assignment, use */
	CHECK(props_parse("f", "\n\n# c\nx=1\\\n 2\r\ny=3\rx=4\n",
	    strlen("\n\n# c\nx=1\\\n 2\r\ny=3\rx=4\n"), &p, &err) == 0);
	CHECK(props_count(p) == 2);
	CHECK_STR(props_key(p, 0), "x");
	CHECK_STR(props_value(p, 0), "4");
	CHECK(props_line(p, 0) == 7);
	CHECK_STR(props_key(p, 1), "y");
	CHECK(props_line(p, 1) == 6);
	CHECK(!props_used(p, 1));
	CHECK_STR(props_use(p, "y"), "3");
	CHECK(props_used(p, 1) && !props_used(p, 0));
	CHECK(props_get(p, "z") == NULL && props_use(p, "z") == NULL);
	CHECK(props_key(p, 2) == NULL);
	CHECK_STR(props_name(p), "f");
	props_free(p);

	/* the bounds */
	big = malloc(PROPS_FILE_MAX + 2);
	CHECK(big != NULL);
	memset(big, '#', PROPS_FILE_MAX + 1);
	CHECK(props_parse("big", big, PROPS_FILE_MAX, &p, &err) == 0);
	CHECK(props_count(p) == 0);
	props_free(p);
	CHECK(props_parse("big", big, PROPS_FILE_MAX + 1, &p, &err) != 0);
	CHECK_STR(err.msg, "big: 1048577 bytes: a properties file is at most "
	    "1048576");
	for (n = 0, i = 0; i <= PROPS_MAX; i++)
		n += (size_t)sprintf(big + n, "k%zu=\n", i);
	CHECK(props_parse("many", big, n, &p, &err) != 0);
	CHECK_STR(err.msg, "many:10001: more than 10000 properties");
	CHECK(props_parse("many", big, n - strlen("k10000=\n"), &p,
	    &err) == 0);
	CHECK(props_count(p) == PROPS_MAX);
	props_free(p);

	/* files */
	CHECK(props_load("/nonexistent/x.properties", &p, &err) != 0);
	CHECK_STR(err.msg, "/nonexistent/x.properties: No such file or "
	    "directory");
	CHECK(props_load("/", &p, &err) != 0);
	CHECK_STR(err.msg, "/: not a regular file");
	{
		char	 path[] = "/tmp/test_props.XXXXXX";
		int	 fd = mkstemp(path);
		FILE	*f = fd >= 0 ? fdopen(fd, "w") : NULL;

		CHECK(f != NULL);
		if (f != NULL) {
			fputs("mail.pop3.host = 127.0.0.1\n", f);
			fclose(f);
			CHECK(props_load(path, &p, &err) == 0);
			CHECK_STR(props_get(p, "mail.pop3.host"), "127.0.0.1");
			CHECK_STR(props_name(p), path);
			props_free(p);
		}
		unlink(path);
	}

	/*
	 * Any bytes: parsed or refused with a message, never more (ASan
	 * watches the memory); from the characters that matter most.
	 */
	for (i = 0; i < 20000; i++) {
		static const char	 al[] = "\\u=: \t\f#!\r\nab0D8E9\xe9\0";
		char			 in[96];
		size_t			 k, len;

		seed = seed * 1103515245u + 12345u;
		len = (seed >> 16) % sizeof(in);
		for (k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			in[k] = al[(seed >> 16) % (sizeof(al) - 1)];
		}
		if (props_parse("r", in, len, &p, &err) == 0) {
			for (k = 0; k < props_count(p); k++)
				CHECK(props_key(p, k) != NULL &&
				    props_value(p, k) != NULL &&
				    props_line(p, k) >= 1);
			props_free(p);
		} else
			CHECK(strncmp(err.msg, "r:", 2) == 0);
	}
	free(big);
	return check_done();
}
