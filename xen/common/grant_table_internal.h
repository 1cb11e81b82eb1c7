/*
 * What grant_table.c, grant_map.c and grant_copy.c share, and nothing
 * else may use: the table, its active entries and maptrack, and the
 * pinning core that both map and copy go through.  The design note is
 * atop grant_table.c.
 */
#ifndef XEN_COMMON_GRANT_TABLE_INTERNAL_H
#define XEN_COMMON_GRANT_TABLE_INTERNAL_H

#include <xen/arch_vcpu.h>
#include <xen/grant_table.h>
#include <xen/guest_access.h>
#include <xen/nospec.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/types.h>
#include <public/grant_table.h>

#define EPF (PAGE_SIZE / sizeof(grant_entry_v1_t))	/* entries per frame */
#define MT_CHUNK 256					/* maptrack entries */
#define MT_CHUNKS (GNTTAB_MAX_MAPTRACK / MT_CHUNK)
#define MT_NONE (~0U)
#define GFN_NONE (~0ULL)

/* Xen's active_grant_entry, host pins only (HVM has no device maps).
 * While pinned, the entry holds one reference on the frame (xen/frame.h),
 * so the granter cannot free it under a mapping or a copy. */
struct gnttab_active {
	mfn_t mfn;		/* the granted frame while pinned */
	domid_t domid;		/* the one domain allowed to pin it meanwhile */
	u8 hstw;		/* writable maps + copies writing now */
	u8 hstr;		/* read-only maps + copies reading now */
};

/* One mapping made by the table's domain; the index is its handle.  The
 * p2m entry at @gfn holds its own reference on @mfn; the granter is named
 * by id and by @granter_uid (xen/sched.h d->uid), so a later domain that
 * reuses the id is never taken for it. */
struct gnttab_mapping {
	u64 gfn;		/* where in the mapper's p2m */
	mfn_t mfn;		/* the granted frame */
	u64 granter_uid;
	u32 ref;
	u32 next_free;		/* free list, MT_NONE ends it */
	domid_t domid;		/* the granter */
	bool mapped;		/* false: free */
	bool readonly;
};

struct grant_table {
	spinlock_t lock;	/* everything below unless noted */
	struct domain *d;	/* fixed */

	unsigned int max_frames;	/* fixed */
	unsigned int nr_frames;
	void *shared[GNTTAB_MAX_FRAMES];	/* frames of d (xen/frame.h) */
	struct gnttab_active *active[GNTTAB_MAX_FRAMES];	/* EPF each */
	u64 frame_gfn[GNTTAB_MAX_FRAMES];	/* where mapped, GFN_NONE */

	struct gnttab_mapping *maptrack[MT_CHUNKS];
	u32 mt_limit;		/* handles [0, mt_limit) exist */
	u32 mt_free;
};

static inline unsigned int nr_entries(const struct grant_table *gt)
{
	return gt->nr_frames * EPF;
}

/*
 * flags | domid << 16, then frame: two words of guest-shared memory.
 * Callers have checked @ref against nr_entries(); the clamp holds that
 * check on a mispredicted path too (xen/nospec.h), here and below.
 */
static inline u32 *entry_word(const struct grant_table *gt, u32 ref)
{
	ref = array_index_nospec(ref, nr_entries(gt));
	return (u32 *)gt->shared[ref / EPF] + (ref % EPF) * 2;
}

static inline struct gnttab_active *act_of(const struct grant_table *gt,
					    u32 ref)
{
	ref = array_index_nospec(ref, nr_entries(gt));
	return &gt->active[ref / EPF][ref % EPF];
}

static inline bool act_pinned(const struct gnttab_active *act)
{
	return act->hstw || act->hstr;
}

static inline struct gnttab_mapping *mt_entry(const struct grant_table *gt,
					       u32 h)
{
	h = array_index_nospec(h, gt->mt_limit);
	return &gt->maptrack[h / MT_CHUNK][h % MT_CHUNK];
}

static inline mfn_t frame_of_ptr(const void *p)
{
	return (uintptr_t)p >> PAGE_SHIFT;
}

/* grant_table.c: lookups and pins. */
/* The table of the domain @dom names for @ld, with a reference on that
 * domain (@ld's own for DOMID_SELF when @any_id), or NULL. */
struct grant_table *gnttab_get(struct domain *ld, domid_t dom, bool any_id);
void gnttab_put(struct grant_table *gt);
s16 gnttab_granted_frame(const struct grant_table *gt, u64 gfn,
			 bool write, mfn_t *mfn);
s16 gnttab_pin(struct grant_table *gt, u32 ref, bool readonly, bool map,
	       domid_t ldom, mfn_t *mfn);
void gnttab_unpin(struct grant_table *gt, u32 ref, bool readonly);
/* Batches stop here to continue later (xen/hypercall.h); done or -errno. */
bool gnttab_preempt(unsigned int done);

/* grant_map.c */
long gnttab_map_batch(struct vcpu *v, u64 uop, unsigned int count);
long gnttab_unmap_batch(struct vcpu *v, u64 uop, unsigned int count);

/* grant_copy.c */
long gnttab_copy_batch(struct vcpu *v, u64 uop, unsigned int count,
		       bool compat);
long gnttab_swap_batch(struct vcpu *v, u64 uop, unsigned int count);

#endif
