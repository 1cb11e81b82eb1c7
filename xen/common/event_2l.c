/*
 * 2-level event delivery into shared_info / vcpu_info (docs/xen-abi.md
 * §A.6 step 5; Xen 4.17 xen/common/event_2l.c, arch/x86/domain.c
 * vcpu_mark_events_pending(), common/domain.c map_vcpu_info()).
 *
 * Port P of a 64-bit guest is bit P of shared_info.evtchn_pending[] and
 * evtchn_mask[]; its selector is bit P / 64 of the notified vCPU's
 * vcpu_info.evtchn_pending_sel.  The guest changes all of these
 * concurrently (it clears pending and selector bits, sets and clears mask
 * bits), so every access here is one atomic operation on the word, in the
 * order Xen uses: pending, then mask, then selector, then the vCPU's
 * evtchn_upcall_pending.  Only the transition of evtchn_upcall_pending
 * from 0 to 1 kicks the vCPU; the entry path injects the callback vector
 * for as long as the flag stays set, and the guest clears it first thing
 * in its handler.
 *
 * Also here, for both ABIs: the hooks, the upcall flag, where the
 * shared_info page and vcpu_info areas are (the shadow until the
 * hypervisor installs them), and the hypervisor's own sends and queries
 * (VIRQs, SCHEDOP_poll), which go through the domain's port ops.
 */
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/lib.h>
#include <xen/nospec.h>
#include <xen/string.h>

struct evtchn_hooks evtchn_hooks;

void evtchn_set_hooks(const struct evtchn_hooks *hooks)
{
	evtchn_hooks = *hooks;
}

/* Weak so that the host unit test, which cannot run cli, replaces them. */
__attribute__((weak)) unsigned long evtchn_irq_save(void)
{
	return local_irq_save();
}

__attribute__((weak)) void evtchn_irq_restore(unsigned long flags)
{
	local_irq_restore(flags);
}

/*
 * Ports reach here checked against the domain's port table, which after a
 * FIFO period may hold ports beyond the 2-level range (Xen-consumed ports
 * survive EVTCHNOP_reset): those are never pending and always masked, as
 * in Xen's evtchn_2l_is_pending().  A port is clamped again
 * (array_index_nospec) before it indexes a bitmap, and a selector bit is
 * derived from a clamped port, so no mispredicted check reads or writes
 * past shared_info's bitmaps.
 */
static bool port_2l(evtchn_port_t *port)
{
	if (*port >= EVTCHN_2L_MAX_PORTS)
		return false;
	*port = array_index_nospec(*port, EVTCHN_2L_MAX_PORTS);
	return true;
}

static xen_ulong_t bit_mask(unsigned int bit)
{
	return (xen_ulong_t)1 << (bit % EVTCHN_WORD_BITS);
}

static bool test_and_set(xen_ulong_t *map, unsigned int bit)
{
	xen_ulong_t m = bit_mask(bit);

	return __atomic_fetch_or(&map[bit / EVTCHN_WORD_BITS], m,
				 __ATOMIC_SEQ_CST) & m;
}

static bool test_and_clear(xen_ulong_t *map, unsigned int bit)
{
	xen_ulong_t m = bit_mask(bit);

	return __atomic_fetch_and(&map[bit / EVTCHN_WORD_BITS], ~m,
				  __ATOMIC_SEQ_CST) & m;
}

static bool test(const xen_ulong_t *map, unsigned int bit)
{
	return __atomic_load_n(&map[bit / EVTCHN_WORD_BITS],
			       __ATOMIC_SEQ_CST) & bit_mask(bit);
}

static struct vcpu_info *vcpu_info_of(struct evtchn_domain *ed,
				      unsigned int vcpu)
{
	vcpu = array_index_nospec(vcpu, MAX_VIRT_CPUS);
	return __atomic_load_n(&ed->vcpu[vcpu].vi, __ATOMIC_ACQUIRE);
}

/* Xen's vcpu_mark_events_pending(): kick only on the 0 -> 1 edge. */
void evtchn_mark_upcall(struct evtchn_domain *ed, unsigned int vcpu)
{
	struct vcpu_info *vi = vcpu_info_of(ed, vcpu);

	if (__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
		return;
	if (evtchn_hooks.kick)
		evtchn_hooks.kick(ed->d, vcpu);
}

/* Pre (all ops): ed->lock held; vcpu exists. */
static void set_pending_2l(struct evtchn_domain *ed, unsigned int vcpu,
			   struct evtchn *chn)
{
	struct shared_info *si = ed->si;
	evtchn_port_t port = chn->port;

	if (!port_2l(&port) || test_and_set(si->evtchn_pending, port))
		return;
	if (!test(si->evtchn_mask, port) &&
	    !test_and_set(&vcpu_info_of(ed, vcpu)->evtchn_pending_sel,
			  port / EVTCHN_WORD_BITS))
		evtchn_mark_upcall(ed, vcpu);
	/* Xen's evtchn_check_pollers(): pollers wait on masked ports too. */
	if (evtchn_hooks.poll_wake)
		evtchn_hooks.poll_wake(ed->d, port);
}

static void clear_pending_2l(struct evtchn_domain *ed, struct evtchn *chn)
{
	evtchn_port_t port = chn->port;

	if (port_2l(&port))
		test_and_clear(ed->si->evtchn_pending, port);
}

/* Xen's evtchn_2l_unmask(): re-raise only if the port was masked and is
 * pending (Linux calls EVTCHNOP_unmask with the mask bit still set). */
static void unmask_2l(struct evtchn_domain *ed, struct evtchn *chn)
{
	struct shared_info *si = ed->si;
	evtchn_port_t port = chn->port;
	unsigned int vcpu = chn->notify_vcpu;

	if (port_2l(&port) && test_and_clear(si->evtchn_mask, port) &&
	    test(si->evtchn_pending, port) &&
	    !test_and_set(&vcpu_info_of(ed, vcpu)->evtchn_pending_sel,
			  port / EVTCHN_WORD_BITS))
		evtchn_mark_upcall(ed, vcpu);
}

static bool is_pending_2l(struct evtchn_domain *ed, const struct evtchn *chn)
{
	evtchn_port_t port = chn->port;

	return port_2l(&port) && test(ed->si->evtchn_pending, port);
}

/* Xen's evtchn_port_ops_2l: no init, no busy state, no priorities. */
const struct evtchn_port_ops evtchn_port_ops_2l = {
	.max_ports = EVTCHN_2L_MAX_PORTS,
	.set_pending = set_pending_2l,
	.clear_pending = clear_pending_2l,
	.unmask = unmask_2l,
	.is_pending = is_pending_2l,
};

/* Events go to the shadow until the hypervisor installs a page. */
void evtchn_2l_init(struct evtchn_domain *ed)
{
	unsigned int i;

	BUILD_BUG_ON(MAX_VIRT_CPUS > XEN_LEGACY_MAX_VCPUS);
	BUILD_BUG_ON(EVTCHN_2L_MAX_PORTS !=
		     EVTCHN_WORD_BITS * ARRAY_SIZE(ed->shadow->evtchn_pending));
	ed->ops = &evtchn_port_ops_2l;
	ed->si = ed->shadow;
	for (i = 0; i < MAX_VIRT_CPUS; i++)
		ed->vcpu[i].vi = &ed->shadow->vcpu_info[i];
}

static void copy_bitmap(xen_ulong_t *dst, const xen_ulong_t *src)
{
	unsigned int i;

	for (i = 0; i < EVTCHN_2L_MAX_PORTS / EVTCHN_WORD_BITS; i++)
		__atomic_store_n(&dst[i], __atomic_load_n(&src[i], __ATOMIC_SEQ_CST),
				 __ATOMIC_SEQ_CST);
}

/* The upcall flags of a vCPU move from one legacy slot to another; the
 * rest of the slot (pvclock) belongs to the time code. */
static void move_upcall_flags(struct vcpu_info *dst, struct vcpu_info *src)
{
	__atomic_store_n(&dst->evtchn_pending_sel,
			 __atomic_exchange_n(&src->evtchn_pending_sel, 0,
					     __ATOMIC_SEQ_CST), __ATOMIC_SEQ_CST);
	__atomic_store_n(&dst->evtchn_upcall_pending,
			 __atomic_exchange_n(&src->evtchn_upcall_pending, 0,
					     __ATOMIC_SEQ_CST), __ATOMIC_SEQ_CST);
}

/*
 * Install (or, with NULL, remove) the shared_info page.  The event state
 * follows the page content as with Xen's own page: pending and mask
 * bitmaps and each unregistered vCPU's upcall flags are carried over.
 */
void evtchn_set_shared_info(struct domain *d, struct shared_info *si)
{
	struct evtchn_domain *ed = evtchn_of(d);
	struct shared_info *old;
	unsigned long flags;
	unsigned int i;

	BUG_ON(!ed);
	flags = evtchn_irq_save();
	spin_lock(&ed->lock);
	old = ed->si;
	if (!si)
		si = ed->shadow;
	if (si != old) {
		copy_bitmap(si->evtchn_pending, old->evtchn_pending);
		copy_bitmap(si->evtchn_mask, old->evtchn_mask);
		for (i = 0; i < MAX_VIRT_CPUS; i++) {
			if (ed->vcpu[i].vi_registered)
				continue;
			move_upcall_flags(&si->vcpu_info[i], &old->vcpu_info[i]);
			__atomic_store_n(&ed->vcpu[i].vi, &si->vcpu_info[i],
					 __ATOMIC_RELEASE);
		}
		__atomic_store_n(&ed->si, si, __ATOMIC_RELEASE);
	}
	spin_unlock(&ed->lock);
	evtchn_irq_restore(flags);
}

/*
 * VCPUOP_register_vcpu_info (NULL: back to the legacy slot).  As Xen's
 * map_vcpu_info(): copy the whole current vcpu_info, then mark every
 * selector bit and the upcall pending - a spurious upcall the guest
 * copes with, instead of an event lost in the move.
 */
void evtchn_set_vcpu_info(struct domain *d, unsigned int vcpu,
			  struct vcpu_info *vi)
{
	struct evtchn_domain *ed = evtchn_of(d);
	struct evtchn_vcpu *ev;
	unsigned long flags;

	BUG_ON(!ed || vcpu >= MAX_VIRT_CPUS);
	ev = &ed->vcpu[vcpu];
	flags = evtchn_irq_save();
	spin_lock(&ed->lock);
	ev->vi_registered = vi != NULL;
	if (!vi)
		vi = &ed->si->vcpu_info[vcpu];
	if (vi != ev->vi) {
		memcpy(vi, ev->vi, sizeof(*vi));
		__atomic_store_n(&ev->vi, vi, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&vi->evtchn_pending_sel, ~(xen_ulong_t)0,
			 __ATOMIC_SEQ_CST);
	evtchn_mark_upcall(ed, vcpu);
	spin_unlock(&ed->lock);
	evtchn_irq_restore(flags);
}

bool evtchn_upcall_pending(struct domain *d, unsigned int vcpu)
{
	struct evtchn_domain *ed = evtchn_of(d);

	if (!ed || vcpu >= MAX_VIRT_CPUS)
		return false;
	return __atomic_load_n(&vcpu_info_of(ed, vcpu)->evtchn_upcall_pending,
			       __ATOMIC_ACQUIRE);
}

/* --- Sends and queries for the hypervisor --- */

void evtchn_send_virq(struct domain *d, unsigned int vcpu, unsigned int virq)
{
	struct evtchn_domain *ed = evtchn_of(d);
	unsigned int v = evtchn_virq_is_global(virq) ? 0 : vcpu;
	struct evtchn *chn;
	evtchn_port_t port;
	unsigned long flags;

	if (!ed || virq >= NR_VIRQS || v >= MAX_VIRT_CPUS)
		return;
	flags = evtchn_irq_save();
	spin_lock(&ed->lock);
	port = ed->vcpu[v].virq[virq];
	chn = port ? evtchn_port(ed, port) : NULL;
	/* Global VIRQs go wherever EVTCHNOP_bind_vcpu moved them. */
	if (chn && evtchn_usable(chn))
		ed->ops->set_pending(ed, chn->notify_vcpu, chn);
	spin_unlock(&ed->lock);
	evtchn_irq_restore(flags);
}

/* Xen's evtchn_port_poll(): -EINVAL, or whether it is pending. */
static int poll_one(struct evtchn_domain *ed, evtchn_port_t port)
{
	struct evtchn *chn = evtchn_port(ed, port);

	if (!chn || !evtchn_usable(chn))
		return -EINVAL;
	return ed->ops->is_pending(ed, chn);
}

int evtchn_poll_ready(struct domain *d, const evtchn_port_t *ports,
		      unsigned int n)
{
	struct evtchn_domain *ed = evtchn_of(d);
	unsigned long flags;
	unsigned int i;
	int rc = 0;

	if (!ed)
		return -EINVAL;
	flags = evtchn_irq_save();
	spin_lock(&ed->lock);
	for (i = 0; i < n && !rc; i++)
		rc = poll_one(ed, ports[i]);
	spin_unlock(&ed->lock);
	evtchn_irq_restore(flags);
	return rc;
}

bool evtchn_port_is_pending(struct domain *d, evtchn_port_t port)
{
	return evtchn_poll_ready(d, &port, 1) > 0;
}

/*
 * The debug dump ('q', the stall watchdog): @d's pending ports, masked or
 * not, with what they are bound to (the first 16), and each vCPU's upcall
 * flag.  For a person reading a hang: an event pending with no upcall,
 * or an upcall nobody took, shows here.
 */
void evtchn_dump(struct domain *d)
{
	struct evtchn_domain *ed = evtchn_of(d);
	unsigned int shown = 0, pending = 0;
	unsigned long flags;

	if (!ed)
		return;
	flags = evtchn_irq_save();
	spin_lock(&ed->lock);
	for (evtchn_port_t p = 1; p < ed->valid; p++) {
		struct evtchn *chn;

		if (poll_one(ed, p) <= 0 || pending++ >= 16)
			continue;
		chn = evtchn_port(ed, p);
		shown++;
		if (chn->state == ECS_INTERDOMAIN)
			printk(KERN_ERR "d%u: port %u pending for v%u: peer "
			       "d%u port %u\n", d->domain_id, p,
			       chn->notify_vcpu, chn->u.peer.ed->d->domain_id,
			       chn->u.peer.port);
		else
			printk(KERN_ERR "d%u: port %u pending for v%u: state "
			       "%u virq %u\n", d->domain_id, p,
			       chn->notify_vcpu, chn->state,
			       chn->state == ECS_VIRQ ? chn->u.virq : 0);
	}
	for (unsigned int v = 0; v < MAX_VIRT_CPUS; v++) {
		struct vcpu_info *vi = ed->vcpu[v].vi;

		if (vi && v < d->max_vcpus && d->vcpu[v])
			printk(KERN_ERR "d%u v%u: upcall pending %u mask %u "
			       "sel %#lx\n", d->domain_id, v,
			       READ_ONCE(vi->evtchn_upcall_pending),
			       READ_ONCE(vi->evtchn_upcall_mask),
			       (unsigned long)READ_ONCE(vi->evtchn_pending_sel));
	}
	spin_unlock(&ed->lock);
	evtchn_irq_restore(flags);
	printk(KERN_ERR "d%u: %u ports pending (%u shown), %s ABI\n",
	       d->domain_id, pending, shown, ed->fifo ? "FIFO" : "2-level");
}
