/*
 * The device hooks of hvm/save.c for real domains (hvm/save.h): each
 * vCPU's vLAPIC (hvm/vlapic_save.c) and the emulated platform's vPIC,
 * vIOAPIC, wiring and vPIT (hvm/vdev/, gathered in hvm/platform.h).
 *
 * The domain is paused (arch_hvm_save()/arch_hvm_load()'s caller), so no
 * vCPU touches its devices; their timers and a device model's dm_op
 * levels still may, and each device's lock orders them against the copy.
 * A load restores the wiring, the vPIC and the vIOAPIC in one step under
 * the wiring's lock (virq_restore()), so their input levels and outputs
 * are recomputed from one consistent state, and then the vPIT, whose
 * timer is re-armed for its restarted count.
 */
#include <hvm/platform.h>
#include <hvm/save.h>
#include <hvm/vcpu.h>
#include <hvm/vlapic.h>
#include <xen/lib.h>
#include <xen/nospec.h>
#include <xen/sched.h>
#include <public/xen.h>

#define PLATFORM_DEVICES (XEN_X86_EMU_PIC | XEN_X86_EMU_IOAPIC | \
			  XEN_X86_EMU_PIT)
#define WIRING (HVM_SAVE_MASK(PIC) | HVM_SAVE_MASK(IOAPIC) | \
		HVM_SAVE_MASK(PCI_IRQ) | HVM_SAVE_MASK(ISA_IRQ) | \
		HVM_SAVE_MASK(PCI_LINK))

static struct domain *ctx_domain(void *ctx)
{
	return ((struct hvm_save_ctx *)ctx)->d;
}

/* Pre: @id < max_vcpus and the vCPU exists (hvm/save.c checks). */
static struct vcpu *ctx_vcpu(void *ctx, unsigned int id)
{
	struct domain *d = ctx_domain(ctx);

	return d->vcpu[array_index_nospec(id, d->max_vcpus)];
}

static void dev_get_lapic(void *ctx, unsigned int id, struct hvm_save_lapic *l)
{
	vlapic_save(ctx_vcpu(ctx, id), &l->hw, &l->regs);
}

static void dev_set_lapic(void *ctx, unsigned int id,
			  const struct hvm_save_lapic *l)
{
	vlapic_restore(ctx_vcpu(ctx, id), &l->hw, &l->regs);
}

static void dev_get_platform(void *ctx, struct hvm_save_platform *s)
{
	struct hvm_platform *p = hvm_platform(ctx_domain(ctx));

	vpic_save(&p->pic, s->pic);
	vioapic_save(&p->ioapic, &s->ioapic);
	virq_save(&p->irq, &s->isa_irq, &s->pci_irq, &s->pci_link);
	vpit_save(&p->pit, &s->pit);
}

static void dev_set_platform(void *ctx, const struct hvm_save_platform *s,
			     u32 loaded)
{
	struct hvm_platform *p = hvm_platform(ctx_domain(ctx));

	if (loaded & WIRING)
		virq_restore(&p->irq, &s->isa_irq, &s->pci_irq, &s->pci_link,
			     loaded & HVM_SAVE_MASK(PIC) ? s->pic : NULL,
			     loaded & HVM_SAVE_MASK(IOAPIC) ? &s->ioapic : NULL);
	if (loaded & HVM_SAVE_MASK(PIT)) {
		vpit_restore(&p->pit, &s->pit);
		hvm_platform_pit_arm(p);
	}
}

void hvm_save_env_devices(struct hvm_save_env *env, struct domain *d)
{
	struct hvm_platform *p = hvm_platform(d);

	/* Every vCPU has a vLAPIC (arch_vcpu_create()). */
	env->get_lapic = dev_get_lapic;
	env->set_lapic = dev_set_lapic;
	if (!p)
		return;
	env->platform_emu = p->emu & PLATFORM_DEVICES;
	env->get_platform = dev_get_platform;
	env->set_platform = dev_set_platform;
}
