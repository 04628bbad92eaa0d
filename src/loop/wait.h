/*
 * wait.h - the one door through which a session waits: for its sockets to
 * be ready, for an instant to come, or for a stop (SIGINT, SIGTERM).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Outside a loop (loop.h) a wait is poll() on the calling thread, beside
 * the stop pipe.  Inside a session that a loop runs, the session gives
 * way instead, and the loop resumes it when one of its fds is ready, its
 * deadline passes or a stop comes.  The caller's code is the same either
 * way: the probe's flows, net/ and dns/ do not know which drives them, so
 * a session traces the same in a batch as on its own.
 *
 * Deadlines are instants on the monotonic clock in nanoseconds
 * (mt_mono_ns()); WAIT_FOREVER is none.  Every function here may be
 * called from any thread; each thread has its own loop, or none.
 */
#ifndef MT_LOOP_WAIT_H
#define MT_LOOP_WAIT_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WAIT_FOREVER	((int64_t)-1)
#define WAIT_FDS_MAX	16	/* fds in one wait (c-ares: ARES_GETSOCK_MAXNUM) */

enum wait_result {
	WAIT_READY,		/* an fd is ready: its revents say how */
	WAIT_TIMEOUT,		/* the deadline passed first */
	WAIT_STOPPED,		/* wait_stop() was called (now or before) */
	WAIT_ERROR		/* poll or epoll failed: errno says why */
};

/*
 * Wait until one of the n fds (0 < n <= WAIT_FDS_MAX) is ready for its
 * events, the deadline passes, or a stop.  Any revents (POLLERR and
 * POLLHUP too) count as ready: the following call on the fd reports the
 * condition.  revents are set for WAIT_READY and cleared otherwise.
 * EINTR from anything but a stop is waited through.
 */
enum wait_result wait_fds(struct pollfd *, size_t n, int64_t deadline);
/* wait_fds() for one fd. */
enum wait_result wait_fd(int fd, short events, int64_t deadline);
/*
 * Wait for the deadline itself (WAIT_TIMEOUT when it came), unless a stop
 * comes first (WAIT_STOPPED).  WAIT_FOREVER waits for a stop.
 */
enum wait_result wait_until(int64_t deadline);

/*
 * Stopping every wait, for SIGINT and SIGTERM handlers.  wait_stop_init()
 * (once, before the handlers are set; -1 with errno when no pipe can be
 * had) makes a wait end at once when wait_stop() is called, even one that
 * is about to begin.  wait_stop() is async-signal-safe: from then on every
 * wait of every thread returns WAIT_STOPPED; it is not undone.
 */
int		 wait_stop_init(void);
void		 wait_stop(void);
bool		 wait_stopped(void);

#endif
