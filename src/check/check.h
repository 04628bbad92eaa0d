/*
 * check.h - the pure core of the regression check (issue 10): the
 * normalisation of volatile reply text, the alignment of two sessions'
 * steps, and their comparison into a list of differences.  No I/O: check knows nothing of sockets, packets or sqlite; it is
 * fed steps (records of one session each) by whoever read them, so probe
 * runs and decoded runs are compared the same way.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Include it as "check/check.h" (tests/unit has a check.h of its own).
 *
 * Ownership, once for every function here: a pointer the caller passes in
 * is read during the call only and never kept; what a chk_* function
 * allocates it hands out in one object (struct chk_rules, struct
 * chk_align, struct chk_diff) that the matching *_free() releases.  Nothing is global:
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
	/*
	 * Baseline steps only (ignored on the new run's): the step's
	 * elapsed time over the several runs a baseline was saved from,
	 * their median and spread (how far the runs lay apart; shown, not
	 * used in the rule).  When has_stats, the latency rule compares
	 * against base_median_us instead of elapsed_us.  Zero them (or
	 * leave has_stats false) for a baseline of one run.
	 */
	int64_t		 base_median_us;
	int64_t		 base_spread_us;
	bool		 has_stats;
	/*
	 * The TLS facts of the step's record (docs/records.md "TLS facts"),
	 * when has_tls: compared (kind tls) when both sides have them.
	 * Without a certificate (has_cert false) its fields are "" and 0.
	 */
	bool		 has_tls;
	const char	*tls_version;	/* "TLSv1.3" */
	const char	*tls_cipher;
	bool		 has_cert;
	const char	*cert_subject;	/* RFC 2253 */
	const char	*cert_issuer;
	int64_t		 cert_not_after;	/* seconds since the epoch */
	const char	*tls_verify;	/* "ok" or what failed */
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

/* ---- latency over several runs (stats.c) ---- */

/*
 * The pct-th percentile (0 to 100) of n > 0 times sorted ascending:
 * linear between the closest ranks (position pct * (n - 1) / 100),
 * rounded down; pct 50 of an even count is the mean of the middle two.
 * The one place medians and percentiles are computed (chk_stats(),
 * mailtrace stats).
 */
int64_t		 chk_quantile(const int64_t *sorted, size_t n, unsigned pct);

/* One step's time over several runs. */
struct chk_stat {
	int64_t		 median_us;
	int64_t		 spread_us;	/* the largest minus the smallest */
	unsigned	 n;		/* the runs that had the step, timed */
	bool		 has;		/* false: no time (n == 0) */
};

/*
 * The latency of each step of one session over nruns (1 to
 * MT_CHK_RUNS_HARD) runs of the same probe, for a baseline saved from
 * them: runs[0][0..nsteps[0]) is the newest run's session (the one the
 * baseline keeps), runs[1..nruns) the older runs' same session.  Each
 * older session is aligned with the newest (chk_align(), with rules); for
 * each step i of the newest with a time, the times of the steps paired
 * with it that have one, and its own: their median (of an even count,
 * the mean of the middle two, rounded down) and spread (the largest
 * minus the smallest) into out[i] (nsteps[0] of them, caller-allocated).
 * A step of the newest with no time has has false, whatever the older
 * runs had; a step only older runs have is not counted.  Returns 0, or
 * -MT_E_INTERNAL with err filled: memory, or more than MT_CHK_STEPS_HARD
 * steps in the runs together (memory is one entry per step of them).
 */
int		 chk_stats(const struct chk_rules *,
		    const struct chk_step *const *runs, const size_t *nsteps,
		    size_t nruns, struct chk_stat *out, struct mt_err *);

/* ---- comparison (diff.c) ---- */

/* The kinds of difference, from diff_kinds.def (CHK_K_GREETING, ...). */
enum chk_kind {
#define K(NAME, name, desc)	CHK_K_##NAME,
#include "diff_kinds.def"
#undef K
	CHK_K_COUNT
};

/* A kind's name ("missing_step") and description; static, NULL past the end. */
const char	*chk_kind_name(enum chk_kind);
const char	*chk_kind_desc(enum chk_kind);

/*
 * The latency rule's defaults: a step is slower when its time is above
 * both CHK_LATENCY_FACTOR times its baseline and the baseline plus
 * CHK_LATENCY_MIN_MS.  A step of 1 ms that now takes 401 ms is flagged
 * (401 > 3 x 1 and 400 > 100); loopback jitter, 1 ms to 4 ms, is not
 * (4 > 3 x 1, but 3 < 100); nor is a 200 ms step taking 500 ms (500 <
 * 3 x 200).
 */
#define CHK_LATENCY_FACTOR	3.0
#define CHK_LATENCY_MIN_MS	100

struct chk_diff_opt {
	double		 latency_factor;	/* F: >= 1 and <= 1e6 */
	int64_t		 latency_min_ms;	/* MS: >= 0 and <= 1e9 */
};

/* Fill opt with the defaults above. */
void		 chk_diff_opt_init(struct chk_diff_opt *);

/*
 * One difference.  a and b are the step's indexes in the baseline and in
 * the new run (0-based; -1: the step is not on that side).  event and
 * step are the step's (the baseline's when it is on both sides); step is
 * its int field.  base and now are the baseline's and the new run's
 * value (NULL: none, as for the new value of a missing step), keyword the
 * capability's keyword (NULL for the other kinds).  Every string is owned
 * by the struct chk_diff that holds the item, is printable ASCII (a byte
 * outside 0x20..0x7e is shown as '?') and at most MT_CHK_VALUE_HARD - 1
 * bytes (a longer one is cut and ends in "...").  What base and now hold:
 *   greeting, reply, text  the reply line as compared: status or code,
 *                          a space, the reply text, normalised
 *   capability             the capability line ("SIZE 10240000"),
 *                          normalised
 *   outcome                "ok", or "rc=N CLASS": the failure class's
 *                          exception class (the record's opt) or, when
 *                          it has none, its name (TIMEOUT)
 *   missing_step,          the step's reply line as for reply when it has
 *   extra_step             a status or code, else its int; the other
 *                          side NULL
 *   latency                the times ("1.000 ms"; the baseline's median
 *                          "median 1.000 ms"); base_us, now_us (and
 *                          spread_us when has_stats) are the figures
 *   tls                    the fact's name, a space, its value:
 *                          "version TLSv1.3", "cipher ...", "subject
 *                          CN=...", "issuer ...", "not_after
 *                          2036-11-29T00:21:21Z", "verify ok"; keyword
 *                          the name
 */
struct chk_diff_item {
	enum chk_kind	 kind;
	long		 a;
	long		 b;
	unsigned	 event;
	char		*step;
	char		*base;
	char		*now;
	char		*keyword;
	int64_t		 base_us;	/* latency: the baseline (median) */
	int64_t		 now_us;
	int64_t		 spread_us;	/* with has_stats */
	bool		 has_stats;
};

/*
 * The differences between two sessions, in the order of the alignment
 * (within a step: outcome, reply / text / greeting, capabilities, TLS
 * facts, latency; a change of the session's outcome that no paired step shows
 * comes last).  count[] and total count every difference found; items
 * holds the first MT_CHK_DIFFS_HARD of them (dropped: the rest).
 * Filled by chk_diff(), released by chk_diff_free().
 */
struct chk_diff {
	struct chk_diff_item *items;
	size_t		 n;
	size_t		 total;
	size_t		 count[CHK_K_COUNT];
	size_t		 dropped;
	bool		 greedy;	/* the alignment was greedy (chk_align) */
	bool		 cut;		/* a text was longer than the limits:
					   compared by its head, or shown cut */
};

/*
 * Compare a[0..na) (the baseline session) with b[0..nb) (the new run's):
 * align the steps (chk_align(), with rules), then for each pair compare,
 * after normalising texts with rules (NULL: as they are):
 *   - rc: an outcome difference when it changed;
 *   - opr: a reply difference when the status or code changed; else the
 *     reply line (opr, a space, reply), normalised: a greeting difference
 *     on a greeting "after" point (0xAD93, 0xAD15), a text difference on
 *     any other step;
 *   - on CAPA and EHLO steps (int CAPA, EHLO ...), detail: the ", "
 *     separated capability lines, each normalised, paired by keyword
 *     (the first word, case-insensitive): one capability difference per
 *     keyword added, removed or whose line changed;
 *   - when both steps have TLS facts: a tls difference for each of the
 *     version, cipher, certificate subject, issuer, not_after and the
 *     verification result that changed, compared as they are (not
 *     normalised: they are no server text, and the default rules would
 *     hide a new expiry date); not the handshake time (latency's
 *     business), the days left (they change daily) or the serial (a
 *     renewed certificate shows by its new not_after);
 *   - elapsed time, when both have it: a latency difference when the new
 *     time is above both opt->latency_factor times the baseline's (its
 *     base_median_us when has_stats) and the baseline's plus
 *     opt->latency_min_ms.
 * An unpaired step is a missing_step or extra_step difference.  When the
 * session's outcome (the first failing step's rc, 0 when none fails)
 * changed and no paired step showed an outcome difference, an outcome
 * difference names the first failing step.  opt NULL: the defaults.  a,
 * b, rules and opt are read during the call only.  out is overwritten
 * (chk_diff_free() a previous result first); the caller owns it after.
 * Returns 0, or with err filled: -MT_E_USAGE for options out of range,
 * -MT_E_INTERNAL for memory or a session over MT_CHK_STEPS_HARD steps
 * (out is then empty).
 */
int		 chk_diff(const struct chk_rules *, const struct chk_step *a,
		    size_t na, const struct chk_step *b, size_t nb,
		    const struct chk_diff_opt *, struct chk_diff *out,
		    struct mt_err *);

/* Free out's items and strings and zero it; safe on a zeroed one. */
void		 chk_diff_free(struct chk_diff *);

/*
 * A buffer of CHK_LINE_MAX bytes holds any line the functions below
 * write, whatever the item (every string escaped at its worst).
 */
#define CHK_LINE_MAX	(4 * 6 * MT_CHK_VALUE_HARD + 512)

/*
 * One difference as a line of text, without a newline:
 *   KIND step A/B EVENT "INT": BASE -> NOW
 * A and B the step's 1-based positions in the baseline and the new run,
 * "-" where it is not; EVENT 0xAD11 (or "anomaly"); BASE and NOW quoted,
 * (none) when NULL; a capability line's keyword is in its value.  For
 * latency: BASE -> NOW (xFACTOR, +DELTA ms), FACTOR omitted when the
 * baseline is 0.  Writes into buf (sz bytes, always NUL-terminated when
 * sz > 0); returns false when the line was cut to fit.
 */
bool		 chk_diff_text(const struct chk_diff_item *, char *buf,
		    size_t sz);

/*
 * One difference as a JSON object (RFC 8259), without a newline:
 *   {"kind":..,"step":INT,"event":"0xAD11","baseline_step":A,
 *    "now_step":B,"baseline":..,"now":..}
 * A, B 1-based or null; baseline, now null when NULL; "keyword" for a
 * capability; for latency also "baseline_us", "now_us", "factor" (when
 * the baseline is above 0), and with stats "baseline_median":true and
 * "baseline_spread_us".  Strings are escaped (" and \ with a backslash,
 * every other byte outside 0x20..0x7e as \u00XX).  Never a partial
 * object: when it does not fit in sz bytes, buf is "" and false is
 * returned.
 */
bool		 chk_diff_jsonl(const struct chk_diff_item *, char *buf,
		    size_t sz);

/*
 * The one-line summary: "no difference", or "N difference(s): " and the
 * count of each kind found, in the order of diff_kinds.def ("3
 * differences: 2 capability, 1 latency"), then " (M not listed)" when
 * some were dropped.  Returns false when cut to fit sz.
 */
bool		 chk_diff_summary(const struct chk_diff *, char *buf,
		    size_t sz);

#endif
