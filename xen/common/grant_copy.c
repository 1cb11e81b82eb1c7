/*
 * GNTTABOP_copy and GNTTABOP_swap_grant_ref (Xen 4.17's gnttab_copy_one()
 * and swap_grant_ref()).  A copy pins each grant end for its duration as
 * a map would (grant_table.c's gnttab_pin()), so neither frame can go
 * away under the memmove; no table lock is held while copying.
 */
#include <xen/compat.h>
#include <xen/errno.h>
#include <xen/frame.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <public/grant_table.h>
#include "grant_table_internal.h"

/* Same layout for 32- and 64-bit callers (Xen's CHECK_gnttab_*). */
BUILD_BUG_ON(sizeof(struct gnttab_swap_grant_ref) != 12);

/* One end of a copy: a pinned grant, or a frame of the caller (with a
 * frame reference for the duration). */
struct copy_end {
	struct grant_table *gt;	/* domain reference held */
	bool gref;
	bool readonly;
	bool pinned;
	bool framed;		/* holds a reference on the frame at @page */
	u32 ref;
	u8 *page;
};

static s16 copy_lock_end(struct domain *ld, const struct gnttab_copy_ptr *p,
			 bool gref, struct copy_end *e)
{
	/* Only DOMID_SELF may name a frame, not even the caller's own id. */
	if (!gref && p->domid != DOMID_SELF)
		return GNTST_permission_denied;
	e->gt = gnttab_get(ld, p->domid, true);
	return e->gt ? GNTST_okay : GNTST_bad_domain;
}

/* Xen's gnttab_copy_claim_buf(). */
static s16 copy_claim(struct domain *ld, const struct gnttab_copy_ptr *p,
		      struct copy_end *e)
{
	struct grant_table *gt = e->gt;
	mfn_t mfn;
	s16 rc;

	spin_lock(&gt->lock);
	if (!e->gref)
		rc = gnttab_granted_frame(gt, p->u.gmfn, !e->readonly, &mfn);
	else if (p->u.ref >= nr_entries(gt))
		rc = GNTST_bad_gntref;
	else
		rc = gnttab_pin(gt, p->u.ref, e->readonly, false,
				ld->domain_id, &mfn);
	spin_unlock(&gt->lock);
	if (rc != GNTST_okay)
		return rc;
	e->pinned = e->gref;
	e->framed = !e->gref;
	e->ref = p->u.ref;
	e->page = (u8 *)(uintptr_t)(mfn << PAGE_SHIFT);
	return GNTST_okay;
}

static void copy_release(struct copy_end *e)
{
	if (e->framed)
		frame_put((uintptr_t)e->page >> PAGE_SHIFT);
	if (e->pinned) {
		spin_lock(&e->gt->lock);
		gnttab_unpin(e->gt, e->ref, e->readonly);
		spin_unlock(&e->gt->lock);
	}
	if (e->gt)
		gnttab_put(e->gt);
}

/* Xen's gnttab_copy_one(), without its cache of the previous op's ends. */
static s16 copy_one(struct domain *ld, const struct gnttab_copy *op)
{
	struct copy_end src = {
		.gref = op->flags & GNTCOPY_source_gref, .readonly = true,
	};
	struct copy_end dst = { .gref = op->flags & GNTCOPY_dest_gref };
	s16 rc;

	rc = copy_lock_end(ld, &op->source, src.gref, &src);
	if (rc == GNTST_okay)
		rc = copy_lock_end(ld, &op->dest, dst.gref, &dst);
	if (rc == GNTST_okay)
		rc = copy_claim(ld, &op->source, &src);
	if (rc == GNTST_okay)
		rc = copy_claim(ld, &op->dest, &dst);
	if (rc == GNTST_okay &&
	    (op->source.offset + op->len > PAGE_SIZE ||
	     op->dest.offset + op->len > PAGE_SIZE))
		rc = GNTST_bad_copy_arg;
	/* Pins keep both frames in place; no lock is needed to copy. */
	if (rc == GNTST_okay)
		memmove(dst.page + op->dest.offset, src.page + op->source.offset,
			op->len);
	else
		domain_bad_request(ld, "gnttab copy: status %d", rc);
	copy_release(&dst);
	copy_release(&src);
	return rc;
}

/* Xen's swap_grant_ref(), on the caller's own table. */
static s16 swap_one(struct domain *ld, u32 ref_a, u32 ref_b)
{
	struct grant_table *gt = ld->grant_table;
	u64 *a, *b, tmp;
	s16 rc = GNTST_okay;

	spin_lock(&gt->lock);
	if (ref_a >= nr_entries(gt) || ref_b >= nr_entries(gt)) {
		rc = GNTST_bad_gntref;
	} else if (ref_a == ref_b) {
		/* Nothing to do. */
	} else if (act_pinned(act_of(gt, ref_a)) ||
		   act_pinned(act_of(gt, ref_b))) {
		rc = GNTST_eagain;
	} else {
		/* Whole entries; the guest racing with it only hurts itself. */
		a = (u64 *)entry_word(gt, ref_a);
		b = (u64 *)entry_word(gt, ref_b);
		tmp = __atomic_load_n(a, __ATOMIC_RELAXED);
		__atomic_store_n(a, __atomic_load_n(b, __ATOMIC_RELAXED),
				 __ATOMIC_RELAXED);
		__atomic_store_n(b, tmp, __ATOMIC_RELAXED);
	}
	spin_unlock(&gt->lock);
	if (rc == GNTST_bad_gntref)
		domain_bad_request(ld, "gnttab swap: bad ref %#x/%#x", ref_a,
				   ref_b);
	return rc;
}

long gnttab_copy_batch(struct vcpu *v, u64 uop, unsigned int count,
		       bool compat)
{
	struct gnttab_copy op;

	for (unsigned int i = 0; i < count; i++) {
		if (gnttab_preempt(i))
			return i;
		if (guest_get_gnttab_copy(v, compat, uop, i, &op))
			return -EFAULT;
		if (guest_put_gnttab_copy_status(v, compat, uop, i,
						 copy_one(v->domain, &op)))
			return -EFAULT;
	}
	return 0;
}

long gnttab_swap_batch(struct vcpu *v, u64 uop, unsigned int count)
{
	struct gnttab_swap_grant_ref op;

	for (unsigned int i = 0; i < count; i++) {
		u64 addr = uop + (u64)i * sizeof(op);
		s16 status;

		if (gnttab_preempt(i))
			return i;
		if (copy_from_guest(v, &op, addr, sizeof(op)))
			return -EFAULT;
		status = swap_one(v->domain, op.ref_a, op.ref_b);
		if (copy_to_guest(v, addr + offsetof(struct gnttab_swap_grant_ref,
						     status),
				  &status, sizeof(status)))
			return -EFAULT;
	}
	return 0;
}
