/*
 * Per-CPU data.  Each CPU's GS base points at its struct percpu, so
 * this_cpu() is one load.  The array is indexed by our dense CPU number
 * (0 = the boot CPU), not by APIC ID.
 */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <xen/types.h>

#define NR_CPUS 64

struct timer;

struct percpu {
	struct percpu *self;		/* must stay first: this_cpu() */
	unsigned int cpu;
	u32 apic_id;
	bool online;
	void *stack_top;
	/* Timer queue (xen/common/timer.c); lock-protected. */
	void *timer_queue;
	/* The TSC this CPU's LAPIC timer is armed for, 0 if disarmed (this
	 * CPU only; timer_catch_up_at()). */
	u64 timer_armed_tsc;
	/* Pending softirqs, one bit each (xen/common/softirq.c). */
	unsigned long softirq_pending;
	u64 irq_count, timer_irq_count;
	/* Virtualization state set up by hvm_cpu_up(). */
	void *hvm_host_area;
};

extern struct percpu percpu_data[NR_CPUS];
extern unsigned int nr_cpus_online;

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	asm volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

static inline unsigned int smp_processor_id(void)
{
	return this_cpu()->cpu;
}

static inline struct percpu *per_cpu(unsigned int cpu)
{
	return &percpu_data[cpu];
}

void percpu_init_cpu(unsigned int cpu);

#endif
