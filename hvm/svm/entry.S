/*
 * AMD SVM world switch (APM vol. 2 15.5, 15.17, 15.18).
 *
 * void svm_vmrun(struct hvm_regs *regs, paddr_t vmcb_pa,
 *		  paddr_t host_save_pa);
 *
 * Contract:
 *  - Pre: RFLAGS.IF = 0, GIF = 1, on the pCPU that owns @host_save_pa (a
 *    4 KiB page used only as a VMSAVE/VMLOAD image, never VM_HSAVE_PA).
 *    The VMCB holds the guest's RAX, RSP, RIP and RFLAGS; @regs the other
 *    general registers (the RAX/RSP/RIP/RFLAGS slots are not touched).
 *  - VMRUN itself switches only part of the state; FS, GS, TR, LDTR,
 *    KernelGsBase, STAR/LSTAR/CSTAR/SFMASK and SYSENTER_* move with
 *    VMLOAD/VMSAVE (15.5.2).  So: VMSAVE the host's into @host_save_pa,
 *    VMLOAD the guest's, VMRUN, VMSAVE the guest's back into the VMCB,
 *    VMLOAD the host's.  The host's GS base (the per-CPU pointer) is the
 *    guest's in between, so all of it runs with GIF = 0: no interrupt,
 *    NMI or SMI can reach host code then.
 *  - IF is set just before VMRUN (one NOP before it, see below): with
 *    V_INTR_MASKING the host's IF (HIF) decides whether physical
 *    interrupts exit the guest (15.21.1); GIF = 0 keeps them pending until
 *    VMRUN, and IF is cleared right after #VMEXIT.
 *  - Post: guest registers stored in @regs, the VMCB's state save area
 *    updated by #VMEXIT and VMSAVE, host FS/GS/TR/... reloaded, GIF = 1,
 *    IF = 0 (an interrupt that caused the exit stays pending until the
 *    caller enables interrupts; an NMI is taken at STGI).  Callee-saved
 *    registers preserved; caller-saved ones are zeroed so no guest value
 *    lingers in them.
 *
 * Stack while the guest runs (offsets from RSP just before VMRUN):
 *   0: vmcb_pa   8: host_save_pa   16: regs   24..: callee-saved registers
 */
#include <hvm/vcpu.h>

	.text
	.code64

	.globl svm_vmrun
	.type svm_vmrun, @function
svm_vmrun:
	push	%rbp
	mov	%rsp, %rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rdi
	push	%rdx
	push	%rsi

	clgi
	mov	%rdx, %rax
	vmsave	%rax
	mov	%rsi, %rax
	vmload	%rax

	HVM_LOAD_GPRS_BUT_RAX_RDI
	mov	HVM_REG_RDI(%rdi), %rdi

	sti
	/* Not VMRUN straight after STI: QEMU 7.2 carries the STI shadow into
	 * the guest (its VMRUN ends the block without clearing it), where it
	 * hides the V_IRQ we offer from the guest's first instruction
	 * boundary.  GIF = 0 holds interrupts off here either way. */
	nop
	vmrun	%rax
	/* #VMEXIT: host RAX (= vmcb_pa), RSP, RFLAGS restored; GIF = 0. */
	cli
	vmsave	%rax

	push	%rdi
	mov	24(%rsp), %rdi			/* regs */
	HVM_SAVE_GPRS_BUT_RAX_RDI
	popq	HVM_REG_RDI(%rdi)

	mov	8(%rsp), %rax			/* host_save_pa */
	vmload	%rax
	stgi

	xor	%eax, %eax
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	add	$24, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret
	.size svm_vmrun, . - svm_vmrun
