/*
 * AMD SVM: the guest-visible registers kept in the VMCB (APM vol. 2 15.5,
 * appendix B) - segments, control registers, EFER and the MSRs the VMCB
 * holds - and the control-register write it intercepts.
 *
 * Control registers.  On hardware a guest's MOV to CR0 raises #GP for
 * every value VMRUN's consistency checks would refuse (bits 63:32, NW
 * without CD, PG without PE or PAE; APM 15.5.1), but QEMU's TCG SVM takes
 * such values and then fails the next VMRUN, and a CR4 bit the CPU has
 * but the guest was not offered (PKE with PKU hidden, LA57, CET...) is
 * accepted everywhere (QEMU even fails VMRUN-style on a reserved one).
 * So CR0 and CR4 writes exit (MOV, and LMSW and CLTS for CR0; QEMU
 * drops CR0[63:32] before its selective CR0 intercept could see them)
 * and are checked here (hvm/x86.c):
 * the guest gets #GP, never a failed VMRUN.  CR3 writes run natively
 * (nested paging).  Emulators' SVM has no decode assists: the MOV is
 * decoded from the instruction bytes at RIP, as are the other
 * intercepted instructions without a single encoding (WBINVD, INVD).
 *
 * EFER writes (all MSRs are intercepted) are checked the same way; the
 * VMCB's copy always has SVME set (15.5.1), the guest never sees it.
 */
#include <hvm/hvm.h>
#include <hvm/svm/svm.h>
#include <hvm/svm/vmcb.h>
#include <hvm/vlapic.h>
#include <hvm/x86.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/page.h>
#include <asm/processor.h>

#define X86_MAX_INSN_LEN	15

static bool svm_in_64bit(const struct vmcb *vmcb)
{
	return (vmcb->efer & EFER_LMA) && (vmcb->cs.attr & X86_SEG_ATTR_L);
}

/* Linear address of the guest's RIP (CS base is ignored in 64-bit mode). */
u64 svm_rip_linear(const struct vmcb *vmcb)
{
	if (svm_in_64bit(vmcb))
		return vmcb->rip;
	return (u32)(vmcb->cs.base + vmcb->rip);
}

/*
 * The instruction at RIP: 0f @op2 [ModRM] with prefixes (x86.h).  Reads
 * at most 15 bytes, not past a page the guest has not mapped.  Returns
 * its length, or 0 if the bytes are not that instruction.
 */
unsigned int svm_insn_len(struct vcpu *v, const struct vmcb *vmcb, u8 op2,
			  unsigned int *modrm)
{
	u64 la = svm_rip_linear(vmcb);
	unsigned int n = MIN(X86_MAX_INSN_LEN, PAGE_SIZE - (la & ~PAGE_MASK));
	u8 insn[X86_MAX_INSN_LEN];

	if (copy_from_guest(v, insn, la, n))
		return 0;
	if (n < X86_MAX_INSN_LEN &&
	    !copy_from_guest(v, insn + n, la + n, X86_MAX_INSN_LEN - n))
		n = X86_MAX_INSN_LEN;
	return x86_insn_len_0f(insn, n, svm_in_64bit(vmcb), op2, modrm);
}

void svm_get_seg(struct vcpu *v, enum hvm_seg_reg r, struct hvm_seg *s)
{
	memcpy(s, vmcb_seg(svm_vmcb(v), r), sizeof(*s));
}

u64 svm_get_cr(struct vcpu *v, unsigned int cr)
{
	const struct vmcb *vmcb = svm_vmcb(v);

	switch (cr) {
	case 0:
		return vmcb->cr0;
	case 2:
		return vmcb->cr2;
	case 3:
		return vmcb->cr3;
	case 4:
		return vmcb->cr4;
	case 8:
		return vmcb->vintr & 0xf;	/* V_TPR (15.21.2) */
	}
	BUG();
}

u64 svm_get_efer(struct vcpu *v)
{
	return svm_vmcb(v)->efer & ~EFER_SVME;
}

static void svm_cr_state(const struct vmcb *vmcb, struct x86_cr_state *s)
{
	*s = (struct x86_cr_state){
		.cr0 = vmcb->cr0, .cr3 = vmcb->cr3, .cr4 = vmcb->cr4,
		.efer = vmcb->efer & ~EFER_SVME, .cs_l = svm_in_64bit(vmcb) };
}

/*
 * The value the instruction at RIP writes to CR@cr: a MOV to CR@cr, or
 * for CR0 also LMSW (sets CR0[3:0], cannot clear PE) and CLTS.  Returns
 * 0, -EINVAL if the bytes are none of them (#GP), -EOPNOTSUPP for LMSW
 * from memory (not emulated).  Sets e->insn_len.
 */
static int svm_cr_write_value(struct vcpu *v, struct vmcb *vmcb,
			      unsigned int cr, struct hvm_exit *e, u64 *val)
{
	struct hvm_regs *r = &v->hvm->regs;
	unsigned int modrm = 0, reg, rm;

	e->insn_len = svm_insn_len(v, vmcb, 0x22, &modrm);
	/* ModRM: reg (REX.R in bit 8) is the CR or the /6 of LMSW, rm (REX.B
	 * in bit 9) the register; MOV CR ignores mod (SDM vol. 2). */
	reg = ((modrm >> 3) & 7) | ((modrm >> 5) & 8);
	rm = (modrm & 7) | ((modrm >> 6) & 8);
	if (e->insn_len) {
		/* A CR8-write exit with CR0 in ModRM is AMD's LOCK MOV CR0
		 * alias for CR8 (CPUID CR8_LEGACY), from outside 64-bit mode. */
		if (reg != cr && !(cr == 8 && reg == 0))
			return -EINVAL;
		*val = *hvm_gpr(r, rm);
		if (!svm_in_64bit(vmcb))
			*val = (u32)*val;
		return 0;
	}
	if (cr != 0)
		return -EINVAL;
	e->insn_len = svm_insn_len(v, vmcb, 0x06, NULL);		/* CLTS */
	if (e->insn_len) {
		*val = vmcb->cr0 & ~X86_CR0_TS;
		return 0;
	}
	e->insn_len = svm_insn_len(v, vmcb, 0x01, &modrm);		/* LMSW */
	if (!e->insn_len || ((modrm >> 3) & 7) != 6)
		return -EINVAL;
	if (((modrm >> 6) & 3) != 3)
		return -EOPNOTSUPP;
	rm = (modrm & 7) | ((modrm >> 6) & 8);
	*val = (vmcb->cr0 & ~0xeULL) | (*hvm_gpr(r, rm) & 0xf);
	return 0;
}

/* CR0 bits whose change invalidates TLB entries, or the memory types
 * they were cached with (SDM vol. 3 4.10.4.1, 11.5.1). */
#define SVM_CR0_FLUSH (X86_CR0_PG | X86_CR0_WP | X86_CR0_CD | X86_CR0_NW)
/* Likewise for CR4. */
#define SVM_CR4_FLUSH (X86_CR4_PSE | X86_CR4_PAE | X86_CR4_PGE | \
		       X86_CR4_PCIDE | X86_CR4_SMEP | X86_CR4_SMAP | \
		       X86_CR4_PKE | X86_CR4_LA57)

static int svm_set_cr0(struct vcpu *v, struct vmcb *vmcb, u64 val)
{
	struct x86_cr_state s;

	svm_cr_state(vmcb, &s);
	if (x86_cr0_check(&s, val))
		return -EINVAL;
	/* Reserved low bits are ignored, ET reads 1 (SDM vol. 3 2.5). */
	val = (val & X86_CR0_KNOWN) | X86_CR0_ET;
	if ((val ^ vmcb->cr0) & SVM_CR0_FLUSH)
		svm_flush_guest_tlb(v);
	/* The CPU keeps EFER.LMA = LME && PG; a MOV we emulate must too. */
	vmcb->efer &= ~EFER_LMA;
	if ((vmcb->efer & EFER_LME) && (val & X86_CR0_PG))
		vmcb->efer |= EFER_LMA;
	vmcb->cr0 = val;
	return 0;
}

static int svm_set_cr4(struct vcpu *v, struct vmcb *vmcb, u64 val)
{
	struct x86_cr_state s;

	svm_cr_state(vmcb, &s);
	if (x86_cr4_check(hvm_cpu_policy(v->domain), &s, val))
		return -EINVAL;
	if ((val ^ vmcb->cr4) & SVM_CR4_FLUSH)
		svm_flush_guest_tlb(v);
	vmcb->cr4 = val;
	return 0;
}

/*
 * The CR0, CR4 and CR8 write intercepts (15.9): decode the MOV (or LMSW
 * or CLTS), check the value against hvm/x86.c, write it, and flush this
 * vCPU's TLB (a fresh ASID) where the instruction would have; CR8 is the
 * vLAPIC's TPR (V_TPR follows at the next entry).
 * Vendor mechanics: HVM_EXIT_HANDLED, the #GP to inject as
 * HVM_EXIT_EXCEPTION, or HVM_EXIT_UNHANDLED for an LMSW from memory.
 */
void svm_exit_cr_write(struct vcpu *v, struct vmcb *vmcb, unsigned int cr,
		       struct hvm_exit *e)
{
	u64 val = 0;
	int rc;

	e->insn_len = 0;
	rc = vmcb->cpl ? -EINVAL : svm_cr_write_value(v, vmcb, cr, e, &val);
	if (rc == -EOPNOTSUPP) {
		e->reason = HVM_EXIT_UNHANDLED;
		return;
	}
	if (!rc)
		rc = cr == 0 ? svm_set_cr0(v, vmcb, val) :
		     cr == 4 ? svm_set_cr4(v, vmcb, val) :
			       vlapic_set_cr8(v, val);
	if (rc) {
		hvm_exit_exception(e, TRAP_GP, true, 0);
		return;
	}
	e->reason = HVM_EXIT_HANDLED;
	e->handled = HVM_DONE;		/* the dispatcher moves RIP */
}

/* The VMCB field holding @msr, or NULL (EFER and DEBUGCTL are special). */
static u64 *svm_msr_field(struct vmcb *vmcb, u32 msr)
{
	switch (msr) {
	case MSR_PAT: return &vmcb->g_pat;
	case MSR_STAR: return &vmcb->star;
	case MSR_LSTAR: return &vmcb->lstar;
	case MSR_CSTAR: return &vmcb->cstar;
	case MSR_SFMASK: return &vmcb->sfmask;
	case MSR_FS_BASE: return &vmcb->fs.base;
	case MSR_GS_BASE: return &vmcb->gs.base;
	case MSR_KERNEL_GS_BASE: return &vmcb->kernel_gs_base;
	case MSR_SYSENTER_CS: return &vmcb->sysenter_cs;
	case MSR_SYSENTER_ESP: return &vmcb->sysenter_esp;
	case MSR_SYSENTER_EIP: return &vmcb->sysenter_eip;
	}
	return NULL;
}

int svm_msr_read(struct vcpu *v, u32 msr, u64 *val)
{
	struct vmcb *vmcb = svm_vmcb(v);
	u64 *field = svm_msr_field(vmcb, msr);

	if (field) {
		*val = *field;
		return 0;
	}
	switch (msr) {
	case MSR_EFER:
		*val = svm_get_efer(v);
		return 0;
	case MSR_DEBUGCTL:
		*val = 0;
		return 0;
	}
	return -ENOENT;
}

/*
 * EFER as hvm/x86.c allows it for the offered features; LMA is read-only.
 * When LME turns on, CS.L is cleared (as Xen's hvm_set_efer()): a legacy
 * CS with L and D both set would make the VMRUN after the guest enables
 * paging fail (15.5.1).
 */
static int svm_write_efer(struct vcpu *v, struct vmcb *vmcb, u64 val)
{
	struct x86_cr_state s;

	svm_cr_state(vmcb, &s);
	if (x86_efer_check(hvm_cpu_policy(v->domain), &s, val & ~EFER_LMA))
		return -EINVAL;
	if ((val & EFER_LME) && !(s.efer & EFER_LME))
		vmcb->cs.attr &= ~X86_SEG_ATTR_L;
	vmcb->efer = (val & ~EFER_LMA) | (vmcb->efer & EFER_LMA) | EFER_SVME;
	return 0;
}

int svm_msr_write(struct vcpu *v, u32 msr, u64 val)
{
	struct vmcb *vmcb = svm_vmcb(v);
	u64 *field = svm_msr_field(vmcb, msr);

	if (msr == MSR_EFER)
		return svm_write_efer(v, vmcb, val);
	if (msr == MSR_DEBUGCTL)
		return val ? -EINVAL : 0;	/* no LBR/BTF for guests */
	if (!field)
		return -ENOENT;
	if (!x86_msr_write_valid(msr, val))
		return -EINVAL;
	*field = val;
	return 0;
}
