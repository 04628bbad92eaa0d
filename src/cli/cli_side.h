/*
 * cli_side.h - one side of a comparison: the records of a stored run or a
 * baseline, read through the sink interface and kept, bounded, as the
 * regression check's steps (src/check), grouped by session.  Used by diff
 * and check (cli_diff.c) and by baseline save --runs (cli_baseline.c).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_CLI_CLI_SIDE_H
#define MT_CLI_CLI_SIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/check.h"
#include "sink.h"

#define SIDE_BYTES_HARD	(256u << 20)	/* string bytes held, all sides */

enum { H_INTF, H_OPR, H_OPT, H_REPLY, H_DETAIL, H_TLS_VERSION, H_TLS_CIPHER,
    H_CERT_SUBJECT, H_CERT_ISSUER, H_TLS_VERIFY, H__N };

struct side_held {
	uint64_t	 session;
	size_t		 pos;		/* stored order, for a stable sort */
	struct chk_step	 s;		/* its strings are own[] */
	char		*own[H__N];
};

/* A sink (base first): hand &side.base to store_replay() and the like. */
struct side {
	struct sink	 base;
	struct side_held *h;
	size_t		 n, cap;
	size_t		 bytes;
	size_t		 max_bytes;	/* of strings held */
	size_t		 max_steps;
	bool		 over;
	/* the next record's latency spread (side_stat), a baseline's */
	bool		 next_stats;
	int64_t		 next_spread_us;
};

/*
 * An empty side holding at most max_bytes of strings and max_steps
 * records (at most SIDE_BYTES_HARD and MT_CHK_STEPS_HARD: several sides
 * held at once share those, by the caller's division).
 */
void	side_init(struct side *, size_t max_bytes, size_t max_steps);
/* Free what it holds; it is empty again (side_init's bounds kept). */
void	side_free(struct side *);
/*
 * For store_baseline_replay(): the next record has a latency spread (its
 * elapsed time is a median); the step gets has_stats.
 */
int	side_stat(void *side, bool has, int64_t spread_us);
/* Sort by session, then stored order (a decoder's sessions interleave). */
void	side_sort(struct side *);
/*
 * After side_sort(): the steps of session, from *i on, copied into out
 * (room for every step of the side) and, when pos is not NULL, their
 * stored positions into pos; *i moves past them.  Returns their count.
 */
size_t	side_session(const struct side *, size_t *i, uint64_t session,
	    struct chk_step *out, size_t *pos);

/*
 * The rules of one comparison into *out (the caller frees them): the
 * defaults (those marked COUNTS too when counts), then, when baseline is
 * not NULL, the baseline's own --ignore patterns ("baseline-ignore-N"),
 * then ignore[0..nignore) ("ignore-N").  A pattern that is refused is a
 * usage error: -1 with the message in err (which names the pattern).
 */
struct store;
int	cli_rules(bool counts, struct store *, const char *baseline,
	    const char *const *ignore, size_t nignore,
	    struct chk_rules **out, struct mt_err *);

#endif
