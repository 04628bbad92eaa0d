/*
 * SPDX-License-Identifier: BSD-2-Clause
 * pkt.c - one captured packet to one TCP segment: link header, IPv4 or
 * IPv6 (with extension headers), TCP; every byte read through the bounded
 * cursor (cur.h), nothing read past caplen, nothing allocated.
 *
 * RFC 791 3.1 (IPv4 header, fragments), RFC 8200 4 (IPv6 extension
 * headers: 4.3 hop-by-hop, 4.4 routing, 4.5 fragment, 4.6 destination
 * options), RFC 4302 2.2 (AH payload length in 32-bit words minus 2),
 * RFC 9293 3.1 (TCP header), IEEE 802.1Q / 802.1ad (VLAN tags),
 * tcpdump.org link-layer header types (LINKTYPE_NULL, _LOOP, _RAW,
 * _LINUX_SLL, _LINUX_SLL2, _IPV4, _IPV6).
 *
 * Verdicts: a header the capture ends inside is CAP_TRUNCATED; a header
 * whose values are impossible (or that the IP length says ends before it
 * does) is CAP_INVALID; anything that is not the first piece of an IPv4 or
 * IPv6 TCP segment is CAP_SKIP.
 */
#include "pkt.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include <pcap/dlt.h>

#include "cur.h"

/* Link types dlt.h may lack or spell per platform. */
#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2	276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4	228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6	229
#endif
#define LINKTYPE_RAW	101	/* the file value; DLT_RAW is 12 or 14 */

#define ETH_IPV4	0x0800
#define ETH_IPV6	0x86dd
#define ETH_8021Q	0x8100
#define ETH_8021AD	0x88a8
#define ETH_QINQ_OLD	0x9100	/* pre-802.1ad QinQ, still seen */

#define VLAN_MAX	8	/* stacked tags followed before CAP_SKIP */
#define IP6_EXT_MAX	8	/* extension headers followed before CAP_SKIP */

#define IPPROTO_TCP_	6
#define IP6_HOPOPTS	0
#define IP6_ROUTING	43
#define IP6_FRAGMENT	44
#define IP6_AH		51
#define IP6_DSTOPTS	60

/* The address families BSD loopback headers carry. */
#define BSD_AF_INET		2
#define BSD_AF_INET6_BSD	24	/* NetBSD, OpenBSD */
#define BSD_AF_INET6_FREEBSD	28
#define BSD_AF_INET6_DARWIN	30

/* What the link layer said the network layer is. */
enum net_kind {
	NET_V4,
	NET_V6,
	NET_ANY		/* raw IP: the version nibble decides */
};

static enum cap_verdict	link_parse(int, struct cur *, enum net_kind *);
static enum cap_verdict	ether_type(struct cur *, uint16_t, enum net_kind *);
static enum cap_verdict	bsd_family(uint32_t, enum net_kind *);
static enum cap_verdict	ip4_parse(struct cur *, size_t, struct pkt_tcp *);
static enum cap_verdict	ip6_parse(struct cur *, size_t, struct pkt_tcp *);
static enum cap_verdict	tcp_parse(struct cur *, size_t, bool,
			    struct pkt_tcp *);
static enum cap_verdict	short_verdict(bool);

bool
cap_dlt_supported(int dlt)
{
	return dlt == DLT_EN10MB || dlt == DLT_LINUX_SLL ||
	    dlt == DLT_LINUX_SLL2 || dlt == DLT_NULL || dlt == DLT_LOOP ||
	    dlt == DLT_RAW || dlt == 12 || dlt == 14 || dlt == LINKTYPE_RAW ||
	    dlt == DLT_IPV4 || dlt == DLT_IPV6;
}

enum cap_verdict
cap_parse(int dlt, const uint8_t *pkt, size_t caplen, size_t len, mt_time ts,
    struct pkt_tcp *out)
{
	struct cur		 c, peek;
	enum net_kind		 kind;
	enum cap_verdict	 v;
	size_t			 linkhdr, wire_left;
	uint8_t			 version;

	memset(out, 0, sizeof(*out));
	out->ts = ts;
	cur_init(&c, pkt, caplen);

	v = link_parse(dlt, &c, &kind);
	if (v != CAP_OK)
		return v;

	/* What the wire had after the link header (TSO fallback only). */
	linkhdr = caplen - cur_left(&c);
	wire_left = len > linkhdr ? len - linkhdr : 0;

	peek = c;				/* the version, not consumed */
	version = cur_u8(&peek) >> 4;
	if (peek.short_read)
		return CAP_TRUNCATED;
	if (kind == NET_ANY) {
		/* Raw IP: only the version nibble tells v4 from v6. */
		if (version == 4)
			kind = NET_V4;
		else if (version == 6)
			kind = NET_V6;
		else
			return CAP_INVALID;
	}
	if (kind == NET_V4)
		return ip4_parse(&c, wire_left, out);
	return ip6_parse(&c, wire_left, out);
}

void
cap_addr_str(uint8_t af, const uint8_t *addr, uint16_t port, char *buf,
    size_t sz)
{
	char	a[INET6_ADDRSTRLEN];

	if (sz == 0)
		return;
	if (af == 4 && inet_ntop(AF_INET, addr, a, sizeof(a)) != NULL)
		(void)snprintf(buf, sz, "%s:%u", a, (unsigned)port);
	else if (af == 6 && inet_ntop(AF_INET6, addr, a, sizeof(a)) != NULL)
		(void)snprintf(buf, sz, "[%s]:%u", a, (unsigned)port);
	else
		(void)snprintf(buf, sz, "?:%u", (unsigned)port);
}

/*
 * Read the link header and say which network layer follows; c is left at
 * its first byte.
 */
static enum cap_verdict
link_parse(int dlt, struct cur *c, enum net_kind *kind)
{
	uint32_t	 fam;
	uint16_t	 proto;
	uint8_t		 b[4];

	*kind = NET_ANY;
	if (dlt == DLT_EN10MB) {
		cur_bytes(c, NULL, 12);		/* destination, source MAC */
		proto = cur_be16(c);
		if (c->short_read)
			return CAP_TRUNCATED;
		return ether_type(c, proto, kind);
	}
	if (dlt == DLT_LINUX_SLL) {
		/* type 2, ARPHRD 2, address length 2, address 8, protocol 2 */
		cur_bytes(c, NULL, 14);
		proto = cur_be16(c);
		if (c->short_read)
			return CAP_TRUNCATED;
		return ether_type(c, proto, kind);
	}
	if (dlt == DLT_LINUX_SLL2) {
		/* protocol 2, reserved 2, ifindex 4, ARPHRD 2, type 1,
		 * address length 1, address 8 */
		proto = cur_be16(c);
		cur_bytes(c, NULL, 18);
		if (c->short_read)
			return CAP_TRUNCATED;
		return ether_type(c, proto, kind);
	}
	if (dlt == DLT_NULL) {
		/*
		 * The family in the capturing host's byte order, which need
		 * not be ours: accept either.  The families are small, so
		 * the two readings cannot both look valid.
		 */
		cur_bytes(c, b, 4);
		if (c->short_read)
			return CAP_TRUNCATED;
		fam = (uint32_t)b[0] | (uint32_t)b[1] << 8 |
		    (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
		if (bsd_family(fam, kind) == CAP_OK)
			return CAP_OK;
		fam = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		    (uint32_t)b[2] << 8 | (uint32_t)b[3];
		return bsd_family(fam, kind);
	}
	if (dlt == DLT_LOOP) {			/* before 12: OpenBSD's LOOP */
		fam = cur_be32(c);		/* network byte order */
		if (c->short_read)
			return CAP_TRUNCATED;
		return bsd_family(fam, kind);
	}
	if (dlt == DLT_RAW || dlt == 12 || dlt == 14 || dlt == LINKTYPE_RAW)
		return CAP_OK;			/* *kind = NET_ANY */
	if (dlt == DLT_IPV4) {
		*kind = NET_V4;
		return CAP_OK;
	}
	if (dlt == DLT_IPV6) {
		*kind = NET_V6;
		return CAP_OK;
	}
	return CAP_SKIP;
}

/* An EtherType (Ethernet, SLL, SLL2), following VLAN tags. */
static enum cap_verdict
ether_type(struct cur *c, uint16_t proto, enum net_kind *kind)
{
	int	tags;

	for (tags = 0; proto == ETH_8021Q || proto == ETH_8021AD ||
	    proto == ETH_QINQ_OLD; tags++) {
		if (tags == VLAN_MAX)
			return CAP_SKIP;
		(void)cur_be16(c);		/* PCP, DEI, VLAN id */
		proto = cur_be16(c);
		if (c->short_read)
			return CAP_TRUNCATED;
	}
	if (proto == ETH_IPV4)
		*kind = NET_V4;
	else if (proto == ETH_IPV6)
		*kind = NET_V6;
	else
		return CAP_SKIP;		/* ARP, 802.3 length, ... */
	return CAP_OK;
}

static enum cap_verdict
bsd_family(uint32_t fam, enum net_kind *kind)
{
	if (fam == BSD_AF_INET)
		*kind = NET_V4;
	else if (fam == BSD_AF_INET6_BSD || fam == BSD_AF_INET6_FREEBSD ||
	    fam == BSD_AF_INET6_DARWIN)
		*kind = NET_V6;
	else
		return CAP_SKIP;
	return CAP_OK;
}

/*
 * A header read past the end of a cursor bounded by min(captured, IP
 * length): when the IP length went further than the capture, the capture
 * cut it (truncated); otherwise the IP length itself is too short (invalid).
 */
static enum cap_verdict
short_verdict(bool cut)
{
	return cut ? CAP_TRUNCATED : CAP_INVALID;
}

/* RFC 791 3.1.  wire_left: bytes the wire had from here (for TSO). */
static enum cap_verdict
ip4_parse(struct cur *c, size_t wire_left, struct pkt_tcp *out)
{
	struct cur	 seg;
	const uint8_t	*start = c->p;
	size_t		 hlen, total, captured;
	uint16_t	 frag;
	uint8_t		 vihl, proto;

	vihl = cur_u8(c);
	(void)cur_u8(c);			/* DSCP, ECN */
	total = cur_be16(c);
	(void)cur_be16(c);			/* identification */
	frag = cur_be16(c);
	(void)cur_u8(c);			/* TTL */
	proto = cur_u8(c);
	(void)cur_be16(c);			/* checksum */
	cur_bytes(c, out->src, 4);
	cur_bytes(c, out->dst, 4);
	if (c->short_read)
		return CAP_TRUNCATED;
	if (vihl >> 4 != 4)
		return CAP_INVALID;
	hlen = (size_t)(vihl & 0x0f) * 4;
	if (hlen < 20)
		return CAP_INVALID;
	/*
	 * Total length 0 is what captures of TCP segmentation offload show
	 * on the sending host: take the length from the wire instead.
	 */
	if (total == 0)
		total = wire_left;
	if (total < hlen)
		return CAP_INVALID;
	cur_bytes(c, NULL, hlen - 20);		/* options */
	if (c->short_read)
		return CAP_TRUNCATED;
	/* RFC 791: offset in 8-byte units; only the first piece has TCP. */
	if ((frag & 0x1fff) != 0)
		return CAP_SKIP;
	if (proto != IPPROTO_TCP_)
		return CAP_SKIP;
	out->af = 4;

	/* The segment: what the IP length declares, as far as captured. */
	captured = (size_t)(c->end - start);
	cur_init(&seg, c->p, (total < captured ? total : captured) - hlen);
	return tcp_parse(&seg, total - hlen, total > captured, out);
}

/* RFC 8200 3 and 4. */
static enum cap_verdict
ip6_parse(struct cur *c, size_t wire_left, struct pkt_tcp *out)
{
	struct cur	 seg;
	size_t		 plen, captured, n;
	uint32_t	 vtf;
	int		 i;
	uint8_t		 nh, hl;
	bool		 cut;

	vtf = cur_be32(c);
	plen = cur_be16(c);
	nh = cur_u8(c);
	(void)cur_u8(c);			/* hop limit */
	cur_bytes(c, out->src, 16);
	cur_bytes(c, out->dst, 16);
	if (c->short_read)
		return CAP_TRUNCATED;
	if (vtf >> 28 != 6)
		return CAP_INVALID;
	/* 0: a jumbogram (RFC 2675) or segmentation offload: the wire says. */
	if (plen == 0)
		plen = wire_left > 40 ? wire_left - 40 : 0;
	captured = cur_left(c);
	cut = plen > captured;
	cur_init(&seg, c->p, cut ? captured : plen);

	for (i = 0; nh != IPPROTO_TCP_; i++) {
		if (i == IP6_EXT_MAX)
			return CAP_SKIP;
		switch (nh) {
		case IP6_HOPOPTS:
		case IP6_ROUTING:
		case IP6_DSTOPTS:
			/* 4.3-4.6: length in 8-byte units, not counting the
			 * first 8 */
			nh = cur_u8(&seg);
			hl = cur_u8(&seg);
			cur_bytes(&seg, NULL, ((size_t)hl + 1) * 8 - 2);
			break;
		case IP6_FRAGMENT:
			/* 4.5: next, reserved, offset (13 bits) + flags, id */
			nh = cur_u8(&seg);
			(void)cur_u8(&seg);
			n = cur_be16(&seg) >> 3;
			(void)cur_be32(&seg);
			if (seg.short_read)
				return short_verdict(cut);
			if (n != 0)
				return CAP_SKIP;
			break;
		case IP6_AH:
			/* RFC 4302 2.2: length in 4-byte units, minus 2 */
			nh = cur_u8(&seg);
			hl = cur_u8(&seg);
			cur_bytes(&seg, NULL, ((size_t)hl + 2) * 4 - 2);
			break;
		default:
			return CAP_SKIP;	/* UDP, ICMPv6, ESP, none... */
		}
		if (seg.short_read)
			return short_verdict(cut);
	}
	out->af = 6;
	n = (size_t)(seg.p - c->p);		/* extension header bytes */
	return tcp_parse(&seg, plen - n, cut, out);
}

/*
 * RFC 9293 3.1.  seg is bounded by min(captured, declared); declared is
 * the segment length the IP header gives; cut says the capture ended
 * before it.
 */
static enum cap_verdict
tcp_parse(struct cur *seg, size_t declared, bool cut, struct pkt_tcp *out)
{
	size_t	hlen;
	uint8_t	doff, flags;

	out->sport = cur_be16(seg);
	out->dport = cur_be16(seg);
	out->seq = cur_be32(seg);
	out->ack = cur_be32(seg);
	doff = cur_u8(seg) >> 4;
	flags = cur_u8(seg);
	(void)cur_be16(seg);			/* window */
	(void)cur_be16(seg);			/* checksum */
	(void)cur_be16(seg);			/* urgent pointer */
	if (seg->short_read)
		return short_verdict(cut);
	hlen = (size_t)doff * 4;
	if (doff < 5 || hlen > declared)
		return CAP_INVALID;
	cur_bytes(seg, NULL, hlen - 20);	/* options */
	if (seg->short_read)
		return CAP_TRUNCATED;		/* declared covers them: cut */
	/* PKT_* are the TCP flag bits FIN..ACK. */
	out->flags = flags & (PKT_FIN | PKT_SYN | PKT_RST | PKT_PSH | PKT_ACK);
	out->payload = seg->p;
	out->len = cur_left(seg);
	out->wire_len = declared - hlen;
	return CAP_OK;
}
