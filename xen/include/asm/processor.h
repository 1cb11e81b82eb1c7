/* CPU registers, CPUID, MSRs and small privileged instructions. */
#ifndef ASM_PROCESSOR_H
#define ASM_PROCESSOR_H

#include <xen/types.h>
#include <asm/msr-index.h>
#include <asm/x86-defns.h>

struct cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

static inline void cpuid_count(u32 leaf, u32 sub, struct cpuid_regs *r)
{
	asm volatile("cpuid"
		     : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx)
		     : "a"(leaf), "c"(sub));
}

static inline void cpuid(u32 leaf, struct cpuid_regs *r)
{
	cpuid_count(leaf, 0, r);
}

static inline u32 cpuid_eax(u32 leaf)
{
	struct cpuid_regs r;

	cpuid(leaf, &r);
	return r.eax;
}

static inline u32 cpuid_ecx(u32 leaf)
{
	struct cpuid_regs r;

	cpuid(leaf, &r);
	return r.ecx;
}

static inline u32 cpuid_edx(u32 leaf)
{
	struct cpuid_regs r;

	cpuid(leaf, &r);
	return r.edx;
}

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32))
		     : "memory");
}

/* rdmsr that survives a #GP: returns false if the MSR does not exist. */
bool rdmsr_safe(u32 msr, u64 *val);

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

#define DEFINE_CR(n)							\
static inline unsigned long read_cr##n(void)				\
{									\
	unsigned long v;						\
	asm volatile("mov %%cr" #n ", %0" : "=r"(v));			\
	return v;							\
}									\
static inline void write_cr##n(unsigned long v)				\
{									\
	asm volatile("mov %0, %%cr" #n : : "r"(v) : "memory");		\
}
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

/*
 * Write [p, p + len) back to memory (CLFLUSH per 64-byte line), then
 * MFENCE so the lines are out before a later store (an IOMMU's doorbell)
 * is seen: for memory a device reads without snooping the caches.
 */
static inline void clflush_range(const void *p, unsigned long len)
{
	for (unsigned long off = 0; off < len; off += 64)
		asm volatile("clflush %0" : : "m"(*((const char *)p + off)));
	asm volatile("mfence" ::: "memory");
}

static inline void cpu_relax(void)
{
	asm volatile("pause" ::: "memory");
}

static inline void local_irq_enable(void)
{
	asm volatile("sti" ::: "memory");
}

static inline void local_irq_disable(void)
{
	asm volatile("cli" ::: "memory");
}

static inline unsigned long local_save_flags(void)
{
	unsigned long f;

	asm volatile("pushf; pop %0" : "=r"(f) :: "memory");
	return f;
}

static inline unsigned long local_irq_save(void)
{
	unsigned long f = local_save_flags();

	local_irq_disable();
	return f;
}

static inline void local_irq_restore(unsigned long f)
{
	if (f & X86_EFLAGS_IF)
		local_irq_enable();
}

static inline bool local_irq_is_enabled(void)
{
	return local_save_flags() & X86_EFLAGS_IF;
}

/* Wait for an interrupt with interrupts enabled atomically (sti; hlt). */
static inline void safe_halt(void)
{
	asm volatile("sti; hlt" ::: "memory");
}

static inline __attribute__((noreturn)) void halt_forever(void)
{
	for (;;)
		asm volatile("cli; hlt");
}

#define barrier() asm volatile("" ::: "memory")
#define smp_mb() asm volatile("mfence" ::: "memory")
#define smp_rmb() barrier()
#define smp_wmb() barrier()
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#endif
