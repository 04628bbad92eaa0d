/*
 * check.h - a tiny assertion helper for the unit tests.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_TESTS_CHECK_H
#define MT_TESTS_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failed;
static int check_passed;

#define CHECK(cond) do {						\
	if (cond)							\
		check_passed++;						\
	else {								\
		check_failed++;						\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,	\
		    __LINE__, #cond);					\
	}								\
} while (0)

#define CHECK_STR(got, want) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (strcmp(g_, w_) == 0)					\
		check_passed++;						\
	else {								\
		check_failed++;						\
		fprintf(stderr, "%s:%d: got:\n%s\n--- want:\n%s\n",	\
		    __FILE__, __LINE__, g_, w_);			\
	}								\
} while (0)

static inline int
check_done(void)
{
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed != 0;
}

#endif
