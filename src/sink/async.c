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
	AK_STOP
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
};

struct async_sink {
	struct sink	 base;		/* first: the tracer sees only this */
	struct sink	*inner[TRACER_SINKS_HARD];
	unsigned	 ninner;
	uint8_t		*ring;
	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 can_put;	/* space freed, or a flush passed */
	pthread_cond_t	 can_get;	/* entries published */
	/* positions count bytes since the start; offset = pos % ASYNC_RING */
	uint64_t	 wpos;		/* written (producer only, no lock) */
	uint64_t	 head;		/* published (producer, under the lock) */
	uint64_t	 tail;		/* consumed (writer, under the lock) */
	uint64_t	 tail_seen;	/* the producer's last look at tail */
	uint64_t	 flushes;	/* flush entries the writer has passed */
	uint64_t	 asked;		/* flush entries the producer has sent */
	bool		 put_waits;
	bool		 get_waits;
	bool		 failed;	/* an inner sink failed: err holds the first */
	struct mt_err	 err;
	bool		 failed_seen;	/* the producer's copies, from a publish */
	struct mt_err	 err_seen;
	bool		 flush_failed;	/* the last flush's result */
	struct mt_err	 flush_err;
	struct trace_rec rec;		/* the writer's unpacked record */
};

static void	*async_main(void *);
static int	 async_rec(struct sink *, const struct trace_rec *,
		    struct mt_err *);
static int	 async_flush(struct sink *, struct mt_err *);
static void	 async_close(struct sink *);

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
	    (a->ring = malloc(ASYNC_RING)) == NULL) {
		free(a);
		mt_err_set(err, MT_E_INTERNAL, "out of memory");
		return NULL;
	}
	memcpy(a->inner, inner, n * sizeof(inner[0]));
	a->ninner = n;
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->can_put, NULL);
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
		pthread_cond_destroy(&a->can_put);
		pthread_mutex_destroy(&a->mu);
		free(a->ring);
		free(a);
		mt_err_set(err, MT_E_INTERNAL, "cannot start the writer thread");
		return NULL;
	}
	a->base.rec = async_rec;
	a->base.flush = async_flush;
	a->base.close = async_close;
	return &a->base;
}

/*
 * Publish everything written (under the lock); wake the writer if it
 * sleeps and enough is waiting, or now when urgent.
 */
static void
async_publish_locked(struct async_sink *a, bool urgent)
{
	a->head = a->wpos;
	if (a->get_waits && (urgent || a->head - a->tail >= ASYNC_WAKE)) {
		a->get_waits = false;
		pthread_cond_signal(&a->can_get);
	}
	a->tail_seen = a->tail;
}

/*
 * Room for an entry of size bytes, contiguous: returns where to write it
 * (after a pad entry when the ring's end is too near).  Blocks while the
 * writer holds the space; takes the lock only when the space last seen
 * free is not enough.
 */
static uint8_t *
async_reserve(struct async_sink *a, size_t size)
{
	size_t	 off = (size_t)(a->wpos % ASYNC_RING);
	size_t	 pad = ASYNC_RING - off < size ? ASYNC_RING - off : 0;
	uint64_t need = a->wpos + pad + size;

	if (need - a->tail_seen > ASYNC_RING) {
		pthread_mutex_lock(&a->mu);
		while (need - a->tail > ASYNC_RING) {
			/* all of it to the writer, awake: never both asleep */
			async_publish_locked(a, true);
			a->put_waits = true;
			pthread_cond_wait(&a->can_put, &a->mu);
		}
		a->tail_seen = a->tail;
		pthread_mutex_unlock(&a->mu);
	}
	if (pad > 0) {
		struct async_hdr h = { (uint32_t)pad, AK_PAD };

		/* A pad is at least 8 bytes: sizes are multiples of 8. */
		memcpy(a->ring + off, &h, sizeof(h));
		a->wpos += pad;
		off = 0;
	}
	return a->ring + off;
}

/*
 * The entry of size bytes at wpos is written: publish it with what came
 * before when a batch is full (or now, when urgent).  Returns whether an
 * inner sink has failed (the first failure in *err, if err), as last seen.
 */
static bool
async_publish(struct async_sink *a, size_t size, bool urgent,
    struct mt_err *err)
{
	a->wpos += size;
	if (!urgent && a->wpos - a->head < ASYNC_BATCH) {
		if (a->failed_seen && err != NULL)
			*err = a->err_seen;
		return a->failed_seen;
	}
	pthread_mutex_lock(&a->mu);
	async_publish_locked(a, urgent);
	a->failed_seen = a->failed;
	if (a->failed_seen)
		a->err_seen = a->err;
	pthread_mutex_unlock(&a->mu);
	if (a->failed_seen && err != NULL)
		*err = a->err_seen;
	return a->failed_seen;
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

#define ASYNC_MAXREC	(sizeof(struct async_hdr) + sizeof(struct async_fix) + \
	8 * sizeof(uint16_t) + 4 * MT_FIELD_HARD + MT_OPR_HARD + \
	2 * MT_ADDR_HARD + MT_EXPLAIN_HARD + sizeof(struct rec_tls))

static int
async_rec(struct sink *sk, const struct trace_rec *r, struct mt_err *err)
{
	struct async_sink	*a = (struct async_sink *)sk;
	struct async_fix	 f;
	struct async_hdr	 h;
	uint8_t			*start, *w;
	size_t			 size;

	start = async_reserve(a, async_round(ASYNC_MAXREC));
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
	w = start + sizeof(h);
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
	size = async_round((size_t)(w - start));
	h.size = (uint32_t)size;
	h.kind = AK_REC;
	memcpy(start, &h, sizeof(h));
	return async_publish(a, size, false, err) ? -1 : 0;
}

/* Send a control entry (flush, stop). */
static void
async_control(struct async_sink *a, enum async_kind kind)
{
	struct async_hdr	 h = { sizeof(h), kind };
	uint8_t			*w = async_reserve(a, sizeof(h));

	memcpy(w, &h, sizeof(h));
	async_publish(a, sizeof(h), true, NULL);
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
		a->put_waits = true;
		pthread_cond_wait(&a->can_put, &a->mu);
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
	pthread_cond_destroy(&a->can_get);
	pthread_cond_destroy(&a->can_put);
	pthread_mutex_destroy(&a->mu);
	free(a->ring);
	free(a);
}

/* The writer: one record to every inner sink, the first failure kept. */
static void
async_deliver(struct async_sink *a, const uint8_t *p)
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
	r->session = f.session;
	r->seq = f.seq;
	r->level = f.level;
	r->has_elapsed = f.has_elapsed;
	r->has_bytes = f.has_bytes;
	r->source = (enum rec_source)f.source;
	r->elapsed_us = f.elapsed_us;
	r->bytes = f.bytes;
	r->body_end = f.body_end;
	r->anomaly = (enum an)f.anomaly;
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
		if (a->inner[i]->rec(a->inner[i], r, &e) != 0) {
			pthread_mutex_lock(&a->mu);
			if (!a->failed) {
				a->failed = true;
				a->err = e;
			}
			pthread_mutex_unlock(&a->mu);
		}
	}
}

/* The writer: every inner sink's flush; the result goes to the waiter. */
static void
async_do_flush(struct async_sink *a)
{
	struct mt_err	e, first;
	bool		bad = false;
	unsigned	i;

	mt_err_clear(&first);
	for (i = 0; i < a->ninner; i++) {
		mt_err_clear(&e);
		if (a->inner[i]->flush != NULL &&
		    a->inner[i]->flush(a->inner[i], &e) != 0 && !bad) {
			bad = true;
			first = e;
		}
	}
	pthread_mutex_lock(&a->mu);
	if (!bad && a->failed) {	/* as a direct flush after a failure */
		bad = true;
		first = a->err;
	}
	a->flush_failed = bad;
	a->flush_err = first;
	a->flushes++;
	pthread_cond_signal(&a->can_put);
	a->put_waits = false;
	pthread_mutex_unlock(&a->mu);
}

static void *
async_main(void *arg)
{
	struct async_sink	*a = arg;
	uint64_t		 pos, end;

	for (;;) {
		pthread_mutex_lock(&a->mu);
		while (a->head == a->tail) {
			a->get_waits = true;
			pthread_cond_wait(&a->can_get, &a->mu);
		}
		pos = a->tail;
		end = a->head;
		pthread_mutex_unlock(&a->mu);
		while (pos < end) {
			const uint8_t		*p = a->ring + pos % ASYNC_RING;
			struct async_hdr	 h;

			memcpy(&h, p, sizeof(h));
			switch (h.kind) {
			case AK_REC:
				async_deliver(a, p + sizeof(h));
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
		pthread_mutex_lock(&a->mu);
		a->tail = pos;
		if (a->put_waits) {
			a->put_waits = false;
			pthread_cond_signal(&a->can_put);
		}
		pthread_mutex_unlock(&a->mu);
	}
}
