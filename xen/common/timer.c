/*
 * Per-CPU timer queues on the LAPIC timer.
 *
 * The LAPIC timer is always armed for the earliest deadline in its CPU's
 * heap: TSC-deadline mode when the CPU has it (exact, no conversion), else
 * one-shot mode counting LAPIC ticks (at most 2^32 ticks ahead; a deadline
 * further out simply takes an early interrupt that re-arms).  The
 * interrupt only raises TIMER_SOFTIRQ; expired timers run from the softirq
 * so a timer function may take locks, re-arm itself, or run long.
 */
#include <xen/lib.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <asm/apic.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/traps.h>

#define TIMERS_PER_CPU 256

struct timer_queue {
	spinlock_t lock;
	struct timer_heap heap;
	struct timer *slots[TIMERS_PER_CPU];
};

static struct timer_queue queues[NR_CPUS];

const char *timer_mode_name(void)
{
	return cpu_has_tsc_deadline ? "LAPIC TSC-deadline" : "LAPIC one-shot";
}

/* Arm this CPU's LAPIC timer for @expires; 0 disarms. Pre: queue locked. */
static void program_lapic_timer(s_time_t expires)
{
	s_time_t delta;
	u64 ticks;

	if (cpu_has_tsc_deadline) {
		wrmsr(MSR_IA32_TSC_DEADLINE,
		      expires ? time_tsc_at_boot() + ns_to_tsc(MAX(expires, 1)) : 0);
		return;
	}
	if (!expires) {
		apic_write(APIC_TMICT, 0);
		return;
	}
	delta = expires - NOW();
	ticks = delta <= 0 ? 1 : (u64)delta * lapic_timer_khz / 1000000 + 1;
	apic_write(APIC_TMICT, ticks > 0xffffffffULL ? 0xffffffff : (u32)ticks);
}

/* A timer due at time 0 (or before) must still fire: 0 means "disarm"
 * to program_lapic_timer(), so it is armed for 1 ns instead. */
static void reprogram(struct timer_queue *q)
{
	struct timer *first = timer_heap_peek(&q->heap);

	program_lapic_timer(first ? MAX(first->expires, (s_time_t)1) : 0);
}

static void timer_softirq_action(void)
{
	struct timer_queue *q = &queues[smp_processor_id()];
	unsigned long flags = spin_lock_irqsave(&q->lock);
	struct timer *t;

	while ((t = timer_heap_pop_expired(&q->heap, NOW()))) {
		void (*fn)(void *) = t->fn;
		void *data = t->data;

		spin_unlock_irqrestore(&q->lock, flags);
		fn(data);
		flags = spin_lock_irqsave(&q->lock);
	}
	reprogram(q);
	spin_unlock_irqrestore(&q->lock, flags);
}

static void timer_interrupt(struct cpu_regs *regs)
{
	this_cpu()->timer_irq_count++;
	raise_softirq(TIMER_SOFTIRQ);
}

void init_timer(struct timer *t, void (*fn)(void *data), void *data,
		unsigned int cpu)
{
	BUG_ON(cpu >= NR_CPUS);
	timer_init(t, fn, data, cpu);
}

void set_timer(struct timer *t, s_time_t expires)
{
	struct timer_queue *q = &queues[t->cpu];
	unsigned long flags = spin_lock_irqsave(&q->lock);

	if (timer_heap_modify(&q->heap, t, expires))
		panic("timer: CPU%u queue full (%u timers)", t->cpu,
		      TIMERS_PER_CPU);
	if (timer_heap_peek(&q->heap) == t) {
		if (t->cpu == smp_processor_id())
			reprogram(q);
		else
			cpu_raise_softirq(t->cpu, TIMER_SOFTIRQ);
	}
	spin_unlock_irqrestore(&q->lock, flags);
}

void stop_timer(struct timer *t)
{
	struct timer_queue *q = &queues[t->cpu];
	unsigned long flags = spin_lock_irqsave(&q->lock);

	timer_heap_remove(&q->heap, t);
	spin_unlock_irqrestore(&q->lock, flags);
}

void kill_timer(struct timer *t)
{
	stop_timer(t);
}

void timer_init_cpu(void)
{
	unsigned int cpu = smp_processor_id();
	struct timer_queue *q = &queues[cpu];

	spin_lock_init(&q->lock);
	timer_heap_init(&q->heap, q->slots, TIMERS_PER_CPU);
	if (cpu == 0) {
		set_irq_handler(VEC_TIMER, timer_interrupt);
		open_softirq(TIMER_SOFTIRQ, timer_softirq_action);
	}
	apic_write(APIC_TDCR, 0xb);		/* divide by 1 */
	apic_write(APIC_LVT_TIMER, VEC_TIMER |
		   (cpu_has_tsc_deadline ? APIC_TIMER_TSC_DEADLINE : 0));
	per_cpu(cpu)->timer_queue = q;
}
