/*
 * serve_int.h - inside the exporter: one probe run for a request.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_SERVE_SERVE_INT_H
#define MT_SERVE_SERVE_INT_H

#include "serve.h"

#define SERVE_CT_PROM	"text/plain; version=0.0.4; charset=utf-8"

/* What one probe answers. */
struct serve_result {
	char		*body;		/* malloc'd; NULL: out of memory */
	size_t		 len;
	bool		 success;	/* mailtrace_probe_success 1 */
	bool		 store_failed;	/* --db did not take the run */
};

/*
 * Run module m's probe against t (parsed and allowed) within limit_ms,
 * on the calling thread, with its own tracer, sinks and mon_run (and its
 * own store connection with --db): the answer is the run's metrics, after
 * the text trace when debug.  Never a secret in the answer.
 */
void	serve_probe(const struct serve_module *m, const struct probe_target *t,
	    int limit_ms, bool debug, const struct serve_conf *,
	    struct serve_result *);

#endif
