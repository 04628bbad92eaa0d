/*
 * flow.h - the probe's POP3 driver state, shared by pop3_flow.c and
 * pop3_auth.c.  The model (proto/) observes; the driver only decides what to
 * send next, and sends through flow_send(), which shows the bytes to the
 * model first.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_PROBE_FLOW_H
#define MT_PROBE_FLOW_H

#include "conv.h"
#include "net.h"
#include "probe.h"

struct flow {
	const struct pop3_opts	*o;
	struct tracer		*tr;
	struct net		*net;
	struct conv		*cv;
	int			 ct;		/* effective timeouts, ms */
	int			 rt;
	int64_t			 wall0;		/* clock anchor */
	int64_t			 mono0;
	/* the last completed step */
	bool			 got;
	struct step		 st;
	char			 text[MT_FIELD_HARD];	/* its status text */
	size_t			 textlen;
	/* session */
	bool			 dead;		/* no more bytes can be exchanged */
	bool			 failed;
	struct mt_err		 err;		/* the first failure */
	char			 stamp[MT_FIELD_HARD];	/* APOP timestamp */
	uint64_t		 count;		/* STAT */
};

mt_time	flow_now(const struct flow *);
/* Record the first failure of the session (later ones are in the trace). */
void	flow_fail(struct flow *, enum mt_ecode, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/*
 * Show a command line (without CRLF) to the model, send it and wait for the
 * step it completes.  Returns the step's rc (0 on success).  When secret is
 * true the line is wiped after sending.
 */
int	flow_cmd(struct flow *, char *line, size_t len, bool secret);
/* flow_cmd() of a formatted line that holds no secret. */
int	flow_cmdf(struct flow *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Authenticate as asked; 0 on success. */
int	flow_auth(struct flow *);

#endif
