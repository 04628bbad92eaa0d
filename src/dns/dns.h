/*
 * dns.h - finding the servers: MX (RFC 5321 5.1, RFC 7505) and SRV (RFC
 * 2782, RFC 6186) lookups and the hosts' addresses, through c-ares, each
 * lookup a traced, timed record of its own (events/dns.def, docs/records.md
 * "DNS lookups").  No DNS message is parsed here: c-ares' ares_parse_*
 * functions read the answers.  c-ares is driven through its sockets in a
 * poll loop with ares_timeout(), so it fits an event loop later.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Knows the tracer and its record (trace) and nothing else of mailtrace.
 */
#ifndef MT_DNS_DNS_H
#define MT_DNS_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace.h"

#define DNS_NAME_HARD		256	/* a domain name, with its NUL */
#define DNS_IP_HARD		46	/* INET6_ADDRSTRLEN */
#define DNS_HOSTS_HARD		16	/* MX or SRV records kept */
#define DNS_ADDRS_HARD		8	/* addresses kept per host and type */
#define DNS_TIMEOUT_DEFAULT	5000	/* --dns-timeout, ms */
#define DNS_SERVER_HARD		64	/* "[ffff:...]:65535" */

/* One MX record (pref) or SRV record (prio, weight, port). */
struct dns_host {
	char		 name[DNS_NAME_HARD];	/* without the final dot */
	unsigned	 pref;			/* MX preference, SRV priority */
	unsigned	 weight;		/* SRV only */
	uint16_t	 port;			/* SRV only */
};

/* A host's addresses: IPv4 first (the A lookup), then IPv6 (AAAA). */
struct dns_addrs {
	char		 ip[2 * DNS_ADDRS_HARD][DNS_IP_HARD];
	size_t		 n;
};

struct dns_conf {
	const char	*server;	/* --dns-server ADDR[:PORT]; NULL: the
					   system's (/etc/resolv.conf) */
	int		 timeout_ms;	/* each lookup; <= 0: the default */
	int64_t		 deadline_us;	/* mt_mono_us() by which every lookup
					   ends (the session limit); 0: none */
};

struct dns;

/* A random number for the orderings: OpenSSL's RAND_bytes (dns_rand), or a
 * test's own source. */
typedef uint32_t (*dns_rand_fn)(void *);
uint32_t	 dns_rand(void *);

/*
 * A server address for --dns-server: "A.B.C.D", "A.B.C.D:PORT", "[IPV6]",
 * "[IPV6]:PORT" (or a bare IPv6 address, port 53).  0, or -1 with the
 * reason in err (MT_E_USAGE).  out (DNS_SERVER_HARD) gets it normalised.
 */
int		 dns_server_parse(const char *, char *out, struct mt_err *);

/*
 * A resolver emitting its lookups' records to tr.  0, or -1 with err
 * (MT_E_USAGE for a bad server, MT_E_INTERNAL when c-ares fails).
 */
int		 dns_open(struct dns **, const struct dns_conf *,
		    struct tracer *, struct mt_err *);
void		 dns_close(struct dns *);
/* The resolver as recorded: "127.0.0.1:5353", or the system's servers. */
const char	*dns_resolver(const struct dns *);

/*
 * The mail exchangers of domain in the order to try (RFC 5321 5.1: by
 * preference, equal preferences shuffled with rnd; no MX record: the
 * implicit MX, the domain itself).  0 with *n hosts; -1 with err when the
 * domain has no mail servers: NXDOMAIN, a null MX (RFC 7505: "accepts no
 * mail"), a failed or timed-out lookup.
 */
int		 dns_mx(struct dns *, const char *domain, dns_rand_fn,
		    void *rnd_arg, struct dns_host *out, size_t *n,
		    struct mt_err *);
/*
 * The SRV records of name (_pop3s._tcp.example.test) in the order to try
 * (RFC 2782: by priority, weighted random among equal ones).  0 with *n
 * targets (0: none there, or the service not offered: target "."); last
 * says no other name will be tried, so that an empty answer fails the
 * lookup (its record's rc) and returns -1 with err; -1 with err also for
 * a failed or timed-out lookup.
 */
int		 dns_srv(struct dns *, const char *name, bool last,
		    dns_rand_fn, void *rnd_arg, struct dns_host *out,
		    size_t *n, struct mt_err *);
/*
 * The addresses of host: the A lookup, then AAAA (skipped when A said the
 * name does not exist).  0 with a->n >= 1; -1 with err when it has none.
 */
int		 dns_addrs(struct dns *, const char *host, struct dns_addrs *a,
		    struct mt_err *);

/*
 * The orderings, pure (unit.dns): MX by preference with equal ones
 * shuffled (Fisher-Yates, rnd); SRV by priority, and among equal
 * priorities by RFC 2782's weighted selection (zero weights first, a
 * running sum, a random number in [0, sum]).
 */
void		 dns_order_mx(struct dns_host *, size_t n, dns_rand_fn, void *);
void		 dns_order_srv(struct dns_host *, size_t n, dns_rand_fn, void *);

#endif
