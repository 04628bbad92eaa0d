/*
 * loop_int.h - between the wait door (wait.c) and the loop (loop.c).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_LOOP_LOOP_INT_H
#define MT_LOOP_LOOP_INT_H

#include <stdbool.h>

#include "loop.h"
#include "wait.h"

/*
 * In a task of the loop running on this thread: give way until one of the
 * fds is ready (n may be 0: until the deadline), the deadline passes or a
 * stop; false when the caller is not in a task (it polls itself).
 */
bool	loop_task_wait(struct pollfd *, size_t n, int64_t deadline,
	    enum wait_result *);
/* The stop pipe's read end, or -1 without one. */
int	wait_stop_rfd(void);

#endif
