/*
 * Host tests of the virtual IO-APIC (hvm/vdev/vioapic.c).  The test plays
 * the guest (IOREGSEL/IOWIN accesses as Linux's io_apic.c makes them), the
 * interrupt sources (vioapic_set_irq) and the vLAPICs (the delivery
 * callback records every message; vioapic_eoi() is their EOI broadcast).
 * Register layouts are written out from the 82093AA datasheet here.
 */
#include <string.h>
#include <hvm/vdev/vioapic.h>
#include <xen/lib.h>
#include "unit.h"

static struct vioapic io;
static struct vioapic_msg msgs[16];
static unsigned int nr_msgs;

static void deliver(void *opaque, const struct vioapic_msg *m)
{
	CHECK(opaque == &io);
	if (nr_msgs < ARRAY_SIZE(msgs))
		msgs[nr_msgs] = *m;
	nr_msgs++;
}

static void setup(u8 version)
{
	vioapic_init(&io, version, deliver, &io);
	nr_msgs = 0;
}

static u32 reg_read(u32 index)
{
	vioapic_mmio_write(&io, 0x00, 4, index);
	return vioapic_mmio_read(&io, 0x10, 4);
}

static void reg_write(u32 index, u32 val)
{
	vioapic_mmio_write(&io, 0x00, 4, index);
	vioapic_mmio_write(&io, 0x10, 4, val);
}

/* 82093AA 3.2.4: vector 7:0, delivery mode 10:8, dest mode 11, delivery
 * status 12, polarity 13, remote IRR 14, trigger 15, mask 16; dest 63:56. */
#define RTE_LOGICAL (1U << 11)
#define RTE_STATUS (1U << 12)
#define RTE_REMOTE_IRR (1U << 14)
#define RTE_LEVEL (1U << 15)
#define RTE_MASK (1U << 16)
#define RTE_DM(m) ((u32)(m) << 8)

static void program(unsigned int pin, u32 lo, u8 dest)
{
	reg_write(0x10 + 2 * pin + 1, (u32)dest << 24);
	reg_write(0x10 + 2 * pin, lo);
}

TEST(test_id_and_version)
{
	setup(VIOAPIC_VERSION_82093AA);
	/* Version 0x11, maximum redirection entry 47 (48 pins). */
	CHECK_EQ(reg_read(1), 0x002f0011);
	reg_write(1, 0);
	CHECK_EQ(reg_read(1), 0x002f0011);
	CHECK_EQ(reg_read(0), 0);
	reg_write(0, 0xff000000);	/* a 4-bit ID, bits 27:24 */
	CHECK_EQ(reg_read(0), 0x0f000000);
	CHECK_EQ(reg_read(2), 0x0f000000);
	vioapic_mmio_write(&io, 0x00, 4, 0x3f);
	CHECK_EQ(vioapic_mmio_read(&io, 0x00, 4), 0x3f);
	CHECK_EQ(vioapic_mmio_read(&io, 0x20, 4), 0);
	setup(VIOAPIC_VERSION_EOI_REG);
	CHECK_EQ(reg_read(1), 0x002f0020);
}

TEST(test_reset_masked)
{
	setup(VIOAPIC_VERSION_82093AA);
	for (unsigned int pin = 0; pin < 48; pin++) {
		CHECK_EQ(reg_read(0x10 + 2 * pin), RTE_MASK);
		CHECK_EQ(reg_read(0x11 + 2 * pin), 0);
	}
	CHECK_EQ(reg_read(0x10 + 2 * 48), 0);	/* past pin 47 */
	for (unsigned int pin = 0; pin < 48; pin++)
		vioapic_set_irq(&io, pin, true);
	CHECK_EQ(nr_msgs, 0);
}

TEST(test_edge_delivery)
{
	setup(VIOAPIC_VERSION_82093AA);
	program(1, 0x31, 2);
	CHECK_EQ(reg_read(0x12), 0x31);
	CHECK_EQ(reg_read(0x13), 0x02000000);
	vioapic_set_irq(&io, 1, true);
	CHECK_EQ(nr_msgs, 1);
	CHECK_EQ(msgs[0].vector, 0x31);
	CHECK_EQ(msgs[0].dest, 2);
	CHECK(!msgs[0].dest_logical);
	CHECK_EQ(msgs[0].delivery_mode, VIOAPIC_DM_FIXED);
	CHECK(!msgs[0].level);
	CHECK_EQ(msgs[0].pin, 1);
	vioapic_set_irq(&io, 1, true);	/* no new edge */
	CHECK_EQ(nr_msgs, 1);
	vioapic_set_irq(&io, 1, false);
	vioapic_set_irq(&io, 1, true);
	CHECK_EQ(nr_msgs, 2);
	/* Edge entries never show Remote IRR. */
	CHECK_EQ(reg_read(0x12) & RTE_REMOTE_IRR, 0);
}

TEST(test_masked_edge_is_lost)
{
	setup(VIOAPIC_VERSION_82093AA);
	program(4, RTE_MASK | 0x34, 0);
	vioapic_set_irq(&io, 4, true);
	CHECK_EQ(nr_msgs, 0);
	program(4, 0x34, 0);
	CHECK_EQ(nr_msgs, 0);		/* the edge came while masked */
	vioapic_set_irq(&io, 4, false);
	vioapic_set_irq(&io, 4, true);
	CHECK_EQ(nr_msgs, 1);
}

TEST(test_level_remote_irr)
{
	setup(VIOAPIC_VERSION_82093AA);
	program(16, RTE_LEVEL | RTE_LOGICAL | 0x41, 0x01);
	vioapic_set_irq(&io, 16, true);
	CHECK_EQ(nr_msgs, 1);
	CHECK(msgs[0].level);
	CHECK(msgs[0].dest_logical);
	CHECK_EQ(reg_read(0x30) & RTE_REMOTE_IRR, RTE_REMOTE_IRR);
	/* Still asserted: the EOI brings the interrupt again. */
	vioapic_eoi(&io, 0x41);
	CHECK_EQ(nr_msgs, 2);
	CHECK_EQ(reg_read(0x30) & RTE_REMOTE_IRR, RTE_REMOTE_IRR);
	/* Another vector's EOI changes nothing. */
	vioapic_eoi(&io, 0x42);
	CHECK_EQ(reg_read(0x30) & RTE_REMOTE_IRR, RTE_REMOTE_IRR);
	/* Deasserted, then EOIed: idle. */
	vioapic_set_irq(&io, 16, false);
	vioapic_eoi(&io, 0x41);
	CHECK_EQ(nr_msgs, 2);
	CHECK_EQ(reg_read(0x30) & RTE_REMOTE_IRR, 0);
	/* A new assertion while Remote IRR is set waits for the EOI. */
	vioapic_set_irq(&io, 16, true);
	CHECK_EQ(nr_msgs, 3);
	vioapic_set_irq(&io, 16, false);
	vioapic_set_irq(&io, 16, true);
	CHECK_EQ(nr_msgs, 3);
	vioapic_eoi(&io, 0x41);
	CHECK_EQ(nr_msgs, 4);
}

TEST(test_level_unmask_delivers)
{
	setup(VIOAPIC_VERSION_82093AA);
	program(20, RTE_MASK | RTE_LEVEL | 0x50, 0);
	vioapic_set_irq(&io, 20, true);
	CHECK_EQ(nr_msgs, 0);
	program(20, RTE_LEVEL | 0x50, 0);
	CHECK_EQ(nr_msgs, 1);
	CHECK_EQ(msgs[0].vector, 0x50);
	/* Masked at EOI: no re-delivery until unmasked. */
	program(20, RTE_MASK | RTE_LEVEL | 0x50, 0);
	vioapic_eoi(&io, 0x50);
	CHECK_EQ(nr_msgs, 1);
	CHECK_EQ(reg_read(0x10 + 40) & RTE_REMOTE_IRR, 0);
	program(20, RTE_LEVEL | 0x50, 0);
	CHECK_EQ(nr_msgs, 2);
}

TEST(test_read_only_bits)
{
	setup(VIOAPIC_VERSION_82093AA);
	program(3, RTE_STATUS | RTE_REMOTE_IRR | 0x33, 0);
	CHECK_EQ(reg_read(0x16), 0x33);
	program(3, RTE_LEVEL | 0x33, 0);
	vioapic_set_irq(&io, 3, true);
	CHECK_EQ(reg_read(0x16), RTE_LEVEL | RTE_REMOTE_IRR | 0x33);
	/* Rewriting the entry keeps Remote IRR; switching to edge drops it
	 * (Xen's way for a guest to clear a stuck level). */
	program(3, RTE_LEVEL | 0x34, 0);
	CHECK_EQ(reg_read(0x16), RTE_LEVEL | RTE_REMOTE_IRR | 0x34);
	CHECK_EQ(nr_msgs, 1);
	program(3, 0x34, 0);
	CHECK_EQ(reg_read(0x16), 0x34);
	CHECK_EQ(vioapic_redir(&io, 3), 0x34);
}

TEST(test_delivery_modes)
{
	setup(VIOAPIC_VERSION_82093AA);
	program(0, RTE_DM(VIOAPIC_DM_EXTINT), 0);
	program(5, RTE_DM(VIOAPIC_DM_NMI), 0xff);
	program(6, RTE_DM(VIOAPIC_DM_LOWEST) | RTE_LOGICAL | 0x66, 0x0f);
	vioapic_set_irq(&io, 0, true);
	vioapic_set_irq(&io, 5, true);
	vioapic_set_irq(&io, 6, true);
	CHECK_EQ(nr_msgs, 3);
	CHECK_EQ(msgs[0].delivery_mode, VIOAPIC_DM_EXTINT);
	CHECK_EQ(msgs[0].pin, 0);
	CHECK_EQ(msgs[1].delivery_mode, VIOAPIC_DM_NMI);
	CHECK_EQ(msgs[1].dest, 0xff);
	CHECK_EQ(msgs[2].delivery_mode, VIOAPIC_DM_LOWEST);
	CHECK_EQ(msgs[2].dest, 0x0f);
	CHECK_EQ(msgs[2].vector, 0x66);
}

TEST(test_eoi_register)
{
	/* Version 0x11 has no EOI register: the write is dropped. */
	setup(VIOAPIC_VERSION_82093AA);
	program(9, RTE_LEVEL | 0x59, 0);
	vioapic_set_irq(&io, 9, true);
	vioapic_set_irq(&io, 9, false);
	vioapic_mmio_write(&io, 0x40, 4, 0x59);
	CHECK_EQ(reg_read(0x22) & RTE_REMOTE_IRR, RTE_REMOTE_IRR);
	/* Version 0x20: +0x40 EOIs the vector like a vLAPIC broadcast. */
	setup(VIOAPIC_VERSION_EOI_REG);
	program(9, RTE_LEVEL | 0x59, 0);
	vioapic_set_irq(&io, 9, true);
	vioapic_mmio_write(&io, 0x40, 4, 0x59);
	CHECK_EQ(nr_msgs, 2);		/* still asserted: again */
	vioapic_set_irq(&io, 9, false);
	vioapic_mmio_write(&io, 0x40, 4, 0x59);
	CHECK_EQ(reg_read(0x22) & RTE_REMOTE_IRR, 0);
}

UNIT_MAIN(test_id_and_version, test_reset_masked, test_edge_delivery,
	  test_masked_edge_is_lost, test_level_remote_irr,
	  test_level_unmask_delivers, test_read_only_bits, test_delivery_modes,
	  test_eoi_register)
