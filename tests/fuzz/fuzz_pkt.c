/*
 * SPDX-License-Identifier: BSD-2-Clause
 * fuzz_pkt.c - the decoder's packet path fed arbitrary packets:
 * cap_parse() -> dec_packet() -> dec_finish(), records into a checking
 * null sink.
 *
 * LLVMFuzzerTestOneInput() is the libFuzzer entry (build with
 * -fsanitize=fuzzer and -DMT_FUZZ_LIBFUZZER; CMake option MT_FUZZ).
 * Without libFuzzer, main() replays the files given as arguments, then runs
 * a fixed-seed generator of packet-shaped inputs (valid Ethernet/IPv4/TCP
 * frames of POP3 and SMTP sessions with mutated fields, cut, reordered and
 * repeated), so CI exercises the packet path under ASan/UBSan.
 *
 * Input: byte 0 picks the link type (low 4 bits, from dlts[]) and the
 * decoder settings (bit 4: advanced level; bit 5: a tiny flow table and
 * hold budget (else 64 flows); bit 6: a 5 ms idle timeout; bit 7: port 2600 is SMTP).
 * Then packets: a 2-byte big-endian length (low 15 bits: captured bytes;
 * bit 15: the packet was 64 bytes longer on the wire, i.e. snapped), the
 * bytes follow.  Packet i is stamped 1000 * i us (or 10 s later when the
 * length is 0x7fff: time jumps for the idle timeout).
 */
#include "decode.h"
#include "pkt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const int dlts[] = {
	1,		/* EN10MB */
	113,		/* LINUX_SLL */
	276,		/* LINUX_SLL2 */
	0,		/* NULL */
	108,		/* LOOP */
	12,		/* RAW (most systems) */
	14,		/* RAW (OpenBSD) */
	101,		/* LINKTYPE_RAW */
	228,		/* IPV4 */
	229,		/* IPV6 */
	105,		/* IEEE802_11: not supported, parsed as skip */
};
#define NDLTS	(sizeof(dlts) / sizeof(dlts[0]))

static uint64_t	nrecs;

static int
null_rec(struct sink *s, const struct trace_rec *r, struct mt_err *err)
{
	(void)s;
	(void)err;
	/* Records must stay NUL-terminated text. */
	if (strlen(r->intf) >= sizeof(r->intf) || strlen(r->opr) >=
	    sizeof(r->opr) || strlen(r->opt) >= sizeof(r->opt))
		abort();
	nrecs++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct sink	 sk = { null_rec, NULL, NULL };
	struct tracer	 tr;
	struct dec_opts	 o;
	struct decoder	*dec;
	struct mt_err	 err;
	struct pkt_tcp	 p;
	mt_time		 now = 1700000000LL * 1000000;
	size_t		 i = 1, caplen, len;
	int		 dlt;

	if (n == 0)
		return 0;
	dlt = dlts[(d[0] & 0x0f) % NDLTS];
	trace_init(&tr, d[0] & 0x10 ? LEVEL_ADVANCED : LEVEL_STANDARD,
	    REC_PCAP);
	trace_add_sink(&tr, &sk);
	dec_opts_default(&o);
	o.flows = 64;			/* a default-sized table per input is slow */
	if (d[0] & 0x20) {
		o.flows = 2;
		o.hold = 64;
	}
	if (d[0] & 0x40)
		o.idle_us = 5000;
	if (d[0] & 0x80)
		dec_opts_add(o.smtp, &o.nsmtp, 2600);
	mt_err_clear(&err);
	if ((dec = dec_new(&o, &tr, &err)) == NULL)
		return 0;
	while (i + 2 <= n) {
		unsigned	hdr = (unsigned)d[i] << 8 | d[i + 1];

		i += 2;
		caplen = hdr & 0x7fff;
		if (caplen > n - i)
			caplen = n - i;
		len = caplen + (hdr & 0x8000 ? 64 : 0);
		now += (hdr & 0x7fff) == 0x7fff ? 10000000 : 1000;
		memset(&p, 0, sizeof(p));
		if (cap_parse(dlt, d + i, caplen, len, now, &p) == CAP_OK) {
			if (p.len > caplen || p.len > p.wire_len ||
			    (p.len > 0 && (p.payload < d + i ||
			    p.payload + p.len > d + i + caplen)))
				abort();	/* a read past caplen */
			dec_packet(dec, &p);
		}
		i += caplen;
	}
	dec_finish(dec, now + 1000);
	dec_free(dec);
	return 0;
}

#ifndef MT_FUZZ_LIBFUZZER
/* Payload pieces that steer the sessions into the interesting states. */
static const char *const pieces[] = {
	"+OK ready <1.2@x>\r\n", "-ERR no\r\n", "+ \r\n", "+OK\r\n", ".\r\n",
	"..x\r\n", "\r\n", "\n", "\r", ".\n", "CAPA\r\n", "USER u\r\n",
	"PASS p\r\n", "AUTH PLAIN\r\n", "AUTH LOGIN\r\n", "dXNlcg==\r\n",
	"STLS\r\n", "RETR 1\r\n", "TOP 1 0\r\n", "LIST\r\n", "UIDL 1\r\n",
	"STAT\r\n", "DELE 1\r\n", "RSET\r\n", "QUIT\r\n", "220 mx ESMTP\r\n",
	"220\r\n", "250-a\r\n", "250 b\r\n", "251 c\r\n", "334 \r\n",
	"354 go\r\n", "421 bye\r\n", "550 no\r\n", "235 ok\r\n",
	"EHLO x\r\n", "HELO x\r\n", "STARTTLS\r\n", "DATA\r\n",
	"BDAT 3 LAST\r\n", "BDAT 99999999999999999999\r\n",
	"MAIL FROM:<a@b>\r\n", "RCPT TO:<c@d>\r\n", "*\r\n", "\x16\x03\x01",
	"\x00\x01\xff", "garbage", "5", "2", "-", "GET / HTTP/1.1\r\n",
};
#define NPIECES	(sizeof(pieces) / sizeof(pieces[0]))

static uint32_t	rng;

static uint32_t
rnd(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

static void
be16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

struct gen {
	uint8_t		*buf;
	size_t		 n, cap;
	uint16_t	 cport, sport;
	uint32_t	 seq[2];	/* next sequence number per direction */
	uint8_t		 tags;		/* VLAN tags on the frames */
};

/*
 * One Ethernet/IPv4/TCP frame (dir 0: client to server) with flags and
 * payload, then a few random byte mutations and maybe a cut.
 */
static void
frame(struct gen *g, int dir, uint8_t flags, const uint8_t *pl, size_t pll)
{
	uint8_t		 f[1600];
	size_t		 n = 0, ip, t, i, cut;
	unsigned	 hdr;

	if (pll > 1400)
		pll = 1400;
	memset(f, 0, 12);
	f[5] = (uint8_t)(1 + dir);
	f[11] = (uint8_t)(2 - dir);
	n = 12;
	for (i = 0; i < g->tags; i++) {
		be16(f + n, i + 1 < g->tags ? 0x88a8 : 0x8100);
		be16(f + n + 2, 100 + (unsigned)i);
		n += 4;
	}
	be16(f + n, 0x0800);
	n += 2;
	ip = n;
	f[ip] = 0x45;
	be16(f + ip + 2, (unsigned)(20 + 20 + pll));
	be16(f + ip + 4, rnd() & 0xffff);
	f[ip + 6] = 0x40;
	f[ip + 8] = 64;
	f[ip + 9] = 6;
	be32(f + ip + 12, dir ? 0xc0000214 : 0xc000020a);
	be32(f + ip + 16, dir ? 0xc000020a : 0xc0000214);
	t = ip + 20;
	be16(f + t, dir ? g->sport : g->cport);
	be16(f + t + 2, dir ? g->cport : g->sport);
	be32(f + t + 4, g->seq[dir]);
	be32(f + t + 8, g->seq[!dir]);
	f[t + 12] = 0x50;
	f[t + 13] = flags;
	be16(f + t + 14, 65535);
	n = t + 20;
	if (pll > 0)
		memcpy(f + n, pl, pll);
	n += pll;
	/* mutations: any byte of the frame, now and then */
	while (rnd() % 32 == 0)
		f[rnd() % n] = (uint8_t)rnd();
	if (rnd() % 48 == 0)
		f[ip] = (uint8_t)(0x40 | (rnd() % 16));	/* IHL */
	if (rnd() % 48 == 0)
		f[t + 12] = (uint8_t)(rnd() << 4);	/* data offset */
	if (rnd() % 48 == 0)
		be16(f + ip + 2, rnd() & 0xffff);	/* total length */
	if (rnd() % 48 == 0)
		be16(f + ip + 6, rnd() & 0xffff);	/* fragments */
	cut = n;
	hdr = 0;
	if (rnd() % 24 == 0) {
		cut = rnd() % (n + 1);
		hdr = rnd() % 2 ? 0x8000 : 0;		/* snapped or not */
	}
	if (g->n + 2 + cut > g->cap)
		return;
	be16(g->buf + g->n, hdr | (unsigned)cut);
	memcpy(g->buf + g->n + 2, f, cut);
	g->n += 2 + cut;
}

static void
gen_one(struct gen *g)
{
	static const uint16_t	 ports[] = { 110, 25, 587, 995, 465, 2600,
	    8110, 80 };
	uint8_t			 pl[1400];
	size_t			 pll, k;
	int			 dir, steps, s;
	uint32_t		 r;

	g->n = 1;
	g->buf[0] = (uint8_t)(rnd() & 0xf0);	/* Ethernet, random settings */
	g->tags = rnd() % 4 == 0 ? (uint8_t)(rnd() % 3) : 0;
	g->cport = (uint16_t)(40000 + rnd() % 4);
	g->sport = ports[rnd() % (sizeof(ports) / sizeof(ports[0]))];
	g->seq[0] = rnd() % 3 == 0 ? 0xffffff00u + rnd() % 256 : rnd();
	g->seq[1] = rnd();
	if (rnd() % 5 != 0) {
		frame(g, 0, 0x02, NULL, 0);
		g->seq[0]++;
		frame(g, 1, 0x12, NULL, 0);
		g->seq[1]++;
		frame(g, 0, 0x10, NULL, 0);
	}
	steps = (int)(rnd() % 40);
	for (s = 0; s < steps; s++) {
		r = rnd() % 100;
		dir = (int)(rnd() % 2);
		if (r < 3) {			/* a new flow: port reuse */
			g->cport = (uint16_t)(40000 + rnd() % 4);
			frame(g, 0, 0x02, NULL, 0);
			continue;
		}
		if (r < 5) {
			frame(g, dir, 0x14, NULL, 0);	/* RST */
			continue;
		}
		if (r < 8) {
			frame(g, dir, 0x11, NULL, 0);	/* FIN */
			g->seq[dir]++;
			continue;
		}
		pll = 0;
		for (k = rnd() % 4 + 1; k > 0; k--) {
			const char	*p = pieces[rnd() % NPIECES];
			size_t		 l = strlen(p) ? strlen(p) : 1;

			if (pll + l > sizeof(pl))
				break;
			memcpy(pl + pll, p, l);
			pll += l;
		}
		if (r < 15) {			/* out of order or old */
			uint32_t	save = g->seq[dir];

			g->seq[dir] += (uint32_t)(rnd() % 64) - 32;
			frame(g, dir, 0x18, pl, pll);
			g->seq[dir] = save;
			continue;
		}
		if (r < 18) {			/* a hole */
			g->seq[dir] += rnd() % 600;
			continue;
		}
		if (r < 20 && g->n + 2 <= g->cap) {	/* time jump */
			be16(g->buf + g->n, 0x7fff);
			g->n += 2;
			break;			/* (consumes the rest) */
		}
		frame(g, dir, 0x18, pl, pll);
		g->seq[dir] += (uint32_t)pll;
	}
}

static void
gen_run(uint32_t seed, unsigned rounds)
{
	static uint8_t	buf[1 << 16];
	struct gen	g;
	unsigned	r;

	rng = seed;
	memset(&g, 0, sizeof(g));
	g.buf = buf;
	g.cap = sizeof(buf);
	for (r = 0; r < rounds; r++) {
		gen_one(&g);
		LLVMFuzzerTestOneInput(buf, g.n);
		/* the same packets through another link type: mostly noise */
		buf[0] = (uint8_t)((buf[0] & 0xf0) | (rnd() % NDLTS));
		LLVMFuzzerTestOneInput(buf, g.n);
	}
}

int
main(int argc, char **argv)
{
	static uint8_t	buf[1 << 20];
	unsigned	rounds = 5000;
	int		i, nfiles = 0;
	const char	*e;

	if ((e = getenv("MT_FUZZ_ROUNDS")) != NULL)
		rounds = (unsigned)strtoul(e, NULL, 10);
	for (i = 1; i < argc; i++) {
		FILE	*fp = fopen(argv[i], "rb");
		size_t	 n;

		if (fp == NULL) {
			perror(argv[i]);
			return 1;
		}
		n = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		LLVMFuzzerTestOneInput(buf, n);
		nfiles++;
	}
	gen_run(1, rounds);
	printf("fuzz_pkt: %d files and %u generated inputs (%llu records), "
	    "no failure\n", nfiles, 2 * rounds, (unsigned long long)nrecs);
	printf("1 passed, 0 failed\n");
	return 0;
}
#endif
