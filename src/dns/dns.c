/*
 * SPDX-License-Identifier: BSD-2-Clause
 * dns.c - lookups through c-ares, each one a record (trace_dns()): the
 * query (intf: the name; dns: the type), the answer (opr: events/dns.def's
 * word; detail: the records), the resolver (opt) and the time it took.
 */
#include "dns.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ares.h>

#include "wait.h"

struct dns {
	ares_channel	 ch;
	struct tracer	*tr;
	int		 timeout_ms;
	int64_t		 deadline_us;
	bool		 stopped;	/* a stop (SIGINT, SIGTERM) ended a wait */
	char		 resolver[4 * DNS_SERVER_HARD];
};

/* One lookup in flight: what the callback leaves. */
struct dns_q {
	bool		 done;
	int		 status;	/* ARES_* */
	unsigned char	*abuf;		/* the answer, copied */
	int		 alen;
};

/* One lookup's record, being filled. */
struct dns_look {
	struct trace_rec r;
	int64_t		 t0;
	size_t		 dlen;		/* of r.detail */
};

int
dns_server_parse(const char *s, char *out, struct mt_err *err)
{
	char		 host[DNS_SERVER_HARD];
	const char	*p, *end;
	unsigned char	 a[16];
	long		 port = 53;
	char		*e;
	bool		 v6;
	size_t		 n;

	if (s == NULL || s[0] == '\0' || strlen(s) >= DNS_SERVER_HARD)
		return mt_err_set(err, MT_E_USAGE, "--dns-server: not an "
		    "address: ADDR, ADDR:PORT or [IPV6]:PORT");
	p = NULL;
	if (s[0] == '[') {
		if ((end = strchr(s, ']')) == NULL)
			return mt_err_set(err, MT_E_USAGE, "--dns-server: "
			    "\"[\" without \"]\"");
		n = (size_t)(end - s - 1);
		memcpy(host, s + 1, n);
		host[n] = '\0';
		if (end[1] == ':')
			p = end + 2;
		else if (end[1] != '\0')
			return mt_err_set(err, MT_E_USAGE, "--dns-server: "
			    "junk after \"]\"");
	} else if ((end = strchr(s, ':')) != NULL && strchr(end + 1, ':') ==
	    NULL) {
		n = (size_t)(end - s);
		memcpy(host, s, n);
		host[n] = '\0';
		p = end + 1;
	} else
		snprintf(host, sizeof(host), "%s", s);
	if (p != NULL) {
		port = strtol(p, &e, 10);
		if (*p == '\0' || *e != '\0' || port < 1 || port > 65535)
			return mt_err_set(err, MT_E_USAGE, "--dns-server: the "
			    "port is not a number from 1 to 65535");
	}
	v6 = strchr(host, ':') != NULL;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, host, a) != 1)
		return mt_err_set(err, MT_E_USAGE, "--dns-server: \"%s\" is "
		    "not an IPv4 or IPv6 address", host);
	snprintf(out, DNS_SERVER_HARD, v6 ? "[%s]:%ld" : "%s:%ld", host, port);
	return 0;
}

/* The channel's servers as "A:53,[B]:53" into d->resolver. */
static void
dns_name_servers(struct dns *d)
{
	struct ares_addr_port_node	*sv = NULL, *p;
	char				 ip[DNS_IP_HARD];
	size_t				 n = 0;

	d->resolver[0] = '\0';
	if (ares_get_servers_ports(d->ch, &sv) != ARES_SUCCESS)
		sv = NULL;
	for (p = sv; p != NULL; p = p->next) {
		if (inet_ntop(p->family, &p->addr, ip, sizeof(ip)) == NULL)
			continue;
		n += (size_t)snprintf(d->resolver + n, sizeof(d->resolver) - n,
		    p->family == AF_INET6 ? "%s[%s]:%d" : "%s%s:%d",
		    n ? "," : "", ip, p->udp_port ? p->udp_port : 53);
		if (n >= sizeof(d->resolver) - DNS_SERVER_HARD)
			break;
	}
	ares_free_data(sv);
	if (d->resolver[0] == '\0')
		snprintf(d->resolver, sizeof(d->resolver), "system");
}

/* --dns-server's address as the channel's only server. */
static int
dns_set_server(struct dns *d, const char *server, struct mt_err *err)
{
	struct ares_addr_port_node	 node;
	char				 norm[DNS_SERVER_HARD], host[DNS_SERVER_HARD];
	const char			*colon;
	size_t				 n;

	if (dns_server_parse(server, norm, err) != 0)
		return -1;
	memset(&node, 0, sizeof(node));
	colon = strrchr(norm, ':');
	if (norm[0] == '[') {
		n = (size_t)(colon - norm - 2);
		memcpy(host, norm + 1, n);
	} else {
		n = (size_t)(colon - norm);
		memcpy(host, norm, n);
	}
	host[n] = '\0';
	node.family = norm[0] == '[' ? AF_INET6 : AF_INET;
	if (inet_pton(node.family, host, &node.addr) != 1)
		return mt_err_set(err, MT_E_USAGE, "--dns-server: %s", server);
	node.udp_port = node.tcp_port = atoi(colon + 1);
	if (ares_set_servers_ports(d->ch, &node) != ARES_SUCCESS)
		return mt_err_set(err, MT_E_INTERNAL, "--dns-server %s: c-ares "
		    "refused it", server);
	return 0;
}

int
dns_open(struct dns **out, const struct dns_conf *c, struct tracer *tr,
    struct mt_err *err)
{
	struct ares_options	 o;
	struct dns		*d;
	int			 rc;

	*out = NULL;
	if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
		return mt_err_set(err, MT_E_INTERNAL, "c-ares: cannot start");
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		ares_library_cleanup();
		return mt_err_set(err, MT_E_INTERNAL, "dns: out of memory");
	}
	d->tr = tr;
	d->timeout_ms = c->timeout_ms > 0 ? c->timeout_ms : DNS_TIMEOUT_DEFAULT;
	d->deadline_us = c->deadline_us;
	memset(&o, 0, sizeof(o));
	/* Two tries within the timeout (c-ares doubles the second's wait);
	 * the loop ends the lookup at the timeout whatever c-ares does. */
	o.timeout = (d->timeout_ms + 2) / 3 + 1;
	o.tries = 2;
	o.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
	if ((rc = ares_init_options(&d->ch, &o, ARES_OPT_TIMEOUTMS |
	    ARES_OPT_TRIES | ARES_OPT_FLAGS)) != ARES_SUCCESS) {
		free(d);
		ares_library_cleanup();
		return mt_err_set(err, MT_E_INTERNAL, "c-ares: %s",
		    ares_strerror(rc));
	}
	if (c->server != NULL && dns_set_server(d, c->server, err) != 0) {
		dns_close(d);
		return -1;
	}
	dns_name_servers(d);
	*out = d;
	return 0;
}

void
dns_close(struct dns *d)
{
	if (d == NULL)
		return;
	ares_destroy(d->ch);
	free(d);
	ares_library_cleanup();
}

const char *
dns_resolver(const struct dns *d)
{
	return d->resolver;
}

static void
dns_cb(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct dns_q	*q = arg;

	(void)timeouts;
	q->done = true;
	q->status = status;
	if (status == ARES_SUCCESS && abuf != NULL && alen > 0 &&
	    (q->abuf = malloc((size_t)alen)) != NULL) {
		memcpy(q->abuf, abuf, (size_t)alen);
		q->alen = alen;
	}
}

/*
 * Ask c-ares for (name, type) and wait for the answer: its sockets in
 * poll(), each wait at most until ares_timeout() and the lookup's own end
 * (the timeout, the session limit), past which the query is cancelled
 * (q->status ARES_ETIMEOUT).
 */
static void
dns_run(struct dns *d, const char *name, int type, struct dns_q *q)
{
	ares_socket_t	 socks[ARES_GETSOCK_MAXNUM];
	struct pollfd	 pfd[ARES_GETSOCK_MAXNUM];
	struct timeval	 maxtv, tvbuf, *tv;
	int64_t		 end, now, left, wake;
	enum wait_result w;
	unsigned	 bits;
	bool		 rd, wr;
	int		 i, n;

	memset(q, 0, sizeof(*q));
	end = mt_mono_us() + (int64_t)d->timeout_ms * 1000;
	if (d->deadline_us > 0 && d->deadline_us < end)
		end = d->deadline_us;
	ares_query(d->ch, name, 1 /* C_IN */, type, dns_cb, q);
	while (!q->done) {
		now = mt_mono_us();
		if (now >= end) {
			ares_cancel(d->ch);	/* calls dns_cb: ECANCELLED */
			q->done = true;
			q->status = ARES_ETIMEOUT;
			break;
		}
		/* (not ARES_GETSOCK_WRITABLE(): its 1 << 31 overflows int) */
		bits = (unsigned)ares_getsock(d->ch, socks,
		    ARES_GETSOCK_MAXNUM);
		for (i = n = 0; i < ARES_GETSOCK_MAXNUM; i++) {
			rd = (bits & 1u << i) != 0;
			wr = (bits & 1u << (i + ARES_GETSOCK_MAXNUM)) != 0;
			if (!rd && !wr)
				continue;
			pfd[n].fd = socks[i];
			pfd[n].events = (short)((rd ? POLLIN : 0) |
			    (wr ? POLLOUT : 0));
			pfd[n++].revents = 0;
		}
		left = end - now;
		maxtv.tv_sec = (time_t)(left / 1000000);
		maxtv.tv_usec = (suseconds_t)(left % 1000000);
		tv = ares_timeout(d->ch, &maxtv, &tvbuf);
		wake = mt_mono_ns() + (int64_t)tv->tv_sec * 1000000000 +
		    (int64_t)tv->tv_usec * 1000;
		w = n > 0 ? wait_fds(pfd, (size_t)n, wake) : wait_until(wake);
		if (w == WAIT_STOPPED) {
			ares_cancel(d->ch);	/* calls dns_cb: ECANCELLED */
			q->done = true;
			q->status = ARES_ECANCELLED;
			d->stopped = true;
			return;
		}
		if (w == WAIT_ERROR)
			continue;	/* the loop checks the time */
		if (n == 0) {
			ares_process_fd(d->ch, ARES_SOCKET_BAD,
			    ARES_SOCKET_BAD);
			continue;
		}
		for (i = 0; i < n; i++)
			ares_process_fd(d->ch,
			    pfd[i].revents & (POLLIN | POLLERR | POLLHUP) ?
			    pfd[i].fd : ARES_SOCKET_BAD,
			    pfd[i].revents & POLLOUT ? pfd[i].fd :
			    ARES_SOCKET_BAD);
		/* timeouts of other queries (none) and retries */
		ares_process_fd(d->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	}
	if (q->status == ARES_ECANCELLED)
		q->status = ARES_ETIMEOUT;
}

/* The answer word for a c-ares status. */
static enum dnss
dns_answer(int status)
{
	switch (status) {
	case ARES_SUCCESS:
		return DNSS_NOERROR;
	case ARES_ENODATA:
		return DNSS_NODATA;
	case ARES_ENOTFOUND:
		return DNSS_NXDOMAIN;
	case ARES_ESERVFAIL:
		return DNSS_SERVFAIL;
	case ARES_EREFUSED:
		return DNSS_REFUSED;
	case ARES_ETIMEOUT:
		return DNSS_TIMEOUT;
	case ARES_ECONNREFUSED:
		return DNSS_UNREACHABLE;
	case ARES_EBADRESP:
	case ARES_EFORMERR:
	case ARES_EBADNAME:
		return DNSS_BAD_ANSWER;
	default:
		return DNSS_FAILED;
	}
}

static void
look_begin(struct dns *d, struct dns_look *l, enum dnsq q, const char *name)
{
	trace_rec_clear(&l->r);
	l->r.dns = q;
	l->r.time = mt_wall_now();
	trace_str(l->r.intf, sizeof(l->r.intf), name);
	trace_str(l->r.opt, sizeof(l->r.opt), d->resolver);
	l->t0 = mt_mono_us();
	l->dlen = 0;
}

/* Append one answer record's text ("10 mx1.test.") to the detail. */
static void
look_add(struct dns_look *l, const char *s)
{
	size_t	n = strlen(s), room = sizeof(l->r.detail) - 1 - l->dlen;

	if (l->dlen > 0 && room > 2) {
		memcpy(l->r.detail + l->dlen, ", ", 2);
		l->dlen += 2;
		room -= 2;
	}
	if (n > room)
		n = room;
	memcpy(l->r.detail + l->dlen, s, n);
	l->dlen += n;
	l->r.detail[l->dlen] = '\0';
}

/*
 * The record with answer a: rc the failure class when failed (TIMEOUT for
 * a timeout, NOHOST otherwise), 0 when not.  A failure's err says it.
 */
static int
look_end(struct dns *d, struct dns_look *l, enum dnss a, bool failed,
    const char *why, struct mt_err *err)
{
	l->r.has_elapsed = true;
	l->r.elapsed_us = mt_mono_us() - l->t0;
	trace_str(l->r.opr, sizeof(l->r.opr), dnss_name(a));
	l->r.rc = 0;
	if (d->stopped) {
		/* (the answer word: FAILED; the detail says why) */
		failed = true;
		a = DNSS_FAILED;
		why = "interrupted by a signal (SIGINT or SIGTERM)";
		if (l->dlen == 0)
			look_add(l, why);
		trace_str(l->r.opr, sizeof(l->r.opr), dnss_name(a));
	}
	if (failed)
		l->r.rc = d->stopped ? MT_E_INTR : a == DNSS_TIMEOUT ?
		    MT_E_TIMEOUT : MT_E_NOHOST;
	trace_dns(d->tr, &l->r);
	if (!failed)
		return 0;
	mt_err_set(err, (enum mt_ecode)l->r.rc, "%s %s: %s (%s, resolver %s)",
	    dnsq_name(l->r.dns), l->r.intf, why != NULL ? why : dnss_desc(a),
	    dnss_name(a), d->resolver);
	return -1;
}

/* c-ares' names have no final dot; a root target is "" (or "."). */
static bool
is_root(const char *name)
{
	return name[0] == '\0' || strcmp(name, ".") == 0;
}

int
dns_mx(struct dns *d, const char *domain, dns_rand_fn rnd, void *rnd_arg,
    struct dns_host *out, size_t *n, struct mt_err *err)
{
	struct ares_mx_reply	*mx = NULL, *p;
	struct dns_look		 l;
	struct dns_q		 q;
	char			 txt[DNS_NAME_HARD + 16];
	enum dnss		 a;
	bool			 null_mx = false;
	int			 st;

	*n = 0;
	look_begin(d, &l, DNSQ_MX, domain);
	dns_run(d, domain, 15, &q);
	st = q.status;
	if (st == ARES_SUCCESS)
		st = ares_parse_mx_reply(q.abuf, q.alen, &mx);
	free(q.abuf);
	a = dns_answer(st);
	for (p = mx; p != NULL; p = p->next) {
		snprintf(txt, sizeof(txt), "%u %s.", p->priority,
		    is_root(p->host) ? "" : p->host);
		look_add(&l, txt);
		if (is_root(p->host)) {
			null_mx = true;		/* RFC 7505 3: none other */
			continue;
		}
		if (*n < DNS_HOSTS_HARD && strlen(p->host) < DNS_NAME_HARD) {
			snprintf(out[*n].name, sizeof(out[*n].name), "%s",
			    p->host);
			out[*n].pref = p->priority;
			out[*n].weight = 0;
			out[*n].port = 0;
			(*n)++;
		}
	}
	ares_free_data(mx);
	if (a == DNSS_NOERROR && null_mx && *n == 0)
		return look_end(d, &l, DNSS_NULL_MX, true,
		    "this domain accepts no mail (null MX, RFC 7505)", err);
	if (a == DNSS_NOERROR && *n == 0)
		a = DNSS_NODATA;
	if (a == DNSS_NODATA) {
		/* RFC 5321 5.1: the implicit MX, the domain itself */
		look_end(d, &l, a, false, NULL, err);
		snprintf(out[0].name, sizeof(out[0].name), "%s", domain);
		out[0].pref = 0;
		out[0].weight = 0;
		out[0].port = 0;
		*n = 1;
		return 0;
	}
	if (a != DNSS_NOERROR)
		return look_end(d, &l, a, true, NULL, err);
	dns_order_mx(out, *n, rnd, rnd_arg);
	return look_end(d, &l, a, false, NULL, err);
}

int
dns_srv(struct dns *d, const char *name, bool last, dns_rand_fn rnd,
    void *rnd_arg, struct dns_host *out, size_t *n, struct mt_err *err)
{
	struct ares_srv_reply	*srv = NULL, *p;
	struct dns_look		 l;
	struct dns_q		 q;
	char			 txt[DNS_NAME_HARD + 32];
	enum dnss		 a;
	bool			 dot = false;
	int			 st;

	*n = 0;
	look_begin(d, &l, DNSQ_SRV, name);
	dns_run(d, name, 33, &q);
	st = q.status;
	if (st == ARES_SUCCESS)
		st = ares_parse_srv_reply(q.abuf, q.alen, &srv);
	free(q.abuf);
	a = dns_answer(st);
	for (p = srv; p != NULL; p = p->next) {
		snprintf(txt, sizeof(txt), "%u %u %u %s.", p->priority,
		    p->weight, p->port, is_root(p->host) ? "" : p->host);
		look_add(&l, txt);
		if (is_root(p->host)) {
			dot = true;
			continue;
		}
		if (*n < DNS_HOSTS_HARD && strlen(p->host) < DNS_NAME_HARD) {
			snprintf(out[*n].name, sizeof(out[*n].name), "%s",
			    p->host);
			out[*n].pref = p->priority;
			out[*n].weight = p->weight;
			out[*n].port = p->port;
			(*n)++;
		}
	}
	ares_free_data(srv);
	if (a == DNSS_NOERROR && *n == 0)
		a = dot ? DNSS_NOT_OFFERED : DNSS_NODATA;
	if (a == DNSS_NOERROR) {
		dns_order_srv(out, *n, rnd, rnd_arg);
		return look_end(d, &l, a, false, NULL, err);
	}
	/* an empty answer leaves the next name to try; the last fails */
	if (!last && (a == DNSS_NODATA || a == DNSS_NXDOMAIN ||
	    a == DNSS_NOT_OFFERED))
		return look_end(d, &l, a, false, NULL, err);
	return look_end(d, &l, a, true, NULL, err);
}

/* One address lookup (A or AAAA) of host into a. */
static enum dnss
dns_addr1(struct dns *d, const char *host, bool v6, struct dns_addrs *a,
    struct dns_look *l)
{
	struct ares_addrttl	 t4[DNS_ADDRS_HARD];
	struct ares_addr6ttl	 t6[DNS_ADDRS_HARD];
	struct dns_q		 q;
	char			 ip[DNS_IP_HARD];
	int			 st, k, i;

	look_begin(d, l, v6 ? DNSQ_AAAA : DNSQ_A, host);
	dns_run(d, host, v6 ? 28 : 1, &q);
	st = q.status;
	k = DNS_ADDRS_HARD;
	if (st == ARES_SUCCESS)
		st = v6 ? ares_parse_aaaa_reply(q.abuf, q.alen, NULL, t6, &k) :
		    ares_parse_a_reply(q.abuf, q.alen, NULL, t4, &k);
	free(q.abuf);
	if (st != ARES_SUCCESS)
		return dns_answer(st);
	for (i = 0; i < k; i++) {
		if ((v6 ? inet_ntop(AF_INET6, &t6[i].ip6addr, ip, sizeof(ip)) :
		    inet_ntop(AF_INET, &t4[i].ipaddr, ip, sizeof(ip))) == NULL)
			continue;
		look_add(l, ip);
		if (a->n < sizeof(a->ip) / sizeof(a->ip[0]))
			snprintf(a->ip[a->n++], DNS_IP_HARD, "%s", ip);
	}
	return k > 0 ? DNSS_NOERROR : DNSS_NODATA;
}

int
dns_addrs(struct dns *d, const char *host, struct dns_addrs *a,
    struct mt_err *err)
{
	struct dns_look	 l;
	enum dnss	 s;
	size_t		 n4;

	a->n = 0;
	s = dns_addr1(d, host, false, a, &l);
	if (s == DNSS_NXDOMAIN)		/* no AAAA either: no such name */
		return look_end(d, &l, s, true, NULL, err);
	look_end(d, &l, s, s != DNSS_NOERROR && s != DNSS_NODATA, NULL, err);
	n4 = a->n;
	s = dns_addr1(d, host, true, a, &l);
	if (a->n == 0)
		return look_end(d, &l, s, true, s == DNSS_NODATA ||
		    s == DNSS_NOERROR ? "the host has no address (A or AAAA)" :
		    NULL, err);
	look_end(d, &l, s, a->n == n4 && s != DNSS_NODATA &&
	    s != DNSS_NOERROR, NULL, err);
	return 0;
}
