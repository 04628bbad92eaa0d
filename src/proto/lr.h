/*
 * lr.h - the line framer: arbitrary chunks in, lines out, with a hard
 * limit.  Every POP3/SMTP line from either source, in either direction,
 * comes out of this framer; nothing else in mailtrace searches for '\n'.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_PROTO_LR_H
#define MT_PROTO_LR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "budget.h"
#include "mt_limits.h"
#include "mt.h"

#define LR_BARE_LF	0x01u	/* ended in LF without CR */
#define LR_NUL		0x02u	/* contained a NUL byte */
#define LR_CTRL		0x04u	/* other control bytes (not TAB, not CR) */
#define LR_TRUNCATED	0x08u	/* longer than MT_LINE_HARD: text is the head,
				   emitted early; the rest follows as LR_CONT */
#define LR_NO_EOL	0x10u	/* the stream ended inside the line (lr_finish) */
#define LR_CONT		0x20u	/* the dropped tail of a truncated line:
				   len 0, wire counts the dropped bytes + EOL */
#define LR_BUDGET	0x40u	/* with LR_TRUNCATED: cut short because the
				   decoder's memory budget was reached */
#define LR_GIVEN_UP	0x80u	/* with LR_BUDGET: by lr_give_up(), whose
				   caller reported it (conv_give_up_lines) */

struct lr_line {
	const char	*text;		/* not NUL-terminated; valid until next lr_feed() */
	size_t		 len;		/* without the line ending */
	uint64_t	 wire;		/* bytes on the wire, with the line ending */
	unsigned	 flags;
	mt_time		 t_first;	/* time of the chunk holding the first byte */
	mt_time		 t_end;		/* time of the chunk holding the LF */
};

struct lr {
	char		*buf;		/* grows on demand up to MT_LINE_HARD + 1
					   (+1: room for a CR) */
	size_t		 cap;
	size_t		 len;
	uint64_t	 wire;		/* bytes of the current line so far */
	unsigned	 flags;
	bool		 skipping;	/* head emitted; dropping until LF */
	bool		 cut;		/* given up (lr_give_up): the head is
					   handed out next, then the tail dropped */
	bool		 short_budget;	/* the budget refused the buffer room */
	uint8_t		 last;		/* last byte dropped while skipping */
	mt_time		 t_first;
	struct mt_acct	*acct;		/* buffer bytes are taken from it (may
					   be NULL: no bound but MT_LINE_HARD) */
};

/*
 * Start empty; no memory until the first byte.  acct (may be NULL): the
 * budget account the buffer's bytes are taken from.
 */
void	lr_init(struct lr *, struct mt_acct *acct);
/* Drop any partial line, keep the buffer (after a gap or STARTTLS). */
void	lr_reset(struct lr *);
/* Free the buffer; NULL-safe. */
void	lr_free(struct lr *);
/*
 * Consume up to n bytes of p, received at time t.  Returns how many were
 * consumed; *got says whether *out now holds a line.  Callers loop while
 * bytes remain.
 */
size_t	lr_feed(struct lr *, const uint8_t *p, size_t n, mt_time t,
	    struct lr_line *out, bool *got);
/* At end of stream: emits a partial line (LR_NO_EOL) if bytes are held. */
bool	lr_finish(struct lr *, mt_time t, struct lr_line *out);
/* Bytes held that do not yet form a line. */
uint64_t lr_held(const struct lr *);
/* Between lines: nothing held, not dropping a truncated line's tail. */
bool	lr_idle(const struct lr *);
/*
 * Give the buffer up for the memory budget, from outside the framer's
 * own feeding (another flow needs the room).  Between lines the buffer is
 * freed; in the middle of a line only its first LR_HEAD bytes are kept
 * (*cut set): the next lr_feed() (or lr_finish()) hands them out as the
 * line, flagged LR_TRUNCATED | LR_BUDGET | LR_GIVEN_UP, and the rest of
 * the line is dropped as for an over-long one, so the model resynchronises
 * at the next line.  Returns the bytes given back to the budget.
 */
size_t	lr_give_up(struct lr *, bool *cut);
/* What lr_give_up() would give back now. */
size_t	lr_givable(const struct lr *);

#define LR_HEAD		256	/* bytes a given-up line keeps */

#endif
