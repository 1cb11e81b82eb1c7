/*
 * Configuration space of PCI segment 0 at boot, and the list of its
 * devices with their BARs (xen/pci.h).  ECAM (PCI Express Base 4.0,
 * 7.2.2) where the MCFG gives a window for the bus and the identity map
 * has it (below 4 GiB, uncached: xen/arch/x86/mm.c); otherwise
 * configuration mechanism #1, ports 0xCF8/0xCFC (PCI Local Bus 3.0,
 * 3.2.2.3.2), which reaches the first 256 bytes of every function.  Boot
 * runs on one CPU with nothing else touching the ports, so no lock is
 * taken yet.
 */
#include <xen/acpi.h>
#include <xen/lib.h>
#include <xen/pci.h>
#include <asm/io.h>

#define ECAM_MAPPED_BELOW (1ULL << 32)

static const struct acpi_mcfg_region *ecam;

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

static u32 conf_read32(void *ctx, u8 bus, u8 dev, u8 fn, unsigned int reg)
{
	if (ecam && bus <= ecam->end_bus)
		return mmio_read32(ecam_addr(bus, dev, fn, reg));
	cf8_select(bus, dev, fn, reg);
	return inl(0xcfc);
}

static void conf_write32(void *ctx, u8 bus, u8 dev, u8 fn, unsigned int reg,
			 u32 val)
{
	if (ecam && bus <= ecam->end_bus) {
		mmio_write32(ecam_addr(bus, dev, fn, reg), val);
		return;
	}
	cf8_select(bus, dev, fn, reg);
	outl(val, 0xcfc);
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
