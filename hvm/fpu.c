/*
 * Guest FPU/SSE/AVX state switching, lazily; see hvm/fpu.h for the scheme.
 *
 * fpu_owner[cpu] is the state whose values a pCPU's registers hold, newer
 * than its area, with that guest's XCR0 loaded; NULL when the registers
 * hold nothing anyone needs.  A VM exit leaves the owner as it is; the
 * registers go to the area only when another vCPU enters on the pCPU,
 * when the owner moves to another pCPU (fpu_vcpu_migrate(), on the old
 * one), or never, when the owner dies (fpu_vcpu_destroy() drops it).
 * Only the pCPU itself changes its owner, except that destroy clears a
 * dead vCPU's ownership from anywhere: fpu_lock[cpu] orders the two, so
 * a state is never saved into after it was freed.
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
#include <xen/spinlock.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/smp.h>

#define FXSAVE_SIZE		FPU_FXSAVE_SIZE
#define FPU_FCW_INIT		0x037f	/* after FNINIT (SDM vol. 1 8.1.5) */
#define FPU_MXCSR_INIT		0x1f80	/* reset value (SDM vol. 1 10.2.3) */

struct fpu_state {
	u64 xcr0;		/* the guest's XCR0, unless it owns a pCPU */
	unsigned int order;	/* page order of this allocation */
	u8 area[] __attribute__((aligned(64)));	/* XSAVE/FXSAVE image */
};

static struct fpu_state **(*fpu_slot)(struct vcpu *v);
static u64 fpu_xcr0;			/* host XCR0; 0 without XSAVE */
static unsigned int fpu_size;		/* bytes of the save image */
static bool fpu_probed;
static u32 fpu_mxcsr_valid;		/* MXCSR bits FXRSTOR accepts */
/* File note.  fpu_owner[cpu] is read without the lock by its own pCPU. */
struct fpu_state *fpu_owner[NR_CPUS];
static spinlock_t fpu_lock[NR_CPUS] = {
	[0 ... NR_CPUS - 1] = SPIN_LOCK_UNLOCKED,
};

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
		static u8 img[FXSAVE_SIZE] __attribute__((aligned(16)));

		/* SDM vol. 1 11.6.6: MXCSR_MASK at byte 28, 0 meaning 0xffbf.
		 * No guest has run yet: the registers are nobody's. */
		asm volatile("fxsave64 (%0)" : : "r"(img) : "memory");
		fpu_mxcsr_valid = *(u32 *)&img[28] ? *(u32 *)&img[28] : 0xffbf;
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
	s->xcr0 = X86_XCR0_X87;
	s->order = order;
	/* Legacy region: FCW at 0, MXCSR at 24.  A zero XSAVE header
	 * (XSTATE_BV = 0) puts every component in its init state. */
	*(u16 *)&s->area[0] = FPU_FCW_INIT;
	*(u32 *)&s->area[24] = FPU_MXCSR_INIT;
	*fpu_slot(v) = s;
	return 0;
}

/* Pre: @v is not running and will not run again. */
void fpu_vcpu_destroy(struct vcpu *v)
{
	struct fpu_state **slot = fpu_slot(v);
	unsigned long flags;

	if (!*slot)
		return;
	/* Its values die with it: no pCPU may save them after the free. */
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		if (READ_ONCE(fpu_owner[cpu]) != *slot)
			continue;
		flags = spin_lock_irqsave(&fpu_lock[cpu]);
		if (fpu_owner[cpu] == *slot)
			WRITE_ONCE(fpu_owner[cpu], NULL);
		spin_unlock_irqrestore(&fpu_lock[cpu], flags);
	}
	free_pages(*slot, (*slot)->order);
	*slot = NULL;
}

/* The owner's registers to its area, with the host's XCR0 (file note);
 * this pCPU's registers then belong to no one.  Pre: fpu_lock[cpu]. */
static void fpu_save_owner(unsigned int cpu)
{
	struct fpu_state *s = fpu_owner[cpu];

	if (!s)
		return;
	/* Emulators may not intercept XSETBV (QEMU TCG does not): take the
	 * guest's XCR0 from the register, whatever set it. */
	if (fpu_xcr0) {
		s->xcr0 = fpu_xgetbv(0);
		if (s->xcr0 != fpu_xcr0)
			fpu_xsetbv(0, fpu_xcr0);
		asm volatile("xsave64 (%0)" : : "r"(s->area), "a"((u32)fpu_xcr0),
			     "d"((u32)(fpu_xcr0 >> 32)) : "memory");
	} else {
		asm volatile("fxsave64 (%0)" : : "r"(s->area) : "memory");
	}
	WRITE_ONCE(fpu_owner[cpu], NULL);
}

/* @s's area into the registers, then its XCR0.  Pre: fpu_lock[cpu], no
 * owner.  A dropped owner may have left its XCR0 behind. */
static void fpu_load(unsigned int cpu, struct fpu_state *s)
{
	if (fpu_xcr0) {
		if (fpu_xgetbv(0) != fpu_xcr0)
			fpu_xsetbv(0, fpu_xcr0);
		asm volatile("xrstor64 (%0)" : : "r"(s->area), "a"((u32)fpu_xcr0),
			     "d"((u32)(fpu_xcr0 >> 32)) : "memory");
		if (s->xcr0 != fpu_xcr0)
			fpu_xsetbv(0, s->xcr0);
	} else {
		asm volatile("fxrstor64 (%0)" : : "r"(s->area) : "memory");
	}
	WRITE_ONCE(fpu_owner[cpu], s);
}

void fpu_guest_switch(struct fpu_state *s)
{
	unsigned int cpu = smp_processor_id();

	spin_lock(&fpu_lock[cpu]);
	fpu_save_owner(cpu);
	fpu_load(cpu, s);
	spin_unlock(&fpu_lock[cpu]);
}

void fpu_vcpu_migrate(struct vcpu *v)
{
	unsigned int cpu = smp_processor_id();
	unsigned long flags;

	if (READ_ONCE(fpu_owner[cpu]) != fpu_of(v))
		return;
	flags = spin_lock_irqsave(&fpu_lock[cpu]);
	if (fpu_owner[cpu] == fpu_of(v))
		fpu_save_owner(cpu);
	spin_unlock_irqrestore(&fpu_lock[cpu], flags);
}

/* On each pCPU: if its registers hold @arg's state, save them. */
static void fpu_flush_here(void *arg)
{
	struct fpu_state *s = arg;
	unsigned int cpu = smp_processor_id();
	unsigned long flags;

	if (READ_ONCE(fpu_owner[cpu]) != s)
		return;
	flags = spin_lock_irqsave(&fpu_lock[cpu]);
	if (fpu_owner[cpu] == s)
		fpu_save_owner(cpu);
	spin_unlock_irqrestore(&fpu_lock[cpu], flags);
}

/* @v's registers, wherever they are, into its area; no pCPU holds them
 * afterwards, so the area may be read or replaced.  Pre: @v is not
 * running and does not run until the caller is done; interrupts on. */
static struct fpu_state *fpu_flush(struct vcpu *v)
{
	struct fpu_state *s = fpu_of(v);
	unsigned int me = smp_processor_id();

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		if (cpu != me && READ_ONCE(fpu_owner[cpu]) == s) {
			smp_call_function(fpu_flush_here, s, true);
			break;
		}
	}
	fpu_flush_here(s);
	return s;
}

u32 fpu_mxcsr_mask(void)
{
	return fpu_mxcsr_valid;
}

void fpu_vcpu_get_fxsave(struct vcpu *v, u8 img[FXSAVE_SIZE])
{
	memcpy(img, fpu_flush(v)->area, FXSAVE_SIZE);
}

/*
 * The legacy region comes from @img (NULL: the state after FNINIT, as
 * fpu_vcpu_init()).  With XSAVE, XSTATE_BV (the header after the legacy
 * region, SDM vol. 1 13.4.2) then says x87 and SSE come from the area,
 * or start in their initial state for NULL; the other components and
 * the guest's XCR0 are left as they are.
 */
void fpu_vcpu_set_fxsave(struct vcpu *v, const u8 *img)
{
	struct fpu_state *s = fpu_flush(v);
	u64 *xstate_bv = (u64 *)&s->area[FXSAVE_SIZE];

	if (img) {
		memcpy(s->area, img, FXSAVE_SIZE);
	} else {
		memset(s->area, 0, FXSAVE_SIZE);
		*(u16 *)&s->area[0] = FPU_FCW_INIT;
		*(u32 *)&s->area[24] = FPU_MXCSR_INIT;
	}
	if (!fpu_xcr0)
		return;
	if (img)
		*xstate_bv |= X86_XCR0_X87 | X86_XCR0_SSE;
	else
		*xstate_bv &= ~(X86_XCR0_X87 | X86_XCR0_SSE);
}

int fpu_guest_xsetbv(struct vcpu *v, u32 idx, u64 val)
{
	struct fpu_state *s = fpu_of(v);

	if (!fpu_xcr0 || idx != 0 ||
	    x86_xcr0_check(hvm_cpu_policy(v->domain), val))
		return -EINVAL;
	s->xcr0 = val;
	/* Owning this pCPU, its XCR0 is live here. */
	if (fpu_owner[smp_processor_id()] == s)
		fpu_xsetbv(0, val);
	return 0;
}

u64 fpu_guest_xcr0(struct vcpu *v)
{
	struct fpu_state *s = fpu_of(v);

	if (fpu_xcr0 && fpu_owner[smp_processor_id()] == s)
		return fpu_xgetbv(0);
	return s->xcr0;
}
