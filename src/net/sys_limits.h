/*
 * sys_limits.h - the C library's <limits.h> values net/ and OpenSSL's
 * headers need, whichever "mt_limits.h" the include path finds.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * mt_trace puts src/ on the include path with -I, so <limits.h> finds
 * mailtrace's src/limits.h before the C library's, and OpenSSL's <err.h>
 * then lacks INT_MAX.  Include this before any system or OpenSSL header.
 * Once src/limits.h no longer shadows the system header (renamed, or src/
 * off the -I path) this only includes both and defines nothing.
 */
#ifndef MT_NET_SYS_LIMITS_H
#define MT_NET_SYS_LIMITS_H

#include <limits.h>

#ifndef INT_MAX
#define INT_MAX		__INT_MAX__
#endif
#ifndef LONG_MAX
#define LONG_MAX	__LONG_MAX__
#endif

#include "mt_limits.h"	/* mailtrace's bounds (MT_ADDR_HARD) */

#endif
