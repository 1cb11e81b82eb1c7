/*
 * memory_op (12).  Xen 4.17: xen/common/memory.c do_memory_op(),
 * populate_physmap(), decrease_reservation(); xen/arch/x86/mm.c
 * arch_memory_op() (XENMEM_memory_map); xen/arch/x86/mm/p2m.c
 * xenmem_add_to_physmap_one().
 *
 * What Xen does with bad reservation requests is easy to get wrong: the
 * three reservation ops never return an errno, only how many extents they
 * did - 0 for an unreadable argument, an unknown domain, an extent order
 * above the caller's limit or a list that cannot be read.
 */
#include "hostile.h"

#define DOMID_NONE 0x7000	/* a domain id nobody has */
#define MEMOP_EXTENT_SHIFT 6	/* Xen's continuation encoding in cmd */
#define FRESH_GFN 0x32000UL	/* beyond RAM, inside the identity map */
#define FRESH_2M_GFN 0x34000UL	/* 2 MiB aligned, beyond RAM */

static long reservation(unsigned long cmd, const void *list, u64 nr,
			unsigned int order, domid_t dom)
{
	struct xen_memory_reservation r = {
		.nr_extents = nr, .extent_order = order, .domid = dom,
	};

	set_xen_guest_handle(r.extent_start, (xen_pfn_t *)list);
	return memory_op(cmd, &r);
}

/* Is @gfn in the p2m?  A hypercall argument there is readable or not;
 * at offset 0xf00 it cannot hit shared_info's fields. */
static bool gfn_mapped(u64 gfn)
{
	return hc(__HYPERVISOR_xen_version, XENVER_get_features,
		  (gfn << 12) + 0xf00, 0) != -EFAULT;
}

static long domid_op(unsigned long cmd, domid_t dom)
{
	static domid_t d;

	d = dom;
	return memory_op(cmd, &d);
}

static void check_reservation(void)
{
	static xen_pfn_t list[10];
	xen_pfn_t *cross = P(win_cross(2 * sizeof(xen_pfn_t)));
	const u64 g = scratch_gfn;
	long cur0, cur1, max, n, want;
	unsigned int i, out;

	if (!g) {
		report_skip("memory_op reservations: no 16 free RAM pages found");
		return;
	}
	cur0 = domid_op(XENMEM_current_reservation, DOMID_SELF);
	max = domid_op(XENMEM_maximum_reservation, DOMID_SELF);
	report(cur0 > 0 && max >= cur0, "current %ld, maximum %ld pages", cur0, max);

	for (i = 0; i < 4; i++)
		list[i] = g + i;
	expect(reservation(XENMEM_decrease_reservation, list, 4, 0, DOMID_SELF), 4,
	       "decrease_reservation of 4 RAM gfns");
	cur1 = domid_op(XENMEM_current_reservation, DOMID_SELF);
	expect(cur1, cur0 - 4, "current_reservation after giving 4 back");
	report(!gfn_mapped(g) && !gfn_mapped(g + 3), "the 4 gfns left the p2m");
	expect(reservation(XENMEM_decrease_reservation, list, 4, 0, DOMID_SELF), 0,
	       "decrease_reservation of gfns already gone");

	/* Xen refuses counts too big for its continuation encoding outright. */
	list[0] = g + 4;
	expect(reservation(XENMEM_decrease_reservation, list, 0xffffffffUL, 0,
			   DOMID_SELF), 0,
	       "decrease_reservation nr_extents 2^32-1 (above 2^26: Xen does nothing)");
	report(gfn_mapped(g + 4), "that left gfn %#lx mapped", (unsigned long)g + 4);
	/* A huge count runs into an unreadable list: done so far. */
	cross[0] = g + 5;
	cross[1] = g + 6;
	expect(reservation(XENMEM_decrease_reservation, cross, 0x3ffffff, 0,
			   DOMID_SELF), 2,
	       "decrease_reservation nr_extents 2^26-1, list runs into a hole after 2");

	expect(reservation(XENMEM_decrease_reservation, P(VA_UNMAPPED), 1, 0,
			   DOMID_SELF), 0, "decrease_reservation, list unmapped");
	expect(reservation(XENMEM_populate_physmap, P(VA_NONCANON), 1, 0,
			   DOMID_SELF), 0, "populate_physmap, list non-canonical");
	expect(memory_op(XENMEM_decrease_reservation, P(VA_UNMAPPED)), 0,
	       "decrease_reservation, argument unmapped (Xen returns start_extent)");
	expect(memory_op(XENMEM_populate_physmap, P(win_cross(8))), 0,
	       "populate_physmap, argument runs into a hole");
	list[0] = g + 7;
	expect(reservation(XENMEM_decrease_reservation, list, 1, 0, DOMID_NONE), 0,
	       "decrease_reservation for nonexistent d%#x", DOMID_NONE);
	expect(reservation(XENMEM_populate_physmap, list, 1, 0, DOMID_IO), 0,
	       "populate_physmap for DOMID_IO");
	expect(reservation(XENMEM_decrease_reservation, list, 1, 30, DOMID_SELF), 0,
	       "decrease_reservation extent_order 30 (above MAX_ORDER)");
	expect(reservation(XENMEM_populate_physmap, list, 1, 30, DOMID_SELF), 0,
	       "populate_physmap extent_order 30");
	expect(reservation(XENMEM_decrease_reservation | (5UL << MEMOP_EXTENT_SHIFT),
			   list, 2, 0, DOMID_SELF), 5,
	       "decrease_reservation with start_extent 5 > nr_extents 2");
	report(gfn_mapped(g + 7), "none of that took gfn %#lx", (unsigned long)g + 7);

	/* Back in: the scratch gfns now out of the p2m (g..g+3, g+5, g+6
	 * unless a check above went wrong), then 2 new ones as far as
	 * max_pages allows (Xen's dom0 may grow by default; Amphi's may not). */
	for (i = 0, out = 0; i < 8; i++)
		if (!gfn_mapped(g + i))
			list[out++] = g + i;
	report_info("%u scratch gfns out of the p2m", out);
	list[out] = FRESH_GFN;
	list[out + 1] = FRESH_GFN + 1;
	cur1 = domid_op(XENMEM_current_reservation, DOMID_SELF);
	want = max - cur1 < out + 2 ? max - cur1 : out + 2;
	n = reservation(XENMEM_populate_physmap, list, out + 2, 0, DOMID_SELF);
	expect(n, want, "populate_physmap of %u gfns with room for %ld", out + 2,
	       max - cur1);
	for (i = 0; i < 8; i++)
		if (!gfn_mapped(g + i))
			break;
	if (i == 8) {
		volatile u64 *p = P(g << 12);

		*p = 0x5a5a;
		report(*p == 0x5a5a, "repopulated gfns are RAM again");
	} else {
		report(false, "scratch gfn %#lx still not RAM", (unsigned long)(g + i));
	}
	for (i = out; i < out + 2; i++)
		if (gfn_mapped(list[i]))
			expect(reservation(XENMEM_decrease_reservation, list + i, 1, 0,
					   DOMID_SELF), 1, "giving new gfn %#lx back",
			       (unsigned long)list[i]);

	/* 2 MiB extents: Xen's dom0 may use orders up to 12; never an errno. */
	list[0] = FRESH_2M_GFN;
	n = reservation(XENMEM_populate_physmap, list, 1, 9, DOMID_SELF);
	report(n == 0 || n == 1, "populate_physmap extent_order 9 = %s, want 0 or 1 "
	       "(a count, never an errno)", err_str(n));
	if (n == 1)
		expect(reservation(XENMEM_decrease_reservation, list, 1, 9, DOMID_SELF), 1,
		       "decrease_reservation of that 2 MiB extent");
}

static void check_reservation_queries(void)
{
	static const unsigned long cmds[] = {
		XENMEM_current_reservation, XENMEM_maximum_reservation,
		XENMEM_maximum_gpfn,
	};
	static const char *const names[] = {
		"current_reservation", "maximum_reservation", "maximum_gpfn",
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++) {
		expect(memory_op(cmds[i], P(VA_UNMAPPED)), -EFAULT,
		       "%s, argument unmapped", names[i]);
		expect(domid_op(cmds[i], DOMID_NONE), -ESRCH,
		       "%s of nonexistent d%#x", names[i], DOMID_NONE);
		expect(domid_op(cmds[i], DOMID_IO), -ESRCH, "%s of DOMID_IO", names[i]);
		expect(domid_op(cmds[i] | (1UL << MEMOP_EXTENT_SHIFT), DOMID_SELF),
		       -EINVAL, "%s with a start_extent", names[i]);
	}
	report(domid_op(XENMEM_maximum_gpfn, DOMID_SELF) >=
	       (long)(memmap_ram_end() >> 12) - 1, "maximum_gpfn covers RAM");
}

struct e820 {
	u64 addr, size;
	u32 type;
} __attribute__((packed));

static long memory_map(struct xen_memory_map *m, unsigned int nr, void *buf)
{
	m->nr_entries = nr;
	set_xen_guest_handle(m->buffer, buf);
	return memory_op(XENMEM_memory_map, m);
}

static void check_memory_map(void)
{
	static struct e820 e[32];
	static struct xen_memory_map m;
	struct xen_memory_map *x;
	unsigned int n, i;
	bool same;

	expect(memory_map(&m, ARRAY_SIZE(e), e), 0, "memory_map, room for 32");
	n = m.nr_entries;
	same = n == memmap_entries;
	for (i = 0; same && i < n; i++)
		same = e[i].addr == memmap[i].addr && e[i].size == memmap[i].size &&
		       e[i].type == memmap[i].type;
	report(same, "memory_map: %u entries, the same as start_info's %u", n,
	       memmap_entries);

	/* Too small a buffer: Xen copies what fits and says how many. */
	memset(e, 0xaa, sizeof(e));
	expect(memory_map(&m, 1, e), 0, "memory_map, nr_entries 1 of %u", n);
	report(m.nr_entries == 1 && e[0].size == memmap[0].size &&
	       e[1].addr == 0xaaaaaaaaaaaaaaaaULL,
	       "memory_map, nr_entries 1: one entry written, nr_entries %u", m.nr_entries);
	expect(memory_map(&m, 0, P(VA_UNMAPPED)), 0, "memory_map, nr_entries 0");
	expect(m.nr_entries, 0, "memory_map, nr_entries 0: nr_entries after");

	expect(memory_map(&m, 32, P(VA_UNMAPPED)), -EFAULT, "memory_map, buffer unmapped");
	if (n >= 2)
		expect(memory_map(&m, 32, P(win_cross(sizeof(e[0])))), -EFAULT,
		       "memory_map, buffer runs into a hole after one entry");
	if (have_noram)
		expect(memory_map(&m, 32, P(VA_NORAM)), -EFAULT,
		       "memory_map, buffer mapped by the guest but not RAM");
	expect(memory_map(&m, 32, P(VA_NONCANON)), -EFAULT,
	       "memory_map, buffer non-canonical");
	expect(memory_op(XENMEM_memory_map, P(VA_UNMAPPED)), -EFAULT,
	       "memory_map, argument unmapped");
	x = P(win_cross(8));
	x->nr_entries = 32;
	expect(memory_op(XENMEM_memory_map, x), -EFAULT,
	       "memory_map, argument's handle in a hole");
	expect(memory_op(XENMEM_memory_map, P(WIN_NORAM)), -EFAULT,
	       "memory_map, argument in a page that is not RAM");
}

static long add_to_physmap(domid_t dom, unsigned int space, u64 idx, u64 gpfn)
{
	static struct xen_add_to_physmap x;

	x = (struct xen_add_to_physmap){ .domid = dom, .space = space,
					 .idx = idx, .gpfn = gpfn };
	return memory_op(XENMEM_add_to_physmap, &x);
}

/* Read vCPU 0's pvclock in @si with the version protocol. */
static bool pvclock_ok(struct shared_info *si, const char *where)
{
	volatile struct vcpu_time_info *t = &si->vcpu_info[0].time;
	u32 v0, v1, mul;
	u64 st, now;
	int tries = 0;

	do {
		v0 = t->version;
		asm volatile("" ::: "memory");
		mul = t->tsc_to_system_mul;
		st = t->system_time;
		asm volatile("" ::: "memory");
		v1 = t->version;
	} while ((v0 != v1 || (v0 & 1)) && ++tries < 1000);
	now = now_ns();
	return report(!(v1 & 1) && v0 == v1 && mul && st && st <= now + NS_PER_SEC,
		      "pvclock in shared_info at %s: version %u, mul %#x, "
		      "system_time %lu ns (now %lu)", where, v1, mul,
		      (unsigned long)st, (unsigned long)now);
}

static void check_add_to_physmap(void)
{
	static struct xen_add_to_physmap x;

	expect(add_to_physmap(DOMID_SELF, 99, 0, SHINFO_GFN1), -EINVAL,
	       "add_to_physmap space 99");
	expect(add_to_physmap(DOMID_SELF, XENMAPSPACE_gmfn_foreign, 0, SHINFO_GFN1),
	       -ENOSYS, "add_to_physmap space gmfn_foreign (batch only)");
	expect(add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 1, SHINFO_GFN1),
	       -EINVAL, "add_to_physmap shared_info idx 1");
	/* p2m-ept.c ept_set_entry(): -EINVAL; p2m-pt.c p2m_next_level(): -ENOENT. */
	expect2(add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, 1UL << 36),
		-EINVAL, -ENOENT, "add_to_physmap shared_info at gfn 2^36");
	expect(add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, ~0UL), -EINVAL,
	       "add_to_physmap shared_info at INVALID_GFN");
	expect(add_to_physmap(DOMID_SELF, XENMAPSPACE_gmfn, GFN_NEVER_MAPPED,
			      GFN_NEVER_MAPPED + 1), -EINVAL,
	       "add_to_physmap gmfn, idx not mapped");
	expect(add_to_physmap(DOMID_NONE, XENMAPSPACE_shared_info, 0, SHINFO_GFN1),
	       -ESRCH, "add_to_physmap for nonexistent d%#x", DOMID_NONE);
	expect(add_to_physmap(DOMID_IO, XENMAPSPACE_shared_info, 0, SHINFO_GFN1),
	       -ESRCH, "add_to_physmap for DOMID_IO");
	expect(add_to_physmap(DOMID_INVALID, XENMAPSPACE_shared_info, 0, SHINFO_GFN1),
	       -ESRCH, "add_to_physmap for DOMID_INVALID");
	expect(memory_op(XENMEM_add_to_physmap, P(VA_UNMAPPED)), -EFAULT,
	       "add_to_physmap, argument unmapped");
	expect(memory_op(XENMEM_add_to_physmap, P(VA_NONCANON)), -EFAULT,
	       "add_to_physmap, argument non-canonical");
	expect(memory_op(XENMEM_add_to_physmap, P(win_cross(8))), -EFAULT,
	       "add_to_physmap, argument runs into a hole");
	x = (struct xen_add_to_physmap){ .domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info, .gpfn = SHINFO_GFN1 };
	expect(memory_op(XENMEM_add_to_physmap | (0x10000UL << MEMOP_EXTENT_SHIFT), &x),
	       -EDOM, "add_to_physmap, start_extent 2^16 in cmd");

	/* The real thing, then move it. */
	if (!expect(add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, SHINFO_GFN1),
		    0, "add_to_physmap shared_info at gfn %#lx", SHINFO_GFN1))
		return;
	shinfo = P(SHINFO_GFN1 << 12);
	pvclock_ok(shinfo, "gfn 1");
	expect(add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, SHINFO_GFN2), 0,
	       "add_to_physmap shared_info again at gfn %#lx", SHINFO_GFN2);
	report(!gfn_mapped(SHINFO_GFN1) && gfn_mapped(SHINFO_GFN2),
	       "shared_info moved: old gfn unmapped, new gfn mapped");
	shinfo = P(SHINFO_GFN2 << 12);
	pvclock_ok(shinfo, "gfn 2");
	/* Xen reads start_extent only for gmfn_range. */
	x.gpfn = SHINFO_GFN2;
	expect(memory_op(XENMEM_add_to_physmap | (1UL << MEMOP_EXTENT_SHIFT), &x), 0,
	       "add_to_physmap shared_info, start_extent 1 in cmd (ignored)");
}

static long remove_from_physmap(domid_t dom, u64 gpfn)
{
	static struct xen_remove_from_physmap x;

	x = (struct xen_remove_from_physmap){ .domid = dom, .gpfn = gpfn };
	return memory_op(XENMEM_remove_from_physmap, &x);
}

static void check_remove_from_physmap(void)
{
	expect(remove_from_physmap(DOMID_SELF, GFN_NEVER_MAPPED), -ENOENT,
	       "remove_from_physmap of a gfn never mapped");
	expect(remove_from_physmap(DOMID_SELF, 1UL << 40), -ENOENT,
	       "remove_from_physmap of gfn 2^40");
	expect(remove_from_physmap(DOMID_NONE, SHINFO_GFN2), -ESRCH,
	       "remove_from_physmap for nonexistent d%#x", DOMID_NONE);
	expect(memory_op(XENMEM_remove_from_physmap, P(VA_UNMAPPED)), -EFAULT,
	       "remove_from_physmap, argument unmapped");
	expect(memory_op(XENMEM_remove_from_physmap | (1UL << MEMOP_EXTENT_SHIFT),
			 P(VA_UNMAPPED)), -EINVAL, "remove_from_physmap with a start_extent");
	if (!shinfo)
		return;
	expect(remove_from_physmap(DOMID_SELF, SHINFO_GFN2), 0,
	       "remove_from_physmap of shared_info's gfn");
	report(!gfn_mapped(SHINFO_GFN2), "shared_info's gfn is gone");
	shinfo = NULL;
	if (expect(add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, SHINFO_GFN1),
		   0, "add_to_physmap shared_info back at gfn %#lx", SHINFO_GFN1))
		shinfo = P(SHINFO_GFN1 << 12);
}

void check_memory_op(void)
{
	check_reservation();
	check_reservation_queries();
	check_memory_map();
	check_add_to_physmap();
	check_remove_from_physmap();
	expect(memory_op(63, P(VA_UNMAPPED)), -ENOSYS, "memory_op 63 (unknown)");
	if (shinfo)
		my_vcpu_info = &shinfo->vcpu_info[0];
}
