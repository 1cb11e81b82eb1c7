/*
 * The fake hypervisor the event-channel host tests (test_evtchn.c,
 * test_evtchn_fifo.c) run xen/common/event_*.c in: fake domains with
 * vCPUs, a shared_info page and vcpu_info areas in ordinary memory, hooks
 * that count kicks and poll wake-ups, a domain lookup, a few pages of
 * "RAM" per domain that the page-mapping hooks hand out with a reference
 * count (FIFO control blocks and event arrays), copy_{from,to}_guest on
 * host pointers, and an allocator that can be told to fail.
 */
#ifndef UNIT_EVTCHN_ENV_H
#define UNIT_EVTCHN_ENV_H

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/hypercall.h>
#include <xen/guest_access.h>
#include <xen/xmalloc.h>
#include "unit.h"
#include "fake_xmalloc.h"

#define NDOMS 3
#define NV 4
#define RAM_GFN 0x100		/* each domain's RAM pages: gfns from here */
#define NPAGES 136		/* > the 128 pages of a full FIFO array */

static struct tdom {
	struct domain d;
	struct vcpu v[NV];
	struct evtchn_domain *ed;
	bool listed;
	long refs;			/* lookups not yet put (atomically) */
	struct shared_info si;
	struct vcpu_info own_vi[NV];	/* VCPUOP_register_vcpu_info areas */
	unsigned int kicks[NV];
	unsigned int poll_wakes;
	evtchn_port_t last_poll_port;
	void *ram[NPAGES];		/* allocated when first mapped */
	int ram_refs[NPAGES];		/* held by the event core */
	unsigned int maps;		/* map_page calls */
} dom[NDOMS];

/* --- What the hypervisor provides --- */

static __thread int irq_depth;

unsigned long evtchn_irq_save(void)
{
	irq_depth++;
	return 0x200;
}

void evtchn_irq_restore(unsigned long flags)
{
	CHECK_EQ(flags, 0x200);
	irq_depth--;
}

static inline struct tdom *T(struct domain *d)
{
	return container_of(d, struct tdom, d);
}

struct evtchn_domain *evtchn_of(struct domain *d)
{
	return T(d)->ed;
}

static inline void kick(struct domain *d, unsigned int vcpu)
{
	CHECK(irq_depth > 0);
	CHECK(spin_is_locked(&T(d)->ed->lock));
	CHECK(vcpu < d->max_vcpus);
	__atomic_fetch_add(&T(d)->kicks[vcpu], 1, __ATOMIC_RELAXED);
}

static inline void poll_wake(struct domain *d, evtchn_port_t port)
{
	__atomic_fetch_add(&T(d)->poll_wakes, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&T(d)->last_poll_port, port, __ATOMIC_RELAXED);
}

/* As domain_by_id(): a reference the caller drops with put(). */
static inline struct domain *lookup(domid_t id)
{
	for (int i = 0; i < NDOMS; i++)
		if (dom[i].listed && dom[i].d.domain_id == id) {
			__atomic_fetch_add(&dom[i].refs, 1, __ATOMIC_RELAXED);
			return &dom[i].d;
		}
	return NULL;
}

static inline void put(struct domain *d)
{
	long was = __atomic_fetch_sub(&T(d)->refs, 1, __ATOMIC_RELAXED);

	CHECK(was > 0);
}

/* As the domain's death: kill (close everything), then free. */
static inline void destroy_dom(int i)
{
	evtchn_domain_kill(&dom[i].d, dom[i].ed);
	evtchn_domain_free(&dom[i].d, &dom[i].ed);
}

/*
 * As domain.c's hook: only the domain's RAM (gfns RAM_GFN..+NPAGES), with
 * a reference, never with an event lock held (it may take the p2m lock).
 */
static inline int map_page(struct domain *d, u64 gfn, void **page)
{
	struct tdom *t = T(d);
	u64 n = gfn - RAM_GFN;

	CHECK_EQ(irq_depth, 0);
	t->maps++;
	if (gfn < RAM_GFN || n >= NPAGES)
		return -EINVAL;
	if (!t->ram[n]) {
		t->ram[n] = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
		memset(t->ram[n], 0, PAGE_SIZE);
	}
	__atomic_fetch_add(&t->ram_refs[n], 1, __ATOMIC_RELAXED);
	*page = t->ram[n];
	return 0;
}

static inline void unmap_page(struct domain *d, void *page)
{
	struct tdom *t = T(d);
	unsigned int n;

	CHECK_EQ(irq_depth, 0);
	for (n = 0; n < NPAGES && t->ram[n] != page; n++)
		;
	CHECK(n < NPAGES);
	if (n < NPAGES)
		CHECK(__atomic_sub_fetch(&t->ram_refs[n], 1, __ATOMIC_RELAXED) >= 0);
}

/* The guest's view of its RAM page @n (allocated on first use). */
static inline void *ram_page(int i, unsigned int n)
{
	if (!dom[i].ram[n]) {
		dom[i].ram[n] = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
		memset(dom[i].ram[n], 0, PAGE_SIZE);
	}
	return dom[i].ram[n];
}

/* References the event core holds on @i's RAM. */
static inline int ram_refs(int i)
{
	int n = 0;

	for (int k = 0; k < NPAGES; k++)
		n += dom[i].ram_refs[k];
	return n;
}

/* Guest linear address = host pointer; 0 faults. */
int copy_from_guest(struct vcpu *v, void *dst, u64 gla, size_t len)
{
	if (!gla)
		return -EFAULT;
	memcpy(dst, (void *)(uintptr_t)gla, len);
	return 0;
}

int copy_to_guest(struct vcpu *v, u64 gla, const void *src, size_t len)
{
	if (!gla)
		return -EFAULT;
	memcpy((void *)(uintptr_t)gla, src, len);
	return 0;
}

/* --- Set-up --- */

static inline void setup_dom(int i, domid_t id, unsigned int nv, unsigned int max_port,
		      bool priv, bool install)
{
	struct tdom *t = &dom[i];
	static const struct evtchn_hooks hooks = {
		.kick = kick, .poll_wake = poll_wake, .lookup = lookup,
		.put = put, .map_page = map_page, .unmap_page = unmap_page,
	};

	evtchn_set_hooks(&hooks);
	memset(t, 0, sizeof(*t));
	t->d.domain_id = id;
	t->d.max_vcpus = nv;
	t->d.is_privileged = priv;
	for (unsigned int k = 0; k < nv; k++) {
		t->v[k].vcpu_id = k;
		t->v[k].domain = &t->d;
		t->d.vcpu[k] = &t->v[k];
	}
	CHECK_EQ(evtchn_domain_init(&t->d, max_port, &t->ed), 0);
	t->listed = true;
	if (install)
		evtchn_set_shared_info(&t->d, &t->si);
}

static inline void teardown(void)
{
	for (int i = 0; i < NDOMS; i++) {
		if (dom[i].ed) {
			dom[i].listed = false;
			destroy_dom(i);
			CHECK(dom[i].ed == NULL);
		}
		/* Every lookup's reference was dropped, and every page's. */
		CHECK_EQ(dom[i].refs, 0);
		CHECK_EQ(ram_refs(i), 0);
		for (int k = 0; k < NPAGES; k++) {
			free(dom[i].ram[k]);
			dom[i].ram[k] = NULL;
		}
	}
	CHECK_EQ(live_allocs, 0);
	CHECK_EQ(irq_depth, 0);
	fail_alloc_in = -1;
}

/* Two domains: 0 (id 0, privileged, 2 vCPUs) and 1 (id 5, 4 vCPUs). */
static inline void setup2(void)
{
	setup_dom(0, 0, 2, 1023, true, true);
	setup_dom(1, 5, 4, 1023, false, true);
}

/* --- Sub-op wrappers: port (>= 0) or -errno --- */

static inline long op(int i, int cmd, void *arg)
{
	long rc = evtchn_op(&dom[i].d, dom[i].d.is_privileged, cmd, arg);

	CHECK_EQ(irq_depth, 0);
	return rc;
}

static inline long unbound(int i, domid_t d, domid_t remote)
{
	struct evtchn_alloc_unbound a = { .dom = d, .remote_dom = remote };
	long rc = op(i, EVTCHNOP_alloc_unbound, &a);

	return rc ? rc : (long)a.port;
}

static inline long interdomain(int i, domid_t rdom, evtchn_port_t rport)
{
	struct evtchn_bind_interdomain b = { .remote_dom = rdom,
					     .remote_port = rport };
	long rc = op(i, EVTCHNOP_bind_interdomain, &b);

	return rc ? rc : (long)b.local_port;
}

static inline long virq(int i, u32 virq, u32 vcpu)
{
	struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
	long rc = op(i, EVTCHNOP_bind_virq, &b);

	return rc ? rc : (long)b.port;
}

static inline long ipi(int i, u32 vcpu)
{
	struct evtchn_bind_ipi b = { .vcpu = vcpu };
	long rc = op(i, EVTCHNOP_bind_ipi, &b);

	return rc ? rc : (long)b.port;
}

static inline long xclose(int i, evtchn_port_t port)
{
	struct evtchn_close c = { .port = port };

	return op(i, EVTCHNOP_close, &c);
}

static inline long send(int i, evtchn_port_t port)
{
	struct evtchn_send s = { .port = port };

	return op(i, EVTCHNOP_send, &s);
}

static inline long unmask(int i, evtchn_port_t port)
{
	struct evtchn_unmask u = { .port = port };

	return op(i, EVTCHNOP_unmask, &u);
}

static inline long bind_vcpu(int i, evtchn_port_t port, u32 vcpu)
{
	struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };

	return op(i, EVTCHNOP_bind_vcpu, &b);
}

static inline long status(int i, domid_t d, evtchn_port_t port,
		   struct evtchn_status *st)
{
	memset(st, 0, sizeof(*st));
	st->dom = d;
	st->port = port;
	return op(i, EVTCHNOP_status, st);
}

/* --- Guest memory views --- */

static inline bool bit(const xen_ulong_t *map, unsigned int b)
{
	return (map[b / 64] >> (b % 64)) & 1;
}

static inline void set_bit(xen_ulong_t *map, unsigned int b, bool on)
{
	if (on)
		map[b / 64] |= 1UL << (b % 64);
	else
		map[b / 64] &= ~(1UL << (b % 64));
}

static inline struct vcpu_info *VI(int i, unsigned int v)
{
	return dom[i].ed->vcpu[v].vi;
}

static inline bool pending(int i, unsigned int port)
{
	return bit(dom[i].si.evtchn_pending, port);
}

static inline void mask(int i, unsigned int port, bool on)
{
	set_bit(dom[i].si.evtchn_mask, port, on);
}

static inline unsigned int total_kicks(int i)
{
	unsigned int n = 0;

	for (int v = 0; v < NV; v++)
		n += dom[i].kicks[v];
	return n;
}

/* What Linux's upcall handler does to the flags, on every vCPU. */
static inline void guest_ack_all(int i)
{
	for (int v = 0; v < NV; v++) {
		if (v < (int)dom[i].d.max_vcpus) {
			VI(i, v)->evtchn_upcall_pending = 0;
			VI(i, v)->evtchn_pending_sel = 0;
		}
	}
	memset(dom[i].si.evtchn_pending, 0, sizeof(dom[i].si.evtchn_pending));
}

#endif
