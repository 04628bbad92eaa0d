/*
 * pop3_parse.h - pure parsers for POP3 lines over (pointer, length).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_PROTO_POP3_PARSE_H
#define MT_PROTO_POP3_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verb.h"

enum pop3_st {
	POP3_ST_NONE,		/* no status line arrived */
	POP3_ST_OK,		/* "+OK" */
	POP3_ST_ERR,		/* "-ERR" */
	POP3_ST_CONT,		/* "+" SASL continuation (RFC 5034 4) */
	POP3_ST_BAD		/* anything else */
};

enum pop3_cmd {
#define X(verb, reply, show, pair, sniff)	POP3_C_##verb,
#include "pop3_cmds.def"
#undef X
	POP3_C__COUNT,
	POP3_C__GREETING = POP3_C__COUNT,	/* the greeting, a pseudo command */
	POP3_C__AUTHDATA,			/* a SASL client response line */
	POP3_C__UNKNOWN				/* any other verb */
};

struct pop3_status {
	enum pop3_st	 st;
	const char	*text;		/* after the indicator and one space */
	size_t		 textlen;
	char		 opr[8];	/* "+OK", "-ERR", "+", or the first 4
					   characters of a bad line, printable */
};

/* Classify a response's first line (RFC 1939 3, RFC 5034 4). */
void		 pop3_status_parse(const char *, size_t, struct pop3_status *);

/*
 * Split a command line; *cmd is POP3_C__UNKNOWN for verbs not in
 * pop3_cmds.def.  RFC 1939 3: keywords are 3 or 4 letters.
 */
void		 pop3_cmd_parse(const char *, size_t, enum pop3_cmd *cmd,
		    struct verb_line *);

/* The verb of a command ("RETR"); "" for the pseudo commands. */
const char	*pop3_cmd_verb(enum pop3_cmd);
/* The sniff column of pop3_cmds.def (VERB_SNIFF_NO for an unknown verb). */
enum verb_sniff	 pop3_cmd_sniff(enum pop3_cmd);

/* "+OK nn mm" of STAT (RFC 1939 5): message count and octets. */
bool		 pop3_parse_stat(const char *text, size_t n, uint64_t *count,
		    uint64_t *octets);

/* The APOP timestamp "<...>" in a greeting (RFC 1939 7); false if none. */
bool		 pop3_greeting_stamp(const char *text, size_t n,
		    const char **stamp, size_t *stamplen);

#endif
