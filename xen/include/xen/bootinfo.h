/*
 * What the boot loader told us, in one loader-neutral form.  Filled by
 * multiboot_parse() from multiboot1 or multiboot2 information, which it
 * reads through a mapping callback so the parser can be tested on the host.
 */
#ifndef XEN_BOOTINFO_H
#define XEN_BOOTINFO_H

#include <xen/types.h>

#define E820_RAM 1
#define E820_RESERVED 2
#define E820_ACPI 3
#define E820_NVS 4
#define E820_UNUSABLE 5

#define BOOT_MAX_E820 128
#define BOOT_MAX_MODULES 16
#define BOOT_CMDLINE_LEN 1024
#define BOOT_MOD_CMDLINE_LEN 1024

struct e820_entry {
	u64 addr, size;
	u32 type;
};

/* [start, end) in bytes. */
struct mem_range {
	u64 start, end;
};

/* Does [start, end) overlap any of @r[0..nr)? */
static inline bool mem_range_overlaps(const struct mem_range *r,
				      unsigned int nr, u64 start, u64 end)
{
	for (unsigned int i = 0; i < nr; i++)
		if (r[i].start < end && start < r[i].end)
			return true;
	return false;
}

struct boot_module {
	paddr_t start;
	u64 size;
	char cmdline[BOOT_MOD_CMDLINE_LEN];
};

struct boot_info {
	int mb_version;			/* 1 or 2 */
	char cmdline[BOOT_CMDLINE_LEN];
	char loader[64];
	struct e820_entry map[BOOT_MAX_E820];
	unsigned int nr_map;
	struct boot_module mods[BOOT_MAX_MODULES];
	unsigned int nr_mods;
	unsigned int mods_dropped;	/* beyond BOOT_MAX_MODULES */
	/* Multiboot2 hands us a copy of the RSDP (tags 14/15). */
	bool have_rsdp_copy;
	u8 rsdp_copy[36];
	paddr_t info_start, info_end;	/* the loader's info block */
};

typedef const void *(*boot_map_fn)(paddr_t pa, size_t len, void *ctx);

/*
 * Returns 0, or a negative errno with *why set to a one-line explanation
 * (wrong magic, no memory map, corrupt memory map...).
 */
int multiboot_parse(u32 magic, paddr_t info, boot_map_fn map, void *ctx,
		    struct boot_info *bi, const char **why);

/* Sort the map, drop empty entries, resolve overlaps (the stricter type
 * wins). Returns -EINVAL if no usable RAM remains. */
int e820_sanitize(struct e820_entry *map, unsigned int *nr);

/* Total bytes of RAM in the map. */
u64 e820_ram_bytes(const struct e820_entry *map, unsigned int nr);

/* Is [pa, pa+len) entirely RAM? */
bool e820_is_ram(const struct e820_entry *map, unsigned int nr,
		 paddr_t pa, u64 len);

/* The boot CPU's C entry, called by arch/x86/boot/head.S with the boot
 * loader's magic and information pointer. */
__attribute__((noreturn)) void start_amphi(u32 magic, u32 info);

#endif
