/*
 * SPDX-License-Identifier: BSD-2-Clause
 * cli_words.c - a batch line into words (cli_words.h): a state machine
 * over the bytes, one state per quoting context.
 */
#include "cli_words.h"

#include <stdbool.h>

enum wstate {
	W_BLANK,	/* between words */
	W_WORD,		/* in a word, unquoted */
	W_SQ,		/* in '...' */
	W_DQ		/* in "..." */
};

int
cli_words(const char *line, size_t len, char *buf, char **argv, int max,
    const char **why)
{
	enum wstate	 st = W_BLANK;
	size_t		 i, o = 0;
	int		 n = 0;
	unsigned char	 c;

	*why = NULL;
	for (i = 0; i < len; i++) {
		c = (unsigned char)line[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			*why = "a control character (only printable text, "
			    "spaces and tabs)";
			return -1;
		}
		if (st == W_BLANK) {
			if (c == ' ' || c == '\t')
				continue;
			if (c == '#')
				break;			/* a comment */
			if (n == max) {
				*why = "too many words";
				return -1;
			}
			argv[n++] = buf + o;
			st = W_WORD;
		}
		switch (st) {
		case W_WORD:
			if (c == ' ' || c == '\t') {
				buf[o++] = '\0';
				st = W_BLANK;
			} else if (c == '\'')
				st = W_SQ;
			else if (c == '"')
				st = W_DQ;
			else if (c == '\\') {
				if (++i == len) {
					*why = "a backslash at the end of the "
					    "line";
					return -1;
				}
				buf[o++] = line[i];
			} else
				buf[o++] = (char)c;
			break;
		case W_SQ:
			if (c == '\'')
				st = W_WORD;
			else
				buf[o++] = (char)c;
			break;
		case W_DQ:
			if (c == '"')
				st = W_WORD;
			else if (c == '\\' && i + 1 < len &&
			    (line[i + 1] == '\\' || line[i + 1] == '"' ||
			    line[i + 1] == '$' || line[i + 1] == '`'))
				buf[o++] = line[++i];
			else
				buf[o++] = (char)c;
			break;
		case W_BLANK:
			break;
		}
	}
	if (st == W_SQ || st == W_DQ) {
		*why = st == W_SQ ? "an unterminated ' quote" :
		    "an unterminated \" quote";
		return -1;
	}
	if (st == W_WORD)
		buf[o++] = '\0';
	argv[n] = NULL;
	return n;
}
