/*
 * Guest MSRs.  The vendor handles those that live in the VMCB/VMCS (EFER,
 * PAT, SYSCALL/SYSENTER, segment bases); the vLAPIC (hvm/vlapic.c) owns
 * APIC_BASE and the x2APIC registers 0x800-0x8ff; this file keeps the rest
 * per vCPU: TSC and TSC_ADJUST, the MTRR set (so firmware and Linux can
 * program caching the way they expect), MISC_ENABLE, the speculation
 * controls, TSC_AUX, the machine-check MSRs (hvm/vmce.c) and Xen's
 * hypercall-page MSR.  Everything else raises #GP, which is what guests
 * probing with rdmsr_safe() expect from an absent MSR.
 *
 * An MSR that a CPUID feature implies exists exactly when the domain's
 * policy offers the feature (hvm/cpu_policy.c), as on hardware and in
 * Xen: an offered feature's MSR never faults, a hidden one's always does.
 * The speculation controls are the guest's view only: SPEC_CTRL is kept
 * per vCPU but not loaded into the hardware, so IBPB and L1D-flush
 * requests are accepted as the architecture defines and carried out on
 * the host CPU when it has them.
 */
#include <hvm/hvm.h>
#include <hvm/vlapic.h>
#include <hvm/x86.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/nospec.h>
#include <xen/sched.h>
#include <asm/processor.h>

#define MTRR_VCNT 8
/* MTRRcap: 8 variable ranges, fixed ranges, write-combining. */
#define MTRRCAP_VALUE (MTRR_VCNT | (1U << 8) | (1U << 10))
/* MISC_ENABLE: fast strings; BTS and PEBS unavailable (read-only bits). */
#define MISC_ENABLE_DEFAULT ((1ULL << 0) | (1ULL << 11) | (1ULL << 12))

void hvm_msr_vcpu_init(struct vcpu *v)
{
	v->hvm->msr_misc_enable = MISC_ENABLE_DEFAULT;
	/* libxc gives PVH vCPUs MTRRs enabled, default type WB
	 * (docs/xen-abi.md §A.2). */
	v->hvm->msr_mtrr_def = (1ULL << 11) | 6;
	vmce_init(&v->hvm->vmce,
		  hvm_cpu_policy(v->domain)->vendor == X86_VENDOR_INTEL);
}

/* Fixed-range MTRR index (0..10) for @msr, or -1. */
static int mtrr_fixed_index(u32 msr)
{
	if (msr == MSR_MTRR_FIX64K_00000)
		return 0;
	if (msr == MSR_MTRR_FIX16K_80000 || msr == MSR_MTRR_FIX16K_A0000)
		return 1 + (msr - MSR_MTRR_FIX16K_80000);
	if (msr >= MSR_MTRR_FIX4K_C0000 && msr < MSR_MTRR_FIX4K_C0000 + 8)
		return 3 + (msr - MSR_MTRR_FIX4K_C0000);
	return -1;
}

/* Where fixed or variable MTRR @msr is kept, or NULL; the guest-chosen
 * index is clamped against speculation (xen/nospec.h). */
static u64 *mtrr_slot(struct vcpu *v, u32 msr)
{
	struct hvm_vcpu *h = v->hvm;
	int fix = mtrr_fixed_index(msr);
	u32 var = msr - MSR_MTRR_PHYS_BASE0;

	BUILD_BUG_ON(ARRAY_SIZE(h->msr_mtrr_var) != 2 * MTRR_VCNT);
	if (fix >= 0)
		return &h->msr_mtrr_fixed[array_index_nospec(
			fix, ARRAY_SIZE(h->msr_mtrr_fixed))];
	if (var < ARRAY_SIZE(h->msr_mtrr_var))
		return &h->msr_mtrr_var[array_index_nospec(
			var, ARRAY_SIZE(h->msr_mtrr_var))];
	return NULL;
}

/* Pre: is_mtrr(@msr). */
static int mtrr_write(struct vcpu *v, u32 msr, u64 val)
{
	if (!x86_mtrr_msr_valid(hvm_cpu_policy(v->domain), msr, val))
		return -EINVAL;
	if (msr == MSR_MTRR_DEF_TYPE)
		v->hvm->msr_mtrr_def = val;
	else
		*mtrr_slot(v, msr) = val;
	return 0;
}

static int mtrr_read(struct vcpu *v, u32 msr, u64 *val)
{
	u64 *slot = mtrr_slot(v, msr);

	if (msr == MSR_MTRRCAP)
		*val = MTRRCAP_VALUE;
	else if (msr == MSR_MTRR_DEF_TYPE)
		*val = v->hvm->msr_mtrr_def;
	else if (slot)
		*val = *slot;
	else
		return -ENOENT;
	return 0;
}

static bool is_mtrr(u32 msr)
{
	return msr == MSR_MTRR_DEF_TYPE || mtrr_fixed_index(msr) >= 0 ||
	       (msr >= MSR_MTRR_PHYS_BASE0 &&
		msr < MSR_MTRR_PHYS_BASE0 + 2 * MTRR_VCNT);
}

/*
 * Xen's hypercall page (docs/xen-abi.md §A.5): 128 stubs of 32 bytes,
 * "mov $nr, %eax; <vmcall|vmmcall>; ret"; stub 23 (iret) is ud2.  The low
 * 12 bits of the MSR value select the page index; only index 0 exists.
 */
static int hypercall_page_write(struct vcpu *v, u64 val)
{
	static u8 page[PAGE_SIZE];
	u64 gpa = val & PAGE_MASK;

	if (val & ~PAGE_MASK)
		return -EINVAL;
	memset(page, 0xcc, sizeof(page));	/* int3 between stubs */
	for (unsigned int nr = 0; nr < PAGE_SIZE / 32; nr++) {
		u8 *p = page + nr * 32;

		if (nr == 23) {
			p[0] = 0x0f, p[1] = 0x0b;	/* ud2 */
			continue;
		}
		p[0] = 0xb8;				/* mov $nr, %eax */
		p[1] = nr, p[2] = p[3] = p[4] = 0;
		memcpy(p + 5, hvm_ops->hypercall_insn, 3);
		p[8] = 0xc3;				/* ret */
	}
	/* Serialised by the domain lock: the buffer is shared. */
	spin_lock(&v->domain->lock);
	if (copy_to_guest_phys(v->domain, gpa, page, sizeof(page))) {
		spin_unlock(&v->domain->lock);
		domain_bad_request(v->domain, "hypercall page at bad gpa %#lx",
				   (unsigned long)gpa);
		return -EINVAL;
	}
	spin_unlock(&v->domain->lock);
	v->hvm->hypercall_page_msr = val;
	return 0;
}

/*
 * AMD system configuration, top-of-memory and interrupt-pending-message
 * registers: Linux reads SYSCFG (MTRR code) and INT_PENDING_MSG (C1E
 * detection) on AMD.  Read as 0, writes ignored (Xen for a domU); AMD
 * and Hygon only, as Xen: others get #GP.
 */
static bool msr_is_amd_sysconf(const struct vcpu *v, u32 msr)
{
	if (msr != MSR_K8_SYSCFG && msr != MSR_K8_TOP_MEM1 &&
	    msr != MSR_K8_TOP_MEM2 && msr != MSR_K8_INT_PENDING_MSG)
		return false;
	return hvm_cpu_policy(v->domain)->vendor == X86_VENDOR_AMD;
}

/*
 * Guest TSC = host TSC + offset.  SDM vol. 3 17.17.3: a WRMSR to the TSC
 * moves TSC_ADJUST by the same amount, and a write to TSC_ADJUST moves
 * the TSC; both are the one offset.  The pvclock follows at the next
 * entry.
 */
static void msr_set_tsc_offset(struct vcpu *v, u64 offset)
{
	v->hvm->msr_tsc_adjust += offset - v->hvm->tsc_offset;
	v->hvm->tsc_offset = offset;
	hvm_ops->set_tsc_offset(v, offset);
	vcpu_work_set(v, VCPU_WORK_TIME);
}

/* A save image's TSC (hvm/save_vcpu.c): the offset alone.  TSC_ADJUST
 * keeps its value: Xen restores it from a record of its own. */
void hvm_msr_set_tsc_offset(struct vcpu *v, u64 offset)
{
	v->hvm->tsc_offset = offset;
	hvm_ops->set_tsc_offset(v, offset);
	vcpu_work_set(v, VCPU_WORK_TIME);
}

/* MSRs a CPUID feature implies: -ENOENT if the policy hides it. */
static int msr_read_feature(struct vcpu *v, u32 msr, u64 *val)
{
	const struct x86_policy *p = hvm_cpu_policy(v->domain);
	int rc;

	if (x86_has(p, MCA)) {
		rc = vmce_msr_read(&v->hvm->vmce, msr, val);
		if (rc != -ENOENT)
			return rc;
	}
	switch (msr) {
	case MSR_TSC_ADJUST:
		if (!x86_has(p, TSC_ADJUST))
			break;
		*val = v->hvm->msr_tsc_adjust;
		return 0;
	case MSR_SPEC_CTRL:
		if (!x86_spec_ctrl_valid_bits(p))
			break;
		*val = v->hvm->msr_spec_ctrl;
		return 0;
	case MSR_ARCH_CAPABILITIES:
		if (!x86_has(p, ARCH_CAPS))
			break;
		*val = p->arch_caps;
		return 0;
	case MSR_TSC_AUX:
		if (!x86_has(p, RDTSCP) && !x86_has(p, RDPID))
			break;
		*val = v->hvm->msr_tsc_aux;
		return 0;
	}
	return -ENOENT;
}

/* The write side of msr_read_feature(), plus the write-only commands. */
static int msr_write_feature(struct vcpu *v, u32 msr, u64 val)
{
	const struct x86_policy *p = hvm_cpu_policy(v->domain);
	int rc;

	if (x86_has(p, MCA)) {
		rc = vmce_msr_write(&v->hvm->vmce, msr, val);
		if (rc != -ENOENT)
			return rc;
	}
	switch (msr) {
	case MSR_TSC_ADJUST:
		if (!x86_has(p, TSC_ADJUST))
			break;
		msr_set_tsc_offset(v, v->hvm->tsc_offset + val -
				   v->hvm->msr_tsc_adjust);
		return 0;
	case MSR_SPEC_CTRL:
		if (!x86_spec_ctrl_valid_bits(p))
			break;
		if (val & ~x86_spec_ctrl_valid_bits(p))
			return -EINVAL;
		v->hvm->msr_spec_ctrl = val;
		return 0;
	case MSR_PRED_CMD:
		if (!x86_has(p, IBRSB) && !x86_has(p, IBPB))
			break;
		if (val & ~PRED_CMD_IBPB)
			return -EINVAL;
		if (val)	/* offered: the host has the MSR */
			wrmsr(MSR_PRED_CMD, PRED_CMD_IBPB);
		return 0;
	case MSR_FLUSH_CMD:
		if (!x86_has(p, L1D_FLUSH))
			break;
		if (val & ~FLUSH_CMD_L1D)
			return -EINVAL;
		if (val)
			wrmsr(MSR_FLUSH_CMD, FLUSH_CMD_L1D);
		return 0;
	case MSR_TSC_AUX:
		if (!x86_has(p, RDTSCP) && !x86_has(p, RDPID))
			break;
		if (!x86_msr_write_valid(msr, val))
			return -EINVAL;
		v->hvm->msr_tsc_aux = val;
		return 0;
	}
	return -ENOENT;
}

int hvm_msr_read(struct vcpu *v, u32 msr, u64 *val)
{
	int rc = hvm_ops->msr_read(v, msr, val);

	if (rc != -ENOENT)
		return rc;
	rc = msr_read_feature(v, msr, val);
	if (rc != -ENOENT)
		return rc;
	if (is_mtrr(msr) || msr == MSR_MTRRCAP)
		return mtrr_read(v, msr, val);
	if (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST)
		return vlapic_msr_read(v, msr, val);
	if (msr_is_amd_sysconf(v, msr)) {
		*val = 0;
		return 0;
	}
	switch (msr) {
	case MSR_TSC:
		*val = rdtsc() + v->hvm->tsc_offset;
		return 0;
	case MSR_IA32_APIC_BASE:
		*val = vlapic_base_msr(v);
		return 0;
	case MSR_IA32_FEATURE_CONTROL:
		*val = FEATURE_CONTROL_LOCK;	/* VMX off: as Xen reports */
		return 0;
	case MSR_UCODE_REV:
		*val = 0;		/* Xen reports no microcode revision */
		return 0;
	case MSR_MISC_ENABLE:
		*val = v->hvm->msr_misc_enable;
		return 0;
	case MSR_XEN_HYPERCALL:
		*val = v->hvm->hypercall_page_msr;
		return 0;
	}
	return -EINVAL;
}

int hvm_msr_write(struct vcpu *v, u32 msr, u64 val)
{
	int rc = hvm_ops->msr_write(v, msr, val);

	if (rc != -ENOENT)
		return rc;
	rc = msr_write_feature(v, msr, val);
	if (rc != -ENOENT)
		return rc;
	if (is_mtrr(msr))
		return mtrr_write(v, msr, val);
	if (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST)
		return vlapic_msr_write(v, msr, val);
	if (msr_is_amd_sysconf(v, msr))
		return 0;
	switch (msr) {
	case MSR_TSC:
		msr_set_tsc_offset(v, val - rdtsc());
		return 0;
	case MSR_IA32_APIC_BASE:
		return vlapic_set_base_msr(v, val);
	case MSR_MISC_ENABLE:
		/* Only fast strings is guest-controlled; the rest is fixed. */
		if ((val & ~1ULL) != (MISC_ENABLE_DEFAULT & ~1ULL))
			return -EINVAL;
		v->hvm->msr_misc_enable = val;
		return 0;
	case MSR_UCODE_REV:
		return 0;		/* Linux writes 0 before CPUID 1: ignored */
	case MSR_XEN_HYPERCALL:
		return hypercall_page_write(v, val);
	}
	return -EINVAL;
}
