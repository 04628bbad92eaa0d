/*
 * SPDX-License-Identifier: BSD-2-Clause
 * decode_smtp.c - the API-level points of a decoded SMTP session (EVENTS.md;
 * docs/records.md "The decoder", "API points"): connect exit after AUTH or
 * before MAIL, sendMessage from MAIL to the end-of-data reply, the
 * recipient block (its end with the last RCPT reply when pipelined, RFC
 * 2920), the mail block after DATA's 354, the close entry at QUIT.
 */
#include "decode_int.h"

static void	df_smtp_command(struct dflow *, int, unsigned, mt_time);
static void	df_smtp_step(struct dflow *, const struct step *);
static bool	df_smtp_end(struct dflow *, enum reasm_close, mt_time);

const struct df_proto df_smtp = {
	.tls_verb = "STARTTLS",
	.tls_cmd = SMTP_C_STARTTLS,
	.ev_cmd_after = EV_SMTP_CMD_AFTER,
	.implicit = "implicit TLS (SMTPS)",
	.ev_connect_enter = EV_SMTP_CONNECT_ENTER,
	.ev_connect_exit = EV_SMTP_CONNECT_EXIT,
	.ev_fetch_before = EV_SMTP_FETCH_BEFORE,
	.ev_close_enter = EV_SMTP_CLOSE_ENTER,
	.ev_close_exit = EV_SMTP_CLOSE_EXIT,
	.ev_term_before = EV_SMTP_TERM_BEFORE,
	.ev_term_after = EV_SMTP_TERM_AFTER,
	.command = df_smtp_command,
	.step = df_smtp_step,
	.end = df_smtp_end
};

static void
df_smtp_command(struct dflow *f, int cmd, unsigned ev_before, mt_time t)
{
	(void)ev_before;
	if (cmd == SMTP_C_MAIL && !f->connect_done && f->connect_rc == 0) {
		f->connect_done = true;
		df_point(f, EV_SMTP_CONNECT_EXIT, 0, t, f->t_connect, NULL);
	}
	if (f->block_in && cmd != SMTP_C_RCPT && !f->block_closing) {
		/* Pipelined (RFC 2920): the block ends with its last reply. */
		if (f->rcpt_pending > 0)
			f->block_closing = true;
		else {
			f->block_in = false;
			df_point(f, EV_SMTP_RCPT_AFTER, f->block_rc,
			    df_later(f->t_last, f->t_block), f->t_block, NULL);
		}
	}
	if (cmd == SMTP_C_RCPT)
		f->rcpt_pending++;
	if (cmd == SMTP_C_MAIL && !f->send_in) {
		f->send_in = true;
		f->send_rc = 0;
		f->t_send = t;
		df_point(f, EV_SMTP_SEND_ENTER, 0, t, -1, NULL);
	}
	if (cmd == SMTP_C_RCPT && f->send_in && !f->block_in) {
		f->block_closing = false;
		f->block_in = true;
		f->block_rc = 0;
		f->t_block = t;
		df_point(f, EV_SMTP_RCPT_BEFORE, 0, t, -1, NULL);
	}
	if (cmd == SMTP_C_QUIT) {
		if (f->send_in) {
			f->send_in = false;
			df_point(f, EV_SMTP_SEND_EXIT, f->send_rc,
			    df_later(f->t_last, f->t_send), f->t_send, NULL);
		}
		if (f->connect_done && f->connect_rc == 0 && !f->close_in) {
			f->close_in = true;
			f->t_close = t;
			f->last_rc = 0;
			df_point(f, EV_SMTP_CLOSE_ENTER, 0, t, -1, NULL);
		}
	}
}

static void
df_smtp_step(struct dflow *f, const struct step *s)
{
	mt_time	t = s->t_after;

	switch (s->cmd) {
	case SMTP_C__GREETING:
	case SMTP_C_EHLO:
	case SMTP_C_HELO:
		if (s->rc != 0 && f->connect_rc == 0 && !f->connect_done)
			f->connect_rc = s->rc;
		break;
	case SMTP_C_STARTTLS:
		if (s->code == 220)
			df_tls_switch(f, "STARTTLS", t);
		else if (s->rc != 0 && f->connect_rc == 0)
			f->connect_rc = s->rc;
		break;
	case SMTP_C_AUTH:
	case SMTP_C__AUTHDATA:
		f->sasl_open = s->code == 334;
		if (s->code == 334 || f->connect_done)
			break;
		if (s->rc != 0) {
			f->connect_rc = s->rc;
			break;
		}
		f->connect_done = true;
		df_point(f, EV_SMTP_CONNECT_EXIT, 0, t, f->t_connect, NULL);
		break;
	case SMTP_C_MAIL:
	case SMTP_C_DATA:
	case SMTP_C_BDAT:
		if (s->cmd == SMTP_C_DATA && s->code == 354) {
			f->mail_in = true;
			f->t_mail = t;
			df_point(f, EV_SMTP_MAIL_BEFORE, 0, t, -1, "SEND MAIL");
		}
		break;
	case SMTP_C_RCPT:
		if (f->rcpt_pending > 0)
			f->rcpt_pending--;
		if (f->block_closing && f->rcpt_pending == 0) {
			f->block_closing = false;
			f->block_in = false;
			df_point(f, EV_SMTP_RCPT_AFTER, f->block_rc, t,
			    f->t_block, NULL);
		}
		break;
	case SMTP_C__DOT:
		if (f->mail_in) {
			f->mail_in = false;
			df_point(f, EV_SMTP_MAIL_AFTER, s->rc, t, f->t_mail,
			    "SEND MAIL");
		}
		if (f->send_in) {
			f->send_in = false;
			df_point(f, EV_SMTP_SEND_EXIT, f->send_rc, t, f->t_send,
			    NULL);
		}
		break;
	default:
		break;
	}
}

/*
 * The blocks still open end (after the steps inside them): the recipient
 * block, a message cut in its middle, sendMessage.  The connect exit came
 * without a failure: the client would close.
 */
static bool
df_smtp_end(struct dflow *f, enum reasm_close why, mt_time t)
{
	int	rc;

	if (f->block_in)
		df_point(f, EV_SMTP_RCPT_AFTER, f->block_rc,
		    df_later(f->t_last, f->t_block), f->t_block, NULL);
	if (f->mail_in) {
		/* The message was cut: the client was writing it, so a reset
		 * fails it as a reset, after the server's FIN too (EPIPE). */
		rc = why == REASM_RST ? MT_E_IO : MT_E_EOF;
		f->last_rc = f->send_rc = rc;
		df_point(f, EV_SMTP_MAIL_AFTER, rc, t, f->t_mail, "SEND MAIL");
	}
	if (f->send_in)
		df_point(f, EV_SMTP_SEND_EXIT, f->send_rc, t, f->t_send, NULL);
	return f->connect_done && f->connect_rc == 0;
}
