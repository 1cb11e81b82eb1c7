/*
 * A host-memory arena handed to the hypervisor's page allocator, for unit
 * tests of modules that allocate pages.  ARENA_SIZE (a power of two) is
 * the test's; arena_teardown() checks that every page came back.
 */
#ifndef UNIT_ARENA_H
#define UNIT_ARENA_H

#include <stdint.h>
#include <stdlib.h>
#include <xen/page_alloc.h>
#include "unit.h"

static void *arena;
static unsigned long free_at_start;

static void setup(void)
{
	page_alloc_reset();
	if (posix_memalign(&arena, ARENA_SIZE, ARENA_SIZE))
		abort();
	page_alloc_add_region((uintptr_t)arena, (uintptr_t)arena + ARENA_SIZE);
	free_at_start = page_alloc_free_pages();
}

static void arena_teardown(void)
{
	CHECK_EQ(page_alloc_free_pages(), free_at_start);
	page_alloc_reset();
	free(arena);
	arena = NULL;
}

#endif
