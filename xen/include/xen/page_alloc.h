/*
 * Buddy page allocator for the hypervisor heap (xen/common/page_alloc.c).
 *
 * Physical memory is identity-mapped, so a page's address is both its
 * physical address and a usable pointer.  Blocks are 2^order contiguous
 * pages, aligned (physically) to their own size.
 */
#ifndef XEN_PAGE_ALLOC_H
#define XEN_PAGE_ALLOC_H

#include <xen/types.h>

/* Largest block: 2^18 pages = 1 GiB. */
#define PAGE_ALLOC_MAX_ORDER 18

/*
 * Hand the free RAM [start, end) to the allocator.  Partial pages at either
 * edge are dropped, as is page 0 (its address would read as NULL).  A few
 * pages of each region hold that region's metadata (a state byte and a
 * struct frame_info per page, about 0.4% of the region).
 * Regions must not overlap; adjacent regions are managed separately, so
 * callers should merge adjacent ranges first to get the largest blocks.
 */
void page_alloc_add_region(paddr_t start, paddr_t end);

/* NULL when no block of 2^order pages is free (or order is too large). */
void *alloc_pages(unsigned int order);
void *alloc_zeroed_pages(unsigned int order);
/* As alloc_pages(), but the whole block lies below the address limit.
 * Scans the free lists: meant for rare boot-time needs (AP trampoline,
 * page tables that must sit below 4 GiB), not for hot paths. */
void *alloc_pages_below(unsigned int order, paddr_t limit);

/* p and order must be exactly what alloc_pages*() returned/was given;
 * anything else (double free, wrong order, foreign pointer) is a BUG.
 * free_pages(NULL, order) does nothing. */
void free_pages(void *p, unsigned int order);

static inline void *alloc_page(void)
{
	return alloc_pages(0);
}

static inline void free_page(void *p)
{
	free_pages(p, 0);
}

/*
 * Turn an allocated block of 2^order pages into 2^order allocated single
 * pages, each freed on its own with free_pages(p, 0); the buddies merge
 * back as they are freed.  For memory handed out in large blocks whose
 * pages then live independently (a domain's 2 MiB RAM extents).
 */
void page_alloc_split(void *p, unsigned int order);

/* Every managed page has a struct frame_info (xen/frame.h) in its region's
 * metadata: the record for @pfn, or NULL if page_alloc does not manage it.
 * Lock-free: regions are only added at boot. */
struct frame_info;
struct frame_info *page_alloc_frame_info(unsigned long pfn);

unsigned long page_alloc_free_pages(void);
unsigned long page_alloc_total_pages(void);

/*
 * Forget every region and block.  Pre: nothing allocated is still in use.
 * Exists for the host unit tests, which start each case from scratch.
 */
void page_alloc_reset(void);

/*
 * Serialisation hooks around every operation.  page_alloc.c defines them
 * as weak no-ops so the module stays pure (host tests, early boot on one
 * CPU); the hypervisor links strong definitions that take a spinlock once
 * SMP is up.  The strong definitions must live in an object file that is
 * always linked, not only in an archive, or the weak ones win silently.
 * Lock order: xmalloc_lock() may be held when these are taken.
 */
void page_alloc_lock(void);
void page_alloc_unlock(void);

/* Smallest order whose block holds bytes (may exceed the maximum order). */
static inline unsigned int page_alloc_order_of_bytes(size_t bytes)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < bytes && order < 63 - PAGE_SHIFT)
		order++;
	return order;
}

#endif
