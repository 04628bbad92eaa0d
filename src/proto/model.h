/*
 * model.h - what the POP3 and SMTP models share: the core every model is
 * built on (its framers, pending commands and SASL exchange; recording a
 * client command; the TLS switch and the plaintext-after-TLS check; gaps),
 * the "after" record of a pending command, the failure class of a close,
 * anomaly reporting for lines and bodies.  Each protocol keeps only what
 * is its own: which command is the switch and what its reply means, its
 * states, replies and bodies.
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

/* Where a model's bytes go, the same for every protocol. */
enum model_phase {
	MODEL_LINES,		/* read as lines */
	MODEL_TLS_WAIT,		/* the switch was accepted: bytes are TLS
				   (counted) until conv_tls() */
	MODEL_CLOSED		/* the conversation ended: bytes are counted */
};

/*
 * The shared core: the first member of struct pop3 and struct smtp, so
 * that conv.c reaches it the same way for both.
 */
struct model {
	struct conv_env		 env;
	enum model_phase	 phase;
	struct lr		 lr[2];		/* per enum dir */
	struct pendq		 pend;
	struct sasl_track	 sasl;		/* an AUTH exchange */
	uint64_t		 tls_bytes;	/* opaque bytes since the switch
						   or the end */
};

/*
 * Start m at t with env (copied; a body limit of 0 or over MT_BODY_HARD
 * becomes MT_BODY_DEFAULT), empty framers and queue taking memory from
 * env->acct.  Unless env->midstream, the greeting is awaited: its "before"
 * point greet_ev and a pending entry for greet_cmd.  Returns whether it is.
 */
bool	model_init(struct model *, const struct conv_env *, int greet_cmd,
	    unsigned greet_ev, mt_time t);
/* Give back what the framers and the queue hold. */
void	model_free(struct model *);

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

/*
 * Hand the step s of the command p to env.on_step (if any): s has its
 * protocol's fields; cmd and the times are set here, t_after from t, the
 * time the step ended (no earlier than p's).
 */
void	model_step(const struct model *, struct step *s, const struct pend *p,
	    mt_time t);

/* What model_client_line() makes of a client line. */
enum model_cline {
	MC_SKIP,	/* the tail of a cut line: nothing to record */
	MC_SASL,	/* a response of the SASL exchange (secret; counted) */
	MC_COMMAND	/* a command: split it with the protocol's parser */
};
/*
 * A client line l outside a message: p is cleared and gets the line's
 * time; say what the line is (sasl_client_line() decides a response:
 * RFC 4954 4, RFC 5034 4, also one sent early).
 */
enum model_cline model_client_line(struct model *, const struct lr_line *,
	    struct pend *p);
/*
 * The command of l, split into v, into p: its int string (model_command():
 * mechs is the server's SASL list), whether it has an argument; auth: it
 * is the protocol's AUTH, whose argument begins an exchange (sasl_begin():
 * its mechanism, and an initial response after a space).  what (sz bytes)
 * names the line for model_record_command(): "VERB command", or "unknown
 * command" for verb NULL.
 */
void	model_client_command(struct model *, const struct model_verbs *,
	    const struct lr_line *, const struct verb_line *, int show,
	    const char *mechs, bool auth, const char *verb, struct pend *p,
	    char *what, size_t sz);
/*
 * Record the client command p (its cmd, has_arg, ev_before, t_before and
 * intf are set), made from the line l: the line's oddities as what
 * (model_line_flags() with the protocol's soft limit; what NULL: said
 * already, as for the end of a message), the decoder's on_command, the
 * "before" record, then the command awaits its reply (pending_overflow
 * when too many do).
 */
void	model_record_command(struct model *, const struct pend *p,
	    const struct lr_line *l, const char *what, uint64_t soft);

/*
 * The positive reply to the TLS switch (verb: "STLS", "STARTTLS") ended
 * at t with rest more octets of its read after it: from here the bytes are
 * TLS until conv_tls().  RFC 2595 4, RFC 3207 4, CVE-2021-22947: nothing
 * may follow in clear, in either direction; what did (rest, and what the
 * framers hold) is plaintext_after_stls, and STEP_INJECTED is returned for
 * the step's flags (0 otherwise).
 */
unsigned	model_tls_switch(struct model *, const char *verb, uint64_t rest,
		    mt_time t);
/*
 * The handshake after the switch ended (conv_tls(), before the protocol
 * forgets what it learned in clear): what the framers hold is dropped, the
 * opaque count starts again, and the bytes from here (the decrypted
 * stream) are lines again, unless the conversation ended.
 */
void		model_tls(struct model *);

/*
 * Bytes of one direction are missing (conv_gap(), after the protocol's own
 * part): record it, drop the partial line.
 */
void		model_gap(struct model *, enum dir, uint64_t, mt_time);
/* Append one capability line to a ", " separated list (bounded). */
void		model_keyword_add(char *list, size_t sz, const char *, size_t);

#endif
