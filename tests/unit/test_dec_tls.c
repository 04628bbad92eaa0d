/*
 * SPDX-License-Identifier: BSD-2-Clause
 * test_dec_tls.c - the decoder's TLS layer (src/decode/decode_tls.c)
 * driven through dec_packet() with real OpenSSL POP3S sessions
 * (tlsgen.h), their flights sent in chosen orders: reassembly gives each
 * direction in order, not the two in capture order, and the layer holds a
 * direction's bytes until the other side's hello was fed.
 *
 * - A HelloRetryRequest: the hold follows the handshake's state (after the
 *   HRR, the server waits for the second ClientHello, and that one is not
 *   held), in capture order and with the second ServerHello before or
 *   after the client's second flight.
 * - The hold at the budget's limit: many flows hold at once; what all
 *   flows hold stays within the shared byte budget, and each session
 *   either decodes or says memory_budget_exceeded.
 * - TLS 1.3 0-RTT: the client's early data, held behind its ClientHello
 *   until the ServerHello was fed, is tls_unsupported when the server
 *   accepted it (never tls_auth_failed), and skipped as the server
 *   skipped it when rejected (the session decodes).
 */
#include "check.h"
#include "decode.h"
#include "decode_int.h"
#include "tls.h"
#include "tlsgen.h"

#define NSESS	128

/* What one session recorded. */
struct sess {
	bool		 quit_ok;	/* 0xAD91 QUIT +OK */
	bool		 tls;		/* its TLS record had the facts */
	char		 group[MT_TLS_WORD_HARD];
	unsigned	 nan;		/* anomalies */
	unsigned	 budget;	/* ... memory_budget_exceeded */
	unsigned	 auth;		/* ... tls_auth_failed */
	char		 first_an[MT_FIELD_HARD + 40];
};

struct rsink {
	struct sink	 base;
	struct sess	 s[NSESS + 1];	/* by trace_rec.session */
	uint64_t	 nsess;
};

static int
rsink_rec(struct sink *sk, const struct trace_rec *r, struct mt_err *err)
{
	struct rsink	*rs = (struct rsink *)sk;
	struct sess	*s;

	(void)err;
	if (r->session == 0 || r->session > NSESS)
		return 0;
	if (r->session > rs->nsess)
		rs->nsess = r->session;
	s = &rs->s[r->session];
	if (r->event == 0) {
		if (s->nan++ == 0)
			snprintf(s->first_an, sizeof(s->first_an), "%s: %s",
			    an_name(r->anomaly), r->detail);
		if (r->anomaly == AN_MEM_BUDGET)
			s->budget++;
		if (r->anomaly == AN_TLS_AUTH)
			s->auth++;
		return 0;
	}
	if (r->event == 0xAD83 && r->has_tls) {
		s->tls = true;
		snprintf(s->group, sizeof(s->group), "%s", r->tls.group);
	}
	if (r->event == 0xAD91 && strcmp(r->intf, "QUIT") == 0 &&
	    strcmp(r->opr, "+OK") == 0)
		s->quit_ok = true;
	return 0;
}

static void
rsink_close(struct sink *sk)
{
	(void)sk;
}

static mt_time	clock_us = 1700000000000000LL;

/* One flow's TCP state: the next sequence number of each side. */
struct tflow {
	unsigned	 i;
	uint32_t	 next[2];
};

static void
tx(struct decoder *d, struct tflow *fl, int dir, unsigned flags,
    const uint8_t *p, size_t n)
{
	struct pkt_tcp	pk;

	memset(&pk, 0, sizeof(pk));
	clock_us += 10;
	pk.ts = clock_us;
	pk.af = 4;
	pk.src[0] = pk.dst[0] = 10;
	pk.src[1] = pk.dst[1] = (uint8_t)(fl->i >> 8);
	pk.src[2] = pk.dst[2] = (uint8_t)fl->i;
	pk.src[3] = dir == 0 ? 1 : 2;
	pk.dst[3] = dir == 0 ? 2 : 1;
	pk.sport = dir == 0 ? 40000 : 995;
	pk.dport = dir == 0 ? 995 : 40000;
	pk.seq = fl->next[dir];
	/*
	 * Only what the other side sent before in capture order is
	 * acknowledged: reassembly has no reason to wait, so the flights
	 * reach the layer in the order sent here.
	 */
	pk.ack = fl->next[!dir];
	pk.flags = (uint8_t)flags;
	pk.payload = p;
	pk.len = pk.wire_len = n;
	dec_packet(d, &pk);
	fl->next[dir] += (uint32_t)n + ((flags & (PKT_SYN | PKT_FIN)) ? 1 : 0);
}

static void
open_flow(struct decoder *d, struct tflow *fl, unsigned i)
{
	fl->i = i;
	fl->next[0] = 1000;
	fl->next[1] = 5000;
	tx(d, fl, 0, PKT_SYN, NULL, 0);
	tx(d, fl, 1, PKT_SYN | PKT_ACK, NULL, 0);
	tx(d, fl, 0, PKT_ACK, NULL, 0);
}

/* The client's first flight: its first record (the ClientHello) alone in
 * a segment, as a client writing its early data after it may send it. */
static bool	hello_alone;

/* Chunk k of g as segments of at most 1448 bytes. */
static void
send_chunk(struct decoder *d, struct tflow *fl, const struct tg *g, size_t k)
{
	const uint8_t	*b = g->bytes + g->ch[k].off;
	size_t		 off, n;

	for (off = 0; off < g->ch[k].len; off += n) {
		n = g->ch[k].len - off < 1448 ? g->ch[k].len - off : 1448;
		if (hello_alone && k == 0 && off == 0 && n > 5 &&
		    5 + ((size_t)b[3] << 8 | b[4]) < n)
			n = 5 + ((size_t)b[3] << 8 | b[4]);
		tx(d, fl, g->ch[k].dir, PKT_ACK | PKT_PSH,
		    g->bytes + g->ch[k].off + off, n);
	}
}

static void
close_flow(struct decoder *d, struct tflow *fl)
{
	tx(d, fl, 0, PKT_FIN | PKT_ACK, NULL, 0);
	tx(d, fl, 1, PKT_FIN | PKT_ACK, NULL, 0);
}

static const char *const pop3_say[] = {
	"S+OK POP3 ready\r\n", "CCAPA\r\n", "S+OK\r\nUSER\r\n.\r\n",
	"CSTAT\r\n", "S+OK 0 0\r\n", "CQUIT\r\n", "S+OK bye\r\n", NULL
};

/*
 * Decode nflows copies of g (one key log entry serves them all: the same
 * client random), each flow's chunks in the order ord (nord entries, then
 * the rest in order), the flows interleaved chunk by chunk so that they
 * all hold at once, with a budget of total bytes.  Returns the peak.
 */
static size_t
run(const struct tg *g, const struct tls_keylog *kl, const size_t *ord,
    size_t nord, unsigned nflows, size_t total, struct rsink *rs)
{
	static struct tflow	 fl[NSESS];
	struct dec_opts		 o;
	struct tracer		 tr;
	struct decoder		*d;
	struct dec_stats	 st;
	struct mt_err		 err;
	size_t			 k, c;
	unsigned		 i;

	memset(rs, 0, sizeof(*rs));
	rs->base.rec = rsink_rec;
	rs->base.close = rsink_close;
	trace_init(&tr, LEVEL_ADVANCED, REC_PCAP);
	CHECK(trace_add_sink(&tr, &rs->base) == 0);
	dec_opts_default(&o);
	o.bytes_total = total;
	o.keys = kl;
	if ((d = dec_new(&o, &tr, &err)) == NULL) {
		fprintf(stderr, "dec_new: %s\n", err.msg);
		exit(1);
	}
	for (i = 0; i < nflows; i++)
		open_flow(d, &fl[i], i);
	for (k = 0; k < g->nch; k++) {
		c = k < nord ? ord[k] : k;
		for (i = 0; i < nflows; i++)
			send_chunk(d, &fl[i], g, c);
	}
	for (i = 0; i < nflows; i++)
		close_flow(d, &fl[i]);
	dec_finish(d, clock_us);
	dec_get_stats(d, &st);
	dec_free(d);
	trace_close(&tr);
	return (size_t)st.bytes_peak;
}

static void
make(struct tg *g, bool hrr)
{
	struct tg_opt	o;

	memset(&o, 0, sizeof(o));
	o.version = TLS1_3_VERSION;
	if (hrr) {
		/* The client's key share is X25519's; the server takes
		 * P-256 only: it asks for a second ClientHello. */
		o.cgroups = "X25519:P-256";
		o.sgroups = "P-256";
	}
	o.say = pop3_say;
	tg_make(g, &o);
	if (!g->ok)
		tg_die("handshake");
}

/* The flights' order is what the test assumes: check it. */
static bool
dirs_are(const struct tg *g, const char *want)
{
	size_t	k;

	for (k = 0; want[k] != '\0'; k++)
		if (k >= g->nch || g->ch[k].dir != (want[k] == 'S'))
			return false;
	return true;
}

static void
show(const struct rsink *rs, const char *what)
{
	uint64_t	i;

	for (i = 1; i <= rs->nsess; i++)
		if (rs->s[i].nan > 0 || !rs->s[i].quit_ok)
			fprintf(stderr, "%s: session %llu: %s%s\n", what,
			    (unsigned long long)i, rs->s[i].quit_ok ? "" :
			    "no QUIT +OK; ", rs->s[i].first_an);
}

/* Every one of n sessions decoded, with no anomaly. */
static bool
all_decoded(const struct rsink *rs, unsigned n, const char *group)
{
	unsigned	i;

	if (rs->nsess != n)
		return false;
	for (i = 1; i <= n; i++)
		if (!rs->s[i].quit_ok || rs->s[i].nan != 0 || !rs->s[i].tls ||
		    strcmp(rs->s[i].group, group) != 0)
			return false;
	return true;
}

/*
 * A HelloRetryRequest.  The flights: 0 C ClientHello, 1 S
 * HelloRetryRequest (and the compatibility ChangeCipherSpec), 2 C its
 * ChangeCipherSpec and the second ClientHello, 3 S the second ServerHello
 * to its Finished, 4 C Finished, then POP3.
 */
static void
test_hrr(void)
{
	static const size_t	natural[] = { 0, 1, 2, 3, 4 };
	static const size_t	sh_first[] = { 0, 1, 3, 2, 4 };
	static const size_t	sh_last[] = { 0, 1, 2, 4, 3 };
	struct tg		 g;
	struct tls_keylog	*kl;
	struct mt_err		 err;
	struct rsink		 rs;
	size_t			 peak;

	make(&g, true);
	CHECK(dirs_are(&g, "CSCSCS"));
	if ((kl = tls_keylog_new(&err)) == NULL ||
	    tls_keylog_add_text(kl, g.keylog, g.klen, "test", &err) != 0)
		tg_die("key log");

	/*
	 * In capture order nothing waits: the second ClientHello answers
	 * the HelloRetryRequest, the second ServerHello answers it.  So no
	 * hold is taken (its 64 KiB would be in the peak), and a budget too
	 * small for one changes nothing.
	 */
	peak = run(&g, kl, natural, 5, 1, 0, &rs);
	show(&rs, "hrr in order");
	CHECK(all_decoded(&rs, 1, "secp256r1"));
	CHECK(peak < DEC_TLS_HOLD_HARD);
	peak = run(&g, kl, natural, 5, 1, DEC_TLS_HOLD_HARD - 1, &rs);
	show(&rs, "hrr in order, a small budget");
	CHECK(all_decoded(&rs, 1, "secp256r1"));
	CHECK(peak < DEC_TLS_HOLD_HARD);

	/* The second ServerHello reassembled before the second ClientHello:
	 * it waits for it, as the first waits for the first. */
	(void)run(&g, kl, sh_first, 5, 1, 0, &rs);
	show(&rs, "hrr, the second ServerHello first");
	CHECK(all_decoded(&rs, 1, "secp256r1"));

	/* The client's Finished before the second ServerHello: it waits. */
	(void)run(&g, kl, sh_last, 5, 1, 0, &rs);
	show(&rs, "hrr, the client's Finished first");
	CHECK(all_decoded(&rs, 1, "secp256r1"));

	tls_keylog_free(kl);
	tg_free(&g);
}

#define NFLOWS		64
#define TOTAL		(64 * 1024)

/*
 * The hold at the budget's limit: NFLOWS flows each hold a direction at
 * once (a hold grows from DEC_TLS_HOLD_MIN as bytes come: with the
 * records' buffers, 64 of them want about 150 KB) under a budget of
 * 64 KiB.  The
 * flights: 0 C ClientHello, 1 S ServerHello to Finished, 2 C Finished,
 * then POP3.  Half the flows: the client's Finished before the
 * ServerHello; the other half: the server's flight before the ClientHello.
 */
static void
test_budget(void)
{
	static const size_t	client_first[] = { 0, 2, 1 };
	static const size_t	server_first[] = { 1, 0, 2 };
	struct tg		 g;
	struct tls_keylog	*kl;
	struct mt_err		 err;
	struct rsink		 rs;
	size_t			 peak;
	unsigned		 i, decoded, budget;
	int			 v;

	make(&g, false);
	CHECK(dirs_are(&g, "CSCS"));
	if ((kl = tls_keylog_new(&err)) == NULL ||
	    tls_keylog_add_text(kl, g.keylog, g.klen, "test", &err) != 0)
		tg_die("key log");
	for (v = 0; v < 2; v++) {
		const size_t	*ord = v == 0 ? client_first : server_first;

		/*
		 * Unbounded: every flow holds (the holds are in the budget:
		 * the peak has them all) and every session decodes.
		 */
		peak = run(&g, kl, ord, 3, NFLOWS, SIZE_MAX / 2, &rs);
		show(&rs, "unbounded");
		printf("unbounded: peak %zu bytes\n", peak);
		CHECK(all_decoded(&rs, NFLOWS, "x25519"));
		CHECK(peak >= (size_t)NFLOWS * DEC_TLS_HOLD_MIN);

		/*
		 * 64 KiB: the peak stays within it; a flow whose hold found
		 * no room says so (its bytes went in at once, out of order:
		 * it does not decode), every other decodes.
		 */
		peak = run(&g, kl, ord, 3, NFLOWS, TOTAL, &rs);
		printf("%s first: peak %zu of %d bytes\n", v == 0 ? "client" :
		    "server", peak, TOTAL);
		CHECK(peak <= TOTAL);
		CHECK(rs.nsess == NFLOWS);
		decoded = budget = 0;
		for (i = 1; i <= NFLOWS; i++) {
			if (rs.s[i].quit_ok && rs.s[i].nan == 0)
				decoded++;
			else if (rs.s[i].budget > 0)
				budget++;
			else
				fprintf(stderr, "session %u: %s\n", i,
				    rs.s[i].first_an);
		}
		printf("  %u decoded, %u memory_budget_exceeded\n", decoded,
		    budget);
		CHECK(decoded + budget == NFLOWS);
		CHECK(decoded >= 1);
		CHECK(budget >= 1);
	}
	tls_keylog_free(kl);
	tg_free(&g);
}

/*
 * TLS 1.3 0-RTT: POP3S sessions resuming one whose ticket allows early
 * data, the client writing "CAPA" as early data after its ClientHello.
 * The flights: 0 C ClientHello, ChangeCipherSpec, early data; 1 S
 * ServerHello to Finished; 2 C (EndOfEarlyData,) Finished; then POP3.  The
 * early data in the ClientHello's segment reaches the layer before the
 * ServerHello; in a segment of its own it is held until the ServerHello
 * was fed.  Either way: accepted, the session says tls_unsupported and
 * stays encrypted; rejected (the server refuses it, resumes in full, or
 * asks for a second ClientHello), the client did not write it again and
 * the session decodes as the server read it.
 */
static void
test_early(void)
{
	static const char	*groups[] = { "x25519", "x25519", "x25519",
		"secp256r1" };
	struct tg		 g;
	struct tg_opt		 o;
	struct tls_keylog	*kl;
	struct mt_err		 err;
	struct rsink		 rs;
	int			 v, alone;

	for (v = 0; v < 4; v++) {
		memset(&o, 0, sizeof(o));
		o.version = TLS1_3_VERSION;
		o.say = pop3_say;
		o.early = "CAPA\r\n";
		o.early_reject = v < 3 ? v : 0;
		if (v == 3) {
			o.cgroups = "X25519:P-256";
			o.sgroups = "P-256";
		}
		tg_make(&g, &o);
		if (!g.ok)
			tg_die("handshake");
		CHECK(g.early == (v == 0 ? SSL_EARLY_DATA_ACCEPTED :
		    SSL_EARLY_DATA_REJECTED));
		if ((kl = tls_keylog_new(&err)) == NULL ||
		    tls_keylog_add_text(kl, g.keylog, g.klen, "test",
		    &err) != 0)
			tg_die("key log");
		for (alone = 0; alone < 2; alone++) {
			hello_alone = alone == 1;
			(void)run(&g, kl, NULL, 0, 1, 0, &rs);
			hello_alone = false;
			if (v > 0) {
				show(&rs, "0-RTT rejected");
				CHECK(all_decoded(&rs, 1, groups[v]));
				continue;
			}
			CHECK(rs.nsess == 1);
			CHECK(!rs.s[1].quit_ok && rs.s[1].tls);
			CHECK(rs.s[1].auth == 0);
			CHECK_STR(rs.s[1].first_an, "tls_unsupported: 0-RTT "
			    "early data is not decrypted");
		}
		tls_keylog_free(kl);
		tg_free(&g);
	}
}

int
main(void)
{
	test_hrr();
	test_budget();
	test_early();
	return check_done();
}
