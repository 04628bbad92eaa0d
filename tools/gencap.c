/*
 * SPDX-License-Identifier: BSD-2-Clause
 * gencap.c - write a large benchmark capture of many interleaved POP3 and
 * SMTP sessions, and the ground truth of its steps.
 *
 * Usage: gencap [--flows N] [--concurrent K] [--size MB] [--lossy]
 *               [--seed S] -o OUT.pcap --truth TRUTH.txt
 *
 * Every session is a real TCP connection (Ethernet, IPv4, SYN / SYN-ACK /
 * ACK with an MSS option, data with correct sequence and acknowledgement
 * numbers, a pure ACK every second full segment of a long transfer, FINs
 * from both sides).  K sessions are open at once: each packet comes from a
 * session picked at random among the open ones, and a session that ends is
 * replaced by a new one until --flows sessions were started or the file
 * would pass --size MB.  Payload is cut at the MSS (1460) and, for some
 * segments, at a random smaller size, so lines and commands straddle
 * segments.
 *
 * POP3 (port 110): greeting, CAPA (multi-line), USER, PASS, STAT, UIDL,
 * then for each of 1..5 messages LIST n and RETR n (2-200 KB, log-uniform,
 * dot-stuffed, some lines starting with '.', some lone '.' lines), DELE for
 * some, QUIT.  SMTP (25, 587): greeting, EHLO (multi-line), AUTH PLAIN on
 * 587 (with an initial response or after a 334), 1..3 transactions of MAIL,
 * 1..6 RCPT (about 15% refused with 550, at least one accepted), DATA, the
 * message (2-500 KB), '.', 250 (RSET between transactions for some),
 * QUIT.  About a third of the SMTP sessions pipeline (RFC 2920): MAIL, the
 * RCPTs and DATA in one flight, the replies together.
 *
 * --lossy disturbs the packet order without losing a byte: within a run of
 * one direction's data segments, some segments are swapped with one up to
 * 4 places later, some are retransmitted (an identical copy 2-8 packets
 * later), some duplicated (a copy right after), and a few SYNs are sent
 * twice.  The disturbances draw from their own random stream, so the same
 * seed gives the same sessions, contents and ground truth with and without
 * --lossy.
 *
 * The ground truth has one line per command/response step,
 * "<client-ip>:<port> <int> <opr>" in the vocabulary of docs/records.md
 * (int and opr of the step's "after" record): "connect-mail-server +OK",
 * "RETR 1 +OK", "RCPT TO:<x@y> 550", ". 250", "SEND USER PASS 235".
 *
 * Written with libpcap's dump API; deterministic for a seed (on one byte
 * order: the pcap file header is in host order).  IPv4 and TCP checksums
 * are computed (RFC 1071).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#define GC_MSS		1460
#define GC_T0		1700000000000000LL	/* first packet, us */
#define GC_POOL		(4u * 1024 * 1024)	/* text the messages come from */
#define GC_MSG_MAX	(512u * 1024)
#define GC_FRAME_MAX	(14 + 20 + 24 + GC_MSS)
#define GC_PORT_SPAN	64000			/* client ports 1024..65023 */

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_PSH	0x08
#define TH_ACK	0x10

enum { C2S, S2C };
enum { P_POP3, P_SMTP };

/* splitmix64: small, fast, and the same everywhere. */
struct rng {
	uint64_t	s;
};

static uint64_t
rnext(struct rng *r)
{
	uint64_t	z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint32_t
rnd(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)((rnext(r) >> 32) * n >> 32) : 0;
}

/* True with probability num/den. */
static bool
chance(struct rng *r, uint32_t num, uint32_t den)
{
	return rnd(r, den) < num;
}

/* Log-uniform in [lo, hi]: many small messages, some large. */
static uint32_t
logsize(struct rng *r, uint32_t lo, uint32_t hi)
{
	double	u = (double)(rnext(r) >> 11) / 9007199254740992.0;

	return (uint32_t)(lo * exp(u * log((double)hi / lo)));
}

/* A growable byte string. */
struct sbuf {
	char	*p;
	size_t	 n, cap;
};

static void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n ? n : 1)) == NULL) {
		fprintf(stderr, "gencap: out of memory\n");
		exit(1);
	}
	return p;
}

static void
sb_add(struct sbuf *b, const void *p, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void sb_printf(struct sbuf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char	tmp[1024];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		sb_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n :
		    sizeof(tmp) - 1);
}

/*
 * One exchange: what the client sends, then what the server answers.  A
 * message (msize > 0) follows the text of side mside, and is ended by
 * ".\r\n": a POP3 RETR body after "+OK", an SMTP message after DATA's 354.
 */
struct xchg {
	char		*c;		/* client text (NULL: none) */
	char		*s;		/* server text (NULL: none) */
	uint32_t	 msize;		/* message bytes (0: none) */
	uint8_t		 mside;
	uint64_t	 mseed;
	int		 csplit;	/* cut the client text in two segments */
};

/* One packet to send. */
struct pd {
	uint8_t		 dir;
	uint8_t		 flags;
	uint8_t		 mssopt;	/* SYN / SYN-ACK: MSS option */
	uint32_t	 seq, ack;
	uint32_t	 off, len;	/* payload in the session's buffer */
};

struct sess {
	uint64_t	 idx;
	struct rng	 r;		/* contents */
	int		 proto;
	uint32_t	 ip[2];		/* client, server */
	uint16_t	 port[2];
	uint32_t	 nxt[2];	/* next sequence number per direction */
	uint16_t	 ipid[2];
	struct xchg	*x;
	int		 nx, ix;
	int		 phase;		/* 0 handshake, 1 exchanges, 2 close, 3 done */
	uint8_t		*buf;		/* bytes of the current exchange */
	size_t		 bcap;
	struct pd	*q;		/* packets of the current exchange */
	int		 nq, iq, qcap;
	uint64_t	 planned;	/* estimated capture bytes */
};

struct gc {
	/* options */
	uint64_t	 flows;
	int		 concurrent;
	uint64_t	 size;
	bool		 lossy;
	uint64_t	 seed;
	/* state */
	struct rng	 sched;		/* which session sends next */
	struct rng	 loss;		/* --lossy disturbances */
	char		*pool;		/* message text, stuffed lines */
	uint32_t	*lstart;	/* line starts in the pool */
	uint32_t	 nlines;
	size_t		 poollen;
	struct sess	**act;
	int		 nact;
	uint64_t	 started;
	uint64_t	 committed;	/* bytes written + planned by open sessions */
	int64_t		 now;
	pcap_dumper_t	*dump;
	FILE		*truth;
	uint64_t	 packets, bytes, steps;
	uint8_t		 frame[GC_FRAME_MAX + 64];
};

static const char *const words[] = {
	"the", "report", "meeting", "quarter", "budget", "please", "review",
	"attached", "server", "mailbox", "delivery", "status", "customer",
	"invoice", "schedule", "project", "update", "regards", "thanks",
	"tomorrow", "network", "capture", "protocol", "message", "account",
	"with", "from", "about", "before", "after", "should", "would", "could",
	"numbers", "final", "draft", "version", "team", "office", "weekly",
	"a", "an", "of", "to", "in", "on", "for", "and", "is", "it", "we", "you"
};

/*
 * The text pool: lines already dot-stuffed (RFC 1939 3, RFC 5321 4.5.2),
 * so no slice of it holds "\r\n.\r\n".  Prose lines, base64-like lines,
 * empty lines, lines that start with '.' (sent as ".."), and lone '.'
 * lines (sent as "..").
 */
static void
make_pool(struct gc *g)
{
	struct rng	r = { g->seed ^ 0x706f6f6cULL };
	size_t		n = 0, cap = 1u << 18;
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	g->pool = xrealloc(NULL, GC_POOL + 256);
	g->lstart = xrealloc(NULL, cap * sizeof(*g->lstart));
	while (n < GC_POOL) {
		char		*p = g->pool + n;
		uint32_t	 k = rnd(&r, 1000), len = 0, want;

		if (g->nlines == cap) {
			cap *= 2;
			g->lstart = xrealloc(g->lstart, cap *
			    sizeof(*g->lstart));
		}
		g->lstart[g->nlines++] = (uint32_t)n;
		if (k < 4) {			/* a lone '.', stuffed */
			memcpy(p, "..", 2);
			len = 2;
		} else if (k < 12) {		/* ".signature" style */
			memcpy(p, "..", 2);
			len = 2;
			want = 10 + rnd(&r, 50);
			while (len < want) {
				const char *w = words[rnd(&r,
				    sizeof(words) / sizeof(words[0]))];

				len += (uint32_t)snprintf(p + len, 96, "%s ",
				    w);
			}
		} else if (k < 80) {		/* empty line */
			len = 0;
		} else if (k < 400) {		/* base64 */
			for (len = 0; len < 76; len++)
				p[len] = b64[rnd(&r, 64)];
		} else {			/* prose */
			want = 20 + rnd(&r, 58);
			while (len < want) {
				const char *w = words[rnd(&r,
				    sizeof(words) / sizeof(words[0]))];

				len += (uint32_t)snprintf(p + len, 96, "%s ",
				    w);
			}
			p[len - 1] = '.';
		}
		p[len] = '\r';
		p[len + 1] = '\n';
		n += len + 2;
	}
	g->poollen = n;
}

/*
 * A message of about size bytes on the wire (stuffed, without the final
 * ".\r\n") into b: headers, then whole lines of the pool.
 */
static void
make_msg(struct gc *g, struct sbuf *b, uint32_t size, uint64_t seed)
{
	struct rng	r = { seed };
	size_t		start = b->n, from, to;
	uint32_t	line;

	sb_printf(b, "Return-Path: <user%u@example.org>\r\n"
	    "Received: from client%u.example.net (client%u.example.net "
	    "[10.%u.%u.%u])\r\n\tby mx.example.com (Postfix) with ESMTPS id "
	    "%08X%04X\r\n\tfor <box%u@example.com>; Tue, 14 Nov 2023 "
	    "22:%02u:%02u +0000 (UTC)\r\n",
	    rnd(&r, 5000), rnd(&r, 900), rnd(&r, 900), 1 + rnd(&r, 8),
	    rnd(&r, 256), 1 + rnd(&r, 254), (unsigned)rnext(&r),
	    rnd(&r, 65536), rnd(&r, 5000), rnd(&r, 60), rnd(&r, 60));
	sb_printf(b, "From: Sender %u <user%u@example.org>\r\n"
	    "To: <box%u@example.com>\r\nSubject: %s %s %u\r\n"
	    "Date: Tue, 14 Nov 2023 22:%02u:%02u +0000\r\n"
	    "Message-ID: <%016" PRIx64 "@example.org>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=us-ascii\r\n\r\n",
	    rnd(&r, 900), rnd(&r, 5000), rnd(&r, 5000),
	    words[rnd(&r, 20)], words[rnd(&r, 20)], rnd(&r, 1000),
	    rnd(&r, 60), rnd(&r, 60), rnext(&r));
	if (b->n - start >= size)
		return;
	/* Whole lines from a random line of the pool. */
	do
		line = rnd(&r, g->nlines);
	while (g->poollen - g->lstart[line] < GC_MSG_MAX + 1024);
	from = g->lstart[line];
	to = from + (size - (b->n - start));
	while (to < g->poollen && !(g->pool[to - 1] == '\n'))
		to++;
	sb_add(b, g->pool + from, to - from);
}

/* Truth line for a step. */
static void
truth(struct gc *g, struct sess *s, const char *intf, const char *opr)
{
	fprintf(g->truth, "10.%u.%u.%u:%u %s %s\n", (s->ip[C2S] >> 16) & 255,
	    (s->ip[C2S] >> 8) & 255, s->ip[C2S] & 255, s->port[C2S], intf,
	    opr);
	g->steps++;
}

static char *
xstrdup(const char *s)
{
	size_t	n = strlen(s) + 1;

	return memcpy(xrealloc(NULL, n), s, n);
}

static struct xchg *
addx(struct sess *s, const char *c, const char *sv)
{
	struct xchg	*x;

	s->x = xrealloc(s->x, (size_t)(s->nx + 1) * sizeof(*s->x));
	x = &s->x[s->nx++];
	memset(x, 0, sizeof(*x));
	x->c = c ? xstrdup(c) : NULL;
	x->s = sv ? xstrdup(sv) : NULL;
	s->planned += (c ? strlen(c) : 0) + (sv ? strlen(sv) : 0) + 200;
	x->csplit = c && strlen(c) > 6 && chance(&s->r, 1, 20);
	return x;
}

/* A command and its one-line reply, with its truth line. */
static void
cmd(struct gc *g, struct sess *s, const char *c, const char *reply,
    const char *intf, const char *opr)
{
	char	line[512];

	snprintf(line, sizeof(line), "%s\r\n", c);
	addx(s, line, reply);
	truth(g, s, intf ? intf : c, opr);
}

static void
plan_pop3(struct gc *g, struct sess *s)
{
	struct rng	*r = &s->r;
	struct sbuf	 b = { 0 };
	char		 c[128], rep[256];
	uint32_t	 nmsg = 1 + rnd(r, 5), i, sz[5], total = 0;
	unsigned	 user = rnd(r, 100000);
	struct xchg	*x;

	for (i = 0; i < nmsg; i++) {
		sz[i] = logsize(r, 2048, 200 * 1024);
		total += sz[i];
	}
	snprintf(rep, sizeof(rep), "+OK POP3 server ready <%u.%u@pop.example."
	    "com>\r\n", rnd(r, 100000), 1700000000u + rnd(r, 1000));
	addx(s, NULL, rep);
	truth(g, s, "connect-mail-server", "+OK");
	cmd(g, s, "CAPA", "+OK Capability list follows\r\nTOP\r\nUIDL\r\n"
	    "USER\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n"
	    "SASL PLAIN LOGIN\r\nIMPLEMENTATION Example-POP3\r\n.\r\n", NULL,
	    "+OK");
	snprintf(c, sizeof(c), "USER user%05u", user);
	cmd(g, s, c, "+OK\r\n", NULL, "+OK");
	snprintf(c, sizeof(c), "PASS secret%u", rnd(r, 1000000));
	cmd(g, s, c, "+OK Logged in.\r\n", "PASS", "+OK");
	snprintf(rep, sizeof(rep), "+OK %u %u\r\n", nmsg, total);
	cmd(g, s, "STAT", rep, NULL, "+OK");
	sb_add(&b, "+OK\r\n", 5);
	for (i = 0; i < nmsg; i++)
		sb_printf(&b, "%u %08x%08x\r\n", i + 1, (unsigned)rnext(r),
		    (unsigned)rnext(r));
	sb_add(&b, ".\r\n", 3);
	cmd(g, s, "UIDL", b.p, NULL, "+OK");
	free(b.p);
	for (i = 0; i < nmsg; i++) {
		snprintf(c, sizeof(c), "LIST %u", i + 1);
		snprintf(rep, sizeof(rep), "+OK %u %u\r\n", i + 1, sz[i]);
		cmd(g, s, c, rep, NULL, "+OK");
		snprintf(c, sizeof(c), "RETR %u", i + 1);
		snprintf(rep, sizeof(rep), "+OK %u octets\r\n", sz[i]);
		cmd(g, s, c, rep, NULL, "+OK");
		x = &s->x[s->nx - 1];
		x->msize = sz[i];
		x->mside = S2C;
		x->mseed = rnext(r);
		s->planned += sz[i] + sz[i] / 1460 * 90;
	}
	for (i = 0; i < nmsg; i++)
		if (chance(r, 1, 2)) {
			snprintf(c, sizeof(c), "DELE %u", i + 1);
			snprintf(rep, sizeof(rep), "+OK message %u deleted\r\n",
			    i + 1);
			cmd(g, s, c, rep, NULL, "+OK");
		}
	cmd(g, s, "QUIT", "+OK Logging out.\r\n", NULL, "+OK");
}

static const char b64a[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* RFC 4648 base64 of p[0..n) into out (4 * ceil(n / 3) + 1 bytes). */
static void
b64(char *out, const uint8_t *p, size_t n)
{
	size_t		i;
	uint32_t	v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		*out++ = b64a[v >> 18];
		*out++ = b64a[(v >> 12) & 63];
		*out++ = b64a[(v >> 6) & 63];
		*out++ = b64a[v & 63];
	}
	if (i < n) {
		v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 :
		    0);
		*out++ = b64a[v >> 18];
		*out++ = b64a[(v >> 12) & 63];
		*out++ = i + 1 < n ? b64a[(v >> 6) & 63] : '=';
		*out++ = '=';
	}
	*out = '\0';
}

static void
plan_smtp(struct gc *g, struct sess *s)
{
	struct rng	*r = &s->r;
	char		 c[256], rep[256], ir[80];
	uint32_t	 ntx = 1 + (chance(r, 1, 3) ? 1 + rnd(r, 2) : 0), t, i;
	bool		 pipe = chance(r, 1, 3), auth = s->port[S2C] == 587;
	struct xchg	*x;

	addx(s, NULL, "220 mx.example.com ESMTP Postfix\r\n");
	truth(g, s, "connect-mail-server", "220");
	snprintf(c, sizeof(c), "EHLO client%u.example.net", rnd(r, 900));
	cmd(g, s, c, "250-mx.example.com\r\n250-PIPELINING\r\n"
	    "250-SIZE 52428800\r\n250-ETRN\r\n250-AUTH PLAIN LOGIN\r\n"
	    "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 DSN\r\n", NULL,
	    "250");
	if (auth) {
		char		plain[48];
		int		pn;

		/* RFC 4616: authzid NUL authcid NUL passwd, in base64. */
		pn = snprintf(plain, sizeof(plain), "%cuser%05u%csecret%u", 0,
		    rnd(r, 100000), 0, rnd(r, 1000000));
		b64(ir, (const uint8_t *)plain, (size_t)pn);
		if (chance(r, 1, 2)) {
			/* Initial response: one step, the mechanism only. */
			snprintf(c, sizeof(c), "AUTH PLAIN %s", ir);
			cmd(g, s, c, "235 2.7.0 Authentication successful\r\n",
			    "AUTH PLAIN", "235");
		} else {
			cmd(g, s, "AUTH PLAIN", "334 \r\n", NULL, "334");
			cmd(g, s, ir, "235 2.7.0 Authentication successful\r\n",
			    "SEND USER PASS", "235");
		}
	}
	for (t = 0; t < ntx; t++) {
		uint32_t	 nrc = 1 + rnd(r, 6), ok = 0, base = rnd(r, 90000);
		bool		 refuse[6];
		struct sbuf	 cb = { 0 }, sb = { 0 };
		char		 from[96];

		if (t > 0 && chance(r, 1, 2))
			cmd(g, s, "RSET", "250 2.0.0 Ok\r\n", NULL, "250");
		for (i = 0; i < nrc; i++) {
			refuse[i] = chance(r, 15, 100);
			ok += !refuse[i];
		}
		if (ok == 0)
			refuse[rnd(r, nrc)] = false;
		snprintf(from, sizeof(from), "MAIL FROM:<user%u@example.org>",
		    rnd(r, 100000));
		if (pipe) {
			/* RFC 2920: the whole envelope and DATA in one go. */
			sb_printf(&cb, "%s\r\n", from);
			sb_printf(&sb, "250 2.1.0 Ok\r\n");
			truth(g, s, from, "250");
			for (i = 0; i < nrc; i++) {
				snprintf(c, sizeof(c), "RCPT TO:<box%u@"
				    "example.com>", base + i);
				sb_printf(&cb, "%s\r\n", c);
				sb_printf(&sb, refuse[i] ? "550 5.1.1 <box%u@"
				    "example.com>: Recipient address rejected: "
				    "User unknown\r\n" : "250 2.1.5 Ok\r\n",
				    base + i);
				truth(g, s, c, refuse[i] ? "550" : "250");
			}
			sb_printf(&cb, "DATA\r\n");
			sb_printf(&sb, "354 End data with <CR><LF>.<CR><LF>\r\n");
			truth(g, s, "DATA", "354");
			x = addx(s, cb.p, sb.p);
			x->csplit = 0;
		} else {
			cmd(g, s, from, "250 2.1.0 Ok\r\n", NULL, "250");
			for (i = 0; i < nrc; i++) {
				snprintf(c, sizeof(c), "RCPT TO:<box%u@"
				    "example.com>", base + i);
				snprintf(rep, sizeof(rep), refuse[i] ?
				    "550 5.1.1 <box%u@example.com>: Recipient "
				    "address rejected: User unknown\r\n" :
				    "250 2.1.5 Ok\r\n", base + i);
				cmd(g, s, c, rep, NULL, refuse[i] ? "550" :
				    "250");
			}
			cmd(g, s, "DATA", "354 End data with <CR><LF>.<CR>"
			    "<LF>\r\n", NULL, "354");
		}
		free(cb.p);
		free(sb.p);
		snprintf(rep, sizeof(rep), "250 2.0.0 Ok: queued as %08X%04X\r\n",
		    (unsigned)rnext(r), rnd(r, 65536));
		x = addx(s, "", rep);
		x->msize = logsize(r, 2048, 500 * 1024);
		x->mside = C2S;
		x->mseed = rnext(r);
		s->planned += x->msize + x->msize / 1460 * 90;
		truth(g, s, ".", "250");
	}
	cmd(g, s, "QUIT", "221 2.0.0 Bye\r\n", NULL, "221");
}

static struct sess *
sess_new(struct gc *g)
{
	struct sess	*s = xrealloc(NULL, sizeof(*s));
	uint64_t	 i = g->started++;
	uint32_t	 k;

	memset(s, 0, sizeof(*s));
	s->idx = i;
	s->r.s = g->seed * 0x100000001b3ULL + i * 0x9e3779b97f4a7c15ULL + 1;
	(void)rnext(&s->r);
	/* Unique client address and port: the port cycles, the /16 moves. */
	k = rnd(&s->r, 8 * 254);
	s->ip[C2S] = (10u << 24) | ((uint32_t)(1 + i / GC_PORT_SPAN % 250)
	    << 16) | ((k / 254) << 8) | (1 + k % 254);
	s->port[C2S] = (uint16_t)(1024 + i % GC_PORT_SPAN);
	k = rnd(&s->r, 100);
	s->proto = k < 50 ? P_POP3 : P_SMTP;
	if (s->proto == P_POP3) {
		s->ip[S2C] = (192u << 24) | (0 << 16) | (2 << 8) |
		    (10 + (k & 1));
		s->port[S2C] = 110;
	} else {
		s->ip[S2C] = (198u << 24) | (51 << 16) | (100 << 8) | 25;
		s->port[S2C] = k < 75 ? 25 : 587;
	}
	s->nxt[C2S] = (uint32_t)rnext(&s->r);
	s->nxt[S2C] = (uint32_t)rnext(&s->r);
	s->ipid[C2S] = (uint16_t)rnext(&s->r);
	s->ipid[S2C] = (uint16_t)rnext(&s->r);
	s->planned = 800;
	if (s->proto == P_POP3)
		plan_pop3(g, s);
	else
		plan_smtp(g, s);
	g->committed += s->planned;
	return s;
}

static void
sess_free(struct sess *s)
{
	int	i;

	for (i = 0; i < s->nx; i++) {
		free(s->x[i].c);
		free(s->x[i].s);
	}
	free(s->x);
	free(s->buf);
	free(s->q);
	free(s);
}

/* Room for one more packet in the queue. */
static void
qroom(struct sess *s)
{
	if (s->nq == s->qcap) {
		s->qcap = s->qcap ? s->qcap * 2 : 64;
		s->q = xrealloc(s->q, (size_t)s->qcap * sizeof(*s->q));
	}
}

static struct pd *
qadd(struct sess *s, int dir, uint8_t flags, uint32_t off, uint32_t len)
{
	struct pd	*p;

	qroom(s);
	p = &s->q[s->nq++];
	memset(p, 0, sizeof(*p));
	p->dir = (uint8_t)dir;
	p->flags = flags;
	p->seq = s->nxt[dir];
	p->ack = s->nxt[!dir];
	p->off = off;
	p->len = len;
	s->nxt[dir] += len + ((flags & (TH_SYN | TH_FIN)) ? 1 : 0);
	return p;
}

/*
 * Segments of one direction's bytes [off, off + len): full MSS segments
 * mostly, some cut at a random size; the receiver ACKs every second full
 * segment.  split: cut a short text in two.
 */
static void
segments(struct sess *s, int dir, uint32_t off, uint32_t len, bool split)
{
	uint32_t	n, full = 0;

	if (split && len > 1) {
		n = 1 + rnd(&s->r, len - 1);
		qadd(s, dir, TH_ACK, off, n);
		qadd(s, dir, TH_ACK | TH_PSH, off + n, len - n);
		return;
	}
	while (len > 0) {
		n = len < GC_MSS ? len : GC_MSS;
		if (n == GC_MSS && chance(&s->r, 1, 8))
			n = 1 + rnd(&s->r, GC_MSS);
		qadd(s, dir, n == len ? TH_ACK | TH_PSH : TH_ACK, off, n);
		off += n;
		len -= n;
		if (n == GC_MSS && ++full % 2 == 0 && len > 0)
			qadd(s, !dir, TH_ACK, 0, 0);
	}
}

/* --lossy: swap, retransmit, duplicate data segments of queue q[from..]. */
static void
disturb(struct gc *g, struct sess *s, int from)
{
	struct rng	*r = &g->loss;
	int		 i, j, k;

	for (i = from; i < s->nq; i++) {
		if (s->q[i].len == 0)
			continue;
		if (chance(r, 3, 100)) {
			/* Swap with a later segment of the same run. */
			j = i + 1 + (int)rnd(r, 4);
			if (j >= s->nq || s->q[j].len == 0 ||
			    s->q[j].dir != s->q[i].dir)
				continue;
			for (k = i + 1; k < j; k++)
				if (s->q[k].len > 0 &&
				    s->q[k].dir != s->q[i].dir)
					break;
			if (k == j) {
				struct pd t = s->q[i];

				s->q[i] = s->q[j];
				s->q[j] = t;
			}
		} else if (chance(r, 2, 100) || chance(r, 1, 100)) {
			/* Retransmit later, or duplicate right after. */
			bool		dup = chance(r, 1, 3);
			struct pd	c = s->q[i];

			j = dup ? i + 1 : i + 2 + (int)rnd(r, 7);
			if (j > s->nq)
				j = s->nq;
			qroom(s);
			memmove(&s->q[j + 1], &s->q[j], (size_t)(s->nq - j) *
			    sizeof(*s->q));
			s->q[j] = c;
			s->nq++;
			if (j == i + 1)
				i++;	/* do not disturb the copy again */
		}
	}
}

/* Build the next batch of packets; false when the session is over. */
static bool
refill(struct gc *g, struct sess *s)
{
	struct xchg	*x;
	struct pd	*p;
	size_t		 clen, slen;
	struct sbuf	 b = { 0 };

	s->nq = s->iq = 0;
	switch (s->phase) {
	case 0:
		p = qadd(s, C2S, TH_SYN, 0, 0);
		p->ack = 0;
		p->mssopt = 1;
		if (g->lossy && chance(&g->loss, 1, 100)) {
			struct pd c = *p;

			qroom(s);
			s->q[s->nq++] = c;	/* the SYN again */
		}
		p = qadd(s, S2C, TH_SYN | TH_ACK, 0, 0);
		p->mssopt = 1;
		qadd(s, C2S, TH_ACK, 0, 0);
		s->phase = 1;
		return true;
	case 1:
		if (s->ix == s->nx) {
			s->phase = 2;
			return refill(g, s);
		}
		x = &s->x[s->ix++];
		/* The bytes: client text [+ message], server text [+ message]. */
		if (x->c)
			sb_add(&b, x->c, strlen(x->c));
		if (x->msize && x->mside == C2S) {
			make_msg(g, &b, x->msize, x->mseed);
			sb_add(&b, ".\r\n", 3);
		}
		clen = b.n;
		if (x->s)
			sb_add(&b, x->s, strlen(x->s));
		if (x->msize && x->mside == S2C) {
			make_msg(g, &b, x->msize, x->mseed);
			sb_add(&b, ".\r\n", 3);
		}
		slen = b.n - clen;
		free(s->buf);
		s->buf = (uint8_t *)b.p;
		if (clen > 0)
			segments(s, C2S, 0, (uint32_t)clen, x->csplit);
		if (slen > 0)
			segments(s, S2C, (uint32_t)clen, (uint32_t)slen, false);
		/* The client ACKs the server's last data. */
		if (slen > 0 && (x == &s->x[s->nx - 1] || x->msize))
			qadd(s, C2S, TH_ACK, 0, 0);
		if (g->lossy)
			disturb(g, s, 0);
		return true;
	case 2:
		/* The server closes after QUIT's reply (RFC 1939 6, 5321 4.1.1.10). */
		qadd(s, S2C, TH_FIN | TH_ACK, 0, 0);
		qadd(s, C2S, TH_ACK, 0, 0);
		qadd(s, C2S, TH_FIN | TH_ACK, 0, 0);
		qadd(s, S2C, TH_ACK, 0, 0);
		s->phase = 3;
		return true;
	default:
		return false;
	}
}

static uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
emit(struct gc *g, struct sess *s, const struct pd *p)
{
	uint8_t			*f = g->frame, *ip = f + 14, *tcp = ip + 20;
	uint32_t		 thl = p->mssopt ? 24 : 20, iplen, sum;
	struct pcap_pkthdr	 h;
	int			 d = p->dir;

	/* Ethernet: client 02:00:00:00:00:01, server 02:00:00:00:00:02. */
	memset(f, 0, 12);
	f[0] = 2;
	f[5] = d == C2S ? 2 : 1;
	f[6] = 2;
	f[11] = d == C2S ? 1 : 2;
	put16(f + 12, 0x0800);
	/* IPv4, DF, TTL 64. */
	iplen = 20 + thl + p->len;
	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, iplen);
	put16(ip + 4, s->ipid[d]++);
	put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = 6;
	put16(ip + 10, 0);
	put32(ip + 12, s->ip[d]);
	put32(ip + 16, s->ip[!d]);
	put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	/* TCP. */
	put16(tcp, s->port[d]);
	put16(tcp + 2, s->port[!d]);
	put32(tcp + 4, p->seq);
	put32(tcp + 8, (p->flags & TH_ACK) ? p->ack : 0);
	tcp[12] = (uint8_t)((thl / 4) << 4);
	tcp[13] = p->flags;
	put16(tcp + 14, 64240);
	put16(tcp + 16, 0);
	put16(tcp + 18, 0);
	if (p->mssopt) {
		tcp[20] = 2;
		tcp[21] = 4;
		put16(tcp + 22, GC_MSS);
	}
	if (p->len)
		memcpy(tcp + thl, s->buf + p->off, p->len);
	sum = csum_add(0, ip + 12, 8);
	sum += 6 + thl + p->len;
	sum = csum_add(sum, tcp, thl + p->len);
	put16(tcp + 16, csum_fold(sum));
	h.caplen = h.len = 14 + iplen < 60 ? 60 : 14 + iplen;
	if (14 + iplen < 60)
		memset(f + 14 + iplen, 0, 60 - (14 + iplen));
	h.ts.tv_sec = (time_t)(g->now / 1000000);
	h.ts.tv_usec = (suseconds_t)(g->now % 1000000);
	pcap_dump((u_char *)g->dump, &h, f);
	g->packets++;
	g->bytes += 16 + h.caplen;
	g->now += 1 + rnd(&g->sched, 40);
}

static bool
may_start(const struct gc *g)
{
	return (g->flows == 0 || g->started < g->flows) &&
	    (g->size == 0 || g->committed < g->size);
}

static void
usage(void)
{
	fputs("usage: gencap [--flows N] [--concurrent K] [--size MB] "
	    "[--lossy] [--seed S]\n              -o OUT.pcap --truth "
	    "TRUTH.txt\n", stderr);
	exit(2);
}

static uint64_t
num(const char *opt, const char *s, uint64_t lo, uint64_t hi)
{
	char			*end;
	unsigned long long	 v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "gencap: %s: \"%s\" is not a number in %"
		    PRIu64 "..%" PRIu64 "\n", opt, s, lo, hi);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "flows", required_argument, NULL, 'n' },
		{ "concurrent", required_argument, NULL, 'k' },
		{ "size", required_argument, NULL, 's' },
		{ "lossy", no_argument, NULL, 'l' },
		{ "seed", required_argument, NULL, 'S' },
		{ "truth", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct gc	*g = xrealloc(NULL, sizeof(*g));
	const char	*out = NULL, *tpath = NULL;
	pcap_t		*dead;
	FILE		*fp;
	int		 ch, i;

	memset(g, 0, sizeof(*g));
	g->concurrent = 400;
	g->size = 300;
	g->seed = 1;
	while ((ch = getopt_long(argc, argv, "o:", lo, NULL)) != -1)
		switch (ch) {
		case 'n':
			g->flows = num("--flows", optarg, 1, UINT32_MAX);
			break;
		case 'k':
			g->concurrent = (int)num("--concurrent", optarg, 1,
			    100000);
			break;
		case 's':
			g->size = num("--size", optarg, 0, 1000000);
			break;
		case 'l':
			g->lossy = true;
			break;
		case 'S':
			g->seed = num("--seed", optarg, 0, UINT64_MAX);
			break;
		case 't':
			tpath = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			usage();
		}
	if (optind != argc || out == NULL || tpath == NULL)
		usage();
	if (g->size == 0 && g->flows == 0) {
		fprintf(stderr, "gencap: --size 0 needs --flows\n");
		return 2;
	}
	g->size *= 1000000;
	g->now = GC_T0;
	g->sched.s = g->seed ^ 0x7363686564ULL;
	g->loss.s = g->seed ^ 0x6c6f7373ULL;
	make_pool(g);
	if ((fp = fopen(out, "wb")) == NULL) {
		fprintf(stderr, "gencap: %s: %s\n", out, strerror(errno));
		return 1;
	}
	setvbuf(fp, NULL, _IOFBF, 1 << 20);
	if ((dead = pcap_open_dead(DLT_EN10MB, 262144)) == NULL ||
	    (g->dump = pcap_dump_fopen(dead, fp)) == NULL) {
		fprintf(stderr, "gencap: %s: cannot start the capture: %s\n",
		    out, dead ? pcap_geterr(dead) : "pcap_open_dead failed");
		return 1;
	}
	if ((g->truth = fopen(tpath, "w")) == NULL) {
		fprintf(stderr, "gencap: %s: %s\n", tpath, strerror(errno));
		return 1;
	}
	g->act = xrealloc(NULL, (size_t)g->concurrent * sizeof(*g->act));
	g->committed = 24;
	while (g->nact < g->concurrent && may_start(g))
		g->act[g->nact++] = sess_new(g);
	while (g->nact > 0) {
		struct sess	*s;

		i = (int)rnd(&g->sched, (uint32_t)g->nact);
		s = g->act[i];
		if (s->iq == s->nq && !refill(g, s)) {
			sess_free(s);
			if (may_start(g))
				g->act[i] = sess_new(g);
			else
				g->act[i] = g->act[--g->nact];
			continue;
		}
		emit(g, s, &s->q[s->iq++]);
	}
	if (pcap_dump_flush(g->dump) != 0 || ferror(fp) ||
	    fflush(g->truth) != 0 || ferror(g->truth)) {
		fprintf(stderr, "gencap: write failed: %s\n", strerror(errno));
		return 1;
	}
	pcap_dump_close(g->dump);
	pcap_close(dead);
	if (fclose(g->truth) != 0) {
		fprintf(stderr, "gencap: %s: %s\n", tpath, strerror(errno));
		return 1;
	}
	fprintf(stderr, "gencap: %" PRIu64 " sessions (%d at once), %" PRIu64
	    " packets, %" PRIu64 " bytes, %" PRIu64 " steps%s\n", g->started,
	    g->concurrent, g->packets, g->bytes + 24, g->steps,
	    g->lossy ? ", lossy" : "");
	free(g->pool);
	free(g->lstart);
	free(g->act);
	free(g);
	return 0;
}
