/*
 * loop.h - many sessions in one thread: an event loop over epoll that
 * runs each session as a task with a stack of its own.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * A task is an ordinary blocking function (a probe session).  Whenever it
 * waits (wait.h: its sockets, an instant), it gives way to the loop, which
 * runs other tasks and resumes it when its wait ends; nothing else gives
 * way, so between two waits a task runs alone and shares the thread's
 * state (the store, stdout, OpenSSL's error queue) without locks.  The
 * sockets are non-blocking as always (net/), OpenSSL with them.
 *
 * Bounds: a task's stack is LOOP_STACK bytes of address space behind a
 * guard page (an overflow faults, never corrupts), of which only the pages
 * a task touches are memory; stacks of finished tasks are kept for the
 * next ones, up to the most that were live at once.  loop_stats() gives
 * the deepest stack seen, which the tests hold well under LOOP_STACK.
 *
 * A loop belongs to the thread that made it; loop_run() must not be
 * called from a task.
 */
#ifndef MT_LOOP_LOOP_H
#define MT_LOOP_LOOP_H

#include <stddef.h>
#include <stdint.h>

#include "mt.h"

#if defined(__SANITIZE_ADDRESS__)
#define LOOP_STACK	(4u << 20)	/* ASan's frames are several times larger */
#else
#define LOOP_STACK	(256u << 10)
#endif

#define LOOP_DONE	((int64_t)-2)	/* feed(): nothing more will start */

struct loop;

struct loop_stats {
	size_t		 live_max;	/* tasks live at once, at most */
	uint64_t	 tasks;		/* tasks run to their end */
	uint64_t	 switches;	/* times a task was resumed */
	uint64_t	 polls;		/* epoll_wait() calls */
	size_t		 stack_size;	/* LOOP_STACK */
	size_t		 stack_high;	/* the deepest stack a task touched */
};

/* A new loop for the calling thread: NULL (err says why) on failure. */
struct loop	*loop_new(struct mt_err *);
/* NULL-safe; only when no task is live (loop_run() returned). */
void		 loop_free(struct loop *);

/*
 * A new task: fn(arg) runs on a stack of its own from the loop's next
 * turn; when it returns, done(arg) (NULL: none) is called on the loop's
 * stack, the task's own released.  Non-zero (err says why: no memory for
 * its stack) when it cannot start.  Call before loop_run(), or from feed()
 * or done() (not from a task).
 */
int		 loop_spawn(struct loop *, void (*fn)(void *),
		    void (*done)(void *), void *arg, struct mt_err *);

/*
 * Run the tasks until feed(arg) returned LOOP_DONE and no task is left.
 * feed is called at each turn, before the loop waits: it spawns what may
 * start now, and returns the instant (mt_mono_ns()) by which it wants to
 * be called again, WAIT_FOREVER (when a task ends will do), or LOOP_DONE;
 * feed NULL: the tasks spawned already, and those done() spawns.
 * After wait_stop() every waiting task is resumed with WAIT_STOPPED (each
 * then ends as a stopped session does); feed decides whether more start.
 * 0, or -1 when epoll failed (err says why; the live tasks are resumed
 * with WAIT_ERROR until they end).
 */
int		 loop_run(struct loop *, int64_t (*feed)(void *), void *arg,
		    struct mt_err *);

/* The arg of the task running on this thread; NULL outside a task. */
void		*loop_task_arg(void);
/* Tasks spawned and not yet ended. */
size_t		 loop_live(const struct loop *);
void		 loop_get_stats(const struct loop *, struct loop_stats *);

#endif
