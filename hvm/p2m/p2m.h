/*
 * The guest-physical -> machine map of a domain: one 4-level radix tree
 * emitted in the format the vendor's nested paging reads (AMD NPT uses
 * ordinary long-mode page-table entries; Intel EPT its own R/W/X entries
 * with a memory type), or an AMD-Vi IOMMU's (its copy for devices).  4 KiB and 2 MiB leaves, each with a type
 * (xen/p2m.h) from which its access rights and memory type follow.  Table
 * pages come from the page allocator and are counted; the mapped frames
 * and their references are the caller's (hvm/arch.c).
 *
 * Locking: the caller serialises updates (the domain's p2m lock); lookups
 * are lock-free (single 8-byte loads of each entry).
 */
#ifndef HVM_P2M_P2M_H
#define HVM_P2M_P2M_H

#include <xen/p2m.h>
#include <xen/types.h>

enum p2m_format {
	P2M_NPT,
	P2M_EPT,
	/* AMD-Vi I/O page tables (AMD 48882, 2.2.3): not walked by a CPU but
	 * by an IOMMU, as a copy of a domain's p2m kept by hvm/arch.c.  Its
	 * tables stay until p2m_drain(), so undoing a change needs no
	 * memory. */
	P2M_AMD_VI,
};

#define P2M_MAX_GFN ARCH_MAX_GFN	/* 48-bit guest-physical space */

struct p2m;

struct p2m *p2m_create(enum p2m_format fmt);
/* Free the table pages.  Pre: p2m_drain() emptied the tree (the mapped
 * frames' references are the caller's to drop). */
void p2m_destroy(struct p2m *p);
/*
 * Map 2^@order pages (order 0 or 9) at @gfn -> @mfn with type @t (not
 * p2m_invalid; @mfn is ignored for p2m_mmio_dm).  Both must be aligned to
 * the order.  Order 0 replaces whatever was at @gfn (splitting a 2 MiB
 * leaf around it) and reports it in *old (order 0 view; may be NULL).
 * Order 9 needs the 2 MiB range empty (-EBUSY otherwise).  Returns 0,
 * -EINVAL (misaligned, bad order/type, gfn out of range), -EBUSY or
 * -ENOMEM (no table page; the map is unchanged).
 */
int p2m_set(struct p2m *p, u64 gfn, mfn_t mfn, unsigned int order,
	    enum p2m_type t, struct p2m_entry *old);
/* Table pages a clear emptied and unlinked: another vCPU of the domain
 * may still be walking them until the caller's TLB flush, so they are the
 * caller's to free after it (p2m_retired_free()). */
struct p2m_retired {
	u64 *table[3];		/* at most the three levels below the root */
	unsigned int nr;
};
/* Remove the 4 KiB entry at @gfn (splitting a 2 MiB leaf); absent is not
 * an error.  *old (may be NULL) says what was there.  Tables left empty
 * are unlinked into *@retired (NULL: freed at once, for a p2m no vCPU
 * uses).  0, -EINVAL or -ENOMEM (split impossible; nothing changed). */
int p2m_clear(struct p2m *p, u64 gfn, struct p2m_entry *old,
	      struct p2m_retired *retired);
/* Free what p2m_clear() retired (after the flush). */
void p2m_retired_free(struct p2m_retired *retired);
/* Translate one gfn: its type (p2m_invalid if nothing) and frame. */
enum p2m_type p2m_get(const struct p2m *p, u64 gfn, mfn_t *mfn);
/*
 * Empty the tree, at most *@budget leaves per call: each leaf is removed
 * and passed to @fn (with its gfn) before its table can go.  Returns 0
 * when only the root is left, -EAGAIN when the budget ran out (call
 * again: progress is kept in the tree itself).  *@budget is decremented
 * per leaf.  The domain must not run (no TLB flush here).
 */
int p2m_drain(struct p2m *p, void (*fn)(void *ctx, u64 gfn,
					const struct p2m_entry *e),
	      void *ctx, unsigned long *budget);
/*
 * Call @fn for every leaf, in gfn order, until it returns non-zero (which
 * is returned).  Read only; pre: update lock held.
 */
int p2m_for_each_leaf(const struct p2m *p,
		      int (*fn)(void *ctx, u64 gfn, const struct p2m_entry *e),
		      void *ctx);
/* Remove the 2 MiB leaf at @gfn, which must be one (-EINVAL): undoes an
 * order-9 p2m_set() without splitting, so without memory. */
int p2m_clear_2m(struct p2m *p, u64 gfn);
/* Machine address of the top-level table (nCR3 / EPTP base). */
paddr_t p2m_root(const struct p2m *p);
/*
 * The level-3 table covering gfns below 512 GiB, created if absent and
 * never unlinked while the tree lives (p2m_drain() still frees it): an
 * IOMMU with 3-level tables walks from it (xen/iommu.h).  0 on -ENOMEM.
 * Pre: update lock held.
 */
paddr_t p2m_low_table(struct p2m *p);
/* Write every entry back to memory as it is written (CLFLUSH), for an
 * IOMMU whose walks do not snoop the caches; global, off by default. */
void p2m_set_writeback(bool on);
enum p2m_format p2m_format_of(const struct p2m *p);
/* Table pages currently allocated (for accounting and leak checks). */
unsigned long p2m_table_pages(const struct p2m *p);

#endif
