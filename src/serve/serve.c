/*
 * SPDX-License-Identifier: BSD-2-Clause
 * serve.c - the exporter's HTTP side (libmicrohttpd, a thread per
 * connection): the routes, the bounds, the exporter's own metrics.  One
 * probe is run by probe.c; docs/monitoring.md ("Exporter") describes the
 * endpoints.
 */
#include "serve.h"
#include "serve_int.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "net.h"
#include "wait.h"

#define CT_TEXT		"text/plain; charset=utf-8"

struct serve {
	struct MHD_Daemon	*d;
	struct serve_conf	*conf;
	pthread_mutex_t		 mu;
	unsigned		 in_flight;
	uint64_t		 n_400, n_404, n_405, n_503, n_store;
	char			 bound[300];
};

static enum MHD_Result	on_request(void *, struct MHD_Connection *,
			    const char *, const char *, const char *,
			    const char *, size_t *, void **);
static int		queue(struct MHD_Connection *, unsigned, const char *,
			    char *, size_t);
static int		queue_text(struct MHD_Connection *, unsigned,
			    const char *);
static int		bad(struct serve *, struct MHD_Connection *, unsigned,
			    const char *, ...)
			    __attribute__((format(printf, 4, 5)));
static enum MHD_Result	route_probe(struct serve *, struct MHD_Connection *);
static enum MHD_Result	route_metrics(struct serve *,
			    struct MHD_Connection *);
static int		listen_addr(const char *, struct sockaddr_storage *,
			    socklen_t *, struct mt_err *);
static void		mhd_log(void *, const char *, va_list);

int
serve_time_limit(const char *header, int module_ms)
{
	double		 v;
	char		*end;
	long long	 ms;

	if (module_ms < 0)
		module_ms = MT_MAX_TIME_DEFAULT * 1000;
	if (header == NULL)
		ms = SERVE_SCRAPE_DEFAULT_MS;
	else {
		errno = 0;
		v = strtod(header, &end);
		if (end == header || *end != '\0' || errno != 0 ||
		    !isfinite(v) || v <= 0)
			return -1;
		if (v > MT_MAX_TIME_HARD)
			v = MT_MAX_TIME_HARD;
		ms = (long long)(v * 1000);
	}
	ms -= SERVE_MARGIN_MS;
	if (ms < SERVE_LIMIT_MIN_MS)
		ms = SERVE_LIMIT_MIN_MS;
	if (module_ms > 0 && ms > module_ms)
		ms = module_ms;
	return (int)ms;
}

/* Answer code with body (malloc'd; freed here, also on failure). */
static int
queue(struct MHD_Connection *c, unsigned code, const char *ctype, char *body,
    size_t len)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ok;

	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	ok = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ok;
}

static int
queue_text(struct MHD_Connection *c, unsigned code, const char *text)
{
	size_t	 n = strlen(text);
	char	*b;

	if ((b = malloc(n + 1)) == NULL)
		return MHD_NO;
	memcpy(b, text, n + 1);
	return queue(c, code, CT_TEXT, b, n);
}

/*
 * A request refused: one line of text (printable ASCII: a reason may echo
 * a request's words), counted by its status.
 */
static int
bad(struct serve *s, struct MHD_Connection *c, unsigned code, const char *fmt,
    ...)
{
	va_list	ap;
	char	line[MT_ERR_MSG + 64], shown[sizeof(line) * 4 + 2];
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		line[0] = '\0';
	mt_show(shown, sizeof(shown) - 1, (const uint8_t *)line, strlen(line),
	    strlen(line));
	strcat(shown, "\n");
	pthread_mutex_lock(&s->mu);
	if (code == MHD_HTTP_BAD_REQUEST)
		s->n_400++;
	else if (code == MHD_HTTP_NOT_FOUND)
		s->n_404++;
	else if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		s->n_405++;
	else if (code == MHD_HTTP_SERVICE_UNAVAILABLE)
		s->n_503++;
	pthread_mutex_unlock(&s->mu);
	return queue_text(c, code, shown);
}

static struct serve_module *
find_module(struct serve *s, const char *name)
{
	size_t	i;

	for (i = 0; i < s->conf->nmods; i++)
		if (strcmp(s->conf->mods[i].name, name) == 0)
			return &s->conf->mods[i];
	return NULL;
}

/* The module named, else "default", else the only one. */
static struct serve_module *
pick_module(struct serve *s, const char *name)
{
	struct serve_module	*m;

	if (name != NULL)
		return find_module(s, name);
	if ((m = find_module(s, "default")) != NULL)
		return m;
	return s->conf->nmods == 1 ? &s->conf->mods[0] : NULL;
}

static bool
target_allowed(const struct serve *s, const struct serve_module *m,
    const char *url)
{
	size_t	i;

	if (!s->conf->from_config || s->conf->allow_any)
		return true;
	for (i = 0; i < m->ntargets; i++)
		if (strcmp(m->targets[i], url) == 0)
			return true;
	return false;
}

static enum MHD_Result
route_probe(struct serve *s, struct MHD_Connection *c)
{
	const char		*target, *mname, *dbg, *hdr;
	struct serve_module	*m;
	struct probe_target	 t;
	struct serve_result	 res;
	struct mt_err		 err;
	bool			 debug = false;
	int			 limit, ok;

	target = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
	    "target");
	mname = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
	    "module");
	dbg = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "debug");
	hdr = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "X-Prometheus-Scrape-Timeout-Seconds");
	if (target == NULL || target[0] == '\0')
		return bad(s, c, MHD_HTTP_BAD_REQUEST, "no target: "
		    "/probe?target=URL[&module=NAME][&debug=true]");
	if ((m = pick_module(s, mname)) == NULL) {
		if (mname != NULL)
			return bad(s, c, MHD_HTTP_BAD_REQUEST,
			    "unknown module \"%.64s\"", mname);
		return bad(s, c, MHD_HTTP_BAD_REQUEST, "no module given, and "
		    "none is named default");
	}
	if (dbg != NULL) {
		if (strcmp(dbg, "true") == 0)
			debug = true;
		else if (strcmp(dbg, "false") != 0)
			return bad(s, c, MHD_HTTP_BAD_REQUEST, "debug: "
			    "\"%.16s\" is not true or false", dbg);
	}
	mt_err_clear(&err);
	if (probe_target_parse(&t, target, m->proto == SERVE_POP3 ?
	    &probe_schemes_pop3 : &probe_schemes_smtp, &err) != 0)
		return bad(s, c, MHD_HTTP_BAD_REQUEST, "module %s: %s",
		    m->name, err.msg);
	if (!target_allowed(s, m, t.url))
		return bad(s, c, MHD_HTTP_BAD_REQUEST, "target %s is not "
		    "allowed by module %s", t.url, m->name);
	if (m->c.starttls && t.c.implicit_tls)
		return bad(s, c, MHD_HTTP_BAD_REQUEST, "module %s upgrades "
		    "with %s; %s:// is TLS from the start", m->name,
		    m->proto == SERVE_POP3 ? "STLS" : "STARTTLS", t.scheme);
	if (t.c.user != NULL && m->c.password == NULL)
		return bad(s, c, MHD_HTTP_BAD_REQUEST, "module %s has no "
		    "password for %s (a password file)", m->name, t.url);
	if ((limit = serve_time_limit(hdr, m->c.max_time_ms)) < 0)
		return bad(s, c, MHD_HTTP_BAD_REQUEST, "X-Prometheus-Scrape-"
		    "Timeout-Seconds: \"%.32s\" is not a positive number",
		    hdr);

	pthread_mutex_lock(&s->mu);
	ok = s->in_flight < s->conf->max_probes;
	if (ok)
		s->in_flight++;
	pthread_mutex_unlock(&s->mu);
	if (!ok)
		return bad(s, c, MHD_HTTP_SERVICE_UNAVAILABLE, "busy: %u "
		    "probes in flight (--max-probes)", s->conf->max_probes);

	serve_probe(m, &t, limit, debug, s->conf, &res);

	pthread_mutex_lock(&s->mu);
	s->in_flight--;
	if (res.body != NULL) {
		if (res.success)
			m->n_success++;
		else
			m->n_failure++;
	}
	if (res.store_failed)
		s->n_store++;
	pthread_mutex_unlock(&s->mu);
	if (res.body == NULL)
		return queue_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "the probe's answer could not be made (out of memory)\n");
	return queue(c, MHD_HTTP_OK, SERVE_CT_PROM, res.body, res.len);
}

static enum MHD_Result
route_metrics(struct serve *s, struct MHD_Connection *c)
{
	struct serve_conf	*cf = s->conf;
	char			*buf = NULL;
	size_t			 len = 0, i;
	FILE			*fp;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		return queue_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "out of memory\n");
	fprintf(fp, "# HELP mailtrace_exporter_build_info The exporter's "
	    "version (always 1).\n"
	    "# TYPE mailtrace_exporter_build_info gauge\n"
	    "mailtrace_exporter_build_info{version=\"%s\"} 1\n",
	    cf->version != NULL ? cf->version : "");
	pthread_mutex_lock(&s->mu);
	fputs("# HELP mailtrace_exporter_probes_total Probes run, by module "
	    "and result (success: every step succeeded).\n"
	    "# TYPE mailtrace_exporter_probes_total counter\n", fp);
	for (i = 0; i < cf->nmods; i++)
		fprintf(fp, "mailtrace_exporter_probes_total{module=\"%s\","
		    "result=\"success\"} %" PRIu64 "\n"
		    "mailtrace_exporter_probes_total{module=\"%s\","
		    "result=\"failure\"} %" PRIu64 "\n",
		    cf->mods[i].name, cf->mods[i].n_success,
		    cf->mods[i].name, cf->mods[i].n_failure);
	fprintf(fp, "# HELP mailtrace_exporter_probes_in_flight Probes "
	    "running now.\n"
	    "# TYPE mailtrace_exporter_probes_in_flight gauge\n"
	    "mailtrace_exporter_probes_in_flight %u\n"
	    "# HELP mailtrace_exporter_max_probes Probes at once at most "
	    "(--max-probes); more are answered 503.\n"
	    "# TYPE mailtrace_exporter_max_probes gauge\n"
	    "mailtrace_exporter_max_probes %u\n"
	    "# HELP mailtrace_exporter_request_errors_total Requests "
	    "refused, by HTTP status.\n"
	    "# TYPE mailtrace_exporter_request_errors_total counter\n"
	    "mailtrace_exporter_request_errors_total{code=\"400\"} %" PRIu64
	    "\n"
	    "mailtrace_exporter_request_errors_total{code=\"404\"} %" PRIu64
	    "\n"
	    "mailtrace_exporter_request_errors_total{code=\"405\"} %" PRIu64
	    "\n"
	    "mailtrace_exporter_request_errors_total{code=\"503\"} %" PRIu64
	    "\n"
	    "# HELP mailtrace_exporter_store_errors_total Probe runs the "
	    "store (--db) failed to keep.\n"
	    "# TYPE mailtrace_exporter_store_errors_total counter\n"
	    "mailtrace_exporter_store_errors_total %" PRIu64 "\n",
	    s->in_flight, cf->max_probes, s->n_400, s->n_404, s->n_405,
	    s->n_503, s->n_store);
	pthread_mutex_unlock(&s->mu);
	if (fclose(fp) != 0) {
		free(buf);
		return queue_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "out of memory\n");
	}
	return queue(c, MHD_HTTP_OK, SERVE_CT_PROM, buf, len);
}

/*
 * libmicrohttpd calls this once the headers are in (*ctx NULL), then for
 * each piece of a body, then once more with none.  A GET has no body; one
 * that comes with one is refused at once.
 */
static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **ctx)
{
	static int	 seen;
	struct serve	*s = cls;
	const char	*cl;

	(void)version;
	(void)upload;
	if (*ctx == NULL) {
		*ctx = &seen;
		if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
		    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
			return bad(s, c, MHD_HTTP_METHOD_NOT_ALLOWED,
			    "only GET and HEAD");
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if ((cl != NULL && strcmp(cl, "0") != 0) ||
		    MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL)
			return bad(s, c, MHD_HTTP_BAD_REQUEST,
			    "a request body is refused");
		return MHD_YES;
	}
	if (*upload_size != 0) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(url, "/probe") == 0)
		return route_probe(s, c);
	if (strcmp(url, "/metrics") == 0)
		return route_metrics(s, c);
	return bad(s, c, MHD_HTTP_NOT_FOUND, "not found: /probe?target=URL "
	    "or /metrics");
}

/* ADDR:PORT or [V6]:PORT into a socket address (numeric or a name). */
static int
listen_addr(const char *spec, struct sockaddr_storage *ss, socklen_t *len,
    struct mt_err *err)
{
	struct addrinfo	 hints, *ai;
	char		 host[256];
	const char	*colon, *port;
	size_t		 hl;
	int		 gai;

	if (spec[0] == '[') {
		const char *rb = strchr(spec, ']');

		if (rb == NULL || rb[1] != ':')
			return mt_err_set(err, MT_E_USAGE, "--listen \"%s\": "
			    "not [ADDRESS]:PORT", spec);
		hl = (size_t)(rb - spec - 1);
		colon = rb + 1;
		spec++;
	} else {
		if ((colon = strrchr(spec, ':')) == NULL)
			return mt_err_set(err, MT_E_USAGE, "--listen \"%s\": "
			    "not ADDRESS:PORT", spec);
		hl = (size_t)(colon - spec);
	}
	port = colon + 1;
	if (hl == 0 || hl >= sizeof(host) || port[0] == '\0' ||
	    strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 ||
	    atoi(port) > 65535)
		return mt_err_set(err, MT_E_USAGE, "--listen \"%s\": not "
		    "ADDRESS:PORT (port 0 to 65535)", spec);
	memcpy(host, spec, hl);
	host[hl] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((gai = getaddrinfo(host, port, &hints, &ai)) != 0)
		return mt_err_set(err, MT_E_USAGE, "--listen %s: %s", host,
		    gai_strerror(gai));
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char	line[512], shown[2048];
	size_t	n;

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strcspn(line, "\n");
	mt_show(shown, sizeof(shown), (const uint8_t *)line, n, n);
	fprintf(stderr, "mailtrace: exporter: %s\n", shown);
}

struct serve *
serve_start(struct serve_conf *conf, struct mt_err *err)
{
	struct sockaddr_storage	 ss;
	const union MHD_DaemonInfo *di;
	struct serve		*s;
	socklen_t		 sl = 0;
	char			 host[256];
	unsigned		 flags;

	if (listen_addr(conf->listen, &ss, &sl, err) != 0)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		mt_err_set(err, MT_E_INTERNAL, "out of memory");
		return NULL;
	}
	s->conf = conf;
	pthread_mutex_init(&s->mu, NULL);
	flags = MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)(conf->max_probes + SERVE_CONN_EXTRA),
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SERVE_REQ_MEM,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SERVE_IDLE_S,
	    MHD_OPTION_END);
	if (s->d == NULL) {
		mt_err_set(err, MT_E_USAGE, "--listen %s: cannot listen "
		    "there (in use, or not this host's address)",
		    conf->listen);
		pthread_mutex_destroy(&s->mu);
		free(s);
		return NULL;
	}
	if (getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), NULL,
	    0, NI_NUMERICHOST) != 0)
		snprintf(host, sizeof(host), "?");
	di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	snprintf(s->bound, sizeof(s->bound), ss.ss_family == AF_INET6 ?
	    "[%s]:%u" : "%s:%u", host, di != NULL ? di->port : 0);
	return s;
}

const char *
serve_bound(const struct serve *s)
{
	return s->bound;
}

void
serve_stop(struct serve *s)
{
	if (s == NULL)
		return;
	wait_stop();
	MHD_stop_daemon(s->d);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
