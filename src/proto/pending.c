/*
 * SPDX-License-Identifier: BSD-2-Clause
 * pending.c - the bounded queue of unanswered commands.
 */
#include "pending.h"

bool
pendq_push(struct pendq *q, const struct pend *p)
{
	bool	ok = true;

	if (q->count == MT_PENDING_HARD) {
		q->head = (q->head + 1) % MT_PENDING_HARD;
		q->count--;
		ok = false;
	}
	q->q[(q->head + q->count) % MT_PENDING_HARD] = *p;
	q->count++;
	return ok;
}

bool
pendq_pop(struct pendq *q, struct pend *p)
{
	if (q->count == 0)
		return false;
	*p = q->q[q->head];
	q->head = (q->head + 1) % MT_PENDING_HARD;
	q->count--;
	return true;
}

const struct pend *
pendq_peek(const struct pendq *q)
{
	return q->count == 0 ? NULL : &q->q[q->head];
}
