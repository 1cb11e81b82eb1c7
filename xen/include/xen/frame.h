/*
 * Frames given to domains, with reference counts (xen/common/frame.c).
 *
 * Every page the hypervisor hands to a domain - its RAM, its shared_info
 * page, its grant-table frames - is a "frame": page_alloc's per-page
 * record (struct frame_info) holds a reference count and the owning
 * domain.  The rule (docs/architecture.md, "Object lifetimes"):
 *
 *  - the allocation is one reference, held by whoever the frame was made
 *    for: the owner's p2m for RAM, the owner's shared_info or grant table
 *    for the special pages;
 *  - every p2m entry that maps a frame, in any domain, holds one more
 *    (hvm/arch.c takes it over on set and drops it on clear/replace);
 *  - so do a grant pin, a registered vcpu_info and a hypervisor copy in
 *    progress (for the duration of the copy);
 *  - the last frame_put() frees the page and tells its owner
 *    (domain_frame_released()), so a frame of a dying domain that another
 *    domain still maps stays valid until that mapping goes, then returns
 *    to the allocator.
 *
 * A frame's count is raised only by a holder of a reference (or under the
 * lock of a structure holding one, e.g. a p2m lookup under the p2m lock),
 * so a freed and reallocated page is never mistaken for the old frame.
 */
#ifndef XEN_FRAME_H
#define XEN_FRAME_H

#include <xen/types.h>

struct domain;

/* frame_info.flags */
#define FRAME_RAM	(1U << 0)	/* the owner's RAM (counted in tot_pages) */
#define FRAME_SPECIAL	(1U << 1)	/* shared_info, grant frames: owned, not RAM */

/* One per page managed by page_alloc (kept in its region metadata). */
struct frame_info {
	u32 count;		/* references; 0 while not a frame */
	u32 flags;		/* FRAME_*, fixed while count > 0 */
	struct domain *owner;	/* fixed while count > 0 */
};

#define INVALID_MFN (~0ULL)

/* The record of a page page_alloc manages, or NULL (not RAM we manage). */
struct frame_info *frame_info_of(mfn_t mfn);

/*
 * A zeroed page (or 2^9 of them, FRAME_ORDER_2M, split into independent
 * frames) for @owner, each with count 1 (domain_frame_acquired()).
 * INVALID_MFN when memory is short.
 */
#define FRAME_ORDER_2M 9
mfn_t frame_alloc(struct domain *owner, unsigned int flags,
		  unsigned int order);
/* Another reference to a frame the caller holds one on (or reads from
 * a structure holding one, under its lock).  False if saturated. */
bool frame_get(mfn_t mfn);
/* Drop one; the last frees the page and calls domain_frame_released(). */
void frame_put(mfn_t mfn);
/* The owner of a live frame, or NULL if @mfn is not one. */
struct domain *frame_owner(mfn_t mfn);
/* Is @mfn a live frame of @d with (all of) @flags? */
bool frame_owned_by(mfn_t mfn, const struct domain *d, unsigned int flags);

/* Owner accounting (xen/common/domain.c; the host tests provide their
 * own): frame_alloc() reports @n new frames, frame_put() each one freed. */
void domain_frame_acquired(struct domain *owner, unsigned int flags,
			   unsigned long n);
void domain_frame_released(struct domain *owner, unsigned int flags);

#endif
