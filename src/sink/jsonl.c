/*
 * SPDX-License-Identifier: BSD-2-Clause
 * jsonl.c - the jsonl sink: a header object, then one JSON object per
 * record, one per line (RFC 8259; strings escaped so the output is always
 * ASCII and valid UTF-8).
 */
#include "sink.h"

#include <inttypes.h>
#include <stdlib.h>

#include "sink_int.h"

struct sink_jsonl {
	struct sink	 base;		/* first: the tracer sees only this */
	FILE		*fp;
	struct sink_hdr	 hdr;
	bool		 started;	/* header line written */
};

static int	jsonl_rec(struct sink *, const struct trace_rec *,
		    struct mt_err *);
static int	jsonl_flush(struct sink *, struct mt_err *);
static void	jsonl_close(struct sink *);
static void	jsonl_header(struct sink_jsonl *);
static void	jsonl_str(FILE *, const char *);
static void	jsonl_kstr(FILE *, const char *, const char *);

struct sink *
sink_jsonl_new(FILE *fp, const struct run_info *ri, struct mt_err *err)
{
	struct sink_jsonl	*j;

	if ((j = calloc(1, sizeof(*j))) == NULL) {
		mt_err_set(err, MT_E_INTERNAL, "jsonl sink: out of memory");
		return NULL;
	}
	if (sink_hdr_init(&j->hdr, ri, err) != 0) {
		free(j);
		return NULL;
	}
	j->base.rec = jsonl_rec;
	j->base.flush = jsonl_flush;
	j->base.close = jsonl_close;
	j->fp = fp;
	return &j->base;
}

/*
 * A JSON string (RFC 8259 section 7): " and \ escaped with a backslash,
 * control bytes, DEL and every byte >= 0x80 as \u00XX of the byte, so
 * that no byte sequence can make the output invalid UTF-8.
 */
static void
jsonl_str(FILE *fp, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*u = (const unsigned char *)s, *run;
	char			 esc[6] = { '\\', 'u', '0', '0', 0, 0 };

	fputc('"', fp);
	for (;;) {
		/* Copy a run of characters that need no escape at once. */
		for (run = u; *u >= 0x20 && *u < 0x7f && *u != '"' &&
		    *u != '\\'; u++)
			;
		if (u > run)
			fwrite(run, 1, (size_t)(u - run), fp);
		if (*u == '\0')
			break;
		if (*u == '"' || *u == '\\') {
			fputc('\\', fp);
			fputc(*u, fp);
		} else {
			esc[4] = hex[*u >> 4];
			esc[5] = hex[*u & 15];
			fwrite(esc, 1, sizeof(esc), fp);
		}
		u++;
	}
	fputc('"', fp);
}

/* ,"key":"value" */
static void
jsonl_kstr(FILE *fp, const char *key, const char *val)
{
	fprintf(fp, ",\"%s\":", key);
	jsonl_str(fp, val);
}

static void
jsonl_header(struct sink_jsonl *j)
{
	if (j->started)
		return;
	j->started = true;
	fprintf(j->fp, "{\"format\":\"mailtrace-jsonl\",\"version\":%d,"
	    "\"run\":%" PRIu64, SINK_JSONL_VERSION, j->hdr.run);
	jsonl_kstr(j->fp, "proto", j->hdr.proto);
	jsonl_kstr(j->fp, "target", j->hdr.target);
	jsonl_kstr(j->fp, "level", j->hdr.level);
	fputs("}\n", j->fp);
}

static int
jsonl_rec(struct sink *s, const struct trace_rec *r, struct mt_err *err)
{
	struct sink_jsonl	*j = (struct sink_jsonl *)s;
	char			 buf[40];
	bool			 anomaly;

	anomaly = sink_is_anomaly(r);
	jsonl_header(j);
	fprintf(j->fp, "{\"run\":%" PRIu64, r->run);
	if (anomaly)
		snprintf(buf, sizeof(buf), "anomaly");
	else
		snprintf(buf, sizeof(buf), "0x%04X", r->event);
	jsonl_kstr(j->fp, "event", buf);
	buf[0] = r->level;
	buf[1] = '\0';
	jsonl_kstr(j->fp, "level", buf);
	fprintf(j->fp, ",\"rc\":%d", r->rc);
	jsonl_kstr(j->fp, "int", r->intf);
	jsonl_kstr(j->fp, "opr", r->opr);
	jsonl_kstr(j->fp, "opt", r->opt);
	mt_time_iso(r->time, buf, sizeof(buf));
	jsonl_kstr(j->fp, "time", buf);
	fprintf(j->fp, ",\"session\":%" PRIu64 ",\"seq\":%" PRIu32, r->session,
	    r->seq);
	jsonl_kstr(j->fp, "client", r->client);
	jsonl_kstr(j->fp, "server", r->server);
	jsonl_kstr(j->fp, "source", r->source == REC_PCAP ? "pcap" : "probe");
	if (r->has_elapsed)
		fprintf(j->fp, ",\"elapsed_us\":%" PRId64, r->elapsed_us);
	if (r->has_bytes) {
		fprintf(j->fp, ",\"bytes\":%" PRIu64, r->bytes);
		mt_time_iso(r->body_end, buf, sizeof(buf));
		jsonl_kstr(j->fp, "body_end", buf);
	}
	if (anomaly)
		jsonl_kstr(j->fp, "anomaly", an_name(r->anomaly));
	if (anomaly || r->detail[0] != '\0')
		jsonl_kstr(j->fp, "detail", r->detail);
	fputs("}\n", j->fp);
	return sink_io_check(j->fp, "jsonl", err);
}

static int
jsonl_flush(struct sink *s, struct mt_err *err)
{
	struct sink_jsonl	*j = (struct sink_jsonl *)s;

	jsonl_header(j);
	return sink_io_flush(j->fp, "jsonl", err);
}

static void
jsonl_close(struct sink *s)
{
	struct sink_jsonl	*j = (struct sink_jsonl *)s;

	if (j == NULL)
		return;
	jsonl_header(j);
	fflush(j->fp);
	sink_hdr_free(&j->hdr);
	free(j);
}
