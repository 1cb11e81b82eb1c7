/*
 * Entry from a multiboot1 (QEMU -kernel) or multiboot2 (GRUB) loader.
 *
 * Contract on entry: 32-bit protected mode, paging off, flat segments,
 * EAX = loader magic, EBX = physical address of the boot information,
 * interrupts off, no usable stack.
 *
 * This file builds a temporary identity map of the first 4 GiB with 2 MiB
 * pages, enters long mode and calls start_amphi(magic, info) on the boot
 * stack.  It makes no decisions beyond "this CPU has long mode": everything
 * else happens in C.
 */
#include <asm/multiboot.h>

#define BOOT_STACK_SIZE 16384

	.section .text.head, "ax"
	.code32
	.globl __start
__start:
	jmp	start32

	/* Multiboot 1 header: must be in the first 8 KiB, 4-byte aligned. */
	.balign 4
mb1_header:
	.long	MB1_HEADER_MAGIC
	.long	MB1_HDR_MEMINFO | MB1_HDR_ADDRESS
	.long	-(MB1_HEADER_MAGIC + (MB1_HDR_MEMINFO | MB1_HDR_ADDRESS))
	.long	mb1_header		/* header_addr */
	.long	__image_start		/* load_addr */
	.long	__load_end		/* load_end_addr */
	.long	__bss_end		/* bss_end_addr */
	.long	__start			/* entry_addr */

	/* Multiboot 2 header: 8-byte aligned, tags 8-byte aligned. */
	.balign 8
mb2_header:
	.long	MB2_HEADER_MAGIC
	.long	MB2_ARCH_I386
	.long	mb2_header_end - mb2_header
	.long	-(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* Address tag: load as a flat image, like the multiboot1 header. */
	.balign 8
	.short	MB2_HDR_TAG_ADDRESS, 0
	.long	24
	.long	mb2_header
	.long	__image_start
	.long	__load_end
	.long	__bss_end
	.balign 8
	.short	MB2_HDR_TAG_ENTRY, 0
	.long	12
	.long	__start
	.balign 8
	.short	MB2_HDR_TAG_END, 0
	.long	8
mb2_header_end:

start32:
	cld
	/* Keep the loader's arguments in .data (.bss is wiped below). */
	mov	%eax, boot_magic
	mov	%ebx, boot_info_pa
	/* Then the TSC, for the boot-time benchmark. */
	rdtsc
	mov	%eax, boot_tsc
	mov	%edx, boot_tsc + 4

	/* Zero .bss (the loaders are not all trusted to). */
	mov	$__bss_start, %edi
	mov	$__bss_end, %ecx
	sub	%edi, %ecx
	xor	%eax, %eax
	rep stosb

	mov	$boot_stack + BOOT_STACK_SIZE, %esp

	/* Long mode available?  Otherwise say so on COM1 and stop. */
	mov	$0x80000000, %eax
	cpuid
	cmp	$0x80000001, %eax
	jb	no_long_mode
	mov	$0x80000001, %eax
	cpuid
	bt	$29, %edx
	jnc	no_long_mode
	mov	%edx, %ebp		/* keep the NX bit (20) for below */

	/* PML4[0] -> PDPT; PDPT[0..3] -> four PDs of 2 MiB pages. */
	mov	$boot_pdpt + 0x3, %eax
	mov	%eax, boot_pml4
	mov	$boot_pd, %edx
	mov	$boot_pdpt, %ebx
	mov	$4, %ecx
1:	lea	0x3(%edx), %eax
	mov	%eax, (%ebx)
	add	$8, %ebx
	add	$4096, %edx
	loop	1b
	mov	$boot_pd, %ebx
	mov	$0x83, %eax		/* present, writable, 2 MiB */
	xor	%edx, %edx
	mov	$2048, %ecx
2:	mov	%eax, (%ebx)
	mov	%edx, 4(%ebx)
	add	$8, %ebx
	add	$0x200000, %eax
	adc	$0, %edx
	loop	2b

	mov	%cr4, %eax
	or	$(1 << 5), %eax		/* PAE */
	mov	%eax, %cr4
	mov	$boot_pml4, %eax
	mov	%eax, %cr3
	mov	$0xC0000080, %ecx	/* EFER */
	rdmsr
	or	$(1 << 8), %eax		/* LME */
	bt	$20, %ebp
	jnc	3f
	or	$(1 << 11), %eax	/* NXE, if the CPU has NX */
3:	wrmsr
	mov	%cr0, %eax
	or	$0x80010001, %eax	/* PG | WP | PE */
	mov	%eax, %cr0

	lgdt	boot_gdt_desc
	ljmp	$0x08, $start64

no_long_mode:
	mov	$msg_no_lm, %esi
4:	lodsb
	test	%al, %al
	jz	5f
	mov	%al, %bl
	mov	$0x3fd, %dx		/* wait for THR empty */
6:	in	%dx, %al
	test	$0x20, %al
	jz	6b
	mov	$0x3f8, %dx
	mov	%bl, %al
	out	%al, %dx
	jmp	4b
5:	cli
	hlt
	jmp	5b

	.code64
start64:
	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	mov	$boot_stack + BOOT_STACK_SIZE, %rsp
	xor	%ebp, %ebp		/* terminates stack traces */
	mov	boot_magic(%rip), %edi
	mov	boot_info_pa(%rip), %esi
	call	start_amphi
	ud2

	.section .rodata
msg_no_lm:
	.asciz	"Amphi: this CPU has no long mode (x86-64); it cannot run here.\r\n"

	.balign 8
boot_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: data */
boot_gdt_end:
boot_gdt_desc:
	.short	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt

	.section .bss.page_aligned, "aw", @nobits
	.balign 4096
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4096 * 4
	.globl boot_stack
boot_stack:	.skip BOOT_STACK_SIZE

	.section .data
	.globl boot_tsc
	.balign 8
boot_tsc:	.quad 0
boot_magic:	.long 0
boot_info_pa:	.long 0
