/*
 * smtp_parse.h - pure parsers for SMTP lines over (pointer, length).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_PROTO_SMTP_PARSE_H
#define MT_PROTO_SMTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verb.h"

enum smtp_cmd {
#define X(verb, show, pair, sniff)	SMTP_C_##verb,
#include "smtp_cmds.def"
#undef X
	SMTP_C__COUNT,
	SMTP_C__GREETING = SMTP_C__COUNT,	/* the greeting */
	SMTP_C__AUTHDATA,			/* a SASL client response */
	SMTP_C__DOT,				/* the end-of-data "." */
	SMTP_C__UNKNOWN				/* any other verb */
};

/* One reply line (RFC 5321 4.2): "250-text" or "250 text". */
struct smtp_rline {
	int		 code;		/* 200..599; 0 when malformed */
	bool		 more;		/* a "250-" continuation */
	const char	*text;
	size_t		 textlen;
};

/* False (code 0) for a line that is not a reply line. */
bool		 smtp_rline_parse(const char *, size_t, struct smtp_rline *);
/* Split a command line; *cmd is SMTP_C__UNKNOWN for other verbs. */
void		 smtp_cmd_parse(const char *, size_t, enum smtp_cmd *,
		    struct verb_line *);
/* The verb ("MAIL"); "" for the pseudo commands. */
const char	*smtp_cmd_verb(enum smtp_cmd);
/* The sniff column of smtp_cmds.def (VERB_SNIFF_NO for an unknown verb). */
enum verb_sniff	 smtp_cmd_sniff(enum smtp_cmd);

#endif
