/*
 * SPDX-License-Identifier: BSD-2-Clause
 * ctx.c - the switch between stacks (ctx.h).
 */
#include "ctx.h"

#include <stdint.h>
#include <string.h>

#ifdef CTX_ASM
/*
 * mt_ctx_swap(&save, load): push what the System V ABI has the callee
 * keep (rbp, rbx, r12-r15, MXCSR, the x87 control word), store rsp in
 * *save, take load as rsp, pop the same from there, and return into the
 * other context.
 */
void	mt_ctx_swap(void **save, void *load);
__asm__(
	".text\n"
	".globl mt_ctx_swap\n"
	".hidden mt_ctx_swap\n"
	".type mt_ctx_swap, @function\n"
	".p2align 4\n"
	"mt_ctx_swap:\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	subq $8, %rsp\n"
	"	stmxcsr (%rsp)\n"
	"	fnstcw 4(%rsp)\n"
	"	movq %rsp, (%rdi)\n"
	"	movq %rsi, %rsp\n"
	"	ldmxcsr (%rsp)\n"
	"	fldcw 4(%rsp)\n"
	"	addq $8, %rsp\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	ret\n"
	".size mt_ctx_swap, .-mt_ctx_swap\n");

int
ctx_make(struct ctx *c, void *base, size_t size, void (*entry)(void))
{
	uintptr_t	 top = ((uintptr_t)base + size) & ~(uintptr_t)15;
	uint64_t	*sp = (uint64_t *)top;
	uint32_t	 fp[2] = { 0x1f80, 0x037f };	/* Linux's defaults */
	void		(*fn)(void) = entry;

	/*
	 * From the top: a return address entry() never uses (so that it
	 * starts as a called function does, rsp = 8 mod 16), entry() for the
	 * ret, rbp rbx r12 r13 r14 r15 (zero), MXCSR and the control word.
	 */
	*--sp = 0;
	--sp;
	memcpy(sp, &fn, sizeof(fn));
	sp -= 6;
	memset(sp, 0, 6 * sizeof(*sp));
	--sp;
	memcpy(sp, fp, sizeof(fp));
	c->sp = sp;
	return 0;
}

void
ctx_switch(struct ctx *from, struct ctx *to)
{
	mt_ctx_swap(&from->sp, to->sp);
}
#else
int
ctx_make(struct ctx *c, void *base, size_t size, void (*entry)(void))
{
	if (getcontext(&c->uc) != 0)
		return -1;
	c->uc.uc_stack.ss_sp = base;
	c->uc.uc_stack.ss_size = size;
	c->uc.uc_link = NULL;
	makecontext(&c->uc, entry, 0);
	return 0;
}

void
ctx_switch(struct ctx *from, struct ctx *to)
{
	swapcontext(&from->uc, &to->uc);
}
#endif
