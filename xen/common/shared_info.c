/*
 * The shared_info page and guest time (docs/xen-abi.md §A.6 steps 2, 4, 7).
 *
 * Every domain gets its shared_info page when it is created, not when the
 * guest maps it: event state and each vCPU's pvclock live in it from the
 * start, so the page is valid the moment XENMEM_add_to_physmap puts it in
 * the p2m (Linux reads vcpu_info[0].time straight after mapping it).
 *
 * pvclock (public/xen.h struct vcpu_time_info): system_time is NOW() (ns
 * since the hypervisor booted, the same clock for every domain, as Xen's
 * system time) taken from the same TSC read as tsc_timestamp, which is in
 * the guest's TSC units (host TSC + the vCPU's offset).  mul/shift are
 * time_pvclock_scale().  Only the vCPU's own pCPU rewrites its area
 * (before entry), except before the vCPU ever ran, so the version
 * protocol has one writer.  TSC_STABLE is not advertised: Linux then keeps
 * its own monotonicity guard and skips the vDSO secondary area.
 *
 * Wallclock: wall time at system time 0, from the CMOS RTC at boot, later
 * from dom0's XENPF_settime*.
 */
#include <xen/arch_vcpu.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/frame.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <xen/sched.h>
#include <xen/shared_info.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <asm/processor.h>
#include <public/vcpu.h>

/* Refresh a running vCPU's pvclock this often, so that its rounding of
 * mul/shift never drifts measurably from NOW(). */
#define VCPU_TIME_REFRESH SECONDS(1)

static DEFINE_SPINLOCK(wallclock_lock);
static u64 wc_sec;			/* wall time at NOW() == 0 */
static u32 wc_nsec;

void vcpu_time_update(struct vcpu *v)
{
	struct vcpu_time_info *t = v->vcpu_info ? &v->vcpu_info->time : NULL;
	u64 tsc;
	u32 mul, ver;
	s8 shift;

	/* Before the write: a request made meanwhile is not lost. */
	__atomic_fetch_and(&v->work, ~VCPU_WORK_TIME, __ATOMIC_SEQ_CST);
	if (!t) {
		/* Nothing to refresh until an area is registered, which
		 * asks for a write (VCPU_WORK_TIME). */
		v->time_refresh_tsc = ~0ULL;
		return;
	}
	time_pvclock_scale(&mul, &shift);
	tsc = rdtsc();
	/* Guest memory: single volatile stores, ordered by smp_wmb().  The
	 * version is odd while updating (the guest may have scribbled on
	 * it: we only need the result to change parity twice). */
	ver = READ_ONCE(t->version);
	WRITE_ONCE(t->version, (ver + 1) | 1);
	smp_wmb();
	WRITE_ONCE(t->tsc_timestamp, tsc + arch_vcpu_tsc_offset(v));
	WRITE_ONCE(t->system_time, tsc_to_ns(tsc - time_tsc_at_boot()));
	WRITE_ONCE(t->tsc_to_system_mul, mul);
	WRITE_ONCE(t->tsc_shift, shift);
	WRITE_ONCE(t->flags, 0);
	smp_wmb();
	WRITE_ONCE(t->version, (ver + 2) & ~1U);
	/* The secondary copy: best effort, as Xen (a bad address is the
	 * guest's problem).  Only on the vCPU's own pCPU (its paging). */
	if (v->time_area_guest && v == current_vcpu())
		copy_to_guest(v, v->time_area_guest, t, sizeof(*t));
	v->time_refresh_tsc = tsc + ns_to_tsc(VCPU_TIME_REFRESH);
}

void vcpu_time_maybe_update(struct vcpu *v)
{
	if ((READ_ONCE(v->work) & VCPU_WORK_TIME) || vcpu_time_due(v))
		vcpu_time_update(v);
}

static void wallclock_write(struct domain *d)
{
	struct shared_info *si = d->shared_info;
	u32 ver = READ_ONCE(si->wc_version);
	/* Xen's update_domain_wallclock_time(): plus the domain's offset
	 * (XEN_DOMCTL_settimeoffset, xl.cfg's rtc_timeoffset/localtime). */
	u64 sec = wc_sec + d->time_offset_seconds;

	WRITE_ONCE(si->wc_version, (ver + 1) | 1);
	smp_wmb();
	WRITE_ONCE(si->wc_sec, (u32)sec);
	WRITE_ONCE(si->wc_sec_hi, (u32)(sec >> 32));
	WRITE_ONCE(si->wc_nsec, wc_nsec);
	smp_wmb();
	WRITE_ONCE(si->wc_version, (ver + 2) & ~1U);
}

static void wallclock_write_listed(struct domain *d, void *unused)
{
	if (d->shared_info)
		wallclock_write(d);
}

void wallclock_set(u64 sec, u32 nsec, s_time_t system_time)
{
	s64 ns = (s64)nsec - (system_time % 1000000000);
	unsigned long f;

	sec -= system_time / 1000000000;
	if (ns < 0) {
		ns += 1000000000;
		sec--;
	}
	f = spin_lock_irqsave(&wallclock_lock);
	wc_sec = sec;
	wc_nsec = ns;
	domain_for_each(wallclock_write_listed, NULL);
	spin_unlock_irqrestore(&wallclock_lock, f);
}

void shared_info_set_time_offset(struct domain *d, s64 seconds)
{
	unsigned long f = spin_lock_irqsave(&wallclock_lock);

	d->time_offset_seconds = seconds;
	wallclock_write(d);
	spin_unlock_irqrestore(&wallclock_lock, f);
}

int shared_info_domain_init(struct domain *d, unsigned int max_evtchn_port)
{
	mfn_t mfn = frame_alloc(d, FRAME_SPECIAL, 0);
	unsigned long f;
	int rc;

	if (mfn == INVALID_MFN)
		return -ENOMEM;
	d->shared_info = (void *)(uintptr_t)(mfn << PAGE_SHIFT);
	rc = evtchn_domain_init(d, max_evtchn_port, &d->evtchn);
	if (rc)
		return rc;
	evtchn_set_shared_info(d, d->shared_info);
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];

		/* vCPUs beyond the legacy slots must register an area. */
		if (i < XEN_LEGACY_MAX_VCPUS)
			v->vcpu_info = &d->shared_info->vcpu_info[i];
		vcpu_time_update(v);
	}
	f = spin_lock_irqsave(&wallclock_lock);
	wallclock_write(d);
	spin_unlock_irqrestore(&wallclock_lock, f);
	return 0;
}

/* Pre: the p2m no longer maps the page (drained). */
void shared_info_domain_destroy(struct domain *d)
{
	evtchn_domain_free(d, &d->evtchn);
	if (d->shared_info)
		frame_put((uintptr_t)d->shared_info >> PAGE_SHIFT);
	d->shared_info = NULL;
}

int shared_info_map(struct domain *d, u64 gfn)
{
	mfn_t mfn = (uintptr_t)d->shared_info >> PAGE_SHIFT;
	unsigned long f;
	u64 old;
	int rc;

	/* The p2m entry's own reference (we hold the allocation's). */
	if (!frame_get(mfn))
		return -ENOMEM;
	f = spin_lock_irqsave(&d->lock);
	old = d->shared_info_gfn;
	rc = arch_p2m_set_entry(d, gfn, mfn, p2m_ram_rw);
	if (!rc) {
		/* One frame, one place (Xen moves it too). */
		if (old != ~0ULL && old != gfn)
			arch_p2m_clear_entry_if(d, old, mfn, p2m_ram_rw);
		d->shared_info_gfn = gfn;
	}
	spin_unlock_irqrestore(&d->lock, f);
	if (rc)
		frame_put(mfn);
	return rc;
}

/*
 * The runstate area, written before the vCPU enters whenever its runstate
 * changed since the last write.  With VMASST_TYPE_runstate_update_flag,
 * XEN_RUNSTATE_UPDATE brackets the write as Xen does.  A bad address just
 * leaves the area unwritten (Xen ignores the failure as well).
 */
void vcpu_runstate_update_guest(struct vcpu *v)
{
	struct vcpu_runstate_info ri;
	bool flag = v->domain->vm_assist & (1UL << VMASST_TYPE_runstate_update_flag);
	u64 entry;

	__atomic_fetch_and(&v->work, ~VCPU_WORK_RUNSTATE, __ATOMIC_SEQ_CST);
	if (!v->runstate_guest || v->runstate_written == v->runstate_entry)
		return;
	v->runstate_written = v->runstate_entry;
	ri.state = RUNSTATE_running;
	ri.state_entry_time = v->runstate_entry;
	for (unsigned int i = 0; i < 4; i++)
		ri.time[i] = v->runstate_time[i];
	/* About to run: the interval since the switch counts as running. */
	entry = ri.state_entry_time;
	if (flag) {
		ri.state_entry_time |= XEN_RUNSTATE_UPDATE;
		if (copy_to_guest(v, v->runstate_guest +
				  offsetof(struct vcpu_runstate_info,
					   state_entry_time),
				  &ri.state_entry_time, sizeof(u64)))
			return;
		smp_wmb();
	}
	if (copy_to_guest(v, v->runstate_guest, &ri, sizeof(ri)))
		return;
	if (flag) {
		smp_wmb();
		copy_to_guest(v, v->runstate_guest +
			      offsetof(struct vcpu_runstate_info,
				       state_entry_time), &entry, sizeof(u64));
	}
}
