/*
 * cli_words.h - one line of a batch file into words, as a POSIX shell
 * splits a simple command line, without any expansion.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Blanks (space, tab) separate words.  '...' is literal; in "..." a
 * backslash escapes only \ " $ and ` (any other stays as it is); outside
 * quotes a backslash escapes the next byte.  A # at the start of a word
 * begins a comment to the end of the line.  Nothing is expanded: $HOME,
 * ~ and * are those characters.  Quotes make a word even when empty ('').
 */
#ifndef MT_CLI_CLI_WORDS_H
#define MT_CLI_CLI_WORDS_H

#include <stddef.h>

/*
 * Split line (len bytes, no NUL or newline in it) into at most max words:
 * their text into buf (at least len + 1 bytes), each NUL-terminated, and
 * pointers to them into argv (max + 1 entries; argv[n] is NULL).  The
 * number of words (0 for a blank or comment line), or -1 with *why
 * saying what is wrong: an unterminated quote, a backslash at the end of
 * the line, too many words, a control byte.
 */
int	cli_words(const char *line, size_t len, char *buf, char **argv,
	    int max, const char **why);

#endif
