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
	[__HYPERVISOR_multicall] = { do_multicall, false, false, "multicall" },
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
	/* dm_op checks its caller itself: an unknown target is -ESRCH
	 * before an unprivileged caller is -EPERM, as in Xen. */
	[__HYPERVISOR_dm_op] = { do_dm_op, false, false, "dm_op" },
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

/* One call of a multicall (or the whole of a direct call): -ENOSYS for an
 * unknown number, -EPERM for a privileged one from another domain. */
static long hypercall_one(struct vcpu *v, u64 nr, struct hypercall_args *args)
{
	const struct hypercall_def *h;

	h = nr < ARRAY_SIZE(hypercall_table) ?
	    &hypercall_table[array_index_nospec(nr, ARRAY_SIZE(hypercall_table))] :
	    NULL;
	if (!h || !h->fn)
		return -ENOSYS;
	if (h->privileged && !v->domain->is_privileged)
		return -EPERM;
	return hypercall_call(v, h, args);
}

/* A multicall entry (public/xen.h struct multicall_entry), in either
 * layout: xen_ulong_t op, result, args[6], 32 bits each for a 32-bit
 * caller. */
#define MC_WORDS 8
static int mc_read(struct vcpu *v, bool compat, u64 at, u64 w[MC_WORDS])
{
	u32 c[MC_WORDS];

	if (!compat)
		return copy_from_guest(v, w, at, MC_WORDS * 8);
	if (copy_from_guest(v, c, at, sizeof(c)))
		return -EFAULT;
	for (unsigned int i = 0; i < MC_WORDS; i++)
		w[i] = c[i];
	return 0;
}

static int mc_write(struct vcpu *v, bool compat, u64 at, unsigned int first,
		    unsigned int n, const u64 *w)
{
	u32 c[MC_WORDS];
	unsigned int size = compat ? 4 : 8;

	if (!compat)
		return copy_to_guest(v, at + first * size, w + first, n * size);
	for (unsigned int i = first; i < first + n; i++)
		c[i] = w[i];
	return copy_to_guest(v, at + first * size, c + first, n * size);
}

/*
 * multicall(call_list, nr_calls), as Xen's do_multicall(): each entry's
 * hypercall runs in turn and its result goes into the entry; a multicall
 * inside one is -EINVAL.  Preemptible between entries; an entry whose own
 * call is continued keeps its rewritten arguments in the list, and the
 * multicall continues from that entry.  Libxc issues every memory_op as a
 * one-entry multicall on 64-bit Linux, for the full return value.
 */
long do_multicall(struct vcpu *v, struct hypercall_args *args)
{
	bool compat = args->compat;
	u64 list = args->a[0], nr = compat ? (u32)args->a[1] : args->a[1];
	u64 size = compat ? MC_WORDS * 4 : MC_WORDS * 8;

	for (u64 i = 0; i < nr; i++) {
		u64 at = list + i * size, w[MC_WORDS];
		struct hypercall_args sub = { .compat = compat };
		long rc;

		if (i && hypercall_preempt_check()) {
			args->a[0] = at;
			args->a[1] = nr - i;
			return -ERESTART;
		}
		if (mc_read(v, compat, at, w))
			return -EFAULT;
		for (unsigned int j = 0; j < 5; j++)
			sub.a[j] = w[2 + j];
		rc = w[0] == __HYPERVISOR_multicall ? -EINVAL :
		     hypercall_one(v, w[0], &sub);
		if (rc == -ERESTART) {
			for (unsigned int j = 0; j < 5; j++)
				w[2 + j] = sub.a[j];
			if (mc_write(v, compat, at, 2, 5, w))
				return -EFAULT;
			args->a[0] = at;
			args->a[1] = nr - i;
			return -ERESTART;
		}
		w[1] = compat ? (u32)rc : (u64)rc;
		if (mc_write(v, compat, at, 1, 1, w))
			return -EFAULT;
	}
	return 0;
}

enum hypercall_result hypercall_dispatch(struct vcpu *v)
{
	struct hypercall_args args;
	u64 nr;
	long rc;

	args.compat = arch_hypercall_args(v, &nr, args.a);
	if (arch_vcpu_cpl(v))
		rc = -EPERM;		/* Xen refuses guest user mode */
	else
		rc = hypercall_one(v, nr, &args);
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
