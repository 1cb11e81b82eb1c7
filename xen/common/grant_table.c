/*
 * Grant tables, version 1 (docs/xen-abi.md §A.6 step 9, §A.9(c), §B.2),
 * with the semantics and error codes of Xen 4.17 xen/common/grant_table.c
 * for HVM/PVH callers (the sub-ops of Xen's hvm_grant_table_op()).
 *
 * Design.
 *
 * Tables.  Each domain has a struct grant_table: up to max_frames shared
 * frames (frames of the domain, xen/frame.h, that the guest maps with
 * XENMAPSPACE_grant_table), an active entry per grant ref (Xen's pin
 * counts, the pinning domain and the frame), and a maptrack: the mappings
 * this domain made, indexed by the handle it was given.  One spinlock per
 * table guards all of it; an operation on two tables locks both, ordered
 * by (domain id, address).
 *
 * Lifetimes follow the one rule of docs/architecture.md ("Object
 * lifetimes"): another domain's table is reached through domain_by_id(),
 * whose reference keeps that domain, and so its table, alive for the
 * operation; a pinned grant holds a reference on its frame, and every
 * mapping's p2m entry holds another.  So a granter may die while its
 * grants are mapped: its table goes at its teardown (dropping the pins'
 * references), the mapped frames stay valid until the mappers unmap them,
 * then return to the allocator.  Mappings name their granter by id and
 * unique id, so an unmap after the granter died only removes the p2m
 * entry.  Only the granter's own memory may be granted (frame_owned_by():
 * never a page it mapped from elsewhere, which Xen refuses as well).
 *
 * Files.  This one: the tables and their lookups, shared entries and
 * pins (the core of both map and copy), the setup/query/version sub-ops,
 * frames in the guest's p2m and for XENMEM_acquire_resource, the
 * lifecycle and the hypercall entry with its continuations.  grant_map.c:
 * map/unmap and the maptrack.  grant_copy.c: copy and swap.
 * grant_table_internal.h: what the three share.
 *
 * Shared entries are guest memory: flags and domid are read together, once,
 * and updated with a bounded cmpxchg loop (Xen's _set_status_v1); frame is
 * read once; GTF_reading/GTF_writing are cleared with an atomic AND.
 *
 * Batches of any length run with continuations, as Xen's: map, unmap,
 * swap and copy stop between operations when hypercall_preempt_check()
 * says so and are re-issued with the handle advanced and the count
 * reduced (xen/hypercall.h).
 */
#include <xen/arch_vcpu.h>
#include <xen/compat.h>
#include <xen/errno.h>
#include <xen/frame.h>
#include <xen/hypercall.h>
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

/* --- Tables and lookups --- */

struct grant_table *gnttab_get(struct domain *ld, domid_t dom, bool any_id)
{
	struct domain *d;

	if (dom == ld->domain_id || (any_id && dom == DOMID_SELF)) {
		get_domain(ld);
		return ld->grant_table;
	}
	d = domain_by_id(dom);
	if (d && !d->grant_table) {
		put_domain(d);
		d = NULL;
	}
	return d ? d->grant_table : NULL;
}

void gnttab_put(struct grant_table *gt)
{
	put_domain(gt->d);
}

bool gnttab_preempt(unsigned int done)
{
	return done && hypercall_preempt_check();
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
	mfn_t mfn;

	for (i = gt->nr_frames; i < n; i++) {
		mfn = frame_alloc(gt->d, FRAME_SPECIAL, 0);
		gt->shared[i] = mfn == INVALID_MFN ? NULL :
				(void *)(uintptr_t)(mfn << PAGE_SHIFT);
		gt->active[i] = xzalloc_array(struct gnttab_active, EPF);
		if (!gt->shared[i] || !gt->active[i])
			goto fail;
	}
	gt->nr_frames = n;
	return 0;
fail:
	for (j = gt->nr_frames; j <= i; j++) {
		if (gt->shared[j])
			frame_put(frame_of_ptr(gt->shared[j]));
		xfree(gt->active[j]);
		gt->shared[j] = NULL;
		gt->active[j] = NULL;
	}
	return -ENOMEM;
}

/* Pins still held (mappers outliving us) drop their frame references;
 * the frames drop ours, so they go once no mapping holds them. */
static void gt_free(struct grant_table *gt)
{
	for (unsigned int i = 0; i < GNTTAB_MAX_FRAMES; i++) {
		for (unsigned int e = 0; gt->active[i] && e < EPF; e++)
			if (act_pinned(&gt->active[i][e]))
				frame_put(gt->active[i][e].mfn);
		if (gt->shared[i])
			frame_put(frame_of_ptr(gt->shared[i]));
		xfree(gt->active[i]);
	}
	for (unsigned int i = 0; i < MT_CHUNKS; i++)
		xfree(gt->maptrack[i]);
	xfree(gt);
}

/* --- Granted frames and shared-entry flags --- */

/*
 * Xen's get_paged_frame(): the frame behind the granter's @gfn, which
 * must be the granter's own memory (RAM, shared_info or a grant frame,
 * never a frame mapped from elsewhere), with a reference for the caller.
 * Pre: gt->lock.
 */
s16 gnttab_granted_frame(const struct grant_table *gt, u64 gfn,
			 bool write, mfn_t *mfn)
{
	enum p2m_type t;

	if (arch_p2m_get_frame(gt->d, gfn, mfn, &t))
		return GNTST_bad_page;
	if ((t != p2m_ram_rw && (write || t != p2m_ram_ro)) ||
	    !frame_owned_by(*mfn, gt->d, 0)) {
		frame_put(*mfn);
		return GNTST_bad_page;
	}
	return GNTST_okay;
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
 * core): flags set, frame found, *mfn set, pin taken (the first pin holds
 * a reference on the frame).  Nothing changed on failure.
 * Pre: gt->lock, ref < nr_entries(gt), the granter is not dying.
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

		/* Xen relinquishes a dying domain's memory at once, so its
		 * frames can no longer be pinned ("could not pin"). */
		rc = gt->d->is_dying ? GNTST_general_error :
		     gnttab_granted_frame(gt, gfn, !readonly, mfn);
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

/* Drop a pin taken by gnttab_pin(); the last one drops the frame
 * reference.  Pre: gt->lock. */
void gnttab_unpin(struct grant_table *gt, u32 ref, bool readonly)
{
	struct gnttab_active *act = act_of(gt, ref);

	BUG_ON(readonly ? !act->hstr : !act->hstw);
	if (readonly)
		act->hstr--;
	else
		act->hstw--;
	reduce_status(gt, ref, readonly);
	if (!act_pinned(act))
		frame_put(act->mfn);
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
 * Xen does for translated guests.  A 32-bit caller's frame list has
 * 4-byte entries.
 */
static long gnttab_setup_table(struct vcpu *v, u64 uop, unsigned int count,
			       bool compat)
{
	struct gnttab_setup_table op;
	u64 gfns[GNTTAB_MAX_FRAMES], list;
	struct grant_table *gt;
	unsigned int n = 0;

	if (compat ? count > 1 : count != 1)
		return -EINVAL;
	if (!count)
		return 0;
	if (guest_get_gnttab_setup_table(v, compat, uop, &op))
		return -EFAULT;
	list = guest_handle_addr(op.frame_list);
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
	for (unsigned int i = 0; i < n; i++)
		if (guest_put_ulong(v, compat, list, i, gfns[i]))
			op.status = GNTST_bad_virt_addr;
	return guest_put_gnttab_setup_table(v, compat, uop, &op) ? -EFAULT : 0;
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

/* Element size of a batch op's array, for the continuation's advance. */
static size_t batch_elem_size(unsigned int cmd, bool compat)
{
	switch (cmd) {
	case GNTTABOP_map_grant_ref:
		return sizeof(struct gnttab_map_grant_ref);
	case GNTTABOP_unmap_grant_ref:
		return sizeof(struct gnttab_unmap_grant_ref);
	case GNTTABOP_swap_grant_ref:
		return sizeof(struct gnttab_swap_grant_ref);
	}
	return guest_gnttab_copy_size(compat);	/* GNTTABOP_copy */
}

static long gnttab_run_op(struct vcpu *v, unsigned int cmd, u64 uop,
			  unsigned int count, bool compat)
{
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

long do_grant_table_op(struct vcpu *v, struct hypercall_args *args)
{
	/* Xen's handler takes (unsigned int cmd, handle, unsigned int count). */
	unsigned int cmd = args->a[0], count = args->a[2];
	u64 uop = args->a[1];
	long rc;

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
	if (!v->domain->grant_table)
		return -ENOSYS;
	if ((int)count < 0)
		return -EINVAL;
	rc = gnttab_run_op(v, cmd, uop, count, args->compat);
	if (rc <= 0)
		return rc;
	/* A batch stopped after rc ops: the rest continues later. */
	args->a[1] = uop + rc * batch_elem_size(cmd, args->compat);
	args->a[2] = count - rc;
	return -ERESTART;
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
	idx = array_index_nospec(idx, gt->nr_frames);
	mfn = frame_of_ptr(gt->shared[idx]);
	rc = -ENOMEM;
	if (!frame_get(mfn))	/* the p2m entry's reference */
		goto out;
	rc = arch_p2m_set_entry(d, gfn, mfn, p2m_ram_rw);
	if (rc) {
		frame_put(mfn);
		goto out;
	}
	/* One gfn per frame, one frame per gfn. */
	old = gt->frame_gfn[idx];
	if (old != GFN_NONE && old != gfn)
		arch_p2m_clear_entry_if(d, old, mfn, p2m_ram_rw);
	for (unsigned int i = 0; i < gt->nr_frames; i++)
		if (gt->frame_gfn[i] == gfn)
			gt->frame_gfn[i] = GFN_NONE;
	gt->frame_gfn[idx] = gfn;
out:
	spin_unlock(&gt->lock);
	return rc;
}

/* --- XENMEM_acquire_resource --- */

unsigned int gnttab_resource_max_frames(struct domain *d, unsigned int id)
{
	/* Status frames exist only in v2, which we do not offer. */
	if (!d->grant_table || id != XENMEM_resource_grant_table_id_shared)
		return 0;
	return d->grant_table->max_frames;
}

int gnttab_acquire_frames(struct domain *d, unsigned int id, u32 frame,
			  unsigned int n, mfn_t *mfns)
{
	struct grant_table *gt = d->grant_table;
	u64 last = (u64)frame + n - 1;
	int rc = -EINVAL;

	if (!gt || !n || id != XENMEM_resource_grant_table_id_shared)
		return -EINVAL;
	spin_lock(&gt->lock);
	if (last < gt->max_frames &&
	    (last < gt->nr_frames || !gt_grow(gt, last + 1))) {
		rc = n;
		for (unsigned int i = 0; i < n; i++) {
			u32 f = array_index_nospec(frame + i, gt->nr_frames);

			mfns[i] = frame_of_ptr(gt->shared[f]);
			if (!frame_get(mfns[i])) {
				while (i--)
					frame_put(mfns[i]);
				rc = -ENOMEM;
				break;
			}
		}
	}
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
	d->grant_table = gt;
	return 0;
}

void gnttab_domain_free(struct domain *d)
{
	if (!d->grant_table)
		return;
	gt_free(d->grant_table);
	d->grant_table = NULL;
}
