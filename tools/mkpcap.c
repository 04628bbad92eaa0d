/*
 * SPDX-License-Identifier: BSD-2-Clause
 * mkpcap.c - write crafted test captures from a small script (one TCP flow
 * at a time: handshake, data in either direction, gaps, out-of-order and
 * overlapping segments, FIN/RST; VLAN tags, snap lengths, IPv6 extension
 * headers, IPv4 fragments; several link types).  A pcap file is written
 * with libpcap's dump API (pcap_open_dead, pcap_dump_open, pcap_dump);
 * libpcap has no pcapng writer, so "format pcapng" writes the few blocks
 * it needs here (section header, interface descriptions, enhanced
 * packets), for pcapng files with several interfaces.  Deterministic: the
 * same script gives the same bytes.
 *
 * RFC 791 3.1 (IPv4 header, fragments), RFC 8200 4 (IPv6 extension
 * headers), RFC 9293 3.1 (TCP header, sequence numbers), RFC 768 (UDP),
 * RFC 1071 (Internet checksum), IEEE 802.1Q / 802.1ad (VLAN tags),
 * draft-ietf-opsawg-pcapng 4.1, 4.2, 4.3 (SHB, IDB, EPB).
 *
 * With "tls", the flow's data is a real TLS session (mktls.c: OpenSSL over
 * memory BIOs), its key log appended to -k KEYLOG; its bytes are not
 * deterministic (TLS randomness), what they decrypt to is.
 *
 * Usage: mkpcap [-o OUT] [-k KEYLOG] [SCRIPT]; docs/capture.md has the script
 * language.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "mktls.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2	276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4	228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6	229
#endif

#define MK_SNAPLEN	262144		/* file header snap length */
#define MK_T0		1700000000000000LL	/* first packet, us */
#define MK_STEP		1000		/* default clock step, us */
#define MK_TEXT_MAX	65000		/* payload bytes in one segment */
#define MK_PKT_MAX	(MK_TEXT_MAX + 256)
#define MK_VLAN_MAX	8
#define MK_FRAG_FIRST	24		/* IP data in a first fragment */
#define MK_IF_MAX	16		/* pcapng interfaces */

/* pcapng block types (draft-ietf-opsawg-pcapng 11.1) */
#define NG_SHB		0x0A0D0D0Au
#define NG_IDB		0x00000001u
#define NG_EPB		0x00000006u
#define NG_BOM		0x1A2B3C4Du

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PSH	0x08
#define TH_ACK	0x10

enum mk_dir {
	MK_C2S,
	MK_S2C
};

struct mk_side {
	uint32_t	isn;		/* initial sequence number */
	uint32_t	nxt;		/* next sequence number to send */
};

struct mk_lt {
	const char	*name;
	int		 dlt;
};

static const struct mk_lt mk_lts[] = {
	{ "en10mb",	DLT_EN10MB },
	{ "sll",	DLT_LINUX_SLL },
	{ "sll2",	DLT_LINUX_SLL2 },
	{ "null",	DLT_NULL },
	{ "loop",	DLT_LOOP },
	{ "raw",	DLT_RAW },
	{ "ipv4",	DLT_IPV4 },
	{ "ipv6",	DLT_IPV6 },
};

struct mk {
	const char	*script;	/* for messages */
	unsigned long	 lineno;
	const char	*out;
	int		 dlt;		/* of the current interface */
	bool		 ng;		/* format pcapng */
	bool		 open;		/* the file header is written */
	pcap_t		*dead;
	pcap_dumper_t	*dump;
	FILE		*ngfp;		/* pcapng: written here by hand */
	uint32_t	 nif;		/* pcapng: interfaces described */
	unsigned	 vlan[MK_VLAN_MAX];
	int		 nvlan;
	size_t		 snaplen;	/* 0: no cut */
	bool		 have_flow;
	int		 af;		/* 4 or 6 */
	uint8_t		 caddr[16];
	uint8_t		 saddr[16];
	uint16_t	 cport;
	uint16_t	 sport;
	struct mk_side	 side[2];	/* by enum mk_dir */
	int64_t		 now;		/* the next packet's time, us */
	bool		 ip6ext;
	bool		 frag;
	uint16_t	 ipid;
	uint64_t	 npkt;
	/* tls: the flow's TLS session (mktls.c) and what to do to its bytes */
	struct mktls	*tls;
	bool		 tls_ghost;	/* keys logged, nothing written */
	FILE		*keylog;	/* -k FILE */
	size_t		 tls_seg;	/* segment size; 0: a chunk whole */
	bool		 tls_corrupt;	/* flip the next chunk's last byte */
	long		 tls_cut;	/* >= 0: write only that many bytes of
					   the next chunk, then nothing */
	bool		 tls_dead;	/* cut: nothing more of the session */
	size_t		 gap_off, gap_len;	/* the next chunk loses these */
};

static void	usage(void) __attribute__((noreturn));
static void	fail(struct mk *, const char *, ...)
		    __attribute__((format(printf, 2, 3), noreturn));
static void	line(struct mk *, char *);
static void	tls_line(struct mk *, const char *, char *);
static void	tls_emit(void *, int, const uint8_t *, size_t);
static char	*next_tok(char **);
static void	no_more(struct mk *, char *);
static uint64_t	num(struct mk *, const char *, uint64_t);
static size_t	text(struct mk *, char *, uint8_t *);
static enum mk_dir dir_of(struct mk *, const char *, const char *);
static void	need_flow(struct mk *);
static void	flow(struct mk *, char *);
static void	tcp(struct mk *, enum mk_dir, uint32_t, uint32_t, uint8_t,
		    const uint8_t *, size_t);
static void	udp(struct mk *, enum mk_dir, const uint8_t *, size_t);
static void	ip_out(struct mk *, enum mk_dir, uint8_t, const uint8_t *,
		    size_t);
static size_t	link_hdr(struct mk *, enum mk_dir, int, uint8_t *);
static void	put(struct mk *, const uint8_t *, size_t);
static void	open_dump(struct mk *);
static int	lt_of(struct mk *, const char *);
static void	ng_block(struct mk *, uint32_t, const uint8_t *, size_t,
		    const uint8_t *, size_t);
static void	ng_idb(struct mk *, uint32_t);
static int	hexval(int);
static int	hexbyte(const char *, uint8_t *);
static uint32_t	sum_add(uint32_t, const uint8_t *, size_t);
static uint16_t	sum_fold(uint32_t);
static void	be16(uint8_t *, unsigned);
static void	be32(uint8_t *, uint32_t);

int
main(int argc, char *argv[])
{
	struct mk	 mk;
	FILE		*in;
	char		*buf = NULL;
	size_t		 bufsz = 0;
	ssize_t		 n;
	int		 ch;

	memset(&mk, 0, sizeof(mk));
	mk.out = "-";
	mk.dlt = DLT_EN10MB;
	mk.now = MK_T0;
	mk.ipid = 1;
	mk.tls_cut = -1;
	while ((ch = getopt(argc, argv, "hk:o:")) != -1) {
		switch (ch) {
		case 'o':
			mk.out = optarg;
			break;
		case 'k':
			if ((mk.keylog = fopen(optarg, "a")) == NULL) {
				fprintf(stderr, "mkpcap: %s: %s\n", optarg,
				    strerror(errno));
				return 2;
			}
			break;
		case 'h':
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage();
	if (argc == 1 && strcmp(argv[0], "-") != 0) {
		mk.script = argv[0];
		if ((in = fopen(argv[0], "r")) == NULL) {
			fprintf(stderr, "mkpcap: %s: %s\n", argv[0],
			    strerror(errno));
			return 2;
		}
	} else {
		mk.script = "<stdin>";
		in = stdin;
	}

	while ((n = getline(&buf, &bufsz, in)) != -1) {
		mk.lineno++;
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			buf[--n] = '\0';
		line(&mk, buf);
	}
	if (ferror(in)) {
		fprintf(stderr, "mkpcap: %s: read error\n", mk.script);
		return 2;
	}
	free(buf);
	if (in != stdin)
		(void)fclose(in);

	mktls_free(mk.tls);
	if (mk.keylog != NULL && fclose(mk.keylog) != 0) {
		fprintf(stderr, "mkpcap: the key log: write error\n");
		return 1;
	}
	if (!mk.open)
		open_dump(&mk);			/* an empty capture */
	if (mk.ng) {
		if (fflush(mk.ngfp) != 0 || ferror(mk.ngfp) ||
		    (mk.ngfp != stdout && fclose(mk.ngfp) != 0)) {
			fprintf(stderr, "mkpcap: %s: write error\n", mk.out);
			return 1;
		}
		return 0;
	}
	if (pcap_dump_flush(mk.dump) != 0) {
		fprintf(stderr, "mkpcap: %s: write error\n", mk.out);
		return 1;
	}
	pcap_dump_close(mk.dump);
	pcap_close(mk.dead);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: mkpcap [-o OUT] [-k KEYLOG] [SCRIPT]\n");
	exit(2);
}

static void
fail(struct mk *mk, const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "mkpcap: %s:%lu: ", mk->script, mk->lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* One script line. */
static void
line(struct mk *mk, char *s)
{
	uint8_t		 payload[MK_TEXT_MAX];
	char		*kw, *arg;
	size_t		 i, n;
	enum mk_dir	 d;
	struct mk_side	*me, *peer;
	uint8_t		 flags;

	kw = next_tok(&s);
	if (kw == NULL || kw[0] == '#')
		return;

	if (strcmp(kw, "linktype") == 0 || strcmp(kw, "interface") == 0) {
		uint32_t	snap = MK_SNAPLEN;
		char		*sl;

		if ((arg = next_tok(&s)) == NULL)
			fail(mk, "%s: link type name missing", kw);
		if (kw[0] == 'i' && (sl = next_tok(&s)) != NULL)
			snap = (uint32_t)num(mk, sl, MK_SNAPLEN);
		no_more(mk, s);
		if (kw[0] == 'l' && mk->open)
			fail(mk, "linktype after the first packet");
		if (kw[0] == 'i' && !mk->ng)
			fail(mk, "interface needs format pcapng");
		if (kw[0] == 'i' && !mk->open)
			open_dump(mk);		/* the first interface */
		mk->dlt = lt_of(mk, arg);
		if (mk->have_flow && ((mk->dlt == DLT_IPV4 && mk->af != 4) ||
		    (mk->dlt == DLT_IPV6 && mk->af != 6)))
			fail(mk, "link type %s does not fit the flow", arg);
		if (kw[0] == 'i')
			ng_idb(mk, snap);
	} else if (strcmp(kw, "format") == 0) {
		if ((arg = next_tok(&s)) == NULL)
			fail(mk, "format: pcap or pcapng missing");
		no_more(mk, s);
		if (mk->open)
			fail(mk, "format after the first packet");
		if (strcmp(arg, "pcap") != 0 && strcmp(arg, "pcapng") != 0)
			fail(mk, "format: pcap or pcapng, not \"%s\"", arg);
		mk->ng = arg[4] == 'n';
	} else if (strcmp(kw, "vlan") == 0) {
		mk->nvlan = 0;
		if ((arg = next_tok(&s)) == NULL)
			fail(mk, "vlan: id or \"off\" missing");
		if (strcmp(arg, "off") == 0) {
			no_more(mk, s);
			return;
		}
		do {
			if (mk->nvlan == MK_VLAN_MAX)
				fail(mk, "more than %d VLAN tags", MK_VLAN_MAX);
			mk->vlan[mk->nvlan++] = (unsigned)num(mk, arg, 4095);
		} while ((arg = next_tok(&s)) != NULL);
	} else if (strcmp(kw, "snaplen") == 0) {
		if ((arg = next_tok(&s)) == NULL)
			fail(mk, "snaplen: length or \"off\" missing");
		no_more(mk, s);
		mk->snaplen = strcmp(arg, "off") == 0 ? 0 :
		    (size_t)num(mk, arg, MK_SNAPLEN);
	} else if (strcmp(kw, "flow") == 0) {
		/* a TLS session is its flow's: a new flow has none */
		mktls_free(mk->tls);
		mk->tls = NULL;
		flow(mk, s);
	} else if (strcmp(kw, "seq-c2s") == 0 || strcmp(kw, "seq-s2c") == 0) {
		need_flow(mk);
		d = dir_of(mk, kw, "seq-");
		if ((arg = next_tok(&s)) == NULL)
			fail(mk, "%s: number missing", kw);
		no_more(mk, s);
		mk->side[d].isn = (uint32_t)num(mk, arg, UINT32_MAX);
		mk->side[d].nxt = mk->side[d].isn + 1;
	} else if (strcmp(kw, "syn") == 0) {
		need_flow(mk);
		no_more(mk, s);
		tcp(mk, MK_C2S, mk->side[MK_C2S].isn, 0, TH_SYN, NULL, 0);
	} else if (strcmp(kw, "synack") == 0) {
		need_flow(mk);
		no_more(mk, s);
		tcp(mk, MK_S2C, mk->side[MK_S2C].isn, mk->side[MK_C2S].nxt,
		    TH_SYN | TH_ACK, NULL, 0);
	} else if (strcmp(kw, "ack") == 0) {
		need_flow(mk);
		no_more(mk, s);
		tcp(mk, MK_C2S, mk->side[MK_C2S].nxt, mk->side[MK_S2C].nxt,
		    TH_ACK, NULL, 0);
	} else if (strncmp(kw, "tls", 3) == 0 && (kw[3] == '\0' ||
	    kw[3] == '-')) {
		tls_line(mk, kw, s);
	} else if (strcmp(kw, "c2s") == 0 || strcmp(kw, "s2c") == 0) {
		char	err[512];

		need_flow(mk);
		d = dir_of(mk, kw, "");
		me = &mk->side[d];
		peer = &mk->side[!d];
		n = text(mk, s, payload);
		if (mk->tls != NULL) {
			if (mktls_write(mk->tls, d, payload, n, err,
			    sizeof(err)) != 0)
				fail(mk, "%s", err);
			return;
		}
		tcp(mk, d, me->nxt, peer->nxt, TH_PSH | TH_ACK, payload, n);
		me->nxt += (uint32_t)n;
	} else if (strcmp(kw, "c2s-at") == 0 || strcmp(kw, "s2c-at") == 0) {
		need_flow(mk);
		d = dir_of(mk, kw, "");
		me = &mk->side[d];
		peer = &mk->side[!d];
		if ((arg = next_tok(&s)) == NULL)
			fail(mk, "%s: offset missing", kw);
		i = (size_t)num(mk, arg, UINT32_MAX);
		n = text(mk, s, payload);
		tcp(mk, d, me->isn + 1 + (uint32_t)i, peer->nxt,
		    TH_PSH | TH_ACK, payload, n);
	} else if (strcmp(kw, "skip-c2s") == 0 || strcmp(kw, "skip-s2c") == 0) {
		need_flow(mk);
		d = dir_of(mk, kw, "skip-");
		if ((arg = next_tok(&s)) == NULL)
			fail(mk, "%s: byte count missing", kw);
		no_more(mk, s);
		mk->side[d].nxt += (uint32_t)num(mk, arg, UINT32_MAX);
	} else if (strcmp(kw, "fin-c2s") == 0 || strcmp(kw, "fin-s2c") == 0 ||
	    strcmp(kw, "rst-c2s") == 0 || strcmp(kw, "rst-s2c") == 0) {
		need_flow(mk);
		no_more(mk, s);
		d = dir_of(mk, kw, kw[0] == 'f' ? "fin-" : "rst-");
		me = &mk->side[d];
		peer = &mk->side[!d];
		flags = kw[0] == 'f' ? TH_FIN | TH_ACK : TH_RST | TH_ACK;
		tcp(mk, d, me->nxt, peer->nxt, flags, NULL, 0);
		if (kw[0] == 'f')
			me->nxt++;	/* RFC 9293 3.4: FIN takes one */
	} else if (strcmp(kw, "udp-c2s") == 0 || strcmp(kw, "udp-s2c") == 0) {
		need_flow(mk);
		d = dir_of(mk, kw, "udp-");
		n = text(mk, s, payload);
		udp(mk, d, payload, n);
	} else if (strcmp(kw, "hex") == 0) {
		for (n = 0; (arg = next_tok(&s)) != NULL; ) {
			for (i = 0; arg[i] != '\0'; i += 2) {
				if (n == sizeof(payload))
					fail(mk, "hex: too many bytes");
				if (hexbyte(arg + i, &payload[n]) != 0)
					fail(mk, "hex: bad hex \"%s\"", arg);
				n++;
			}
		}
		put(mk, payload, n);
	} else if (strcmp(kw, "time") == 0) {
		if ((arg = next_tok(&s)) == NULL)
			fail(mk, "time: +US or @US missing");
		no_more(mk, s);
		if (arg[0] == '+')
			mk->now += (int64_t)num(mk, arg + 1, INT64_MAX / 4);
		else if (arg[0] == '@')
			mk->now = (int64_t)num(mk, arg + 1, INT64_MAX / 2);
		else
			fail(mk, "time: +US or @US, not \"%s\"", arg);
	} else if (strcmp(kw, "ipv6-ext") == 0 || strcmp(kw, "frag") == 0) {
		arg = next_tok(&s);
		no_more(mk, s);
		if (arg != NULL && strcmp(arg, "off") != 0 &&
		    strcmp(arg, "on") != 0)
			fail(mk, "%s: \"on\" or \"off\", not \"%s\"", kw, arg);
		if (kw[0] == 'i')
			mk->ip6ext = arg == NULL || strcmp(arg, "on") == 0;
		else
			mk->frag = arg == NULL || strcmp(arg, "on") == 0;
	} else
		fail(mk, "unknown keyword \"%s\"", kw);
}

/* A link type by its script name. */
/*
 * The TLS keywords (docs/capture.md): tls VERSION SUITE [ghost|nokeys], tls-off,
 * tls-seg N, tls-corrupt, tls-cut N, tls-gap OFFSET N,
 * tls-keyupdate c2s|s2c.
 */
static void
tls_line(struct mk *mk, const char *kw, char *s)
{
	char	*a, *b, *g, err[512];

	need_flow(mk);
	if (strcmp(kw, "tls") == 0) {
		if ((a = next_tok(&s)) == NULL || (b = next_tok(&s)) == NULL)
			fail(mk, "tls: VERSION SUITE [ghost]");
		g = next_tok(&s);
		no_more(mk, s);
		if (g != NULL && strcmp(g, "ghost") != 0 &&
		    strcmp(g, "nokeys") != 0)
			fail(mk, "tls: \"ghost\", \"nokeys\" or nothing after "
			    "the suite");
		if (mk->tls != NULL)
			fail(mk, "tls: a session is on already (tls-off)");
		mk->tls_ghost = g != NULL && g[0] == 'g';
		mk->tls_dead = false;
		if ((mk->tls = mktls_new(a, b, g != NULL && g[0] == 'n' ? NULL :
		    mk->keylog, tls_emit, mk, err, sizeof(err))) == NULL)
			fail(mk, "%s", err);
		if (mk->tls_ghost) {	/* its keys only: another session */
			mktls_free(mk->tls);
			mk->tls = NULL;
			mk->tls_ghost = false;
		}
	} else if (strcmp(kw, "tls-off") == 0) {
		no_more(mk, s);
		mktls_free(mk->tls);
		mk->tls = NULL;
	} else if (strcmp(kw, "tls-seg") == 0) {
		if ((a = next_tok(&s)) == NULL)
			fail(mk, "tls-seg: size missing");
		no_more(mk, s);
		mk->tls_seg = (size_t)num(mk, a, MK_TEXT_MAX);
	} else if (strcmp(kw, "tls-corrupt") == 0) {
		no_more(mk, s);
		mk->tls_corrupt = true;
	} else if (strcmp(kw, "tls-cut") == 0) {
		if ((a = next_tok(&s)) == NULL)
			fail(mk, "tls-cut: byte count missing");
		no_more(mk, s);
		mk->tls_cut = (long)num(mk, a, MK_TEXT_MAX);
	} else if (strcmp(kw, "tls-gap") == 0) {
		if ((a = next_tok(&s)) == NULL || (b = next_tok(&s)) == NULL)
			fail(mk, "tls-gap: OFFSET N");
		no_more(mk, s);
		mk->gap_off = (size_t)num(mk, a, MK_TEXT_MAX);
		mk->gap_len = (size_t)num(mk, b, MK_TEXT_MAX);
	} else if (strcmp(kw, "tls-keyupdate") == 0) {
		if ((a = next_tok(&s)) == NULL)
			fail(mk, "tls-keyupdate: c2s or s2c");
		no_more(mk, s);
		if (mk->tls == NULL)
			fail(mk, "tls-keyupdate: no TLS session (tls)");
		if (mktls_keyupdate(mk->tls, strcmp(a, "s2c") == 0, err,
		    sizeof(err)) != 0)
			fail(mk, "%s", err);
	} else
		fail(mk, "unknown keyword \"%s\"", kw);
}

/* One chunk of TLS bytes of dir as the flow's segments, as told. */
static void
tls_emit(void *arg, int dir, const uint8_t *p, size_t n)
{
	struct mk	*mk = arg;
	struct mk_side	*me = &mk->side[dir], *peer = &mk->side[!dir];
	uint8_t		 buf[MK_TEXT_MAX];
	size_t		 off, k, seg;

	if (mk->tls_ghost || mk->tls_dead || n == 0)
		return;
	if (n > sizeof(buf))
		fail(mk, "tls: a chunk of %zu bytes (at most %d)", n,
		    MK_TEXT_MAX);
	memcpy(buf, p, n);
	if (mk->tls_corrupt) {
		buf[n - 1] ^= 0x01;
		mk->tls_corrupt = false;
	}
	if (mk->tls_cut >= 0) {
		if ((size_t)mk->tls_cut < n)
			n = (size_t)mk->tls_cut;
		mk->tls_cut = -1;
		mk->tls_dead = true;
	}
	seg = mk->tls_seg != 0 ? mk->tls_seg : n;
	for (off = 0; off < n; off += k) {
		k = n - off < seg ? n - off : seg;
		if (mk->gap_len != 0 && off <= mk->gap_off &&
		    mk->gap_off < off + k && mk->gap_off + mk->gap_len <= n) {
			/* up to the gap, the gap itself unsent, then on */
			k = mk->gap_off - off;
			if (k > 0)
				tcp(mk, dir, me->nxt, peer->nxt,
				    TH_PSH | TH_ACK, buf + off, k);
			me->nxt += (uint32_t)(k + mk->gap_len);
			k += mk->gap_len;
			mk->gap_len = 0;
			continue;
		}
		tcp(mk, dir, me->nxt, peer->nxt, TH_PSH | TH_ACK, buf + off,
		    k);
		me->nxt += (uint32_t)k;
	}
}

static int
lt_of(struct mk *mk, const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(mk_lts) / sizeof(mk_lts[0]); i++)
		if (strcmp(name, mk_lts[i].name) == 0)
			return mk_lts[i].dlt;
	fail(mk, "unknown link type \"%s\"", name);
}

/* The next space-separated token, or NULL; *s moves past it. */
static char *
next_tok(char **s)
{
	char	*p = *s, *tok;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0') {
		*s = p;
		return NULL;
	}
	tok = p;
	while (*p != '\0' && *p != ' ' && *p != '\t')
		p++;
	if (*p != '\0')
		*p++ = '\0';
	*s = p;
	return tok;
}

static void
no_more(struct mk *mk, char *s)
{
	if (next_tok(&s) != NULL)
		fail(mk, "extra words at the end of the line");
}

/* A decimal number in [0, max] (strtonum discipline). */
static uint64_t
num(struct mk *mk, const char *s, uint64_t max)
{
	uint64_t	v = 0;
	const char	*p;

	if (*s == '\0')
		fail(mk, "number missing");
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			fail(mk, "\"%s\" is not a number", s);
		if (v > (max - (uint64_t)(*p - '0')) / 10)
			fail(mk, "%s is larger than %" PRIu64, s, max);
		v = v * 10 + (uint64_t)(*p - '0');
	}
	return v;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
hexbyte(const char *s, uint8_t *out)
{
	int	hi, lo;

	if ((hi = hexval(s[0])) < 0 || (lo = hexval(s[1])) < 0)
		return -1;
	*out = (uint8_t)(hi << 4 | lo);
	return 0;
}

/*
 * The rest of the line as one "quoted TEXT" with C escapes (\r \n \t \0
 * \\ \" \xHH and octal \NNN); returns its length in out.
 */
static size_t
text(struct mk *mk, char *s, uint8_t *out)
{
	size_t	n = 0;
	int	v, k;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s++ != '"')
		fail(mk, "a quoted \"TEXT\" is missing");
	for (;;) {
		if (*s == '\0')
			fail(mk, "the quoted text does not end");
		if (*s == '"')
			break;
		if (n == MK_TEXT_MAX)
			fail(mk, "text longer than %d bytes", MK_TEXT_MAX);
		if (*s != '\\') {
			out[n++] = (uint8_t)*s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'r':
			out[n++] = '\r';
			s++;
			break;
		case 'n':
			out[n++] = '\n';
			s++;
			break;
		case 't':
			out[n++] = '\t';
			s++;
			break;
		case '\\':
		case '"':
			out[n++] = (uint8_t)*s++;
			break;
		case 'x':
			if (hexbyte(s + 1, &out[n]) != 0)
				fail(mk, "\\x needs two hex digits");
			n++;
			s += 3;
			break;
		default:
			if (*s < '0' || *s > '7')
				fail(mk, "unknown escape \\%c", *s);
			for (v = 0, k = 0; k < 3 && *s >= '0' && *s <= '7'; k++)
				v = v * 8 + (*s++ - '0');
			if (v > 255)
				fail(mk, "octal escape above \\377");
			out[n++] = (uint8_t)v;
			break;
		}
	}
	no_more(mk, s + 1);
	return n;
}

/* "c2s..." / "s2c..." after prefix. */
static enum mk_dir
dir_of(struct mk *mk, const char *kw, const char *prefix)
{
	const char	*p = kw + strlen(prefix);

	if (strncmp(p, "c2s", 3) == 0)
		return MK_C2S;
	if (strncmp(p, "s2c", 3) == 0)
		return MK_S2C;
	fail(mk, "%s: no direction", kw);
}

static void
need_flow(struct mk *mk)
{
	if (!mk->have_flow)
		fail(mk, "no flow yet (flow 4|6 CADDR CPORT SADDR SPORT)");
}

/* flow 4|6 CLIENTADDR CPORT SERVERADDR SPORT */
static void
flow(struct mk *mk, char *s)
{
	char	*w[5];
	int	 i;

	for (i = 0; i < 5; i++)
		if ((w[i] = next_tok(&s)) == NULL)
			fail(mk, "flow 4|6 CLIENTADDR CPORT SERVERADDR SPORT");
	no_more(mk, s);
	memset(mk->caddr, 0, sizeof(mk->caddr));
	memset(mk->saddr, 0, sizeof(mk->saddr));
	if (strcmp(w[0], "4") == 0) {
		mk->af = 4;
		if (inet_pton(AF_INET, w[1], mk->caddr) != 1 ||
		    inet_pton(AF_INET, w[3], mk->saddr) != 1)
			fail(mk, "flow: bad IPv4 address");
	} else if (strcmp(w[0], "6") == 0) {
		mk->af = 6;
		if (inet_pton(AF_INET6, w[1], mk->caddr) != 1 ||
		    inet_pton(AF_INET6, w[3], mk->saddr) != 1)
			fail(mk, "flow: bad IPv6 address");
	} else
		fail(mk, "flow: family 4 or 6, not \"%s\"", w[0]);
	if ((mk->dlt == DLT_IPV4 && mk->af != 4) ||
	    (mk->dlt == DLT_IPV6 && mk->af != 6))
		fail(mk, "flow: family does not fit the link type");
	mk->cport = (uint16_t)num(mk, w[2], 65535);
	mk->sport = (uint16_t)num(mk, w[4], 65535);
	mk->side[MK_C2S].isn = 1000;
	mk->side[MK_C2S].nxt = 1001;
	mk->side[MK_S2C].isn = 5000;
	mk->side[MK_S2C].nxt = 5001;
	mk->have_flow = true;
}

/* RFC 9293 3.1: a 20-byte header, no options, window 65535. */
static void
tcp(struct mk *mk, enum mk_dir d, uint32_t seq, uint32_t ack, uint8_t flags,
    const uint8_t *payload, size_t n)
{
	uint8_t	seg[20 + MK_TEXT_MAX];

	be16(seg, d == MK_C2S ? mk->cport : mk->sport);
	be16(seg + 2, d == MK_C2S ? mk->sport : mk->cport);
	be32(seg + 4, seq);
	be32(seg + 8, (flags & TH_ACK) ? ack : 0);
	seg[12] = 5 << 4;
	seg[13] = flags;
	be16(seg + 14, 65535);
	be16(seg + 16, 0);			/* checksum, below */
	be16(seg + 18, 0);
	if (n > 0)
		memcpy(seg + 20, payload, n);
	ip_out(mk, d, 6, seg, 20 + n);
}

/* RFC 768; checksum below. */
static void
udp(struct mk *mk, enum mk_dir d, const uint8_t *payload, size_t n)
{
	uint8_t	dg[8 + MK_TEXT_MAX];

	be16(dg, d == MK_C2S ? mk->cport : mk->sport);
	be16(dg + 2, d == MK_C2S ? mk->sport : mk->cport);
	be16(dg + 4, (unsigned)(8 + n));
	be16(dg + 6, 0);
	if (n > 0)
		memcpy(dg + 8, payload, n);
	ip_out(mk, d, 17, dg, 8 + n);
}

/*
 * Wrap a transport segment (whose checksum field is zero) in IP and the
 * link header, fill in the checksums (RFC 1071, with the pseudo-header of
 * RFC 9293 3.1 / RFC 8200 8.1), and write it: as two fragments when frag
 * is on for IPv4 (RFC 791: the first MK_FRAG_FIRST bytes with MF, then the
 * rest at offset MK_FRAG_FIRST / 8).
 */
static void
ip_out(struct mk *mk, enum mk_dir d, uint8_t proto, const uint8_t *seg,
    size_t n)
{
	uint8_t		 pkt[MK_PKT_MAX], ph[40], tseg[8 + MK_TEXT_MAX];
	const uint8_t	*src, *dst;
	uint32_t	 sum;
	size_t		 l, ip, off, piece;
	int		 ck;
	uint16_t	 c;

	src = d == MK_C2S ? mk->caddr : mk->saddr;
	dst = d == MK_C2S ? mk->saddr : mk->caddr;
	memcpy(tseg, seg, n);

	/* Transport checksum over the pseudo-header and the segment. */
	memset(ph, 0, sizeof(ph));
	if (mk->af == 4) {
		memcpy(ph, src, 4);
		memcpy(ph + 4, dst, 4);
		ph[9] = proto;
		be16(ph + 10, (unsigned)n);
		sum = sum_add(0, ph, 12);
	} else {
		memcpy(ph, src, 16);
		memcpy(ph + 16, dst, 16);
		be32(ph + 32, (uint32_t)n);
		ph[39] = proto;
		sum = sum_add(0, ph, 40);
	}
	ck = proto == 6 ? 16 : 6;
	c = sum_fold(sum_add(sum, tseg, n));
	if (proto == 17 && c == 0)
		c = 0xffff;			/* RFC 768: 0 means none */
	be16(tseg + ck, c);

	if (mk->af == 6) {
		l = link_hdr(mk, d, 6, pkt);
		ip = l;
		be32(pkt + ip, 0x60000000u);
		be16(pkt + ip + 4, (unsigned)(n + (mk->ip6ext ? 16 : 0)));
		pkt[ip + 6] = mk->ip6ext ? 0 : proto;	/* 0: hop-by-hop */
		pkt[ip + 7] = 64;
		memcpy(pkt + ip + 8, src, 16);
		memcpy(pkt + ip + 24, dst, 16);
		l += 40;
		if (mk->ip6ext) {
			/* RFC 8200 4.3, 4.6: 8 bytes each, a PadN of 4 */
			static const uint8_t padn[6] = { 1, 4, 0, 0, 0, 0 };

			pkt[l] = 60;		/* destination options next */
			pkt[l + 1] = 0;
			memcpy(pkt + l + 2, padn, 6);
			pkt[l + 8] = proto;
			pkt[l + 9] = 0;
			memcpy(pkt + l + 10, padn, 6);
			l += 16;
		}
		memcpy(pkt + l, tseg, n);
		put(mk, pkt, l + n);
		return;
	}

	for (off = 0; off < n || off == 0; off += piece) {
		piece = n - off;
		if (mk->frag && off == 0 && n > MK_FRAG_FIRST)
			piece = MK_FRAG_FIRST;
		l = link_hdr(mk, d, 4, pkt);
		ip = l;
		pkt[ip] = 0x45;
		pkt[ip + 1] = 0;
		be16(pkt + ip + 2, (unsigned)(20 + piece));
		be16(pkt + ip + 4, mk->ipid);
		if (piece == n)
			be16(pkt + ip + 6, 0x4000);	/* DF */
		else
			be16(pkt + ip + 6, (unsigned)((off + piece < n ?
			    0x2000 : 0) | off / 8));	/* MF | offset */
		pkt[ip + 8] = 64;
		pkt[ip + 9] = proto;
		be16(pkt + ip + 10, 0);
		memcpy(pkt + ip + 12, src, 4);
		memcpy(pkt + ip + 16, dst, 4);
		be16(pkt + ip + 10, sum_fold(sum_add(0, pkt + ip, 20)));
		l += 20;
		memcpy(pkt + l, tseg + off, piece);
		put(mk, pkt, l + piece);
		if (piece == 0)
			break;
	}
	mk->ipid++;
}

/* The link header for one packet into p; returns its length. */
static size_t
link_hdr(struct mk *mk, enum mk_dir d, int af, uint8_t *p)
{
	static const uint8_t	cmac[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint8_t	smac[6] = { 2, 0, 0, 0, 0, 2 };
	const uint8_t		*srcmac = d == MK_C2S ? cmac : smac;
	unsigned		 etype = af == 4 ? 0x0800 : 0x86dd;
	size_t			 l;
	int			 i;

	switch (mk->dlt) {
	case DLT_EN10MB:
		memcpy(p, d == MK_C2S ? smac : cmac, 6);
		memcpy(p + 6, srcmac, 6);
		l = 12;
		/* 802.1ad outer tags, the innermost 802.1Q */
		for (i = 0; i < mk->nvlan; i++, l += 4) {
			be16(p + l, i == mk->nvlan - 1 ? 0x8100 : 0x88a8);
			be16(p + l + 2, mk->vlan[i]);
		}
		be16(p + l, etype);
		return l + 2;
	case DLT_LINUX_SLL:
		be16(p, d == MK_C2S ? 4 : 0);	/* outgoing / to us */
		be16(p + 2, 1);			/* ARPHRD_ETHER */
		be16(p + 4, 6);
		memcpy(p + 6, srcmac, 6);
		be16(p + 12, 0);
		be16(p + 14, etype);
		return 16;
	case DLT_LINUX_SLL2:
		be16(p, etype);
		be16(p + 2, 0);
		be32(p + 4, 1);			/* interface index */
		be16(p + 8, 1);			/* ARPHRD_ETHER */
		p[10] = d == MK_C2S ? 4 : 0;
		p[11] = 6;
		memcpy(p + 12, srcmac, 6);
		be16(p + 18, 0);
		return 20;
	case DLT_NULL:
		/* host order of a little-endian BSD; 30: Darwin's AF_INET6 */
		p[0] = af == 4 ? 2 : 30;
		p[1] = p[2] = p[3] = 0;
		return 4;
	case DLT_LOOP:
		be32(p, af == 4 ? 2 : 24);	/* OpenBSD's AF_INET6 */
		return 4;
	default:
		return 0;			/* raw, ipv4, ipv6 */
	}
}

/* Write one packet at the clock, cut to the snap length; Ethernet frames
 * are padded to the 60-byte minimum as a NIC hands them up. */
static void
put(struct mk *mk, const uint8_t *p, size_t len)
{
	uint8_t			 pad[60];
	struct pcap_pkthdr	 h;

	if (!mk->open)
		open_dump(mk);
	if (mk->dlt == DLT_EN10MB && len < sizeof(pad)) {
		memset(pad, 0, sizeof(pad));
		memcpy(pad, p, len);
		p = pad;
		len = sizeof(pad);
	}
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(mk->now / 1000000);
	h.ts.tv_usec = (suseconds_t)(mk->now % 1000000);
	h.len = (bpf_u_int32)len;
	h.caplen = (bpf_u_int32)(mk->snaplen != 0 && mk->snaplen < len ?
	    mk->snaplen : len);
	if (mk->ng) {
		/* EPB: interface, time (us, the IDB default), lengths. */
		uint32_t	epb[5];
		uint64_t	ts = (uint64_t)mk->now;

		epb[0] = mk->nif - 1;
		epb[1] = (uint32_t)(ts >> 32);
		epb[2] = (uint32_t)ts;
		epb[3] = h.caplen;
		epb[4] = h.len;
		ng_block(mk, NG_EPB, (const uint8_t *)epb, sizeof(epb), p,
		    h.caplen);
	} else
		pcap_dump((u_char *)mk->dump, &h, p);
	mk->now += MK_STEP;
	mk->npkt++;
}

static void
open_dump(struct mk *mk)
{
	mk->open = true;
	if (mk->ng) {
		/* SHB: byte-order magic, version 1.0, section length unknown */
		uint8_t		shb[16];
		uint32_t	bom = NG_BOM;
		uint16_t	ver[2] = { 1, 0 };
		int64_t		slen = -1;

		if (strcmp(mk->out, "-") == 0)
			mk->ngfp = stdout;
		else if ((mk->ngfp = fopen(mk->out, "wb")) == NULL) {
			fprintf(stderr, "mkpcap: %s: %s\n", mk->out,
			    strerror(errno));
			exit(1);
		}
		memcpy(shb, &bom, 4);
		memcpy(shb + 4, ver, 4);
		memcpy(shb + 8, &slen, 8);
		ng_block(mk, NG_SHB, shb, sizeof(shb), NULL, 0);
		ng_idb(mk, MK_SNAPLEN);
		return;
	}
	if ((mk->dead = pcap_open_dead(mk->dlt, MK_SNAPLEN)) == NULL) {
		fprintf(stderr, "mkpcap: pcap_open_dead failed\n");
		exit(1);
	}
	if ((mk->dump = pcap_dump_open(mk->dead, mk->out)) == NULL) {
		fprintf(stderr, "mkpcap: %s\n", pcap_geterr(mk->dead));
		exit(1);
	}
}

/*
 * One pcapng block in host byte order (the SHB's magic tells readers
 * which): type, total length, the fixed part, data padded to 32 bits,
 * the total length again.
 */
static void
ng_block(struct mk *mk, uint32_t type, const uint8_t *fixed, size_t nfixed,
    const uint8_t *data, size_t ndata)
{
	static const uint8_t	zero[4];
	uint32_t		hdr[2], total;
	size_t			pad = (4 - ndata % 4) % 4;

	total = (uint32_t)(12 + nfixed + ndata + pad);
	hdr[0] = type;
	hdr[1] = total;
	if (fwrite(hdr, sizeof(hdr), 1, mk->ngfp) != 1 ||
	    fwrite(fixed, nfixed, 1, mk->ngfp) != 1 ||
	    (ndata > 0 && fwrite(data, ndata, 1, mk->ngfp) != 1) ||
	    (pad > 0 && fwrite(zero, pad, 1, mk->ngfp) != 1) ||
	    fwrite(&total, sizeof(total), 1, mk->ngfp) != 1) {
		fprintf(stderr, "mkpcap: %s: write error\n", mk->out);
		exit(1);
	}
}

/* IDB for the current link type: no options (time stamps in us). */
static void
ng_idb(struct mk *mk, uint32_t snap)
{
	uint8_t		idb[8];
	uint16_t	lt[2] = { (uint16_t)mk->dlt, 0 };

	/* The file has LINKTYPE_ values: only raw IP's differs from its DLT. */
	if (mk->dlt == DLT_RAW)
		lt[0] = 101;			/* LINKTYPE_RAW */
	if (mk->nif == MK_IF_MAX)
		fail(mk, "more than %d interfaces", MK_IF_MAX);
	memcpy(idb, lt, 4);
	memcpy(idb + 4, &snap, 4);
	ng_block(mk, NG_IDB, idb, sizeof(idb), NULL, 0);
	mk->nif++;
}

/* RFC 1071 one's-complement sum, over big-endian 16-bit words. */
static uint32_t
sum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t
sum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
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
