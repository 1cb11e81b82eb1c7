/*
 * ACPI table layouts (ACPI 6.5 chapter 5) shared by the hypervisor's ACPI
 * parser (xen/arch/x86/acpi/) and dom0's ACPI table builder
 * (pv/dom0_acpi.c): the RSDP, the common table header, the FADT, the MADT
 * header and its Local APIC entry, and the checksum rule.  Layouts only
 * one side needs stay private to it.
 */
#ifndef XEN_ACPI_LAYOUT_H
#define XEN_ACPI_LAYOUT_H

#include <xen/acpi.h>
#include <xen/lib.h>
#include <xen/types.h>

/* ACPI 6.5 5.2.5.3 RSDP structure. */
#define ACPI_RSDP_SIG		"RSD PTR "
#define ACPI_RSDP_V1_LEN	20
#define ACPI_RSDP_V2_LEN	36

struct acpi_rsdp {
	char signature[8];
	u8 checksum;		/* over the first 20 bytes */
	char oem_id[6];
	u8 revision;		/* 0: ACPI 1.0, 2: ACPI 2.0+ */
	u32 rsdt_address;
	u32 length;		/* ACPI 2.0+ from here on */
	u64 xsdt_address;
	u8 ext_checksum;	/* over all 36 bytes */
	u8 reserved[3];
} __packed;

/* ACPI 6.5 5.2.6 System Description Table Header. */
struct acpi_header {
	char signature[4];
	u32 length;
	u8 revision;
	u8 checksum;
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	char creator_id[4];
	u32 creator_revision;
} __packed;

/*
 * ACPI 6.5 5.2.9 FADT, in its ACPI 6.1+ form (revision 6, 276 bytes).
 * Older tables are shorter: a field is present only if the table's length
 * covers it.
 */
struct acpi_fadt {
	struct acpi_header h;
	u32 firmware_ctrl;
	u32 dsdt;
	u8 reserved0;
	u8 preferred_pm_profile;
	u16 sci_int;
	u32 smi_cmd;
	u8 acpi_enable;
	u8 acpi_disable;
	u8 s4bios_req;
	u8 pstate_cnt;
	u32 pm1a_evt_blk;
	u32 pm1b_evt_blk;
	u32 pm1a_cnt_blk;
	u32 pm1b_cnt_blk;
	u32 pm2_cnt_blk;
	u32 pm_tmr_blk;
	u32 gpe0_blk;
	u32 gpe1_blk;
	u8 pm1_evt_len;
	u8 pm1_cnt_len;
	u8 pm2_cnt_len;
	u8 pm_tmr_len;
	u8 gpe0_blk_len;
	u8 gpe1_blk_len;
	u8 gpe1_base;
	u8 cst_cnt;
	u16 p_lvl2_lat;
	u16 p_lvl3_lat;
	u16 flush_size;
	u16 flush_stride;
	u8 duty_offset;
	u8 duty_width;
	u8 day_alrm;
	u8 mon_alrm;
	u8 century;
	u16 iapc_boot_arch;
	u8 reserved1;
	u32 flags;		/* end of the ACPI 1.0 FADT: 116 bytes */
	struct acpi_gas reset_reg;
	u8 reset_value;
	u16 arm_boot_arch;
	u8 minor_version;
	u64 x_firmware_ctrl;
	u64 x_dsdt;
	struct acpi_gas x_pm1a_evt_blk;
	struct acpi_gas x_pm1b_evt_blk;
	struct acpi_gas x_pm1a_cnt_blk;
	struct acpi_gas x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk;
	struct acpi_gas x_pm_tmr_blk;
	struct acpi_gas x_gpe0_blk;
	struct acpi_gas x_gpe1_blk;
	struct acpi_gas sleep_control_reg;
	struct acpi_gas sleep_status_reg;
	u64 hypervisor_vendor_id;
} __packed;

#define ACPI_FADT_V1_LEN	116

/* ACPI 6.5 5.2.12 MADT header. */
struct acpi_madt {
	struct acpi_header h;
	u32 lapic_addr;
	u32 flags;		/* ACPI_MADT_PCAT_COMPAT */
} __packed;

#define ACPI_MADT_PCAT_COMPAT	(1U << 0)

/* ACPI 6.5 5.2.12 Interrupt Controller Structure header. */
struct acpi_madt_entry {
	u8 type;
	u8 length;
} __packed;

/* ACPI 6.5 5.2.12.2 Processor Local APIC (type 0); flags are ACPI_MADT_*. */
struct acpi_madt_lapic {
	struct acpi_madt_entry e;
	u8 uid;
	u8 apic_id;
	u32 flags;
} __packed;

BUILD_BUG_ON(sizeof(struct acpi_rsdp) != ACPI_RSDP_V2_LEN);
BUILD_BUG_ON(sizeof(struct acpi_header) != 36);
BUILD_BUG_ON(sizeof(struct acpi_gas) != 12);
BUILD_BUG_ON(offsetof(struct acpi_fadt, iapc_boot_arch) != 109);
BUILD_BUG_ON(offsetof(struct acpi_fadt, flags) != 112);
BUILD_BUG_ON(offsetof(struct acpi_fadt, reset_reg) != ACPI_FADT_V1_LEN);
BUILD_BUG_ON(offsetof(struct acpi_fadt, minor_version) != 131);
BUILD_BUG_ON(offsetof(struct acpi_fadt, x_dsdt) != 140);
BUILD_BUG_ON(offsetof(struct acpi_fadt, x_pm1a_cnt_blk) != 172);
BUILD_BUG_ON(offsetof(struct acpi_fadt, x_pm_tmr_blk) != 208);
BUILD_BUG_ON(offsetof(struct acpi_fadt, sleep_control_reg) != 244);
BUILD_BUG_ON(sizeof(struct acpi_fadt) != 276);
BUILD_BUG_ON(sizeof(struct acpi_madt) != 44);
BUILD_BUG_ON(sizeof(struct acpi_madt_lapic) != 8);

/*
 * ACPI 6.5 5.2.6: all bytes of a valid table, checksum included, sum to 0
 * (mod 256).  Returns the sum of @len bytes at @p: 0 for a valid table, and
 * a builder stores the negated sum of the bytes with the checksum 0.
 */
static inline u8 acpi_checksum(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

#endif
