/*
 * SPDX-License-Identifier: BSD-2-Clause
 * async.c - a sink that hands records to other sinks on a writer thread.
 *
 * The decoder produces records far faster than a sink formats and stores
 * them one at a time (the sqlite insert alone costs more than decoding
 * the bytes behind a record).  This sink packs each record into a bounded
 * byte ring and returns; one writer thread unpacks the records in order
 * and calls the inner sinks, so their output is byte for byte what they
 * would have written when called directly.
 *
 * The ring is single producer, single consumer.  The producer copies
 * records into free space without the lock and publishes them under the
 * lock, ASYNC_BATCH bytes at a time (a flush or close publishes at once);
 * the consumer takes everything published so far in one go, and gives the
 * space back under the lock.  A full ring blocks the producer (memory stays
 * bounded); an empty one blocks the writer.  flush() waits until the writer
 * has passed it, so it reports the inner sinks' errors as a direct call
 * would; rec() reports the first inner failure once the writer has seen it.
 *
 * Lanes (sink_async_lanes(), the decoder's threads): more producers, each
 * with a ring of its own, whose entries carry a key (the input packet that
 * made them, and a tie-break).  The writer merges the lanes by key: it
 * hands on the entry with the least key once every other lane either has
 * an entry waiting or has said (a mark) that nothing below that key will
 * come, so the inner sinks see the records in the order one producer
 * would have made them.  Sessions are numbered here, in that order: a lane
 * names its sessions by slots (reused), the writer gives each slot the
 * run's next session number where the lane's session entry falls.  An
 * entry of the first ring (a flush, the stop) is taken once the lanes are
 * empty: its producer sends it only while the lanes' producers are idle,
 * so every lane entry before it is merged first, with no more marks.
 */
#include "sink.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define ASYNC_RING	(1024 * 1024)	/* bytes; a packed record is < 5 KiB */
#define ASYNC_ALIGN	8
/*
 * A sleeping writer is woken once this much is waiting, or by a control
 * entry: a wake-up is a system call, too dear to pay per record.
 */
#define ASYNC_WAKE	(ASYNC_RING / 4)
/* Records are published (a lock) when this much has been written. */
#define ASYNC_BATCH	(16 * 1024)

enum async_kind {
	AK_REC = 1,
	AK_FLUSH,
	AK_PAD,				/* the rest of the ring is unused */
	AK_STOP,
	AK_SESSION,			/* lanes: a session begins in a slot */
	AK_MARK				/* lanes: nothing below the key follows */
};

struct async_hdr {
	uint32_t	 size;		/* whole entry, header included, aligned */
	uint32_t	 kind;
};

/* The scalar part of a packed record; the strings follow it. */
struct async_fix {
	unsigned	 event;
	int		 rc;
	mt_time		 time;
	uint64_t	 run;
	uint64_t	 session;
	uint32_t	 seq;
	char		 level;
	bool		 has_elapsed;
	bool		 has_bytes;
	bool		 has_tls;	/* a struct rec_tls follows the strings */
	uint8_t		 source;
	int64_t		 elapsed_us;
	uint64_t	 bytes;
	mt_time		 body_end;
	int		 anomaly;
	int		 dns;
};

/* A lane entry's key, after its header. */
struct async_key {
	uint64_t	 key;
	uint64_t	 sub;
};

/* One producer's ring. */
struct aring {
	uint8_t		*ring;
	pthread_cond_t	 can_put;	/* space freed, or a flush passed */
	/* positions count bytes since the start; offset = pos % ASYNC_RING */
	uint64_t	 wpos;		/* written (producer only, no lock) */
	uint64_t	 head;		/* published (producer, under the lock) */
	uint64_t	 tail;		/* consumed (writer, under the lock) */
	uint64_t	 tail_seen;	/* the producer's last look at tail */
	bool		 put_waits;
	bool		 failed_seen;	/* the producer's copies, from a publish */
	struct mt_err	 err_seen;
	/* lanes: called before the producer waits for room */
	void		(*on_wait)(void *);
	void		*wait_arg;
};

struct async_sink;

/* A lane: a producer sink whose entries the writer merges by key. */
struct async_lane {
	struct sink	 base;		/* first: the tracer sees only this */
	struct async_sink *a;
	struct aring	 r;
	struct async_key k;		/* stamped on the entries that follow */
	/* the writer's */
	uint64_t	 pos;		/* read so far */
	uint64_t	 end;		/* published, as last seen */
	uint64_t	 bound;		/* the last mark: nothing below follows */
	uint64_t	*slot_session;	/* a slot's session number */
	uint32_t	 nslots;
};

struct async_sink {
	struct sink	 base;		/* first: the tracer sees only this */
	struct sink	*inner[TRACER_SINKS_HARD];
	unsigned	 ninner;
	struct aring	 m;		/* the first producer's ring */
	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 can_get;	/* entries published */
	uint64_t	 gen;		/* publishes so far, all rings */
	uint64_t	 flushes;	/* flush entries the writer has passed */
	uint64_t	 asked;		/* flush entries the producer has sent */
	bool		 get_waits;
	bool		 wait_bound;	/* ... for a lane's mark, entries waiting */
	bool		 failed;	/* an inner sink failed: err holds the first */
	struct mt_err	 err;
	bool		 flush_failed;	/* the last flush's result */
	struct mt_err	 flush_err;
	struct async_lane *lanes;	/* sink_async_lanes(); NULL: none */
	unsigned	 nlanes;
	uint64_t	 sessions;	/* lanes: session numbers given */
	struct trace_rec rec;		/* the writer's unpacked record */
};

static void	*async_main(void *);
static int	 async_rec(struct sink *, const struct trace_rec *,
		    struct mt_err *);
static int	 async_flush(struct sink *, struct mt_err *);
static void	 async_close(struct sink *);
static int	 lane_rec(struct sink *, const struct trace_rec *,
		    struct mt_err *);
static int	 lane_flush(struct sink *, struct mt_err *);
static void	 lane_close(struct sink *);

static size_t
async_round(size_t n)
{
	return (n + ASYNC_ALIGN - 1) & ~(size_t)(ASYNC_ALIGN - 1);
}

struct sink *
sink_async_new(struct sink *const *inner, unsigned n, struct mt_err *err)
{
	struct async_sink	*a;
	sigset_t		 all, old;
	int			 rc;

	if (n == 0 || n > TRACER_SINKS_HARD) {
		mt_err_set(err, MT_E_INTERNAL, "async sink: %u inner sinks", n);
		return NULL;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->m.ring = malloc(ASYNC_RING)) == NULL) {
		free(a);
		mt_err_set(err, MT_E_INTERNAL, "out of memory");
		return NULL;
	}
	memcpy(a->inner, inner, n * sizeof(inner[0]));
	a->ninner = n;
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->m.can_put, NULL);
	pthread_cond_init(&a->can_get, NULL);
	/*
	 * The writer takes no signals (it inherits a full mask): SIGINT,
	 * SIGTERM and SIGALRM are the caller's, whose handlers may expect to
	 * interrupt its own blocking reads.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&a->th, NULL, async_main, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pthread_cond_destroy(&a->can_get);
		pthread_cond_destroy(&a->m.can_put);
		pthread_mutex_destroy(&a->mu);
		free(a->m.ring);
		free(a);
		mt_err_set(err, MT_E_INTERNAL, "cannot start the writer thread");
		return NULL;
	}
	a->base.rec = async_rec;
	a->base.flush = async_flush;
	a->base.close = async_close;
	return &a->base;
}

int
sink_async_lanes(struct sink *sk, unsigned n, uint32_t slots,
    struct sink **out, struct mt_err *err)
{
	struct async_sink	*a = (struct async_sink *)sk;
	struct async_lane	*ls;
	unsigned		 i;

	if (sk == NULL || sk->rec != async_rec || n == 0 || slots == 0 ||
	    a->lanes != NULL)
		return mt_err_set(err, MT_E_INTERNAL, "async sink: no lanes "
		    "here");
	if ((ls = calloc(n, sizeof(*ls))) == NULL)
		return mt_err_set(err, MT_E_INTERNAL, "out of memory");
	for (i = 0; i < n; i++) {
		ls[i].a = a;
		ls[i].nslots = slots;
		if ((ls[i].r.ring = malloc(ASYNC_RING)) == NULL ||
		    (ls[i].slot_session = calloc((size_t)slots + 1,
		    sizeof(uint64_t))) == NULL)
			break;
		pthread_cond_init(&ls[i].r.can_put, NULL);
		ls[i].base.rec = lane_rec;
		ls[i].base.flush = lane_flush;
		ls[i].base.close = lane_close;
	}
	if (i < n) {
		for (n = 0; n <= i; n++) {
			if (n < i)
				pthread_cond_destroy(&ls[n].r.can_put);
			free(ls[n].r.ring);
			free(ls[n].slot_session);
		}
		free(ls);
		return mt_err_set(err, MT_E_INTERNAL, "out of memory");
	}
	/* The writer sees them from its next look (under the lock). */
	pthread_mutex_lock(&a->mu);
	a->lanes = ls;
	a->nlanes = n;
	a->sessions = 0;
	pthread_mutex_unlock(&a->mu);
	for (i = 0; i < n; i++)
		out[i] = &ls[i].base;
	return 0;
}

/*
 * Publish everything written in ring g (under the lock); wake the writer
 * if it sleeps and enough is waiting, or now when urgent.  A mark is
 * urgent only to a writer that waits for one (entries wait on a lane's
 * bound): a wake-up is a system call.
 */
static void
async_publish_locked(struct async_sink *a, struct aring *g, bool urgent,
    bool mark)
{
	g->head = g->wpos;
	a->gen++;
	if (a->get_waits && ((urgent && (!mark || a->wait_bound)) ||
	    g->head - g->tail >= ASYNC_WAKE)) {
		a->get_waits = false;
		pthread_cond_signal(&a->can_get);
	}
	g->tail_seen = g->tail;
}

/*
 * Room in ring g for an entry of size bytes, contiguous: returns where to
 * write it (after a pad entry when the ring's end is too near).  Blocks
 * while the writer holds the space; takes the lock only when the space
 * last seen free is not enough.
 */
static uint8_t *
async_reserve(struct async_sink *a, struct aring *g, size_t size)
{
	size_t	 off = (size_t)(g->wpos % ASYNC_RING);
	size_t	 pad = ASYNC_RING - off < size ? ASYNC_RING - off : 0;
	uint64_t need = g->wpos + pad + size;

	if (need - g->tail_seen > ASYNC_RING) {
		if (g->on_wait != NULL)
			g->on_wait(g->wait_arg);
		pthread_mutex_lock(&a->mu);
		while (need - g->tail > ASYNC_RING) {
			/* all of it to the writer, awake: never both asleep */
			async_publish_locked(a, g, true, false);
			g->put_waits = true;
			pthread_cond_wait(&g->can_put, &a->mu);
		}
		g->tail_seen = g->tail;
		pthread_mutex_unlock(&a->mu);
	}
	if (pad > 0) {
		struct async_hdr h = { (uint32_t)pad, AK_PAD };

		/* A pad is at least 8 bytes: sizes are multiples of 8. */
		memcpy(g->ring + off, &h, sizeof(h));
		g->wpos += pad;
		off = 0;
	}
	return g->ring + off;
}

/*
 * The entry of size bytes at wpos is written: publish it with what came
 * before when a batch is full (or now, when urgent).  Returns whether an
 * inner sink has failed (the first failure in *err, if err), as last seen.
 */
static bool
async_publish(struct async_sink *a, struct aring *g, size_t size, bool urgent,
    bool mark, struct mt_err *err)
{
	g->wpos += size;
	if (!urgent && g->wpos - g->head < ASYNC_BATCH) {
		if (g->failed_seen && err != NULL)
			*err = g->err_seen;
		return g->failed_seen;
	}
	pthread_mutex_lock(&a->mu);
	async_publish_locked(a, g, urgent, mark);
	g->failed_seen = a->failed;
	if (g->failed_seen)
		g->err_seen = a->err;
	pthread_mutex_unlock(&a->mu);
	if (g->failed_seen && err != NULL)
		*err = g->err_seen;
	return g->failed_seen;
}

static uint8_t *
async_put_str(uint8_t *w, const char *s, size_t max)
{
	size_t		n = strnlen(s, max - 1);
	uint16_t	len = (uint16_t)n;

	memcpy(w, &len, sizeof(len));
	memcpy(w + sizeof(len), s, n);
	return w + sizeof(len) + n;
}

static const uint8_t *
async_get_str(const uint8_t *p, char *dst)
{
	uint16_t	len;

	memcpy(&len, p, sizeof(len));
	memcpy(dst, p + sizeof(len), len);
	dst[len] = '\0';
	return p + sizeof(len) + len;
}

#define ASYNC_MAXREC	(sizeof(struct async_hdr) + sizeof(struct async_key) + \
	sizeof(struct async_fix) + 8 * sizeof(uint16_t) + 4 * MT_FIELD_HARD + \
	MT_OPR_HARD + 2 * MT_ADDR_HARD + MT_EXPLAIN_HARD + \
	sizeof(struct rec_tls))

/* Pack r at w: returns the end. */
static uint8_t *
async_pack(uint8_t *w, const struct trace_rec *r)
{
	struct async_fix	 f;

	memset(&f, 0, sizeof(f));
	f.event = r->event;
	f.rc = r->rc;
	f.time = r->time;
	f.run = r->run;
	f.session = r->session;
	f.seq = r->seq;
	f.level = r->level;
	f.has_elapsed = r->has_elapsed;
	f.has_bytes = r->has_bytes;
	f.has_tls = r->has_tls;
	f.source = (uint8_t)r->source;
	f.elapsed_us = r->elapsed_us;
	f.bytes = r->bytes;
	f.body_end = r->body_end;
	f.anomaly = (int)r->anomaly;
	f.dns = (int)r->dns;
	memcpy(w, &f, sizeof(f));
	w += sizeof(f);
	w = async_put_str(w, r->intf, sizeof(r->intf));
	w = async_put_str(w, r->opr, sizeof(r->opr));
	w = async_put_str(w, r->opt, sizeof(r->opt));
	w = async_put_str(w, r->client, sizeof(r->client));
	w = async_put_str(w, r->server, sizeof(r->server));
	w = async_put_str(w, r->detail, sizeof(r->detail));
	w = async_put_str(w, r->reply, sizeof(r->reply));
	w = async_put_str(w, r->explanation, sizeof(r->explanation));
	if (r->has_tls) {
		memcpy(w, &r->tls, sizeof(r->tls));
		w += sizeof(r->tls);
	}
	return w;
}

static int
async_rec(struct sink *sk, const struct trace_rec *r, struct mt_err *err)
{
	struct async_sink	*a = (struct async_sink *)sk;
	struct async_hdr	 h;
	uint8_t			*start, *w;
	size_t			 size;

	start = async_reserve(a, &a->m, async_round(ASYNC_MAXREC));
	w = async_pack(start + sizeof(h), r);
	size = async_round((size_t)(w - start));
	h.size = (uint32_t)size;
	h.kind = AK_REC;
	memcpy(start, &h, sizeof(h));
	return async_publish(a, &a->m, size, false, false, err) ? -1 : 0;
}

/* Send a control entry (flush, stop). */
static void
async_control(struct async_sink *a, enum async_kind kind)
{
	struct async_hdr	 h = { sizeof(h), kind };
	uint8_t			*w = async_reserve(a, &a->m, sizeof(h));

	memcpy(w, &h, sizeof(h));
	async_publish(a, &a->m, sizeof(h), true, false, NULL);
}

static int
async_flush(struct sink *sk, struct mt_err *err)
{
	struct async_sink	*a = (struct async_sink *)sk;
	uint64_t		 want = ++a->asked;
	int			 rc;

	async_control(a, AK_FLUSH);
	pthread_mutex_lock(&a->mu);
	while (a->flushes < want) {
		a->m.put_waits = true;
		pthread_cond_wait(&a->m.can_put, &a->mu);
	}
	rc = a->flush_failed ? -1 : 0;
	if (rc != 0 && err != NULL)
		*err = a->flush_err;
	pthread_mutex_unlock(&a->mu);
	return rc;
}

static void
async_close(struct sink *sk)
{
	struct async_sink	*a = (struct async_sink *)sk;
	unsigned		 i;

	async_control(a, AK_STOP);
	pthread_join(a->th, NULL);
	for (i = 0; i < a->ninner; i++)
		if (a->inner[i]->close != NULL)
			a->inner[i]->close(a->inner[i]);
	for (i = 0; i < a->nlanes; i++) {
		pthread_cond_destroy(&a->lanes[i].r.can_put);
		free(a->lanes[i].r.ring);
		free(a->lanes[i].slot_session);
	}
	free(a->lanes);
	pthread_cond_destroy(&a->can_get);
	pthread_cond_destroy(&a->m.can_put);
	pthread_mutex_destroy(&a->mu);
	free(a->m.ring);
	free(a);
}

/* A lane entry of kind with the lane's key, body of n bytes from body. */
static bool
lane_put(struct async_lane *l, enum async_kind kind, const void *body,
    size_t n, bool urgent, struct mt_err *err)
{
	struct async_hdr	 h;
	size_t			 size = async_round(sizeof(h) + sizeof(l->k) +
				    n);
	uint8_t			*w = async_reserve(l->a, &l->r, size);

	h.size = (uint32_t)size;
	h.kind = kind;
	memcpy(w, &h, sizeof(h));
	memcpy(w + sizeof(h), &l->k, sizeof(l->k));
	if (n > 0)
		memcpy(w + sizeof(h) + sizeof(l->k), body, n);
	return async_publish(l->a, &l->r, size, urgent, kind == AK_MARK, err);
}

static int
lane_rec(struct sink *sk, const struct trace_rec *r, struct mt_err *err)
{
	struct async_lane	*l = (struct async_lane *)sk;
	struct async_hdr	 h;
	uint8_t			*start, *w;
	size_t			 size;

	start = async_reserve(l->a, &l->r, async_round(ASYNC_MAXREC));
	memcpy(start + sizeof(h), &l->k, sizeof(l->k));
	w = async_pack(start + sizeof(h) + sizeof(l->k), r);
	size = async_round((size_t)(w - start));
	h.size = (uint32_t)size;
	h.kind = AK_REC;
	memcpy(start, &h, sizeof(h));
	return async_publish(l->a, &l->r, size, false, false, err) ? -1 : 0;
}

/*
 * A lane's flush is an entry like its records: the inner sinks flush
 * where it falls in the merged order (a live capture's commit after each
 * packet: so it wakes the writer).  It does not wait; a failure shows at
 * the first ring's flush.
 */
static int
lane_flush(struct sink *sk, struct mt_err *err)
{
	struct async_lane	*l = (struct async_lane *)sk;

	return lane_put(l, AK_FLUSH, NULL, 0, true, err) ? -1 : 0;
}

/* Lanes are freed with their async sink. */
static void
lane_close(struct sink *sk)
{
	(void)sk;
}

void
sink_lane_key(struct sink *sk, uint64_t key, uint64_t sub)
{
	struct async_lane	*l = (struct async_lane *)sk;

	l->k.key = key;
	l->k.sub = sub;
}

void
sink_lane_waiting(struct sink *sk, void (*fn)(void *), void *arg)
{
	struct async_lane	*l = (struct async_lane *)sk;

	l->r.on_wait = fn;
	l->r.wait_arg = arg;
}

void
sink_lane_session(struct sink *sk, uint32_t slot)
{
	lane_put((struct async_lane *)sk, AK_SESSION, &slot, sizeof(slot),
	    false, NULL);
}

void
sink_lane_mark(struct sink *sk, uint64_t key)
{
	struct async_lane	*l = (struct async_lane *)sk;

	l->k.key = key;
	l->k.sub = 0;
	lane_put(l, AK_MARK, NULL, 0, true, NULL);
}

/* An inner sink failed (the first failure is kept). */
static void
async_failed(struct async_sink *a, const struct mt_err *e)
{
	pthread_mutex_lock(&a->mu);
	if (!a->failed) {
		a->failed = true;
		a->err = *e;
	}
	pthread_mutex_unlock(&a->mu);
}

/* The writer: one packed record to every inner sink, the first failure
 * kept; session, when not 0, replaces the record's. */
static void
async_deliver(struct async_sink *a, const uint8_t *p, uint64_t session)
{
	struct trace_rec	*r = &a->rec;
	struct async_fix	 f;
	unsigned		 i;

	memcpy(&f, p, sizeof(f));
	p += sizeof(f);
	r->event = f.event;
	r->rc = f.rc;
	r->time = f.time;
	r->run = f.run;
	r->session = session != 0 ? session : f.session;
	r->seq = f.seq;
	r->level = f.level;
	r->has_elapsed = f.has_elapsed;
	r->has_bytes = f.has_bytes;
	r->source = (enum rec_source)f.source;
	r->elapsed_us = f.elapsed_us;
	r->bytes = f.bytes;
	r->body_end = f.body_end;
	r->anomaly = (enum an)f.anomaly;
	r->dns = (enum dnsq)f.dns;
	p = async_get_str(p, r->intf);
	p = async_get_str(p, r->opr);
	p = async_get_str(p, r->opt);
	p = async_get_str(p, r->client);
	p = async_get_str(p, r->server);
	p = async_get_str(p, r->detail);
	p = async_get_str(p, r->reply);
	p = async_get_str(p, r->explanation);
	r->has_tls = f.has_tls;
	if (f.has_tls)
		memcpy(&r->tls, p, sizeof(r->tls));
	for (i = 0; i < a->ninner; i++) {
		struct mt_err	e;

		mt_err_clear(&e);
		if (a->inner[i]->rec(a->inner[i], r, &e) != 0)
			async_failed(a, &e);
	}
}

/* The writer: every inner sink's flush; the first failure, or NULL. */
static bool
async_inner_flush(struct async_sink *a, struct mt_err *first)
{
	struct mt_err	e;
	bool		bad = false;
	unsigned	i;

	mt_err_clear(first);
	for (i = 0; i < a->ninner; i++) {
		mt_err_clear(&e);
		if (a->inner[i]->flush != NULL &&
		    a->inner[i]->flush(a->inner[i], &e) != 0 && !bad) {
			bad = true;
			*first = e;
		}
	}
	return bad;
}

/* The writer: a flush of the first ring; the result goes to the waiter. */
static void
async_do_flush(struct async_sink *a)
{
	struct mt_err	first;
	bool		bad;

	bad = async_inner_flush(a, &first);
	pthread_mutex_lock(&a->mu);
	if (!bad && a->failed) {	/* as a direct flush after a failure */
		bad = true;
		first = a->err;
	}
	a->flush_failed = bad;
	a->flush_err = first;
	a->flushes++;
	pthread_cond_signal(&a->m.can_put);
	a->m.put_waits = false;
	pthread_mutex_unlock(&a->mu);
}

/*
 * The writer: a lane's next keyed entry (marks are taken on the way: they
 * raise its bound); NULL when none is published.
 */
static const uint8_t *
lane_head(struct async_lane *l, struct async_key *k)
{
	const uint8_t		*p;
	struct async_hdr	 h;

	while (l->pos < l->end) {
		p = l->r.ring + l->pos % ASYNC_RING;
		memcpy(&h, p, sizeof(h));
		if (h.kind == AK_PAD) {
			l->pos += h.size;
			continue;
		}
		memcpy(k, p + sizeof(h), sizeof(*k));
		if (h.kind == AK_MARK) {
			l->bound = k->key;
			l->pos += h.size;
			continue;
		}
		return p;
	}
	return NULL;
}

/*
 * The writer: hand on the lanes' entries in key order while it is known
 * that nothing less will come (every lane without an entry has a mark
 * above it), or, with drain, all of them.  Returns whether every lane is
 * empty.
 */
static bool
async_merge(struct async_sink *a, bool drain)
{
	struct async_lane	*l, *best;
	struct async_key	 k, bk;
	const uint8_t		*p, *bp;
	struct async_hdr	 h;
	struct async_fix	 f;
	struct mt_err		 e;
	uint32_t		 slot;
	uint64_t		 session;
	unsigned		 i;

	for (;;) {
		best = NULL;
		bp = NULL;
		memset(&bk, 0, sizeof(bk));
		for (i = 0; i < a->nlanes; i++) {
			l = &a->lanes[i];
			if ((p = lane_head(l, &k)) == NULL)
				continue;
			if (best == NULL || k.key < bk.key ||
			    (k.key == bk.key && k.sub < bk.sub)) {
				best = l;
				bp = p;
				bk = k;
			}
		}
		if (best == NULL)
			return true;
		for (i = 0; !drain && i < a->nlanes; i++) {
			l = &a->lanes[i];
			if (l != best && l->pos >= l->end && bk.key >= l->bound)
				return false;	/* it may still send less */
		}
		memcpy(&h, bp, sizeof(h));
		p = bp + sizeof(h) + sizeof(bk);
		switch (h.kind) {
		case AK_REC:
			/* the lane's slot, as the record's session */
			memcpy(&f, p, sizeof(f));
			session = f.session > 0 && f.session <= best->nslots ?
			    best->slot_session[f.session] : 0;
			async_deliver(a, p, session);
			break;
		case AK_SESSION:
			memcpy(&slot, p, sizeof(slot));
			if (slot > 0 && slot <= best->nslots)
				best->slot_session[slot] = ++a->sessions;
			break;
		case AK_FLUSH:
			if (async_inner_flush(a, &e))
				async_failed(a, &e);
			break;
		default:
			break;
		}
		best->pos += h.size;
	}
}

static void *
async_main(void *arg)
{
	struct async_sink	*a = arg;
	uint64_t		 pos = 0, end = 0, gen = 0;
	unsigned		 i;
	bool			 empty = true;

	for (;;) {
		pthread_mutex_lock(&a->mu);
		/* what was consumed is free again */
		a->m.tail = pos;
		if (a->m.put_waits) {
			a->m.put_waits = false;
			pthread_cond_signal(&a->m.can_put);
		}
		for (i = 0; i < a->nlanes; i++) {
			a->lanes[i].r.tail = a->lanes[i].pos;
			if (a->lanes[i].r.put_waits) {
				a->lanes[i].r.put_waits = false;
				pthread_cond_signal(&a->lanes[i].r.can_put);
			}
		}
		/* entries left in a lane wait for another lane's mark */
		a->wait_bound = !empty;
		while (a->gen == gen) {
			a->get_waits = true;
			pthread_cond_wait(&a->can_get, &a->mu);
		}
		gen = a->gen;
		end = a->m.head;
		for (i = 0; i < a->nlanes; i++)
			a->lanes[i].end = a->lanes[i].r.head;
		pthread_mutex_unlock(&a->mu);
		empty = a->nlanes == 0 || async_merge(a, pos < end);
		while (empty && pos < end) {
			const uint8_t		*p = a->m.ring + pos % ASYNC_RING;
			struct async_hdr	 h;

			memcpy(&h, p, sizeof(h));
			switch (h.kind) {
			case AK_REC:
				async_deliver(a, p + sizeof(h), 0);
				break;
			case AK_FLUSH:
				async_do_flush(a);
				break;
			case AK_STOP:
				return NULL;
			default:
				break;
			}
			pos += h.size;
		}
	}
}
