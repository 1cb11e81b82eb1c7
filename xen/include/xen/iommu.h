/*
 * IOMMUs: what each remapping unit the ACPI tables name (xen/acpi.h: DMAR,
 * IVRS) says about itself in its registers, and DMA remapping: every
 * device a domain is given does its DMA through that domain's memory map,
 * which an Intel VT-d unit walks as its own tables (hvm/p2m/p2m.c says why
 * the formats agree) and an AMD-Vi unit through a copy in its format
 * (hvm/p2m_iommu.c).
 *
 * The decoders and the table-entry encoders are pure (caps.c, unit-
 * tested); the probe reads the registers (probe.c); iommu.c keeps who owns
 * what; vtd.c and amd_vi.c program the units.
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
	u8 sllps;			/* bit 0: 2 MiB pages, bit 1: 1 GiB */
	bool drain_reads, drain_writes;	/* CAP.DRD, CAP.DWD */
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
/* Levels of the second-level tables a unit can walk from a p2m: 4 if it
 * has 48-bit tables (SAGAW bit 2), else 3 (bit 1), else 0 (none). */
unsigned int vtd_levels(const struct vtd_caps *c);

/* The rest of VT-d's registers (rev 4.1, 11.4) that vtd.c programs. */
#define VTD_REG_GCMD		0x18
#define VTD_REG_RTADDR		0x20
#define VTD_REG_CCMD		0x28
#define VTD_REG_FSTS		0x34
#define VTD_REG_FECTL		0x38
#define VTD_REG_FEDATA		0x3c
#define VTD_REG_FEADDR		0x40
#define VTD_REG_FEUADDR		0x44
#define VTD_GSTS_TES		(1U << 31)	/* GCMD.TE: translation */
#define VTD_GSTS_RTPS		(1U << 30)	/* GCMD.SRTP: root table */
#define VTD_GSTS_WBFS		(1U << 27)	/* GCMD.WBF: write buffer */
#define VTD_GSTS_QIES		(1U << 26)
#define VTD_GSTS_IRES		(1U << 25)
#define VTD_GSTS_CFIS		(1U << 23)
#define VTD_FSTS_PFO		(1U << 0)	/* fault records overflowed */
#define VTD_FSTS_PPF		(1U << 1)	/* a fault record is pending */
#define VTD_FSTS_FRI(f)		(((f) >> 8) & 0xff)
#define VTD_FECTL_IM		(1U << 31)

/* Root and context entries (9.1, 9.3; legacy mode): 128 bits each. */
struct vtd_entry {
	u64 lo, hi;
};
struct vtd_entry vtd_root_entry(paddr_t context_table);
/* Requests of the device untranslated through the second-level tables at
 * @sl_root (@levels 3 or 4), tagged with domain id @did. */
struct vtd_entry vtd_context_entry(paddr_t sl_root, unsigned int levels,
				   u16 did);
/* One fault recording register (11.4.14): false if its F bit is clear. */
struct vtd_fault {
	u16 sid;			/* requester: bus 15:8, devfn 7:0 */
	u8 reason;			/* 7.1.3's fault reason */
	bool read;			/* else a write */
	u64 addr;			/* the page the request was for */
};
bool vtd_fault_decode(u64 lo, u64 hi, struct vtd_fault *f);
const char *vtd_fault_reason(u8 reason);
void amd_vi_decode(u64 control, u64 efr, u64 status, struct amd_vi_caps *c);

/* One AMD-Vi event log entry (48882 rev 3.x, 2.5): 128 bits. */
#define AMD_VI_EVT_ILLEGAL_DEV_TABLE_ENTRY	0x1
#define AMD_VI_EVT_IO_PAGE_FAULT		0x2
#define AMD_VI_EVT_FLAG_PR	(1U << 4)	/* the page was present */
#define AMD_VI_EVT_FLAG_RW	(1U << 5)	/* a write */
#define AMD_VI_EVT_FLAG_PE	(1U << 6)	/* no permission */
struct amd_vi_event {
	u8 code;
	u16 dev;			/* requester: bus 15:8, devfn 7:0 */
	u16 did;			/* domain id (page faults) */
	u16 flags;			/* AMD_VI_EVT_FLAG_* and the rest */
	u64 addr;
};
void amd_vi_event_decode(u64 lo, u64 hi, struct amd_vi_event *e);
/* A DMA fault the IOMMU blocked (as opposed to other events)? */
bool amd_vi_event_is_fault(const struct amd_vi_event *e);
const char *amd_vi_event_reason(const struct amd_vi_event *e);

/* Read and log each unit's registers (boot, after the ACPI tables). */
void iommu_probe(const struct acpi_info *ai);

struct domain;

/*
 * Boot, after pci_init(): take over the VT-d units (root table set, fault
 * interrupts on, translation still off: nothing is assigned yet).  Logs
 * why when the units cannot be used.
 */
void iommu_setup(const struct acpi_info *ai);
/* DMA is remapped (a unit took the root table); what the summary says. */
bool iommu_enabled(void);
const char *iommu_summary(void);
/*
 * Give the device @bus:@devfn (segment 0) to @d: its DMA goes through
 * @d's p2m from now on, and translation is turned on with the first
 * device.  0, -ENODEV (no remapping), -EBUSY (another domain has it),
 * -ENOSPC (no domain id left) or -ENOMEM.
 */
int iommu_assign_device(struct domain *d, u8 bus, u8 devfn);
/* Does @d own the device @bdf (segment 0)?  Without remapping, dom0 owns
 * every device. */
bool iommu_device_owned_by(const struct domain *d, u16 bdf);
/* Take it back: its DMA is blocked (and faults) from then on. */
void iommu_deassign_device(struct domain *d, u8 bus, u8 devfn);
/* Every device of @d that is still assigned (its death). */
void iommu_domain_teardown(struct domain *d);
/* @d's p2m lost or changed a translation: its devices' IOTLB entries go
 * (called from the p2m's flush with locks held, interrupts maybe off). */
void iommu_flush_domain(struct domain *d);
/* dom0 gets every PCI device found at boot (xen/pci.h), and the firmware's
 * reserved DMA regions 1:1 unless they lie in @host's RAM. */
struct e820_entry;
void iommu_hwdom_init(struct domain *d, const struct e820_entry *host,
		      unsigned int nr_host);
/* DMA faults logged and counted since boot. */
unsigned long iommu_fault_count(void);
/* selftest=iommu: QEMU's "edu" device DMAs through a test domain's p2m
 * (xen/arch/x86/iommu/selftest.c). */
void iommu_selftest(void);

#endif
