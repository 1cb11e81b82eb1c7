/*
 * Definitions shared by the ACPI table parsers in this directory (tables.c,
 * madt.c).  Not for use outside xen/arch/x86/acpi/; the spec layouts dom0's
 * table builder also needs are in <xen/acpi_layout.h>.
 */
#ifndef ACPI_INTERNAL_H
#define ACPI_INTERNAL_H

#include <xen/acpi.h>
#include <xen/acpi_layout.h>
#include <xen/lib.h>

/* No real table comes close; this only stops a garbage length early. */
#define ACPI_TABLE_MAX_LEN	(16U << 20)

/* IA-PC HPET Specification 1.0a, 3.2.4 (signature reserved by ACPI 5.2.6). */
struct acpi_hpet {
	struct acpi_header h;
	u32 block_id;
	struct acpi_gas base;
	u8 number;
	u16 min_tick;
	u8 page_protection;
} __packed;

BUILD_BUG_ON(sizeof(struct acpi_hpet) != 56);

/* Pre: @table is a validated "APIC" table of @len bytes. */
void acpi_madt_parse(struct acpi_madt_info *m, const void *table, u32 len);

#endif
