/*
 * The guest-physical -> machine map of a domain: one 4-level radix tree
 * emitted in the format the vendor's nested paging reads (AMD NPT uses
 * ordinary long-mode page-table entries; Intel EPT its own R/W/X entries
 * with a memory type).  4 KiB and 2 MiB leaves.  Table pages come from the
 * page allocator and are counted; the mapped memory is the caller's.
 *
 * Locking: the caller serialises updates (d->lock); lookups from exit
 * handlers of the same domain take the same lock.
 */
#ifndef HVM_P2M_P2M_H
#define HVM_P2M_P2M_H

#include <xen/arch_vcpu.h>
#include <xen/types.h>

enum p2m_format {
	P2M_NPT,
	P2M_EPT,
};

/* Access rights of a mapping. */
#define P2M_R (1U << 0)
#define P2M_W (1U << 1)
#define P2M_X (1U << 2)
#define P2M_RWX (P2M_R | P2M_W | P2M_X)

#define P2M_MAX_GFN ARCH_MAX_GFN	/* 48-bit guest-physical space */

struct p2m;

struct p2m *p2m_create(enum p2m_format fmt);
/* Free the table pages (not the memory they map). */
void p2m_destroy(struct p2m *p);
/*
 * Map 2^@order pages (order 0 or 9) at @gfn -> @mfn with @perms.
 * Both must be aligned to the order.  An existing mapping is replaced
 * (a 2 MiB leaf is split when a 4 KiB page inside it changes).
 * Returns 0, -EINVAL (misaligned, bad order/perms, gfn out of range) or
 * -ENOMEM (no table page; the map is unchanged).
 */
int p2m_map(struct p2m *p, u64 gfn, mfn_t mfn, unsigned int order,
	    unsigned int perms);
/* Remove whatever maps [gfn, gfn + 2^order); absent is not an error. */
int p2m_unmap(struct p2m *p, u64 gfn, unsigned int order);
/* Translate one gfn: 0 with *mfn and *perms set, or -ENOENT. */
int p2m_lookup(const struct p2m *p, u64 gfn, mfn_t *mfn,
	       unsigned int *perms);
/* Machine address of the top-level table (nCR3 / EPTP base). */
paddr_t p2m_root(const struct p2m *p);
enum p2m_format p2m_format_of(const struct p2m *p);
/* Table pages currently allocated (for accounting and leak checks). */
unsigned long p2m_table_pages(const struct p2m *p);

#endif
