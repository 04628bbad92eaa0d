/*
 * sink_int.h - helpers shared by the sink implementations (not public).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_SINK_SINK_INT_H
#define MT_SINK_SINK_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "trace.h"

/* An owned copy of a run_info. */
struct sink_hdr {
	uint64_t	 run;
	char		*proto;
	char		*target;
	char		*level;
	mt_time		 started;
	long		 pid;
};

/* Copy ri (NULL: zeros and "") into h.  MT_E_INTERNAL when out of memory. */
int	sink_hdr_init(struct sink_hdr *h, const struct run_info *ri,
	    struct mt_err *err);
/* Free what sink_hdr_init() allocated; safe on a zeroed sink_hdr. */
void	sink_hdr_free(struct sink_hdr *h);
/*
 * After a batch of writes to fp: 0, or MT_E_INTERNAL in err when fp has
 * its error flag set (what names the format in the message).
 */
int	sink_io_check(FILE *fp, const char *what, struct mt_err *err);
/* fflush(fp), then sink_io_check(). */
int	sink_io_flush(FILE *fp, const char *what, struct mt_err *err);

/* An anomaly record: no catalog event, a named anomaly. */
static inline bool
sink_is_anomaly(const struct trace_rec *r)
{
	return r->event == EV_NONE && r->anomaly != AN_NONE;
}

/* A DNS lookup's record (trace_dns()). */
static inline bool
sink_is_dns(const struct trace_rec *r)
{
	return r->event == EV_NONE && r->anomaly == AN_NONE &&
	    r->dns != DNSQ_NONE;
}

#endif
