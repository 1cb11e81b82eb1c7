/*
 * ACPI static tables: what the hypervisor needs from the RSDP, RSDT/XSDT,
 * MADT, FADT, HPET and the DSDT's \_S5 object, and where the IOMMUs and
 * the PCI configuration space are (DMAR, IVRS, MCFG).
 *
 * Pure code (xen/arch/x86/acpi/tables.c, s5.c): it never dereferences a
 * physical address itself but goes through a caller-supplied map callback,
 * so the same code runs in the hypervisor and in host unit tests.  Every
 * table is validated (signature, length, checksum) before use; bad tables
 * are logged and skipped.
 */
#ifndef XEN_ACPI_H
#define XEN_ACPI_H

#include <xen/types.h>

/*
 * Return a pointer to @len readable bytes holding physical memory
 * [@pa, @pa + @len), or NULL if that range is not valid memory.  The pointer
 * must stay valid until acpi_parse() returns (true of the identity map).
 */
typedef const void *(*acpi_map_fn)(paddr_t pa, size_t len, void *ctx);

/* ACPI 6.5 5.2.3.2 Generic Address Structure, in its table layout. */
struct acpi_gas {
	u8 space_id;		/* ACPI_GAS_* */
	u8 bit_width;
	u8 bit_offset;
	u8 access_size;		/* 0 undefined, 1 byte ... 4 qword */
	u64 address;		/* 0: register not implemented */
} __attribute__((packed));

#define ACPI_GAS_MEMORY		0
#define ACPI_GAS_IO		1

#define ACPI_MAX_TABLES		32
#define ACPI_MAX_CPUS		256
#define ACPI_MAX_IOAPICS	8
#define ACPI_MAX_OVERRIDES	32
#define ACPI_MAX_NMIS		16

/* One valid table listed by the RSDT/XSDT (or the DSDT), for the log. */
struct acpi_table_desc {
	char sig[5];
	char oem_id[7];
	char oem_table_id[9];
	u8 revision;
	u32 length;
	paddr_t pa;
};

/* ACPI 6.5 5.2.12.2 / 5.2.12.12 Local APIC / Local x2APIC flags. */
#define ACPI_MADT_ENABLED		(1U << 0)
#define ACPI_MADT_ONLINE_CAPABLE	(1U << 1)

struct acpi_cpu {
	u32 apic_id;
	u32 uid;		/* ACPI processor UID (8-bit in type 0) */
	u32 flags;		/* ACPI_MADT_* */
	bool x2apic;		/* came from a type 9 Local x2APIC entry */
};

struct acpi_ioapic {
	u8 id;
	u32 addr;
	u32 gsi_base;
};

/* ACPI 6.5 5.2.12.5 MPS INTI flags. */
#define ACPI_INTI_POLARITY_MASK	0x3	/* 0 bus default, 1 high, 3 low */
#define ACPI_INTI_TRIGGER_MASK	0xc	/* 0 bus default, 4 edge, 0xc level */

struct acpi_irq_override {
	u8 bus;			/* 0: ISA */
	u8 source;		/* bus-relative IRQ */
	u32 gsi;
	u16 flags;		/* ACPI_INTI_* */
};

#define ACPI_NMI_ALL_CPUS	0xffffffffU

struct acpi_lapic_nmi {
	u32 uid;		/* processor UID, or ACPI_NMI_ALL_CPUS */
	u16 flags;		/* ACPI_INTI_* */
	u8 lint;		/* LINT0 or LINT1 */
};

struct acpi_madt_info {
	bool present;
	bool pcat_compat;	/* dual 8259s present: mask them */
	u64 lapic_addr;		/* after any type 5 override */
	unsigned int nr_cpus;	/* enabled CPUs, in table order */
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	unsigned int nr_cpus_disabled;	/* not enabled (hotplug or absent) */
	unsigned int nr_ioapics;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	unsigned int nr_overrides;
	struct acpi_irq_override overrides[ACPI_MAX_OVERRIDES];
	unsigned int nr_nmis;
	struct acpi_lapic_nmi nmis[ACPI_MAX_NMIS];
	unsigned int nr_skipped;	/* malformed, duplicate or over a limit */
};

/* ACPI 6.5 Table 5.10 FADT Flags. */
#define ACPI_FADT_TMR_VAL_EXT		(1U << 8)
#define ACPI_FADT_RESET_REG_SUP		(1U << 10)
#define ACPI_FADT_HW_REDUCED		(1U << 20)

struct acpi_fadt_info {
	bool present;
	u8 revision;
	u32 length;
	u32 flags;		/* ACPI_FADT_* */
	bool hw_reduced;
	u16 sci_irq;
	u32 smi_cmd;		/* I/O port, 0: no SMM handoff needed */
	u8 acpi_enable;		/* value to write to smi_cmd */
	struct acpi_gas pm1a_cnt;
	struct acpi_gas pm1b_cnt;	/* address 0: not implemented */
	struct acpi_gas pm_tmr;
	u16 pm_tmr_port;	/* 0 when absent or not in I/O space */
	bool pm_tmr_32bit;
	bool reset_supported;	/* RESET_REG_SUP and a usable reset_reg */
	struct acpi_gas reset_reg;
	u8 reset_value;
	paddr_t dsdt_pa;
	u32 dsdt_len;		/* 0: DSDT missing or invalid */
	bool have_s5;		/* \_S5 found in a valid DSDT */
	u8 slp_typa, slp_typb;
};

struct acpi_hpet_info {
	bool present;
	u32 block_id;		/* event timer block ID (hardware rev/vendor) */
	struct acpi_gas base;
	u8 number;
	u16 min_tick;
};

/*
 * Intel VT-d (DMAR, VT-d spec rev 4.1, 8.1-8.4): the remapping units and
 * the memory firmware keeps doing DMA to (RMRRs).  A device scope names a
 * device by start bus and a path of (device, function) pairs; the table
 * is kept whole only where later stages need it.
 */
#define ACPI_MAX_DRHD		8
#define ACPI_MAX_RMRR		16
#define ACPI_DMAR_INTR_REMAP		(1U << 0)	/* DMAR flags */
#define ACPI_DMAR_X2APIC_OPT_OUT	(1U << 1)
#define ACPI_DRHD_INCLUDE_PCI_ALL	(1U << 0)	/* DRHD flags */

struct acpi_drhd {
	u64 base;		/* register set, 4 KiB aligned */
	u16 segment;
	u8 flags;		/* ACPI_DRHD_* */
	u8 size;		/* register set: 2^size pages (0: one page) */
	unsigned int nr_scopes;
	unsigned int nr_ioapic_scopes;	/* IO-APICs behind it (remapping) */
};

struct acpi_rmrr {
	u64 base, end;		/* [base, end], end inclusive as in the table */
	u16 segment;
	unsigned int nr_scopes;
};

struct acpi_dmar_info {
	bool present;
	u8 host_addr_width;	/* the table's value + 1: address bits */
	u8 flags;		/* ACPI_DMAR_* */
	unsigned int nr_drhd;
	struct acpi_drhd drhd[ACPI_MAX_DRHD];
	unsigned int nr_rmrr;
	struct acpi_rmrr rmrr[ACPI_MAX_RMRR];
	unsigned int nr_other;	/* ATSR, RHSA, ANDD, SATC...: not used */
	unsigned int nr_skipped;	/* malformed or over a limit */
};

/*
 * AMD-Vi (IVRS, AMD I/O Virtualization Technology spec 48882 rev 3.x,
 * 5.2): one IVHD block per IOMMU and type.  Firmware may describe each
 * IOMMU several times, as types 10h, 11h and 40h; like Linux, the highest
 * type present is the one to use (ivhd_type), the others are kept for
 * the log.
 */
#define ACPI_MAX_IVHD		8
#define ACPI_MAX_IVMD		16

struct acpi_ivhd {
	u8 type;		/* 0x10, 0x11 or 0x40 */
	u8 flags;
	u16 bdf;		/* the IOMMU's own PCI bus/device/function */
	u16 cap_offset;		/* of its capability block in config space */
	u64 base;		/* MMIO registers */
	u16 segment;
	u16 info;		/* MSI number, unit ID */
	u32 feature;		/* type 10h: feature reporting; else attributes */
	u64 efr;		/* types 11h/40h: the EFR register's image */
	unsigned int nr_dev_entries;
};

struct acpi_ivmd {
	u8 type;		/* 0x20 all, 0x21 one device, 0x22 a range */
	u8 flags;
	u16 bdf;		/* device (0x21) or first of the range (0x22) */
	u16 aux;		/* last of the range (0x22) */
	u64 start, length;
};

struct acpi_ivrs_info {
	bool present;
	u32 ivinfo;		/* EFR support, address sizes */
	u8 ivhd_type;		/* the highest IVHD type present, 0: none */
	unsigned int nr_ivhd;
	struct acpi_ivhd ivhd[ACPI_MAX_IVHD];
	unsigned int nr_ivmd;
	struct acpi_ivmd ivmd[ACPI_MAX_IVMD];
	unsigned int nr_skipped;	/* malformed or over a limit */
};

/* PCI Firmware Spec 3.3 4.1.2 (MCFG): ECAM windows. */
#define ACPI_MAX_MCFG		8

struct acpi_mcfg_region {
	u64 base;		/* of bus 0 of the segment, as the spec says */
	u16 segment;
	u8 start_bus, end_bus;
};

struct acpi_mcfg_info {
	bool present;
	unsigned int nr;
	struct acpi_mcfg_region r[ACPI_MAX_MCFG];
	unsigned int nr_skipped;
};

struct acpi_info {
	paddr_t rsdp_pa;	/* 0 when the RSDP was handed over as a copy */
	u8 rsdp_revision;
	char rsdp_oem_id[7];
	bool xsdt;		/* root table is the XSDT, else the RSDT */
	struct acpi_table_desc root;
	unsigned int nr_tables;	/* valid tables listed by the root */
	struct acpi_table_desc tables[ACPI_MAX_TABLES];
	unsigned int nr_bad_tables;	/* listed but failed validation */
	struct acpi_madt_info madt;
	struct acpi_fadt_info fadt;
	struct acpi_hpet_info hpet;
	struct acpi_dmar_info dmar;
	struct acpi_ivrs_info ivrs;
	struct acpi_mcfg_info mcfg;
};

/*
 * Find the RSDP (@rsdp_copy if non-NULL, e.g. from a multiboot2 ACPI tag,
 * at least 20 bytes and 36 if its revision >= 2; else at @rsdp_pa if
 * non-zero; else by the BIOS scan of ACPI 6.5 5.2.5.1) and parse the tables
 * it leads to into @ai.  Returns 0, -ENOENT (no valid RSDP) or -EINVAL (no
 * valid RSDT/XSDT).  Missing or bad MADT/FADT/HPET just leave their
 * .present false.
 */
int acpi_parse(struct acpi_info *ai, paddr_t rsdp_pa, const void *rsdp_copy,
	       acpi_map_fn map, void *ctx);

void acpi_print_summary(const struct acpi_info *ai);

/* Pre: @table is a validated "DMAR", "IVRS" or "MCFG" table of @len bytes
 * (xen/arch/x86/acpi/iommu.c); malformed entries are counted and skipped,
 * a malformed structure header ends the walk. */
void acpi_dmar_parse(struct acpi_dmar_info *di, const void *table, u32 len);
void acpi_ivrs_parse(struct acpi_ivrs_info *ii, const void *table, u32 len);
void acpi_mcfg_parse(struct acpi_mcfg_info *mi, const void *table, u32 len);
void acpi_print_iommu(const struct acpi_info *ai);

/*
 * Find Name(_S5_, Package(){SLP_TYPa, SLP_TYPb, ...}) in a DSDT image of
 * @len bytes (header included).  Returns 0, -ENOENT or -EINVAL; the outputs
 * are written only on success.
 */
int acpi_find_s5(const void *dsdt_aml, size_t len, u8 *slp_typa, u8 *slp_typb);

/* The PM1x_CNT value that enters sleep state @slp_typ (ACPI 6.5 4.8.3.2.1). */
u16 acpi_pm1_sleep_value(u8 slp_typ);

#endif
