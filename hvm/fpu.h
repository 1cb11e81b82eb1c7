/*
 * Guest FPU, SSE and AVX registers: one save area per vCPU, shared by the
 * SVM and VMX backends (hvm/fpu.c).
 *
 * The hypervisor itself never touches these registers (it is compiled
 * with -mgeneral-regs-only), so a guest's values survive a VM exit in the
 * hardware.  They only have to move to memory when another vCPU runs on
 * the pCPU or the vCPU moves to another pCPU.  The vendor brackets every
 * entry with fpu_guest_enter() / fpu_guest_exit(): the exit side saves
 * the registers (cheap compared with a VM exit, and it keeps the area
 * current wherever the vCPU runs next); the enter side reloads them only
 * when this pCPU's registers hold something else.  The guest's XCR0 is
 * switched in and out around the entry when it differs from the host's.
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
 * Around each entry, with interrupts off, on the pCPU that runs @v:
 * enter loads @v's registers if this pCPU does not hold them and switches
 * to the guest's XCR0; exit records the guest's XCR0 from the register
 * (so an emulator that does not intercept XSETBV still works), switches
 * back to the host's and saves the registers.
 */
void fpu_guest_enter(struct vcpu *v);
void fpu_guest_exit(struct vcpu *v);
/* The halves of the above: registers -> area (Pre: @v's registers are
 * live on this pCPU) and area -> registers (lazy). */
void fpu_save(struct vcpu *v);
void fpu_restore(struct vcpu *v);

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
u64 fpu_guest_xcr0(struct vcpu *v);

#endif
