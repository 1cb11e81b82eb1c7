/*
 * Host tests of the platform interrupt wiring (hvm/vdev/virq.c) with the
 * real vPIC and vIOAPIC behind it.  The test plays the device model (the
 * dm_op entry points), the guest (programming the PICs as Linux does and
 * the IO-APIC entries) and the BSP's vLAPIC (the PIC's INT callback and
 * INTA, the IO-APIC's messages and EOIs).  The GSI numbers expected are
 * worked out by hand from Xen's rule, not from virq.c.
 */
#include <string.h>
#include <hvm/vdev/vioapic.h>
#include <hvm/vdev/virq.h>
#include <hvm/vdev/vpic.h>
#include <xen/errno.h>
#include "unit.h"

static struct vpic pic;
static struct vioapic io;
static struct virq irq;
static bool intr_level;
static unsigned int delivered[VIOAPIC_NUM_PINS];

static void intr(void *opaque, bool level)
{
	intr_level = level;
}

static void deliver(void *opaque, const struct vioapic_msg *m)
{
	delivered[m->pin]++;
}

static void outb(u16 port, u8 v)
{
	u32 val = v;

	vpic_portio(&pic, true, port, 1, &val);
}

static void ioapic_program(unsigned int pin, bool level, u8 vector)
{
	vioapic_mmio_write(&io, 0, 4, 0x10 + 2 * pin);
	vioapic_mmio_write(&io, 0x10, 4, (level ? 1U << 15 : 0) | vector);
}

static void setup(void)
{
	vpic_init(&pic, intr, NULL);
	vioapic_init(&io, VIOAPIC_VERSION_82093AA, deliver, NULL);
	virq_init(&irq, &pic, &io);
	intr_level = false;
	memset(delivered, 0, sizeof(delivered));
	/* Linux: vectors 0x20/0x28, all unmasked. */
	outb(0x20, 0x11); outb(0x21, 0x20); outb(0x21, 0x04); outb(0x21, 0x01);
	outb(0xa0, 0x11); outb(0xa1, 0x28); outb(0xa1, 0x02); outb(0xa1, 0x01);
	outb(0x21, 0x00); outb(0xa1, 0x00);
}

TEST(test_mappings)
{
	CHECK_EQ(virq_isa_irq_to_gsi(0), 2);
	CHECK_EQ(virq_isa_irq_to_gsi(1), 1);
	CHECK_EQ(virq_isa_irq_to_gsi(15), 15);
	/* 16 + ((4d + d/8 + i) & 31) */
	CHECK_EQ(virq_pci_intx_gsi(0, 0), 16);
	CHECK_EQ(virq_pci_intx_gsi(1, 0), 20);
	CHECK_EQ(virq_pci_intx_gsi(3, 1), 29);
	CHECK_EQ(virq_pci_intx_gsi(8, 0), 17);
	CHECK_EQ(virq_pci_intx_gsi(8, 3), 20);
	CHECK_EQ(virq_pci_intx_gsi(31, 3), 18);
	/* (d + i) & 3 */
	CHECK_EQ(virq_pci_intx_link(1, 0), 1);
	CHECK_EQ(virq_pci_intx_link(3, 1), 0);
	CHECK_EQ(virq_pci_intx_link(7, 0), 3);
}

TEST(test_isa_irq0_to_pin2)
{
	setup();
	ioapic_program(0, false, 0x99);
	ioapic_program(2, false, 0x30);
	CHECK_EQ(virq_set_isa_irq_level(&irq, 0, 1), 0);
	CHECK_EQ(delivered[2], 1);
	CHECK_EQ(delivered[0], 0);
	CHECK(intr_level);
	CHECK_EQ(vpic_ack(&pic), 0x20);	/* PIC IR0 */
	/* Asserting an asserted line is no new edge. */
	CHECK_EQ(virq_set_isa_irq_level(&irq, 0, 1), 0);
	CHECK_EQ(delivered[2], 1);
	CHECK_EQ(virq_set_isa_irq_level(&irq, 0, 0), 0);
	CHECK_EQ(virq_set_isa_irq_level(&irq, 0, 1), 0);
	CHECK_EQ(delivered[2], 2);
}

TEST(test_pci_intx_through_link)
{
	setup();
	outb(0x4d1, 0x08);		/* IRQ 11 level */
	ioapic_program(28, true, 0x60);	/* 16 + (12 & 31) */
	ioapic_program(11, true, 0x5b);
	CHECK_EQ(virq_set_pci_link_route(&irq, 3, 11), 0);
	CHECK_EQ(virq_set_pci_intx_level(&irq, 0, 0, 3, 0, 1), 0);
	CHECK_EQ(delivered[28], 1);
	CHECK_EQ(delivered[11], 1);
	CHECK(intr_level);
	CHECK_EQ(vpic_ack(&pic), 0x2b);
	CHECK_EQ(virq_set_pci_intx_level(&irq, 0, 0, 3, 0, 0), 0);
	outb(0xa0, 0x20); outb(0x20, 0x20);
	CHECK(!intr_level);
	vioapic_eoi(&io, 0x60);
	vioapic_eoi(&io, 0x5b);
	CHECK_EQ(delivered[28], 1);
	CHECK_EQ(delivered[11], 1);
}

TEST(test_shared_link)
{
	setup();
	outb(0x4d1, 0x08);
	CHECK_EQ(virq_set_pci_link_route(&irq, 3, 11), 0);
	/* Devices 3 and 7, INTA: both on link 3. */
	virq_set_pci_intx_level(&irq, 0, 0, 3, 0, 1);
	virq_set_pci_intx_level(&irq, 0, 0, 7, 0, 1);
	CHECK_EQ(vpic_ack(&pic), 0x2b);
	virq_set_pci_intx_level(&irq, 0, 0, 3, 0, 0);
	outb(0xa0, 0x20); outb(0x20, 0x20);
	CHECK(intr_level);		/* device 7 still asserts IRQ 11 */
	CHECK_EQ(vpic_ack(&pic), 0x2b);
	virq_set_pci_intx_level(&irq, 0, 0, 7, 0, 0);
	outb(0xa0, 0x20); outb(0x20, 0x20);
	CHECK(!intr_level);
}

TEST(test_shared_gsi)
{
	setup();
	ioapic_program(20, true, 0x70);
	/* Device 1 INTA and device 8 INTD share GSI 20. */
	virq_set_pci_intx_level(&irq, 0, 0, 1, 0, 1);
	virq_set_pci_intx_level(&irq, 0, 0, 8, 3, 1);
	CHECK_EQ(delivered[20], 1);
	virq_set_pci_intx_level(&irq, 0, 0, 1, 0, 0);
	vioapic_eoi(&io, 0x70);
	CHECK_EQ(delivered[20], 2);	/* still asserted by device 8 */
	virq_set_pci_intx_level(&irq, 0, 0, 8, 3, 0);
	vioapic_eoi(&io, 0x70);
	CHECK_EQ(delivered[20], 2);
}

TEST(test_reroute_asserted_link)
{
	setup();
	outb(0x4d1, 0x0c);		/* IRQ 10 and 11 level */
	ioapic_program(10, true, 0x5a);
	virq_set_pci_link_route(&irq, 3, 11);
	virq_set_pci_intx_level(&irq, 0, 0, 3, 0, 1);
	CHECK_EQ(vpic_ack(&pic), 0x2b);
	outb(0xa0, 0x20); outb(0x20, 0x20);
	CHECK_EQ(virq_set_pci_link_route(&irq, 3, 10), 0);
	CHECK_EQ(delivered[10], 1);	/* the assertion moved to IRQ 10 */
	CHECK(intr_level);
	CHECK_EQ(vpic_ack(&pic), 0x2a);
	outb(0xa0, 0x20); outb(0x20, 0x20);
	CHECK(intr_level);		/* IRQ 10 is level and still high */
	CHECK_EQ(virq_set_pci_link_route(&irq, 3, 0), 0);
	CHECK(!intr_level);		/* unrouted: no ISA IRQ */
}

TEST(test_isa_and_link_share_irq)
{
	setup();
	outb(0x4d0, 0x20);		/* IRQ 5 level */
	virq_set_pci_link_route(&irq, 1, 5);
	virq_set_isa_irq_level(&irq, 5, 1);
	virq_set_pci_intx_level(&irq, 0, 0, 1, 0, 1);	/* link 1 */
	virq_set_isa_irq_level(&irq, 5, 0);
	CHECK(intr_level);
	CHECK_EQ(vpic_ack(&pic), 0x25);
	virq_set_pci_intx_level(&irq, 0, 0, 1, 0, 0);
	outb(0x20, 0x20);
	CHECK(!intr_level);
}

TEST(test_bad_arguments)
{
	setup();
	CHECK_EQ(virq_set_isa_irq_level(&irq, 16, 1), -EINVAL);
	CHECK_EQ(virq_set_isa_irq_level(&irq, 3, 2), -EINVAL);
	CHECK_EQ(virq_set_pci_intx_level(&irq, 1, 0, 0, 0, 1), -EINVAL);
	CHECK_EQ(virq_set_pci_intx_level(&irq, 0, 1, 0, 0, 1), -EINVAL);
	CHECK_EQ(virq_set_pci_intx_level(&irq, 0, 0, 32, 0, 1), -EINVAL);
	CHECK_EQ(virq_set_pci_intx_level(&irq, 0, 0, 0, 4, 1), -EINVAL);
	CHECK_EQ(virq_set_pci_intx_level(&irq, 0, 0, 0, 0, 2), -EINVAL);
	CHECK_EQ(virq_set_pci_link_route(&irq, 4, 5), -EINVAL);
	CHECK_EQ(virq_set_pci_link_route(&irq, 0, 16), -EINVAL);
	CHECK(!intr_level);
	for (unsigned int i = 0; i < VIOAPIC_NUM_PINS; i++)
		CHECK_EQ(irq.gsi_count[i], 0);
}

UNIT_MAIN(test_mappings, test_isa_irq0_to_pin2, test_pci_intx_through_link,
	  test_shared_link, test_shared_gsi, test_reroute_asserted_link,
	  test_isa_and_link_share_irq, test_bad_arguments)
