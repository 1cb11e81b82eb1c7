/*
 * Guest MSRs.  The vendor handles those that live in the VMCB/VMCS (EFER,
 * PAT, SYSCALL/SYSENTER, segment bases); the vLAPIC (hvm/vlapic.c) owns
 * APIC_BASE and the x2APIC registers 0x800-0x8ff; this file keeps the rest
 * per vCPU: TSC, the MTRR set (so firmware and Linux can program caching
 * the way they expect), MISC_ENABLE, SPEC_CTRL, TSC_AUX and Xen's
 * hypercall-page MSR.  Everything else raises #GP, which is what guests
 * probing with rdmsr_safe() expect from an absent MSR.
 */
#include <hvm/hvm.h>
#include <hvm/vlapic.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/nospec.h>
#include <xen/sched.h>
#include <asm/processor.h>

#define MSR_TSC 0x10
#define MSR_FEATURE_CONTROL 0x3a
#define MSR_SPEC_CTRL 0x48
#define MSR_PRED_CMD 0x49
#define MSR_UCODE_REV 0x8b
#define MSR_MTRRCAP 0xfe
#define MSR_MISC_ENABLE 0x1a0
#define MSR_MTRR_PHYS_BASE0 0x200
#define MSR_MTRR_FIX64K 0x250
#define MSR_MTRR_FIX16K_80000 0x258
#define MSR_MTRR_FIX16K_A0000 0x259
#define MSR_MTRR_FIX4K_C0000 0x268
#define MSR_MTRR_DEF_TYPE 0x2ff
#define MSR_TSC_AUX 0xc0000103
#define MSR_XEN_HYPERCALL 0x40000000
/* AMD system configuration, top-of-memory and interrupt-pending-message
 * registers: Linux reads SYSCFG (MTRR code) and INT_PENDING_MSG (C1E
 * detection) on AMD.  Read as 0, writes ignored (Xen for a domU). */
#define MSR_K8_SYSCFG 0xc0010010
#define MSR_K8_TOP_MEM1 0xc001001a
#define MSR_K8_TOP_MEM2 0xc001001d
#define MSR_K8_INT_PENDING_MSG 0xc0010055

#define MTRR_VCNT 8
/* MTRRcap: 8 variable ranges, fixed ranges, write-combining. */
#define MTRRCAP_VALUE (MTRR_VCNT | (1U << 8) | (1U << 10))
/* MISC_ENABLE: fast strings; BTS and PEBS unavailable (read-only bits). */
#define MISC_ENABLE_DEFAULT ((1ULL << 0) | (1ULL << 11) | (1ULL << 12))
#define PHYS_ADDR_MASK 0x000ffffffffff000ULL

void hvm_msr_vcpu_init(struct vcpu *v)
{
	v->hvm->msr_misc_enable = MISC_ENABLE_DEFAULT;
	/* libxc gives PVH vCPUs MTRRs enabled, default type WB
	 * (docs/xen-abi.md §A.2). */
	v->hvm->msr_mtrr_def = (1ULL << 11) | 6;
}

static bool mem_type_valid(u64 t)
{
	return t == 0 || t == 1 || t == 4 || t == 5 || t == 6;
}

/* Fixed-range MTRR index (0..10) for @msr, or -1. */
static int mtrr_fixed_index(u32 msr)
{
	if (msr == MSR_MTRR_FIX64K)
		return 0;
	if (msr == MSR_MTRR_FIX16K_80000 || msr == MSR_MTRR_FIX16K_A0000)
		return 1 + (msr - MSR_MTRR_FIX16K_80000);
	if (msr >= MSR_MTRR_FIX4K_C0000 && msr < MSR_MTRR_FIX4K_C0000 + 8)
		return 3 + (msr - MSR_MTRR_FIX4K_C0000);
	return -1;
}

static int mtrr_write(struct vcpu *v, u32 msr, u64 val)
{
	int fix = mtrr_fixed_index(msr);

	if (msr == MSR_MTRR_DEF_TYPE) {
		if ((val & ~0xcffULL) || !mem_type_valid(val & 0xff))
			return -EINVAL;
		v->hvm->msr_mtrr_def = val;
		return 0;
	}
	if (fix >= 0) {
		for (int i = 0; i < 8; i++)
			if (!mem_type_valid((val >> (8 * i)) & 0xff))
				return -EINVAL;
		v->hvm->msr_mtrr_fixed[array_index_nospec(fix, ARRAY_SIZE(v->hvm->msr_mtrr_fixed))] = val;
		return 0;
	}
	/* Variable ranges: even = base (type in bits 7:0), odd = mask. */
	if (msr & 1) {
		if (val & ~(PHYS_ADDR_MASK | (1ULL << 11)))
			return -EINVAL;
	} else if ((val & ~(PHYS_ADDR_MASK | 0xff)) ||
		   !mem_type_valid(val & 0xff)) {
		return -EINVAL;
	}
	v->hvm->msr_mtrr_var[array_index_nospec(msr - MSR_MTRR_PHYS_BASE0, ARRAY_SIZE(v->hvm->msr_mtrr_var))] = val;
	return 0;
}

static int mtrr_read(struct vcpu *v, u32 msr, u64 *val)
{
	int fix = mtrr_fixed_index(msr);

	if (msr == MSR_MTRRCAP)
		*val = MTRRCAP_VALUE;
	else if (msr == MSR_MTRR_DEF_TYPE)
		*val = v->hvm->msr_mtrr_def;
	else if (fix >= 0)
		*val = v->hvm->msr_mtrr_fixed[array_index_nospec(fix, ARRAY_SIZE(v->hvm->msr_mtrr_fixed))];
	else if (msr >= MSR_MTRR_PHYS_BASE0 &&
		 msr < MSR_MTRR_PHYS_BASE0 + 2 * MTRR_VCNT)
		*val = v->hvm->msr_mtrr_var[array_index_nospec(msr - MSR_MTRR_PHYS_BASE0, ARRAY_SIZE(v->hvm->msr_mtrr_var))];
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

/* AMD and Hygon only, as Xen: others get #GP. */
static bool msr_is_amd_sysconf(u32 msr)
{
	struct cpuid_regs r;

	if (msr != MSR_K8_SYSCFG && msr != MSR_K8_TOP_MEM1 &&
	    msr != MSR_K8_TOP_MEM2 && msr != MSR_K8_INT_PENDING_MSG)
		return false;
	cpuid(0, &r);
	return r.ebx == 0x68747541 || r.ebx == 0x6f677948; /* "Auth", "Hygo" */
}

int hvm_msr_read(struct vcpu *v, u32 msr, u64 *val)
{
	int rc = hvm_ops->msr_read(v, msr, val);

	if (rc != -ENOENT)
		return rc;
	if (is_mtrr(msr) || msr == MSR_MTRRCAP)
		return mtrr_read(v, msr, val);
	if (msr >= VLAPIC_MSR_FIRST && msr <= VLAPIC_MSR_LAST)
		return vlapic_msr_read(v, msr, val);
	if (msr_is_amd_sysconf(msr)) {
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
	case MSR_FEATURE_CONTROL:
		*val = 1;		/* locked, VMX off: as Xen reports */
		return 0;
	case MSR_UCODE_REV:
		*val = 0;		/* Xen reports no microcode revision */
		return 0;
	case MSR_MISC_ENABLE:
		*val = v->hvm->msr_misc_enable;
		return 0;
	case MSR_SPEC_CTRL:
		*val = v->hvm->msr_spec_ctrl;
		return 0;
	case MSR_TSC_AUX:
		*val = v->hvm->msr_tsc_aux;
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
	if (is_mtrr(msr))
		return mtrr_write(v, msr, val);
	if (msr >= VLAPIC_MSR_FIRST && msr <= VLAPIC_MSR_LAST)
		return vlapic_msr_write(v, msr, val);
	if (msr_is_amd_sysconf(msr))
		return 0;
	switch (msr) {
	case MSR_TSC:
		v->hvm->tsc_offset = val - rdtsc();
		hvm_ops->set_tsc_offset(v, v->hvm->tsc_offset);
		return 0;
	case MSR_IA32_APIC_BASE:
		return vlapic_set_base_msr(v, val);
	case MSR_MISC_ENABLE:
		/* Only fast strings is guest-controlled; the rest is fixed. */
		if ((val & ~1ULL) != (MISC_ENABLE_DEFAULT & ~1ULL))
			return -EINVAL;
		v->hvm->msr_misc_enable = val;
		return 0;
	case MSR_SPEC_CTRL:
		if (val & ~7ULL)	/* IBRS, STIBP, SSBD */
			return -EINVAL;
		v->hvm->msr_spec_ctrl = val;
		return 0;
	case MSR_UCODE_REV:
		return 0;		/* Linux writes 0 before CPUID 1: ignored */
	case MSR_PRED_CMD:
		return val & ~1ULL ? -EINVAL : 0;	/* IBPB: nothing to keep */
	case MSR_TSC_AUX:
		if (val >> 32)
			return -EINVAL;
		v->hvm->msr_tsc_aux = val;
		return 0;
	case MSR_XEN_HYPERCALL:
		return hypercall_page_write(v, val);
	}
	return -EINVAL;
}
