/*
 * What the vLAPIC's files share, and no one else: the state, the register
 * numbers and the calls between vlapic.c (the register file, IPIs, the
 * x2APIC MSRs), vlapic_xapic.c (the xAPIC MMIO page) and vlapic_timer.c.
 * Everyone else uses hvm/vlapic.h.  Who may write which field, and under
 * what, is set out atop vlapic.c.
 */
#ifndef HVM_VLAPIC_INTERNAL_H
#define HVM_VLAPIC_INTERNAL_H

#include <xen/spinlock.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/types.h>
#include <asm/msr-index.h>	/* APIC_BASE_* */
#include <asm/processor.h>	/* READ_ONCE() */

struct vcpu;

/*
 * The registers by number: xAPIC offset / 16 = x2APIC MSR - 0x800 (SDM
 * vol.3 table 11-6).  One register file serves both modes; DFR and ICR_HI
 * exist in xAPIC mode only, SELF_IPI in x2APIC mode only (11.12.1.2).
 */
#define REG_ID 0x02
#define REG_VERSION 0x03
#define REG_TPR 0x08
#define REG_PPR 0x0a
#define REG_EOI 0x0b
#define REG_LDR 0x0d
#define REG_DFR 0x0e
#define REG_SVR 0x0f
#define REG_ISR 0x10			/* 8 registers each */
#define REG_TMR 0x18
#define REG_IRR 0x20
#define REG_ESR 0x28
#define REG_LVT_CMCI 0x2f
#define REG_ICR 0x30			/* x2APIC: all 64 bits; xAPIC: ICR_LO */
#define REG_ICR_HI 0x31
#define REG_LVT_TIMER 0x32		/* ...thermal, PMC, LINT0, LINT1, error */
#define REG_LVT_ERROR 0x37
#define REG_TMICT 0x38
#define REG_TMCCT 0x39
#define REG_TDCR 0x3e
#define REG_SELF_IPI 0x3f
#define NR_REGS 0x40

/* Xen's: version 0x14, max LVT entry 5 (six LVTs; no CMCI, no directed
 * EOI).  Linux then leaves LVT CMCI alone. */
#define VLAPIC_VERSION 0x00050014

/* SVR (11.9) and ESR (11.5.3). */
#define SVR_VECTOR 0xffU
#define SVR_ENABLED (1U << 8)
#define SVR_FOCUS_DISABLED (1U << 9)
#define ESR_SEND_ILLEGAL (1U << 5)
#define ESR_RECV_ILLEGAL (1U << 6)

/* IA32_APIC_BASE (SDM vol.3 11.4.4, 11.12.1). */
#define APIC_BASE_ADDR 0x000ffffffffff000ULL
#define APIC_BASE_DEFAULT 0xfee00000ULL

/* ICR (11.6.1). */
#define ICR_VECTOR 0xffU
#define ICR_DM(lo) (((lo) >> 8) & 7)
#define ICR_LOGICAL (1U << 11)
#define ICR_STATUS (1U << 12)		/* xAPIC: delivery status */
#define ICR_ASSERT (1U << 14)
#define ICR_LEVEL (1U << 15)
#define ICR_SHORTHAND(lo) (((lo) >> 18) & 3)
#define ICR_XAPIC_DEST 0xff000000U	/* ICR_HI: 8-bit destination */

/* xAPIC logical addressing (11.6.2.2): LDR 31:24 holds the logical ID;
 * DFR 31:28 the model (flat 0xf, cluster 0), the rest reads as ones. */
#define XAPIC_LDR_ID 0xff000000U
#define DFR_MODEL(dfr) ((dfr) >> 28)
#define DFR_FLAT 0xfU
#define DFR_CLUSTER 0x0U
#define DFR_ONES 0x0fffffffU

/* LVT entries (SDM vol.3 11.5.1). */
#define LVT_VECTOR 0xffU
#define LVT_DM (7U << 8)
#define LVT_STATUS (1U << 12)		/* read-only: delivery status */
#define LVT_POLARITY (1U << 13)
#define LVT_REMOTE_IRR (1U << 14)	/* read-only */
#define LVT_LEVEL (1U << 15)
#define LVT_MASKED (1U << 16)
#define LVT_TIMER_MODE (3U << 17)
#define TIMER_ONESHOT (0U << 17)
#define TIMER_PERIODIC (1U << 17)
#define TIMER_TSC_DEADLINE (2U << 17)

enum { LVT_TIMER, LVT_THERMAL, LVT_PMC, LVT_LINT0, LVT_LINT1, LVT_ERROR,
       LVT_CMCI, NR_LVT };

struct vlapic {
	struct vcpu *vcpu;
	u32 id;				/* x2APIC ID = 2 * vcpu_id; the xAPIC
					 * ID is its low 8 bits; fixed */
	u64 base;			/* IA32_APIC_BASE; owner writes */

	/* Any pCPU; atomics only. */
	u32 irr[8];
	u32 tmr[8];			/* level-triggered vectors (11.8.4) */
	u32 pending_esr;		/* errors since the last ESR write */
	bool nmi_pending;
	u32 startup;			/* STARTUP_* (vlapic.c) */

	/* The owner only. */
	u32 isr[8];
	u32 tpr, svr, esr;
	u64 icr;			/* xAPIC: ICR_HI in 63:32 */
	u32 ldr, dfr;			/* xAPIC mode's; others READ_ONCE() */
	u32 lvt[NR_LVT];		/* LVT_TIMER: also under timer_lock */

	/* The timer, under timer_lock (taken in vlapic_timer.c only). */
	spinlock_t timer_lock;
	struct timer timer;
	u32 tmict, tdcr;
	bool counting;			/* tmict loaded in a counting mode */
	s_time_t start;			/* NOW() at the current count's start */
	s_time_t expires;		/* set_timer() deadline, 0: not armed */
};

/* Highest set bit of a 256-bit IRR/ISR/TMR, or -1 (vlapic.c). */
int vlapic_highest_vector(const u32 *bm);

static inline bool vlapic_hw_enabled(const struct vlapic *vl)
{
	return READ_ONCE(vl->base) & APIC_BASE_ENABLE;
}

static inline bool vlapic_x2apic_mode(const struct vlapic *vl)
{
	return (READ_ONCE(vl->base) & (APIC_BASE_ENABLE | APIC_BASE_EXTD)) ==
	       (APIC_BASE_ENABLE | APIC_BASE_EXTD);
}

static inline bool vlapic_xapic_mode(const struct vlapic *vl)
{
	return (READ_ONCE(vl->base) & (APIC_BASE_ENABLE | APIC_BASE_EXTD)) ==
	       APIC_BASE_ENABLE;
}

/* The x2APIC logical ID of APIC ID @id (11.12.10.2): cluster ID in 31:16,
 * one bit of 16 in 15:0. */
static inline u32 vlapic_x2apic_ldr(u32 id)
{
	return ((id >> 4) << 16) | (1U << (id & 0xf));
}

/* The timer's divisor for divide configuration @tdcr (11.5.4, figure
 * 11-10): bits 0, 1 and 3 encode 2^(n+1), and 0b111 is 1. */
static inline u32 vlapic_timer_divisor(u32 tdcr)
{
	u32 v = (tdcr & 3) | ((tdcr & 8) >> 1);

	return v == 7 ? 1 : 2U << v;
}

/* vlapic.c: an interrupt from a local source or the hypervisor (11.5.2:
 * vectors 0-15 are illegal and only set ESR). */
void vlapic_deliver_local(struct vlapic *vl, u8 vec);

/*
 * vlapic.c: the registers both modes share (every one but ID, LDR, DFR,
 * ICR, ICR_HI and SELF_IPI, which each mode's front end keeps itself).
 * Pre: the owner.
 *  - vlapic_reg_read(): the value, or -EINVAL for a write-only, reserved
 *    or front-end register.
 *  - vlapic_reg_bits(): false if @reg is not a shared writable register,
 *    else true with the bits a write may set in *@bits (11.4-11.6): an
 *    x2APIC write beyond them is #GP, an xAPIC write loses them.
 *  - vlapic_reg_write(): Pre: vlapic_reg_bits(@reg) and @val within them.
 */
int vlapic_reg_read(struct vlapic *vl, unsigned int reg, u32 *val);
bool vlapic_reg_bits(unsigned int reg, u32 *bits);
void vlapic_reg_write(struct vlapic *vl, unsigned int reg, u32 val);

/* vlapic.c: send the IPI of ICR low half @lo to @dest, a destination in
 * the sender's mode's format (x2APIC: 32 bits; xAPIC: 8).  Pre: the
 * owner of @src. */
void vlapic_send_ipi(struct vlapic *src, u32 lo, u32 dest);

/*
 * vlapic_timer.c: the APIC timer (11.5.4).  Each call takes timer_lock
 * itself.  The register writes get values vlapic.c has already checked;
 * vlapic_timer_write_lvt() also keeps vl->lvt[LVT_TIMER].
 */
void vlapic_timer_init(struct vlapic *vl);
/* Power-up/INIT values: stopped, zero counts, LVT timer masked. */
void vlapic_timer_reset(struct vlapic *vl);
/* Stop and forget the count (APIC disabled, INIT). */
void vlapic_timer_halt(struct vlapic *vl);
/* Set the LVT timer mask (software disable). */
void vlapic_timer_mask(struct vlapic *vl);
u32 vlapic_timer_read_tmcct(struct vlapic *vl);
/* A save image's timer registers (values vlapic_check() accepted) and,
 * on an APIC that is @enabled, its count started again now from @tmict
 * in one-shot or periodic mode (Xen's lapic_rearm()). */
void vlapic_timer_restore(struct vlapic *vl, u32 lvt, u32 tmict, u32 tdcr,
			  bool enabled);
void vlapic_timer_write_tmict(struct vlapic *vl, u32 val);
void vlapic_timer_write_tdcr(struct vlapic *vl, u32 val);
void vlapic_timer_write_lvt(struct vlapic *vl, u32 val);

#endif
