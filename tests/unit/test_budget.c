/*
 * SPDX-License-Identifier: BSD-2-Clause
 * test_budget.c - the decoder's shared byte budget (src/trace/budget.c):
 * its own rules, then the decoder with many flows each in the middle of a
 * long line: what all flows hold stays within the budget, the flows that
 * hold the most give their lines up (memory_budget_exceeded), and every
 * session still pairs its commands and replies afterwards; the same on
 * three threads (decode --threads), whose shares together stay within it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budget.h"
#include "check.h"
#include "decode.h"
#include "sink.h"
#include "trace.h"

/* Counts records by kind. */
struct csink {
	struct sink	 base;
	unsigned	 user_after;	/* 0xAD8F USER ... */
	unsigned	 quit_ok;	/* 0xAD91 QUIT +OK */
	unsigned	 budget;	/* memory_budget_exceeded */
	unsigned	 too_long;	/* line_too_long (must not be said) */
	unsigned	 no_command;	/* reply_without_command */
};

static int
csink_rec(struct sink *s, const struct trace_rec *r, struct mt_err *err)
{
	struct csink	*c = (struct csink *)s;

	(void)err;
	if (r->event == 0) {
		if (r->anomaly == AN_MEM_BUDGET)
			c->budget++;
		else if (r->anomaly == AN_LINE_TOO_LONG)
			c->too_long++;
		else if (r->anomaly == AN_REPLY_NO_COMMAND)
			c->no_command++;
		return 0;
	}
	if (r->event == 0xAD8F && strncmp(r->intf, "USER ", 5) == 0)
		c->user_after++;
	if (r->event == 0xAD91 && strcmp(r->intf, "QUIT") == 0 &&
	    strcmp(r->opr, "+OK") == 0)
		c->quit_ok++;
	return 0;
}

static void
csink_close(struct sink *s)
{
	(void)s;
}

static mt_time	clock_us = 1700000000000000LL;

static void
tx(struct decoder *d, unsigned i, int c2s, uint32_t seq, uint32_t ack,
    unsigned flags, const char *data, size_t len)
{
	struct pkt_tcp	pk;

	memset(&pk, 0, sizeof(pk));
	clock_us += 10;
	pk.ts = clock_us;
	pk.af = 4;
	pk.src[0] = pk.dst[0] = 10;
	pk.src[1] = pk.dst[1] = (uint8_t)(i >> 8);
	pk.src[2] = pk.dst[2] = (uint8_t)i;
	pk.src[3] = c2s ? 1 : 2;
	pk.dst[3] = c2s ? 2 : 1;
	pk.sport = c2s ? 40000 : 110;
	pk.dport = c2s ? 110 : 40000;
	pk.seq = seq;
	pk.ack = ack;
	pk.flags = (uint8_t)flags;
	pk.payload = (const uint8_t *)data;
	pk.len = len;
	pk.wire_len = len;
	dec_packet(d, &pk);
}

#define A	PKT_ACK
#define P	(PKT_ACK | PKT_PSH)
#define NFLOWS	300
#define LINE	20000		/* bytes of each long line before its LF */

/*
 * NFLOWS POP3 sessions; each client sends LINE bytes of "USER xxx..." in
 * one segment and no LF yet, all at once; then each line ends, is
 * answered, and the session quits.  Returns the budget's peak (with
 * threads, the sum of the shares' peaks), and in *full the times a
 * thread's share ran out.
 */
static size_t
run(size_t total, struct csink *cs, unsigned threads, uint64_t *full)
{
	struct dec_opts		 o;
	struct tracer		 tr;
	struct decoder		*d;
	struct dec_stats	 st;
	struct mt_err		 err;
	struct sink		*inner, *as = NULL;
	static char		 line[LINE];
	unsigned		 i;
	uint32_t		 c = 1001, s = 5001;

	memset(line, 'x', sizeof(line));
	memcpy(line, "USER ", 5);
	memset(cs, 0, sizeof(*cs));
	cs->base.rec = csink_rec;
	cs->base.close = csink_close;
	trace_init(&tr, LEVEL_ADVANCED, REC_PCAP);
	if (threads > 1) {
		/* the threads record through the writer, as the CLI's do */
		inner = &cs->base;
		as = sink_async_new(&inner, 1, &err);
		CHECK(as != NULL);
		if (as == NULL)
			exit(1);
		CHECK(trace_add_sink(&tr, as) == 0);
	} else
		CHECK(trace_add_sink(&tr, &cs->base) == 0);
	dec_opts_default(&o);
	o.bytes_total = total;
	o.threads = threads;
	d = dec_new(&o, &tr, &err);
	CHECK(d != NULL);
	if (d == NULL)
		exit(1);
	for (i = 0; i < NFLOWS; i++) {
		tx(d, i, 1, 1000, 0, PKT_SYN, NULL, 0);
		tx(d, i, 0, 5000, 1001, PKT_SYN | A, NULL, 0);
		tx(d, i, 1, 1001, 5001, A, NULL, 0);
		tx(d, i, 0, 5001, 1001, P, "+OK\r\n", 5);
		tx(d, i, 1, c, s + 5, P, line, LINE);
	}
	c += LINE;
	s += 5;
	for (i = 0; i < NFLOWS; i++) {
		tx(d, i, 1, c, s, P, "y\r\n", 3);
		tx(d, i, 0, s, c + 3, P, "+OK\r\n", 5);
		tx(d, i, 1, c + 3, s + 5, P, "QUIT\r\n", 6);
		tx(d, i, 0, s + 5, c + 9, P, "+OK bye\r\n", 9);
		tx(d, i, 1, c + 9, s + 14, PKT_FIN | A, NULL, 0);
		tx(d, i, 0, s + 14, c + 10, PKT_FIN | A, NULL, 0);
	}
	dec_finish(d, clock_us);
	CHECK(trace_flush(&tr, NULL) == 0);
	dec_get_stats(d, &st);
	dec_free(d);
	if (as != NULL)
		as->close(as);
	*full = st.shares_full;
	return (size_t)st.bytes_peak;
}

static size_t
reclaim_half(void *arg, const struct mt_acct *asker, size_t need)
{
	struct mt_acct	*other = arg;
	size_t		 n = other->held / 2;

	(void)need;
	if (asker == other || n == 0)
		return 0;
	mt_budget_give(NULL, other, n);
	return n;
}

static void
test_rules(void)
{
	struct mt_budget	b;
	struct mt_acct		x = { &b, 0 }, y = { &b, 0 }, none = { NULL, 0 };

	mt_budget_init(&b, 100);
	CHECK(mt_budget_take(NULL, &x, 60) && b.used == 60 && x.held == 60);
	CHECK(!mt_budget_take(NULL, &y, 50));	/* no reclaim: refused */
	CHECK(b.used == 60 && y.held == 0);
	CHECK(mt_budget_take(NULL, &y, 0));
	CHECK(!mt_budget_take(NULL, &y, 101));
	b.reclaim = reclaim_half;
	b.arg = &x;
	CHECK(mt_budget_take(NULL, &y, 50));	/* x gave up 30 */
	CHECK(x.held == 30 && y.held == 50 && b.used == 80);
	CHECK(!mt_budget_take(NULL, &x, 40));	/* x is the asker */
	mt_budget_charge(&b, NULL, 30);		/* past the limit */
	CHECK(mt_budget_over(&b) && b.peak == 110);
	mt_budget_give(&b, NULL, 30);
	CHECK(!mt_budget_over(&b) && b.used == 80);
	CHECK(mt_budget_take(NULL, &none, 1000));	/* no budget */
	CHECK(mt_budget_take(NULL, NULL, 1000));
}

int
main(void)
{
	struct csink	cs;
	size_t		peak, limit = 1024 * 1024;
	uint64_t	full;

	test_rules();

	/* Unbounded (for comparison): the lines alone pass the limit. */
	peak = run(SIZE_MAX / 2, &cs, 1, &full);
	CHECK(peak > 4 * limit);
	CHECK(cs.budget == 0 && cs.user_after == NFLOWS);
	CHECK(cs.quit_ok == NFLOWS);

	peak = run(limit, &cs, 1, &full);
	printf("peak %zu of %zu bytes; %u lines given up\n", peak, limit,
	    cs.budget);
	CHECK(full == 0);		/* one thread has no shares */
	CHECK(peak <= limit);
	CHECK(cs.budget > 0);
	CHECK(cs.too_long == 0);
	/* Each session still pairs: its USER line (cut or whole) with its
	 * reply, QUIT with +OK; nothing answers nothing. */
	CHECK(cs.user_after == NFLOWS);
	CHECK(cs.quit_ok == NFLOWS);
	CHECK(cs.no_command == 0);

	/*
	 * Three threads: each has a third of the budget, so together they
	 * stay within it; the shares run out (said, for the CLI's note), and
	 * every session still pairs.
	 */
	peak = run(limit, &cs, 3, &full);
	printf("3 threads: peaks %zu of %zu bytes together; %u lines given "
	    "up; shares ran out %llu times\n", peak, limit, cs.budget,
	    (unsigned long long)full);
	CHECK(peak <= limit);
	CHECK(full > 0);
	CHECK(cs.budget > 0);
	CHECK(cs.too_long == 0);
	CHECK(cs.user_after == NFLOWS);
	CHECK(cs.quit_ok == NFLOWS);
	CHECK(cs.no_command == 0);
	/* Unbounded, no share runs out. */
	run(SIZE_MAX / 2, &cs, 3, &full);
	CHECK(full == 0 && cs.budget == 0 && cs.quit_ok == NFLOWS);
	return check_done();
}
