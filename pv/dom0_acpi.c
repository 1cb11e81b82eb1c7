/*
 * dom0's ACPI tables (docs/xen-abi.md §A.9(b), §B.1).
 *
 * Linux's PVH entry takes its ACPI root from hvm_start_info.rsdp_paddr;
 * without tables it runs uniprocessor.  These tables describe the platform
 * dom0 actually gets: a local APIC per vCPU and nothing else.
 *
 *   +0x000 RSDP  ACPI 2.0+, XSDT only (no RSDT, as Xen's PVH dom0 RSDP)
 *   +0x030 XSDT  -> FADT, MADT
 *   +0x070 FADT  revision 6.1, HW_REDUCED_ACPI, -> DSDT
 *   +0x190 DSDT  header only: there are no devices to describe
 *   +0x1c0 MADT  LAPIC 0xFEE00000, no PCAT_COMPAT, one type 0 entry per
 *                vCPU n: UID n, APIC ID 2n, enabled; no IO-APIC
 *
 * Choices, against Linux 6.1 (arch/x86/kernel/acpi/boot.c, ACPICA):
 * - HW-reduced: ACPICA then needs no FACS, SCI, PM1/GPE blocks or global
 *   lock, and x86 installs its reduced-hardware init (no legacy PIC, no
 *   PIT/HPET timer set-up).  Xen's libacpi instead gives a PVH domU the
 *   HVM FADT (PM1a at 0xb000, SCI 9) and a PVH dom0 the host's FADT.
 * - MADT flags 0: dom0 has no 8259s.  (HW-reduced already makes Linux
 *   use its null PIC; without it, PCAT_COMPAT would make Linux 6.1 skip
 *   its 8259 probe and assume a PIC.)
 * - No IO-APIC entry: Linux then keeps no IO-APIC and Xen's PVH code
 *   switches ACPI to the "platform" IRQ model; dom0's interrupts are
 *   event channels.
 * - UID n: Linux makes the MADT processor UID the AP's Xen vCPU id
 *   (xen_cpu_up_prepare_hvm(), cpu_acpi_id()).  APIC ID 2n is Xen's
 *   convention (libxl acpi_lapic_id(), Xen's dom0 MADT).  Type 0 entries
 *   are what ACPI 6.5 5.2.12.12 prescribes for APIC IDs below 255; Xen's
 *   dom0 MADT uses type 9 for all, which Linux 6.1 also accepts.
 * - No Processor objects in the DSDT: Linux brings CPUs up from the MADT
 *   alone; the objects serve ACPI vCPU hot-plug, _CST/_PSS and
 *   xen-acpi-processor, none of which dom0 has here.
 */
#include <xen/acpi.h>
#include <xen/acpi_layout.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <pv/dom0_acpi.h>

#define D0_OEM_ID		"AMPHI "
#define D0_OEM_TABLE_ID		"AMPHIXEN"
#define D0_CREATOR_ID		"AMPH"
#define D0_LAPIC_ADDR		0xfee00000U

/*
 * ACPI 6.5 5.2.9 FADT flags: WBINVD works; no fixed power or sleep
 * button (Linux 6.1's acpi_bus_scan_fixed() would otherwise add button
 * devices even on HW-reduced platforms); APIC physical destination mode
 * only, so Linux picks physflat / x2apic_phys and never needs the
 * vLAPIC's logical (LDR/DFR, x2APIC cluster) addressing.
 */
#define D0_FADT_WBINVD		(1U << 0)
#define D0_FADT_PWR_BUTTON	(1U << 4)
#define D0_FADT_SLP_BUTTON	(1U << 5)
#define D0_FADT_APIC_PHYSICAL	(1U << 19)
#define D0_FADT_FLAGS		(D0_FADT_WBINVD | D0_FADT_PWR_BUTTON | \
				 D0_FADT_SLP_BUTTON | D0_FADT_APIC_PHYSICAL | \
				 ACPI_FADT_HW_REDUCED)

/*
 * ACPI 6.5 5.2.9 IA-PC Boot Architecture Flags, as Linux 6.1 reads them
 * (acpi_parse_fadt(), acpi_pci_init()).  Clear: LEGACY_DEVICES (no
 * LPC/ISA devices: no PnP BIOS probe) and 8042 (the i8042 driver backs
 * off).  Set: NO_VGA, NO_MSI (dom0 has no PCI devices) and NO_CMOS_RTC
 * (no RTC platform device; the wallclock comes from shared_info).
 * NO_VGA + NO_CMOS_RTC is also what Linux's xen_hvm_guest_late_init()
 * takes as the mark of PVH, and what Xen's libacpi sets for PVH guests.
 */
#define D0_BOOT_NO_VGA		(1U << 2)
#define D0_BOOT_NO_MSI		(1U << 3)
#define D0_BOOT_NO_CMOS_RTC	(1U << 5)
#define D0_BOOT_ARCH		(D0_BOOT_NO_VGA | D0_BOOT_NO_MSI | \
				 D0_BOOT_NO_CMOS_RTC)

/* The layout: offsets from the base, each table 16-byte aligned. */
#define D0_A16(x)		(((x) + 15) & ~(size_t)15)
#define D0_XSDT_ENTRIES		2	/* FADT, MADT */
#define D0_XSDT_LEN		(sizeof(struct acpi_header) + 8 * D0_XSDT_ENTRIES)
#define D0_DSDT_LEN		sizeof(struct acpi_header)
#define D0_MADT_LEN(n)		(sizeof(struct acpi_madt) + \
				 (n) * sizeof(struct acpi_madt_lapic))
#define D0_OFF_RSDP		0
#define D0_OFF_XSDT		D0_A16(D0_OFF_RSDP + sizeof(struct acpi_rsdp))
#define D0_OFF_FADT		D0_A16(D0_OFF_XSDT + D0_XSDT_LEN)
#define D0_OFF_DSDT		D0_A16(D0_OFF_FADT + sizeof(struct acpi_fadt))
#define D0_OFF_MADT		D0_A16(D0_OFF_DSDT + D0_DSDT_LEN)
#define D0_SIZE(n)		(D0_OFF_MADT + D0_MADT_LEN(n))

BUILD_BUG_ON(D0_SIZE(DOM0_ACPI_MAX_VCPUS) > DOM0_ACPI_MAX_BYTES);
/* Type 0 entries hold 8-bit UIDs and APIC IDs below 255. */
BUILD_BUG_ON(2 * (DOM0_ACPI_MAX_VCPUS - 1) >= 0xff);

size_t dom0_acpi_size(unsigned int nr_vcpus)
{
	return D0_SIZE((size_t)nr_vcpus);
}

static void d0_header(struct acpi_header *h, const char *sig, size_t len,
		      u8 revision)
{
	memcpy(h->signature, sig, sizeof(h->signature));
	h->length = len;
	h->revision = revision;
	memcpy(h->oem_id, D0_OEM_ID, sizeof(h->oem_id));
	memcpy(h->oem_table_id, D0_OEM_TABLE_ID, sizeof(h->oem_table_id));
	h->oem_revision = 1;
	memcpy(h->creator_id, D0_CREATOR_ID, sizeof(h->creator_id));
	h->creator_revision = 1;
}

/* Pre: the table's bytes are final but for the checksum, which is 0. */
static void d0_seal(struct acpi_header *h)
{
	h->checksum = -acpi_checksum(h, h->length);
}

static void d0_rsdp(u8 *base, u64 xsdt_gpa)
{
	struct acpi_rsdp *r = (void *)(base + D0_OFF_RSDP);

	memcpy(r->signature, ACPI_RSDP_SIG, sizeof(r->signature));
	memcpy(r->oem_id, D0_OEM_ID, sizeof(r->oem_id));
	r->revision = 2;
	r->length = sizeof(*r);
	r->xsdt_address = xsdt_gpa;
	r->checksum = -acpi_checksum(r, ACPI_RSDP_V1_LEN);
	r->ext_checksum = -acpi_checksum(r, sizeof(*r));
}

static void d0_xsdt(u8 *base, u64 base_gpa)
{
	struct acpi_header *h = (void *)(base + D0_OFF_XSDT);
	const u64 entries[D0_XSDT_ENTRIES] = {
		base_gpa + D0_OFF_FADT, base_gpa + D0_OFF_MADT,
	};

	d0_header(h, "XSDT", D0_XSDT_LEN, 1);
	memcpy(h + 1, entries, sizeof(entries));
	d0_seal(h);
}

/*
 * The FADT in its ACPI 6.1 form (revision 6, minor 1, 276 bytes): the
 * newest Linux 6.1's ACPICA knows (ACPI_FADT_CONFORMANCE), so it uses the
 * table as is.  HW_REDUCED_ACPI needs revision 5+.  With it set, OSPM
 * ignores SCI_INT ... CENTURY and X_PM1a_EVT_BLK ... X_GPE1_BLK (the
 * fixed hardware), all left zero here, as are FIRMWARE_CTRL (no FACS:
 * HW-reduced), PREFERRED_PM_PROFILE (unspecified), RESET_REG (none:
 * reboot is a hypercall) and the sleep registers (no ACPI sleep states).
 */
static void d0_fadt(u8 *base, u64 base_gpa)
{
	struct acpi_fadt *f = (void *)(base + D0_OFF_FADT);
	u64 dsdt = base_gpa + D0_OFF_DSDT;

	d0_header(&f->h, "FACP", sizeof(*f), 6);
	f->minor_version = 1;
	f->flags = D0_FADT_FLAGS;
	f->iapc_boot_arch = D0_BOOT_ARCH;
	/* Both, equal: ACPICA warns when a non-zero 32-bit copy differs. */
	f->dsdt = dsdt;
	f->x_dsdt = dsdt;
	d0_seal(&f->h);
}

/* Revision 2: AML integers are 64-bit (ACPI 6.5 5.2.11.1). */
static void d0_dsdt(u8 *base)
{
	struct acpi_header *h = (void *)(base + D0_OFF_DSDT);

	d0_header(h, "DSDT", D0_DSDT_LEN, 2);
	d0_seal(h);
}

/* Revision 4, ACPI 6.1's, like Xen's dom0 MADT. */
static void d0_madt(u8 *base, unsigned int nr_vcpus)
{
	struct acpi_madt *m = (void *)(base + D0_OFF_MADT);
	struct acpi_madt_lapic *l = (void *)(m + 1);

	d0_header(&m->h, "APIC", D0_MADT_LEN(nr_vcpus), 4);
	m->lapic_addr = D0_LAPIC_ADDR;
	m->flags = 0;		/* no PCAT_COMPAT, i.e. no 8259s */
	for (unsigned int n = 0; n < nr_vcpus; n++, l++) {
		l->e.type = 0;
		l->e.length = sizeof(*l);
		l->uid = n;
		l->apic_id = 2 * n;
		l->flags = ACPI_MADT_ENABLED;
	}
	d0_seal(&m->h);
}

int dom0_acpi_build(void *buf, size_t len, u64 base_gpa,
		    unsigned int nr_vcpus, u64 *rsdp_gpa, size_t *used,
		    const char **why)
{
	size_t size;

	if (!nr_vcpus || nr_vcpus > DOM0_ACPI_MAX_VCPUS) {
		*why = "ACPI tables: vCPU count out of range";
		return -EINVAL;
	}
	size = D0_SIZE((size_t)nr_vcpus);
	/* The FADT's 32-bit DSDT field and the legacy RSDP scan (16-byte
	 * steps) need these; Xen keeps dom0's tables below 4 GiB too. */
	if (!IS_ALIGNED(base_gpa, 16) || base_gpa > (1ULL << 32) - size) {
		*why = "ACPI tables: base unaligned or not below 4 GiB";
		return -EINVAL;
	}
	if (len < size) {
		*why = "ACPI tables: buffer too small";
		return -ENOSPC;
	}

	/* Zero first: padding and every field not set below stay 0. */
	memset(buf, 0, size);
	d0_dsdt(buf);
	d0_fadt(buf, base_gpa);
	d0_madt(buf, nr_vcpus);
	d0_xsdt(buf, base_gpa);
	d0_rsdp(buf, base_gpa + D0_OFF_XSDT);
	*rsdp_gpa = base_gpa + D0_OFF_RSDP;
	*used = size;
	return 0;
}
