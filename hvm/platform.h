/*
 * The emulated PC platform of an HVM domain: the vPIC, vPIT and vIOAPIC
 * of hvm/vdev/ and the interrupt wiring between them (virq), created with
 * a domain whose emulation_flags ask for any of XEN_X86_EMU_PIC, _PIT or
 * _IOAPIC (public/arch-x86/xen.h) and destroyed with it.  d->virq points
 * into it; a domain without one (PVH: the LAPIC alone) has d->virq NULL.
 *
 * hvm/platform.c: lifetime, the port and MMIO handlers, the PIT's timer.
 * hvm/platform_intr.c: where the devices' outputs go (the BSP's LINT0,
 * the vLAPICs), the ExtINT acknowledge, the EOI broadcast, and when a PIT
 * tick counts as taken.  docs/architecture.md "Platform interrupt
 * controllers and the PIT" describes the whole.
 *
 * Locks (hvm/vdev/ headers): timer_lock, then the vPIT's, then virq's, then
 * the vPIC's or vIOAPIC's, then what their outputs take (the vLAPIC's
 * atomics, vcpu_kick()).  The entry points below are called holding none
 * of them.
 */
#ifndef HVM_PLATFORM_H
#define HVM_PLATFORM_H

#include <hvm/io_handlers.h>
#include <hvm/vdev/vioapic.h>
#include <hvm/vdev/virq.h>
#include <hvm/vdev/vpic.h>
#include <hvm/vdev/vpit.h>
#include <xen/spinlock.h>
#include <xen/timer.h>
#include <xen/types.h>

struct domain;
struct vcpu;

struct hvm_platform {
	struct domain *domain;		/* fixed */
	u32 emu;			/* XEN_X86_EMU_* present; fixed */
	struct vpic pic;
	struct vpit pit;
	struct vioapic ioapic;
	struct virq irq;
	/* The PIT's channel 0 timer, on vCPU 0's pCPU (moved at each
	 * arming).  timer_lock serialises computing the deadline with
	 * arming for it, so a stale "nothing due" cannot stop a newer
	 * deadline's timer. */
	spinlock_t timer_lock;
	struct timer pit_timer;
};

/* The platform of @d, or NULL. */
struct hvm_platform *hvm_platform(const struct domain *d);

/* From arch_domain_create(): a platform if d->emulation_flags ask for
 * one.  0 or -ENOMEM. */
int hvm_platform_create(struct domain *d);
/* Stop its timer and free it; before the vCPUs go (nothing is left that
 * could deliver to them).  No platform: nothing. */
void hvm_platform_destroy(struct domain *d);

/* The port and MMIO handlers (hvm/io.c, hvm/mmio.c tables). */
extern const struct hvm_port_ops hvm_platform_pic_ops;
extern const struct hvm_port_ops hvm_platform_pit_ops;
extern const struct hvm_mmio_ops hvm_platform_ioapic_ops;

/* hvm/platform.c: arm the PIT's timer for its next deadline (or stop
 * it).  After anything that can move the deadline. */
void hvm_platform_pit_arm(struct hvm_platform *p);

/* ---- hvm/platform_intr.c ---- */

/* The vdev callbacks, given to vpic_init() and vioapic_init(). */
void hvm_platform_pic_intr(void *opaque, bool level);
void hvm_platform_ioapic_deliver(void *opaque, const struct vioapic_msg *m);

/* Is the PIC's INTR asserted and accepted by @v's core (the BSP with
 * LINT0 in ExtINT mode or its APIC disabled, or IO-APIC pin 0 in ExtINT
 * mode aimed at it)?  The entry path asks before the vLAPIC. */
bool hvm_platform_extint_pending(struct vcpu *v);
/* The INTA cycle for an ExtINT about to be injected into @v: the vector,
 * with its PIT tick (if it is IRQ 0's) counted as taken. */
u8 hvm_platform_extint_ack(struct vcpu *v);
/* @v was injected @vec from its vLAPIC: if it is IRQ 0's vector through
 * the IO-APIC, the PIT tick is taken (Xen's pt_intr_post()). */
void hvm_platform_intr_post(struct vcpu *v, u8 vec);
/* The vLAPIC's EOI broadcast of a level-triggered @vec. */
void hvm_platform_eoi(struct domain *d, u8 vec);
/* A mask changed (OCW1, a redirection entry): a PIT tick still in flight
 * whose edge met the mask is sent again (Xen's pt_may_unmask_irq()). */
void hvm_platform_irq0_unmask(struct hvm_platform *p);

#endif
