/*
 * SPDX-License-Identifier: BSD-2-Clause
 * budget.c - the decoder's shared byte budget (budget.h).
 */
#include "budget.h"

#include <string.h>

static struct mt_budget	*budget_of(struct mt_budget *, struct mt_acct *);

void
mt_budget_init(struct mt_budget *b, size_t limit)
{
	memset(b, 0, sizeof(*b));
	b->limit = limit;
}

static struct mt_budget *
budget_of(struct mt_budget *b, struct mt_acct *acct)
{
	if (acct != NULL)
		return acct->b;
	return b;
}

bool
mt_budget_take(struct mt_budget *b, struct mt_acct *acct, size_t n)
{
	size_t	got;

	if ((b = budget_of(b, acct)) == NULL || n == 0)
		return true;
	if (n > b->limit)
		return false;
	while (b->used + n > b->limit) {
		if (b->reclaim == NULL || b->reclaiming)
			return false;
		b->reclaiming = true;
		got = b->reclaim(b->arg, acct, b->used + n - b->limit);
		b->reclaiming = false;
		if (got == 0)
			return false;
	}
	mt_budget_charge(b, acct, n);
	return true;
}

void
mt_budget_charge(struct mt_budget *b, struct mt_acct *acct, size_t n)
{
	if ((b = budget_of(b, acct)) == NULL)
		return;
	b->used += n;
	if (b->used > b->peak)
		b->peak = b->used;
	if (acct != NULL)
		acct->held += n;
}

void
mt_budget_give(struct mt_budget *b, struct mt_acct *acct, size_t n)
{
	if ((b = budget_of(b, acct)) == NULL)
		return;
	b->used = n < b->used ? b->used - n : 0;
	if (acct != NULL)
		acct->held = n < acct->held ? acct->held - n : 0;
}

bool
mt_budget_over(const struct mt_budget *b)
{
	return b != NULL && b->used > b->limit;
}
