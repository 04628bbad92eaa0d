/*
 * sink.h - the output formats: text, PRF CSV and JSON lines.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Every sink here writes to a caller-given FILE * that it never closes.
 * The output is a pure function of the records and the run_info, so that
 * "mailtrace show" (records replayed from the store) reproduces byte for
 * byte what the probe printed.  docs/formats.md describes each format.
 */
#ifndef MT_SINK_SINK_H
#define MT_SINK_SINK_H

#include <stdint.h>
#include <stdio.h>

#include "trace.h"

enum sink_format {
	SINK_TEXT,		/* "text": one readable line per record */
	SINK_PRF,		/* "prf": PRF editing-command CSV */
	SINK_JSONL		/* "jsonl": one JSON object per line */
};

/*
 * Format versions: text writes its own in its header line, prf's header
 * row implies it; jsonl has no header (every line is a record), so its
 * version is the one docs/formats.md describes.
 */
#define SINK_TEXT_VERSION	1
#define SINK_PRF_VERSION	1
#define SINK_JSONL_VERSION	2	/* 2: no header line */

/*
 * Parse a format name ("text", "prf", "jsonl") into *out.  Returns 0, or
 * -1 when the name is unknown (*out untouched).
 */
int		 sink_format_parse(const char *, enum sink_format *);
/* The name of a format, as sink_format_parse() accepts it; "" if unknown. */
const char	*sink_format_name(enum sink_format);

/*
 * Create a sink writing to fp.  fp stays the caller's: close() flushes it
 * but never closes it, and fp must outlive the sink.  ri (may be NULL: run
 * 0, empty strings) is copied, so create the sink after store_run_begin()
 * has given the run its id.  The text and prf headers (the format-version
 * line, the column row) are written before the first record, or at
 * flush/close when there was none; jsonl writes records only.
 *
 * rec() and flush() return 0, or fill err (MT_E_INTERNAL: output failed)
 * and return non-zero.  close() writes a missing header, flushes and frees.
 * Returns NULL with err filled (MT_E_INTERNAL) when out of memory.
 */
struct sink	*sink_text_new(FILE *fp, const struct run_info *ri,
		    struct mt_err *err);
struct sink	*sink_prf_new(FILE *fp, const struct run_info *ri,
		    struct mt_err *err);
struct sink	*sink_jsonl_new(FILE *fp, const struct run_info *ri,
		    struct mt_err *err);
/* One of the above by format; MT_E_USAGE for an unknown format. */
struct sink	*sink_new(enum sink_format, FILE *fp, const struct run_info *ri,
		    struct mt_err *err);
/*
 * A sink that hands every record to the n inner sinks on a writer thread
 * (src/sink/async.c), in order, through a bounded ring: the caller goes on
 * while they format and store.  The inner sinks then belong to it (its
 * close() closes them); nothing else may call them meanwhile.  flush()
 * waits for the writer and returns the inner flushes' result; rec() fails
 * once an inner sink has failed (the first failure is reported).  NULL
 * with err filled (MT_E_INTERNAL) when out of memory or without a thread.
 */
struct sink	*sink_async_new(struct sink *const *inner, unsigned n,
		    struct mt_err *err);
/*
 * n more producers for an async sink (the decoder's threads), one sink
 * each in out[0..n-1], valid until the async sink's close() (theirs does
 * nothing).  Each is used by one thread; the writer merges their entries
 * by key, least first (equal keys: the lower lane first), so the inner
 * sinks see one order whatever the threads' timing.  A lane names
 * sessions by slot (1..slots; a record's session field is its slot): the
 * writer numbers them 1, 2, ... in the merged order of their
 * sink_lane_session() entries.  The first producer may send a flush (or
 * close) only while every lane's producer is idle, after its last mark:
 * the lanes are then emptied first.  -1 with err (MT_E_INTERNAL) when
 * out of memory, or when sk is no async sink or has lanes already.
 */
int		 sink_async_lanes(struct sink *sk, unsigned n, uint32_t slots,
		    struct sink **out, struct mt_err *err);
/* The key (and tie-break sub) of the lane's next entries: each entry's
 * key is no less than the one before it. */
void		 sink_lane_key(struct sink *lane, uint64_t key, uint64_t sub);
/*
 * fn(arg) is called (on the lane's thread) when the lane's ring may be
 * full, before its producer waits for the writer: a producer that holds
 * what other lanes' producers wait for hands it on there (the decoder's
 * reader, which also decodes).
 */
void		 sink_lane_waiting(struct sink *lane, void (*fn)(void *),
		    void *arg);
/* A session begins in slot (at the lane's key): records of that slot from
 * here on get the run's next session number. */
void		 sink_lane_session(struct sink *lane, uint32_t slot);
/* Nothing with a key below key will follow on this lane (the key becomes
 * key, sub 0); published at once. */
void		 sink_lane_mark(struct sink *lane, uint64_t key);

#endif
