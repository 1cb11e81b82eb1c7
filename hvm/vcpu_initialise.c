/*
 * VCPUOP_initialise for HVM/PVH vCPUs (public/vcpu.h, public/hvm/
 * hvm_vcpu.h): a struct vcpu_hvm_context, validated as Xen 4.17's
 * arch_set_info_hvm_guest() does, becomes the boot state the vCPU loads
 * itself before its first entry (hvm/resume.c).
 */
#include <hvm/hvm.h>
#include <hvm/x86.h>
#include <xen/arch_vcpu.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <public/hvm/hvm_vcpu.h>
#include <asm/processor.h>

/* Segment attributes (VMCB packed form) for a vCPU started in 64-bit mode. */
#define AR_CODE64 0xa9b		/* P, S, type 0xb, L, G */
#define AR_DATA 0xc93		/* P, S, type 3, D/B, G */
#define AR_TSS64 0x8b		/* P, busy 64-bit TSS */
#define AR_LDT_NONE 0x82	/* P, LDT (unused) */

static void seg(struct hvm_seg *s, u16 sel, u64 base, u32 limit, u16 attr)
{
	*s = (struct hvm_seg){ .sel = sel, .attr = attr, .limit = limit,
			       .base = base };
}

/*
 * As Xen's arch_set_info_hvm_guest(): control registers and EFER that VM
 * entry accepts, with only the features the domain was offered, so a bad
 * context fails here with -EINVAL instead of the vCPU's first entry.
 */
static const char *boot_state_check(const struct domain *d,
				    const struct hvm_boot_state *st)
{
	u64 efer = st->efer & ~EFER_LMA;
	u16 cs = st->seg[SEG_CS].attr;

	/* The vendors set LMA from LME and PG when they load the state. */
	if ((efer & EFER_LME) && (st->cr0 & X86_CR0_PG))
		efer |= EFER_LMA;
	return x86_state_check(hvm_cpu_policy(d), &(struct x86_cr_state){
		.cr0 = st->cr0, .cr3 = st->cr3, .cr4 = st->cr4, .efer = efer,
		.cs_l = cs & X86_SEG_ATTR_L, .cs_db = cs & X86_SEG_ATTR_DB });
}

/* VCPUOP_initialise for HVM: struct vcpu_hvm_context -> boot state. */
long arch_vcpu_initialise(struct vcpu *v, u64 arg)
{
	struct vcpu_hvm_context ctx;
	struct hvm_boot_state state, *st = &state;
	struct domain *d = v->domain;
	unsigned long f;
	long rc = 0;

	if (READ_ONCE(v->is_initialised))
		return -EEXIST;
	if (copy_from_guest(current_vcpu(), &ctx, arg, sizeof(ctx)))
		return -EFAULT;
	memset(st, 0, sizeof(*st));
	if (ctx.pad)
		return -EINVAL;
	if (ctx.mode == VCPU_HVM_MODE_64B) {
		const struct vcpu_hvm_x86_64 *r = &ctx.cpu_regs.x86_64;

		/* Long mode needs paging, PAE and LME+LMA, and nothing else
		 * can be started "directly in long mode". */
		if (!(r->cr0 & X86_CR0_PG) || !(r->cr0 & X86_CR0_PE) ||
		    !(r->cr4 & X86_CR4_PAE) || (r->efer & (EFER_LME | EFER_LMA)) !=
		    (EFER_LME | EFER_LMA) ||
		    !x86_is_canonical(r->rip))
			return -EINVAL;
		st->regs = (struct hvm_regs){ .rax = r->rax, .rcx = r->rcx,
			.rdx = r->rdx, .rbx = r->rbx, .rsp = r->rsp, .rbp = r->rbp,
			.rsi = r->rsi, .rdi = r->rdi, .rip = r->rip,
			.rflags = r->rflags | 2 };
		st->cr0 = r->cr0 | X86_CR0_ET;
		st->cr3 = r->cr3;
		st->cr4 = r->cr4;
		st->efer = r->efer;
		seg(&st->seg[SEG_CS], 0, 0, ~0U, AR_CODE64);
		for (unsigned int s = SEG_ES; s <= SEG_GS; s++)
			if (s != SEG_CS)
				seg(&st->seg[s], 0, 0, ~0U, AR_DATA);
		seg(&st->seg[SEG_TR], 0, 0, 0x67, AR_TSS64);
	} else if (ctx.mode == VCPU_HVM_MODE_32B) {
		const struct vcpu_hvm_x86_32 *r = &ctx.cpu_regs.x86_32;

		/* Unused attribute bits must be clear (public/hvm/hvm_vcpu.h),
		 * and a long-mode EFER needs the 64-bit structure. */
		if ((r->cs_ar | r->ds_ar | r->ss_ar | r->es_ar | r->tr_ar) & 0xf000 ||
		    (r->efer & EFER_LMA) || r->pad1 || r->pad2[0] || r->pad2[1] ||
		    r->pad2[2])
			return -EINVAL;
		/* A present code segment containing EIP, present data/stack
		 * segments (Xen's arch_set_info_hvm_guest() checks). */
		if (!(r->cs_ar & 0x80) || !(r->cs_ar & 0x8) ||
		    !(r->ss_ar & 0x80) || !(r->ds_ar & 0x80) ||
		    !(r->es_ar & 0x80) || r->eip > r->cs_limit)
			return -EINVAL;
		st->regs = (struct hvm_regs){ .rax = r->eax, .rcx = r->ecx,
			.rdx = r->edx, .rbx = r->ebx, .rsp = r->esp, .rbp = r->ebp,
			.rsi = r->esi, .rdi = r->edi, .rip = r->eip,
			.rflags = r->eflags | 2 };
		st->cr0 = r->cr0 | X86_CR0_ET;
		st->cr3 = r->cr3;
		st->cr4 = r->cr4;
		st->efer = r->efer;
		seg(&st->seg[SEG_CS], 0, r->cs_base, r->cs_limit, r->cs_ar);
		seg(&st->seg[SEG_DS], 0, r->ds_base, r->ds_limit, r->ds_ar);
		seg(&st->seg[SEG_SS], 0, r->ss_base, r->ss_limit, r->ss_ar);
		seg(&st->seg[SEG_ES], 0, r->es_base, r->es_limit, r->es_ar);
		seg(&st->seg[SEG_FS], 0, 0, ~0U, AR_DATA);
		seg(&st->seg[SEG_GS], 0, 0, ~0U, AR_DATA);
		seg(&st->seg[SEG_TR], 0, r->tr_base, r->tr_limit,
		    r->tr_ar ? r->tr_ar : AR_TSS64);
	} else {
		return -EINVAL;
	}
	seg(&st->seg[SEG_LDTR], 0, 0, 0, AR_LDT_NONE);
	seg(&st->seg[SEG_GDTR], 0, 0, 0xffff, 0);
	seg(&st->seg[SEG_IDTR], 0, 0, 0xffff, 0);
	if (boot_state_check(d, st))
		return -EINVAL;
	f = spin_lock_irqsave(&d->lock);
	if (v->is_initialised)
		rc = -EEXIST;
	else {
		/* Applied by the vCPU itself before it first enters. */
		v->hvm->boot_state = state;
		WRITE_ONCE(v->hvm->boot_state_pending, true);
		vcpu_work_set(v, VCPU_WORK_BOOT_STATE);
		v->is_initialised = true;
	}
	spin_unlock_irqrestore(&d->lock, f);
	return rc;
}
