/*
 * otlp.h - a run's records as OpenTelemetry traces over OTLP/HTTP
 * (docs/otlp.md): one trace per session, a root span for the session, a
 * child span for each API-level block and each step, sent as OTLP JSON
 * (opentelemetry-proto's JSON mapping: hex ids, nanoseconds as strings)
 * to URL's /v1/traces when the run ends.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Only record fields go out, and records never hold a secret (the model
 * masks them), so neither can the export.  Bounds: a run keeps at most
 * OTLP_RECS_HARD records, and all runs of the process together at most
 * OTLP_BYTES_TOTAL bytes of them; past either, records are counted as
 * dropped (the session's root span says how many).  The export waits
 * through the wait door (loop/wait.h: a batch's other sessions go on),
 * and takes at most timeout_ms in all, retries included.
 */
#ifndef MT_OTLP_OTLP_H
#define MT_OTLP_OTLP_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

#define OTLP_RECS_HARD		8192		/* records one run exports */
#define OTLP_BYTES_TOTAL	(64u << 20)	/* held by all runs at once */
#define OTLP_URL_HARD		2048

struct otlp_conf {
	const char	*url;		/* http(s)://HOST[:PORT][/PATH]; a URL
					   without a path gets /v1/traces */
	int		 timeout_ms;	/* the whole export, retries included */
	/* a failed export, said once (the run itself is not failed) */
	void		(*warn)(void *, const char *msg);
	void		*warn_arg;
};

/*
 * Check an --otlp URL: http:// or https://, a host, no user or password,
 * at most OTLP_URL_HARD bytes.  0, or -1 with why in err.
 */
int		 otlp_url_check(const char *url, struct mt_err *err);

/*
 * A sink that keeps the run's records and exports them when closed.  ri
 * (proto, target, run id) is copied; conf's strings must outlive the
 * sink.  NULL (err says why) when out of memory.
 */
struct sink	*otlp_sink_new(const struct otlp_conf *, const struct run_info *,
		    struct mt_err *);

/* --- the parts, for the sink and the tests ------------------------- */

/* One record as the export keeps it. */
struct otlp_rec {
	unsigned	 event;
	char		 level;
	int		 rc;
	uint64_t	 session;
	uint32_t	 seq;
	mt_time		 time;
	int64_t		 elapsed_us;	/* -1: none */
	enum an		 anomaly;
	enum dnsq	 dns;
	char		*intf, *opr, *opt, *server, *reply, *detail, *expl;
};

/*
 * The OTLP JSON (ExportTraceServiceRequest) of n records of one run
 * (in the order they were made), dropped of them not kept: a malloc'd
 * NUL-terminated string, or NULL when out of memory.  rnd fills ids
 * (NULL: OpenSSL's RAND_bytes).
 */
char		*otlp_json(const struct run_info *, const struct otlp_rec *,
		    size_t n, size_t dropped,
		    int (*rnd)(unsigned char *, int));

/*
 * POST body (JSON) to url within timeout_ms, retrying 429, 502, 503 and
 * 504 with a growing pause (or the server's Retry-After) while time is
 * left.  0, or -1 with why in err ("HTTP 400 ...", a connection error, a
 * timeout).
 */
int		 otlp_post(const char *url, const char *body, int timeout_ms,
		    struct mt_err *err);

#endif
