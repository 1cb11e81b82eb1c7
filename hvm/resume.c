/*
 * Running a vCPU: the one place that does pending work before entry and
 * hands the exit to the dispatcher (DESIGN.md §5).  The scheduler's loop
 * (sched_run_cpu) calls hvm_vcpu_run_once() for its current vCPU; there
 * are no per-vCPU hypervisor stacks, so a context switch is just the loop
 * choosing another vCPU.
 */
#include <hvm/hvm.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <asm/percpu.h>
#include <asm/processor.h>

void hvm_vcpu_run_once(struct vcpu *v)
{
	struct hvm_exit exit;

	local_irq_disable();
	/* Anything pending (a reschedule, timers) runs first, in the loop. */
	if (READ_ONCE(this_cpu()->softirq_pending) ||
	    READ_ONCE(v->pause_flags)) {
		local_irq_enable();
		return;
	}
	hvm_ops->vcpu_run(v, &exit);
	/* A host interrupt that caused the exit is taken here. */
	local_irq_enable();
	hvm_handle_exit(v, &exit);
}
