/*
 * What only the event-channel core shares (event_table.c, the port table
 * and its locks; event_channel.c, the sub-ops; event_2l.c, event_fifo.c):
 * the design note is at the top of event_channel.c.
 */
#ifndef XEN_COMMON_EVENT_INTERNAL_H
#define XEN_COMMON_EVENT_INTERNAL_H

#include <xen/event.h>

/* --- Port table (event_table.c) --- */

/* The group of ports from ed->valid on, and its directory if needed.
 * Pre: ed->lock held (or ed not yet published); ed->valid <
 * EVTCHN_MAX_PORTS. */
int evtchn_add_group(struct evtchn_domain *ed);
/* Xen's get_free_port(): the lowest free port within the domain's and
 * the ABI's limits, or -errno.  Pre: ed->lock held. */
int evtchn_get_free_port(struct evtchn_domain *ed);
/* Xen's evtchn_port_init() and evtchn_port_set_pending().
 * Pre: ed->lock held; vcpu exists. */
void evtchn_port_init(struct evtchn_domain *ed, struct evtchn *chn);
void evtchn_port_set_pending(struct evtchn_domain *ed, unsigned int vcpu,
			     struct evtchn *chn);
/* Xen's evtchn_free(), plus unbinding a VIRQ.  Pre: ed->lock held; port
 * valid. */
void evtchn_free_port(struct evtchn_domain *ed, evtchn_port_t port);

/* --- Locking (event_table.c) --- */

/* What a lock_*() took, for evtchn_unlock_all(). */
struct lockset {
	struct evtchn_domain *a, *b;	/* held; either may be NULL */
	bool global;
	unsigned long flags;
	struct domain *ref;		/* from the lookup hook, or NULL */
};

/* Lock @ed and, if @port is interdomain to another domain, that domain
 * too; @pair_change: the caller may tear the pair down (global lock). */
void evtchn_lock_port(struct lockset *ls, struct evtchn_domain *ed,
		      evtchn_port_t port, bool pair_change);
/* Lock the domain @dom names (DOMID_SELF, our id, or another domain,
 * found with a reference), plus @self if @with_self: 0 and *out, or
 * -ESRCH (no such domain, or dying). */
int evtchn_lock_target(struct lockset *ls, struct evtchn_domain *self,
		       domid_t dom, bool with_self, struct evtchn_domain **out);
void evtchn_lock_one(struct lockset *ls, struct evtchn_domain *ed);
/* Release all of it, and the lookup's reference. */
void evtchn_unlock_all(struct lockset *ls);

#endif
