/*
 * Cross-CPU signals: the event-check kick, function calls on all other
 * CPUs, and stopping them for shutdown or panic.
 *
 * Stopping uses an NMI, not a fixed vector, because the CPU to stop may be
 * spinning with interrupts off (on a lock the dying CPU holds, say).  The
 * first CPU to call smp_stop_other_cpus() owns the stop; a second caller
 * (panic racing shutdown) parks itself, so exactly one CPU carries on to
 * power off or reset.  No step waits without a bound.
 */
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <asm/apic.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/traps.h>

#define STOP_TIMEOUT_US 100000

/* CPU that is stopping the others, or -1. */
static int stop_owner = -1;
static unsigned int nr_stopped;

/* One call in flight at a time, under call_lock. */
static DEFINE_SPINLOCK(call_lock);
static struct {
	void (*fn)(void *);
	void *arg;
	bool wait;
	unsigned int acked;	/* CPUs that read (no wait) or ran (wait) it */
} call_data;

void smp_send_event_check(unsigned int cpu)
{
	apic_send_ipi(per_cpu(cpu)->apic_id, APIC_DM_FIXED | VEC_EVENT_CHECK);
}

/* Leave the online set exactly once, then halt with interrupts off. */
static void __noreturn smp_park_self(void)
{
	local_irq_disable();
	if (__atomic_exchange_n(&this_cpu()->online, false, __ATOMIC_SEQ_CST)) {
		__atomic_fetch_sub(&nr_cpus_online, 1, __ATOMIC_SEQ_CST);
		__atomic_fetch_add(&nr_stopped, 1, __ATOMIC_SEQ_CST);
	}
	halt_forever();
}

static void smp_nmi(struct cpu_regs *regs)
{
	int owner = __atomic_load_n(&stop_owner, __ATOMIC_ACQUIRE);

	if (owner >= 0 && owner != (int)smp_processor_id())
		smp_park_self();
	/* Not ours: what do_trap() does for any unexpected NMI. */
	console_force_unlock();
	printk(KERN_ERR "*** NMI on CPU%u for no known reason\n",
	       smp_processor_id());
	show_registers(regs);
	panic("unexpected NMI on CPU%u", smp_processor_id());
}

void smp_stop_other_cpus(void)
{
	int me = smp_processor_id(), owner = -1;
	unsigned int targets = 0;

	if (!__atomic_compare_exchange_n(&stop_owner, &owner, me, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		if (owner == me)
			return;		/* already done: idempotent */
		smp_park_self();	/* the owner finishes the job */
	}
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		if (cpu == (unsigned int)me || !READ_ONCE(per_cpu(cpu)->online))
			continue;
		targets++;
		apic_send_ipi(per_cpu(cpu)->apic_id, APIC_DM_NMI);
	}
	for (unsigned int t = 0; t < STOP_TIMEOUT_US; t += 10) {
		if (__atomic_load_n(&nr_stopped, __ATOMIC_ACQUIRE) >= targets)
			return;
		udelay(10);
	}
	printk(KERN_WARNING "SMP: %u of %u CPUs did not stop\n",
	       targets - __atomic_load_n(&nr_stopped, __ATOMIC_ACQUIRE),
	       targets);
}

static void smp_call_interrupt(struct cpu_regs *regs)
{
	void (*fn)(void *) = call_data.fn;
	void *arg = call_data.arg;

	/* After the ack without wait, call_data may be reused: use locals. */
	if (!call_data.wait) {
		__atomic_fetch_add(&call_data.acked, 1, __ATOMIC_SEQ_CST);
		fn(arg);
	} else {
		fn(arg);
		__atomic_fetch_add(&call_data.acked, 1, __ATOMIC_SEQ_CST);
	}
}

void smp_call_function(void (*fn)(void *), void *arg, bool wait)
{
	unsigned int me, targets = 0;

	ASSERT(local_irq_is_enabled());
	/* Spin with interrupts on: the holder may be waiting for our ack. */
	spin_lock(&call_lock);
	me = smp_processor_id();
	call_data.fn = fn;
	call_data.arg = arg;
	call_data.wait = wait;
	__atomic_store_n(&call_data.acked, 0, __ATOMIC_SEQ_CST);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		if (cpu == me || !READ_ONCE(per_cpu(cpu)->online))
			continue;
		targets++;
		apic_send_ipi(per_cpu(cpu)->apic_id,
			      APIC_DM_FIXED | VEC_CALL_FUNC);
	}
	while (__atomic_load_n(&call_data.acked, __ATOMIC_ACQUIRE) < targets)
		cpu_relax();
	spin_unlock(&call_lock);
}

void smp_ipi_init(void)
{
	set_irq_handler(TRAP_NMI, smp_nmi);
	set_irq_handler(VEC_CALL_FUNC, smp_call_interrupt);
}
