/*
 * The allocators are pure modules with weak no-op lock hooks (so host unit
 * tests need no locking); these strong definitions make them SMP-safe in
 * the hypervisor.  Interrupts are disabled while either lock is held so an
 * interrupt handler that allocates cannot deadlock against its own CPU.
 * Lock order: xmalloc_lock, then page_alloc_lock.
 */
#include <xen/page_alloc.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>

static DEFINE_SPINLOCK(page_alloc_spinlock);
static DEFINE_SPINLOCK(xmalloc_spinlock);
static unsigned long page_alloc_flags, xmalloc_flags;

void page_alloc_lock(void)
{
	unsigned long f = spin_lock_irqsave(&page_alloc_spinlock);

	page_alloc_flags = f;
}

void page_alloc_unlock(void)
{
	spin_unlock_irqrestore(&page_alloc_spinlock, page_alloc_flags);
}

void xmalloc_lock(void)
{
	unsigned long f = spin_lock_irqsave(&xmalloc_spinlock);

	xmalloc_flags = f;
}

void xmalloc_unlock(void)
{
	spin_unlock_irqrestore(&xmalloc_spinlock, xmalloc_flags);
}
