/*
 * SPDX-License-Identifier: BSD-2-Clause
 * conv.c - the door into the protocol model: dispatches to the POP3 model
 * (SMTP follows in its own file).
 */
#include "conv.h"

#include <stdlib.h>
#include <string.h>

#include "pop3.h"

struct conv {
	enum proto	proto;
	struct pop3	pop3;
};

struct conv *
conv_new(enum proto proto, const struct conv_env *env, mt_time t,
    struct mt_err *err)
{
	struct conv	*cv;

	if (proto != PROTO_POP3) {
		mt_err_set(err, MT_E_INTERNAL, "protocol not supported yet");
		return NULL;
	}
	if ((cv = calloc(1, sizeof(*cv))) == NULL) {
		mt_err_set(err, MT_E_INTERNAL, "out of memory");
		return NULL;
	}
	cv->proto = proto;
	pop3_init(&cv->pop3, env, t);
	return cv;
}

void
conv_bytes(struct conv *cv, enum dir d, const uint8_t *p, size_t n, mt_time t)
{
	pop3_bytes(&cv->pop3, d, p, n, t);
}

void
conv_gap(struct conv *cv, enum dir d, uint64_t nbytes, mt_time t)
{
	pop3_gap(&cv->pop3, d, nbytes, t);
}

void
conv_tls(struct conv *cv, mt_time t)
{
	pop3_tls(&cv->pop3, t);
}

void
conv_close(struct conv *cv, enum close_why why, mt_time t)
{
	pop3_close(&cv->pop3, why, t);
}

void
conv_free(struct conv *cv)
{
	free(cv);
}

const struct pop3_capa *
conv_pop3_capa(const struct conv *cv)
{
	return &cv->pop3.capa;
}

unsigned
conv_pending(const struct conv *cv)
{
	return cv->pop3.pend.count;
}
