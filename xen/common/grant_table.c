/*
 * Grant tables, version 1 (docs/xen-abi.md §A.6 step 9, §A.9(c), §B.2), with
 * the semantics and error codes of Xen 4.17 xen/common/grant_table.c for
 * HVM/PVH callers (the sub-ops of Xen's hvm_grant_table_op()).
 *
 * Design.
 *
 * Tables.  Each domain has a struct grant_table: up to max_frames shared
 * frames (hypervisor pages the guest maps with XENMAPSPACE_grant_table),
 * an active entry per grant ref (Xen's pin counts, the pinning domain and
 * the frame), and a maptrack: the mappings this domain made, indexed by
 * the handle it was given.  One spinlock per table guards all of it; an
 * operation on two tables locks both, ordered by (domain id, address).
 *
 * Finding other domains.  Tables sit on a global list (gnttab_global_lock)
 * and are looked up by domain id there rather than through domain_by_id():
 * domains have no reference counts, so a pointer from domain_by_id() could
 * be freed under us.  A lookup takes a "user" count on the table; destroy
 * unlists the table, then waits for its users to drain, so a table found
 * by a lookup (and its domain, freed only after destroy returns) stays
 * valid until the operation puts it.  Each table has a serial number, so a
 * mapping of a dead domain's grant never resolves to a later domain that
 * reuses the id.  Lock order: global lock, then table locks.
 *
 * Files.  This one: the tables and their lookups, shared entries and
 * pins (the core of both map and copy), the setup/query/version sub-ops,
 * frames in the guest's p2m, the lifecycle and the hypercall entry.
 * grant_map.c: map/unmap, the maptrack, and what a death does to
 * mappings (why only the granter's own memory is grantable, frame_owned()
 * below, is told there).  grant_copy.c: copy and swap.
 * grant_table_internal.h: what the three share.
 *
 * Shared entries are guest memory: flags and domid are read together, once,
 * and updated with a bounded cmpxchg loop (Xen's _set_status_v1); frame is
 * read once; GTF_reading/GTF_writing are cleared with an atomic AND.
 *
 * No continuations: a batch above GNTTAB_MAX_BATCH ops is refused with
 * -EINVAL before anything is done, smaller ones run to completion.
 */
#include <xen/arch_vcpu.h>
#include <xen/errno.h>
#include <xen/grant_table.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/xmalloc.h>
#include <asm/processor.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include "grant_table_internal.h"

/* Xen's pins are 8-bit counters and refuse to use their top bit. */
#define PIN_MAX 128

BUILD_BUG_ON(sizeof(grant_entry_v1_t) != 8);
BUILD_BUG_ON(offsetof(grant_entry_v1_t, domid) != 2);
BUILD_BUG_ON(offsetof(grant_entry_v1_t, frame) != 4);
/* Same layout for 32- and 64-bit callers (Xen's CHECK_gnttab_*). */
BUILD_BUG_ON(sizeof(struct gnttab_query_size) != 16);
BUILD_BUG_ON(sizeof(struct gnttab_set_version) != 4);
BUILD_BUG_ON(sizeof(struct gnttab_get_version) != 8);

/* The 32-bit layout of gnttab_setup_table, whose frame_list is a handle. */
struct compat_gnttab_setup_table {
	domid_t dom;
	u32 nr_frames;
	s16 status;
	u32 frame_list;		/* guest address of u32 frames[] */
};

BUILD_BUG_ON(offsetof(struct compat_gnttab_setup_table, frame_list) != 12);

DEFINE_SPINLOCK(gnttab_global_lock);
struct grant_table *gnttab_list;	/* global lock */
static u64 gnttab_serial;		/* global lock */

/* --- Tables and lookups --- */

/* @id's table with a user count, or NULL.  @serial 0: any incarnation. */
struct grant_table *gnttab_find(domid_t id, u64 serial)
{
	struct grant_table *gt;

	spin_lock(&gnttab_global_lock);
	for (gt = gnttab_list; gt; gt = gt->next)
		if (!gt->dying && gt->d->domain_id == id &&
		    (!serial || gt->serial == serial))
			break;
	if (gt)
		__atomic_fetch_add(&gt->users, 1, __ATOMIC_ACQUIRE);
	spin_unlock(&gnttab_global_lock);
	return gt;
}

/*
 * The table @dom names for @ld.  DOMID_SELF only when @any_id (Xen's
 * rcu_lock_domain_by_any_id() vs rcu_lock_domain_by_id()).  @ld's own
 * table needs no lookup: it lives while @ld runs a hypercall.
 */
struct grant_table *gnttab_get(struct domain *ld, domid_t dom, bool any_id)
{
	struct grant_table *gt;

	if (dom != ld->domain_id && !(any_id && dom == DOMID_SELF))
		return gnttab_find(dom, 0);
	gt = ld->grant_table;
	__atomic_fetch_add(&gt->users, 1, __ATOMIC_ACQUIRE);
	return gt;
}

void gnttab_put(struct grant_table *gt)
{
	__atomic_fetch_sub(&gt->users, 1, __ATOMIC_RELEASE);
}

/* Xen's XSM_TARGET under the dummy policy. */
static bool may_control(const struct domain *ld, const struct grant_table *gt)
{
	return gt->d == ld || ld->is_privileged;
}

/* Grow to @n frames, all or nothing.  Pre: gt->lock or unpublished. */
static int gt_grow(struct grant_table *gt, unsigned int n)
{
	unsigned int i, j;

	for (i = gt->nr_frames; i < n; i++) {
		gt->shared[i] = alloc_zeroed_pages(0);
		gt->active[i] = xzalloc_array(struct gnttab_active, EPF);
		if (!gt->shared[i] || !gt->active[i])
			goto fail;
	}
	gt->nr_frames = n;
	return 0;
fail:
	for (j = gt->nr_frames; j <= i; j++) {
		free_pages(gt->shared[j], 0);
		xfree(gt->active[j]);
		gt->shared[j] = NULL;
		gt->active[j] = NULL;
	}
	return -ENOMEM;
}

static void gt_free(struct grant_table *gt)
{
	for (unsigned int i = 0; i < GNTTAB_MAX_FRAMES; i++) {
		free_pages(gt->shared[i], 0);
		xfree(gt->active[i]);
	}
	for (unsigned int i = 0; i < MT_CHUNKS; i++)
		xfree(gt->maptrack[i]);
	free_pages(gt->scratch, 0);
	xfree(gt);
}

/* --- Granted frames and shared-entry flags --- */

/* Interrupts off around d->lock, as its other users take it (weak: the
 * host unit test has no cli). */
__attribute__((weak, noinline)) unsigned long gnttab_irq_save(void)
{
	return local_irq_save();
}

__attribute__((weak, noinline)) void gnttab_irq_restore(unsigned long flags)
{
	local_irq_restore(flags);
}

/*
 * Is @mfn memory of the table's domain, grantable by it: its RAM, its
 * shared_info page or one of its grant frames?  Every RAM frame in the
 * p2m lies in d->extents (ballooned-out ones are not in the p2m, and
 * memory_op puts reused ones back under an extent).  Pre: gt->lock,
 * d->lock (memory_op changes the extents and the RAM p2m under it).
 */
static bool frame_owned(const struct grant_table *gt, mfn_t mfn)
{
	const struct domain *d = gt->d;
	paddr_t ma = mfn << PAGE_SHIFT;

	if (d->shared_info && (uintptr_t)d->shared_info == ma)
		return true;
	for (unsigned int i = 0; i < gt->nr_frames; i++)
		if ((uintptr_t)gt->shared[i] == ma)
			return true;
	for (const struct domain_extent *e = d->extents; e; e = e->next) {
		mfn_t first = e->maddr >> PAGE_SHIFT;
		u64 n = e->order <= PAGE_ALLOC_MAX_ORDER ? 1ULL << e->order : 1;

		if (mfn >= first && mfn - first < n)
			return true;
	}
	return false;
}

/* Xen's get_paged_frame(): the frame behind the granter's @gfn, which
 * must be the granter's own memory.  Pre: gt->lock. */
s16 gnttab_granted_frame(const struct grant_table *gt, u64 gfn,
			 bool write, mfn_t *mfn)
{
	struct domain *d = gt->d;
	unsigned long f = gnttab_irq_save();
	bool w, ok;

	spin_lock(&d->lock);
	ok = !arch_p2m_get_page(d, gfn, mfn, &w) && (w || !write) &&
	     frame_owned(gt, *mfn);
	spin_unlock(&d->lock);
	gnttab_irq_restore(f);
	return ok ? GNTST_okay : GNTST_bad_page;
}

/*
 * Xen's _set_status_v1(): set GTF_reading (and GTF_writing) in entry @ref
 * for @ldom, checking type and grantee unless already pinned.  The guest
 * may rewrite the entry meanwhile: five attempts, then it is "unstable".
 * A map also refuses GTF_sub_page (@map).  Pre: gt->lock.
 */
static s16 set_status(struct grant_table *gt, u32 ref, bool readonly,
		      bool map, domid_t ldom)
{
	u32 *w = entry_word(gt, ref);
	u32 old = __atomic_load_n(w, __ATOMIC_ACQUIRE), new;
	u16 mask = GTF_type_mask | (map ? GTF_sub_page : 0);
	bool pinned = act_pinned(act_of(gt, ref));

	for (unsigned int tries = 0;; tries++) {
		u16 flags = old & 0xffff;

		if (!pinned && ((flags & mask) != GTF_permit_access ||
				(domid_t)(old >> 16) != ldom))
			return GNTST_general_error;
		new = old | GTF_reading;
		if (!readonly) {
			if (flags & GTF_readonly)
				return GNTST_general_error;
			new |= GTF_writing;
		}
		if (__atomic_compare_exchange_n(w, &old, new, false,
						__ATOMIC_SEQ_CST,
						__ATOMIC_ACQUIRE))
			return GNTST_okay;
		if (tries == 4)
			return GNTST_general_error;
	}
}

/* Xen's reduce_status_for_pin(): drop the flags the pins no longer
 * justify.  Pre: gt->lock. */
static void reduce_status(struct grant_table *gt, u32 ref, bool readonly)
{
	const struct gnttab_active *act = act_of(gt, ref);
	u32 clear = act_pinned(act) ? 0 : GTF_reading;

	if (!readonly && !act->hstw)
		clear |= GTF_writing;
	/* A locked 32-bit AND: the guest's concurrent stores to domid or the
	 * other flags are not lost. */
	if (clear)
		__atomic_fetch_and(entry_word(gt, ref), ~clear, __ATOMIC_SEQ_CST);
}

/*
 * Pin entry @ref for @ldom (Xen's map_grant_ref / acquire_grant_for_copy
 * core): flags set, frame found, *mfn set, pin taken.  Nothing changed on
 * failure.  Pre: gt->lock, ref < nr_entries(gt).
 */
s16 gnttab_pin(struct grant_table *gt, u32 ref, bool readonly, bool map,
	       domid_t ldom, mfn_t *mfn)
{
	struct gnttab_active *act = act_of(gt, ref);
	bool pinned = act_pinned(act);
	s16 rc;

	if (pinned && (act->domid != ldom ||
		       (readonly ? act->hstr : act->hstw) >= PIN_MAX))
		return GNTST_general_error;
	if (!pinned || (!readonly && !act->hstw)) {
		rc = set_status(gt, ref, readonly, map, ldom);
		if (rc != GNTST_okay)
			return rc;
	}
	if (!pinned) {
		u32 gfn = __atomic_load_n(entry_word(gt, ref) + 1,
					  __ATOMIC_ACQUIRE);

		rc = gnttab_granted_frame(gt, gfn, !readonly, mfn);
		if (rc != GNTST_okay) {
			reduce_status(gt, ref, readonly);
			return rc;
		}
		act->mfn = *mfn;
		act->domid = ldom;
	}
	*mfn = act->mfn;
	if (readonly)
		act->hstr++;
	else
		act->hstw++;
	return GNTST_okay;
}

/* Drop a pin taken by gnttab_pin().  Pre: gt->lock. */
void gnttab_unpin(struct grant_table *gt, u32 ref, bool readonly)
{
	struct gnttab_active *act = act_of(gt, ref);

	BUG_ON(readonly ? !act->hstr : !act->hstw);
	if (readonly)
		act->hstr--;
	else
		act->hstw--;
	reduce_status(gt, ref, readonly);
}

/* --- Hypercall --- */

/*
 * The table of domain @dom for a sub-op that controls it (query_size,
 * setup_table): GNTST_okay with *gt referenced, else the status Xen gives
 * (*gt then holds a reference only when the domain exists: put it).
 */
static s16 gnttab_get_controlled(struct vcpu *v, domid_t dom,
				 struct grant_table **gt)
{
	*gt = gnttab_get(v->domain, dom, true);
	if (!*gt)
		return GNTST_bad_domain;
	return may_control(v->domain, *gt) ? GNTST_okay :
					     GNTST_permission_denied;
}

static long gnttab_query_size(struct vcpu *v, u64 uop, unsigned int count)
{
	struct gnttab_query_size op;
	struct grant_table *gt;

	if (count != 1)
		return -EINVAL;
	if (copy_from_guest(v, &op, uop, sizeof(op)))
		return -EFAULT;
	op.status = gnttab_get_controlled(v, op.dom, &gt);
	if (op.status == GNTST_okay) {
		spin_lock(&gt->lock);
		op.nr_frames = gt->nr_frames;
		op.max_nr_frames = gt->max_frames;
		spin_unlock(&gt->lock);
	}
	if (gt)
		gnttab_put(gt);
	return copy_to_guest(v, uop, &op, sizeof(op)) ? -EFAULT : 0;
}

/*
 * Grow the table and report where its frames are mapped (~0: nowhere), as
 * Xen does for translated guests.  The 32-bit form has 4-byte frames and
 * a 4-byte handle, and is written back whole (Xen's compat XLAT).
 */
static long gnttab_setup_table(struct vcpu *v, u64 uop, unsigned int count,
			       bool compat)
{
	struct compat_gnttab_setup_table cop;
	struct gnttab_setup_table op;
	u64 gfns[GNTTAB_MAX_FRAMES], list;
	struct grant_table *gt;
	unsigned int n = 0;

	if (compat ? count > 1 : count != 1)
		return -EINVAL;
	if (!count)
		return 0;
	if (compat) {
		if (copy_from_guest(v, &cop, uop, sizeof(cop)))
			return -EFAULT;
		op.dom = cop.dom;
		op.nr_frames = cop.nr_frames;
		list = cop.frame_list;
	} else {
		if (copy_from_guest(v, &op, uop, sizeof(op)))
			return -EFAULT;
		list = (uintptr_t)op.frame_list.p;
	}

	op.status = gnttab_get_controlled(v, op.dom, &gt);
	if (op.status == GNTST_okay) {
		spin_lock(&gt->lock);
		op.status = GNTST_general_error;
		if (op.nr_frames <= gt->max_frames &&
		    (op.nr_frames <= gt->nr_frames ||
		     !gt_grow(gt, op.nr_frames))) {
			op.status = GNTST_okay;
			n = op.nr_frames;
			memcpy(gfns, gt->frame_gfn, n * sizeof(gfns[0]));
		}
		spin_unlock(&gt->lock);
	}
	if (gt)
		gnttab_put(gt);
	if (op.status != GNTST_okay)
		domain_bad_request(v->domain, "gnttab setup_table: d%u: %d",
				   op.dom, op.status);

	for (unsigned int i = 0; i < n; i++) {
		u32 g32 = gfns[i];
		int err = compat ?
			  copy_to_guest(v, list + i * 4ULL, &g32, 4) :
			  copy_to_guest(v, list + i * 8ULL, &gfns[i], 8);

		if (err)
			op.status = GNTST_bad_virt_addr;
	}
	if (compat) {
		cop.status = op.status;
		return copy_to_guest(v, uop, &cop, sizeof(cop)) ? -EFAULT : 0;
	}
	return put_status(v, uop + offsetof(struct gnttab_setup_table, status),
			  op.status) ? -EFAULT : 0;
}

/* Only v1: v2 answers as Xen with max_grant_version 1 (-ENOSYS, version
 * unchanged), which makes Linux stay on v1. */
static long gnttab_set_version(struct vcpu *v, u64 uop)
{
	struct gnttab_set_version op;
	long rc;

	if (copy_from_guest(v, &op, uop, sizeof(op)))
		return -EFAULT;
	rc = op.version == 1 ? 0 : op.version == 2 ? -ENOSYS : -EINVAL;
	if (rc == -EINVAL)
		domain_bad_request(v->domain, "gnttab set_version %u",
				   op.version);
	op.version = 1;
	if (copy_to_guest(v, uop, &op, sizeof(op)))
		rc = -EFAULT;
	return rc;
}

static long gnttab_get_version(struct vcpu *v, u64 uop)
{
	struct gnttab_get_version op;
	struct grant_table *gt;
	bool ok;

	if (copy_from_guest(v, &op, uop, sizeof(op)))
		return -EFAULT;
	gt = gnttab_get(v->domain, op.dom, true);
	if (!gt)
		return -ESRCH;
	ok = may_control(v->domain, gt);
	gnttab_put(gt);
	if (!ok)
		return -EPERM;
	op.version = 1;
	return copy_to_guest(v, uop + offsetof(struct gnttab_get_version,
					       version),
			     &op.version, sizeof(op.version)) ? -EFAULT : 0;
}

long do_grant_table_op(struct vcpu *v, const u64 a[5], bool compat)
{
	/* Xen's handler takes (unsigned int cmd, handle, unsigned int count). */
	unsigned int cmd = a[0], count = a[2];
	struct domain *d = v->domain;
	u64 uop = a[1];

	switch (cmd) {
	case GNTTABOP_map_grant_ref:
	case GNTTABOP_unmap_grant_ref:
	case GNTTABOP_setup_table:
	case GNTTABOP_copy:
	case GNTTABOP_query_size:
	case GNTTABOP_set_version:
	case GNTTABOP_get_version:
	case GNTTABOP_swap_grant_ref:
		break;
	default:	/* hvm_grant_table_op(): the rest is not for HVM */
		return -ENOSYS;
	}
	if (!d->grant_table)
		return -ENOSYS;
	if ((int)count < 0)
		return -EINVAL;
	if (count > GNTTAB_MAX_BATCH) {
		domain_bad_request(d, "gnttab op %u: count %u above %u", cmd,
				   count, GNTTAB_MAX_BATCH);
		return -EINVAL;
	}

	switch (cmd) {
	case GNTTABOP_map_grant_ref:
		return gnttab_map_batch(v, uop, count);
	case GNTTABOP_unmap_grant_ref:
		return gnttab_unmap_batch(v, uop, count);
	case GNTTABOP_setup_table:
		return gnttab_setup_table(v, uop, count, compat);
	case GNTTABOP_copy:
		return gnttab_copy_batch(v, uop, count, compat);
	case GNTTABOP_query_size:
		return gnttab_query_size(v, uop, count);
	case GNTTABOP_set_version:
		return gnttab_set_version(v, uop);
	case GNTTABOP_get_version:
		return gnttab_get_version(v, uop);
	default:
		return gnttab_swap_batch(v, uop, count);
	}
}

/* --- Frames in the guest's p2m (XENMAPSPACE_grant_table) --- */

int gnttab_map_frame(struct domain *d, unsigned long idx, u64 gfn)
{
	struct grant_table *gt = d->grant_table;
	mfn_t mfn;
	u64 old;
	int rc;

	if (!gt)
		return -EINVAL;
	/* Also catches XENMAPIDX_grant_table_status: no status frames in v1. */
	if (idx >= gt->max_frames)
		return -EINVAL;
	spin_lock(&gt->lock);
	/* Xen turns a failed growth into -EINVAL too. */
	rc = -EINVAL;
	if (idx >= gt->nr_frames && gt_grow(gt, idx + 1))
		goto out;
	mfn = (uintptr_t)gt->shared[idx] >> PAGE_SHIFT;
	rc = arch_p2m_set_page(d, gfn, mfn, true);
	if (rc)
		goto out;
	/* One gfn per frame, one frame per gfn. */
	old = gt->frame_gfn[idx];
	if (old != GFN_NONE && old != gfn && p2m_holds(d, old, mfn))
		arch_p2m_clear_page(d, old);
	for (unsigned int i = 0; i < gt->nr_frames; i++)
		if (gt->frame_gfn[i] == gfn)
			gt->frame_gfn[i] = GFN_NONE;
	gt->frame_gfn[idx] = gfn;
out:
	spin_unlock(&gt->lock);
	return rc;
}

/* --- Lifecycle --- */

int gnttab_domain_init(struct domain *d, unsigned int max_frames)
{
	struct grant_table *gt;

	if (!max_frames)
		max_frames = GNTTAB_MAX_FRAMES;
	if (max_frames < GNTTAB_INITIAL_FRAMES || max_frames > GNTTAB_MAX_FRAMES)
		return -EINVAL;
	if (d->grant_table)
		return -EEXIST;
	gt = xzalloc(struct grant_table);
	if (!gt)
		return -ENOMEM;
	spin_lock_init(&gt->lock);
	gt->d = d;
	gt->max_frames = max_frames;
	gt->mt_free = MT_NONE;
	for (unsigned int i = 0; i < GNTTAB_MAX_FRAMES; i++)
		gt->frame_gfn[i] = GFN_NONE;
	if (gt_grow(gt, GNTTAB_INITIAL_FRAMES)) {
		gt_free(gt);
		return -ENOMEM;
	}

	spin_lock(&gnttab_global_lock);
	/* An earlier domain with this id may not be destroyed yet: only the
	 * new one answers to the id from now on. */
	for (struct grant_table *o = gnttab_list; o; o = o->next)
		if (o->d->domain_id == d->domain_id)
			o->dying = true;
	gt->serial = ++gnttab_serial;
	gt->next = gnttab_list;
	gnttab_list = gt;
	d->grant_table = gt;
	spin_unlock(&gnttab_global_lock);
	return 0;
}

void gnttab_domain_destroy(struct domain *d)
{
	struct grant_table *gt = d->grant_table, **pp;

	if (!gt)
		return;
	spin_lock(&gnttab_global_lock);
	for (pp = &gnttab_list; *pp && *pp != gt; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = gt->next;
	gt->dying = true;
	spin_unlock(&gnttab_global_lock);

	/* Operations that found the table before it was unlisted. */
	while (__atomic_load_n(&gt->users, __ATOMIC_ACQUIRE))
		cpu_relax();

	spin_lock(&gnttab_global_lock);
	for (struct grant_table *m = gnttab_list; m; m = m->next)
		gnttab_orphan_mappings(m, gt);
	gnttab_release_mappings(gt);
	spin_unlock(&gnttab_global_lock);

	/* Nothing may reach the frames through d's p2m once they are freed. */
	for (unsigned int i = 0; i < gt->nr_frames; i++) {
		mfn_t mfn = (uintptr_t)gt->shared[i] >> PAGE_SHIFT;

		if (gt->frame_gfn[i] != GFN_NONE &&
		    p2m_holds(d, gt->frame_gfn[i], mfn))
			arch_p2m_clear_page(d, gt->frame_gfn[i]);
	}
	d->grant_table = NULL;
	gt_free(gt);
}
