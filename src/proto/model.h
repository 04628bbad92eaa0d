/*
 * model.h - what the POP3 and SMTP models share: the "after" record of a
 * pending command, the failure class of a close, anomaly reporting for
 * lines and bodies.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_PROTO_MODEL_H
#define MT_PROTO_MODEL_H

#include "body.h"
#include "conv.h"
#include "lr.h"
#include "pending.h"

/* The failure class open steps get when a conversation ends for why. */
enum mt_ecode	model_close_code(enum close_why);
/*
 * Fill r as the "after" record of p: event p->ev_before + 1, p's int, opr,
 * rc and its exception class, time t, elapsed since p's "before" point.
 */
void		model_after_rec(const struct pend *p, const char *opr, int rc,
		    mt_time t, struct trace_rec *r);
/*
 * Record the oddities of one line (bare LF, NUL, control bytes, over the
 * hard limit, over the RFC limit soft).  what names the line ("USER
 * command"); no line content is shown, as client lines may be secret.
 */
void		model_line_flags(struct tracer *, const struct lr_line *,
		    enum dir, const char *what, uint64_t soft);
/* Record the oddities a finished body collected; what names the body. */
void		model_body_flags(struct tracer *, const struct body *,
		    const char *what, mt_time);

/* Bytes of one direction are missing: record it, drop the partial line. */
void		model_gap(struct tracer *, struct lr *, enum dir, uint64_t,
		    mt_time);
/* Append one capability line to a ", " separated list (bounded). */
void		model_keyword_add(char *list, size_t sz, const char *, size_t);

#endif
