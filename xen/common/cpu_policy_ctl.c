/*
 * The CPU-policy sub-ops of sysctl and domctl: XEN_SYSCTL_get_cpu_
 * featureset and get_cpu_policy, XEN_DOMCTL_get_cpu_policy and
 * set_cpu_policy.  libxl's xc_cpuid_apply_policy() reads the system's
 * and the domain's policies, edits them and sends the domain's back
 * (docs/xen-toolstack.md, "CPU policy").  This file moves the arrays
 * between the caller's handles and bounce buffers, with Xen 4.17's
 * copy-back rules; xen/arch_cpu_policy.h does the rest.
 */
#include <xen/arch_cpu_policy.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <xen/toolstack.h>
#include <xen/xmalloc.h>

struct policy_bufs {
	xen_cpuid_leaf_t *leaves;
	xen_msr_entry_t *msrs;
};

/* Bounce buffers for the arrays the caller gave (NULL handle: none). */
static int bufs_get(struct policy_bufs *b, u64 leaves, u64 msrs)
{
	b->leaves = leaves ? xmalloc_array(xen_cpuid_leaf_t,
					   ARCH_CPU_POLICY_MAX_LEAVES) : NULL;
	b->msrs = msrs ? xmalloc_array(xen_msr_entry_t,
				       ARCH_CPU_POLICY_MAX_MSRS) : NULL;
	if ((leaves && !b->leaves) || (msrs && !b->msrs)) {
		xfree(b->leaves);
		xfree(b->msrs);
		return -ENOMEM;
	}
	return 0;
}

static void bufs_put(struct policy_bufs *b)
{
	xfree(b->leaves);
	xfree(b->msrs);
}

long sysctl_cpu_featureset(struct vcpu *v, struct xen_sysctl_cpu_featureset *f)
{
	u64 buf = guest_handle_addr(f->features);
	u32 words[ARCH_CPU_FEATURESET_WORDS];
	u32 nr = MIN(f->nr_features, (u32)ARCH_CPU_FEATURESET_WORDS);
	int rc;

	rc = arch_get_cpu_featureset(f->index, buf ? words : NULL, &nr);
	if (rc && rc != -ENOBUFS)
		return rc;
	if (buf && copy_to_guest(v, buf, words, nr * sizeof(words[0])))
		return -EFAULT;
	f->nr_features = nr;
	return rc;
}

/*
 * The leaves, then the MSRs, of a policy into the caller's arrays (a NULL
 * handle is a size query for that array).  As Xen: an error in the
 * leaves stops everything; the sysctl has handed nr_leaves back by the
 * time the MSRs can fail (*copy_back says the struct is to be copied
 * back even on error); the domctl copies back only on success.
 */
static long get_policy(struct vcpu *v, const struct domain *d, u32 index,
		       u64 uleaves, u32 *nr_leaves, u64 umsrs, u32 *nr_msrs,
		       bool sys, bool *copy_back)
{
	struct policy_bufs b;
	u32 nl = MIN(*nr_leaves, (u32)ARCH_CPU_POLICY_MAX_LEAVES);
	u32 nm = MIN(*nr_msrs, (u32)ARCH_CPU_POLICY_MAX_MSRS), unused = 0;
	long rc = bufs_get(&b, uleaves, umsrs);

	*copy_back = false;
	if (rc)
		return rc;
	rc = arch_get_cpu_policy(d, index, b.leaves, &nl, NULL, &unused);
	if (rc)
		goto out;
	if (b.leaves && copy_to_guest(v, uleaves, b.leaves, nl * sizeof(*b.leaves))) {
		rc = -EFAULT;
		goto out;
	}
	*nr_leaves = nl;
	*copy_back = sys;
	rc = arch_get_cpu_policy(d, index, NULL, &unused, b.msrs, &nm);
	if (rc)
		goto out;
	if (b.msrs && copy_to_guest(v, umsrs, b.msrs, nm * sizeof(*b.msrs))) {
		rc = -EFAULT;
		goto out;
	}
	*nr_msrs = nm;
	*copy_back = true;
out:
	bufs_put(&b);
	return rc;
}

long sysctl_cpu_policy(struct vcpu *v, struct xen_sysctl_cpu_policy *p,
		       bool *copy_back)
{
	if (p->_rsvd)
		return -EINVAL;
	return get_policy(v, NULL, p->index, guest_handle_addr(p->leaves),
			  &p->nr_leaves, guest_handle_addr(p->msrs), &p->nr_msrs,
			  true, copy_back);
}

long domctl_get_cpu_policy(struct vcpu *v, struct domain *d,
			   struct xen_domctl_cpu_policy *p)
{
	bool copy_back;

	return get_policy(v, d, 0, guest_handle_addr(p->leaves), &p->nr_leaves,
			  guest_handle_addr(p->msrs), &p->nr_msrs, false,
			  &copy_back);
}

long domctl_set_cpu_policy(struct vcpu *v, struct domain *d,
			   struct xen_domctl_cpu_policy *p)
{
	struct policy_bufs b;
	long rc;

	if (d == v->domain)
		return -EINVAL;
	p->err_leaf = p->err_subleaf = p->err_msr = ~0U;
	if (p->nr_leaves > ARCH_CPU_POLICY_MAX_LEAVES ||
	    p->nr_msrs > ARCH_CPU_POLICY_MAX_MSRS)
		return -E2BIG;
	if ((rc = bufs_get(&b, p->nr_leaves ? 1 : 0, p->nr_msrs ? 1 : 0)))
		return rc;
	if ((p->nr_leaves &&
	     copy_from_guest(v, b.leaves, guest_handle_addr(p->leaves),
			     p->nr_leaves * sizeof(*b.leaves))) ||
	    (p->nr_msrs &&
	     copy_from_guest(v, b.msrs, guest_handle_addr(p->msrs),
			     p->nr_msrs * sizeof(*b.msrs))))
		rc = -EFAULT;
	else
		rc = arch_set_cpu_policy(d, b.leaves, p->nr_leaves, b.msrs,
					 p->nr_msrs, &p->err_leaf,
					 &p->err_subleaf, &p->err_msr);
	bufs_put(&b);
	return rc;
}
