/*
 * dom0's guest-physical layout (docs/architecture.md, "dom0's memory").
 *
 * dom0 owns the machine's devices, so its guest-physical space has the
 * host's shape: its RAM lies only where the host has RAM, host RAM past
 * its share is listed unusable, and every non-RAM range of the host map
 * (reserved, ACPI, NVS, unusable) is a non-RAM range of dom0's map at the
 * same address.  The holes between them stay holes, for the PCI BARs dom0
 * maps 1:1.  This is the layout Xen gives a PVH dom0 (pvh_setup_e820()).
 *
 * Some host ranges dom0 sees 1:1 (direct MMIO, no copy), as Xen's PVH
 * dom0 does: below 1 MiB everything that is not dom0's RAM (the EBDA, VGA
 * window, option ROMs and BIOS, where legacy tables live), the host's
 * ACPI and NVS ranges (the firmware's tables and the memory its AML
 * uses), and its reserved ranges below 4 GiB (SMBIOS tables, platform
 * devices' registers; not with dom0-iommu=no-map-reserved), except what
 * the hypervisor keeps: the interrupt address window, the IO-APICs, HPET,
 * IOMMUs and ECAM windows.
 */
#ifndef PV_DOM0_MEMMAP_H
#define PV_DOM0_MEMMAP_H

#include <xen/bootinfo.h>
#include <xen/sched.h>
#include <xen/types.h>

struct dom0_layout {
	struct e820_entry map[DOMAIN_MAX_E820];	/* sorted, disjoint */
	unsigned int nr_map;
	u64 ram_bytes;		/* RAM and ACPI entries: what is populated */
	u64 acpi_gpa;		/* the E820_ACPI entry for our tables */
	u64 acpi_size;		/* (0, 0: none asked for) */
};

/*
 * Pure: lay out @ram_bytes (page multiple) of dom0 RAM over @host (a map
 * e820_sanitize() made), lowest host RAM first, each host RAM entry
 * trimmed to whole pages; the rest of the host's RAM becomes
 * E820_UNUSABLE.  Then @acpi_bytes for dom0's own ACPI tables
 * are taken from the top of the highest RAM entry between 1 MiB and
 * 4 GiB and listed as E820_ACPI.  Less RAM than asked is given if the
 * host has no more.  Returns 0, or -ENOMEM/-ENOSPC with *why set.
 */
int dom0_layout_build(const struct e820_entry *host, unsigned int nr_host,
		      u64 ram_bytes, u64 acpi_bytes, struct dom0_layout *l,
		      const char **why);

/*
 * Pure: call @fn for each maximal run [pfn, pfn + nr) of host pages dom0
 * sees 1:1 under layout @l (see above).  Never a page that lies wholly in
 * host RAM (the allocator's), one dom0 has RAM at, or one that overlaps
 * @deny[0..nr_deny) (the hypervisor's own MMIO); reserved ranges above
 * 1 MiB only with @reserved.  Stops at and returns @fn's first non-zero
 * result.
 */
int dom0_identity_ranges(const struct e820_entry *host, unsigned int nr_host,
			 const struct dom0_layout *l, bool reserved,
			 const struct mem_range *deny, unsigned int nr_deny,
			 int (*fn)(void *ctx, u64 pfn, u64 nr), void *ctx);

#endif
