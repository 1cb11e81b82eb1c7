/*
 * Intel VMX: entering the guest and coming back (SDM vol. 3 ch. 26-27).
 *
 * Contract:
 *   int vmx_enter(struct hvm_regs *regs, bool resume);   (SysV: %rdi, %esi)
 *
 * Pre: interrupts off; the vCPU's VMCS is current on this CPU with its
 * guest state and every host-state field written except HOST_RSP (written
 * here) and HOST_RIP = vmx_exit_stub.  @resume selects VMRESUME (the VMCS
 * is launched) over VMLAUNCH.
 *
 * Loads the guest's general registers from *regs except RSP (the VMCS
 * holds RSP, RIP and RFLAGS) and enters the guest.  Returns:
 *   0  after a VM exit: the guest's registers are saved back in *regs;
 *   1  VMfailInvalid (CF: no current VMCS), nothing entered;
 *   2  VMfailValid (ZF: see the VM-instruction error field), nothing
 *      entered.  A VMWRITE of HOST_RSP that fails is reported the same.
 *
 * Stack while the guest runs (HOST_RSP points at its lowest word):
 *   [HOST_RSP]      regs pointer
 *   [+8 .. +40]     saved %r15, %r14, %r13, %r12, %rbx
 *   [+48]           saved %rbp (frame pointer), then the return address
 * The CPU restores RSP, RIP, CR3, segment state and EFER/PAT from the host
 * area on exit (27.5) and clears RFLAGS except bit 1, so interrupts stay
 * off.  Callee-saved registers come back from this stack; the
 * caller-saved ones are clobbered, as for any call.  No policy here.
 */
#include "../vcpu.h"
#include "vmcs.h"

	.text
	.code64

	.globl vmx_enter
	.type vmx_enter, @function
vmx_enter:
	push	%rbp
	mov	%rsp, %rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rdi			/* regs, for the exit stub */

	mov	$VMCS_HOST_RSP, %eax
	vmwrite	%rsp, %rax
	jbe	.Lfailed		/* CF or ZF: as for VMLAUNCH */

	/* MOVs leave the flags alone: ZF from this test picks the insn. */
	test	%sil, %sil
	mov	HVM_REG_RAX(%rdi), %rax
	mov	HVM_REG_RBX(%rdi), %rbx
	mov	HVM_REG_RCX(%rdi), %rcx
	mov	HVM_REG_RDX(%rdi), %rdx
	mov	HVM_REG_RSI(%rdi), %rsi
	mov	HVM_REG_RBP(%rdi), %rbp
	mov	HVM_REG_R8(%rdi), %r8
	mov	HVM_REG_R9(%rdi), %r9
	mov	HVM_REG_R10(%rdi), %r10
	mov	HVM_REG_R11(%rdi), %r11
	mov	HVM_REG_R12(%rdi), %r12
	mov	HVM_REG_R13(%rdi), %r13
	mov	HVM_REG_R14(%rdi), %r14
	mov	HVM_REG_R15(%rdi), %r15
	mov	HVM_REG_RDI(%rdi), %rdi
	jnz	1f
	vmlaunch
	jmp	.Lfailed
1:	vmresume

	/* 30.3: falling through means the entry failed before the guest
	 * ran; CF = VMfailInvalid, ZF = VMfailValid.  Our registers hold
	 * guest values: everything we need is on the stack. */
.Lfailed:
	mov	$2, %eax
	jz	2f
	mov	$1, %eax
2:	add	$8, %rsp		/* regs */
	jmp	.Lreturn

	/* HOST_RIP.  RSP = HOST_RSP; every other GPR is the guest's. */
	.globl vmx_exit_stub
	.type vmx_exit_stub, @function
vmx_exit_stub:
	push	%rdi
	mov	8(%rsp), %rdi		/* regs */
	mov	%rax, HVM_REG_RAX(%rdi)
	mov	%rbx, HVM_REG_RBX(%rdi)
	mov	%rcx, HVM_REG_RCX(%rdi)
	mov	%rdx, HVM_REG_RDX(%rdi)
	mov	%rsi, HVM_REG_RSI(%rdi)
	mov	%rbp, HVM_REG_RBP(%rdi)
	mov	%r8, HVM_REG_R8(%rdi)
	mov	%r9, HVM_REG_R9(%rdi)
	mov	%r10, HVM_REG_R10(%rdi)
	mov	%r11, HVM_REG_R11(%rdi)
	mov	%r12, HVM_REG_R12(%rdi)
	mov	%r13, HVM_REG_R13(%rdi)
	mov	%r14, HVM_REG_R14(%rdi)
	mov	%r15, HVM_REG_R15(%rdi)
	popq	HVM_REG_RDI(%rdi)
	add	$8, %rsp		/* regs */
	xor	%eax, %eax

.Lreturn:
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret
	.size vmx_enter, . - vmx_enter
