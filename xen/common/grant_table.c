/*
 * Grant tables, version 1 (xen-abi-map.md §A.6 step 9, §A.9(c), §B.2), with
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
 * Granted frames.  Xen keeps a granted page alive with a reference until
 * the last mapping goes, even past its owner's death.  Our guest RAM is
 * freed in whole extents when the domain dies, so instead the granter's
 * death takes every mapping of its frames out of the mappers' p2ms before
 * anything is freed: each becomes a mapping of a zeroed "scratch" page of
 * the mapper (a backend still reading a dead frontend's ring must not
 * fault, which would crash it), marked orphaned; its later unmap succeeds
 * as in Xen.  For that to be complete, only the granter's own memory may
 * be granted (frame_owned(): RAM extents, shared_info, its grant frames;
 * never a page it mapped from elsewhere, which Xen refuses as well), and
 * every p2m entry made here is recorded with its gfn and removed only
 * after checking that it still holds the recorded frame.
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

#define EPF (PAGE_SIZE / sizeof(grant_entry_v1_t))	/* entries per frame */
#define MT_CHUNK 256					/* maptrack entries */
#define MT_CHUNKS (GNTTAB_MAX_MAPTRACK / MT_CHUNK)
#define MT_NONE (~0U)
/* Xen's pins are 8-bit counters and refuse to use their top bit. */
#define PIN_MAX 128
#define GFN_NONE (~0ULL)
#define MFN_NONE (~0ULL)

BUILD_BUG_ON(sizeof(grant_entry_v1_t) != 8);
BUILD_BUG_ON(offsetof(grant_entry_v1_t, domid) != 2);
BUILD_BUG_ON(offsetof(grant_entry_v1_t, frame) != 4);
/* Same layout for 32- and 64-bit callers (Xen's CHECK_gnttab_*). */
BUILD_BUG_ON(sizeof(struct gnttab_map_grant_ref) != 32);
BUILD_BUG_ON(sizeof(struct gnttab_unmap_grant_ref) != 24);
BUILD_BUG_ON(sizeof(struct gnttab_query_size) != 16);
BUILD_BUG_ON(sizeof(struct gnttab_set_version) != 4);
BUILD_BUG_ON(sizeof(struct gnttab_get_version) != 8);
BUILD_BUG_ON(sizeof(struct gnttab_swap_grant_ref) != 12);
BUILD_BUG_ON(sizeof(struct gnttab_copy) != 40);

/* The 32-bit layouts of the two ops that carry xen_pfn_t or a handle. */
struct compat_gnttab_copy_ptr {
	u32 u;			/* ref or gmfn */
	domid_t domid;
	u16 offset;
};

struct compat_gnttab_copy {
	struct compat_gnttab_copy_ptr source, dest;
	u16 len;
	u16 flags;
	s16 status;
	u16 pad;
};

struct compat_gnttab_setup_table {
	domid_t dom;
	u32 nr_frames;
	s16 status;
	u32 frame_list;		/* guest address of u32 frames[] */
};

BUILD_BUG_ON(sizeof(struct compat_gnttab_copy) != 24);
BUILD_BUG_ON(offsetof(struct compat_gnttab_copy, status) != 20);
BUILD_BUG_ON(offsetof(struct compat_gnttab_setup_table, frame_list) != 12);

/* Xen's active_grant_entry, host pins only (HVM has no device maps). */
struct gnttab_active {
	mfn_t mfn;		/* the granted frame while pinned */
	domid_t domid;		/* the one domain allowed to pin it meanwhile */
	u8 hstw;		/* writable maps + copies writing now */
	u8 hstr;		/* read-only maps + copies reading now */
};

enum { MT_FREE, MT_MAPPED, MT_ORPHAN };

/* One mapping made by the table's domain; the index is its handle. */
struct gnttab_mapping {
	u64 gfn;		/* where in the mapper's p2m */
	mfn_t mfn;		/* what is there: granted frame, scratch, NONE */
	u64 serial;		/* the granter's table */
	u32 ref;
	u32 next_free;		/* free list, MT_NONE ends it */
	domid_t domid;		/* the granter */
	u8 state;		/* MT_* */
	bool readonly;
};

struct grant_table {
	spinlock_t lock;	/* everything below unless noted */
	struct domain *d;	/* fixed */
	u64 serial;		/* fixed once listed */
	struct grant_table *next;	/* global lock: gnttab_list */
	bool dying;		/* global lock: lookups skip it */
	unsigned int users;	/* atomic: lookups not yet put */

	unsigned int max_frames;	/* fixed */
	unsigned int nr_frames;
	void *shared[GNTTAB_MAX_FRAMES];
	struct gnttab_active *active[GNTTAB_MAX_FRAMES];	/* EPF each */
	u64 frame_gfn[GNTTAB_MAX_FRAMES];	/* where mapped, GFN_NONE */

	struct gnttab_mapping *maptrack[MT_CHUNKS];
	u32 mt_limit;		/* handles [0, mt_limit) exist */
	u32 mt_free;
	void *scratch;		/* stands in for dead granters' frames */
};

static DEFINE_SPINLOCK(gnttab_global_lock);
static struct grant_table *gnttab_list;	/* global lock */
static u64 gnttab_serial;		/* global lock */

/* --- Tables and lookups --- */

/* @id's table with a user count, or NULL.  @serial 0: any incarnation. */
static struct grant_table *gt_find(domid_t id, u64 serial)
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
static struct grant_table *gt_get(struct domain *ld, domid_t dom, bool any_id)
{
	struct grant_table *gt;

	if (dom != ld->domain_id && !(any_id && dom == DOMID_SELF))
		return gt_find(dom, 0);
	gt = ld->grant_table;
	__atomic_fetch_add(&gt->users, 1, __ATOMIC_ACQUIRE);
	return gt;
}

static void gt_put(struct grant_table *gt)
{
	__atomic_fetch_sub(&gt->users, 1, __ATOMIC_RELEASE);
}

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

/* Xen's XSM_TARGET under the dummy policy. */
static bool may_control(const struct domain *ld, const struct grant_table *gt)
{
	return gt->d == ld || ld->is_privileged;
}

static unsigned int nr_entries(const struct grant_table *gt)
{
	return gt->nr_frames * EPF;
}

/* flags | domid << 16, then frame: two words of guest-shared memory. */
static u32 *entry_word(const struct grant_table *gt, u32 ref)
{
	return (u32 *)gt->shared[ref / EPF] + (ref % EPF) * 2;
}

static struct gnttab_active *act_of(const struct grant_table *gt, u32 ref)
{
	return &gt->active[ref / EPF][ref % EPF];
}

static bool act_pinned(const struct gnttab_active *act)
{
	return act->hstw || act->hstr;
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
static s16 granted_frame(const struct grant_table *gt, u64 gfn, bool write,
			 mfn_t *mfn)
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
static s16 pin_grant(struct grant_table *gt, u32 ref, bool readonly, bool map,
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

		rc = granted_frame(gt, gfn, !readonly, mfn);
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

/* Drop a pin taken by pin_grant().  Pre: gt->lock. */
static void unpin_grant(struct grant_table *gt, u32 ref, bool readonly)
{
	struct gnttab_active *act = act_of(gt, ref);

	BUG_ON(readonly ? !act->hstr : !act->hstw);
	if (readonly)
		act->hstr--;
	else
		act->hstw--;
	reduce_status(gt, ref, readonly);
}

/* --- Maptrack --- */

static struct gnttab_mapping *mt_entry(const struct grant_table *gt, u32 h)
{
	return &gt->maptrack[h / MT_CHUNK][h % MT_CHUNK];
}

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

	m->state = MT_FREE;
	m->next_free = gt->mt_free;
	gt->mt_free = h;
}

/* Does @d's p2m still hold @mfn at @gfn? */
static bool p2m_holds(struct domain *d, u64 gfn, mfn_t mfn)
{
	mfn_t cur;

	return mfn != MFN_NONE && !arch_p2m_get_page(d, gfn, &cur, NULL) &&
	       cur == mfn;
}

/* --- Sub-ops on one element --- */

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
	rgt = gt_get(ld, op->dom, false);
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
	rc = pin_grant(rgt, op->ref, ro, true, ld->domain_id, &mfn);
	if (rc != GNTST_okay) {
		domain_bad_request(ld, "gnttab map: d%u ref %#x: status %d",
				   op->dom, op->ref, rc);
		goto free;
	}
	/* Xen's create_grant_p2m_mapping(): host_map [| readonly] only. */
	rc = GNTST_general_error;
	if ((op->flags & ~GNTMAP_readonly) != GNTMAP_host_map) {
		domain_bad_request(ld, "gnttab map: flags %#x", op->flags);
		goto unpin;
	}
	if (arch_p2m_set_page(ld, op->host_addr >> PAGE_SHIFT, mfn, !ro))
		goto unpin;

	m = mt_entry(lgt, h);
	m->gfn = op->host_addr >> PAGE_SHIFT;
	m->mfn = mfn;
	m->serial = rgt->serial;
	m->ref = op->ref;
	m->domid = rgt->d->domain_id;
	m->readonly = ro;
	m->state = MT_MAPPED;
	op->handle = h;
	/* Xen reports the machine address, even to HVM guests. */
	op->dev_bus_addr = mfn << PAGE_SHIFT;
	rc = GNTST_okay;
	goto out;
unpin:
	unpin_grant(rgt, op->ref, ro);
free:
	mt_release(lgt, h);
out:
	unlock_two(lgt, rgt);
	gt_put(rgt);
	return rc;
}

/*
 * Xen's unmap_common() + unmap_common_complete() for a translated caller.
 * host_addr 0 leaves the mapping (and the handle) in place, as in Xen.
 * Unlike Xen, host_addr must name the gfn the handle mapped: the granter's
 * death finds mappings by that gfn.
 */
static s16 unmap_one(struct domain *ld, const struct gnttab_unmap_grant_ref *op)
{
	struct grant_table *lgt = ld->grant_table, *rgt = NULL;
	struct gnttab_mapping snap = { .state = MT_FREE }, *m;
	s16 rc;

	spin_lock(&lgt->lock);
	if (op->handle < lgt->mt_limit)
		snap = *mt_entry(lgt, op->handle);
	spin_unlock(&lgt->lock);
	if (snap.state == MT_FREE) {
		domain_bad_request(ld, "gnttab unmap: bad handle %#x",
				   op->handle);
		return GNTST_bad_handle;
	}
	if (!op->host_addr)
		return GNTST_okay;
	/* NULL: the granter is dying; the mapping is ours alone to undo. */
	if (snap.state == MT_MAPPED)
		rgt = gt_find(snap.domid, snap.serial);

	lock_two(lgt, rgt ? rgt : lgt);
	m = mt_entry(lgt, op->handle);
	if (m->state == MT_FREE || m->serial != snap.serial ||
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
	if (p2m_holds(ld, m->gfn, m->mfn)) {
		arch_p2m_clear_page(ld, m->gfn);
	} else if (m->state == MT_MAPPED) {
		/* The guest put something else there: Xen's "old mapping
		 * invalid".  The handle stays. */
		domain_bad_request(ld, "gnttab unmap: gfn %#lx changed",
				   (unsigned long)m->gfn);
		goto out;
	}
	if (m->state == MT_MAPPED && rgt)
		unpin_grant(rgt, m->ref, m->readonly);
	mt_release(lgt, op->handle);
	rc = GNTST_okay;
out:
	unlock_two(lgt, rgt ? rgt : lgt);
	if (rgt)
		gt_put(rgt);
	return rc;
}

/* One end of a copy: a pinned grant, or a frame of the caller. */
struct copy_end {
	struct grant_table *gt;	/* user count held */
	bool gref;
	bool readonly;
	bool pinned;
	u32 ref;
	u8 *page;
};

static s16 copy_lock_end(struct domain *ld, const struct gnttab_copy_ptr *p,
			 bool gref, struct copy_end *e)
{
	/* Only DOMID_SELF may name a frame, not even the caller's own id. */
	if (!gref && p->domid != DOMID_SELF)
		return GNTST_permission_denied;
	e->gt = gt_get(ld, p->domid, true);
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
		rc = granted_frame(gt, p->u.gmfn, !e->readonly, &mfn);
	else if (p->u.ref >= nr_entries(gt))
		rc = GNTST_bad_gntref;
	else
		rc = pin_grant(gt, p->u.ref, e->readonly, false,
			       ld->domain_id, &mfn);
	spin_unlock(&gt->lock);
	if (rc != GNTST_okay)
		return rc;
	e->pinned = e->gref;
	e->ref = p->u.ref;
	e->page = (u8 *)(uintptr_t)(mfn << PAGE_SHIFT);
	return GNTST_okay;
}

static void copy_release(struct copy_end *e)
{
	if (e->pinned) {
		spin_lock(&e->gt->lock);
		unpin_grant(e->gt, e->ref, e->readonly);
		spin_unlock(&e->gt->lock);
	}
	if (e->gt)
		gt_put(e->gt);
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

/* --- Hypercall --- */

static int put_status(struct vcpu *v, u64 addr, s16 status)
{
	return copy_to_guest(v, addr, &status, sizeof(status));
}

static long gnttab_map_batch(struct vcpu *v, u64 uop, unsigned int count)
{
	struct gnttab_map_grant_ref op;

	for (unsigned int i = 0; i < count; i++) {
		u64 addr = uop + (u64)i * sizeof(op);

		if (copy_from_guest(v, &op, addr, sizeof(op)))
			return -EFAULT;
		op.status = map_one(v->domain, &op);
		/* The whole element goes back, as in Xen. */
		if (copy_to_guest(v, addr, &op, sizeof(op)))
			return -EFAULT;
	}
	return 0;
}

static long gnttab_unmap_batch(struct vcpu *v, u64 uop, unsigned int count)
{
	struct gnttab_unmap_grant_ref op;

	for (unsigned int i = 0; i < count; i++) {
		u64 addr = uop + (u64)i * sizeof(op);

		if (copy_from_guest(v, &op, addr, sizeof(op)))
			return -EFAULT;
		if (put_status(v, addr + offsetof(struct gnttab_unmap_grant_ref,
						  status),
			       unmap_one(v->domain, &op)))
			return -EFAULT;
	}
	return 0;
}

static long gnttab_copy_batch(struct vcpu *v, u64 uop, unsigned int count,
			      bool compat)
{
	size_t size = compat ? sizeof(struct compat_gnttab_copy) :
			       sizeof(struct gnttab_copy);
	size_t status_at = compat ? offsetof(struct compat_gnttab_copy, status) :
				    offsetof(struct gnttab_copy, status);
	struct compat_gnttab_copy cop;
	struct gnttab_copy op;

	for (unsigned int i = 0; i < count; i++) {
		u64 addr = uop + (u64)i * size;

		if (copy_from_guest(v, compat ? (void *)&cop : (void *)&op,
				    addr, size))
			return -EFAULT;
		if (compat) {
			/* A 32-bit gmfn is zero-extended, as Xen's XLAT. */
			memset(&op, 0, sizeof(op));
			op.source.u.gmfn = cop.source.u;
			op.source.domid = cop.source.domid;
			op.source.offset = cop.source.offset;
			op.dest.u.gmfn = cop.dest.u;
			op.dest.domid = cop.dest.domid;
			op.dest.offset = cop.dest.offset;
			op.len = cop.len;
			op.flags = cop.flags;
		}
		if (put_status(v, addr + status_at, copy_one(v->domain, &op)))
			return -EFAULT;
	}
	return 0;
}

static long gnttab_swap_batch(struct vcpu *v, u64 uop, unsigned int count)
{
	struct gnttab_swap_grant_ref op;

	for (unsigned int i = 0; i < count; i++) {
		u64 addr = uop + (u64)i * sizeof(op);

		if (copy_from_guest(v, &op, addr, sizeof(op)))
			return -EFAULT;
		if (put_status(v, addr + offsetof(struct gnttab_swap_grant_ref,
						  status),
			       swap_one(v->domain, op.ref_a, op.ref_b)))
			return -EFAULT;
	}
	return 0;
}

static long gnttab_query_size(struct vcpu *v, u64 uop, unsigned int count)
{
	struct gnttab_query_size op;
	struct grant_table *gt;

	if (count != 1)
		return -EINVAL;
	if (copy_from_guest(v, &op, uop, sizeof(op)))
		return -EFAULT;
	gt = gt_get(v->domain, op.dom, true);
	if (!gt) {
		op.status = GNTST_bad_domain;
	} else if (!may_control(v->domain, gt)) {
		op.status = GNTST_permission_denied;
	} else {
		spin_lock(&gt->lock);
		op.nr_frames = gt->nr_frames;
		op.max_nr_frames = gt->max_frames;
		spin_unlock(&gt->lock);
		op.status = GNTST_okay;
	}
	if (gt)
		gt_put(gt);
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

	gt = gt_get(v->domain, op.dom, true);
	if (!gt) {
		op.status = GNTST_bad_domain;
	} else if (!may_control(v->domain, gt)) {
		op.status = GNTST_permission_denied;
	} else {
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
		gt_put(gt);
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
	gt = gt_get(v->domain, op.dom, true);
	if (!gt)
		return -ESRCH;
	ok = may_control(v->domain, gt);
	gt_put(gt);
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

/*
 * Granter @g is dying: every mapping of its grants in mapper @mgt becomes
 * a mapping of the mapper's scratch page (or none if that cannot be had).
 * Pre: global lock.
 */
static void orphan_mappings(struct grant_table *mgt, const struct grant_table *g)
{
	spin_lock(&mgt->lock);
	for (u32 h = 0; h < mgt->mt_limit; h++) {
		struct gnttab_mapping *m = mt_entry(mgt, h);
		mfn_t scratch;

		if (m->state != MT_MAPPED || m->serial != g->serial)
			continue;
		if (!mgt->scratch)
			mgt->scratch = alloc_zeroed_pages(0);
		scratch = mgt->scratch ?
			  (uintptr_t)mgt->scratch >> PAGE_SHIFT : MFN_NONE;
		if (!p2m_holds(mgt->d, m->gfn, m->mfn)) {
			m->mfn = MFN_NONE;
		} else if (scratch == MFN_NONE ||
			   arch_p2m_set_page(mgt->d, m->gfn, scratch,
					     !m->readonly)) {
			arch_p2m_clear_page(mgt->d, m->gfn);
			m->mfn = MFN_NONE;
		} else {
			m->mfn = scratch;
		}
		m->state = MT_ORPHAN;
	}
	spin_unlock(&mgt->lock);
}

/*
 * Dying @gt's own mappings: unpin them in their granters (clearing the
 * flags the frontends wait on).  Its p2m dies with it.  Pre: global lock,
 * gt unlisted.
 */
static void release_mappings(struct grant_table *gt)
{
	for (u32 h = 0; h < gt->mt_limit; h++) {
		struct gnttab_mapping *m = mt_entry(gt, h);
		struct grant_table *r;

		if (m->state != MT_MAPPED)
			continue;
		for (r = gnttab_list; r && r->serial != m->serial; r = r->next)
			;
		if (r) {
			spin_lock(&r->lock);
			unpin_grant(r, m->ref, m->readonly);
			spin_unlock(&r->lock);
		}
		m->state = MT_FREE;
	}
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
		orphan_mappings(m, gt);
	release_mappings(gt);
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
