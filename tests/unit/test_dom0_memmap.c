/*
 * dom0's layout over the host's memory map (pv/dom0_memmap.c): where its
 * RAM goes, which host ranges it keeps, where its ACPI tables go, and
 * which host pages it sees 1:1.  The maps are QEMU's (SeaBIOS) and a
 * server-like one with ACPI and NVS areas below 4 GiB.
 */
#include <string.h>

#include <xen/errno.h>
#include <pv/dom0_memmap.h>

#include "unit.h"

#define MiB (1ULL << 20)

/* QEMU pc, -m 2048, SeaBIOS: what Amphi's boot log prints. */
static const struct e820_entry qemu[] = {
	{ 0, 0x9fc00, E820_RAM },
	{ 0x9fc00, 0x400, E820_RESERVED },
	{ 0xf0000, 0x10000, E820_RESERVED },
	{ 0x100000, 0x7fee0000, E820_RAM },
	{ 0x7ffe0000, 0x20000, E820_RESERVED },
	{ 0xfeffc000, 0x4000, E820_RESERVED },
	{ 0xfffc0000, 0x40000, E820_RESERVED },
};

/* A server: NVS and ACPI right below the PCI hole, RAM above 4 GiB. */
static const struct e820_entry server[] = {
	{ 0, 0x9d800, E820_RAM },
	{ 0x9d800, 0x2800, E820_RESERVED },
	{ 0xe0000, 0x20000, E820_RESERVED },
	{ 0x100000, 0xbf5ff000, E820_RAM },
	{ 0xbf6ff000, 0x100000, E820_NVS },
	{ 0xbf7ff000, 0x1000, E820_ACPI },
	{ 0xbf800000, 0x800000, E820_RESERVED },
	{ 0xe0000000, 0x10000000, E820_RESERVED },	/* MMCONFIG */
	{ 0xfec00000, 0x1400000, E820_RESERVED },	/* IO-APIC .. 4 GiB */
	{ 0x100000000, 0x140000000, E820_RAM },
	{ 0xfd00000000, 0x300000000, E820_RESERVED },	/* above 4 GiB */
};

/* What the hypervisor keeps: ECAM, the IO-APIC, the interrupt window. */
static const struct mem_range server_deny[] = {
	{ 0xe0000000, 0xf0000000 },
	{ 0xfec00000, 0xfec00400 },
	{ 0xfee00000, 0xfef00000 },
};

static void check_entry(const struct dom0_layout *l, unsigned int i,
			u64 addr, u64 size, u32 type)
{
	CHECK(i < l->nr_map);
	if (i >= l->nr_map)
		return;
	CHECK_EQ(l->map[i].addr, addr);
	CHECK_EQ(l->map[i].size, size);
	CHECK_EQ(l->map[i].type, type);
}

#define MAX_RUNS 16
static struct { u64 pfn, nr; } runs[MAX_RUNS];
static unsigned int nr_runs;

static int record(void *ctx, u64 pfn, u64 nr)
{
	(void)ctx;
	if (nr_runs == MAX_RUNS)
		return -ENOSPC;
	runs[nr_runs].pfn = pfn;
	runs[nr_runs++].nr = nr;
	return 0;
}

static int identity(const struct e820_entry *host, unsigned int nr,
		    const struct dom0_layout *l, const struct mem_range *deny,
		    unsigned int nr_deny)
{
	nr_runs = 0;
	return dom0_identity_ranges(host, nr, l, true, deny, nr_deny, record,
				    NULL);
}

static void check_run(unsigned int i, u64 pfn, u64 nr)
{
	CHECK(i < nr_runs);
	CHECK_EQ(runs[i].pfn, pfn);
	CHECK_EQ(runs[i].nr, nr);
}

TEST(test_qemu_map)
{
	struct dom0_layout l;
	const char *why = NULL;
	u64 top = 0x100000 + 512 * MiB - 0x9f000;

	CHECK_EQ(dom0_layout_build(qemu, 7, 512 * MiB, 300, &l, &why), 0);
	/* The low RAM entry loses its partial page; the host's reserved
	 * entries stay where they are; the tables take the top page of
	 * the RAM below 4 GiB; the host RAM past dom0's is unusable. */
	CHECK_EQ(l.nr_map, 9);
	check_entry(&l, 0, 0, 0x9f000, E820_RAM);
	check_entry(&l, 1, 0x9fc00, 0x400, E820_RESERVED);
	check_entry(&l, 2, 0xf0000, 0x10000, E820_RESERVED);
	check_entry(&l, 3, 0x100000, top - 0x1000 - 0x100000, E820_RAM);
	check_entry(&l, 4, top - 0x1000, 0x1000, E820_ACPI);
	check_entry(&l, 5, top, 0x7ffe0000 - top, E820_UNUSABLE);
	check_entry(&l, 6, 0x7ffe0000, 0x20000, E820_RESERVED);
	check_entry(&l, 8, 0xfffc0000, 0x40000, E820_RESERVED);
	CHECK_EQ(l.ram_bytes, 512 * MiB);
	CHECK_EQ(l.acpi_gpa, top - 0x1000);
	CHECK_EQ(l.acpi_size, 0x1000);

	/* 1:1: the EBDA's page (partly host RAM, not wholly) up to 1 MiB,
	 * then each reserved range. */
	CHECK_EQ(identity(qemu, 7, &l, NULL, 0), 0);
	CHECK_EQ(nr_runs, 4);
	check_run(0, 0x9f, 0x100 - 0x9f);
	check_run(1, 0x7ffe0, 0x20);
	check_run(2, 0xfeffc, 4);
	check_run(3, 0xfffc0, 0x40);

	/* All the host RAM: nothing is left out, nothing more is given. */
	CHECK_EQ(dom0_layout_build(qemu, 7, 4096 * MiB, 0, &l, &why), 0);
	CHECK_EQ(l.ram_bytes, 0x9f000 + 0x7fee0000);
	CHECK_EQ(l.nr_map, 7);
	CHECK_EQ(l.acpi_size, 0);
}

TEST(test_server_map)
{
	struct dom0_layout l;
	const char *why = NULL;
	u64 low = 0x9d000 + 0xbf5ff000;

	/* Past the RAM below 4 GiB, dom0's RAM goes on above it. */
	CHECK_EQ(dom0_layout_build(server, 11, low + 256 * MiB, 8192, &l, &why),
		 0);
	CHECK_EQ(l.nr_map, 13);
	check_entry(&l, 0, 0, 0x9d000, E820_RAM);
	check_entry(&l, 3, 0x100000, 0xbf5ff000 - 0x2000, E820_RAM);
	check_entry(&l, 4, 0xbf6ff000 - 0x2000, 0x2000, E820_ACPI);
	check_entry(&l, 5, 0xbf6ff000, 0x100000, E820_NVS);
	check_entry(&l, 6, 0xbf7ff000, 0x1000, E820_ACPI);
	check_entry(&l, 8, 0xe0000000, 0x10000000, E820_RESERVED);
	check_entry(&l, 9, 0xfec00000, 0x1400000, E820_RESERVED);
	check_entry(&l, 10, 0x100000000, 256 * MiB, E820_RAM);
	CHECK_EQ(l.ram_bytes, low + 256 * MiB);

	check_entry(&l, 11, 0x110000000, 0x130000000, E820_UNUSABLE);
	check_entry(&l, 12, 0xfd00000000, 0x300000000, E820_RESERVED);

	/* 1:1: below 1 MiB, then NVS, ACPI and reserved as one run, then
	 * the reserved range at the top less what is denied; never the
	 * ECAM window, anything of the RAM, or reserved above 4 GiB. */
	CHECK_EQ(identity(server, 11, &l, server_deny, 3), 0);
	CHECK_EQ(nr_runs, 4);
	check_run(0, 0x9d, 0x100 - 0x9d);
	check_run(1, 0xbf6ff, 0xc0000 - 0xbf6ff);
	check_run(2, 0xfec01, 0xfee00 - 0xfec01);
	check_run(3, 0xfef00, 0x100000 - 0xfef00);

	/* dom0-iommu=no-map-reserved: below 1 MiB, NVS and ACPI only. */
	nr_runs = 0;
	CHECK_EQ(dom0_identity_ranges(server, 11, &l, false, server_deny, 3,
				      record, NULL), 0);
	CHECK_EQ(nr_runs, 2);
	check_run(0, 0x9d, 0x100 - 0x9d);
	check_run(1, 0xbf6ff, 0x101);

	/* Without the deny list, ECAM would be passed through. */
	CHECK_EQ(identity(server, 11, &l, NULL, 0), 0);
	CHECK_EQ(nr_runs, 4);
	check_run(1, 0xbf6ff, 0xc0000 - 0xbf6ff);
	check_run(2, 0xe0000, 0x10000);
}

TEST(test_partial_pages)
{
	/* ACPI data starting inside the last RAM page: that page is not
	 * dom0's RAM (trimmed) and not wholly the host's, so dom0 sees it
	 * 1:1 with the tables in it. */
	static const struct e820_entry host[] = {
		{ 0x1000, 0x9e000, E820_RAM },
		{ 0x100000, 0xf00800, E820_RAM },
		{ 0x1000800, 0x1800, E820_ACPI },
	};
	struct dom0_layout l;
	const char *why = NULL;

	CHECK_EQ(dom0_layout_build(host, 3, 64 * MiB, 0, &l, &why), 0);
	CHECK_EQ(l.ram_bytes, 0x9e000 + 0xf00000);
	check_entry(&l, 1, 0x100000, 0xf00000, E820_RAM);
	CHECK_EQ(identity(host, 3, &l, NULL, 0), 0);
	CHECK_EQ(nr_runs, 3);
	/* Page 0 is a hole here: 1:1 as well. */
	CHECK_EQ(runs[0].pfn, 0);
	CHECK_EQ(runs[0].nr, 1);
	CHECK_EQ(runs[1].pfn, 0x9f);
	CHECK_EQ(runs[2].pfn, 0x1000);
	CHECK_EQ(runs[2].nr, 2);
}

TEST(test_refusals)
{
	static struct e820_entry many[DOMAIN_MAX_E820 + 1];
	static const struct e820_entry high_only[] = {
		{ 0, 0x9f000, E820_RAM },
		{ 0x100000000, 0x40000000, E820_RAM },
	};
	static const struct e820_entry no_ram[] = {
		{ 0, 0x800, E820_RAM },
		{ 0xf0000, 0x10000, E820_RESERVED },
	};
	struct dom0_layout l;
	const char *why = NULL;

	for (unsigned int i = 0; i < DOMAIN_MAX_E820 + 1; i++)
		many[i] = (struct e820_entry){ 0x100000 * (i + 1), 0x1000,
					       i ? E820_RESERVED : E820_RAM };
	CHECK_EQ(dom0_layout_build(many, DOMAIN_MAX_E820 + 1, MiB, 0, &l, &why),
		 -ENOSPC);
	CHECK(why != NULL);
	why = NULL;
	CHECK_EQ(dom0_layout_build(high_only, 2, 256 * MiB, 4096, &l, &why),
		 -ENOMEM);
	CHECK(why != NULL);
	CHECK_EQ(dom0_layout_build(no_ram, 2, MiB, 0, &l, &why), -ENOMEM);

	/* The callback's error stops the walk and comes back. */
	CHECK_EQ(dom0_layout_build(qemu, 7, 64 * MiB, 0, &l, &why), 0);
	nr_runs = MAX_RUNS;
	CHECK_EQ(dom0_identity_ranges(qemu, 7, &l, true, NULL, 0, record,
				      NULL), -ENOSPC);
}

UNIT_MAIN(test_qemu_map, test_server_map, test_partial_pages, test_refusals)
