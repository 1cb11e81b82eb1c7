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
#include <hvm/vcpu.h>
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
	HVM_LOAD_GPRS_BUT_RAX_RDI
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
	HVM_SAVE_GPRS_BUT_RAX_RDI
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
