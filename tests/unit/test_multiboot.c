/*
 * Multiboot 1/2 parsing and memory-map clean-up against hand-built loader
 * structures in a fake physical memory, including corrupt ones.
 */
#include <string.h>
#include <xen/bootinfo.h>
#include <xen/errno.h>
#include "unit.h"

#define MEM_BASE 0x10000
#define MEM_SIZE 0x10000
static unsigned char mem[MEM_SIZE];

static const void *fake_map(paddr_t pa, size_t len, void *ctx)
{
	if (pa < MEM_BASE || pa + len > MEM_BASE + MEM_SIZE || pa + len < pa)
		return NULL;
	return mem + (pa - MEM_BASE);
}

static void put32(paddr_t pa, uint32_t v) { memcpy(mem + pa - MEM_BASE, &v, 4); }
static void put64(paddr_t pa, uint64_t v) { memcpy(mem + pa - MEM_BASE, &v, 8); }
static void puts_at(paddr_t pa, const char *s) { strcpy((char *)mem + pa - MEM_BASE, s); }

/* mb1 info at 0x10000, mmap at 0x11000, mods at 0x12000, strings 0x13000+. */
static void build_mb1(int nr_mmap, uint32_t entry_size)
{
	memset(mem, 0, sizeof(mem));
	put32(0x10000, (1 << 2) | (1 << 3) | (1 << 6) | (1 << 9));
	put32(0x10000 + 16, 0x13000);		/* cmdline */
	puts_at(0x13000, "/boot/amphi console=com1 loglvl=all");
	put32(0x10000 + 20, 2);			/* mods_count */
	put32(0x10000 + 24, 0x12000);
	put32(0x12000, 0x400000); put32(0x12004, 0x500000); put32(0x12008, 0x13100);
	put32(0x12010, 0x600000); put32(0x12014, 0x601000); put32(0x12018, 0);
	puts_at(0x13100, "vmlinuz console=hvc0");
	put32(0x10000 + 44, nr_mmap * (entry_size + 4));
	put32(0x10000 + 48, 0x11000);
	put32(0x10000 + 64, 0x13200);
	puts_at(0x13200, "qemu");
	struct { uint64_t a, l; uint32_t t; } e[4] = {
		{ 0, 0x9fc00, 1 }, { 0xf0000, 0x10000, 2 },
		{ 0x100000, 0x3fee0000, 1 }, { 0xfffc0000, 0x40000, 2 },
	};
	for (int i = 0; i < nr_mmap; i++) {
		paddr_t p = 0x11000 + i * (entry_size + 4);

		put32(p, entry_size);
		put64(p + 4, e[i % 4].a);
		put64(p + 12, e[i % 4].l);
		put32(p + 20, e[i % 4].t);
	}
}

TEST(mb1_good)
{
	static struct boot_info bi;
	const char *why;

	build_mb1(4, 20);
	CHECK_EQ(multiboot_parse(0x2BADB002, 0x10000, fake_map, NULL, &bi, &why), 0);
	CHECK(!strcmp(bi.cmdline, "console=com1 loglvl=all"));
	CHECK(!strcmp(bi.loader, "qemu"));
	CHECK_EQ(bi.nr_mods, 2);
	CHECK_EQ(bi.mods[0].start, 0x400000);
	CHECK_EQ(bi.mods[0].size, 0x100000);
	/* Not GRUB 2: the image path leads each command line. */
	CHECK(!strcmp(bi.mods[0].cmdline, "console=hvc0"));
	CHECK(!strcmp(bi.mods[1].cmdline, ""));
	CHECK_EQ(bi.nr_map, 4);
	CHECK_EQ(e820_ram_bytes(bi.map, bi.nr_map), 0x9fc00 + 0x3fee0000);
	CHECK(e820_is_ram(bi.map, bi.nr_map, 0x200000, 0x1000));
	CHECK(!e820_is_ram(bi.map, bi.nr_map, 0xf0000, 0x1000));
	CHECK(!e820_is_ram(bi.map, bi.nr_map, 0x9f000, 0x2000));
}

TEST(mb1_entry_size_24)
{
	static struct boot_info bi;
	const char *why;

	build_mb1(4, 24);	/* entries may be larger than 20 bytes */
	CHECK_EQ(multiboot_parse(0x2BADB002, 0x10000, fake_map, NULL, &bi, &why), 0);
	CHECK_EQ(bi.nr_map, 4);
}

TEST(mb1_corrupt_maps)
{
	static struct boot_info bi;
	const char *why;

	build_mb1(4, 8);	/* entry size too small */
	CHECK_EQ(multiboot_parse(0x2BADB002, 0x10000, fake_map, NULL, &bi, &why), -EINVAL);
	CHECK(why && strstr(why, "corrupt"));

	build_mb1(4, 20);
	put32(0x10000 + 44, 0x1000000);	/* absurd length */
	CHECK_EQ(multiboot_parse(0x2BADB002, 0x10000, fake_map, NULL, &bi, &why), -EINVAL);

	build_mb1(4, 20);
	put32(0x10000 + 48, 0xfff000);	/* map outside memory */
	CHECK(multiboot_parse(0x2BADB002, 0x10000, fake_map, NULL, &bi, &why) < 0);

	build_mb1(4, 20);
	put32(0x10000, 1 << 2);		/* no map flag */
	CHECK_EQ(multiboot_parse(0x2BADB002, 0x10000, fake_map, NULL, &bi, &why), -ENOENT);
	CHECK(why && strstr(why, "no memory map"));

	build_mb1(2, 20);
	put32(0x11000 + 24 + 20, 2);	/* the only large RAM entry is reserved */
	put32(0x11000 + 20, 2);
	CHECK_EQ(multiboot_parse(0x2BADB002, 0x10000, fake_map, NULL, &bi, &why), -EINVAL);
	CHECK(why && strstr(why, "no usable RAM"));
}

TEST(bad_magic)
{
	static struct boot_info bi;
	const char *why;

	CHECK_EQ(multiboot_parse(0x12345678, 0x10000, fake_map, NULL, &bi, &why), -EINVAL);
	CHECK(why != NULL);
	CHECK(multiboot_parse(0x2BADB002, 0x900000, fake_map, NULL, &bi, &why) < 0);
}

static uint32_t mb2_tag(uint32_t off, uint32_t type, uint32_t size)
{
	put32(0x10000 + off, type);
	put32(0x10000 + off + 4, size);
	return off + ((size + 7) & ~7u);
}

static uint32_t build_mb2(bool with_mmap)
{
	uint32_t off = 8;

	memset(mem, 0, sizeof(mem));
	puts_at(0x10000 + off + 8, "noreboot console=com1");
	off = mb2_tag(off, 1, 8 + 22);
	puts_at(0x10000 + off + 8, "GRUB 2.06");
	off = mb2_tag(off, 2, 8 + 10);
	put32(0x10000 + off + 8, 0x800000);
	put32(0x10000 + off + 12, 0x900000);
	puts_at(0x10000 + off + 16, "dom0 kernel");
	off = mb2_tag(off, 3, 16 + 12);
	if (with_mmap) {
		put32(0x10000 + off + 8, 24);	/* entry size */
		put32(0x10000 + off + 12, 0);
		put64(0x10000 + off + 16, 0x100000);
		put64(0x10000 + off + 24, 0x1000000);
		put32(0x10000 + off + 32, 1);
		put64(0x10000 + off + 40, 0x800000);	/* overlaps: reserved wins */
		put64(0x10000 + off + 48, 0x100000);
		put32(0x10000 + off + 56, 2);
		off = mb2_tag(off, 6, 16 + 48);
	}
	memcpy(mem + off + 8, "RSD PTR ", 8);
	off = mb2_tag(off, 14, 8 + 20);
	off = mb2_tag(off, 0, 8);
	put32(0x10000, off);
	return off;
}

TEST(mb2_good)
{
	static struct boot_info bi;
	const char *why;

	build_mb2(true);
	CHECK_EQ(multiboot_parse(0x36d76289, 0x10000, fake_map, NULL, &bi, &why), 0);
	CHECK_EQ(bi.mb_version, 2);
	CHECK(!strcmp(bi.cmdline, "noreboot console=com1"));
	CHECK_EQ(bi.nr_mods, 1);
	CHECK_EQ(bi.mods[0].start, 0x800000);
	/* GRUB 2 passes no image name: nothing is stripped. */
	CHECK(!strcmp(bi.mods[0].cmdline, "dom0 kernel"));
	CHECK(!strcmp(bi.loader, "GRUB 2.06"));
	CHECK(bi.have_rsdp_copy);
	CHECK(!memcmp(bi.rsdp_copy, "RSD PTR ", 8));
	/* RAM [1M,8M) reserved [8M,9M) RAM [9M,17M) */
	CHECK_EQ(bi.nr_map, 3);
	CHECK_EQ(bi.map[1].addr, 0x800000);
	CHECK_EQ(bi.map[1].type, 2);
	CHECK_EQ(e820_ram_bytes(bi.map, bi.nr_map), 0x1000000 - 0x100000);
}

TEST(mb2_corrupt)
{
	static struct boot_info bi;
	const char *why;
	uint32_t total;

	build_mb2(false);
	CHECK_EQ(multiboot_parse(0x36d76289, 0x10000, fake_map, NULL, &bi, &why), -ENOENT);

	total = build_mb2(true);
	put32(0x10000 + 12, 0x10000);	/* cmdline tag size past the end */
	CHECK_EQ(multiboot_parse(0x36d76289, 0x10000, fake_map, NULL, &bi, &why), -EINVAL);

	build_mb2(true);
	put32(0x10000, 4);		/* total size too small */
	CHECK_EQ(multiboot_parse(0x36d76289, 0x10000, fake_map, NULL, &bi, &why), -EINVAL);

	build_mb2(true);
	put32(0x10000 + 8 + 4, 4);	/* tag size < 8 */
	CHECK_EQ(multiboot_parse(0x36d76289, 0x10000, fake_map, NULL, &bi, &why), -EINVAL);
	(void)total;
}

TEST(e820_overlaps_and_merge)
{
	struct e820_entry m[BOOT_MAX_E820] = {
		{ 0x200000, 0x100000, 1 }, { 0x100000, 0x100000, 1 },	/* adjacent */
		{ 0x180000, 0x10000, 2 },	/* reserved inside RAM */
		{ 0x1000000, 0, 1 },		/* empty */
		{ 0xfffffffffffff000ULL, 0x2000, 1 },	/* wraps */
		{ 0x400000, 0x1000, 7 },	/* unknown type -> stricter */
	};
	unsigned int n = 6;

	CHECK_EQ(e820_sanitize(m, &n), 0);
	CHECK_EQ(n, 5);
	CHECK_EQ(m[0].addr, 0x100000);
	CHECK_EQ(m[0].size, 0x80000);
	CHECK_EQ(m[1].type, 2);
	CHECK_EQ(m[2].addr, 0x190000);
	CHECK_EQ(m[2].size, 0x300000 - 0x190000);
	CHECK_EQ(m[3].type, 7);
	CHECK_EQ(m[4].addr, 0xfffffffffffff000ULL);
	CHECK_EQ(m[4].size, 0xfff);
}

UNIT_MAIN(mb1_good, mb1_entry_size_24, mb1_corrupt_maps, bad_magic, mb2_good,
	  mb2_corrupt, e820_overlaps_and_merge)
