/*
 * The interrupt wiring of an HVM domain's platform (Xen 4.17's
 * xen/arch/x86/hvm/irq.c): ISA IRQ lines, the PCI INTx wires of bus 0 and
 * the four PCI-ISA links, each counted into the GSIs they drive, and the
 * GSIs into the vPIC and vIOAPIC inputs.
 *
 *  - ISA IRQ n drives GSI n, except IRQ 0 which drives GSI 2 (the MADT's
 *    interrupt source override hvmloader writes); PIC input n follows the
 *    GSI of ISA IRQ n, IO-APIC pin g follows GSI g.
 *  - PCI device d, INTx i (0 = INTA) drives GSI 16 + ((4d + d/8 + i) & 31)
 *    and link (d + i) & 3; a link routed to ISA IRQ k (1-15; 0 = none)
 *    drives GSI k.
 *  - A GSI is high while any source drives it.
 *
 * The state is the ISA_IRQ, PCI_IRQ and PCI_LINK save records (public/
 * arch-x86/hvm/save.h); the counts are derived from them.  Locking: r->lock
 * in every entry point, held while the vPIC and vIOAPIC are told (so their
 * inputs see the levels in order).  Lock order: this lock, then the vPIC's
 * or the vIOAPIC's.  Entry points return 0 or -EINVAL as Xen's dm_op.
 */
#ifndef HVM_VDEV_VIRQ_H
#define HVM_VDEV_VIRQ_H

#include <xen/spinlock.h>
#include <xen/types.h>
#include <public/hvm/save.h>

struct vpic;
struct vioapic;

#define VIRQ_NR_ISA_IRQS 16
#define VIRQ_NR_LINKS 4
#define VIRQ_NR_PCI_DEVICES 32

struct virq {
	spinlock_t lock;
	/* The records; under lock. */
	struct hvm_hw_isa_irqs isa;	/* bit n: ISA IRQ n asserted */
	struct hvm_hw_pci_irqs pci;	/* bit 4d + i: device d INTx i */
	struct hvm_hw_pci_link link;	/* route[l]: ISA IRQ of link l */
	/* Derived from them; under lock. */
	u8 link_count[VIRQ_NR_LINKS];	/* INTx wires asserting each link */
	u8 gsi_count[VIOAPIC_NUM_PINS];	/* sources driving each GSI */
	/* Fixed at virq_init(). */
	struct vpic *pic;
	struct vioapic *ioapic;
};

void virq_init(struct virq *r, struct vpic *pic, struct vioapic *ioapic);

/* The GSI ISA IRQ @isa_irq drives, and PCI @device's INTx @intx. */
unsigned int virq_isa_irq_to_gsi(unsigned int isa_irq);
unsigned int virq_pci_intx_gsi(unsigned int device, unsigned int intx);
unsigned int virq_pci_intx_link(unsigned int device, unsigned int intx);

/* XEN_DMOP_set_isa_irq_level: @isa_irq <= 15, @level 0 or 1. */
int virq_set_isa_irq_level(struct virq *r, u8 isa_irq, u8 level);
/* XEN_DMOP_set_pci_intx_level: segment 0, bus 0, device <= 31, intx <= 3,
 * level 0 or 1. */
int virq_set_pci_intx_level(struct virq *r, u16 domain, u8 bus, u8 device,
			    u8 intx, u8 level);
/* XEN_DMOP_set_pci_link_route: @link <= 3, @isa_irq <= 15 (0: none). */
int virq_set_pci_link_route(struct virq *r, u8 link, u8 isa_irq);

/*
 * Save images (HVM_SAVE_CODE(PCI_IRQ), ISA_IRQ, PCI_LINK).
 *  - virq_save(): the three records.
 *  - virq_check_isa(), virq_check_link(): why a record holds what no
 *    dm_op sets, or NULL (every PCI_IRQ bit is a wire).  Pure.
 *  - virq_restore(): the wiring from the three records (checked), the
 *    counts recomputed from them (Xen's irq_load_pci/isa/link()), and the
 *    vPIC and vIOAPIC restored under this lock with their input levels
 *    taken from the GSIs: their registers from @pic (both chips) and
 *    @ioapic, each NULL to keep the current ones (vpic_restore(),
 *    vioapic_restore()).
 */
void virq_save(struct virq *r, struct hvm_hw_isa_irqs *isa,
	       struct hvm_hw_pci_irqs *pci, struct hvm_hw_pci_link *link);
const char *virq_check_isa(const struct hvm_hw_isa_irqs *isa);
const char *virq_check_link(const struct hvm_hw_pci_link *link);
void virq_restore(struct virq *r, const struct hvm_hw_isa_irqs *isa,
		  const struct hvm_hw_pci_irqs *pci,
		  const struct hvm_hw_pci_link *link,
		  const struct hvm_hw_vpic *pic,
		  const struct hvm_hw_vioapic *ioapic);

#endif
