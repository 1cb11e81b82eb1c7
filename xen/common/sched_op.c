/*
 * sched_op hypercall: yield, block and shutdown (public/sched.h).
 * SCHEDOP_block sleeps until a wake-up (set_timer_op expiry, later event
 * channels); a wake-up that already arrived makes it return at once, so a
 * guest cannot lose the race between arming a timer and blocking.
 */
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>

long do_sched_op(struct vcpu *v, const u64 a[5], bool compat)
{
	struct sched_shutdown sd;

	switch (a[0]) {
	case SCHEDOP_yield:
		vcpu_yield(v);
		return 0;
	case SCHEDOP_block:
		vcpu_block_unless_pending(v);
		return 0;
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
