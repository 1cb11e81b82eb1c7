/*
 * A domain's guest-physical map, as common code sees it: typed entries
 * (Xen's p2m_type_t, in the spirit of xen/arch/x86/include/asm/p2m.h),
 * changed and read through the architecture (hvm/arch.c) with the frame
 * references of xen/frame.h kept right.  The tree itself is hvm/p2m/.
 *
 * Types, and what each allows the guest (and copy_to/from_guest):
 *   p2m_invalid        nothing there (an access is a fault)
 *   p2m_ram_rw         the domain's RAM, read/write/execute
 *   p2m_ram_ro         RAM the domain may read and run, not write
 *   p2m_grant_map_rw   another domain's granted frame, read/write
 *   p2m_grant_map_ro   the same, read-only
 *   p2m_map_foreign    another domain's frame mapped by a privileged
 *                      domain (XENMAPSPACE_gmfn_foreign), read/write
 *   p2m_mmio_direct    machine MMIO passed through, uncached
 *   p2m_mmio_dm        MMIO a device model emulates: no access, every
 *                      access exits and becomes an I/O request
 *   p2m_ioreq_server   RAM whose writes go to a device model (Xen's type
 *                      of that name): readable, writes exit
 * Every entry of a type that maps a frame (all but p2m_invalid,
 * p2m_mmio_direct and p2m_mmio_dm) holds one reference on that frame.
 */
#ifndef XEN_P2M_H
#define XEN_P2M_H

#include <xen/types.h>

struct domain;

enum p2m_type {
	p2m_invalid = 0,
	p2m_ram_rw,
	p2m_ram_ro,
	p2m_grant_map_rw,
	p2m_grant_map_ro,
	p2m_map_foreign,
	p2m_mmio_direct,
	p2m_mmio_dm,
	p2m_ioreq_server,
	P2M_NR_TYPES
};

/* One leaf: what a gfn range maps to. */
#define P2M_ORDER_2M 9
struct p2m_entry {
	enum p2m_type type;	/* p2m_invalid: nothing */
	mfn_t mfn;		/* first frame (types that map one) */
	unsigned int order;	/* 0 or P2M_ORDER_2M */
};

/* Access rights a type grants (P2M_R/W/X). */
#define P2M_R (1U << 0)
#define P2M_W (1U << 1)
#define P2M_X (1U << 2)
#define P2M_RWX (P2M_R | P2M_W | P2M_X)
unsigned int p2m_type_perms(enum p2m_type t);

static inline bool p2m_is_ram(enum p2m_type t)
{
	return t == p2m_ram_rw || t == p2m_ram_ro || t == p2m_ioreq_server;
}

static inline bool p2m_is_grant(enum p2m_type t)
{
	return t == p2m_grant_map_rw || t == p2m_grant_map_ro;
}

/* Does an entry of this type hold a reference on its frame? */
static inline bool p2m_holds_frame(enum p2m_type t)
{
	return t != p2m_invalid && t != p2m_mmio_direct && t != p2m_mmio_dm;
}

/* Highest guest frame a domain can have (48-bit guest-physical space,
 * what CPUID 0x80000008 reports at most). */
#define P2M_GUEST_PHYS_BITS 48
#define ARCH_MAX_GFN ((1ULL << (P2M_GUEST_PHYS_BITS - 12)) - 1)

/*
 * Single 4 KiB changes while the domain may run.  Serialised by the
 * domain's p2m lock.  Replacing or removing a translation makes every
 * vCPU of @d flush its guest TLB before it next runs guest code, and
 * returns only once none can still use the old translation (see
 * hvm/arch.c), so the old frame may be released at once.  May be called
 * with locks held and interrupts off.
 *
 * arch_p2m_set_entry() takes over one reference on @mfn from the caller
 * (for types that hold one) and drops the reference of whatever entry it
 * replaces.  Returns 0, -EINVAL (gfn beyond ARCH_MAX_GFN, bad type) or
 * -ENOMEM; on failure the caller still owns its reference.
 */
int arch_p2m_set_entry(struct domain *d, u64 gfn, mfn_t mfn,
		       enum p2m_type t);
/* Host frames [@pfn, @pfn + @nr) at the same gfns as direct MMIO (dom0's
 * firmware areas, reserved DMA regions, BARs).  Stops at the first error
 * and returns it; the entries already set stay. */
static inline int p2m_map_direct(struct domain *d, u64 pfn, u64 nr)
{
	int rc = 0;

	for (u64 i = 0; i < nr && !rc; i++)
		rc = arch_p2m_set_entry(d, pfn + i, pfn + i, p2m_mmio_direct);
	return rc;
}
/* Remove @gfn's entry (dropping its reference); absent is not an error.
 * *old (if non-NULL) says what was there. */
int arch_p2m_clear_entry(struct domain *d, u64 gfn, enum p2m_type *old);
/* Remove @gfn's entry only if it still maps @mfn with type @t (grant
 * unmap, foreign unmap).  0 if removed, -ENOENT if it no longer does. */
int arch_p2m_clear_entry_if(struct domain *d, u64 gfn, mfn_t mfn,
			    enum p2m_type t);
/* Change @gfn's entry from type @ot to @nt, keeping its frame (Xen's
 * p2m_change_type_one()): both types map a frame or neither does.  0,
 * -EBUSY (the entry is not of type @ot any more), -EINVAL, -ENOMEM. */
int arch_p2m_change_type(struct domain *d, u64 gfn, enum p2m_type ot,
			 enum p2m_type nt);
/* What @gfn maps: its type (p2m_invalid if absent) and frame. */
enum p2m_type arch_p2m_get_entry(struct domain *d, u64 gfn, mfn_t *mfn);
/*
 * The frame at @gfn with a reference for the caller (frame_put() it),
 * looked up and referenced under the p2m lock, so the frame cannot be
 * freed in between.  Only types that hold a frame; -ENOENT otherwise
 * (*t still says what is there).
 */
int arch_p2m_get_frame(struct domain *d, u64 gfn, mfn_t *mfn,
		       enum p2m_type *t);

/*
 * Move one of @d's own RAM frames from @idx to @gpfn, replacing what
 * @gpfn held (Xen's XENMAPSPACE_gmfn; xen/common/memory.c): -EINVAL if
 * @idx holds none of @d's RAM or @gpfn is beyond ARCH_MAX_GFN, -EPERM
 * over direct MMIO.
 */
int p2m_move_gmfn(struct domain *d, u64 idx, u64 gpfn);

/*
 * @d's p2m as an IOMMU walks it (xen/iommu.h): the machine address of the
 * 4-level root, or with @levels 3 of the table for gfns below 512 GiB,
 * kept from then on.  0 if that table cannot be allocated.
 */
paddr_t arch_p2m_iommu_root(struct domain *d, unsigned int levels);
/* An IOMMU that does not snoop the caches walks p2ms: write entries back
 * to memory as they change. */
void arch_p2m_iommu_writeback(bool on);
/*
 * For an IOMMU with tables of its own format (AMD-Vi): a copy of @d's p2m
 * in that format, made now if there is none, kept in step with every
 * change from then on (hvm/p2m_iommu.c).  The machine address of its
 * 4-level root, or 0 without memory for it.
 */
paddr_t arch_p2m_iommu_copy(struct domain *d);
/* Free the copy: no device reaches it any more (and none caches it). */
void arch_p2m_iommu_release(struct domain *d);

#endif
