/*
 * The fake hypervisor the ioreq-server and dm_op host tests
 * (test_ioreq_server.c, test_dm_op.c) run devmodel/ in, with the real
 * vCPU side of device-model I/O (hvm/ioreq.c) and the real rangesets:
 *  - three domains: dom0 (the privileged emulator), d1 (the HVM target,
 *    2 vCPUs), d2 (another unprivileged domain), each with references
 *    counted and a lookup by id;
 *  - Xen-consumed event channels that record their callback, so the
 *    test, playing the device model, "sends" on a port by calling it
 *    exactly as xen/common/event_channel.c would;
 *  - frames from host pages with reference counts (an "mfn" is the host
 *    pointer >> 12, as the identity map makes it in Amphi), checked to be
 *    all freed at the end;
 *  - domain_crash() and domain_shutdown() recorded, not acted on;
 *    copy_{from,to}_guest on host pointers (below 4 KiB faults).
 */
#ifndef UNIT_IOREQ_ENV_H
#define UNIT_IOREQ_ENV_H

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <hvm/hvm.h>
#include <hvm/vcpu.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/frame.h>
#include <xen/guest_access.h>
#include <xen/ioreq.h>
#include <xen/sched.h>
#include <devmodel/ioreq_server.h>
#include "unit.h"
#include "fake_xmalloc.h"

#define NDOMS 3
#define NV 2
#define NPORTS 64
#define NFRAMES 64

static struct tdom {
	struct domain d;
	struct vcpu v[NV];
	struct hvm_vcpu hv[NV];
	long refs;			/* lookups and holds not yet put */
	/* Xen-consumed ports: callback while allocated. */
	evtchn_xen_fn port_fn[NPORTS];
	void *port_priv[NPORTS];
	unsigned int port_vcpu[NPORTS];
	domid_t port_remote[NPORTS];
	unsigned int notified[NPORTS];	/* evtchn_notify_xen() calls */
	unsigned int next_port;
	bool fail_ports;		/* evtchn_alloc_xen() says -ENOSPC */
	int crashes;
	char crash_why[200];
	int shutdowns, shutdown_reason;
} dom[NDOMS];

static struct {
	void *page;
	struct domain *owner;
	int count;
} frames[NFRAMES];
static int fail_frames_in = -1;		/* fail the Nth frame_alloc */

static struct tdom *T(struct domain *d)
{
	return container_of(d, struct tdom, d);
}

/* --- Domains --- */

struct domain *domain_by_id(u16 domid)
{
	for (int i = 0; i < NDOMS; i++)
		if (dom[i].d.domain_id == domid) {
			dom[i].refs++;
			return &dom[i].d;
		}
	return NULL;
}

void get_domain(struct domain *d)
{
	T(d)->refs++;
}

void put_domain(struct domain *d)
{
	CHECK(T(d)->refs > 0);
	T(d)->refs--;
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(T(d)->crash_why, sizeof(T(d)->crash_why), fmt, ap);
	va_end(ap);
	T(d)->crashes++;
}

void domain_shutdown(struct domain *d, int reason)
{
	T(d)->shutdowns++;
	T(d)->shutdown_reason = reason;
}

void domain_bad_request(struct domain *d, const char *fmt, ...)
{
	__atomic_fetch_add(&d->nr_bad_requests, 1, __ATOMIC_RELAXED);
}

/* --- vCPUs: what hvm/ioreq.c needs of the scheduler --- */

void vcpu_pause_flag_set(struct vcpu *v, unsigned int bit)
{
	__atomic_fetch_or(&v->pause_flags, 1UL << bit, __ATOMIC_SEQ_CST);
}

void vcpu_pause_flag_clear(struct vcpu *v, unsigned int bit)
{
	__atomic_fetch_and(&v->pause_flags, ~(1UL << bit), __ATOMIC_SEQ_CST);
}

static inline bool io_blocked(struct vcpu *v)
{
	return v->pause_flags & (1UL << VPF_blocked_ioreq);
}

/* --- Event channels: Xen-consumed ports only --- */

int evtchn_alloc_xen(struct domain *d, unsigned int vcpu, domid_t remote,
		     evtchn_xen_fn fn, void *priv)
{
	struct tdom *t = T(d);
	unsigned int p;

	CHECK(fn != NULL);
	CHECK(vcpu < d->max_vcpus && d->vcpu[vcpu]);
	if (t->fail_ports)
		return -ENOSPC;
	for (p = 1; p < NPORTS && t->port_fn[p]; p++)
		;
	if (p == NPORTS)
		return -ENOSPC;
	t->port_fn[p] = fn;
	t->port_priv[p] = priv;
	t->port_vcpu[p] = vcpu;
	t->port_remote[p] = remote;
	t->notified[p] = 0;
	return p;
}

void evtchn_free_xen(struct domain *d, evtchn_port_t port)
{
	CHECK(port > 0 && port < NPORTS && T(d)->port_fn[port]);
	if (port < NPORTS)
		T(d)->port_fn[port] = NULL;
}

void evtchn_notify_xen(struct domain *d, evtchn_port_t port)
{
	if (port < NPORTS && T(d)->port_fn[port])
		T(d)->notified[port]++;
}

/* The device model's EVTCHNOP_send on its end of @port of @d. */
static inline void dm_send(struct domain *d, evtchn_port_t port)
{
	struct tdom *t = T(d);

	if (port < NPORTS && t->port_fn[port])
		t->port_fn[port](d, port, t->port_priv[port]);
}

static unsigned int ports_in_use(int i)
{
	unsigned int n = 0;

	for (unsigned int p = 0; p < NPORTS; p++)
		n += dom[i].port_fn[p] != NULL;
	return n;
}

/* --- Frames --- */

mfn_t frame_alloc(struct domain *owner, unsigned int flags,
		  unsigned int order)
{
	CHECK_EQ(order, 0);
	CHECK_EQ(flags, FRAME_SPECIAL);
	if (fail_frames_in >= 0 && fail_frames_in-- == 0)
		return INVALID_MFN;
	for (int i = 0; i < NFRAMES; i++)
		if (!frames[i].page) {
			frames[i].page = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
			memset(frames[i].page, 0, PAGE_SIZE);
			frames[i].owner = owner;
			frames[i].count = 1;
			return (uintptr_t)frames[i].page >> PAGE_SHIFT;
		}
	return INVALID_MFN;
}

static int frame_slot(mfn_t mfn)
{
	for (int i = 0; i < NFRAMES; i++)
		if (frames[i].page &&
		    (uintptr_t)frames[i].page >> PAGE_SHIFT == mfn)
			return i;
	return -1;
}

bool frame_get(mfn_t mfn)
{
	int i = frame_slot(mfn);

	CHECK(i >= 0);
	if (i < 0)
		return false;
	frames[i].count++;
	return true;
}

void frame_put(mfn_t mfn)
{
	int i = frame_slot(mfn);

	CHECK(i >= 0);
	if (i < 0)
		return;
	CHECK(frames[i].count > 0);
	if (--frames[i].count == 0) {
		free(frames[i].page);
		frames[i].page = NULL;
	}
}

static int frames_live(void)
{
	int n = 0;

	for (int i = 0; i < NFRAMES; i++)
		n += frames[i].page != NULL;
	return n;
}

static inline int frame_refs(mfn_t mfn)
{
	int i = frame_slot(mfn);

	return i < 0 ? 0 : frames[i].count;
}

/* --- Guest memory: host pointers --- */

int copy_from_guest(struct vcpu *v, void *dst, u64 gla, size_t len)
{
	if (gla < PAGE_SIZE)
		return -EFAULT;
	memcpy(dst, (void *)(uintptr_t)gla, len);
	return 0;
}

int copy_to_guest(struct vcpu *v, u64 gla, const void *src, size_t len)
{
	if (gla < PAGE_SIZE)
		return -EFAULT;
	memcpy((void *)(uintptr_t)gla, src, len);
	return 0;
}

/* --- Set-up and checks --- */

static struct domain *const d0 = &dom[0].d, *const d1 = &dom[1].d,
		     *const d2 = &dom[2].d;

static void env_setup(void)
{
	static char evtchn_table;	/* d->evtchn only needs to be set */

	memset(dom, 0, sizeof(dom));
	for (int i = 0; i < NDOMS; i++) {
		struct domain *d = &dom[i].d;

		d->domain_id = i;
		d->is_privileged = i == 0;
		d->max_vcpus = NV;
		d->evtchn = (struct evtchn_domain *)&evtchn_table;
		for (int j = 0; j < NV; j++) {
			dom[i].v[j].vcpu_id = j;
			dom[i].v[j].domain = d;
			dom[i].v[j].hvm = &dom[i].hv[j];
			d->vcpu[j] = &dom[i].v[j];
		}
	}
	live_allocs = 0;
	fail_alloc_in = -1;
	fail_frames_in = -1;
}

/* Everything back: servers, ports, frames, references, memory. */
static void env_teardown(void)
{
	for (int i = 0; i < NDOMS; i++)
		ioreq_domain_free(&dom[i].d);
	for (int i = 0; i < NDOMS; i++) {
		CHECK_EQ(ports_in_use(i), 0);
		CHECK_EQ(dom[i].refs, 0);
	}
	CHECK_EQ(frames_live(), 0);
	CHECK_EQ(live_allocs, 0);
}

/* The slot of @vcpu in server @s's synchronous page. */
static inline ioreq_t *slot_of(struct domain *d, ioservid_t sid, unsigned int vcpu)
{
	return &d->ioreq->server[sid]->ioreq_page->vcpu_ioreq[vcpu];
}

/* As a device model reads and writes the state nibble. */
static inline unsigned int slot_state(const ioreq_t *p)
{
	return ((const u8 *)p)[30] & 0xf;
}

static inline void slot_set_state(ioreq_t *p, unsigned int state)
{
	u8 *b = (u8 *)p + 30;

	*b = (*b & 0xf0) | state;
}

#endif
