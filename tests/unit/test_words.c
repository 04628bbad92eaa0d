/*
 * test_words.c - a batch line into words (src/cli/cli_words.c): blanks,
 * quotes, backslashes, comments, and the lines that are refused.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "check.h"
#include "cli_words.h"

/* Split s; the words joined with '|' into out, or "ERR: why". */
static const char *
split(const char *s, int max)
{
	static char	 out[512];
	char		 buf[256], *argv[16];
	const char	*why;
	int		 n, i;

	n = cli_words(s, strlen(s), buf, argv, max, &why);
	if (n < 0) {
		snprintf(out, sizeof(out), "ERR: %s", why);
		return out;
	}
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(out, "|");
		strcat(out, argv[i]);
	}
	CHECK(argv[n] == NULL);
	return out;
}

int
main(void)
{
	CHECK_STR(split("pop3 --stls pop3://u@h", 15), "pop3|--stls|pop3://u@h");
	CHECK_STR(split("  \t a \t b  ", 15), "a|b");
	CHECK_STR(split("", 15), "");
	CHECK_STR(split("   ", 15), "");
	CHECK_STR(split("# all of it", 15), "");
	CHECK_STR(split("a # the rest", 15), "a");
	CHECK_STR(split("a#b c", 15), "a#b|c");
	CHECK_STR(split("'a b' \"c d\"", 15), "a b|c d");
	CHECK_STR(split("x'a b'y", 15), "xa by");
	CHECK_STR(split("'' \"\"", 15), "|");
	CHECK_STR(split("'$HOME \\n'", 15), "$HOME \\n");
	CHECK_STR(split("\"\\\" \\\\ \\$ \\` \\n\"", 15), "\" \\ $ ` \\n");
	CHECK_STR(split("a\\ b \\'c", 15), "a b|'c");
	CHECK_STR(split("$HOME ~ *", 15), "$HOME|~|*");
	CHECK_STR(split("'a", 15), "ERR: an unterminated ' quote");
	CHECK_STR(split("\"a", 15), "ERR: an unterminated \" quote");
	CHECK_STR(split("a\\", 15), "ERR: a backslash at the end of the line");
	CHECK_STR(split("a b c", 2), "ERR: too many words");
	CHECK_STR(split("a b", 2), "a|b");
	CHECK_STR(split("a\x01", 15), "ERR: a control character (only printable text, spaces and tabs)");
	return check_done();
}
