/*
 * Host tests of the lifetime rule (docs/architecture.md, "Object
 * lifetimes"): reference counts (xen/refcount.h), domain frames
 * (xen/common/frame.c) over the real page allocator, and page_alloc's
 * split of a block into single pages.  The threaded cases are random
 * models: whatever the interleaving, an object is released exactly once,
 * at the last put, and nobody gets a reference to a released object.
 * Run under ASan: a use after free is a test failure too.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <xen/frame.h>
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <xen/refcount.h>
#include "unit.h"

#define ARENA_SIZE (8UL << 20)
#include "arena.h"

static pthread_mutex_t pa_mutex = PTHREAD_MUTEX_INITIALIZER;

/* page_alloc's serialisation, for the threaded cases. */
void page_alloc_lock(void)
{
	pthread_mutex_lock(&pa_mutex);
}

void page_alloc_unlock(void)
{
	pthread_mutex_unlock(&pa_mutex);
}

/* Owner accounting: what domain.c would count. */
struct domain {
	long acquired, released;	/* atomically */
};

void domain_frame_acquired(struct domain *d, unsigned int flags,
			   unsigned long n)
{
	__atomic_add_fetch(&d->acquired, n, __ATOMIC_RELAXED);
}

void domain_frame_released(struct domain *d, unsigned int flags)
{
	__atomic_add_fetch(&d->released, 1, __ATOMIC_RELAXED);
}

static u64 rnd(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static u32 dead_count;
static void *split_block;

static void put_dead_count(void)
{
	ref_put(&dead_count);
}

static void free_split_block_whole(void)
{
	free_pages(split_block, 9);
}

TEST(test_refcount_rules)
{
	u32 c = 1;

	CHECK(ref_get(&c));
	CHECK_EQ(c, 2);
	CHECK(!ref_put(&c));
	CHECK(ref_put(&c));		/* the last one says so */
	CHECK(!ref_get_live(&c));	/* dead stays dead */
	CHECK_EQ(c, 0);
	c = REF_MAX;
	CHECK(!ref_get(&c));		/* saturated: refused, unchanged */
	CHECK(!ref_get_live(&c));
	CHECK_EQ(c, REF_MAX);
	dead_count = 0;
	CHECK(unit_dies(put_dead_count));	/* a put too many is a BUG */
}

TEST(test_split_then_free_singly)
{
	void *p;
	u64 seed = 7;
	unsigned int order[512];

	setup();
	p = alloc_pages(9);
	CHECK(p != NULL);
	page_alloc_split(p, 9);
	for (unsigned int i = 0; i < 512; i++)
		order[i] = i;
	for (unsigned int i = 511; i > 0; i--) {
		unsigned int j = rnd(&seed) % (i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (unsigned int i = 0; i < 512; i++)
		free_pages((u8 *)p + (size_t)order[i] * PAGE_SIZE, 0);
	CHECK_EQ(page_alloc_free_pages(), free_at_start);
	/* The buddies merged back: the whole block can be had again. */
	CHECK(alloc_pages(9) == p);
	free_pages(p, 9);
	/* A split block is no longer an order-9 allocation. */
	p = split_block = alloc_pages(9);
	page_alloc_split(p, 9);
	CHECK(unit_dies(free_split_block_whole));
	for (unsigned int i = 0; i < 512; i++)
		free_pages((u8 *)p + (size_t)i * PAGE_SIZE, 0);
	arena_teardown();
}

TEST(test_frame_lifecycle)
{
	struct domain d = { 0 };
	mfn_t mfn, big;

	setup();
	mfn = frame_alloc(&d, FRAME_RAM, 0);
	CHECK(mfn != INVALID_MFN);
	CHECK_EQ(d.acquired, 1);
	CHECK(frame_owner(mfn) == &d);
	CHECK(frame_owned_by(mfn, &d, FRAME_RAM));
	CHECK(!frame_owned_by(mfn, &d, FRAME_SPECIAL));
	CHECK(frame_get(mfn));		/* a mapping elsewhere */
	frame_put(mfn);			/* the owner lets go */
	CHECK_EQ(d.released, 0);	/* still mapped: alive */
	CHECK(frame_owner(mfn) == &d);
	frame_put(mfn);			/* the mapping goes: freed */
	CHECK_EQ(d.released, 1);
	CHECK(frame_owner(mfn) == NULL);
	CHECK(frame_info_of(mfn)->count == 0);

	big = frame_alloc(&d, FRAME_RAM, FRAME_ORDER_2M);
	CHECK(big != INVALID_MFN);
	CHECK_EQ(d.acquired, 513);
	for (unsigned int i = 0; i < 512; i++)
		CHECK_EQ(frame_info_of(big + i)->count, 1);
	/* Pages of a 2 MiB extent live and die independently. */
	CHECK(frame_get(big + 100));
	for (unsigned int i = 0; i < 512; i++)
		frame_put(big + i);
	CHECK_EQ(d.released, 512);
	CHECK_EQ(page_alloc_free_pages(), free_at_start - 1);
	frame_put(big + 100);
	CHECK_EQ(d.released, 513);
	/* Not a frame at all: no record. */
	CHECK(frame_info_of(0) == NULL);
	arena_teardown();
}

/* --- Threaded model of frames: owners and mappers race --- */

#define NF 64
#define NT 4
#define STEPS 20000

static mfn_t frames[NF];
static struct domain model_dom;

static void *frame_worker(void *arg)
{
	u64 seed = 0x9e3779b97f4a7c15ULL * ((uintptr_t)arg + 1);
	unsigned int held[NF] = { 0 };

	for (int s = 0; s < STEPS; s++) {
		unsigned int f = rnd(&seed) % NF;

		/* Take a reference only on a frame we hold one on, or from
		 * "a structure that holds one" (the main thread's, kept
		 * until every worker is done). */
		if ((rnd(&seed) & 1) || !held[f]) {
			if (frame_get(frames[f]))
				held[f]++;
		} else {
			frame_put(frames[f]);
			held[f]--;
		}
	}
	for (unsigned int f = 0; f < NF; f++)
		while (held[f]--)
			frame_put(frames[f]);
	return NULL;
}

TEST(test_frames_threaded)
{
	pthread_t t[NT];

	setup();
	memset(&model_dom, 0, sizeof(model_dom));
	for (unsigned int f = 0; f < NF; f++)
		CHECK((frames[f] = frame_alloc(&model_dom, FRAME_RAM, 0)) !=
		      INVALID_MFN);
	for (long i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, frame_worker, (void *)i);
	for (int i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(model_dom.released, 0);	/* the owner still holds all */
	for (unsigned int f = 0; f < NF; f++)
		frame_put(frames[f]);
	CHECK_EQ(model_dom.released, NF);	/* each exactly once */
	arena_teardown();
}

/* --- Threaded model of domains: lookups race with destruction --- */

#define NO 16

struct obj {
	u32 refcnt;
	bool listed;
	long uses;			/* atomically, while referenced */
};

static struct obj *objs[NO];		/* the "domain list" */
static pthread_mutex_t list_lock = PTHREAD_MUTEX_INITIALIZER;
static long releases;			/* atomically */

static void obj_put(struct obj *o)
{
	if (ref_put(&o->refcnt)) {
		__atomic_add_fetch(&releases, 1, __ATOMIC_RELAXED);
		free(o);		/* a use after this trips ASan */
	}
}

/* domain_by_id(): found under the list lock, referenced there. */
static struct obj *obj_lookup(unsigned int i)
{
	struct obj *o;

	pthread_mutex_lock(&list_lock);
	o = objs[i];
	if (o && !ref_get_live(&o->refcnt))
		o = NULL;
	pthread_mutex_unlock(&list_lock);
	return o;
}

static void *obj_user(void *arg)
{
	u64 seed = 0x1234567ULL * ((uintptr_t)arg + 3);

	for (int s = 0; s < STEPS; s++) {
		struct obj *o = obj_lookup(rnd(&seed) % NO);

		if (!o)
			continue;
		__atomic_add_fetch(&o->uses, 1, __ATOMIC_RELAXED);
		if (rnd(&seed) & 1) {	/* pass it on: another reference */
			CHECK(ref_get(&o->refcnt));
			obj_put(o);
		}
		obj_put(o);
	}
	return NULL;
}

static void *obj_killer(void *arg)
{
	for (unsigned int i = 0; i < NO; i++) {
		struct obj *o;

		pthread_mutex_lock(&list_lock);
		o = objs[i];
		objs[i] = NULL;		/* unlisted: no new lookups */
		pthread_mutex_unlock(&list_lock);
		obj_put(o);		/* the list's reference */
	}
	return NULL;
}

TEST(test_domains_threaded)
{
	pthread_t t[NT + 1];

	releases = 0;
	for (unsigned int i = 0; i < NO; i++) {
		objs[i] = calloc(1, sizeof(*objs[i]));
		objs[i]->refcnt = 1;
	}
	for (long i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, obj_user, (void *)i);
	pthread_create(&t[NT], NULL, obj_killer, NULL);
	for (int i = 0; i <= NT; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(releases, NO);
}

UNIT_MAIN(test_refcount_rules, test_split_then_free_singly,
	  test_frame_lifecycle, test_frames_threaded, test_domains_threaded)
