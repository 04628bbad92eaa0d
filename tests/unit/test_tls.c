/*
 * SPDX-License-Identifier: BSD-2-Clause
 * test_tls.c - the decoder's TLS layer (src/tls) on real transcripts:
 * OpenSSL's own client and server over memory BIOs (tlsgen.h) write both
 * directions and the key log; the layer must give back exactly the
 * application data each side wrote, the handshake's facts, and the named
 * anomalies when bytes are damaged, lost, cut, or keys are missing.
 *
 * usage: test_tls              run the tests
 *        test_tls --seeds DIR  write the fuzz seeds (tests/fuzz/fuzz_tls.c's
 *                              input format) from transcripts into DIR
 */
#include "check.h"
#include "tls.h"
#include "tlsgen.h"

#include <stdint.h>
#include <unistd.h>

#define MAXAN	64

struct got {
	uint8_t			*plain[2];
	size_t			 n[2], cap[2];
	int			 est[2];
	enum an			 an[MAXAN];
	char			 det[MAXAN][MT_FIELD_HARD];
	int			 nan;
	struct tls_client_hello	 ch[2];
	int			 nch;
	struct tls_server_hello	 sh[2];
	int			 nsh;
	struct tls_cert		 cert;
	int			 ncert;
	struct tls_dir_stats	 st[2];
	uint16_t		 version, suite;
	uint16_t		 group;		/* env.group's, the last */
	int			 ngroup;
};

struct feed {
	int		 seg;		/* 0 chunks as sent, 1 one byte, 2 varied */
	size_t		 flip;		/* xor 0x01 into this byte; SIZE_MAX none */
	size_t		 gap_at, gap_len; /* lose these bytes; gap_len 0 none */
	size_t		 cut;		/* stop here; SIZE_MAX none */
	struct mt_acct	*acct;
};

static void
cb_plain(void *arg, enum tls_dir d, const uint8_t *p, size_t n, mt_time t)
{
	struct got	*g = arg;

	(void)t;
	g->plain[d] = tg_grow(g->plain[d], &g->cap[d], g->n[d] + n, 1);
	memcpy(g->plain[d] + g->n[d], p, n);
	g->n[d] += n;
}

static void
cb_est(void *arg, enum tls_dir d, mt_time t)
{
	(void)t;
	((struct got *)arg)->est[d]++;
}

static void
cb_an(void *arg, enum an a, const char *detail, mt_time t)
{
	struct got	*g = arg;

	(void)t;
	if (g->nan < MAXAN) {
		g->an[g->nan] = a;
		snprintf(g->det[g->nan], sizeof(g->det[0]), "%s", detail);
		g->nan++;
	}
}

static void
cb_ch(void *arg, const struct tls_client_hello *h, mt_time t)
{
	struct got	*g = arg;

	(void)t;
	if (g->nch < 2)
		g->ch[g->nch] = *h;
	g->nch++;
}

static void
cb_sh(void *arg, const struct tls_server_hello *h, mt_time t)
{
	struct got	*g = arg;

	(void)t;
	if (g->nsh < 2)
		g->sh[g->nsh] = *h;
	g->nsh++;
}

static void
cb_cert(void *arg, const struct tls_cert *c, mt_time t)
{
	struct got	*g = arg;

	(void)t;
	g->cert = *c;
	g->ncert++;
}

static void
cb_group(void *arg, uint16_t group, mt_time t)
{
	struct got	*g = arg;

	(void)t;
	g->group = group;
	g->ngroup++;
}

static const struct feed plain_feed = { 0, SIZE_MAX, 0, 0, SIZE_MAX, NULL };

static size_t
seg_len(int seg, size_t i)
{
	static const size_t	varied[] = { 3, 700, 1, 5, 4, 16389, 2, 129 };

	if (seg == 1)
		return 1;
	if (seg == 2)
		return varied[i % 8];
	return SIZE_MAX;
}

static void
got_free(struct got *g)
{
	free(g->plain[0]);
	free(g->plain[1]);
	memset(g, 0, sizeof(*g));
}

/* Feed g's chunks (as f says) to a new conn with keys kl. */
static void
decode(const struct tg *g, const struct tls_keylog *kl, const struct feed *f,
    struct got *got)
{
	struct tls_conn_env	 env;
	struct tls_conn		*c;
	uint8_t			 buf[65536];
	size_t			 i, pos, end, k, nseg = 0;

	memset(got, 0, sizeof(*got));
	memset(&env, 0, sizeof(env));
	env.plain = cb_plain;
	env.established = cb_est;
	env.anomaly = cb_an;
	env.client_hello = cb_ch;
	env.server_hello = cb_sh;
	env.certificate = cb_cert;
	env.group = cb_group;
	env.arg = got;
	env.keys = kl;
	env.acct = f->acct;
	if ((c = tls_conn_new(&env, NULL)) == NULL)
		tg_die("tls_conn_new");
	for (i = 0; i < g->nch; i++) {
		enum tls_dir	 dir = (enum tls_dir)g->ch[i].dir;
		mt_time		 t = (mt_time)i * 1000;

		pos = g->ch[i].off;
		end = pos + g->ch[i].len;
		while (pos < end) {
			if (pos >= f->cut)
				goto done;
			if (f->gap_len > 0 && pos == f->gap_at) {
				tls_conn_gap(c, dir, f->gap_len, t);
				pos += f->gap_len;
				continue;
			}
			k = seg_len(f->seg, nseg++);
			if (k > end - pos)
				k = end - pos;
			if (k > sizeof(buf))
				k = sizeof(buf);
			if (f->cut > pos && k > f->cut - pos)
				k = f->cut - pos;
			if (f->gap_len > 0 && f->gap_at > pos && k > f->gap_at -
			    pos)
				k = f->gap_at - pos;
			memcpy(buf, g->bytes + pos, k);
			if (f->flip >= pos && f->flip < pos + k)
				buf[f->flip - pos] ^= 0x01;
			tls_conn_bytes(c, dir, buf, k, t);
			pos += k;
		}
	}
done:
	tls_conn_end(c, TLS_C2S, 9999999);
	tls_conn_end(c, TLS_S2C, 9999999);
	tls_conn_stats(c, TLS_C2S, &got->st[0]);
	tls_conn_stats(c, TLS_S2C, &got->st[1]);
	got->version = tls_conn_version(c);
	got->suite = tls_conn_suite(c);
	CHECK(tls_conn_group(c) == got->group);
	tls_conn_free(c);
}

static int
count_an(const struct got *g, enum an a)
{
	int	i, n = 0;

	for (i = 0; i < g->nan; i++)
		n += g->an[i] == a;
	return n;
}

static const char *
an_detail(const struct got *g, enum an a)
{
	int	i;

	for (i = 0; i < g->nan; i++)
		if (g->an[i] == a)
			return g->det[i];
	return "";
}

static void
show_an(const struct got *g)
{
	int	i;

	for (i = 0; i < g->nan; i++)
		fprintf(stderr, "  anomaly %s: %s\n", an_name(g->an[i]),
		    g->det[i]);
}

static bool
plain_eq(const struct got *got, const struct tg *g, int dir)
{
	return got->n[dir] == g->nsent[dir] && (g->nsent[dir] == 0 ||
	    memcmp(got->plain[dir], g->sent[dir], g->nsent[dir]) == 0);
}

/* got is a strict prefix of what dir sent. */
static bool
plain_prefix(const struct got *got, const struct tg *g, int dir)
{
	return got->n[dir] < g->nsent[dir] && (got->n[dir] == 0 ||
	    memcmp(got->plain[dir], g->sent[dir], got->n[dir]) == 0);
}

static struct tls_keylog *
keylog_of(const char *text, size_t n)
{
	struct tls_keylog	*kl;
	struct mt_err		 err;

	if ((kl = tls_keylog_new(&err)) == NULL)
		tg_die("tls_keylog_new");
	if (n > 0 && tls_keylog_add_text(kl, text, n, "test", &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		tg_die("tls_keylog_add_text");
	}
	return kl;
}

static bool
has_version(const struct tls_client_hello *h, uint16_t v)
{
	size_t	i;

	for (i = 0; i < h->nversions; i++)
		if (h->versions[i] == v)
			return true;
	return false;
}

static bool
has_suite(const struct tls_client_hello *h, uint16_t s)
{
	size_t	i;

	for (i = 0; i < h->nsuites && i < MT_TLS_LIST_HARD; i++)
		if (h->suites[i] == s)
			return true;
	return false;
}

/* ---- key logs ----------------------------------------------------------- */

#define R1	"0101010101010101010101010101010101010101010101010101010101010101"
#define R2	"02020202020202020202020202020202020202020202020202020202020202AB"
#define S32	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define S48	"BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"

static void
test_keylog(void)
{
	static const char text[] =
	    "# SSL/TLS secrets log file, generated by NSS\n"
	    "CLIENT_RANDOM " R1 " " S48 "\r\n"
	    "\n"
	    "CLIENT_HANDSHAKE_TRAFFIC_SECRET " R2 " " S32 "\n"
	    "SERVER_TRAFFIC_SECRET_0 " R2 " " S48 "\n"
	    "EXPORTER_SECRET " R2 " " S32 "\n"
	    "CLIENT_RANDOM " R1 " " S32 "\n"			/* 32: bad */
	    "CLIENT_RANDOM 0101 " S48 "\n"			/* bad random */
	    "CLIENT_RANDOM " R1 " " S48 "zz\n"			/* bad hex */
	    "CLIENT_RANDOM  " R1 " " S48 "\n"			/* two spaces */
	    "client_random " R1 " " S48 "\n"			/* lower case */
	    "garbage\n"
	    "CLIENT_TRAFFIC_SECRET_0 " R2 " " S32;		/* no newline */
	struct tls_keylog	*kl;
	struct tls_keylog_stats	 st;
	const struct tls_keys	*k;
	struct mt_err		 err;
	uint8_t			 r[32];
	char			 big[2048], path[] = "/tmp/test_tls.XXXXXX";
	FILE			*fp;
	int			 fd, i;

	kl = keylog_of(NULL, 0);
	CHECK(tls_keylog_add_text(kl, text, sizeof(text) - 1, "t", &err) == 0);
	tls_keylog_stats(kl, &st);
	CHECK(st.sessions == 2);
	CHECK(st.lines == 4);
	CHECK(st.ignored == 1);
	CHECK(st.bad == 6);
	CHECK(st.first_bad == 7);
	memset(r, 1, 32);
	CHECK((k = tls_keylog_find(kl, r)) != NULL);
	CHECK(k != NULL && k->len[TLS_SK_MASTER] == 48 &&
	    k->sec[TLS_SK_MASTER][47] == 0xBB && k->len[TLS_SK_CHTS] == 0);
	memset(r, 2, 32);
	r[31] = 0xAB;
	CHECK((k = tls_keylog_find(kl, r)) != NULL);
	CHECK(k != NULL && k->len[TLS_SK_CHTS] == 32 &&
	    k->sec[TLS_SK_CHTS][0] == 0xaa && k->len[TLS_SK_SATS] == 48 &&
	    k->len[TLS_SK_CATS] == 32 && k->len[TLS_SK_MASTER] == 0);
	r[31] = 0;
	CHECK(tls_keylog_find(kl, r) == NULL);
	/* Nothing valid: an error naming the text, the first bad line. */
	CHECK(tls_keylog_add_text(kl, "x\n# c\ny y y\n", 12, "dsb 2",
	    &err) == -MT_E_USAGE);
	CHECK_STR(err.msg, "dsb 2: no valid key log line (2 malformed, the "
	    "first at line 1)");
	CHECK(tls_keylog_add_text(kl, "", 0, "dsb 3", &err) == -MT_E_USAGE);
	CHECK_STR(err.msg, "dsb 3: no key log line");
	/* A line over the limit is malformed, whatever it starts with. */
	memset(big, 'A', sizeof(big));
	memcpy(big, "CLIENT_RANDOM " R1 " " S48 " ", 14 + 64 + 1 + 96 + 1);
	big[sizeof(big) - 1] = '\n';
	CHECK(tls_keylog_add_text(kl, big, sizeof(big), "big", &err) ==
	    -MT_E_USAGE);
	tls_keylog_free(kl);

	/* From a file; a missing file. */
	if ((fd = mkstemp(path)) < 0 || (fp = fdopen(fd, "w")) == NULL)
		tg_die("mkstemp");
	fputs(text, fp);
	fclose(fp);
	kl = keylog_of(NULL, 0);
	CHECK(tls_keylog_load_file(kl, path, &err) == 0);
	tls_keylog_stats(kl, &st);
	CHECK(st.sessions == 2 && st.bad == 6);
	/* Longer than the bound (a sparse file): refused, nothing taken. */
	tls_keylog_free(kl);
	kl = keylog_of(NULL, 0);
	if (truncate(path, (off_t)MT_TLS_KEYLOG_FILE_HARD + 1) != 0)
		tg_die("truncate");
	CHECK(tls_keylog_load_file(kl, path, &err) == -MT_E_USAGE);
	CHECK(strstr(err.msg, "a key log of more than 64 MiB") != NULL);
	tls_keylog_stats(kl, &st);
	CHECK(st.sessions == 0);
	remove(path);
	CHECK(tls_keylog_load_file(kl, path, &err) == -MT_E_USAGE);
	CHECK(strstr(err.msg, path) != NULL &&
	    strstr(err.msg, "No such file") != NULL);
	tls_keylog_free(kl);

	/* Bounded: sessions past MT_TLS_KEYS_HARD are counted, not kept. */
	{
		size_t	 line = 14 + 64 + 1 + 96 + 1, n = MT_TLS_KEYS_HARD + 3;
		char	*t = malloc(n * line + 1), *p = t;

		for (i = 0; i < (int)n; i++, p += line) {
			snprintf(p, line + 1, "CLIENT_RANDOM %064x " S48 "\n",
			    i);
		}
		kl = keylog_of(NULL, 0);
		CHECK(tls_keylog_add_text(kl, t, n * line, "many", &err) == 0);
		tls_keylog_stats(kl, &st);
		CHECK(st.sessions == MT_TLS_KEYS_HARD);
		CHECK(st.dropped == 3 && st.bad == 0);
		memset(r, 0, 32);
		r[30] = 0x12;
		r[31] = 0x34;
		CHECK(tls_keylog_find(kl, r) != NULL);
		tls_keylog_free(kl);
		free(t);
	}
}

static void
test_sniff(void)
{
	static const uint8_t	hello[] = { 22, 3, 1, 0, 200, 1, 0, 0, 196 };

	CHECK(tls_sniff_hello(hello, sizeof(hello)) == TLS_SNIFF_HELLO);
	CHECK(tls_sniff_hello(hello, 6) == TLS_SNIFF_HELLO);
	CHECK(tls_sniff_hello(hello, 5) == TLS_SNIFF_MORE);
	CHECK(tls_sniff_hello(hello, 0) == TLS_SNIFF_MORE);
	CHECK(tls_sniff_hello((const uint8_t *)"+OK ", 4) == TLS_SNIFF_NO);
	CHECK(tls_sniff_hello((const uint8_t *)"EHLO x\r\n", 8) ==
	    TLS_SNIFF_NO);
	CHECK(tls_sniff_hello((const uint8_t *)"\x16\x03\x01\x00\xc8\x02",
	    6) == TLS_SNIFF_NO);		/* a ServerHello */
	CHECK(tls_sniff_hello((const uint8_t *)"\x16\x03\x05", 3) ==
	    TLS_SNIFF_NO);
	CHECK(tls_sniff_hello((const uint8_t *)"\x16\x03\x01\x50\x00", 5) ==
	    TLS_SNIFF_NO);			/* longer than 2^14 */
}

/* ---- every suite, every segmentation ------------------------------------ */

struct suite_case {
	int		 version;
	const char	*name;		/* OpenSSL's */
	bool		 rsa;
};

static const struct suite_case suite_cases[] = {
	{ TLS1_3_VERSION, "TLS_AES_128_GCM_SHA256", false },
	{ TLS1_3_VERSION, "TLS_AES_256_GCM_SHA384", false },
	{ TLS1_3_VERSION, "TLS_CHACHA20_POLY1305_SHA256", true },
	{ TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256", false },
	{ TLS1_2_VERSION, "ECDHE-RSA-AES128-GCM-SHA256", true },
	{ TLS1_2_VERSION, "ECDHE-ECDSA-AES256-GCM-SHA384", false },
	{ TLS1_2_VERSION, "ECDHE-RSA-AES256-GCM-SHA384", true },
	{ TLS1_2_VERSION, "ECDHE-ECDSA-CHACHA20-POLY1305", false },
	{ TLS1_2_VERSION, "ECDHE-RSA-CHACHA20-POLY1305", true },
};

static void
make_case(struct tg *g, const struct suite_case *sc, size_t app, bool ku)
{
	struct tg_opt	o;

	memset(&o, 0, sizeof(o));
	o.version = sc->version;
	if (sc->version == TLS1_3_VERSION)
		o.suites = sc->name;
	else
		o.ciphers = sc->name;
	o.rsa = sc->rsa;
	o.app = app;
	o.keyupdate = ku;
	o.shutdown = true;
	tg_make(g, &o);
	if (!g->ok)
		tg_die(sc->name);
}

static void
check_facts(const struct got *got, const struct tg *g,
    const struct suite_case *sc, bool cert)
{
	char	b[8];
	uint16_t v = sc->version == TLS1_3_VERSION ? TLS_V13 : TLS_V12;

	CHECK(got->nch == 1 && got->nsh == 1);
	CHECK_STR(got->ch[0].sni, "mail.example.test");
	CHECK(has_version(&got->ch[0], v));
	CHECK(has_suite(&got->ch[0], g->suite));
	CHECK(!got->sh[0].hrr && got->sh[0].version == v);
	CHECK(got->sh[0].suite == g->suite);
	CHECK(got->version == v && got->suite == g->suite);
	CHECK_STR(tls_suite_name(got->suite, b, sizeof(b)), sc->name);
	CHECK_STR(tls_version_name(got->version), v == TLS_V13 ? "TLSv1.3" :
	    "TLSv1.2");
	if (cert) {
		CHECK(got->ncert == 1);
		CHECK_STR(got->cert.subject, sc->rsa ?
		    "CN=rsa.mail.test,O=mailtrace test" :
		    "CN=ec.mail.test,O=mailtrace test");
		CHECK_STR(got->cert.issuer, got->cert.subject);
		CHECK_STR(got->cert.serial, "1234");
		CHECK(got->cert.chain_len == 1);
		CHECK(got->cert.not_after - got->cert.not_before ==
		    86400L * 30);
	} else
		CHECK(got->ncert == 0);
}

static void
test_suites(void)
{
	struct tg		 g;
	struct got		 got;
	struct feed		 f = plain_feed;
	struct tls_keylog	*kl;
	size_t			 i;
	int			 seg;

	for (i = 0; i < sizeof(suite_cases) / sizeof(suite_cases[0]); i++) {
		const struct suite_case	*sc = &suite_cases[i];

		make_case(&g, sc, 60000, false);
		kl = keylog_of(g.keylog, g.klen);
		for (seg = 0; seg < 3; seg++) {
			f.seg = seg;
			decode(&g, kl, &f, &got);
			if (got.nan != 0) {
				fprintf(stderr, "%s seg %d:\n", sc->name, seg);
				show_an(&got);
			}
			CHECK(got.nan == 0);
			CHECK(plain_eq(&got, &g, 0));
			CHECK(plain_eq(&got, &g, 1));
			CHECK(got.est[0] == 1 && got.est[1] == 1);
			CHECK(got.st[0].established && got.st[1].established);
			CHECK(got.st[0].opaque == 0 && got.st[1].opaque == 0);
			CHECK(got.st[0].bytes + got.st[1].bytes == g.n);
			CHECK(got.st[0].held == 0 && got.st[1].held == 0);
			/* With keys, TLS 1.3's certificate is decrypted too. */
			check_facts(&got, &g, sc, true);
			got_free(&got);
		}
		/* Without keys: the cleartext facts only, and no anomaly. */
		f.seg = 0;
		decode(&g, NULL, &f, &got);
		CHECK(got.nan == 0);
		CHECK(got.n[0] == 0 && got.n[1] == 0);
		CHECK(got.est[0] == 0 && got.est[1] == 0);
		CHECK(got.st[0].encrypted && got.st[1].encrypted);
		CHECK(got.st[0].opaque > 60000 / 2 && got.st[1].opaque > 60000);
		check_facts(&got, &g, sc, sc->version == TLS1_2_VERSION);
		got_free(&got);
		tls_keylog_free(kl);
		tg_free(&g);
	}
}

static void
test_keyupdate(void)
{
	struct tg		 g;
	struct got		 got;
	struct feed		 f = plain_feed;
	struct tls_keylog	*kl;
	int			 seg;
	size_t			 i;

	for (i = 0; i < 3; i++) {
		make_case(&g, &suite_cases[i], 50000, true);
		kl = keylog_of(g.keylog, g.klen);
		for (seg = 0; seg < 3; seg++) {
			f.seg = seg;
			decode(&g, kl, &f, &got);
			show_an(&got);
			CHECK(got.nan == 0);
			CHECK(plain_eq(&got, &g, 0));
			CHECK(plain_eq(&got, &g, 1));
			got_free(&got);
		}
		tls_keylog_free(kl);
		tg_free(&g);
	}
}

/* The k-th from last application record of dir (outer type 23). */
static const struct tg_rec *
app_record(const struct tg *g, struct tg_rec *r, size_t nr, int dir,
    size_t back)
{
	size_t	i;

	for (i = nr; i-- > 0;)
		if (r[i].dir == dir && r[i].type == 23 && back-- == 0)
			return &r[i];
	(void)g;
	return NULL;
}

static struct tg_rec	recs[4096];

/* A damaged tag, a gap inside a record, a capture cut mid-record. */
static void
test_damage(void)
{
	static const size_t	pick[] = { 0, 3 };	/* 1.3 and 1.2 GCM */
	struct tg		 g;
	struct got		 got;
	struct feed		 f;
	struct tls_keylog	*kl;
	const struct tg_rec	*r;
	size_t			 i, nr;

	for (i = 0; i < 2; i++) {
		make_case(&g, &suite_cases[pick[i]], 80000, false);
		kl = keylog_of(g.keylog, g.klen);
		nr = tg_records(&g, recs, 4096);
		/* The server's 6th application record from the end: its
		 * tag's last byte (5 close_notify-free records follow). */
		r = app_record(&g, recs, nr, 1, 6);
		CHECK(r != NULL);
		if (r == NULL) {
			tg_free(&g);
			tls_keylog_free(kl);
			continue;
		}
		f = plain_feed;
		f.flip = r->off + 5 + r->len - 1;
		decode(&g, kl, &f, &got);
		CHECK(count_an(&got, AN_TLS_AUTH) == 1 && got.nan == 1);
		CHECK(strstr(an_detail(&got, AN_TLS_AUTH), "server record") !=
		    NULL);
		CHECK(plain_eq(&got, &g, 0));
		CHECK(plain_prefix(&got, &g, 1));
		CHECK(got.st[1].dead && !got.st[0].dead);
		CHECK(got.st[1].opaque > 5 * 5);
		got_free(&got);

		/* 20 bytes lost inside it. */
		f = plain_feed;
		f.gap_at = r->off + 5 + 10;
		f.gap_len = 20;
		decode(&g, kl, &f, &got);
		CHECK(count_an(&got, AN_TLS_GAP) == 1 && got.nan == 1);
		CHECK_STR(an_detail(&got, AN_TLS_GAP), "20 bytes of the server "
		    "lost inside a record");
		CHECK(plain_eq(&got, &g, 0));
		CHECK(plain_prefix(&got, &g, 1));
		got_free(&got);

		/* The capture ends inside it, in 1-byte segments. */
		f = plain_feed;
		f.seg = 1;
		f.cut = r->off + 5 + 100;
		decode(&g, kl, &f, &got);
		CHECK(count_an(&got, AN_TLS_TRUNCATED) == 1 && got.nan == 1);
		CHECK(strstr(an_detail(&got, AN_TLS_TRUNCATED), "server's "
		    "stream ended 105 bytes into a record of") != NULL);
		CHECK(plain_prefix(&got, &g, 1));
		got_free(&got);

		tls_keylog_free(kl);
		tg_free(&g);
	}
}

/* No key, a key log for another session, a key log without the
 * application secrets. */
static void
test_nokey(void)
{
	struct tg		 g, other;
	struct got		 got;
	struct tls_keylog	*kl;
	char			*part, *p, *nl;
	size_t			 i, n;

	for (i = 0; i < 4; i += 3) {
		make_case(&g, &suite_cases[i], 3000, false);
		make_case(&other, &suite_cases[i], 10, false);
		kl = keylog_of(other.keylog, other.klen);
		decode(&g, kl, &plain_feed, &got);
		CHECK(count_an(&got, AN_TLS_NO_KEY) == 1 && got.nan == 1);
		CHECK(strncmp(an_detail(&got, AN_TLS_NO_KEY), "no key log "
		    "entry for client random ", 35) == 0);
		CHECK(got.n[0] == 0 && got.n[1] == 0 && got.est[0] == 0);
		CHECK(got.nch == 1 && got.nsh == 1);
		CHECK(got.st[0].encrypted && got.st[1].encrypted);
		got_free(&got);
		tls_keylog_free(kl);
		/* An empty key log: the same. */
		kl = keylog_of(NULL, 0);
		decode(&g, kl, &plain_feed, &got);
		CHECK(count_an(&got, AN_TLS_NO_KEY) == 1 && got.nan == 1);
		got_free(&got);
		tls_keylog_free(kl);
		tg_free(&other);
		if (i != 0) {
			tg_free(&g);
			continue;
		}
		/* TLS 1.3 with the handshake secrets only: the certificate
		 * is decrypted, the application data is not. */
		part = malloc(g.klen + 1);
		for (n = 0, p = g.keylog; (nl = strchr(p, '\n')) != NULL;
		    p = nl + 1)
			if (strstr(p, "HANDSHAKE_TRAFFIC") == p + 7) {
				memcpy(part + n, p, (size_t)(nl + 1 - p));
				n += (size_t)(nl + 1 - p);
			}
		kl = keylog_of(part, n);
		decode(&g, kl, &plain_feed, &got);
		CHECK(count_an(&got, AN_TLS_NO_KEY) == 1 && got.nan == 1);
		CHECK_STR(an_detail(&got, AN_TLS_NO_KEY), "the key log has no "
		    "SERVER_TRAFFIC_SECRET_0 for this session");
		CHECK(got.ncert == 1 && got.n[0] == 0 && got.n[1] == 0);
		got_free(&got);
		tls_keylog_free(kl);
		free(part);
		tg_free(&g);
	}
}

/*
 * The key exchange's group, from the wire (TLS 1.3's key_share, TLS 1.2's
 * ServerKeyExchange), named as the probe names the same handshake's
 * (tlsgen's tg_group(): SSL_get_negotiated_group(), SSL_group_to_name()),
 * with and without keys; none where OpenSSL tells none (TLS 1.2 DHE, RSA).
 */
static void
test_groups(void)
{
	static const struct {
		int		 version;
		const char	*suite, *groups;
		bool		 rsa;
		uint16_t	 id;		/* 0: none */
		const char	*name;
	} gc[] = {
		{ TLS1_3_VERSION, NULL, NULL, false, 0x001d, "x25519" },
		{ TLS1_3_VERSION, NULL, "P-256", false, 0x0017, "secp256r1" },
		{ TLS1_3_VERSION, NULL, "P-384", false, 0x0018, "secp384r1" },
		{ TLS1_3_VERSION, NULL, "P-521", false, 0x0019, "secp521r1" },
		{ TLS1_3_VERSION, NULL, "X448", false, 0x001e, "x448" },
		{ TLS1_3_VERSION, NULL, "ffdhe2048", false, 0x0100, "ffdhe2048" },
		{ TLS1_3_VERSION, NULL, "ffdhe3072", false, 0x0101, "ffdhe3072" },
		{ TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256", NULL, false,
		    0x001d, "x25519" },
		{ TLS1_2_VERSION, "ECDHE-RSA-AES256-GCM-SHA384", "P-384", true,
		    0x0018, "secp384r1" },
		{ TLS1_2_VERSION, "ECDHE-RSA-CHACHA20-POLY1305", "X448", true,
		    0x001e, "x448" },
		{ TLS1_2_VERSION, "ECDHE-ECDSA-AES256-GCM-SHA384", "P-256",
		    false, 0x0017, "secp256r1" },
		{ TLS1_2_VERSION, "DHE-RSA-AES128-GCM-SHA256", NULL, true, 0,
		    "" },
		{ TLS1_2_VERSION, "AES128-GCM-SHA256", NULL, true, 0, "" },
	};
	struct tg		 g;
	struct tg_opt		 o;
	struct got		 got;
	struct tls_keylog	*kl;
	struct feed		 f = plain_feed;
	char			 b[8];
	size_t			 i;
	int			 k;

	for (i = 0; i < sizeof(gc) / sizeof(gc[0]); i++) {
		memset(&o, 0, sizeof(o));
		o.version = gc[i].version;
		o.ciphers = gc[i].suite;
		o.cgroups = o.sgroups = gc[i].groups;
		o.rsa = gc[i].rsa;
		o.dhe = true;
		o.app = 300;
		tg_make(&g, &o);
		CHECK(g.ok);
		/* What the probe would record for this very handshake. */
		CHECK_STR(g.group, gc[i].name);
		kl = keylog_of(g.keylog, g.klen);
		for (k = 0; k < 2; k++) {
			f.seg = k == 0 ? 0 : 1;
			decode(&g, k == 0 ? kl : NULL, &f, &got);
			CHECK(got.nan == 0);
			CHECK(got.group == gc[i].id);
			CHECK(got.ngroup == (gc[i].id != 0 ? 1 : 0));
			if (gc[i].id != 0)
				CHECK_STR(tls_group_name(got.group, b,
				    sizeof(b)), g.group);
			got_free(&got);
		}
		tls_keylog_free(kl);
		tg_free(&g);
	}
	/* Ids OpenSSL has no name for: the suites' form. */
	CHECK_STR(tls_group_name(0x1234, b, sizeof(b)), "0x1234");
	CHECK_STR(tls_group_name(0xfafa, b, sizeof(b)), "0xFAFA");
	CHECK_STR(tls_group_name(0, b, sizeof(b)), "0x0000");
}

static void
test_hrr(void)
{
	struct tg		 g;
	struct tg_opt		 o;
	struct got		 got;
	struct tls_keylog	*kl;
	struct feed		 f = plain_feed;

	memset(&o, 0, sizeof(o));
	o.version = TLS1_3_VERSION;
	o.cgroups = "X25519:P-256";
	o.sgroups = "P-256";
	o.app = 5000;
	tg_make(&g, &o);
	CHECK(g.ok);
	kl = keylog_of(g.keylog, g.klen);
	for (f.seg = 0; f.seg < 3; f.seg++) {
		decode(&g, kl, &f, &got);
		show_an(&got);
		CHECK(got.nan == 0);
		CHECK(got.nsh == 2 && got.sh[0].hrr && !got.sh[1].hrr);
		CHECK(got.nch == 2 && !got.ch[0].retry && got.ch[1].retry);
		/* The group asked for, and the one used: the second
		 * ServerHello's (only it is said). */
		CHECK(got.sh[0].group == 0x0017 && got.sh[1].group == 0x0017);
		CHECK(got.group == 0x0017 && got.ngroup == 1);
		CHECK(plain_eq(&got, &g, 0) && plain_eq(&got, &g, 1));
		got_free(&got);
	}
	tls_keylog_free(kl);
	tg_free(&g);
}

/* ---- 0-RTT early data ----------------------------------------------------- */

#define EARLY_TEXT	"CAPA\r\nUSER early\r\n"

/*
 * g's flights as the decoder gives them to the layer: the client's first
 * flight after its ClientHello record waits until the server's first
 * flight was fed (src/decode/decode_tls.c's hold).  In h, sharing g's
 * bytes (free h.ch only).
 */
static void
hello_held(const struct tg *g, struct tg *h)
{
	size_t	rec0 = 5 + ((size_t)g->bytes[g->ch[0].off + 3] << 8 |
		    g->bytes[g->ch[0].off + 4]);

	*h = *g;
	h->ch = calloc(g->nch + 1, sizeof(*h->ch));
	if (h->ch == NULL)
		tg_die("calloc");
	h->ch[0] = g->ch[0];
	h->ch[0].len = rec0;
	h->ch[1] = g->ch[1];
	h->ch[2] = g->ch[0];
	h->ch[2].off += rec0;
	h->ch[2].len -= rec0;
	memcpy(h->ch + 3, g->ch + 2, (g->nch - 2) * sizeof(*h->ch));
	h->nch = g->nch + 1;
}

/* reject: tg_opt.early_reject's. */
static void
make_early(struct tg *g, int reject, bool hrr)
{
	struct tg_opt	o;

	memset(&o, 0, sizeof(o));
	o.version = TLS1_3_VERSION;
	o.early = EARLY_TEXT;
	o.early_reject = reject;
	o.early_retry = true;
	if (hrr) {
		o.cgroups = "X25519:P-256";
		o.sgroups = "P-256";
	}
	o.app = 3000;
	tg_make(g, &o);
	if (!g->ok || g->resumed != (reject < 2 && !hrr))
		tg_die("a handshake with early data");
}

/* g's key log without the lines whose label starts with drop. */
static struct tls_keylog *
keylog_without(const struct tg *g, const char *drop)
{
	struct tls_keylog	*kl;
	char			*part, *p, *nl;
	size_t			 n = 0;

	if ((part = malloc(g->klen + 1)) == NULL)
		tg_die("malloc");
	for (p = g->keylog; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		if (strncmp(p, drop, strlen(drop)) != 0) {
			memcpy(part + n, p, (size_t)(nl + 1 - p));
			n += (size_t)(nl + 1 - p);
		}
	kl = keylog_of(part, n);
	free(part);
	return kl;
}

/*
 * TLS 1.3 0-RTT.  Accepted: the server read the client's early data
 * (under CLIENT_EARLY_TRAFFIC_SECRET, not decrypted here), so the
 * client's stream is not decoded past its ClientHello: tls_unsupported
 * "0-RTT early data is not decrypted", the client direction dead, the
 * server's whole, never tls_auth_failed, whether the early records come
 * before the ServerHello (capture order) or after it (the decoder's hold),
 * and whether or not the server's EncryptedExtensions (which says the
 * server accepted) could be read.  Rejected (on a resumed session, by a
 * server that resumes in full, or by a HelloRetryRequest): the server
 * skipped those records, and so does the layer; the client's stream from
 * its Finished on decodes whole, with the data it wrote again after the
 * handshake (its Finished damaged: nothing of the client's, and
 * tls_auth_failed at its end).
 */
static void
test_early(void)
{
	struct tg		 g, h;
	struct got		 got;
	struct tls_keylog	*kl;
	struct feed		 f = plain_feed;
	int			 v, ord;

	make_early(&g, false, false);
	CHECK(g.early == SSL_EARLY_DATA_ACCEPTED);
	CHECK(g.nearly == strlen(EARLY_TEXT));
	CHECK(strstr(g.keylog, "CLIENT_EARLY_TRAFFIC_SECRET ") != NULL);
	CHECK(g.nch >= 4 && g.ch[0].dir == 0 && g.ch[1].dir == 1);
	hello_held(&g, &h);
	kl = keylog_of(g.keylog, g.klen);
	for (ord = 0; ord < 2; ord++)
		for (f.seg = 0; f.seg < 3; f.seg++) {
			decode(ord == 0 ? &g : &h, kl, &f, &got);
			if (got.nan != 1)
				show_an(&got);
			CHECK(count_an(&got, AN_TLS_UNSUPPORTED) == 1 &&
			    got.nan == 1);
			CHECK_STR(an_detail(&got, AN_TLS_UNSUPPORTED), "0-RTT "
			    "early data is not decrypted");
			CHECK(got.nch == 1 && got.ch[0].early_data);
			CHECK(got.n[0] == 0 && got.st[0].dead);
			CHECK(plain_eq(&got, &g, 1) && !got.st[1].dead);
			got_free(&got);
		}
	tls_keylog_free(kl);
	/* Without the server's handshake secret its EncryptedExtensions
	 * cannot say it accepted: the same, never the client's data. */
	kl = keylog_without(&g, "SERVER_HANDSHAKE_TRAFFIC_SECRET");
	for (ord = 0; ord < 2; ord++) {
		decode(ord == 0 ? &g : &h, kl, &plain_feed, &got);
		CHECK(count_an(&got, AN_TLS_UNSUPPORTED) == 1);
		CHECK(count_an(&got, AN_TLS_AUTH) == 0);
		CHECK(got.n[0] == 0 && got.st[0].dead);
		got_free(&got);
	}
	tls_keylog_free(kl);
	free(h.ch);
	tg_free(&g);

	for (v = 0; v < 3; v++) {
		make_early(&g, v < 2 ? v + 1 : 0, v == 2);
		CHECK(g.early == SSL_EARLY_DATA_REJECTED && g.nearly == 0);
		hello_held(&g, &h);
		kl = keylog_of(g.keylog, g.klen);
		for (ord = 0; ord < 2; ord++)
			for (f.seg = 0; f.seg < 3; f.seg++) {
				decode(ord == 0 ? &g : &h, kl, &f, &got);
				show_an(&got);
				CHECK(got.nan == 0);
				CHECK(got.nch == 1 + (v == 2) &&
				    got.ch[0].early_data);
				CHECK(got.nsh == 1 + (v == 2));
				CHECK(plain_eq(&got, &g, 0) &&
				    plain_eq(&got, &g, 1));
				CHECK(got.est[0] == 1 && got.est[1] == 1);
				got_free(&got);
			}
		if (v == 0) {
			/*
			 * The client's Finished damaged (its first record
			 * after the server's flight): it is skipped as early
			 * data, and so is every record after it, until the
			 * end says none opened.
			 */
			CHECK(g.ch[2].dir == 0 && g.bytes[g.ch[2].off] == 23);
			f = plain_feed;
			f.flip = g.ch[2].off + 5 + ((size_t)g.bytes[g.ch[2].off +
			    3] << 8 | g.bytes[g.ch[2].off + 4]) - 1;
			decode(&g, kl, &f, &got);
			if (got.nan != 1)
				show_an(&got);
			CHECK(count_an(&got, AN_TLS_AUTH) == 1 && got.nan == 1);
			CHECK(strstr(an_detail(&got, AN_TLS_AUTH), "none of the "
			    "client's ") != NULL);
			CHECK(got.n[0] == 0 && plain_eq(&got, &g, 1));
			got_free(&got);
			f = plain_feed;
		}
		tls_keylog_free(kl);
		free(h.ch);
		tg_free(&g);
	}
}

static void
test_alert(void)
{
	struct tg		 g;
	struct tg_opt		 o;
	struct got		 got;
	struct tls_keylog	*kl;

	/* A TLS 1.2 renegotiation: not followed, said once a direction. */
	memset(&o, 0, sizeof(o));
	o.version = TLS1_2_VERSION;
	o.app = 2000;
	o.renegotiate = true;
	tg_make(&g, &o);
	CHECK(g.ok);
	kl = keylog_of(g.keylog, g.klen);
	decode(&g, kl, &plain_feed, &got);
	CHECK(count_an(&got, AN_TLS_UNSUPPORTED) == 2 && got.nan == 2);
	CHECK_STR(an_detail(&got, AN_TLS_UNSUPPORTED), "a renegotiation by "
	    "the client is not followed");
	CHECK(plain_prefix(&got, &g, 0) && plain_prefix(&got, &g, 1));
	CHECK(got.n[0] == 1000 && got.n[1] == 1000);
	got_free(&got);
	tls_keylog_free(kl);
	tg_free(&g);

	/* A TLS 1.2 client, a TLS 1.3 server: a cleartext alert. */
	memset(&o, 0, sizeof(o));
	o.version = TLS1_2_VERSION;
	o.server_min = TLS1_3_VERSION;
	tg_make(&g, &o);
	CHECK(!g.ok);
	decode(&g, NULL, &plain_feed, &got);
	CHECK(count_an(&got, AN_TLS_ALERT) == 1);
	CHECK_STR(an_detail(&got, AN_TLS_ALERT), "fatal protocol_version (70) "
	    "from the server");
	CHECK(got.nch == 1 && got.nsh == 0);
	got_free(&got);
	tg_free(&g);

	/* TLS 1.3, the client refuses the certificate: OpenSSL sends its
	 * alert before it switched to the handshake keys, in cleartext after
	 * the ServerHello; the certificate is seen only with the keys. */
	memset(&o, 0, sizeof(o));
	o.version = TLS1_3_VERSION;
	o.verify = true;
	tg_make(&g, &o);
	CHECK(!g.ok);
	kl = keylog_of(g.keylog, g.klen);
	decode(&g, kl, &plain_feed, &got);
	CHECK(count_an(&got, AN_TLS_ALERT) == 1 && got.nan == 1);
	CHECK_STR(an_detail(&got, AN_TLS_ALERT), "fatal unknown_ca (48) from "
	    "the client");
	CHECK(got.ncert == 1 && got.est[0] == 0 && got.est[1] == 0);
	got_free(&got);
	decode(&g, NULL, &plain_feed, &got);
	CHECK(count_an(&got, AN_TLS_ALERT) == 1 && got.nan == 1);
	CHECK(got.ncert == 0);
	got_free(&got);
	tls_keylog_free(kl);
	tg_free(&g);
}

/* ---- memory bounds ------------------------------------------------------ */

static int
hexval(int ch)
{
	return ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10;
}

/* The secret of label in g's key log. */
static size_t
keylog_secret(const struct tg *g, const char *label, uint8_t *out)
{
	const char	*p = strstr(g->keylog, label), *h;
	size_t		 n = 0;

	if (p == NULL)
		tg_die(label);
	h = p + strlen(label) + 1 + 64 + 1;
	while (h[2 * n] != '\n' && h[2 * n] != '\0') {
		out[n] = (uint8_t)(hexval(h[2 * n]) << 4 | hexval(h[2 * n + 1]));
		n++;
	}
	return n;
}

/* A TLS 1.3 record (TLS_AES_128_GCM_SHA256) sealed by the test itself. */
static size_t
seal13(const uint8_t *secret, size_t seclen, uint64_t seq,
    const uint8_t *inner, size_t ilen, uint8_t *out)
{
	EVP_KDF		*kdf = EVP_KDF_fetch(NULL, "TLS13-KDF", NULL);
	EVP_KDF_CTX	*k;
	EVP_CIPHER_CTX	*cx = EVP_CIPHER_CTX_new();
	OSSL_PARAM	 p[6];
	uint8_t		 key[16], iv[12];
	int		 mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY, i, ol;
	const char	*labels[2] = { "key", "iv" };
	uint8_t		*outs[2] = { key, iv };
	size_t		 lens[2] = { 16, 12 }, len = ilen + 16;

	for (i = 0; i < 2; i++) {
		k = EVP_KDF_CTX_new(kdf);
		p[0] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
		p[1] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
		    (char *)(uintptr_t)"SHA256", 0);
		p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
		    (void *)(uintptr_t)secret, seclen);
		p[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PREFIX,
		    (void *)(uintptr_t)"tls13 ", 6);
		p[4] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_LABEL,
		    (void *)(uintptr_t)labels[i], strlen(labels[i]));
		p[5] = OSSL_PARAM_construct_end();
		if (EVP_KDF_derive(k, outs[i], lens[i], p) != 1)
			tg_die("EVP_KDF_derive");
		EVP_KDF_CTX_free(k);
	}
	EVP_KDF_free(kdf);
	for (i = 0; i < 8; i++)
		iv[4 + i] ^= (uint8_t)(seq >> (56 - 8 * i));
	out[0] = 23;
	out[1] = out[2] = 3;
	out[3] = (uint8_t)(len >> 8);
	out[4] = (uint8_t)len;
	if (EVP_EncryptInit_ex2(cx, EVP_aes_128_gcm(), key, iv, NULL) != 1 ||
	    EVP_EncryptUpdate(cx, NULL, &ol, out, 5) != 1 ||
	    EVP_EncryptUpdate(cx, out + 5, &ol, inner, (int)ilen) != 1 ||
	    EVP_EncryptFinal_ex(cx, out + 5 + ol, &ol) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_AEAD_GET_TAG, 16, out + 5 +
	    ilen) != 1)
		tg_die("seal");
	EVP_CIPHER_CTX_free(cx);
	return 5 + len;
}

/* g's handshake, then more bytes of the client. */
static void
decode_plus(const struct tg *g, const struct tls_keylog *kl,
    const uint8_t *more, size_t n, struct mt_acct *acct, struct got *got,
    size_t *held_max)
{
	struct tls_conn_env	 env;
	struct tls_conn		*c;
	struct tls_dir_stats	 st;
	size_t			 i;

	memset(got, 0, sizeof(*got));
	memset(&env, 0, sizeof(env));
	env.plain = cb_plain;
	env.anomaly = cb_an;
	env.arg = got;
	env.keys = kl;
	env.acct = acct;
	c = tls_conn_new(&env, NULL);
	for (i = 0; i < g->nch; i++)
		tls_conn_bytes(c, (enum tls_dir)g->ch[i].dir, g->bytes +
		    g->ch[i].off, g->ch[i].len, 0);
	*held_max = 0;
	for (i = 0; i < n; i++) {	/* a byte at a time: the most held */
		tls_conn_bytes(c, TLS_C2S, more + i, 1, 0);
		tls_conn_stats(c, TLS_C2S, &st);
		if (st.held > *held_max)
			*held_max = st.held;
	}
	tls_conn_stats(c, TLS_C2S, &got->st[0]);
	tls_conn_free(c);
}

static void
test_limits(void)
{
	static uint8_t		 inner[MT_TLS_REC13_HARD], rec[2 * 20000];
	struct tg		 g;
	struct tg_opt		 o;
	struct got		 got;
	struct tls_keylog	*kl;
	struct mt_budget	 b;
	struct mt_acct		 acct;
	uint8_t			 sec[48];
	size_t			 seclen, n, held, i;

	memset(&o, 0, sizeof(o));
	o.version = TLS1_3_VERSION;
	o.suites = "TLS_AES_128_GCM_SHA256";
	tg_make(&g, &o);
	kl = keylog_of(g.keylog, g.klen);
	seclen = keylog_secret(&g, "CLIENT_TRAFFIC_SECRET_0", sec);
	/* 2^14 bytes, the content type, 239 bytes of padding: 2^14 + 256. */
	tg_fill(inner, 16384, 0, 0);
	inner[16384] = 23;
	n = seal13(sec, seclen, 0, inner, 16384 + 1 + 239, rec);
	CHECK(n == 5 + MT_TLS_REC13_HARD);
	decode_plus(&g, kl, rec, n, NULL, &got, &held);
	CHECK(got.nan == 0);
	CHECK(got.n[0] == 16384 && memcmp(got.plain[0], inner, 16384) == 0);
	CHECK(held == MT_TLS_REC13_HARD);
	got_free(&got);
	/* One byte over: refused at the header, nothing allocated. */
	n = seal13(sec, seclen, 0, inner, 16384 + 1 + 240, rec);
	decode_plus(&g, kl, rec, n, NULL, &got, &held);
	CHECK(count_an(&got, AN_TLS_TOO_LONG) == 1 && got.nan == 1);
	CHECK_STR(an_detail(&got, AN_TLS_TOO_LONG), "a client record of 16641 "
	    "bytes (at most 16640)");
	CHECK(got.n[0] == 0 && got.st[0].dead && held < 1000);
	CHECK(got.st[0].opaque == n);
	got_free(&got);

	/* The shared budget: too small for the server's flight ... */
	mt_budget_init(&b, 300);
	acct.b = &b;
	acct.held = 0;
	decode_plus(&g, kl, NULL, 0, &acct, &got, &held);
	CHECK(count_an(&got, AN_MEM_BUDGET) >= 1);
	CHECK(b.used == 0 && acct.held == 0);
	got_free(&got);
	/* ... and one that holds it: every byte given back at the end. */
	mt_budget_init(&b, 1024 * 1024);
	acct.held = 0;
	n = seal13(sec, seclen, 0, inner, 16384 + 1 + 239, rec);
	decode_plus(&g, kl, rec, n, &acct, &got, &held);
	CHECK(got.nan == 0 && got.n[0] == 16384);
	CHECK(b.peak <= 2 * ((size_t)MT_TLS_REC13_HARD + MT_TLS_HS_HARD));
	CHECK(b.used == 0 && acct.held == 0);
	got_free(&got);
	tls_keylog_free(kl);
	tg_free(&g);

	/* TLS 1.2: 2^14 + 2048 is framed (and fails authentication), one
	 * more is too long. */
	memset(&o, 0, sizeof(o));
	o.version = TLS1_2_VERSION;
	o.ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256";
	tg_make(&g, &o);
	kl = keylog_of(g.keylog, g.klen);
	for (i = 0; i < 2; i++) {
		n = MT_TLS_REC12_HARD + i;
		rec[0] = 23;
		rec[1] = rec[2] = 3;
		rec[3] = (uint8_t)(n >> 8);
		rec[4] = (uint8_t)n;
		memset(rec + 5, 0x5a, n);
		decode_plus(&g, kl, rec, 5 + n, NULL, &got, &held);
		CHECK(got.nan == 1);
		CHECK(count_an(&got, i == 0 ? AN_TLS_AUTH : AN_TLS_TOO_LONG) ==
		    1);
		CHECK(held <= MT_TLS_REC12_HARD);
		got_free(&got);
	}
	tls_keylog_free(kl);
	tg_free(&g);
}

/* Not TLS at all; a broken ClientHello. */
static void
test_malformed(void)
{
	struct tg	 g;
	struct tg_opt	 o;
	struct got	 got;
	struct tg_chunk	 ch = { 0, 0, 16 };

	memset(&g, 0, sizeof(g));
	g.bytes = (uint8_t *)(uintptr_t)"GET / HTTP/1.1\r\n";
	g.ch = &ch;
	g.nch = 1;
	g.n = 16;
	decode(&g, NULL, &plain_feed, &got);
	CHECK(count_an(&got, AN_TLS_BAD_RECORD) == 1 && got.nan == 1);
	CHECK(got.st[0].dead && got.st[0].opaque == 16);
	got_free(&got);

	memset(&o, 0, sizeof(o));
	o.version = TLS1_3_VERSION;
	tg_make(&g, &o);
	/* The cipher suites' length, made odd. */
	g.bytes[5 + 4 + 2 + 32 + 1 + g.bytes[5 + 4 + 2 + 32] + 1] ^= 1;
	decode(&g, NULL, &plain_feed, &got);
	CHECK(count_an(&got, AN_TLS_BAD_HANDSHAKE) == 1);
	CHECK_STR(an_detail(&got, AN_TLS_BAD_HANDSHAKE), "a malformed "
	    "ClientHello");
	CHECK(got.nch == 0 && got.nsh == 0);
	CHECK(got.st[0].dead && got.st[1].dead);
	got_free(&got);
	tg_free(&g);
}

/* ---- fuzz seeds --------------------------------------------------------- */

static void
put16(FILE *fp, unsigned v)
{
	fputc((int)(v >> 8 & 0xff), fp);
	fputc((int)(v & 0xff), fp);
}

/* tests/fuzz/fuzz_tls.c's input: flags, the key log, the chunks. */
static void
write_seed(const char *dir, const char *name, const struct tg *g, int flags)
{
	char	 path[1024];
	FILE	*fp;
	size_t	 i, o, k, kl = g->klen > 0xffff ? 0 : g->klen;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "wb")) == NULL)
		tg_die(path);
	fputc(flags, fp);
	put16(fp, (unsigned)kl);
	fwrite(g->keylog, 1, kl, fp);
	for (i = 0; i < g->nch; i++)
		for (o = 0; o < g->ch[i].len; o += k) {
			k = g->ch[i].len - o < 0x7ffe ? g->ch[i].len - o :
			    0x7ffe;
			put16(fp, (unsigned)k | (g->ch[i].dir ? 0x8000u : 0));
			fwrite(g->bytes + g->ch[i].off + o, 1, k, fp);
		}
	fclose(fp);
}

static int
seeds(const char *dir)
{
	static const struct {
		const char	*name;
		size_t		 sc;
		bool		 ku;
	} cases[] = {
		{ "tls13-aes128", 0, false }, { "tls13-aes256", 1, false },
		{ "tls13-chacha", 2, true }, { "tls12-ecdsa-aes128", 3, false },
		{ "tls12-rsa-aes256", 6, false }, { "tls12-chacha", 7, false },
	};
	struct tg	g;
	struct tg_opt	o;
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		make_case(&g, &suite_cases[cases[i].sc], 300, cases[i].ku);
		write_seed(dir, cases[i].name, &g, 1);
		tg_free(&g);
	}
	memset(&o, 0, sizeof(o));
	o.version = TLS1_3_VERSION;
	o.cgroups = "X25519:P-256";
	o.sgroups = "P-256";
	o.app = 100;
	tg_make(&g, &o);
	write_seed(dir, "tls13-hrr", &g, 1);
	tg_free(&g);
	make_early(&g, 0, false);
	write_seed(dir, "tls13-early", &g, 1);
	tg_free(&g);
	make_early(&g, 1, false);
	write_seed(dir, "tls13-early-rejected", &g, 1);
	tg_free(&g);
	memset(&o, 0, sizeof(o));
	o.version = TLS1_2_VERSION;
	o.server_min = TLS1_3_VERSION;
	tg_make(&g, &o);
	write_seed(dir, "alert-version", &g, 0);
	tg_free(&g);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--seeds") == 0)
		return seeds(argv[2]);
	test_keylog();
	test_sniff();
	test_suites();
	test_keyupdate();
	test_damage();
	test_nokey();
	test_groups();
	test_hrr();
	test_early();
	test_alert();
	test_limits();
	test_malformed();
	return check_done();
}
