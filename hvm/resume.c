/*
 * Running a vCPU: the one place that does pending work before entry and
 * hands the exit to the dispatcher (DESIGN.md §5).  The scheduler's loop
 * (sched_run_cpu) calls hvm_vcpu_run_once() for its current vCPU; there
 * are no per-vCPU hypervisor stacks, so a context switch is just the loop
 * choosing another vCPU.
 *
 * Before each entry, in order: a start state from INIT/SIPI or
 * VCPUOP_initialise; the pvclock and runstate area (guest memory, written
 * on the vCPU's own pCPU); then, with interrupts off so that a kick
 * (vcpu_kick) arriving later forces an exit, the interrupt to inject:
 * an NMI, else the domain's event-channel callback vector while the
 * vCPU's evtchn_upcall_pending is set (Xen's callback-via-vector:
 * injected directly, no IRR/ISR, no EOI), else the vLAPIC's highest
 * deliverable vector (which includes a per-vCPU upcall vector, raised on
 * each new upcall by arch_evtchn_upcall()).  A vector the guest cannot take now arms the vendor's
 * interrupt window and is offered again after that exit.
 */
#include <hvm/hvm.h>
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

/* The vector to offer now, or -1; *from_lapic says whether to ack it. */
static int hvm_next_vector(struct vcpu *v, bool *from_lapic)
{
	struct domain *d = v->domain;
	u8 cb = READ_ONCE(d->callback_vector);

	*from_lapic = false;
	/* A per-vCPU upcall vector goes through the vLAPIC instead
	 * (arch_evtchn_upcall()). */
	if (cb && !READ_ONCE(v->hvm->evtchn_upcall_vector) &&
	    evtchn_upcall_pending(d, v->vcpu_id))
		return cb;
	*from_lapic = true;
	return vlapic_pending_irq(v);
}

bool arch_vcpu_has_pending_irq(struct vcpu *v)
{
	bool lapic;

	return hvm_next_vector(v, &lapic) >= 0;
}

static void hvm_deliver_interrupts(struct vcpu *v)
{
	bool lapic;
	int vec;

	if (vlapic_take_nmi(v))
		hvm_ops->inject_exception(v, TRAP_NMI, false, 0);
	vec = hvm_next_vector(v, &lapic);
	if (vec >= 0 && hvm_ops->inject_interrupt(v, vec) && lapic)
		vlapic_ack_irq(v, vec);
}

void hvm_vcpu_run_once(struct vcpu *v)
{
	struct hvm_exit exit;
	struct hvm_boot_state st;

	if (vlapic_take_boot_state(v, &st))
		arch_vcpu_set_state(v, &st);
	if (READ_ONCE(v->hvm->boot_state_pending)) {
		WRITE_ONCE(v->hvm->boot_state_pending, false);
		arch_vcpu_set_state(v, &v->hvm->boot_state);
	}
	/* Back from SCHEDOP_poll: its timeout no longer applies. */
	if (READ_ONCE(v->polling)) {
		WRITE_ONCE(v->polling, false);
		stop_timer(&v->poll_timer);
	}
	vcpu_time_maybe_update(v);
	vcpu_runstate_update_guest(v);

	local_irq_disable();
	/* Anything pending (a reschedule, timers) runs first, in the loop. */
	if (READ_ONCE(this_cpu()->softirq_pending) ||
	    READ_ONCE(v->pause_flags)) {
		local_irq_enable();
		return;
	}
	hvm_deliver_interrupts(v);
	/* Announce guest mode before the vendor checks its TLB-flush flag
	 * (arch_p2m_flush() sets the flag, then reads this). */
	__atomic_store_n(&v->hvm->entries, v->hvm->entries + 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&v->hvm->in_guest, true, __ATOMIC_SEQ_CST);
	hvm_ops->vcpu_run(v, &exit);
	__atomic_store_n(&v->hvm->in_guest, false, __ATOMIC_RELEASE);
	/* A host interrupt that caused the exit is taken here. */
	local_irq_enable();
	hvm_handle_exit(v, &exit);
}
