/*
 * Host tests for the buddy allocator (xen/common/page_alloc.c).  Arenas
 * from posix_memalign() stand in for physical RAM: the allocator treats
 * their addresses as physical, exactly as it would identity-mapped RAM.
 *
 * A shadow model (which arena pages the allocator manages, and which live
 * allocation owns each page) lets the tests check more than "non-NULL": no
 * overlap, alignment, exact free counts, and that a failed allocation really
 * had no free aligned block to give, which only holds if merging works.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include <xen/lib.h>
#include <xen/page_alloc.h>

#define MB (1UL << 20)
#define NO_LIMIT (~(paddr_t)0)

/* The arena under test and the model of what the allocator holds. */
static struct {
	uintptr_t base;
	size_t npages;
	bool *usable;		/* managed by the allocator */
	int *owner;		/* index of the live allocation, or -1 */
	unsigned long nusable;
} sh;

static void *arena_new(size_t size)
{
	void *p = NULL;

	/* Aligned to its size, so arena-relative page alignment is physical
	 * alignment for every order that fits. */
	if (posix_memalign(&p, size, size))
		abort();
	return p;
}

static uintptr_t page_addr(size_t i)
{
	return sh.base + i * PAGE_SIZE;
}

static size_t page_index(const void *p)
{
	return ((uintptr_t)p - sh.base) / PAGE_SIZE;
}

static bool in_arena(const void *p, unsigned int order)
{
	uintptr_t a = (uintptr_t)p;

	return a >= sh.base &&
	       a + (PAGE_SIZE << order) <= sh.base + sh.npages * PAGE_SIZE;
}

/* Start from an empty allocator over a fresh arena; regions are added by
 * the caller, then shadow_discover() learns which pages they yield. */
static void shadow_init(size_t size)
{
	page_alloc_reset();
	sh.base = (uintptr_t)arena_new(size);
	sh.npages = size / PAGE_SIZE;
	sh.usable = calloc(sh.npages, sizeof(*sh.usable));
	sh.owner = malloc(sh.npages * sizeof(*sh.owner));
	for (size_t i = 0; i < sh.npages; i++)
		sh.owner[i] = -1;
	sh.nusable = 0;
}

static void shadow_fini(void)
{
	page_alloc_reset();
	free((void *)sh.base);
	free(sh.usable);
	free(sh.owner);
}

/* Take every page one by one to learn the managed set, then give all back. */
static void shadow_discover(void)
{
	void **pages = malloc(sh.npages * sizeof(*pages));
	size_t n = 0;
	void *p;

	while ((p = alloc_page())) {
		CHECK(n < sh.npages && in_arena(p, 0));
		CHECK(!sh.usable[page_index(p)]);
		sh.usable[page_index(p)] = true;
		pages[n++] = p;
	}
	CHECK_EQ(page_alloc_free_pages(), 0);
	CHECK_EQ(n, page_alloc_total_pages());
	sh.nusable = n;
	while (n)
		free_page(pages[--n]);
	CHECK_EQ(page_alloc_free_pages(), sh.nusable);
	free(pages);
}

/* Is some 2^order-aligned run of pages usable, unowned and below limit? */
static bool shadow_has_free_block(unsigned int order, paddr_t limit)
{
	size_t n = 1UL << order;

	for (size_t i = 0; i + n <= sh.npages; i += n) {
		size_t j;

		if (page_addr(i + n) > limit)
			break;
		for (j = i; j < i + n; j++)
			if (!sh.usable[j] || sh.owner[j] != -1)
				break;
		if (j == i + n)
			return true;
	}
	return false;
}

/* Check a fresh block against the model and claim it for owner id. */
static bool shadow_claim(void *p, unsigned int order, int id, paddr_t limit)
{
	size_t i = page_index(p), n = 1UL << order;

	if (!in_arena(p, order) || (uintptr_t)p % (PAGE_SIZE << order) ||
	    (uintptr_t)p + (PAGE_SIZE << order) > limit)
		return false;
	for (size_t j = i; j < i + n; j++) {
		if (!sh.usable[j] || sh.owner[j] != -1)
			return false;
		sh.owner[j] = id;
		/* Stamp every page so overlap shows up as a wrong stamp. */
		*(u64 *)page_addr(j) = ((u64)id << 32) | j;
		((u64 *)page_addr(j))[PAGE_SIZE / 8 - 1] = ~(u64)j;
	}
	return true;
}

static bool shadow_release(void *p, unsigned int order, int id)
{
	size_t i = page_index(p), n = 1UL << order;
	bool ok = true;

	for (size_t j = i; j < i + n; j++) {
		ok &= sh.owner[j] == id;
		ok &= *(u64 *)page_addr(j) == (((u64)id << 32) | j);
		ok &= ((u64 *)page_addr(j))[PAGE_SIZE / 8 - 1] == ~(u64)j;
		sh.owner[j] = -1;
	}
	free_pages(p, order);
	return ok;
}

/* An order is available exactly when the model has a free aligned run for
 * it (below limit): anything less means a merge was missed. */
static void check_order_matches_model(unsigned int k, paddr_t limit)
{
	void *p = limit == NO_LIMIT ? alloc_pages(k) : alloc_pages_below(k, limit);

	CHECK_EQ(p != NULL, shadow_has_free_block(k, limit));
	free_pages(p, k);
}

/* On an empty heap, every order the model allows must be available. */
static void check_all_orders_available(void)
{
	for (unsigned int k = 0; k <= PAGE_ALLOC_MAX_ORDER + 1; k++)
		check_order_matches_model(k, NO_LIMIT);
	CHECK_EQ(page_alloc_free_pages(), sh.nusable);
}

TEST(test_split_and_merge)
{
	void *pages[1024];
	size_t n = 0;

	shadow_init(4 * MB);
	page_alloc_add_region(sh.base, sh.base + 4 * MB);
	shadow_discover();
	/* Metadata (a map byte and a 16-byte frame record per page, 17 KiB
	 * for 1024 pages) takes 5 pages: the rest must be managed. */
	CHECK_EQ(sh.nusable, 1019);
	CHECK(alloc_pages(10) == NULL);
	check_all_orders_available();

	/* Single pages split every large block down to order 0. */
	while (n < ARRAY_SIZE(pages) && (pages[n] = alloc_page())) {
		CHECK(shadow_claim(pages[n], 0, n, NO_LIMIT));
		n++;
	}
	CHECK_EQ(n, sh.nusable);
	CHECK(alloc_page() == NULL);
	/* Free odd pages then even ones, so merges happen late. */
	for (size_t i = 1; i < n; i += 2)
		CHECK(shadow_release(pages[i], 0, i));
	for (unsigned int k = 0; k < 4; k++)
		check_order_matches_model(k, NO_LIMIT);
	for (size_t i = 0; i < n; i += 2)
		CHECK(shadow_release(pages[i], 0, i));
	CHECK_EQ(page_alloc_free_pages(), sh.nusable);
	check_all_orders_available();
	shadow_fini();
}

TEST(test_exhaust_mixed_orders)
{
	struct { void *p; unsigned int order; } live[1024];
	size_t n = 0;
	unsigned long used = 0;
	bool progress = true;

	shadow_init(4 * MB);
	page_alloc_add_region(sh.base, sh.base + 4 * MB);
	shadow_discover();
	/* Orders 5..0 in turn until no order can be satisfied. */
	while (progress) {
		progress = false;
		for (int order = 5; order >= 0 && n < ARRAY_SIZE(live); order--) {
			void *p = alloc_pages(order);

			if (!p) {
				CHECK(!shadow_has_free_block(order, NO_LIMIT));
				continue;
			}
			CHECK(shadow_claim(p, order, n, NO_LIMIT));
			live[n].p = p;
			live[n++].order = order;
			used += 1UL << order;
			CHECK_EQ(page_alloc_free_pages(), sh.nusable - used);
			progress = true;
		}
	}
	CHECK_EQ(page_alloc_free_pages(), 0);
	CHECK(alloc_pages(0) == NULL);
	for (size_t i = 0; i < n; i++)
		CHECK(shadow_release(live[i].p, live[i].order, i));
	check_all_orders_available();
	shadow_fini();
}

TEST(test_discontiguous_unaligned_regions)
{
	paddr_t lo1, hi1, lo2, hi2;

	shadow_init(8 * MB);
	lo1 = sh.base + 100;
	hi1 = sh.base + 3 * MB + 5;
	lo2 = sh.base + 4 * MB + 3 * PAGE_SIZE + 1;
	hi2 = sh.base + 8 * MB - 2 * PAGE_SIZE - 7;
	/* Added out of order; empty, inverted and one-page ranges are no-ops. */
	page_alloc_add_region(lo2, hi2);
	page_alloc_add_region(lo1, hi1);
	page_alloc_add_region(hi1 + 10, hi1 + 10);
	page_alloc_add_region(hi1 + 50, hi1 + 20);
	page_alloc_add_region(sh.base + 3 * MB + PAGE_SIZE,
			      sh.base + 3 * MB + 2 * PAGE_SIZE);
	shadow_discover();

	for (size_t i = 0; i < sh.npages; i++) {
		paddr_t a = page_addr(i);
		bool in1 = a >= ROUNDUP(lo1, PAGE_SIZE) &&
			   a + PAGE_SIZE <= hi1;
		bool in2 = a >= ROUNDUP(lo2, PAGE_SIZE) &&
			   a + PAGE_SIZE <= hi2;

		if (sh.usable[i])
			CHECK(in1 || in2);
	}
	/* Only the metadata (17 bytes per page) may be missing. */
	CHECK_EQ(sh.nusable, (767 - 4) + (1017 - 5));
	check_all_orders_available();
	shadow_fini();
}

TEST(test_alloc_below)
{
	paddr_t limit;
	unsigned long n = 0;
	void *p;

	shadow_init(8 * MB);
	page_alloc_add_region(sh.base, sh.base + 8 * MB);
	shadow_discover();
	limit = sh.base + MB + 3 * PAGE_SIZE;

	CHECK(alloc_pages_below(0, sh.base) == NULL);
	CHECK(alloc_pages_below(9, limit) == NULL);
	p = alloc_pages_below(7, limit);
	CHECK(p && shadow_claim(p, 7, 0, limit));
	while ((p = alloc_pages_below(0, limit))) {
		CHECK(shadow_claim(p, 0, 1, limit));
		n++;
	}
	CHECK(!shadow_has_free_block(0, limit));
	/* Everything below limit is used; memory above is still there. */
	p = alloc_pages(4);
	CHECK(p && (uintptr_t)p >= limit && shadow_claim(p, 4, 2, NO_LIMIT));
	CHECK_EQ(page_alloc_free_pages(), sh.nusable - n - 128 - 16);

	for (size_t i = 0; i < sh.npages; i++) {
		if (sh.owner[i] == 1) {
			void *q = (void *)page_addr(i);

			CHECK(shadow_release(q, 0, 1));
		} else if (sh.owner[i] == 0 || sh.owner[i] == 2) {
			unsigned int order = sh.owner[i] ? 4 : 7;

			CHECK(shadow_release((void *)page_addr(i), order,
					     sh.owner[i]));
		}
	}
	check_all_orders_available();
	shadow_fini();
}

static u64 rnd_state = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

#define STRESS_LIVE 512

/* One random step; false once the allocator disagrees with the model. */
static bool stress_step(void **live, unsigned int *order, size_t *nlive,
			unsigned long *used)
{
	u64 r = rnd();

	if (*nlive && (r % 100 < 45 || *nlive == STRESS_LIVE)) {
		size_t i = (r >> 8) % *nlive;
		int id = sh.owner[page_index(live[i])];

		*used -= 1UL << order[i];
		if (!shadow_release(live[i], order[i], id))
			return false;
		live[i] = live[--*nlive];
		order[i] = order[*nlive];
	} else {
		/* Orders 0..6, smaller ones likelier. */
		unsigned int k = __builtin_ctzll((r >> 8) | 0x40);
		paddr_t limit = NO_LIMIT;
		void *p;

		if (r % 8 == 1)
			limit = sh.base + (r >> 20) % (sh.npages * PAGE_SIZE);
		p = limit == NO_LIMIT ? alloc_pages(k) : alloc_pages_below(k, limit);
		if (!p)
			return !shadow_has_free_block(k, limit);
		if (!shadow_claim(p, k, (int)(r >> 33), limit))
			return false;
		live[*nlive] = p;
		order[(*nlive)++] = k;
		*used += 1UL << k;
	}
	return page_alloc_free_pages() == sh.nusable - *used;
}

TEST(test_random_against_model)
{
	void *live[STRESS_LIVE];
	unsigned int order[STRESS_LIVE];
	size_t nlive = 0;
	unsigned long used = 0;
	int step;

	/* Two regions with ragged edges inside one 8 MiB arena. */
	shadow_init(8 * MB);
	page_alloc_add_region(sh.base + 100, sh.base + 3 * MB + 5);
	page_alloc_add_region(sh.base + 4 * MB + 3 * PAGE_SIZE + 1,
			      sh.base + 8 * MB - 2 * PAGE_SIZE - 7);
	shadow_discover();

	for (step = 0; step < 40000; step++)
		if (!stress_step(live, order, &nlive, &used))
			break;
	CHECK_EQ(step, 40000);
	while (nlive) {
		nlive--;
		CHECK(shadow_release(live[nlive], order[nlive],
				     sh.owner[page_index(live[nlive])]));
	}
	CHECK_EQ(page_alloc_free_pages(), sh.nusable);
	check_all_orders_available();
	shadow_fini();
}

TEST(test_zeroed)
{
	u8 *p;
	bool zero = true;

	shadow_init(1 * MB);
	page_alloc_add_region(sh.base, sh.base + MB);
	p = alloc_pages(2);
	CHECK(p != NULL);
	memset(p, 0xa5, 4 * PAGE_SIZE);
	free_pages(p, 2);
	p = alloc_zeroed_pages(2);
	CHECK(p != NULL);
	for (size_t i = 0; p && i < 4 * PAGE_SIZE; i++)
		zero &= p[i] == 0;
	CHECK(zero);
	free_pages(p, 2);
	free_pages(NULL, 3);	/* no-op */
	CHECK(alloc_pages(PAGE_ALLOC_MAX_ORDER + 1) == NULL);
	shadow_fini();
}

/* 1 GiB blocks, in reserved but mostly untouched address space:
 * only the map and the free-list nodes are ever written. */
TEST(test_max_order)
{
	size_t gib = 1UL << 30;
	u8 *map = mmap(NULL, 3 * gib, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t a;
	void *p;

	if (map == MAP_FAILED) {
		fprintf(stderr, "test_max_order: no 3 GiB mapping, skipped\n");
		return;
	}
	a = ROUNDUP((uintptr_t)map, gib);
	page_alloc_reset();
	/* The metadata (1097 pages) must go at the ragged end, sparing the
	 * 1 GiB block. */
	page_alloc_add_region(a, a + gib + 8 * MB);
	CHECK_EQ(page_alloc_total_pages(), (gib + 8 * MB) / PAGE_SIZE - 1097);
	p = alloc_pages(PAGE_ALLOC_MAX_ORDER);
	CHECK(p && (uintptr_t)p % gib == 0);
	CHECK(alloc_pages(PAGE_ALLOC_MAX_ORDER) == NULL);
	CHECK(alloc_pages(PAGE_ALLOC_MAX_ORDER + 1) == NULL);
	free_pages(p, PAGE_ALLOC_MAX_ORDER);
	CHECK_EQ(page_alloc_free_pages(), page_alloc_total_pages());
	page_alloc_reset();
	munmap(map, 3 * gib);
}

/* Misuse must panic (abort), never corrupt the heap silently.  Each case
 * runs in a child so the parent's heap stays intact. */
static void *victim;
static unsigned int victim_order;

static void do_free_victim(void)
{
	free_pages(victim, victim_order);
}

static void do_double_free(void)
{
	free_pages(victim, victim_order);
	free_pages(victim, victim_order);
}

static void do_alloc_after_corruption(void)
{
	memset(victim, 0, 8);	/* write after free, over the list node */
	for (int i = 0; i < 4096; i++)
		alloc_page();
}

static void do_add_overlap(void)
{
	page_alloc_add_region(sh.base + 4 * PAGE_SIZE, sh.base + 8 * PAGE_SIZE);
}

TEST(test_misuse_is_caught)
{
	static u8 foreign[2 * PAGE_SIZE];
	u8 *p, *q;

	shadow_init(1 * MB);
	page_alloc_add_region(sh.base, sh.base + MB);
	p = alloc_pages(2);
	q = alloc_page();

	victim = p, victim_order = 2;
	CHECK(!unit_dies(do_free_victim));		/* the control case */
	CHECK(unit_dies(do_double_free));
	victim = p, victim_order = 1;
	CHECK(unit_dies(do_free_victim));		/* wrong order */
	victim = p, victim_order = 3;
	CHECK(unit_dies(do_free_victim));
	victim = p + PAGE_SIZE, victim_order = 0;
	CHECK(unit_dies(do_free_victim));		/* interior page */
	victim = p + 16, victim_order = 0;
	CHECK(unit_dies(do_free_victim));		/* misaligned */
	victim = (void *)ROUNDUP((uintptr_t)foreign, PAGE_SIZE);
	CHECK(unit_dies(do_free_victim));		/* not in any region */
	victim = p, victim_order = PAGE_ALLOC_MAX_ORDER + 1;
	CHECK(unit_dies(do_free_victim));

	/* q's buddy stays allocated, so q sits alone on the order-0 list. */
	free_page(q);
	victim = q;
	CHECK(unit_dies(do_alloc_after_corruption));
	victim = q, victim_order = 0;
	CHECK(unit_dies(do_free_victim));		/* q is already free */
	CHECK(unit_dies(do_add_overlap));

	free_pages(p, 2);
	shadow_fini();
}

UNIT_MAIN(test_split_and_merge, test_exhaust_mixed_orders,
	  test_discontiguous_unaligned_regions, test_alloc_below,
	  test_random_against_model, test_zeroed, test_max_order,
	  test_misuse_is_caught)
