/*
 * SPDX-License-Identifier: BSD-2-Clause
 * jsonl.c - the jsonl sink: one JSON object per record, one per line
 * (RFC 8259; strings escaped so the output is always ASCII and valid
 * UTF-8).  There is no header line: every line is a record with the
 * documented keys, so tools that read each line as a record (jq, pandas, log
 * shippers) need no special case; the run's description is in the store.
 */
#include "sink.h"

#include <stdlib.h>
#include <string.h>

#include "sink_int.h"

/*
 * A record's line is built here and written once.  Its size bounds the
 * worst case: every string field of a record (at most 14, each shorter
 * than MT_FIELD_HARD) escaped at 6 bytes a character, plus the keys and
 * numbers, plus a handshake's facts (TRACE_TLS_JSON_MAX).  jb_kstr()
 * checks the room for each.
 */
#define JB_SIZE		(16 * (32 + 6 * MT_FIELD_HARD) + TRACE_TLS_JSON_MAX)

struct jbuf {
	char	b[JB_SIZE];
	size_t	n;
};

struct sink_jsonl {
	struct sink	 base;		/* first: the tracer sees only this */
	FILE		*fp;
	struct jbuf	 jb;		/* the record being built */
};

static int	jsonl_rec(struct sink *, const struct trace_rec *,
		    struct mt_err *);
static int	jsonl_flush(struct sink *, struct mt_err *);
static void	jsonl_close(struct sink *);

static void
jb_mem(struct jbuf *b, const char *s, size_t n)
{
	if (n > sizeof(b->b) - b->n)
		n = sizeof(b->b) - b->n;	/* cannot happen: see JB_SIZE */
	memcpy(b->b + b->n, s, n);
	b->n += n;
}

static void
jb_raw(struct jbuf *b, const char *s)
{
	jb_mem(b, s, strlen(s));
}

static void
jb_u64(struct jbuf *b, uint64_t v)
{
	char	d[24];
	size_t	i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	jb_mem(b, d + i, sizeof(d) - i);
}

static void
jb_i64(struct jbuf *b, int64_t v)
{
	if (v < 0) {
		jb_mem(b, "-", 1);
		jb_u64(b, (uint64_t)0 - (uint64_t)v);
	} else
		jb_u64(b, (uint64_t)v);
}

/*
 * ,"key":"escaped value" (mt_json_esc()).  key is short; the buffer has room for
 * a record's worst case (JB_SIZE).
 */
static void
jb_kstr(struct jbuf *b, const char *key, const char *val)
{
	size_t			 klen = strlen(key), vlen = strlen(val);
	char			*w;

	if (klen > 16 || sizeof(b->b) - b->n < klen + 8 + 6 * vlen)
		return;			/* cannot happen: see JB_SIZE */
	w = b->b + b->n;
	*w++ = ',';
	*w++ = '"';
	memcpy(w, key, klen);
	w += klen;
	*w++ = '"';
	*w++ = ':';
	*w++ = '"';
	w += mt_json_esc(w, val, vlen);
	*w++ = '"';
	b->n = (size_t)(w - b->b);
}

/* ri is not used: each record carries its run id, the store the rest. */
struct sink *
sink_jsonl_new(FILE *fp, const struct run_info *ri, struct mt_err *err)
{
	struct sink_jsonl	*j;

	(void)ri;
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		mt_err_set(err, MT_E_INTERNAL, "jsonl sink: out of memory");
		return NULL;
	}
	j->base.rec = jsonl_rec;
	j->base.flush = jsonl_flush;
	j->base.close = jsonl_close;
	j->fp = fp;
	return &j->base;
}

static int
jsonl_rec(struct sink *s, const struct trace_rec *r, struct mt_err *err)
{
	struct sink_jsonl	*j = (struct sink_jsonl *)s;
	struct jbuf		*b = &j->jb;
	char			 buf[40];
	bool			 anomaly;

	anomaly = sink_is_anomaly(r);
	/* The whole line in one buffer, one write: records are many. */
	b->n = 0;
	jb_raw(b, "{\"run\":");
	jb_u64(b, r->run);
	if (anomaly)
		jb_kstr(b, "event", "anomaly");
	else {
		static const char	hex[] = "0123456789ABCDEF";
		unsigned		e = r->event;

		if (e > 0xFFFF)		/* not in the catalog: as printf would */
			snprintf(buf, sizeof(buf), "0x%04X", e);
		else {
			buf[0] = '0';
			buf[1] = 'x';
			buf[2] = hex[e >> 12 & 15];
			buf[3] = hex[e >> 8 & 15];
			buf[4] = hex[e >> 4 & 15];
			buf[5] = hex[e & 15];
			buf[6] = '\0';
		}
		jb_kstr(b, "event", buf);
	}
	buf[0] = r->level;
	buf[1] = '\0';
	jb_kstr(b, "level", buf);
	jb_raw(b, ",\"rc\":");
	jb_i64(b, r->rc);
	jb_kstr(b, "int", r->intf);
	jb_kstr(b, "opr", r->opr);
	jb_kstr(b, "opt", r->opt);
	mt_time_iso(r->time, buf, sizeof(buf));
	jb_kstr(b, "time", buf);
	jb_raw(b, ",\"session\":");
	jb_u64(b, r->session);
	jb_raw(b, ",\"seq\":");
	jb_u64(b, r->seq);
	jb_kstr(b, "client", r->client);
	jb_kstr(b, "server", r->server);
	jb_kstr(b, "source", r->source == REC_PCAP ? "pcap" : "probe");
	if (r->has_elapsed) {
		jb_raw(b, ",\"elapsed_us\":");
		jb_i64(b, r->elapsed_us);
	}
	if (r->has_bytes) {
		jb_raw(b, ",\"bytes\":");
		jb_u64(b, r->bytes);
		mt_time_iso(r->body_end, buf, sizeof(buf));
		jb_kstr(b, "body_end", buf);
	}
	if (r->reply[0] != '\0')
		jb_kstr(b, "reply", r->reply);
	if (r->explanation[0] != '\0')
		jb_kstr(b, "explanation", r->explanation);
	if (anomaly)
		jb_kstr(b, "anomaly", an_name(r->anomaly));
	if (anomaly || r->detail[0] != '\0')
		jb_kstr(b, "detail", r->detail);
	if (r->has_tls && sizeof(b->b) - b->n >= TRACE_TLS_JSON_MAX + 2)
		b->n += trace_tls_json(b->b + b->n, &r->tls);
	jb_raw(b, "}\n");
	fwrite(b->b, 1, b->n, j->fp);
	return sink_io_check(j->fp, "jsonl", err);
}

static int
jsonl_flush(struct sink *s, struct mt_err *err)
{
	struct sink_jsonl	*j = (struct sink_jsonl *)s;

	return sink_io_flush(j->fp, "jsonl", err);
}

static void
jsonl_close(struct sink *s)
{
	struct sink_jsonl	*j = (struct sink_jsonl *)s;

	if (j == NULL)
		return;
	fflush(j->fp);
	free(j);
}
