/*
 * The CPU policy as the toolstack sees it (xen/arch_cpu_policy.h): each
 * domain's own copy of the policy, its serialised form for XEN_SYSCTL/
 * DOMCTL_get_cpu_policy and the featuresets, and XEN_DOMCTL_set_cpu_policy.
 *
 * Serialised form.  Xen 4.17 keeps a policy as tables of raw leaves (xen/
 * lib/x86/cpu-policy.h) and libxenguest parses what we emit with its own
 * copy of libx86, refusing leaves outside those tables; struct leaf_table
 * is that shape.  Leaves are emitted in the order and with the limits of
 * Xen's x86_cpuid_copy_to_buffer() (xen/lib/x86/cpuid.c): basic leaves up
 * to leaf 0's EAX, leaf 4 until a null cache level, leaf 7 up to its
 * subleaf count, 0xB until an invalid level, 0xD subleaves 0 and 1 then
 * one per XCR0|XSS bit up to the highest, the two hypervisor limits, the
 * extended leaves; then the two MSRs of x86_msr_copy_to_buffer().  A
 * guest policy's leaves are what hvm/cpuid.c answers (its domain part,
 * hvm_cpuid_policy_leaf()); the host's ("raw" and "host", one here: Amphi
 * masks nothing of its own) are the boot CPU's CPUID.
 *
 * Setting.  As Xen's update_domain_cpu_policy() (xen/arch/x86/domctl.c):
 * the entries are merged into the domain's current policy in table form
 * (x86_cpuid/msr_copy_from_buffer()'s checks and errors), leaves beyond
 * the new limits are cleared, the limits and MSR_INTEL_PLATFORM_INFO are
 * audited against the maximum (x86_cpu_policies_are_compatible(): -EINVAL)
 * and the result is clamped to the maximum, silently, as
 * recalculate_cpuid_policy() does: features Amphi does not offer are
 * dropped, never enabled.  What Amphi takes from the table is what struct
 * x86_policy holds: the feature words, the leaf limits, the physical
 * address width and ARCH_CAPABILITIES.  Deliberate differences from Xen:
 * the rest (family, model, caches, topology, brand) keeps answering from
 * the host and Amphi's topology, the vendor is the host's, and X2APIC
 * cannot be taken away (every vCPU starts in x2APIC mode, hvm/vlapic.h).
 *
 * Lifetime and locking.  d->cpu_policy is allocated with the domain and
 * freed with it, and never moves.  It changes in place, under d->lock,
 * only while !d->creation_finished, which vcpu_start() sets under the
 * same lock before the first vCPU can run: the exit paths that read it
 * without a lock never see it change.  Readers of a policy that may still
 * change (XEN_DOMCTL_get_cpu_policy) copy it under d->lock first.
 */
#include <hvm/x86.h>
#include <public/sysctl.h>
#include <xen/arch_cpu_policy.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/nospec.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>
#include <asm/processor.h>

/* Xen 4.17's table sizes (CPUID_GUEST_NR_*, xen/lib/x86/cpu-policy.h). */
#define NR_BASIC 14		/* leaves 0 - 0xD */
#define NR_CACHE 6		/* leaf 4 */
#define NR_FEAT 3		/* leaf 7 */
#define NR_TOPO 2		/* leaf 0xB */
#define NR_XSTATE 63		/* leaf 0xD */
#define NR_EXTD 34		/* 0x80000000 - 0x80000021 (AMD's, the larger) */
#define HV_LEAF 0x40000000	/* the two limits Xen's policy keeps */
#define HV2_LEAF 0x40000100

/* A policy in Xen's table form. */
struct leaf_table {
	struct cpuid_regs basic[NR_BASIC], cache[NR_CACHE], feat[NR_FEAT];
	struct cpuid_regs topo[NR_TOPO], xstate[NR_XSTATE], extd[NR_EXTD];
	u32 hv_limit, hv2_limit;
	u64 platform_info, arch_caps;
};

static u64 table_xstates(const struct leaf_table *t)
{
	/* XCR0 (0xD.0 EDX:EAX) and IA32_XSS (0xD.1 EDX:ECX) components. */
	return ((u64)t->xstate[0].edx << 32 | t->xstate[0].eax) |
	       ((u64)t->xstate[1].edx << 32 | t->xstate[1].ecx);
}

/*
 * Store one entry into @t, with x86_cpuid_copy_from_buffer()'s rules:
 * leaves 4, 7, 0xB and 0xD take a subleaf within their table, every
 * other leaf XEN_CPUID_NO_SUBLEAF.  -ERANGE: no room for it.
 */
static int table_store(struct leaf_table *t, u32 leaf, u32 sub,
		       const struct cpuid_regs *r)
{
	struct cpuid_regs *tab = NULL;
	u32 nr = 0;

	switch (leaf) {
	case 4:
		tab = t->cache, nr = NR_CACHE;
		break;
	case 7:
		tab = t->feat, nr = NR_FEAT;
		break;
	case 0xb:
		tab = t->topo, nr = NR_TOPO;
		break;
	case 0xd:
		tab = t->xstate, nr = NR_XSTATE;
		break;
	}
	if (tab && sub >= nr)
		return -ERANGE;
	if (tab)
		tab[array_index_nospec(sub, nr)] = *r;
	else if (sub != XEN_CPUID_NO_SUBLEAF)
		return -ERANGE;
	else if (leaf < NR_BASIC)
		t->basic[array_index_nospec(leaf, NR_BASIC)] = *r;
	else if (leaf == HV_LEAF)
		t->hv_limit = r->eax;
	else if (leaf == HV2_LEAF)
		t->hv2_limit = r->eax;
	else if (leaf - 0x80000000 < NR_EXTD)
		t->extd[array_index_nospec(leaf - 0x80000000, NR_EXTD)] = *r;
	else
		return -ERANGE;
	return 0;
}

/* ---- serialising ---- */

/* One walk over a policy's leaves, in Xen's order, into a buffer or a
 * table. */
struct walk {
	const struct x86_policy *p;	/* NULL: the host's CPUID */
	unsigned int nr_vcpus;
	xen_cpuid_leaf_t *buf;		/* or, with buf NULL: */
	struct leaf_table *table;
	u32 cap, n;
};

static void walk_read(const struct walk *w, u32 leaf, u32 sub,
		      struct cpuid_regs *r)
{
	if (w->p)
		hvm_cpuid_policy_leaf(w->p, w->nr_vcpus, leaf, sub, r);
	else
		cpuid_count(leaf, sub, r);
}

static int walk_emit(struct walk *w, u32 leaf, u32 sub,
		     const struct cpuid_regs *r)
{
	if (!w->buf)
		return table_store(w->table, leaf, sub, r);
	if (w->n == w->cap)
		return -ENOBUFS;
	w->buf[w->n++] = (xen_cpuid_leaf_t){ leaf, sub, r->eax, r->ebx,
					     r->ecx, r->edx };
	return 0;
}

/* Read @leaf/@sub into @r and emit it; return if that fails. */
#define EMIT(w, leaf, sub, r) do {					\
	int rc_;							\
									\
	walk_read(w, leaf, sub, r);					\
	if ((rc_ = walk_emit(w, leaf, sub, r)))				\
		return rc_;						\
} while (0)

/* The subleaves of a basic leaf that has them. */
static int walk_subleaves(struct walk *w, u32 leaf)
{
	struct cpuid_regs r;
	u64 xstates;

	switch (leaf) {
	case 4:		/* until a null cache level (EAX[4:0] type 0) */
		for (u32 s = 0; s < NR_CACHE; s++) {
			EMIT(w, leaf, s, &r);
			if (!(r.eax & 0x1f))
				break;
		}
		return 0;
	case 7:
		EMIT(w, leaf, 0, &r);
		for (u32 s = 1; s <= MIN(r.eax, NR_FEAT - 1U); s++) {
			struct cpuid_regs sr;

			EMIT(w, leaf, s, &sr);
		}
		return 0;
	case 0xb:	/* until an invalid level (ECX[15:8] type 0) */
		for (u32 s = 0; s < NR_TOPO; s++) {
			EMIT(w, leaf, s, &r);
			if (!(r.ecx & 0xff00))
				break;
		}
		return 0;
	case 0xd:
		EMIT(w, leaf, 0, &r);
		xstates = (u64)r.edx << 32 | r.eax;
		EMIT(w, leaf, 1, &r);
		xstates |= (u64)r.edx << 32 | r.ecx;
		/* Components 0 and 1 have no subleaf of their own. */
		xstates >>= 2;
		for (u32 s = 2; xstates && s < NR_XSTATE; xstates >>= 1, s++)
			EMIT(w, leaf, s, &r);
		return 0;
	}
	EMIT(w, leaf, XEN_CPUID_NO_SUBLEAF, &r);
	return 0;
}

static int walk_leaves(struct walk *w)
{
	struct cpuid_regs r, max;
	int rc;

	walk_read(w, 0, 0, &max);
	for (u32 leaf = 0; leaf <= MIN(max.eax, NR_BASIC - 1U); leaf++)
		if ((rc = walk_subleaves(w, leaf)))
			return rc;
	/* Xen's policy keeps only these two limits of its own leaves, 0
	 * unless a toolstack set them (xen/lib/x86/cpuid.c). */
	r = (struct cpuid_regs){ 0 };
	if ((rc = walk_emit(w, HV_LEAF, XEN_CPUID_NO_SUBLEAF, &r)) ||
	    (rc = walk_emit(w, HV2_LEAF, XEN_CPUID_NO_SUBLEAF, &r)))
		return rc;
	walk_read(w, 0x80000000, 0, &max);
	for (u32 i = 0; i <= MIN(max.eax & 0xffff, NR_EXTD - 1U); i++)
		EMIT(w, 0x80000000 + i, XEN_CPUID_NO_SUBLEAF, &r);
	return 0;
}

/* The leaves of @p (NULL: the host) into @buf: 0 or -ENOBUFS. */
static int leaves_to_buffer(const struct x86_policy *p, unsigned int nr_vcpus,
			    xen_cpuid_leaf_t *buf, u32 *nr)
{
	struct walk w = { .p = p, .nr_vcpus = nr_vcpus, .buf = buf,
			  .cap = *nr };
	int rc = walk_leaves(&w);

	if (!rc)
		*nr = w.n;
	return rc;
}

/* x86_msr_copy_to_buffer(): always both. */
static int msrs_to_buffer(u64 arch_caps, xen_msr_entry_t *buf, u32 *nr)
{
	if (*nr < 1)
		return -ENOBUFS;
	buf[0] = (xen_msr_entry_t){ .idx = MSR_INTEL_PLATFORM_INFO };
	if (*nr < 2)
		return -ENOBUFS;
	buf[1] = (xen_msr_entry_t){ .idx = MSR_ARCH_CAPABILITIES,
				    .val = arch_caps };
	*nr = 2;
	return 0;
}

/* ---- per domain ---- */

int hvm_cpu_policy_domain_init(struct domain *d)
{
	d->cpu_policy = xmalloc(struct x86_policy);
	if (!d->cpu_policy)
		return -ENOMEM;
	*d->cpu_policy = *hvm_max_cpu_policy();
	return 0;
}

void hvm_cpu_policy_domain_destroy(struct domain *d)
{
	xfree(d->cpu_policy);
	d->cpu_policy = NULL;
}

const struct x86_policy *hvm_cpu_policy(const struct domain *d)
{
	return d ? d->cpu_policy : hvm_max_cpu_policy();
}

/* A copy of @d's policy that no set can change halfway.  d->lock is
 * never taken in interrupt context (hvm/msr.c takes it plainly too), so
 * this module needs no interrupt masking and links into host tests. */
static struct x86_policy domain_policy(const struct domain *d)
{
	struct domain *dw = (struct domain *)d;	/* the lock only */
	struct x86_policy p;

	spin_lock(&dw->lock);
	p = *d->cpu_policy;
	spin_unlock(&dw->lock);
	return p;
}

/* ---- the getters ---- */

/* The featureset of a guest policy (x86_cpu_policy_to_featureset()). */
static void policy_featureset(const struct x86_policy *p, u32 *fs)
{
	memset(fs, 0, X86_NR_FEATURESET * sizeof(*fs));
	memcpy(fs, p->fw, sizeof(p->fw));
	fs[X86_FS_ARCH_CAPS_LO] = (u32)p->arch_caps;
	fs[X86_FS_ARCH_CAPS_HI] = p->arch_caps >> 32;
}

/* Which system policy @index names: 0 and *p (NULL: the host's), or
 * Xen's error.  The featureset and policy numberings differ but name
 * the same kind of policy at each index (checked below). */
static int system_policy(u32 index, const struct x86_policy **p)
{
	*p = NULL;
	switch (index) {
	case XEN_SYSCTL_cpu_policy_raw:		/* = ..._featureset_raw */
	case XEN_SYSCTL_cpu_policy_host:	/* = ..._featureset_host */
		return 0;
	case XEN_SYSCTL_cpu_featureset_hvm:	/* = ..._policy_hvm_max */
	case XEN_SYSCTL_cpu_featureset_hvm_max:	/* = ..._policy_hvm_default */
		*p = hvm_max_cpu_policy();
		return 0;
	case XEN_SYSCTL_cpu_featureset_pv:	/* = ..._policy_pv_max */
	case XEN_SYSCTL_cpu_featureset_pv_max:	/* = ..._policy_pv_default */
		/* Xen without CONFIG_PV: a hole in its table. */
		return -EOPNOTSUPP;
	}
	return -EINVAL;
}

int arch_get_cpu_featureset(u32 index, u32 *words, u32 *nr)
{
	u32 fs[X86_NR_FEATURESET];
	const struct x86_policy *p;
	u32 n = MIN(*nr, (u32)X86_NR_FEATURESET);
	int rc;

	BUILD_BUG_ON(X86_NR_FEATURESET != ARCH_CPU_FEATURESET_WORDS);
	BUILD_BUG_ON(XEN_SYSCTL_cpu_featureset_hvm != XEN_SYSCTL_cpu_policy_hvm_max ||
		     XEN_SYSCTL_cpu_featureset_hvm_max != XEN_SYSCTL_cpu_policy_hvm_default ||
		     XEN_SYSCTL_cpu_featureset_pv != XEN_SYSCTL_cpu_policy_pv_max ||
		     XEN_SYSCTL_cpu_featureset_pv_max != XEN_SYSCTL_cpu_policy_pv_default ||
		     XEN_SYSCTL_cpu_featureset_host != XEN_SYSCTL_cpu_policy_host ||
		     XEN_SYSCTL_cpu_featureset_raw != XEN_SYSCTL_cpu_policy_raw);
	/* Xen's sysctl.c: a NULL handle asks the size, before the index. */
	if (!words) {
		*nr = X86_NR_FEATURESET;
		return 0;
	}
	if ((rc = system_policy(index, &p)))
		return rc;
	if (p)
		policy_featureset(p, fs);
	else
		memcpy(fs, hvm_host_featureset(), sizeof(fs));
	memcpy(words, fs, n * sizeof(*words));
	*nr = n;
	return n < X86_NR_FEATURESET ? -ENOBUFS : 0;
}

int arch_get_cpu_policy(const struct domain *d, u32 index,
			xen_cpuid_leaf_t *leaves, u32 *nr_leaves,
			xen_msr_entry_t *msrs, u32 *nr_msrs)
{
	const struct x86_policy *p;
	struct x86_policy copy;
	unsigned int nr_vcpus = 1;	/* system policies: as for one vCPU */
	u64 arch_caps;
	int rc;

	BUILD_BUG_ON(ARCH_CPU_POLICY_MAX_LEAVES !=
		     NR_BASIC + NR_FEAT - 1 + NR_CACHE - 1 + NR_TOPO - 1 +
		     NR_XSTATE - 1 + NR_EXTD + 2);
	if (d) {
		copy = domain_policy(d);
		p = &copy;
		nr_vcpus = d->max_vcpus;
	} else if ((rc = system_policy(index, &p))) {
		return rc;
	}
	if (!leaves)
		*nr_leaves = ARCH_CPU_POLICY_MAX_LEAVES;
	else if ((rc = leaves_to_buffer(p, nr_vcpus, leaves, nr_leaves)))
		return rc;
	if (p)
		arch_caps = p->arch_caps;
	else
		arch_caps = hvm_host_featureset()[X86_FS_ARCH_CAPS_LO] |
			    (u64)hvm_host_featureset()[X86_FS_ARCH_CAPS_HI] << 32;
	if (!msrs)
		*nr_msrs = ARCH_CPU_POLICY_MAX_MSRS;
	else if ((rc = msrs_to_buffer(arch_caps, msrs, nr_msrs)))
		return rc;
	return 0;
}

/* ---- XEN_DOMCTL_set_cpu_policy ---- */

/* x86_cpuid_copy_from_buffer() into @t. */
static int parse_leaves(struct leaf_table *t, const xen_cpuid_leaf_t *l,
			u32 nr, u32 *err_leaf, u32 *err_subleaf)
{
	if (nr > ARCH_CPU_POLICY_MAX_LEAVES)
		return -E2BIG;
	for (u32 i = 0; i < nr; i++) {
		xen_cpuid_leaf_t e = l[i];
		struct cpuid_regs r = { e.a, e.b, e.c, e.d };

		if (table_store(t, e.leaf, e.subleaf, &r)) {
			*err_leaf = e.leaf;
			*err_subleaf = e.subleaf;
			return -ERANGE;
		}
	}
	return 0;
}

/* x86_msr_copy_from_buffer() into @t: repeats are not detected there
 * either; the last one counts. */
static int parse_msrs(struct leaf_table *t, const xen_msr_entry_t *m,
		      u32 nr, u32 *err_msr)
{
	if (nr > ARCH_CPU_POLICY_MAX_MSRS)
		return -E2BIG;
	for (u32 i = 0; i < nr; i++) {
		xen_msr_entry_t e = m[i];
		int rc = 0;

		if (e.flags)			/* reserved, MBZ */
			rc = -EINVAL;
		else if (e.idx == MSR_INTEL_PLATFORM_INFO && e.val >> 32)
			rc = -EOVERFLOW;	/* Xen keeps 32 bits of it */
		else if (e.idx == MSR_INTEL_PLATFORM_INFO)
			t->platform_info = e.val;
		else if (e.idx == MSR_ARCH_CAPABILITIES)
			t->arch_caps = e.val;
		else
			rc = -ERANGE;
		if (rc) {
			*err_msr = e.idx;
			return rc;
		}
	}
	return 0;
}

static void zero_from(struct cpuid_regs *r, unsigned int from, unsigned int nr)
{
	for (unsigned int i = from; i < nr; i++)
		r[i] = (struct cpuid_regs){ 0 };
}

/* x86_cpu_policy_clear_out_of_range_leaves(): what the limits hide. */
static void clear_out_of_range(struct leaf_table *t)
{
	u32 max = t->basic[0].eax, i;
	u64 xstates = table_xstates(t);

	zero_from(t->basic, MIN(max, NR_BASIC - 1U) + 1, NR_BASIC);
	for (i = 0; i < NR_CACHE && (t->cache[i].eax & 0x1f); i++)
		;
	zero_from(t->cache, max < 4 ? 0 : i, NR_CACHE);
	zero_from(t->feat, max < 7 ? 0 : MIN(t->feat[0].eax, NR_FEAT - 1U) + 1,
		  NR_FEAT);
	for (i = 0; i < NR_TOPO && (t->topo[i].ecx & 0xff00); i++)
		;
	zero_from(t->topo, max < 0xb ? 0 : i, NR_TOPO);
	zero_from(t->xstate, max < 0xd || !xstates ? 0 :
		  MAX(2, 64 - __builtin_clzll(xstates)), NR_XSTATE);
	zero_from(t->extd, MIN(t->extd[0].eax & 0xffff, NR_EXTD - 1U) + 1,
		  NR_EXTD);
}

/* x86_cpu_policies_are_compatible(): the limits and PLATFORM_INFO. */
static int audit(const struct leaf_table *t, const struct x86_policy *max,
		 u32 *err_leaf, u32 *err_subleaf, u32 *err_msr)
{
	u32 max_subleaf = max->fw[X86_FW_7A1] ? 1 : 0;	/* as hvm/cpuid.c */

	if (t->basic[0].eax > max->basic_max)
		*err_leaf = 0, *err_subleaf = XEN_CPUID_NO_SUBLEAF;
	else if (t->feat[0].eax > max_subleaf)
		*err_leaf = 7, *err_subleaf = 0;
	else if (t->extd[0].eax > max->extd_max)
		*err_leaf = 0x80000000, *err_subleaf = XEN_CPUID_NO_SUBLEAF;
	else if (t->platform_info)	/* nothing of it is offered */
		*err_msr = MSR_INTEL_PLATFORM_INFO;
	else
		return 0;
	return -EINVAL;
}

/* The audited table as a policy, clamped to @max
 * (recalculate_cpuid_policy()). */
static void table_to_policy(const struct leaf_table *t,
			    const struct x86_policy *max, struct x86_policy *p)
{
	/* Fixed, whatever the toolstack says: the host's facts, x2APIC. */
	const u32 fixed_7b0 = X86_FEATURE_BIT(FDP_EXCP_ONLY) |
			      X86_FEATURE_BIT(NO_FPU_SEL);

	*p = *max;
	p->fw[X86_FW_1D] = t->basic[1].edx;
	p->fw[X86_FW_1C] = t->basic[1].ecx;
	p->fw[X86_FW_E1D] = t->extd[1].edx;
	p->fw[X86_FW_E1C] = t->extd[1].ecx;
	p->fw[X86_FW_DA1] = t->xstate[1].eax;
	p->fw[X86_FW_7B0] = t->feat[0].ebx;
	p->fw[X86_FW_7C0] = t->feat[0].ecx;
	p->fw[X86_FW_E7D] = t->extd[7].edx;
	p->fw[X86_FW_E8B] = t->extd[8].ebx;
	p->fw[X86_FW_7D0] = t->feat[0].edx;
	p->fw[X86_FW_7A1] = t->feat[1].eax;
	for (unsigned int w = 0; w < X86_NR_FEATURE_WORDS; w++)
		p->fw[w] &= max->fw[w];
	p->fw[X86_FW_7B0] = (p->fw[X86_FW_7B0] & ~fixed_7b0) |
			    (max->fw[X86_FW_7B0] & fixed_7b0);
	p->fw[X86_FW_1C] |= X86_FEATURE_BIT(X2APIC);
	p->basic_max = t->basic[0].eax;
	p->extd_max = 0x80000000 | MIN(t->extd[0].eax & 0xffff,
				       max->extd_max & 0xffff);
	if (p->basic_max < 0xd)
		p->fw[X86_FW_1C] &= ~X86_FEATURE_BIT(XSAVE);
	x86_policy_state_deps(p, max->xcr0);
	/* Xen: no wider than the maximum, at least what PAE/PSE36 imply. */
	p->maxphysaddr = MIN(t->extd[8].eax & 0xff, max->maxphysaddr);
	p->maxphysaddr = MAX(p->maxphysaddr,
			     x86_has(p, PAE) || x86_has(p, PSE36) ? 36U : 32U);
	p->arch_caps = x86_has(p, ARCH_CAPS) ? t->arch_caps & max->arch_caps : 0;
}

/* Merge, audit and clamp: @new is what @d would get.  The err_* and the
 * result as arch_set_cpu_policy(). */
static int build_policy(const struct x86_policy *cur, unsigned int nr_vcpus,
			const xen_cpuid_leaf_t *leaves, u32 nr_leaves,
			const xen_msr_entry_t *msrs, u32 nr_msrs,
			u32 *err_leaf, u32 *err_subleaf, u32 *err_msr,
			struct x86_policy *new)
{
	const struct x86_policy *max = hvm_max_cpu_policy();
	struct leaf_table *t = xzalloc(struct leaf_table);
	struct walk w = { .p = cur, .nr_vcpus = nr_vcpus, .table = t };
	int rc;

	if (!t)
		return -ENOMEM;
	/* Start from the domain's policy, as Xen starts from a copy. */
	rc = walk_leaves(&w);
	BUG_ON(rc);			/* our own leaves fit our table */
	t->arch_caps = cur->arch_caps;
	if (!(rc = parse_leaves(t, leaves, nr_leaves, err_leaf, err_subleaf)) &&
	    !(rc = parse_msrs(t, msrs, nr_msrs, err_msr))) {
		clear_out_of_range(t);
		rc = audit(t, max, err_leaf, err_subleaf, err_msr);
	}
	if (!rc)
		table_to_policy(t, max, new);
	xfree(t);
	return rc;
}

int arch_set_cpu_policy(struct domain *d, const xen_cpuid_leaf_t *leaves,
			u32 nr_leaves, const xen_msr_entry_t *msrs,
			u32 nr_msrs, u32 *err_leaf, u32 *err_subleaf,
			u32 *err_msr)
{
	struct x86_policy cur, new;
	int rc;

	/* Xen answers -EEXIST before looking at the entries. */
	spin_lock(&d->lock);
	rc = d->creation_finished ? -EEXIST : 0;
	cur = *d->cpu_policy;
	spin_unlock(&d->lock);
	if (rc)
		return rc;
	*err_leaf = *err_subleaf = *err_msr = ~0U;
	rc = build_policy(&cur, d->max_vcpus, leaves, nr_leaves, msrs, nr_msrs,
			  err_leaf, err_subleaf, err_msr, &new);
	if (rc)
		return rc;

	/* Commit, unless a vCPU was started meanwhile. */
	spin_lock(&d->lock);
	if (d->creation_finished)
		rc = -EEXIST;
	else
		*d->cpu_policy = new;
	spin_unlock(&d->lock);
	return rc;
}
