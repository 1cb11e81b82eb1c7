/*
 * Architectural facts of x86-64, once for the whole tree: control-register,
 * EFLAGS and XCR0 bits, segment attributes and the exception vectors (Intel
 * SDM vol. 3 ch. 2, 3.4.5, 6 and vol. 1 ch. 13; AMD APM vol. 2 ch. 3, 4, 8,
 * 11).  MSR numbers are in asm/msr-index.h; the checks built on these facts
 * (what a guest may write) are in hvm/x86.c.
 */
#ifndef ASM_X86_DEFNS_H
#define ASM_X86_DEFNS_H

/* CR0 (SDM vol. 3 2.5, APM vol. 2 3.1.1).  Bits 63:32 are reserved. */
#define X86_CR0_PE		(1UL << 0)	/* protection enable */
#define X86_CR0_MP		(1UL << 1)	/* monitor coprocessor */
#define X86_CR0_EM		(1UL << 2)	/* x87 emulation */
#define X86_CR0_TS		(1UL << 3)	/* task switched */
#define X86_CR0_ET		(1UL << 4)	/* extension type: reads 1 */
#define X86_CR0_NE		(1UL << 5)	/* native x87 errors */
#define X86_CR0_WP		(1UL << 16)	/* supervisor write protect */
#define X86_CR0_AM		(1UL << 18)	/* alignment mask */
#define X86_CR0_NW		(1UL << 29)	/* not write-through */
#define X86_CR0_CD		(1UL << 30)	/* cache disable */
#define X86_CR0_PG		(1UL << 31)	/* paging */
/* Every defined CR0 bit: writes to the other low bits are ignored. */
#define X86_CR0_KNOWN		(X86_CR0_PE | X86_CR0_MP | X86_CR0_EM | \
				 X86_CR0_TS | X86_CR0_ET | X86_CR0_NE | \
				 X86_CR0_WP | X86_CR0_AM | X86_CR0_NW | \
				 X86_CR0_CD | X86_CR0_PG)

/* CR4 (SDM vol. 3 2.5, APM vol. 2 3.1.3).  Each needs a CPUID feature,
 * except PCE; the others are reserved and must be 0. */
#define X86_CR4_VME		(1UL << 0)
#define X86_CR4_PVI		(1UL << 1)
#define X86_CR4_TSD		(1UL << 2)
#define X86_CR4_DE		(1UL << 3)
#define X86_CR4_PSE		(1UL << 4)
#define X86_CR4_PAE		(1UL << 5)
#define X86_CR4_MCE		(1UL << 6)
#define X86_CR4_PGE		(1UL << 7)
#define X86_CR4_PCE		(1UL << 8)
#define X86_CR4_OSFXSR		(1UL << 9)
#define X86_CR4_OSXMMEXCPT	(1UL << 10)
#define X86_CR4_UMIP		(1UL << 11)
#define X86_CR4_LA57		(1UL << 12)
#define X86_CR4_VMXE		(1UL << 13)
#define X86_CR4_SMXE		(1UL << 14)
#define X86_CR4_FSGSBASE	(1UL << 16)
#define X86_CR4_PCIDE		(1UL << 17)
#define X86_CR4_OSXSAVE		(1UL << 18)
#define X86_CR4_SMEP		(1UL << 20)
#define X86_CR4_SMAP		(1UL << 21)
#define X86_CR4_PKE		(1UL << 22)
#define X86_CR4_CET		(1UL << 23)
#define X86_CR4_PKS		(1UL << 24)

/* RFLAGS (SDM vol. 1 3.4.3, vol. 3 2.3). */
#define X86_EFLAGS_CF		(1UL << 0)
#define X86_EFLAGS_FIXED	(1UL << 1)	/* always 1 */
#define X86_EFLAGS_PF		(1UL << 2)	/* parity of the low byte */
#define X86_EFLAGS_AF		(1UL << 4)	/* carry out of bit 3 */
#define X86_EFLAGS_ZF		(1UL << 6)
#define X86_EFLAGS_SF		(1UL << 7)
#define X86_EFLAGS_TF		(1UL << 8)
#define X86_EFLAGS_IF		(1UL << 9)
#define X86_EFLAGS_DF		(1UL << 10)	/* string direction */
#define X86_EFLAGS_OF		(1UL << 11)
#define X86_EFLAGS_IOPL		(3UL << 12)
#define X86_EFLAGS_NT		(1UL << 14)
#define X86_EFLAGS_RF		(1UL << 16)
#define X86_EFLAGS_VM		(1UL << 17)
#define X86_EFLAGS_AC		(1UL << 18)
/* Every defined bit; 3, 5, 15 and 63:22 are reserved and 0. */
#define X86_EFLAGS_KNOWN	0x3f7fd7UL
/* The status flags arithmetic sets (SDM vol. 1 3.4.3.1). */
#define X86_EFLAGS_ARITH	(X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | \
				 X86_EFLAGS_ZF | X86_EFLAGS_SF | X86_EFLAGS_OF)

/* DR6 and DR7 (SDM vol. 3 17.2.3-17.2.4, APM vol. 2 13.1.1): the values
 * at reset, DR6's status bits, DR7's breakpoint enables and GD. */
#define X86_DR6_INIT		0xffff0ff0ULL
#define X86_DR6_B0_3		0xfULL		/* breakpoint 0-3 matched */
#define X86_DR6_BD		(1ULL << 13)	/* debug-register access */
#define X86_DR6_BS		(1ULL << 14)	/* single step */
#define X86_DR7_INIT		0x400ULL
#define X86_DR7_ENABLES		0xffULL		/* L0-3, G0-3 */
#define X86_DR7_GD		(1ULL << 13)	/* general detect */

/* XCR0 state components (SDM vol. 1 13.1, APM vol. 2 11.5.2). */
#define X86_XCR0_X87		(1ULL << 0)
#define X86_XCR0_SSE		(1ULL << 1)
#define X86_XCR0_AVX		(1ULL << 2)
#define X86_XCR0_BNDREGS	(1ULL << 3)
#define X86_XCR0_BNDCSR		(1ULL << 4)
#define X86_XCR0_MPX		(X86_XCR0_BNDREGS | X86_XCR0_BNDCSR)
#define X86_XCR0_OPMASK		(1ULL << 5)
#define X86_XCR0_ZMM_HI256	(1ULL << 6)
#define X86_XCR0_HI16_ZMM	(1ULL << 7)
#define X86_XCR0_AVX512		(X86_XCR0_OPMASK | X86_XCR0_ZMM_HI256 | \
				 X86_XCR0_HI16_ZMM)
#define X86_XCR0_PKRU		(1ULL << 9)
#define X86_XCR0_TILECFG	(1ULL << 17)
#define X86_XCR0_TILEDATA	(1ULL << 18)
#define X86_XCR0_AMX		(X86_XCR0_TILECFG | X86_XCR0_TILEDATA)

/*
 * Segment attributes in the packed form the VMCB and struct hvm_seg use:
 * descriptor bits 47:40 in 7:0 and 55:52 in 11:8 (SDM vol. 3 3.4.5, APM
 * vol. 2 15.5.1).
 */
#define X86_SEG_ATTR_TYPE(a)	((a) & 0xf)
#define X86_SEG_ATTR_S		(1U << 4)	/* code or data, not system */
#define X86_SEG_ATTR_DPL(a)	(((a) >> 5) & 3)
#define X86_SEG_ATTR_P		(1U << 7)
#define X86_SEG_ATTR_L		(1U << 9)	/* 64-bit code */
#define X86_SEG_ATTR_DB		(1U << 10)
#define X86_SEG_ATTR_G		(1U << 11)

/* Exception vectors (SDM vol. 3 table 6-1, APM vol. 2 table 8-1). */
#define TRAP_DE			0	/* divide error */
#define TRAP_DB			1	/* debug */
#define TRAP_NMI		2
#define TRAP_BP			3	/* breakpoint (INT3) */
#define TRAP_OF			4	/* overflow (INTO) */
#define TRAP_BR			5	/* BOUND range */
#define TRAP_UD			6	/* invalid opcode */
#define TRAP_NM			7	/* device not available */
#define TRAP_DF			8	/* double fault */
#define TRAP_TS			10	/* invalid TSS */
#define TRAP_NP			11	/* segment not present */
#define TRAP_SS			12	/* stack fault */
#define TRAP_GP			13	/* general protection */
#define TRAP_PF			14	/* page fault */
#define TRAP_MF			16	/* x87 error */
#define TRAP_AC			17	/* alignment check */
#define TRAP_MC			18	/* machine check */
#define TRAP_XM			19	/* SIMD exception */
#define TRAP_VE			20	/* virtualization exception */
#define TRAP_CP			21	/* control protection */
#define TRAP_VC			29	/* VMM communication (AMD SEV-ES) */
#define TRAP_SX			30	/* security exception (AMD) */

/*
 * The vectors that push an error code: #DF, #TS, #NP, #SS, #GP, #PF, #AC,
 * #CP, and AMD's #VC and #SX (SDM vol. 3 6.13 and table 6-1, APM vol. 2
 * 8.2).  Delivery in real mode pushes none.
 */
#define X86_EXC_HAS_ERROR_CODE	((1U << TRAP_DF) | (1U << TRAP_TS) | \
				 (1U << TRAP_NP) | (1U << TRAP_SS) | \
				 (1U << TRAP_GP) | (1U << TRAP_PF) | \
				 (1U << TRAP_AC) | (1U << TRAP_CP) | \
				 (1U << TRAP_VC) | (1U << TRAP_SX))

#endif
