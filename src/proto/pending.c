/*
 * SPDX-License-Identifier: BSD-2-Clause
 * pending.c - the bounded queue of unanswered commands.
 */
#include "pending.h"

#include <stdlib.h>
#include <string.h>

#define PEND_FIRST	4	/* entries of the first ring */

static size_t	pend_charged(unsigned);

/*
 * The bytes of a ring of cap entries taken from the budget: what it has
 * beyond the first ring, which every session has (a fixed part of a flow,
 * as its model is, bounded by the flow table).
 */
static size_t
pend_charged(unsigned cap)
{
	return cap > PEND_FIRST ? (cap - PEND_FIRST) * sizeof(struct pend) :
	    0;
}

/* Double the ring, unrolled so head is 0; false at the limit, the budget
 * or OOM. */
static bool
pendq_grow(struct pendq *q)
{
	struct pend	*nq;
	unsigned	 nc, i;
	size_t		 more;

	if (q->cap >= MT_PENDING_HARD)
		return false;
	nc = q->cap == 0 ? PEND_FIRST : q->cap * 2;
	if (nc > MT_PENDING_HARD)
		nc = MT_PENDING_HARD;
	more = pend_charged(nc) - pend_charged(q->cap);
	if (!mt_budget_take(NULL, q->acct, more))
		return false;
	if ((nq = calloc(nc, sizeof(*nq))) == NULL) {
		mt_budget_give(NULL, q->acct, more);
		return false;
	}
	for (i = 0; i < q->count; i++)
		nq[i] = q->q[(q->head + i) % q->cap];
	free(q->q);
	q->q = nq;
	q->cap = nc;
	q->head = 0;
	return true;
}

bool
pendq_push(struct pendq *q, const struct pend *p)
{
	bool	ok = true;

	if (q->count == q->cap && !pendq_grow(q)) {
		if (q->cap == 0)
			return false;
		q->head = (q->head + 1) % q->cap;
		q->count--;
		ok = false;
	}
	q->q[(q->head + q->count) % q->cap] = *p;
	q->count++;
	return ok;
}

bool
pendq_pop(struct pendq *q, struct pend *p)
{
	if (q->count == 0)
		return false;
	*p = q->q[q->head];
	q->head = (q->head + 1) % q->cap;
	q->count--;
	return true;
}

void
pendq_free(struct pendq *q)
{
	if (q == NULL)
		return;
	free(q->q);
	mt_budget_give(NULL, q->acct, pend_charged(q->cap));
	memset(q, 0, sizeof(*q));
}

const struct pend *
pendq_peek(const struct pendq *q)
{
	return q->count == 0 ? NULL : &q->q[q->head];
}
