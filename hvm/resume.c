/*
 * Running a vCPU: the one place that does pending work before entry and
 * hands the exit to the dispatcher.  The scheduler's loop (sched_run_cpu)
 * calls hvm_vcpu_run_once() for its current vCPU; there are no per-vCPU
 * hypervisor stacks, so a context switch is just the loop choosing
 * another vCPU.
 *
 * Work before entry is announced in v->work (VCPU_WORK_*, set by whoever
 * made it), so an exit that made none goes straight back: the whole check
 * is one load and one TSC compare (the pvclock's refresh deadline).
 * With work, in order: a start state from INIT/SIPI or VCPUOP_initialise;
 * the end of a SCHEDOP_poll; an answered device-model I/O, which
 * completes its instruction; the pvclock and the runstate area (guest
 * memory, written on the vCPU's own pCPU).  Then, with interrupts off so
 * that a kick (vcpu_kick) arriving later forces an exit, and only if an
 * interrupt bit is set, the interrupt to inject: an NMI, else the
 * domain's event-channel callback vector while the vCPU's
 * evtchn_upcall_pending is set (Xen's callback-via-vector: injected
 * directly, no IRR/ISR, no EOI), else the emulated PIC's interrupt when
 * its INTR reaches this core as an ExtINT (hvm/platform_intr.c; its
 * vector comes from the INTA cycle, run only once the vendor says an
 * interrupt can be injected now), else the vLAPIC's highest deliverable
 * vector (which includes a per-vCPU upcall vector, raised on each new
 * upcall by arch_evtchn_upcall()); the platform is told which vector was
 * injected (a PIT tick is taken then).  A vector the guest cannot take now
 * arms the vendor's interrupt window and is offered again after that
 * exit: whenever a vector was found the interrupt bit stays set, so it
 * is cleared only by a look that found nothing deliverable.  What makes
 * an IRR vector deliverable later without a sender (EOI, TPR, enabling
 * the APIC) sets the bit itself (hvm/vlapic.c).
 */
#include <hvm/hvm.h>
#include <hvm/platform.h>
#include <hvm/vlapic.h>
#include <xen/arch_vcpu.h>
#include <xen/event.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/shared_info.h>
#include <xen/softirq.h>
#include <xen/timer.h>
#include <asm/percpu.h>
#include <asm/processor.h>

/* Where the interrupt to offer comes from (Xen's enum hvm_intsrc). */
enum hvm_intsrc { HVM_INTSRC_VECTOR, HVM_INTSRC_PIC, HVM_INTSRC_LAPIC };

/* The PIC's vector is known only at its INTA cycle. */
#define HVM_VECTOR_EXTINT 256

/* The vector to offer now (HVM_VECTOR_EXTINT for the PIC's), or -1. */
static int hvm_next_vector(struct vcpu *v, enum hvm_intsrc *src)
{
	struct domain *d = v->domain;
	u8 cb = READ_ONCE(d->callback_vector);

	*src = HVM_INTSRC_VECTOR;
	/* A per-vCPU upcall vector goes through the vLAPIC instead
	 * (arch_evtchn_upcall()). */
	if (cb && !READ_ONCE(v->hvm->evtchn_upcall_vector) &&
	    evtchn_upcall_pending(d, v->vcpu_id))
		return cb;
	*src = HVM_INTSRC_PIC;
	if (hvm_platform_extint_pending(v))
		return HVM_VECTOR_EXTINT;
	*src = HVM_INTSRC_LAPIC;
	return vlapic_pending_irq(v);
}

bool arch_vcpu_has_pending_irq(struct vcpu *v)
{
	enum hvm_intsrc src;

	return hvm_next_vector(v, &src) >= 0;
}

/* Inject what hvm_next_vector() found, if the guest can take it now. */
static void hvm_inject(struct vcpu *v, int vec, enum hvm_intsrc src)
{
	switch (src) {
	case HVM_INTSRC_VECTOR:
		hvm_ops->inject_interrupt(v, vec);
		return;
	case HVM_INTSRC_PIC:
		/* Xen's hvm_intr_assist(): blocked is checked before the
		 * INTA, which changes the PIC. */
		if (!hvm_ops->interrupt_ready(v))
			return;
		vec = hvm_platform_extint_ack(v);
		if (!hvm_ops->inject_interrupt(v, vec))
			BUG();		/* ready a moment ago */
		return;
	case HVM_INTSRC_LAPIC:
		if (!hvm_ops->inject_interrupt(v, vec))
			return;
		vlapic_ack_irq(v, vec);
		hvm_platform_intr_post(v, vec);
		return;
	}
}

/* Looked at with interrupts off, just before entry. */
#define HVM_WORK_INTR (VCPU_WORK_NMI | VCPU_WORK_IRQ)

static void hvm_deliver_interrupts(struct vcpu *v)
{
	unsigned long w = __atomic_fetch_and(&v->work, ~HVM_WORK_INTR,
					     __ATOMIC_SEQ_CST);
	enum hvm_intsrc src;
	int vec;

	if ((w & VCPU_WORK_NMI) && vlapic_take_nmi(v))
		hvm_ops->inject_exception(v, TRAP_NMI, false, 0);
	vec = hvm_next_vector(v, &src);
	if (vec < 0)
		return;
	hvm_inject(v, vec, src);
	/* Look again after this entry: more may wait, or this one did. */
	vcpu_work_set(v, VCPU_WORK_IRQ);
}

/* Everything but the interrupts: guest memory and timers, interrupts on. */
static void hvm_do_work(struct vcpu *v)
{
	unsigned long w = __atomic_fetch_and(&v->work,
		~(VCPU_WORK_BOOT_STATE | VCPU_WORK_POLL | VCPU_WORK_IO),
		__ATOMIC_SEQ_CST);
	struct hvm_boot_state st;

	if (w & VCPU_WORK_BOOT_STATE) {
		if (vlapic_take_boot_state(v, &st))
			arch_vcpu_set_state(v, &st);
		if (READ_ONCE(v->hvm->boot_state_pending)) {
			WRITE_ONCE(v->hvm->boot_state_pending, false);
			arch_vcpu_set_state(v, &v->hvm->boot_state);
		}
		/* A new state: look at its interrupts afresh. */
		vcpu_work_set(v, HVM_WORK_INTR);
	}
	/* Back from SCHEDOP_poll: its timeout no longer applies. */
	if ((w & VCPU_WORK_POLL) && READ_ONCE(v->polling)) {
		WRITE_ONCE(v->polling, false);
		stop_timer(&v->poll_timer);
	}
	if (w & VCPU_WORK_IO)
		hvm_io_finish(v);
	vcpu_time_maybe_update(v);
	if (READ_ONCE(v->work) & VCPU_WORK_RUNSTATE)
		vcpu_runstate_update_guest(v);
}

void hvm_vcpu_run_once(struct vcpu *v)
{
	struct hvm_vcpu *h = v->hvm;
	struct hvm_exit exit;
	u64 tsc = rdtsc();

	/* A timer interrupt the emulator lost must not stop this CPU's
	 * timers (xen/common/timer.c); one RDTSC serves both checks. */
	timer_catch_up_at(tsc);
	if ((READ_ONCE(v->work) & ~HVM_WORK_INTR) || vcpu_time_due_at(v, tsc))
		hvm_do_work(v);

	local_irq_disable();
	/* Anything pending (a reschedule, timers) runs first, in the loop. */
	if (READ_ONCE(this_cpu()->softirq_pending) ||
	    READ_ONCE(v->pause_flags)) {
		local_irq_enable();
		return;
	}
	if (READ_ONCE(v->work) & HVM_WORK_INTR)
		hvm_deliver_interrupts(v);
	/* Announce guest mode before the vendor checks its TLB-flush flag
	 * (arch_p2m_flush() sets the flag, then reads this).  @h is kept
	 * in a register across the atomics. */
	__atomic_store_n(&h->entries, h->entries + 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&h->in_guest, true, __ATOMIC_SEQ_CST);
	h->mode = 0;		/* the guest may change it; the vendor may
				 * fill it in at the exit */
	hvm_ops->vcpu_run(v, &exit);
	__atomic_store_n(&h->in_guest, false, __ATOMIC_RELEASE);
	/* A host interrupt that caused the exit is taken here. */
	local_irq_enable();
	hvm_handle_exit(v, &exit);
}
