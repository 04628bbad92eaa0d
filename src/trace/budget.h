/*
 * budget.h - one byte budget that every part holding bytes for the
 * decoder's flows draws from: TCP reassembly (out-of-order and held-back
 * segments), the line framers and the pending queues.  The decoder owns
 * it; capture and proto only see this header (the dependency rule: both
 * sit above trace).  Single-threaded: the decoder's main thread.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_TRACE_BUDGET_H
#define MT_TRACE_BUDGET_H

#include <stdbool.h>
#include <stddef.h>

struct mt_acct;

struct mt_budget {
	size_t		 limit;		/* bytes all holders may hold together */
	size_t		 used;
	size_t		 peak;		/* most used at once */
	/*
	 * Called when a take would pass the limit: make some other holder
	 * (not asker, which may be NULL) give bytes up, and return how many
	 * were given back (0: nothing left to take).  May be NULL.
	 */
	size_t		(*reclaim)(void *arg, const struct mt_acct *asker,
			    size_t need);
	void		*arg;
	bool		 reclaiming;	/* inside reclaim: no nesting */
};

/*
 * What one holder (a decoded flow) holds in its line framers and pending
 * queue, so that the owner can find the one that holds the most.
 */
struct mt_acct {
	struct mt_budget *b;		/* NULL: no bound (the probe) */
	size_t		 held;
};

/* A budget of limit bytes, nothing used, no reclaim. */
void	mt_budget_init(struct mt_budget *, size_t limit);
/*
 * Take n bytes for acct (or for a holder that is not a flow's, acct NULL,
 * from budget b): true when they fit, after other holders were made to
 * give bytes up if needed; false (nothing taken) when they still do not.
 * With no budget (b NULL, or acct NULL or without one), always true.
 */
bool	mt_budget_take(struct mt_budget *b, struct mt_acct *acct, size_t n);
/* Take n bytes even past the limit (what must be kept for a while). */
void	mt_budget_charge(struct mt_budget *b, struct mt_acct *acct, size_t n);
/* Give back n bytes taken or charged before. */
void	mt_budget_give(struct mt_budget *b, struct mt_acct *acct, size_t n);
/* More is used than the limit (after a charge). */
bool	mt_budget_over(const struct mt_budget *);

#endif
