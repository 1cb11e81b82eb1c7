/*
 * IO-APICs and the legacy PICs.  The hypervisor drives no device interrupts
 * of its own (its timer is the LAPIC's, its console is polled), so boot
 * puts every IO-APIC pin in a known masked state and silences the 8259s:
 * a stray ExtINT or an unmasked pin left by firmware cannot then fire at an
 * unexpected vector.  Each IO-APIC's ID and pin count are logged.
 */
#include <xen/acpi.h>
#include <xen/lib.h>
#include <asm/apic.h>
#include <asm/io.h>

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WIN 0x10
#define IOAPIC_REG_ID 0x00
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REDTBL(n) (0x10 + 2 * (n))

static u32 ioapic_read(paddr_t base, u32 reg)
{
	mmio_write32(base + IOAPIC_REGSEL, reg);
	return mmio_read32(base + IOAPIC_WIN);
}

static void ioapic_write(paddr_t base, u32 reg, u32 v)
{
	mmio_write32(base + IOAPIC_REGSEL, reg);
	mmio_write32(base + IOAPIC_WIN, v);
}

static void pic_disable(void)
{
	/* ICW1-4 remap the 8259s to vectors 0x20-0x2f, then mask all lines. */
	outb(0x11, 0x20);
	outb(0x11, 0xa0);
	outb(0x20, 0x21);
	outb(0x28, 0xa1);
	outb(0x04, 0x21);
	outb(0x02, 0xa1);
	outb(0x01, 0x21);
	outb(0x01, 0xa1);
	outb(0xff, 0x21);
	outb(0xff, 0xa1);
}

void ioapic_init_all(const struct acpi_info *ai)
{
	if (ai->madt.pcat_compat)
		pic_disable();
	for (unsigned int i = 0; i < ai->madt.nr_ioapics; i++) {
		const struct acpi_ioapic *io = &ai->madt.ioapics[i];
		u32 ver = ioapic_read(io->addr, IOAPIC_REG_VER);
		unsigned int pins = ((ver >> 16) & 0xff) + 1;

		if (ver == 0xffffffff) {
			printk(KERN_WARNING "IO-APIC %u at %#x does not respond; "
			       "ignored\n", io->id, io->addr);
			continue;
		}
		for (unsigned int p = 0; p < pins; p++) {
			ioapic_write(io->addr, IOAPIC_REDTBL(p), 1U << 16);
			ioapic_write(io->addr, IOAPIC_REDTBL(p) + 1, 0);
		}
		printk("IO-APIC %u at %#x: version %#x, %u pins (GSI %u-%u), "
		       "all masked\n", io->id, io->addr, ver & 0xff, pins,
		       io->gsi_base, io->gsi_base + pins - 1);
	}
}
