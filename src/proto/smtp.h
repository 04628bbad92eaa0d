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
	struct conv_env		 env;
	enum smtp_state		 state;
	struct lr		 lr[2];
	struct pendq		 pend;
	/* SASL exchange (RFC 4954 4) */
	struct sasl_track	 sasl;		/* an AUTH exchange */
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
	uint64_t		 tls_bytes;
};

void	smtp_init(struct smtp *, const struct conv_env *, mt_time);
void	smtp_bytes(struct smtp *, enum dir, const uint8_t *, size_t, mt_time);
void	smtp_gap(struct smtp *, enum dir, uint64_t, mt_time);
void	smtp_tls(struct smtp *, mt_time);
void	smtp_close(struct smtp *, enum close_why, mt_time);

/* Which "before" event a command gets (EVENTS.md); "after" is the next id. */
unsigned smtp_step_event(enum smtp_cmd);

#endif
