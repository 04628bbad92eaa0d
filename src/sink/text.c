/*
 * SPDX-License-Identifier: BSD-2-Clause
 * text.c - the text sink: a version header, then one readable line per
 * record, columns separated by two spaces (docs/formats.md).
 */
#include "sink.h"

#include <inttypes.h>
#include <stdlib.h>

#include "sink_int.h"

struct sink_text {
	struct sink	 base;		/* first: the tracer sees only this */
	FILE		*fp;
	struct sink_hdr	 hdr;
	bool		 started;	/* header written */
};

static int	text_rec(struct sink *, const struct trace_rec *,
		    struct mt_err *);
static int	text_flush(struct sink *, struct mt_err *);
static void	text_close(struct sink *);
static void	text_header(struct sink_text *);
static void	text_tls(FILE *, const struct rec_tls *);

struct sink *
sink_text_new(FILE *fp, const struct run_info *ri, struct mt_err *err)
{
	struct sink_text	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		mt_err_set(err, MT_E_INTERNAL, "text sink: out of memory");
		return NULL;
	}
	if (sink_hdr_init(&t->hdr, ri, err) != 0) {
		free(t);
		return NULL;
	}
	t->base.rec = text_rec;
	t->base.flush = text_flush;
	t->base.close = text_close;
	t->fp = fp;
	return &t->base;
}

static void
text_header(struct sink_text *t)
{
	if (t->started)
		return;
	t->started = true;
	fprintf(t->fp, "# mailtrace text %d run=%" PRIu64
	    " proto=%s target=%s level=%s\n", SINK_TEXT_VERSION, t->hdr.run,
	    t->hdr.proto, t->hdr.target, t->hdr.level);
}

static int
text_rec(struct sink *s, const struct trace_rec *r, struct mt_err *err)
{
	struct sink_text	*t = (struct sink_text *)s;
	char			 ts[40];

	text_header(t);
	mt_time_iso(r->time, ts, sizeof(ts));
	fprintf(t->fp, "%s  S%" PRIu64 "#%" PRIu32, ts, r->session, r->seq);
	if (sink_is_anomaly(r)) {
		fprintf(t->fp, "  anomaly  %s", an_name(r->anomaly));
		if (r->detail[0] != '\0')
			fprintf(t->fp, "  %s", r->detail);
	} else {
		fprintf(t->fp, "  0x%04X  %c  rc=%d  %s", r->event,
		    r->level != '\0' ? r->level : '-', r->rc, r->intf);
		if (r->opr[0] != '\0')
			fprintf(t->fp, "  opr=%s", r->opr);
		if (r->opt[0] != '\0')
			fprintf(t->fp, "  opt=%s", r->opt);
		if (r->has_elapsed)
			fprintf(t->fp, "  +%" PRId64 "us", r->elapsed_us);
		if (r->has_bytes)
			fprintf(t->fp, "  bytes=%" PRIu64, r->bytes);
		if (r->reply[0] != '\0')
			fprintf(t->fp, "  reply=\"%s\"", r->reply);
		if (r->detail[0] != '\0')
			fprintf(t->fp, "  detail=%s", r->detail);
		if (r->has_tls)
			text_tls(t->fp, &r->tls);
		if (r->explanation[0] != '\0')
			fprintf(t->fp, "  explanation=\"%s\"", r->explanation);
	}
	fputc('\n', t->fp);
	return sink_io_check(t->fp, "text", err);
}

/* A handshake's facts, after the other fields (docs/formats.md). */
static void
text_tls(FILE *fp, const struct rec_tls *t)
{
	char	nb[40], na[40];

	fprintf(fp, "  tls=\"%s %s%s%s\"", t->version, t->cipher,
	    t->group[0] != '\0' ? " " : "", t->group);
	if (t->connect_us >= 0)
		fprintf(fp, "  connect=+%" PRId64 "us", t->connect_us);
	fprintf(fp, "  handshake=+%" PRId64 "us", t->handshake_us);
	if (t->has_cert) {
		mt_date_iso(t->not_before, nb, sizeof(nb));
		mt_date_iso(t->not_after, na, sizeof(na));
		fprintf(fp, "  cert_subject=\"%s\"  cert_issuer=\"%s\"  "
		    "cert_sans=\"%s\"  cert_serial=%s  cert_not_before=%s  "
		    "cert_not_after=%s  cert_days=%" PRId64 "  chain=%d",
		    t->subject, t->issuer, t->sans, t->serial, nb, na,
		    t->days_left, t->chain_len);
	}
	fprintf(fp, "  verify=\"%s\"", t->verify);
}

static int
text_flush(struct sink *s, struct mt_err *err)
{
	struct sink_text	*t = (struct sink_text *)s;

	text_header(t);
	return sink_io_flush(t->fp, "text", err);
}

static void
text_close(struct sink *s)
{
	struct sink_text	*t = (struct sink_text *)s;

	if (t == NULL)
		return;
	text_header(t);
	fflush(t->fp);
	sink_hdr_free(&t->hdr);
	free(t);
}
