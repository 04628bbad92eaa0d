/*
 * SPDX-License-Identifier: BSD-2-Clause
 * order.c - the order to try mail servers in: MX by preference with equal
 * preferences shuffled (RFC 5321 5.1), SRV by priority and weight (RFC
 * 2782, "Usage rules").  Pure functions over the records and a random
 * source; unit.dns checks them with its own source.
 */
#include "dns.h"

#include <string.h>

#include <openssl/rand.h>

uint32_t
dns_rand(void *arg)
{
	unsigned char	b[4];

	(void)arg;
	if (RAND_bytes(b, sizeof(b)) != 1)
		return 0;	/* no entropy: the table order, still valid */
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

/* Stable insertion sort by pref (the lists are short: DNS_HOSTS_HARD). */
static void
sort_pref(struct dns_host *h, size_t n)
{
	struct dns_host	t;
	size_t		i, j;

	for (i = 1; i < n; i++) {
		t = h[i];
		for (j = i; j > 0 && h[j - 1].pref > t.pref; j--)
			h[j] = h[j - 1];
		h[j] = t;
	}
}

static void
swap(struct dns_host *a, struct dns_host *b)
{
	struct dns_host	t = *a;

	*a = *b;
	*b = t;
}

void
dns_order_mx(struct dns_host *h, size_t n, dns_rand_fn rnd, void *arg)
{
	size_t	lo, hi, i;

	sort_pref(h, n);
	for (lo = 0; lo < n; lo = hi) {
		for (hi = lo + 1; hi < n && h[hi].pref == h[lo].pref; hi++)
			continue;
		/* Fisher-Yates over [lo, hi) */
		for (i = hi - 1; i > lo; i--)
			swap(&h[i], &h[lo + rnd(arg) % (i - lo + 1)]);
	}
}

/*
 * One priority's records [lo, hi) in RFC 2782's order: those of weight 0
 * first, then repeatedly a random number in [0, sum of the weights left]
 * picks the first record whose running sum reaches it.
 */
static void
order_weights(struct dns_host *h, size_t lo, size_t hi, dns_rand_fn rnd,
    void *arg)
{
	size_t		i, z = lo;
	uint64_t	sum, run, pick;

	for (i = lo; i < hi; i++)	/* zero weights to the front, stably */
		if (h[i].weight == 0) {
			struct dns_host	t = h[i];

			memmove(&h[z + 1], &h[z], (i - z) * sizeof(*h));
			h[z++] = t;
		}
	for (; lo + 1 < hi; lo++) {
		sum = 0;
		for (i = lo; i < hi; i++)
			sum += h[i].weight;
		pick = rnd(arg) % (sum + 1);
		run = 0;
		for (i = lo; i < hi; i++) {
			run += h[i].weight;
			if (run >= pick)
				break;
		}
		if (i == hi)
			i = hi - 1;
		/* the chosen record next, the others in their order */
		if (i != lo) {
			struct dns_host	t = h[i];

			memmove(&h[lo + 1], &h[lo], (i - lo) * sizeof(*h));
			h[lo] = t;
		}
	}
}

void
dns_order_srv(struct dns_host *h, size_t n, dns_rand_fn rnd, void *arg)
{
	size_t	lo, hi;

	sort_pref(h, n);
	for (lo = 0; lo < n; lo = hi) {
		for (hi = lo + 1; hi < n && h[hi].pref == h[lo].pref; hi++)
			continue;
		order_weights(h, lo, hi, rnd, arg);
	}
}
