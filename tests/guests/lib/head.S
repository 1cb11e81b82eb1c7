/*
 * PVH entry of every test guest.
 *
 * In (docs/xen-abi.md §A.2): 32-bit protected mode, paging off, flat CS and
 * DS/ES/SS, IF = 0, EBX = guest-physical address of struct hvm_start_info.
 * Out: 64-bit mode on boot_stack with our GDT loaded, the identity map of
 * [0, 1 GiB) (2 MiB pages, built statically below) in CR3, and
 * lib_start(start_info) called; it does not return.
 * Everything here is at its link address (the image is linked at 1 MiB
 * and loaded at its ELF physical addresses), so absolute references work
 * before and after paging is on.
 */
#define XEN_ELFNOTE_GUEST_OS 6
#define XEN_ELFNOTE_PHYS32_ENTRY 18

#define ELFNOTE(type, desc)			\
	.pushsection .note.Xen, "a", @note;	\
	.balign 4;				\
	.long 2f - 1f;				\
	.long 4f - 3f;				\
	.long type;				\
1:	.asciz "Xen";				\
2:	.balign 4;				\
3:	desc;					\
4:	.balign 4;				\
	.popsection

ELFNOTE(XEN_ELFNOTE_GUEST_OS, .asciz "amphi-test-guest")
ELFNOTE(XEN_ELFNOTE_PHYS32_ENTRY, .long pvh_start)

#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define CR0_PE 1
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)

	.section .text.head, "ax"
	.code32
	.globl pvh_start
pvh_start:
	cli
	cld
	mov	%ebx, %esi		/* start_info: keep it across rdmsr */
	lgdt	gdt_desc
	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs
	mov	$boot_stack_top, %esp

	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$boot_pml4, %eax
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	wrmsr
	mov	%cr0, %eax
	or	$(CR0_PG | CR0_PE), %eax
	mov	%eax, %cr0
	ljmp	$0x08, $1f

	.code64
1:	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs
	mov	$boot_stack_top, %rsp
	xor	%ebp, %ebp
	mov	%esi, %edi		/* lib_start(u32 start_info_pa) */
	call	lib_start
2:	cli
	hlt
	jmp	2b

/*
 * GDT: 0x08 kernel code (64-bit), 0x10 kernel data, 0x18 user data,
 * 0x20 user code (64-bit), 0x28 the TSS (16 bytes, filled in by trap.c).
 */
	.section .data
	.balign 16
	.globl gdt
gdt:
	.quad 0
	.quad 0x00af9a000000ffff
	.quad 0x00cf92000000ffff
	.quad 0x00cff2000000ffff
	.quad 0x00affa000000ffff
	.quad 0, 0
gdt_end:
	.balign 8
	.word 0
gdt_desc:				/* 6 bytes read in 32-bit mode, 10 in 64 */
	.word gdt_end - gdt - 1
	.quad gdt

/*
 * The identity map of [0, 1 GiB): 512 2 MiB pages, present, writable and
 * user-accessible (ring-3 tests run on kernel pages; no SMEP/SMAP).
 */
	.section .data.pagetables, "aw"
	.balign 4096
	.globl boot_pml4, boot_pdpt, boot_pd
boot_pml4:
	.quad boot_pdpt + 0x7
	.fill 511, 8, 0
boot_pdpt:
	.quad boot_pd + 0x7
	.fill 511, 8, 0
boot_pd:
	.set i, 0
	.rept 512
	.quad (i << 21) + 0x87
	.set i, i + 1
	.endr

	.section .bss
	.balign 4096
	.globl boot_stack_top
boot_stack:
	.skip 16384
boot_stack_top:
