/*
 * SPDX-License-Identifier: BSD-2-Clause
 * prf.c - the prf sink: the CSV of the PRF editing command (EVENTS.md,
 * "PRF CSV compatibility"), quoted per RFC 4180 section 2, CRLF rows.
 *
 * The header row identifies the format (version 1); there is no separate
 * version line, because PRF tools expect the header row first.  Anomaly
 * records and DNS lookups are not PRF events and are left out (the PRF
 * Event column holds a catalog id).
 */
#include "sink.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sink_int.h"

#define PRF_HEADER	"PRF,Process,Thread,Trace,ProcessName,Event,Date," \
			"Time,Time(msec/usec/nsec),Rc,ClientAP IP,ClientAP PID," \
			"ClientAP CommNo.,RootAP IP,RootAP PID,RootAP CommNo.," \
			"INT,OPR,OPT,ASCII"
#define PRF_EOL		"\r\n"		/* RFC 4180 section 2, rule 1 */

struct sink_prf {
	struct sink	 base;		/* first: the tracer sees only this */
	FILE		*fp;
	struct sink_hdr	 hdr;
	bool		 started;	/* header row written */
};

static int	prf_rec(struct sink *, const struct trace_rec *,
		    struct mt_err *);
static int	prf_flush(struct sink *, struct mt_err *);
static void	prf_close(struct sink *);
static void	prf_header(struct sink_prf *);
static void	prf_field(FILE *, const char *);
static void	prf_host(char *, size_t, const char *);
static void	prf_hex(char *, size_t, const char *);

struct sink *
sink_prf_new(FILE *fp, const struct run_info *ri, struct mt_err *err)
{
	struct sink_prf	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		mt_err_set(err, MT_E_INTERNAL, "prf sink: out of memory");
		return NULL;
	}
	if (sink_hdr_init(&p->hdr, ri, err) != 0) {
		free(p);
		return NULL;
	}
	p->base.rec = prf_rec;
	p->base.flush = prf_flush;
	p->base.close = prf_close;
	p->fp = fp;
	return &p->base;
}

static void
prf_header(struct sink_prf *p)
{
	if (p->started)
		return;
	p->started = true;
	fputs(PRF_HEADER PRF_EOL, p->fp);
}

/* One field: quoted (with "" for ") when it holds , " CR or LF. */
static void
prf_field(FILE *fp, const char *s)
{
	const char	*c;

	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (c = s; *c != '\0'; c++) {
		if (*c == '"')
			fputc('"', fp);
		fputc(*c, fp);
	}
	fputc('"', fp);
}

/*
 * The address without its port: "127.0.0.1:40312" -> "127.0.0.1",
 * "[::1]:110" -> "::1".  A bare IPv6 address (two or more colons, no
 * brackets) has no port and is kept whole.
 */
static void
prf_host(char *dst, size_t sz, const char *addr)
{
	const char	*end, *colon;
	size_t		 n;

	if (addr[0] == '[' && (end = strchr(addr, ']')) != NULL) {
		addr++;
		n = (size_t)(end - addr);
	} else if ((colon = strchr(addr, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL)
		n = (size_t)(colon - addr);
	else
		n = strlen(addr);
	if (n >= sz)
		n = sz - 1;
	memcpy(dst, addr, n);
	dst[n] = '\0';
}

/* The bytes of s as uppercase hex, no separators. */
static void
prf_hex(char *dst, size_t sz, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 o = 0;

	for (; *u != '\0' && o + 2 < sz; u++) {
		dst[o++] = hex[*u >> 4];
		dst[o++] = hex[*u & 15];
	}
	dst[o] = '\0';
}

static int
prf_rec(struct sink *s, const struct trace_rec *r, struct mt_err *err)
{
	struct sink_prf	*p = (struct sink_prf *)s;
	char		 host[MT_ADDR_HARD];
	char		 hex[2 * MT_FIELD_HARD];
	char		 ascii[MT_FIELD_HARD];
	char		 date[48], hms[48], sub[48];
	struct tm	 tm;
	time_t		 secs;
	long		 us;

	if (sink_is_anomaly(r) || sink_is_dns(r))
		return 0;
	prf_header(p);

	secs = (time_t)(r->time / 1000000);
	us = (long)(r->time % 1000000);
	if (us < 0) {
		us += 1000000;
		secs--;
	}
	if (gmtime_r(&secs, &tm) != NULL) {
		snprintf(date, sizeof(date), "%04d/%02d/%02d",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		snprintf(hms, sizeof(hms), "%02d:%02d:%02d", tm.tm_hour,
		    tm.tm_min, tm.tm_sec);
	} else
		date[0] = hms[0] = '\0';
	snprintf(sub, sizeof(sub), "%03ld/%03ld/000", us / 1000, us % 1000);
	prf_host(host, sizeof(host), r->client);
	prf_hex(hex, sizeof(hex), r->opt);
	mt_copy_printable(ascii, sizeof(ascii), r->opt, strlen(r->opt));

	fprintf(p->fp, "%s,%ld,%" PRIu64 ",%" PRIu32 ",mailtrace,0x%04X,%s,%s,"
	    "%s,%d,", r->rc == 0 ? "Rec" : "ErrRec", p->hdr.pid, r->session,
	    r->seq, r->event, date, hms, sub, r->rc);
	prf_field(p->fp, host);
	fprintf(p->fp, ",%ld,%" PRIu64 ",", p->hdr.pid, r->session);
	prf_field(p->fp, host);
	fprintf(p->fp, ",%ld,%" PRIu64 ",", p->hdr.pid, r->session);
	prf_field(p->fp, r->intf);
	fputc(',', p->fp);
	prf_field(p->fp, r->opr);
	fputc(',', p->fp);
	fputs(hex, p->fp);
	fputc(',', p->fp);
	prf_field(p->fp, ascii);
	fputs(PRF_EOL, p->fp);
	return sink_io_check(p->fp, "prf", err);
}

static int
prf_flush(struct sink *s, struct mt_err *err)
{
	struct sink_prf	*p = (struct sink_prf *)s;

	prf_header(p);
	return sink_io_flush(p->fp, "prf", err);
}

static void
prf_close(struct sink *s)
{
	struct sink_prf	*p = (struct sink_prf *)s;

	if (p == NULL)
		return;
	prf_header(p);
	fflush(p->fp);
	sink_hdr_free(&p->hdr);
	free(p);
}
