/*
 * Grant tables, version 1, as Xen 4.17 offers them to HVM/PVH
 * (auto-translated) guests (docs/xen-abi.md §A.6 step 9, §A.9(c), §B.2).
 *
 * A domain shares frames of struct grant_entry_v1 with the hypervisor;
 * other domains (and itself) map or copy the frames it grants through
 * GNTTABOP_map_grant_ref / unmap_grant_ref / copy.  Mappings go into the
 * mapper's p2m at the guest-physical address it names.
 *
 * Lifecycle contract with domain.c (see the design note in
 * xen/common/grant_table.c for why):
 *   gnttab_domain_init() once per domain, before its vCPUs run;
 *   gnttab_domain_destroy() once, after every vCPU of the domain is off
 *   the CPUs for good but BEFORE its vCPUs, shared_info page, RAM extents
 *   or p2m are freed (it edits p2ms and flushes through the vCPUs).  It
 *   may wait (spinning, interrupts on) for other CPUs' grant operations on
 *   this domain to finish, so it must not run inside a hypercall or with
 *   a grant-table lock held.
 * Lock order: grant-table locks, then d->lock, then d->p2m_lock; so no
 * gnttab_*() call may be made with d->lock held.
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
/* Ops per map/unmap/copy/swap hypercall.  Xen preempts long batches with
 * a continuation; we have none, so larger batches are refused. */
#define GNTTAB_MAX_BATCH 4096

/*
 * @max_frames: the domain's limit (Xen's max_grant_frames), 0 for the
 * default GNTTAB_MAX_FRAMES.  The table starts with one frame.  Sets
 * d->grant_table.  Returns 0, -EINVAL (limit out of range), -EEXIST or
 * -ENOMEM.
 */
int gnttab_domain_init(struct domain *d, unsigned int max_frames);
/* Undo every mapping @d made, take every mapping of @d's grants out of the
 * mappers' p2ms, free the table, clear d->grant_table.  NULL table: no-op. */
void gnttab_domain_destroy(struct domain *d);

/* The hypercall table entry for __HYPERVISOR_grant_table_op (20). */
long do_grant_table_op(struct vcpu *v, const u64 a[5], bool compat);

/*
 * XENMEM_add_to_physmap, space XENMAPSPACE_grant_table: map shared frame
 * @idx of @d's table at @gfn of @d (growing the table to idx + 1 frames
 * within its limit); a previous mapping of that frame at another gfn is
 * removed.  Status frames (XENMAPIDX_grant_table_status) exist only in v2:
 * -EINVAL.  Returns 0, -EINVAL (idx beyond the limit, out of memory, or
 * gfn out of range, as Xen) or -ENOMEM (p2m table allocation).
 */
int gnttab_map_frame(struct domain *d, unsigned long idx, u64 gfn);

/* local_irq_save()/restore() around d->lock; weak, for the host tests. */
unsigned long gnttab_irq_save(void);
void gnttab_irq_restore(unsigned long flags);

#endif
