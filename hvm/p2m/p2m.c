/*
 * The guest-physical -> machine map (p2m): one 4-level radix tree, 512
 * entries per level, indexed by gfn bits 35:27, 26:18, 17:9 and 8:0.
 *
 * Design note.
 *
 * The tree is exactly what the vendor's nested paging walks, so there is no
 * second "software" copy to keep in sync: only the bits of an entry differ
 * between the two formats, and they are produced and decoded in four small
 * helpers (p2m_table_entry, p2m_leaf_entry, p2m_present, p2m_perms_of).
 *
 *  - NPT (APM vol.2 15.25) uses ordinary long-mode entries.  Every entry,
 *    table or leaf, has U/S set because the nested walk is a user access
 *    (APM 15.25.5); tables are P|RW|US; leaves P|US, RW for P2M_W, NX
 *    (bit 63) unless P2M_X, PS (bit 7) for 2 MiB.  PAT/PCD/PWT stay 0, so
 *    the host memory type is WB and the guest's PAT decides.
 *  - EPT (SDM vol.3 28.3.2): tables R|W|X; leaves their R/W/X bits, memory
 *    type WB (6) in bits 5:3, IPAT clear (the guest's PAT combines with it,
 *    SDM 29.3.7.2), bit 7 for 2 MiB.
 *
 * Read access is implied by every mapping: an NPT entry that is present is
 * readable, so "write only" or "execute only" cannot be expressed there,
 * and EPT calls W without R a misconfiguration (SDM 28.3.3.1) and needs a
 * CPU capability for execute-only.  p2m_map() therefore rejects W without
 * R and silently adds R to an execute-only request, in both formats, so a
 * lookup returns the same perms whichever vendor runs the domain.
 *
 * Updates never fail half way: p2m_map() counts the table pages the change
 * needs (new levels, or the split of a 2 MiB leaf into 512 4 KiB leaves),
 * allocates them all, and only then writes.  A new table is filled before
 * the entry pointing to it is written, and entries are written with single
 * 8-byte stores, so a walker (the CPU, or p2m_lookup() on another pCPU)
 * sees either the old or the new translation of every gfn.  Tables left
 * empty by p2m_unmap() are freed, so an unmapped tree is back to its root.
 *
 * Not done here: flushing.  After a mapping changes or disappears the
 * caller must flush the guest TLBs of the domain (hvm_ops->flush_guest_tlb)
 * before any vCPU runs again; and because table pages (and the caller's
 * RAM) are freed at once, a p2m of a running domain may only lose
 * translations while its vCPUs are paused and no copy_*_guest() is using
 * them (see hvm/guest_access.c).
 */
#include <hvm/p2m/p2m.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <xen/xmalloc.h>

#define P2M_LEVELS 4
#define P2M_ENTRIES 512
#define P2M_ADDR_MASK 0x000ffffffffff000ULL	/* bits 51:12 */
#define P2M_MAX_MFN ((1ULL << 40) - 1)		/* 52-bit machine addresses */
#define P2M_LARGE_ORDER 9

/* APM vol.2 5.3.3: long-mode page-table entry bits. */
#define NPT_P (1ULL << 0)
#define NPT_RW (1ULL << 1)
#define NPT_US (1ULL << 2)
#define NPT_NX (1ULL << 63)
/* SDM vol.3 28.3.2, tables 28-2 to 28-6. */
#define EPT_R (1ULL << 0)
#define EPT_W (1ULL << 1)
#define EPT_X (1ULL << 2)
#define EPT_MT_WB (6ULL << 3)
/* Both formats: bit 7 of a level-2 entry maps a 2 MiB page. */
#define P2M_PS (1ULL << 7)

struct p2m {
	enum p2m_format fmt;
	u64 *root;			/* level 4 (PML4 / EPT PML4) */
	unsigned long table_pages;	/* including the root */
};

static inline u64 p2m_read(const u64 *slot)
{
	return __atomic_load_n(slot, __ATOMIC_ACQUIRE);
}

/* One 8-byte store: walkers see the old or the new entry, never a mix.
 * Release: a new table's contents are visible before the pointer. */
static inline void p2m_write(u64 *slot, u64 e)
{
	__atomic_store_n(slot, e, __ATOMIC_RELEASE);
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

static u64 p2m_table_entry(const struct p2m *p, const u64 *table)
{
	u64 ma = (uintptr_t)table;

	if (p->fmt == P2M_NPT)
		return ma | NPT_P | NPT_RW | NPT_US;
	return ma | EPT_R | EPT_W | EPT_X;
}

/* Pre: perms normalised (R set, nothing but RWX). */
static u64 p2m_leaf_entry(const struct p2m *p, mfn_t mfn, unsigned int order,
			  unsigned int perms)
{
	u64 e = (mfn << PAGE_SHIFT) | (order ? P2M_PS : 0);

	if (p->fmt == P2M_NPT) {
		e |= NPT_P | NPT_US;
		if (perms & P2M_W)
			e |= NPT_RW;
		if (!(perms & P2M_X))
			e |= NPT_NX;
		return e;
	}
	e |= EPT_MT_WB | EPT_R;
	if (perms & P2M_W)
		e |= EPT_W;
	if (perms & P2M_X)
		e |= EPT_X;
	return e;
}

static bool p2m_present(const struct p2m *p, u64 e)
{
	if (p->fmt == P2M_NPT)
		return e & NPT_P;
	return e & (EPT_R | EPT_W | EPT_X);
}

/* Pre: e present.  Only levels 1 and 2 ever hold leaves. */
static bool p2m_is_leaf(u64 e, unsigned int level)
{
	BUG_ON(level > 2 && (e & P2M_PS));
	return level == 1 || (e & P2M_PS);
}

static unsigned int p2m_perms_of(const struct p2m *p, u64 e)
{
	unsigned int perms = P2M_R;

	if (p->fmt == P2M_NPT) {
		if (e & NPT_RW)
			perms |= P2M_W;
		if (!(e & NPT_NX))
			perms |= P2M_X;
		return perms;
	}
	if (e & EPT_W)
		perms |= P2M_W;
	if (e & EPT_X)
		perms |= P2M_X;
	return perms;
}

static bool p2m_table_empty(const struct p2m *p, const u64 *table)
{
	for (unsigned int i = 0; i < P2M_ENTRIES; i++)
		if (p2m_present(p, p2m_read(&table[i])))
			return false;
	return true;
}

static void p2m_free_table(struct p2m *p, u64 *table)
{
	BUG_ON(!p->table_pages);
	p->table_pages--;
	free_page(table);
}

/* Free @table (at @level) and every table below it; depth <= 3. */
static void p2m_free_tree(struct p2m *p, u64 *table, unsigned int level)
{
	for (unsigned int i = 0; level > 1 && i < P2M_ENTRIES; i++) {
		u64 e = table[i];

		if (p2m_present(p, e) && !p2m_is_leaf(e, level))
			p2m_free_tree(p, p2m_next(e), level - 1);
	}
	p2m_free_table(p, table);
}

/* Fill @table with the 512 4 KiB leaves equivalent to 2 MiB leaf @e. */
static void p2m_split_fill(const struct p2m *p, u64 *table, u64 e)
{
	mfn_t base = (e & P2M_ADDR_MASK) >> PAGE_SHIFT;
	unsigned int perms = p2m_perms_of(p, e);

	for (unsigned int i = 0; i < P2M_ENTRIES; i++)
		table[i] = p2m_leaf_entry(p, base + i, 0, perms);
}

/*
 * Replace the entry at @slot (above the leaf level) by a table: an empty
 * one if it was absent, the split of a 2 MiB leaf otherwise.  @table is a
 * zeroed page the caller already owns.
 */
static u64 *p2m_install_table(struct p2m *p, u64 *slot, u64 *table)
{
	u64 e = p2m_read(slot);

	if (p2m_present(p, e))
		p2m_split_fill(p, table, e);
	p->table_pages++;
	p2m_write(slot, p2m_table_entry(p, table));
	return table;
}

/* How many table pages mapping @gfn at @target level needs (<= 3). */
static unsigned int p2m_tables_needed(const struct p2m *p, u64 gfn,
				      unsigned int target)
{
	const u64 *t = p->root;

	for (unsigned int level = P2M_LEVELS; level > target; level--) {
		u64 e = p2m_read(&t[p2m_index(gfn, level)]);

		if (!p2m_present(p, e))
			return level - target;
		if (p2m_is_leaf(e, level))
			return 1;	/* split; then nothing is missing */
		t = p2m_next(e);
	}
	return 0;
}

static bool p2m_args_ok(u64 gfn, unsigned int order)
{
	if (order != 0 && order != P2M_LARGE_ORDER)
		return false;
	if (!IS_ALIGNED(gfn, 1ULL << order))
		return false;
	return gfn <= P2M_MAX_GFN && gfn + (1ULL << order) - 1 <= P2M_MAX_GFN;
}

struct p2m *p2m_create(enum p2m_format fmt)
{
	struct p2m *p;

	if (fmt != P2M_NPT && fmt != P2M_EPT)
		return NULL;
	p = xzalloc(struct p2m);
	if (!p)
		return NULL;
	p->fmt = fmt;
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
	p2m_free_tree(p, p->root, P2M_LEVELS);
	BUG_ON(p->table_pages);
	xfree(p);
}

int p2m_map(struct p2m *p, u64 gfn, mfn_t mfn, unsigned int order,
	    unsigned int perms)
{
	unsigned int target = order ? 2 : 1, need, used = 0, level;
	u64 *spare[P2M_LEVELS - 1], *t = p->root, *slot, old;

	/* Validate: nothing below may fail after the first write. */
	if (!p2m_args_ok(gfn, order) || mfn > P2M_MAX_MFN ||
	    !IS_ALIGNED(mfn, 1ULL << order))
		return -EINVAL;
	if (!perms || (perms & ~P2M_RWX) ||
	    ((perms & P2M_W) && !(perms & P2M_R)))
		return -EINVAL;
	perms |= P2M_R;		/* implied: see the design note */

	need = p2m_tables_needed(p, gfn, target);
	for (unsigned int i = 0; i < need; i++) {
		spare[i] = alloc_zeroed_pages(0);
		if (!spare[i]) {
			while (i--)
				free_page(spare[i]);
			return -ENOMEM;
		}
	}

	/* Commit. */
	for (level = P2M_LEVELS; level > target; level--) {
		slot = &t[p2m_index(gfn, level)];
		old = p2m_read(slot);
		if (!p2m_present(p, old) || p2m_is_leaf(old, level)) {
			BUG_ON(used >= need);
			t = p2m_install_table(p, slot, spare[used++]);
		} else {
			t = p2m_next(old);
		}
	}
	BUG_ON(used != need);

	slot = &t[p2m_index(gfn, target)];
	old = p2m_read(slot);
	p2m_write(slot, p2m_leaf_entry(p, mfn, order, perms));
	/* A 2 MiB leaf over a table of 4 KiB leaves: the table goes. */
	if (target == 2 && p2m_present(p, old) && !p2m_is_leaf(old, 2))
		p2m_free_table(p, p2m_next(old));
	return 0;
}

/*
 * Free the tables on @gfn's path that @path says became empty, from
 * @level upwards; the root stays.
 */
static void p2m_prune(struct p2m *p, u64 *const path[], u64 gfn,
		      unsigned int level)
{
	for (; level < P2M_LEVELS; level++) {
		if (!p2m_table_empty(p, path[level]))
			return;
		p2m_write(&path[level + 1][p2m_index(gfn, level + 1)], 0);
		p2m_free_table(p, path[level]);
	}
}

int p2m_unmap(struct p2m *p, u64 gfn, unsigned int order)
{
	unsigned int target = order ? 2 : 1, level;
	u64 *path[P2M_LEVELS + 1], *slot, e;

	if (!p2m_args_ok(gfn, order))
		return -EINVAL;

	path[P2M_LEVELS] = p->root;
	for (level = P2M_LEVELS; level > target; level--) {
		slot = &path[level][p2m_index(gfn, level)];
		e = p2m_read(slot);
		if (!p2m_present(p, e))
			return 0;	/* nothing mapped here */
		if (p2m_is_leaf(e, level)) {
			/* A 4 KiB hole in a 2 MiB leaf: split first.
			 * Nothing has changed yet, so -ENOMEM is clean. */
			u64 *table = alloc_zeroed_pages(0);

			if (!table)
				return -ENOMEM;
			path[level - 1] = p2m_install_table(p, slot, table);
			continue;
		}
		path[level - 1] = p2m_next(e);
	}

	slot = &path[target][p2m_index(gfn, target)];
	e = p2m_read(slot);
	if (!p2m_present(p, e))
		return 0;
	p2m_write(slot, 0);
	if (target == 2 && !p2m_is_leaf(e, 2))
		p2m_free_table(p, p2m_next(e));
	p2m_prune(p, path, gfn, target);
	return 0;
}

int p2m_lookup(const struct p2m *p, u64 gfn, mfn_t *mfn, unsigned int *perms)
{
	const u64 *t = p->root;

	if (gfn > P2M_MAX_GFN)
		return -ENOENT;
	for (unsigned int level = P2M_LEVELS; level >= 1; level--) {
		u64 e = p2m_read(&t[p2m_index(gfn, level)]);

		if (!p2m_present(p, e))
			return -ENOENT;
		if (p2m_is_leaf(e, level)) {
			u64 off = gfn & ((1ULL << (9 * (level - 1))) - 1);

			*mfn = ((e & P2M_ADDR_MASK) >> PAGE_SHIFT) + off;
			*perms = p2m_perms_of(p, e);
			return 0;
		}
		t = p2m_next(e);
	}
	BUG();	/* level 1 entries are always leaves */
}

paddr_t p2m_root(const struct p2m *p)
{
	return (uintptr_t)p->root;
}

enum p2m_format p2m_format_of(const struct p2m *p)
{
	return p->fmt;
}

unsigned long p2m_table_pages(const struct p2m *p)
{
	return p->table_pages;
}
