/*
 * Ioreq servers, their use: which server an access goes to, the request
 * in the vCPU's slot of the synchronous page, and the answer.  The
 * protocol is public/hvm/ioreq.h's (docs/xen-abi.md §C.4):
 *
 *   hypervisor: slot state NONE -> fill the slot -> (write barrier)
 *               state READY -> notify vp_eport -> the vCPU blocks
 *   device model: READY -> INPROCESS -> write data -> IORESP_READY ->
 *               EVTCHNOP_send on its end of vp_eport
 *   hypervisor: IORESP_READY -> take data -> state NONE -> complete
 *
 * Where the answer is seen.  Xen's vCPU sleeps on the port and, woken,
 * looks at its own slot (wait_for_io()).  Here the vCPU is blocked with
 * VPF_blocked_ioreq and cannot look; instead vp_eport is a Xen-consumed
 * port (xen/event.h evtchn_alloc_xen()) whose callback,
 * ioreq_port_notified(), runs on the device model's pCPU inside its
 * EVTCHNOP_send, reads the slot and completes the vCPU's I/O with
 * hvm_io_complete() (hvm/ioreq.c), which wakes it.  A notification that
 * finds no answer yet (READY or INPROCESS) leaves the vCPU waiting.
 *
 * The slot is shared with a device model that may be hostile.  It is
 * read only here, state first (one byte load with acquire) and data once
 * after it; the size of the answer is never read back (the vCPU side
 * keeps its own and uses only that many bytes).  What Xen 4.17 does with
 * a broken slot is done here too: a slot not NONE or naming another port
 * when a request is due, or a state that is no state at all, crashes the
 * target domain (its device model is broken; the host and every other
 * domain go on); a slot set back to NONE answers all ones.  A device
 * model that never answers leaves the vCPU blocked until the domain is
 * destroyed (ioreq_domain_destroy() releases it).
 */
#include <hvm/hvm.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/lib.h>
#include <xen/string.h>
#include "ioreq_server.h"

#define PCI_CONF_ADDRESS 0xcf8
#define PCI_CONF_DATA 0xcfc

BUILD_BUG_ON(sizeof(ioreq_t) != 32);
BUILD_BUG_ON(offsetof(ioreq_t, type) != IOREQ_STATE_BYTE + 1);
BUILD_BUG_ON(MAX_VIRT_CPUS * sizeof(ioreq_t) > PAGE_SIZE);
BUILD_BUG_ON(MAX_VIRT_CPUS > 32);	/* waiter bitmaps are u32 */

static u8 *state_byte(ioreq_t *slot)
{
	return (u8 *)slot + IOREQ_STATE_BYTE;
}

/* Xen's ioreq_mmio_first_byte()/last_byte(): a rep access with DF set
 * runs downwards from addr. */
static u64 mmio_first(const ioreq_t *p)
{
	return p->df ? p->addr - (p->count - 1ULL) * p->size : p->addr;
}

static u64 mmio_last(const ioreq_t *p)
{
	return p->df ? p->addr + p->size - 1 :
		       p->addr + (u64)p->count * p->size - 1;
}

struct ioreq_server *ioreq_server_select(struct ioreq_domain *id,
					 ioreq_t *p)
{
	u32 cf8 = id->pci_cf8;
	unsigned int type;
	u64 addr;

	if (p->type != IOREQ_TYPE_PIO && p->type != IOREQ_TYPE_COPY)
		return NULL;
	if (p->type == IOREQ_TYPE_PIO && (p->addr & ~3ULL) == PCI_CONF_DATA &&
	    IOREQ_CF8_ENABLED(cf8)) {
		/* A configuration data cycle (Xen's arch_ioreq_server_get_
		 * type_addr()): segment 0, the latched bus/device/function
		 * as SBDF in the high half, the register in the low. */
		type = XEN_DMOP_IO_RANGE_PCI;
		addr = ((u64)IOREQ_CF8_BDF(cf8) << 32) | IOREQ_CF8_REG(cf8) |
		       (p->addr & 3);
	} else {
		type = p->type == IOREQ_TYPE_PIO ? XEN_DMOP_IO_RANGE_PORT :
						    XEN_DMOP_IO_RANGE_MEMORY;
		addr = p->addr;
	}
	/* Newest id first, as Xen's FOR_EACH_IOREQ_SERVER. */
	for (unsigned int i = IOREQ_MAX_SERVERS; i-- > 0;) {
		struct ioreq_server *s = id->server[i];

		if (!s || !s->enabled)
			continue;
		switch (type) {
		case XEN_DMOP_IO_RANGE_PORT:
			if (rangeset_contains_range(&s->range[type], addr,
						    addr + p->size - 1))
				return s;
			break;
		case XEN_DMOP_IO_RANGE_MEMORY:
			if (rangeset_contains_range(&s->range[type],
						    mmio_first(p), mmio_last(p)))
				return s;
			break;
		case XEN_DMOP_IO_RANGE_PCI:
			if (rangeset_contains_singleton(&s->range[type],
							addr >> 32)) {
				p->type = IOREQ_TYPE_PCI_CONFIG;
				p->addr = addr;
				return s;
			}
			break;
		}
	}
	return NULL;
}

/*
 * Put @p in @v's slot of @s and block @v for the answer (Xen's
 * ioreq_send()).  0, or a reason the device model broke the slot.
 * Pre: lock held; @v is current, in its exit handler.
 */
static const char *send_locked(struct ioreq_server *s, struct vcpu *v,
			       ioreq_t *p)
{
	struct ioreq_vcpu *sv = &s->vcpu[v->vcpu_id];
	ioreq_t *slot = &s->ioreq_page->vcpu_ioreq[v->vcpu_id];
	u8 state = __atomic_load_n(state_byte(slot), __ATOMIC_ACQUIRE);
	struct hvm_ioreq req = {
		.addr = p->addr, .data = p->data, .size = p->size,
		.in = p->dir == IOREQ_READ,
	};
	u8 flags;

	if (!sv->port)
		return "no ioreq port for this vCPU";
	if ((state & IOREQ_STATE_MASK) != STATE_IOREQ_NONE)
		return "device model set a bad ioreq state";
	if (READ_ONCE(slot->vp_eport) != sv->port)
		return "device model set a bad ioreq event channel";
	p->state = STATE_IOREQ_NONE;
	p->vp_eport = sv->port;
	/* Blocked before the request is visible, so the answer cannot
	 * come before the wait. */
	hvm_ioreq_wait(v, &req);
	sv->pending = true;
	memcpy(slot, p, sizeof(*p));
	flags = *state_byte(p);
	__atomic_store_n(state_byte(slot), flags | STATE_IOREQ_READY,
			 __ATOMIC_RELEASE);
	return NULL;
}

/* Offer @p to the servers of @v's domain (Xen's ioreq_send() after
 * ioreq_server_select()); @cf8: a port write to latch first. */
static enum ioreq_route ioreq_offer(struct vcpu *v, ioreq_t *p)
{
	struct domain *d = v->domain;
	struct ioreq_domain *id = __atomic_load_n(&d->ioreq, __ATOMIC_ACQUIRE);
	u64 addr = p->addr;
	struct ioreq_server *s;
	const char *broken = NULL;
	evtchn_port_t notify = 0;
	unsigned int sid = 0;

	/* No server was ever created: nothing claims anything (and the
	 * 0xCF8 latch matters to no one). */
	if (!id)
		return IOREQ_UNCLAIMED;
	spin_lock(&id->lock);
	s = ioreq_server_select(id, p);
	if (s) {
		sid = s->id;
		broken = send_locked(s, v, p);
		notify = s->vcpu[v->vcpu_id].port;
	}
	spin_unlock(&id->lock);
	if (!s)
		return IOREQ_UNCLAIMED;
	if (broken) {
		domain_crash(d, "ioreq server %u, vCPU %u, %s %#lx: %s", sid,
			     v->vcpu_id, p->type == IOREQ_TYPE_PIO ? "port" :
			     "address", (unsigned long)addr, broken);
		return IOREQ_CRASHED;
	}
	evtchn_notify_xen(d, notify);
	return IOREQ_SENT;
}

enum ioreq_route ioreq_send_pio(struct vcpu *v, u16 port, unsigned int size,
				bool in, u32 val)
{
	u32 mask = size >= 4 ? 0xffffffff : (1U << (8 * size)) - 1;
	ioreq_t p = {
		.addr = port, .data = in ? 0 : val & mask, .count = 1,
		.size = size, .dir = in ? IOREQ_READ : IOREQ_WRITE,
		.type = IOREQ_TYPE_PIO,
	};

	return ioreq_offer(v, &p);
}

/*
 * CONFIG_ADDRESS, a 4-byte access to port 0xCF8, is the hypervisor's
 * alone: it latches a write (the SBDF of the next configuration cycle,
 * ioreq_server_select()) and answers a read from the latch.  Xen latches
 * and offers the write to the device model too (hvm_access_cf8()), which
 * costs a round trip to dom0 for every configuration cycle (Linux scans
 * all 65536 functions of a PC for an AGP bridge) and tells QEMU nothing
 * it uses: the cycles reach it as PCI_CONFIG requests that carry their
 * SBDF, and 0xCFC-0xCFF while the latch is disabled reach it as plain port
 * accesses, which its host bridge, whose own latch stays clear, answers
 * as a disabled one (all ones, writes dropped), as before.  Other sizes
 * and 0xCF9 (the reset control register) stay the device model's.
 * True if @port/@size is CONFIG_ADDRESS (*@val read or written).
 */
bool ioreq_pci_cf8(struct vcpu *v, u16 port, unsigned int size, bool in,
		   u32 *val)
{
	struct ioreq_domain *id;

	if (port != PCI_CONF_ADDRESS || size != 4)
		return false;
	/* A write makes the domain's ioreq state (it is small); a read
	 * before any write or server answers as nobody: all ones. */
	id = in ? __atomic_load_n(&v->domain->ioreq, __ATOMIC_ACQUIRE) :
		  ioreq_domain_get(v->domain);
	if (!id) {
		if (in)
			*val = 0xffffffff;
		return true;
	}
	spin_lock(&id->lock);
	if (in)
		*val = id->pci_cf8;
	else
		id->pci_cf8 = *val;
	spin_unlock(&id->lock);
	return true;
}

enum ioreq_route ioreq_send_mmio(struct vcpu *v, u64 gpa, unsigned int size,
				 bool write, u64 val)
{
	u64 mask = size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
	ioreq_t p = {
		.addr = gpa, .data = write ? val & mask : 0, .count = 1,
		.size = size, .dir = write ? IOREQ_WRITE : IOREQ_READ,
		.type = IOREQ_TYPE_COPY,
	};

	return ioreq_offer(v, &p);
}

enum ioreq_route ioreq_send_rep(struct vcpu *v, const ioreq_t *rep)
{
	unsigned int size = rep->size;
	ioreq_t p = {
		.addr = rep->addr, .data = rep->data, .count = rep->count,
		.size = size, .dir = rep->dir, .df = rep->df,
		.data_is_ptr = rep->data_is_ptr, .type = rep->type,
	};

	BUG_ON(!p.count || !size || size > 8 || (size & (size - 1)) ||
	       (p.type != IOREQ_TYPE_PIO && p.type != IOREQ_TYPE_COPY));
	if (p.type == IOREQ_TYPE_PIO &&
	    p.addr + size > PCI_CONF_ADDRESS && p.addr < PCI_CONF_DATA + 4)
		return IOREQ_UNCLAIMED;
	if (!p.data_is_ptr && p.dir == IOREQ_WRITE && size < 8)
		p.data &= (1ULL << (8 * size)) - 1;
	return ioreq_offer(v, &p);
}

/* The server and vCPU whose slot @port notifies.  Pre: lock held. */
static struct ioreq_server *port_owner(struct ioreq_domain *id,
				       evtchn_port_t port, unsigned int *vcpu)
{
	for (unsigned int i = 0; i < IOREQ_MAX_SERVERS; i++) {
		struct ioreq_server *s = id->server[i];

		for (unsigned int j = 0; s && j < MAX_VIRT_CPUS; j++)
			if (s->vcpu[j].port == port) {
				*vcpu = j;
				return s;
			}
	}
	return NULL;
}

/* What a notification on a slot's port calls for. */
enum slot_verdict {
	SLOT_WAIT,		/* no request there, or not answered yet */
	SLOT_ANSWERED,		/* complete the vCPU's I/O with the data */
	SLOT_BROKEN,		/* no state at all: crash the domain */
};

/* Read @s's slot of @vcpu once.  Pre: lock held. */
static enum slot_verdict slot_take(struct ioreq_server *s, unsigned int vcpu,
				   u64 *data, u8 *state)
{
	ioreq_t *slot = &s->ioreq_page->vcpu_ioreq[vcpu];
	u8 raw = __atomic_load_n(state_byte(slot), __ATOMIC_ACQUIRE);

	*state = raw & IOREQ_STATE_MASK;
	if (!s->vcpu[vcpu].pending)
		return SLOT_WAIT;	/* nothing asked */
	switch (*state) {
	case STATE_IOREQ_READY:
	case STATE_IOREQ_INPROCESS:
		return SLOT_WAIT;
	case STATE_IORESP_READY:
		*data = READ_ONCE(slot->data);
		break;
	case STATE_IOREQ_NONE:
		/* Xen's wait_for_io(): an emulator that reset the slot
		 * (dying, or racing the request) answers all ones. */
		*data = ~0ULL;
		break;
	default:
		s->vcpu[vcpu].pending = false;
		return SLOT_BROKEN;
	}
	__atomic_store_n(state_byte(slot),
			 (raw & ~IOREQ_STATE_MASK) | STATE_IOREQ_NONE,
			 __ATOMIC_RELEASE);
	s->vcpu[vcpu].pending = false;
	return SLOT_ANSWERED;
}

void ioreq_port_notified(struct domain *d, evtchn_port_t port, void *priv)
{
	struct ioreq_domain *id = __atomic_load_n(&d->ioreq, __ATOMIC_ACQUIRE);
	enum slot_verdict verdict = SLOT_WAIT;
	struct ioreq_server *s;
	unsigned int vcpu = 0, sid = 0;
	u64 data = 0;
	u8 state = 0;

	if (!id)
		return;
	spin_lock(&id->lock);
	s = port_owner(id, port, &vcpu);
	if (s) {	/* else the buffered port, or a server gone */
		sid = s->id;
		verdict = slot_take(s, vcpu, &data, &state);
	}
	spin_unlock(&id->lock);
	if (verdict == SLOT_ANSWERED)
		hvm_io_complete(d->vcpu[vcpu], data);
	else if (verdict == SLOT_BROKEN)
		domain_crash(d, "ioreq server %u, vCPU %u: device model set "
			     "ioreq state %u", sid, vcpu, state);
}

void ioreq_release_waiters(struct domain *d, u32 waiters)
{
	/* Xen's null handler: reads all ones, writes gone. */
	for (unsigned int i = 0; i < MAX_VIRT_CPUS; i++)
		if ((waiters & (1U << i)) && d->vcpu[i])
			hvm_io_complete(d->vcpu[i], ~0ULL);
}
