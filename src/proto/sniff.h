/*
 * sniff.h - which protocol a TCP flow on an unlisted port speaks, decided
 * from the first line of each side with the models' own framer and
 * parsers.  Recognition needs positive evidence from the client: a server
 * line alone that looks like a greeting proves nothing (FTP, NNTP and
 * others greet with "220" or "200"; Redis answers "+OK").
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_PROTO_SNIFF_H
#define MT_PROTO_SNIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sniff {
	SNIFF_MORE,		/* not decided yet: more bytes may tell */
	SNIFF_POP3,
	SNIFF_SMTP,
	SNIFF_OTHER,		/* not mail, or not provably mail */
	SNIFF_TLS		/* TLS from the first byte (implicit TLS on a
				   port nobody named?): not decoded */
};

struct sniff_in {
	const uint8_t	*c, *s;		/* what each side sent first */
	size_t		 nc, ns;
	bool		 server_first;	/* the server's first byte came first */
	bool		 final;		/* no more bytes will come to decide */
};

/*
 * The rules (docs/capture.md, "Recognising mail on other ports"):
 * POP3: the server's first line is a POP3 status (+OK or -ERR) and the
 * client's first line a POP3 command; AUTH counts only when the server
 * spoke first, PASS never.  SMTP: the client's first line is EHLO or HELO
 * (RFC 5321 4.1.1.1) and the server's first line, if any yet, an SMTP
 * reply.  A side whose first bytes are a TLS handshake record (RFC 8446
 * 5.1: content type 22, version 3.x) is SNIFF_TLS.  Anything else, once a
 * line of each side or a final verdict is in, is SNIFF_OTHER.
 */
enum sniff	sniff_flow(const struct sniff_in *);

#endif
