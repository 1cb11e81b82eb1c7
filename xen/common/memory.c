/*
 * memory_op hypercall (public/memory.h) for HVM/PVH (auto-translated)
 * guests, as Xen 4.17 answers them: GFNs everywhere, never MFNs.
 *
 * Frames and references (xen/frame.h, xen/p2m.h).  A domain's RAM is
 * frames it owns, each held by the p2m entry that maps it.  Taking a gfn
 * out of the p2m (decrease_reservation, remove_from_physmap, or mapping
 * something else over it) drops that reference, and the frame returns to
 * the allocator unless someone else still holds one (a grant mapping in
 * another domain, a registered vcpu_info, a copy in progress).
 * populate_physmap allocates fresh frames up to max_pages.
 *
 * Foreign memory (a privileged domain mapping another domain's frames):
 * XENMEM_add_to_physmap_batch with XENMAPSPACE_gmfn_foreign, and
 * XENMEM_acquire_resource for a domain's grant-table frames or an ioreq
 * server's pages (for that server's emulator only); both make
 * p2m_map_foreign entries, each holding a reference on the foreign frame,
 * so the frame outlives its owner's death until the mapping goes.
 *
 * Long lists continue as Xen's do (xen/hypercall.h): the reservation ops
 * and acquire_resource record the next extent in cmd's upper bits, the
 * batch in cmd's upper bits too; results are counts where Xen returns
 * counts.
 */
#include <xen/arch_vcpu.h>
#include <xen/compat.h>
#include <xen/errno.h>
#include <xen/frame.h>
#include <xen/grant_table.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/ioreq.h>
#include <xen/lib.h>
#include <xen/p2m.h>
#include <xen/sched.h>
#include <xen/shared_info.h>
#include <public/memory.h>

/* Xen's encoding of cmd: low 6 bits the sub-op, the rest the extent a
 * continuation restarts from; lists longer than the field can say are
 * refused (Xen's UINT_MAX >> MEMOP_EXTENT_SHIFT). */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK ((1 << MEMOP_EXTENT_SHIFT) - 1)
#define MEMOP_MAX_NR_EXTENTS (0xffffffffU >> MEMOP_EXTENT_SHIFT)
#define INVALID_GFN (~0ULL)

/* Record a continuation at @next in @args (cmd keeps the sub-op). */
static long memop_continue(struct hypercall_args *args, int cmd, u64 next)
{
	args->a[0] = cmd | (next << MEMOP_EXTENT_SHIFT);
	return -ERESTART;
}

/* Xen's rcu_lock_domain_by_any_id() plus the XSM_TARGET check of its
 * dummy policy: DOMID_SELF or our own id, or any domain for a privileged
 * caller.  The domain comes with a reference (put_domain()). */
static struct domain *memop_target(struct vcpu *v, domid_t domid, long *rc)
{
	struct domain *d = v->domain, *t;

	if (domid == DOMID_SELF || domid == d->domain_id) {
		get_domain(d);
		return d;
	}
	t = domain_by_id(domid);
	if (!t) {
		*rc = -ESRCH;
		return NULL;
	}
	if (!d->is_privileged) {
		put_domain(t);
		*rc = -EPERM;
		return NULL;
	}
	return t;
}

/* The guest's e820 (xen/include/xen/sched.h: d->memmap), packed. */
struct guest_e820 {
	u64 addr, size;
	u32 type;
} __attribute__((packed));

/* As Xen's arch_memory_op(): copy as many entries as fit and write the
 * number copied back. */
static long memory_map(struct vcpu *v, struct hypercall_args *args)
{
	struct domain *d = v->domain;
	struct xen_memory_map map;
	unsigned int i, n;
	u64 buf;

	if (guest_get_memory_map(v, args->compat, args->a[1], &map))
		return -EFAULT;
	buf = guest_handle_addr(map.buffer);
	n = MIN(map.nr_entries, d->nr_memmap);
	for (i = 0; i < n; i++) {
		struct guest_e820 e = { d->memmap[i].addr, d->memmap[i].size,
					d->memmap[i].type };

		if (copy_to_guest(v, buf + i * sizeof(e), &e, sizeof(e)))
			return -EFAULT;
	}
	return guest_put_memory_map_nr(v, args->compat, args->a[1], n) ?
	       -EFAULT : 0;
}

/*
 * XENMEM_set_memory_map (toolstack): the e820 another domain's
 * XENMEM_memory_map returns.  struct xen_foreign_memory_map is a domid
 * then a struct xen_memory_map at the latter's alignment (8, or 4 for a
 * 32-bit caller).  Xen: -EINVAL above its E820MAX; Amphi keeps
 * DOMAIN_MAX_E820 entries per domain (libxl writes fewer than ten).
 */
static long set_memory_map(struct vcpu *v, struct hypercall_args *args)
{
	u64 arg = args->a[1], buf;
	struct xen_memory_map map;
	struct e820_entry tmp[DOMAIN_MAX_E820];
	struct domain *d;
	domid_t domid;
	long rc = 0;

	if (copy_from_guest(v, &domid, arg, sizeof(domid)) ||
	    guest_get_memory_map(v, args->compat, arg + (args->compat ? 4 : 8),
				 &map))
		return -EFAULT;
	if (map.nr_entries > DOMAIN_MAX_E820)
		return -EINVAL;
	if (!(d = memop_target(v, domid, &rc)))
		return rc;
	if (!v->domain->is_privileged) {
		put_domain(d);
		return -EPERM;
	}
	buf = guest_handle_addr(map.buffer);
	for (unsigned int i = 0; i < map.nr_entries && !rc; i++) {
		struct guest_e820 e;

		if (copy_from_guest(v, &e, buf + i * sizeof(e), sizeof(e)))
			rc = -EFAULT;
		tmp[i] = (struct e820_entry){ e.addr, e.size, e.type };
	}
	if (!rc) {
		unsigned long f = spin_lock_irqsave(&d->lock);

		memcpy(d->memmap, tmp, map.nr_entries * sizeof(tmp[0]));
		d->nr_memmap = map.nr_entries;
		spin_unlock_irqrestore(&d->lock, f);
	}
	put_domain(d);
	return rc;
}

/*
 * Xen's guest_remove_page(): take a frame @d owns out of its p2m (the
 * frame goes when its last reference does).  -ENOENT for nothing there,
 * -EPERM for direct MMIO, -ENXIO for a frame that is not @d's (a grant
 * or foreign mapping: those have their own ways out).
 */
static int remove_own_page(struct domain *d, u64 gfn)
{
	enum p2m_type t;
	mfn_t mfn;
	int rc;

	rc = arch_p2m_get_frame(d, gfn, &mfn, &t);
	if (t == p2m_invalid || t == p2m_mmio_dm)
		return -ENOENT;
	if (t == p2m_mmio_direct)
		return -EPERM;
	if (rc)
		return rc;
	if (!frame_owned_by(mfn, d, 0)) {
		frame_put(mfn);
		return -ENXIO;
	}
	rc = arch_p2m_clear_entry_if(d, gfn, mfn, t);
	if (!rc && gfn == d->shared_info_gfn)
		d->shared_info_gfn = ~0ULL;
	frame_put(mfn);
	return rc;
}

/* populate_physmap for one 4 KiB gfn: a fresh zeroed frame.  RAM already
 * there is replaced (and freed, as Xen frees it); grant and foreign
 * mappings are not replaced. */
static int populate_one(struct domain *d, u64 gfn)
{
	enum p2m_type t;
	mfn_t mfn;
	int rc;

	t = arch_p2m_get_entry(d, gfn, &mfn);
	if (p2m_is_grant(t) || t == p2m_map_foreign || t == p2m_mmio_direct)
		return -EBUSY;
	if (READ_ONCE(d->tot_pages) >= d->max_pages || d->is_dying)
		return -ENOMEM;
	mfn = frame_alloc(d, FRAME_RAM, 0);
	if (mfn == INVALID_MFN)
		return -ENOMEM;
	rc = arch_p2m_set_entry(d, gfn, mfn, p2m_ram_rw);
	if (rc)
		frame_put(mfn);
	return rc;
}

/* populate_physmap for a 2 MiB extent (the domain builder's first
 * choice after 1 GiB): fresh frames mapped as one large entry.  The p2m
 * takes it only into an aligned range that is empty (else the builder
 * retries with 4 KiB extents, as it does when Xen cannot give a large
 * page). */
static int populate_2m(struct domain *d, u64 gfn)
{
	if (READ_ONCE(d->tot_pages) + (1UL << FRAME_ORDER_2M) > d->max_pages ||
	    d->is_dying)
		return -ENOMEM;
	return domain_populate_extent(d, gfn, FRAME_ORDER_2M);
}

/*
 * increase/decrease_reservation, populate_physmap: a list of GFNs.  As
 * Xen, the result is the number of extents done (counting from the
 * continuation's start extent in cmd), never an errno: an unreadable
 * argument, an unknown domain or an unsupported order do nothing.
 */
static long reservation(struct vcpu *v, struct hypercall_args *args, int cmd,
			u64 start)
{
	struct xen_memory_reservation r;
	struct domain *d;
	u64 list, i, gfn;
	long rc = 0;

	if (guest_get_memory_reservation(v, args->compat, args->a[1], &r))
		return start;
	/* MFN-based increase_reservation is PV only; 4 KiB extents (Linux's
	 * balloon and privcmd use nothing else) and 2 MiB ones for
	 * populate_physmap (the domain builder); Xen's bound on the count. */
	if (cmd == XENMEM_increase_reservation ||
	    (r.extent_order && !(cmd == XENMEM_populate_physmap &&
				 r.extent_order == FRAME_ORDER_2M)) ||
	    r.nr_extents > MEMOP_MAX_NR_EXTENTS || start >= r.nr_extents ||
	    !(d = memop_target(v, r.domid, &rc)))
		return start;
	list = guest_handle_addr(r.extent_start);
	for (i = start; i < r.nr_extents; i++) {
		if (i != start && hypercall_preempt_check()) {
			put_domain(d);
			return memop_continue(args, cmd, i);
		}
		if (guest_get_ulong(v, args->compat, list, i, &gfn))
			break;
		rc = gfn > ARCH_MAX_GFN - ((1UL << r.extent_order) - 1) ? -EINVAL :
		     r.extent_order ? populate_2m(d, gfn) :
		     cmd == XENMEM_populate_physmap ? populate_one(d, gfn) :
						      remove_own_page(d, gfn);
		if (rc)
			break;
	}
	if (i < r.nr_extents)
		domain_bad_request(v->domain, "memory_op %d stopped at extent "
				   "%lu of %lu (%ld)", cmd, (unsigned long)i,
				   (unsigned long)r.nr_extents, rc);
	put_domain(d);
	return i;
}

/* XENMAPSPACE_gmfn (xen/p2m.h): also XEN_DMOP_relocate_memory's step. */
int p2m_move_gmfn(struct domain *d, u64 idx, u64 gpfn)
{
	enum p2m_type t, old;
	mfn_t mfn, cur;
	int rc;

	if (gpfn > ARCH_MAX_GFN)
		return -EINVAL;
	rc = arch_p2m_get_frame(d, idx, &mfn, &t);
	if (rc || !p2m_is_ram(t) || !frame_owned_by(mfn, d, 0)) {
		if (!rc)
			frame_put(mfn);	/* only a reference we took */
		return -EINVAL;
	}
	old = arch_p2m_get_entry(d, gpfn, &cur);
	if (old == p2m_mmio_direct) {
		frame_put(mfn);
		return -EPERM;
	}
	/* Our reference becomes the new entry's; the old entry's goes. */
	rc = arch_p2m_set_entry(d, gpfn, mfn, t);
	if (rc) {
		frame_put(mfn);
		return rc;
	}
	if (gpfn != idx)
		arch_p2m_clear_entry_if(d, idx, mfn, t);
	return 0;
}

/* Xen's xenmem_add_to_physmap_one() for the spaces of one domain (any
 * other space, device MMIO included on x86, finds no frame: -EINVAL). */
static int add_to_physmap_one(struct domain *d, unsigned int space, u64 idx,
			      u64 gpfn)
{
	if (gpfn > ARCH_MAX_GFN)
		return -EINVAL;
	switch (space) {
	case XENMAPSPACE_shared_info:
		return idx ? -EINVAL : shared_info_map(d, gpfn);
	case XENMAPSPACE_grant_table:
		return gnttab_map_frame(d, idx, gpfn);
	case XENMAPSPACE_gmfn:
		return p2m_move_gmfn(d, idx, gpfn);
	}
	return -EINVAL;
}

/* Xen's xatp_permission_check() beyond the target check: device MMIO
 * only for the hardware domain, into itself. */
static int xatp_permission(struct vcpu *v, struct domain *d,
			   unsigned int space)
{
	if (space == XENMAPSPACE_dev_mmio &&
	    (!d->is_privileged || d != v->domain))
		return -EACCES;
	return 0;
}

static long add_to_physmap(struct vcpu *v, struct hypercall_args *args,
			   u64 start)
{
	struct xen_add_to_physmap x;
	struct domain *d;
	long rc = 0;
	u64 done;

	/* The continuation field must fit add_to_physmap's 16-bit size. */
	if (start > 0xffff)
		return -EDOM;
	if (guest_get_add_to_physmap(v, args->compat, args->a[1], &x))
		return -EFAULT;
	/* Foreign mappings only through add_to_physmap_batch. */
	if (x.space == XENMAPSPACE_gmfn_foreign)
		return -ENOSYS;
	if (!(d = memop_target(v, x.domid, &rc)))
		return rc;
	rc = xatp_permission(v, d, x.space);
	if (!rc && x.space != XENMAPSPACE_gmfn_range)
		rc = add_to_physmap_one(d, x.space, x.idx, x.gpfn);
	if (rc || x.space != XENMAPSPACE_gmfn_range)
		goto out;
	/* gmfn_range: size frames from idx to gpfn, continued via cmd. */
	if (x.size < start)
		rc = -EILSEQ;
	else if (x.gpfn + x.size < x.gpfn || x.idx + x.size < x.idx)
		rc = -EOVERFLOW;
	for (done = start; !rc && done < x.size; done++) {
		if (done != start && hypercall_preempt_check()) {
			put_domain(d);
			return memop_continue(args, XENMEM_add_to_physmap, done);
		}
		rc = add_to_physmap_one(d, XENMAPSPACE_gmfn, x.idx + done,
					x.gpfn + done);
	}
out:
	put_domain(d);
	return rc;
}

/*
 * Xen's p2m_add_foreign(): map frame @fgfn of @fd at @gpfn of @td.  Only
 * the hardware domain may (Xen's arch_acquire_resource_check()); the
 * foreign frame must be RAM @fd owns; what @gpfn held is removed as Xen's
 * guest_remove_page() would (so a foreign or grant mapping there: -ENXIO).
 */
static int add_foreign(struct domain *td, u64 fgfn, u64 gpfn,
		       struct domain *fd)
{
	enum p2m_type t, old;
	mfn_t mfn, cur;
	int rc;

	if (!td->is_privileged)
		return -EPERM;
	/* Xen has relinquished a dying domain's memory: nothing to get. */
	if (td == fd || fd->is_dying)
		return -EINVAL;
	rc = arch_p2m_get_frame(fd, fgfn, &mfn, &t);
	if (rc || !p2m_is_ram(t) || !frame_owned_by(mfn, fd, 0)) {
		if (!rc)
			frame_put(mfn);
		return -EINVAL;
	}
	old = arch_p2m_get_entry(td, gpfn, &cur);
	if (old != p2m_invalid && old != p2m_mmio_dm) {
		rc = remove_own_page(td, gpfn);
		if (rc && rc != -ENOENT) {
			frame_put(mfn);
			return rc;
		}
	}
	rc = arch_p2m_set_entry(td, gpfn, mfn, p2m_map_foreign);
	if (rc)
		frame_put(mfn);
	return rc;
}

/* Xen's xenmem_add_to_physmap_batch(), from extent @start. */
static long add_to_physmap_batch(struct vcpu *v, struct hypercall_args *args,
				 u64 start)
{
	struct xen_add_to_physmap_batch b;
	struct domain *d, *fd = NULL;
	bool compat = args->compat;
	long rc = 0;
	u64 i;

	if (start > 0xffff)
		return -EDOM;
	if (guest_get_add_to_physmap_batch(v, compat, args->a[1], &b))
		return -EFAULT;
	if (b.space == XENMAPSPACE_gmfn_range)
		return -EOPNOTSUPP;
	if (!(d = memop_target(v, b.domid, &rc)))
		return rc;
	rc = xatp_permission(v, d, b.space);
	if (!rc && (b.size < start || (b.size == start && start)))
		rc = -EILSEQ;
	if (!rc && b.space == XENMAPSPACE_dev_mmio && b.u.res0)
		rc = -EOPNOTSUPP;
	for (i = start; !rc && i < b.size; i++) {
		u64 idx, gpfn;
		int err;

		if (guest_get_ulong(v, compat, guest_handle_addr(b.idxs), i, &idx) ||
		    guest_get_ulong(v, compat, guest_handle_addr(b.gpfns), i, &gpfn)) {
			rc = -EFAULT;
			break;
		}
		if (gpfn == INVALID_GFN) {
			rc = -EINVAL;
			break;
		}
		if (b.space != XENMAPSPACE_gmfn_foreign) {
			err = add_to_physmap_one(d, b.space, idx, gpfn);
		} else {
			/* Xen's rcu_lock_remote_domain_by_id(). */
			fd = domain_by_id(b.u.foreign_domid);
			err = !fd ? -ESRCH : fd == v->domain ? -EPERM :
			      add_foreign(d, idx, gpfn, fd);
			if (fd)
				put_domain(fd);
		}
		if (copy_to_guest(v, guest_handle_addr(b.errs) + i * 4, &err, 4)) {
			rc = -EFAULT;
			break;
		}
		/* Continue later if this was not the last one. */
		if (i + 1 < b.size && hypercall_preempt_check()) {
			put_domain(d);
			return memop_continue(args, XENMEM_add_to_physmap_batch,
					      i + 1);
		}
	}
	put_domain(d);
	return rc;
}

static long remove_from_physmap(struct vcpu *v, struct hypercall_args *args)
{
	struct xen_remove_from_physmap x;
	struct domain *d;
	enum p2m_type t;
	mfn_t mfn;
	long rc = 0;

	if (guest_get_remove_from_physmap(v, args->compat, args->a[1], &x))
		return -EFAULT;
	if (!(d = memop_target(v, x.domid, &rc)))
		return rc;
	/* Xen: whatever frame the gfn maps (RAM, a special page, a foreign
	 * frame) is unmapped; nothing there (or a grant) is -ENOENT. */
	rc = -ENOENT;
	if (x.gpfn <= ARCH_MAX_GFN &&
	    !arch_p2m_get_frame(d, x.gpfn, &mfn, &t)) {
		rc = p2m_is_grant(t) ? -ENOENT :
		     arch_p2m_clear_entry_if(d, x.gpfn, mfn, t);
		if (!rc && x.gpfn == d->shared_info_gfn)
			d->shared_info_gfn = ~0ULL;
		frame_put(mfn);
	}
	put_domain(d);
	return rc;
}

/* The frames of resource @type/@id of @d for @caller, from @frame: at
 * most @n, put in @mfns with a reference each.  Count or -errno (Xen's
 * _acquire_resource(): the grant table's shared frames, an ioreq
 * server's pages). */
static int acquire_frames(struct domain *d, struct domain *caller,
			  unsigned int type, unsigned int id, u32 frame,
			  unsigned int n, mfn_t *mfns)
{
	switch (type) {
	case XENMEM_resource_grant_table:
		return gnttab_acquire_frames(d, id, frame, n, mfns);
	case XENMEM_resource_ioreq_server:
		return ioreq_server_acquire_frames(d, caller, id, frame, n,
						   mfns);
	}
	return -EOPNOTSUPP;
}

/* Xen's resource_max_frames(), including its answer for an unknown type:
 * -EOPNOTSUPP as an unsigned count. */
static unsigned int resource_max_frames(struct domain *d, unsigned int type,
					unsigned int id)
{
	if (type == XENMEM_resource_grant_table)
		return gnttab_resource_max_frames(d, id);
	if (type == XENMEM_resource_ioreq_server)
		return ioreq_server_max_frames(d);
	if (type == XENMEM_resource_vmtrace_buf)
		return 0;	/* no vmtrace buffers */
	return (unsigned int)-EOPNOTSUPP;
}

/* Map up to 32 frames of the resource at the caller's gfns (read first,
 * as Xen); done or -errno (-EIO once some were mapped, as Xen). */
static long acquire_chunk(struct vcpu *v, bool compat, struct domain *d,
			  const struct xen_mem_acquire_resource *x, u64 list,
			  unsigned int todo)
{
	mfn_t mfns[32];
	u64 gfns[32];
	int done = acquire_frames(d, v->domain, x->type, x->id, x->frame,
				  todo, mfns);
	long rc = 0;

	if (done < 0)
		return done;
	for (int i = 0; !rc && i < done; i++)
		if (guest_get_ulong(v, compat, list, i, &gfns[i]))
			rc = -EFAULT;
	for (int i = 0; i < done; i++) {
		if (!rc && (gfns[i] > ARCH_MAX_GFN ||
			    arch_p2m_set_entry(v->domain, gfns[i], mfns[i],
					       p2m_map_foreign)))
			rc = i ? -EIO : -EINVAL;
		if (rc)
			frame_put(mfns[i]);
	}
	return rc ? rc : done;
}

/* Xen's acquire_resource(), from extent @start. */
static long acquire_resource(struct vcpu *v, struct hypercall_args *args,
			     u64 start)
{
	struct xen_mem_acquire_resource x;
	bool compat = args->compat;
	unsigned int max;
	struct domain *d;
	long rc;
	u64 list;

	if (!v->domain->is_privileged)
		return -EACCES;
	if (guest_get_acquire_resource(v, compat, args->a[1], &x))
		return -EFAULT;
	if (x.pad || (x.frame >> 32) || ((x.frame + x.nr_frames) >> 32))
		return -EINVAL;
	d = domain_by_id(x.domid);
	if (!d)
		return -ESRCH;
	if (d == v->domain) {
		put_domain(d);
		return -EPERM;
	}
	max = resource_max_frames(d, x.type, x.id);
	rc = -EINVAL;
	list = guest_handle_addr(x.frame_list);
	if (!max)
		goto out;
	if (!list) {
		if (!x.nr_frames && !start)
			rc = guest_put_acquire_resource_nr(v, compat, args->a[1],
							   max) ? -EFAULT : 0;
		goto out;
	}
	if (start >= x.nr_frames || x.nr_frames > MEMOP_MAX_NR_EXTENTS)
		goto out;
	x.nr_frames -= start;
	x.frame += start;
	list += start * (compat ? 4 : 8);
	while (x.nr_frames) {
		unsigned int todo = MIN(32U, x.nr_frames);

		rc = acquire_chunk(v, compat, d, &x, list, todo);
		if (rc < 0)
			goto out;
		x.nr_frames -= rc;
		x.frame += rc;
		list += rc * (compat ? 4 : 8);
		start += rc;
		if ((unsigned long)rc < todo ||
		    (x.nr_frames && hypercall_preempt_check())) {
			rc = memop_continue(args, XENMEM_acquire_resource, start);
			goto out;
		}
	}
	rc = 0;
out:
	put_domain(d);
	return rc;
}

static long reservation_query(struct vcpu *v, int cmd, u64 arg)
{
	struct domain *d;
	domid_t domid;
	long rc = 0;

	if (copy_from_guest(v, &domid, arg, sizeof(domid)))
		return -EFAULT;
	if (!(d = memop_target(v, domid, &rc)))
		return rc;
	switch (cmd) {
	case XENMEM_current_reservation:
		rc = READ_ONCE(d->tot_pages);
		break;
	case XENMEM_maximum_reservation:
		rc = d->max_pages;
		break;
	default:	/* XENMEM_maximum_gpfn: Xen's max_mapped_pfn */
		rc = READ_ONCE(d->max_mapped_gfn);
	}
	put_domain(d);
	return rc;
}

long do_memory_op(struct vcpu *v, struct hypercall_args *args)
{
	u64 op = args->compat ? (u32)args->a[0] : args->a[0];
	int cmd = op & MEMOP_CMD_MASK;
	u64 start = op >> MEMOP_EXTENT_SHIFT;

	switch (cmd) {
	case XENMEM_increase_reservation:
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap:
		return reservation(v, args, cmd, start);
	case XENMEM_add_to_physmap:
		return add_to_physmap(v, args, start);
	case XENMEM_add_to_physmap_batch:
		return add_to_physmap_batch(v, args, start);
	case XENMEM_acquire_resource:
		return acquire_resource(v, args, start);
	}
	/* Only the ops above can be continued (Xen: -EINVAL otherwise). */
	if (start)
		return -EINVAL;
	switch (cmd) {
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
	case XENMEM_maximum_gpfn:
		return reservation_query(v, cmd, args->a[1]);
	case XENMEM_memory_map:
		return memory_map(v, args);
	case XENMEM_remove_from_physmap:
		return remove_from_physmap(v, args);
	case XENMEM_set_memory_map:
		return set_memory_map(v, args);
	}
	/* machine_memory_map, machphys_*: PV only; the rest later stages. */
	return -ENOSYS;
}
