/*
 * Software timers.  Each CPU has a queue (an intrusive min-heap, xen/
 * common/timer_heap.c) driven by its LAPIC timer in one-shot or
 * TSC-deadline mode, always programmed for the earliest deadline.  Timer
 * functions run from the timer softirq on the timer's CPU, with interrupts
 * enabled and no timer lock held, so they may re-arm themselves.
 *
 * A queue has no capacity: arming never allocates and never fails, from
 * any context.  A timer belongs to one CPU's queue at a time; a vCPU's
 * timers move with it (migrate_timer()).  A function that is running
 * while its timer moves finishes on the old CPU; if the timer is re-armed
 * and expires on the new one meanwhile, the two runs overlap, so timer
 * functions must tolerate running concurrently with themselves (ours set
 * flags, send events or take their own lock).
 */
#ifndef XEN_TIMER_H
#define XEN_TIMER_H

#include <xen/lib.h>
#include <xen/timer_heap.h>
#include <asm/percpu.h>
#include <asm/processor.h>

void init_timer(struct timer *t, void (*fn)(void *data), void *data,
		unsigned int cpu);
/* Arm (or re-arm) @t for absolute time @expires (NOW() base); does
 * nothing once @t is killed.  Any context. */
void set_timer(struct timer *t, s_time_t expires);
/* Disarm @t if armed; it may still be running on its CPU. */
void stop_timer(struct timer *t);
/* Disarm @t for good (set_timer() ignores it from now on) and wait until
 * no CPU runs its function, so its memory may be freed.  Not from @t's own
 * function (a bug). */
void kill_timer(struct timer *t);
/* Move @t, armed or not, to the queue of @cpu, keeping its deadline. */
void migrate_timer(struct timer *t, unsigned int cpu);

static inline s_time_t timer_expires(const struct timer *t)
{
	return t->expires;
}

void timer_catch_up_overdue(void);
/* Run this CPU's timers if a deadline passed without its interrupt, the
 * TSC being @tsc (before each guest entry and each halt, interrupts on;
 * the entry path shares its one RDTSC with the pvclock check). */
static inline void timer_catch_up_at(u64 tsc)
{
	u64 armed = READ_ONCE(this_cpu()->timer_armed_tsc);

	if (unlikely(armed && tsc >= armed))
		timer_catch_up_overdue();
}
/* Set up this CPU's queue and LAPIC timer (after lapic_init_cpu()). */
void timer_init_cpu(void);
const char *timer_mode_name(void);
/* Each online CPU's queue length, its peak, how many armed timers
 * migrated to it and how many lost interrupts timer_catch_up_overdue() saw, one
 * line each. */
void timer_dump_queues(void);
void timer_selftest_all_cpus(void);
void bench_report_boot(u64 boot_tsc);
/* selftest=domain: create/populate/destroy returns all memory. */
void domain_selftest(void);
/* selftest=oom: domain creation fails cleanly at every allocation. */
void domain_oom_selftest(void);
/* selftest=hvmcontext: start @v (vCPU 0 of a built domain) in @st, then
 * from libxl-style save images, checking them (xen/arch/x86/selftest.c). */
struct vcpu;
struct hvm_boot_state;
void hvm_context_selftest(struct vcpu *v, const struct hvm_boot_state *st);

#endif
