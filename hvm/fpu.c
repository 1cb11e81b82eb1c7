/*
 * Guest FPU/SSE/AVX state switching; see hvm/fpu.h for the scheme.
 *
 * Which state a pCPU's registers hold is tracked by a never-reused id,
 * not a pointer: a vCPU destroyed while its registers are still loaded
 * somewhere leaves a stale id that nobody matches, so there is nothing to
 * clean up on other pCPUs and no lifetime race.  A state also remembers
 * the pCPU it was last loaded on, so returning to a pCPU that still holds
 * an older copy of it reloads the current one.
 *
 * With XSAVE the areas use the standard (non-compacted) format and are
 * saved and restored with the host's full XCR0, so every component the
 * guest may have enabled is covered whatever XCR0 the guest chose.  We
 * use plain XSAVE, not XSAVEOPT: its modified-state tracking is keyed on
 * the linear address of the last XRSTOR, which a guest can collide with.
 */
#include <hvm/fpu.h>
#include <hvm/x86.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <xen/sched.h>
#include <asm/percpu.h>
#include <asm/processor.h>

#define FXSAVE_SIZE		512
#define FPU_FCW_INIT		0x037f	/* after FNINIT (SDM vol. 1 8.1.5) */
#define FPU_MXCSR_INIT		0x1f80	/* reset value (SDM vol. 1 10.2.3) */

struct fpu_state {
	u64 id;			/* unique; what fpu_loaded[] holds */
	u64 xcr0;		/* the guest's XCR0 */
	unsigned int order;	/* page order of this allocation */
	unsigned int loaded_cpu; /* pCPU it was last loaded on */
	u8 area[] __attribute__((aligned(64)));	/* XSAVE/FXSAVE image */
};

static struct fpu_state **(*fpu_slot)(struct vcpu *v);
static u64 fpu_xcr0;			/* host XCR0; 0 without XSAVE */
static unsigned int fpu_size;		/* bytes of the save image */
static bool fpu_probed;
static u64 fpu_next_id = 1;
/* Id of the state in each pCPU's registers (0: none).  Own pCPU only. */
static u64 fpu_loaded[NR_CPUS];

static inline void fpu_xsetbv(u32 idx, u64 val)
{
	asm volatile("xsetbv" : : "c"(idx), "a"((u32)val),
		     "d"((u32)(val >> 32)));
}

static inline u64 fpu_xgetbv(u32 idx)
{
	u32 lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(idx));
	return ((u64)hi << 32) | lo;
}

/*
 * Boot CPU: what to enable.  APs: check they offer the same.  The host
 * enables every user component the CPU has (except AMX, whose 8 KiB of
 * tiles need permission handling we do not have): an emulator without
 * the XSETBV intercept lets a guest enable anything the CPU supports,
 * and each of those components must be in our save image.
 */
static int fpu_probe(u64 *xcr0, unsigned int *size)
{
	struct cpuid_regs r;

	*xcr0 = 0;
	*size = FXSAVE_SIZE;
	if (!(cpuid_ecx(1) & X86_FEATURE_BIT(XSAVE)))
		return 0;
	cpuid_count(0xd, 0, &r);
	*xcr0 = (((u64)r.edx << 32) | r.eax) & XSTATE_HOST;
	if (!(cpuid_ecx(1) & X86_FEATURE_BIT(AVX)))
		*xcr0 &= ~(X86_XCR0_AVX | X86_XCR0_AVX512);
	if ((*xcr0 & X86_XCR0_MPX) != X86_XCR0_MPX)
		*xcr0 &= ~X86_XCR0_MPX;
	if ((*xcr0 & X86_XCR0_AVX512) != X86_XCR0_AVX512)
		*xcr0 &= ~X86_XCR0_AVX512;
	return (*xcr0 & (X86_XCR0_X87 | X86_XCR0_SSE)) ==
	       (X86_XCR0_X87 | X86_XCR0_SSE) ? 0 : -ENODEV;
}

int fpu_cpu_init(void)
{
	unsigned long cr0 = read_cr0();
	u64 xcr0;
	unsigned int size;

	/* SDM vol. 3 13.1.3: native x87 errors, no emulation, no lazy #NM. */
	cr0 &= ~(X86_CR0_EM | X86_CR0_TS);
	write_cr0(cr0 | X86_CR0_MP | X86_CR0_NE);
	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
	if (fpu_probe(&xcr0, &size))
		return -ENODEV;
	if (xcr0) {
		struct cpuid_regs r;

		write_cr4(read_cr4() | X86_CR4_OSXSAVE);
		fpu_xsetbv(0, xcr0);
		/* CPUID 0xD.0 EBX: the image size for the XCR0 now enabled. */
		cpuid_count(0xd, 0, &r);
		size = r.ebx;
	}
	if (!fpu_probed) {
		fpu_xcr0 = xcr0;
		fpu_size = size;
		fpu_probed = true;
		return 0;
	}
	return xcr0 == fpu_xcr0 && size == fpu_size ? 0 : -ENODEV;
}

u64 fpu_host_xcr0(void)
{
	return fpu_xcr0;
}

void fpu_set_slot_fn(struct fpu_state **(*slot)(struct vcpu *v))
{
	fpu_slot = slot;
}

static struct fpu_state *fpu_of(struct vcpu *v)
{
	struct fpu_state *s = *fpu_slot(v);

	ASSERT(s);
	return s;
}

int fpu_vcpu_init(struct vcpu *v)
{
	unsigned int order;
	struct fpu_state *s;

	BUG_ON(!fpu_probed || !fpu_slot);
	order = page_alloc_order_of_bytes(sizeof(*s) + fpu_size);
	s = alloc_zeroed_pages(order);
	if (!s)
		return -ENOMEM;
	s->id = __atomic_fetch_add(&fpu_next_id, 1, __ATOMIC_RELAXED);
	s->xcr0 = X86_XCR0_X87;
	s->order = order;
	s->loaded_cpu = NR_CPUS;
	/* Legacy region: FCW at 0, MXCSR at 24.  A zero XSAVE header
	 * (XSTATE_BV = 0) puts every component in its init state. */
	*(u16 *)&s->area[0] = FPU_FCW_INIT;
	*(u32 *)&s->area[24] = FPU_MXCSR_INIT;
	*fpu_slot(v) = s;
	return 0;
}

void fpu_vcpu_destroy(struct vcpu *v)
{
	struct fpu_state **slot = fpu_slot(v);

	if (!*slot)
		return;
	free_pages(*slot, (*slot)->order);
	*slot = NULL;
}

void fpu_save(struct vcpu *v)
{
	struct fpu_state *s = fpu_of(v);

	ASSERT(s->loaded_cpu == smp_processor_id());
	if (fpu_xcr0)
		asm volatile("xsave64 (%0)" : : "r"(s->area), "a"((u32)fpu_xcr0),
			     "d"((u32)(fpu_xcr0 >> 32)) : "memory");
	else
		asm volatile("fxsave64 (%0)" : : "r"(s->area) : "memory");
}

void fpu_restore(struct vcpu *v)
{
	struct fpu_state *s = fpu_of(v);
	unsigned int cpu = smp_processor_id();

	if (fpu_loaded[cpu] == s->id && s->loaded_cpu == cpu)
		return;
	if (fpu_xcr0)
		asm volatile("xrstor64 (%0)" : : "r"(s->area), "a"((u32)fpu_xcr0),
			     "d"((u32)(fpu_xcr0 >> 32)) : "memory");
	else
		asm volatile("fxrstor64 (%0)" : : "r"(s->area) : "memory");
	fpu_loaded[cpu] = s->id;
	s->loaded_cpu = cpu;
}

void fpu_guest_enter(struct vcpu *v)
{
	struct fpu_state *s = fpu_of(v);

	fpu_restore(v);
	if (s->xcr0 != fpu_xcr0)
		fpu_xsetbv(0, s->xcr0);
}

void fpu_guest_exit(struct vcpu *v)
{
	struct fpu_state *s = fpu_of(v);

	/* Emulators may not intercept XSETBV (QEMU TCG does not): take the
	 * guest's XCR0 from the register, whatever set it. */
	if (fpu_xcr0)
		s->xcr0 = fpu_xgetbv(0);
	if (s->xcr0 != fpu_xcr0)
		fpu_xsetbv(0, fpu_xcr0);
	fpu_save(v);
}

int fpu_guest_xsetbv(struct vcpu *v, u32 idx, u64 val)
{
	struct fpu_state *s = fpu_of(v);

	if (!fpu_xcr0 || idx != 0 ||
	    x86_xcr0_check(hvm_cpu_policy(v->domain), val))
		return -EINVAL;
	s->xcr0 = val;
	return 0;
}

u64 fpu_guest_xcr0(struct vcpu *v)
{
	return fpu_of(v)->xcr0;
}
