/*
 * SPDX-License-Identifier: BSD-2-Clause
 * loop.c - the event loop (loop.h): tasks on stacks of their own
 * (ctx.h), their waits in one epoll set and one deadline heap.
 *
 * A task's wait (loop_task_wait(), through wait.h) arms each of its fds
 * with EPOLLONESHOT, pointing at a slot of the task, puts the task in the
 * heap by its deadline and switches to the loop.  The loop resumes it
 * when an event names one of its slots, its deadline passes, or a stop
 * comes; back in the task, fds that did not fire are taken out of the set
 * (a fired one is disarmed by EPOLLONESHOT), so no stale event can wake a
 * later wait.  A closed fd leaves the set by itself, so the next wait on
 * a number that came back adds it again (EPOLL_CTL_MOD fails: ENOENT).
 */
#include "loop.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ctx.h"
#include "loop_int.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define LOOP_ASAN	1
#endif

#define LOOP_EVENTS	256	/* epoll events taken per turn */

struct task;

/* One fd of a task's wait: what an epoll event points at. */
struct slot {
	struct task	*t;
	size_t		 i;		/* its index in the wait's fds */
};

struct stack {
	struct stack	*next;		/* the free list */
	void		*map;		/* the guard page, then the stack */
	size_t		 len;
};

struct task {
	struct ctx	 ctx;
	struct loop	*l;
	void		(*fn)(void *);
	void		(*done)(void *);
	void		*arg;
	struct stack	*stk;
	struct task	*next;		/* the run queue */
	bool		 queued;
	bool		 ended;
	/* the wait in progress */
	bool		 waiting;
	struct pollfd	*pfd;
	size_t		 npfd;
	struct slot	 slot[WAIT_FDS_MAX];
	int64_t		 deadline;	/* INT64_MAX: none */
	size_t		 hidx;		/* in the heap; SIZE_MAX: not */
	enum wait_result result;
	void		*fake;		/* ASan's fake stack while away */
};

struct loop {
	int		 ep;
	struct ctx	 main;
	const void	*main_bottom;	/* ASan: the loop's own stack */
	size_t		 main_size;
	struct task	*cur;		/* the task running; NULL: the loop */
	struct task	*rq_head, *rq_tail;
	struct task	**heap;		/* the waiting tasks, by deadline */
	size_t		 nheap, heapcap;
	struct stack	*free_stacks;
	size_t		 live;
	bool		 stop_seen;	/* every waiter was resumed for it */
	bool		 stop_armed;	/* the stop pipe is in the set */
	bool		 broken;	/* epoll failed: waits fail */
	struct loop_stats st;
};

static _Thread_local struct loop	*loop_cur;

/* --- the deadline heap ------------------------------------------------ */

static void
heap_swap(struct loop *l, size_t a, size_t b)
{
	struct task	*t = l->heap[a];

	l->heap[a] = l->heap[b];
	l->heap[b] = t;
	l->heap[a]->hidx = a;
	l->heap[b]->hidx = b;
}

static void
heap_up(struct loop *l, size_t i)
{
	while (i > 0 && l->heap[(i - 1) / 2]->deadline > l->heap[i]->deadline) {
		heap_swap(l, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void
heap_down(struct loop *l, size_t i)
{
	size_t	c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= l->nheap)
			return;
		if (c + 1 < l->nheap &&
		    l->heap[c + 1]->deadline < l->heap[c]->deadline)
			c++;
		if (l->heap[i]->deadline <= l->heap[c]->deadline)
			return;
		heap_swap(l, i, c);
		i = c;
	}
}

/* Room for every live task is made at spawn time: this cannot fail. */
static void
heap_push(struct loop *l, struct task *t)
{
	t->hidx = l->nheap++;
	l->heap[t->hidx] = t;
	heap_up(l, t->hidx);
}

static void
heap_remove(struct loop *l, struct task *t)
{
	size_t	i = t->hidx;

	if (i == SIZE_MAX)
		return;
	t->hidx = SIZE_MAX;
	if (i == --l->nheap)
		return;
	l->heap[i] = l->heap[l->nheap];
	l->heap[i]->hidx = i;
	heap_up(l, i);
	heap_down(l, l->heap[i]->hidx);
}

/* --- stacks ------------------------------------------------------------ */

static struct stack *
stack_get(struct loop *l)
{
	struct stack	*s;
	long		 pg = sysconf(_SC_PAGESIZE);
	size_t		 len;

	if ((s = l->free_stacks) != NULL) {
		l->free_stacks = s->next;
		return s;
	}
	if (pg <= 0)
		pg = 4096;
	len = LOOP_STACK + (size_t)pg;
	if ((s = malloc(sizeof(*s))) == NULL)
		return NULL;
	s->map = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (s->map == MAP_FAILED) {
		free(s);
		return NULL;
	}
	/* The lowest page faults: a stack grows down into it. */
	if (mprotect(s->map, (size_t)pg, PROT_NONE) != 0) {
		munmap(s->map, len);
		free(s);
		return NULL;
	}
	s->len = len;
	s->next = NULL;
	return s;
}

/* The pages of the stack a task touched: its depth, to the page. */
static size_t
stack_touched(const struct stack *s)
{
	unsigned char	 vec[(LOOP_STACK >> 12) + 1];
	long		 pg = sysconf(_SC_PAGESIZE);
	size_t		 npages, i;
	unsigned char	*base;

	if (pg != 4096)
		return 0;	/* (vec is sized for 4 KiB pages) */
	base = (unsigned char *)s->map + pg;
	npages = LOOP_STACK / (size_t)pg;
	if (mincore(base, LOOP_STACK, vec) != 0)
		return 0;
	/* It grows down: the lowest resident page is its deepest. */
	for (i = 0; i < npages; i++)
		if (vec[i] & 1)
			return (npages - i) * (size_t)pg;
	return 0;
}

static void
stack_put(struct loop *l, struct stack *s)
{
	size_t	d = stack_touched(s);

	if (d > l->st.stack_high)
		l->st.stack_high = d;
#ifdef LOOP_ASAN
	/* Frames that never returned (the task's first) left poison. */
	ASAN_UNPOISON_MEMORY_REGION((char *)s->map + (s->len - LOOP_STACK),
	    LOOP_STACK);
#endif
	s->next = l->free_stacks;
	l->free_stacks = s;
}

/* --- switching ---------------------------------------------------------- */

static void	task_main(void);

/* From the loop into t, until t waits or ends. */
static void
loop_resume(struct loop *l, struct task *t)
{
#ifdef LOOP_ASAN
	void	*fake = NULL;
#endif

	l->cur = t;
	l->st.switches++;
#ifdef LOOP_ASAN
	__sanitizer_start_switch_fiber(&fake,
	    (char *)t->stk->map + (t->stk->len - LOOP_STACK), LOOP_STACK);
#endif
	ctx_switch(&l->main, &t->ctx);
#ifdef LOOP_ASAN
	__sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
	l->cur = NULL;
}

/* From task t back to the loop; returns when the loop resumes t. */
static void
task_yield(struct loop *l, struct task *t)
{
#ifdef LOOP_ASAN
	__sanitizer_start_switch_fiber(t->ended ? NULL : &t->fake,
	    l->main_bottom, l->main_size);
#endif
	ctx_switch(&t->ctx, &l->main);
#ifdef LOOP_ASAN
	__sanitizer_finish_switch_fiber(t->fake, &l->main_bottom,
	    &l->main_size);
#endif
}

static void
task_main(void)
{
	struct loop	*l = loop_cur;
	struct task	*t = l->cur;

#ifdef LOOP_ASAN
	__sanitizer_finish_switch_fiber(NULL, &l->main_bottom, &l->main_size);
#endif
	t->fn(t->arg);
	t->ended = true;
	task_yield(l, t);	/* never resumed */
	abort();
}

static void
rq_push(struct loop *l, struct task *t)
{
	if (t->queued)
		return;
	t->queued = true;
	t->next = NULL;
	if (l->rq_tail != NULL)
		l->rq_tail->next = t;
	else
		l->rq_head = t;
	l->rq_tail = t;
}

static struct task *
rq_pop(struct loop *l)
{
	struct task	*t = l->rq_head;

	if (t == NULL)
		return NULL;
	if ((l->rq_head = t->next) == NULL)
		l->rq_tail = NULL;
	t->queued = false;
	return t;
}

/* The wait of t ends with r (first come wins): to the run queue. */
static void
task_wake(struct loop *l, struct task *t, enum wait_result r)
{
	if (!t->waiting)
		return;
	t->waiting = false;
	t->result = r;
	heap_remove(l, t);
	rq_push(l, t);
}

/* --- the public part --------------------------------------------------- */

struct loop *
loop_new(struct mt_err *err)
{
	struct loop	*l;

	if ((l = calloc(1, sizeof(*l))) == NULL) {
		mt_err_set(err, MT_E_INTERNAL, "out of memory");
		return NULL;
	}
	if ((l->ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		mt_err_set(err, MT_E_INTERNAL, "epoll_create1: %s",
		    strerror(errno));
		free(l);
		return NULL;
	}
	l->st.stack_size = LOOP_STACK;
	return l;
}

void
loop_free(struct loop *l)
{
	struct stack	*s;

	if (l == NULL)
		return;
	while ((s = l->free_stacks) != NULL) {
		l->free_stacks = s->next;
		munmap(s->map, s->len);
		free(s);
	}
	free(l->heap);
	close(l->ep);
	free(l);
}

int
loop_spawn(struct loop *l, void (*fn)(void *), void (*done)(void *),
    void *arg, struct mt_err *err)
{
	struct task	**nh;
	struct task	 *t;
	size_t		  cap;

	if (l->live >= l->heapcap) {
		cap = l->heapcap == 0 ? 64 : l->heapcap * 2;
		if ((nh = realloc(l->heap, cap * sizeof(*nh))) == NULL)
			return mt_err_set(err, MT_E_INTERNAL, "out of memory");
		l->heap = nh;
		l->heapcap = cap;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return mt_err_set(err, MT_E_INTERNAL, "out of memory");
	if ((t->stk = stack_get(l)) == NULL) {
		free(t);
		return mt_err_set(err, MT_E_INTERNAL, "no memory for a task's "
		    "stack (%u KiB): %s", LOOP_STACK >> 10, strerror(errno));
	}
	t->l = l;
	t->fn = fn;
	t->done = done;
	t->arg = arg;
	t->hidx = SIZE_MAX;
	if (ctx_make(&t->ctx, (char *)t->stk->map + (t->stk->len -
	    LOOP_STACK), LOOP_STACK, task_main) != 0) {
		stack_put(l, t->stk);
		free(t);
		return mt_err_set(err, MT_E_INTERNAL, "a task's context: %s",
		    strerror(errno));
	}
	l->live++;
	if (l->live > l->st.live_max)
		l->st.live_max = l->live;
	rq_push(l, t);
	return 0;
}

static uint32_t
ev_of(short events)
{
	uint32_t	e = EPOLLONESHOT;

	if (events & POLLIN)
		e |= EPOLLIN;
	if (events & POLLOUT)
		e |= EPOLLOUT;
	if (events & POLLPRI)
		e |= EPOLLPRI;
	return e;
}

static short
revents_of(uint32_t e)
{
	short	r = 0;

	if (e & EPOLLIN)
		r |= POLLIN;
	if (e & EPOLLOUT)
		r |= POLLOUT;
	if (e & EPOLLPRI)
		r |= POLLPRI;
	if (e & EPOLLERR)
		r |= POLLERR;
	if (e & EPOLLHUP)
		r |= POLLHUP;
	return r;
}

bool
loop_task_wait(struct pollfd *pfd, size_t n, int64_t deadline,
    enum wait_result *res)
{
	struct loop		*l = loop_cur;
	struct task		*t;
	struct epoll_event	 ev;
	size_t			 i, armed;
	bool			 ready = false;

	if (l == NULL || (t = l->cur) == NULL)
		return false;
	if (l->broken) {
		errno = EIO;
		*res = WAIT_ERROR;
		return true;
	}
	for (armed = 0; armed < n; armed++) {
		t->slot[armed].t = t;
		t->slot[armed].i = armed;
		memset(&ev, 0, sizeof(ev));
		ev.events = ev_of(pfd[armed].events);
		ev.data.ptr = &t->slot[armed];
		if (epoll_ctl(l->ep, EPOLL_CTL_MOD, pfd[armed].fd, &ev) == 0)
			continue;
		if (errno == ENOENT &&
		    epoll_ctl(l->ep, EPOLL_CTL_ADD, pfd[armed].fd, &ev) == 0)
			continue;
		break;
	}
	if (armed < n) {
		/* (EPERM: a regular file; not ours to wait on) */
		int	e = errno;

		for (i = 0; i < armed; i++)
			(void)epoll_ctl(l->ep, EPOLL_CTL_DEL, pfd[i].fd, NULL);
		errno = e;
		*res = WAIT_ERROR;
		return true;
	}
	t->pfd = pfd;
	t->npfd = n;
	/* Every waiter is in the heap, so that a stop finds them all. */
	t->deadline = deadline < 0 ? INT64_MAX : deadline;
	t->waiting = true;
	heap_push(l, t);
	task_yield(l, t);
	/* Resumed: its fds that did not fire leave the set. */
	for (i = 0; i < n; i++)
		if (pfd[i].revents == 0)
			(void)epoll_ctl(l->ep, EPOLL_CTL_DEL, pfd[i].fd, NULL);
		else
			ready = true;
	t->pfd = NULL;
	t->npfd = 0;
	*res = ready ? WAIT_READY : t->result;
	if (*res == WAIT_ERROR)
		errno = EIO;
	return true;
}

/* Every waiting task, resumed with r (a stop, or a broken loop). */
static void
loop_wake_all(struct loop *l, enum wait_result r)
{
	while (l->nheap > 0)
		task_wake(l, l->heap[0], r);
}

/* A task that ended: its stack back, its done(). */
static void
task_reap(struct loop *l, struct task *t)
{
	void	(*done)(void *) = t->done;
	void	*arg = t->arg;

	stack_put(l, t->stk);
	free(t);
	l->live--;
	l->st.tasks++;
	if (done != NULL)
		done(arg);
}

/* The stop pipe in the set (level-triggered; an event without a slot). */
static void
loop_arm_stop(struct loop *l)
{
	struct epoll_event	ev;
	int			fd = wait_stop_rfd();

	if (l->stop_armed || fd < 0)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	if (epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev) == 0)
		l->stop_armed = true;
	/* else the flag is seen when the next wait ends (EINTR at least) */
}

static void
loop_see_stop(struct loop *l)
{
	if (l->stop_seen || !wait_stopped())
		return;
	l->stop_seen = true;
	if (l->stop_armed) {
		(void)epoll_ctl(l->ep, EPOLL_CTL_DEL, wait_stop_rfd(), NULL);
		l->stop_armed = false;
	}
	loop_wake_all(l, WAIT_STOPPED);
}

/* Milliseconds for epoll_wait() until instant until (INT64_MAX: none). */
static int
loop_ms(int64_t until)
{
	int64_t	left;

	if (until == INT64_MAX)
		return -1;
	left = until - mt_mono_ns();
	if (left <= 0)
		return 0;
	left = (left + 999999) / 1000000;
	return left > INT32_MAX ? INT32_MAX : (int)left;
}

/* The events of one epoll_wait(), then the deadlines that passed. */
static void
loop_dispatch(struct loop *l, const struct epoll_event *evs, int n)
{
	struct slot	*s;
	int64_t		 now;
	int		 i;

	for (i = 0; i < n; i++) {
		if ((s = evs[i].data.ptr) == NULL)
			continue;	/* the stop pipe: loop_see_stop() */
		/* (a task woken by its other fd in this turn takes it too) */
		if (s->t->pfd != NULL)
			s->t->pfd[s->i].revents = revents_of(evs[i].events);
		task_wake(l, s->t, WAIT_READY);
	}
	now = mt_mono_ns();
	while (l->nheap > 0 && l->heap[0]->deadline <= now)
		task_wake(l, l->heap[0], WAIT_TIMEOUT);
}

int
loop_run(struct loop *l, int64_t (*feed)(void *), void *arg,
    struct mt_err *err)
{
	struct epoll_event	 evs[LOOP_EVENTS];
	struct task		*t;
	int64_t			 next = WAIT_FOREVER, until;
	bool			 fed = false, ended;
	int			 n, rc = 0;

	loop_cur = l;
	loop_arm_stop(l);
	for (;;) {
		loop_see_stop(l);
		if (!fed && (feed == NULL || (next = feed(arg)) == LOOP_DONE))
			fed = true;
		ended = false;
		while ((t = rq_pop(l)) != NULL) {
			loop_resume(l, t);
			if (t->ended) {
				task_reap(l, t);
				ended = true;
			}
		}
		if (fed && l->live == 0)
			break;
		if (ended && !fed)
			continue;	/* room for feed() to start more */
		until = l->nheap > 0 ? l->heap[0]->deadline : INT64_MAX;
		if (!fed && next >= 0 && next < until)
			until = next;
		n = epoll_wait(l->ep, evs, LOOP_EVENTS, loop_ms(until));
		l->st.polls++;
		if (n < 0 && errno != EINTR) {
			/* Nothing can be waited for: every task fails. */
			if (rc == 0) {
				mt_err_set(err, MT_E_INTERNAL,
				    "epoll_wait: %s", strerror(errno));
				rc = -1;
			}
			l->broken = true;
			fed = true;
			loop_wake_all(l, WAIT_ERROR);
			continue;
		}
		loop_dispatch(l, evs, n < 0 ? 0 : n);
	}
	loop_cur = NULL;
	return rc;
}

void *
loop_task_arg(void)
{
	struct loop	*l = loop_cur;

	return l != NULL && l->cur != NULL ? l->cur->arg : NULL;
}

size_t
loop_live(const struct loop *l)
{
	return l->live;
}

void
loop_get_stats(const struct loop *l, struct loop_stats *out)
{
	*out = l->st;
}
