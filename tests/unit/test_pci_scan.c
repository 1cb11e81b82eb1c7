/*
 * The PCI walk (xen/common/pci_scan.c) on a fake segment: functions are
 * described by a table, everything else reads all ones, as an absent
 * function does.
 */
#include <stdint.h>
#include <string.h>

#include <xen/pci.h>

#include "unit.h"

struct fake_fn {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint32_t class_rev;
	uint8_t hdr;			/* header type byte, bit 7 included */
	uint8_t secondary;		/* bridges */
};

struct fake_bus {
	const struct fake_fn *fns;
	unsigned int n;
	bool garbage_fns;		/* functions 1-7 of 00:04 answer */
	bool chain;			/* bus b has a bridge to b + 1 */
	unsigned int reads;
};

static uint32_t fake_read(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn,
			  unsigned int reg)
{
	struct fake_bus *b = ctx;

	b->reads++;
	if (b->chain && dev == 0 && fn == 0) {
		switch (reg) {
		case PCI_VENDOR_ID: return 0x00011234;
		case PCI_CLASS_REVISION: return 0x06040000;
		case PCI_HEADER_TYPE & ~3: return 0x01U << 16;
		case PCI_PRIMARY_BUS:
			return bus | (uint32_t)(uint8_t)(bus + 1) << 8 | 0xffU << 16;
		}
	}
	if (b->garbage_fns && bus == 0 && dev == 4 && fn)
		return 0x5a5a5a5a;
	for (unsigned int i = 0; i < b->n; i++) {
		const struct fake_fn *f = &b->fns[i];

		if (f->bus != bus || f->dev != dev || f->fn != fn)
			continue;
		switch (reg) {
		case PCI_VENDOR_ID: return f->vendor | (uint32_t)f->device << 16;
		case PCI_CLASS_REVISION: return f->class_rev;
		case PCI_HEADER_TYPE & ~3: return (uint32_t)f->hdr << 16;
		case PCI_PRIMARY_BUS:
			return bus | (uint32_t)f->secondary << 8 | 0xffU << 16;
		}
		return 0;
	}
	return 0xffffffff;
}

static struct pci_scan s;

static const struct pci_found *find(uint8_t bus, uint8_t dev, uint8_t fn)
{
	for (unsigned int i = 0; i < s.nr; i++)
		if (s.dev[i].bus == bus && s.dev[i].dev == dev &&
		    s.dev[i].fn == fn)
			return &s.dev[i];
	return NULL;
}

static void scan(struct fake_bus *b)
{
	memset(&s, 0xcc, sizeof(s));
	s.read32 = fake_read;
	s.write32 = NULL;		/* BARs are test_bars' */
	s.ctx = b;
	pci_scan_buses(&s);
}

TEST(test_walk)
{
	static const struct fake_fn fns[] = {
		{ 0, 0, 0, 0x8086, 0x29c0, 0x06000002, 0x00, 0 },
		{ 0, 1, 0, 0x8086, 0x2948, 0x06040000, 0x01, 2 },  /* -> 2 */
		{ 0, 2, 0, 0x8086, 0x2948, 0x06040000, 0x01, 2 },  /* dup */
		{ 0, 3, 0, 0x8086, 0x2948, 0x06040000, 0x01, 0 },  /* loop */
		{ 0, 4, 0, 0x1af4, 0x1000, 0x02000000, 0x00, 0 },
		{ 0, 0x1f, 0, 0x8086, 0x2918, 0x06010002, 0x80, 0 },
		{ 0, 0x1f, 2, 0x8086, 0x2922, 0x01060102, 0x00, 0 },
		{ 0, 0x1f, 3, 0x8086, 0x2930, 0x0c050002, 0x00, 0 },
		{ 2, 0, 0, 0x8086, 0x2948, 0x06040000, 0x81, 3 },  /* -> 3 */
		{ 2, 0, 1, 0x8086, 0x10d3, 0x02000000, 0x00, 0 },
		{ 3, 5, 0, 0x1b36, 0x000d, 0x0c033000, 0x00, 0 },
		{ 5, 0, 0, 0xdead, 0xbeef, 0, 0x00, 0 },	/* unreached */
	};
	struct fake_bus b = { fns, sizeof(fns) / sizeof(fns[0]), true, false, 0 };
	const struct pci_found *f;

	scan(&b);
	CHECK_EQ(s.nr, 11);
	CHECK_EQ(s.nr_buses, 3);
	CHECK_EQ(s.nr_bad_bridges, 2);
	CHECK_EQ(s.nr_dropped, 0);
	f = find(0, 0x1f, 2);
	CHECK(f && f->vendor == 0x8086 && f->device == 0x2922 &&
	      f->class_rev == 0x01060102 && f->header_type == 0);
	f = find(0, 0x1f, 0);
	CHECK(f && f->header_type == 0);	/* bit 7 dropped */
	f = find(0, 1, 0);
	CHECK(f && f->header_type == 1 && f->secondary_bus == 2);
	f = find(2, 0, 0);
	CHECK(f && f->header_type == 1 && f->secondary_bus == 3);
	CHECK(find(2, 0, 1) != NULL);		/* multi-function bridge */
	CHECK(find(3, 5, 0) != NULL);
	CHECK(find(0, 4, 0) != NULL);
	CHECK(find(0, 4, 1) == NULL);		/* single-function: no fn 1-7 */
	CHECK(find(5, 0, 0) == NULL);		/* no bridge leads there */
	/* Bus 1 was never walked: 11 functions, a few reads each, and the
	 * 32 devices of each of the 3 buses walked. */
	CHECK(b.reads < 3 * 32 * 8 + 11 * 4);
}

/* 255 bridges in a chain: every bus once, no recursion to overflow. */
TEST(test_chain)
{
	struct fake_bus b = { NULL, 0, false, true, 0 };

	scan(&b);
	CHECK_EQ(s.nr_buses, 256);
	CHECK_EQ(s.nr, 256);
	CHECK_EQ(s.dev[255].bus, 255);
	CHECK_EQ(s.dev[255].secondary_bus, 0);	/* 255 + 1 wraps: refused */
	CHECK_EQ(s.nr_bad_bridges, 1);
}

/* More functions than the list holds: counted, not written past it. */
TEST(test_full)
{
	static struct fake_fn fns[32 * 8 + 8];
	struct fake_bus b = { fns, 0, false, false, 0 };

	for (unsigned int d = 0; d < 32; d++)
		for (unsigned int fn = 0; fn < 8; fn++)
			fns[b.n++] = (struct fake_fn){ 0, d, fn, 0x1234,
						       (uint16_t)(d * 8 + fn),
						       0x0b400000, 0x80, 0 };
	scan(&b);
	CHECK_EQ(s.nr, PCI_MAX_DEVICES);
	CHECK_EQ(s.nr_dropped, 256 - PCI_MAX_DEVICES);
	CHECK_EQ(s.nr_buses, 1);
}

/* One function with every kind of BAR (6.2.5.1): what sticks of a write
 * of all ones gives the size; the flag bits are read-only. */
static struct bar_dev {
	uint32_t val[6];		/* what the registers hold */
	uint32_t ro[6];			/* read-only low bits (flags) */
	uint64_t size[6];		/* 0: not implemented */
	uint32_t cmd;
	unsigned int writes_decoding;	/* BAR writes with decoding on */
} bd;

static uint32_t bar_read(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn,
			 unsigned int reg)
{
	if (bus || dev || fn)
		return 0xffffffff;
	switch (reg) {
	case PCI_VENDOR_ID: return 0x10001af4;
	case PCI_COMMAND: return bd.cmd | 0x00100000;	/* a status bit */
	case PCI_CLASS_REVISION: return 0x02000000;
	case PCI_HEADER_TYPE & ~3: return 0;
	}
	if (reg >= PCI_BASE_ADDRESS_0 && reg < PCI_BASE_ADDRESS_0 + 24)
		return bd.val[(reg - PCI_BASE_ADDRESS_0) / 4];
	return 0;
}

static void bar_write(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn,
		      unsigned int reg, uint32_t v)
{
	unsigned int i = (reg - PCI_BASE_ADDRESS_0) / 4;
	uint64_t mask;

	if (reg == PCI_COMMAND) {
		CHECK_EQ(v >> 16, 0);	/* status is write-1-to-clear */
		bd.cmd = v;
		return;
	}
	if (reg < PCI_BASE_ADDRESS_0 || i >= 6)
		return;
	if (bd.cmd & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY))
		bd.writes_decoding++;
	/* A 64-bit BAR's upper half (size in slot i - 1, ro 0). */
	if (!bd.size[i] && i && bd.size[i - 1] && (bd.ro[i - 1] & 6) == 4) {
		mask = ~(bd.size[i - 1] - 1);
		bd.val[i] = v & (uint32_t)(mask >> 32);
		return;
	}
	if (!bd.size[i])
		return;
	mask = ~(bd.size[i] - 1);
	bd.val[i] = (v & (uint32_t)mask & ~0xfU) | bd.ro[i];
	if (bd.ro[i] & 1)		/* I/O: bit 1 reserved, 16 bits wide */
		bd.val[i] = (v & (uint32_t)mask & 0xfffc) | 1;
}

TEST(test_bars)
{
	static const uint32_t before[6] = { 0xc001, 0xfebf0000, 0x0000000c,
					    0x8, 0, 0xfe000008 };

	memset(&bd, 0, sizeof(bd));
	memcpy(bd.val, before, sizeof(before));
	bd.ro[0] = 1; bd.size[0] = 0x20;			/* I/O */
	bd.ro[1] = 0; bd.size[1] = 0x1000;			/* mem32 */
	bd.ro[2] = 0xc; bd.size[2] = 0x400000000ULL;		/* mem64 pf */
	bd.ro[5] = 0x8; bd.size[5] = 0x100000;			/* mem32 pf */
	bd.cmd = PCI_COMMAND_IO | PCI_COMMAND_MEMORY | 0x4;
	memset(&s, 0xcc, sizeof(s));
	s.read32 = bar_read;
	s.write32 = bar_write;
	s.ctx = NULL;
	pci_scan_buses(&s);
	CHECK_EQ(s.nr, 1);
	CHECK_EQ(s.dev[0].bar[0].flags, PCI_BAR_IO);
	CHECK_EQ(s.dev[0].bar[0].addr, 0xc000);
	CHECK_EQ(s.dev[0].bar[0].size, 0x20);
	CHECK_EQ(s.dev[0].bar[1].flags, 0);
	CHECK_EQ(s.dev[0].bar[1].addr, 0xfebf0000);
	CHECK_EQ(s.dev[0].bar[1].size, 0x1000);
	CHECK_EQ(s.dev[0].bar[2].flags, PCI_BAR_MEM64 | PCI_BAR_PREFETCH);
	CHECK_EQ(s.dev[0].bar[2].addr, 0x800000000ULL);
	CHECK_EQ(s.dev[0].bar[2].size, 0x400000000ULL);
	CHECK_EQ(s.dev[0].bar[3].size, 0);	/* the upper half's slot */
	CHECK_EQ(s.dev[0].bar[4].size, 0);	/* not implemented */
	CHECK_EQ(s.dev[0].bar[5].flags, PCI_BAR_PREFETCH);
	CHECK_EQ(s.dev[0].bar[5].addr, 0xfe000000);
	CHECK_EQ(s.dev[0].bar[5].size, 0x100000);
	/* Everything as firmware left it, and no BAR moved while decoded. */
	CHECK(!memcmp(bd.val, before, sizeof(before)));
	CHECK_EQ(bd.cmd, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | 0x4);
	CHECK_EQ(bd.writes_decoding, 0);
}

UNIT_MAIN(test_walk, test_chain, test_full, test_bars)
