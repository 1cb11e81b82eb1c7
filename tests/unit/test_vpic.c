/*
 * Host tests of the virtual 8259A pair (hvm/vdev/vpic.c).  The test plays
 * the guest (port writes and reads, as SeaBIOS and Linux program the PICs),
 * the ISA devices (vpic_set_irq) and the BSP's vLAPIC (the INT callback and
 * the INTA cycle).  Command bytes are written out from the 8259A datasheet
 * here rather than taken from vpic.c.
 */
#include <string.h>
#include <hvm/vdev/vpic.h>
#include <xen/errno.h>
#include "unit.h"

static struct vpic pic;
static bool intr_level;
static unsigned int intr_changes;

static void intr(void *opaque, bool level)
{
	CHECK(opaque == &pic);
	CHECK(level != intr_level);	/* called on changes only */
	intr_level = level;
	intr_changes++;
}

static void out(u16 port, u8 v)
{
	u32 val = v;

	CHECK_EQ(vpic_portio(&pic, true, port, 1, &val), 0);
}

static u8 in(u16 port)
{
	u32 val = 0;

	CHECK_EQ(vpic_portio(&pic, false, port, 1, &val), 0);
	return (u8)val;
}

/* SeaBIOS pic_setup(): ICW1 0x11 (edge, cascade, ICW4), ICW2 0x08/0x70,
 * ICW3 4/2, ICW4 1 (8086, normal EOI); then everything masked but IR2. */
static void seabios_init(void)
{
	vpic_init(&pic, intr, &pic);
	intr_level = false;
	intr_changes = 0;
	out(0x20, 0x11); out(0x21, 0x08); out(0x21, 0x04); out(0x21, 0x01);
	out(0xa0, 0x11); out(0xa1, 0x70); out(0xa1, 0x02); out(0xa1, 0x01);
	out(0x21, 0xfb);
	out(0xa1, 0xff);
}

/* Linux init_8259A(auto_eoi): vectors 0x20/0x28, ICW4 1 or 3 (AEOI). */
static void linux_init(bool auto_eoi)
{
	vpic_init(&pic, intr, &pic);
	intr_level = false;
	intr_changes = 0;
	out(0x21, 0xff); out(0xa1, 0xff);
	out(0x20, 0x11); out(0x21, 0x20); out(0x21, 0x04);
	out(0x21, auto_eoi ? 0x03 : 0x01);
	out(0xa0, 0x11); out(0xa1, 0x28); out(0xa1, 0x02); out(0xa1, 0x01);
	out(0x21, 0x00); out(0xa1, 0x00);
}

static u8 read_isr(u16 cmd_port)
{
	out(cmd_port, 0x0b);		/* OCW3: read ISR */
	return in(cmd_port);
}

static u8 read_irr(u16 cmd_port)
{
	out(cmd_port, 0x0a);		/* OCW3: read IRR */
	return in(cmd_port);
}

TEST(test_seabios_vectors)
{
	seabios_init();
	CHECK(!intr_level);
	vpic_set_irq(&pic, 1, true);	/* masked: IRR only */
	CHECK(!intr_level);
	CHECK_EQ(read_irr(0x20), 0x02);
	out(0x21, 0xf9);		/* unmask IRQ1 (keyboard) */
	CHECK(intr_level);
	CHECK_EQ(vpic_ack(&pic), 0x09);
	CHECK(!intr_level);
	CHECK_EQ(read_isr(0x20), 0x02);
	out(0x20, 0x20);		/* non-specific EOI */
	CHECK_EQ(read_isr(0x20), 0x00);
	vpic_set_irq(&pic, 1, false);

	out(0xa1, 0xfe);		/* unmask IRQ8 (RTC) */
	vpic_set_irq(&pic, 8, true);
	CHECK(intr_level);
	CHECK_EQ(vpic_ack(&pic), 0x70);
	CHECK_EQ(read_isr(0x20), 0x04);	/* the cascade is in service too */
	CHECK_EQ(read_isr(0xa0), 0x01);
	out(0xa0, 0x20);
	out(0x20, 0x20);
	CHECK_EQ(read_isr(0x20), 0x00);
	CHECK_EQ(read_isr(0xa0), 0x00);
	CHECK_EQ(in(0x21), 0xf9);
	CHECK_EQ(in(0xa1), 0xfe);
}

TEST(test_linux_vectors)
{
	linux_init(false);
	vpic_set_irq(&pic, 0, true);
	CHECK_EQ(vpic_ack(&pic), 0x20);
	out(0x20, 0x60);		/* specific EOI, IR0 */
	vpic_set_irq(&pic, 14, true);
	CHECK_EQ(vpic_ack(&pic), 0x2e);
	CHECK_EQ(vpic_irq_vector(&pic, 14), 0x2e);
	CHECK_EQ(vpic_irq_vector(&pic, 3), 0x23);
}

TEST(test_priority_and_nesting)
{
	linux_init(false);
	vpic_set_irq(&pic, 3, true);
	vpic_set_irq(&pic, 1, true);
	CHECK_EQ(vpic_ack(&pic), 0x21);	/* IR1 outranks IR3 */
	/* IR3 must wait while IR1 is in service... */
	CHECK(!intr_level);
	/* ...but IR0 preempts it (fully nested mode). */
	vpic_set_irq(&pic, 0, true);
	CHECK(intr_level);
	CHECK_EQ(vpic_ack(&pic), 0x20);
	CHECK_EQ(read_isr(0x20), 0x03);
	out(0x20, 0x20);		/* EOI clears the highest: IR0 */
	CHECK_EQ(read_isr(0x20), 0x02);
	CHECK(!intr_level);
	out(0x20, 0x20);
	CHECK(intr_level);
	CHECK_EQ(vpic_ack(&pic), 0x23);
}

TEST(test_cascade_priority)
{
	linux_init(false);
	vpic_set_irq(&pic, 3, true);
	vpic_set_irq(&pic, 12, true);
	/* The slave sits on IR2: all its IRs outrank master IR3. */
	CHECK_EQ(vpic_ack(&pic), 0x2c);
	CHECK(!intr_level);
	/* A higher slave IR is blocked by master ISR2 (not special fully
	 * nested mode)... */
	vpic_set_irq(&pic, 9, true);
	CHECK(!intr_level);
	out(0xa0, 0x20);
	out(0x20, 0x20);
	CHECK(intr_level);
	CHECK_EQ(vpic_ack(&pic), 0x29);
}

TEST(test_rotation)
{
	linux_init(false);
	out(0x20, 0xc4);		/* set priority: IR4 lowest, IR5 highest */
	vpic_set_irq(&pic, 3, true);
	vpic_set_irq(&pic, 6, true);
	CHECK_EQ(vpic_ack(&pic), 0x26);
	out(0x20, 0xa0);		/* rotate on non-specific EOI: IR6 lowest */
	vpic_set_irq(&pic, 6, false);
	vpic_set_irq(&pic, 6, true);
	vpic_set_irq(&pic, 1, true);
	/* Order now 7 0 1 2 3 4 5 6: IR1 first, then IR3, then IR6. */
	CHECK_EQ(vpic_ack(&pic), 0x21);
	out(0x20, 0xe1);		/* rotate on specific EOI IR1 */
	CHECK_EQ(vpic_ack(&pic), 0x23);
	out(0x20, 0x20);
	CHECK_EQ(vpic_ack(&pic), 0x26);
}

TEST(test_auto_eoi)
{
	linux_init(true);
	vpic_set_irq(&pic, 0, true);
	CHECK_EQ(vpic_ack(&pic), 0x20);
	CHECK_EQ(read_isr(0x20), 0x00);
	vpic_set_irq(&pic, 0, false);
	vpic_set_irq(&pic, 0, true);
	CHECK(intr_level);		/* no EOI needed */
	CHECK_EQ(vpic_ack(&pic), 0x20);
}

TEST(test_edge_vs_level)
{
	linux_init(false);
	/* Edge (ELCR clear): one interrupt per rising edge. */
	vpic_set_irq(&pic, 5, true);
	CHECK_EQ(vpic_ack(&pic), 0x25);
	out(0x20, 0x20);
	CHECK(!intr_level);		/* still high, no new edge */
	vpic_set_irq(&pic, 5, true);
	CHECK(!intr_level);
	vpic_set_irq(&pic, 5, false);
	vpic_set_irq(&pic, 5, true);
	CHECK(intr_level);
	CHECK_EQ(vpic_ack(&pic), 0x25);
	out(0x20, 0x20);
	vpic_set_irq(&pic, 5, false);

	/* Level (ELCR set): requests again after EOI while the line is high. */
	out(0x4d0, 0x20);
	vpic_set_irq(&pic, 5, true);
	CHECK_EQ(vpic_ack(&pic), 0x25);
	CHECK(!intr_level);
	out(0x20, 0x20);
	CHECK(intr_level);
	vpic_set_irq(&pic, 5, false);
	CHECK(!intr_level);

	/* Switching an asserted line to level makes it a request. */
	out(0x4d0, 0x00);
	vpic_set_irq(&pic, 6, true);
	CHECK_EQ(vpic_ack(&pic), 0x26);
	out(0x20, 0x20);
	CHECK(!intr_level);
	out(0x4d0, 0x40);
	CHECK(intr_level);
}

TEST(test_elcr_bits)
{
	linux_init(false);
	/* PIIX: IRQ 0, 1, 2, 8 and 13 cannot be level-triggered. */
	out(0x4d0, 0xff);
	out(0x4d1, 0xff);
	CHECK_EQ(in(0x4d0), 0xf8);
	CHECK_EQ(in(0x4d1), 0xde);
	/* IRQ0 stays edge: one interrupt, then quiet after EOI. */
	vpic_set_irq(&pic, 0, true);
	CHECK_EQ(vpic_ack(&pic), 0x20);
	out(0x20, 0x20);
	CHECK(!intr_level);
	/* IRQ11 is level now. */
	vpic_set_irq(&pic, 11, true);
	CHECK_EQ(vpic_ack(&pic), 0x2b);
	out(0xa0, 0x20);
	out(0x20, 0x20);
	CHECK(intr_level);
}

TEST(test_spurious)
{
	linux_init(false);
	vpic_set_irq(&pic, 4, true);
	CHECK(intr_level);
	vpic_set_irq(&pic, 4, false);	/* gone before INTA */
	CHECK(!intr_level);
	CHECK_EQ(vpic_ack(&pic), 0x27);	/* default IR7 */
	CHECK_EQ(read_isr(0x20), 0x00);
	/* A slave request gone away: the master has nothing on IR2 either. */
	vpic_set_irq(&pic, 10, true);
	vpic_set_irq(&pic, 10, false);
	CHECK_EQ(vpic_ack(&pic), 0x27);
	CHECK_EQ(read_isr(0x20), 0x00);
	CHECK_EQ(read_isr(0xa0), 0x00);
}

TEST(test_poll_mode)
{
	linux_init(false);
	out(0x20, 0x0c);		/* OCW3: poll */
	CHECK_EQ(in(0x20), 0x00);	/* nothing requesting */
	vpic_set_irq(&pic, 3, true);
	vpic_set_irq(&pic, 6, true);
	out(0x20, 0x0c);
	CHECK_EQ(in(0x20), 0x83);	/* I bit, highest level 3 */
	CHECK_EQ(read_isr(0x20), 0x08);	/* acknowledged by the read */
	CHECK_EQ(in(0x21), 0x00);	/* poll is one read only: IMR again */
	out(0x20, 0x20);
	/* Slave via the master: IR2 first, then the slave's own poll. */
	vpic_set_irq(&pic, 6, false);
	vpic_set_irq(&pic, 13, true);
	out(0x20, 0x0c);
	CHECK_EQ(in(0x20), 0x82);
	out(0xa0, 0x0c);
	CHECK_EQ(in(0xa1), 0x85);	/* either A0 reads the poll word */
	CHECK_EQ(read_isr(0xa0), 0x20);
}

TEST(test_special_mask_mode)
{
	linux_init(false);
	vpic_set_irq(&pic, 1, true);
	CHECK_EQ(vpic_ack(&pic), 0x21);
	vpic_set_irq(&pic, 3, true);
	CHECK(!intr_level);		/* IR1 in service blocks IR3 */
	out(0x21, 0x02);		/* mask IR1 */
	out(0x20, 0x68);		/* OCW3: set special mask mode */
	CHECK(intr_level);		/* masked in-service IR1 no longer blocks */
	CHECK_EQ(vpic_ack(&pic), 0x23);
	out(0x20, 0x63);		/* specific EOI IR3 */
	out(0x20, 0x48);		/* reset special mask mode */
	out(0x20, 0x61);
	CHECK_EQ(read_isr(0x20), 0x00);
}

TEST(test_icw1_resets)
{
	linux_init(false);
	vpic_set_irq(&pic, 3, true);
	CHECK_EQ(vpic_ack(&pic), 0x23);
	vpic_set_irq(&pic, 5, true);
	out(0x21, 0x80);
	out(0x20, 0x11);		/* ICW1: INT low during initialisation */
	CHECK(!intr_level);
	CHECK_EQ(in(0x21), 0x00);	/* IMR cleared */
	out(0x21, 0x30); out(0x21, 0x04); out(0x21, 0x01);
	CHECK_EQ(read_isr(0x20), 0x00);
	CHECK_EQ(read_irr(0x20), 0x00);	/* edge sense reset */
	CHECK(!intr_level);
	vpic_set_irq(&pic, 5, false);
	vpic_set_irq(&pic, 5, true);
	CHECK_EQ(vpic_ack(&pic), 0x35);	/* the new base */
}

TEST(test_bad_access)
{
	u32 val = 0;

	linux_init(false);
	CHECK_EQ(vpic_portio(&pic, false, 0x21, 2, &val), 0);
	CHECK_EQ(val, 0xffffffff);
	val = 0xff;
	CHECK_EQ(vpic_portio(&pic, true, 0x21, 4, &val), 0);
	CHECK_EQ(in(0x21), 0x00);	/* dropped */
	CHECK_EQ(vpic_portio(&pic, false, 0x22, 1, &val), -ENOENT);
	/* The cascade input is not an ISA IRQ. */
	vpic_set_irq(&pic, 2, true);
	CHECK(!intr_level);
}

UNIT_MAIN(test_seabios_vectors, test_linux_vectors, test_priority_and_nesting,
	  test_cascade_priority, test_rotation, test_auto_eoi,
	  test_edge_vs_level, test_elcr_bits, test_spurious, test_poll_mode,
	  test_special_mask_mode, test_icw1_resets, test_bad_access)
