/*
 * ACPI table parsing (xen/arch/x86/acpi/tables.c, s5.c) against hand-built
 * tables in a fake physical memory.
 *
 * The fake map callback hands out a fresh, exactly-sized heap copy of each
 * requested range, so AddressSanitizer flags any read past the length the
 * parser asked for, not just past the end of a region.  Tables are encoded
 * here by byte offset from the ACPI 6.5 spec, independently of the parser's
 * structs, so a layout mistake there shows up as a failed check.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xen/acpi.h>
#include <xen/errno.h>

#include "unit.h"

/* ---- Fake physical memory ------------------------------------------ */

enum { R_LOW, R_EBDA, R_BIOS, R_TBL, NR_REGIONS };

#define EBDA_BASE	0x9fc00ULL
#define BIOS_BASE	0xe0000ULL
#define TBL_BASE	0x7fe0000ULL
#define TBL_SIZE	0x10000ULL

/* Where the standard machine keeps its tables. */
#define RSDP_PA		0xf5a40ULL
#define RSDT_PA		(TBL_BASE + 0x000)
#define XSDT_PA		(TBL_BASE + 0x100)
#define MADT_PA		(TBL_BASE + 0x200)
#define FADT_PA		(TBL_BASE + 0x400)
#define HPET_PA		(TBL_BASE + 0x600)
#define DSDT_PA		(TBL_BASE + 0x800)
#define SPARE_PA	(TBL_BASE + 0xc00)

struct region {
	uint64_t base, size;
	uint8_t *mem;
};

struct bounce {
	struct bounce *next;
	uint8_t data[];
};

struct fake_mem {
	struct region r[NR_REGIONS];
	struct bounce *bounces;
	unsigned int nr_maps;
};

static struct fake_mem fm;

static const void *fake_map(paddr_t pa, size_t len, void *ctx)
{
	struct fake_mem *m = ctx;
	struct bounce *b;
	int i;

	m->nr_maps++;
	for (i = 0; i < NR_REGIONS; i++) {
		struct region *r = &m->r[i];

		if (pa < r->base || len > r->size || pa - r->base > r->size - len)
			continue;
		b = malloc(sizeof(*b) + len);
		if (!b)
			abort();
		memcpy(b->data, r->mem + (pa - r->base), len);
		b->next = m->bounces;
		m->bounces = b;
		return b->data;
	}
	return NULL;
}

static void mem_free(void)
{
	struct bounce *b;
	int i;

	while ((b = fm.bounces)) {
		fm.bounces = b->next;
		free(b);
	}
	for (i = 0; i < NR_REGIONS; i++)
		free(fm.r[i].mem);
	memset(&fm, 0, sizeof(fm));
}

static void mem_init(void)
{
	static const uint64_t layout[NR_REGIONS][2] = {
		[R_LOW] = { 0x0, 0x1000 },
		[R_EBDA] = { EBDA_BASE, 0x400 },
		[R_BIOS] = { BIOS_BASE, 0x20000 },
		[R_TBL] = { TBL_BASE, TBL_SIZE },
	};
	int i;

	mem_free();
	for (i = 0; i < NR_REGIONS; i++) {
		fm.r[i].base = layout[i][0];
		fm.r[i].size = layout[i][1];
		fm.r[i].mem = calloc(1, layout[i][1]);
	}
}

/* Pointer into fake memory; the test's own layout must be in range. */
static uint8_t *at(uint64_t pa, uint64_t len)
{
	int i;

	for (i = 0; i < NR_REGIONS; i++) {
		struct region *r = &fm.r[i];

		if (pa >= r->base && pa + len <= r->base + r->size)
			return r->mem + (pa - r->base);
	}
	abort();
}

static void put(uint8_t *p, unsigned int off, uint64_t v, unsigned int n)
{
	while (n--) {
		p[off++] = (uint8_t)v;
		v >>= 8;
	}
}

static void fix_sum(uint8_t *p, unsigned int len, unsigned int sum_off)
{
	uint8_t s = 0;
	unsigned int i;

	p[sum_off] = 0;
	for (i = 0; i < len; i++)
		s += p[i];
	p[sum_off] = (uint8_t)-s;
}

/* ACPI 6.5 5.2.6 header; the caller fills the body then calls seal(). */
static uint8_t *table(uint64_t pa, const char *sig, uint32_t len, uint8_t rev)
{
	uint8_t *t = at(pa, len);

	memset(t, 0, len);
	memcpy(t, sig, 4);
	put(t, 4, len, 4);
	t[8] = rev;
	memcpy(t + 10, "AMPHI ", 6);
	memcpy(t + 16, "AMPH", 4);		/* OEM table ID "AMPH<sig>" */
	memcpy(t + 20, sig, 4);
	put(t, 24, 1, 4);
	return t;
}

static void seal(uint64_t pa)
{
	uint8_t *t = at(pa, 36);
	uint32_t len = t[4] | t[5] << 8 | t[6] << 16 | (uint32_t)t[7] << 24;

	fix_sum(at(pa, len), len, 9);
}

/* ACPI 6.5 5.2.5.3 RSDP at @pa. */
static void rsdp_at(uint8_t *p, uint8_t rev, uint64_t rsdt, uint64_t xsdt)
{
	memset(p, 0, rev >= 2 ? 36 : 20);
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, "BOCHS ", 6);
	p[15] = rev;
	put(p, 16, rsdt, 4);
	fix_sum(p, 20, 8);
	if (rev >= 2) {
		put(p, 20, 36, 4);
		put(p, 24, xsdt, 8);
		fix_sum(p, 36, 32);
	}
}

/* ---- The standard machine: QEMU q35-like ---------------------------- */

static unsigned int madt_lapic(uint8_t *t, unsigned int o, uint8_t uid,
			       uint8_t id, uint32_t flags)
{
	t[o] = 0;
	t[o + 1] = 8;
	t[o + 2] = uid;
	t[o + 3] = id;
	put(t, o + 4, flags, 4);
	return o + 8;
}

static unsigned int madt_x2apic(uint8_t *t, unsigned int o, uint32_t id,
				uint32_t flags, uint32_t uid)
{
	t[o] = 9;
	t[o + 1] = 16;
	put(t, o + 4, id, 4);
	put(t, o + 8, flags, 4);
	put(t, o + 12, uid, 4);
	return o + 16;
}

static unsigned int madt_ioapic(uint8_t *t, unsigned int o, uint8_t id,
				uint32_t addr, uint32_t gsi)
{
	t[o] = 1;
	t[o + 1] = 12;
	t[o + 2] = id;
	put(t, o + 4, addr, 4);
	put(t, o + 8, gsi, 4);
	return o + 12;
}

static unsigned int madt_iso(uint8_t *t, unsigned int o, uint8_t src,
			     uint32_t gsi, uint16_t flags)
{
	t[o] = 2;
	t[o + 1] = 10;
	t[o + 2] = 0;
	t[o + 3] = src;
	put(t, o + 4, gsi, 4);
	put(t, o + 8, flags, 2);
	return o + 10;
}

static unsigned int madt_nmi(uint8_t *t, unsigned int o, uint8_t uid,
			     uint16_t flags, uint8_t lint)
{
	t[o] = 4;
	t[o + 1] = 6;
	t[o + 2] = uid;
	put(t, o + 3, flags, 2);
	t[o + 5] = lint;
	return o + 6;
}

#define MADT_LEN 138

static void build_madt(uint64_t pa)
{
	uint8_t *t = table(pa, "APIC", MADT_LEN, 3);
	unsigned int o = 44;

	put(t, 36, 0xfee00000, 4);
	put(t, 40, 1, 4);			/* PCAT_COMPAT */
	o = madt_lapic(t, o, 0, 0, 1);
	o = madt_lapic(t, o, 1, 1, 1);
	o = madt_lapic(t, o, 2, 2, 1);
	o = madt_lapic(t, o, 3, 3, 1);
	o = madt_lapic(t, o, 4, 4, 2);		/* online-capable, disabled */
	o = madt_x2apic(t, o, 0x100, 1, 5);
	o = madt_ioapic(t, o, 0, 0xfec00000, 0);
	o = madt_iso(t, o, 0, 2, 0);
	o = madt_iso(t, o, 9, 9, 0xd);		/* level, active high */
	o = madt_nmi(t, o, 0xff, 0, 1);
	if (o != MADT_LEN)
		abort();
	seal(pa);
}

static void gas(uint8_t *t, unsigned int o, uint8_t space, uint8_t width,
		uint64_t addr)
{
	t[o] = space;
	t[o + 1] = width;
	t[o + 2] = 0;
	t[o + 3] = width == 8 ? 1 : width == 16 ? 2 : width == 32 ? 3 : 0;
	put(t, o + 4, addr, 8);
}

/* FADT revision 3, 244 bytes, PM base 0x600 (q35 ICH9 LPC). */
static uint8_t *build_fadt(uint64_t pa)
{
	uint8_t *t = table(pa, "FACP", 244, 3);

	put(t, 40, DSDT_PA, 4);
	put(t, 46, 9, 2);			/* SCI_INT */
	put(t, 48, 0xb2, 4);			/* SMI_CMD */
	t[52] = 0x02;				/* ACPI_ENABLE */
	t[53] = 0x03;
	put(t, 56, 0x600, 4);			/* PM1a_EVT_BLK */
	put(t, 64, 0x604, 4);			/* PM1a_CNT_BLK */
	put(t, 76, 0x608, 4);			/* PM_TMR_BLK */
	t[88] = 4;
	t[89] = 2;
	t[91] = 4;
	put(t, 112, (1u << 10) | (1u << 8), 4);	/* RESET_REG_SUP, TMR_VAL_EXT */
	gas(t, 116, 1, 8, 0xcf9);		/* RESET_REG */
	t[128] = 6;
	put(t, 140, DSDT_PA, 8);		/* X_DSDT */
	gas(t, 148, 1, 32, 0x600);		/* X_PM1a_EVT_BLK */
	gas(t, 172, 1, 16, 0x604);		/* X_PM1a_CNT_BLK */
	gas(t, 208, 1, 32, 0x608);		/* X_PM_TMR_BLK */
	seal(pa);
	return t;
}

static void build_hpet(uint64_t pa)
{
	uint8_t *t = table(pa, "HPET", 56, 1);

	put(t, 36, 0x8086a201, 4);
	gas(t, 40, 0, 0, 0xfed00000);
	t[52] = 0;
	put(t, 53, 0x80, 2);
	seal(pa);
}

/* QEMU's Scope(\) { Name(_S5, Package(4){0, 0, 0, 0}) }, per iasl. */
static const uint8_t aml_qemu_s5[] = {
	0x10, 0x0f, 0x5c, 0x00,
	0x08, 0x5f, 0x53, 0x35, 0x5f, 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00,
};

static void build_dsdt(uint64_t pa, const uint8_t *aml, size_t n)
{
	uint8_t *t = table(pa, "DSDT", 36 + n, 1);

	memcpy(t + 36, aml, n);
	seal(pa);
}

static void build_root(uint64_t pa, const char *sig, unsigned int esize,
		       const uint64_t *pas, unsigned int n)
{
	uint8_t *t = table(pa, sig, 36 + esize * n, 1);
	unsigned int i;

	for (i = 0; i < n; i++)
		put(t, 36 + esize * i, pas[i], esize);
	seal(pa);
}

static const uint64_t std_tables[] = { FADT_PA, MADT_PA, HPET_PA };

/* Tables only; the caller places an RSDP. */
static void build_machine(void)
{
	mem_init();
	build_root(RSDT_PA, "RSDT", 4, std_tables, 3);
	build_root(XSDT_PA, "XSDT", 8, std_tables, 3);
	build_madt(MADT_PA);
	build_fadt(FADT_PA);
	build_hpet(HPET_PA);
	build_dsdt(DSDT_PA, aml_qemu_s5, sizeof(aml_qemu_s5));
}

static struct acpi_info ai;

static int parse(paddr_t pa, const void *copy)
{
	return acpi_parse(&ai, pa, copy, fake_map, &fm);
}

static void check_madt(void)
{
	const struct acpi_madt_info *m = &ai.madt;

	CHECK(m->present);
	CHECK(m->pcat_compat);
	CHECK_EQ(m->lapic_addr, 0xfee00000);
	CHECK_EQ(m->nr_cpus, 5);
	CHECK_EQ(m->nr_cpus_disabled, 1);
	CHECK_EQ(m->cpus[0].apic_id, 0);
	CHECK_EQ(m->cpus[3].apic_id, 3);
	CHECK_EQ(m->cpus[3].uid, 3);
	CHECK_EQ(m->cpus[3].flags, ACPI_MADT_ENABLED);
	CHECK(!m->cpus[3].x2apic);
	CHECK_EQ(m->cpus[4].apic_id, 0x100);
	CHECK_EQ(m->cpus[4].uid, 5);
	CHECK(m->cpus[4].x2apic);
	CHECK_EQ(m->nr_ioapics, 1);
	CHECK_EQ(m->ioapics[0].id, 0);
	CHECK_EQ(m->ioapics[0].addr, 0xfec00000);
	CHECK_EQ(m->ioapics[0].gsi_base, 0);
	CHECK_EQ(m->nr_overrides, 2);
	CHECK_EQ(m->overrides[0].source, 0);
	CHECK_EQ(m->overrides[0].gsi, 2);
	CHECK_EQ(m->overrides[1].source, 9);
	CHECK_EQ(m->overrides[1].gsi, 9);
	CHECK_EQ(m->overrides[1].flags, 0xd);
	CHECK_EQ(m->nr_nmis, 1);
	CHECK_EQ(m->nmis[0].uid, ACPI_NMI_ALL_CPUS);
	CHECK_EQ(m->nmis[0].lint, 1);
	CHECK_EQ(m->nr_skipped, 0);
}

static void check_fadt_q35(void)
{
	const struct acpi_fadt_info *f = &ai.fadt;

	CHECK(f->present);
	CHECK_EQ(f->revision, 3);
	CHECK(!f->hw_reduced);
	CHECK_EQ(f->sci_irq, 9);
	CHECK_EQ(f->smi_cmd, 0xb2);
	CHECK_EQ(f->acpi_enable, 2);
	CHECK_EQ(f->pm1a_cnt.space_id, ACPI_GAS_IO);
	CHECK_EQ(f->pm1a_cnt.address, 0x604);
	CHECK_EQ(f->pm1a_cnt.bit_width, 16);
	CHECK_EQ(f->pm1b_cnt.address, 0);
	CHECK_EQ(f->pm_tmr_port, 0x608);
	CHECK(f->pm_tmr_32bit);
	CHECK(f->reset_supported);
	CHECK_EQ(f->reset_reg.space_id, ACPI_GAS_IO);
	CHECK_EQ(f->reset_reg.bit_width, 8);
	CHECK_EQ(f->reset_reg.address, 0xcf9);
	CHECK_EQ(f->reset_value, 6);
	CHECK_EQ(f->dsdt_pa, DSDT_PA);
	CHECK_EQ(f->dsdt_len, 36 + sizeof(aml_qemu_s5));
	CHECK(f->have_s5);
	CHECK_EQ(f->slp_typa, 0);
	CHECK_EQ(f->slp_typb, 0);
}

static void check_hpet(void)
{
	CHECK(ai.hpet.present);
	CHECK_EQ(ai.hpet.block_id, 0x8086a201);
	CHECK_EQ(ai.hpet.base.space_id, ACPI_GAS_MEMORY);
	CHECK_EQ(ai.hpet.base.address, 0xfed00000);
	CHECK_EQ(ai.hpet.number, 0);
	CHECK_EQ(ai.hpet.min_tick, 0x80);
}

/* ---- Whole-machine tests -------------------------------------------- */

TEST(test_rsdp_v0_rsdt)
{
	build_machine();
	rsdp_at(at(RSDP_PA, 20), 0, RSDT_PA, 0);
	CHECK_EQ(parse(0, NULL), 0);
	CHECK_EQ(ai.rsdp_pa, RSDP_PA);
	CHECK_EQ(ai.rsdp_revision, 0);
	CHECK(!strcmp(ai.rsdp_oem_id, "BOCHS "));
	CHECK(!ai.xsdt);
	CHECK_EQ(ai.root.pa, RSDT_PA);
	CHECK_EQ(ai.nr_tables, 4);		/* FACP, DSDT, APIC, HPET */
	CHECK(!strcmp(ai.tables[0].sig, "FACP"));
	CHECK(!strcmp(ai.tables[1].sig, "DSDT"));
	CHECK(!strcmp(ai.tables[2].oem_id, "AMPHI "));
	CHECK_EQ(ai.tables[2].revision, 3);
	CHECK_EQ(ai.nr_bad_tables, 0);
	check_madt();
	check_fadt_q35();
	check_hpet();
	acpi_print_summary(&ai);
	mem_free();
}

TEST(test_rsdp_v2_xsdt)
{
	static const uint64_t xsdt_tables[] = { MADT_PA, FADT_PA, HPET_PA };

	build_machine();
	/* RSDT without HPET: seeing the HPET proves the XSDT was used. */
	build_root(RSDT_PA, "RSDT", 4, std_tables, 2);
	build_root(XSDT_PA, "XSDT", 8, xsdt_tables, 3);
	rsdp_at(at(RSDP_PA, 36), 2, RSDT_PA, XSDT_PA);
	CHECK_EQ(parse(0, NULL), 0);
	CHECK_EQ(ai.rsdp_revision, 2);
	CHECK(ai.xsdt);
	CHECK_EQ(ai.root.pa, XSDT_PA);
	CHECK(!strcmp(ai.tables[0].sig, "APIC"));
	check_madt();
	check_fadt_q35();
	check_hpet();
	mem_free();
}

/* A bad XSDT: fall back to the RSDT, as ACPICA does. */
TEST(test_bad_xsdt_falls_back)
{
	build_machine();
	at(XSDT_PA, 36)[9] ^= 1;
	rsdp_at(at(RSDP_PA, 36), 2, RSDT_PA, XSDT_PA);
	CHECK_EQ(parse(0, NULL), 0);
	CHECK(!ai.xsdt);
	check_madt();
	mem_free();
}

/* Multiboot2 hands over a copy: 20 bytes (old ACPI tag) or 36 (new). */
TEST(test_rsdp_copy)
{
	uint8_t *v1 = malloc(20), v2[36];

	build_machine();
	rsdp_at(v1, 0, RSDT_PA, 0);
	CHECK_EQ(parse(0, v1), 0);	/* ASan: must not read v1[20..] */
	CHECK_EQ(ai.rsdp_pa, 0);
	CHECK(!ai.xsdt);
	check_madt();

	rsdp_at(v2, 2, RSDT_PA, XSDT_PA);
	CHECK_EQ(parse(0, v2), 0);
	CHECK(ai.xsdt);
	check_hpet();

	/* A corrupt copy: fall back to the given address. */
	v2[8] ^= 1;
	rsdp_at(at(RSDP_PA, 20), 0, RSDT_PA, 0);
	CHECK_EQ(parse(RSDP_PA, v2), 0);
	CHECK_EQ(ai.rsdp_pa, RSDP_PA);
	free(v1);
	mem_free();
}

TEST(test_rsdp_scan)
{
	build_machine();
	/* Nothing anywhere. */
	CHECK_EQ(parse(0, NULL), -ENOENT);

	/* A bad-checksum RSDP first in the window is passed over. */
	rsdp_at(at(BIOS_BASE + 0x1000, 20), 0, RSDT_PA, 0);
	at(BIOS_BASE + 0x1000, 20)[8] ^= 0x55;
	CHECK_EQ(parse(0, NULL), -ENOENT);
	rsdp_at(at(RSDP_PA, 20), 0, RSDT_PA, 0);
	CHECK_EQ(parse(0, NULL), 0);
	CHECK_EQ(ai.rsdp_pa, RSDP_PA);

	/* Not on a 16-byte boundary: not an RSDP (ACPI 6.5 5.2.5.1). */
	memset(at(RSDP_PA, 20), 0, 20);
	rsdp_at(at(RSDP_PA + 4, 20), 0, RSDT_PA, 0);
	CHECK_EQ(parse(0, NULL), -ENOENT);

	/* v2 with a good 1.0 checksum but a bad extended one. */
	rsdp_at(at(RSDP_PA, 36), 2, RSDT_PA, XSDT_PA);
	at(RSDP_PA, 36)[33] ^= 1;
	CHECK_EQ(parse(0, NULL), -ENOENT);

	/* A given address with no RSDP: warn and scan. */
	rsdp_at(at(BIOS_BASE + 0x1ffe0, 20), 0, RSDT_PA, 0);
	CHECK_EQ(parse(0x1234560, NULL), 0);
	CHECK_EQ(ai.rsdp_pa, BIOS_BASE + 0x1ffe0);
	mem_free();
}

/* The EBDA's first KiB is searched before 0xE0000. */
TEST(test_rsdp_ebda)
{
	build_machine();
	put(at(0x40e, 2), 0, EBDA_BASE >> 4, 2);
	rsdp_at(at(EBDA_BASE + 0x3e0, 20), 0, RSDT_PA, 0);
	rsdp_at(at(RSDP_PA, 20), 0, RSDT_PA, 0);
	CHECK_EQ(parse(0, NULL), 0);
	CHECK_EQ(ai.rsdp_pa, EBDA_BASE + 0x3e0);

	/* An EBDA segment pointing outside memory is harmless. */
	put(at(0x40e, 2), 0, 0x8000, 2);
	CHECK_EQ(parse(0, NULL), 0);
	CHECK_EQ(ai.rsdp_pa, RSDP_PA);
	mem_free();
}

TEST(test_bad_checksum_skipped)
{
	build_machine();
	at(HPET_PA, 56)[40] ^= 1;		/* corrupt the HPET base */
	rsdp_at(at(RSDP_PA, 20), 0, RSDT_PA, 0);
	CHECK_EQ(parse(0, NULL), 0);
	CHECK(!ai.hpet.present);
	CHECK_EQ(ai.nr_bad_tables, 1);
	CHECK_EQ(ai.nr_tables, 3);
	check_madt();
	check_fadt_q35();
	mem_free();
}

TEST(test_bad_root_entries)
{
	/* NULL, beyond memory, wrong length, valid. */
	static const uint64_t pas[] = { 0, 0x100000000ULL, SPARE_PA, MADT_PA };

	build_machine();
	table(SPARE_PA, "SSDT", 36, 1);
	put(at(SPARE_PA, 8), 4, 0xffffffff, 4);
	build_root(XSDT_PA, "XSDT", 8, pas, 4);
	rsdp_at(at(RSDP_PA, 36), 2, RSDT_PA, XSDT_PA);
	CHECK_EQ(parse(0, NULL), 0);
	CHECK(ai.xsdt);
	CHECK_EQ(ai.nr_bad_tables, 3);
	CHECK_EQ(ai.nr_tables, 1);
	check_madt();
	CHECK(!ai.fadt.present);

	/* The root itself bad, with no fallback. */
	at(XSDT_PA, 36)[0] = 'Y';
	at(RSDT_PA, 36)[9] ^= 1;
	CHECK_EQ(parse(0, NULL), -EINVAL);
	acpi_print_summary(&ai);
	mem_free();
}

TEST(test_madt_past_memory)
{
	static const uint64_t pas[] = { TBL_BASE + TBL_SIZE - 64 };
	uint8_t *t;

	build_machine();
	t = table(TBL_BASE + TBL_SIZE - 64, "APIC", 64, 3);
	put(t, 4, 0x100, 4);			/* runs 192 bytes past the end */
	build_root(RSDT_PA, "RSDT", 4, pas, 1);
	rsdp_at(at(RSDP_PA, 20), 0, RSDT_PA, 0);
	CHECK_EQ(parse(0, NULL), 0);
	CHECK(!ai.madt.present);
	CHECK_EQ(ai.nr_bad_tables, 1);
	mem_free();
}

static void madt_root(uint64_t pa)
{
	uint64_t pas[] = { pa };

	build_root(RSDT_PA, "RSDT", 4, pas, 1);
	rsdp_at(at(RSDP_PA, 20), 0, RSDT_PA, 0);
}

TEST(test_madt_zero_length_entry)
{
	uint8_t *t;
	unsigned int o;

	build_machine();
	t = table(SPARE_PA, "APIC", 44 + 8 + 8 + 8, 3);
	o = madt_lapic(t, 44, 0, 0, 1);
	t[o] = 0;				/* type 0, length 0 */
	t[o + 1] = 0;
	madt_lapic(t, o + 8, 1, 1, 1);
	seal(SPARE_PA);
	madt_root(SPARE_PA);
	CHECK_EQ(parse(0, NULL), 0);
	CHECK(ai.madt.present);
	CHECK_EQ(ai.madt.nr_cpus, 1);
	CHECK_EQ(ai.madt.nr_skipped, 1);

	/* An entry claiming more than what is left of the table. */
	t[o + 1] = 40;
	seal(SPARE_PA);
	CHECK_EQ(parse(0, NULL), 0);
	CHECK_EQ(ai.madt.nr_cpus, 1);
	CHECK_EQ(ai.madt.nr_skipped, 1);

	/* A lone trailing byte after the last entry. */
	t = table(SPARE_PA, "APIC", 44 + 8 + 1, 3);
	madt_lapic(t, 44, 0, 0, 1);
	t[52] = 0;
	seal(SPARE_PA);
	CHECK_EQ(parse(0, NULL), 0);
	CHECK_EQ(ai.madt.nr_cpus, 1);
	CHECK_EQ(ai.madt.nr_skipped, 1);
	mem_free();
}

TEST(test_madt_skips)
{
	uint8_t *t;
	unsigned int o = 44, i;

	build_machine();
	t = table(SPARE_PA, "APIC", 44 + 8 * 4 + 16 + 10 * 12 + 12, 3);
	put(t, 36, 0xfee00000, 4);
	o = madt_lapic(t, o, 0, 0, 1);
	o = madt_lapic(t, o, 1, 0, 1);		/* duplicate APIC ID */
	o = madt_lapic(t, o, 2, 0xff, 1);	/* broadcast ID */
	t[o] = 0;				/* too short for type 0 */
	t[o + 1] = 6;
	o += 8;	/* (6 bytes used, 2 padding bytes as an unknown type) */
	t[o - 2] = 0x7f;
	t[o - 1] = 2;
	o = madt_x2apic(t, o, 0, 1, 9);		/* duplicate of type 0 */
	for (i = 0; i < 10; i++)		/* 2 over ACPI_MAX_IOAPICS */
		o = madt_ioapic(t, o, i, 0xfec00000 + i * 0x1000, i * 24);
	t[o] = 5;				/* LAPIC address override */
	t[o + 1] = 12;
	put(t, o + 4, 0xfee0000000ULL, 8);
	seal(SPARE_PA);
	madt_root(SPARE_PA);
	CHECK_EQ(parse(0, NULL), 0);
	CHECK_EQ(ai.madt.nr_cpus, 1);
	CHECK_EQ(ai.madt.nr_ioapics, ACPI_MAX_IOAPICS);
	CHECK_EQ(ai.madt.ioapics[7].gsi_base, 7 * 24);
	CHECK_EQ(ai.madt.lapic_addr, 0xfee0000000ULL);
	CHECK(!ai.madt.pcat_compat);
	CHECK_EQ(ai.madt.nr_skipped, 3 + 1 + 2);
	mem_free();
}

/* ACPI 1.0 FADT, 116 bytes, piix4-like PM base 0xb000. */
TEST(test_fadt_v1_truncated)
{
	static const uint64_t pas[] = { FADT_PA };
	uint8_t *t;

	build_machine();
	t = table(FADT_PA, "FACP", 116, 1);
	put(t, 40, DSDT_PA, 4);
	put(t, 46, 9, 2);
	put(t, 48, 0xb2, 4);
	t[52] = 0xf1;
	put(t, 64, 0xb004, 4);
	put(t, 76, 0xb008, 4);
	t[89] = 2;
	t[91] = 4;
	put(t, 112, 1u << 10, 4);	/* RESET_REG_SUP, but no RESET_REG */
	seal(FADT_PA);
	/* Bytes past the table that a careless parser would take as X_. */
	gas(at(FADT_PA, 244), 116, 1, 8, 0xdead);
	put(at(FADT_PA, 244), 140, 0xbad0000, 8);
	gas(at(FADT_PA, 244), 172, 1, 16, 0xdead);
	build_root(RSDT_PA, "RSDT", 4, pas, 1);
	rsdp_at(at(RSDP_PA, 20), 0, RSDT_PA, 0);
	CHECK_EQ(parse(0, NULL), 0);
	CHECK(ai.fadt.present);
	CHECK_EQ(ai.fadt.length, 116);
	CHECK_EQ(ai.fadt.pm1a_cnt.address, 0xb004);
	CHECK_EQ(ai.fadt.pm1a_cnt.space_id, ACPI_GAS_IO);
	CHECK_EQ(ai.fadt.pm1a_cnt.bit_width, 16);
	CHECK_EQ(ai.fadt.pm_tmr_port, 0xb008);
	CHECK(!ai.fadt.pm_tmr_32bit);
	CHECK_EQ(ai.fadt.acpi_enable, 0xf1);
	CHECK(!ai.fadt.reset_supported);
	CHECK_EQ(ai.fadt.dsdt_pa, DSDT_PA);
	CHECK(ai.fadt.have_s5);
	mem_free();
}

TEST(test_fadt_x_fields)
{
	uint8_t *t;

	build_machine();
	t = build_fadt(FADT_PA);
	gas(t, 172, 1, 0, 0x1004);	/* X_ wins; zero width from legacy */
	gas(t, 184, 1, 16, 0x1044);	/* X_PM1b_CNT_BLK */
	put(t, 140, 0, 8);		/* X_DSDT 0: use DSDT */
	seal(FADT_PA);
	rsdp_at(at(RSDP_PA, 20), 0, RSDT_PA, 0);
	CHECK_EQ(parse(0, NULL), 0);
	CHECK_EQ(ai.fadt.pm1a_cnt.address, 0x1004);
	CHECK_EQ(ai.fadt.pm1a_cnt.bit_width, 16);
	CHECK_EQ(ai.fadt.pm1b_cnt.address, 0x1044);
	CHECK_EQ(ai.fadt.dsdt_pa, DSDT_PA);

	/* X_DSDT preferred; a bad DSDT leaves no S5 and is counted. */
	put(t, 140, SPARE_PA, 8);
	seal(FADT_PA);
	build_dsdt(SPARE_PA, aml_qemu_s5, sizeof(aml_qemu_s5));
	at(SPARE_PA, 40)[39] ^= 1;
	CHECK_EQ(parse(0, NULL), 0);
	CHECK_EQ(ai.fadt.dsdt_pa, SPARE_PA);
	CHECK_EQ(ai.fadt.dsdt_len, 0);
	CHECK(!ai.fadt.have_s5);
	CHECK_EQ(ai.nr_bad_tables, 1);

	/* HW-reduced: the fixed-hardware blocks are ignored. */
	put(t, 112, (1u << 20) | (1u << 10), 4);
	seal(FADT_PA);
	CHECK_EQ(parse(0, NULL), 0);
	CHECK(ai.fadt.hw_reduced);
	CHECK_EQ(ai.fadt.pm1a_cnt.address, 0);
	CHECK_EQ(ai.fadt.pm_tmr_port, 0);
	CHECK(ai.fadt.reset_supported);
	acpi_print_summary(&ai);
	mem_free();
}

/* ---- \_S5 ------------------------------------------------------------ */

/* Run acpi_find_s5() on a DSDT of exactly 36 + @n bytes on the heap. */
static int s5(const uint8_t *aml, size_t n, uint8_t *a, uint8_t *b)
{
	uint8_t *d = malloc(36 + n);
	int rc;

	memset(d, 0, 36);
	memcpy(d, "DSDT", 4);
	memcpy(d + 36, aml, n);
	*a = *b = 0xee;
	rc = acpi_find_s5(d, 36 + n, a, b);
	free(d);
	return rc;
}

TEST(test_s5_encodings)
{
	/* Name(\_S5, Package(){0x05, 0x05, 0, 0}) inside Scope(_SB), iasl. */
	static const uint8_t root_byte[] = {
		0x10, 0x14, 0x5f, 0x53, 0x42, 0x5f,
		0x08, 0x5c, 0x5f, 0x53, 0x35, 0x5f, 0x12, 0x08, 0x04,
		0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00,
	};
	/* Name(_S5_, Package(2){One, One}) */
	static const uint8_t ones[] = {
		0x08, 0x5f, 0x53, 0x35, 0x5f, 0x12, 0x04, 0x02, 0x01, 0x01,
	};
	/* Word and DWord constants, OnesOp, one element. */
	static const uint8_t word[] = {
		0x08, 0x5f, 0x53, 0x35, 0x5f, 0x12, 0x0a, 0x02,
		0x0b, 0x07, 0x00, 0x0c, 0x06, 0x00, 0x00, 0x00,
	};
	static const uint8_t onesop[] = {
		0x08, 0x5f, 0x53, 0x35, 0x5f, 0x12, 0x03, 0x01, 0xff,
	};
	uint8_t a, b;

	CHECK_EQ(s5(aml_qemu_s5, sizeof(aml_qemu_s5), &a, &b), 0);
	CHECK_EQ(a, 0);
	CHECK_EQ(b, 0);
	CHECK_EQ(s5(root_byte, sizeof(root_byte), &a, &b), 0);
	CHECK_EQ(a, 5);
	CHECK_EQ(b, 5);
	CHECK_EQ(s5(ones, sizeof(ones), &a, &b), 0);
	CHECK_EQ(a, 1);
	CHECK_EQ(b, 1);
	CHECK_EQ(s5(word, sizeof(word), &a, &b), 0);
	CHECK_EQ(a, 7);
	CHECK_EQ(b, 6);
	CHECK_EQ(s5(onesop, sizeof(onesop), &a, &b), 0);
	CHECK_EQ(a, 0xff);
	CHECK_EQ(b, 0xff);
}

/* PkgLength in 2 bytes (ACPI 6.5 20.2.4): 0x49 0x04 = 0x49 = 73, as iasl
 * encodes a 14-DWord package. */
TEST(test_s5_pkglength_2byte)
{
	uint8_t aml[7 + 73], a, b;
	unsigned int i, o = 0;

	aml[o++] = 0x08;
	memcpy(aml + o, "_S5_", 4);
	o += 4;
	aml[o++] = 0x12;
	aml[o++] = 0x49;
	aml[o++] = 0x04;
	aml[o++] = 14;
	for (i = 0; i < 14; i++) {
		aml[o++] = 0x0c;
		put(aml, o, i == 0 ? 3 : 4, 4);
		o += 4;
	}
	CHECK_EQ(o, 6 + 73);	/* PkgLength starts at 6 */
	CHECK_EQ(s5(aml, o, &a, &b), 0);
	CHECK_EQ(a, 3);
	CHECK_EQ(b, 4);
	/* One byte short of what PkgLength claims. */
	CHECK_EQ(s5(aml, o - 1, &a, &b), -EINVAL);
	CHECK_EQ(a, 0xee);
	/* 3 follow bytes announced, none there. */
	aml[6] = 0xc0;
	CHECK_EQ(s5(aml, 7, &a, &b), -EINVAL);
}

TEST(test_s5_malformed)
{
	static const uint8_t truncated[] = {
		0x08, 0x5f, 0x53, 0x35, 0x5f, 0x12, 0x06, 0x04, 0x0a,
	};
	static const uint8_t short_len[] = {	/* PkgLength 1: no NumElements */
		0x08, 0x5f, 0x53, 0x35, 0x5f, 0x12, 0x01, 0x04, 0x00, 0x00,
	};
	static const uint8_t empty[] = {
		0x08, 0x5f, 0x53, 0x35, 0x5f, 0x12, 0x02, 0x00,
	};
	static const uint8_t not_int[] = {	/* element is a name */
		0x08, 0x5f, 0x53, 0x35, 0x5f, 0x12, 0x06, 0x01,
		0x41, 0x42, 0x43, 0x44,
	};
	static const uint8_t byte_cut[] = {	/* BytePrefix at package end */
		0x08, 0x5f, 0x53, 0x35, 0x5f, 0x12, 0x03, 0x01, 0x0a, 0x05,
	};
	/* A bad one, then a good one: the good one wins. */
	static const uint8_t bad_then_good[] = {
		0x08, 0x5f, 0x53, 0x35, 0x5f, 0x12, 0x02, 0x00,
		0x08, 0x5f, 0x53, 0x35, 0x5f, 0x12, 0x04, 0x01, 0x0a, 0x07,
	};
	uint8_t a, b;

	for (size_t n = 1; n <= sizeof(truncated); n++)
		CHECK_EQ(s5(truncated, n, &a, &b),
			 n >= 6 ? -EINVAL : -ENOENT);
	CHECK_EQ(s5(short_len, sizeof(short_len), &a, &b), -EINVAL);
	CHECK_EQ(s5(empty, sizeof(empty), &a, &b), -EINVAL);
	CHECK_EQ(s5(not_int, sizeof(not_int), &a, &b), -EINVAL);
	CHECK_EQ(s5(byte_cut, sizeof(byte_cut), &a, &b), -EINVAL);
	CHECK_EQ(a, 0xee);
	CHECK_EQ(s5(bad_then_good, sizeof(bad_then_good), &a, &b), 0);
	CHECK_EQ(a, 7);
	CHECK_EQ(b, 7);
	CHECK_EQ(acpi_find_s5("DSDT", 4, &a, &b), -EINVAL);
}

TEST(test_s5_absent)
{
	/* _S3_ only; a method called _S5_; a _S5_ reference in code. */
	static const uint8_t s3[] = {
		0x08, 0x5f, 0x53, 0x33, 0x5f, 0x12, 0x04, 0x02, 0x01, 0x01,
	};
	static const uint8_t method[] = {
		0x14, 0x08, 0x5f, 0x53, 0x35, 0x5f, 0x00, 0xa4, 0x00,
	};
	static const uint8_t ref[] = {
		0x70, 0x5f, 0x53, 0x35, 0x5f, 0x12, 0x04, 0x02, 0x01, 0x01,
	};
	uint8_t a, b;

	CHECK_EQ(s5(s3, sizeof(s3), &a, &b), -ENOENT);
	CHECK_EQ(s5(method, sizeof(method), &a, &b), -ENOENT);
	CHECK_EQ(s5(ref, sizeof(ref), &a, &b), -ENOENT);
	CHECK_EQ(s5(s3, 0, &a, &b), -ENOENT);
}

/* A NameOp byte in the header does not count: the AML starts at 36. */
TEST(test_s5_header_not_aml)
{
	uint8_t d[36 + 11] = { 'D', 'S', 'D', 'T' }, a, b;

	d[35] = 0x08;
	memcpy(d + 36, aml_qemu_s5 + 5, 11);
	CHECK_EQ(acpi_find_s5(d, sizeof(d), &a, &b), -ENOENT);
	d[35] = 0;
	d[36] = 0x08;
	memcpy(d + 37, aml_qemu_s5 + 5, 10);
	CHECK_EQ(acpi_find_s5(d, sizeof(d), &a, &b), -EINVAL);
}

/* DMAR and MCFG listed by the XSDT reach their parsers (iommu.c, whose
 * own tests are in test_acpi_iommu.c); an IVRS that fails its checksum
 * is skipped like any table. */
TEST(test_iommu_tables_listed)
{
	static const uint64_t tables[] = { FADT_PA, MADT_PA, SPARE_PA,
					   SPARE_PA + 0x100, SPARE_PA + 0x200 };
	uint8_t *t;

	build_machine();
	t = table(SPARE_PA, "DMAR", 48 + 16 + 8, 1);
	t[36] = 38;					/* 39-bit */
	t[37] = 1;					/* intremap */
	put(t, 48, 0, 2);				/* DRHD */
	put(t, 50, 24, 2);
	t[52] = 1;					/* all devices */
	put(t, 56, 0xfed90000, 8);
	t[64] = 3;					/* IO-APIC scope */
	t[65] = 8;
	t[69] = 0xff;
	seal(SPARE_PA);
	t = table(SPARE_PA + 0x100, "MCFG", 44 + 16, 1);
	put(t, 44, 0xb0000000, 8);
	t[55] = 0xff;					/* buses 0-ff */
	seal(SPARE_PA + 0x100);
	t = table(SPARE_PA + 0x200, "IVRS", 48, 2);
	seal(SPARE_PA + 0x200);
	t[9]++;						/* bad checksum */
	build_root(XSDT_PA, "XSDT", 8, tables, 5);
	rsdp_at(at(RSDP_PA, 36), 2, RSDT_PA, XSDT_PA);
	CHECK_EQ(parse(0, NULL), 0);
	CHECK(ai.dmar.present);
	CHECK_EQ(ai.dmar.host_addr_width, 39);
	CHECK_EQ(ai.dmar.nr_drhd, 1);
	CHECK_EQ(ai.dmar.drhd[0].base, 0xfed90000);
	CHECK_EQ(ai.dmar.drhd[0].nr_ioapic_scopes, 1);
	CHECK(ai.mcfg.present);
	CHECK_EQ(ai.mcfg.nr, 1);
	CHECK_EQ(ai.mcfg.r[0].base, 0xb0000000);
	CHECK_EQ(ai.mcfg.r[0].end_bus, 0xff);
	CHECK(!ai.ivrs.present);
	CHECK_EQ(ai.nr_bad_tables, 1);
	acpi_print_summary(&ai);
	mem_free();
}

TEST(test_pm1_sleep_value)
{
	CHECK_EQ(acpi_pm1_sleep_value(0), 0x2000);
	CHECK_EQ(acpi_pm1_sleep_value(5), 0x3400);
	CHECK_EQ(acpi_pm1_sleep_value(7), 0x3c00);
	CHECK_EQ(acpi_pm1_sleep_value(0xff), 0x3c00);
}

UNIT_MAIN(test_rsdp_v0_rsdt, test_rsdp_v2_xsdt, test_bad_xsdt_falls_back,
	  test_rsdp_copy, test_rsdp_scan, test_rsdp_ebda,
	  test_bad_checksum_skipped, test_bad_root_entries,
	  test_madt_past_memory, test_madt_zero_length_entry,
	  test_madt_skips, test_fadt_v1_truncated, test_fadt_x_fields,
	  test_s5_encodings, test_s5_pkglength_2byte, test_s5_malformed,
	  test_s5_absent, test_s5_header_not_aml, test_iommu_tables_listed,
	  test_pm1_sleep_value)
