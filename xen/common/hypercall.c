/*
 * Hypercalls: ONE table of number, handler, and who may call it; the
 * convention and continuations are described in xen/hypercall.h.  Calls
 * from guest CPL > 0 get -EPERM, unknown numbers -ENOSYS, as in Xen.
 * Handlers validate every argument and change nothing before validation
 * is complete.
 */
#include <xen/arch_vcpu.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/grant_table.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/nospec.h>
#include <xen/options.h>
#include <asm/percpu.h>
#include <xen/sched.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <public/xen.h>
#include <public/version.h>

struct hypercall_def {
	hypercall_fn_t *fn;
	bool privileged;	/* initial domain only */
	/* The toolstack enumerates by asking until -ESRCH/-ENOENT (the next
	 * domain, the next CPU pool): those answers are not bad requests. */
	bool enumerates;
	const char *name;
};

bool hypercall_preempt_check(void)
{
	struct vcpu *v = current_vcpu();

	if (opt_selftest_preempt)
		return true;
	return READ_ONCE(this_cpu()->softirq_pending) ||
	       (v && arch_vcpu_has_pending_irq(v));
}

/* set_timer_op(u64 absolute system time): wake the vCPU then; 0 cancels.
 * 32-bit callers pass the time in two registers (low, high). */
long do_set_timer_op(struct vcpu *v, struct hypercall_args *args)
{
	const u64 *a = args->a;
	s_time_t t = args->compat ? (s_time_t)((a[1] << 32) | (u32)a[0]) :
				    (s_time_t)a[0];

	if (!t) {
		stop_timer(&v->wake_timer);
		WRITE_ONCE(v->wake_pending, false);
		v->singleshot_deadline = 0;
		return 0;
	}
	if (t < 0)
		return -EINVAL;
	/* A new deadline supersedes a wake-up from an older one. */
	WRITE_ONCE(v->wake_pending, false);
	v->singleshot_deadline = t;
	set_timer(&v->wake_timer, t);
	return 0;
}

static const struct hypercall_def hypercall_table[] = {
	[__HYPERVISOR_platform_op] = { do_platform_op, true, false, "platform_op" },
	[__HYPERVISOR_memory_op] = { do_memory_op, false, false, "memory_op" },
	[__HYPERVISOR_set_timer_op] = { do_set_timer_op, false, false,
					"set_timer_op" },
	[__HYPERVISOR_xen_version] = { do_xen_version, false, false,
				       "xen_version" },
	[__HYPERVISOR_console_io] = { do_console_io, false, false, "console_io" },
	[__HYPERVISOR_grant_table_op] = { do_grant_table_op, false, false,
					  "grant_table_op" },
	[__HYPERVISOR_vm_assist] = { do_vm_assist, false, false, "vm_assist" },
	[__HYPERVISOR_vcpu_op] = { do_vcpu_op, false, false, "vcpu_op" },
	[__HYPERVISOR_sched_op] = { do_sched_op, false, false, "sched_op" },
	[__HYPERVISOR_event_channel_op] = { do_event_channel_op, false, false,
					    "event_channel_op" },
	[__HYPERVISOR_physdev_op] = { do_physdev_op, false, false, "physdev_op" },
	[__HYPERVISOR_hvm_op] = { do_hvm_op, false, false, "hvm_op" },
	[__HYPERVISOR_sysctl] = { do_sysctl, true, true, "sysctl" },
	[__HYPERVISOR_domctl] = { do_domctl, true, true, "domctl" },
};

/* Errors that mean the guest passed something wrong (not "unsupported"). */
static bool is_bad_request(long rc)
{
	return rc == -EFAULT || rc == -EINVAL || rc == -EPERM ||
	       rc == -ENOENT || rc == -ESRCH || rc == -ENXIO;
}

/* Run a handler; a refused argument is counted and logged (rate-limited)
 * unless the handler already reported it in more detail. */
static long hypercall_call(struct vcpu *v, const struct hypercall_def *h,
			   struct hypercall_args *args)
{
	struct domain *d = v->domain;
	unsigned long before = READ_ONCE(d->nr_bad_requests);
	u64 a0 = args->a[0], a1 = args->a[1];
	long rc = h->fn(v, args);

	if (is_bad_request(rc) && READ_ONCE(d->nr_bad_requests) == before &&
	    !(h->enumerates && (rc == -ESRCH || rc == -ENOENT)))
		domain_bad_request(d, "%s(%#lx, %#lx) = %ld", h->name,
				   (unsigned long)a0, (unsigned long)a1, rc);
	return rc;
}

enum hypercall_result hypercall_dispatch(struct vcpu *v)
{
	const struct hypercall_def *h;
	struct hypercall_args args;
	u64 nr;
	long rc;

	args.compat = arch_hypercall_args(v, &nr, args.a);
	h = nr < ARRAY_SIZE(hypercall_table) ?
	    &hypercall_table[array_index_nospec(nr, ARRAY_SIZE(hypercall_table))] :
	    NULL;
	if (arch_vcpu_cpl(v))
		rc = -EPERM;		/* Xen refuses guest user mode */
	else if (!h || !h->fn)
		rc = -ENOSYS;
	else if (h->privileged && !v->domain->is_privileged)
		rc = -EPERM;
	else
		rc = hypercall_call(v, h, &args);
	if (rc == -ERESTART) {
		/* RAX keeps the number: the guest re-issues the call. */
		arch_hypercall_set_args(v, args.a, args.compat);
		__atomic_add_fetch(&v->domain->nr_continuations, 1,
				   __ATOMIC_RELAXED);
		return HYPERCALL_CONTINUE;
	}
	arch_hypercall_result(v, rc, args.compat);
	return HYPERCALL_DONE;
}
