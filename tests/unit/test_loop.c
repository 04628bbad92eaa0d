/*
 * test_loop.c - the wait door and the event loop (src/loop): waits outside
 * a loop, many tasks in one, deadlines in order, stale events, fd numbers
 * that come back, stack depth, spawning from done(), and a stop.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <fenv.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "loop.h"
#include "wait.h"

#define MS	1000000LL

/* --- outside a loop ------------------------------------------------------ */

static void
test_plain(void)
{
	int	sp[2];
	int64_t	t0;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0);
	t0 = mt_mono_ns();
	CHECK(wait_fd(sp[0], POLLIN, t0 + 20 * MS) == WAIT_TIMEOUT);
	CHECK(mt_mono_ns() - t0 >= 20 * MS);
	CHECK(write(sp[1], "x", 1) == 1);
	CHECK(wait_fd(sp[0], POLLIN, WAIT_FOREVER) == WAIT_READY);
	CHECK(wait_until(mt_mono_ns() + 5 * MS) == WAIT_TIMEOUT);
	close(sp[0]);
	close(sp[1]);
}

/* --- pairs of tasks over socketpairs ------------------------------------ */

#define PAIRS	300

struct pair {
	int	sp[2];
	int	got_a, got_b;	/* what each end read */
	int	ends;
};

static struct pair	pairs[PAIRS];

/* One end: write its byte, read the other's, write one more, read it. */
static void
pair_end(struct pair *p, int fd, int *got, char mine)
{
	char	c;
	int	i;

	for (i = 0; i < 2; i++) {
		if (write(fd, &mine, 1) != 1)
			return;
		for (;;) {
			ssize_t	n = read(fd, &c, 1);

			if (n == 1)
				break;
			if (n < 0 && errno == EAGAIN &&
			    wait_fd(fd, POLLIN, mt_mono_ns() + 5000 * MS) ==
			    WAIT_READY)
				continue;
			return;
		}
		*got += c;
	}
	p->ends++;
}

static void
task_a(void *arg)
{
	struct pair	*p = arg;

	pair_end(p, p->sp[0], &p->got_a, 'a');
}

static void
task_b(void *arg)
{
	struct pair	*p = arg;

	pair_end(p, p->sp[1], &p->got_b, 'b');
}

static int	pairs_fed;

static int64_t
feed_pairs(void *arg)
{
	struct loop	*l = arg;
	int		 i;

	if (pairs_fed)
		return LOOP_DONE;
	pairs_fed = 1;
	for (i = 0; i < PAIRS; i++) {
		CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
		    pairs[i].sp) == 0);
		CHECK(loop_spawn(l, task_a, NULL, &pairs[i], NULL) == 0);
		CHECK(loop_spawn(l, task_b, NULL, &pairs[i], NULL) == 0);
	}
	return LOOP_DONE;
}

static void
test_pairs(void)
{
	struct loop		*l = loop_new(NULL);
	struct loop_stats	 st;
	int			 i, bad = 0;

	CHECK(l != NULL);
	if (l == NULL)
		return;
	CHECK(loop_run(l, feed_pairs, l, NULL) == 0);
	for (i = 0; i < PAIRS; i++) {
		if (pairs[i].ends != 2 || pairs[i].got_a != 2 * 'b' ||
		    pairs[i].got_b != 2 * 'a')
			bad++;
		close(pairs[i].sp[0]);
		close(pairs[i].sp[1]);
	}
	CHECK(bad == 0);
	loop_get_stats(l, &st);
	CHECK(st.live_max == 2 * PAIRS);
	CHECK(st.tasks == 2 * PAIRS);
	CHECK(st.switches >= 2 * PAIRS);
	CHECK(loop_live(l) == 0);
	loop_free(l);
}

/* --- deadlines, in order ------------------------------------------------ */

static int	order[3], norder;

static void
sleeper(void *arg)
{
	int	ms = (int)(intptr_t)arg;

	CHECK(wait_until(mt_mono_ns() + ms * MS) == WAIT_TIMEOUT);
	order[norder++] = ms;
}

static int
run_tasks(void (*fn)(void *), void **args, size_t n, struct loop_stats *st)
{
	struct loop	*l = loop_new(NULL);
	size_t		 i;
	int		 rc;

	if (l == NULL)
		return -1;
	for (i = 0; i < n; i++)
		CHECK(loop_spawn(l, fn, NULL, args[i], NULL) == 0);
	rc = loop_run(l, NULL, NULL, NULL);
	if (st != NULL)
		loop_get_stats(l, st);
	loop_free(l);
	return rc;
}

static void
test_deadlines(void)
{
	void	*args[3] = { (void *)(intptr_t)40, (void *)(intptr_t)5,
	    (void *)(intptr_t)20 };

	norder = 0;
	CHECK(run_tasks(sleeper, args, 3, NULL) == 0);
	CHECK(norder == 3);
	CHECK(order[0] == 5 && order[1] == 20 && order[2] == 40);
}

/* --- stale events: an fd that did not fire leaves the set ------------- */

static int	stale_sp[3][2];

static void
stale_task(void *arg)
{
	struct pollfd	p[2];

	(void)arg;
	/* Wait on a and b; only a is ready. */
	CHECK(write(stale_sp[0][1], "x", 1) == 1);
	p[0].fd = stale_sp[0][0];
	p[0].events = POLLIN;
	p[1].fd = stale_sp[1][0];
	p[1].events = POLLIN;
	CHECK(wait_fds(p, 2, mt_mono_ns() + 5000 * MS) == WAIT_READY);
	CHECK(p[0].revents & POLLIN);
	CHECK(p[1].revents == 0);
	/* b becomes ready now: a wait on c must not hear of it. */
	CHECK(write(stale_sp[1][1], "y", 1) == 1);
	CHECK(wait_fd(stale_sp[2][0], POLLIN, mt_mono_ns() + 30 * MS) ==
	    WAIT_TIMEOUT);
	/* and b, asked for again, is ready (a new registration). */
	CHECK(wait_fd(stale_sp[1][0], POLLIN, mt_mono_ns() + 5000 * MS) ==
	    WAIT_READY);
}

static void
test_stale(void)
{
	void	*args[1] = { NULL };
	int	 i;

	for (i = 0; i < 3; i++)
		CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, stale_sp[i]) == 0);
	CHECK(run_tasks(stale_task, args, 1, NULL) == 0);
	for (i = 0; i < 3; i++) {
		close(stale_sp[i][0]);
		close(stale_sp[i][1]);
	}
}

/* --- fd numbers that come back --------------------------------------- */

static void
reuse_task(void *arg)
{
	int	sp[2], i;

	(void)arg;
	for (i = 0; i < 50; i++) {
		/* The same numbers each time: closed ones leave the set. */
		CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0);
		CHECK(wait_fd(sp[0], POLLIN, mt_mono_ns() + MS / 10) ==
		    WAIT_TIMEOUT);
		CHECK(write(sp[1], "z", 1) == 1);
		CHECK(wait_fd(sp[0], POLLIN, mt_mono_ns() + 5000 * MS) ==
		    WAIT_READY);
		close(sp[0]);
		close(sp[1]);
	}
}

static void
test_reuse(void)
{
	void	*args[2] = { NULL, NULL };

	CHECK(run_tasks(reuse_task, args, 2, NULL) == 0);
}

/* --- the stack's depth is measured ------------------------------------ */

static int
deep(int n)
{
	volatile char	buf[1024];

	buf[0] = (char)n;
	if (n == 0)
		return buf[0];
	return deep(n - 1) + buf[0];
}

static void
deep_task(void *arg)
{
	CHECK(deep((int)(intptr_t)arg) >= 0);
	CHECK(wait_until(mt_mono_ns()) == WAIT_TIMEOUT);
}

static void
test_stack(void)
{
	void			*args[1] = { (void *)(intptr_t)100 };
	struct loop_stats	 st;

	CHECK(run_tasks(deep_task, args, 1, &st) == 0);
	CHECK(st.stack_size == LOOP_STACK);
	CHECK(st.stack_high >= 100 * 1024);
	CHECK(st.stack_high < LOOP_STACK);
}

/* --- done() spawns the next: a chain --------------------------------- */

static struct loop	*chain_loop;
static int		 chain_n;

static void	chain_done(void *);

static void
chain_task(void *arg)
{
	(void)arg;
	CHECK(wait_until(mt_mono_ns() + MS / 10) == WAIT_TIMEOUT);
}

static void
chain_done(void *arg)
{
	(void)arg;
	if (++chain_n < 20)
		CHECK(loop_spawn(chain_loop, chain_task, chain_done, NULL,
		    NULL) == 0);
}

static void
test_chain(void)
{
	struct loop_stats	st;

	chain_loop = loop_new(NULL);
	CHECK(chain_loop != NULL);
	if (chain_loop == NULL)
		return;
	CHECK(loop_spawn(chain_loop, chain_task, chain_done, NULL, NULL) == 0);
	CHECK(loop_run(chain_loop, NULL, NULL, NULL) == 0);
	loop_get_stats(chain_loop, &st);
	CHECK(chain_n == 20);
	CHECK(st.live_max == 1);
	CHECK(st.tasks == 20);
	loop_free(chain_loop);
}

/* --- each task keeps its floating-point modes across switches -------- */

static int	fp_ok;

static void
fp_task(void *arg)
{
	int		 mode = (int)(intptr_t)arg, i;
	volatile double	 x = 1.0, y = 3.0;

	fesetround(mode);
	for (i = 0; i < 5; i++) {
		CHECK(wait_until(mt_mono_ns() + MS / 10) == WAIT_TIMEOUT);
		if (fegetround() != mode)
			return;
	}
	/* 1/3 rounds differently up and down: the mode is really in force */
	x = x / y;
	fp_ok += mode == FE_UPWARD ? (x > 0.333333333333333314829616256247)
	    : (x <= 0.333333333333333314829616256247);
}

static void
test_fp(void)
{
	void	*args[2] = { (void *)(intptr_t)FE_UPWARD,
	    (void *)(intptr_t)FE_DOWNWARD };
	int	 before = fegetround();

	CHECK(run_tasks(fp_task, args, 2, NULL) == 0);
	CHECK(fp_ok == 2);
	CHECK(fegetround() == before);
}

/* --- a stop ends every wait, and those that begin after it ------------ */

static int	stop_sp[2], stop_seen;

static void
stop_waiter(void *arg)
{
	(void)arg;
	CHECK(wait_fd(stop_sp[0], POLLIN, WAIT_FOREVER) == WAIT_STOPPED);
	CHECK(wait_until(mt_mono_ns() + 5000 * MS) == WAIT_STOPPED);
	stop_seen++;
}

static void
stop_caller(void *arg)
{
	(void)arg;
	/* The waiters wait already (they ran first): stop them. */
	CHECK(wait_until(mt_mono_ns() + MS) == WAIT_TIMEOUT);
	wait_stop();
}

static void
test_stop(void)
{
	void	*args[3] = { NULL, NULL, NULL };
	int64_t	 t0 = mt_mono_ns();
	struct loop	*l = loop_new(NULL);

	CHECK(wait_stop_init() == 0);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, stop_sp) == 0);
	CHECK(l != NULL);
	if (l == NULL)
		return;
	CHECK(loop_spawn(l, stop_waiter, NULL, args[0], NULL) == 0);
	CHECK(loop_spawn(l, stop_waiter, NULL, args[1], NULL) == 0);
	CHECK(loop_spawn(l, stop_caller, NULL, args[2], NULL) == 0);
	CHECK(loop_run(l, NULL, NULL, NULL) == 0);
	loop_free(l);
	CHECK(stop_seen == 2);
	CHECK(mt_mono_ns() - t0 < 4000 * MS);
	CHECK(wait_fd(stop_sp[0], POLLIN, WAIT_FOREVER) == WAIT_STOPPED);
	close(stop_sp[0]);
	close(stop_sp[1]);
}

int
main(void)
{
	test_plain();
	test_pairs();
	test_deadlines();
	test_stale();
	test_reuse();
	test_stack();
	test_chain();
	test_fp();
	test_stop();		/* last: a stop is for good */
	return check_done();
}
