/*
 * The toolstack's hypercalls, domctl and sysctl (xen/common/domctl.c,
 * sysctl.c): Xen 4.17's tool-only interface, interface version 0x15,
 * answered as Xen answers it so that Debian's libxl and libxc run
 * unmodified (docs/xen-toolstack.md §A.2).
 */
#ifndef XEN_TOOLSTACK_H
#define XEN_TOOLSTACK_H

/* public/domctl.h and sysctl.h are seen only with __XEN_TOOLS__, which
 * xen/Makefile defines for the whole hypervisor. */
#include <xen/compat.h>
#include <xen/hypercall.h>
#include <xen/types.h>
#include <public/domctl.h>
#include <public/sysctl.h>

struct domain;
struct vcpu;

/* Xen's getdomaininfo(): the record both getdomaininfo and
 * getdomaininfolist return. */
void domain_get_info(struct domain *d, struct xen_domctl_getdomaininfo *info);

/* Xen's cpumask_to_xenctl_bitmap(): @mask (@nbits bits) into the
 * caller's bitmap; bytes beyond @nbits are zeroed, bits beyond the
 * caller's nr_bits are not written.  0 or -EFAULT. */
int xenctl_bitmap_to_guest(struct vcpu *v, const struct xenctl_bitmap *b,
			   u64 mask, unsigned int nbits);
/* Xen's xenctl_bitmap_to_bitmap(): the first 64 bits of the caller's
 * bitmap (bits beyond its nr_bits read as 0).  0 or -EFAULT. */
int xenctl_bitmap_from_guest(struct vcpu *v, const struct xenctl_bitmap *b,
			     u64 *mask);

/* The online pCPUs as a mask. */
u64 cpus_online_mask(void);

/* The CPU-policy sub-ops (xen/common/cpu_policy_ctl.c).  The sysctl
 * sets *copy_back when the struct goes back to the caller even though
 * the result is an error (Xen hands nr_leaves back early). */
long sysctl_cpu_featureset(struct vcpu *v,
			   struct xen_sysctl_cpu_featureset *f);
long sysctl_cpu_policy(struct vcpu *v, struct xen_sysctl_cpu_policy *p,
		       bool *copy_back);
long domctl_get_cpu_policy(struct vcpu *v, struct domain *d,
			   struct xen_domctl_cpu_policy *p);
long domctl_set_cpu_policy(struct vcpu *v, struct domain *d,
			   struct xen_domctl_cpu_policy *p);

#endif
