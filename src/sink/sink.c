/*
 * SPDX-License-Identifier: BSD-2-Clause
 * sink.c - format names, the format dispatcher and shared sink helpers.
 */
#include "sink.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sink_int.h"

static const char *const sink_names[] = {
	[SINK_TEXT] = "text",
	[SINK_PRF] = "prf",
	[SINK_JSONL] = "jsonl",
};

static char	*sink_dup(const char *);

int
sink_format_parse(const char *s, enum sink_format *out)
{
	size_t	i;

	if (s == NULL)
		return -1;
	for (i = 0; i < sizeof(sink_names) / sizeof(sink_names[0]); i++)
		if (strcmp(s, sink_names[i]) == 0) {
			*out = (enum sink_format)i;
			return 0;
		}
	return -1;
}

const char *
sink_format_name(enum sink_format f)
{
	if ((unsigned)f < sizeof(sink_names) / sizeof(sink_names[0]))
		return sink_names[f];
	return "";
}

struct sink *
sink_new(enum sink_format f, FILE *fp, const struct run_info *ri,
    struct mt_err *err)
{
	switch (f) {
	case SINK_TEXT:
		return sink_text_new(fp, ri, err);
	case SINK_PRF:
		return sink_prf_new(fp, ri, err);
	case SINK_JSONL:
		return sink_jsonl_new(fp, ri, err);
	}
	mt_err_set(err, MT_E_USAGE, "unknown output format %d", (int)f);
	return NULL;
}

static char *
sink_dup(const char *s)
{
	size_t	 n;
	char	*p;

	n = strlen(s);
	if ((p = malloc(n + 1)) != NULL)
		memcpy(p, s, n + 1);
	return p;
}

int
sink_hdr_init(struct sink_hdr *h, const struct run_info *ri,
    struct mt_err *err)
{
	memset(h, 0, sizeof(*h));
	if (ri != NULL) {
		h->run = ri->run;
		h->started = ri->started;
		h->pid = ri->pid;
	}
	h->proto = sink_dup(ri != NULL && ri->proto != NULL ? ri->proto : "");
	h->target = sink_dup(ri != NULL && ri->target != NULL ? ri->target : "");
	h->level = sink_dup(ri != NULL && ri->level != NULL ? ri->level : "");
	if (h->proto == NULL || h->target == NULL || h->level == NULL) {
		sink_hdr_free(h);
		return mt_err_set(err, MT_E_INTERNAL, "sink: out of memory");
	}
	return 0;
}

void
sink_hdr_free(struct sink_hdr *h)
{
	free(h->proto);
	free(h->target);
	free(h->level);
	h->proto = h->target = h->level = NULL;
}

int
sink_io_check(FILE *fp, const char *what, struct mt_err *err)
{
	if (ferror(fp))
		return mt_err_set(err, MT_E_INTERNAL, "%s output: write failed: %s",
		    what, errno != 0 ? strerror(errno) : "unknown error");
	return 0;
}

int
sink_io_flush(FILE *fp, const char *what, struct mt_err *err)
{
	if (fflush(fp) == EOF)
		return mt_err_set(err, MT_E_INTERNAL, "%s output: flush failed: %s",
		    what, strerror(errno));
	return sink_io_check(fp, what, err);
}
