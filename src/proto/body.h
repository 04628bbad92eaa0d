/*
 * body.h - multi-line bodies (POP3 multi-line responses, SMTP DATA):
 * byte accounting first, end-of-data second, with the strict RFC rule.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_PROTO_BODY_H
#define MT_PROTO_BODY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lr.h"

#define BODY_ODD_DOT	0x01u	/* a lone dot with a bare LF around it */
#define BODY_BARE_LF	0x02u
#define BODY_NUL	0x04u
#define BODY_CTRL	0x08u
#define BODY_LONG	0x10u	/* a line over MT_LINE_HARD */
#define BODY_LONG_RFC	0x20u	/* a line over the RFC's text line limit */
#define BODY_BUDGET	0x40u	/* a line cut short for the memory budget */

enum body_verdict {
	BODY_MORE,
	BODY_END
};

struct body {
	uint64_t	 wire;		/* bytes, terminator included */
	uint64_t	 lines;		/* content lines, terminator excluded */
	uint64_t	 unstuffed;	/* ".." lines */
	unsigned	 flags;
	bool		 prev_crlf;
};

/* Start a body: the line that opened it ended with CRLF. */
void			 body_open(struct body *);
/*
 * Account one line.  The body ends only on "." CRLF after a CRLF
 * (RFC 1939 3, RFC 5321 4.1.1.4).  A stuffed line ".." stays in the line
 * as given; callers that want the content skip the first dot.
 */
enum body_verdict	 body_line(struct body *, const struct lr_line *);
/*
 * The same accounting for many lines at once, straight from the bytes
 * (the models call it between lines, with the framer idle): takes the
 * whole lines at the start of p[0..n) that body_line() would only count,
 * and stops before the first that needs a closer look: one that starts
 * with '.' (the terminator, stuffing, odd dots), holds a byte below 0x20
 * other than TAB and its CRLF, ends in a bare LF, has more than maxe
 * bytes before its LF, would take the body past budget more bytes, or is
 * not complete in p.  Returns the bytes taken (whole lines only); feeding
 * them line by line through body_line() gives the same struct body.
 */
size_t			 body_scan(struct body *, const uint8_t *p, size_t n,
			    size_t maxe, uint64_t budget);
/* body_scan() without the AVX2 path (the tests compare the two). */
size_t			 body_scan_plain(struct body *, const uint8_t *p,
			    size_t n, size_t maxe, uint64_t budget);

/*
 * The sending side of body_line(): the wire form of a message given with
 * any line endings: CRLF endings (a bare CR or LF becomes CRLF), a dot
 * doubled at the start of a line (RFC 5321 4.5.2), a final CRLF when the
 * message lacks one, and the ".\r\n" terminator.  *out is malloc'd (the
 * caller frees it); false when out of memory.
 */
bool			 body_stuff(const uint8_t *msg, size_t n, uint8_t **out,
			    size_t *outlen);

#endif
