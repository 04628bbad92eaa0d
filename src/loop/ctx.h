/*
 * ctx.h - switching between a task's stack and the loop's (loop.c).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * On x86-64 a switch saves the callee-saved registers, MXCSR and the x87
 * control word on the stack it leaves and loads them from the one it
 * enters (ctx.c, a few instructions); elsewhere it is swapcontext(),
 * which also saves and restores the signal mask: two system calls a
 * switch, and a batch switches twice for every wait.  The tasks of a loop
 * share the thread's signal mask either way (nothing here changes it).
 */
#ifndef MT_LOOP_CTX_H
#define MT_LOOP_CTX_H

#include <stddef.h>

#if defined(__x86_64__) && !defined(MT_LOOP_UCONTEXT)
#define CTX_ASM	1
struct ctx {
	void	*sp;		/* where the registers were saved */
};
#else
#include <ucontext.h>
struct ctx {
	ucontext_t uc;
};
#endif

/*
 * Make c start entry() (which must never return) on the stack [base,
 * base + size) at its first ctx_switch() into it.  0, or -1 (errno).
 */
int	ctx_make(struct ctx *c, void *base, size_t size, void (*entry)(void));
/* Save the running context in from and continue in to. */
void	ctx_switch(struct ctx *from, struct ctx *to);

#endif
