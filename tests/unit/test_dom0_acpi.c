/*
 * dom0's ACPI tables (pv/dom0_acpi.c), read back by Amphi's own ACPI
 * parser (xen/arch/x86/acpi/tables.c, madt.c) from a fake physical memory,
 * and checked byte by byte at ACPI 6.5 offsets, independently of both the
 * builder's and the parser's structs.
 *
 * As in test_acpi.c, the map callback hands out an exactly-sized heap copy
 * of each range, so AddressSanitizer catches a read past what was asked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xen/acpi.h>
#include <xen/errno.h>
#include <pv/dom0_acpi.h>

#include "unit.h"

/* ---- Fake physical memory: one region holding the tables ------------ */

#define MEM_SIZE	0x20000ULL

struct bounce {
	struct bounce *next;
	uint8_t data[];
};

static struct {
	uint64_t base;
	uint8_t *mem;
	struct bounce *bounces;
} fm;

static const void *fake_map(paddr_t pa, size_t len, void *ctx)
{
	struct bounce *b;

	if (pa < fm.base || len > MEM_SIZE || pa - fm.base > MEM_SIZE - len)
		return NULL;
	b = malloc(sizeof(*b) + len);
	if (!b)
		abort();
	memcpy(b->data, fm.mem + (pa - fm.base), len);
	b->next = fm.bounces;
	fm.bounces = b;
	return b->data;
}

static void mem_init(uint64_t base)
{
	fm.base = base;
	fm.mem = malloc(MEM_SIZE);
	memset(fm.mem, 0xa5, MEM_SIZE);
}

static void mem_free(void)
{
	struct bounce *b;

	while ((b = fm.bounces)) {
		fm.bounces = b->next;
		free(b);
	}
	free(fm.mem);
	memset(&fm, 0, sizeof(fm));
}

static uint8_t *at(uint64_t pa)
{
	if (pa < fm.base || pa - fm.base >= MEM_SIZE)
		abort();
	return fm.mem + (pa - fm.base);
}

static uint64_t get(const uint8_t *p, unsigned int off, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[off + n];
	return v;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

/* Build for @n vCPUs at @base (fake memory must be set up); 0 or rc. */
static int build(uint64_t base, unsigned int n, uint64_t *rsdp, size_t *used)
{
	const char *why = NULL;
	int rc;

	*rsdp = 0;
	*used = 0;
	rc = dom0_acpi_build(at(base), MEM_SIZE - (base - fm.base), base, n,
			     rsdp, used, &why);
	CHECK(rc ? why != NULL : why == NULL);
	return rc;
}

static struct acpi_info ai;

static int parse(paddr_t rsdp)
{
	return acpi_parse(&ai, rsdp, NULL, fake_map, NULL);
}

/* ---- What every build must look like ---------------------------------- */

/* The tables as Amphi's parser sees them. */
static void check_parsed(unsigned int n)
{
	const struct acpi_madt_info *m = &ai.madt;
	const struct acpi_fadt_info *f = &ai.fadt;

	CHECK_EQ(ai.rsdp_revision, 2);
	CHECK(!strcmp(ai.rsdp_oem_id, "AMPHI "));
	CHECK(ai.xsdt);
	CHECK(!strcmp(ai.root.sig, "XSDT"));
	CHECK_EQ(ai.nr_bad_tables, 0);
	/* XSDT order, the DSDT reached through the FADT. */
	CHECK_EQ(ai.nr_tables, 3);
	CHECK(!strcmp(ai.tables[0].sig, "FACP"));
	CHECK(!strcmp(ai.tables[1].sig, "DSDT"));
	CHECK(!strcmp(ai.tables[2].sig, "APIC"));
	for (unsigned int i = 0; i < 3; i++) {
		CHECK(!strcmp(ai.tables[i].oem_id, "AMPHI "));
		CHECK(!strcmp(ai.tables[i].oem_table_id, "AMPHIXEN"));
	}

	CHECK(f->present);
	CHECK_EQ(f->revision, 6);
	CHECK_EQ(f->length, 276);
	CHECK(f->hw_reduced);
	CHECK_EQ(f->flags & ACPI_FADT_HW_REDUCED, ACPI_FADT_HW_REDUCED);
	CHECK_EQ(f->sci_irq, 0);
	CHECK_EQ(f->smi_cmd, 0);
	CHECK(!f->reset_supported);
	CHECK_EQ(f->dsdt_pa, ai.tables[1].pa);
	CHECK_EQ(f->dsdt_len, 36);
	CHECK(!f->have_s5);

	CHECK(m->present);
	CHECK(!m->pcat_compat);
	CHECK_EQ(m->lapic_addr, 0xfee00000);
	CHECK_EQ(m->nr_cpus, n);
	CHECK_EQ(m->nr_cpus_disabled, 0);
	CHECK_EQ(m->nr_ioapics, 0);
	CHECK_EQ(m->nr_overrides, 0);
	CHECK_EQ(m->nr_nmis, 0);
	CHECK_EQ(m->nr_skipped, 0);
	for (unsigned int i = 0; i < n && i < ACPI_MAX_CPUS; i++) {
		CHECK_EQ(m->cpus[i].uid, i);
		CHECK_EQ(m->cpus[i].apic_id, 2 * i);
		CHECK_EQ(m->cpus[i].flags, ACPI_MADT_ENABLED);
		CHECK(!m->cpus[i].x2apic);
	}
	CHECK(!ai.hpet.present);
}

/* The same tables read at their ACPI 6.5 byte offsets. */
static void check_bytes(uint64_t rsdp_pa, size_t used, unsigned int n)
{
	uint64_t end = rsdp_pa + used, xsdt, fadt, madt, dsdt;
	const uint8_t *r = at(rsdp_pa), *t;

	/* RSDP (5.2.5.3): revision 2, no RSDT, both checksums. */
	CHECK(!memcmp(r, "RSD PTR ", 8));
	CHECK_EQ(r[15], 2);
	CHECK_EQ(get(r, 16, 4), 0);
	CHECK_EQ(get(r, 20, 4), 36);
	CHECK_EQ(sum(r, 20), 0);
	CHECK_EQ(sum(r, 36), 0);
	xsdt = get(r, 24, 8);

	/* XSDT: FADT and MADT, every table inside [rsdp, rsdp + used). */
	t = at(xsdt);
	CHECK_EQ(get(t, 4, 4), 36 + 2 * 8);
	fadt = get(t, 36, 8);
	madt = get(t, 44, 8);
	CHECK(!memcmp(at(fadt), "FACP", 4) && !memcmp(at(madt), "APIC", 4));

	/* FADT (5.2.9): 276 bytes, revision 6.1, flags WBINVD, PWR_BUTTON,
	 * SLP_BUTTON, APIC_PHYSICAL, HW_REDUCED, boot arch NO_VGA|NO_MSI|
	 * NO_CMOS_RTC, no FACS, DSDT == X_DSDT. */
	t = at(fadt);
	CHECK_EQ(get(t, 4, 4), 276);
	CHECK_EQ(t[8], 6);
	CHECK_EQ(t[131], 1);
	CHECK_EQ(get(t, 112, 4), 1 << 0 | 1 << 4 | 1 << 5 | 1 << 19 | 1 << 20);
	CHECK_EQ(get(t, 109, 2), 0x2c);
	CHECK_EQ(get(t, 36, 4), 0);
	CHECK_EQ(get(t, 132, 8), 0);
	CHECK_EQ(get(t, 46, 2), 0);			/* SCI_INT */
	dsdt = get(t, 140, 8);
	CHECK_EQ(get(t, 40, 4), dsdt);

	/* DSDT: header only, revision 2. */
	t = at(dsdt);
	CHECK(!memcmp(t, "DSDT", 4));
	CHECK_EQ(get(t, 4, 4), 36);
	CHECK_EQ(t[8], 2);

	/* MADT (5.2.12): flags 0, then n 8-byte type 0 entries. */
	t = at(madt);
	CHECK_EQ(get(t, 4, 4), 44 + 8 * n);
	CHECK_EQ(get(t, 36, 4), 0xfee00000);
	CHECK_EQ(get(t, 40, 4), 0);
	for (unsigned int i = 0; i < n; i++) {
		const uint8_t *e = t + 44 + 8 * i;

		CHECK(e[0] == 0 && e[1] == 8 && e[2] == i && e[3] == 2 * i &&
		      get(e, 4, 4) == 1);
	}

	const uint64_t tables[] = { xsdt, fadt, dsdt, madt };

	for (unsigned int i = 0; i < 4; i++) {
		uint32_t len = get(at(tables[i]), 4, 4);

		CHECK(tables[i] > rsdp_pa && tables[i] % 16 == 0 &&
		      tables[i] + len <= end);
		CHECK_EQ(sum(at(tables[i]), len), 0);
	}
	CHECK_EQ(madt + 44 + 8 * n, end);		/* exact length */
	CHECK_EQ(at(end)[0], 0xa5);			/* nothing past it */
}

/* ---- Tests ------------------------------------------------------------ */

static void build_and_check(uint64_t base, unsigned int n)
{
	uint64_t rsdp;
	size_t used;

	mem_init(base);
	CHECK_EQ(build(base, n, &rsdp, &used), 0);
	CHECK_EQ(rsdp, base);
	CHECK_EQ(used, dom0_acpi_size(n));
	CHECK_EQ(parse(rsdp), 0);
	CHECK_EQ(ai.rsdp_pa, rsdp);
	check_parsed(n);
	check_bytes(rsdp, used, n);
	mem_free();
}

/* Where dom0_memory() (pv/dom0_build.c) puts them for 512 MiB under
 * QEMU: the top page of RAM below 4 GiB. */
#define TABLES_GPA	0x200a0000ULL

TEST(test_1_2_16_vcpus)
{
	build_and_check(TABLES_GPA, 1);
	build_and_check(TABLES_GPA, 2);
	build_and_check(TABLES_GPA, 16);
	/* Anywhere 16-byte aligned below 4 GiB. */
	build_and_check(0x3ff00010ULL, 3);
}

TEST(test_max_vcpus)
{
	build_and_check(TABLES_GPA, DOM0_ACPI_MAX_VCPUS);
	CHECK(dom0_acpi_size(DOM0_ACPI_MAX_VCPUS) <= DOM0_ACPI_MAX_BYTES);
}

/* The RSDP is one the legacy scan accepts (ACPI 6.5 5.2.5.1, checksums
 * and all): placed in the BIOS area, the tables are found without a
 * pointer. */
TEST(test_found_by_scan)
{
	uint64_t rsdp;
	size_t used;

	mem_init(0xe0000);
	CHECK_EQ(build(0xe0000, 4, &rsdp, &used), 0);
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(ai.rsdp_pa, 0xe0000);
	check_parsed(4);
	mem_free();
}

TEST(test_refusals)
{
	uint64_t rsdp, top;
	size_t used, need = dom0_acpi_size(2);
	const char *why;
	uint8_t *buf = malloc(need);

	/* One byte short: -ENOSPC, nothing written. */
	memset(buf, 0x5a, need);
	why = NULL;
	rsdp = 7;
	used = 7;
	CHECK_EQ(dom0_acpi_build(buf, need - 1, TABLES_GPA, 2, &rsdp, &used,
				 &why), -ENOSPC);
	CHECK(why != NULL);
	CHECK(rsdp == 7 && used == 7);
	for (size_t i = 0; i < need; i++)
		if (buf[i] != 0x5a) {
			CHECK(!"buffer written on refusal");
			break;
		}
	CHECK_EQ(dom0_acpi_build(buf, 0, TABLES_GPA, 2, &rsdp, &used, &why),
		 -ENOSPC);

	CHECK_EQ(dom0_acpi_build(buf, need, TABLES_GPA, 0, &rsdp, &used,
				 &why), -EINVAL);
	CHECK_EQ(dom0_acpi_build(buf, need, TABLES_GPA,
				 DOM0_ACPI_MAX_VCPUS + 1, &rsdp, &used, &why),
		 -EINVAL);
	CHECK_EQ(dom0_acpi_build(buf, need, TABLES_GPA + 8, 2, &rsdp, &used,
				 &why), -EINVAL);
	/* The block must end at or below 4 GiB. */
	top = ((1ULL << 32) - need) & ~15ULL;
	CHECK_EQ(dom0_acpi_build(buf, need, top + 16, 2, &rsdp, &used, &why),
		 -EINVAL);
	CHECK_EQ(dom0_acpi_build(buf, need, ~0ULL & ~15ULL, 2, &rsdp, &used,
				 &why), -EINVAL);
	CHECK_EQ(dom0_acpi_build(buf, need, top, 2, &rsdp, &used, &why), 0);
	CHECK_EQ(rsdp, top);
	CHECK_EQ(used, need);
	free(buf);
}

/* The parser is a real check: each corruption below makes it refuse. */
TEST(test_corruption_refused)
{
	uint64_t rsdp, madt;
	size_t used;

	/* A vCPU's APIC ID changed after sealing: MADT refused. */
	mem_init(TABLES_GPA);
	CHECK_EQ(build(TABLES_GPA, 2, &rsdp, &used), 0);
	madt = get(at(get(at(rsdp), 24, 8)), 44, 8);
	at(madt)[44 + 8 + 3] ^= 0x10;
	CHECK_EQ(parse(rsdp), 0);
	CHECK(!ai.madt.present);
	CHECK_EQ(ai.nr_bad_tables, 1);
	CHECK(ai.fadt.present);

	/* The FADT's checksum byte: FADT (and so the DSDT) refused. */
	CHECK_EQ(build(TABLES_GPA, 2, &rsdp, &used), 0);
	at(get(at(get(at(rsdp), 24, 8)), 36, 8))[9]++;
	CHECK_EQ(parse(rsdp), 0);
	CHECK(!ai.fadt.present);
	CHECK(ai.madt.present);

	/* The XSDT address in the RSDP: bad extended checksum, no RSDP. */
	CHECK_EQ(build(TABLES_GPA, 2, &rsdp, &used), 0);
	at(rsdp)[24] ^= 0x40;
	CHECK_EQ(parse(rsdp), -ENOENT);
	mem_free();
}

UNIT_MAIN(test_1_2_16_vcpus, test_max_vcpus, test_found_by_scan,
	  test_refusals, test_corruption_refused)
