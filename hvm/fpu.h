/*
 * Guest FPU, SSE and AVX registers: one save area per vCPU, shared by the
 * SVM and VMX backends (hvm/fpu.c).
 *
 * The hypervisor itself never touches these registers (it is compiled
 * with -mgeneral-regs-only), so a guest's values survive a VM exit in the
 * hardware, and so does its XCR0 (the host needs its own only to save
 * and restore).  They only move to memory when another vCPU enters on
 * the pCPU or the vCPU moves to another pCPU: the vendor calls
 * fpu_guest_enter() before every entry, which does nothing when this
 * pCPU's registers are still the vCPU's, and arch_vcpu_migrate() calls
 * fpu_vcpu_migrate() on the old pCPU.  A VM exit costs nothing here.
 *
 * The area's pointer lives in the vendor's per-vCPU structure (struct
 * vcpu stays vendor- and FPU-agnostic).  The chosen vendor names that
 * slot once at boot with fpu_set_slot_fn(); its vcpu_init()/destroy()
 * call fpu_vcpu_init()/fpu_vcpu_destroy().  Common code only calls
 * fpu_guest_xsetbv() and fpu_host_xcr0().
 */
#ifndef HVM_FPU_H
#define HVM_FPU_H

#include <xen/types.h>
#include <asm/percpu.h>
#include <asm/x86-defns.h>

struct vcpu;
struct fpu_state;

/* What the host may enable (XCR0 bits: asm/x86-defns.h): user
 * components, no AMX. */
#define XSTATE_HOST	(X86_XCR0_X87 | X86_XCR0_SSE | X86_XCR0_AVX | \
			 X86_XCR0_MPX | X86_XCR0_AVX512 | X86_XCR0_PKRU)

/*
 * Set this CPU up so guests can use x87/SSE/AVX: CR0.MP|NE, CR4.OSFXSR|
 * OSXMMEXCPT, and with XSAVE CR4.OSXSAVE and XCR0 = every XSTATE_HOST
 * component the CPU has (x87, SSE, AVX, MPX, AVX-512, PKRU).  Pre: runs on the CPU, from the vendor's cpu_up(), the boot
 * CPU first.  Returns 0, or -ENODEV if this CPU's XSAVE features differ
 * from the boot CPU's.
 */
int fpu_cpu_init(void);
/* XCR0 the host runs with (0: no XSAVE, FXSAVE is used); for CPUID 0xD. */
u64 fpu_host_xcr0(void);

/* Where @v's area pointer lives; set once, when the vendor is chosen.
 * The slot must be readable from vcpu_init() on. */
void fpu_set_slot_fn(struct fpu_state **(*slot)(struct vcpu *v));

/* Allocate @v's area in its initial state (FNINIT, MXCSR 0x1f80, XCR0 =
 * x87).  Returns 0 or -ENOMEM.  Destroy frees it (none: nothing). */
int fpu_vcpu_init(struct vcpu *v);
void fpu_vcpu_destroy(struct vcpu *v);

/*
 * Before each entry, with interrupts off, on the pCPU that runs the vCPU
 * whose state is @s (the vendor holds the pointer): if this pCPU's
 * registers are another vCPU's, save them to its area and load @s and its
 * XCR0.  The guest's XCR0 is read back from the
 * register at that save (so an emulator that does not intercept XSETBV
 * still works).
 */
void fpu_guest_switch(struct fpu_state *s);
extern struct fpu_state *fpu_owner[];	/* per pCPU; hvm/fpu.c's note */
static inline void fpu_guest_enter(struct fpu_state *s)
{
	/* Inline: on most entries the registers are still the vCPU's. */
	if (fpu_owner[smp_processor_id()] != s)
		fpu_guest_switch(s);
}
/* @v will run on another pCPU: its registers, if this pCPU holds them,
 * go to its area.  Pre: on @v's old pCPU, @v not in guest mode. */
void fpu_vcpu_migrate(struct vcpu *v);

/*
 * Guest XSETBV (SDM vol. 1 13.3): @idx must be 0 and the value pass
 * x86_xcr0_check() against the domain's CPUID policy (whose components
 * are all in the host's XCR0).  Returns 0 (recorded; active from the
 * next entry) or -EINVAL (the caller injects #GP(0)).  The caller checks
 * CPL 0 and the guest's CR4.OSXSAVE first (#UD/#GP per the SDM).
 * fpu_guest_xcr0() is what CPUID 0xD.0 EBX (the image size for the
 * enabled XCR0) should follow.
 */
int fpu_guest_xsetbv(struct vcpu *v, u32 idx, u64 val);

/*
 * Save images (hvm/save_vcpu.c): @v's FXSAVE-format legacy region (x87,
 * MMX, SSE; SDM vol. 1 table 10-2), read from wherever its registers are
 * (an IPI makes the pCPU holding them save them).  set: NULL means the
 * initial state.  Pre: @v is not running; interrupts on; a new image's
 * MXCSR has no bit outside fpu_mxcsr_mask() (FXRSTOR would fault).
 */
#define FPU_FXSAVE_SIZE 512
u32 fpu_mxcsr_mask(void);
void fpu_vcpu_get_fxsave(struct vcpu *v, u8 img[FPU_FXSAVE_SIZE]);
void fpu_vcpu_set_fxsave(struct vcpu *v, const u8 *img);
u64 fpu_guest_xcr0(struct vcpu *v);

#endif
