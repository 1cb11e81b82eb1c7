/*
 * Grant tables, version 1 (public/grant_table.h), as Xen 4.17 offers them
 * to HVM/PVH (auto-translated) guests: docs/xen-abi.md §A.6 step 9,
 * §A.9(c), §B.2.
 *
 * A domain shares frames of struct grant_entry_v1 with the hypervisor;
 * other domains (and itself) map or copy the frames it grants through
 * GNTTABOP_map_grant_ref / unmap_grant_ref / copy.  Mappings go into the
 * mapper's p2m at the guest-physical address it names, as
 * p2m_grant_map_rw/ro entries holding a reference on the granted frame.
 *
 * Lifecycle with domain.c (the design note atop grant_table.c says why):
 *   gnttab_domain_init() once per domain, before its vCPUs run;
 *   gnttab_release_mappings() when the domain dies, once none of its vCPUs
 *   runs: its own mappings let go of the granters' pins;
 *   gnttab_domain_free() at its teardown, after its last reference and
 *   after its p2m was drained.
 * Lock order: grant-table locks (two at once by domain id, then address),
 * then d->lock, then d->p2m_lock; so no gnttab_*() call may be made with
 * d->lock held.
 */
#ifndef XEN_GRANT_TABLE_H
#define XEN_GRANT_TABLE_H

#include <xen/types.h>

struct domain;
struct vcpu;

/* Xen 4.17's defaults: opt_max_grant_frames, INITIAL_NR_GRANT_FRAMES. */
#define GNTTAB_MAX_FRAMES 64
#define GNTTAB_INITIAL_FRAMES 1
/* Mapping handles per domain: Xen's 1024 maptrack frames x 256. */
#define GNTTAB_MAX_MAPTRACK (1024 * 256)

/*
 * @max_frames: the domain's limit (Xen's max_grant_frames), 0 for the
 * default GNTTAB_MAX_FRAMES.  The table starts with one frame.  Sets
 * d->grant_table.  Returns 0, -EINVAL (limit out of range), -EEXIST or
 * -ENOMEM.
 */
int gnttab_domain_init(struct domain *d, unsigned int max_frames);
/* The dying @d's mappings of other domains' grants release their pins
 * (the p2m entries go with @d's p2m).  NULL table: no-op. */
void gnttab_release_mappings(struct domain *d);
/* Free @d's table: its frames (mappings elsewhere keep theirs alive),
 * active pins, maptrack.  Clears d->grant_table. */
void gnttab_domain_free(struct domain *d);

/*
 * XENMEM_add_to_physmap, space XENMAPSPACE_grant_table: map shared frame
 * @idx of @d's table at @gfn of @d (growing the table to idx + 1 frames
 * within its limit); a previous mapping of that frame at another gfn is
 * removed.  Status frames (XENMAPIDX_grant_table_status) exist only in v2:
 * -EINVAL.  Returns 0, -EINVAL (idx beyond the limit, out of memory, or
 * gfn out of range, as Xen) or -ENOMEM (p2m table allocation).
 */
int gnttab_map_frame(struct domain *d, unsigned long idx, u64 gfn);

/* XENMEM_acquire_resource, type grant table (Xen's gnttab_resource_max_
 * frames() and gnttab_acquire_resource()): the table's size limit for
 * @id (0: none, e.g. status frames without v2), and @n frames from @frame
 * (growing the table), each with a reference for the caller.  Returns @n
 * or -EINVAL. */
unsigned int gnttab_resource_max_frames(struct domain *d, unsigned int id);
int gnttab_acquire_frames(struct domain *d, unsigned int id, u32 frame,
			  unsigned int n, mfn_t *mfns);

#endif
