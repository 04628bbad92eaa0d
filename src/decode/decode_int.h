/*
 * decode_int.h - what the decoder's files share: a flow's state, the
 * decoder, and the API-level points each protocol's file places
 * (decode_pop3.c, decode_smtp.c; docs/records.md "API points").
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_DECODE_DECODE_INT_H
#define MT_DECODE_DECODE_INT_H

#include "decode.h"

#include "conv.h"
#include "reasm.h"

#define DEC_SNIFF_HARD	512	/* bytes held per direction to pick a protocol */

enum dkind {
	DK_UNKNOWN,		/* waiting for content to decide */
	DK_MAIL,		/* POP3 or SMTP through the model */
	DK_TLS,			/* implicit TLS: connection-level records only */
	DK_IGNORE,		/* not mail */
	DK_TLS_UNLISTED		/* TLS on a port no option names: not decoded */
};

struct df_proto;

struct dflow {
	struct decoder	*d;
	struct tracer	 tr;		/* this session's fork of the master */
	struct conv	*cv;
	enum dkind	 kind;
	enum proto	 proto;
	const struct df_proto *p;	/* proto's API points, once the session
					   opened (df_start()) */
	struct flow_id	 id;
	char		 client[MT_ADDR_HARD];
	char		 server[MT_ADDR_HARD];
	bool		 session_open;	/* tr forked, connection points out */
	mt_time		 t_syn, t_ack, t_first;
	bool		 have_syn, have_ack;
	bool		 refused;	/* a reset answered the SYN (at t_ack) */
	/* sniffing before the protocol is known */
	uint8_t		 sniff[2][DEC_SNIFF_HARD];
	size_t		 nsniff[2];
	mt_time		 tsniff[2];
	enum reasm_dir	 first_dir;	/* the side whose bytes came first */
	/* API-level state */
	bool		 encrypted;
	bool		 connect_done;	/* the connect exit was recorded */
	int		 connect_rc;	/* a failure inside connect */
	bool		 sasl_open;	/* the last reply was a SASL challenge */
	mt_time		 t_connect;
	bool		 open_in, open_done;
	int		 open_rc;
	mt_time		 t_open;
	bool		 block_in;	/* 0xAD8A / 0xAD08 open */
	int		 block_rc;
	mt_time		 t_block;
	bool		 dele_in;
	int		 dele_rc;
	mt_time		 t_dele;
	bool		 close_in;
	mt_time		 t_close;
	bool		 send_in;	/* SMTP sendMessage */
	int		 send_rc;
	mt_time		 t_send;
	bool		 mail_in;	/* SMTP mail block */
	mt_time		 t_mail;
	mt_time		 t_last;	/* the last completed step's end
					   (its own time: step.t_after) */
	int		 last_rc;	/* the last failed step (since the close
					   entry, once that is out) */
	bool		 fin[2];	/* each side's FIN came, in sequence */
	/* SMTP RCPT replies outstanding (pipelining, RFC 2920) */
	unsigned	 rcpt_pending;
	bool		 block_closing;	/* the block ends with the last reply */
	/* a transport anomaly from before the session opened */
	enum an		 early_an;
	mt_time		 early_t;
	char		 early_detail[64];
	/* what the model holds, in the decoder's budget; flows with a
	 * model are listed so the one holding the most can be found */
	struct mt_acct	 acct;
	struct dflow	*mprev, *mnext;
};

struct decoder {
	struct dec_opts	 o;
	struct tracer	*master;
	struct reasm	*ra;
	uint16_t	 server_ports[4 * DEC_PORTS_HARD + 1];
	uint64_t	 sessions;
	struct dec_stats stats;
	mt_time		 now;
	bool		 sink_failed;
	struct mt_err	 sink_err;
	/* every byte the flows hold (MT_FLOW_BYTES_TOTAL): reassembly and
	 * the models draw from it; past it the biggest holder gives up */
	struct mt_budget budget;
	struct dflow	*models;	/* flows with a model */
};

/* The later of two times (a block ends no earlier than it began). */
mt_time	df_later(mt_time, mt_time);
/*
 * Emit an API point (int "--" unless intf) with rc, at t; t0 >= 0: its
 * entry's time, for the elapsed time (an exit is never before its entry).
 */
void	df_point(struct dflow *, unsigned ev, int rc, mt_time t, mt_time t0,
	    const char *intf);

/*
 * What one protocol's file gives the shared part of the decoder: the events
 * of the points every session has, and the points between them, which are
 * each protocol's own (decode_pop3.c, decode_smtp.c).
 */
struct df_proto {
	const char	*implicit;	/* the encrypted anomaly's detail on a
					   port of implicit TLS */
	unsigned	 ev_connect_enter, ev_connect_exit;
	unsigned	 ev_fetch_before;	/* the connection fetch; +1 after */
	unsigned	 ev_close_enter, ev_close_exit;
	unsigned	 ev_term_before, ev_term_after;
	/*
	 * A command is about to be recorded (conv_env.on_command) at t, its
	 * own time, with its "before" event.
	 */
	void		(*command)(struct dflow *, int cmd, unsigned ev_before,
			    mt_time t);
	/*
	 * A step completed (conv_env.on_step), after the shared part: the
	 * points that follow it, at its own time (s->t_after).
	 */
	void		(*step)(struct dflow *, const struct step *s);
	/*
	 * The connection ended (why, at t) and the model closed: end the
	 * blocks still open, in the probe's order.  Returns whether the
	 * session came far enough for the client to close it (the close
	 * entry, when not yet out, comes before the teardown).
	 */
	bool		(*end)(struct dflow *, enum reasm_close why, mt_time t);
};

extern const struct df_proto df_pop3, df_smtp;

#endif
