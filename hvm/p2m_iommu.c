/*
 * A domain's p2m copied for an IOMMU that has its own table format
 * (hvm/p2m_iommu.h).  The copy holds no frame references: every frame it
 * maps is mapped by the p2m too, and the p2m's flush (hvm/arch.c) covers
 * the IOMMU before a frame the p2m stopped mapping is released.
 */
#include <hvm/p2m/p2m.h>
#include <hvm/p2m_iommu.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>

int p2m_iommu_set(struct domain *d, u64 gfn, mfn_t mfn, unsigned int order,
		  enum p2m_type t, struct p2m_iommu_undo *u)
{
	int rc;

	*u = (struct p2m_iommu_undo){ .gfn = gfn, .order = order };
	if (!d->iommu_p2m)
		return 0;
	rc = p2m_set(d->iommu_p2m, gfn, mfn, order, t, &u->old);
	u->done = !rc;
	return rc;
}

int p2m_iommu_clear(struct domain *d, u64 gfn, struct p2m_iommu_undo *u)
{
	int rc;

	*u = (struct p2m_iommu_undo){ .gfn = gfn };
	if (!d->iommu_p2m)
		return 0;
	rc = p2m_clear(d->iommu_p2m, gfn, &u->old, NULL);
	u->done = !rc;
	return rc;
}

/* Neither needs memory: an order-9 set only ever filled an empty 2 MiB
 * range, and after an order-0 change the path to its leaf exists (the
 * copy keeps its tables). */
void p2m_iommu_undo(struct domain *d, const struct p2m_iommu_undo *u)
{
	int rc;

	if (!u->done)
		return;
	if (u->order)
		rc = p2m_clear_2m(d->iommu_p2m, u->gfn);
	else if (u->old.type == p2m_invalid)
		rc = p2m_clear(d->iommu_p2m, u->gfn, NULL, NULL);
	else
		rc = p2m_set(d->iommu_p2m, u->gfn, u->old.mfn, 0, u->old.type,
			     NULL);
	BUG_ON(rc);
}

static int copy_leaf(void *ctx, u64 gfn, const struct p2m_entry *e)
{
	return p2m_set(ctx, gfn, e->mfn, e->order, e->type, NULL);
}

static void drop_leaf(void *ctx, u64 gfn, const struct p2m_entry *e)
{
}

static void free_copy(struct p2m *copy)
{
	unsigned long budget = ~0UL;

	p2m_drain(copy, drop_leaf, NULL, &budget);
	p2m_destroy(copy);
}

paddr_t arch_p2m_iommu_copy(struct domain *d)
{
	struct p2m *copy = NULL;
	unsigned long f;
	paddr_t root;

	/* Built outside the lock would miss changes: built under it, from
	 * the p2m as it is, with interrupts off for as long as that takes
	 * (a few thousand leaves for a domain of gigabytes). */
	f = spin_lock_irqsave(&d->p2m_lock);
	if (!d->iommu_p2m) {
		copy = p2m_create(P2M_AMD_VI);
		if (copy && p2m_for_each_leaf(d->p2m, copy_leaf, copy)) {
			free_copy(copy);
			copy = NULL;
		}
		d->iommu_p2m = copy;
	}
	root = d->iommu_p2m ? p2m_root(d->iommu_p2m) : 0;
	spin_unlock_irqrestore(&d->p2m_lock, f);
	return root;
}

void arch_p2m_iommu_release(struct domain *d)
{
	unsigned long f = spin_lock_irqsave(&d->p2m_lock);
	struct p2m *copy = d->iommu_p2m;

	d->iommu_p2m = NULL;
	spin_unlock_irqrestore(&d->p2m_lock, f);
	if (copy)
		free_copy(copy);
}
