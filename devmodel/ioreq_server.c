/*
 * Ioreq servers, their life: what XEN_DMOP_create_ioreq_server and the
 * other server sub-ops of public/hvm/dm_op.h do, the pages a device model
 * maps with XENMEM_acquire_resource, and their end with the server or the
 * domain.  Xen 4.17's xen/common/ioreq.c is the behaviour matched: up to
 * eight servers per domain, ids 0..7, the lowest free id taken; only the
 * server's emulator (the domain that created it) may use it (-EPERM);
 * a range may not overlap one of its own type (-EEXIST) and only a range
 * that is wholly present may be unmapped (-ENOENT).
 *
 * Each server has, for its whole life:
 *  - the synchronous page (public/hvm/ioreq.h shared_iopage_t, one
 *    ioreq_t slot per vCPU) and, unless created with BUFIOREQ_OFF, the
 *    buffered ring (buffered_iopage_t).  They are frames of the target
 *    (xen/frame.h, FRAME_SPECIAL), allocated here when the server is
 *    created (Xen allocates them at the first XENMEM_acquire_resource;
 *    nothing the device model sees differs), the allocation reference
 *    held by the server.  A device model's mapping holds its own
 *    reference, so a page outlives the server until it is unmapped;
 *  - one Xen-consumed event channel per vCPU in the target, unbound for
 *    the emulator to bind (the slot's vp_eport), and one for the
 *    buffered ring (get_ioreq_server_info's bufioreq_port);
 *  - three rangesets (port, MMIO, PCI SBDF) of up to 256 ranges each.
 * Allocation happens before the server is published in the table and
 * release after it was removed, so the table lock is never held across
 * an allocation.
 */
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/frame.h>
#include <xen/lib.h>
#include <xen/nospec.h>
#include <xen/string.h>
#include <xen/xmalloc.h>
#include <public/memory.h>
#include "ioreq_server.h"

static void *frame_va(mfn_t mfn)
{
	/* The hypervisor maps all RAM 1:1 (docs/architecture.md, "Boot
	 * chain"): a frame's address is its machine address. */
	return (void *)(uintptr_t)(mfn << PAGE_SHIFT);
}

static mfn_t va_frame(const void *p)
{
	return (mfn_t)((uintptr_t)p >> PAGE_SHIFT);
}

struct ioreq_domain *ioreq_domain_get(struct domain *d)
{
	struct ioreq_domain *id = __atomic_load_n(&d->ioreq, __ATOMIC_ACQUIRE);
	struct ioreq_domain *none = NULL;

	if (id)
		return id;
	id = xzalloc(struct ioreq_domain);
	if (!id)
		return NULL;
	spin_lock_init(&id->lock);
	if (!__atomic_compare_exchange_n(&d->ioreq, &none, id, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		xfree(id);	/* another caller installed one first */
		return none;
	}
	return id;
}

/* The server @sid of @d for @caller: 0, -ENOENT or -EPERM as Xen's
 * get_ioreq_server() plus its emulator check.  Pre: id->lock held. */
static int server_lookup(struct ioreq_domain *id, struct domain *caller,
			 ioservid_t sid, struct ioreq_server **sp)
{
	struct ioreq_server *s;

	if (sid >= IOREQ_MAX_SERVERS)
		return -ENOENT;
	s = id->server[array_index_nospec(sid, IOREQ_MAX_SERVERS)];
	if (!s)
		return -ENOENT;
	if (s->emulator != caller)
		return -EPERM;
	*sp = s;
	return 0;
}

/* Everything a server holds; it is in no table any more. */
static void server_free(struct ioreq_server *s)
{
	struct domain *d = s->target;

	for (unsigned int i = 0; i < MAX_VIRT_CPUS; i++)
		if (s->vcpu[i].port)
			evtchn_free_xen(d, s->vcpu[i].port);
	if (s->bufioreq_port)
		evtchn_free_xen(d, s->bufioreq_port);
	if (s->ioreq_page)
		frame_put(va_frame(s->ioreq_page));
	if (s->bufioreq_page)
		frame_put(va_frame(s->bufioreq_page));
	if (s->emulator)
		put_domain(s->emulator);
	xfree(s->range_storage);
	xfree(s);
}

static void *page_alloc_for(struct domain *d)
{
	mfn_t mfn = frame_alloc(d, FRAME_SPECIAL, 0);

	return mfn == INVALID_MFN ? NULL : frame_va(mfn);
}

/* Pages, rangesets, ports: Xen's ioreq_server_init() and the page
 * allocation of ioreq_server_alloc_pages().  0 or -errno. */
static int server_init(struct ioreq_server *s, struct domain *d,
		       struct domain *caller, int bufioreq_handling)
{
	int port;

	s->target = d;
	get_domain(caller);
	s->emulator = caller;
	s->bufioreq_handling = bufioreq_handling;
	s->range_storage = xzalloc_array(struct rangeset_range,
					 IOREQ_NR_RANGE_TYPES * IOREQ_MAX_RANGES);
	s->ioreq_page = page_alloc_for(d);
	if (bufioreq_handling != HVM_IOREQSRV_BUFIOREQ_OFF)
		s->bufioreq_page = page_alloc_for(d);
	if (!s->range_storage || !s->ioreq_page ||
	    (bufioreq_handling != HVM_IOREQSRV_BUFIOREQ_OFF &&
	     !s->bufioreq_page))
		return -ENOMEM;
	for (unsigned int t = 0; t < IOREQ_NR_RANGE_TYPES; t++)
		rangeset_init(&s->range[t],
			      s->range_storage + t * IOREQ_MAX_RANGES,
			      IOREQ_MAX_RANGES);
	if (!d->evtchn)
		return -EINVAL;
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		if (!d->vcpu[i])
			continue;
		port = evtchn_alloc_xen(d, i, caller->domain_id,
					ioreq_port_notified, NULL);
		if (port < 0)
			return port;
		s->vcpu[i].port = port;
	}
	if (bufioreq_handling != HVM_IOREQSRV_BUFIOREQ_OFF) {
		/* The ring is drained by the device model, never answered:
		 * notifications from its side are ignored (the callback
		 * finds no vCPU slot with this port). */
		port = evtchn_alloc_xen(d, 0, caller->domain_id,
					ioreq_port_notified, NULL);
		if (port < 0)
			return port;
		s->bufioreq_port = port;
	}
	return 0;
}

static int free_slot(const struct ioreq_domain *id)
{
	for (unsigned int i = 0; i < IOREQ_MAX_SERVERS; i++)
		if (!id->server[i])
			return i;
	return -ENOSPC;
}

int ioreq_server_create(struct domain *d, struct domain *caller,
			int bufioreq_handling, ioservid_t *sid)
{
	struct ioreq_domain *id;
	struct ioreq_server *s;
	int rc, slot;

	if (bufioreq_handling < HVM_IOREQSRV_BUFIOREQ_OFF ||
	    bufioreq_handling > HVM_IOREQSRV_BUFIOREQ_ATOMIC)
		return -EINVAL;
	s = xzalloc(struct ioreq_server);
	id = ioreq_domain_get(d);
	if (!s || !id) {
		xfree(s);
		return -ENOMEM;
	}
	/* A full table answers before anything is allocated for it. */
	spin_lock(&id->lock);
	slot = free_slot(id);
	spin_unlock(&id->lock);
	rc = slot < 0 ? slot : server_init(s, d, caller, bufioreq_handling);
	if (rc) {
		server_free(s);
		return rc;
	}
	spin_lock(&id->lock);
	slot = free_slot(id);
	/* A dying domain's servers may already be gone (ioreq_domain_
	 * destroy() runs after is_dying is set): publish nothing then. */
	if (slot >= 0 && d->is_dying)
		slot = -ESRCH;
	if (slot >= 0) {
		s->id = slot;
		id->server[slot] = s;
	}
	spin_unlock(&id->lock);
	if (slot < 0) {
		/* Taken meanwhile by a concurrent create, or dying. */
		server_free(s);
		return slot;
	}
	*sid = slot;
	return 0;
}

u32 ioreq_server_take_waiters(struct ioreq_server *s)
{
	u32 waiters = 0;

	for (unsigned int i = 0; i < MAX_VIRT_CPUS; i++)
		if (s->vcpu[i].pending) {
			s->vcpu[i].pending = false;
			waiters |= 1U << i;
		}
	return waiters;
}

int ioreq_server_destroy(struct domain *d, struct domain *caller,
			 ioservid_t sid)
{
	struct ioreq_domain *id = d->ioreq;
	struct ioreq_server *s;
	u32 waiters;
	int rc;

	if (!id)
		return -ENOENT;
	spin_lock(&id->lock);
	rc = server_lookup(id, caller, sid, &s);
	if (!rc) {
		id->server[s->id] = NULL;
		waiters = ioreq_server_take_waiters(s);
	}
	spin_unlock(&id->lock);
	if (rc)
		return rc;
	ioreq_release_waiters(d, waiters);
	server_free(s);
	return 0;
}

int ioreq_server_get_info(struct domain *d, struct domain *caller,
			  ioservid_t sid, bool want_gfns,
			  evtchn_port_t *bufioreq_port)
{
	struct ioreq_domain *id = d->ioreq;
	struct ioreq_server *s;
	int rc;

	if (!id)
		return -ENOENT;
	spin_lock(&id->lock);
	rc = server_lookup(id, caller, sid, &s);
	/* Deliberate difference: Xen would map the pages into the target's
	 * p2m at gfns of its choosing (the legacy interface, QEMU's fallback
	 * when it has no resource mapping).  Amphi offers only
	 * XENMEM_acquire_resource, so a request for gfns is refused as Xen
	 * refuses it when no gfn is free. */
	if (!rc && want_gfns)
		rc = -ENOMEM;
	if (!rc && s->bufioreq_handling != HVM_IOREQSRV_BUFIOREQ_OFF)
		*bufioreq_port = s->bufioreq_port;
	spin_unlock(&id->lock);
	return rc;
}

/* The rangeset a dm_op range type names, or NULL (-EINVAL). */
static struct rangeset *server_range(struct ioreq_server *s, u32 type)
{
	switch (type) {
	case XEN_DMOP_IO_RANGE_PORT:
	case XEN_DMOP_IO_RANGE_MEMORY:
	case XEN_DMOP_IO_RANGE_PCI:
		return &s->range[type];
	}
	return NULL;
}

/* Map (Xen's ioreq_server_map_io_range()) or unmap a range. */
static int server_range_op(struct domain *d, struct domain *caller,
			   ioservid_t sid, u32 type, u64 start, u64 end,
			   bool map)
{
	struct ioreq_domain *id = d->ioreq;
	struct ioreq_server *s;
	struct rangeset *r;
	int rc;

	if (start > end)
		return -EINVAL;
	if (!id)
		return -ENOENT;
	spin_lock(&id->lock);
	rc = server_lookup(id, caller, sid, &s);
	if (!rc && !(r = server_range(s, type)))
		rc = -EINVAL;
	if (!rc && map && rangeset_overlaps_range(r, start, end))
		rc = -EEXIST;
	if (!rc && !map && !rangeset_contains_range(r, start, end))
		rc = -ENOENT;
	if (!rc)
		rc = map ? rangeset_add_range(r, start, end) :
			   rangeset_remove_range(r, start, end);
	spin_unlock(&id->lock);
	/* Xen's rangeset limit runs out as an allocation failure. */
	return rc == -ENOSPC ? -ENOMEM : rc;
}

int ioreq_server_map_range(struct domain *d, struct domain *caller,
			   ioservid_t sid, u32 type, u64 start, u64 end)
{
	return server_range_op(d, caller, sid, type, start, end, true);
}

int ioreq_server_unmap_range(struct domain *d, struct domain *caller,
			     ioservid_t sid, u32 type, u64 start, u64 end)
{
	return server_range_op(d, caller, sid, type, start, end, false);
}

int ioreq_server_set_state(struct domain *d, struct domain *caller,
			   ioservid_t sid, bool enabled)
{
	struct ioreq_domain *id = d->ioreq;
	struct ioreq_server *s;
	int rc;

	if (!id)
		return -ENOENT;
	spin_lock(&id->lock);
	rc = server_lookup(id, caller, sid, &s);
	if (!rc && enabled && !s->enabled) {
		/* Xen's ioreq_server_update_evtchn(): each slot names its
		 * vCPU's port when the server is enabled. */
		for (unsigned int i = 0; i < MAX_VIRT_CPUS; i++)
			if (s->vcpu[i].port)
				WRITE_ONCE(s->ioreq_page->vcpu_ioreq[i].vp_eport,
					   s->vcpu[i].port);
	}
	if (!rc)
		s->enabled = enabled;
	spin_unlock(&id->lock);
	return rc;
}

unsigned int ioreq_server_max_frames(const struct domain *d)
{
	/* Xen: one frame for the buffered ring, then enough for a slot per
	 * possible vCPU (public/memory.h, XENMEM_resource_ioreq_server). */
	return 1 + (d->max_vcpus * sizeof(ioreq_t) + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* Frame @idx of @s (Xen's ioreq_server_get_frame()).  Pre: lock held. */
static int server_frame(struct ioreq_server *s, u64 idx, mfn_t *mfn)
{
	if (idx == XENMEM_resource_ioreq_server_frame_bufioreq) {
		if (!s->bufioreq_page)
			return -ENOENT;
		*mfn = va_frame(s->bufioreq_page);
		return 0;
	}
	if (idx == XENMEM_resource_ioreq_server_frame_ioreq(0)) {
		*mfn = va_frame(s->ioreq_page);
		return 0;
	}
	return -EINVAL;
}

int ioreq_server_acquire_frames(struct domain *d, struct domain *caller,
				unsigned int sid, u32 frame, unsigned int n,
				mfn_t *mfns)
{
	struct ioreq_domain *id = d->ioreq;
	struct ioreq_server *s;
	unsigned int got = 0;
	int rc;

	/* Xen: an id that does not fit ioservid_t is -EINVAL. */
	if (sid != (ioservid_t)sid)
		return -EINVAL;
	if (!id)
		return -ENOENT;
	spin_lock(&id->lock);
	rc = server_lookup(id, caller, sid, &s);
	while (!rc && got < n) {
		rc = server_frame(s, (u64)frame + got, &mfns[got]);
		/* Under the lock the server holds its reference. */
		if (!rc && !frame_get(mfns[got]))
			rc = -ENOMEM;
		if (!rc)
			got++;
	}
	spin_unlock(&id->lock);
	if (!rc)
		return n;
	while (got--)
		frame_put(mfns[got]);
	return rc;
}

void ioreq_domain_destroy(struct domain *d)
{
	struct ioreq_domain *id = d->ioreq;
	struct ioreq_server *gone[IOREQ_MAX_SERVERS];
	u32 waiters = 0;

	if (!id)
		return;
	spin_lock(&id->lock);
	for (unsigned int i = 0; i < IOREQ_MAX_SERVERS; i++) {
		gone[i] = id->server[i];
		id->server[i] = NULL;
		if (gone[i])
			waiters |= ioreq_server_take_waiters(gone[i]);
	}
	spin_unlock(&id->lock);
	/* The vCPUs are paused for death: they get their all-ones answer
	 * but never run again. */
	ioreq_release_waiters(d, waiters);
	for (unsigned int i = 0; i < IOREQ_MAX_SERVERS; i++)
		if (gone[i])
			server_free(gone[i]);
}

void ioreq_domain_free(struct domain *d)
{
	if (d->ioreq)
		ioreq_domain_destroy(d);
	xfree(d->ioreq);
	d->ioreq = NULL;
}
