/*
 * Host tests for the CPU-policy hypercalls' data side (hvm/cpu_policy_ops.c)
 * over the real CPUID answers (hvm/cpuid.c): size queries and -ENOBUFS,
 * the serialised policy read back with libx86's rules (written here from
 * public/arch-x86/xen.h and Xen 4.17's table sizes), set round trips,
 * malformed input with its errors and err_* fields and no change, features
 * beyond the maximum dropped, a cleared feature gone from that domain's
 * CPUID and only that domain's, and no change once a vCPU was started.
 * The maximum policy is the test's own; leaves outside the policy come
 * from the host CPU running the test.
 */
#include <string.h>
#include <hvm/hvm.h>
#include <hvm/x86.h>
#include <public/sysctl.h>
#include <xen/arch_cpu_policy.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <asm/processor.h>
#include "unit.h"
#include "fake_xmalloc.h"

#define F(name) XEN_X86_FEATURE_##name
#define NOSUB XEN_CPUID_NO_SUBLEAF

/* ---- what hvm/cpu_policy.c and the rest would provide ---- */

static struct x86_policy max_policy;
static u32 host_fs[X86_NR_FEATURESET];

const struct x86_policy *hvm_max_cpu_policy(void)
{
	return &max_policy;
}

const u32 *hvm_host_featureset(void)
{
	return host_fs;
}

void *xmalloc_bytes(size_t size)
{
	return xzalloc_bytes(size);
}

static u64 fake_get_cr(struct vcpu *v, unsigned int cr)
{
	return 0;
}

static const struct hvm_function_table fake_ops = { .get_cr = fake_get_cr };
const struct hvm_function_table *hvm_ops = &fake_ops;
u64 cpu_khz = 1000000;

u64 fpu_guest_xcr0(struct vcpu *v)
{
	return X86_XCR0_X87 | X86_XCR0_SSE;
}

u64 time_tsc_at_boot(void)
{
	return 0;
}

void time_pvclock_scale(u32 *mul, s8 *shift)
{
	*mul = 0, *shift = 0;
}

static void offer(struct x86_policy *p, unsigned int f)
{
	p->fw[f / 32] |= 1U << (f % 32);
}

static bool offers(const struct x86_policy *p, unsigned int f)
{
	return p->fw[f / 32] & (1U << (f % 32));
}

static void setup_max(void)
{
	static const unsigned int feats[] = {
		F(FPU), F(TSC), F(MSR), F(PAE), F(APIC), F(SSE), F(SSE2),
		F(HTT), F(SSE3), F(XSAVE), F(AVX), F(X2APIC), F(HYPERVISOR),
		F(SYSCALL), F(NX), F(LM), F(LAHF_LM), F(XSAVEOPT), F(FSGSBASE),
		F(AVX2), F(SMEP), F(UMIP), F(ITSC), F(NO_LMSL), F(ARCH_CAPS),
		F(AVX_VNNI),
	};

	memset(&max_policy, 0, sizeof(max_policy));
	for (unsigned int i = 0; i < ARRAY_SIZE(feats); i++)
		offer(&max_policy, feats[i]);
	max_policy.xcr0 = X86_XCR0_X87 | X86_XCR0_SSE | X86_XCR0_AVX;
	max_policy.arch_caps = 0x3;		/* RDCL_NO, EIBRS */
	max_policy.maxphysaddr = 40;
	max_policy.basic_max = 0xd;
	max_policy.extd_max = 0x80000008;
	max_policy.vendor = X86_VENDOR_INTEL;
	for (unsigned int i = 0; i < X86_NR_FEATURESET; i++)
		host_fs[i] = 0x1000 + i;
}

/* ---- libx86's reading rules (x86_cpuid_copy_from_buffer()) ---- */

/* Would libxenguest accept this entry?  Xen 4.17's tables: 14 basic
 * leaves, leaf 4 x6, 7 x3, 0xB x2, 0xD x63, 0x80000000-0x80000021, and
 * the two hypervisor limits. */
static bool libx86_accepts(const xen_cpuid_leaf_t *l)
{
	switch (l->leaf) {
	case 4:
		return l->subleaf < 6;
	case 7:
		return l->subleaf < 3;
	case 0xb:
		return l->subleaf < 2;
	case 0xd:
		return l->subleaf < 63;
	}
	if (l->subleaf != NOSUB)
		return false;
	return l->leaf < 14 || l->leaf == 0x40000000 ||
	       l->leaf == 0x40000100 ||
	       (l->leaf >= 0x80000000 && l->leaf <= 0x80000021);
}

static const xen_cpuid_leaf_t *find(const xen_cpuid_leaf_t *l, u32 n,
				    u32 leaf, u32 sub)
{
	for (u32 i = 0; i < n; i++)
		if (l[i].leaf == leaf && l[i].subleaf == sub)
			return &l[i];
	return NULL;
}

static xen_cpuid_leaf_t leaves[ARCH_CPU_POLICY_MAX_LEAVES + 1];
static xen_msr_entry_t msrs[ARCH_CPU_POLICY_MAX_MSRS + 1];
static u32 nr_leaves, nr_msrs;

static int get(const struct domain *d, u32 index)
{
	nr_leaves = ARCH_CPU_POLICY_MAX_LEAVES;
	nr_msrs = ARCH_CPU_POLICY_MAX_MSRS;
	return arch_get_cpu_policy(d, index, leaves, &nr_leaves, msrs,
				   &nr_msrs);
}

static struct domain dom, dom2;
static struct vcpu vcpu1 = { .vcpu_id = 1, .domain = &dom };
static struct vcpu vcpu_d2 = { .vcpu_id = 0, .domain = &dom2 };
static u32 err_leaf, err_sub, err_msr;

static void make_domain(struct domain *d, unsigned int max_vcpus)
{
	memset(d, 0, sizeof(*d));
	spin_lock_init(&d->lock);
	d->max_vcpus = max_vcpus;
	CHECK_EQ(hvm_cpu_policy_domain_init(d), 0);
}

static void setup(void)
{
	setup_max();
	hvm_cpu_policy_domain_destroy(&dom);
	hvm_cpu_policy_domain_destroy(&dom2);
	make_domain(&dom, 2);
	make_domain(&dom2, 1);
}

static int set(u32 nl, u32 nm)
{
	err_leaf = err_sub = err_msr = 0x5a5a;
	return arch_set_cpu_policy(&dom, leaves, nl, msrs, nm, &err_leaf,
				   &err_sub, &err_msr);
}

static void cpuid_of(struct vcpu *v, u32 leaf, u32 sub, struct cpuid_regs *r)
{
	hvm_cpuid(v, leaf, sub, &r->eax, &r->ebx, &r->ecx, &r->edx);
}

static bool unchanged(void)
{
	return !memcmp(dom.cpu_policy, &max_policy, sizeof(max_policy));
}

/* ---- tests ---- */

TEST(size_queries)
{
	u32 nl = 7, nm = 7, nr = 0;

	setup();
	CHECK_EQ(arch_get_cpu_policy(NULL, XEN_SYSCTL_cpu_policy_raw, NULL,
				     &nl, NULL, &nm), 0);
	CHECK_EQ(nl, 120);
	CHECK_EQ(nm, 2);
	nl = nm = 0;
	CHECK_EQ(arch_get_cpu_policy(&dom, 0, NULL, &nl, NULL, &nm), 0);
	CHECK_EQ(nl, 120);
	CHECK_EQ(nm, 2);
	/* libxc's default-policy read: leaves, and NULL MSRs with 0. */
	nl = ARCH_CPU_POLICY_MAX_LEAVES, nm = 0;
	CHECK_EQ(arch_get_cpu_policy(NULL, XEN_SYSCTL_cpu_policy_hvm_default,
				     leaves, &nl, NULL, &nm), 0);
	CHECK_EQ(nm, 2);
	CHECK(nl > 20 && nl <= 120);
	/* The featureset: size whatever the index. */
	CHECK_EQ(arch_get_cpu_featureset(99, NULL, &nr), 0);
	CHECK_EQ(nr, 19);
	CHECK_EQ(ARCH_CPU_FEATURESET_WORDS, X86_NR_FEATURESET);
}

TEST(bad_indices)
{
	u32 nl = 10, nm = 2, fs[19], nr = 19;

	setup();
	CHECK_EQ(arch_get_cpu_policy(NULL, 6, leaves, &nl, msrs, &nm), -EINVAL);
	CHECK_EQ(arch_get_cpu_policy(NULL, 6, NULL, &nl, NULL, &nm), -EINVAL);
	CHECK_EQ(arch_get_cpu_policy(NULL, XEN_SYSCTL_cpu_policy_pv_max, NULL,
				     &nl, NULL, &nm), -EOPNOTSUPP);
	CHECK_EQ(arch_get_cpu_policy(NULL, XEN_SYSCTL_cpu_policy_pv_default,
				     leaves, &nl, msrs, &nm), -EOPNOTSUPP);
	CHECK_EQ(nl, 10);
	CHECK_EQ(arch_get_cpu_featureset(6, fs, &nr), -EINVAL);
	CHECK_EQ(arch_get_cpu_featureset(XEN_SYSCTL_cpu_featureset_pv, fs, &nr),
		 -EOPNOTSUPP);
	CHECK_EQ(arch_get_cpu_featureset(XEN_SYSCTL_cpu_featureset_pv_max, fs,
					 &nr), -EOPNOTSUPP);
}

TEST(featuresets)
{
	u32 fs[19], nr = 19;

	setup();
	CHECK_EQ(arch_get_cpu_featureset(XEN_SYSCTL_cpu_featureset_hvm, fs,
					 &nr), 0);
	CHECK_EQ(nr, 19);
	CHECK(!memcmp(fs, max_policy.fw, sizeof(max_policy.fw)));
	CHECK_EQ(fs[X86_FS_ARCH_CAPS_LO], 3);
	CHECK_EQ(fs[X86_FS_E21A], 0);
	CHECK_EQ(arch_get_cpu_featureset(XEN_SYSCTL_cpu_featureset_host, fs,
					 &nr), 0);
	CHECK(!memcmp(fs, host_fs, sizeof(fs)));
	/* Too small: what fits, and -ENOBUFS. */
	memset(fs, 0, sizeof(fs));
	nr = 5;
	CHECK_EQ(arch_get_cpu_featureset(XEN_SYSCTL_cpu_featureset_hvm_max, fs,
					 &nr), -ENOBUFS);
	CHECK_EQ(nr, 5);
	CHECK_EQ(fs[4], max_policy.fw[4]);
	CHECK_EQ(fs[1], max_policy.fw[1]);
	CHECK_EQ(fs[5], 0);
	/* Larger than needed: all of it. */
	nr = 1000;
	CHECK_EQ(arch_get_cpu_featureset(XEN_SYSCTL_cpu_featureset_raw, fs,
					 &nr), 0);
	CHECK_EQ(nr, 19);
}

/* Every entry readable by libx86, in order, with the policy's words. */
static void check_well_formed(const struct x86_policy *p)
{
	const xen_cpuid_leaf_t *l;

	CHECK(nr_leaves <= ARCH_CPU_POLICY_MAX_LEAVES);
	for (u32 i = 0; i < nr_leaves; i++) {
		CHECK(libx86_accepts(&leaves[i]));
		if (i)	/* ascending (leaf, subleaf), NO_SUBLEAF alone */
			CHECK(leaves[i].leaf > leaves[i - 1].leaf ||
			      (leaves[i].leaf == leaves[i - 1].leaf &&
			       leaves[i].subleaf == leaves[i - 1].subleaf + 1));
	}
	CHECK((l = find(leaves, nr_leaves, 0, NOSUB)) && l->a == p->basic_max);
	CHECK((l = find(leaves, nr_leaves, 1, NOSUB)) &&
	      l->c == p->fw[X86_FW_1C] && l->d == p->fw[X86_FW_1D]);
	CHECK((l = find(leaves, nr_leaves, 7, 0)) &&
	      l->b == p->fw[X86_FW_7B0] && l->a == !!p->fw[X86_FW_7A1]);
	CHECK(!find(leaves, nr_leaves, 7, 2));
	CHECK((l = find(leaves, nr_leaves, 0xd, 0)) && l->a == (u32)p->xcr0);
	CHECK(find(leaves, nr_leaves, 0xd, 2));		/* AVX's */
	CHECK(!find(leaves, nr_leaves, 0xd, 3));
	CHECK(find(leaves, nr_leaves, 0x40000000, NOSUB));
	CHECK((l = find(leaves, nr_leaves, 0x80000000, NOSUB)) &&
	      l->a == p->extd_max);
	CHECK((l = find(leaves, nr_leaves, 0x80000008, NOSUB)) &&
	      (l->a & 0xff) == p->maxphysaddr);
	CHECK(!find(leaves, nr_leaves, 0x80000009, NOSUB));
	CHECK_EQ(nr_msrs, 2);
	CHECK_EQ(msrs[0].idx, MSR_INTEL_PLATFORM_INFO);
	CHECK_EQ(msrs[0].val, 0);
	CHECK_EQ(msrs[1].idx, MSR_ARCH_CAPABILITIES);
	CHECK_EQ(msrs[1].val, p->arch_caps);
}

TEST(serialised_policies)
{
	u32 nl, nm;

	setup();
	CHECK_EQ(get(NULL, XEN_SYSCTL_cpu_policy_hvm_default), 0);
	check_well_formed(&max_policy);
	CHECK_EQ(get(NULL, XEN_SYSCTL_cpu_policy_hvm_max), 0);
	check_well_formed(&max_policy);
	CHECK_EQ(get(&dom, 0), 0);
	check_well_formed(&max_policy);
	/* The domain's topology: 2 vCPUs, APIC IDs 0 and 2. */
	CHECK(((find(leaves, nr_leaves, 1, NOSUB)->b >> 16) & 0xff) == 4);
	/* The host's, as libx86 would read it. */
	CHECK_EQ(get(NULL, XEN_SYSCTL_cpu_policy_host), 0);
	for (u32 i = 0; i < nr_leaves; i++)
		CHECK(libx86_accepts(&leaves[i]));
	CHECK_EQ(msrs[1].val, host_fs[16] | (u64)host_fs[17] << 32);
	/* One entry short: -ENOBUFS, for leaves and for MSRs. */
	CHECK_EQ(get(NULL, XEN_SYSCTL_cpu_policy_hvm_default), 0);
	nl = nr_leaves - 1, nm = 2;
	CHECK_EQ(arch_get_cpu_policy(NULL, XEN_SYSCTL_cpu_policy_hvm_default,
				     leaves, &nl, msrs, &nm), -ENOBUFS);
	nl = nr_leaves, nm = 1;
	CHECK_EQ(arch_get_cpu_policy(NULL, XEN_SYSCTL_cpu_policy_hvm_default,
				     leaves, &nl, msrs, &nm), -ENOBUFS);
	CHECK_EQ(nl, nr_leaves);	/* the leaves were done */
}

TEST(round_trip)
{
	setup();
	CHECK_EQ(get(&dom, 0), 0);
	CHECK_EQ(set(nr_leaves, nr_msrs), 0);
	CHECK(unchanged());
	/* Nothing at all: nothing changes. */
	CHECK_EQ(set(0, 0), 0);
	CHECK(unchanged());
}

/* Set @l alone; expect @rc with the err_* fields, and no change. */
static void reject_leaf(xen_cpuid_leaf_t l, int rc, u32 eleaf, u32 esub)
{
	leaves[0] = l;
	CHECK_EQ(set(1, 0), rc);
	CHECK_EQ(err_leaf, eleaf);
	CHECK_EQ(err_sub, esub);
	CHECK_EQ(err_msr, ~0U);
	CHECK(unchanged());
}

static void reject_msr(xen_msr_entry_t m, int rc)
{
	msrs[0] = m;
	CHECK_EQ(set(0, 1), rc);
	CHECK_EQ(err_leaf, ~0U);
	CHECK_EQ(err_sub, ~0U);
	CHECK_EQ(err_msr, m.idx);
	CHECK(unchanged());
}

TEST(malformed)
{
	setup();
	/* Out of range (x86_cpuid_copy_from_buffer(): -ERANGE). */
	reject_leaf((xen_cpuid_leaf_t){ .leaf = 0xe, .subleaf = NOSUB }, -ERANGE, 0xe, NOSUB);
	reject_leaf((xen_cpuid_leaf_t){ .leaf = 0x40000001, .subleaf = NOSUB }, -ERANGE,
		    0x40000001, NOSUB);
	reject_leaf((xen_cpuid_leaf_t){ .leaf = 0x80000022, .subleaf = NOSUB }, -ERANGE,
		    0x80000022, NOSUB);
	reject_leaf((xen_cpuid_leaf_t){ .leaf = 0x7fffffff, .subleaf = NOSUB }, -ERANGE,
		    0x7fffffff, NOSUB);
	/* A subleaf for a leaf without, none for one with, too high. */
	reject_leaf((xen_cpuid_leaf_t){ .leaf = 1, .subleaf = 0 }, -ERANGE, 1, 0);
	reject_leaf((xen_cpuid_leaf_t){ .leaf = 0x80000001, .subleaf = 1 }, -ERANGE, 0x80000001, 1);
	reject_leaf((xen_cpuid_leaf_t){ .leaf = 7, .subleaf = NOSUB }, -ERANGE, 7, NOSUB);
	reject_leaf((xen_cpuid_leaf_t){ .leaf = 4, .subleaf = 6 }, -ERANGE, 4, 6);
	reject_leaf((xen_cpuid_leaf_t){ .leaf = 7, .subleaf = 3 }, -ERANGE, 7, 3);
	reject_leaf((xen_cpuid_leaf_t){ .leaf = 0xb, .subleaf = 2 }, -ERANGE, 0xb, 2);
	reject_leaf((xen_cpuid_leaf_t){ .leaf = 0xd, .subleaf = 63 }, -ERANGE, 0xd, 63);
	/* Limits beyond the maximum (x86_cpu_policies_are_compatible()). */
	reject_leaf((xen_cpuid_leaf_t){ .leaf = 0, .subleaf = NOSUB, .a = 0xe }, -EINVAL, 0, NOSUB);
	reject_leaf((xen_cpuid_leaf_t){ .leaf = 7, .subleaf = 0, .a = 2 }, -EINVAL, 7, 0);
	reject_leaf((xen_cpuid_leaf_t){ .leaf = 0x80000000, .subleaf = NOSUB, .a = 0x80000021 },
		    -EINVAL, 0x80000000, NOSUB);
	/* Too many entries. */
	CHECK_EQ(set(ARCH_CPU_POLICY_MAX_LEAVES + 1, 0), -E2BIG);
	CHECK_EQ(set(0, ARCH_CPU_POLICY_MAX_MSRS + 1), -E2BIG);
	CHECK_EQ(err_leaf, ~0U);
	CHECK(unchanged());
	/* MSRs: unknown, flags, too wide, more than the maximum. */
	reject_msr((xen_msr_entry_t){ .idx = 0x10 }, -ERANGE);
	reject_msr((xen_msr_entry_t){ .idx = MSR_ARCH_CAPABILITIES, .flags = 1 },
		   -EINVAL);
	reject_msr((xen_msr_entry_t){ .idx = MSR_INTEL_PLATFORM_INFO,
				      .val = 1ULL << 32 }, -EOVERFLOW);
	reject_msr((xen_msr_entry_t){ .idx = MSR_INTEL_PLATFORM_INFO,
				      .val = 1ULL << 31 }, -EINVAL);
	/* The first bad entry is the one named, after good ones. */
	CHECK_EQ(get(&dom, 0), 0);
	leaves[3] = (xen_cpuid_leaf_t){ .leaf = 0x20, .subleaf = NOSUB };
	leaves[4] = (xen_cpuid_leaf_t){ .leaf = 0x21, .subleaf = NOSUB };
	CHECK_EQ(set(nr_leaves, 0), -ERANGE);
	CHECK_EQ(err_leaf, 0x20);
	CHECK(unchanged());
	/* No memory: -ENOMEM, err_* all ones. */
	fail_alloc_in = 0;
	CHECK_EQ(set(0, 0), -ENOMEM);
	fail_alloc_in = -1;
	CHECK_EQ(err_leaf & err_sub & err_msr, ~0U);
	CHECK(unchanged());
}

/* Set the domain's leaf 1 with @set_bits set and @clear_bits clear in
 * ECX. */
static int set_leaf1(u32 set_bits, u32 clear_bits)
{
	CHECK_EQ(get(&dom, 0), 0);
	leaves[0] = *find(leaves, nr_leaves, 1, NOSUB);
	leaves[0].c = (leaves[0].c | set_bits) & ~clear_bits;
	return set(1, 0);
}

TEST(beyond_max_is_dropped)
{
	struct cpuid_regs r;

	setup();
	/* As Xen's recalculate_cpuid_policy(): clamped, not refused. */
	CHECK_EQ(set_leaf1(1U << (F(VMX) % 32) | 1U << (F(SSE4_1) % 32), 0), 0);
	CHECK(unchanged());
	cpuid_of(&vcpu1, 1, 0, &r);
	CHECK(!(r.ecx & (1U << (F(VMX) % 32))));
	CHECK(!(r.ecx & (1U << (F(SSE4_1) % 32))));
	/* X2APIC stays (every vCPU starts in x2APIC mode). */
	CHECK_EQ(set_leaf1(0, 1U << (F(X2APIC) % 32)), 0);
	CHECK(offers(dom.cpu_policy, F(X2APIC)));
	/* ARCH_CAPABILITIES: only the maximum's bits. */
	msrs[0] = (xen_msr_entry_t){ .idx = MSR_ARCH_CAPABILITIES, .val = ~0ULL };
	CHECK_EQ(set(0, 1), 0);
	CHECK_EQ(dom.cpu_policy->arch_caps, 3);
	/* Repeats are not refused (nor by Xen): the last one counts. */
	msrs[0] = (xen_msr_entry_t){ .idx = MSR_ARCH_CAPABILITIES, .val = 0 };
	msrs[1] = (xen_msr_entry_t){ .idx = MSR_ARCH_CAPABILITIES, .val = 1 };
	CHECK_EQ(set(0, 2), 0);
	CHECK_EQ(dom.cpu_policy->arch_caps, 1);
}

TEST(cleared_feature_reaches_cpuid)
{
	const u32 avx = 1U << (F(AVX) % 32);
	const xen_cpuid_leaf_t *l;
	struct cpuid_regs r;

	setup();
	cpuid_of(&vcpu1, 1, 0, &r);
	CHECK(r.ecx & avx);
	CHECK_EQ(set_leaf1(0, avx), 0);
	/* This domain: no AVX, nor AVX2 or AVX-VNNI, nor its XCR0 bit. */
	cpuid_of(&vcpu1, 1, 0, &r);
	CHECK(!(r.ecx & avx));
	CHECK(r.ecx & (1U << (F(XSAVE) % 32)));
	CHECK_EQ(r.ebx >> 24, 2);			/* vCPU 1's APIC ID */
	cpuid_of(&vcpu1, 7, 0, &r);
	CHECK(!(r.ebx & (1U << (F(AVX2) % 32))));
	CHECK(r.ebx & (1U << (F(SMEP) % 32)));
	CHECK_EQ(r.eax, 0);				/* 7.1 is empty now */
	cpuid_of(&vcpu1, 0xd, 0, &r);
	CHECK_EQ(r.eax, X86_XCR0_X87 | X86_XCR0_SSE);
	CHECK(!offers(dom.cpu_policy, F(AVX_VNNI)));
	/* What the toolstack reads back says the same. */
	CHECK_EQ(get(&dom, 0), 0);
	CHECK((l = find(leaves, nr_leaves, 1, NOSUB)) && !(l->c & avx));
	CHECK(!find(leaves, nr_leaves, 0xd, 2));
	/* The other domain keeps it. */
	cpuid_of(&vcpu_d2, 1, 0, &r);
	CHECK(r.ecx & avx);
	/* Lower limits hide what lies beyond: no leaf 7, no XSAVE. */
	leaves[0] = (xen_cpuid_leaf_t){ .leaf = 0, .subleaf = NOSUB, .a = 6 };
	CHECK_EQ(set(1, 0), 0);
	cpuid_of(&vcpu1, 7, 0, &r);
	CHECK(!r.eax && !r.ebx && !r.ecx && !r.edx);
	cpuid_of(&vcpu1, 0, 0, &r);
	CHECK_EQ(r.eax, 6);
	CHECK(!offers(dom.cpu_policy, F(XSAVE)));
	CHECK(!offers(dom.cpu_policy, F(SMEP)));
}

TEST(fixed_once_started)
{
	setup();
	dom.creation_finished = true;
	CHECK_EQ(set_leaf1(0, 1U << (F(AVX) % 32)), -EEXIST);
	CHECK_EQ(err_leaf, 0x5a5a);		/* not written */
	CHECK(unchanged());
	dom.creation_finished = false;
}

TEST(no_leaks)
{
	setup();
	hvm_cpu_policy_domain_destroy(&dom);
	hvm_cpu_policy_domain_destroy(&dom2);
	CHECK_EQ(live_allocs, 0);
}

UNIT_MAIN(size_queries, bad_indices, featuresets, serialised_policies,
	  round_trip, malformed, beyond_max_is_dropped,
	  cleared_feature_reaches_cpuid, fixed_once_started, no_leaks)
