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

#endif
