/*
 * XEN_SYSCTL_*: what the toolstack asks about the machine as a whole,
 * answered as Xen 4.17's xen/common/sysctl.c and arch/x86/sysctl.c do
 * (docs/xen-toolstack.md §A.2 lists who asks what).  The machine as
 * Amphi presents it: the online pCPUs, one core per socket each, one
 * NUMA node, one CPU pool (0) with the credit scheduler.  A sub-op
 * public/sysctl.h defines but Amphi does not implement answers
 * -EOPNOTSUPP; a number it does not define, -ENOSYS, as in Xen.
 */
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <xen/time.h>
#include <xen/toolstack.h>
#include <asm/percpu.h>
#include <asm/processor.h>

/* Xen's "no distance" and the distance of a node to itself (ACPI SLIT). */
#define NODE_DISTANCE_LOCAL 10

static unsigned int nr_cpu_ids(void)
{
	u64 online = cpus_online_mask();

	return online ? 64 - __builtin_clzll(online) : 1;
}

/* Xen's read_console_ring(). */
static long readconsole(struct vcpu *v, struct xen_sysctl_readconsole *rc)
{
	u64 buf = guest_handle_addr(rc->buffer);
	u32 c, p, sofar = 0;
	char chunk[256];

	console_ring_indices(&c, &p);
	/* Continue from the caller's index if it lies in [c, p]. */
	if (rc->incremental && (u32)(rc->index - c) <= (u32)(p - c))
		c = rc->index;
	while (c != p && sofar < rc->count) {
		size_t n = console_ring_copy(c, p, chunk,
					     MIN(sizeof(chunk),
						 (size_t)(rc->count - sofar)));

		if (copy_to_guest(v, buf + sofar, chunk, n))
			return -EFAULT;
		sofar += n;
		c += n;
	}
	if (rc->clear)
		console_ring_consume(c);
	rc->count = sofar;
	rc->index = c;
	return 0;
}

/* The host's CPUID feature word @i in Xen's featureset order
 * (public/arch-x86/cpufeatureset.h, words 0-7). */
static u32 host_feature_word(unsigned int i)
{
	static const struct { u32 leaf, sub; u8 reg; } src[8] = {
		{ 1, 0, 3 }, { 1, 0, 2 }, { 0x80000001, 0, 3 },
		{ 0x80000001, 0, 2 }, { 0xd, 1, 0 }, { 7, 0, 1 }, { 7, 0, 2 },
		{ 0x80000007, 0, 3 },
	};
	struct cpuid_regs r;
	u32 max = cpuid_eax(src[i].leaf & 0x80000000);

	if (src[i].leaf > max)
		return 0;
	cpuid_count(src[i].leaf, src[i].sub, &r);
	return ((const u32 *)&r)[src[i].reg];
}

static void physinfo(struct xen_sysctl_physinfo *pi)
{
	memset(pi, 0, sizeof(*pi));
	pi->threads_per_core = 1;
	pi->cores_per_socket = 1;
	for (u64 m = cpus_online_mask(); m; m &= m - 1)
		pi->nr_cpus++;
	pi->max_cpu_id = nr_cpu_ids() - 1;
	pi->nr_nodes = 1;
	pi->max_node_id = 0;
	pi->cpu_khz = cpu_khz;
	/* HVM containers with HAP (no PV, no shadow), grant tables v1. */
	pi->capabilities = XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap |
			   XEN_SYSCTL_PHYSCAP_gnttab_v1;
	pi->total_pages = page_alloc_total_pages();
	pi->free_pages = page_alloc_free_pages();
	pi->max_mfn = page_alloc_total_pages();
	/* hw_cap: Xen's boot_cpu_data.x86_capability words 0-7 (CPUID 1
	 * EDX/ECX, 0x80000001 EDX/ECX, ...); xl info prints them. */
	for (unsigned int i = 0; i < ARRAY_SIZE(pi->hw_cap); i++)
		pi->hw_cap[i] = host_feature_word(i);
}

static long getdomaininfolist(struct vcpu *v,
			      struct xen_sysctl_getdomaininfolist *l)
{
	struct xen_domctl_getdomaininfo info;
	u64 buf = guest_handle_addr(l->buffer);
	u32 n = 0;

	/* In domid order, as Xen's sorted list gives them. */
	for (u32 id = l->first_domain; id < DOMID_FIRST_RESERVED &&
				       n < l->max_domains; n++) {
		struct domain *d = domain_first_from(id);

		if (!d)
			break;
		id = d->domain_id + 1;
		domain_get_info(d, &info);
		put_domain(d);
		if (copy_to_guest(v, buf + (u64)n * sizeof(info), &info,
				  sizeof(info)))
			return -EFAULT;
	}
	l->num_domains = n;
	return 0;
}

static long cputopoinfo(struct vcpu *v, struct xen_sysctl_cputopoinfo *t)
{
	u64 online = cpus_online_mask(), buf = guest_handle_addr(t->cputopo);
	unsigned int n = nr_cpu_ids();

	if (buf) {
		n = MIN(n, t->num_cpus);
		for (unsigned int i = 0; i < n; i++) {
			struct xen_sysctl_cputopo c = {
				.core = XEN_INVALID_CORE_ID,
				.socket = XEN_INVALID_SOCKET_ID,
				.node = XEN_INVALID_NODE_ID,
			};

			if (online & (1ULL << i)) {
				c.core = 0;
				c.socket = i;
				c.node = 0;
			}
			if (copy_to_guest(v, buf + i * sizeof(c), &c, sizeof(c)))
				return -EFAULT;
		}
	}
	t->num_cpus = n;
	return 0;
}

static long numainfo(struct vcpu *v, struct xen_sysctl_numainfo *ni)
{
	u64 mi = guest_handle_addr(ni->meminfo), di = guest_handle_addr(ni->distance);
	unsigned int n = 1;

	if (mi || di) {
		n = MIN(n, ni->num_nodes);
		if (n && mi) {
			struct xen_sysctl_meminfo m = {
				.memsize = page_alloc_total_pages() << PAGE_SHIFT,
				.memfree = page_alloc_free_pages() << PAGE_SHIFT,
			};

			if (copy_to_guest(v, mi, &m, sizeof(m)))
				return -EFAULT;
		}
		if (n && di) {
			u32 dist = NODE_DISTANCE_LOCAL;

			if (copy_to_guest(v, di, &dist, sizeof(dist)))
				return -EFAULT;
		}
	}
	ni->num_nodes = n;
	return 0;
}

/* Xen's cpupool_do_sysctl() with pool 0 holding every pCPU. */
static long cpupool_op(struct vcpu *v, struct xen_sysctl_cpupool_op *cp)
{
	unsigned int n_dom = 0;

	switch (cp->op) {
	case XEN_SYSCTL_CPUPOOL_OP_INFO:
		/* "The first pool with an id >= cpupool_id". */
		if (cp->cpupool_id > 0)
			return -ENOENT;
		for (u32 id = 0; id < DOMID_FIRST_RESERVED; n_dom++) {
			struct domain *d = domain_first_from(id);

			if (!d)
				break;
			id = d->domain_id + 1;
			put_domain(d);
		}
		cp->cpupool_id = 0;
		cp->sched_id = XEN_SCHEDULER_CREDIT;
		cp->n_dom = n_dom;
		return xenctl_bitmap_to_guest(v, &cp->cpumap, cpus_online_mask(),
					      NR_CPUS);
	case XEN_SYSCTL_CPUPOOL_OP_FREEINFO:
		/* No pCPU is outside pool 0. */
		return xenctl_bitmap_to_guest(v, &cp->cpumap, 0, NR_CPUS);
	case XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN:
		return cp->cpupool_id ? -ENOENT : 0;
	case XEN_SYSCTL_CPUPOOL_OP_CREATE:
	case XEN_SYSCTL_CPUPOOL_OP_DESTROY:
	case XEN_SYSCTL_CPUPOOL_OP_ADDCPU:
	case XEN_SYSCTL_CPUPOOL_OP_RMCPU:
		return -EOPNOTSUPP;	/* one pool, fixed */
	}
	return -ENOSYS;			/* Xen's answer to an unknown op */
}

static long sysctl_do(struct vcpu *v, struct xen_sysctl *op, bool *copy_back)
{
	long rc;

	switch (op->cmd) {
	case XEN_SYSCTL_readconsole:
		return readconsole(v, &op->u.readconsole);
	case XEN_SYSCTL_physinfo:
		physinfo(&op->u.physinfo);
		return 0;
	case XEN_SYSCTL_sched_id:
		op->u.sched_id.sched_id = XEN_SCHEDULER_CREDIT;
		return 0;
	case XEN_SYSCTL_getdomaininfolist:
		return getdomaininfolist(v, &op->u.getdomaininfolist);
	case XEN_SYSCTL_cputopoinfo:
		return cputopoinfo(v, &op->u.cputopoinfo);
	case XEN_SYSCTL_numainfo:
		return numainfo(v, &op->u.numainfo);
	case XEN_SYSCTL_cpupool_op:
		return cpupool_op(v, &op->u.cpupool_op);
	case XEN_SYSCTL_scheduler_op:
		return sched_adjust_global(&op->u.scheduler_op);
	case XEN_SYSCTL_get_cpu_featureset:
		/* Xen hands the words and their number back on -ENOBUFS. */
		rc = sysctl_cpu_featureset(v, &op->u.cpu_featureset);
		*copy_back = rc == -ENOBUFS;
		return rc;
	case XEN_SYSCTL_get_cpu_policy:
		return sysctl_cpu_policy(v, &op->u.cpu_policy, copy_back);
	}
	/* public/sysctl.h (interface 0x15) defines 1-12, 14-23, 25-27, 29. */
	if (op->cmd >= 1 && op->cmd <= 29 && op->cmd != 13 && op->cmd != 24 &&
	    op->cmd != 28)
		return -EOPNOTSUPP;
	return -ENOSYS;
}

long do_sysctl(struct vcpu *v, struct hypercall_args *args)
{
	struct xen_sysctl op;
	bool copy_back = false;
	long rc;

	if (copy_from_guest(v, &op, args->a[0], sizeof(op)))
		return -EFAULT;
	if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
		return -EACCES;
	rc = sysctl_do(v, &op, &copy_back);
	/* Xen copies the whole struct back after every successful sub-op,
	 * and some fields after some failures. */
	if ((!rc || copy_back) && copy_to_guest(v, args->a[0], &op, sizeof(op)))
		rc = -EFAULT;
	return rc;
}
