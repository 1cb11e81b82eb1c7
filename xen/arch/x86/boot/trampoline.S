/*
 * AP start-up trampoline: real mode -> protected mode -> long mode.
 *
 * Contract: smpboot.c copies [trampoline_start, trampoline_end) to
 * SMP_TRAMP_CODE_PA (0x8000) and fills the data page at SMP_TRAMP_DATA_PA
 * (layout in asm/smp.h) before sending INIT-SIPI-SIPI with vector 0x08.
 * The AP arrives in real mode at CS:IP = 0x0800:0000, interrupts off, no
 * stack, other segment registers undefined.  The blob never writes to its
 * own page (the final page tables map it read-only); it writes only the
 * stage word in the data page.  It loads CR4, CR3, EFER and CR0 with the
 * values given, then calls ENTRY(EDI = CPU) on STACK with RBP = 0, in
 * 64-bit mode with DS = ES = SS = flat data and FS = GS = null.  ENTRY
 * does not return; if it does, the AP faults on UD2.
 *
 * The code is not linked to run where it is stored: every address it
 * uses is either in the data page or written as (label - trampoline_start
 * + SMP_TRAMP_CODE_PA).  It carries its own GDT with the accessed bits
 * preset, so the CPU never needs to write to it.
 */
#include <asm/smp.h>

#define TRAMP(label)	((label) - trampoline_start + SMP_TRAMP_CODE_PA)
#define DATA(off)	(SMP_TRAMP_DATA_PA + (off))

#define GDT_CODE32	0x08
#define GDT_DATA	0x10
#define GDT_CODE64	0x18

	.section .rodata.trampoline, "a"
	.balign 16
	.globl trampoline_start
trampoline_start:
	.code16
	cli
	cld
	xor	%ax, %ax
	mov	%ax, %ds
	movl	$SMP_STAGE_REAL, DATA(SMP_TRAMP_STAGE)

	/* SDM vol.3 9.9.1: GDT, CR0.PE, then a far jump to reload CS. */
	lgdtl	TRAMP(tramp_gdt_desc)
	mov	%cr0, %eax
	or	$1, %eax			/* PE */
	mov	%eax, %cr0
	ljmpl	$GDT_CODE32, $TRAMP(tramp_prot32)

	.code32
tramp_prot32:
	mov	$GDT_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss

	/*
	 * SDM vol.3 9.8.5: CR4.PAE, CR3, EFER.LME, then CR0.PG; the CPU is
	 * then in compatibility mode until a far jump loads a 64-bit CS.
	 */
	mov	DATA(SMP_TRAMP_CR4), %eax
	mov	%eax, %cr4
	mov	DATA(SMP_TRAMP_CR3), %eax
	mov	%eax, %cr3
	mov	$0xc0000080, %ecx		/* MSR_EFER */
	rdmsr
	or	DATA(SMP_TRAMP_EFER), %eax
	wrmsr
	mov	DATA(SMP_TRAMP_CR0), %eax
	mov	%eax, %cr0
	ljmp	$GDT_CODE64, $TRAMP(tramp_long64)

	.code64
tramp_long64:
	mov	$GDT_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	movl	$SMP_STAGE_LONG, DATA(SMP_TRAMP_STAGE)
	mov	DATA(SMP_TRAMP_STACK), %rsp
	mov	DATA(SMP_TRAMP_CPU), %edi
	mov	DATA(SMP_TRAMP_ENTRY), %rax
	xor	%ebp, %ebp			/* terminates stack traces */
	call	*%rax
	ud2

	.balign 8
tramp_gdt:
	.quad	0
	.quad	0x00cf9b000000ffff		/* 0x08: 32-bit code */
	.quad	0x00cf93000000ffff		/* 0x10: data */
	.quad	0x00af9b000000ffff		/* 0x18: 64-bit code */
tramp_gdt_end:
	.balign 4
	.short	0
tramp_gdt_desc:
	.short	tramp_gdt_end - tramp_gdt - 1
	.long	TRAMP(tramp_gdt)

	.globl trampoline_end
trampoline_end:
