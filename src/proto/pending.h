/*
 * pending.h - commands waiting for their response, oldest first, in a fixed
 * ring (RFC 2449 6.6 pipelining; RFC 2920 for SMTP).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_PROTO_PENDING_H
#define MT_PROTO_PENDING_H

#include <stdbool.h>
#include <stdint.h>

#include "budget.h"
#include "mt_limits.h"
#include "mt.h"

struct pend {
	int		 cmd;		/* POP3_C_* / SMTP_C_* */
	bool		 has_arg;
	unsigned	 ev_before;	/* its "before" event; after = +1 */
	mt_time		 t_before;
	uint64_t	 bytes;		/* SMTP end of data: the message's octets */
	mt_time		 body_end;	/* SMTP end of data: the "." line's end */
	char		 intf[MT_FIELD_HARD];
};

struct pendq {
	struct pend	*q;		/* ring; grows on demand up to
					   MT_PENDING_HARD entries */
	unsigned	 cap;
	unsigned	 head;
	unsigned	 count;
	struct mt_acct	*acct;		/* the ring's bytes are taken from it
					   (may be NULL) */
};

/*
 * Push; when MT_PENDING_HARD commands wait (or memory, or the budget of
 * acct, is out), drops the oldest and returns false (record it).
 */
bool	pendq_push(struct pendq *, const struct pend *);
bool	pendq_pop(struct pendq *, struct pend *);
const struct pend *pendq_peek(const struct pendq *);
void	pendq_free(struct pendq *);	/* NULL-safe */

#endif
