/*
 * Find the IOMMUs the ACPI tables name and log what their registers say.
 * Nothing is written to them: this stage leaves every unit as firmware
 * left it (off, normally), and says so when firmware left one on.
 *
 * A register block is read only where the hypervisor's identity map has
 * it uncached (below 4 GiB, xen/arch/x86/mm.c); a unit whose registers
 * read as all ones is not there, whatever the table says.
 */
#include <xen/acpi.h>
#include <xen/iommu.h>
#include <xen/lib.h>
#include <xen/pci.h>
#include <asm/io.h>

#define MMIO_MAPPED_BELOW (1ULL << 32)

static bool block_mapped(u64 base, u64 size, const char *what,
			 unsigned int unit)
{
	if (base < MMIO_MAPPED_BELOW && size <= MMIO_MAPPED_BELOW - base)
		return true;
	printk(KERN_WARNING "IOMMU: %s unit %u registers at 0x%llx are above "
	       "4 GiB: not probed\n", what, unit, (unsigned long long)base);
	return false;
}

static void probe_vtd(const struct acpi_drhd *u, unsigned int i)
{
	struct vtd_caps c;
	u32 ver;

	/* 11.4: at least one 4 KiB page of registers. */
	if (!block_mapped(u->base, 0x1000ULL << u->size, "VT-d", i))
		return;
	ver = mmio_read32(u->base + VTD_REG_VER);
	if (ver == 0xffffffff) {
		printk(KERN_WARNING "IOMMU: VT-d unit %u at 0x%llx does not "
		       "answer (reads all ones)\n", i,
		       (unsigned long long)u->base);
		return;
	}
	vtd_decode(ver, mmio_read64(u->base + VTD_REG_CAP),
		   mmio_read64(u->base + VTD_REG_ECAP),
		   mmio_read32(u->base + VTD_REG_GSTS), &c);
	printk("IOMMU: VT-d unit %u at 0x%llx: version %u.%u, %u-bit guest "
	       "addresses (SAGAW %#x), %u domain ids, %u fault records%s\n",
	       i, (unsigned long long)u->base, c.major, c.minor, c.mgaw,
	       c.sagaw, c.domains, c.nr_fault_regs,
	       c.caching_mode ? ", caching mode (an emulated unit)" : "");
	printk("IOMMU: VT-d unit %u: queued invalidation %s, interrupt "
	       "remapping %s (x2APIC %s), pass-through %s, coherent walks "
	       "%s%s%s\n", i, c.queued_inval ? "yes" : "no",
	       c.intr_remap ? "yes" : "no", c.x2apic ? "yes" : "no",
	       c.pass_through ? "yes" : "no", c.coherent ? "yes" : "no",
	       c.translating ? "; LEFT TRANSLATING BY FIRMWARE" : "",
	       c.remapping_intr ? "; LEFT REMAPPING INTERRUPTS" : "");
}

static void probe_amd_vi(const struct acpi_ivhd *h, unsigned int i)
{
	struct amd_vi_caps c;
	u64 control;

	/* 3.4: the registers span 16 KiB (status is at 2020h). */
	if (!block_mapped(h->base, 0x4000, "AMD-Vi", i))
		return;
	control = mmio_read64(h->base + AMD_VI_REG_CONTROL);
	if (control == ~0ULL) {
		printk(KERN_WARNING "IOMMU: AMD-Vi unit %u at 0x%llx does not "
		       "answer (reads all ones)\n", i,
		       (unsigned long long)h->base);
		return;
	}
	amd_vi_decode(control, mmio_read64(h->base + AMD_VI_REG_EFR),
		      mmio_read64(h->base + AMD_VI_REG_STATUS), &c);
	printk("IOMMU: AMD-Vi unit %u at 0x%llx (" PCI_SBDF_FMT "): "
	       "%u-level tables, guest translation %s (%u levels), x2APIC "
	       "%s, NX %s, PPR %s, invalidate-all %s%s\n", i,
	       (unsigned long long)h->base, PCI_SBDF_ARGS(h->segment, h->bdf),
	       c.host_levels,
	       c.guest_translation ? "yes" : "no", c.guest_levels,
	       c.x2apic ? "yes" : "no", c.nx ? "yes" : "no",
	       c.ppr ? "yes" : "no", c.invalidate_all ? "yes" : "no",
	       c.enabled ? "; LEFT ENABLED BY FIRMWARE" : "");
}

void iommu_probe(const struct acpi_info *ai)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < ai->dmar.nr_drhd; i++)
		probe_vtd(&ai->dmar.drhd[i], i);
	/* Each IOMMU once: the IVHDs of the type in use (xen/acpi.h). */
	for (unsigned int i = 0; i < ai->ivrs.nr_ivhd; i++)
		if (ai->ivrs.ivhd[i].type == ai->ivrs.ivhd_type)
			probe_amd_vi(&ai->ivrs.ivhd[i], n++);
}
