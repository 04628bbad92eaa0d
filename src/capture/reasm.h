/*
 * reasm.h - TCP reassembly: a bounded flow table, per-direction in-order
 * delivery, explicit gaps; it never guesses (STYLE 3).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_CAPTURE_REASM_H
#define MT_CAPTURE_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "budget.h"
#include "ev.h"
#include "mt.h"
#include "pkt.h"

/* Same values as proto's enum dir: decode casts between them. */
enum reasm_dir {
	REASM_C2S = 0,
	REASM_S2C = 1
};

/* Why a flow ended; same values as proto's enum close_why. */
enum reasm_close {
	REASM_FIN = 0,		/* both sides (or the last side seen) sent FIN */
	REASM_RST = 1,		/* a reset */
	REASM_IDLE = 3,		/* evicted: idle or table full */
	REASM_END = 4		/* the input ended with the flow open: no FIN
				   or RST of it was captured */
};

/*
 * The last handshake stage: the server refused the connection, answering
 * the client's SYN with a reset that acknowledges it (RFC 9293 3.10.7.3),
 * before any SYN-ACK.
 */
#define REASM_HS_REFUSED	3

/* The two ends of a flow, client first (decided by reasm). */
struct flow_id {
	uint8_t		 af;
	uint8_t		 caddr[16];
	uint8_t		 saddr[16];
	uint16_t	 cport;
	uint16_t	 sport;
	bool		 syn_seen;	/* the handshake was captured */
	bool		 by_port;	/* no SYN: the server was guessed */
};

/*
 * What reassembly tells its owner.  user is what flow_new returned.
 * Data and gaps come strictly in sequence order per direction.
 */
struct reasm_cb {
	/* A new flow: return the owner's pointer (NULL: ignore the flow). */
	void	*(*flow_new)(void *arg, const struct flow_id *, mt_time);
	/* Handshake progress: stage 0 SYN, 1 SYN-ACK, 2 the final ACK;
	 * REASM_HS_REFUSED: a reset answered the SYN (the flow closes with
	 * REASM_RST right after). */
	void	 (*handshake)(void *user, int stage, mt_time);
	void	 (*data)(void *user, enum reasm_dir, const uint8_t *, size_t,
		     mt_time);
	void	 (*gap)(void *user, enum reasm_dir, uint64_t nbytes, mt_time);
	/* Optional: the direction's FIN, in sequence (after its last byte,
	 * before the other direction's later bytes); a FIN reported only by
	 * the close (a flow closed from outside) does not come here. */
	void	 (*fin)(void *user, enum reasm_dir, mt_time);
	/* A named anomaly of the transport (overlap that differs, hold
	 * budget exceeded, ...); detail may be NULL. */
	void	 (*anomaly)(void *user, enum an, const char *detail, mt_time);
	/* The flow is over; the owner frees user here.  After this call
	 * reasm never mentions user again. */
	void	 (*close)(void *user, enum reasm_close, mt_time);
	/*
	 * Optional: reasm_expire() or reasm_flush() is about to end the flow
	 * of user; ord is the pkt_tcp.ord of the flow's last segment
	 * (expire: the order of the idle list) or of its first (flush: the
	 * order of creation), so that an owner running several reasms (the
	 * decoder's threads) can place what the end records among theirs.
	 */
	void	 (*ending)(void *arg, uint64_t ord);
	void	 *arg;
	/* server ports: a flow without SYN whose one port is listed here has
	 * its server on that port (NULL-terminated by a 0). */
	const uint16_t	*server_ports;
};

struct reasm_limits {
	size_t		 flows;		/* flow table capacity (MT_FLOWS_HARD) */
	size_t		 hold;		/* out-of-order bytes held per direction */
	size_t		 hold_total;	/* ... and by all flows together, with
					   the segments held back for order
					   (when budget is NULL) */
	mt_time		 idle_us;	/* evict a flow idle this long */
	/*
	 * The byte budget shared with the rest of the decoder (the line
	 * framers): held and held-back bytes are taken from it, so a take
	 * may first make other holders give bytes up.  NULL: a budget of
	 * reasm's own, of hold_total bytes.  It must outlive the reasm.
	 */
	struct mt_budget *budget;
};

struct reasm;

struct reasm	*reasm_new(const struct reasm_cb *, const struct reasm_limits *,
		    struct mt_err *);
/* Feed one segment (in capture order). */
void		 reasm_segment(struct reasm *, const struct pkt_tcp *);
/* Evict flows idle at time now (call as packet time advances). */
void		 reasm_expire(struct reasm *, mt_time now);
/* End of input: deliver what can be, report the rest as gaps, close all. */
void		 reasm_flush(struct reasm *, mt_time now);
void		 reasm_free(struct reasm *);	/* NULL-safe; no callbacks */

struct reasm_stats {
	uint64_t	 segments;
	uint64_t	 flows;
	uint64_t	 evicted;
	uint64_t	 retransmits;
	uint64_t	 gaps;
	uint64_t	 held_peak;	/* most out-of-order bytes held at once */
	uint64_t	 full;		/* new flows that found the table full */
};
void		 reasm_get_stats(const struct reasm *, struct reasm_stats *);

#endif
