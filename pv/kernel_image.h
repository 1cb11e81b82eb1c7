/*
 * The boot kernel image in whichever format it came: a PVH ELF is used as
 * is; a Linux bzImage (Debian's vmlinuz) has its XZ payload decompressed
 * into a scratch buffer, and the vmlinux ELF inside is what pvh_build()
 * loads (docs/xen-abi.md §A.1).
 */
#ifndef PV_KERNEL_IMAGE_H
#define PV_KERNEL_IMAGE_H

#include <xen/types.h>

/* Largest decompressed kernel accepted (Debian 6.1's vmlinux: ~63 MiB). */
#define KERNEL_IMAGE_MAX_BYTES (512UL << 20)

/*
 * Turn the untrusted image [img, img + len) into the ELF to build from.
 * An image that is not a bzImage is passed through (*elf = img; the ELF
 * parser judges it).  A bzImage is decompressed into a physically
 * contiguous block from the page allocator: *scratch and *scratch_order
 * describe it, and the caller frees it with free_pages() once the ELF has
 * been loaded.  For pass-through, *scratch is NULL (free_pages(NULL, ...)
 * is a no-op).
 * Returns 0, or -EINVAL (bad image) / -ENOMEM (no block large enough)
 * with *why set; nothing stays allocated on failure.
 */
/* Bytes kernel_image_prepare() will allocate for @img (0: none). */
u64 kernel_image_scratch_bytes(const void *img, size_t len);

int kernel_image_prepare(const void *img, size_t len, const void **elf,
			 size_t *elf_len, void **scratch,
			 unsigned int *scratch_order, const char **why);

#endif
