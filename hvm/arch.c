/*
 * The arch interface common code calls (xen/include/xen/arch_vcpu.h),
 * for hardware-assisted guests: thin wrappers over the vendor ops table
 * and the p2m, so that xen/common includes no hvm/ header.
 */
#include <hvm/hvm.h>
#include <hvm/p2m/p2m.h>
#include <xen/arch_vcpu.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/sched.h>

int arch_domain_create(struct domain *d)
{
	d->p2m = p2m_create(hvm_p2m_format());
	return d->p2m ? 0 : -ENOMEM;
}

void arch_domain_destroy(struct domain *d)
{
	if (d->p2m)
		p2m_destroy(d->p2m);
	d->p2m = NULL;
}

int arch_domain_map_ram(struct domain *d, u64 gfn, mfn_t mfn,
			unsigned int order)
{
	return p2m_map(d->p2m, gfn, mfn, order, P2M_RWX);
}

unsigned long arch_domain_table_pages(const struct domain *d)
{
	return d->p2m ? p2m_table_pages(d->p2m) : 0;
}

int arch_vcpu_create(struct vcpu *v)
{
	hvm_msr_vcpu_init(v);
	return hvm_ops->vcpu_init(v);
}

void arch_vcpu_destroy(struct vcpu *v)
{
	if (v->hvm.vendor)
		hvm_ops->vcpu_destroy(v);
}

void arch_vcpu_set_state(struct vcpu *v, const struct hvm_boot_state *s)
{
	v->hvm.regs = s->regs;
	hvm_ops->vcpu_set_state(v, s);
}

void arch_vcpu_run_once(struct vcpu *v)
{
	hvm_vcpu_run_once(v);
}

void arch_vcpu_migrate(struct vcpu *v, unsigned int new_cpu)
{
	if (hvm_ops && hvm_ops->vcpu_migrate)
		hvm_ops->vcpu_migrate(v, new_cpu);
}

unsigned int arch_vcpu_cpl(struct vcpu *v)
{
	return hvm_get_cpl(v);
}

bool arch_hypercall_args(struct vcpu *v, u64 *nr, u64 a[5])
{
	const struct hvm_regs *r = &v->hvm.regs;

	if (hvm_long_mode_64(v)) {
		*nr = r->rax;
		a[0] = r->rdi, a[1] = r->rsi, a[2] = r->rdx;
		a[3] = r->r10, a[4] = r->r8;
		return false;
	}
	*nr = (u32)r->rax;
	a[0] = (u32)r->rbx, a[1] = (u32)r->rcx, a[2] = (u32)r->rdx;
	a[3] = (u32)r->rsi, a[4] = (u32)r->rdi;
	return true;
}

void arch_hypercall_result(struct vcpu *v, long rc, bool compat)
{
	v->hvm.regs.rax = compat ? (u32)rc : (u64)rc;
}
