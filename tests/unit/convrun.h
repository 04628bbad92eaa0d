/*
 * convrun.h - run a scripted conversation through conv.h for the model
 * tests: whole (cut 0), one byte at a time (cut 1), or at seeded random
 * cuts (any other cut); records go to a memsink, steps to a log
 * ("cmd/status-or-code/rc/flags/bytes ").
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_TESTS_CONVRUN_H
#define MT_TESTS_CONVRUN_H

#include "conv.h"

#include "check.h"
#include "memsink.h"

/* bytes NULL: the TLS handshake after STLS/STARTTLS ended (conv_tls()). */
struct piece {
	enum dir	 dir;
	const char	*bytes;
};

struct steps {
	char	log[2048];
	size_t	len;
};

static void
on_step(void *arg, const struct step *s)
{
	struct steps	*st = arg;
	int		 n;

	n = snprintf(st->log + st->len, sizeof(st->log) - st->len,
	    "%d/%d/%d/%x/%llu ", s->cmd, s->proto == PROTO_POP3 ? (int)s->st :
	    s->code, s->rc, s->flags,
	    (unsigned long long)s->body_bytes);
	if (n > 0 && (size_t)n < sizeof(st->log) - st->len)
		st->len += (size_t)n;
}

/* cut 0: whole pieces; 1: byte by byte; other: seeded random cuts. */
static void
run(enum proto proto, const struct piece *pc, size_t np, enum level lvl,
    unsigned cut, enum close_why why, struct memsink *ms, struct steps *st)
{
	struct tracer	 tr;
	struct conv_env	 env;
	struct conv	*cv;
	unsigned	 seed = cut;
	size_t		 i;

	memsink_init(ms);
	memset(st, 0, sizeof(*st));
	trace_init(&tr, lvl, REC_PROBE);
	trace_add_sink(&tr, &ms->base);
	trace_session(&tr, "127.0.0.1:1", "127.0.0.1:110");
	memset(&env, 0, sizeof(env));
	env.tr = &tr;
	env.on_step = on_step;
	env.arg = st;
	env.max_body = 4096;
	cv = conv_new(proto, &env, 0, NULL);
	for (i = 0; i < np; i++) {
		const uint8_t	*p = (const uint8_t *)pc[i].bytes;
		size_t		 n, k;

		if (pc[i].bytes == NULL) {
			conv_tls(cv, (mt_time)i);
			continue;
		}
		n = strlen(pc[i].bytes);

		while (n > 0) {
			if (cut == 0)
				k = n;
			else if (cut == 1)
				k = 1;
			else {
				seed = seed * 1103515245u + 12345u;
				k = 1 + (seed >> 16) % 7;
				if (k > n)
					k = n;
			}
			conv_bytes(cv, pc[i].dir, p, k, (mt_time)i);
			p += k;
			n -= k;
		}
	}
	conv_close(cv, why, 99);
	conv_free(cv);
}

static void
expect_all_cuts(enum proto proto, const struct piece *pc, size_t np,
    enum level lvl, enum close_why why, const char *want,
    const char *want_steps)
{
	struct memsink	ms;
	struct steps	st;
	unsigned	cut;

	for (cut = 0; cut < 12; cut++) {
		run(proto, pc, np, lvl, cut, why, &ms, &st);
		CHECK_STR(ms.out, want);
		if (want_steps != NULL)
			CHECK_STR(st.log, want_steps);
	}
}

#endif
