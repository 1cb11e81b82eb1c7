/*
 * Guest RAM is real and private: every page of the RAM entries in the
 * start_info memory map (except this image, which holds our code, stacks
 * and page tables) takes an address-dependent pattern and gives it back -
 * all pages are written before any is checked, so two GPAs backed by one
 * host page are caught.  With "touch-outside" on the command line we then
 * read and write the first page above RAM: nothing is there, so reads
 * give all ones (never anyone's memory) and writes go nowhere, as on
 * Xen, where such an access is emulated MMIO nobody claims.
 * Options: "seed=<n>" varies the pattern (two domains running this at
 * once with different seeds catch shared backing pages), "passes=<n>"
 * repeats the test, "mem_mb=<n>" checks the map holds exactly that much.
 */
#include "lib.h"

static u64 pattern(u64 addr, u64 seed)
{
	return (addr * 0x9e3779b97f4a7c15ULL) ^ seed;
}

static bool skip_page(u64 pa)
{
	return pa >= (u64)image_start && pa < (u64)image_end;
}

/* Run @fn over every testable page of every RAM entry. */
static u64 for_each_page(u64 seed, u64 (*fn)(u64 pa, u64 seed))
{
	u64 bad = 0, pa, end;
	unsigned int i;

	for (i = 0; i < memmap_entries; i++) {
		if (memmap[i].type != XEN_HVM_MEMMAP_TYPE_RAM)
			continue;
		end = memmap[i].addr + memmap[i].size;
		if (end > IDENTITY_MAP_END)
			end = IDENTITY_MAP_END;
		for (pa = memmap[i].addr & ~(PAGE_SIZE - 1); pa + PAGE_SIZE <= end;
		     pa += PAGE_SIZE)
			if (!skip_page(pa))
				bad += fn(pa, seed);
	}
	return bad;
}

static u64 fill(u64 pa, u64 seed)
{
	volatile u64 *p = (volatile u64 *)pa;
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / 8; i++)
		p[i] = pattern(pa + 8 * i, seed);
	return 0;
}

static u64 verify(u64 pa, u64 seed)
{
	volatile u64 *p = (volatile u64 *)pa;
	unsigned int i, bad = 0;
	u64 v;

	for (i = 0; i < PAGE_SIZE / 8; i++) {
		v = p[i];
		if (v != pattern(pa + 8 * i, seed)) {
			if (!bad)
				report_info("mismatch at %#lx: %#lx, want %#lx",
					    pa + 8 * i, v, pattern(pa + 8 * i, seed));
			bad++;
		}
	}
	return bad ? 1 : 0;
}

static u64 count(u64 pa, u64 seed)
{
	return 1;
}

static void touch_outside(u64 ram_end)
{
	volatile u64 *p = (volatile u64 *)ram_end;
	u64 v;

	report_info("touch-outside: GPA %#lx (first byte above RAM) is "
		    "nobody's: reads all ones, writes go nowhere", ram_end);
	v = *p;
	report(v == ~0ULL, "read above RAM returns all ones (%#lx)", v);
	*p = 0x5a5a5a5a5a5a5a5aULL;
	v = *p;
	report(v == ~0ULL, "a write above RAM went nowhere (reads %#lx)", v);
}

int main(void)
{
	u64 ram_end = memmap_ram_end(), pages, bad, seed = 0x0123456789abcdefULL;
	u64 passes = 2, mem_mb, n, prev_end = 0;
	unsigned int i, ram_entries = 0;
	bool sorted = true;

	for (i = 0; i < memmap_entries; i++) {
		report_info("memmap[%u]: %#lx-%#lx type %u", i, memmap[i].addr,
			    memmap[i].addr + memmap[i].size - 1, memmap[i].type);
		ram_entries += memmap[i].type == XEN_HVM_MEMMAP_TYPE_RAM;
		if (memmap[i].addr < prev_end || !memmap[i].size ||
		    (memmap[i].type == XEN_HVM_MEMMAP_TYPE_RAM &&
		     ((memmap[i].addr | memmap[i].size) & (PAGE_SIZE - 1))))
			sorted = false;
		prev_end = memmap[i].addr + memmap[i].size;
	}
	if (!ram_end) {
		report_info("no RAM in the memory map");
		return TEST_ERROR;
	}
	/* A domU's RAM is one entry from 0; dom0's follows the host's map,
	 * its first RAM entry at 0 too. */
	report(ram_entries >= 1 && memmap[0].addr == 0 &&
	       memmap[0].type == XEN_HVM_MEMMAP_TYPE_RAM && sorted,
	       "memmap: sorted, disjoint, page-aligned RAM, the first at 0 "
	       "(%u RAM entries)", ram_entries);
	if (cmdline_get_u64("mem_mb", &mem_mb)) {
		report(ram_entries == 1, "memmap: a domU's RAM is one entry");
		report(ram_end == mem_mb << 20, "RAM ends at %lu MiB (%#lx)", mem_mb, ram_end);
	}
	if (ram_end > IDENTITY_MAP_END)
		report_info("RAM above 1 GiB is not tested (identity map ends there)");
	cmdline_get_u64("seed", &seed);
	cmdline_get_u64("passes", &passes);
	pages = for_each_page(0, count);
	report_info("testing %lu pages (%lu KiB), image %p-%p skipped, %lu passes",
		    pages, pages * 4, image_start, image_end, passes);

	for (n = 0; n < passes; n++) {
		u64 s = n & 1 ? ~seed : seed + n;

		for_each_page(s, fill);
		bad = for_each_page(s, verify);
		report(!bad, "pass %lu (seed %#lx): %lu of %lu pages read back wrong",
		       n + 1, s, bad, pages);
	}

	if (cmdline_has("touch-outside"))
		touch_outside(ram_end);
	return report_result();
}
