/*
 * Grant mappings: GNTTABOP_map_grant_ref and unmap_grant_ref for
 * auto-translated callers (Xen 4.17's map_grant_ref(), unmap_common()),
 * the maptrack that records each mapping under its handle, and what a
 * mapper's death does to its mappings.  The tables, lookups and pins are
 * grant_table.c's; its design note covers locking and lifetimes.
 *
 * A mapping is a p2m_grant_map_rw/ro entry in the mapper's p2m holding its
 * own reference on the granted frame, plus a pin in the granter's active
 * entry (holding another).  The granter's death does not touch mappings:
 * the frames stay valid for the mappers (Xen keeps granted pages alive the
 * same way) and a later unmap just finds the granter gone.
 */
#include <xen/arch_vcpu.h>
#include <xen/errno.h>
#include <xen/frame.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>
#include <public/grant_table.h>
#include "grant_table_internal.h"

/* Same layout for 32- and 64-bit callers (Xen's CHECK_gnttab_*). */
BUILD_BUG_ON(sizeof(struct gnttab_map_grant_ref) != 32);
BUILD_BUG_ON(sizeof(struct gnttab_unmap_grant_ref) != 24);

/* --- Two tables at once, ordered by (domain id, address) --- */

static bool gt_before(const struct grant_table *a, const struct grant_table *b)
{
	if (a->d->domain_id != b->d->domain_id)
		return a->d->domain_id < b->d->domain_id;
	return (uintptr_t)a < (uintptr_t)b;
}

static void lock_two(struct grant_table *a, struct grant_table *b)
{
	if (a == b) {
		spin_lock(&a->lock);
	} else if (gt_before(a, b)) {
		spin_lock(&a->lock);
		spin_lock(&b->lock);
	} else {
		spin_lock(&b->lock);
		spin_lock(&a->lock);
	}
}

static void unlock_two(struct grant_table *a, struct grant_table *b)
{
	if (b != a)
		spin_unlock(&b->lock);
	spin_unlock(&a->lock);
}

/* --- Maptrack --- */

/* A free handle, or MT_NONE when the limit or memory is exhausted. */
static u32 mt_alloc(struct grant_table *gt)
{
	struct gnttab_mapping *chunk;
	u32 h = gt->mt_free;

	if (h != MT_NONE) {
		gt->mt_free = mt_entry(gt, h)->next_free;
		return h;
	}
	if (gt->mt_limit >= GNTTAB_MAX_MAPTRACK)
		return MT_NONE;
	chunk = xzalloc_array(struct gnttab_mapping, MT_CHUNK);
	if (!chunk)
		return MT_NONE;
	h = gt->mt_limit;
	for (u32 i = 1; i < MT_CHUNK; i++)
		chunk[i].next_free = i + 1 < MT_CHUNK ? h + i + 1 : gt->mt_free;
	gt->maptrack[h / MT_CHUNK] = chunk;
	gt->mt_limit += MT_CHUNK;
	gt->mt_free = h + 1;
	return h;
}

static void mt_release(struct grant_table *gt, u32 h)
{
	struct gnttab_mapping *m = mt_entry(gt, h);

	m->mapped = false;
	m->next_free = gt->mt_free;
	gt->mt_free = h;
}

/* --- Map and unmap --- */

/* Xen's map_grant_ref() for an auto-translated caller. */
static s16 map_one(struct domain *ld, struct gnttab_map_grant_ref *op)
{
	struct grant_table *lgt = ld->grant_table, *rgt;
	bool ro = op->flags & GNTMAP_readonly;
	struct gnttab_mapping *m;
	mfn_t mfn;
	u32 h;
	s16 rc;

	if (!(op->flags & (GNTMAP_host_map | GNTMAP_device_map))) {
		domain_bad_request(ld, "gnttab map: bad flags %#x", op->flags);
		return GNTST_bad_gntref;
	}
	/* No IOMMU or PV page-table mappings for a translated guest. */
	if (op->flags & (GNTMAP_device_map | GNTMAP_application_map |
			 GNTMAP_contains_pte)) {
		domain_bad_request(ld, "gnttab map: flags %#x in HVM", op->flags);
		return GNTST_general_error;
	}
	rgt = gnttab_get(ld, op->dom, false);
	if (!rgt) {
		domain_bad_request(ld, "gnttab map: no domain %u", op->dom);
		return GNTST_bad_domain;
	}
	lock_two(lgt, rgt);
	h = mt_alloc(lgt);
	if (h == MT_NONE) {
		rc = GNTST_no_space;
		goto out;
	}
	if (op->ref >= nr_entries(rgt)) {
		domain_bad_request(ld, "gnttab map: bad ref %#x of d%u", op->ref,
				   op->dom);
		rc = GNTST_bad_gntref;
		goto free;
	}
	rc = gnttab_pin(rgt, op->ref, ro, true, ld->domain_id, &mfn);
	if (rc != GNTST_okay) {
		domain_bad_request(ld, "gnttab map: d%u ref %#x: status %d",
				   op->dom, op->ref, rc);
		goto free;
	}
	/* Xen's create_grant_p2m_mapping(): host_map [| readonly] only; the
	 * p2m entry takes a reference of its own (the pin holds one). */
	rc = GNTST_general_error;
	if ((op->flags & ~GNTMAP_readonly) != GNTMAP_host_map) {
		domain_bad_request(ld, "gnttab map: flags %#x", op->flags);
		goto unpin;
	}
	if (!frame_get(mfn))
		goto unpin;
	if (arch_p2m_set_entry(ld, op->host_addr >> PAGE_SHIFT, mfn,
			       ro ? p2m_grant_map_ro : p2m_grant_map_rw)) {
		frame_put(mfn);
		goto unpin;
	}
	m = mt_entry(lgt, h);
	m->gfn = op->host_addr >> PAGE_SHIFT;
	m->mfn = mfn;
	m->granter_uid = rgt->d->uid;
	m->ref = op->ref;
	m->domid = rgt->d->domain_id;
	m->readonly = ro;
	m->mapped = true;
	op->handle = h;
	/* Xen reports the machine address, even to HVM guests. */
	op->dev_bus_addr = mfn << PAGE_SHIFT;
	rc = GNTST_okay;
	goto out;
unpin:
	gnttab_unpin(rgt, op->ref, ro);
free:
	mt_release(lgt, h);
out:
	unlock_two(lgt, rgt);
	gnttab_put(rgt);
	return rc;
}

/* The granter of @m if it is still the domain that granted, with its
 * table referenced, or NULL (it died; its pins died with its table). */
static struct grant_table *granter_of(const struct gnttab_mapping *m)
{
	struct domain *d = domain_by_id(m->domid);

	if (d && d->uid == m->granter_uid && d->grant_table)
		return d->grant_table;
	if (d)
		put_domain(d);
	return NULL;
}

/*
 * Xen's unmap_common() + unmap_common_complete() for a translated caller.
 * host_addr 0 leaves the mapping (and the handle) in place, as in Xen.
 * Unlike Xen, host_addr must name the gfn the handle mapped.
 */
static s16 unmap_one(struct domain *ld, const struct gnttab_unmap_grant_ref *op)
{
	struct grant_table *lgt = ld->grant_table, *rgt;
	struct gnttab_mapping snap = { .mapped = false }, *m;
	s16 rc;

	spin_lock(&lgt->lock);
	if (op->handle < lgt->mt_limit)
		snap = *mt_entry(lgt, op->handle);
	spin_unlock(&lgt->lock);
	if (!snap.mapped) {
		domain_bad_request(ld, "gnttab unmap: bad handle %#x",
				   op->handle);
		return GNTST_bad_handle;
	}
	if (!op->host_addr)
		return GNTST_okay;
	/* NULL: the granter died; the mapping is ours alone to undo. */
	rgt = granter_of(&snap);

	lock_two(lgt, rgt ? rgt : lgt);
	m = mt_entry(lgt, op->handle);
	if (!m->mapped || m->granter_uid != snap.granter_uid ||
	    m->ref != snap.ref || m->gfn != snap.gfn) {
		/* Another vCPU unmapped it meanwhile. */
		rc = GNTST_bad_handle;
		goto out;
	}
	rc = GNTST_general_error;
	if (op->host_addr >> PAGE_SHIFT != m->gfn) {
		domain_bad_request(ld, "gnttab unmap: handle %#x is not at %#lx",
				   op->handle, (unsigned long)op->host_addr);
		goto out;
	}
	if (arch_p2m_clear_entry_if(ld, m->gfn, m->mfn, m->readonly ?
				    p2m_grant_map_ro : p2m_grant_map_rw)) {
		/* The guest put something else there: Xen's "old mapping
		 * invalid".  The handle stays. */
		domain_bad_request(ld, "gnttab unmap: gfn %#lx changed",
				   (unsigned long)m->gfn);
		goto out;
	}
	if (rgt)
		gnttab_unpin(rgt, m->ref, m->readonly);
	mt_release(lgt, op->handle);
	rc = GNTST_okay;
out:
	unlock_two(lgt, rgt ? rgt : lgt);
	if (rgt)
		gnttab_put(rgt);
	return rc;
}

/* Batches: count done so far when preempted (the caller continues),
 * else 0 or -EFAULT. */
long gnttab_map_batch(struct vcpu *v, u64 uop, unsigned int count)
{
	struct gnttab_map_grant_ref op;

	for (unsigned int i = 0; i < count; i++) {
		u64 addr = uop + (u64)i * sizeof(op);

		if (gnttab_preempt(i))
			return i;
		if (copy_from_guest(v, &op, addr, sizeof(op)))
			return -EFAULT;
		op.status = map_one(v->domain, &op);
		/* The whole element goes back, as in Xen. */
		if (copy_to_guest(v, addr, &op, sizeof(op)))
			return -EFAULT;
	}
	return 0;
}

long gnttab_unmap_batch(struct vcpu *v, u64 uop, unsigned int count)
{
	struct gnttab_unmap_grant_ref op;

	for (unsigned int i = 0; i < count; i++) {
		u64 addr = uop + (u64)i * sizeof(op);
		s16 status;

		if (gnttab_preempt(i))
			return i;
		if (copy_from_guest(v, &op, addr, sizeof(op)))
			return -EFAULT;
		status = unmap_one(v->domain, &op);
		if (copy_to_guest(v, addr + offsetof(struct gnttab_unmap_grant_ref,
						     status),
				  &status, sizeof(status)))
			return -EFAULT;
	}
	return 0;
}

/* --- A mapper's death --- */

void gnttab_release_mappings(struct domain *d)
{
	struct grant_table *gt = d->grant_table, *rgt;

	if (!gt)
		return;
	for (u32 h = 0; h < gt->mt_limit; h++) {
		struct gnttab_mapping snap;

		spin_lock(&gt->lock);
		snap = *mt_entry(gt, h);
		mt_entry(gt, h)->mapped = false;
		spin_unlock(&gt->lock);
		if (!snap.mapped || !(rgt = granter_of(&snap)))
			continue;
		spin_lock(&rgt->lock);
		gnttab_unpin(rgt, snap.ref, snap.readonly);
		spin_unlock(&rgt->lock);
		gnttab_put(rgt);
	}
}
