/*
 * domctl (36) and sysctl (35), the toolstack's hypercalls, driven the
 * way libxl drives them (xen/common/domctl.c, sysctl.c) plus bad values.
 * Xen 4.17: xen/common/domctl.c and sysctl.c, arch/x86/domctl.c and
 * sysctl.c: a wrong interface version is -EACCES; an unknown sub-op
 * -ENOSYS; getdomaininfo answers the first domain at or after the id;
 * a new domain starts paused by its controller; a domain that shuts down
 * stays (paused, flagged) until XEN_DOMCTL_destroydomain, and dom0 gets
 * VIRQ_DOM_EXC when it shuts down and when it is gone.
 */
/* The tool-only half of the public headers (before any of them is seen);
 * it picks the latest interface version, 4.17's, itself. */
#undef __XEN_INTERFACE_VERSION__
#define __XEN_TOOLS__
#include "hostile.h"
#include <public/domctl.h>
#include <public/sysctl.h>
#include <public/sched.h>
#include <public/version.h>

#define DOMID_ANY 0x7ff0	/* >= DOMID_FIRST_RESERVED: "pick one" */

static struct xen_domctl dc;
static struct xen_sysctl sc;

static long domctl(u32 cmd, domid_t dom)
{
	dc.cmd = cmd;
	dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	dc.domain = dom;
	return hc(__HYPERVISOR_domctl, (unsigned long)&dc, 0, 0);
}

static long sysctl(u32 cmd)
{
	sc.cmd = cmd;
	sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	return hc(__HYPERVISOR_sysctl, (unsigned long)&sc, 0, 0);
}

static long getinfo(domid_t dom)
{
	memset(&dc, 0, sizeof(dc));
	return domctl(XEN_DOMCTL_getdomaininfo, dom);
}

static u64 free_pages(void)
{
	memset(&sc, 0, sizeof(sc));
	return sysctl(XEN_SYSCTL_physinfo) ? 0 : sc.u.physinfo.free_pages;
}

/* A PVH domain as libxl asks for one. */
static long create(domid_t want, u32 flags, u32 emu, u32 vcpus, u32 gnt)
{
	memset(&dc, 0, sizeof(dc));
	dc.u.createdomain = (struct xen_domctl_createdomain){
		.flags = flags, .max_vcpus = vcpus, .max_evtchn_port = 1023,
		.max_grant_frames = -1, .max_maptrack_frames = -1,
		.grant_opts = gnt, .arch.emulation_flags = emu,
	};
	memcpy(dc.u.createdomain.handle, "amphi-uuid-0123", 16);
	return domctl(XEN_DOMCTL_createdomain, want);
}
#define PVH_FLAGS (XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap)
#define create_pvh(want) create(want, PVH_FLAGS, XEN_X86_EMU_LAPIC, 2, 1)

static long populate_order(domid_t dom, u64 first_gfn, unsigned int n,
			   unsigned int order)
{
	static xen_pfn_t gfns[16];
	static struct xen_memory_reservation r;

	for (unsigned int i = 0; i < n; i++)
		gfns[i] = first_gfn + (i << order);
	r = (struct xen_memory_reservation){ .nr_extents = n, .domid = dom,
					     .extent_order = order };
	set_xen_guest_handle(r.extent_start, gfns);
	/* As libxc on 64-bit Linux: a one-entry multicall. */
	{
		static multicall_entry_t mc;

		mc = (multicall_entry_t){ .op = __HYPERVISOR_memory_op,
			.args = { XENMEM_populate_physmap, (unsigned long)&r } };
		if (hc(__HYPERVISOR_multicall, (unsigned long)&mc, 1, 0))
			return -1000;
		return mc.result;
	}
}
#define populate(dom, gfn, n) populate_order(dom, gfn, n, 0)

/* An e820 entry as XENMEM_memory_map passes it (packed, 20 bytes). */
struct e820entry {
	u64 addr, size;
	u32 type;
} __attribute__((packed));

static long set_memory_map(domid_t dom, const struct e820entry *e,
			   unsigned int n)
{
	static struct xen_foreign_memory_map fm;

	fm = (struct xen_foreign_memory_map){ .domid = dom };
	fm.map.nr_entries = n;
	set_xen_guest_handle(fm.map.buffer, (void *)e);
	return memory_op(XENMEM_set_memory_map, &fm);
}

static void check_sysctl(void)
{
	struct xen_sysctl_physinfo *pi = &sc.u.physinfo;
	static struct xen_domctl_getdomaininfo list[8];
	static u8 cpumap[8];

	memset(&sc, 0, sizeof(sc));
	sc.cmd = XEN_SYSCTL_physinfo;
	sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION - 1;
	expect(hc(__HYPERVISOR_sysctl, (unsigned long)&sc, 0, 0), -EACCES,
	       "sysctl at interface version 0x14");
	expect(hc(__HYPERVISOR_sysctl, VA_UNMAPPED, 0, 0), -EFAULT,
	       "sysctl, argument unmapped");
	expect(sysctl(99), -ENOSYS, "sysctl 99 (undefined)");
	expect(sysctl(XEN_SYSCTL_debug_keys), -EOPNOTSUPP,
	       "sysctl debug_keys (defined, not implemented)");

	memset(&sc, 0, sizeof(sc));
	if (expect(sysctl(XEN_SYSCTL_physinfo), 0, "sysctl physinfo"))
		report(pi->nr_cpus == nr_vcpus && pi->max_cpu_id + 1 >= nr_vcpus &&
		       (pi->capabilities & (XEN_SYSCTL_PHYSCAP_hvm |
					    XEN_SYSCTL_PHYSCAP_hap |
					    XEN_SYSCTL_PHYSCAP_gnttab_v1 |
					    XEN_SYSCTL_PHYSCAP_pv)) ==
		       (XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap |
			XEN_SYSCTL_PHYSCAP_gnttab_v1) &&
		       pi->free_pages && pi->free_pages < pi->total_pages &&
		       pi->cpu_khz && (pi->hw_cap[0] & 1),
		       "physinfo: %u CPUs (%u vCPUs here), caps %#x, %lu of %lu "
		       "pages free, %u kHz", pi->nr_cpus, nr_vcpus,
		       pi->capabilities, (unsigned long)pi->free_pages,
		       (unsigned long)pi->total_pages, pi->cpu_khz);

	memset(&sc, 0, sizeof(sc));
	sc.u.getdomaininfolist.max_domains = ARRAY_SIZE(list);
	set_xen_guest_handle(sc.u.getdomaininfolist.buffer, list);
	if (expect(sysctl(XEN_SYSCTL_getdomaininfolist), 0, "getdomaininfolist"))
		report(sc.u.getdomaininfolist.num_domains >= 1 &&
		       list[0].domain == 0 &&
		       (list[0].flags & XEN_DOMINF_hvm_guest) &&
		       !(list[0].flags & XEN_DOMINF_dying) &&
		       list[0].nr_online_vcpus >= 1 &&
		       list[0].max_vcpu_id == nr_vcpus - 1,
		       "getdomaininfolist: %u domains, d%u first, flags %#x",
		       sc.u.getdomaininfolist.num_domains, list[0].domain,
		       list[0].flags);
	memset(&sc, 0, sizeof(sc));
	sc.u.getdomaininfolist.max_domains = 4;
	set_xen_guest_handle(sc.u.getdomaininfolist.buffer, P(VA_UNMAPPED));
	expect(sysctl(XEN_SYSCTL_getdomaininfolist), -EFAULT,
	       "getdomaininfolist into an unmapped buffer");

	memset(&sc, 0, sizeof(sc));
	sc.u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
	sc.u.cpupool_op.cpumap.nr_bits = 64;
	set_xen_guest_handle(sc.u.cpupool_op.cpumap.bitmap, cpumap);
	if (expect(sysctl(XEN_SYSCTL_cpupool_op), 0, "cpupool info from 0"))
		report(sc.u.cpupool_op.cpupool_id == 0 &&
		       sc.u.cpupool_op.sched_id == XEN_SCHEDULER_CREDIT &&
		       sc.u.cpupool_op.n_dom >= 1 &&
		       cpumap[0] == (1U << nr_vcpus) - 1,
		       "pool 0: credit, %u domains, CPUs %#x",
		       sc.u.cpupool_op.n_dom, cpumap[0]);
	{
		/* A caller's bitmap wider than the CPUs: the rest is zeroed. */
		static u8 wide[300];
		bool zero = true;

		memset(wide, 0xff, sizeof(wide));
		sc.u.cpupool_op.cpupool_id = 0;
		sc.u.cpupool_op.cpumap.nr_bits = 8 * sizeof(wide);
		set_xen_guest_handle(sc.u.cpupool_op.cpumap.bitmap, wide);
		expect(sysctl(XEN_SYSCTL_cpupool_op), 0, "cpupool info, 2400-bit map");
		for (unsigned int i = 8; i < sizeof(wide); i++)
			zero &= !wide[i];
		report(wide[0] == (1U << nr_vcpus) - 1 && zero,
		       "the CPUs in byte 0 (%#x), bytes 8-299 zeroed", wide[0]);
	}
	sc.u.cpupool_op.cpupool_id = 1;
	expect(sysctl(XEN_SYSCTL_cpupool_op), -ENOENT, "cpupool info from 1");
	sc.u.cpupool_op.op = 99;
	expect(sysctl(XEN_SYSCTL_cpupool_op), -ENOSYS, "cpupool op 99");
}

static void check_bad_domctls(void)
{
	dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION + 1;
	dc.cmd = XEN_DOMCTL_getdomaininfo;
	dc.domain = 0;
	expect(hc(__HYPERVISOR_domctl, (unsigned long)&dc, 0, 0), -EACCES,
	       "domctl at interface version 0x16");
	expect(getinfo(DOMID_SELF), -EINVAL, "getdomaininfo DOMID_SELF");
	expect(getinfo(0x7fef), -ESRCH, "getdomaininfo from 0x7fef (none)");
	expect(domctl(XEN_DOMCTL_pausedomain, 0), -EINVAL, "pause dom0 itself");
	expect(domctl(XEN_DOMCTL_destroydomain, 0), -EINVAL, "destroy dom0 itself");
	expect(domctl(XEN_DOMCTL_pausedomain, 0x7fef), -ESRCH,
	       "pause a domain that does not exist");
	expect(domctl(200, 0), -ENOSYS, "domctl 200 (undefined)");
	expect(domctl(XEN_DOMCTL_shadow_op, 0), -EOPNOTSUPP,
	       "domctl shadow_op (defined, not implemented)");

	expect(create(DOMID_ANY, XEN_DOMCTL_CDF_hap, XEN_X86_EMU_LAPIC, 1, 1),
	       -EINVAL, "createdomain PV (no CDF_hvm)");
	expect(create(DOMID_ANY, XEN_DOMCTL_CDF_hvm, XEN_X86_EMU_LAPIC, 1, 1),
	       -EINVAL, "createdomain with shadow paging (no CDF_hap)");
	expect(create(DOMID_ANY, PVH_FLAGS | (1U << 20), XEN_X86_EMU_LAPIC, 1, 1),
	       -EINVAL, "createdomain with an undefined flag");
	expect(create(DOMID_ANY, PVH_FLAGS, XEN_X86_EMU_LAPIC, 0, 1),
	       -EINVAL, "createdomain with 0 vCPUs");
	expect(create(DOMID_ANY, PVH_FLAGS, XEN_X86_EMU_LAPIC, 1000, 1),
	       -EINVAL, "createdomain with 1000 vCPUs");
	expect(create(DOMID_ANY, PVH_FLAGS, XEN_X86_EMU_LAPIC, 1, 0),
	       -EINVAL, "createdomain with grant version 0");
	expect(create(DOMID_ANY, PVH_FLAGS, XEN_X86_EMU_LAPIC, 1, 2),
	       -EINVAL, "createdomain with grant version 2 (not offered)");
	expect(create(DOMID_ANY, PVH_FLAGS, XEN_X86_EMU_PIT, 1, 1),
	       -EOPNOTSUPP, "createdomain with emulation flags PIT only");
	expect(create(DOMID_ANY, PVH_FLAGS, XEN_X86_EMU_ALL, 1, 1),
	       -EOPNOTSUPP, "createdomain HVM with vPCI");
	expect(hc(__HYPERVISOR_domctl, VA_UNMAPPED, 0, 0), -EFAULT,
	       "domctl, argument unmapped");
}

/* The controls libxl uses between create and unpause. */
static void check_controls(domid_t d)
{
	static u8 map[8];
	struct xen_domctl_vcpuaffinity *a = &dc.u.vcpuaffinity;

	memset(&dc, 0, sizeof(dc));
	dc.u.max_mem.max_memkb = 16 * 4;
	expect(domctl(XEN_DOMCTL_max_mem, d), 0, "max_mem 64 KiB");
	expect(populate(d, 0x100, 16), 16, "populate_physmap of 16 pages for it");
	expect(populate(d, 0x200, 1), 0, "populate_physmap beyond max_mem");
	if (expect(getinfo(d), 0, "getdomaininfo after populating"))
		report(dc.u.getdomaininfo.tot_pages == 16 &&
		       dc.u.getdomaininfo.max_pages == 16,
		       "tot_pages %lu, max_pages %lu",
		       (unsigned long)dc.u.getdomaininfo.tot_pages,
		       (unsigned long)dc.u.getdomaininfo.max_pages);

	/* The builder's large extents: 2 MiB where aligned, nothing else. */
	memset(&dc, 0, sizeof(dc));
	dc.u.max_mem.max_memkb = 16 * 4 + 2048;
	expect(domctl(XEN_DOMCTL_max_mem, d), 0, "max_mem 2 MiB more");
	expect(populate_order(d, 0x40000, 1, 18), 0, "populate a 1 GiB extent");
	expect(populate_order(d, 0x201, 1, 9), 0, "populate an unaligned 2 MiB extent");
	expect(populate_order(d, 0x200, 2, 9), 1, "populate two 2 MiB extents, room for one");
	if (expect(getinfo(d), 0, "getdomaininfo after the 2 MiB extent"))
		report(dc.u.getdomaininfo.tot_pages == 16 + 512,
		       "tot_pages %lu", (unsigned long)dc.u.getdomaininfo.tot_pages);

	{
		static struct e820entry map[65] = {
			{ 0, 0x200000, XEN_HVM_MEMMAP_TYPE_RAM },
			{ 0xfc000000, 0x1000, XEN_HVM_MEMMAP_TYPE_RESERVED },
		};

		expect(set_memory_map(d, map, 2), 0, "set_memory_map, 2 entries");
		expect(set_memory_map(d, map, 65), -EINVAL, "set_memory_map, 65 entries");
		expect(set_memory_map(d, P(VA_UNMAPPED), 2), -EFAULT,
		       "set_memory_map from an unmapped buffer");
		expect(set_memory_map(0x7fef, map, 2), -ESRCH,
		       "set_memory_map of a domain that does not exist");
	}

	memset(&dc, 0, sizeof(dc));
	dc.u.max_vcpus.max = 3;
	expect(domctl(XEN_DOMCTL_max_vcpus, d), -EINVAL, "max_vcpus 3 (created with 2)");
	dc.u.max_vcpus.max = 2;
	expect(domctl(XEN_DOMCTL_max_vcpus, d), 0, "max_vcpus 2");

	memset(&dc, 0, sizeof(dc));
	dc.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
	dc.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_putinfo;
	dc.u.scheduler_op.u.credit.weight = 512;
	dc.u.scheduler_op.u.credit.cap = 0xffff;
	expect(domctl(XEN_DOMCTL_scheduler_op, d), 0, "credit putinfo weight 512");
	dc.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_getinfo;
	if (expect(domctl(XEN_DOMCTL_scheduler_op, d), 0, "credit getinfo"))
		report(dc.u.scheduler_op.u.credit.weight == 512 &&
		       dc.u.scheduler_op.u.credit.cap == 0,
		       "weight %u, cap %u", dc.u.scheduler_op.u.credit.weight,
		       dc.u.scheduler_op.u.credit.cap);
	dc.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT2;
	expect(domctl(XEN_DOMCTL_scheduler_op, d), -EINVAL, "credit2 getinfo");

	memset(&dc, 0, sizeof(dc));
	a->vcpu = 2;
	a->flags = XEN_VCPUAFFINITY_HARD;
	expect(domctl(XEN_DOMCTL_getvcpuaffinity, d), -EINVAL, "affinity of vCPU 2 of 2");
	a->vcpu = 1;
	a->flags = 0;
	expect(domctl(XEN_DOMCTL_getvcpuaffinity, d), -EINVAL, "affinity, no flags");
	a->flags = XEN_VCPUAFFINITY_HARD;
	a->cpumap_hard.nr_bits = 64;
	set_xen_guest_handle(a->cpumap_hard.bitmap, map);
	map[0] = 1;
	expect(domctl(XEN_DOMCTL_setvcpuaffinity, d), 0, "pin vCPU 1 to CPU 0");
	memset(map, 0xff, sizeof(map));
	if (expect(domctl(XEN_DOMCTL_getvcpuaffinity, d), 0, "hard affinity of vCPU 1"))
		report(map[0] == 1 && !map[1], "vCPU 1 runs on CPUs %#x", map[0]);
	memset(map, 0, sizeof(map));
	expect(domctl(XEN_DOMCTL_setvcpuaffinity, d), -EINVAL, "pin to no CPU");
	set_xen_guest_handle(a->cpumap_hard.bitmap, P(VA_UNMAPPED));
	expect(domctl(XEN_DOMCTL_setvcpuaffinity, d), -EFAULT, "affinity map unmapped");

	memset(&dc, 0, sizeof(dc));
	dc.u.getvcpuinfo.vcpu = 1;
	if (expect(domctl(XEN_DOMCTL_getvcpuinfo, d), 0, "getvcpuinfo vCPU 1"))
		report(!dc.u.getvcpuinfo.online && !dc.u.getvcpuinfo.running,
		       "a vCPU never started is offline");
	memset(&dc, 0, sizeof(dc));
	dc.u.paging_mempool.size = 0x1234;
	expect(domctl(XEN_DOMCTL_set_paging_mempool_size, d), -EINVAL,
	       "paging mempool of an unaligned size");
	dc.u.tsc_info.tsc_mode = 3;
	expect(domctl(XEN_DOMCTL_settscinfo, d), -EINVAL, "TSC mode 3");
	dc.u.tsc_info.tsc_mode = 0;
	expect(domctl(XEN_DOMCTL_settscinfo, d), 0, "TSC mode default");
}

/* What xc_cpuid_apply_policy() does: system featureset and policies,
 * the domain's policy read, edited and written back. */
static void check_cpu_policy(domid_t d)
{
	static xen_cpuid_leaf_t leaves[120];
	static xen_msr_entry_t msrs[2];
	static u32 fs[32];
	struct xen_sysctl_cpu_policy *sp = &sc.u.cpu_policy;
	struct xen_domctl_cpu_policy *dp = &dc.u.cpu_policy;
	u32 nl;

	memset(&sc, 0, sizeof(sc));
	sc.u.cpu_featureset.index = XEN_SYSCTL_cpu_featureset_host;
	if (expect(sysctl(XEN_SYSCTL_get_cpu_featureset), 0, "featureset size"))
		report(sc.u.cpu_featureset.nr_features >= 16,
		       "featureset: %u words", sc.u.cpu_featureset.nr_features);
	set_xen_guest_handle(sc.u.cpu_featureset.features, fs);
	sc.u.cpu_featureset.nr_features = 2;
	expect(sysctl(XEN_SYSCTL_get_cpu_featureset), -ENOBUFS,
	       "featureset into 2 words");
	sc.u.cpu_featureset.nr_features = 32;
	sc.u.cpu_featureset.index = 99;
	expect(sysctl(XEN_SYSCTL_get_cpu_featureset), -EINVAL, "featureset 99");
	sc.u.cpu_featureset.index = XEN_SYSCTL_cpu_featureset_hvm;
	if (expect(sysctl(XEN_SYSCTL_get_cpu_featureset), 0, "featureset hvm"))
		report(fs[0] & 1, "hvm featureset word 0 %#x (FPU)", fs[0]);

	memset(&sc, 0, sizeof(sc));
	sp->index = XEN_SYSCTL_cpu_policy_hvm_default;
	if (expect(sysctl(XEN_SYSCTL_get_cpu_policy), 0, "cpu policy size"))
		report(sp->nr_leaves == 120 && sp->nr_msrs == 2,
		       "policy size: %u leaves, %u MSRs", sp->nr_leaves, sp->nr_msrs);
	sp->_rsvd = 1;
	expect(sysctl(XEN_SYSCTL_get_cpu_policy), -EINVAL, "cpu policy, _rsvd set");
	sp->_rsvd = 0;
	set_xen_guest_handle(sp->leaves, leaves);
	set_xen_guest_handle(sp->msrs, msrs);
	sp->nr_leaves = 3;
	expect(sysctl(XEN_SYSCTL_get_cpu_policy), -ENOBUFS, "cpu policy into 3 leaves");
	sp->nr_leaves = 120;
	sp->nr_msrs = 2;
	if (expect(sysctl(XEN_SYSCTL_get_cpu_policy), 0, "hvm default policy"))
		report(sp->nr_leaves > 10 && leaves[0].leaf == 0,
		       "hvm default: %u leaves, %u MSRs", sp->nr_leaves, sp->nr_msrs);

	memset(&dc, 0, sizeof(dc));
	dp->nr_leaves = 120;
	dp->nr_msrs = 2;
	set_xen_guest_handle(dp->leaves, leaves);
	set_xen_guest_handle(dp->msrs, msrs);
	if (!expect(domctl(XEN_DOMCTL_get_cpu_policy, d), 0, "d%u's policy", d))
		return;
	nl = dp->nr_leaves;
	expect(domctl(XEN_DOMCTL_set_cpu_policy, d), 0, "d%u's policy back", d);
	expect(domctl(XEN_DOMCTL_set_cpu_policy, 0), -EINVAL, "set dom0's own policy");
	leaves[nl] = (xen_cpuid_leaf_t){ .leaf = 0x1234, .subleaf = 7 };
	dp->nr_leaves = nl + 1;
	expect(domctl(XEN_DOMCTL_set_cpu_policy, d), -ERANGE, "policy with leaf 0x1234");
	report(dp->err_leaf == 0x1234, "err_leaf %#x", dp->err_leaf);
	dp->nr_leaves = 1000;
	expect(domctl(XEN_DOMCTL_set_cpu_policy, d), -E2BIG, "policy of 1000 leaves");
}

/* Bind the global VIRQ_DOM_EXC, as xenstored does. */
static evtchn_port_t bind_dom_exc(void)
{
	static struct evtchn_bind_virq b;

	b = (struct evtchn_bind_virq){ .virq = VIRQ_DOM_EXC, .vcpu = 0 };
	if (!expect(evtchn_op(EVTCHNOP_bind_virq, &b), 0, "bind VIRQ_DOM_EXC"))
		return 0;
	port_clear(b.port);
	return b.port;
}

/* Wait up to @ms for the allocator to have @want pages free again. */
static u64 wait_free(u64 want, unsigned int ms)
{
	u64 f = free_pages();

	for (unsigned int i = 0; i < ms && f < want; i++) {
		sleep_ms(1);
		f = free_pages();
	}
	return f;
}

/* An HVM domain as libxl asks for one (all emulated devices but vPCI):
 * created, reported with its flags, destroyed with every page back. */
static void check_create_hvm(void)
{
	const u32 emu = XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI;
	u64 before = free_pages();
	domid_t d;

	if (!expect(create(DOMID_ANY, PVH_FLAGS, emu, 2, 1), 0,
		    "createdomain HVM (all emulated devices but vPCI)"))
		return;
	d = dc.domain;
	if (expect(getinfo(d), 0, "getdomaininfo of HVM d%u", d))
		report(dc.u.getdomaininfo.arch_config.emulation_flags == emu &&
		       (dc.u.getdomaininfo.flags & XEN_DOMINF_hvm_guest),
		       "d%u reports emulation flags %#x (%#x) and HVM", d,
		       dc.u.getdomaininfo.arch_config.emulation_flags, emu);
	expect(domctl(XEN_DOMCTL_destroydomain, d), 0, "destroy HVM d%u", d);
	report(wait_free(before, 200) == before, "HVM d%u: all pages free again", d);
}

static void check_life_cycle(evtchn_port_t exc)
{
	static struct sched_remote_shutdown rs;
	u64 before = free_pages(), after;
	domid_t d;
	long rc;

	if (!expect(create_pvh(DOMID_ANY), 0, "createdomain PVH, any id"))
		return;
	d = dc.domain;
	if (expect(getinfo(d), 0, "getdomaininfo of the new d%u", d))
		report(dc.domain == d &&
		       (dc.u.getdomaininfo.flags & (XEN_DOMINF_paused |
						    XEN_DOMINF_hvm_guest |
						    XEN_DOMINF_dying |
						    XEN_DOMINF_shutdown)) ==
		       (XEN_DOMINF_paused | XEN_DOMINF_hvm_guest) &&
		       dc.u.getdomaininfo.max_vcpu_id == 1 &&
		       !dc.u.getdomaininfo.nr_online_vcpus &&
		       !memcmp(dc.u.getdomaininfo.handle, "amphi-uuid-0123", 16),
		       "new d%u is paused, HVM, 2 vCPUs offline, has its handle "
		       "(flags %#x)", d, dc.u.getdomaininfo.flags);
	check_controls(d);
	check_cpu_policy(d);
	check_hvmcontext(d);
	expect(domctl(XEN_DOMCTL_unpausedomain, d), 0, "unpause d%u", d);
	memset(&dc, 0, sizeof(dc));
	expect(domctl(XEN_DOMCTL_set_cpu_policy, d), -EEXIST,
	       "set d%u's policy after its first unpause", d);
	expect(domctl(XEN_DOMCTL_unpausedomain, d), -EINVAL, "unpause d%u again", d);
	expect(domctl(XEN_DOMCTL_pausedomain, d), 0, "pause d%u", d);

	/* Shut down: kept, flagged, dom0 told. */
	rs = (struct sched_remote_shutdown){ .domain_id = d,
					     .reason = SHUTDOWN_reboot };
	expect(sched_op(SCHEDOP_remote_shutdown, &rs), 0, "remote_shutdown d%u", d);
	report(port_pending(exc), "VIRQ_DOM_EXC after the shutdown");
	port_clear(exc);
	if (expect(getinfo(d), 0, "getdomaininfo of the shut-down d%u", d))
		report(dc.domain == d &&
		       (dc.u.getdomaininfo.flags & XEN_DOMINF_shutdown) &&
		       !(dc.u.getdomaininfo.flags & XEN_DOMINF_dying) &&
		       (dc.u.getdomaininfo.flags >> XEN_DOMINF_shutdownshift) ==
		       SHUTDOWN_reboot,
		       "d%u is kept, shut down for reboot (flags %#x)", d,
		       dc.u.getdomaininfo.flags);

	/* Destroy: gone, dom0 told, every page back. */
	expect(domctl(XEN_DOMCTL_destroydomain, d), 0, "destroydomain d%u", d);
	report(port_pending(exc), "VIRQ_DOM_EXC after the destruction");
	port_clear(exc);
	rc = getinfo(d);
	report(rc == -ESRCH || (!rc && dc.domain != d),
	       "d%u is no longer listed (%s)", d, err_str(rc));
	expect(domctl(XEN_DOMCTL_destroydomain, d), -ESRCH, "destroy d%u again", d);
	after = wait_free(before, 200);
	report(after == before, "all %lu pages free again (%lu)",
	       (unsigned long)before, (unsigned long)after);

	/* An explicit id works too, and is taken until destroyed. */
	if (expect(create_pvh(77), 0, "createdomain as d77")) {
		report(dc.domain == 77, "created as d%u", dc.domain);
		expect(create_pvh(77), -EEXIST, "createdomain as d77 again");
		if (expect(getinfo(70), 0, "getdomaininfo from 70"))
			report(dc.domain == 77, "getdomaininfo from 70 is d%u",
			       dc.domain);
		expect(domctl(XEN_DOMCTL_destroydomain, 77), 0, "destroy d77");
	}
}

/* multicall: what libxc does for every memory_op (one entry), and the
 * rules: results in the entries, a nested multicall -EINVAL, unknown
 * numbers -ENOSYS, privileged calls as privileged as outside. */
static void check_multicall(void)
{
	static multicall_entry_t mc[4];
	static domid_t self = DOMID_SELF;

	memset(mc, 0, sizeof(mc));
	mc[0].op = __HYPERVISOR_memory_op;
	mc[0].args[0] = XENMEM_current_reservation;
	mc[0].args[1] = (unsigned long)&self;
	mc[1].op = __HYPERVISOR_multicall;
	mc[2].op = 99;
	mc[3].op = __HYPERVISOR_sysctl;
	mc[3].args[0] = (unsigned long)&sc;
	memset(&sc, 0, sizeof(sc));
	sc.cmd = XEN_SYSCTL_sched_id;
	sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	expect(hc(__HYPERVISOR_multicall, (unsigned long)mc, 4, 0), 0, "multicall of 4");
	report((long)mc[0].result > 0 && (long)mc[1].result == -EINVAL &&
	       (long)mc[2].result == -ENOSYS && mc[3].result == 0 &&
	       sc.u.sched_id.sched_id == XEN_SCHEDULER_CREDIT,
	       "multicall results: %ld pages, %s, %s, %s", (long)mc[0].result,
	       err_str(mc[1].result), err_str(mc[2].result), err_str(mc[3].result));
	expect(hc(__HYPERVISOR_multicall, (unsigned long)mc, 0, 0), 0, "multicall of 0");
	expect(hc(__HYPERVISOR_multicall, VA_UNMAPPED, 1, 0), -EFAULT,
	       "multicall, list unmapped");
	expect(hc(__HYPERVISOR_multicall, win_cross(sizeof(mc[0])), 2, 0), -EFAULT,
	       "multicall, second entry in a hole");
}

/* xen-init-dom0 gives dom0 its UUID; dom0 reads it back. */
static void check_own_handle(void)
{
	static xen_domain_handle_t h;

	memset(&dc, 0, sizeof(dc));
	memcpy(dc.u.setdomainhandle.handle, "dom0-uuid-abcdef", 16);
	expect(domctl(XEN_DOMCTL_setdomainhandle, 0), 0, "setdomainhandle of dom0");
	expect(hc(__HYPERVISOR_xen_version, XENVER_guest_handle,
		  (unsigned long)h, 0), 0, "XENVER_guest_handle");
	report(!memcmp(h, "dom0-uuid-abcdef", 16), "dom0 reads its new handle");
}

void check_toolstack(void)
{
	evtchn_port_t exc;

	check_multicall();
	check_own_handle();
	check_sysctl();
	check_bad_domctls();
	check_create_hvm();
	exc = bind_dom_exc();
	if (exc)
		check_life_cycle(exc);
	if (exc)
		evtchn_close(exc);
}
