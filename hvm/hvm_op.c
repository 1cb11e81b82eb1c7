/*
 * hvm_op hypercall (public/hvm/hvm_op.h, params.h), the parts a PVH guest
 * and its dom0 use, with Xen 4.17's permission rules: a guest may read
 * most of its own parameters and set only a few; the privileged domain
 * may do both on any domain.
 *
 * HVM_PARAM_CALLBACK_IRQ selects how the event-channel upcall arrives:
 * type vector (2) makes resume.c inject that vector while the vCPU's
 * evtchn_upcall_pending is set (docs/xen-abi.md §A.6 step 5); GSI and PCI
 * INTx types are accepted and deliver nothing, as Xen does for a domain
 * without an emulated IO-APIC/PIC (Linux sets GSI 1 as a marker).
 */
#include <hvm/hvm.h>
#include <hvm/vlapic.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/nospec.h>
#include <xen/sched.h>
#include <xen/time.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>

/* What a domain may set on itself, privileged or not (Xen's
 * hvm_allow_set_param(): -EPERM for the rest, -EINVAL for retired ones). */
static long self_set_check(u32 index)
{
	switch (index) {
	case HVM_PARAM_CALLBACK_IRQ:
	case HVM_PARAM_STORE_EVTCHN:
	case HVM_PARAM_CONSOLE_EVTCHN:
	case HVM_PARAM_VM86_TSS:
	case HVM_PARAM_VM86_TSS_SIZED:
	case HVM_PARAM_ACPI_IOPORTS_LOCATION:
	case HVM_PARAM_VM_GENERATION_ID_ADDR:
	case HVM_PARAM_X87_FIP_WIDTH:
		return 0;
	}
	return -EPERM;
}

/* Parameters Xen 4.17 retired, absent from the 4.17 public headers:
 * PAE_ENABLED (4) and DM_DOMAIN (13); always -EINVAL. */
static bool retired(u32 index)
{
	return index == 4 || index == 13;
}

/* What a domain may not read of itself (Xen's hvm_allow_get_param()). */
static bool self_may_get(u32 index)
{
	switch (index) {
	case HVM_PARAM_IOREQ_SERVER_PFN:
	case HVM_PARAM_NR_IOREQ_SERVER_PAGES:
	case HVM_PARAM_ALTP2M:
	case HVM_PARAM_MCA_CAP:
	case HVM_PARAM_TIMER_MODE:
	case HVM_PARAM_HPET_ENABLED:
	case HVM_PARAM_IDENT_PT:
	case HVM_PARAM_VIRIDIAN:
		return false;
	}
	return true;
}

/*
 * Like Xen's hvm_set_callback_via() this never fails for a well-formed
 * value, with one deliberate difference: a vector below 16 is refused
 * (-EINVAL) instead of being injected as an "external interrupt" on an
 * exception vector.  Any type but vector means no delivery here.
 */
static long set_callback_irq(struct domain *d, u64 value)
{
	u8 vec = 0;

	if ((value >> 56) == HVM_PARAM_CALLBACK_TYPE_VECTOR) {
		if ((value & 0xff) < 0x10)
			return -EINVAL;
		vec = value & 0xff;
	}
	WRITE_ONCE(d->callback_vector, vec);
	/* Events may already wait for it. */
	if (vec)
		for (unsigned int i = 0; i < d->max_vcpus; i++)
			if (evtchn_upcall_pending(d, i))
				vcpu_kick(d->vcpu[i]);
	return 0;
}

/* HVMOP_get/set_param on @d (referenced by the caller). */
static long hvm_param_on(struct vcpu *v, struct domain *d, int op, u64 arg,
			 struct xen_hvm_param *p)
{
	bool self = d == v->domain;
	long rc;

	if (retired(p->index))
		return -EINVAL;
	if (op == HVMOP_get_param) {
		if (self && !self_may_get(p->index))
			return -EPERM;
		p->value = READ_ONCE(d->hvm_param[p->index]);
		return copy_to_guest(v, arg, p, sizeof(*p)) ? -EFAULT : 0;
	}
	if (self && (rc = self_set_check(p->index)))
		return rc;
	rc = p->index == HVM_PARAM_CALLBACK_IRQ ? set_callback_irq(d, p->value) : 0;
	if (!rc)
		WRITE_ONCE(d->hvm_param[p->index], p->value);
	return rc;
}

static long hvm_param(struct vcpu *v, int op, u64 arg)
{
	struct domain *curr = v->domain, *d;
	struct xen_hvm_param p;
	long rc;

	if (copy_from_guest(v, &p, arg, sizeof(p)))
		return -EFAULT;
	if (p.index >= HVM_NR_PARAMS)
		return -EINVAL;
	p.index = array_index_nospec(p.index, HVM_NR_PARAMS);
	if (p.domid == DOMID_SELF || p.domid == curr->domain_id)
		return hvm_param_on(v, curr, op, arg, &p);
	if (!curr->is_privileged)
		return -EPERM;
	if (!(d = domain_by_id(p.domid)))
		return -ESRCH;
	rc = hvm_param_on(v, d, op, arg, &p);
	put_domain(d);
	return rc;
}

/* Per-vCPU upcall vector (Xen 4.17; Linux uses it when CPUID leaf
 * 0x40000004 advertises XEN_HVM_CPUID_UPCALL_VECTOR, which Amphi does). */
static long set_upcall_vector(struct vcpu *v, u64 arg)
{
	struct xen_hvm_evtchn_upcall_vector op;
	struct domain *d = v->domain;

	if (copy_from_guest(v, &op, arg, sizeof(op)))
		return -EFAULT;
	if (op.vector < 0x10)
		return -EINVAL;
	if (op.vcpu >= d->max_vcpus)
		return -ENOENT;
	op.vcpu = array_index_nospec(op.vcpu, d->max_vcpus);
	if (!d->vcpu[op.vcpu])
		return -ENOENT;
	WRITE_ONCE(d->vcpu[op.vcpu]->hvm->evtchn_upcall_vector, op.vector);
	/* An upcall already pending arrives through the new vector. */
	if (evtchn_upcall_pending(d, op.vcpu)) {
		vlapic_set_irq(d->vcpu[op.vcpu], op.vector);
		vcpu_kick(d->vcpu[op.vcpu]);
	}
	return 0;
}

long do_hvm_op(struct vcpu *v, struct hypercall_args *args)
{
	const u64 *a = args->a;
	bool compat = args->compat;
	switch (compat ? (u32)a[0] : a[0]) {
	case HVMOP_set_param:
	case HVMOP_get_param:
		/* Same layout for 32-bit callers: {u16, u32, u64}, 16 bytes. */
		return hvm_param(v, a[0], a[1]);
	case HVMOP_set_evtchn_upcall_vector:
		return set_upcall_vector(v, a[1]);
	case HVMOP_get_time: {
		struct xen_hvm_get_time t = { .now = NOW() };

		return copy_to_guest(v, a[1], &t, sizeof(t)) ? -EFAULT : 0;
	}
	case HVMOP_pagetable_dying: {
		struct xen_hvm_pagetable_dying pd;

		/* Only a shadow-paging hint: with nested paging Xen refuses
		 * it (-EINVAL), which Linux tolerates. */
		if (copy_from_guest(v, &pd, a[1], sizeof(pd)))
			return -EFAULT;
		return -EINVAL;
	}
	}
	return -ENOSYS;
}
