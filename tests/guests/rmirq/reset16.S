/*
 * Firmware-style work in real mode on a domain with the emulated
 * platform ("realmode,platform" domain options), as SeaBIOS does it
 * before any OS: an IVT entry for IRQ 0, the 8259 pair programmed with
 * the BIOS's vector bases (0x08 and 0x70), the 8254's channel 0 at
 * 1 kHz, the vLAPIC's LINT0 in ExtINT mode, then STI and HLT until the
 * handler has counted 100 ticks - each one the PIC's vector delivered
 * through the real-mode IVT and acknowledged with an EOI.  Then string
 * port I/O in real mode through the instruction emulator: REP INSW from a
 * port nobody claims fills ES:DI with ones, REP OUTSB writes a line to
 * port 0xE9 from DS:SI.  Output on port 0xE9; "cli; hlt" powers off.
 */
#define PIT_HZ		1193182
#define TICKS		100
#define MSR_APIC_BASE	0x1b
#define APIC_BASE_EXTD	0x400
#define MSR_X2APIC_SVR	0x80f
#define MSR_X2APIC_LINT0 0x835
#define ticks		0x500	/* a word in the BIOS data area */

	.code16
	.text
start16:
	cli
	cld
	xor	%ax, %ax
	mov	%ax, %ss
	mov	$0x7000, %sp
	mov	%ax, %es
	mov	%cs, %ax
	mov	%ax, %ds

	mov	$msg_hello, %si
	call	puts

	/* IVT[8] = F000:irq0 (linear 0x20). */
	movw	$irq0, %es:0x20
	movw	%cs, %es:0x22
	movw	$0, %es:ticks

	/* The PICs as SeaBIOS programs them: edge, cascade on IRQ 2,
	 * 8086 mode, bases 0x08 and 0x70; then only IRQ 0 unmasked. */
	mov	$0x11, %al
	out	%al, $0x20
	out	%al, $0xa0
	mov	$0x08, %al
	out	%al, $0x21
	mov	$0x70, %al
	out	%al, $0xa1
	mov	$0x04, %al
	out	%al, $0x21
	mov	$0x02, %al
	out	%al, $0xa1
	mov	$0x01, %al
	out	%al, $0x21
	out	%al, $0xa1
	mov	$0xfe, %al
	out	%al, $0x21
	mov	$0xff, %al
	out	%al, $0xa1

	/* The PIC reaches the core through LINT0 as ExtINT (SDM vol. 3
	 * 11.5.1); the vLAPIC, in xAPIC mode as after a reset, switched to
	 * x2APIC mode (11.12.5: its MSRs work in any CPU mode) and
	 * software-enabled. */
	mov	$MSR_APIC_BASE, %ecx
	rdmsr
	or	$APIC_BASE_EXTD, %eax
	wrmsr
	mov	$MSR_X2APIC_SVR, %ecx
	mov	$0x1ff, %eax
	xor	%edx, %edx
	wrmsr
	mov	$MSR_X2APIC_LINT0, %ecx
	mov	$0x700, %eax
	wrmsr

	/* Channel 0, lobyte/hibyte, mode 2, 1 kHz. */
	mov	$0x34, %al
	out	%al, $0x43
	mov	$(PIT_HZ / 1000), %ax
	out	%al, $0x40
	mov	%ah, %al
	out	%al, $0x40

	mov	$msg_wait, %si
	call	puts
	sti
1:	hlt
	cmpw	$TICKS, %es:ticks
	jb	1b
	cli
	mov	$msg_ok_ticks, %si
	call	puts

	/* REP INSW from an unclaimed port into 0:0x8000 (8 words). */
	movw	$0, %es:0x8000
	movw	$0, %es:0x800e
	mov	$0x8000, %di
	mov	$8, %cx
	mov	$0x2a0, %dx
	rep insw
	cmp	$0x8010, %di
	mov	$msg_fail_ins, %si
	jne	fail
	test	%cx, %cx
	jnz	fail
	cmpw	$0xffff, %es:0x8000
	jne	fail
	cmpw	$0xffff, %es:0x800e
	jne	fail
	mov	$msg_ok_ins, %si
	call	puts

	/* REP OUTSB of a whole line from DS:SI. */
	mov	$msg_outs, %si
	mov	$(msg_outs_end - msg_outs), %cx
	mov	$0xe9, %dx
	rep outsb
	test	%cx, %cx
	mov	$msg_fail_outs, %si
	jnz	fail

	mov	$msg_success, %si
	call	puts
	jmp	down


/* IRQ 0: count, EOI to the master PIC. */
irq0:
	push	%ax
	push	%ds
	xor	%ax, %ax
	mov	%ax, %ds
	incw	ticks
	mov	$0x20, %al
	out	%al, $0x20
	pop	%ds
	pop	%ax
	iret


msg_hello:	.asciz "rmirq: started at F000:FFF0\n"
msg_wait:	.asciz "rmirq: PIC, PIT and LINT0 set up; STI, HLT\n"
msg_ok_ticks:	.asciz "rmirq: PASS: 100 PIT ticks through the PIC and the real-mode IVT\n"
msg_ok_ins:	.asciz "rmirq: PASS: rep insw from an unclaimed port fills ES:DI with ones\n"
msg_outs:	.ascii "rmirq: PASS: rep outsb from DS:SI in real mode\n"
msg_outs_end:
msg_fail:	.asciz "rmirq: FAIL: "
msg_fail_ins:	.asciz "rep insw did not fill 8 words with ones\n"
msg_fail_outs:	.asciz "rep outsb left CX non-zero\n"

#include "../lib/reset16_tail.inc"
