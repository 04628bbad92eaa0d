/*
 * conv.h - the only door into the protocol model.  Both sources call these
 * functions: the probe with the exact bytes it writes (before writing) and
 * reads; the decoder from TCP reassembly.  The model turns lines into steps
 * and emits the command/response trace records; it never does I/O.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_PROTO_CONV_H
#define MT_PROTO_CONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mt.h"
#include "pop3_parse.h"
#include "smtp_parse.h"
#include "trace.h"

enum proto {
	PROTO_POP3,
	PROTO_SMTP
};

enum dir {
	DIR_C2S,
	DIR_S2C
};

/* Why a conversation ended, and the failure class it gives open steps. */
enum close_why {
	CLOSE_FIN,		/* orderly close: MT_E_EOF for open steps */
	CLOSE_RST,		/* reset: MT_E_IO */
	CLOSE_TIMEOUT,		/* the reader gave up waiting: MT_E_TIMEOUT */
	CLOSE_IO,		/* another I/O failure: MT_E_IO */
	CLOSE_ABORT,		/* the probe gave up (protocol): MT_E_PROTO */
	CLOSE_UNSEEN,		/* the capture ended with the connection open:
				   how it ended is unknown, so open steps get
				   no "after" record (a POP3 body whose status
				   line arrived keeps its record, with the
				   bytes seen) */
	CLOSE_INTR		/* the probe was interrupted (a signal): MT_E_INTR */
};

#define STEP_INJECTED	0x01u	/* bytes followed the positive STLS reply */
#define STEP_TRUNCATED	0x02u	/* the status line was over the hard limit */
#define STEP_BODY_OVER	0x04u	/* the body exceeded the body limit */
#define STEP_NO_END	0x08u	/* the body did not end with its terminator */
#define STEP_TOO_LONG	0x10u	/* an SMTP reply over MT_REPLY_LINES_HARD lines */

/*
 * A completed step: a command and its response (for a multi-line response,
 * once the body ended or failed), or the greeting.  Pointers are valid only
 * during the callback.
 */
struct step {
	enum proto	 proto;
	int		 cmd;		/* POP3_C_* or SMTP_C_* */
	enum pop3_st	 st;		/* POP3: POP3_ST_NONE: no status line arrived */
	int		 code;		/* SMTP: the final reply code; 0 none or malformed */
	const char	*text;		/* POP3: status text after the indicator;
					   SMTP: the final reply line's text */
	size_t		 textlen;
	int		 rc;		/* 0 or MT_E_* as recorded */
	bool		 clean;		/* the server answered in protocol */
	bool		 multi;		/* a body followed */
	uint64_t	 body_bytes;
	uint64_t	 body_lines;
	unsigned	 flags;		/* STEP_* */
	/*
	 * The step's own times, from the bytes' (a decoder's capture times,
	 * not the packet being read): the command's (the greeting's: the
	 * connection's), and when the step ended: the reply's last line
	 * arrived (a body's end), or the conversation ended.  t_after is
	 * never earlier than t_before (as the "after" record's time).
	 */
	mt_time		 t_before;
	mt_time		 t_after;
};

struct conv_env {
	struct tracer	*tr;		/* where records go; required */
	void		(*on_step)(void *arg, const struct step *);
	void		*arg;
	/*
	 * Optional: each content line of a POP3 multi-line response (CAPA,
	 * UIDL, LIST, TOP, RETR), unstuffed, without its line ending, as it
	 * is read; cmd is the command it answers.  text is valid only during
	 * the call.  A line over the hard limit comes as its head.
	 */
	void		(*on_line)(void *arg, int cmd, const char *text,
			    size_t len);
	/*
	 * Optional: a client command (or SMTP's end-of-data line) is about
	 * to be recorded, with the event its "before" record gets; the
	 * decoder places API-level points here (EVENTS.md).
	 */
	void		(*on_command)(void *arg, int cmd, bool has_arg,
			    unsigned ev_before, mt_time);
	uint64_t	 max_body;	/* body limit; 0: MT_BODY_DEFAULT */
	/*
	 * The conversation was already under way (a capture that started
	 * mid-connection): no greeting is awaited; the first lines are taken
	 * as they come.
	 */
	bool		 midstream;
	/*
	 * Optional (the decoder): the account, in the decoder's shared byte
	 * budget (budget.h), that the line buffers and the pending queue
	 * take their memory from.  It must outlive the conversation.  NULL:
	 * bounded only by MT_LINE_HARD and MT_PENDING_HARD (the probe).
	 */
	struct mt_acct	*acct;
};

/* Capabilities from the last CAPA response (RFC 2449 6). */
struct pop3_capa {
	bool		 seen;		/* a CAPA response was received */
	bool		 stls;
	bool		 top;
	bool		 uidl;
	bool		 user;
	bool		 pipelining;
	char		 sasl[256];	/* mechanisms, space separated */
	char		 impl[128];	/* IMPLEMENTATION text */
	char		 keywords[MT_FIELD_HARD]; /* every line, ", " separated */
};

/* Extensions from the last EHLO reply (RFC 5321 4.1.1.1). */
struct smtp_ehlo {
	bool		 seen;		/* a positive EHLO reply was received */
	bool		 starttls;
	bool		 pipelining;
	bool		 eightbitmime;
	bool		 chunking;
	bool		 smtputf8;
	uint64_t	 size;		/* SIZE limit; 0: none given */
	char		 auth[256];	/* AUTH mechanisms, space separated */
	char		 keywords[MT_FIELD_HARD]; /* every line, ", " separated */
};

struct conv;

/*
 * A connection was established at t: the model starts waiting for the
 * greeting (and emits the "before greeting" point).  env is copied.
 * Returns NULL on allocation failure (err filled; err may be NULL).
 */
struct conv	*conv_new(enum proto, const struct conv_env *, mt_time t,
		    struct mt_err *);
/* Bytes in one direction, received or about to be sent at t. */
void		 conv_bytes(struct conv *, enum dir, const uint8_t *, size_t,
		    mt_time t);
/* nbytes of one direction are missing (decoder only). */
void		 conv_gap(struct conv *, enum dir, uint64_t nbytes, mt_time t);
/*
 * The TLS handshake after a positive STLS/STARTTLS reply completed at t:
 * the probe calls it after its own handshake, a decoder with the session's
 * keys at the handshake's end (its TLS layer).  Until then, from the byte
 * after the reply on, both directions are only counted (a decoder without
 * keys never calls it and stays there).  What the framers held is dropped,
 * what was learned in clear is forgotten (CAPA, EHLO: RFC 2595 4, RFC 3207
 * 4.2), and the bytes that follow, the decrypted stream, are read as lines
 * again: the session goes on in the model as in clear, secrets masked
 * alike (tests/unit/test_tls_switch.c).
 */
void		 conv_tls(struct conv *, mt_time t);
/* The connection ended; open steps fail with the class of why. */
void		 conv_close(struct conv *, enum close_why, mt_time t);
/* NULL-safe. */
void		 conv_free(struct conv *);

/* The POP3 capabilities seen so far (never NULL for a POP3 conv). */
const struct pop3_capa *conv_pop3_capa(const struct conv *);
/* The SMTP extensions seen so far (never NULL for an SMTP conv). */
const struct smtp_ehlo *conv_smtp_ehlo(const struct conv *);
/*
 * Does the space separated list of SASL mechanisms (a CAPA SASL line, an
 * EHLO AUTH keyword) name mech[0..n)?  Whole words, any case (RFC 4422 3.1).
 */
bool		 conv_mech_listed(const char *list, const char *mech, size_t n);
/* Commands sent and not yet answered. */
unsigned	 conv_pending(const struct conv *);
/*
 * The memory budget needs room: give up the line buffers (lr_give_up():
 * a line in progress keeps only its head and is cut, recorded at t as
 * memory_budget_exceeded; the model goes on at the next line).  Returns
 * the bytes given back.  Never called from inside this conversation's own
 * conv_bytes().
 */
size_t		 conv_give_up_lines(struct conv *, mt_time t);
/* What conv_give_up_lines() would give back now. */
size_t		 conv_line_bytes(const struct conv *);

#endif
