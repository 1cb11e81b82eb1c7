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
#include "arena.h"
#define ADDR_MASK 0x000ffffffffff000ULL

/* The raw entry for @gfn at @level (4..1), walking as the CPU does;
 * 0 when a level above is absent or already a leaf. */
static u64 raw_entry(const struct p2m *p, u64 gfn, unsigned int level)
{
	const u64 *t = (const u64 *)(uintptr_t)p2m_root(p);

	for (unsigned int l = 4;; l--) {
		u64 e = t[(gfn >> (9 * (l - 1))) & 511];

		if (l == level)
			return e;
		if (!e || (e & (1ULL << 7)))
			return 0;
		t = (const u64 *)(uintptr_t)(e & ADDR_MASK);
	}
}

#define TYPE_OF(e) (((e) >> 52) & 0xf)

static bool maps_to(const struct p2m *p, u64 gfn, mfn_t mfn, enum p2m_type t)
{
	mfn_t m = ~0ULL;

	return p2m_get(p, gfn, &m) == t && m == mfn;
}

static bool unmapped(const struct p2m *p, u64 gfn)
{
	mfn_t m;

	return p2m_get(p, gfn, &m) == p2m_invalid;
}

/* Drain everything (budget per call @step), counting leaves and pages. */
static unsigned long drained_pages, drained_leaves;

static void count_leaf(void *ctx, u64 gfn, const struct p2m_entry *e)
{
	drained_leaves++;
	drained_pages += 1UL << e->order;
}

static void drain_all(struct p2m *p, unsigned long step)
{
	unsigned long budget;
	int rc, guard = 0;

	drained_pages = drained_leaves = 0;
	do {
		budget = step;
		rc = p2m_drain(p, count_leaf, NULL, &budget);
		CHECK(rc == 0 || rc == -EAGAIN);
	} while (rc && ++guard < 100000);
	CHECK_EQ(p2m_table_pages(p), 1);
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

	/* Grant RW: P|RW|US|A|D|NX, type 3; tables P|RW|US|A.  Accessed
	 * and dirty come preset: no walker ever has to write an entry. */
	CHECK_EQ(p2m_set(p, 0x12345, 0xabcde, 0, p2m_grant_map_rw, NULL), 0);
	CHECK_EQ(raw_entry(p, 0x12345, 1), (0xabcdeULL << 12) | 0x67 |
		 (1ULL << 63) | ((u64)p2m_grant_map_rw << 52));
	for (unsigned int l = 4; l >= 2; l--) {
		e = raw_entry(p, 0x12345, l);
		CHECK_EQ(e & ~ADDR_MASK, 0x27);
	}
	CHECK_EQ(p2m_table_pages(p), 4);
	CHECK(maps_to(p, 0x12345, 0xabcde, p2m_grant_map_rw));

	/* RAM read-only (RX): P|US|A|D; 2 MiB RAM: P|RW|US|A|D|PS. */
	CHECK_EQ(p2m_set(p, 0x12346, 0x777, 0, p2m_ram_ro, NULL), 0);
	CHECK_EQ(raw_entry(p, 0x12346, 1), (0x777ULL << 12) | 0x65 |
		 ((u64)p2m_ram_ro << 52));
	CHECK_EQ(p2m_set(p, 0x40000, 0x80000, 9, p2m_ram_rw, NULL), 0);
	CHECK_EQ(raw_entry(p, 0x40000, 2), (0x80000ULL << 12) | 0xe7 |
		 ((u64)p2m_ram_rw << 52));
	CHECK(maps_to(p, 0x401ff, 0x801ff, p2m_ram_rw));

	/* Direct MMIO is uncached (PCD|PWT); device-model MMIO is not
	 * present at all, only typed. */
	CHECK_EQ(p2m_set(p, 0x12347, 0xfee00, 0, p2m_mmio_direct, NULL), 0);
	CHECK_EQ(raw_entry(p, 0x12347, 1) & 0x1f, 0x1f);
	CHECK_EQ(p2m_set(p, 0x12348, 0x1234, 0, p2m_mmio_dm, NULL), 0);
	CHECK_EQ(raw_entry(p, 0x12348, 1), (u64)p2m_mmio_dm << 52);
	CHECK(maps_to(p, 0x12348, 0, p2m_mmio_dm));
	drain_all(p, ~0UL);
	p2m_destroy(p);
	arena_teardown();
}

TEST(test_ept_encoding)
{
	struct p2m *p;

	setup();
	p = p2m_create(P2M_EPT);
	CHECK(p != NULL);
	CHECK_EQ(p2m_format_of(p), P2M_EPT);

	/* RAM read-only: RX with WB (6 << 3), IPAT clear: 0x35. */
	CHECK_EQ(p2m_set(p, 0x5, 0x1234, 0, p2m_ram_ro, NULL), 0);
	CHECK_EQ(raw_entry(p, 0x5, 1) & ~(0xfULL << 52), (0x1234ULL << 12) | 0x35);
	for (unsigned int l = 4; l >= 2; l--)
		CHECK_EQ(raw_entry(p, 0x5, l) & ~ADDR_MASK, 0x7);
	CHECK(maps_to(p, 0x5, 0x1234, p2m_ram_ro));

	/* Foreign RW: 0x33; grant RO: 0x31; 2 MiB RAM: 0x37 | bit 7. */
	CHECK_EQ(p2m_set(p, 0x6, 0x1, 0, p2m_map_foreign, NULL), 0);
	CHECK_EQ(raw_entry(p, 0x6, 1), (0x1ULL << 12) | 0x33 |
		 ((u64)p2m_map_foreign << 52));
	CHECK_EQ(p2m_set(p, 0x7, 0x2, 0, p2m_grant_map_ro, NULL), 0);
	CHECK_EQ(raw_entry(p, 0x7, 1) & ~(0xfULL << 52), (0x2ULL << 12) | 0x31);
	CHECK_EQ(p2m_set(p, 0x200, 0x400, 9, p2m_ram_rw, NULL), 0);
	CHECK_EQ(raw_entry(p, 0x200, 2) & ~(0xfULL << 52),
		 (0x400ULL << 12) | 0xb7);
	CHECK(maps_to(p, 0x3ff, 0x5ff, p2m_ram_rw));
	/* Direct MMIO: RW, UC (0), IPAT (bit 6); device-model MMIO: no
	 * access bits, so not present to the CPU. */
	CHECK_EQ(p2m_set(p, 0x8, 0x3, 0, p2m_mmio_direct, NULL), 0);
	CHECK_EQ(raw_entry(p, 0x8, 1) & 0x7f, 0x43);
	CHECK_EQ(p2m_set(p, 0x9, 0x3, 0, p2m_mmio_dm, NULL), 0);
	CHECK_EQ(raw_entry(p, 0x9, 1) & 7, 0);
	CHECK_EQ(TYPE_OF(raw_entry(p, 0x9, 1)), p2m_mmio_dm);
	drain_all(p, ~0UL);
	p2m_destroy(p);
	arena_teardown();
}

static void set_get_clear(enum p2m_format fmt)
{
	static const u64 gfns[] = { 0, 1, 511, 512, 0x3ffff, 0x40000,
				    0x7ffffff, 0x8000000, P2M_MAX_GFN };
	struct p2m_entry old;
	struct p2m *p;

	setup();
	p = p2m_create(fmt);
	for (unsigned int i = 0; i < ARRAY_SIZE(gfns); i++) {
		CHECK_EQ(p2m_set(p, gfns[i], 0x100 + i, 0, p2m_ram_rw, &old), 0);
		CHECK_EQ(old.type, p2m_invalid);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(gfns); i++)
		CHECK(maps_to(p, gfns[i], 0x100 + i, p2m_ram_rw));
	CHECK(unmapped(p, 2));
	CHECK(unmapped(p, 0x8000001));
	CHECK(unmapped(p, P2M_MAX_GFN + 1));
	/* Replace one: the old entry is reported (its reference is the
	 * caller's to drop). */
	CHECK_EQ(p2m_set(p, 511, 0x999, 0, p2m_grant_map_ro, &old), 0);
	CHECK_EQ(old.type, p2m_ram_rw);
	CHECK_EQ(old.mfn, 0x102);
	CHECK(maps_to(p, 511, 0x999, p2m_grant_map_ro));

	for (unsigned int i = 0; i < ARRAY_SIZE(gfns); i++) {
		CHECK_EQ(p2m_clear(p, gfns[i], &old, NULL), 0);
		CHECK_EQ(old.type, gfns[i] == 511 ? p2m_grant_map_ro : p2m_ram_rw);
		CHECK(unmapped(p, gfns[i]));
		/* Twice: absent is not an error, and says so. */
		CHECK_EQ(p2m_clear(p, gfns[i], &old, NULL), 0);
		CHECK_EQ(old.type, p2m_invalid);
	}
	/* Every table was freed but the root. */
	CHECK_EQ(p2m_table_pages(p), 1);
	CHECK_EQ(page_alloc_free_pages(), free_at_start - 2);	/* root, slab */
	p2m_destroy(p);
	arena_teardown();
}

TEST(test_set_get_clear_npt)
{
	set_get_clear(P2M_NPT);
}

TEST(test_set_get_clear_ept)
{
	set_get_clear(P2M_EPT);
}

static void split_keeps_others(enum p2m_format fmt)
{
	const u64 base = 0x3000 * 512, mbase = 0x77 * 512;
	struct p2m_entry old;
	struct p2m *p;
	bool ok = true;
	unsigned long pages;

	setup();
	p = p2m_create(fmt);
	CHECK_EQ(p2m_set(p, base, mbase, 9, p2m_ram_rw, NULL), 0);
	pages = p2m_table_pages(p);

	/* A 4 KiB remap inside: one new table, 511 pages as they were, the
	 * old 4 KiB piece reported. */
	CHECK_EQ(p2m_set(p, base + 5, 0x4242, 0, p2m_map_foreign, &old), 0);
	CHECK_EQ(old.type, p2m_ram_rw);
	CHECK_EQ(old.mfn, mbase + 5);
	CHECK_EQ(old.order, 0);
	CHECK_EQ(p2m_table_pages(p), pages + 1);
	for (u64 i = 0; i < 512; i++)
		if (i != 5)
			ok &= maps_to(p, base + i, mbase + i, p2m_ram_rw);
	CHECK(ok);
	CHECK(maps_to(p, base + 5, 0x4242, p2m_map_foreign));
	CHECK(unmapped(p, base + 512));
	CHECK(unmapped(p, base - 1));
	/* A 2 MiB leaf only where nothing is mapped. */
	CHECK_EQ(p2m_set(p, base, mbase + 512, 9, p2m_ram_rw, NULL), -EBUSY);

	/* A 4 KiB hole in a 2 MiB leaf splits it too. */
	CHECK_EQ(p2m_set(p, base + 512, mbase + 512, 9, p2m_ram_rw, NULL), 0);
	CHECK_EQ(p2m_clear(p, base + 1023, &old, NULL), 0);
	CHECK_EQ(old.mfn, mbase + 1023);
	CHECK(unmapped(p, base + 1023));
	ok = true;
	for (u64 i = 0; i < 511; i++)
		ok &= maps_to(p, base + 512 + i, mbase + 512 + i, p2m_ram_rw);
	CHECK(ok);
	/* A typed, not-present 2 MiB leaf splits into typed 4 KiB ones. */
	CHECK_EQ(p2m_set(p, base + 1024, 0, 9, p2m_mmio_dm, NULL), 0);
	CHECK_EQ(p2m_clear(p, base + 1024 + 7, &old, NULL), 0);
	CHECK_EQ(old.type, p2m_mmio_dm);
	CHECK(maps_to(p, base + 1024 + 8, 0, p2m_mmio_dm));
	CHECK(unmapped(p, base + 1024 + 7));

	drain_all(p, ~0UL);
	CHECK_EQ(drained_pages, 511 + 1 + 511 + 511);
	p2m_destroy(p);
	arena_teardown();
}

/*
 * A clear that empties tables hands them to the caller instead of freeing
 * them: another vCPU of the domain may still walk them until the caller's
 * flush (hvm/arch.c frees them after it).  Unlinked at once, freed later.
 */
TEST(test_clear_retires_emptied_tables)
{
	struct p2m_retired r = { .nr = 0 };
	struct p2m_entry old;
	struct p2m *p;
	unsigned long free_before;

	setup();
	p = p2m_create(P2M_NPT);
	CHECK_EQ(p2m_set(p, 0x8000001, 0x42, 0, p2m_ram_rw, NULL), 0);
	CHECK_EQ(p2m_table_pages(p), 4);
	free_before = page_alloc_free_pages();
	CHECK_EQ(p2m_clear(p, 0x8000001, &old, &r), 0);
	CHECK_EQ(old.mfn, 0x42);
	CHECK(unmapped(p, 0x8000001));
	/* Three levels below the root emptied: unlinked, not yet freed. */
	CHECK_EQ(r.nr, 3);
	CHECK_EQ(p2m_table_pages(p), 1);
	CHECK_EQ(page_alloc_free_pages(), free_before);
	for (unsigned int i = 0; i < r.nr; i++)
		CHECK_EQ(r.table[i][0] | r.table[i][511], 0);	/* still ours */
	p2m_retired_free(&r);
	CHECK_EQ(r.nr, 0);
	CHECK_EQ(page_alloc_free_pages(), free_before + 3);
	/* A clear that empties nothing retires nothing. */
	CHECK_EQ(p2m_set(p, 0x10, 0x1, 0, p2m_ram_rw, NULL), 0);
	CHECK_EQ(p2m_set(p, 0x11, 0x2, 0, p2m_ram_rw, NULL), 0);
	CHECK_EQ(p2m_clear(p, 0x10, &old, &r), 0);
	CHECK_EQ(r.nr, 0);
	drain_all(p, ~0UL);
	p2m_destroy(p);
	arena_teardown();
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
	CHECK_EQ(p2m_set(p, 0x200, 0x600, 9, p2m_ram_ro, NULL), 0);
	CHECK_EQ(p2m_set(p, 0x1000, 0x5, 0, p2m_grant_map_ro, NULL), 0);
	CHECK_EQ(p2m_table_pages(p), 4);	/* root, L3, L2, one L1 */
	n = exhaust(pages, ARRAY_SIZE(pages));

	/* Split needs one page, a new path three, a split clear one. */
	CHECK_EQ(p2m_set(p, 0x201, 0x9, 0, p2m_ram_rw, NULL), -ENOMEM);
	CHECK_EQ(p2m_set(p, 1ULL << 30, 0x9, 0, p2m_ram_rw, NULL), -ENOMEM);
	CHECK_EQ(p2m_set(p, 1ULL << 30, 0, 9, p2m_ram_rw, NULL), -ENOMEM);
	CHECK_EQ(p2m_clear(p, 0x201, NULL, NULL), -ENOMEM);
	/* With two of the three pages a new path needs: still nothing. */
	free_page(pages[--n]);
	free_page(pages[--n]);
	CHECK_EQ(p2m_set(p, 1ULL << 30, 0x9, 0, p2m_ram_rw, NULL), -ENOMEM);
	CHECK_EQ(page_alloc_free_pages(), 2);
	CHECK_EQ(p2m_table_pages(p), 4);
	for (u64 i = 0; i < 512; i++)
		ok &= maps_to(p, 0x200 + i, 0x600 + i, p2m_ram_ro);
	CHECK(ok);
	CHECK(maps_to(p, 0x1000, 0x5, p2m_grant_map_ro));
	CHECK(unmapped(p, 1ULL << 30));

	/* Needing no page (replacing a 4 KiB leaf) still works. */
	CHECK_EQ(p2m_set(p, 0x1000, 0x6, 0, p2m_ram_rw, NULL), 0);
	CHECK(maps_to(p, 0x1000, 0x6, p2m_ram_rw));
	/* Two free pages are enough for a split. */
	CHECK_EQ(p2m_set(p, 0x201, 0x9, 0, p2m_ram_rw, NULL), 0);
	CHECK(maps_to(p, 0x201, 0x9, p2m_ram_rw));
	CHECK(maps_to(p, 0x202, 0x602, p2m_ram_ro));

	while (n)
		free_page(pages[--n]);
	drain_all(p, ~0UL);
	p2m_destroy(p);
	arena_teardown();
}

/* Draining with a budget of one page per call (a preemption at every
 * step) hands back exactly what one uninterrupted drain does. */
TEST(test_drain_preempted_at_every_step)
{
	unsigned long pages_whole = 0, leaves_whole = 0;
	struct p2m *p;

	for (int pass = 0; pass < 2; pass++) {
		setup();
		p = p2m_create(pass ? P2M_EPT : P2M_NPT);
		for (u64 i = 0; i < 64; i++) {
			CHECK_EQ(p2m_set(p, i * 0x1234567 % P2M_MAX_GFN, i, 0,
					 p2m_ram_ro, NULL), 0);
			CHECK_EQ(p2m_set(p, (i << 20) | 0x200, i << 9, 9,
					 p2m_ram_rw, NULL), 0);
		}
		CHECK(p2m_table_pages(p) > 64);
		CHECK_EQ(page_alloc_free_pages(),
			 free_at_start - p2m_table_pages(p) - 1);
		if (!pass) {
			drain_all(p, ~0UL);
			pages_whole = drained_pages;
			leaves_whole = drained_leaves;
			CHECK_EQ(pages_whole, 64 + 64 * 512);
		} else {
			drain_all(p, 1);
			CHECK_EQ(drained_pages, pages_whole);
			CHECK_EQ(drained_leaves, leaves_whole);
		}
		p2m_destroy(p);
		p2m_destroy(NULL);
		arena_teardown();
	}
}

TEST(test_invalid_arguments)
{
	struct p2m *p;
	mfn_t m;

	setup();
	CHECK(p2m_create(7) == NULL);
	p = p2m_create(P2M_NPT);
	/* Misaligned gfn or mfn, bad orders. */
	CHECK_EQ(p2m_set(p, 0x201, 0x400, 9, p2m_ram_rw, NULL), -EINVAL);
	CHECK_EQ(p2m_set(p, 0x200, 0x401, 9, p2m_ram_rw, NULL), -EINVAL);
	CHECK_EQ(p2m_set(p, 0x200, 0x400, 1, p2m_ram_rw, NULL), -EINVAL);
	CHECK_EQ(p2m_set(p, 0x0, 0x0, 18, p2m_ram_rw, NULL), -EINVAL);
	/* Out of range. */
	CHECK_EQ(p2m_set(p, P2M_MAX_GFN + 1, 0, 0, p2m_ram_rw, NULL), -EINVAL);
	CHECK_EQ(p2m_set(p, ~0ULL, 0, 0, p2m_ram_rw, NULL), -EINVAL);
	CHECK_EQ(p2m_set(p, (P2M_MAX_GFN + 1) << 1, 0, 9, p2m_ram_rw, NULL),
		 -EINVAL);
	CHECK_EQ(p2m_set(p, 0, 1ULL << 40, 0, p2m_ram_rw, NULL), -EINVAL);
	CHECK_EQ(p2m_set(p, 0, ~0ULL, 0, p2m_ram_rw, NULL), -EINVAL);
	/* Types: none, unknown. */
	CHECK_EQ(p2m_set(p, 0, 0, 0, p2m_invalid, NULL), -EINVAL);
	CHECK_EQ(p2m_set(p, 0, 0, 0, P2M_NR_TYPES, NULL), -EINVAL);
	CHECK_EQ(p2m_set(p, 0, 0, 0, (enum p2m_type)99, NULL), -EINVAL);
	CHECK_EQ(p2m_clear(p, P2M_MAX_GFN + 1, NULL, NULL), -EINVAL);
	CHECK_EQ(p2m_get(p, ~0ULL, &m), p2m_invalid);
	/* Nothing was built by the failures. */
	CHECK_EQ(p2m_table_pages(p), 1);
	/* The last 2 MiB of the space is fine. */
	CHECK_EQ(p2m_set(p, P2M_MAX_GFN - 511, 0x200, 9, p2m_ram_ro, NULL), 0);
	CHECK(maps_to(p, P2M_MAX_GFN, 0x3ff, p2m_ram_ro));
	drain_all(p, ~0UL);
	p2m_destroy(p);
	arena_teardown();
}

TEST(test_type_perms)
{
	CHECK_EQ(p2m_type_perms(p2m_invalid), 0);
	CHECK_EQ(p2m_type_perms(p2m_ram_rw), P2M_RWX);
	CHECK_EQ(p2m_type_perms(p2m_ram_ro), P2M_R | P2M_X);
	CHECK_EQ(p2m_type_perms(p2m_grant_map_rw), P2M_R | P2M_W);
	CHECK_EQ(p2m_type_perms(p2m_grant_map_ro), P2M_R);
	CHECK_EQ(p2m_type_perms(p2m_map_foreign), P2M_R | P2M_W);
	CHECK_EQ(p2m_type_perms(p2m_mmio_direct), P2M_R | P2M_W);
	CHECK_EQ(p2m_type_perms(p2m_mmio_dm), 0);
	CHECK_EQ(p2m_type_perms(p2m_ioreq_server), P2M_R | P2M_X);
	CHECK_EQ(p2m_type_perms(P2M_NR_TYPES), 0);
	/* The types that hold a frame reference (xen/frame.h). */
	CHECK(p2m_holds_frame(p2m_ram_rw) && p2m_holds_frame(p2m_map_foreign) &&
	      p2m_holds_frame(p2m_grant_map_ro) &&
	      p2m_holds_frame(p2m_ioreq_server));
	CHECK(!p2m_holds_frame(p2m_invalid) && !p2m_holds_frame(p2m_mmio_dm) &&
	      !p2m_holds_frame(p2m_mmio_direct));
}

/*
 * A VT-d unit's walk of the second-level tables (VT-d rev 4.1, 3.7 and
 * 9.8), written from the spec, not from p2m.c: @levels 4 from the root, 3
 * from p2m_low_table().  Bits 0/1 read/write (an entry with neither is
 * not present), bit 7 of a level-2 entry a 2 MiB page; bit 11 and bits
 * 51:48 (a 48-bit host address width: the arena is in the host's heap)
 * are reserved and must be 0, as is bit 7 of level 3 and 4 entries (no
 * 1 GiB pages are used).
 * Returns false on a reserved-bit fault; else the rights (r, w) and the
 * frame.
 */
static bool vtd_walk(paddr_t top, unsigned int levels, u64 gfn, bool *r,
		     bool *w, u64 *mfn)
{
	const u64 *t = (const u64 *)(uintptr_t)top;
	const u64 rsvd = (1ULL << 11) | (((1ULL << 52) - 1) & ~((1ULL << 48) - 1));

	*r = *w = false;
	for (unsigned int l = levels;; l--) {
		u64 e = t[(gfn >> (9 * (l - 1))) & 511];

		if (!(e & 3))
			return true;		/* not present: a fault, no access */
		if (e & rsvd)
			return false;
		if (l > 2 && (e & (1ULL << 7)))
			return false;
		if (l == 1 || (l == 2 && (e & (1ULL << 7)))) {
			*r = e & 1;
			*w = e & 2;
			*mfn = ((e & ADDR_MASK) >> 12) + (l == 2 ? (gfn & 511) : 0);
			return true;
		}
		/* A table entry grants what the leaves below ask for. */
		if ((e & 3) != 3)
			return false;
		t = (const u64 *)(uintptr_t)(e & ADDR_MASK);
	}
}

/*
 * Every type, in both formats, means to a VT-d unit what it means to the
 * CPU: read and write exactly as p2m_type_perms(), the same frame, and no
 * reserved bit set; through 3 levels from p2m_low_table() and 4 from the
 * root alike.
 */
static void vtd_reads_p2m(enum p2m_format fmt)
{
	struct p2m *p;
	paddr_t low;

	setup();
	p = p2m_create(fmt);
	low = p2m_low_table(p);
	CHECK(low != 0);
	CHECK_EQ(p2m_table_pages(p), 2);
	for (unsigned int t = p2m_ram_rw; t < P2M_NR_TYPES; t++) {
		u64 gfn = 0x100 + t, mfn = 0x5000 + t, got = 0;
		bool r, w;

		CHECK_EQ(p2m_set(p, gfn, mfn, 0, t, NULL), 0);
		for (unsigned int lv = 3; lv <= 4; lv++) {
			CHECK(vtd_walk(lv == 3 ? low : p2m_root(p), lv, gfn, &r,
				       &w, &got));
			CHECK_EQ(r, !!(p2m_type_perms(t) & P2M_R));
			CHECK_EQ(w, !!(p2m_type_perms(t) & P2M_W));
			if (r)
				CHECK_EQ(got, mfn);
		}
	}
	/* A 2 MiB page, and a gfn with nothing. */
	CHECK_EQ(p2m_set(p, 0x40000, 0x80000, 9, p2m_ram_rw, NULL), 0);
	for (unsigned int lv = 3; lv <= 4; lv++) {
		u64 got = 0;
		bool r, w;

		CHECK(vtd_walk(lv == 3 ? low : p2m_root(p), lv, 0x40123, &r, &w,
			       &got));
		CHECK(r && w);
		CHECK_EQ(got, 0x80123);
		CHECK(vtd_walk(lv == 3 ? low : p2m_root(p), lv, 0x7777, &r, &w,
			       &got));
		CHECK(!r && !w);
	}
	/* Emptied, the tree keeps the pinned table, at the same place. */
	for (unsigned int t = p2m_ram_rw; t < P2M_NR_TYPES; t++)
		CHECK_EQ(p2m_clear(p, 0x100 + t, NULL, NULL), 0);
	for (u64 g = 0x40000; g < 0x40200; g++)
		CHECK_EQ(p2m_clear(p, g, NULL, NULL), 0);
	CHECK_EQ(p2m_table_pages(p), 2);
	CHECK_EQ(p2m_low_table(p), low);
	CHECK_EQ(raw_entry(p, 0, 4) & ADDR_MASK, low);
	drain_all(p, 3);
	p2m_destroy(p);
	arena_teardown();
}

TEST(test_vtd_reads_npt)
{
	vtd_reads_p2m(P2M_NPT);
}

TEST(test_vtd_reads_ept)
{
	vtd_reads_p2m(P2M_EPT);
}

/*
 * An AMD-Vi walk (AMD 48882 rev 3.x, 2.2.3), written from the spec: PR
 * (bit 0), NextLevel (11:9; 0 is a page: 4 KiB at level 1, 2 MiB at 2),
 * IR/IW (61/62) needed at every level, bits 58:52 reserved.  False on a
 * malformed entry.
 */
static bool amd_vi_walk(paddr_t root, u64 gfn, bool *r, bool *w, u64 *mfn)
{
	const u64 *t = (const u64 *)(uintptr_t)root;
	bool rr = true, ww = true;

	*r = *w = false;
	for (unsigned int l = 4; l >= 1; l--) {
		u64 e = t[(gfn >> (9 * (l - 1))) & 511];
		unsigned int next = (e >> 9) & 7;

		if (!(e & 1))
			return true;
		if (e & (0x7fULL << 52))
			return false;
		rr = rr && (e >> 61 & 1);
		ww = ww && (e >> 62 & 1);
		if (!next) {
			if (l > 2)
				return false;
			*r = rr;
			*w = ww;
			*mfn = ((e & ADDR_MASK) >> 12) + (l == 2 ? (gfn & 511) : 0);
			return true;
		}
		if (next != l - 1)
			return false;
		t = (const u64 *)(uintptr_t)(e & ADDR_MASK);
	}
	return false;
}

/* The AMD-Vi copy's entries: each type gives devices what it gives the
 * CPU but execute; its tables stay when emptied (the copy is undone
 * without memory), and drain still frees them. */
TEST(test_amd_vi_format)
{
	struct p2m *p;
	u64 got = 0;
	bool r, w;

	setup();
	p = p2m_create(P2M_AMD_VI);
	CHECK(p != NULL);
	for (unsigned int t = p2m_ram_rw; t < P2M_NR_TYPES; t++) {
		u64 gfn = 0x100 + t, mfn = 0x5000 + t;

		CHECK_EQ(p2m_set(p, gfn, mfn, 0, t, NULL), 0);
		CHECK(maps_to(p, gfn, p2m_type_perms(t) ? mfn : 0, t));
		CHECK(amd_vi_walk(p2m_root(p), gfn, &r, &w, &got));
		CHECK_EQ(r, !!(p2m_type_perms(t) & P2M_R));
		CHECK_EQ(w, !!(p2m_type_perms(t) & P2M_W));
		if (r)
			CHECK_EQ(got, mfn);
	}
	CHECK_EQ(raw_entry(p, 0x101, 1), (0x5001ULL << 12) | 1 | 1ULL << 61 |
		 1ULL << 62 | (u64)p2m_ram_rw << 1);
	CHECK_EQ(raw_entry(p, 0x101, 4) & ~ADDR_MASK, 1 | 3 << 9 | 3ULL << 61);
	CHECK_EQ(raw_entry(p, 0x101, 2) & ~ADDR_MASK, 1 | 1 << 9 | 3ULL << 61);
	/* A 2 MiB page, its removal without memory, and a split. */
	CHECK_EQ(p2m_set(p, 0x40000, 0x80000, 9, p2m_ram_rw, NULL), 0);
	CHECK(amd_vi_walk(p2m_root(p), 0x40123, &r, &w, &got) && r && w);
	CHECK_EQ(got, 0x80123);
	CHECK_EQ(p2m_clear_2m(p, 0x40000), 0);
	CHECK(unmapped(p, 0x40123));
	CHECK_EQ(p2m_clear_2m(p, 0x40000), -EINVAL);
	CHECK_EQ(p2m_clear_2m(p, 0x100), -EINVAL);
	CHECK_EQ(p2m_set(p, 0x40000, 0x80000, 9, p2m_ram_ro, NULL), 0);
	CHECK_EQ(p2m_clear(p, 0x40001, NULL, NULL), 0);
	CHECK(amd_vi_walk(p2m_root(p), 0x40002, &r, &w, &got) && r && !w);
	CHECK_EQ(got, 0x80002);
	/* Emptied, the tables stay: the root, one level 3, two level 2
	 * (gfn 0x100 and 0x40000), two level 1 (0x100 and the split). */
	for (unsigned int t = p2m_ram_rw; t < P2M_NR_TYPES; t++)
		CHECK_EQ(p2m_clear(p, 0x100 + t, NULL, NULL), 0);
	CHECK_EQ(p2m_table_pages(p), 6);
	drain_all(p, 5);
	p2m_destroy(p);
	arena_teardown();
}

/* p2m_for_each_leaf() sees each leaf once, in gfn order, and stops on
 * the callback's word. */
static u64 seen[8];
static unsigned int nr_seen;

static int note_leaf(void *ctx, u64 gfn, const struct p2m_entry *e)
{
	if (nr_seen == 8)
		return -1;
	seen[nr_seen++] = gfn | (u64)e->order << 48;
	return ctx ? -7 : 0;
}

TEST(test_for_each_leaf)
{
	struct p2m *p;

	setup();
	p = p2m_create(P2M_EPT);
	CHECK_EQ(p2m_set(p, 0x40000, 0x80000, 9, p2m_ram_rw, NULL), 0);
	CHECK_EQ(p2m_set(p, 0x5, 0x6, 0, p2m_grant_map_ro, NULL), 0);
	CHECK_EQ(p2m_set(p, 0x123456789ULL, 0x7, 0, p2m_mmio_dm, NULL), 0);
	nr_seen = 0;
	CHECK_EQ(p2m_for_each_leaf(p, note_leaf, NULL), 0);
	CHECK_EQ(nr_seen, 3);
	CHECK_EQ(seen[0], 0x5);
	CHECK_EQ(seen[1], 0x40000 | 9ULL << 48);
	CHECK_EQ(seen[2], 0x123456789ULL);
	nr_seen = 0;
	CHECK_EQ(p2m_for_each_leaf(p, note_leaf, p), -7);
	CHECK_EQ(nr_seen, 1);
	drain_all(p, ~0UL);
	p2m_destroy(p);
	arena_teardown();
}

/* Written back to memory as written: the same tree, whatever CLFLUSH
 * does to the host's caches (it must not fault on any entry or table). */
TEST(test_writeback_mode)
{
	struct p2m *p;

	setup();
	p2m_set_writeback(true);
	p = p2m_create(P2M_NPT);
	CHECK_EQ(p2m_set(p, 0x12345, 0x777, 0, p2m_ram_rw, NULL), 0);
	CHECK_EQ(p2m_set(p, 0x40000, 0x80000, 9, p2m_ram_rw, NULL), 0);
	CHECK_EQ(p2m_clear(p, 0x40001, NULL, NULL), 0);
	CHECK(maps_to(p, 0x12345, 0x777, p2m_ram_rw));
	CHECK(maps_to(p, 0x40002, 0x80002, p2m_ram_rw));
	CHECK(unmapped(p, 0x40001));
	p2m_set_writeback(false);
	drain_all(p, ~0UL);
	p2m_destroy(p);
	arena_teardown();
}

static u64 rnd_state = 0x2545f4914f6cdd1dULL;

static u64 rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* Random 4 KiB / 2 MiB sets and clears over 8 MiB of guest space, checked
 * against a flat model after every step; every reported old entry is
 * what the model had; in the end draining returns every page left. */
#define MODEL_GFNS 2048

static void random_against_model(enum p2m_format fmt)
{
	static mfn_t model[MODEL_GFNS];
	static enum p2m_type model_type[MODEL_GFNS];
	static const enum p2m_type type_set[] = {
		p2m_ram_rw, p2m_ram_ro, p2m_grant_map_rw, p2m_map_foreign,
	};
	/* Straddles a level-4 boundary (2^27 gfns). */
	const u64 gbase = (5ULL << 27) - MODEL_GFNS / 2;
	struct p2m_entry old;
	unsigned long left = 0;
	struct p2m *p;
	int bad = 0;

	setup();
	memset(model_type, 0, sizeof(model_type));
	p = p2m_create(fmt);
	for (int step = 0; step < 3000 && !bad; step++) {
		u64 r = rnd();
		unsigned int order = (r & 3) == 0 ? 9 : 0;
		u64 idx = (r >> 8) % MODEL_GFNS & ~((1ULL << order) - 1);
		enum p2m_type t = type_set[(r >> 40) & 3];
		mfn_t mfn = (((r >> 20) & 0xfff) + 1) << 9;
		bool empty = true;

		for (u64 i = 0; i < (1ULL << order); i++)
			empty &= model_type[idx + i] == p2m_invalid;
		if ((r & 4) && (order == 0 || empty)) {
			CHECK_EQ(p2m_set(p, gbase + idx, mfn, order, t, &old), 0);
			if (!order && (old.type != model_type[idx] ||
				       (old.type && old.mfn != model[idx])))
				bad++;
			for (u64 i = 0; i < (1ULL << order); i++) {
				model[idx + i] = mfn + i;
				model_type[idx + i] = t;
			}
		} else if (order == 0) {
			CHECK_EQ(p2m_clear(p, gbase + idx, &old, NULL), 0);
			if (old.type != model_type[idx] ||
			    (old.type && old.mfn != model[idx]))
				bad++;
			model_type[idx] = p2m_invalid;
		}
		for (u64 g = 0; g < MODEL_GFNS; g++)
			if (model_type[g] ? !maps_to(p, gbase + g, model[g],
						     model_type[g]) :
					    !unmapped(p, gbase + g))
				bad++;
	}
	CHECK_EQ(bad, 0);
	for (u64 g = 0; g < MODEL_GFNS; g++)
		left += model_type[g] != p2m_invalid;
	drain_all(p, 7);
	CHECK_EQ(drained_pages, left);
	p2m_destroy(p);
	arena_teardown();
}

TEST(test_random_npt)
{
	random_against_model(P2M_NPT);
}

TEST(test_random_ept)
{
	random_against_model(P2M_EPT);
}

UNIT_MAIN(test_npt_encoding, test_ept_encoding, test_set_get_clear_npt,
	  test_set_get_clear_ept, test_clear_retires_emptied_tables,
	  test_split_npt, test_split_ept,
	  test_enomem_leaves_map_unchanged, test_drain_preempted_at_every_step,
	  test_invalid_arguments, test_type_perms, test_vtd_reads_npt,
	  test_vtd_reads_ept, test_writeback_mode, test_amd_vi_format,
	  test_for_each_leaf, test_random_npt,
	  test_random_ept)
