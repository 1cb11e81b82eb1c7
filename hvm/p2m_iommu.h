/*
 * A domain's p2m copied into an IOMMU's own format (AMD-Vi), for IOMMUs
 * that cannot walk the p2m itself (Intel VT-d can: hvm/p2m/p2m.c).  The
 * copy is made when the domain gets its first device and changed with
 * the p2m by hvm/arch.c, copy first: if the copy cannot change (no
 * memory) nothing changes, and if the p2m then cannot, the copy's change
 * is undone, which never needs memory (its tables are kept).  All under
 * the domain's p2m lock.
 */
#ifndef HVM_P2M_IOMMU_H
#define HVM_P2M_IOMMU_H

#include <xen/p2m.h>
#include <xen/types.h>

struct domain;

/* What p2m_iommu_undo() needs to put the copy back. */
struct p2m_iommu_undo {
	bool done;			/* the copy changed */
	u64 gfn;
	unsigned int order;
	struct p2m_entry old;		/* order 0: what was there */
};

/* The change p2m_set() will make (0 and !done if there is no copy). */
int p2m_iommu_set(struct domain *d, u64 gfn, mfn_t mfn, unsigned int order,
		  enum p2m_type t, struct p2m_iommu_undo *u);
/* The change p2m_clear() will make. */
int p2m_iommu_clear(struct domain *d, u64 gfn, struct p2m_iommu_undo *u);
/* The p2m's change failed: the copy as it was. */
void p2m_iommu_undo(struct domain *d, const struct p2m_iommu_undo *u);
/* Dropping the copy is arch_p2m_iommu_release() (xen/p2m.h). */

#endif
