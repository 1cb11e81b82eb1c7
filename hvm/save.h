/*
 * HVM save images (public/hvm/save.h, public/arch-x86/hvm/save.h): what
 * XEN_DOMCTL_gethvmcontext produces and XEN_DOMCTL_sethvmcontext accepts.
 * hvm/save.c frames the records and hvm/save_cpu.c converts and checks
 * the CPU and MTRR ones; both are pure (unit-tested) and reach the domain
 * only through struct hvm_save_env.  The devices check their own records
 * (vpic_check(), vlapic_check()...).  hvm/save_vcpu.c fills the env for a
 * real domain (arch_hvm_save/arch_hvm_load), hvm/save_devices.c its
 * platform and vLAPIC hooks.
 */
#ifndef HVM_SAVE_H
#define HVM_SAVE_H

#include <xen/types.h>
#include <hvm/vcpu.h>
#include <asm/msr-index.h>
#include <public/hvm/save.h>

struct x86_policy;

/* One vCPU's architectural state, as a CPU record carries it. */
struct hvm_cpu_ctx {
	struct hvm_boot_state st;	/* GPRs, RIP, RFLAGS, CR0/3/4, EFER,
					 * segments, GDTR, IDTR */
	struct hvm_aux_state aux;	/* CR2, DR0-3/6/7, the pending event */
	u64 sysenter_cs, sysenter_esp, sysenter_eip;
	u64 star, lstar, cstar, sfmask, kernel_gs_base, tsc_aux;
	u64 tsc;			/* the guest's TSC at the image's time */
	bool fpu_initialised;		/* fxsave holds state (else: FNINIT) */
	u8 fxsave[512] __attribute__((aligned(16)));	/* FXSAVE legacy
							 * region */
};

/* The emulated platform's records (hvm/platform.h), one of each type as
 * a domain holds them. */
struct hvm_save_platform {
	struct hvm_hw_vpic pic[2];		/* master, slave */
	struct hvm_hw_vioapic ioapic;
	struct hvm_hw_pci_irqs pci_irq;
	struct hvm_hw_isa_irqs isa_irq;
	struct hvm_hw_pci_link pci_link;
	struct hvm_hw_pit pit;
};

/* One vCPU's local APIC records. */
struct hvm_save_lapic {
	struct hvm_hw_lapic hw;
	struct hvm_hw_lapic_regs regs;
};

/* A mask of typecodes, as set_platform() is told what came. */
#define HVM_SAVE_MASK(x) (1U << HVM_SAVE_CODE(x))

/*
 * A domain as the framing sees it.  The hooks take @ctx and a vCPU id
 * below @max_vcpus.  The get hooks are used by hvm_save_image(); the set
 * hooks by hvm_load_image() only after the whole image was checked, with
 * values that passed the checks, so they cannot fail.
 */
struct hvm_save_env {
	void *ctx;
	const struct x86_policy *policy;	/* what the domain is offered */
	unsigned int max_vcpus;
	u32 cpuid1_eax;			/* the header's cpuid: the host's */
	u32 gtsc_khz;			/* the domain's TSC frequency */
	u32 mxcsr_mask;			/* MXCSR bits FXRSTOR accepts */
	bool (*vcpu_exists)(void *ctx, unsigned int id);
	bool (*vcpu_up)(void *ctx, unsigned int id);	/* not VPF_down */
	void (*get_cpu)(void *ctx, unsigned int id, struct hvm_cpu_ctx *c);
	void (*get_mtrr)(void *ctx, unsigned int id, struct hvm_hw_mtrr *m);
	/* Load: first every vCPU goes down; a CPU record brings its vCPU up
	 * in that state (initialised, VPF_down clear), as in Xen. */
	void (*down_all)(void *ctx);
	void (*set_cpu)(void *ctx, unsigned int id, const struct hvm_cpu_ctx *c);
	void (*set_mtrr)(void *ctx, unsigned int id, const struct hvm_hw_mtrr *m);
	/*
	 * The vLAPICs (NULL: the domain has none, as a Xen domain without
	 * XEN_X86_EMU_LAPIC).  set_lapic() gets a pair vlapic_check()
	 * accepted and re-derives what follows from it (the timer).
	 */
	void (*get_lapic)(void *ctx, unsigned int id, struct hvm_save_lapic *l);
	void (*set_lapic)(void *ctx, unsigned int id,
			  const struct hvm_save_lapic *l);
	/*
	 * The emulated platform: the XEN_X86_EMU_PIC, _IOAPIC and _PIT
	 * devices it offers, and its state; 0 and NULL without one (then
	 * its IRQ routing records are saved empty, as Xen's, and loaded ones
	 * are checked and dropped, as dm_op's levels for such a domain).
	 * set_platform() gets the whole state, the records that came
	 * (@loaded, HVM_SAVE_MASK()s) laid over the current ones, and
	 * restores what came and what follows from it.
	 */
	u32 platform_emu;
	void (*get_platform)(void *ctx, struct hvm_save_platform *p);
	void (*set_platform)(void *ctx, const struct hvm_save_platform *p,
			     u32 loaded);
};

/*
 * A real domain's hooks (hvm/save_vcpu.c, hvm/save_devices.c) find this
 * at env->ctx.
 */
struct domain;
struct hvm_save_ctx {
	struct domain *d;
	u64 tsc;		/* the host TSC the image's TSCs refer to */
};
/* hvm/save_devices.c: @env's vLAPIC and platform hooks for @env->ctx's
 * domain. */
void hvm_save_env_devices(struct hvm_save_env *env, struct domain *d);

/* The length a save of @nr_vcpus vCPUs may need (Xen's hvm_save_size():
 * the size query's answer, counting vCPUs that are down as well). */
size_t hvm_save_size(unsigned int nr_vcpus);
/* The image into @buf: its length; -ENOSPC if @size is below the size
 * query's answer (as Xen's domctl); @buf NULL: that answer. */
long hvm_save_image(const struct hvm_save_env *env, void *buf, size_t size);
/*
 * Check all of @buf, then apply it.  0; -ENODATA for a missing header or
 * end marker; -EINVAL for anything else wrong, with nothing changed.
 * Pre: @buf does not change meanwhile (hypervisor memory).
 */
int hvm_load_image(const struct hvm_save_env *env, const void *buf,
		   size_t size);

/* The conversions, for hvm/save_vcpu.c and the tests.  from_record()
 * checks @r (which the caller has zero-extended and fixed up as the
 * record's length requires) and returns why it is refused, or NULL. */
void hvm_cpu_to_record(const struct hvm_cpu_ctx *c, struct hvm_hw_cpu *r);
const char *hvm_cpu_from_record(const struct hvm_save_env *env,
				const struct hvm_hw_cpu *r,
				struct hvm_cpu_ctx *c);
const char *hvm_mtrr_check(const struct hvm_save_env *env,
			   const struct hvm_hw_mtrr *m);
/*
 * A CPU record of @len bytes at @body into @r, as Xen's
 * hvm_load_entry_zeroextend(CPU) reads it: any length up to the full
 * record, zero-extended; the pre-3.4 layout (struct hvm_hw_cpu_compat,
 * without msr_tsc_aux) rearranged; and a record shorter than the full
 * one marked FPU-initialised, as old Xen always was (_hvm_hw_fix_cpu()).
 * Pre: @len <= sizeof(*r).
 */
void hvm_cpu_record_read(const u8 *body, u32 len, struct hvm_hw_cpu *r);

/* MTRRcap.VCNT: the variable ranges a record carries (SDM vol. 3
 * 11.11.1). */
static inline unsigned int hvm_mtrr_vcnt(const struct hvm_hw_mtrr *m)
{
	return m->msr_mtrr_cap & 0xff;
}

/* The MSR of msr_mtrr_fixed[@i] (SDM vol. 3 table 11-9, Xen's order). */
static inline u32 hvm_mtrr_fixed_msr(unsigned int i)
{
	if (i == 0)
		return MSR_MTRR_FIX64K_00000;
	if (i < 3)
		return MSR_MTRR_FIX16K_80000 + (i - 1);
	return MSR_MTRR_FIX4K_C0000 + (i - 3);
}

#endif
