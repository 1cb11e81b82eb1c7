/*
 * Binary buddy page allocator.
 *
 * Design note.
 *
 * Free blocks of 2^order pages sit on one doubly-linked list per order; the
 * list node (struct pa_free) is written into the first bytes of the free
 * block itself, so the lists cost no memory of their own.
 *
 * To merge on free we must know whether a block's buddy is free and of the
 * same order.  Reading a header out of the buddy is not safe: the buddy may
 * be allocated (its owner's data can look like any header) or may not be
 * RAM at all.  So each region keeps a state map of one byte per page,
 * carved out of the region itself when it is added (1/4096 of its size):
 *
 *	PA_NONE		page is inside a block (or not a block head)
 *	PA_FREE | k	page heads a free block of order k
 *	PA_ALLOC | k	page heads an allocated block of order k
 *
 * The buddy test is then "buddy lies inside the region and its byte is
 * PA_FREE | order", without touching the buddy's memory.  The same bytes
 * catch misuse in free_pages(): the pointer must head a block allocated
 * with exactly that order, which rejects double frees, wrong orders,
 * interior and foreign pointers.  Every operation touches O(order) map
 * bytes and list nodes, plus a binary search over the region table.
 *
 * Regions are independent buddy spaces: blocks never straddle two regions.
 * The table holds PA_MAX_REGIONS descriptors sorted by address, so regions
 * may arrive in any order and need not be known in advance.  The map goes
 * at whichever end of the region is less aligned, so that a region starting
 * on a 1 GiB boundary keeps its first 1 GiB block intact.
 *
 * The same metadata area holds a struct frame_info per page (xen/frame.h):
 * the reference count and owner of pages given to domains, looked up by
 * the same region search, without locks (regions only appear at boot).
 *
 * The magic in each free-list node is checked whenever a node is unlinked,
 * turning a write-after-free into the free list into a BUG rather than a
 * corrupted heap.
 */
#include <xen/frame.h>
#include <xen/lib.h>
#include <xen/page_alloc.h>

#define PA_NONE		0x00
#define PA_FREE		0x40
#define PA_ALLOC	0x80
#define PA_MAX_REGIONS	128
#define PA_FREE_MAGIC	0x70616765667265ULL	/* "pagefre" */

BUILD_BUG_ON(PAGE_ALLOC_MAX_ORDER >= PA_FREE);

struct pa_free {
	u64 magic;		/* PA_FREE_MAGIC + order */
	struct pa_free *next, *prev;
};

struct pa_region {
	unsigned long lo, hi;	/* whole region, pfns [lo, hi), map included */
	unsigned long base;	/* first pfn managed by the buddy system */
	unsigned long npages;	/* pages managed, from base */
	u8 *state;		/* one byte per managed page */
	struct frame_info *frames;	/* one per managed page */
};

/* All below protected by page_alloc_lock(). */
static struct pa_free *pa_free_list[PAGE_ALLOC_MAX_ORDER + 1];
static struct pa_region pa_regions[PA_MAX_REGIONS];
static unsigned int pa_nr_regions;
static unsigned long pa_free_count, pa_total_count;

__attribute__((weak)) void page_alloc_lock(void)
{
}

__attribute__((weak)) void page_alloc_unlock(void)
{
}

static inline struct pa_free *pa_block(unsigned long pfn)
{
	return (struct pa_free *)(uintptr_t)((paddr_t)pfn << PAGE_SHIFT);
}

static inline unsigned long pa_pfn(const void *p)
{
	return (unsigned long)((uintptr_t)p >> PAGE_SHIFT);
}

static inline bool pa_in_region(const struct pa_region *r, unsigned long pfn)
{
	return pfn >= r->base && pfn - r->base < r->npages;
}

static struct pa_region *pa_find_region(unsigned long pfn)
{
	unsigned int lo = 0, hi = pa_nr_regions;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		struct pa_region *r = &pa_regions[mid];

		if (pfn < r->base)
			hi = mid;
		else if (pfn - r->base >= r->npages)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

static void pa_push(struct pa_region *r, unsigned long pfn, unsigned int order)
{
	struct pa_free *b = pa_block(pfn);

	b->magic = PA_FREE_MAGIC + order;
	b->prev = NULL;
	b->next = pa_free_list[order];
	if (b->next)
		b->next->prev = b;
	pa_free_list[order] = b;
	r->state[pfn - r->base] = PA_FREE | order;
}

/* Pre: b heads a free block of this order.  Leaves its map byte alone. */
static void pa_unlink(struct pa_free *b, unsigned int order)
{
	BUG_ON(b->magic != PA_FREE_MAGIC + order);
	b->magic = 0;
	if (b->prev)
		b->prev->next = b->next;
	else
		pa_free_list[order] = b->next;
	if (b->next)
		b->next->prev = b->prev;
}

/* Pre: [pfn, pfn + 2^order) is in r, aligned, and marked PA_NONE. */
static void pa_free_block(struct pa_region *r, unsigned long pfn,
			  unsigned int order)
{
	while (order < PAGE_ALLOC_MAX_ORDER) {
		unsigned long buddy = pfn ^ (1UL << order);

		if (!pa_in_region(r, buddy) ||
		    r->state[buddy - r->base] != (PA_FREE | order))
			break;
		pa_unlink(pa_block(buddy), order);
		r->state[buddy - r->base] = PA_NONE;
		pfn &= ~(1UL << order);
		order++;
	}
	pa_push(r, pfn, order);
}

/* First free block of order k that ends at or below limit (exclusive). */
static struct pa_free *pa_pick(unsigned int k, unsigned int order,
			       paddr_t limit)
{
	struct pa_free *b;

	for (b = pa_free_list[k]; b; b = b->next) {
		paddr_t addr = (uintptr_t)b;

		if (addr < limit && limit - addr >= (PAGE_SIZE << order))
			return b;
	}
	return NULL;
}

/* Take a block of 2^order pages ending below limit, splitting a larger
 * one if needed; the low part of a split block is the one returned. */
static void *pa_alloc(unsigned int order, paddr_t limit)
{
	unsigned int k;
	void *p = NULL;

	if (order > PAGE_ALLOC_MAX_ORDER)
		return NULL;

	page_alloc_lock();
	for (k = order; k <= PAGE_ALLOC_MAX_ORDER; k++) {
		struct pa_free *b = pa_pick(k, order, limit);
		unsigned long pfn;
		struct pa_region *r;

		if (!b)
			continue;
		pfn = pa_pfn(b);
		r = pa_find_region(pfn);
		BUG_ON(!r || r->state[pfn - r->base] != (PA_FREE | k));
		pa_unlink(b, k);
		while (k > order) {
			k--;
			pa_push(r, pfn + (1UL << k), k);
		}
		r->state[pfn - r->base] = PA_ALLOC | order;
		pa_free_count -= 1UL << order;
		p = b;
		break;
	}
	page_alloc_unlock();
	return p;
}

void *alloc_pages(unsigned int order)
{
	return pa_alloc(order, ~(paddr_t)0);
}

void *alloc_pages_below(unsigned int order, paddr_t limit)
{
	return pa_alloc(order, limit);
}

void *alloc_zeroed_pages(unsigned int order)
{
	void *p = alloc_pages(order);

	if (p)
		memset(p, 0, PAGE_SIZE << order);
	return p;
}

void free_pages(void *p, unsigned int order)
{
	unsigned long pfn = pa_pfn(p);
	struct pa_region *r;

	if (!p)
		return;
	BUG_ON(order > PAGE_ALLOC_MAX_ORDER);
	BUG_ON(!IS_ALIGNED((uintptr_t)p, PAGE_SIZE << order));

	page_alloc_lock();
	r = pa_find_region(pfn);
	BUG_ON(!r);
	/* Double free, wrong order, or not the head of an allocation. */
	BUG_ON(r->state[pfn - r->base] != (PA_ALLOC | order));
	r->state[pfn - r->base] = PA_NONE;
	pa_free_count += 1UL << order;
	pa_free_block(r, pfn, order);
	page_alloc_unlock();
}

void page_alloc_split(void *p, unsigned int order)
{
	unsigned long pfn = pa_pfn(p);
	struct pa_region *r;

	BUG_ON(order > PAGE_ALLOC_MAX_ORDER);
	page_alloc_lock();
	r = pa_find_region(pfn);
	BUG_ON(!r || r->state[pfn - r->base] != (PA_ALLOC | order));
	for (unsigned long i = 0; i < 1UL << order; i++)
		r->state[pfn - r->base + i] = PA_ALLOC | 0;
	page_alloc_unlock();
}

struct frame_info *page_alloc_frame_info(unsigned long pfn)
{
	struct pa_region *r = pa_find_region(pfn);

	return r ? &r->frames[pfn - r->base] : NULL;
}

/* Insert [lo, hi) into the sorted table.  Pre: lock held, table not full. */
static struct pa_region *pa_insert_region(unsigned long lo, unsigned long hi)
{
	unsigned int i, pos = 0;

	while (pos < pa_nr_regions && pa_regions[pos].lo < lo)
		pos++;
	if ((pos > 0 && pa_regions[pos - 1].hi > lo) ||
	    (pos < pa_nr_regions && pa_regions[pos].lo < hi))
		panic("page_alloc: region %#lx-%#lx overlaps one already added",
		      lo << PAGE_SHIFT, hi << PAGE_SHIFT);
	for (i = pa_nr_regions; i > pos; i--)
		pa_regions[i] = pa_regions[i - 1];
	pa_nr_regions++;
	pa_regions[pos].lo = lo;
	pa_regions[pos].hi = hi;
	return &pa_regions[pos];
}

/* Cut [base, base + npages) into maximal aligned blocks.  They are never
 * buddies of each other (two free buddies would have formed one larger
 * block), so pushing them without merging keeps the heap invariant. */
static void pa_seed_blocks(struct pa_region *r)
{
	unsigned long pfn = r->base, end = r->base + r->npages;

	while (pfn < end) {
		unsigned int order = 0;

		while (order < PAGE_ALLOC_MAX_ORDER &&
		       IS_ALIGNED(pfn, 2UL << order) &&
		       end - pfn >= (2UL << order))
			order++;
		pa_push(r, pfn, order);
		pfn += 1UL << order;
	}
}

void page_alloc_add_region(paddr_t start, paddr_t end)
{
	unsigned long lo, hi, meta;
	struct pa_region *r;

	if (end <= start || end - start < PAGE_SIZE)
		return;
	lo = (unsigned long)((start + PAGE_SIZE - 1) >> PAGE_SHIFT);
	hi = (unsigned long)(end >> PAGE_SHIFT);
	if (lo == 0)
		lo = 1;
	/* A map byte and a frame record per page (the frame records
	 * aligned after the map); too small to pay for them: skip it. */
	meta = ((hi - lo) * (1 + sizeof(struct frame_info)) +
		sizeof(struct frame_info) + PAGE_SIZE - 1) / PAGE_SIZE;
	if (hi <= lo || hi - lo <= meta)
		return;

	page_alloc_lock();
	if (pa_nr_regions == PA_MAX_REGIONS) {
		page_alloc_unlock();
		printk(KERN_WARNING "page_alloc: region table full, dropping "
		       "%#lx-%#lx\n", lo << PAGE_SHIFT, hi << PAGE_SHIFT);
		return;
	}
	r = pa_insert_region(lo, hi);
	r->npages = hi - lo - meta;
	if (__builtin_ctzl(lo) <= __builtin_ctzl(hi)) {
		r->state = (u8 *)pa_block(lo);
		r->base = lo + meta;
	} else {
		r->state = (u8 *)pa_block(hi - meta);
		r->base = lo;
	}
	memset(r->state, PA_NONE, r->npages);
	r->frames = (struct frame_info *)ROUNDUP((uintptr_t)(r->state +
							      r->npages),
						  sizeof(struct frame_info));
	memset(r->frames, 0, r->npages * sizeof(struct frame_info));
	pa_seed_blocks(r);
	pa_free_count += r->npages;
	pa_total_count += r->npages;
	page_alloc_unlock();
}

unsigned long page_alloc_free_pages(void)
{
	return pa_free_count;
}

unsigned long page_alloc_total_pages(void)
{
	return pa_total_count;
}

void page_alloc_reset(void)
{
	unsigned int i;

	page_alloc_lock();
	for (i = 0; i <= PAGE_ALLOC_MAX_ORDER; i++)
		pa_free_list[i] = NULL;
	pa_nr_regions = 0;
	pa_free_count = pa_total_count = 0;
	page_alloc_unlock();
}
