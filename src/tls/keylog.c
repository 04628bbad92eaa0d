/*
 * SPDX-License-Identifier: BSD-2-Clause
 * keylog.c - NSS key logs (SSLKEYLOGFILE): "LABEL <client random hex>
 * <secret hex>" lines, '#' comments, indexed by client random (tls.h).
 *
 * Sessions live in chunks of KL_CHUNK entries that never move (a found
 * entry stays valid), found through an open-addressing index of entry
 * numbers keyed by a hash of the whole random.
 */
#include "tls.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KL_CHUNK	1024
#define KL_CHUNKS	(MT_TLS_KEYS_HARD / KL_CHUNK)
#define KL_READ		(64 * 1024)

/* docs/tls.md's memory bound counts on it. */
_Static_assert(sizeof(struct tls_keys) == 277, "struct tls_keys grew");

struct tls_keylog {
	struct tls_keys		*chunk[KL_CHUNKS];
	size_t			 n;
	uint32_t		*idx;		/* entry number + 1; 0 empty */
	size_t			 cap;		/* power of two, >= 2 * n */
	struct tls_keylog_stats	 st;
};

/* One text being parsed: the line in progress, cut at the line limit. */
struct kl_parse {
	char		 line[MT_TLS_KEYLOG_LINE_HARD];
	size_t		 len;
	bool		 over;
	uint64_t	 lineno;
	uint64_t	 good, bad, first_bad;
};

static const struct {
	const char	*label;
	enum tls_secret	 sk;
} labels[] = {
	{ "CLIENT_RANDOM", TLS_SK_MASTER },
	{ "CLIENT_HANDSHAKE_TRAFFIC_SECRET", TLS_SK_CHTS },
	{ "SERVER_HANDSHAKE_TRAFFIC_SECRET", TLS_SK_SHTS },
	{ "CLIENT_TRAFFIC_SECRET_0", TLS_SK_CATS },
	{ "SERVER_TRAFFIC_SECRET_0", TLS_SK_SATS },
};
#define NLABELS	(sizeof(labels) / sizeof(labels[0]))

static struct tls_keys	*kl_entry(const struct tls_keylog *, size_t);
static size_t		 kl_hash(const uint8_t *);
static int		 kl_grow(struct tls_keylog *);
static struct tls_keys	*kl_find(const struct tls_keylog *,
			    const uint8_t *);
static struct tls_keys	*kl_get(struct tls_keylog *, const uint8_t *);
static int		 kl_hex(const char *, size_t, uint8_t *, size_t);
static bool		 kl_word(const char *, size_t);
static void		 kl_line(struct tls_keylog *, struct kl_parse *);
static void		 kl_feed(struct tls_keylog *, struct kl_parse *,
			    const char *, size_t);
static int		 kl_done(struct tls_keylog *, struct kl_parse *,
			    const char *, struct mt_err *);

struct tls_keylog *
tls_keylog_new(struct mt_err *err)
{
	struct tls_keylog	*kl;

	if ((kl = calloc(1, sizeof(*kl))) == NULL) {
		mt_err_set(err, MT_E_INTERNAL, "out of memory");
		return NULL;
	}
	return kl;
}

void
tls_keylog_free(struct tls_keylog *kl)
{
	size_t	i;

	if (kl == NULL)
		return;
	for (i = 0; i < KL_CHUNKS; i++)
		free(kl->chunk[i]);
	free(kl->idx);
	free(kl);
}

void
tls_keylog_stats(const struct tls_keylog *kl, struct tls_keylog_stats *st)
{
	*st = kl->st;
	st->sessions = kl->n;
}

static struct tls_keys *
kl_entry(const struct tls_keylog *kl, size_t i)
{
	return &kl->chunk[i / KL_CHUNK][i % KL_CHUNK];
}

/* All 32 bytes mixed: a log of made-up randoms (sequential, or equal in
 * their first bytes) must not collide into one long probe chain. */
static size_t
kl_hash(const uint8_t *r)
{
	uint64_t	h = 0, w;
	int		i, j;

	for (i = 0; i < 32; i += 8) {
		for (w = 0, j = 0; j < 8; j++)
			w = w << 8 | r[i + j];
		h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
		h ^= h >> 32;
	}
	return (size_t)h;
}

/* The entry of random, or NULL. */
static struct tls_keys *
kl_find(const struct tls_keylog *kl, const uint8_t *random)
{
	size_t			 i;
	struct tls_keys		*e;

	if (kl == NULL || kl->cap == 0)
		return NULL;
	for (i = kl_hash(random) & (kl->cap - 1); kl->idx[i] != 0;
	    i = (i + 1) & (kl->cap - 1)) {
		e = kl_entry(kl, kl->idx[i] - 1);
		if (memcmp(e->random, random, 32) == 0)
			return e;
	}
	return NULL;
}

const struct tls_keys *
tls_keylog_find(const struct tls_keylog *kl, const uint8_t random[32])
{
	return kl_find(kl, random);
}

/* Double the index (or make its first one) and put every entry back. */
static int
kl_grow(struct tls_keylog *kl)
{
	uint32_t	*idx;
	size_t		 cap = kl->cap == 0 ? 64 : kl->cap * 2, i, j;

	if ((idx = calloc(cap, sizeof(*idx))) == NULL)
		return -1;
	for (j = 0; j < kl->n; j++) {
		for (i = kl_hash(kl_entry(kl, j)->random) & (cap - 1);
		    idx[i] != 0; i = (i + 1) & (cap - 1))
			;
		idx[i] = (uint32_t)j + 1;
	}
	free(kl->idx);
	kl->idx = idx;
	kl->cap = cap;
	return 0;
}

/* The entry of random, made when new; NULL when the log is full. */
static struct tls_keys *
kl_get(struct tls_keylog *kl, const uint8_t *random)
{
	struct tls_keys	*e;
	size_t		 i;

	if ((e = kl_find(kl, random)) != NULL)
		return e;
	if (kl->n >= MT_TLS_KEYS_HARD)
		return NULL;
	if (kl->chunk[kl->n / KL_CHUNK] == NULL && (kl->chunk[kl->n /
	    KL_CHUNK] = calloc(KL_CHUNK, sizeof(struct tls_keys))) == NULL)
		return NULL;
	if (2 * (kl->n + 1) > kl->cap && kl_grow(kl) != 0)
		return NULL;
	e = kl_entry(kl, kl->n);
	memset(e, 0, sizeof(*e));
	memcpy(e->random, random, 32);
	for (i = kl_hash(random) & (kl->cap - 1); kl->idx[i] != 0;
	    i = (i + 1) & (kl->cap - 1))
		;
	kl->idx[i] = (uint32_t)++kl->n;
	return e;
}

/* Hex digits s[0..n) into exactly n / 2 bytes of out (size sz). */
static int
kl_hex(const char *s, size_t n, uint8_t *out, size_t sz)
{
	size_t	i;
	int	hi, lo;

	if (n % 2 != 0 || n / 2 > sz)
		return -1;
	for (i = 0; i < n; i += 2) {
		hi = s[i] >= '0' && s[i] <= '9' ? s[i] - '0' :
		    s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10 :
		    s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 10 : -1;
		lo = s[i + 1] >= '0' && s[i + 1] <= '9' ? s[i + 1] - '0' :
		    s[i + 1] >= 'a' && s[i + 1] <= 'f' ? s[i + 1] - 'a' + 10 :
		    s[i + 1] >= 'A' && s[i + 1] <= 'F' ? s[i + 1] - 'A' + 10 :
		    -1;
		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* A label-shaped word: upper case letters, digits and '_'. */
static bool
kl_word(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!mt_isupper(s[i]) && !mt_isdigit(s[i]) && s[i] != '_')
			return false;
	return n > 0;
}

/* One complete line (without its ending) in p->line[0..len). */
static void
kl_line(struct tls_keylog *kl, struct kl_parse *p)
{
	char		*s = p->line, *f[3];
	size_t		 n = p->len, fl[3], i, k;
	uint8_t		 random[32], sec[TLS_SECRET_MAX];
	struct tls_keys	*e;
	int		 sk = -1;

	p->lineno++;
	if (n > 0 && s[n - 1] == '\r')
		n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (!p->over && (n == 0 || s[0] == '#'))
		return;
	/* Three fields separated by one space (NSS writes exactly that). */
	for (k = 0, i = 0; k < 3; k++) {
		f[k] = s + i;
		while (i < n && s[i] != ' ')
			i++;
		fl[k] = (size_t)(s + i - f[k]);
		if (k < 2 && i < n)
			i++;
	}
	if (p->over || i != n || fl[0] == 0 || !kl_word(f[0], fl[0]))
		goto bad;
	for (k = 0; k < NLABELS; k++)
		if (strlen(labels[k].label) == fl[0] &&
		    memcmp(labels[k].label, f[0], fl[0]) == 0)
			sk = (int)labels[k].sk;
	if (sk < 0) {
		/* EXPORTER_SECRET, CLIENT_EARLY_TRAFFIC_SECRET, ... */
		if (fl[1] == 64 && fl[2] > 0)
			kl->st.ignored++;
		else
			goto bad;
		return;
	}
	if (fl[1] != 64 || kl_hex(f[1], 64, random, sizeof(random)) != 0)
		goto bad;
	if (sk == TLS_SK_MASTER ? fl[2] != 96 : fl[2] != 64 && fl[2] != 96)
		goto bad;
	if (kl_hex(f[2], fl[2], sec, sizeof(sec)) != 0)
		goto bad;
	if ((e = kl_get(kl, random)) == NULL) {
		kl->st.dropped++;
		p->good++;		/* valid, only not kept */
		return;
	}
	memcpy(e->sec[sk], sec, fl[2] / 2);
	e->len[sk] = (uint8_t)(fl[2] / 2);
	kl->st.lines++;
	p->good++;
	return;
bad:
	if (p->bad++ == 0)
		p->first_bad = p->lineno;
	if (kl->st.bad++ == 0)
		kl->st.first_bad = p->lineno;
}

static void
kl_feed(struct tls_keylog *kl, struct kl_parse *p, const char *s, size_t n)
{
	const char	*nl;
	size_t		 take;

	while (n > 0) {
		nl = memchr(s, '\n', n);
		take = nl != NULL ? (size_t)(nl - s) : n;
		if (take > sizeof(p->line) - p->len) {
			p->over = true;
			p->len = sizeof(p->line);
		} else {
			memcpy(p->line + p->len, s, take);
			p->len += take;
		}
		if (nl == NULL)
			return;
		kl_line(kl, p);
		p->len = 0;
		p->over = false;
		s = nl + 1;
		n -= take + 1;
	}
}

/* The last line, and the verdict on the whole text. */
static int
kl_done(struct tls_keylog *kl, struct kl_parse *p, const char *what,
    struct mt_err *err)
{
	if (p->len > 0 || p->over)
		kl_line(kl, p);
	if (p->good > 0)
		return 0;
	if (p->bad > 0)
		return mt_err_set(err, MT_E_USAGE, "%s: no valid key log line "
		    "(%llu malformed, the first at line %llu)", what,
		    (unsigned long long)p->bad,
		    (unsigned long long)p->first_bad);
	return mt_err_set(err, MT_E_USAGE, "%s: no key log line", what);
}

int
tls_keylog_add_text(struct tls_keylog *kl, const char *text, size_t len,
    const char *what, struct mt_err *err)
{
	struct kl_parse	p;

	memset(&p, 0, sizeof(p));
	kl_feed(kl, &p, text, len);
	return kl_done(kl, &p, what, err);
}

int
tls_keylog_load_file(struct tls_keylog *kl, const char *path,
    struct mt_err *err)
{
	struct kl_parse	 p;
	struct stat	 sb;
	FILE		*fp;
	char		*buf;
	size_t		 n, total = 0;
	int		 rc;

	if ((fp = fopen(path, "r")) == NULL)
		return mt_err_set(err, MT_E_USAGE, "%s: %s", path,
		    strerror(errno));
	/* A regular file too long is refused before a line of it is taken. */
	if (fstat(fileno(fp), &sb) == 0 && S_ISREG(sb.st_mode) &&
	    sb.st_size > MT_TLS_KEYLOG_FILE_HARD) {
		fclose(fp);
		return mt_err_set(err, MT_E_USAGE, "%s: a key log of more "
		    "than %d MiB", path, MT_TLS_KEYLOG_FILE_HARD / (1024 * 1024));
	}
	if ((buf = malloc(KL_READ)) == NULL) {
		fclose(fp);
		return mt_err_set(err, MT_E_INTERNAL, "out of memory");
	}
	memset(&p, 0, sizeof(p));
	while ((n = fread(buf, 1, KL_READ, fp)) > 0) {
		if ((total += n) > MT_TLS_KEYLOG_FILE_HARD) {
			free(buf);
			fclose(fp);
			return mt_err_set(err, MT_E_USAGE, "%s: a key log of "
			    "more than %d MiB", path,
			    MT_TLS_KEYLOG_FILE_HARD / (1024 * 1024));
		}
		kl_feed(kl, &p, buf, n);
	}
	rc = ferror(fp) ? mt_err_set(err, MT_E_USAGE, "%s: read error", path) :
	    kl_done(kl, &p, path, err);
	free(buf);
	fclose(fp);
	return rc;
}
