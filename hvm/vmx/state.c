/*
 * Intel VMX: the guest-visible registers kept in the VMCS (SDM vol. 3
 * 24.4) - segments, CR0/CR3/CR4, EFER and the MSRs VMX holds or that we
 * switch ourselves - and the control-register exits that keep them right.
 *
 * CR0/CR4/EFER.  Guest/host masks cover the bits VMX forces (CR0.NE,
 * CR4.VMXE, bits the CPU cannot set) so the guest reads its own values
 * from the shadows, plus CR0.PE and PG: unrestricted guest lets both be
 * clear, but a PG change has to move EFER.LMA and the "IA-32e mode guest"
 * entry control with it (26.3.1.1, as Xen's vmx_update_guest_efer), and
 * PAE paging needs its PDPTEs in the VMCS (26.3.2.4).  Those CR exits are
 * vendor mechanics: handled here, reported as HVM_EXIT_HANDLED (done),
 * or as the #GP for the dispatcher to inject; the dispatcher moves RIP.  A guest
 * MOV to CR4 exits only when it changes a bit VMX forces or a bit of a
 * feature the guest was not offered (vmx.c vmx_cpu_policy()); CR0, CR4
 * and EFER writes are checked by hvm/x86.c, so a bad value gets #GP, not
 * a failed entry.  CR8 accesses exit (no TPR shadow: the real TPR is the
 * host's) and reach the vLAPIC's TPR, of which CR8 is bits 7:4.
 *
 * MSRs.  EFER, PAT, FS/GS base, SYSENTER_* and DEBUGCTL are VMCS fields.
 * STAR, LSTAR, CSTAR, SFMASK and KERNEL_GS_BASE are kept in struct
 * vmx_vcpu and loaded into the real MSRs before entry by run.c (the host
 * never uses them); CSTAR only ever lives here: Intel CPUs do not use it.
 */
#include <hvm/hvm.h>
#include <hvm/vlapic.h>
#include <hvm/vmx/vmcs.h>
#include <hvm/vmx/vmx.h>
#include <hvm/x86.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/processor.h>
#include <asm/traps.h>

#define VMX_TR_BUSY32		0x8b		/* present, busy 32-bit TSS */

/* ---- Segments and control registers ---- */

/* 24.4.1: VMX keeps attr bits 8-11 (AVL, L, D/B, G) in bits 12-15, and
 * marks a segment it must not check as unusable. */
static u32 vmx_ar_of(enum hvm_seg_reg r, u16 attr)
{
	unsigned int type = attr & 0xf;

	/* 26.3.1.2: TR must be usable and busy; a boot state may leave it
	 * blank (real mode has no TR to speak of). */
	if (r == SEG_TR && (!(attr & X86_SEG_ATTR_P) || (type != 3 && type != 11)))
		return VMX_TR_BUSY32;
	if (!(attr & X86_SEG_ATTR_P))
		return VMX_AR_UNUSABLE;
	return (attr & 0xff) | ((u32)(attr & 0xf00) << 4);
}

static u16 vmx_attr_of(u32 ar)
{
	if (ar & VMX_AR_UNUSABLE)
		return 0;
	return (ar & 0xff) | ((ar >> 4) & 0xf00);
}

void vmx_write_seg(enum hvm_seg_reg r, const struct hvm_seg *s)
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

u64 vmx_guest_cr0(void)
{
	return vmx_guest_cr(VMCS_GUEST_CR0, VMCS_CR0_SHADOW, vmx_ctls.cr0_mask);
}

u64 vmx_guest_cr4(void)
{
	return vmx_guest_cr(VMCS_GUEST_CR4, VMCS_CR4_SHADOW, vmx_ctls.cr4_mask);
}

/* A.7: the CPU runs with the bits VMX forces set; PE and PG as the
 * guest has them (unrestricted guest). */
void vmx_write_cr0(u64 val)
{
	u64 fixed = vmx_caps.cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG);

	/* The CPU keeps caching on whatever the guest asks (see vmx.c). */
	vmx_vmwrite(VMCS_GUEST_CR0, ((val & ~(X86_CR0_CD | X86_CR0_NW)) | fixed) &
		    vmx_caps.cr0_fixed1);
	vmx_vmwrite(VMCS_CR0_SHADOW, val);
}

/* A.8: likewise CR4.VMXE, which the guest never sees. */
void vmx_write_cr4(u64 val)
{
	vmx_vmwrite(VMCS_GUEST_CR4, (val | vmx_caps.cr4_fixed0) &
		    vmx_caps.cr4_fixed1);
	vmx_vmwrite(VMCS_CR4_SHADOW, val);
}

/* 26.3.1.1: "IA-32e mode guest" must equal EFER.LMA. */
void vmx_write_efer(struct vmx_vcpu *vx, u64 efer)
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

bool vmx_in_64bit(void)
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
int vmx_load_pdptes(struct vcpu *v)
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

/* The CPL is SS.DPL (SDM vol. 3 26.3.1.2), 0 in real mode. */
unsigned int vmx_guest_mode(struct vcpu *v)
{
	unsigned long flags = vmx_vmcs_enter(v);
	unsigned int mode = 0;

	if (vmx_guest_cr0() & X86_CR0_PE)
		mode = (vmx_vmread(VMCS_GUEST_ES_AR + 2 * SEG_SS) >> 5) & HVM_MODE_CPL_MASK;
	if (vmx_in_64bit())
		mode |= HVM_MODE_64;
	vmx_vmcs_exit(v, flags);
	return mode;
}

u64 vmx_get_efer(struct vcpu *v)
{
	unsigned long flags = vmx_vmcs_enter(v);
	u64 efer = vmx_vmread(VMCS_GUEST_EFER);

	vmx_vmcs_exit(v, flags);
	return efer;
}

/* CR2, DR0-3 and DR6 are kept in struct vmx_vcpu between entries
 * (run.c); DR7 is a VMCS field. */
void vmx_get_aux_state(struct vcpu *v, struct hvm_aux_state *a)
{
	struct vmx_vcpu *vx = vmx_of(v);
	unsigned long flags = vmx_vmcs_enter(v);

	*a = (struct hvm_aux_state){ .cr2 = vx->cr2, .dr6 = vx->dr6,
				     .dr7 = vmx_vmread(VMCS_GUEST_DR7) };
	vmx_vmcs_exit(v, flags);
	memcpy(a->dr, vx->dr, sizeof(a->dr));
	/* An interrupt displaced by this event (vx->deferred) has no place
	 * in the record: Xen keeps one pending event. */
	if (vx->pending.info & VMX_INTR_VALID) {
		a->event = vx->pending.info;
		a->error = vx->pending.error;
	}
}

/* Armed breakpoints need DR0-3 in the registers: MOV DR runs natively
 * from the start, as after the first access (run.c vmx_exit_dr()).  A
 * software event (types 4-6) is not re-injected: RIP still points at its
 * instruction, as Xen's hvm_event_needs_reinjection() decides. */
void vmx_set_aux_state(struct vcpu *v, const struct hvm_aux_state *a)
{
	struct vmx_vcpu *vx = vmx_of(v);
	unsigned long flags = vmx_vmcs_enter(v);

	vx->cr2 = a->cr2;
	vx->dr6 = a->dr6;
	memcpy(vx->dr, a->dr, sizeof(vx->dr));
	vmx_vmwrite(VMCS_GUEST_DR7, a->dr7);
	vx->dr_owned = a->dr7 & X86_DR7_ENABLES;
	vmx_set_proc(vx, vx->dr_owned ? vx->proc & ~VMX_PROC_MOV_DR :
					vx->proc | VMX_PROC_MOV_DR);
	vmx_vmcs_exit(v, flags);
	vx->deferred = vx->pending = (struct vmx_event){ 0 };
	if ((a->event & VMX_INTR_VALID) &&
	    (a->event & (7U << 8)) < VMX_INTR_TYPE_SW_INT)
		vx->pending = (struct vmx_event){ a->event, a->error, 0 };
}

/* ---- Control-register exits (vendor mechanics: HVM_EXIT_HANDLED) ---- */

/*
 * MOV to CR0 / LMSW that changed PE or PG (or a forced bit).  Checks as
 * MOV CR0 does (SDM vol. 2; vol. 3 2.5, 10.8.5), then keeps EFER.LMA and
 * the IA-32e entry control in step with PG.  Pre: VMCS current.
 */
/* What hvm/x86.c checks a write against.  Pre: VMCS current. */
static void vmx_cr_state(struct x86_cr_state *s)
{
	s->cr0 = vmx_guest_cr0();
	s->cr3 = vmx_vmread(VMCS_GUEST_CR3);
	s->cr4 = vmx_guest_cr4();
	s->efer = vmx_vmread(VMCS_GUEST_EFER);
	s->cs_l = vmx_vmread(VMCS_GUEST_CS_AR) & VMX_AR_L;
}

static int vmx_set_cr0(struct vcpu *v, struct vmx_vcpu *vx, u64 val)
{
	struct x86_cr_state s;
	u64 efer;
	bool pae_paging;

	vmx_cr_state(&s);
	if (x86_cr0_check(&s, val))
		return -EINVAL;
	/* Reserved low bits are ignored, ET reads 1 (SDM vol. 3 2.5). */
	val = (val & X86_CR0_KNOWN) | X86_CR0_ET;
	efer = s.efer;
	if ((val & X86_CR0_PG) && !(s.cr0 & X86_CR0_PG) && (efer & EFER_LME))
		efer |= EFER_LMA;
	else if (!(val & X86_CR0_PG))
		efer &= ~EFER_LMA;
	/* 4.4.1: MOV to CR0 changing PG, CD or NW reloads the PDPTEs. */
	pae_paging = (val & X86_CR0_PG) && (s.cr4 & X86_CR4_PAE) &&
		     !(efer & EFER_LMA);
	if (pae_paging &&
	    ((val ^ s.cr0) & (X86_CR0_PG | X86_CR0_CD | X86_CR0_NW)) &&
	    vmx_load_pdptes(v))
		return -EINVAL;
	vmx_write_cr0(val);
	vmx_write_efer(vx, efer);
	/* A real MOV to CR0 would have flushed this VPID's TLB (4.10.4.1). */
	vx->flush_vpid = true;
	return 0;
}

/*
 * A CR4 write exits when it changes a masked bit: one VMX forces or the
 * CPU lacks, or one of a feature the guest was not offered (vmx.c
 * vmx_cpu_policy()).  The checks are the architecture's for the offered
 * features; a bit VMX operation forbids is refused as well.
 */
static int vmx_set_cr4(struct vcpu *v, struct vmx_vcpu *vx, u64 val)
{
	struct x86_cr_state s;

	vmx_cr_state(&s);
	if (x86_cr4_check(hvm_cpu_policy(v->domain), &s, val) ||
	    (val & ~vmx_caps.cr4_fixed1))
		return -EINVAL;
	vmx_write_cr4(val);
	vx->flush_vpid = true;
	return 0;
}

void vmx_exit_cr(struct vcpu *v, struct vmx_vcpu *vx, struct hvm_exit *e)
{
	u64 q = vmx_vmread(VMCS_EXIT_QUALIFICATION), val;
	unsigned int cr = VMX_CR_QUAL_CR(q);
	int rc;

	e->reason = HVM_EXIT_UNHANDLED;		/* CR3 or a bad qualification */
	switch (VMX_CR_QUAL_TYPE(q)) {
	case VMX_CR_TYPE_MOV_TO:
		if (cr != 0 && cr != 4 && cr != 8)
			return;
		val = *hvm_gpr(&v->hvm->regs, VMX_CR_QUAL_GPR(q));
		if (!vmx_in_64bit())
			val = (u32)val;
		rc = cr == 0 ? vmx_set_cr0(v, vx, val) :
		     cr == 4 ? vmx_set_cr4(v, vx, val) :
			       vlapic_set_cr8(v, val);
		break;
	case VMX_CR_TYPE_MOV_FROM:
		/* Only CR8 stores exit (CR3 stores do not, with EPT). */
		if (cr != 8)
			return;
		*hvm_gpr(&v->hvm->regs, VMX_CR_QUAL_GPR(q)) = vlapic_get_cr8(v);
		rc = 0;
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
	if (rc) {
		hvm_exit_exception(e, TRAP_GP, true, 0);
		return;
	}
	e->reason = HVM_EXIT_HANDLED;
	e->handled = HVM_DONE;
}

/* ---- MSRs ---- */

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

/*
 * EFER as hvm/x86.c allows it for the offered features; LMA is read-only.
 * When LME turns on, CS.L is cleared (as Xen's hvm_set_efer()): a legacy
 * CS with L and D both set would otherwise make the entry after the
 * guest enables paging fail (26.3.1.2).  Pre: VMCS current.
 */
static int vmx_set_efer(struct vcpu *v, struct vmx_vcpu *vx, u64 val)
{
	struct x86_cr_state s;

	vmx_cr_state(&s);
	if (x86_efer_check(hvm_cpu_policy(v->domain), &s, val & ~EFER_LMA))
		return -EINVAL;
	if ((val & EFER_LME) && !(s.efer & EFER_LME) && s.cs_l)
		vmx_vmwrite(VMCS_GUEST_CS_AR,
			    vmx_vmread(VMCS_GUEST_CS_AR) & ~VMX_AR_L);
	vmx_write_efer(vx, (val & ~EFER_LMA) | (s.efer & EFER_LMA));
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
	int rc = 0;

	if (!slot && !field)
		return -ENOENT;
	/* No LBR/BTF for guests. */
	if (!x86_msr_write_valid(msr, val) || (msr == MSR_DEBUGCTL && val))
		return -EINVAL;
	if (slot) {
		*slot = val;	/* the next entry loads it */
		return 0;
	}
	flags = vmx_vmcs_enter(v);
	if (msr == MSR_EFER)
		rc = vmx_set_efer(v, vx, val);
	else
		vmx_vmwrite(field, val);
	vmx_vmcs_exit(v, flags);
	return rc;
}
