/*
 * SPDX-License-Identifier: BSD-2-Clause
 * wait.c - the wait door (wait.h): poll() beside the stop pipe, or, in a
 * loop's task, the loop.
 */
#include "wait.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "loop_int.h"
#include "mt.h"

/*
 * The stop request: a flag, and a pipe whose read end every wait polls
 * beside its fds, so that a signal that comes just before poll() is
 * entered still ends the wait.
 */
static volatile sig_atomic_t	 stopped;
static int			 stop_fd[2] = { -1, -1 };

static int
nonblock_cloexec(int fd)
{
	int	fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return -1;
	if ((fl = fcntl(fd, F_GETFD)) == -1 ||
	    fcntl(fd, F_SETFD, fl | FD_CLOEXEC) == -1)
		return -1;
	return 0;
}

int
wait_stop_init(void)
{
	int	e;

	if (stop_fd[0] >= 0)
		return 0;
	if (pipe(stop_fd) != 0)
		return -1;
	if (nonblock_cloexec(stop_fd[0]) != 0 ||
	    nonblock_cloexec(stop_fd[1]) != 0) {
		e = errno;
		close(stop_fd[0]);
		close(stop_fd[1]);
		stop_fd[0] = stop_fd[1] = -1;
		errno = e;
		return -1;
	}
	return 0;
}

void
wait_stop(void)
{
	ssize_t	n;
	int	e = errno;

	stopped = 1;
	/* Full (EAGAIN): a byte is waiting already. */
	n = stop_fd[1] >= 0 ? write(stop_fd[1], "", 1) : 0;
	(void)n;
	errno = e;
}

bool
wait_stopped(void)
{
	return stopped != 0;
}

int
wait_stop_rfd(void)
{
	return stop_fd[0];
}

/* poll() on the calling thread, the stop pipe beside the fds. */
static enum wait_result
wait_poll(struct pollfd *pfd, size_t n, int64_t deadline)
{
	struct pollfd	p[WAIT_FDS_MAX + 1];
	int64_t		left;
	size_t		i;
	int		ms, rc;

	for (;;) {
		if (stopped)
			return WAIT_STOPPED;
		if (deadline < 0)
			ms = -1;
		else {
			left = deadline - mt_mono_ns();
			if (left <= 0)
				return WAIT_TIMEOUT;
			/* Round up so that we never wake just before it. */
			left = (left + 999999) / 1000000;
			ms = left > INT_MAX ? INT_MAX : (int)left;
		}
		for (i = 0; i < n; i++) {
			p[i] = pfd[i];
			p[i].revents = 0;
		}
		p[n].fd = stop_fd[0];	/* -1 (ignored) without one */
		p[n].events = POLLIN;
		p[n].revents = 0;
		rc = poll(p, (nfds_t)n + 1, ms);
		if (rc < 0 && errno != EINTR)
			return WAIT_ERROR;
		if (rc <= 0)
			continue;	/* the time is checked at the top */
		rc = 0;
		for (i = 0; i < n; i++)
			if ((pfd[i].revents = p[i].revents) != 0)
				rc = 1;
		if (rc)
			return WAIT_READY;
		/* only the stop pipe: see the top */
	}
}

enum wait_result
wait_fds(struct pollfd *pfd, size_t n, int64_t deadline)
{
	enum wait_result	r;
	size_t			i;

	if (n > WAIT_FDS_MAX) {
		errno = EINVAL;
		return WAIT_ERROR;
	}
	for (i = 0; i < n; i++)
		pfd[i].revents = 0;
	if (stopped)
		return WAIT_STOPPED;
	if (!loop_task_wait(pfd, n, deadline, &r))
		r = wait_poll(pfd, n, deadline);
	if (r != WAIT_READY)
		for (i = 0; i < n; i++)
			pfd[i].revents = 0;
	return r;
}

enum wait_result
wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd	p;

	p.fd = fd;
	p.events = events;
	p.revents = 0;
	return wait_fds(&p, 1, deadline);
}

enum wait_result
wait_until(int64_t deadline)
{
	enum wait_result	r;

	if (stopped)
		return WAIT_STOPPED;
	if (!loop_task_wait(NULL, 0, deadline, &r))
		r = wait_poll(NULL, 0, deadline);
	return r;
}
