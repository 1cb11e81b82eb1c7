/*
 * Intel VMX: the vCPU (SDM vol. 3 ch. 24-28) behind the vendor-neutral ops.
 *
 * One VMCS page per vCPU, started from the controls in vmx_ctls (vmx.c
 * lists what exits and why).  EPT maps the domain's p2m; each vCPU has its
 * own VPID when the CPU offers them.
 *
 * VMCS lifecycle across pCPUs (24.1, 24.11.3).  A VMCS is active on at
 * most one pCPU; VMPTRLD of a VMCS that is active on another pCPU corrupts
 * it.  So:
 *  - vcpu_run() on pCPU c loads an inactive VMCS with VMPTRLD ("arrival"):
 *    it writes c's host state, starts with VMLAUNCH, and flushes guest
 *    translations for the EPTP and VPID on c, which may predate changes
 *    made while the vCPU ran elsewhere (or belong to an earlier user of
 *    the same VPID or EPT root).  A VMCS still active on c that merely
 *    stopped being current is VMPTRLDed again; its launch state stays.
 *  - PRECONDITION (the scheduler's side): before @v runs on another pCPU,
 *    vcpu_migrate(v, new) is called on the pCPU where v last ran, with v
 *    not running.  It VMCLEARs there.  vcpu_run() finding the VMCS active
 *    on another pCPU is a bug and panics.
 *  - The other ops may run on any pCPU while v is not running: an
 *    inactive VMCS is borrowed for the call (VMPTRLD, then VMCLEAR); one
 *    active elsewhere is first VMCLEARed there with smp_call_function(),
 *    which needs interrupts enabled.  vcpu_destroy() does the same.
 *
 * CR0/CR4/EFER.  Guest/host masks cover the bits VMX forces (CR0.NE,
 * CR4.VMXE, bits the CPU cannot set) so the guest reads its own values
 * from the shadows, plus CR0.PE and PG: unrestricted guest lets both be
 * clear, but a PG change has to move EFER.LMA and the "IA-32e mode guest"
 * entry control with it (26.3.1.1, as Xen's vmx_update_guest_efer), and
 * PAE paging needs its PDPTEs in the VMCS (26.3.2.4).  Those CR exits are
 * vendor mechanics: handled here, reported as HVM_EXIT_NONE.  A guest
 * MOV to CR4 only exits for bits it may not set (VMXE: CPUID hides VMX),
 * so it gets #GP.  CR8 accesses exit (the real TPR is the host's) and are
 * reported HVM_EXIT_UNHANDLED until a vLAPIC owns the TPR.
 *
 * State VMX does not switch.  The host never uses SYSCALL, SWAPGS, RDTSCP
 * or the debug registers, so STAR/LSTAR/SFMASK/KERNEL_GS_BASE/TSC_AUX and
 * DR0-3/DR6 hold the last guest's values; a per-pCPU copy of what the
 * registers hold makes loading another vCPU's values cost only the
 * writes that differ.  KERNEL_GS_BASE (SWAPGS), DR6 (#DB) and CR2 (#PF)
 * change without exits and are read back after each exit.  CSTAR is
 * never used by Intel CPUs and only kept.  DR0-3 are lazy: MOV DR exits
 * until the guest first uses one, then runs natively until an exit finds
 * no breakpoint enabled in DR7.  The FPU and XCR0 go through hvm/fpu.c.
 *
 * Events.  One pending event for the next entry; an event whose delivery
 * an exit cut short (IDT-vectoring information, 27.2.4) is pending again;
 * an interrupt pushed aside by an exception waits in a second slot until
 * the guest can take it.  inject_interrupt() refusing arms interrupt-window
 * exiting, whose exit is HVM_EXIT_NONE, so common code tries again as soon
 * as the guest can take it.  Instructions completed by common code (RIP
 * moved since the exit) end any STI/MOV SS shadow.
 */
#include <hvm/fpu.h>
#include <hvm/hvm.h>
#include <hvm/p2m/p2m.h>
#include <hvm/vmx/vmcs.h>
#include <hvm/vmx/vmx.h>
#include <xen/bitmap.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/traps.h>

#define X86_EFLAGS_FIXED	(1UL << 1)
#define X86_EFLAGS_IF		(1UL << 9)
#define X86_CR0_NW		(1UL << 29)
#define X86_CR0_CD		(1UL << 30)
#define SEG_ATTR_P		(1U << 7)
#define TRAP_AC			17

#define MSR_SYSENTER_CS		0x174
#define MSR_SYSENTER_ESP	0x175
#define MSR_SYSENTER_EIP	0x176
#define MSR_DEBUGCTL		0x1d9
#define MSR_PAT			0x277
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SFMASK		0xc0000084
#define MSR_TSC_AUX		0xc0000103

#define VMX_PAT_DEFAULT		0x0007040600070406ULL	/* power-on PAT */
#define VMX_DR6_INIT		0xffff0ff0ULL
#define VMX_DR7_INIT		0x400ULL
#define VMX_DR7_ENABLES		0xffULL		/* L0-3, G0-3 */
#define VMX_TR_BUSY32		0x8b		/* present, busy 32-bit TSS */
#define VMX_PLE_GAP		128		/* as KVM: cycles */
#define VMX_PLE_WINDOW		4096
#define VMX_NR_VPIDS		65536		/* 0 is the host's */
/* Enter-failure results of vmx_enter() (entry.S). */
#define VMX_ENTER_FAIL_INVALID	1
#define VMX_ENTER_FAIL_VALID	2
/* hvm_exit.vendor_code of a VMLAUNCH/VMRESUME failure: error | this. */
#define VMX_VENDOR_VMFAIL	(1ULL << 32)

int vmx_enter(struct hvm_regs *regs, bool resume);
extern const char vmx_exit_stub[];

/* An event to inject (24.8.3); info 0: none. */
struct vmx_event {
	u32 info, error, len;
};

struct vmx_vcpu {
	u32 *vmcs;			/* one page, identity-mapped: its PA */
	int active_cpu;			/* pCPU it is active on, or -1 */
	bool launched;			/* VMLAUNCH done since it became active */
	u16 vpid;			/* 0: VPID off for this vCPU */
	u32 proc, entry;		/* controls as last written */
	u64 eptp;
	struct vmx_event pending;	/* for the next entry */
	struct vmx_event deferred;	/* interrupt displaced by an exception */
	bool want_window;		/* inject_interrupt() refused */
	bool triple_fault;		/* exception while delivering #DF */
	bool flush_tlb;			/* flush_guest_tlb(): any pCPU writes */
	bool flush_vpid;		/* we changed paging bits of CR0/CR4 */
	bool tsc_dirty;
	u64 tsc_offset;
	u64 exit_rip;			/* guest RIP at the last exit */
	u32 intr_state;			/* interruptibility at the last exit */
	/* Guest state VMX does not switch (top of file). */
	u64 cr2, dr[4], dr6;
	bool dr_owned;			/* MOV DR runs natively */
	u64 star, lstar, cstar, sfmask, kgs_base;
	struct fpu_state *fpu;		/* hvm/fpu.c */
};

/* What each pCPU holds.  Touched only by that pCPU, interrupts off. */
static struct vmx_pcpu {
	struct vmx_vcpu *current;	/* current VMCS, NULL: none of ours */
	bool known;			/* the values below are valid */
	u64 star, lstar, sfmask, kgs_base, tsc_aux;
	u64 dr[4], dr6;
} vmx_pcpu[NR_CPUS];

static DECLARE_BITMAP(vmx_vpid_used, VMX_NR_VPIDS);
static unsigned int vmx_vpid_next = 1;
static DEFINE_SPINLOCK(vmx_vpid_lock);

static inline struct vmx_vcpu *vmx_of(struct vcpu *v)
{
	return v->hvm.vendor;
}

static struct fpu_state **vmx_fpu_slot(struct vcpu *v)
{
	return &vmx_of(v)->fpu;
}

void vmx_vcpu_setup(void)
{
	fpu_set_slot_fn(vmx_fpu_slot);
}

void vmx_insn_failed(const char *insn, u64 arg)
{
	u64 err = 0;
	u8 fail;

	/* VMfailValid leaves the reason in the current VMCS (30.4). */
	asm volatile("vmread %[f], %[v]\n\tsetna %[fail]"
		     : [v] "=r"(err), [fail] "=q"(fail)
		     : [f] "r"((u64)VMCS_INSN_ERROR) : "cc");
	panic("%s %#lx failed on CPU%u: %s %lu", insn, (unsigned long)arg,
	      smp_processor_id(), fail ? "no current VMCS, error" :
	      "VM-instruction error", fail ? 0UL : (unsigned long)err);
}

/* A VPID for a new vCPU, or 0 (VPID off: every entry flushes, 28.3.3.3). */
static u16 vmx_vpid_alloc(void)
{
	unsigned long flags;
	u16 vpid = 0;

	if (!vmx_caps.vpid)
		return 0;
	flags = spin_lock_irqsave(&vmx_vpid_lock);
	for (unsigned int n = 1; n < VMX_NR_VPIDS && !vpid; n++) {
		unsigned int cand = vmx_vpid_next;

		vmx_vpid_next = cand + 1 < VMX_NR_VPIDS ? cand + 1 : 1;
		if (!__test_and_set_bit(cand, vmx_vpid_used))
			vpid = cand;
	}
	spin_unlock_irqrestore(&vmx_vpid_lock, flags);
	return vpid;
}

static void vmx_vpid_free(u16 vpid)
{
	unsigned long flags;

	if (!vpid)
		return;
	flags = spin_lock_irqsave(&vmx_vpid_lock);
	__clear_bit(vpid, vmx_vpid_used);
	spin_unlock_irqrestore(&vmx_vpid_lock, flags);
}

/* 28.3.3: drop this pCPU's guest translations for @vx's EPTP and VPID. */
static void vmx_flush_here(struct vmx_vcpu *vx)
{
	bool single = vmx_caps.ept_vpid & VMX_EPT_INVEPT_SINGLE;

	vmx_invept(single ? VMX_INVEPT_SINGLE : VMX_INVEPT_ALL, vx->eptp);
	if (vx->vpid)
		vmx_invvpid(vmx_caps.ept_vpid & VMX_VPID_INVVPID_SINGLE ?
			    VMX_INVVPID_SINGLE : VMX_INVVPID_ALL, vx->vpid);
}

/* ---- VMCS lifecycle (top of file) ---- */

static void vmx_make_current(struct vmx_vcpu *vx, unsigned int cpu)
{
	if (vmx_pcpu[cpu].current != vx) {
		vmx_vmptrld((uintptr_t)vx->vmcs);
		vmx_pcpu[cpu].current = vx;
	}
}

/* VMCLEAR on this pCPU: back in memory, inactive, not launched.
 * Pre: interrupts off; active (or borrowed) here. */
static void vmx_clear_here(struct vmx_vcpu *vx)
{
	unsigned int cpu = smp_processor_id();

	vmx_vmclear((uintptr_t)vx->vmcs);
	if (vmx_pcpu[cpu].current == vx)
		vmx_pcpu[cpu].current = NULL;
	vx->launched = false;
	WRITE_ONCE(vx->active_cpu, -1);
}

static void vmx_clear_if_here(void *arg)
{
	struct vmx_vcpu *vx = arg;

	if (READ_ONCE(vx->active_cpu) == (int)smp_processor_id())
		vmx_clear_here(vx);
}

/* Leave the VMCS active nowhere but (maybe) here.  Pre: v not running. */
static void vmx_clear_elsewhere(struct vcpu *v, struct vmx_vcpu *vx)
{
	int cpu = READ_ONCE(vx->active_cpu);

	if (cpu < 0 || cpu == (int)smp_processor_id())
		return;
	if (!local_irq_is_enabled())
		panic("d%u vCPU%u: VMCS active on CPU%d is needed on CPU%u "
		      "with interrupts off", v->domain->domain_id, v->vcpu_id,
		      cpu, smp_processor_id());
	smp_call_function(vmx_clear_if_here, vx, true);
	BUG_ON(READ_ONCE(vx->active_cpu) == cpu);
}

/* Make @v's VMCS current here for a few VMREAD/VMWRITEs; returns the
 * interrupt flags for vmx_vmcs_exit().  Pre: v is not running elsewhere. */
static unsigned long vmx_vmcs_enter(struct vcpu *v)
{
	struct vmx_vcpu *vx = vmx_of(v);
	unsigned long flags;

	vmx_clear_elsewhere(v, vx);
	flags = local_irq_save();
	vmx_make_current(vx, smp_processor_id());
	return flags;
}

static void vmx_vmcs_exit(struct vcpu *v, unsigned long flags)
{
	struct vmx_vcpu *vx = vmx_of(v);

	if (vx->active_cpu != (int)smp_processor_id())
		vmx_clear_here(vx);		/* it was only borrowed */
	local_irq_restore(flags);
}

/* 24.5, 26.2.3: host state for this pCPU.  Pre: the VMCS is current. */
static void vmx_write_host_state(void)
{
	struct { u16 limit; u64 base; } __packed gdtr, idtr;
	u16 cs, ss, ds, es, tr;
	const u64 *tss;

	asm volatile("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(idtr));
	asm volatile("mov %%cs, %0; mov %%ss, %1; mov %%ds, %2; mov %%es, %3;"
		     "str %4" : "=r"(cs), "=r"(ss), "=r"(ds), "=r"(es), "=r"(tr));
	vmx_vmwrite(VMCS_HOST_CS_SEL, cs);
	vmx_vmwrite(VMCS_HOST_SS_SEL, ss);
	vmx_vmwrite(VMCS_HOST_DS_SEL, ds);
	vmx_vmwrite(VMCS_HOST_ES_SEL, es);
	vmx_vmwrite(VMCS_HOST_FS_SEL, 0);
	vmx_vmwrite(VMCS_HOST_GS_SEL, 0);
	vmx_vmwrite(VMCS_HOST_TR_SEL, tr);
	/* 7.2.3: a 64-bit TSS descriptor spreads its base over two words. */
	tss = (const u64 *)(uintptr_t)gdtr.base + (tr >> 3);
	vmx_vmwrite(VMCS_HOST_TR_BASE, ((tss[0] >> 16) & 0xffffff) |
		    ((tss[0] >> 32) & 0xff000000) | (tss[1] << 32));
	/* 27.5.2: the exit sets both limits to 0xffff; our IDT has all 256
	 * vectors and we never load a selector past the GDT, so no reload. */
	vmx_vmwrite(VMCS_HOST_GDTR_BASE, gdtr.base);
	vmx_vmwrite(VMCS_HOST_IDTR_BASE, idtr.base);
	vmx_vmwrite(VMCS_HOST_FS_BASE, rdmsr(MSR_FS_BASE));
	vmx_vmwrite(VMCS_HOST_GS_BASE, rdmsr(MSR_GS_BASE));	/* per-CPU */
	vmx_vmwrite(VMCS_HOST_CR0, read_cr0());
	vmx_vmwrite(VMCS_HOST_CR3, read_cr3());
	vmx_vmwrite(VMCS_HOST_CR4, read_cr4());
	vmx_vmwrite(VMCS_HOST_SYSENTER_CS, 0);
	vmx_vmwrite(VMCS_HOST_SYSENTER_ESP, 0);
	vmx_vmwrite(VMCS_HOST_SYSENTER_EIP, 0);
	vmx_vmwrite(VMCS_HOST_PAT, rdmsr(MSR_PAT));
	vmx_vmwrite(VMCS_HOST_EFER, rdmsr(MSR_EFER));
	vmx_vmwrite(VMCS_HOST_RIP, (uintptr_t)vmx_exit_stub);
}

/* Pre: interrupts off, v not running elsewhere (top of file). */
static void vmx_load_for_run(struct vcpu *v, struct vmx_vcpu *vx,
			     unsigned int cpu)
{
	if (vx->active_cpu == (int)cpu) {
		vmx_make_current(vx, cpu);
		return;
	}
	if (vx->active_cpu >= 0)
		panic("d%u vCPU%u: VMCS still active on CPU%d, run on CPU%u: "
		      "vcpu_migrate() must run on the old CPU first",
		      v->domain->domain_id, v->vcpu_id, vx->active_cpu, cpu);
	vmx_make_current(vx, cpu);
	vx->active_cpu = cpu;
	vx->launched = false;
	vmx_write_host_state();
	vmx_flush_here(vx);
}

static void vmx_set_proc(struct vmx_vcpu *vx, u32 proc)
{
	if (proc != vx->proc) {
		vx->proc = proc;
		vmx_vmwrite(VMCS_PROC_CONTROLS, proc);
	}
}

/* ---- Guest state ---- */

/* 24.4.1: VMX keeps attr bits 8-11 (AVL, L, D/B, G) in bits 12-15, and
 * marks a segment it must not check as unusable. */
static u32 vmx_ar_of(enum hvm_seg_reg r, u16 attr)
{
	unsigned int type = attr & 0xf;

	/* 26.3.1.2: TR must be usable and busy; a boot state may leave it
	 * blank (real mode has no TR to speak of). */
	if (r == SEG_TR && (!(attr & SEG_ATTR_P) || (type != 3 && type != 11)))
		return VMX_TR_BUSY32;
	if (!(attr & SEG_ATTR_P))
		return VMX_AR_UNUSABLE;
	return (attr & 0xff) | ((u32)(attr & 0xf00) << 4);
}

static u16 vmx_attr_of(u32 ar)
{
	if (ar & VMX_AR_UNUSABLE)
		return 0;
	return (ar & 0xff) | ((ar >> 4) & 0xf00);
}

static void vmx_write_seg(enum hvm_seg_reg r, const struct hvm_seg *s)
{
	if (r == SEG_GDTR || r == SEG_IDTR) {
		unsigned int i = r - SEG_GDTR;

		vmx_vmwrite(VMCS_GUEST_GDTR_LIMIT + 2 * i, s->limit & 0xffff);
		vmx_vmwrite(VMCS_GUEST_GDTR_BASE + 2 * i, s->base);
		return;
	}
	vmx_vmwrite(VMCS_GUEST_ES_SEL + 2 * r, s->sel);
	vmx_vmwrite(VMCS_GUEST_ES_LIMIT + 2 * r, s->limit);
	vmx_vmwrite(VMCS_GUEST_ES_BASE + 2 * r, s->base);
	vmx_vmwrite(VMCS_GUEST_ES_AR + 2 * r, vmx_ar_of(r, s->attr));
}

/* The guest's view of CR0/CR4: masked bits come from the read shadow. */
static u64 vmx_guest_cr(u32 field, u32 shadow, u64 mask)
{
	return (vmx_vmread(field) & ~mask) | (vmx_vmread(shadow) & mask);
}

static u64 vmx_guest_cr0(void)
{
	return vmx_guest_cr(VMCS_GUEST_CR0, VMCS_CR0_SHADOW, vmx_ctls.cr0_mask);
}

static u64 vmx_guest_cr4(void)
{
	return vmx_guest_cr(VMCS_GUEST_CR4, VMCS_CR4_SHADOW, vmx_ctls.cr4_mask);
}

/* A.7: the CPU runs with the bits VMX forces set; PE and PG as the
 * guest has them (unrestricted guest). */
static void vmx_write_cr0(u64 val)
{
	u64 fixed = vmx_caps.cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG);

	vmx_vmwrite(VMCS_GUEST_CR0, (val | fixed) & vmx_caps.cr0_fixed1);
	vmx_vmwrite(VMCS_CR0_SHADOW, val);
}

/* A.8: likewise CR4.VMXE, which the guest never sees. */
static void vmx_write_cr4(u64 val)
{
	vmx_vmwrite(VMCS_GUEST_CR4, (val | vmx_caps.cr4_fixed0) &
		    vmx_caps.cr4_fixed1);
	vmx_vmwrite(VMCS_CR4_SHADOW, val);
}

/* 26.3.1.1: "IA-32e mode guest" must equal EFER.LMA. */
static void vmx_write_efer(struct vmx_vcpu *vx, u64 efer)
{
	u32 entry = vx->entry & ~VMX_ENTRY_IA32E;

	if (efer & EFER_LMA)
		entry |= VMX_ENTRY_IA32E;
	vmx_vmwrite(VMCS_GUEST_EFER, efer);
	if (entry != vx->entry) {
		vx->entry = entry;
		vmx_vmwrite(VMCS_ENTRY_CONTROLS, entry);
	}
}

static bool vmx_in_64bit(void)
{
	return (vmx_vmread(VMCS_GUEST_EFER) & EFER_LMA) &&
	       (vmx_vmread(VMCS_GUEST_CS_AR) & VMX_AR_L);
}

/* PDPTE bits that must be 0 when present (4.4.1): 2:1, 8:5, and those
 * at or above MAXPHYADDR. */
static u64 vmx_pdpte_reserved(void)
{
	unsigned int maxphys = cpuid_eax(0x80000008) & 0xff;

	return 0x1e6ULL | ~((1ULL << MIN(maxphys, 52U)) - 1);
}

/*
 * 26.3.2.4: with EPT, entering a PAE-paging guest loads the PDPTEs from
 * the VMCS.  Load them from guest memory, as the MOV to CR0 we emulate
 * would have (4.4.1); -EINVAL means the guest gets #GP.
 */
static int vmx_load_pdptes(struct vcpu *v)
{
	u64 cr3 = vmx_vmread(VMCS_GUEST_CR3), pdpte[4], rsvd;

	if (copy_from_guest_phys(v->domain, pdpte, cr3 & 0xffffffe0,
				 sizeof(pdpte)))
		return -EINVAL;
	rsvd = vmx_pdpte_reserved();
	for (unsigned int i = 0; i < 4; i++)
		if ((pdpte[i] & 1) && (pdpte[i] & rsvd))
			return -EINVAL;
	for (unsigned int i = 0; i < 4; i++)
		vmx_vmwrite(VMCS_GUEST_PDPTE0 + 2 * i, pdpte[i]);
	return 0;
}

/* Everything set_state() and vcpu_init() reset besides the registers. */
static void vmx_reset_guest(struct vmx_vcpu *vx)
{
	vmx_vmwrite(VMCS_LINK_POINTER, ~0ULL);
	vmx_vmwrite(VMCS_GUEST_ACTIVITY, 0);
	vmx_vmwrite(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmx_vmwrite(VMCS_GUEST_PENDING_DBG, 0);
	vmx_vmwrite(VMCS_GUEST_DR7, VMX_DR7_INIT);
	vmx_vmwrite(VMCS_GUEST_DEBUGCTL, 0);
	vmx_vmwrite(VMCS_GUEST_PAT, VMX_PAT_DEFAULT);
	vmx_vmwrite(VMCS_GUEST_SYSENTER_CS, 0);
	vmx_vmwrite(VMCS_GUEST_SYSENTER_ESP, 0);
	vmx_vmwrite(VMCS_GUEST_SYSENTER_EIP, 0);
	vmx_set_proc(vx, vmx_ctls.proc);	/* MOV DR exits, no window */
	vx->intr_state = 0;
	vx->pending = vx->deferred = (struct vmx_event){ 0 };
	vx->want_window = vx->triple_fault = vx->dr_owned = false;
	vx->cr2 = 0;
	memset(vx->dr, 0, sizeof(vx->dr));
	vx->dr6 = VMX_DR6_INIT;
	vx->star = vx->lstar = vx->cstar = vx->sfmask = vx->kgs_base = 0;
}

static void vmx_init_controls(struct vmx_vcpu *vx)
{
	u32 proc2 = vmx_ctls.proc2;

	if (!vx->vpid)
		proc2 &= ~VMX_PROC2_VPID;
	vx->proc = vmx_ctls.proc;
	vx->entry = vmx_ctls.entry;
	vmx_vmwrite(VMCS_PIN_CONTROLS, vmx_ctls.pin);
	vmx_vmwrite(VMCS_PROC_CONTROLS, vx->proc);
	vmx_vmwrite(VMCS_PROC2_CONTROLS, proc2);
	vmx_vmwrite(VMCS_EXIT_CONTROLS, vmx_ctls.exit);
	vmx_vmwrite(VMCS_ENTRY_CONTROLS, vx->entry);
	/* #UD: a VMMCALL from a guest built for AMD.  #AC: a guest can make
	 * its delivery loop forever without an exit (CVE-2015-5307). */
	vmx_vmwrite(VMCS_EXCEPTION_BITMAP, (1U << TRAP_UD) | (1U << TRAP_AC));
	vmx_vmwrite(VMCS_PF_ERROR_MASK, 0);
	vmx_vmwrite(VMCS_PF_ERROR_MATCH, 0);
	vmx_vmwrite(VMCS_CR3_TARGET_COUNT, 0);
	vmx_vmwrite(VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmx_vmwrite(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmx_vmwrite(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmx_vmwrite(VMCS_ENTRY_INTR_INFO, 0);
	vmx_vmwrite(VMCS_CR0_MASK, vmx_ctls.cr0_mask);
	vmx_vmwrite(VMCS_CR4_MASK, vmx_ctls.cr4_mask);
	if (vx->vpid)
		vmx_vmwrite(VMCS_VPID, vx->vpid);
	vmx_vmwrite(VMCS_EPT_POINTER, vx->eptp);
	vmx_vmwrite(VMCS_TSC_OFFSET, 0);
	if (proc2 & VMX_PROC2_PAUSE_LOOP) {
		vmx_vmwrite(VMCS_PLE_GAP, VMX_PLE_GAP);
		vmx_vmwrite(VMCS_PLE_WINDOW, VMX_PLE_WINDOW);
	}
}

int vmx_vcpu_init(struct vcpu *v)
{
	struct vmx_vcpu *vx = xzalloc(struct vmx_vcpu);
	unsigned long flags;

	if (!vx)
		return -ENOMEM;
	v->hvm.vendor = vx;		/* fpu_vcpu_init() finds its slot here */
	vx->vmcs = vmx_alloc_region();
	if (!vx->vmcs || fpu_vcpu_init(v)) {
		free_pages(vx->vmcs, 0);
		xfree(vx);
		v->hvm.vendor = NULL;
		return -ENOMEM;
	}
	vx->active_cpu = -1;
	vx->vpid = vmx_vpid_alloc();
	/* 24.6.11: the p2m is in EPT format (hvm_p2m_format()). */
	vx->eptp = p2m_root(v->domain->p2m) | VMX_EPTP_WB_WALK4;
	flags = vmx_vmcs_enter(v);
	vmx_init_controls(vx);
	vmx_reset_guest(vx);
	vmx_vmcs_exit(v, flags);
	return 0;
}

void vmx_vcpu_destroy(struct vcpu *v)
{
	struct vmx_vcpu *vx = vmx_of(v);
	unsigned long flags;

	if (!vx)
		return;
	vmx_clear_elsewhere(v, vx);
	flags = local_irq_save();
	if (vx->active_cpu == (int)smp_processor_id())
		vmx_clear_here(vx);
	local_irq_restore(flags);
	vmx_vpid_free(vx->vpid);
	fpu_vcpu_destroy(v);
	free_pages(vx->vmcs, 0);
	xfree(vx);
	v->hvm.vendor = NULL;
}

/* Real mode (unrestricted guest, CR0.PE = 0) and 32-bit protected mode
 * come in as they are; LMA follows LME && PG. */
void vmx_vcpu_set_state(struct vcpu *v, const struct hvm_boot_state *s)
{
	struct vmx_vcpu *vx = vmx_of(v);
	unsigned long flags = vmx_vmcs_enter(v);
	u64 efer = s->efer & ~EFER_LMA;

	if ((efer & EFER_LME) && (s->cr0 & X86_CR0_PG))
		efer |= EFER_LMA;
	v->hvm.regs = s->regs;
	v->hvm.regs.rflags |= X86_EFLAGS_FIXED;
	vx->exit_rip = s->regs.rip;
	vmx_reset_guest(vx);
	vmx_write_cr0(s->cr0);
	vmx_vmwrite(VMCS_GUEST_CR3, s->cr3);
	vmx_write_cr4(s->cr4);
	vmx_write_efer(vx, efer);
	for (unsigned int r = 0; r < NR_SEGS; r++)
		vmx_write_seg(r, &s->seg[r]);
	if ((s->cr0 & X86_CR0_PG) && (s->cr4 & X86_CR4_PAE) &&
	    !(efer & EFER_LMA) && vmx_load_pdptes(v))
		printk(KERN_WARNING "d%u vCPU%u: boot state has bad PDPTEs\n",
		       v->domain->domain_id, v->vcpu_id);
	vx->flush_vpid = true;
	vmx_vmcs_exit(v, flags);
}

void vmx_get_seg(struct vcpu *v, enum hvm_seg_reg r, struct hvm_seg *s)
{
	unsigned long flags = vmx_vmcs_enter(v);

	memset(s, 0, sizeof(*s));
	if (r == SEG_GDTR || r == SEG_IDTR) {
		unsigned int i = r - SEG_GDTR;

		s->limit = vmx_vmread(VMCS_GUEST_GDTR_LIMIT + 2 * i);
		s->base = vmx_vmread(VMCS_GUEST_GDTR_BASE + 2 * i);
	} else if (r < NR_SEGS) {
		s->sel = vmx_vmread(VMCS_GUEST_ES_SEL + 2 * r);
		s->limit = vmx_vmread(VMCS_GUEST_ES_LIMIT + 2 * r);
		s->base = vmx_vmread(VMCS_GUEST_ES_BASE + 2 * r);
		s->attr = vmx_attr_of(vmx_vmread(VMCS_GUEST_ES_AR + 2 * r));
	}
	vmx_vmcs_exit(v, flags);
}

u64 vmx_get_cr(struct vcpu *v, unsigned int cr)
{
	unsigned long flags;
	u64 val = 0;

	if (cr == 2)
		return vmx_of(v)->cr2;
	flags = vmx_vmcs_enter(v);
	if (cr == 0)
		val = vmx_guest_cr0();
	else if (cr == 3)
		val = vmx_vmread(VMCS_GUEST_CR3);
	else if (cr == 4)
		val = vmx_guest_cr4();
	vmx_vmcs_exit(v, flags);
	return val;
}

u64 vmx_get_efer(struct vcpu *v)
{
	unsigned long flags = vmx_vmcs_enter(v);
	u64 efer = vmx_vmread(VMCS_GUEST_EFER);

	vmx_vmcs_exit(v, flags);
	return efer;
}

/* ---- Control-register exits (vendor mechanics: HVM_EXIT_NONE) ---- */

/*
 * MOV to CR0 / LMSW that changed PE or PG (or a forced bit).  Checks as
 * MOV CR0 does (SDM vol. 2; vol. 3 2.5, 10.8.5), then keeps EFER.LMA and
 * the IA-32e entry control in step with PG.  Pre: VMCS current.
 */
static int vmx_set_cr0(struct vcpu *v, struct vmx_vcpu *vx, u64 val)
{
	u64 old = vmx_guest_cr0(), efer = vmx_vmread(VMCS_GUEST_EFER);
	u64 cr4 = vmx_guest_cr4();
	bool pae_paging;

	if ((val >> 32) || ((val & X86_CR0_PG) && !(val & X86_CR0_PE)) ||
	    ((val & X86_CR0_NW) && !(val & X86_CR0_CD)))
		return -EINVAL;
	if ((val & X86_CR0_PG) && !(old & X86_CR0_PG) && (efer & EFER_LME)) {
		if (!(cr4 & X86_CR4_PAE))
			return -EINVAL;
		efer |= EFER_LMA;
	} else if (!(val & X86_CR0_PG) && (efer & EFER_LMA)) {
		if (vmx_in_64bit())	/* 10.8.5.4: only from compat mode */
			return -EINVAL;
		efer &= ~EFER_LMA;
	}
	/* 4.4.1: MOV to CR0 changing PG, CD or NW reloads the PDPTEs. */
	pae_paging = (val & X86_CR0_PG) && (cr4 & X86_CR4_PAE) &&
		     !(efer & EFER_LMA);
	if (pae_paging && ((val ^ old) & (X86_CR0_PG | X86_CR0_CD | X86_CR0_NW)) &&
	    vmx_load_pdptes(v))
		return -EINVAL;
	vmx_write_cr0(val);
	vmx_write_efer(vx, efer);
	/* A real MOV to CR0 would have flushed this VPID's TLB (4.10.4.1). */
	vx->flush_vpid = true;
	return 0;
}

/* Every CR4 bit that exits is one the guest may not set (VMXE, bits the
 * CPU lacks): refuse those; anything else (a boot state that set such a
 * bit being cleared) is taken as written. */
static int vmx_set_cr4(struct vmx_vcpu *vx, u64 val)
{
	if (val & (~vmx_caps.cr4_fixed1 | X86_CR4_VMXE))
		return -EINVAL;
	if ((vmx_vmread(VMCS_GUEST_EFER) & EFER_LMA) && !(val & X86_CR4_PAE))
		return -EINVAL;
	vmx_write_cr4(val);
	vx->flush_vpid = true;
	return 0;
}

/* Table 27-3: register numbers of CR and DR exit qualifications. */
static u64 *vmx_gpr(struct vcpu *v, unsigned int n)
{
	static const u8 off[16] = {
		HVM_REG_RAX, HVM_REG_RCX, HVM_REG_RDX, HVM_REG_RBX,
		HVM_REG_RSP, HVM_REG_RBP, HVM_REG_RSI, HVM_REG_RDI,
		HVM_REG_R8, HVM_REG_R9, HVM_REG_R10, HVM_REG_R11,
		HVM_REG_R12, HVM_REG_R13, HVM_REG_R14, HVM_REG_R15,
	};

	return (u64 *)((u8 *)&v->hvm.regs + off[n & 15]);
}

static void vmx_exit_cr(struct vcpu *v, struct vmx_vcpu *vx,
			struct hvm_exit *e)
{
	u64 q = vmx_vmread(VMCS_EXIT_QUALIFICATION), val;
	unsigned int cr = VMX_CR_QUAL_CR(q);
	int rc;

	e->reason = HVM_EXIT_UNHANDLED;		/* CR8, CR3 or a bad qualification */
	switch (VMX_CR_QUAL_TYPE(q)) {
	case VMX_CR_TYPE_MOV_TO:
		if (cr != 0 && cr != 4)
			return;
		val = *vmx_gpr(v, VMX_CR_QUAL_GPR(q));
		if (!vmx_in_64bit())
			val = (u32)val;
		rc = cr == 0 ? vmx_set_cr0(v, vx, val) : vmx_set_cr4(vx, val);
		break;
	case VMX_CR_TYPE_LMSW:
		/* LMSW writes CR0[3:0] but cannot clear PE. */
		val = vmx_guest_cr0();
		val = (val & ~0xeULL) | (VMX_CR_QUAL_LMSW(q) & 0xf);
		rc = vmx_set_cr0(v, vx, val);
		break;
	case VMX_CR_TYPE_CLTS:
		rc = vmx_set_cr0(v, vx, vmx_guest_cr0() & ~X86_CR0_TS);
		break;
	default:
		return;
	}
	e->reason = HVM_EXIT_NONE;
	if (rc)
		vmx_inject_exception(v, TRAP_GP, true, 0);
	else
		hvm_skip_insn(v, e);
}

/* ---- MSRs ---- */

static bool vmx_canonical(u64 a)
{
	return (u64)((s64)(a << 16) >> 16) == a;
}

static bool vmx_pat_valid(u64 pat)
{
	for (unsigned int i = 0; i < 8; i++) {
		u8 t = pat >> (8 * i);

		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

/* VMCS fields that hold an MSR as it is (24.4.1, 24.4.2); 0: none. */
static u32 vmx_msr_field(u32 msr)
{
	switch (msr) {
	case MSR_EFER:
		return VMCS_GUEST_EFER;
	case MSR_PAT:
		return VMCS_GUEST_PAT;
	case MSR_FS_BASE:
		return VMCS_GUEST_FS_BASE;
	case MSR_GS_BASE:
		return VMCS_GUEST_GS_BASE;
	case MSR_SYSENTER_CS:
		return VMCS_GUEST_SYSENTER_CS;
	case MSR_SYSENTER_ESP:
		return VMCS_GUEST_SYSENTER_ESP;
	case MSR_SYSENTER_EIP:
		return VMCS_GUEST_SYSENTER_EIP;
	case MSR_DEBUGCTL:
		return VMCS_GUEST_DEBUGCTL;
	}
	return 0;
}

/* MSRs kept here and loaded lazily before entry; NULL: not one. */
static u64 *vmx_msr_slot(struct vmx_vcpu *vx, u32 msr)
{
	switch (msr) {
	case MSR_STAR:
		return &vx->star;
	case MSR_LSTAR:
		return &vx->lstar;
	case MSR_CSTAR:
		return &vx->cstar;
	case MSR_SFMASK:
		return &vx->sfmask;
	case MSR_KERNEL_GS_BASE:
		return &vx->kgs_base;
	}
	return NULL;
}

/* What WRMSR would #GP on (SDM vol. 4). */
static int vmx_msr_check(u32 msr, u64 val)
{
	switch (msr) {
	case MSR_PAT:
		return vmx_pat_valid(val) ? 0 : -EINVAL;
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_SYSENTER_ESP:
	case MSR_SYSENTER_EIP:
		return vmx_canonical(val) ? 0 : -EINVAL;
	case MSR_SFMASK:
	case MSR_SYSENTER_CS:
		return val >> 32 ? -EINVAL : 0;
	case MSR_DEBUGCTL:
		return val ? -EINVAL : 0;	/* no LBR/BTF for guests */
	}
	return 0;
}

/* LMA is read-only; LME cannot change while paging is on (10.8.5). */
static int vmx_set_efer(struct vmx_vcpu *vx, u64 val)
{
	u64 old = vmx_vmread(VMCS_GUEST_EFER);
	u64 valid = EFER_SCE | EFER_LME | EFER_LMA |
		    (rdmsr(MSR_EFER) & EFER_NXE);

	if (val & ~valid)
		return -EINVAL;
	if ((vmx_guest_cr0() & X86_CR0_PG) && ((val ^ old) & EFER_LME))
		return -EINVAL;
	vmx_write_efer(vx, (val & ~EFER_LMA) | (old & EFER_LMA));
	return 0;
}

int vmx_msr_read(struct vcpu *v, u32 msr, u64 *val)
{
	u64 *slot = vmx_msr_slot(vmx_of(v), msr);
	u32 field = vmx_msr_field(msr);
	unsigned long flags;

	if (slot) {
		*val = *slot;	/* KERNEL_GS_BASE: read back at every exit */
		return 0;
	}
	if (!field)
		return -ENOENT;
	flags = vmx_vmcs_enter(v);
	*val = vmx_vmread(field);
	vmx_vmcs_exit(v, flags);
	return 0;
}

int vmx_msr_write(struct vcpu *v, u32 msr, u64 val)
{
	struct vmx_vcpu *vx = vmx_of(v);
	u64 *slot = vmx_msr_slot(vx, msr);
	u32 field = vmx_msr_field(msr);
	unsigned long flags;
	int rc;

	if (!slot && !field)
		return -ENOENT;
	rc = vmx_msr_check(msr, val);
	if (rc)
		return rc;
	if (slot) {
		*slot = val;	/* the next entry loads it */
		return 0;
	}
	flags = vmx_vmcs_enter(v);
	if (msr == MSR_EFER)
		rc = vmx_set_efer(vx, val);
	else
		vmx_vmwrite(field, val);
	vmx_vmcs_exit(v, flags);
	return rc;
}

/* ---- Events ---- */

static bool vmx_exc_has_error(u8 vec)
{
	return vec == 8 || (vec >= 10 && vec <= 14) || vec == 17;
}

static bool vmx_contributory(u8 vec)
{
	return vec == 0 || (vec >= 10 && vec <= 13);
}

/*
 * Exception @vec raised while exception @first is pending (6.15, table
 * 6-5): contributory + contributory, or #PF + contributory/#PF, is #DF;
 * contributory/#PF during #DF is a triple fault (returns 0).  Otherwise
 * the new one wins: the first fault recurs when the instruction reruns.
 */
static u32 vmx_combine_exc(u8 first, u8 vec, u32 info)
{
	bool second_bad = vmx_contributory(vec) || vec == 14;

	if (first == 8 && second_bad)
		return 0;
	if ((vmx_contributory(first) && vmx_contributory(vec)) ||
	    (first == 14 && second_bad))
		return 8 | VMX_INTR_TYPE_HW_EXC | VMX_INTR_HAS_ERROR |
		       VMX_INTR_VALID;
	return info;
}

void vmx_inject_exception(struct vcpu *v, u8 vector, bool has_error,
			  u32 error)
{
	struct vmx_vcpu *vx = vmx_of(v);
	struct vmx_event *p = &vx->pending;
	u32 info = vector | VMX_INTR_VALID |
		   (vector == TRAP_NMI ? VMX_INTR_TYPE_NMI : VMX_INTR_TYPE_HW_EXC);

	/* 26.2.1.3: only these vectors may push an error code. */
	if (has_error && vmx_exc_has_error(vector))
		info |= VMX_INTR_HAS_ERROR;
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
	*p = (struct vmx_event){ info, info & VMX_INTR_HAS_ERROR ? error : 0, 0 };
}

/* RFLAGS.IF set and no STI/MOV SS shadow (an instruction we completed,
 * RIP moved since the exit, ended it). */
static bool vmx_interruptible(struct vcpu *v, struct vmx_vcpu *vx)
{
	bool shadow = (vx->intr_state &
		       (VMX_INTR_BLOCK_STI | VMX_INTR_BLOCK_MOV_SS)) &&
		      v->hvm.regs.rip == vx->exit_rip;

	return (v->hvm.regs.rflags & X86_EFLAGS_IF) && !shadow;
}

bool vmx_inject_interrupt(struct vcpu *v, u8 vector)
{
	struct vmx_vcpu *vx = vmx_of(v);

	if (((vx->pending.info | vx->deferred.info) & VMX_INTR_VALID) ||
	    !vmx_interruptible(v, vx)) {
		vx->want_window = true;		/* exit once it can */
		return false;
	}
	vx->pending = (struct vmx_event){
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
		e->info = 0;
	}
	vmx_set_proc(vx, window ? vx->proc | VMX_PROC_INTR_WINDOW :
				  vx->proc & ~VMX_PROC_INTR_WINDOW);
}

/* ---- Entry and exit ---- */

/* Registers and pending work into the VMCS.  Pre: VMCS current. */
static void vmx_sync_to_vmcs(struct vcpu *v, struct vmx_vcpu *vx)
{
	struct hvm_regs *r = &v->hvm.regs;
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
static void vmx_pcpu_learn(struct vmx_pcpu *pc)
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

/* Guest values of what VMX does not switch (top of file). */
static void vmx_switch_to_guest(struct vcpu *v, struct vmx_vcpu *vx,
				struct vmx_pcpu *pc)
{
	if (!pc->known)
		vmx_pcpu_learn(pc);
	vmx_load_msr(MSR_STAR, vx->star, &pc->star);
	vmx_load_msr(MSR_LSTAR, vx->lstar, &pc->lstar);
	vmx_load_msr(MSR_SFMASK, vx->sfmask, &pc->sfmask);
	vmx_load_msr(MSR_KERNEL_GS_BASE, vx->kgs_base, &pc->kgs_base);
	if (vmx_ctls.proc2 & VMX_PROC2_RDTSCP)
		vmx_load_msr(MSR_TSC_AUX, v->hvm.msr_tsc_aux, &pc->tsc_aux);
	if (vx->dr_owned)
		for (unsigned int i = 0; i < 4; i++)
			vmx_load_dr(i, vx->dr[i], &pc->dr[i]);
	vmx_load_dr(6, vx->dr6, &pc->dr6);
	if (read_cr2() != vx->cr2)
		write_cr2(vx->cr2);
	fpu_guest_enter(v);
}

static void vmx_switch_to_host(struct vcpu *v, struct vmx_vcpu *vx,
			       struct vmx_pcpu *pc)
{
	fpu_guest_exit(v);
	vx->cr2 = read_cr2();
	vx->kgs_base = pc->kgs_base = rdmsr(MSR_KERNEL_GS_BASE);
	vx->dr6 = pc->dr6 = vmx_read_dr(6);
	if (!vx->dr_owned)
		return;
	for (unsigned int i = 0; i < 4; i++)
		vx->dr[i] = pc->dr[i] = vmx_read_dr(i);
	/* No breakpoint enabled: let MOV DR exit again, so a vCPU that
	 * touched the debug registers once does not pay for them forever. */
	if (!(vmx_vmread(VMCS_GUEST_DR7) & VMX_DR7_ENABLES)) {
		vx->dr_owned = false;
		vmx_set_proc(vx, vx->proc | VMX_PROC_MOV_DR);
	}
}

/* RSP, RIP, RFLAGS back, and the event an exit interrupted (27.2.4). */
static void vmx_sync_from_vmcs(struct vcpu *v, struct vmx_vcpu *vx)
{
	struct hvm_regs *r = &v->hvm.regs;
	u32 idt;

	r->rsp = vmx_vmread(VMCS_GUEST_RSP);
	r->rip = vmx_vmread(VMCS_GUEST_RIP);
	r->rflags = vmx_vmread(VMCS_GUEST_RFLAGS);
	vx->exit_rip = r->rip;
	vx->intr_state = vmx_vmread(VMCS_GUEST_INTERRUPTIBILITY);
	idt = vmx_vmread(VMCS_IDT_VECTORING_INFO);
	if (!(idt & VMX_INTR_VALID))
		return;
	BUG_ON(vx->pending.info & VMX_INTR_VALID);
	vx->pending.info = idt & (VMX_INTR_VALID | VMX_INTR_HAS_ERROR | 0x7ff);
	vx->pending.error = idt & VMX_INTR_HAS_ERROR ?
			    vmx_vmread(VMCS_IDT_VECTORING_ERROR) : 0;
	vx->pending.len = vmx_vmread(VMCS_EXIT_INSN_LEN);
}

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
	u64 rip = v->hvm.regs.rip;
	u8 insn[3];

	if (!vmx_in_64bit())	/* linear = CS base + EIP, 32 bits wide */
		rip = (u32)(vmx_vmread(VMCS_GUEST_CS_BASE) + rip);
	return !copy_from_guest(v, insn, rip, sizeof(insn)) &&
	       !memcmp(insn, vmmcall, sizeof(insn));
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
	if (vec == TRAP_UD && vmx_is_vmmcall(v)) {
		e->reason = HVM_EXIT_OTHER_VENDOR_HYPERCALL;
		e->insn_len = 3;
		return;
	}
	e->reason = HVM_EXIT_EXCEPTION;
	e->exc.vector = vec;
	e->exc.has_error = info & VMX_INTR_HAS_ERROR;
	if (e->exc.has_error)
		e->exc.error = vmx_vmread(VMCS_EXIT_INTR_ERROR);
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

/* The guest's first MOV DR: give it the debug registers (top of file);
 * the instruction reruns natively. */
static void vmx_exit_dr(struct vmx_vcpu *vx, struct hvm_exit *e)
{
	vx->dr_owned = true;
	vmx_set_proc(vx, vx->proc & ~VMX_PROC_MOV_DR);
	e->reason = HVM_EXIT_NONE;
}

/* Instructions the guest must find absent, as CPUID says they are:
 * VMX, SMX (GETSEC), MONITOR/MWAIT.  RDPMC: no counters (#GP). */
static bool vmx_exit_refused(struct vcpu *v, u32 basic, struct hvm_exit *e)
{
	bool vmx_insn = (basic >= VMX_EXIT_VMCLEAR && basic <= VMX_EXIT_VMXON) ||
			basic == VMX_EXIT_INVEPT || basic == VMX_EXIT_INVVPID ||
			basic == VMX_EXIT_VMFUNC;

	if (basic == VMX_EXIT_RDPMC)
		vmx_inject_exception(v, TRAP_GP, true, 0);
	else if (vmx_insn || basic == VMX_EXIT_GETSEC ||
		 basic == VMX_EXIT_MWAIT || basic == VMX_EXIT_MONITOR)
		vmx_inject_exception(v, TRAP_UD, false, 0);
	else
		return false;
	e->reason = HVM_EXIT_NONE;
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
			e->msr = (u32)v->hvm.regs.rcx;
		return;
	}
	if (vmx_exit_refused(v, basic, e))
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
		/* Caches are coherent with everything we emulate: no-op. */
		hvm_skip_insn(v, e);
		e->reason = HVM_EXIT_NONE;
		break;
	}
}

void vmx_vcpu_run(struct vcpu *v, struct hvm_exit *exit)
{
	struct vmx_vcpu *vx = vmx_of(v);
	unsigned int cpu = smp_processor_id();
	struct vmx_pcpu *pc = &vmx_pcpu[cpu];
	u32 reason;
	int rc;

	ASSERT(!local_irq_is_enabled());
	memset(exit, 0, sizeof(*exit));
	if (vx->triple_fault) {
		exit->reason = HVM_EXIT_TRIPLE_FAULT;
		exit->vendor_code = VMX_EXIT_TRIPLE_FAULT;
		return;
	}
	vmx_load_for_run(v, vx, cpu);
	vmx_sync_to_vmcs(v, vx);
	vmx_switch_to_guest(v, vx, pc);
	rc = vmx_enter(&v->hvm.regs, vx->launched);
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

/* Pre (top of file): on the pCPU @v last ran on, @v not running. */
void vmx_vcpu_migrate(struct vcpu *v, unsigned int new_cpu)
{
	struct vmx_vcpu *vx = vmx_of(v);
	unsigned long flags;

	if (READ_ONCE(vx->active_cpu) == (int)new_cpu)
		return;
	vmx_clear_elsewhere(v, vx);	/* tolerated if interrupts are on */
	flags = local_irq_save();
	if (vx->active_cpu == (int)smp_processor_id())
		vmx_clear_here(vx);
	local_irq_restore(flags);
}
