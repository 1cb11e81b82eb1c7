/*
 * THE VM-exit dispatcher.  Vendor code has already decoded the hardware
 * exit into struct hvm_exit; this switch decides what every exit means,
 * and it is the only place that crashes a domain for a guest-caused
 * problem: anything we cannot emulate from guest kernel mode crashes the
 * domain with a clear line, the rest of the machine keeps running.
 *
 * Dispositions.  Each handler returns what happened (enum
 * hvm_disposition): the instruction completed (HVM_DONE), nothing
 * completed and the guest runs it again (HVM_RETRY), an exception was
 * queued for it (HVM_INJECT), a device model has the access and the vCPU
 * waits for the answer (HVM_WAIT_IO), or the domain was crashed
 * (HVM_CRASH).  hvm_handle_exit() then moves RIP, for HVM_DONE only, in
 * hvm_complete_insn(): no handler, and no vendor, moves it itself.  An
 * answered I/O request completes the same way, later, from the entry
 * path (hvm_io_finish()).
 */
#include <hvm/hvm.h>
#include <hvm/fpu.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/msr-index.h>
#include <asm/x86-defns.h>
#include <public/hvm/params.h>

unsigned int hvm_guest_mode_fill(struct vcpu *v)
{
	v->hvm->mode = hvm_ops->guest_mode(v) | HVM_MODE_KNOWN;
	return v->hvm->mode;
}

/*
 * An instruction we completed ends as the CPU ends one (SDM vol. 3
 * 17.3.1.1, 17.3.1.4): RFLAGS.RF clears, and with TF set a single-step
 * #DB follows it (the vendor sets DR6.BS when it queues a #DB under TF).
 * Otherwise a debugger stepping through CPUID or a hypercall would run
 * past it.
 */
static void hvm_complete_flags(struct vcpu *v)
{
	struct hvm_regs *r = &v->hvm->regs;

	r->rflags &= ~X86_EFLAGS_RF;
	if (r->rflags & X86_EFLAGS_TF)
		hvm_ops->inject_exception(v, TRAP_DB, false, 0);
}

/*
 * RIP past the instruction: the one place it moves.  Outside 64-bit code
 * EIP wraps at 4 GiB; asking the vendor for the mode only when the sum
 * crosses it keeps the common case to an addition.
 */
static inline void hvm_complete_insn(struct vcpu *v, unsigned int len)
{
	u64 rip = v->hvm->regs.rip + len;

	if ((rip >> 32) && !hvm_long_mode_64(v))
		rip = (u32)rip;
	v->hvm->regs.rip = rip;
	if (unlikely(v->hvm->regs.rflags & (X86_EFLAGS_TF | X86_EFLAGS_RF)))
		hvm_complete_flags(v);
}

static void hvm_inject_gp0(struct vcpu *v)
{
	hvm_ops->inject_exception(v, TRAP_GP, true, 0);
}

static enum hvm_disposition exit_cpuid(struct vcpu *v)
{
	struct hvm_regs *r = &v->hvm->regs;
	u32 a, b, c, d;

	hvm_cpuid(v, r->rax, r->rcx, &a, &b, &c, &d);
	r->rax = a;
	r->rbx = b;
	r->rcx = c;
	r->rdx = d;
	return HVM_DONE;
}

static enum hvm_disposition exit_msr(struct vcpu *v, const struct hvm_exit *e)
{
	struct hvm_regs *r = &v->hvm->regs;
	u64 val;

	if (e->reason == HVM_EXIT_RDMSR) {
		if (hvm_msr_read(v, e->msr, &val))
			goto gp;
		r->rax = (u32)val;
		r->rdx = val >> 32;
	} else {
		val = (r->rdx << 32) | (u32)r->rax;
		if (hvm_msr_write(v, e->msr, val))
			goto gp;
	}
	return HVM_DONE;
gp:
	hvm_inject_gp0(v);
	return HVM_INJECT;
}

/* An IN's @size low bytes of @val into RAX, the rest of it kept. */
static void hvm_io_set_rax(struct vcpu *v, unsigned int size, u32 val)
{
	u32 mask = size == 4 ? 0xffffffff : (1U << (8 * size)) - 1;
	struct hvm_regs *r = &v->hvm->regs;

	/* SDM vol. 2 IN: a 32-bit IN zeroes RAX[63:32] like any 32-bit
	 * destination; 8- and 16-bit ones leave the rest alone. */
	if (size == 4)
		r->rax = val;
	else
		r->rax = (r->rax & ~(u64)mask) | (val & mask);
}

static enum hvm_disposition exit_io(struct vcpu *v, const struct hvm_exit *e)
{
	u32 val = v->hvm->regs.rax;
	enum hvm_disposition disp;

	if (e->io.string)
		return hvm_emulate_insn(v);	/* INS/OUTS, REP or not */
	disp = hvm_portio(v, e->io.port, e->io.size, e->io.in, &val);
	if (disp == HVM_DONE && e->io.in)
		hvm_io_set_rax(v, e->io.size, val);
	return disp;
}

void hvm_io_finish(struct vcpu *v)
{
	struct hvm_ioreq req;

	if (!hvm_ioreq_take_answer(v, &req))
		return;
	if (req.emulated) {
		hvm_emulate_answered(v, &req);
		return;
	}
	if (req.in)
		hvm_io_set_rax(v, req.size, req.data);
	hvm_complete_insn(v, req.insn_len);
}

/*
 * HLT: with interrupts enabled the vCPU blocks until a timer or event;
 * with them disabled nothing can ever wake it, which Xen treats as the
 * vCPU going down, and the domain powering off when no vCPU is left
 * (that is how a PVH guest powers off).  Either way HLT completed: the
 * vCPU resumes after it.
 */
static enum hvm_disposition exit_hlt(struct vcpu *v)
{
	struct domain *d = v->domain;
	unsigned int up = 0;

	if (v->hvm->regs.rflags & X86_EFLAGS_IF) {
		/* An interrupt already waiting ends the HLT at once. */
		if (!arch_vcpu_has_pending_irq(v))
			vcpu_block_unless_pending(v);
		return HVM_DONE;
	}
	vcpu_pause_flag_set(v, VPF_down);
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpu[i] && !(d->vcpu[i]->pause_flags & (1UL << VPF_down)))
			up++;
	if (!up)
		domain_shutdown(d, SHUTDOWN_poweroff);
	return HVM_DONE;
}

static enum hvm_disposition exit_xsetbv(struct vcpu *v)
{
	struct hvm_regs *r = &v->hvm->regs;

	if (hvm_get_cpl(v) ||
	    fpu_guest_xsetbv(v, r->rcx, (r->rdx << 32) | (u32)r->rax)) {
		hvm_inject_gp0(v);
		return HVM_INJECT;
	}
	return HVM_DONE;
}

static enum hvm_disposition exit_inject(struct vcpu *v, u8 vec, bool has_error,
					u32 error)
{
	hvm_ops->inject_exception(v, vec, has_error, error);
	return HVM_INJECT;
}

static enum hvm_disposition exit_crash(struct vcpu *v, const struct hvm_exit *e)
{
	struct hvm_regs *r = &v->hvm->regs;

	switch (e->reason) {
	case HVM_EXIT_TRIPLE_FAULT: {
		/* Xen's hvm_triple_fault(): the shutdown the domain's
		 * HVM_PARAM_TRIPLE_FAULT_REASON names (reboot unless set), so
		 * an OS that resets by triple fault reboots under xl's
		 * on_reboot; the state is dumped first either way. */
		u64 reason = READ_ONCE(v->domain->hvm_param[HVM_PARAM_TRIPLE_FAULT_REASON]);

		hvm_dump_triple_fault(v, e);
		printk(KERN_ERR "d%u: triple fault on vCPU%u at RIP %#lx: "
		       "shutdown action %lu\n", v->domain->domain_id,
		       v->vcpu_id, (unsigned long)r->rip,
		       (unsigned long)reason);
		domain_shutdown(v->domain, (int)(reason & 0xff));
		break;
	}
	case HVM_EXIT_INIT:
		domain_crash(v->domain, "INIT signal on vCPU%u", v->vcpu_id);
		break;
	case HVM_EXIT_INVALID:
		domain_crash(v->domain, "vCPU%u entry failed: invalid guest "
			     "state (vendor code %#lx)", v->vcpu_id,
			     (unsigned long)e->vendor_code);
		break;
	default:
		domain_crash(v->domain, "vCPU%u: unhandled exit %#lx at RIP "
			     "%#lx", v->vcpu_id, (unsigned long)e->vendor_code,
			     (unsigned long)r->rip);
	}
	return HVM_CRASH;
}

static enum hvm_disposition hvm_exit_dispose(struct vcpu *v,
					     const struct hvm_exit *e)
{
	switch (e->reason) {
	case HVM_EXIT_NONE:
	case HVM_EXIT_EXTINT:
	case HVM_EXIT_NMI:
		return HVM_RETRY;
	case HVM_EXIT_CPUID:
		return exit_cpuid(v);
	case HVM_EXIT_RDMSR:
	case HVM_EXIT_WRMSR:
		return exit_msr(v, e);
	case HVM_EXIT_IO:
		return exit_io(v, e);
	case HVM_EXIT_HLT:
		return exit_hlt(v);
	case HVM_EXIT_HYPERCALL:
		/* A continuation re-executes the call (public/xen.h). */
		return hypercall_dispatch(v) == HYPERCALL_DONE ? HVM_DONE :
								 HVM_RETRY;
	case HVM_EXIT_OTHER_VENDOR_HYPERCALL:
		/* As Xen 4.17: the other vendor's instruction is #UD for an
		 * HVM guest; Linux picks the instruction by vendor. */
		return exit_inject(v, TRAP_UD, false, 0);
	case HVM_EXIT_NPF:
		return hvm_nested_page_fault(v, e);
	case HVM_EXIT_PAUSE:
		vcpu_yield(v);
		return HVM_DONE;
	case HVM_EXIT_XSETBV:
		return exit_xsetbv(v);
	case HVM_EXIT_INVD:
		/* Dropping the guest's dirty lines could hurt other domains:
		 * INVD acts as WBINVD, and caches are coherent with everything
		 * we emulate, so there is nothing to do. */
		return HVM_DONE;
	case HVM_EXIT_HANDLED:
		return e->handled;
	case HVM_EXIT_EXCEPTION:
		return exit_inject(v, e->exc.vector, e->exc.has_error,
				   e->exc.error);
	default:
		return exit_crash(v, e);
	}
}

/* The detail of @e worth a line in a crash report. */
static u64 exit_info(const struct hvm_exit *e)
{
	switch (e->reason) {
	case HVM_EXIT_IO:
		return e->io.port;
	case HVM_EXIT_RDMSR:
	case HVM_EXIT_WRMSR:
		return e->msr;
	case HVM_EXIT_NPF:
		return e->npf.gpa;
	case HVM_EXIT_EXCEPTION:
		return e->exc.vector;
	default:
		return 0;
	}
}

static void exit_record(struct vcpu *v, const struct hvm_exit *e,
			enum hvm_disposition disp)
{
	struct hvm_vcpu *h = v->hvm;
	struct hvm_exit_record *r = &h->exit_log[h->exit_log_next];

	*r = (struct hvm_exit_record){ .entry = h->entries,
				       .code = e->vendor_code,
				       .rip = h->regs.rip, .info = exit_info(e),
				       .disp = disp };
	h->exit_log_next = (h->exit_log_next + 1) % HVM_EXIT_LOG;
}

enum hvm_disposition hvm_handle_exit(struct vcpu *v, const struct hvm_exit *e)
{
	enum hvm_disposition disp;

	disp = hvm_exit_dispose(v, e);
	exit_record(v, e, disp);
	switch (disp) {
	case HVM_DONE:
		hvm_complete_insn(v, e->insn_len);
		break;
	case HVM_WAIT_IO:
		/* RIP stays on the instruction until the answer comes. */
		v->hvm->io.insn_len = e->insn_len;
		break;
	case HVM_RETRY:
	case HVM_INJECT:
	case HVM_CRASH:
		break;
	}
	return disp;
}
