/*
 * Multiboot 1 (0.6.96) and 2 (2.0) boot information -> struct boot_info.
 *
 * The loader's structures are untrusted input in the sense that a broken
 * loader or a hand-written GRUB entry must produce a clear message rather
 * than a wild read: every structure is fetched through map() with its
 * length, every count is bounded.
 */
#include <xen/bootinfo.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <asm/multiboot.h>

#define MB1_FLAG_MEM (1 << 0)
#define MB1_FLAG_CMDLINE (1 << 2)
#define MB1_FLAG_MODS (1 << 3)
#define MB1_FLAG_MMAP (1 << 6)
#define MB1_FLAG_LOADER (1 << 9)

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

#define MB_MAX_INFO (64 * 1024)		/* far above any real loader */

struct mb1_info {
	u32 flags, mem_lower, mem_upper, boot_device, cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
	u32 drives_length, drives_addr, config_table, boot_loader_name;
} __packed;

struct mb1_module {
	u32 start, end, cmdline, pad;
} __packed;

struct mb_mmap_entry {
	u64 addr, len;
	u32 type;
} __packed;

/* Copy a NUL-terminated string of at most @max-1 bytes from @pa. */
static void copy_string(char *dst, size_t max, paddr_t pa, boot_map_fn map,
			void *ctx)
{
	const char *s;
	size_t i;

	dst[0] = '\0';
	for (i = 0; i + 1 < max; i++) {
		s = map(pa + i, 1, ctx);
		if (!s || !*s)
			break;
		dst[i] = *s;
	}
	dst[i] = '\0';
}

static void add_module(struct boot_info *bi, paddr_t start, paddr_t end,
		       paddr_t cmdline, boot_map_fn map, void *ctx)
{
	struct boot_module *m;

	if (bi->nr_mods == BOOT_MAX_MODULES) {
		bi->mods_dropped++;
		return;
	}
	m = &bi->mods[bi->nr_mods++];
	m->start = start;
	m->size = end > start ? end - start : 0;
	if (cmdline)
		copy_string(m->cmdline, sizeof(m->cmdline), cmdline, map, ctx);
	else
		m->cmdline[0] = '\0';
}

static void add_mmap_entry(struct boot_info *bi, u64 addr, u64 len, u32 type)
{
	if (bi->nr_map == BOOT_MAX_E820 || !len)
		return;
	/* Anything we don't know is treated as reserved. */
	if (type < E820_RAM || type > E820_UNUSABLE)
		type = E820_RESERVED;
	bi->map[bi->nr_map++] = (struct e820_entry){ addr, len, type };
}

static int parse_mb1(paddr_t info, boot_map_fn map, void *ctx,
		     struct boot_info *bi, const char **why)
{
	const struct mb1_info *mi = map(info, sizeof(*mi), ctx);
	u32 off;

	if (!mi) {
		*why = "multiboot1 information block is not readable";
		return -EFAULT;
	}
	bi->info_start = info;
	bi->info_end = info + sizeof(*mi);
	if (mi->flags & MB1_FLAG_CMDLINE)
		copy_string(bi->cmdline, sizeof(bi->cmdline), mi->cmdline,
			    map, ctx);
	if (mi->flags & MB1_FLAG_LOADER)
		copy_string(bi->loader, sizeof(bi->loader),
			    mi->boot_loader_name, map, ctx);
	if (mi->flags & MB1_FLAG_MODS) {
		for (u32 i = 0; i < mi->mods_count && i < 256; i++) {
			const struct mb1_module *mm;

			mm = map(mi->mods_addr + i * sizeof(*mm), sizeof(*mm), ctx);
			if (!mm) {
				*why = "multiboot1 module list is not readable";
				return -EFAULT;
			}
			add_module(bi, mm->start, mm->end, mm->cmdline, map, ctx);
		}
	}
	if (!(mi->flags & MB1_FLAG_MMAP) || !mi->mmap_length) {
		*why = "the boot loader passed no memory map (multiboot1 flag 6)";
		return -ENOENT;
	}
	if (mi->mmap_length > MB_MAX_INFO) {
		*why = "the multiboot1 memory map is absurdly long (corrupt)";
		return -EINVAL;
	}
	/* Each entry is preceded by its own size, which excludes that field. */
	for (off = 0; off < mi->mmap_length;) {
		const u32 *size = map(mi->mmap_addr + off, 4, ctx);
		const struct mb_mmap_entry *e;

		if (!size || *size < sizeof(*e) || *size > 256) {
			*why = "the multiboot1 memory map has a corrupt entry size";
			return -EINVAL;
		}
		e = map(mi->mmap_addr + off + 4, sizeof(*e), ctx);
		if (!e || off + 4 + *size > mi->mmap_length) {
			*why = "the multiboot1 memory map runs past its length";
			return -EINVAL;
		}
		add_mmap_entry(bi, e->addr, e->len, e->type);
		off += 4 + *size;
	}
	return 0;
}

static int parse_mb2_mmap(const u8 *tag, u32 size, struct boot_info *bi,
			  const char **why)
{
	u32 esize = *(const u32 *)(tag + 8);

	if (esize < sizeof(struct mb_mmap_entry) || esize > 256) {
		*why = "the multiboot2 memory map has a corrupt entry size";
		return -EINVAL;
	}
	for (u32 off = 16; off + esize <= size; off += esize) {
		const struct mb_mmap_entry *e = (const void *)(tag + off);

		add_mmap_entry(bi, e->addr, e->len, e->type);
	}
	return 0;
}

static int parse_mb2_tag(const u8 *tag, u32 type, u32 size,
			 struct boot_info *bi, boot_map_fn map, void *ctx,
			 const char **why)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
	case MB2_TAG_LOADER: {
		char *dst = type == MB2_TAG_CMDLINE ? bi->cmdline : bi->loader;
		size_t max = type == MB2_TAG_CMDLINE ? sizeof(bi->cmdline)
						     : sizeof(bi->loader);
		size_t n = MIN(max - 1, (size_t)(size - 8));

		memcpy(dst, tag + 8, n);
		dst[n] = '\0';
		dst[strnlen(dst, n)] = '\0';
		break;
	}
	case MB2_TAG_MODULE: {
		struct boot_module *m;
		size_t n;

		if (size < 16)
			break;
		if (bi->nr_mods == BOOT_MAX_MODULES) {
			bi->mods_dropped++;
			break;
		}
		m = &bi->mods[bi->nr_mods++];
		m->start = *(const u32 *)(tag + 8);
		m->size = *(const u32 *)(tag + 12) > m->start ?
			  *(const u32 *)(tag + 12) - m->start : 0;
		n = MIN((size_t)BOOT_MOD_CMDLINE_LEN - 1, (size_t)(size - 16));
		memcpy(m->cmdline, tag + 16, n);
		m->cmdline[n] = '\0';
		break;
	}
	case MB2_TAG_MMAP:
		if (size < 16) {
			*why = "the multiboot2 memory map tag is truncated";
			return -EINVAL;
		}
		return parse_mb2_mmap(tag, size, bi, why);
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		/* The new (v2) copy wins over the old one. */
		if (size >= 8 + 20 && (type == MB2_TAG_ACPI_NEW || !bi->have_rsdp_copy)) {
			memset(bi->rsdp_copy, 0, sizeof(bi->rsdp_copy));
			memcpy(bi->rsdp_copy, tag + 8,
			       MIN((size_t)(size - 8), sizeof(bi->rsdp_copy)));
			bi->have_rsdp_copy = true;
		}
		break;
	}
	return 0;
}

static int parse_mb2(paddr_t info, boot_map_fn map, void *ctx,
		     struct boot_info *bi, const char **why)
{
	const u32 *hdr = map(info, 8, ctx);
	const u8 *base;
	u32 total;
	bool have_mmap = false;

	if (!hdr || hdr[0] < 16 || hdr[0] > MB_MAX_INFO) {
		*why = "multiboot2 information block is missing or has a corrupt size";
		return -EINVAL;
	}
	total = hdr[0];
	base = map(info, total, ctx);
	if (!base) {
		*why = "multiboot2 information block is not readable";
		return -EFAULT;
	}
	bi->info_start = info;
	bi->info_end = info + total;
	for (u32 off = 8; off + 8 <= total;) {
		u32 type = *(const u32 *)(base + off);
		u32 size = *(const u32 *)(base + off + 4);
		int rc;

		if (type == MB2_TAG_END)
			break;
		if (size < 8 || off + size > total) {
			*why = "multiboot2 tag runs past the information block (corrupt)";
			return -EINVAL;
		}
		rc = parse_mb2_tag(base + off, type, size, bi, map, ctx, why);
		if (rc)
			return rc;
		have_mmap |= type == MB2_TAG_MMAP;
		off += ROUNDUP(size, 8);
	}
	if (!have_mmap) {
		*why = "the boot loader passed no memory map (multiboot2 tag 6)";
		return -ENOENT;
	}
	return 0;
}

/*
 * Loaders other than GRUB 2 put the image (or module) path first on its
 * command line, as Xen's cmdline_cook() knows: drop it there.
 */
static void strip_image_name(char *s, const char *loader)
{
	char *p = s;

	if (!strncmp(loader, "GRUB 2", 6))
		goto trim;
	while (*p && *p != ' ')
		p++;
trim:
	while (*p == ' ')
		p++;
	memmove(s, p, strlen(p) + 1);
}

int multiboot_parse(u32 magic, paddr_t info, boot_map_fn map, void *ctx,
		    struct boot_info *bi, const char **why)
{
	int rc;

	memset(bi, 0, sizeof(*bi));
	*why = NULL;
	if (magic == MB1_LOADER_MAGIC) {
		bi->mb_version = 1;
		rc = parse_mb1(info, map, ctx, bi, why);
	} else if (magic == MB2_LOADER_MAGIC) {
		bi->mb_version = 2;
		rc = parse_mb2(info, map, ctx, bi, why);
	} else {
		*why = "not started by a multiboot loader (bad magic in EAX)";
		return -EINVAL;
	}
	if (rc)
		return rc;
	strip_image_name(bi->cmdline, bi->loader);
	for (unsigned int i = 0; i < bi->nr_mods; i++)
		strip_image_name(bi->mods[i].cmdline, bi->loader);
	if (e820_sanitize(bi->map, &bi->nr_map)) {
		*why = "the memory map holds no usable RAM (corrupt)";
		return -EINVAL;
	}
	return 0;
}
