/*
 * vcpu_op hypercall (public/vcpu.h), as Xen 4.17 answers an HVM/PVH
 * guest: vcpu_info placement, the runstate area, the per-vCPU timers that
 * drive Linux's Xen clockevent, and bringing vCPUs up and down.
 *
 * Timers.  The singleshot timer is v->wake_timer, shared with
 * set_timer_op as in Xen; it and the periodic timer raise VIRQ_TIMER on
 * the vCPU and wake it.  Xen lets a vCPU set or stop only its own
 * singleshot timer (-EINVAL otherwise), the periodic one on any vCPU.
 */
#include <xen/arch_vcpu.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/shared_info.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <public/vcpu.h>
#include <public/hvm/hvm_vcpu.h>
#include <asm/processor.h>

/* Xen's limits for VCPUOP_set_periodic_timer. */
#define PERIOD_MIN MILLISECS(1)
#define PERIOD_MAX ((1ULL << 62) - 1)	/* STIME_DELTA_MAX */

/* Segment attributes (VMCB packed form) for a vCPU started in 64-bit mode. */
#define AR_CODE64 0xa9b		/* P, S, type 0xb, L, G */
#define AR_DATA 0xc93		/* P, S, type 3, D/B, G */
#define AR_TSS64 0x8b		/* P, busy 64-bit TSS */
#define AR_LDT_NONE 0x82	/* P, LDT (unused) */


void vcpu_singleshot_fired(struct vcpu *v)
{
	evtchn_send_virq(v->domain, v->vcpu_id, VIRQ_TIMER);
}

static void vcpu_periodic_timer_fn(void *data)
{
	struct vcpu *v = data;
	s_time_t period = READ_ONCE(v->periodic_period);

	if (!period)
		return;
	evtchn_send_virq(v->domain, v->vcpu_id, VIRQ_TIMER);
	vcpu_kick(v);
	set_timer(&v->periodic_timer, NOW() + period);
}

static void vcpu_poll_timer_fn(void *data)
{
	struct vcpu *v = data;

	if (READ_ONCE(v->polling))
		vcpu_wake(v);
}

void vcpu_op_init_timers(struct vcpu *v)
{
	init_timer(&v->periodic_timer, vcpu_periodic_timer_fn, v, 0);
	init_timer(&v->poll_timer, vcpu_poll_timer_fn, v, 0);
}

void vcpu_op_kill_timers(struct vcpu *v)
{
	kill_timer(&v->periodic_timer);
	kill_timer(&v->poll_timer);
}

/* Does @mfn belong to @d's RAM?  Every RAM frame stays in d->extents
 * until the domain dies, mapped or ballooned out (d->ballooned only names
 * frames inside them).  Only such frames may hold areas the hypervisor
 * keeps pointers to: they live exactly as long as the domain. */
bool domain_owns_ram_mfn(struct domain *d, mfn_t mfn)
{
	for (const struct domain_extent *e = d->extents; e; e = e->next) {
		mfn_t first = e->maddr >> PAGE_SHIFT;

		if (mfn >= first && mfn < first + (1UL << e->order))
			return true;
	}
	return false;
}

static long register_vcpu_info(struct vcpu *v, u64 arg)
{
	struct domain *d = v->domain;
	struct vcpu_register_vcpu_info info;
	struct vcpu_info *vi;
	unsigned long f;
	mfn_t mfn;
	long rc = 0;

	if (copy_from_guest(current_vcpu(), &info, arg, sizeof(info)))
		return -EFAULT;
	/* As Xen's map_vcpu_info(): the area lies in one page, aligned for
	 * its atomics; rsvd is ignored. */
	if (info.offset > PAGE_SIZE - sizeof(struct vcpu_info) ||
	    info.offset & (__alignof__(struct vcpu_info) - 1))
		return -ENXIO;
	if (arch_p2m_get_page(d, info.mfn, &mfn, NULL) ||
	    !domain_owns_ram_mfn(d, mfn))
		return -EINVAL;
	vi = (void *)(uintptr_t)((mfn << PAGE_SHIFT) + info.offset);
	f = spin_lock_irqsave(&d->lock);
	/* Once per vCPU; another vCPU's only while that one is down. */
	if (v->vcpu_info_registered)
		rc = -EINVAL;
	else if (v != current_vcpu() && !(v->pause_flags & (1UL << VPF_down)))
		rc = -EINVAL;
	else {
		v->vcpu_info_registered = true;
		evtchn_set_vcpu_info(d, v->vcpu_id, vi);
		WRITE_ONCE(v->vcpu_info, vi);
		v->time_dirty = true;
	}
	spin_unlock_irqrestore(&d->lock, f);
	if (!rc && v == current_vcpu())
		vcpu_time_update(v);
	return rc;
}

static void seg(struct hvm_seg *s, u16 sel, u64 base, u32 limit, u16 attr)
{
	*s = (struct hvm_seg){ .sel = sel, .attr = attr, .limit = limit,
			       .base = base };
}

/* VCPUOP_initialise for HVM: struct vcpu_hvm_context -> boot state. */
static long vcpu_hvm_initialise(struct vcpu *v, u64 arg)
{
	struct vcpu_hvm_context ctx;
	struct hvm_boot_state state, *st = &state;
	struct domain *d = v->domain;
	unsigned long f;
	long rc = 0;

	if (READ_ONCE(v->is_initialised))
		return -EEXIST;
	if (copy_from_guest(current_vcpu(), &ctx, arg, sizeof(ctx)))
		return -EFAULT;
	memset(st, 0, sizeof(*st));
	if (ctx.pad)
		return -EINVAL;
	if (ctx.mode == VCPU_HVM_MODE_64B) {
		const struct vcpu_hvm_x86_64 *r = &ctx.cpu_regs.x86_64;

		/* Long mode needs paging, PAE and LME+LMA, and nothing else
		 * can be started "directly in long mode". */
		if (!(r->cr0 & X86_CR0_PG) || !(r->cr0 & X86_CR0_PE) ||
		    !(r->cr4 & X86_CR4_PAE) || (r->efer & (EFER_LME | EFER_LMA)) !=
		    (EFER_LME | EFER_LMA) ||
		    (s64)r->rip != (s64)(r->rip << 16) >> 16)	/* canonical */
			return -EINVAL;
		st->regs = (struct hvm_regs){ .rax = r->rax, .rcx = r->rcx,
			.rdx = r->rdx, .rbx = r->rbx, .rsp = r->rsp, .rbp = r->rbp,
			.rsi = r->rsi, .rdi = r->rdi, .rip = r->rip,
			.rflags = r->rflags | 2 };
		st->cr0 = r->cr0 | X86_CR0_ET;
		st->cr3 = r->cr3;
		st->cr4 = r->cr4;
		st->efer = r->efer;
		seg(&st->seg[SEG_CS], 0, 0, ~0U, AR_CODE64);
		for (unsigned int s = SEG_ES; s <= SEG_GS; s++)
			if (s != SEG_CS)
				seg(&st->seg[s], 0, 0, ~0U, AR_DATA);
		seg(&st->seg[SEG_TR], 0, 0, 0x67, AR_TSS64);
	} else if (ctx.mode == VCPU_HVM_MODE_32B) {
		const struct vcpu_hvm_x86_32 *r = &ctx.cpu_regs.x86_32;

		/* Unused attribute bits must be clear (public/hvm/hvm_vcpu.h),
		 * and a long-mode EFER needs the 64-bit structure. */
		if ((r->cs_ar | r->ds_ar | r->ss_ar | r->es_ar | r->tr_ar) & 0xf000 ||
		    (r->efer & EFER_LMA) || r->pad1 || r->pad2[0] || r->pad2[1] ||
		    r->pad2[2])
			return -EINVAL;
		/* A present code segment containing EIP, present data/stack
		 * segments (Xen's arch_set_info_hvm_guest() checks). */
		if (!(r->cs_ar & 0x80) || !(r->cs_ar & 0x8) ||
		    !(r->ss_ar & 0x80) || !(r->ds_ar & 0x80) ||
		    !(r->es_ar & 0x80) || r->eip > r->cs_limit)
			return -EINVAL;
		st->regs = (struct hvm_regs){ .rax = r->eax, .rcx = r->ecx,
			.rdx = r->edx, .rbx = r->ebx, .rsp = r->esp, .rbp = r->ebp,
			.rsi = r->esi, .rdi = r->edi, .rip = r->eip,
			.rflags = r->eflags | 2 };
		st->cr0 = r->cr0 | X86_CR0_ET;
		st->cr3 = r->cr3;
		st->cr4 = r->cr4;
		st->efer = r->efer;
		seg(&st->seg[SEG_CS], 0, r->cs_base, r->cs_limit, r->cs_ar);
		seg(&st->seg[SEG_DS], 0, r->ds_base, r->ds_limit, r->ds_ar);
		seg(&st->seg[SEG_SS], 0, r->ss_base, r->ss_limit, r->ss_ar);
		seg(&st->seg[SEG_ES], 0, r->es_base, r->es_limit, r->es_ar);
		seg(&st->seg[SEG_FS], 0, 0, ~0U, AR_DATA);
		seg(&st->seg[SEG_GS], 0, 0, ~0U, AR_DATA);
		seg(&st->seg[SEG_TR], 0, r->tr_base, r->tr_limit,
		    r->tr_ar ? r->tr_ar : AR_TSS64);
	} else {
		return -EINVAL;
	}
	seg(&st->seg[SEG_LDTR], 0, 0, 0, AR_LDT_NONE);
	seg(&st->seg[SEG_GDTR], 0, 0, 0xffff, 0);
	seg(&st->seg[SEG_IDTR], 0, 0, 0xffff, 0);
	f = spin_lock_irqsave(&d->lock);
	if (v->is_initialised)
		rc = -EEXIST;
	else {
		/* Applied by the vCPU itself before it first enters. */
		v->boot_state = state;
		WRITE_ONCE(v->boot_state_pending, true);
		v->is_initialised = true;
	}
	spin_unlock_irqrestore(&d->lock, f);
	return rc;
}

static unsigned int vcpus_up(struct domain *d)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < d->max_vcpus; i++)
		n += !(READ_ONCE(d->vcpu[i]->pause_flags) & (1UL << VPF_down));
	return n;
}

long do_vcpu_op(struct vcpu *curr, const u64 a[5], bool compat)
{
	struct domain *d = curr->domain;
	u32 vcpuid = a[1];	/* Xen's handler takes (int, unsigned int, ptr) */
	u64 arg = a[2];
	struct vcpu *v;

	if (vcpuid >= d->max_vcpus || !(v = d->vcpu[vcpuid]))
		return -ENOENT;

	switch ((int)a[0]) {
	case VCPUOP_initialise:
		return vcpu_hvm_initialise(v, arg);

	case VCPUOP_up:
		if (!v->is_initialised)
			return -EINVAL;
		if (v->pause_flags & (1UL << VPF_down))
			vcpu_pause_flag_clear(v, VPF_down);
		return 0;

	case VCPUOP_down:
		if (v->pause_flags & (1UL << VPF_down))
			return 0;
		vcpu_pause_flag_set(v, VPF_down);
		/* No vCPU left: the domain is off (Xen's vcpu_down()). */
		if (!vcpus_up(d))
			domain_shutdown(d, SHUTDOWN_poweroff);
		return 0;

	case VCPUOP_is_up:
		return !(READ_ONCE(v->pause_flags) & (1UL << VPF_down));

	case VCPUOP_get_runstate_info: {
		struct vcpu_runstate_info ri = {
			.state = READ_ONCE(v->runstate),
			.state_entry_time = READ_ONCE(v->runstate_entry),
		};

		for (unsigned int i = 0; i < 4; i++)
			ri.time[i] = READ_ONCE(v->runstate_time[i]);
		/* compat: the same layout, packed to 4 bytes: 4 + 8 + 32. */
		if (compat)
			return copy_to_guest(curr, arg, &ri.state, 4) ||
			       copy_to_guest(curr, arg + 4, &ri.state_entry_time,
					     40) ? -EFAULT : 0;
		return copy_to_guest(curr, arg, &ri, sizeof(ri)) ? -EFAULT : 0;
	}

	case VCPUOP_register_runstate_memory_area: {
		u64 gva = 0;

		if (copy_from_guest(curr, &gva, arg, compat ? 4 : 8))
			return -EFAULT;
		WRITE_ONCE(v->runstate_guest, gva);
		v->runstate_written = -1;	/* write at the next entry */
		if (v == curr)
			vcpu_runstate_update_guest(v);
		return 0;
	}

	case VCPUOP_set_periodic_timer: {
		struct vcpu_set_periodic_timer set;

		if (copy_from_guest(curr, &set, arg, sizeof(set)))
			return -EFAULT;
		if (set.period_ns < PERIOD_MIN || set.period_ns > PERIOD_MAX)
			return -EINVAL;
		WRITE_ONCE(v->periodic_period, set.period_ns);
		set_timer(&v->periodic_timer, NOW() + set.period_ns);
		return 0;
	}

	case VCPUOP_stop_periodic_timer:
		WRITE_ONCE(v->periodic_period, 0);
		stop_timer(&v->periodic_timer);
		return 0;

	case VCPUOP_set_singleshot_timer: {
		struct vcpu_set_singleshot_timer set;

		if (v != curr)
			return -EINVAL;
		/* 12 bytes packed for compat, 16 with padding: read 12. */
		if (copy_from_guest(curr, &set, arg, 12))
			return -EFAULT;
		if ((set.flags & VCPU_SSHOTTMR_future) &&
		    (s_time_t)set.timeout_abs_ns < NOW())
			return -ETIME;
		/* Beyond the representable future: now (Xen fires at once). */
		if ((s64)set.timeout_abs_ns < 0)
			set.timeout_abs_ns = 0;
		/* A new deadline supersedes a wake-up from an older one; a past
		 * one fires at once (flags 0, xen-abi-map.md §A.6 step 7.8). */
		WRITE_ONCE(v->wake_pending, false);
		v->singleshot_deadline = set.timeout_abs_ns;
		set_timer(&v->wake_timer, set.timeout_abs_ns);
		return 0;
	}

	case VCPUOP_stop_singleshot_timer:
		if (v != curr)
			return -EINVAL;
		stop_timer(&v->wake_timer);
		v->singleshot_deadline = 0;
		return 0;

	case VCPUOP_register_vcpu_info:
		return register_vcpu_info(v, arg);

	case VCPUOP_register_vcpu_time_memory_area: {
		u64 gva = 0;

		/* Kept as Xen does; written with the pvclock (shared_info.c). */
		if (copy_from_guest(curr, &gva, arg, compat ? 4 : 8))
			return -EFAULT;
		WRITE_ONCE(v->time_area_guest, gva);
		v->time_dirty = true;
		return 0;
	}

	case VCPUOP_send_nmi:
		if (arg)
			return -EINVAL;
		arch_vcpu_send_nmi(v);
		return 0;

	case VCPUOP_get_physid:
		return -EINVAL;		/* as Xen for a non-PV domain */
	}
	return -ENOSYS;
}
