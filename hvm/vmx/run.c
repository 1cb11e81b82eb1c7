/*
 * Intel VMX: entering the guest and decoding the exit (SDM vol. 3 ch.
 * 26-27); vmx_vcpu_run() is the whole path, entry.S the instructions.
 *
 * Events.  One pending event for the next entry; an event whose delivery
 * an exit cut short (IDT-vectoring information, 27.2.4) is pending again;
 * an interrupt pushed aside by an exception waits in a second slot until
 * the guest can take it.  inject_interrupt() refusing arms interrupt-window
 * exiting, whose exit is HVM_EXIT_NONE, so common code tries again as soon
 * as the guest can take it.  Instructions completed by common code (RIP
 * moved since the exit) end any STI/MOV SS shadow.
 *
 * State VMX does not switch.  The host never uses SYSCALL, SWAPGS, RDTSCP
 * or the debug registers, so STAR/LSTAR/SFMASK/KERNEL_GS_BASE/TSC_AUX and
 * DR0-3/DR6 hold the last guest's values; a per-pCPU copy of what the
 * registers hold makes loading another vCPU's values cost only the
 * writes that differ.  KERNEL_GS_BASE (SWAPGS), DR6 (MOV DR) and CR2
 * (#PF) change without exits and are read back after each exit; a #DB
 * exits without touching DR6, which vmx_exit_db() updates.  DR0-3 are
 * lazy: MOV DR exits until the guest first uses one, then runs natively
 * until an exit finds no breakpoint enabled in DR7.  The FPU and XCR0 go
 * through hvm/fpu.c.
 *
 * Exits that are vendor mechanics (the first MOV DR, the interrupt
 * window, the Bochs preemption-timer backstop) are handled here and
 * reported as HVM_EXIT_NONE (nothing completed: the guest runs on);
 * CR0/CR4 writes are done in state.c and reported as HVM_EXIT_HANDLED
 * with their disposition; VMX/SMX/MONITOR instructions the guest must
 * find absent are reported as the exception they raise, and so is an
 * intercepted #DB, except ICEBP's: vmx_exit_db() queues it with its type
 * and length and reports HVM_EXIT_HANDLED / HVM_INJECT.  RIP is moved
 * by the common dispatcher only.
 */
#include <hvm/fpu.h>
#include <hvm/hvm.h>
#include <hvm/vmx/vmcs.h>
#include <hvm/vmx/vmx.h>
#include <hvm/x86.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/time.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/traps.h>

#define VMX_IF0_SLICE_US	1000		/* see vmx_bochs_if0_timer() */
/* Enter-failure results of vmx_enter() (entry.S). */
#define VMX_ENTER_FAIL_INVALID	1
#define VMX_ENTER_FAIL_VALID	2
/* hvm_exit.vendor_code of a VMLAUNCH/VMRESUME failure: error | this. */
#define VMX_VENDOR_VMFAIL	(1ULL << 32)

int vmx_enter(struct hvm_regs *regs, bool resume);

/* What each pCPU's registers hold of the state VMX does not switch.
 * Touched only by that pCPU, with interrupts off. */
static struct vmx_hw {
	bool known;			/* the values below are valid */
	u64 star, lstar, sfmask, kgs_base, tsc_aux;
	u64 dr[4], dr6;
} vmx_hw[NR_CPUS];

/* ---- Events ---- */

/* The entry interruption info for @vec arriving while @first is pending
 * (the rule is x86_exc_combine()); 0 means triple fault. */
static u32 vmx_combine_exc(u8 first, u8 vec, u32 info)
{
	switch (x86_exc_combine(first, vec)) {
	case X86_EXC_TRIPLE_FAULT:
		return 0;
	case X86_EXC_DOUBLE_FAULT:
		return 8 | VMX_INTR_TYPE_HW_EXC | VMX_INTR_HAS_ERROR |
		       VMX_INTR_VALID;
	default:
		return info;
	}
}

/* Queue exception @info (with @error, and @len for the software types)
 * for the next entry, combined with a pending one as the CPU would. */
static void vmx_queue_exception(struct vmx_vcpu *vx, u32 info, u32 error,
				u32 len)
{
	struct vmx_event *p = &vx->pending;
	u8 vector = VMX_INTR_VECTOR(info);

	if ((p->info & VMX_INTR_VALID) &&
	    (p->info & (7U << 8)) == VMX_INTR_TYPE_HW_EXC) {
		info = vmx_combine_exc(VMX_INTR_VECTOR(p->info), vector, info);
		if (!info) {
			vx->triple_fault = true;
			return;
		}
		if (VMX_INTR_VECTOR(info) == 8 && vector != 8)
			error = 0;
	} else if ((p->info & VMX_INTR_VALID) &&
		   (p->info & (7U << 8)) <= VMX_INTR_TYPE_NMI) {
		/* Interrupts and NMIs wait; a software event is dropped: RIP
		 * still points at its INT instruction, which reruns. */
		BUG_ON(vx->deferred.info & VMX_INTR_VALID);
		vx->deferred = *p;
	}
	*p = (struct vmx_event){ info, info & VMX_INTR_HAS_ERROR ? error : 0,
				 len };
}

void vmx_inject_exception(struct vcpu *v, u8 vector, bool has_error,
			  u32 error)
{
	u32 info = vector | VMX_INTR_VALID |
		   (vector == TRAP_NMI ? VMX_INTR_TYPE_NMI : VMX_INTR_TYPE_HW_EXC);

	/* 26.2.1.3: only these vectors may push an error code (#CP, #VC
	 * and #SX never arise here: no CET, no SEV). */
	if (has_error && x86_exc_has_error_code(vector))
		info |= VMX_INTR_HAS_ERROR;
	/* A single-step trap we raise (hvm/exit.c) reports itself in DR6
	 * (vx->dr6 is the guest's, loaded at entry). */
	if (vector == TRAP_DB && (v->hvm->regs.rflags & X86_EFLAGS_TF))
		vmx_of(v)->dr6 |= X86_DR6_BS;
	vmx_queue_exception(vmx_of(v), info, error, 0);
}

/* RFLAGS.IF set and no STI/MOV SS shadow (an instruction we completed,
 * RIP moved since the exit, ended it). */
static bool vmx_interruptible(struct vcpu *v, struct vmx_vcpu *vx)
{
	bool shadow = (vx->intr_state &
		       (VMX_INTR_BLOCK_STI | VMX_INTR_BLOCK_MOV_SS)) &&
		      v->hvm->regs.rip == vx->exit_rip;

	return (v->hvm->regs.rflags & X86_EFLAGS_IF) && !shadow;
}

bool vmx_interrupt_ready(struct vcpu *v)
{
	struct vmx_vcpu *vx = vmx_of(v);

	if (((vx->pending.info | vx->deferred.info) & VMX_INTR_VALID) ||
	    !vmx_interruptible(v, vx)) {
		vx->want_window = true;		/* exit once it can */
		return false;
	}
	return true;
}

bool vmx_inject_interrupt(struct vcpu *v, u8 vector)
{
	if (!vmx_interrupt_ready(v))
		return false;
	vmx_of(v)->pending = (struct vmx_event){
		vector | VMX_INTR_TYPE_EXT | VMX_INTR_VALID, 0, 0 };
	return true;
}

void vmx_set_tsc_offset(struct vcpu *v, u64 offset)
{
	struct vmx_vcpu *vx = vmx_of(v);

	vx->tsc_offset = offset;
	WRITE_ONCE(vx->tsc_dirty, true);
}

void vmx_flush_guest_tlb(struct vcpu *v)
{
	__atomic_store_n(&vmx_of(v)->flush_tlb, true, __ATOMIC_RELEASE);
}

/* 24.8.3: write @e to the VM-entry interruption fields. */
static void vmx_write_event(const struct vmx_event *e)
{
	u32 info = e->info;

	/* 26.2.1.3: a real-mode guest (CR0.PE = 0) gets no error code. */
	if (!(vmx_vmread(VMCS_GUEST_CR0) & X86_CR0_PE))
		info &= ~VMX_INTR_HAS_ERROR;
	vmx_vmwrite(VMCS_ENTRY_INTR_INFO, info);
	if (info & VMX_INTR_HAS_ERROR)
		vmx_vmwrite(VMCS_ENTRY_EXCEPTION_ERROR, e->error);
	/* Software interrupts and exceptions need their length (24.8.3). */
	if ((info & (7U << 8)) >= VMX_INTR_TYPE_SW_INT)
		vmx_vmwrite(VMCS_ENTRY_INSN_LEN, e->len);
	if (vmx_event_clears_gd(info))		/* a #DB (debug.c) */
		vmx_vmwrite(VMCS_GUEST_DR7,
			    vmx_vmread(VMCS_GUEST_DR7) & ~X86_DR7_GD);
}

/* Pick the event for this entry and arm the interrupt window if
 * something still waits for the guest to become interruptible. */
static void vmx_inject_pending(struct vcpu *v, struct vmx_vcpu *vx)
{
	bool window = vx->want_window;
	struct vmx_event *e = NULL;

	vx->want_window = false;
	if (vx->pending.info & VMX_INTR_VALID) {
		e = &vx->pending;
		window |= vx->deferred.info & VMX_INTR_VALID;
	} else if (vx->deferred.info & VMX_INTR_VALID) {
		if ((vx->deferred.info & (7U << 8)) != VMX_INTR_TYPE_EXT ||
		    vmx_interruptible(v, vx))
			e = &vx->deferred;
		else
			window = true;
	}
	if (e) {
		vmx_write_event(e);
		vx->last_event = e->info | (u64)e->error << 32;
		vx->last_event_entry = v->hvm->entries;
		e->info = 0;
	}
	vmx_set_proc(vx, window ? vx->proc | VMX_PROC_INTR_WINDOW :
				  vx->proc & ~VMX_PROC_INTR_WINDOW);
}

/* ---- Entry ---- */

/*
 * Bochs 2.7 evaluates its interrupt masks while loading guest state,
 * before it marks the CPU as in a guest, so a guest entered with
 * RFLAGS.IF = 0 never gets an external-interrupt exit until it sets IF:
 * "cli; jmp ." would own the pCPU.  For such entries only, the VMX-
 * preemption timer (24.6.1, 25.5.1) bounds the stay; its exit is
 * HVM_EXIT_NONE and the host interrupt is then taken as usual.  Real CPUs
 * do not need it, and entries with IF = 1 never pay for it.
 */
static void vmx_bochs_if0_timer(struct vmx_vcpu *vx, u64 rflags)
{
	u32 pin = vx->pin & ~VMX_PIN_PREEMPT_TIMER;

	if (!(rflags & X86_EFLAGS_IF) &&
	    VMX_ALLOWED1(vmx_caps.pin, VMX_PIN_PREEMPT_TIMER)) {
		/* A.6: the timer counts down at the TSC rate >> MISC[4:0]. */
		u64 ticks = cpu_khz * VMX_IF0_SLICE_US / 1000;

		pin |= VMX_PIN_PREEMPT_TIMER;
		vmx_vmwrite(VMCS_GUEST_PREEMPT_TIMER,
			    MIN(ticks >> (vmx_caps.misc & 0x1f), 0xffffffffULL));
	}
	if (pin != vx->pin) {
		vx->pin = pin;
		vmx_vmwrite(VMCS_PIN_CONTROLS, pin);
	}
}

/* Registers and pending work into the VMCS.  Pre: VMCS current. */
static void vmx_sync_to_vmcs(struct vcpu *v, struct vmx_vcpu *vx)
{
	struct hvm_regs *r = &v->hvm->regs;
	u32 intr = vx->intr_state;

	/* 24.4.2: the shadow covers one instruction; 26.3.1.5: blocking by
	 * STI needs RFLAGS.IF. */
	if (r->rip != vx->exit_rip)
		intr &= ~(VMX_INTR_BLOCK_STI | VMX_INTR_BLOCK_MOV_SS);
	if (!(r->rflags & X86_EFLAGS_IF))
		intr &= ~VMX_INTR_BLOCK_STI;
	if (intr != vx->intr_state) {
		vx->intr_state = intr;
		vmx_vmwrite(VMCS_GUEST_INTERRUPTIBILITY, intr);
	}
	vmx_vmwrite(VMCS_GUEST_RSP, r->rsp);
	vmx_vmwrite(VMCS_GUEST_RIP, r->rip);
	vmx_vmwrite(VMCS_GUEST_RFLAGS, r->rflags | X86_EFLAGS_FIXED);
	vmx_bochs_if0_timer(vx, r->rflags);
	if (READ_ONCE(vx->tsc_dirty)) {
		WRITE_ONCE(vx->tsc_dirty, false);
		vmx_vmwrite(VMCS_TSC_OFFSET, vx->tsc_offset);
	}
	if (__atomic_exchange_n(&vx->flush_tlb, false, __ATOMIC_ACQ_REL)) {
		vmx_flush_here(vx);
		vx->flush_vpid = false;
	} else if (vx->flush_vpid) {
		vx->flush_vpid = false;
		if (vx->vpid)	/* without VPID every entry flushes anyway */
			vmx_invvpid(vmx_caps.ept_vpid & VMX_VPID_INVVPID_SINGLE ?
				    VMX_INVVPID_SINGLE : VMX_INVVPID_ALL,
				    vx->vpid);
	}
	vmx_inject_pending(v, vx);
}

static u64 vmx_read_dr(unsigned int n)
{
	u64 v = 0;

	switch (n) {
	case 0: asm volatile("mov %%db0, %0" : "=r"(v)); break;
	case 1: asm volatile("mov %%db1, %0" : "=r"(v)); break;
	case 2: asm volatile("mov %%db2, %0" : "=r"(v)); break;
	case 3: asm volatile("mov %%db3, %0" : "=r"(v)); break;
	case 6: asm volatile("mov %%db6, %0" : "=r"(v)); break;
	}
	return v;
}

static void vmx_write_dr(unsigned int n, u64 v)
{
	switch (n) {
	case 0: asm volatile("mov %0, %%db0" : : "r"(v)); break;
	case 1: asm volatile("mov %0, %%db1" : : "r"(v)); break;
	case 2: asm volatile("mov %0, %%db2" : : "r"(v)); break;
	case 3: asm volatile("mov %0, %%db3" : : "r"(v)); break;
	case 6: asm volatile("mov %0, %%db6" : : "r"(v)); break;
	}
}

static void vmx_load_msr(u32 msr, u64 val, u64 *held)
{
	if (*held != val) {
		wrmsr(msr, val);
		*held = val;
	}
}

static void vmx_load_dr(unsigned int n, u64 val, u64 *held)
{
	if (*held != val) {
		vmx_write_dr(n, val);
		*held = val;
	}
}

/* First entry on this pCPU: learn what its registers hold. */
static void vmx_pcpu_learn(struct vmx_hw *pc)
{
	pc->star = rdmsr(MSR_STAR);
	pc->lstar = rdmsr(MSR_LSTAR);
	pc->sfmask = rdmsr(MSR_SFMASK);
	pc->kgs_base = rdmsr(MSR_KERNEL_GS_BASE);
	if (vmx_ctls.proc2 & VMX_PROC2_RDTSCP)
		pc->tsc_aux = rdmsr(MSR_TSC_AUX);
	for (unsigned int i = 0; i < 4; i++)
		pc->dr[i] = vmx_read_dr(i);
	pc->dr6 = vmx_read_dr(6);
	pc->known = true;
}

/* Guest values of what VMX does not switch (file note). */
static void vmx_switch_to_guest(struct vcpu *v, struct vmx_vcpu *vx,
				struct vmx_hw *pc)
{
	if (!pc->known)
		vmx_pcpu_learn(pc);
	vmx_load_msr(MSR_STAR, vx->star, &pc->star);
	vmx_load_msr(MSR_LSTAR, vx->lstar, &pc->lstar);
	vmx_load_msr(MSR_SFMASK, vx->sfmask, &pc->sfmask);
	vmx_load_msr(MSR_KERNEL_GS_BASE, vx->kgs_base, &pc->kgs_base);
	if (vmx_ctls.proc2 & VMX_PROC2_RDTSCP)
		vmx_load_msr(MSR_TSC_AUX, v->hvm->msr_tsc_aux, &pc->tsc_aux);
	if (vx->dr_owned)
		for (unsigned int i = 0; i < 4; i++)
			vmx_load_dr(i, vx->dr[i], &pc->dr[i]);
	vmx_load_dr(6, vx->dr6, &pc->dr6);
	if (read_cr2() != vx->cr2)
		write_cr2(vx->cr2);
	fpu_guest_enter(vx->fpu);
}

static void vmx_switch_to_host(struct vcpu *v, struct vmx_vcpu *vx,
			       struct vmx_hw *pc)
{
	vx->cr2 = read_cr2();
	vx->kgs_base = pc->kgs_base = rdmsr(MSR_KERNEL_GS_BASE);
	vx->dr6 = pc->dr6 = vmx_read_dr(6);
	if (!vx->dr_owned)
		return;
	for (unsigned int i = 0; i < 4; i++)
		vx->dr[i] = pc->dr[i] = vmx_read_dr(i);
	/* No breakpoint enabled: let MOV DR exit again, so a vCPU that
	 * touched the debug registers once does not pay for them forever. */
	if (!(vmx_vmread(VMCS_GUEST_DR7) & X86_DR7_ENABLES)) {
		vx->dr_owned = false;
		vmx_set_proc(vx, vx->proc | VMX_PROC_MOV_DR);
	}
}

/* RSP, RIP, RFLAGS back, and the event an exit interrupted (27.2.4). */
static void vmx_sync_from_vmcs(struct vcpu *v, struct vmx_vcpu *vx)
{
	struct hvm_regs *r = &v->hvm->regs;
	u32 idt;

	r->rsp = vmx_vmread(VMCS_GUEST_RSP);
	r->rip = vmx_vmread(VMCS_GUEST_RIP);
	r->rflags = vmx_vmread(VMCS_GUEST_RFLAGS);
	vx->exit_rip = r->rip;
	vx->intr_state = vmx_vmread(VMCS_GUEST_INTERRUPTIBILITY);
	idt = vmx_vmread(VMCS_IDT_VECTORING_INFO);
	vx->exit_event = idt & VMX_INTR_VALID ? idt : 0;
	if (!(idt & VMX_INTR_VALID))
		return;
	BUG_ON(vx->pending.info & VMX_INTR_VALID);
	vx->pending.info = idt & (VMX_INTR_VALID | VMX_INTR_HAS_ERROR | 0x7ff);
	vx->pending.error = idt & VMX_INTR_HAS_ERROR ?
			    vmx_vmread(VMCS_IDT_VECTORING_ERROR) : 0;
	vx->pending.len = vmx_vmread(VMCS_EXIT_INSN_LEN);
}

void vmx_event_trace(struct vcpu *v, struct hvm_event_trace *t)
{
	struct vmx_vcpu *vx = vmx_of(v);

	*t = (struct hvm_event_trace){
		.entry = vx->last_event_entry == v->hvm->entries ?
			 vx->last_event : 0,
		.exit = vx->exit_event,
		.last = vx->last_event,
		.last_age = v->hvm->entries - vx->last_event_entry,
	};
}

/* ---- Exit decoding ---- */

static void vmx_dump_guest(void)
{
	static const char *const names[] = {
		"ES", "CS", "SS", "DS", "FS", "GS", "LDTR", "TR" };

	printk(KERN_ERR "  RIP %#lx RSP %#lx RFLAGS %#lx CR0 %#lx/%#lx "
	       "CR3 %#lx CR4 %#lx/%#lx EFER %#lx\n",
	       (unsigned long)vmx_vmread(VMCS_GUEST_RIP),
	       (unsigned long)vmx_vmread(VMCS_GUEST_RSP),
	       (unsigned long)vmx_vmread(VMCS_GUEST_RFLAGS),
	       (unsigned long)vmx_vmread(VMCS_GUEST_CR0),
	       (unsigned long)vmx_vmread(VMCS_CR0_SHADOW),
	       (unsigned long)vmx_vmread(VMCS_GUEST_CR3),
	       (unsigned long)vmx_vmread(VMCS_GUEST_CR4),
	       (unsigned long)vmx_vmread(VMCS_CR4_SHADOW),
	       (unsigned long)vmx_vmread(VMCS_GUEST_EFER));
	printk(KERN_ERR "  pin %#lx proc %#lx proc2 %#lx exit %#lx entry %#lx "
	       "intr-info %#lx interruptibility %#lx\n",
	       (unsigned long)vmx_vmread(VMCS_PIN_CONTROLS),
	       (unsigned long)vmx_vmread(VMCS_PROC_CONTROLS),
	       (unsigned long)vmx_vmread(VMCS_PROC2_CONTROLS),
	       (unsigned long)vmx_vmread(VMCS_EXIT_CONTROLS),
	       (unsigned long)vmx_vmread(VMCS_ENTRY_CONTROLS),
	       (unsigned long)vmx_vmread(VMCS_ENTRY_INTR_INFO),
	       (unsigned long)vmx_vmread(VMCS_GUEST_INTERRUPTIBILITY));
	for (unsigned int r = 0; r < ARRAY_SIZE(names); r++)
		printk(KERN_ERR "  %-4s %04lx base %#lx limit %#lx ar %#lx\n",
		       names[r],
		       (unsigned long)vmx_vmread(VMCS_GUEST_ES_SEL + 2 * r),
		       (unsigned long)vmx_vmread(VMCS_GUEST_ES_BASE + 2 * r),
		       (unsigned long)vmx_vmread(VMCS_GUEST_ES_LIMIT + 2 * r),
		       (unsigned long)vmx_vmread(VMCS_GUEST_ES_AR + 2 * r));
}

/* VMLAUNCH/VMRESUME failed (30.4), or the entry failed while loading
 * guest state (26.8, exit reason bit 31). */
static void vmx_entry_failed(struct vcpu *v, int rc, u32 reason,
			     struct hvm_exit *e)
{
	u64 err = rc == VMX_ENTER_FAIL_VALID ?
		  vmx_vmread(VMCS_INSN_ERROR) : 0;

	if (rc == VMX_ENTER_FAIL_INVALID)
		panic("d%u vCPU%u: VM entry without a current VMCS",
		      v->domain->domain_id, v->vcpu_id);
	if (rc)
		printk(KERN_ERR "d%u vCPU%u: VM entry failed: VM-instruction "
		       "error %lu\n", v->domain->domain_id, v->vcpu_id,
		       (unsigned long)err);
	else
		printk(KERN_ERR "d%u vCPU%u: VM entry failed: exit reason %u, "
		       "qualification %#lx\n", v->domain->domain_id,
		       v->vcpu_id, VMX_EXIT_REASON_BASIC(reason),
		       (unsigned long)vmx_vmread(VMCS_EXIT_QUALIFICATION));
	vmx_dump_guest();
	e->reason = HVM_EXIT_INVALID;
	e->vendor_code = rc ? VMX_VENDOR_VMFAIL | err : reason;
}

/* #UD at a VMMCALL (0f 01 d9): a guest built for AMD making a hypercall. */
static bool vmx_is_vmmcall(struct vcpu *v)
{
	static const u8 vmmcall[3] = { 0x0f, 0x01, 0xd9 };
	u64 rip = v->hvm->regs.rip;
	u8 insn[3];

	if (!vmx_in_64bit())	/* linear = CS base + EIP, 32 bits wide */
		rip = (u32)(vmx_vmread(VMCS_GUEST_CS_BASE) + rip);
	return !copy_from_guest(v, insn, rip, sizeof(insn)) &&
	       !memcmp(insn, vmmcall, sizeof(insn));
}

/*
 * A #DB exit (intercepted, vmx.c says why): the guest gets the #DB the
 * CPU would have delivered, at the next entry.  DR6 takes the exit
 * qualification (debug.c; DR6 is switched on every entry and exit, so
 * vx->dr6 is the guest's), BS is made pending where the entry needs it
 * (debug.c), and vmx_write_event() clears DR7.GD as delivery does.
 * ICEBP (INT1, F1) exits as a privileged software exception with its
 * length (27.2.2, 27.2.4) and is injected back with both (24.8.3), so
 * the CPU pushes the RIP after it, as INT1 does; other #DBs go back as
 * hardware exceptions through the dispatcher.  Either way the event is
 * combined with a pending one like any exception.
 */
static void vmx_exit_db(struct vcpu *v, struct vmx_vcpu *vx, u32 info,
			struct hvm_exit *e)
{
	vx->dr6 = vmx_db_dr6(vx->dr6, vmx_vmread(VMCS_EXIT_QUALIFICATION));
	if (vmx_db_needs_pending_bs(v->hvm->regs.rflags, vx->intr_state))
		vmx_vmwrite(VMCS_GUEST_PENDING_DBG,
			    vmx_vmread(VMCS_GUEST_PENDING_DBG) | VMX_DBG_BS);
	if ((info & (7U << 8)) == VMX_INTR_TYPE_PRIV_SW_EXC) {
		vmx_queue_exception(vx, TRAP_DB | VMX_INTR_TYPE_PRIV_SW_EXC |
				    VMX_INTR_VALID, 0, e->insn_len);
		e->reason = HVM_EXIT_HANDLED;
		e->handled = HVM_INJECT;
		return;
	}
	hvm_exit_exception(e, TRAP_DB, false, 0);
}

static void vmx_decode_exception(struct vcpu *v, struct hvm_exit *e)
{
	u32 info = vmx_vmread(VMCS_EXIT_INTR_INFO);
	u8 vec = VMX_INTR_VECTOR(info);

	if ((info & (7U << 8)) == VMX_INTR_TYPE_NMI) {
		/* 24.6.1: with NMI exiting the NMI caused this exit instead of
		 * going through the host IDT, so the host handler has not
		 * run: run it now, as Xen does.  Its IRETQ also ends the NMI
		 * blocking the exit left behind. */
		asm volatile("int $2" ::: "memory");
		e->reason = HVM_EXIT_NMI;
		return;
	}
	if (vec == TRAP_DB) {
		vmx_exit_db(v, vmx_of(v), info, e);
		return;
	}
	if (vec == TRAP_UD && vmx_is_vmmcall(v)) {
		e->reason = HVM_EXIT_OTHER_VENDOR_HYPERCALL;
		e->insn_len = 3;
		return;
	}
	hvm_exit_exception(e, vec, info & VMX_INTR_HAS_ERROR,
			   info & VMX_INTR_HAS_ERROR ?
			   vmx_vmread(VMCS_EXIT_INTR_ERROR) : 0);
}

static void vmx_decode_io(struct hvm_exit *e)
{
	u64 q = vmx_vmread(VMCS_EXIT_QUALIFICATION);

	e->reason = HVM_EXIT_IO;
	e->io.port = VMX_IO_QUAL_PORT(q);
	e->io.size = VMX_IO_QUAL_SIZE(q);
	e->io.in = q & VMX_IO_QUAL_IN;
	e->io.string = q & VMX_IO_QUAL_STRING;
	e->io.rep = q & VMX_IO_QUAL_REP;
}

static void vmx_decode_npf(struct hvm_exit *e)
{
	u64 q = vmx_vmread(VMCS_EXIT_QUALIFICATION);

	e->reason = HVM_EXIT_NPF;
	e->npf.gpa = vmx_vmread(VMCS_GUEST_PHYS_ADDR);
	e->npf.read = q & VMX_EPT_QUAL_READ;
	e->npf.write = q & VMX_EPT_QUAL_WRITE;
	e->npf.exec = q & VMX_EPT_QUAL_EXEC;
	e->npf.present = q & VMX_EPT_QUAL_PERMS;
}

/* The guest's first MOV DR: give it the debug registers (file note);
 * the instruction reruns natively. */
static void vmx_exit_dr(struct vmx_vcpu *vx, struct hvm_exit *e)
{
	vx->dr_owned = true;
	vmx_set_proc(vx, vx->proc & ~VMX_PROC_MOV_DR);
	e->reason = HVM_EXIT_NONE;
}

/* Instructions the guest must find absent, as CPUID says they are:
 * VMX, SMX (GETSEC), MONITOR/MWAIT (#UD).  RDPMC: no counters (#GP(0)).
 * Reported as the exception, which the dispatcher injects. */
static bool vmx_exit_refused(u32 basic, struct hvm_exit *e)
{
	bool vmx_insn = (basic >= VMX_EXIT_VMCLEAR && basic <= VMX_EXIT_VMXON) ||
			basic == VMX_EXIT_INVEPT || basic == VMX_EXIT_INVVPID ||
			basic == VMX_EXIT_VMFUNC;

	if (basic == VMX_EXIT_RDPMC)
		hvm_exit_exception(e, TRAP_GP, true, 0);
	else if (vmx_insn || basic == VMX_EXIT_GETSEC ||
		 basic == VMX_EXIT_MWAIT || basic == VMX_EXIT_MONITOR)
		hvm_exit_exception(e, TRAP_UD, false, 0);
	else
		return false;
	return true;
}

/* Exits that map one to one onto a neutral reason; -1: not one. */
static int vmx_simple_reason(u32 basic)
{
	switch (basic) {
	case VMX_EXIT_EXT_INTR:
		return HVM_EXIT_EXTINT;
	case VMX_EXIT_TRIPLE_FAULT:
		return HVM_EXIT_TRIPLE_FAULT;
	case VMX_EXIT_INIT:
		return HVM_EXIT_INIT;
	case VMX_EXIT_INTR_WINDOW:
		return HVM_EXIT_NONE;	/* injection is retried every entry */
	case VMX_EXIT_PREEMPT_TIMER:
		return HVM_EXIT_NONE;	/* vmx_bochs_if0_timer() */
	case VMX_EXIT_CPUID:
		return HVM_EXIT_CPUID;
	case VMX_EXIT_HLT:
		return HVM_EXIT_HLT;
	case VMX_EXIT_VMCALL:
		return HVM_EXIT_HYPERCALL;
	case VMX_EXIT_RDMSR:
		return HVM_EXIT_RDMSR;
	case VMX_EXIT_WRMSR:
		return HVM_EXIT_WRMSR;
	case VMX_EXIT_PAUSE:
		return HVM_EXIT_PAUSE;	/* PAUSE-loop exiting */
	case VMX_EXIT_XSETBV:
		return HVM_EXIT_XSETBV;
	}
	return -1;
}

static void vmx_decode_exit(struct vcpu *v, struct vmx_vcpu *vx, u32 reason,
			    struct hvm_exit *e)
{
	u32 basic = VMX_EXIT_REASON_BASIC(reason);
	int simple = vmx_simple_reason(basic);

	e->vendor_code = reason;
	e->insn_len = vmx_vmread(VMCS_EXIT_INSN_LEN);
	e->reason = HVM_EXIT_UNHANDLED;
	if (simple >= 0) {
		e->reason = simple;
		if (basic == VMX_EXIT_RDMSR || basic == VMX_EXIT_WRMSR)
			e->msr = (u32)v->hvm->regs.rcx;
		return;
	}
	if (vmx_exit_refused(basic, e))
		return;
	switch (basic) {
	case VMX_EXIT_EXCEPTION_NMI:
		vmx_decode_exception(v, e);
		break;
	case VMX_EXIT_IO:
		vmx_decode_io(e);
		break;
	case VMX_EXIT_EPT_VIOLATION:
		vmx_decode_npf(e);
		break;
	case VMX_EXIT_CR_ACCESS:
		vmx_exit_cr(v, vx, e);
		break;
	case VMX_EXIT_DR_ACCESS:
		vmx_exit_dr(vx, e);
		break;
	case VMX_EXIT_INVD:
	case VMX_EXIT_WBINVD:
		/* Caches are coherent with everything we emulate: a no-op the
		 * dispatcher completes. */
		e->reason = HVM_EXIT_INVD;
		break;
	}
}

void vmx_vcpu_run(struct vcpu *v, struct hvm_exit *exit)
{
	struct vmx_vcpu *vx = vmx_of(v);
	unsigned int cpu = smp_processor_id();
	struct vmx_hw *pc = &vmx_hw[cpu];
	u32 reason;
	int rc;

	/* Interrupts are off: hvm_vcpu_run_once() turned them off just
	 * before (no check here, on every entry). */
	exit->insn_len = 0;		/* the rest is set by the decoder */
	if (vx->triple_fault) {
		exit->reason = HVM_EXIT_TRIPLE_FAULT;
		exit->vendor_code = VMX_EXIT_TRIPLE_FAULT;
		return;
	}
	vmx_load_for_run(v, vx, cpu);
	vmx_sync_to_vmcs(v, vx);
	vmx_switch_to_guest(v, vx, pc);
	rc = vmx_enter(&v->hvm->regs, vx->launched);
	vmx_switch_to_host(v, vx, pc);
	reason = rc ? 0 : vmx_vmread(VMCS_EXIT_REASON);
	if (rc || (reason & VMX_EXIT_REASON_ENTRY_FAIL)) {
		vmx_entry_failed(v, rc, reason, exit);
		return;
	}
	vx->launched = true;
	vmx_sync_from_vmcs(v, vx);
	vmx_decode_exit(v, vx, reason, exit);
}
