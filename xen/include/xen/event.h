/*
 * Event channels, 2-level and FIFO ABIs (docs/xen-abi.md §A.6 steps 5-8,
 * §B.2; docs/architecture.md "Event channels").
 *
 * The core is pure: it reaches guest memory only through the shared_info
 * and vcpu_info pointers the hypervisor installs and the FIFO pages it
 * maps through the hooks, and it reaches the rest of the hypervisor only
 * through struct evtchn_hooks.  So it links into host unit tests
 * unchanged (tests/unit/test_evtchn.c, test_evtchn_fifo.c).
 *
 * Locking, outermost first:
 *   evtchn_global_lock (event_channel.c): tearing down interdomain pairs
 *     and the slow path of double locking;
 *   evtchn_domain.lock of each domain, two at once in address order;
 *   whatever hooks->kick and hooks->poll_wake take (scheduler locks).
 * Every lock is taken with interrupts off (evtchn_irq_save()).
 * The hooks run with event locks held and must not call back into this
 * module; Xen-consumer callbacks (evtchn_xen_fn) run with no lock held.
 */
#ifndef XEN_EVENT_H
#define XEN_EVENT_H

#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/types.h>
#include <public/xen.h>
#include <public/event_channel.h>

/* 2-level, 64-bit guests: 64 selector bits x 64-bit words = 4096 ports. */
#define EVTCHN_WORD_BITS (sizeof(xen_ulong_t) * 8)
#define EVTCHN_2L_MAX_PORTS EVTCHN_2L_NR_CHANNELS
/* Any ABI: FIFO's 17-bit links name 2^17 ports (public/event_channel.h). */
#define EVTCHN_MAX_PORTS EVTCHN_FIFO_NR_CHANNELS
/* Port structures come in groups allocated on demand, reached through
 * directories of group pointers, also allocated on demand (a directory
 * fills less than a page: xmalloc serves that from a slab). */
#define EVTCHN_GROUP_PORTS 64
#define EVTCHN_DIR_GROUPS 256
#define EVTCHN_DIR_PORTS (EVTCHN_GROUP_PORTS * EVTCHN_DIR_GROUPS)
#define EVTCHN_NR_DIRS (EVTCHN_MAX_PORTS / EVTCHN_DIR_PORTS)
/* Distinct (fn, priv) pairs of Xen-consumed ports per domain. */
#define EVTCHN_NR_XEN_CONSUMERS 8

/* Port states, Xen's ECS_* (xen/include/xen/sched.h). */
enum {
	ECS_FREE,		/* may be allocated */
	ECS_RESERVED,		/* port 0: never allocated */
	ECS_UNBOUND,		/* waiting for remote_domid to bind */
	ECS_INTERDOMAIN,	/* connected to a remote port */
	ECS_VIRQ,		/* bound to a virtual IRQ */
	ECS_IPI,		/* bound to a vCPU, sent by the domain itself */
};

struct evtchn_domain;
struct evtchn_fifo;
struct vcpu_info;
struct shared_info;

/* The hypervisor consumes a port: called with no lock held when the
 * remote end sends.  @priv is what was given at allocation. */
typedef void (*evtchn_xen_fn)(struct domain *d, evtchn_port_t port,
			      void *priv);

/* One port.  All fields but port: the owning evtchn_domain's lock. */
struct evtchn {
	evtchn_port_t port;	/* fixed: its number */
	u8 state;		/* ECS_* */
	u8 notify_vcpu;		/* whose vcpu_info / queue gets the event */
	u8 xen_consumer;	/* 0, or 1 + index in evtchn_domain.xen[] */
	/* FIFO only (event_fifo.c); kept when the port is freed, as Xen
	 * keeps them, except fifo_pending. */
	u8 priority;		/* queue of the next link, set at bind */
	u8 last_vcpu;		/* the queue it was last linked on ... */
	u8 last_priority;	/* ... (Xen's fifo_lastq) */
	bool fifo_pending;	/* raised while its array page was missing */
	union {
		domid_t remote_domid;		/* ECS_UNBOUND */
		struct {
			struct evtchn_domain *ed;
			evtchn_port_t port;
		} peer;				/* ECS_INTERDOMAIN */
		u32 virq;			/* ECS_VIRQ */
	} u;
};

struct evtchn_vcpu {
	/* Where this vCPU's upcall flags go: the vCPU's registered area,
	 * else its legacy slot in the shared_info page (or the shadow).
	 * Written under lock, read atomically by evtchn_upcall_pending(). */
	struct vcpu_info *vi;
	bool vi_registered;		/* lock: VCPUOP_register_vcpu_info */
	evtchn_port_t virq[NR_VIRQS];	/* lock: bound port, 0 = none */
};

struct evtchn_xen_consumer {
	evtchn_xen_fn fn;		/* lock; NULL = slot free */
	void *priv;			/* lock */
	unsigned int users;		/* lock: ports using the slot */
};

/*
 * How events reach the guest: Xen's struct evtchn_port_ops, one table per
 * ABI, chosen per domain (2-level until EVTCHNOP_init_control succeeds,
 * again after EVTCHNOP_reset).  Pre for all: ed->lock held; @chn is a
 * port of @ed that can hold an event (evtchn_usable()) unless said.
 */
struct evtchn_port_ops {
	unsigned int max_ports;		/* ports the ABI can name */
	/* A port was bound (any state but free).  May be NULL. */
	void (*init)(struct evtchn_domain *ed, struct evtchn *chn);
	void (*set_pending)(struct evtchn_domain *ed, unsigned int vcpu,
			    struct evtchn *chn);
	void (*clear_pending)(struct evtchn_domain *ed, struct evtchn *chn);
	void (*unmask)(struct evtchn_domain *ed, struct evtchn *chn);
	bool (*is_pending)(struct evtchn_domain *ed, const struct evtchn *chn);
	/* A free port still in use by the guest (FIFO: LINKED): it is not
	 * handed out again yet.  May be NULL. */
	bool (*is_busy)(struct evtchn_domain *ed, const struct evtchn *chn);
	/* NULL: the ABI has no priorities (-ENOSYS). */
	int (*set_priority)(struct evtchn_domain *ed, struct evtchn *chn,
			    unsigned int priority);
};

/* A domain's event channels (the lead's struct domain points here). */
struct evtchn_domain {
	spinlock_t lock;		/* every field below unless "fixed" */
	struct domain *d;		/* fixed: the owner */
	unsigned int max_port;		/* fixed: highest usable port */
	unsigned int valid;		/* ports [0, valid) have structures */
	bool dying;			/* destroy began: no new ports */
	const struct evtchn_port_ops *ops;	/* the ABI in use */
	struct evtchn_fifo *fifo;	/* FIFO state, NULL in 2-level */
	/* Port p: dir[p / DIR_PORTS][p / GROUP_PORTS % DIR_GROUPS]
	 * [p % GROUP_PORTS]; every group below valid exists. */
	struct evtchn **dir[EVTCHN_NR_DIRS];
	/* The installed shared_info page, else the shadow: bitmaps live
	 * here.  Written under lock, read atomically. */
	struct shared_info *si;
	struct shared_info *shadow;	/* fixed: before a page is installed */
	struct evtchn_vcpu vcpu[MAX_VIRT_CPUS];
	struct evtchn_xen_consumer xen[EVTCHN_NR_XEN_CONSUMERS];
};

struct evtchn_hooks {
	/* An upcall became pending on (d, vcpu): wake the vCPU if it is
	 * blocked and make its next VM entry inject the callback vector
	 * (or set the per-vCPU upcall vector in its vLAPIC).  Required. */
	void (*kick)(struct domain *d, unsigned int vcpu);
	/* Port newly pending, masked or not: wake vCPUs of d blocked in
	 * SCHEDOP_poll on it (they re-check).  May be NULL. */
	void (*poll_wake)(struct domain *d, evtchn_port_t port);
	/* Domain by id with a reference, or NULL; put drops it.  Called
	 * with no event lock held.  Required for anything naming another
	 * domain. */
	struct domain *(*lookup)(domid_t domid);
	void (*put)(struct domain *d);
	/* Xen's map_guest_page() for FIFO control blocks and event array
	 * pages: the page of @d's own writable RAM at guest frame @gfn,
	 * mapped for the hypervisor, with a reference on the frame that
	 * unmap_page() drops.  0, or -EINVAL (not such a page).  Called
	 * with no event lock held.  Without them FIFO is not offered. */
	int (*map_page)(struct domain *d, u64 gfn, void **page);
	void (*unmap_page)(struct domain *d, void *page);
};

/* Lead-provided: the domain's table (d->evtchn), NULL if none. */
struct evtchn_domain *evtchn_of(struct domain *d);

/* Register once at boot, before any domain exists. */
void evtchn_set_hooks(const struct evtchn_hooks *hooks);

/*
 * Lifecycle.  @max_port is the highest port the domain may use (Xen's
 * max_evtchn_port: libxl's default for a domU is 1023, unbounded for
 * dom0), clamped to the FIFO limit; the ABI in use bounds it further
 * (4095 in 2-level).  init stores the table in *slot.  kill (when the
 * domain dies) refuses new ports and lookups, closes every port (peers of
 * interdomain ports go back to unbound, as Xen's evtchn_destroy()) and
 * unmaps the FIFO pages; free (at the domain's teardown, after its last
 * reference) releases the memory.
 * Pre (kill): no vCPU of d runs; the installed shared_info page and
 * vcpu_info areas are still valid (closing clears pending bits).
 * Pre (free): no reference to d is left, so no lookup can reach the table.
 */
int evtchn_domain_init(struct domain *d, unsigned int max_port,
		       struct evtchn_domain **slot);
void evtchn_domain_kill(struct domain *d, struct evtchn_domain *ed);
void evtchn_domain_free(struct domain *d, struct evtchn_domain **slot);

/*
 * Guest memory.  Until a shared_info page is installed, events stay
 * pending in a private shadow; installing copies the bitmaps and the
 * per-vCPU flags into the page.  vcpu_info: a vCPU without a registered
 * area uses its legacy slot shared_info->vcpu_info[id].  Registering one
 * copies the whole current vcpu_info into it, then marks every selector
 * bit and the upcall pending and kicks (Xen's map_vcpu_info()).
 * Pre: the pointers stay valid until replaced or destroy.
 */
void evtchn_set_shared_info(struct domain *d, struct shared_info *si);
void evtchn_set_vcpu_info(struct domain *d, unsigned int vcpu,
			  struct vcpu_info *vi);
/* The entry path injects the callback vector while this is true. */
bool evtchn_upcall_pending(struct domain *d, unsigned int vcpu);

/*
 * Hypercall.  do_event_channel_op() (xen/hypercall.h) is the table entry
 * (same layouts for 32- and 64-bit callers).  evtchn_op() runs one sub-op on an argument
 * already copied in; on success the caller copies it back.
 */
long evtchn_op(struct domain *d, bool privileged, int cmd, void *arg);
/* Size of the argument of @cmd, 0 if unknown (-ENOSYS). */
size_t evtchn_op_arg_size(int cmd);

/* For the hypervisor. */
/* Raise @virq: per-vCPU VIRQs on @vcpu, global ones through vCPU 0's
 * binding to whatever vCPU the port notifies.  Unbound: dropped. */
void evtchn_send_virq(struct domain *d, unsigned int vcpu, unsigned int virq);
bool evtchn_port_is_pending(struct domain *d, evtchn_port_t port);
/* The debug dump: @d's pending ports and upcall flags (KERN_ERR lines). */
void evtchn_dump(struct domain *d);
/* SCHEDOP_poll's check, in order: -EINVAL at the first port that is not
 * a valid guest port, 1 at the first pending one, else 0. */
int evtchn_poll_ready(struct domain *d, const evtchn_port_t *ports,
		      unsigned int n);

/*
 * Xen-consumed ports (Xen's alloc_unbound_xen_event_channel() family):
 * an unbound port in @d that @remote may bind to; when the remote end
 * sends, fn(d, port, priv) runs instead of an event.  The guest cannot
 * close, send on, rebind or query it.  Returns the port or -errno.
 */
int evtchn_alloc_xen(struct domain *d, unsigned int vcpu, domid_t remote,
		     evtchn_xen_fn fn, void *priv);
/* Event to the remote end of a Xen port (dropped while unbound). */
void evtchn_notify_xen(struct domain *d, evtchn_port_t port);
void evtchn_free_xen(struct domain *d, evtchn_port_t port);
/* A Xen port in @d plus a guest port of @d bound to it, e.g. the
 * console when the hypervisor is the backend: the guest sends on
 * *guest_port, the hypervisor answers with evtchn_notify_xen(*xen_port). */
int evtchn_bind_xen_backend(struct domain *d, evtchn_xen_fn fn, void *priv,
			    evtchn_port_t *guest_port, evtchn_port_t *xen_port);

/* Interrupt masking around event locks: real in the hypervisor (weak,
 * so the host unit test substitutes its own). */
unsigned long evtchn_irq_save(void);
void evtchn_irq_restore(unsigned long flags);

/* Xen's evtchn_usable(): a guest port that can hold an event. */
static inline bool evtchn_usable(const struct evtchn *chn)
{
	return !chn->xen_consumer && chn->state > ECS_RESERVED;
}

/* Xen's virq_is_global(): on x86 all VIRQs but these four are global. */
static inline bool evtchn_virq_is_global(unsigned int virq)
{
	return virq != VIRQ_TIMER && virq != VIRQ_DEBUG &&
	       virq != VIRQ_XENOPROF && virq != VIRQ_XENPMU;
}

/* Between event_channel.c, event_2l.c and event_fifo.c. */
extern struct evtchn_hooks evtchn_hooks;
extern const struct evtchn_port_ops evtchn_port_ops_2l;
/* Pre: ed->lock held. */
struct evtchn *evtchn_port(struct evtchn_domain *ed, evtchn_port_t port);
/* Does guest-chosen vCPU id *vcpu name a vCPU?  If so, *vcpu is clamped
 * against speculation for the caller's own array accesses. */
bool evtchn_vcpu_exists(struct evtchn_domain *ed, u32 *vcpu);
/* Xen's vcpu_mark_events_pending().  Pre: ed->lock held. */
void evtchn_mark_upcall(struct evtchn_domain *ed, unsigned int vcpu);
/* The 2-level state before any page is installed (at init). */
void evtchn_2l_init(struct evtchn_domain *ed);
/* FIFO (event_fifo.c): the sub-ops run one argument already copied in;
 * fifo_detach() (Pre: ed->lock held) goes back to 2-level and returns
 * what fifo_free() (no lock held) unmaps and frees. */
long evtchn_fifo_init_control(struct evtchn_domain *ed,
			      struct evtchn_init_control *op);
long evtchn_fifo_expand_array(struct evtchn_domain *ed,
			      const struct evtchn_expand_array *op);
struct evtchn_fifo *evtchn_fifo_detach(struct evtchn_domain *ed);
void evtchn_fifo_free(struct evtchn_domain *ed, struct evtchn_fifo *f);

#endif
