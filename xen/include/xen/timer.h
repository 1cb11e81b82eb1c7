/*
 * Software timers.  Each CPU has a queue (a min-heap, xen/common/
 * timer_heap.c) driven by its LAPIC timer in one-shot or TSC-deadline mode,
 * always programmed for the earliest deadline.  Timer functions run from
 * the timer softirq on the timer's CPU, with interrupts enabled and no
 * timer lock held, so they may re-arm themselves.
 */
#ifndef XEN_TIMER_H
#define XEN_TIMER_H

#include <xen/timer_heap.h>

void init_timer(struct timer *t, void (*fn)(void *data), void *data,
		unsigned int cpu);
/* Arm (or re-arm) @t for absolute time @expires (NOW() base). */
void set_timer(struct timer *t, s_time_t expires);
/* Disarm @t if armed; it may still be running on its CPU. */
void stop_timer(struct timer *t);
void kill_timer(struct timer *t);

static inline s_time_t timer_expires(const struct timer *t)
{
	return t->expires;
}

/* Set up this CPU's queue and LAPIC timer (after lapic_init_cpu()). */
void timer_init_cpu(void);
const char *timer_mode_name(void);
void timer_selftest_all_cpus(void);
void bench_report_boot(u64 boot_tsc);
/* selftest=domain: create/populate/destroy returns all memory. */
void domain_selftest(void);

#endif
