/*
 * Memory-map clean-up.  Loaders and firmware hand over maps that are
 * unsorted, overlapping or split into adjacent pieces; everything after boot
 * wants sorted, disjoint, merged entries.  Overlaps resolve to the stricter
 * type, so RAM is never claimed where anything else is reported.
 */
#include <xen/bootinfo.h>
#include <xen/errno.h>
#include <xen/lib.h>

/* Higher wins an overlap. */
static int type_rank(u32 type)
{
	switch (type) {
	case E820_RAM: return 0;
	case E820_ACPI: return 1;
	case E820_NVS: return 2;
	case E820_RESERVED: return 3;
	default: return 4;	/* unusable and unknown */
	}
}

static void sort_u64(u64 *v, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		u64 x = v[i];
		unsigned int j = i;

		for (; j && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* The type covering [s, s+1): the stricter of all entries covering s. */
static int type_at(const struct e820_entry *map, unsigned int nr, u64 s)
{
	int best = -1;
	u32 type = 0;

	for (unsigned int i = 0; i < nr; i++) {
		if (s >= map[i].addr && s - map[i].addr < map[i].size &&
		    type_rank(map[i].type) > best) {
			best = type_rank(map[i].type);
			type = map[i].type;
		}
	}
	return type;
}

int e820_sanitize(struct e820_entry *map, unsigned int *nr)
{
	static u64 pts[2 * BOOT_MAX_E820];
	static struct e820_entry out[BOOT_MAX_E820];
	unsigned int n = 0, o = 0;

	for (unsigned int i = 0; i < *nr && i < BOOT_MAX_E820; i++) {
		if (!map[i].size)
			continue;
		/* Clip entries that reach or wrap past the top of the address
		 * space: their end must stay representable (the last byte is
		 * lost, which no real map cares about). */
		if (map[i].addr + map[i].size <= map[i].addr)
			map[i].size = ~map[i].addr;
		pts[n++] = map[i].addr;
		pts[n++] = map[i].addr + map[i].size;
	}
	sort_u64(pts, n);
	for (unsigned int i = 0; i + 1 < n; i++) {
		u32 t;

		if (pts[i] == pts[i + 1])
			continue;
		t = type_at(map, *nr, pts[i]);
		if (!t)
			continue;	/* a hole between entries */
		if (o && out[o - 1].type == t &&
		    out[o - 1].addr + out[o - 1].size == pts[i]) {
			out[o - 1].size += pts[i + 1] - pts[i];
			continue;
		}
		if (o == BOOT_MAX_E820)
			break;
		out[o++] = (struct e820_entry){ pts[i], pts[i + 1] - pts[i], t };
	}
	memcpy(map, out, o * sizeof(*out));
	*nr = o;
	return e820_ram_bytes(map, o) ? 0 : -EINVAL;
}

u64 e820_ram_bytes(const struct e820_entry *map, unsigned int nr)
{
	u64 total = 0;

	for (unsigned int i = 0; i < nr; i++)
		if (map[i].type == E820_RAM)
			total += map[i].size;
	return total;
}

bool e820_is_ram(const struct e820_entry *map, unsigned int nr,
		 paddr_t pa, u64 len)
{
	for (unsigned int i = 0; i < nr; i++) {
		if (map[i].type != E820_RAM)
			continue;
		if (pa >= map[i].addr && pa - map[i].addr <= map[i].size &&
		    len <= map[i].size - (pa - map[i].addr))
			return true;
	}
	return false;
}
