/*
 * The guest-physical -> machine map (p2m): one 4-level radix tree, 512
 * entries per level, indexed by gfn bits 35:27, 26:18, 17:9 and 8:0.
 *
 * Design note.
 *
 * The tree is exactly what the vendor's nested paging walks, so there is no
 * second "software" copy to keep in sync: only the bits of an entry differ
 * between the two formats, and they are produced and decoded in a few
 * small helpers (p2m_table_entry, p2m_leaf_entry, p2m_decode).
 *
 * Types.  Every leaf carries its type (xen/p2m.h) in bits 55:52, which
 * both formats leave to software (APM vol.2 5.4.1 "available"; SDM vol.3
 * 29.3.2 "ignored").  The access rights and memory type follow from the
 * type alone (p2m_type_perms()), so a lookup returns the same answer
 * whichever vendor runs the domain.  A type without access
 * (p2m_mmio_dm) is a leaf that is not present to the hardware but is not
 * empty either: the entry is just its type bits.  Hence "used" (the entry
 * is not 0) and "present" (the hardware translates it) differ: tables are
 * kept while they hold any used entry.
 *
 *  - NPT (APM vol.2 15.25) uses ordinary long-mode entries.  Every entry,
 *    table or leaf, has U/S set because the nested walk is a user access
 *    (APM 15.25.5); tables are P|RW|US|A; leaves P|US|A|D, RW for P2M_W,
 *    NX (bit 63) unless P2M_X, PS (bit 7) for 2 MiB.  Accessed and dirty
 *    come preset, so the nested walker never writes an entry back: no
 *    write of ours can race with one of its (QEMU 7.2's TCG, our SVM
 *    rig, sets them with a plain read-modify-write of the low 32 bits,
 *    which can bring back the half of an entry we just replaced).  RAM leaves keep
 *    PAT/PCD/PWT at 0, so the host memory type is WB and the guest's PAT
 *    decides; direct MMIO sets PCD|PWT (UC).
 *  - EPT (SDM vol.3 29.3.2): tables R|W|X; leaves their R/W/X bits, memory
 *    type WB (6) in bits 5:3 with IPAT clear (the guest's PAT combines with
 *    it, SDM 29.3.7.2), or UC with IPAT for direct MMIO; bit 7 for 2 MiB.
 *
 * Read access is implied by every mapping that has any: an NPT entry that
 * is present is readable, so "write only" or "execute only" cannot be
 * expressed there, and EPT calls W without R a misconfiguration (SDM
 * 29.3.3.1).  The type table below never asks for either.
 *
 * Updates never fail half way: p2m_set() counts the table pages the change
 * needs (new levels, or the split of a 2 MiB leaf into 512 4 KiB leaves),
 * allocates them all, and only then writes.  A new table is filled before
 * the entry pointing to it is written, and entries are written with single
 * 8-byte stores, so a walker (the CPU, or p2m_get() on another pCPU)
 * sees either the old or the new translation of every gfn.  Tables left
 * empty by p2m_clear() are freed, so an emptied tree is back to its root.
 *
 * Shared with an IOMMU.  Intel VT-d's second-level tables (VT-d 4.1,
 * 9.8) have the layout of both formats and read bits 0 and 1 of every
 * entry as read and write, bit 7 of a level-2 entry as a 2 MiB page, and
 * ignore bits 52-61 and 63: an NPT entry's P and RW, an EPT entry's R and
 * W, mean there exactly what the type allows (p2m_type_perms()), and the
 * typed entries that are not present are not present to the IOMMU
 * either.  So a VT-d unit walks this same tree for the devices of the
 * domain (xen/arch/x86/iommu/vtd.c), from the root with 4-level tables or
 * from p2m_low_table() with 3; nothing is mirrored, and the IOTLB flush
 * joins the TLB flush below.  (The bits an IOMMU could take amiss, bit 11
 * and bit 7 above level 2, are never set; the unit tests check.)
 *
 * Not done here: flushing and references.  After a mapping changes or
 * disappears the caller must flush the guest TLBs of the domain before any
 * vCPU runs again (hvm/arch.c does, and waits for it); the frames the
 * entries map, and their references, are the caller's.
 */
#include <hvm/p2m/p2m.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <xen/xmalloc.h>
#include <asm/processor.h>

#define P2M_LEVELS 4
/* p2m_prune() retires at most the levels below the root. */
BUILD_BUG_ON(sizeof(((struct p2m_retired *)0)->table) / sizeof(u64 *) !=
	     P2M_LEVELS - 1);
#define P2M_ENTRIES 512
#define P2M_ADDR_MASK 0x000ffffffffff000ULL	/* bits 51:12 */
#define P2M_MAX_MFN ((1ULL << 40) - 1)		/* 52-bit machine addresses */
#define P2M_TYPE_SHIFT 52
/* AMD-Vi reserves bits 58:52 of its entries; bits 4:1 are ignored. */
#define P2M_TYPE_SHIFT_AMD_VI 1

/* APM vol.2 5.3.3: long-mode page-table entry bits. */
#define NPT_P (1ULL << 0)
#define NPT_RW (1ULL << 1)
#define NPT_US (1ULL << 2)
#define NPT_PWT (1ULL << 3)
#define NPT_PCD (1ULL << 4)
#define NPT_A (1ULL << 5)
#define NPT_D (1ULL << 6)
#define NPT_NX (1ULL << 63)
/* SDM vol.3 29.3.2, tables 29-2 to 29-6. */
#define EPT_R (1ULL << 0)
#define EPT_W (1ULL << 1)
#define EPT_X (1ULL << 2)
#define EPT_MT_UC (0ULL << 3)
#define EPT_MT_WB (6ULL << 3)
#define EPT_IPAT (1ULL << 6)
/* AMD 48882 rev 3.x, 2.2.3: I/O page-table entries.  NextLevel 0 is a
 * leaf (at level 2 a 2 MiB page); bit 7 is ignored by the IOMMU, so the
 * tree keeps its own 2 MiB mark there as in the other formats. */
#define AMD_VI_PR (1ULL << 0)
#define AMD_VI_NEXT_LEVEL(l) ((u64)(l) << 9)
#define AMD_VI_IR (1ULL << 61)
#define AMD_VI_IW (1ULL << 62)
/* All formats: bit 7 of a level-2 entry maps a 2 MiB page. */
#define P2M_PS (1ULL << 7)

BUILD_BUG_ON(P2M_NR_TYPES > 16);

struct p2m {
	enum p2m_format fmt;
	u64 *root;			/* level 4 (PML4 / EPT PML4) */
	/* The level-3 table under root entry 0, kept even when empty once
	 * an IOMMU with 3-level tables walks from it (p2m_low_table()). */
	u64 *pinned;
	/* AMD-Vi copies keep every table until p2m_drain(), so that undoing
	 * a change (hvm/arch.c) never needs memory. */
	bool keep_tables;
	unsigned long table_pages;	/* including the root */
};

/*
 * An IOMMU whose table walks do not snoop the CPU caches (VT-d ECAP.C
 * clear, xen/iommu.h) reads the tree from memory: every entry written,
 * and every new table before it is linked, is written back to memory
 * with CLFLUSH.  Off unless such a unit shares the tree.
 */
static bool p2m_writeback;

void p2m_set_writeback(bool on)
{
	p2m_writeback = on;
}

unsigned int p2m_type_perms(enum p2m_type t)
{
	static const u8 perms[P2M_NR_TYPES] = {
		[p2m_ram_rw] = P2M_RWX,
		[p2m_ram_ro] = P2M_R | P2M_X,
		[p2m_grant_map_rw] = P2M_R | P2M_W,
		[p2m_grant_map_ro] = P2M_R,
		[p2m_map_foreign] = P2M_R | P2M_W,
		[p2m_mmio_direct] = P2M_R | P2M_W,
		[p2m_ioreq_server] = P2M_R | P2M_X,
	};

	return (unsigned int)t < P2M_NR_TYPES ? perms[t] : 0;
}

static inline u64 p2m_read(const u64 *slot)
{
	return __atomic_load_n(slot, __ATOMIC_ACQUIRE);
}

/* One 8-byte store: walkers see the old or the new entry, never a mix.
 * Release: a new table's contents are visible before the pointer. */
static inline void p2m_write(u64 *slot, u64 e)
{
	__atomic_store_n(slot, e, __ATOMIC_RELEASE);
	if (p2m_writeback)
		clflush_range(slot, sizeof(*slot));
}

static inline unsigned int p2m_index(u64 gfn, unsigned int level)
{
	return (gfn >> (9 * (level - 1))) & (P2M_ENTRIES - 1);
}

static inline u64 *p2m_next(u64 e)
{
	/* Identity map: the machine address is the pointer. */
	return (u64 *)(uintptr_t)(e & P2M_ADDR_MASK);
}

static unsigned int p2m_type_shift(const struct p2m *p)
{
	return p->fmt == P2M_AMD_VI ? P2M_TYPE_SHIFT_AMD_VI : P2M_TYPE_SHIFT;
}

/* The entry pointing to @table, itself at level @level (1-3). */
static u64 p2m_table_entry(const struct p2m *p, const u64 *table,
			   unsigned int level)
{
	u64 ma = (uintptr_t)table;

	if (p->fmt == P2M_NPT)
		return ma | NPT_P | NPT_RW | NPT_US | NPT_A;
	if (p->fmt == P2M_AMD_VI)
		return ma | AMD_VI_PR | AMD_VI_NEXT_LEVEL(level) | AMD_VI_IR |
		       AMD_VI_IW;
	return ma | EPT_R | EPT_W | EPT_X;
}

static u64 p2m_leaf_entry(const struct p2m *p, mfn_t mfn, unsigned int order,
			  enum p2m_type t)
{
	unsigned int perms = p2m_type_perms(t);
	u64 e = ((u64)t << p2m_type_shift(p)) | (order ? P2M_PS : 0);

	if (!perms)
		return e;		/* typed, not present */
	e |= mfn << PAGE_SHIFT;
	if (p->fmt == P2M_AMD_VI) {
		/* NextLevel 0: a page; what devices may do, never execute. */
		e |= AMD_VI_PR | AMD_VI_IR;
		if (perms & P2M_W)
			e |= AMD_VI_IW;
		return e;
	}
	if (p->fmt == P2M_NPT) {
		e |= NPT_P | NPT_US | NPT_A | NPT_D;
		if (perms & P2M_W)
			e |= NPT_RW;
		if (!(perms & P2M_X))
			e |= NPT_NX;
		if (t == p2m_mmio_direct)
			e |= NPT_PCD | NPT_PWT;
		return e;
	}
	e |= EPT_R;
	if (perms & P2M_W)
		e |= EPT_W;
	if (perms & P2M_X)
		e |= EPT_X;
	e |= t == p2m_mmio_direct ? EPT_MT_UC | EPT_IPAT : EPT_MT_WB;
	return e;
}

/* Pre: e used (not 0).  Only levels 1 and 2 ever hold leaves. */
static bool p2m_is_leaf(u64 e, unsigned int level)
{
	BUG_ON(level > 2 && (e & P2M_PS));
	return level == 1 || (e & P2M_PS);
}

/* Leaf @e (at level 1 or 2), seen from @gfn inside it. */
static void p2m_decode(const struct p2m *p, u64 e, unsigned int level,
		       u64 gfn, struct p2m_entry *out)
{
	out->type = (e >> p2m_type_shift(p)) & 0xf;
	out->order = level == 2 ? P2M_ORDER_2M : 0;
	out->mfn = (e & P2M_ADDR_MASK) >> PAGE_SHIFT;
	if (out->order && p2m_type_perms(out->type))
		out->mfn += gfn & (P2M_ENTRIES - 1);
	if (!p2m_type_perms(out->type))
		out->mfn = 0;
}

static bool p2m_table_empty(const u64 *table)
{
	for (unsigned int i = 0; i < P2M_ENTRIES; i++)
		if (p2m_read(&table[i]))
			return false;
	return true;
}

static void p2m_free_table(struct p2m *p, u64 *table)
{
	BUG_ON(!p->table_pages);
	p->table_pages--;
	free_page(table);
}

/* Fill @table with the 512 4 KiB leaves equivalent to 2 MiB leaf @e. */
static void p2m_split_fill(const struct p2m *p, u64 *table, u64 e)
{
	struct p2m_entry big;

	p2m_decode(p, e, 2, 0, &big);
	for (unsigned int i = 0; i < P2M_ENTRIES; i++)
		table[i] = p2m_leaf_entry(p, big.mfn + (big.mfn ? i : 0), 0,
					  big.type);
}

/*
 * Replace the entry at @slot (above the leaf level) by a table: an empty
 * one if it was unused, the split of a 2 MiB leaf otherwise.  @table is a
 * zeroed page the caller already owns.
 */
static u64 *p2m_install_table(struct p2m *p, u64 *slot, u64 *table,
				unsigned int level)
{
	u64 e = p2m_read(slot);

	if (e)
		p2m_split_fill(p, table, e);
	if (p2m_writeback)
		clflush_range(table, PAGE_SIZE);
	p->table_pages++;
	p2m_write(slot, p2m_table_entry(p, table, level));
	return table;
}

/* How many table pages reaching @gfn's level-1 slot needs (<= 3). */
static unsigned int p2m_tables_needed(const struct p2m *p, u64 gfn)
{
	const u64 *t = p->root;

	for (unsigned int level = P2M_LEVELS; level > 1; level--) {
		u64 e = p2m_read(&t[p2m_index(gfn, level)]);

		if (!e)
			return level - 1;
		if (p2m_is_leaf(e, level))
			return 1;	/* split; then nothing is missing */
		t = p2m_next(e);
	}
	return 0;
}

static bool p2m_args_ok(u64 gfn, unsigned int order)
{
	if (order != 0 && order != P2M_ORDER_2M)
		return false;
	if (!IS_ALIGNED(gfn, 1ULL << order))
		return false;
	return gfn <= P2M_MAX_GFN && gfn + (1ULL << order) - 1 <= P2M_MAX_GFN;
}

struct p2m *p2m_create(enum p2m_format fmt)
{
	struct p2m *p;

	if (fmt != P2M_NPT && fmt != P2M_EPT && fmt != P2M_AMD_VI)
		return NULL;
	p = xzalloc(struct p2m);
	if (!p)
		return NULL;
	p->fmt = fmt;
	p->keep_tables = fmt == P2M_AMD_VI;
	p->root = alloc_zeroed_pages(0);
	if (!p->root) {
		xfree(p);
		return NULL;
	}
	p->table_pages = 1;
	return p;
}

void p2m_destroy(struct p2m *p)
{
	if (!p)
		return;
	BUG_ON(!p2m_table_empty(p->root) || p->table_pages != 1);
	p2m_free_table(p, p->root);
	xfree(p);
}

/* Walk to @gfn's level-1 table, creating tables from @spare (enough of
 * them: p2m_tables_needed()).  Pre: update lock held. */
static u64 *p2m_walk_create(struct p2m *p, u64 gfn, u64 *spare[],
			    unsigned int need)
{
	unsigned int used = 0;
	u64 *t = p->root;

	for (unsigned int level = P2M_LEVELS; level > 1; level--) {
		u64 *slot = &t[p2m_index(gfn, level)], e = p2m_read(slot);

		if (!e || p2m_is_leaf(e, level)) {
			BUG_ON(used >= need);
			t = p2m_install_table(p, slot, spare[used++],
					      level - 1);
		} else {
			t = p2m_next(e);
		}
	}
	BUG_ON(used != need);
	return t;
}

static int p2m_alloc_spares(u64 *spare[], unsigned int need)
{
	for (unsigned int i = 0; i < need; i++) {
		spare[i] = alloc_zeroed_pages(0);
		if (!spare[i]) {
			while (i--)
				free_page(spare[i]);
			return -ENOMEM;
		}
	}
	return 0;
}

/* Order 9: install a 2 MiB leaf where nothing is mapped yet. */
static int p2m_set_2m(struct p2m *p, u64 gfn, u64 leaf)
{
	u64 *spare[P2M_LEVELS - 1], *t = p->root, *slot;
	unsigned int need = 0, level;

	for (level = P2M_LEVELS; level > 2; level--) {
		u64 e = p2m_read(&t[p2m_index(gfn, level)]);

		if (!e) {
			need = level - 2;
			break;
		}
		t = p2m_next(e);
	}
	if (!need && p2m_read(&t[p2m_index(gfn, 2)]))
		return -EBUSY;
	if (p2m_alloc_spares(spare, need))
		return -ENOMEM;
	for (level = P2M_LEVELS, t = p->root; level > 2; level--) {
		slot = &t[p2m_index(gfn, level)];
		t = p2m_read(slot) ? p2m_next(p2m_read(slot)) :
				     p2m_install_table(p, slot, spare[--need],
						       level - 1);
	}
	p2m_write(&t[p2m_index(gfn, 2)], leaf);
	return 0;
}

int p2m_set(struct p2m *p, u64 gfn, mfn_t mfn, unsigned int order,
	    enum p2m_type t, struct p2m_entry *old)
{
	u64 *spare[P2M_LEVELS - 1], *table, *slot, e;
	unsigned int need;

	/* Validate: nothing below may fail after the first write. */
	if (!p2m_args_ok(gfn, order) || t == p2m_invalid ||
	    (unsigned int)t >= P2M_NR_TYPES)
		return -EINVAL;
	if (!p2m_type_perms(t))
		mfn = 0;
	if (mfn > P2M_MAX_MFN || !IS_ALIGNED(mfn, 1ULL << order))
		return -EINVAL;
	if (order)
		return p2m_set_2m(p, gfn, p2m_leaf_entry(p, mfn, order, t));

	need = p2m_tables_needed(p, gfn);
	if (p2m_alloc_spares(spare, need))
		return -ENOMEM;
	/* Commit. */
	table = p2m_walk_create(p, gfn, spare, need);
	slot = &table[p2m_index(gfn, 1)];
	e = p2m_read(slot);
	if (old) {
		*old = (struct p2m_entry){ .type = p2m_invalid };
		if (e)
			p2m_decode(p, e, 1, gfn, old);
	}
	p2m_write(slot, p2m_leaf_entry(p, mfn, 0, t));
	return 0;
}

/*
 * Unlink the tables on @gfn's path that @path says became empty, from
 * @level upwards (the root stays), into @r, or free them at once.
 */
static void p2m_prune(struct p2m *p, u64 *const path[], u64 gfn,
		      unsigned int level, struct p2m_retired *r)
{
	for (; level < P2M_LEVELS; level++) {
		if (p->keep_tables || path[level] == p->pinned ||
		    !p2m_table_empty(path[level]))
			return;
		p2m_write(&path[level + 1][p2m_index(gfn, level + 1)], 0);
		if (!r) {
			p2m_free_table(p, path[level]);
			continue;
		}
		BUG_ON(!p->table_pages || r->nr == ARRAY_SIZE(r->table));
		p->table_pages--;
		r->table[r->nr++] = path[level];
	}
}

void p2m_retired_free(struct p2m_retired *r)
{
	while (r->nr)
		free_page(r->table[--r->nr]);
}

int p2m_clear(struct p2m *p, u64 gfn, struct p2m_entry *old,
	      struct p2m_retired *retired)
{
	u64 *path[P2M_LEVELS + 1], *slot, e;
	unsigned int level;

	if (old)
		*old = (struct p2m_entry){ .type = p2m_invalid };
	if (!p2m_args_ok(gfn, 0))
		return -EINVAL;
	path[P2M_LEVELS] = p->root;
	for (level = P2M_LEVELS; level > 1; level--) {
		slot = &path[level][p2m_index(gfn, level)];
		e = p2m_read(slot);
		if (!e)
			return 0;	/* nothing mapped here */
		if (p2m_is_leaf(e, level)) {
			/* A 4 KiB hole in a 2 MiB leaf: split first.
			 * Nothing has changed yet, so -ENOMEM is clean. */
			u64 *table = alloc_zeroed_pages(0);

			if (!table)
				return -ENOMEM;
			path[level - 1] = p2m_install_table(p, slot, table,
							    level - 1);
			continue;
		}
		path[level - 1] = p2m_next(e);
	}
	slot = &path[1][p2m_index(gfn, 1)];
	e = p2m_read(slot);
	if (!e)
		return 0;
	if (old)
		p2m_decode(p, e, 1, gfn, old);
	p2m_write(slot, 0);
	p2m_prune(p, path, gfn, 1, retired);
	return 0;
}

enum p2m_type p2m_get(const struct p2m *p, u64 gfn, mfn_t *mfn)
{
	const u64 *t = p->root;
	struct p2m_entry leaf;

	if (gfn > P2M_MAX_GFN)
		return p2m_invalid;
	for (unsigned int level = P2M_LEVELS; level >= 1; level--) {
		u64 e = p2m_read(&t[p2m_index(gfn, level)]);

		if (!e)
			return p2m_invalid;
		if (p2m_is_leaf(e, level)) {
			p2m_decode(p, e, level, gfn, &leaf);
			*mfn = leaf.mfn;
			return leaf.type;
		}
		t = p2m_next(e);
	}
	BUG();	/* level 1 entries are always leaves */
}

/* p2m_drain() below @table (at @level, covering gfns from @base). */
static int p2m_drain_table(struct p2m *p, u64 *table, unsigned int level,
			   u64 base, void (*fn)(void *, u64,
						const struct p2m_entry *),
			   void *ctx, unsigned long *budget)
{
	for (unsigned int i = 0; i < P2M_ENTRIES; i++) {
		u64 e = p2m_read(&table[i]), gfn;
		struct p2m_entry leaf;

		if (!e)
			continue;
		gfn = base + ((u64)i << (9 * (level - 1)));
		if (p2m_is_leaf(e, level)) {
			if (!*budget)
				return -EAGAIN;
			p2m_decode(p, e, level, gfn, &leaf);
			p2m_write(&table[i], 0);
			fn(ctx, gfn, &leaf);
			(*budget)--;
			continue;
		}
		if (p2m_drain_table(p, p2m_next(e), level - 1, gfn, fn, ctx,
				    budget))
			return -EAGAIN;
		p2m_write(&table[i], 0);
		if (p2m_next(e) == p->pinned)
			p->pinned = NULL;
		p2m_free_table(p, p2m_next(e));
	}
	return 0;
}

int p2m_drain(struct p2m *p, void (*fn)(void *ctx, u64 gfn,
					const struct p2m_entry *e),
	      void *ctx, unsigned long *budget)
{
	return p2m_drain_table(p, p->root, P2M_LEVELS, 0, fn, ctx, budget);
}

paddr_t p2m_root(const struct p2m *p)
{
	return (uintptr_t)p->root;
}

static void p2m_walk_table(const struct p2m *p, const u64 *table,
			   unsigned int level, u64 base,
			   int (*fn)(void *, u64, const struct p2m_entry *),
			   void *ctx, int *rc)
{
	for (unsigned int i = 0; i < P2M_ENTRIES && !*rc; i++) {
		u64 e = p2m_read(&table[i]), gfn;
		struct p2m_entry leaf;

		if (!e)
			continue;
		gfn = base + ((u64)i << (9 * (level - 1)));
		if (p2m_is_leaf(e, level)) {
			p2m_decode(p, e, level, gfn, &leaf);
			*rc = fn(ctx, gfn, &leaf);
		} else {
			p2m_walk_table(p, p2m_next(e), level - 1, gfn, fn, ctx,
				       rc);
		}
	}
}

int p2m_for_each_leaf(const struct p2m *p,
		      int (*fn)(void *ctx, u64 gfn, const struct p2m_entry *e),
		      void *ctx)
{
	int rc = 0;

	p2m_walk_table(p, p->root, P2M_LEVELS, 0, fn, ctx, &rc);
	return rc;
}

int p2m_clear_2m(struct p2m *p, u64 gfn)
{
	const u64 *t = p->root;

	if (!p2m_args_ok(gfn, P2M_ORDER_2M))
		return -EINVAL;
	for (unsigned int level = P2M_LEVELS; level > 2; level--) {
		u64 e = p2m_read(&t[p2m_index(gfn, level)]);

		if (!e)
			return -EINVAL;
		t = p2m_next(e);
	}
	if (!(p2m_read(&t[p2m_index(gfn, 2)]) & P2M_PS))
		return -EINVAL;
	p2m_write((u64 *)&t[p2m_index(gfn, 2)], 0);
	return 0;
}

paddr_t p2m_low_table(struct p2m *p)
{
	u64 e = p2m_read(&p->root[0]), *t;

	if (!p->pinned) {
		if (e) {
			t = p2m_next(e);
		} else {
			t = alloc_zeroed_pages(0);
			if (!t)
				return 0;
			p2m_install_table(p, &p->root[0], t, 3);
		}
		p->pinned = t;
	}
	return (uintptr_t)p->pinned;
}

enum p2m_format p2m_format_of(const struct p2m *p)
{
	return p->fmt;
}

unsigned long p2m_table_pages(const struct p2m *p)
{
	return p->table_pages;
}
