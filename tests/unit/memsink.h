/*
 * memsink.h - a sink for tests: renders each record on one canonical line
 * ("0xAD8F A rc=0 RETR 1|+OK|" or "! bad_status detail") into memory.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_TESTS_MEMSINK_H
#define MT_TESTS_MEMSINK_H

#include <stdio.h>
#include <string.h>

#include "trace.h"

struct memsink {
	struct sink	 base;
	char		 out[65536];
	size_t		 len;
};

static int
memsink_rec(struct sink *s, const struct trace_rec *r, struct mt_err *err)
{
	struct memsink	*m = (struct memsink *)s;
	int		 n;

	(void)err;
	if (r->event == 0)
		n = snprintf(m->out + m->len, sizeof(m->out) - m->len,
		    "! %s %s\n", an_name(r->anomaly), r->detail);
	else
		n = snprintf(m->out + m->len, sizeof(m->out) - m->len,
		    "0x%04X %c rc=%d %s|%s|%s%s\n", r->event, r->level, r->rc,
		    r->intf, r->opr, r->opt, r->has_bytes ? " bytes" : "");
	if (n > 0 && (size_t)n < sizeof(m->out) - m->len)
		m->len += (size_t)n;
	return 0;
}

static void
memsink_close(struct sink *s)
{
	(void)s;
}

static void
memsink_init(struct memsink *m)
{
	memset(m, 0, sizeof(*m));
	m->base.rec = memsink_rec;
	m->base.close = memsink_close;
}

#endif
