/*
 * dom0's view of PCI configuration space (docs/architecture.md, "vPCI"),
 * Xen's vPCI for a PVH hardware domain in its first form: dom0 reaches
 * the configuration space of the functions it owns through 0xCF8/0xCFC
 * and the ECAM window, with the hypervisor in the middle of every access.
 *
 * What the hypervisor does there:
 * - a function dom0 does not own (the IOMMU's own, one given to another
 *   domain) reads all ones and ignores writes, as an empty slot;
 * - memory decoding turned on in the command register maps the
 *   function's memory BARs 1:1 into dom0's p2m as direct MMIO, turned
 *   off unmaps them; a BAR write while they are mapped is ignored (Xen
 *   does the same), so a BAR only moves with decoding off;
 * - the MSI and MSI-X capabilities are taken out of the capability list
 *   and writes to them are dropped: until the hypervisor routes MSIs,
 *   a device must not be able to send one with a vector dom0 chose.
 * Everything else goes to the device as dom0 wrote it.
 */
#ifndef XEN_VPCI_H
#define XEN_VPCI_H

#include <xen/bootinfo.h>
#include <xen/pci.h>
#include <xen/spinlock.h>
#include <xen/types.h>

struct domain;

#define VPCI_MAX_PTRS	24	/* pointer bytes of the visible cap list */
#define VPCI_MAX_HIDDEN	4	/* capabilities taken out of it */
#define VPCI_MAX_KEPT	40	/* host MMIO ranges never mapped */
#define VPCI_MAX_BAR_PAGES (1ULL << 20)	/* 4 GiB: larger are not mapped */

struct vpci_bar {
	u64 addr;		/* where it decodes while mapped */
	u64 size;		/* from the boot scan; 0: none */
	u8 flags;		/* PCI_BAR_* */
	bool mapped;		/* 1:1 in the owner's p2m */
};

struct vpci_dev {
	u16 bdf;
	u8 header_type;		/* 0 endpoint, 1 bridge */
	struct vpci_bar bar[6];
	unsigned int nr_ptrs;
	struct { u8 off, val; } ptr[VPCI_MAX_PTRS];	/* emulated bytes */
	unsigned int nr_hidden;
	struct { u16 off, len; } hidden[VPCI_MAX_HIDDEN];
};

struct vpci {
	spinlock_t lock;
	u32 cf8;		/* CONFIG_ADDRESS as dom0 last wrote it */
	unsigned long bad;	/* refused accesses (counted, logged) */
	const struct e820_entry *host;	/* the host map: its RAM is */
	unsigned int nr_host;		/* never mapped 1:1 */
	unsigned int nr_kept;
	struct mem_range kept[VPCI_MAX_KEPT];	/* nor the hypervisor's MMIO */
	unsigned int nr;
	struct vpci_dev dev[PCI_MAX_DEVICES];
};

/*
 * Give @d (dom0) vPCI over @devs[0..nr) (the boot scan), with @host's RAM
 * and @kept never mapped 1:1.  Functions already decoding memory get their
 * BARs mapped now.  0 or -ENOMEM.
 */
int vpci_hwdom_init(struct domain *d, const struct pci_found *devs,
		    unsigned int nr, const struct e820_entry *host,
		    unsigned int nr_host, const struct mem_range *kept,
		    unsigned int nr_kept);
void vpci_domain_destroy(struct domain *d);

/* A configuration access of @size 1, 2 or 4 at @reg (below 4096,
 * naturally aligned, else refused and counted) of function @bdf. */
u32 vpci_read(struct domain *d, u16 bdf, unsigned int reg, unsigned int size);
void vpci_write(struct domain *d, u16 bdf, unsigned int reg,
		unsigned int size, u32 val);

#endif
