/*
 * XEN_DOMCTL_*: how the toolstack in the initial domain creates, starts,
 * inspects and destroys domains.  Each sub-op answers as Xen 4.17's
 * xen/common/domctl.c and arch/x86/domctl.c do, because Debian's libxl
 * and libxc check the answers (docs/xen-toolstack.md §A.1, §A.2 lists
 * what `xl create` and `xl destroy` send, in order).  A sub-op public/
 * domctl.h defines but Amphi does not implement answers -EOPNOTSUPP, so
 * callers that probe fall back; a number it does not define, -ENOSYS, as
 * in Xen.
 *
 * Every field is the caller's: domain ids, vCPU numbers, bitmaps and
 * sizes are range-checked before anything changes.
 */
#include <xen/arch_vcpu.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/frame.h>
#include <xen/grant_table.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/nospec.h>
#include <xen/sched.h>
#include <xen/shared_info.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/time.h>
#include <xen/toolstack.h>
#include <xen/xmalloc.h>
#include <asm/percpu.h>

/* XEN_DOMCTL_settscinfo modes (Xen's asm/time.h, not in the public
 * headers; libxl's libxl_tsc_mode maps onto them). */
#define TSC_MODE_DEFAULT 0
#define TSC_MODE_ALWAYS_EMULATE 1
#define TSC_MODE_NEVER_EMULATE 2

/* Serialises creation (domid choice and insertion). */
static DEFINE_SPINLOCK(domctl_create_lock);
static domid_t domid_rover;

/* --- Shared with sysctl.c --- */

u64 cpus_online_mask(void)
{
	u64 m = 0;

	for (unsigned int i = 0; i < NR_CPUS; i++)
		if (READ_ONCE(per_cpu(i)->online))
			m |= 1ULL << i;
	return m;
}

int xenctl_bitmap_to_guest(struct vcpu *v, const struct xenctl_bitmap *b,
			   u64 mask, unsigned int nbits)
{
	unsigned int guest_bytes = (b->nr_bits + 7) / 8;
	unsigned int copy = MIN(guest_bytes, (nbits + 7) / 8);
	u64 addr = guest_handle_addr(b->bitmap);
	u8 bytes[8] = { 0 };

	for (unsigned int i = 0; i < copy; i++)
		bytes[i] = mask >> (8 * i);
	if (copy && copy_to_guest(v, addr, bytes, copy))
		return -EFAULT;
	/* The rest of the caller's bitmap is zeroed (Xen's clear_guest),
	 * a chunk at a time: nr_bits is the caller's, up to 2^32. */
	for (unsigned int i = copy; i < guest_bytes;) {
		static const u8 zeros[256];
		unsigned int n = MIN(guest_bytes - i, (unsigned int)sizeof(zeros));

		if (copy_to_guest(v, addr + i, zeros, n))
			return -EFAULT;
		i += n;
	}
	return 0;
}

int xenctl_bitmap_from_guest(struct vcpu *v, const struct xenctl_bitmap *b,
			     u64 *mask)
{
	unsigned int guest_bytes = (b->nr_bits + 7) / 8;
	unsigned int copy = MIN(guest_bytes, 8U);
	u8 bytes[8] = { 0 };

	if (copy && copy_from_guest(v, bytes, guest_handle_addr(b->bitmap),
				    copy))
		return -EFAULT;
	/* Bits past nr_bits in the last byte are not the caller's. */
	if ((b->nr_bits & 7) && guest_bytes <= 8)
		bytes[guest_bytes - 1] &= (1U << (b->nr_bits & 7)) - 1;
	*mask = 0;
	for (unsigned int i = 0; i < copy; i++)
		*mask |= (u64)bytes[i] << (8 * i);
	return 0;
}

static s_time_t vcpu_cpu_time(const struct vcpu *v)
{
	s_time_t t = READ_ONCE(v->runstate_time[RUNSTATE_running]);

	if (READ_ONCE(v->runstate) == RUNSTATE_running)
		t += NOW() - READ_ONCE(v->runstate_entry);
	return t;
}

void domain_get_info(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
	u32 flags = XEN_DOMINF_blocked;

	memset(info, 0, sizeof(*info));
	info->domain = d->domain_id;
	info->max_vcpu_id = XEN_INVALID_MAX_VCPU_ID;
	/* Blocked only if every online vCPU is; running if any is. */
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		const struct vcpu *v = d->vcpu[i];
		unsigned long pf;

		if (!v)
			continue;
		pf = READ_ONCE(v->pause_flags);
		info->cpu_time += vcpu_cpu_time(v);
		info->max_vcpu_id = i;
		if (pf & (1UL << VPF_down))
			continue;
		if (!(pf & (1UL << VPF_blocked)))
			flags &= ~XEN_DOMINF_blocked;
		if (READ_ONCE(v->is_running))
			flags |= XEN_DOMINF_running;
		info->nr_online_vcpus++;
	}
	if (!info->nr_online_vcpus)
		flags = 0;
	/* Xen's DOMDYING_dead: resources given back (ours: relinquished). */
	if (READ_ONCE(d->relinquished))
		flags |= XEN_DOMINF_dying;
	if (READ_ONCE(d->is_shutdown))
		flags |= XEN_DOMINF_shutdown |
			 (u32)(d->shutdown_code & XEN_DOMINF_shutdownmask) <<
			 XEN_DOMINF_shutdownshift;
	if (READ_ONCE(d->controller_pause_count))
		flags |= XEN_DOMINF_paused;
	/* Every Amphi domain is an HVM container with nested paging. */
	flags |= XEN_DOMINF_hvm_guest | XEN_DOMINF_hap;
	info->flags = flags;
	info->tot_pages = READ_ONCE(d->tot_pages);
	info->max_pages = READ_ONCE(d->max_pages);
	info->shared_info_frame = d->shared_info_gfn == ~0ULL ?
				  (u64)INVALID_MFN : d->shared_info_gfn;
	info->ssidref = 0;
	info->cpupool = 0;
	info->gpaddr_bits = P2M_GUEST_PHYS_BITS;
	memcpy(info->handle, d->handle, sizeof(info->handle));
	info->arch_config.emulation_flags = d->emulation_flags;
}

/* --- createdomain --- */

/* Xen's sanitise_domain_config() and arch_sanitise_domain_config() for
 * what Amphi runs: HVM containers with HAP, PVH or fully emulated HVM. */
static int createdomain_check(struct domain *caller,
			      const struct xen_domctl_createdomain *c)
{
	const u32 known = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap |
			  XEN_DOMCTL_CDF_s3_integrity | XEN_DOMCTL_CDF_oos_off |
			  XEN_DOMCTL_CDF_xs_domain | XEN_DOMCTL_CDF_iommu |
			  XEN_DOMCTL_CDF_nested_virt | XEN_DOMCTL_CDF_vpmu;
	u32 emu = c->arch.emulation_flags;

	if (c->flags & ~known || c->iommu_opts ||
	    c->arch.misc_flags & ~XEN_X86_MISC_FLAGS_MAX)
		return -EINVAL;
	/* No PV guests, no shadow paging, no IOMMU, no nested virt, no vPMU,
	 * no processor trace, no tboot: each refused as Xen refuses it when
	 * it lacks the feature. */
	if (!(c->flags & XEN_DOMCTL_CDF_hvm) || !(c->flags & XEN_DOMCTL_CDF_hap) ||
	    c->flags & (XEN_DOMCTL_CDF_iommu | XEN_DOMCTL_CDF_nested_virt |
			XEN_DOMCTL_CDF_vpmu | XEN_DOMCTL_CDF_s3_integrity) ||
	    c->vmtrace_size)
		return -EINVAL;
	if (!c->max_vcpus || c->max_vcpus > MAX_VIRT_CPUS)
		return -EINVAL;
	if ((c->grant_opts & ~XEN_DOMCTL_GRANT_version_mask) ||
	    XEN_DOMCTL_GRANT_version(c->grant_opts) != 1)
		return -EINVAL;	/* physinfo offers grant tables v1 only */
	if (c->max_grant_frames >= 0 &&
	    (c->max_grant_frames < 1 || c->max_grant_frames > GNTTAB_MAX_FRAMES))
		return -EINVAL;
	if (c->cpupool_id)
		return -ENOENT;	/* one pool, 0 */
	/* Xen's emulation_flags_ok() for a domU, with its error code: PVH
	 * (the LAPIC alone) or HVM (everything but vPCI).  An HVM domain gets
	 * the PC platform Amphi emulates itself (PIC, PIT, IO-APIC, LAPIC:
	 * hvm/platform.h); the RTC, HPET, PM timer and VGA flags name devices
	 * that stock QEMU in dom0 serves instead (docs/xen-toolstack.md, "HVM
	 * guests"). */
	if (emu != XEN_X86_EMU_LAPIC &&
	    emu != (XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI)) {
		domain_bad_request(caller, "createdomain: emulation flags %#x "
				   "are neither PVH's nor HVM's", emu);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* A free domid: the one asked for, or Xen's rover search from the last
 * one handed out.  Pre: domctl_create_lock. */
static int pick_domid(domid_t want, domid_t *out)
{
	struct domain *d;

	if (want > 0 && want < DOMID_FIRST_RESERVED) {
		if ((d = domain_by_id(want))) {
			put_domain(d);
			return -EEXIST;
		}
		*out = want;
		return 0;
	}
	for (domid_t id = domid_rover + 1; id != domid_rover; id++) {
		if (id >= DOMID_FIRST_RESERVED)
			id = 1;
		if (id == domid_rover)
			break;
		if (!(d = domain_by_id(id))) {
			*out = domid_rover = id;
			return 0;
		}
		put_domain(d);
	}
	return -ENOMEM;
}

static long createdomain(struct vcpu *v, struct xen_domctl *op)
{
	const struct xen_domctl_createdomain *c = &op->u.createdomain;
	struct domain_config cfg = {
		.max_vcpus = c->max_vcpus,
		.from_toolstack = true,
		.emulation_flags = c->arch.emulation_flags,
	};
	struct domain *d;
	unsigned long f;
	domid_t id;
	char name[16];
	int rc = createdomain_check(v->domain, c);

	if (rc)
		return rc;
	/* The event core further caps it at what the ABI in use can name
	 * (4095 until the guest switches to FIFO). */
	cfg.max_evtchn_port = MIN(c->max_evtchn_port, EVTCHN_MAX_PORTS - 1);
	/* < 0: the hypervisor's default (checked in createdomain_check()). */
	cfg.max_grant_frames = c->max_grant_frames < 0 ? 0 : c->max_grant_frames;
	f = spin_lock_irqsave(&domctl_create_lock);
	rc = pick_domid(op->domain, &id);
	if (!rc) {
		snprintf(name, sizeof(name), "d%u", id);
		d = domain_create(id, name, &cfg);
		if (!d)
			rc = -ENOMEM;
	}
	spin_unlock_irqrestore(&domctl_create_lock, f);
	if (rc)
		return rc;
	memcpy(d->handle, c->handle, sizeof(d->handle));
	op->domain = id;
	printk("d%u: created by d%u (%u vCPU%s)\n", id, v->domain->domain_id,
	       cfg.max_vcpus, cfg.max_vcpus > 1 ? "s" : "");
	return 0;
}

/* --- vCPUs --- */

static struct vcpu *domctl_vcpu(struct domain *d, u32 id)
{
	if (id >= d->max_vcpus)
		return NULL;
	return d->vcpu[array_index_nospec(id, d->max_vcpus)];
}

static long vcpuaffinity(struct vcpu *v, struct domain *d,
			 struct xen_domctl_vcpuaffinity *a, bool set)
{
	struct vcpu *t = domctl_vcpu(d, a->vcpu);
	u64 online = cpus_online_mask(), mask;
	int rc;

	if (!t)
		return -EINVAL;
	if (!(a->flags & (XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT)) ||
	    a->flags & ~(XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT |
			 XEN_VCPUAFFINITY_FORCE))
		return -EINVAL;
	if (set && a->flags & XEN_VCPUAFFINITY_HARD) {
		if ((rc = xenctl_bitmap_from_guest(v, &a->cpumap_hard, &mask)))
			return rc;
		if ((rc = vcpu_set_hard_affinity(t, mask)))
			return rc;
	}
	/* Soft affinity is a placement hint Xen's credit scheduler prefers;
	 * Amphi's has no such preference, so a domain's soft affinity is
	 * all pCPUs, whatever is asked (libxl sets it from NUMA placement,
	 * which on one node is all pCPUs anyway). */
	if (set && a->flags & XEN_VCPUAFFINITY_SOFT &&
	    (rc = xenctl_bitmap_from_guest(v, &a->cpumap_soft, &mask)))
		return rc;
	/* Both directions report the effective masks, as Xen does. */
	if (a->flags & XEN_VCPUAFFINITY_HARD &&
	    (rc = xenctl_bitmap_to_guest(v, &a->cpumap_hard,
					 READ_ONCE(t->hard_affinity) & online,
					 NR_CPUS)))
		return rc;
	if (a->flags & XEN_VCPUAFFINITY_SOFT &&
	    (rc = xenctl_bitmap_to_guest(v, &a->cpumap_soft, online, NR_CPUS)))
		return rc;
	return 0;
}

static long getvcpuinfo(struct domain *d, struct xen_domctl_getvcpuinfo *vi)
{
	struct vcpu *t = domctl_vcpu(d, vi->vcpu);
	unsigned long pf;

	if (vi->vcpu >= d->max_vcpus)
		return -EINVAL;
	if (!t)
		return -ESRCH;
	pf = READ_ONCE(t->pause_flags);
	vi->online = !(pf & (1UL << VPF_down));
	vi->blocked = !!(pf & (1UL << VPF_blocked));
	vi->running = READ_ONCE(t->is_running);
	vi->cpu_time = vcpu_cpu_time(t);
	vi->cpu = READ_ONCE(t->processor);
	return 0;
}

static long scheduler_op(struct domain *d, struct xen_domctl_scheduler_op *s)
{
	if (s->sched_id != XEN_SCHEDULER_CREDIT)
		return -EINVAL;
	switch (s->cmd) {
	case XEN_DOMCTL_SCHEDOP_getinfo:
		s->u.credit.weight = d->weight;
		s->u.credit.cap = d->cap;
		return 0;
	case XEN_DOMCTL_SCHEDOP_putinfo: {
		/* Xen's credit: weight 0 and cap 0xffff mean "unchanged". */
		unsigned int w = s->u.credit.weight ? s->u.credit.weight :
						      d->weight;
		unsigned int c = s->u.credit.cap != 0xffff ? s->u.credit.cap :
							     d->cap;

		return sched_adjust(d, w, c);
	}
	}
	return -EINVAL;	/* credit has no per-vCPU parameters */
}

/* --- Dispatch --- */

/* The sub-op numbers public/domctl.h (interface 0x15) defines. */
static bool domctl_defined(u32 cmd)
{
	static const u8 defined[] = {
		1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
		21, 22, 23, 24, 25, 26, 27, 28, 29, 33, 34, 35, 36, 37, 38,
		39, 40, 42, 43, 44, 45, 46, 47, 48, 50, 54, 55, 56, 57, 59,
		60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 71, 72, 73, 74, 75,
		77, 78, 79, 81, 82, 83, 84, 85, 86,
	};

	if (cmd >= XEN_DOMCTL_gdbsx_guestmemio &&
	    cmd <= XEN_DOMCTL_gdbsx_domstatus)
		return true;
	for (unsigned int i = 0; i < ARRAY_SIZE(defined); i++)
		if (cmd == defined[i])
			return true;
	return false;
}

/* Sub-ops on another domain that must not target the caller itself
 * (Xen refuses to pause or destroy the domain it is running). */
static bool not_on_self(u32 cmd)
{
	return cmd == XEN_DOMCTL_destroydomain ||
	       cmd == XEN_DOMCTL_pausedomain ||
	       cmd == XEN_DOMCTL_max_vcpus ||
	       cmd == XEN_DOMCTL_gethvmcontext ||
	       cmd == XEN_DOMCTL_sethvmcontext;
}

/* Does the answer go back to the caller?  Xen copies the whole struct
 * back for these. */
static bool copies_back(u32 cmd)
{
	switch (cmd) {
	case XEN_DOMCTL_createdomain:
	case XEN_DOMCTL_getdomaininfo:
	case XEN_DOMCTL_getvcpuinfo:
	case XEN_DOMCTL_scheduler_op:
	case XEN_DOMCTL_get_address_size:
	case XEN_DOMCTL_gettscinfo:
	case XEN_DOMCTL_get_paging_mempool_size:
	case XEN_DOMCTL_gethvmcontext:
	case XEN_DOMCTL_get_cpu_policy:
		return true;
	}
	return false;
}

/* The largest save image accepted from the toolstack: what
 * hvm_save_size() allows for the most vCPUs (their CPU, LAPIC, LAPIC_REGS
 * and MTRR records, the platform's devices; about 38 KiB at 16 vCPUs),
 * with room to spare (Xen bounds it only by its heap). */
#define HVMCONTEXT_MAX (64 * 1024)

/* XEN_DOMCTL_get/sethvmcontext (Xen's arch/x86/domctl.c): the image goes
 * through a bounce buffer, with the domain paused around the save or
 * load. */
static long hvmcontext(struct vcpu *v, struct domain *d,
		       struct xen_domctl_hvmcontext *h, bool set)
{
	u64 buf = guest_handle_addr(h->buffer);
	long size;
	void *img;

	if (!set) {
		size = arch_hvm_save(d, NULL, 0);
		if (size < 0 || !buf) {
			/* The size query. */
			if (size >= 0)
				h->size = size;
			return size < 0 ? size : 0;
		}
		if (h->size < size)
			return -ENOSPC;
	} else {
		size = h->size;
		if (size > HVMCONTEXT_MAX)
			return -ENOMEM;
	}
	if (!(img = xmalloc_bytes(size)))
		return -ENOMEM;
	if (set && copy_from_guest(v, img, buf, size)) {
		xfree(img);
		return -EFAULT;
	}
	domain_pause_sync(d);
	size = set ? arch_hvm_load(d, img, size) : arch_hvm_save(d, img, size);
	domain_unpause_sync(d);
	if (!set && size >= 0) {
		h->size = size;
		if (copy_to_guest(v, buf, img, size))
			size = -EFAULT;
	}
	xfree(img);
	return size < 0 ? size : 0;
}

static long domctl_on(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
	switch (op->cmd) {
	case XEN_DOMCTL_destroydomain:
		return domain_kill_step(d);
	case XEN_DOMCTL_pausedomain:
		return domain_controller_pause(d);
	case XEN_DOMCTL_unpausedomain:
		return domain_controller_unpause(d);
	case XEN_DOMCTL_getdomaininfo:
		domain_get_info(d, &op->u.getdomaininfo);
		return 0;
	case XEN_DOMCTL_setvcpuaffinity:
	case XEN_DOMCTL_getvcpuaffinity:
		return vcpuaffinity(v, d, &op->u.vcpuaffinity,
				    op->cmd == XEN_DOMCTL_setvcpuaffinity);
	case XEN_DOMCTL_max_mem: {
		/* Xen: no check against tot_pages; a domain over its new limit
		 * simply gets no more until it is below. */
		u64 pages = op->u.max_mem.max_memkb >> (PAGE_SHIFT - 10);

		WRITE_ONCE(d->max_pages, MIN(pages, (u64)~0UL));
		return 0;
	}
	case XEN_DOMCTL_max_vcpus:
		/* Xen 4.17: vCPUs are sized at createdomain; this only
		 * confirms the number. */
		return op->u.max_vcpus.max == d->max_vcpus ? 0 : -EINVAL;
	case XEN_DOMCTL_getvcpuinfo:
		return getvcpuinfo(d, &op->u.getvcpuinfo);
	case XEN_DOMCTL_scheduler_op:
		return scheduler_op(d, &op->u.scheduler_op);
	case XEN_DOMCTL_setdomainhandle:
		memcpy(d->handle, op->u.setdomainhandle.handle,
		       sizeof(d->handle));
		return 0;
	case XEN_DOMCTL_settimeoffset:
		shared_info_set_time_offset(d,
			op->u.settimeoffset.time_offset_seconds);
		return 0;
	case XEN_DOMCTL_get_address_size:
		op->u.address_size.size = 64;
		return 0;
	case XEN_DOMCTL_settscinfo:
		/* The TSC runs natively (no RDTSC exits), which is Xen's
		 * default mode for a guest that does not migrate; always
		 * emulate is not offered. */
		if (op->u.tsc_info.tsc_mode != TSC_MODE_DEFAULT &&
		    op->u.tsc_info.tsc_mode != TSC_MODE_NEVER_EMULATE)
			return op->u.tsc_info.tsc_mode ==
			       TSC_MODE_ALWAYS_EMULATE ?
			       -EOPNOTSUPP : -EINVAL;
		return 0;
	case XEN_DOMCTL_gettscinfo:
		memset(&op->u.tsc_info, 0, sizeof(op->u.tsc_info));
		op->u.tsc_info.gtsc_khz = cpu_khz;
		return 0;
	case XEN_DOMCTL_setnodeaffinity: {
		u64 nodes;
		int rc = xenctl_bitmap_from_guest(v, &op->u.nodeaffinity.nodemap,
						  &nodes);

		/* One NUMA node, 0: the map must include it (Xen: -EINVAL
		 * when it names no online node). */
		return rc ? rc : (nodes & 1) ? 0 : -EINVAL;
	}
	case XEN_DOMCTL_getnodeaffinity:
		return xenctl_bitmap_to_guest(v, &op->u.nodeaffinity.nodemap,
					      1, 1);
	case XEN_DOMCTL_set_paging_mempool_size:
		/* Amphi's p2m tables come from the heap as needed; the size is
		 * kept so the toolstack reads back what it set. */
		if (op->u.paging_mempool.size & (PAGE_SIZE - 1))
			return -EINVAL;
		d->paging_mempool_bytes = op->u.paging_mempool.size;
		return 0;
	case XEN_DOMCTL_get_paging_mempool_size:
		op->u.paging_mempool.size = d->paging_mempool_bytes;
		return 0;
	case XEN_DOMCTL_gethvmcontext:
	case XEN_DOMCTL_sethvmcontext:
		return hvmcontext(v, d, &op->u.hvmcontext,
				  op->cmd == XEN_DOMCTL_sethvmcontext);
	case XEN_DOMCTL_get_cpu_policy:
		return domctl_get_cpu_policy(v, d, &op->u.cpu_policy);
	case XEN_DOMCTL_set_cpu_policy:
		return domctl_set_cpu_policy(v, d, &op->u.cpu_policy);
	}
	return domctl_defined(op->cmd) ? -EOPNOTSUPP : -ENOSYS;
}

long do_domctl(struct vcpu *v, struct hypercall_args *args)
{
	struct xen_domctl op;
	struct domain *d;
	long rc;

	if (copy_from_guest(v, &op, args->a[0], sizeof(op)))
		return -EFAULT;
	if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
		return -EACCES;
	if (op.cmd == XEN_DOMCTL_createdomain) {
		rc = createdomain(v, &op);
	} else {
		if (op.domain >= DOMID_FIRST_RESERVED)
			return op.cmd == XEN_DOMCTL_getdomaininfo ? -EINVAL :
								    -ESRCH;
		d = op.cmd == XEN_DOMCTL_getdomaininfo ?
		    domain_first_from(op.domain) : domain_by_id(op.domain);
		if (!d)
			return -ESRCH;
		if (not_on_self(op.cmd) && d == v->domain)
			rc = -EINVAL;
		else
			rc = domctl_on(v, d, &op);
		if (op.cmd == XEN_DOMCTL_getdomaininfo)
			op.domain = d->domain_id;
		put_domain(d);
	}
	/* set_cpu_policy reports what it objected to (err_*), except when
	 * the domain has run already. */
	if ((copies_back(op.cmd) && !rc) ||
	    (op.cmd == XEN_DOMCTL_set_cpu_policy && rc && rc != -EEXIST) ||
	    (op.cmd == XEN_DOMCTL_gethvmcontext && rc == -ENOSPC)) {
		if (copy_to_guest(v, args->a[0], &op, sizeof(op)))
			rc = -EFAULT;
	}
	return rc;
}
