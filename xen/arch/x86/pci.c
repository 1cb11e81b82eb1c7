/*
 * Configuration space of PCI segment 0 at boot, and the list of its
 * devices with their BARs (xen/pci.h).  ECAM (PCI Express Base 4.0,
 * 7.2.2) where the MCFG gives a window for the bus and the identity map
 * has it (below 4 GiB, uncached: xen/arch/x86/mm.c); otherwise
 * configuration mechanism #1, ports 0xCF8/0xCFC (PCI Local Bus 3.0,
 * 3.2.2.3.2), which reaches the first 256 bytes of every function.  An
 * access through the ports is two steps (select, then data), so they are
 * taken under one lock: dom0's configuration cycles (xen/common/vpci.c)
 * and the hypervisor's own may run on any CPU.
 */
#include <xen/acpi.h>
#include <xen/lib.h>
#include <xen/pci.h>
#include <xen/spinlock.h>
#include <asm/io.h>

#define ECAM_MAPPED_BELOW (1ULL << 32)

static const struct acpi_mcfg_region *ecam;
static DEFINE_SPINLOCK(cf8_lock);

/* The MCFG window of segment 0 that covers bus 0 and lies in the map. */
static const struct acpi_mcfg_region *find_ecam(const struct acpi_info *ai)
{
	for (unsigned int i = 0; i < ai->mcfg.nr; i++) {
		const struct acpi_mcfg_region *r = &ai->mcfg.r[i];
		u64 end = r->base + ((u64)r->end_bus + 1) * (1ULL << 20);

		if (!r->segment && !r->start_bus && end <= ECAM_MAPPED_BELOW)
			return r;
	}
	return NULL;
}

static paddr_t ecam_addr(u8 bus, u8 dev, u8 fn, unsigned int reg)
{
	return ecam->base + ((u64)bus << 20) + ((u64)dev << 15) +
	       ((u64)fn << 12) + reg;
}

static void cf8_select(u8 bus, u8 dev, u8 fn, unsigned int reg)
{
	outl(0x80000000U | (u32)bus << 16 | (u32)dev << 11 | (u32)fn << 8 |
	     (reg & 0xfc), 0xcf8);
}

static bool via_ecam(u8 bus)
{
	return ecam && bus <= ecam->end_bus;
}

/* @size 1, 2 or 4 at @reg, naturally aligned (not checked here). */
static u32 conf_read(u8 bus, u8 dev, u8 fn, unsigned int reg,
		     unsigned int size)
{
	unsigned long f;
	u32 v;

	if (via_ecam(bus)) {
		paddr_t pa = ecam_addr(bus, dev, fn, reg);

		return size == 4 ? mmio_read32(pa) :
		       size == 2 ? *(volatile u16 *)(uintptr_t)pa :
				   *(volatile u8 *)(uintptr_t)pa;
	}
	if (reg >= 0x100)
		return ~0U;
	f = spin_lock_irqsave(&cf8_lock);
	cf8_select(bus, dev, fn, reg);
	v = size == 4 ? inl(0xcfc) : size == 2 ? inw(0xcfc + (reg & 2)) :
						 inb(0xcfc + (reg & 3));
	spin_unlock_irqrestore(&cf8_lock, f);
	return v;
}

static void conf_write(u8 bus, u8 dev, u8 fn, unsigned int reg,
		       unsigned int size, u32 val)
{
	unsigned long f;

	if (via_ecam(bus)) {
		paddr_t pa = ecam_addr(bus, dev, fn, reg);

		if (size == 4)
			mmio_write32(pa, val);
		else if (size == 2)
			*(volatile u16 *)(uintptr_t)pa = (u16)val;
		else
			*(volatile u8 *)(uintptr_t)pa = (u8)val;
		return;
	}
	if (reg >= 0x100)
		return;
	f = spin_lock_irqsave(&cf8_lock);
	cf8_select(bus, dev, fn, reg);
	if (size == 4)
		outl(val, 0xcfc);
	else if (size == 2)
		outw((u16)val, 0xcfc + (reg & 2));
	else
		outb((u8)val, 0xcfc + (reg & 3));
	spin_unlock_irqrestore(&cf8_lock, f);
}

static u32 conf_read32(void *ctx, u8 bus, u8 dev, u8 fn, unsigned int reg)
{
	return conf_read(bus, dev, fn, reg, 4);
}

static void conf_write32(void *ctx, u8 bus, u8 dev, u8 fn, unsigned int reg,
			 u32 val)
{
	conf_write(bus, dev, fn, reg, 4, val);
}

static void print_bars(const struct pci_found *f)
{
	for (unsigned int i = 0; i < 6; i++) {
		const struct pci_bar *b = &f->bar[i];

		if (!b->size)
			continue;
		printk("PCI: " PCI_SBDF_FMT " BAR%u %s 0x%llx+0x%llx%s%s\n",
		       PCI_SBDF_ARGS(0, PCI_BDF(f->bus, f->dev, f->fn)), i,
		       b->flags & PCI_BAR_IO ? "io" : "mem",
		       (unsigned long long)b->addr,
		       (unsigned long long)b->size,
		       b->flags & PCI_BAR_MEM64 ? " 64-bit" : "",
		       b->flags & PCI_BAR_PREFETCH ? " prefetchable" : "");
	}
}

static struct pci_scan scan;

void pci_init(const struct acpi_info *ai)
{
	ecam = find_ecam(ai);
	if (ecam)
		printk("PCI: segment 0 through ECAM at 0x%llx (buses %02x-%02x)\n",
		       (unsigned long long)ecam->base, ecam->start_bus,
		       ecam->end_bus);
	else
		printk("PCI: segment 0 through ports 0xcf8/0xcfc\n");
	scan.read32 = conf_read32;
	scan.write32 = conf_write32;
	pci_scan_buses(&scan);
	for (unsigned int i = 0; i < scan.nr; i++) {
		const struct pci_found *f = &scan.dev[i];

		if (f->header_type == 1)
			printk("PCI: " PCI_SBDF_FMT " %04x:%04x class %06x: "
			       "bridge to bus %02x\n",
			       PCI_SBDF_ARGS(0, PCI_BDF(f->bus, f->dev, f->fn)),
			       f->vendor, f->device, f->class_rev >> 8,
			       f->secondary_bus);
		else
			printk("PCI: " PCI_SBDF_FMT " %04x:%04x class %06x\n",
			       PCI_SBDF_ARGS(0, PCI_BDF(f->bus, f->dev, f->fn)),
			       f->vendor, f->device, f->class_rev >> 8);
		print_bars(f);
	}
	printk("PCI: %u functions on %u buses%s\n", scan.nr, scan.nr_buses,
	       scan.nr_dropped ? " (more not listed)" : "");
	if (scan.nr_bad_bridges)
		printk(KERN_WARNING "PCI: %u bridges with a bad secondary bus "
		       "not followed\n", scan.nr_bad_bridges);
}

const struct pci_found *pci_devices(unsigned int *nr)
{
	*nr = scan.nr;
	return scan.dev;
}

u32 pci_conf_read32(u8 bus, u8 dev, u8 fn, unsigned int reg)
{
	return conf_read32(NULL, bus, dev, fn, reg);
}

void pci_conf_write32(u8 bus, u8 dev, u8 fn, unsigned int reg, u32 val)
{
	conf_write32(NULL, bus, dev, fn, reg, val);
}

u32 pci_conf_read(u16 bdf, unsigned int reg, unsigned int size)
{
	return conf_read(bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, reg, size);
}

void pci_conf_write(u16 bdf, unsigned int reg, unsigned int size, u32 val)
{
	conf_write(bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, reg, size, val);
}

bool pci_ecam_window(u64 pa, u16 *bdf, unsigned int *reg)
{
	u64 off;

	if (!ecam || pa < ecam->base ||
	    (off = pa - ecam->base) >= ((u64)ecam->end_bus + 1) << 20)
		return false;
	*bdf = off >> 12;
	*reg = off & 0xfff;
	return true;
}
