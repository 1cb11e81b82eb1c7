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
#include <xen/compat.h>
#include <xen/errno.h>
#include <xen/frame.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/nospec.h>
#include <xen/sched.h>
#include <xen/shared_info.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <public/vcpu.h>
#include <asm/processor.h>

/* Xen's limits for VCPUOP_set_periodic_timer. */
#define PERIOD_MIN MILLISECS(1)
#define PERIOD_MAX ((1ULL << 62) - 1)	/* STIME_DELTA_MAX */

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

/* Keep the vCPU's timers on the pCPU it runs on: they expire there and
 * wake or interrupt it without an IPI, and the vCPUs' timers spread over
 * the pCPUs as the vCPUs do. */
void vcpu_migrate_timers(struct vcpu *v, unsigned int cpu)
{
	migrate_timer(&v->wake_timer, cpu);
	migrate_timer(&v->periodic_timer, cpu);
	migrate_timer(&v->poll_timer, cpu);
}

/* The reference a registered vcpu_info holds on its frame goes with the
 * vCPU (teardown). */
void vcpu_op_release(struct vcpu *v)
{
	if (v->vcpu_info_mfn != INVALID_MFN)
		frame_put(v->vcpu_info_mfn);
	v->vcpu_info_mfn = INVALID_MFN;
}

static long register_vcpu_info(struct vcpu *v, u64 arg)
{
	struct domain *d = v->domain;
	struct vcpu_register_vcpu_info info;
	struct vcpu_info *vi;
	enum p2m_type t;
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
	/* Xen's map_vcpu_info(): a writable page the domain owns, kept
	 * with a reference for as long as the vCPU exists. */
	if (arch_p2m_get_frame(d, info.mfn, &mfn, &t))
		return -EINVAL;
	if (t != p2m_ram_rw || !frame_owned_by(mfn, d, FRAME_RAM)) {
		frame_put(mfn);
		return -EINVAL;
	}
	vi = (void *)(uintptr_t)((mfn << PAGE_SHIFT) + info.offset);
	f = spin_lock_irqsave(&d->lock);
	/* Once per vCPU; another vCPU's only while that one is down. */
	if (v->vcpu_info_registered)
		rc = -EINVAL;
	else if (v != current_vcpu() && !(v->pause_flags & (1UL << VPF_down)))
		rc = -EINVAL;
	else {
		v->vcpu_info_registered = true;
		v->vcpu_info_mfn = mfn;
		evtchn_set_vcpu_info(d, v->vcpu_id, vi);
		WRITE_ONCE(v->vcpu_info, vi);
		vcpu_work_set(v, VCPU_WORK_TIME);
	}
	spin_unlock_irqrestore(&d->lock, f);
	if (rc)
		frame_put(mfn);
	if (!rc && v == current_vcpu())
		vcpu_time_update(v);
	return rc;
}

static unsigned int vcpus_up(struct domain *d)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < d->max_vcpus; i++)
		n += !(READ_ONCE(d->vcpu[i]->pause_flags) & (1UL << VPF_down));
	return n;
}

long do_vcpu_op(struct vcpu *curr, struct hypercall_args *args)
{
	const u64 *a = args->a;
	bool compat = args->compat;
	struct domain *d = curr->domain;
	u32 vcpuid = a[1];	/* Xen's handler takes (int, unsigned int, ptr) */
	u64 arg = a[2];
	struct vcpu *v;

	if (vcpuid >= d->max_vcpus)
		return -ENOENT;
	vcpuid = array_index_nospec(vcpuid, d->max_vcpus);
	if (!(v = d->vcpu[vcpuid]))
		return -ENOENT;

	switch ((int)a[0]) {
	case VCPUOP_initialise:
		return arch_vcpu_initialise(v, arg);

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
		return guest_put_runstate_info(curr, compat, arg, &ri) ?
		       -EFAULT : 0;
	}

	case VCPUOP_register_runstate_memory_area: {
		u64 gva;

		if (guest_get_handle(curr, compat, arg, &gva))
			return -EFAULT;
		WRITE_ONCE(v->runstate_guest, gva);
		v->runstate_written = -1;	/* write at the next entry */
		vcpu_work_set(v, VCPU_WORK_RUNSTATE);
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
		if (guest_get_singleshot_timer(curr, compat, arg, &set))
			return -EFAULT;
		if ((set.flags & VCPU_SSHOTTMR_future) &&
		    (s_time_t)set.timeout_abs_ns < NOW())
			return -ETIME;
		/* Beyond the representable future: now (Xen fires at once). */
		if ((s64)set.timeout_abs_ns < 0)
			set.timeout_abs_ns = 0;
		/* A new deadline supersedes a wake-up from an older one; a past
		 * one fires at once (flags 0, docs/xen-abi.md §A.6 step
		 * 7.8). */
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
		u64 gva;

		/* Kept as Xen does; written with the pvclock (shared_info.c). */
		if (guest_get_handle(curr, compat, arg, &gva))
			return -EFAULT;
		WRITE_ONCE(v->time_area_guest, gva);
		vcpu_work_set(v, VCPU_WORK_TIME);
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
