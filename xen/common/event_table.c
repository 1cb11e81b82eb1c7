/*
 * The event-channel port table and its locking (design: the note atop
 * event_channel.c; shared declarations: event_internal.h).
 *
 * Ports live in groups of 64, reached through directories of group
 * pointers, both allocated on demand up to the FIFO limit of 2^17 ports
 * (Xen's buckets and groups); every group below ed->valid exists.
 * Locks: each domain's evtchn_domain.lock, two at once in address order;
 * evtchn_global_lock around tearing down interdomain pairs and for the
 * slow path of taking a pair's two locks.
 */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/nospec.h>
#include <xen/xmalloc.h>
#include "event_internal.h"

static DEFINE_SPINLOCK(evtchn_global_lock);

/* --- Port table --- */

struct evtchn *evtchn_port(struct evtchn_domain *ed, evtchn_port_t port)
{
	if (port >= ed->valid)
		return NULL;
	port = array_index_nospec(port, ed->valid);
	return &ed->dir[port / EVTCHN_DIR_PORTS]
		       [port / EVTCHN_GROUP_PORTS % EVTCHN_DIR_GROUPS]
		       [port % EVTCHN_GROUP_PORTS];
}

bool evtchn_vcpu_exists(struct evtchn_domain *ed, u32 *vcpu)
{
	unsigned int n = MIN(ed->d->max_vcpus, (unsigned int)MAX_VIRT_CPUS);

	if (*vcpu >= n)
		return false;
	*vcpu = array_index_nospec(*vcpu, n);
	return ed->d->vcpu[*vcpu];
}

/* The group of ports from ed->valid on, and its directory if needed.
 * Pre: ed->lock held; ed->valid < EVTCHN_MAX_PORTS. */
int evtchn_add_group(struct evtchn_domain *ed)
{
	unsigned int first = ed->valid, d = first / EVTCHN_DIR_PORTS, i;
	struct evtchn *grp;

	if (!ed->dir[d]) {
		ed->dir[d] = xzalloc_array(struct evtchn *, EVTCHN_DIR_GROUPS);
		if (!ed->dir[d])
			return -ENOMEM;
	}
	grp = xzalloc_array(struct evtchn, EVTCHN_GROUP_PORTS);
	if (!grp)
		return -ENOMEM;
	for (i = 0; i < EVTCHN_GROUP_PORTS; i++)
		grp[i].port = first + i;
	ed->dir[d][first / EVTCHN_GROUP_PORTS % EVTCHN_DIR_GROUPS] = grp;
	ed->valid += EVTCHN_GROUP_PORTS;
	return 0;
}

/*
 * Xen's evtchn_get_free_port(): the lowest free port within both the domain's
 * limit and the ABI's, allocating its group if needed (left in place even
 * if the caller then fails, as in Xen).  A free port the FIFO guest still
 * has linked is busy and skipped.  Pre: ed->lock held.
 */
int evtchn_get_free_port(struct evtchn_domain *ed)
{
	unsigned int port, limit = MIN(ed->max_port + 1, ed->ops->max_ports);
	struct evtchn *chn;
	int rc;

	if (ed->dying)
		return -EINVAL;
	for (port = 0; port < limit; port++) {
		if (port >= ed->valid) {
			rc = evtchn_add_group(ed);
			return rc ? rc : (int)port;
		}
		chn = evtchn_port(ed, port);
		if (chn->state == ECS_FREE &&
		    !(ed->ops->is_busy && ed->ops->is_busy(ed, chn)))
			return port;
	}
	return -ENOSPC;
}

/* Xen's evtchn_port_*() wrappers: only ports that can hold an event. */
void evtchn_port_init(struct evtchn_domain *ed, struct evtchn *chn)
{
	if (ed->ops->init)
		ed->ops->init(ed, chn);
}

void evtchn_port_set_pending(struct evtchn_domain *ed, unsigned int vcpu,
			     struct evtchn *chn)
{
	if (evtchn_usable(chn))
		ed->ops->set_pending(ed, vcpu, chn);
}

/* Xen's evtchn_free() plus the VIRQ unbinding of evtchn_close().  The
 * port number and the FIFO queue it was last on stay (Xen's fifo_lastq):
 * a reused port may still be some queue's tail. */
void evtchn_free_port(struct evtchn_domain *ed, evtchn_port_t port)
{
	struct evtchn *chn = evtchn_port(ed, port);
	unsigned int v;

	if (evtchn_usable(chn))
		ed->ops->clear_pending(ed, chn);
	if (chn->state == ECS_VIRQ) {
		v = evtchn_virq_is_global(chn->u.virq) ? 0 : chn->notify_vcpu;
		BUG_ON(ed->vcpu[v].virq[chn->u.virq] != port);
		ed->vcpu[v].virq[chn->u.virq] = 0;
	}
	if (chn->xen_consumer) {
		struct evtchn_xen_consumer *xc = &ed->xen[chn->xen_consumer - 1];

		if (!--xc->users)
			xc->fn = NULL;
	}
	chn->state = ECS_FREE;
	chn->notify_vcpu = 0;		/* Xen: back to vCPU 0 */
	chn->xen_consumer = 0;
	memset(&chn->u, 0, sizeof(chn->u));
	/* Deliberate difference: Xen's flag stays set and could re-raise
	 * a later user of the port when a page is added after a reset. */
	chn->fifo_pending = false;
}

/* --- Locking --- */

static bool above(struct evtchn_domain *x, struct evtchn_domain *y)
{
	return (uintptr_t)x > (uintptr_t)y;
}

/* Pre: interrupts saved in ls->flags; blocking, in address order. */
static void lock_two(struct lockset *ls, struct evtchn_domain *x,
		     struct evtchn_domain *y)
{
	if (y == x)
		y = NULL;
	if (y && above(x, y)) {
		struct evtchn_domain *t = x;

		x = y;
		y = t;
	}
	spin_lock(&x->lock);
	if (y)
		spin_lock(&y->lock);
	ls->a = x;
	ls->b = y;
}

void evtchn_unlock_all(struct lockset *ls)
{
	if (ls->b)
		spin_unlock(&ls->b->lock);
	if (ls->a)
		spin_unlock(&ls->a->lock);
	if (ls->global)
		spin_unlock(&evtchn_global_lock);
	evtchn_irq_restore(ls->flags);
	if (ls->ref && evtchn_hooks.put)
		evtchn_hooks.put(ls->ref);
	ls->ref = NULL;
}

/* The other domain's end of @port, or NULL.  Pre: ed->lock held. */
static struct evtchn_domain *peer_of(struct evtchn_domain *ed,
				     evtchn_port_t port)
{
	struct evtchn *chn = evtchn_port(ed, port);

	if (!chn || chn->state != ECS_INTERDOMAIN || chn->u.peer.ed == ed)
		return NULL;
	return chn->u.peer.ed;
}

/*
 * Lock @ed and, if @port is interdomain to another domain, that domain.
 * @pair_change: the caller may tear the pair down, so it needs the
 * global lock whenever there is a peer.
 */
void evtchn_lock_port(struct lockset *ls, struct evtchn_domain *ed,
		      evtchn_port_t port, bool pair_change)
{
	struct evtchn_domain *r;

	ls->flags = evtchn_irq_save();
	ls->global = false;
	ls->ref = NULL;
	ls->b = NULL;
	ls->a = ed;
	spin_lock(&ed->lock);
	r = peer_of(ed, port);
	if (!r)
		return;
	/* The pair pins r (tearing it down needs ed->lock): in address
	 * order we may wait for r, against it only try. */
	if (!pair_change && (above(r, ed) ? (spin_lock(&r->lock), true) :
			     spin_trylock(&r->lock))) {
		ls->b = r;
		return;
	}
	spin_unlock(&ed->lock);
	spin_lock(&evtchn_global_lock);
	ls->global = true;
	spin_lock(&ed->lock);
	/* From here the pair cannot change: that needs the global lock. */
	r = peer_of(ed, port);
	if (!r)
		return;
	spin_unlock(&ed->lock);
	lock_two(ls, ed, r);
}

/*
 * Lock the domain @dom names (DOMID_SELF, our id, or another domain,
 * found with a reference that evtchn_unlock_all() drops), plus @self if
 * @with_self.  A dying table is as good as none (-ESRCH).
 */
int evtchn_lock_target(struct lockset *ls, struct evtchn_domain *self,
		       domid_t dom, bool with_self, struct evtchn_domain **out)
{
	struct domain *d;
	struct evtchn_domain *t;

	ls->flags = evtchn_irq_save();
	ls->global = false;
	ls->ref = NULL;
	if (dom == DOMID_SELF || dom == self->d->domain_id) {
		lock_two(ls, self, NULL);
		*out = self;
		return 0;
	}
	d = evtchn_hooks.lookup ? evtchn_hooks.lookup(dom) : NULL;
	ls->ref = d;
	t = d ? evtchn_of(d) : NULL;
	if (t) {
		lock_two(ls, t, with_self ? self : NULL);
		if (!t->dying) {
			*out = t;
			return 0;
		}
	} else {
		ls->a = ls->b = NULL;
	}
	evtchn_unlock_all(ls);
	return -ESRCH;
}

void evtchn_lock_one(struct lockset *ls, struct evtchn_domain *ed)
{
	ls->flags = evtchn_irq_save();
	ls->global = false;
	ls->ref = NULL;
	lock_two(ls, ed, NULL);
}
