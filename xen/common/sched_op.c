/*
 * sched_op hypercall: yield, block and shutdown (public/sched.h).
 * SCHEDOP_block sleeps until a wake-up (set_timer_op expiry, later event
 * channels); a wake-up that already arrived makes it return at once, so a
 * guest cannot lose the race between arming a timer and blocking.
 */
#include <xen/compat.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>

#define POLL_MAX_PORTS 128	/* Xen's limit */

/*
 * SCHEDOP_poll: return at once if a listed port is pending (or an
 * interrupt is deliverable), else block until one of the domain's ports
 * becomes pending, an event is delivered, or the timeout (absolute system
 * time, 0 = none).  Returns 0 in every such case, as Xen; the guest
 * re-checks its ports.  The vCPU sleeps after this returns: its RAX
 * already holds the result when it wakes.
 */
static long sched_poll(struct vcpu *v, u64 arg, bool compat)
{
	evtchn_port_t ports[POLL_MAX_PORTS];
	struct sched_poll p;
	u64 handle;
	int rc;

	if (guest_get_sched_poll(v, compat, arg, &p))
		return -EFAULT;
	handle = guest_handle_addr(p.ports);
	if (p.nr_ports > POLL_MAX_PORTS)
		return -EINVAL;
	if (copy_from_guest(v, ports, handle, p.nr_ports * sizeof(ports[0])))
		return -EFAULT;
	rc = evtchn_poll_ready(v->domain, ports, p.nr_ports);
	if (rc)
		return rc < 0 ? rc : 0;
	if (p.timeout && (s64)p.timeout <= NOW())
		return 0;
	WRITE_ONCE(v->polling, true);
	vcpu_work_set(v, VCPU_WORK_POLL);	/* the entry path ends it */
	vcpu_block(v);
	/* Anything that arrived meanwhile: do not sleep through it. */
	if (evtchn_poll_ready(v->domain, ports, p.nr_ports) ||
	    arch_vcpu_has_pending_irq(v)) {
		WRITE_ONCE(v->polling, false);
		vcpu_wake(v);
		return 0;
	}
	if (p.timeout)
		set_timer(&v->poll_timer, p.timeout);
	return 0;
}

static long remote_shutdown(struct vcpu *v, u64 arg)
{
	struct sched_remote_shutdown rs;
	struct domain *d;

	if (!v->domain->is_privileged)
		return -EPERM;
	if (copy_from_guest(v, &rs, arg, sizeof(rs)))
		return -EFAULT;
	d = domain_by_id(rs.domain_id);
	if (!d)
		return -ESRCH;
	if (rs.reason > SHUTDOWN_soft_reset) {
		put_domain(d);
		return -EINVAL;
	}
	domain_shutdown(d, rs.reason);
	put_domain(d);
	return 0;
}

long do_sched_op(struct vcpu *v, struct hypercall_args *args)
{
	const u64 *a = args->a;
	bool compat = args->compat;
	struct sched_shutdown sd;

	switch ((int)a[0]) {	/* Xen's handler takes an int */
	case SCHEDOP_yield:
		vcpu_yield(v);
		return 0;
	case SCHEDOP_block:
		if (!arch_vcpu_has_pending_irq(v))
			vcpu_block_unless_pending(v);
		return 0;
	case SCHEDOP_poll:
		return sched_poll(v, a[1], compat);
	case SCHEDOP_remote_shutdown:
		return remote_shutdown(v, a[1]);
	case SCHEDOP_shutdown:
		BUILD_BUG_ON(sizeof(sd) != 4);	/* same layout for compat */
		if (copy_from_guest(v, &sd, a[1], sizeof(sd)))
			return -EFAULT;
		if (sd.reason > SHUTDOWN_watchdog) {
			domain_bad_request(v->domain, "SCHEDOP_shutdown reason %u",
					   sd.reason);
			return -EINVAL;
		}
		domain_shutdown(v->domain, sd.reason);
		return 0;
	}
	return -ENOSYS;
}
