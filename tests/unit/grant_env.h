/*
 * The fake hypervisor the grant-table host tests (test_grant_table.c,
 * test_grant_lifetime.c) run xen/common/grant_*.c in: fake domains with reference counts and a death
 * that follows domain.c's stages (release mappings, unlist, drop the
 * list's reference, tear down at the last put), RAM from the real page
 * allocator and frame layer (xen/common/frame.c) over a host arena (so an
 * "mfn" is a host pointer >> 12, as the identity map makes it in Amphi),
 * a small typed p2m per domain that holds frame references exactly as
 * hvm/arch.c does, copy_{from,to}_guest on host pointers (below 4 KiB
 * faults), an xmalloc that counts what is live, a preemption check the
 * test controls, and hypercalls issued through do_grant_table_op() as a
 * guest would, re-issued while they ask to continue.  The guest's view of
 * its grant table is the frame it mapped with gnttab_map_frame(), read
 * through its fake p2m.  At the end every page is back in the allocator:
 * no frame leaked, none freed twice.
 */
#ifndef UNIT_GRANT_ENV_H
#define UNIT_GRANT_ENV_H

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <xen/arch_vcpu.h>
#include <xen/errno.h>
#include <xen/frame.h>
#include <xen/grant_table.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/page_alloc.h>
#include <xen/refcount.h>
#include <xen/sched.h>
#include <xen/xmalloc.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include "unit.h"
#include "fake_xmalloc.h"

#define NDOMS 4
#define RAM_GFN 0x100		/* 16 pages of RAM from here */
#define RAM_PAGES 16
#define GT_GFN 0x1000		/* grant frame i mapped at GT_GFN + i */
#define HOLE_GFN 0x5000		/* unpopulated space for mappings */
#define P2M_SLOTS 1024
#define ARENA_SIZE (16UL << 20)
#define BIG_BATCH 20000		/* far beyond any old per-call limit */

struct p2e {
	u64 gfn;
	mfn_t mfn;
	enum p2m_type t;
};

static struct tdom {
	struct domain d;
	struct vcpu v;
	bool listed, alive;
	mfn_t ram[RAM_PAGES];
	pthread_mutex_t p2m_lock;
	struct p2e p2m[P2M_SLOTS];
	unsigned int p2m_sets, p2m_clears;
	long frames;		/* owned frames (acquired - released) */
	bool torn_down;
} dom[NDOMS];

/* --- What the hypervisor provides --- */

static void *arena;
static unsigned long free_at_start;
static pthread_mutex_t pa_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t list_mutex = PTHREAD_MUTEX_INITIALIZER;
static bool preempt_always;		/* every batch stops after each op */
static unsigned long continuations;	/* -ERESTART answers seen */

void page_alloc_lock(void)
{
	pthread_mutex_lock(&pa_mutex);
}

void page_alloc_unlock(void)
{
	pthread_mutex_unlock(&pa_mutex);
}

void domain_bad_request(struct domain *d, const char *fmt, ...)
{
	__atomic_fetch_add(&d->nr_bad_requests, 1, __ATOMIC_RELAXED);
}

bool hypercall_preempt_check(void)
{
	return preempt_always;
}

static struct tdom *T(struct domain *d)
{
	return container_of(d, struct tdom, d);
}

void domain_frame_acquired(struct domain *d, unsigned int flags,
			   unsigned long n)
{
	__atomic_add_fetch(&T(d)->frames, n, __ATOMIC_RELAXED);
}

void domain_frame_released(struct domain *d, unsigned int flags)
{
	__atomic_sub_fetch(&T(d)->frames, 1, __ATOMIC_RELAXED);
}

/* --- The fake p2m: typed entries that hold frame references --- */

static struct p2e *p2m_slot(struct tdom *t, u64 gfn, bool alloc)
{
	struct p2e *free_slot = NULL;

	for (int i = 0; i < P2M_SLOTS; i++) {
		if (t->p2m[i].t != p2m_invalid && t->p2m[i].gfn == gfn)
			return &t->p2m[i];
		if (t->p2m[i].t == p2m_invalid && !free_slot)
			free_slot = &t->p2m[i];
	}
	return alloc ? free_slot : NULL;
}

int arch_p2m_set_entry(struct domain *d, u64 gfn, mfn_t mfn, enum p2m_type t)
{
	struct tdom *td = T(d);
	struct p2e *e, old = { .t = p2m_invalid };

	if (gfn > ARCH_MAX_GFN || t == p2m_invalid)
		return -EINVAL;
	pthread_mutex_lock(&td->p2m_lock);
	e = p2m_slot(td, gfn, true);
	if (e) {
		old = *e;
		*e = (struct p2e){ gfn, mfn, t };
	}
	td->p2m_sets++;
	pthread_mutex_unlock(&td->p2m_lock);
	if (old.t != p2m_invalid && p2m_holds_frame(old.t))
		frame_put(old.mfn);
	return e ? 0 : -ENOMEM;
}

int arch_p2m_clear_entry(struct domain *d, u64 gfn, enum p2m_type *oldt)
{
	struct tdom *td = T(d);
	struct p2e *e, old = { .t = p2m_invalid };

	if (gfn > ARCH_MAX_GFN)
		return -EINVAL;
	pthread_mutex_lock(&td->p2m_lock);
	e = p2m_slot(td, gfn, false);
	if (e) {
		old = *e;
		e->t = p2m_invalid;
	}
	td->p2m_clears++;
	pthread_mutex_unlock(&td->p2m_lock);
	if (oldt)
		*oldt = old.t;
	if (p2m_holds_frame(old.t))
		frame_put(old.mfn);
	return 0;
}

int arch_p2m_clear_entry_if(struct domain *d, u64 gfn, mfn_t mfn,
			    enum p2m_type t)
{
	struct tdom *td = T(d);
	struct p2e *e;
	int rc = -ENOENT;

	pthread_mutex_lock(&td->p2m_lock);
	e = p2m_slot(td, gfn, false);
	if (e && e->mfn == mfn && e->t == t) {
		e->t = p2m_invalid;
		td->p2m_clears++;
		rc = 0;
	}
	pthread_mutex_unlock(&td->p2m_lock);
	if (!rc && p2m_holds_frame(t))
		frame_put(mfn);
	return rc;
}

enum p2m_type arch_p2m_get_entry(struct domain *d, u64 gfn, mfn_t *mfn)
{
	struct tdom *td = T(d);
	struct p2e *e;
	enum p2m_type t = p2m_invalid;

	*mfn = INVALID_MFN;
	pthread_mutex_lock(&td->p2m_lock);
	e = p2m_slot(td, gfn, false);
	if (e) {
		*mfn = e->mfn;
		t = e->t;
	}
	pthread_mutex_unlock(&td->p2m_lock);
	return t;
}

/* One lookup of (pause_d, pause_gfn) stops until pause_release is set. */
static struct domain *pause_d;
static u64 pause_gfn;
static int pause_entered, pause_release;

int arch_p2m_get_frame(struct domain *d, u64 gfn, mfn_t *mfn,
		       enum p2m_type *t)
{
	struct tdom *td = T(d);
	struct p2e *e;
	int rc = -ENOENT;

	if (d == __atomic_load_n(&pause_d, __ATOMIC_SEQ_CST) &&
	    gfn == pause_gfn) {
		__atomic_store_n(&pause_d, NULL, __ATOMIC_SEQ_CST);
		__atomic_store_n(&pause_entered, 1, __ATOMIC_SEQ_CST);
		while (!__atomic_load_n(&pause_release, __ATOMIC_SEQ_CST))
			usleep(100);
	}
	*mfn = INVALID_MFN;
	if (t)
		*t = p2m_invalid;
	pthread_mutex_lock(&td->p2m_lock);
	e = p2m_slot(td, gfn, false);
	if (e) {
		*mfn = e->mfn;
		if (t)
			*t = e->t;
		if (p2m_holds_frame(e->t))
			rc = frame_get(e->mfn) ? 0 : -ENOMEM;
	}
	pthread_mutex_unlock(&td->p2m_lock);
	return rc;
}

/* --- Domains: references and death, as domain.c --- */

struct domain *domain_by_id(u16 id)
{
	struct domain *d = NULL;

	if (id >= DOMID_FIRST_RESERVED)	/* as domain.c */
		return NULL;
	pthread_mutex_lock(&list_mutex);
	for (int i = 0; i < NDOMS && !d; i++)
		if (dom[i].listed && dom[i].d.domain_id == id &&
		    ref_get_live(&dom[i].d.refcnt))
			d = &dom[i].d;
	pthread_mutex_unlock(&list_mutex);
	return d;
}

void get_domain(struct domain *d)
{
	CHECK(ref_get(&d->refcnt));
}

/* Stage 3: the p2m's references go, then the table. */
void put_domain(struct domain *d)
{
	struct tdom *t = T(d);

	if (!ref_put(&d->refcnt))
		return;
	for (int i = 0; i < P2M_SLOTS; i++)
		if (p2m_holds_frame(t->p2m[i].t)) {
			t->p2m[i].t = p2m_invalid;
			frame_put(t->p2m[i].mfn);
		}
	gnttab_domain_free(d);
	__atomic_store_n(&t->torn_down, true, __ATOMIC_SEQ_CST);
}

/* Guest linear address = host pointer; the first page faults. */
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

/* --- Set-up --- */

static inline mfn_t mfn_of(const void *p)
{
	return (uintptr_t)p >> PAGE_SHIFT;
}

static inline void *ptr_of(mfn_t mfn)
{
	return (void *)(uintptr_t)(mfn << PAGE_SHIFT);
}

/* The p2m entry at @gfn of domain i: its mfn, or ~0 when absent. */
static inline mfn_t p2m_at(int i, u64 gfn, enum p2m_type *t)
{
	mfn_t mfn;
	enum p2m_type type = arch_p2m_get_entry(&dom[i].d, gfn, &mfn);

	if (t)
		*t = type;
	return type == p2m_invalid ? ~0ULL : mfn;
}

static inline u8 *ram_page(int i, unsigned int n)
{
	return ptr_of(dom[i].ram[n]);
}

static inline void arena_init(void)
{
	if (arena)
		return;
	if (posix_memalign(&arena, ARENA_SIZE, ARENA_SIZE))
		abort();
	page_alloc_add_region((uintptr_t)arena, (uintptr_t)arena + ARENA_SIZE);
	free_at_start = page_alloc_free_pages();
}

static inline void setup_dom(int i, domid_t id, bool priv, unsigned int max_frames)
{
	struct tdom *t = &dom[i];
	static u64 uid;

	arena_init();
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->p2m_lock, NULL);
	t->d.domain_id = id;
	t->d.uid = ++uid;
	t->d.refcnt = 1;
	t->d.is_privileged = priv;
	t->d.max_vcpus = 1;
	t->d.vcpu[0] = &t->v;
	t->v.domain = &t->d;
	for (unsigned int n = 0; n < RAM_PAGES; n++) {
		t->ram[n] = frame_alloc(&t->d, FRAME_RAM, 0);
		CHECK(t->ram[n] != INVALID_MFN);
		CHECK_EQ(arch_p2m_set_entry(&t->d, RAM_GFN + n, t->ram[n],
					    p2m_ram_rw), 0);
	}
	CHECK_EQ(gnttab_domain_init(&t->d, max_frames), 0);
	CHECK(t->d.grant_table != NULL);
	CHECK_EQ(gnttab_map_frame(&t->d, 0, GT_GFN), 0);
	pthread_mutex_lock(&list_mutex);
	t->listed = t->alive = true;
	pthread_mutex_unlock(&list_mutex);
}

/* Death, as domain.c: dying, mappings released, unlisted, the list's
 * reference dropped (the teardown runs at the last put). */
static inline void kill_dom(int i)
{
	struct tdom *t = &dom[i];

	t->d.is_dying = true;
	gnttab_release_mappings(&t->d);
	pthread_mutex_lock(&list_mutex);
	t->listed = false;
	pthread_mutex_unlock(&list_mutex);
	t->alive = false;
	put_domain(&t->d);
}

static inline void teardown(void)
{
	for (int i = 0; i < NDOMS; i++)
		if (dom[i].alive)
			kill_dom(i);
	for (int i = 0; i < NDOMS; i++)
		CHECK(dom[i].torn_down || !dom[i].d.uid);
	/* Every frame back, none twice (page_alloc BUGs on a double free). */
	CHECK_EQ(page_alloc_free_pages(), free_at_start);
	for (int i = 0; i < NDOMS; i++)
		CHECK_EQ(dom[i].frames, 0);
	CHECK_EQ(live_allocs, 0);
	fail_alloc_in = -1;
	preempt_always = false;
	memset(dom, 0, sizeof(dom));
}

/* A: id 1, unprivileged; B: id 2; P: id 0, privileged. */
enum { A, B, P };

static inline void setup3(void)
{
	setup_dom(A, 1, false, 0);
	setup_dom(B, 2, false, 0);
	setup_dom(P, 0, true, 4);
}

/* --- The guest side --- */

/* As the guest's hypercall instruction: re-issued with the arguments
 * the handler left while it asks to continue (xen/hypercall.h). */
static inline long hc_mode(int i, unsigned int cmd, void *arg, unsigned int count,
		    bool compat)
{
	struct hypercall_args args = { { cmd, (uintptr_t)arg, count }, compat };
	long rc;

	while ((rc = do_grant_table_op(&dom[i].v, &args)) == -ERESTART)
		continuations++;
	return rc;
}

static inline long hc(int i, unsigned int cmd, void *arg, unsigned int count)
{
	return hc_mode(i, cmd, arg, count, false);
}

static inline long hc32(int i, unsigned int cmd, void *arg, unsigned int count)
{
	return hc_mode(i, cmd, arg, count, true);
}

/* Domain i's entry @ref, through the frame it mapped at GT_GFN + n. */
static inline grant_entry_v1_t *gte(int i, u32 ref)
{
	mfn_t mfn = p2m_at(i, GT_GFN + ref / 512, NULL);

	CHECK(mfn != ~0ULL);
	return (grant_entry_v1_t *)ptr_of(mfn) + ref % 512;
}

static inline u16 gflags(int i, u32 ref)
{
	return __atomic_load_n(&gte(i, ref)->flags, __ATOMIC_SEQ_CST);
}

/* As Linux: frame and domid first, then flags. */
static inline void grant(int i, u32 ref, domid_t to, u64 gfn, u16 flags)
{
	grant_entry_v1_t *e = gte(i, ref);

	e->frame = gfn;
	e->domid = to;
	__atomic_store_n(&e->flags, flags, __ATOMIC_SEQ_CST);
}

static inline s16 map_raw(int i, domid_t dom_id, u32 ref, u64 gfn, u32 flags,
		   struct gnttab_map_grant_ref *op)
{
	*op = (struct gnttab_map_grant_ref){
		.host_addr = gfn << PAGE_SHIFT, .flags = flags, .ref = ref,
		.dom = dom_id, .status = 99, .handle = 0xdead,
	};
	CHECK_EQ(hc(i, GNTTABOP_map_grant_ref, op, 1), 0);
	return op->status;
}

static inline s16 map(int i, domid_t dom_id, u32 ref, u64 gfn, u32 flags, u32 *h)
{
	struct gnttab_map_grant_ref op;

	map_raw(i, dom_id, ref, gfn, flags, &op);
	if (h)
		*h = op.handle;
	if (op.status == GNTST_okay)
		CHECK_EQ(op.dev_bus_addr, p2m_at(i, gfn, NULL) << PAGE_SHIFT);
	else
		CHECK_EQ(op.handle, 0xdead);
	return op.status;
}

static inline s16 unmap(int i, u32 h, u64 gfn)
{
	struct gnttab_unmap_grant_ref op = {
		.host_addr = gfn << PAGE_SHIFT, .handle = h, .status = 99,
	};

	CHECK_EQ(hc(i, GNTTABOP_unmap_grant_ref, &op, 1), 0);
	return op.status;
}

static inline s16 query(int i, domid_t d, u32 *nr, u32 *max)
{
	struct gnttab_query_size q = { .dom = d, .status = 99 };

	CHECK_EQ(hc(i, GNTTABOP_query_size, &q, 1), 0);
	if (nr)
		*nr = q.nr_frames;
	if (max)
		*max = q.max_nr_frames;
	return q.status;
}

/* One copy op; gmfn ends are DOMID_SELF unless @sd/@dd say otherwise. */
static inline s16 copy1(int i, u16 flags, domid_t sd, u64 s, u16 soff, domid_t dd,
		 u64 d, u16 doff, u16 len)
{
	struct gnttab_copy op = {
		.source = { .domid = sd, .offset = soff },
		.dest = { .domid = dd, .offset = doff },
		.len = len, .flags = flags, .status = 99,
	};

	if (flags & GNTCOPY_source_gref)
		op.source.u.ref = s;
	else
		op.source.u.gmfn = s;
	if (flags & GNTCOPY_dest_gref)
		op.dest.u.ref = d;
	else
		op.dest.u.gmfn = d;
	CHECK_EQ(hc(i, GNTTABOP_copy, &op, 1), 0);
	return op.status;
}

#endif
