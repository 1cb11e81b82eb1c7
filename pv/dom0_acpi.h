/*
 * ACPI tables for dom0 (docs/xen-abi.md §A.9(b), §B.1): an RSDP, XSDT,
 * FADT, MADT and DSDT describing a hardware-reduced platform whose only
 * devices are dom0's vCPUs, so Linux's PVH boot enumerates them from the
 * MADT and starts its APs with INIT/SIPI.
 */
#ifndef PV_DOM0_ACPI_H
#define PV_DOM0_ACPI_H

#include <xen/types.h>

/* Every vCPU fits a type 0 MADT entry: APIC ID 2 * 127 = 254 < 255.  This
 * is also Xen's HVM_MAX_VCPUS. */
#define DOM0_ACPI_MAX_VCPUS	128

/* Enough for DOM0_ACPI_MAX_VCPUS (checked at build time). */
#define DOM0_ACPI_MAX_BYTES	4096

/* Bytes dom0_acpi_build() uses for @nr_vcpus (1..DOM0_ACPI_MAX_VCPUS). */
size_t dom0_acpi_size(unsigned int nr_vcpus);

/*
 * Pure: lay the tables out in @buf as they must appear at guest-physical
 * @base_gpa (16-byte aligned, the block below 4 GiB), for vCPUs
 * 0..@nr_vcpus-1 with ACPI processor UID n and APIC ID 2n.  The RSDP comes
 * first, so *rsdp_gpa == @base_gpa; *used is the byte count to copy.
 * Returns 0, or -EINVAL/-ENOSPC with *why set and nothing written.
 */
int dom0_acpi_build(void *buf, size_t len, u64 base_gpa,
		    unsigned int nr_vcpus, u64 *rsdp_gpa, size_t *used,
		    const char **why);

#endif
