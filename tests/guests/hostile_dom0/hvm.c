/*
 * hvm_op (34).  Xen 4.17: xen/arch/x86/hvm/hvm.c do_hvm_op() (op is an
 * unsigned long), hvmop_set_param() / hvmop_get_param() (index checked
 * before the domain), hvm_allow_set_param() / hvm_allow_get_param() (a
 * domain - dom0 too - may touch only a few of its own parameters;
 * deprecated ones are -EINVAL for everyone), hvm_set_param():
 * HVM_PARAM_CALLBACK_IRQ never fails (hvm_set_callback_via() in
 * hvm/irq.c ignores what it cannot use), hvmop_set_evtchn_upcall_vector()
 * (vector checked before the vCPU).
 */
#include "hostile.h"

#define DOMID_NONE 0x7000
/* Deprecated parameters (params.h shows them to Xen and tools only). */
#define PARAM_PAE_ENABLED 4
#define PARAM_DM_DOMAIN 13

static long param(unsigned long op, domid_t dom, u32 index, u64 *value)
{
	static struct xen_hvm_param p;
	long rc;

	p = (struct xen_hvm_param){ .domid = dom, .index = index, .value = *value };
	rc = hvm_op(op, &p);
	*value = p.value;
	return rc;
}

static long set_param(domid_t dom, u32 index, u64 value)
{
	return param(HVMOP_set_param, dom, index, &value);
}

static long upcall_vector(u32 vcpu, u8 vector)
{
	static struct xen_hvm_evtchn_upcall_vector u;

	u = (struct xen_hvm_evtchn_upcall_vector){ .vcpu = vcpu, .vector = vector };
	return hvm_op(HVMOP_set_evtchn_upcall_vector, &u);
}

void check_hvm_op(void)
{
	static struct xen_hvm_pagetable_dying pd;
	u64 v = 0, old = 0;

	expect(set_param(DOMID_SELF, HVM_NR_PARAMS, 0), -EINVAL,
	       "set_param index %u (HVM_NR_PARAMS)", HVM_NR_PARAMS);
	expect(param(HVMOP_get_param, DOMID_SELF, 0xffffffff, &v), -EINVAL,
	       "get_param index 2^32-1");
	expect(set_param(DOMID_NONE, HVM_PARAM_CALLBACK_IRQ, 0), -ESRCH,
	       "set_param in nonexistent d%#x", DOMID_NONE);
	expect(param(HVMOP_get_param, DOMID_IO, HVM_PARAM_CALLBACK_IRQ, &v), -ESRCH,
	       "get_param in DOMID_IO");
	expect(set_param(DOMID_NONE, HVM_NR_PARAMS, 0), -EINVAL,
	       "set_param bad index in nonexistent d%#x (index checked first)", DOMID_NONE);
	expect(hvm_op(HVMOP_set_param, P(VA_UNMAPPED)), -EFAULT, "set_param, argument unmapped");
	expect(hvm_op(HVMOP_get_param, P(win_cross(8))), -EFAULT,
	       "get_param, argument runs into a hole");

	/* What a domain may not do to its own parameters, dom0 included. */
	v = 0;
	expect(param(HVMOP_get_param, DOMID_SELF, HVM_PARAM_TIMER_MODE, &v), -EPERM,
	       "get_param own TIMER_MODE");
	expect(set_param(DOMID_SELF, HVM_PARAM_STORE_PFN, 0x1234), -EPERM,
	       "set_param own STORE_PFN");
	expect(set_param(DOMID_SELF, PARAM_PAE_ENABLED, 1), -EINVAL,
	       "set_param PAE_ENABLED (deprecated)");
	expect(param(HVMOP_get_param, DOMID_SELF, PARAM_DM_DOMAIN, &v), -EINVAL,
	       "get_param DM_DOMAIN (deprecated)");

	/* CALLBACK_IRQ: Xen takes any value; unusable types select nothing.
	 * Amphi's one deliberate difference: an exception vector (< 16) is
	 * refused rather than injected as an interrupt. */
	expect(set_param(DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, (2ULL << 56) | 0x05),
	       -EINVAL, "set_param CALLBACK_IRQ vector 0x05 (Amphi refuses)");
	expect(set_param(DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, 7ULL << 56), 0,
	       "set_param CALLBACK_IRQ type 7");
	expect(set_param(DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, (2ULL << 56) | 0xf3), 0,
	       "set_param CALLBACK_IRQ vector 0xf3");
	v = 0;
	expect(param(HVMOP_get_param, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &v), 0,
	       "get_param CALLBACK_IRQ");
	expect(v, (2ULL << 56) | 0xf3, "CALLBACK_IRQ read back");
	/* No callback while interrupts are on in the rest of the run. */
	expect(set_param(DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, 0), 0,
	       "set_param CALLBACK_IRQ 0 (none)");
	expect(param(HVMOP_get_param, DOMID_SELF, HVM_PARAM_STORE_EVTCHN, &old), 0,
	       "get_param STORE_EVTCHN");
	expect(set_param(DOMID_SELF, HVM_PARAM_STORE_EVTCHN, 77), 0,
	       "set_param STORE_EVTCHN 77");
	v = 0;
	param(HVMOP_get_param, DOMID_SELF, HVM_PARAM_STORE_EVTCHN, &v);
	expect(v, 77, "STORE_EVTCHN read back");
	set_param(DOMID_SELF, HVM_PARAM_STORE_EVTCHN, old);

	/* The per-vCPU upcall vector: the vector is checked first.  No good
	 * one is set: there is no way back to "none". */
	expect(upcall_vector(99, 0x0f), -EINVAL, "set_evtchn_upcall_vector 0x0f, vCPU 99");
	expect(upcall_vector(99, 0xf3), -ENOENT, "set_evtchn_upcall_vector vCPU 99");
	expect(upcall_vector(0, 0), -EINVAL, "set_evtchn_upcall_vector 0");
	expect(hvm_op(HVMOP_set_evtchn_upcall_vector, P(VA_UNMAPPED)), -EFAULT,
	       "set_evtchn_upcall_vector, argument unmapped");

	/* Linux's probe at boot: HAP, not shadow paging. */
	pd = (struct xen_hvm_pagetable_dying){ .domid = DOMID_SELF, .gpa = 0 };
	expect(hvm_op(HVMOP_pagetable_dying, &pd), -EINVAL, "pagetable_dying (HAP)");
	expect(hvm_op(HVMOP_pagetable_dying, P(VA_UNMAPPED)), -EFAULT,
	       "pagetable_dying, argument unmapped");
	expect(hvm_op(999, NULL), -ENOSYS, "hvm_op 999 (unknown)");
	expect(hvm_op((1UL << 32) | HVMOP_get_param, NULL), -ENOSYS,
	       "hvm_op 2^32 + get_param (an unsigned long: unknown)");
}
