/*
 * smtp.h - the SMTP step model, used only through conv.h.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_PROTO_SMTP_H
#define MT_PROTO_SMTP_H

#include "body.h"
#include "conv.h"
#include "lr.h"
#include "model.h"
#include "pending.h"
#include "smtp_parse.h"

enum smtp_state {
#define X(name)	SMTP_S_##name,
#include "smtp_states.def"
#undef X
	SMTP_S__COUNT
};

struct smtp {
	struct model		 core;		/* first (conv.c) */
	enum smtp_state		 state;
	/* the reply being read */
	bool			 in_reply;
	bool			 reply_mismatch;
	bool			 reply_failed;	/* recorded early (too long) */
	int			 reply_code;
	unsigned		 reply_lines;
	char			 reply_text[MT_FIELD_HARD]; /* its first line's
						   (model_reply()) */
	struct smtp_ehlo	 ehlo;
	struct smtp_ehlo	 ehlo_new;
	/* the client's message (DATA) and chunks (BDAT) */
	struct body		 body;
	bool			 data_unanswered; /* in BODY, DATA's reply not in */
	uint64_t		 bdat_left;
};

void	smtp_init(struct smtp *, const struct conv_env *, mt_time);
void	smtp_bytes(struct smtp *, enum dir, const uint8_t *, size_t, mt_time);
/* Before the shared part of conv_gap() (model_gap()). */
void	smtp_gap(struct smtp *, enum dir, uint64_t, mt_time);
/* After the shared part of conv_tls() (model_tls()). */
void	smtp_tls(struct smtp *, mt_time);
/* Once; the conversation's phase is MODEL_CLOSED after it. */
void	smtp_close(struct smtp *, enum close_why, mt_time);

/* Which "before" event a command gets (EVENTS.md); "after" is the next id. */
unsigned smtp_step_event(enum smtp_cmd);

#endif
