/*
 * Softirqs.  Interrupt handlers only set a pending bit; the work runs from
 * softirq_do_pending() with interrupts enabled, so long work never delays
 * other interrupts.  A remote raise sends the event-check IPI, whose handler
 * is empty: taking the interrupt is what wakes the target out of HLT.
 */
#include <xen/lib.h>
#include <xen/softirq.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/traps.h>

static void (*softirq_handlers[NR_SOFTIRQS])(void);

static void event_check_interrupt(struct cpu_regs *regs)
{
}

void softirq_init(void)
{
	set_irq_handler(VEC_EVENT_CHECK, event_check_interrupt);
}

void open_softirq(unsigned int nr, void (*fn)(void))
{
	BUG_ON(nr >= NR_SOFTIRQS);
	softirq_handlers[nr] = fn;
}

void raise_softirq(unsigned int nr)
{
	__atomic_fetch_or(&this_cpu()->softirq_pending, 1UL << nr,
			  __ATOMIC_SEQ_CST);
}

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
	unsigned long old;

	old = __atomic_fetch_or(&per_cpu(cpu)->softirq_pending, 1UL << nr,
				__ATOMIC_SEQ_CST);
	if (cpu != smp_processor_id() && !(old & (1UL << nr)))
		smp_send_event_check(cpu);
}

static __attribute__((noinline)) void softirq_run(struct percpu *p)
{
	unsigned long pending;

	while ((pending = __atomic_exchange_n(&p->softirq_pending, 0,
					      __ATOMIC_SEQ_CST))) {
		for (unsigned int i = 0; i < NR_SOFTIRQS; i++)
			if ((pending & (1UL << i)) && softirq_handlers[i])
				softirq_handlers[i]();
	}
}

void softirq_do_pending(void)
{
	struct percpu *p = this_cpu();

	/* Nothing pending is the common case between two VM exits: a
	 * plain load, without the xchg or the loop's stack frame. */
	if (READ_ONCE(p->softirq_pending))
		softirq_run(p);
}

/*
 * The idle loop: run softirqs, then halt.  Interrupts go off before the
 * pending check so a softirq raised by an interrupt cannot slip in between
 * the check and HLT (STI's one-instruction shadow covers the HLT).
 */
void idle_once(void)
{
	local_irq_disable();
	if (READ_ONCE(this_cpu()->softirq_pending)) {
		local_irq_enable();
		softirq_do_pending();
		return;
	}
	safe_halt();
}

void __attribute__((noreturn)) idle_loop(void)
{
	for (;;)
		idle_once();
}
