/*
 * xzalloc_bytes()/xfree() for unit tests of modules that allocate through
 * xen/xmalloc.h: host calloc/free, counting what is live (a test checks
 * live_allocs returns to where it was) and failing the Nth allocation
 * from now when fail_alloc_in = N (-1: never).
 */
#ifndef UNIT_FAKE_XMALLOC_H
#define UNIT_FAKE_XMALLOC_H

#include <stdlib.h>
#include <xen/xmalloc.h>

static long live_allocs;		/* atomically */
static long fail_alloc_in = -1;

void *xzalloc_bytes(size_t size)
{
	if (fail_alloc_in >= 0 && fail_alloc_in-- == 0)
		return NULL;
	__atomic_fetch_add(&live_allocs, 1, __ATOMIC_RELAXED);
	return calloc(1, size);
}

void xfree(void *p)
{
	if (p)
		__atomic_fetch_sub(&live_allocs, 1, __ATOMIC_RELAXED);
	free(p);
}

#endif
