/*
 * Definitions shared by the ACPI table parsers in this directory (tables.c,
 * madt.c).  Not for use outside xen/arch/x86/acpi/.
 */
#ifndef ACPI_INTERNAL_H
#define ACPI_INTERNAL_H

#include <xen/acpi.h>
#include <xen/lib.h>

/* No real table comes close; this only stops a garbage length early. */
#define ACPI_TABLE_MAX_LEN	(16U << 20)

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
	u32 creator_id;
	u32 creator_revision;
} __packed;

/* IA-PC HPET Specification 1.0a, 3.2.4 (signature reserved by ACPI 5.2.6). */
struct acpi_hpet {
	struct acpi_header h;
	u32 block_id;
	struct acpi_gas base;
	u8 number;
	u16 min_tick;
	u8 page_protection;
} __packed;

BUILD_BUG_ON(sizeof(struct acpi_rsdp) != ACPI_RSDP_V2_LEN);
BUILD_BUG_ON(sizeof(struct acpi_header) != 36);
BUILD_BUG_ON(sizeof(struct acpi_gas) != 12);
BUILD_BUG_ON(sizeof(struct acpi_hpet) != 56);

/* Pre: @table is a validated "APIC" table of @len bytes. */
void acpi_madt_parse(struct acpi_madt_info *m, const void *table, u32 len);

#endif
