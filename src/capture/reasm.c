/*
 * SPDX-License-Identifier: BSD-2-Clause
 * reasm.c - TCP reassembly for the decoder: a bounded flow table keyed by
 * the canonical 5-tuple, in-order delivery per direction, explicit gaps
 * (STYLE 3; RFC 9293 3.4 sequence numbers, 3.5 connection establishment,
 * 3.6 closing; RFC 1982 serial number arithmetic for the comparisons).
 *
 * Every flow lives in one of two LRU lists: "live" (open, with an owner)
 * or "dead" (closed, or ignored by the owner).  Dead entries stay in the
 * table so that the last ACKs of a closed connection do not start a new
 * one; they are the first to go when the table is full.  Open flows are
 * also kept in creation order so that reasm_flush() is reproducible.
 */
#include "reasm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mt_limits.h"

/*
 * Serial arithmetic (RFC 1982) is only meaningful for spans well under
 * 2^31; no real segment comes close, so a larger claim is cut here.  This
 * is a property of the arithmetic, not a tunable bound.
 */
#define REASM_SPAN_MAX	(1u << 30)

#define HS_0		0x1u	/* SYN reported */
#define HS_1		0x2u	/* SYN-ACK reported */
#define HS_2		0x4u	/* final ACK reported */
#define HS_REFUSED	0x8u	/* a reset answered the SYN */

enum fstate {
	FS_FREE = 0,
	FS_OPEN,		/* reassembling, owner's user pointer valid */
	FS_IGNORED,		/* flow_new returned NULL */
	FS_CLOSED		/* closed; kept so trailing segments are ignored */
};

/* One held out-of-order piece: wire bytes of sequence space, of which the
 * first len were captured, at ts (it is delivered with its own time). */
struct hseg {
	struct hseg	*next;
	mt_time		 ts;
	uint32_t	 seq;
	uint32_t	 wire;
	uint32_t	 len;
	uint8_t		 data[];
};

/*
 * A segment delivered whole: its place and a fingerprint of its bytes, so
 * that an exact retransmission of it (same sequence number, same length),
 * whose bytes are gone, can still be compared with it.
 */
struct seen {
	uint32_t	 seq;
	uint32_t	 len;		/* 0: unused */
	uint64_t	 sum;
};

/* Segments remembered per direction: a retransmission comes a few
 * segments after the original. */
#define REASM_RECENT	8

/* One direction of a flow. */
struct half {
	struct hseg	*hold;		/* sorted by seq, never overlapping */
	struct hseg	*tail;
	size_t		 held;		/* captured bytes in hold */
	size_t		 nheld;		/* pieces in hold */
	uint32_t	 next;		/* next sequence number to deliver */
	uint32_t	 fin_seq;	/* sequence number of the FIN */
	bool		 init;		/* next is valid */
	bool		 seen;		/* any segment in this direction */
	bool		 payload;	/* any segment carrying data */
	bool		 fin;
	bool		 ended;		/* everything before the FIN delivered */
	bool		 syn;		/* the stream began with a SYN: at start */
	uint32_t	 start;		/* its first sequence number after it */
	unsigned	 nrecent;	/* the slot of recent to fill next */
	struct seen	 recent[REASM_RECENT];	/* the last delivered whole */
};

/*
 * A segment held back whole: it acknowledges bytes of the other direction
 * that have not been delivered yet (see flow_input()).
 */
struct qseg {
	struct qseg	*next;
	struct pkt_tcp	 pk;		/* payload re-pointed at data */
	bool		 src_is_a;
	uint8_t		 data[];
};

/* Segments and bytes held back before the missing bytes are declared. */
#define REASM_WAIT_SEGS	64

/* Canonical 5-tuple: endpoint a is the lower (address, port). */
struct flow_key {
	uint8_t		 af;
	uint8_t		 a[16];
	uint8_t		 b[16];
	uint16_t	 ap;
	uint16_t	 bp;
};

struct flow {
	struct flow_key	 key;
	struct flow_id	 id;
	void		*user;
	enum fstate	 state;
	bool		 client_is_a;
	bool		 isn_known;
	uint32_t	 isn;		/* the client's SYN sequence number */
	unsigned	 hs;		/* HS_* stages reported */
	unsigned	 busy;		/* inside a callback for this flow */
	mt_time		 last;
	uint64_t	 ord_first;	/* pkt_tcp.ord of the first segment */
	uint64_t	 ord_last;	/* ... of the last (the idle list's order) */
	struct half	 h[2];
	struct flow	*hnext;		/* hash chain, or the free list */
	struct flow	*newer;		/* live or dead LRU list */
	struct flow	*older;
	struct flow	*cprev;		/* creation order, open flows only */
	struct flow	*cnext;
	/* the direction held back until the other catches up */
	bool		 waiting;
	bool		 finishing;	/* inside flow_finish() */
	enum reasm_dir	 wait_d;
	uint32_t	 wait_ack;	/* the other direction's next must reach it */
	struct qseg	*q;
	struct qseg	*qtail;
	unsigned	 nq;
	size_t		 qbytes;
};

struct flist {
	struct flow	*newest;
	struct flow	*oldest;
};

struct reasm {
	struct reasm_cb		 cb;
	size_t			 cap;
	size_t			 hold;
	mt_time			 idle_us;
	struct flow		*slots;		/* cap entries, allocated once */
	struct flow		**bucket;
	size_t			 nbucket;	/* a power of two */
	uint64_t		 seed;
	struct flow		*free;		/* released slots */
	size_t			 used;		/* slots handed out at least once */
	struct flist		 live;
	struct flist		 dead;
	struct flow		*cfirst;	/* creation order of open flows */
	struct flow		*clast;
	size_t			 held_total;	/* out-of-order bytes, all flows */
	size_t			 queued_total;	/* held-back bytes, all flows */
	struct mt_budget	*b;		/* bounds the two (with others') */
	struct mt_budget	 own;		/* b when none is shared */
	unsigned		 depth;		/* reasm_segment nesting */
	struct reasm_stats	 st;
};

static bool	 seq_lt(uint32_t, uint32_t);
static bool	 seq_leq(uint32_t, uint32_t);
static const char *dir_name(enum reasm_dir);
static void	 key_make(const struct pkt_tcp *, struct flow_key *, bool *);
static bool	 key_eq(const struct flow_key *, const struct flow_key *);
static size_t	 key_hash(const struct reasm *, const struct flow_key *);
static struct flow *flow_find(struct reasm *, const struct flow_key *);
static void	 list_unlink(struct flist *, struct flow *);
static void	 list_push(struct flist *, struct flow *);
static struct flist *flow_list(struct reasm *, struct flow *);
static void	 flow_touch(struct reasm *, struct flow *,
		    const struct pkt_tcp *);
static void	 order_unlink(struct reasm *, struct flow *);
static bool	 port_listed(const struct reasm *, uint16_t);
static struct flow *evict_pick(struct reasm *);
static struct flow *flow_create(struct reasm *, const struct flow_key *,
		    bool, const struct pkt_tcp *);
static void	 flow_release(struct reasm *, struct flow *);
static void	 flow_input(struct reasm *, struct flow *, bool,
		    const struct pkt_tcp *);
static void	 flow_process(struct reasm *, struct flow *, bool,
		    const struct pkt_tcp *);
static bool	 wait_needed(const struct flow *, enum reasm_dir,
		    const struct pkt_tcp *);
static bool	 wait_queue(struct reasm *, struct flow *, bool,
		    const struct pkt_tcp *);
static void	 wait_end(struct reasm *, struct flow *, mt_time, bool);
static void	 wait_clear(struct reasm *, struct flow *);
static bool	 flow_refused(const struct flow *, enum reasm_dir,
		    const struct pkt_tcp *);
static void	 flow_hs(struct reasm *, struct flow *, int, mt_time);
static bool	 flow_fin_done(const struct flow *);
static enum reasm_close flow_end_reason(const struct flow *);
static void	 flow_finish(struct reasm *, struct flow *, enum reasm_close,
		    mt_time, bool);
static void	 flow_anomaly(struct reasm *, struct flow *, enum an,
		    const char *, mt_time);
static void	 emit_gap(struct reasm *, struct flow *, enum reasm_dir,
		    uint64_t, mt_time);
static void	 deliver(struct reasm *, struct flow *, enum reasm_dir,
		    const uint8_t *, uint32_t, uint32_t, mt_time);
static uint64_t seg_sum(uint64_t, const uint8_t *, uint32_t);
static void	 recent_add(struct reasm *, struct half *, uint32_t,
		    const uint8_t *, uint32_t);
static void	 recent_check(struct reasm *, struct flow *, enum reasm_dir,
		    uint32_t, const uint8_t *, uint32_t, mt_time);
static void	 seg_lengths(const struct pkt_tcp *, uint32_t *, uint32_t *);
static void	 half_data(struct reasm *, struct flow *, enum reasm_dir,
		    uint32_t, const uint8_t *, uint32_t, uint32_t, mt_time);
static bool	 half_before(struct reasm *, struct flow *, enum reasm_dir,
		    uint32_t *, const uint8_t **, uint32_t *, uint32_t *,
		    mt_time);
static void	 half_merge(struct reasm *, struct flow *, enum reasm_dir,
		    uint32_t, const uint8_t *, uint32_t, uint32_t, mt_time);
static struct hseg **hold_from(struct half *, uint32_t);
static struct hseg **hold_pos(struct half *, uint32_t);
static bool	 hold_fits(struct reasm *, const struct half *, uint32_t);
static struct hseg *hold_insert(struct reasm *, struct half *,
		    struct hseg **, uint32_t, const uint8_t *, uint32_t,
		    uint32_t, mt_time);
static bool	 half_overflow(struct reasm *, struct flow *, enum reasm_dir,
		    uint32_t, const uint8_t *, uint32_t, uint32_t, mt_time,
		    bool);
static void	 half_skip(struct reasm *, struct flow *, enum reasm_dir,
		    uint32_t, mt_time);
static void	 hold_deliver_first(struct reasm *, struct flow *,
		    enum reasm_dir);
static void	 half_drain(struct reasm *, struct flow *, enum reasm_dir);
static void	 half_flush(struct reasm *, struct flow *, enum reasm_dir,
		    mt_time);
static void	 half_clear(struct reasm *, struct half *);

/* RFC 1982-style serial compare: a before b. */
static bool
seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static bool
seq_leq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

static const char *
dir_name(enum reasm_dir d)
{
	return d == REASM_C2S ? "c2s" : "s2c";
}

/*
 * The canonical key: both directions of a connection give the same key.
 * *src_is_a tells which end sent this segment.  Only the address bytes of
 * the family are copied, so the rest of an IPv4 address never matters.
 */
static void
key_make(const struct pkt_tcp *pk, struct flow_key *k, bool *src_is_a)
{
	size_t	alen = pk->af == 6 ? 16 : 4;
	int	c;

	memset(k, 0, sizeof(*k));
	k->af = pk->af;
	c = memcmp(pk->src, pk->dst, alen);
	*src_is_a = c < 0 || (c == 0 && pk->sport <= pk->dport);
	if (*src_is_a) {
		memcpy(k->a, pk->src, alen);
		memcpy(k->b, pk->dst, alen);
		k->ap = pk->sport;
		k->bp = pk->dport;
	} else {
		memcpy(k->a, pk->dst, alen);
		memcpy(k->b, pk->src, alen);
		k->ap = pk->dport;
		k->bp = pk->sport;
	}
}

static bool
key_eq(const struct flow_key *x, const struct flow_key *y)
{
	return x->af == y->af && x->ap == y->ap && x->bp == y->bp &&
	    memcmp(x->a, y->a, sizeof(x->a)) == 0 &&
	    memcmp(x->b, y->b, sizeof(x->b)) == 0;
}

/*
 * The key read as 64-bit words, each mixed in with a multiply (the
 * murmur3 finaliser's constants), seeded per table.  Not a security
 * boundary: a chain can never be longer than the table capacity.  The
 * seed does not affect any output, only the bucket layout.
 */
static size_t
key_hash(const struct reasm *r, const struct flow_key *k)
{
	uint64_t	h = r->seed ^ k->af, w[4];
	size_t		i;

	memcpy(w, k->a, 16);
	memcpy(w + 2, k->b, 16);
	for (i = 0; i < 4; i++) {
		h ^= w[i];
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	h ^= (uint64_t)k->ap << 16 | k->bp;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (size_t)(h & (r->nbucket - 1));
}

static struct flow *
flow_find(struct reasm *r, const struct flow_key *k)
{
	struct flow	*f;

	for (f = r->bucket[key_hash(r, k)]; f != NULL; f = f->hnext)
		if (key_eq(&f->key, k))
			return f;
	return NULL;
}

static void
list_unlink(struct flist *l, struct flow *f)
{
	if (f->newer != NULL)
		f->newer->older = f->older;
	else
		l->newest = f->older;
	if (f->older != NULL)
		f->older->newer = f->newer;
	else
		l->oldest = f->newer;
	f->newer = f->older = NULL;
}

static void
list_push(struct flist *l, struct flow *f)
{
	f->newer = NULL;
	f->older = l->newest;
	if (l->newest != NULL)
		l->newest->newer = f;
	else
		l->oldest = f;
	l->newest = f;
}

static struct flist *
flow_list(struct reasm *r, struct flow *f)
{
	return f->state == FS_OPEN ? &r->live : &r->dead;
}

/* The flow was seen in pk: make it the most recently used of its list. */
static void
flow_touch(struct reasm *r, struct flow *f, const struct pkt_tcp *pk)
{
	struct flist	*l = flow_list(r, f);

	f->last = pk->ts;
	f->ord_last = pk->ord;
	if (l->newest != f) {
		list_unlink(l, f);
		list_push(l, f);
	}
}

static void
order_unlink(struct reasm *r, struct flow *f)
{
	if (f->cprev != NULL)
		f->cprev->cnext = f->cnext;
	else if (r->cfirst == f)
		r->cfirst = f->cnext;
	if (f->cnext != NULL)
		f->cnext->cprev = f->cprev;
	else if (r->clast == f)
		r->clast = f->cprev;
	f->cprev = f->cnext = NULL;
}

static bool
port_listed(const struct reasm *r, uint16_t port)
{
	const uint16_t	*p;

	if ((p = r->cb.server_ports) == NULL)
		return false;
	for (; *p != 0; p++)
		if (*p == port)
			return true;
	return false;
}

struct reasm *
reasm_new(const struct reasm_cb *cb, const struct reasm_limits *lim,
    struct mt_err *err)
{
	struct reasm	*r;

	if (cb == NULL) {
		mt_err_set(err, MT_E_INTERNAL, "reasm: no callbacks");
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		mt_err_set(err, MT_E_INTERNAL, "reasm: out of memory");
		return NULL;
	}
	r->cb = *cb;
	r->cap = MT_FLOWS_DEFAULT;
	r->hold = MT_REASM_HOLD_DEFAULT;
	r->idle_us = MT_FLOW_IDLE_DEFAULT;
	mt_budget_init(&r->own, MT_REASM_HOLD_TOTAL);
	r->b = &r->own;
	if (lim != NULL) {
		if (lim->flows != 0)
			r->cap = lim->flows;
		if (lim->hold != 0)
			r->hold = lim->hold;
		if (lim->hold_total != 0)
			r->own.limit = lim->hold_total;
		if (lim->idle_us > 0)
			r->idle_us = lim->idle_us;
		if (lim->budget != NULL)
			r->b = lim->budget;
	}
	if (r->cap > MT_FLOWS_HARD)
		r->cap = MT_FLOWS_HARD;
	if (r->hold > MT_REASM_HOLD_HARD)
		r->hold = MT_REASM_HOLD_HARD;
	for (r->nbucket = 1; r->nbucket < r->cap; r->nbucket <<= 1)
		;
	r->slots = calloc(r->cap, sizeof(*r->slots));
	r->bucket = calloc(r->nbucket, sizeof(*r->bucket));
	if (r->slots == NULL || r->bucket == NULL) {
		mt_err_set(err, MT_E_INTERNAL, "reasm: out of memory for %zu flows",
		    r->cap);
		reasm_free(r);
		return NULL;
	}
	/*
	 * Slots are handed out in index order as they are first needed (the
	 * table's pages are only touched then), released ones first: slot
	 * reuse is reproducible.
	 */
	r->seed = 0xcbf29ce484222325ULL ^
	    ((uint64_t)(uintptr_t)r * 0x9e3779b97f4a7c15ULL);
	return r;
}

void
reasm_free(struct reasm *r)
{
	size_t	i;

	if (r == NULL)
		return;
	if (r->slots != NULL)
		for (i = 0; i < r->used; i++) {
			half_clear(r, &r->slots[i].h[0]);
			half_clear(r, &r->slots[i].h[1]);
			wait_clear(r, &r->slots[i]);
		}
	free(r->slots);
	free(r->bucket);
	free(r);
}

void
reasm_get_stats(const struct reasm *r, struct reasm_stats *st)
{
	if (r == NULL) {
		memset(st, 0, sizeof(*st));
		return;
	}
	*st = r->st;
}

/*
 * A slot to reuse when the table is full: a dead entry if there is one
 * (no callbacks needed), else the least recently used open flow.  A flow
 * inside one of its own callbacks is never taken.
 */
static struct flow *
evict_pick(struct reasm *r)
{
	struct flow	*f;

	for (f = r->dead.oldest; f != NULL; f = f->newer)
		if (f->busy == 0)
			return f;
	for (f = r->live.oldest; f != NULL; f = f->newer)
		if (f->busy == 0)
			return f;
	return NULL;
}

/* Remove a flow from every index and give its slot back; no callbacks. */
static void
flow_release(struct reasm *r, struct flow *f)
{
	struct flow	**pp;

	for (pp = &r->bucket[key_hash(r, &f->key)]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == f) {
			*pp = f->hnext;
			break;
		}
	list_unlink(flow_list(r, f), f);
	order_unlink(r, f);
	half_clear(r, &f->h[0]);
	half_clear(r, &f->h[1]);
	wait_clear(r, f);
	memset(f, 0, sizeof(*f));
	f->hnext = r->free;
	r->free = f;
}

/*
 * A new flow at its first segment pk (src_is_a: pk was sent by key end a).
 * Decides which end is the client (RFC 9293 3.5: the SYN without ACK is
 * the client's; a SYN-ACK is the server's; without either, the port).
 */
static struct flow *
flow_create(struct reasm *r, const struct flow_key *k, bool src_is_a,
    const struct pkt_tcp *pk)
{
	struct flow	*f;
	size_t		 alen = k->af == 6 ? 16 : 4;
	const char	*guess = NULL;
	size_t		 b;
	bool		 ss, ds;

	if (r->free == NULL && r->used == r->cap) {
		r->st.full++;
		if ((f = evict_pick(r)) == NULL)
			return NULL;
		if (f->state == FS_OPEN) {
			r->st.evicted++;
			flow_finish(r, f, REASM_IDLE, pk->ts, true);
		}
		flow_release(r, f);
	}
	if (r->free != NULL) {
		f = r->free;
		r->free = f->hnext;
	} else
		f = &r->slots[r->used++];
	memset(f, 0, sizeof(*f));
	f->key = *k;
	f->state = FS_OPEN;
	f->last = pk->ts;
	f->ord_first = f->ord_last = pk->ord;

	if ((pk->flags & (PKT_SYN | PKT_ACK)) == PKT_SYN) {
		f->client_is_a = src_is_a;
		f->id.syn_seen = true;
		f->isn_known = true;
		f->isn = pk->seq;
	} else if ((pk->flags & (PKT_SYN | PKT_ACK)) == (PKT_SYN | PKT_ACK)) {
		/* The client's SYN was missed; its ISN is the ACK less one. */
		f->client_is_a = !src_is_a;
		f->id.syn_seen = true;
		f->isn_known = true;
		f->isn = pk->ack - 1;
	} else {
		/* No handshake: the server is the end whose port is listed,
		 * else the lower port, else (same port) the destination. */
		ss = port_listed(r, pk->sport);
		ds = port_listed(r, pk->dport);
		if (ss != ds) {
			f->client_is_a = ss ? !src_is_a : src_is_a;
			guess = "server port";
		} else if (pk->sport != pk->dport) {
			f->client_is_a = pk->sport < pk->dport ? !src_is_a :
			    src_is_a;
			guess = "lower port";
		} else {
			f->client_is_a = src_is_a;
			guess = "destination";
		}
		f->id.by_port = true;
	}
	f->id.af = k->af;
	memcpy(f->id.caddr, f->client_is_a ? k->a : k->b, alen);
	memcpy(f->id.saddr, f->client_is_a ? k->b : k->a, alen);
	f->id.cport = f->client_is_a ? k->ap : k->bp;
	f->id.sport = f->client_is_a ? k->bp : k->ap;

	b = key_hash(r, k);
	f->hnext = r->bucket[b];
	r->bucket[b] = f;
	list_push(&r->live, f);
	f->cprev = r->clast;
	if (r->clast != NULL)
		r->clast->cnext = f;
	else
		r->cfirst = f;
	r->clast = f;
	r->st.flows++;

	f->busy++;
	f->user = r->cb.flow_new != NULL ?
	    r->cb.flow_new(r->cb.arg, &f->id, pk->ts) : NULL;
	f->busy--;
	if (f->user == NULL) {
		list_unlink(&r->live, f);
		order_unlink(r, f);
		f->state = FS_IGNORED;
		list_push(&r->dead, f);
	} else if (guess != NULL)
		flow_anomaly(r, f, AN_MIDSTREAM, guess, pk->ts);
	return f;
}

void
reasm_segment(struct reasm *r, const struct pkt_tcp *pk)
{
	struct flow_key	 k;
	struct flow	*f;
	bool		 src_is_a, pure_syn;

	if (r == NULL || pk == NULL)
		return;
	r->st.segments++;
	r->depth++;
	key_make(pk, &k, &src_is_a);
	pure_syn = (pk->flags & (PKT_SYN | PKT_ACK | PKT_RST)) == PKT_SYN;
	f = flow_find(r, &k);
	if (f != NULL && pure_syn && (!f->isn_known || f->isn != pk->seq) &&
	    f->busy == 0) {
		/* A new connection on the same 5-tuple (the client reused
		 * its port): whatever was there is over. */
		if (f->state == FS_OPEN)
			flow_finish(r, f, flow_end_reason(f), pk->ts, false);
		flow_release(r, f);
		f = NULL;
	}
	if (f == NULL) {
		/* A stray reset (of a flow already gone) starts nothing. */
		if ((pk->flags & PKT_RST) != 0 && pk->len == 0)
			goto out;
		if ((f = flow_create(r, &k, src_is_a, pk)) == NULL)
			goto out;
	} else
		flow_touch(r, f, pk);
	if (f->state == FS_OPEN)
		flow_input(r, f, src_is_a, pk);
out:
	r->depth--;
}

/* Captured and wire payload lengths, made consistent. */
static void
seg_lengths(const struct pkt_tcp *pk, uint32_t *len, uint32_t *wire)
{
	size_t	l = pk->payload != NULL ? pk->len : 0;
	size_t	w = pk->wire_len;

	if (w < l)
		w = l;		/* wire_len unset: trust what was captured */
	if (w > REASM_SPAN_MAX)
		w = REASM_SPAN_MAX;
	if (l > w)
		l = w;
	*len = (uint32_t)l;
	*wire = (uint32_t)w;
}

/*
 * One segment of an open flow.  Causality across the directions: a
 * segment that acknowledges bytes of the other direction which have not
 * been delivered (lost by the capture, or captured later) is held back,
 * with every later segment of its direction, until the other direction
 * has delivered up to that acknowledgement; then they go in order.  So a
 * reply is never handed to the model before the command it answers.
 * When the bytes do not come (REASM_WAIT_SEGS segments or the hold budget
 * held back, a reset, the end of the flow), they are declared a gap and
 * the held segments follow.
 */
static void
flow_input(struct reasm *r, struct flow *f, bool src_is_a,
    const struct pkt_tcp *pk)
{
	enum reasm_dir	 d = src_is_a == f->client_is_a ? REASM_C2S : REASM_S2C;

	if (f->waiting && d == f->wait_d) {
		if ((pk->flags & PKT_RST) == 0 && wait_queue(r, f, src_is_a,
		    pk)) {
			if (f->nq > REASM_WAIT_SEGS || f->qbytes > r->hold ||
			    mt_budget_over(r->b))
				wait_end(r, f, pk->ts, true);
			return;
		}
		/* a reset (or no memory): the wait is over */
		wait_end(r, f, pk->ts, true);
		if (f->state != FS_OPEN)
			return;
	} else if (!f->waiting && wait_needed(f, d, pk) &&
	    wait_queue(r, f, src_is_a, pk)) {
		f->waiting = true;
		f->wait_d = d;
		f->wait_ack = pk->ack;
		return;
	}
	flow_process(r, f, src_is_a, pk);
	if (f->waiting && f->state == FS_OPEN && d != f->wait_d &&
	    seq_leq(f->wait_ack, f->h[d].next + (f->h[d].fin &&
	    f->h[d].next == f->h[d].fin_seq ? 1 : 0)))
		wait_end(r, f, pk->ts, false);
}

/*
 * Does pk (direction d, data or FIN) acknowledge bytes of the other
 * direction beyond what it has delivered?  Only when that direction's
 * sequence numbers are known and it is still open.
 */
static bool
wait_needed(const struct flow *f, enum reasm_dir d, const struct pkt_tcp *pk)
{
	const struct half	*o = &f->h[d == REASM_C2S ? REASM_S2C :
				    REASM_C2S];
	uint32_t		 done;

	if ((pk->flags & PKT_ACK) == 0 || (pk->flags & (PKT_SYN | PKT_RST)) ||
	    (pk->len == 0 && pk->wire_len == 0 && (pk->flags & PKT_FIN) == 0))
		return false;
	if (!o->init || o->ended)
		return false;
	/* a FIN takes one sequence number */
	done = o->next + (o->fin && o->next == o->fin_seq ? 1 : 0);
	return seq_lt(done, pk->ack) && pk->ack - done < REASM_SPAN_MAX;
}

/*
 * Hold back a copy of pk; false when out of memory.  Its bytes are taken
 * from the budget even past it (the segment must be kept); over it, the
 * caller ends the wait at once.
 */
static bool
wait_queue(struct reasm *r, struct flow *f, bool src_is_a,
    const struct pkt_tcp *pk)
{
	struct qseg	*q;
	size_t		 len = pk->payload != NULL ? pk->len : 0;

	if ((q = malloc(sizeof(*q) + len)) == NULL)
		return false;
	if (!mt_budget_take(r->b, NULL, len))
		mt_budget_charge(r->b, NULL, len);
	q->next = NULL;
	q->pk = *pk;
	q->pk.len = len;
	q->src_is_a = src_is_a;
	if (len > 0)
		memcpy(q->data, pk->payload, len);
	if (f->qtail != NULL)
		f->qtail->next = q;
	else
		f->q = q;
	f->qtail = q;
	f->nq++;
	f->qbytes += len;
	r->queued_total += len;
	return true;
}

/*
 * The wait is over: the other direction caught up or, when give_up, its
 * missing bytes up to wait_ack are declared a gap (after delivering what
 * it holds before them).  The held-back segments then go in, in order
 * (one may start a new wait; the rest then queue behind it).
 */
static void
wait_end(struct reasm *r, struct flow *f, mt_time t, bool give_up)
{
	enum reasm_dir	 o = f->wait_d == REASM_C2S ? REASM_S2C : REASM_C2S;
	struct half	*h = &f->h[o];
	struct qseg	*q, *n;
	uint32_t	 end = f->wait_ack;

	if (give_up) {
		if (h->fin && end == h->fin_seq + 1)
			end = h->fin_seq;
		/*
		 * Only what comes before wait_ack: a later command held in
		 * order after the hole must not reach the model before the
		 * reply that was waiting (it would take that reply).
		 */
		while (h->hold != NULL && seq_lt(h->hold->seq, end)) {
			half_skip(r, f, o, h->hold->seq, t);
			hold_deliver_first(r, f, o);
		}
		half_skip(r, f, o, end, t);
	}
	f->waiting = false;
	q = f->q;
	f->q = f->qtail = NULL;
	f->nq = 0;
	r->queued_total -= f->qbytes;
	mt_budget_give(r->b, NULL, f->qbytes);
	f->qbytes = 0;
	for (; q != NULL; q = n) {
		n = q->next;
		if (f->state == FS_OPEN) {
			q->pk.payload = q->pk.len > 0 ? q->data : NULL;
			flow_input(r, f, q->src_is_a, &q->pk);
		}
		free(q);
	}
}

/* Free held-back segments without delivering them. */
static void
wait_clear(struct reasm *r, struct flow *f)
{
	struct qseg	*q;

	while ((q = f->q) != NULL) {
		f->q = q->next;
		free(q);
	}
	f->qtail = NULL;
	f->nq = 0;
	r->queued_total -= f->qbytes;
	mt_budget_give(r->b, NULL, f->qbytes);
	f->qbytes = 0;
	f->waiting = false;
}

/* One segment, in its turn: the handshake, its data, its FIN or RST. */
static void
flow_process(struct reasm *r, struct flow *f, bool src_is_a,
    const struct pkt_tcp *pk)
{
	enum reasm_dir	 d;
	struct half	*h;
	uint32_t	 seq = pk->seq, len, wire;

	d = src_is_a == f->client_is_a ? REASM_C2S : REASM_S2C;
	h = &f->h[d];
	f->busy++;
	h->seen = true;
	if (pk->flags & PKT_SYN) {
		if ((pk->flags & PKT_ACK) == 0 && d == REASM_C2S &&
		    f->hs == 0)
			flow_hs(r, f, 0, pk->ts);
		else if ((pk->flags & PKT_ACK) != 0 && d == REASM_S2C &&
		    (f->hs & HS_1) == 0)
			flow_hs(r, f, 1, pk->ts);
		seq++;		/* RFC 9293 3.4: the SYN takes one number */
	} else if ((pk->flags & PKT_ACK) != 0 && d == REASM_C2S &&
	    (f->hs & (HS_1 | HS_2)) == HS_1)
		flow_hs(r, f, 2, pk->ts);
	if (!h->init) {
		h->init = true;
		h->next = seq;
		h->syn = (pk->flags & PKT_SYN) != 0;
		h->start = seq;
	}
	seg_lengths(pk, &len, &wire);
	if (wire > 0) {
		h->payload = true;
		half_data(r, f, d, seq, pk->payload, len, wire, pk->ts);
	}
	/* RFC 9293 3.6: the FIN comes after the segment's data. */
	if ((pk->flags & PKT_FIN) != 0 && !h->fin) {
		h->fin = true;
		h->fin_seq = seq + wire;
	}
	if (h->fin && !h->ended && seq_leq(h->fin_seq, h->next)) {
		h->ended = true;
		if (r->cb.fin != NULL)
			r->cb.fin(f->user, d, pk->ts);
	}
	if ((pk->flags & PKT_RST) != 0 && flow_refused(f, d, pk))
		flow_hs(r, f, REASM_HS_REFUSED, pk->ts);
	if (f->finishing)
		;	/* being closed already: flow_finish() goes on */
	else if (pk->flags & PKT_RST)
		flow_finish(r, f, REASM_RST, pk->ts, false);
	else if (flow_fin_done(f) && !f->waiting)
		flow_finish(r, f, REASM_FIN, pk->ts, false);
	f->busy--;
}

/*
 * Is the reset pk (direction d) the server refusing the connection?  Only
 * a SYN was seen (no SYN-ACK, nothing else from the server), and the reset
 * acknowledges the SYN (RFC 9293 3.10.7.3: in SYN-SENT a reset is
 * acceptable when its ACK acknowledges the SYN).
 */
static bool
flow_refused(const struct flow *f, enum reasm_dir d, const struct pkt_tcp *pk)
{
	return d == REASM_S2C && f->hs == HS_0 && f->isn_known &&
	    (pk->flags & PKT_ACK) != 0 && pk->ack == f->isn + 1 &&
	    !f->h[REASM_S2C].payload && !f->h[REASM_C2S].payload;
}

static void
flow_hs(struct reasm *r, struct flow *f, int stage, mt_time t)
{
	f->hs |= HS_0 << stage;
	if (r->cb.handshake != NULL)
		r->cb.handshake(f->user, stage, t);
}

/* Both directions ended, or one ended and the other never sent a thing. */
static bool
flow_fin_done(const struct flow *f)
{
	const struct half	*c = &f->h[REASM_C2S], *s = &f->h[REASM_S2C];

	if (!c->ended && !s->ended)
		return false;
	return (c->ended || !c->seen) && (s->ended || !s->seen);
}

/* Why a flow ends that is closed from outside (idle, end of input): FIN
 * when every direction that spoke also sent its FIN. */
static enum reasm_close
flow_end_reason(const struct flow *f)
{
	const struct half	*c = &f->h[REASM_C2S], *s = &f->h[REASM_S2C];
	const struct qseg	*q;
	bool			 cfin = c->fin, sfin = s->fin;

	/* a FIN held back (flow_input()) counts: it was sent */
	for (q = f->waiting ? f->q : NULL; q != NULL; q = q->next)
		if (q->pk.flags & PKT_FIN) {
			if (f->wait_d == REASM_C2S)
				cfin = true;
			else
				sfin = true;
		}
	if ((cfin || !c->seen) && (sfin || !s->seen) && (cfin || sfin))
		return REASM_FIN;
	return REASM_IDLE;
}

/*
 * Close an open flow: report what is missing as gaps and deliver what is
 * held, then close.  The entry stays in the table, dead.
 */
static void
flow_finish(struct reasm *r, struct flow *f, enum reasm_close why,
    mt_time t, bool table_full)
{
	const struct half	*c = &f->h[REASM_C2S], *s = &f->h[REASM_S2C];
	void			*user = f->user;

	f->busy++;
	f->finishing = true;
	if (table_full)
		flow_anomaly(r, f, AN_FLOW_TABLE_FULL, NULL, t);
	/*
	 * What was held back goes in first, after the bytes it follows.  A
	 * held segment may wait again for later bytes: each round takes at
	 * least the segment the wait began with.
	 */
	while (f->waiting)
		wait_end(r, f, t, true);
	half_flush(r, f, REASM_C2S, t);
	half_flush(r, f, REASM_S2C, t);
	if (c->payload && !s->seen)
		flow_anomaly(r, f, AN_ONE_SIDED, "c2s only", t);
	else if (s->payload && !c->seen)
		flow_anomaly(r, f, AN_ONE_SIDED, "s2c only", t);
	list_unlink(&r->live, f);
	order_unlink(r, f);
	f->state = FS_CLOSED;
	f->user = NULL;
	list_push(&r->dead, f);
	if (r->cb.close != NULL)
		r->cb.close(user, why, t);
	f->busy--;
}

static void
flow_anomaly(struct reasm *r, struct flow *f, enum an a, const char *detail,
    mt_time t)
{
	if (r->cb.anomaly != NULL)
		r->cb.anomaly(f->user, a, detail, t);
}

static void
emit_gap(struct reasm *r, struct flow *f, enum reasm_dir d, uint64_t n,
    mt_time t)
{
	r->st.gaps++;
	if (r->cb.gap != NULL)
		r->cb.gap(f->user, d, n, t);
}

/*
 * A fingerprint of n bytes: four lanes of 64-bit words, each step
 * lane = (lane + word) * odd constant, so a difference in one word is
 * never lost (multiplying by an odd number is a bijection); the lanes and
 * the tail are mixed at the end.  Seeded per table.  About a cycle per 8
 * bytes: it runs over every byte delivered whole.  Not a cryptographic
 * hash: bytes made to collide on purpose escape the comparison.
 */
static uint64_t
seg_sum(uint64_t seed, const uint8_t *p, uint32_t n)
{
	const uint64_t	 k = 0x9e3779b97f4a7c15ULL;
	uint64_t	 a = seed, b = seed ^ 1, c = seed ^ 2, e = seed ^ 3;
	uint64_t	 w[4];

	for (; n >= 32; p += 32, n -= 32) {
		memcpy(w, p, 32);
		a = (a + w[0]) * k;
		b = (b + w[1]) * k;
		c = (c + w[2]) * k;
		e = (e + w[3]) * k;
	}
	for (; n >= 8; p += 8, n -= 8) {
		memcpy(w, p, 8);
		a = (a + w[0]) * k;
	}
	if (n > 0) {
		w[0] = 0;
		memcpy(w, p, n);
		b = (b + w[0]) * k;
	}
	a ^= (b << 17 | b >> 47) ^ (c << 31 | c >> 33) ^ (e << 47 | e >> 17);
	a *= 0xff51afd7ed558ccdULL;
	return a ^ a >> 33;
}

/* Remember the segment of len bytes at seq, delivered whole. */
static void
recent_add(struct reasm *r, struct half *h, uint32_t seq, const uint8_t *p,
    uint32_t len)
{
	struct seen	*e = &h->recent[h->nrecent];

	h->nrecent = (h->nrecent + 1) % REASM_RECENT;
	e->seq = seq;
	e->len = len;
	e->sum = seg_sum(r->seed, p, len);
}

/*
 * A segment made only of bytes delivered already: when it is an exact
 * retransmission of a segment remembered (same sequence number and length,
 * all captured), its bytes must be the same; if not, overlap_differs (the
 * first copy was delivered: it stays).
 */
static void
recent_check(struct reasm *r, struct flow *f, enum reasm_dir d, uint32_t seq,
    const uint8_t *p, uint32_t len, mt_time t)
{
	const struct half	*h = &f->h[d];
	unsigned		 i;

	for (i = 0; i < REASM_RECENT; i++)
		if (h->recent[i].len == len && h->recent[i].seq == seq) {
			if (h->recent[i].sum != seg_sum(r->seed, p, len))
				flow_anomaly(r, f, AN_OVERLAP_DIFFERS,
				    dir_name(d), t);
			return;
		}
}

/* Hand over one in-order piece: its captured bytes, then the rest of its
 * wire length as a gap. */
static void
deliver(struct reasm *r, struct flow *f, enum reasm_dir d, const uint8_t *p,
    uint32_t len, uint32_t wire, mt_time t)
{
	if (len > 0 && len == wire)
		recent_add(r, &f->h[d], f->h[d].next, p, len);
	f->h[d].next += wire;
	if (len > 0 && r->cb.data != NULL)
		r->cb.data(f->user, d, p, len, t);
	if (wire > len)
		emit_gap(r, f, d, wire - len, t);
}

/*
 * Bytes numbered before the stream began (below the ISN of its SYN + 1)
 * are no byte of it: not a retransmission, nothing to deliver.  Say so
 * (data_before_stream) and cut them off the segment; false when nothing
 * is left of it.
 */
static bool
half_before(struct reasm *r, struct flow *f, enum reasm_dir d, uint32_t *seq,
    const uint8_t **p, uint32_t *len, uint32_t *wire, mt_time t)
{
	char		 detail[64];
	uint32_t	 below = f->h[d].start - *seq;
	uint32_t	 n = below < *wire ? below : *wire;

	snprintf(detail, sizeof(detail), "%s: %lu octets, %lu before its start",
	    dir_name(d), (unsigned long)n, (unsigned long)below);
	flow_anomaly(r, f, AN_BEFORE_STREAM, detail, t);
	*seq += n;
	*wire -= n;
	if (n >= *len)
		*len = 0;
	else {
		*p += n;
		*len -= n;
	}
	return *wire > 0;
}

/* A segment's payload at seq: wire bytes of sequence space, the first len
 * captured at p. */
static void
half_data(struct reasm *r, struct flow *f, enum reasm_dir d, uint32_t seq,
    const uint8_t *p, uint32_t len, uint32_t wire, mt_time t)
{
	struct half	*h = &f->h[d];
	uint32_t	 old;

	if (h->syn && seq_lt(seq, h->start) &&
	    !half_before(r, f, d, &seq, &p, &len, &wire, t))
		return;
	if (seq_lt(seq, h->next)) {
		/* Bytes before next were delivered (or reported) already;
		 * only the new part counts.  They are not kept: only an
		 * exact retransmission of a recent segment is compared
		 * (recent_check()). */
		old = h->next - seq;
		if (old >= wire) {
			r->st.retransmits++;
			if (len > 0 && len == wire)
				recent_check(r, f, d, seq, p, len, t);
			return;
		}
		seq += old;
		wire -= old;
		if (old >= len)
			len = 0;
		else {
			p += old;
			len -= old;
		}
	}
	if (h->hold == NULL && seq == h->next) {
		deliver(r, f, d, p, len, wire, t);
		return;
	}
	half_merge(r, f, d, seq, p, len, wire, t);
	half_drain(r, f, d);
}

/*
 * Merge a segment (seq >= next) with the hold list: the parts no held
 * piece covers are delivered (at next) or held; the parts that are
 * covered are compared with what is held, and the held copy wins.
 */
static void
half_merge(struct reasm *r, struct flow *f, enum reasm_dir d, uint32_t seq,
    const uint8_t *p, uint32_t len, uint32_t wire, mt_time t)
{
	struct half	*h = &f->h[d];
	struct hseg	**pp, *c;
	uint32_t	 end = seq + wire, stop, n, cl, off, m;
	bool		 added = false, differs = false, fits;

	pp = hold_from(h, seq);
	while (seq_lt(seq, end)) {
		c = *pp;
		if (c != NULL && seq_leq(c->seq + c->wire, seq)) {
			pp = &c->next;
			continue;
		}
		if (c == NULL || seq_lt(seq, c->seq)) {
			/* [seq, stop) is new */
			stop = c == NULL || seq_leq(end, c->seq) ? end : c->seq;
			n = stop - seq;
			cl = len < n ? len : n;
			added = true;
			if (seq == h->next)
				deliver(r, f, d, p, cl, n, t);
			else if ((fits = hold_fits(r, h, cl)) &&
			    (c = hold_insert(r, h, pp, seq, p, cl, n, t)) !=
			    NULL)
				pp = &c->next;
			else {
				/* Over budget, or out of memory (fits): make
				 * room.  Held pieces before this one may be
				 * freed, so pp is looked up again. */
				if (!half_overflow(r, f, d, seq, p, cl, n, t,
				    fits) && hold_insert(r, h, hold_pos(h, seq),
				    seq, p, cl, n, t) == NULL)
					half_overflow(r, f, d, seq, p, cl, n, t,
					    true);
				pp = hold_from(h, stop);
			}
		} else {
			/* [seq, stop) is held already: compare, keep c */
			stop = seq_lt(end, c->seq + c->wire) ? end :
			    c->seq + c->wire;
			n = stop - seq;
			cl = len < n ? len : n;
			off = seq - c->seq;
			if (cl > 0 && off < c->len) {
				m = c->len - off < cl ? c->len - off : cl;
				if (memcmp(p, c->data + off, m) != 0)
					differs = true;
			}
			pp = &c->next;
		}
		seq = stop;
		if (cl > 0) {
			p += cl;
			len -= cl;
		}
	}
	if (differs)
		flow_anomaly(r, f, AN_OVERLAP_DIFFERS, dir_name(d), t);
	if (!added)
		r->st.retransmits++;
}

/* Where to start looking in the hold list for a piece at seq. */
static struct hseg **
hold_from(struct half *h, uint32_t seq)
{
	if (h->tail != NULL && seq_leq(h->tail->seq + h->tail->wire, seq))
		return &h->tail->next;
	return &h->hold;
}

/* Where a piece at seq that no held piece covers is to be linked. */
static struct hseg **
hold_pos(struct half *h, uint32_t seq)
{
	struct hseg	**pp = hold_from(h, seq);

	while (*pp != NULL && seq_lt((*pp)->seq, seq))
		pp = &(*pp)->next;
	return pp;
}

/*
 * Can the direction hold len more bytes?  When it can, they are taken from
 * the budget (which may first make others give up line buffers): the
 * caller holds them (hold_insert()) or gives them back.
 */
static bool
hold_fits(struct reasm *r, const struct half *h, uint32_t len)
{
	return h->held + len <= r->hold && h->nheld < MT_REASM_SEGS_HARD &&
	    mt_budget_take(r->b, NULL, len);
}

/* Hold a copy of a piece captured at t, linked at *pp; NULL when out of
 * memory. */
static struct hseg *
hold_insert(struct reasm *r, struct half *h, struct hseg **pp, uint32_t seq,
    const uint8_t *p, uint32_t len, uint32_t wire, mt_time t)
{
	struct hseg	*s;

	if ((s = malloc(sizeof(*s) + len)) == NULL) {
		mt_budget_give(r->b, NULL, len);	/* hold_fits() took it */
		return NULL;
	}
	s->ts = t;
	s->seq = seq;
	s->wire = wire;
	s->len = len;
	if (len > 0)
		memcpy(s->data, p, len);
	s->next = *pp;
	*pp = s;
	if (s->next == NULL)
		h->tail = s;
	h->held += len;
	h->nheld++;
	r->held_total += len;
	if (r->held_total > r->st.held_peak)
		r->st.held_peak = r->held_total;
	return s;
}

/*
 * Holding the piece at seq would exceed the budget (or memory ran out:
 * nomem).  Give up on the oldest hole -- report it as a gap, deliver what
 * follows it -- until the piece fits, or is itself next and delivered.
 * Returns true when the piece was delivered.
 */
static bool
half_overflow(struct reasm *r, struct flow *f, enum reasm_dir d,
    uint32_t seq, const uint8_t *p, uint32_t len, uint32_t wire, mt_time t,
    bool nomem)
{
	struct half	*h = &f->h[d];
	struct hseg	*c;

	flow_anomaly(r, f, AN_HOLD_EXCEEDED, nomem ? "out of memory" :
	    dir_name(d), t);
	for (;;) {
		if ((c = h->hold) != NULL && seq_lt(c->seq, seq)) {
			half_skip(r, f, d, c->seq, t);
			half_drain(r, f, d);
			if (!nomem && hold_fits(r, h, len))
				return false;
			continue;
		}
		half_skip(r, f, d, seq, t);
		deliver(r, f, d, p, len, wire, t);
		return true;
	}
}

/* Report everything from next up to seq as missing. */
static void
half_skip(struct reasm *r, struct flow *f, enum reasm_dir d, uint32_t seq,
    mt_time t)
{
	struct half	*h = &f->h[d];

	if (seq_lt(h->next, seq)) {
		emit_gap(r, f, d, seq - h->next, t);
		h->next = seq;
	}
}

/*
 * Unlink the first held piece (it is next) and deliver it with the time it
 * was captured: the model pairs by order, and a command's time is when its
 * bytes were seen, not when the hole before them was filled.
 */
static void
hold_deliver_first(struct reasm *r, struct flow *f, enum reasm_dir d)
{
	struct half	*h = &f->h[d];
	struct hseg	*c = h->hold;

	if ((h->hold = c->next) == NULL)
		h->tail = NULL;
	h->held -= c->len;
	h->nheld--;
	r->held_total -= c->len;
	mt_budget_give(r->b, NULL, c->len);
	deliver(r, f, d, c->data, c->len, c->wire, c->ts);
	free(c);
}

/* Deliver held pieces while the first one is next. */
static void
half_drain(struct reasm *r, struct flow *f, enum reasm_dir d)
{
	struct half	*h = &f->h[d];

	while (h->hold != NULL && h->hold->seq == h->next)
		hold_deliver_first(r, f, d);
}

/*
 * The direction is over (FIN, RST, eviction, end of input): every hole
 * before held data is a gap, held data is delivered, and bytes between the
 * last delivered one and a seen FIN are a gap too.
 */
static void
half_flush(struct reasm *r, struct flow *f, enum reasm_dir d, mt_time t)
{
	struct half	*h = &f->h[d];

	while (h->hold != NULL) {
		half_skip(r, f, d, h->hold->seq, t);
		half_drain(r, f, d);
	}
	if (h->fin) {
		half_skip(r, f, d, h->fin_seq, t);
		h->ended = true;
	}
}

/* Free held pieces without delivering them. */
static void
half_clear(struct reasm *r, struct half *h)
{
	struct hseg	*c;

	while ((c = h->hold) != NULL) {
		h->hold = c->next;
		r->held_total -= c->len;
		mt_budget_give(r->b, NULL, c->len);
		free(c);
	}
	h->tail = NULL;
	h->held = 0;
	h->nheld = 0;
}

void
reasm_expire(struct reasm *r, mt_time now)
{
	struct flow	*f;

	if (r == NULL || r->depth > 0)
		return;
	while ((f = r->dead.oldest) != NULL && now - f->last >= r->idle_us)
		flow_release(r, f);
	while ((f = r->live.oldest) != NULL && now - f->last >= r->idle_us) {
		r->st.evicted++;
		if (r->cb.ending != NULL)
			r->cb.ending(r->cb.arg, f->ord_last);
		flow_finish(r, f, flow_end_reason(f), now, false);
		flow_release(r, f);
	}
}

void
reasm_flush(struct reasm *r, mt_time now)
{
	struct flow	*f;

	if (r == NULL || r->depth > 0)
		return;
	while ((f = r->cfirst) != NULL) {
		if (r->cb.ending != NULL)
			r->cb.ending(r->cb.arg, f->ord_first);
		flow_finish(r, f, flow_end_reason(f) == REASM_FIN ? REASM_FIN :
		    REASM_END, now, false);
	}
}
