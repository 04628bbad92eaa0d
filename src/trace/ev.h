/*
 * ev.h - the event catalog and the anomaly table, as C, from events/.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_TRACE_EV_H
#define MT_TRACE_EV_H

#include <stdbool.h>
#include <stddef.h>

enum ev {
	EV_NONE = 0,		/* an anomaly record carries no catalog event */
#define EV(id, lvl, name, conf, point)	EV_##name = id,
#include "mail.def"
#undef EV
};

enum an {
	AN_NONE = 0,
#define AN(name, wire, desc)	AN_##name,
#include "anomalies.def"
#undef AN
	AN__COUNT
};

/* DNS lookups (events/dns.def): the query type, and the answer. */
enum dnsq {
	DNSQ_NONE = 0,		/* not a DNS record */
#define DNSQ(name, type, desc)	DNSQ_##name,
#include "dns.def"
#undef DNSQ
	DNSQ__COUNT
};

enum dnss {
#define DNSS(name, desc)	DNSS_##name,
#include "dns.def"
#undef DNSS
	DNSS__COUNT
};

struct ev_info {
	unsigned	 id;
	char		 level;		/* 'A' or 'B' */
	const char	*name;		/* "POP3_CMD_BEFORE" */
	bool		 confirmed;	/* from the public catalog */
	const char	*point;		/* the collection point */
};

/* The catalog in file order; n gets the count. */
const struct ev_info	*ev_catalog(size_t *n);
/* The entry for an id, or NULL. */
const struct ev_info	*ev_lookup(unsigned id);
/* The anomaly's wire name ("bare_lf") and description; "" for AN_NONE. */
const char		*an_name(enum an);
const char		*an_desc(enum an);
/* Look an anomaly up by wire name; AN_NONE when unknown. */
enum an			 an_by_name(const char *);

/* A query type's name ("MX"), RR type number and description; "" / 0 for
 * DNSQ_NONE.  dnsq_by_name(): DNSQ_NONE when unknown. */
const char		*dnsq_name(enum dnsq);
int			 dnsq_type(enum dnsq);
const char		*dnsq_desc(enum dnsq);
enum dnsq		 dnsq_by_name(const char *);
/* An answer's word ("NXDOMAIN") and description. */
const char		*dnss_name(enum dnss);
const char		*dnss_desc(enum dnss);

#endif
