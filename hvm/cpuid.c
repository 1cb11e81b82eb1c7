/*
 * CPUID as every guest sees it.  Feature bits come from the CPUID policy
 * (hvm/cpu_policy.c: an allow-list of what Amphi virtualises, each
 * implied MSR handled); this file answers the leaves: host values for
 * what describes the CPU (family, caches, address sizes), the policy's
 * feature words, OSXSAVE and OSPKE mirroring the guest's CR4, the XSAVE
 * leaf sized for the guest's own XCR0, and Xen's leaves at 0x40000000
 * (docs/xen-abi.md §A.4) so guests find "XenVMMXenVMM".  x2APIC is shown:
 * every vCPU starts in x2APIC mode (hvm/vlapic.h).  Topology follows Xen: APIC
 * ID = 2 * vcpu_id, one thread per core, one package holding every vCPU.
 * Leaves for power management (5, 6), the PMU (0xA), DCA (9), the
 * serial number (3) and SVM (0x8000000A) are all zero.
 *
 * hvm_cpuid_policy_leaf() is the domain's part of each answer, which
 * XEN_SYSCTL/DOMCTL_get_cpu_policy serialise (hvm/cpu_policy_ops.c);
 * hvm_cpuid() adds what is the vCPU's own.
 */
#include <hvm/fpu.h>
#include <hvm/hvm.h>
#include <hvm/x86.h>
#include <public/arch-x86/cpuid.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/time.h>
#include <asm/processor.h>

#define XEN_CPUID_BASE 0x40000000
#define XEN_VERSION_MAJOR 4
#define XEN_VERSION_MINOR 17

static void xen_leaves(struct vcpu *v, u32 idx, u32 sub, u32 *a, u32 *b,
		       u32 *c, u32 *d)
{
	switch (idx) {
	case 0:
		*a = XEN_CPUID_BASE + 5;
		*b = 0x566e6558;	/* "XenV" */
		*c = 0x65584d4d;	/* "MMXe" */
		*d = 0x4d4d566e;	/* "nVMM" */
		break;
	case 1:
		*a = (XEN_VERSION_MAJOR << 16) | XEN_VERSION_MINOR;
		break;
	case 2:
		*a = 1;			/* hypercall pages */
		*b = MSR_XEN_HYPERCALL;
		break;
	case 3:
		/* Xen leaf 4: sub 0 = TSC mode/frequency, sub 1 = the scale
		 * from TSC to Xen system time (pvclock form). */
		if (sub == 0) {
			*c = cpu_khz;
		} else if (sub == 1) {
			/* In the guest's TSC: a restored CPU record (libxl
			 * sends TSC 0) or a TSC write moves it, and the
			 * value may wrap; differences stay right. */
			u64 base = time_tsc_at_boot() + v->hvm->tsc_offset;
			s8 shift;

			*a = (u32)base;
			*b = base >> 32;
			time_pvclock_scale(c, &shift);
			*d = (u32)(s32)shift;
		}
		break;
	case 4:
		/* Xen leaf 5 (HVM): vcpu id and domid present, and per-vCPU
		 * event-channel upcall vectors (HVMOP_set_evtchn_upcall_vector),
		 * as Xen 4.17 advertises them. */
		*a = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT |
		     XEN_HVM_CPUID_UPCALL_VECTOR;
		*b = v->vcpu_id;
		*c = v->domain->domain_id;
		break;
	case 5:
		break;			/* PV-only leaf: nothing for HVM */
	}
}

/*
 * Bytes XSAVE needs for the components in @xcr0 (SDM vol. 1 13.4): the
 * legacy area and header, then each extended component at its offset
 * (standard format) or packed after the previous one, 64-byte aligned
 * where CPUID 0xD.i ECX[1] asks (compacted format, 13.4.3).
 */
static u32 xsave_size_for(u64 xcr0, bool compacted)
{
	u32 size = 512 + 64;

	for (unsigned int i = 2; i < 63; i++) {
		struct cpuid_regs r;

		if (!(xcr0 & (1ULL << i)))
			continue;
		cpuid_count(0xd, i, &r);
		if (!compacted) {
			size = MAX(size, r.ebx + r.eax);	/* offset + size */
			continue;
		}
		if (r.ecx & 2)
			size = ROUNDUP(size, 64);
		size += r.eax;
	}
	return size;
}

/* Leaf 0xD for the policy's components, sized for @xcr0 in use. */
static void xsave_leaf(const struct x86_policy *p, u64 xcr0, u32 sub,
		       struct cpuid_regs *r)
{
	if (!p->xcr0 || sub >= 63) {
		*r = (struct cpuid_regs){ 0 };
	} else if (sub == 0) {
		r->eax = (u32)p->xcr0;
		r->edx = p->xcr0 >> 32;
		r->ebx = xsave_size_for(xcr0, false);
		r->ecx = xsave_size_for(p->xcr0, false);
	} else if (sub == 1) {
		/* No XSAVES: EBX sizes XCR0 alone, no IA32_XSS bits. */
		r->eax = p->fw[X86_FW_DA1];
		r->ebx = r->eax & X86_FEATURE_BIT(XSAVEC) ?
			 xsave_size_for(xcr0, true) : 0;
		r->ecx = r->edx = 0;
	} else if (!(p->xcr0 & (1ULL << sub))) {
		*r = (struct cpuid_regs){ 0 };
	}
}

/* Bits of the APIC ID that number the vCPUs: ceil(log2(2 * nr_vcpus)). */
static u32 apic_id_bits(unsigned int nr_vcpus)
{
	u32 bits = 1;

	while ((1U << bits) < 2 * nr_vcpus)
		bits++;
	return bits;
}

/*
 * Leaf 0xB, extended topology (SDM vol.2 CPUID), made to agree with
 * x2APIC ID = 2 * vcpu_id as Xen's guests see it: bit 0 is the SMT level
 * with one thread per core, the bits above number the cores of one
 * package.  Linux 6.1 takes smp_num_siblings, core and package IDs and
 * the x2APIC ID it checks against the MADT from here
 * (arch/x86/kernel/cpu/topology.c); Xen passes the host's shifts through
 * and only fixes EDX, which can split the vCPUs into packages.  EDX, the
 * x2APIC ID, is the vCPU's (hvm_cpuid()).
 */
static void topology_leaf(unsigned int nr_vcpus, u32 sub, struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){ .ecx = sub & 0xff };	/* type 0: invalid */
	if (sub == 0) {
		r->eax = 1;			/* SMT: shift 1, 1 thread */
		r->ebx = 1;
		r->ecx |= 1 << 8;
	} else if (sub == 1) {
		r->eax = apic_id_bits(nr_vcpus);	/* core: every vCPU */
		r->ebx = nr_vcpus;
		r->ecx |= 2 << 8;
	}
}

/* Leaf 7: subleaf 0 and 1 from the policy. */
static void leaf7(const struct x86_policy *p, u32 sub, struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){ 0 };
	if (sub == 0) {
		r->eax = p->fw[X86_FW_7A1] ? 1 : 0;	/* last subleaf */
		r->ebx = p->fw[X86_FW_7B0];
		r->ecx = p->fw[X86_FW_7C0];
		r->edx = p->fw[X86_FW_7D0];
	} else if (sub == 1) {
		r->eax = p->fw[X86_FW_7A1];
	}
}

/* Leaf 1: the policy's features and our topology; the APIC ID (EBX
 * 31:24) is the vCPU's. */
static void leaf1(const struct x86_policy *p, unsigned int nr_vcpus,
		  struct cpuid_regs *r)
{
	r->ebx = (r->ebx & 0x0000ffff) | (nr_vcpus * 2 << 16);
	r->ecx = p->fw[X86_FW_1C];
	/* HTT (set by the policy): EBX[23:16] is valid, as Xen sets it. */
	r->edx = p->fw[X86_FW_1D];
}

/* A leaf within the policy's limits, @xcr0 being the XCR0 in use. */
static void policy_leaf(const struct x86_policy *p, unsigned int nr_vcpus,
			u64 xcr0, u32 leaf, u32 sub, struct cpuid_regs *r)
{
	cpuid_count(leaf, sub, r);
	switch (leaf) {
	case 0:
		r->eax = p->basic_max;
		break;
	case 1:
		leaf1(p, nr_vcpus, r);
		break;
	case 7:
		leaf7(p, sub, r);
		break;
	case 0xb:
		topology_leaf(nr_vcpus, sub, r);
		break;
	case 0xd:
		xsave_leaf(p, xcr0, sub, r);
		break;
	case 3:
	case 5:
	case 6:
	case 8:
	case 9:
	case 0xa:
	case 0xc:
	case 0x8000000a:	/* the SVM leaf: no nested SVM */
		*r = (struct cpuid_regs){ 0 };
		break;
	case 0x80000000:
		r->eax = p->extd_max;
		break;
	case 0x80000001:
		r->ecx = p->fw[X86_FW_E1C];
		r->edx = p->fw[X86_FW_E1D];
		break;
	case 0x80000007:
		r->eax = r->ebx = r->ecx = 0;
		r->edx = p->fw[X86_FW_E7D];
		break;
	case 0x80000008:
		/* EAX[7:0]: the policy's physical-address width. */
		r->eax = (r->eax & ~0xffU) | p->maxphysaddr;
		/* AMD: ECX NC (7:0) + 1 logical processors per package,
		 * ApicIdCoreSize (15:12) bits of core number in the APIC ID;
		 * Linux's AMD topology uses them (TOPOEXT is hidden), so they
		 * agree with leaf 1 and 0xB.  Intel returns 0: left alone. */
		if (r->ecx & 0xf0ff)
			r->ecx = (r->ecx & ~0xf0ffU) | (2 * nr_vcpus - 1) |
				 (apic_id_bits(nr_vcpus) << 12);
		r->ebx = p->fw[X86_FW_E8B];
		r->edx = 0;
		break;
	}
}

/* Is @leaf within the policy's limits (Xen's leaves aside)? */
static bool policy_has_leaf(const struct x86_policy *p, u32 leaf)
{
	return leaf <= p->basic_max || leaf == 0x80000000 ||
	       (leaf > 0x80000000 && leaf <= p->extd_max);
}

void hvm_cpuid_policy_leaf(const struct x86_policy *p, unsigned int nr_vcpus,
			   u32 leaf, u32 sub, struct cpuid_regs *r)
{
	if (policy_has_leaf(p, leaf))
		policy_leaf(p, nr_vcpus, X86_XCR0_X87, leaf, sub, r);
	else
		*r = (struct cpuid_regs){ 0 };
}

void hvm_cpuid(struct vcpu *v, u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c,
	       u32 *d)
{
	const struct x86_policy *p = hvm_cpu_policy(v->domain);
	struct cpuid_regs r = { 0 };

	if (leaf >= XEN_CPUID_BASE && leaf < XEN_CPUID_BASE + 0x10000) {
		if (leaf <= XEN_CPUID_BASE + 5)
			xen_leaves(v, leaf - XEN_CPUID_BASE, sub, &r.eax,
				   &r.ebx, &r.ecx, &r.edx);
	} else if (policy_has_leaf(p, leaf)) {
		policy_leaf(p, v->domain->max_vcpus,
			    leaf == 0xd ? fpu_guest_xcr0(v) : 0, leaf, sub, &r);
		/* What is the vCPU's own: its APIC ID, CR4's mirrors. */
		if (leaf == 1) {
			r.ebx |= (v->vcpu_id * 2) << 24;
			if (hvm_ops->get_cr(v, 4) & X86_CR4_OSXSAVE)
				r.ecx |= X86_FEATURE_BIT(OSXSAVE);
		} else if (leaf == 7 && sub == 0) {
			if (hvm_ops->get_cr(v, 4) & X86_CR4_PKE)
				r.ecx |= X86_FEATURE_BIT(OSPKE);
		} else if (leaf == 0xb) {
			r.edx = v->vcpu_id * 2;
		}
	}
	*a = r.eax, *b = r.ebx, *c = r.ecx, *d = r.edx;
}
