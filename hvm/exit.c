/*
 * THE VM-exit dispatcher.  Vendor code has already decoded the hardware
 * exit into struct hvm_exit; this switch decides what every exit means,
 * and it is the only place that crashes a domain for a guest-caused
 * problem (STYLE.md error table): anything we cannot emulate from guest
 * kernel mode crashes the domain with a clear line, the rest of the
 * machine keeps running.
 */
#include <hvm/hvm.h>
#include <hvm/fpu.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/msr-index.h>
#include <asm/x86-defns.h>

unsigned int hvm_get_cpl(struct vcpu *v)
{
	struct hvm_seg ss;

	if (!(hvm_ops->get_cr(v, 0) & X86_CR0_PE))
		return 0;			/* real mode */
	hvm_ops->get_seg(v, SEG_SS, &ss);
	return X86_SEG_ATTR_DPL(ss.attr);
}

bool hvm_long_mode_64(struct vcpu *v)
{
	struct hvm_seg cs;

	if (!(hvm_ops->get_efer(v) & EFER_LMA))
		return false;
	hvm_ops->get_seg(v, SEG_CS, &cs);
	return cs.attr & X86_SEG_ATTR_L;
}

void hvm_skip_insn(struct vcpu *v, const struct hvm_exit *exit)
{
	v->hvm->regs.rip += exit->insn_len;
	if (!hvm_long_mode_64(v))
		v->hvm->regs.rip &= 0xffffffff;
}

void hvm_inject_gp0(struct vcpu *v)
{
	hvm_ops->inject_exception(v, TRAP_GP, true, 0);
}

void hvm_inject_ud(struct vcpu *v)
{
	hvm_ops->inject_exception(v, TRAP_UD, false, 0);
}

static void exit_cpuid(struct vcpu *v, const struct hvm_exit *e)
{
	struct hvm_regs *r = &v->hvm->regs;
	u32 a, b, c, d;

	hvm_cpuid(v, r->rax, r->rcx, &a, &b, &c, &d);
	r->rax = a;
	r->rbx = b;
	r->rcx = c;
	r->rdx = d;
	hvm_skip_insn(v, e);
}

static void exit_msr(struct vcpu *v, const struct hvm_exit *e)
{
	struct hvm_regs *r = &v->hvm->regs;
	u64 val;

	if (e->reason == HVM_EXIT_RDMSR) {
		if (hvm_msr_read(v, e->msr, &val))
			return hvm_inject_gp0(v);
		r->rax = (u32)val;
		r->rdx = val >> 32;
	} else {
		val = (r->rdx << 32) | (u32)r->rax;
		if (hvm_msr_write(v, e->msr, val))
			return hvm_inject_gp0(v);
	}
	hvm_skip_insn(v, e);
}

static void exit_io(struct vcpu *v, const struct hvm_exit *e)
{
	struct hvm_regs *r = &v->hvm->regs;
	u32 val = r->rax;
	u32 mask = e->io.size == 4 ? 0xffffffff : (1U << (8 * e->io.size)) - 1;

	if (e->io.string) {
		/* INS/OUTS need the instruction emulator of a later stage. */
		domain_crash(v->domain, "string port I/O (port %#x) is not "
			     "emulated yet", e->io.port);
		return;
	}
	hvm_portio(v, e->io.port, e->io.size, e->io.in, &val);
	if (e->io.in)
		r->rax = (r->rax & ~(u64)mask) | (val & mask);
	hvm_skip_insn(v, e);
}

/*
 * HLT: with interrupts enabled the vCPU blocks until a timer or event;
 * with them disabled nothing can ever wake it, which Xen treats as the
 * vCPU going down, and the domain powering off when no vCPU is left
 * (xen-abi-map.md §A.8: that is how a PVH guest powers off).
 */
static void exit_hlt(struct vcpu *v, const struct hvm_exit *e)
{
	struct domain *d = v->domain;
	unsigned int up = 0;

	hvm_skip_insn(v, e);
	if (v->hvm->regs.rflags & X86_EFLAGS_IF) {
		/* An interrupt already waiting ends the HLT at once. */
		if (!arch_vcpu_has_pending_irq(v))
			vcpu_block_unless_pending(v);
		return;
	}
	vcpu_pause_flag_set(v, VPF_down);
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpu[i] && !(d->vcpu[i]->pause_flags & (1UL << VPF_down)))
			up++;
	if (!up)
		domain_shutdown(d, SHUTDOWN_poweroff);
}

static void exit_npf(struct vcpu *v, const struct hvm_exit *e)
{
	/* MMIO emulation arrives with the device model; until then an
	 * access outside the domain's memory is fatal for the domain. */
	domain_crash(v->domain, "%s access to guest-physical %#lx (%s) at "
		     "RIP %#lx", e->npf.write ? "write" : e->npf.exec ? "exec" :
		     "read", (unsigned long)e->npf.gpa,
		     e->npf.present ? "protected" : "not mapped",
		     (unsigned long)v->hvm->regs.rip);
}

static void exit_xsetbv(struct vcpu *v, const struct hvm_exit *e)
{
	struct hvm_regs *r = &v->hvm->regs;

	if (hvm_get_cpl(v) ||
	    fpu_guest_xsetbv(v, r->rcx, (r->rdx << 32) | (u32)r->rax))
		return hvm_inject_gp0(v);
	hvm_skip_insn(v, e);
}

void hvm_handle_exit(struct vcpu *v, const struct hvm_exit *e)
{
	v->hvm->nr_exits++;
	switch (e->reason) {
	case HVM_EXIT_NONE:
	case HVM_EXIT_EXTINT:
	case HVM_EXIT_NMI:
		break;
	case HVM_EXIT_CPUID:
		exit_cpuid(v, e);
		break;
	case HVM_EXIT_RDMSR:
	case HVM_EXIT_WRMSR:
		exit_msr(v, e);
		break;
	case HVM_EXIT_IO:
		exit_io(v, e);
		break;
	case HVM_EXIT_HLT:
		exit_hlt(v, e);
		break;
	case HVM_EXIT_HYPERCALL:
		if (hypercall_dispatch(v) == HYPERCALL_DONE)
			hvm_skip_insn(v, e);
		break;
	case HVM_EXIT_OTHER_VENDOR_HYPERCALL:
		/* As Xen 4.17: the other vendor's instruction is #UD for an HVM
		 * guest (xen-abi-map.md §A.5, §F.1); Linux picks by vendor. */
		hvm_inject_ud(v);
		break;
	case HVM_EXIT_NPF:
		exit_npf(v, e);
		break;
	case HVM_EXIT_TRIPLE_FAULT:
		domain_crash(v->domain, "triple fault on vCPU%u at RIP %#lx",
			     v->vcpu_id, (unsigned long)v->hvm->regs.rip);
		break;
	case HVM_EXIT_INIT:
		domain_crash(v->domain, "INIT signal on vCPU%u", v->vcpu_id);
		break;
	case HVM_EXIT_PAUSE:
		hvm_skip_insn(v, e);
		vcpu_yield(v);
		break;
	case HVM_EXIT_XSETBV:
		exit_xsetbv(v, e);
		break;
	case HVM_EXIT_INVALID:
		domain_crash(v->domain, "vCPU%u entry failed: invalid guest "
			     "state (vendor code %#lx)", v->vcpu_id,
			     (unsigned long)e->vendor_code);
		break;
	case HVM_EXIT_EXCEPTION:
		hvm_ops->inject_exception(v, e->exc.vector, e->exc.has_error,
					  e->exc.error);
		break;
	default:
		domain_crash(v->domain, "vCPU%u: unhandled exit %#lx at RIP %#lx",
			     v->vcpu_id, (unsigned long)e->vendor_code,
			     (unsigned long)v->hvm->regs.rip);
	}
}
