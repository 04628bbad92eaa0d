/*
 * otlp_int.h - between post.c (in the program) and http.c (the module
 * mailtrace-otlp.so): the wait door's functions, handed to the module so
 * that it waits through the program's own door (its loop, its stop).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_OTLP_OTLP_INT_H
#define MT_OTLP_OTLP_INT_H

#include "wait.h"

struct otlp_waits {
	enum wait_result (*fds)(struct pollfd *, size_t, int64_t);
	enum wait_result (*until)(int64_t);
	int64_t		 (*now)(void);
};

/* The module's entry (http.c): otlp_post() with the door's functions. */
typedef int (*otlp_post_fn)(const struct otlp_waits *, const char *url,
    const char *body, int timeout_ms, struct mt_err *err);

#endif
