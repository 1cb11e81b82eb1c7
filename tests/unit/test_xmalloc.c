/*
 * Host tests for xmalloc (xen/common/xmalloc.c) over the real buddy
 * allocator, fed an arena from posix_memalign() as its "physical" RAM.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <xen/xmalloc.h>

#define ARENA_SIZE (4UL << 20)
#include "arena.h"

/* Everything freed: no bytes, no objects, and every page back (slabs are
 * released when empty). */
static void teardown(void)
{
	CHECK_EQ(xmalloc_used_bytes(), 0);
	CHECK_EQ(xmalloc_used_objects(), 0);
	arena_teardown();
}

static bool in_arena(const void *p, size_t size)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)arena;

	return a >= b && a + size <= b + ARENA_SIZE;
}

static bool filled(const u8 *p, size_t n, u8 v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

TEST(test_every_size)
{
	static const size_t sizes[] = {
		0, 1, 15, 16, 17, 32, 33, 48, 49, 64, 65, 96, 97, 128, 129,
		192, 193, 256, 257, 336, 337, 448, 449, 576, 577, 800, 801,
		1008, 1009, 1024, 1344, 1345, 2016, 2017, 2048, 4000, 4080,
		4081, 4096, 8192, 100000, 1 << 20,
	};
	void *p[ARRAY_SIZE(sizes)];
	unsigned long bytes = 0;

	setup();
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = xmalloc_bytes(sizes[i]);
		CHECK(p[i] && in_arena(p[i], sizes[i]));
		CHECK_EQ((uintptr_t)p[i] % XMALLOC_ALIGN, 0);
		memset(p[i], (int)i, sizes[i]);
		CHECK(xmalloc_used_bytes() >= bytes + sizes[i]);
		bytes = xmalloc_used_bytes();
		CHECK_EQ(xmalloc_used_objects(), i + 1);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		CHECK(filled(p[i], sizes[i], (u8)i));
		xfree(p[i]);
	}
	teardown();
}

/* Per class: fill several slabs, check the objects tile without overlap,
 * then free them in an interleaved order. */
TEST(test_slab_classes_no_overlap)
{
	enum { N = 300 };
	static const size_t sizes[] = {
		16, 32, 48, 64, 96, 128, 192, 256, 336, 448, 576, 800, 1008,
		1344, 2016,
	};
	static u8 *p[N];

	setup();
	for (size_t c = 0; c < ARRAY_SIZE(sizes); c++) {
		size_t sz = sizes[c];

		for (int i = 0; i < N; i++) {
			p[i] = xmalloc_bytes(sz);
			CHECK(p[i] && in_arena(p[i], sz));
			memset(p[i], i & 0xff, sz);
		}
		CHECK_EQ(xmalloc_used_bytes(), N * sz);
		for (int i = 0; i < N; i++)
			CHECK(filled(p[i], sz, i & 0xff));
		for (int i = 0; i < N; i += 2)
			xfree(p[i]);
		for (int i = 1; i < N; i += 2)
			xfree(p[i]);
		CHECK_EQ(xmalloc_used_objects(), 0);
		CHECK_EQ(page_alloc_free_pages(), free_at_start);
	}
	teardown();
}

TEST(test_reuse)
{
	u8 *a, *b, *c, *big, *big2;

	setup();
	a = xmalloc_bytes(64);
	b = xmalloc_bytes(64);
	CHECK(a && b && a != b);
	xfree(b);
	c = xmalloc_bytes(60);		/* same class: b's slot again */
	CHECK(c == b);
	xfree(a);
	xfree(c);

	big = xmalloc_bytes(3 * PAGE_SIZE);
	CHECK(big != NULL);
	CHECK_EQ(page_alloc_free_pages(), free_at_start - 4);
	xfree(big);
	CHECK_EQ(page_alloc_free_pages(), free_at_start);
	big2 = xmalloc_bytes(3 * PAGE_SIZE);
	CHECK(big2 != NULL);
	CHECK_EQ(page_alloc_free_pages(), free_at_start - 4);
	xfree(big2);
	teardown();
}

struct thing {
	u64 a, b;
	u32 c;
};

TEST(test_typed_and_overflow)
{
	struct thing *t, *arr;
	u32 *z;
	u8 *dirty;

	setup();
	/* Dirty a slab slot so xzalloc has something to clear. */
	dirty = xmalloc_bytes(400);
	memset(dirty, 0xff, 400);
	xfree(dirty);
	z = xzalloc_array(u32, 100);
	CHECK(z && filled((u8 *)z, 400, 0));
	xfree(z);

	t = xzalloc(struct thing);
	CHECK(t && t->a == 0 && t->b == 0 && t->c == 0);
	arr = xmalloc_array(struct thing, 1000);
	CHECK(arr != NULL);
	if (arr)
		arr[999].c = 7;
	xfree(arr);
	xfree(t);

	/* Products that wrap around to 8 bytes must not "succeed". */
	CHECK(xmalloc_array(u64, SIZE_MAX / 8 + 2) == NULL);
	CHECK(xzalloc_array(struct thing, SIZE_MAX / sizeof(struct thing) + 1)
	      == NULL);
	CHECK(xmalloc_array(u64, SIZE_MAX / 4) == NULL);
	CHECK(xmalloc_array(struct thing, SIZE_MAX / 2) == NULL);
	CHECK(xzalloc_array(u32, (size_t)-1) == NULL);
	CHECK(xmalloc_bytes(SIZE_MAX) == NULL);
	CHECK(xmalloc_bytes(SIZE_MAX - 8) == NULL);
	CHECK(xmalloc_bytes((size_t)1 << 40) == NULL);	/* > max order */
	CHECK(xmalloc_bytes(ARENA_SIZE) == NULL);	/* > the arena */
	z = xmalloc_array(u32, 0);
	CHECK(z != NULL);
	xfree(z);
	xfree(NULL);
	teardown();
}

static u64 rnd_state = 0x2545f4914f6cdd1dULL;

static u64 rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* Random sizes (mostly small) and random frees; each object carries a
 * pattern derived from its slot, checked before it is freed. */
TEST(test_random_mix)
{
	enum { SLOTS = 400 };
	static u8 *p[SLOTS];
	static size_t len[SLOTS];
	bool ok = true;

	setup();
	for (int step = 0; step < 50000 && ok; step++) {
		u64 r = rnd();
		int i = r % SLOTS;

		if (p[i]) {
			ok = filled(p[i], len[i], (u8)(i * 7 + 1));
			xfree(p[i]);
			p[i] = NULL;
			continue;
		}
		len[i] = (r >> 16) % (r & 0x100 ? 2100 : 9000);
		p[i] = xmalloc_bytes(len[i]);
		if (!p[i])
			continue;	/* arena full: allowed */
		ok = (uintptr_t)p[i] % XMALLOC_ALIGN == 0 &&
		     in_arena(p[i], len[i]);
		memset(p[i], (u8)(i * 7 + 1), len[i]);
	}
	CHECK(ok);
	for (int i = 0; i < SLOTS; i++) {
		if (p[i])
			CHECK(filled(p[i], len[i], (u8)(i * 7 + 1)));
		xfree(p[i]);
		p[i] = NULL;
	}
	teardown();
}

TEST(test_exhaustion)
{
	static void *p[4096];
	size_t n = 0;

	setup();
	while (n < ARRAY_SIZE(p) && (p[n] = xmalloc_bytes(1000)))
		n++;
	CHECK(n > 0 && n < ARRAY_SIZE(p));
	/* Slabs of four fill whole pages, so nothing at all is left. */
	CHECK_EQ(page_alloc_free_pages(), 0);
	CHECK(xmalloc_bytes(16) == NULL);
	CHECK(xmalloc_bytes(5000) == NULL);
	while (n)
		xfree(p[--n]);
	teardown();
}

static void *victim;

static void do_xfree(void)
{
	xfree(victim);
}

static void do_double_xfree(void)
{
	xfree(victim);
	xfree(victim);
}

TEST(test_misuse_is_caught)
{
	u8 *small, *other, *big;

	setup();
	small = xmalloc_bytes(100);
	other = xmalloc_bytes(100);	/* keeps the slab alive */
	big = xmalloc_bytes(10000);

	victim = small;
	CHECK(!unit_dies(do_xfree));			/* the control case */
	CHECK(unit_dies(do_double_xfree));
	victim = small + 8;
	CHECK(unit_dies(do_xfree));			/* misaligned */
	victim = small + 16;
	CHECK(unit_dies(do_xfree));			/* inside an object */
	victim = small + 4 * 128;
	CHECK(unit_dies(do_xfree));			/* slot never handed out */
	victim = big;
	CHECK(unit_dies(do_double_xfree));
	victim = big + PAGE_SIZE;
	CHECK(unit_dies(do_xfree));			/* inside a large block */

	xfree(small);
	xfree(other);
	xfree(big);
	teardown();
}

UNIT_MAIN(test_every_size, test_slab_classes_no_overlap, test_reuse,
	  test_typed_and_overflow, test_random_mix, test_exhaustion,
	  test_misuse_is_caught)
