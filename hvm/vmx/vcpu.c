/*
 * Intel VMX: the vCPU's life (SDM vol. 3 ch. 24-26) behind the vendor-
 * neutral ops: creation, the VMCS across pCPUs, boot state, destruction.
 * Guest-visible registers live in state.c, entry and exit in run.c.
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
 * Host state is written on arrival only: the host's CR0/CR3/CR4, GDT,
 * IDT, TSS and GS base do not change once a pCPU is up.
 */
#include <hvm/fpu.h>
#include <hvm/hvm.h>
#include <hvm/p2m/p2m.h>
#include <hvm/vmx/vmcs.h>
#include <hvm/vmx/vmx.h>
#include <xen/bitmap.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/traps.h>

#define VMX_PLE_GAP		128		/* as KVM: cycles */
#define VMX_PLE_WINDOW		4096
#define VMX_NR_VPIDS		65536		/* 0 is the host's */

extern const char vmx_exit_stub[];	/* entry.S: HOST_RIP */

/* The VMCS current on each pCPU (NULL: none of ours).  Touched only by
 * that pCPU, with interrupts off. */
static struct vmx_vcpu *vmx_current[NR_CPUS];

static DECLARE_BITMAP(vmx_vpid_used, VMX_NR_VPIDS);
static unsigned int vmx_vpid_next = 1;
static DEFINE_SPINLOCK(vmx_vpid_lock);

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
void vmx_flush_here(struct vmx_vcpu *vx)
{
	bool single = vmx_caps.ept_vpid & VMX_EPT_INVEPT_SINGLE;

	vmx_invept(single ? VMX_INVEPT_SINGLE : VMX_INVEPT_ALL, vx->eptp);
	if (vx->vpid)
		vmx_invvpid(vmx_caps.ept_vpid & VMX_VPID_INVVPID_SINGLE ?
			    VMX_INVVPID_SINGLE : VMX_INVVPID_ALL, vx->vpid);
}

/* ---- VMCS lifecycle (see the file note) ---- */

static void vmx_make_current(struct vmx_vcpu *vx, unsigned int cpu)
{
	if (vmx_current[cpu] != vx) {
		vmx_vmptrld((uintptr_t)vx->vmcs);
		vmx_current[cpu] = vx;
	}
}

/* VMCLEAR on this pCPU: back in memory, inactive, not launched.
 * Pre: interrupts off; active (or borrowed) here. */
static void vmx_clear_here(struct vmx_vcpu *vx)
{
	unsigned int cpu = smp_processor_id();

	vmx_vmclear((uintptr_t)vx->vmcs);
	if (vmx_current[cpu] == vx)
		vmx_current[cpu] = NULL;
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
unsigned long vmx_vmcs_enter(struct vcpu *v)
{
	struct vmx_vcpu *vx = vmx_of(v);
	unsigned long flags;

	vmx_clear_elsewhere(v, vx);
	flags = local_irq_save();
	vmx_make_current(vx, smp_processor_id());
	return flags;
}

void vmx_vmcs_exit(struct vcpu *v, unsigned long flags)
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

/* Pre: interrupts off, v not running elsewhere (file note). */
void vmx_load_for_run(struct vcpu *v, struct vmx_vcpu *vx, unsigned int cpu)
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

void vmx_set_proc(struct vmx_vcpu *vx, u32 proc)
{
	if (proc != vx->proc) {
		vx->proc = proc;
		vmx_vmwrite(VMCS_PROC_CONTROLS, proc);
	}
}

/* ---- Creation, boot state, moves, destruction ---- */

/* Everything set_state() and vcpu_init() reset besides the registers. */
static void vmx_reset_guest(struct vmx_vcpu *vx)
{
	vmx_vmwrite(VMCS_LINK_POINTER, ~0ULL);
	vmx_vmwrite(VMCS_GUEST_ACTIVITY, 0);
	vmx_vmwrite(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmx_vmwrite(VMCS_GUEST_PENDING_DBG, 0);
	vmx_vmwrite(VMCS_GUEST_DR7, X86_DR7_INIT);
	vmx_vmwrite(VMCS_GUEST_DEBUGCTL, 0);
	vmx_vmwrite(VMCS_GUEST_PAT, PAT_POWER_ON);
	vmx_vmwrite(VMCS_GUEST_SYSENTER_CS, 0);
	vmx_vmwrite(VMCS_GUEST_SYSENTER_ESP, 0);
	vmx_vmwrite(VMCS_GUEST_SYSENTER_EIP, 0);
	vmx_set_proc(vx, vmx_ctls.proc);	/* MOV DR exits, no window */
	vx->intr_state = 0;
	vx->pending = vx->deferred = (struct vmx_event){ 0 };
	vx->want_window = vx->triple_fault = vx->dr_owned = false;
	vx->cr2 = 0;
	memset(vx->dr, 0, sizeof(vx->dr));
	vx->dr6 = X86_DR6_INIT;
	vx->star = vx->lstar = vx->cstar = vx->sfmask = vx->kgs_base = 0;
}

static void vmx_init_controls(struct vmx_vcpu *vx)
{
	u32 proc2 = vmx_ctls.proc2;

	if (!vx->vpid)
		proc2 &= ~VMX_PROC2_VPID;
	vx->pin = vmx_ctls.pin;
	vx->proc = vmx_ctls.proc;
	vx->entry = vmx_ctls.entry;
	vmx_vmwrite(VMCS_PIN_CONTROLS, vx->pin);
	vmx_vmwrite(VMCS_PROC_CONTROLS, vx->proc);
	vmx_vmwrite(VMCS_PROC2_CONTROLS, proc2);
	vmx_vmwrite(VMCS_EXIT_CONTROLS, vmx_ctls.exit);
	vmx_vmwrite(VMCS_ENTRY_CONTROLS, vx->entry);
	/* #UD: a VMMCALL from a guest built for AMD.  #DB and #AC: a guest
	 * can make their delivery loop forever without an exit
	 * (CVE-2015-8104, CVE-2015-5307); run.c sends them back. */
	vmx_vmwrite(VMCS_EXCEPTION_BITMAP,
		    (1U << TRAP_UD) | (1U << TRAP_DB) | (1U << TRAP_AC));
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
	v->hvm->vendor = vx;		/* fpu_vcpu_init() finds its slot here */
	vx->vmcs = vmx_alloc_region();
	if (!vx->vmcs || fpu_vcpu_init(v)) {
		free_pages(vx->vmcs, 0);
		xfree(vx);
		v->hvm->vendor = NULL;
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
	v->hvm->vendor = NULL;
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
	v->hvm->regs = s->regs;
	v->hvm->regs.rflags |= X86_EFLAGS_FIXED;
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

/* Pre (file note): on the pCPU @v last ran on, @v not running. */
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
