/*
 * Per-CPU timer queues on the LAPIC timer.
 *
 * The LAPIC timer is always armed for the earliest deadline in its CPU's
 * heap: TSC-deadline mode when the CPU has it (exact, no conversion), else
 * one-shot mode counting LAPIC ticks (at most 2^32 ticks ahead; a deadline
 * further out simply takes an early interrupt that re-arms).  The
 * interrupt only raises TIMER_SOFTIRQ; expired timers run from the softirq
 * so a timer function may take locks, re-arm itself, or run long.
 *
 * Nothing here trusts that interrupt to come: timer_catch_up_at() runs
 * before every guest entry and every halt, and a deadline that passed
 * without its interrupt runs anyway (timer_catch_up_overdue()).
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

/*
 * Zero is a valid empty queue with an unlocked lock, so a timer may be
 * queued on a CPU before that CPU runs timer_init_cpu().
 */
struct timer_queue {
	spinlock_t lock;
	struct timer_heap heap;
	struct timer *running;		/* whose fn this CPU runs now */
	unsigned int peak;		/* most timers ever queued at once */
	unsigned long moved_in;		/* armed timers migrated here */
	unsigned long lost;		/* interrupts timer_catch_up_overdue() saw
					 * stranded (own CPU; a lower bound) */
};

static struct timer_queue queues[NR_CPUS];

const char *timer_mode_name(void)
{
	return cpu_has_tsc_deadline ? "LAPIC TSC-deadline" : "LAPIC one-shot";
}

/*
 * Deadlines a guest chose reach here (set_timer_op takes any time up to
 * 2^63 ns): one further ahead than this is programmed as this and takes
 * an early interrupt that re-arms, so the conversions below cannot
 * overflow into a deadline in the past that would fire again at once,
 * forever.
 */
#define LAPIC_MAX_AHEAD SECONDS(1)

/* Arm this CPU's LAPIC timer for @expires (any value: in the past fires
 * at once); returns the TSC it fires at.  Pre: queue locked. */
static u64 program_lapic_timer(s_time_t expires)
{
	s_time_t now = NOW(), delta;
	/* 0 would disarm TSC-deadline mode: the earliest deadline is 1. */
	u64 ticks, tsc;

	expires = MIN(expires, now + LAPIC_MAX_AHEAD);
	tsc = time_tsc_at_boot() + MAX(ns_to_tsc(expires), 1);
	if (cpu_has_tsc_deadline) {
		wrmsr(MSR_IA32_TSC_DEADLINE, tsc);
		return tsc;
	}
	delta = expires - now;
	ticks = delta <= 0 ? 1 : (u64)delta * lapic_timer_khz / 1000000 + 1;
	apic_write(APIC_TMICT, ticks > 0xffffffffULL ? 0xffffffff : (u32)ticks);
	return tsc;
}

static void disarm_lapic_timer(void)
{
	if (cpu_has_tsc_deadline)
		wrmsr(MSR_IA32_TSC_DEADLINE, 0);
	else
		apic_write(APIC_TMICT, 0);
}

/* Pre: @q is this CPU's, locked. */
static void reprogram(struct timer_queue *q)
{
	struct timer *first = timer_heap_peek(&q->heap);

	/* A timer due at time 0 (or before) is armed too: it fires now. */
	if (first) {
		WRITE_ONCE(this_cpu()->timer_armed_tsc,
			   program_lapic_timer(first->expires));
	} else {
		disarm_lapic_timer();
		WRITE_ONCE(this_cpu()->timer_armed_tsc, 0);
	}
}

/*
 * Run this CPU's expired timers.  t->running counts the runs in progress
 * (kill_timer() waits for it to drop to zero) and is the last field of
 * the timer touched: once it drops, the owner may free the timer.
 */
static void timer_softirq_action(void)
{
	struct timer_queue *q = &queues[smp_processor_id()];
	unsigned long flags = spin_lock_irqsave(&q->lock);
	struct timer *t;

	while ((t = timer_heap_pop_expired(&q->heap, NOW()))) {
		void (*fn)(void *) = t->fn;
		void *data = t->data;

		__atomic_add_fetch(&t->running, 1, __ATOMIC_RELAXED);
		q->running = t;
		spin_unlock_irqrestore(&q->lock, flags);
		fn(data);
		flags = spin_lock_irqsave(&q->lock);
		q->running = NULL;
		__atomic_sub_fetch(&t->running, 1, __ATOMIC_RELEASE);
	}
	reprogram(q);
	spin_unlock_irqrestore(&q->lock, flags);
}

/* A deliverable interrupt is taken at the next instruction boundary; an
 * emulator may need a few instructions to notice it.  Not taken within
 * this, with interrupts on, it never will be. */
#define TIMER_STRANDED_AFTER MICROSECS(100)

/* SDM vol. 3 11.8.4: is VEC_TIMER requested (IRR)? */
static bool timer_vector_requested(void)
{
	return apic_read(APIC_IRR + 0x10 * (VEC_TIMER / 32)) &
	       (1U << (VEC_TIMER % 32));
}

/* Is a timer interrupt requested but not taken although it could be?
 * Only interrupts on and none in service (the scheduler loop) tell. */
static bool timer_interrupt_stranded(void)
{
	u64 taken = READ_ONCE(this_cpu()->timer_irq_count), t0 = rdtsc();

	if (!local_irq_is_enabled())
		return false;
	while (timer_vector_requested()) {
		if (READ_ONCE(this_cpu()->timer_irq_count) != taken)
			return false;		/* it was in flight */
		if (tsc_to_ns(rdtsc() - t0) > TIMER_STRANDED_AFTER)
			return true;
		cpu_relax();
	}
	return false;
}

/*
 * This CPU's LAPIC timer is armed for a deadline that has passed: run the
 * queue now, whether or not its interrupt comes.  Without this, one lost
 * interrupt stops the queue for good: the overdue timer stays at its head,
 * so arming a later one never reprograms the LAPIC timer, and a vCPU
 * blocked until its own timer sleeps forever.
 *
 * QEMU TCG (7.2) loses interrupts: its VMRUN (helper_vmrun() in
 * target/i386/tcg/sysemu/svm_helper.c) ORs CPU_INTERRUPT_VIRQ into the
 * vCPU's interrupt_request without the lock under which the APIC timer,
 * in another host thread, ORs in CPU_INTERRUPT_POLL.  When the two
 * coincide the POLL is lost, and the timer's vector stays in IRR, never
 * delivered, until something else makes QEMU look at the APIC again.  It
 * takes a VMRUN with V_IRQ set (an interrupt window, hvm/svm/vcpu.c) just
 * as the timer fires.  hostile_dom0 hung that way, a vCPU never waking
 * from a 1 ms sleep; tests/guests/timer_window provokes it.  Running the
 * timers reprograms the LAPIC timer, whose next interrupt brings the
 * stranded vector along.
 *
 * Reached through timer_catch_up_at() (xen/timer.h) before every guest
 * entry (hvm_vcpu_run_once(), sharing its RDTSC) and every halt (the
 * scheduler loop), with interrupts on: a load and a compare when nothing
 * is overdue.
 * An interrupt merely late or in flight gets TIMER_SOFTIRQ raised twice,
 * which is harmless.  A halted CPU still depends on the interrupt, but
 * this loss needs a VMRUN; the next entry or halt catches up with it.
 */
void timer_catch_up_overdue(void)
{
	struct timer_queue *q = &queues[smp_processor_id()];

	raise_softirq(TIMER_SOFTIRQ);
	/* Once per deadline: the softirq re-arms before we look again. */
	WRITE_ONCE(this_cpu()->timer_armed_tsc, 0);
	/* Counted only if seen: one lost after this look is not. */
	if (!timer_interrupt_stranded())
		return;
	if (++q->lost <= 3 || !(q->lost % 1000))
		printk(KERN_WARNING "CPU%u: timer interrupt lost (#%lu: "
		       "requested, never taken); timers run without it\n",
		       smp_processor_id(), q->lost);
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

/* Lock the queue @t belongs to, following it if it moves meanwhile. */
static unsigned long timer_lock(struct timer *t, struct timer_queue **qp)
{
	for (;;) {
		unsigned int cpu = READ_ONCE(t->cpu);
		struct timer_queue *q = &queues[cpu];
		unsigned long flags = spin_lock_irqsave(&q->lock);

		if (cpu == t->cpu) {
			*qp = q;
			return flags;
		}
		spin_unlock_irqrestore(&q->lock, flags);
	}
}

/* @t became the earliest of @cpu's queue: re-arm that CPU's LAPIC timer.
 * Pre: the queue of @cpu locked. */
static void kick(unsigned int cpu)
{
	if (cpu == smp_processor_id())
		reprogram(&queues[cpu]);
	else
		cpu_raise_softirq(cpu, TIMER_SOFTIRQ);
}

void set_timer(struct timer *t, s_time_t expires)
{
	struct timer_queue *q;
	unsigned long flags = timer_lock(t, &q);

	if (!t->killed) {
		timer_heap_modify(&q->heap, t, expires);
		q->peak = MAX(q->peak, q->heap.nr);
		if (timer_heap_peek(&q->heap) == t)
			kick(t->cpu);
	}
	spin_unlock_irqrestore(&q->lock, flags);
}

void stop_timer(struct timer *t)
{
	struct timer_queue *q;
	unsigned long flags = timer_lock(t, &q);

	timer_heap_remove(&q->heap, t);
	spin_unlock_irqrestore(&q->lock, flags);
}

void kill_timer(struct timer *t)
{
	struct timer_queue *q;
	unsigned long flags = timer_lock(t, &q);

	t->killed = true;
	timer_heap_remove(&q->heap, t);
	spin_unlock_irqrestore(&q->lock, flags);
	/* Its own fn would wait for itself here. */
	BUG_ON(READ_ONCE(queues[smp_processor_id()].running) == t);
	while (__atomic_load_n(&t->running, __ATOMIC_ACQUIRE))
		cpu_relax();
}

/*
 * Both queues are locked, lower CPU first, so a concurrent set_timer()
 * or stop_timer() (which follow t->cpu) sees the timer on exactly one of
 * them, and a run of its fn in progress on the old CPU is unaffected: it
 * copied fn and data under the old lock, and kill_timer() waits for it
 * through t->running wherever the timer has gone.
 */
void migrate_timer(struct timer *t, unsigned int new_cpu)
{
	struct timer_queue *from, *to;
	unsigned int old;
	unsigned long flags;
	bool active;

	BUG_ON(new_cpu >= NR_CPUS);
	for (;;) {
		old = READ_ONCE(t->cpu);
		if (old == new_cpu)
			return;
		from = &queues[old];
		to = &queues[new_cpu];
		flags = spin_lock_irqsave(old < new_cpu ? &from->lock : &to->lock);
		spin_lock(old < new_cpu ? &to->lock : &from->lock);
		if (old == t->cpu)
			break;
		spin_unlock(&to->lock);
		spin_unlock_irqrestore(&from->lock, flags);
	}
	active = timer_heap_remove(&from->heap, t);
	WRITE_ONCE(t->cpu, new_cpu);
	if (active) {
		/* The old CPU may take one early interrupt: it re-arms. */
		timer_heap_add(&to->heap, t);
		to->peak = MAX(to->peak, to->heap.nr);
		to->moved_in++;
		if (timer_heap_peek(&to->heap) == t)
			kick(new_cpu);
	}
	spin_unlock(&to->lock);
	spin_unlock_irqrestore(&from->lock, flags);
}

/* A snapshot for the log (debug keys, power-off): each queue under its
 * lock, its earliest deadline and function; the LAPIC timer and the
 * interrupt counts of each CPU; this CPU's pending timer vector. */
void timer_dump_queues(void)
{
	s_time_t now = NOW();
	u64 tsc = rdtsc();

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct timer_queue *q = &queues[cpu];
		struct percpu *p = per_cpu(cpu);
		unsigned long flags;
		struct timer *first;
		s_time_t head = 0;
		void *fn = NULL;
		u64 armed;

		if (!READ_ONCE(p->online))
			continue;
		flags = spin_lock_irqsave(&q->lock);
		first = timer_heap_peek(&q->heap);
		if (first) {
			head = first->expires - now;
			fn = first->fn;
		}
		spin_unlock_irqrestore(&q->lock, flags);
		armed = READ_ONCE(p->timer_armed_tsc);
		printk("CPU%u: %u timers queued, at most %u at once, %lu moved "
		       "here armed, %lu interrupts seen lost\n", cpu,
		       READ_ONCE(q->heap.nr), READ_ONCE(q->peak),
		       READ_ONCE(q->moved_in), READ_ONCE(q->lost));
		printk("CPU%u: first due in %ld us (fn %p), LAPIC timer armed "
		       "%s %ld us, %lu timer interrupts of %lu, softirqs %#lx\n",
		       cpu, first ? (long)(head / 1000) : 0L, fn,
		       armed ? "for" : "off",
		       !armed ? 0L : armed >= tsc ?
		       (long)(tsc_to_ns(armed - tsc) / 1000) :
		       -(long)(tsc_to_ns(tsc - armed) / 1000),
		       (unsigned long)READ_ONCE(p->timer_irq_count),
		       (unsigned long)READ_ONCE(p->irq_count),
		       READ_ONCE(p->softirq_pending));
	}
	printk("CPU%u: timer vector %srequested in IRR, interrupts %s\n",
	       smp_processor_id(), timer_vector_requested() ? "" : "not ",
	       local_irq_is_enabled() ? "on" : "off");
}

void timer_init_cpu(void)
{
	unsigned int cpu = smp_processor_id();
	struct timer_queue *q = &queues[cpu];

	if (cpu == 0) {
		set_irq_handler(VEC_TIMER, timer_interrupt);
		open_softirq(TIMER_SOFTIRQ, timer_softirq_action);
	}
	apic_write(APIC_TDCR, 0xb);		/* divide by 1 */
	apic_write(APIC_LVT_TIMER, VEC_TIMER |
		   (cpu_has_tsc_deadline ? APIC_TIMER_TSC_DEADLINE : 0));
	per_cpu(cpu)->timer_queue = q;
}
