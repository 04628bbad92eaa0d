/*
 * SPDX-License-Identifier: BSD-2-Clause
 * decode_pop3.c - the API-level points of a decoded POP3 session (EVENTS.md;
 * docs/records.md "The decoder", "API points"): connect exit after the
 * authentication result, Folder.open around STAT, the fetch block around
 * envelope fetches (UIDL, LIST n, TOP n 0), the close block from the first
 * of RSET/DELE/QUIT and the DELE block inside it.
 */
#include "decode_int.h"

static void	df_pop3_command(struct dflow *, int, unsigned, mt_time);
static void	df_pop3_step(struct dflow *, const struct step *);
static bool	df_pop3_end(struct dflow *, enum reasm_close, mt_time);
static int	df_stat_rc(const struct step *);

const struct df_proto df_pop3 = {
	.tls_verb = "STLS",
	.tls_cmd = POP3_C_STLS,
	.ev_cmd_after = EV_POP3_CMD_AFTER,
	.implicit = "implicit TLS (POP3S)",
	.ev_connect_enter = EV_POP3_CONNECT_ENTER,
	.ev_connect_exit = EV_POP3_CONNECT_EXIT,
	.ev_fetch_before = EV_POP3_FETCH_BEFORE,
	.ev_close_enter = EV_POP3_CLOSE_ENTER,
	.ev_close_exit = EV_POP3_CLOSE_EXIT,
	.ev_term_before = EV_POP3_TERM_BEFORE,
	.ev_term_after = EV_POP3_TERM_AFTER,
	.command = df_pop3_command,
	.step = df_pop3_step,
	.end = df_pop3_end
};

static void
df_pop3_command(struct dflow *f, int cmd, unsigned ev_before, mt_time t)
{
	bool	envelope = cmd == POP3_C_UIDL ||
		    ((cmd == POP3_C_LIST || cmd == POP3_C_TOP) &&
		    ev_before == EV_POP3_CMD2_BEFORE);

	if (cmd == POP3_C_STAT && f->connect_done && !f->open_in) {
		f->open_in = true;
		f->t_open = t;
		df_point(f, EV_POP3_OPEN_ENTER, 0, t, -1, NULL);
	}
	if (f->block_in && !envelope) {
		f->block_in = false;
		df_point(f, EV_POP3_FETCHALL_AFTER, f->block_rc,
		    df_later(f->t_last, f->t_block), f->t_block, NULL);
	}
	if (envelope && f->open_done && !f->block_in &&
	    !f->close_in) {
		f->block_in = true;
		f->block_rc = 0;
		f->t_block = t;
		df_point(f, EV_POP3_FETCHALL_BEFORE, 0, t, -1, NULL);
	}
	if ((cmd == POP3_C_RSET || cmd == POP3_C_DELE ||
	    cmd == POP3_C_QUIT) && f->open_done && f->open_rc == 0 &&
	    !f->close_in) {
		f->close_in = true;
		f->t_close = t;
		f->last_rc = 0;
		df_point(f, EV_POP3_CLOSE_ENTER, 0, t, -1, NULL);
	}
	if (f->dele_in && cmd != POP3_C_DELE) {
		f->dele_in = false;
		df_point(f, EV_POP3_DELE_AFTER, f->dele_rc,
		    df_later(f->t_last, f->t_dele), f->t_dele, NULL);
	}
	if (cmd == POP3_C_DELE && f->close_in && !f->dele_in) {
		f->dele_in = true;
		f->dele_rc = 0;
		f->t_dele = t;
		df_point(f, EV_POP3_DELE_BEFORE, 0, t, -1, NULL);
	}
}

/*
 * Folder.open's result: STAT's, and MessagingException for a +OK without
 * the message count (RFC 1939 5), which the client cannot go on from.
 */
static int
df_stat_rc(const struct step *s)
{
	uint64_t	count, octets;

	if (s->rc == 0 && !pop3_parse_stat(s->text, s->textlen, &count,
	    &octets))
		return MT_E_PROTO;
	return s->rc;
}

static void
df_pop3_step(struct dflow *f, const struct step *s)
{
	mt_time	t = s->t_after;

	switch (s->cmd) {
	case POP3_C__GREETING:
	case POP3_C_USER:
	case POP3_C_CAPA:
		if (s->rc != 0 && f->connect_rc == 0 && !f->connect_done)
			f->connect_rc = s->rc;
		break;
	case POP3_C_PASS:
	case POP3_C_APOP:
	case POP3_C_AUTH:
	case POP3_C__AUTHDATA:
		f->sasl_open = s->st == POP3_ST_CONT;
		if (s->st == POP3_ST_CONT || f->connect_done)
			break;
		if (s->rc != 0) {
			f->connect_rc = s->rc;
			break;
		}
		if (s->cmd == POP3_C_AUTH && s->st == POP3_ST_OK &&
		    s->multi)
			break;		/* bare AUTH: a mechanism list */
		f->connect_done = true;
		df_point(f, EV_POP3_CONNECT_EXIT, 0, t, f->t_connect,
		    NULL);
		break;
	case POP3_C_STLS:
		if (s->st == POP3_ST_OK)
			df_tls_switch(f, "STLS", t);
		break;
	case POP3_C_STAT:
		if (f->open_in && !f->open_done) {
			f->open_done = true;
			f->open_rc = df_stat_rc(s);
			df_point(f, EV_POP3_OPEN_EXIT, f->open_rc, t,
			    f->t_open, NULL);
		}
		break;
	case POP3_C_DELE:
		if (f->dele_in && s->rc != 0)
			f->dele_rc = s->rc;
		break;
	default:
		break;
	}
}

/*
 * The blocks still open end (after the steps inside them): the fetch
 * block, the DELE block.  Folder.open succeeded: the client would close.
 */
static bool
df_pop3_end(struct dflow *f, enum reasm_close why, mt_time t)
{
	(void)why;
	(void)t;
	if (f->block_in)
		df_point(f, EV_POP3_FETCHALL_AFTER, f->block_rc,
		    df_later(f->t_last, f->t_block), f->t_block, NULL);
	if (f->dele_in)
		df_point(f, EV_POP3_DELE_AFTER, f->dele_rc,
		    df_later(f->t_last, f->t_dele), f->t_dele, NULL);
	return f->open_done && f->open_rc == 0;
}
