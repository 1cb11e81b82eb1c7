/*
 * The dm_op hypercall (public/hvm/dm_op.h): how a device model (QEMU in
 * dom0, through libxendevicemodel) drives the HVM guest it serves.  Xen
 * 4.17's xen/common/dm.c and xen/arch/x86/hvm/dm.c are the behaviour
 * matched, error codes and their order included (docs/xen-abi.md §C.3
 * lists the sub-ops QEMU 7.2 uses; docs/xen-toolstack.md "dm_op" Amphi's
 * answer to each):
 *
 *   dm_op(domid, nr_bufs, bufs): bufs is an array of 1 or 2
 *   xen_dm_op_buf {handle, size} (2 x 4 bytes for a 32-bit caller);
 *   buffer 0 holds struct xen_dm_op {u32 op; u32 pad; union u}, buffer
 *   1 the array of track_dirty_vram and modified_memory.
 *
 * Checks, in Xen's order: no buffers -ENODATA, more than two -E2BIG,
 * the array unreadable -EFAULT; the target unknown -ESRCH or the caller
 * itself -EPERM (rcu_lock_remote_domain_by_id()); the caller not
 * privileged -EPERM (XSM_DM_PRIV under the dummy policy: the control
 * domain, or a stub domain whose target this is - Amphi has no stub
 * domains, so dom0 only); buffer 0 shorter than the header or the op's
 * structure -EFAULT; an op beyond Xen's table -EOPNOTSUPP; pad set
 * -EINVAL.  Results the caller reads (an id, a port, a continuation's
 * progress) are copied back into buffer 0.
 */
#include <hvm/hvm.h>
#include <hvm/vdev/virq.h>
#include <hvm/vlapic.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/nospec.h>
#include <xen/p2m.h>
#include <xen/sched.h>
#include <public/domctl.h>
#include "ioreq_server.h"

#define DM_MAX_BUFS 2		/* Xen's struct dmop_args */

struct dm_buf {
	u64 h;			/* guest linear address */
	u64 size;
};

struct dm_args {
	struct vcpu *v;		/* the caller */
	struct domain *d;	/* the target, referenced */
	unsigned int nr_bufs;
	struct dm_buf buf[DM_MAX_BUFS];
};

/* Xen's op_size[]: the structure each op reads from buffer 0, up to the
 * last op Xen 4.17 knows; a 0 inside (set_irq_level, Arm only) passes
 * the size check and is unsupported. */
static const u8 dm_op_size[] = {
	[XEN_DMOP_create_ioreq_server] = sizeof(struct xen_dm_op_create_ioreq_server),
	[XEN_DMOP_get_ioreq_server_info] = sizeof(struct xen_dm_op_get_ioreq_server_info),
	[XEN_DMOP_map_io_range_to_ioreq_server] = sizeof(struct xen_dm_op_ioreq_server_range),
	[XEN_DMOP_unmap_io_range_from_ioreq_server] = sizeof(struct xen_dm_op_ioreq_server_range),
	[XEN_DMOP_set_ioreq_server_state] = sizeof(struct xen_dm_op_set_ioreq_server_state),
	[XEN_DMOP_destroy_ioreq_server] = sizeof(struct xen_dm_op_destroy_ioreq_server),
	[XEN_DMOP_track_dirty_vram] = sizeof(struct xen_dm_op_track_dirty_vram),
	[XEN_DMOP_set_pci_intx_level] = sizeof(struct xen_dm_op_set_pci_intx_level),
	[XEN_DMOP_set_isa_irq_level] = sizeof(struct xen_dm_op_set_isa_irq_level),
	[XEN_DMOP_set_pci_link_route] = sizeof(struct xen_dm_op_set_pci_link_route),
	[XEN_DMOP_modified_memory] = sizeof(struct xen_dm_op_modified_memory),
	[XEN_DMOP_set_mem_type] = sizeof(struct xen_dm_op_set_mem_type),
	[XEN_DMOP_inject_event] = sizeof(struct xen_dm_op_inject_event),
	[XEN_DMOP_inject_msi] = sizeof(struct xen_dm_op_inject_msi),
	[XEN_DMOP_map_mem_type_to_ioreq_server] = sizeof(struct xen_dm_op_map_mem_type_to_ioreq_server),
	[XEN_DMOP_remote_shutdown] = sizeof(struct xen_dm_op_remote_shutdown),
	[XEN_DMOP_relocate_memory] = sizeof(struct xen_dm_op_relocate_memory),
	[XEN_DMOP_pin_memory_cacheattr] = sizeof(struct xen_dm_op_pin_memory_cacheattr),
	[XEN_DMOP_nr_vcpus] = sizeof(struct xen_dm_op_nr_vcpus),
};

#define DM_HDR_SIZE offsetof(struct xen_dm_op, u)

/* XEN_DMOP_track_dirty_vram: Xen's hap_track_dirty_vram() reports every
 * page dirty when it could not track them; without log-dirty that is
 * every time, which makes QEMU redraw the whole framebuffer. */
static int track_dirty_vram(struct dm_args *a,
			    const struct xen_dm_op_track_dirty_vram *t)
{
	static const u8 ones[64] = {
		[0 ... 63] = 0xff,
	};
	u64 bytes = (t->nr + 7) / 8, done;

	if (t->nr > (1U << 30) >> PAGE_SHIFT)
		return -EINVAL;
	if (a->d->is_dying)
		return -ESRCH;
	if (!a->d->max_vcpus || !a->d->vcpu[0])
		return -EINVAL;
	if (bytes > a->buf[1].size)
		return -EINVAL;
	for (done = 0; done < bytes; done += sizeof(ones))
		if (copy_to_guest(a->v, a->buf[1].h + done, ones,
				  MIN(sizeof(ones), bytes - done)))
			return -EFAULT;
	return 0;
}

/*
 * XEN_DMOP_relocate_memory (Xen's, through xenmem_add_to_physmap() with
 * XENMAPSPACE_gmfn_range): move @r->size of the guest's RAM frames from
 * src_gfn to dst_gfn, as QEMU does with the VGA's video RAM when the
 * guest places the framebuffer BAR.  Xen carries the count in struct
 * xen_add_to_physmap's 16-bit size, so a pass moves size mod 65536
 * frames (none when that is 0); what is left is continued, as is a pass
 * preempted, with the progress written back into @r (*out).  A frame
 * that cannot move ends the op with its error, the frames before it
 * moved.
 */
static int relocate_memory(struct domain *d,
			   struct xen_dm_op_relocate_memory *r, bool *out)
{
	u16 size = (u16)r->size;
	u32 done = 0;
	int rc;

	if (r->dst_gfn == ~0ULL)
		return -EINVAL;
	if (r->dst_gfn + size < r->dst_gfn || r->src_gfn + size < r->src_gfn)
		return -EOVERFLOW;
	while (done < size) {
		rc = p2m_move_gmfn(d, r->src_gfn + done, r->dst_gfn + done);
		if (rc)
			return rc;
		if (++done < size && hypercall_preempt_check())
			break;
	}
	if (!done || done == r->size)
		return 0;
	r->size -= done;
	r->src_gfn += done;
	r->dst_gfn += done;
	*out = true;
	return -ERESTART;
}

/* Xen's allow_p2m_type_change(), for the types Amphi can change in
 * place (arch_p2m_change_type()). */
static bool mem_type_change_ok(enum p2m_type old, enum p2m_type new)
{
	if (new == p2m_ioreq_server)
		return old == p2m_ram_rw;
	if (old == p2m_ioreq_server)
		return new == p2m_ram_rw;
	return p2m_is_ram(old) ||
	       ((old == p2m_invalid || old == p2m_mmio_dm) &&
		new == p2m_mmio_dm);
}

/* XEN_DMOP_set_mem_type (Xen's set_mem_type()): -ERESTART with the
 * progress in @m every 256 frames when preempted. */
static int set_mem_type(struct domain *d, struct xen_dm_op_set_mem_type *m)
{
	static const enum p2m_type types[] = {
		[HVMMEM_ram_rw] = p2m_ram_rw,
		[HVMMEM_ram_ro] = p2m_ram_ro,
		[HVMMEM_mmio_dm] = p2m_mmio_dm,
		[HVMMEM_unused] = p2m_invalid,
		[HVMMEM_ioreq_server] = p2m_ioreq_server,
	};
	u64 last = m->first_pfn + m->nr - 1;
	enum p2m_type nt;
	u32 done = 0;

	/* Deliberate difference: Xen bounds by the highest gfn mapped so
	 * far; Amphi by the guest-physical space, the type rules below
	 * refusing what is not there. */
	if (m->first_pfn > last || last > ARCH_MAX_GFN)
		return -EINVAL;
	if (m->mem_type >= ARRAY_SIZE(types) || m->mem_type == HVMMEM_unused)
		return -EINVAL;
	nt = types[array_index_nospec(m->mem_type, ARRAY_SIZE(types))];
	/* Xen: only once a server claimed the type (map_mem_type_to_
	 * ioreq_server, not offered here). */
	if (nt == p2m_ioreq_server)
		return -EINVAL;
	while (done < m->nr) {
		mfn_t mfn;
		enum p2m_type ot = arch_p2m_get_entry(d, m->first_pfn + done,
						      &mfn);
		int rc;

		if (!mem_type_change_ok(ot, nt))
			return -EINVAL;
		rc = ot == nt ? 0 : arch_p2m_change_type(d, m->first_pfn + done,
							 ot, nt);
		if (rc)
			return rc == -EBUSY ? -EAGAIN : rc;
		done++;
		if (done < m->nr && !(done & 0xff) && hypercall_preempt_check()) {
			m->first_pfn += done;
			m->nr -= done;
			return -ERESTART;
		}
	}
	return 0;
}

/* XEN_DMOP_inject_msi (Xen's hvm_inject_msi() and vmsi_deliver()).  The
 * MSI address holds the destination in bits 19:12 and the logical mode
 * in bit 2, the data the vector in 7:0 and the delivery mode in 10:8
 * (SDM vol.3 11.11).  Each vLAPIC matches the destination in its own mode
 * (vlapic_match_dest(), as the IO-APIC's messages are matched), so a
 * guest that put its APICs in xAPIC mode is reached by its LDR/DFR. */
static int inject_msi(struct domain *d, u64 addr, u32 data)
{
	unsigned int dest = ((u32)addr >> 12) & 0xff;
	bool logical = (u32)addr & (1U << 2);
	unsigned int mode = (data >> 8) & 7;
	u8 vector = data & 0xff;

	if (!vector) {
		/* An emulated PIRQ; Amphi offers none (no XENFEAT_hvm_pirqs):
		 * Xen's answer for a pirq of 0. */
		return (((addr >> 32) & 0xffffff00) | dest) ? -EOPNOTSUPP :
							      -ERANGE;
	}
	if (mode != 0 && mode != 1)	/* fixed, lowest priority */
		return -EINVAL;
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];

		if (!v || !vlapic_enabled(v) ||
		    !vlapic_match_dest(v, dest, logical))
			continue;
		vlapic_set_irq(v, vector);
		/* Lowest priority: any one of the matches (Xen picks by
		 * priority, which the SDM leaves to the platform). */
		if (mode == 1)
			return 0;
	}
	return mode == 1 ? -ESRCH : 0;
}

/* XEN_DMOP_pin_memory_cacheattr (Xen's hvm_set_mem_pinned_cacheattr()):
 * checked and accepted.  Amphi's nested paging leaves the memory type to
 * the guest's PAT and MTRRs, so no pinned range has an effect to keep,
 * and deleting one finds none (-ENOENT, as Xen for an unknown range). */
static int pin_memory_cacheattr(const struct xen_dm_op_pin_memory_cacheattr *c)
{
	if (c->end < c->start || ((c->start | c->end) >> P2M_GUEST_PHYS_BITS))
		return -EINVAL;
	switch (c->type) {
	case XEN_DOMCTL_DELETE_MEM_CACHEATTR:
		return -ENOENT;
	case XEN_DMOP_MEM_CACHEATTR_UC:
	case XEN_DMOP_MEM_CACHEATTR_WC:
	case XEN_DMOP_MEM_CACHEATTR_WT:
	case XEN_DMOP_MEM_CACHEATTR_WP:
	case XEN_DMOP_MEM_CACHEATTR_WB:
	case XEN_DMOP_MEM_CACHEATTR_UCM:
		return 0;
	}
	return -EINVAL;
}

/* The interrupt sub-ops with Xen's checks; the levels reach the
 * platform's wiring once the domain has one (d->virq), and otherwise
 * nothing, as in Xen for a domain without emulated PIC and IO-APIC. */
static int set_pci_intx_level(struct domain *d,
			      const struct xen_dm_op_set_pci_intx_level *l)
{
	if (l->domain || l->bus || l->device > 0x1f || l->intx > 3 ||
	    l->level > 1)
		return -EINVAL;
	return d->virq ? virq_set_pci_intx_level(d->virq, l->domain, l->bus,
						 l->device, l->intx, l->level) : 0;
}

static int set_isa_irq_level(struct domain *d,
			     const struct xen_dm_op_set_isa_irq_level *l)
{
	if (l->isa_irq > 15 || l->level > 1)
		return -EINVAL;
	return d->virq ? virq_set_isa_irq_level(d->virq, l->isa_irq,
						l->level) : 0;
}

static int set_pci_link_route(struct domain *d,
			      const struct xen_dm_op_set_pci_link_route *r)
{
	if (r->link > 3 || r->isa_irq > 15)
		return -EINVAL;
	return d->virq ? virq_set_pci_link_route(d->virq, r->link,
						 r->isa_irq) : 0;
}

/* Xen's ioreq_server_dm_op(): the server sub-ops, and -EOPNOTSUPP for
 * everything no one knows.  *out: the result is copied back. */
static int ioreq_op(struct dm_args *a, struct xen_dm_op *op, bool *out)
{
	struct domain *d = a->d, *me = a->v->domain;

	switch (op->op) {
	case XEN_DMOP_create_ioreq_server: {
		struct xen_dm_op_create_ioreq_server *c = &op->u.create_ioreq_server;

		*out = true;
		if (c->pad[0] || c->pad[1] || c->pad[2])
			return -EINVAL;
		return ioreq_server_create(d, me, c->handle_bufioreq, &c->id);
	}
	case XEN_DMOP_get_ioreq_server_info: {
		struct xen_dm_op_get_ioreq_server_info *g =
			&op->u.get_ioreq_server_info;

		*out = true;
		if (g->flags & ~XEN_DMOP_no_gfns)
			return -EINVAL;
		return ioreq_server_get_info(d, me, g->id,
					     !(g->flags & XEN_DMOP_no_gfns),
					     &g->bufioreq_port);
	}
	case XEN_DMOP_map_io_range_to_ioreq_server:
	case XEN_DMOP_unmap_io_range_from_ioreq_server: {
		const struct xen_dm_op_ioreq_server_range *r =
			&op->u.map_io_range_to_ioreq_server;

		if (r->pad)
			return -EINVAL;
		if (op->op == XEN_DMOP_map_io_range_to_ioreq_server)
			return ioreq_server_map_range(d, me, r->id, r->type,
						      r->start, r->end);
		return ioreq_server_unmap_range(d, me, r->id, r->type,
						r->start, r->end);
	}
	case XEN_DMOP_set_ioreq_server_state: {
		const struct xen_dm_op_set_ioreq_server_state *s =
			&op->u.set_ioreq_server_state;

		if (s->pad)
			return -EINVAL;
		return ioreq_server_set_state(d, me, s->id, s->enabled);
	}
	case XEN_DMOP_destroy_ioreq_server:
		if (op->u.destroy_ioreq_server.pad)
			return -EINVAL;
		return ioreq_server_destroy(d, me, op->u.destroy_ioreq_server.id);
	}
	return -EOPNOTSUPP;
}

/* One op on @a->d, already read into @op.  *out as above. */
static int dm_op_one(struct dm_args *a, struct xen_dm_op *op, bool *out)
{
	struct domain *d = a->d;

	switch (op->op) {
	case XEN_DMOP_track_dirty_vram:
		if (op->u.track_dirty_vram.pad || a->nr_bufs < 2)
			return -EINVAL;
		return track_dirty_vram(a, &op->u.track_dirty_vram);
	case XEN_DMOP_set_pci_intx_level:
		return set_pci_intx_level(d, &op->u.set_pci_intx_level);
	case XEN_DMOP_set_isa_irq_level:
		return set_isa_irq_level(d, &op->u.set_isa_irq_level);
	case XEN_DMOP_set_pci_link_route:
		return set_pci_link_route(d, &op->u.set_pci_link_route);
	case XEN_DMOP_modified_memory:
		/* Xen returns 0 before looking at the extents while the
		 * domain is not in log-dirty mode, which Amphi has not. */
		return a->nr_bufs != 2 ? -EINVAL : 0;
	case XEN_DMOP_set_mem_type:
		*out = true;
		if (op->u.set_mem_type.pad)
			return -EINVAL;
		return set_mem_type(d, &op->u.set_mem_type);
	case XEN_DMOP_inject_msi:
		if (op->u.inject_msi.pad)
			return -EINVAL;
		return inject_msi(d, op->u.inject_msi.addr, op->u.inject_msi.data);
	case XEN_DMOP_remote_shutdown:
		domain_shutdown(d, op->u.remote_shutdown.reason);
		return 0;
	case XEN_DMOP_pin_memory_cacheattr:
		if (op->u.pin_memory_cacheattr.pad)
			return -EINVAL;
		return pin_memory_cacheattr(&op->u.pin_memory_cacheattr);
	case XEN_DMOP_nr_vcpus:
		*out = true;
		op->u.nr_vcpus.vcpus = d->max_vcpus;
		return 0;
	case XEN_DMOP_relocate_memory:
		if (op->u.relocate_memory.pad)
			return -EINVAL;
		return relocate_memory(d, &op->u.relocate_memory, out);
	case XEN_DMOP_inject_event:
	case XEN_DMOP_map_mem_type_to_ioreq_server:
		/* Deliberate: not offered yet (event injection into a vCPU,
		 * ioreq-server memory types). */
		return -EOPNOTSUPP;
	}
	return ioreq_op(a, op, out);
}

/* Xen's dm_op() on the buffers in @a (target not yet looked up). */
static long dm_op(struct dm_args *a, domid_t domid)
{
	struct domain *me = a->v->domain;
	struct xen_dm_op op;
	bool out = false;
	long rc;

	a->d = domain_by_id(domid);
	if (!a->d)
		return -ESRCH;
	rc = -EPERM;
	if (a->d == me || !me->is_privileged)
		goto done;
	rc = -EFAULT;
	if (a->buf[0].size < DM_HDR_SIZE ||
	    copy_from_guest(a->v, &op, a->buf[0].h, DM_HDR_SIZE))
		goto done;
	rc = -EOPNOTSUPP;
	if (op.op >= ARRAY_SIZE(dm_op_size))
		goto done;
	op.op = array_index_nospec(op.op, ARRAY_SIZE(dm_op_size));
	rc = -EFAULT;
	if (a->buf[0].size < DM_HDR_SIZE + dm_op_size[op.op] ||
	    copy_from_guest(a->v, &op.u, a->buf[0].h + DM_HDR_SIZE,
			    dm_op_size[op.op]))
		goto done;
	rc = -EINVAL;
	if (op.pad)
		goto done;
	rc = dm_op_one(a, &op, &out);
	if ((!rc || rc == -ERESTART) && out &&
	    copy_to_guest(a->v, a->buf[0].h + DM_HDR_SIZE, &op.u,
			  dm_op_size[op.op]))
		rc = -EFAULT;
done:
	put_domain(a->d);
	return rc;
}

/* The buffer array, native or 32-bit (public/hvm/dm_op.h; compat:
 * a 4-byte handle and a 4-byte size). */
static int dm_get_bufs(struct vcpu *v, bool compat, u64 bufs,
		       struct dm_args *a)
{
	for (unsigned int i = 0; i < a->nr_bufs; i++) {
		if (compat) {
			u32 b[2];

			if (copy_from_guest(v, b, bufs + i * sizeof(b), sizeof(b)))
				return -EFAULT;
			a->buf[i].h = b[0];
			a->buf[i].size = b[1];
		} else if (copy_from_guest(v, &a->buf[i], bufs + i * 16, 16)) {
			return -EFAULT;
		}
	}
	return 0;
}

long do_dm_op(struct vcpu *v, struct hypercall_args *args)
{
	struct dm_args a = { .v = v };
	domid_t domid = args->a[0];
	u32 nr_bufs = args->a[1];

	BUILD_BUG_ON(sizeof(struct xen_dm_op_buf) != 16);
	BUILD_BUG_ON(DM_HDR_SIZE != 8);
	if (!nr_bufs)
		return -ENODATA;
	if (nr_bufs > DM_MAX_BUFS)
		return -E2BIG;
	a.nr_bufs = array_index_nospec(nr_bufs, DM_MAX_BUFS + 1);
	if (dm_get_bufs(v, args->compat, args->a[2], &a))
		return -EFAULT;
	/* -ERESTART: the dispatcher re-issues the call with the same
	 * arguments; the progress is in buffer 0, as in Xen. */
	return dm_op(&a, domid);
}
