/*
 * PCI devices of the machine, as the hypervisor finds them at boot: a
 * walk of segment 0 from bus 0 down through every bridge, reading
 * configuration space through ECAM (the MCFG's windows) or, without one,
 * ports 0xCF8/0xCFC.  dom0 reaches them through vPCI (xen/vpci.h).
 *
 * The walk (xen/common/pci_scan.c) is pure and reaches configuration
 * space only through a callback, so it runs in unit tests on a fake bus.
 * Firmware and devices are not trusted: a bridge whose secondary bus is
 * not below it, or was seen already, is not followed.  Each function's
 * BARs are sized the usual way (all ones written with decoding off, the
 * value read back, the old value and command restored).
 */
#ifndef XEN_PCI_H
#define XEN_PCI_H

#include <xen/types.h>

#define PCI_MAX_DEVICES		256

/* Configuration header offsets (PCI Local Bus 3.0, 6.1). */
#define PCI_VENDOR_ID		0x00	/* 16 bits; 0xffff: no function */
#define PCI_COMMAND		0x04	/* 16 bits */
#define  PCI_COMMAND_IO		0x1	/* decode I/O BARs */
#define  PCI_COMMAND_MEMORY	0x2	/* decode memory BARs */
#define  PCI_COMMAND_MASTER	0x4	/* may start DMA */
#define PCI_CLASS_REVISION	0x08	/* class 31:8, revision 7:0 */
#define PCI_HEADER_TYPE		0x0e	/* 7: multi-function; 6:0 layout */
#define PCI_PRIMARY_BUS		0x18	/* bridges: primary, secondary, */
					/* subordinate in bytes 18h-1Ah */
#define PCI_BASE_ADDRESS_0	0x10	/* 6 BARs (layout 0), 2 (bridges) */

/* For printk: "ssss:bb:dd.f" from a segment and a bus/device/function
 * (16 bits: bus 15:8, device 7:3, function 2:0). */
#define PCI_SBDF_FMT "%04x:%02x:%02x.%u"
#define PCI_SBDF_ARGS(seg, bdf) \
	(unsigned int)(seg), (unsigned int)(bdf) >> 8, \
	((unsigned int)(bdf) >> 3) & 0x1f, (unsigned int)(bdf) & 7
#define PCI_BDF(bus, dev, fn) ((u16)((bus) << 8 | (dev) << 3 | (fn)))

/* One base address register (PCI Local Bus 3.0, 6.2.5.1), sized. */
#define PCI_BAR_IO		0x1	/* else memory */
#define PCI_BAR_MEM64		0x2	/* takes the next BAR's slot too */
#define PCI_BAR_PREFETCH	0x4

struct pci_bar {
	u64 addr;			/* as firmware programmed it */
	u64 size;			/* 0: not implemented */
	u8 flags;			/* PCI_BAR_* */
};

struct pci_found {
	u8 bus, dev, fn;
	u16 vendor, device;
	u32 class_rev;			/* class code 31:8, revision 7:0 */
	u8 header_type;			/* layout (bit 7 dropped) */
	u8 secondary_bus;		/* bridges only */
	struct pci_bar bar[6];		/* by BAR index; a 64-bit BAR's upper
					 * slot stays empty */
};

struct pci_scan {
	/* Read or write 32 bits at @reg (4-aligned) of bus:dev.fn of
	 * segment 0.  Writes size the BARs (decoding off meanwhile). */
	u32 (*read32)(void *ctx, u8 bus, u8 dev, u8 fn, unsigned int reg);
	void (*write32)(void *ctx, u8 bus, u8 dev, u8 fn, unsigned int reg,
			u32 val);
	void *ctx;
	unsigned int nr;
	struct pci_found dev[PCI_MAX_DEVICES];
	unsigned int nr_dropped;	/* over PCI_MAX_DEVICES */
	unsigned int nr_bad_bridges;	/* secondary bus not followed */
	unsigned int nr_buses;		/* buses walked */
};

/* Walk from bus 0; @s->read32 and @s->ctx set by the caller. */
void pci_scan_buses(struct pci_scan *s);

struct acpi_info;
/* Boot: list segment 0's devices (xen/arch/x86/pci.c). */
void pci_init(const struct acpi_info *ai);
/* After pci_init(): the functions it found, and configuration space. */
const struct pci_found *pci_devices(unsigned int *nr);
u32 pci_conf_read32(u8 bus, u8 dev, u8 fn, unsigned int reg);
void pci_conf_write32(u8 bus, u8 dev, u8 fn, unsigned int reg, u32 val);
/* @size 1, 2 or 4 bytes at @reg, naturally aligned; registers past 0xff
 * need ECAM (reads all ones, writes dropped without it). */
u32 pci_conf_read(u16 bdf, unsigned int reg, unsigned int size);
void pci_conf_write(u16 bdf, unsigned int reg, unsigned int size, u32 val);
/* Is @pa in the ECAM window used for segment 0?  Then which function and
 * register it addresses. */
bool pci_ecam_window(u64 pa, u16 *bdf, unsigned int *reg);

#endif
