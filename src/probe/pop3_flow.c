/*
 * SPDX-License-Identifier: BSD-2-Clause
 * pop3_flow.c - the POP3 probe driver: the JavaMail call order of the PRF
 * catalog (EVENTS.md, "The order of a full POP3 session") over RFC 1939,
 * RFC 2449 CAPA and RFC 2595 STLS.
 */
#include "probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pop3_flow.h"

static int	pop3_session_start(struct flow *, const struct pop3_opts *);
static int	pop3_open(struct flow *);
static int	pop3_fetch(struct flow *, const struct pop3_opts *);
static int	pop3_close(struct flow *, const struct pop3_opts *, bool);
static int	pop3_msg_cmd(struct flow *, const char *, uint64_t,
		    const char *);

/* "VERB n[ suffix]" for one message; fails the step with its int. */
static int
pop3_msg_cmd(struct flow *f, const char *verb, uint64_t n, const char *suffix)
{
	char	what[64];

	if (flow_cmdf(f, "%s %llu%s", verb, (unsigned long long)n, suffix) ==
	    0)
		return 0;
	snprintf(what, sizeof(what), "%s %llu", verb, (unsigned long long)n);
	return flow_step_fail(f, what);
}

/* Greeting, CAPA, STLS and authentication: the inside of Store.connect. */
static int
pop3_session_start(struct flow *f, const struct pop3_opts *o)
{
	const char	*st;
	size_t		 sl;
	int		 rc;

	if ((rc = flow_greeting(f)) != 0)
		return rc;
	if (pop3_greeting_stamp(f->text, f->textlen, &st, &sl) &&
	    sl < sizeof(f->stamp)) {
		memcpy(f->stamp, st, sl);
		f->stamp[sl] = '\0';
	}
	if (flow_cmdf(f, "CAPA") != 0)
		return flow_step_fail(f, "CAPA");
	if (o->c.starttls) {
		if (!conv_pop3_capa(f->cv)->stls) {
			flow_fail(f, MT_E_PROTO, "--stls: the server does not "
			    "offer STLS in its CAPA response");
			return MT_E_PROTO;
		}
		if ((rc = flow_stls(f, "STLS")) != 0)
			return rc;
		/* RFC 2595 4: capabilities may differ under TLS. */
		if (flow_cmdf(f, "CAPA") != 0)
			return flow_step_fail(f, "CAPA");
	}
	return pop3_auth(f);
}

/* Folder.open: STAT. */
static int
pop3_open(struct flow *f)
{
	uint64_t	octets;
	int		rc = 0;
	mt_time		t0 = flow_enter(f, EV_POP3_OPEN_ENTER);

	if (flow_cmdf(f, "STAT") != 0)
		rc = flow_step_fail(f, "STAT");
	else if (!pop3_parse_stat(f->text, f->textlen, &f->count, &octets)) {
		flow_fail(f, MT_E_PROTO, "STAT: cannot read the message count "
		    "in \"+OK %.60s\"", f->text);
		rc = MT_E_PROTO;
	}
	flow_exit(f, EV_POP3_OPEN_EXIT, rc, t0);
	return rc;
}

/* The fetch block (0xAD8A/0xAD8B) and the plain fetches after it. */
static int
pop3_fetch(struct flow *f, const struct pop3_opts *o)
{
	uint64_t	first = 1, last = f->count, i;
	char		suffix[32];
	int		rc = 0;
	mt_time		t0;

	if (o->retr_msg != 0)
		first = last = o->retr_msg;
	t0 = flow_enter(f, EV_POP3_FETCHALL_BEFORE);
	if (o->uidl && flow_cmdf(f, "UIDL") != 0)
		rc = flow_step_fail(f, "UIDL");
	/* Envelope fetches: the size, and the headers when --top 0. */
	for (i = first; rc == 0 && (o->retr || o->top) && i <= last; i++) {
		rc = pop3_msg_cmd(f, "LIST", i, "");
		if (rc == 0 && o->top && o->top_lines == 0)
			rc = pop3_msg_cmd(f, "TOP", i, " 0");
	}
	flow_exit(f, EV_POP3_FETCHALL_AFTER, rc, t0);
	snprintf(suffix, sizeof(suffix), " %llu",
	    (unsigned long long)o->top_lines);
	for (i = first; rc == 0 && i <= last; i++) {
		if (o->top && o->top_lines > 0)
			rc = pop3_msg_cmd(f, "TOP", i, suffix);
		if (rc == 0 && o->retr)
			rc = pop3_msg_cmd(f, "RETR", i, "");
	}
	return rc;
}

/*
 * Folder.close (opened: 0xAD86 .. 0xAD87 around RSET, the DELE block and
 * QUIT), or just QUIT and teardown when the folder never opened.
 */
static int
pop3_close(struct flow *f, const struct pop3_opts *o, bool opened)
{
	uint64_t	first = 1, last = f->count, i;
	int		rc, drc = 0;
	mt_time		t0 = 0, td;

	if (opened)
		t0 = flow_enter(f, EV_POP3_CLOSE_ENTER);
	flow_close_begin(f);
	if (opened && !f->failed && o->rset && flow_cmdf(f, "RSET") != 0)
		(void)flow_step_fail(f, "RSET");
	if (opened && !f->failed && o->dele && f->count > 0) {
		if (o->retr_msg != 0)
			first = last = o->retr_msg;
		td = flow_enter(f, EV_POP3_DELE_BEFORE);
		for (i = first; drc == 0 && i <= last; i++)
			drc = pop3_msg_cmd(f, "DELE", i, "");
		flow_exit(f, EV_POP3_DELE_AFTER, drc, td);
	}
	if (!f->dead && flow_cmdf(f, "QUIT") != 0)
		(void)flow_step_fail(f, "QUIT");
	flow_teardown(f, EV_POP3_TERM_BEFORE);
	rc = f->last_rc;
	if (opened)
		flow_exit(f, EV_POP3_CLOSE_EXIT, rc, t0);
	return rc;
}

/* Store.connect: 0xAD80 .. 0xAD81 (teardown inside when it fails). */
static int
pop3_connect(struct flow *f, const struct pop3_opts *o)
{
	int	rc;
	mt_time	t0 = flow_enter(f, EV_POP3_CONNECT_ENTER);

	rc = flow_connect(f, EV_POP3_FETCH_BEFORE);
	if (rc == 0)
		rc = pop3_session_start(f, o);
	if (rc != 0) {
		/* The server answered in protocol: leave politely. */
		if (f->cv != NULL && !f->dead && conv_pending(f->cv) == 0)
			(void)flow_cmdf(f, "QUIT");
		flow_teardown(f, EV_POP3_TERM_BEFORE);
	}
	flow_exit(f, EV_POP3_CONNECT_EXIT, rc, t0);
	return rc;
}

static int
pop3_result(struct flow *f, struct mt_err *err)
{
	flow_done(f);
	if (f->failed) {
		if (err != NULL)
			*err = f->err;
		return 1;
	}
	return 0;
}

int
probe_pop3(const struct pop3_opts *o, struct tracer *tr, struct mt_err *err)
{
	struct flow	f;
	int		rc;
	bool		opened;

	flow_init(&f, PROTO_POP3, &o->c, tr);
	if (pop3_connect(&f, o) == 0) {
		/* Folder.open; then what was asked; then Folder.close. */
		opened = (rc = pop3_open(&f)) == 0;
		if (rc == 0 && f.count > 0 && (o->retr || o->top || o->uidl))
			rc = pop3_fetch(&f, o);
		if (rc == 0 && o->noop && flow_cmdf(&f, "NOOP") != 0)
			rc = flow_step_fail(&f, "NOOP");
		(void)pop3_close(&f, o, opened);
	}
	return pop3_result(&f, err);
}

/* The UIDL listing of one poll, and whether the TOP being read matched. */
struct find_ctx {
	struct pop3_find	*pf;
	uint64_t		*nums;
	char			(*uids)[POP3_UID_HARD];
	size_t			 n;
	bool			 hit;
	bool			 overflow;
};

static bool
find_seen(const struct pop3_find *pf, const char *uid)
{
	size_t	i;

	for (i = 0; i < pf->nseen; i++)
		if (strcmp(pf->seen[i], uid) == 0)
			return true;
	return false;
}

/* Content lines: "n uid" of UIDL (RFC 1939 7); headers of TOP n 0. */
static void
find_line(void *arg, int cmd, const char *s, size_t n)
{
	static const char	hdr[] = "X-Mailtrace-Token:";
	struct find_ctx		*x = arg;
	const char		*sp, *tok = x->pf->token;
	size_t			 hl = sizeof(hdr) - 1, ul, tl;

	if (cmd == POP3_C_UIDL) {
		sp = memchr(s, ' ', n);
		ul = sp != NULL ? n - (size_t)(sp - s) - 1 : 0;
		if (sp == NULL || ul == 0 || ul >= POP3_UID_HARD)
			return;
		if (x->n == POP3_UIDS_HARD) {
			x->overflow = true;
			return;
		}
		if (!mt_parse_u64(s, (size_t)(sp - s), 1, UINT32_MAX,
		    &x->nums[x->n]))
			return;
		memcpy(x->uids[x->n], sp + 1, ul);
		x->uids[x->n][ul] = '\0';
		x->n++;
	} else if (cmd == POP3_C_TOP && tok != NULL && n > hl &&
	    mt_casecmp_n(s, hdr, hl)) {
		s += hl;
		n -= hl;
		while (n > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			n--;
		}
		tl = strlen(tok);
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n == tl && memcmp(s, tok, tl) == 0)
			x->hit = true;
	}
}

/* The fetch block of a poll: UIDL, then TOP n 0 of each new message. */
static int
find_fetch(struct flow *f, struct find_ctx *x)
{
	struct pop3_find	*pf = x->pf;
	char			 detail[MT_FIELD_HARD];
	size_t			 i;
	int			 rc = 0;
	mt_time			 t0 = flow_enter(f, EV_POP3_FETCHALL_BEFORE);

	detail[0] = '\0';
	if (flow_cmdf(f, "UIDL") != 0)
		rc = flow_step_fail(f, "UIDL");
	for (i = 0; rc == 0 && i < x->n && !pf->found; i++) {
		if (find_seen(pf, x->uids[i]))
			continue;
		if (pf->token != NULL) {
			x->hit = false;
			if ((rc = pop3_msg_cmd(f, "TOP", x->nums[i], " 0")) != 0)
				break;
			pf->checked++;
			if (x->hit) {
				pf->found = true;
				pf->msg = x->nums[i];
				pf->t_found = flow_now(f);
				memcpy(pf->uid, x->uids[i], POP3_UID_HARD);
			}
		}
		if (pf->nseen < POP3_UIDS_HARD)
			memcpy(pf->seen[pf->nseen++], x->uids[i], POP3_UID_HARD);
	}
	if (pf->token == NULL)
		snprintf(detail, sizeof(detail), "baseline: %zu messages",
		    x->n);
	else if (pf->found)
		snprintf(detail, sizeof(detail), "token found in message "
		    "%llu (UID %.70s); delivery latency %lldus", (unsigned long
		    long)pf->msg, pf->uid, (long long)(pf->t_found - pf->t_sent));
	else
		snprintf(detail, sizeof(detail), "token not found; %zu new "
		    "messages checked", pf->checked);
	if (x->overflow && rc == 0)
		snprintf(detail + strlen(detail), sizeof(detail) -
		    strlen(detail), "; UIDL listing over %d entries, the rest "
		    "ignored", POP3_UIDS_HARD);
	flow_exit_detail(f, EV_POP3_FETCHALL_AFTER, rc, t0, detail);
	return rc;
}

int
probe_pop3_find(const struct pop3_opts *o, struct pop3_find *pf,
    struct tracer *tr, struct mt_err *err)
{
	struct flow		 f;
	struct find_ctx		 x;
	struct pop3_opts	 close = *o;
	int			 rc;
	bool			 opened;

	memset(&x, 0, sizeof(x));
	x.pf = pf;
	pf->found = false;
	pf->deleted = false;
	pf->checked = 0;
	if (pf->seen == NULL &&
	    (pf->seen = calloc(POP3_UIDS_HARD, sizeof(*pf->seen))) == NULL)
	{
		mt_err_set(err, MT_E_INTERNAL, "out of memory");
		return 1;
	}
	x.nums = calloc(POP3_UIDS_HARD, sizeof(*x.nums));
	x.uids = calloc(POP3_UIDS_HARD, sizeof(*x.uids));
	if (x.nums == NULL || x.uids == NULL) {
		free(x.nums);
		free(x.uids);
		mt_err_set(err, MT_E_INTERNAL, "out of memory");
		return 1;
	}
	flow_init(&f, PROTO_POP3, &o->c, tr);
	f.line_cb = find_line;
	f.line_arg = &x;
	if (pop3_connect(&f, o) == 0) {
		opened = (rc = pop3_open(&f)) == 0;
		if (rc == 0 && f.count > 0)
			rc = find_fetch(&f, &x);
		/* Folder.close deletes the probe's message, and only it. */
		close.rset = false;
		close.dele = pf->found;
		close.retr_msg = pf->msg;
		if (pop3_close(&f, &close, opened) == 0 && pf->found &&
		    !f.failed)
			pf->deleted = true;
	}
	free(x.nums);
	free(x.uids);
	return pop3_result(&f, err);
}

void
pop3_find_free(struct pop3_find *pf)
{
	free(pf->seen);
	pf->seen = NULL;
	pf->nseen = 0;
}
