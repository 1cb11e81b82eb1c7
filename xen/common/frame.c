/*
 * Domain frames and their reference counts; the rule is in xen/frame.h.
 *
 * The record of a page lives in page_alloc's region metadata, so looking
 * it up costs a binary search over the (few) memory regions and no lock.
 * A frame is born with count 1 in frame_alloc() and dies in the
 * frame_put() that drops the count to 0: that caller, and only that one,
 * clears the record, tells the owner and frees the page.  The owner
 * pointer and flags are written before the first reference is handed out
 * and read only by holders of a reference, so they need no lock either.
 */
#include <xen/frame.h>
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <xen/refcount.h>
#include <xen/string.h>

struct frame_info *frame_info_of(mfn_t mfn)
{
	return page_alloc_frame_info((unsigned long)mfn);
}

static void frame_init(struct frame_info *fi, struct domain *owner,
		       unsigned int flags)
{
	fi->flags = flags;
	fi->owner = owner;
	/* Publishes owner and flags to whoever gets the first reference. */
	__atomic_store_n(&fi->count, 1, __ATOMIC_RELEASE);
}

mfn_t frame_alloc(struct domain *owner, unsigned int flags,
		  unsigned int order)
{
	void *p;
	mfn_t mfn;

	BUG_ON(order != 0 && order != FRAME_ORDER_2M);
	p = alloc_pages(order);
	if (!p)
		return INVALID_MFN;
	memset(p, 0, PAGE_SIZE << order);
	if (order)
		page_alloc_split(p, order);
	mfn = (uintptr_t)p >> PAGE_SHIFT;
	for (unsigned long i = 0; i < 1UL << order; i++) {
		struct frame_info *fi = frame_info_of(mfn + i);

		BUG_ON(!fi || ref_read(&fi->count));
		frame_init(fi, owner, flags);
	}
	domain_frame_acquired(owner, flags, 1UL << order);
	return mfn;
}

bool frame_get(mfn_t mfn)
{
	struct frame_info *fi = frame_info_of(mfn);

	BUG_ON(!fi);
	return ref_get(&fi->count);
}

void frame_put(mfn_t mfn)
{
	struct frame_info *fi = frame_info_of(mfn);
	struct domain *owner;
	unsigned int flags;

	BUG_ON(!fi);
	if (!ref_put(&fi->count))
		return;
	owner = fi->owner;
	flags = fi->flags;
	fi->owner = NULL;
	fi->flags = 0;
	/* The page goes back before the owner hears of it: an owner that
	 * counts its last frame returned may check the allocator. */
	free_pages((void *)(uintptr_t)(mfn << PAGE_SHIFT), 0);
	domain_frame_released(owner, flags);
}

struct domain *frame_owner(mfn_t mfn)
{
	struct frame_info *fi = frame_info_of(mfn);

	return fi && ref_read(&fi->count) ? fi->owner : NULL;
}

bool frame_owned_by(mfn_t mfn, const struct domain *d, unsigned int flags)
{
	struct frame_info *fi = frame_info_of(mfn);

	return fi && ref_read(&fi->count) && fi->owner == d &&
	       (fi->flags & flags) == flags;
}
