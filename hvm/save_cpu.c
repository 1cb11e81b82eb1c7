/*
 * The CPU and MTRR records of HVM save images (hvm/save.h): conversions
 * between a vCPU's state and struct hvm_hw_cpu, and the checks a loaded
 * record must pass.  Pure, like hvm/save.c, which frames them.
 */
#include <hvm/save.h>
#include <hvm/x86.h>
#include <xen/lib.h>

/* ---- CPU records ---- */

/* Record fields of each segment register, in enum hvm_seg_reg order. */
#define SEG_FIELDS(r, f)						\
	{ &(r)->es_##f, &(r)->cs_##f, &(r)->ss_##f, &(r)->ds_##f,	\
	  &(r)->fs_##f, &(r)->gs_##f, &(r)->ldtr_##f, &(r)->tr_##f }

void hvm_cpu_to_record(const struct hvm_cpu_ctx *c, struct hvm_hw_cpu *r)
{
	const struct hvm_regs *g = &c->st.regs;
	u32 *sel[] = SEG_FIELDS(r, sel), *limit[] = SEG_FIELDS(r, limit);
	u32 *attr[] = SEG_FIELDS(r, arbytes);
	u64 *base[] = SEG_FIELDS(r, base);

	*r = (struct hvm_hw_cpu){
		.rax = g->rax, .rbx = g->rbx, .rcx = g->rcx, .rdx = g->rdx,
		.rbp = g->rbp, .rsi = g->rsi, .rdi = g->rdi, .rsp = g->rsp,
		.r8 = g->r8, .r9 = g->r9, .r10 = g->r10, .r11 = g->r11,
		.r12 = g->r12, .r13 = g->r13, .r14 = g->r14, .r15 = g->r15,
		.rip = g->rip, .rflags = g->rflags,
		.cr0 = c->st.cr0, .cr2 = c->aux.cr2, .cr3 = c->st.cr3,
		.cr4 = c->st.cr4,
		.dr0 = c->aux.dr[0], .dr1 = c->aux.dr[1], .dr2 = c->aux.dr[2],
		.dr3 = c->aux.dr[3], .dr6 = c->aux.dr6, .dr7 = c->aux.dr7,
		.idtr_limit = c->st.seg[SEG_IDTR].limit,
		.idtr_base = c->st.seg[SEG_IDTR].base,
		.gdtr_limit = c->st.seg[SEG_GDTR].limit,
		.gdtr_base = c->st.seg[SEG_GDTR].base,
		.sysenter_cs = c->sysenter_cs, .sysenter_esp = c->sysenter_esp,
		.sysenter_eip = c->sysenter_eip, .shadow_gs = c->kernel_gs_base,
		.msr_lstar = c->lstar, .msr_star = c->star,
		.msr_cstar = c->cstar, .msr_syscall_mask = c->sfmask,
		.msr_efer = c->st.efer, .msr_tsc_aux = c->tsc_aux,
		.tsc = c->tsc,
		.pending_event = c->aux.event, .error_code = c->aux.error,
	};
	for (unsigned int s = 0; s < ARRAY_SIZE(sel); s++) {
		*sel[s] = c->st.seg[s].sel;
		*limit[s] = c->st.seg[s].limit;
		*base[s] = c->st.seg[s].base;
		*attr[s] = c->st.seg[s].attr;
	}
	if (c->fpu_initialised) {
		memcpy(r->fpu_regs, c->fxsave, sizeof(r->fpu_regs));
		r->flags = XEN_X86_FPU_INITIALISED;
	}
}

/*
 * Older Xen saved VMX access rights as they are, attribute bits 8-11 in
 * 12-15 (Xen's hvm_load_cpu_ctxt() "UNFOLD_ARBYTES"): fold them back.
 */
static u32 seg_unfold(u32 ar)
{
	if ((ar & 0xf000) && !(ar & 0x0f00))
		return (ar & 0xff) | ((ar >> 4) & 0xf00);
	return ar;
}

/*
 * What VM entry would refuse of the segments (SDM vol. 3 26.3.1.2-3;
 * APM vol. 2 15.5.1 is laxer): attributes in the 12 bits both formats
 * have, a present code segment for protected-mode CS, bases that fit,
 * descriptor-table limits of 16 bits.  Xen checks none of these and would
 * crash the domain at its first entry; refusing the image is kinder.
 */
static const char *seg_check(const struct hvm_boot_state *st)
{
	const struct hvm_seg *cs = &st->seg[SEG_CS];

	for (unsigned int s = 0; s < NR_SEGS; s++) {
		const struct hvm_seg *sg = &st->seg[s];
		bool present = sg->attr & X86_SEG_ATTR_P;

		if (s >= SEG_LDTR && !x86_is_canonical(sg->base))
			return "non-canonical system segment base";
		if ((s == SEG_FS || s == SEG_GS) && !x86_is_canonical(sg->base))
			return "non-canonical FS/GS base";
		if ((s == SEG_CS || (present && s < SEG_FS)) && sg->base >> 32)
			return "CS/SS/DS/ES base above 4 GiB";
		if (s >= SEG_GDTR && sg->limit > 0xffff)
			return "GDTR/IDTR limit above 64 KiB";
	}
	if ((st->cr0 & X86_CR0_PE) && !(st->regs.rflags & X86_EFLAGS_VM) &&
	    (!(cs->attr & X86_SEG_ATTR_P) || !(cs->attr & X86_SEG_ATTR_S) ||
	     !(X86_SEG_ATTR_TYPE(cs->attr) & 8)))
		return "CS not a present code segment";
	return NULL;
}

/* The record's pending event (Xen's svm/vmx_vmcb_restore() checks;
 * software types 5 and 6 exist on VMX only, and are accepted on both:
 * neither re-injects a software event). */
static const char *event_check(u32 ev, u32 error)
{
	if (!(ev & (1U << 31)))
		return NULL;
	if (((ev >> 8) & 7) == 1 || ((ev >> 8) & 7) == 7)
		return "pending event of a reserved type";
	if (ev & 0x7ffff000)
		return "pending event with reserved bits";
	if ((ev & (1U << 11)) && error > 0xffff)
		return "pending event error code above 16 bits";
	return NULL;
}

/* Xen's hvm_load_cpu_ctxt() checks, in its order, then the state as a
 * whole (hvm/x86.c) and what the hardware would refuse. */
static const char *cpu_check(const struct hvm_save_env *env,
			     const struct hvm_hw_cpu *r,
			     const struct hvm_cpu_ctx *c)
{
	static const u32 msr[] = { MSR_SYSENTER_CS, MSR_SYSENTER_ESP,
		MSR_SYSENTER_EIP, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK,
		MSR_KERNEL_GS_BASE, MSR_TSC_AUX };
	const u64 val[] = { c->sysenter_cs, c->sysenter_esp, c->sysenter_eip,
		c->star, c->lstar, c->cstar, c->sfmask, c->kernel_gs_base,
		c->tsc_aux };
	u64 efer = r->msr_efer;
	u16 cs = c->st.seg[SEG_CS].attr;
	const char *why;

	if (r->pad0)
		return "pad0 set";
	if ((r->cr0 & ~X86_CR0_KNOWN) || !(r->cr0 & X86_CR0_ET))
		return "reserved CR0 bit, or CR0.ET clear";
	/* Xen's hvm_efer_valid(): LMA needs LME and paging; LMA may be
	 * clear with both, the vendors set it when they load the state. */
	if ((efer & EFER_LMA) &&
	    (!(efer & EFER_LME) || !(r->cr0 & X86_CR0_PG)))
		return "EFER.LMA without LME and CR0.PG";
	efer &= ~EFER_LMA;
	if ((efer & EFER_LME) && (r->cr0 & X86_CR0_PG))
		efer |= EFER_LMA;
	why = x86_state_check(env->policy, &(struct x86_cr_state){
		.cr0 = r->cr0, .cr3 = r->cr3, .cr4 = r->cr4, .efer = efer,
		.cs_l = cs & X86_SEG_ATTR_L, .cs_db = cs & X86_SEG_ATTR_DB });
	if (why)
		return why;
	if (r->flags & ~XEN_X86_FPU_INITIALISED)
		return "unknown flags";
	/* Amphi loads these into the hardware (VMX, TSC_AUX): values WRMSR
	 * refuses would fault in the hypervisor.  Xen checks TSC_AUX only. */
	for (unsigned int i = 0; i < ARRAY_SIZE(msr); i++)
		if (!x86_msr_write_valid(msr[i], val[i]))
			return "MSR value WRMSR would refuse";
	why = event_check(r->pending_event, r->error_code);
	if (why)
		return why;
	for (unsigned int s = 0; s < SEG_GDTR; s++)
		if (c->st.seg[s].attr > 0xfff)
			return "segment attributes beyond 12 bits";
	why = seg_check(&c->st);
	if (why)
		return why;
	/* 26.3.1.4: RIP fits the mode; RFLAGS reserved bits clear. */
	if (((efer & EFER_LMA) && (cs & X86_SEG_ATTR_L)) ?
	    !x86_is_canonical(r->rip) : r->rip >> 32)
		return "RIP does not fit the mode";
	if (r->rflags & ~X86_EFLAGS_KNOWN)
		return "reserved RFLAGS bit";
	/* MOV DR: DR6/DR7[63:32] must be 0 (SDM vol. 3 17.2.4); Amphi loads
	 * DR0-3 itself, so they must be addresses the CPU takes. */
	if ((r->dr6 | r->dr7) >> 32 || !x86_is_canonical(r->dr0) ||
	    !x86_is_canonical(r->dr1) || !x86_is_canonical(r->dr2) ||
	    !x86_is_canonical(r->dr3))
		return "bad debug register";
	/* FXRSTOR faults on MXCSR bits outside MXCSR_MASK (SDM vol. 1
	 * 11.6.6): Amphi restores the image as it is. */
	if (c->fpu_initialised &&
	    (*(const u32 *)&r->fpu_regs[24] & ~env->mxcsr_mask))
		return "reserved MXCSR bit";
	return NULL;
}

const char *hvm_cpu_from_record(const struct hvm_save_env *env,
				const struct hvm_hw_cpu *r,
				struct hvm_cpu_ctx *c)
{
	const u32 *sel[] = SEG_FIELDS(r, sel), *limit[] = SEG_FIELDS(r, limit);
	const u32 *attr[] = SEG_FIELDS(r, arbytes);
	const u64 *base[] = SEG_FIELDS(r, base);

	*c = (struct hvm_cpu_ctx){
		.st.regs = { .rax = r->rax, .rbx = r->rbx, .rcx = r->rcx,
			.rdx = r->rdx, .rbp = r->rbp, .rsi = r->rsi,
			.rdi = r->rdi, .rsp = r->rsp, .r8 = r->r8, .r9 = r->r9,
			.r10 = r->r10, .r11 = r->r11, .r12 = r->r12,
			.r13 = r->r13, .r14 = r->r14, .r15 = r->r15,
			.rip = r->rip,
			.rflags = r->rflags | X86_EFLAGS_FIXED },
		.st.cr0 = r->cr0, .st.cr3 = r->cr3, .st.cr4 = r->cr4,
		.st.efer = r->msr_efer & ~EFER_LMA,
		.aux = { .cr2 = r->cr2, .dr = { r->dr0, r->dr1, r->dr2, r->dr3 },
			 .dr6 = r->dr6, .dr7 = r->dr7 },
		.sysenter_cs = r->sysenter_cs, .sysenter_esp = r->sysenter_esp,
		.sysenter_eip = r->sysenter_eip, .star = r->msr_star,
		.lstar = r->msr_lstar, .cstar = r->msr_cstar,
		.sfmask = r->msr_syscall_mask, .kernel_gs_base = r->shadow_gs,
		.tsc_aux = r->msr_tsc_aux, .tsc = r->tsc,
		.fpu_initialised = r->flags & XEN_X86_FPU_INITIALISED,
	};
	if (r->pending_event & (1U << 31)) {
		c->aux.event = r->pending_event;
		c->aux.error = r->pending_error_valid ? r->error_code : 0;
	}
	for (unsigned int s = 0; s < ARRAY_SIZE(sel); s++) {
		u32 ar = seg_unfold(*attr[s]);

		/* More than 12 bits: kept as 0xffff, which cpu_check()
		 * refuses. */
		c->st.seg[s] = (struct hvm_seg){ .sel = *sel[s],
			.attr = ar > 0xfff ? 0xffff : ar, .limit = *limit[s],
			.base = *base[s] };
	}
	c->st.seg[SEG_GDTR] = (struct hvm_seg){ .limit = r->gdtr_limit,
						.base = r->gdtr_base };
	c->st.seg[SEG_IDTR] = (struct hvm_seg){ .limit = r->idtr_limit,
						.base = r->idtr_base };
	if (c->fpu_initialised)
		memcpy(c->fxsave, r->fpu_regs, sizeof(c->fxsave));
	return cpu_check(env, r, c);
}

/* ---- MTRR records ---- */

/* Xen's hvm_load_mtrr_msr() refuses more than MTRR_VCNT variable ranges
 * and skips values its MTRR code refuses; Amphi refuses those as well
 * (deliberately: a load that half happens is worse).  Only the ranges
 * MTRRcap counts are applied, as in Xen. */
const char *hvm_mtrr_check(const struct hvm_save_env *env,
			   const struct hvm_hw_mtrr *m)
{
	const struct x86_policy *p = env->policy;

	if (hvm_mtrr_vcnt(m) > MTRR_VCNT)
		return "more variable ranges than MTRR_VCNT";
	if (!x86_pat_valid(m->msr_pat_cr))
		return "bad PAT";
	if (!x86_mtrr_msr_valid(p, MSR_MTRR_DEF_TYPE, m->msr_mtrr_def_type))
		return "bad MTRRdefType";
	for (unsigned int i = 0; i < NUM_FIXED_MSR; i++)
		if (!x86_mtrr_msr_valid(p, hvm_mtrr_fixed_msr(i),
					m->msr_mtrr_fixed[i]))
			return "bad fixed-range MTRR";
	for (unsigned int i = 0; i < 2 * hvm_mtrr_vcnt(m); i++)
		if (!x86_mtrr_msr_valid(p, MSR_MTRR_PHYS_BASE0 + i,
					m->msr_mtrr_var[i]))
			return "bad variable-range MTRR";
	return NULL;
}

/* Xen's _hvm_hw_fix_cpu() and the compat layout (hvm/save.h). */
void hvm_cpu_record_read(const u8 *body, u32 len, struct hvm_hw_cpu *r)
{
	struct hvm_hw_cpu_compat old;

	memset(r, 0, sizeof(*r));
	memcpy(r, body, len);
	if (len == sizeof(struct hvm_hw_cpu))
		return;
	if (len == sizeof(old)) {
		memcpy(&old, body, sizeof(old));
		r->msr_tsc_aux = 0;
		r->tsc = old.tsc;
		r->pending_event = old.pending_event;
		r->error_code = old.error_code;
	}
	r->flags = XEN_X86_FPU_INITIALISED;
}
