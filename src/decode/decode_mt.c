/*
 * SPDX-License-Identifier: BSD-2-Clause
 * decode_mt.c - the decoder on several threads (decode --threads N): the
 * calling thread (the reader) reads the capture (its link, IP and TCP
 * headers parsed once, pkt.c) and gives each segment to the share of its
 * flow (a hash of the two endpoints, the same both ways).  N shares:
 * the reader decodes the first itself, N - 1 threads the others, each
 * fed in batches through a few bounded buffers.  Each share has a
 * decoder of its own (reassembly, models, 1/N of the flow table and of
 * the byte budget) and records into a lane of the async sink, whose
 * writer merges the lanes into the order one thread makes
 * (src/sink/async.c).
 *
 * What orders records with one thread, and how each thread keys its own
 * so that the merge restores it (key = ord * 4 + phase, then sub):
 *  - the packet being decoded (pkt_tcp.ord, counted here from 1 over every
 *    input): what its segment makes, (ord, DEC_PH_SEGMENT, 0);
 *  - after it, the flows idle at its time, oldest first
 *    (reasm_expire()): every thread sees every packet's time (the ticks
 *    below) and evicts its own flows at the same packet, keyed (ord,
 *    DEC_PH_EXPIRE, the ord of the flow's last segment), which is the
 *    idle list's order;
 *  - the end of an input (reasm_flush(), flows in creation order): (last
 *    ord, DEC_PH_FINISH, the ord of the flow's first segment);
 *  - session numbers, given when a session opens: the writer numbers the
 *    lanes' session entries in the merged order.
 * A batch for a thread holds its segments and, between them, the times of
 * the other threads' packets (ticks, 8 bytes each); a thread marks its
 * lane after each batch (nothing below that key will follow).
 *
 * The reader's own share marks its lane whenever a batch goes out.
 *
 * Deadlock: a thread blocked on its full lane waits for the writer, which
 * may wait for another thread's mark, which comes once that thread has
 * its batch.  So before the reader waits, for a thread's buffer or for
 * room in its own lane, it hands every partly filled batch on.
 */
#include "decode.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "decode_int.h"
#include "sink.h"

#define DEC_BATCH_BYTES	(128 * 1024)	/* a batch's buffer */
#define DEC_BATCHES	4		/* buffers per thread */

enum dcmd {
	DC_DATA,
	DC_FINISH,
	DC_STOP
};

enum dent {
	DE_SEG = 1,
	DE_TICKS
};

/* A segment in a batch; its payload follows. */
struct dseg {
	uint32_t	 kind;		/* DE_SEG */
	uint32_t	 len;
	uint64_t	 ord;
	mt_time		 ts;
	uint32_t	 seq;
	uint32_t	 ack;
	uint32_t	 wire_len;
	uint16_t	 sport;
	uint16_t	 dport;
	uint8_t		 af;
	uint8_t		 flags;
	uint8_t		 src[16];
	uint8_t		 dst[16];
};

/* The times of count packets of other threads, ord on; they follow. */
struct dticks {
	uint32_t	 kind;		/* DE_TICKS */
	uint32_t	 count;
	uint64_t	 ord;
};

struct dbatch {
	enum dcmd	 cmd;
	mt_time		 t;		/* DC_FINISH */
	size_t		 n;		/* bytes used */
	uint8_t		*buf;		/* DEC_BATCH_BYTES */
};

struct dworker {
	struct dec_pool	*pool;
	pthread_t	 th;
	bool		 started;
	struct decoder	*d;
	struct tracer	 master;	/* the run's, with the lane as sink */
	pthread_mutex_t	 mu;
	pthread_cond_t	 can_work;	/* a batch is ready */
	pthread_cond_t	 can_fill;	/* a buffer is free, or a finish done */
	struct dbatch	 b[DEC_BATCHES];
	struct dbatch	*freeq[DEC_BATCHES];
	unsigned	 nfree;
	struct dbatch	*ready[DEC_BATCHES];
	unsigned	 rhead, nready;
	uint64_t	 finished;	/* DC_FINISH batches done */
	/* the reader's */
	struct dbatch	*cur;		/* being filled; NULL: none */
	size_t		 ticks;		/* the open tick run in cur ... */
	bool		 ticking;	/* ... when there is one */
	uint64_t	 sent_finish;
	/* the thread's */
	uint64_t	 last;		/* the last packet it saw (ord) */
};

struct dec_pool {
	unsigned	 n;
	struct dworker	*w;		/* w[0]: the reader's own share */
	uint64_t	 ord;		/* packets read, all inputs */
	uint64_t	 done;		/* ... and decoded by the reader's share */
	bool		 live;		/* hand each packet on at once */
	bool		 waiting;	/* in the reader's lane's wait: no mark */
};

static void	*dw_main(void *);
static void	 dw_send_all(struct dec_pool *);
static void	 dw_lane_wait(void *);

static size_t
round8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Both directions of a flow hash the same: the endpoints' hashes added. */
static uint32_t
ep_hash(const uint8_t *addr, size_t alen, uint16_t port)
{
	uint32_t	h = 2166136261u;
	size_t		i;

	for (i = 0; i < alen; i++)
		h = (h ^ addr[i]) * 16777619u;
	h = (h ^ (uint32_t)(port & 0xff)) * 16777619u;
	h = (h ^ (uint32_t)(port >> 8)) * 16777619u;
	return h;
}

static unsigned
flow_thread(const struct dec_pool *pl, const struct pkt_tcp *p)
{
	size_t		alen = p->af == 6 ? 16 : 4;
	uint32_t	h = ep_hash(p->src, alen, p->sport) +
			    ep_hash(p->dst, alen, p->dport);

	h ^= h >> 16;
	h *= 0x45d9f3bu;
	h ^= h >> 16;
	return (unsigned)(((uint64_t)h * pl->n) >> 32);
}

static void
dw_stop_all(struct dec_pool *pl)
{
	struct dworker	*w;
	struct dbatch	*b;
	unsigned	 i;

	for (i = 1; i < pl->n; i++) {
		w = &pl->w[i];
		if (!w->started)
			continue;
		pthread_mutex_lock(&w->mu);
		while (w->nfree == 0)
			pthread_cond_wait(&w->can_fill, &w->mu);
		b = w->freeq[--w->nfree];
		b->cmd = DC_STOP;
		b->n = 0;
		w->ready[(w->rhead + w->nready++) % DEC_BATCHES] = b;
		pthread_cond_signal(&w->can_work);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->th, NULL);
		w->started = false;
	}
}

struct decoder *
dec_pool_new(const struct dec_opts *o, struct tracer *master,
    struct mt_err *err)
{
	struct decoder	*d;
	struct dec_pool	*pl;
	struct dworker	*w;
	struct dec_opts	 wo;
	struct sink	*lanes[DEC_THREADS_HARD];
	size_t		 flows, bytes;
	sigset_t	 all, old;
	unsigned	 i, j, n = o->threads;

	if (n > DEC_THREADS_HARD || master->nsinks != 1) {
		mt_err_set(err, MT_E_INTERNAL, "decoder: %u threads into %u "
		    "sinks", n, master->nsinks);
		return NULL;
	}
	/* Each thread gets a share of the flow table and of the budget. */
	flows = o->flows ? o->flows : MT_FLOWS_DEFAULT;
	if (flows > MT_FLOWS_HARD)
		flows = MT_FLOWS_HARD;
	flows = flows / n > 0 ? flows / n : 1;
	bytes = (o->bytes_total ? o->bytes_total : MT_FLOW_BYTES_TOTAL) / n;
	if (sink_async_lanes(master->sinks[0], n, (uint32_t)flows, lanes,
	    err) != 0)
		return NULL;
	d = calloc(1, sizeof(*d));
	pl = calloc(1, sizeof(*pl));
	if (d == NULL || pl == NULL ||
	    (pl->w = calloc(n, sizeof(*pl->w))) == NULL) {
		free(pl);
		free(d);
		mt_err_set(err, MT_E_INTERNAL, "out of memory");
		return NULL;
	}
	d->pool = pl;
	d->o = *o;
	pl->n = n;
	pl->live = o->flush_sessions;
	wo = *o;
	wo.threads = 1;
	wo.flows = flows;
	wo.bytes_total = bytes > 0 ? bytes : 1;
	for (i = 0; i < n; i++) {
		pthread_mutex_init(&pl->w[i].mu, NULL);
		pthread_cond_init(&pl->w[i].can_work, NULL);
		pthread_cond_init(&pl->w[i].can_fill, NULL);
	}
	for (i = 0; i < n; i++) {
		w = &pl->w[i];
		w->pool = pl;
		w->master = *master;
		w->master.sinks[0] = lanes[i];
		w->master.failed = false;
		w->master.hold_ev = 0;
		w->master.held = false;
		w->master.hold_rec = NULL;
		for (j = 0; i > 0 && j < DEC_BATCHES; j++) {
			if ((w->b[j].buf = malloc(DEC_BATCH_BYTES)) == NULL) {
				mt_err_set(err, MT_E_INTERNAL, "out of memory");
				goto fail;
			}
			w->freeq[w->nfree++] = &w->b[j];
		}
		if ((w->d = dec_new_one(&wo, &w->master, lanes[i], err)) ==
		    NULL)
			goto fail;
	}
	sink_lane_waiting(lanes[0], dw_lane_wait, pl);
	/* The threads take no signals, as the writer (the reader's are). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 1; i < n; i++) {
		if (pthread_create(&pl->w[i].th, NULL, dw_main, &pl->w[i]) !=
		    0)
			break;
		pl->w[i].started = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (i < n) {
		mt_err_set(err, MT_E_INTERNAL, "cannot start %u decoding "
		    "threads", n);
		goto fail;
	}
	return d;
fail:
	dec_pool_free(pl);
	free(d);
	return NULL;
}

void
dec_pool_free(struct dec_pool *pl)
{
	struct dworker	*w;
	unsigned	 i, j;

	if (pl == NULL)
		return;
	dw_stop_all(pl);
	for (i = 0; i < pl->n; i++) {
		w = &pl->w[i];
		dec_free_one(w->d);
		for (j = 0; j < DEC_BATCHES; j++)
			free(w->b[j].buf);
		pthread_cond_destroy(&w->can_fill);
		pthread_cond_destroy(&w->can_work);
		pthread_mutex_destroy(&w->mu);
	}
	free(pl->w);
	free(pl);
}

/* The reader: its share's lane says how far it has decoded. */
static void
dw_mark_own(struct dec_pool *pl)
{
	if (!pl->waiting)
		sink_lane_mark(pl->w[0].master.sinks[0], pl->done * 4 +
		    DEC_PH_FINISH);
}

/* The reader: w's batch goes to its thread (never blocks: a buffer of
 * its own always has a place in the queue). */
static void
dw_send(struct dworker *w)
{
	pthread_mutex_lock(&w->mu);
	w->ready[(w->rhead + w->nready++) % DEC_BATCHES] = w->cur;
	pthread_cond_signal(&w->can_work);
	pthread_mutex_unlock(&w->mu);
	w->cur = NULL;
	w->ticking = false;
	dw_mark_own(w->pool);
}

/* The reader: every thread's batch with something in it goes now. */
static void
dw_send_all(struct dec_pool *pl)
{
	unsigned	i;

	for (i = 1; i < pl->n; i++)
		if (pl->w[i].cur != NULL && pl->w[i].cur->n > 0)
			dw_send(&pl->w[i]);
}

/* The reader's lane is full: what the writer may wait for goes first. */
static void
dw_lane_wait(void *arg)
{
	struct dec_pool	*pl = arg;

	pl->waiting = true;
	dw_send_all(pl);
	pl->waiting = false;
}

/* The reader: a free buffer for w (waiting for its thread when none is,
 * after every partly filled batch went: see the deadlock note above). */
static void
dw_get(struct dworker *w, enum dcmd cmd)
{
	struct dbatch	*b;

	pthread_mutex_lock(&w->mu);
	if (w->nfree == 0) {
		pthread_mutex_unlock(&w->mu);
		dw_send_all(w->pool);
		pthread_mutex_lock(&w->mu);
		while (w->nfree == 0)
			pthread_cond_wait(&w->can_fill, &w->mu);
	}
	b = w->freeq[--w->nfree];
	pthread_mutex_unlock(&w->mu);
	b->cmd = cmd;
	b->n = 0;
	w->cur = b;
	w->ticking = false;
}

/* The reader: room for n bytes in w's batch. */
static uint8_t *
dw_room(struct dworker *w, size_t n)
{
	if (w->cur != NULL && DEC_BATCH_BYTES - w->cur->n < n)
		dw_send(w);
	if (w->cur == NULL)
		dw_get(w, DC_DATA);
	return w->cur->buf + w->cur->n;
}

/* The reader: another thread's packet ord at t, for w's idle flows. */
static void
dw_tick(struct dworker *w, uint64_t ord, mt_time t)
{
	struct dticks	 tk;
	uint8_t		*at;

	if (w->ticking && DEC_BATCH_BYTES - w->cur->n >= sizeof(t)) {
		memcpy(w->cur->buf + w->cur->n, &t, sizeof(t));
		w->cur->n += sizeof(t);
		memcpy(&tk, w->cur->buf + w->ticks, sizeof(tk));
		tk.count++;
		memcpy(w->cur->buf + w->ticks, &tk, sizeof(tk));
		return;
	}
	at = dw_room(w, sizeof(tk) + sizeof(t));
	tk.kind = DE_TICKS;
	tk.count = 1;
	tk.ord = ord;
	memcpy(at, &tk, sizeof(tk));
	memcpy(at + sizeof(tk), &t, sizeof(t));
	w->ticks = w->cur->n;
	w->ticking = true;
	w->cur->n += sizeof(tk) + sizeof(t);
}

void
dec_pool_packet(struct dec_pool *pl, const struct pkt_tcp *p)
{
	struct dworker	*w;
	struct dseg	 sg;
	struct pkt_tcp	 q;
	uint8_t		*at;
	size_t		 len = p->len, size;
	uint64_t	 ord = ++pl->ord;
	unsigned	 i, k = flow_thread(pl, p);

	/* An IP datagram's payload is under 64 KiB: it fits a batch. */
	if (len > DEC_BATCH_BYTES - sizeof(sg))
		len = DEC_BATCH_BYTES - sizeof(sg);
	for (i = 1; i < pl->n; i++) {
		w = &pl->w[i];
		if (i != k) {
			dw_tick(w, ord, p->ts);
			continue;
		}
		size = round8(sizeof(sg) + len);
		at = dw_room(w, size);
		memset(&sg, 0, sizeof(sg));
		sg.kind = DE_SEG;
		sg.len = (uint32_t)len;
		sg.ord = ord;
		sg.ts = p->ts;
		sg.seq = p->seq;
		sg.ack = p->ack;
		sg.wire_len = p->wire_len > UINT32_MAX ? UINT32_MAX :
		    (uint32_t)p->wire_len;
		sg.sport = p->sport;
		sg.dport = p->dport;
		sg.af = p->af;
		sg.flags = p->flags;
		memcpy(sg.src, p->src, sizeof(sg.src));
		memcpy(sg.dst, p->dst, sizeof(sg.dst));
		memcpy(at, &sg, sizeof(sg));
		if (len > 0)
			memcpy(at + sizeof(sg), p->payload, len);
		w->cur->n += size;
		w->ticking = false;
	}
	/* the reader's own share */
	if (k == 0) {
		q = *p;
		q.ord = ord;
		dec_packet_one(pl->w[0].d, &q);
	} else
		dec_expire(pl->w[0].d, ord, p->ts);
	pl->done = ord;
	/* Live: nothing waits in a batch for the next packet. */
	if (pl->live) {
		dw_send_all(pl);
		dw_mark_own(pl);
	}
}

void
dec_pool_finish(struct dec_pool *pl, mt_time t)
{
	struct dworker	*w;
	unsigned	 i;

	dw_send_all(pl);
	for (i = 1; i < pl->n; i++) {
		w = &pl->w[i];
		if (w->cur != NULL) {
			/* an empty batch: give it back */
			pthread_mutex_lock(&w->mu);
			w->freeq[w->nfree++] = w->cur;
			pthread_mutex_unlock(&w->mu);
			w->cur = NULL;
		}
		dw_get(w, DC_FINISH);
		w->cur->t = t;
		w->sent_finish++;
		dw_send(w);
	}
	/* the reader's own share, meanwhile */
	pl->w[0].d->ord = pl->ord;
	dec_finish_one(pl->w[0].d, t);
	sink_lane_mark(pl->w[0].master.sinks[0], (pl->ord + 1) * 4);
	for (i = 1; i < pl->n; i++) {
		w = &pl->w[i];
		pthread_mutex_lock(&w->mu);
		while (w->finished < w->sent_finish)
			pthread_cond_wait(&w->can_fill, &w->mu);
		pthread_mutex_unlock(&w->mu);
	}
}

/* A thread: one batch of segments and ticks. */
static void
dw_batch(struct dworker *w, const struct dbatch *b)
{
	struct pkt_tcp	 p;
	struct dseg	 sg;
	struct dticks	 tk;
	const uint8_t	*at = b->buf, *end = b->buf + b->n;
	mt_time		 t;
	uint32_t	 i;

	while (at < end) {
		memcpy(&tk.kind, at, sizeof(tk.kind));
		if (tk.kind == DE_TICKS) {
			memcpy(&tk, at, sizeof(tk));
			at += sizeof(tk);
			for (i = 0; i < tk.count; i++) {
				memcpy(&t, at, sizeof(t));
				at += sizeof(t);
				dec_expire(w->d, tk.ord + i, t);
			}
			w->last = tk.ord + tk.count - 1;
			continue;
		}
		memcpy(&sg, at, sizeof(sg));
		memset(&p, 0, sizeof(p));
		p.ts = sg.ts;
		p.af = sg.af;
		memcpy(p.src, sg.src, sizeof(p.src));
		memcpy(p.dst, sg.dst, sizeof(p.dst));
		p.sport = sg.sport;
		p.dport = sg.dport;
		p.seq = sg.seq;
		p.ack = sg.ack;
		p.flags = sg.flags;
		p.payload = at + sizeof(sg);
		p.len = sg.len;
		p.wire_len = sg.wire_len;
		p.ord = sg.ord;
		dec_packet_one(w->d, &p);
		w->last = sg.ord;
		at += round8(sizeof(sg) + sg.len);
	}
}

static void *
dw_main(void *arg)
{
	struct dworker	*w = arg;
	struct dbatch	*b;
	enum dcmd	 cmd;

	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (w->nready == 0)
			pthread_cond_wait(&w->can_work, &w->mu);
		b = w->ready[w->rhead];
		w->rhead = (w->rhead + 1) % DEC_BATCHES;
		w->nready--;
		pthread_mutex_unlock(&w->mu);
		cmd = b->cmd;
		switch (cmd) {
		case DC_DATA:
			dw_batch(w, b);
			/* next: later packets, or the end of this input */
			sink_lane_mark(w->master.sinks[0], w->last * 4 +
			    DEC_PH_FINISH);
			break;
		case DC_FINISH:
			w->d->ord = w->last;
			dec_finish_one(w->d, b->t);
			sink_lane_mark(w->master.sinks[0], (w->last + 1) * 4);
			break;
		case DC_STOP:
			break;
		}
		pthread_mutex_lock(&w->mu);
		w->freeq[w->nfree++] = b;
		if (cmd == DC_FINISH)
			w->finished++;
		pthread_cond_signal(&w->can_fill);
		pthread_mutex_unlock(&w->mu);
		if (cmd == DC_STOP)
			return NULL;
	}
}

/* The skipped ports of kind t of every thread, first seen first. */
static void
pool_ports(const struct dec_pool *pl, int t, struct dec_skipped *out)
{
	const struct decoder	*d;
	const struct dec_skipped *k;
	uint64_t		 seen[DEC_THREADS_HARD * DEC_SKIP_PORTS][2];
	uint16_t		 port[DEC_THREADS_HARD * DEC_SKIP_PORTS];
	bool			 used[DEC_THREADS_HARD * DEC_SKIP_PORTS];
	size_t			 n = 0, i, j, m;
	unsigned		 w;
	bool			 more = false, dup;

	memset(out, 0, sizeof(*out));
	for (w = 0; w < pl->n; w++) {
		d = pl->w[w].d;
		k = t ? &d->stats.tls : &d->stats.other;
		out->flows += k->flows;
		more = more || k->more;
		for (i = 0; i < k->nports; i++) {
			port[n] = k->ports[i];
			used[n] = false;
			seen[n][0] = d->port_key[t][i][0];
			seen[n][1] = d->port_key[t][i][1];
			n++;
		}
	}
	/* first sightings in one thread's order; a port once */
	for (m = 0; m < n; m++) {
		j = n;
		for (i = 0; i < n; i++) {
			if (used[i])
				continue;
			if (j == n || seen[i][0] < seen[j][0] ||
			    (seen[i][0] == seen[j][0] && seen[i][1] <
			    seen[j][1]))
				j = i;
		}
		if (j == n)
			break;
		for (i = 0, dup = false; i < out->nports; i++)
			dup = dup || out->ports[i] == port[j];
		if (!dup) {
			if (out->nports < DEC_SKIP_PORTS)
				out->ports[out->nports++] = port[j];
			else
				more = true;
		}
		used[j] = true;
	}
	out->more = more;
}

void
dec_pool_stats(const struct dec_pool *pl, struct dec_stats *s)
{
	const struct decoder	*d;
	struct reasm_stats	 rs;
	unsigned		 i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < pl->n; i++) {
		d = pl->w[i].d;
		reasm_get_stats(d->ra, &rs);
		s->shares_full += rs.full + d->budget_full;
		s->sessions += d->stats.sessions;
		s->ignored += d->stats.ignored;
		s->unfinished += d->stats.unfinished;
		s->lines_given_up += d->stats.lines_given_up;
		/* the threads' peaks need not coincide: at most this */
		s->bytes_peak += d->budget.peak;
	}
	pool_ports(pl, 0, &s->other);
	pool_ports(pl, 1, &s->tls);
}

int
dec_pool_sink_error(const struct dec_pool *pl, struct mt_err *err)
{
	unsigned	i;

	for (i = 0; i < pl->n; i++)
		if (dec_sink_error(pl->w[i].d, err) != 0)
			return -1;
	return 0;
}
