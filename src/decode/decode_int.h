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
#include "tls.h"

#define DEC_SNIFF_HARD	512	/* bytes held per direction to pick a protocol */
#define DEC_TLS_HOLD_HARD 65536	/* bytes of a direction held until the other
				   side's hello was fed (decode_tls.c) */
#define DEC_TLS_HOLD_MIN 2048	/* a hold's first allocation; it doubles */
#define DEC_TLS_PEND	4	/* TLS anomalies held until the session's
				   TLS record is out */

/* memory_budget_exceeded's detail when a flow's TLS layer was not made */
#define DF_TLS_NO_ROOM	"no memory for the TLS layer: not decrypted"

/* Where a flow's TLS layer started (decode_tls.c). */
enum dtls {
	DT_NONE,
	DT_IMPLICIT,		/* from the handshake on: 0xAD83 / 0xAD07 */
	DT_SWITCH		/* after STLS / STARTTLS: its "after" record */
};

/*
 * Which hello the layer waits for (decode_tls.c's hold): the side that
 * speaks next in the handshake has its bytes fed, the other side's wait.
 */
enum dtls_wait {
	DW_CH,			/* a ClientHello: the server's bytes wait */
	DW_SH,			/* its ServerHello: the client's bytes wait */
	DW_NONE			/* the ServerHello was fed: nothing waits */
};

/* A TLS anomaly said once the session's TLS record is out. */
struct dtls_an {
	enum an		 an;
	mt_time		 t;
	char		 detail[MT_FIELD_HARD];
};

/* A flow's TLS layer, between reassembly and the model (decode_tls.c). */
struct dtls_state {
	enum dtls	 mode;
	struct tls_conn	*tc;
	bool		 open;		/* the TLS record is out */
	bool		 up;		/* decrypting: plaintext to the model */
	bool		 dead;		/* failed after up: the session stays
					   encrypted, open steps unseen */
	bool		 drop;		/* free tc once the layer returns */
	bool		 ended[2];	/* tls_conn_end() given */
	bool		 seen_ch;	/* a ClientHello was seen */
	enum dtls_wait	 wait;		/* a HelloRetryRequest: DW_CH again */
	bool		 hold_refused[2]; /* the budget had no room: said */
	bool		 est;		/* probing: the handshake ended at t_est */
	mt_time		 t_est;
	mt_time		 t_hello;	/* the first ClientHello */
	/* the ClientHello's cleartext: "sni NAME; offered V1 V2, N suites" */
	char		 hello[MT_TLS_NAME_HARD + 96];
	bool		 have_facts;
	struct rec_tls	 facts;
	/* bytes of a direction that came before the other side's hello */
	uint8_t		*held[2];
	size_t		 nheld[2];
	size_t		 heldcap[2];	/* allocated, from the budget */
	mt_time		 theld[2];
	struct dtls_an	 pend[DEC_TLS_PEND];
	size_t		 npend;
};

enum dkind {
	DK_UNKNOWN,		/* waiting for content to decide */
	DK_MAIL,		/* POP3 or SMTP through the model */
	DK_TLS,			/* implicit TLS: connection-level records only */
	DK_IGNORE,		/* not mail */
	DK_TLS_UNLISTED,	/* TLS on a port no option names: not decoded */
	DK_TLS_PROBE		/* TLS on such a port, with key logs: the
				   layer runs, the first plaintext lines
				   decide the protocol (decode_tls.c) */
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
	bool		 fetch_due;	/* implicit TLS: the connection fetch's
					   "after" point waits for the facts */
	struct dtls_state *tls;		/* the TLS layer's, while it has one */
	/* what the model holds, in the decoder's budget; flows with a
	 * model are listed so the one holding the most can be found */
	struct mt_acct	 acct;
	struct dflow	*mprev, *mnext;
	uint32_t	 slot;		/* a thread's: the session's lane slot */
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
	/* when each skipped server port was first seen (key, sub), for the
	 * threads' lists to merge as one thread's (stats.other, .tls) */
	uint64_t	 port_key[2][DEC_SKIP_PORTS][2];
	uint64_t	 ord;		/* the last packet (pkt_tcp.ord) */
	/* the threads (decode_mt.c): the pool, in the decoder the caller has */
	struct dec_pool	*pool;
	/* ... and in each thread's: its lane of the async sink, the key of
	 * what it does now (ord * 4 + DEC_PH_*), its free session slots */
	struct sink	*lane;
	uint64_t	 budget_full;	/* the budget was reached (dec_reclaim) */
	uint64_t	 key;
	uint64_t	 sub;		/* the flow ending (reasm_cb.ending) */
	uint32_t	*slots;
	uint32_t	 nslots;
};

/* What a thread's key says it does, in the order one thread does it. */
#define DEC_PH_SEGMENT	0	/* the packet's segment */
#define DEC_PH_EXPIRE	1	/* idle flows evicted at its time */
#define DEC_PH_FINISH	2	/* the end of an input after it */

/*
 * decode.c for decode_mt.c: a decoder that records into master's sinks;
 * lane: a thread's (keys, session slots), or NULL.  dec_packet_one() and
 * dec_finish_one() are dec_packet() and dec_finish() without threads;
 * dec_expire() evicts the flows idle at t (another thread's packet).
 */
struct decoder *dec_new_one(const struct dec_opts *, struct tracer *master,
	    struct sink *lane, struct mt_err *);
void	dec_packet_one(struct decoder *, const struct pkt_tcp *);
void	dec_expire(struct decoder *, uint64_t ord, mt_time t);
void	dec_finish_one(struct decoder *, mt_time t);
void	dec_free_one(struct decoder *);

/* decode_mt.c: the threads, behind dec_new() and the others. */
struct dec_pool;
struct decoder *dec_pool_new(const struct dec_opts *, struct tracer *master,
	    struct mt_err *);
void	dec_pool_packet(struct dec_pool *, const struct pkt_tcp *);
void	dec_pool_finish(struct dec_pool *, mt_time t);
void	dec_pool_stats(const struct dec_pool *, struct dec_stats *);
int	dec_pool_sink_error(const struct dec_pool *, struct mt_err *);
void	dec_pool_free(struct dec_pool *);

/* The later of two times (a block ends no earlier than it began). */
mt_time	df_later(mt_time, mt_time);
/*
 * Emit an API point (int "--" unless intf) with rc, at t; t0 >= 0: its
 * entry's time, for the elapsed time (an exit is never before its entry).
 */
void	df_point(struct dflow *, unsigned ev, int rc, mt_time t, mt_time t0,
	    const char *intf);
/* The same with TLS facts (tls may be NULL). */
void	df_point_tls(struct dflow *, unsigned ev, int rc, mt_time t, mt_time t0,
	    const char *intf, const struct rec_tls *tls);
/* The model starts at t (conv_new()); what was sniffed is replayed. */
void	df_model(struct dflow *, mt_time t);
/* The protocol is known: the session opens (decode.c). */
void	df_start(struct dflow *, mt_time t);
/* Hold a side's bytes while the protocol is unknown: the bytes taken. */
size_t	df_sniff_add(struct dflow *, enum reasm_dir, const uint8_t *, size_t,
	    mt_time);
/* What the sniffed bytes say the flow is (DK_UNKNOWN: not yet). */
enum dkind df_sniff(struct dflow *);
/* A flow with data is not decoded: counted, with its server port. */
void	df_skipped(struct dflow *);

/*
 * The TLS layer (decode_tls.c).  df_tls_begin(): the flow's bytes go
 * through a tls_conn from now on (implicit TLS at the handshake, or after
 * the positive STLS / STARTTLS reply whose "after" record is held);
 * false when none could be made.  df_tls_bytes(), df_tls_gap(),
 * df_tls_fin(): reassembly's callbacks while it runs.  df_tls_close():
 * the connection ended: what is still undecided is decided.  df_tls_free():
 * NULL-safe cleanup.  df_tls_command(): a command is about to be recorded
 * (STLS / STARTTLS hold their "after" record for the facts).
 */
bool	df_tls_begin(struct dflow *, enum dtls, mt_time t);
void	df_tls_bytes(struct dflow *, enum reasm_dir, const uint8_t *, size_t,
	    mt_time t);
void	df_tls_gap(struct dflow *, enum reasm_dir, uint64_t, mt_time t);
void	df_tls_fin(struct dflow *, enum reasm_dir, mt_time t);
void	df_tls_close(struct dflow *, mt_time t);
void	df_tls_free(struct dflow *);
void	df_tls_command(struct dflow *, unsigned ev_after);
/* An anomaly of reassembly while implicit TLS's fetch point waits: said
 * after it (true), or now (false). */
bool	df_tls_defer(struct dflow *, enum an, const char *, mt_time);
/* A positive STLS / STARTTLS reply (verb) at t: the switch. */
void	df_tls_switch(struct dflow *, const char *verb, mt_time t);
/*
 * TLS on an unlisted port, key logs given: the flow (DK_TLS_PROBE) goes
 * through the layer with no session open; what was sniffed is fed to it,
 * and the first plaintext lines pick the protocol as cleartext's do
 * (then the session opens as on a port of implicit TLS, its records the
 * same), or the flow is skipped as without keys.  False: no layer.
 */
bool	df_tls_probe(struct dflow *, mt_time t);

/*
 * What one protocol's file gives the shared part of the decoder: the events
 * of the points every session has, and the points between them, which are
 * each protocol's own (decode_pop3.c, decode_smtp.c).
 */
struct df_proto {
	const char	*implicit;	/* the encrypted anomaly's detail on a
					   port of implicit TLS */
	const char	*tls_verb;	/* "STLS", "STARTTLS" */
	int		 tls_cmd;	/* STLS, STARTTLS */
	unsigned	 ev_cmd_after;	/* the switch's "after" record */
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
