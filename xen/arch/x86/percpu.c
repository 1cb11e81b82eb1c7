/* Per-CPU areas: GS base points at each CPU's struct percpu. */
#include <xen/lib.h>
#include <asm/percpu.h>
#include <asm/processor.h>

struct percpu percpu_data[NR_CPUS];
unsigned int nr_cpus_online;

void percpu_init_cpu(unsigned int cpu)
{
	struct percpu *p = &percpu_data[cpu];

	p->self = p;
	p->cpu = cpu;
	wrmsr(MSR_GS_BASE, (u64)(uintptr_t)p);
}
