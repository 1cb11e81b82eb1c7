/*
 * Host tests for the p2m (hvm/p2m/p2m.c) over the real page allocator, fed
 * an arena from posix_memalign() as its "physical" RAM.  The mapped frames
 * are just numbers: the p2m never touches the memory it maps, so the tests
 * read the tables it builds (through p2m_root(), as the CPU would) and
 * check the exact bits the vendors' nested paging will see.
 */
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include <hvm/p2m/p2m.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/page_alloc.h>

#define ARENA_SIZE (4UL << 20)
#define ADDR_MASK 0x000ffffffffff000ULL

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

/* Every table page and the struct itself went back to the allocator. */
static void teardown(void)
{
	CHECK_EQ(page_alloc_free_pages(), free_at_start);
	page_alloc_reset();
	free(arena);
}

/* The raw entry for @gfn at @level (4..1), walking as the CPU does;
 * 0 when a level above is absent or already a leaf. */
static u64 raw_entry(const struct p2m *p, u64 gfn, unsigned int level)
{
	const u64 *t = (const u64 *)(uintptr_t)p2m_root(p);

	for (unsigned int l = 4;; l--) {
		u64 e = t[(gfn >> (9 * (l - 1))) & 511];

		if (l == level)
			return e;
		if (!(e & 7) || (e & (1ULL << 7)))
			return 0;
		t = (const u64 *)(uintptr_t)(e & ADDR_MASK);
	}
}

static bool maps_to(const struct p2m *p, u64 gfn, mfn_t mfn,
		    unsigned int perms)
{
	mfn_t m = ~0ULL;
	unsigned int pr = ~0U;

	return p2m_lookup(p, gfn, &m, &pr) == 0 && m == mfn && pr == perms;
}

static bool unmapped(const struct p2m *p, u64 gfn)
{
	mfn_t m;
	unsigned int pr;

	return p2m_lookup(p, gfn, &m, &pr) == -ENOENT;
}

TEST(test_npt_encoding)
{
	struct p2m *p;
	u64 e;

	setup();
	p = p2m_create(P2M_NPT);
	CHECK(p != NULL);
	CHECK_EQ(p2m_format_of(p), P2M_NPT);
	CHECK_EQ(p2m_table_pages(p), 1);
	CHECK_EQ(p2m_root(p) % PAGE_SIZE, 0);

	/* RW, no X: P|RW|US|NX; tables P|RW|US. */
	CHECK_EQ(p2m_map(p, 0x12345, 0xabcde, 0, P2M_R | P2M_W), 0);
	CHECK_EQ(raw_entry(p, 0x12345, 1),
		 (0xabcdeULL << 12) | 0x7 | (1ULL << 63));
	for (unsigned int l = 4; l >= 2; l--) {
		e = raw_entry(p, 0x12345, l);
		CHECK_EQ(e & ~ADDR_MASK, 0x7);
	}
	CHECK_EQ(p2m_table_pages(p), 4);
	CHECK(maps_to(p, 0x12345, 0xabcde, P2M_R | P2M_W));

	/* RX: P|US only; 2 MiB RWX: P|RW|US|PS. */
	CHECK_EQ(p2m_map(p, 0x12346, 0x777, 0, P2M_R | P2M_X), 0);
	CHECK_EQ(raw_entry(p, 0x12346, 1), (0x777ULL << 12) | 0x5);
	CHECK_EQ(p2m_map(p, 0x40000, 0x80000, 9, P2M_RWX), 0);
	CHECK_EQ(raw_entry(p, 0x40000, 2), (0x80000ULL << 12) | 0x87);
	CHECK(maps_to(p, 0x401ff, 0x801ff, P2M_RWX));

	/* Execute-only cannot be said in NPT: read is implied. */
	CHECK_EQ(p2m_map(p, 0x12347, 0x778, 0, P2M_X), 0);
	CHECK_EQ(raw_entry(p, 0x12347, 1), (0x778ULL << 12) | 0x5);
	CHECK(maps_to(p, 0x12347, 0x778, P2M_R | P2M_X));
	p2m_destroy(p);
	teardown();
}

TEST(test_ept_encoding)
{
	struct p2m *p;

	setup();
	p = p2m_create(P2M_EPT);
	CHECK(p != NULL);
	CHECK_EQ(p2m_format_of(p), P2M_EPT);

	/* RX with WB (6 << 3), IPAT clear: 0x35.  Tables R|W|X. */
	CHECK_EQ(p2m_map(p, 0x5, 0x1234, 0, P2M_R | P2M_X), 0);
	CHECK_EQ(raw_entry(p, 0x5, 1), (0x1234ULL << 12) | 0x35);
	for (unsigned int l = 4; l >= 2; l--)
		CHECK_EQ(raw_entry(p, 0x5, l) & ~ADDR_MASK, 0x7);
	CHECK(maps_to(p, 0x5, 0x1234, P2M_R | P2M_X));

	/* RW: 0x33; R: 0x31; 2 MiB RWX: 0x37 | bit 7. */
	CHECK_EQ(p2m_map(p, 0x6, 0x1, 0, P2M_R | P2M_W), 0);
	CHECK_EQ(raw_entry(p, 0x6, 1), (0x1ULL << 12) | 0x33);
	CHECK_EQ(p2m_map(p, 0x7, 0x2, 0, P2M_R), 0);
	CHECK_EQ(raw_entry(p, 0x7, 1), (0x2ULL << 12) | 0x31);
	CHECK_EQ(p2m_map(p, 0x200, 0x400, 9, P2M_RWX), 0);
	CHECK_EQ(raw_entry(p, 0x200, 2), (0x400ULL << 12) | 0xb7);
	CHECK(maps_to(p, 0x3ff, 0x5ff, P2M_RWX));
	/* Execute-only would need a CPU capability: R is added. */
	CHECK_EQ(p2m_map(p, 0x8, 0x3, 0, P2M_X), 0);
	CHECK_EQ(raw_entry(p, 0x8, 1), (0x3ULL << 12) | 0x35);
	p2m_destroy(p);
	teardown();
}

static void map_lookup_unmap(enum p2m_format fmt)
{
	static const u64 gfns[] = { 0, 1, 511, 512, 0x3ffff, 0x40000,
				    0x7ffffff, 0x8000000, P2M_MAX_GFN };
	struct p2m *p;

	setup();
	p = p2m_create(fmt);
	for (unsigned int i = 0; i < ARRAY_SIZE(gfns); i++)
		CHECK_EQ(p2m_map(p, gfns[i], 0x100 + i, 0, P2M_RWX), 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(gfns); i++)
		CHECK(maps_to(p, gfns[i], 0x100 + i, P2M_RWX));
	CHECK(unmapped(p, 2));
	CHECK(unmapped(p, 0x8000001));
	CHECK(unmapped(p, P2M_MAX_GFN + 1));
	/* Replace one. */
	CHECK_EQ(p2m_map(p, 511, 0x999, 0, P2M_R), 0);
	CHECK(maps_to(p, 511, 0x999, P2M_R));

	for (unsigned int i = 0; i < ARRAY_SIZE(gfns); i++) {
		CHECK_EQ(p2m_unmap(p, gfns[i], 0), 0);
		CHECK(unmapped(p, gfns[i]));
		/* Twice: absent is not an error. */
		CHECK_EQ(p2m_unmap(p, gfns[i], 0), 0);
	}
	/* Every table was freed but the root. */
	CHECK_EQ(p2m_table_pages(p), 1);
	CHECK_EQ(page_alloc_free_pages(), free_at_start - 2);	/* root, slab */
	p2m_destroy(p);
	teardown();
}

TEST(test_map_lookup_unmap_npt)
{
	map_lookup_unmap(P2M_NPT);
}

TEST(test_map_lookup_unmap_ept)
{
	map_lookup_unmap(P2M_EPT);
}

static void split_keeps_others(enum p2m_format fmt)
{
	const u64 base = 0x3000 * 512, mbase = 0x77 * 512;
	struct p2m *p;
	bool ok = true;
	unsigned long pages;

	setup();
	p = p2m_create(fmt);
	CHECK_EQ(p2m_map(p, base, mbase, 9, P2M_RWX), 0);
	pages = p2m_table_pages(p);

	/* A 4 KiB remap inside: one new table, 511 pages as they were. */
	CHECK_EQ(p2m_map(p, base + 5, 0x4242, 0, P2M_R), 0);
	CHECK_EQ(p2m_table_pages(p), pages + 1);
	for (u64 i = 0; i < 512; i++)
		if (i != 5)
			ok &= maps_to(p, base + i, mbase + i, P2M_RWX);
	CHECK(ok);
	CHECK(maps_to(p, base + 5, 0x4242, P2M_R));
	CHECK(unmapped(p, base + 512));
	CHECK(unmapped(p, base - 1));

	/* 2 MiB over the 4 KiB table: the table is freed. */
	CHECK_EQ(p2m_map(p, base, mbase + 512, 9, P2M_R | P2M_W), 0);
	CHECK_EQ(p2m_table_pages(p), pages);
	CHECK(maps_to(p, base + 5, mbase + 517, P2M_R | P2M_W));

	/* A 4 KiB hole in a 2 MiB leaf splits it too. */
	CHECK_EQ(p2m_unmap(p, base + 511, 0), 0);
	CHECK_EQ(p2m_table_pages(p), pages + 1);
	CHECK(unmapped(p, base + 511));
	ok = true;
	for (u64 i = 0; i < 511; i++)
		ok &= maps_to(p, base + i, mbase + 512 + i, P2M_R | P2M_W);
	CHECK(ok);

	/* Unmapping the 2 MiB range takes the table and the empty path. */
	CHECK_EQ(p2m_unmap(p, base, 9), 0);
	CHECK(unmapped(p, base));
	CHECK_EQ(p2m_table_pages(p), 1);
	p2m_destroy(p);
	teardown();
}

TEST(test_split_npt)
{
	split_keeps_others(P2M_NPT);
}

TEST(test_split_ept)
{
	split_keeps_others(P2M_EPT);
}

/* Take every free page; return how many were taken. */
static size_t exhaust(void **pages, size_t max)
{
	size_t n = 0;

	while (n < max && (pages[n] = alloc_page()))
		n++;
	CHECK_EQ(page_alloc_free_pages(), 0);
	return n;
}

TEST(test_enomem_leaves_map_unchanged)
{
	static void *pages[1024];
	struct p2m *p;
	size_t n;
	bool ok = true;

	setup();
	p = p2m_create(P2M_EPT);
	CHECK_EQ(p2m_map(p, 0x200, 0x600, 9, P2M_R | P2M_X), 0);
	CHECK_EQ(p2m_map(p, 0x1000, 0x5, 0, P2M_R), 0);
	CHECK_EQ(p2m_table_pages(p), 4);	/* root, L3, L2, one L1 */
	n = exhaust(pages, ARRAY_SIZE(pages));

	/* Split needs one page, a new path three, a split unmap one. */
	CHECK_EQ(p2m_map(p, 0x201, 0x9, 0, P2M_RWX), -ENOMEM);
	CHECK_EQ(p2m_map(p, 1ULL << 30, 0x9, 0, P2M_RWX), -ENOMEM);
	CHECK_EQ(p2m_unmap(p, 0x201, 0), -ENOMEM);
	/* With two of the three pages a new path needs: still nothing. */
	free_page(pages[--n]);
	free_page(pages[--n]);
	CHECK_EQ(p2m_map(p, 1ULL << 30, 0x9, 0, P2M_RWX), -ENOMEM);
	CHECK_EQ(page_alloc_free_pages(), 2);
	CHECK_EQ(p2m_table_pages(p), 4);
	for (u64 i = 0; i < 512; i++)
		ok &= maps_to(p, 0x200 + i, 0x600 + i, P2M_R | P2M_X);
	CHECK(ok);
	CHECK(maps_to(p, 0x1000, 0x5, P2M_R));
	CHECK(unmapped(p, 1ULL << 30));
	CHECK_EQ(raw_entry(p, 0x200, 2), (0x600ULL << 12) | 0xb5);

	/* Needing no page (replacing a 4 KiB leaf) still works. */
	CHECK_EQ(p2m_map(p, 0x1000, 0x6, 0, P2M_RWX), 0);
	CHECK(maps_to(p, 0x1000, 0x6, P2M_RWX));
	/* Two free pages are enough for a split. */
	CHECK_EQ(p2m_map(p, 0x201, 0x9, 0, P2M_RWX), 0);
	CHECK(maps_to(p, 0x201, 0x9, P2M_RWX));
	CHECK(maps_to(p, 0x202, 0x602, P2M_R | P2M_X));

	while (n)
		free_page(pages[--n]);
	p2m_destroy(p);
	teardown();
}

TEST(test_destroy_frees_everything)
{
	struct p2m *p;

	setup();
	p = p2m_create(P2M_NPT);
	for (u64 i = 0; i < 64; i++) {
		CHECK_EQ(p2m_map(p, i * 0x1234567 % P2M_MAX_GFN, i, 0, P2M_R),
			 0);
		CHECK_EQ(p2m_map(p, (i << 20) | 0x200, i << 9, 9, P2M_RWX), 0);
	}
	CHECK(p2m_table_pages(p) > 64);
	CHECK_EQ(page_alloc_free_pages(),
		 free_at_start - p2m_table_pages(p) - 1);
	p2m_destroy(p);
	p2m_destroy(NULL);
	teardown();
}

TEST(test_invalid_arguments)
{
	struct p2m *p;
	mfn_t m;
	unsigned int pr;

	setup();
	CHECK(p2m_create(7) == NULL);
	p = p2m_create(P2M_NPT);
	/* Misaligned gfn or mfn, bad orders. */
	CHECK_EQ(p2m_map(p, 0x201, 0x400, 9, P2M_RWX), -EINVAL);
	CHECK_EQ(p2m_map(p, 0x200, 0x401, 9, P2M_RWX), -EINVAL);
	CHECK_EQ(p2m_map(p, 0x200, 0x400, 1, P2M_RWX), -EINVAL);
	CHECK_EQ(p2m_map(p, 0x0, 0x0, 18, P2M_RWX), -EINVAL);
	/* Out of range. */
	CHECK_EQ(p2m_map(p, P2M_MAX_GFN + 1, 0, 0, P2M_RWX), -EINVAL);
	CHECK_EQ(p2m_map(p, ~0ULL, 0, 0, P2M_RWX), -EINVAL);
	CHECK_EQ(p2m_map(p, (P2M_MAX_GFN + 1) << 1, 0, 9, P2M_RWX), -EINVAL);
	CHECK_EQ(p2m_map(p, 0, 1ULL << 40, 0, P2M_RWX), -EINVAL);
	CHECK_EQ(p2m_map(p, 0, ~0ULL, 0, P2M_RWX), -EINVAL);
	/* Perms: none, W without R, unknown bits. */
	CHECK_EQ(p2m_map(p, 0, 0, 0, 0), -EINVAL);
	CHECK_EQ(p2m_map(p, 0, 0, 0, P2M_W), -EINVAL);
	CHECK_EQ(p2m_map(p, 0, 0, 0, P2M_W | P2M_X), -EINVAL);
	CHECK_EQ(p2m_map(p, 0, 0, 0, P2M_R | 8), -EINVAL);
	CHECK_EQ(p2m_unmap(p, 0x201, 9), -EINVAL);
	CHECK_EQ(p2m_unmap(p, 0, 3), -EINVAL);
	CHECK_EQ(p2m_unmap(p, P2M_MAX_GFN + 1, 0), -EINVAL);
	CHECK_EQ(p2m_lookup(p, ~0ULL, &m, &pr), -ENOENT);
	/* Nothing was built by the failures. */
	CHECK_EQ(p2m_table_pages(p), 1);
	/* The last 2 MiB of the space is fine. */
	CHECK_EQ(p2m_map(p, P2M_MAX_GFN - 511, 0x200, 9, P2M_R), 0);
	CHECK(maps_to(p, P2M_MAX_GFN, 0x3ff, P2M_R));
	p2m_destroy(p);
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

/* Random 4 KiB / 2 MiB maps and unmaps over 8 MiB of guest space, checked
 * against a flat model after every step; in the end every table goes. */
#define MODEL_GFNS 2048

static void random_against_model(enum p2m_format fmt)
{
	static mfn_t model[MODEL_GFNS];	/* 0: unmapped */
	static unsigned int model_perms[MODEL_GFNS];
	static const unsigned int perm_set[] = {
		P2M_R, P2M_R | P2M_W, P2M_R | P2M_X, P2M_RWX,
	};
	/* Straddles a level-4 boundary (2^27 gfns). */
	const u64 gbase = (5ULL << 27) - MODEL_GFNS / 2;
	struct p2m *p;
	int bad = 0;

	setup();
	memset(model, 0, sizeof(model));
	p = p2m_create(fmt);
	for (int step = 0; step < 3000 && !bad; step++) {
		u64 r = rnd();
		unsigned int order = (r & 3) == 0 ? 9 : 0;
		u64 idx = (r >> 8) % MODEL_GFNS & ~((1ULL << order) - 1);
		unsigned int perms = perm_set[(r >> 40) & 3];
		mfn_t mfn = (((r >> 20) & 0xfff) + 1) << 9;

		if (r & 4) {
			CHECK_EQ(p2m_map(p, gbase + idx, mfn, order, perms), 0);
			for (u64 i = 0; i < (1ULL << order); i++) {
				model[idx + i] = mfn + i;
				model_perms[idx + i] = perms;
			}
		} else {
			CHECK_EQ(p2m_unmap(p, gbase + idx, order), 0);
			for (u64 i = 0; i < (1ULL << order); i++)
				model[idx + i] = 0;
		}
		for (u64 g = 0; g < MODEL_GFNS; g++)
			if (model[g] ? !maps_to(p, gbase + g, model[g],
						model_perms[g]) :
				       !unmapped(p, gbase + g))
				bad++;
	}
	CHECK_EQ(bad, 0);
	for (u64 g = 0; g < MODEL_GFNS; g += 512)
		CHECK_EQ(p2m_unmap(p, gbase + g, 9), 0);
	CHECK_EQ(p2m_table_pages(p), 1);
	p2m_destroy(p);
	teardown();
}

TEST(test_random_npt)
{
	random_against_model(P2M_NPT);
}

TEST(test_random_ept)
{
	random_against_model(P2M_EPT);
}

UNIT_MAIN(test_npt_encoding, test_ept_encoding, test_map_lookup_unmap_npt,
	  test_map_lookup_unmap_ept, test_split_npt, test_split_ept,
	  test_enomem_leaves_map_unchanged, test_destroy_frees_everything,
	  test_invalid_arguments, test_random_npt, test_random_ept)
