/*
 * An HVM guest that only computes (tests/linux/xl-hvm-test.sh, side by
 * side): SeaBIOS loads this boot sector from the guest's IDE disk at
 * 0x7C00; it counts in ECX with interrupts off, for ever, and every 2^27
 * rounds prints how many such blocks it has done on the debug port 0xE9
 * (the hypervisor's console, read back with xl dmesg) as "spin: " and 8
 * hex digits.  The
 * port is the hypervisor's own, so the loop never waits for dom0: its
 * rate is the CPU time the scheduler gives it.
 *
 * Built with GNU as and ld (--oformat binary, -Ttext 0x7c00).
 */
#include "bootsector.inc"
	.code16
	.text
	.globl	_start
_start:
	BOOT_START
	movw	$msg, %si
	call	puts
	xorl	%ecx, %ecx
	xorl	%edi, %edi
1:	incl	%ecx
	testl	$0x7ffffff, %ecx
	jnz	1b
	incl	%edi
	movw	$prefix, %si
	call	puts
	movl	%edi, %edx
	movw	$8, %bx
2:	roll	$4, %edx
	movb	%dl, %al
	andb	$0xf, %al
	addb	$'0', %al
	cmpb	$'9', %al
	jbe	3f
	addb	$'a' - '9' - 1, %al
3:	outb	%al, $0xe9
	decw	%bx
	jnz	2b
	movb	$'\n', %al
	outb	%al, $0xe9
	jmp	1b

	BOOT_PUTS

msg:	.asciz	"spin: counting\n"
prefix:	.asciz	"spin: "

	.org	510
	.byte	0x55, 0xaa
