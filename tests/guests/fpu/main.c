/*
 * The FPU/SSE registers and XCR0 belong to their vCPU.  The hypervisor
 * leaves them in the hardware across VM exits and moves them only when
 * another vCPU runs on the pCPU (hvm/fpu.c), so this case fills XMM0-15,
 * MXCSR, the x87 control word and (with XSAVE) XCR0 with values derived
 * from its seed - and DR0-3 (with breakpoints armed in DR7 for odd seeds
 * only), which are switched lazily too - then makes exits of every
 * common kind - CPUID, a
 * hypercall, SCHEDOP_yield (another domain on the same pCPU runs and uses
 * the same registers), an unclaimed port read, an MSR read - and checks
 * that every value is still its own.  Run two or more, with different
 * seeds, pinned to one pCPU.
 *
 * Command line: seed=<n> (default 1), passes=<n> (default 2000).
 */
#include "lib.h"

#define CR0_MP (1ULL << 1)
#define CR0_EM (1ULL << 2)
#define CR0_TS (1ULL << 3)
#define CR4_OSFXSR (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define CR4_OSXSAVE (1ULL << 18)
#define CPUID1_ECX_XSAVE (1U << 26)
#define CPUID1_ECX_AVX (1U << 28)
#define XCR0_X87_SSE 0x3ULL
#define XCR0_AVX 0x4ULL
#define MSR_APIC_BASE 0x1b

static u64 xmm_out[32] __attribute__((aligned(16)));
static u64 xmm_in[32] __attribute__((aligned(16)));

static inline void write_cr0(u64 v) { asm volatile("mov %0, %%cr0" : : "r"(v)); }
static inline void write_cr4(u64 v) { asm volatile("mov %0, %%cr4" : : "r"(v)); }

static u64 xgetbv0(void)
{
	u32 lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((u64)hi << 32) | lo;
}

static void xsetbv0(u64 v)
{
	asm volatile("xsetbv" : : "c"(0), "a"((u32)v), "d"((u32)(v >> 32)));
}

static void xmm_load(const u64 *p)
{
	asm volatile(
		"movdqa 0x00(%0), %%xmm0\n\tmovdqa 0x10(%0), %%xmm1\n\t"
		"movdqa 0x20(%0), %%xmm2\n\tmovdqa 0x30(%0), %%xmm3\n\t"
		"movdqa 0x40(%0), %%xmm4\n\tmovdqa 0x50(%0), %%xmm5\n\t"
		"movdqa 0x60(%0), %%xmm6\n\tmovdqa 0x70(%0), %%xmm7\n\t"
		"movdqa 0x80(%0), %%xmm8\n\tmovdqa 0x90(%0), %%xmm9\n\t"
		"movdqa 0xa0(%0), %%xmm10\n\tmovdqa 0xb0(%0), %%xmm11\n\t"
		"movdqa 0xc0(%0), %%xmm12\n\tmovdqa 0xd0(%0), %%xmm13\n\t"
		"movdqa 0xe0(%0), %%xmm14\n\tmovdqa 0xf0(%0), %%xmm15"
		: : "r"(p) : "memory");
}

static void xmm_store(u64 *p)
{
	asm volatile(
		"movdqa %%xmm0, 0x00(%0)\n\tmovdqa %%xmm1, 0x10(%0)\n\t"
		"movdqa %%xmm2, 0x20(%0)\n\tmovdqa %%xmm3, 0x30(%0)\n\t"
		"movdqa %%xmm4, 0x40(%0)\n\tmovdqa %%xmm5, 0x50(%0)\n\t"
		"movdqa %%xmm6, 0x60(%0)\n\tmovdqa %%xmm7, 0x70(%0)\n\t"
		"movdqa %%xmm8, 0x80(%0)\n\tmovdqa %%xmm9, 0x90(%0)\n\t"
		"movdqa %%xmm10, 0xa0(%0)\n\tmovdqa %%xmm11, 0xb0(%0)\n\t"
		"movdqa %%xmm12, 0xc0(%0)\n\tmovdqa %%xmm13, 0xd0(%0)\n\t"
		"movdqa %%xmm14, 0xe0(%0)\n\tmovdqa %%xmm15, 0xf0(%0)"
		: : "r"(p) : "memory");
}

/* One exit of each kind; the yield lets the other domains run. */
static void exits(void)
{
	u64 val;

	cpuid(0x40000000);
	hyp_xen_version(0, NULL);
	hyp_yield();
	(void)inb(0x80);
	rdmsr_safe(MSR_APIC_BASE, &val);
}

static void dr_write(const u64 *d)
{
	asm volatile("mov %0, %%dr0" : : "r"(d[0]));
	asm volatile("mov %0, %%dr1" : : "r"(d[1]));
	asm volatile("mov %0, %%dr2" : : "r"(d[2]));
	asm volatile("mov %0, %%dr3" : : "r"(d[3]));
}

static bool dr_same(const u64 *d)
{
	u64 r[4];

	asm volatile("mov %%dr0, %0" : "=r"(r[0]));
	asm volatile("mov %%dr1, %0" : "=r"(r[1]));
	asm volatile("mov %%dr2, %0" : "=r"(r[2]));
	asm volatile("mov %%dr3, %0" : "=r"(r[3]));
	return !memcmp(r, d, sizeof(r));
}

static u64 mix(u64 x)
{
	x ^= x >> 31;
	x *= 0x7fb5d329728ea185ULL;
	return x ^ (x >> 27);
}

int main(void)
{
	u64 seed = 1, passes = 2000, bad = 0, xcr0 = 0, dr[4], dr7 = 0;
	u32 mxcsr, mxcsr_got;
	u16 fcw, fcw_got;
	u32 ecx = cpuid(1).c;

	cmdline_get_u64("seed", &seed);
	cmdline_get_u64("passes", &passes);
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	/* With XSAVE, domains with different seeds run different XCR0s. */
	if (ecx & CPUID1_ECX_XSAVE) {
		write_cr4(read_cr4() | CR4_OSXSAVE);
		xcr0 = XCR0_X87_SSE;
		if ((seed & 1) && (ecx & CPUID1_ECX_AVX))
			xcr0 |= XCR0_AVX;
		xsetbv0(xcr0);
	}
	/* Rounding control and precision differ by seed; exceptions masked. */
	mxcsr = 0x1f80 | ((seed & 3) << 13);
	fcw = 0x037f & ~(3U << 8);
	fcw |= ((seed + 1) & 3) << 8;
	asm volatile("ldmxcsr %0" : : "m"(mxcsr));
	asm volatile("fninit; fldcw %0" : : "m"(fcw));
	/* Execute breakpoints at addresses nothing runs (odd seeds): the
	 * hypervisor must keep DR0-3 whether or not DR7 arms them. */
	if (seed & 1)
		dr7 = 0x55;			/* L0-L3, R/W 00, LEN 00 */
	asm volatile("mov %0, %%dr7" : : "r"(dr7));
	report_info("seed %lu, %lu passes, XCR0 %#lx, DR7 %#lx", seed, passes,
		    xcr0, dr7);

	for (u64 p = 0; p < passes; p++) {
		for (unsigned int i = 0; i < 32; i++)
			xmm_out[i] = mix(seed << 40 ^ p << 8 ^ i);
		for (unsigned int i = 0; i < 4; i++)
			dr[i] = 0xdead0000000ULL + (seed << 24) + (p << 4) + i;
		xmm_load(xmm_out);
		dr_write(dr);
		exits();
		xmm_store(xmm_in);
		asm volatile("stmxcsr %0" : "=m"(mxcsr_got));
		asm volatile("fnstcw %0" : "=m"(fcw_got));
		if (memcmp(xmm_in, xmm_out, sizeof(xmm_in)) ||
		    mxcsr_got != mxcsr || fcw_got != fcw || !dr_same(dr) ||
		    (xcr0 && xgetbv0() != xcr0)) {
			if (!bad)
				printf("fpu: pass %lu: MXCSR %#x (want %#x) FCW "
				       "%#x (want %#x) XMM0 %#lx (want %#lx)\n",
				       p, mxcsr_got, mxcsr, fcw_got, fcw,
				       xmm_in[0], xmm_out[0]);
			bad++;
		}
	}
	report(!bad, "registers kept across %lu passes of exits (%lu bad)",
	       passes, bad);
	return report_result();
}
