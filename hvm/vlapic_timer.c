/*
 * The vLAPIC's timer (SDM vol.3 11.5.4): one-shot and periodic modes
 * counting a bus clock; TSC-deadline mode is not modelled (hidden by
 * CPUID).  The state it shares with the rest of the vLAPIC (hvm/vlapic.c)
 * is in hvm/vlapic_internal.h; everything here runs under timer_lock,
 * which the expiry callback takes too.
 */
#include <hvm/vcpu.h>
#include <hvm/vlapic.h>
#include <hvm/vlapic_internal.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <asm/processor.h>

/*
 * The APIC timer counts a 100 MHz bus clock, 10 ns per tick before the
 * divider, as Xen 4.17's (APIC_BUS_CYCLE_NS).  A periodic timer
 * interrupts at most every 100 us, Xen's floor for periodic guest timers
 * (vpt.c): a tiny period would keep a pCPU busy with this timer alone.
 */
#define APIC_BUS_NS 10
#define TIMER_MIN_PERIOD MICROSECS(100)

static u64 tick_ns(const struct vlapic *vl)
{
	return (u64)APIC_BUS_NS * vlapic_timer_divisor(vl->tdcr);
}

static bool counting_mode(u32 lvt)
{
	return (lvt & LVT_TIMER_MODE) == TIMER_ONESHOT ||
	       (lvt & LVT_TIMER_MODE) == TIMER_PERIODIC;
}

static bool periodic(u32 lvt)
{
	return (lvt & LVT_TIMER_MODE) == TIMER_PERIODIC;
}

/* Pre: timer_lock held. */
static u32 timer_current(const struct vlapic *vl, s_time_t now)
{
	u64 ticks;

	if (!vl->counting || now < vl->start)
		return 0;
	ticks = (u64)(now - vl->start) / tick_ns(vl);
	if (periodic(vl->lvt[LVT_TIMER]))
		return vl->tmict - ticks % vl->tmict;
	return ticks < vl->tmict ? vl->tmict - ticks : 0;
}

static void vlapic_timer_fn(void *data);

/*
 * Queue the timer on the pCPU the vCPU runs on, so expiry and delivery
 * stay local.  The scheduler also moves it when it moves the vCPU
 * (vlapic_migrate_timer()); this catches the moves before the vCPU first
 * ran.  A callback running meanwhile serialises on timer_lock and finds
 * vl->expires changed.  Pre: timer_lock.
 */
static void timer_arm(struct vlapic *vl, s_time_t expires)
{
	migrate_timer(&vl->timer, READ_ONCE(vl->vcpu->processor));
	vl->expires = expires;
	set_timer(&vl->timer, expires);
}

/* Pre: timer_lock held. */
static void timer_stop(struct vlapic *vl)
{
	vl->expires = 0;
	stop_timer(&vl->timer);
}

/* Continue counting with @cur ticks left, under the current mode and
 * divisor (after one of them changed).  Pre: timer_lock held. */
static void timer_restart(struct vlapic *vl, s_time_t now, u32 cur)
{
	timer_stop(vl);
	if (!cur || !counting_mode(vl->lvt[LVT_TIMER])) {
		vl->counting = false;
		return;
	}
	vl->start = now - (s_time_t)((u64)(vl->tmict - cur) * tick_ns(vl));
	timer_arm(vl, now + (s_time_t)((u64)cur * tick_ns(vl)));
}

/*
 * Expiry, on the timer's pCPU.  A stale run (stopped or re-armed since
 * the timer popped) finds expires changed and does nothing.
 */
static void vlapic_timer_fn(void *data)
{
	struct vlapic *vl = data;
	s_time_t now = NOW();
	bool fire;
	u32 lvt;

	spin_lock(&vl->timer_lock);
	if (!vl->expires || now < vl->expires) {
		spin_unlock(&vl->timer_lock);
		return;
	}
	lvt = vl->lvt[LVT_TIMER];
	fire = !(lvt & LVT_MASKED);
	if (periodic(lvt) && vl->counting) {
		u64 period = (u64)vl->tmict * tick_ns(vl);

		/* Missed periods are dropped, not replayed. */
		vl->start += (s_time_t)((u64)(now - vl->start) / period * period);
		timer_arm(vl, MAX(vl->start + (s_time_t)period,
				  now + TIMER_MIN_PERIOD));
	} else {
		vl->expires = 0;
	}
	spin_unlock(&vl->timer_lock);
	if (fire)
		vlapic_deliver_local(vl, lvt & LVT_VECTOR);
}

void vlapic_timer_write_tmict(struct vlapic *vl, u32 val)
{
	s_time_t now = NOW();

	spin_lock(&vl->timer_lock);
	/* Only one-shot and periodic count; Xen drops the write otherwise. */
	if (counting_mode(vl->lvt[LVT_TIMER])) {
		timer_stop(vl);
		vl->tmict = val;
		vl->counting = val != 0;
		vl->start = now;
		if (val)
			timer_arm(vl, now + (s_time_t)((u64)val * tick_ns(vl)));
	}
	spin_unlock(&vl->timer_lock);
}

void vlapic_timer_write_tdcr(struct vlapic *vl, u32 val)
{
	s_time_t now = NOW();
	u32 cur;

	spin_lock(&vl->timer_lock);
	cur = timer_current(vl, now);
	vl->tdcr = val;
	if (vl->counting)
		timer_restart(vl, now, cur);
	spin_unlock(&vl->timer_lock);
}

void vlapic_timer_write_lvt(struct vlapic *vl, u32 val)
{
	s_time_t now = NOW();
	u32 old, cur;

	spin_lock(&vl->timer_lock);
	old = vl->lvt[LVT_TIMER];
	cur = timer_current(vl, now);
	WRITE_ONCE(vl->lvt[LVT_TIMER], val);
	if ((old ^ val) & LVT_TIMER_MODE) {
		/* Into or out of TSC-deadline mode the count is lost (Xen);
		 * between one-shot and periodic it goes on from where it is. */
		if (!counting_mode(old) || !counting_mode(val)) {
			vl->tmict = 0;
			cur = 0;
		}
		if (vl->counting)
			timer_restart(vl, now, cur);
	}
	spin_unlock(&vl->timer_lock);
}

void vlapic_migrate_timer(struct vcpu *v, unsigned int cpu)
{
	if (v->hvm->vlapic)
		migrate_timer(&v->hvm->vlapic->timer, cpu);
}

void vlapic_timer_init(struct vlapic *vl)
{
	spin_lock_init(&vl->timer_lock);
	init_timer(&vl->timer, vlapic_timer_fn, vl, 0);
}

void vlapic_timer_reset(struct vlapic *vl)
{
	spin_lock(&vl->timer_lock);
	timer_stop(vl);
	vl->counting = false;
	vl->tmict = vl->tdcr = 0;
	WRITE_ONCE(vl->lvt[LVT_TIMER], LVT_MASKED);
	spin_unlock(&vl->timer_lock);
}

void vlapic_timer_halt(struct vlapic *vl)
{
	spin_lock(&vl->timer_lock);
	timer_stop(vl);
	vl->counting = false;
	spin_unlock(&vl->timer_lock);
}

void vlapic_timer_mask(struct vlapic *vl)
{
	spin_lock(&vl->timer_lock);
	WRITE_ONCE(vl->lvt[LVT_TIMER], vl->lvt[LVT_TIMER] | LVT_MASKED);
	spin_unlock(&vl->timer_lock);
}

u32 vlapic_timer_read_tmcct(struct vlapic *vl)
{
	u32 cur;

	spin_lock(&vl->timer_lock);
	cur = timer_current(vl, NOW());
	spin_unlock(&vl->timer_lock);
	return cur;
}

void vlapic_timer_restore(struct vlapic *vl, u32 lvt, u32 tmict, u32 tdcr,
			  bool enabled)
{
	s_time_t now = NOW();

	spin_lock(&vl->timer_lock);
	timer_stop(vl);
	WRITE_ONCE(vl->lvt[LVT_TIMER], lvt);
	WRITE_ONCE(vl->tmict, tmict);
	WRITE_ONCE(vl->tdcr, tdcr);
	/* The count left is not in the record: Xen starts it again. */
	vl->counting = enabled && tmict && counting_mode(lvt);
	vl->start = now;
	if (vl->counting)
		timer_arm(vl, now + (s_time_t)((u64)tmict * tick_ns(vl)));
	spin_unlock(&vl->timer_lock);
}
