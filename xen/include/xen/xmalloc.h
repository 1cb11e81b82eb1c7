/*
 * Small-object allocator on top of the page allocator (xen/common/xmalloc.c).
 *
 * Every result is aligned to XMALLOC_ALIGN.  xmalloc(type) and friends
 * refuse, at compile time, types that need more alignment than that.
 * NULL means out of memory; xmalloc_bytes(0) returns a valid minimal object.
 */
#ifndef XEN_XMALLOC_H
#define XEN_XMALLOC_H

#include <xen/types.h>

#define XMALLOC_ALIGN 16

void *xmalloc_bytes(size_t size);
void *xzalloc_bytes(size_t size);
/* p must come from xmalloc*() and not be freed yet (else BUG); NULL is a
 * no-op. */
void xfree(void *p);

/* Accounting of live allocations: bytes count the slab object size, or the
 * requested size for allocations served directly from pages. */
unsigned long xmalloc_used_bytes(void);
unsigned long xmalloc_used_objects(void);

/* Weak no-op hooks, overridden by the hypervisor; see page_alloc.h.
 * Lock order: xmalloc_lock(), then page_alloc_lock(). */
void xmalloc_lock(void);
void xmalloc_unlock(void);

/* sizeof(char[-1]) does not compile: adds 0, or breaks the build when the
 * type needs more alignment than xmalloc gives. */
#define XMALLOC_ALIGN_CHECK(type) \
	(0 * sizeof(char[1 - 2 * (__alignof__(type) > XMALLOC_ALIGN)]))

/* size * n bytes, or NULL if that product overflows. */
static inline void *xmalloc_array_bytes(size_t size, size_t n)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return xmalloc_bytes(size * n);
}

static inline void *xzalloc_array_bytes(size_t size, size_t n)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return xzalloc_bytes(size * n);
}

#define xmalloc(type) \
	((type *)xmalloc_bytes(sizeof(type) + XMALLOC_ALIGN_CHECK(type)))
#define xzalloc(type) \
	((type *)xzalloc_bytes(sizeof(type) + XMALLOC_ALIGN_CHECK(type)))
#define xmalloc_array(type, n) \
	((type *)xmalloc_array_bytes(sizeof(type) + XMALLOC_ALIGN_CHECK(type), (n)))
#define xzalloc_array(type, n) \
	((type *)xzalloc_array_bytes(sizeof(type) + XMALLOC_ALIGN_CHECK(type), (n)))

#endif
