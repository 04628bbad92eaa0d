/*
 * SPDX-License-Identifier: BSD-2-Clause
 * truthcheck.c - compare gencap's ground truth with the decoder's records
 * (docs/benchmarks.md).
 *
 * Usage: truthcheck TRUTH.txt RECORDS.jsonl [MAXLIST]
 *
 * TRUTH.txt has one step a line, "<client> <int> <opr>".  RECORDS.jsonl is
 * `mailtrace decode --format jsonl` output.  A step is found when a record
 * with one of the "after" events of a command/response step (0xAD8F,
 * 0xAD91, 0xAD93 for POP3; 0xAD11, 0xAD13, 0xAD15 for SMTP) has exactly
 * that client, int and opr.  Matching is by multiset: a step listed twice
 * needs two records.  Prints "found F / T (P%)", the number of such
 * records that match no step, and the first MAXLIST (default 50) misses.
 * Exit 0 when every step was found, 1 when some were not, 2 on errors.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXF	8192		/* a field's bytes */

struct ent {
	char		*key;		/* NULL: empty slot */
	uint64_t	 want, got;
};

static struct ent	*tab;
static size_t		 tcap, tn;

static uint64_t
hash(const char *s, size_t n)
{
	uint64_t	h = 1469598103934665603ULL;
	size_t		i;

	for (i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 1099511628211ULL;
	return h;
}

static void *
xalloc(size_t n)
{
	void	*p = calloc(1, n ? n : 1);

	if (p == NULL) {
		fprintf(stderr, "truthcheck: out of memory\n");
		exit(2);
	}
	return p;
}

static struct ent *
lookup(const char *k, size_t n, bool add)
{
	size_t	i;

	if (add && (tn + 1) * 2 > tcap) {
		struct ent	*old = tab;
		size_t		 oc = tcap, j;

		tcap = tcap ? tcap * 2 : 1024;
		tab = xalloc(tcap * sizeof(*tab));
		tn = 0;
		for (j = 0; j < oc; j++)
			if (old[j].key != NULL) {
				struct ent *e = lookup(old[j].key,
				    strlen(old[j].key), true);

				free(e->key);
				*e = old[j];
			}
		free(old);
	}
	if (tcap == 0)
		return NULL;
	for (i = hash(k, n) & (tcap - 1); tab[i].key != NULL;
	    i = (i + 1) & (tcap - 1))
		if (strlen(tab[i].key) == n && memcmp(tab[i].key, k, n) == 0)
			return &tab[i];
	if (!add)
		return NULL;
	tab[i].key = xalloc(n + 1);
	memcpy(tab[i].key, k, n);
	tn++;
	return &tab[i];
}

/*
 * Read a JSON string at *pp (just after the opening quote) into out
 * (unescaped, \uXXXX below 0x80 only); *pp ends after the closing quote.
 */
static bool
jstr(const char **pp, char *out, size_t sz)
{
	const char	*p = *pp;
	size_t		 n = 0;
	char		 c;

	while ((c = *p++) != '"') {
		if (c == '\0')
			return false;
		if (c == '\\') {
			c = *p++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u': {
				unsigned v = 0;
				int i;

				for (i = 0; i < 4; i++) {
					char h = *p++;

					v <<= 4;
					if (h >= '0' && h <= '9')
						v |= (unsigned)(h - '0');
					else if (h >= 'a' && h <= 'f')
						v |= (unsigned)(h - 'a' + 10);
					else if (h >= 'A' && h <= 'F')
						v |= (unsigned)(h - 'A' + 10);
					else
						return false;
				}
				c = v < 0x80 ? (char)v : '?';
				break;
			}
			case '\0':
				return false;
			default:
				break;		/* \" \\ \/ */
			}
		}
		if (n + 1 < sz)
			out[n++] = c;
	}
	out[n] = '\0';
	*pp = p;
	return true;
}

static bool
after_event(const char *ev)
{
	static const char *const evs[] = { "0xAD8F", "0xAD91", "0xAD93",
	    "0xAD11", "0xAD13", "0xAD15" };
	size_t	i;

	for (i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (strcmp(ev, evs[i]) == 0)
			return true;
	return false;
}

/* One record line: its event, client, int and opr. */
static bool
parse_rec(const char *p, char *ev, char *cl, char *in, char *op, size_t sz)
{
	char	key[64], val[MAXF];

	*ev = *cl = *in = *op = '\0';
	while (*p == ' ')
		p++;
	if (*p++ != '{')
		return false;
	for (;;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '}' || *p == '\0')
			return true;
		if (*p++ != '"' || !jstr(&p, key, sizeof(key)))
			return false;
		while (*p == ' ')
			p++;
		if (*p++ != ':')
			return false;
		while (*p == ' ')
			p++;
		if (*p == '"') {
			p++;
			if (!jstr(&p, val, sizeof(val)))
				return false;
			if (strcmp(key, "event") == 0)
				snprintf(ev, sz, "%s", val);
			else if (strcmp(key, "client") == 0)
				snprintf(cl, sz, "%s", val);
			else if (strcmp(key, "int") == 0)
				snprintf(in, sz, "%s", val);
			else if (strcmp(key, "opr") == 0)
				snprintf(op, sz, "%s", val);
		} else {
			/* A number, true/false/null: up to , or }. */
			while (*p != '\0' && *p != ',' && *p != '}')
				p++;
		}
	}
}

int
main(int argc, char **argv)
{
	FILE		*tf, *rf;
	char		*line = NULL, ev[MAXF], cl[MAXF], in[MAXF], op[MAXF];
	char		*key;
	size_t		 lcap = 0, i, listed = 0, maxlist = 50;
	ssize_t		 n;
	uint64_t	 total = 0, found = 0, extra = 0, recs = 0, bad = 0;
	struct ent	*e;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: truthcheck TRUTH.txt RECORDS.jsonl "
		    "[MAXLIST]\n");
		return 2;
	}
	if (argc == 4)
		maxlist = (size_t)strtoul(argv[3], NULL, 10);
	if ((tf = fopen(argv[1], "r")) == NULL ||
	    (rf = fopen(argv[2], "r")) == NULL) {
		fprintf(stderr, "truthcheck: %s\n", strerror(errno));
		return 2;
	}
	while ((n = getline(&line, &lcap, tf)) > 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		lookup(line, (size_t)n, true)->want++;
		total++;
	}
	key = xalloc(sizeof(cl) + sizeof(in) + sizeof(op) + 3);
	while ((n = getline(&line, &lcap, rf)) > 0) {
		if (!parse_rec(line, ev, cl, in, op, MAXF)) {
			bad++;
			continue;
		}
		if (!after_event(ev))
			continue;
		recs++;
		snprintf(key, sizeof(cl) + sizeof(in) + sizeof(op) + 3,
		    "%s %s %s", cl, in, op);
		e = lookup(key, strlen(key), false);
		if (e == NULL || e->got >= e->want)
			extra++;
		if (e != NULL)
			e->got++;
	}
	for (i = 0; i < tcap; i++) {
		if (tab[i].key == NULL)
			continue;
		found += tab[i].got < tab[i].want ? tab[i].got : tab[i].want;
		if (tab[i].got < tab[i].want && listed < maxlist) {
			printf("miss: %s (%" PRIu64 " of %" PRIu64 " found)\n",
			    tab[i].key, tab[i].got, tab[i].want);
			listed++;
		}
	}
	printf("truth: found %" PRIu64 " / %" PRIu64 " (%.4f%%); after-records "
	    "%" PRIu64 ", not in the truth %" PRIu64 "; unparsed lines %"
	    PRIu64 "\n", found, total, total ? 100.0 * (double)found /
	    (double)total : 100.0, recs, extra, bad);
	free(line);
	free(key);
	return found == total ? 0 : 1;
}
