/*
 * Host tests of grant-table lifetimes (xen/common/grant_*.c) in the fake
 * hypervisor of grant_env.h: a granter or mapper dying while mapped, huge
 * batches continued after every single op, allocation failures, and
 * threads mapping, copying and killing at once.
 */
#include "grant_env.h"

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

UNIT_MAIN(test_granter_dies, test_mapper_dies, test_continuations,
	  test_alloc_failure, test_concurrent_death, test_destroy_waits)
