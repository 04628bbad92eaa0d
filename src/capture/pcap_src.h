/*
 * pcap_src.h - the libpcap edge: open a capture file or an interface, set
 * a BPF filter, and read packets into TCP segments (pkt.h).  Nothing else
 * in mailtrace includes a libpcap header.
 *
 * Functions returning int return 0 on success, or on failure what
 * mt_err_set() returns (-MT_E_...) with err (which may be NULL) filled.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_CAPTURE_PCAP_SRC_H
#define MT_CAPTURE_PCAP_SRC_H

#include <stdint.h>

#include "mt.h"
#include "pkt.h"

struct cap_src;				/* opaque; one per capture */

/*
 * Open a pcap or pcapng file ("-": standard input) with microsecond time
 * stamps.  A file that cannot be opened (path and strerror) or is not a
 * capture (libpcap's message): MT_E_USAGE.  A link type cap_parse() does
 * not read: MT_E_CAPTURE naming it.  On success *out belongs to the caller
 * (cap_close()).
 */
int		 cap_open_file(const char *path, struct cap_src **out,
		    struct mt_err *err);
/*
 * Live capture on iface: snap length 262144, not promiscuous, immediate
 * mode, read timeout 200 ms; reads do not block (cap_loop() waits at most
 * 200 ms at a time itself, as the read timeout alone need not end a read
 * on every platform).  No such device, or no permission ("needs the
 * capture privilege (root or CAP_NET_RAW)"), or any other failure to
 * activate: MT_E_USAGE.  An unsupported link type: MT_E_CAPTURE.
 */
int		 cap_open_live(const char *iface, struct cap_src **out,
		    struct mt_err *err);
/*
 * Compile (optimised, netmask unknown) and install a BPF filter; a bad
 * expression is MT_E_USAGE with libpcap's message.  bpf is not kept.
 */
int		 cap_set_filter(struct cap_src *, const char *bpf,
		    struct mt_err *err);
/* The capture's DLT_* link type. */
int		 cap_datalink(const struct cap_src *);

/* Counters cap_loop() adds to (it never resets them). */
struct cap_stats {
	uint64_t	packets;	/* packets read (each has a number) */
	uint64_t	tcp;		/* CAP_OK: handed to fn */
	uint64_t	skipped;	/* CAP_SKIP: not TCP, later fragments */
	uint64_t	truncated;	/* CAP_TRUNCATED */
	uint64_t	invalid;	/* CAP_INVALID */
	uint64_t	snapped;	/* captured shorter than on the wire */
};

/*
 * Read packets until the end of the file, until max_packets have been
 * read (0: no limit), until until_us (0: no limit), or until cap_break().
 * until_us is a packet time for a file (the first packet later than it
 * ends the loop unread) and a wall-clock deadline (mt_wall_now()) for a
 * live capture, checked as packets arrive: reads block, so an idle live
 * capture ends only by cap_break() (from a signal handler or an alarm).
 *
 * fn gets every CAP_OK segment; the segment and its payload are valid only
 * during the call.  bad (may be NULL) gets every CAP_TRUNCATED and
 * CAP_INVALID packet with its number (1-based, counting every packet read)
 * and time, so the caller can record an anomaly; skipped packets are only
 * counted.  stats (may be NULL) is added to.
 *
 * Returns 0 at a clean end (also after cap_break()), or -MT_E_CAPTURE
 * with a message naming the packet number when the file is damaged or cut
 * short (or a live read fails); packets before that were delivered.
 */
int		 cap_loop(struct cap_src *, uint64_t max_packets,
		    mt_time until_us,
		    void (*fn)(void *arg, const struct pkt_tcp *),
		    void (*bad)(void *arg, enum cap_verdict, uint64_t pktno,
		    mt_time),
		    void *arg, struct cap_stats *stats, struct mt_err *err);
/*
 * Make cap_loop() return after the packet in hand (or within one read
 * timeout on a live capture).  Async-signal-safe; callable from fn.
 */
void		 cap_break(struct cap_src *);
/* Live: packets the kernel dropped so far (0 for files). */
uint64_t	 cap_drops(const struct cap_src *);
/* Close the capture and free it.  NULL-safe. */
void		 cap_close(struct cap_src *);

/*
 * The TLS key logs in a pcapng file's Decryption Secrets Blocks (type
 * "TLSK"), which libpcap skips: fn gets each one's text (not
 * NUL-terminated) and its number among the file's DSBs, 1-based; a
 * non-zero return stops the walk and is returned.  Walks block headers
 * only, in either byte order, every length checked against the file; at
 * the first block that is not sound (or a file that is not pcapng, or
 * "-") it stops and returns 0: libpcap says what is wrong with the file.
 * A file that cannot be opened: MT_E_USAGE.
 */
int		 cap_pcapng_secrets(const char *path, int (*fn)(void *arg,
		    const char *text, size_t len, unsigned n), void *arg,
		    struct mt_err *err);

#endif
