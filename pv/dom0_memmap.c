/*
 * dom0's guest-physical layout: the host's map, with dom0's RAM where the
 * host has RAM (pv/dom0_memmap.h).  Pure: the domain builder
 * (pv/dom0_build.c) populates and maps what these functions compute, and
 * tests/unit/test_dom0_memmap.c checks them against host maps.
 */
#include <xen/errno.h>
#include <xen/lib.h>
#include <pv/dom0_memmap.h>

#define MB1_PFN		(0x100000ULL >> PAGE_SHIFT)
#define GB4		(1ULL << 32)
#define ID_MAX_PAGES	(GB4 >> PAGE_SHIFT)

static int layout_insert(struct dom0_layout *l, unsigned int at, u64 addr,
			 u64 size, u32 type, const char **why)
{
	if (l->nr_map == ARRAY_SIZE(l->map)) {
		*why = "the host memory map has more entries than dom0's can hold";
		return -ENOSPC;
	}
	memmove(&l->map[at + 1], &l->map[at],
		(l->nr_map - at) * sizeof(l->map[0]));
	l->map[at] = (struct e820_entry){ addr, size, type };
	l->nr_map++;
	return 0;
}

/* As Xen's pvh_steal_ram(): the tables go at the top of RAM below 4 GiB,
 * where a 32-bit pointer (the RSDT's, the FADT's) can reach them. */
static int layout_take_acpi(struct dom0_layout *l, u64 bytes,
			    const char **why)
{
	for (unsigned int i = l->nr_map; i-- > 0;) {
		struct e820_entry *e = &l->map[i];

		if (e->type != E820_RAM || e->addr < (MB1_PFN << PAGE_SHIFT) ||
		    e->addr + e->size > GB4 || e->size <= bytes)
			continue;
		e->size -= bytes;
		l->acpi_gpa = e->addr + e->size;
		l->acpi_size = bytes;
		return layout_insert(l, i + 1, l->acpi_gpa, bytes, E820_ACPI,
				     why);
	}
	*why = "no RAM between 1 MiB and 4 GiB for dom0's ACPI tables";
	return -ENOMEM;
}

int dom0_layout_build(const struct e820_entry *host, unsigned int nr_host,
		      u64 ram_bytes, u64 acpi_bytes, struct dom0_layout *l,
		      const char **why)
{
	u64 left = ROUNDDOWN(ram_bytes, PAGE_SIZE);
	int rc = 0;

	*l = (struct dom0_layout){ 0 };
	for (unsigned int i = 0; i < nr_host && !rc; i++) {
		const struct e820_entry *e = &host[i];
		u64 s, end, n;

		if (e->type != E820_RAM) {
			rc = layout_insert(l, l->nr_map, e->addr, e->size,
					   e->type, why);
			continue;
		}
		/* Host RAM past dom0's share is listed unusable, as Xen
		 * does: a hole there could be taken for MMIO space, and a
		 * BAR dom0 put there would clash with the machine's RAM. */
		s = ROUNDUP(e->addr, PAGE_SIZE);
		end = ROUNDDOWN(e->addr + e->size, PAGE_SIZE);
		if (end <= s)
			continue;
		n = MIN(end - s, left);
		if (n)
			rc = layout_insert(l, l->nr_map, s, n, E820_RAM, why);
		if (!rc && n < end - s)
			rc = layout_insert(l, l->nr_map, s + n, end - s - n,
					   E820_UNUSABLE, why);
		left -= n;
	}
	if (rc)
		return rc;
	l->ram_bytes = ROUNDDOWN(ram_bytes, PAGE_SIZE) - left;
	if (!l->ram_bytes) {
		*why = "the host memory map has no whole page of RAM for dom0";
		return -ENOMEM;
	}
	return acpi_bytes ?
	       layout_take_acpi(l, ROUNDUP(acpi_bytes, PAGE_SIZE), why) : 0;
}

static bool dom0_has_ram(const struct dom0_layout *l, u64 pfn)
{
	u64 pa = pfn << PAGE_SHIFT;

	/* dom0's RAM entries are page aligned: a page that overlaps one is
	 * wholly in it. */
	return e820_is_ram(l->map, l->nr_map, pa, PAGE_SIZE) ||
	       (pa >= l->acpi_gpa && pa - l->acpi_gpa < l->acpi_size);
}

/* Consecutive pages become one call of fn. */
struct id_run {
	int (*fn)(void *ctx, u64 pfn, u64 nr);
	void *ctx;
	u64 start, nr;
};

static int run_flush(struct id_run *r)
{
	int rc = r->nr ? r->fn(r->ctx, r->start, r->nr) : 0;

	r->nr = 0;
	return rc;
}

static int run_add(struct id_run *r, u64 pfn)
{
	int rc = 0;

	if (r->nr && r->start + r->nr == pfn) {
		r->nr++;
		return 0;
	}
	rc = run_flush(r);
	r->start = pfn;
	r->nr = 1;
	return rc;
}

int dom0_identity_ranges(const struct e820_entry *host, unsigned int nr_host,
			 const struct dom0_layout *l, bool reserved,
			 const struct mem_range *deny, unsigned int nr_deny,
			 int (*fn)(void *ctx, u64 pfn, u64 nr), void *ctx)
{
	struct id_run r = { .fn = fn, .ctx = ctx };
	u64 next = 0;	/* pages below it were considered */
	int rc = 0;

	/* Candidates in ascending order: the first MiB, then the host's
	 * ACPI and NVS entries and its reserved ones below 4 GiB (sorted,
	 * as e820_sanitize() leaves them). */
	for (unsigned int i = 0; i <= nr_host && !rc; i++) {
		u64 s, end;

		if (!i) {
			s = 0;
			end = MB1_PFN;
		} else {
			const struct e820_entry *e = &host[i - 1];

			if (e->type != E820_ACPI && e->type != E820_NVS &&
			    (e->type != E820_RESERVED || e->addr >= GB4 ||
			     !reserved))
				continue;
			/* Bounded, so this loop is. */
			s = e->addr >> PAGE_SHIFT;
			end = s + MIN((e->size + (e->addr & ~PAGE_MASK) +
				       PAGE_SIZE - 1) >> PAGE_SHIFT,
				      ID_MAX_PAGES);
			if (e->type == E820_RESERVED)
				end = MIN(end, GB4 >> PAGE_SHIFT);
		}
		for (u64 pfn = MAX(s, next); pfn < end && !rc; pfn++)
			if (!e820_is_ram(host, nr_host, pfn << PAGE_SHIFT,
					 PAGE_SIZE) &&
			    !dom0_has_ram(l, pfn) &&
			    !mem_range_overlaps(deny, nr_deny,
						pfn << PAGE_SHIFT,
						(pfn + 1) << PAGE_SHIFT))
				rc = run_add(&r, pfn);
		next = MAX(next, end);
	}
	return rc ? rc : run_flush(&r);
}
