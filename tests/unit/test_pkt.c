/*
 * SPDX-License-Identifier: BSD-2-Clause
 * test_pkt.c - the capture edge: cap_parse() over every link type with
 * packets built in memory (every field checked; cut at every length;
 * invalid values; non-TCP; fragments; random mutations), and cap_loop()
 * over capture files written with libpcap's dump API (stats, bad packets,
 * limits, filters, a file cut short, files that are not captures).
 *
 * usage: test_pkt                 unit tests
 *        test_pkt --mkpcap PATH   tools/mkpcap's scripts read back
 */
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "check.h"
#include "mt.h"
#include "pcap_src.h"
#include "pkt.h"

#define T0	1700000000000000LL

static struct cap_src *volatile alarm_src;

/* SIGALRM: end an idle live capture, as mailtrace decode --duration does. */
static void
on_alarm_break(int sig)
{
	(void)sig;
	if (alarm_src != NULL)
		cap_break(alarm_src);
}

static const uint8_t v4src[4] = { 192, 0, 2, 1 };
static const uint8_t v4dst[4] = { 198, 51, 100, 2 };
static const uint8_t v6src[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t v6dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 2 };
static const char pay[] = "USER alice\r\n";
#define PAYLEN	(sizeof(pay) - 1)

/* A packet under construction. */
struct bld {
	uint8_t	b[4096];
	size_t	n;
};

/* What the network and transport layers of a test packet look like. */
struct spec {
	int		 af;
	int		 version;	/* 0: af */
	int		 ihl;		/* 0: 5 + ip4_opt / 4 */
	size_t		 ip4_opt;	/* IPv4 option bytes */
	int		 len_adj;	/* added to IPv4 total / IPv6 plen */
	bool		 len_zero;	/* IPv4 total / IPv6 plen 0 */
	uint16_t	 frag;		/* IPv4 flags + offset */
	uint8_t		 proto;		/* 0: TCP; the IPv6 first next header */
	const uint8_t	*ext;		/* IPv6 extension headers, as is */
	size_t		 extlen;
	int		 doff;		/* 0: 5 + tcp_opt / 4 */
	size_t		 tcp_opt;
	uint8_t		 flags;		/* 0: PSH|ACK */
	size_t		 paylen;	/* payload bytes of pay[] */
	size_t		 trailer;	/* bytes after the datagram (padding) */
};

static void	put8(struct bld *, unsigned);
static void	put16(struct bld *, unsigned);
static void	put32(struct bld *, uint32_t);
static void	putb(struct bld *, const void *, size_t);
static size_t	net(struct bld *, const struct spec *);
static void	expect_ok(int, const struct bld *, size_t, const struct spec *,
		    const char *);
static void	sweep(int, const struct bld *, size_t, size_t, const char *);
static enum cap_verdict parse(int, const struct bld *);
static void	test_links(void);
static void	test_ip(void);
static void	test_invalid(void);
static void	test_skip(void);
static void	test_frag(void);
static void	test_tso(void);
static void	test_addr(void);
static void	test_fuzz(void);
static void	test_files(void);
static int	run_mkpcap(const char *);

static void
put8(struct bld *b, unsigned v)
{
	b->b[b->n++] = (uint8_t)v;
}

static void
put16(struct bld *b, unsigned v)
{
	put8(b, v >> 8);
	put8(b, v);
}

static void
put32(struct bld *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b, v & 0xffff);
}

static void
putb(struct bld *b, const void *p, size_t n)
{
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

/* Append IP + TCP (+ payload, + trailer); returns the header bytes. */
static size_t
net(struct bld *b, const struct spec *s)
{
	size_t	start = b->n, i, thl, seglen, ihl;

	thl = s->doff != 0 ? (size_t)s->doff * 4 : 20 + s->tcp_opt;
	seglen = 20 + s->tcp_opt + s->paylen;
	if (s->af == 4) {
		ihl = s->ihl != 0 ? (size_t)s->ihl : 5 + s->ip4_opt / 4;
		put8(b, (unsigned)((s->version != 0 ? s->version : 4) << 4 |
		    (int)ihl));
		put8(b, 0);
		put16(b, s->len_zero ? 0 :
		    (unsigned)((int)(20 + s->ip4_opt + seglen) + s->len_adj));
		put16(b, 0x1234);
		put16(b, s->frag);
		put8(b, 64);
		put8(b, s->proto != 0 ? s->proto : 6);
		put16(b, 0);
		putb(b, v4src, 4);
		putb(b, v4dst, 4);
		for (i = 0; i < s->ip4_opt; i++)
			put8(b, 1);		/* NOP options */
	} else {
		put32(b, (uint32_t)(s->version != 0 ? s->version : 6) << 28);
		put16(b, s->len_zero ? 0 :
		    (unsigned)((int)(s->extlen + seglen) + s->len_adj));
		put8(b, s->ext != NULL ? s->proto : 6);
		put8(b, 64);
		putb(b, v6src, 16);
		putb(b, v6dst, 16);
		if (s->ext != NULL)
			putb(b, s->ext, s->extlen);
	}
	put16(b, 40000);
	put16(b, 110);
	put32(b, 0x11223344);
	put32(b, 0x55667788);
	put8(b, (unsigned)(thl / 4) << 4);
	put8(b, s->flags != 0 ? s->flags : 0x18);
	put16(b, 65535);
	put16(b, 0);
	put16(b, 0);
	for (i = 0; i < s->tcp_opt; i++)
		put8(b, 1);
	putb(b, pay, s->paylen);
	for (i = 0; i < s->trailer; i++)
		put8(b, 0xee);
	return b->n - start - s->paylen - s->trailer;
}

static enum cap_verdict
parse(int dlt, const struct bld *b)
{
	struct pkt_tcp	t;

	return cap_parse(dlt, b->b, b->n, b->n, T0, &t);
}

/* Parse a whole packet whose headers end at hdr; check every field. */
static void
expect_ok(int dlt, const struct bld *b, size_t hdr, const struct spec *s,
    const char *what)
{
	struct pkt_tcp		t;
	enum cap_verdict	v;
	uint8_t			want_flags;

	v = cap_parse(dlt, b->b, b->n, b->n, T0 + 7, &t);
	if (v != CAP_OK)
		fprintf(stderr, "%s: verdict %d\n", what, (int)v);
	CHECK(v == CAP_OK);
	CHECK(t.ts == T0 + 7);
	CHECK(t.af == s->af);
	if (s->af == 4) {
		CHECK(memcmp(t.src, v4src, 4) == 0);
		CHECK(memcmp(t.dst, v4dst, 4) == 0);
	} else {
		CHECK(memcmp(t.src, v6src, 16) == 0);
		CHECK(memcmp(t.dst, v6dst, 16) == 0);
	}
	CHECK(t.sport == 40000);
	CHECK(t.dport == 110);
	CHECK(t.seq == 0x11223344);
	CHECK(t.ack == 0x55667788);
	want_flags = (s->flags != 0 ? s->flags : 0x18) & 0x1f;
	CHECK(t.flags == want_flags);
	CHECK(t.len == s->paylen);
	CHECK(t.wire_len == s->paylen);
	CHECK(t.payload == b->b + hdr);
	CHECK(s->paylen == 0 || memcmp(t.payload, pay, s->paylen) == 0);
	sweep(dlt, b, hdr, s->paylen, what);
}

/*
 * The packet cut at every length, each copy in a buffer of exactly that
 * size (ASan catches a read past it): truncated until the headers are in,
 * then OK with what was captured of the payload.
 */
static void
sweep(int dlt, const struct bld *b, size_t hdr, size_t paylen,
    const char *what)
{
	struct pkt_tcp		t;
	enum cap_verdict	v;
	uint8_t			*cp;
	size_t			 k, want;
	int			 bad = 0;

	for (k = 0; k <= b->n; k++) {
		if ((cp = malloc(k != 0 ? k : 1)) == NULL)
			abort();
		memcpy(cp, b->b, k);
		v = cap_parse(dlt, cp, k, b->n, T0, &t);
		if (k < hdr) {
			if (v != CAP_TRUNCATED)
				bad++;
		} else {
			want = k - hdr < paylen ? k - hdr : paylen;
			if (v != CAP_OK || t.len != want ||
			    t.wire_len != paylen || t.payload != cp + hdr)
				bad++;
		}
		free(cp);
	}
	if (bad != 0)
		fprintf(stderr, "%s: %d bad cut lengths\n", what, bad);
	CHECK(bad == 0);
}

static void
eth(struct bld *b, unsigned etype)
{
	static const uint8_t mac[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };

	putb(b, mac, 12);
	put16(b, etype);
}

static void
test_links(void)
{
	struct bld	b;
	struct spec	s4, s6;
	size_t		h;
	int		i;

	memset(&s4, 0, sizeof(s4));
	s4.af = 4;
	s4.paylen = PAYLEN;
	s6 = s4;
	s6.af = 6;

	/* Ethernet, padded as a NIC hands it up: the IP length decides. */
	memset(&b, 0, sizeof(b));
	eth(&b, 0x0800);
	s4.paylen = 2;
	s4.trailer = 4;
	h = 14 + net(&b, &s4);
	CHECK(b.n == 60);
	expect_ok(DLT_EN10MB, &b, h, &s4, "ethernet padded");
	s4.paylen = PAYLEN;
	s4.trailer = 0;

	memset(&b, 0, sizeof(b));
	eth(&b, 0x0800);
	h = 14 + net(&b, &s4);
	expect_ok(DLT_EN10MB, &b, h, &s4, "ethernet v4");

	memset(&b, 0, sizeof(b));
	eth(&b, 0x86dd);
	h = 14 + net(&b, &s6);
	expect_ok(DLT_EN10MB, &b, h, &s6, "ethernet v6");

	/* 802.1Q */
	memset(&b, 0, sizeof(b));
	eth(&b, 0x8100);
	put16(&b, 0x2064);
	put16(&b, 0x0800);
	h = 18 + net(&b, &s4);
	expect_ok(DLT_EN10MB, &b, h, &s4, "vlan");

	/* QinQ: 802.1ad outside, 802.1Q inside, and three deep */
	memset(&b, 0, sizeof(b));
	eth(&b, 0x88a8);
	put16(&b, 100);
	put16(&b, 0x8100);
	put16(&b, 200);
	put16(&b, 0x86dd);
	h = 22 + net(&b, &s6);
	expect_ok(DLT_EN10MB, &b, h, &s6, "qinq");

	memset(&b, 0, sizeof(b));
	eth(&b, 0x9100);
	put16(&b, 1);
	put16(&b, 0x88a8);
	put16(&b, 2);
	put16(&b, 0x8100);
	put16(&b, 3);
	put16(&b, 0x0800);
	h = 26 + net(&b, &s4);
	expect_ok(DLT_EN10MB, &b, h, &s4, "vlan x3");

	/* eight tags are followed, nine are not */
	memset(&b, 0, sizeof(b));
	eth(&b, 0x8100);
	for (i = 0; i < 8; i++) {
		put16(&b, (unsigned)i);
		put16(&b, i == 7 ? 0x0800 : 0x8100);
	}
	h = b.n + net(&b, &s4);
	expect_ok(DLT_EN10MB, &b, h, &s4, "vlan x8");
	memset(&b, 0, sizeof(b));
	eth(&b, 0x8100);
	for (i = 0; i < 9; i++) {
		put16(&b, (unsigned)i);
		put16(&b, i == 8 ? 0x0800 : 0x8100);
	}
	(void)net(&b, &s4);
	CHECK(parse(DLT_EN10MB, &b) == CAP_SKIP);

	/* Linux cooked v1: protocol at offset 14 */
	memset(&b, 0, sizeof(b));
	put16(&b, 0);
	put16(&b, 1);
	put16(&b, 6);
	putb(&b, "\2\0\0\0\0\1\0\0", 8);
	put16(&b, 0x0800);
	h = 16 + net(&b, &s4);
	expect_ok(DLT_LINUX_SLL, &b, h, &s4, "sll v4");
	memset(&b, 0, sizeof(b));
	put16(&b, 4);
	put16(&b, 772);
	put16(&b, 0);
	putb(&b, "\0\0\0\0\0\0\0\0", 8);
	put16(&b, 0x86dd);
	h = 16 + net(&b, &s6);
	expect_ok(DLT_LINUX_SLL, &b, h, &s6, "sll v6");

	/* Linux cooked v2: protocol at offset 0, 20 bytes */
	memset(&b, 0, sizeof(b));
	put16(&b, 0x86dd);
	put16(&b, 0);
	put32(&b, 3);
	put16(&b, 1);
	put8(&b, 0);
	put8(&b, 6);
	putb(&b, "\2\0\0\0\0\1\0\0", 8);
	h = 20 + net(&b, &s6);
	expect_ok(DLT_LINUX_SLL2, &b, h, &s6, "sll2 v6");
	memset(&b, 0, sizeof(b));
	put16(&b, 0x0800);
	put16(&b, 0);
	put32(&b, 3);
	put16(&b, 1);
	put8(&b, 4);
	put8(&b, 6);
	putb(&b, "\2\0\0\0\0\1\0\0", 8);
	h = 20 + net(&b, &s4);
	expect_ok(DLT_LINUX_SLL2, &b, h, &s4, "sll2 v4");

	/* BSD NULL: host order of the capturing host, either */
	memset(&b, 0, sizeof(b));
	putb(&b, "\2\0\0\0", 4);
	h = 4 + net(&b, &s4);
	expect_ok(DLT_NULL, &b, h, &s4, "null le v4");
	memset(&b, 0, sizeof(b));
	putb(&b, "\0\0\0\2", 4);
	h = 4 + net(&b, &s4);
	expect_ok(DLT_NULL, &b, h, &s4, "null be v4");
	memset(&b, 0, sizeof(b));
	putb(&b, "\30\0\0\0", 4);		/* 24 */
	h = 4 + net(&b, &s6);
	expect_ok(DLT_NULL, &b, h, &s6, "null le v6 24");
	memset(&b, 0, sizeof(b));
	putb(&b, "\0\0\0\34", 4);		/* 28 */
	h = 4 + net(&b, &s6);
	expect_ok(DLT_NULL, &b, h, &s6, "null be v6 28");
	memset(&b, 0, sizeof(b));
	putb(&b, "\36\0\0\0", 4);		/* 30 */
	h = 4 + net(&b, &s6);
	expect_ok(DLT_NULL, &b, h, &s6, "null le v6 30");
	memset(&b, 0, sizeof(b));
	putb(&b, "\7\0\0\0", 4);
	(void)net(&b, &s4);
	CHECK(parse(DLT_NULL, &b) == CAP_SKIP);

	/* LOOP: network order only */
	memset(&b, 0, sizeof(b));
	put32(&b, 2);
	h = 4 + net(&b, &s4);
	expect_ok(DLT_LOOP, &b, h, &s4, "loop v4");
	memset(&b, 0, sizeof(b));
	put32(&b, 24);
	h = 4 + net(&b, &s6);
	expect_ok(DLT_LOOP, &b, h, &s6, "loop v6");
	memset(&b, 0, sizeof(b));
	putb(&b, "\2\0\0\0", 4);
	(void)net(&b, &s4);
	CHECK(parse(DLT_LOOP, &b) == CAP_SKIP);

	/* raw IP under each of its numbers, and the typed ones */
	memset(&b, 0, sizeof(b));
	h = net(&b, &s4);
	expect_ok(DLT_RAW, &b, h, &s4, "raw v4");
	expect_ok(12, &b, h, &s4, "dlt 12 v4");
	expect_ok(14, &b, h, &s4, "dlt 14 v4");
	expect_ok(101, &b, h, &s4, "linktype 101 v4");
	expect_ok(DLT_IPV4, &b, h, &s4, "ipv4");
	CHECK(parse(DLT_IPV6, &b) == CAP_INVALID);
	memset(&b, 0, sizeof(b));
	h = net(&b, &s6);
	expect_ok(DLT_RAW, &b, h, &s6, "raw v6");
	expect_ok(14, &b, h, &s6, "dlt 14 v6");
	expect_ok(DLT_IPV6, &b, h, &s6, "ipv6");
	CHECK(parse(DLT_IPV4, &b) == CAP_INVALID);

	/* link types */
	CHECK(cap_dlt_supported(DLT_EN10MB));
	CHECK(cap_dlt_supported(DLT_LINUX_SLL));
	CHECK(cap_dlt_supported(276));
	CHECK(cap_dlt_supported(DLT_NULL));
	CHECK(cap_dlt_supported(DLT_LOOP));
	CHECK(cap_dlt_supported(12));
	CHECK(cap_dlt_supported(14));
	CHECK(cap_dlt_supported(101));
	CHECK(cap_dlt_supported(228));
	CHECK(cap_dlt_supported(229));
	CHECK(!cap_dlt_supported(105));		/* 802.11 */
	CHECK(!cap_dlt_supported(9));		/* PPP */
	CHECK(!cap_dlt_supported(-1));
	memset(&b, 0, sizeof(b));
	(void)net(&b, &s4);
	CHECK(parse(105, &b) == CAP_SKIP);
}

/* IPv4 options, TCP options, IPv6 extension headers, flags. */
static void
test_ip(void)
{
	/* hop-by-hop (8), routing (16), fragment 0 (8), AH (16: len 2),
	 * destination options (8), then TCP */
	static const uint8_t ext[] = {
		43, 0, 1, 4, 0, 0, 0, 0,
		44, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		51, 0, 0, 0, 0x12, 0x34, 0x56, 0x78,
		60, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		6, 0, 1, 4, 0, 0, 0, 0,
	};
	struct bld	b;
	struct spec	s;
	size_t		h;

	memset(&s, 0, sizeof(s));
	s.af = 4;
	s.paylen = PAYLEN;
	s.ip4_opt = 40;				/* ihl 15 */
	s.tcp_opt = 40;				/* doff 15 */
	memset(&b, 0, sizeof(b));
	eth(&b, 0x0800);
	h = 14 + net(&b, &s);
	CHECK(h == 14 + 60 + 60);
	expect_ok(DLT_EN10MB, &b, h, &s, "v4 options");

	memset(&s, 0, sizeof(s));
	s.af = 6;
	s.paylen = PAYLEN;
	s.proto = 0;				/* hop-by-hop first */
	s.ext = ext;
	s.extlen = sizeof(ext);
	s.tcp_opt = 12;
	memset(&b, 0, sizeof(b));
	h = net(&b, &s);
	CHECK(h == 40 + sizeof(ext) + 32);
	expect_ok(DLT_RAW, &b, h, &s, "v6 extension headers");

	/* flags: only FIN SYN RST PSH ACK come through */
	memset(&s, 0, sizeof(s));
	s.af = 4;
	s.flags = 0xff;
	memset(&b, 0, sizeof(b));
	h = net(&b, &s);
	expect_ok(DLT_RAW, &b, h, &s, "all flags, no payload");
	s.flags = 0x02;
	memset(&b, 0, sizeof(b));
	h = net(&b, &s);
	expect_ok(DLT_RAW, &b, h, &s, "syn");
	s.flags = 0x04;
	memset(&b, 0, sizeof(b));
	h = net(&b, &s);
	expect_ok(DLT_RAW, &b, h, &s, "rst");
	s.flags = 0x11;
	memset(&b, 0, sizeof(b));
	h = net(&b, &s);
	expect_ok(DLT_RAW, &b, h, &s, "fin ack");
}

static void
test_invalid(void)
{
	static const uint8_t ext8[] = { 6, 0, 1, 4, 0, 0, 0, 0 };
	static const uint8_t ext_long[] = { 6, 200, 1, 4, 0, 0, 0, 0 };
	struct bld	b;
	struct spec	s, base4, base6;
	struct pkt_tcp	t;

	memset(&base4, 0, sizeof(base4));
	base4.af = 4;
	base4.paylen = PAYLEN;
	base6 = base4;
	base6.af = 6;

#define INV(spec, dlt, linkfn, want, what) do {				\
	memset(&b, 0, sizeof(b));					\
	linkfn;								\
	(void)net(&b, &(spec));						\
	if (parse((dlt), &b) != (want))					\
		fprintf(stderr, "%s: verdict %d\n", (what),		\
		    (int)parse((dlt), &b));				\
	CHECK(parse((dlt), &b) == (want));				\
} while (0)

	/* EtherType IPv4, version 6 inside, and the reverse */
	s = base4;
	s.version = 6;
	INV(s, DLT_EN10MB, eth(&b, 0x0800), CAP_INVALID, "v4 version 6");
	s = base6;
	s.version = 4;
	INV(s, DLT_EN10MB, eth(&b, 0x86dd), CAP_INVALID, "v6 version 4");
	s = base4;
	s.version = 5;
	INV(s, DLT_RAW, (void)0, CAP_INVALID, "raw version 5");
	s.version = 0;
	INV(s, DLT_NULL, putb(&b, "\2\0\0\0", 4), CAP_OK, "control");
	/* ihl < 5 */
	s = base4;
	s.ihl = 4;
	INV(s, DLT_RAW, (void)0, CAP_INVALID, "ihl 4");
	s.ihl = 0xf;
	s.ip4_opt = 0;			/* ihl 15: 40 bytes of options */
	INV(s, DLT_RAW, (void)0, CAP_INVALID, "ihl 15, total 52");
	/* total length < header */
	s = base4;
	s.len_adj = -(int)(20 + 20 + PAYLEN) + 19;
	INV(s, DLT_RAW, (void)0, CAP_INVALID, "total 19");
	/* total length ends inside the TCP header: IP says so, not the cut */
	s = base4;
	s.len_adj = -(int)(20 + PAYLEN) + 10;
	INV(s, DLT_RAW, (void)0, CAP_INVALID, "total 30");
	/* doff < 5; doff beyond the segment */
	s = base4;
	s.doff = 4;
	INV(s, DLT_RAW, (void)0, CAP_INVALID, "doff 4");
	s.doff = 0;
	s.len_adj = 0;
	s.paylen = 0;
	s.tcp_opt = 0;
	s.doff = 6;				/* 24 > 20 declared */
	INV(s, DLT_RAW, (void)0, CAP_INVALID, "doff 6 of 20");
	s = base6;
	s.doff = 15;
	INV(s, DLT_RAW, (void)0, CAP_INVALID, "v6 doff 15 of 32");
	/* IPv6: payload length ends inside an extension header */
	s = base6;
	s.proto = 0;
	s.ext = ext8;
	s.extlen = sizeof(ext8);
	s.len_adj = -(int)(sizeof(ext8) + 20 + PAYLEN) + 4;
	INV(s, DLT_RAW, (void)0, CAP_INVALID, "v6 plen 4");
	s.ext = ext_long;			/* 1608 bytes claimed */
	s.len_adj = 0;
	INV(s, DLT_RAW, (void)0, CAP_INVALID, "v6 ext longer than plen");
	/* ... and when the capture (not the IP length) ends there: cut */
	memset(&b, 0, sizeof(b));
	s.len_adj = 2000;
	(void)net(&b, &s);
	CHECK(cap_parse(DLT_RAW, b.b, b.n, b.n + 2000, T0, &t) ==
	    CAP_TRUNCATED);

	/* the Ethernet header itself, and an empty raw packet */
	memset(&b, 0, sizeof(b));
	CHECK(parse(DLT_RAW, &b) == CAP_TRUNCATED);
	CHECK(parse(DLT_EN10MB, &b) == CAP_TRUNCATED);
	eth(&b, 0x0800);
	CHECK(parse(DLT_EN10MB, &b) == CAP_TRUNCATED);
#undef INV
}

static void
test_skip(void)
{
	static const uint8_t esp[] = { 50 };
	static const uint8_t hop_udp[] = { 17, 0, 1, 4, 0, 0, 0, 0 };
	static const uint8_t hop_none[] = { 59, 0, 1, 4, 0, 0, 0, 0 };
	uint8_t		many[9 * 8];
	struct bld	b;
	struct spec	s;
	size_t		i;

	memset(&s, 0, sizeof(s));
	s.af = 4;
	s.paylen = PAYLEN;
	/* UDP, ICMP */
	s.proto = 17;
	memset(&b, 0, sizeof(b));
	eth(&b, 0x0800);
	(void)net(&b, &s);
	CHECK(parse(DLT_EN10MB, &b) == CAP_SKIP);
	s.proto = 1;
	memset(&b, 0, sizeof(b));
	(void)net(&b, &s);
	CHECK(parse(DLT_RAW, &b) == CAP_SKIP);
	/* ARP, an 802.3 length field, an unknown EtherType */
	memset(&b, 0, sizeof(b));
	eth(&b, 0x0806);
	put16(&b, 1);
	put16(&b, 0x0800);
	put8(&b, 6);
	put8(&b, 4);
	put16(&b, 1);
	CHECK(parse(DLT_EN10MB, &b) == CAP_SKIP);
	memset(&b, 0, sizeof(b));
	eth(&b, 0x0026);
	putb(&b, "\xaa\xaa\x03", 3);
	CHECK(parse(DLT_EN10MB, &b) == CAP_SKIP);
	memset(&b, 0, sizeof(b));
	put16(&b, 0x0806);
	putb(&b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 18);
	CHECK(parse(DLT_LINUX_SLL2, &b) == CAP_SKIP);

	/* IPv6: UDP direct and after hop-by-hop, ESP, no next header */
	memset(&s, 0, sizeof(s));
	s.af = 6;
	s.paylen = PAYLEN;
	s.proto = 17;
	s.ext = hop_udp;
	s.extlen = 0;
	memset(&b, 0, sizeof(b));
	(void)net(&b, &s);
	CHECK(parse(DLT_RAW, &b) == CAP_SKIP);
	s.proto = 0;
	s.extlen = sizeof(hop_udp);
	memset(&b, 0, sizeof(b));
	(void)net(&b, &s);
	CHECK(parse(DLT_RAW, &b) == CAP_SKIP);
	s.ext = hop_none;
	memset(&b, 0, sizeof(b));
	(void)net(&b, &s);
	CHECK(parse(DLT_RAW, &b) == CAP_SKIP);
	s.ext = esp;
	s.extlen = 0;
	s.proto = 50;
	memset(&b, 0, sizeof(b));
	(void)net(&b, &s);
	CHECK(parse(DLT_RAW, &b) == CAP_SKIP);
	/* more extension headers than the bound (8) */
	for (i = 0; i < 9; i++) {
		memset(many + i * 8, 0, 8);
		many[i * 8] = i == 8 ? 6 : 60;
		many[i * 8 + 2] = 1;
		many[i * 8 + 3] = 4;
	}
	s.proto = 60;
	s.ext = many;
	s.extlen = sizeof(many);
	memset(&b, 0, sizeof(b));
	(void)net(&b, &s);
	CHECK(parse(DLT_RAW, &b) == CAP_SKIP);
	s.ext = many + 8;			/* exactly 8 */
	s.extlen = sizeof(many) - 8;
	memset(&b, 0, sizeof(b));
	i = net(&b, &s);
	expect_ok(DLT_RAW, &b, i, &s, "8 extension headers");
}

static void
test_frag(void)
{
	static const uint8_t frag0[] = { 6, 0, 0x00, 0x01, 0, 0, 0, 9 };
	static const uint8_t frag1[] = { 6, 0, 0x00, 0x19, 0, 0, 0, 9 };
	struct bld	b;
	struct spec	s;
	struct pkt_tcp	t;
	size_t		h;

	/* a first fragment with MF: what is there, wire_len from total */
	memset(&s, 0, sizeof(s));
	s.af = 4;
	s.paylen = 4;
	s.frag = 0x2000;
	memset(&b, 0, sizeof(b));
	h = net(&b, &s);
	expect_ok(DLT_RAW, &b, h, &s, "v4 first fragment");
	/* DF is not a fragment */
	s.frag = 0x4000;
	memset(&b, 0, sizeof(b));
	h = net(&b, &s);
	expect_ok(DLT_RAW, &b, h, &s, "v4 DF");
	/* non-first fragments, with and without MF */
	s.frag = 0x2003;
	memset(&b, 0, sizeof(b));
	(void)net(&b, &s);
	CHECK(parse(DLT_RAW, &b) == CAP_SKIP);
	s.frag = 0x0003;
	memset(&b, 0, sizeof(b));
	(void)net(&b, &s);
	CHECK(parse(DLT_RAW, &b) == CAP_SKIP);
	/* a non-first fragment too short for a TCP header is still SKIP */
	memset(&b, 0, sizeof(b));
	put8(&b, 0x45);
	put8(&b, 0);
	put16(&b, 24);
	put16(&b, 1);
	put16(&b, 0x0003);
	put8(&b, 64);
	put8(&b, 6);
	put16(&b, 0);
	putb(&b, v4src, 4);
	putb(&b, v4dst, 4);
	putb(&b, "ABCD", 4);
	CHECK(parse(DLT_RAW, &b) == CAP_SKIP);

	/* IPv6 fragment header: offset 0 parsed, others skipped */
	memset(&s, 0, sizeof(s));
	s.af = 6;
	s.paylen = PAYLEN;
	s.proto = 44;
	s.ext = frag0;
	s.extlen = sizeof(frag0);
	memset(&b, 0, sizeof(b));
	h = net(&b, &s);
	expect_ok(DLT_RAW, &b, h, &s, "v6 first fragment");
	s.ext = frag1;
	memset(&b, 0, sizeof(b));
	(void)net(&b, &s);
	CHECK(parse(DLT_RAW, &b) == CAP_SKIP);

	/* snapped inside the payload: len is what was captured */
	memset(&s, 0, sizeof(s));
	s.af = 4;
	s.paylen = PAYLEN;
	memset(&b, 0, sizeof(b));
	h = net(&b, &s);
	CHECK(cap_parse(DLT_RAW, b.b, h + 3, b.n, T0, &t) == CAP_OK);
	CHECK(t.len == 3 && t.wire_len == PAYLEN);
}

/* Segmentation offload: IPv4 total length 0 (IPv6 plen 0) on the wire. */
static void
test_tso(void)
{
	struct bld	b;
	struct spec	s;
	size_t		h;

	memset(&s, 0, sizeof(s));
	s.af = 4;
	s.paylen = PAYLEN;
	s.len_zero = true;
	memset(&b, 0, sizeof(b));
	eth(&b, 0x0800);
	h = 14 + net(&b, &s);
	expect_ok(DLT_EN10MB, &b, h, &s, "tso v4");
	s.af = 6;
	memset(&b, 0, sizeof(b));
	eth(&b, 0x86dd);
	h = 14 + net(&b, &s);
	expect_ok(DLT_EN10MB, &b, h, &s, "tso v6");
}

static void
test_addr(void)
{
	char	buf[64], small[8];

	cap_addr_str(4, v4src, 40000, buf, sizeof(buf));
	CHECK_STR(buf, "192.0.2.1:40000");
	cap_addr_str(6, v6dst, 110, buf, sizeof(buf));
	CHECK_STR(buf, "[2001:db8::2]:110");
	cap_addr_str(4, (const uint8_t *)"\177\0\0\1", 0, buf, sizeof(buf));
	CHECK_STR(buf, "127.0.0.1:0");
	cap_addr_str(6, v6src, 65535, small, sizeof(small));
	CHECK(strlen(small) == sizeof(small) - 1);
	cap_addr_str(9, v6src, 1, buf, sizeof(buf));
	CHECK_STR(buf, "?:1");
	cap_addr_str(4, v4src, 1, buf, 0);	/* nothing written */
}

/* xorshift: a fixed sequence, so any failure can be replayed. */
static uint32_t
rnd(uint32_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 17;
	*st ^= *st << 5;
	return *st;
}

/* Random and mutated packets: verdicts in range, payload inside. */
static void
test_fuzz(void)
{
	static const int dlts[] = { DLT_EN10MB, DLT_LINUX_SLL, 276, DLT_NULL,
	    DLT_LOOP, DLT_RAW, 14, 101, 228, 229 };
	struct bld	 base[4], *bp;
	struct spec	 s;
	struct pkt_tcp	 t;
	enum cap_verdict v;
	uint32_t	 st = 0x2545f491;
	uint8_t		*cp;
	size_t		 n, j;
	int		 i, bad = 0, ok = 0, dlt;

	memset(base, 0, sizeof(base));
	memset(&s, 0, sizeof(s));
	s.af = 4;
	s.paylen = PAYLEN;
	s.ip4_opt = 8;
	s.tcp_opt = 8;
	eth(&base[0], 0x8100);
	put16(&base[0], 5);
	put16(&base[0], 0x0800);
	(void)net(&base[0], &s);
	s.af = 6;
	eth(&base[1], 0x86dd);
	(void)net(&base[1], &s);
	(void)net(&base[2], &s);
	put16(&base[3], 0x86dd);
	putb(&base[3], "\0\0\0\0\0\1\0\0\0\0\0\0\0\0\0\0\0\0", 18);
	(void)net(&base[3], &s);

	for (i = 0; i < 200000; i++) {
		if (i % 4 == 0) {
			dlt = dlts[rnd(&st) % (sizeof(dlts) / sizeof(dlts[0]))];
			n = rnd(&st) % 160;
			if ((cp = malloc(n + 1)) == NULL)
				abort();
			for (j = 0; j < n; j++)
				cp[j] = (uint8_t)rnd(&st);
		} else {
			j = rnd(&st) % 4;
			bp = &base[j];
			dlt = j <= 1 ? DLT_EN10MB : j == 2 ? DLT_RAW : 276;
			n = bp->n - rnd(&st) % 8;
			if ((cp = malloc(n + 1)) == NULL)
				abort();
			memcpy(cp, bp->b, n);
			for (j = rnd(&st) % 4; j > 0; j--)
				cp[rnd(&st) % n] = (uint8_t)rnd(&st);
		}
		v = cap_parse(dlt, cp, n, n + rnd(&st) % 3, T0, &t);
		if (v == CAP_OK) {
			ok++;
			if (t.payload < cp || t.payload + t.len > cp + n ||
			    t.len > t.wire_len || (t.af != 4 && t.af != 6))
				bad++;
		} else if (v != CAP_SKIP && v != CAP_TRUNCATED &&
		    v != CAP_INVALID)
			bad++;
		free(cp);
	}
	CHECK(bad == 0);
	CHECK(ok > 1000);
}

/* ---- capture files ------------------------------------------------- */

struct got {
	int		 nseg;
	uint32_t	 seq[16];
	size_t		 len[16];
	size_t		 wire[16];
	mt_time		 ts[16];
	uint8_t		 af[16];
	int		 nbad;
	enum cap_verdict bad_v[16];
	uint64_t	 bad_no[16];
	mt_time		 bad_ts[16];
	struct cap_src	*brk;		/* cap_break() at the first segment */
};

static void
on_seg(void *arg, const struct pkt_tcp *t)
{
	struct got	*g = arg;

	if (g->nseg < 16) {
		g->seq[g->nseg] = t->seq;
		g->len[g->nseg] = t->len;
		g->wire[g->nseg] = t->wire_len;
		g->ts[g->nseg] = t->ts;
		g->af[g->nseg] = t->af;
	}
	g->nseg++;
	if (g->brk != NULL)
		cap_break(g->brk);
}

static void
on_bad(void *arg, enum cap_verdict v, uint64_t no, mt_time ts)
{
	struct got	*g = arg;

	if (g->nbad < 16) {
		g->bad_v[g->nbad] = v;
		g->bad_no[g->nbad] = no;
		g->bad_ts[g->nbad] = ts;
	}
	g->nbad++;
}

static void
dump_pkt(pcap_dumper_t *d, const struct bld *b, size_t caplen, mt_time ts)
{
	struct pcap_pkthdr	h;

	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(ts / 1000000);
	h.ts.tv_usec = (suseconds_t)(ts % 1000000);
	h.caplen = (bpf_u_int32)caplen;
	h.len = (bpf_u_int32)b->n;
	pcap_dump((u_char *)d, &h, b->b);
}

/*
 * Seven packets: TCP, UDP, ARP, TCP cut inside its header, TCP with doff
 * 4, IPv6 TCP snapped in its payload, TCP.  Returns the last packet's
 * record size (header + data).
 */
static size_t
write_sample(const char *path)
{
	pcap_t		*dead;
	pcap_dumper_t	*d;
	struct bld	 b;
	struct spec	 s;
	size_t		 h, last;

	dead = pcap_open_dead(DLT_EN10MB, 262144);
	if (dead == NULL || (d = pcap_dump_open(dead, path)) == NULL) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(1);
	}
	memset(&s, 0, sizeof(s));
	s.af = 4;
	s.paylen = PAYLEN;
	memset(&b, 0, sizeof(b));
	eth(&b, 0x0800);
	(void)net(&b, &s);
	dump_pkt(d, &b, b.n, T0 + 1);
	s.proto = 17;
	memset(&b, 0, sizeof(b));
	eth(&b, 0x0800);
	(void)net(&b, &s);
	dump_pkt(d, &b, b.n, T0 + 2);
	memset(&b, 0, sizeof(b));
	eth(&b, 0x0806);
	putb(&b, "\0\1\10\0\6\4\0\1", 8);
	dump_pkt(d, &b, b.n, T0 + 3);
	s.proto = 0;
	memset(&b, 0, sizeof(b));
	eth(&b, 0x0800);
	(void)net(&b, &s);
	dump_pkt(d, &b, 14 + 20 + 10, T0 + 4);
	s.doff = 4;
	memset(&b, 0, sizeof(b));
	eth(&b, 0x0800);
	(void)net(&b, &s);
	dump_pkt(d, &b, b.n, T0 + 5);
	s.doff = 0;
	s.af = 6;
	memset(&b, 0, sizeof(b));
	eth(&b, 0x86dd);
	h = 14 + net(&b, &s);
	dump_pkt(d, &b, h + 5, T0 + 6);
	s.af = 4;
	memset(&b, 0, sizeof(b));
	eth(&b, 0x0800);
	(void)net(&b, &s);
	dump_pkt(d, &b, b.n, T0 + 5000000);
	last = 16 + b.n;
	pcap_dump_close(d);
	pcap_close(dead);
	return last;
}

static void
write_bytes(const char *path, const char *s, size_t n)
{
	FILE	*fp;

	if ((fp = fopen(path, "wb")) == NULL ||
	    fwrite(s, 1, n, fp) != n || fclose(fp) != 0) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(1);
	}
}

static void
test_files(void)
{
	char			 dir[] = "/tmp/test_pkt.XXXXXX";
	char			 path[256], path2[256], path3[256];
	struct cap_src		*src;
	struct cap_stats	 st;
	struct got		 g;
	struct mt_err		 err;
	struct stat		 sb;
	pcap_t			*dead;
	pcap_dumper_t		*d;
	size_t			 last;
	mt_time			 t_start;
	int			 rc;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	(void)snprintf(path, sizeof(path), "%s/sample.pcap", dir);
	last = write_sample(path);

	/* the whole file */
	rc = cap_open_file(path, &src, &err);
	CHECK(rc == 0);
	if (rc != 0) {
		fprintf(stderr, "%s\n", err.msg);
		return;
	}
	CHECK(cap_datalink(src) == DLT_EN10MB);
	memset(&st, 0, sizeof(st));
	memset(&g, 0, sizeof(g));
	rc = cap_loop(src, 0, 0, on_seg, on_bad, &g, &st, &err);
	CHECK(rc == 0);
	CHECK(st.packets == 7);
	CHECK(st.tcp == 3);
	CHECK(st.skipped == 2);
	CHECK(st.truncated == 1);
	CHECK(st.invalid == 1);
	CHECK(st.snapped == 2);
	CHECK(g.nseg == 3);
	CHECK(g.seq[0] == 0x11223344 && g.len[0] == PAYLEN &&
	    g.wire[0] == PAYLEN && g.ts[0] == T0 + 1 && g.af[0] == 4);
	CHECK(g.len[1] == 5 && g.wire[1] == PAYLEN && g.ts[1] == T0 + 6 &&
	    g.af[1] == 6);
	CHECK(g.ts[2] == T0 + 5000000);
	CHECK(g.nbad == 2);
	CHECK(g.bad_v[0] == CAP_TRUNCATED && g.bad_no[0] == 4 &&
	    g.bad_ts[0] == T0 + 4);
	CHECK(g.bad_v[1] == CAP_INVALID && g.bad_no[1] == 5 &&
	    g.bad_ts[1] == T0 + 5);
	/* at the end, again: nothing more */
	CHECK(cap_loop(src, 0, 0, on_seg, NULL, &g, NULL, &err) == 0);
	CHECK(g.nseg == 3);
	cap_close(src);
	cap_close(NULL);

	/* max_packets, in two calls; no stats, no bad callback */
	CHECK(cap_open_file(path, &src, &err) == 0);
	memset(&g, 0, sizeof(g));
	memset(&st, 0, sizeof(st));
	CHECK(cap_loop(src, 2, 0, on_seg, NULL, &g, &st, &err) == 0);
	CHECK(st.packets == 2 && g.nseg == 1);
	CHECK(cap_loop(src, 0, 0, on_seg, NULL, &g, NULL, &err) == 0);
	CHECK(g.nseg == 3);
	cap_close(src);

	/* until_us: packet time; the first later packet waits for the next
	 * call */
	CHECK(cap_open_file(path, &src, &err) == 0);
	memset(&g, 0, sizeof(g));
	memset(&st, 0, sizeof(st));
	CHECK(cap_loop(src, 0, T0 + 6, on_seg, on_bad, &g, &st, &err) == 0);
	CHECK(st.packets == 6 && g.nseg == 2 && g.nbad == 2);
	CHECK(cap_loop(src, 0, T0 + 6, on_seg, on_bad, &g, &st, &err) == 0);
	CHECK(st.packets == 6);
	CHECK(cap_loop(src, 0, 0, on_seg, on_bad, &g, &st, &err) == 0);
	CHECK(st.packets == 7 && g.nseg == 3 && g.ts[2] == T0 + 5000000);
	cap_close(src);

	/* cap_break from the callback: stops after that packet, and stays */
	CHECK(cap_open_file(path, &src, &err) == 0);
	memset(&g, 0, sizeof(g));
	memset(&st, 0, sizeof(st));
	g.brk = src;
	CHECK(cap_loop(src, 0, 0, on_seg, NULL, &g, &st, &err) == 0);
	CHECK(st.packets == 1 && g.nseg == 1);
	CHECK(cap_loop(src, 0, 0, on_seg, NULL, &g, &st, &err) == 0);
	CHECK(st.packets == 1);
	cap_close(src);

	/* a BPF filter, and a bad one */
	CHECK(cap_open_file(path, &src, &err) == 0);
	CHECK(cap_set_filter(src, "udp or arp", &err) == 0);
	memset(&g, 0, sizeof(g));
	memset(&st, 0, sizeof(st));
	CHECK(cap_loop(src, 0, 0, on_seg, NULL, &g, &st, &err) == 0);
	CHECK(st.packets == 2 && st.skipped == 2 && g.nseg == 0);
	rc = cap_set_filter(src, "tcp port", &err);
	CHECK(rc == -MT_E_USAGE && err.code == MT_E_USAGE);
	CHECK(strstr(err.msg, "tcp port") != NULL);
	cap_close(src);

	/* cut in the middle of the last packet: the others come first */
	CHECK(stat(path, &sb) == 0);
	CHECK(truncate(path, sb.st_size - 5) == 0);
	CHECK(cap_open_file(path, &src, &err) == 0);
	memset(&g, 0, sizeof(g));
	memset(&st, 0, sizeof(st));
	mt_err_clear(&err);
	rc = cap_loop(src, 0, 0, on_seg, on_bad, &g, &st, &err);
	CHECK(rc == -MT_E_CAPTURE && err.code == MT_E_CAPTURE);
	CHECK(strstr(err.msg, "packet 7") != NULL);
	CHECK(st.packets == 6 && g.nseg == 2 && g.nbad == 2);
	cap_close(src);
	/* ... and in the middle of its record header */
	CHECK(truncate(path, sb.st_size - (off_t)last + 9) == 0);
	CHECK(cap_open_file(path, &src, &err) == 0);
	memset(&g, 0, sizeof(g));
	rc = cap_loop(src, 0, 0, on_seg, NULL, &g, NULL, &err);
	CHECK(rc == -MT_E_CAPTURE && strstr(err.msg, "packet 7") != NULL);
	CHECK(g.nseg == 2);
	cap_close(src);
	/* a file that ends right after a packet is clean */
	CHECK(truncate(path, sb.st_size - (off_t)last) == 0);
	CHECK(cap_open_file(path, &src, &err) == 0);
	CHECK(cap_loop(src, 0, 0, NULL, NULL, NULL, NULL, &err) == 0);
	cap_close(src);

	/* not a capture; empty; missing; a directory */
	(void)snprintf(path2, sizeof(path2), "%s/text.pcap", dir);
	write_bytes(path2, "220 this is not a capture file\r\n", 32);
	src = (struct cap_src *)&g;		/* must be reset to NULL */
	rc = cap_open_file(path2, &src, &err);
	CHECK(rc == -MT_E_USAGE && err.code == MT_E_USAGE && src == NULL);
	CHECK(strstr(err.msg, path2) != NULL);
	write_bytes(path2, "", 0);
	CHECK(cap_open_file(path2, &src, &err) == -MT_E_USAGE);
	(void)snprintf(path3, sizeof(path3), "%s/missing.pcap", dir);
	rc = cap_open_file(path3, &src, &err);
	CHECK(rc == -MT_E_USAGE && strstr(err.msg, path3) != NULL &&
	    strstr(err.msg, strerror(ENOENT)) != NULL);
	CHECK(cap_open_file(dir, &src, &err) == -MT_E_USAGE);

	/* an unsupported link type: named */
	(void)snprintf(path3, sizeof(path3), "%s/wifi.pcap", dir);
	if ((dead = pcap_open_dead(105, 65535)) == NULL ||
	    (d = pcap_dump_open(dead, path3)) == NULL) {
		fprintf(stderr, "cannot write %s\n", path3);
		exit(1);
	}
	pcap_dump_close(d);
	pcap_close(dead);
	rc = cap_open_file(path3, &src, &err);
	CHECK(rc == -MT_E_CAPTURE && err.code == MT_E_CAPTURE && src == NULL);
	CHECK(strstr(err.msg, "IEEE802_11") != NULL);

	/* live: a device that does not exist */
	rc = cap_open_live("mtnosuch0", &src, &err);
	CHECK(rc == -MT_E_USAGE && err.code == MT_E_USAGE && src == NULL);
	CHECK(strstr(err.msg, "mtnosuch0") != NULL);
	/* live on lo when allowed: an idle capture ends by cap_break() */
	rc = cap_open_live("lo", &src, &err);
	if (rc == 0) {
		struct itimerval	it;

		CHECK(cap_set_filter(src, "tcp port 9", &err) == 0);
		alarm_src = src;
		signal(SIGALRM, on_alarm_break);
		memset(&it, 0, sizeof(it));
		it.it_value.tv_usec = 300000;
		setitimer(ITIMER_REAL, &it, NULL);
		t_start = mt_wall_now();
		CHECK(cap_loop(src, 0, 0, NULL, NULL, NULL, NULL, &err) == 0);
		CHECK(mt_wall_now() - t_start >= 290000);
		CHECK(mt_wall_now() - t_start < 3000000);
		alarm_src = NULL;
		cap_close(src);
	} else {
		printf("live capture on lo not tested: %s\n", err.msg);
		CHECK(rc == -MT_E_USAGE);
	}

	(void)unlink(path);
	(void)unlink(path2);
	(void)unlink(path3);
	(void)rmdir(dir);
}

/* ---- mkpcap -------------------------------------------------------- */

struct seg {
	uint32_t	seq, ack;
	uint8_t		flags;
	uint16_t	sport;
	char		data[64];
	size_t		len, wire;
	mt_time		ts;
	uint8_t		af;
};

struct segs {
	int		n;
	struct seg	s[32];
};

static void
on_mkseg(void *arg, const struct pkt_tcp *t)
{
	struct segs	*ss = arg;
	struct seg	*s;

	if (ss->n == 32)
		return;
	s = &ss->s[ss->n++];
	memset(s, 0, sizeof(*s));
	s->seq = t->seq;
	s->ack = t->ack;
	s->flags = t->flags;
	s->sport = t->sport;
	s->len = t->len;
	s->wire = t->wire_len;
	s->ts = t->ts;
	s->af = t->af;
	memcpy(s->data, t->payload, t->len < 63 ? t->len : 63);
}

/* Run mkpcap on script; read the result into ss.  Returns mkpcap's exit
 * status (and leaves ss empty unless 0). */
static int
mk_run(const char *mkpcap, const char *dir, const char *script,
    struct segs *ss, struct cap_stats *st, int *dlt)
{
	char		 sp[256], op[256], cmd[1024];
	struct cap_src	*src;
	struct mt_err	 err;
	int		 rc;

	(void)snprintf(sp, sizeof(sp), "%s/s.txt", dir);
	(void)snprintf(op, sizeof(op), "%s/s.pcap", dir);
	write_bytes(sp, script, strlen(script));
	(void)snprintf(cmd, sizeof(cmd), "'%s' -o '%s' '%s' 2>/dev/null",
	    mkpcap, op, sp);
	memset(ss, 0, sizeof(*ss));
	memset(st, 0, sizeof(*st));
	rc = system(cmd);
	if (rc != 0)
		return rc == -1 ? -1 : WEXITSTATUS(rc);
	if (cap_open_file(op, &src, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	*dlt = cap_datalink(src);
	if (cap_loop(src, 0, 0, on_mkseg, NULL, ss, st, &err) != 0)
		fprintf(stderr, "%s\n", err.msg);
	cap_close(src);
	return 0;
}

static bool
same_file(const char *a, const char *b)
{
	FILE	*fa, *fb;
	int	 ca, cb;
	bool	 same = true;

	fa = fopen(a, "rb");
	fb = fopen(b, "rb");
	if (fa == NULL || fb == NULL)
		same = false;
	while (same) {
		ca = getc(fa);
		cb = getc(fb);
		if (ca != cb)
			same = false;
		if (ca == EOF)
			break;
	}
	if (fa != NULL)
		(void)fclose(fa);
	if (fb != NULL)
		(void)fclose(fb);
	return same;
}

static int
run_mkpcap(const char *mkpcap)
{
	static const char *const lts[] = { "en10mb", "sll", "sll2", "null",
	    "loop", "raw", "ipv4", "ipv6" };
	static const int lt_dlt[] = { DLT_EN10MB, DLT_LINUX_SLL, 276, DLT_NULL,
	    DLT_LOOP, DLT_RAW, 228, 229 };
	char			 dir[] = "/tmp/test_mkpcap.XXXXXX";
	char			 script[2048], a[256], b[256], cmd[1024];
	struct segs		 ss;
	struct cap_stats	 st;
	struct seg		*s;
	size_t			 i;
	int			 af, dlt, rc;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}

	for (i = 0; i < sizeof(lts) / sizeof(lts[0]); i++) {
		for (af = 4; af <= 6; af += 2) {
			if ((i == 6 && af == 6) || (i == 7 && af == 4))
				continue;
			(void)snprintf(script, sizeof(script),
			    "# every packet kind\n"
			    "linktype %s\n"
			    "vlan 10 20\n"
			    "flow %d %s 40000 %s 110\n"
			    "syn\nsynack\nack\n"
			    "s2c \"+OK ready\\r\\n\"\n"
			    "c2s \"USER a\\r\\n\"\n"
			    "time +5000000\n"
			    "s2c-at 11 \"+OK\\r\\n\"\n"
			    "skip-c2s 3\n"
			    "c2s \"QUIT\\r\\n\"\n"
			    "fin-c2s\n"
			    "rst-s2c\n"
			    "udp-c2s \"x\"\n",
			    lts[i], af, af == 4 ? "10.0.0.1" : "2001:db8::1",
			    af == 4 ? "10.0.0.2" : "2001:db8::2");
			rc = mk_run(mkpcap, dir, script, &ss, &st, &dlt);
			CHECK(rc == 0);
			CHECK(dlt == lt_dlt[i]);
			CHECK(st.packets == 10 && st.tcp == 9 &&
			    st.skipped == 1 && st.truncated == 0 &&
			    st.invalid == 0 && st.snapped == 0);
			CHECK(ss.n == 9);
			if (ss.n != 9) {
				fprintf(stderr, "linktype %s af %d: %d\n",
				    lts[i], af, ss.n);
				continue;
			}
			s = ss.s;
			CHECK(s[0].af == af && s[0].sport == 40000);
			CHECK(s[0].seq == 1000 && s[0].flags == PKT_SYN &&
			    s[0].ack == 0 && s[0].ts == T0);
			CHECK(s[1].seq == 5000 && s[1].ack == 1001 &&
			    s[1].flags == (PKT_SYN | PKT_ACK) &&
			    s[1].sport == 110 && s[1].ts == T0 + 1000);
			CHECK(s[2].seq == 1001 && s[2].ack == 5001 &&
			    s[2].flags == PKT_ACK && s[2].len == 0);
			CHECK(s[3].seq == 5001 && s[3].ack == 1001 &&
			    s[3].len == 11 && s[3].wire == 11 &&
			    memcmp(s[3].data, "+OK ready\r\n", 11) == 0 &&
			    s[3].flags == (PKT_PSH | PKT_ACK));
			CHECK(s[4].seq == 1001 && s[4].ack == 5012 &&
			    s[4].len == 8 && s[4].ts == T0 + 4000);
			CHECK(s[5].seq == 5012 && s[5].len == 5 &&
			    s[5].ts == T0 + 5005000);
			CHECK(s[6].seq == 1012 && s[6].len == 6 &&
			    strcmp(s[6].data, "QUIT\r\n") == 0);
			CHECK(s[7].seq == 1018 &&
			    s[7].flags == (PKT_FIN | PKT_ACK));
			CHECK(s[8].seq == 5012 && s[8].ack == 1019 &&
			    s[8].flags == (PKT_RST | PKT_ACK) &&
			    s[8].sport == 110);
		}
	}

	/* IPv6 extension headers; IPv4 fragments; snap length; wrap */
	rc = mk_run(mkpcap, dir,
	    "flow 6 ::1 1025 ::1 25\nipv6-ext\nc2s \"EHLO x\\r\\n\"\n"
	    "ipv6-ext off\nc2s \"\\x41\\102\\0\"\n", &ss, &st, &dlt);
	CHECK(rc == 0 && ss.n == 2 && st.skipped == 0);
	CHECK(ss.s[0].len == 8 && memcmp(ss.s[0].data, "EHLO x\r\n", 8) == 0);
	CHECK(ss.s[1].len == 3 && memcmp(ss.s[1].data, "AB\0", 3) == 0);

	rc = mk_run(mkpcap, dir,
	    "linktype sll2\nflow 4 10.0.0.1 1025 10.0.0.2 110\nfrag\n"
	    "c2s \"USER alice\\r\\n\"\nfrag off\nc2s \"PASS\\r\\n\"\n",
	    &ss, &st, &dlt);
	CHECK(rc == 0 && st.packets == 3 && st.skipped == 1 && ss.n == 2);
	CHECK(ss.s[0].len == 4 && ss.s[0].wire == 4 &&
	    memcmp(ss.s[0].data, "USER", 4) == 0);
	CHECK(ss.s[1].seq == 1013 && ss.s[1].len == 6);

	rc = mk_run(mkpcap, dir,
	    "flow 4 10.0.0.1 1025 10.0.0.2 110\nsnaplen 60\n"
	    "s2c \"+OK 0123456789abcdef0123456789\\r\\n\"\n"
	    "snaplen 30\nc2s \"x\"\nsnaplen off\nc2s \"y\"\n",
	    &ss, &st, &dlt);
	CHECK(rc == 0 && st.packets == 3 && st.snapped == 2 &&
	    st.truncated == 1 && ss.n == 2);
	CHECK(ss.s[0].len == 60 - 54 && ss.s[0].wire == 32);

	rc = mk_run(mkpcap, dir,
	    "linktype raw\nflow 4 10.0.0.1 1025 10.0.0.2 110\n"
	    "seq-c2s 4294967290\nc2s \"abcdefghij\"\nc2s \"k\"\n"
	    "c2s-at 0 \"a\"\ntime @1000000\nhex 45 00\nhex\n",
	    &ss, &st, &dlt);
	CHECK(rc == 0 && ss.n == 3 && st.truncated == 2);
	CHECK(ss.s[0].seq == 4294967291u && ss.s[1].seq == 5 &&
	    ss.s[2].seq == 4294967291u);

	/* script errors: exit 2 */
	CHECK(mk_run(mkpcap, dir, "c2s \"x\"\n", &ss, &st, &dlt) == 2);
	CHECK(mk_run(mkpcap, dir, "bogus\n", &ss, &st, &dlt) == 2);
	CHECK(mk_run(mkpcap, dir, "flow 4 10.0.0.1 1 10.0.0.2 2\n"
	    "c2s \"x\n", &ss, &st, &dlt) == 2);
	CHECK(mk_run(mkpcap, dir, "flow 4 10.0.0.1 1 10.0.0.2 99999\n",
	    &ss, &st, &dlt) == 2);
	CHECK(mk_run(mkpcap, dir, "flow 4 10.0.0.1 1 10.0.0.2 2\nsyn\n"
	    "linktype sll\n", &ss, &st, &dlt) == 2);
	CHECK(mk_run(mkpcap, dir, "linktype ipv4\nflow 6 ::1 1 ::1 2\n",
	    &ss, &st, &dlt) == 2);

	/* deterministic: the same script, the same bytes */
	(void)snprintf(a, sizeof(a), "%s/a.pcap", dir);
	(void)snprintf(b, sizeof(b), "%s/b.pcap", dir);
	(void)snprintf(a, sizeof(a), "%s/s.txt", dir);
	write_bytes(a, script, strlen(script));	/* the last of the loop */
	(void)snprintf(a, sizeof(a), "%s/a.pcap", dir);
	(void)snprintf(cmd, sizeof(cmd), "'%s' -o '%s' '%s/s.txt' && "
	    "'%s' -o - < '%s/s.txt' > '%s'", mkpcap, a, dir, mkpcap, dir, b);
	CHECK(system(cmd) == 0);
	CHECK(same_file(a, b));

	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)system(cmd);
	return check_done();
}

int
main(int argc, char *argv[])
{
	if (argc == 3 && strcmp(argv[1], "--mkpcap") == 0)
		return run_mkpcap(argv[2]);
	if (argc != 1) {
		fprintf(stderr, "usage: test_pkt [--mkpcap PATH]\n");
		return 2;
	}
	test_links();
	test_ip();
	test_invalid();
	test_skip();
	test_frag();
	test_tso();
	test_addr();
	test_fuzz();
	test_files();
	return check_done();
}
