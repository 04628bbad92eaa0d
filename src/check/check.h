/*
 * check.h - the pure core of the regression check (issue 10): the
 * normalisation of volatile reply text, and the alignment of two sessions'
 * steps.  No I/O: check knows nothing of sockets, packets or sqlite; it is
 * fed steps (records of one session each) by whoever read them, so probe
 * runs and decoded runs are compared the same way.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Include it as "check/check.h" (tests/unit has a check.h of its own).
 *
 * Ownership, once for every function here: a pointer the caller passes in
 * is read during the call only and never kept; what a chk_* function
 * allocates it hands out in one object (struct chk_rules, struct
 * chk_align) that the matching *_free() releases.  Nothing is global:
 * calls on different objects may run in different threads, and chk_norm()
 * and chk_align() only read their rules, so one rules object may serve
 * several threads once no chk_rules_add() runs on it.
 */
#ifndef MT_CHECK_CHECK_H
#define MT_CHECK_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mt.h"
#include "mt_limits.h"

/*
 * One step of a session as the comparison sees it: one trace record (the
 * "before" and the "after" record of a command are two steps).  The
 * strings are owned by the caller and must stay valid during the calls
 * that take the step; NULL is read as "".  This is check's own type, so
 * that check does not follow struct trace_rec's layout: the feeder copies
 * the fields it has (reply: the first line of the server's reply, once
 * records carry it; NULL until then).
 */
struct chk_step {
	unsigned	 event;		/* 0xAD80...; 0 for an anomaly */
	int		 rc;		/* 0 or MT_E_* */
	const char	*intf;		/* "RETR 3", "--" */
	const char	*opr;		/* "+OK", "250" */
	const char	*opt;		/* parameters or exception class */
	const char	*reply;		/* the server's first reply line */
	const char	*detail;	/* CAPA/EHLO lines, anomaly detail */
	int64_t		 elapsed_us;
	bool		 has_elapsed;
};

/* ---- normalisation (norm.c) ---- */

/* chk_rules_new() flags */
#define CHK_RULES_COUNTS	0x01u	/* also the message counts and sizes
					   of STAT, LIST and RETR replies
					   (rules marked COUNTS) */
#define CHK_RULES_EMPTY		0x02u	/* no default rule: only those added */

/*
 * A default rule, as norm_rules.def gives it (for documentation and
 * listings).  The strings are static.
 */
struct chk_rule_info {
	const char	*name;
	const char	*pattern;	/* POSIX extended regular expression */
	const char	*placeholder;	/* \1..\9: the pattern's groups */
	const char	*desc;
	bool		 counts;	/* only with CHK_RULES_COUNTS */
};

/* The number of default rules, and the i-th (NULL past the end). */
size_t		 chk_default_count(void);
const struct chk_rule_info *chk_default_rule(size_t i);

struct chk_rules;			/* opaque: compiled rules, in order */

/*
 * A rule set holding the default rules (those marked COUNTS only with
 * CHK_RULES_COUNTS; none with CHK_RULES_EMPTY), each compiled once.  The
 * caller owns the result and frees it with chk_rules_free().  NULL on
 * failure (err filled; err may be NULL): memory, or a default rule that
 * does not compile (a bug).
 */
struct chk_rules *chk_rules_new(unsigned flags, struct mt_err *);

/*
 * Append a rule, applied after every rule already in the set: each match
 * of regex (POSIX extended) is replaced by placeholder, in which \1..\9
 * stand for the text of the pattern's groups and \\ for one backslash;
 * NULL placeholder: "<ignored>" (what --ignore REGEX adds).  name,
 * regex and placeholder are copied.  Refused, with a one-line message in
 * err and -MT_E_USAGE: a pattern that does not compile (regerror()'s
 * text), a back-reference in the pattern (its matching time is not
 * bounded), a placeholder naming a group the pattern has not, a name,
 * pattern or placeholder over its limit (MT_CHK_*_HARD), more than
 * MT_CHK_RULES_HARD rules.  Returns 0 on success.
 */
int		 chk_rules_add(struct chk_rules *, const char *name,
		    const char *regex, const char *placeholder, struct mt_err *);

/* The rules in the set, in order of application. */
size_t		 chk_rules_count(const struct chk_rules *);
const char	*chk_rules_name(const struct chk_rules *, size_t i);

/* NULL-safe. */
void		 chk_rules_free(struct chk_rules *);

/*
 * Normalise in (NUL-terminated; NULL: "") into out (outsz bytes, always
 * NUL-terminated when outsz > 0): every rule in order over the whole text,
 * each replacing its leftmost-longest matches left to right; a match of
 * the empty string replaces nothing, and each match moves on by at least
 * one byte, so a rule costs at most one regexec() per input byte.  rules
 * NULL: a plain copy.  Returns true when everything fitted; false when
 * in was longer than MT_CHK_TEXT_HARD - 1 bytes (its head is normalised),
 * a replacement grew the text past that, or the result was cut at outsz.
 */
bool		 chk_norm(const struct chk_rules *, const char *in, char *out,
		    size_t outsz);

/* ---- alignment (align.c) ---- */

/* One line of an alignment: indexes into a and b, -1 for "no step". */
struct chk_pair {
	long		 a;
	long		 b;
};

/*
 * The alignment of two sessions: pairs in order, every step of a and of b
 * exactly once.  Owned by the caller's struct, filled by chk_align(),
 * released by chk_align_free().
 */
struct chk_align {
	struct chk_pair	*pairs;
	size_t		 npairs;
	size_t		 matched;	/* pairs with both sides */
	bool		 greedy;	/* the exact alignment was over its
					   bound (MT_CHK_CELLS_HARD): the
					   middle was aligned greedily */
};

/*
 * Align a[0..na) (the baseline) with b[0..nb) (the new run): a step of a
 * and one of b pair when their keys are equal (the same event and the same
 * intf once normalised with rules; rules NULL: intf as it is).  The
 * alignment is a longest common subsequence of the keys, so a step added
 * or missing stays one unpaired line ((-1, j) or (i, -1)) and later steps
 * still pair.  Where keys differ in the same place, the baseline's step
 * comes first.  Cost: the steps' common first and last steps are paired
 * in linear time; the middle, m x n steps, in O(m*n) time and m*n/4 bytes
 * when m*n <= MT_CHK_CELLS_HARD (4096 x 4096), else greedily (each
 * unequal step looks MT_CHK_WINDOW steps ahead on either side for its
 * partner; out->greedy is set), O((m+n) * MT_CHK_WINDOW).  a and b are
 * read during the call only.  out is overwritten (chk_align_free() a
 * previous result first).  Returns 0, or -MT_E_INTERNAL with err filled:
 * memory, or a session over MT_CHK_STEPS_HARD steps.
 */
int		 chk_align(const struct chk_rules *, const struct chk_step *a,
		    size_t na, const struct chk_step *b, size_t nb,
		    struct chk_align *out, struct mt_err *);

/* Free out's pairs and zero it; safe on a zeroed or already freed one. */
void		 chk_align_free(struct chk_align *);

#endif
