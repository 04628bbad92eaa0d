/*
 * SPDX-License-Identifier: BSD-2-Clause
 * pcap_src.c - the libpcap edge: capture files and live interfaces in,
 * TCP segments (cap_parse()) out; errors mapped to MT_E_* classes.
 *
 * libpcap conventions (pcap.3pcap, pcap_next_ex.3pcap, pcap_activate.3pcap):
 * a caller-owned errbuf[PCAP_ERRBUF_SIZE] until a handle exists,
 * pcap_geterr() after; caplen bounds every read, len only says the packet
 * was snapped.
 */
#include "pcap_src.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "mt.h"
#include "pkt.h"

#define CAP_SNAPLEN	262144	/* libpcap's own default maximum */
#define CAP_TIMEOUT_MS	200	/* live read timeout */
/*
 * The kernel ring: with a large snap length each slot is large, so
 * libpcap's 2 MB default holds only a few frames and any pause of the
 * reader drops packets.
 */
#define CAP_BUFFER	(32 * 1024 * 1024)
/*
 * A capture file is read through a stdio buffer this large: with the
 * default (one block, 4 KiB) the system calls cost more than the reading
 * itself (tools/bench: a plain libpcap loop over 300 MB takes 0.17 s with
 * 4 KiB reads and 0.06 s with these).
 */
#define CAP_FILE_BUF	(256 * 1024)

struct cap_src {
	pcap_t			*pc;
	int			 dlt;
	bool			 live;
	volatile sig_atomic_t	 brk;		/* cap_break() was called */
	uint64_t		 pktno;		/* packets read so far */
	/* A packet read past until_us, kept for the next cap_loop(): its
	 * buffer stays valid until the next pcap_next_ex(). */
	bool			 held;
	struct pcap_pkthdr	 held_h;
	const u_char		*held_data;
	/* The read ahead at open failed: cap_loop() reports it. */
	bool			 ahead_failed;
	char			 ahead_err[PCAP_ERRBUF_SIZE];
	char			*iobuf;		/* the FILE's buffer; freed after it */
};

static int	src_new(pcap_t *, bool, const char *, struct cap_src **,
		    struct mt_err *);
static char	stdin_buf[CAP_FILE_BUF];
static mt_time	ts_us(const struct pcap_pkthdr *);
static int	read_ahead(struct cap_src *, const char *, struct mt_err *);
static int	read_failed(struct cap_src *, const char *, const char *,
		    struct mt_err *);
static bool	mixed_interfaces(const char *, unsigned *, bool *);
static void	lt_name(unsigned, char *, size_t);
static void	src_packet(struct cap_src *, const struct pcap_pkthdr *,
		    const u_char *, void (*)(void *, const struct pkt_tcp *),
		    void (*)(void *, enum cap_verdict, uint64_t, mt_time),
		    void *, struct cap_stats *);

int
cap_open_file(const char *path, struct cap_src **out, struct mt_err *err)
{
	char		 errbuf[PCAP_ERRBUF_SIZE];
	const char	*name;
	char		*iobuf = NULL;
	FILE		*fp;
	pcap_t		*pc;
	int		 rc;

	*out = NULL;
	/*
	 * Open the file ourselves so an unreadable path is told by its own
	 * errno, apart from "not a capture" which only libpcap can tell.
	 */
	if (strcmp(path, "-") == 0) {
		fp = stdin;
		name = "standard input";
	} else if ((fp = fopen(path, "rb")) == NULL)
		return mt_err_set(err, MT_E_USAGE, "%s: %s", path,
		    strerror(errno));
	else
		name = path;
	/* Before the first read; without the memory, stdio's default. */
	if (fp == stdin)
		(void)setvbuf(fp, stdin_buf, _IOFBF, sizeof(stdin_buf));
	else if ((iobuf = malloc(CAP_FILE_BUF)) != NULL &&
	    setvbuf(fp, iobuf, _IOFBF, CAP_FILE_BUF) != 0) {
		free(iobuf);
		iobuf = NULL;
	}
	errbuf[0] = '\0';
#ifdef PCAP_TSTAMP_PRECISION_MICRO
	pc = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_MICRO, errbuf);
#else
	pc = pcap_fopen_offline(fp, errbuf);	/* always microseconds */
#endif
	if (pc == NULL) {
		/* On failure the FILE is still ours. */
		if (fp != stdin)
			(void)fclose(fp);
		free(iobuf);
		return mt_err_set(err, MT_E_USAGE, "%s: not a capture file: %s",
		    name, errbuf);
	}
	/* From here pcap_close() closes fp (but never stdin). */
	if ((rc = src_new(pc, false, name, out, err)) != 0) {
		free(iobuf);
		return rc;
	}
	(*out)->iobuf = iobuf;
	if ((rc = read_ahead(*out, name, err)) != 0) {
		cap_close(*out);
		*out = NULL;
	}
	return rc;
}

/*
 * Read the first packet now and keep it for cap_loop(): libpcap reads a
 * pcapng's interface descriptions after the first one only as it reads
 * on, so a file it cannot read whole is told at open, before any run
 * begins, like a file that is not a capture.  Any other failure is kept
 * for cap_loop() to report in its place.
 */
static int
read_ahead(struct cap_src *src, const char *name, struct mt_err *err)
{
	struct pcap_pkthdr	*h;
	const u_char		*data;
	const char		*msg;
	int			 rc;

	rc = pcap_next_ex(src->pc, &h, &data);
	if (rc == 1) {
		src->held = true;
		src->held_h = *h;
		src->held_data = data;
	} else if (rc != PCAP_ERROR_BREAK && rc != 0) {
		msg = pcap_geterr(src->pc);
		if (mixed_interfaces(msg, NULL, NULL))
			return read_failed(src, name, msg, err);
		src->ahead_failed = true;
		snprintf(src->ahead_err, sizeof(src->ahead_err), "%s", msg);
	}
	return 0;
}

int
cap_open_live(const char *iface, struct cap_src **out, struct mt_err *err)
{
	char		 errbuf[PCAP_ERRBUF_SIZE];
	const char	*msg;
	pcap_t		*pc;
	int		 rc;

	*out = NULL;
	errbuf[0] = '\0';
	if ((pc = pcap_create(iface, errbuf)) == NULL)
		return mt_err_set(err, MT_E_USAGE, "%s: %s", iface, errbuf);
	if (pcap_set_snaplen(pc, CAP_SNAPLEN) != 0 ||
	    pcap_set_promisc(pc, 0) != 0 ||
	    pcap_set_immediate_mode(pc, 1) != 0 ||
	    pcap_set_timeout(pc, CAP_TIMEOUT_MS) != 0 ||
	    pcap_set_buffer_size(pc, CAP_BUFFER) != 0) {
		pcap_close(pc);
		return mt_err_set(err, MT_E_INTERNAL, "%s: cannot set capture "
		    "options", iface);
	}
	rc = pcap_activate(pc);
	if (rc < 0) {
		/* pcap_geterr() has details for most codes, not all. */
		msg = pcap_geterr(pc);
		if (msg == NULL || *msg == '\0')
			msg = pcap_statustostr(rc);
		switch (rc) {
		case PCAP_ERROR_NO_SUCH_DEVICE:
			rc = mt_err_set(err, MT_E_USAGE, "%s: no such capture "
			    "device (%s)", iface, msg);
			break;
		case PCAP_ERROR_PERM_DENIED:
		case PCAP_ERROR_PROMISC_PERM_DENIED:
			rc = mt_err_set(err, MT_E_USAGE, "%s: live capture "
			    "needs the capture privilege (root or CAP_NET_RAW) "
			    "(%s)", iface, msg);
			break;
		case PCAP_ERROR_IFACE_NOT_UP:
			rc = mt_err_set(err, MT_E_USAGE, "%s: the interface "
			    "is not up", iface);
			break;
		default:
			rc = mt_err_set(err, MT_E_USAGE, "%s: %s", iface, msg);
			break;
		}
		pcap_close(pc);
		return rc;
	}
	/*
	 * rc > 0 is a warning (e.g. PCAP_WARNING_TSTAMP_TYPE_NOTSUP): go on.
	 * Reads block: the read timeout need not end a read when no packet
	 * comes (pcap_set_timeout.3pcap; Linux in immediate mode blocks), so
	 * an idle capture is ended by cap_break(), whose pcap_breakloop()
	 * wakes the read (libpcap 1.10).  Non-blocking reads with poll() on
	 * the ring lost packets here.
	 */
	return src_new(pc, true, iface, out, err);
}

int
cap_set_filter(struct cap_src *src, const char *bpf, struct mt_err *err)
{
	struct bpf_program	prog;
	int			rc;

	if (pcap_compile(src->pc, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0)
		return mt_err_set(err, MT_E_USAGE, "bad filter \"%s\": %s", bpf,
		    pcap_geterr(src->pc));
	rc = 0;
	if (pcap_setfilter(src->pc, &prog) != 0)
		rc = mt_err_set(err, MT_E_USAGE, "cannot set filter \"%s\": %s",
		    bpf, pcap_geterr(src->pc));
	/* The packet read ahead at open went by the filter: apply it. */
	else if (src->held && !src->live && pcap_offline_filter(&prog,
	    &src->held_h, src->held_data) == 0)
		src->held = false;
	pcap_freecode(&prog);
	return rc;
}

int
cap_datalink(const struct cap_src *src)
{
	return src->dlt;
}

int
cap_loop(struct cap_src *src, uint64_t max_packets, mt_time until_us,
    void (*fn)(void *, const struct pkt_tcp *),
    void (*bad)(void *, enum cap_verdict, uint64_t, mt_time), void *arg,
    struct cap_stats *stats, struct mt_err *err)
{
	struct cap_stats	 scratch;
	struct pcap_pkthdr	*h;
	const u_char		*data;
	uint64_t		 n;
	int			 rc;

	if (stats == NULL) {
		memset(&scratch, 0, sizeof(scratch));
		stats = &scratch;
	}
	for (n = 0; ; ) {
		if (src->brk)
			break;
		if (max_packets != 0 && n >= max_packets)
			break;
		/* Live: until_us is a wall-clock deadline, also when idle. */
		if (src->live && until_us != 0 && mt_wall_now() >= until_us)
			break;
		if (src->held) {
			if (until_us != 0 && ts_us(&src->held_h) > until_us)
				break;
			src->held = false;
			n++;
			src_packet(src, &src->held_h, src->held_data, fn, bad,
			    arg, stats);
			continue;
		}
		if (src->ahead_failed) {
			src->ahead_failed = false;
			return read_failed(src, NULL, src->ahead_err, err);
		}
		rc = pcap_next_ex(src->pc, &h, &data);
		if (rc == 0)
			continue;		/* live: the read timeout */
		if (rc == PCAP_ERROR_BREAK)
			break;			/* end of file, or breakloop */
		if (rc != 1)
			return read_failed(src, NULL, pcap_geterr(src->pc),
			    err);
		if (!src->live && until_us != 0 && ts_us(h) > until_us) {
			/* Past the end time: keep it for a later call. */
			src->held = true;
			src->held_h = *h;
			src->held_data = data;
			break;
		}
		n++;
		src_packet(src, h, data, fn, bad, arg, stats);
	}
	return 0;
}

uint64_t
cap_drops(const struct cap_src *src)
{
	struct pcap_stat	ps;

	if (src == NULL || !src->live || pcap_stats(src->pc, &ps) != 0)
		return 0;
	return (uint64_t)ps.ps_drop + ps.ps_ifdrop;
}

void
cap_break(struct cap_src *src)
{
	if (src == NULL)
		return;
	/* A savefile's pcap_next_ex() ignores breakloop: our flag does not. */
	src->brk = 1;
	pcap_breakloop(src->pc);
}

void
cap_close(struct cap_src *src)
{
	if (src == NULL)
		return;
	pcap_close(src->pc);
	free(src->iobuf);
	free(src);
}

/* Wrap an opened handle; closes pc on failure. */
static int
src_new(pcap_t *pc, bool live, const char *name, struct cap_src **out,
    struct mt_err *err)
{
	struct cap_src	*src;
	const char	*lname;
	int		 dlt;

	dlt = pcap_datalink(pc);
	if (!cap_dlt_supported(dlt)) {
		lname = pcap_datalink_val_to_name(dlt);
		(void)mt_err_set(err, MT_E_CAPTURE, "%s: link type %s (%d) is "
		    "not supported (Ethernet, Linux cooked, BSD loopback or "
		    "raw IP)", name, lname != NULL ? lname : "unknown", dlt);
		pcap_close(pc);
		return -MT_E_CAPTURE;
	}
	if ((src = calloc(1, sizeof(*src))) == NULL) {
		pcap_close(pc);
		return mt_err_set(err, MT_E_INTERNAL, "out of memory");
	}
	src->pc = pc;
	src->dlt = dlt;
	src->live = live;
	*out = src;
	return 0;
}

/*
 * A read that failed with libpcap's message msg.  name: the input, at
 * open (cap_loop()'s caller names it itself).  A pcapng whose interfaces
 * differ in link type or snapshot length is readable, only not by
 * libpcap, which reads one of each per file: MT_E_USAGE with how to make
 * it readable; anything else is damage (MT_E_CAPTURE) at the packet that
 * was being read.
 */
static int
read_failed(struct cap_src *src, const char *name, const char *msg,
    struct mt_err *err)
{
	char		where[64], first[64], other[64];
	unsigned	lt;
	bool		snap;

	where[0] = '\0';
	if (name == NULL)
		snprintf(where, sizeof(where), "packet %llu: ",
		    (unsigned long long)src->pktno + 1);
	if (mixed_interfaces(msg, &lt, &snap)) {
		if (snap)
			return mt_err_set(err, MT_E_USAGE, "%s%s%sa pcapng "
			    "whose interfaces have different snapshot "
			    "lengths: libpcap reads one per file; convert it "
			    "with editcap -F pcap FILE OUT.pcap",
			    name != NULL ? name : "", name != NULL ? ": " : "",
			    where);
		lt_name((unsigned)src->dlt, first, sizeof(first));
		lt_name(lt, other, sizeof(other));
		return mt_err_set(err, MT_E_USAGE, "%s%s%sa pcapng whose "
		    "interfaces have different link types (%s, then %s): "
		    "libpcap reads one link type per file; split it by "
		    "interface: tshark -r FILE -Y 'frame.interface_id == N' "
		    "-w N.pcapng, then editcap -F pcap -T ENCAP N.pcapng "
		    "N.pcap", name != NULL ? name : "",
		    name != NULL ? ": " : "", where, first, other);
	}
	if (src->live)
		return mt_err_set(err, MT_E_CAPTURE, "read failed after "
		    "packet %llu: %s", (unsigned long long)src->pktno, msg);
	return mt_err_set(err, MT_E_CAPTURE, "%s%s%sthe file is damaged or "
	    "cut short: %s", name != NULL ? name : "",
	    name != NULL ? ": " : "", where, msg);
}

/*
 * libpcap's messages (sf-pcapng.c, 1.x) for a later interface
 * description that differs from the first: "an interface has a type %u
 * different from the type of the first interface", "an interface has a
 * snapshot length %u different from the snapshot length of the first
 * interface" (before 1.10: "... from the type of the first interface").
 */
static bool
mixed_interfaces(const char *msg, unsigned *lt, bool *snap)
{
	static const char	type[] = "an interface has a type ";
	static const char	slen[] = "an interface has a snapshot length ";
	const char		*p;
	unsigned long		 v = 0;
	bool			 s;

	if (strncmp(msg, type, sizeof(type) - 1) == 0) {
		p = msg + sizeof(type) - 1;
		s = false;
	} else if (strncmp(msg, slen, sizeof(slen) - 1) == 0) {
		p = msg + sizeof(slen) - 1;
		s = true;
	} else
		return false;
	if (!mt_isdigit((unsigned char)*p))
		return false;
	for (; mt_isdigit((unsigned char)*p) && v <= 0xffffffffUL; p++)
		v = v * 10 + (unsigned long)(*p - '0');
	if (strncmp(p, " different from the ", 20) != 0 ||
	    strstr(p, " of the first interface") == NULL)
		return false;
	if (lt != NULL)
		*lt = (unsigned)v;
	if (snap != NULL)
		*snap = s;
	return true;
}

/* A link type's libpcap name, else its number. */
static void
lt_name(unsigned lt, char *buf, size_t sz)
{
	const char	*n;

	/* A file's LINKTYPE_RAW (101) is DLT_RAW; the others are equal. */
	n = pcap_datalink_val_to_name(lt == 101 ? DLT_RAW : (int)lt);
	if (n != NULL)
		snprintf(buf, sz, "%s", n);
	else
		snprintf(buf, sz, "link type %u", lt);
}

static mt_time
ts_us(const struct pcap_pkthdr *h)
{
	return (mt_time)h->ts.tv_sec * 1000000 + (mt_time)h->ts.tv_usec;
}

/* Parse, count and hand on one packet. */
static void
src_packet(struct cap_src *src, const struct pcap_pkthdr *h,
    const u_char *data, void (*fn)(void *, const struct pkt_tcp *),
    void (*bad)(void *, enum cap_verdict, uint64_t, mt_time), void *arg,
    struct cap_stats *stats)
{
	struct pkt_tcp		seg;
	enum cap_verdict	v;
	mt_time			ts;

	src->pktno++;
	stats->packets++;
	if (h->caplen < h->len)
		stats->snapped++;
	ts = ts_us(h);
	v = cap_parse(src->dlt, data, h->caplen, h->len, ts, &seg);
	switch (v) {
	case CAP_OK:
		stats->tcp++;
		if (fn != NULL)
			fn(arg, &seg);
		break;
	case CAP_SKIP:
		stats->skipped++;
		break;
	case CAP_TRUNCATED:
		stats->truncated++;
		if (bad != NULL)
			bad(arg, v, src->pktno, ts);
		break;
	case CAP_INVALID:
		stats->invalid++;
		if (bad != NULL)
			bad(arg, v, src->pktno, ts);
		break;
	}
}
