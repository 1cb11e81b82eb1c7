/*
 * Host tests of grant tables v1 (xen/common/grant_table.c).  The test
 * plays the hypervisor: fake domains with reference counts and a death
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

#define NDOMS 4
#define RAM_GFN 0x100		/* 16 pages of RAM from here */
#define RAM_PAGES 16
#define GT_GFN 0x1000		/* grant frame i mapped at GT_GFN + i */
#define HOLE_GFN 0x5000		/* unpopulated space for mappings */
#define P2M_SLOTS 1024
#define ARENA_SIZE (16UL << 20)

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
static long live_allocs;		/* atomically */
static long fail_alloc_in = -1;		/* fail the Nth xzalloc from now */
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

void *xzalloc_bytes(size_t size)
{
	if (fail_alloc_in >= 0 && fail_alloc_in-- == 0)
		return NULL;
	__atomic_fetch_add(&live_allocs, 1, __ATOMIC_RELAXED);
	return calloc(1, size);
}

void xfree(void *p)
{
	if (p)
		__atomic_fetch_sub(&live_allocs, 1, __ATOMIC_RELAXED);
	free(p);
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

static mfn_t mfn_of(const void *p)
{
	return (uintptr_t)p >> PAGE_SHIFT;
}

static void *ptr_of(mfn_t mfn)
{
	return (void *)(uintptr_t)(mfn << PAGE_SHIFT);
}

/* The p2m entry at @gfn of domain i: its mfn, or ~0 when absent. */
static mfn_t p2m_at(int i, u64 gfn, enum p2m_type *t)
{
	mfn_t mfn;
	enum p2m_type type = arch_p2m_get_entry(&dom[i].d, gfn, &mfn);

	if (t)
		*t = type;
	return type == p2m_invalid ? ~0ULL : mfn;
}

static u8 *ram_page(int i, unsigned int n)
{
	return ptr_of(dom[i].ram[n]);
}

static void arena_init(void)
{
	if (arena)
		return;
	if (posix_memalign(&arena, ARENA_SIZE, ARENA_SIZE))
		abort();
	page_alloc_add_region((uintptr_t)arena, (uintptr_t)arena + ARENA_SIZE);
	free_at_start = page_alloc_free_pages();
}

static void setup_dom(int i, domid_t id, bool priv, unsigned int max_frames)
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
static void kill_dom(int i)
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

static void teardown(void)
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

static void setup3(void)
{
	setup_dom(A, 1, false, 0);
	setup_dom(B, 2, false, 0);
	setup_dom(P, 0, true, 4);
}

/* --- The guest side --- */

/* As the guest's hypercall instruction: re-issued with the arguments
 * the handler left while it asks to continue (xen/hypercall.h). */
static long hc_mode(int i, unsigned int cmd, void *arg, unsigned int count,
		    bool compat)
{
	struct hypercall_args args = { { cmd, (uintptr_t)arg, count }, compat };
	long rc;

	while ((rc = do_grant_table_op(&dom[i].v, &args)) == -ERESTART)
		continuations++;
	return rc;
}

static long hc(int i, unsigned int cmd, void *arg, unsigned int count)
{
	return hc_mode(i, cmd, arg, count, false);
}

static long hc32(int i, unsigned int cmd, void *arg, unsigned int count)
{
	return hc_mode(i, cmd, arg, count, true);
}

/* Domain i's entry @ref, through the frame it mapped at GT_GFN + n. */
static grant_entry_v1_t *gte(int i, u32 ref)
{
	mfn_t mfn = p2m_at(i, GT_GFN + ref / 512, NULL);

	CHECK(mfn != ~0ULL);
	return (grant_entry_v1_t *)ptr_of(mfn) + ref % 512;
}

static u16 gflags(int i, u32 ref)
{
	return __atomic_load_n(&gte(i, ref)->flags, __ATOMIC_SEQ_CST);
}

/* As Linux: frame and domid first, then flags. */
static void grant(int i, u32 ref, domid_t to, u64 gfn, u16 flags)
{
	grant_entry_v1_t *e = gte(i, ref);

	e->frame = gfn;
	e->domid = to;
	__atomic_store_n(&e->flags, flags, __ATOMIC_SEQ_CST);
}

static s16 map_raw(int i, domid_t dom_id, u32 ref, u64 gfn, u32 flags,
		   struct gnttab_map_grant_ref *op)
{
	*op = (struct gnttab_map_grant_ref){
		.host_addr = gfn << PAGE_SHIFT, .flags = flags, .ref = ref,
		.dom = dom_id, .status = 99, .handle = 0xdead,
	};
	CHECK_EQ(hc(i, GNTTABOP_map_grant_ref, op, 1), 0);
	return op->status;
}

static s16 map(int i, domid_t dom_id, u32 ref, u64 gfn, u32 flags, u32 *h)
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

static s16 unmap(int i, u32 h, u64 gfn)
{
	struct gnttab_unmap_grant_ref op = {
		.host_addr = gfn << PAGE_SHIFT, .handle = h, .status = 99,
	};

	CHECK_EQ(hc(i, GNTTABOP_unmap_grant_ref, &op, 1), 0);
	return op.status;
}

static s16 query(int i, domid_t d, u32 *nr, u32 *max)
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
static s16 copy1(int i, u16 flags, domid_t sd, u64 s, u16 soff, domid_t dd,
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

/* --- Tests --- */

TEST(test_query_and_versions)
{
	struct gnttab_set_version sv;
	struct gnttab_get_version gv;
	struct gnttab_query_size q[2];
	u32 nr = 0, max = 0;

	setup3();
	CHECK_EQ(query(A, DOMID_SELF, &nr, &max), GNTST_okay);
	CHECK_EQ(nr, 1);
	CHECK_EQ(max, 64);
	CHECK_EQ(query(A, 1, &nr, &max), GNTST_okay);
	CHECK_EQ(query(P, DOMID_SELF, &nr, &max), GNTST_okay);
	CHECK_EQ(max, 4);
	/* Other domains: only with privilege; unknown ones don't exist. */
	CHECK_EQ(query(A, 0, NULL, NULL), GNTST_permission_denied);
	CHECK_EQ(query(P, 1, &nr, &max), GNTST_okay);
	CHECK_EQ(max, 64);
	CHECK_EQ(query(A, 77, NULL, NULL), GNTST_bad_domain);
	CHECK_EQ(hc(A, GNTTABOP_query_size, q, 2), -EINVAL);
	CHECK_EQ(hc(A, GNTTABOP_query_size, (void *)16, 1), -EFAULT);

	sv.version = 1;
	CHECK_EQ(hc(A, GNTTABOP_set_version, &sv, 1), 0);
	CHECK_EQ(sv.version, 1);
	/* v2 is refused the way Linux falls back from. */
	sv.version = 2;
	CHECK_EQ(hc(A, GNTTABOP_set_version, &sv, 1), -ENOSYS);
	CHECK_EQ(sv.version, 1);
	sv.version = 3;
	CHECK_EQ(hc(A, GNTTABOP_set_version, &sv, 1), -EINVAL);
	CHECK_EQ(sv.version, 1);

	gv = (struct gnttab_get_version){ .dom = DOMID_SELF };
	CHECK_EQ(hc(A, GNTTABOP_get_version, &gv, 1), 0);
	CHECK_EQ(gv.version, 1);
	gv = (struct gnttab_get_version){ .dom = 0 };
	CHECK_EQ(hc(A, GNTTABOP_get_version, &gv, 1), -EPERM);
	gv = (struct gnttab_get_version){ .dom = 1 };
	CHECK_EQ(hc(P, GNTTABOP_get_version, &gv, 1), 0);
	CHECK_EQ(gv.version, 1);
	gv.dom = 77;
	CHECK_EQ(hc(P, GNTTABOP_get_version, &gv, 1), -ESRCH);

	/* Not for HVM (dump_table, transfer, unmap_and_replace,
	 * get_status_frames, cache_flush), unknown, or with the
	 * continuation bits Xen reserves. */
	for (unsigned int cmd = 3; cmd <= 13; cmd++)
		if (cmd != 5 && cmd != 6 && cmd != 8 && cmd != 10 && cmd != 11)
			CHECK_EQ(hc(A, cmd, &sv, 1), -ENOSYS);
	CHECK_EQ(hc(A, GNTTABOP_query_size | (1 << 12), q, 1), -ENOSYS);
	CHECK(dom[A].d.nr_bad_requests > 0);
	teardown();
}

TEST(test_frames)
{
	struct gnttab_setup_table st;
	struct {
		u16 dom;
		u32 nr_frames;
		s16 status;
		u32 frame_list;
	} st32;
	u64 list[8];
	u32 *list32;
	mfn_t f0, f3;
	u32 nr;
	enum p2m_type t;

	setup3();
	f0 = p2m_at(A, GT_GFN, &t);
	CHECK(f0 != ~0ULL);
	CHECK_EQ(t, p2m_ram_rw);
	/* Growing by mapping a higher frame (Linux maps from the top). */
	CHECK_EQ(gnttab_map_frame(&dom[A].d, 3, GT_GFN + 3), 0);
	CHECK_EQ(query(A, DOMID_SELF, &nr, NULL), GNTST_okay);
	CHECK_EQ(nr, 4);
	f3 = p2m_at(A, GT_GFN + 3, NULL);
	CHECK(f3 != ~0ULL && f3 != f0);
	CHECK_EQ(gnttab_map_frame(&dom[A].d, 64, 0x3000), -EINVAL);
	CHECK_EQ(gnttab_map_frame(&dom[A].d, XENMAPIDX_grant_table_status,
				  0x3000), -EINVAL);
	CHECK_EQ(gnttab_map_frame(&dom[A].d, 1, ARCH_MAX_GFN + 1), -EINVAL);
	CHECK_EQ(gnttab_map_frame(&dom[P].d, 4, 0x3000), -EINVAL);
	CHECK_EQ(p2m_at(A, 0x3000, NULL), ~0ULL);

	/* Moving frame 0 removes it from its old place. */
	CHECK_EQ(gnttab_map_frame(&dom[A].d, 0, 0x2000), 0);
	CHECK_EQ(p2m_at(A, GT_GFN, NULL), ~0ULL);
	CHECK_EQ(p2m_at(A, 0x2000, NULL), f0);
	/* Frame 3 onto frame 0's place: frame 0 is no longer mapped. */
	CHECK_EQ(gnttab_map_frame(&dom[A].d, 3, 0x2000), 0);
	CHECK_EQ(p2m_at(A, 0x2000, NULL), f3);
	CHECK_EQ(p2m_at(A, GT_GFN + 3, NULL), ~0ULL);
	CHECK_EQ(gnttab_map_frame(&dom[A].d, 0, GT_GFN), 0);

	/* setup_table grows and reports the gfns, ~0 where unmapped. */
	memset(list, 0x55, sizeof(list));
	st = (struct gnttab_setup_table){ .dom = DOMID_SELF, .nr_frames = 5 };
	set_xen_guest_handle(st.frame_list, list);
	CHECK_EQ(hc(A, GNTTABOP_setup_table, &st, 1), 0);
	CHECK_EQ(st.status, GNTST_okay);
	CHECK_EQ(list[0], GT_GFN);
	CHECK_EQ(list[1], ~0ULL);
	CHECK_EQ(list[3], 0x2000);
	CHECK_EQ(list[4], ~0ULL);
	CHECK_EQ(list[5], 0x5555555555555555ULL);
	CHECK_EQ(query(A, DOMID_SELF, &nr, NULL), GNTST_okay);
	CHECK_EQ(nr, 5);
	st.nr_frames = 65;
	CHECK_EQ(hc(A, GNTTABOP_setup_table, &st, 1), 0);
	CHECK_EQ(st.status, GNTST_general_error);
	st.nr_frames = 1;
	st.dom = 0;
	CHECK_EQ(hc(A, GNTTABOP_setup_table, &st, 1), 0);
	CHECK_EQ(st.status, GNTST_permission_denied);
	CHECK_EQ(hc(A, GNTTABOP_setup_table, &st, 2), -EINVAL);
	/* A bad frame list is a status, not a fault. */
	st = (struct gnttab_setup_table){ .dom = DOMID_SELF, .nr_frames = 1 };
	set_xen_guest_handle(st.frame_list, (xen_pfn_t *)8);
	CHECK_EQ(hc(A, GNTTABOP_setup_table, &st, 1), 0);
	CHECK_EQ(st.status, GNTST_bad_virt_addr);

	/* The 32-bit layout: 4-byte handle and frames (a list below 4 GiB). */
	list32 = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	CHECK(list32 != MAP_FAILED);
	memset(list32, 0x55, 32);
	st32 = (typeof(st32)){ .dom = DOMID_SELF, .nr_frames = 2,
			       .status = 99 };
	CHECK_EQ(sizeof(st32), 16);
	st32.frame_list = (uintptr_t)list32;
	CHECK_EQ((uintptr_t)list32, st32.frame_list);
	CHECK_EQ(hc32(A, GNTTABOP_setup_table, &st32, 1), 0);
	CHECK_EQ(st32.status, GNTST_okay);
	CHECK_EQ(list32[0], GT_GFN);
	CHECK_EQ(list32[1], 0xffffffffU);
	CHECK_EQ(list32[2], 0x55555555U);
	CHECK_EQ(hc32(A, GNTTABOP_setup_table, &st32, 0), 0);
	CHECK_EQ(hc32(A, GNTTABOP_setup_table, &st32, 2), -EINVAL);
	munmap(list32, PAGE_SIZE);
	teardown();
}

TEST(test_self_map)
{
	u32 h1 = 0, h2 = 0;
	u8 *page;
	enum p2m_type t;

	setup3();
	page = ram_page(A, 2);
	grant(A, 10, 1, RAM_GFN + 2, GTF_permit_access);
	CHECK_EQ(map(A, 1, 10, HOLE_GFN, GNTMAP_host_map, &h1), GNTST_okay);
	CHECK_EQ(p2m_at(A, HOLE_GFN, &t), mfn_of(page));
	CHECK_EQ(t, p2m_grant_map_rw);
	/* The pin and the mapping each hold a reference on the frame. */
	CHECK_EQ(frame_info_of(mfn_of(page))->count, 3);
	CHECK_EQ(gflags(A, 10), GTF_permit_access | GTF_reading | GTF_writing);
	/* A second, read-only mapping of the same grant. */
	CHECK_EQ(map(A, 1, 10, HOLE_GFN + 1, GNTMAP_host_map | GNTMAP_readonly,
		     &h2), GNTST_okay);
	CHECK(h2 != h1);
	CHECK_EQ(p2m_at(A, HOLE_GFN + 1, &t), mfn_of(page));
	CHECK_EQ(t, p2m_grant_map_ro);

	/* The last writer goes: GTF_writing with it. */
	CHECK_EQ(unmap(A, h1, HOLE_GFN), GNTST_okay);
	CHECK_EQ(p2m_at(A, HOLE_GFN, NULL), ~0ULL);
	CHECK_EQ(gflags(A, 10), GTF_permit_access | GTF_reading);
	CHECK_EQ(unmap(A, h1, HOLE_GFN), GNTST_bad_handle);
	/* host_addr 0: nothing happens, the handle stays (Xen). */
	CHECK_EQ(unmap(A, h2, 0), GNTST_okay);
	CHECK_EQ(p2m_at(A, HOLE_GFN + 1, NULL), mfn_of(page));
	/* Another gfn than the handle's: refused, handle stays. */
	CHECK_EQ(unmap(A, h2, HOLE_GFN + 7), GNTST_general_error);
	CHECK_EQ(gflags(A, 10), GTF_permit_access | GTF_reading);
	CHECK_EQ(unmap(A, h2, HOLE_GFN + 1), GNTST_okay);
	CHECK_EQ(gflags(A, 10), GTF_permit_access);
	CHECK_EQ(p2m_at(A, HOLE_GFN + 1, NULL), ~0ULL);
	CHECK_EQ(unmap(A, 12345678, HOLE_GFN), GNTST_bad_handle);

	/* A guest that replaced the mapping: Xen's "old mapping invalid",
	 * the grant stays pinned until a proper unmap. */
	CHECK_EQ(map(A, 1, 10, HOLE_GFN, GNTMAP_host_map, &h1), GNTST_okay);
	CHECK(frame_get(dom[A].ram[5]));
	CHECK_EQ(arch_p2m_set_entry(&dom[A].d, HOLE_GFN, dom[A].ram[5],
				    p2m_ram_rw), 0);
	CHECK_EQ(unmap(A, h1, HOLE_GFN), GNTST_general_error);
	CHECK_EQ(gflags(A, 10), GTF_permit_access | GTF_reading | GTF_writing);
	CHECK_EQ(p2m_at(A, HOLE_GFN, NULL), mfn_of(ram_page(A, 5)));
	CHECK(frame_get(mfn_of(page)));
	CHECK_EQ(arch_p2m_set_entry(&dom[A].d, HOLE_GFN, mfn_of(page),
				    p2m_grant_map_rw), 0);
	CHECK_EQ(unmap(A, h1, HOLE_GFN), GNTST_okay);
	CHECK_EQ(gflags(A, 10), GTF_permit_access);
	CHECK_EQ(frame_info_of(mfn_of(page))->count, 1);	/* A's p2m's */
	teardown();
}

TEST(test_readonly_grant)
{
	unsigned long bad;
	enum p2m_type t;
	u32 h;

	setup3();
	grant(A, 11, 2, RAM_GFN + 3, GTF_permit_access | GTF_readonly);
	bad = dom[B].d.nr_bad_requests;
	CHECK_EQ(map(B, 1, 11, HOLE_GFN, GNTMAP_host_map, NULL),
		 GNTST_general_error);
	CHECK(dom[B].d.nr_bad_requests > bad);
	CHECK_EQ(gflags(A, 11), GTF_permit_access | GTF_readonly);
	CHECK_EQ(p2m_at(B, HOLE_GFN, NULL), ~0ULL);
	CHECK_EQ(map(B, 1, 11, HOLE_GFN, GNTMAP_host_map | GNTMAP_readonly, &h),
		 GNTST_okay);
	CHECK_EQ(p2m_at(B, HOLE_GFN, &t), mfn_of(ram_page(A, 3)));
	CHECK_EQ(t, p2m_grant_map_ro);
	CHECK_EQ(gflags(A, 11), GTF_permit_access | GTF_readonly | GTF_reading);
	/* Pinned read-only: a writable map is still refused. */
	CHECK_EQ(map(B, 1, 11, HOLE_GFN + 1, GNTMAP_host_map, NULL),
		 GNTST_general_error);
	CHECK_EQ(gflags(A, 11), GTF_permit_access | GTF_readonly | GTF_reading);
	CHECK_EQ(unmap(B, h, HOLE_GFN), GNTST_okay);
	CHECK_EQ(gflags(A, 11), GTF_permit_access | GTF_readonly);
	teardown();
}

TEST(test_bad_maps)
{
	unsigned long bad;
	u32 h;

	setup3();
	grant(A, 12, 2, RAM_GFN + 4, GTF_permit_access);
	bad = dom[B].d.nr_bad_requests;
	CHECK_EQ(map(B, 1, 512, HOLE_GFN, GNTMAP_host_map, NULL),
		 GNTST_bad_gntref);
	CHECK_EQ(map(B, 1, ~0U, HOLE_GFN, GNTMAP_host_map, NULL),
		 GNTST_bad_gntref);
	CHECK_EQ(map(B, 77, 12, HOLE_GFN, GNTMAP_host_map, NULL),
		 GNTST_bad_domain);
	/* Map takes no DOMID_SELF (Xen's rcu_lock_domain_by_id()). */
	CHECK_EQ(map(A, DOMID_SELF, 12, HOLE_GFN, GNTMAP_host_map, NULL),
		 GNTST_bad_domain);
	CHECK_EQ(map(B, 1, 12, HOLE_GFN, 0, NULL), GNTST_bad_gntref);
	CHECK_EQ(map(B, 1, 12, HOLE_GFN, GNTMAP_readonly, NULL),
		 GNTST_bad_gntref);
	CHECK_EQ(map(B, 1, 12, HOLE_GFN, GNTMAP_device_map, NULL),
		 GNTST_general_error);
	CHECK_EQ(map(B, 1, 12, HOLE_GFN, GNTMAP_host_map | GNTMAP_contains_pte,
		     NULL), GNTST_general_error);
	CHECK_EQ(map(B, 1, 12, HOLE_GFN,
		     GNTMAP_host_map | GNTMAP_application_map, NULL),
		 GNTST_general_error);
	/* Bits Xen's p2m mapping refuses, after pinning: undone. */
	CHECK_EQ(map(B, 1, 12, HOLE_GFN, GNTMAP_host_map | (1 << 16), NULL),
		 GNTST_general_error);
	CHECK_EQ(gflags(A, 12), GTF_permit_access);
	/* A gfn the p2m cannot take. */
	CHECK_EQ(map(B, 1, 12, ARCH_MAX_GFN + 1, GNTMAP_host_map, NULL),
		 GNTST_general_error);
	CHECK_EQ(gflags(A, 12), GTF_permit_access);
	/* The entry must name the mapper and permit access, whole page. */
	CHECK_EQ(map(A, 1, 12, HOLE_GFN, GNTMAP_host_map, NULL),
		 GNTST_general_error);
	CHECK_EQ(map(B, 1, 13, HOLE_GFN, GNTMAP_host_map, NULL),
		 GNTST_general_error);
	grant(A, 13, 2, RAM_GFN, GTF_permit_access | GTF_sub_page);
	CHECK_EQ(map(B, 1, 13, HOLE_GFN, GNTMAP_host_map, NULL),
		 GNTST_general_error);
	grant(A, 13, 2, RAM_GFN, GTF_accept_transfer);
	CHECK_EQ(map(B, 1, 13, HOLE_GFN, GNTMAP_host_map, NULL),
		 GNTST_general_error);
	CHECK_EQ(gflags(A, 13), GTF_accept_transfer);
	/* Frames the granter does not own: nothing there, or a page it
	 * mapped from someone else. */
	grant(A, 14, 2, 0x9999, GTF_permit_access);
	CHECK_EQ(map(B, 1, 14, HOLE_GFN, GNTMAP_host_map, NULL), GNTST_bad_page);
	CHECK_EQ(gflags(A, 14), GTF_permit_access);
	grant(B, 20, 1, RAM_GFN, GTF_permit_access);
	CHECK_EQ(map(A, 2, 20, HOLE_GFN, GNTMAP_host_map, &h), GNTST_okay);
	grant(A, 15, 2, HOLE_GFN, GTF_permit_access);
	CHECK_EQ(map(B, 1, 15, HOLE_GFN + 1, GNTMAP_host_map, NULL),
		 GNTST_bad_page);
	CHECK_EQ(unmap(A, h, HOLE_GFN), GNTST_okay);
	/* Its own grant frame and shared RAM are fine. */
	grant(A, 15, 2, GT_GFN, GTF_permit_access | GTF_readonly);
	CHECK_EQ(map(B, 1, 15, HOLE_GFN + 1, GNTMAP_host_map | GNTMAP_readonly,
		     &h), GNTST_okay);
	CHECK_EQ(p2m_at(B, HOLE_GFN + 1, NULL), p2m_at(A, GT_GFN, NULL));
	CHECK_EQ(unmap(B, h, HOLE_GFN + 1), GNTST_okay);
	CHECK(dom[B].d.nr_bad_requests > bad + 10);
	CHECK_EQ(p2m_at(B, HOLE_GFN, NULL), ~0ULL);
	teardown();
}

TEST(test_cross_domain)
{
	u32 h1, h2;

	setup3();
	grant(A, 100, 2, RAM_GFN + 1, GTF_permit_access);
	CHECK_EQ(map(B, 1, 100, HOLE_GFN, GNTMAP_host_map, &h1), GNTST_okay);
	CHECK_EQ(p2m_at(B, HOLE_GFN, NULL), mfn_of(ram_page(A, 1)));
	/* B writes through the mapping, A sees it. */
	((u8 *)ptr_of(p2m_at(B, HOLE_GFN, NULL)))[7] = 0x77;
	CHECK_EQ(ram_page(A, 1)[7], 0x77);
	/* While B holds it, nobody else may pin it even if A re-grants. */
	grant(A, 100, 0, RAM_GFN + 1, GTF_permit_access);
	CHECK_EQ(map(P, 1, 100, HOLE_GFN, GNTMAP_host_map, NULL),
		 GNTST_general_error);
	/* B itself may add mappings: the pin, not the entry, decides. */
	CHECK_EQ(map(B, 1, 100, HOLE_GFN + 1, GNTMAP_host_map, &h2), GNTST_okay);
	CHECK_EQ(unmap(B, h1, HOLE_GFN), GNTST_okay);
	CHECK_EQ(unmap(B, h2, HOLE_GFN + 1), GNTST_okay);
	CHECK_EQ(gflags(A, 100), GTF_permit_access);
	/* Now the entry names P. */
	CHECK_EQ(map(P, 1, 100, HOLE_GFN, GNTMAP_host_map, &h1), GNTST_okay);
	CHECK_EQ(unmap(P, h1, HOLE_GFN), GNTST_okay);
	teardown();
}

TEST(test_copy)
{
	struct compat_copy {
		u32 su;
		u16 sdom, soff;
		u32 du;
		u16 ddom, doff;
		u16 len, flags;
		s16 status;
		u16 pad;
	} c32;
	u8 *a3, *b1;

	setup3();
	a3 = ram_page(A, 3);
	b1 = ram_page(B, 1);
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		b1[i] = i * 7;
	grant(A, 20, 2, RAM_GFN + 3, GTF_permit_access);

	/* B's own frame into A's grant, at offsets. */
	CHECK_EQ(copy1(B, GNTCOPY_dest_gref, DOMID_SELF, RAM_GFN + 1, 10,
		       1, 20, 100, 50), GNTST_okay);
	CHECK(!memcmp(a3 + 100, b1 + 10, 50));
	CHECK_EQ(a3[99], 0);
	CHECK_EQ(a3[150], 0);
	CHECK_EQ(gflags(A, 20), GTF_permit_access);
	/* And back, out of the grant into another of B's pages. */
	CHECK_EQ(copy1(B, GNTCOPY_source_gref, 1, 20, 100, DOMID_SELF,
		       RAM_GFN + 2, 4000, 50), GNTST_okay);
	CHECK(!memcmp(ram_page(B, 2) + 4000, b1 + 10, 50));
	/* Past the page: refused after the grant was claimed, flags back. */
	CHECK_EQ(copy1(B, GNTCOPY_dest_gref, DOMID_SELF, RAM_GFN + 1, 0,
		       1, 20, 4000, 97), GNTST_bad_copy_arg);
	CHECK_EQ(copy1(B, GNTCOPY_source_gref, 1, 20, 4095, DOMID_SELF,
		       RAM_GFN + 2, 0, 2), GNTST_bad_copy_arg);
	CHECK_EQ(gflags(A, 20), GTF_permit_access);
	CHECK_EQ(a3[4000], 0);
	CHECK_EQ(copy1(B, GNTCOPY_dest_gref, DOMID_SELF, RAM_GFN + 1, 0,
		       1, 20, 0, PAGE_SIZE), GNTST_okay);
	CHECK(!memcmp(a3, b1, PAGE_SIZE));
	CHECK_EQ(copy1(B, GNTCOPY_dest_gref, DOMID_SELF, RAM_GFN + 1, 0,
		       1, 20, 0, 0), GNTST_okay);

	/* Frames only as DOMID_SELF, not by the caller's own id. */
	CHECK_EQ(copy1(B, GNTCOPY_dest_gref, 2, RAM_GFN + 1, 0, 1, 20, 0, 8),
		 GNTST_permission_denied);
	CHECK_EQ(copy1(B, 0, DOMID_SELF, RAM_GFN, 0, 1, RAM_GFN, 0, 8),
		 GNTST_permission_denied);
	CHECK_EQ(copy1(B, GNTCOPY_dest_gref, DOMID_SELF, RAM_GFN, 0, 77, 20,
		       0, 8), GNTST_bad_domain);
	CHECK_EQ(copy1(B, GNTCOPY_dest_gref, DOMID_SELF, RAM_GFN, 0, 1, 9999,
		       0, 8), GNTST_bad_gntref);
	CHECK_EQ(copy1(B, GNTCOPY_dest_gref, DOMID_SELF, 0x9999, 0, 1, 20,
		       0, 8), GNTST_bad_page);
	CHECK_EQ(gflags(A, 20), GTF_permit_access);
	/* A read-only grant can be read, not written. */
	grant(A, 21, 2, RAM_GFN + 4, GTF_permit_access | GTF_readonly);
	CHECK_EQ(copy1(B, GNTCOPY_dest_gref, DOMID_SELF, RAM_GFN, 0, 1, 21,
		       0, 8), GNTST_general_error);
	CHECK_EQ(copy1(B, GNTCOPY_source_gref, 1, 21, 0, DOMID_SELF, RAM_GFN,
		       0, 8), GNTST_okay);
	CHECK_EQ(gflags(A, 21), GTF_permit_access | GTF_readonly);
	/* A grant for someone else. */
	CHECK_EQ(copy1(P, GNTCOPY_source_gref, 1, 20, 0, DOMID_SELF, RAM_GFN,
		       0, 8), GNTST_general_error);
	/* Gref to gref, both of A, overlapping in one page. */
	grant(A, 22, 2, RAM_GFN + 3, GTF_permit_access);
	memcpy(b1, a3, PAGE_SIZE);
	CHECK_EQ(copy1(B, GNTCOPY_source_gref | GNTCOPY_dest_gref, 1, 20, 0,
		       1, 22, 1, 100), GNTST_okay);
	CHECK(!memcmp(a3 + 1, b1, 100));
	CHECK_EQ(gflags(A, 22), GTF_permit_access);

	/* The 32-bit layout (24 bytes, status at 20). */
	c32 = (struct compat_copy){
		.su = RAM_GFN + 1, .sdom = DOMID_SELF, .soff = 0,
		.du = 20, .ddom = 1, .doff = 8, .len = 16,
		.flags = GNTCOPY_dest_gref, .status = 99,
	};
	memset(b1, 0xab, 16);
	CHECK_EQ(sizeof(c32), 24);
	CHECK_EQ(hc32(B, GNTTABOP_copy, &c32, 1), 0);
	CHECK_EQ(c32.status, GNTST_okay);
	CHECK_EQ(a3[8], 0xab);
	CHECK_EQ(a3[23], 0xab);
	c32.len = 4096;
	CHECK_EQ(hc32(B, GNTTABOP_copy, &c32, 1), 0);
	CHECK_EQ(c32.status, GNTST_bad_copy_arg);
	teardown();
}

TEST(test_swap)
{
	struct gnttab_swap_grant_ref s[2] = {
		{ .ref_a = 30, .ref_b = 31, .status = 99 },
		{ .ref_a = 30, .ref_b = 600, .status = 99 },
	};
	u32 h;

	setup3();
	grant(A, 30, 2, RAM_GFN + 1, GTF_permit_access);
	grant(A, 31, 0, RAM_GFN + 2, GTF_permit_access | GTF_readonly);
	CHECK_EQ(hc(A, GNTTABOP_swap_grant_ref, s, 2), 0);
	CHECK_EQ(s[0].status, GNTST_okay);
	CHECK_EQ(s[1].status, GNTST_bad_gntref);
	CHECK_EQ(gte(A, 30)->domid, 0);
	CHECK_EQ(gte(A, 31)->domid, 2);
	CHECK_EQ(gte(A, 31)->frame, RAM_GFN + 1);
	CHECK_EQ(map(B, 1, 31, HOLE_GFN, GNTMAP_host_map, &h), GNTST_okay);
	s[0].status = 99;
	CHECK_EQ(hc(A, GNTTABOP_swap_grant_ref, s, 1), 0);
	CHECK_EQ(s[0].status, GNTST_eagain);
	CHECK_EQ(unmap(B, h, HOLE_GFN), GNTST_okay);
	teardown();
}

/* The granter dies while B maps its grants: B's mappings keep A's frames
 * alive (and usable) until B unmaps them, then the frames go back to the
 * allocator; B's later unmaps succeed; a new domain with the same id is
 * not confused with the dead one. */
TEST(test_granter_dies)
{
	u32 h1, h2, h3;
	mfn_t m, a5, a6;
	enum p2m_type t;

	setup3();
	a5 = dom[A].ram[5];
	a6 = dom[A].ram[6];
	grant(A, 40, 2, RAM_GFN + 5, GTF_permit_access);
	grant(A, 41, 2, RAM_GFN + 6, GTF_permit_access | GTF_readonly);
	CHECK_EQ(map(B, 1, 40, HOLE_GFN, GNTMAP_host_map, &h1), GNTST_okay);
	CHECK_EQ(map(B, 1, 41, HOLE_GFN + 1, GNTMAP_host_map | GNTMAP_readonly,
		     &h2), GNTST_okay);
	/* One B remapped over itself: left alone. */
	CHECK_EQ(map(B, 1, 40, HOLE_GFN + 2, GNTMAP_host_map, &h3), GNTST_okay);
	CHECK(frame_get(dom[B].ram[0]));
	CHECK_EQ(arch_p2m_set_entry(&dom[B].d, HOLE_GFN + 2, dom[B].ram[0],
				    p2m_ram_rw), 0);

	kill_dom(A);
	CHECK(dom[A].torn_down);
	/* A's own frames went, but the two B maps survive with B's
	 * references (the pins' went with A's table). */
	CHECK_EQ(dom[A].frames, 2);
	m = p2m_at(B, HOLE_GFN, &t);
	CHECK_EQ(m, a5);
	CHECK_EQ(t, p2m_grant_map_rw);
	CHECK_EQ(frame_info_of(a5)->count, 1);
	((u8 *)ptr_of(m))[123] = 1;		/* still B's to use */
	CHECK_EQ(p2m_at(B, HOLE_GFN + 1, &t), a6);
	CHECK_EQ(t, p2m_grant_map_ro);
	CHECK_EQ(p2m_at(B, HOLE_GFN + 2, NULL), dom[B].ram[0]);
	CHECK_EQ(map(B, 1, 40, HOLE_GFN + 3, GNTMAP_host_map, NULL),
		 GNTST_bad_domain);

	/* A new domain 1 (slot 3) grants ref 40 to B: B's old handles are
	 * not its. */
	setup_dom(3, 1, false, 0);
	grant(3, 40, 2, RAM_GFN + 5, GTF_permit_access);
	CHECK_EQ(map(B, 1, 40, HOLE_GFN + 4, GNTMAP_host_map, NULL), GNTST_okay);
	CHECK_EQ(unmap(B, h1, HOLE_GFN), GNTST_okay);
	CHECK_EQ(p2m_at(B, HOLE_GFN, NULL), ~0ULL);
	CHECK_EQ(frame_info_of(a5)->count, 0);	/* back in the allocator */
	CHECK_EQ(unmap(B, h2, HOLE_GFN + 1), GNTST_okay);
	CHECK_EQ(dom[A].frames, 0);		/* the dead A's last frame */
	/* The remapped one: not a grant mapping any more, handle stays. */
	CHECK_EQ(unmap(B, h3, HOLE_GFN + 2), GNTST_general_error);
	CHECK_EQ(p2m_at(B, HOLE_GFN + 2, NULL), dom[B].ram[0]);
	CHECK_EQ(unmap(B, h1, HOLE_GFN), GNTST_bad_handle);
	CHECK_EQ(gflags(3, 40), GTF_permit_access | GTF_reading | GTF_writing);
	teardown();
}

/* The mapper dies: the granter's flags are cleared, its pins dropped. */
TEST(test_mapper_dies)
{
	struct gnttab_swap_grant_ref s = { .ref_a = 50, .ref_b = 51 };
	u32 h;

	setup3();
	grant(A, 50, 2, RAM_GFN + 1, GTF_permit_access);
	CHECK_EQ(map(B, 1, 50, HOLE_GFN, GNTMAP_host_map, &h), GNTST_okay);
	CHECK_EQ(map(B, 1, 50, HOLE_GFN + 1, GNTMAP_host_map | GNTMAP_readonly,
		     &h), GNTST_okay);
	/* B maps its own grant too. */
	grant(B, 5, 2, RAM_GFN, GTF_permit_access);
	CHECK_EQ(map(B, 2, 5, HOLE_GFN + 2, GNTMAP_host_map, &h), GNTST_okay);
	kill_dom(B);
	CHECK_EQ(gflags(A, 50), GTF_permit_access);
	CHECK_EQ(hc(A, GNTTABOP_swap_grant_ref, &s, 1), 0);
	CHECK_EQ(s.status, GNTST_okay);
	teardown();
}

#define BIG_BATCH 20000

TEST(test_limits)
{
	static struct gnttab_map_grant_ref ops[BIG_BATCH];
	static u32 handles[300];

	setup3();
	grant(A, 60, 2, RAM_GFN + 1, GTF_permit_access);
	for (unsigned int i = 0; i < BIG_BATCH; i++)
		ops[i] = (struct gnttab_map_grant_ref){
			.host_addr = (HOLE_GFN + 0ULL) << PAGE_SHIFT,
			.flags = GNTMAP_host_map, .ref = 60, .dom = 1,
			.status = 99,
		};
	/* Counts Xen refuses: negative as an int. */
	CHECK_EQ(hc(B, GNTTABOP_map_grant_ref, ops, 0x80000000U), -EINVAL);
	CHECK_EQ(hc(B, GNTTABOP_copy, ops, ~0U), -EINVAL);
	CHECK_EQ(ops[0].status, 99);
	CHECK_EQ(gflags(A, 60), GTF_permit_access);
	CHECK_EQ(hc(B, GNTTABOP_map_grant_ref, ops, 0), 0);
	CHECK_EQ(hc(B, GNTTABOP_map_grant_ref, (void *)64, 1), -EFAULT);
	CHECK_EQ(hc(B, GNTTABOP_unmap_grant_ref, (void *)64, 1), -EFAULT);
	CHECK_EQ(hc(B, GNTTABOP_copy, (void *)64, 1), -EFAULT);

	/* 8-bit pins short of their top bit: 128 writable maps of one grant,
	 * not 129. */
	for (unsigned int i = 0; i < 128; i++)
		CHECK_EQ(map(B, 1, 60, HOLE_GFN + i, GNTMAP_host_map,
			     &handles[i]), GNTST_okay);
	CHECK_EQ(map(B, 1, 60, HOLE_GFN + 200, GNTMAP_host_map, NULL),
		 GNTST_general_error);
	/* Over the first maptrack chunk: more grants, read-only. */
	for (unsigned int i = 128; i < 300; i++) {
		grant(A, i, 2, RAM_GFN + 2, GTF_permit_access);
		CHECK_EQ(map(B, 1, i, HOLE_GFN + i, GNTMAP_host_map |
			     GNTMAP_readonly, &handles[i]), GNTST_okay);
	}
	for (unsigned int i = 0; i < 300; i++)
		CHECK_EQ(unmap(B, handles[i], HOLE_GFN + i), GNTST_okay);
	CHECK_EQ(gflags(A, 60), GTF_permit_access);
	CHECK_EQ(gflags(A, 299), GTF_permit_access);

	/* A batch: every element gets its own status. */
	ops[0].host_addr = (HOLE_GFN + 0ULL) << PAGE_SHIFT;
	ops[1].ref = 5000;
	ops[2].host_addr = (HOLE_GFN + 2ULL) << PAGE_SHIFT;
	CHECK_EQ(hc(B, GNTTABOP_map_grant_ref, ops, 3), 0);
	CHECK_EQ(ops[0].status, GNTST_okay);
	CHECK_EQ(ops[1].status, GNTST_bad_gntref);
	CHECK_EQ(ops[2].status, GNTST_okay);
	teardown();
}

/*
 * Continuations: a batch far beyond any old limit, run once without
 * preemption and once preempted after every single op (each time
 * re-issued with the arguments the handler left), gives the same
 * statuses and the same end state.
 */
static struct gnttab_copy copies[2][BIG_BATCH];

static void big_copy_batch(int run, bool preempt)
{
	preempt_always = preempt;
	continuations = 0;
	for (unsigned int i = 0; i < BIG_BATCH; i++)
		copies[run][i] = (struct gnttab_copy){
			.source = { .u.ref = 90 + i % 3, .domid = 1,
				    .offset = (u16)(i % 4000) },
			.dest = { .u.gmfn = RAM_GFN + 1 + i % 2,
				  .domid = DOMID_SELF, .offset = (u16)(i % 8) },
			.len = (u16)(i % 7 == 0 ? 4090 : 16),
			.flags = GNTCOPY_source_gref, .status = 99,
		};
	CHECK_EQ(hc(B, GNTTABOP_copy, copies[run], BIG_BATCH), 0);
	CHECK_EQ(continuations, preempt ? BIG_BATCH - 1 : 0);
	preempt_always = false;
}

TEST(test_continuations)
{
	u8 before[2][PAGE_SIZE];

	setup3();
	for (unsigned int k = 0; k < 3; k++) {
		grant(A, 90 + k, 2, RAM_GFN + 3 + k, GTF_permit_access |
		      (k == 2 ? GTF_readonly : 0));
		for (unsigned int i = 0; i < PAGE_SIZE; i++)
			ram_page(A, 3 + k)[i] = i * (k + 3);
	}
	big_copy_batch(0, false);
	memcpy(before[0], ram_page(B, 1), PAGE_SIZE);
	memcpy(before[1], ram_page(B, 2), PAGE_SIZE);
	memset(ram_page(B, 1), 0, PAGE_SIZE);
	memset(ram_page(B, 2), 0, PAGE_SIZE);
	big_copy_batch(1, true);
	CHECK(!memcmp(copies[0], copies[1], sizeof(copies[0])));
	CHECK(!memcmp(before[0], ram_page(B, 1), PAGE_SIZE));
	CHECK(!memcmp(before[1], ram_page(B, 2), PAGE_SIZE));
	/* Some copies ran past the page, the rest worked. */
	CHECK_EQ(copies[1][7].status, GNTST_bad_copy_arg);
	CHECK_EQ(copies[1][1].status, GNTST_okay);
	for (unsigned int k = 0; k < 3; k++)
		CHECK_EQ(gflags(A, 90 + k), GTF_permit_access |
			 (k == 2 ? GTF_readonly : 0));
	teardown();
}

/* Allocation failures leave nothing half-done. */
TEST(test_alloc_failure)
{
	u32 nr;

	setup3();
	fail_alloc_in = 0;	/* the active array of frame 1 */
	CHECK_EQ(gnttab_map_frame(&dom[A].d, 1, GT_GFN + 1), -EINVAL);
	CHECK_EQ(query(A, DOMID_SELF, &nr, NULL), GNTST_okay);
	CHECK_EQ(nr, 1);
	CHECK_EQ(p2m_at(A, GT_GFN + 1, NULL), ~0ULL);
	grant(A, 70, 2, RAM_GFN + 1, GTF_permit_access);
	fail_alloc_in = 0;	/* B's first maptrack chunk */
	CHECK_EQ(map(B, 1, 70, HOLE_GFN, GNTMAP_host_map, NULL), GNTST_no_space);
	CHECK_EQ(gflags(A, 70), GTF_permit_access);
	fail_alloc_in = -1;
	teardown();
	setup_dom(A, 1, false, 0);
	CHECK_EQ(gnttab_domain_init(&dom[A].d, 0), -EEXIST);
	CHECK_EQ(gnttab_domain_init(&dom[B].d, 65), -EINVAL);
	fail_alloc_in = 0;
	CHECK_EQ(gnttab_domain_init(&dom[B].d, 0), -ENOMEM);
	CHECK(dom[B].d.grant_table == NULL);
	teardown();
}

/* B maps and unmaps A's grant on two threads while A dies. */
static volatile bool stop;
static int maps_done[2];

static void *mapper_thread(void *arg)
{
	unsigned int k = (uintptr_t)arg;
	u64 gfn = HOLE_GFN + 16 * k;
	unsigned long n = 0;

	while (!stop || n < 200) {
		struct gnttab_map_grant_ref op;
		s16 rc = map_raw(B, 1, 80 + k, gfn, GNTMAP_host_map, &op);

		if (rc == GNTST_okay) {
			__atomic_fetch_add(&maps_done[k], 1, __ATOMIC_SEQ_CST);
			CHECK_EQ(unmap(B, op.handle, gfn), GNTST_okay);
			CHECK_EQ(p2m_at(B, gfn, NULL), ~0ULL);
		} else {
			/* Dying (no new pins), or gone from the list. */
			CHECK(rc == GNTST_general_error || rc == GNTST_bad_domain);
		}
		n++;
	}
	return NULL;
}

TEST(test_concurrent_death)
{
	pthread_t t[2];
	mfn_t a0;
	u32 h;

	setup3();
	for (int k = 0; k < 2; k++)
		grant(A, 80 + k, 2, RAM_GFN + k, GTF_permit_access);
	/* One long-lived mapping besides the threads' short ones. */
	CHECK_EQ(map(B, 1, 80, HOLE_GFN + 100, GNTMAP_host_map, &h), GNTST_okay);
	a0 = dom[A].ram[0];
	stop = false;
	maps_done[0] = maps_done[1] = 0;
	for (int k = 0; k < 2; k++)
		pthread_create(&t[k], NULL, mapper_thread, (void *)(uintptr_t)k);
	while (__atomic_load_n(&maps_done[0], __ATOMIC_SEQ_CST) < 100 ||
	       __atomic_load_n(&maps_done[1], __ATOMIC_SEQ_CST) < 100)
		usleep(100);
	kill_dom(A);
	stop = true;
	for (int k = 0; k < 2; k++)
		pthread_join(t[k], NULL);
	/* The long-lived mapping still reaches A's frame, alive by B's
	 * reference alone; the unmap returns it to the allocator. */
	CHECK(dom[A].torn_down);
	CHECK_EQ(p2m_at(B, HOLE_GFN + 100, NULL), a0);
	CHECK_EQ(frame_info_of(a0)->count, 1);
	CHECK_EQ(unmap(B, h, HOLE_GFN + 100), GNTST_okay);
	CHECK_EQ(frame_info_of(a0)->count, 0);
	teardown();
}

static void *copy_thread(void *arg)
{
	CHECK_EQ(copy1(B, GNTCOPY_source_gref, 1, 41, 0, DOMID_SELF, RAM_GFN,
		       0, 16), GNTST_okay);
	return NULL;
}

static void *kill_thread(void *arg)
{
	kill_dom(A);
	return NULL;
}

/*
 * A copy from A's grant is stopped inside the hypervisor (in the granter
 * p2m lookup, holding a reference on A) while A is killed: A leaves the
 * list at once, but its teardown waits for the copy's reference.
 * Meanwhile a new domain takes A's id, and B's unmap of an old mapping
 * of dead A must not touch the new one's grant.
 */
TEST(test_destroy_waits)
{
	struct gnttab_get_version gv;
	pthread_t c, k;
	u32 h_old, h_new;

	setup3();
	grant(A, 40, 2, RAM_GFN + 5, GTF_permit_access);
	CHECK_EQ(map(B, 1, 40, HOLE_GFN, GNTMAP_host_map, &h_old), GNTST_okay);
	grant(A, 41, 2, RAM_GFN + 7, GTF_permit_access);
	pause_entered = pause_release = 0;
	pause_gfn = RAM_GFN + 7;
	__atomic_store_n(&pause_d, &dom[A].d, __ATOMIC_SEQ_CST);
	pthread_create(&c, NULL, copy_thread, NULL);
	while (!__atomic_load_n(&pause_entered, __ATOMIC_SEQ_CST))
		usleep(100);
	pthread_create(&k, NULL, kill_thread, NULL);
	pthread_join(k, NULL);
	gv = (struct gnttab_get_version){ .dom = 1 };
	CHECK_EQ(hc(P, GNTTABOP_get_version, &gv, 1), -ESRCH);
	usleep(20000);
	/* ...but it is not torn down while the copy runs. */
	CHECK(!__atomic_load_n(&dom[A].torn_down, __ATOMIC_SEQ_CST));

	/* A new domain 1 (in slot 3). */
	setup_dom(3, 1, false, 0);
	grant(3, 40, 2, RAM_GFN + 5, GTF_permit_access);
	CHECK_EQ(map(B, 1, 40, HOLE_GFN + 1, GNTMAP_host_map, &h_new),
		 GNTST_okay);
	CHECK_EQ(p2m_at(B, HOLE_GFN + 1, NULL), mfn_of(ram_page(3, 5)));
	CHECK_EQ(unmap(B, h_old, HOLE_GFN), GNTST_okay);
	CHECK_EQ(p2m_at(B, HOLE_GFN, NULL), ~0ULL);
	CHECK_EQ(gflags(3, 40), GTF_permit_access | GTF_reading | GTF_writing);

	__atomic_store_n(&pause_release, 1, __ATOMIC_SEQ_CST);
	pthread_join(c, NULL);
	CHECK(__atomic_load_n(&dom[A].torn_down, __ATOMIC_SEQ_CST));
	CHECK(dom[A].d.grant_table == NULL);
	CHECK_EQ(unmap(B, h_new, HOLE_GFN + 1), GNTST_okay);
	CHECK_EQ(gflags(3, 40), GTF_permit_access);
	teardown();
}

UNIT_MAIN(test_query_and_versions, test_frames, test_self_map,
	  test_readonly_grant, test_bad_maps, test_cross_domain, test_copy,
	  test_swap, test_granter_dies, test_mapper_dies, test_limits,
	  test_continuations, test_alloc_failure, test_concurrent_death,
	  test_destroy_waits)
