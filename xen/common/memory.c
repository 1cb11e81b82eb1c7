/*
 * memory_op hypercall (public/memory.h) for HVM/PVH (auto-translated)
 * guests, as Xen 4.17 answers them: GFNs everywhere, never MFNs.
 *
 * Ownership.  Guest RAM frames never leave their domain before it dies.
 * Taking a frame out of the p2m (decrease_reservation, remove_from_physmap,
 * or mapping shared_info / a grant frame over RAM) keeps it in
 * d->ballooned (or in its original extent), and populate_physmap reuses
 * those first; only up to max_pages are ever allocated.  So a pointer the
 * hypervisor holds into guest RAM (vcpu_info, a grant mapping of this
 * domain's frame) can never reach another domain's memory.
 *
 * No continuations: one call handles at most MEMOP_MAX_EXTENTS extents and
 * returns how many it did, which Linux's callers already handle (they
 * loop on a short count).
 */
#include <xen/arch_vcpu.h>
#include <xen/bootinfo.h>
#include <xen/errno.h>
#include <xen/grant_table.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <xen/sched.h>
#include <xen/shared_info.h>
#include <xen/xmalloc.h>
#include <public/memory.h>

#define MEMOP_MAX_EXTENTS 512
/* Xen refuses more extents than this in one request (1 << 26). */
#define MEMOP_MAX_NR_EXTENTS (1ULL << 26)
/* Xen's encoding of cmd: low 6 bits the sub-op, the rest the extent a
 * continuation restarts from. */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK ((1 << MEMOP_EXTENT_SHIFT) - 1)

/* DOMID_SELF or the caller's own id; a privileged caller may name any
 * domain.  NULL with *rc set otherwise. */
static struct domain *memop_target(struct vcpu *v, domid_t domid, long *rc)
{
	struct domain *d = v->domain, *t;

	if (domid == DOMID_SELF || domid == d->domain_id)
		return d;
	if (!d->is_privileged) {
		*rc = -EPERM;
		return NULL;
	}
	t = domid < DOMID_FIRST_RESERVED ? domain_by_id(domid) : NULL;
	if (!t || t->is_dying)
		*rc = -ESRCH;
	return t;
}

/* The guest's e820 (xen/include/xen/sched.h: d->memmap), packed. */
struct guest_e820 {
	u64 addr, size;
	u32 type;
} __attribute__((packed));

/* As Xen's arch_memory_op(): copy as many entries as fit and write the
 * number copied back. */
static long memory_map(struct vcpu *v, u64 arg, bool compat)
{
	struct domain *d = v->domain;
	u32 nr;
	u64 buf = 0;
	unsigned int i, n;

	/* { unsigned int nr_entries; handle buffer } (handle 4 or 8 bytes). */
	if (copy_from_guest(v, &nr, arg, 4) ||
	    copy_from_guest(v, &buf, arg + (compat ? 4 : 8), compat ? 4 : 8))
		return -EFAULT;
	n = MIN(nr, d->nr_memmap);
	for (i = 0; i < n; i++) {
		struct guest_e820 e = { d->memmap[i].addr, d->memmap[i].size,
					d->memmap[i].type };

		if (copy_to_guest(v, buf + i * sizeof(e), &e, sizeof(e)))
			return -EFAULT;
	}
	return copy_to_guest(v, arg, &n, 4) ? -EFAULT : 0;
}

/* Take the RAM frame at @gfn out of the p2m into the ballooned pool.
 * Non-RAM gfns (shared_info, grant frames, grant mappings) are refused:
 * they have their own ways out. */
static int balloon_out(struct domain *d, u64 gfn)
{
	struct domain_extent *e;
	mfn_t mfn;

	if (arch_p2m_get_page(d, gfn, &mfn, NULL))
		return -ENOENT;
	if (!domain_owns_ram_mfn(d, mfn))
		return -EINVAL;
	e = xzalloc(struct domain_extent);
	if (!e)
		return -ENOMEM;
	if (arch_p2m_clear_page(d, gfn)) {
		xfree(e);
		return -ENOMEM;
	}
	/* Still in its original extent (freed with it); the pool entry just
	 * records that the frame is free for reuse (order ~0U = borrowed). */
	e->maddr = mfn << PAGE_SHIFT;
	e->gfn = ~0ULL;
	e->order = ~0U;
	e->next = d->ballooned;
	d->ballooned = e;
	d->nr_ballooned++;
	return 0;
}

/* Put a fresh or reused zeroed frame at @gfn (which must be empty). */
static int balloon_in(struct domain *d, u64 gfn)
{
	struct domain_extent *e = d->ballooned;
	mfn_t mfn;
	void *page;
	int rc;

	if (!arch_p2m_get_page(d, gfn, &mfn, NULL))
		return -EBUSY;
	if (e) {
		page = (void *)(uintptr_t)e->maddr;
	} else {
		if (d->tot_pages >= d->max_pages)
			return -ENOMEM;
		e = xzalloc(struct domain_extent);
		page = e ? alloc_pages(0) : NULL;
		if (!page) {
			xfree(e);
			return -ENOMEM;
		}
		e->maddr = (uintptr_t)page;
		e->order = 0;
	}
	memset(page, 0, PAGE_SIZE);
	rc = arch_p2m_set_page(d, gfn, e->maddr >> PAGE_SHIFT, true);
	if (rc) {
		if (e != d->ballooned) {
			free_page(page);
			xfree(e);
		}
		return rc;
	}
	if (e == d->ballooned) {
		d->ballooned = e->next;
		d->nr_ballooned--;
		if (e->order == ~0U) {		/* borrowed from an extent */
			xfree(e);
			return 0;
		}
	} else {
		d->tot_pages++;
	}
	e->gfn = gfn;
	e->next = d->extents;
	d->extents = e;
	return 0;
}

/*
 * increase/decrease_reservation, populate_physmap: a list of GFNs.  As
 * Xen, the result is the number of extents done (counting from the
 * continuation's start extent in cmd), never an errno: an unreadable
 * argument, an unknown domain or an unsupported order do nothing.
 */
static long reservation(struct vcpu *v, int cmd, u64 start, u64 arg,
			bool compat)
{
	struct xen_memory_reservation r;
	struct domain *d;
	u64 list, nr, i;
	unsigned long f;
	long rc = 0;

	if (compat) {
		/* { u32 handle; u32 nr_extents; u32 order; u32 flags; u16 domid } */
		u32 c[5] = { 0 };

		if (copy_from_guest(v, c, arg, 18))
			return start;
		list = c[0], nr = c[1];
		r.extent_order = c[2], r.mem_flags = c[3];
		r.domid = (u16)c[4];
	} else {
		if (copy_from_guest(v, &r, arg, sizeof(r)))
			return start;
		list = (uintptr_t)r.extent_start.p, nr = r.nr_extents;
	}
	/* MFN-based increase_reservation is PV only; only 4 KiB extents
	 * (Linux's balloon and privcmd use nothing else); Xen's bound on
	 * the count. */
	if (cmd == XENMEM_increase_reservation || r.extent_order ||
	    nr > MEMOP_MAX_NR_EXTENTS || start >= nr ||
	    !(d = memop_target(v, r.domid, &rc)))
		return start;
	nr = MIN(nr, start + MEMOP_MAX_EXTENTS);
	for (i = start; i < nr; i++) {
		u64 gfn = 0;

		if (copy_from_guest(v, &gfn, list + i * (compat ? 4 : 8),
				    compat ? 4 : 8))
			break;
		if (gfn > ARCH_MAX_GFN)
			break;
		f = spin_lock_irqsave(&d->lock);
		rc = cmd == XENMEM_populate_physmap ? balloon_in(d, gfn) :
						      balloon_out(d, gfn);
		spin_unlock_irqrestore(&d->lock, f);
		if (rc)
			break;
	}
	if (i < nr)
		domain_bad_request(v->domain, "memory_op %d stopped at extent "
				   "%lu of %lu (%ld)", cmd, (unsigned long)i,
				   (unsigned long)nr, rc);
	return i;
}

static long add_to_physmap(struct vcpu *v, u64 start, u64 arg, bool compat)
{
	struct xen_add_to_physmap x;
	struct domain *d;
	long rc = 0;

	if (compat) {
		/* { u16 domid; u16 size; u32 space; u32 idx; u32 gpfn } */
		u32 c[4];

		if (copy_from_guest(v, c, arg, sizeof(c)))
			return -EFAULT;
		x.domid = (u16)c[0], x.size = c[0] >> 16, x.space = c[1];
		x.idx = c[2], x.gpfn = c[3];
	} else if (copy_from_guest(v, &x, arg, sizeof(x))) {
		return -EFAULT;
	}
	/* The continuation field must fit add_to_physmap's 16-bit size. */
	if (start > 0xffff)
		return -EDOM;
	if (!(d = memop_target(v, x.domid, &rc)))
		return rc;
	if (x.gpfn > ARCH_MAX_GFN)
		return -EINVAL;
	switch (x.space) {
	case XENMAPSPACE_shared_info:
		return x.idx ? -EINVAL : shared_info_map(d, x.gpfn);
	case XENMAPSPACE_grant_table:
		return gnttab_map_frame(d, x.idx, x.gpfn);
	case XENMAPSPACE_gmfn: {
		/* Move one of the domain's own RAM frames to another gfn. */
		mfn_t mfn;
		unsigned long f;

		if (arch_p2m_get_page(d, x.idx, &mfn, NULL) ||
		    !domain_owns_ram_mfn(d, mfn))
			return -EINVAL;
		f = spin_lock_irqsave(&d->lock);
		rc = arch_p2m_set_page(d, x.gpfn, mfn, true);
		if (!rc && x.gpfn != x.idx)
			rc = arch_p2m_clear_page(d, x.idx);
		spin_unlock_irqrestore(&d->lock, f);
		return rc;
	}
	case XENMAPSPACE_gmfn_foreign:
		return -ENOSYS;		/* XENMEM_add_to_physmap_batch only */
	}
	/* gmfn_range (needs continuations), dev_mmio (ARM). */
	domain_bad_request(v->domain, "add_to_physmap space %u", x.space);
	return -EINVAL;
}

static long remove_from_physmap(struct vcpu *v, u64 arg, bool compat)
{
	struct xen_remove_from_physmap x;
	struct domain *d;
	unsigned long f;
	long rc = 0;

	if (compat) {
		u32 c[2];	/* { u16 domid; u32 gpfn } */

		if (copy_from_guest(v, c, arg, sizeof(c)))
			return -EFAULT;
		x.domid = (u16)c[0], x.gpfn = c[1];
	} else if (copy_from_guest(v, &x, arg, sizeof(x))) {
		return -EFAULT;
	}
	if (!(d = memop_target(v, x.domid, &rc)))
		return rc;
	if (x.gpfn > ARCH_MAX_GFN)
		return -ENOENT;
	f = spin_lock_irqsave(&d->lock);
	if (x.gpfn == d->shared_info_gfn) {
		rc = arch_p2m_clear_page(d, x.gpfn);
		d->shared_info_gfn = ~0ULL;
	} else {
		rc = balloon_out(d, x.gpfn);
		/* Not RAM: a grant frame or an unused gfn; just unmap. */
		if (rc == -EINVAL)
			rc = arch_p2m_clear_page(d, x.gpfn);
	}
	spin_unlock_irqrestore(&d->lock, f);
	return rc;
}

long do_memory_op(struct vcpu *v, const u64 a[5], bool compat)
{
	u64 op = compat ? (u32)a[0] : a[0];
	int cmd = op & MEMOP_CMD_MASK;
	u64 start = op >> MEMOP_EXTENT_SHIFT;
	struct domain *d;
	domid_t domid;
	long rc = 0;

	switch (cmd) {
	case XENMEM_increase_reservation:
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap:
		return reservation(v, cmd, start, a[1], compat);
	case XENMEM_add_to_physmap:
		return add_to_physmap(v, start, a[1], compat);
	}
	/* Only the ops above can be continued (Xen: -EINVAL otherwise). */
	if (start)
		return -EINVAL;
	switch (cmd) {
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
		if (copy_from_guest(v, &domid, a[1], sizeof(domid)))
			return -EFAULT;
		if (!(d = memop_target(v, domid, &rc)))
			return rc;
		return cmd == XENMEM_current_reservation ?
		       (long)(d->tot_pages - d->nr_ballooned) : (long)d->max_pages;
	case XENMEM_maximum_gpfn:
		if (copy_from_guest(v, &domid, a[1], sizeof(domid)))
			return -EFAULT;
		if (!(d = memop_target(v, domid, &rc)))
			return rc;
		return (long)(d->ram_bytes >> PAGE_SHIFT) - 1;
	case XENMEM_memory_map:
		return memory_map(v, a[1], compat);
	case XENMEM_remove_from_physmap:
		return remove_from_physmap(v, a[1], compat);
	}
	/* machine_memory_map, machphys_*: PV only; the rest later stages. */
	return -ENOSYS;
}
