/*
 * Event channels: the port table and EVTCHNOP_* (docs/xen-abi.md §A.6
 * steps 5-8, §B.2; semantics and error codes of Xen 4.17
 * xen/common/event_channel.c).
 *
 * Design.  Each domain has a struct evtchn_domain: ports in groups of 64
 * allocated on demand (port 0 reserved), per-vCPU VIRQ bindings, and the
 * ABI that delivers events - the port ops of event_2l.c (bitmaps in
 * shared_info) or, once the guest's EVTCHNOP_init_control succeeded,
 * event_fifo.c (queues in guest pages) - chosen per domain as in Xen.  One
 * spinlock per domain protects all of it, FIFO queues included.  Another domain named by id is
 * found through the lookup hook, which returns a domain reference: the
 * table lives as long as its domain (evtchn_domain_free() runs at the
 * domain's teardown), so no global lock is needed to keep it alive; a
 * dying table (evtchn_domain_kill()) refuses new work.  An interdomain
 * pair is only changed with both domains locked, so holding one end's
 * lock keeps the peer's end in place; tearing a pair down also takes
 * evtchn_global_lock, so that a sender that lost the race for the
 * peer's lock can drop its own lock and take both in address order
 * (evtchn_lock_port()) without the pair changing in between.
 *
 * Hypercalls validate everything, then commit; the only thing validation
 * may leave behind is an empty port group, as in Xen (evtchn_get_free_port()).
 * Error precedence follows Xen; XSM is Xen's dummy policy: acting on
 * another domain needs privilege (XSM_TARGET).
 */
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/nospec.h>
#include <xen/xmalloc.h>
#include "event_internal.h"

/* Xen-internal (public header, __XEN__ only): the continuation of a
 * preempted EVTCHNOP_reset, which a guest can also issue directly. */
#define EVTCHNOP_RESET_CONT 14

/* --- Sub-ops --- */

static long alloc_unbound(struct evtchn_domain *self, bool priv,
			  struct evtchn_alloc_unbound *op)
{
	struct evtchn_domain *ed;
	struct lockset ls;
	struct evtchn *chn;
	int port;

	port = evtchn_lock_target(&ls, self, op->dom, false, &ed);
	if (port)
		return port;
	if (ed != self && !priv)
		port = -EPERM;
	else
		port = evtchn_get_free_port(ed);
	if (port >= 0) {
		chn = evtchn_port(ed, port);
		chn->state = ECS_UNBOUND;
		evtchn_port_init(ed, chn);
		/* DOMID_SELF means the caller, also when ed is not. */
		chn->u.remote_domid = op->remote_dom == DOMID_SELF ?
				      self->d->domain_id : op->remote_dom;
		op->port = port;
	}
	evtchn_unlock_all(&ls);
	return port < 0 ? port : 0;
}

/* Connect a free port of ld to @rport of rd.  Pre: both locked. */
static int bind_interdomain_locked(struct evtchn_domain *ld,
				   struct evtchn_domain *rd,
				   evtchn_port_t rport, evtchn_port_t *out)
{
	struct evtchn *lchn, *rchn;
	int lport = evtchn_get_free_port(ld);

	if (lport < 0)
		return lport;
	rchn = evtchn_port(rd, rport);
	if (!rchn || rchn->state != ECS_UNBOUND ||
	    rchn->u.remote_domid != ld->d->domain_id)
		return -EINVAL;

	lchn = evtchn_port(ld, lport);
	lchn->state = ECS_INTERDOMAIN;
	lchn->u.peer.ed = rd;
	lchn->u.peer.port = rport;
	rchn->state = ECS_INTERDOMAIN;
	rchn->u.peer.ed = ld;
	rchn->u.peer.port = lport;
	evtchn_port_init(ld, lchn);
	/* Xen: notifications sent while rport was unbound were dropped, so
	 * always leave one pending on the new local port. */
	evtchn_port_set_pending(ld, lchn->notify_vcpu, lchn);
	*out = lport;
	return 0;
}

static long bind_interdomain(struct evtchn_domain *ld,
			     struct evtchn_bind_interdomain *op)
{
	struct evtchn_domain *rd;
	struct lockset ls;
	int rc;

	rc = evtchn_lock_target(&ls, ld, op->remote_dom, true, &rd);
	if (rc)
		return rc;
	rc = bind_interdomain_locked(ld, rd, op->remote_port, &op->local_port);
	evtchn_unlock_all(&ls);
	return rc;
}

static long bind_virq(struct evtchn_domain *ed, struct evtchn_bind_virq *op)
{
	struct lockset ls;
	struct evtchn *chn;
	int port;

	if (op->virq >= NR_VIRQS)
		return -EINVAL;
	op->virq = array_index_nospec(op->virq, NR_VIRQS);
	if (evtchn_virq_is_global(op->virq) && op->vcpu != 0)
		return -EINVAL;
	if (!evtchn_vcpu_exists(ed, &op->vcpu))
		return -ENOENT;
	evtchn_lock_one(&ls, ed);
	if (ed->vcpu[op->vcpu].virq[op->virq])
		port = -EEXIST;
	else
		port = evtchn_get_free_port(ed);
	if (port >= 0) {
		chn = evtchn_port(ed, port);
		chn->state = ECS_VIRQ;
		chn->notify_vcpu = op->vcpu;
		chn->u.virq = op->virq;
		evtchn_port_init(ed, chn);
		ed->vcpu[op->vcpu].virq[op->virq] = port;
		op->port = port;
	}
	evtchn_unlock_all(&ls);
	return port < 0 ? port : 0;
}

static long bind_ipi(struct evtchn_domain *ed, struct evtchn_bind_ipi *op)
{
	struct lockset ls;
	struct evtchn *chn;
	int port;

	if (!evtchn_vcpu_exists(ed, &op->vcpu))
		return -ENOENT;
	evtchn_lock_one(&ls, ed);
	port = evtchn_get_free_port(ed);
	if (port >= 0) {
		chn = evtchn_port(ed, port);
		chn->state = ECS_IPI;
		chn->notify_vcpu = op->vcpu;
		evtchn_port_init(ed, chn);
		op->port = port;
	}
	evtchn_unlock_all(&ls);
	return port < 0 ? port : 0;
}

/* Xen's evtchn_close(); @guest: the guest asked (not Xen's own ports). */
static int close_port(struct evtchn_domain *ed, evtchn_port_t port,
		      bool guest)
{
	struct evtchn *chn, *rchn;
	struct lockset ls;
	int rc = 0;

	evtchn_lock_port(&ls, ed, port, true);
	chn = evtchn_port(ed, port);
	if (!chn || (chn->xen_consumer && guest) ||
	    chn->state == ECS_FREE || chn->state == ECS_RESERVED) {
		rc = -EINVAL;
	} else {
		if (chn->state == ECS_INTERDOMAIN) {
			/* The peer waits for a new partner: Xen makes it
			 * unbound for us. */
			rchn = evtchn_port(chn->u.peer.ed, chn->u.peer.port);
			BUG_ON(!rchn || rchn->state != ECS_INTERDOMAIN ||
			       rchn->u.peer.ed != ed);
			rchn->state = ECS_UNBOUND;
			rchn->u.remote_domid = ed->d->domain_id;
		}
		evtchn_free_port(ed, port);
	}
	evtchn_unlock_all(&ls);
	return rc;
}

struct xen_call {
	evtchn_xen_fn fn;
	struct domain *d;
	evtchn_port_t port;
	void *priv;
};

/* Deliver what sending on @chn means.  Pre: ed and its peer locked. */
static int send_locked(struct evtchn_domain *ed, struct evtchn *chn,
		       evtchn_port_t port, struct xen_call *xc)
{
	struct evtchn_domain *rd;
	struct evtchn *rchn;

	switch (chn->state) {
	case ECS_INTERDOMAIN:
		rd = chn->u.peer.ed;
		rchn = evtchn_port(rd, chn->u.peer.port);
		if (rchn->xen_consumer) {
			xc->fn = rd->xen[rchn->xen_consumer - 1].fn;
			xc->priv = rd->xen[rchn->xen_consumer - 1].priv;
			xc->d = rd->d;
			xc->port = chn->u.peer.port;
		} else {
			evtchn_port_set_pending(rd, rchn->notify_vcpu, rchn);
		}
		return 0;
	case ECS_IPI:
		evtchn_port_set_pending(ed, chn->notify_vcpu, chn);
		return 0;
	case ECS_UNBOUND:
		return 0;	/* Xen drops it silently */
	}
	return -EINVAL;
}

/* Xen's evtchn_send(); !@guest: notify_via_xen_event_channel(). */
static int send_port(struct evtchn_domain *ed, evtchn_port_t port, bool guest)
{
	struct xen_call xc = { .fn = NULL };
	struct lockset ls;
	struct evtchn *chn;
	int rc;

	evtchn_lock_port(&ls, ed, port, false);
	chn = evtchn_port(ed, port);
	if (!chn || (chn->xen_consumer && guest))
		rc = -EINVAL;
	else
		rc = send_locked(ed, chn, port, &xc);
	evtchn_unlock_all(&ls);
	if (xc.fn)
		xc.fn(xc.d, xc.port, xc.priv);
	return rc;
}

static const u8 ecs_to_stat[] = {
	[ECS_FREE] = EVTCHNSTAT_closed,
	[ECS_RESERVED] = EVTCHNSTAT_closed,
	[ECS_UNBOUND] = EVTCHNSTAT_unbound,
	[ECS_INTERDOMAIN] = EVTCHNSTAT_interdomain,
	[ECS_VIRQ] = EVTCHNSTAT_virq,
	[ECS_IPI] = EVTCHNSTAT_ipi,
};

static long status(struct evtchn_domain *self, bool priv,
		   struct evtchn_status *op)
{
	struct evtchn_domain *ed;
	struct lockset ls;
	struct evtchn *chn;
	int rc;

	rc = evtchn_lock_target(&ls, self, op->dom, false, &ed);
	if (rc)
		return rc;
	chn = evtchn_port(ed, op->port);
	if (!chn)
		rc = -EINVAL;
	else if (chn->xen_consumer)
		rc = -EACCES;
	else if (ed != self && !priv)
		rc = -EPERM;
	if (rc)
		goto out;
	BUG_ON(chn->state >= ARRAY_SIZE(ecs_to_stat));
	op->status = ecs_to_stat[chn->state];
	op->vcpu = chn->notify_vcpu;
	if (chn->state == ECS_UNBOUND) {
		op->u.unbound.dom = chn->u.remote_domid;
	} else if (chn->state == ECS_INTERDOMAIN) {
		op->u.interdomain.dom = chn->u.peer.ed->d->domain_id;
		op->u.interdomain.port = chn->u.peer.port;
	} else if (chn->state == ECS_VIRQ) {
		op->u.virq = chn->u.virq;
	}
out:
	evtchn_unlock_all(&ls);
	return rc;
}

/* Xen: per-vCPU VIRQs and IPIs stay on their vCPU (-EINVAL). */
static long bind_vcpu(struct evtchn_domain *ed, struct evtchn_bind_vcpu *op)
{
	struct lockset ls;
	struct evtchn *chn;
	int rc = 0;

	if (!evtchn_vcpu_exists(ed, &op->vcpu))
		return -ENOENT;
	evtchn_lock_one(&ls, ed);
	chn = evtchn_port(ed, op->port);
	if (!chn || chn->xen_consumer)
		rc = -EINVAL;
	else if (chn->state == ECS_UNBOUND || chn->state == ECS_INTERDOMAIN ||
		 (chn->state == ECS_VIRQ && evtchn_virq_is_global(chn->u.virq)))
		chn->notify_vcpu = op->vcpu;
	else
		rc = -EINVAL;
	evtchn_unlock_all(&ls);
	return rc;
}

static long unmask(struct evtchn_domain *ed, struct evtchn_unmask *op)
{
	struct lockset ls;
	struct evtchn *chn;
	int rc = 0;

	evtchn_lock_one(&ls, ed);
	chn = evtchn_port(ed, op->port);
	/* As Xen: a valid but unusable port (port 0, free, Xen-consumed)
	 * succeeds without touching its mask bit. */
	if (!chn)
		rc = -EINVAL;
	else if (evtchn_usable(chn))
		ed->ops->unmask(ed, chn);
	evtchn_unlock_all(&ls);
	return rc;
}

/* The end of Xen's evtchn_reset(): a port bound meanwhile makes it
 * -EAGAIN; else a FIFO domain goes back to 2-level, its pages unmapped
 * (public/event_channel.h EVTCHNOP_reset note 3). */
static int reset_abi(struct evtchn_domain *ed)
{
	struct evtchn_fifo *fifo = NULL;
	struct lockset ls;
	unsigned int port;
	int rc = 0;

	evtchn_lock_one(&ls, ed);
	for (port = 1; port < ed->valid && !rc; port++)
		if (evtchn_usable(evtchn_port(ed, port)))
			rc = -EAGAIN;
	if (!rc)
		fifo = evtchn_fifo_detach(ed);
	evtchn_unlock_all(&ls);
	evtchn_fifo_free(ed, fifo);
	return rc;
}

/*
 * Xen's EVTCHNOP_reset: another domain only while its controller has it
 * paused (-EINVAL otherwise; Amphi has no such pause yet).  Ours is never
 * preempted, so EVTCHNOP_RESET_CONT always finds nothing to continue
 * (-EBUSY).  Xen-consumed ports survive.
 */
static long reset(struct evtchn_domain *self, bool priv,
		  struct evtchn_reset *op, bool cont)
{
	struct evtchn_domain *ed;
	struct lockset ls;
	unsigned int port, valid;
	int rc;

	rc = evtchn_lock_target(&ls, self, op->dom, false, &ed);
	if (rc)
		return rc;
	if (ed != self)
		rc = priv ? -EINVAL : -EPERM;
	else if (cont)
		rc = -EBUSY;
	valid = ed->valid;
	evtchn_unlock_all(&ls);
	if (rc)
		return rc;
	for (port = 1; port < valid; port++)
		close_port(ed, port, true);
	return reset_abi(ed);
}

/* Xen's evtchn_set_priority() and evtchn_port_set_priority(), in their
 * order: the port, then the ABI (2-level has no priorities), then
 * whether the port can hold events, then the priority (FIFO). */
static long set_priority(struct evtchn_domain *ed,
			 struct evtchn_set_priority *op)
{
	struct lockset ls;
	struct evtchn *chn;
	int rc;

	evtchn_lock_one(&ls, ed);
	chn = evtchn_port(ed, op->port);
	if (!chn)
		rc = -EINVAL;
	else if (!ed->ops->set_priority)
		rc = -ENOSYS;
	else if (!evtchn_usable(chn))
		rc = -EACCES;
	else
		rc = ed->ops->set_priority(ed, chn, op->priority);
	evtchn_unlock_all(&ls);
	return rc;
}

/* --- Hypercall --- */

union evtchn_op_args {
	struct evtchn_bind_interdomain bind_interdomain;
	struct evtchn_bind_virq bind_virq;
	struct evtchn_bind_pirq bind_pirq;
	struct evtchn_close close;
	struct evtchn_send send;
	struct evtchn_status status;
	struct evtchn_alloc_unbound alloc_unbound;
	struct evtchn_bind_ipi bind_ipi;
	struct evtchn_bind_vcpu bind_vcpu;
	struct evtchn_unmask unmask;
	struct evtchn_reset reset;
	struct evtchn_init_control init_control;
	struct evtchn_expand_array expand_array;
	struct evtchn_set_priority set_priority;
};

size_t evtchn_op_arg_size(int cmd)
{
	static const u8 size[] = {
		[EVTCHNOP_bind_interdomain] = sizeof(struct evtchn_bind_interdomain),
		[EVTCHNOP_bind_virq] = sizeof(struct evtchn_bind_virq),
		[EVTCHNOP_bind_pirq] = sizeof(struct evtchn_bind_pirq),
		[EVTCHNOP_close] = sizeof(struct evtchn_close),
		[EVTCHNOP_send] = sizeof(struct evtchn_send),
		[EVTCHNOP_status] = sizeof(struct evtchn_status),
		[EVTCHNOP_alloc_unbound] = sizeof(struct evtchn_alloc_unbound),
		[EVTCHNOP_bind_ipi] = sizeof(struct evtchn_bind_ipi),
		[EVTCHNOP_bind_vcpu] = sizeof(struct evtchn_bind_vcpu),
		[EVTCHNOP_unmask] = sizeof(struct evtchn_unmask),
		[EVTCHNOP_reset] = sizeof(struct evtchn_reset),
		[EVTCHNOP_init_control] = sizeof(struct evtchn_init_control),
		[EVTCHNOP_expand_array] = sizeof(struct evtchn_expand_array),
		[EVTCHNOP_set_priority] = sizeof(struct evtchn_set_priority),
		[EVTCHNOP_RESET_CONT] = sizeof(struct evtchn_reset),
	};

	if (cmd < 0 || (unsigned int)cmd >= ARRAY_SIZE(size))
		return 0;
	return size[array_index_nospec(cmd, ARRAY_SIZE(size))];
}

long evtchn_op(struct domain *d, bool privileged, int cmd, void *arg)
{
	struct evtchn_domain *ed = evtchn_of(d);
	union evtchn_op_args *a = arg;

	if (!ed)
		return -ENOSYS;
	switch (cmd) {
	case EVTCHNOP_alloc_unbound:
		return alloc_unbound(ed, privileged, &a->alloc_unbound);
	case EVTCHNOP_bind_interdomain:
		return bind_interdomain(ed, &a->bind_interdomain);
	case EVTCHNOP_bind_virq:
		return bind_virq(ed, &a->bind_virq);
	case EVTCHNOP_bind_ipi:
		return bind_ipi(ed, &a->bind_ipi);
	case EVTCHNOP_close:
		return close_port(ed, a->close.port, true);
	case EVTCHNOP_send:
		return send_port(ed, a->send.port, true);
	case EVTCHNOP_status:
		return status(ed, privileged, &a->status);
	case EVTCHNOP_bind_vcpu:
		return bind_vcpu(ed, &a->bind_vcpu);
	case EVTCHNOP_unmask:
		return unmask(ed, &a->unmask);
	case EVTCHNOP_reset:
	case EVTCHNOP_RESET_CONT:
		return reset(ed, privileged, &a->reset,
			     cmd == EVTCHNOP_RESET_CONT);
	case EVTCHNOP_set_priority:
		return set_priority(ed, &a->set_priority);
	case EVTCHNOP_init_control:
		return evtchn_fifo_init_control(ed, &a->init_control);
	case EVTCHNOP_expand_array:
		return evtchn_fifo_expand_array(ed, &a->expand_array);
	}
	/* PIRQs: Amphi has none. */
	return -ENOSYS;
}

/* Xen copies the whole argument back on success for these. */
static bool op_has_output(int cmd)
{
	return cmd == EVTCHNOP_alloc_unbound ||
	       cmd == EVTCHNOP_bind_interdomain || cmd == EVTCHNOP_bind_virq ||
	       cmd == EVTCHNOP_bind_ipi || cmd == EVTCHNOP_status ||
	       cmd == EVTCHNOP_init_control;
}

/* All EVTCHNOP_* arguments have the same layout for 32-bit callers. */
long do_event_channel_op(struct vcpu *v, struct hypercall_args *args)
{
	const u64 *a = args->a;
	union evtchn_op_args buf;
	int cmd = (int)a[0];
	size_t size = evtchn_op_arg_size(cmd);
	long rc;

	/* No PIRQs; Xen's answer for an HVM guest (after reading the
	 * argument, so a bad pointer is still -EFAULT). */
	if (cmd == EVTCHNOP_bind_pirq) {
		if (copy_from_guest(v, &buf, a[1], sizeof(struct evtchn_bind_pirq)))
			return -EFAULT;
		return -EINVAL;
	}
	if (!size)
		return -ENOSYS;
	if (copy_from_guest(v, &buf, a[1], size))
		return -EFAULT;
	rc = evtchn_op(v->domain, v->domain->is_privileged, cmd, &buf);
	if (!rc && op_has_output(cmd) && copy_to_guest(v, a[1], &buf, size))
		rc = -EFAULT;
	return rc;
}

/* --- For the hypervisor --- */

/* A consumer slot for (fn, priv), shared by ports with the same pair.
 * Pre: ed->lock held.  Returns the index or -ENOSPC. */
static int xen_consumer_slot(struct evtchn_domain *ed, evtchn_xen_fn fn,
			     void *priv)
{
	int i, free = -ENOSPC;

	for (i = EVTCHN_NR_XEN_CONSUMERS - 1; i >= 0; i--) {
		if (ed->xen[i].fn == fn && ed->xen[i].priv == priv)
			return i;
		if (!ed->xen[i].fn)
			free = i;
	}
	return free;
}

int evtchn_alloc_xen(struct domain *d, unsigned int vcpu, domid_t remote,
		     evtchn_xen_fn fn, void *priv)
{
	struct evtchn_domain *ed = evtchn_of(d);
	struct lockset ls;
	struct evtchn *chn;
	int slot, port;

	BUG_ON(!ed || !fn || !evtchn_vcpu_exists(ed, &vcpu));
	evtchn_lock_one(&ls, ed);
	port = slot = xen_consumer_slot(ed, fn, priv);
	if (slot >= 0)
		port = evtchn_get_free_port(ed);
	if (port >= 0) {
		ed->xen[slot].fn = fn;
		ed->xen[slot].priv = priv;
		ed->xen[slot].users++;
		chn = evtchn_port(ed, port);
		chn->state = ECS_UNBOUND;
		chn->xen_consumer = slot + 1;
		chn->notify_vcpu = vcpu;
		chn->u.remote_domid = remote;
	}
	evtchn_unlock_all(&ls);
	return port;
}

void evtchn_notify_xen(struct domain *d, evtchn_port_t port)
{
	struct evtchn_domain *ed = evtchn_of(d);

	if (ed)
		send_port(ed, port, false);
}

void evtchn_free_xen(struct domain *d, evtchn_port_t port)
{
	struct evtchn_domain *ed = evtchn_of(d);

	if (ed)
		close_port(ed, port, false);
}

int evtchn_bind_xen_backend(struct domain *d, evtchn_xen_fn fn, void *priv,
			    evtchn_port_t *guest_port, evtchn_port_t *xen_port)
{
	struct evtchn_domain *ed = evtchn_of(d);
	struct lockset ls;
	int xport, rc;

	xport = evtchn_alloc_xen(d, 0, d->domain_id, fn, priv);
	if (xport < 0)
		return xport;
	evtchn_lock_one(&ls, ed);
	rc = bind_interdomain_locked(ed, ed, xport, guest_port);
	evtchn_unlock_all(&ls);
	if (rc) {
		evtchn_free_xen(d, xport);
		return rc;
	}
	*xen_port = xport;
	return 0;
}

/* --- Lifecycle --- */

int evtchn_domain_init(struct domain *d, unsigned int max_port,
		       struct evtchn_domain **slot)
{
	struct evtchn_domain *ed = xzalloc(struct evtchn_domain);

	if (!ed)
		return -ENOMEM;
	ed->shadow = xzalloc(struct shared_info);
	if (!ed->shadow || evtchn_add_group(ed)) {
		xfree(ed->dir[0]);
		xfree(ed->shadow);
		xfree(ed);
		return -ENOMEM;
	}
	spin_lock_init(&ed->lock);
	ed->d = d;
	ed->max_port = MIN(max_port, EVTCHN_MAX_PORTS - 1);
	evtchn_port(ed, 0)->state = ECS_RESERVED;
	evtchn_2l_init(ed);
	*slot = ed;
	return 0;
}

void evtchn_domain_kill(struct domain *d, struct evtchn_domain *ed)
{
	struct evtchn_fifo *fifo;
	struct lockset ls;

	if (!ed)
		return;
	evtchn_lock_one(&ls, ed);
	ed->dying = true;
	evtchn_unlock_all(&ls);
	for (unsigned int port = ed->valid - 1; port > 0; port--)
		close_port(ed, port, false);
	/* As Xen's evtchn_destroy(): the guest pages go now. */
	evtchn_lock_one(&ls, ed);
	fifo = evtchn_fifo_detach(ed);
	evtchn_unlock_all(&ls);
	evtchn_fifo_free(ed, fifo);
}

void evtchn_domain_free(struct domain *d, struct evtchn_domain **slot)
{
	struct evtchn_domain *ed = *slot;

	if (!ed)
		return;
	if (!ed->dying)
		evtchn_domain_kill(d, ed);
	*slot = NULL;
	for (unsigned int i = 0; i < EVTCHN_NR_DIRS && ed->dir[i]; i++) {
		for (unsigned int j = 0; j < EVTCHN_DIR_GROUPS; j++)
			xfree(ed->dir[i][j]);
		xfree(ed->dir[i]);
	}
	xfree(ed->shadow);
	xfree(ed);
}
