/*
 * serve.h - the Prometheus exporter (issue 11, docs/monitoring.md,
 * "Exporter"): an HTTP server (libmicrohttpd, a thread per connection)
 * that runs a probe per /probe request and answers its metrics
 * (mon_prom()), and its own counters on /metrics.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Modules are parsed by the caller (the CLI, with the probe commands' own
 * option code) before serve_start(); nothing here parses options, so no
 * getopt runs on a request's thread.  Each probe has its own tracer,
 * sinks and mon_run.  Dependencies point one way: serve -> probe, mon,
 * sink, store, trace.
 */
#ifndef MT_SERVE_SERVE_H
#define MT_SERVE_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mt.h"
#include "probe.h"
#include "trace.h"

#define SERVE_MODULES_HARD	64	/* modules in a config file */
#define SERVE_TARGETS_HARD	256	/* allowed targets of one module */
#define SERVE_NAME_HARD		64	/* a module's name, with its NUL */
#define SERVE_PROBES_DEFAULT	8	/* --max-probes unset */
#define SERVE_PROBES_HARD	256	/* --max-probes at most */
#define SERVE_CONN_EXTRA	16	/* connections beyond --max-probes, so
					   /metrics and a 503 still answer */
#define SERVE_REQ_MEM		(32 * 1024)	/* a request's header bytes */
#define SERVE_IDLE_S		30	/* an idle connection is closed */
#define SERVE_SCRAPE_DEFAULT_MS	10000	/* no X-Prometheus-Scrape-Timeout-
					   Seconds: Prometheus' default */
#define SERVE_MARGIN_MS		500	/* less than the scrape timeout */
#define SERVE_LIMIT_MIN_MS	100	/* a probe's time limit at least */
#define SERVE_DEFAULT_LISTEN	"127.0.0.1:9925"

enum serve_proto {
	SERVE_POP3,
	SERVE_SMTP
};

/* One module: a protocol and a probe's options, parsed at start-up. */
struct serve_module {
	char		 name[SERVE_NAME_HARD];
	enum serve_proto proto;
	enum level	 level;
	/*
	 * The connection settings (auth, STLS/STARTTLS, cafile, insecure,
	 * timeouts, --max-time, --max-body, the password): host, port,
	 * user and implicit TLS come from each request's target.
	 */
	struct probe_conn c;
	struct pop3_opts pop3;		/* the POP3 options (c unused) */
	struct smtp_opts smtp;		/* the SMTP options (c unused); msg
					   NULL: a fresh test message each
					   probe */
	/* the allowed targets, normalised (probe_target's url) */
	char		(*targets)[600];
	size_t		 ntargets;
	/* counted by the server */
	uint64_t	 n_success, n_failure;
};

struct serve_conf {
	const char		*listen;	/* ADDR:PORT, [V6]:PORT; port 0:
						   any free one */
	struct serve_module	*mods;
	size_t			 nmods;
	bool			 from_config;	/* --config: targets checked */
	bool			 allow_any;	/* --allow-any-target */
	unsigned		 max_probes;
	const char		*db;		/* NULL: probes are not stored */
	const char		*version;	/* build_info's label */
};

struct serve;

/*
 * Bind conf->listen and start serving on libmicrohttpd's threads.  conf
 * and its modules must outlive the server.  SIGINT and SIGTERM should be
 * blocked in the caller (the threads inherit its mask) and wait_stop_init()
 * called.  NULL with err filled (MT_E_USAGE: a bad address, or
 * it cannot be bound).
 */
struct serve	*serve_start(struct serve_conf *, struct mt_err *);
/* The address and port bound ("127.0.0.1:9925"), for the log line. */
const char	*serve_bound(const struct serve *);
/*
 * Stop: no new connection is accepted, the probes in flight are stopped
 * (wait_stop(): each answers as failed at once), every connection thread
 * is joined, and the server is freed.
 */
void		 serve_stop(struct serve *);

/*
 * The probe's time limit for a scrape timeout header (NULL: none) and the
 * module's own limit (probe_conn.max_time_ms: -1 unset, 0 none), in ms:
 * the header less SERVE_MARGIN_MS, at least SERVE_LIMIT_MIN_MS, never
 * more than the module's.  -1 when the header is not a positive number.
 */
int		 serve_time_limit(const char *header, int module_ms);

#endif
