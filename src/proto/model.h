/*
 * model.h - what the POP3 and SMTP models share: the "after" record of a
 * pending command, the failure class of a close, anomaly reporting for
 * lines and bodies.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_PROTO_MODEL_H
#define MT_PROTO_MODEL_H

#include "body.h"
#include "conv.h"
#include "lr.h"
#include "pending.h"
#include "verb.h"

/* The failure class open steps get when a conversation ends for why. */
enum mt_ecode	model_close_code(enum close_why);
/*
 * Fill r as the "after" record of p: event p->ev_before + 1, p's int, opr,
 * the reply text (made by model_reply(); NULL: none), rc and its exception
 * class, time t, elapsed since p's "before" point.
 * An elapsed time is never negative: when t is earlier than the command
 * (capture times out of order, clocks apart), tr gets the anomaly
 * reply_before_command and r keeps the command's time, elapsed 0.
 */
void		model_after_rec(struct tracer *tr, const struct pend *p,
		    const char *opr, const char *reply, int rc, mt_time t,
		    struct trace_rec *r);

/* What the first line of a reply is, for model_reply(). */
enum model_reply {
	MR_FINAL,	/* a status: +OK, -ERR, an SMTP code but 334 */
	MR_CHALLENGE,	/* a continuation: POP3 "+", SMTP 334 */
	MR_MALFORMED	/* no status indicator or code at all */
};
/*
 * The reply text of an "after" record (docs/records.md "reply") into dst
 * (sz bytes): text[0..n) is the reply's first line after its status
 * indicator or code and one space (a malformed line: the whole line),
 * escaped as server lines are (mt_show) and cut at MT_REPLY_SHOW octets.
 * Empty for a continuation, whatever it answers: a SASL challenge may
 * echo what the client sent (RFC 4954 4, RFC 5034 4); and empty for a
 * malformed reply to a step of a SASL exchange (sasl), which is no
 * status either.
 */
void		model_reply(char *dst, size_t sz, const char *text, size_t n,
		    enum model_reply kind, bool sasl);
/*
 * Record the oddities of one line (bare LF, NUL, control bytes, over the
 * hard limit, over the RFC limit soft).  what names the line ("USER
 * command"); no line content is shown, as client lines may be secret.
 */
void		model_line_flags(struct tracer *, const struct lr_line *,
		    enum dir, const char *what, uint64_t soft);
/* Record the oddities a finished body collected; what names the body. */
void		model_body_flags(struct tracer *, const struct body *,
		    const char *what, mt_time);

/*
 * An AUTH exchange as an observer follows it (RFC 4954 4, RFC 5034 4): a
 * client line is a response (secret) while the mechanism still owes one,
 * or while a challenge is unanswered; with a mechanism of unknown shape,
 * until the exchange ends.
 */
struct sasl_track {
	bool		 open;
	int		 mech;		/* index in sasl_mechs.def; -1: unknown */
	int		 expect;	/* responses the mechanism makes; -1: unknown */
	int		 resps;		/* responses seen */
	int		 conts;		/* challenges seen */
	bool		 cancelled;	/* the client sent "*": it sends no more */
};

/* The mechanism of sasl_mechs.def named by s[0..n) (any case), or -1. */
int	sasl_mech_find(const char *s, size_t n);
/* AUTH mech (name, its length, with an initial response or not). */
void	sasl_begin(struct sasl_track *, const char *mech, size_t n, bool ir);
/*
 * The int string of the client response sasl_client_line() just counted,
 * named as SMTP names them (EVENTS.md): "SEND USER PASS", "SEND USER",
 * "SEND PASS" or "AUTH DATA".  Never any of the response's content.
 */
const char *sasl_resp_name(const struct sasl_track *);
/*
 * Is the client line text[0..len) a response?  (Counts it when it is.)  A
 * "*" is the client's cancel (RFC 4954 4, RFC 5034 4): a response, after
 * which the client sends none, whatever the server answers.
 */
bool	sasl_client_line(struct sasl_track *, const char *text, size_t len);
/* A reply to the exchange: a challenge keeps it open, anything else ends it. */
void	sasl_reply(struct sasl_track *, bool challenge);

/* What one protocol's keywords look like, for model_command(). */
struct model_verbs {
	const char	*proto;		/* "POP3", "SMTP" */
	size_t		 min, max;	/* a keyword's length */
};

/*
 * A client command line was split into v: write the int string of its
 * "before" record into intf (sz bytes, NUL-terminated) and record what is
 * odd about its verb.  show is the protocol table's VERB_SHOW_* for a verb
 * the protocol knows, -1 for any other verb: that one raises
 * unknown_command and shows no more than cred_verbs.def allows.  A verb
 * that is not a keyword at all (not letters, or not of the protocol's
 * length) shows as "?".  mechs: the SASL mechanisms the server announced,
 * space separated ("" or NULL: none), which VERB_SHOW_MECH may also show.
 */
void	model_command(struct tracer *, const struct model_verbs *,
	    const struct lr_line *, const struct verb_line *, int show,
	    const char *mechs, char *intf, size_t sz);

/* The greeting is awaited: its "before" point ev and a pending entry. */
void	model_greeting(struct tracer *, struct pendq *, int cmd, unsigned ev,
	    mt_time);

/* Bytes of one direction are missing: record it, drop the partial line. */
void		model_gap(struct tracer *, struct lr *, enum dir, uint64_t,
		    mt_time);
/* Append one capability line to a ", " separated list (bounded). */
void		model_keyword_add(char *list, size_t sz, const char *, size_t);

#endif
