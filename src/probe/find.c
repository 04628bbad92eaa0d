/*
 * SPDX-License-Identifier: BSD-2-Clause
 * find.c - finding the servers (issue 13): a domain's mail exchangers
 * (RFC 5321 5.1) or a service's SRV targets (RFC 6186), each host's
 * addresses, as the list of connections to try in order.  Every lookup is
 * a record of its own (src/dns), before the first session.
 */
#include "probe.h"

#include <stdio.h>
#include <string.h>

/* Each address of host:port as an attempt, while there is room. */
static void
add_host(struct probe_found *f, const struct dns_addrs *a,
    const char *name, uint16_t port, bool implicit_tls)
{
	size_t	i;

	for (i = 0; i < a->n && f->n < PROBE_ATTEMPTS_HARD; i++) {
		struct probe_attempt	*at = &f->at[f->n++];

		snprintf(at->ip, sizeof(at->ip), "%s", a->ip[i]);
		snprintf(at->name, sizeof(at->name), "%s", name);
		at->port = port;
		at->implicit_tls = implicit_tls;
	}
}

/* The hosts' addresses, in the hosts' order; err: the last failure. */
static void
add_hosts(struct dns *d, struct probe_found *f, const struct dns_host *h,
    size_t n, uint16_t port, bool implicit_tls, struct mt_err *err)
{
	struct dns_addrs	a;
	size_t			i;

	for (i = 0; i < n && f->n < PROBE_ATTEMPTS_HARD; i++)
		if (dns_addrs(d, h[i].name, &a, err) == 0)
			add_host(f, &a, h[i].name, port ? port : h[i].port,
			    implicit_tls);
}

int
probe_find_mx(const struct dns_conf *dc, struct tracer *tr,
    const char *domain, uint16_t port, struct probe_found *f,
    struct mt_err *err)
{
	struct dns_host	 h[DNS_HOSTS_HARD];
	struct dns	*d;
	size_t		 n;
	int		 rc = -1;

	f->n = 0;
	if (dns_open(&d, dc, tr, err) != 0)
		return -1;
	if (dns_mx(d, domain, dns_rand, NULL, h, &n, err) == 0) {
		add_hosts(d, f, h, n, port, false, err);
		rc = f->n > 0 ? 0 : -1;
	}
	dns_close(d);
	return rc;
}

int
probe_find_srv(const struct dns_conf *dc, struct tracer *tr,
    const char *tls_service, const char *plain_service, const char *domain,
    struct probe_found *f, struct mt_err *err)
{
	struct dns_host	 h[DNS_HOSTS_HARD], p[DNS_HOSTS_HARD];
	char		 name[2 * DNS_NAME_HARD];
	struct dns	*d;
	size_t		 nh = 0, np = 0;
	int		 rc = -1, rt;

	f->n = 0;
	if (dns_open(&d, dc, tr, err) != 0)
		return -1;
	snprintf(name, sizeof(name), "_%s._tcp.%s", tls_service, domain);
	rt = dns_srv(d, name, false, dns_rand, NULL, h, &nh, err);
	snprintf(name, sizeof(name), "_%s._tcp.%s", plain_service, domain);
	/* the second name fails the search when the first gave nothing */
	if (dns_srv(d, name, rt != 0 || nh == 0, dns_rand, NULL, p, &np,
	    err) != 0 && nh == 0) {
		dns_close(d);
		return -1;
	}
	add_hosts(d, f, h, nh, 0, true, err);
	add_hosts(d, f, p, np, 0, false, err);
	rc = f->n > 0 ? 0 : -1;
	dns_close(d);
	return rc;
}

bool
probe_try_next(const struct mt_err *e)
{
	switch (e->code) {
	case MT_E_CONNREFUSED:
	case MT_E_TIMEOUT:
	case MT_E_NOHOST:
	case MT_E_TLS:
	case MT_E_IO:
	case MT_E_EOF:
		return true;
	default:
		return false;
	}
}
