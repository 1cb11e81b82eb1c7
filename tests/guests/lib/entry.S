/*
 * Interrupt and exception entry, and the ring-3 trampoline.
 *
 * trap_stubs: 256 stubs of 16 bytes each; stub N pushes a zero error code
 * (unless the CPU pushed one), then N, and jumps to trap_common, which
 * saves the general registers as struct trap_frame (lib.h), calls
 * trap_handle(frame) and returns with IRETQ to frame->rip (which the
 * handler may have moved to an exception-table fixup).
 * Vector USER_VECTOR (0x80) has its own stub, user_gate: ring 3 ends a
 * user_run() there.  No policy here: lib/trap.c decides.
 */
	.text
	.balign 16
	.globl trap_stubs
trap_stubs:
	.set vec, 0
	.rept 256
	.balign 16
	/* The CPU pushes an error code for 8, 10-14, 17, 21, 29 and 30. */
	.if !((vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30))
	pushq	$0
	.endif
	pushq	$vec
	jmp	trap_common
	.set vec, vec + 1
	.endr

trap_common:
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%rbp
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	cld
	mov	%rsp, %rdi
	call	trap_handle
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rbp
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
	add	$16, %rsp		/* vector, error code */
	iretq

/*
 * u64 user_run_asm(void (*fn)(void)): save the callee-saved registers and
 * RSP, then IRETQ to fn at CPL 3 on user_stack_top with IF = 0.
 */
	.globl user_run_asm
user_run_asm:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, user_saved_rsp(%rip)
	pushq	$0x1b			/* SS = USER_DS */
	pushq	$user_stack_top		/* RSP */
	pushq	$0x2			/* RFLAGS: IF = 0, IOPL 0 */
	pushq	$0x23			/* CS = USER_CS */
	pushq	%rdi			/* RIP = fn */
	iretq

/*
 * user_gate: "int $0x80" from ring 3 with the result in RAX; we arrive on
 * the TSS RSP0 stack and drop that frame.  user_abort(v) (called by
 * trap.c for a ring-3 exception) takes the same way back.
 */
	.globl user_gate, user_abort
user_abort:
	mov	%rdi, %rax
user_gate:
	mov	$0x10, %ecx
	mov	%ecx, %ss
	mov	%ecx, %ds
	mov	%ecx, %es
	mov	user_saved_rsp(%rip), %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret

	.bss
	.balign 8
user_saved_rsp:
	.quad 0
	.balign 4096
	.globl trap_stack_top
user_stack:
	.skip 8192
user_stack_top:
trap_stack:
	.skip 8192
trap_stack_top:
