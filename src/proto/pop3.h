/*
 * pop3.h - the POP3 step model, used only through conv.h.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_PROTO_POP3_H
#define MT_PROTO_POP3_H

#include "body.h"
#include "conv.h"
#include "lr.h"
#include "model.h"
#include "pending.h"
#include "pop3_parse.h"

enum pop3_state {
#define X(name)	POP3_S_##name,
#include "pop3_states.def"
#undef X
	POP3_S__COUNT
};

struct pop3 {
	struct model		 core;		/* first (conv.c) */
	enum pop3_state		 state;
	/* a multi-line response in progress */
	bool			 in_body;
	bool			 body_failed;	/* its record went out early */
	struct body		 body;
	struct pend		 body_pend;
	struct trace_rec	 body_rec;	/* the held "after" record */
	struct pop3_capa	 capa;
	struct pop3_capa	 capa_new;	/* being collected */
	/*
	 * A client that spoke before any server line, with a command that
	 * gets a multi-line response (CAPA, say): is the server's first
	 * +OK line the greeting, or that command's status with the greeting
	 * never sent (or not captured)?  The next server line tells: a
	 * status means a greeting; a content line, the command's status.
	 */
	bool			 early_multi;	/* such a command is pending */
	bool			 greet_held;	/* the first line waits */
	struct lr_line		 held;		/* text points to held_text */
	char			 held_text[MT_POP3_RESP_SOFT];
};

void	pop3_init(struct pop3 *, const struct conv_env *, mt_time);
void	pop3_bytes(struct pop3 *, enum dir, const uint8_t *, size_t, mt_time);
/* Before the shared part of conv_gap() (model_gap()). */
void	pop3_gap(struct pop3 *, enum dir, uint64_t, mt_time);
/* After the shared part of conv_tls() (model_tls()). */
void	pop3_tls(struct pop3 *, mt_time);
/* Once; the conversation's phase is MODEL_CLOSED after it. */
void	pop3_close(struct pop3 *, enum close_why, mt_time);

/*
 * Which "before" event a command gets (EVENTS.md): the one place that
 * knows.  The "after" event is always the next id.
 */
unsigned pop3_step_event(enum pop3_cmd, const char *args, size_t argslen);

#endif
