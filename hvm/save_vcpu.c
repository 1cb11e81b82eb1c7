/*
 * XEN_DOMCTL_gethvmcontext / sethvmcontext for real domains
 * (xen/include/xen/arch_vcpu.h arch_hvm_save()/arch_hvm_load()): the
 * CPU and MTRR hooks of hvm/save.c over the vendor ops, hvm/msr.c and
 * hvm/fpu.c; hvm/save_devices.c adds the vLAPIC and platform ones.
 *
 * The caller has paused the domain, so no vCPU runs while its state is
 * read or written; the vendor accessors may still find a VMCS active on
 * another pCPU, or FPU registers held there, and fetch them (an IPI).
 * A loaded CPU record is applied at once, as Xen's hvm_load_cpu_ctxt()
 * does: the vCPU is initialised and up, and starts from that state when
 * the domain is unpaused.  A VCPUOP_initialise state not yet taken is
 * dropped, since the record replaces it.  TSC values are taken at one
 * instant per image (Xen's sync_tsc): every vCPU's guest TSC in a saved
 * image, and every loaded one, is relative to the same host TSC read.
 */
#include <hvm/fpu.h>
#include <hvm/hvm.h>
#include <hvm/save.h>
#include <hvm/vlapic.h>
#include <hvm/x86.h>
#include <xen/arch_vcpu.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/nospec.h>
#include <xen/sched.h>
#include <xen/time.h>
#include <asm/processor.h>

/* MSRs of a CPU record that the vendor holds (hvm.h msr_read). */
static const u32 save_msrs[] = {
	MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP, MSR_STAR,
	MSR_LSTAR, MSR_CSTAR, MSR_SFMASK, MSR_KERNEL_GS_BASE,
};

static u64 *save_msr_slot(struct hvm_cpu_ctx *c, unsigned int i)
{
	u64 *slot[] = { &c->sysenter_cs, &c->sysenter_esp, &c->sysenter_eip,
			&c->star, &c->lstar, &c->cstar, &c->sfmask,
			&c->kernel_gs_base };

	BUILD_BUG_ON(ARRAY_SIZE(slot) != ARRAY_SIZE(save_msrs));
	return slot[i];
}

/* Pre: @id < d->max_vcpus (hvm/save.c checks it first). */
static struct vcpu *save_vcpu(void *ctx, unsigned int id)
{
	struct domain *d = ((struct hvm_save_ctx *)ctx)->d;

	return d->vcpu[array_index_nospec(id, d->max_vcpus)];
}

static bool save_vcpu_exists(void *ctx, unsigned int id)
{
	return save_vcpu(ctx, id);
}

static bool save_vcpu_up(void *ctx, unsigned int id)
{
	return !(READ_ONCE(save_vcpu(ctx, id)->pause_flags) & (1UL << VPF_down));
}

static void save_get_cpu(void *ctx, unsigned int id, struct hvm_cpu_ctx *c)
{
	struct vcpu *v = save_vcpu(ctx, id);

	memset(c, 0, sizeof(*c));
	c->st.regs = v->hvm->regs;
	for (unsigned int r = 0; r < NR_SEGS; r++)
		hvm_ops->get_seg(v, r, &c->st.seg[r]);
	c->st.cr0 = hvm_ops->get_cr(v, 0);
	c->st.cr3 = hvm_ops->get_cr(v, 3);
	c->st.cr4 = hvm_ops->get_cr(v, 4);
	c->st.efer = hvm_ops->get_efer(v);
	hvm_ops->get_aux_state(v, &c->aux);
	for (unsigned int i = 0; i < ARRAY_SIZE(save_msrs); i++)
		BUG_ON(hvm_ops->msr_read(v, save_msrs[i], save_msr_slot(c, i)));
	c->tsc_aux = v->hvm->msr_tsc_aux;
	c->tsc = ((struct hvm_save_ctx *)ctx)->tsc + v->hvm->tsc_offset;
	/* Amphi's FPU area holds a valid state from vCPU creation on. */
	c->fpu_initialised = true;
	fpu_vcpu_get_fxsave(v, c->fxsave);
}

static void save_get_mtrr(void *ctx, unsigned int id, struct hvm_hw_mtrr *m)
{
	struct vcpu *v = save_vcpu(ctx, id);

	memset(m, 0, sizeof(*m));
	BUG_ON(hvm_msr_read(v, MSR_PAT, &m->msr_pat_cr) ||
	       hvm_msr_read(v, MSR_MTRRCAP, &m->msr_mtrr_cap) ||
	       hvm_msr_read(v, MSR_MTRR_DEF_TYPE, &m->msr_mtrr_def_type));
	for (unsigned int i = 0; i < NUM_FIXED_MSR; i++)
		BUG_ON(hvm_msr_read(v, hvm_mtrr_fixed_msr(i),
				    &m->msr_mtrr_fixed[i]));
	for (unsigned int i = 0; i < 2 * hvm_mtrr_vcnt(m); i++)
		BUG_ON(hvm_msr_read(v, MSR_MTRR_PHYS_BASE0 + i,
				    &m->msr_mtrr_var[i]));
}

/* Xen's hvm_load(): every vCPU goes down; CPU records bring theirs up. */
static void save_down_all(void *ctx)
{
	struct domain *d = ((struct hvm_save_ctx *)ctx)->d;

	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpu[i])
			vcpu_pause_flag_set(d->vcpu[i], VPF_down);
}

static void save_set_cpu(void *ctx, unsigned int id,
			 const struct hvm_cpu_ctx *c)
{
	struct vcpu *v = save_vcpu(ctx, id);

	WRITE_ONCE(v->hvm->boot_state_pending, false);
	arch_vcpu_set_state(v, &c->st);
	hvm_ops->set_aux_state(v, &c->aux);
	/* Checked by hvm/save.c with the rules the vendors apply. */
	for (unsigned int i = 0; i < ARRAY_SIZE(save_msrs); i++)
		BUG_ON(hvm_ops->msr_write(v, save_msrs[i],
					  *save_msr_slot((struct hvm_cpu_ctx *)c,
							 i)));
	v->hvm->msr_tsc_aux = c->tsc_aux;
	hvm_msr_set_tsc_offset(v, c->tsc - ((struct hvm_save_ctx *)ctx)->tsc);
	fpu_vcpu_set_fxsave(v, c->fpu_initialised ? c->fxsave : NULL);
	/* A new state: the entry path looks at its interrupts afresh. */
	vcpu_work_set(v, VCPU_WORK_IRQ);
	v->is_initialised = true;
	/* Up by its record: no longer waiting for a startup IPI. */
	vlapic_started(v);
	vcpu_pause_flag_clear(v, VPF_down);
}

static void save_set_mtrr(void *ctx, unsigned int id,
			  const struct hvm_hw_mtrr *m)
{
	struct vcpu *v = save_vcpu(ctx, id);

	/* Checked by hvm/save.c with hvm/msr.c's rules.  MTRRcap itself is
	 * fixed in Amphi: the record's count only says which ranges come. */
	BUG_ON(hvm_msr_write(v, MSR_PAT, m->msr_pat_cr) ||
	       hvm_msr_write(v, MSR_MTRR_DEF_TYPE, m->msr_mtrr_def_type));
	for (unsigned int i = 0; i < NUM_FIXED_MSR; i++)
		BUG_ON(hvm_msr_write(v, hvm_mtrr_fixed_msr(i),
				     m->msr_mtrr_fixed[i]));
	for (unsigned int i = 0; i < 2 * hvm_mtrr_vcnt(m); i++)
		BUG_ON(hvm_msr_write(v, MSR_MTRR_PHYS_BASE0 + i,
				     m->msr_mtrr_var[i]));
}

static void save_env(struct hvm_save_env *env, struct hvm_save_ctx *ctx,
		     struct domain *d)
{
	*ctx = (struct hvm_save_ctx){ .d = d, .tsc = rdtsc() };
	*env = (struct hvm_save_env){
		.ctx = ctx, .policy = hvm_cpu_policy(d),
		.max_vcpus = d->max_vcpus, .cpuid1_eax = cpuid_eax(1),
		.gtsc_khz = cpu_khz, .mxcsr_mask = fpu_mxcsr_mask(),
		.vcpu_exists = save_vcpu_exists, .vcpu_up = save_vcpu_up,
		.get_cpu = save_get_cpu, .get_mtrr = save_get_mtrr,
		.down_all = save_down_all, .set_cpu = save_set_cpu,
		.set_mtrr = save_set_mtrr,
	};
	hvm_save_env_devices(env, d);
}

long arch_hvm_save(struct domain *d, void *buf, size_t size)
{
	struct hvm_save_env env;
	struct hvm_save_ctx ctx;

	save_env(&env, &ctx, d);
	return hvm_save_image(&env, buf, size);
}

int arch_hvm_load(struct domain *d, const void *buf, size_t size)
{
	struct hvm_save_env env;
	struct hvm_save_ctx ctx;

	save_env(&env, &ctx, d);
	return hvm_load_image(&env, buf, size);
}
