/*
 * test_dns.c - the orders servers are tried in (src/dns/order.c): MX by
 * preference with equal preferences shuffled (RFC 5321 5.1), SRV by
 * priority and weight (RFC 2782); exactly, with a scripted random source,
 * and their distribution with OpenSSL's.  And --dns-server's addresses.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include "dns.h"

#include "check.h"

/* A scripted random source: the numbers in turn, then 0. */
struct script {
	const uint32_t	*v;
	size_t		 n, i;
};

static uint32_t
scripted(void *arg)
{
	struct script	*s = arg;

	return s->i < s->n ? s->v[s->i++] : 0;
}

static void
host(struct dns_host *h, const char *name, unsigned pref, unsigned weight)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "%s", name);
	h->pref = pref;
	h->weight = weight;
}

/* The names in order, "a b c". */
static void
names(const struct dns_host *h, size_t n, char *out, size_t sz)
{
	size_t	i, o = 0;

	out[0] = '\0';
	for (i = 0; i < n && o < sz; i++)
		o += (size_t)snprintf(out + o, sz - o, "%s%s", i ? " " : "",
		    h[i].name);
}

static void
mx_set(struct dns_host *h)
{
	host(&h[0], "b", 20, 0);
	host(&h[1], "a1", 10, 0);
	host(&h[2], "a2", 10, 0);
	host(&h[3], "a3", 10, 0);
	host(&h[4], "c", 30, 0);
}

static void
test_mx_exact(void)
{
	static const uint32_t	 r1[] = { 0, 1 }, r2[] = { 1, 0 },
				 r3[] = { 5, 7 };
	struct dns_host		 h[5];
	struct script		 s;
	char			 got[64];

	/* i=2: swap(2, 0); i=1: swap(1, 1): a3 a2 a1 */
	mx_set(h);
	s = (struct script){ r1, 2, 0 };
	dns_order_mx(h, 5, scripted, &s);
	names(h, 5, got, sizeof(got));
	CHECK_STR(got, "a3 a2 a1 b c");
	CHECK(s.i == 2);	/* groups of one draw nothing */
	/* i=2: swap(2, 1): a1 a3 a2; i=1: swap(1, 0): a3 a1 a2 */
	mx_set(h);
	s = (struct script){ r2, 2, 0 };
	dns_order_mx(h, 5, scripted, &s);
	names(h, 5, got, sizeof(got));
	CHECK_STR(got, "a3 a1 a2 b c");
	/* 5 % 3 = 2: no swap; 7 % 2 = 1: no swap: the sorted order */
	mx_set(h);
	s = (struct script){ r3, 2, 0 };
	dns_order_mx(h, 5, scripted, &s);
	names(h, 5, got, sizeof(got));
	CHECK_STR(got, "a1 a2 a3 b c");
	/* one record, none */
	host(&h[0], "only", 5, 0);
	dns_order_mx(h, 1, scripted, &s);
	CHECK_STR(h[0].name, "only");
	dns_order_mx(h, 0, scripted, &s);
}

/* With OpenSSL's numbers: each of three equal MX first a third of the
 * time, and the preferences always in order. */
static void
test_mx_spread(void)
{
	struct dns_host	h[5];
	unsigned	first[3] = { 0, 0, 0 }, i, k;
	const unsigned	runs = 3000;
	bool		sorted = true;

	for (i = 0; i < runs; i++) {
		mx_set(h);
		dns_order_mx(h, 5, dns_rand, NULL);
		first[h[0].name[1] - '1']++;
		for (k = 1; k < 5; k++)
			sorted &= h[k - 1].pref <= h[k].pref;
	}
	CHECK(sorted);
	for (k = 0; k < 3; k++) {
		if (first[k] < runs / 4 || first[k] > runs * 5 / 12)
			fprintf(stderr, "a%u first %u of %u\n", k + 1,
			    first[k], runs);
		CHECK(first[k] >= runs / 4 && first[k] <= runs * 5 / 12);
	}
}

static void
srv_set(struct dns_host *h)
{
	host(&h[0], "p", 1, 5);
	host(&h[1], "x", 0, 10);
	host(&h[2], "z", 0, 0);
	host(&h[3], "y", 0, 30);
}

static void
test_srv_exact(void)
{
	static const uint32_t	 r1[] = { 0, 15 }, r2[] = { 41, 5 },
				 r3[] = { 40, 0 }, r4[] = { 11, 0 };
	struct dns_host		 h[4];
	struct script		 s;
	char			 got[64];

	/*
	 * priority 0 sorted stably: x z y, zero weights first: z x y.
	 * pick 0 % 41 = 0: z (running sum 0 >= 0); then x y, sum 40,
	 * 15 % 41 = 15: x's 10 < 15, y's 40 >= 15: y; then x; then p.
	 */
	srv_set(h);
	s = (struct script){ r1, 2, 0 };
	dns_order_srv(h, 4, scripted, &s);
	names(h, 4, got, sizeof(got));
	CHECK_STR(got, "z y x p");
	/* 41 % 41 = 0: z; 5 % 41: x (10 >= 5); y */
	srv_set(h);
	s = (struct script){ r2, 2, 0 };
	dns_order_srv(h, 4, scripted, &s);
	names(h, 4, got, sizeof(got));
	CHECK_STR(got, "z x y p");
	/* 40: z 0, x 10, y 40 >= 40: y; then z x, sum 10, 0: z; x */
	srv_set(h);
	s = (struct script){ r3, 2, 0 };
	dns_order_srv(h, 4, scripted, &s);
	names(h, 4, got, sizeof(got));
	CHECK_STR(got, "y z x p");
	/* 11: z 0, x 10, y 40: y; then 0: z; x */
	srv_set(h);
	s = (struct script){ r4, 2, 0 };
	dns_order_srv(h, 4, scripted, &s);
	names(h, 4, got, sizeof(got));
	CHECK_STR(got, "y z x p");
	CHECK(h[3].pref == 1);
}

/*
 * The first pick among weights 0, 10 and 30: a number in [0, 40] chooses
 * z for 0 (1/41), x for 1..10 (10/41), y for 11..40 (30/41).
 */
static void
test_srv_spread(void)
{
	struct dns_host	h[4];
	unsigned	x = 0, y = 0, z = 0, i;
	const unsigned	runs = 4100;

	for (i = 0; i < runs; i++) {
		srv_set(h);
		dns_order_srv(h, 4, dns_rand, NULL);
		CHECK(strcmp(h[3].name, "p") == 0);
		switch (h[0].name[0]) {
		case 'x':
			x++;
			break;
		case 'y':
			y++;
			break;
		default:
			z++;
		}
	}
	fprintf(stderr, "srv first: x %u y %u z %u of %u\n", x, y, z, runs);
	CHECK(y >= 2800 && y <= 3200);		/* 3000 expected */
	CHECK(x >= 850 && x <= 1150);		/* 1000 */
	CHECK(z <= 250);			/* 100 */
}

static void
test_server_parse(void)
{
	struct mt_err	e;
	char		out[DNS_SERVER_HARD];

	CHECK(dns_server_parse("127.0.0.1", out, &e) == 0);
	CHECK_STR(out, "127.0.0.1:53");
	CHECK(dns_server_parse("127.0.0.1:5353", out, &e) == 0);
	CHECK_STR(out, "127.0.0.1:5353");
	CHECK(dns_server_parse("[::1]:5353", out, &e) == 0);
	CHECK_STR(out, "[::1]:5353");
	CHECK(dns_server_parse("::1", out, &e) == 0);
	CHECK_STR(out, "[::1]:53");
	CHECK(dns_server_parse("[::1]", out, &e) == 0);
	CHECK_STR(out, "[::1]:53");
	CHECK(dns_server_parse("localhost", out, &e) != 0 &&
	    e.code == MT_E_USAGE);
	CHECK(dns_server_parse("127.0.0.1:0", out, &e) != 0);
	CHECK(dns_server_parse("127.0.0.1:65536", out, &e) != 0);
	CHECK(dns_server_parse("127.0.0.1:", out, &e) != 0);
	CHECK(dns_server_parse("[::1", out, &e) != 0);
	CHECK(dns_server_parse("[::1]x", out, &e) != 0);
	CHECK(dns_server_parse("", out, &e) != 0);
}

int
main(void)
{
	test_mx_exact();
	test_mx_spread();
	test_srv_exact();
	test_srv_spread();
	test_server_parse();
	return check_done();
}
