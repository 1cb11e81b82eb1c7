/*
 * A domain started in real mode at F000:FFF0 (the "realmode" domain
 * option): proves it really runs in real mode - CS = F000, CR0.PE = 0,
 * segment:offset arithmetic (ES=0x1000:0 and FS=0x0FFF:0x10 are the same
 * byte, linear 0x10000), selectors that name no descriptor load fine -
 * and that CPUID shows Xen.  Output goes to port 0xE9 (a domU); the end
 * is "cli; hlt", which in Xen's semantics takes the vCPU down and so the
 * domain powers off.
 *
 * Registers: DS = CS = F000 (strings are offsets in that segment),
 * SS:SP = 0:7000, SI = string for puts.
 */
	.code16
	.text
start16:
	cli
	cld
	xor	%ax, %ax
	mov	%ax, %ss
	mov	$0x7000, %sp
	mov	%cs, %ax
	mov	%ax, %ds

	mov	$msg_hello, %si
	call	puts

	mov	%cs, %ax
	cmp	$0xf000, %ax
	mov	$msg_fail_cs, %si
	jne	fail
	mov	$msg_ok_cs, %si
	call	puts

	smsw	%ax
	test	$1, %al
	mov	$msg_fail_pe, %si
	jnz	fail
	mov	$msg_ok_pe, %si
	call	puts

	/* ES:0 with ES = 0x1000 and FS:0x10 with FS = 0x0FFF are both
	 * linear 0x10000 in real mode (base = selector * 16). */
	mov	$0x1000, %ax
	mov	%ax, %es
	mov	$0x0fff, %ax
	mov	%ax, %fs
	movw	$0x5aa5, %es:0
	cmpw	$0x5aa5, %fs:0x10
	mov	$msg_fail_seg, %si
	jne	fail
	movw	$0xbeef, %fs:0x12
	cmpw	$0xbeef, %es:2
	jne	fail
	mov	$msg_ok_seg, %si
	call	puts

	/* 0x1234 is no valid selector for any GDT we could have: loading
	 * it only works in real mode, where GS:0 is linear 0x12340 =
	 * 0x1000:0x2340. */
	mov	$0x1234, %ax
	mov	%ax, %gs
	movw	$0xc0de, %gs:0
	mov	$0x1000, %ax
	mov	%ax, %es
	cmpw	$0xc0de, %es:0x2340
	mov	$msg_fail_sel, %si
	jne	fail
	mov	$msg_ok_sel, %si
	call	puts

	/* 32-bit operands with the 0x66 prefix, and CPUID. */
	mov	$0x40000000, %eax
	xor	%ecx, %ecx
	cpuid
	cmp	$0x566e6558, %ebx	/* "XenV" */
	mov	$msg_fail_cpuid, %si
	jne	fail
	cmp	$0x4d4d566e, %edx	/* "nVMM" */
	jne	fail
	mov	$msg_ok_cpuid, %si
	call	puts

	mov	$msg_success, %si
	call	puts
	jmp	down



msg_hello:	.asciz "realmode: started at F000:FFF0\n"
msg_ok_cs:	.asciz "realmode: PASS: CS = F000\n"
msg_ok_pe:	.asciz "realmode: PASS: CR0.PE clear (smsw)\n"
msg_ok_seg:	.asciz "realmode: PASS: ES=1000:0 and FS=0FFF:10 are both linear 0x10000\n"
msg_ok_sel:	.asciz "realmode: PASS: selector 0x1234 loads (no descriptor tables)\n"
msg_ok_cpuid:	.asciz "realmode: PASS: CPUID 0x40000000 says XenVMMXenVMM\n"
msg_fail:	.asciz "realmode: FAIL: "
msg_fail_cs:	.asciz "CS is not F000\n"
msg_fail_pe:	.asciz "CR0.PE is set\n"
msg_fail_seg:	.asciz "segment arithmetic: ES:0 and FS:10 differ\n"
msg_fail_sel:	.asciz "GS=0x1234 does not address linear 0x12340\n"
msg_fail_cpuid:	.asciz "no Xen signature at CPUID 0x40000000\n"

#include "../lib/reset16_tail.inc"
