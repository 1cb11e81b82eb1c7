/*
 * Host tests of grant tables v1 (xen/common/grant_table.c, grant_map.c,
 * grant_copy.c): the operations, their Xen 4.17 answers and limits, in
 * the fake hypervisor of grant_env.h.  Lifetimes, continuations and
 * races are in test_grant_lifetime.c.
 */
#include "grant_env.h"

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

UNIT_MAIN(test_query_and_versions, test_frames, test_self_map,
	  test_readonly_grant, test_bad_maps, test_cross_domain, test_copy,
	  test_swap, test_limits)
