/*
 * AMD SVM: the Virtual Machine Control Block (APM vol. 2 appendix B).
 *
 * One 4 KiB page per vCPU: the control area (offsets 0x000-0x3ff, table
 * B-1) says what to intercept and how to enter; the state save area
 * (0x400-, table B-2) holds the guest state VMRUN loads and #VMEXIT
 * stores, plus the part only VMLOAD/VMSAVE move (FS, GS, TR, LDTR,
 * KernelGsBase, STAR/LSTAR/CSTAR/SFMASK, SYSENTER_*).  Only hvm/svm/
 * includes this header.
 */
#ifndef HVM_SVM_VMCB_H
#define HVM_SVM_VMCB_H

#include <xen/lib.h>
#include <xen/types.h>
#include <hvm/vcpu.h>

/* CR intercepts, control offset 0x000: reads in bits 0-15, writes 16-31. */
#define VMCB_CR_WRITE(n)	(1U << (16 + (n)))

/* Intercept vector 3, control offset 0x00c (table B-1). */
#define VMCB_I3_INTR		(1U << 0)
#define VMCB_I3_NMI		(1U << 1)
#define VMCB_I3_SMI		(1U << 2)
#define VMCB_I3_INIT		(1U << 3)
#define VMCB_I3_VINTR		(1U << 4)
#define VMCB_I3_RDTSC		(1U << 14)
#define VMCB_I3_RDPMC		(1U << 15)
#define VMCB_I3_CPUID		(1U << 18)
#define VMCB_I3_IRET		(1U << 20)
#define VMCB_I3_INVD		(1U << 22)
#define VMCB_I3_PAUSE		(1U << 23)
#define VMCB_I3_HLT		(1U << 24)
#define VMCB_I3_INVLPGA		(1U << 26)
#define VMCB_I3_IOIO_PROT	(1U << 27)
#define VMCB_I3_MSR_PROT	(1U << 28)
#define VMCB_I3_SHUTDOWN	(1U << 31)

/* Intercept vector 4, control offset 0x010. */
#define VMCB_I4_VMRUN		(1U << 0)
#define VMCB_I4_VMMCALL		(1U << 1)
#define VMCB_I4_VMLOAD		(1U << 2)
#define VMCB_I4_VMSAVE		(1U << 3)
#define VMCB_I4_STGI		(1U << 4)
#define VMCB_I4_CLGI		(1U << 5)
#define VMCB_I4_SKINIT		(1U << 6)
#define VMCB_I4_RDTSCP		(1U << 7)
#define VMCB_I4_ICEBP		(1U << 8)
#define VMCB_I4_WBINVD		(1U << 9)	/* and WBNOINVD */
#define VMCB_I4_MONITOR		(1U << 10)	/* and MONITORX */
#define VMCB_I4_MWAIT		(1U << 11)	/* and MWAITX, unconditionally */
#define VMCB_I4_XSETBV		(1U << 13)
#define VMCB_I4_RDPRU		(1U << 14)

/* TLB_CONTROL, offset 0x05c (APM 15.16.1). */
#define VMCB_TLB_NOTHING	0
#define VMCB_TLB_FLUSH_ALL	1	/* every ASID, not only this one */

/* V_INTR fields, offset 0x060 (APM 15.21). */
#define VMCB_VINTR_MASKING	(1ULL << 24)
/* 15.21.4: a virtual interrupt request used only to learn when the guest
 * can take an interrupt (V_IRQ, highest priority, ignoring V_TPR). */
#define VMCB_VINTR_IRQ		(1ULL << 8)
#define VMCB_VINTR_PRIO_MAX	(0xfULL << 16)
#define VMCB_VINTR_IGN_TPR	(1ULL << 20)
#define VMCB_VINTR_VECTOR(v)	((u64)(u8)(v) << 32)
#define VMCB_VINTR_VECTOR_MASK	(0xffULL << 32)

/* Offset 0x068. */
#define VMCB_INT_SHADOW		(1ULL << 0)

/* Offset 0x090. */
#define VMCB_NP_ENABLE		(1ULL << 0)

/* EVENTINJ (0x0a8) and EXITINTINFO (0x088) share one format (APM 15.20). */
#define VMCB_EVT_VECTOR(e)	((u8)(e))
#define VMCB_EVT_TYPE(e)	(((e) >> 8) & 7)
#define VMCB_EVT_TYPE_INTR	0
#define VMCB_EVT_TYPE_NMI	2
#define VMCB_EVT_TYPE_EXC	3
#define VMCB_EVT_TYPE_SWINT	4
#define VMCB_EVT_EV		(1ULL << 11)	/* error code valid */
#define VMCB_EVT_V		(1ULL << 31)	/* valid */
#define VMCB_EVT_ERROR(e)	((u32)((e) >> 32))
#define VMCB_EVT(vec, type)	((u64)(vec) | ((u64)(type) << 8) | VMCB_EVT_V)

/* EXITCODE values (APM appendix C). */
#define VMEXIT_CR0_WRITE	0x010	/* + CR number */
#define VMEXIT_EXCP_BASE	0x040	/* + vector */
#define VMEXIT_INTR		0x060
#define VMEXIT_NMI		0x061
#define VMEXIT_SMI		0x062
#define VMEXIT_INIT		0x063
#define VMEXIT_VINTR		0x064
#define VMEXIT_IRET		0x074
#define VMEXIT_RDTSC		0x06e
#define VMEXIT_RDPMC		0x06f
#define VMEXIT_CPUID		0x072
#define VMEXIT_INVD		0x076
#define VMEXIT_PAUSE		0x077
#define VMEXIT_HLT		0x078
#define VMEXIT_INVLPGA		0x07a
#define VMEXIT_IOIO		0x07b
#define VMEXIT_MSR		0x07c
#define VMEXIT_SHUTDOWN		0x07f
#define VMEXIT_VMRUN		0x080
#define VMEXIT_VMMCALL		0x081
#define VMEXIT_VMLOAD		0x082
#define VMEXIT_VMSAVE		0x083
#define VMEXIT_STGI		0x084
#define VMEXIT_CLGI		0x085
#define VMEXIT_SKINIT		0x086
#define VMEXIT_RDTSCP		0x087
#define VMEXIT_ICEBP		0x088
#define VMEXIT_WBINVD		0x089
#define VMEXIT_MONITOR		0x08a
#define VMEXIT_MWAIT		0x08b
#define VMEXIT_MWAIT_COND	0x08c
#define VMEXIT_XSETBV		0x08d
#define VMEXIT_RDPRU		0x08e
#define VMEXIT_NPF		0x400
#define VMEXIT_INVALID		((u64)-1)

/* IOIO EXITINFO1 (APM 15.10.2). */
#define IOIO_IN			(1U << 0)
#define IOIO_STR		(1U << 2)
#define IOIO_REP		(1U << 3)
#define IOIO_SZ_SHIFT		4	/* bits 4-6: one-hot 8/16/32 */
#define IOIO_PORT(i)		((u16)((i) >> 16))

/* NPF EXITINFO1 (APM 15.25.6): the #PF error-code bits. */
#define NPF_PRESENT		(1ULL << 0)
#define NPF_WRITE		(1ULL << 1)
#define NPF_FETCH		(1ULL << 4)

/* Segment as the VMCB stores it: the same layout as struct hvm_seg. */
struct vmcb_seg {
	u16 sel;
	u16 attr;
	u32 limit;
	u64 base;
};

struct vmcb {
	/* Control area (table B-1). */
	u32 intercept_cr;		/* 0x000: reads 0-15, writes 16-31 */
	u32 intercept_dr;		/* 0x004 */
	u32 intercept_exc;		/* 0x008: one bit per vector */
	u32 intercept3;			/* 0x00c: VMCB_I3_* */
	u32 intercept4;			/* 0x010: VMCB_I4_* */
	u32 intercept5;			/* 0x014 */
	u8 rsvd_018[0x03c - 0x018];
	u16 pause_filter_thresh;	/* 0x03c */
	u16 pause_filter_count;		/* 0x03e */
	u64 iopm_base_pa;		/* 0x040 */
	u64 msrpm_base_pa;		/* 0x048 */
	u64 tsc_offset;			/* 0x050 */
	u32 guest_asid;			/* 0x058 */
	u8 tlb_control;			/* 0x05c */
	u8 rsvd_05d[3];
	u64 vintr;			/* 0x060 */
	u64 int_state;			/* 0x068: VMCB_INT_SHADOW */
	u64 exitcode;			/* 0x070 */
	u64 exitinfo1;			/* 0x078 */
	u64 exitinfo2;			/* 0x080 */
	u64 exitintinfo;		/* 0x088 */
	u64 np_ctl;			/* 0x090: VMCB_NP_ENABLE */
	u64 avic_apic_bar;		/* 0x098 */
	u64 ghcb_pa;			/* 0x0a0 */
	u64 eventinj;			/* 0x0a8 */
	u64 n_cr3;			/* 0x0b0 */
	u64 virt_ext;			/* 0x0b8: LBR virt, virtual VMLOAD */
	u32 clean;			/* 0x0c0 */
	u32 rsvd_0c4;
	u64 next_rip;			/* 0x0c8 (NRIPS only) */
	u8 insn_len;			/* 0x0d0 (decode assists only) */
	u8 insn_bytes[15];		/* 0x0d1 */
	u8 rsvd_0e0[0x400 - 0x0e0];

	/* State save area (table B-2). */
	struct vmcb_seg es, cs, ss, ds, fs, gs;	/* 0x400 */
	struct vmcb_seg gdtr, ldtr, idtr, tr;	/* 0x460 */
	u8 rsvd_4a0[0x4cb - 0x4a0];
	u8 cpl;				/* 0x4cb */
	u32 rsvd_4cc;
	u64 efer;			/* 0x4d0 */
	u8 rsvd_4d8[0x548 - 0x4d8];
	u64 cr4;			/* 0x548 */
	u64 cr3;			/* 0x550 */
	u64 cr0;			/* 0x558 */
	u64 dr7;			/* 0x560 */
	u64 dr6;			/* 0x568 */
	u64 rflags;			/* 0x570 */
	u64 rip;			/* 0x578 */
	u8 rsvd_580[0x5d8 - 0x580];
	u64 rsp;			/* 0x5d8 */
	u64 s_cet, ssp, isst_addr;	/* 0x5e0 */
	u64 rax;			/* 0x5f8 */
	u64 star;			/* 0x600 */
	u64 lstar;			/* 0x608 */
	u64 cstar;			/* 0x610 */
	u64 sfmask;			/* 0x618 */
	u64 kernel_gs_base;		/* 0x620 */
	u64 sysenter_cs;		/* 0x628 */
	u64 sysenter_esp;		/* 0x630 */
	u64 sysenter_eip;		/* 0x638 */
	u64 cr2;			/* 0x640 */
	u8 rsvd_648[0x668 - 0x648];
	u64 g_pat;			/* 0x668 */
	u64 dbgctl;			/* 0x670 */
	u64 br_from, br_to;		/* 0x678 */
	u64 last_excp_from, last_excp_to; /* 0x688 */
	u8 rsvd_698[0x1000 - 0x698];
};

/* The offsets hardware uses; a slip here is silent guest corruption. */
BUILD_BUG_ON(sizeof(struct vmcb) != 0x1000);
BUILD_BUG_ON(sizeof(struct vmcb_seg) != 16);
BUILD_BUG_ON(sizeof(struct vmcb_seg) != sizeof(struct hvm_seg));
BUILD_BUG_ON(offsetof(struct vmcb, pause_filter_count) != 0x03e);
BUILD_BUG_ON(offsetof(struct vmcb, iopm_base_pa) != 0x040);
BUILD_BUG_ON(offsetof(struct vmcb, guest_asid) != 0x058);
BUILD_BUG_ON(offsetof(struct vmcb, tlb_control) != 0x05c);
BUILD_BUG_ON(offsetof(struct vmcb, exitcode) != 0x070);
BUILD_BUG_ON(offsetof(struct vmcb, eventinj) != 0x0a8);
BUILD_BUG_ON(offsetof(struct vmcb, n_cr3) != 0x0b0);
BUILD_BUG_ON(offsetof(struct vmcb, next_rip) != 0x0c8);
BUILD_BUG_ON(offsetof(struct vmcb, es) != 0x400);
BUILD_BUG_ON(offsetof(struct vmcb, tr) != 0x490);
BUILD_BUG_ON(offsetof(struct vmcb, cpl) != 0x4cb);
BUILD_BUG_ON(offsetof(struct vmcb, efer) != 0x4d0);
BUILD_BUG_ON(offsetof(struct vmcb, cr4) != 0x548);
BUILD_BUG_ON(offsetof(struct vmcb, rip) != 0x578);
BUILD_BUG_ON(offsetof(struct vmcb, rsp) != 0x5d8);
BUILD_BUG_ON(offsetof(struct vmcb, rax) != 0x5f8);
BUILD_BUG_ON(offsetof(struct vmcb, star) != 0x600);
BUILD_BUG_ON(offsetof(struct vmcb, cr2) != 0x640);
BUILD_BUG_ON(offsetof(struct vmcb, g_pat) != 0x668);
BUILD_BUG_ON(offsetof(struct vmcb, dbgctl) != 0x670);

/* hvm_seg_reg order -> VMCB segment, for get_seg/set_state. */
static inline struct vmcb_seg *vmcb_seg(struct vmcb *vmcb, enum hvm_seg_reg r)
{
	switch (r) {
	case SEG_ES: return &vmcb->es;
	case SEG_CS: return &vmcb->cs;
	case SEG_SS: return &vmcb->ss;
	case SEG_DS: return &vmcb->ds;
	case SEG_FS: return &vmcb->fs;
	case SEG_GS: return &vmcb->gs;
	case SEG_LDTR: return &vmcb->ldtr;
	case SEG_TR: return &vmcb->tr;
	case SEG_GDTR: return &vmcb->gdtr;
	case SEG_IDTR: return &vmcb->idtr;
	default: BUG();
	}
}

#endif
