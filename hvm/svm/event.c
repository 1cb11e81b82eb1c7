/*
 * AMD SVM event delivery: exceptions, NMIs and external interrupts into
 * the guest, interrupt windows, and events an exit cut short.
 *
 * Events: one pending event per vCPU.  An event whose delivery was cut
 * short by an exit (EXITINTINFO, 15.7.2) is queued again; an interrupt
 * pushed aside by a new exception waits in a second slot until the
 * exception has been delivered.  Instructions we complete (RIP moved
 * since the exit) end any STI/MOV SS interrupt shadow.
 *
 * Exceptions and NMIs enter through EVENTINJ; external interrupts through
 * the virtual interrupt (V_IRQ with their vector, 15.21), which the guest
 * takes at its first instruction boundary with IF set: the same moment
 * EVENTINJ would deliver them, since we only offer one when the guest can
 * take it.  Why not EVENTINJ: QEMU 7.2's VMRUN delivers an injected
 * interrupt inside the instruction and leaves the vector as its pending
 * exception, so a CPU kick arriving before the guest's next exception
 * delivers it a second time, on top of the first handler's opening
 * instruction (docs/testing.md, "QEMU 7.2 and SVM").  A V_IRQ goes
 * through QEMU's ordinary interrupt path.  While another interrupt waits
 * behind the one offered, IRET is intercepted: the handler's IRET exits,
 * and the entry after it opens an interrupt window for the next one.
 */
#include <hvm/svm/svm.h>
#include <hvm/svm/vmcb.h>
#include <hvm/x86.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/traps.h>

void svm_event_trace(struct vcpu *v, struct hvm_event_trace *t)
{
	struct svm_vcpu *sv = svm_of(v);
	const struct vmcb *vmcb = sv->vmcb;

	*t = (struct hvm_event_trace){
		.entry = sv->last_event_entry == v->hvm->entries ?
			 sv->last_event : 0,
		.exit = vmcb->exitintinfo & VMCB_EVT_V ? vmcb->exitintinfo : 0,
		.last = sv->last_event,
		.last_age = v->hvm->entries - sv->last_event_entry,
	};
}

/*
 * Interrupt window (15.21.4): a dummy virtual interrupt with the VINTR
 * intercept makes the CPU exit as soon as the guest could take it (IF
 * set, no shadow, no event being delivered); the exit reports
 * HVM_EXIT_NONE and the entry path offers the real interrupt again.
 *
 * Armed for one entry at a time, as on VMX: svm_inject_interrupt()
 * asks for it and every entry decides afresh, so a window nobody needs
 * any more (the interrupt went away while IF stayed clear) is not left
 * set.  A stale one would cost a spurious exit on hardware; under QEMU
 * TCG every VMRUN with V_IRQ set can lose a host interrupt (see
 * timer_catch_up_overdue(), xen/common/timer.c), and hostile_dom0, with a stale
 * window through 200,000 entries, lost its pCPU's timer interrupt.
 */
enum { SVM_VINTR_NONE, SVM_VINTR_WINDOW, SVM_VINTR_EVENT };

/* What V_IRQ and the VINTR/IRET intercepts carry into this entry. */
static void svm_set_vintr(struct vmcb *vmcb, unsigned int use, u8 vector,
			  bool iret)
{
	vmcb->vintr &= ~(VMCB_VINTR_IRQ | VMCB_VINTR_PRIO_MAX |
			 VMCB_VINTR_IGN_TPR | VMCB_VINTR_VECTOR_MASK);
	vmcb->intercept3 &= ~(VMCB_I3_VINTR | VMCB_I3_IRET);
	if (use == SVM_VINTR_NONE)
		return;
	vmcb->vintr |= VMCB_VINTR_IRQ | VMCB_VINTR_PRIO_MAX |
		       VMCB_VINTR_IGN_TPR | VMCB_VINTR_VECTOR(vector);
	if (use == SVM_VINTR_WINDOW)
		vmcb->intercept3 |= VMCB_I3_VINTR;
	else if (iret)
		vmcb->intercept3 |= VMCB_I3_IRET;
}

/* The pending event into EVENTINJ or V_IRQ (see the file comment), and
 * the interrupt window if one is wanted. */
void svm_event_to_vmcb(struct vcpu *v, struct svm_vcpu *sv,
		       struct vmcb *vmcb)
{
	u64 evt = sv->pending_event;
	unsigned int use = SVM_VINTR_NONE;

	if ((evt & VMCB_EVT_V) && VMCB_EVT_TYPE(evt) == VMCB_EVT_TYPE_INTR)
		use = SVM_VINTR_EVENT;
	else if (sv->want_window)
		use = SVM_VINTR_WINDOW;
	vmcb->eventinj = use == SVM_VINTR_EVENT ? 0 : evt;
	if (evt & VMCB_EVT_V) {
		sv->last_event = evt;
		sv->last_event_entry = v->hvm->entries;
	}
	/* Touched only when in use now or before: most entries neither. */
	if (unlikely(use != SVM_VINTR_NONE || sv->vintr_use != SVM_VINTR_NONE))
		svm_set_vintr(vmcb, use, VMCB_EVT_VECTOR(evt),
			      sv->want_window);
	sv->vintr_use = use;
	sv->want_window = false;
}

/*
 * An event the exit interrupted (15.7.2) is delivered again, except INTn,
 * INT3 and INTO: RIP still points at the instruction, which re-executes
 * (without next-RIP we could not push the right return address anyway).
 */
static void svm_requeue_event(struct svm_vcpu *sv, u64 info)
{
	unsigned int type = VMCB_EVT_TYPE(info);
	u8 vec = VMCB_EVT_VECTOR(info);

	if (type == VMCB_EVT_TYPE_SWINT ||
	    (type == VMCB_EVT_TYPE_EXC && (vec == 3 || vec == 4)))
		return;
	sv->pending_event = info;
}

/* After an exit: what is still to deliver (see the file comment). */
void svm_event_from_vmcb(struct svm_vcpu *sv, struct vmcb *vmcb)
{
	u64 offered = 0;

	/* An interrupt offered in V_IRQ and not taken yet stays pending;
	 * one whose delivery the exit cut short is in EXITINTINFO (QEMU
	 * leaves V_IRQ set then too: the same event, not a second one). */
	if (sv->vintr_use == SVM_VINTR_EVENT &&
	    (vmcb->vintr & VMCB_VINTR_IRQ))
		offered = sv->pending_event;
	sv->pending_event = 0;
	if (vmcb->exitintinfo & VMCB_EVT_V) {
		svm_requeue_event(sv, vmcb->exitintinfo);
		if (offered && (u32)offered != (u32)vmcb->exitintinfo &&
		    !sv->deferred_event)
			sv->deferred_event = offered;
	} else if (offered) {
		sv->pending_event = offered;
	} else if (sv->deferred_event) {
		sv->pending_event = sv->deferred_event;
		sv->deferred_event = 0;
	}
}

/* The EVENTINJ value for @vec arriving while @first is pending (the rule
 * is x86_exc_combine()); 0 means shutdown. */
static u64 svm_combine_exc(u8 first, u8 vec, u64 evt)
{
	switch (x86_exc_combine(first, vec)) {
	case X86_EXC_TRIPLE_FAULT:
		return 0;
	case X86_EXC_DOUBLE_FAULT:
		return VMCB_EVT(8, VMCB_EVT_TYPE_EXC) | VMCB_EVT_EV;
	default:
		return evt;
	}
}

/* A pending interrupt or NMI waits until the exception is delivered. */
void svm_inject_exception(struct vcpu *v, u8 vector, bool has_error,
			  u32 error)
{
	struct svm_vcpu *sv = svm_of(v);
	u64 old = sv->pending_event;
	u64 evt = VMCB_EVT(vector, vector == TRAP_NMI ? VMCB_EVT_TYPE_NMI :
					      VMCB_EVT_TYPE_EXC);

	/* Only the vectors that have one, and not in real mode. */
	if (has_error && x86_exc_has_error_code(vector) &&
	    (sv->vmcb->cr0 & X86_CR0_PE))
		evt |= VMCB_EVT_EV | ((u64)error << 32);
	/* A single-step trap we raise (hvm/exit.c) reports itself in DR6,
	 * as Xen's svm_inject_event() makes it. */
	if (vector == TRAP_DB && (v->hvm->regs.rflags & X86_EFLAGS_TF))
		sv->vmcb->dr6 |= X86_DR6_BS;
	if ((old & VMCB_EVT_V) && VMCB_EVT_TYPE(old) == VMCB_EVT_TYPE_EXC) {
		evt = svm_combine_exc(VMCB_EVT_VECTOR(old), vector, evt);
		if (!evt) {
			sv->triple_fault = true;
			return;
		}
	} else if (old & VMCB_EVT_V) {
		BUG_ON(sv->deferred_event);
		sv->deferred_event = old;
	}
	sv->pending_event = evt;
}

/* 15.20: EVENTINJ ignores RFLAGS.IF and the shadow, so check them here;
 * offering an interrupt in V_IRQ only then keeps it at the boundary where
 * EVENTINJ would have delivered it. */
bool svm_interrupt_ready(struct vcpu *v)
{
	struct svm_vcpu *sv = svm_of(v);
	bool shadow = (sv->vmcb->int_state & VMCB_INT_SHADOW) &&
		      v->hvm->regs.rip == sv->exit_rip;

	if ((sv->pending_event & VMCB_EVT_V) || sv->deferred_event ||
	    !(v->hvm->regs.rflags & X86_EFLAGS_IF) || shadow) {
		sv->want_window = true;		/* exit once it can */
		return false;
	}
	return true;
}

bool svm_inject_interrupt(struct vcpu *v, u8 vector)
{
	if (!svm_interrupt_ready(v))
		return false;
	svm_of(v)->pending_event = VMCB_EVT(vector, VMCB_EVT_TYPE_INTR);
	return true;
}
