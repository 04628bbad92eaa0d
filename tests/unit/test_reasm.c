/*
 * SPDX-License-Identifier: BSD-2-Clause
 * test_reasm.c - TCP reassembly (src/capture/reasm.c): hand-built segments
 * in, a log of every callback out, compared exactly.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mt_limits.h"
#include "reasm.h"

struct user {
	uint16_t	 cport;
	uint16_t	 sport;
	char		 got[2][256];	/* bytes delivered, per direction */
	size_t		 ngot[2];
	uint64_t	 gaps[2];
	uint64_t	 pos[2];	/* stream offset of the next byte */
	int		 bad;		/* a byte differed from ref */
	struct user	*next;		/* live users, for leftovers */
};

static char		 logbuf[1 << 16];
static size_t		 loglen;
static int		 quiet;		/* only collect bytes, do not log */
static uint16_t		 ignore_port;	/* flow_new returns NULL for it */
static struct user	*users;
static struct user	*done[256];	/* closed users' results (quiet mode) */
static size_t		 ndone;
static mt_time		 clock_us = 1000000;
static const uint8_t	*ref;		/* the true C2S stream, if set */
static int		 log_times;	/* data lines end with @TIME */

static void	 logln(const char *, ...) __attribute__((format(printf, 1, 2)));

static void
logln(const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (quiet)
		return;
	va_start(ap, fmt);
	n = vsnprintf(logbuf + loglen, sizeof(logbuf) - loglen, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(logbuf) - loglen - 1) {
		loglen += (size_t)n;
		logbuf[loglen++] = '\n';
		logbuf[loglen] = '\0';
	}
}

static void
log_reset(void)
{
	loglen = 0;
	logbuf[0] = '\0';
}

static const char *
dirs(enum reasm_dir d)
{
	return d == REASM_C2S ? "C2S" : "S2C";
}

static void *
t_new(void *arg, const struct flow_id *id, mt_time t)
{
	struct user	*u;

	(void)arg;
	(void)t;
	if (ignore_port != 0 && id->sport == ignore_port) {
		logln("ignore c:%u s:%u", id->cport, id->sport);
		return NULL;
	}
	if ((u = calloc(1, sizeof(*u))) == NULL)
		abort();
	u->cport = id->cport;
	u->sport = id->sport;
	u->next = users;
	users = u;
	logln("new c:%u s:%u syn=%d by_port=%d", id->cport, id->sport,
	    id->syn_seen, id->by_port);
	return u;
}

static void
t_hs(void *user, int stage, mt_time t)
{
	struct user	*u = user;

	(void)t;
	logln("%u hs %d", u->cport, stage);
}

static void
t_data(void *user, enum reasm_dir d, const uint8_t *p, size_t n, mt_time t)
{
	struct user	*u = user;
	char		 s[512];
	size_t		 i, o = 0;

	for (i = 0; i < n && o + 5 < sizeof(s); i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f)
			s[o++] = (char)p[i];
		else
			o += (size_t)snprintf(s + o, sizeof(s) - o, "\\x%02x",
			    p[i]);
	}
	s[o] = '\0';
	for (i = 0; i < n && u->ngot[d] < sizeof(u->got[d]) - 1; i++)
		u->got[d][u->ngot[d]++] = (char)p[i];
	if (ref != NULL && d == REASM_C2S && memcmp(ref + u->pos[d], p, n) != 0)
		u->bad = 1;
	u->pos[d] += n;
	if (log_times)
		logln("%u data %s '%s' @%lld", u->cport, dirs(d), s,
		    (long long)t);
	else
		logln("%u data %s '%s'", u->cport, dirs(d), s);
}

static void
t_gap(void *user, enum reasm_dir d, uint64_t n, mt_time t)
{
	struct user	*u = user;

	(void)t;
	u->gaps[d] += n;
	u->pos[d] += n;
	logln("%u gap %s %llu", u->cport, dirs(d), (unsigned long long)n);
}

static void
t_anomaly(void *user, enum an a, const char *detail, mt_time t)
{
	struct user	*u = user;

	(void)t;
	if (ref != NULL && a == AN_OVERLAP_DIFFERS)
		u->bad = 1;		/* the random stream never differs */
	if (detail != NULL)
		logln("%u anomaly %s (%s)", u->cport, an_name(a), detail);
	else
		logln("%u anomaly %s", u->cport, an_name(a));
}

static void
t_close(void *user, enum reasm_close why, mt_time t)
{
	struct user	*u = user, **pp;

	(void)t;
	logln("%u close %s", u->cport, why == REASM_FIN ? "FIN" :
	    why == REASM_RST ? "RST" : why == REASM_IDLE ? "IDLE" :
	    why == REASM_END ? "END" : "?");
	for (pp = &users; *pp != NULL; pp = &(*pp)->next)
		if (*pp == u) {
			*pp = u->next;
			break;
		}
	if (quiet && ndone < sizeof(done) / sizeof(done[0])) {
		done[ndone++] = u;	/* freed by the test */
		return;
	}
	free(u);		/* the owner frees user here (ASan checks) */
}

static const uint16_t	server_ports[] = { 25, 110, 587, 0 };

static size_t	mk_hold_total;	/* the next mk()'s limits.hold_total (0: default) */

static struct reasm *
mk(size_t flows, size_t hold, mt_time idle)
{
	struct reasm_cb		cb;
	struct reasm_limits	lim;
	struct reasm		*r;
	struct mt_err		err;

	memset(&cb, 0, sizeof(cb));
	cb.flow_new = t_new;
	cb.handshake = t_hs;
	cb.data = t_data;
	cb.gap = t_gap;
	cb.anomaly = t_anomaly;
	cb.close = t_close;
	cb.server_ports = server_ports;
	memset(&lim, 0, sizeof(lim));
	lim.hold_total = mk_hold_total;
	lim.flows = flows;
	lim.hold = hold;
	lim.idle_us = idle;
	log_reset();
	r = reasm_new(&cb, &lim, &err);
	if (r == NULL) {
		fprintf(stderr, "reasm_new: %s\n", err.msg);
		exit(1);
	}
	return r;
}

/* Free users the reasm never closed (reasm_free makes no callbacks). */
static void
users_free(void)
{
	struct user	*u;

	while ((u = users) != NULL) {
		users = u->next;
		free(u);
	}
	while (ndone > 0)
		free(done[--ndone]);
}

/* One connection: client 10.0.0.C:cport, server 10.0.0.S:sport. */
struct conn {
	uint8_t		 cip;
	uint8_t		 sip;
	uint16_t	 cport;
	uint16_t	 sport;
};

#define C2S	1
#define S2C	0

/* Send one segment; wire 0 means "as captured". */
static void
tx(struct reasm *r, const struct conn *k, int c2s, uint32_t seq, uint32_t ack,
    unsigned flags, const char *data, size_t wire)
{
	struct pkt_tcp	pk;

	memset(&pk, 0, sizeof(pk));
	clock_us += 10;
	pk.ts = clock_us;
	pk.af = 4;
	pk.src[0] = pk.dst[0] = 10;
	pk.src[3] = c2s ? k->cip : k->sip;
	pk.dst[3] = c2s ? k->sip : k->cip;
	pk.sport = c2s ? k->cport : k->sport;
	pk.dport = c2s ? k->sport : k->cport;
	pk.seq = seq;
	pk.ack = ack;
	pk.flags = (uint8_t)flags;
	pk.payload = (const uint8_t *)data;
	pk.len = data != NULL ? strlen(data) : 0;
	pk.wire_len = wire != 0 ? wire : pk.len;
	reasm_segment(r, &pk);
}

/* reasm.c's REASM_WAIT_SEGS: segments held back before a gap is declared */
#define REASM_WAIT_SEGS_TEST	64
#define A	PKT_ACK
#define P	(PKT_ACK | PKT_PSH)

/* SYN (client isn), SYN-ACK (server isn), ACK. */
static void
handshake(struct reasm *r, const struct conn *k, uint32_t cisn, uint32_t sisn)
{
	tx(r, k, C2S, cisn, 0, PKT_SYN, NULL, 0);
	tx(r, k, S2C, sisn, cisn + 1, PKT_SYN | PKT_ACK, NULL, 0);
	tx(r, k, C2S, cisn + 1, sisn + 1, A, NULL, 0);
}

static void
test_normal(void)
{
	struct conn		k = { 1, 2, 40000, 110 };
	struct reasm		*r = mk(0, 0, 0);
	struct reasm_stats	st;

	handshake(r, &k, 1000, 5000);
	tx(r, &k, S2C, 5001, 1001, P, "+OK ready\r\n", 0);
	tx(r, &k, C2S, 1001, 5012, P, "USER a\r\n", 0);
	tx(r, &k, S2C, 5012, 1009, P, "+OK", 0);
	tx(r, &k, C2S, 1009, 5015, PKT_FIN | A, NULL, 0);
	tx(r, &k, S2C, 5015, 1010, PKT_FIN | A, NULL, 0);
	tx(r, &k, C2S, 1010, 5016, A, NULL, 0);	/* last ACK: ignored */
	CHECK_STR(logbuf,
	    "new c:40000 s:110 syn=1 by_port=0\n"
	    "40000 hs 0\n"
	    "40000 hs 1\n"
	    "40000 hs 2\n"
	    "40000 data S2C '+OK ready\\x0d\\x0a'\n"
	    "40000 data C2S 'USER a\\x0d\\x0a'\n"
	    "40000 data S2C '+OK'\n"
	    "40000 close FIN\n");
	reasm_get_stats(r, &st);
	CHECK(st.segments == 9);
	CHECK(st.flows == 1);
	CHECK(st.gaps == 0 && st.retransmits == 0 && st.evicted == 0);

	/* The same 5-tuple, a new SYN: a new connection. */
	log_reset();
	handshake(r, &k, 90000, 7000);
	tx(r, &k, C2S, 90001, 7001, P, "again", 0);
	reasm_flush(r, clock_us);
	CHECK_STR(logbuf,
	    "new c:40000 s:110 syn=1 by_port=0\n"
	    "40000 hs 0\n"
	    "40000 hs 1\n"
	    "40000 hs 2\n"
	    "40000 data C2S 'again'\n"
	    "40000 close END\n");
	reasm_free(r);
	users_free();
}

static void
test_split(void)
{
	struct conn	 k = { 1, 2, 40001, 25 };
	struct reasm	*r = mk(0, 0, 0);
	const char	*parts[] = { "EH", "LO ", "a.exa", "mple", "\r\n" };
	uint32_t	 seq = 101;
	size_t		 i;

	handshake(r, &k, 100, 200);
	for (i = 0; i < 5; i++) {
		tx(r, &k, C2S, seq, 201, P, parts[i], 0);
		seq += (uint32_t)strlen(parts[i]);
	}
	CHECK(users != NULL && users->ngot[REASM_C2S] == 16 &&
	    memcmp(users->got[REASM_C2S], "EHLO a.example\r\n", 16) == 0);
	tx(r, &k, C2S, seq, 201, PKT_FIN | A, NULL, 0);
	tx(r, &k, S2C, 201, seq + 1, PKT_FIN | A, NULL, 0);
	CHECK_STR(logbuf,
	    "new c:40001 s:25 syn=1 by_port=0\n"
	    "40001 hs 0\n"
	    "40001 hs 1\n"
	    "40001 hs 2\n"
	    "40001 data C2S 'EH'\n"
	    "40001 data C2S 'LO '\n"
	    "40001 data C2S 'a.exa'\n"
	    "40001 data C2S 'mple'\n"
	    "40001 data C2S '\\x0d\\x0a'\n"
	    "40001 close FIN\n");
	reasm_free(r);
	users_free();
}

static void
test_reverse(void)
{
	struct conn		k = { 1, 2, 40002, 110 };
	struct reasm		*r = mk(0, 0, 0);
	struct reasm_stats	st;

	handshake(r, &k, 0, 500);
	log_reset();
	tx(r, &k, S2C, 507, 1, P, "ccc", 0);
	tx(r, &k, S2C, 504, 1, P, "bbb", 0);
	CHECK(loglen == 0);
	tx(r, &k, S2C, 501, 1, P, "aaa", 0);
	CHECK_STR(logbuf,
	    "40002 data S2C 'aaa'\n"
	    "40002 data S2C 'bbb'\n"
	    "40002 data S2C 'ccc'\n");
	reasm_get_stats(r, &st);
	CHECK(st.held_peak == 6);
	reasm_flush(r, clock_us);
	reasm_free(r);
	users_free();
}

/*
 * Held out-of-order pieces keep the time they were captured: each is
 * delivered with its own, not with the time of the segment that filled
 * the hole before it.  A new segment that overlaps a held piece delivers
 * its new part at its own time; the held copy (which wins) goes at the
 * held piece's.
 */
static void
test_own_times(void)
{
	struct conn	k = { 1, 2, 40050, 110 };
	struct reasm	*r = mk(0, 0, 0);
	mt_time		t0;

	handshake(r, &k, 0, 500);
	log_reset();
	log_times = 1;
	t0 = clock_us;
	tx(r, &k, S2C, 507, 1, P, "ccc", 0);		/* t0 + 10 */
	tx(r, &k, S2C, 504, 1, P, "bbb", 0);		/* t0 + 20 */
	CHECK(loglen == 0);
	tx(r, &k, S2C, 501, 1, P, "aaab", 0);		/* t0 + 30 */
	tx(r, &k, S2C, 513, 1, P, "eee", 0);		/* t0 + 40 */
	tx(r, &k, S2C, 510, 1, P, "ddde", 0);		/* t0 + 50 */
	reasm_flush(r, clock_us);
	log_times = 0;
	{
		char	want[512];

		snprintf(want, sizeof(want),
		    "40050 data S2C 'aaa' @%lld\n"
		    "40050 data S2C 'bbb' @%lld\n"
		    "40050 data S2C 'ccc' @%lld\n"
		    "40050 data S2C 'ddd' @%lld\n"
		    "40050 data S2C 'eee' @%lld\n"
		    "40050 close END\n",
		    (long long)t0 + 30, (long long)t0 + 20, (long long)t0 + 10,
		    (long long)t0 + 50, (long long)t0 + 40);
		CHECK_STR(logbuf, want);
	}
	reasm_free(r);
	users_free();
}

static void
test_retransmit(void)
{
	struct conn		k = { 1, 2, 40003, 110 };
	struct reasm		*r = mk(0, 0, 0);
	struct reasm_stats	st;

	handshake(r, &k, 0, 500);
	log_reset();
	tx(r, &k, S2C, 501, 1, P, "abc", 0);
	tx(r, &k, S2C, 501, 1, P, "abc", 0);		/* before next */
	tx(r, &k, S2C, 510, 1, P, "xyz", 0);		/* held */
	tx(r, &k, S2C, 510, 1, P, "xyz", 0);		/* same, held */
	tx(r, &k, S2C, 501, 1, P, "abcdefghi", 0);	/* partial */
	CHECK_STR(logbuf,
	    "40003 data S2C 'abc'\n"
	    "40003 data S2C 'defghi'\n"
	    "40003 data S2C 'xyz'\n");
	reasm_get_stats(r, &st);
	CHECK(st.retransmits == 2);
	CHECK(st.gaps == 0);
	reasm_flush(r, clock_us);
	reasm_free(r);
	users_free();
}

static void
test_partial_overlap(void)
{
	struct conn	 k = { 1, 2, 40004, 110 };
	struct reasm	*r = mk(0, 0, 0);

	handshake(r, &k, 0, 500);
	log_reset();
	tx(r, &k, C2S, 1, 501, P, "abcdef", 0);
	tx(r, &k, C2S, 4, 501, P, "defghi", 0);
	/* Different bytes before next cannot be compared: dropped. */
	tx(r, &k, C2S, 8, 501, P, "XXjk", 0);
	CHECK_STR(logbuf,
	    "40004 data C2S 'abcdef'\n"
	    "40004 data C2S 'ghi'\n"
	    "40004 data C2S 'jk'\n");
	reasm_flush(r, clock_us);
	reasm_free(r);
	users_free();
}

static void
test_overlap_differs(void)
{
	struct conn	 k = { 1, 2, 40005, 110 };
	struct reasm	*r = mk(0, 0, 0);

	handshake(r, &k, 0, 500);
	log_reset();
	tx(r, &k, C2S, 4, 501, P, "defg", 0);		/* held 4..7 */
	tx(r, &k, C2S, 4, 501, P, "dEfgh", 0);		/* differs; h new */
	tx(r, &k, C2S, 2, 501, P, "bcDe", 0);		/* differs at 4 */
	tx(r, &k, C2S, 1, 501, P, "a", 0);
	CHECK_STR(logbuf,
	    "40005 anomaly overlap_differs (c2s)\n"
	    "40005 anomaly overlap_differs (c2s)\n"
	    "40005 data C2S 'a'\n"
	    "40005 data C2S 'bc'\n"
	    "40005 data C2S 'defg'\n"
	    "40005 data C2S 'h'\n");
	reasm_flush(r, clock_us);
	reasm_free(r);
	users_free();
}

/*
 * An exact retransmission (same sequence number and length) of a segment
 * delivered already, with other bytes: overlap_differs, the first copy
 * stays.  One of the last segments delivered whole is compared (an older
 * one, one delivered in part, or a partial overlap is not).
 */
static void
test_retransmit_differs(void)
{
	struct conn		k = { 1, 2, 40016, 110 };
	struct reasm		*r = mk(0, 0, 0);
	struct reasm_stats	st;

	handshake(r, &k, 0, 500);
	log_reset();
	tx(r, &k, S2C, 501, 1, P, "+OK\r\n", 0);
	tx(r, &k, C2S, 1, 506, P, "USER bob\r\n", 0);
	tx(r, &k, C2S, 1, 506, P, "USER eve\r\n", 0);	/* differs */
	tx(r, &k, C2S, 1, 506, P, "USER bob\r\n", 0);	/* the same */
	tx(r, &k, S2C, 506, 11, P, "+OK hi\r\n", 0);
	tx(r, &k, S2C, 501, 11, P, "-ERR\r\n", 0);	/* not its length */
	tx(r, &k, S2C, 501, 11, P, "+OK\r", 0);		/* nor that */
	tx(r, &k, S2C, 501, 11, P, "+NO\r\n", 0);	/* differs */
	CHECK_STR(logbuf,
	    "40016 data S2C '+OK\\x0d\\x0a'\n"
	    "40016 data C2S 'USER bob\\x0d\\x0a'\n"
	    "40016 anomaly overlap_differs (c2s)\n"
	    "40016 data S2C '+OK hi\\x0d\\x0a'\n"
	    "40016 anomaly overlap_differs (s2c)\n");
	reasm_get_stats(r, &st);
	CHECK(st.retransmits == 5);
	reasm_flush(r, clock_us);
	reasm_free(r);
	users_free();
}

/*
 * Bytes numbered before the stream began (below the SYN's or SYN-ACK's
 * sequence number + 1) are no byte of it: data_before_stream, and they are
 * not delivered; the part of a segment from the start on is.  A direction
 * that began without a SYN has no known start: older bytes are old.
 */
static void
test_before_stream(void)
{
	struct conn		k = { 1, 2, 40017, 25 };
	struct conn		k2 = { 1, 2, 40018, 25 };
	struct reasm		*r = mk(0, 0, 0);
	struct reasm_stats	st;

	handshake(r, &k, 1000, 2000);
	log_reset();
	tx(r, &k, S2C, 1001, 1001, P, "220 early\r\n", 0);	/* 1000 below */
	tx(r, &k, S2C, 1996, 1001, P, "12345220 x\r\n", 0);	/* 5 below */
	tx(r, &k, C2S, 1001, 2008, P, "EHLO c\r\n", 0);
	tx(r, &k, C2S, 991, 2008, P, "0123456789", 0);		/* 10 below */
	CHECK_STR(logbuf,
	    "40017 anomaly data_before_stream (s2c: 11 octets, 1000 before its start)\n"
	    "40017 anomaly data_before_stream (s2c: 5 octets, 5 before its start)\n"
	    "40017 data S2C '220 x\\x0d\\x0a'\n"
	    "40017 data C2S 'EHLO c\\x0d\\x0a'\n"
	    "40017 anomaly data_before_stream (c2s: 10 octets, 10 before its start)\n");
	reasm_get_stats(r, &st);
	CHECK(st.retransmits == 0);
	reasm_flush(r, clock_us);

	/* no SYN: the first segment starts the direction, older is old */
	log_reset();
	tx(r, &k2, S2C, 5000, 100, P, "250 ok\r\n", 0);
	tx(r, &k2, S2C, 4000, 100, P, "250 old\r\n", 0);
	CHECK_STR(logbuf,
	    "new c:40018 s:25 syn=0 by_port=1\n"
	    "40018 anomaly capture_started_mid_connection (server port)\n"
	    "40018 data S2C '250 ok\\x0d\\x0a'\n");
	reasm_flush(r, clock_us);
	reasm_free(r);
	users_free();
}

static void
test_wrap(void)
{
	struct conn	 k = { 1, 2, 40006, 110 };
	struct reasm	*r = mk(0, 0, 0);
	uint32_t	 isn = 0xFFFFFFF0u;

	handshake(r, &k, isn, 0xFFFFFFFEu);
	log_reset();
	/* client: 0xFFFFFFF1 + 10 = 0xFFFFFFFB; + 6 = 0x00000001 */
	tx(r, &k, C2S, 0x00000001u, 0xFFFFFFFFu, P, "ghi", 0);
	tx(r, &k, C2S, 0xFFFFFFF1u, 0xFFFFFFFFu, P, "0123456789", 0);
	tx(r, &k, C2S, 0xFFFFFFFBu, 0xFFFFFFFFu, P, "abcdef", 0);
	/* server: isn 0xFFFFFFFE, data from 0xFFFFFFFF across the wrap */
	tx(r, &k, S2C, 0xFFFFFFFFu, 0, P, "+OK", 0);
	tx(r, &k, S2C, 0x00000002u, 0, P, " hi", 0);
	tx(r, &k, C2S, 0x00000004u, 0, PKT_FIN | A, NULL, 0);
	tx(r, &k, S2C, 0x00000005u, 0, PKT_FIN | A, NULL, 0);
	CHECK_STR(logbuf,
	    "40006 data C2S '0123456789'\n"
	    "40006 data C2S 'abcdef'\n"
	    "40006 data C2S 'ghi'\n"
	    "40006 data S2C '+OK'\n"
	    "40006 data S2C ' hi'\n"
	    "40006 close FIN\n");
	reasm_free(r);
	users_free();
}

static void
test_midstream(void)
{
	struct conn	 k1 = { 2, 1, 50, 110 };	/* client has the lower port */
	struct conn	 k2 = { 1, 2, 3000, 2000 };
	struct conn	 k3 = { 1, 2, 25, 110 };	/* both listed: lower */
	struct reasm	*r = mk(0, 0, 0);

	tx(r, &k1, S2C, 7000, 1, P, "+OK", 0);
	tx(r, &k1, C2S, 1, 7003, P, "QUIT", 0);
	tx(r, &k2, S2C, 9, 1, P, "hello", 0);
	tx(r, &k3, C2S, 5, 1, P, "x", 0);
	reasm_flush(r, clock_us);
	CHECK_STR(logbuf,
	    "new c:50 s:110 syn=0 by_port=1\n"
	    "50 anomaly capture_started_mid_connection (server port)\n"
	    "50 data S2C '+OK'\n"
	    "50 data C2S 'QUIT'\n"
	    "new c:3000 s:2000 syn=0 by_port=1\n"
	    "3000 anomaly capture_started_mid_connection (lower port)\n"
	    "3000 data S2C 'hello'\n"
	    "new c:110 s:25 syn=0 by_port=1\n"
	    "110 anomaly capture_started_mid_connection (lower port)\n"
	    "110 data S2C 'x'\n"
	    "50 close END\n"
	    "3000 anomaly one_sided_capture (s2c only)\n"
	    "3000 close END\n"
	    "110 anomaly one_sided_capture (s2c only)\n"
	    "110 close END\n");
	reasm_free(r);
	users_free();
}

static void
test_one_sided(void)
{
	struct conn	 k = { 1, 2, 40007, 25 };
	struct reasm	*r = mk(0, 0, 0);

	tx(r, &k, C2S, 100, 1, P, "MAIL FROM:<a@b>", 0);
	tx(r, &k, C2S, 115, 1, P, "RCPT TO:<c@d>", 0);
	reasm_flush(r, clock_us);
	CHECK_STR(logbuf,
	    "new c:40007 s:25 syn=0 by_port=1\n"
	    "40007 anomaly capture_started_mid_connection (server port)\n"
	    "40007 data C2S 'MAIL FROM:<a@b>'\n"
	    "40007 data C2S 'RCPT TO:<c@d>'\n"
	    "40007 anomaly one_sided_capture (c2s only)\n"
	    "40007 close END\n");

	/* One-sided with a FIN: closed at the FIN. */
	log_reset();
	k.cport = 40008;
	tx(r, &k, C2S, 100, 1, P, "QUIT", 0);
	tx(r, &k, C2S, 104, 1, PKT_FIN | A, NULL, 0);
	CHECK_STR(logbuf,
	    "new c:40008 s:25 syn=0 by_port=1\n"
	    "40008 anomaly capture_started_mid_connection (server port)\n"
	    "40008 data C2S 'QUIT'\n"
	    "40008 anomaly one_sided_capture (c2s only)\n"
	    "40008 close FIN\n");
	reasm_free(r);
	users_free();
}

static void
test_gap_at_flush(void)
{
	struct conn		k = { 1, 2, 40009, 110 };
	struct reasm		*r = mk(0, 0, 0);
	struct reasm_stats	st;

	handshake(r, &k, 0, 500);
	log_reset();
	tx(r, &k, C2S, 1, 501, P, "aaa", 0);
	tx(r, &k, C2S, 7, 501, P, "ccc", 0);		/* 4..6 missing */
	tx(r, &k, C2S, 14, 501, P, "eee", 0);	/* 10..13 missing */
	reasm_flush(r, clock_us);
	CHECK_STR(logbuf,
	    "40009 data C2S 'aaa'\n"
	    "40009 gap C2S 3\n"
	    "40009 data C2S 'ccc'\n"
	    "40009 gap C2S 4\n"
	    "40009 data C2S 'eee'\n"
	    "40009 close END\n");
	reasm_get_stats(r, &st);
	CHECK(st.gaps == 2);
	reasm_free(r);
	users_free();
}

static void
test_fin_with_hole(void)
{
	struct conn	 k = { 1, 2, 40010, 110 };
	struct reasm	*r = mk(0, 0, 0);

	handshake(r, &k, 0, 500);
	log_reset();
	tx(r, &k, S2C, 501, 1, P, "+OK", 0);
	tx(r, &k, S2C, 510, 1, PKT_FIN | A, NULL, 0);	/* 504..509 lost */
	tx(r, &k, C2S, 1, 511, PKT_FIN | A, NULL, 0);
	CHECK_STR(logbuf, "40010 data S2C '+OK'\n");
	/* The FIN says where the stream ended: the rest is a gap. */
	reasm_flush(r, clock_us);
	CHECK_STR(logbuf,
	    "40010 data S2C '+OK'\n"
	    "40010 gap S2C 6\n"
	    "40010 close FIN\n");
	reasm_free(r);
	users_free();
}

static void
test_hold_budget(void)
{
	struct conn		k = { 1, 2, 40011, 110 };
	struct reasm		*r = mk(0, 8, 0);
	struct reasm_stats	st;

	handshake(r, &k, 0, 500);
	log_reset();
	tx(r, &k, C2S, 5, 501, P, "aaaa", 0);
	tx(r, &k, C2S, 9, 501, P, "bbbb", 0);
	CHECK(loglen == 0);
	tx(r, &k, C2S, 17, 501, P, "dddd", 0);		/* 13..16 missing */
	tx(r, &k, C2S, 1, 501, P, "xxxx", 0);		/* too late */
	tx(r, &k, C2S, 13, 501, P, "cccc", 0);
	/* One piece larger than the whole budget. */
	tx(r, &k, C2S, 31, 501, P, "0123456789", 0);	/* 21..30 missing */
	CHECK_STR(logbuf,
	    "40011 anomaly hold_budget_exceeded (c2s)\n"
	    "40011 gap C2S 4\n"
	    "40011 data C2S 'aaaa'\n"
	    "40011 data C2S 'bbbb'\n"
	    "40011 data C2S 'cccc'\n"
	    "40011 data C2S 'dddd'\n"
	    "40011 anomaly hold_budget_exceeded (c2s)\n"
	    "40011 gap C2S 10\n"
	    "40011 data C2S '0123456789'\n");
	reasm_get_stats(r, &st);
	CHECK(st.held_peak <= 8);
	CHECK(st.retransmits == 1);
	reasm_flush(r, clock_us);
	reasm_free(r);
	users_free();
}

static void
test_rst(void)
{
	struct conn	 k = { 1, 2, 40012, 110 };
	struct reasm	*r = mk(0, 0, 0);

	handshake(r, &k, 0, 500);
	log_reset();
	tx(r, &k, C2S, 1, 501, P, "abc", 0);
	tx(r, &k, C2S, 7, 501, P, "ghi", 0);
	tx(r, &k, S2C, 501, 4, PKT_RST | A, NULL, 0);
	tx(r, &k, C2S, 10, 501, P, "late", 0);		/* ignored */
	tx(r, &k, S2C, 501, 4, PKT_RST, NULL, 0);	/* ignored */
	CHECK_STR(logbuf,
	    "40012 data C2S 'abc'\n"
	    "40012 gap C2S 3\n"
	    "40012 data C2S 'ghi'\n"
	    "40012 close RST\n");
	reasm_flush(r, clock_us);
	reasm_free(r);
	users_free();
}

/*
 * A reset that answers the SYN, acknowledging it, is the server refusing
 * the connection: the stage REASM_HS_REFUSED, then close(RST).  A reset
 * that does not acknowledge the SYN, or one after the SYN-ACK, is not.
 */
static void
test_refused(void)
{
	struct conn	 k = { 1, 2, 40013, 110 };
	struct conn	 k2 = { 1, 2, 40014, 110 };
	struct conn	 k3 = { 1, 2, 40015, 110 };
	struct reasm	*r = mk(0, 0, 0);

	tx(r, &k, C2S, 1000, 0, PKT_SYN, NULL, 0);
	tx(r, &k, C2S, 1000, 0, PKT_SYN, NULL, 0);	/* sent again */
	tx(r, &k, S2C, 0, 1001, PKT_RST | A, NULL, 0);
	tx(r, &k2, C2S, 2000, 0, PKT_SYN, NULL, 0);
	tx(r, &k2, S2C, 0, 1234, PKT_RST | A, NULL, 0);	/* not for the SYN */
	tx(r, &k3, C2S, 3000, 0, PKT_SYN, NULL, 0);
	tx(r, &k3, S2C, 700, 3001, PKT_SYN | A, NULL, 0);
	tx(r, &k3, S2C, 701, 3001, PKT_RST | A, NULL, 0);
	CHECK_STR(logbuf,
	    "new c:40013 s:110 syn=1 by_port=0\n"
	    "40013 hs 0\n"
	    "40013 hs 3\n"
	    "40013 close RST\n"
	    "new c:40014 s:110 syn=1 by_port=0\n"
	    "40014 hs 0\n"
	    "40014 close RST\n"
	    "new c:40015 s:110 syn=1 by_port=0\n"
	    "40015 hs 0\n"
	    "40015 hs 1\n"
	    "40015 close RST\n");
	CHECK(REASM_HS_REFUSED == 3);
	reasm_flush(r, clock_us);
	reasm_free(r);
	users_free();
}

static void
test_snapped(void)
{
	struct conn		k = { 1, 2, 40013, 110 };
	struct reasm		*r = mk(0, 0, 0);
	struct reasm_stats	st;

	handshake(r, &k, 0, 500);
	log_reset();
	tx(r, &k, S2C, 501, 1, P, "+OK 1", 100);		/* 95 cut */
	tx(r, &k, S2C, 601, 1, P, "next", 0);
	/* held snapped segment, then the hole is filled */
	tx(r, &k, S2C, 610, 1, P, "zz", 20);
	tx(r, &k, S2C, 605, 1, P, "abcde", 0);
	tx(r, &k, S2C, 630, 1, P, "end", 0);
	CHECK_STR(logbuf,
	    "40013 data S2C '+OK 1'\n"
	    "40013 gap S2C 95\n"
	    "40013 data S2C 'next'\n"
	    "40013 data S2C 'abcde'\n"
	    "40013 data S2C 'zz'\n"
	    "40013 gap S2C 18\n"
	    "40013 data S2C 'end'\n");
	reasm_get_stats(r, &st);
	CHECK(st.gaps == 2);
	reasm_flush(r, clock_us);
	reasm_free(r);
	users_free();
}

static void
test_table_full(void)
{
	struct conn		a = { 1, 2, 41001, 110 };
	struct conn		b = { 1, 2, 41002, 110 };
	struct conn		c = { 1, 2, 41003, 110 };
	struct conn		d = { 1, 2, 41004, 110 };
	struct reasm		*r = mk(2, 0, 0);
	struct reasm_stats	st;

	tx(r, &a, C2S, 0, 0, PKT_SYN, NULL, 0);
	tx(r, &b, C2S, 0, 0, PKT_SYN, NULL, 0);
	tx(r, &b, C2S, 3, 0, P, "bb", 0);		/* held in b */
	tx(r, &a, C2S, 1, 0, P, "USER", 0);	/* a is now newer */
	tx(r, &c, C2S, 0, 0, PKT_SYN, NULL, 0);	/* evicts b */
	tx(r, &c, C2S, 1, 0, P, "c", 0);
	reasm_flush(r, clock_us);
	CHECK_STR(logbuf,
	    "new c:41001 s:110 syn=1 by_port=0\n"
	    "41001 hs 0\n"
	    "new c:41002 s:110 syn=1 by_port=0\n"
	    "41002 hs 0\n"
	    "41001 data C2S 'USER'\n"
	    "41002 anomaly flow_table_full\n"
	    "41002 gap C2S 2\n"
	    "41002 data C2S 'bb'\n"
	    "41002 anomaly one_sided_capture (c2s only)\n"
	    "41002 close IDLE\n"
	    "new c:41003 s:110 syn=1 by_port=0\n"
	    "41003 hs 0\n"
	    "41003 data C2S 'c'\n"
	    "41001 anomaly one_sided_capture (c2s only)\n"
	    "41001 close END\n"
	    "41003 anomaly one_sided_capture (c2s only)\n"
	    "41003 close END\n");
	reasm_get_stats(r, &st);
	CHECK(st.evicted == 1);
	CHECK(st.flows == 3);

	/* The table is full of closed flows: one goes, silently. */
	log_reset();
	tx(r, &d, C2S, 500, 0, PKT_SYN, NULL, 0);
	reasm_get_stats(r, &st);
	CHECK(st.evicted == 1);
	CHECK_STR(logbuf,
	    "new c:41004 s:110 syn=1 by_port=0\n"
	    "41004 hs 0\n");
	reasm_flush(r, clock_us);
	reasm_free(r);
	users_free();
}

static void
test_idle(void)
{
	struct conn		a = { 1, 2, 42001, 110 };
	struct conn		b = { 1, 2, 42002, 110 };
	struct reasm		*r = mk(0, 0, 1000);
	struct reasm_stats	st;
	mt_time			t0;

	handshake(r, &a, 0, 100);
	t0 = clock_us;
	tx(r, &a, C2S, 1, 101, P, "a1", 0);
	clock_us += 600;
	handshake(r, &b, 0, 100);
	tx(r, &a, C2S, 7, 101, P, "a3", 0);		/* held, a touched */
	log_reset();
	reasm_expire(r, t0 + 900);
	CHECK(loglen == 0);
	reasm_expire(r, clock_us + 989);	/* b idle 999 us */
	CHECK(loglen == 0);
	reasm_expire(r, clock_us + 1000);	/* b 1010, a 1000 */
	CHECK_STR(logbuf,
	    "42002 close IDLE\n"
	    "42001 gap C2S 4\n"
	    "42001 data C2S 'a3'\n"
	    "42001 close IDLE\n");
	reasm_get_stats(r, &st);
	CHECK(st.evicted == 2);
	/* The flows are gone: a segment starts a new (mid-stream) flow. */
	log_reset();
	tx(r, &a, C2S, 9, 101, P, "x", 0);
	reasm_flush(r, clock_us);
	CHECK_STR(logbuf,
	    "new c:42001 s:110 syn=0 by_port=1\n"
	    "42001 anomaly capture_started_mid_connection (server port)\n"
	    "42001 data C2S 'x'\n"
	    "42001 anomaly one_sided_capture (c2s only)\n"
	    "42001 close END\n");
	reasm_free(r);
	users_free();
}

static void
test_ignored(void)
{
	struct conn		k = { 1, 2, 43000, 9999 };
	struct conn		o = { 1, 2, 43001, 110 };
	struct reasm		*r = mk(0, 0, 0);
	struct reasm_stats	st;

	ignore_port = 9999;
	handshake(r, &k, 0, 100);
	tx(r, &k, C2S, 1, 101, P, "secret", 0);
	tx(r, &k, C2S, 7, 101, PKT_FIN | A, NULL, 0);
	tx(r, &o, C2S, 1, 1, PKT_SYN, NULL, 0);
	reasm_flush(r, clock_us);
	CHECK_STR(logbuf,
	    "ignore c:43000 s:9999\n"
	    "new c:43001 s:110 syn=1 by_port=0\n"
	    "43001 hs 0\n"
	    "43001 close END\n");
	reasm_get_stats(r, &st);
	CHECK(st.flows == 2);
	ignore_port = 0;
	reasm_free(r);
	users_free();
}

static void
test_synack_first(void)
{
	struct conn	 k = { 1, 2, 44000, 110 };
	struct reasm	*r = mk(0, 0, 0);

	tx(r, &k, S2C, 700, 51, PKT_SYN | A, NULL, 0);
	tx(r, &k, C2S, 50, 0, PKT_SYN, NULL, 0);	/* late copy of the SYN */
	tx(r, &k, C2S, 51, 701, A, NULL, 0);
	tx(r, &k, S2C, 701, 51, P, "+OK", 0);
	reasm_flush(r, clock_us);
	CHECK_STR(logbuf,
	    "new c:44000 s:110 syn=1 by_port=0\n"
	    "44000 hs 1\n"
	    "44000 hs 2\n"
	    "44000 data S2C '+OK'\n"
	    "44000 close END\n");
	reasm_free(r);
	users_free();
}

static void
test_ipv6(void)
{
	struct reasm	*r = mk(0, 0, 0);
	struct pkt_tcp	 pk;

	memset(&pk, 0, sizeof(pk));
	pk.af = 6;
	pk.src[15] = 1;			/* ::1 port 45000 -> ::2 port 25 */
	pk.dst[15] = 2;
	pk.sport = 45000;
	pk.dport = 25;
	pk.flags = PKT_SYN;
	pk.seq = 9;
	pk.ts = ++clock_us;
	reasm_segment(r, &pk);
	memset(pk.src, 0, sizeof(pk.src));
	memset(pk.dst, 0, sizeof(pk.dst));
	pk.src[15] = 2;
	pk.dst[15] = 1;
	pk.sport = 25;
	pk.dport = 45000;
	pk.flags = PKT_SYN | PKT_ACK;
	pk.seq = 77;
	pk.ack = 10;
	pk.ts = ++clock_us;
	reasm_segment(r, &pk);
	reasm_flush(r, clock_us);
	CHECK_STR(logbuf,
	    "new c:45000 s:25 syn=1 by_port=0\n"
	    "45000 hs 0\n"
	    "45000 hs 1\n"
	    "45000 close END\n");
	reasm_free(r);
	users_free();
}

/* A fixed-seed generator, so the interleaving is reproducible. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

#define NFLOWS	40
#define NSEG	6

static void
test_many(void)
{
	struct conn		 k[NFLOWS];
	struct reasm		*r = mk(64, 0, 0);
	struct reasm_stats	 st;
	char			 text[NFLOWS][NSEG * 4 + 1];
	struct {
		int		 flow;
		int		 part;
	}			 q[NFLOWS * NSEG], tmp;
	uint32_t		 s = 12345, isn;
	size_t			 i, j, n = 0, ok = 0;
	char			 part[5];

	quiet = 1;
	for (i = 0; i < NFLOWS; i++) {
		k[i].cip = (uint8_t)(1 + i % 3);
		k[i].sip = 200;
		k[i].cport = (uint16_t)(50000 + i);
		k[i].sport = i % 2 ? 110 : 25;
		for (j = 0; j < NSEG * 4; j++)
			text[i][j] = (char)('a' + (i + j) % 26);
		text[i][NSEG * 4] = '\0';
		handshake(r, &k[i], (uint32_t)(i * 0x10000000u), 1);
		for (j = 0; j < NSEG; j++) {
			q[n].flow = (int)i;
			q[n].part = (int)j;
			n++;
		}
	}
	for (i = n - 1; i > 0; i--) {		/* shuffle every segment */
		j = rnd(&s) % (i + 1);
		tmp = q[i];
		q[i] = q[j];
		q[j] = tmp;
	}
	for (i = 0; i < n; i++) {
		isn = (uint32_t)(q[i].flow * 0x10000000u);
		memcpy(part, text[q[i].flow] + q[i].part * 4, 4);
		part[4] = '\0';
		tx(r, &k[q[i].flow], C2S, isn + 1 + (uint32_t)q[i].part * 4, 2,
		    P, part, 0);
		if (rnd(&s) % 4 == 0)		/* and some duplicates */
			tx(r, &k[q[i].flow], C2S,
			    isn + 1 + (uint32_t)q[i].part * 4, 2, P, part, 0);
	}
	for (i = 0; i < NFLOWS; i++) {
		isn = (uint32_t)(i * 0x10000000u);
		tx(r, &k[i], C2S, isn + 1 + NSEG * 4, 2, PKT_FIN | A, NULL, 0);
		tx(r, &k[i], S2C, 2, isn + 2 + NSEG * 4, PKT_FIN | A, NULL, 0);
	}
	CHECK(ndone == NFLOWS);
	CHECK(users == NULL);
	for (i = 0; i < ndone; i++) {
		j = done[i]->cport - 50000u;
		if (j < NFLOWS && done[i]->ngot[REASM_C2S] == NSEG * 4 &&
		    memcmp(done[i]->got[REASM_C2S], text[j], NSEG * 4) == 0 &&
		    done[i]->gaps[0] == 0 && done[i]->gaps[1] == 0)
			ok++;
	}
	CHECK(ok == NFLOWS);
	reasm_get_stats(r, &st);
	CHECK(st.flows == NFLOWS);
	CHECK(st.gaps == 0);
	CHECK(st.evicted == 0);
	quiet = 0;
	reasm_free(r);
	users_free();
}

/*
 * A known stream cut at random, reordered, duplicated, partly dropped and
 * partly snapped, through a small hold budget: every byte delivered must be
 * the stream's byte at that offset, and data plus gaps must reach the FIN.
 */
#define RLEN	3000
#define RSEGS	400

static void
test_random(void)
{
	static uint8_t		 stream[RLEN + 1];
	static const size_t	 holds[] = { 1, 16, 200, 100000 };
	struct {
		uint32_t	 off;
		uint32_t	 len;
		uint32_t	 wire;
	}			 sg[RSEGS], tmp;
	struct conn		 k = { 1, 2, 47000, 25 };
	struct reasm		*r;
	struct reasm_stats	 st;
	struct pkt_tcp		 pk;
	uint32_t		 s = 777, isn, off, len;
	size_t			 round, i, j, n, bad = 0, short_ = 0;

	for (i = 0; i < RLEN; i++)
		stream[i] = (uint8_t)('A' + rnd(&s) % 26);
	ref = stream;
	quiet = 1;
	for (round = 0; round < 200; round++) {
		r = mk(4, holds[round % 4], 0);
		isn = round % 3 == 0 ? 0xFFFFFF00u + (rnd(&s) % 200) : rnd(&s);
		/* pieces covering the stream, then extra random overlaps */
		for (n = 0, off = 0; off < RLEN && n < RSEGS / 2; n++) {
			len = 1 + rnd(&s) % 60;
			if (len > RLEN - off)
				len = RLEN - off;
			sg[n].off = off;
			sg[n].len = sg[n].wire = len;
			off += len;
		}
		if (off < RLEN) {		/* the rest in one piece */
			sg[n].off = off;
			sg[n].len = sg[n].wire = RLEN - off;
			n++;
		}
		for (; n < RSEGS; n++) {
			sg[n].off = rnd(&s) % RLEN;
			len = 1 + rnd(&s) % 120;
			if (len > RLEN - sg[n].off)
				len = RLEN - sg[n].off;
			sg[n].len = sg[n].wire = len;
		}
		for (i = 0; i < n; i++) {
			if (rnd(&s) % 20 == 0)
				sg[i].len = 0;			/* dropped */
			else if (rnd(&s) % 15 == 0)
				sg[i].len = rnd(&s) % sg[i].len; /* snapped */
		}
		for (i = 0; i + 1 < n; i++)		/* local reordering */
			if (rnd(&s) % 3 == 0) {
				j = i + 1 + rnd(&s) % (n - i - 1 < 8 ?
				    n - i - 1 : 8);
				tmp = sg[i];
				sg[i] = sg[j];
				sg[j] = tmp;
			}
		handshake(r, &k, isn, 1);
		for (i = 0; i < n; i++) {
			if (sg[i].len == 0 && sg[i].wire == sg[i].len)
				continue;
			if (sg[i].len == 0 && rnd(&s) % 2 == 0)
				continue;		/* lost entirely */
			memset(&pk, 0, sizeof(pk));
			pk.ts = ++clock_us;
			pk.af = 4;
			pk.src[0] = pk.dst[0] = 10;
			pk.src[3] = 1;
			pk.dst[3] = 2;
			pk.sport = k.cport;
			pk.dport = k.sport;
			pk.seq = isn + 1 + sg[i].off;
			pk.flags = P;
			pk.payload = stream + sg[i].off;
			pk.len = sg[i].len;
			pk.wire_len = sg[i].wire;
			reasm_segment(r, &pk);
		}
		tx(r, &k, C2S, isn + 1 + RLEN, 2, PKT_FIN | A, NULL, 0);
		reasm_flush(r, clock_us);
		CHECK(ndone == 1);
		if (ndone == 1) {
			if (done[0]->bad)
				bad++;
			if (done[0]->pos[REASM_C2S] != RLEN)
				short_++;
		}
		reasm_get_stats(r, &st);
		CHECK(st.held_peak <= holds[round % 4]);
		reasm_free(r);
		users_free();
	}
	CHECK(bad == 0);
	CHECK(short_ == 0);
	ref = NULL;
	quiet = 0;
}

/*
 * Hostile input: random flags, sequence numbers, ports and lengths into a
 * tiny table with a tiny budget.  Nothing may crash or leak, and every flow
 * handed to the owner is closed exactly once (t_close frees it: ASan).
 */
static void
test_chaos(void)
{
	static uint8_t		 junk[300];
	static const uint8_t	 fl[] = { PKT_SYN, PKT_SYN | PKT_ACK, PKT_ACK,
				    P, PKT_FIN | PKT_ACK, PKT_RST, PKT_RST | PKT_ACK,
				    PKT_SYN | PKT_FIN, 0 };
	struct reasm		*r;
	struct reasm_stats	 st;
	struct pkt_tcp		 pk;
	uint32_t		 s = 4242, base[4];
	size_t			 i, round;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)rnd(&s);
	for (round = 0; round < 20; round++) {
		r = mk(3, 1 + round * 7, 50);
		for (i = 0; i < 4; i++)
			base[i] = rnd(&s);
		quiet = 1;
		for (i = 0; i < 5000; i++) {
			memset(&pk, 0, sizeof(pk));
			clock_us += rnd(&s) % 20;
			pk.ts = clock_us;
			pk.af = rnd(&s) % 2 ? 4 : 6;
			pk.src[0] = pk.dst[0] = 10;
			pk.src[3] = (uint8_t)(1 + rnd(&s) % 2);
			pk.dst[3] = (uint8_t)(1 + rnd(&s) % 2);
			pk.sport = (uint16_t)(rnd(&s) % 3 ? 110 : 40000 + rnd(&s) % 3);
			pk.dport = (uint16_t)(rnd(&s) % 3 ? 110 : 40000 + rnd(&s) % 3);
			pk.seq = base[rnd(&s) % 4] + rnd(&s) % 400;
			if (rnd(&s) % 50 == 0)
				pk.seq = rnd(&s);
			pk.ack = rnd(&s);
			pk.flags = fl[rnd(&s) % sizeof(fl)];
			pk.len = rnd(&s) % 4 ? rnd(&s) % 60 : 0;
			pk.payload = pk.len > 0 || rnd(&s) % 2 ? junk +
			    rnd(&s) % 200 : NULL;
			pk.wire_len = rnd(&s) % 10 == 0 ? pk.len + rnd(&s) % 3000 :
			    rnd(&s) % 10 == 0 ? 0 : pk.len;
			reasm_segment(r, &pk);
			if (rnd(&s) % 100 == 0)
				reasm_expire(r, clock_us);
		}
		reasm_flush(r, clock_us);
		CHECK(users == NULL);		/* every flow was closed */
		reasm_get_stats(r, &st);
		CHECK(st.segments == 5000);
		CHECK(st.held_peak <= 3 * 2 * (1 + round * 7));
		quiet = 0;
		reasm_free(r);
		users_free();
	}
}

static void
test_free_unflushed(void)
{
	struct conn	 k = { 1, 2, 46000, 110 };
	struct reasm	*r = mk(0, 0, 0);

	handshake(r, &k, 0, 100);
	tx(r, &k, C2S, 50, 101, P, "held", 0);
	log_reset();
	reasm_free(r);			/* no callbacks, no leak */
	CHECK(loglen == 0);
	users_free();
	reasm_free(NULL);
}

/*
 * Order across the directions: a segment that acknowledges bytes of the
 * other direction not yet delivered waits for them.  (1) A reply captured
 * before the command it answers comes out after it.  (2) A command lost
 * by the capture: at the end of the flow its bytes are a gap, then the
 * reply follows, and the held FIN still makes the close a FIN.  (3) The
 * wait gives up after REASM_WAIT_SEGS segments held back: the gap, then
 * every held segment in order.
 */
/*
 * The hold budget of all flows together: two flows each under their own
 * budget, the second over the total, gives up its own hole (anomaly, gap)
 * instead of growing; the first keeps what it holds.
 */
static void
test_hold_total(void)
{
	struct conn		 k1 = { 1, 2, 40110, 110 }, k2 = { 1, 2, 40111, 110 };
	struct reasm		*r;
	struct reasm_stats	 st;

	mk_hold_total = 12;
	r = mk(0, 100, 0);
	mk_hold_total = 0;
	handshake(r, &k1, 0, 500);
	handshake(r, &k2, 0, 500);
	log_reset();
	tx(r, &k1, C2S, 5, 501, P, "aaaaaaaa", 0);	/* 1..4 missing: held */
	tx(r, &k2, C2S, 5, 501, P, "bbbbbbbb", 0);	/* 8 + 8 > 12 */
	CHECK_STR(logbuf,
	    "40111 anomaly hold_budget_exceeded (c2s)\n"
	    "40111 gap C2S 4\n"
	    "40111 data C2S 'bbbbbbbb'\n");
	tx(r, &k1, C2S, 1, 501, P, "xxxx", 0);		/* the hole fills */
	CHECK(strstr(logbuf, "40110 data C2S 'xxxx'\n"
	    "40110 data C2S 'aaaaaaaa'\n") != NULL);
	reasm_get_stats(r, &st);
	CHECK(st.held_peak <= 12);
	reasm_flush(r, clock_us);
	reasm_free(r);
	users_free();
}

static void
test_causal(void)
{
	struct conn	 k1 = { 1, 2, 40100, 110 }, k2 = { 1, 2, 40101, 110 };
	struct conn	 k3 = { 1, 2, 40102, 110 };
	struct reasm	*r = mk(0, 0, 0);
	char		 want[8192], line[64];
	size_t		 i;

	handshake(r, &k1, 0, 1000);
	tx(r, &k1, S2C, 1001, 1, P, "+OK hi..", 0);
	log_reset();
	/* the reply to "QUIT" (bytes 1..6) is captured first */
	tx(r, &k1, S2C, 1009, 7, P, "+OK bye..", 0);
	CHECK_STR(logbuf, "");
	tx(r, &k1, C2S, 1, 1009, P, "QUIT..", 0);
	CHECK_STR(logbuf,
	    "40100 data C2S 'QUIT..'\n"
	    "40100 data S2C '+OK bye..'\n");
	tx(r, &k1, S2C, 1018, 7, PKT_FIN | A, NULL, 0);
	tx(r, &k1, C2S, 7, 1019, PKT_FIN | A, NULL, 0);
	CHECK(strstr(logbuf, "40100 close FIN\n") != NULL);

	/* the command is never captured */
	handshake(r, &k2, 0, 1000);
	tx(r, &k2, S2C, 1001, 1, P, "+OK hi..", 0);
	log_reset();
	tx(r, &k2, S2C, 1009, 7, P, "+OK bye..", 0);
	tx(r, &k2, S2C, 1018, 7, PKT_FIN | A, NULL, 0);
	tx(r, &k2, C2S, 7, 1019, PKT_FIN | A, NULL, 0);
	CHECK_STR(logbuf, "");
	reasm_flush(r, clock_us);
	CHECK_STR(logbuf,
	    "40101 gap C2S 6\n"
	    "40101 data S2C '+OK bye..'\n"
	    "40101 close FIN\n");

	/* a wait that never ends on its own gives up in time */
	handshake(r, &k3, 0, 1000);
	log_reset();
	for (i = 0; i <= REASM_WAIT_SEGS_TEST; i++)
		tx(r, &k3, S2C, 1001 + (uint32_t)i, 11, P, "x", 0);
	snprintf(want, sizeof(want), "40102 gap C2S 10\n");
	for (i = 0; i <= REASM_WAIT_SEGS_TEST; i++)
		strcat(want, "40102 data S2C 'x'\n");
	CHECK_STR(logbuf, want);
	/* after the gap, the direction goes on without waiting */
	log_reset();
	tx(r, &k3, S2C, 1001 + (uint32_t)i, 11, P, "y", 0);
	snprintf(line, sizeof(line), "40102 data S2C 'y'\n");
	CHECK_STR(logbuf, line);
	reasm_flush(r, clock_us);
	reasm_free(r);
	users_free();
}

int
main(void)
{
	test_normal();
	test_split();
	test_reverse();
	test_own_times();
	test_retransmit();
	test_partial_overlap();
	test_overlap_differs();
	test_retransmit_differs();
	test_before_stream();
	test_wrap();
	test_causal();
	test_hold_total();
	test_midstream();
	test_one_sided();
	test_gap_at_flush();
	test_fin_with_hole();
	test_hold_budget();
	test_rst();
	test_refused();
	test_snapped();
	test_table_full();
	test_idle();
	test_ignored();
	test_synack_first();
	test_ipv6();
	test_many();
	test_random();
	test_chaos();
	test_free_unflushed();
	return check_done();
}
