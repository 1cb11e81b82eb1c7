/*
 * Foreign memory, a dying domain, and continuations.  Xen 4.17:
 * xen/common/memory.c xenmem_add_to_physmap_batch(), acquire_resource();
 * xen/arch/x86/mm/p2m.c p2m_add_foreign(); xen/common/grant_table.c
 * gnttab_acquire_resource().
 *
 * Needs a peer domain (a domain= module, d1: the test runner boots the
 * spin guest beside this one).  The initial domain maps a frame of the
 * peer twice through add_to_physmap_batch(gmfn_foreign) and checks that
 * both gfns are the same frame; maps the peer's grant-table frame 0
 * through acquire_resource, writes a grant entry into it (as the
 * toolstack seeds grant 0 and 1 of a new guest) and maps that grant; then
 * shuts the peer down with SCHEDOP_remote_shutdown, waits until it is
 * gone, and checks that the frames it still maps stay valid until it
 * unmaps them (the hypervisor logs when the dead peer's last frame
 * returns to the allocator: the runner checks that line).
 *
 * Continuations: a 100,001-op grant swap batch and a 100,000-op grant
 * copy batch run to completion with every answer right, however often
 * the hypervisor preempted them (the runner also boots this whole case
 * with selftest=preempt, which preempts after every step).
 */
#include "hostile.h"
#include <public/grant_table.h>

#define PEER 1
#define PEER_GFN 0x100UL	/* the peer's kernel image (1 MiB) */
#define MAP_GFN 0x36000UL	/* beyond our RAM: 4 gfns for the mappings */
#define DOMID_NONE 0x7000
#define MEMOP_EXTENT_SHIFT 6
#define NOT_POPULATED 0x7ffffUL	/* 2 GiB: beyond any test domain's RAM */
#define OWN_GT_GFN 0x36010UL	/* where we map our own grant frame 0 */

static grant_handle_t grant_handle;

static long batch(domid_t dom, unsigned int space, domid_t foreign,
		  const xen_ulong_t *idxs, const xen_pfn_t *gpfns, int *errs,
		  unsigned int size, unsigned long start)
{
	static struct xen_add_to_physmap_batch b;

	b = (struct xen_add_to_physmap_batch){ .domid = dom, .space = space,
		.size = size, .u.foreign_domid = foreign };
	set_xen_guest_handle(b.idxs, (xen_ulong_t *)idxs);
	set_xen_guest_handle(b.gpfns, (xen_pfn_t *)gpfns);
	set_xen_guest_handle(b.errs, errs);
	return memory_op(XENMEM_add_to_physmap_batch |
			 (start << MEMOP_EXTENT_SHIFT), &b);
}

static long map_foreign(u64 fgfn, u64 gfn, int *err)
{
	static xen_ulong_t idx;
	static xen_pfn_t gpfn;

	idx = fgfn;
	gpfn = gfn;
	*err = 99;
	return batch(DOMID_SELF, XENMAPSPACE_gmfn_foreign, PEER, &idx, &gpfn,
		     err, 1, 0);
}

static long unmap_gfn(u64 gfn)
{
	static struct xen_remove_from_physmap x;

	x = (struct xen_remove_from_physmap){ .domid = DOMID_SELF, .gpfn = gfn };
	return memory_op(XENMEM_remove_from_physmap, &x);
}

static long peer_pages(void)
{
	static domid_t d;

	d = PEER;
	return memory_op(XENMEM_current_reservation, &d);
}

/*
 * Linux places foreign and grant mappings in unused physical address
 * space, anywhere below the width CPUID 0x80000008 reports: the top gfn
 * must work (checked by unmapping it: 0 only if it was mapped), and one
 * beyond the width must not.
 */
static void check_sparse(void)
{
	unsigned int bits = cpuid(0x80000008).a & 0xff;
	u64 top = (1ULL << (bits - 12)) - 1;
	int err;

	report(bits >= 36 && bits <= 48, "guest physical address width %u bits",
	       bits);
	expect(map_foreign(PEER_GFN, top, &err), 0,
	       "foreign map at the top gfn %#lx", (unsigned long)top);
	expect(err, 0, "foreign map at the top gfn: err");
	expect(unmap_gfn(top), 0, "it was mapped there: unmap");
	expect(unmap_gfn(top), -ENOENT, "and is gone");
	expect(map_foreign(PEER_GFN, 1ULL << 36, &err), 0,
	       "foreign map at gfn 2^36 (beyond 48 bits)");
	expect(err, -EINVAL, "beyond the guest-physical space: err");
}

static void check_batch_args(void)
{
	static xen_ulong_t idxs[2] = { PEER_GFN, PEER_GFN };
	static xen_pfn_t gpfns[2] = { MAP_GFN, MAP_GFN + 1 };
	static xen_pfn_t bad_gpfn[1] = { ~0UL };
	static int errs[2];
	volatile u64 *a = P(MAP_GFN << 12), *b = P((MAP_GFN + 1) << 12);
	int err;

	check_sparse();
	errs[0] = errs[1] = 99;
	expect(batch(DOMID_SELF, XENMAPSPACE_gmfn_foreign, PEER, idxs, gpfns,
		     errs, 2, 0), 0, "add_to_physmap_batch: 2 foreign maps of "
	       "d%u gfn %#lx", PEER, PEER_GFN);
	report(errs[0] == 0 && errs[1] == 0, "both mapped (errs %d, %d)",
	       errs[0], errs[1]);
	if (!errs[0] && !errs[1]) {
		*a = 0x466f726569676e21ULL;	/* "Foreign!" */
		report(*b == 0x466f726569676e21ULL,
		       "one foreign frame behind both gfns");
	}
	expect(map_foreign(PEER_GFN, MAP_GFN + 1, &err), 0,
	       "foreign map over a foreign map");
	expect(err, -ENXIO, "foreign map over a foreign map: err (Xen's "
	       "guest_remove_page refuses a frame we do not own)");
	expect(map_foreign(NOT_POPULATED, MAP_GFN + 2, &err), 0,
	       "foreign map of a gfn the peer has no RAM at");
	expect(err, -EINVAL, "unpopulated foreign gfn: err");
	expect(batch(DOMID_SELF, XENMAPSPACE_gmfn_foreign, DOMID_NONE, idxs,
		     gpfns + 1, errs, 1, 0), 0, "foreign map from d%#x", DOMID_NONE);
	expect(errs[0], -ESRCH, "nonexistent foreign domain: err");
	expect(batch(DOMID_SELF, XENMAPSPACE_gmfn_foreign, my_domid, idxs,
		     gpfns + 1, errs, 1, 0), 0, "foreign map from ourselves");
	expect(errs[0], -EPERM, "foreign domain = ourselves: err");
	/* Only the hardware domain's own p2m may hold foreign maps. */
	expect(batch(PEER, XENMAPSPACE_gmfn_foreign, PEER, idxs, gpfns + 1,
		     errs, 1, 0), 0, "foreign map into the peer's p2m");
	expect(errs[0], -EPERM, "foreign map into another domain's p2m: err");
	expect(batch(DOMID_SELF, XENMAPSPACE_gmfn_foreign, PEER, idxs, bad_gpfn,
		     errs, 1, 0), -EINVAL, "foreign map at INVALID_GFN");
	expect(batch(DOMID_SELF, XENMAPSPACE_gmfn_range, PEER, idxs, gpfns,
		     errs, 1, 0), -EOPNOTSUPP, "add_to_physmap_batch gmfn_range");
	expect(batch(DOMID_SELF, XENMAPSPACE_gmfn_foreign, PEER, idxs, gpfns,
		     errs, 0, 0), 0, "add_to_physmap_batch size 0");
	expect(batch(DOMID_SELF, XENMAPSPACE_gmfn_foreign, PEER, idxs, gpfns,
		     errs, 1, 2), -EILSEQ, "start extent 2 of a batch of 1");
	expect(batch(DOMID_SELF, XENMAPSPACE_gmfn_foreign, PEER, idxs, gpfns,
		     errs, 1, 1), -EILSEQ, "start extent 1 of a batch of 1");
	expect(batch(DOMID_SELF, XENMAPSPACE_gmfn_foreign, PEER, idxs, gpfns,
		     errs, 1, 0x10000), -EDOM, "start extent 2^16");
	expect(batch(DOMID_SELF, XENMAPSPACE_gmfn_foreign, PEER, P(VA_UNMAPPED),
		     gpfns, errs, 1, 0), -EFAULT, "batch, idxs unmapped");
	expect(batch(DOMID_SELF, XENMAPSPACE_gmfn_foreign, PEER, idxs,
		     P(VA_NONCANON), errs, 1, 0), -EFAULT,
	       "batch, gpfns non-canonical");
	expect(batch(DOMID_NONE, XENMAPSPACE_gmfn_foreign, PEER, idxs, gpfns,
		     errs, 1, 0), -ESRCH, "batch into nonexistent d%#x", DOMID_NONE);
	expect(memory_op(XENMEM_add_to_physmap_batch, P(VA_UNMAPPED)), -EFAULT,
	       "add_to_physmap_batch, argument unmapped");
}

static long acquire(domid_t dom, u16 type, u32 id, u64 frame, u32 nr,
		    xen_pfn_t *list, u32 pad, u32 *nr_out)
{
	static struct xen_mem_acquire_resource x;
	long rc;

	x = (struct xen_mem_acquire_resource){ .domid = dom, .type = type,
		.id = id, .nr_frames = nr, .pad = pad, .frame = frame };
	set_xen_guest_handle(x.frame_list, list);
	rc = memory_op(XENMEM_acquire_resource, &x);
	if (nr_out)
		*nr_out = x.nr_frames;
	return rc;
}

/* Map the peer's grant frame 0, grant ourselves its page 0x100 through
 * it (as the toolstack seeds a new guest's grants) and map that grant. */
static void check_acquire(void)
{
	static xen_pfn_t list[2] = { MAP_GFN + 2, MAP_GFN + 3 };
	static struct gnttab_map_grant_ref m;
	grant_entry_v1_t *gt = P((MAP_GFN + 2) << 12);
	volatile u64 *g = P((MAP_GFN + 3) << 12);
	u32 nr = 0;

	expect(acquire(PEER, XENMEM_resource_grant_table,
		       XENMEM_resource_grant_table_id_shared, 0, 0, NULL, 0, &nr),
	       0, "acquire_resource size query, grant table");
	expect(nr, 64, "grant table resource size (max_grant_frames)");
	expect(acquire(PEER, XENMEM_resource_grant_table, 0, 0, 1, NULL, 0, NULL),
	       -EINVAL, "acquire_resource, frames without a list");
	expect(acquire(PEER, XENMEM_resource_grant_table, 0, 0, 1, list, 1, NULL),
	       -EINVAL, "acquire_resource, pad 1");
	expect(acquire(PEER, XENMEM_resource_grant_table, 0, 1ULL << 32, 1, list,
		       0, NULL), -EINVAL, "acquire_resource, frame 2^32");
	expect(acquire(PEER, XENMEM_resource_grant_table,
		       XENMEM_resource_grant_table_id_status, 0, 1, list, 0, NULL),
	       -EINVAL, "acquire_resource, status frames (no v2)");
	expect(acquire(PEER, XENMEM_resource_grant_table, 0, 63, 2, list, 0,
		       NULL), -EINVAL, "acquire_resource, frames 63-64 of 64");
	expect(acquire(my_domid, XENMEM_resource_grant_table, 0, 0, 1, list, 0,
		       NULL), -EPERM, "acquire_resource of ourselves");
	expect(acquire(DOMID_NONE, XENMEM_resource_grant_table, 0, 0, 1, list,
		       0, NULL), -ESRCH, "acquire_resource of d%#x", DOMID_NONE);
	expect(acquire(PEER, 99, 0, 0, 1, list, 0, NULL), -EOPNOTSUPP,
	       "acquire_resource type 99");
	/* Xen 4.17 answers the size query of an unknown type with its
	 * -EOPNOTSUPP read as a frame count. */
	expect(acquire(PEER, 99, 0, 0, 0, NULL, 0, &nr), 0,
	       "acquire_resource size query, type 99");
	expect(nr, (u32)-EOPNOTSUPP, "type 99 size (Xen's quirk)");
	if (!expect(acquire(PEER, XENMEM_resource_grant_table, 0, 0, 1, list, 0,
			    NULL), 0, "acquire_resource: the peer's grant frame 0"))
		return;
	gt[8].frame = PEER_GFN;
	gt[8].domid = my_domid;
	__atomic_store_n(&gt[8].flags, GTF_permit_access, __ATOMIC_SEQ_CST);
	m = (struct gnttab_map_grant_ref){ .host_addr = (MAP_GFN + 3) << 12,
		.flags = GNTMAP_host_map, .ref = 8, .dom = PEER, .status = 99 };
	expect(hc(__HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref,
		  (unsigned long)&m, 1), 0, "map the grant we wrote for ourselves");
	expect_st(m.status, GNTST_okay, "map_grant_ref of the seeded grant");
	report(m.status == GNTST_okay && *g == 0x466f726569676e21ULL,
	       "the granted page is the foreign-mapped one");
	report(__atomic_load_n(&gt[8].flags, __ATOMIC_SEQ_CST) ==
	       (GTF_permit_access | GTF_reading | GTF_writing),
	       "the peer's entry shows the mapping (flags %#x)", gt[8].flags);
	grant_handle = m.handle;
}

/* SCHEDOP_remote_shutdown of the peer; then our mappings of its frames
 * outlive it until we undo them. */
static void check_dying(void)
{
	static struct sched_remote_shutdown rs;
	static struct gnttab_unmap_grant_ref u;
	volatile u64 *a = P(MAP_GFN << 12);
	int err, i;

	rs = (struct sched_remote_shutdown){ .domain_id = PEER,
					     .reason = SHUTDOWN_poweroff };
	expect(sched_op(SCHEDOP_remote_shutdown, &rs), 0,
	       "remote_shutdown of the peer");
	/* While it dies (listed, dying) or once gone: no new foreign maps. */
	expect(map_foreign(PEER_GFN, MAP_GFN + 4, &err), 0,
	       "foreign map of the dying peer");
	expect2(err, -EINVAL, -ESRCH, "foreign map of a dying or dead domain: err");
	for (i = 0; i < 2000 && peer_pages() != -ESRCH; i++)
		sleep_ms(1);
	expect(peer_pages(), -ESRCH, "the peer is gone (after %d ms)", i);
	/* Gone from the list, its teardown is due at once on CPU 0 (the
	 * reaper, xen/common/domain.c).  Nothing a guest can ask tells when
	 * it has run, so give that CPU 50 ms, a hundred times what it needs,
	 * before undoing the mappings it must find. */
	sleep_ms(50);
	report(*a == 0x466f726569676e21ULL, "its frame is still ours to read");
	*a = 1;
	expect(map_foreign(PEER_GFN, MAP_GFN + 4, &err), 0,
	       "foreign map of a dead domain");
	expect(err, -ESRCH, "dead foreign domain: err");
	u = (struct gnttab_unmap_grant_ref){ .host_addr = (MAP_GFN + 3) << 12,
					     .handle = grant_handle, .status = 99 };
	expect(hc(__HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref,
		  (unsigned long)&u, 1), 0, "unmap the dead peer's grant");
	expect_st(u.status, GNTST_okay, "unmap of a dead granter's grant: status");
	expect(unmap_gfn(MAP_GFN + 2), 0, "unmap the dead peer's grant frame");
	expect(unmap_gfn(MAP_GFN + 1), 0,
	       "unmap the second foreign map (the refused one left it)");
	expect(unmap_gfn(MAP_GFN), 0, "unmap the dead peer's last frame");
	report_info("the hypervisor now logs the peer's last frame returning");
}

/* --- Continuations --- */

#define BIG 100000
static struct gnttab_swap_grant_ref swaps[BIG + 1];
static struct gnttab_copy copies[BIG];
static u8 src_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static u8 dst_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static grant_entry_v1_t *own_entry(unsigned int ref)
{
	return &((grant_entry_v1_t *)P(OWN_GT_GFN << 12))[ref];
}

static void check_big_batches(void)
{
	static struct xen_add_to_physmap x;
	unsigned int i, bad = 0;
	long rc;

	x = (struct xen_add_to_physmap){ .domid = DOMID_SELF,
		.space = XENMAPSPACE_grant_table, .idx = 0, .gpfn = OWN_GT_GFN };
	if (!expect(memory_op(XENMEM_add_to_physmap, &x), 0,
		    "map our grant frame 0 at gfn %#lx", OWN_GT_GFN))
		return;
	/* Refs 20, 21: two grants to ourselves, told apart by frame. */
	own_entry(20)->domid = own_entry(21)->domid = my_domid;
	own_entry(20)->frame = 0x1234;
	own_entry(21)->frame = 0x5678;
	for (i = 0; i <= BIG; i++)
		swaps[i] = (struct gnttab_swap_grant_ref){ .ref_a = 20,
			.ref_b = 21, .status = 99 };
	rc = hc(__HYPERVISOR_grant_table_op, GNTTABOP_swap_grant_ref,
		(unsigned long)swaps, BIG + 1);
	expect(rc, 0, "swap_grant_ref batch of %u ops", BIG + 1);
	for (i = 0; i <= BIG; i++)
		bad += swaps[i].status != GNTST_okay;
	report(!bad, "all %u swaps done (%u bad)", BIG + 1, bad);
	report(own_entry(20)->frame == 0x5678 && own_entry(21)->frame == 0x1234,
	       "an odd number of swaps swapped them");

	/* Ref 22 grants src_page to ourselves; 100,000 copies out of it. */
	for (i = 0; i < PAGE_SIZE; i++)
		src_page[i] = i * 13;
	own_entry(22)->frame = (u64)src_page >> 12;
	own_entry(22)->domid = my_domid;
	__atomic_store_n(&own_entry(22)->flags, GTF_permit_access,
			 __ATOMIC_SEQ_CST);
	for (i = 0; i < BIG; i++)
		copies[i] = (struct gnttab_copy){
			.source = { .u.ref = 22, .domid = my_domid,
				    .offset = (u16)(i % 4065) },
			.dest = { .u.gmfn = (u64)dst_page >> 12,
				  .domid = DOMID_SELF, .offset = (u16)(i % 4065) },
			.len = 32, .flags = GNTCOPY_source_gref, .status = 99,
		};
	memset(dst_page, 0, PAGE_SIZE);
	rc = hc(__HYPERVISOR_grant_table_op, GNTTABOP_copy,
		(unsigned long)copies, BIG);
	expect(rc, 0, "copy batch of %u ops", BIG);
	for (i = 0, bad = 0; i < BIG; i++)
		bad += copies[i].status != GNTST_okay;
	for (i = 0; i < PAGE_SIZE && src_page[i] == dst_page[i]; i++)
		;
	report(!bad && i == PAGE_SIZE,
	       "all %u copies done (%u bad), the bytes arrived (first "
	       "difference at %u: %#x, %#x)", BIG, bad, i,
	       i < PAGE_SIZE ? src_page[i] : 0, i < PAGE_SIZE ? dst_page[i] : 0);
	report(__atomic_load_n(&own_entry(22)->flags, __ATOMIC_SEQ_CST) ==
	       GTF_permit_access, "no pin left behind");
}

void check_foreign_memory(void)
{
	long pages = peer_pages();

	check_big_batches();
	if (pages <= 0) {
		report_skip("foreign memory: no peer domain d%u (%s)", PEER,
			    err_str(pages));
		return;
	}
	check_batch_args();
	check_acquire();
	check_dying();
}
