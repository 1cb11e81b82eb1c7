/*
 * The platform interrupt wiring (hvm/vdev/virq.h).  The rules are Xen
 * 4.17's (xen/arch/x86/include/asm/hvm/irq.h hvm_isa_irq_to_gsi(),
 * hvm_pci_intx_gsi(), hvm_pci_intx_link(); xen/arch/x86/hvm/irq.c), which
 * hvmloader's ACPI tables describe to the guest (MADT override IRQ 0 ->
 * GSI 2, _PRT entries for the PCI slots, the link devices' _CRS).
 *
 * Each source is a bit in its record; a bit that changes moves a count:
 * an INTx wire counts into its GSI and into its link, a link with at least
 * one wire counts into the GSI of the ISA IRQ it is routed to, an ISA IRQ
 * counts into its GSI.  A GSI count moving between 0 and 1 is a level
 * change of IO-APIC pin g and, for GSIs below 16, of the PIC input(s) fed
 * by it.  The counts are bounded: at most 16 ISA IRQs, 128 wires and 4
 * links drive any one GSI, and every increment pairs with a set bit.
 * (A link routed to IRQ 2 therefore drives GSI 2 and PIC IR0, where Xen
 * would count GSI 2 and poke the cascade input; no BIOS routes a link to
 * the cascade.)
 */
#include <hvm/vdev/vioapic.h>
#include <hvm/vdev/virq.h>
#include <hvm/vdev/vpic.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/spinlock.h>
#include <xen/string.h>

#define ISA_IRQ0_GSI 2		/* MADT interrupt source override */
#define PCI_GSI_BASE 16
#define PCI_GSI_COUNT 32

BUILD_BUG_ON(PCI_GSI_BASE + PCI_GSI_COUNT > VIOAPIC_NUM_PINS);
BUILD_BUG_ON(VIRQ_NR_ISA_IRQS + VIRQ_NR_LINKS + 4 * VIRQ_NR_PCI_DEVICES > 255);

unsigned int virq_isa_irq_to_gsi(unsigned int isa_irq)
{
	return isa_irq ? isa_irq : ISA_IRQ0_GSI;
}

unsigned int virq_pci_intx_gsi(unsigned int device, unsigned int intx)
{
	return PCI_GSI_BASE + (((device << 2) + (device >> 3) + intx) &
			       (PCI_GSI_COUNT - 1));
}

unsigned int virq_pci_intx_link(unsigned int device, unsigned int intx)
{
	return (device + intx) & 3;
}

void virq_init(struct virq *r, struct vpic *pic, struct vioapic *ioapic)
{
	spin_lock_init(&r->lock);
	memset(&r->isa, 0, sizeof(r->isa));
	memset(&r->pci, 0, sizeof(r->pci));
	memset(&r->link, 0, sizeof(r->link));
	memset(r->link_count, 0, sizeof(r->link_count));
	memset(r->gsi_count, 0, sizeof(r->gsi_count));
	r->pic = pic;
	r->ioapic = ioapic;
}

/* GSI @gsi went high or low: tell its inputs.  Pre: r->lock held. */
static void gsi_changed(struct virq *r, unsigned int gsi, bool level)
{
	vioapic_set_irq(r->ioapic, gsi, level);
	/* The PIC inputs are ISA IRQs: IR n follows the GSI of IRQ n, so
	 * GSI 2 feeds IR0 and GSI 0 feeds none (IR2 is the cascade). */
	if (gsi == ISA_IRQ0_GSI)
		vpic_set_irq(r->pic, 0, level);
	else if (gsi && gsi < VIRQ_NR_ISA_IRQS)
		vpic_set_irq(r->pic, gsi, level);
}

/* Pre: r->lock held; gsi < VIOAPIC_NUM_PINS. */
static void gsi_get(struct virq *r, unsigned int gsi)
{
	if (r->gsi_count[gsi]++ == 0)
		gsi_changed(r, gsi, true);
}

static void gsi_put(struct virq *r, unsigned int gsi)
{
	BUG_ON(!r->gsi_count[gsi]);
	if (--r->gsi_count[gsi] == 0)
		gsi_changed(r, gsi, false);
}

/* Flip bit @nr of a record bitmap; false if it already had @level. */
static bool flip(unsigned long *map, unsigned int nr, bool level)
{
	unsigned long bit = 1UL << (nr % (8 * sizeof(long)));
	unsigned long *w = &map[nr / (8 * sizeof(long))];

	if (!!(*w & bit) == level)
		return false;
	*w ^= bit;
	return true;
}

int virq_set_isa_irq_level(struct virq *r, u8 isa_irq, u8 level)
{
	if (isa_irq >= VIRQ_NR_ISA_IRQS || level > 1)
		return -EINVAL;
	spin_lock(&r->lock);
	if (flip(r->isa.i, isa_irq, level)) {
		if (level)
			gsi_get(r, virq_isa_irq_to_gsi(isa_irq));
		else
			gsi_put(r, virq_isa_irq_to_gsi(isa_irq));
	}
	spin_unlock(&r->lock);
	return 0;
}

int virq_set_pci_intx_level(struct virq *r, u16 domain, u8 bus, u8 device,
			    u8 intx, u8 level)
{
	unsigned int link, isa_irq;

	/* Xen's dm.c: one segment, one bus. */
	if (domain || bus || device >= VIRQ_NR_PCI_DEVICES || intx > 3 ||
	    level > 1)
		return -EINVAL;
	link = virq_pci_intx_link(device, intx);
	spin_lock(&r->lock);
	if (flip(r->pci.i, device * 4 + intx, level)) {
		isa_irq = r->link.route[link];
		if (level) {
			gsi_get(r, virq_pci_intx_gsi(device, intx));
			if (r->link_count[link]++ == 0 && isa_irq)
				gsi_get(r, isa_irq);
		} else {
			gsi_put(r, virq_pci_intx_gsi(device, intx));
			BUG_ON(!r->link_count[link]);
			if (--r->link_count[link] == 0 && isa_irq)
				gsi_put(r, isa_irq);
		}
	}
	spin_unlock(&r->lock);
	return 0;
}

int virq_set_pci_link_route(struct virq *r, u8 link, u8 isa_irq)
{
	u8 old;

	if (link >= VIRQ_NR_LINKS || isa_irq >= VIRQ_NR_ISA_IRQS)
		return -EINVAL;
	spin_lock(&r->lock);
	old = r->link.route[link];
	r->link.route[link] = isa_irq;
	/* An asserted link moves its assertion along (new first, so a GSI
	 * that stays driven does not blink). */
	if (old != isa_irq && r->link_count[link]) {
		if (isa_irq)
			gsi_get(r, isa_irq);
		if (old)
			gsi_put(r, old);
	}
	spin_unlock(&r->lock);
	return 0;
}

/* ---- Save images ---- */

void virq_save(struct virq *r, struct hvm_hw_isa_irqs *isa,
	       struct hvm_hw_pci_irqs *pci, struct hvm_hw_pci_link *link)
{
	spin_lock(&r->lock);
	*isa = r->isa;
	*pci = r->pci;
	*link = r->link;
	spin_unlock(&r->lock);
}

static bool bit_set(const unsigned long *map, unsigned int nr)
{
	return (map[nr / (8 * sizeof(long))] >> (nr % (8 * sizeof(long)))) & 1;
}

/* Xen keeps ISA_IRQ bits 16-63 and counts only 0-15; no dm_op sets them. */
const char *virq_check_isa(const struct hvm_hw_isa_irqs *isa)
{
	return isa->pad[0] >> VIRQ_NR_ISA_IRQS ? "ISA IRQ bits above 15" : NULL;
}

/* Xen's irq_load_link() check, and the padding it leaves alone. */
const char *virq_check_link(const struct hvm_hw_pci_link *link)
{
	for (unsigned int l = 0; l < VIRQ_NR_LINKS; l++)
		if (link->route[l] >= VIRQ_NR_ISA_IRQS)
			return "PCI link routed past ISA IRQ 15";
	for (unsigned int i = 0; i < sizeof(link->pad0); i++)
		if (link->pad0[i])
			return "PCI_LINK padding set";
	return NULL;
}

/* The counts from the records, as Xen's load handlers rebuild them.
 * Pre: r->lock held. */
static void recount(struct virq *r)
{
	memset(r->link_count, 0, sizeof(r->link_count));
	memset(r->gsi_count, 0, sizeof(r->gsi_count));
	for (unsigned int dev = 0; dev < VIRQ_NR_PCI_DEVICES; dev++)
		for (unsigned int intx = 0; intx < 4; intx++)
			if (bit_set(r->pci.i, dev * 4 + intx)) {
				r->gsi_count[virq_pci_intx_gsi(dev, intx)]++;
				r->link_count[virq_pci_intx_link(dev, intx)]++;
			}
	for (unsigned int irq = 0; irq < VIRQ_NR_ISA_IRQS; irq++)
		if (bit_set(r->isa.i, irq))
			r->gsi_count[virq_isa_irq_to_gsi(irq)]++;
	for (unsigned int l = 0; l < VIRQ_NR_LINKS; l++)
		if (r->link_count[l] && r->link.route[l])
			r->gsi_count[r->link.route[l]]++;
}

void virq_restore(struct virq *r, const struct hvm_hw_isa_irqs *isa,
		  const struct hvm_hw_pci_irqs *pci,
		  const struct hvm_hw_pci_link *link,
		  const struct hvm_hw_vpic *pic,
		  const struct hvm_hw_vioapic *ioapic)
{
	u64 gsis = 0;
	u16 irqs = 0;

	spin_lock(&r->lock);
	r->isa = *isa;
	r->pci = *pci;
	r->link = *link;
	recount(r);
	for (unsigned int gsi = 0; gsi < VIOAPIC_NUM_PINS; gsi++)
		if (r->gsi_count[gsi])
			gsis |= 1ULL << gsi;
	/* PIC input n follows the GSI of ISA IRQ n (gsi_changed()). */
	for (unsigned int irq = 0; irq < VIRQ_NR_ISA_IRQS; irq++)
		if (irq != 2 && (gsis >> virq_isa_irq_to_gsi(irq)) & 1)
			irqs |= 1U << irq;
	vpic_restore(r->pic, pic, irqs);
	vioapic_restore(r->ioapic, ioapic, gsis);
	spin_unlock(&r->lock);
}
