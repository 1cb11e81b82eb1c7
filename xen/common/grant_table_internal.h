/*
 * What grant_table.c, grant_map.c and grant_copy.c share, and nothing
 * else may use: the table, its active entries and maptrack, the global
 * table list, and the pinning core that both map and copy go through.
 * The design note is atop grant_table.c.
 */
#ifndef XEN_COMMON_GRANT_TABLE_INTERNAL_H
#define XEN_COMMON_GRANT_TABLE_INTERNAL_H

#include <xen/arch_vcpu.h>
#include <xen/grant_table.h>
#include <xen/guest_access.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/types.h>
#include <public/grant_table.h>

#define EPF (PAGE_SIZE / sizeof(grant_entry_v1_t))	/* entries per frame */
#define MT_CHUNK 256					/* maptrack entries */
#define MT_CHUNKS (GNTTAB_MAX_MAPTRACK / MT_CHUNK)
#define MT_NONE (~0U)
#define GFN_NONE (~0ULL)
#define MFN_NONE (~0ULL)

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

/* grant_table.c's list of live tables; lock order: this, then tables. */
extern spinlock_t gnttab_global_lock;
extern struct grant_table *gnttab_list;	/* global lock */

static inline unsigned int nr_entries(const struct grant_table *gt)
{
	return gt->nr_frames * EPF;
}

/* flags | domid << 16, then frame: two words of guest-shared memory. */
static inline u32 *entry_word(const struct grant_table *gt, u32 ref)
{
	return (u32 *)gt->shared[ref / EPF] + (ref % EPF) * 2;
}

static inline struct gnttab_active *act_of(const struct grant_table *gt,
					    u32 ref)
{
	return &gt->active[ref / EPF][ref % EPF];
}

static inline bool act_pinned(const struct gnttab_active *act)
{
	return act->hstw || act->hstr;
}

static inline struct gnttab_mapping *mt_entry(const struct grant_table *gt,
					       u32 h)
{
	return &gt->maptrack[h / MT_CHUNK][h % MT_CHUNK];
}

/* Does @d's p2m still hold @mfn at @gfn? */
static inline bool p2m_holds(struct domain *d, u64 gfn, mfn_t mfn)
{
	mfn_t cur;

	return mfn != MFN_NONE && !arch_p2m_get_page(d, gfn, &cur, NULL) &&
	       cur == mfn;
}

static inline int put_status(struct vcpu *v, u64 addr, s16 status)
{
	return copy_to_guest(v, addr, &status, sizeof(status));
}

/* grant_table.c: lookups (user counts) and pins. */
struct grant_table *gnttab_find(domid_t id, u64 serial);
struct grant_table *gnttab_get(struct domain *ld, domid_t dom, bool any_id);
void gnttab_put(struct grant_table *gt);
s16 gnttab_granted_frame(const struct grant_table *gt, u64 gfn,
			 bool write, mfn_t *mfn);
s16 gnttab_pin(struct grant_table *gt, u32 ref, bool readonly, bool map,
	       domid_t ldom, mfn_t *mfn);
void gnttab_unpin(struct grant_table *gt, u32 ref, bool readonly);

/* grant_map.c */
long gnttab_map_batch(struct vcpu *v, u64 uop, unsigned int count);
long gnttab_unmap_batch(struct vcpu *v, u64 uop, unsigned int count);
void gnttab_orphan_mappings(struct grant_table *mgt,
			    const struct grant_table *g);
void gnttab_release_mappings(struct grant_table *gt);

/* grant_copy.c */
long gnttab_copy_batch(struct vcpu *v, u64 uop, unsigned int count,
		       bool compat);
long gnttab_swap_batch(struct vcpu *v, u64 uop, unsigned int count);

#endif
