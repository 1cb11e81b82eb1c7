/*
 * Exception and interrupt entry stubs.
 *
 * Contract: every vector has a stub that pushes an error code (a dummy 0
 * where the CPU pushes none) and the vector number, then jumps to
 * common_entry, which saves the general registers in the order of struct
 * cpu_regs, calls do_trap(regs) with a 16-byte aligned stack, restores the
 * registers (do_trap may change them, e.g. RIP for an exception fixup) and
 * returns with IRETQ.  Hypervisor code runs at CPL 0 only, so no SWAPGS.
 */
	.text
	.code64

/* Vectors where the CPU pushes an error code: 8, 10-14, 17, 21, 29, 30. */
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
		    (v) == 21 || (v) == 29 || (v) == 30)

	.balign 16
	.globl trap_stubs
trap_stubs:
	vec = 0
	.rept 256
	.balign 16
	.if !HAS_ERR(vec)
	pushq	$0
	.endif
	pushq	$vec
	jmp	common_entry
	vec = vec + 1
	.endr

common_entry:
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
	mov	%rsp, %rdi
	mov	%rsp, %rbx
	and	$~15, %rsp
	/* Frame pointer chain: let stack traces walk from the faulting RBP. */
	mov	0x40(%rbx), %rbp
	call	do_trap
	mov	%rbx, %rsp
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
