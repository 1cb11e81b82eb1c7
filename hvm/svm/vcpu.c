/*
 * AMD SVM: the vCPU (APM vol. 2 ch. 15) behind the vendor-neutral ops.
 *
 * One VMCB page per vCPU.  What the guest runs natively and what exits
 * is written down once, above svm_vmcb_init(); state.c keeps the
 * registers the VMCB holds and handles the CR and MSR intercepts.  The
 * debug registers DR0-3 are switched lazily (svm_take_dr()).
 *
 * Emulators' SVM (QEMU TCG, Bochs) lacks next-RIP saving, decode assists,
 * clean bits and flush-by-ASID, so this file assumes none of them:
 *  - instruction lengths come from a table (instructions with one
 *    encoding), from the bytes at RIP (state.c, for those with prefixes
 *    or operands), or from EXITINFO2 (IOIO gives the next RIP, 15.10.2);
 *    an instruction that must raise #UD or #GP needs no length;
 *  - the whole VMCB is rewritten freely (clean field always 0);
 *  - TLB isolation is by ASID only: each (vCPU, pCPU) gets a fresh ASID
 *    from a per-pCPU generation; when a pCPU runs out it starts a new
 *    generation and flushes every ASID once (TLB_CONTROL = 1, 15.16.1).
 *
 * EFER: the VMCB's copy always has SVME set (15.5.1); the guest sees it
 * clear and can never set it.  LMA in the VMCB follows LME && CR0.PG on
 * set_state; afterwards the hardware maintains it as the guest pages.
 *
 * Events (EVENTINJ and V_IRQ) are hvm/svm/event.c's.
 */
#include <hvm/fpu.h>
#include <hvm/hvm.h>
#include <hvm/p2m/p2m.h>
#include <hvm/svm/svm.h>
#include <hvm/svm/vmcb.h>
#include <hvm/vlapic.h>
#include <hvm/x86.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <xen/sched.h>
#include <xen/xmalloc.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/traps.h>

#define SVM_IOPM_ORDER		2	/* 12 KiB used (15.10.1) */
#define SVM_IOPM_BYTES		(3 * PAGE_SIZE)
#define SVM_MSRPM_ORDER		1	/* 8 KiB (15.11) */

/* Per pCPU, touched only by that pCPU with interrupts off. */
static struct svm_asid_cpu {
	u64 gen;
	u32 next;
	bool flush;		/* new generation: flush all before reuse */
} svm_asid[NR_CPUS];

/*
 * TSC_AUX is not in the VMCB, and RDTSCP/RDPID run unintercepted, so the
 * guest's value must be in the MSR itself while it runs.  The host never
 * reads it: load it only when this pCPU holds another value.
 */
static struct svm_tsc_aux_cpu {
	bool valid;
	u64 val;
} svm_tsc_aux[NR_CPUS];
static bool svm_have_tsc_aux;

/*
 * DR0-3 are not in the VMCB either.  Their accesses (and DR7 writes, which
 * could arm them) exit until the guest first uses one (svm_take_dr());
 * from then on they run natively, are read back at every exit and
 * written before entry only when this pCPU's registers hold another
 * vCPU's (by never-reused id, so a destroyed vCPU needs no clean-up),
 * until an exit finds no breakpoint enabled in DR7: most vCPUs never pay
 * for them.  Reads of DR6/DR7 are the VMCB's and never exit.
 */
#define SVM_DR_INTERCEPTS	(0xfU | (0xfU << 16) | (1U << 23))
#define VMEXIT_DR_FIRST		0x020	/* reads DR0-15, then writes */
#define VMEXIT_DR_LAST		0x03f
static u64 svm_dr_loaded[NR_CPUS];
static u64 svm_next_id = 1;

/* All-ones maps: every port and MSR access exits.  Read-only, shared. */
static void *svm_iopm, *svm_msrpm;

static struct fpu_state **svm_fpu_slot(struct vcpu *v)
{
	return &((struct svm_vcpu *)v->hvm->vendor)->fpu;
}

static u32 svm_cpuid7_ecx(void)
{
	struct cpuid_regs r;

	cpuid_count(7, 0, &r);
	return r.ecx;
}

int svm_vcpu_setup(void)
{
	svm_iopm = alloc_pages(SVM_IOPM_ORDER);
	svm_msrpm = alloc_pages(SVM_MSRPM_ORDER);
	if (!svm_iopm || !svm_msrpm) {
		free_pages(svm_iopm, SVM_IOPM_ORDER);
		free_pages(svm_msrpm, SVM_MSRPM_ORDER);
		return -ENOMEM;
	}
	memset(svm_iopm, 0xff, SVM_IOPM_BYTES);
	memset(svm_msrpm, 0xff, PAGE_SIZE << SVM_MSRPM_ORDER);
	fpu_set_slot_fn(svm_fpu_slot);
	svm_have_tsc_aux = (cpuid_eax(0x80000000) >= 0x80000001 &&
			    (cpuid_edx(0x80000001) & X86_FEATURE_BIT(RDTSCP))) ||
			   (cpuid_eax(0) >= 7 &&
			    (svm_cpuid7_ecx() & X86_FEATURE_BIT(RDPID)));
	return 0;
}

struct vmcb *svm_vmcb(struct vcpu *v)
{
	return svm_of(v)->vmcb;
}

/* VMCB EFER for a guest EFER and CR0: SVME set, LMA = LME && PG. */
static u64 svm_vmcb_efer(u64 efer, u64 cr0)
{
	efer &= ~(EFER_LMA | EFER_SVME);
	if ((efer & EFER_LME) && (cr0 & X86_CR0_PG))
		efer |= EFER_LMA;
	return efer | EFER_SVME;
}

/*
 * What a guest runs without an exit, and what exits (APM vol. 2 15.7-
 * 15.14), answered as Xen 4.17 does unless noted.
 *
 * Intercepted:
 *  - INTR, NMI, SMI (the host's: taken at STGI after the exit), INIT,
 *    shutdown (a triple fault crashes the domain);
 *  - CPUID (the policy), HLT (blocks the vCPU), all port I/O and all MSRs
 *    (all-ones permission maps), XSETBV (checked against the policy),
 *    VMMCALL (the hypercall), CR0 and CR4 writes (state.c: #GP for what
 *    a CPU without the feature refuses, where QEMU's SVM would take the
 *    value and fail the next VMRUN, or drop it);
 *  - #UD, as a CPU without the feature answers: VMRUN, VMLOAD, VMSAVE,
 *    STGI, CLGI, SKINIT (CPUID hides SVM; VMRUN must be intercepted,
 *    15.5.1, and VMLOAD/VMSAVE would reach host-physical memory),
 *    INVLPGA (without the intercept it flushes TLB entries of any ASID,
 *    other domains' included: EFER.SVME is set in every VMCB), MONITOR,
 *    MWAIT, MONITORX, MWAITX (hidden in CPUID; MWAIT would park the
 *    pCPU), RDPRU (hidden);
 *  - RDPMC: #GP, as a CPU answers an absent counter (no PMU is offered,
 *    and the host's counters are not the guest's; Xen lets it run);
 *  - INVD and WBINVD/WBNOINVD: completed as no-ops (dropping dirty lines
 *    would corrupt others' data; a flush of all caches is not something
 *    a guest may make the host wait for, and no device of ours caches);
 *  - exceptions: #UD (VMCALL, the Intel hypercall, lands there), #DB and
 *    #AC (the delivery of either can loop forever without an exit,
 *    CVE-2015-8104 and CVE-2015-5307); they go back to the guest.
 *    ICEBP is not intercepted: its #DB goes through the #DB intercept;
 * Native, and why that is safe:
 *  - CR reads, SMSW, MOV to CR2 and CR3: with nested paging they are
 *    the guest's own registers; a CR8 read is V_TPR (V_INTR_MASKING),
 *    which every entry sets from the vLAPIC's TPR.  The CPU raises #GP
 *    for a reserved CR3 bit (QEMU TCG fails the VMRUN instead;
 *    intercepting every CR3 write, each guest context switch, to hide
 *    that is not worth it).  MOV to CR8 exits: it is the vLAPIC's TPR,
 *    which decides what the vLAPIC delivers (as Xen; and QEMU 7.2's TCG
 *    aborts on a guest's native CR8 write while V_IRQ is pending, which
 *    OVMF's interrupt handlers, restoring CR8 on every return, hit);
 *  - INVLPG, INVPCID: act on this vCPU's ASID only;
 *  - RDTSC, RDTSCP, RDPID: TSC_OFFSET applies, TSC_AUX is loaded per vCPU;
 *  - MOV DR (after the guest's first use, see SVM_DR_INTERCEPTS), INT3,
 *    INTn, IRET, task switches, descriptor-table instructions,
 *    PUSHF/POPF: guest state and guest memory only (DR0-3 switched here,
 *    DR6/DR7 in the VMCB);
 *  - SWAPGS, SYSCALL/SYSRET, SYSENTER: their MSRs are in the VMCB;
 *  - PAUSE: no pause filter on emulators; nothing to protect;
 *  - XSAVES/XRSTORS: hidden in CPUID and IA32_XSS is the host's 0, so
 *    they only move the guest's own XCR0 state;
 *  - CLFLUSH/CLZERO/RDRAND/RDSEED and the like: guest memory only;
 *  - INVLPGB/TLBSYNC: #UD without an exit (their enable bit stays 0).
 */
static void svm_vmcb_init(struct vmcb *vmcb, struct domain *d)
{
	ASSERT(d->p2m);
	vmcb->intercept3 = VMCB_I3_INTR | VMCB_I3_NMI | VMCB_I3_SMI |
			   VMCB_I3_INIT | VMCB_I3_SHUTDOWN | VMCB_I3_CPUID |
			   VMCB_I3_RDPMC | VMCB_I3_HLT | VMCB_I3_INVD |
			   VMCB_I3_INVLPGA | VMCB_I3_IOIO_PROT |
			   VMCB_I3_MSR_PROT;
	vmcb->intercept4 = VMCB_I4_VMRUN | VMCB_I4_VMMCALL | VMCB_I4_VMLOAD |
			   VMCB_I4_VMSAVE | VMCB_I4_STGI | VMCB_I4_CLGI |
			   VMCB_I4_SKINIT | VMCB_I4_WBINVD | VMCB_I4_MONITOR |
			   VMCB_I4_MWAIT | VMCB_I4_XSETBV | VMCB_I4_RDPRU;
	vmcb->intercept_cr = VMCB_CR_WRITE(0) | VMCB_CR_WRITE(4) |
			     VMCB_CR_WRITE(8);
	vmcb->intercept_exc = (1U << TRAP_UD) | (1U << TRAP_DB) |
			      (1U << TRAP_AC);
	vmcb->intercept_dr = SVM_DR_INTERCEPTS;
	vmcb->iopm_base_pa = (uintptr_t)svm_iopm;
	vmcb->msrpm_base_pa = (uintptr_t)svm_msrpm;
	/* 15.21.1: the guest's RFLAGS.IF only masks virtual interrupts;
	 * physical ones always exit (INTR intercept). */
	vmcb->vintr = VMCB_VINTR_MASKING;
	vmcb->np_ctl = VMCB_NP_ENABLE;
	vmcb->n_cr3 = p2m_root(d->p2m);
	vmcb->g_pat = PAT_POWER_ON;
	vmcb->efer = EFER_SVME;
	vmcb->cr0 = X86_CR0_ET;
	vmcb->dr6 = X86_DR6_INIT;
	vmcb->dr7 = X86_DR7_INIT;
	vmcb->rflags = X86_EFLAGS_FIXED;
}

int svm_vcpu_init(struct vcpu *v)
{
	struct svm_vcpu *sv = xzalloc(struct svm_vcpu);

	if (!sv)
		return -ENOMEM;
	v->hvm->vendor = sv;
	sv->vmcb = alloc_zeroed_pages(0);
	if (!sv->vmcb || fpu_vcpu_init(v)) {
		svm_vcpu_destroy(v);
		return -ENOMEM;
	}
	sv->asid_cpu = NR_CPUS;		/* no ASID yet */
	sv->dr_cpu = NR_CPUS;
	sv->id = __atomic_fetch_add(&svm_next_id, 1, __ATOMIC_RELAXED);
	sv->exit_rip = ~0ULL;
	svm_vmcb_init(sv->vmcb, v->domain);
	return 0;
}

/* Pre: @v is not running and will not run again. */
void svm_vcpu_destroy(struct vcpu *v)
{
	struct svm_vcpu *sv = svm_of(v);

	if (!sv)
		return;
	fpu_vcpu_destroy(v);
	free_pages(sv->vmcb, 0);
	xfree(sv);
	v->hvm->vendor = NULL;
}

void svm_vcpu_set_state(struct vcpu *v, const struct hvm_boot_state *s)
{
	struct svm_vcpu *sv = svm_of(v);
	struct vmcb *vmcb = sv->vmcb;

	v->hvm->regs = s->regs;
	v->hvm->regs.rflags |= X86_EFLAGS_FIXED;
	for (unsigned int r = 0; r < NR_SEGS; r++)
		memcpy(vmcb_seg(vmcb, r), &s->seg[r], sizeof(struct vmcb_seg));
	vmcb->cr0 = s->cr0;
	vmcb->cr2 = 0;
	vmcb->cr3 = s->cr3;
	vmcb->cr4 = s->cr4;
	vmcb->efer = svm_vmcb_efer(s->efer, s->cr0);
	/* 15.5.1: VMRUN takes the CPL from the VMCB, not from SS. */
	if (!(s->cr0 & X86_CR0_PE))
		vmcb->cpl = 0;
	else if (s->regs.rflags & X86_EFLAGS_VM)
		vmcb->cpl = 3;
	else
		vmcb->cpl = X86_SEG_ATTR_DPL(s->seg[SEG_SS].attr);
	vmcb->dr6 = X86_DR6_INIT;
	vmcb->dr7 = X86_DR7_INIT;
	vmcb->int_state = 0;
	vmcb->eventinj = 0;
	vmcb->rax = v->hvm->regs.rax;
	vmcb->rsp = v->hvm->regs.rsp;
	vmcb->rip = v->hvm->regs.rip;
	vmcb->rflags = v->hvm->regs.rflags;
	memset(sv->dr, 0, sizeof(sv->dr));
	sv->dr_cpu = NR_CPUS;
	sv->dr_owned = false;
	vmcb->intercept_dr = SVM_DR_INTERCEPTS;
	sv->pending_event = 0;
	sv->deferred_event = 0;
	sv->want_window = false;
	sv->triple_fault = false;
	sv->exit_rip = ~0ULL;
	WRITE_ONCE(sv->flush_tlb, true);
}

/* DR0-3 come from sv->dr, read back at every exit (svm_save_dr()). */
void svm_get_aux_state(struct vcpu *v, struct hvm_aux_state *a)
{
	struct svm_vcpu *sv = svm_of(v);
	const struct vmcb *vmcb = sv->vmcb;

	*a = (struct hvm_aux_state){ .cr2 = vmcb->cr2, .dr6 = vmcb->dr6,
				     .dr7 = vmcb->dr7 };
	memcpy(a->dr, sv->dr, sizeof(a->dr));
	/* An interrupt displaced by this event (deferred_event) has no
	 * place in the record: Xen keeps one pending event. */
	if (sv->pending_event & VMCB_EVT_V) {
		a->event = (u32)sv->pending_event;
		a->error = VMCB_EVT_ERROR(sv->pending_event);
	}
}

/* Armed breakpoints need DR0-3 in the registers: the vCPU owns them
 * from the start, as after its first access (svm_take_dr()).  A software
 * event (types 4-6) is not re-injected: RIP still points at its
 * instruction (svm_requeue_event(); Xen's hvm_event_needs_reinjection()). */
void svm_set_aux_state(struct vcpu *v, const struct hvm_aux_state *a)
{
	struct svm_vcpu *sv = svm_of(v);
	struct vmcb *vmcb = sv->vmcb;

	vmcb->cr2 = a->cr2;
	vmcb->dr6 = a->dr6;
	vmcb->dr7 = a->dr7;
	memcpy(sv->dr, a->dr, sizeof(sv->dr));
	sv->dr_cpu = NR_CPUS;			/* reload before entry */
	sv->dr_owned = a->dr7 & X86_DR7_ENABLES;
	vmcb->intercept_dr = sv->dr_owned ? 0 : SVM_DR_INTERCEPTS;
	sv->deferred_event = 0;
	sv->pending_event = 0;
	if ((a->event & VMCB_EVT_V) &&
	    VMCB_EVT_TYPE(a->event) < VMCB_EVT_TYPE_SWINT)
		sv->pending_event = a->event | ((u64)a->error << 32);
}

/*
 * Give @sv an ASID valid on @cpu.  A new one is needed after running
 * elsewhere, after the pCPU started a new generation, or when a flush was
 * requested: a never-used ASID has no TLB entries (no flush-by-ASID).
 * The flush of a new generation stays requested until a VMRUN succeeds.
 */
static void svm_assign_asid(struct svm_vcpu *sv, unsigned int cpu)
{
	struct svm_asid_cpu *a = &svm_asid[cpu];
	bool flush = false;

	/* A load first (a plain MOV on x86): a flush request is rare and
	 * the xchg is not free.  Seq-cst after the in_guest store, so a
	 * request this misses is one whose maker then sees us in guest
	 * mode and waits for an exit (arch_p2m_flush()). */
	if (__atomic_load_n(&sv->flush_tlb, __ATOMIC_SEQ_CST))
		flush = __atomic_exchange_n(&sv->flush_tlb, false,
					    __ATOMIC_ACQUIRE);
	if (flush || sv->asid_cpu != cpu || sv->asid_gen != a->gen) {
		if (a->next == 0 || a->next >= svm_caps.nr_asids) {
			/* 15.16.1: ASID 0 is the host's; reuse needs a flush. */
			a->gen++;
			a->next = 1;
			a->flush = true;
		}
		sv->vmcb->guest_asid = a->next++;
		sv->asid_cpu = cpu;
		sv->asid_gen = a->gen;
	}
	sv->vmcb->tlb_control = a->flush ? VMCB_TLB_FLUSH_ALL :
					   VMCB_TLB_NOTHING;
}

static void svm_load_tsc_aux(struct vcpu *v, unsigned int cpu)
{
	struct svm_tsc_aux_cpu *t = &svm_tsc_aux[cpu];
	u64 val = v->hvm->msr_tsc_aux;

	if (!svm_have_tsc_aux || (t->valid && t->val == val))
		return;
	wrmsr(MSR_TSC_AUX, val);
	t->val = val;
	t->valid = true;
}

static void svm_load_dr(struct svm_vcpu *sv, unsigned int cpu)
{
	if (!sv->dr_owned ||
	    (svm_dr_loaded[cpu] == sv->id && sv->dr_cpu == cpu))
		return;
	asm volatile("mov %0, %%dr0" : : "r"(sv->dr[0]));
	asm volatile("mov %0, %%dr1" : : "r"(sv->dr[1]));
	asm volatile("mov %0, %%dr2" : : "r"(sv->dr[2]));
	asm volatile("mov %0, %%dr3" : : "r"(sv->dr[3]));
	svm_dr_loaded[cpu] = sv->id;
	sv->dr_cpu = cpu;
}

static void svm_save_dr(struct svm_vcpu *sv)
{
	if (!sv->dr_owned)
		return;
	asm volatile("mov %%dr0, %0" : "=r"(sv->dr[0]));
	asm volatile("mov %%dr1, %0" : "=r"(sv->dr[1]));
	asm volatile("mov %%dr2, %0" : "=r"(sv->dr[2]));
	asm volatile("mov %%dr3, %0" : "=r"(sv->dr[3]));
	/* No breakpoint enabled: accesses exit again (file note). */
	if (!(sv->vmcb->dr7 & X86_DR7_ENABLES)) {
		sv->dr_owned = false;
		sv->vmcb->intercept_dr = SVM_DR_INTERCEPTS;
	}
}

/* The guest's first DR0-3 access or DR7 write: give it DR0-3 (loaded
 * before the entry), and let the instruction run again natively. */
static void svm_take_dr(struct svm_vcpu *sv, struct hvm_exit *e)
{
	sv->dr_owned = true;
	sv->vmcb->intercept_dr = 0;
	e->reason = HVM_EXIT_NONE;
}

static void svm_sync_to_vmcb(struct vcpu *v, struct svm_vcpu *sv)
{
	struct vmcb *vmcb = sv->vmcb;
	const struct hvm_regs *r = &v->hvm->regs;

	/* The shadow covered the instruction we have since completed. */
	if (r->rip != sv->exit_rip)
		vmcb->int_state &= ~VMCB_INT_SHADOW;
	vmcb->rax = r->rax;
	vmcb->rsp = r->rsp;
	vmcb->rip = r->rip;
	vmcb->rflags = r->rflags | X86_EFLAGS_FIXED;
	/* V_TPR is what a CR8 read returns: the TPR the vLAPIC has now. */
	vmcb->vintr = (vmcb->vintr & ~0xfULL) | vlapic_get_cr8(v);
	svm_event_to_vmcb(v, sv, vmcb);
}

/* HVM_MODE_*.  15.5.1: VMRUN and #VMEXIT keep the CPL in the VMCB,
 * whatever SS says. */
static unsigned int svm_mode_of(const struct vmcb *vmcb)
{
	/* 64-bit code: EFER.LMA and CS.L, without branches. */
	unsigned int is64 = (vmcb->efer / EFER_LMA) &
			    (vmcb->cs.attr / X86_SEG_ATTR_L) & 1;

	BUILD_BUG_ON(HVM_MODE_64 != 1U << 2);
	return (vmcb->cpl & HVM_MODE_CPL_MASK) | is64 << 2;
}

static void svm_sync_from_vmcb(struct vcpu *v, struct svm_vcpu *sv)
{
	struct vmcb *vmcb = sv->vmcb;
	struct hvm_regs *r = &v->hvm->regs;

	r->rax = vmcb->rax;
	r->rsp = vmcb->rsp;
	r->rip = vmcb->rip;
	r->rflags = vmcb->rflags;
	sv->exit_rip = vmcb->rip;
	/* APM 15.6: -1 in all 64 bits; QEMU 7.2 writes it as 32 bits. */
	if ((u32)vmcb->exitcode == (u32)VMEXIT_INVALID)
		vmcb->exitcode = VMEXIT_INVALID;
	/* Cheap here, and most exits (hypercalls) ask for it. */
	v->hvm->mode = svm_mode_of(vmcb) | HVM_MODE_KNOWN;
	if (vmcb->exitcode == VMEXIT_INVALID)
		return;		/* nothing ran: the event is still pending */
	svm_asid[sv->asid_cpu].flush = false;
	svm_event_from_vmcb(sv, vmcb);
}

/*
 * Intercepted instructions that have one encoding, so their length is
 * known without next-RIP (absent on emulators).  False: not one of them.
 */
static bool svm_decode_insn(u64 code, struct hvm_exit *e)
{
	static const struct {
		u32 code;
		enum hvm_exit_reason reason;
		u32 len;
	} insns[] = {
		{ VMEXIT_CPUID, HVM_EXIT_CPUID, 2 },	/* 0f a2 */
		{ VMEXIT_HLT, HVM_EXIT_HLT, 1 },	/* f4 */
		{ VMEXIT_VMMCALL, HVM_EXIT_HYPERCALL, 3 }, /* 0f 01 d9 */
		{ VMEXIT_XSETBV, HVM_EXIT_XSETBV, 3 },	/* 0f 01 d1 */
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(insns); i++) {
		if (code == insns[i].code) {
			e->reason = insns[i].reason;
			e->insn_len = insns[i].len;
			return true;
		}
	}
	switch (code) {
	case VMEXIT_VMRUN:
	case VMEXIT_VMLOAD:
	case VMEXIT_VMSAVE:
	case VMEXIT_STGI:
	case VMEXIT_CLGI:
	case VMEXIT_SKINIT:
	case VMEXIT_INVLPGA:
	case VMEXIT_MONITOR:
	case VMEXIT_MWAIT:
	case VMEXIT_MWAIT_COND:
	case VMEXIT_RDPRU:
		/* CPUID hides them: #UD as on a CPU without them. */
		hvm_exit_exception(e, TRAP_UD, false, 0);
		return true;
	case VMEXIT_RDPMC:
		hvm_exit_exception(e, TRAP_GP, true, 0);  /* no counters */
		return true;
	}
	return false;
}

/*
 * INVD (0f 08) and WBINVD (0f 09, WBNOINVD with f3) complete as no-ops
 * (see svm_vmcb_init()); bytes that are neither get #GP.  Either exit
 * code may come with either instruction: QEMU 7.2 reports INVD as WBINVD.
 */
static void svm_exit_cache(struct vcpu *v, struct vmcb *vmcb,
			   struct hvm_exit *e)
{
	e->reason = HVM_EXIT_INVD;
	e->insn_len = svm_insn_len(v, vmcb, 0x09, NULL);
	if (!e->insn_len)
		e->insn_len = svm_insn_len(v, vmcb, 0x08, NULL);
	if (!e->insn_len)
		hvm_exit_exception(e, TRAP_GP, true, 0);
}

static void svm_decode_io(struct vmcb *vmcb, struct hvm_exit *e)
{
	u64 info = vmcb->exitinfo1;

	e->reason = HVM_EXIT_IO;
	e->io.port = IOIO_PORT(info);
	/* SZ8/SZ16/SZ32 are one-hot bits 4-6: the value is the size. */
	e->io.size = (info >> IOIO_SZ_SHIFT) & 7;
	e->io.in = info & IOIO_IN;
	e->io.string = info & IOIO_STR;
	e->io.rep = info & IOIO_REP;
	/* 15.10.2: EXITINFO2 is the RIP of the next instruction. */
	e->insn_len = vmcb->exitinfo2 - vmcb->rip;
}

static void svm_decode_npf(struct vmcb *vmcb, struct hvm_exit *e)
{
	u64 info = vmcb->exitinfo1;

	/* 15.25.6: EXITINFO1 is a #PF error code, EXITINFO2 the GPA. */
	e->reason = HVM_EXIT_NPF;
	e->npf.gpa = vmcb->exitinfo2;
	e->npf.present = info & NPF_PRESENT;
	e->npf.write = info & NPF_WRITE;
	e->npf.exec = info & NPF_FETCH;
	e->npf.read = !e->npf.write && !e->npf.exec;
}

/*
 * #UD: VMCALL (0f 01 c1), the Intel hypercall instruction, raises #UD on
 * AMD; a guest patched for Intel still expects it to work.  Any other #UD
 * is the guest's own and goes back to it.
 */
static void svm_decode_ud(struct vcpu *v, struct vmcb *vmcb,
			  struct hvm_exit *e)
{
	static const u8 vmcall[3] = { 0x0f, 0x01, 0xc1 };
	u8 insn[3];

	hvm_exit_exception(e, TRAP_UD, false, 0);
	if (!copy_from_guest(v, insn, svm_rip_linear(vmcb), sizeof(insn)) &&
	    !memcmp(insn, vmcall, sizeof(insn))) {
		e->reason = HVM_EXIT_OTHER_VENDOR_HYPERCALL;
		e->insn_len = 3;
	}
}

static void svm_decode_exception(struct vmcb *vmcb, struct hvm_exit *e)
{
	u8 vec = vmcb->exitcode - VMEXIT_EXCP_BASE;

	/* An intercepted single-step #DB has not set DR6.BS yet (as Xen's
	 * svm_inject_event()); the other DR6 bits are already there. */
	if (vec == TRAP_DB && (vmcb->rflags & X86_EFLAGS_TF))
		vmcb->dr6 |= X86_DR6_BS;

	hvm_exit_exception(e, vec, x86_exc_has_error_code(vec),
			   (u32)vmcb->exitinfo1);
}

/* VMRUN refused the state (15.5.1): log what its checks look at. */
static void svm_dump_invalid(struct vcpu *v, const struct vmcb *vmcb)
{
	printk(KERN_ERR "d%u v%u: VMRUN failed: CR0 %#lx CR3 %#lx CR4 %#lx "
	       "EFER %#lx CPL %u RIP %#lx RFLAGS %#lx DR6 %#lx DR7 %#lx\n",
	       v->domain->domain_id, v->vcpu_id, (unsigned long)vmcb->cr0,
	       (unsigned long)vmcb->cr3, (unsigned long)vmcb->cr4,
	       (unsigned long)vmcb->efer, vmcb->cpl, (unsigned long)vmcb->rip,
	       (unsigned long)vmcb->rflags, (unsigned long)vmcb->dr6,
	       (unsigned long)vmcb->dr7);
	printk(KERN_ERR "d%u v%u: CS %04x attr %#x base %#lx limit %#x, "
	       "SS %04x attr %#x, ASID %u, EVENTINJ %#lx, G_PAT %#lx\n",
	       v->domain->domain_id, v->vcpu_id, vmcb->cs.sel, vmcb->cs.attr,
	       (unsigned long)vmcb->cs.base, vmcb->cs.limit, vmcb->ss.sel,
	       vmcb->ss.attr, vmcb->guest_asid, (unsigned long)vmcb->eventinj,
	       (unsigned long)vmcb->g_pat);
}

static void svm_decode_exit(struct vcpu *v, struct vmcb *vmcb,
			    struct hvm_exit *e)
{
	u64 code = vmcb->exitcode;

	e->vendor_code = code;
	if (svm_decode_insn(code, e))
		return;
	switch (code) {
	case VMEXIT_INTR:
		e->reason = HVM_EXIT_EXTINT;
		break;
	case VMEXIT_VINTR:
		e->reason = HVM_EXIT_NONE;	/* the next entry offers it */
		break;
	case VMEXIT_IRET:
		/* Before the IRET: the next entry opens the window. */
		e->reason = HVM_EXIT_NONE;
		break;
	case VMEXIT_NMI:
		e->reason = HVM_EXIT_NMI;
		break;
	case VMEXIT_INIT:
		e->reason = HVM_EXIT_INIT;
		break;
	case VMEXIT_SHUTDOWN:
		e->reason = HVM_EXIT_TRIPLE_FAULT;
		break;
	case VMEXIT_MSR:
		/* 15.11: EXITINFO1 is 0 for RDMSR, 1 for WRMSR (0f 32/0f 30). */
		e->reason = vmcb->exitinfo1 ? HVM_EXIT_WRMSR : HVM_EXIT_RDMSR;
		e->insn_len = 2;
		e->msr = (u32)v->hvm->regs.rcx;
		break;
	case VMEXIT_IOIO:
		svm_decode_io(vmcb, e);
		break;
	case VMEXIT_NPF:
		svm_decode_npf(vmcb, e);
		break;
	case VMEXIT_INVD:
	case VMEXIT_WBINVD:
		svm_exit_cache(v, vmcb, e);
		break;
	case VMEXIT_CR0_WRITE:
		svm_exit_cr_write(v, vmcb, 0, e);
		break;
	case VMEXIT_CR0_WRITE + 4:
		svm_exit_cr_write(v, vmcb, 4, e);
		break;
	case VMEXIT_CR0_WRITE + 8:
		svm_exit_cr_write(v, vmcb, 8, e);
		break;
	case VMEXIT_SMI:
		e->reason = HVM_EXIT_NONE;	/* taken at STGI */
		break;
	case VMEXIT_EXCP_BASE + TRAP_UD:
		svm_decode_ud(v, vmcb, e);
		break;
	case VMEXIT_DR_FIRST ... VMEXIT_DR_LAST:
		svm_take_dr(svm_of(v), e);
		break;
	case VMEXIT_INVALID:
		svm_dump_invalid(v, vmcb);
		e->reason = HVM_EXIT_INVALID;
		break;
	default:
		if (code >= VMEXIT_EXCP_BASE && code < VMEXIT_EXCP_BASE + 32)
			svm_decode_exception(vmcb, e);
		else
			e->reason = HVM_EXIT_UNHANDLED;
	}
}

void svm_vcpu_run(struct vcpu *v, struct hvm_exit *exit)
{
	struct svm_vcpu *sv = svm_of(v);
	unsigned int cpu = smp_processor_id();

	/* Interrupts are off: hvm_vcpu_run_once() turned them off just
	 * before (no check here, on every entry). */
	BUG_ON(!svm_host_save[cpu]);
	exit->insn_len = 0;		/* the rest is set by the decoder */
	if (sv->triple_fault) {
		exit->reason = HVM_EXIT_TRIPLE_FAULT;
		exit->vendor_code = VMEXIT_SHUTDOWN;
		return;
	}
	svm_sync_to_vmcb(v, sv);
	svm_assign_asid(sv, cpu);
	svm_load_tsc_aux(v, cpu);
	svm_load_dr(sv, cpu);
	fpu_guest_enter(sv->fpu);
	svm_vmrun(&v->hvm->regs, (uintptr_t)sv->vmcb,
		  (uintptr_t)svm_host_save[cpu]);
	svm_save_dr(sv);
	svm_sync_from_vmcb(v, sv);
	svm_decode_exit(v, sv->vmcb, exit);
}

/* The ASID is per pCPU (the FPU registers are hvm/arch.c's business). */
void svm_vcpu_migrate(struct vcpu *v, unsigned int new_cpu)
{
	svm_of(v)->asid_cpu = NR_CPUS;
}

unsigned int svm_guest_mode(struct vcpu *v)
{
	return svm_mode_of(svm_of(v)->vmcb);
}

void svm_set_tsc_offset(struct vcpu *v, u64 offset)
{
	svm_of(v)->vmcb->tsc_offset = offset;
}

/* May run on any pCPU; takes effect at @v's next entry. */
void svm_flush_guest_tlb(struct vcpu *v)
{
	__atomic_store_n(&svm_of(v)->flush_tlb, true, __ATOMIC_RELEASE);
}
