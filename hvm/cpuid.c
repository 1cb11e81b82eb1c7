/*
 * The CPUID policy every guest sees.  Host leaves pass through with the
 * features we do not virtualise hidden (VMX/SVM themselves, monitor/mwait,
 * performance and debug stores, TSC-deadline (the vLAPIC timer has no
 * such mode), power management), the hypervisor bit set, and Xen's leaves
 * at 0x40000000 (docs/xen-abi.md §A.4) so guests find "XenVMMXenVMM".
 * x2APIC is shown: the vLAPIC is x2APIC-only (hvm/vlapic.h).
 * Topology follows Xen: APIC ID = 2 * vcpu_id, one thread per core, one
 * package holding every vCPU.
 */
#include <hvm/fpu.h>
#include <hvm/hvm.h>
#include <public/arch-x86/cpuid.h>
#include <xen/lib.h>
#include <xen/p2m.h>
#include <xen/sched.h>
#include <xen/time.h>
#include <asm/processor.h>

#define XEN_CPUID_BASE 0x40000000
#define XEN_VERSION_MAJOR 4
#define XEN_VERSION_MINOR 17
#define XEN_HYPERCALL_MSR 0x40000000

/* Leaf 1 ECX: VMX 5, SMX 6, EST 7, TM2 8, MONITOR 3, DS-CPL 4, SDBG 11,
 * PDCM 15, TSC-deadline 24, OSXSAVE 27 (reflects guest CR4). */
#define L1_ECX_HIDE ((1U << 3) | (1U << 4) | (1U << 5) | (1U << 6) | \
		     (1U << 7) | (1U << 8) | (1U << 11) | (1U << 15) | \
		     (1U << 24) | (1U << 27))
#define L1_ECX_X2APIC (1U << 21)
#define L1_EDX_HTT (1U << 28)
/* Leaf 1 EDX: MCE 7, MCA 14, DS 21, ACPI 22, TM 29, PBE 31.  No virtual
 * machine-check architecture: Linux treats a faulting MCG_* read as an
 * architectural violation and panics, and has nothing to gain from banks
 * that never report. */
#define L1_EDX_MCE ((1U << 7) | (1U << 14))
#define L1_EDX_HIDE (L1_EDX_MCE | (1U << 21) | (1U << 22) | (1U << 29) | \
		     (1U << 31))
/* 0x80000001 ECX: SVM 2, IBS 10, SKINIT 12, WDT 13, TOPOEXT 22, perfctr 23-24. */
#define E1_ECX_HIDE ((1U << 2) | (1U << 10) | (1U << 12) | (1U << 13) | \
		     (1U << 22) | (1U << 23) | (1U << 24))
/* Leaf 7 EBX: SGX 2, HLE 4, RTM 11, PQM 12, PQE 15, PT 25. ECX: WAITPKG 5. */
#define L7_EBX_HIDE ((1U << 2) | (1U << 4) | (1U << 11) | (1U << 12) | \
		     (1U << 15) | (1U << 25))
#define L7_ECX_HIDE (1U << 5)

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
		*b = XEN_HYPERCALL_MSR;
		break;
	case 3:
		/* Xen leaf 4: sub 0 = TSC mode/frequency, sub 1 = the scale
		 * from TSC to Xen system time (pvclock form). */
		if (sub == 0) {
			*c = cpu_khz;
		} else if (sub == 1) {
			u64 base = time_tsc_at_boot();
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

/* Bytes XSAVE needs for the components in @xcr0 (legacy area + header,
 * then each enabled extended component at its standard offset). */
static u32 xsave_size_for(u64 xcr0)
{
	u32 size = 512 + 64;

	for (unsigned int i = 2; i < 63; i++) {
		struct cpuid_regs r;

		if (!(xcr0 & (1ULL << i)))
			continue;
		cpuid_count(0xd, i, &r);
		size = MAX(size, r.ebx + r.eax);	/* offset + size */
	}
	return size;
}

/* Bits of the APIC ID that number the vCPUs: ceil(log2(2 * max_vcpus)). */
static u32 apic_id_bits(const struct domain *d)
{
	u32 bits = 1;

	while ((1U << bits) < 2 * d->max_vcpus)
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
 * and only fixes EDX, which can split the vCPUs into packages.
 */
static void topology_leaf(struct vcpu *v, u32 sub, u32 *a, u32 *b, u32 *c,
			  u32 *d)
{
	*a = *b = 0;
	*c = sub & 0xff;		/* level type 0: invalid */
	*d = v->vcpu_id * 2;
	if (sub == 0) {
		*a = 1;			/* SMT: shift 1, 1 thread */
		*b = 1;
		*c |= 1 << 8;
	} else if (sub == 1) {
		*a = apic_id_bits(v->domain);	/* core: every vCPU */
		*b = v->domain->max_vcpus;
		*c |= 2 << 8;
	}
}

static void host_leaf(struct vcpu *v, u32 leaf, u32 sub, u32 *a, u32 *b,
		      u32 *c, u32 *d)
{
	struct cpuid_regs r;

	cpuid_count(leaf, sub, &r);
	*a = r.eax, *b = r.ebx, *c = r.ecx, *d = r.edx;
	switch (leaf) {
	case 1:
		*b = (*b & 0x0000ffff) | ((v->vcpu_id * 2) << 24) |
		     ((u32)v->domain->max_vcpus * 2 << 16);
		*c &= ~L1_ECX_HIDE;
		*c |= 1U << 31;		/* running on a hypervisor */
		*c |= L1_ECX_X2APIC;
		if (hvm_ops->get_cr(v, 4) & (1UL << 18))
			*c |= 1U << 27;	/* OSXSAVE mirrors the guest's CR4 */
		*d &= ~L1_EDX_HIDE;
		*d |= L1_EDX_HTT;	/* EBX[23:16] is valid (Xen sets it) */
		break;
	case 0xb:
		topology_leaf(v, sub, a, b, c, d);
		break;
	case 5:
	case 6:
		*a = *b = *c = *d = 0;	/* no monitor/mwait, no power mgmt */
		break;
	case 0xa:
		*a = *b = *c = *d = 0;	/* no architectural PMU */
		break;
	case 0xd:
		/* EBX: the XSAVE area size for the guest's own XCR0 (SDM vol.1
		 * 13.2), not the host's, which may enable more components. */
		if (sub == 0)
			*b = xsave_size_for(fpu_guest_xcr0(v));
		if (sub == 1)
			*a &= ~(1U << 3);	/* XSAVES: supervisor state not virtualised */
		break;
	case 7:
		if (sub == 0) {
			*b &= ~L7_EBX_HIDE;
			*c &= ~L7_ECX_HIDE;
		}
		break;
	case 0x80000001:
		*c &= ~E1_ECX_HIDE;
		*d &= ~L1_EDX_MCE;	/* AMD mirrors them here */
		break;
	case 0x8000000a:
		*a = *b = *c = *d = 0;	/* the SVM leaf: no nested SVM */
		break;
	case 0x80000008:
		/* EAX[7:0]: the guest-physical address width the p2m covers
		 * (48 bits, ARCH_MAX_GFN) at most: Linux places grant and
		 * foreign mappings anywhere below it. */
		if ((*a & 0xff) > P2M_GUEST_PHYS_BITS)
			*a = (*a & ~0xffU) | P2M_GUEST_PHYS_BITS;
		/* AMD: ECX NC (7:0) + 1 logical processors per package,
		 * ApicIdCoreSize (15:12) bits of core number in the APIC ID;
		 * Linux's AMD topology uses them (TOPOEXT is hidden), so they
		 * agree with leaf 1 and 0xB.  Intel returns 0: left alone. */
		if (*c & 0xf0ff)
			*c = (*c & ~0xf0ffU) | (2 * v->domain->max_vcpus - 1) |
			     (apic_id_bits(v->domain) << 12);
		break;
	}
}

void hvm_cpuid(struct vcpu *v, u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c,
	       u32 *d)
{
	u32 max_basic = MIN(cpuid_eax(0), 0xdU);
	u32 max_ext = MIN(cpuid_eax(0x80000000), 0x80000008U);

	*a = *b = *c = *d = 0;
	if (leaf >= XEN_CPUID_BASE && leaf < XEN_CPUID_BASE + 0x10000) {
		if (leaf <= XEN_CPUID_BASE + 5)
			xen_leaves(v, leaf - XEN_CPUID_BASE, sub, a, b, c, d);
		return;
	}
	if (leaf == 0) {
		host_leaf(v, 0, 0, a, b, c, d);
		*a = max_basic;
	} else if (leaf == 0x80000000) {
		host_leaf(v, leaf, 0, a, b, c, d);
		*a = max_ext;
	} else if (leaf <= max_basic ||
		   (leaf > 0x80000000 && leaf <= max_ext)) {
		host_leaf(v, leaf, sub, a, b, c, d);
	}
}
