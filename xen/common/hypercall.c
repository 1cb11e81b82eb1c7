/*
 * Hypercalls: ONE table (docs/architecture.md "Hypercalls") of number,
 * handler, and who may call it.  Xen's HVM convention (docs/xen-abi.md
 * §0): RAX = number, then RDI, RSI, RDX, R10, R8 from 64-bit code, or EBX,
 * ECX, EDX, ESI, EDI from 32-bit code; the result goes in RAX.  Calls from guest CPL > 0 get
 * -EPERM, unknown numbers -ENOSYS, as in Xen.  Handlers validate every
 * argument and change nothing before validation is complete.
 */
#include <xen/arch_vcpu.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/grant_table.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <public/xen.h>
#include <public/version.h>

typedef long (*hypercall_fn)(struct vcpu *v, const u64 a[5], bool compat);

struct hypercall_def {
	hypercall_fn fn;
	bool privileged;	/* initial domain only */
	const char *name;
};

long do_console_io(struct vcpu *v, const u64 a[5], bool compat);
long do_sched_op(struct vcpu *v, const u64 a[5], bool compat);
long do_xen_version(struct vcpu *v, const u64 a[5], bool compat);
long do_memory_op(struct vcpu *v, const u64 a[5], bool compat);
long do_vcpu_op(struct vcpu *v, const u64 a[5], bool compat);
long do_hvm_op(struct vcpu *v, const u64 a[5], bool compat);
long do_platform_op(struct vcpu *v, const u64 a[5], bool compat);
long do_physdev_op(struct vcpu *v, const u64 a[5], bool compat);
long do_vm_assist(struct vcpu *v, const u64 a[5], bool compat);

/* set_timer_op(u64 absolute system time): wake the vCPU then; 0 cancels.
 * 32-bit callers pass the time in two registers (low, high). */
static long do_set_timer_op(struct vcpu *v, const u64 a[5], bool compat)
{
	s_time_t t = compat ? (s_time_t)((a[1] << 32) | (u32)a[0]) : (s_time_t)a[0];

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
	[__HYPERVISOR_platform_op] = { do_platform_op, true, "platform_op" },
	[__HYPERVISOR_memory_op] = { do_memory_op, false, "memory_op" },
	[__HYPERVISOR_set_timer_op] = { do_set_timer_op, false, "set_timer_op" },
	[__HYPERVISOR_xen_version] = { do_xen_version, false, "xen_version" },
	[__HYPERVISOR_console_io] = { do_console_io, false, "console_io" },
	[__HYPERVISOR_grant_table_op] = { do_grant_table_op, false,
					  "grant_table_op" },
	[__HYPERVISOR_vm_assist] = { do_vm_assist, false, "vm_assist" },
	[__HYPERVISOR_vcpu_op] = { do_vcpu_op, false, "vcpu_op" },
	[__HYPERVISOR_sched_op] = { do_sched_op, false, "sched_op" },
	[__HYPERVISOR_event_channel_op] = { do_event_channel_op, false,
					    "event_channel_op" },
	[__HYPERVISOR_physdev_op] = { do_physdev_op, false, "physdev_op" },
	[__HYPERVISOR_hvm_op] = { do_hvm_op, false, "hvm_op" },
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
			   const u64 a[5], bool compat)
{
	struct domain *d = v->domain;
	unsigned long before = READ_ONCE(d->nr_bad_requests);
	long rc = h->fn(v, a, compat);

	if (is_bad_request(rc) && READ_ONCE(d->nr_bad_requests) == before)
		domain_bad_request(d, "%s(%#lx, %#lx) = %ld", h->name,
				   (unsigned long)a[0], (unsigned long)a[1], rc);
	return rc;
}

enum hypercall_result hypercall_dispatch(struct vcpu *v)
{
	const struct hypercall_def *h;
	u64 nr, a[5];
	bool compat = arch_hypercall_args(v, &nr, a);
	long rc;

	h = nr < ARRAY_SIZE(hypercall_table) ? &hypercall_table[nr] : NULL;
	if (arch_vcpu_cpl(v))
		rc = -EPERM;		/* Xen refuses guest user mode */
	else if (!h || !h->fn)
		rc = -ENOSYS;
	else if (h->privileged && !v->domain->is_privileged)
		rc = -EPERM;
	else
		rc = hypercall_call(v, h, a, compat);
	arch_hypercall_result(v, rc, compat);
	return HYPERCALL_DONE;
}
