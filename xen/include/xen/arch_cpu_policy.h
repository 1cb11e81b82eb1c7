/*
 * The data side of Xen's CPU-policy hypercalls, for the common handlers of
 * XEN_SYSCTL_get_cpu_featureset, XEN_SYSCTL_get_cpu_policy and
 * XEN_DOMCTL_get/set_cpu_policy (public/sysctl.h, public/domctl.h).  The
 * caller copies between guest handles and hypervisor buffers; these work
 * on the buffers only.  Implemented by hvm/cpu_policy_ops.c.
 *
 * Serialised policies are what Xen 4.17's libx86 reads and writes
 * (xen_cpuid_leaf_t and xen_msr_entry_t, public/arch-x86/xen.h): leaves
 * in ascending order, subleaves of leaves 4, 7, 0xB and 0xD numbered,
 * every other leaf with XEN_CPUID_NO_SUBLEAF; MSR_INTEL_PLATFORM_INFO
 * then MSR_ARCH_CAPABILITIES.  docs/xen-toolstack.md "CPU policy".
 */
#ifndef XEN_ARCH_CPU_POLICY_H
#define XEN_ARCH_CPU_POLICY_H

#include <xen/types.h>
#include <public/xen.h>		/* xen_cpuid_leaf_t, xen_msr_entry_t */

struct domain;

/*
 * The most entries a serialised policy has, and what the size queries
 * answer: Xen 4.17's CPUID_MAX_SERIALISED_LEAVES (xen/lib/x86/
 * cpu-policy.h: 14 basic leaves, 2 more of leaf 7, 5 more of leaf 4, 1
 * more of 0xB, 62 more of 0xD, 34 extended, 2 hypervisor limits) and
 * MSR_MAX_SERIALISED_ENTRIES.  Libxenguest refuses more (-E2BIG), so
 * these are Xen's numbers, not ours.  Bounce buffers need no more.
 */
#define ARCH_CPU_POLICY_MAX_LEAVES 120
#define ARCH_CPU_POLICY_MAX_MSRS 2
/* Words in a featureset: Xen's FEATURESET_NR_ENTRIES (FSCAPINTS). */
#define ARCH_CPU_FEATURESET_WORDS 19

/*
 * XEN_SYSCTL_get_cpu_featureset.  @nr in: capacity of @words; out: words
 * written.  @words NULL is the size query: *nr = ARCH_CPU_FEATURESET_WORDS
 * and 0, whatever @index.  Otherwise, as Xen: -EINVAL for an unknown
 * @index, -EOPNOTSUPP for the PV ones (Amphi has no PV guests); else
 * min(*nr, ARCH_CPU_FEATURESET_WORDS) words are written and *nr says how
 * many, and the result is -ENOBUFS if that was not all of them (the words
 * and *nr are still the answer to copy back), else 0.
 */
int arch_get_cpu_featureset(u32 index, u32 *words, u32 *nr);

/*
 * XEN_SYSCTL_get_cpu_policy (@d NULL: the system policy XEN_SYSCTL_cpu_
 * policy_@index) and XEN_DOMCTL_get_cpu_policy (@d: its policy, @index
 * ignored).  For each array: NULL is the size query (*nr_ =
 * ARCH_CPU_POLICY_MAX_*); otherwise *nr_ in is its capacity and out the
 * entries written.  Errors as Xen: -EINVAL for an unknown @index,
 * -EOPNOTSUPP for the PV ones (before any size query); -ENOBUFS when an
 * array is too small.  The leaves are done first: when the MSRs fail,
 * @leaves and *nr_leaves already hold their answer (XEN_SYSCTL_get_cpu_
 * policy has copied nr_leaves back by then in Xen; the domctl copies
 * nothing back on error).
 */
int arch_get_cpu_policy(const struct domain *d, u32 index,
			xen_cpuid_leaf_t *leaves, u32 *nr_leaves,
			xen_msr_entry_t *msrs, u32 *nr_msrs);

/*
 * XEN_DOMCTL_set_cpu_policy: merge the entries into @d's policy, audit
 * the result against the maximum policy and install it, as Xen 4.17's
 * update_domain_cpu_policy().  Pre: @d is not the caller's own domain
 * (the caller answers that with -EINVAL first, as Xen).  Returns 0, or
 * -EEXIST if a vCPU of @d has been started (its policy is fixed; nothing
 * else written), or an error with @err_leaf, @err_subleaf and @err_msr
 * written (~0 where they do not apply), which the caller copies back:
 * -E2BIG (more entries than the maximum), -ERANGE (a leaf, subleaf or MSR
 * that a policy has no room for), -EINVAL (an MSR's flags set; the
 * result exceeds the maximum's leaf limits or MSR_INTEL_PLATFORM_INFO),
 * -EOVERFLOW (a value too wide for its MSR), -ENOMEM.  On error the
 * policy is unchanged.  Features beyond the maximum are dropped silently,
 * as Xen's recalculate_cpuid_policy() does.
 */
int arch_set_cpu_policy(struct domain *d, const xen_cpuid_leaf_t *leaves,
			u32 nr_leaves, const xen_msr_entry_t *msrs,
			u32 nr_msrs, u32 *err_leaf, u32 *err_subleaf,
			u32 *err_msr);

#endif
