/*
 * IOMMUs: what each remapping unit the ACPI tables name (xen/acpi.h: DMAR,
 * IVRS) says about itself in its registers.  This stage only finds and
 * describes them; none is enabled, so DMA is not remapped yet.
 *
 * The decoders are pure (xen/arch/x86/iommu/caps.c, unit-tested); the
 * probe reads the registers (probe.c).
 */
#ifndef XEN_IOMMU_H
#define XEN_IOMMU_H

#include <xen/types.h>

struct acpi_info;

/* Intel VT-d rev 4.1, 11.4.1-11.4.4: VER_REG, CAP_REG, ECAP_REG, GSTS. */
#define VTD_REG_VER		0x00
#define VTD_REG_CAP		0x08
#define VTD_REG_ECAP		0x10
#define VTD_REG_GSTS		0x1c

struct vtd_caps {
	u8 major, minor;
	unsigned int domains;		/* 2^(4 + 2 * ND) domain ids */
	unsigned int mgaw;		/* maximum guest address width, bits */
	u8 sagaw;			/* bit n: (n + 2)-level tables, 30 + 9n bits */
	bool caching_mode;		/* a virtual unit: invalidate on map too */
	bool rwbf;			/* write-buffer flushing needed */
	unsigned int nr_fault_regs;
	unsigned int fault_reg_offset;	/* bytes from the register base */
	bool coherent;			/* ECAP.C: walks snoop the caches */
	bool queued_inval;		/* ECAP.QI */
	bool intr_remap;		/* ECAP.IR */
	bool x2apic;			/* ECAP.EIM: 32-bit destinations */
	bool pass_through;		/* ECAP.PT */
	bool snoop_control;		/* ECAP.SC */
	unsigned int iotlb_offset;	/* ECAP.IRO * 16 */
	bool translating;		/* GSTS.TES: firmware left it on */
	bool remapping_intr;		/* GSTS.IRES */
};

/* AMD 48882 rev 3.x, 3.4: control (18h), extended features (30h) and
 * status (2020h). */
#define AMD_VI_REG_CONTROL	0x18
#define AMD_VI_REG_EFR		0x30
#define AMD_VI_REG_STATUS	0x2020

struct amd_vi_caps {
	bool enabled;			/* CONTROL.IommuEn: firmware left it on */
	bool prefetch, ppr, x2apic, nx, guest_translation, invalidate_all;
	bool guest_apic, hw_error, perf_counters;
	unsigned int host_levels;	/* page-table levels: 4 + HATS */
	unsigned int guest_levels;	/* guest tables: 4 + GATS */
	bool event_log_running, cmd_buf_running;
};

void vtd_decode(u32 ver, u64 cap, u64 ecap, u32 gsts, struct vtd_caps *c);
void amd_vi_decode(u64 control, u64 efr, u64 status, struct amd_vi_caps *c);

/* Read and log each unit's registers (boot, after the ACPI tables). */
void iommu_probe(const struct acpi_info *ai);

#endif
