/*
 * Where the platform's interrupts go (hvm/platform.h), as Xen 4.17's
 * xen/arch/x86/hvm/{irq.c,vioapic.c,vlapic.c,vpt.c} route them; the
 * rules are in docs/architecture.md "Platform interrupt controllers and
 * the PIT".
 *
 *  - The PIC's INTR is wired to the BSP's LINT0.  The BSP's core takes it
 *    when LVT LINT0 is unmasked in ExtINT mode or its APIC is hardware-
 *    disabled (vlapic_lint0_extint()), or when IO-APIC pin 0 is an
 *    unmasked ExtINT entry physically aimed at it (the "virtual wire"
 *    Xen's __vlapic_accept_pic_intr() also accepts).  Xen lets whichever
 *    vCPU satisfies these take it (i8259_target); only the BSP does here,
 *    which is where every BIOS and OS routes it.  The entry path asks
 *    before the vLAPIC, as Xen's hvm_vcpu_has_pending_irq(), and runs the
 *    INTA cycle (vpic_ack()) only once the vector will be injected.
 *  - IO-APIC messages go to the vLAPICs whose APIC ID (2 x vCPU id) or
 *    logical ID matches: fixed to every enabled match, lowest priority to
 *    one (vCPU 0 for IRQ 0's GSI if it matches, as Xen's
 *    IRQ0_SPECIAL_ROUTING, else the lowest-numbered enabled match, the
 *    arbitration hvm/vlapic.c uses for IPIs), NMI to every match.  ExtINT
 *    messages are the virtual wire above; SMI, INIT and reserved modes are
 *    dropped, as Xen's vioapic_deliver() does.
 *  - A level-triggered vector's EOI comes back from the vLAPIC (its TMR)
 *    to vioapic_eoi().
 *  - A PIT tick counts as taken when its vector is injected: the PIC's
 *    IRQ 0 vector (ICW2 base + 0) from an INTA, or IO-APIC pin 2's vector
 *    (hvmloader's interrupt source override of IRQ 0) from a vLAPIC, which
 *    is Xen's pt_intr_post() matching pt_irq_vector() by source.
 *
 * Locks: the device callbacks here run under their device's lock and
 * take none of ours (the vLAPIC's atomics and vcpu_kick() only); the
 * other entry points are called holding none, and take the devices' in
 * the documented order (hvm/platform.h).
 */
#include <hvm/platform.h>
#include <hvm/vlapic.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <public/xen.h>

struct hvm_platform *hvm_platform(const struct domain *d)
{
	return d->virq ? container_of(d->virq, struct hvm_platform, irq) : NULL;
}

/* ---- Outputs of the devices (their lock held) ---- */

void hvm_platform_pic_intr(void *opaque, bool level)
{
	struct hvm_platform *p = opaque;
	struct vcpu *bsp = p->domain->vcpu[0];

	/* A rising INTR makes the BSP look (hvm_platform_extint_pending());
	 * a falling one needs nothing: the look finds nothing.  No vCPU
	 * yet while the domain is being created. */
	if (level && bsp)
		vcpu_kick(bsp);
}

/* Lowest priority: one enabled target. */
static struct vcpu *lowest_prio_target(struct hvm_platform *p,
				       const struct vioapic_msg *m)
{
	struct domain *d = p->domain;

	if (m->pin == virq_isa_irq_to_gsi(0) && d->vcpu[0] &&
	    vlapic_enabled(d->vcpu[0]) &&
	    vlapic_match_dest(d->vcpu[0], m->dest, m->dest_logical))
		return d->vcpu[0];
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];

		if (v && vlapic_enabled(v) &&
		    vlapic_match_dest(v, m->dest, m->dest_logical))
			return v;
	}
	return NULL;
}

void hvm_platform_ioapic_deliver(void *opaque, const struct vioapic_msg *m)
{
	struct hvm_platform *p = opaque;
	struct domain *d = p->domain;
	static bool warned;
	struct vcpu *v;

	switch (m->delivery_mode) {
	case VIOAPIC_DM_FIXED:
		for (unsigned int i = 0; i < d->max_vcpus; i++) {
			v = d->vcpu[i];
			if (v && vlapic_enabled(v) &&
			    vlapic_match_dest(v, m->dest, m->dest_logical))
				vlapic_set_irq_trig(v, m->vector, m->level);
		}
		return;
	case VIOAPIC_DM_LOWEST:
		v = lowest_prio_target(p, m);
		if (v)
			vlapic_set_irq_trig(v, m->vector, m->level);
		return;
	case VIOAPIC_DM_NMI:
		for (unsigned int i = 0; i < d->max_vcpus; i++) {
			v = d->vcpu[i];
			if (v && vlapic_match_dest(v, m->dest, m->dest_logical))
				vlapic_send_nmi(v);
		}
		return;
	case VIOAPIC_DM_EXTINT:
		return;		/* the virtual wire: see the note atop */
	}
	if (!warned) {
		warned = true;
		printk("d%u: vIOAPIC: pin %u delivery mode %u dropped\n",
		       d->domain_id, m->pin, m->delivery_mode);
	}
}

/* ---- The entry path (no lock held) ---- */

/* IO-APIC pin 0 as the virtual wire to @v: unmasked, ExtINT, physical
 * destination @v's APIC ID, @v's APIC enabled (Xen's
 * __vlapic_accept_pic_intr()). */
static bool ioapic_virtual_wire(struct hvm_platform *p, struct vcpu *v)
{
	union vioapic_redir_entry e;

	if (!(p->emu & XEN_X86_EMU_IOAPIC) || !vlapic_enabled(v))
		return false;
	e.bits = vioapic_redir(&p->ioapic, 0);
	return !e.fields.mask && e.fields.delivery_mode == VIOAPIC_DM_EXTINT &&
	       !e.fields.dest_mode && vlapic_match_dest(v, e.fields.dest_id, false);
}

bool hvm_platform_extint_pending(struct vcpu *v)
{
	struct hvm_platform *p = hvm_platform(v->domain);

	if (!p || !(p->emu & XEN_X86_EMU_PIC) || v->vcpu_id != 0 ||
	    !vpic_int_output(&p->pic))
		return false;
	return vlapic_lint0_extint(v) || ioapic_virtual_wire(p, v);
}

/* The PIT's tick in flight was injected: the next may go out. */
static void pit_tick_taken(struct hvm_platform *p)
{
	if (!(p->emu & XEN_X86_EMU_PIT))
		return;
	vpit_ack_irq0(&p->pit);
	hvm_platform_pit_arm(p);
}

u8 hvm_platform_extint_ack(struct vcpu *v)
{
	struct hvm_platform *p = hvm_platform(v->domain);
	u8 vec = vpic_ack(&p->pic);

	/* A spurious IR7/IR15 never equals IRQ 0's vector (base + 0). */
	if (vec == vpic_irq_vector(&p->pic, 0))
		pit_tick_taken(p);
	return vec;
}

void hvm_platform_intr_post(struct vcpu *v, u8 vec)
{
	struct hvm_platform *p = hvm_platform(v->domain);
	union vioapic_redir_entry e;

	if (!p || !(p->emu & XEN_X86_EMU_PIT) ||
	    !(p->emu & XEN_X86_EMU_IOAPIC))
		return;
	e.bits = vioapic_redir(&p->ioapic, virq_isa_irq_to_gsi(0));
	if (!e.fields.mask && e.fields.vector == vec)
		pit_tick_taken(p);
}

void hvm_platform_eoi(struct domain *d, u8 vec)
{
	struct hvm_platform *p = hvm_platform(d);

	if (p && (p->emu & XEN_X86_EMU_IOAPIC))
		vioapic_eoi(&p->ioapic, vec);
}

void hvm_platform_irq0_unmask(struct hvm_platform *p)
{
	if (p->emu & XEN_X86_EMU_PIT)
		vpit_irq0_resend(&p->pit);
}
