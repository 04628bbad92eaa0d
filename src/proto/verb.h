/*
 * verb.h - command lines shared by the POP3 and SMTP models: split a line
 * into verb and arguments, look the verb up, and build the record's int
 * string without what must not be shown.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_PROTO_VERB_H
#define MT_PROTO_VERB_H

#include <stdbool.h>
#include <stddef.h>

struct verb_line {
	const char	*verb;
	size_t		 verblen;
	const char	*args;		/* after one space; "" when none */
	size_t		 argslen;
	bool		 alpha;		/* the verb is letters only */
};

/* Split at the first space (RFC 1939 3, RFC 5321 4.1.1). */
void	verb_split(const char *, size_t, struct verb_line *);
/* Index of the verb in names[0..n) (case-insensitive), or -1. */
int	verb_lookup(const char *const *names, int n, const struct verb_line *);

#define VERB_SHOW_ALL	0	/* verb and every argument */
#define VERB_SHOW_NONE	1	/* the verb only (PASS) */
#define VERB_SHOW_FIRST	2	/* the verb and its first argument (APOP user) */
#define VERB_SHOW_MECH	3	/* AUTH: the first argument only when it names a
				   SASL mechanism; the model decides that
				   (model_command()), verb_intf() shows none */

/*
 * Is a client's first line with this verb evidence of the protocol on an
 * unlisted port (the sniff column of the command tables; sniff.c)?
 */
enum verb_sniff {
	VERB_SNIFF_NO,		/* never: other protocols share the verb */
	VERB_SNIFF_GREET,	/* only after the server greeted in protocol */
	VERB_SNIFF_YES		/* also before the greeting */
};

/*
 * Write the int string: the verb in upper case, then what `show` allows of
 * the arguments, non-printable bytes as '?'.  Always NUL-terminated.
 */
void	verb_intf(char *, size_t, const struct verb_line *, int show);

#endif
