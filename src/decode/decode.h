/*
 * decode.h - the passive decoder: TCP segments in, the probes' trace
 * records out.  It picks the protocol of each flow (port, then content),
 * feeds the same model the probes use, and places the API-level points
 * where the protocol shows them (EVENTS.md, "Reconstructing the same
 * records from traffic").
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_DECODE_DECODE_H
#define MT_DECODE_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "mt.h"
#include "pkt.h"
#include "trace.h"

#define DEC_PORTS_HARD	32
#define DEC_THREADS_HARD 64	/* --threads: most decoding threads */

struct tls_keylog;

struct dec_opts {
	uint16_t	 pop3[DEC_PORTS_HARD];	/* plain POP3 server ports */
	size_t		 npop3;
	uint16_t	 smtp[DEC_PORTS_HARD];	/* plain SMTP server ports */
	size_t		 nsmtp;
	uint16_t	 pop3s[DEC_PORTS_HARD];	/* implicit TLS */
	size_t		 npop3s;
	uint16_t	 smtps[DEC_PORTS_HARD];
	size_t		 nsmtps;
	size_t		 flows;			/* flow table capacity */
	size_t		 hold;			/* out-of-order bytes per direction */
	mt_time		 idle_us;		/* evict idle flows */
	size_t		 bytes_total;		/* what all flows may hold
						   (0: MT_FLOW_BYTES_TOTAL) */
	bool		 flush_sessions;	/* live captures: flush the sinks
						   after every packet */
	/* TLS secrets to decrypt with (docs/tls.md "Decrypting"); NULL:
	 * none, TLS sessions only show their cleartext facts.  Not owned;
	 * must outlive the decoder. */
	const struct tls_keylog *keys;
	/*
	 * Decoding threads (decode_mt.c; 0 or 1: the calling thread does it
	 * all).  With more, the master tracer's one sink must be an async
	 * sink (sink_async_new()): its writer merges the threads' records
	 * into the order one thread makes.  The flow table and the byte
	 * budget are shared out among them, so their totals still hold.
	 */
	unsigned	 threads;
};

#define DEC_SKIP_PORTS	8	/* server ports listed per kind of skipped flow */

/* TCP flows that were not decoded, of one kind, with their server ports. */
struct dec_skipped {
	uint64_t	 flows;
	uint16_t	 ports[DEC_SKIP_PORTS];	/* distinct, first seen first */
	size_t		 nports;
	bool		 more;			/* more ports than listed */
};

struct dec_stats {
	uint64_t	 sessions;		/* mail sessions decoded */
	uint64_t	 ignored;		/* TCP flows that were not mail */
	struct dec_skipped other;		/* ... of those: not mail */
	struct dec_skipped tls;			/* ... TLS on an unlisted port */
	uint64_t	 unfinished;		/* sessions open when the input
						   ended (no FIN or RST) */
	uint64_t	 lines_given_up;	/* for the byte budget */
	uint64_t	 bytes_peak;		/* most bytes flows held at once */
	/*
	 * Threads: times a thread's share of the flow table (a new flow
	 * found it full) or of the byte budget (it was reached) ran out.
	 * One thread has the whole of each, so from then on the records
	 * may differ from one thread's.  0 with one thread.
	 */
	uint64_t	 shares_full;
};

/* Defaults: POP3 110, SMTP 25 587 2525, POP3S 995, SMTPS 465. */
void		 dec_opts_default(struct dec_opts *);
/* Add a port; false when the list is full. */
bool		 dec_opts_add(uint16_t *list, size_t *n, uint16_t port);

struct decoder;

/* master's sinks receive every session's records; master is not owned. */
struct decoder	*dec_new(const struct dec_opts *, struct tracer *master,
		    struct mt_err *);
/* One TCP segment, in capture order. */
void		 dec_packet(struct decoder *, const struct pkt_tcp *);
/*
 * End of input at time t: every open session ends.  With threads, returns
 * once every thread has ended them (their records are with the sink).
 */
void		 dec_finish(struct decoder *, mt_time t);
/* With threads: only before the first packet or after dec_finish(). */
void		 dec_get_stats(const struct decoder *, struct dec_stats *);
/* The first sink failure of any session, if any (0: none); with threads,
 * as dec_get_stats(). */
int		 dec_sink_error(const struct decoder *, struct mt_err *);
void		 dec_free(struct decoder *);	/* NULL-safe */

#endif
