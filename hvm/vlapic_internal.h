/*
 * What hvm/vlapic.c and hvm/vlapic_timer.c share, and no one else: the
 * vLAPIC's state and the calls between the two files.  Everyone else uses
 * hvm/vlapic.h.  Who may write which field, and under what, is set out
 * atop vlapic.c.
 */
#ifndef HVM_VLAPIC_INTERNAL_H
#define HVM_VLAPIC_INTERNAL_H

#include <xen/spinlock.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/types.h>

struct vcpu;

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
	u32 id;				/* x2APIC ID = 2 * vcpu_id */
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
	u64 icr;
	u32 lvt[NR_LVT];		/* LVT_TIMER: also under timer_lock */

	/* The timer, under timer_lock (taken in vlapic_timer.c only). */
	spinlock_t timer_lock;
	struct timer timer;
	u32 tmict, tdcr;
	bool counting;			/* tmict loaded in a counting mode */
	s_time_t start;			/* NOW() at the current count's start */
	s_time_t expires;		/* set_timer() deadline, 0: not armed */
};

/* vlapic.c: an interrupt from a local source or the hypervisor (11.5.2:
 * vectors 0-15 are illegal and only set ESR). */
void vlapic_deliver_local(struct vlapic *vl, u8 vec);

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
void vlapic_timer_write_tmict(struct vlapic *vl, u32 val);
void vlapic_timer_write_tdcr(struct vlapic *vl, u32 val);
void vlapic_timer_write_lvt(struct vlapic *vl, u32 val);

#endif
