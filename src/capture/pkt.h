/*
 * pkt.h - one TCP segment as the capture layer hands it on: addresses,
 * ports, sequence numbers, flags and the captured payload, with the packet
 * time.  Everything was read through the bounded cursor (cur.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_CAPTURE_PKT_H
#define MT_CAPTURE_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mt.h"

#define PKT_FIN		0x01u
#define PKT_SYN		0x02u
#define PKT_RST		0x04u
#define PKT_PSH		0x08u
#define PKT_ACK		0x10u

struct pkt_tcp {
	mt_time		 ts;		/* packet time, us */
	uint8_t		 af;		/* 4 or 6 */
	uint8_t		 src[16];	/* IPv4 in the first 4 bytes */
	uint8_t		 dst[16];
	uint16_t	 sport;
	uint16_t	 dport;
	uint32_t	 seq;
	uint32_t	 ack;
	uint8_t		 flags;		/* PKT_* */
	const uint8_t	*payload;	/* valid until the next packet */
	size_t		 len;		/* payload bytes captured */
	size_t		 wire_len;	/* payload bytes on the wire (IP length);
					   > len when the snap length cut it */
	uint64_t	 ord;		/* the packet's place in the input, from
					   1 (the decoder's threads set it; 0:
					   not counted) */
};

enum cap_verdict {
	CAP_OK,			/* a TCP segment in *out */
	CAP_SKIP,		/* not IPv4/IPv6 TCP (ARP, UDP, ...), or a
				   non-first IP fragment: nothing to do */
	CAP_TRUNCATED,		/* captured too short for its headers */
	CAP_INVALID		/* captured, but malformed */
};

/*
 * Parse one packet of link type dlt (a DLT_* value as pcap_datalink()
 * gives it) with caplen bytes captured of len.  On CAP_OK, out->payload
 * points into pkt.  Pure function: no allocation, no global state.
 */
enum cap_verdict cap_parse(int dlt, const uint8_t *pkt, size_t caplen,
		    size_t len, mt_time ts, struct pkt_tcp *out);
/* True when dlt is a link type cap_parse() reads. */
bool		 cap_dlt_supported(int dlt);
/* "127.0.0.1:110" or "[::1]:25" for an address and port. */
void		 cap_addr_str(uint8_t af, const uint8_t *addr, uint16_t port,
		    char *buf, size_t sz);

#endif
