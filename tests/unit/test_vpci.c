/*
 * dom0's vPCI (xen/common/vpci.c) against a fake configuration space and
 * a fake p2m: what dom0 reads (owned functions only, the capability list
 * without MSI/MSI-X), which writes reach the device, and which pages the
 * BARs map 1:1 as memory decoding goes on and off.
 */
#include <stdarg.h>
#include <string.h>

#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/p2m.h>
#include <xen/sched.h>
#include <xen/vpci.h>

#include "fake_xmalloc.h"
#include "unit.h"

/* ---- Fake functions: 4 KiB of configuration space each ------------- */

#define NFN 4
static struct fn {
	u16 bdf;
	bool owned;
	u8 cfg[4096];
	u64 bar_size[6];	/* sizing: writes keep only the address bits */
} fns[NFN];
static unsigned int nr_writes;

static struct fn *fn_of(u16 bdf)
{
	for (unsigned int i = 0; i < NFN; i++)
		if (fns[i].bdf == bdf)
			return &fns[i];
	return NULL;
}

u32 pci_conf_read(u16 bdf, unsigned int reg, unsigned int size)
{
	struct fn *f = fn_of(bdf);
	u32 v = 0;

	if (!f)
		return size == 4 ? ~0U : (1U << 8 * size) - 1;
	memcpy(&v, f->cfg + reg, size);
	return v;
}

void pci_conf_write(u16 bdf, unsigned int reg, unsigned int size, u32 val)
{
	struct fn *f = fn_of(bdf);

	nr_writes++;
	if (!f)
		return;
	if (reg >= 0x10 && reg < 0x28 && size == 4) {
		unsigned int i = (reg - 0x10) / 4;
		u32 keep = f->cfg[reg] & 0xf;

		if (f->bar_size[i])
			val = (val & ~(u32)(f->bar_size[i] - 1) & ~0xfU) | keep;
		else if (i && (f->cfg[reg - 4] & 4))
			;	/* upper half of a 64-bit BAR: all bits */
		else
			return;
	}
	memcpy(f->cfg + reg, &val, size);
}

bool iommu_device_owned_by(const struct domain *d, u16 bdf)
{
	struct fn *f = fn_of(bdf);

	return f && f->owned;
}

/* ---- Fake p2m: which pfns are direct MMIO ------------------------- */

#define MAXMAP 2048
static u64 mapped[MAXMAP];
static unsigned int nr_mapped;

static int find_map(u64 pfn)
{
	for (unsigned int i = 0; i < nr_mapped; i++)
		if (mapped[i] == pfn)
			return i;
	return -1;
}

int arch_p2m_set_entry(struct domain *d, u64 gfn, mfn_t mfn,
		       enum p2m_type t)
{
	if (t != p2m_mmio_direct || gfn != mfn || nr_mapped == MAXMAP)
		return -EINVAL;
	if (find_map(gfn) < 0)
		mapped[nr_mapped++] = gfn;
	return 0;
}

int arch_p2m_clear_entry_if(struct domain *d, u64 gfn, mfn_t mfn,
			    enum p2m_type t)
{
	int i = find_map(gfn);

	if (i < 0 || t != p2m_mmio_direct || gfn != mfn)
		return -ENOENT;
	mapped[i] = mapped[--nr_mapped];
	return 0;
}

static unsigned int nr_bad_requests;

void domain_bad_request(struct domain *d, const char *fmt, ...)
{
	nr_bad_requests++;
}

/* ---- Set-up ---------------------------------------------------------- */

static void put(struct fn *f, unsigned int reg, unsigned int size, u32 v)
{
	memcpy(f->cfg + reg, &v, size);
}

#define EDU	PCI_BDF(0, 3, 0)
#define OTHER	PCI_BDF(0, 4, 0)	/* another domain's */
#define LOOPY	PCI_BDF(0, 5, 0)	/* capability loop, BAR over RAM */
#define SMALL	PCI_BDF(0, 6, 0)	/* a 256-byte BAR in EDU's last page */

static const struct e820_entry host[] = {
	{ 0, 0x9fc00, E820_RAM },
	{ 0x100000, 0x7ff00000, E820_RAM },
	{ 0x100000000ULL, 0x40000000, E820_RAM },
};
static const struct mem_range kept[] = { { 0xfee00000, 0xfef00000 } };

static struct pci_found found[NFN];

/*
 * EDU: memory decoding on; BAR0 1 MiB at 0xfe000000, BAR2/3 64-bit
 * 16 KiB at 0x800000000, BAR4 I/O; capabilities 0x40 PM -> 0x50 MSI
 * (64-bit, masking: 24 bytes) -> 0x68 PCIe -> 0x80 MSI-X -> end.
 */
static void setup(struct domain *d)
{
	struct fn *f;

	memset(fns, 0, sizeof(fns));
	memset(found, 0, sizeof(found));
	nr_mapped = nr_writes = nr_bad_requests = 0;

	f = &fns[0];
	f->bdf = EDU;
	f->owned = true;
	put(f, 0, 4, 0x11e81234);
	put(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	put(f, 0x06, 2, 1 << 4);
	put(f, 0x10, 4, 0xfe000000);
	f->bar_size[0] = 1 << 20;
	put(f, 0x18, 4, 0x00000004);
	put(f, 0x1c, 4, 0x8);
	f->bar_size[2] = 0x4000;
	put(f, 0x20, 4, 0xc001);
	f->bar_size[4] = 0x20;
	put(f, 0x34, 1, 0x40);
	put(f, 0x40, 2, 0x5001);
	put(f, 0x50, 2, 0x6805);
	put(f, 0x52, 2, 0x0180);
	put(f, 0x68, 2, 0x8010);
	put(f, 0x80, 2, 0x0011);
	found[0] = (struct pci_found){ .bus = 0, .dev = 3, .fn = 0,
		.bar = { { 0xfe000000, 1 << 20, 0 }, { 0 },
			 { 0x800000000ULL, 0x4000, PCI_BAR_MEM64 }, { 0 },
			 { 0xc000, 0x20, PCI_BAR_IO } } };

	f = &fns[1];
	f->bdf = OTHER;
	put(f, 0, 4, 0x10008086);
	put(f, 0x10, 4, 0xfd000000);
	f->bar_size[0] = 0x1000;
	found[1] = (struct pci_found){ .bus = 0, .dev = 4,
		.bar = { { 0xfd000000, 0x1000, 0 } } };

	f = &fns[2];
	f->bdf = LOOPY;
	f->owned = true;
	put(f, 0x06, 2, 1 << 4);
	put(f, 0x34, 1, 0x40);
	put(f, 0x40, 2, 0x4001);	/* points at itself */
	put(f, 0x10, 4, 0x00200000);	/* in host RAM */
	f->bar_size[0] = 0x1000;
	found[2] = (struct pci_found){ .bus = 0, .dev = 5,
		.bar = { { 0x200000, 0x1000, 0 } } };

	f = &fns[3];
	f->bdf = SMALL;
	f->owned = true;
	put(f, 0x10, 4, 0xfe0fff00);
	f->bar_size[0] = 0x100;
	found[3] = (struct pci_found){ .bus = 0, .dev = 6,
		.bar = { { 0xfe0fff00, 0x100, 0 } } };

	memset(d, 0, sizeof(*d));
	CHECK_EQ(vpci_hwdom_init(d, found, NFN, host, 3, kept, 1), 0);
}

static bool range_mapped(u64 addr, u64 size)
{
	for (u64 pa = addr & ~0xfffULL; pa < addr + size; pa += 0x1000)
		if (find_map(pa >> 12) < 0)
			return false;
	return true;
}

/* ---- Tests ----------------------------------------------------------- */

TEST(test_init_maps_decoding_bars)
{
	struct domain d;

	setup(&d);
	/* EDU decodes: BAR0 (256 pages) and the 64-bit BAR2 (4 pages); not
	 * the I/O BAR, nor the functions that do not decode. */
	CHECK(range_mapped(0xfe000000, 1 << 20));
	CHECK(range_mapped(0x800000000ULL, 0x4000));
	CHECK_EQ(nr_mapped, 256 + 4);
	vpci_domain_destroy(&d);
	CHECK_EQ(live_allocs, 0);
}

TEST(test_capability_list)
{
	struct domain d;

	setup(&d);
	CHECK_EQ(vpci_read(&d, EDU, 0x34, 1), 0x40);
	CHECK_EQ(vpci_read(&d, EDU, 0x40, 2), 0x6801);	/* PM -> PCIe */
	CHECK_EQ(vpci_read(&d, EDU, 0x68, 4), 0x0010);	/* PCIe -> end */
	CHECK_EQ(vpci_read(&d, EDU, 0x41, 1), 0x68);
	/* The rest of each register is the device's. */
	CHECK_EQ(vpci_read(&d, EDU, 0, 4), 0x11e81234);
	CHECK_EQ(vpci_read(&d, EDU, 0x52, 2), 0x0180);
	/* A loop is cut after its first step. */
	CHECK_EQ(vpci_read(&d, LOOPY, 0x34, 1), 0x40);
	CHECK(vpci_read(&d, LOOPY, 0x41, 1) != 0x40);
	vpci_domain_destroy(&d);
}

TEST(test_hidden_capabilities_are_not_written)
{
	struct domain d;
	unsigned int w;

	setup(&d);
	w = nr_writes;
	vpci_write(&d, EDU, 0x52, 2, 0x0181);		/* MSI enable */
	vpci_write(&d, EDU, 0x60, 4, 0xffffffff);	/* its mask bits */
	vpci_write(&d, EDU, 0x82, 2, 0x8000);		/* MSI-X enable */
	CHECK_EQ(nr_writes, w);
	CHECK_EQ(vpci_read(&d, EDU, 0x52, 2), 0x0180);
	CHECK_EQ(d.vpci->bad, 3);
	/* Right after MSI's 24 bytes, PCIe is writable. */
	vpci_write(&d, EDU, 0x6c, 4, 0x1234);
	CHECK_EQ(nr_writes, w + 1);
	vpci_domain_destroy(&d);
}

TEST(test_decoding_moves_the_map)
{
	struct domain d;

	setup(&d);
	/* A BAR write while mapped is ignored, upper halves too. */
	vpci_write(&d, EDU, 0x10, 4, 0xfa000000);
	vpci_write(&d, EDU, 0x1c, 4, 0x9);
	CHECK_EQ(vpci_read(&d, EDU, 0x10, 4), 0xfe000000);
	CHECK_EQ(vpci_read(&d, EDU, 0x1c, 4), 0x8);
	/* Off: unmapped.  Sized, moved, on: mapped where it now decodes. */
	vpci_write(&d, EDU, PCI_COMMAND, 2, 0);
	CHECK_EQ(nr_mapped, 0);
	vpci_write(&d, EDU, 0x10, 4, 0xffffffff);
	CHECK_EQ(vpci_read(&d, EDU, 0x10, 4), 0xfff00000);
	vpci_write(&d, EDU, 0x10, 4, 0xfa000000);
	vpci_write(&d, EDU, PCI_COMMAND, 2, PCI_COMMAND_MEMORY |
		   PCI_COMMAND_MASTER);
	CHECK(range_mapped(0xfa000000, 1 << 20));
	CHECK(!range_mapped(0xfe000000, 0x1000));
	CHECK_EQ(nr_mapped, 256 + 4);
	/* A 4-byte write of command and status decodes the same way. */
	vpci_write(&d, EDU, PCI_COMMAND, 4, 0xffff0000);
	CHECK_EQ(nr_mapped, 0);
	vpci_domain_destroy(&d);
}

TEST(test_shared_page_stays_mapped)
{
	struct domain d;

	setup(&d);
	/* SMALL's 256 bytes share EDU's last BAR0 page. */
	vpci_write(&d, SMALL, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	CHECK_EQ(nr_mapped, 256 + 4);
	vpci_write(&d, EDU, PCI_COMMAND, 2, 0);
	CHECK_EQ(nr_mapped, 1);
	CHECK(range_mapped(0xfe0fff00, 0x100));
	vpci_write(&d, SMALL, PCI_COMMAND, 2, 0);
	CHECK_EQ(nr_mapped, 0);
	vpci_domain_destroy(&d);
}

TEST(test_refusals)
{
	struct domain d;
	unsigned int w;

	setup(&d);
	/* Another domain's function is an empty slot to dom0. */
	CHECK_EQ(vpci_read(&d, OTHER, 0, 4), 0xffffffff);
	CHECK_EQ(vpci_read(&d, OTHER, 0, 2), 0xffff);
	w = nr_writes;
	vpci_write(&d, OTHER, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	CHECK_EQ(nr_writes, w);
	CHECK(!range_mapped(0xfd000000, 0x1000));
	/* So is a function nobody found. */
	CHECK_EQ(vpci_read(&d, PCI_BDF(1, 0, 0), 0, 4), 0xffffffff);
	/* Misaligned, too wide or past 4 KiB: all ones, counted. */
	CHECK_EQ(vpci_read(&d, EDU, 1, 2), 0xffff);
	CHECK_EQ(vpci_read(&d, EDU, 2, 4), 0xffffffff);
	CHECK_EQ(vpci_read(&d, EDU, 0, 8), 0xffffffff);
	CHECK_EQ(vpci_read(&d, EDU, 4096, 1), 0xff);
	vpci_write(&d, EDU, 0x11, 2, 0);
	CHECK_EQ(nr_bad_requests, 5);
	CHECK_EQ(nr_writes, w);
	/* A BAR over host RAM is never mapped; the device still decodes. */
	vpci_write(&d, LOOPY, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	CHECK(!range_mapped(0x200000, 0x1000));
	CHECK_EQ(vpci_read(&d, LOOPY, PCI_COMMAND, 2), PCI_COMMAND_MEMORY);
	/* Nor one over what the hypervisor keeps. */
	vpci_write(&d, EDU, PCI_COMMAND, 2, 0);
	vpci_write(&d, EDU, 0x10, 4, 0xfee00000);
	vpci_write(&d, EDU, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	CHECK(!range_mapped(0xfee00000, 0x1000));
	CHECK(range_mapped(0x800000000ULL, 0x4000));
	vpci_domain_destroy(&d);
}

UNIT_MAIN(test_init_maps_decoding_bars, test_capability_list,
	  test_hidden_capabilities_are_not_written, test_decoding_moves_the_map,
	  test_shared_page_stays_mapped, test_refusals)
