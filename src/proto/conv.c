/*
 * SPDX-License-Identifier: BSD-2-Clause
 * conv.c - the door into the protocol model: the shared core (model.h)
 * where the two protocols are one, the POP3 or the SMTP model for what is
 * each one's own.
 */
#include "conv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pop3.h"
#include "smtp.h"

struct conv {
	enum proto	proto;
	union {
		struct pop3	pop3;
		struct smtp	smtp;
	} m;
};

static const struct pop3_capa	no_capa;
static const struct smtp_ehlo	no_ehlo;

/* Both models begin with their core (pop3.h, smtp.h). */
static struct model *
conv_core(struct conv *cv)
{
	return cv->proto == PROTO_POP3 ? &cv->m.pop3.core : &cv->m.smtp.core;
}

static const struct model *
conv_core_c(const struct conv *cv)
{
	return cv->proto == PROTO_POP3 ? &cv->m.pop3.core : &cv->m.smtp.core;
}

struct conv *
conv_new(enum proto proto, const struct conv_env *env, mt_time t,
    struct mt_err *err)
{
	struct conv	*cv;

	if ((cv = calloc(1, sizeof(*cv))) == NULL) {
		mt_err_set(err, MT_E_INTERNAL, "out of memory");
		return NULL;
	}
	cv->proto = proto;
	if (proto == PROTO_POP3)
		pop3_init(&cv->m.pop3, env, t);
	else
		smtp_init(&cv->m.smtp, env, t);
	return cv;
}

void
conv_bytes(struct conv *cv, enum dir d, const uint8_t *p, size_t n, mt_time t)
{
	if (cv->proto == PROTO_POP3)
		pop3_bytes(&cv->m.pop3, d, p, n, t);
	else
		smtp_bytes(&cv->m.smtp, d, p, n, t);
}

void
conv_gap(struct conv *cv, enum dir d, uint64_t nbytes, mt_time t)
{
	if (cv->proto == PROTO_POP3)
		pop3_gap(&cv->m.pop3, d, nbytes, t);
	else
		smtp_gap(&cv->m.smtp, d, nbytes, t);
	model_gap(conv_core(cv), d, nbytes, t);
}

void
conv_tls(struct conv *cv, mt_time t)
{
	model_tls(conv_core(cv));
	if (cv->proto == PROTO_POP3)
		pop3_tls(&cv->m.pop3, t);
	else
		smtp_tls(&cv->m.smtp, t);
}

void
conv_close(struct conv *cv, enum close_why why, mt_time t)
{
	struct model	*m = conv_core(cv);

	if (m->phase == MODEL_CLOSED)
		return;
	if (cv->proto == PROTO_POP3)
		pop3_close(&cv->m.pop3, why, t);
	else
		smtp_close(&cv->m.smtp, why, t);
	m->phase = MODEL_CLOSED;
}

void
conv_free(struct conv *cv)
{
	if (cv == NULL)
		return;
	model_free(conv_core(cv));
	free(cv);
}

size_t
conv_give_up_lines(struct conv *cv, mt_time t)
{
	struct lr	*lr = conv_core(cv)->lr;
	struct tracer	*tr = conv_core(cv)->env.tr;
	char		 detail[96];
	size_t		 n = 0;
	bool		 cut;
	int		 d;

	for (d = DIR_C2S; d <= DIR_S2C; d++) {
		n += lr_give_up(&lr[d], &cut);
		if (cut) {
			snprintf(detail, sizeof(detail), "%s line cut after "
			    "%llu octets", d == DIR_C2S ? "client" : "server",
			    (unsigned long long)lr[d].wire);
			trace_anomaly(tr, AN_MEM_BUDGET, detail, t);
		}
	}
	return n;
}

size_t
conv_line_bytes(const struct conv *cv)
{
	const struct lr	*lr = conv_core_c(cv)->lr;

	return lr_givable(&lr[DIR_C2S]) + lr_givable(&lr[DIR_S2C]);
}

const struct pop3_capa *
conv_pop3_capa(const struct conv *cv)
{
	return cv->proto == PROTO_POP3 ? &cv->m.pop3.capa : &no_capa;
}

const struct smtp_ehlo *
conv_smtp_ehlo(const struct conv *cv)
{
	return cv->proto == PROTO_SMTP ? &cv->m.smtp.ehlo : &no_ehlo;
}

unsigned
conv_pending(const struct conv *cv)
{
	return conv_core_c(cv)->pend.count;
}
