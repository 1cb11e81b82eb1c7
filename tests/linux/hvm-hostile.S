/*
 * A hostile HVM guest's boot sector (tests/linux/xl-hvm-test.sh, hvm-hostile):
 * SeaBIOS loads it from the guest's IDE disk at 0x7C00 and jumps to it in
 * real mode.  It reports on the debug port 0xE9 (the hypervisor's console,
 * read back with xl dmesg), then
 *   1. reads every I/O port once (the hypervisor's devices, QEMU's, and
 *      nobody's);
 *   2. writes pseudo-random bytes, many rounds, to the ports of the PIT,
 *      the PICs and the PCI configuration mechanism (in the hypervisor) and
 *      of the RTC, the IDE channel, the VGA and the serial port (in QEMU);
 *   3. enters "unreal" mode (flat 4 GiB FS) and writes pseudo-random words
 *      into the local APIC page and the IO-APIC window (the hypervisor's)
 *      and the VGA window (QEMU's, with REP STOSW: a string MMIO);
 *   4. loads an empty IDT and raises INT3: a triple fault in real mode.
 * Nothing of this may hurt anything but the guest itself.
 *
 * Built with GNU as and ld (--oformat binary, -Ttext 0x7c00).
 */
#include "bootsector.inc"
	.code16
	.text
	.globl	_start
_start:
	BOOT_START
	movw	$msg_start, %si
	call	puts

	/* 1. Every port, read once. */
	xorw	%dx, %dx
1:	inb	%dx, %al
	incw	%dx
	jnz	1b
	movw	$msg_read, %si
	call	puts

	/* 2. Garbage to the devices' ports, 64 rounds; LFSR in BX. */
	movw	$0xace1, %bx
	movw	$64, %cx
2:	movw	$ports, %si
3:	movw	(%si), %dx
	testw	%dx, %dx
	jz	4f
	call	rand
	outb	%al, %dx
	addw	$2, %si
	jmp	3b
4:	loop	2b
	movw	$msg_ports, %si
	call	puts

	/* 3. Unreal mode: load FS from a flat descriptor in protected mode,
	 * come back; FS keeps its 4 GiB limit. */
	lgdt	gdt_desc
	movl	%cr0, %eax
	orb	$1, %al
	movl	%eax, %cr0
	jmp	5f
5:	movw	$8, %ax
	movw	%ax, %fs
	movl	%cr0, %eax
	andb	$0xfe, %al
	movl	%eax, %cr0
	jmp	6f
6:	xorw	%ax, %ax
	movw	%ax, %fs
	/* The local APIC page and the IO-APIC window: 256 words each. */
	movl	$0xfee00000, %edi
	call	scribble
	movl	$0xfec00000, %edi
	call	scribble
	/* The VGA window as a string MMIO: 16 KiB of one word. */
	movw	$0xa000, %ax
	movw	%ax, %es
	xorw	%di, %di
	call	rand
	movw	$0x2000, %cx
	rep	stosw
	xorw	%ax, %ax
	movw	%ax, %es
	movw	$msg_mmio, %si
	call	puts

	/* 4. An empty IDT, then INT3: #GP, then a double fault, then the
	 * triple fault. */
	movw	$msg_fault, %si
	call	puts
	lidt	idt_empty
	int3
	movw	$msg_alive, %si
	call	puts
7:	hlt
	jmp	7b

/* scribble: 256 pseudo-random dwords to FS:EDI, EDI += 4 each. */
scribble:
	movw	$256, %cx
1:	call	rand
	movw	%ax, %dx
	call	rand
	shll	$16, %eax
	movw	%dx, %ax
	movl	%eax, %fs:(%edi)
	addl	$4, %edi
	loop	1b
	ret

/* rand: the next value of a 16-bit Galois LFSR in BX, returned in AX. */
rand:
	shrw	$1, %bx
	jnc	1f
	xorw	$0xb400, %bx
1:	movw	%bx, %ax
	ret

	BOOT_PUTS

	.p2align 3
gdt:
	.quad	0
	.quad	0x00cf92000000ffff	/* flat data, 4 GiB, present, writable */
gdt_desc:
	.word	gdt_desc - gdt - 1
	.long	gdt
idt_empty:
	.word	0
	.long	0

/* The ports scribbled on: PIT, PIC master and slave, PCI configuration
 * (CF8 and CFC-CFF), RTC, IDE primary, VGA, COM1's registers. */
ports:
	.word	0x40, 0x41, 0x42, 0x43, 0x20, 0x21, 0xa0, 0xa1
	.word	0xcf8, 0xcfc, 0xcfd, 0xcfe, 0xcff, 0x70, 0x71
	.word	0x1f1, 0x1f2, 0x1f3, 0x1f4, 0x1f5, 0x1f6, 0x3c0, 0x3c4
	.word	0x3c5, 0x3ce, 0x3cf, 0x3d4, 0x3d5, 0x3f9, 0x3fb, 0x3fc
	.word	0

msg_start:	.asciz	"hostile: runs\n"
msg_read:	.asciz	"hostile: ports read\n"
msg_ports:	.asciz	"hostile: ports written\n"
msg_mmio:	.asciz	"hostile: MMIO written\n"
msg_fault:	.asciz	"hostile: triple fault now\n"
msg_alive:	.asciz	"hostile: FAIL: alive\n"

	.org	510
	.byte	0x55, 0xaa
